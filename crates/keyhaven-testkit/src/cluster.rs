//! Several keyhaven nodes serving one cluster from one PostgreSQL schema, on loopback ports,
//! for multi-node tests: each node is a whole server (HTTPS listener, connection pool,
//! caches, change feed, job runner) sharing the data directory's development root key, token
//! and TLS material, and one fake clock.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use keyhaven_core::FakeClock;
use keyhaven_server::{Database, ServerConfig};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::ConnectOptions;

use crate::{StartError, TestServer};

/// The PostgreSQL the tests use: `KEYHAVEN_TEST_POSTGRES`, default the machine's
/// `postgres://postgres@127.0.0.1:5432/test`.
pub fn postgres_url() -> String {
    std::env::var("KEYHAVEN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A schema name no other test (or test process) uses.
pub fn fresh_schema(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The URL of `schema` in the test database.
pub fn schema_url(schema: &str) -> String {
    let base = postgres_url();
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}schema={schema}")
}

/// Drops a test schema (and everything in it).
pub async fn drop_schema(schema: &str) -> Result<(), StartError> {
    let options: PgConnectOptions = postgres_url()
        .parse()
        .map_err(|e| StartError(format!("bad PostgreSQL URL: {e}")))?;
    let mut conn = options
        .connect()
        .await
        .map_err(|e| StartError(format!("cannot connect to PostgreSQL: {e}")))?;
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&mut conn)
        .await
        .map_err(|e| StartError(e.to_string()))?;
    Ok(())
}

/// A running cluster.
pub struct TestCluster {
    /// The nodes, in start order.
    pub nodes: Vec<TestServer>,
    /// The clock every node runs on.
    pub clock: Arc<FakeClock>,
    /// The schema holding the cluster's tables.
    pub schema: String,
    dir: tempfile::TempDir,
}

impl TestCluster {
    /// Starts `n` development nodes on a fresh schema at 2026-01-01T00:00Z; `adjust` changes
    /// each node's configuration (node index, configuration) before it starts. Node 0 starts
    /// first and initialises the cluster; the others join it.
    pub async fn start(
        n: usize,
        adjust: impl Fn(usize, &mut ServerConfig),
    ) -> Result<TestCluster, StartError> {
        let dir = tempfile::tempdir().map_err(|e| StartError(e.to_string()))?;
        let clock = Arc::new(FakeClock::new(TestServer::epoch()?));
        let schema = fresh_schema("kh_cluster");
        let database =
            Database::parse(&schema_url(&schema)).map_err(|e| StartError(e.to_string()))?;
        let mut nodes = Vec::with_capacity(n);
        for i in 0..n {
            let node = TestServer::start_with(dir.path(), clock.clone(), |cfg| {
                cfg.database = Some(database.clone());
                adjust(i, cfg);
            })
            .await;
            match node {
                Ok(node) => nodes.push(node),
                Err(e) => {
                    for mut node in nodes {
                        let _ = node.stop().await;
                    }
                    let _ = drop_schema(&schema).await;
                    return Err(e);
                }
            }
        }
        Ok(TestCluster {
            nodes,
            clock,
            schema,
            dir,
        })
    }

    /// The shared data directory.
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// A pool on the cluster's schema, for checking what the nodes wrote.
    pub async fn sql(&self) -> Result<PgPool, StartError> {
        let options: PgConnectOptions = postgres_url()
            .parse()
            .map_err(|e| StartError(format!("bad PostgreSQL URL: {e}")))?;
        PgPoolOptions::new()
            .max_connections(2)
            .connect_with(options.options([("search_path", self.schema.as_str())]))
            .await
            .map_err(|e| StartError(format!("cannot connect to PostgreSQL: {e}")))
    }

    /// Stops every node still running and drops the schema.
    pub async fn stop(mut self) -> Result<(), StartError> {
        for node in &mut self.nodes {
            node.stop().await?;
        }
        drop_schema(&self.schema).await
    }
}
