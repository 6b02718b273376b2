//! A key inventory whose compliance findings are known exactly, for the report tests (REST
//! and CLI). It is made honestly, through the REST API on a server whose fake clock starts on
//! 2020-01-01 and is moved forward between steps, so that old, unused, overdue and expired keys
//! are old, unused, overdue and expired; weak, deprecated and disallowed keys come from a vault
//! policy override set after they were made (the compliance report judges existing keys by the
//! policy in force).
//!
//! The report is to be made at [`REPORT_AT`] (where the clock is left) under the built-in
//! policy; [`expected_findings`] is what it must say.

use std::path::PathBuf;
use std::sync::Arc;

use keyhaven_core::FakeClock;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use time::macros::datetime;
use time::OffsetDateTime;

use crate::{Reply, StartError, TestServer};

/// When the server starts (and the oldest keys are made).
pub const START_AT: OffsetDateTime = datetime!(2020-01-01 00:00 UTC);
/// When the report is to be made: the clock is left here.
pub const REPORT_AT: OffsetDateTime = datetime!(2026-03-01 00:00 UTC);

/// A (key, finding kind, severity) triple: `vault/name`, kebab-case kind, lowercase severity.
pub type Expected = (&'static str, &'static str, &'static str);

/// Every key of the inventory (`vault/name`), including the one without findings.
pub const KEYS: [&str; 12] = [
    "main/legacy",
    "main/retired",
    "main/rsa",
    "main/p256",
    "main/ed",
    "main/overdue",
    "main/busy",
    "main/clean",
    "main/doomed",
    "strict/weak-aes",
    "strict/old-ec",
    "strict/hmac",
];

/// What the report says about [`KEYS`] at [`REPORT_AT`], and why (docs/POLICY.md):
pub fn expected_findings() -> Vec<Expected> {
    vec![
        // aes-256 made 2020-01-01, active ever since, never used, no rotation: beyond the
        // 731-day cryptoperiod of symmetric encryption keys, older than the 1827-day maximum
        // age, no rotation interval, unused for more than 90 days.
        ("main/legacy", "past-cryptoperiod", "high"),
        ("main/legacy", "max-age", "medium"),
        ("main/legacy", "no-rotation", "low"),
        ("main/legacy", "unused", "low"),
        // Made 2020-01-01, deactivated 2021-01-01: only too old.
        ("main/retired", "max-age", "medium"),
        // rsa-2048 made 2025-06-01, never used: quantum-vulnerable, deprecated after
        // 2030-12-31, inside the 1826-day warning window (medium).
        ("main/rsa", "quantum-vulnerable", "medium"),
        ("main/rsa", "unused", "low"),
        // ec-p256 made 2025-06-01, never used: quantum deadline 2035-12-31, outside the
        // warning window (low).
        ("main/p256", "quantum-vulnerable", "low"),
        ("main/p256", "unused", "low"),
        // ed25519 made 2025-06-01, used 2026-02-09.
        ("main/ed", "quantum-vulnerable", "low"),
        // aes-256 made 2026-01-20 with a 30-day rotation interval; the rotation job has not
        // run since it became due on 2026-02-19.
        ("main/overdue", "rotation-overdue", "medium"),
        // aes-256 with a use limit of 10, used 8 times (80 % warns).
        ("main/busy", "usage-near-limit", "medium"),
        // main/clean: aes-256 made 2026-02-14, 90-day rotation: nothing.
        // Deactivated and destroyed on 2026-02-14 in a vault with 30 days of pending
        // destruction.
        ("main/doomed", "pending-destruction", "info"),
        // The vault's override raised min_strength to 192 after aes-128 was made.
        ("strict/weak-aes", "weak", "high"),
        // ec-p256: below 192 bits, ECDSA restricted to deprecated by the override, and
        // quantum-vulnerable.
        ("strict/old-ec", "weak", "high"),
        ("strict/old-ec", "deprecated", "medium"),
        ("strict/old-ec", "quantum-vulnerable", "low"),
        // hmac-sha256 with HMAC restricted to disallowed, while active.
        ("strict/hmac", "disallowed", "critical"),
    ]
}

/// The seeded server, its data directory, and the clock (left at [`REPORT_AT`]).
pub struct Inventory {
    /// The server (root token: member of both vaults with every role).
    pub server: TestServer,
    /// Its clock.
    pub clock: Arc<FakeClock>,
    /// Path of the CA certificate the server's TLS certificate chains to.
    pub ca_path: PathBuf,
    _dir: tempfile::TempDir,
}

/// Starts a server on 2020-01-01 and makes [`KEYS`] at the times described in
/// [`expected_findings`], ending at [`REPORT_AT`].
pub async fn seed() -> Result<Inventory, StartError> {
    let dir = tempfile::tempdir().map_err(|e| StartError(e.to_string()))?;
    let clock = Arc::new(FakeClock::new(START_AT));
    let s = TestServer::start_in(dir.path(), clock.clone()).await?;
    let ca_path = s
        .running()
        .map(|r| r.ca_path.clone())
        .ok_or_else(|| StartError("the server is not running".to_owned()))?;
    let all_roles = ["admin", "key-manager", "crypto-user", "auditor"];
    for (name, days) in [("main", 30), ("strict", 7)] {
        expect(
            s.post(
                "/v1/vaults",
                json!({"name": name, "pending_destruction_days": days, "creator_roles": all_roles}),
            )
            .await,
            StatusCode::CREATED,
            "create vault",
        )?;
    }
    create(&s, "main", "legacy", "aes-256", json!({})).await?;
    let retired = create(&s, "main", "retired", "aes-256", json!({})).await?;
    clock.set(datetime!(2021-01-01 00:00 UTC));
    action(&s, &retired, "deactivate").await?;

    clock.set(datetime!(2025-06-01 00:00 UTC));
    create(&s, "main", "rsa", "rsa-2048", json!({})).await?;
    create(&s, "main", "p256", "ec-p256", json!({})).await?;
    let ed = create(&s, "main", "ed", "ed25519", json!({})).await?;

    clock.set(datetime!(2026-01-20 00:00 UTC));
    create(
        &s,
        "main",
        "overdue",
        "aes-256",
        json!({"rotation_interval_seconds": 30 * 86_400}),
    )
    .await?;

    clock.set(datetime!(2026-02-09 00:00 UTC));
    let busy = create(
        &s,
        "main",
        "busy",
        "aes-256",
        json!({"rotation_interval_seconds": 90 * 86_400, "use_limit": 10}),
    )
    .await?;
    for _ in 0..8 {
        expect(
            s.post(
                &format!("/v1/keys/{busy}/encrypt"),
                json!({"plaintext": "aGVsbG8="}),
            )
            .await,
            StatusCode::OK,
            "encrypt",
        )?;
    }
    expect(
        s.post(
            &format!("/v1/keys/{ed}/sign"),
            json!({"message": "aGVsbG8="}),
        )
        .await,
        StatusCode::OK,
        "sign",
    )?;
    // Writes the last-use times and use counts (nothing is due for rotation yet).
    s.run_jobs().await;

    clock.set(datetime!(2026-02-14 00:00 UTC));
    create(
        &s,
        "main",
        "clean",
        "aes-256",
        json!({"rotation_interval_seconds": 90 * 86_400}),
    )
    .await?;
    let doomed = create(&s, "main", "doomed", "aes-256", json!({})).await?;
    action(&s, &doomed, "deactivate").await?;
    action(&s, &doomed, "destroy").await?;
    create(
        &s,
        "strict",
        "weak-aes",
        "aes-128",
        json!({"rotation_interval_seconds": 30 * 86_400}),
    )
    .await?;
    create(&s, "strict", "old-ec", "ec-p256", json!({})).await?;
    create(&s, "strict", "hmac", "hmac-sha256", json!({})).await?;
    expect(
        s.call(
            Method::PUT,
            "/v1/vaults/strict/policy",
            Some(json!({
                "name": "strict",
                "min_strength": 192,
                "restrictions": {"ecdsa": {"apply": "deprecated"}, "hmac": {"apply": "disallowed"}}
            })),
        )
        .await,
        StatusCode::OK,
        "set the vault policy",
    )?;

    clock.set(REPORT_AT);
    Ok(Inventory {
        server: s,
        clock,
        ca_path,
        _dir: dir,
    })
}

/// Creates an active key; returns its id.
async fn create(
    s: &TestServer,
    vault: &str,
    name: &str,
    algorithm: &str,
    extra: Value,
) -> Result<String, StartError> {
    let mut body = json!({"vault": vault, "name": name, "algorithm": algorithm,
                          "initial_state": "active"});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let r = expect(
        s.post("/v1/keys", body).await,
        StatusCode::CREATED,
        "create key",
    )?;
    r.get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| StartError(format!("no id in {r}")))
}

/// `POST /v1/keys/{id}/{what}`.
async fn action(s: &TestServer, id: &str, what: &str) -> Result<(), StartError> {
    expect(
        s.post(&format!("/v1/keys/{id}/{what}"), json!({})).await,
        StatusCode::OK,
        what,
    )
    .map(|_| ())
}

fn expect(r: Reply, status: StatusCode, what: &str) -> Result<Value, StartError> {
    if r.status == status {
        Ok(r.body)
    } else {
        Err(StartError(format!("{what}: {} {}", r.status, r.body)))
    }
}
