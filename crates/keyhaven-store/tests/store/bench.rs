//! Throughput of writing audit records (a benchmark that prints numbers; ignored by default):
//!
//! ```sh
//! cargo test --release -p keyhaven-store --test store -- --ignored --nocapture audit_append
//! ```

use std::time::Instant;

use keyhaven_core::access::Outcome;
use keyhaven_core::{AuditEvent, KeyId, Store};
use keyhaven_store::SqliteStore;

use crate::runtime;

fn event(i: u64) -> AuditEvent {
    AuditEvent {
        at: time::OffsetDateTime::from_unix_timestamp(1_767_225_600 + (i / 1000) as i64).unwrap(),
        request_id: Some(format!("req-3fa2c1d0-{i:x}")),
        principal: Some("billing-app".to_owned()),
        source: Some("10.1.2.3".to_owned()),
        action: "encrypt".to_owned(),
        route: Some("POST /v1/keys/{id}/encrypt".to_owned()),
        vault: Some("payments".to_owned()),
        key: Some(KeyId(uuid::Uuid::from_u128(
            0x0190_0000_0000_7000_8000_0000_0000_0000 + u128::from(i % 50),
        ))),
        key_version: Some(1),
        outcome: Outcome::Success,
        code: Some("200".to_owned()),
        detail: None,
    }
}

/// CPU time of this process (user + system, all threads), from /proc.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks: f64 = fields
        .get(11)
        .and_then(|u| u.parse::<f64>().ok())
        .unwrap_or(0.0)
        + fields
            .get(12)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(0.0);
    ticks / 100.0
}

#[test]
#[ignore = "benchmark: run with --release --ignored --nocapture"]
fn audit_append_throughput() {
    runtime().block_on(async {
        let sizes: Vec<usize> = std::env::var("KH_BATCHES").ok().map(|v| v.split(',').filter_map(|x| x.parse().ok()).collect()).unwrap_or(vec![1, 50, 400]);
        for batch in sizes {
            let dir = tempfile::tempdir().unwrap();
            let store = SqliteStore::open(&dir.path().join("b.db")).await.unwrap();
            let total = if batch == 1 { 5_000u64 } else { 100_000 };
            let events: Vec<AuditEvent> = (0..total).map(event).collect();
            let cpu0 = cpu_seconds();
            let started = Instant::now();
            for chunk in events.chunks(batch) {
                store.append_audit(chunk).await.unwrap();
            }
            let secs = started.elapsed().as_secs_f64();
            let cpu = cpu_seconds() - cpu0;
            println!(
                "audit append, {batch:>3} records per transaction: {total} records, {:.0} records/s, \
                 {:.1} us wall and {:.1} us CPU (process, all threads) per record",
                total as f64 / secs,
                secs * 1e6 / total as f64,
                cpu * 1e6 / total as f64
            );
            store.close().await;
        }
    });
}
