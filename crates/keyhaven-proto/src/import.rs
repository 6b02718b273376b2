//! Wrapped key import (BYOK): a vault's import public key (`GET /v1/vaults/{name}/import-key`)
//! and importing material wrapped for it (`POST /v1/keys/import`). See docs/IMPORT.md.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// Result of `GET /v1/vaults/{name}/import-key`: the RSA public key to wrap key material for.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ImportKey {
    /// The import key's id: send it back as `import_key_id` with the wrapped material.
    pub id: Uuid,
    /// The vault whose keys it imports.
    pub vault: String,
    /// The RSA public key as PEM (`PUBLIC KEY`, SubjectPublicKeyInfo), for
    /// `openssl pkeyutl -encrypt -pubin -inkey`.
    pub public_key_pem: String,
    /// The same public key, base64 of the SubjectPublicKeyInfo DER.
    pub public_key_der_b64: String,
    /// `RSA-3072 OAEP-SHA256 + AES-KWP`.
    pub algorithm: String,
    /// The scheme's name at cloud KMSs: `RSA_AES_KEY_WRAP_SHA_256`.
    pub wrapping: String,
    /// When the import key was generated.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it stops being handed out (24 hours after creation); a new one replaces it.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// Until when material wrapped for it is accepted (48 hours after creation).
    #[serde(with = "time::serde::rfc3339")]
    pub accepted_until: OffsetDateTime,
}

/// `POST /v1/keys/import`: create a key from material wrapped for the vault's import key.
/// The fields other than `import_key_id` and `wrapped_material` mean what they mean in
/// `POST /v1/keys`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportWrappedKey {
    /// Vault name.
    pub vault: String,
    /// Key name (1-128 characters: letters, digits, `-`, `_`, `.`, `/`).
    pub name: String,
    /// Algorithm name, e.g. `aes-256`, `rsa-2048`, `ec-p256`.
    pub algorithm: String,
    /// The `id` of the import key the material was wrapped for.
    pub import_key_id: Uuid,
    /// base64 of `RSA-OAEP(SHA-256, MGF1-SHA-256, no label)(AES-256 key) ||
    /// AES-KWP(RFC 5649, that key)(material)`; the material is the raw key (AES, HMAC) or
    /// PKCS#8 DER (RSA, EC, Ed25519).
    pub wrapped_material: String,
    /// Permitted uses; defaults depend on the algorithm.
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
}

/// Body of `POST /v1/keys/{id}/export`: how the material leaves (exactly one). Only keys
/// created exportable leave at all.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct ExportKeyRequest {
    /// Wrap for this RSA public key (PEM `PUBLIC KEY`): format
    /// `rsa-oaep-3072-sha256-aes-256`, the one `POST /v1/keys/import` accepts when the
    /// public key is a vault's import key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrap_for: Option<String>,
    /// Encrypt under this keyhaven key (id): a keyhaven ciphertext that `decrypt` with that key
    /// opens (associated data `keyhaven-export:<key id>:<version>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrap_with: Option<Uuid>,
    /// In plaintext: only where the key's vault allows it (`allow_plaintext_export`).
    #[serde(default)]
    pub plaintext: bool,
}

/// Result of `POST /v1/keys/{id}/export`.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportedKey {
    /// The key.
    pub key_id: Uuid,
    /// The version exported (the primary one).
    pub version: u32,
    /// The key's algorithm.
    pub algorithm: String,
    /// `rsa-oaep-3072-sha256-aes-256`, `keyhaven-ciphertext` or `plaintext`.
    pub format: String,
    /// The material inside: `raw` (symmetric keys, ML-KEM/ML-DSA keys) or `pkcs8` (other
    /// private keys).
    pub material_encoding: String,
    /// The wrapped (or plain) material, base64.
    pub material: String,
}

impl std::fmt::Debug for ExportedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportedKey")
            .field("key_id", &self.key_id)
            .field("version", &self.version)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}
