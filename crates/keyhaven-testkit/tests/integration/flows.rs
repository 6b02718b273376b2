//! End-to-end flows over REST: pending destruction on the fake clock, time-driven
//! transitions by the job, pagination, restart persistence.

use serde_json::json;
use time::Duration;

use crate::{b64, id, key, server, vault};
use keyhaven_testkit::TestServer;

#[tokio::test]
async fn pending_destruction_flow_over_rest() {
    let s = server().await;
    vault(&s, "pd", 7).await;
    let k = id(&key(
        &s,
        json!({"vault": "pd", "name": "db-key", "algorithm": "aes-256", "initial_state": "active"}),
    )
    .await);
    let ct = s
        .post(
            &format!("/v1/keys/{k}/encrypt"),
            json!({"plaintext": b64(b"row")}),
        )
        .await;
    let ct = ct.str("ciphertext").to_owned();
    let r = s.post(&format!("/v1/keys/{k}/destroy"), json!({})).await;
    assert_eq!(
        r.code(),
        "wrong_lifecycle_state",
        "active keys are deactivated first"
    );
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("deactivate it first"));
    s.post(
        &format!("/v1/keys/{k}/deactivate"),
        json!({"reason": "retiring"}),
    )
    .await;
    let r = s
        .post(
            &format!("/v1/keys/{k}/destroy"),
            json!({"reason": "retired"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.str("destroy_at"), "2026-01-08T00:00:00Z");
    // Crypto refused while pending.
    let r = s
        .post(&format!("/v1/keys/{k}/decrypt"), json!({"ciphertext": ct}))
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (409, "key_pending_destruction")
    );
    // Cancel, use, schedule again.
    let r = s
        .post(&format!("/v1/keys/{k}/cancel-destroy"), json!({}))
        .await;
    assert_eq!(
        (r.str("state"), r.body["destroy_at"].is_null()),
        ("deactivated", true)
    );
    let r = s
        .post(&format!("/v1/keys/{k}/decrypt"), json!({"ciphertext": ct}))
        .await;
    assert_eq!(r.str("plaintext"), b64(b"row"));
    s.post(&format!("/v1/keys/{k}/destroy"), json!({})).await;
    // Not yet.
    s.clock.advance(Duration::days(6));
    s.run_jobs().await;
    assert_eq!(
        s.get(&format!("/v1/keys/{k}")).await.str("state"),
        "deactivated"
    );
    // The clock passes; the job erases the material.
    s.clock.advance(Duration::days(1));
    s.run_jobs().await;
    let g = s.get(&format!("/v1/keys/{k}")).await;
    assert_eq!(
        (g.str("state"), g.body["state_code"].as_u64()),
        ("destroyed", Some(5))
    );
    let v = s.get(&format!("/v1/keys/{k}/versions")).await;
    assert_eq!(v.body["items"][0]["has_material"], false);
    let h = s.get(&format!("/v1/keys/{k}/history")).await;
    let last = h.body["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["cause"].as_str()),
        (Some("destroy"), Some("schedule"))
    );
    // Record kept: listed only with include_destroyed.
    let l = s.get("/v1/keys?vault=pd").await;
    assert_eq!(l.body["items"].as_array().unwrap().len(), 0);
    let l = s.get("/v1/keys?vault=pd&include_destroyed=true").await;
    assert_eq!(l.body["items"].as_array().unwrap().len(), 1);
    // Purge; the name can be used again.
    let r = s
        .call(reqwest::Method::DELETE, &format!("/v1/keys/{k}"), None)
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(s.get(&format!("/v1/keys/{k}")).await.status, 404);
    key(
        &s,
        json!({"vault": "pd", "name": "db-key", "algorithm": "aes-256"}),
    )
    .await;
}

#[tokio::test]
async fn dates_drive_transitions_by_job_and_on_access() {
    let s = server().await;
    vault(&s, "d", 7).await;
    let k = id(&key(
        &s,
        json!({"vault": "d", "name": "dated", "algorithm": "hmac-sha256",
               "activation_date": "2026-01-02T00:00:00Z", "deactivation_date": "2026-02-01T00:00:00Z"}),
    )
    .await);
    async fn mac(s: &TestServer, k: String) -> keyhaven_testkit::Reply {
        s.post(&format!("/v1/keys/{k}/mac"), json!({"data": b64(b"x")}))
            .await
    }
    assert_eq!(mac(&s, k.clone()).await.code(), "wrong_lifecycle_state");
    s.clock.advance(Duration::days(1));
    s.run_jobs().await;
    assert_eq!(s.get(&format!("/v1/keys/{k}")).await.str("state"), "active");
    assert_eq!(mac(&s, k.clone()).await.status, 200);
    // Past the deactivation date, refused on the very next request, before any job runs.
    s.clock.advance(Duration::days(31));
    let r = mac(&s, k.clone()).await;
    assert_eq!(r.code(), "wrong_lifecycle_state", "{r:?}");
    assert_eq!(r.body["error"]["details"]["state"], "deactivated");
}

#[tokio::test]
async fn keyset_pagination_and_filters() {
    let s = server().await;
    vault(&s, "p", 7).await;
    vault(&s, "q", 7).await;
    for i in 0..23 {
        let v = if i % 2 == 0 { "p" } else { "q" };
        let mut body = json!({"vault": v, "name": format!("app/k{i:02}"), "algorithm": "aes-128"});
        if i % 4 == 0 {
            body["tags"] = json!({"env": "prod"});
        }
        key(&s, body).await;
    }
    let mut cursor: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let q = match &cursor {
            Some(c) => format!("/v1/keys?limit=5&cursor={c}"),
            None => "/v1/keys?limit=5".to_owned(),
        };
        let r = s.get(&q).await;
        assert_eq!(r.status, 200);
        for item in r.body["items"].as_array().unwrap() {
            seen.push(item["name"].as_str().unwrap().to_owned());
        }
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 23);
    let mut dedup = seen.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), 23, "no key twice");
    let count = |q: &'static str| {
        let s = &s;
        async move { s.get(q).await.body["items"].as_array().unwrap().len() }
    };
    assert_eq!(count("/v1/keys?vault=p").await, 12);
    assert_eq!(count("/v1/keys?tag=env=prod").await, 6);
    assert_eq!(count("/v1/keys?tag=env").await, 6);
    assert_eq!(count("/v1/keys?name_prefix=app/k1").await, 10);
    assert_eq!(
        count("/v1/keys?algorithm=aes-128&state=pre-active").await,
        23
    );
    assert_eq!(count("/v1/keys?state=active").await, 0);
    assert_eq!(
        count("/v1/keys?created_after=2027-01-01T00:00:00Z").await,
        0
    );
}

#[tokio::test]
async fn data_survives_a_restart() {
    let mut s = server().await;
    vault(&s, "r", 7).await;
    let k = id(&key(
        &s,
        json!({"vault": "r", "name": "k", "algorithm": "aes-256", "initial_state": "active"}),
    )
    .await);
    let ct = s
        .post(
            &format!("/v1/keys/{k}/encrypt"),
            json!({"plaintext": b64(b"persist")}),
        )
        .await;
    let token = s.token.clone();
    let dir = s.keep_dir().unwrap();
    s.stop().await.unwrap();
    let s2 = TestServer::start_in(dir.path(), s.clock.clone())
        .await
        .unwrap();
    assert_eq!(s2.token, token, "dev token reused");
    let r = s2
        .post(
            &format!("/v1/keys/{k}/decrypt"),
            json!({"ciphertext": ct.str("ciphertext")}),
        )
        .await;
    assert_eq!(r.str("plaintext"), b64(b"persist"), "{r:?}");
}
