//! Backups: every table read from one snapshot, and a full restore written in one
//! transaction.

use keyhaven_core::backup::{Cell, Column, ColumnKind, TableDump};
use keyhaven_core::{StoreError, Vault};
use sqlx::{QueryBuilder, Row, Transaction};

use super::{backend, dialect, vault_from_row, Db, DbStore};

/// The tables a backup holds, parents before children: every table `keyhaven migrate`
/// copies except `seal` and `root_keys` (they belong to the instance restored into) and
/// `import_keys` (short-lived wrapping keys for imports in flight). `job_leases` is in
/// neither (held by running nodes).
fn backup_tables() -> impl DoubleEndedIterator<Item = &'static str> + Clone {
    crate::migrate::TABLES
        .iter()
        .copied()
        .filter(|t| !matches!(*t, "seal" | "root_keys" | "import_keys"))
}

/// Rows per insert statement (PostgreSQL takes at most 65 535 parameters per statement).
const CHUNK: usize = 200;

/// The columns of `table` in declaration order.
async fn columns(tx: &mut Transaction<'_, Db>, table: &str) -> Result<Vec<Column>, StoreError> {
    let sql = if dialect::PG {
        "SELECT CAST(column_name AS TEXT) AS name, CAST(data_type AS TEXT) AS kind \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
    } else {
        "SELECT name, type AS kind FROM pragma_table_info($1) ORDER BY cid"
    };
    let rows = sqlx::query(sql)
        .bind(table)
        .fetch_all(&mut **tx)
        .await
        .map_err(backend)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let name: String = r.try_get("name").map_err(backend)?;
        let declared: String = r.try_get("kind").map_err(backend)?;
        let kind = match declared.to_ascii_lowercase().as_str() {
            "integer" | "bigint" => ColumnKind::Int,
            "text" => ColumnKind::Text,
            "blob" | "bytea" => ColumnKind::Bytes,
            other => {
                return Err(StoreError::Backend(format!(
                    "{table}.{name} has type {other}, which backups do not know"
                )))
            }
        };
        out.push(Column { name, kind });
    }
    if out.is_empty() {
        return Err(StoreError::Backend(format!("no table {table}")));
    }
    Ok(out)
}

/// Inserts `rows` of `table` (one statement; callers keep it under the parameter limit).
pub(crate) async fn insert(
    tx: &mut Transaction<'_, Db>,
    table: &str,
    cols: &[Column],
    rows: &[Vec<Cell>],
) -> Result<(), StoreError> {
    let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    let mut qb: QueryBuilder<Db> =
        QueryBuilder::new(format!("INSERT INTO {table} ({}) ", names.join(", ")));
    qb.push_values(rows, |mut b, row| {
        for v in row {
            match v {
                Cell::Int(x) => b.push_bind(*x),
                Cell::Text(x) => b.push_bind(x.clone()),
                Cell::Bytes(x) => b.push_bind(x.clone()),
            };
        }
    });
    qb.build().execute(&mut **tx).await.map_err(backend)?;
    Ok(())
}

/// Counts the rows that make an instance non-empty for a full restore.
async fn holdings(tx: &mut Transaction<'_, Db>) -> Result<i64, StoreError> {
    sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM keys) + (SELECT COUNT(*) FROM key_templates)")
        .fetch_one(&mut **tx)
        .await
        .map_err(backend)
}

impl DbStore {
    /// Every backup table, read in one transaction (one snapshot), rows in primary-key order.
    pub(crate) async fn dump(&self) -> Result<Vec<TableDump>, StoreError> {
        // On the readers: writes go on meanwhile (SQLite in WAL mode keeps this transaction's
        // snapshot; PostgreSQL gets REPEATABLE READ).
        let mut tx = self.reader.begin().await.map_err(backend)?;
        if dialect::PG {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        let mut out = Vec::new();
        for table in backup_tables() {
            let cols = columns(&mut tx, table).await?;
            let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
            // Every table's first column is (the start of) its primary key.
            let sql = format!(
                "SELECT {} FROM {table} ORDER BY {}",
                names.join(", "),
                names.join(", ")
            );
            let rows = sqlx::query(&sql)
                .fetch_all(&mut *tx)
                .await
                .map_err(backend)?;
            let rows = rows
                .iter()
                .map(|r| crate::migrate::read_row(r, &cols))
                .collect::<Result<Vec<_>, _>>()?;
            out.push(TableDump {
                name: table.to_owned(),
                columns: cols,
                rows,
            });
        }
        tx.rollback().await.map_err(backend)?;
        Ok(out)
    }

    /// Writes `tables` as they are into this (new, empty) database, in one transaction: a
    /// scratch copy of a backup whose records are then read through the `Store` API (partial
    /// restores). No check, no seal: never call it on a live instance.
    pub async fn load_snapshot(&self, tables: &[TableDump]) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        for table in backup_tables() {
            let Some(t) = tables.iter().find(|t| t.name == table) else {
                continue;
            };
            for chunk in t.rows.chunks(CHUNK) {
                insert(&mut tx, table, &t.columns, chunk).await?;
            }
        }
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    /// Replaces everything but the seal with `tables`, in one transaction; refuses an
    /// instance that holds keys or templates (empty vaults are replaced). The system secret wrapped under this
    /// instance's root key replaces the stored one, and `fix_vault` re-wraps each restored
    /// vault's KEK.
    pub(crate) async fn restore_all(
        &self,
        tables: &[TableDump],
        wrapped_system_secret: &[u8],
        fix_vault: &(dyn Fn(Vault) -> Result<Vault, StoreError> + Send + Sync),
    ) -> Result<(), StoreError> {
        for t in tables {
            if !backup_tables().any(|b| b == t.name) {
                return Err(StoreError::Backend(format!(
                    "the backup holds a table this build does not restore: {}",
                    t.name
                )));
            }
        }
        let mut tx = self.writer.begin().await.map_err(backend)?;
        dialect::lock_audit(&mut tx).await?;
        if holdings(&mut tx).await? > 0 {
            return Err(StoreError::NotEmpty);
        }
        for table in backup_tables().rev() {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        for table in backup_tables() {
            let Some(t) = tables.iter().find(|t| t.name == table) else {
                continue;
            };
            let here = columns(&mut tx, table).await?;
            for c in &t.columns {
                if !here.contains(c) {
                    return Err(StoreError::Backend(format!(
                        "{table}.{} in the backup does not exist here (a newer keyhaven wrote \
                         the backup?)",
                        c.name
                    )));
                }
            }
            for chunk in t.rows.chunks(CHUNK) {
                insert(&mut tx, table, &t.columns, chunk).await?;
            }
        }
        if dialect::PG {
            // The identity column continues after the restored rows.
            sqlx::query(
                "SELECT setval(pg_get_serial_sequence('key_history', 'seq'), \
                 COALESCE((SELECT MAX(seq) FROM key_history), 1), \
                 (SELECT COUNT(*) FROM key_history) > 0)",
            )
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        let done = sqlx::query("UPDATE seal SET wrapped_system_secret = $1")
            .bind(wrapped_system_secret)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Backend(
                "this instance is not initialised; run `keyhaven init` first".to_owned(),
            ));
        }
        let vaults = sqlx::query("SELECT * FROM vaults")
            .fetch_all(&mut *tx)
            .await
            .map_err(backend)?;
        for row in vaults {
            let v = fix_vault(vault_from_row(&row)?)?;
            sqlx::query(
                "UPDATE vaults SET sealed_kek = $1, root_generation = $2, mac = $3 WHERE id = $4",
            )
            .bind(&v.sealed_kek)
            .bind(i64::from(v.root_generation))
            .bind(&v.mac)
            .bind(v.id.0.to_string())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(())
    }
}
