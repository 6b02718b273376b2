//! Tampering with the SQLite file: a key's state edited, two keys' material swapped, audit
//! records edited or deleted, a token or role binding forged. Each is detected as
//! docs/SECURITY.md says: the record is refused with `integrity_error`, an audit event is
//! written, `/v1/ready` shows it, and `audit verify` names the record.

use reqwest::Method;
use serde_json::json;

use crate::{b64, id, key, server, unb64, vault};
use keyhaven_testkit::tamper::{self, Spot};
use keyhaven_testkit::TestServer;

async fn db(s: &TestServer) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        s.data_dir().join("keyhaven.db").display()
    ))
    .await
    .unwrap()
}

/// Waits until the audit log has a record matching `query`.
async fn audited(s: &TestServer, query: &str) -> serde_json::Value {
    for _ in 0..100 {
        let a = s.get(&format!("/v1/audit?{query}")).await;
        if let Some(first) = a.body["items"].as_array().and_then(|i| i.first()) {
            return first.clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no audit record for {query}");
}

/// Vault `t` with an active AES key that has encrypted `n` times; returns once every use is in
/// the audit log (request records are written in batches).
async fn key_used(s: &TestServer, n: usize) -> String {
    vault(s, "t", 7).await;
    let k = id(&key(
        s,
        json!({"vault": "t", "name": "k", "algorithm": "aes-256", "initial_state": "active"}),
    )
    .await);
    for _ in 0..n {
        s.post(
            &format!("/v1/keys/{k}/encrypt"),
            json!({"plaintext": b64(b"x")}),
        )
        .await;
    }
    for _ in 0..100 {
        let a = s
            .get(&format!("/v1/audit?key={k}&action=encrypt&limit=100"))
            .await;
        if a.body["items"].as_array().is_some_and(|i| i.len() == n) {
            return k;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the {n} encrypts did not reach the audit log");
}

#[tokio::test]
async fn an_edited_key_state_is_refused_reported_and_audited() {
    let s = server().await;
    vault(&s, "t", 7).await;
    let k = id(&key(
        &s,
        json!({"vault": "t", "name": "k", "algorithm": "aes-256", "initial_state": "active"}),
    )
    .await);
    let r = s.post(&format!("/v1/keys/{k}/deactivate"), json!({})).await;
    assert_eq!(r.str("state"), "deactivated");
    let ready = s.get("/v1/ready").await;
    assert_eq!(ready.str("status"), "ok");
    assert_eq!(ready.body["details"]["integrity"]["failures"], 0);

    // Someone with the database file makes the key active again.
    let pool = db(&s).await;
    let n = sqlx::query("UPDATE keys SET state = 1, deactivation_date = NULL WHERE id = ?")
        .bind(&k)
        .execute(&pool)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(n, 1);

    let r = s.get(&format!("/v1/keys/{k}")).await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (500, "integrity_error"),
        "{r:?}"
    );
    assert_eq!(r.body["error"]["details"]["kind"], "key");
    let r = s
        .post(
            &format!("/v1/keys/{k}/encrypt"),
            json!({"plaintext": b64(b"x")}),
        )
        .await;
    assert_eq!(
        r.code(),
        "integrity_error",
        "the edit does not let it encrypt: {r:?}"
    );
    // Listing leaves it out and names it.
    let l = s.get("/v1/keys?vault=t").await;
    assert_eq!(l.body["items"].as_array().unwrap().len(), 0);
    assert_eq!(l.body["integrity_errors"][0], k.as_str());
    // /v1/ready shows the condition.
    let ready = s.get("/v1/ready").await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.str("status"), "degraded");
    assert!(
        ready.body["details"]["integrity"]["failures"]
            .as_u64()
            .unwrap()
            >= 1
    );
    assert_eq!(ready.body["details"]["integrity"]["last"]["kind"], "key");
    assert_eq!(ready.body["details"]["integrity"]["last"]["id"], k.as_str());
    // An audit event was written.
    let ev = audited(&s, "action=integrity").await;
    assert!(ev["detail"].as_str().unwrap().contains(&k), "{ev}");
    assert_eq!(ev["outcome"], "failure");
    pool.close().await;
}

async fn swap_material(also_macs: bool) {
    let mut s = server().await;
    vault(&s, "t", 7).await;
    let mut keys = Vec::new();
    for name in ["a", "b"] {
        let k = id(&key(
            &s,
            json!({"vault": "t", "name": name, "algorithm": "aes-256", "initial_state": "active"}),
        )
        .await);
        let ct = s
            .post(
                &format!("/v1/keys/{k}/encrypt"),
                json!({"plaintext": b64(name.as_bytes())}),
            )
            .await
            .str("ciphertext")
            .to_owned();
        keys.push((k, ct));
    }
    let dir = s.keep_dir().unwrap();
    s.stop().await.unwrap();
    // Offline, the two keys' sealed material (and maybe their MACs) change places.
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("keyhaven.db").display()
    ))
    .await
    .unwrap();
    let cols = if also_macs {
        "sealed_material, mac"
    } else {
        "sealed_material"
    };
    let (a, b) = (&keys[0].0, &keys[1].0);
    let read = |id: String| {
        let pool = pool.clone();
        let sql = format!("SELECT {cols} FROM key_versions WHERE key_id = ?");
        async move {
            let row: (Vec<u8>, Option<Vec<u8>>) = if also_macs {
                sqlx::query_as(&sql)
                    .bind(id)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            } else {
                let m: Vec<u8> = sqlx::query_scalar(&sql)
                    .bind(id)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                (m, None)
            };
            row
        }
    };
    let (ma, maca) = read(a.clone()).await;
    let (mb, macb) = read(b.clone()).await;
    for (id, m, mac) in [(a, &mb, &macb), (b, &ma, &maca)] {
        let mut q = sqlx::query(if also_macs {
            "UPDATE key_versions SET sealed_material = ?, mac = ? WHERE key_id = ?"
        } else {
            "UPDATE key_versions SET sealed_material = ? WHERE key_id = ?"
        })
        .bind(m);
        if also_macs {
            q = q.bind(mac);
        }
        q.bind(id).execute(&pool).await.unwrap();
    }
    pool.close().await;
    let s = TestServer::start_in(dir.path(), s.clock.clone())
        .await
        .unwrap();
    for (k, ct) in &keys {
        let r = s
            .post(&format!("/v1/keys/{k}/decrypt"), json!({"ciphertext": ct}))
            .await;
        assert!(
            !r.status.is_success(),
            "swapped material must not decrypt: {r:?}"
        );
        assert_eq!(r.code(), "integrity_error", "{r:?}");
        let r = s
            .post(
                &format!("/v1/keys/{k}/encrypt"),
                json!({"plaintext": b64(b"x")}),
            )
            .await;
        assert_eq!(r.code(), "integrity_error", "{r:?}");
    }
    assert_eq!(s.get("/v1/ready").await.str("status"), "degraded");
    drop(dir);
}

#[tokio::test]
async fn swapped_material_fails_to_unseal() {
    swap_material(false).await;
}

#[tokio::test]
async fn swapped_material_with_its_macs_still_fails() {
    swap_material(true).await;
}

#[tokio::test]
async fn edited_and_deleted_audit_records_are_named() {
    let s = server().await;
    key_used(&s, 20).await;
    s.run_jobs().await;
    let v = s.get("/v1/audit/verify").await;
    assert_eq!(v.body["ok"], true, "{v:?}");
    let total = v.body["records"].as_u64().unwrap();
    assert!(total >= 20);
    let pool = db(&s).await;
    let svc = s.service().unwrap();
    let internal = keyhaven_testkit::keyhaven_core::Caller::internal("t");
    let records = svc
        .audit_query(&internal, Default::default(), None, 1000, false)
        .await
        .unwrap()
        .items;
    let encrypts = tamper::seqs_with_action(&records, "encrypt");
    let edited = encrypts[5];
    // Edit: one byte of a stored record.
    tamper::flip_audit_byte(&pool, edited, Spot::Body(40))
        .await
        .unwrap();
    let v = s.get("/v1/audit/verify").await;
    assert_eq!(v.body["ok"], false);
    assert_eq!(v.body["findings"][0]["seq"], edited, "{v:?}");
    assert!(v.body["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("edited"));
    // Put it back: verifies again.
    tamper::flip_audit_byte(&pool, edited, Spot::Body(40))
        .await
        .unwrap();
    assert_eq!(s.get("/v1/audit/verify").await.body["ok"], true);
    // Edit the record and its stored hash consistently: the signed checkpoint catches it.
    let mut rec = records.iter().find(|r| r.seq == edited).unwrap().clone();
    rec.event.action = "decrypt".into();
    tamper::replace_audit_record(&pool, edited, &rec.event)
        .await
        .unwrap();
    let v = s.get("/v1/audit/verify").await;
    assert_eq!(v.body["ok"], false);
    let first = v.body["findings"][0]["seq"].as_u64().unwrap();
    assert!(
        first <= edited,
        "the failing checkpoint range starts at or before #{edited}: {v:?}"
    );
    assert!(v.body["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("signed checkpoint"));
    // Delete records: named as missing.
    let later = encrypts[12];
    let deleted = tamper::delete_audit_batch(&pool, later).await.unwrap();
    let v = s.get("/v1/audit/verify").await;
    let missing = v.body["findings"].as_array().unwrap().iter().any(|f| {
        let m = f["message"].as_str().unwrap();
        f["seq"] == deleted && (m.contains("missing") || m.contains("deleted"))
    });
    assert!(missing, "{v:?}");
    // The query index is checked against the records too.
    sqlx::query("DELETE FROM audit_index WHERE kind = 1 AND first_seq = (SELECT MIN(first_seq) FROM audit_index WHERE kind = 1)")
        .execute(&pool)
        .await
        .unwrap();
    let v = s.get("/v1/audit/verify").await;
    assert!(
        v.body["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("query index")),
        "{v:?}"
    );
    pool.close().await;
}

#[tokio::test]
async fn forged_tokens_and_role_bindings_are_refused() {
    let s = server().await;
    vault(&s, "t", 7).await;
    let mallory = s.principal("mallory", &[]).await;
    let pool = db(&s).await;
    // A token row inserted by hand: its hash is that of a string the attacker knows.
    let forged = "khv_forged_token_0123456789";
    let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, forged.as_bytes());
    let root_id: String = sqlx::query_scalar("SELECT id FROM principals WHERE name = 'root'")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO tokens (id, principal_id, name, token_hash, created_at, mac) \
         VALUES ('0190f0f0-0000-7000-8000-000000000001', ?, 'forged', ?, 0, x'00')",
    )
    .bind(&root_id)
    .bind(hash.as_ref())
    .execute(&pool)
    .await
    .unwrap();
    let r = s
        .call_as(Some(forged), Method::GET, "/v1/vaults", None)
        .await;
    assert_eq!(r.code(), "integrity_error", "{r:?}");
    // A role binding inserted by hand is ignored (and reported).
    let (vault_id, mallory_id): (String, String) = sqlx::query_as(
        "SELECT v.id, p.id FROM vaults v, principals p WHERE v.name = 't' AND p.name = 'mallory'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO role_bindings (vault_id, principal_id, role, granted_at, granted_by, mac) \
         VALUES (?, ?, 'key-manager', 0, 'root', x'00')",
    )
    .bind(&vault_id)
    .bind(&mallory_id)
    .execute(&pool)
    .await
    .unwrap();
    let r = s
        .call_as(Some(&mallory), Method::GET, "/v1/keys?vault=t", None)
        .await;
    assert_eq!(
        r.code(),
        "not_found",
        "the forged binding grants nothing: {r:?}"
    );
    // Making mallory a system-admin by editing its row is refused too.
    sqlx::query("UPDATE principals SET system_roles = 1 WHERE name = 'mallory'")
        .execute(&pool)
        .await
        .unwrap();
    // Identities are cached until access changes; any change reloads them.
    s.post("/v1/principals", json!({"name": "bystander"})).await;
    s.grant("t", "bystander", &["auditor"]).await;
    let r = s
        .call_as(Some(&mallory), Method::GET, "/v1/principals", None)
        .await;
    assert_eq!(r.code(), "integrity_error", "{r:?}");
    let ready = s.get("/v1/ready").await;
    assert!(
        ready.body["details"]["integrity"]["failures"]
            .as_u64()
            .unwrap()
            >= 2
    );
    pool.close().await;
}

/// The key material survives a restart (so tampering tests above test tampering, not loss).
#[tokio::test]
async fn untouched_keys_decrypt_after_restart() {
    let mut s = server().await;
    vault(&s, "t", 7).await;
    let k = id(&key(
        &s,
        json!({"vault": "t", "name": "k", "algorithm": "aes-256", "initial_state": "active"}),
    )
    .await);
    let ct = s
        .post(
            &format!("/v1/keys/{k}/encrypt"),
            json!({"plaintext": b64(b"kept")}),
        )
        .await
        .str("ciphertext")
        .to_owned();
    let dir = s.keep_dir().unwrap();
    s.stop().await.unwrap();
    let s = TestServer::start_in(dir.path(), s.clock.clone())
        .await
        .unwrap();
    let r = s
        .post(&format!("/v1/keys/{k}/decrypt"), json!({"ciphertext": ct}))
        .await;
    assert_eq!(unb64(r.str("plaintext")), b"kept");
    assert_eq!(s.get("/v1/ready").await.str("status"), "ok");
}

/// The export carries inclusion proofs that check against the signed checkpoint, and the
/// security headers are on every response.
#[tokio::test]
async fn export_with_proofs_verifies_against_the_checkpoint() {
    use keyhaven_testkit::keyhaven_core::merkle::{self, Hash};
    let s = server().await;
    key_used(&s, 10).await;
    s.run_jobs().await;
    let resp = s
        .http
        .get(format!("{}/v1/audit/export?proofs=true", s.base))
        .bearer_auth(&s.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let h = resp.headers();
    assert_eq!(h["content-type"], "application/x-ndjson");
    assert!(h["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    assert_eq!(h["x-frame-options"], "DENY");
    let text = resp.text().await.unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["type"], "header");
    let unhex = |s: &str| -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    };
    let hash = |s: &str| -> Hash { unhex(s).try_into().unwrap() };
    let cp = lines
        .iter()
        .rev()
        .find(|l| l["type"] == "checkpoint")
        .unwrap();
    let size = cp["tree_size"].as_u64().unwrap();
    let root = hash(cp["root"].as_str().unwrap());
    // The checkpoint signature verifies under the header's key.
    let signed = keyhaven_testkit::keyhaven_core::Checkpoint {
        tree_size: size,
        root,
        at: time::OffsetDateTime::from_unix_timestamp_nanos(cp["at_ns"].as_i64().unwrap().into())
            .unwrap(),
        signature: unhex(cp["signature"].as_str().unwrap()),
    };
    assert!(signed.verify(&unhex(lines[0]["public_key"].as_str().unwrap())));
    let mut proved = 0;
    for l in lines.iter().filter(|l| l["type"] == "record") {
        let seq = l["seq"].as_u64().unwrap();
        let leaf = hash(l["leaf_hash"].as_str().unwrap());
        let Some(proof) = l["proof"].as_array() else {
            assert!(seq > size, "records under the checkpoint carry a proof");
            continue;
        };
        let path: Vec<Hash> = proof.iter().map(|p| hash(p.as_str().unwrap())).collect();
        assert!(
            merkle::verify_inclusion(&leaf, seq - 1, size, &path, &root),
            "#{seq}"
        );
        let mut wrong = leaf;
        wrong[0] ^= 1;
        assert!(!merkle::verify_inclusion(
            &wrong,
            seq - 1,
            size,
            &path,
            &root
        ));
        proved += 1;
    }
    assert!(proved >= 12, "{proved}");
}

/// A `--dev` data directory from before record integrity (rows without MACs, no seal record)
/// is adopted on the next `serve --dev`: its keys keep working. A MAC-less row appearing
/// later, in an instance that is initialised, is an integrity failure like any other.
#[tokio::test]
async fn development_data_from_before_integrity_is_adopted_once() {
    let mut s = server().await;
    vault(&s, "old", 7).await;
    let k = id(&key(
        &s,
        json!({"vault": "old", "name": "k", "algorithm": "aes-256", "initial_state": "active"}),
    )
    .await);
    let ct = s
        .post(
            &format!("/v1/keys/{k}/encrypt"),
            json!({"plaintext": b64(b"from v1")}),
        )
        .await
        .str("ciphertext")
        .to_owned();
    let dir = s.keep_dir().unwrap();
    let clock = s.clock.clone();
    s.stop().await.unwrap();
    // Make it look like schema v1 wrote it: no MACs, no seal, no principals, no audit.
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("keyhaven.db").display()
    ))
    .await
    .unwrap();
    for sql in [
        "UPDATE vaults SET mac = NULL",
        "UPDATE keys SET mac = NULL",
        "UPDATE key_versions SET mac = NULL",
        "DELETE FROM role_bindings",
        "DELETE FROM tokens",
        "DELETE FROM principals",
        "DELETE FROM root_keys",
        "DELETE FROM seal",
        "DELETE FROM audit_index",
        "DELETE FROM audit_batches",
        "DELETE FROM audit_checkpoints",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    let s = TestServer::start_in(dir.path(), clock.clone())
        .await
        .unwrap();
    // root is system-admin again; it grants itself the roles the v1 root token implied.
    s.grant("old", "root", &["key-manager", "crypto-user"])
        .await;
    let r = s
        .post(&format!("/v1/keys/{k}/decrypt"), json!({"ciphertext": ct}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(unb64(r.str("plaintext")), b"from v1");
    assert_eq!(s.get("/v1/ready").await.str("status"), "ok");
    // Now initialised: a row losing its MAC is refused.
    sqlx::query("UPDATE keys SET mac = NULL WHERE id = ?")
        .bind(&k)
        .execute(&pool)
        .await
        .unwrap();
    let r = s.get(&format!("/v1/keys/{k}")).await;
    assert_eq!(r.code(), "integrity_error", "{r:?}");
    pool.close().await;
}
