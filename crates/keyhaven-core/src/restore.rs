//! Partial restore: one vault's keys (or some of them) from a backup into an instance in
//! use. Keys keep their ids, versions, states and history, so ciphertexts and signatures made
//! before the backup keep working; their material is re-sealed under the target vault's key
//! and every record gets this instance's MACs. Nothing is overwritten: a key that exists here
//! is a conflict, and a key this instance destroyed (its history shows it) is never brought
//! back.

use crate::access::{Caller, Outcome, Permission};
use crate::audit::AuditEvent;
use crate::backup::BackupSecrets;
use crate::error::{Error, Result};
use crate::model::{Key, KeyId, VaultName};
use crate::root::SystemKeys;
use crate::service::{material_aad, KeyService};
use crate::store::{KeyFilter, Store, StoreError};

/// One key the restore did not bring back, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The key.
    pub id: KeyId,
    /// Its name in the backup.
    pub name: String,
    /// Why.
    pub reason: String,
}

/// What a partial restore did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartialRestoreReport {
    /// The vault restored into.
    pub vault: String,
    /// Whether the vault was created (it did not exist here).
    pub vault_created: bool,
    /// Keys restored: (id, name).
    pub restored: Vec<(KeyId, String)>,
    /// Keys that exist here (same id or name): not overwritten; and keys whose records fail
    /// their integrity check inside the backup.
    pub conflicts: Vec<Skipped>,
    /// Keys this instance destroyed after the backup was taken: destruction is final.
    pub not_resurrected: Vec<Skipped>,
    /// Keys named in the selection that the backup's vault does not hold.
    pub not_in_backup: Vec<KeyId>,
}

impl KeyService {
    /// Restores the keys of vault `vault` held by `source` (a scratch store loaded with a
    /// backup's tables, opened with `secrets`) into this instance; `selection` limits it to
    /// some keys. The vault is created when missing (its settings from the backup; roles,
    /// templates, keystores and distributions are not restored). System-admin.
    pub async fn restore_keys(
        &self,
        caller: &Caller,
        source: &dyn Store,
        secrets: &BackupSecrets,
        vault: &VaultName,
        selection: Option<&[KeyId]>,
    ) -> Result<PartialRestoreReport> {
        caller.with_note(|n| {
            n.action = Some("backup.restore");
            n.vault = Some(vault.to_string());
        });
        caller.require_system(Permission::ManageSeal)?;
        // A whole-instance backup carries the source's MAC key: its records are checked. A
        // scoped one does not (it must not hand out the instance's keys); its records are
        // authenticated by the backup file's encryption.
        let backup = if secrets.system_secret.is_empty() {
            None
        } else {
            Some(SystemKeys::derive(&secrets.system_secret)?)
        };
        let mac_ok = |check: &dyn Fn(&SystemKeys) -> bool| backup.as_ref().is_none_or(check);
        let src_vault = source
            .get_vault_by_name(vault.as_str())
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "vault in the backup",
                id: vault.to_string(),
            })?;
        if !mac_ok(&|b| b.integrity.vault_ok(&src_vault)) {
            return Err(Error::InvalidRequest(format!(
                "vault {vault} fails its integrity check inside the backup"
            )));
        }
        let src_kek = secrets
            .keks
            .iter()
            .find(|(id, _)| *id == src_vault.id)
            .map(|(_, k)| k.clone())
            .ok_or_else(|| {
                Error::InvalidRequest(format!("the backup holds no key for vault {vault}"))
            })?;
        let mut report = PartialRestoreReport {
            vault: vault.to_string(),
            ..PartialRestoreReport::default()
        };
        let target = match self.store.get_vault_by_name(vault.as_str()).await? {
            Some(v) => v,
            None => {
                report.vault_created = true;
                self.create_vault(
                    caller,
                    vault.clone(),
                    Some(src_vault.pending_destruction_days),
                    &[],
                )
                .await?
            }
        };
        if !self.system.integrity.vault_ok(&target) {
            return Err(self
                .integrity_failed(Some(caller), "vault", target.name.to_string())
                .await);
        }
        let kek = self.kek(&target).await?;

        let mut keys: Vec<Key> = Vec::new();
        let filter = KeyFilter {
            vault_ids: Some(vec![src_vault.id]),
            include_destroyed: true,
            ..KeyFilter::default()
        };
        let mut after = None;
        loop {
            let page = source.list_keys(&filter, after, 500).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            keys.extend(page);
        }
        if let Some(wanted) = selection {
            report.not_in_backup = wanted
                .iter()
                .filter(|id| !keys.iter().any(|k| k.id == **id))
                .copied()
                .collect();
            keys.retain(|k| wanted.contains(&k.id));
        }

        for k in keys {
            let skipped = |reason: String| Skipped {
                id: k.id,
                name: k.name.to_string(),
                reason,
            };
            if !mac_ok(&|b| b.integrity.key_ok(&k)) {
                report.conflicts.push(skipped(
                    "fails its integrity check inside the backup".to_owned(),
                ));
                continue;
            }
            if let Some(here) = self.store.get_key(k.id).await? {
                if here.state.is_destroyed() && !k.state.is_destroyed() {
                    report.not_resurrected.push(skipped(format!(
                        "{} here since the backup was taken",
                        here.state
                    )));
                } else {
                    report.conflicts.push(skipped(format!(
                        "exists here as {}/{} ({})",
                        here.vault_name, here.name, here.state
                    )));
                }
                continue;
            }
            let trail = self.store.history(k.id).await?;
            if !trail.is_empty() {
                let last = trail
                    .last()
                    .map(|h| format!("{} at {}", h.action, h.at))
                    .unwrap_or_default();
                report.not_resurrected.push(skipped(format!(
                    "destroyed and purged here since (last: {last})"
                )));
                continue;
            }
            match self
                .restore_one(
                    caller,
                    source,
                    backup.as_ref(),
                    &src_kek,
                    &src_vault,
                    &target,
                    &kek,
                    &k,
                )
                .await
            {
                Ok(()) => report.restored.push((k.id, k.name.to_string())),
                Err(Error::AlreadyExists { .. }) => report.conflicts.push(skipped(format!(
                    "the name {} is taken in vault {} here",
                    k.name, target.name
                ))),
                // A version failing its MAC inside the backup: this key is refused, the others
                // go on.
                Err(Error::InvalidRequest(reason)) => report.conflicts.push(skipped(reason)),
                Err(e) => return Err(e),
            }
        }
        let detail = format!(
            "partial restore into vault {}: {} restored, {} conflicts, {} not resurrected",
            report.vault,
            report.restored.len(),
            report.conflicts.len(),
            report.not_resurrected.len()
        );
        caller.with_note(|n| n.detail = Some(detail));
        Ok(report)
    }

    /// Writes one key from the backup: record, versions (material re-sealed), history.
    #[allow(clippy::too_many_arguments)]
    async fn restore_one(
        &self,
        caller: &Caller,
        source: &dyn Store,
        backup: Option<&SystemKeys>,
        src_kek: &crate::secret::SecretBytes,
        src_vault: &crate::model::Vault,
        target: &crate::model::Vault,
        kek: &crate::secret::SecretBytes,
        k: &Key,
    ) -> Result<()> {
        let mut versions = Vec::new();
        for mut v in source.list_versions(k.id).await? {
            if !backup.is_none_or(|b| b.integrity.version_ok(&v)) {
                return Err(Error::InvalidRequest(format!(
                    "key {} version {} fails its integrity check inside the backup",
                    k.id, v.version
                )));
            }
            if let Some(sealed) = &v.sealed_material {
                let material = self.crypto.unseal(
                    src_kek,
                    &material_aad(k.id, v.version, k.algorithm, src_vault.id),
                    sealed,
                )?;
                v.sealed_material = Some(self.crypto.seal(
                    kek,
                    &material_aad(k.id, v.version, k.algorithm, target.id),
                    material.expose(),
                )?);
            }
            v.mac = self.system.integrity.version_mac(&v);
            versions.push(v);
        }
        let history = source.history(k.id).await?;
        if versions.is_empty() {
            return Err(Error::InvalidRequest(format!(
                "key {} has no versions in the backup",
                k.id
            )));
        }
        let mut key = k.clone();
        key.vault_id = target.id;
        key.vault_name = target.name.clone();
        key.mac = self.system.integrity.key_mac(&key);
        let audit = AuditEvent {
            at: self.clock.now(),
            request_id: caller.context.request_id.clone(),
            principal: Some(caller.name().to_owned()),
            source: caller.context.source.map(|s| s.to_string()),
            action: "backup.restore.key".to_owned(),
            route: None,
            vault: Some(target.name.to_string()),
            key: Some(k.id),
            key_version: Some(k.primary_version),
            outcome: Outcome::Success,
            code: None,
            detail: Some(format!(
                "restored from a backup: {} versions, {} history entries, state {}",
                versions.len(),
                history.len(),
                k.state
            )),
        };
        self.store
            .restore_key(&key, &versions, &history, &audit)
            .await
            .map_err(|e| match e {
                StoreError::AlreadyExists => Error::AlreadyExists {
                    kind: "key",
                    name: k.name.to_string(),
                },
                other => other.into(),
            })?;
        self.forget_key(k.id);
        Ok(())
    }
}
