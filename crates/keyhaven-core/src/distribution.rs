//! Distribution of managed keys to external keystores: the keystore registry of each vault
//! (settings plus credentials sealed under the vault's KEK), the keystores each key targets,
//! and the per-(key, keystore, version) distribution records that the server's
//! reconciliation job keeps in line with the key's lifecycle state.
//!
//! Core holds the records and the rules ([`crate::keystore::desired_for`],
//! [`crate::keystore::compare`]); the server talks to the keystores.

use std::fmt;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::{Caller, Outcome, Permission};
use crate::algorithm::KeyAlgorithm;
use crate::audit::AuditEvent;
use crate::error::{Error, Result};
use crate::keystore::{KeystoreKind, Placement};
use crate::model::{Key, KeyId, VaultId, VaultName};
use crate::secret::SecretBytes;
use crate::service::KeyService;
use crate::store::StoreError;

/// A keystore's name, unique in its vault: 1-64 characters of `a-z 0-9 - _ .`, starting with
/// a letter or digit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeystoreName(String);

impl KeystoreName {
    /// Parses a name.
    pub fn parse(s: &str) -> Result<KeystoreName> {
        let ok_first = s
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        let ok_rest = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
        if ok_first && ok_rest && s.len() <= 64 {
            Ok(KeystoreName(s.to_owned()))
        } else {
            Err(Error::InvalidRequest(format!(
                "keystore name {s:?} is not valid: use 1-64 characters a-z, 0-9, '-', '_' or \
                 '.', starting with a letter or digit"
            )))
        }
    }
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeystoreName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A registered keystore. `Debug` leaves out the sealed credentials and the MAC.
#[derive(Clone)]
pub struct KeystoreRecord {
    /// Identifier.
    pub id: Uuid,
    /// The vault it belongs to (it holds only that vault's keys).
    pub vault_id: VaultId,
    /// Name, unique in the vault.
    pub name: KeystoreName,
    /// Kind.
    pub kind: KeystoreKind,
    /// How keys get into it.
    pub placement: Placement,
    /// Connection settings (JSON object; nothing secret).
    pub settings: serde_json::Value,
    /// Credentials (JSON object) sealed under the vault's KEK, bound to the id and vault.
    pub sealed_credentials: Vec<u8>,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
    /// Optimistic-concurrency revision.
    pub revision: u64,
    /// MAC over every field above.
    pub mac: Vec<u8>,
    /// Last connection check (not covered by the MAC: an observation).
    pub health: KeystoreHealth,
}

impl fmt::Debug for KeystoreRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeystoreRecord")
            .field("id", &self.id)
            .field("vault_id", &self.vault_id)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("placement", &self.placement)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// The result of the last connection check of a keystore.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeystoreHealth {
    /// `ok`, `error` or `unknown`.
    pub status: String,
    /// Why it failed.
    pub message: Option<String>,
    /// When it was checked.
    pub checked_at: Option<OffsetDateTime>,
}

/// What keyhaven last applied to, and saw in, one keystore for one key version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distribution {
    /// The key.
    pub key_id: KeyId,
    /// The keystore.
    pub keystore_id: Uuid,
    /// The key version.
    pub version: u32,
    /// The keystore's identifier of the object (`None` until created).
    pub remote_id: Option<String>,
    /// The managed state last applied successfully (`absent`, `enabled`, `disabled`,
    /// `destroyed`).
    pub applied: String,
    /// The state the keystore last reported.
    pub remote_state: Option<String>,
    /// The key check value keyhaven expects the keystore to report (pushed AES material).
    pub check_value: Option<String>,
    /// Why the keystore is out of sync (`None`: in sync).
    pub out_of_sync: Option<String>,
    /// The last error talking to the keystore about this object.
    pub last_error: Option<String>,
    /// When the keystore was last asked.
    pub last_checked_at: Option<OffsetDateTime>,
    /// Failed attempts in a row.
    pub attempts: u32,
    /// No new attempt before this (backoff after a failure).
    pub next_attempt_at: Option<OffsetDateTime>,
    /// When the keystore finishes deleting the object (its own pending period).
    pub destroy_until: Option<OffsetDateTime>,
    /// MAC over the key, keystore, version, remote id and check value (set when saved).
    pub mac: Vec<u8>,
}

impl Distribution {
    /// A fresh record: nothing applied yet.
    pub fn new(key_id: KeyId, keystore_id: Uuid, version: u32) -> Distribution {
        Distribution {
            key_id,
            keystore_id,
            version,
            remote_id: None,
            applied: "absent".to_owned(),
            remote_state: None,
            check_value: None,
            out_of_sync: None,
            last_error: None,
            last_checked_at: None,
            attempts: 0,
            next_attempt_at: None,
            destroy_until: None,
            mac: Vec::new(),
        }
    }
}

/// Everything the reconciliation of one key needs: the key, its targets (MAC-checked, in the
/// key's vault) and the distribution records.
#[derive(Clone, Debug)]
pub struct DistributionWork {
    /// The key.
    pub key: Key,
    /// Its target keystores.
    pub targets: Vec<KeystoreRecord>,
    /// Its distribution records.
    pub records: Vec<Distribution>,
}

/// The keystores a key is distributed to, with their records, for display.
#[derive(Clone, Debug)]
pub struct KeyDistribution {
    /// The key.
    pub key: Key,
    /// Each target with its records (one per version).
    pub targets: Vec<(KeystoreRecord, Vec<Distribution>)>,
}

impl KeyDistribution {
    /// Whether any keystore is out of sync.
    pub fn out_of_sync(&self) -> bool {
        self.targets
            .iter()
            .any(|(_, rs)| rs.iter().any(|r| r.out_of_sync.is_some()))
    }
}

/// Whether keystores of `kind` can hold keys of `algorithm`.
pub fn kind_supports(kind: KeystoreKind, algorithm: KeyAlgorithm) -> bool {
    match kind {
        KeystoreKind::AwsKms => algorithm == KeyAlgorithm::Aes256,
        KeystoreKind::Pkcs11 | KeystoreKind::Kmip => matches!(
            algorithm,
            KeyAlgorithm::Aes128 | KeyAlgorithm::Aes192 | KeyAlgorithm::Aes256
        ),
        _ => false,
    }
}

/// Associated data binding sealed keystore credentials to the keystore and its vault.
fn credentials_aad(id: Uuid, vault: VaultId) -> Vec<u8> {
    let mut aad = b"keyhaven-keystore-credentials-v1".to_vec();
    aad.extend_from_slice(id.as_bytes());
    aad.extend_from_slice(vault.0.as_bytes());
    aad
}

/// A new keystore, as given by an administrator.
pub struct NewKeystore {
    /// Name.
    pub name: KeystoreName,
    /// Kind.
    pub kind: KeystoreKind,
    /// Placement.
    pub placement: Placement,
    /// Settings (JSON object).
    pub settings: serde_json::Value,
    /// Credentials (JSON object bytes; empty for none).
    pub credentials: SecretBytes,
}

impl KeyService {
    /// Checks that the caller administers the vault (before its keystore settings are even
    /// looked at: building a connector touches the server's files).
    pub async fn authorize_keystore_admin(&self, caller: &Caller, vault: &VaultName) -> Result<()> {
        caller.with_note(|n| n.action = Some("keystore.create"));
        self.vault_for(caller, vault, Permission::UpdateVault)
            .await
            .map(|_| ())
    }

    /// The PKCS#11 modules `pkcs11` keystores may load (the server's allow-list; the server
    /// compares paths).
    pub fn pkcs11_modules(&self) -> &[std::path::PathBuf] {
        &self.pkcs11_modules
    }

    /// Registers a keystore in a vault (vault admin). The caller has checked that the settings
    /// and credentials make a connector.
    pub async fn create_keystore(
        &self,
        caller: &Caller,
        vault: &VaultName,
        new: NewKeystore,
    ) -> Result<KeystoreRecord> {
        caller.with_note(|n| {
            n.action = Some("keystore.create");
            n.detail = Some(format!("keystore {} ({})", new.name, new.kind));
        });
        let vault = self
            .vault_for(caller, vault, Permission::UpdateVault)
            .await?;
        if !new.settings.is_object() {
            return Err(Error::InvalidRequest(
                "keystore settings must be a JSON object".to_owned(),
            ));
        }
        if new.kind == KeystoreKind::Internal {
            return Err(Error::InvalidRequest(
                "the internal keystore is always present; register pkcs11, kmip or aws-kms"
                    .to_owned(),
            ));
        }
        let now = self.clock.now();
        let id = self.new_uuid(now)?;
        let kek = self.kek(&vault).await?;
        let sealed_credentials = self.crypto.seal(
            &kek,
            &credentials_aad(id, vault.id),
            new.credentials.expose(),
        )?;
        let mut rec = KeystoreRecord {
            id,
            vault_id: vault.id,
            name: new.name,
            kind: new.kind,
            placement: new.placement,
            settings: new.settings,
            sealed_credentials,
            created_at: now,
            updated_at: now,
            revision: 1,
            mac: Vec::new(),
            health: KeystoreHealth {
                status: "unknown".to_owned(),
                ..KeystoreHealth::default()
            },
        };
        rec.mac = self.system.integrity.keystore_mac(&rec);
        match self.store.create_keystore(&rec).await {
            Ok(()) => Ok(rec),
            Err(StoreError::AlreadyExists) => Err(Error::AlreadyExists {
                kind: "keystore",
                name: format!("{}/{}", vault.name, rec.name),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// Replaces a keystore's settings and/or credentials (vault admin), e.g. to rotate its
    /// credentials; its kind, placement and the keys it holds stay. The caller has checked
    /// that the new settings and credentials make a connector.
    pub async fn update_keystore(
        &self,
        caller: &Caller,
        vault: &VaultName,
        name: &str,
        settings: Option<serde_json::Value>,
        credentials: Option<SecretBytes>,
    ) -> Result<KeystoreRecord> {
        let (vault, old) = self
            .administered_keystore(caller, vault, name, "keystore.update")
            .await?;
        let mut rec = old.clone();
        if let Some(s) = settings {
            if !s.is_object() {
                return Err(Error::InvalidRequest(
                    "keystore settings must be a JSON object".to_owned(),
                ));
            }
            rec.settings = s;
        }
        if let Some(c) = credentials {
            let kek = self.kek(&vault).await?;
            rec.sealed_credentials =
                self.crypto
                    .seal(&kek, &credentials_aad(rec.id, vault.id), c.expose())?;
        }
        rec.updated_at = self.clock.now();
        rec.revision = old.revision.saturating_add(1);
        rec.mac = self.system.integrity.keystore_mac(&rec);
        let mut stored = rec.clone();
        stored.revision = old.revision;
        match self.store.update_keystore(&stored).await {
            Ok(()) => Ok(rec),
            Err(StoreError::Conflict) => Err(Error::Conflict(format!(
                "keystore {name} changed while this request ran; retry"
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// A vault's keystores (anyone who may read the vault).
    pub async fn list_keystores(
        &self,
        caller: &Caller,
        vault: &VaultName,
    ) -> Result<Vec<KeystoreRecord>> {
        caller.with_note(|n| n.action = Some("keystore.list"));
        let vault = self.vault_for(caller, vault, Permission::ReadVault).await?;
        let mut out = Vec::new();
        for k in self.store.list_keystores(Some(vault.id)).await? {
            out.push(self.checked_keystore(Some(caller), k).await?);
        }
        Ok(out)
    }

    /// One keystore by name (anyone who may read the vault).
    pub async fn get_keystore(
        &self,
        caller: &Caller,
        vault: &VaultName,
        name: &str,
    ) -> Result<KeystoreRecord> {
        caller.with_note(|n| {
            n.action = Some("keystore.get");
            n.detail = Some(format!("keystore {name}"));
        });
        let vault = self.vault_for(caller, vault, Permission::ReadVault).await?;
        self.keystore_in(Some(caller), vault.id, &vault.name, name)
            .await
    }

    /// Removes a keystore that no key targets any more (vault admin).
    pub async fn delete_keystore(
        &self,
        caller: &Caller,
        vault: &VaultName,
        name: &str,
    ) -> Result<()> {
        let (vault, rec) = self
            .administered_keystore(caller, vault, name, "keystore.delete")
            .await?;
        match self.store.delete_keystore(rec.id).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(Error::NotFound {
                kind: "keystore",
                id: format!("{}/{name}", vault.name),
            }),
            Err(StoreError::NotEmpty) => Err(Error::Conflict(format!(
                "keystore {name} still holds keys of vault {}; purge them or distribute them \
                 elsewhere first",
                vault.name
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// A keystore for a connection check (vault admin), with its unsealed credentials.
    pub async fn keystore_for_check(
        &self,
        caller: &Caller,
        vault: &VaultName,
        name: &str,
    ) -> Result<(KeystoreRecord, SecretBytes)> {
        let (_, rec) = self
            .administered_keystore(caller, vault, name, "keystore.test")
            .await?;
        let creds = self.keystore_credentials(&rec).await?;
        Ok((rec, creds))
    }

    /// The unsealed credentials of a keystore (for the server's connectors; never shown).
    pub async fn keystore_credentials(&self, rec: &KeystoreRecord) -> Result<SecretBytes> {
        let kek = self.kek_by_id(rec.vault_id).await?;
        self.crypto
            .unseal(
                &kek,
                &credentials_aad(rec.id, rec.vault_id),
                &rec.sealed_credentials,
            )
            .map_err(|_| {
                Error::Crypto(format!(
                    "the credentials of keystore {} do not unseal: they were altered or belong \
                     to another keystore",
                    rec.name
                ))
            })
    }

    /// Records the result of a connection check.
    pub async fn set_keystore_health(&self, id: Uuid, ok: bool, message: Option<String>) {
        let health = KeystoreHealth {
            status: if ok { "ok" } else { "error" }.to_owned(),
            message,
            checked_at: Some(self.clock.now()),
        };
        if let Err(e) = self.store.set_keystore_health(id, &health).await {
            tracing::warn!(keystore = %id, error = %e, "recording keystore health failed");
        }
    }

    /// Adds a keystore of the key's vault to the key's targets (key-manager). The key is
    /// distributed there by the next reconciliation (at once when it is active).
    pub async fn add_key_target(
        &self,
        caller: &Caller,
        id: KeyId,
        keystore: &str,
    ) -> Result<KeystoreRecord> {
        let key = self
            .load_for(caller, id, Permission::ManageKey, "key.keystore.add")
            .await?;
        caller.with_note(|n| n.detail = Some(format!("keystore {keystore}")));
        let rec = self
            .keystore_for_algorithm(
                Some(caller),
                key.vault_id,
                &key.vault_name,
                keystore,
                key.algorithm,
            )
            .await?;
        if matches!(
            key.state,
            crate::KeyState::Destroyed | crate::KeyState::DestroyedCompromised
        ) || key.destroy_at.is_some()
        {
            return Err(Error::InvalidRequest(format!(
                "key {id} is destroyed or pending destruction; it cannot be distributed"
            )));
        }
        let mac = self.system.integrity.target_mac(id, rec.id);
        self.store
            .add_key_target(id, rec.id, self.clock.now(), &mac)
            .await?;
        Ok(rec)
    }

    /// Checks that a template's keystores exist in the vault and can hold its algorithm.
    pub(crate) async fn check_template_keystores(
        &self,
        vault: VaultId,
        vault_name: &VaultName,
        algorithm: KeyAlgorithm,
        names: &[String],
    ) -> Result<()> {
        for name in names {
            self.keystore_for_algorithm(None, vault, vault_name, name, algorithm)
                .await?;
        }
        Ok(())
    }

    /// Adds the named keystores of the key's vault to a new key's targets (from its template).
    pub(crate) async fn add_template_targets(&self, key: &Key, names: &[String]) -> Result<()> {
        for name in names {
            let rec = self
                .keystore_in(None, key.vault_id, &key.vault_name, name)
                .await?;
            let mac = self.system.integrity.target_mac(key.id, rec.id);
            self.store
                .add_key_target(key.id, rec.id, self.clock.now(), &mac)
                .await?;
        }
        Ok(())
    }

    /// A key's keystores and distribution records (anyone who may read the key).
    pub async fn key_distribution(&self, caller: &Caller, id: KeyId) -> Result<KeyDistribution> {
        let key = self
            .load_for(caller, id, Permission::ReadKey, "key.keystores")
            .await?;
        let work = self.distribution_of(key).await?;
        let mut targets = Vec::new();
        for t in work.targets {
            let rs: Vec<Distribution> = work
                .records
                .iter()
                .filter(|r| r.keystore_id == t.id)
                .cloned()
                .collect();
            targets.push((t, rs));
        }
        Ok(KeyDistribution {
            key: work.key,
            targets,
        })
    }

    /// Checks that the caller may ask for a sync of the key (key-manager) and returns it.
    pub async fn key_for_sync(&self, caller: &Caller, id: KeyId) -> Result<Key> {
        self.load_for(caller, id, Permission::ManageKey, "key.sync")
            .await
    }

    /// The reconciliation work for one key (system use: no caller). `None` when the key is
    /// gone.
    pub async fn distribution_work(&self, id: KeyId) -> Result<Option<DistributionWork>> {
        let key = match self.load(None, id).await {
            Ok(k) => k,
            Err(Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        self.distribution_of(key).await.map(Some)
    }

    async fn distribution_of(&self, key: Key) -> Result<DistributionWork> {
        let mut targets = Vec::new();
        for (ks, mac) in self.store.key_targets(key.id).await? {
            if !self.system.integrity.target_ok(key.id, ks, &mac) {
                return Err(self
                    .integrity_failed(None, "key target", format!("{} -> {ks}", key.id))
                    .await);
            }
            let Some(rec) = self.store.get_keystore(ks).await? else {
                continue;
            };
            let rec = self.checked_keystore(None, rec).await?;
            if rec.vault_id == key.vault_id {
                targets.push(rec);
            }
        }
        let records = self.store.distributions(key.id).await?;
        for r in &records {
            if !self.system.integrity.distribution_ok(r) {
                return Err(self
                    .integrity_failed(
                        None,
                        "distribution record",
                        format!("{} v{} in {}", key.id, r.version, r.keystore_id),
                    )
                    .await);
            }
        }
        Ok(DistributionWork {
            key,
            targets,
            records,
        })
    }

    /// The material of one version, for pushing to a keystore (system use).
    pub async fn distribution_material(&self, key: &Key, version: u32) -> Result<SecretBytes> {
        let v = self
            .store
            .get_version(key.id, version)
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "key version",
                id: format!("{} v{version}", key.id),
            })?;
        if !self.system.integrity.version_ok(&v) {
            return Err(self
                .integrity_failed(None, "key version", format!("{} v{version}", key.id))
                .await);
        }
        let sealed = v.sealed_material.as_deref().ok_or_else(|| {
            Error::InvalidRequest(format!(
                "key {} version {version} has no material (destroyed)",
                key.id
            ))
        })?;
        self.unseal_material(key, version, sealed).await
    }

    /// Saves a distribution record (with a fresh MAC).
    pub async fn save_distribution(&self, d: &Distribution) -> Result<()> {
        let mut d = d.clone();
        d.mac = self.system.integrity.distribution_mac(&d);
        Ok(self.store.put_distribution(&d).await?)
    }

    /// What the reconciliation job should look at now: the keys this node changed since it
    /// last asked (at once, so a state change reaches the keystores within a tick), and
    /// whether a pass over every distributed key is due (every `every`: retries after
    /// backoff, periodic checks, changes made by other nodes or by time).
    pub fn distribution_due(&self, every: time::Duration) -> (Vec<KeyId>, bool) {
        let now = self.clock.now();
        let changed: Vec<KeyId> = crate::service::lock(&self.distribution_changed)
            .drain()
            .collect();
        let mut last = crate::service::lock(&self.distribution_scanned);
        let full = last.is_none_or(|t| t + every <= now || t > now);
        if full {
            *last = Some(now);
        }
        (changed, full)
    }

    /// Keys with at least one target, in id order after `after` (system use).
    pub async fn distributed_keys(&self, after: Option<KeyId>, limit: u32) -> Result<Vec<KeyId>> {
        Ok(self.store.distributed_keys(after, limit).await?)
    }

    /// Audits one attempt to change or check a keystore (system actor unless `caller`).
    #[allow(clippy::too_many_arguments)]
    pub async fn audit_keystore(
        &self,
        caller: Option<&Caller>,
        key: &Key,
        version: u32,
        keystore: &KeystoreRecord,
        action: &str,
        outcome: Outcome,
        detail: String,
    ) {
        let event = AuditEvent {
            at: self.clock.now(),
            request_id: None,
            principal: Some(caller.map_or_else(
                || Caller::system().name().to_owned(),
                |c| c.name().to_owned(),
            )),
            source: None,
            action: format!("keystore.{action}"),
            route: None,
            vault: Some(key.vault_name.to_string()),
            key: Some(key.id),
            key_version: Some(version),
            outcome,
            code: None,
            detail: Some(format!(
                "keystore {} ({}): {detail}",
                keystore.name, keystore.kind
            )),
        };
        if let Err(e) = self.record(event).await {
            tracing::warn!(key = %key.id, error = %e, "auditing a keystore attempt failed");
        }
    }

    /// The vault and keystore a vault admin acts on, with the audit note set.
    async fn administered_keystore(
        &self,
        caller: &Caller,
        vault: &VaultName,
        name: &str,
        action: &'static str,
    ) -> Result<(crate::model::Vault, KeystoreRecord)> {
        caller.with_note(|n| {
            n.action = Some(action);
            n.detail = Some(format!("keystore {name}"));
        });
        let vault = self
            .vault_for(caller, vault, Permission::UpdateVault)
            .await?;
        let rec = self
            .keystore_in(Some(caller), vault.id, &vault.name, name)
            .await?;
        Ok((vault, rec))
    }

    /// A keystore of the vault that can hold keys of `algorithm`.
    async fn keystore_for_algorithm(
        &self,
        caller: Option<&Caller>,
        vault: VaultId,
        vault_name: &VaultName,
        name: &str,
        algorithm: KeyAlgorithm,
    ) -> Result<KeystoreRecord> {
        let rec = self.keystore_in(caller, vault, vault_name, name).await?;
        if !kind_supports(rec.kind, algorithm) {
            return Err(Error::InvalidRequest(format!(
                "keystore {} ({}) cannot hold {} keys: {}",
                rec.name,
                rec.kind,
                algorithm.name(),
                match rec.kind {
                    KeystoreKind::AwsKms => "AWS KMS symmetric keys are AES-256",
                    _ => "keystores hold AES keys",
                }
            )));
        }
        Ok(rec)
    }

    async fn keystore_in(
        &self,
        caller: Option<&Caller>,
        vault: VaultId,
        vault_name: &VaultName,
        name: &str,
    ) -> Result<KeystoreRecord> {
        let rec = self
            .store
            .get_keystore_by_name(vault, name)
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "keystore",
                id: format!("{vault_name}/{name}"),
            })?;
        self.checked_keystore(caller, rec).await
    }

    async fn checked_keystore(
        &self,
        caller: Option<&Caller>,
        rec: KeystoreRecord,
    ) -> Result<KeystoreRecord> {
        if self.system.integrity.keystore_ok(&rec) {
            Ok(rec)
        } else {
            Err(self
                .integrity_failed(caller, "keystore", rec.id.to_string())
                .await)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(KeystoreName::parse("hsm-1").is_ok());
        assert!(KeystoreName::parse("aws.eu_west").is_ok());
        assert!(KeystoreName::parse("").is_err());
        assert!(KeystoreName::parse("-x").is_err());
        assert!(KeystoreName::parse("Upper").is_err());
        assert!(KeystoreName::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn kinds_hold_aes_keys() {
        assert!(kind_supports(KeystoreKind::Pkcs11, KeyAlgorithm::Aes128));
        assert!(kind_supports(KeystoreKind::Kmip, KeyAlgorithm::Aes256));
        assert!(kind_supports(KeystoreKind::AwsKms, KeyAlgorithm::Aes256));
        assert!(!kind_supports(KeystoreKind::AwsKms, KeyAlgorithm::Aes128));
        assert!(!kind_supports(KeystoreKind::Pkcs11, KeyAlgorithm::Rsa2048));
    }

    #[test]
    fn credentials_are_bound_to_keystore_and_vault() {
        let a = credentials_aad(Uuid::from_u128(1), VaultId(Uuid::from_u128(2)));
        let b = credentials_aad(Uuid::from_u128(2), VaultId(Uuid::from_u128(1)));
        assert_ne!(a, b);
    }
}
