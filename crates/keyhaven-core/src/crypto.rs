//! The `CryptoProvider` seam: everything core needs from a cryptographic implementation.
//! The software provider (aws-lc-rs) lives in `keyhaven-crypto`; a PKCS#11 provider can
//! implement the same traits.

use std::sync::Arc;

use crate::algorithm::{KeyAlgorithm, Operation};
use crate::cipher::{CipherOutput, CipherParams, HashAlgorithm, SignParams};
use crate::secret::SecretBytes;

/// Errors from a cryptographic provider. Messages never contain secret material.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The algorithm or scheme cannot do what was asked.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The caller's input is malformed (wrong digest length, bad ciphertext framing, ...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Authenticated decryption or unsealing failed (tampered data, wrong key, wrong AAD).
    #[error("authentication failed")]
    AuthenticationFailed,
    /// Imported or stored key material does not parse for the algorithm.
    #[error("invalid key material: {0}")]
    InvalidKeyMaterial(String),
    /// The underlying library failed unexpectedly.
    #[error("internal cryptographic error: {0}")]
    Internal(String),
}

/// Signature schemes. Which ones a key accepts depends on its algorithm.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureScheme {
    /// RSASSA-PSS with SHA-256 (salt length = digest length).
    RsaPssSha256,
    /// RSASSA-PSS with SHA-384.
    RsaPssSha384,
    /// RSASSA-PSS with SHA-512.
    RsaPssSha512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RsaPkcs1Sha256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RsaPkcs1Sha384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RsaPkcs1Sha512,
    /// ECDSA with SHA-256 (P-256), DER-encoded signature.
    EcdsaSha256,
    /// ECDSA with SHA-384 (P-384), DER-encoded signature.
    EcdsaSha384,
    /// ECDSA with SHA-512 (P-521), DER-encoded signature.
    EcdsaSha512,
    /// Ed25519 (pure; messages only).
    Ed25519,
    /// ML-DSA (pure; messages only).
    MlDsa,
}

const SCHEMES: [(SignatureScheme, &str, u8); 11] = [
    (SignatureScheme::RsaPssSha256, "rsa-pss-sha256", 1),
    (SignatureScheme::RsaPssSha384, "rsa-pss-sha384", 2),
    (SignatureScheme::RsaPssSha512, "rsa-pss-sha512", 3),
    (SignatureScheme::RsaPkcs1Sha256, "rsa-pkcs1-sha256", 4),
    (SignatureScheme::RsaPkcs1Sha384, "rsa-pkcs1-sha384", 5),
    (SignatureScheme::RsaPkcs1Sha512, "rsa-pkcs1-sha512", 6),
    (SignatureScheme::EcdsaSha256, "ecdsa-sha256", 7),
    (SignatureScheme::EcdsaSha384, "ecdsa-sha384", 8),
    (SignatureScheme::EcdsaSha512, "ecdsa-sha512", 9),
    (SignatureScheme::Ed25519, "ed25519", 10),
    (SignatureScheme::MlDsa, "ml-dsa", 11),
];

impl SignatureScheme {
    /// Stable name used on the wire (`rsa-pss-sha256`, ...).
    pub fn name(self) -> &'static str {
        SCHEMES
            .iter()
            .find(|(s, _, _)| *s == self)
            .map(|(_, n, _)| *n)
            .unwrap_or("unknown")
    }
    /// Parses a name.
    pub fn parse(name: &str) -> Option<SignatureScheme> {
        SCHEMES
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(s, _, _)| *s)
    }
    /// One-byte identifier written into signature envelopes.
    pub fn id(self) -> u8 {
        SCHEMES
            .iter()
            .find(|(s, _, _)| *s == self)
            .map(|(_, _, id)| *id)
            .unwrap_or(0)
    }
    /// Inverse of [`SignatureScheme::id`].
    pub fn from_id(id: u8) -> Option<SignatureScheme> {
        SCHEMES
            .iter()
            .find(|(_, _, i)| *i == id)
            .map(|(s, _, _)| *s)
    }
    /// Length in bytes of the digest this scheme signs, `None` for schemes that sign messages
    /// only (Ed25519, ML-DSA).
    pub fn digest_len(self) -> Option<usize> {
        use SignatureScheme::*;
        match self {
            RsaPssSha256 | RsaPkcs1Sha256 | EcdsaSha256 => Some(32),
            RsaPssSha384 | RsaPkcs1Sha384 | EcdsaSha384 => Some(48),
            RsaPssSha512 | RsaPkcs1Sha512 | EcdsaSha512 => Some(64),
            Ed25519 | MlDsa => None,
        }
    }
    /// The scheme used when the caller names none.
    pub fn default_for(alg: KeyAlgorithm) -> Option<SignatureScheme> {
        use KeyAlgorithm::*;
        Some(match alg {
            Rsa2048 | Rsa3072 | Rsa4096 => SignatureScheme::RsaPssSha256,
            EcP256 => SignatureScheme::EcdsaSha256,
            EcP384 => SignatureScheme::EcdsaSha384,
            EcP521 => SignatureScheme::EcdsaSha512,
            KeyAlgorithm::Ed25519 => SignatureScheme::Ed25519,
            MlDsa44 | MlDsa65 | MlDsa87 => SignatureScheme::MlDsa,
            _ => return None,
        })
    }
    /// Whether a key of `alg` can sign with this scheme.
    pub fn fits(self, alg: KeyAlgorithm) -> bool {
        use KeyAlgorithm::*;
        use SignatureScheme::*;
        match alg {
            Rsa2048 | Rsa3072 | Rsa4096 => matches!(
                self,
                RsaPssSha256
                    | RsaPssSha384
                    | RsaPssSha512
                    | RsaPkcs1Sha256
                    | RsaPkcs1Sha384
                    | RsaPkcs1Sha512
            ),
            EcP256 => self == EcdsaSha256,
            EcP384 => self == EcdsaSha384,
            EcP521 => self == EcdsaSha512,
            KeyAlgorithm::Ed25519 => self == SignatureScheme::Ed25519,
            MlDsa44 | MlDsa65 | MlDsa87 => self == MlDsa,
            _ => false,
        }
    }
    /// The schemes a key of `alg` accepts, for error messages.
    pub fn all_for(alg: KeyAlgorithm) -> Vec<&'static str> {
        SCHEMES
            .iter()
            .filter(|(s, _, _)| s.fits(alg))
            .map(|(_, n, _)| *n)
            .collect()
    }
}

/// What is signed: the message itself, or a digest the caller computed with the scheme's hash.
#[derive(Clone, Copy, Debug)]
pub enum SignInput<'a> {
    /// The whole message; the provider hashes it.
    Message(&'a [u8]),
    /// A precomputed digest; its length must match the scheme's hash.
    Digest(&'a [u8]),
}

/// Freshly generated or imported key material.
pub struct GeneratedKey {
    /// Private or secret material in the provider's storage encoding (raw bytes for symmetric
    /// keys, PKCS#8 DER for RSA/EC/Ed25519, the raw private key for ML-DSA / ML-KEM).
    pub material: SecretBytes,
    /// The public key as SubjectPublicKeyInfo DER (raw encapsulation key for ML-KEM);
    /// `None` for symmetric keys.
    pub public_key: Option<Vec<u8>>,
}

/// `Unsupported("<alg> keys cannot <op>")`: what a handle answers for an operation its
/// algorithm does not have (the default of every [`KeyHandle`] operation).
pub fn unsupported(alg: KeyAlgorithm, op: Operation) -> CryptoError {
    CryptoError::Unsupported(format!("{alg} keys cannot {}", op.name()))
}

/// A parsed, ready-to-use key version. Implementations zeroize secret material when dropped.
/// Every operation defaults to [`unsupported`]; a handle implements those its algorithm has.
/// Ciphertext framing (nonce, tag) is the provider's; keyhaven's self-describing envelope is
/// added by core around it.
pub trait KeyHandle: Send + Sync {
    /// The algorithm of this key.
    fn algorithm(&self) -> KeyAlgorithm;
    /// Encrypts. AES-GCM output: 12-byte random nonce || ciphertext || 16-byte tag, `aad`
    /// authenticated. RSA: OAEP with SHA-256 and MGF1-SHA-256, `aad` used as the OAEP label.
    fn encrypt(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let _ = (plaintext, aad);
        Err(unsupported(self.algorithm(), Operation::Encrypt))
    }
    /// Inverse of [`KeyHandle::encrypt`]; [`CryptoError::AuthenticationFailed`] when the
    /// ciphertext or `aad` was altered or belongs to another key.
    fn decrypt(&self, ciphertext: &[u8], aad: &[u8]) -> Result<SecretBytes, CryptoError> {
        let _ = (ciphertext, aad);
        Err(unsupported(self.algorithm(), Operation::Decrypt))
    }
    /// Signs with `scheme` (checked against the algorithm by the caller, and again here).
    fn sign(&self, scheme: SignatureScheme, input: SignInput<'_>) -> Result<Vec<u8>, CryptoError> {
        let _ = (scheme, input);
        Err(unsupported(self.algorithm(), Operation::Sign))
    }
    /// Verifies; `Ok(false)` for a signature that does not verify.
    fn verify(
        &self,
        scheme: SignatureScheme,
        input: SignInput<'_>,
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        let _ = (scheme, input, signature);
        Err(unsupported(self.algorithm(), Operation::Verify))
    }
    /// HMAC tag over `data`.
    fn mac(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let _ = data;
        Err(unsupported(self.algorithm(), Operation::MacGenerate))
    }
    /// Constant-time HMAC check.
    fn mac_verify(&self, data: &[u8], tag: &[u8]) -> Result<bool, CryptoError> {
        let _ = (data, tag);
        Err(unsupported(self.algorithm(), Operation::MacVerify))
    }
    /// ML-KEM encapsulation against this key's encapsulation key: (ciphertext, shared secret).
    fn encapsulate(&self) -> Result<(Vec<u8>, SecretBytes), CryptoError> {
        Err(unsupported(self.algorithm(), Operation::Encapsulate))
    }
    /// ML-KEM decapsulation. A tampered ciphertext yields a different (pseudorandom) secret,
    /// not an error: ML-KEM's implicit rejection.
    fn decapsulate(&self, ciphertext: &[u8]) -> Result<SecretBytes, CryptoError> {
        let _ = ciphertext;
        Err(unsupported(self.algorithm(), Operation::Decapsulate))
    }
    /// Caller-framed encryption (KMIP Encrypt): the mode, padding, IV, hash and tag length
    /// come from `params`, unset ones take the key's defaults (see [`CipherParams`]). The
    /// output carries the ciphertext alone, the IV the provider generated when the caller gave
    /// none, and the (truncated) GCM tag.
    fn encrypt_with(
        &self,
        params: &CipherParams<'_>,
        plaintext: &[u8],
    ) -> Result<CipherOutput, CryptoError> {
        let _ = (params, plaintext);
        Err(unsupported(self.algorithm(), Operation::Encrypt))
    }
    /// Inverse of [`KeyHandle::encrypt_with`]; `tag` is the GCM tag (its length must equal
    /// `params.tag_len` when that is given). A GCM tag that does not verify is
    /// [`CryptoError::AuthenticationFailed`], and no plaintext is released; so is an RSA
    /// ciphertext that does not decrypt.
    fn decrypt_with(
        &self,
        params: &CipherParams<'_>,
        ciphertext: &[u8],
        tag: Option<&[u8]>,
    ) -> Result<SecretBytes, CryptoError> {
        let _ = (params, ciphertext, tag);
        Err(unsupported(self.algorithm(), Operation::Decrypt))
    }
    /// Caller-framed signature (KMIP Sign) over a message, or over a digest when
    /// `params.prehashed`.
    fn sign_with(&self, params: &SignParams, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let _ = (params, data);
        Err(unsupported(self.algorithm(), Operation::Sign))
    }
    /// Caller-framed verification (KMIP Signature Verify); `Ok(false)` for a signature that
    /// does not verify, an error for parameters the key cannot use.
    fn verify_with(
        &self,
        params: &SignParams,
        data: &[u8],
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        let _ = (params, data, signature);
        Err(unsupported(self.algorithm(), Operation::Verify))
    }
    /// HMAC over `data` with `hash` (default: the key's own hash).
    fn mac_with(&self, hash: Option<HashAlgorithm>, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let _ = (hash, data);
        Err(unsupported(self.algorithm(), Operation::MacGenerate))
    }
    /// Derives `len` bytes from this key's material (KMIP Derive Key).
    fn derive(
        &self,
        derivation: &crate::cipher::Derivation<'_>,
        len: usize,
    ) -> Result<SecretBytes, CryptoError> {
        let _ = (derivation, len);
        Err(unsupported(self.algorithm(), Operation::DeriveKey))
    }
    /// Constant-time check of an HMAC made by [`KeyHandle::mac_with`] with the same hash.
    fn mac_verify_with(
        &self,
        hash: Option<HashAlgorithm>,
        data: &[u8],
        tag: &[u8],
    ) -> Result<bool, CryptoError> {
        let _ = (hash, data, tag);
        Err(unsupported(self.algorithm(), Operation::MacVerify))
    }
}

/// A cryptographic implementation.
pub trait CryptoProvider: Send + Sync {
    /// Generates a new key.
    fn generate(&self, alg: KeyAlgorithm) -> Result<GeneratedKey, CryptoError>;
    /// Validates imported material and brings it to the storage encoding. Accepted input:
    /// raw bytes of the exact length for AES, 32/48/64 (by hash) up to 128 bytes for HMAC, PKCS#8 DER for RSA/EC/Ed25519, the raw
    /// expanded private key (FIPS 203/204 encoding) for ML-KEM/ML-DSA.
    fn import(&self, alg: KeyAlgorithm, material: &[u8]) -> Result<GeneratedKey, CryptoError>;
    /// Parses stored material into a handle.
    fn load(
        &self,
        alg: KeyAlgorithm,
        material: &SecretBytes,
    ) -> Result<Arc<dyn KeyHandle>, CryptoError>;
    /// AES-256-GCM seal under a 32-byte key-encryption key: nonce || ciphertext || tag.
    fn seal(&self, kek: &SecretBytes, aad: &[u8], plaintext: &[u8])
        -> Result<Vec<u8>, CryptoError>;
    /// Inverse of [`CryptoProvider::seal`].
    fn unseal(
        &self,
        kek: &SecretBytes,
        aad: &[u8],
        sealed: &[u8],
    ) -> Result<SecretBytes, CryptoError>;
    /// Fills `buf` from the provider's CSPRNG.
    fn random(&self, buf: &mut [u8]) -> Result<(), CryptoError>;
    /// Parses a public key alone (SubjectPublicKeyInfo DER) into a handle that can only
    /// encrypt (RSA) and verify (RSA, ECDSA, Ed25519). Defaults to `Unsupported`.
    fn load_public(
        &self,
        alg: KeyAlgorithm,
        spki_der: &[u8],
    ) -> Result<Arc<dyn KeyHandle>, CryptoError> {
        let _ = spki_der;
        Err(CryptoError::Unsupported(format!(
            "this provider cannot load a {alg} public key alone"
        )))
    }
    /// Generates an RSA import key pair for wrapped import (docs/IMPORT.md): `material` is the
    /// private key as PKCS#8 DER, `public_key` its SubjectPublicKeyInfo DER. Defaults to
    /// `Unsupported`.
    fn generate_import_key(&self) -> Result<GeneratedKey, CryptoError> {
        Err(CryptoError::Unsupported(
            "this provider cannot generate import keys".to_owned(),
        ))
    }
    /// Unwraps a blob wrapped for an import key (`RSA-OAEP-SHA-256(AES-256 key) ||
    /// AES-KWP(material)`) with the import key's PKCS#8 private key. A blob of impossible
    /// length is `InvalidInput`; every cryptographic failure is the one `AuthenticationFailed`.
    /// Defaults to `Unsupported`.
    fn unwrap_import(
        &self,
        private_pkcs8: &SecretBytes,
        blob: &[u8],
    ) -> Result<SecretBytes, CryptoError> {
        let _ = (private_pkcs8, blob);
        Err(CryptoError::Unsupported(
            "this provider cannot unwrap imported key material".to_owned(),
        ))
    }
}
