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
        // Both connections closed: the WAL is folded into the file copied below.
        sqlite.close().await;
        server.shutdown().await.unwrap();
        assert!(!dir.path().join("keyhaven.db-wal").exists());
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
    let cases: &[(&str, u64)] = &[
        ("action", 17),
        ("principal", 4_242),
        ("route", 10_000),
        ("code", 55_555),
        ("vault", 77_777),
        ("request_id", 99_990),
        ("at", 31_337),
        ("key_version", 60_001),
        ("leaf_hash", 88_888),
        ("outcome", 97 * 400),
    ];
    for (column, seq) in cases {
        restore();
        rt.block_on(async {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
                .await
                .unwrap();
            let sql = match *column {
                "at" | "key_version" => {
                    format!("UPDATE audit_log SET {column} = {column} + 1 WHERE seq = ?")
                }
                "leaf_hash" => "UPDATE audit_log SET leaf_hash = (substr(leaf_hash, 1, 5) || \
                    CASE substr(leaf_hash, 6, 1) WHEN x'5a' THEN x'5b' ELSE x'5a' END || \
                    substr(leaf_hash, 7)) WHERE seq = ?"
                    .to_owned(),
                "outcome" => "UPDATE audit_log SET outcome = \
                    CASE outcome WHEN 'success' THEN 'denied' ELSE 'success' END WHERE seq = ?"
                    .to_owned(),
                // One character of the text replaced by another.
                _ => format!(
                    "UPDATE audit_log SET {column} = 'X' || substr({column}, 2) WHERE seq = ?"
                ),
            };
            let n = sqlx::query(&sql)
                .bind(*seq as i64)
                .execute(&pool)
                .await
                .unwrap()
                .rows_affected();
            assert_eq!(n, 1, "{column} #{seq}");
            pool.close().await;
        });
        let (code, out) = verify(&db, &key);
        assert_eq!(code, Some(7), "{column} #{seq}: {out}");
        assert!(
            out.contains(&format!("record #{seq}:")),
            "{column} change at #{seq} is named:\n{out}"
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
                "UPDATE audit_checkpoints SET {column} = \
                 (x'ff' || substr({column}, 2)) WHERE tree_size = 50000"
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
    // A deleted record.
    restore();
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        sqlx::query("DELETE FROM audit_log WHERE seq = 12345")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let (code, out) = verify(&db, &key);
    assert_eq!(code, Some(7));
    assert!(
        out.contains("record #12345: record #12345 is missing"),
        "{out}"
    );
}
