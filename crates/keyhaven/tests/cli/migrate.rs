//! `keyhaven migrate`: a populated SQLite instance (`serve --dev`, real process) is stopped,
//! copied into a fresh PostgreSQL schema and verified; `serve --dev` on PostgreSQL with the
//! same data directory then serves the same keys (old ciphertexts decrypt, old signatures
//! verify, states are kept, the audit log verifies). A second copy into the now non-empty
//! target is refused, and a row changed in the target afterwards makes `--verify-only`
//! fail. Needs the PostgreSQL of `KEYHAVEN_TEST_POSTGRES` (default 127.0.0.1:5432, test).

use std::ffi::OsStr;
use std::process::Command;

use keyhaven_testkit::cluster::{drop_schema, fresh_schema, schema_url};

use super::{text, Server, BIN};

fn ok(s: &Server, args: &[&str]) -> String {
    let out = s.cli(args);
    assert!(out.status.success(), "{args:?}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn migrate(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("migrate")
        .args(args)
        .env_remove("KEYHAVEN_DATABASE")
        .output()
        .unwrap()
}

/// (name, state, primary version) of each listed key.
fn states(json: &str) -> Vec<(String, String, u64)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let items = v.get("items").unwrap_or(&v).as_array().unwrap().clone();
    items
        .iter()
        .map(|k| {
            (
                k["name"].as_str().unwrap().to_owned(),
                k["state"].as_str().unwrap().to_owned(),
                k["primary_version"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_migrated_instance_serves_the_same_keys_from_postgresql() {
    let mut sqlite = Server::start();
    ok(&sqlite, &["vault", "create", "mig"]);
    ok(
        &sqlite,
        &["role", "grant", "mig", "root", "key-manager", "crypto-user"],
    );
    ok(
        &sqlite,
        &[
            "key",
            "create",
            "mig/data",
            "--algorithm",
            "aes-256",
            "--active",
        ],
    );
    ok(
        &sqlite,
        &[
            "key",
            "create",
            "mig/signer",
            "--algorithm",
            "ec-p256",
            "--active",
        ],
    );
    ok(
        &sqlite,
        &[
            "key",
            "create",
            "mig/retired",
            "--algorithm",
            "aes-256",
            "--active",
        ],
    );
    let work = tempfile::tempdir().unwrap();
    let file = |name: &str| work.path().join(name).to_str().unwrap().to_owned();
    let (ct1, ct2, ct3, sig) = (file("ct1"), file("ct2"), file("ct3"), file("sig"));
    ok(
        &sqlite,
        &[
            "encrypt",
            "mig/data",
            "--data",
            "made by version one",
            "--out",
            &ct1,
        ],
    );
    ok(&sqlite, &["key", "rotate", "mig/data"]);
    ok(
        &sqlite,
        &[
            "encrypt",
            "mig/data",
            "--data",
            "made by version two",
            "--out",
            &ct2,
        ],
    );
    ok(
        &sqlite,
        &[
            "sign",
            "mig/signer",
            "--data",
            "signed before",
            "--out",
            &sig,
        ],
    );
    ok(
        &sqlite,
        &[
            "encrypt",
            "mig/retired",
            "--data",
            "retired key data",
            "--out",
            &ct3,
        ],
    );
    ok(
        &sqlite,
        &["key", "deactivate", "mig/retired", "--reason", "moving"],
    );
    let states_before = states(&ok(
        &sqlite,
        &["key", "list", "--vault", "mig", "--output", "json"],
    ));
    assert_eq!(states_before.len(), 3);
    assert_eq!(sqlite.terminate().code(), Some(0));
    let dir = sqlite.dir.take().unwrap();
    drop(sqlite);

    let schema = fresh_schema("kh_migrate");
    let url = schema_url(&schema);
    let db = dir.path().join("data/keyhaven.db");
    let from = format!("sqlite:{}", db.display());
    let out = migrate(&["--from", &from, "--to", &url, "--output", "json"]);
    assert!(out.status.success(), "migrate: {}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["audit"]["ok"], true, "{report}");
    let tables = report["tables"].as_array().unwrap();
    let rows = |t: &str| {
        tables
            .iter()
            .find(|x| x["table"] == t)
            .map(|x| (x["source_rows"].as_u64(), x["target_rows"].as_u64()))
            .unwrap()
    };
    assert_eq!(rows("keys"), (Some(3), Some(3)));
    assert_eq!(rows("key_versions"), (Some(4), Some(4)));
    assert!(tables.iter().all(|t| t["same_content"] == true));
    assert!(report["audit"]["records"].as_u64().unwrap() > 10);

    // Copying again into the non-empty target is refused, and changes nothing.
    let again = migrate(&["--from", &from, "--to", &url]);
    assert!(!again.status.success());
    assert!(
        text(&again).contains("already holds an instance"),
        "{}",
        text(&again)
    );

    // The same data directory (root key, token, TLS), now on PostgreSQL.
    let pg = Server::start_with_env(dir, "warn", &[("KEYHAVEN_DATABASE", OsStr::new(&url))]);
    assert_eq!(
        ok(&pg, &["decrypt", "mig/data", "--in", &ct1]),
        "made by version one"
    );
    assert_eq!(
        ok(&pg, &["decrypt", "mig/data", "--in", &ct2]),
        "made by version two"
    );
    assert_eq!(
        ok(&pg, &["decrypt", "mig/retired", "--in", &ct3]),
        "retired key data"
    );
    ok(
        &pg,
        &[
            "verify",
            "mig/signer",
            "--data",
            "signed before",
            "--signature-file",
            &sig,
        ],
    );
    let forged = pg.cli(&[
        "verify",
        "mig/signer",
        "--data",
        "not signed",
        "--signature-file",
        &sig,
    ]);
    assert_eq!(
        forged.status.code(),
        Some(7),
        "a wrong message does not verify"
    );
    let refused = pg.cli(&["encrypt", "mig/retired", "--data", "x"]);
    assert_eq!(refused.status.code(), Some(4), "still deactivated");
    let states_after = states(&ok(
        &pg,
        &["key", "list", "--vault", "mig", "--output", "json"],
    ));
    assert_eq!(states_before, states_after);
    let verify = ok(&pg, &["audit", "verify", "--output", "json"]);
    assert!(verify.contains("\"ok\": true"), "{verify}");

    // A row changed in the target after the copy: the verification says so (exit 7).
    runtime().block_on(async {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect_with(
                keyhaven_testkit::cluster::postgres_url()
                    .parse::<sqlx::postgres::PgConnectOptions>()
                    .unwrap()
                    .options([("search_path", schema.as_str())]),
            )
            .await
            .unwrap();
        sqlx::query("UPDATE keys SET description = 'changed' WHERE name = 'signer'")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let check = migrate(&["--from", &from, "--to", &url, "--verify-only"]);
    assert_eq!(check.status.code(), Some(7), "{}", text(&check));
    assert!(text(&check).contains("DIFFERS"), "{}", text(&check));
    drop(pg);
    runtime().block_on(drop_schema(&schema)).unwrap();
}
