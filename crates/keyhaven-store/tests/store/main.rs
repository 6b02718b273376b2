//! The store test binary: the Store suite on SQLite and PostgreSQL, and KeyService driven
//! through the real store and the software crypto provider (property test over random action
//! sequences, pending destruction with a fake clock, no plaintext material in the database
//! file, record integrity, the audit log and the root key).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod bench;
mod integrity;
mod root;
mod rotation;
mod service;
mod suite;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyhaven_core::{
    FakeClock, InitAdmin, InitSeal, KeyService, RootKey, SecretBytes, ServiceConfig,
};
use keyhaven_crypto::{SoftwareProvider, SoftwareRoot};
use keyhaven_store::SqliteStore;
use time::macros::datetime;

/// The database file of a test directory.
pub fn db_path(dir: &Path) -> PathBuf {
    dir.join("keyhaven.db")
}

/// The generation-1 root key every test instance is initialised with.
pub fn dev_root() -> Arc<SoftwareRoot> {
    Arc::new(SoftwareRoot::new(1, SecretBytes::new(vec![7u8; 32])).unwrap())
}

/// A service on a fresh SQLite file in `dir`, initialised with [`dev_root`], on a fake clock.
pub async fn service_in(dir: &Path) -> (Arc<KeyService>, Arc<FakeClock>, SqliteStore) {
    let store = SqliteStore::open(&db_path(dir)).await.unwrap();
    let clock = Arc::new(FakeClock::new(datetime!(2026-01-01 00:00 UTC)));
    let (service, _admin_token) = KeyService::initialize(
        Arc::new(store.clone()),
        Arc::new(SoftwareProvider::new()),
        clock.clone(),
        dev_root(),
        InitSeal {
            method: "dev".into(),
            params: "{}".into(),
            wrapped_root: None,
        },
        InitAdmin {
            name: "admin".parse().unwrap(),
            token: None,
        },
        ServiceConfig::default(),
    )
    .await
    .unwrap();
    (Arc::new(service), clock, store)
}

/// Opens the instance in `store` again (fresh caches) with the given root keys.
pub async fn reopen(
    store: &SqliteStore,
    clock: &Arc<FakeClock>,
    roots: Vec<Arc<dyn RootKey>>,
) -> keyhaven_core::Result<KeyService> {
    KeyService::open(
        Arc::new(store.clone()),
        Arc::new(SoftwareProvider::new()),
        clock.clone(),
        roots,
        ServiceConfig::default(),
    )
    .await
}

/// A second connection to the database file, for editing rows behind the store's back.
pub async fn raw_connection(dir: &Path) -> sqlx::SqlitePool {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db_path(dir))
        .busy_timeout(std::time::Duration::from_secs(10));
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap()
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}
