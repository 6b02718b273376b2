//! The audit log and its checkpoints.

use keyhaven_core::access::Outcome;
use keyhaven_core::merkle::Hash;
use keyhaven_core::{
    AuditEvent, AuditFilter, AuditRecord, Checkpoint, KeyId, StoreError, StoredCheckpoint,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};

use super::{backend, corrupt, from_ts, map_write, ts, uuid, SqliteStore};

/// Rows per INSERT statement (14 values each, well under SQLite's variable limit).
const ROWS_PER_INSERT: usize = 64;

fn hash(v: Vec<u8>) -> Result<Hash, StoreError> {
    v.try_into().map_err(|_| corrupt("hash"))
}

fn record_from_row(row: &SqliteRow) -> Result<AuditRecord, StoreError> {
    let seq: i64 = row.try_get("seq").map_err(backend)?;
    let key: Option<String> = row.try_get("key_id").map_err(backend)?;
    let version: Option<i64> = row.try_get("key_version").map_err(backend)?;
    let outcome: String = row.try_get("outcome").map_err(backend)?;
    Ok(AuditRecord {
        seq: u64::try_from(seq).map_err(|_| corrupt("audit seq"))?,
        event: AuditEvent {
            at: from_ts(row.try_get("at").map_err(backend)?)?,
            request_id: row.try_get("request_id").map_err(backend)?,
            principal: row.try_get("principal").map_err(backend)?,
            source: row.try_get("source").map_err(backend)?,
            action: row.try_get("action").map_err(backend)?,
            route: row.try_get("route").map_err(backend)?,
            vault: row.try_get("vault").map_err(backend)?,
            key: key.as_deref().map(uuid).transpose()?.map(KeyId),
            key_version: version
                .map(|v| u32::try_from(v).map_err(|_| corrupt("audit key version")))
                .transpose()?,
            outcome: Outcome::parse(&outcome).ok_or_else(|| corrupt("audit outcome"))?,
            code: row.try_get("code").map_err(backend)?,
            detail: row.try_get("detail").map_err(backend)?,
        },
        leaf_hash: hash(row.try_get("leaf_hash").map_err(backend)?)?,
    })
}

fn checkpoint_from_row(row: &SqliteRow) -> Result<Checkpoint, StoreError> {
    let size: i64 = row.try_get("tree_size").map_err(backend)?;
    Ok(Checkpoint {
        tree_size: u64::try_from(size).map_err(|_| corrupt("checkpoint size"))?,
        root: hash(row.try_get("root").map_err(backend)?)?,
        at: from_ts(row.try_get("at").map_err(backend)?)?,
        signature: row.try_get("signature").map_err(backend)?,
    })
}

fn seq_param(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Appends events (in order) inside a transaction.
pub(crate) async fn insert_events(
    tx: &mut Transaction<'_, Sqlite>,
    events: &[AuditEvent],
) -> Result<(), StoreError> {
    for chunk in events.chunks(ROWS_PER_INSERT) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO audit_log (at, request_id, principal, source, action, route, vault, \
             key_id, key_version, outcome, code, detail, leaf_hash) ",
        );
        qb.push_values(chunk, |mut b, e| {
            b.push_bind(ts(e.at))
                .push_bind(e.request_id.clone())
                .push_bind(e.principal.clone())
                .push_bind(e.source.clone())
                .push_bind(e.action.clone())
                .push_bind(e.route.clone())
                .push_bind(e.vault.clone())
                .push_bind(e.key.map(|k| k.0.to_string()))
                .push_bind(e.key_version.map(i64::from))
                .push_bind(e.outcome.name())
                .push_bind(e.code.clone())
                .push_bind(e.detail.clone())
                .push_bind(e.leaf_hash().to_vec());
        });
        qb.build().execute(&mut **tx).await.map_err(map_write)?;
    }
    Ok(())
}

impl SqliteStore {
    pub(crate) async fn audit_append(&self, events: &[AuditEvent]) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let mut tx = self.writer.begin().await.map_err(backend)?;
        insert_events(&mut tx, events).await?;
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn audit_after(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        sqlx::query("SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?")
            .bind(seq_param(after))
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?
            .iter()
            .map(record_from_row)
            .collect()
    }

    pub(crate) async fn audit_leaf_hashes(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<(u64, Hash)>, StoreError> {
        let rows =
            sqlx::query("SELECT seq, leaf_hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?")
                .bind(seq_param(after))
                .bind(i64::from(limit))
                .fetch_all(&self.reader)
                .await
                .map_err(backend)?;
        rows.iter()
            .map(|row| {
                let seq: i64 = row.try_get("seq").map_err(backend)?;
                Ok((
                    u64::try_from(seq).map_err(|_| corrupt("audit seq"))?,
                    hash(row.try_get("leaf_hash").map_err(backend)?)?,
                ))
            })
            .collect()
    }

    pub(crate) async fn audit_query(
        &self,
        f: &AuditFilter,
        cursor: Option<u64>,
        limit: u32,
        descending: bool,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT * FROM audit_log WHERE 1 = 1");
        if let Some(k) = f.key {
            qb.push(" AND key_id = ").push_bind(k.0.to_string());
        }
        if let Some(p) = &f.principal {
            qb.push(" AND principal = ").push_bind(p.clone());
        }
        if let Some(a) = &f.action {
            qb.push(" AND action = ").push_bind(a.clone());
        }
        if let Some(o) = f.outcome {
            qb.push(" AND outcome = ").push_bind(o.name());
        }
        if let Some(v) = &f.vault {
            qb.push(" AND vault = ").push_bind(v.clone());
        }
        if let Some(t) = f.since {
            qb.push(" AND at >= ").push_bind(ts(t));
        }
        if let Some(t) = f.until {
            qb.push(" AND at < ").push_bind(ts(t));
        }
        if let Some(c) = cursor {
            qb.push(if descending {
                " AND seq < "
            } else {
                " AND seq > "
            })
            .push_bind(seq_param(c));
        }
        qb.push(if descending {
            " ORDER BY seq DESC LIMIT "
        } else {
            " ORDER BY seq LIMIT "
        })
        .push_bind(i64::from(limit));
        qb.build()
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?
            .iter()
            .map(record_from_row)
            .collect()
    }

    pub(crate) async fn checkpoint_add(&self, cp: &StoredCheckpoint) -> Result<(), StoreError> {
        let c = &cp.checkpoint;
        sqlx::query(
            "INSERT INTO audit_checkpoints (tree_size, root, at, signature, frontier) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(seq_param(c.tree_size))
        .bind(&c.root[..])
        .bind(ts(c.at))
        .bind(&c.signature)
        .bind(&cp.frontier)
        .execute(&self.writer)
        .await
        .map_err(map_write)?;
        Ok(())
    }

    pub(crate) async fn checkpoint_last(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        let Some(row) =
            sqlx::query("SELECT * FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1")
                .fetch_optional(&self.reader)
                .await
                .map_err(backend)?
        else {
            return Ok(None);
        };
        Ok(Some(StoredCheckpoint {
            checkpoint: checkpoint_from_row(&row)?,
            frontier: row.try_get("frontier").map_err(backend)?,
        }))
    }

    pub(crate) async fn checkpoint_all(&self) -> Result<Vec<Checkpoint>, StoreError> {
        sqlx::query("SELECT * FROM audit_checkpoints ORDER BY tree_size")
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?
            .iter()
            .map(checkpoint_from_row)
            .collect()
    }
}
