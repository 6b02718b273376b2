//! KMIP over TLS against a real server: one key seen the same way through KMIP and REST (both
//! directions, with audit records from both), the listener's answers to hostile input, and the
//! operations the OASIS test cases do not cover (Derive Key, Re-key Key Pair).

use std::time::Duration;

use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::dict::values::{
    cryptographic_algorithm as ca, name_type, object_type as ot, revocation_reason_code as rr,
    state as st,
};
use keyhaven_kmip::message::{op, reason, ProtocolVersion, ResponseBatchItem, ResultStatus};
use keyhaven_kmip::ttlv::Ttlv;
use keyhaven_testkit::kmip::{client_tls, KmipClient};
use keyhaven_testkit::TestServer;
use reqwest::Method;
use serde_json::json;

async fn start() -> TestServer {
    TestServer::start_configured(time::OffsetDateTime::now_utc(), |c| {
        c.kmip.listen = Some("127.0.0.1:0".parse().unwrap());
    })
    .await
    .unwrap()
}

async fn client(s: &TestServer) -> KmipClient {
    let addr = s.running().unwrap().kmip_addr.unwrap();
    KmipClient::connect(addr, s.data_dir()).await.unwrap()
}

fn attr(name: &str, value: Ttlv) -> Ttlv {
    Ttlv::structure(
        tag::ATTRIBUTE,
        vec![
            Ttlv::text(tag::ATTRIBUTE_NAME, name),
            Ttlv::new(tag::ATTRIBUTE_VALUE, value.value),
        ],
    )
}

fn name(value: &str) -> Ttlv {
    Ttlv::structure(
        tag::NAME,
        vec![
            Ttlv::text(tag::NAME_VALUE, value),
            Ttlv::enumeration(tag::NAME_TYPE, name_type::UNINTERPRETED_TEXT_STRING),
        ],
    )
}

fn ok(item: &ResponseBatchItem) -> &Ttlv {
    assert_eq!(
        item.result_status,
        ResultStatus::Success,
        "{:?}: {:?}",
        item.result_reason,
        item.result_message
    );
    item.payload.as_ref().unwrap()
}

fn uid_of(item: &ResponseBatchItem) -> String {
    ok(item)
        .child(tag::UNIQUE_IDENTIFIER)
        .and_then(Ttlv::as_text)
        .unwrap()
        .to_owned()
}

fn uid(id: &str) -> Ttlv {
    Ttlv::text(tag::UNIQUE_IDENTIFIER, id)
}

/// The KMIP State of an object.
async fn kmip_state(c: &mut KmipClient, id: &str) -> u32 {
    let r = c
        .call(
            op::GET_ATTRIBUTES,
            vec![uid(id), Ttlv::text(tag::ATTRIBUTE_NAME, "State")],
        )
        .await
        .unwrap();
    ok(&r)
        .child(tag::ATTRIBUTE)
        .and_then(|a| a.child(tag::ATTRIBUTE_VALUE))
        .and_then(Ttlv::as_enum)
        .unwrap()
}

/// A key created over REST by `token` in `vault`; its id.
async fn rest_key(s: &TestServer, token: &str, vault: &str, name: &str) -> String {
    let r = s
        .call_as(
            Some(token),
            Method::POST,
            "/v1/keys",
            Some(json!({"vault": vault, "name": name, "algorithm": "aes-256"})),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.str("id").to_owned()
}

/// The identifiers KMIP Locate finds by Name.
async fn locate_name(c: &mut KmipClient, value: &str) -> Vec<String> {
    let found = c
        .call(op::LOCATE, vec![attr("Name", name(value))])
        .await
        .unwrap();
    ok(&found)
        .children_with(tag::UNIQUE_IDENTIFIER)
        .filter_map(Ttlv::as_text)
        .map(str::to_owned)
        .collect()
}

/// A REST principal with the key-manager and crypto-user roles in the KMIP vault.
async fn rest_user(s: &TestServer) -> String {
    let token = s.principal("app", &[]).await;
    s.grant("kmip", "app", &["key-manager", "crypto-user"])
        .await;
    token
}

/// The audit routes recorded for a key (polled: the audit trail is written in batches).
async fn audit_routes(s: &TestServer, id: &str) -> Vec<String> {
    let mut routes = Vec::new();
    for _ in 0..50 {
        let r = s.get(&format!("/v1/audit?key={id}&limit=500")).await;
        routes = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|i| i["route"].as_str().map(str::to_owned))
            .collect();
        if routes.iter().any(|r| r.starts_with("KMIP"))
            && routes.iter().any(|r| r.starts_with("POST"))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    routes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_made_over_kmip_is_the_same_key_over_rest() {
    let s = start().await;
    let mut c = client(&s).await;
    let token = rest_user(&s).await;
    let created = c
        .call(
            op::CREATE,
            vec![
                Ttlv::enumeration(tag::OBJECT_TYPE, ot::SYMMETRIC_KEY),
                Ttlv::structure(
                    tag::TEMPLATE_ATTRIBUTE,
                    vec![
                        attr("Cryptographic Algorithm", Ttlv::enumeration(0, ca::AES)),
                        attr("Cryptographic Length", Ttlv::integer(0, 256)),
                        attr("Cryptographic Usage Mask", Ttlv::integer(0, 0x4 | 0x8)),
                        attr("Name", name("payments-db")),
                    ],
                ),
            ],
        )
        .await
        .unwrap();
    let id = uid_of(&created);
    // REST sees it: same id, name, algorithm, usage, state.
    let key = s
        .call_as(Some(&token), Method::GET, &format!("/v1/keys/{id}"), None)
        .await;
    assert_eq!(key.status, 200, "{key:?}");
    assert_eq!(key.str("name"), "payments-db");
    assert_eq!(key.str("algorithm"), "aes-256");
    assert_eq!(key.str("state"), "pre-active");
    assert_eq!(key.body["usage"], json!(["encrypt", "decrypt"]));
    assert_eq!(key.str("object_kind"), "symmetric-key");
    assert_eq!(
        key.body["exportable"],
        json!(true),
        "KMIP objects are extractable by default"
    );
    // KMIP activates; REST sees active and rotates; KMIP still has one object, usable.
    ok(&c.call(op::ACTIVATE, vec![uid(&id)]).await.unwrap());
    let r = s
        .call_as(
            Some(&token),
            Method::POST,
            &format!("/v1/keys/{id}/rotate"),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["primary_version"], json!(2));
    assert_eq!(kmip_state(&mut c, &id).await, st::ACTIVE);
    let enc = c
        .call(
            op::ENCRYPT,
            vec![
                uid(&id),
                Ttlv::structure(
                    tag::CRYPTOGRAPHIC_PARAMETERS,
                    vec![Ttlv::enumeration(tag::BLOCK_CIPHER_MODE, 9)],
                ),
                Ttlv::bytes(tag::DATA, b"after rotation".to_vec()),
            ],
        )
        .await
        .unwrap();
    ok(&enc);
    // REST deactivates: KMIP sees it, and encryption is refused over KMIP too.
    let r = s
        .call_as(
            Some(&token),
            Method::POST,
            &format!("/v1/keys/{id}/deactivate"),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(kmip_state(&mut c, &id).await, st::DEACTIVATED);
    let refused = c
        .call(
            op::ENCRYPT,
            vec![uid(&id), Ttlv::bytes(tag::DATA, b"x".to_vec())],
        )
        .await
        .unwrap();
    assert_eq!(refused.result_status, ResultStatus::OperationFailed);
    assert_eq!(
        refused.result_reason,
        Some(reason::PERMISSION_DENIED),
        "1.4: Permission Denied"
    );
    // REST destroys: KMIP sees Destroyed and cannot get the material.
    let r = s
        .call_as(
            Some(&token),
            Method::POST,
            &format!("/v1/keys/{id}/destroy"),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(kmip_state(&mut c, &id).await, st::DESTROYED);
    let get = c.call(op::GET, vec![uid(&id)]).await.unwrap();
    assert_eq!(get.result_status, ResultStatus::OperationFailed);
    // Both protocols left audit records about the key.
    let routes = audit_routes(&s, &id).await;
    assert!(routes.iter().any(|r| r == "KMIP Create"), "{routes:?}");
    assert!(routes.iter().any(|r| r == "KMIP Activate"), "{routes:?}");
    assert!(
        routes
            .iter()
            .any(|r| r.starts_with("POST /v1/keys/{id}/rotate")),
        "{routes:?}"
    );
    // And the history has every transition, whichever protocol caused it.
    let h = s
        .call_as(
            Some(&token),
            Method::GET,
            &format!("/v1/keys/{id}/history"),
            None,
        )
        .await;
    let actions: Vec<&str> = h.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in ["create", "activate", "rotate", "deactivate", "destroy"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_made_over_rest_is_managed_over_kmip() {
    let s = start().await;
    let mut c = client(&s).await;
    let token = rest_user(&s).await;
    let id = rest_key(&s, &token, "kmip", "rest-made").await;
    // KMIP finds it by name and reports its attributes.
    assert_eq!(locate_name(&mut c, "rest-made").await, vec![id.clone()]);
    assert_eq!(kmip_state(&mut c, &id).await, st::PRE_ACTIVE);
    // KMIP activates and revokes for compromise; REST agrees.
    ok(&c.call(op::ACTIVATE, vec![uid(&id)]).await.unwrap());
    let key = s
        .call_as(Some(&token), Method::GET, &format!("/v1/keys/{id}"), None)
        .await;
    assert_eq!(key.str("state"), "active");
    ok(&c
        .call(
            op::REVOKE,
            vec![
                uid(&id),
                Ttlv::structure(
                    tag::REVOCATION_REASON,
                    vec![Ttlv::enumeration(
                        tag::REVOCATION_REASON_CODE,
                        rr::KEY_COMPROMISE,
                    )],
                ),
            ],
        )
        .await
        .unwrap());
    let key = s
        .call_as(Some(&token), Method::GET, &format!("/v1/keys/{id}"), None)
        .await;
    assert_eq!(key.str("state"), "compromised");
    // A REST key is not exportable: KMIP Get is refused.
    let get = c.call(op::GET, vec![uid(&id)]).await.unwrap();
    assert_eq!(get.result_status, ResultStatus::OperationFailed);
    assert_eq!(get.result_reason, Some(reason::PERMISSION_DENIED));
    ok(&c.call(op::DESTROY, vec![uid(&id)]).await.unwrap());
    let key = s
        .call_as(Some(&token), Method::GET, &format!("/v1/keys/{id}"), None)
        .await;
    assert_eq!(key.str("state"), "destroyed-compromised");
    let routes = audit_routes(&s, &id).await;
    assert!(routes.iter().any(|r| r == "KMIP Revoke"), "{routes:?}");
    assert!(routes.iter().any(|r| r == "POST /v1/keys"), "{routes:?}");

    // A key in a vault where the KMIP client has no role does not exist for it: Locate does
    // not find it (access control before the criteria and limits), and naming it is Not Found.
    let r = s.post("/v1/vaults", json!({"name": "elsewhere"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let other = s.principal("other-app", &[]).await;
    s.grant("elsewhere", "other-app", &["key-manager"]).await;
    let hidden = rest_key(&s, &other, "elsewhere", "not-yours").await;
    assert!(locate_name(&mut c, "not-yours").await.is_empty());
    let everything = c.call(op::LOCATE, vec![]).await.unwrap();
    assert!(!ok(&everything)
        .children_with(tag::UNIQUE_IDENTIFIER)
        .any(|u| u.as_text() == Some(hidden.as_str())));
    let r = c
        .call(op::GET_ATTRIBUTES, vec![uid(&hidden)])
        .await
        .unwrap();
    assert_eq!(
        r.result_reason,
        Some(reason::ITEM_NOT_FOUND),
        "1.4: Item Not Found"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_listener_answers_or_closes_on_hostile_input_and_keeps_serving() {
    let s = start().await;
    let addr = s.running().unwrap().kmip_addr.unwrap();
    // Not a structure: refused before reading the body; the connection is closed.
    let mut c = client(&s).await;
    let closed = c.raw(b"GET / HTTP/1.1\r\n\r\n").await;
    if let Ok(reply) = &closed {
        let m = keyhaven_kmip::message::ResponseMessage::from_ttlv(reply).unwrap();
        assert_eq!(m.items[0].result_reason, Some(reason::INVALID_MESSAGE));
    }
    // A length claim of 4 GiB: refused without allocating it.
    let mut c = client(&s).await;
    let r = c
        .raw(&[0x42, 0x00, 0x78, 0x01, 0xFF, 0xFF, 0xFF, 0xF8])
        .await;
    if let Ok(reply) = &r {
        let m = keyhaven_kmip::message::ResponseMessage::from_ttlv(reply).unwrap();
        assert_eq!(m.items[0].result_reason, Some(reason::INVALID_MESSAGE));
    }
    // Well-formed TTLV that is not a request: an error response, and the connection goes on.
    let mut c = client(&s).await;
    let not_a_request = Ttlv::structure(
        tag::RESPONSE_PAYLOAD,
        vec![Ttlv::integer(tag::BATCH_COUNT, 1)],
    );
    let reply = c.raw(&not_a_request.encode()).await.unwrap();
    let m = keyhaven_kmip::message::ResponseMessage::from_ttlv(&reply).unwrap();
    assert_eq!(m.items[0].result_reason, Some(reason::INVALID_MESSAGE));
    // A message with bad padding inside: answered, and the same connection still works.
    let mut bad = Ttlv::structure(
        tag::REQUEST_MESSAGE,
        vec![Ttlv::text(tag::VENDOR_IDENTIFICATION, "abc")],
    )
    .encode();
    if let Some(b) = bad.last_mut() {
        *b = 0xFF;
    }
    let reply = c.raw(&bad).await.unwrap();
    let m = keyhaven_kmip::message::ResponseMessage::from_ttlv(&reply).unwrap();
    assert_eq!(m.items[0].result_reason, Some(reason::INVALID_MESSAGE));
    let q = c
        .call(op::QUERY, vec![Ttlv::enumeration(tag::QUERY_FUNCTION, 1)])
        .await
        .unwrap();
    ok(&q);
    // Unknown operations are refused by name.
    let r = c.call(op::CERTIFY, vec![]).await.unwrap();
    assert_eq!(r.result_reason, Some(reason::OPERATION_NOT_SUPPORTED));
    // An unsupported protocol version is refused, in that version.
    c.version = ProtocolVersion::new(3, 0);
    let r = c.batch(vec![]).await;
    assert!(
        r.is_err()
            || r.unwrap()
                .items
                .iter()
                .all(|i| i.result_status == ResultStatus::OperationFailed)
    );
    // No client certificate: no TLS session at all.
    let no_cert = KmipClient::connect_with(addr, client_tls(s.data_dir(), false).unwrap()).await;
    if let Ok(mut c) = no_cert {
        assert!(c.call(op::QUERY, vec![]).await.is_err());
    }
    // Attributes are bounded per object: 70 KiB of custom attribute is refused.
    let mut c = client(&s).await;
    let made = c
        .call(
            op::CREATE,
            vec![
                Ttlv::enumeration(tag::OBJECT_TYPE, ot::SYMMETRIC_KEY),
                Ttlv::structure(
                    tag::TEMPLATE_ATTRIBUTE,
                    vec![
                        attr("Cryptographic Algorithm", Ttlv::enumeration(0, ca::AES)),
                        attr("Cryptographic Length", Ttlv::integer(0, 128)),
                    ],
                ),
            ],
        )
        .await
        .unwrap();
    let id = uid_of(&made);
    let big = c
        .call(
            op::ADD_ATTRIBUTE,
            vec![
                uid(&id),
                attr("x-big", Ttlv::text(0, "a".repeat(70 * 1024))),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        big.result_reason,
        Some(reason::INVALID_FIELD),
        "{:?}",
        big.result_message
    );
    let small = c
        .call(
            op::ADD_ATTRIBUTE,
            vec![uid(&id), attr("x-small", Ttlv::text(0, "ok"))],
        )
        .await
        .unwrap();
    ok(&small);
    // After all that, a fresh client is served normally.
    let mut c = client(&s).await;
    ok(&c.call(op::DISCOVER_VERSIONS, vec![]).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn derive_key_and_rekey_key_pair() {
    let s = start().await;
    let mut c = client(&s).await;
    // A password registered as secret data, usable for key derivation.
    let reg = c
        .call(
            op::REGISTER,
            vec![
                Ttlv::enumeration(tag::OBJECT_TYPE, ot::SECRET_DATA),
                Ttlv::structure(
                    tag::TEMPLATE_ATTRIBUTE,
                    vec![attr("Cryptographic Usage Mask", Ttlv::integer(0, 0x200))],
                ),
                Ttlv::structure(
                    tag::SECRET_DATA,
                    vec![
                        Ttlv::enumeration(tag::SECRET_DATA_TYPE, 1),
                        Ttlv::structure(
                            tag::KEY_BLOCK,
                            vec![
                                Ttlv::enumeration(tag::KEY_FORMAT_TYPE, 2),
                                Ttlv::structure(
                                    tag::KEY_VALUE,
                                    vec![Ttlv::bytes(tag::KEY_MATERIAL, b"password".to_vec())],
                                ),
                            ],
                        ),
                    ],
                ),
            ],
        )
        .await
        .unwrap();
    let base = uid_of(&reg);
    ok(&c.call(op::ACTIVATE, vec![uid(&base)]).await.unwrap());
    let derived = c
        .call(
            op::DERIVE_KEY,
            vec![
                Ttlv::enumeration(tag::OBJECT_TYPE, ot::SYMMETRIC_KEY),
                uid(&base),
                Ttlv::enumeration(tag::DERIVATION_METHOD, 1),
                Ttlv::structure(
                    tag::DERIVATION_PARAMETERS,
                    vec![
                        Ttlv::structure(
                            tag::CRYPTOGRAPHIC_PARAMETERS,
                            vec![Ttlv::enumeration(tag::HASHING_ALGORITHM, 6)],
                        ),
                        Ttlv::bytes(tag::SALT, b"salt".to_vec()),
                        Ttlv::integer(tag::ITERATION_COUNT, 1),
                    ],
                ),
                Ttlv::structure(
                    tag::TEMPLATE_ATTRIBUTE,
                    vec![
                        attr("Cryptographic Algorithm", Ttlv::enumeration(0, ca::AES)),
                        attr("Cryptographic Length", Ttlv::integer(0, 128)),
                        attr("Cryptographic Usage Mask", Ttlv::integer(0, 0x4 | 0x8)),
                    ],
                ),
            ],
        )
        .await
        .unwrap();
    let key = uid_of(&derived);
    let got = c.call(op::GET, vec![uid(&key)]).await.unwrap();
    let material = ok(&got)
        .child(tag::SYMMETRIC_KEY)
        .and_then(|o| o.child(tag::KEY_BLOCK))
        .and_then(|b| b.child(tag::KEY_VALUE))
        .and_then(|v| v.child(tag::KEY_MATERIAL))
        .and_then(Ttlv::as_bytes)
        .unwrap();
    // RFC 7914, section 11: PBKDF2-HMAC-SHA-256("password", "salt", 1).
    assert_eq!(
        keyhaven_core::hex::encode(material),
        "120fb6cffcf8b32c43e7225256c4f837"
    );
    // Re-key Key Pair: new identifiers, linked both ways to the old pair.
    let pair = c
        .call(
            op::CREATE_KEY_PAIR,
            vec![Ttlv::structure(
                tag::COMMON_TEMPLATE_ATTRIBUTE,
                vec![
                    attr("Cryptographic Algorithm", Ttlv::enumeration(0, ca::ECDSA)),
                    attr("Cryptographic Length", Ttlv::integer(0, 256)),
                    attr("Cryptographic Usage Mask", Ttlv::integer(0, 0x1 | 0x2)),
                ],
            )],
        )
        .await
        .unwrap();
    let private = ok(&pair)
        .child(tag::PRIVATE_KEY_UNIQUE_IDENTIFIER)
        .and_then(Ttlv::as_text)
        .unwrap()
        .to_owned();
    let renewed = c
        .call(
            op::REKEY_KEY_PAIR,
            vec![Ttlv::text(
                tag::PRIVATE_KEY_UNIQUE_IDENTIFIER,
                private.clone(),
            )],
        )
        .await
        .unwrap();
    let new_private = ok(&renewed)
        .child(tag::PRIVATE_KEY_UNIQUE_IDENTIFIER)
        .and_then(Ttlv::as_text)
        .unwrap()
        .to_owned();
    assert_ne!(new_private, private);
    let links = c
        .call(
            op::GET_ATTRIBUTES,
            vec![uid(&private), Ttlv::text(tag::ATTRIBUTE_NAME, "Link")],
        )
        .await
        .unwrap();
    let targets: Vec<String> = ok(&links)
        .children_with(tag::ATTRIBUTE)
        .filter_map(|a| a.child(tag::ATTRIBUTE_VALUE))
        .filter_map(|v| {
            v.child(tag::LINKED_OBJECT_IDENTIFIER)
                .and_then(Ttlv::as_text)
        })
        .map(str::to_owned)
        .collect();
    assert!(targets.contains(&new_private), "{targets:?}");
    // REST shows the same links.
    let token = rest_user(&s).await;
    let key = s
        .call_as(
            Some(&token),
            Method::GET,
            &format!("/v1/keys/{new_private}"),
            None,
        )
        .await;
    assert_eq!(key.str("object_kind"), "private-key");
    let links = key.body["links"].as_array().unwrap();
    assert!(
        links
            .iter()
            .any(|l| l["kind"] == "replaced" && l["target"] == json!(private)),
        "{links:?}"
    );
    assert!(links.iter().any(|l| l["kind"] == "public-key"), "{links:?}");
}
