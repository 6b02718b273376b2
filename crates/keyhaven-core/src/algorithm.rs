//! Key algorithms keyhaven can generate, what each one can do and which usages it admits.

use std::fmt;
use std::str::FromStr;

use crate::usage::UsageMask;

/// A key algorithm and size. Parsed once at the edge; core never handles algorithm strings.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyAlgorithm {
    /// AES with a 128-bit key, used in GCM mode.
    Aes128,
    /// AES with a 192-bit key, used in GCM mode.
    Aes192,
    /// AES with a 256-bit key, used in GCM mode.
    Aes256,
    /// RSA with a 2048-bit modulus (OAEP-SHA-256 encryption, PSS or PKCS#1 v1.5 signatures).
    Rsa2048,
    /// RSA with a 3072-bit modulus.
    Rsa3072,
    /// RSA with a 4096-bit modulus.
    Rsa4096,
    /// ECDSA on NIST P-256.
    EcP256,
    /// ECDSA on NIST P-384.
    EcP384,
    /// ECDSA on NIST P-521.
    EcP521,
    /// EdDSA on Curve25519.
    Ed25519,
    /// HMAC with SHA-256.
    HmacSha256,
    /// HMAC with SHA-384.
    HmacSha384,
    /// HMAC with SHA-512.
    HmacSha512,
    /// ML-DSA-44 (FIPS 204).
    MlDsa44,
    /// ML-DSA-65 (FIPS 204).
    MlDsa65,
    /// ML-DSA-87 (FIPS 204).
    MlDsa87,
    /// ML-KEM-768 (FIPS 203).
    MlKem768,
    /// ML-KEM-1024 (FIPS 203).
    MlKem1024,
    /// No cryptographic algorithm: secret data, opaque objects and certificates stored for
    /// callers (KMIP Register). Never generated; no operation.
    Opaque,
}

/// The family an algorithm belongs to; decides which operations it supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlgorithmFamily {
    /// AES-GCM.
    Aes,
    /// RSA.
    Rsa,
    /// ECDSA over a NIST curve.
    Ecdsa,
    /// Ed25519.
    Ed25519,
    /// HMAC.
    Hmac,
    /// ML-DSA.
    MlDsa,
    /// ML-KEM.
    MlKem,
    /// Stored data without a cryptographic algorithm.
    Data,
}

/// A cryptographic operation a caller can ask of a key.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Encrypt data (applies protection).
    Encrypt,
    /// Decrypt data (processes protected data).
    Decrypt,
    /// Sign a message or digest (applies protection).
    Sign,
    /// Verify a signature (processes protected data).
    Verify,
    /// Compute a MAC (applies protection).
    MacGenerate,
    /// Check a MAC (processes protected data).
    MacVerify,
    /// Generate a data key and return it with a copy encrypted under this key (applies protection).
    DataKey,
    /// Re-encrypt a ciphertext under the primary version (applies protection).
    Rewrap,
    /// ML-KEM encapsulation: a fresh shared secret and its ciphertext (applies protection).
    Encapsulate,
    /// ML-KEM decapsulation (processes protected data).
    Decapsulate,
    /// Wrap another key's material with this key (applies protection; KMIP Get with a key
    /// wrapping specification).
    WrapKey,
    /// Unwrap key material with this key (processes protected data).
    UnwrapKey,
    /// Derive a new key from this key's material (KMIP Derive Key; applies protection).
    DeriveKey,
}

/// Whether an operation applies protection or processes already-protected data (LIFECYCLE.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationKind {
    /// encrypt, sign, wrap, MAC-generate, data key: only while active.
    Apply,
    /// decrypt, verify, unwrap, MAC-verify: while active or deactivated (compromised with override).
    Process,
}

impl Operation {
    /// The name used in errors and on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Encrypt => "encrypt",
            Operation::Decrypt => "decrypt",
            Operation::Sign => "sign",
            Operation::Verify => "verify",
            Operation::MacGenerate => "mac",
            Operation::MacVerify => "mac-verify",
            Operation::DataKey => "datakey",
            Operation::Rewrap => "rewrap",
            Operation::Encapsulate => "encapsulate",
            Operation::Decapsulate => "decapsulate",
            Operation::WrapKey => "wrap-key",
            Operation::UnwrapKey => "unwrap-key",
            Operation::DeriveKey => "derive-key",
        }
    }

    /// Apply or process.
    pub fn kind(self) -> OperationKind {
        match self {
            Operation::Encrypt
            | Operation::Sign
            | Operation::MacGenerate
            | Operation::DataKey
            | Operation::Rewrap
            | Operation::Encapsulate
            | Operation::WrapKey
            | Operation::DeriveKey => OperationKind::Apply,
            Operation::Decrypt
            | Operation::Verify
            | Operation::MacVerify
            | Operation::Decapsulate
            | Operation::UnwrapKey => OperationKind::Process,
        }
    }

    /// The usage flags the key must carry for this operation.
    pub fn required_usage(self) -> UsageMask {
        match self {
            Operation::Encrypt | Operation::DataKey => UsageMask::ENCRYPT,
            Operation::Decrypt => UsageMask::DECRYPT,
            Operation::Rewrap => UsageMask::ENCRYPT.union(UsageMask::DECRYPT),
            Operation::Sign => UsageMask::SIGN,
            Operation::Verify => UsageMask::VERIFY,
            Operation::MacGenerate => UsageMask::MAC_GENERATE,
            Operation::MacVerify => UsageMask::MAC_VERIFY,
            Operation::Encapsulate | Operation::WrapKey => UsageMask::WRAP,
            Operation::Decapsulate | Operation::UnwrapKey => UsageMask::UNWRAP,
            Operation::DeriveKey => UsageMask::DERIVE_KEY,
        }
    }
}

impl KeyAlgorithm {
    /// Every algorithm keyhaven supports, in a stable order.
    pub const ALL: [KeyAlgorithm; 19] = [
        KeyAlgorithm::Aes128,
        KeyAlgorithm::Aes192,
        KeyAlgorithm::Aes256,
        KeyAlgorithm::Rsa2048,
        KeyAlgorithm::Rsa3072,
        KeyAlgorithm::Rsa4096,
        KeyAlgorithm::EcP256,
        KeyAlgorithm::EcP384,
        KeyAlgorithm::EcP521,
        KeyAlgorithm::Ed25519,
        KeyAlgorithm::HmacSha256,
        KeyAlgorithm::HmacSha384,
        KeyAlgorithm::HmacSha512,
        KeyAlgorithm::MlDsa44,
        KeyAlgorithm::MlDsa65,
        KeyAlgorithm::MlDsa87,
        KeyAlgorithm::MlKem768,
        KeyAlgorithm::MlKem1024,
        KeyAlgorithm::Opaque,
    ];

    /// The stable name (`aes-256`, `ec-p256`, ...).
    pub fn name(self) -> &'static str {
        match self {
            KeyAlgorithm::Aes128 => "aes-128",
            KeyAlgorithm::Aes192 => "aes-192",
            KeyAlgorithm::Aes256 => "aes-256",
            KeyAlgorithm::Rsa2048 => "rsa-2048",
            KeyAlgorithm::Rsa3072 => "rsa-3072",
            KeyAlgorithm::Rsa4096 => "rsa-4096",
            KeyAlgorithm::EcP256 => "ec-p256",
            KeyAlgorithm::EcP384 => "ec-p384",
            KeyAlgorithm::EcP521 => "ec-p521",
            KeyAlgorithm::Ed25519 => "ed25519",
            KeyAlgorithm::HmacSha256 => "hmac-sha256",
            KeyAlgorithm::HmacSha384 => "hmac-sha384",
            KeyAlgorithm::HmacSha512 => "hmac-sha512",
            KeyAlgorithm::MlDsa44 => "ml-dsa-44",
            KeyAlgorithm::MlDsa65 => "ml-dsa-65",
            KeyAlgorithm::MlDsa87 => "ml-dsa-87",
            KeyAlgorithm::MlKem768 => "ml-kem-768",
            KeyAlgorithm::MlKem1024 => "ml-kem-1024",
            KeyAlgorithm::Opaque => "opaque",
        }
    }

    /// The family, which decides the supported operations.
    pub fn family(self) -> AlgorithmFamily {
        match self {
            KeyAlgorithm::Aes128 | KeyAlgorithm::Aes192 | KeyAlgorithm::Aes256 => {
                AlgorithmFamily::Aes
            }
            KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 | KeyAlgorithm::Rsa4096 => {
                AlgorithmFamily::Rsa
            }
            KeyAlgorithm::EcP256 | KeyAlgorithm::EcP384 | KeyAlgorithm::EcP521 => {
                AlgorithmFamily::Ecdsa
            }
            KeyAlgorithm::Ed25519 => AlgorithmFamily::Ed25519,
            KeyAlgorithm::HmacSha256 | KeyAlgorithm::HmacSha384 | KeyAlgorithm::HmacSha512 => {
                AlgorithmFamily::Hmac
            }
            KeyAlgorithm::MlDsa44 | KeyAlgorithm::MlDsa65 | KeyAlgorithm::MlDsa87 => {
                AlgorithmFamily::MlDsa
            }
            KeyAlgorithm::MlKem768 | KeyAlgorithm::MlKem1024 => AlgorithmFamily::MlKem,
            KeyAlgorithm::Opaque => AlgorithmFamily::Data,
        }
    }

    /// Key size in bits (modulus for RSA, curve order for EC, key length for symmetric keys;
    /// the NIST security category's nominal size for post-quantum algorithms).
    pub fn size_bits(self) -> u32 {
        match self {
            KeyAlgorithm::Aes128 => 128,
            KeyAlgorithm::Aes192 => 192,
            KeyAlgorithm::Aes256 => 256,
            KeyAlgorithm::Rsa2048 => 2048,
            KeyAlgorithm::Rsa3072 => 3072,
            KeyAlgorithm::Rsa4096 => 4096,
            KeyAlgorithm::EcP256 => 256,
            KeyAlgorithm::EcP384 => 384,
            KeyAlgorithm::EcP521 => 521,
            KeyAlgorithm::Ed25519 => 256,
            KeyAlgorithm::HmacSha256 => 256,
            KeyAlgorithm::HmacSha384 => 384,
            KeyAlgorithm::HmacSha512 => 512,
            KeyAlgorithm::MlDsa44 => 128,
            KeyAlgorithm::MlDsa65 => 192,
            KeyAlgorithm::MlDsa87 => 256,
            KeyAlgorithm::MlKem768 => 192,
            KeyAlgorithm::MlKem1024 => 256,
            KeyAlgorithm::Opaque => 0,
        }
    }

    /// Whether keys of this algorithm have a public half that can be exported.
    pub fn is_asymmetric(self) -> bool {
        !matches!(
            self.family(),
            AlgorithmFamily::Aes | AlgorithmFamily::Hmac | AlgorithmFamily::Data
        )
    }

    /// Whether the algorithm can perform the operation at all.
    pub fn supports(self, op: Operation) -> bool {
        use Operation::*;
        match self.family() {
            // HMAC with the AES key's bytes: KMIP registers symmetric keys for both.
            AlgorithmFamily::Aes => {
                matches!(
                    op,
                    Encrypt
                        | Decrypt
                        | DataKey
                        | Rewrap
                        | MacGenerate
                        | MacVerify
                        | WrapKey
                        | UnwrapKey
                        | DeriveKey
                )
            }
            AlgorithmFamily::Rsa => matches!(op, Encrypt | Decrypt | Sign | Verify),
            AlgorithmFamily::Ecdsa | AlgorithmFamily::Ed25519 | AlgorithmFamily::MlDsa => {
                matches!(op, Sign | Verify)
            }
            AlgorithmFamily::Hmac => matches!(op, MacGenerate | MacVerify | DeriveKey),
            AlgorithmFamily::MlKem => matches!(op, Encapsulate | Decapsulate),
            // Secret data (a password) may be the base of a derivation.
            AlgorithmFamily::Data => op == DeriveKey,
        }
    }

    /// The usage flags a key of this algorithm may carry.
    pub fn allowed_usage(self) -> UsageMask {
        match self.family() {
            AlgorithmFamily::Aes => UsageMask::ENCRYPT
                .union(UsageMask::DECRYPT)
                .union(UsageMask::WRAP)
                .union(UsageMask::UNWRAP)
                .union(UsageMask::MAC_GENERATE)
                .union(UsageMask::MAC_VERIFY)
                .union(UsageMask::DERIVE_KEY),
            AlgorithmFamily::Rsa => UsageMask::ENCRYPT
                .union(UsageMask::DECRYPT)
                .union(UsageMask::SIGN)
                .union(UsageMask::VERIFY),
            AlgorithmFamily::Ecdsa | AlgorithmFamily::Ed25519 | AlgorithmFamily::MlDsa => {
                UsageMask::SIGN.union(UsageMask::VERIFY)
            }
            AlgorithmFamily::Hmac => UsageMask::MAC_GENERATE
                .union(UsageMask::MAC_VERIFY)
                .union(UsageMask::DERIVE_KEY),
            AlgorithmFamily::MlKem => UsageMask::WRAP.union(UsageMask::UNWRAP),
            AlgorithmFamily::Data => {
                UsageMask::from_bits(UsageMask::KNOWN_BITS).unwrap_or(UsageMask::empty())
            }
        }
    }

    /// The usage a new key gets when the caller names none. RSA keys default to signing.
    pub fn default_usage(self) -> UsageMask {
        match self.family() {
            AlgorithmFamily::Aes => UsageMask::ENCRYPT.union(UsageMask::DECRYPT),
            AlgorithmFamily::Rsa => UsageMask::SIGN.union(UsageMask::VERIFY),
            AlgorithmFamily::Data => UsageMask::empty(),
            _ => self.allowed_usage(),
        }
    }

    /// Checks a requested usage mask against this algorithm; returns a message for the caller
    /// when it is not acceptable.
    pub fn check_usage(self, usage: UsageMask) -> Result<(), String> {
        if self.family() == AlgorithmFamily::Data {
            // Stored data has no cryptographic use; its mask is the owner's record.
            return Ok(());
        }
        if usage.is_empty() {
            return Err("usage must name at least one operation".to_owned());
        }
        let extra = usage.difference(self.allowed_usage());
        if !extra.is_empty() {
            return Err(format!(
                "{} keys cannot be used for {}; allowed: {}",
                self.name(),
                extra,
                self.allowed_usage()
            ));
        }
        if self.family() == AlgorithmFamily::Rsa {
            let signs = usage.intersects(UsageMask::SIGN.union(UsageMask::VERIFY));
            let encrypts = usage.intersects(UsageMask::ENCRYPT.union(UsageMask::DECRYPT));
            if signs && encrypts {
                return Err(
                    "an RSA key is either a signing key or an encryption key, not both \
                     (NIST SP 800-57 Part 1, 5.2); create two keys"
                        .to_owned(),
                );
            }
        }
        Ok(())
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Returned when a string names no supported algorithm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownAlgorithm(pub String);

impl fmt::Display for UnknownAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = KeyAlgorithm::ALL.iter().map(|a| a.name()).collect();
        write!(
            f,
            "unknown algorithm {:?}; supported: {}",
            self.0,
            names.join(", ")
        )
    }
}

impl FromStr for KeyAlgorithm {
    type Err = UnknownAlgorithm;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KeyAlgorithm::ALL
            .iter()
            .copied()
            .find(|a| a.name() == s)
            .ok_or_else(|| UnknownAlgorithm(s.chars().take(64).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for alg in KeyAlgorithm::ALL {
            assert_eq!(alg.name().parse::<KeyAlgorithm>(), Ok(alg));
        }
        assert!("aes-512".parse::<KeyAlgorithm>().is_err());
    }

    #[test]
    fn default_usage_is_allowed_and_supported() {
        for alg in KeyAlgorithm::ALL {
            assert_eq!(alg.check_usage(alg.default_usage()), Ok(()), "{alg}");
        }
    }

    #[test]
    fn rsa_refuses_mixed_usage() {
        let mixed = UsageMask::SIGN.union(UsageMask::ENCRYPT);
        assert!(KeyAlgorithm::Rsa2048.check_usage(mixed).is_err());
        assert!(KeyAlgorithm::Aes256.check_usage(UsageMask::SIGN).is_err());
    }
}
