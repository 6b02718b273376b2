//! Distribution through the server, one flow per keystore type against its real peer:
//! a key goes through activate, encrypt in the keystore, deactivate, reactivate, rotate and
//! destroy, with the keystore's own view checked at every step; a change made behind
//! keyhaven's back is flagged out of sync within one check interval and repaired by sync;
//! and a change made while the keystore is down is applied when it returns.

use std::time::Duration as StdDuration;

use keyhaven_core::keystore::{Keystore, RemoteState};
use keyhaven_testkit::keyhaven_core;
use keyhaven_testkit::TestServer;
use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

use crate::{id, vault};

/// A keystore peer for the flows: how to register it, and a direct connection to it for
/// checking (and tampering with) its own view.
pub struct Peer {
    pub kind: &'static str,
    pub placement: &'static str,
    pub settings: Value,
    pub credentials: Value,
    pub conn: Box<dyn Keystore>,
    /// Whether a disabled object can be enabled again (else reactivation makes a new one).
    pub reenable: bool,
    /// Whether the peer itself refuses to encrypt with a disabled object (moto does not,
    /// unlike AWS).
    pub refuses_disabled: bool,
}

/// A server whose fake clock starts at the real time (AWS deletion dates are real dates).
pub async fn server_now() -> TestServer {
    TestServer::start_at(OffsetDateTime::now_utc())
        .await
        .unwrap()
}

pub async fn register(s: &TestServer, vault_name: &str, peer: &Peer) {
    vault(s, vault_name, 7).await;
    let r = s
        .post(
            &format!("/v1/vaults/{vault_name}/keystores"),
            json!({"name": "ext", "kind": peer.kind, "placement": peer.placement,
                   "settings": peer.settings, "credentials": peer.credentials}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert!(
        !r.body.to_string().contains("credentials"),
        "credentials must never be returned: {r:?}"
    );
    let t = s
        .post(
            &format!("/v1/vaults/{vault_name}/keystores/ext/test"),
            json!({}),
        )
        .await;
    assert_eq!(t.status, 200, "{t:?}");
    assert_eq!(t.body["ok"], true, "{t:?}");
}

pub async fn keystores(s: &TestServer, key: &str) -> Value {
    let r = s.get(&format!("/v1/keys/{key}/keystores")).await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body
}

/// The remote id and status of `version` in the only keystore.
pub fn version_of(view: &Value, version: u64) -> (String, String) {
    let v = view["keystores"][0]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["version"] == version)
        .unwrap_or_else(|| panic!("no version {version} in {view}"));
    (
        v["remote_id"].as_str().unwrap_or("").to_owned(),
        v["status"].as_str().unwrap_or("").to_owned(),
    )
}

async fn post_ok(s: &TestServer, path: &str) {
    let r = s.post(path, json!({})).await;
    assert!(r.status.is_success(), "{path}: {r:?}");
}

async fn remote_state(peer: &Peer, remote: &str) -> RemoteState {
    peer.conn.describe(remote).await.unwrap().state
}

/// Activate, encrypt in the keystore, deactivate, reactivate, rotate, destroy.
pub async fn lifecycle(peer: Peer) {
    let s = server_now().await;
    register(&s, "dist", &peer).await;
    let key = crate::key(
        &s,
        json!({"vault": "dist", "name": "k1", "algorithm": "aes-256", "keystores": ["ext"]}),
    )
    .await;
    let k = id(&key);
    // Pre-active: nothing is distributed yet.
    let view = keystores(&s, &k).await;
    assert_eq!(view["keystores"][0]["keystore"], "ext", "{view}");
    assert!(
        view["keystores"][0]["versions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["remote_id"].is_null()),
        "{view}"
    );

    // Activate: created and enabled in the keystore.
    post_ok(&s, &format!("/v1/keys/{k}/activate")).await;
    s.run_jobs().await;
    let view = keystores(&s, &k).await;
    assert_eq!(view["out_of_sync"], false, "{view}");
    let (r1, status) = version_of(&view, 1);
    assert_eq!(status, "enabled", "{view}");
    assert_eq!(remote_state(&peer, &r1).await, RemoteState::Enabled);
    let ct = peer.conn.encrypt(&r1, b"distributed secret").await.unwrap();
    let pt = peer.conn.decrypt(&r1, &ct).await.unwrap();
    assert_eq!(pt.expose(), b"distributed secret");

    // Deactivate: disabled there; the keystore refuses to encrypt.
    post_ok(&s, &format!("/v1/keys/{k}/deactivate")).await;
    s.run_jobs().await;
    let (r1_now, status) = version_of(&keystores(&s, &k).await, 1);
    assert_eq!(
        (r1_now.as_str(), status.as_str()),
        (r1.as_str(), "disabled")
    );
    assert_eq!(remote_state(&peer, &r1).await, RemoteState::Disabled);
    if peer.refuses_disabled {
        assert!(peer.conn.encrypt(&r1, b"x").await.is_err());
    }

    // Reactivate: enabled again (a new object where the keystore cannot re-enable).
    post_ok(&s, &format!("/v1/keys/{k}/reactivate")).await;
    s.run_jobs().await;
    let view = keystores(&s, &k).await;
    let (r1b, status) = version_of(&view, 1);
    assert_eq!(status, "enabled", "{view}");
    if peer.reenable {
        assert_eq!(r1b, r1);
    } else {
        assert_ne!(r1b, r1, "a replacement object is expected");
    }
    assert_eq!(remote_state(&peer, &r1b).await, RemoteState::Enabled);
    peer.conn.encrypt(&r1b, b"again").await.unwrap();

    // Rotate: the new version is there too.
    post_ok(&s, &format!("/v1/keys/{k}/rotate")).await;
    s.run_jobs().await;
    let view = keystores(&s, &k).await;
    let (r2, status) = version_of(&view, 2);
    assert_eq!(status, "enabled", "{view}");
    assert_eq!(remote_state(&peer, &r2).await, RemoteState::Enabled);
    peer.conn.encrypt(&r2, b"v2").await.unwrap();

    // Destroy: deletion follows each keystore's own pending period; the key is destroyed
    // only when every keystore has finished.
    post_ok(&s, &format!("/v1/keys/{k}/deactivate")).await;
    post_ok(&s, &format!("/v1/keys/{k}/destroy")).await;
    s.run_jobs().await;
    for r in [&r1b, &r2] {
        let st = remote_state(&peer, r).await;
        assert!(
            matches!(
                st,
                RemoteState::Disabled | RemoteState::PendingDestruction { .. }
            ),
            "while keyhaven's destruction is pending: {st:?}"
        );
    }
    s.clock.advance(Duration::days(7) + Duration::hours(1));
    s.run_jobs().await;
    s.run_jobs().await;
    for r in [&r1b, &r2] {
        let st = remote_state(&peer, r).await;
        assert!(
            matches!(
                st,
                RemoteState::Destroyed
                    | RemoteState::Missing
                    | RemoteState::PendingDestruction { .. }
            ),
            "after keyhaven's pending period: {st:?}"
        );
    }
    let got = s.get(&format!("/v1/keys/{k}")).await;
    if peer.kind == "aws-kms" {
        // AWS's own window (7 days from the request) may end a little after keyhaven's.
        s.clock.advance(Duration::days(1));
        s.run_jobs().await;
    } else {
        assert_eq!(got.body["state"], "destroyed", "{got:?}");
    }
    let got = s.get(&format!("/v1/keys/{k}")).await;
    assert_eq!(got.body["state"], "destroyed", "{got:?}");
    let view = keystores(&s, &k).await;
    assert_eq!(view["out_of_sync"], false, "{view}");

    // Purge removes the record and its distribution records.
    let r = s
        .call(reqwest::Method::DELETE, &format!("/v1/keys/{k}"), None)
        .await;
    assert!(r.status.is_success(), "{r:?}");
    // With no keys left, the keystore can go, and so can the vault (with its keystores).
    let r = s
        .call(reqwest::Method::DELETE, "/v1/vaults/dist", None)
        .await;
    assert!(r.status.is_success(), "{r:?}");
}

/// Disable (or delete) the key in the keystore directly: out of sync within one check
/// interval, with the reason; sync restores the managed state.
pub async fn drift(peer: Peer, delete: bool) {
    let s = server_now().await;
    register(&s, "drift", &peer).await;
    let key = crate::key(
        &s,
        json!({"vault": "drift", "name": "k1", "algorithm": "aes-256",
               "initial_state": "active", "keystores": ["ext"]}),
    )
    .await;
    let k = id(&key);
    let (r1, status) = version_of(&keystores(&s, &k).await, 1);
    assert_eq!(status, "enabled");

    if delete {
        peer.conn.destroy(&r1, 7).await.unwrap();
    } else {
        peer.conn.disable(&r1).await.unwrap();
    }
    // Not yet checked: the flag appears within one check interval.
    s.clock.advance(Duration::seconds(61));
    s.run_jobs().await;
    let view = keystores(&s, &k).await;
    assert_eq!(view["out_of_sync"], true, "{view}");
    let reasons = view["reasons"].to_string();
    assert!(reasons.contains("changed outside keyhaven"), "{reasons}");
    if delete {
        assert!(
            reasons.contains("missing")
                || reasons.contains("pending-destruction")
                || reasons.contains("destroyed"),
            "{reasons}"
        );
    } else {
        assert!(reasons.contains("state differs"), "{reasons}");
        assert!(reasons.contains("disabled"), "{reasons}");
    }
    let listed = s.get("/v1/keys?out_of_sync=true").await;
    assert!(
        listed.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == k.as_str()),
        "{listed:?}"
    );
    // The background job alone does not undo a change it did not make.
    s.run_jobs().await;
    assert_eq!(keystores(&s, &k).await["out_of_sync"], true);

    let r = s.post(&format!("/v1/keys/{k}/sync"), json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["out_of_sync"], false, "{r:?}");
    let (r1b, status) = version_of(&r.body, 1);
    assert_eq!(status, "enabled");
    assert_eq!(remote_state(&peer, &r1b).await, RemoteState::Enabled);
    let listed = s.get("/v1/keys?out_of_sync=true").await;
    assert_eq!(
        listed.body["items"].as_array().unwrap().len(),
        0,
        "{listed:?}"
    );
}

/// A change made while the keystore is down is applied when it returns, by the background
/// job alone; the audit log shows each attempt. `control(false)` stops the peer,
/// `control(true)` starts it again.
pub async fn outage(peer: Peer, mut control: impl FnMut(bool)) {
    let s = TestServer::start_configured(OffsetDateTime::now_utc(), |cfg| {
        cfg.job_interval = Some(StdDuration::from_millis(200));
    })
    .await
    .unwrap();
    register(&s, "outage", &peer).await;
    let key = crate::key(
        &s,
        json!({"vault": "outage", "name": "k1", "algorithm": "aes-256",
               "initial_state": "active", "keystores": ["ext"]}),
    )
    .await;
    let k = id(&key);
    let (r1, status) = version_of(&keystores(&s, &k).await, 1);
    assert_eq!(status, "enabled");

    control(false);
    post_ok(&s, &format!("/v1/keys/{k}/deactivate")).await;
    // The jobs try, fail, and back off.
    let deadline = std::time::Instant::now() + StdDuration::from_secs(30);
    loop {
        let view = keystores(&s, &k).await;
        let v = &view["keystores"][0]["versions"][0];
        if v["error"].is_string() && v["next_attempt_at"].is_string() {
            assert_eq!(view["out_of_sync"], true, "{view}");
            assert!(
                view["reasons"].to_string().contains("propagation failed"),
                "{view}"
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no failed attempt recorded: {view}"
        );
        tokio::time::sleep(StdDuration::from_millis(200)).await;
    }
    control(true);
    // Time passes beyond the backoff; nobody touches keyhaven.
    s.clock.advance(Duration::minutes(11));
    let deadline = std::time::Instant::now() + StdDuration::from_secs(60);
    loop {
        let view = keystores(&s, &k).await;
        let (_, status) = version_of(&view, 1);
        if view["keystores"][0]["versions"][0]["applied"] == "disabled" {
            assert_eq!(status, "disabled", "{view}");
            assert_eq!(view["out_of_sync"], false, "{view}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not applied after restart: {view}"
        );
        tokio::time::sleep(StdDuration::from_millis(200)).await;
    }
    assert_eq!(remote_state(&peer, &r1).await, RemoteState::Disabled);
    let audit = s
        .get(&format!("/v1/audit?key={k}&action=keystore.disable"))
        .await;
    assert_eq!(audit.status, 200, "{audit:?}");
    let items = audit.body["items"].as_array().unwrap();
    let failed = items.iter().filter(|i| i["outcome"] == "failure").count();
    let ok = items.iter().filter(|i| i["outcome"] == "success").count();
    assert!(failed >= 1, "each failed attempt is audited: {items:?}");
    assert_eq!(ok, 1, "{items:?}");
}
