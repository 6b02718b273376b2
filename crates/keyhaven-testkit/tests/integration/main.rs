//! REST integration tests against a real server (HTTPS, SQLite, software crypto) on a
//! temporary directory, on a fake clock, and against three nodes on PostgreSQL
//! ([`cluster`]). One test binary for the crate.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod access;
mod backups;
mod bad_input;
mod cluster;
mod crypto_ops;
mod flows;
mod import;
mod keystores;
mod kmip;
mod lifecycle_table;
mod mtls;
mod pykmip;
mod report;
mod tamper;
mod templates;
mod unseal;

use base64::Engine;
use keyhaven_testkit::TestServer;
use serde_json::{json, Value};

pub fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

pub fn unb64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

pub async fn server() -> TestServer {
    TestServer::start().await.expect("server starts")
}

pub async fn vault(s: &TestServer, name: &str, days: u32) {
    let r = s
        .post(
            "/v1/vaults",
            json!({"name": name, "pending_destruction_days": days,
                   "creator_roles": ["admin", "key-manager", "crypto-user", "auditor"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
}

/// Creates a key and returns its JSON.
pub async fn key(s: &TestServer, body: Value) -> Value {
    let r = s.post("/v1/keys", body).await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body
}

pub fn id(key: &Value) -> String {
    key["id"].as_str().unwrap().to_owned()
}
