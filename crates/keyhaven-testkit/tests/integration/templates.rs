//! Templates, key schedules and crypto policies over REST: template CRUD and who may do it,
//! keys made from templates (naming scheme, activation delay, cryptoperiod, archived
//! templates), apply-template, schedule fields on a plain create, automatic rotation, the
//! server policy and vault overrides.

use reqwest::Method;
use serde_json::{json, Value};
use time::Duration;

use crate::{id, key, server, vault};
use keyhaven_testkit::keyhaven_core::policy::CryptoPolicy;
use keyhaven_testkit::{Reply, TestServer};

const DAY: u64 = 86_400;

async fn create_template(s: &TestServer, v: &str, name: &str, spec: Value) -> Reply {
    s.post(
        &format!("/v1/vaults/{v}/templates"),
        json!({"name": name, "spec": spec}),
    )
    .await
}

async fn put(s: &TestServer, path: &str, body: Value) -> Reply {
    s.call(Method::PUT, path, Some(body)).await
}

fn assert_invalid(r: &Reply, mentions: &str) {
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (400, "invalid_request"),
        "{r:?}"
    );
    let message = r.body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(mentions), "{mentions:?} not in {message}");
}

#[tokio::test]
async fn template_crud_validation_and_permissions() {
    let s = server().await;
    vault(&s, "tpl", 7).await;
    let crypto = s.principal("t-crypto", &[]).await;
    let auditor = s.principal("t-auditor", &[]).await;
    let manager = s.principal("t-manager", &[]).await;
    let outsider = s.principal("t-outsider", &[]).await;
    s.grant("tpl", "t-crypto", &["crypto-user"]).await;
    s.grant("tpl", "t-auditor", &["auditor"]).await;
    s.grant("tpl", "t-manager", &["key-manager"]).await;

    let spec = json!({
        "algorithm": "aes-256",
        "naming_scheme": "{app}-{env}-{seq}",
        "cryptoperiod_seconds": 30 * DAY,
        "tags": {"team": "pay"}
    });
    let r = create_template(&s, "tpl", "web", spec.clone()).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["vault"], "tpl");
    assert_eq!(r.body["name"], "web");
    assert_eq!(r.body["revision"], 1);
    assert_eq!(r.body["spec"]["cryptoperiod_seconds"], 30 * DAY);
    assert_eq!(r.body["spec"]["initial_state"], "pre-active");
    assert_eq!(r.body["spec"]["tags"]["team"], "pay");
    let r = create_template(&s, "tpl", "web", spec.clone()).await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "already_exists"));

    // Reads: anyone who may read the vault; an outsider sees nothing.
    for token in [&crypto, &auditor, &manager] {
        let r = s
            .call_as(Some(token), Method::GET, "/v1/vaults/tpl/templates", None)
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["items"].as_array().map(Vec::len), Some(1));
        let r = s
            .call_as(
                Some(token),
                Method::GET,
                "/v1/vaults/tpl/templates/web",
                None,
            )
            .await;
        assert_eq!(r.body["spec"]["naming_scheme"], "{app}-{env}-{seq}");
    }
    let r = s
        .call_as(
            Some(&outsider),
            Method::GET,
            "/v1/vaults/tpl/templates",
            None,
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (404, "not_found"));

    // Changes: vault admins only.
    let changes = [
        (
            Method::POST,
            "/v1/vaults/tpl/templates",
            Some(json!({"name": "other", "spec": {"algorithm": "aes-128"}})),
        ),
        (
            Method::PUT,
            "/v1/vaults/tpl/templates/web",
            Some(json!({"algorithm": "aes-128"})),
        ),
        (Method::DELETE, "/v1/vaults/tpl/templates/web", None),
    ];
    for token in [&crypto, &auditor, &manager] {
        for (method, path, body) in &changes {
            let r = s
                .call_as(Some(token), method.clone(), path, body.clone())
                .await;
            assert_eq!(
                (r.status.as_u16(), r.code()),
                (403, "forbidden"),
                "{method} {path}"
            );
        }
    }

    // PUT replaces the whole spec.
    let r = put(
        &s,
        "/v1/vaults/tpl/templates/web",
        json!({"algorithm": "aes-256", "rotation_interval_seconds": 90 * DAY,
               "description": "web keys"}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["revision"], 2);
    assert_eq!(r.body["spec"]["rotation_interval_seconds"], 90 * DAY);
    assert!(
        r.body["spec"].get("cryptoperiod_seconds").is_none(),
        "{r:?}"
    );
    assert!(r.body["spec"].get("naming_scheme").is_none(), "{r:?}");

    // Invalid input says what to do.
    for (spec, mentions) in [
        (
            json!({"algorithm": "aes-256", "cryptoperiod": 5}),
            "unknown field",
        ),
        (json!({"naming_scheme": "{x}"}), "algorithm"),
        (json!({"algorithm": "aes-999"}), "aes-999"),
        (
            json!({"algorithm": "aes-256", "rotate_before_seconds": DAY}),
            "needs a cryptoperiod",
        ),
        (
            json!({"algorithm": "aes-256", "cryptoperiod_seconds": 0}),
            "cryptoperiod",
        ),
        (
            json!({"algorithm": "aes-256", "cryptoperiod_seconds": u64::MAX}),
            "cryptoperiod_seconds",
        ),
        (
            json!({"algorithm": "aes-256", "naming_scheme": "{app"}),
            "naming_scheme",
        ),
        (
            json!({"algorithm": "aes-256", "initial_state": "on"}),
            "initial_state",
        ),
        (json!({"algorithm": "aes-256", "use_limit": 0}), "use_limit"),
        (json!({"algorithm": "aes-256", "usage": ["sign"]}), "sign"),
    ] {
        let r = create_template(&s, "tpl", "bad", spec.clone()).await;
        assert_invalid(&r, mentions);
    }
    let r = create_template(&s, "tpl", "bad name!", json!({"algorithm": "aes-256"})).await;
    assert_invalid(&r, "template");
    let r = s
        .post(
            "/v1/vaults/tpl/templates",
            json!({"name": "x", "spec": {"algorithm": "aes-256"}, "extra": 1}),
        )
        .await;
    assert_invalid(&r, "unknown field");

    // Delete.
    let r = s
        .call(Method::DELETE, "/v1/vaults/tpl/templates/web", None)
        .await;
    assert_eq!(r.status, 204, "{r:?}");
    let r = s.get("/v1/vaults/tpl/templates/web").await;
    assert_eq!((r.status.as_u16(), r.code()), (404, "not_found"));
    let r = s
        .call(Method::DELETE, "/v1/vaults/tpl/templates/web", None)
        .await;
    assert_eq!(r.status, 404);
    let doc = s.get("/v1/openapi.json").await;
    for p in [
        "/v1/vaults/{name}/templates",
        "/v1/vaults/{name}/templates/{template}",
        "/v1/keys/{id}/apply-template",
        "/v1/policy",
        "/v1/vaults/{name}/policy",
    ] {
        assert!(doc.body["paths"].get(p).is_some(), "OpenAPI documents {p}");
    }
}

#[tokio::test]
async fn keys_from_templates() {
    let s = server().await;
    vault(&s, "tk", 7).await;
    let crypto = s.principal("tk-crypto", &[]).await;
    s.grant("tk", "tk-crypto", &["crypto-user"]).await;
    let r = create_template(
        &s,
        "tk",
        "app",
        json!({"algorithm": "aes-256", "naming_scheme": "{app}-{env}-{seq}",
               "activate_after_seconds": 3600, "cryptoperiod_seconds": 30 * DAY,
               "tags": {"team": "pay", "tier": "gold"}, "description": "app keys"}),
    )
    .await;
    assert_eq!(r.status, 201, "{r:?}");

    let vars = json!({"app": "payments", "env": "prod"});
    let k1 = key(
        &s,
        json!({"vault": "tk", "template": "app", "template_vars": vars, "tags": {"tier": "silver"}}),
    )
    .await;
    assert_eq!(k1["name"], "payments-prod-1");
    assert_eq!(k1["template"], "app");
    assert_eq!(k1["algorithm"], "aes-256");
    assert_eq!(k1["state"], "pre-active");
    assert_eq!(k1["description"], "app keys");
    assert_eq!(k1["tags"]["team"], "pay");
    assert_eq!(k1["tags"]["tier"], "silver", "the caller's tag wins");
    assert_eq!(k1["cryptoperiod_seconds"], 30 * DAY);
    // Created at 2026-01-01T00:00Z: active after the one-hour delay, for 30 days.
    assert_eq!(k1["activation_date"], "2026-01-01T01:00:00Z");
    assert_eq!(k1["deactivation_date"], "2026-01-31T01:00:00Z");
    let k2 = key(
        &s,
        json!({"vault": "tk", "template": "app", "template_vars": vars}),
    )
    .await;
    assert_eq!(k2["name"], "payments-prod-2");
    let named = key(
        &s,
        json!({"vault": "tk", "name": "explicit", "template": "app", "algorithm": "aes-256"}),
    )
    .await;
    assert_eq!(named["name"], "explicit");
    assert_eq!(named["template"], "app");

    // Refusals.
    let r = s
        .post(
            "/v1/keys",
            json!({"vault": "tk", "template": "app", "template_vars": {"app": "x"}}),
        )
        .await;
    assert_invalid(&r, "env");
    let r = s
        .post(
            "/v1/keys",
            json!({"vault": "tk", "template": "app", "template_vars": vars, "algorithm": "ec-p256"}),
        )
        .await;
    assert_invalid(&r, "aes-256");
    let r = s
        .post(
            "/v1/keys",
            json!({"vault": "tk", "template": "app", "template_vars": vars,
                   "usage": ["encrypt"], "cryptoperiod_seconds": 60}),
        )
        .await;
    assert_invalid(&r, "usage, cryptoperiod_seconds");
    let r = s
        .post("/v1/keys", json!({"vault": "tk", "template": "nope"}))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (404, "not_found"), "{r:?}");
    let r = s
        .call_as(
            Some(&crypto),
            Method::POST,
            "/v1/keys",
            Some(json!({"vault": "tk", "template": "app", "template_vars": vars})),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (403, "forbidden"), "{r:?}");
    let r = create_template(&s, "tk", "unnamed", json!({"algorithm": "ec-p256"})).await;
    assert_eq!(r.status, 201);
    let r = s
        .post("/v1/keys", json!({"vault": "tk", "template": "unnamed"}))
        .await;
    assert_invalid(&r, "naming scheme");

    // Archived templates create nothing, until unarchived.
    let current = s.get("/v1/vaults/tk/templates/app").await.body["spec"].clone();
    let mut archived = current.clone();
    archived["archived"] = json!(true);
    let r = put(&s, "/v1/vaults/tk/templates/app", archived).await;
    assert_eq!(r.body["spec"]["archived"], true, "{r:?}");
    let r = s
        .post(
            "/v1/keys",
            json!({"vault": "tk", "template": "app", "template_vars": vars}),
        )
        .await;
    assert_invalid(&r, "archived");
    let r = put(&s, "/v1/vaults/tk/templates/app", current).await;
    assert_eq!(r.status, 200);
    assert!(r.body["spec"].get("archived").is_none(), "{r:?}");
    let k3 = key(
        &s,
        json!({"vault": "tk", "template": "app", "template_vars": vars}),
    )
    .await;
    // The counter never goes back (a refused request may have taken a number).
    let seq: u64 = k3["name"]
        .as_str()
        .and_then(|n| n.strip_prefix("payments-prod-"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(seq >= 3, "{k3}");

    // The activation date arrives: active, deactivation still activation + cryptoperiod.
    s.clock.advance(Duration::hours(1));
    s.run_jobs().await;
    let k1 = s.get(&format!("/v1/keys/{}", id(&k1))).await;
    assert_eq!(k1.str("state"), "active", "{k1:?}");
    assert_eq!(k1.str("activation_date"), "2026-01-01T01:00:00Z");
    assert_eq!(k1.str("deactivation_date"), "2026-01-31T01:00:00Z");
}

#[tokio::test]
async fn apply_template_brings_a_key_in_line() {
    let s = server().await;
    vault(&s, "ta", 7).await;
    let k = key(
        &s,
        json!({"vault": "ta", "name": "legacy", "algorithm": "aes-256",
               "initial_state": "active", "tags": {"own": "x", "team": "old"}}),
    )
    .await;
    let k = id(&k);
    let r = s
        .post(&format!("/v1/keys/{k}/apply-template"), json!({}))
        .await;
    assert_invalid(&r, "name the template");
    let r = create_template(
        &s,
        "ta",
        "std",
        json!({"algorithm": "aes-256", "usage": ["encrypt"], "tags": {"team": "pay"},
               "cryptoperiod_seconds": 90 * DAY, "rotation_interval_seconds": 30 * DAY}),
    )
    .await;
    assert_eq!(r.status, 201, "{r:?}");
    let r = s
        .post(
            &format!("/v1/keys/{k}/apply-template"),
            json!({"template": "std"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["template"], "std");
    assert_eq!(r.body["usage"], json!(["encrypt"]));
    assert_eq!(r.body["tags"], json!({"own": "x", "team": "pay"}));
    assert_eq!(r.body["cryptoperiod_seconds"], 90 * DAY);
    assert_eq!(r.body["rotation_interval_seconds"], 30 * DAY);
    assert_eq!(r.body["deactivation_date"], "2026-04-01T00:00:00Z");
    assert_eq!(r.body["next_rotation_at"], "2026-01-31T00:00:00Z");
    assert_eq!(r.body["algorithm"], "aes-256");
    // Now made "from" std: no name needed. The history records it.
    let r = s
        .post(&format!("/v1/keys/{k}/apply-template"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let h = s.get(&format!("/v1/keys/{k}/history")).await;
    let actions: Vec<&str> = h.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "apply-template").count(),
        2,
        "{actions:?}"
    );
    // Never another algorithm.
    let r = create_template(&s, "ta", "ec", json!({"algorithm": "ec-p256"})).await;
    assert_eq!(r.status, 201);
    let r = s
        .post(
            &format!("/v1/keys/{k}/apply-template"),
            json!({"template": "ec"}),
        )
        .await;
    assert_invalid(&r, "algorithm");
    let r = s
        .post(
            &format!("/v1/keys/{k}/apply-template"),
            json!({"templat": "std"}),
        )
        .await;
    assert_invalid(&r, "unknown field");
    let r = s
        .post(
            &format!("/v1/keys/{k}/apply-template"),
            json!({"template": "missing"}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (404, "not_found"));
}

#[tokio::test]
async fn schedule_fields_on_a_plain_create_and_automatic_rotation() {
    let s = server().await;
    vault(&s, "ts", 7).await;
    let k = key(
        &s,
        json!({"vault": "ts", "name": "rotating", "algorithm": "aes-256",
               "initial_state": "active", "cryptoperiod_seconds": 60 * DAY,
               "rotate_before_seconds": 10 * DAY, "use_limit": 1000}),
    )
    .await;
    assert_eq!(k["cryptoperiod_seconds"], 60 * DAY);
    assert_eq!(k["rotate_before_seconds"], 10 * DAY);
    assert_eq!(k["use_limit"], 1000);
    assert!(k.get("template").is_none(), "{k}");
    assert!(k.get("rotation_interval_seconds").is_none(), "{k}");
    assert_eq!(k["deactivation_date"], "2026-03-02T00:00:00Z");
    assert_eq!(k["next_rotation_at"], "2026-02-20T00:00:00Z");
    let plain = key(
        &s,
        json!({"vault": "ts", "name": "plain", "algorithm": "aes-256"}),
    )
    .await;
    for field in [
        "template",
        "cryptoperiod_seconds",
        "use_limit",
        "next_rotation_at",
    ] {
        assert!(plain.get(field).is_none(), "old clients see no {field}");
    }

    for (body, mentions) in [
        (
            json!({"vault": "ts", "name": "x", "algorithm": "aes-256",
                   "rotate_before_seconds": DAY}),
            "needs a cryptoperiod",
        ),
        (
            json!({"vault": "ts", "name": "x", "algorithm": "aes-256",
                   "cryptoperiod_seconds": 10, "rotate_before_seconds": 10}),
            "shorter than the cryptoperiod",
        ),
        (
            json!({"vault": "ts", "name": "x", "algorithm": "aes-256", "rotation_interval_seconds": 0}),
            "rotation_interval",
        ),
        (
            json!({"vault": "ts", "name": "x", "algorithm": "aes-256", "template_vars": {"a": "b"}}),
            "template_vars needs template",
        ),
        (
            json!({"vault": "ts", "algorithm": "aes-256"}),
            "name is required",
        ),
        (json!({"vault": "ts", "name": "x"}), "algorithm is required"),
    ] {
        let r = s.post("/v1/keys", body).await;
        assert_invalid(&r, mentions);
    }

    // Ten days before the deactivation date the job rotates: a new version whose
    // cryptoperiod starts then; history and audit say `policy`.
    s.clock.advance(Duration::days(51));
    s.run_jobs().await;
    let k = s.get(&format!("/v1/keys/{}", id(&k))).await;
    assert_eq!(k.body["primary_version"], 2, "{k:?}");
    assert_eq!(k.str("state"), "active");
    assert_eq!(k.str("deactivation_date"), "2026-04-22T00:00:00Z");
    let h = s.get(&format!("/v1/keys/{}/history", k.str("id"))).await;
    let rotation = h.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "rotate")
        .cloned()
        .unwrap_or_default();
    assert_eq!(rotation["cause"], "policy", "{h:?}");
}

#[tokio::test]
async fn server_policy_and_vault_overrides() {
    let s = server().await;
    vault(&s, "p1", 7).await;
    vault(&s, "p2", 7).await;
    let crypto = s.principal("p-crypto", &[]).await;
    let auditor = s.principal("p-auditor", &[]).await;
    s.grant("p1", "p-crypto", &["crypto-user"]).await;
    s.grant("p1", "p-auditor", &["auditor"]).await;

    let builtin = serde_json::to_value(CryptoPolicy::builtin()).unwrap();
    let r = s.get("/v1/policy").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body, builtin);
    let r = s.get("/v1/vaults/p1/policy").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert!(r.body.get("override").is_none(), "{r:?}");
    assert_eq!(r.body["effective"], builtin);

    // Tighten p1 only.
    let r = put(&s, "/v1/vaults/p1/policy", json!({"min_strength": 128})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["override"]["min_strength"], 128);
    let r = s
        .call_as(Some(&auditor), Method::GET, "/v1/vaults/p1/policy", None)
        .await;
    assert_eq!(r.body["override"]["min_strength"], 128, "{r:?}");
    let rsa = |v: &str, name: &str| json!({"vault": v, "name": name, "algorithm": "rsa-2048"});
    let r = s.post("/v1/keys", rsa("p1", "rsa")).await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (422, "policy_violation"),
        "{r:?}"
    );
    let rule = r.body["error"]["details"]["rule"]
        .as_str()
        .unwrap_or_default();
    assert!(!rule.is_empty(), "details.rule names the rule: {r:?}");
    key(&s, rsa("p2", "rsa")).await;
    key(
        &s,
        json!({"vault": "p1", "name": "ec", "algorithm": "ec-p256"}),
    )
    .await;
    // A template does not get around it: the policy judges templates when they are written.
    let r = create_template(
        &s,
        "p1",
        "weak",
        json!({"algorithm": "rsa-2048", "naming_scheme": "w-{seq}"}),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (422, "policy_violation"),
        "{r:?}"
    );
    let r = s
        .post("/v1/keys", json!({"vault": "p1", "template": "weak"}))
        .await;
    assert_eq!(r.status.as_u16(), 404, "no such template: {r:?}");

    // Who may change it; what is refused.
    for method in [Method::PUT, Method::DELETE] {
        for token in [&crypto, &auditor] {
            let body = (method == Method::PUT).then(|| json!({"min_strength": 112}));
            let r = s
                .call_as(Some(token), method.clone(), "/v1/vaults/p1/policy", body)
                .await;
            assert_eq!(
                (r.status.as_u16(), r.code()),
                (403, "forbidden"),
                "{method}"
            );
        }
    }
    let r = put(&s, "/v1/vaults/p1/policy", json!({"min_strenght": 128})).await;
    assert_invalid(&r, "min_strenght");
    let r = put(&s, "/v1/vaults/p1/policy", json!([1, 2])).await;
    assert_invalid(&r, "JSON object");
    let r = s
        .call_raw(Method::PUT, "/v1/vaults/p1/policy", b"{not json".to_vec())
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "invalid_request"));

    // Remove it: the server's policy applies again.
    let r = s.call(Method::DELETE, "/v1/vaults/p1/policy", None).await;
    assert_eq!(r.status, 204, "{r:?}");
    let r = s.call(Method::DELETE, "/v1/vaults/p1/policy", None).await;
    assert_eq!((r.status.as_u16(), r.code()), (404, "not_found"));
    key(&s, rsa("p1", "rsa")).await;
}

#[tokio::test]
async fn a_server_policy_replaces_the_builtin_one() {
    let strict = CryptoPolicy::builtin().with_override(
        &keyhaven_testkit::keyhaven_core::policy::PolicyOverride::from_json(
            r#"{"min_strength": 128}"#,
        )
        .unwrap(),
    );
    let s = TestServer::start_configured(TestServer::epoch().unwrap(), |cfg| {
        cfg.service.policy = strict.clone()
    })
    .await
    .unwrap();
    let r = s.get("/v1/policy").await;
    assert_eq!(r.body, serde_json::to_value(&strict).unwrap());
    assert_ne!(
        r.body,
        serde_json::to_value(CryptoPolicy::builtin()).unwrap()
    );
    vault(&s, "sp", 7).await;
    let r = s
        .post(
            "/v1/keys",
            json!({"vault": "sp", "name": "rsa", "algorithm": "rsa-2048"}),
        )
        .await;
    assert_eq!(r.code(), "policy_violation", "{r:?}");
}
