//! What several nodes sharing one database rely on: leases on background work, one audit
//! order under concurrent appends, one winner among concurrent creates of a name, and one
//! winner among concurrent changes of a key. Concurrency runs on the store's own pool (16
//! connections on PostgreSQL; SQLite serialises writes on its single writer).

use std::sync::Arc;

use keyhaven_core::{KeyChange, KeyState, Store, StoreError};
use time::Duration;

use super::audit::event as audit_event;
use super::{each_backend, hist, key, put_key, vault, T0};

#[test]
fn a_lease_is_held_until_released_or_expired() {
    each_backend(|s| async move {
        let until = T0 + Duration::seconds(60);
        assert!(s.claim("due:a", "n1", T0, until).await.unwrap());
        // Another node cannot take it while it runs, whatever it thinks the time is.
        assert!(!s.claim("due:a", "n2", T0, until).await.unwrap());
        assert!(!s
            .claim("due:a", "n2", T0 + Duration::seconds(59), until)
            .await
            .unwrap());
        // Other items are free; the holder renews.
        assert!(s.claim("due:b", "n2", T0, until).await.unwrap());
        assert!(s
            .claim("due:a", "n1", T0, until + Duration::seconds(60))
            .await
            .unwrap());
        // A release by someone else changes nothing.
        s.release("due:a", "n2").await.unwrap();
        assert!(!s
            .claim("due:a", "n2", T0 + Duration::seconds(61), until)
            .await
            .unwrap());
        // Expired (the holder died): taken over.
        let later = until + Duration::seconds(60);
        assert!(s
            .claim("due:a", "n2", later, later + Duration::seconds(60))
            .await
            .unwrap());
        assert!(!s.claim("due:a", "n1", later, later).await.unwrap());
        // Released: free at once.
        s.release("due:a", "n2").await.unwrap();
        assert!(s.claim("due:a", "n1", later, later).await.unwrap());
    });
}

#[test]
fn concurrent_claims_of_one_item_have_one_winner() {
    each_backend(|s| async move {
        let s: Arc<dyn Store> = Arc::from(s);
        for round in 0..20 {
            let item = format!("due:{round}");
            let tasks: Vec<_> = (0..6)
                .map(|n| {
                    let (s, item) = (s.clone(), item.clone());
                    tokio::spawn(async move {
                        s.claim(&item, &format!("n{n}"), T0, T0 + Duration::seconds(30))
                            .await
                            .unwrap()
                    })
                })
                .collect();
            let mut won = 0;
            for t in tasks {
                won += usize::from(t.await.unwrap());
            }
            assert_eq!(won, 1, "round {round}: {won} claims succeeded");
        }
    });
}

#[test]
fn concurrent_audit_appends_keep_one_gapless_order() {
    each_backend(|s| async move {
        let s: Arc<dyn Store> = Arc::from(s);
        let tasks: Vec<_> = (0..8u64)
            .map(|t| {
                let s = s.clone();
                tokio::spawn(async move {
                    for b in 0..10u64 {
                        let batch: Vec<_> = (0..=(b % 3))
                            .map(|i| audit_event(t * 1000 + b * 10 + i))
                            .collect();
                        s.append_audit(&batch).await.unwrap();
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let records = s.audit_records(0, 10_000).await.unwrap();
        // 8 writers × (4 batches of 1 + 3 of 2 + 3 of 3) records.
        assert_eq!(records.len(), 8 * 19);
        for (i, r) in records.iter().enumerate() {
            assert_eq!(r.seq, i as u64 + 1, "seqs are 1..n without gaps or repeats");
            assert_eq!(
                r.leaf_hash,
                keyhaven_core::merkle::leaf_hash(&r.event.canonical())
            );
        }
        let leaves = s.audit_leaves(0, 10_000).await.unwrap();
        assert_eq!(leaves.len(), records.len());
        assert!(s.audit_index_mismatches().await.unwrap().is_empty());
    });
}

#[test]
fn concurrent_creates_of_one_name_have_one_winner() {
    each_backend(|s| async move {
        let s: Arc<dyn Store> = Arc::from(s);
        let v = vault(1, "v");
        s.create_vault(&v, &[]).await.unwrap();
        let tasks: Vec<_> = (0..6u128)
            .map(|n| {
                let (s, v) = (s.clone(), v.clone());
                tokio::spawn(async move { put_key(&*s, &key(100 + n, &v, "same")).await })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(()) => ok += 1,
                Err(e) => assert_eq!(e, StoreError::AlreadyExists),
            }
        }
        assert_eq!(ok, 1);
    });
}

#[test]
fn concurrent_changes_of_one_revision_have_one_winner() {
    each_backend(|s| async move {
        let s: Arc<dyn Store> = Arc::from(s);
        let v = vault(1, "v");
        s.create_vault(&v, &[]).await.unwrap();
        let k = key(10, &v, "k");
        put_key(&*s, &k).await.unwrap();
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let (s, k) = (s.clone(), k.clone());
                tokio::spawn(async move {
                    let mut next = k.clone();
                    next.state = KeyState::Active;
                    let h = [hist(&k, "activate", KeyState::Active)];
                    s.update_key(KeyChange {
                        key: &next,
                        history: &h,
                        new_version: None,
                        erase_material: false,
                        version_macs: &[],
                        audit: &[],
                    })
                    .await
                })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(rev) => {
                    assert_eq!(rev, k.revision + 1);
                    ok += 1
                }
                Err(e) => assert_eq!(e, StoreError::Conflict),
            }
        }
        assert_eq!(ok, 1, "one change per revision");
        let history = s.history(k.id).await.unwrap();
        assert_eq!(history.len(), 2, "create + one activation: {history:?}");
    });
}
