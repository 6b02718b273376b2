//! Principals and their credentials: creation and management (system-admin), API tokens (shown
//! once, stored as SHA-256, constant-time checked, expiring, revocable), client-certificate
//! bindings, vault role grants, and authentication, which resolves a credential into the
//! [`Identity`] every permission check uses.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::sync::Mutex;

use aws_lc_rs::constant_time::verify_slices_are_equal;
use aws_lc_rs::digest;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::{
    Caller, CertBinding, CertMatch, Identity, Permission, Principal, PrincipalId, PrincipalKind,
    PrincipalName, RequestContext, RoleBinding, SystemRole, SystemRoles, Token, TokenId, VaultRole,
    VaultRoles,
};
use crate::error::{Error, Result};
use crate::model::{VaultId, VaultName};
use crate::secret::SecretBytes;
use crate::service::{lock, KeyService};
use crate::store::StoreError;

/// Prefix of every token keyhaven issues (lets secret scanners find leaked tokens).
pub const TOKEN_PREFIX: &str = "khv_";

/// Most cached identities; the cache is emptied when full.
const AUTH_CACHE_CAPACITY: usize = 10_000;

/// A principal to create.
#[derive(Clone, Debug)]
pub struct NewPrincipal {
    /// Unique name.
    pub name: PrincipalName,
    /// User or service.
    pub kind: PrincipalKind,
    /// Instance-wide roles.
    pub system_roles: SystemRoles,
    /// Free text.
    pub description: Option<String>,
}

/// A change to a principal; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct PrincipalPatch {
    /// New system roles (replace all).
    pub system_roles: Option<SystemRoles>,
    /// New description (`Some("")` clears it).
    pub description: Option<String>,
    /// Disable (refuse its credentials) or enable.
    pub disabled: Option<bool>,
}

/// A freshly issued token: the record and the secret, shown once.
pub struct NewToken {
    /// The stored record.
    pub token: Token,
    /// The token string (`khv_...`). Never stored, never logged.
    pub secret: SecretBytes,
}

impl fmt::Debug for NewToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewToken")
            .field("token", &self.token)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A vault member: a principal and its roles there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The principal.
    pub principal: Principal,
    /// Its roles in the vault.
    pub roles: Vec<RoleBinding>,
}

/// What `whoami` shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhoAmI {
    /// The caller's identity.
    pub identity: Arc<Identity>,
    /// Vault names and roles there.
    pub vaults: Vec<(VaultName, VaultRoles)>,
}

struct CachedAuth {
    identity: Arc<Identity>,
    epoch: u64,
    expires_at: Option<OffsetDateTime>,
}

/// Resolved identities by credential digest, and token last-use times waiting to be written.
#[derive(Default)]
pub(crate) struct AuthCache {
    entries: Mutex<HashMap<[u8; 32], CachedAuth>>,
    uses: Mutex<HashMap<TokenId, OffsetDateTime>>,
    /// Set while other nodes' changes cannot be heard: nothing is served from the cache.
    disabled: std::sync::atomic::AtomicBool,
}

impl AuthCache {
    pub(crate) fn set_enabled(&self, on: bool) {
        self.disabled
            .store(!on, std::sync::atomic::Ordering::Release);
    }
    pub(crate) fn clear(&self) {
        lock(&self.entries).clear();
    }
    pub(crate) fn drain_uses(&self) -> Vec<(TokenId, OffsetDateTime)> {
        lock(&self.uses).drain().collect()
    }
    fn get(&self, digest: &[u8; 32], epoch: u64, now: OffsetDateTime) -> Option<Arc<Identity>> {
        if self.disabled.load(std::sync::atomic::Ordering::Acquire) {
            return None;
        }
        let map = lock(&self.entries);
        let e = map.get(digest)?;
        (e.epoch == epoch && e.expires_at.is_none_or(|x| now < x)).then(|| e.identity.clone())
    }
    fn put(&self, digest: [u8; 32], entry: CachedAuth) {
        let mut map = lock(&self.entries);
        if map.len() >= AUTH_CACHE_CAPACITY {
            map.clear();
        }
        map.insert(digest, entry);
    }
}

/// SHA-256 of a presented token.
pub fn token_digest(presented: &[u8]) -> [u8; 32] {
    let d = digest::digest(&digest::SHA256, presented);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

fn not_found_principal(name: &str) -> Error {
    Error::NotFound {
        kind: "principal",
        id: name.to_owned(),
    }
}

fn invalid_token() -> Error {
    Error::Unauthenticated("the bearer token is not valid".to_owned())
}

impl KeyService {
    // ----- authentication -----------------------------------------------------------------

    /// Resolves a bearer token into a caller. Unknown, revoked and expired tokens and
    /// disabled principals are refused with [`Error::Unauthenticated`].
    pub async fn authenticate_token(
        &self,
        presented: &[u8],
        context: RequestContext,
    ) -> Result<Caller> {
        let hash = token_digest(presented);
        let now = self.clock.now();
        let epoch = self.access_epoch.load(std::sync::atomic::Ordering::Acquire);
        if let Some(identity) = self.auth.get(&hash, epoch, now) {
            if let Some(t) = identity.token {
                lock(&self.auth.uses).insert(t, now);
            }
            return Ok(Caller::new(identity, context));
        }
        let token = self
            .store
            .get_token_by_hash(&hash)
            .await?
            .ok_or_else(invalid_token)?;
        // The lookup was by digest; compare again in constant time all the same.
        if verify_slices_are_equal(&token.hash, &hash).is_err() {
            return Err(invalid_token());
        }
        if !self.system.integrity.token_ok(&token) {
            return Err(self
                .integrity_failed(None, "token", token.id.to_string())
                .await);
        }
        if let Some(at) = token.revoked_at {
            return Err(Error::Unauthenticated(format!(
                "the bearer token {} was revoked at {at}",
                token.id
            )));
        }
        if let Some(at) = token.expires_at.filter(|x| *x <= now) {
            return Err(Error::Unauthenticated(format!(
                "the bearer token {} expired at {at}; ask for a new one",
                token.id
            )));
        }
        let identity = Arc::new(self.identity_of(token.principal_id, Some(token.id)).await?);
        self.auth.put(
            hash,
            CachedAuth {
                identity: identity.clone(),
                epoch,
                expires_at: token.expires_at,
            },
        );
        lock(&self.auth.uses).insert(token.id, now);
        Ok(Caller::new(identity, context))
    }

    /// Resolves a verified client certificate (its chain was checked by the TLS layer) into a
    /// caller, by fingerprint first, then by subject.
    pub async fn authenticate_certificate(
        &self,
        subject: &str,
        fingerprint: &str,
        context: RequestContext,
    ) -> Result<Caller> {
        let mut cache_key = [0u8; 32];
        cache_key.copy_from_slice(
            digest::digest(
                &digest::SHA256,
                format!("cert\0{fingerprint}\0{subject}").as_bytes(),
            )
            .as_ref(),
        );
        let now = self.clock.now();
        let epoch = self.access_epoch.load(std::sync::atomic::Ordering::Acquire);
        if let Some(identity) = self.auth.get(&cache_key, epoch, now) {
            return Ok(Caller::new(identity, context));
        }
        let binding = match self
            .store
            .find_cert_binding(CertMatch::Fingerprint, fingerprint)
            .await?
        {
            Some(b) => b,
            None => self
                .store
                .find_cert_binding(CertMatch::Subject, subject)
                .await?
                .ok_or_else(|| {
                    Error::Unauthenticated(format!(
                        "the client certificate (subject {subject:?}) is not bound to a \
                         principal; bind it with `keyhaven principal cert-add`"
                    ))
                })?,
        };
        if !self.system.integrity.cert_ok(&binding) {
            return Err(self
                .integrity_failed(None, "certificate binding", binding.id.to_string())
                .await);
        }
        let identity = Arc::new(self.identity_of(binding.principal_id, None).await?);
        self.auth.put(
            cache_key,
            CachedAuth {
                identity: identity.clone(),
                epoch,
                expires_at: None,
            },
        );
        Ok(Caller::new(identity, context))
    }

    /// Builds an identity: the principal (checked, enabled) and its role bindings (each
    /// checked; a binding that fails its check is left out and reported).
    async fn identity_of(&self, id: PrincipalId, token: Option<TokenId>) -> Result<Identity> {
        let principal = self
            .store
            .get_principal(id)
            .await?
            .ok_or_else(invalid_token)?;
        if !self.system.integrity.principal_ok(&principal) {
            return Err(self
                .integrity_failed(None, "principal", principal.name.to_string())
                .await);
        }
        if principal.disabled {
            return Err(Error::Unauthenticated(format!(
                "principal {} is disabled",
                principal.name
            )));
        }
        let mut vault_roles: HashMap<VaultId, VaultRoles> = HashMap::new();
        for b in self.store.role_bindings_of(id).await? {
            if !self.system.integrity.binding_ok(&b) {
                let _ = self
                    .integrity_failed(
                        None,
                        "role binding",
                        format!("{} {} {}", b.vault_id, principal.name, b.role),
                    )
                    .await;
                continue;
            }
            let e = vault_roles.entry(b.vault_id).or_default();
            *e = e.with(b.role);
        }
        Ok(Identity {
            principal: id,
            name: principal.name.to_string(),
            system_roles: principal.system_roles,
            vault_roles,
            token,
            internal: false,
        })
    }

    // ----- principals ---------------------------------------------------------------------

    /// Creates a principal (system-admin).
    pub async fn create_principal(&self, caller: &Caller, new: NewPrincipal) -> Result<Principal> {
        caller.with_note(|n| {
            n.action = Some("principal.create");
            n.detail = Some(format!("principal {}", new.name));
        });
        caller.require_system(Permission::ManagePrincipals)?;
        check_description(new.description.as_deref())?;
        let now = self.clock.now();
        let mut p = Principal {
            id: PrincipalId(self.new_uuid(now)?),
            name: new.name,
            kind: new.kind,
            system_roles: new.system_roles,
            description: new.description.filter(|d| !d.is_empty()),
            disabled: false,
            created_at: now,
            updated_at: now,
            mac: Vec::new(),
        };
        p.mac = self.system.integrity.principal_mac(&p);
        match self.store.create_principal(&p).await {
            Ok(()) => Ok(p),
            Err(StoreError::AlreadyExists) => Err(Error::AlreadyExists {
                kind: "principal",
                name: p.name.to_string(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// A principal by name, checked against its MAC; no permission check.
    async fn principal_by_name(&self, caller: &Caller, name: &PrincipalName) -> Result<Principal> {
        let p = self
            .store
            .get_principal_by_name(name.as_str())
            .await?
            .ok_or_else(|| not_found_principal(name.as_str()))?;
        if !self.system.integrity.principal_ok(&p) {
            return Err(self
                .integrity_failed(Some(caller), "principal", p.name.to_string())
                .await);
        }
        Ok(p)
    }

    /// A principal the caller may manage: system-admin, or the principal itself when `self_ok`.
    async fn principal_for(
        &self,
        caller: &Caller,
        name: &PrincipalName,
        self_ok: bool,
    ) -> Result<Principal> {
        caller.with_note(|n| n.detail = Some(format!("principal {name}")));
        let is_self = caller.name() == name.as_str() && !caller.identity.internal;
        if !(self_ok && is_self) {
            caller.require_system(Permission::ManagePrincipals)?;
        }
        self.principal_by_name(caller, name).await
    }

    /// A principal (system-admin, or the principal itself).
    pub async fn get_principal(&self, caller: &Caller, name: &PrincipalName) -> Result<Principal> {
        caller.with_note(|n| n.action = Some("principal.get"));
        self.principal_for(caller, name, true).await
    }

    /// Every principal (system-admin).
    pub async fn list_principals(&self, caller: &Caller) -> Result<Vec<Principal>> {
        caller.with_note(|n| n.action = Some("principal.list"));
        caller.require_system(Permission::ManagePrincipals)?;
        let mut out = Vec::new();
        for p in self.store.list_principals().await? {
            if self.system.integrity.principal_ok(&p) {
                out.push(p);
            } else {
                let _ = self
                    .integrity_failed(Some(caller), "principal", p.name.to_string())
                    .await;
            }
        }
        Ok(out)
    }

    /// Changes a principal's system roles, description or disabled flag (system-admin). The
    /// last enabled system-admin cannot lose that role or be disabled.
    pub async fn update_principal(
        &self,
        caller: &Caller,
        name: &PrincipalName,
        patch: PrincipalPatch,
    ) -> Result<Principal> {
        caller.with_note(|n| n.action = Some("principal.update"));
        check_description(patch.description.as_deref())?;
        let old = self.principal_for(caller, name, false).await?;
        let mut p = old.clone();
        if let Some(r) = patch.system_roles {
            p.system_roles = r;
        }
        if let Some(d) = patch.description {
            p.description = Some(d).filter(|d| !d.is_empty());
        }
        if let Some(d) = patch.disabled {
            p.disabled = d;
        }
        let was_admin = !old.disabled && old.system_roles.has(SystemRole::SystemAdmin);
        let is_admin = !p.disabled && p.system_roles.has(SystemRole::SystemAdmin);
        if was_admin && !is_admin {
            self.refuse_last_admin(caller, &old).await?;
        }
        p.updated_at = self.clock.now();
        p.mac = self.system.integrity.principal_mac(&p);
        self.store.update_principal(&p).await?;
        self.access_changed();
        Ok(p)
    }

    /// Deletes a principal with its tokens and bindings (system-admin); not the last enabled
    /// system-admin.
    pub async fn delete_principal(&self, caller: &Caller, name: &PrincipalName) -> Result<()> {
        caller.with_note(|n| n.action = Some("principal.delete"));
        let p = self.principal_for(caller, name, false).await?;
        if !p.disabled && p.system_roles.has(SystemRole::SystemAdmin) {
            self.refuse_last_admin(caller, &p).await?;
        }
        self.store.delete_principal(p.id).await?;
        self.access_changed();
        Ok(())
    }

    async fn refuse_last_admin(&self, caller: &Caller, p: &Principal) -> Result<()> {
        let others = self
            .list_principals(caller)
            .await?
            .into_iter()
            .filter(|o| o.id != p.id && !o.disabled && o.system_roles.has(SystemRole::SystemAdmin))
            .count();
        if others == 0 {
            return Err(Error::InvalidRequest(format!(
                "{} is the last enabled system-admin; make another principal system-admin first",
                p.name
            )));
        }
        Ok(())
    }

    // ----- tokens -------------------------------------------------------------------------

    /// Issues a token for a principal (system-admin, or the principal for itself). The secret
    /// is returned once and never stored.
    pub async fn create_token(
        &self,
        caller: &Caller,
        principal: &PrincipalName,
        name: Option<String>,
        expires_at: Option<OffsetDateTime>,
    ) -> Result<NewToken> {
        caller.with_note(|n| n.action = Some("token.create"));
        let p = self.principal_for(caller, principal, true).await?;
        if let Some(n) = &name {
            if n.chars().count() > 128 || n.chars().any(char::is_control) {
                return Err(Error::InvalidRequest(
                    "token name: at most 128 printable characters".to_owned(),
                ));
            }
        }
        if let Some(at) = expires_at {
            if at <= self.clock.now() {
                return Err(Error::InvalidRequest(
                    "expires_at must be in the future".to_owned(),
                ));
            }
        }
        let t = self.issue_token(&p, name, expires_at, None).await?;
        caller.with_note(|n| n.detail = Some(format!("token {} for {}", t.token.id, p.name)));
        Ok(t)
    }

    /// Creates a token record; `secret` given (dev bootstrap) or generated.
    pub(crate) async fn issue_token(
        &self,
        p: &Principal,
        name: Option<String>,
        expires_at: Option<OffsetDateTime>,
        secret: Option<SecretBytes>,
    ) -> Result<NewToken> {
        let secret = match secret {
            Some(s) => s,
            None => {
                let mut raw = SecretBytes::zeroed(32);
                self.crypto.random(raw.expose_mut())?;
                let mut s = TOKEN_PREFIX.as_bytes().to_vec();
                s.extend_from_slice(crate::hex::encode(raw.expose()).as_bytes());
                SecretBytes::new(s)
            }
        };
        let now = self.clock.now();
        let mut token = Token {
            id: TokenId(self.new_uuid(now)?),
            principal_id: p.id,
            name: name.filter(|n| !n.is_empty()),
            hash: token_digest(secret.expose()),
            created_at: now,
            expires_at,
            revoked_at: None,
            last_used_at: None,
            mac: Vec::new(),
        };
        token.mac = self.system.integrity.token_mac(&token);
        self.store.create_token(&token).await?;
        Ok(NewToken { token, secret })
    }

    /// A principal's tokens, without secrets (system-admin, or the principal itself).
    pub async fn list_tokens(
        &self,
        caller: &Caller,
        principal: &PrincipalName,
    ) -> Result<Vec<Token>> {
        caller.with_note(|n| n.action = Some("token.list"));
        let p = self.principal_for(caller, principal, true).await?;
        let mut out = Vec::new();
        for t in self.store.list_tokens(p.id).await? {
            if !self.system.integrity.token_ok(&t) {
                let _ = self
                    .integrity_failed(Some(caller), "token", t.id.to_string())
                    .await;
                continue;
            }
            out.push(t);
        }
        Ok(out)
    }

    /// Revokes a token (system-admin, or its owner; anyone else is `forbidden`). Revoking twice
    /// is not an error.
    pub async fn revoke_token(&self, caller: &Caller, id: TokenId) -> Result<Token> {
        caller.with_note(|n| {
            n.action = Some("token.revoke");
            n.detail = Some(format!("token {id}"));
        });
        let not_found = || Error::NotFound {
            kind: "token",
            id: id.to_string(),
        };
        let mut t = self.store.get_token(id).await?.ok_or_else(not_found)?;
        let own = t.principal_id == caller.identity.principal && !caller.identity.internal;
        if !own {
            caller.require_system(Permission::ManagePrincipals)?;
        }
        if !self.system.integrity.token_ok(&t) {
            return Err(self
                .integrity_failed(Some(caller), "token", t.id.to_string())
                .await);
        }
        if t.revoked_at.is_none() {
            t.revoked_at = Some(self.clock.now());
            t.mac = self.system.integrity.token_mac(&t);
            self.store.update_token(&t).await?;
            self.access_changed();
        }
        Ok(t)
    }

    // ----- vault roles --------------------------------------------------------------------

    /// Grants a role in a vault (vault admin, or system-admin). Granting a held role again is
    /// not an error.
    pub async fn grant_role(
        &self,
        caller: &Caller,
        vault: &VaultName,
        principal: &PrincipalName,
        role: VaultRole,
    ) -> Result<RoleBinding> {
        caller.with_note(|n| {
            n.action = Some("role.grant");
            n.detail = Some(format!("{role} to {principal}"));
        });
        let v = self
            .vault_for(caller, vault, Permission::ManageMembers)
            .await?;
        let p = self.principal_by_name(caller, principal).await?;
        let mut b = RoleBinding {
            vault_id: v.id,
            principal_id: p.id,
            role,
            granted_at: self.clock.now(),
            granted_by: caller.name().to_owned(),
            mac: Vec::new(),
        };
        b.mac = self.system.integrity.binding_mac(&b);
        match self.store.create_role_binding(&b).await {
            Ok(()) | Err(StoreError::AlreadyExists) => {}
            Err(e) => return Err(e.into()),
        }
        self.access_changed();
        Ok(b)
    }

    /// Revokes a role in a vault (vault admin, or system-admin); false if it was not held.
    pub async fn revoke_role(
        &self,
        caller: &Caller,
        vault: &VaultName,
        principal: &PrincipalName,
        role: VaultRole,
    ) -> Result<bool> {
        caller.with_note(|n| {
            n.action = Some("role.revoke");
            n.detail = Some(format!("{role} from {principal}"));
        });
        let v = self
            .vault_for(caller, vault, Permission::ManageMembers)
            .await?;
        let p = self.principal_by_name(caller, principal).await?;
        let removed = self.store.delete_role_binding(v.id, p.id, role).await?;
        self.access_changed();
        Ok(removed)
    }

    /// A vault's members and their roles (vault admin or auditor, system-admin or
    /// system-auditor).
    pub async fn list_members(&self, caller: &Caller, vault: &VaultName) -> Result<Vec<Member>> {
        caller.with_note(|n| n.action = Some("role.list"));
        let v = self
            .vault_for(caller, vault, Permission::ReadMembers)
            .await?;
        let mut by_principal: HashMap<PrincipalId, Vec<RoleBinding>> = HashMap::new();
        for b in self.store.role_bindings_in(v.id).await? {
            if !self.system.integrity.binding_ok(&b) {
                let _ = self
                    .integrity_failed(
                        Some(caller),
                        "role binding",
                        format!("{} {}", v.name, b.role),
                    )
                    .await;
                continue;
            }
            by_principal.entry(b.principal_id).or_default().push(b);
        }
        let mut out = Vec::new();
        for (id, roles) in by_principal {
            if let Some(principal) = self.store.get_principal(id).await? {
                out.push(Member { principal, roles });
            }
        }
        out.sort_by(|a, b| a.principal.name.cmp(&b.principal.name));
        Ok(out)
    }

    // ----- client certificates ------------------------------------------------------------

    /// Binds client certificates with this subject or fingerprint to a principal
    /// (system-admin).
    pub async fn add_cert_binding(
        &self,
        caller: &Caller,
        principal: &PrincipalName,
        kind: CertMatch,
        value: &str,
    ) -> Result<CertBinding> {
        caller.with_note(|n| n.action = Some("principal.cert-add"));
        let p = self.principal_for(caller, principal, false).await?;
        let value = match kind {
            CertMatch::Fingerprint => {
                let v: String = value
                    .chars()
                    .filter(|c| !matches!(c, ':' | ' '))
                    .collect::<String>()
                    .to_ascii_lowercase();
                if v.len() != 64 || !v.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(Error::InvalidRequest(
                        "fingerprint: the SHA-256 of the certificate, 64 hex digits".to_owned(),
                    ));
                }
                v
            }
            CertMatch::Subject => {
                let v = value.trim().to_owned();
                if v.is_empty() || v.len() > 1024 || v.chars().any(char::is_control) {
                    return Err(Error::InvalidRequest(
                        "subject: the certificate's distinguished name as RFC 4514 text, \
                         e.g. CN=app,O=Example"
                            .to_owned(),
                    ));
                }
                v
            }
        };
        let now = self.clock.now();
        let mut b = CertBinding {
            id: self.new_uuid(now)?,
            principal_id: p.id,
            kind,
            value,
            created_at: now,
            mac: Vec::new(),
        };
        b.mac = self.system.integrity.cert_mac(&b);
        match self.store.create_cert_binding(&b).await {
            Ok(()) => {}
            Err(StoreError::AlreadyExists) => {
                return Err(Error::AlreadyExists {
                    kind: "certificate binding",
                    name: format!("{} {}", kind.name(), b.value),
                })
            }
            Err(e) => return Err(e.into()),
        }
        self.access_changed();
        Ok(b)
    }

    /// A principal's certificate bindings (system-admin, or the principal itself).
    pub async fn list_cert_bindings(
        &self,
        caller: &Caller,
        principal: &PrincipalName,
    ) -> Result<Vec<CertBinding>> {
        caller.with_note(|n| n.action = Some("principal.cert-list"));
        let p = self.principal_for(caller, principal, true).await?;
        Ok(self
            .store
            .cert_bindings_of(p.id)
            .await?
            .into_iter()
            .filter(|b| self.system.integrity.cert_ok(b))
            .collect())
    }

    /// Removes a certificate binding (system-admin).
    pub async fn delete_cert_binding(&self, caller: &Caller, id: Uuid) -> Result<()> {
        caller.with_note(|n| {
            n.action = Some("principal.cert-delete");
            n.detail = Some(format!("binding {id}"));
        });
        caller.require_system(Permission::ManagePrincipals)?;
        if !self.store.delete_cert_binding(id).await? {
            return Err(Error::NotFound {
                kind: "certificate binding",
                id: id.to_string(),
            });
        }
        self.access_changed();
        Ok(())
    }

    /// The name of a principal (for display after an authorised action).
    pub async fn principal_name_of(&self, id: PrincipalId) -> Option<String> {
        self.store
            .get_principal(id)
            .await
            .ok()
            .flatten()
            .map(|p| p.name.to_string())
    }

    /// Who the caller is and where it holds roles.
    pub async fn whoami(&self, caller: &Caller) -> Result<WhoAmI> {
        caller.with_note(|n| n.action = Some("whoami"));
        let mut vaults = Vec::new();
        for (id, roles) in &caller.identity.vault_roles {
            if let Some(v) = self.store.get_vault(*id).await? {
                vaults.push((v.name, *roles));
            }
        }
        vaults.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(WhoAmI {
            identity: caller.identity.clone(),
            vaults,
        })
    }
}

fn check_description(d: Option<&str>) -> Result<()> {
    if d.is_some_and(|d| d.chars().count() > 1024) {
        return Err(Error::InvalidRequest(
            "description is limited to 1024 characters".to_owned(),
        ));
    }
    Ok(())
}
