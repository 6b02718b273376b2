//! Client-certificate login: a certificate from the configured client CA, bound to a principal
//! by fingerprint or subject, authenticates without a token (`curl --cert`); unbound
//! certificates are refused; certificates from another CA do not complete the handshake.

use std::process::Command;

use reqwest::Method;
use serde_json::json;

use crate::server;

fn curl(s: &keyhaven_testkit::TestServer, path: &str, cert: &str, key: &str) -> (i32, String) {
    let tls = s.data_dir().join("tls");
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "20", "--cacert"])
        .arg(tls.join("ca.pem"))
        .arg("--cert")
        .arg(tls.join(cert))
        .arg("--key")
        .arg(tls.join(key))
        .arg(format!("{}{}", s.base, path))
        .output()
        .expect("curl runs (apt-get install curl)");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

// curl blocks its thread: the in-process server needs another one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bound_client_certificate_logs_in_with_curl() {
    let s = server().await;
    // Unbound: the certificate is valid (dev CA) but belongs to nobody.
    let (code, body) = curl(&s, "/v1/whoami", "client.pem", "client-key.pem");
    assert_eq!(code, 0, "{body}");
    assert!(body.contains("unauthenticated"), "{body}");
    assert!(body.contains("not bound"), "{body}");
    // Bind it by fingerprint to a service principal with a role in one vault.
    let r = s
        .post(
            "/v1/principals",
            json!({"name": "batch-job", "kind": "service"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let pem = std::fs::read_to_string(s.data_dir().join("tls/client.pem")).unwrap();
    let r = s
        .post(
            "/v1/principals/batch-job/certificates",
            json!({"certificate_pem": pem}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["match"], "fingerprint");
    let binding = r.str("id").to_owned();
    let (code, body) = curl(&s, "/v1/whoami", "client.pem", "client-key.pem");
    assert_eq!(code, 0, "{body}");
    let who: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(who["principal"], "batch-job");
    assert_eq!(who["authenticated_by"], "certificate");
    // It has no role anywhere yet: vault routes say not found.
    let r = s
        .post(
            "/v1/vaults",
            json!({"name": "jobs", "creator_roles": ["admin", "key-manager"]}),
        )
        .await;
    assert_eq!(r.status, 201);
    let (_, body) = curl(&s, "/v1/keys?vault=jobs", "client.pem", "client-key.pem");
    assert!(body.contains("not_found"), "{body}");
    s.grant("jobs", "batch-job", &["auditor"]).await;
    let (_, body) = curl(&s, "/v1/keys?vault=jobs", "client.pem", "client-key.pem");
    assert!(body.contains("\"items\""), "{body}");
    // Remove the binding: refused again. Bind by subject instead: accepted.
    let r = s
        .call(Method::DELETE, &format!("/v1/certificates/{binding}"), None)
        .await;
    assert_eq!(r.status, 204, "{r:?}");
    let (_, body) = curl(&s, "/v1/whoami", "client.pem", "client-key.pem");
    assert!(body.contains("unauthenticated"), "{body}");
    let r = s
        .post(
            "/v1/principals/batch-job/certificates",
            json!({"certificate_pem": pem, "match": "subject"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert!(r.str("value").contains("CN=keyhaven-client"), "{r:?}");
    let (_, body) = curl(&s, "/v1/whoami", "client.pem", "client-key.pem");
    assert!(body.contains("batch-job"), "{body}");
    // Audit records name the principal and the route.
    for _ in 0..100 {
        let a = s.get("/v1/audit?principal=batch-job&action=whoami").await;
        if a.body["items"].as_array().is_some_and(|i| i.len() >= 2) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("certificate logins are not audited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_from_another_ca_is_refused_in_the_handshake() {
    let s = server().await;
    let other = server().await;
    // `other`'s client certificate was issued by another development CA.
    let tls = other.data_dir().join("tls");
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "20", "--cacert"])
        .arg(s.data_dir().join("tls/ca.pem"))
        .arg("--cert")
        .arg(tls.join("client.pem"))
        .arg("--key")
        .arg(tls.join("client-key.pem"))
        .arg(format!("{}/v1/whoami", s.base))
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0), "handshake must fail");
    // Tokens still work on the same listener.
    let r = s
        .call_as(Some(&s.token), Method::GET, "/v1/whoami", None)
        .await;
    assert_eq!(r.str("principal"), "root");
}
