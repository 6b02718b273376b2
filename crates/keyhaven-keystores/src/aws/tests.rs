//! The connector against a scripted stand-in for the KMS API on a loopback port: the request
//! sequences and bodies (notably the import path, which moto does not implement), the SigV4
//! headers as received, and the mapping of AWS errors.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::{Arc, Mutex};

use serde_json::json;
use time::macros::format_description;
use time::PrimitiveDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;
use crate::sigv4;

const SECRET: &str = "stub-secret/KEY";

/// One request as the stub received it.
#[derive(Clone, Debug)]
struct Seen {
    target: String,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

type Handler = Arc<dyn Fn(&str, &Value) -> (u16, String) + Send + Sync>;

/// A KMS stand-in: answers each request with `handler(operation, body)` and records it.
struct Stub {
    endpoint: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Stub {
    async fn start(
        handler: impl Fn(&str, &Value) -> (u16, String) + Send + Sync + 'static,
    ) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Handler = Arc::new(handler);
        let log = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let (handler, log) = (handler.clone(), log.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let head_end = loop {
                        let n = sock.read(&mut chunk).await.unwrap();
                        assert!(n > 0, "connection closed before the headers ended");
                        buf.extend_from_slice(&chunk[..n]);
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                    };
                    let head = String::from_utf8(buf[..head_end].to_vec()).unwrap();
                    let headers: Vec<(String, String)> = head
                        .lines()
                        .skip(1)
                        .filter_map(|l| l.split_once(':'))
                        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                        .collect();
                    let len: usize = headers
                        .iter()
                        .find(|(n, _)| n == "content-length")
                        .map(|(_, v)| v.parse().unwrap())
                        .unwrap_or(0);
                    while buf.len() < head_end + len {
                        let n = sock.read(&mut chunk).await.unwrap();
                        assert!(n > 0);
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    let raw_body = buf[head_end..head_end + len].to_vec();
                    assert!(head.starts_with("POST / HTTP/1.1\r\n"), "{head}");
                    verify_signature(&headers, &raw_body);
                    let target = headers
                        .iter()
                        .find(|(n, _)| n == "x-amz-target")
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default();
                    let operation = target.strip_prefix("TrentService.").unwrap().to_owned();
                    let body: Value = serde_json::from_slice(&raw_body).unwrap();
                    let (status, answer) = handler(&operation, &body);
                    log.lock().unwrap().push(Seen {
                        target,
                        headers,
                        body,
                    });
                    let response = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/x-amz-json-1.1\r\n\
                         Content-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                        answer.len()
                    );
                    sock.write_all(response.as_bytes()).await.unwrap();
                    let _ = sock.shutdown().await;
                });
            }
        });
        Stub { endpoint, seen }
    }

    fn keystore(&self, import: bool) -> AwsKmsKeystore {
        AwsKmsKeystore::new(
            &json!({"endpoint": self.endpoint, "region": "eu-west-3", "import": import}),
            &SecretBytes::new(
                serde_json::to_vec(&json!({
                    "access_key_id": "AKIDSTUB",
                    "secret_access_key": SECRET,
                    "session_token": "session-tok"
                }))
                .unwrap(),
            ),
        )
        .unwrap()
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn operations(&self) -> Vec<String> {
        self.seen().into_iter().map(|s| s.target).collect()
    }
}

/// Recomputes the SigV4 signature from what arrived (the signed headers as received, the
/// time of `x-amz-date`) and compares it with the `Authorization` header.
fn verify_signature(headers: &[(String, String)], body: &[u8]) {
    let get = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} header"))
    };
    let auth = get("authorization");
    let signed_names = auth
        .split("SignedHeaders=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    assert_eq!(
        signed_names,
        "content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
    );
    let signed: Vec<(&str, &str)> = signed_names.split(';').map(|n| (n, get(n))).collect();
    let time = PrimitiveDateTime::parse(
        get("x-amz-date"),
        format_description!("[year][month][day]T[hour][minute][second]Z"),
    )
    .unwrap()
    .assume_utc();
    let expected = sigv4::authorization(
        &sigv4::Credentials {
            access_key_id: "AKIDSTUB".into(),
            secret_access_key: Zeroizing::new(SECRET.into()),
            session_token: None,
        },
        sigv4::Scope {
            region: "eu-west-3",
            service: "kms",
        },
        time,
        &sigv4::Request {
            method: "POST",
            path: "/",
            query: &[],
            headers: &signed,
            payload: body,
        },
    );
    assert_eq!(auth, expected);
    assert!(auth.contains("/eu-west-3/kms/aws4_request"));
}

fn ok(v: Value) -> (u16, String) {
    (200, v.to_string())
}

fn aws_err(status: u16, kind: &str, message: &str) -> (u16, String) {
    (
        status,
        json!({"__type": format!("com.amazonaws.kms#{kind}"), "message": message}).to_string(),
    )
}

#[tokio::test]
async fn push_imports_wrapped_material_then_disables() {
    let (private, spki) = import::tests::wrapping_key();
    let stub = Stub::start(move |op, body| match op {
        "CreateKey" => {
            assert_eq!(body["Origin"], "EXTERNAL");
            ok(json!({"KeyMetadata": {"KeyId": "k-ext", "KeyState": "PendingImport"}}))
        }
        "GetParametersForImport" => ok(json!({
            "KeyId": "k-ext",
            "ImportToken": STANDARD.encode(b"import-token"),
            "PublicKey": STANDARD.encode(&spki),
            "ParametersValidTo": 1.9e9
        })),
        "ImportKeyMaterial" | "DisableKey" => (200, String::new()),
        other => panic!("unexpected {other}"),
    })
    .await;
    let ks = stub.keystore(true);
    assert!(ks.capabilities().push);
    let material = SecretBytes::new((100u8..132).collect());
    let created = ks
        .create(&CreateRequest {
            label: "keyhaven-k1-v1",
            algorithm: KeyAlgorithm::Aes256,
            material: Some(&material),
            enabled: false,
        })
        .await
        .unwrap();
    assert_eq!(
        created,
        RemoteKey {
            remote_id: "k-ext".into(),
            check_value: None
        }
    );
    assert_eq!(
        stub.operations(),
        [
            "TrentService.CreateKey",
            "TrentService.GetParametersForImport",
            "TrentService.ImportKeyMaterial",
            "TrentService.DisableKey"
        ]
    );
    let seen = stub.seen();
    assert_eq!(
        seen[0].body,
        json!({
            "KeySpec": "SYMMETRIC_DEFAULT",
            "KeyUsage": "ENCRYPT_DECRYPT",
            "Origin": "EXTERNAL",
            "Description": "keyhaven-k1-v1",
            "Tags": [{"TagKey": "keyhaven-label", "TagValue": "keyhaven-k1-v1"}]
        })
    );
    assert_eq!(
        seen[1].body,
        json!({"KeyId": "k-ext", "WrappingAlgorithm": "RSA_AES_KEY_WRAP_SHA_256", "WrappingKeySpec": "RSA_3072"})
    );
    let import = &seen[2].body;
    assert_eq!(import["KeyId"], "k-ext");
    assert_eq!(import["ImportToken"], STANDARD.encode(b"import-token"));
    assert_eq!(import["ExpirationModel"], "KEY_MATERIAL_DOES_NOT_EXPIRE");
    let blob = STANDARD
        .decode(import["EncryptedKeyMaterial"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        import::tests::unwrap_as_aws(&private, &blob),
        material.expose()
    );
    assert_eq!(seen[3].body, json!({"KeyId": "k-ext"}));
    for s in &seen {
        assert_eq!(s.header("content-type"), Some("application/x-amz-json-1.1"));
        assert_eq!(s.header("x-amz-security-token"), Some("session-tok"));
        assert!(s
            .header("authorization")
            .unwrap()
            .starts_with("AWS4-HMAC-SHA256 Credential=AKIDSTUB/"));
    }
}

#[tokio::test]
async fn failed_import_schedules_the_half_made_key_for_deletion() {
    let (_, spki) = import::tests::wrapping_key();
    let stub = Stub::start(move |op, _| match op {
        "CreateKey" => ok(json!({"KeyMetadata": {"KeyId": "k-bad"}})),
        "GetParametersForImport" => ok(json!({
            "ImportToken": "dG9r", "PublicKey": STANDARD.encode(&spki)
        })),
        "ImportKeyMaterial" => aws_err(400, "IncorrectKeyMaterialException", "no"),
        "ScheduleKeyDeletion" => ok(json!({"KeyId": "k-bad", "DeletionDate": 1.9e9})),
        other => panic!("unexpected {other}"),
    })
    .await;
    let material = SecretBytes::new(vec![9; 32]);
    let err = stub
        .keystore(true)
        .create(&CreateRequest {
            label: "l",
            algorithm: KeyAlgorithm::Aes256,
            material: Some(&material),
            enabled: true,
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, KeystoreError::Refused(m) if m.contains("IncorrectKeyMaterialException")),
        "{err:?}"
    );
    let seen = stub.seen();
    let last = seen.last().unwrap();
    assert_eq!(last.target, "TrentService.ScheduleKeyDeletion");
    assert_eq!(
        last.body,
        json!({"KeyId": "k-bad", "PendingWindowInDays": 7})
    );
}

#[tokio::test]
async fn generate_creates_an_enabled_kms_key() {
    let stub = Stub::start(|op, _| match op {
        "CreateKey" => ok(json!({"KeyMetadata": {"KeyId": "k-gen", "KeyState": "Enabled"}})),
        other => panic!("unexpected {other}"),
    })
    .await;
    let created = stub
        .keystore(false)
        .create(&CreateRequest {
            label: "keyhaven-k2-v1",
            algorithm: KeyAlgorithm::Aes256,
            material: None,
            enabled: true,
        })
        .await
        .unwrap();
    assert_eq!(created.remote_id, "k-gen");
    let seen = stub.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body["Origin"], "AWS_KMS");
    assert_eq!(seen[0].body["Description"], "keyhaven-k2-v1");
}

#[tokio::test]
async fn refused_before_any_request() {
    let stub = Stub::start(|op, _| panic!("unexpected {op}")).await;
    let ks = stub.keystore(false);
    assert_eq!(
        ks.capabilities(),
        Capabilities {
            push: false,
            generate: true,
            reenable: true,
            pending_days: Some((7, 30))
        }
    );
    let material = SecretBytes::new(vec![1; 32]);
    let push = ks
        .create(&CreateRequest {
            label: "l",
            algorithm: KeyAlgorithm::Aes256,
            material: Some(&material),
            enabled: true,
        })
        .await;
    assert!(matches!(push, Err(KeystoreError::Unsupported(m)) if m.contains("`import`")));
    let aes128 = ks
        .create(&CreateRequest {
            label: "l",
            algorithm: KeyAlgorithm::Aes128,
            material: None,
            enabled: true,
        })
        .await;
    assert!(matches!(aes128, Err(KeystoreError::Unsupported(m)) if m.contains("aes-128")));
    let short = SecretBytes::new(vec![1; 16]);
    let wrong_len = stub
        .keystore(true)
        .create(&CreateRequest {
            label: "l",
            algorithm: KeyAlgorithm::Aes256,
            material: Some(&short),
            enabled: true,
        })
        .await;
    assert!(matches!(wrong_len, Err(KeystoreError::Refused(_))));
    assert!(stub.seen().is_empty());
}

#[tokio::test]
async fn aws_errors_reach_the_caller_mapped() {
    let stub = Stub::start(|op, body| match (op, body["KeyId"].as_str()) {
        ("DescribeKey", Some("gone")) => {
            aws_err(400, "NotFoundException", "Key 'gone' does not exist")
        }
        ("Encrypt", _) => aws_err(400, "DisabledException", "key is disabled"),
        ("ListKeys", _) => aws_err(400, "UnrecognizedClientException", "bad token"),
        ("EnableKey", _) => aws_err(500, "KMSInternalException", "oops"),
        ("CancelKeyDeletion", _) => aws_err(400, "NotFoundException", "no such key"),
        (other, _) => panic!("unexpected {other}"),
    })
    .await;
    let ks = stub.keystore(true);
    assert_eq!(
        ks.describe("gone").await.unwrap().state,
        RemoteState::Missing
    );
    let enc = ks.encrypt("k", b"secret data").await.unwrap_err();
    assert_eq!(
        enc,
        KeystoreError::Refused("DisabledException: key is disabled".into())
    );
    assert!(matches!(
        ks.test_connection().await,
        Err(KeystoreError::Unauthorized(m)) if m.contains("UnrecognizedClientException")
    ));
    let e = ks.enable("k").await.unwrap_err();
    assert!(e.is_transient() && e.to_string().contains("KMSInternalException"));
    assert!(matches!(
        ks.cancel_destroy("k").await,
        Err(KeystoreError::NotFound(_))
    ));
    for e in [enc, e] {
        assert!(!e.to_string().contains(SECRET));
    }
    let sent = &stub.seen()[1];
    assert_eq!(sent.target, "TrentService.Encrypt");
    assert_eq!(sent.body["Plaintext"], STANDARD.encode(b"secret data"));
}

#[tokio::test]
async fn destroy_clamps_the_window_and_reports_dates() {
    let soon = OffsetDateTime::now_utc().unix_timestamp() + 5 * 86_400;
    let stub = Stub::start(
        move |op, body| match (op, body["KeyId"].as_str().unwrap()) {
            ("ScheduleKeyDeletion", "fresh") => ok(json!({
                "KeyId": "fresh",
                "DeletionDate": 1_900_000_000.5,
                "PendingWindowInDays": body["PendingWindowInDays"]
            })),
            ("ScheduleKeyDeletion", "pending") => {
                aws_err(400, "KMSInvalidStateException", "pending deletion")
            }
            ("DescribeKey", "pending") => ok(json!({"KeyMetadata": {
                "KeyId": "pending", "KeyState": "PendingDeletion", "DeletionDate": soon
            }})),
            ("ScheduleKeyDeletion", "gone") => aws_err(400, "NotFoundException", "gone"),
            (other, id) => panic!("unexpected {other} {id}"),
        },
    )
    .await;
    let ks = stub.keystore(true);
    let date = ks.destroy("fresh", 90).await.unwrap().unwrap();
    assert_eq!(date.unix_timestamp(), 1_900_000_000);
    assert_eq!(date.nanosecond(), 500_000_000);
    assert_eq!(ks.destroy("fresh", 1).await.unwrap(), Some(date));
    let windows: Vec<Value> = stub
        .seen()
        .iter()
        .map(|s| s.body["PendingWindowInDays"].clone())
        .collect();
    assert_eq!(windows, [json!(30), json!(7)]);
    let pending = ks.destroy("pending", 10).await.unwrap().unwrap();
    assert_eq!(pending.unix_timestamp(), soon);
    assert_eq!(ks.destroy("gone", 10).await.unwrap(), None);
}

#[tokio::test]
async fn encrypt_and_decrypt_carry_base64_blobs() {
    let stub = Stub::start(|op, body| match op {
        "Encrypt" => {
            let mut p = STANDARD
                .decode(body["Plaintext"].as_str().unwrap())
                .unwrap();
            p.reverse();
            ok(json!({"CiphertextBlob": STANDARD.encode(p), "KeyId": "arn"}))
        }
        "Decrypt" => {
            let mut c = STANDARD
                .decode(body["CiphertextBlob"].as_str().unwrap())
                .unwrap();
            c.reverse();
            ok(json!({"Plaintext": STANDARD.encode(c), "KeyId": "arn"}))
        }
        other => panic!("unexpected {other}"),
    })
    .await;
    let ks = stub.keystore(true);
    let ct = ks.encrypt("k\"1", b"abc").await.unwrap();
    assert_eq!(ct, b"cba");
    let pt = ks.decrypt("k\"1", &ct).await.unwrap();
    assert_eq!(pt.expose(), b"abc");
    assert!(stub.seen().iter().all(|s| s.body["KeyId"] == "k\"1"));
}

#[tokio::test]
async fn closed_port_is_unreachable() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let ks = AwsKmsKeystore::new(
        &json!({"endpoint": format!("http://127.0.0.1:{port}"), "region": "us-east-1"}),
        &SecretBytes::from_slice(br#"{"access_key_id":"AKID","secret_access_key":"x"}"#),
    )
    .unwrap();
    let e = ks.describe("k").await.unwrap_err();
    assert!(matches!(e, KeystoreError::Unreachable(_)), "{e:?}");
    assert!(e.is_transient());
}

#[test]
fn key_states_map_to_remote_states() {
    let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
    let meta = |state: &str, date: Option<f64>| KeyMetadata {
        key_id: "k".into(),
        key_state: state.into(),
        deletion_date: date,
    };
    let state = |m: KeyMetadata| remote_state(&m, now).unwrap();
    assert_eq!(state(meta("Enabled", None)), RemoteState::Enabled);
    assert_eq!(state(meta("Disabled", None)), RemoteState::Disabled);
    assert_eq!(state(meta("PendingImport", None)), RemoteState::Disabled);
    assert_eq!(
        state(meta("PendingDeletion", Some(1_800_000_100.25))),
        RemoteState::PendingDestruction {
            until: Some(
                OffsetDateTime::from_unix_timestamp_nanos(1_800_000_100_250_000_000).unwrap()
            )
        }
    );
    assert_eq!(
        state(meta("PendingDeletion", Some(1_799_999_999.0))),
        RemoteState::Destroyed
    );
    assert!(remote_state(&meta("Exploded", None), now).is_err());
    assert!(epoch(f64::NAN).is_err());
}

#[test]
fn secret_bodies_are_valid_json() {
    let body = body_with_secret("a\"b\\c", "Plaintext", b"\x00\xff secret");
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["KeyId"], "a\"b\\c");
    assert_eq!(
        STANDARD.decode(v["Plaintext"].as_str().unwrap()).unwrap(),
        b"\x00\xff secret"
    );
    assert_eq!(v.as_object().unwrap().len(), 2);
}

#[test]
fn debug_hides_credentials() {
    let ks = AwsKmsKeystore::new(
        &json!({"endpoint": "https://kms.us-east-1.amazonaws.com", "region": "us-east-1"}),
        &SecretBytes::from_slice(br#"{"access_key_id":"AKID","secret_access_key":"hunter2"}"#),
    )
    .unwrap();
    assert!(!format!("{ks:?}").contains("hunter2"));
    assert_eq!(ks.kind(), KeystoreKind::AwsKms);
}
