//! keyhaven's cryptographic providers.
//!
//! [`SoftwareProvider`] implements [`keyhaven_core::CryptoProvider`] on top of aws-lc-rs for every
//! [`keyhaven_core::KeyAlgorithm`]:
//!
//! | family  | material stored            | public key          | operations                    |
//! |---------|----------------------------|---------------------|-------------------------------|
//! | AES     | raw key bytes              | none                | AES-GCM encrypt / decrypt     |
//! | RSA     | PKCS#8 v1 DER              | SPKI DER            | OAEP-SHA-256, PSS, PKCS#1 v1.5 |
//! | ECDSA   | PKCS#8 v1 DER              | SPKI DER            | ECDSA (DER signatures)        |
//! | Ed25519 | PKCS#8 v1 DER              | SPKI DER            | Ed25519 (messages only)       |
//! | HMAC    | raw key bytes              | none                | HMAC generate / verify        |
//! | ML-DSA  | raw (expanded) private key | SPKI DER            | ML-DSA (messages only)        |
//! | ML-KEM  | raw decapsulation key      | raw encapsulation key | encapsulate / decapsulate   |
//!
//! Key handles are private types behind `Arc<dyn KeyHandle>`; secret material is held either
//! inside aws-lc objects (which cleanse it when freed) or in zeroizing buffers.

mod aes;
mod ec;
mod ed25519;
mod error;
mod export;
mod hmac;
mod mldsa;
mod mlkem;
pub mod pkcs11;
mod provider;
mod rsa;
pub mod unseal;

#[cfg(test)]
mod testutil;

pub use pkcs11::{Pkcs11Config, Pkcs11Root};
pub use provider::SoftwareProvider;
pub use unseal::{Argon2Params, SoftwareRoot};
