//! The domain error: every way a core operation can fail. Edges map it to HTTP and KMIP in
//! exactly one place each.

use time::OffsetDateTime;

use crate::algorithm::{KeyAlgorithm, Operation};
use crate::crypto::CryptoError;
use crate::lifecycle::KeyState;
use crate::model::KeyId;
use crate::usage::UsageMask;

/// Core's error enum. Messages say what to do and never contain secrets.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A vault or key does not exist (or is not visible).
    #[error("{kind} {id} not found")]
    NotFound {
        /// `vault` or `key`.
        kind: &'static str,
        /// The name or id asked for.
        id: String,
    },
    /// A vault or key with that name exists.
    #[error("{kind} {name:?} already exists")]
    AlreadyExists {
        /// `vault` or `key`.
        kind: &'static str,
        /// The taken name.
        name: String,
    },
    /// The request is malformed or a value is out of range.
    #[error("{0}")]
    InvalidRequest(String),
    /// The crypto policy refuses the key (create, import, rotate, template).
    #[error("refused by crypto policy rule {rule}: {message}")]
    PolicyViolation {
        /// The rule's stable id (`min-strength`, `algorithm-disallowed:tdea`, ...).
        rule: String,
        /// What is wrong and what to do instead.
        message: String,
    },
    /// The caller is authenticated but lacks the role the action needs.
    #[error("{0}")]
    Forbidden(String),
    /// The credential is missing, unknown, expired, revoked, or its principal is disabled.
    #[error("{0}")]
    Unauthenticated(String),
    /// The unseal material (passphrase, shares, key file, HSM key) does not open the instance.
    #[error("{0}")]
    UnsealFailed(String),
    /// A stored record failed its integrity check: it was changed outside keyhaven.
    #[error("{kind} {id} failed its integrity check: the record was changed outside keyhaven; it is refused until restored from a backup (see docs/SECURITY.md)")]
    Integrity {
        /// `key`, `key version`, `vault`, `principal`, `token`, `role binding`, ...
        kind: &'static str,
        /// Which record.
        id: String,
    },
    /// The key's state does not allow the action.
    #[error("{}", wrong_state_message(key, *state, action, allowed, hint))]
    WrongLifecycleState {
        /// The key.
        key: KeyId,
        /// Its current state.
        state: KeyState,
        /// The refused action's name.
        action: &'static str,
        /// States in which the action would be allowed.
        allowed: Vec<KeyState>,
        /// What the caller can do about it (empty, or starting with " (").
        hint: &'static str,
    },
    /// Destruction is pending.
    #[error(
        "key {key} is pending destruction (material erased at {destroy_at}); only cancel-destroy, \
         compromise and metadata changes are allowed"
    )]
    KeyPendingDestruction {
        /// The key.
        key: KeyId,
        /// When the material will be erased.
        destroy_at: OffsetDateTime,
    },
    /// The usage mask does not allow the operation.
    #[error("key {key} may be used for {usage}, not {}", operation.name())]
    UsageNotPermitted {
        /// The key.
        key: KeyId,
        /// What was asked.
        operation: Operation,
        /// What the key allows.
        usage: UsageMask,
    },
    /// The algorithm cannot perform the operation.
    #[error("{algorithm} keys cannot {operation}")]
    UnsupportedOperation {
        /// The key's algorithm.
        algorithm: KeyAlgorithm,
        /// What was asked (`encrypt`, `sign`, `export public key`, ...).
        operation: &'static str,
    },
    /// Outside the protect-stop / process-start window.
    #[error("key {key}: {message}")]
    OutsideUsageWindow {
        /// The key.
        key: KeyId,
        /// Which window.
        message: String,
    },
    /// Ciphertext malformed, tampered, made by another key or version, or AAD differs.
    #[error("{0}")]
    DecryptionFailed(String),
    /// The vault still holds keys.
    #[error("vault {0:?} still holds keys; purge them first")]
    VaultNotEmpty(String),
    /// A concurrent change won; the caller may retry.
    #[error("{0}")]
    Conflict(String),
    /// The storage backend failed.
    #[error("storage error: {0}")]
    Storage(String),
    /// The crypto provider failed unexpectedly.
    #[error("cryptographic provider error: {0}")]
    Crypto(String),
}

fn wrong_state_message(
    key: &KeyId,
    state: KeyState,
    action: &str,
    allowed: &[KeyState],
    hint: &str,
) -> String {
    if action == "cancel-destroy" {
        return format!("key {key} ({state}) has no pending destruction to cancel");
    }
    if allowed.is_empty() {
        return format!("key {key} is {state}; {action} is not allowed for it{hint}");
    }
    let names: Vec<&str> = allowed.iter().map(|s| s.name()).collect();
    format!(
        "key {key} is {state}; {action} needs a key that is {}{hint}",
        names.join(" or ")
    )
}

impl From<CryptoError> for Error {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::AuthenticationFailed => Error::DecryptionFailed(
                "decryption failed: the ciphertext was altered, the associated data differs, \
                 or it was made by another key"
                    .to_owned(),
            ),
            CryptoError::InvalidInput(m) => Error::InvalidRequest(m),
            CryptoError::Unsupported(m) => Error::InvalidRequest(m),
            CryptoError::InvalidKeyMaterial(m) => Error::InvalidRequest(m),
            other => Error::Crypto(other.to_string()),
        }
    }
}

/// Result with core's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
