//! Full restore while background jobs run: the jobs of the replaced instance must not sign
//! checkpoints (or write anything) over the restored data.

use std::time::Duration;

use keyhaven_crypto::backup::{protect_shamir, FileKey};
use keyhaven_testkit::TestServer;
use serde_json::{json, Value};

use crate::{b64, id, key, vault};

/// A whole-instance backup of `s` and its file key.
async fn backup(s: &TestServer) -> (Vec<u8>, FileKey) {
    let file_key = FileKey::generate().unwrap();
    let (protection, _shares) = protect_shamir(&file_key, 2, 3).unwrap();
    let resp = s
        .http
        .post(format!("{}/v1/backups", s.base))
        .bearer_auth(&s.token)
        .json(&json!({"prepared": {"key": b64(file_key.expose()),
                                   "protection": serde_json::to_value(&protection).unwrap()}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    (resp.bytes().await.unwrap().to_vec(), file_key)
}

async fn audit_verify(s: &TestServer, token: &str) -> Value {
    let r = s
        .call_as(Some(token), reqwest::Method::GET, "/v1/audit/verify", None)
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_restore_with_jobs_running_leaves_a_log_that_verifies() {
    let src = crate::server().await;
    vault(&src, "bk", 0).await;
    let k = key(
        &src,
        json!({"vault": "bk", "name": "data", "algorithm": "aes-256",
                             "initial_state": "active"}),
    )
    .await;
    for i in 0..20 {
        let r = src
            .post(
                &format!("/v1/keys/{}/encrypt", id(&k)),
                json!({"plaintext": b64(format!("record {i}").as_bytes())}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
    }
    src.run_jobs().await;
    let (file, file_key) = backup(&src).await;

    // Several fresh instances whose jobs (checkpoints included) run every few milliseconds,
    // so a tick is in flight while the restore replaces the data.
    for round in 0..4 {
        let mut dst = TestServer::start_configured(TestServer::epoch().unwrap(), |cfg| {
            cfg.job_interval = Some(Duration::from_millis(3));
        })
        .await
        .unwrap();
        // Records of this instance's own, so its jobs have a checkpoint to keep signing.
        for _ in 0..5 {
            assert_eq!(dst.get("/v1/vaults").await.status, 200);
        }
        let resp = dst
            .http
            .post(format!("{}/v1/backups/restore", dst.base))
            .bearer_auth(&dst.token)
            .header("x-keyhaven-backup-key", b64(file_key.expose()))
            .header("content-type", "application/octet-stream")
            .body(file.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "round {round}: {:?}", resp.text().await);
        // The principals are now the source's: its token works here. Give the jobs several
        // ticks over new records, then the whole log must verify.
        for _ in 0..5 {
            let r = dst
                .call_as(Some(&src.token), reqwest::Method::GET, "/v1/vaults", None)
                .await;
            assert_eq!(r.status, 200, "round {round}: {r:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let report = audit_verify(&dst, &src.token).await;
        assert_eq!(report["ok"], json!(true), "round {round}: {report:#}");
        assert!(
            report["checkpoints"].as_u64().unwrap() > 1,
            "round {round}: the jobs signed checkpoints over the restored log: {report:#}"
        );
        dst.stop().await.unwrap();
    }
}
