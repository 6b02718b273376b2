//! The seal record, root key generations and root key rotation.

use super::DbRow;
use keyhaven_core::{RootKeyRecord, RootRotation, SealRecord, StoreError};
use sqlx::Row;

use super::{audit, backend, dialect, from_ts, map_write, ts, DbStore};

fn seal_from_row(row: &DbRow) -> Result<SealRecord, StoreError> {
    let generation: i64 = row.try_get("root_generation").map_err(backend)?;
    Ok(SealRecord {
        method: row.try_get("method").map_err(backend)?,
        params: row.try_get("params").map_err(backend)?,
        root_generation: u32::try_from(generation)
            .map_err(|_| super::corrupt("root generation"))?,
        wrapped_system_secret: row.try_get("wrapped_system_secret").map_err(backend)?,
        created_at: from_ts(row.try_get("created_at").map_err(backend)?)?,
        updated_at: from_ts(row.try_get("updated_at").map_err(backend)?)?,
    })
}

impl DbStore {
    pub(crate) async fn seal_get(&self) -> Result<Option<SealRecord>, StoreError> {
        sqlx::query("SELECT * FROM seal WHERE id = 1")
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?
            .as_ref()
            .map(seal_from_row)
            .transpose()
    }

    pub(crate) async fn seal_init(
        &self,
        seal: &SealRecord,
        root: &RootKeyRecord,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        sqlx::query(
            "INSERT INTO seal (id, method, params, root_generation, wrapped_system_secret, \
             created_at, updated_at) VALUES (1, $1, $2, $3, $4, $5, $6)",
        )
        .bind(&seal.method)
        .bind(&seal.params)
        .bind(i64::from(seal.root_generation))
        .bind(&seal.wrapped_system_secret)
        .bind(ts(seal.created_at))
        .bind(ts(seal.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| match map_write(e) {
            // The CHECK / primary key on id = 1 makes a second init a unique violation.
            StoreError::AlreadyExists => StoreError::AlreadyExists,
            other => other,
        })?;
        insert_root(&mut tx, root).await?;
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn roots(&self) -> Result<Vec<RootKeyRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM root_keys ORDER BY generation")
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|row| {
                let g: i64 = row.try_get("generation").map_err(backend)?;
                Ok(RootKeyRecord {
                    generation: u32::try_from(g).map_err(|_| super::corrupt("root generation"))?,
                    wrapped: row.try_get("wrapped").map_err(backend)?,
                    created_at: from_ts(row.try_get("created_at").map_err(backend)?)?,
                })
            })
            .collect()
    }

    pub(crate) async fn root_add(&self, root: &RootKeyRecord) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        insert_root(&mut tx, root).await?;
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn root_rotate(&self, r: RootRotation<'_>) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        // PostgreSQL: hold the seal row, so no vault is created on another node meanwhile.
        sqlx::query(&format!(
            "SELECT id FROM seal WHERE id = 1{}",
            dialect::FOR_UPDATE
        ))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        for v in r.vaults {
            sqlx::query(
                "UPDATE vaults SET sealed_kek = $1, root_generation = $2, updated_at = $3, mac = $4 \
                 WHERE id = $5",
            )
            .bind(&v.sealed_kek)
            .bind(i64::from(v.root_generation))
            .bind(ts(v.updated_at))
            .bind(&v.mac)
            .bind(v.id.0.to_string())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        // A vault created after the caller listed them is still on an old generation.
        let stale: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(1 AS BIGINT) FROM vaults WHERE root_generation != $1 LIMIT 1",
        )
        .bind(i64::from(r.generation))
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        if stale.is_some() {
            return Err(StoreError::Conflict);
        }
        let done = sqlx::query(
            "UPDATE seal SET root_generation = $1, wrapped_system_secret = $2, updated_at = $3 \
             WHERE id = 1",
        )
        .bind(i64::from(r.generation))
        .bind(r.wrapped_system_secret)
        .bind(ts(r.at))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Backend("no seal record".to_owned()));
        }
        for g in r.retire {
            sqlx::query("DELETE FROM root_keys WHERE generation = $1")
                .bind(i64::from(*g))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        audit::insert_events(&mut tx, std::slice::from_ref(r.audit)).await?;
        tx.commit().await.map_err(backend)?;
        Ok(())
    }
}

async fn insert_root(
    tx: &mut sqlx::Transaction<'_, super::Db>,
    root: &RootKeyRecord,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO root_keys (generation, wrapped, created_at) VALUES ($1, $2, $3)")
        .bind(i64::from(root.generation))
        .bind(&root.wrapped)
        .bind(ts(root.created_at))
        .execute(&mut **tx)
        .await
        .map_err(map_write)?;
    Ok(())
}
