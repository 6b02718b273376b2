//! The `Store` seam: persistence of vaults, keys, versions and history. Implemented for SQLite
//! (and later PostgreSQL) in `keyhaven-store`. Every method that changes a key writes the change
//! and its history entry in one transaction.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::algorithm::KeyAlgorithm;
use crate::lifecycle::KeyState;
use crate::model::{HistoryEntry, Key, KeyId, KeyVersion, Vault, VaultId};

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
    /// Only this vault.
    pub vault_id: Option<VaultId>,
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
    /// Erase the material and public key of every version (destruction).
    pub erase_material: bool,
}

/// Persistence. Implementations must be safe to share between tasks.
#[async_trait]
pub trait Store: Send + Sync {
    /// Whether the backend answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Inserts a vault; [`StoreError::AlreadyExists`] if the name is taken.
    async fn create_vault(&self, vault: &Vault) -> Result<(), StoreError>;
    /// A vault by name.
    async fn get_vault_by_name(&self, name: &str) -> Result<Option<Vault>, StoreError>;
    /// A vault by id.
    async fn get_vault(&self, id: VaultId) -> Result<Option<Vault>, StoreError>;
    /// All vaults by name.
    async fn list_vaults(&self) -> Result<Vec<Vault>, StoreError>;
    /// Updates a vault's settings.
    async fn update_vault(&self, vault: &Vault) -> Result<(), StoreError>;
    /// Deletes a vault; [`StoreError::NotEmpty`] if any key record (even destroyed) remains.
    async fn delete_vault(&self, id: VaultId) -> Result<(), StoreError>;

    /// Inserts a key, its first version and its creation history;
    /// [`StoreError::AlreadyExists`] if the name is taken in the vault.
    async fn create_key(
        &self,
        key: &Key,
        version: &KeyVersion,
        history: &HistoryEntry,
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
}
