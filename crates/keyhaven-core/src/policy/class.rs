//! Key classes (SP 800-57 Part 1 Rev. 5 §5.3.6), which set cryptoperiod limits.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::algorithm::{AlgorithmFamily, KeyAlgorithm};
use crate::usage::UsageMask;

/// The key classes of SP 800-57 Part 1 Rev. 5 §5.3.6 (Table 1), which set the cryptoperiod.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyClass {
    /// Symmetric data-encryption key.
    SymmetricEncryption,
    /// Symmetric authentication (MAC) key.
    SymmetricAuthentication,
    /// Symmetric key-wrapping key.
    SymmetricKeyWrapping,
    /// Private signature key.
    PrivateSigning,
    /// Private key-transport key (RSA encryption, ML-KEM decapsulation).
    PrivateKeyTransport,
    /// Private static key-agreement key.
    PrivateKeyAgreement,
    /// A public key held without its private half.
    PublicKey,
    /// Anything else (derivation-only keys, stored data).
    Other,
}

impl KeyClass {
    /// Every class.
    pub const ALL: [KeyClass; 8] = [
        KeyClass::SymmetricEncryption,
        KeyClass::SymmetricAuthentication,
        KeyClass::SymmetricKeyWrapping,
        KeyClass::PrivateSigning,
        KeyClass::PrivateKeyTransport,
        KeyClass::PrivateKeyAgreement,
        KeyClass::PublicKey,
        KeyClass::Other,
    ];

    /// The class of a key of algorithm `alg` with usage `usage`.
    ///
    /// Symmetric keys: encryption if they may encrypt or decrypt (or have no usage), else
    /// key-wrapping if they may wrap, else authentication if they may MAC, else other.
    /// Asymmetric keys whose usage holds only public operations (verify, encrypt, wrap) are
    /// public keys; RSA keys that may encrypt or wrap are key-transport keys, EC keys that may
    /// derive are key-agreement keys, ML-KEM keys are key-transport keys, the rest sign.
    pub fn of(alg: KeyAlgorithm, usage: UsageMask) -> KeyClass {
        let encrypt = UsageMask::ENCRYPT.union(UsageMask::DECRYPT);
        let wrap = UsageMask::WRAP.union(UsageMask::UNWRAP);
        let mac = UsageMask::MAC_GENERATE.union(UsageMask::MAC_VERIFY);
        let private = UsageMask::SIGN
            .union(UsageMask::DECRYPT)
            .union(UsageMask::UNWRAP)
            .union(UsageMask::DERIVE_KEY);
        let public_only = !usage.is_empty() && !usage.intersects(private);
        match alg.family() {
            AlgorithmFamily::Aes => {
                if usage.is_empty() || usage.intersects(encrypt) {
                    KeyClass::SymmetricEncryption
                } else if usage.intersects(wrap) {
                    KeyClass::SymmetricKeyWrapping
                } else if usage.intersects(mac) {
                    KeyClass::SymmetricAuthentication
                } else {
                    KeyClass::Other
                }
            }
            AlgorithmFamily::Hmac => {
                if usage.is_empty() || usage.intersects(mac) {
                    KeyClass::SymmetricAuthentication
                } else {
                    KeyClass::Other
                }
            }
            AlgorithmFamily::Data => KeyClass::Other,
            _ if public_only => KeyClass::PublicKey,
            AlgorithmFamily::Rsa => {
                if usage.is_empty() || usage.intersects(encrypt.union(wrap)) {
                    KeyClass::PrivateKeyTransport
                } else {
                    KeyClass::PrivateSigning
                }
            }
            AlgorithmFamily::Ecdsa => {
                if usage.contains(UsageMask::DERIVE_KEY) && !usage.contains(UsageMask::SIGN) {
                    KeyClass::PrivateKeyAgreement
                } else {
                    KeyClass::PrivateSigning
                }
            }
            AlgorithmFamily::Ed25519 | AlgorithmFamily::MlDsa => KeyClass::PrivateSigning,
            AlgorithmFamily::MlKem => KeyClass::PrivateKeyTransport,
        }
    }

    /// The document name (`symmetric-encryption`, `private-signing`, ...).
    pub fn name(self) -> &'static str {
        match self {
            KeyClass::SymmetricEncryption => "symmetric-encryption",
            KeyClass::SymmetricAuthentication => "symmetric-authentication",
            KeyClass::SymmetricKeyWrapping => "symmetric-key-wrapping",
            KeyClass::PrivateSigning => "private-signing",
            KeyClass::PrivateKeyTransport => "private-key-transport",
            KeyClass::PrivateKeyAgreement => "private-key-agreement",
            KeyClass::PublicKey => "public-key",
            KeyClass::Other => "other",
        }
    }

    /// Reads a name given by [`KeyClass::name`].
    pub fn parse(s: &str) -> Option<KeyClass> {
        KeyClass::ALL.into_iter().find(|c| c.name() == s)
    }
}

impl fmt::Display for KeyClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
