//! keyhaven REST wire types (`/v1`) and stable error codes, shared by server and client.
//!
//! Binary values travel as standard base64 (with padding). Times are RFC 3339 in UTC.
//! Field names here are part of the public API: change them only with a new API version.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

pub mod access;
pub mod audit;
pub mod error;
pub mod import;
pub mod keystore;
pub mod policy;
pub mod report;
pub mod sys;
pub mod template;

pub use access::*;
pub use audit::*;
pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use import::{ExportKeyRequest, ExportedKey, ImportKey, ImportWrappedKey};
pub use keystore::*;
pub use policy::*;
pub use report::*;
pub use sys::*;
pub use template::*;

/// A vault: an access boundary holding keys, with its own key-encryption key.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Vault {
    /// Unique vault name.
    pub name: String,
    /// Days a destroyed key stays pending before its material is erased (0 = immediately).
    pub pending_destruction_days: u32,
    /// When the vault was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the vault settings last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// `POST /v1/vaults`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVault {
    /// 1-64 characters: letters, digits, `-`, `_`, `.`; starts with a letter or digit.
    pub name: String,
    /// Default 7.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_destruction_days: Option<u32>,
    /// Roles the creator receives in the new vault (default `["admin"]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_roles: Option<Vec<String>>,
}

/// `PATCH /v1/vaults/{name}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVault {
    /// New pending-destruction period in days (0-3650).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_destruction_days: Option<u32>,
}

/// A list of vaults.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct VaultList {
    /// The vaults, by name.
    pub items: Vec<Vault>,
}

/// A key's metadata. Never contains key material.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Key {
    /// UUIDv7 identifier.
    pub id: Uuid,
    /// Vault name.
    pub vault: String,
    /// Name, unique in the vault until the key is purged.
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags (string to string).
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Algorithm name, e.g. `aes-256`.
    pub algorithm: String,
    /// Key size in bits.
    pub size_bits: u32,
    /// Permitted uses, e.g. `["encrypt", "decrypt"]`.
    pub usage: Vec<String>,
    /// Lifecycle state name (`pre-active`, `active`, `deactivated`, `compromised`, `destroyed`,
    /// `destroyed-compromised`).
    pub state: String,
    /// Lifecycle state on the seed scale (0, 1, 3, 4, 5, 6).
    pub state_code: u8,
    /// Version used to apply protection.
    pub primary_version: u32,
    /// Oldest version still allowed to process data.
    pub min_decryption_version: u32,
    /// `generated` or `imported`.
    pub origin: String,
    /// Set while destruction is pending: when the material will be erased.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub destroy_at: Option<OffsetDateTime>,
    /// When the key becomes (or became) active.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub activation_date: Option<OffsetDateTime>,
    /// When the key stops (or stopped) being active: end of its originator-usage period.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub deactivation_date: Option<OffsetDateTime>,
    /// After this time the key no longer applies protection.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub protect_stop_date: Option<OffsetDateTime>,
    /// Before this time the key does not process protected data.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub process_start_date: Option<OffsetDateTime>,
    /// When the key was marked compromised.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub compromise_date: Option<OffsetDateTime>,
    /// When the material was erased.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub destroyed_at: Option<OffsetDateTime>,
    /// Creation time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last metadata or state change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Last cryptographic use (recorded with up to a few seconds of delay).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    /// What kind of object (KMIP Object Type): `symmetric-key`, `private-key`, `public-key`,
    /// `secret-data`, `opaque-object`, `certificate`.
    #[serde(default)]
    pub object_kind: String,
    /// Whether the material may be returned to callers (KMIP Get); keys created over REST are
    /// not exportable.
    #[serde(default)]
    pub exportable: bool,
    /// Links to other objects (KMIP Link: `public-key`, `private-key`, `replacement`,
    /// `replaced`, `derivation-base`, ...).
    #[serde(default)]
    pub links: Vec<KeyLink>,
    /// The template the key was made from (or last brought in line with).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Cryptoperiod in seconds: on activation and on every rotation the deactivation date
    /// becomes that time + this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cryptoperiod_seconds: Option<u64>,
    /// Automatic rotation this many seconds after the previous rotation (or activation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_interval_seconds: Option<u64>,
    /// Automatic rotation this many seconds before the deactivation date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotate_before_seconds: Option<u64>,
    /// Automatic rotation once the primary version applied protection this many times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_limit: Option<u64>,
    /// When the next time-driven rotation is due (active keys with a rotation schedule).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub next_rotation_at: Option<OffsetDateTime>,
}

/// A link from a key to another object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KeyLink {
    /// How they relate.
    pub kind: String,
    /// The other object's id.
    pub target: String,
}

/// `POST /v1/keys`. With `template`, the key gets the template's algorithm, usage, initial
/// state, activation delay, schedule and tags; only `name`, `template_vars`, `description`,
/// `tags` (added to the template's) and `algorithm` (which must match) may be given too.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    /// Vault name.
    pub vault: String,
    /// Key name (1-128 characters: letters, digits, `-`, `_`, `.`, `/`). Required, unless
    /// `template` names the key with its naming scheme.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Algorithm name, e.g. `aes-256`, `ec-p256`, `ml-dsa-65`. Required, unless `template`
    /// gives it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub algorithm: String,
    /// Create the key from this template of the vault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Values for the template's naming-scheme placeholders (`{app}` -> `"app": "payments"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_vars: Option<BTreeMap<String, String>>,
    /// Keystores of the vault to distribute the key to (by name); more can be added later
    /// with `POST /v1/keys/{id}/keystores`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keystores: Vec<String>,
    /// Cryptoperiod in seconds (see `Key.cryptoperiod_seconds`); not with `template`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cryptoperiod_seconds: Option<u64>,
    /// Automatic rotation interval in seconds; not with `template`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_interval_seconds: Option<u64>,
    /// Rotate this many seconds before the deactivation date (needs `cryptoperiod_seconds`);
    /// not with `template`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotate_before_seconds: Option<u64>,
    /// Rotate after this many applications of protection by one version; not with
    /// `template`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_limit: Option<u64>,
    /// Permitted uses; defaults depend on the algorithm (RSA: sign+verify).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Vec<String>>,
    /// `pre-active` (default) or `active`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_state: Option<String>,
    /// Free text, at most 1024 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags, at most 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// Activation date; a past date creates the key active.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub activation_date: Option<OffsetDateTime>,
    /// Deactivation date (end of the originator-usage period).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub deactivation_date: Option<OffsetDateTime>,
    /// Protect-stop date.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub protect_stop_date: Option<OffsetDateTime>,
    /// Process-start date.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub process_start_date: Option<OffsetDateTime>,
    /// Import instead of generating: base64 of raw bytes (AES, HMAC), PKCS#8 DER (RSA, EC,
    /// Ed25519) or the FIPS 203/204 private key (ML-KEM, ML-DSA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_material: Option<String>,
    /// Whether the key may ever leave keyhaven (`POST /v1/keys/{id}/export`, KMIP Get).
    /// Fixed at creation; default `false`: the material never leaves, whatever the role.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exportable: bool,
}

/// `PATCH /v1/keys/{id}`: only the fields present change. `description: ""` clears the
/// description; dates can be moved but not cleared in this version.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateKey {
    /// New name (unique in the vault).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New description; `""` clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Replaces all tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// New activation date (only while pre-active).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub activation_date: Option<OffsetDateTime>,
    /// New deactivation date (while pre-active or active).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub deactivation_date: Option<OffsetDateTime>,
    /// New protect-stop date.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub protect_stop_date: Option<OffsetDateTime>,
    /// New process-start date.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub process_start_date: Option<OffsetDateTime>,
}

/// Body of the state-change actions (`activate`, `deactivate`, `reactivate`, `compromise`,
/// `destroy`, `cancel-destroy`, `rotate`). May be empty.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateChange {
    /// Why, recorded in the transition history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A page of keys.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct KeyList {
    /// Keys in id order (which is creation order).
    pub items: Vec<Key>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Ids of keys on this page left out because their record failed its integrity check
    /// (changed outside keyhaven); see `/v1/ready`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub integrity_errors: Vec<Uuid>,
}

/// One version of a key.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct KeyVersion {
    /// Version number, from 1.
    pub version: u32,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Whether its material still exists (false once destroyed).
    pub has_material: bool,
    /// Whether it is the primary version.
    pub primary: bool,
}

/// Versions of a key.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct KeyVersionList {
    /// Oldest first.
    pub items: Vec<KeyVersion>,
}

/// One entry of a key's transition history.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct HistoryEntry {
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// What happened (`create`, `activate`, `destroy-scheduled`, `destroy`, ...).
    pub action: String,
    /// State before (absent on create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_state: Option<String>,
    /// State after.
    pub to_state: String,
    /// Who: the principal, or `system` for scheduled changes.
    pub actor: String,
    /// `request`, `schedule` or `policy`.
    pub cause: String,
    /// Free text reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A key's history, oldest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct HistoryList {
    /// Entries.
    pub items: Vec<HistoryEntry>,
}

/// `POST /v1/keys/{id}/encrypt`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EncryptRequest {
    /// base64 plaintext (at most 64 KiB for AES, the OAEP limit for RSA).
    pub plaintext: String,
    /// base64 associated data, needed again to decrypt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aad: Option<String>,
}

/// Result of encrypt, rewrap.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EncryptResponse {
    /// base64 self-describing ciphertext (see docs/FORMATS.md).
    pub ciphertext: String,
    /// Key version that produced it.
    pub key_version: u32,
}

/// `POST /v1/keys/{id}/decrypt`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecryptRequest {
    /// base64 ciphertext as returned by encrypt.
    pub ciphertext: String,
    /// base64 associated data given at encryption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aad: Option<String>,
    /// Process with a compromised key (audited override).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_compromised: bool,
}

/// Result of decrypt.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DecryptResponse {
    /// base64 plaintext.
    pub plaintext: String,
    /// Key version that decrypted it.
    pub key_version: u32,
}

/// `POST /v1/keys/{id}/rewrap`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RewrapRequest {
    /// base64 ciphertext made by any live version of this key.
    pub ciphertext: String,
    /// base64 associated data (kept for the new ciphertext).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aad: Option<String>,
}

/// `POST /v1/keys/{id}/sign`. Exactly one of `message` and `digest`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignRequest {
    /// base64 message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// base64 digest computed with the scheme's hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Signature scheme (`rsa-pss-sha256`, `rsa-pkcs1-sha384`, `ecdsa-sha256`, `ed25519`,
    /// `ml-dsa`, ...); default depends on the algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
}

/// Result of sign.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SignResponse {
    /// base64 self-describing signature (see docs/FORMATS.md).
    pub signature: String,
    /// Key version that signed.
    pub key_version: u32,
    /// Scheme used.
    pub algorithm: String,
}

/// `POST /v1/keys/{id}/verify`. Exactly one of `message` and `digest`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// base64 message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// base64 digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// base64 signature as returned by sign.
    pub signature: String,
    /// Verify with a compromised key (audited override).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_compromised: bool,
}

/// Result of verify and mac-verify.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct VerifyResponse {
    /// Whether the signature or tag is valid.
    pub valid: bool,
}

/// `POST /v1/keys/{id}/mac`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MacRequest {
    /// base64 data.
    pub data: String,
}

/// Result of mac.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MacResponse {
    /// base64 self-describing tag.
    pub mac: String,
    /// Key version used.
    pub key_version: u32,
}

/// `POST /v1/keys/{id}/mac-verify`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MacVerifyRequest {
    /// base64 data.
    pub data: String,
    /// base64 tag as returned by mac.
    pub mac: String,
    /// Verify with a compromised key (audited override).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_compromised: bool,
}

/// `POST /v1/keys/{id}/datakey`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DataKeyRequest {
    /// Data key length in bytes: 16, 24 or 32 (default 32).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u32>,
    /// base64 associated data bound to the wrapped copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aad: Option<String>,
    /// Return only the wrapped copy, not the plaintext.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub without_plaintext: bool,
}

/// Result of datakey.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DataKeyResponse {
    /// base64 data key (absent with `without_plaintext`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plaintext: Option<String>,
    /// base64 data key encrypted under this key (decrypt it with `/decrypt`).
    pub ciphertext: String,
    /// Key version that wrapped it.
    pub key_version: u32,
}

/// Result of encapsulate (ML-KEM).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EncapsulateResponse {
    /// base64 self-describing KEM ciphertext.
    pub ciphertext: String,
    /// base64 shared secret.
    pub shared_secret: String,
    /// Key version used.
    pub key_version: u32,
}

/// `POST /v1/keys/{id}/decapsulate`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecapsulateRequest {
    /// base64 KEM ciphertext as returned by encapsulate.
    pub ciphertext: String,
    /// Decapsulate with a compromised key (audited override).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_compromised: bool,
}

/// Result of decapsulate.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DecapsulateResponse {
    /// base64 shared secret.
    pub shared_secret: String,
}

/// Result of `GET /v1/keys/{id}/public-key`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PublicKeyResponse {
    /// PEM (`PUBLIC KEY`, SubjectPublicKeyInfo); for ML-KEM the raw encapsulation key in a
    /// `ML-KEM PUBLIC KEY` block.
    pub pem: String,
    /// Version whose public key this is.
    pub key_version: u32,
    /// Algorithm name.
    pub algorithm: String,
}

/// `GET /v1/health` and `GET /v1/ready`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` when not ready.
    pub status: String,
    /// Server version.
    pub version: String,
    /// Details (database reachable, sealed).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, serde_json::Value>,
}
