//! The `Store` seam: persistence of vaults, keys, versions and history. Implemented for SQLite
//! and PostgreSQL in `keyhaven-store`. Every method that changes a key writes the change and its
//! history entry in one transaction. Several nodes may share one store (PostgreSQL): its writes
//! are atomic across them, and [`Store::claim`] leases background work.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::access::{
    CertBinding, CertMatch, Principal, PrincipalId, RoleBinding, Token, TokenId, VaultRole,
};
use crate::algorithm::KeyAlgorithm;
use crate::audit::{AuditEvent, AuditFilter, AuditRecord, Checkpoint};
use crate::distribution::{Distribution, KeystoreHealth, KeystoreRecord};
use crate::lifecycle::KeyState;
use crate::model::{HistoryEntry, Key, KeyId, KeyVersion, Vault, VaultId};
use crate::root::{RootKeyRecord, SealRecord};
use crate::template::Template;

/// Storage failures.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint (vault name, key name in vault) was violated.
    #[error("already exists")]
    AlreadyExists,
    /// The row changed since it was read (revision mismatch) or vanished.
    #[error("concurrent modification")]
    Conflict,
    /// The vault still has keys.
    #[error("vault not empty")]
    NotEmpty,
    /// The backend failed.
    #[error("{0}")]
    Backend(String),
}

/// Filters for listing keys. `None` means "any".
#[derive(Clone, Debug, Default)]
pub struct KeyFilter {
    /// Only these vaults (`None`: every vault).
    pub vault_ids: Option<Vec<VaultId>>,
    /// Only this state.
    pub state: Option<KeyState>,
    /// Only this algorithm.
    pub algorithm: Option<KeyAlgorithm>,
    /// Names starting with this.
    pub name_prefix: Option<String>,
    /// Keys carrying this tag (and, if given, this value).
    pub tag: Option<(String, Option<String>)>,
    /// Created at or after.
    pub created_after: Option<OffsetDateTime>,
    /// Created before.
    pub created_before: Option<OffsetDateTime>,
    /// Include destroyed and destroyed-compromised keys.
    pub include_destroyed: bool,
    /// Only keys that some keystore holds out of sync.
    pub out_of_sync: bool,
}

/// A change to a key, written atomically with its history entry.
#[derive(Debug)]
pub struct KeyChange<'a> {
    /// The new record (its `revision` is the one read; the store bumps it).
    pub key: &'a Key,
    /// History to append (empty for plain metadata updates that changed no state).
    pub history: &'a [HistoryEntry],
    /// A version to add (rotation).
    pub new_version: Option<&'a KeyVersion>,
    /// Erase the material and public key of every version (destruction); the new MAC of each
    /// erased version is in `version_macs`.
    pub erase_material: bool,
    /// New MACs of versions whose row changes (after erasure): (version, MAC).
    pub version_macs: &'a [(u32, Vec<u8>)],
    /// Audit records written in the same transaction (the transitions in `history`).
    pub audit: &'a [AuditEvent],
}

/// A root key rotation, written in one transaction.
#[derive(Debug)]
pub struct RootRotation<'a> {
    /// The new current generation.
    pub generation: u32,
    /// Every vault re-wrapped under it (new `sealed_kek`, `root_generation` and `mac`).
    pub vaults: &'a [Vault],
    /// The system secret wrapped under the new root key.
    pub wrapped_system_secret: &'a [u8],
    /// Generations whose stored root key is removed (they wrap nothing any more).
    pub retire: &'a [u32],
    /// When.
    pub at: OffsetDateTime,
    /// The audit record of the rotation.
    pub audit: &'a AuditEvent,
}

/// A stored checkpoint with the compact tree state after it, so a restarting server resumes
/// without re-reading the whole log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// The signed tree head.
    pub checkpoint: Checkpoint,
    /// [`crate::merkle::Frontier::encode`] at that size.
    pub frontier: Vec<u8>,
}

/// A key with what the compliance report needs of its primary version.
#[derive(Clone, Debug)]
pub struct InventoryRow {
    /// The key.
    pub key: Key,
    /// When the primary version was made (the last rotation).
    pub primary_created_at: OffsetDateTime,
    /// How often the primary version applied protection (as flushed so far).
    pub primary_uses: u64,
}

/// A vault's override of the server's crypto policy, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultPolicy {
    /// The vault.
    pub vault_id: VaultId,
    /// The override document (JSON, see docs/POLICY.md).
    pub document: String,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// Record-integrity MAC.
    pub mac: Vec<u8>,
}

/// Persistence. Implementations must be safe to share between tasks.
#[async_trait]
pub trait Store: Send + Sync {
    /// Whether the backend answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Inserts a vault with its first role bindings, in one transaction;
    /// [`StoreError::AlreadyExists`] if the name is taken, [`StoreError::Conflict`] if
    /// `vault.root_generation` is no longer the current root key generation.
    async fn create_vault(&self, vault: &Vault, bindings: &[RoleBinding])
        -> Result<(), StoreError>;
    /// A vault by name.
    async fn get_vault_by_name(&self, name: &str) -> Result<Option<Vault>, StoreError>;
    /// A vault by id.
    async fn get_vault(&self, id: VaultId) -> Result<Option<Vault>, StoreError>;
    /// All vaults by name.
    async fn list_vaults(&self) -> Result<Vec<Vault>, StoreError>;
    /// Updates a vault's settings and MAC, if its root generation is still the one stored
    /// ([`StoreError::Conflict`] otherwise: a root rotation re-wrapped it meanwhile).
    async fn update_vault(&self, vault: &Vault) -> Result<(), StoreError>;
    /// Deletes a vault and its role bindings; [`StoreError::NotEmpty`] if any key record (even
    /// destroyed) remains.
    async fn delete_vault(&self, id: VaultId) -> Result<(), StoreError>;

    /// Inserts a key, its first version and its creation history;
    /// [`StoreError::AlreadyExists`] if the name is taken in the vault.
    async fn create_key(
        &self,
        key: &Key,
        version: &KeyVersion,
        history: &HistoryEntry,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Inserts a key as a backup held it: the record, every version and its whole history,
    /// in one transaction; [`StoreError::AlreadyExists`] if the id or the name is taken.
    async fn restore_key(
        &self,
        key: &Key,
        versions: &[KeyVersion],
        history: &[HistoryEntry],
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// A key by id.
    async fn get_key(&self, id: KeyId) -> Result<Option<Key>, StoreError>;
    /// Keys matching `filter` with id greater than `after`, in id order, at most `limit`.
    async fn list_keys(
        &self,
        filter: &KeyFilter,
        after: Option<KeyId>,
        limit: u32,
    ) -> Result<Vec<Key>, StoreError>;
    /// Applies a change if the stored revision still equals `change.key.revision`
    /// ([`StoreError::Conflict`] otherwise); returns the new revision.
    async fn update_key(&self, change: KeyChange<'_>) -> Result<u64, StoreError>;
    /// Removes a key record and its versions (history rows are kept for the audit trail).
    async fn purge_key(
        &self,
        id: KeyId,
        revision: u64,
        history: &HistoryEntry,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Every version of a key, oldest first.
    async fn list_versions(&self, id: KeyId) -> Result<Vec<KeyVersion>, StoreError>;
    /// One version.
    async fn get_version(&self, id: KeyId, version: u32) -> Result<Option<KeyVersion>, StoreError>;
    /// A key's history, oldest first.
    async fn history(&self, id: KeyId) -> Result<Vec<HistoryEntry>, StoreError>;
    /// Ids of keys whose next time-driven transition is due at or before `now`, through the
    /// due-time index; at most `limit`.
    async fn due_keys(&self, now: OffsetDateTime, limit: u32) -> Result<Vec<KeyId>, StoreError>;
    /// Records last-use times (only moves them forward).
    async fn record_last_used(&self, uses: &[(KeyId, OffsetDateTime)]) -> Result<(), StoreError>;

    /// Adds applications of protection to versions' use counts: `(key, version, count)`;
    /// returns each version's new total, in the same order (0 for a version that is gone).
    async fn add_version_uses(&self, uses: &[(KeyId, u32, u64)]) -> Result<Vec<u64>, StoreError>;
    /// Like [`Store::list_keys`], with each key's primary version's creation time and use
    /// count (the compliance report's inventory), for streaming over every key page by page.
    async fn list_inventory(
        &self,
        filter: &KeyFilter,
        after: Option<KeyId>,
        limit: u32,
    ) -> Result<Vec<InventoryRow>, StoreError>;

    // ----- templates and vault policies ---------------------------------------------------

    /// Inserts a template; [`StoreError::AlreadyExists`] if the name is taken in the vault.
    async fn create_template(&self, t: &Template) -> Result<(), StoreError>;
    /// A template by vault and name.
    async fn get_template(
        &self,
        vault: VaultId,
        name: &str,
    ) -> Result<Option<Template>, StoreError>;
    /// A vault's templates by name.
    async fn list_templates(&self, vault: VaultId) -> Result<Vec<Template>, StoreError>;
    /// Replaces a template's settings if its stored revision still equals `t.revision`
    /// ([`StoreError::Conflict`] otherwise); returns the new revision.
    async fn update_template(&self, t: &Template) -> Result<u64, StoreError>;
    /// Deletes a template; false if absent.
    async fn delete_template(&self, vault: VaultId, name: &str) -> Result<bool, StoreError>;
    /// Hands out the template's next `{seq}` number (1, 2, ...), atomically.
    async fn next_template_seq(&self, id: uuid::Uuid) -> Result<u64, StoreError>;
    /// A vault's crypto-policy override.
    async fn get_vault_policy(&self, vault: VaultId) -> Result<Option<VaultPolicy>, StoreError>;
    /// Sets (replaces) a vault's crypto-policy override.
    async fn put_vault_policy(&self, p: &VaultPolicy) -> Result<(), StoreError>;
    /// Removes a vault's override; false if it had none.
    async fn delete_vault_policy(&self, vault: VaultId) -> Result<bool, StoreError>;

    // ----- seal and root of trust ---------------------------------------------------------

    /// The seal record, if the instance was initialised.
    async fn get_seal(&self) -> Result<Option<SealRecord>, StoreError>;
    /// Writes the seal record and the first root key; [`StoreError::AlreadyExists`] if the
    /// instance is initialised already.
    async fn init_seal(&self, seal: &SealRecord, root: &RootKeyRecord) -> Result<(), StoreError>;
    /// Every stored root key generation, oldest first.
    async fn root_keys(&self) -> Result<Vec<RootKeyRecord>, StoreError>;
    /// Stores a new root key generation (before the rotation that starts using it).
    async fn add_root_key(&self, root: &RootKeyRecord) -> Result<(), StoreError>;
    /// Switches to a new root key: re-wrapped vaults, system secret, generation, in one
    /// transaction with its audit record.
    async fn rotate_root(&self, rotation: RootRotation<'_>) -> Result<(), StoreError>;

    // ----- principals and credentials -----------------------------------------------------

    /// Inserts a principal; [`StoreError::AlreadyExists`] if the name is taken.
    async fn create_principal(&self, p: &Principal) -> Result<(), StoreError>;
    /// A principal by id.
    async fn get_principal(&self, id: PrincipalId) -> Result<Option<Principal>, StoreError>;
    /// A principal by name.
    async fn get_principal_by_name(&self, name: &str) -> Result<Option<Principal>, StoreError>;
    /// All principals by name.
    async fn list_principals(&self) -> Result<Vec<Principal>, StoreError>;
    /// Updates roles, description, disabled flag.
    async fn update_principal(&self, p: &Principal) -> Result<(), StoreError>;
    /// Deletes a principal with its tokens, role and certificate bindings; false if absent.
    async fn delete_principal(&self, id: PrincipalId) -> Result<bool, StoreError>;

    /// Inserts a token record.
    async fn create_token(&self, t: &Token) -> Result<(), StoreError>;
    /// The token whose SHA-256 is `hash`.
    async fn get_token_by_hash(&self, hash: &[u8; 32]) -> Result<Option<Token>, StoreError>;
    /// A token by id.
    async fn get_token(&self, id: TokenId) -> Result<Option<Token>, StoreError>;
    /// A principal's tokens, oldest first.
    async fn list_tokens(&self, principal: PrincipalId) -> Result<Vec<Token>, StoreError>;
    /// Updates a token (revocation).
    async fn update_token(&self, t: &Token) -> Result<(), StoreError>;
    /// Records last-use times of tokens (only moves them forward).
    async fn record_token_use(&self, uses: &[(TokenId, OffsetDateTime)]) -> Result<(), StoreError>;

    /// Inserts a role binding ([`StoreError::AlreadyExists`] if held already).
    async fn create_role_binding(&self, b: &RoleBinding) -> Result<(), StoreError>;
    /// Removes a role binding; false if it did not exist.
    async fn delete_role_binding(
        &self,
        vault: VaultId,
        principal: PrincipalId,
        role: VaultRole,
    ) -> Result<bool, StoreError>;
    /// A principal's role bindings in every vault.
    async fn role_bindings_of(
        &self,
        principal: PrincipalId,
    ) -> Result<Vec<RoleBinding>, StoreError>;
    /// A vault's role bindings.
    async fn role_bindings_in(&self, vault: VaultId) -> Result<Vec<RoleBinding>, StoreError>;

    /// Inserts a certificate binding ([`StoreError::AlreadyExists`] if the value is bound).
    async fn create_cert_binding(&self, b: &CertBinding) -> Result<(), StoreError>;
    /// The binding for a subject or fingerprint.
    async fn find_cert_binding(
        &self,
        kind: CertMatch,
        value: &str,
    ) -> Result<Option<CertBinding>, StoreError>;
    /// A principal's certificate bindings.
    async fn cert_bindings_of(
        &self,
        principal: PrincipalId,
    ) -> Result<Vec<CertBinding>, StoreError>;
    /// Removes a certificate binding; false if absent.
    async fn delete_cert_binding(&self, id: uuid::Uuid) -> Result<bool, StoreError>;

    // ----- audit log ----------------------------------------------------------------------

    /// Appends events in order, in one transaction.
    async fn append_audit(&self, events: &[AuditEvent]) -> Result<(), StoreError>;
    /// Records with `seq > after`, in order, at most `limit`.
    async fn audit_records(&self, after: u64, limit: u32) -> Result<Vec<AuditRecord>, StoreError>;
    /// Leaf hashes of records with `seq > after`, in order, at most `limit`: (seq, hash).
    async fn audit_leaves(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<(u64, crate::merkle::Hash)>, StoreError>;
    /// Records matching `filter` with `seq > after` (or `< before` when `descending`), at most
    /// `limit`.
    async fn query_audit(
        &self,
        filter: &AuditFilter,
        after: Option<u64>,
        limit: u32,
        descending: bool,
    ) -> Result<Vec<AuditRecord>, StoreError>;
    /// First seqs of stored batches whose query lookup index differs from their records
    /// (rows of the index deleted or added in the database). Empty for stores without one.
    async fn audit_index_mismatches(&self) -> Result<Vec<u64>, StoreError>;
    /// Stores a checkpoint.
    async fn add_checkpoint(&self, cp: &StoredCheckpoint) -> Result<(), StoreError>;
    /// The newest checkpoint.
    async fn last_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError>;
    /// Every checkpoint, by tree size.
    async fn checkpoints(&self) -> Result<Vec<Checkpoint>, StoreError>;

    // ----- import keys ----------------------------------------------------------------------

    /// Inserts a vault's import key (wrapped import, docs/IMPORT.md).
    async fn create_import_key(&self, k: &crate::import::ImportKey) -> Result<(), StoreError>;
    /// The vault's newest import key still in its issuing period (`expires_at > now`).
    async fn current_import_key(
        &self,
        vault: VaultId,
        now: OffsetDateTime,
    ) -> Result<Option<crate::import::ImportKey>, StoreError>;
    /// An import key by id.
    async fn get_import_key(
        &self,
        id: uuid::Uuid,
    ) -> Result<Option<crate::import::ImportKey>, StoreError>;
    /// Deletes the import keys (of every vault) whose issuing period ended before `before`;
    /// returns how many.
    async fn delete_expired_import_keys(&self, before: OffsetDateTime) -> Result<u64, StoreError>;

    // Keystores and distribution

    /// Registers a keystore (`AlreadyExists` when the vault has one of that name).
    async fn create_keystore(&self, k: &KeystoreRecord) -> Result<(), StoreError>;
    /// A keystore by id.
    async fn get_keystore(&self, id: uuid::Uuid) -> Result<Option<KeystoreRecord>, StoreError>;
    /// A keystore by vault and name.
    async fn get_keystore_by_name(
        &self,
        vault: VaultId,
        name: &str,
    ) -> Result<Option<KeystoreRecord>, StoreError>;
    /// The keystores of a vault (`None`: of every vault), by name.
    async fn list_keystores(
        &self,
        vault: Option<VaultId>,
    ) -> Result<Vec<KeystoreRecord>, StoreError>;
    /// Replaces a keystore's settings, sealed credentials, update time and MAC; `revision`
    /// is the one read (`Conflict` when it changed meanwhile); the store bumps it.
    async fn update_keystore(&self, k: &KeystoreRecord) -> Result<(), StoreError>;
    /// Deletes a keystore (`NotEmpty` while a key targets it); false when it did not exist.
    async fn delete_keystore(&self, id: uuid::Uuid) -> Result<bool, StoreError>;
    /// Records the last connection check.
    async fn set_keystore_health(
        &self,
        id: uuid::Uuid,
        health: &KeystoreHealth,
    ) -> Result<(), StoreError>;
    /// Adds a keystore to a key's targets, with the MAC binding the two (no error when it is
    /// one already).
    async fn add_key_target(
        &self,
        key: KeyId,
        keystore: uuid::Uuid,
        at: OffsetDateTime,
        mac: &[u8],
    ) -> Result<(), StoreError>;
    /// A key's target keystores with their MACs, in the order they were added.
    async fn key_targets(&self, key: KeyId) -> Result<Vec<(uuid::Uuid, Vec<u8>)>, StoreError>;
    /// A key's distribution records.
    async fn distributions(&self, key: KeyId) -> Result<Vec<Distribution>, StoreError>;
    /// Inserts or replaces a distribution record.
    async fn put_distribution(&self, d: &Distribution) -> Result<(), StoreError>;
    /// Keys with at least one target, in id order after `after`.
    async fn distributed_keys(
        &self,
        after: Option<KeyId>,
        limit: u32,
    ) -> Result<Vec<KeyId>, StoreError>;
    /// Whether some target keystore has not finished deleting the key at `now` (it was not
    /// told yet, or its own pending period is still running).
    async fn keystore_destruction_pending(
        &self,
        key: KeyId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    // Leases on background work (several nodes, one database)

    /// Takes the lease on `item` for `holder` until `until`, if nobody holds it or the
    /// holder's lease expired by `now` (or `holder` holds it already: renewed); false when
    /// another holder's lease is still running. Atomic across nodes.
    async fn claim(
        &self,
        item: &str,
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Gives up `holder`'s lease on `item` (nothing when another holder has it).
    async fn release(&self, item: &str, holder: &str) -> Result<(), StoreError>;

    // Backups

    /// Every table a backup holds, read from one consistent snapshot while writes go on.
    async fn dump_tables(&self) -> Result<Vec<crate::backup::TableDump>, StoreError>;
    /// Full restore into an instance without keys or templates
    /// ([`StoreError::NotEmpty`] otherwise): in one transaction, every backup table is
    /// replaced by `tables`, the stored system secret by `wrapped_system_secret`, and each
    /// restored vault by what `fix_vault` makes of it (its KEK re-wrapped under this
    /// instance's root key). On failure nothing changes.
    async fn restore_tables(
        &self,
        tables: &[crate::backup::TableDump],
        wrapped_system_secret: &[u8],
        fix_vault: &(dyn Fn(Vault) -> Result<Vault, StoreError> + Send + Sync),
    ) -> Result<(), StoreError>;
}
