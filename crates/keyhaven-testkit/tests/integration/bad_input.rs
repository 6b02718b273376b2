//! Bad input gets a 4xx JSON error with a stable code: never a 500, never a crash.

use reqwest::Method;
use serde_json::json;

use crate::{b64, id, key, server, vault};
use keyhaven_testkit::{send, Reply, TestServer};

fn assert_error(r: &Reply, status: u16, code: &str, what: &str) {
    assert_eq!(r.status.as_u16(), status, "{what}: {r:?}");
    assert_eq!(r.code(), code, "{what}: {r:?}");
    assert!(
        !r.body["error"]["message"].as_str().unwrap_or("").is_empty(),
        "{what}: message"
    );
}

async fn setup() -> (TestServer, String, String) {
    let s = server().await;
    vault(&s, "b", 7).await;
    let aes = id(&key(
        &s,
        json!({"vault": "b", "name": "aes", "algorithm": "aes-256", "initial_state": "active"}),
    )
    .await);
    let ec = id(&key(
        &s,
        json!({"vault": "b", "name": "ec", "algorithm": "ec-p256", "initial_state": "active"}),
    )
    .await);
    (s, aes, ec)
}

#[tokio::test]
async fn malformed_and_unknown_values() {
    let (s, aes, ec) = setup().await;
    let enc = format!("/v1/keys/{aes}/encrypt");
    // (what, method, path, body, status, code)
    type Case = (&'static str, Method, String, Vec<u8>, u16, &'static str);
    let cases: Vec<Case> = vec![
        (
            "malformed JSON",
            Method::POST,
            enc.clone(),
            b"{\"plaintext\": ".to_vec(),
            400,
            "invalid_request",
        ),
        (
            "not an object",
            Method::POST,
            enc.clone(),
            b"[1,2]".to_vec(),
            400,
            "invalid_request",
        ),
        (
            "unknown field",
            Method::POST,
            enc.clone(),
            br#"{"plaintext":"AA==","colour":"red"}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "wrong type",
            Method::POST,
            enc.clone(),
            br#"{"plaintext":42}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "bad base64",
            Method::POST,
            enc.clone(),
            br#"{"plaintext":"***"}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "missing field",
            Method::POST,
            enc.clone(),
            b"{}".to_vec(),
            400,
            "invalid_request",
        ),
        (
            "binary garbage",
            Method::POST,
            enc.clone(),
            vec![0xff, 0xfe, 0x00, 0x80],
            400,
            "invalid_request",
        ),
        (
            "unknown algorithm",
            Method::POST,
            "/v1/keys".into(),
            br#"{"vault":"b","name":"x","algorithm":"aes-512"}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "unknown usage",
            Method::POST,
            "/v1/keys".into(),
            br#"{"vault":"b","name":"x","algorithm":"aes-256","usage":["launch"]}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "usage the algorithm cannot",
            Method::POST,
            "/v1/keys".into(),
            br#"{"vault":"b","name":"x","algorithm":"aes-256","usage":["sign"]}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "rsa for both purposes",
            Method::POST,
            "/v1/keys".into(),
            br#"{"vault":"b","name":"x","algorithm":"rsa-2048","usage":["sign","encrypt"]}"#
                .to_vec(),
            400,
            "invalid_request",
        ),
        (
            "bad initial state",
            Method::POST,
            "/v1/keys".into(),
            br#"{"vault":"b","name":"x","algorithm":"aes-256","initial_state":"on"}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "bad key name",
            Method::POST,
            "/v1/keys".into(),
            br#"{"vault":"b","name":"has space","algorithm":"aes-256"}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "bad date",
            Method::POST,
            "/v1/keys".into(),
            br#"{"vault":"b","name":"x","algorithm":"aes-256","activation_date":"tomorrow"}"#
                .to_vec(),
            400,
            "invalid_request",
        ),
        (
            "unknown vault",
            Method::POST,
            "/v1/keys".into(),
            br#"{"vault":"nope","name":"x","algorithm":"aes-256"}"#.to_vec(),
            404,
            "not_found",
        ),
        (
            "bad vault name",
            Method::POST,
            "/v1/vaults".into(),
            br#"{"name":"../etc"}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "days out of range",
            Method::POST,
            "/v1/vaults".into(),
            br#"{"name":"d","pending_destruction_days":99999}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "negative days",
            Method::POST,
            "/v1/vaults".into(),
            br#"{"name":"d","pending_destruction_days":-1}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "duplicate vault",
            Method::POST,
            "/v1/vaults".into(),
            br#"{"name":"b"}"#.to_vec(),
            409,
            "already_exists",
        ),
        (
            "duplicate key",
            Method::POST,
            "/v1/keys".into(),
            br#"{"vault":"b","name":"aes","algorithm":"aes-256"}"#.to_vec(),
            409,
            "already_exists",
        ),
        (
            "unknown key",
            Method::GET,
            "/v1/keys/0190f0f0-0000-7000-8000-000000000000".into(),
            vec![],
            404,
            "not_found",
        ),
        (
            "unknown key op",
            Method::POST,
            "/v1/keys/0190f0f0-0000-7000-8000-000000000000/encrypt".into(),
            br#"{"plaintext":"AA=="}"#.to_vec(),
            404,
            "not_found",
        ),
        (
            "not a uuid",
            Method::GET,
            "/v1/keys/not-a-uuid".into(),
            vec![],
            400,
            "invalid_request",
        ),
        (
            "unknown vault get",
            Method::GET,
            "/v1/vaults/nope".into(),
            vec![],
            404,
            "not_found",
        ),
        (
            "algorithm cannot sign",
            Method::POST,
            format!("/v1/keys/{aes}/sign"),
            br#"{"message":"AA=="}"#.to_vec(),
            400,
            "unsupported_operation",
        ),
        (
            "algorithm cannot encrypt",
            Method::POST,
            format!("/v1/keys/{ec}/encrypt"),
            br#"{"plaintext":"AA=="}"#.to_vec(),
            400,
            "unsupported_operation",
        ),
        (
            "algorithm cannot mac",
            Method::POST,
            format!("/v1/keys/{ec}/mac"),
            br#"{"data":"AA=="}"#.to_vec(),
            400,
            "unsupported_operation",
        ),
        (
            "algorithm cannot encapsulate",
            Method::POST,
            format!("/v1/keys/{aes}/encapsulate"),
            vec![],
            400,
            "unsupported_operation",
        ),
        (
            "message and digest",
            Method::POST,
            format!("/v1/keys/{ec}/sign"),
            br#"{"message":"AA==","digest":"AA=="}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "unknown scheme",
            Method::POST,
            format!("/v1/keys/{ec}/sign"),
            br#"{"message":"AA==","algorithm":"dsa"}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "garbage signature",
            Method::POST,
            format!("/v1/keys/{ec}/verify"),
            br#"{"message":"AA==","signature":"AAAA"}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "garbage ciphertext",
            Method::POST,
            format!("/v1/keys/{aes}/decrypt"),
            br#"{"ciphertext":"AAAA"}"#.to_vec(),
            400,
            "decryption_failed",
        ),
        (
            "bad datakey size",
            Method::POST,
            format!("/v1/keys/{aes}/datakey"),
            br#"{"bytes":7}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "bad list limit",
            Method::GET,
            "/v1/keys?limit=0".into(),
            vec![],
            400,
            "invalid_request",
        ),
        (
            "bad list state",
            Method::GET,
            "/v1/keys?state=sleeping".into(),
            vec![],
            400,
            "invalid_request",
        ),
        (
            "unknown list param",
            Method::GET,
            "/v1/keys?colour=red".into(),
            vec![],
            400,
            "invalid_request",
        ),
        (
            "bad cursor",
            Method::GET,
            "/v1/keys?cursor=%%%".into(),
            vec![],
            400,
            "invalid_request",
        ),
        (
            "unknown route",
            Method::GET,
            "/v1/nothing".into(),
            vec![],
            404,
            "not_found",
        ),
        (
            "wrong method",
            Method::PUT,
            "/v1/vaults".into(),
            vec![],
            405,
            "method_not_allowed",
        ),
        (
            "non-empty vault delete",
            Method::DELETE,
            "/v1/vaults/b".into(),
            vec![],
            409,
            "vault_not_empty",
        ),
        (
            "active key purge",
            Method::DELETE,
            format!("/v1/keys/{aes}"),
            vec![],
            409,
            "wrong_lifecycle_state",
        ),
    ];
    for (what, method, path, body, status, code) in cases {
        let r = s.call_raw(method, &path, body).await;
        assert_error(&r, status, code, what);
    }
}

#[tokio::test]
async fn oversized_body_is_413() {
    let (s, aes, _) = setup().await;
    let big = b64(&vec![0u8; 2 * 1024 * 1024]);
    let r = s
        .post(
            &format!("/v1/keys/{aes}/encrypt"),
            json!({"plaintext": big}),
        )
        .await;
    assert_error(&r, 413, "payload_too_large", "2 MiB body");
    // Under the body limit but over the encrypt limit: a clear 400.
    let r = s
        .post(
            &format!("/v1/keys/{aes}/encrypt"),
            json!({"plaintext": b64(&vec![0u8; 100 * 1024])}),
        )
        .await;
    assert_error(&r, 400, "invalid_request", "plaintext over 64 KiB");
}

#[tokio::test]
async fn authentication_is_required_and_checked() {
    let (s, _, _) = setup().await;
    let url = format!("{}/v1/vaults", s.base);
    let r = send(s.http.get(&url)).await;
    assert_error(&r, 401, "unauthenticated", "no token");
    let r = send(s.http.get(&url).bearer_auth("khv_wrong")).await;
    assert_error(&r, 401, "unauthenticated", "wrong token");
    let r = send(s.http.get(&url).header("authorization", "Basic abc")).await;
    assert_error(&r, 401, "unauthenticated", "wrong scheme");
    // Health, ready, OpenAPI and docs need no token.
    for path in ["/v1/health", "/v1/ready", "/v1/openapi.json", "/v1/docs/"] {
        let r = s
            .http
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    let doc = send(s.http.get(format!("{}/v1/openapi.json", s.base))).await;
    for p in [
        "/v1/keys/{id}/encrypt",
        "/v1/keys/{id}/cancel-destroy",
        "/v1/vaults/{name}",
    ] {
        assert!(doc.body["paths"].get(p).is_some(), "OpenAPI documents {p}");
    }
    // Responses carry a request id and hardening headers.
    let r = s
        .http
        .get(format!("{}/v1/health", s.base))
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("x-request-id").is_some());
    assert_eq!(
        r.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
}

/// A bounded fuzz pass: random bytes as bodies and random path segments on every route;
/// every answer is a JSON error or success, never a 5xx.
#[tokio::test]
async fn random_input_never_yields_a_server_error() {
    let (s, aes, ec) = setup().await;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let ops = [
        "encrypt",
        "decrypt",
        "sign",
        "verify",
        "mac",
        "mac-verify",
        "datakey",
        "rewrap",
        "encapsulate",
        "decapsulate",
        "activate",
        "deactivate",
        "rotate",
        "compromise",
        "destroy",
    ];
    let fields = [
        "plaintext",
        "ciphertext",
        "message",
        "digest",
        "signature",
        "data",
        "mac",
        "aad",
        "bytes",
        "reason",
    ];
    for i in 0..300 {
        let k = if i % 2 == 0 { &aes } else { &ec };
        let op = ops[(next() % ops.len() as u64) as usize];
        let body = match next() % 3 {
            0 => (0..(next() % 64))
                .map(|_| (next() & 0xff) as u8)
                .collect::<Vec<u8>>(),
            1 => {
                let f = fields[(next() % fields.len() as u64) as usize];
                let v: Vec<u8> = (0..(next() % 80)).map(|_| (next() & 0xff) as u8).collect();
                serde_json::to_vec(&json!({ f: b64(&v) })).unwrap()
            }
            _ => {
                let f = fields[(next() % fields.len() as u64) as usize];
                serde_json::to_vec(&json!({ f: next() })).unwrap()
            }
        };
        let r = s
            .call_raw(Method::POST, &format!("/v1/keys/{k}/{op}"), body)
            .await;
        assert!(r.status.as_u16() < 500, "{op}: {r:?}");
        if !r.status.is_success() {
            assert!(!r.code().is_empty(), "{op}: error without code: {r:?}");
        }
    }
}
