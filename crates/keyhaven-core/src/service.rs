//! `KeyService`: the one entry point every interface (REST, KMIP, CLI through REST, jobs) uses.
//! This file holds the service itself, opening and initialising an instance, and the internals
//! shared by the other parts: vaults ([`crate::vaults`]), keys ([`crate::keys`]), cryptographic
//! use ([`crate::operations`]), principals and credentials ([`crate::principals`]), the audit log
//! ([`crate::auditing`]) and the root key ([`crate::root`]).
//!
//! Every public method takes the [`Caller`] and checks its permission (docs/SECURITY.md) before
//! anything else; every record read is checked against its integrity MAC.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use time::{Duration, OffsetDateTime};
use uuid::{Builder, Uuid};

use crate::access::{Caller, Outcome, Permission, PrincipalName, SystemRole};
use crate::algorithm::KeyAlgorithm;
use crate::audit::AuditEvent;
use crate::cache::KeyCache;
use crate::clock::Clock;
use crate::crypto::{CryptoError, CryptoProvider};
use crate::error::{Error, Result};
use crate::lifecycle::{self, Action, Effect, KeyState, Refusal};
use crate::model::{Cause, HistoryEntry, Key, KeyId, KeyName, KeyVersion, VaultId, VaultName};
use crate::principals::{AuthCache, NewToken};
use crate::root::{RootKey, RootKeyRecord, SealRecord, SystemKeys, SYSTEM_SECRET_AAD};
use crate::secret::SecretBytes;
use crate::store::{KeyChange, KeyFilter, Store, StoreError};
use crate::usage::UsageMask;

/// Longest pending-destruction period a vault may set (ten years).
pub const MAX_PENDING_DESTRUCTION_DAYS: u32 = 3650;
/// Default pending-destruction period.
pub const DEFAULT_PENDING_DESTRUCTION_DAYS: u32 = 7;
/// Most tags a key may carry.
pub const MAX_TAGS: usize = 64;
/// Largest page a list returns.
pub const MAX_PAGE: u32 = 1000;
/// Page size when the caller names none.
pub const DEFAULT_PAGE: u32 = 100;

/// Tuning knobs.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
    /// How many keys the hot-path cache holds.
    pub cache_capacity: usize,
    /// The server's crypto policy (vaults can only tighten it).
    pub policy: crate::policy::CryptoPolicy,
    /// The PKCS#11 modules (shared libraries) that `pkcs11` keystores may load. A vault admin
    /// registers keystores; loading a library runs its code in the server, so only the
    /// operator (server configuration) decides which. Empty: no `pkcs11` keystores.
    pub pkcs11_modules: Vec<std::path::PathBuf>,
    /// This node's name in job leases (unique per running process when several nodes share
    /// one database; the server sets one).
    pub node: String,
    /// How long a node holds a claimed background work item before other nodes may take it
    /// (longer than any single item takes; a node that dies frees its items after this).
    pub job_lease: time::Duration,
    /// Whether other nodes share the store (PostgreSQL): background work is then leased item
    /// by item. Off for a store one process owns (SQLite), where leases would only cost
    /// writes.
    pub shared_store: bool,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            cache_capacity: 10_000,
            policy: crate::policy::CryptoPolicy::builtin(),
            pkcs11_modules: Vec::new(),
            node: "local".to_owned(),
            job_lease: DEFAULT_JOB_LEASE,
            shared_store: false,
        }
    }
}

/// Default [`ServiceConfig::job_lease`].
pub const DEFAULT_JOB_LEASE: time::Duration = time::Duration::seconds(60);

/// The state a new key starts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum InitialState {
    /// Not usable until activated (default).
    #[default]
    PreActive,
    /// Usable at once.
    Active,
}

/// A key to create.
#[derive(Debug)]
pub struct NewKey {
    /// Vault.
    pub vault: VaultName,
    /// Name.
    pub name: KeyName,
    /// Algorithm.
    pub algorithm: KeyAlgorithm,
    /// Usage; the algorithm's default when `None`.
    pub usage: Option<UsageMask>,
    /// Initial state.
    pub initial_state: InitialState,
    /// Description.
    pub description: Option<String>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Activation date.
    pub activation_date: Option<OffsetDateTime>,
    /// Deactivation date.
    pub deactivation_date: Option<OffsetDateTime>,
    /// Protect-stop date.
    pub protect_stop_date: Option<OffsetDateTime>,
    /// Process-start date.
    pub process_start_date: Option<OffsetDateTime>,
    /// Material to import instead of generating (for a public key: its SPKI DER; for data
    /// objects: the bytes).
    pub import_material: Option<SecretBytes>,
    /// Interface-specific extras (KMIP); the default is a REST key.
    pub extras: KeyExtras,
}

/// What KMIP adds to a new key; [`KeyExtras::default`] is what REST creates.
#[derive(Clone, Debug, Default)]
pub struct KeyExtras {
    /// The object kind; `None` = [`crate::model::ObjectKind::default_for`] the algorithm.
    pub object_kind: Option<crate::model::ObjectKind>,
    /// Whether the material may be returned to callers.
    pub exportable: bool,
    /// Links to other objects.
    pub links: Vec<crate::model::Link>,
    /// KMIP-only attributes, encoded by the KMIP interface.
    pub kmip_attributes: Vec<u8>,
    /// Computes the KMIP-only attributes from the new material (a digest, say) instead of
    /// `kmip_attributes`, in the same write as the key.
    pub derive_attributes: Option<AttributeHook>,
    /// Template, cryptoperiod and rotation settings (a template's, or the caller's).
    pub schedule: crate::model::KeySchedule,
}

/// `f(material, public_key) -> kmip_attributes`: see [`KeyExtras::derive_attributes`]. The
/// material is the storage encoding; the function must not keep or log it.
#[derive(Clone)]
pub struct AttributeHook(pub Arc<AttributeFn>);

/// The function inside an [`AttributeHook`].
pub type AttributeFn = dyn Fn(&[u8], Option<&[u8]>) -> Vec<u8> + Send + Sync;

impl std::fmt::Debug for AttributeHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AttributeHook")
    }
}

/// A metadata change; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct KeyPatch {
    /// New name.
    pub name: Option<KeyName>,
    /// New description (`Some("")` clears it).
    pub description: Option<String>,
    /// New tags (replace all).
    pub tags: Option<BTreeMap<String, String>>,
    /// New activation date.
    pub activation_date: Option<OffsetDateTime>,
    /// New deactivation date.
    pub deactivation_date: Option<OffsetDateTime>,
    /// New protect-stop date.
    pub protect_stop_date: Option<OffsetDateTime>,
    /// New process-start date.
    pub process_start_date: Option<OffsetDateTime>,
    /// New links (replace all).
    pub links: Option<Vec<crate::model::Link>>,
    /// New KMIP-only attributes (replace all).
    pub kmip_attributes: Option<Vec<u8>>,
}

/// A page of keys.
#[derive(Debug)]
pub struct KeyPage {
    /// The keys.
    pub items: Vec<Key>,
    /// Where the next page starts, if there is one.
    pub next: Option<KeyId>,
    /// Keys of this page left out because their record failed its integrity check.
    pub integrity_errors: Vec<KeyId>,
}

/// What listing filters on, with names still to resolve.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// Vault name.
    pub vault: Option<VaultName>,
    /// The rest of the filter (its vault ids are filled from `vault` and the caller's roles).
    pub filter: KeyFilter,
    /// Start after this key.
    pub after: Option<KeyId>,
    /// Page size (1-1000, default 100).
    pub limit: Option<u32>,
}

/// How a new instance is sealed (see [`KeyService::initialize`]).
pub struct InitSeal {
    /// `dev`, `passphrase`, `shamir` or `pkcs11`.
    pub method: String,
    /// Method parameters (JSON, non-secret).
    pub params: String,
    /// The first root key wrapped under the unseal key (software methods).
    pub wrapped_root: Option<Vec<u8>>,
}

/// The first administrator of a new instance.
pub struct InitAdmin {
    /// Principal name.
    pub name: PrincipalName,
    /// Use this token string instead of generating one (`serve --dev` keeps its token file).
    pub token: Option<SecretBytes>,
}

/// Integrity failures seen since start, for `/v1/ready`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntegrityStatus {
    /// How many records failed their check.
    pub failures: u64,
    /// The most recent: (kind, id, when).
    pub last: Option<(String, String, OffsetDateTime)>,
}

/// The root keys the service holds: the current generation and older ones still wrapping
/// KEKs while a rotation is under way.
pub(crate) struct Roots {
    pub(crate) current: u32,
    pub(crate) by_generation: HashMap<u32, Arc<dyn RootKey>>,
}

/// The key lifecycle service.
pub struct KeyService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) crypto: Arc<dyn CryptoProvider>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) roots: RwLock<Roots>,
    pub(crate) system: SystemKeys,
    pub(crate) keks: Mutex<HashMap<VaultId, SecretBytes>>,
    pub(crate) cache: KeyCache,
    pub(crate) uses: Mutex<HashMap<KeyId, crate::rotation::KeyUse>>,
    pub(crate) policy: crate::policy::CryptoPolicy,
    pub(crate) pkcs11_modules: Vec<std::path::PathBuf>,
    /// This node's lease holder name and lease length.
    pub(crate) node: String,
    pub(crate) job_lease: time::Duration,
    pub(crate) shared_store: bool,
    /// Keys changed by this node since the reconciliation job last looked (their keystores
    /// may need the change), and when it last went through every distributed key.
    pub(crate) distribution_changed: Mutex<std::collections::HashSet<KeyId>>,
    pub(crate) distribution_scanned: Mutex<Option<OffsetDateTime>>,
    pub(crate) vault_policies: Mutex<HashMap<VaultId, Arc<crate::policy::CryptoPolicy>>>,
    pub(crate) auth: AuthCache,
    pub(crate) integrity: Mutex<IntegrityStatus>,
    pub(crate) audit_tree: Mutex<crate::auditing::TreeState>,
    pub(crate) access_epoch: AtomicU64,
    /// Set while a checkpoint is being made, so two jobs never interleave.
    pub(crate) checkpointing: AtomicBool,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => {
                Error::Conflict("the record changed while this request ran; retry".to_owned())
            }
            other => Error::Storage(other.to_string()),
        }
    }
}

pub(crate) const KEK_LEN: usize = 32;

impl KeyService {
    /// Opens an initialised instance. `roots` holds the current root key generation (and any
    /// older generation still wrapping a vault KEK). Fails with [`Error::UnsealFailed`] when
    /// the current root key does not unwrap the system secret.
    pub async fn open(
        store: Arc<dyn Store>,
        crypto: Arc<dyn CryptoProvider>,
        clock: Arc<dyn Clock>,
        roots: Vec<Arc<dyn RootKey>>,
        config: ServiceConfig,
    ) -> Result<KeyService> {
        let seal = store.get_seal().await?.ok_or_else(|| {
            Error::InvalidRequest(
                "this data directory is not initialised; run `keyhaven init` first".to_owned(),
            )
        })?;
        let by_generation: HashMap<u32, Arc<dyn RootKey>> =
            roots.into_iter().map(|r| (r.generation(), r)).collect();
        let current = by_generation.get(&seal.root_generation).ok_or_else(|| {
            Error::UnsealFailed(format!(
                "root key generation {} is needed to unseal",
                seal.root_generation
            ))
        })?;
        let secret = current
            .unwrap(SYSTEM_SECRET_AAD, &seal.wrapped_system_secret)
            .map_err(|e| match e {
                CryptoError::AuthenticationFailed => Error::UnsealFailed(
                    "the root key does not open this instance (wrong passphrase, shares, key \
                     file or HSM key)"
                        .to_owned(),
                ),
                other => Error::UnsealFailed(format!("the root key failed: {other}")),
            })?;
        let system = SystemKeys::derive(&secret)?;
        Ok(KeyService::assemble(
            store,
            crypto,
            clock,
            Roots {
                current: seal.root_generation,
                by_generation,
            },
            system,
            config,
        ))
    }

    /// Initialises a new instance: a random system secret wrapped under `root`, the seal
    /// record, and the first principal (a system-admin) with a token. Fails with
    /// `already_exists` if the store is initialised already.
    pub async fn initialize(
        store: Arc<dyn Store>,
        crypto: Arc<dyn CryptoProvider>,
        clock: Arc<dyn Clock>,
        root: Arc<dyn RootKey>,
        seal: InitSeal,
        admin: InitAdmin,
        config: ServiceConfig,
    ) -> Result<(KeyService, NewToken)> {
        let now = clock.now();
        let mut secret = SecretBytes::zeroed(crate::root::SYSTEM_SECRET_LEN);
        crypto.random(secret.expose_mut())?;
        let system = SystemKeys::derive(&secret)?;
        let generation = root.generation();
        let record = SealRecord {
            method: seal.method,
            params: seal.params,
            root_generation: generation,
            wrapped_system_secret: root.wrap(SYSTEM_SECRET_AAD, secret.expose())?,
            created_at: now,
            updated_at: now,
        };
        let root_record = RootKeyRecord {
            generation,
            wrapped: seal.wrapped_root,
            created_at: now,
        };
        match store.init_seal(&record, &root_record).await {
            Ok(()) => {}
            Err(StoreError::AlreadyExists) => {
                return Err(Error::AlreadyExists {
                    kind: "instance",
                    name: "this data directory is initialised already".to_owned(),
                })
            }
            Err(e) => return Err(e.into()),
        }
        let service = KeyService::assemble(
            store,
            crypto,
            clock,
            Roots {
                current: generation,
                by_generation: HashMap::from([(generation, root)]),
            },
            system,
            config,
        );
        let init = Caller::internal("init");
        let principal = service
            .create_principal(
                &init,
                crate::principals::NewPrincipal {
                    name: admin.name,
                    kind: crate::access::PrincipalKind::User,
                    system_roles: [SystemRole::SystemAdmin, SystemRole::SystemAuditor]
                        .into_iter()
                        .collect(),
                    description: Some("first administrator, created at initialisation".into()),
                },
            )
            .await?;
        let token = service
            .issue_token(&principal, Some("initial".to_owned()), None, admin.token)
            .await?;
        service
            .record(AuditEvent {
                at: now,
                request_id: None,
                principal: Some("init".to_owned()),
                source: None,
                action: "instance.init".to_owned(),
                route: None,
                vault: None,
                key: None,
                key_version: None,
                outcome: Outcome::Success,
                code: None,
                detail: Some(format!(
                    "root key generation {generation}; first administrator {}",
                    principal.name
                )),
            })
            .await?;
        Ok((service, token))
    }

    fn assemble(
        store: Arc<dyn Store>,
        crypto: Arc<dyn CryptoProvider>,
        clock: Arc<dyn Clock>,
        roots: Roots,
        system: SystemKeys,
        config: ServiceConfig,
    ) -> KeyService {
        KeyService {
            store,
            crypto,
            clock,
            roots: RwLock::new(roots),
            system,
            keks: Mutex::new(HashMap::new()),
            cache: KeyCache::new(config.cache_capacity),
            uses: Mutex::new(HashMap::new()),
            policy: config.policy.clone(),
            pkcs11_modules: config.pkcs11_modules.clone(),
            node: config.node.clone(),
            job_lease: config.job_lease,
            shared_store: config.shared_store,
            distribution_changed: Mutex::new(std::collections::HashSet::new()),
            distribution_scanned: Mutex::new(None),
            vault_policies: Mutex::new(HashMap::new()),
            auth: AuthCache::default(),
            integrity: Mutex::new(IntegrityStatus::default()),
            audit_tree: Mutex::new(crate::auditing::TreeState::default()),
            access_epoch: AtomicU64::new(0),
            checkpointing: AtomicBool::new(false),
        }
    }

    /// The clock the service runs on.
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// Whether the store answers.
    pub async fn ready(&self) -> Result<()> {
        Ok(self.store.ping().await?)
    }

    /// Integrity failures seen since start.
    pub fn integrity_status(&self) -> IntegrityStatus {
        lock(&self.integrity).clone()
    }

    /// The current root key generation and its description.
    pub fn root_info(&self) -> (u32, String) {
        let roots = self.roots_read();
        let desc = roots
            .by_generation
            .get(&roots.current)
            .map(|r| r.describe())
            .unwrap_or_default();
        (roots.current, desc)
    }

    // ----- internals shared by the service's parts ----------------------------------------

    pub(crate) fn roots_read(&self) -> std::sync::RwLockReadGuard<'_, Roots> {
        match self.roots.read() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The root key of a generation.
    pub(crate) fn root(&self, generation: u32) -> Result<Arc<dyn RootKey>> {
        self.roots_read()
            .by_generation
            .get(&generation)
            .cloned()
            .ok_or_else(|| {
                Error::Crypto(format!(
                    "root key generation {generation} is not loaded; unseal with it"
                ))
            })
    }

    /// The current root key.
    pub(crate) fn current_root(&self) -> Result<Arc<dyn RootKey>> {
        let current = self.roots_read().current;
        self.root(current)
    }

    /// A fresh time-ordered identifier (request ids, generated names).
    pub fn fresh_uuid(&self) -> Result<Uuid> {
        self.new_uuid(self.clock.now())
    }

    pub(crate) fn new_uuid(&self, now: OffsetDateTime) -> Result<Uuid> {
        let mut rand = [0u8; 10];
        self.crypto.random(&mut rand)?;
        let millis = u64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
        Ok(Builder::from_unix_timestamp_millis(millis, &rand).into_uuid())
    }

    /// Notes an integrity failure: counter, log line, audit record; returns the error to give
    /// the caller.
    pub(crate) async fn integrity_failed(
        &self,
        caller: Option<&Caller>,
        kind: &'static str,
        id: String,
    ) -> Error {
        let now = self.clock.now();
        {
            let mut st = lock(&self.integrity);
            st.failures = st.failures.saturating_add(1);
            st.last = Some((kind.to_owned(), id.clone(), now));
        }
        tracing::error!(kind, id = %id, "record failed its integrity check: changed outside keyhaven");
        // Key records name the key, so `audit list --key` finds the failure.
        let key = matches!(kind, "key" | "key version")
            .then(|| id.split(' ').next().and_then(|k| k.parse::<KeyId>().ok()))
            .flatten();
        let event = AuditEvent {
            at: now,
            request_id: caller.and_then(|c| c.context.request_id.clone()),
            principal: caller.map(|c| c.name().to_owned()),
            source: caller.and_then(|c| c.context.source.map(|s| s.to_string())),
            action: "integrity".to_owned(),
            route: None,
            vault: None,
            key,
            key_version: None,
            outcome: Outcome::Failure,
            code: Some("integrity_error".to_owned()),
            detail: Some(format!("{kind} {id} failed its integrity check")),
        };
        if let Err(e) = self.store.append_audit(&[event]).await {
            tracing::error!(error = %e, "could not record the integrity failure in the audit log");
        }
        Error::Integrity { kind, id }
    }

    /// Reads a key, checks its MAC and applies due time-driven transitions. No permission
    /// check: callers check against the key's vault.
    pub(crate) async fn load(&self, caller: Option<&Caller>, id: KeyId) -> Result<Key> {
        let key = self
            .store
            .get_key(id)
            .await?
            .ok_or_else(|| not_found_key(id))?;
        if !self.system.integrity.key_ok(&key) {
            return Err(self.integrity_failed(caller, "key", id.to_string()).await);
        }
        self.settle(key).await
    }

    /// Loads a key for `caller`, who needs `p` in the key's vault: not found when the caller
    /// cannot see the vault, forbidden when it lacks the role.
    pub(crate) async fn load_for(
        &self,
        caller: &Caller,
        id: KeyId,
        p: Permission,
        action: &'static str,
    ) -> Result<Key> {
        caller.with_note(|n| {
            n.action = Some(action);
            n.key = Some(id);
        });
        let key = self.load(Some(caller), id).await?;
        caller.with_note(|n| n.vault = Some(key.vault_name.to_string()));
        caller.require(key.vault_id, p, || not_found_key(id))?;
        Ok(key)
    }

    /// Applies every due time-driven transition, retrying on concurrent changes.
    pub(crate) async fn settle(&self, mut key: Key) -> Result<Key> {
        for _ in 0..8 {
            let now = self.clock.now();
            let Some((new, entry, erase)) = due_transition(&key, now) else {
                return Ok(key);
            };
            // Destruction completes only when every keystore holding the key has finished
            // deleting it (the reconciliation job tells them).
            if erase && self.store.keystore_destruction_pending(key.id, now).await? {
                return Ok(key);
            }
            match self
                .commit(&Caller::system(), &key, new, &[entry], None, erase)
                .await
            {
                Ok(k) => key = k,
                Err(Error::Conflict(_)) => {
                    key = self
                        .store
                        .get_key(key.id)
                        .await?
                        .ok_or_else(|| not_found_key(key.id))?;
                    if !self.system.integrity.key_ok(&key) {
                        return Err(self.integrity_failed(None, "key", key.id.to_string()).await);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::Conflict(format!(
            "key {} keeps changing; retry",
            key.id
        )))
    }

    /// Writes a change (with fresh MACs, and an audit record per history entry) and drops the
    /// cached entry.
    pub(crate) async fn commit(
        &self,
        caller: &Caller,
        old: &Key,
        mut new: Key,
        history: &[HistoryEntry],
        new_version: Option<&KeyVersion>,
        erase_material: bool,
    ) -> Result<Key> {
        new.revision = old.revision;
        new.mac = self.system.integrity.key_mac(&new);
        let version_macs: Vec<(u32, Vec<u8>)> = if erase_material {
            self.store
                .list_versions(new.id)
                .await?
                .into_iter()
                .map(|mut v| {
                    v.sealed_material = None;
                    v.public_key = None;
                    (v.version, self.system.integrity.version_mac(&v))
                })
                .collect()
        } else {
            Vec::new()
        };
        let audit: Vec<AuditEvent> = history
            .iter()
            .map(|h| self.transition_event(caller, &new, h))
            .collect();
        let result = self
            .store
            .update_key(KeyChange {
                key: &new,
                history,
                new_version,
                erase_material,
                version_macs: &version_macs,
                audit: &audit,
            })
            .await;
        self.cache.invalidate(new.id);
        if result.is_ok() {
            crate::service::lock(&self.distribution_changed).insert(new.id);
        }
        new.revision = match result {
            Ok(revision) => revision,
            Err(StoreError::AlreadyExists) => {
                return Err(Error::AlreadyExists {
                    kind: "key",
                    name: format!("{}/{}", new.vault_name, new.name),
                })
            }
            Err(e) => return Err(e.into()),
        };
        Ok(new)
    }

    /// The audit record of a transition.
    pub(crate) fn transition_event(
        &self,
        caller: &Caller,
        key: &Key,
        h: &HistoryEntry,
    ) -> AuditEvent {
        let from = h.from_state.map_or("(none)", KeyState::name);
        let mut detail = format!(
            "{} {from} -> {} (cause: {})",
            h.action,
            h.to_state,
            h.cause.name()
        );
        if let Some(r) = &h.reason {
            detail.push_str(": ");
            detail.push_str(r);
        }
        AuditEvent {
            at: h.at,
            request_id: caller.context.request_id.clone(),
            principal: Some(h.actor.clone()),
            source: caller.context.source.map(|s| s.to_string()),
            action: "transition".to_owned(),
            route: None,
            vault: Some(key.vault_name.to_string()),
            key: Some(key.id),
            key_version: None,
            outcome: Outcome::Success,
            code: None,
            detail: Some(detail),
        }
    }

    pub(crate) fn refuse_unless(&self, key: &Key, action: Action) -> Result<Effect> {
        lifecycle::check(action, key.state, key.pending_destruction())
            .map_err(|r| refusal(key, action, r))
    }

    pub(crate) fn history(
        &self,
        old: &Key,
        new: &Key,
        action: &str,
        caller: &Caller,
        cause: Cause,
        reason: Option<String>,
    ) -> HistoryEntry {
        HistoryEntry {
            key_id: old.id,
            at: new.updated_at,
            action: action.to_owned(),
            from_state: Some(old.state),
            to_state: new.state,
            actor: caller.name().to_owned(),
            cause,
            reason: reason.map(|r| r.chars().take(1024).collect()),
        }
    }

    /// Bumps the access-control epoch: cached identities are rebuilt on next use.
    pub(crate) fn access_changed(&self) {
        self.access_epoch.fetch_add(1, Ordering::AcqRel);
        self.auth.clear();
    }

    // ----- several nodes, one database ------------------------------------------------------

    /// Another node changed key `id`: drop the cached copy (the next use reads the store)
    /// and look at its keystores on the next reconciliation pass.
    pub fn forget_key(&self, id: KeyId) {
        self.cache.invalidate(id);
        lock(&self.distribution_changed).insert(id);
    }

    /// Another node changed principals, tokens, bindings or a vault policy: drop cached
    /// identities and vault policies.
    pub fn forget_settings(&self) {
        self.access_changed();
        lock(&self.vault_policies).clear();
    }

    /// Turns the caches of keys, identities and vault policies on or off. Off while this
    /// node cannot hear other nodes' changes (its change feed is down): every request then
    /// reads the store. Turning them back on starts from empty caches.
    pub fn set_caching(&self, on: bool) {
        self.cache.set_enabled(false);
        self.auth.set_enabled(false);
        self.cache.clear();
        self.forget_settings();
        if on {
            self.cache.set_enabled(true);
            self.auth.set_enabled(true);
        }
    }

    /// Takes this node's lease on a unit of background work (`item`, e.g. `due:KEY`), so
    /// that nodes sharing one database each do it once; false when another node holds it.
    pub async fn claim_work(&self, item: &str) -> Result<bool> {
        if !self.shared_store {
            return Ok(true);
        }
        let now = self.clock.now();
        Ok(self
            .store
            .claim(item, &self.node, now, now + self.job_lease)
            .await?)
    }

    /// [`KeyService::claim_work`] with a lease of `lease` (periodic work that one node does
    /// per period, such as scheduled backups: the lease is not released).
    pub async fn claim_work_for(&self, item: &str, lease: std::time::Duration) -> Result<bool> {
        if !self.shared_store {
            return Ok(true);
        }
        let now = self.clock.now();
        let lease = time::Duration::try_from(lease)
            .map_err(|_| Error::InvalidRequest("lease too long".to_owned()))?;
        Ok(self.store.claim(item, &self.node, now, now + lease).await?)
    }

    /// Gives up the lease taken by [`KeyService::claim_work`] (a failure is logged: the lease
    /// then simply runs out).
    pub async fn release_work(&self, item: &str) {
        if !self.shared_store {
            return;
        }
        if let Err(e) = self.store.release(item, &self.node).await {
            tracing::warn!(item, error = %e, "releasing a work lease failed");
        }
    }
}

pub(crate) fn not_found_key(id: KeyId) -> Error {
    Error::NotFound {
        kind: "key",
        id: id.to_string(),
    }
}

/// The next due time-driven transition of `key` at `now`: (new record, history, erase material).
pub(crate) fn due_transition(key: &Key, now: OffsetDateTime) -> Option<(Key, HistoryEntry, bool)> {
    let mut new = key.clone();
    new.updated_at = now;
    let (action, reason, erase) = if let Some(at) = key.destroy_at {
        if at > now {
            return None;
        }
        new.state = if key.state == KeyState::Compromised {
            KeyState::DestroyedCompromised
        } else {
            KeyState::Destroyed
        };
        new.destroy_at = None;
        new.destroyed_at = Some(now);
        (
            "destroy",
            format!("pending destruction ended at {at}"),
            true,
        )
    } else {
        match key.state {
            KeyState::PreActive => {
                let at = key.activation_date.filter(|a| *a <= now)?;
                new.state = KeyState::Active;
                crate::rotation::on_activation(&mut new, at);
                ("activate", format!("activation date {at} reached"), false)
            }
            KeyState::Active => {
                let at = key.deactivation_date.filter(|d| *d <= now)?;
                new.state = KeyState::Deactivated;
                (
                    "deactivate",
                    format!("deactivation date {at} reached"),
                    false,
                )
            }
            _ => return None,
        }
    };
    let entry = HistoryEntry {
        key_id: key.id,
        at: now,
        action: action.to_owned(),
        from_state: Some(key.state),
        to_state: new.state,
        actor: Caller::system().name().to_owned(),
        cause: Cause::Schedule,
        reason: Some(reason),
    };
    Some((new, entry, erase))
}

pub(crate) fn refusal(key: &Key, action: Action, r: Refusal) -> Error {
    refusal_named(key, action, action.name(), r)
}

/// Like [`refusal`], naming the action as the caller asked for it (`encrypt` rather than
/// "apply protection").
pub(crate) fn refusal_named(key: &Key, action: Action, name: &'static str, r: Refusal) -> Error {
    match r {
        Refusal::WrongState { state, allowed } => Error::WrongLifecycleState {
            key: key.id,
            state,
            action: name,
            allowed,
            hint: hint(action, state),
        },
        Refusal::PendingDestruction => Error::KeyPendingDestruction {
            key: key.id,
            destroy_at: key.destroy_at.unwrap_or(OffsetDateTime::UNIX_EPOCH),
        },
    }
}

fn hint(action: Action, state: KeyState) -> &'static str {
    match (action, state) {
        (Action::Destroy, KeyState::Active) => " (deactivate it first)",
        (Action::Apply, KeyState::Deactivated) => {
            " (reactivate it, or use a new key; it can still decrypt and verify)"
        }
        (Action::Apply | Action::Process { .. } | Action::Rotate, KeyState::PreActive) => {
            " (activate it first)"
        }
        (Action::Process { .. }, KeyState::Compromised) => {
            " (set allow_compromised to process with a compromised key; the use is recorded)"
        }
        (Action::Purge, _) => " (destroy it first; only destroyed keys are removed)",
        _ => "",
    }
}

pub(crate) fn wrong_state(key: &Key, action: &'static str, allowed: Vec<KeyState>) -> Error {
    Error::WrongLifecycleState {
        key: key.id,
        state: key.state,
        action,
        allowed,
        hint: "",
    }
}

pub(crate) fn check_days(days: u32) -> Result<()> {
    if days > MAX_PENDING_DESTRUCTION_DAYS {
        return Err(Error::InvalidRequest(format!(
            "pending_destruction_days must be between 0 and {MAX_PENDING_DESTRUCTION_DAYS}"
        )));
    }
    Ok(())
}

pub(crate) fn check_metadata(
    description: Option<&str>,
    tags: Option<&BTreeMap<String, String>>,
) -> Result<()> {
    if description.is_some_and(|d| d.chars().count() > 1024) {
        return Err(Error::InvalidRequest(
            "description is limited to 1024 characters".to_owned(),
        ));
    }
    if let Some(tags) = tags {
        if tags.len() > MAX_TAGS {
            return Err(Error::InvalidRequest(format!(
                "at most {MAX_TAGS} tags per key"
            )));
        }
        for (k, v) in tags {
            let key_ok = !k.is_empty()
                && k.len() <= 128
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':'));
            if !key_ok {
                return Err(Error::InvalidRequest(format!(
                    "invalid tag name {:?}: 1-128 characters, letters, digits, '-', '_', '.', '/', ':'",
                    k.chars().take(64).collect::<String>()
                )));
            }
            if v.chars().count() > 256 || v.chars().any(char::is_control) {
                return Err(Error::InvalidRequest(format!(
                    "tag {k:?}: values are at most 256 printable characters"
                )));
            }
        }
    }
    Ok(())
}

pub(crate) fn kek_aad(vault: VaultId) -> Vec<u8> {
    let mut v = b"keyhaven-kek-v1".to_vec();
    v.extend_from_slice(vault.0.as_bytes());
    v
}

/// Associated data binding sealed material to its key, version, algorithm and vault.
pub(crate) fn material_aad(key: KeyId, version: u32, alg: KeyAlgorithm, vault: VaultId) -> Vec<u8> {
    let mut v = b"keyhaven-material-v1".to_vec();
    v.extend_from_slice(key.0.as_bytes());
    v.extend_from_slice(&version.to_be_bytes());
    let name = alg.name().as_bytes();
    v.push(u8::try_from(name.len()).unwrap_or(u8::MAX));
    v.extend_from_slice(name);
    v.extend_from_slice(vault.0.as_bytes());
    v
}

/// `days` as a duration.
pub(crate) fn days(n: u32) -> Duration {
    Duration::days(i64::from(n))
}
