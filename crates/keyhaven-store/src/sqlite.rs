//! The SQLite backend (the default): one file in the data directory.
//!
//! SQLite runs in WAL mode with `synchronous=FULL` (a committed change survives power loss),
//! `secure_delete` (erased material is overwritten, not left in free pages) and foreign keys.
//! Writes go through a single-connection pool so they never contend for the write lock; reads
//! use a small pool of their own. One process owns the file: there is nothing to tell other
//! nodes, so the `dialect` hooks do nothing.

use std::path::Path;
use std::time::Duration;

use keyhaven_core::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

// The same statements serve both backends: `sql` is compiled here and in the
// postgres backend, each time over this module's `Db`, `DbRow` and `DbStore`.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
mod sql;

use sql::backend;

pub(crate) type Db = sqlx::Sqlite;
pub(crate) type DbRow = sqlx::sqlite::SqliteRow;
pub(crate) type DbStore = SqliteStore;

/// What SQLite does differently from PostgreSQL in the shared statements.
pub(crate) mod dialect {
    use keyhaven_core::{KeyId, StoreError};
    use sqlx::Transaction;

    /// PostgreSQL-only statements are left out.
    pub(crate) const PG: bool = false;
    /// Row locks: SQLite's single writer serialises write transactions already.
    pub(crate) const FOR_UPDATE: &str = "";

    /// Nothing to lock: the single writer appends in one order.
    pub(crate) async fn lock_audit(_tx: &mut Transaction<'_, super::Db>) -> Result<(), StoreError> {
        Ok(())
    }

    /// No other node caches this key.
    pub(crate) async fn key_changed(
        _tx: &mut Transaction<'_, super::Db>,
        _id: KeyId,
    ) -> Result<(), StoreError> {
        Ok(())
    }

    /// No other node caches identities.
    pub(crate) async fn access_changed(_pool: &sqlx::Pool<super::Db>) {}
}

/// A SQLite database file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and runs pending migrations.
    pub async fn open(path: &Path) -> Result<DbStore, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("secure_delete", "ON");
        // Connections to a local file do not go stale: no ping before each use (it would cost
        // a round trip to the database thread per query).
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await
            .map_err(backend)?;
        sqlx::migrate!("./migrations")
            .run(&writer)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await
            .map_err(backend)?;
        Ok(DbStore { writer, reader })
    }

    /// Opens an existing database for reading only (no migrations), e.g. to verify its audit
    /// log offline. Every write fails.
    pub async fn open_read_only(path: &Path) -> Result<DbStore, StoreError> {
        if !path.exists() {
            return Err(StoreError::Backend(format!(
                "{} does not exist",
                path.display()
            )));
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .busy_timeout(Duration::from_secs(10));
        let reader = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .map_err(backend)?;
        Ok(DbStore {
            writer: reader.clone(),
            reader,
        })
    }

    /// Closes both pools, checkpointing the WAL.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    /// The connection pool that writes (the migration tool copies rows through it).
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.writer
    }
}
