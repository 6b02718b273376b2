//! Import keys for wrapped import (BYOK): one row per RSA import key pair a vault handed out.

use super::DbRow;
use keyhaven_core::import::ImportKey;
use keyhaven_core::{StoreError, VaultId};
use sqlx::Row;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{backend, from_ts, map_write, ts, uuid, DbStore};

const COLUMNS: &str = "id, vault_id, sealed_private, public_key, created_at, expires_at, mac";

fn import_key_from_row(row: &DbRow) -> Result<ImportKey, StoreError> {
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

impl DbStore {
    pub(super) async fn import_key_create(&self, k: &ImportKey) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO import_keys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
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
            "SELECT {COLUMNS} FROM import_keys WHERE vault_id = $1 AND expires_at > $2 \
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
        sqlx::query(&format!("SELECT {COLUMNS} FROM import_keys WHERE id = $1"))
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
        let done = sqlx::query("DELETE FROM import_keys WHERE expires_at < $1")
            .bind(ts(before))
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected())
    }
}
