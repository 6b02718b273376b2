//! Roots of trust end to end: an instance initialised with a passphrase, with Shamir shares
//! (3 of 5: every set of 3 works, 2 do not) and with a SoftHSM2 key is restarted, unsealed and
//! serves the same keys; wrong material leaves it sealed with a clear message. Root key
//! rotation re-wraps KEKs without touching key material and without downtime.

use std::path::Path;
use std::sync::Arc;

use keyhaven_crypto::{Argon2Params, Pkcs11Config};
use keyhaven_testkit::keyhaven_core::{FakeClock, SecretBytes};
use keyhaven_testkit::keyhaven_server::seal::InitMethod;
use keyhaven_testkit::keyhaven_server::{init, InitOptions, InitOutput};
use keyhaven_testkit::{Reply, TestServer};
use reqwest::Method;
use serde_json::{json, Value};

use crate::{b64, unb64};

/// Cheap Argon2id costs for tests (the default is 64 MiB, 3 passes).
const FAST: Argon2Params = Argon2Params {
    memory_kib: 8 * 1024,
    iterations: 1,
    parallelism: 1,
};

fn clock() -> Arc<FakeClock> {
    Arc::new(FakeClock::new(
        time::OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap(),
    ))
}

async fn initialise(dir: &Path, method: InitMethod) -> InitOutput {
    init(InitOptions {
        data_dir: dir.to_path_buf(),
        method,
        admin: "admin".parse().unwrap(),
        tls_for: Some("127.0.0.1:0".parse().unwrap()),
        database: None,
    })
    .await
    .unwrap()
}

fn text(s: &SecretBytes) -> String {
    String::from_utf8(s.expose().to_vec()).unwrap()
}

/// Creates a vault and an AES key, encrypts, returns (key id, ciphertext).
async fn populate(s: &TestServer) -> (String, String) {
    let r = s
        .post(
            "/v1/vaults",
            json!({"name": "v", "creator_roles": ["admin", "key-manager", "crypto-user"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let k = s
        .post(
            "/v1/keys",
            json!({"vault": "v", "name": "k", "algorithm": "aes-256", "initial_state": "active"}),
        )
        .await;
    assert_eq!(k.status, 201, "{k:?}");
    let id = k.str("id").to_owned();
    let ct = s
        .post(
            &format!("/v1/keys/{id}/encrypt"),
            json!({"plaintext": b64(b"same keys after restart")}),
        )
        .await;
    (id, ct.str("ciphertext").to_owned())
}

async fn decrypts(s: &TestServer, id: &str, ct: &str) {
    let r = s
        .post(&format!("/v1/keys/{id}/decrypt"), json!({"ciphertext": ct}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(unb64(r.str("plaintext")), b"same keys after restart");
}

async fn unseal(s: &TestServer, body: Value) -> Reply {
    s.call_as(None, Method::POST, "/v1/sys/unseal", Some(body))
        .await
}

async fn assert_sealed(s: &TestServer) {
    let st = s
        .call_as(None, Method::GET, "/v1/sys/seal-status", None)
        .await;
    assert_eq!(st.body["sealed"], true, "{st:?}");
    let ready = s.call_as(None, Method::GET, "/v1/ready", None).await;
    assert_eq!(ready.status, 503);
    assert_eq!(ready.body["details"]["sealed"], true);
    assert_eq!(ready.str("status"), "sealed");
    let r = s.get("/v1/vaults").await;
    assert_eq!((r.status.as_u16(), r.code()), (503, "sealed"), "{r:?}");
    let h = s.call_as(None, Method::GET, "/v1/health", None).await;
    assert_eq!(h.status, 200, "health answers while sealed");
}

#[tokio::test]
async fn passphrase_unseals_after_restart_and_a_wrong_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let pass = SecretBytes::from_slice(b"correct horse battery staple");
    let out = initialise(
        dir.path(),
        InitMethod::Passphrase {
            passphrase: pass.clone(),
            params: FAST,
        },
    )
    .await;
    let token = text(&out.admin_token);
    assert!(out.shares.is_empty());
    // The database holds neither the passphrase nor the derived keys in the clear.
    let db = std::fs::read(dir.path().join("keyhaven.db")).unwrap();
    assert!(!db.windows(pass.len()).any(|w| w == pass.expose()));

    let c = clock();
    let mut s = TestServer::start_initialised(dir.path(), c.clone(), &token, |cfg| {
        cfg.passphrase = Some(pass.clone());
    })
    .await
    .unwrap();
    let (id, ct) = populate(&s).await;
    s.stop().await.unwrap();

    // Wrong passphrase at start: up, sealed, clear message.
    let mut s = TestServer::start_initialised(dir.path(), c.clone(), &token, |cfg| {
        cfg.passphrase = Some(SecretBytes::from_slice(b"wrong horse battery staple"));
    })
    .await
    .unwrap();
    let why = s.running().unwrap().unseal_error.clone().unwrap();
    assert!(why.contains("wrong passphrase"), "{why}");
    assert_sealed(&s).await;
    let r = unseal(&s, json!({"passphrase": "still wrong"})).await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (400, "unseal_failed"),
        "{r:?}"
    );
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("wrong passphrase"));
    assert!(!r.body.to_string().contains("still wrong"));
    let r = unseal(&s, json!({"share": "khs1-00"})).await;
    assert_eq!(r.code(), "invalid_request", "{r:?}");
    assert_sealed(&s).await;
    let r = unseal(&s, json!({"passphrase": "correct horse battery staple"})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["sealed"], false);
    decrypts(&s, &id, &ct).await;
    // Sealing again (system-admin) drops the keys from memory.
    let r = s.post("/v1/sys/seal", json!({})).await;
    assert_eq!(r.body["sealed"], true, "{r:?}");
    assert_sealed(&s).await;
    s.stop().await.unwrap();

    // No passphrase at start: sealed until `unseal`.
    let s = TestServer::start_initialised(dir.path(), c, &token, |_| {})
        .await
        .unwrap();
    assert_sealed(&s).await;
    let r = unseal(&s, json!({"passphrase": "correct horse battery staple"})).await;
    assert_eq!(r.body["sealed"], false, "{r:?}");
    decrypts(&s, &id, &ct).await;
}

#[tokio::test]
async fn shamir_any_three_of_five_unseal_and_two_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let out = initialise(
        dir.path(),
        InitMethod::Shamir {
            shares: 5,
            threshold: 3,
        },
    )
    .await;
    let token = text(&out.admin_token);
    let shares: Vec<String> = out.shares.iter().map(text).collect();
    assert_eq!(shares.len(), 5);
    let c = clock();

    // Starts sealed; two shares are not enough; the third unseals.
    let mut s = TestServer::start_initialised(dir.path(), c.clone(), &token, |_| {})
        .await
        .unwrap();
    assert_sealed(&s).await;
    for (i, share) in shares.iter().take(2).enumerate() {
        let r = unseal(&s, json!({"share": share})).await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["sealed"], true);
        assert_eq!(r.body["progress"], i + 1);
        assert_eq!(r.body["threshold"], 3);
    }
    // Giving a share twice does not count twice.
    let r = unseal(&s, json!({"share": shares[1]})).await;
    assert_eq!(r.body["progress"], 2);
    assert_sealed(&s).await;
    let r = unseal(&s, json!({"share": shares[4]})).await;
    assert_eq!(r.body["sealed"], false, "{r:?}");
    let (id, ct) = populate(&s).await;
    s.stop().await.unwrap();

    // Every set of three, after a restart each.
    let mut sets = 0;
    for a in 0..5 {
        for b in a + 1..5 {
            for d in b + 1..5 {
                let mut s = TestServer::start_initialised(dir.path(), c.clone(), &token, |_| {})
                    .await
                    .unwrap();
                for i in [a, b, d] {
                    unseal(&s, json!({"share": shares[i]})).await;
                }
                let st = s
                    .call_as(None, Method::GET, "/v1/sys/seal-status", None)
                    .await;
                assert_eq!(st.body["sealed"], false, "shares {a},{b},{d}");
                decrypts(&s, &id, &ct).await;
                s.stop().await.unwrap();
                sets += 1;
            }
        }
    }
    assert_eq!(sets, 10);

    // A mistyped share, a share of another set, and a reset.
    let s = TestServer::start_initialised(dir.path(), c.clone(), &token, |_| {})
        .await
        .unwrap();
    let mut typo = shares[0].clone();
    let last = typo.pop().unwrap();
    typo.push(if last == '0' { '1' } else { '0' });
    let r = unseal(&s, json!({"share": typo})).await;
    assert_eq!(r.code(), "invalid_request", "{r:?}");
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("checksum"));
    let other_dir = tempfile::tempdir().unwrap();
    let other = initialise(
        other_dir.path(),
        InitMethod::Shamir {
            shares: 5,
            threshold: 3,
        },
    )
    .await;
    let r = unseal(&s, json!({"share": text(&other.shares[0])})).await;
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("another share set"));
    unseal(&s, json!({"share": shares[0]})).await;
    let r = unseal(&s, json!({"reset": true})).await;
    assert_eq!(r.body["progress"], 0, "{r:?}");
    assert_sealed(&s).await;
    // No share text ever appears in a response.
    for share in &shares {
        assert!(!r.body.to_string().contains(share.as_str()));
    }
}

#[tokio::test]
async fn softhsm_root_key_unseals_after_restart_and_rotates() {
    let Some(hsm) = keyhaven_testkit::softhsm::token("kh-unseal-test") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = initialise(dir.path(), InitMethod::Pkcs11(hsm.clone())).await;
    let token = text(&out.admin_token);
    let c = clock();
    let with_hsm = |cfg: &mut keyhaven_testkit::keyhaven_server::ServerConfig| {
        cfg.pkcs11 = Some(Pkcs11Config {
            token_label: String::new(),
            ..hsm.clone()
        });
    };
    let mut s = TestServer::start_initialised(dir.path(), c.clone(), &token, with_hsm)
        .await
        .unwrap();
    let ready = s.call_as(None, Method::GET, "/v1/ready", None).await;
    assert_eq!(ready.status, 200, "{ready:?}");
    assert!(ready.body["details"]["root_key"]["kind"]
        .as_str()
        .unwrap()
        .contains("pkcs11"));
    let (id, ct) = populate(&s).await;
    s.stop().await.unwrap();

    let mut s = TestServer::start_initialised(dir.path(), c.clone(), &token, with_hsm)
        .await
        .unwrap();
    decrypts(&s, &id, &ct).await;
    // Rotation: a new key in the HSM wraps the KEKs; the old one is deleted from the token.
    let r = s.post("/v1/sys/rotate-root", json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        (
            r.body["from_generation"].as_u64(),
            r.body["to_generation"].as_u64()
        ),
        (Some(1), Some(2))
    );
    decrypts(&s, &id, &ct).await;
    assert!(
        keyhaven_crypto::Pkcs11Root::open(&hsm, 1).is_err(),
        "generation 1 is gone from the token"
    );
    s.stop().await.unwrap();
    let mut s = TestServer::start_initialised(dir.path(), c.clone(), &token, with_hsm)
        .await
        .unwrap();
    decrypts(&s, &id, &ct).await;
    s.stop().await.unwrap();

    // A wrong PIN leaves it sealed, saying so.
    let s = TestServer::start_initialised(dir.path(), c, &token, |cfg| {
        cfg.pkcs11 = Some(Pkcs11Config {
            pin: SecretBytes::from_slice(b"0000"),
            token_label: String::new(),
            ..hsm.clone()
        });
    })
    .await
    .unwrap();
    if let Some(why) = s.running().unwrap().unseal_error.clone() {
        assert!(why.contains("PIN"), "{why}");
        assert_sealed(&s).await;
    }
}

/// Root rotation on a software root: every vault KEK is re-wrapped in one transaction, the
/// material rows do not change, requests keep working during and after, a restart unseals with
/// the same passphrase, and the rotation is audited.
#[tokio::test]
async fn root_rotation_rewraps_keks_only() {
    let dir = tempfile::tempdir().unwrap();
    let pass = SecretBytes::from_slice(b"rotation passphrase 1");
    let out = initialise(
        dir.path(),
        InitMethod::Passphrase {
            passphrase: pass.clone(),
            params: FAST,
        },
    )
    .await;
    let token = text(&out.admin_token);
    let c = clock();
    let mut s = TestServer::start_initialised(dir.path(), c.clone(), &token, |cfg| {
        cfg.passphrase = Some(pass.clone());
    })
    .await
    .unwrap();
    let (id, ct) = populate(&s).await;
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}?mode=ro",
        dir.path().join("keyhaven.db").display()
    ))
    .await
    .unwrap();
    let materials = || async {
        sqlx::query_scalar::<_, Vec<u8>>(
            "SELECT sealed_material FROM key_versions ORDER BY key_id, version",
        )
        .fetch_all(&db)
        .await
        .unwrap()
    };
    let keks = || async {
        sqlx::query_scalar::<_, Vec<u8>>("SELECT sealed_kek FROM vaults ORDER BY id")
            .fetch_all(&db)
            .await
            .unwrap()
    };
    let (m0, k0) = (materials().await, keks().await);
    // Encrypt while the rotation runs: no request fails.
    let busy = {
        let base = s.base.clone();
        let http = s.http.clone();
        let token = s.token.clone();
        let id = id.clone();
        tokio::spawn(async move {
            let mut ok = 0;
            for _ in 0..50 {
                let r = http
                    .post(format!("{base}/v1/keys/{id}/encrypt"))
                    .bearer_auth(&token)
                    .json(&json!({"plaintext": b64(b"x")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                ok += 1;
            }
            ok
        })
    };
    let r = s.post("/v1/sys/rotate-root", json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["vaults_rewrapped"], 1);
    assert_eq!(busy.await.unwrap(), 50);
    assert_eq!(materials().await, m0, "key material untouched");
    assert_ne!(keks().await, k0, "KEKs re-wrapped");
    decrypts(&s, &id, &ct).await;
    let status = s
        .call_as(None, Method::GET, "/v1/sys/seal-status", None)
        .await;
    assert_eq!(status.body["root_generation"], 2);
    let roots: Vec<i64> = sqlx::query_scalar("SELECT generation FROM root_keys")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(roots, vec![2], "generation 1 retired");
    // A new vault made after the rotation is wrapped under generation 2.
    let r = s.post("/v1/vaults", json!({"name": "after"})).await;
    assert_eq!(r.status, 201);
    let gens: Vec<i64> = sqlx::query_scalar("SELECT root_generation FROM vaults")
        .fetch_all(&db)
        .await
        .unwrap();
    assert!(gens.iter().all(|g| *g == 2), "{gens:?}");
    // Audited.
    let mut audited = false;
    for _ in 0..50 {
        let a = s.get("/v1/audit?action=root.rotate").await;
        if a.body["items"].as_array().is_some_and(|i| !i.is_empty()) {
            audited = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(audited);
    db.close().await;
    s.stop().await.unwrap();
    let s = TestServer::start_initialised(dir.path(), c, &token, |cfg| {
        cfg.passphrase = Some(pass.clone());
    })
    .await
    .unwrap();
    decrypts(&s, &id, &ct).await;
    // Only a system-admin may rotate.
    let app = s.principal("app", &[]).await;
    let r = s
        .call_as(
            Some(&app),
            Method::POST,
            "/v1/sys/rotate-root",
            Some(json!({})),
        )
        .await;
    assert_eq!(r.code(), "forbidden");
}
