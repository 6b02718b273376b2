//! `KeyService`: the one entry point every interface (REST, KMIP, CLI through REST, jobs) uses.
//! Vault management and the key lifecycle live here; cryptographic use is in
//! [`crate::operations`].

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use time::{Duration, OffsetDateTime};
use uuid::{Builder, Uuid};

use crate::algorithm::KeyAlgorithm;
use crate::cache::KeyCache;
use crate::clock::Clock;
use crate::crypto::CryptoProvider;
use crate::error::{Error, Result};
use crate::lifecycle::{self, Action, Effect, KeyState, Refusal};
use crate::model::{
    Cause, HistoryEntry, Key, KeyId, KeyName, KeyVersion, Origin, Vault, VaultId, VaultName,
};
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
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            cache_capacity: 10_000,
        }
    }
}

/// Who asks (recorded in history).
#[derive(Clone, Debug)]
pub struct Actor(pub String);

impl Actor {
    /// The background scheduler.
    pub fn system() -> Actor {
        Actor("system".to_owned())
    }
}

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
    /// Material to import instead of generating.
    pub import_material: Option<SecretBytes>,
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
}

/// A page of keys.
#[derive(Debug)]
pub struct KeyPage {
    /// The keys.
    pub items: Vec<Key>,
    /// Where the next page starts, if there is one.
    pub next: Option<KeyId>,
}

/// What listing filters on, with names still to resolve.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// Vault name.
    pub vault: Option<VaultName>,
    /// The rest of the filter (its `vault_id` is filled from `vault`).
    pub filter: KeyFilter,
    /// Start after this key.
    pub after: Option<KeyId>,
    /// Page size (1-1000, default 100).
    pub limit: Option<u32>,
}

/// The key lifecycle service.
pub struct KeyService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) crypto: Arc<dyn CryptoProvider>,
    pub(crate) clock: Arc<dyn Clock>,
    root_key: SecretBytes,
    keks: Mutex<HashMap<VaultId, SecretBytes>>,
    pub(crate) cache: KeyCache,
    pub(crate) last_used: Mutex<HashMap<KeyId, OffsetDateTime>>,
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
                Error::Conflict("the key changed while this request ran; retry".to_owned())
            }
            other => Error::Storage(other.to_string()),
        }
    }
}

const KEK_LEN: usize = 32;

impl KeyService {
    /// A service over the given store, provider and clock, with the root key that seals vault
    /// KEKs.
    pub fn new(
        store: Arc<dyn Store>,
        crypto: Arc<dyn CryptoProvider>,
        clock: Arc<dyn Clock>,
        root_key: SecretBytes,
        config: ServiceConfig,
    ) -> Result<KeyService> {
        if root_key.len() != KEK_LEN {
            return Err(Error::InvalidRequest(format!(
                "the root key must be {KEK_LEN} bytes"
            )));
        }
        Ok(KeyService {
            store,
            crypto,
            clock,
            root_key,
            keks: Mutex::new(HashMap::new()),
            cache: KeyCache::new(config.cache_capacity),
            last_used: Mutex::new(HashMap::new()),
        })
    }

    /// The clock the service runs on.
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// Whether the store answers.
    pub async fn ready(&self) -> Result<()> {
        Ok(self.store.ping().await?)
    }

    // ----- vaults -------------------------------------------------------------------------

    /// Creates a vault with its own KEK.
    pub async fn create_vault(
        &self,
        name: VaultName,
        pending_destruction_days: Option<u32>,
    ) -> Result<Vault> {
        let days = pending_destruction_days.unwrap_or(DEFAULT_PENDING_DESTRUCTION_DAYS);
        check_days(days)?;
        let now = self.clock.now();
        let id = VaultId(self.new_uuid(now)?);
        let mut kek = SecretBytes::zeroed(KEK_LEN);
        self.crypto.random(kek.expose_mut())?;
        let sealed_kek = self
            .crypto
            .seal(&self.root_key, &kek_aad(id), kek.expose())?;
        let vault = Vault {
            id,
            name,
            pending_destruction_days: days,
            sealed_kek,
            created_at: now,
            updated_at: now,
        };
        match self.store.create_vault(&vault).await {
            Ok(()) => Ok(vault),
            Err(StoreError::AlreadyExists) => Err(Error::AlreadyExists {
                kind: "vault",
                name: vault.name.to_string(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// A vault by name.
    pub async fn get_vault(&self, name: &VaultName) -> Result<Vault> {
        self.store
            .get_vault_by_name(name.as_str())
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "vault",
                id: name.to_string(),
            })
    }

    /// All vaults.
    pub async fn list_vaults(&self) -> Result<Vec<Vault>> {
        Ok(self.store.list_vaults().await?)
    }

    /// Changes a vault's pending-destruction period (applies to destructions scheduled later).
    pub async fn update_vault(
        &self,
        name: &VaultName,
        pending_destruction_days: Option<u32>,
    ) -> Result<Vault> {
        let mut vault = self.get_vault(name).await?;
        if let Some(days) = pending_destruction_days {
            check_days(days)?;
            vault.pending_destruction_days = days;
        }
        vault.updated_at = self.clock.now();
        self.store.update_vault(&vault).await?;
        Ok(vault)
    }

    /// Deletes an empty vault.
    pub async fn delete_vault(&self, name: &VaultName) -> Result<()> {
        let vault = self.get_vault(name).await?;
        match self.store.delete_vault(vault.id).await {
            Ok(()) => {
                lock(&self.keks).remove(&vault.id);
                Ok(())
            }
            Err(StoreError::NotEmpty) => Err(Error::VaultNotEmpty(name.to_string())),
            Err(e) => Err(e.into()),
        }
    }

    // ----- keys ---------------------------------------------------------------------------

    /// Creates (generates or imports) a key.
    pub async fn create_key(&self, actor: &Actor, new: NewKey) -> Result<Key> {
        let vault = self.get_vault(&new.vault).await?;
        let alg = new.algorithm;
        let usage = new.usage.unwrap_or(alg.default_usage());
        alg.check_usage(usage).map_err(Error::InvalidRequest)?;
        check_metadata(new.description.as_deref(), Some(&new.tags))?;
        if let (Some(a), Some(d)) = (new.activation_date, new.deactivation_date) {
            if d <= a {
                return Err(Error::InvalidRequest(
                    "deactivation_date must be after activation_date".to_owned(),
                ));
            }
        }
        let now = self.clock.now();
        let activation_date = match (new.initial_state, new.activation_date) {
            (InitialState::Active, Some(a)) if a > now => {
                return Err(Error::InvalidRequest(
                    "initial_state active contradicts an activation_date in the future; \
                     leave initial_state out to activate on that date"
                        .to_owned(),
                ))
            }
            (InitialState::Active, None) => Some(now),
            (_, date) => date,
        };
        let state = match activation_date {
            Some(a) if a <= now => KeyState::Active,
            _ => KeyState::PreActive,
        };
        let (generated, origin) = match &new.import_material {
            Some(material) => (
                self.crypto.import(alg, material.expose())?,
                Origin::Imported,
            ),
            None => (self.crypto.generate(alg)?, Origin::Generated),
        };
        let id = KeyId(self.new_uuid(now)?);
        let kek = self.kek(&vault).await?;
        let sealed = self.crypto.seal(
            &kek,
            &material_aad(id, 1, alg, vault.id),
            generated.material.expose(),
        )?;
        let key = Key {
            id,
            vault_id: vault.id,
            vault_name: vault.name.clone(),
            name: new.name,
            description: new.description.filter(|d| !d.is_empty()),
            tags: new.tags,
            algorithm: alg,
            usage,
            state,
            destroy_at: None,
            activation_date,
            deactivation_date: new.deactivation_date,
            protect_stop_date: new.protect_stop_date,
            process_start_date: new.process_start_date,
            compromise_date: None,
            destroyed_at: None,
            primary_version: 1,
            min_decryption_version: 1,
            origin,
            created_at: now,
            updated_at: now,
            last_used_at: None,
            revision: 1,
        };
        let version = KeyVersion {
            key_id: id,
            version: 1,
            sealed_material: Some(sealed),
            public_key: generated.public_key,
            created_at: now,
        };
        let history = HistoryEntry {
            key_id: id,
            at: now,
            action: if origin == Origin::Imported {
                "import".to_owned()
            } else {
                "create".to_owned()
            },
            from_state: None,
            to_state: state,
            actor: actor.0.clone(),
            cause: Cause::Request,
            reason: None,
        };
        match self.store.create_key(&key, &version, &history).await {
            Ok(()) => {}
            Err(StoreError::AlreadyExists) => {
                return Err(Error::AlreadyExists {
                    kind: "key",
                    name: format!("{}/{}", key.vault_name, key.name),
                })
            }
            Err(e) => return Err(e.into()),
        }
        self.settle(key).await
    }

    /// A key's metadata, with due time-driven transitions applied first.
    pub async fn get_key(&self, id: KeyId) -> Result<Key> {
        self.load(id).await
    }

    /// Lists keys.
    pub async fn list_keys(&self, query: ListQuery) -> Result<KeyPage> {
        let mut filter = query.filter;
        if let Some(vault) = &query.vault {
            filter.vault_id = Some(self.get_vault(vault).await?.id);
        }
        let limit = query.limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > MAX_PAGE {
            return Err(Error::InvalidRequest(format!(
                "limit must be between 1 and {MAX_PAGE}"
            )));
        }
        let mut items = self
            .store
            .list_keys(&filter, query.after, limit.saturating_add(1))
            .await?;
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|k| k.id)
        } else {
            None
        };
        // Evaluate time-driven transitions on access.
        let now = self.clock.now();
        let mut out = Vec::with_capacity(items.len());
        for key in items {
            let key = if key.next_due_at().is_some_and(|d| d <= now) {
                self.settle(key).await?
            } else {
                key
            };
            let shown = lifecycle::check(
                Action::List {
                    include_destroyed: filter.include_destroyed,
                },
                key.state,
                false,
            )
            .is_ok();
            if shown && filter.state.is_none_or(|s| s == key.state) {
                out.push(key);
            }
        }
        Ok(KeyPage { items: out, next })
    }

    /// Changes metadata and dates.
    pub async fn update_key(&self, actor: &Actor, id: KeyId, patch: KeyPatch) -> Result<Key> {
        check_metadata(patch.description.as_deref(), patch.tags.as_ref())?;
        let key = self.load(id).await?;
        self.refuse_unless(&key, Action::UpdateMetadata)?;
        let mut new = key.clone();
        let mut changed = Vec::new();
        if let Some(name) = patch.name {
            new.name = name;
            changed.push("name");
        }
        if let Some(d) = patch.description {
            new.description = Some(d).filter(|d| !d.is_empty());
            changed.push("description");
        }
        if let Some(t) = patch.tags {
            new.tags = t;
            changed.push("tags");
        }
        if let Some(a) = patch.activation_date {
            if key.state != KeyState::PreActive {
                return Err(wrong_state(
                    &key,
                    "set activation_date",
                    vec![KeyState::PreActive],
                ));
            }
            new.activation_date = Some(a);
            changed.push("activation_date");
        }
        if let Some(d) = patch.deactivation_date {
            if !matches!(key.state, KeyState::PreActive | KeyState::Active) {
                return Err(wrong_state(
                    &key,
                    "set deactivation_date",
                    vec![KeyState::PreActive, KeyState::Active],
                ));
            }
            new.deactivation_date = Some(d);
            changed.push("deactivation_date");
        }
        if let Some(d) = patch.protect_stop_date {
            new.protect_stop_date = Some(d);
            changed.push("protect_stop_date");
        }
        if let Some(d) = patch.process_start_date {
            new.process_start_date = Some(d);
            changed.push("process_start_date");
        }
        let dates_changed = patch.activation_date.is_some() || patch.deactivation_date.is_some();
        if let (true, Some(a), Some(d)) =
            (dates_changed, new.activation_date, new.deactivation_date)
        {
            if d <= a {
                return Err(Error::InvalidRequest(
                    "deactivation_date must be after activation_date".to_owned(),
                ));
            }
        }
        if changed.is_empty() {
            return Ok(key);
        }
        let now = self.clock.now();
        new.updated_at = now;
        let entry = self.history(
            &key,
            &new,
            "update",
            actor,
            Cause::Request,
            Some(changed.join(", ")),
        );
        let new = self.commit(&key, new, &[entry], None, false).await?;
        self.settle(new).await
    }

    /// Activates a pre-active key.
    pub async fn activate(&self, actor: &Actor, id: KeyId, reason: Option<String>) -> Result<Key> {
        self.transition(actor, id, Action::Activate, reason).await
    }
    /// Deactivates an active key.
    pub async fn deactivate(
        &self,
        actor: &Actor,
        id: KeyId,
        reason: Option<String>,
    ) -> Result<Key> {
        self.transition(actor, id, Action::Deactivate, reason).await
    }
    /// Reactivates a deactivated key.
    pub async fn reactivate(
        &self,
        actor: &Actor,
        id: KeyId,
        reason: Option<String>,
    ) -> Result<Key> {
        self.transition(actor, id, Action::Reactivate, reason).await
    }
    /// Marks a key compromised.
    pub async fn compromise(
        &self,
        actor: &Actor,
        id: KeyId,
        reason: Option<String>,
    ) -> Result<Key> {
        self.transition(actor, id, Action::Compromise, reason).await
    }
    /// Schedules destruction (immediate when the vault's period is 0).
    pub async fn destroy(&self, actor: &Actor, id: KeyId, reason: Option<String>) -> Result<Key> {
        self.transition(actor, id, Action::Destroy, reason).await
    }
    /// Cancels a pending destruction.
    pub async fn cancel_destroy(
        &self,
        actor: &Actor,
        id: KeyId,
        reason: Option<String>,
    ) -> Result<Key> {
        self.transition(actor, id, Action::CancelDestroy, reason)
            .await
    }
    /// Adds a new primary version.
    pub async fn rotate(&self, actor: &Actor, id: KeyId, reason: Option<String>) -> Result<Key> {
        self.transition(actor, id, Action::Rotate, reason).await
    }

    /// Removes a destroyed key's record from its vault; its name can be reused.
    pub async fn purge(&self, actor: &Actor, id: KeyId, reason: Option<String>) -> Result<()> {
        let key = self.load(id).await?;
        self.refuse_unless(&key, Action::Purge)?;
        let mut entry = self.history(&key, &key, "purge", actor, Cause::Request, reason);
        entry.at = self.clock.now();
        self.store.purge_key(id, key.revision, &entry).await?;
        self.cache.invalidate(id);
        lock(&self.last_used).remove(&id);
        Ok(())
    }

    /// A key's versions.
    pub async fn versions(&self, id: KeyId) -> Result<Vec<KeyVersion>> {
        let _ = self.load(id).await?;
        Ok(self.store.list_versions(id).await?)
    }

    /// A key's transition history.
    pub async fn key_history(&self, id: KeyId) -> Result<Vec<HistoryEntry>> {
        let _ = self.load(id).await?;
        Ok(self.store.history(id).await?)
    }

    /// Applies due time-driven transitions (activation and deactivation dates, completion of
    /// pending destructions) to at most `limit` keys; returns how many were processed.
    pub async fn run_due(&self, limit: u32) -> Result<usize> {
        let now = self.clock.now();
        let ids = self.store.due_keys(now, limit).await?;
        let mut done = 0;
        for id in ids {
            match self.load(id).await {
                Ok(_) | Err(Error::NotFound { .. }) => done += 1,
                Err(e) => tracing::warn!(key = %id, error = %e, "scheduled transition failed"),
            }
        }
        Ok(done)
    }

    /// Writes the recorded last-use times to the store.
    pub async fn flush_last_used(&self) -> Result<usize> {
        let batch: Vec<(KeyId, OffsetDateTime)> = lock(&self.last_used).drain().collect();
        if batch.is_empty() {
            return Ok(0);
        }
        self.store.record_last_used(&batch).await?;
        Ok(batch.len())
    }

    // ----- internals ----------------------------------------------------------------------

    pub(crate) fn new_uuid(&self, now: OffsetDateTime) -> Result<Uuid> {
        let mut rand = [0u8; 10];
        self.crypto.random(&mut rand)?;
        let millis = u64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
        Ok(Builder::from_unix_timestamp_millis(millis, &rand).into_uuid())
    }

    /// The vault's KEK, unsealed (cached).
    pub(crate) async fn kek(&self, vault: &Vault) -> Result<SecretBytes> {
        if let Some(k) = lock(&self.keks).get(&vault.id) {
            return Ok(k.clone());
        }
        let kek = self
            .crypto
            .unseal(&self.root_key, &kek_aad(vault.id), &vault.sealed_kek)
            .map_err(|_| {
                Error::Crypto(format!(
                    "the KEK of vault {} does not unseal under this root key",
                    vault.name
                ))
            })?;
        lock(&self.keks).insert(vault.id, kek.clone());
        Ok(kek)
    }

    pub(crate) async fn kek_by_id(&self, id: VaultId) -> Result<SecretBytes> {
        if let Some(k) = lock(&self.keks).get(&id) {
            return Ok(k.clone());
        }
        let vault = self
            .store
            .get_vault(id)
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "vault",
                id: id.to_string(),
            })?;
        self.kek(&vault).await
    }

    /// Reads a key and applies due time-driven transitions.
    pub(crate) async fn load(&self, id: KeyId) -> Result<Key> {
        let key = self
            .store
            .get_key(id)
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "key",
                id: id.to_string(),
            })?;
        self.settle(key).await
    }

    /// Applies every due time-driven transition, retrying on concurrent changes.
    async fn settle(&self, mut key: Key) -> Result<Key> {
        for _ in 0..8 {
            let now = self.clock.now();
            let Some((new, entry, erase)) = due_transition(&key, now) else {
                return Ok(key);
            };
            match self.commit(&key, new, &[entry], None, erase).await {
                Ok(k) => key = k,
                Err(Error::Conflict(_)) => {
                    key = self
                        .store
                        .get_key(key.id)
                        .await?
                        .ok_or_else(|| Error::NotFound {
                            kind: "key",
                            id: key.id.to_string(),
                        })?;
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::Conflict(format!(
            "key {} keeps changing; retry",
            key.id
        )))
    }

    /// Writes a change and drops the cached entry.
    async fn commit(
        &self,
        old: &Key,
        mut new: Key,
        history: &[HistoryEntry],
        new_version: Option<&KeyVersion>,
        erase_material: bool,
    ) -> Result<Key> {
        new.revision = old.revision;
        let result = self
            .store
            .update_key(KeyChange {
                key: &new,
                history,
                new_version,
                erase_material,
            })
            .await;
        self.cache.invalidate(new.id);
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

    fn refuse_unless(&self, key: &Key, action: Action) -> Result<Effect> {
        lifecycle::check(action, key.state, key.pending_destruction())
            .map_err(|r| refusal(key, action, r))
    }

    pub(crate) fn history(
        &self,
        old: &Key,
        new: &Key,
        action: &str,
        actor: &Actor,
        cause: Cause,
        reason: Option<String>,
    ) -> HistoryEntry {
        HistoryEntry {
            key_id: old.id,
            at: new.updated_at,
            action: action.to_owned(),
            from_state: Some(old.state),
            to_state: new.state,
            actor: actor.0.clone(),
            cause,
            reason: reason.map(|r| r.chars().take(1024).collect()),
        }
    }

    async fn transition(
        &self,
        actor: &Actor,
        id: KeyId,
        action: Action,
        reason: Option<String>,
    ) -> Result<Key> {
        for _ in 0..4 {
            let key = self.load(id).await?;
            let effect = self.refuse_unless(&key, action)?;
            let now = self.clock.now();
            let mut new = key.clone();
            new.updated_at = now;
            let mut erase = false;
            let mut version = None;
            let mut name = action.name();
            match effect {
                Effect::MoveTo(to) => {
                    new.state = to;
                    match action {
                        Action::Activate => new.activation_date = Some(now),
                        Action::Deactivate => new.deactivation_date = Some(now),
                        Action::Reactivate => new.deactivation_date = None,
                        Action::Compromise => new.compromise_date = Some(now),
                        _ => {}
                    }
                }
                Effect::ScheduleDestruction { completes_as } => {
                    let vault = self.store.get_vault(key.vault_id).await?.ok_or_else(|| {
                        Error::NotFound {
                            kind: "vault",
                            id: key.vault_id.to_string(),
                        }
                    })?;
                    if vault.pending_destruction_days == 0 {
                        new.state = completes_as;
                        new.destroyed_at = Some(now);
                        erase = true;
                    } else {
                        new.destroy_at =
                            Some(now + Duration::days(i64::from(vault.pending_destruction_days)));
                        name = "destroy-scheduled";
                    }
                }
                Effect::CancelDestruction => new.destroy_at = None,
                Effect::None if action == Action::Rotate => {
                    let next = key.primary_version.checked_add(1).ok_or_else(|| {
                        Error::InvalidRequest("the key has too many versions".to_owned())
                    })?;
                    version = Some(self.new_version(&key, next, now).await?);
                    new.primary_version = next;
                }
                Effect::None | Effect::Remove => {}
            }
            let entry = self.history(&key, &new, name, actor, Cause::Request, reason.clone());
            match self
                .commit(&key, new, &[entry], version.as_ref(), erase)
                .await
            {
                Ok(k) => return self.settle(k).await,
                Err(Error::Conflict(_)) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(Error::Conflict(format!("key {id} keeps changing; retry")))
    }

    async fn new_version(
        &self,
        key: &Key,
        version: u32,
        now: OffsetDateTime,
    ) -> Result<KeyVersion> {
        let generated = self.crypto.generate(key.algorithm)?;
        let kek = self.kek_by_id(key.vault_id).await?;
        let sealed = self.crypto.seal(
            &kek,
            &material_aad(key.id, version, key.algorithm, key.vault_id),
            generated.material.expose(),
        )?;
        Ok(KeyVersion {
            key_id: key.id,
            version,
            sealed_material: Some(sealed),
            public_key: generated.public_key,
            created_at: now,
        })
    }
}

/// The next due time-driven transition of `key` at `now`: (new record, history, erase material).
fn due_transition(key: &Key, now: OffsetDateTime) -> Option<(Key, HistoryEntry, bool)> {
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
        actor: Actor::system().0,
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

fn wrong_state(key: &Key, action: &'static str, allowed: Vec<KeyState>) -> Error {
    Error::WrongLifecycleState {
        key: key.id,
        state: key.state,
        action,
        allowed,
        hint: "",
    }
}

fn check_days(days: u32) -> Result<()> {
    if days > MAX_PENDING_DESTRUCTION_DAYS {
        return Err(Error::InvalidRequest(format!(
            "pending_destruction_days must be between 0 and {MAX_PENDING_DESTRUCTION_DAYS}"
        )));
    }
    Ok(())
}

fn check_metadata(
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

fn kek_aad(vault: VaultId) -> Vec<u8> {
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
