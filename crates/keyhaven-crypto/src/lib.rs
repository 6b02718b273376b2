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
//!
//! Caller-framed cryptography (KMIP): the `*_with` methods of [`keyhaven_core::KeyHandle`] take
//! [`keyhaven_core::cipher`] parameters. AES: GCM (any IV length, tags of 12 to 16 bytes), CBC
//! and ECB (PKCS#5 padding or none), CTR, key wrap (RFC 3394) and key wrap with padding
//! (RFC 5649). RSA: OAEP with SHA-1/256/384/512 (MGF1 on the same hash), PKCS#1 v1.5
//! encryption, PSS (salt: hash length, 0 or maximum) and PKCS#1 v1.5 signatures with
//! SHA-256/384/512 (SHA-1 PKCS#1 v1.5 verification for legacy signatures), on messages or
//! digests. ECDSA with the (curve, hash) pairs aws-lc offers. [`load_public`] makes
//! encrypt/verify handles from a public key alone. Free functions cover what needs no stored
//! key: [`digest`], [`hmac`], [`pbkdf2`], [`sp800_108_counter_hmac`], AES key wrap, and RSA key
//! format conversions (PKCS#1, PKCS#8, SPKI, transparent components).
//! DES and 3DES are not offered ([`keyhaven_core::cipher::triple_des_refused`]).
//!
//! Key import (BYOK, [`import`]): RSA-3072 import keys, unwrapping of material wrapped for them
//! (RSA-OAEP-SHA-256 + AES-KWP, docs/IMPORT.md) and the client-side wrapping; imported private
//! keys may come as PEM, PKCS#1 or SEC1 and are brought to PKCS#8.

mod aes;
pub mod backup;
mod ec;
mod ed25519;
mod error;
mod export;
mod hmac;
pub mod import;
mod kdf;
mod mldsa;
mod mlkem;
mod modes;
pub mod pkcs11;
mod provider;
mod rsa;
pub mod unseal;

#[cfg(test)]
mod testutil;

pub use kdf::{
    digest, hmac, hmac_kdf, hmac_verify, pbkdf2, sp800_108_counter_hmac, MAX_PBKDF2_ITERATIONS,
};
pub use modes::{
    aes_key_unwrap, aes_key_unwrap_padded, aes_key_wrap, aes_key_wrap_padded, MAX_GCM_TAG_LEN,
    MIN_GCM_TAG_LEN,
};
pub use pkcs11::{Pkcs11Config, Pkcs11Root};
pub use provider::{load_public, SoftwareProvider};
pub use rsa::{
    pkcs8_to_rsa_pkcs1, rsa_pkcs1_to_pkcs8, rsa_pkcs8_from_components, rsa_private_components,
    rsa_public_components, rsa_public_pkcs1_to_spki, rsa_spki_from_components,
    spki_to_rsa_pkcs1_public, RsaPrivateComponents, RsaPublicComponents,
};
pub use unseal::{Argon2Params, SoftwareRoot};
