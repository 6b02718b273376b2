//! Test fixtures: key generation through the provider, one shared key per algorithm (RSA
//! generation is slow), and an "every other operation is unsupported" check.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::{Arc, OnceLock};

use keyhaven_core::{
    CryptoError, CryptoProvider, GeneratedKey, KeyAlgorithm, KeyHandle, Operation, SecretBytes,
    SignInput, SignatureScheme,
};

use crate::SoftwareProvider;

/// Generates a new key and loads it.
pub(crate) fn load_fresh(alg: KeyAlgorithm) -> (GeneratedKey, Arc<dyn KeyHandle>) {
    let provider = SoftwareProvider::new();
    let key = provider.generate(alg).unwrap();
    let handle = provider.load(alg, &key.material).unwrap();
    assert_eq!(handle.algorithm(), alg);
    (key, handle)
}

static SHARED: [OnceLock<GeneratedKey>; KeyAlgorithm::ALL.len()] =
    [const { OnceLock::new() }; KeyAlgorithm::ALL.len()];

/// The algorithms that have keys (not stored data).
pub(crate) fn key_algorithms() -> impl Iterator<Item = KeyAlgorithm> {
    KeyAlgorithm::ALL
        .into_iter()
        .filter(|a| a.family() != keyhaven_core::AlgorithmFamily::Data)
}

/// One key per algorithm, generated on first use and shared by every test.
pub(crate) fn shared(alg: KeyAlgorithm) -> &'static GeneratedKey {
    let index = KeyAlgorithm::ALL.iter().position(|a| *a == alg).unwrap();
    SHARED[index].get_or_init(|| SoftwareProvider::new().generate(alg).unwrap())
}

/// Loads the shared key of `alg`.
pub(crate) fn load_shared(alg: KeyAlgorithm) -> Arc<dyn KeyHandle> {
    let handle = SoftwareProvider::new()
        .load(alg, &shared(alg).material)
        .unwrap();
    assert_eq!(handle.algorithm(), alg);
    handle
}

fn check<T>(alg: KeyAlgorithm, op: Operation, result: Result<T, CryptoError>) {
    match result {
        Err(CryptoError::Unsupported(message)) => {
            assert_eq!(message, format!("{alg} keys cannot {}", op.name()));
        }
        Err(other) => panic!("{alg} {}: expected Unsupported, got {other:?}", op.name()),
        Ok(_) => panic!("{alg} {}: expected Unsupported, got Ok", op.name()),
    }
}

/// Asserts each operation in `ops` is refused with `Unsupported("<alg> keys cannot <op>")`.
pub(crate) fn assert_unsupported(key: &dyn KeyHandle, ops: &[Operation]) {
    let alg = key.algorithm();
    let scheme = SignatureScheme::default_for(alg).unwrap_or(SignatureScheme::RsaPssSha256);
    for op in ops {
        match op {
            Operation::Encrypt => check(alg, *op, key.encrypt(b"data", b"")),
            Operation::Decrypt => check(alg, *op, key.decrypt(&[0u8; 64], b"")),
            Operation::Sign => check(alg, *op, key.sign(scheme, SignInput::Message(b"data"))),
            Operation::Verify => check(
                alg,
                *op,
                key.verify(scheme, SignInput::Message(b"data"), &[0u8; 64]),
            ),
            Operation::MacGenerate => check(alg, *op, key.mac(b"data")),
            Operation::MacVerify => check(alg, *op, key.mac_verify(b"data", &[0u8; 32])),
            Operation::Encapsulate => check(alg, *op, key.encapsulate()),
            Operation::Decapsulate => check(alg, *op, key.decapsulate(&[0u8; 32])),
            other => panic!("no handle method for {other:?}"),
        }
    }
}

/// The operations a handle method exists for.
pub(crate) const HANDLE_OPS: [Operation; 8] = [
    Operation::Encrypt,
    Operation::Decrypt,
    Operation::Sign,
    Operation::Verify,
    Operation::MacGenerate,
    Operation::MacVerify,
    Operation::Encapsulate,
    Operation::Decapsulate,
];

/// Every signature scheme, for "does not fit" checks.
pub(crate) const ALL_SCHEMES: [SignatureScheme; 11] = [
    SignatureScheme::RsaPssSha256,
    SignatureScheme::RsaPssSha384,
    SignatureScheme::RsaPssSha512,
    SignatureScheme::RsaPkcs1Sha256,
    SignatureScheme::RsaPkcs1Sha384,
    SignatureScheme::RsaPkcs1Sha512,
    SignatureScheme::EcdsaSha256,
    SignatureScheme::EcdsaSha384,
    SignatureScheme::EcdsaSha512,
    SignatureScheme::Ed25519,
    SignatureScheme::MlDsa,
];

/// The schemes that fit `alg`.
pub(crate) fn schemes_for(alg: KeyAlgorithm) -> Vec<SignatureScheme> {
    ALL_SCHEMES.into_iter().filter(|s| s.fits(alg)).collect()
}

/// Digest of `message` with the scheme's hash.
pub(crate) fn digest_for(scheme: SignatureScheme, message: &[u8]) -> Vec<u8> {
    use aws_lc_rs::digest;
    let alg = match scheme.digest_len() {
        Some(32) => &digest::SHA256,
        Some(48) => &digest::SHA384,
        Some(64) => &digest::SHA512,
        _ => panic!("{scheme:?} has no digest"),
    };
    digest::digest(alg, message).as_ref().to_vec()
}

/// Wraps bytes for `load`.
pub(crate) fn secret(bytes: &[u8]) -> SecretBytes {
    SecretBytes::from_slice(bytes)
}

/// Decodes hex (test vectors).
pub(crate) fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}
