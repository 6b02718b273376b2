//! The audit log and its checkpoints.

use keyhaven_core::{
    AuditEvent, AuditFilter, AuditRecord, Checkpoint, KeyId, Outcome, Store, StoreError,
    StoredCheckpoint,
};
use time::Duration;
use uuid::Uuid;

use super::{each_backend, T0};

fn key_id(n: u128) -> KeyId {
    KeyId(Uuid::from_u128(n))
}

/// The `i`-th event of a varied log: every optional field is sometimes absent, times carry
/// nanoseconds, and the filtered fields vary independently.
pub(super) fn event(i: u64) -> AuditEvent {
    let n = i as i64;
    let (odd, quarter) = (i % 2, i % 4);
    let key = match i % 3 {
        0 => None,
        1 => Some(key_id(1)),
        _ => Some(key_id(2)),
    };
    AuditEvent {
        at: T0 + Duration::seconds(n) + Duration::nanoseconds(n * 7 + 1),
        request_id: (quarter != 0).then(|| format!("req-{i}")),
        principal: match i % 5 {
            0 => None,
            1 | 2 => Some("alice".to_owned()),
            _ => Some("bob".to_owned()),
        },
        source: (odd == 0).then(|| "192.0.2.7".to_owned()),
        action: ["encrypt", "transition", "decrypt", "auth"][(i % 4) as usize].to_owned(),
        route: (i % 3 == 1).then(|| "POST /v1/keys/{id}/encrypt".to_owned()),
        vault: match i % 7 {
            0 => None,
            1..=3 => Some("a".to_owned()),
            _ => Some("b".to_owned()),
        },
        key,
        key_version: key.map(|_| u32::try_from(i % 4).unwrap()),
        outcome: [Outcome::Success, Outcome::Denied, Outcome::Failure][((i / 2) % 3) as usize],
        code: (i % 6 != 5).then(|| format!("{}", 200 + i)),
        detail: (odd == 1).then(|| format!("detail of #{i}: ünïcode ok")),
    }
}

/// Events `from..=to`.
fn events(from: u64, to: u64) -> Vec<AuditEvent> {
    (from..=to).map(event).collect()
}

/// Which events a filter should select, written independently of the store.
type Predicate<'a> = Box<dyn Fn(&AuditEvent) -> bool + 'a>;

async fn all_records(s: &dyn Store) -> Vec<AuditRecord> {
    s.audit_records(0, 10_000).await.unwrap()
}

fn seqs(records: &[AuditRecord]) -> Vec<u64> {
    records.iter().map(|r| r.seq).collect()
}

#[test]
fn audit_append_keeps_order_and_numbers_from_one() {
    each_backend(|s| async move {
        assert!(all_records(&*s).await.is_empty());
        assert!(s.audit_leaves(0, 10).await.unwrap().is_empty());
        // More than one multi-row INSERT's worth in one call, then a second call, then none.
        let written = events(1, 75);
        s.append_audit(&written[..70]).await.unwrap();
        s.append_audit(&written[70..]).await.unwrap();
        s.append_audit(&[]).await.unwrap();

        let records = all_records(&*s).await;
        assert_eq!(seqs(&records), (1..=75).collect::<Vec<u64>>());
        for (r, e) in records.iter().zip(&written) {
            assert_eq!(&r.event, e, "record #{} read back differently", r.seq);
            assert_eq!(r.leaf_hash, e.leaf_hash(), "record #{}", r.seq);
        }

        // Pagination of records.
        let mut paged = Vec::new();
        let mut after = 0;
        loop {
            let page = s.audit_records(after, 16).await.unwrap();
            assert!(page.len() <= 16);
            let Some(last) = page.last() else { break };
            after = last.seq;
            paged.extend(page);
        }
        assert_eq!(paged, records);
        assert_eq!(
            seqs(&s.audit_records(70, 3).await.unwrap()),
            vec![71, 72, 73]
        );
        assert!(s.audit_records(75, 10).await.unwrap().is_empty());

        // Leaves are the records' stored hashes, paged the same way.
        let leaves = s.audit_leaves(0, 1000).await.unwrap();
        assert_eq!(
            leaves,
            records
                .iter()
                .map(|r| (r.seq, r.leaf_hash))
                .collect::<Vec<_>>()
        );
        assert_eq!(
            s.audit_leaves(10, 5).await.unwrap(),
            leaves[10..15].to_vec()
        );
        assert!(s.audit_leaves(75, 5).await.unwrap().is_empty());
    });
}

#[test]
fn query_audit_filters_and_cursors() {
    each_backend(|s| async move {
        let written = events(1, 60);
        s.append_audit(&written).await.unwrap();
        let log = all_records(&*s).await;

        let cases: Vec<(&str, AuditFilter, Predicate<'_>)> = vec![
            ("none", AuditFilter::default(), Box::new(|_| true)),
            (
                "key",
                AuditFilter {
                    key: Some(key_id(1)),
                    ..AuditFilter::default()
                },
                Box::new(|e| e.key == Some(key_id(1))),
            ),
            (
                "principal",
                AuditFilter {
                    principal: Some("alice".to_owned()),
                    ..AuditFilter::default()
                },
                Box::new(|e| e.principal.as_deref() == Some("alice")),
            ),
            (
                "action",
                AuditFilter {
                    action: Some("transition".to_owned()),
                    ..AuditFilter::default()
                },
                Box::new(|e| e.action == "transition"),
            ),
            (
                "outcome",
                AuditFilter {
                    outcome: Some(Outcome::Denied),
                    ..AuditFilter::default()
                },
                Box::new(|e| e.outcome == Outcome::Denied),
            ),
            (
                "vault",
                AuditFilter {
                    vault: Some("a".to_owned()),
                    ..AuditFilter::default()
                },
                Box::new(|e| e.vault.as_deref() == Some("a")),
            ),
            (
                "since/until (at or after, before)",
                AuditFilter {
                    since: Some(written[9].at),
                    until: Some(written[29].at),
                    ..AuditFilter::default()
                },
                Box::new(|e| e.at >= written[9].at && e.at < written[29].at),
            ),
            (
                "key, outcome and vault together",
                AuditFilter {
                    key: Some(key_id(2)),
                    outcome: Some(Outcome::Failure),
                    vault: Some("b".to_owned()),
                    ..AuditFilter::default()
                },
                Box::new(|e| {
                    e.key == Some(key_id(2))
                        && e.outcome == Outcome::Failure
                        && e.vault.as_deref() == Some("b")
                }),
            ),
            (
                "nothing matches",
                AuditFilter {
                    principal: Some("carol".to_owned()),
                    ..AuditFilter::default()
                },
                Box::new(|_| false),
            ),
        ];
        for (name, filter, pred) in &cases {
            let expected: Vec<AuditRecord> =
                log.iter().filter(|r| pred(&r.event)).cloned().collect();
            assert!(
                !expected.is_empty() || *name == "nothing matches",
                "{name}: the case matches nothing, so it tests nothing"
            );
            assert!(
                expected.len() < log.len() || *name == "none",
                "{name}: filters nothing"
            );
            let mut reversed = expected.clone();
            reversed.reverse();
            assert_eq!(
                s.query_audit(filter, None, 1000, false).await.unwrap(),
                expected,
                "{name}, ascending"
            );
            assert_eq!(
                s.query_audit(filter, None, 1000, true).await.unwrap(),
                reversed,
                "{name}, descending"
            );
            // Cursor pages of 4 in both directions cover the same records exactly once.
            for descending in [false, true] {
                let mut got = Vec::new();
                let mut cursor = None;
                loop {
                    let page = s.query_audit(filter, cursor, 4, descending).await.unwrap();
                    assert!(page.len() <= 4);
                    let Some(last) = page.last() else { break };
                    cursor = Some(last.seq);
                    got.extend(page);
                }
                let want = if descending { &reversed } else { &expected };
                assert_eq!(&got, want, "{name}, pages, descending {descending}");
            }
        }
        // A cursor is exclusive in both directions.
        let all = AuditFilter::default();
        assert_eq!(
            seqs(&s.query_audit(&all, Some(10), 3, false).await.unwrap()),
            vec![11, 12, 13]
        );
        assert_eq!(
            seqs(&s.query_audit(&all, Some(10), 3, true).await.unwrap()),
            vec![9, 8, 7]
        );
        assert!(s
            .query_audit(&all, Some(1), 3, true)
            .await
            .unwrap()
            .is_empty());
    });
}

fn checkpoint(size: u64) -> StoredCheckpoint {
    let b = u8::try_from(size).unwrap();
    StoredCheckpoint {
        checkpoint: Checkpoint {
            tree_size: size,
            root: [b; 32],
            at: T0 + Duration::minutes(size as i64) + Duration::nanoseconds(3),
            signature: vec![b ^ 0xFF; 64],
        },
        frontier: vec![b; 8 + 32 * usize::from(b % 4)],
    }
}

#[test]
fn checkpoints_add_last_and_list() {
    each_backend(|s| async move {
        assert_eq!(s.last_checkpoint().await.unwrap(), None);
        assert!(s.checkpoints().await.unwrap().is_empty());
        let (c3, c7, c12) = (checkpoint(3), checkpoint(7), checkpoint(12));
        s.add_checkpoint(&c7).await.unwrap();
        s.add_checkpoint(&c3).await.unwrap();
        // The newest is the largest tree, whatever the insertion order.
        assert_eq!(s.last_checkpoint().await.unwrap(), Some(c7.clone()));
        s.add_checkpoint(&c12).await.unwrap();
        assert_eq!(s.last_checkpoint().await.unwrap(), Some(c12.clone()));
        assert_eq!(
            s.checkpoints().await.unwrap(),
            vec![
                c3.checkpoint.clone(),
                c7.checkpoint.clone(),
                c12.checkpoint.clone()
            ]
        );
        // One checkpoint per tree size: a second one is refused and the first kept.
        let mut forged = checkpoint(7);
        forged.checkpoint.root = [0; 32];
        assert_eq!(
            s.add_checkpoint(&forged).await,
            Err(StoreError::AlreadyExists)
        );
        assert_eq!(s.checkpoints().await.unwrap()[1], c7.checkpoint);
    });
}
