//! The PostgreSQL backend, for several nodes serving one cluster.
//!
//! Every node holds a pool to the same database (or schema). What nodes must agree on lives
//! there: row revisions make concurrent key changes fail cleanly, unique indexes keep names
//! unique, the audit log is appended under a table lock (one order, no seq taken twice), and
//! background work is leased in `job_leases`. Key and access-control changes are announced on
//! a `LISTEN/NOTIFY` channel so every node drops what it cached; [`ChangeFeed`] reads it.

use std::time::{Duration, Instant};

use keyhaven_core::{KeyId, StoreError};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};
use uuid::Uuid;

// The same statements serve both backends: `sql` is compiled here and in the
// sqlite backend, each time over this module's `Db`, `DbRow` and `DbStore`.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
mod sql;

/// The backups' generic row insert, for `keyhaven migrate` (which writes into PostgreSQL).
pub(crate) use sql::backup::insert as insert_rows;

use sql::backend;

pub(crate) type Db = sqlx::Postgres;
pub(crate) type DbRow = sqlx::postgres::PgRow;
pub(crate) type DbStore = PgStore;

/// Connections per node.
const POOL_SIZE: u32 = 16;

/// What PostgreSQL does differently from SQLite in the shared statements.
pub(crate) mod dialect {
    use keyhaven_core::{KeyId, StoreError};
    use sqlx::Transaction;

    use super::sql::backend;

    /// PostgreSQL-only statements are used.
    pub(crate) const PG: bool = true;
    /// Holds the rows read until commit.
    pub(crate) const FOR_UPDATE: &str = " FOR UPDATE";

    /// Locks the audit log against other appenders until commit (readers go on), so batches
    /// from every node take consecutive seqs in commit order.
    pub(crate) async fn lock_audit(tx: &mut Transaction<'_, super::Db>) -> Result<(), StoreError> {
        sqlx::query("LOCK TABLE audit_batches IN EXCLUSIVE MODE")
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        Ok(())
    }

    /// Announces (at commit) that a key changed, so other nodes drop their cached copy.
    pub(crate) async fn key_changed(
        tx: &mut Transaction<'_, super::Db>,
        id: KeyId,
    ) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_notify(current_setting('keyhaven.channel'), $1)")
            .bind(format!("k:{}", id.0))
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        Ok(())
    }

    /// Announces that principals, tokens or bindings changed: other nodes drop cached
    /// identities. A lost announcement is logged; the listener's reconnection clears every
    /// cache anyway.
    pub(crate) async fn access_changed(pool: &sqlx::Pool<super::Db>) {
        let sent = sqlx::query("SELECT pg_notify(current_setting('keyhaven.channel'), 'a')")
            .execute(pool)
            .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, "could not announce an access-control change");
        }
    }
}

/// A PostgreSQL database (or one schema of it).
#[derive(Clone, Debug)]
pub struct PgStore {
    writer: PgPool,
    reader: PgPool,
    /// The notification channel of this cluster (one per schema).
    channel: String,
}

/// Checks a schema name: lowercase letters, digits and `_`, not starting with a digit.
fn schema_name(s: &str) -> Result<&str, StoreError> {
    let ok = !s.is_empty()
        && s.len() <= 48
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !s.bytes().next().is_some_and(|b| b.is_ascii_digit());
    if ok {
        Ok(s)
    } else {
        Err(StoreError::Backend(format!(
            "schema name {s:?}: use lowercase letters, digits and _ (at most 48)"
        )))
    }
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/db`, with an optional `schema=NAME`
    /// query parameter that keeps this cluster's tables in their own schema, created when
    /// missing) and runs pending migrations.
    pub async fn open(url: &str) -> Result<PgStore, StoreError> {
        let (base, schema) = split_schema(url)?;
        let options: PgConnectOptions = base
            .parse()
            .map_err(|e| StoreError::Backend(format!("bad PostgreSQL URL: {e}")))?;
        PgStore::open_with(options, schema.as_deref()).await
    }

    /// Connects with `options`, in `schema` (created when missing) or the default one.
    pub async fn open_with(
        options: PgConnectOptions,
        schema: Option<&str>,
    ) -> Result<PgStore, StoreError> {
        let schema = match schema {
            Some(s) => {
                let s = schema_name(s)?;
                let mut conn = options.connect().await.map_err(connect_error)?;
                sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {s}"))
                    .execute(&mut conn)
                    .await
                    .map_err(backend)?;
                conn.close().await.map_err(backend)?;
                s.to_owned()
            }
            None => {
                let mut conn = options.connect().await.map_err(connect_error)?;
                let s: String = sqlx::query_scalar("SELECT current_schema()")
                    .fetch_one(&mut conn)
                    .await
                    .map_err(backend)?;
                conn.close().await.map_err(backend)?;
                s
            }
        };
        let channel = format!("keyhaven_{schema}");
        let options = options.options([
            ("search_path", schema.as_str()),
            ("keyhaven.channel", channel.as_str()),
        ]);
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        sqlx::migrate!("./migrations-pg")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))?;
        Ok(PgStore {
            writer: pool.clone(),
            reader: pool,
            channel,
        })
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.writer.close().await;
    }

    /// The connection pool (the migration tool copies rows through it).
    pub(crate) fn pool(&self) -> &PgPool {
        &self.writer
    }

    /// Drops this store's schema with everything in it (tests clean up with it).
    pub async fn drop_schema(self) -> Result<(), StoreError> {
        let schema: String = sqlx::query_scalar("SELECT current_schema()")
            .fetch_one(&self.writer)
            .await
            .map_err(backend)?;
        let schema = schema_name(&schema)?.to_owned();
        sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        self.writer.close().await;
        Ok(())
    }

    /// A feed of the changes other nodes (and this one) announce.
    pub async fn changes(&self) -> Result<ChangeFeed, StoreError> {
        ChangeFeed::connect(self.writer.clone(), self.channel.clone()).await
    }
}

/// Splits a `schema=NAME` query parameter off a URL.
fn split_schema(url: &str) -> Result<(String, Option<String>), StoreError> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), None));
    };
    let mut schema = None;
    let mut rest = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        match part.strip_prefix("schema=") {
            Some(s) => schema = Some(schema_name(s)?.to_owned()),
            None => rest.push(part),
        }
    }
    let base = if rest.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    Ok((base, schema))
}

fn connect_error(e: sqlx::Error) -> StoreError {
    // sqlx's connection errors name host and port, never the password.
    StoreError::Backend(format!("cannot connect to PostgreSQL: {e}"))
}

/// A change announced on the cluster's channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// This key changed (state, rotation, destruction, purge): drop its cached copy.
    Key(KeyId),
    /// Principals, tokens or role or certificate bindings changed: drop cached identities.
    Access,
    /// The feed was interrupted (connection lost, or no answer to a ping): announcements
    /// may have been missed, so drop everything cached and cache nothing until
    /// [`Change::Resumed`].
    Lost,
    /// The feed is listening again after [`Change::Lost`].
    Resumed,
}

/// How long the feed stays silent before it pings itself, and how long it waits for the
/// ping to come back before it reports [`Change::Lost`].
const PING_AFTER: Duration = Duration::from_secs(2);
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// Reads the cluster's change channel. A dead connection is noticed within
/// `PING_AFTER + PING_TIMEOUT` (4 s), even when the network drops it silently.
pub struct ChangeFeed {
    pool: PgPool,
    channel: String,
    listener: Option<PgListener>,
    ping: String,
    ping_sent: Option<Instant>,
    last_heard: Instant,
}

impl ChangeFeed {
    async fn connect(pool: PgPool, channel: String) -> Result<ChangeFeed, StoreError> {
        let listener = listener(&pool, &channel).await?;
        Ok(ChangeFeed {
            pool,
            channel,
            listener: Some(listener),
            ping: format!("p:{}", std::process::id()),
            ping_sent: None,
            last_heard: Instant::now(),
        })
    }

    /// The next change. Reconnects by itself after [`Change::Lost`] (retrying every second)
    /// and then returns [`Change::Resumed`].
    pub async fn next(&mut self) -> Change {
        loop {
            let Some(listener) = self.listener.as_mut() else {
                match listener(&self.pool, &self.channel).await {
                    Ok(l) => {
                        self.listener = Some(l);
                        self.ping_sent = None;
                        self.last_heard = Instant::now();
                        return Change::Resumed;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "change feed: reconnecting failed");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                }
            };
            let wait = match self.ping_sent {
                Some(at) => PING_TIMEOUT.saturating_sub(at.elapsed()),
                None => PING_AFTER.saturating_sub(self.last_heard.elapsed()),
            };
            match tokio::time::timeout(wait, listener.try_recv()).await {
                Ok(Ok(Some(n))) => {
                    self.last_heard = Instant::now();
                    self.ping_sent = None;
                    let payload = n.payload();
                    if payload == "a" {
                        return Change::Access;
                    }
                    if let Some(id) = payload.strip_prefix("k:") {
                        match Uuid::parse_str(id) {
                            Ok(u) => return Change::Key(KeyId(u)),
                            // Not ours: drop everything to be safe.
                            Err(_) => return Change::Access,
                        }
                    }
                    // A ping (ours or another node's): the connection is alive.
                }
                Ok(Ok(None)) | Ok(Err(_)) => {
                    self.listener = None;
                    return Change::Lost;
                }
                Err(_) => {
                    if self.ping_sent.is_some() {
                        tracing::warn!("change feed: no answer to a ping; reconnecting");
                        self.listener = None;
                        return Change::Lost;
                    }
                    let sent = sqlx::query("SELECT pg_notify($1, $2)")
                        .bind(&self.channel)
                        .bind(&self.ping)
                        .execute(&self.pool)
                        .await;
                    match sent {
                        Ok(_) => self.ping_sent = Some(Instant::now()),
                        Err(_) => {
                            self.listener = None;
                            return Change::Lost;
                        }
                    }
                }
            }
        }
    }
}

async fn listener(pool: &PgPool, channel: &str) -> Result<PgListener, StoreError> {
    let mut l = PgListener::connect_with(pool)
        .await
        .map_err(connect_error)?;
    l.listen(channel).await.map_err(backend)?;
    Ok(l)
}
