//! Key templates (`/v1/vaults/{vault}/templates`) and applying one to a key. Durations travel
//! as whole seconds in fields named `*_seconds`. See docs/TEMPLATES.md.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// What a template sets: the body of `PUT /v1/vaults/{vault}/templates/{name}` (which
/// replaces all of it) and the `spec` of a template.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TemplateSpec {
    /// Algorithm of the keys it makes, e.g. `aes-256`, `ec-p256`.
    pub algorithm: String,
    /// Description given to keys created without one (at most 1024 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Key name pattern, e.g. `{app}-{env}-{seq}`: `{seq}` counts the template's keys from 1,
    /// `{date}` is the creation date (YYYYMMDD), `{vault}` and `{template}` what they say, any
    /// other `{var}` a value the caller passes in `template_vars`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naming_scheme: Option<String>,
    /// Permitted uses; the algorithm's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Vec<String>>,
    /// `pre-active` (default) or `active`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_state: Option<String>,
    /// Keys activate this many seconds after creation (they start pre-active).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activate_after_seconds: Option<u64>,
    /// Cryptoperiod (originator-usage period): the deactivation date becomes activation
    /// (and, after each rotation, the rotation) + this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cryptoperiod_seconds: Option<u64>,
    /// Rotate automatically this long after the previous rotation (or activation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_interval_seconds: Option<u64>,
    /// Rotate automatically this long before the deactivation date (needs a cryptoperiod).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotate_before_seconds: Option<u64>,
    /// Rotate automatically once the primary version applied protection this many times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_limit: Option<u64>,
    /// Tags given to the keys it makes (a caller's tag of the same name wins).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// An archived template is kept for the record but creates no keys.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub archived: bool,
    /// Keystores of the vault (names) that keys made from it are distributed to
    /// (docs/KEYSTORES.md).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keystores: Vec<String>,
}

/// `POST /v1/vaults/{vault}/templates`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTemplate {
    /// Template name, unique in the vault (1-64 letters, digits, `-`, `_`, `.`).
    pub name: String,
    /// Its settings.
    pub spec: TemplateSpec,
}

/// A key template.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Template {
    /// Vault it belongs to.
    pub vault: String,
    /// Name, unique in the vault.
    pub name: String,
    /// Its settings.
    pub spec: TemplateSpec,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When its settings last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Bumped by every change.
    pub revision: u64,
}

/// A vault's templates.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TemplateList {
    /// By name.
    pub items: Vec<Template>,
}

/// `POST /v1/keys/{id}/apply-template`. May be empty.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyTemplate {
    /// The template to apply (default: the one the key was made from).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn spec_round_trips_and_refuses_unknown_fields() {
        let json = serde_json::json!({
            "algorithm": "aes-256",
            "naming_scheme": "{app}-{seq}",
            "cryptoperiod_seconds": 86400,
            "tags": {"team": "pay"}
        });
        let spec: TemplateSpec = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(spec.cryptoperiod_seconds, Some(86_400));
        assert!(!spec.archived);
        assert_eq!(serde_json::to_value(&spec).unwrap(), json);
        let typo = serde_json::json!({"algorithm": "aes-256", "cryptoperiod": 5});
        assert!(serde_json::from_value::<TemplateSpec>(typo).is_err());
    }
}
