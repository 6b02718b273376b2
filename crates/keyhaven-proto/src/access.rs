//! Principals, API tokens, vault members and client-certificate bindings.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// A principal: a user or service that authenticates with tokens or a client certificate.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Principal {
    /// Identifier.
    pub id: Uuid,
    /// Unique name.
    pub name: String,
    /// `user` or `service`.
    pub kind: String,
    /// Instance-wide roles: `system-admin`, `system-auditor`.
    pub system_roles: Vec<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A disabled principal cannot authenticate.
    pub disabled: bool,
    /// Created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// `POST /v1/principals`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePrincipal {
    /// 1-64 characters: letters, digits, `-`, `_`, `.`, `@`.
    pub name: String,
    /// `user` (default) or `service`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `system-admin`, `system-auditor` (default none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub system_roles: Vec<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `PATCH /v1/principals/{name}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePrincipal {
    /// Replace the system roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_roles: Option<Vec<String>>,
    /// New description (`""` clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Disable or enable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// Principals by name.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PrincipalList {
    /// Principals.
    pub items: Vec<Principal>,
}

/// An API token's record: never the secret.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Token {
    /// Identifier (use it to revoke).
    pub id: Uuid,
    /// Owner.
    pub principal: String,
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Refused from this time on.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires_at: Option<OffsetDateTime>,
    /// When revoked.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub revoked_at: Option<OffsetDateTime>,
    /// Last successful use (written about once a second).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_used_at: Option<OffsetDateTime>,
    /// `active`, `expired` or `revoked`.
    pub status: String,
}

/// `POST /v1/principals/{name}/tokens`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Expiry (RFC 3339). At most one of `expires_at` and `ttl_seconds`.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires_at: Option<OffsetDateTime>,
    /// Lifetime in seconds from now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds: Option<u64>,
}

/// A newly created token: the only time the secret is shown.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct CreatedToken {
    /// The record.
    pub token: Token,
    /// The bearer token. Store it now: it cannot be shown again.
    pub secret: String,
}

impl std::fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedToken")
            .field("token", &self.token)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A principal's tokens.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenList {
    /// Oldest first.
    pub items: Vec<Token>,
}

/// `POST /v1/vaults/{name}/members`: grant roles.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRoles {
    /// The principal.
    pub principal: String,
    /// `admin`, `key-manager`, `crypto-user`, `auditor`.
    pub roles: Vec<String>,
}

/// A vault member.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Member {
    /// Principal name.
    pub principal: String,
    /// Its roles in the vault.
    pub roles: Vec<String>,
}

/// A vault's members.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MemberList {
    /// By principal name.
    pub items: Vec<Member>,
}

/// A client-certificate binding.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct CertBinding {
    /// Identifier (use it to remove the binding).
    pub id: Uuid,
    /// The principal.
    pub principal: String,
    /// `subject` or `fingerprint`.
    #[serde(rename = "match")]
    pub kind: String,
    /// RFC 4514 subject text, or SHA-256 fingerprint in lowercase hex.
    pub value: String,
    /// Created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `POST /v1/principals/{name}/certificates`: give a PEM certificate (its subject or
/// fingerprint is taken), or the value itself.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCertBinding {
    /// `subject` or `fingerprint` (default `fingerprint`).
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// A PEM certificate to take the value from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_pem: Option<String>,
    /// The subject text or fingerprint, when no certificate is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A principal's certificate bindings.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CertBindingList {
    /// Bindings.
    pub items: Vec<CertBinding>,
}

/// `GET /v1/whoami`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct WhoAmI {
    /// Principal name.
    pub principal: String,
    /// Instance-wide roles.
    pub system_roles: Vec<String>,
    /// How the request authenticated: `token` or `certificate`.
    pub authenticated_by: String,
    /// Roles per vault.
    pub vaults: Vec<Member>,
}
