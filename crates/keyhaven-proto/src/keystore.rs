//! External keystores (`/v1/vaults/{vault}/keystores`) and the distribution of keys to them
//! (`/v1/keys/{id}/keystores`, `/v1/keys/{id}/sync`). See docs/KEYSTORES.md.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// `POST /v1/vaults/{vault}/keystores`. `Debug` leaves the credentials out.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKeystore {
    /// Name, unique in the vault (1-64 characters a-z, 0-9, `-`, `_`, `.`).
    pub name: String,
    /// `pkcs11`, `kmip` or `aws-kms`.
    pub kind: String,
    /// `push` (keyhaven's material is copied in) or `generate` (the keystore generates the
    /// key in place). Default: `push` where the keystore accepts material, else `generate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<String>,
    /// Connection settings (per kind; see docs/KEYSTORES.md). Nothing secret.
    pub settings: serde_json::Value,
    /// Credentials (PIN, client certificate and key, access keys), stored sealed and never
    /// shown again.
    #[serde(default)]
    pub credentials: serde_json::Value,
}

impl std::fmt::Debug for CreateKeystore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateKeystore")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("placement", &self.placement)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// `PATCH /v1/vaults/{vault}/keystores/{name}`: new settings and/or credentials (kind and
/// placement cannot change). `Debug` leaves the credentials out.
#[derive(Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateKeystore {
    /// New connection settings (the whole object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<serde_json::Value>,
    /// New credentials (the whole object), e.g. rotated access keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<serde_json::Value>,
}

impl std::fmt::Debug for UpdateKeystore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdateKeystore")
            .field("settings", &self.settings)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "(hidden)"),
            )
            .finish()
    }
}

/// The last connection check of a keystore.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct KeystoreHealth {
    /// `ok`, `error` or `unknown` (never checked).
    pub status: String,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When it was checked.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub checked_at: Option<OffsetDateTime>,
}

/// A registered keystore (credentials are never returned).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Keystore {
    /// Vault it belongs to.
    pub vault: String,
    /// Name.
    pub name: String,
    /// `pkcs11`, `kmip` or `aws-kms`.
    pub kind: String,
    /// `push` or `generate`.
    pub placement: String,
    /// Connection settings.
    pub settings: serde_json::Value,
    /// Last connection check.
    pub health: KeystoreHealth,
    /// When it was registered.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `GET /v1/vaults/{vault}/keystores`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct KeystoreList {
    /// The vault's keystores, by name.
    pub items: Vec<Keystore>,
}

/// `POST /v1/keys/{id}/keystores`: distribute the key to one more keystore of its vault.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddKeyTarget {
    /// Keystore name.
    pub keystore: String,
}

/// One key version in one keystore.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct DistributedVersion {
    /// Key version.
    pub version: u32,
    /// The keystore's identifier of the object (absent until created).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_id: Option<String>,
    /// What the keystore last reported: `enabled`, `disabled`, `pending-destruction`,
    /// `destroyed`, `missing`; absent before the first check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The managed state keyhaven last applied there (`absent`, `enabled`, `disabled`,
    /// `destroyed`).
    pub applied: String,
    /// Why it is out of sync (absent when in sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_sync: Option<String>,
    /// The last error talking to the keystore.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When the keystore was last asked.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub last_checked_at: Option<OffsetDateTime>,
    /// No automatic retry before this (after failures).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub next_attempt_at: Option<OffsetDateTime>,
    /// When the keystore finishes deleting the object (its own pending period).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub destroy_until: Option<OffsetDateTime>,
}

/// A key in one keystore.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct KeyInKeystore {
    /// Keystore name.
    pub keystore: String,
    /// Its kind.
    pub kind: String,
    /// `push` or `generate`.
    pub placement: String,
    /// Whether any version there is out of sync.
    pub out_of_sync: bool,
    /// Per version.
    pub versions: Vec<DistributedVersion>,
}

/// `GET /v1/keys/{id}/keystores` (and the answer of `POST /v1/keys/{id}/sync`).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct KeyKeystores {
    /// Key id.
    pub key_id: uuid::Uuid,
    /// The key's state.
    pub state: String,
    /// Whether any keystore is out of sync.
    pub out_of_sync: bool,
    /// Every reason, `keystore: reason` (empty when in sync).
    pub reasons: Vec<String>,
    /// Per keystore.
    pub keystores: Vec<KeyInKeystore>,
}

/// `POST /v1/vaults/{vault}/keystores/{name}/test`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct KeystoreTest {
    /// Whether the keystore answered and accepted the credentials.
    pub ok: bool,
    /// Why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}
