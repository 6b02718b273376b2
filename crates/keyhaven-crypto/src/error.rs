//! Error helpers shared by the key handles. Messages name algorithms, operations and lengths,
//! never key bytes.

use keyhaven_core::{CryptoError, KeyAlgorithm, SignInput, SignatureScheme};

/// Checks that `scheme` is one a key of `alg` signs with.
pub(crate) fn check_scheme(alg: KeyAlgorithm, scheme: SignatureScheme) -> Result<(), CryptoError> {
    if scheme.fits(alg) {
        Ok(())
    } else {
        Err(CryptoError::Unsupported(format!(
            "{alg} keys cannot sign or verify with {}; supported: {}",
            scheme.name(),
            SignatureScheme::all_for(alg).join(", ")
        )))
    }
}

/// Refuses a precomputed digest for a scheme that signs whole messages only.
pub(crate) fn message_only<'a>(
    alg: KeyAlgorithm,
    input: SignInput<'a>,
) -> Result<&'a [u8], CryptoError> {
    match input {
        SignInput::Message(message) => Ok(message),
        SignInput::Digest(_) => Err(CryptoError::Unsupported(format!(
            "{alg} keys sign messages only; {alg} is a pure signature scheme and cannot sign a \
             precomputed digest"
        ))),
    }
}

/// Checks a caller-supplied digest against the scheme's hash length.
pub(crate) fn check_digest_len(scheme: SignatureScheme, digest: &[u8]) -> Result<(), CryptoError> {
    match scheme.digest_len() {
        Some(len) if len == digest.len() => Ok(()),
        Some(len) => Err(CryptoError::InvalidInput(format!(
            "{} needs a {len}-byte digest, got {} bytes",
            scheme.name(),
            digest.len()
        ))),
        None => Err(CryptoError::Unsupported(format!(
            "{} signs messages only, not digests",
            scheme.name()
        ))),
    }
}

/// `InvalidKeyMaterial` with the algorithm named; `why` must not contain key bytes.
pub(crate) fn bad_material(alg: KeyAlgorithm, why: impl std::fmt::Display) -> CryptoError {
    CryptoError::InvalidKeyMaterial(format!("{alg}: {why}"))
}

/// `Internal` for an unexpected library failure.
pub(crate) fn internal(what: &str) -> CryptoError {
    CryptoError::Internal(format!("{what} failed"))
}

/// `Internal` for an algorithm routed to the wrong module (a bug, never caller input).
pub(crate) fn wrong_family(alg: KeyAlgorithm, module: &str) -> CryptoError {
    CryptoError::Internal(format!("{alg} is not handled by the {module} module"))
}
