//! What the policy judges: primitives and sizes ([`AlgorithmSpec`]) and transition statuses.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::algorithm::KeyAlgorithm;

/// A cryptographic primitive, as the policy's rules name it.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Primitive {
    /// AES (FIPS 197).
    #[serde(rename = "aes")]
    Aes,
    /// Triple DES (TDEA, SP 800-67); 112 bits for two-key, 168 for three-key, 56 for single DES.
    #[serde(rename = "tdea")]
    Tdea,
    /// RSA (modulus bits).
    #[serde(rename = "rsa")]
    Rsa,
    /// DSA (modulus bits).
    #[serde(rename = "dsa")]
    Dsa,
    /// Finite-field Diffie-Hellman (modulus bits).
    #[serde(rename = "dh")]
    Dh,
    /// ECDSA (curve field size).
    #[serde(rename = "ecdsa")]
    Ecdsa,
    /// EdDSA (Ed25519 = 256, Ed448 = 448).
    #[serde(rename = "eddsa")]
    EdDsa,
    /// Elliptic-curve Diffie-Hellman (curve field size).
    #[serde(rename = "ecdh")]
    Ecdh,
    /// HMAC (the hash's output bits: 160 for SHA-1, 256 for SHA-256, ...).
    #[serde(rename = "hmac")]
    Hmac,
    /// ML-DSA (FIPS 204; 44, 65 or 87).
    #[serde(rename = "ml-dsa")]
    MlDsa,
    /// ML-KEM (FIPS 203; 512, 768 or 1024).
    #[serde(rename = "ml-kem")]
    MlKem,
    /// SLH-DSA (FIPS 205; 128, 192 or 256).
    #[serde(rename = "slh-dsa")]
    SlhDsa,
    /// Anything else.
    #[serde(rename = "other")]
    Other,
}

impl Primitive {
    /// Every primitive.
    pub const ALL: [Primitive; 13] = [
        Primitive::Aes,
        Primitive::Tdea,
        Primitive::Rsa,
        Primitive::Dsa,
        Primitive::Dh,
        Primitive::Ecdsa,
        Primitive::EdDsa,
        Primitive::Ecdh,
        Primitive::Hmac,
        Primitive::MlDsa,
        Primitive::MlKem,
        Primitive::SlhDsa,
        Primitive::Other,
    ];

    /// The name used in documents and rule ids (`aes`, `tdea`, `ml-kem`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Primitive::Aes => "aes",
            Primitive::Tdea => "tdea",
            Primitive::Rsa => "rsa",
            Primitive::Dsa => "dsa",
            Primitive::Dh => "dh",
            Primitive::Ecdsa => "ecdsa",
            Primitive::EdDsa => "eddsa",
            Primitive::Ecdh => "ecdh",
            Primitive::Hmac => "hmac",
            Primitive::MlDsa => "ml-dsa",
            Primitive::MlKem => "ml-kem",
            Primitive::SlhDsa => "slh-dsa",
            Primitive::Other => "other",
        }
    }

    /// Reads a name given by [`Primitive::name`].
    pub fn parse(s: &str) -> Option<Primitive> {
        Primitive::ALL.into_iter().find(|p| p.name() == s)
    }
}

impl fmt::Display for Primitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An algorithm and size as the policy judges it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AlgorithmSpec {
    /// The primitive.
    pub primitive: Primitive,
    /// AES/TDEA key bits, RSA/DSA/DH modulus bits, EC curve field size, HMAC hash output bits,
    /// the ML-DSA (44/65/87), ML-KEM (512/768/1024) or SLH-DSA (128/192/256) parameter set.
    pub bits: u32,
    /// A human name (`RSA-2048`, `AES-256`, `P-256`).
    pub label: String,
}

impl AlgorithmSpec {
    /// The spec of an algorithm keyhaven implements; `None` for [`KeyAlgorithm::Opaque`].
    pub fn of(alg: KeyAlgorithm) -> Option<AlgorithmSpec> {
        let (primitive, bits, label) = match alg {
            KeyAlgorithm::Aes128 => (Primitive::Aes, 128, "AES-128"),
            KeyAlgorithm::Aes192 => (Primitive::Aes, 192, "AES-192"),
            KeyAlgorithm::Aes256 => (Primitive::Aes, 256, "AES-256"),
            KeyAlgorithm::Rsa2048 => (Primitive::Rsa, 2048, "RSA-2048"),
            KeyAlgorithm::Rsa3072 => (Primitive::Rsa, 3072, "RSA-3072"),
            KeyAlgorithm::Rsa4096 => (Primitive::Rsa, 4096, "RSA-4096"),
            KeyAlgorithm::EcP256 => (Primitive::Ecdsa, 256, "P-256"),
            KeyAlgorithm::EcP384 => (Primitive::Ecdsa, 384, "P-384"),
            KeyAlgorithm::EcP521 => (Primitive::Ecdsa, 521, "P-521"),
            KeyAlgorithm::Ed25519 => (Primitive::EdDsa, 256, "Ed25519"),
            KeyAlgorithm::HmacSha256 => (Primitive::Hmac, 256, "HMAC-SHA-256"),
            KeyAlgorithm::HmacSha384 => (Primitive::Hmac, 384, "HMAC-SHA-384"),
            KeyAlgorithm::HmacSha512 => (Primitive::Hmac, 512, "HMAC-SHA-512"),
            KeyAlgorithm::MlDsa44 => (Primitive::MlDsa, 44, "ML-DSA-44"),
            KeyAlgorithm::MlDsa65 => (Primitive::MlDsa, 65, "ML-DSA-65"),
            KeyAlgorithm::MlDsa87 => (Primitive::MlDsa, 87, "ML-DSA-87"),
            KeyAlgorithm::MlKem768 => (Primitive::MlKem, 768, "ML-KEM-768"),
            KeyAlgorithm::MlKem1024 => (Primitive::MlKem, 1024, "ML-KEM-1024"),
            KeyAlgorithm::Opaque => return None,
        };
        Some(AlgorithmSpec::new(primitive, bits, label))
    }

    /// A spec from its parts.
    pub fn new(primitive: Primitive, bits: u32, label: impl Into<String>) -> AlgorithmSpec {
        AlgorithmSpec {
            primitive,
            bits,
            label: label.into(),
        }
    }
}

/// A transition status (SP 800-131A Rev. 2 §1.2), from least to most strict.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// No known risk; may be used.
    Acceptable,
    /// May be used, but the data owner accepts a risk.
    Deprecated,
    /// Only to process already-protected data (decrypt, verify).
    LegacyUse,
    /// Must not be used.
    Disallowed,
}

impl Status {
    /// Every status, least strict first.
    pub const ALL: [Status; 4] = [
        Status::Acceptable,
        Status::Deprecated,
        Status::LegacyUse,
        Status::Disallowed,
    ];

    /// The document name (`acceptable`, `deprecated`, `legacy-use`, `disallowed`).
    pub fn name(self) -> &'static str {
        match self {
            Status::Acceptable => "acceptable",
            Status::Deprecated => "deprecated",
            Status::LegacyUse => "legacy-use",
            Status::Disallowed => "disallowed",
        }
    }

    /// Reads a name given by [`Status::name`].
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|v| v.name() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
