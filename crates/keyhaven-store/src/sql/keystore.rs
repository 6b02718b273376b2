//! Keystores, key targets and distribution records.

use super::DbRow;
use keyhaven_core::distribution::{Distribution, KeystoreHealth, KeystoreName, KeystoreRecord};
use keyhaven_core::keystore::{KeystoreKind, Placement};
use keyhaven_core::{KeyId, StoreError, VaultId};
use sqlx::Row;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{backend, corrupt, from_ots, from_ts, map_write, ots, ts, uuid, DbStore};

const COLUMNS: &str = "id, vault_id, name, kind, placement, settings, sealed_credentials, \
                       created_at, updated_at, revision, mac, health, health_message, \
                       health_checked_at";

fn keystore_from_row(row: &DbRow) -> Result<KeystoreRecord, StoreError> {
    let get = |c: &str| -> Result<String, StoreError> { row.try_get(c).map_err(backend) };
    let revision: i64 = row.try_get("revision").map_err(backend)?;
    Ok(KeystoreRecord {
        id: uuid(&get("id")?)?,
        vault_id: VaultId(uuid(&get("vault_id")?)?),
        name: KeystoreName::parse(&get("name")?).map_err(|_| corrupt("keystore name"))?,
        kind: KeystoreKind::parse(&get("kind")?).ok_or_else(|| corrupt("keystore kind"))?,
        placement: Placement::parse(&get("placement")?)
            .ok_or_else(|| corrupt("keystore placement"))?,
        settings: serde_json::from_str(&get("settings")?)
            .map_err(|_| corrupt("keystore settings"))?,
        sealed_credentials: row.try_get("sealed_credentials").map_err(backend)?,
        created_at: from_ts(row.try_get("created_at").map_err(backend)?)?,
        updated_at: from_ts(row.try_get("updated_at").map_err(backend)?)?,
        revision: u64::try_from(revision).map_err(|_| corrupt("keystore revision"))?,
        mac: super::mac(row)?,
        health: KeystoreHealth {
            status: get("health")?,
            message: row.try_get("health_message").map_err(backend)?,
            checked_at: from_ots(row.try_get("health_checked_at").map_err(backend)?)?,
        },
    })
}

fn distribution_from_row(row: &DbRow) -> Result<Distribution, StoreError> {
    let key: String = row.try_get("key_id").map_err(backend)?;
    let ks: String = row.try_get("keystore_id").map_err(backend)?;
    let version: i64 = row.try_get("version").map_err(backend)?;
    let attempts: i64 = row.try_get("attempts").map_err(backend)?;
    Ok(Distribution {
        key_id: KeyId(uuid(&key)?),
        keystore_id: uuid(&ks)?,
        version: u32::try_from(version).map_err(|_| corrupt("distribution version"))?,
        remote_id: row.try_get("remote_id").map_err(backend)?,
        applied: row.try_get("applied").map_err(backend)?,
        remote_state: row.try_get("remote_state").map_err(backend)?,
        check_value: row.try_get("check_value").map_err(backend)?,
        out_of_sync: row.try_get("out_of_sync").map_err(backend)?,
        last_error: row.try_get("last_error").map_err(backend)?,
        last_checked_at: from_ots(row.try_get("last_checked_at").map_err(backend)?)?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        next_attempt_at: from_ots(row.try_get("next_attempt_at").map_err(backend)?)?,
        destroy_until: from_ots(row.try_get("destroy_until").map_err(backend)?)?,
        mac: super::mac(row)?,
    })
}

impl DbStore {
    pub(super) async fn keystore_create(&self, k: &KeystoreRecord) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO keystores ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        ))
        .bind(k.id.to_string())
        .bind(k.vault_id.0.to_string())
        .bind(k.name.as_str())
        .bind(k.kind.as_str())
        .bind(k.placement.as_str())
        .bind(k.settings.to_string())
        .bind(&k.sealed_credentials)
        .bind(ts(k.created_at))
        .bind(ts(k.updated_at))
        .bind(i64::try_from(k.revision).unwrap_or(i64::MAX))
        .bind(&k.mac)
        .bind(&k.health.status)
        .bind(&k.health.message)
        .bind(ots(k.health.checked_at))
        .execute(&self.writer)
        .await
        .map_err(map_write)?;
        Ok(())
    }

    pub(super) async fn keystore_get(
        &self,
        id: Uuid,
    ) -> Result<Option<KeystoreRecord>, StoreError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM keystores WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?
            .as_ref()
            .map(keystore_from_row)
            .transpose()
    }

    pub(super) async fn keystore_by_name(
        &self,
        vault: VaultId,
        name: &str,
    ) -> Result<Option<KeystoreRecord>, StoreError> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM keystores WHERE vault_id = $1 AND name = $2"
        ))
        .bind(vault.0.to_string())
        .bind(name)
        .fetch_optional(&self.reader)
        .await
        .map_err(backend)?
        .as_ref()
        .map(keystore_from_row)
        .transpose()
    }

    pub(super) async fn keystore_list(
        &self,
        vault: Option<VaultId>,
    ) -> Result<Vec<KeystoreRecord>, StoreError> {
        let rows = match vault {
            Some(v) => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM keystores WHERE vault_id = $1 ORDER BY name"
                ))
                .bind(v.0.to_string())
                .fetch_all(&self.reader)
                .await
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM keystores ORDER BY vault_id, name"
                ))
                .fetch_all(&self.reader)
                .await
            }
        }
        .map_err(backend)?;
        rows.iter().map(keystore_from_row).collect()
    }

    pub(super) async fn keystore_update(&self, k: &KeystoreRecord) -> Result<(), StoreError> {
        let old = i64::try_from(k.revision).map_err(|_| StoreError::Conflict)?;
        let done = sqlx::query(
            "UPDATE keystores SET settings = $1, sealed_credentials = $2, updated_at = $3, \
             revision = revision + 1, mac = $4 WHERE id = $5 AND revision = $6",
        )
        .bind(k.settings.to_string())
        .bind(&k.sealed_credentials)
        .bind(ts(k.updated_at))
        .bind(&k.mac)
        .bind(k.id.to_string())
        .bind(old)
        .execute(&self.writer)
        .await
        .map_err(map_write)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        Ok(())
    }

    pub(super) async fn keystore_delete(&self, id: Uuid) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let used: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM key_targets WHERE keystore_id = $1) + \
             (SELECT COUNT(*) FROM key_distributions WHERE keystore_id = $1)",
        )
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(backend)?;
        if used > 0 {
            return Err(StoreError::NotEmpty);
        }
        let done = sqlx::query("DELETE FROM keystores WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(done.rows_affected() > 0)
    }

    pub(super) async fn keystore_health(
        &self,
        id: Uuid,
        h: &KeystoreHealth,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE keystores SET health = $1, health_message = $2, health_checked_at = $3 \
             WHERE id = $4",
        )
        .bind(&h.status)
        .bind(&h.message)
        .bind(ots(h.checked_at))
        .bind(id.to_string())
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(())
    }

    pub(super) async fn target_add(
        &self,
        key: KeyId,
        keystore: Uuid,
        at: OffsetDateTime,
        mac: &[u8],
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO key_targets (key_id, keystore_id, added_at, mac) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key_id, keystore_id) DO NOTHING",
        )
        .bind(key.0.to_string())
        .bind(keystore.to_string())
        .bind(ts(at))
        .bind(mac)
        .execute(&self.writer)
        .await
        .map_err(map_write)?;
        Ok(())
    }

    pub(super) async fn targets(&self, key: KeyId) -> Result<Vec<(Uuid, Vec<u8>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT keystore_id, mac FROM key_targets WHERE key_id = $1 \
             ORDER BY added_at, keystore_id",
        )
        .bind(key.0.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get("keystore_id").map_err(backend)?;
                Ok((uuid(&id)?, super::mac(r)?))
            })
            .collect()
    }

    pub(super) async fn distributions_of(
        &self,
        key: KeyId,
    ) -> Result<Vec<Distribution>, StoreError> {
        sqlx::query(
            "SELECT * FROM key_distributions WHERE key_id = $1 ORDER BY keystore_id, version",
        )
        .bind(key.0.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?
        .iter()
        .map(distribution_from_row)
        .collect()
    }

    pub(super) async fn distribution_put(&self, d: &Distribution) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO key_distributions (key_id, keystore_id, version, remote_id, \
             applied, remote_state, check_value, out_of_sync, last_error, last_checked_at, \
             attempts, next_attempt_at, destroy_until, mac) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (key_id, keystore_id, version) DO UPDATE SET \
             remote_id = excluded.remote_id, applied = excluded.applied, \
             remote_state = excluded.remote_state, check_value = excluded.check_value, \
             out_of_sync = excluded.out_of_sync, last_error = excluded.last_error, \
             last_checked_at = excluded.last_checked_at, attempts = excluded.attempts, \
             next_attempt_at = excluded.next_attempt_at, \
             destroy_until = excluded.destroy_until, mac = excluded.mac",
        )
        .bind(d.key_id.0.to_string())
        .bind(d.keystore_id.to_string())
        .bind(i64::from(d.version))
        .bind(&d.remote_id)
        .bind(&d.applied)
        .bind(&d.remote_state)
        .bind(&d.check_value)
        .bind(&d.out_of_sync)
        .bind(&d.last_error)
        .bind(ots(d.last_checked_at))
        .bind(i64::from(d.attempts))
        .bind(ots(d.next_attempt_at))
        .bind(ots(d.destroy_until))
        .bind(&d.mac)
        .execute(&self.writer)
        .await
        .map_err(map_write)?;
        Ok(())
    }

    pub(super) async fn distributed(
        &self,
        after: Option<KeyId>,
        limit: u32,
    ) -> Result<Vec<KeyId>, StoreError> {
        let after = after.map(|a| a.0.to_string()).unwrap_or_default();
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT key_id FROM key_targets WHERE key_id > $1 ORDER BY key_id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        ids.iter().map(|s| uuid(s).map(KeyId)).collect()
    }

    pub(super) async fn destruction_pending(
        &self,
        key: KeyId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        // Every target must have a record per version that was destroyed and whose pending
        // period is over; a target without records never received the key.
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM key_distributions d \
             JOIN key_targets t ON t.key_id = d.key_id AND t.keystore_id = d.keystore_id \
             WHERE d.key_id = $1 AND d.remote_id IS NOT NULL \
             AND (d.applied <> 'destroyed' OR (d.destroy_until IS NOT NULL AND d.destroy_until > $2))",
        )
        .bind(key.0.to_string())
        .bind(ts(now))
        .fetch_one(&self.reader)
        .await
        .map_err(backend)?;
        Ok(pending > 0)
    }
}
