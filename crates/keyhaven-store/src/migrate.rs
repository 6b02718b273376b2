//! Copying a SQLite instance into PostgreSQL (`keyhaven migrate`).
//!
//! Rows are copied as they are stored: sealed material stays sealed under the same root key
//! and every integrity MAC stays valid, so the PostgreSQL cluster unseals with the same
//! unseal source and serves the same keys. The copy runs in one PostgreSQL transaction (a
//! failure leaves the target as it was) into a target that must be empty. [`verify`] then
//! compares every table: row counts and a SHA-256 chain over each row's values in primary-key
//! order, on both sides.

use std::future::poll_fn;
use std::pin::Pin;

use futures_core::Stream;
use keyhaven_core::backup::{encode_cell, Cell, Column, ColumnKind};
use keyhaven_core::merkle::leaf_hash;
use keyhaven_core::StoreError;
use sqlx::{Row, SqliteConnection};

use crate::{PgStore, SqliteStore};

/// The tables copied, parents before children. (`job_leases` is not copied: leases belong
/// to running nodes.)
pub const TABLES: &[&str] = &[
    "seal",
    "root_keys",
    "vaults",
    "principals",
    "tokens",
    "role_bindings",
    "cert_bindings",
    "keys",
    "key_tags",
    "key_versions",
    "key_history",
    "audit_batches",
    "audit_index",
    "audit_checkpoints",
    "key_templates",
    "vault_policies",
    "import_keys",
    "keystores",
    "key_targets",
    "key_distributions",
];

/// Rows per insert statement (PostgreSQL takes at most 65 535 parameters per statement).
const CHUNK: usize = 500;

/// One table's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableCount {
    /// The table.
    pub table: &'static str,
    /// Rows in the source.
    pub source_rows: u64,
    /// Rows in the target.
    pub target_rows: u64,
    /// Whether the row digests agree.
    pub same_content: bool,
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// The columns of `table` in the source and its primary key columns, in order.
async fn columns(
    src: &mut SqliteConnection,
    table: &str,
) -> Result<(Vec<Column>, Vec<String>), StoreError> {
    let rows = sqlx::query(&format!("PRAGMA table_info({table})"))
        .fetch_all(&mut *src)
        .await
        .map_err(backend)?;
    let mut cols = Vec::new();
    let mut pk: Vec<(i64, String)> = Vec::new();
    for r in rows {
        let name: String = r.try_get("name").map_err(backend)?;
        let declared: String = r.try_get("type").map_err(backend)?;
        let pk_index: i64 = r.try_get("pk").map_err(backend)?;
        let kind = match declared.to_ascii_uppercase().as_str() {
            "INTEGER" => ColumnKind::Int,
            "TEXT" => ColumnKind::Text,
            "BLOB" => ColumnKind::Bytes,
            other => {
                return Err(StoreError::Backend(format!(
                    "{table}.{name} has type {other}, which the migration does not know"
                )))
            }
        };
        if pk_index > 0 {
            pk.push((pk_index, name.clone()));
        }
        cols.push(Column { name, kind });
    }
    if cols.is_empty() {
        return Err(StoreError::Backend(format!(
            "the source has no table {table}"
        )));
    }
    pk.sort();
    Ok((cols, pk.into_iter().map(|(_, n)| n).collect()))
}

/// One row as neutral cells, whichever database it comes from (also what backups read).
pub(crate) fn read_row<R: Row>(row: &R, cols: &[Column]) -> Result<Vec<Cell>, StoreError>
where
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<Vec<u8>>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    cols.iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(match c.kind {
                ColumnKind::Int => Cell::Int(row.try_get(i).map_err(backend)?),
                ColumnKind::Text => Cell::Text(row.try_get(i).map_err(backend)?),
                ColumnKind::Bytes => Cell::Bytes(row.try_get(i).map_err(backend)?),
            })
        })
        .collect()
}

fn select(table: &str, cols: &[Column], pk: &[String]) -> String {
    let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    let order = if pk.is_empty() {
        "1".to_owned()
    } else {
        pk.join(", ")
    };
    format!("SELECT {} FROM {table} ORDER BY {order}", names.join(", "))
}

/// Whether the target holds anything (an initialised instance, or vaults).
async fn target_empty(dst: &PgStore) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM seal) + (SELECT COUNT(*) FROM vaults) + \
         (SELECT COUNT(*) FROM keys) + (SELECT COUNT(*) FROM audit_batches)",
    )
    .fetch_one(dst.pool())
    .await
    .map_err(backend)?;
    Ok(n == 0)
}

/// Copies every table of `src` into the empty `dst` in one transaction; `progress` hears
/// (table, rows copied so far). Returns the rows copied per table.
pub async fn copy(
    src: &SqliteStore,
    dst: &PgStore,
    mut progress: impl FnMut(&str, u64),
) -> Result<Vec<(&'static str, u64)>, StoreError> {
    if !target_empty(dst).await? {
        return Err(StoreError::Backend(
            "the target database already holds an instance; migrate into an empty one".to_owned(),
        ));
    }
    // One read transaction on the source: every table is read from the same snapshot.
    let mut snapshot = src.pool().begin().await.map_err(backend)?;
    let mut tx = dst.pool().begin().await.map_err(backend)?;
    let mut copied = Vec::new();
    for &table in TABLES {
        let (cols, pk) = columns(&mut snapshot, table).await?;
        let sql = select(table, &cols, &pk);
        let mut stream = sqlx::query(&sql).fetch(&mut *snapshot);
        let mut chunk: Vec<Vec<Cell>> = Vec::with_capacity(CHUNK);
        let mut n = 0u64;
        loop {
            let next = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await;
            let done = next.is_none();
            if let Some(row) = next {
                chunk.push(read_row(&row.map_err(backend)?, &cols)?);
            }
            if chunk.len() == CHUNK || (done && !chunk.is_empty()) {
                crate::postgres::insert_rows(&mut tx, table, &cols, &chunk).await?;
                n += chunk.len() as u64;
                chunk.clear();
                progress(table, n);
            }
            if done {
                break;
            }
        }
        drop(stream);
        copied.push((table, n));
    }
    // The identity column continues after the copied rows.
    sqlx::query(
        "SELECT setval(pg_get_serial_sequence('key_history', 'seq'), \
         COALESCE((SELECT MAX(seq) FROM key_history), 1), \
         (SELECT COUNT(*) FROM key_history) > 0)",
    )
    .execute(&mut *tx)
    .await
    .map_err(backend)?;
    tx.commit().await.map_err(backend)?;
    snapshot.rollback().await.map_err(backend)?;
    Ok(copied)
}

/// Row count and SHA-256 chain over the rows of `sql`'s result.
async fn digest<'e, E>(exec: E, sql: &str, cols: &[Column]) -> Result<(u64, [u8; 32]), StoreError>
where
    E: sqlx::Executor<'e>,
    for<'r> Option<i64>: sqlx::Decode<'r, E::Database> + sqlx::Type<E::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, E::Database> + sqlx::Type<E::Database>,
    for<'r> Option<Vec<u8>>: sqlx::Decode<'r, E::Database> + sqlx::Type<E::Database>,
    usize: sqlx::ColumnIndex<<E::Database as sqlx::Database>::Row>,
    for<'q> <E::Database as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, E::Database>,
{
    let mut stream = sqlx::query(sql).fetch(exec);
    let mut n = 0u64;
    let mut chain = [0u8; 32];
    let mut buf = Vec::new();
    while let Some(row) = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
        let values = read_row(&row.map_err(backend)?, cols)?;
        buf.clear();
        buf.extend_from_slice(&chain);
        for v in &values {
            encode_cell(v, &mut buf);
        }
        chain = leaf_hash(&buf);
        n += 1;
    }
    Ok((n, chain))
}

/// Compares every table of `src` and `dst`: counts and contents.
pub async fn verify(src: &SqliteStore, dst: &PgStore) -> Result<Vec<TableCount>, StoreError> {
    let mut snapshot = src.pool().begin().await.map_err(backend)?;
    let mut out = Vec::new();
    for &table in TABLES {
        let (cols, pk) = columns(&mut snapshot, table).await?;
        let sql = select(table, &cols, &pk);
        let (source_rows, a) = digest(&mut *snapshot, &sql, &cols).await?;
        let (target_rows, b) = digest(dst.pool(), &sql, &cols).await?;
        out.push(TableCount {
            table,
            source_rows,
            target_rows,
            same_content: a == b,
        });
    }
    snapshot.rollback().await.map_err(backend)?;
    Ok(out)
}
