//! keyhaven storage: the [`keyhaven_core::Store`] trait on SQLite (the default, one file in
//! the data directory) and on PostgreSQL (several nodes, one database), through sqlx.
//!
//! Both backends run the same statements (module `sql`, compiled once per backend) over the
//! same tables; each has its own migrations directory with the same versions. [`migrate`]
//! copies a SQLite instance into PostgreSQL.

pub mod migrate;
mod postgres;
mod scratch;
mod sqlite;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyhaven_core::{Store, StoreError};

pub use postgres::{Change, ChangeFeed, PgStore};
pub use scratch::ScratchStore;
pub use sqlite::SqliteStore;

/// Where an instance keeps its data.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL URL (`postgres://` or `postgresql://`).
    Postgres(String),
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

impl Database {
    /// Reads `sqlite:PATH`, `postgres://...` or `postgresql://...`.
    pub fn parse(s: &str) -> Result<Database, StoreError> {
        if let Some(path) = s.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(StoreError::Backend("sqlite: needs a file path".to_owned()));
            }
            return Ok(Database::Sqlite(PathBuf::from(path)));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(Database::Postgres(s.to_owned()));
        }
        Err(StoreError::Backend(
            "a database is sqlite:PATH or postgres://USER@HOST:PORT/DB".to_owned(),
        ))
    }

    /// The default: `keyhaven.db` in the data directory.
    pub fn in_data_dir(dir: &Path) -> Database {
        Database::Sqlite(dir.join("keyhaven.db"))
    }

    /// A printable form with any password replaced by `***`.
    pub fn display(&self) -> String {
        match self {
            Database::Sqlite(p) => format!("sqlite:{}", p.display()),
            Database::Postgres(url) => redact_password(url),
        }
    }

    /// Opens the database (creating the SQLite file if needed) and runs migrations.
    pub async fn open(&self) -> Result<Backend, StoreError> {
        Ok(match self {
            Database::Sqlite(p) => Backend::Sqlite(SqliteStore::open(p).await?),
            Database::Postgres(url) => Backend::Postgres(PgStore::open(url).await?),
        })
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// An open store of either kind.
#[derive(Clone, Debug)]
pub enum Backend {
    /// SQLite.
    Sqlite(SqliteStore),
    /// PostgreSQL.
    Postgres(PgStore),
}

impl Backend {
    /// The store behind the `Store` trait.
    pub fn store(&self) -> Arc<dyn Store> {
        match self {
            Backend::Sqlite(s) => Arc::new(s.clone()),
            Backend::Postgres(s) => Arc::new(s.clone()),
        }
    }

    /// The cluster's change feed (PostgreSQL; `None` for SQLite, where one process owns the
    /// data).
    pub async fn changes(&self) -> Option<Result<ChangeFeed, StoreError>> {
        match self {
            Backend::Sqlite(_) => None,
            Backend::Postgres(s) => Some(s.changes().await),
        }
    }

    /// Closes the connections.
    pub async fn close(&self) {
        match self {
            Backend::Sqlite(s) => s.close().await,
            Backend::Postgres(s) => s.close().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_parse_and_hide_passwords() {
        assert_eq!(
            Database::parse("sqlite:/tmp/x.db").ok(),
            Some(Database::Sqlite(PathBuf::from("/tmp/x.db")))
        );
        let pg = Database::parse("postgres://kh:s3cret@db:5432/keyhaven").ok();
        assert!(matches!(pg, Some(Database::Postgres(_))));
        let shown = pg.map(|d| d.display()).unwrap_or_default();
        assert_eq!(shown, "postgres://kh:***@db:5432/keyhaven");
        assert!(!format!("{:?}", Database::parse("postgres://a:pw@h/d").ok()).contains("pw"));
        assert!(Database::parse("mysql://x").is_err());
        assert!(Database::parse("sqlite:").is_err());
    }
}
