//! The store test binary: the Store suite on SQLite, and KeyService driven through the real
//! store and the software crypto provider (property test over random action sequences,
//! pending destruction with a fake clock, no plaintext material in the database file).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod service;
mod suite;

use std::path::Path;
use std::sync::Arc;

use keyhaven_core::{FakeClock, KeyService, SecretBytes, ServiceConfig};
use keyhaven_crypto::SoftwareProvider;
use keyhaven_store::SqliteStore;
use time::macros::datetime;

/// A service on a fresh SQLite file in `dir`, on a fake clock.
pub async fn service_in(dir: &Path) -> (Arc<KeyService>, Arc<FakeClock>, SqliteStore) {
    let store = SqliteStore::open(&dir.join("keyhaven.db")).await.unwrap();
    let clock = Arc::new(FakeClock::new(datetime!(2026-01-01 00:00 UTC)));
    let service = KeyService::new(
        Arc::new(store.clone()),
        Arc::new(SoftwareProvider::new()),
        clock.clone(),
        SecretBytes::new(vec![7u8; 32]),
        ServiceConfig::default(),
    )
    .unwrap();
    (Arc::new(service), clock, store)
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}
