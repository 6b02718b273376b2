//! Seal status, unsealing, sealing and root key rotation (`/v1/sys/...`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /v1/sys/seal-status` (also the answer to an unseal request).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SealStatus {
    /// Whether the server is sealed.
    pub sealed: bool,
    /// `dev`, `passphrase`, `shamir` or `pkcs11`; absent if not initialised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Shamir: shares needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u8>,
    /// Shamir: distinct shares given so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<u8>,
    /// Current root key generation (when unsealed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_generation: Option<u32>,
}

/// `POST /v1/sys/unseal`: one Shamir share, or the passphrase, or (PKCS#11) nothing or the PIN.
#[derive(Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnsealRequest {
    /// A Shamir share (`khs1-...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<String>,
    /// The passphrase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passphrase: Option<String>,
    /// The HSM user PIN (when not configured on the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    /// Forget the shares given so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset: Option<bool>,
}

impl std::fmt::Debug for UnsealRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnsealRequest")
            .field("share", &self.share.as_ref().map(|_| "<redacted>"))
            .field(
                "passphrase",
                &self.passphrase.as_ref().map(|_| "<redacted>"),
            )
            .field("pin", &self.pin.as_ref().map(|_| "<redacted>"))
            .field("reset", &self.reset)
            .finish()
    }
}

/// Result of `POST /v1/sys/rotate-root`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RootRotation {
    /// Generation replaced.
    pub from_generation: u32,
    /// New generation.
    pub to_generation: u32,
    /// Vault KEKs re-wrapped.
    pub vaults_rewrapped: usize,
}

/// Body of `POST /v1/backups`: how the backup's file key is protected (exactly one of the
/// three). The response is the backup file.
#[derive(Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct BackupRequest {
    /// A passphrase: the file key is wrapped under Argon2id(passphrase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passphrase: Option<String>,
    /// Recipients' public keys (PEM `PUBLIC KEY` for RSA-3072 or larger, `ML-KEM-768 PUBLIC
    /// KEY`): the file key is wrapped to each; any one restores.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<String>,
    /// Protection the client prepared itself (the CLI does, so passphrases and Shamir shares
    /// never reach the server): the file key and the header's `protection` object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepared: Option<PreparedProtection>,
    /// Only this vault (its keys, templates, policy override, keystores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<String>,
    /// Only these keys (ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<uuid::Uuid>,
}

impl std::fmt::Debug for BackupRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackupRequest")
            .field(
                "passphrase",
                &self.passphrase.as_ref().map(|_| "<redacted>"),
            )
            .field("recipients", &self.recipients.len())
            .field("prepared", &self.prepared.is_some())
            .finish()
    }
}

/// A file key and its protection, prepared by the client.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct PreparedProtection {
    /// The 32-byte file key, base64.
    pub key: String,
    /// The header's `protection` object (docs/BACKUP.md).
    #[schema(value_type = Object)]
    pub protection: serde_json::Value,
}

/// Result of `POST /v1/backups/restore`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RestoreResult {
    /// Rows restored per table.
    pub counts: std::collections::BTreeMap<String, u64>,
    /// Vault KEKs re-wrapped under this instance's root key.
    pub vaults_rewrapped: usize,
    /// Audit records this instance held before the restore (replaced by the backup's log).
    pub replaced_audit_records: u64,
    /// The instance the backup came from (its audit public key, hex).
    pub source_instance: String,
    /// When the backup was taken (RFC 3339).
    pub backup_created_at: String,
}

/// Query of `POST /v1/backups/restore`: without `vault`, a full restore into an empty
/// instance; with it, that vault's keys (or `keys`, comma-separated ids) into this instance.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, utoipa::IntoParams)]
pub struct RestoreQuery {
    /// The vault to restore (partial restore).
    #[serde(default)]
    pub vault: Option<String>,
    /// Only these keys of the vault: comma-separated ids.
    #[serde(default)]
    pub keys: Option<String>,
}

/// A key a partial restore did not bring back.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RestoreSkipped {
    /// Key id.
    pub id: uuid::Uuid,
    /// Its name in the backup.
    pub name: String,
    /// Why.
    pub reason: String,
}

/// Result of a partial restore (`POST /v1/backups/restore?vault=...`).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PartialRestoreResult {
    /// The vault restored into.
    pub vault: String,
    /// Whether the vault was created.
    pub vault_created: bool,
    /// Keys restored (id, name).
    pub restored: Vec<RestoredKey>,
    /// Keys that exist here: not overwritten.
    pub conflicts: Vec<RestoreSkipped>,
    /// Keys destroyed here since the backup: destruction is final.
    pub not_resurrected: Vec<RestoreSkipped>,
    /// Selected ids the backup's vault does not hold.
    pub not_in_backup: Vec<uuid::Uuid>,
    /// The instance the backup came from.
    pub source_instance: String,
    /// When the backup was taken (RFC 3339).
    pub backup_created_at: String,
}

/// A restored key.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RestoredKey {
    /// Key id.
    pub id: uuid::Uuid,
    /// Name.
    pub name: String,
}
