//! Keys: creation, metadata, lifecycle actions, purge, versions and history, and the
//! scheduled (time-driven) transitions.

use time::OffsetDateTime;

use crate::access::{Caller, Permission};
use crate::algorithm::{AlgorithmFamily, KeyAlgorithm};
use crate::crypto::GeneratedKey;
use crate::error::{Error, Result};
use crate::lifecycle::{self, Action, Effect, KeyState};
use crate::model::{Cause, HistoryEntry, Key, KeyId, KeyVersion, ObjectKind, Origin};
use crate::secret::SecretBytes;
use crate::service::{
    check_metadata, days, lock, material_aad, wrong_state, InitialState, KeyPage, KeyPatch,
    KeyService, ListQuery, NewKey, DEFAULT_PAGE, MAX_PAGE,
};
use crate::store::StoreError;

impl KeyService {
    /// Puts a key back as it was before a change made earlier in the same KMIP request
    /// (Batch Error Continuation Option Undo): state, dates, links and KMIP attributes return
    /// to `before`, provided the record is still at `revision` (nothing else changed it since).
    /// Destruction and compromise are never undone. Recorded in the history as `kmip-undo`.
    pub async fn undo_change(&self, caller: &Caller, before: &Key, revision: u64) -> Result<Key> {
        let key = self
            .load_for(caller, before.id, Permission::ManageKey, "key.undo")
            .await?;
        if key.revision != revision {
            return Err(Error::Conflict(format!(
                "key {} changed since; the batch cannot be undone",
                key.id
            )));
        }
        if key.state.is_destroyed()
            || (key.state == KeyState::Compromised && before.state != KeyState::Compromised)
        {
            return Err(Error::InvalidRequest(format!(
                "key {} was destroyed or compromised: that is never undone",
                key.id
            )));
        }
        let mut new = key.clone();
        new.state = before.state;
        new.activation_date = before.activation_date;
        new.deactivation_date = before.deactivation_date;
        new.protect_stop_date = before.protect_stop_date;
        new.process_start_date = before.process_start_date;
        new.links = before.links.clone();
        new.kmip_attributes = before.kmip_attributes.clone();
        new.updated_at = self.clock.now();
        let entry = self.history(
            &key,
            &new,
            "kmip-undo",
            caller,
            Cause::Request,
            Some("KMIP batch undone".to_owned()),
        );
        self.commit(caller, &key, new, &[entry], None, false).await
    }

    /// Creates (generates or imports) a key (key-manager in the vault).
    pub async fn create_key(&self, caller: &Caller, new: NewKey) -> Result<Key> {
        caller.with_note(|n| {
            n.action = Some(if new.import_material.is_some() {
                "key.import"
            } else {
                "key.create"
            })
        });
        let vault = self
            .vault_for(caller, &new.vault, Permission::CreateKey)
            .await?;
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
        let object_kind = new
            .extras
            .object_kind
            .unwrap_or(ObjectKind::default_for(alg));
        check_object_kind(alg, object_kind)?;
        let (generated, origin) = match (&new.import_material, object_kind) {
            (Some(material), ObjectKind::PublicKey) => {
                // Parsing proves the public key is one of `alg`.
                self.crypto.load_public(alg, material.expose())?;
                let spki = material.expose().to_vec();
                (
                    GeneratedKey {
                        material: SecretBytes::from_slice(&spki),
                        public_key: Some(spki),
                    },
                    Origin::Imported,
                )
            }
            (Some(material), kind) if !kind.is_key() => (
                GeneratedKey {
                    material: material.clone(),
                    public_key: None,
                },
                Origin::Imported,
            ),
            (Some(material), _) => (
                self.crypto.import(alg, material.expose())?,
                Origin::Imported,
            ),
            (None, ObjectKind::SymmetricKey | ObjectKind::PrivateKey) => {
                (self.crypto.generate(alg)?, Origin::Generated)
            }
            (None, kind) => {
                return Err(Error::InvalidRequest(format!(
                    "a {} cannot be generated; register its material",
                    kind.name()
                )))
            }
        };
        crate::template::check_schedule(&new.extras.schedule)?;
        let id = KeyId(self.new_uuid(now)?);
        caller.with_note(|n| {
            n.key = Some(id);
            n.key_version = Some(1);
        });
        let kek = self.kek(&vault).await?;
        let sealed = self.crypto.seal(
            &kek,
            &material_aad(id, 1, alg, vault.id),
            generated.material.expose(),
        )?;
        let mut key = Key {
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
            object_kind,
            exportable: new.extras.exportable,
            links: new.extras.links,
            schedule: new.extras.schedule,
            kmip_attributes: match &new.extras.derive_attributes {
                Some(hook) => {
                    (hook.0)(generated.material.expose(), generated.public_key.as_deref())
                }
                None => new.extras.kmip_attributes,
            },
            mac: Vec::new(),
        };
        key.schedule.next_rotation_at = None;
        if let Some(at) = key.activation_date {
            crate::rotation::on_activation(&mut key, at);
        }
        if let (Some(a), Some(d)) = (key.activation_date, key.deactivation_date) {
            if d <= a {
                return Err(Error::InvalidRequest(
                    "deactivation_date must be after activation_date".to_owned(),
                ));
            }
        }
        self.check_policy(
            &key,
            if origin == Origin::Imported {
                "import"
            } else {
                "create"
            },
        )
        .await?;
        key.mac = self.system.integrity.key_mac(&key);
        let mut version = KeyVersion {
            key_id: id,
            version: 1,
            sealed_material: Some(sealed),
            public_key: generated.public_key,
            created_at: now,
            mac: Vec::new(),
        };
        version.mac = self.system.integrity.version_mac(&version);
        let history = HistoryEntry {
            key_id: id,
            at: now,
            action: origin_action(origin).to_owned(),
            from_state: None,
            to_state: state,
            actor: caller.name().to_owned(),
            cause: Cause::Request,
            reason: None,
        };
        let audit = self.transition_event(caller, &key, &history);
        match self
            .store
            .create_key(&key, &version, &history, &audit)
            .await
        {
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
    pub async fn get_key(&self, caller: &Caller, id: KeyId) -> Result<Key> {
        self.load_for(caller, id, Permission::ReadKey, "key.get")
            .await
    }

    /// Lists keys the caller may read: in `query.vault` (which the caller must be able to
    /// read), or in every vault where it may read keys. Access control is applied in the
    /// query, before the page limit.
    pub async fn list_keys(&self, caller: &Caller, query: ListQuery) -> Result<KeyPage> {
        caller.with_note(|n| n.action = Some("key.list"));
        let mut filter = query.filter;
        let limit = query.limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > MAX_PAGE {
            return Err(Error::InvalidRequest(format!(
                "limit must be between 1 and {MAX_PAGE}"
            )));
        }
        if let Some(vault) = &query.vault {
            let v = self.vault_for(caller, vault, Permission::ReadKey).await?;
            filter.vault_ids = Some(vec![v.id]);
        } else if !caller.identity.internal {
            let readable: Vec<_> = caller
                .identity
                .vault_roles
                .keys()
                .copied()
                .filter(|v| caller.may(Some(*v), Permission::ReadKey))
                .collect();
            if readable.is_empty() {
                return Ok(KeyPage {
                    items: Vec::new(),
                    next: None,
                    integrity_errors: Vec::new(),
                });
            }
            filter.vault_ids = Some(readable);
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
        let mut integrity_errors = Vec::new();
        for key in items {
            if !self.system.integrity.key_ok(&key) {
                let _ = self
                    .integrity_failed(Some(caller), "key", key.id.to_string())
                    .await;
                integrity_errors.push(key.id);
                continue;
            }
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
        Ok(KeyPage {
            items: out,
            next,
            integrity_errors,
        })
    }

    /// Changes metadata and dates (key-manager).
    pub async fn update_key(&self, caller: &Caller, id: KeyId, patch: KeyPatch) -> Result<Key> {
        check_metadata(patch.description.as_deref(), patch.tags.as_ref())?;
        let key = self
            .load_for(caller, id, Permission::ManageKey, "key.update")
            .await?;
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
        if let Some(links) = patch.links {
            new.links = links;
            changed.push("links");
        }
        if let Some(attrs) = patch.kmip_attributes {
            new.kmip_attributes = attrs;
            changed.push("kmip_attributes");
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
            caller,
            Cause::Request,
            Some(changed.join(", ")),
        );
        let new = self
            .commit(caller, &key, new, &[entry], None, false)
            .await?;
        self.settle(new).await
    }

    /// Activates a pre-active key.
    pub async fn activate(
        &self,
        caller: &Caller,
        id: KeyId,
        reason: Option<String>,
    ) -> Result<Key> {
        self.transition(caller, id, Action::Activate, reason).await
    }
    /// Deactivates an active key.
    pub async fn deactivate(
        &self,
        caller: &Caller,
        id: KeyId,
        reason: Option<String>,
    ) -> Result<Key> {
        self.transition(caller, id, Action::Deactivate, reason)
            .await
    }
    /// Reactivates a deactivated key.
    pub async fn reactivate(
        &self,
        caller: &Caller,
        id: KeyId,
        reason: Option<String>,
    ) -> Result<Key> {
        self.transition(caller, id, Action::Reactivate, reason)
            .await
    }
    /// Marks a key compromised.
    pub async fn compromise(
        &self,
        caller: &Caller,
        id: KeyId,
        reason: Option<String>,
    ) -> Result<Key> {
        self.transition(caller, id, Action::Compromise, reason)
            .await
    }
    /// Schedules destruction (immediate when the vault's period is 0).
    pub async fn destroy(&self, caller: &Caller, id: KeyId, reason: Option<String>) -> Result<Key> {
        self.transition(caller, id, Action::Destroy, reason).await
    }
    /// Cancels a pending destruction.
    pub async fn cancel_destroy(
        &self,
        caller: &Caller,
        id: KeyId,
        reason: Option<String>,
    ) -> Result<Key> {
        self.transition(caller, id, Action::CancelDestroy, reason)
            .await
    }
    /// Adds a new primary version.
    pub async fn rotate(&self, caller: &Caller, id: KeyId, reason: Option<String>) -> Result<Key> {
        self.transition(caller, id, Action::Rotate, reason).await
    }

    /// Removes a destroyed key's record from its vault; its name can be reused.
    pub async fn purge(&self, caller: &Caller, id: KeyId, reason: Option<String>) -> Result<()> {
        let key = self
            .load_for(caller, id, Permission::ManageKey, "key.purge")
            .await?;
        self.refuse_unless(&key, Action::Purge)?;
        let mut entry = self.history(&key, &key, "purge", caller, Cause::Request, reason);
        entry.at = self.clock.now();
        let audit = self.transition_event(caller, &key, &entry);
        self.store
            .purge_key(id, key.revision, &entry, &audit)
            .await?;
        self.cache.invalidate(id);
        lock(&self.uses).remove(&id);
        Ok(())
    }

    /// A key's versions, each checked against its MAC.
    pub async fn versions(&self, caller: &Caller, id: KeyId) -> Result<Vec<KeyVersion>> {
        let _ = self
            .load_for(caller, id, Permission::ReadKey, "key.versions")
            .await?;
        let versions = self.store.list_versions(id).await?;
        for v in &versions {
            if !self.system.integrity.version_ok(v) {
                return Err(self
                    .integrity_failed(Some(caller), "key version", format!("{id} v{}", v.version))
                    .await);
            }
        }
        Ok(versions)
    }

    /// A key's transition history (key-manager or auditor).
    pub async fn key_history(&self, caller: &Caller, id: KeyId) -> Result<Vec<HistoryEntry>> {
        let _ = self
            .load_for(caller, id, Permission::ReadHistory, "key.history")
            .await?;
        Ok(self.store.history(id).await?)
    }

    /// One version, checked against its MAC.
    pub(crate) async fn version(
        &self,
        caller: Option<&Caller>,
        id: KeyId,
        version: u32,
    ) -> Result<Option<KeyVersion>> {
        let Some(v) = self.store.get_version(id, version).await? else {
            return Ok(None);
        };
        if !self.system.integrity.version_ok(&v) {
            return Err(self
                .integrity_failed(caller, "key version", format!("{id} v{version}"))
                .await);
        }
        Ok(Some(v))
    }

    /// Applies due time-driven transitions (activation and deactivation dates, completion of
    /// pending destructions) and automatic rotations to at most `limit` keys; returns how many
    /// were processed.
    pub async fn run_due(&self, limit: u32) -> Result<usize> {
        let now = self.clock.now();
        let ids = self.store.due_keys(now, limit).await?;
        let mut done = 0;
        for id in ids {
            // Nodes sharing a database each see the same due keys: the lease decides which
            // one applies a key's transition (the revision check would refuse a second
            // writer anyway; the lease spares it the work).
            let item = format!("due:{id}");
            match self.claim_work(&item).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    tracing::warn!(key = %id, error = %e, "claiming a scheduled transition failed");
                    continue;
                }
            }
            let result = match self.load(None, id).await {
                Ok(key) => self.rotate_if_due(&key).await.map(|_| ()),
                Err(e) => Err(e),
            };
            self.release_work(&item).await;
            match result {
                Ok(()) | Err(Error::NotFound { .. }) => done += 1,
                Err(e) => tracing::warn!(key = %id, error = %e, "scheduled transition failed"),
            }
        }
        Ok(done)
    }

    /// Writes the recorded last-use times and use counts of keys (rotating keys that reached
    /// their use limit) and the last-use times of tokens to the store.
    pub async fn flush_last_used(&self) -> Result<usize> {
        let n = self.flush_uses().await?;
        let tokens = self.auth.drain_uses();
        if !tokens.is_empty() {
            self.store.record_token_use(&tokens).await?;
        }
        Ok(n)
    }

    async fn transition(
        &self,
        caller: &Caller,
        id: KeyId,
        action: Action,
        reason: Option<String>,
    ) -> Result<Key> {
        self.transition_as(caller, id, action, reason, Cause::Request)
            .await
    }

    pub(crate) async fn transition_as(
        &self,
        caller: &Caller,
        id: KeyId,
        action: Action,
        reason: Option<String>,
        cause: Cause,
    ) -> Result<Key> {
        for _ in 0..4 {
            let key = self
                .load_for(caller, id, Permission::ManageKey, action_name(action))
                .await?;
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
                        Action::Activate => {
                            new.activation_date = Some(now);
                            crate::rotation::on_activation(&mut new, now);
                        }
                        Action::Deactivate => new.deactivation_date = Some(now),
                        // A key with a cryptoperiod gets a new one; others none.
                        Action::Reactivate => {
                            new.deactivation_date = key.schedule.cryptoperiod.map(|cp| now + cp)
                        }
                        Action::Compromise => new.compromise_date = Some(now),
                        _ => {}
                    }
                }
                Effect::ScheduleDestruction { completes_as } => {
                    let vault = self.vault_by_id(key.vault_id).await?;
                    if vault.pending_destruction_days == 0 {
                        new.state = completes_as;
                        new.destroyed_at = Some(now);
                        erase = true;
                    } else {
                        new.destroy_at = Some(now + days(vault.pending_destruction_days));
                        name = "destroy-scheduled";
                    }
                }
                Effect::CancelDestruction => new.destroy_at = None,
                Effect::None if action == Action::Rotate => {
                    let next = key.primary_version.checked_add(1).ok_or_else(|| {
                        Error::InvalidRequest("the key has too many versions".to_owned())
                    })?;
                    self.check_policy(&key, "rotate").await?;
                    version = Some(self.new_version(&key, next, now).await?);
                    new.primary_version = next;
                    crate::rotation::on_rotation(&mut new, now);
                    caller.with_note(|n| n.key_version = Some(next));
                }
                Effect::None | Effect::Remove => {}
            }
            let entry = self.history(&key, &new, name, caller, cause, reason.clone());
            match self
                .commit(caller, &key, new, &[entry], version.as_ref(), erase)
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
        let mut v = KeyVersion {
            key_id: key.id,
            version,
            sealed_material: Some(sealed),
            public_key: generated.public_key,
            created_at: now,
            mac: Vec::new(),
        };
        v.mac = self.system.integrity.version_mac(&v);
        Ok(v)
    }
}

fn origin_action(origin: Origin) -> &'static str {
    match origin {
        Origin::Imported => "import",
        Origin::Generated => "create",
    }
}

/// The audit action name of a lifecycle action.
fn action_name(action: Action) -> &'static str {
    match action {
        Action::Activate => "key.activate",
        Action::Deactivate => "key.deactivate",
        Action::Reactivate => "key.reactivate",
        Action::Compromise => "key.compromise",
        Action::Destroy => "key.destroy",
        Action::CancelDestroy => "key.cancel-destroy",
        Action::Rotate => "key.rotate",
        Action::Purge => "key.purge",
        _ => "key.action",
    }
}

impl KeyService {
    /// Gives records written before record integrity existed (schema v1, which only ran as
    /// `serve --dev`) their MACs; returns how many records were adopted. Only the development
    /// bootstrap calls this, once, when it initialises a database that already holds vaults:
    /// a MAC-less row found later is an integrity failure like any other.
    pub async fn adopt_unprotected_records(&self) -> Result<usize> {
        let mut n = 0;
        for mut v in self.store.list_vaults().await? {
            if v.mac.is_empty() {
                v.mac = self.system.integrity.vault_mac(&v);
                self.store.update_vault(&v).await?;
                n += 1;
            }
        }
        let filter = crate::store::KeyFilter {
            include_destroyed: true,
            ..Default::default()
        };
        let mut after = None;
        loop {
            let page = self.store.list_keys(&filter, after, 500).await?;
            let Some(last) = page.last().map(|k| k.id) else {
                break;
            };
            for key in page {
                let version_macs: Vec<(u32, Vec<u8>)> = self
                    .store
                    .list_versions(key.id)
                    .await?
                    .iter()
                    .filter(|v| v.mac.is_empty())
                    .map(|v| (v.version, self.system.integrity.version_mac(v)))
                    .collect();
                if !key.mac.is_empty() && version_macs.is_empty() {
                    continue;
                }
                let mut new = key.clone();
                new.mac = self.system.integrity.key_mac(&new);
                self.store
                    .update_key(crate::store::KeyChange {
                        key: &new,
                        history: &[],
                        new_version: None,
                        erase_material: false,
                        version_macs: &version_macs,
                        audit: &[],
                    })
                    .await?;
                n += 1 + version_macs.len();
            }
            after = Some(last);
        }
        Ok(n)
    }
}

/// Whether an object of `kind` can have algorithm `alg`.
fn check_object_kind(alg: KeyAlgorithm, kind: ObjectKind) -> Result<()> {
    let fits = match kind {
        ObjectKind::SymmetricKey => {
            matches!(alg.family(), AlgorithmFamily::Aes | AlgorithmFamily::Hmac)
        }
        ObjectKind::PrivateKey | ObjectKind::PublicKey => alg.is_asymmetric(),
        ObjectKind::SecretData | ObjectKind::OpaqueObject | ObjectKind::Certificate => {
            alg.family() == AlgorithmFamily::Data
        }
    };
    if fits {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "a {} cannot have algorithm {alg}",
            kind.name()
        )))
    }
}
