//! Every cell of LIFECYCLE.md's action table, through the REST API.

use serde_json::{json, Value};

use crate::{b64, id, key, server, vault};
use keyhaven_testkit::TestServer;

const STATES: [&str; 6] = [
    "pre-active",
    "active",
    "deactivated",
    "compromised",
    "destroyed",
    "destroyed-compromised",
];

/// The table: action, then ✓ (true) / ✗ (false) per state in `STATES` order.
/// `process-override` is "process" with `allow_compromised`.
const TABLE: [(&str, [bool; 6]); 17] = [
    ("get", [true, true, true, true, true, true]),
    ("list", [true, true, true, true, false, false]),
    (
        "list-include-destroyed",
        [true, true, true, true, true, true],
    ),
    ("update", [true, true, true, true, false, false]),
    ("activate", [true, false, false, false, false, false]),
    ("rotate", [false, true, false, false, false, false]),
    ("deactivate", [false, true, false, false, false, false]),
    ("reactivate", [false, false, true, false, false, false]),
    ("compromise", [true, true, true, false, true, false]),
    ("destroy", [true, false, true, true, false, false]),
    ("cancel-destroy", [false, false, false, false, false, false]),
    ("purge", [false, false, false, false, true, true]),
    ("apply", [false, true, false, false, false, false]),
    ("process", [false, true, true, false, false, false]),
    ("process-override", [false, true, true, true, false, false]),
    ("export-public-key", [true, true, true, true, false, false]),
    ("apply-aes", [false, true, false, false, false, false]),
];

/// What a key needs to prove its use: a signature and a ciphertext made while it was active.
struct Made {
    id: String,
    aes_id: String,
    signature: Option<String>,
    ciphertext: Option<String>,
}

async fn post(s: &TestServer, path: &str) -> keyhaven_testkit::Reply {
    s.post(path, json!({})).await
}

/// Creates an ec-p256 key (for sign/verify/export) and an aes-256 key (for encrypt/decrypt)
/// in `state`, in `vault` (whose pending period is 0, so destroy is immediate).
async fn make(s: &TestServer, vault: &str, n: usize, state: &str) -> Made {
    let needs_use = state != "pre-active";
    let initial = if needs_use { "active" } else { "pre-active" };
    let ec = key(
        s,
        json!({"vault": vault, "name": format!("ec-{n}"), "algorithm": "ec-p256", "initial_state": initial}),
    )
    .await;
    let aes = key(
        s,
        json!({"vault": vault, "name": format!("aes-{n}"), "algorithm": "aes-256", "initial_state": initial}),
    )
    .await;
    let (ec, aes) = (id(&ec), id(&aes));
    let mut made = Made {
        id: ec.clone(),
        aes_id: aes.clone(),
        signature: None,
        ciphertext: None,
    };
    if needs_use {
        let r = s
            .post(
                &format!("/v1/keys/{ec}/sign"),
                json!({"message": b64(b"table")}),
            )
            .await;
        made.signature = Some(r.str("signature").to_owned());
        let r = s
            .post(
                &format!("/v1/keys/{aes}/encrypt"),
                json!({"plaintext": b64(b"table")}),
            )
            .await;
        made.ciphertext = Some(r.str("ciphertext").to_owned());
    }
    let steps: &[&str] = match state {
        "deactivated" => &["deactivate"],
        "compromised" => &["compromise"],
        "destroyed" => &["deactivate", "destroy"],
        "destroyed-compromised" => &["compromise", "destroy"],
        _ => &[],
    };
    for k in [&ec, &aes] {
        for step in steps {
            let r = post(s, &format!("/v1/keys/{k}/{step}")).await;
            assert_eq!(r.status, 200, "setting up {state}: {step}: {r:?}");
        }
        let r = s.get(&format!("/v1/keys/{k}")).await;
        assert_eq!(r.str("state"), state, "setup reached {state}");
    }
    made
}

/// Performs `action` and returns (succeeded, reply).
async fn perform(
    s: &TestServer,
    vault: &str,
    m: &Made,
    action: &str,
) -> (bool, keyhaven_testkit::Reply) {
    let k = &m.id;
    let r = match action {
        "get" => s.get(&format!("/v1/keys/{k}")).await,
        "list" | "list-include-destroyed" => {
            let inc = action == "list-include-destroyed";
            let r = s
                .get(&format!(
                    "/v1/keys?vault={vault}&include_destroyed={inc}&limit=1000"
                ))
                .await;
            assert_eq!(r.status, 200);
            let listed = r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["id"].as_str() == Some(k.as_str()));
            return (listed, r);
        }
        "update" => {
            s.call(
                reqwest::Method::PATCH,
                &format!("/v1/keys/{k}"),
                Some(json!({"description": "changed"})),
            )
            .await
        }
        "purge" => {
            s.call(reqwest::Method::DELETE, &format!("/v1/keys/{k}"), None)
                .await
        }
        "apply" => {
            s.post(&format!("/v1/keys/{k}/sign"), json!({"message": b64(b"x")}))
                .await
        }
        "apply-aes" => {
            s.post(
                &format!("/v1/keys/{}/encrypt", m.aes_id),
                json!({"plaintext": b64(b"x")}),
            )
            .await
        }
        "process" | "process-override" => {
            let allow = action == "process-override";
            let sig = m.signature.clone().unwrap_or_else(|| b64(b"no signature"));
            let r = s
                .post(
                    &format!("/v1/keys/{k}/verify"),
                    json!({"message": b64(b"table"), "signature": sig, "allow_compromised": allow}),
                )
                .await;
            if r.status == 200 {
                assert_eq!(r.body["valid"], Value::Bool(true), "{r:?}");
                // The same row with the AES key: decrypt.
                let ct = m.ciphertext.clone().unwrap();
                let d = s
                    .post(
                        &format!("/v1/keys/{}/decrypt", m.aes_id),
                        json!({"ciphertext": ct, "allow_compromised": allow}),
                    )
                    .await;
                assert_eq!(d.status, 200, "decrypt agrees with verify: {d:?}");
                assert_eq!(d.str("plaintext"), b64(b"table"));
            } else {
                let ct = m.ciphertext.clone().unwrap_or_else(|| b64(b"none"));
                let d = s
                    .post(
                        &format!("/v1/keys/{}/decrypt", m.aes_id),
                        json!({"ciphertext": ct, "allow_compromised": allow}),
                    )
                    .await;
                assert_eq!(d.status, r.status, "decrypt agrees with verify: {d:?}");
                assert_eq!(d.code(), r.code());
            }
            r
        }
        "export-public-key" => s.get(&format!("/v1/keys/{k}/public-key")).await,
        other => post(s, &format!("/v1/keys/{k}/{other}")).await,
    };
    (r.status.is_success(), r)
}

#[tokio::test]
async fn every_cell_of_the_action_table() {
    let s = server().await;
    let mut n = 0;
    for (action, row) in TABLE {
        for (state, expected) in STATES.iter().zip(row) {
            n += 1;
            let vault_name = format!("t{n}");
            vault(&s, &vault_name, 0).await;
            let m = make(&s, &vault_name, n, state).await;
            let (ok, r) = perform(&s, &vault_name, &m, action).await;
            assert_eq!(ok, expected, "{action} in {state}: {r:?}");
            if !ok && !action.starts_with("list") {
                assert_eq!(r.status, 409, "{action} in {state}: {r:?}");
                assert_eq!(r.code(), "wrong_lifecycle_state", "{action} in {state}");
                assert_eq!(r.body["error"]["details"]["state"], json!(state));
                let code = r.body["error"]["details"]["state_code"].as_u64().unwrap();
                assert_eq!(
                    code,
                    [0, 1, 3, 4, 5, 6][STATES.iter().position(|x| x == state).unwrap()]
                );
            }
            // Where the action moves the key, the new state is the table's.
            if ok {
                let after = s.get(&format!("/v1/keys/{}", m.id)).await;
                let want = match (action, *state) {
                    ("activate", _) | ("reactivate", _) => Some("active"),
                    ("deactivate", _) => Some("deactivated"),
                    ("compromise", "destroyed") => Some("destroyed-compromised"),
                    ("compromise", _) => Some("compromised"),
                    ("destroy", "compromised") => Some("destroyed-compromised"),
                    ("destroy", _) => Some("destroyed"),
                    ("purge", _) => None,
                    (_, st) => Some(st),
                };
                match want {
                    Some(w) => assert_eq!(after.str("state"), w, "{action} in {state}"),
                    None => assert_eq!(after.status, 404, "purged key is gone"),
                }
            }
        }
    }
    assert_eq!(n, 17 * 6);
}

#[tokio::test]
async fn destroyed_keys_show_metadata_without_material() {
    let s = server().await;
    vault(&s, "v", 0).await;
    let m = make(&s, "v", 1, "destroyed").await;
    let r = s.get(&format!("/v1/keys/{}/versions", m.id)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["items"][0]["has_material"], json!(false));
}

/// While destruction is pending: metadata, cancel and compromise only.
#[tokio::test]
async fn pending_destruction_cells() {
    let s = server().await;
    let pending_actions = [
        ("get", true),
        ("list", true),
        ("update", true),
        ("activate", false),
        ("rotate", false),
        ("deactivate", false),
        ("reactivate", false),
        ("destroy", false),
        ("purge", false),
        ("apply", false),
        ("process", false),
        ("process-override", false),
        ("export-public-key", false),
        ("cancel-destroy", true),
        ("compromise", true),
    ];
    let mut n = 0;
    for state in ["pre-active", "deactivated", "compromised"] {
        for (action, expected) in pending_actions {
            n += 1;
            let vname = format!("p{n}");
            // Set up with immediate destruction off: 7 days pending.
            vault(&s, &vname, 7).await;
            let m = make(&s, &vname, n, state).await;
            for k in [&m.id, &m.aes_id] {
                let r = post(&s, &format!("/v1/keys/{k}/destroy")).await;
                assert_eq!(r.status, 200, "{r:?}");
                assert!(r.body["destroy_at"].is_string());
                assert_eq!(r.str("state"), state, "pending keeps the state");
            }
            let (ok, r) = perform(&s, &vname, &m, action).await;
            let expected = expected && !(action == "compromise" && state == "compromised");
            assert_eq!(ok, expected, "{action} in pending {state}: {r:?}");
            if !ok && !action.starts_with("list") {
                let want = if action == "compromise" {
                    "wrong_lifecycle_state"
                } else {
                    "key_pending_destruction"
                };
                assert_eq!(r.code(), want, "{action} in pending {state}: {r:?}");
            }
            if action == "cancel-destroy" {
                let after = s.get(&format!("/v1/keys/{}", m.id)).await;
                assert_eq!(after.str("state"), state);
                assert!(after.body["destroy_at"].is_null());
            }
        }
    }
}
