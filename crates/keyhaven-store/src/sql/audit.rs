//! The audit log and its checkpoints.
//!
//! Records are stored in batches (one row per append: `count` consecutive records from
//! `first_seq`, each framed as u32 BE length || canonical bytes, and the leaf hashes in a
//! column of their own), with a lookup
//! index from key, principal, vault, action and outcome to the batches that mention them.
//! Reading decodes batches; a record whose bytes no longer decode is returned as an
//! "undecodable" placeholder, whose recomputed hash cannot match, so verification names it.

use std::collections::BTreeSet;

use super::DbRow;
use keyhaven_core::access::Outcome;
use keyhaven_core::merkle::Hash;
use keyhaven_core::{
    AuditEvent, AuditFilter, AuditRecord, Checkpoint, StoreError, StoredCheckpoint,
};
use sqlx::{QueryBuilder, Row, Transaction};

use super::{backend, corrupt, dialect, from_ts, map_write, ts, Db, DbStore};

/// Batches read per round trip.
const BATCH_PAGE: i64 = 64;

/// The lookup index kinds.
const KIND_KEY: i64 = 1;
const KIND_PRINCIPAL: i64 = 2;
const KIND_VAULT: i64 = 3;
const KIND_ACTION: i64 = 4;
const KIND_OUTCOME: i64 = 5;

fn hash(v: Vec<u8>) -> Result<Hash, StoreError> {
    v.try_into().map_err(|_| corrupt("hash"))
}

fn seq_param(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The lookup index entries (kind, value) of some records, distinct.
fn index_of<'a>(events: impl IntoIterator<Item = &'a AuditEvent>) -> BTreeSet<(i64, String)> {
    // Borrowed while gathering: a batch repeats the same few values many times.
    let mut keys: BTreeSet<keyhaven_core::KeyId> = BTreeSet::new();
    let mut terms: BTreeSet<(i64, &str)> = BTreeSet::new();
    for e in events {
        if let Some(k) = e.key {
            keys.insert(k);
        }
        if let Some(p) = &e.principal {
            terms.insert((KIND_PRINCIPAL, p));
        }
        if let Some(v) = &e.vault {
            terms.insert((KIND_VAULT, v));
        }
        terms.insert((KIND_ACTION, &e.action));
        terms.insert((KIND_OUTCOME, e.outcome.name()));
    }
    keys.into_iter()
        .map(|k| (KIND_KEY, k.0.to_string()))
        .chain(terms.into_iter().map(|(k, v)| (k, v.to_owned())))
        .collect()
}

/// A stored record whose bytes do not decode any more (changed in the database).
fn undecodable(seq: u64, leaf_hash: Hash, why: &str) -> AuditRecord {
    AuditRecord {
        seq,
        leaf_hash,
        event: AuditEvent {
            at: time::OffsetDateTime::UNIX_EPOCH,
            request_id: None,
            principal: None,
            source: None,
            action: "(undecodable record)".to_owned(),
            route: None,
            vault: None,
            key: None,
            key_version: None,
            outcome: Outcome::Failure,
            code: None,
            detail: Some(format!("the stored record cannot be read: {why}")),
        },
    }
}

/// The (seq, leaf hash) pairs of a batch row, from the framing alone (no record decoding):
/// what checkpointing needs. A broken framing yields zero hashes, which fail verification.
fn batch_leaves(row: &DbRow) -> Result<Vec<(u64, Hash)>, StoreError> {
    let first: i64 = row.try_get("first_seq").map_err(backend)?;
    let count: i64 = row.try_get("count").map_err(backend)?;
    let leaves: Vec<u8> = row.try_get("leaves").map_err(backend)?;
    let first_seq = u64::try_from(first).map_err(|_| corrupt("audit seq"))?;
    let count = u64::try_from(count).unwrap_or(0).min(1 << 20);
    Ok((0..count)
        .map(|i| (first_seq.saturating_add(i), leaf_at(&leaves, i)))
        .collect())
}

/// The `i`th hash of a leaves column (zeros where it is too short: that fails verification).
fn leaf_at(leaves: &[u8], i: u64) -> Hash {
    usize::try_from(i)
        .ok()
        .and_then(|i| leaves.get(i * 32..i * 32 + 32))
        .and_then(|h| h.try_into().ok())
        .unwrap_or([0; 32])
}

/// One stored batch, decoded.
struct Batch {
    first_seq: u64,
    records: Vec<AuditRecord>,
}

fn decode_batch(row: &DbRow) -> Result<Batch, StoreError> {
    let first: i64 = row.try_get("first_seq").map_err(backend)?;
    let count: i64 = row.try_get("count").map_err(backend)?;
    let blob: Vec<u8> = row.try_get("records").map_err(backend)?;
    let leaves: Vec<u8> = row.try_get("leaves").map_err(backend)?;
    let first_seq = u64::try_from(first).map_err(|_| corrupt("audit seq"))?;
    // A count changed in the database is taken at its word: missing records then read as
    // undecodable, extra records as a gap or overlap, both named by verification.
    let count = u64::try_from(count).unwrap_or(0).min(1 << 20);
    let mut records = Vec::new();
    let mut rest: &[u8] = &blob;
    for i in 0..count {
        let seq = first_seq.saturating_add(i);
        let leaf_hash = leaf_at(&leaves, i);
        let framed = rest.split_at_checked(4).and_then(|(len, tail)| {
            let len = u32::from_be_bytes(len.try_into().ok()?) as usize;
            tail.split_at_checked(len)
        });
        let Some((bytes, tail)) = framed else {
            // The framing is broken from here: every remaining record is unreadable.
            records.push(undecodable(seq, leaf_hash, "the batch framing is broken"));
            rest = &[];
            continue;
        };
        rest = tail;
        records.push(match AuditEvent::decode(bytes) {
            Some(event) => AuditRecord {
                seq,
                event,
                leaf_hash,
            },
            None => undecodable(seq, leaf_hash, "its bytes are not a record"),
        });
    }
    Ok(Batch { first_seq, records })
}

/// A batch ready to store.
struct Encoded {
    count: i64,
    min_at: i64,
    max_at: i64,
    records: Vec<u8>,
    leaves: Vec<u8>,
    /// Lookup index entries (kind, value), distinct.
    index: Vec<(i64, String)>,
}

fn encode(events: &[AuditEvent]) -> Result<Encoded, StoreError> {
    let mut records = Vec::with_capacity(events.len() * 240);
    let mut leaves = Vec::with_capacity(events.len() * 32);
    let (mut min_at, mut max_at) = (i64::MAX, i64::MIN);
    for e in events {
        let bytes = e.canonical();
        let len = u32::try_from(bytes.len()).map_err(|_| corrupt("audit record size"))?;
        records.extend_from_slice(&len.to_be_bytes());
        records.extend_from_slice(&bytes);
        leaves.extend_from_slice(&keyhaven_core::merkle::leaf_hash(&bytes));
        let at = ts(e.at);
        min_at = min_at.min(at);
        max_at = max_at.max(at);
    }
    Ok(Encoded {
        count: i64::try_from(events.len()).map_err(|_| corrupt("audit batch size"))?,
        min_at,
        max_at,
        records,
        leaves,
        index: index_of(events).into_iter().collect(),
    })
}

/// The first seq the next batch gets: one past the last batch.
const NEXT_FIRST_SEQ: &str =
    "(SELECT COALESCE((SELECT first_seq + count FROM audit_batches ORDER BY first_seq DESC \
     LIMIT 1), 1))";

/// The statements that store a batch: the batch row (its first seq follows the last batch)
/// and its index entries (pointing at the row just inserted). On SQLite two statements sent
/// together, whatever the batch size: a round trip to the database thread costs more than the
/// rows. On PostgreSQL one statement (the batch insert feeds the index insert).
fn batch_statements<'a>(qb: &mut QueryBuilder<'a, Db>, b: &'a Encoded) {
    if dialect::PG && !b.index.is_empty() {
        qb.push("WITH b AS (");
    }
    qb.push(
        "INSERT INTO audit_batches (first_seq, count, min_at, max_at, records, leaves) VALUES (",
    )
    .push(NEXT_FIRST_SEQ)
    .push(", ");
    qb.push_bind(b.count)
        .push(", ")
        .push_bind(b.min_at)
        .push(", ")
        .push_bind(b.max_at)
        .push(", ")
        .push_bind(&b.records[..])
        .push(", ")
        .push_bind(&b.leaves[..])
        .push(")");
    if b.index.is_empty() {
        qb.push(";");
        return;
    }
    if dialect::PG {
        qb.push(
            " RETURNING first_seq) INSERT INTO audit_index (kind, value, first_seq) \
             SELECT e.kind, e.value, b.first_seq FROM b CROSS JOIN (",
        );
        qb.push_values(&b.index, |mut row, (kind, value)| {
            row.push_bind(*kind).push_bind(value.as_str());
        });
        qb.push(") AS e (kind, value)");
    } else {
        // audit_index is WITHOUT ROWID, so last_insert_rowid() stays the batch's first_seq.
        qb.push("; INSERT INTO audit_index (kind, value, first_seq) ");
        qb.push_values(&b.index, |mut row, (kind, value)| {
            row.push_bind(*kind)
                .push_bind(value.as_str())
                .push("last_insert_rowid()");
        });
        qb.push(";");
    }
}

/// Appends events (in order) as one batch inside a transaction. The batch takes the next
/// seqs: on PostgreSQL the transaction first locks the log against other writers (readers
/// go on), so every node appends to one order and no seq is taken twice.
pub(crate) async fn insert_events(
    tx: &mut Transaction<'_, Db>,
    events: &[AuditEvent],
) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    let batch = encode(events)?;
    dialect::lock_audit(tx).await?;
    let mut qb = QueryBuilder::new("");
    batch_statements(&mut qb, &batch);
    qb.build().execute(&mut **tx).await.map_err(map_write)?;
    Ok(())
}

fn matches(f: &AuditFilter, e: &AuditEvent) -> bool {
    f.key.is_none_or(|k| e.key == Some(k))
        && f.principal
            .as_deref()
            .is_none_or(|p| e.principal.as_deref() == Some(p))
        && f.action.as_deref().is_none_or(|a| e.action == a)
        && f.outcome.is_none_or(|o| e.outcome == o)
        && f.vault
            .as_deref()
            .is_none_or(|v| e.vault.as_deref() == Some(v))
        && f.since.is_none_or(|t| e.at >= t)
        && f.until.is_none_or(|t| e.at < t)
}

/// The most selective index entry a filter names.
fn driving_entry(f: &AuditFilter) -> Option<(i64, String)> {
    if let Some(k) = f.key {
        return Some((KIND_KEY, k.0.to_string()));
    }
    if let Some(p) = &f.principal {
        return Some((KIND_PRINCIPAL, p.clone()));
    }
    if let Some(v) = &f.vault {
        return Some((KIND_VAULT, v.clone()));
    }
    if let Some(a) = &f.action {
        return Some((KIND_ACTION, a.clone()));
    }
    f.outcome.map(|o| (KIND_OUTCOME, o.name().to_owned()))
}

impl DbStore {
    /// Appends a batch of records in one transaction (`synchronous=FULL`, like every write).
    pub(crate) async fn audit_append(&self, events: &[AuditEvent]) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        if dialect::PG {
            let mut tx = self.writer.begin().await.map_err(backend)?;
            insert_events(&mut tx, events).await?;
            return tx.commit().await.map_err(backend);
        }
        let batch = encode(events)?;
        let mut conn = self.writer.acquire().await.map_err(backend)?;
        // One round trip: BEGIN, the two statements, COMMIT.
        let mut qb = QueryBuilder::new("BEGIN IMMEDIATE; ");
        batch_statements(&mut qb, &batch);
        qb.push(" COMMIT;");
        let written = qb.build().execute(&mut *conn).await;
        if let Err(e) = written {
            // Leave no transaction open on a pooled connection.
            if sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
                let _ = conn.detach();
            }
            return Err(map_write(e));
        }
        Ok(())
    }

    /// Up to [`BATCH_PAGE`] batches from `first_seq` on, in order; `columns` is a constant.
    async fn batches_from(
        &self,
        first_seq: i64,
        columns: &'static str,
    ) -> Result<Vec<DbRow>, StoreError> {
        let sql = format!(
            "SELECT {columns} FROM audit_batches WHERE first_seq >= $1 ORDER BY first_seq LIMIT $2"
        );
        sqlx::query(&sql)
            .bind(first_seq)
            .bind(BATCH_PAGE)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)
    }

    /// The first seq of the batch holding record `seq` (or of the first batch after it).
    async fn batch_start(&self, seq: u64) -> Result<i64, StoreError> {
        let start: Option<i64> = sqlx::query_scalar(
            "SELECT first_seq FROM audit_batches WHERE first_seq <= $1 \
             ORDER BY first_seq DESC LIMIT 1",
        )
        .bind(seq_param(seq))
        .fetch_optional(&self.reader)
        .await
        .map_err(backend)?;
        Ok(start.unwrap_or(0))
    }

    pub(crate) async fn audit_after(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let mut out = Vec::new();
        let mut from = self.batch_start(after.saturating_add(1)).await?;
        'pages: loop {
            let rows = self.batches_from(from, "*").await?;
            let n = rows.len();
            for row in &rows {
                let batch = decode_batch(row)?;
                from = seq_param(batch.first_seq.saturating_add(1));
                for r in batch.records {
                    if r.seq > after {
                        out.push(r);
                        if out.len() >= limit as usize {
                            break 'pages;
                        }
                    }
                }
            }
            if n < BATCH_PAGE as usize {
                break;
            }
        }
        Ok(out)
    }

    pub(crate) async fn audit_leaf_hashes(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<(u64, Hash)>, StoreError> {
        let mut out = Vec::new();
        let mut from = self.batch_start(after.saturating_add(1)).await?;
        loop {
            let rows = self.batches_from(from, "first_seq, count, leaves").await?;
            let n = rows.len();
            for row in &rows {
                for (seq, leaf) in batch_leaves(row)? {
                    from = seq_param(seq.saturating_add(1));
                    if seq > after {
                        out.push((seq, leaf));
                        if out.len() >= limit as usize {
                            return Ok(out);
                        }
                    }
                }
            }
            if n < BATCH_PAGE as usize {
                return Ok(out);
            }
        }
    }

    pub(crate) async fn audit_query(
        &self,
        f: &AuditFilter,
        cursor: Option<u64>,
        limit: u32,
        descending: bool,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let drive = driving_entry(f);
        // Batches before (descending) or from (ascending) the cursor's batch.
        let mut bound: i64 = match (cursor, descending) {
            (None, false) => 0,
            (None, true) => i64::MAX,
            (Some(c), false) => self.batch_start(c.saturating_add(1)).await?,
            (Some(c), true) => seq_param(c.saturating_sub(1)),
        };
        let mut out = Vec::new();
        loop {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new("SELECT b.* FROM audit_batches b");
            if let Some((kind, value)) = &drive {
                qb.push(" JOIN audit_index i ON i.first_seq = b.first_seq AND i.kind = ")
                    .push_bind(*kind)
                    .push(" AND i.value = ")
                    .push_bind(value.clone());
            }
            qb.push(" WHERE 1 = 1");
            if descending {
                qb.push(" AND b.first_seq <= ").push_bind(bound);
            } else {
                qb.push(" AND b.first_seq >= ").push_bind(bound);
            }
            if let Some(t) = f.since {
                qb.push(" AND b.max_at >= ").push_bind(ts(t));
            }
            if let Some(t) = f.until {
                qb.push(" AND b.min_at < ").push_bind(ts(t));
            }
            qb.push(if descending {
                " ORDER BY b.first_seq DESC LIMIT "
            } else {
                " ORDER BY b.first_seq LIMIT "
            })
            .push_bind(BATCH_PAGE);
            let rows = qb.build().fetch_all(&self.reader).await.map_err(backend)?;
            let n = rows.len();
            for row in &rows {
                let batch = decode_batch(row)?;
                let first = seq_param(batch.first_seq);
                bound = if descending {
                    first.saturating_sub(1)
                } else {
                    first.saturating_add(1)
                };
                let mut records = batch.records;
                if descending {
                    records.reverse();
                }
                for r in records {
                    let after_cursor = match (cursor, descending) {
                        (None, _) => true,
                        (Some(c), false) => r.seq > c,
                        (Some(c), true) => r.seq < c,
                    };
                    if after_cursor && matches(f, &r.event) {
                        out.push(r);
                        if out.len() >= limit as usize {
                            return Ok(out);
                        }
                    }
                }
            }
            if n < BATCH_PAGE as usize || bound < 0 {
                return Ok(out);
            }
        }
    }

    /// First seqs of batches whose lookup index entries differ from what their records say.
    pub(crate) async fn audit_index_mismatches(&self) -> Result<Vec<u64>, StoreError> {
        let mut bad = Vec::new();
        let mut from = 0i64;
        loop {
            let rows = self.batches_from(from, "*").await?;
            let n = rows.len();
            for row in &rows {
                let batch = decode_batch(row)?;
                from = seq_param(batch.first_seq.saturating_add(1));
                let expected = index_of(batch.records.iter().map(|r| &r.event));
                let stored: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT kind, value FROM audit_index WHERE first_seq = $1 ORDER BY kind, value",
                )
                .bind(seq_param(batch.first_seq))
                .fetch_all(&self.reader)
                .await
                .map_err(backend)?;
                let stored: BTreeSet<(i64, String)> = stored.into_iter().collect();
                // Undecodable records are named by the verifier; compare the rest.
                let undecodable = batch
                    .records
                    .iter()
                    .any(|r| r.event.action == "(undecodable record)");
                if !undecodable && stored != expected {
                    bad.push(batch.first_seq);
                }
            }
            if n < BATCH_PAGE as usize {
                return Ok(bad);
            }
        }
    }

    pub(crate) async fn checkpoint_add(&self, cp: &StoredCheckpoint) -> Result<(), StoreError> {
        let c = &cp.checkpoint;
        sqlx::query(
            "INSERT INTO audit_checkpoints (tree_size, root, at, signature, frontier) \
             VALUES ($1, $2, $3, $4, $5)",
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

fn checkpoint_from_row(row: &DbRow) -> Result<Checkpoint, StoreError> {
    let size: i64 = row.try_get("tree_size").map_err(backend)?;
    Ok(Checkpoint {
        tree_size: u64::try_from(size).map_err(|_| corrupt("checkpoint size"))?,
        root: hash(row.try_get("root").map_err(backend)?)?,
        at: from_ts(row.try_get("at").map_err(backend)?)?,
        signature: row.try_get("signature").map_err(backend)?,
    })
}
