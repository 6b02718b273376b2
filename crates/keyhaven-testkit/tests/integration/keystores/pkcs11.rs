//! The PKCS#11 connector against a real SoftHSM2 token: push and generate, describe, disable
//! and enable through `CKA_ENCRYPT`, AES-GCM in the token, destruction, and the error mapping.
//! Each test initialises its own token; without SoftHSM2 they skip locally and fail in CI.

use std::sync::Arc;

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use keyhaven_core::keystore::{
    check_value, CreateRequest, Keystore, KeystoreError, KeystoreKind, RemoteState,
};
use keyhaven_core::{KeyAlgorithm, SecretBytes};
use keyhaven_keystores::pkcs11::Pkcs11Keystore;
use keyhaven_testkit::softhsm;
use serde_json::{json, Value};

/// The user PIN `softhsm::token` sets.
const PIN: &str = "1234";

fn creds(json: &str) -> SecretBytes {
    SecretBytes::from_slice(json.as_bytes())
}

fn pin_creds(pin: &str) -> SecretBytes {
    creds(&json!({ "pin": pin }).to_string())
}

/// Settings and a connector for a fresh token, or `None` (skip) without SoftHSM2 locally.
fn fresh(token_label: &str) -> Option<(Value, Pkcs11Keystore)> {
    let cfg = softhsm::token(token_label)?;
    let settings = json!({ "module": cfg.module, "token_label": cfg.token_label });
    let ks = Pkcs11Keystore::new(&settings, &pin_creds(PIN)).unwrap();
    Some((settings, ks))
}

fn random_key(len: usize) -> SecretBytes {
    let mut bytes = vec![0u8; len];
    aws_lc_rs::rand::fill(&mut bytes).unwrap();
    SecretBytes::new(bytes)
}

fn push<'a>(label: &'a str, alg: KeyAlgorithm, material: &'a SecretBytes) -> CreateRequest<'a> {
    CreateRequest {
        label,
        algorithm: alg,
        material: Some(material),
        enabled: true,
    }
}

fn generate(label: &str, alg: KeyAlgorithm, enabled: bool) -> CreateRequest<'_> {
    CreateRequest {
        label,
        algorithm: alg,
        material: None,
        enabled,
    }
}

async fn state(ks: &Pkcs11Keystore, label: &str) -> RemoteState {
    ks.describe(label).await.unwrap().state
}

#[tokio::test]
async fn pushed_key_goes_through_its_lifecycle_in_the_token() {
    let Some((_, ks)) = fresh("ks-p11-push") else {
        return;
    };
    assert_eq!(ks.kind(), KeystoreKind::Pkcs11);
    ks.test_connection().await.unwrap();

    let material = random_key(32);
    let expected_kcv = check_value(KeyAlgorithm::Aes256, &material).unwrap();
    let label = "keyhaven-0193-push-v1";
    let created = ks
        .create(&push(label, KeyAlgorithm::Aes256, &material))
        .await
        .unwrap();
    assert_eq!(created.remote_id, label);
    assert_eq!(created.check_value.as_deref(), Some(expected_kcv.as_str()));

    let view = ks.describe(label).await.unwrap();
    assert_eq!(view.state, RemoteState::Enabled);
    assert_eq!(view.check_value.as_deref(), Some(expected_kcv.as_str()));

    // AES-GCM in the token: IV || ciphertext || tag, a fresh IV each time.
    let plaintext = b"card 4111 1111 1111 1111";
    let ct = ks.encrypt(label, plaintext).await.unwrap();
    assert_eq!(ct.len(), 12 + plaintext.len() + 16);
    let again = ks.encrypt(label, plaintext).await.unwrap();
    assert_ne!(ct[..12], again[..12], "each encryption draws a new IV");
    assert_eq!(ks.decrypt(label, &ct).await.unwrap().expose(), plaintext);

    // The token holds exactly the pushed material: its output opens in software.
    let soft = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, material.expose()).unwrap());
    let mut sealed = ct[12..].to_vec();
    let nonce = Nonce::try_assume_unique_for_key(&ct[..12]).unwrap();
    let opened = soft
        .open_in_place(nonce, Aad::empty(), &mut sealed)
        .unwrap();
    assert_eq!(opened, plaintext);

    // Disabled: encryption refused by the token, decryption of earlier data still works.
    ks.disable(label).await.unwrap();
    assert_eq!(state(&ks, label).await, RemoteState::Disabled);
    let err = ks.encrypt(label, plaintext).await.unwrap_err();
    assert!(
        matches!(&err, KeystoreError::Refused(m) if m.contains("disabled")),
        "{err:?}"
    );
    assert_eq!(ks.decrypt(label, &ct).await.unwrap().expose(), plaintext);
    // Disabling twice is harmless.
    ks.disable(label).await.unwrap();
    assert_eq!(state(&ks, label).await, RemoteState::Disabled);

    ks.enable(label).await.unwrap();
    assert_eq!(state(&ks, label).await, RemoteState::Enabled);
    let ct2 = ks.encrypt(label, b"again").await.unwrap();
    assert_eq!(ks.decrypt(label, &ct2).await.unwrap().expose(), b"again");

    // Destruction is immediate and idempotent.
    assert_eq!(ks.destroy(label, 7).await.unwrap(), None);
    let view = ks.describe(label).await.unwrap();
    assert_eq!(view.state, RemoteState::Missing);
    assert_eq!(view.check_value, None);
    assert_eq!(ks.destroy(label, 7).await.unwrap(), None);
    let err = ks.decrypt(label, &ct).await.unwrap_err();
    assert!(matches!(err, KeystoreError::NotFound(_)), "{err:?}");
}

#[tokio::test]
async fn generated_keys_stay_in_the_token() {
    let Some((_, ks)) = fresh("ks-p11-generate") else {
        return;
    };
    let label = "keyhaven-0193-gen-v1";
    let created = ks
        .create(&generate(label, KeyAlgorithm::Aes128, false))
        .await
        .unwrap();
    assert_eq!(created.remote_id, label);
    let kcv = created
        .check_value
        .expect("SoftHSM2 reports CKA_CHECK_VALUE");
    assert_eq!(kcv.len(), 6, "{kcv}");
    assert!(kcv
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));

    // Created disabled, as asked.
    let view = ks.describe(label).await.unwrap();
    assert_eq!(view.state, RemoteState::Disabled);
    assert_eq!(view.check_value.as_deref(), Some(kcv.as_str()));
    assert!(matches!(
        ks.encrypt(label, b"x").await,
        Err(KeystoreError::Refused(_))
    ));

    ks.enable(label).await.unwrap();
    let ct = ks.encrypt(label, b"generated in place").await.unwrap();
    assert_eq!(
        ks.decrypt(label, &ct).await.unwrap().expose(),
        b"generated in place"
    );

    // Every AES size works; two generated keys differ.
    let a = ks
        .create(&generate(
            "keyhaven-0193-gen-v2",
            KeyAlgorithm::Aes192,
            true,
        ))
        .await
        .unwrap();
    let b = ks
        .create(&generate(
            "keyhaven-0193-gen-v3",
            KeyAlgorithm::Aes256,
            true,
        ))
        .await
        .unwrap();
    assert!(a.check_value.is_some() && b.check_value.is_some());
    assert_ne!(a.check_value, b.check_value);
    let ct = ks.encrypt("keyhaven-0193-gen-v3", b"").await.unwrap();
    assert!(ks.decrypt("keyhaven-0193-gen-v2", &ct).await.is_err());
    assert!(ks
        .decrypt("keyhaven-0193-gen-v3", &ct)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn create_again_adopts_the_same_key_and_refuses_other_material() {
    let Some((_, ks)) = fresh("ks-p11-again") else {
        return;
    };
    let label = "keyhaven-0193-again-v1";
    let material = random_key(16);
    let first = ks
        .create(&push(label, KeyAlgorithm::Aes128, &material))
        .await
        .unwrap();
    // A retried push (its first answer lost) finds the same object.
    let second = ks
        .create(&push(label, KeyAlgorithm::Aes128, &material))
        .await
        .unwrap();
    assert_eq!(first, second);

    let other = random_key(16);
    let err = ks
        .create(&push(label, KeyAlgorithm::Aes128, &other))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, KeystoreError::Refused(m) if m.contains("other key material")),
        "{err:?}"
    );
    let err = ks
        .create(&generate(label, KeyAlgorithm::Aes256, true))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, KeystoreError::Refused(m) if m.contains("aes-256")),
        "{err:?}"
    );
    // Material of the wrong length never reaches the token.
    let err = ks
        .create(&push(
            "keyhaven-0193-again-v2",
            KeyAlgorithm::Aes256,
            &other,
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, KeystoreError::Refused(_)), "{err:?}");
    assert_eq!(
        state(&ks, "keyhaven-0193-again-v2").await,
        RemoteState::Missing
    );
}

#[tokio::test]
async fn unknown_labels_are_missing() {
    let Some((_, ks)) = fresh("ks-p11-unknown") else {
        return;
    };
    let view = ks.describe("keyhaven-never-created").await.unwrap();
    assert_eq!(view.state, RemoteState::Missing);
    assert_eq!(view.check_value, None);
    for err in [
        ks.enable("keyhaven-never-created").await.unwrap_err(),
        ks.disable("keyhaven-never-created").await.unwrap_err(),
        ks.encrypt("keyhaven-never-created", b"x")
            .await
            .unwrap_err(),
    ] {
        assert!(
            matches!(&err, KeystoreError::NotFound(m) if m.contains("keyhaven-never-created")),
            "{err:?}"
        );
    }
    assert_eq!(ks.destroy("keyhaven-never-created", 0).await.unwrap(), None);
}

#[tokio::test]
async fn altered_ciphertext_is_refused() {
    let Some((_, ks)) = fresh("ks-p11-tamper") else {
        return;
    };
    let label = "keyhaven-0193-tamper-v1";
    let material = random_key(32);
    ks.create(&push(label, KeyAlgorithm::Aes256, &material))
        .await
        .unwrap();
    let ct = ks.encrypt(label, b"integrity matters").await.unwrap();
    for i in [0, 12, ct.len() - 1] {
        let mut bad = ct.clone();
        bad[i] ^= 0x01;
        let err = ks.decrypt(label, &bad).await.unwrap_err();
        assert!(
            matches!(err, KeystoreError::Refused(_)),
            "byte {i}: {err:?}"
        );
    }
    let err = ks.decrypt(label, &ct[..27]).await.unwrap_err();
    assert!(
        matches!(&err, KeystoreError::Refused(m) if m.contains("at least 28 bytes")),
        "{err:?}"
    );
    // The session survived the failures.
    assert_eq!(
        ks.decrypt(label, &ct).await.unwrap().expose(),
        b"integrity matters"
    );
}

#[tokio::test]
async fn concurrent_operations_share_the_connector() {
    let Some((_, ks)) = fresh("ks-p11-concurrent") else {
        return;
    };
    let ks = Arc::new(ks);
    let material = random_key(32);
    ks.create(&push(
        "keyhaven-0193-conc-v1",
        KeyAlgorithm::Aes256,
        &material,
    ))
    .await
    .unwrap();
    let tasks: Vec<_> = (0u8..8)
        .map(|i| {
            let ks = Arc::clone(&ks);
            tokio::spawn(async move {
                let msg = vec![i; 100 + usize::from(i)];
                let ct = ks.encrypt("keyhaven-0193-conc-v1", &msg).await.unwrap();
                let back = ks.decrypt("keyhaven-0193-conc-v1", &ct).await.unwrap();
                assert_eq!(back.expose(), msg);
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

#[tokio::test]
async fn wrong_pin_is_unauthorized() {
    let Some(cfg) = softhsm::token("ks-p11-wrong-pin") else {
        return;
    };
    let settings = json!({ "module": cfg.module, "token_label": cfg.token_label });
    // No session of this process is logged in to this token (see the module docs).
    let ks = Pkcs11Keystore::new(&settings, &pin_creds("8642")).unwrap();
    let err = ks.test_connection().await.unwrap_err();
    assert!(
        matches!(&err, KeystoreError::Unauthorized(m) if m.contains("ks-p11-wrong-pin")),
        "{err:?}"
    );
    assert!(!err.to_string().contains("8642"), "{err}");
    let err = ks.describe("keyhaven-any").await.unwrap_err();
    assert!(matches!(err, KeystoreError::Unauthorized(_)), "{err:?}");
    assert!(!format!("{ks:?}").contains("8642"));

    // The right PIN works on the same token.
    let ks = Pkcs11Keystore::new(&settings, &pin_creds(PIN)).unwrap();
    ks.test_connection().await.unwrap();
}

#[tokio::test]
async fn unsupported_algorithms_and_operations_are_refused() {
    let Some((_, ks)) = fresh("ks-p11-unsupported") else {
        return;
    };
    let caps = ks.capabilities();
    assert!(caps.push && caps.generate && caps.reenable);
    assert_eq!(caps.pending_days, None);

    let err = ks
        .create(&generate("keyhaven-rsa", KeyAlgorithm::Rsa2048, true))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, KeystoreError::Unsupported(m) if m.contains("rsa-2048")),
        "{err:?}"
    );
    let hmac = random_key(32);
    let err = ks
        .create(&push("keyhaven-hmac", KeyAlgorithm::HmacSha256, &hmac))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, KeystoreError::Unsupported(m) if m.contains("hmac-sha256")),
        "{err:?}"
    );
    assert_eq!(state(&ks, "keyhaven-hmac").await, RemoteState::Missing);

    let err = ks.cancel_destroy("keyhaven-any").await.unwrap_err();
    assert!(matches!(err, KeystoreError::Unsupported(_)), "{err:?}");
}

#[tokio::test]
async fn bad_settings_and_credentials_say_what_to_fix() {
    let config = |r: Result<Pkcs11Keystore, KeystoreError>| match r {
        Err(KeystoreError::Config(m)) => m,
        other => panic!("expected a config error, got {other:?}"),
    };
    let module = "/nonexistent/libpkcs11-module.so";
    let good = json!({ "module": module, "token_label": "t" });

    let m = config(Pkcs11Keystore::new(&good, &pin_creds(PIN)));
    assert!(m.contains(module), "{m}");
    let m = config(Pkcs11Keystore::new(
        &json!({ "module": module, "token_label": "t", "slot": 3 }),
        &pin_creds(PIN),
    ));
    assert!(m.contains("slot"), "{m}");
    let m = config(Pkcs11Keystore::new(
        &json!({ "module": module }),
        &pin_creds(PIN),
    ));
    assert!(m.contains("token_label"), "{m}");

    // From here on a real module file is needed.
    let Some(cfg) = softhsm::token("ks-p11-settings") else {
        return;
    };
    let settings = json!({ "module": cfg.module, "token_label": cfg.token_label });
    let m = config(Pkcs11Keystore::new(
        &settings,
        &creds(r#"{"pin": "5551", "so_pin": "7777"}"#),
    ));
    assert!(
        m.contains("so_pin") && !m.contains("7777") && !m.contains("5551"),
        "{m}"
    );
    let m = config(Pkcs11Keystore::new(&settings, &creds(r#"{"pin": 5551}"#)));
    assert!(m.contains("pin") && !m.contains("5551"), "{m}");
    let m = config(Pkcs11Keystore::new(&settings, &creds("{}")));
    assert!(m.contains("missing field \"pin\""), "{m}");
    let m = config(Pkcs11Keystore::new(&settings, &creds("")));
    assert!(m.contains("pin"), "{m}");
    let m = config(Pkcs11Keystore::new(
        &json!({ "module": cfg.module, "token_label": "" }),
        &pin_creds(PIN),
    ));
    assert!(m.contains("token_label"), "{m}");

    // A token label no token has: unreachable (the HSM may be disconnected), and named.
    let ks = Pkcs11Keystore::new(
        &json!({ "module": cfg.module, "token_label": "ks-p11-no-such-token" }),
        &pin_creds(PIN),
    )
    .unwrap();
    let err = ks.test_connection().await.unwrap_err();
    assert!(
        matches!(&err, KeystoreError::Unreachable(m) if m.contains("ks-p11-no-such-token")),
        "{err:?}"
    );
    assert!(err.is_transient());
}

/// A SoftHSM2 token as a distribution peer, or `None` (skip) without SoftHSM2 locally.
fn peer(token_label: &str) -> Option<super::flows::Peer> {
    let (settings, ks) = fresh(token_label)?;
    Some(super::flows::Peer {
        kind: "pkcs11",
        placement: "push",
        settings,
        credentials: json!({ "pin": PIN }),
        conn: Box::new(ks),
        reenable: true,
        refuses_disabled: true,
    })
}

#[tokio::test]
async fn distributed_key_follows_its_lifecycle() {
    let Some(p) = peer("dist-life") else { return };
    super::flows::lifecycle(p).await;
}

#[tokio::test]
async fn disabled_behind_keyhavens_back_is_flagged_and_synced() {
    let Some(p) = peer("dist-drift1") else { return };
    super::flows::drift(p, false).await;
}

#[tokio::test]
async fn deleted_behind_keyhavens_back_is_flagged_and_synced() {
    let Some(p) = peer("dist-drift2") else { return };
    super::flows::drift(p, true).await;
}

/// A vault admin cannot make the server load a library the operator did not allow.
#[tokio::test]
async fn a_module_off_the_allow_list_is_refused() {
    let s = super::flows::server_now().await;
    crate::vault(&s, "mods", 7).await;
    let r = s
        .post(
            "/v1/vaults/mods/keystores",
            json!({"name": "evil", "kind": "pkcs11",
                   "settings": {"module": "/bin/sh", "token_label": "t"},
                   "credentials": {"pin": PIN}}),
        )
        .await;
    assert_eq!(r.status, 400, "{r:?}");
    assert!(
        r.body.to_string().contains("--keystore-pkcs11-module"),
        "the error says how to allow a module: {r:?}"
    );
}

/// A distribution record pointed at another object in the database is refused (record MAC),
/// so keyhaven's changes cannot be redirected at someone else's key.
#[tokio::test]
async fn an_edited_remote_id_is_an_integrity_error() {
    let Some(p) = peer("dist-tamper") else { return };
    let s = super::flows::server_now().await;
    super::flows::register(&s, "tamper", &p).await;
    let key = crate::key(
        &s,
        json!({"vault": "tamper", "name": "k1", "algorithm": "aes-256",
               "initial_state": "active", "keystores": ["ext"]}),
    )
    .await;
    let k = crate::id(&key);
    let (remote, status) = super::flows::version_of(&super::flows::keystores(&s, &k).await, 1);
    assert_eq!(status, "enabled");
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        s.data_dir().join("keyhaven.db").display()
    ))
    .await
    .unwrap();
    let done = sqlx::query("UPDATE key_distributions SET remote_id = 'someone-elses-key'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1);
    let r = s.get(&format!("/v1/keys/{k}/keystores")).await;
    assert_eq!(r.code(), "integrity_error", "{r:?}");
    // The deactivation is not propagated anywhere on the strength of the edited record.
    let r = s.post(&format!("/v1/keys/{k}/deactivate"), json!({})).await;
    assert!(r.status.is_success(), "{r:?}");
    s.run_jobs().await;
    assert_eq!(
        p.conn.describe(&remote).await.unwrap().state,
        RemoteState::Enabled
    );
}

/// A template names keystores; keys made from it are distributed there at once.
#[tokio::test]
async fn keys_from_a_template_go_to_its_keystores() {
    let Some(p) = peer("dist-template") else {
        return;
    };
    let s = super::flows::server_now().await;
    super::flows::register(&s, "tpl", &p).await;
    let bad = s
        .post(
            "/v1/vaults/tpl/templates",
            json!({"name": "nope", "spec": {"algorithm": "aes-256", "keystores": ["missing"]}}),
        )
        .await;
    assert_eq!(bad.code(), "not_found", "{bad:?}");
    let bad = s
        .post(
            "/v1/vaults/tpl/templates",
            json!({"name": "rsa", "spec": {"algorithm": "rsa-3072", "keystores": ["ext"]}}),
        )
        .await;
    assert_eq!(bad.code(), "invalid_request", "{bad:?}");
    let t = s
        .post(
            "/v1/vaults/tpl/templates",
            json!({"name": "hsm", "spec": {"algorithm": "aes-256", "initial_state": "active",
                   "naming_scheme": "app-{seq}", "keystores": ["ext"]}}),
        )
        .await;
    assert_eq!(t.status, 201, "{t:?}");
    assert_eq!(t.body["spec"]["keystores"], json!(["ext"]), "{t:?}");
    let key = crate::key(&s, json!({"vault": "tpl", "template": "hsm"})).await;
    let k = crate::id(&key);
    let (remote, status) = super::flows::version_of(&super::flows::keystores(&s, &k).await, 1);
    assert_eq!(status, "enabled");
    assert_eq!(
        p.conn.describe(&remote).await.unwrap().state,
        RemoteState::Enabled
    );
}

/// Credentials can be replaced (rotation): a wrong PIN makes the connection test fail, the
/// right one makes it pass again; kind and placement stay; the credentials never show.
#[tokio::test]
async fn credentials_can_be_replaced() {
    let Some(p) = peer("dist-update") else { return };
    let s = super::flows::server_now().await;
    super::flows::register(&s, "upd", &p).await;
    let patch = |body: serde_json::Value| {
        let s = &s;
        async move {
            s.call(
                reqwest::Method::PATCH,
                "/v1/vaults/upd/keystores/ext",
                Some(body),
            )
            .await
        }
    };
    let r = patch(json!({})).await;
    assert_eq!(r.code(), "invalid_request", "{r:?}");
    let r = patch(json!({"settings": {"module": "/bin/sh", "token_label": "x"}})).await;
    assert_eq!(
        r.code(),
        "invalid_request",
        "a module off the allow-list: {r:?}"
    );
    // A new PIN is taken (whether it is right shows in the connection test; here the test
    // process shares the token's login, see `wrong_pin_is_unauthorized`).
    let r = patch(json!({"credentials": {"pin": "0000"}})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["kind"], "pkcs11");
    assert!(!r.body.to_string().contains("0000"), "{r:?}");
    let r = patch(json!({"credentials": {"pin": PIN}})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let t = s.post("/v1/vaults/upd/keystores/ext/test", json!({})).await;
    assert_eq!(t.body["ok"], true, "{t:?}");
    // Only the credentials changed: the settings are the ones registered.
    let got = s.get("/v1/vaults/upd/keystores/ext").await;
    assert_eq!(got.body["settings"], p.settings, "{got:?}");
}
