//! Import keys for wrapped import (BYOK): one row per RSA import key pair a vault handed out.

use keyhaven_core::import::ImportKey;
use keyhaven_core::{StoreError, VaultId};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{backend, from_ts, map_write, ts, uuid, SqliteStore};

const COLUMNS: &str = "id, vault_id, sealed_private, public_key, created_at, expires_at, mac";

fn import_key_from_row(row: &SqliteRow) -> Result<ImportKey, StoreError> {
    let id: String = row.try_get("id").map_err(backend)?;
    let vault: String = row.try_get("vault_id").map_err(backend)?;
    Ok(ImportKey {
        id: uuid(&id)?,
        vault_id: VaultId(uuid(&vault)?),
        sealed_private: row.try_get("sealed_private").map_err(backend)?,
        public_key: row.try_get("public_key").map_err(backend)?,
        created_at: from_ts(row.try_get("created_at").map_err(backend)?)?,
        expires_at: from_ts(row.try_get("expires_at").map_err(backend)?)?,
        mac: super::mac(row)?,
    })
}

impl SqliteStore {
    pub(super) async fn import_key_create(&self, k: &ImportKey) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO import_keys ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(k.id.to_string())
        .bind(k.vault_id.0.to_string())
        .bind(&k.sealed_private)
        .bind(&k.public_key)
        .bind(ts(k.created_at))
        .bind(ts(k.expires_at))
        .bind(&k.mac)
        .execute(&self.writer)
        .await
        .map_err(map_write)?;
        Ok(())
    }

    pub(super) async fn import_key_current(
        &self,
        vault: VaultId,
        now: OffsetDateTime,
    ) -> Result<Option<ImportKey>, StoreError> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM import_keys WHERE vault_id = ? AND expires_at > ? \
             ORDER BY expires_at DESC, id DESC LIMIT 1"
        ))
        .bind(vault.0.to_string())
        .bind(ts(now))
        .fetch_optional(&self.reader)
        .await
        .map_err(backend)?
        .as_ref()
        .map(import_key_from_row)
        .transpose()
    }

    pub(super) async fn import_key_get(&self, id: Uuid) -> Result<Option<ImportKey>, StoreError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM import_keys WHERE id = ?"))
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?
            .as_ref()
            .map(import_key_from_row)
            .transpose()
    }

    pub(super) async fn import_keys_delete_expired(
        &self,
        before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM import_keys WHERE expires_at < ?")
            .bind(ts(before))
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use keyhaven_core::{Store, Vault, VaultName};
    use time::Duration;

    use super::*;

    fn at(hours: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + Duration::days(20_000) + Duration::hours(hours)
    }

    fn vault(n: u128, name: &str) -> Vault {
        Vault {
            id: VaultId(Uuid::from_u128(n)),
            name: name.parse::<VaultName>().unwrap(),
            pending_destruction_days: 0,
            root_generation: 1,
            sealed_kek: vec![1; 60],
            created_at: at(0),
            updated_at: at(0),
            mac: vec![2; 32],
        }
    }

    fn import_key(n: u128, vault: &Vault, created: i64) -> ImportKey {
        ImportKey {
            id: Uuid::from_u128(n),
            vault_id: vault.id,
            sealed_private: vec![n as u8; 50],
            public_key: vec![n as u8 + 1; 20],
            created_at: at(created),
            expires_at: at(created + 24),
            mac: vec![n as u8 + 2; 32],
        }
    }

    async fn store(dir: &tempfile::TempDir) -> SqliteStore {
        let s = SqliteStore::open(&dir.path().join("k.db")).await.unwrap();
        // A root key generation the vaults can name.
        let root = keyhaven_core::RootKeyRecord {
            generation: 1,
            wrapped: None,
            created_at: at(0),
        };
        let seal = keyhaven_core::SealRecord {
            method: "dev".to_owned(),
            params: "{}".to_owned(),
            root_generation: 1,
            wrapped_system_secret: vec![0; 60],
            created_at: at(0),
            updated_at: at(0),
        };
        s.init_seal(&seal, &root).await.unwrap();
        s
    }

    #[tokio::test]
    async fn current_is_the_newest_in_its_issuing_period() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir).await;
        let (a, b) = (vault(1, "a"), vault(2, "b"));
        s.create_vault(&a, &[]).await.unwrap();
        s.create_vault(&b, &[]).await.unwrap();
        assert_eq!(s.current_import_key(a.id, at(0)).await.unwrap(), None);
        let first = import_key(10, &a, 0);
        let second = import_key(11, &a, 20);
        let other = import_key(12, &b, 30);
        for k in [&first, &second, &other] {
            s.create_import_key(k).await.unwrap();
        }
        assert_eq!(
            s.create_import_key(&first).await,
            Err(StoreError::AlreadyExists)
        );
        assert_eq!(
            s.current_import_key(a.id, at(21)).await.unwrap(),
            Some(second.clone())
        );
        // The second expires at hour 44: nothing current after that, the row still readable.
        assert_eq!(s.current_import_key(a.id, at(44)).await.unwrap(), None);
        assert_eq!(
            s.get_import_key(first.id).await.unwrap(),
            Some(first.clone())
        );
        assert_eq!(
            s.current_import_key(b.id, at(40)).await.unwrap(),
            Some(other.clone())
        );
        assert_eq!(s.get_import_key(Uuid::from_u128(99)).await.unwrap(), None);
        // Expired before hour 30: only the first (expired at hour 24).
        assert_eq!(s.delete_expired_import_keys(at(30)).await.unwrap(), 1);
        assert_eq!(s.get_import_key(first.id).await.unwrap(), None);
        assert_eq!(s.get_import_key(second.id).await.unwrap(), Some(second));
        // Deleting a vault deletes its import keys.
        s.delete_vault(b.id).await.unwrap();
        assert_eq!(s.get_import_key(other.id).await.unwrap(), None);
    }
}
