//! The remote-KMIP connector against PyKMIP's own KMIP server (`pykmip-server`, TLS 1.2 with
//! an ECDSA server certificate and a client certificate). Each test runs its own server;
//! without PyKMIP installed they are skipped with a printed reason, except under `CI=true`.

use keyhaven_core::keystore::{
    check_value, CreateRequest, Keystore, KeystoreError, KeystoreKind, RemoteState,
};
use keyhaven_core::{KeyAlgorithm, SecretBytes};
use keyhaven_testkit::peers::pykmip_server::PyKmipServer;
use serde_json::json;

fn connect(server: &PyKmipServer, version: &str) -> Box<dyn Keystore> {
    keyhaven_keystores::connect(
        KeystoreKind::Kmip,
        &server.settings_for_version(version),
        &server.credentials(),
    )
    .expect("the connector accepts the harness settings")
}

fn material(byte: u8, len: usize) -> SecretBytes {
    SecretBytes::new(
        (0..len)
            .map(|i| byte ^ (i as u8).wrapping_mul(31))
            .collect(),
    )
}

async fn push(ks: &dyn Keystore, label: &str, key: &SecretBytes, enabled: bool) -> String {
    let created = ks
        .create(&CreateRequest {
            label,
            algorithm: KeyAlgorithm::Aes256,
            material: Some(key),
            enabled,
        })
        .await
        .expect("register");
    assert_eq!(
        created.check_value,
        check_value(KeyAlgorithm::Aes256, key),
        "a pushed key reports keyhaven's own check value"
    );
    created.remote_id
}

#[tokio::test]
async fn pushed_key_lives_disables_and_is_destroyed() {
    let Some(server) = PyKmipServer::start() else {
        return;
    };
    let ks = connect(&server, "1.2");
    let caps = ks.capabilities();
    assert!(caps.push && caps.generate && !caps.reenable && caps.pending_days.is_none());
    ks.test_connection()
        .await
        .unwrap_or_else(|e| panic!("query: {e}\n{}", server.log_tail()));

    let key = material(0x5a, 32);
    let id = push(ks.as_ref(), "keyhaven-k1-v1", &key, true).await;
    let view = ks.describe(&id).await.expect("describe");
    assert_eq!(view.state, RemoteState::Enabled);
    assert_eq!(view.check_value, check_value(KeyAlgorithm::Aes256, &key));
    assert!(view.check_value.is_some());

    // Encrypt and decrypt in the server (KMIP 1.2: AES-CBC-PKCS5).
    let plaintext = b"seventeen bytes!!";
    let sealed = ks.encrypt(&id, plaintext).await.expect("encrypt");
    assert_ne!(&sealed[..], &plaintext[..]);
    let opened = ks.decrypt(&id, &sealed).await.expect("decrypt");
    assert_eq!(opened.expose(), plaintext);
    // A flipped ciphertext byte does not give the plaintext back.
    let mut tampered = sealed.clone();
    *tampered.last_mut().unwrap() ^= 1;
    match ks.decrypt(&id, &tampered).await {
        Ok(p) => assert_ne!(p.expose(), plaintext),
        Err(e) => assert!(matches!(e, KeystoreError::Refused(_)), "{e:?}"),
    }

    // Disable: Revoke → Deactivated; encrypting is refused; disabling again is fine.
    ks.disable(&id).await.expect("disable");
    let view = ks.describe(&id).await.expect("describe");
    assert_eq!(view.state, RemoteState::Disabled);
    assert_eq!(view.check_value, check_value(KeyAlgorithm::Aes256, &key));
    ks.disable(&id).await.expect("disable twice");
    match ks.encrypt(&id, plaintext).await {
        Err(KeystoreError::Refused(m)) => assert!(m.contains("Deactivated"), "{m}"),
        other => panic!("encrypt with a deactivated key: {other:?}"),
    }
    // KMIP cannot take a deactivated object back.
    match ks.enable(&id).await {
        Err(KeystoreError::Unsupported(m)) => assert!(m.contains("reactivate"), "{m}"),
        other => panic!("enable a deactivated object: {other:?}"),
    }
    assert!(matches!(
        ks.cancel_destroy(&id).await,
        Err(KeystoreError::Unsupported(_))
    ));

    // Destroy is immediate; a second destroy and a destroy of an unknown object are no-ops.
    assert_eq!(ks.destroy(&id, 7).await.expect("destroy"), None);
    let view = ks.describe(&id).await.expect("describe destroyed");
    assert!(
        matches!(view.state, RemoteState::Missing | RemoteState::Destroyed),
        "{view:?}"
    );
    assert_eq!(view.check_value, None);
    assert_eq!(ks.destroy(&id, 7).await.expect("destroy again"), None);

    // An Active object is revoked before it is destroyed.
    let active = push(ks.as_ref(), "keyhaven-k1-v2", &material(0x11, 32), true).await;
    assert_eq!(ks.destroy(&active, 0).await.expect("destroy active"), None);
    assert_eq!(
        ks.describe(&active).await.expect("describe").state,
        RemoteState::Missing
    );
}

#[tokio::test]
async fn generated_and_pre_active_keys_and_unknown_ids() {
    let Some(server) = PyKmipServer::start() else {
        return;
    };
    let ks = connect(&server, "1.2");

    // Generated in place: the check value comes from the server's key.
    let created = ks
        .create(&CreateRequest {
            label: "keyhaven-k2-v1",
            algorithm: KeyAlgorithm::Aes128,
            material: None,
            enabled: true,
        })
        .await
        .unwrap_or_else(|e| panic!("create: {e}\n{}", server.log_tail()));
    let kcv = created.check_value.clone().expect("a check value");
    assert_eq!(kcv.len(), 6);
    let view = ks.describe(&created.remote_id).await.expect("describe");
    assert_eq!(view.state, RemoteState::Enabled);
    assert_eq!(view.check_value.as_deref(), Some(kcv.as_str()));
    let sealed = ks.encrypt(&created.remote_id, b"x").await.expect("encrypt");
    assert_eq!(
        ks.decrypt(&created.remote_id, &sealed)
            .await
            .expect("decrypt")
            .expose(),
        b"x"
    );

    // Created disabled: Pre-Active, which enable activates.
    let key = material(0x33, 32);
    let id = push(ks.as_ref(), "keyhaven-k2-v2", &key, false).await;
    assert_eq!(
        ks.describe(&id).await.expect("describe").state,
        RemoteState::Disabled
    );
    assert!(matches!(
        ks.encrypt(&id, b"x").await,
        Err(KeystoreError::Refused(_))
    ));
    ks.disable(&id).await.expect("disable a pre-active object");
    ks.enable(&id).await.expect("activate");
    ks.enable(&id).await.expect("enable twice");
    assert_eq!(
        ks.describe(&id).await.expect("describe").state,
        RemoteState::Enabled
    );

    // Unknown objects.
    let view = ks.describe("999999").await.expect("describe unknown");
    assert_eq!(view.state, RemoteState::Missing);
    assert_eq!(
        ks.destroy("999999", 0).await.expect("destroy unknown"),
        None
    );
    assert!(matches!(
        ks.enable("999999").await,
        Err(KeystoreError::NotFound(_))
    ));
    assert!(matches!(
        ks.encrypt("999999", b"x").await,
        Err(KeystoreError::NotFound(_))
    ));

    // Only AES, and pushed material of the right size.
    let rsa = ks
        .create(&CreateRequest {
            label: "keyhaven-k2-v3",
            algorithm: KeyAlgorithm::Rsa2048,
            material: None,
            enabled: true,
        })
        .await;
    assert!(matches!(rsa, Err(KeystoreError::Unsupported(_))), "{rsa:?}");
    let short = material(1, 16);
    let wrong = ks
        .create(&CreateRequest {
            label: "keyhaven-k2-v4",
            algorithm: KeyAlgorithm::Aes256,
            material: Some(&short),
            enabled: true,
        })
        .await;
    assert!(
        matches!(wrong, Err(KeystoreError::Unsupported(_))),
        "{wrong:?}"
    );
}

#[tokio::test]
async fn kmip_1_4_encrypts_with_gcm_and_2_0_describes() {
    let Some(server) = PyKmipServer::start() else {
        return;
    };
    let ks14 = connect(&server, "1.4");
    let key = material(0x77, 32);
    let id = push(ks14.as_ref(), "keyhaven-k3-v1", &key, true).await;
    let sealed = ks14
        .encrypt(&id, b"authenticated")
        .await
        .unwrap_or_else(|e| panic!("encrypt 1.4: {e}\n{}", server.log_tail()));
    assert_eq!(sealed[0], 0x02, "KMIP 1.4 ciphertexts are AES-GCM");
    assert_eq!(
        ks14.decrypt(&id, &sealed).await.expect("decrypt").expose(),
        b"authenticated"
    );
    let mut tampered = sealed.clone();
    tampered[14] ^= 1;
    assert!(
        ks14.decrypt(&id, &tampered).await.is_err(),
        "GCM refuses a modified ciphertext"
    );
    // A 1.2 connection cannot open a GCM ciphertext (no tag fields before 1.4).
    let ks12 = connect(&server, "1.2");
    assert!(matches!(
        ks12.decrypt(&id, &sealed).await,
        Err(KeystoreError::Unsupported(_))
    ));

    let ks20 = connect(&server, "2.0");
    let view = ks20
        .describe(&id)
        .await
        .unwrap_or_else(|e| panic!("describe 2.0: {e}\n{}", server.log_tail()));
    assert_eq!(view.state, RemoteState::Enabled);
    assert_eq!(view.check_value, check_value(KeyAlgorithm::Aes256, &key));
}

#[tokio::test]
async fn stopped_server_is_unreachable_and_objects_survive_a_restart() {
    let Some(mut server) = PyKmipServer::start() else {
        return;
    };
    let ks = connect(&server, "1.2");
    let enabled_key = material(0x42, 32);
    let enabled = push(ks.as_ref(), "keyhaven-k4-v1", &enabled_key, true).await;
    let disabled = push(ks.as_ref(), "keyhaven-k4-v2", &material(0x43, 32), true).await;
    ks.disable(&disabled).await.expect("disable");

    server.stop();
    for result in [
        ks.describe(&enabled).await.map(drop),
        ks.test_connection().await,
        ks.encrypt(&enabled, b"x").await.map(drop),
    ] {
        match result {
            Err(e @ KeystoreError::Unreachable(_)) => assert!(e.is_transient()),
            other => panic!("with the server stopped: {other:?}"),
        }
    }

    server.restart();
    let view = ks.describe(&enabled).await.expect("describe after restart");
    assert_eq!(view.state, RemoteState::Enabled);
    assert_eq!(
        view.check_value,
        check_value(KeyAlgorithm::Aes256, &enabled_key)
    );
    assert_eq!(
        ks.describe(&disabled).await.expect("describe").state,
        RemoteState::Disabled
    );
    let sealed = ks.encrypt(&enabled, b"after").await.expect("encrypt");
    assert_eq!(
        ks.decrypt(&enabled, &sealed)
            .await
            .expect("decrypt")
            .expose(),
        b"after"
    );
}

#[tokio::test]
async fn wrong_client_certificate_or_ca_is_refused() {
    let Some(server) = PyKmipServer::start() else {
        return;
    };
    let other = PyKmipServer::start().expect("a second server");
    // Our client certificate with the other server's CA: the server certificate is not trusted.
    let ks = keyhaven_keystores::connect(
        KeystoreKind::Kmip,
        &other.settings_for_version("1.2"),
        &server.credentials(),
    )
    .expect("settings");
    let mut settings = server.settings();
    settings["ca_pem"] = other.settings()["ca_pem"].clone();
    let untrusted =
        keyhaven_keystores::connect(KeystoreKind::Kmip, &settings, &server.credentials())
            .expect("settings");
    match untrusted.test_connection().await {
        Err(KeystoreError::Unreachable(m)) => assert!(m.contains("TLS"), "{m}"),
        other => panic!("untrusted server certificate: {other:?}"),
    }
    // A client certificate from another CA: the server refuses the handshake.
    match ks.test_connection().await {
        Err(KeystoreError::Unauthorized(_) | KeystoreError::Unreachable(_)) => {}
        other => panic!("foreign client certificate: {other:?}"),
    }
}

#[test]
fn settings_errors_name_the_field_not_the_value() {
    let creds = SecretBytes::new(
        json!({"client_cert_pem": "x", "client_key_pem": "TOP-SECRET-KEY"})
            .to_string()
            .into_bytes(),
    );
    let cases = [
        (json!({"port": 5696, "ca_pem": "x"}), "host"),
        (json!({"host": "127.0.0.1", "ca_pem": "x"}), "port"),
        (json!({"host": "127.0.0.1", "port": 5696}), "ca_pem"),
        (
            json!({"host": "127.0.0.1", "port": 5696, "ca_pem": "x", "pasword": "hunter2"}),
            "pasword",
        ),
    ];
    for (settings, field) in cases {
        match keyhaven_keystores::connect(KeystoreKind::Kmip, &settings, &creds) {
            Err(KeystoreError::Config(m)) => {
                assert!(m.contains(field), "{m} should name {field}");
                assert!(!m.contains("hunter2") && !m.contains("TOP-SECRET"), "{m}");
            }
            Err(other) => panic!("{field}: {other:?}"),
            Ok(_) => panic!("{field}: accepted"),
        }
    }
}

/// PyKMIP's server as a distribution peer.
fn peer(server: &PyKmipServer) -> super::flows::Peer {
    let credentials: serde_json::Value =
        serde_json::from_slice(server.credentials().expose()).unwrap();
    super::flows::Peer {
        kind: "kmip",
        placement: "push",
        settings: server.settings(),
        credentials,
        conn: connect(server, "1.2"),
        reenable: false,
        refuses_disabled: true,
    }
}

#[tokio::test]
async fn distributed_key_follows_its_lifecycle() {
    let Some(server) = PyKmipServer::start() else {
        return;
    };
    super::flows::lifecycle(peer(&server)).await;
}

#[tokio::test]
async fn disabled_behind_keyhavens_back_is_flagged_and_synced() {
    let Some(server) = PyKmipServer::start() else {
        return;
    };
    super::flows::drift(peer(&server), false).await;
}

#[tokio::test]
async fn deleted_behind_keyhavens_back_is_flagged_and_synced() {
    let Some(server) = PyKmipServer::start() else {
        return;
    };
    super::flows::drift(peer(&server), true).await;
}

#[tokio::test]
async fn change_made_while_the_keystore_is_down_is_applied_when_it_returns() {
    let Some(mut server) = PyKmipServer::start() else {
        return;
    };
    let p = peer(&server);
    super::flows::outage(p, |up| {
        if up {
            server.restart();
        } else {
            server.stop();
        }
    })
    .await;
}
