//! `keyhaven audit verify` on a log of 100 000 records: an honest log verifies offline (from
//! the database file and from an export) and online; a single-byte change of any record field
//! or checkpoint makes it fail, naming the record.

use std::process::Command;
use std::sync::Arc;

use keyhaven_core::access::Outcome;
use keyhaven_core::{AuditEvent, Caller, KeyId, SecretBytes, Store};
use keyhaven_crypto::Argon2Params;
use keyhaven_server::seal::InitMethod;
use keyhaven_server::{init, InitOptions, ServerConfig};
use keyhaven_store::SqliteStore;
use keyhaven_testkit::tamper::{self, Spot};

use super::{text, BIN};

const RECORDS: u64 = 100_000;

fn event(i: u64) -> AuditEvent {
    AuditEvent {
        at: time::OffsetDateTime::from_unix_timestamp(1_767_225_600 + (i / 50) as i64).unwrap(),
        request_id: Some(format!("req-bench-{i:x}")),
        principal: Some(format!("app-{}", i % 7)),
        source: Some("127.0.0.1".to_owned()),
        action: if i.is_multiple_of(3) {
            "decrypt"
        } else {
            "encrypt"
        }
        .to_owned(),
        route: Some("POST /v1/keys/{id}/encrypt".to_owned()),
        vault: Some("payments".to_owned()),
        key: Some(KeyId(uuid::Uuid::from_u128(
            0x0190_0000_0000_7000_8000_0000_0000_0000 + u128::from(i % 13),
        ))),
        key_version: Some(1),
        outcome: if i.is_multiple_of(97) {
            Outcome::Denied
        } else {
            Outcome::Success
        },
        code: Some(
            if i.is_multiple_of(97) {
                "403 forbidden"
            } else {
                "200"
            }
            .to_owned(),
        ),
        detail: None,
    }
}

/// Builds a log of [`RECORDS`] records with a checkpoint every 10 000, through a real server
/// (whose key signs the checkpoints); returns (data dir, public key hex).
fn build_log() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let public_key = rt.block_on(async {
        let pass = SecretBytes::from_slice(b"audit test passphrase");
        let out = init(InitOptions {
            data_dir: dir.path().to_path_buf(),
            method: InitMethod::Passphrase {
                passphrase: pass.clone(),
                params: Argon2Params {
                    memory_kib: 8192,
                    iterations: 1,
                    parallelism: 1,
                },
            },
            admin: "admin".parse().unwrap(),
            tls_for: None,
            database: None,
        })
        .await
        .unwrap();
        let mut cfg = ServerConfig::new(
            dir.path().to_path_buf(),
            "127.0.0.1:0".parse().unwrap(),
            false,
        );
        cfg.insecure_http = true;
        cfg.job_interval = None;
        cfg.passphrase = Some(pass);
        let server = keyhaven_server::start(cfg).await.unwrap();
        let svc = server.service().unwrap();
        let sqlite = SqliteStore::open(&dir.path().join("keyhaven.db"))
            .await
            .unwrap();
        let store: Arc<dyn Store> = Arc::new(sqlite.clone());
        let mut written = svc
            .audit_verify(&Caller::internal("t"))
            .await
            .unwrap()
            .records;
        let mut i = 0;
        while written < RECORDS {
            let n = (2_000 - written % 2_000).min(RECORDS - written);
            let batch: Vec<AuditEvent> = (0..n).map(|k| event(i + k)).collect();
            store.append_audit(&batch).await.unwrap();
            i += n;
            written += n;
            if written.is_multiple_of(10_000) || written == RECORDS {
                svc.checkpoint_audit().await.unwrap();
            }
        }
        let hex: String = out
            .audit_public_key
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        drop(svc);
        sqlite.close().await;
        server.shutdown().await.unwrap();
        // Fold the WAL into the file copied below.
        let pool = sqlx::SqlitePool::connect(&format!(
            "sqlite://{}",
            dir.path().join("keyhaven.db").display()
        ))
        .await
        .unwrap();
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        hex
    });
    (dir, public_key)
}

fn verify(db: &std::path::Path, key: &str) -> (Option<i32>, String) {
    let o = Command::new(BIN)
        .args(["audit", "verify", "--database"])
        .arg(db)
        .args(["--public-key", key])
        .output()
        .unwrap();
    (o.status.code(), text(&o))
}

#[test]
fn verify_100k_records_and_name_any_single_byte_change() {
    let (dir, key) = build_log();
    let db = dir.path().join("keyhaven.db");
    let started = std::time::Instant::now();
    let (code, out) = verify(&db, &key);
    let took = started.elapsed();
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("audit log OK"), "{out}");
    let records: u64 = out
        .split_whitespace()
        .skip_while(|w| *w != "OK:")
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!(records >= RECORDS, "{out}");
    eprintln!("offline verify of {records} records: {took:?}");
    // Without the key it still checks hashes and roots, and says signatures were not checked.
    let o = Command::new(BIN)
        .args(["audit", "verify", "--database"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("not checked"));

    // Single-byte changes, each on a fresh copy of the honest file (and no stale WAL).
    let pristine = std::fs::read(&db).unwrap();
    let restore = || {
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        std::fs::write(&db, &pristine).unwrap();
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let pool = || async {
        sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap()
    };
    // Bytes spread over the log and over a record: its start, fields, end, its length
    // prefix, its stored hash.
    let cases: &[(u64, Spot)] = &[
        (17, Spot::Body(0)),
        (4_242, Spot::Body(25)),
        (10_000, Spot::Body(60)),
        (31_337, Spot::Body(90)),
        (55_555, Spot::Body(120)),
        (60_001, Spot::Body(150)),
        (77_777, Spot::Length),
        (88_888, Spot::Leaf),
        (99_990, Spot::Body(5)),
        (RECORDS, Spot::Body(40)),
    ];
    for (seq, spot) in cases {
        restore();
        rt.block_on(async {
            let pool = pool().await;
            tamper::flip_audit_byte(&pool, *seq, *spot).await.unwrap();
            pool.close().await;
        });
        let (code, out) = verify(&db, &key);
        assert_eq!(code, Some(7), "{spot:?} of #{seq}: {out}");
        let first = out.lines().find(|l| l.contains("record #")).unwrap_or("");
        assert!(
            first.contains(&format!("record #{seq}:")),
            "a change at {spot:?} of #{seq} is named first:\n{out}"
        );
    }
    // A flipped byte in a checkpoint's root or signature.
    for column in ["root", "signature"] {
        restore();
        rt.block_on(async {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
                .await
                .unwrap();
            sqlx::query(&format!(
                "UPDATE audit_checkpoints SET {column} = (CASE substr({column}, 1, 1) \
                 WHEN x'ff' THEN x'fe' ELSE x'ff' END || substr({column}, 2)) \
                 WHERE tree_size = 50000"
            ))
            .execute(&pool)
            .await
            .unwrap();
            pool.close().await;
        });
        let (code, out) = verify(&db, &key);
        assert_eq!(code, Some(7), "{out}");
        assert!(out.contains("checkpoint at size 50000"), "{out}");
    }
    // Deleted records (a stored batch).
    restore();
    let first_missing = rt.block_on(async {
        let pool = pool().await;
        let first = tamper::delete_audit_batch(&pool, 12_345).await.unwrap();
        pool.close().await;
        first
    });
    let (code, out) = verify(&db, &key);
    assert_eq!(code, Some(7));
    assert!(
        out.contains(&format!(
            "record #{first_missing}: record #{first_missing} is missing"
        )),
        "{out}"
    );
}
