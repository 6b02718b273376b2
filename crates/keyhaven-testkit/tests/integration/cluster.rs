//! Three nodes on one PostgreSQL schema (loopback ports, one fake clock): a key made on one
//! node is used on another; a deactivation on one node stops encryption on the others within
//! the documented bound (measured and printed); due transitions are applied once each while
//! every node runs the scheduler; concurrent creates of one name have one winner; a node
//! killed mid-job leaves nothing stuck past its lease; the audit log keeps one order.
//! Needs the PostgreSQL of `KEYHAVEN_TEST_POSTGRES` (default 127.0.0.1:5432, database test):
//! without it these tests fail.

use std::time::{Duration as StdDuration, Instant};

use keyhaven_core::Clock;
use keyhaven_testkit::cluster::TestCluster;
use keyhaven_testkit::TestServer;
use serde_json::json;
use time::Duration;

use crate::{b64, id, key, vault};

/// The documented bound for a state change to reach every node (docs/DEPLOYMENT.md).
const BOUND: StdDuration = StdDuration::from_secs(1);

async fn cluster(n: usize) -> TestCluster {
    TestCluster::start(n, |_, cfg| {
        cfg.service.job_lease = Duration::seconds(30);
    })
    .await
    .expect("cluster starts (PostgreSQL at KEYHAVEN_TEST_POSTGRES or 127.0.0.1:5432)")
}

async fn encrypt(s: &TestServer, k: &str) -> reqwest::StatusCode {
    s.post(
        &format!("/v1/keys/{k}/encrypt"),
        json!({"plaintext": b64(b"x")}),
    )
    .await
    .status
}

/// Waits until encryption with `k` on `s` is refused; how long that took from `since`.
async fn refused_after(s: &TestServer, k: &str, since: Instant) -> StdDuration {
    loop {
        let status = encrypt(s, k).await;
        if status != 200 {
            assert_eq!(status, 409, "refused as a lifecycle conflict");
            return since.elapsed();
        }
        assert!(
            since.elapsed() < StdDuration::from_secs(10),
            "never refused"
        );
        tokio::time::sleep(StdDuration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn a_key_is_shared_and_a_deactivation_reaches_every_node_within_the_bound() {
    let c = cluster(3).await;
    let [n1, n2, n3] = [&c.nodes[0], &c.nodes[1], &c.nodes[2]];
    vault(n1, "shared", 7).await;
    let k = id(&key(
        n1,
        json!({"vault": "shared", "name": "k", "algorithm": "aes-256", "initial_state": "active"}),
    )
    .await);
    // Made on node 1, used on node 2, decrypted on node 3.
    let ct = n2
        .post(
            &format!("/v1/keys/{k}/encrypt"),
            json!({"plaintext": b64(b"across nodes")}),
        )
        .await;
    assert_eq!(ct.status, 200, "{ct:?}");
    let pt = n3
        .post(
            &format!("/v1/keys/{k}/decrypt"),
            json!({"ciphertext": ct.str("ciphertext")}),
        )
        .await;
    assert_eq!(pt.str("plaintext"), b64(b"across nodes"));
    let mut worst = StdDuration::ZERO;
    for round in 0..5 {
        // Every node has the key cached as active.
        for n in [n1, n2, n3] {
            assert_eq!(encrypt(n, &k).await, 200, "round {round}");
        }
        let r = n3
            .post(&format!("/v1/keys/{k}/deactivate"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        let since = Instant::now();
        let (a, b) = tokio::join!(refused_after(n1, &k, since), refused_after(n2, &k, since));
        println!(
            "deactivation on node 3 -> encrypt refused on node 1 after {:.1} ms, on node 2 \
             after {:.1} ms",
            a.as_secs_f64() * 1e3,
            b.as_secs_f64() * 1e3
        );
        worst = worst.max(a).max(b);
        // Back to active for the next round (reactivation, on node 1 this time).
        let r = n1
            .post(&format!("/v1/keys/{k}/reactivate"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        let since = Instant::now();
        for n in [n2, n3] {
            while encrypt(n, &k).await != 200 {
                assert!(
                    since.elapsed() < StdDuration::from_secs(10),
                    "never re-enabled"
                );
                tokio::time::sleep(StdDuration::from_millis(2)).await;
            }
        }
    }
    println!(
        "worst propagation over 5 rounds: {:.1} ms",
        worst.as_secs_f64() * 1e3
    );
    assert!(
        worst < BOUND,
        "a state change took {worst:?} to reach every node"
    );
    c.stop().await.unwrap();
}

/// Creates `n` active keys in vault `v`, round-robin over the nodes (30 requests at a time),
/// with a deactivation date one hour ahead; returns their ids.
async fn due_keys(c: &TestCluster, v: &str, n: usize) -> Vec<String> {
    let at = (c.clock.now() + Duration::hours(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let mut ids = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(30) {
        let tasks: Vec<_> = chunk
            .iter()
            .map(|&i| {
                let node = &c.nodes[i % c.nodes.len()];
                let req = node
                    .http
                    .post(format!("{}/v1/keys", node.base))
                    .bearer_auth(&node.token)
                    .json(&json!({"vault": v, "name": format!("due-{i}"),
                                  "algorithm": "aes-256", "initial_state": "active",
                                  "deactivation_date": at}));
                tokio::spawn(keyhaven_testkit::send(req))
            })
            .collect();
        for t in tasks {
            let r = t.await.unwrap();
            assert_eq!(r.status, 201, "{r:?}");
            ids.push(id(&r.body));
        }
    }
    ids
}

/// Scheduled deactivations per key, from the cluster's history table.
async fn deactivations(c: &TestCluster) -> Vec<(String, i64)> {
    let pool = c.sql().await.unwrap();
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT key_id, COUNT(*) FROM key_history WHERE action = 'deactivate' \
         AND cause = 'schedule' GROUP BY key_id ORDER BY key_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows
}

async fn audit_verifies(s: &TestServer) {
    let r = s.get("/v1/audit/verify").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["ok"], true, "{:?}", r.body);
    assert_eq!(r.body["findings"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn due_transitions_are_applied_once_each_with_three_schedulers() {
    let c = cluster(3).await;
    vault(&c.nodes[0], "due", 7).await;
    let ids = due_keys(&c, "due", 1000).await;
    assert_eq!(ids.len(), 1000);
    c.clock.advance(Duration::hours(2));
    // Every node runs the scheduler at once, several passes each, until nothing is due.
    let start = Instant::now();
    for _ in 0..4 {
        tokio::join!(
            c.nodes[0].run_jobs(),
            c.nodes[1].run_jobs(),
            c.nodes[2].run_jobs()
        );
    }
    println!(
        "1000 due deactivations applied by 3 schedulers in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    let done = deactivations(&c).await;
    assert_eq!(done.len(), 1000, "every key was deactivated");
    assert!(
        done.iter().all(|(_, n)| *n == 1),
        "some key was deactivated twice: {:?}",
        done.iter().filter(|(_, n)| *n != 1).collect::<Vec<_>>()
    );
    for k in ids.iter().step_by(97) {
        let g = c.nodes[2].get(&format!("/v1/keys/{k}")).await;
        assert_eq!(g.str("state"), "deactivated");
    }
    // Nothing left leased, and one audit order that verifies, seen from any node.
    let pool = c.sql().await.unwrap();
    let leases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM job_leases")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(leases, 0);
    for n in &c.nodes {
        n.run_jobs().await;
    }
    audit_verifies(&c.nodes[1]).await;
    c.stop().await.unwrap();
}

#[tokio::test]
async fn concurrent_creates_of_one_name_on_three_nodes_have_one_winner() {
    let c = cluster(3).await;
    vault(&c.nodes[0], "names", 7).await;
    for round in 0..10 {
        let body =
            json!({"vault": "names", "name": format!("same-{round}"), "algorithm": "aes-256"});
        let (a, b, d) = tokio::join!(
            c.nodes[0].post("/v1/keys", body.clone()),
            c.nodes[1].post("/v1/keys", body.clone()),
            c.nodes[2].post("/v1/keys", body.clone())
        );
        let replies = [a, b, d];
        let won = replies.iter().filter(|r| r.status == 201).count();
        assert_eq!(won, 1, "round {round}: {replies:?}");
        for r in replies.iter().filter(|r| r.status != 201) {
            assert_eq!(
                (r.status.as_u16(), r.code()),
                (409, "already_exists"),
                "{r:?}"
            );
        }
    }
    let listed = c.nodes[1].get("/v1/keys?vault=names&limit=100").await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(10));
    c.stop().await.unwrap();
}

#[tokio::test]
async fn a_node_killed_mid_job_leaves_nothing_stuck_past_its_lease() {
    let mut c = cluster(3).await;
    vault(&c.nodes[0], "kill", 7).await;
    let ids = due_keys(&c, "kill", 300).await;
    c.clock.advance(Duration::hours(2));
    // Node 1 starts the scheduler pass and dies in the middle of it.
    let service = c.nodes[0].service().unwrap();
    let job = tokio::spawn(async move { keyhaven_server::jobs::run_once(&service).await });
    let start = Instant::now();
    loop {
        let n = deactivations(&c).await.len();
        if n >= 20 {
            break;
        }
        assert!(
            start.elapsed() < StdDuration::from_secs(30),
            "node 1 made no progress"
        );
        tokio::time::sleep(StdDuration::from_millis(5)).await;
    }
    job.abort();
    let _ = job.await;
    c.nodes[0].kill();
    let pool = c.sql().await.unwrap();
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM job_leases")
        .fetch_one(&pool)
        .await
        .unwrap();
    let before = deactivations(&c).await.len();
    println!("node 1 killed after {before} of 300 deactivations, holding {held} lease(s)");
    assert!(before < 300, "node 1 was killed mid-job");
    // The other nodes take over what is free now...
    for _ in 0..2 {
        tokio::join!(c.nodes[1].run_jobs(), c.nodes[2].run_jobs());
    }
    let after = deactivations(&c).await;
    // Everything not leased by the dead node is done. A leased item may be done too: the node
    // can die between committing an item and releasing its lease.
    let done = after.len() as i64;
    assert!(
        (300 - held..=300).contains(&done),
        "everything not leased by the dead node was done: {done} of 300, {held} leased"
    );
    // ...and what the dead node held once its lease runs out (30 s).
    c.clock.advance(Duration::seconds(31));
    tokio::join!(c.nodes[1].run_jobs(), c.nodes[2].run_jobs());
    let after = deactivations(&c).await;
    assert_eq!(after.len(), 300, "no item stuck past its lease");
    assert!(after.iter().all(|(_, n)| *n == 1), "each applied once");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM job_leases")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(left, 0, "no lease left behind");
    assert_eq!(ids.len(), 300);
    c.stop().await.unwrap();
}
