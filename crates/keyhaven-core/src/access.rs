//! Who may do what: principals, their credentials (API tokens, client-certificate bindings),
//! system roles, per-vault roles, and the permission matrix that every [`crate::KeyService`]
//! method checks. docs/SECURITY.md shows the same matrix; `permission_matrix_is_documented`
//! keeps the two from drifting apart.
//!
//! Visibility rule (404 vs 403): a caller with no role in a vault (and no system role that
//! lets it see every vault) is told the vault, or any key in it, is `not_found` — exactly what a
//! name that does not exist gets. A caller with some role in the vault, but not the one the
//! action needs, gets `forbidden`.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::Error;
use crate::model::{KeyId, VaultId};

/// A principal's identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PrincipalId(pub Uuid);

impl fmt::Display for PrincipalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An API token's identifier (not the secret).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenId(pub Uuid);

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A validated principal name: 1-64 characters of letters, digits, `-`, `_`, `.`, `@`,
/// starting with a letter or digit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PrincipalName(String);

impl PrincipalName {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for PrincipalName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let first_ok = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let all_ok = s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
        if s.is_empty() || s.len() > 64 || !first_ok || !all_ok {
            return Err(format!(
                "invalid principal name {:?}: 1-64 characters, letters, digits, '-', '_', '.', \
                 '@', starting with a letter or digit",
                s.chars().take(80).collect::<String>()
            ));
        }
        Ok(PrincipalName(s.to_owned()))
    }
}

impl fmt::Display for PrincipalName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a principal is a person or a program.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    /// A person.
    User,
    /// An application or service.
    Service,
}

impl PrincipalKind {
    /// `user` / `service`.
    pub fn name(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Service => "service",
        }
    }
    /// Parses [`PrincipalKind::name`].
    pub fn parse(s: &str) -> Option<PrincipalKind> {
        match s {
            "user" => Some(PrincipalKind::User),
            "service" => Some(PrincipalKind::Service),
            _ => None,
        }
    }
}

/// A role that holds across the whole instance.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SystemRole {
    /// Creates and deletes vaults, manages principals, tokens, certificate bindings, seal and
    /// root key; may manage the members of any vault. No key use, no key metadata.
    SystemAdmin,
    /// Reads and verifies the whole audit log. Nothing else.
    SystemAuditor,
}

/// A role granted to a principal in one vault.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VaultRole {
    /// Members and vault settings.
    Admin,
    /// Create keys, change metadata, state changes, rotate, destroy, purge.
    KeyManager,
    /// Use keys for the operations their usage allows; read metadata.
    CryptoUser,
    /// Read metadata, history and the vault's audit records; no key use, never material.
    Auditor,
}

const SYSTEM_ROLES: [(SystemRole, &str, u32); 2] = [
    (SystemRole::SystemAdmin, "system-admin", 1),
    (SystemRole::SystemAuditor, "system-auditor", 2),
];

const VAULT_ROLES: [(VaultRole, &str, u32); 4] = [
    (VaultRole::Admin, "admin", 1),
    (VaultRole::KeyManager, "key-manager", 2),
    (VaultRole::CryptoUser, "crypto-user", 4),
    (VaultRole::Auditor, "auditor", 8),
];

impl SystemRole {
    /// Every system role.
    pub const ALL: [SystemRole; 2] = [SystemRole::SystemAdmin, SystemRole::SystemAuditor];
    /// `system-admin` / `system-auditor`.
    pub fn name(self) -> &'static str {
        SYSTEM_ROLES
            .iter()
            .find(|(r, _, _)| *r == self)
            .map_or("?", |(_, n, _)| n)
    }
    fn bit(self) -> u32 {
        SYSTEM_ROLES
            .iter()
            .find(|(r, _, _)| *r == self)
            .map_or(0, |(_, _, b)| *b)
    }
}

impl FromStr for SystemRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SYSTEM_ROLES
            .iter()
            .find(|(_, n, _)| *n == s)
            .map(|(r, _, _)| *r)
            .ok_or_else(|| {
                format!(
                    "unknown system role {:?}; system roles: system-admin, system-auditor",
                    s.chars().take(40).collect::<String>()
                )
            })
    }
}

impl VaultRole {
    /// Every vault role.
    pub const ALL: [VaultRole; 4] = [
        VaultRole::Admin,
        VaultRole::KeyManager,
        VaultRole::CryptoUser,
        VaultRole::Auditor,
    ];
    /// `admin`, `key-manager`, `crypto-user`, `auditor`.
    pub fn name(self) -> &'static str {
        VAULT_ROLES
            .iter()
            .find(|(r, _, _)| *r == self)
            .map_or("?", |(_, n, _)| n)
    }
    fn bit(self) -> u32 {
        VAULT_ROLES
            .iter()
            .find(|(r, _, _)| *r == self)
            .map_or(0, |(_, _, b)| *b)
    }
}

impl FromStr for VaultRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VAULT_ROLES
            .iter()
            .find(|(_, n, _)| *n == s)
            .map(|(r, _, _)| *r)
            .ok_or_else(|| {
                format!(
                    "unknown vault role {:?}; vault roles: admin, key-manager, crypto-user, auditor",
                    s.chars().take(40).collect::<String>()
                )
            })
    }
}

impl fmt::Display for VaultRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for SystemRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of system roles (bit set, stored as an integer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SystemRoles(u32);

impl SystemRoles {
    /// No role.
    pub const NONE: SystemRoles = SystemRoles(0);
    /// From stored bits; `None` if unknown bits are set.
    pub fn from_bits(bits: u32) -> Option<SystemRoles> {
        let known: u32 = SYSTEM_ROLES.iter().map(|(_, _, b)| b).sum();
        (bits & !known == 0).then_some(SystemRoles(bits))
    }
    /// The bits.
    pub fn bits(self) -> u32 {
        self.0
    }
    /// With `role` added.
    pub fn with(self, role: SystemRole) -> SystemRoles {
        SystemRoles(self.0 | role.bit())
    }
    /// Whether `role` is held.
    pub fn has(self, role: SystemRole) -> bool {
        self.0 & role.bit() != 0
    }
    /// The roles held, by name.
    pub fn names(self) -> Vec<&'static str> {
        SystemRole::ALL
            .into_iter()
            .filter(|r| self.has(*r))
            .map(SystemRole::name)
            .collect()
    }
}

impl FromIterator<SystemRole> for SystemRoles {
    fn from_iter<I: IntoIterator<Item = SystemRole>>(iter: I) -> Self {
        iter.into_iter().fold(SystemRoles::NONE, SystemRoles::with)
    }
}

/// A set of vault roles held in one vault.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VaultRoles(u32);

impl VaultRoles {
    /// No role.
    pub const NONE: VaultRoles = VaultRoles(0);
    /// With `role` added.
    pub fn with(self, role: VaultRole) -> VaultRoles {
        VaultRoles(self.0 | role.bit())
    }
    /// Whether `role` is held.
    pub fn has(self, role: VaultRole) -> bool {
        self.0 & role.bit() != 0
    }
    /// Whether no role is held.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The roles held, by name.
    pub fn names(self) -> Vec<&'static str> {
        VaultRole::ALL
            .into_iter()
            .filter(|r| self.has(*r))
            .map(VaultRole::name)
            .collect()
    }
}

impl FromIterator<VaultRole> for VaultRoles {
    fn from_iter<I: IntoIterator<Item = VaultRole>>(iter: I) -> Self {
        iter.into_iter().fold(VaultRoles::NONE, VaultRoles::with)
    }
}

/// A principal: a user or service that authenticates with tokens or a client certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// Identifier.
    pub id: PrincipalId,
    /// Unique name.
    pub name: PrincipalName,
    /// User or service.
    pub kind: PrincipalKind,
    /// Instance-wide roles.
    pub system_roles: SystemRoles,
    /// Free text.
    pub description: Option<String>,
    /// A disabled principal cannot authenticate (its tokens and certificates are refused).
    pub disabled: bool,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// Record-integrity MAC (see [`crate::integrity`]).
    pub mac: Vec<u8>,
}

/// An API token record. The secret itself is never stored: only its SHA-256.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    /// Identifier (shown in lists; not the secret).
    pub id: TokenId,
    /// Owner.
    pub principal_id: PrincipalId,
    /// Label chosen at creation.
    pub name: Option<String>,
    /// SHA-256 of the token string.
    pub hash: [u8; 32],
    /// Created.
    pub created_at: OffsetDateTime,
    /// Refused from this time on.
    pub expires_at: Option<OffsetDateTime>,
    /// Set when revoked.
    pub revoked_at: Option<OffsetDateTime>,
    /// Last successful use (informational; written in batches).
    pub last_used_at: Option<OffsetDateTime>,
    /// Record-integrity MAC.
    pub mac: Vec<u8>,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("id", &self.id)
            .field("principal_id", &self.principal_id)
            .field("name", &self.name)
            .field("expires_at", &self.expires_at)
            .field("revoked_at", &self.revoked_at)
            .finish_non_exhaustive()
    }
}

/// One role of one principal in one vault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleBinding {
    /// The vault.
    pub vault_id: VaultId,
    /// The principal.
    pub principal_id: PrincipalId,
    /// The role.
    pub role: VaultRole,
    /// When granted.
    pub granted_at: OffsetDateTime,
    /// Who granted it (principal name).
    pub granted_by: String,
    /// Record-integrity MAC.
    pub mac: Vec<u8>,
}

/// How a client certificate is matched to a principal.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertMatch {
    /// The certificate's subject distinguished name, as RFC 4514 text (`CN=app,O=Example`).
    Subject,
    /// The SHA-256 fingerprint of the certificate (DER), lowercase hex.
    Fingerprint,
}

impl CertMatch {
    /// `subject` / `fingerprint`.
    pub fn name(self) -> &'static str {
        match self {
            CertMatch::Subject => "subject",
            CertMatch::Fingerprint => "fingerprint",
        }
    }
    /// Parses [`CertMatch::name`].
    pub fn parse(s: &str) -> Option<CertMatch> {
        match s {
            "subject" => Some(CertMatch::Subject),
            "fingerprint" => Some(CertMatch::Fingerprint),
            _ => None,
        }
    }
}

/// A client-certificate login: certificates (signed by the configured client CA) whose subject
/// or fingerprint equals `value` authenticate as the principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertBinding {
    /// Identifier.
    pub id: Uuid,
    /// The principal.
    pub principal_id: PrincipalId,
    /// What is compared.
    pub kind: CertMatch,
    /// The subject text or fingerprint.
    pub value: String,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Record-integrity MAC.
    pub mac: Vec<u8>,
}

/// What an authenticated principal may do: resolved once per credential and cached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The principal.
    pub principal: PrincipalId,
    /// Its name (recorded in history and audit).
    pub name: String,
    /// Instance-wide roles.
    pub system_roles: SystemRoles,
    /// Roles per vault.
    pub vault_roles: HashMap<VaultId, VaultRoles>,
    /// The token used, if any (for last-use bookkeeping).
    pub token: Option<TokenId>,
    /// Internal actors (the scheduler, tests of core) pass every check; never produced by
    /// authentication.
    pub internal: bool,
}

/// The outcome of a request, for the audit log.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Success,
    /// Refused for lack of authentication or permission.
    Denied,
    /// Allowed, but failed (wrong state, bad input, ...).
    Failure,
}

impl Outcome {
    /// `success` / `denied` / `failure`.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
            Outcome::Failure => "failure",
        }
    }
    /// Parses [`Outcome::name`].
    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "success" => Some(Outcome::Success),
            "denied" => Some(Outcome::Denied),
            "failure" => Some(Outcome::Failure),
            _ => None,
        }
    }
}

/// What core learned while serving a request, for the edge's audit record: the operation's
/// name, the key and vault it touched, the key version used, and whether a refusal was an
/// access decision.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditNote {
    /// Operation name (`encrypt`, `key.create`, ...).
    pub action: Option<&'static str>,
    /// Vault name.
    pub vault: Option<String>,
    /// Key.
    pub key: Option<KeyId>,
    /// Key version used.
    pub key_version: Option<u32>,
    /// Set when core refused for lack of access.
    pub denied: bool,
    /// Extra non-secret detail (a target principal, a role, ...).
    pub detail: Option<String>,
}

/// Per-request context: where the request came from and a note core fills in for the audit
/// record.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    /// Request id (also sent back as `x-request-id`).
    pub request_id: Option<String>,
    /// Client address.
    pub source: Option<IpAddr>,
    /// Shared with the edge, which writes the audit record when the request ends.
    pub note: Arc<Mutex<AuditNote>>,
}

/// The caller of a [`crate::KeyService`] method: an identity and the request context.
#[derive(Clone, Debug)]
pub struct Caller {
    /// Who.
    pub identity: Arc<Identity>,
    /// From where, and the audit note.
    pub context: RequestContext,
}

/// What an action needs. One row per line of the role matrix in docs/SECURITY.md.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Create a vault.
    CreateVault,
    /// Delete an empty vault.
    DeleteVault,
    /// See that a vault exists and read its settings.
    ReadVault,
    /// Change a vault's settings.
    UpdateVault,
    /// List a vault's members.
    ReadMembers,
    /// Grant and revoke roles in a vault.
    ManageMembers,
    /// Create or import keys.
    CreateKey,
    /// Read key metadata, versions and public keys; list keys.
    ReadKey,
    /// Read a key's transition history.
    ReadHistory,
    /// Change metadata and dates, activate, deactivate, reactivate, rotate, compromise,
    /// destroy, cancel destruction, purge.
    ManageKey,
    /// Encrypt, decrypt, sign, verify, MAC, data keys, rewrap, encapsulate, decapsulate.
    UseKey,
    /// Process data with a compromised key (`allow_compromised`).
    UseCompromisedKey,
    /// Receive the material of a key marked exportable (KMIP Get). Keys that are not
    /// exportable never leave, whatever the role.
    ExportKey,
    /// Read the vault's audit records.
    ReadVaultAudit,
    /// Create, change and delete principals, their tokens and certificate bindings.
    ManagePrincipals,
    /// Read and verify the whole audit log.
    ReadAllAudit,
    /// Seal the server, rotate the root key.
    ManageSeal,
}

/// Which vault roles grant a vault-scoped permission: any one of `roles`, or all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VaultGrant {
    /// The roles.
    pub roles: &'static [VaultRole],
    /// Whether every role is needed (otherwise any one is enough).
    pub all: bool,
}

impl VaultGrant {
    const fn any(roles: &'static [VaultRole]) -> VaultGrant {
        VaultGrant { roles, all: false }
    }

    /// Whether roles `held` satisfy the grant (never, when it names no role).
    pub fn granted(self, held: VaultRoles) -> bool {
        !self.roles.is_empty()
            && if self.all {
                self.roles.iter().all(|r| held.has(*r))
            } else {
                self.roles.iter().any(|r| held.has(*r))
            }
    }

    /// For messages: `the key-manager role`, `the admin or auditor role`, `the crypto-user
    /// and key-manager roles`.
    pub fn describe(self) -> String {
        let names: Vec<&str> = self.roles.iter().map(|r| r.name()).collect();
        match (names.len(), self.all) {
            (0, _) => "a system role".to_owned(),
            (1, _) | (_, false) => format!("the {} role", names.join(" or ")),
            (_, true) => format!("the {} roles", names.join(" and ")),
        }
    }
}

/// Vault roles that grant a vault-scoped permission (none for system-only permissions).
pub fn vault_roles_for(p: Permission) -> VaultGrant {
    use Permission::*;
    use VaultRole::*;
    match p {
        ReadVault => VaultGrant::any(&[Admin, KeyManager, CryptoUser, Auditor]),
        UpdateVault | ManageMembers => VaultGrant::any(&[Admin]),
        ReadMembers => VaultGrant::any(&[Admin, Auditor]),
        CreateKey | ManageKey => VaultGrant::any(&[KeyManager]),
        ReadKey => VaultGrant::any(&[KeyManager, CryptoUser, Auditor]),
        ReadHistory => VaultGrant::any(&[KeyManager, Auditor]),
        UseKey => VaultGrant::any(&[CryptoUser]),
        ExportKey => VaultGrant::any(&[KeyManager, CryptoUser]),
        UseCompromisedKey => VaultGrant {
            roles: &[CryptoUser, KeyManager],
            all: true,
        },
        ReadVaultAudit => VaultGrant::any(&[Auditor]),
        CreateVault | DeleteVault | ManagePrincipals | ReadAllAudit | ManageSeal => {
            VaultGrant::any(&[])
        }
    }
}

/// System roles that grant a permission, in every vault where it is vault-scoped.
pub fn system_roles_for(p: Permission) -> &'static [SystemRole] {
    use Permission::*;
    use SystemRole::*;
    match p {
        CreateVault | DeleteVault | ManagePrincipals | ManageSeal => &[SystemAdmin],
        ReadVault | ReadMembers => &[SystemAdmin, SystemAuditor],
        ManageMembers => &[SystemAdmin],
        ReadAllAudit | ReadVaultAudit => &[SystemAdmin, SystemAuditor],
        CreateKey | ReadKey | ReadHistory | ManageKey | UseKey | UseCompromisedKey | ExportKey
        | UpdateVault => &[],
    }
}

impl Caller {
    /// An internal actor that passes every check (the scheduler; core's own tests). Never the
    /// result of authentication.
    pub fn internal(name: &str) -> Caller {
        Caller {
            identity: Arc::new(Identity {
                principal: PrincipalId(Uuid::nil()),
                name: name.to_owned(),
                system_roles: SystemRoles::NONE,
                vault_roles: HashMap::new(),
                token: None,
                internal: true,
            }),
            context: RequestContext::default(),
        }
    }

    /// The background scheduler.
    pub fn system() -> Caller {
        Caller::internal("system")
    }

    /// A caller for `identity` with a fresh request context.
    pub fn new(identity: Arc<Identity>, context: RequestContext) -> Caller {
        Caller { identity, context }
    }

    /// The principal's name.
    pub fn name(&self) -> &str {
        &self.identity.name
    }

    fn has_system(&self, p: Permission) -> bool {
        system_roles_for(p)
            .iter()
            .any(|r| self.identity.system_roles.has(*r))
    }

    /// Roles held in `vault`.
    pub fn roles_in(&self, vault: VaultId) -> VaultRoles {
        self.identity
            .vault_roles
            .get(&vault)
            .copied()
            .unwrap_or_default()
    }

    /// Whether the caller may see that `vault` exists (any role there, or a system role that
    /// sees every vault).
    pub fn sees_vault(&self, vault: VaultId) -> bool {
        self.identity.internal
            || !self.roles_in(vault).is_empty()
            || self.has_system(Permission::ReadVault)
    }

    /// Whether `p` is granted in `vault` (or system-wide for system permissions).
    pub fn may(&self, vault: Option<VaultId>, p: Permission) -> bool {
        if self.identity.internal || self.has_system(p) {
            return true;
        }
        let Some(vault) = vault else {
            return false;
        };
        vault_roles_for(p).granted(self.roles_in(vault))
    }

    /// Checks a system-wide permission: `forbidden` if not granted.
    pub fn require_system(&self, p: Permission) -> Result<(), Error> {
        if self.may(None, p) {
            return Ok(());
        }
        self.note_denied();
        Err(Error::Forbidden(format!(
            "{} may not {}: it needs the {} role",
            self.name(),
            describe(p),
            system_roles_for(p)
                .iter()
                .map(|r| r.name())
                .collect::<Vec<_>>()
                .join(" or ")
        )))
    }

    /// Checks a vault-scoped permission. `not_found` (as if `what` did not exist) when the
    /// caller cannot see the vault at all, `forbidden` when it can but lacks the role.
    pub fn require(
        &self,
        vault: VaultId,
        p: Permission,
        not_found: impl FnOnce() -> Error,
    ) -> Result<(), Error> {
        if self.may(Some(vault), p) {
            return Ok(());
        }
        self.note_denied();
        if !self.sees_vault(vault) {
            return Err(not_found());
        }
        let needs = vault_roles_for(p).describe();
        Err(Error::Forbidden(format!(
            "{} may not {} in this vault: it needs {needs} (ask a vault admin)",
            self.name(),
            describe(p)
        )))
    }

    /// Records in the audit note that the request was refused for lack of access.
    pub fn note_denied(&self) {
        self.with_note(|n| n.denied = true);
    }

    /// Edits the audit note.
    pub fn with_note(&self, f: impl FnOnce(&mut AuditNote)) {
        let mut guard = match self.context.note.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard);
    }
}

/// What a permission lets one do, for messages.
pub fn describe(p: Permission) -> &'static str {
    use Permission::*;
    match p {
        CreateVault => "create vaults",
        DeleteVault => "delete vaults",
        ReadVault => "read vault settings",
        UpdateVault => "change vault settings",
        ReadMembers => "list vault members",
        ManageMembers => "grant or revoke roles",
        CreateKey => "create keys",
        ReadKey => "read key metadata",
        ReadHistory => "read key history",
        ManageKey => "manage keys",
        UseKey => "use keys",
        UseCompromisedKey => "use compromised keys",
        ExportKey => "export exportable keys",
        ReadVaultAudit => "read the vault's audit records",
        ManagePrincipals => "manage principals and tokens",
        ReadAllAudit => "read the audit log",
        ManageSeal => "seal the server or rotate the root key",
    }
}

/// Every permission, in matrix order.
pub const ALL_PERMISSIONS: [Permission; 17] = [
    Permission::CreateVault,
    Permission::DeleteVault,
    Permission::ReadVault,
    Permission::UpdateVault,
    Permission::ReadMembers,
    Permission::ManageMembers,
    Permission::CreateKey,
    Permission::ReadKey,
    Permission::ReadHistory,
    Permission::ManageKey,
    Permission::UseKey,
    Permission::UseCompromisedKey,
    Permission::ExportKey,
    Permission::ReadVaultAudit,
    Permission::ManagePrincipals,
    Permission::ReadAllAudit,
    Permission::ManageSeal,
];

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    fn caller(system: SystemRoles, roles: &[(VaultId, VaultRoles)]) -> Caller {
        Caller::new(
            Arc::new(Identity {
                principal: PrincipalId(Uuid::from_u128(7)),
                name: "alice".into(),
                system_roles: system,
                vault_roles: roles.iter().copied().collect(),
                token: None,
                internal: false,
            }),
            RequestContext::default(),
        )
    }

    fn nf() -> Error {
        Error::NotFound {
            kind: "key",
            id: "x".into(),
        }
    }

    #[test]
    fn names_round_trip() {
        for r in VaultRole::ALL {
            assert_eq!(r.name().parse::<VaultRole>().unwrap(), r);
        }
        for r in SystemRole::ALL {
            assert_eq!(r.name().parse::<SystemRole>().unwrap(), r);
        }
        assert!("root".parse::<VaultRole>().is_err());
        assert!("ops@example".parse::<PrincipalName>().is_ok());
        assert!("-x".parse::<PrincipalName>().is_err());
        assert!("a b".parse::<PrincipalName>().is_err());
        assert_eq!(SystemRoles::from_bits(4), None);
    }

    #[test]
    fn invisible_vault_is_not_found_visible_is_forbidden() {
        let a = VaultId(Uuid::from_u128(1));
        let b = VaultId(Uuid::from_u128(2));
        let c = caller(
            SystemRoles::NONE,
            &[(a, VaultRoles::NONE.with(VaultRole::Auditor))],
        );
        assert!(c.require(a, Permission::ReadKey, nf).is_ok());
        assert!(matches!(
            c.require(a, Permission::UseKey, nf),
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            c.require(b, Permission::ReadKey, nf),
            Err(Error::NotFound { .. })
        ));
        assert!(c.context.note.lock().unwrap().denied);
    }

    #[test]
    fn system_admin_sees_vaults_but_cannot_use_keys() {
        let a = VaultId(Uuid::from_u128(1));
        let c = caller(SystemRoles::NONE.with(SystemRole::SystemAdmin), &[]);
        assert!(c.require(a, Permission::ManageMembers, nf).is_ok());
        assert!(matches!(
            c.require(a, Permission::UseKey, nf),
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            c.require(a, Permission::ReadKey, nf),
            Err(Error::Forbidden(_))
        ));
        assert!(c.require_system(Permission::CreateVault).is_ok());
    }

    #[test]
    fn compromised_override_needs_both_roles() {
        let a = VaultId(Uuid::from_u128(1));
        let user = caller(
            SystemRoles::NONE,
            &[(a, VaultRoles::NONE.with(VaultRole::CryptoUser))],
        );
        assert!(!user.may(Some(a), Permission::UseCompromisedKey));
        let both = caller(
            SystemRoles::NONE,
            &[(
                a,
                VaultRoles::NONE
                    .with(VaultRole::CryptoUser)
                    .with(VaultRole::KeyManager),
            )],
        );
        assert!(both.may(Some(a), Permission::UseCompromisedKey));
    }

    #[test]
    fn every_permission_is_granted_to_someone() {
        for p in ALL_PERMISSIONS {
            assert!(
                !vault_roles_for(p).roles.is_empty() || !system_roles_for(p).is_empty(),
                "{p:?}"
            );
        }
    }
}
