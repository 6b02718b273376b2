//! External keystores: the `Keystore` connector seam and the types that describe what keyhaven
//! wants a keystore to hold for one key version and what the keystore reports it holds.
//!
//! Connectors (PKCS#11, remote KMIP, AWS KMS) live in `keyhaven-keystores`; they do the I/O.
//! Core decides *what* each keystore should hold from the key's lifecycle state
//! ([`desired_for`]) and compares it with what the keystore says ([`compare`]); the server's
//! reconciliation job applies the difference.

use std::fmt;

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::algorithm::KeyAlgorithm;
use crate::lifecycle::KeyState;
use crate::secret::SecretBytes;

/// The kind of a keystore.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeystoreKind {
    /// keyhaven's own store (always present; nothing to distribute).
    Internal,
    /// An HSM slot (token) through a PKCS#11 module.
    Pkcs11,
    /// A remote KMIP server over TLS with a client certificate.
    Kmip,
    /// The AWS KMS API (SigV4), at a configurable endpoint.
    AwsKms,
}

impl KeystoreKind {
    /// Wire name: `internal`, `pkcs11`, `kmip`, `aws-kms`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeystoreKind::Internal => "internal",
            KeystoreKind::Pkcs11 => "pkcs11",
            KeystoreKind::Kmip => "kmip",
            KeystoreKind::AwsKms => "aws-kms",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<KeystoreKind> {
        match s {
            "internal" => Some(KeystoreKind::Internal),
            "pkcs11" => Some(KeystoreKind::Pkcs11),
            "kmip" => Some(KeystoreKind::Kmip),
            "aws-kms" => Some(KeystoreKind::AwsKms),
            _ => None,
        }
    }
}

impl fmt::Display for KeystoreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a key version gets into a keystore.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// keyhaven's material is copied in (import, register, unwrap). The keystore's copy can be
    /// compared with keyhaven's by key check value.
    Push,
    /// The keystore generates its own key; keyhaven manages only its lifecycle (the material
    /// never leaves the keystore, and keyhaven cannot compare it).
    Generate,
}

impl Placement {
    /// Wire name: `push` or `generate`.
    pub fn as_str(self) -> &'static str {
        match self {
            Placement::Push => "push",
            Placement::Generate => "generate",
        }
    }
    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Placement> {
        match s {
            "push" => Some(Placement::Push),
            "generate" => Some(Placement::Generate),
            _ => None,
        }
    }
}

/// One key version to create in a keystore.
pub struct CreateRequest<'a> {
    /// A label for the keystore's object (unique per key version): `keyhaven-<key id>-v<version>`.
    pub label: &'a str,
    /// The algorithm (connectors support the AES algorithms; others are refused with
    /// [`KeystoreError::Unsupported`]).
    pub algorithm: KeyAlgorithm,
    /// The raw key bytes for [`Placement::Push`]; `None` for [`Placement::Generate`].
    pub material: Option<&'a SecretBytes>,
    /// Whether the object starts enabled (usable for encryption).
    pub enabled: bool,
}

/// What a keystore created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteKey {
    /// The keystore's identifier of the object (PKCS#11 label or id, KMIP unique identifier,
    /// AWS key id).
    pub remote_id: String,
    /// The key check value the keystore reports (hex, see [`check_value`]), when it can.
    pub check_value: Option<String>,
}

/// The state a keystore reports for one object.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoteState {
    /// Present and usable for encryption.
    Enabled,
    /// Present, not usable for encryption (disabled, deactivated, unlinked).
    Disabled,
    /// Deletion is scheduled; `until` is when the keystore will finish, if it says.
    PendingDestruction {
        /// When the keystore deletes the key.
        until: Option<OffsetDateTime>,
    },
    /// Deleted (or its material destroyed).
    Destroyed,
    /// The keystore does not know the object.
    Missing,
}

impl RemoteState {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RemoteState::Enabled => "enabled",
            RemoteState::Disabled => "disabled",
            RemoteState::PendingDestruction { .. } => "pending-destruction",
            RemoteState::Destroyed => "destroyed",
            RemoteState::Missing => "missing",
        }
    }
}

/// What a keystore reports about one object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteView {
    /// Its state.
    pub state: RemoteState,
    /// Its key check value (hex), when the keystore reports one.
    pub check_value: Option<String>,
}

/// What keyhaven wants a keystore to hold for one key version, from the key's state.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Desired {
    /// Nothing yet (pre-active keys are not distributed).
    Absent,
    /// Present and enabled.
    Enabled,
    /// Present and disabled (deactivated, compromised, or pending destruction).
    Disabled,
    /// Deleted (scheduled with the keystore's own pending period).
    Destroyed,
}

impl Desired {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Desired::Absent => "absent",
            Desired::Enabled => "enabled",
            Desired::Disabled => "disabled",
            Desired::Destroyed => "destroyed",
        }
    }
}

/// What a keystore should hold for a key in `state` at `now`, with destruction pending until
/// `destroy_at` (if set). A keystore with its own pending period (`pending_period`, AWS KMS)
/// gets its deletion scheduled as soon as keyhaven's starts, so both run together; one that
/// deletes at once (PKCS#11, KMIP) keeps the key disabled until keyhaven's pending period
/// ends, so that cancelling the destruction can still bring it back.
pub fn desired_for(
    state: KeyState,
    destroy_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
    pending_period: bool,
) -> Desired {
    if let Some(at) = destroy_at {
        return if pending_period || at <= now {
            Desired::Destroyed
        } else {
            Desired::Disabled
        };
    }
    match state {
        KeyState::PreActive => Desired::Absent,
        KeyState::Active => Desired::Enabled,
        KeyState::Deactivated | KeyState::Compromised => Desired::Disabled,
        _ => Desired::Destroyed,
    }
}

/// Why a keystore's copy differs from the managed state.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncReason {
    /// The keystore does not have the key that should be there.
    Missing,
    /// The keystore's state differs from the managed one.
    StateDiffers {
        /// What keyhaven wants.
        want: Desired,
        /// What the keystore has.
        have: RemoteState,
    },
    /// The keystore's key check value differs from keyhaven's.
    MaterialMismatch,
    /// The last change could not be applied (the message says why).
    PropagationFailed(String),
}

impl fmt::Display for SyncReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncReason::Missing => f.write_str("key missing in the keystore"),
            SyncReason::StateDiffers { want, have } => write!(
                f,
                "state differs: keyhaven wants {}, the keystore has {}",
                want.as_str(),
                have.as_str()
            ),
            SyncReason::MaterialMismatch => {
                f.write_str("material mismatch: the key check values differ")
            }
            SyncReason::PropagationFailed(m) => write!(f, "propagation failed: {m}"),
        }
    }
}

/// Compares what a keystore has with what keyhaven wants. `expected_kcv` is keyhaven's check
/// value for pushed material (`None`: not compared). `None` means in sync.
pub fn compare(want: Desired, have: &RemoteView, expected_kcv: Option<&str>) -> Option<SyncReason> {
    let state_ok = matches!(
        (want, have.state),
        (
            Desired::Absent,
            RemoteState::Missing | RemoteState::Destroyed
        ) | (Desired::Enabled, RemoteState::Enabled)
            | (Desired::Disabled, RemoteState::Disabled)
            | (
                Desired::Destroyed,
                RemoteState::Destroyed
                    | RemoteState::Missing
                    | RemoteState::PendingDestruction { .. }
            )
    );
    if !state_ok {
        return Some(match (want, have.state) {
            (Desired::Enabled | Desired::Disabled, RemoteState::Missing) => SyncReason::Missing,
            _ => SyncReason::StateDiffers {
                want,
                have: have.state,
            },
        });
    }
    if let (Some(want_kcv), Some(have_kcv)) = (expected_kcv, have.check_value.as_deref()) {
        if matches!(want, Desired::Enabled | Desired::Disabled)
            && aws_lc_rs::constant_time::verify_slices_are_equal(
                want_kcv.as_bytes(),
                have_kcv.as_bytes(),
            )
            .is_err()
        {
            return Some(SyncReason::MaterialMismatch);
        }
    }
    None
}

/// The key check value of an AES key: the first three bytes of the encryption of an all-zero
/// block, as lowercase hex (the convention of payment HSMs and of PKCS#11 `CKA_CHECK_VALUE`).
pub fn check_value(algorithm: KeyAlgorithm, material: &SecretBytes) -> Option<String> {
    use aws_lc_rs::cipher::{EncryptingKey, UnboundCipherKey, AES_128, AES_192, AES_256};
    let alg = match algorithm {
        KeyAlgorithm::Aes128 => &AES_128,
        KeyAlgorithm::Aes192 => &AES_192,
        KeyAlgorithm::Aes256 => &AES_256,
        _ => return None,
    };
    let key = UnboundCipherKey::new(alg, material.expose()).ok()?;
    let enc = EncryptingKey::ecb(key).ok()?;
    let mut block = [0u8; 16];
    enc.encrypt(&mut block).ok()?;
    Some(crate::hex::encode(block.get(..3)?))
}

/// Connector failures. Messages never contain key material or credentials.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeystoreError {
    /// The keystore cannot be reached (connection refused, timeout, TLS failure): retried later.
    #[error("keystore unreachable: {0}")]
    Unreachable(String),
    /// The keystore refused the credentials.
    #[error("keystore refused the credentials: {0}")]
    Unauthorized(String),
    /// The keystore does not know the object.
    #[error("not found in the keystore: {0}")]
    NotFound(String),
    /// The keystore cannot do this (algorithm, placement, or operation).
    #[error("not supported by the keystore: {0}")]
    Unsupported(String),
    /// The keystore refused the request (its message).
    #[error("keystore refused the request: {0}")]
    Refused(String),
    /// The settings are invalid.
    #[error("invalid keystore settings: {0}")]
    Config(String),
}

impl KeystoreError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, KeystoreError::Unreachable(_))
    }
}

/// What a connector can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// It accepts keyhaven's material ([`Placement::Push`]).
    pub push: bool,
    /// It generates keys in place ([`Placement::Generate`]).
    pub generate: bool,
    /// A disabled object can be enabled again. When false (KMIP: a deactivated object stays
    /// deactivated), reactivation creates a new object and destroys the old one.
    pub reenable: bool,
    /// Its deletion waits a pending period of this many days (minimum, maximum); `None`:
    /// deletion is immediate.
    pub pending_days: Option<(u32, u32)>,
}

/// A connection to one keystore. Implementations keep credentials in zeroizing types and never
/// log them.
#[async_trait]
pub trait Keystore: Send + Sync {
    /// Its kind.
    fn kind(&self) -> KeystoreKind;
    /// What it can do.
    fn capabilities(&self) -> Capabilities;
    /// Connects and authenticates, and does one harmless read.
    async fn test_connection(&self) -> Result<(), KeystoreError>;
    /// Creates one key version (pushed or generated).
    async fn create(&self, req: &CreateRequest<'_>) -> Result<RemoteKey, KeystoreError>;
    /// Reports one object's state; an unknown object is `RemoteState::Missing`, not an error.
    async fn describe(&self, remote_id: &str) -> Result<RemoteView, KeystoreError>;
    /// Makes the object usable for encryption.
    async fn enable(&self, remote_id: &str) -> Result<(), KeystoreError>;
    /// Makes the object unusable for encryption.
    async fn disable(&self, remote_id: &str) -> Result<(), KeystoreError>;
    /// Deletes the object, after the keystore's own pending period of `pending_days` (clamped
    /// to what it allows; ignored when deletion is immediate). Returns when it will be gone
    /// (`None`: gone now).
    async fn destroy(
        &self,
        remote_id: &str,
        pending_days: u32,
    ) -> Result<Option<OffsetDateTime>, KeystoreError>;
    /// Cancels a scheduled deletion (the object comes back disabled).
    async fn cancel_destroy(&self, remote_id: &str) -> Result<(), KeystoreError>;
    /// Encrypts with the keystore's copy (AES; the format is the keystore's own).
    async fn encrypt(&self, remote_id: &str, plaintext: &[u8]) -> Result<Vec<u8>, KeystoreError>;
    /// Decrypts what [`Keystore::encrypt`] returned.
    async fn decrypt(
        &self,
        remote_id: &str,
        ciphertext: &[u8],
    ) -> Result<SecretBytes, KeystoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desired_follows_the_lifecycle() {
        let now = OffsetDateTime::UNIX_EPOCH + time::Duration::days(10);
        let d = |state, at| desired_for(state, at, now, false);
        assert_eq!(d(KeyState::PreActive, None), Desired::Absent);
        assert_eq!(d(KeyState::Active, None), Desired::Enabled);
        assert_eq!(d(KeyState::Deactivated, None), Desired::Disabled);
        assert_eq!(d(KeyState::Compromised, None), Desired::Disabled);
        assert_eq!(d(KeyState::Destroyed, None), Desired::Destroyed);
        assert_eq!(d(KeyState::DestroyedCompromised, None), Desired::Destroyed);
        // Pending destruction: disabled until it ends, unless the keystore has its own
        // pending period, which starts at once.
        let later = Some(now + time::Duration::days(1));
        let earlier = Some(now - time::Duration::days(1));
        assert_eq!(d(KeyState::Deactivated, later), Desired::Disabled);
        assert_eq!(d(KeyState::Deactivated, earlier), Desired::Destroyed);
        assert_eq!(
            desired_for(KeyState::Deactivated, later, now, true),
            Desired::Destroyed
        );
    }

    #[test]
    fn compare_names_the_reason() {
        let view = |state| RemoteView {
            state,
            check_value: Some("abcdef".into()),
        };
        assert_eq!(
            compare(
                Desired::Enabled,
                &view(RemoteState::Enabled),
                Some("abcdef")
            ),
            None
        );
        assert_eq!(
            compare(Desired::Enabled, &view(RemoteState::Missing), None),
            Some(SyncReason::Missing)
        );
        assert_eq!(
            compare(Desired::Disabled, &view(RemoteState::Enabled), None),
            Some(SyncReason::StateDiffers {
                want: Desired::Disabled,
                have: RemoteState::Enabled
            })
        );
        assert_eq!(
            compare(
                Desired::Enabled,
                &view(RemoteState::Enabled),
                Some("000000")
            ),
            Some(SyncReason::MaterialMismatch)
        );
        let pending = view(RemoteState::PendingDestruction { until: None });
        assert_eq!(compare(Desired::Destroyed, &pending, None), None);
        assert!(compare(Desired::Enabled, &pending, None).is_some());
    }

    #[test]
    fn check_value_matches_the_known_answer() {
        // AES-128, all-zero key: E(0^128) = 66e94bd4ef8a2c3b884cfa59ca342b2e (FIPS-197 style
        // known answer).
        let kcv = check_value(KeyAlgorithm::Aes128, &SecretBytes::new(vec![0u8; 16]));
        assert_eq!(kcv.as_deref(), Some("66e94b"));
        assert_eq!(
            check_value(KeyAlgorithm::HmacSha256, &SecretBytes::new(vec![0u8; 32])),
            None
        );
    }
}
