//! The database changed behind keyhaven's back, through a second connection to the file:
//! record MACs refuse edited rows, and audit verification names edited and deleted records.

use keyhaven_core::audit::{Finding, Verifier};
use keyhaven_core::{
    AuditFilter, AuditRecord, Error, InitialState, KeyAlgorithm, KeyId, KeyState, ListQuery,
    Outcome, Result, Store,
};
use keyhaven_store::SqliteStore;

use crate::service::{new_key, tester, vname};
use crate::{db_path, dev_root, raw_connection, reopen, runtime, service_in};

async fn integrity_records(store: &SqliteStore) -> Vec<AuditRecord> {
    let filter = AuditFilter {
        action: Some("integrity".to_owned()),
        ..AuditFilter::default()
    };
    store.query_audit(&filter, None, 100, false).await.unwrap()
}

async fn set_state(pool: &sqlx::SqlitePool, id: KeyId, state: KeyState) {
    let done = sqlx::query("UPDATE keys SET state = ? WHERE id = ?")
        .bind(i64::from(state.state_code()))
        .bind(id.to_string())
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1);
}

/// What a result was, for assertion messages (successes may hold secrets: not printed).
fn describe<T>(r: &Result<T>) -> String {
    match r {
        Ok(_) => "success".to_owned(),
        Err(e) => format!("{e:?}"),
    }
}

#[test]
fn an_edited_key_state_is_refused_and_recorded() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let (svc, _clock, store) = service_in(dir.path()).await;
        let a = tester();
        svc.create_vault(&a, vname("v"), None, &[]).await.unwrap();
        let k = svc
            .create_key(
                &a,
                new_key("v", "retired", KeyAlgorithm::Aes256, InitialState::Active),
            )
            .await
            .unwrap();
        let other = svc
            .create_key(
                &a,
                new_key("v", "other", KeyAlgorithm::Aes256, InitialState::Active),
            )
            .await
            .unwrap();
        svc.deactivate(&a, k.id, Some("retired".into()))
            .await
            .unwrap();
        let failures = svc.integrity_status().failures;
        assert!(integrity_records(&store).await.is_empty());

        // Someone with write access to the file turns the deactivated key back on.
        let pool = raw_connection(dir.path()).await;
        set_state(&pool, k.id, KeyState::Active).await;

        match svc.get_key(&a, k.id).await {
            Err(Error::Integrity { kind, id }) => assert_eq!((kind, id), ("key", k.id.to_string())),
            other => panic!("expected an integrity error, got {}", describe(&other)),
        }
        let r = svc.encrypt(&a, k.id, b"data", b"").await;
        assert!(
            matches!(r, Err(Error::Integrity { .. })),
            "encrypt: {}",
            describe(&r)
        );
        let status = svc.integrity_status();
        assert_eq!(status.failures, failures + 2);
        let (kind, id, _) = status.last.unwrap();
        assert_eq!((kind.as_str(), id), ("key", k.id.to_string()));
        let recorded = integrity_records(&store).await;
        assert_eq!(recorded.len(), 2);
        for r in &recorded {
            assert_eq!(r.event.outcome, Outcome::Failure);
            assert_eq!(r.event.principal.as_deref(), Some("tester"));
            assert!(r
                .event
                .detail
                .as_deref()
                .unwrap()
                .contains(&k.id.to_string()));
        }
        // Listing leaves the key out and says so; the other key is untouched.
        let page = svc.list_keys(&a, ListQuery::default()).await.unwrap();
        assert_eq!(page.integrity_errors, vec![k.id]);
        assert_eq!(
            page.items.iter().map(|k| k.id).collect::<Vec<_>>(),
            vec![other.id]
        );
        let ct = svc.encrypt(&a, other.id, b"data", b"").await.unwrap();
        assert!(svc
            .decrypt(&a, other.id, &ct.bytes, b"", false)
            .await
            .is_ok());

        // Put back, the row passes again: the check is about the content.
        set_state(&pool, k.id, KeyState::Deactivated).await;
        assert_eq!(
            svc.get_key(&a, k.id).await.unwrap().state,
            KeyState::Deactivated
        );
    });
}

#[test]
fn swapped_key_material_never_encrypts_or_decrypts() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let (svc, clock, store) = service_in(dir.path()).await;
        let a = tester();
        svc.create_vault(&a, vname("v"), None, &[]).await.unwrap();
        let mut keys = Vec::new();
        for name in ["first", "second"] {
            let k = svc
                .create_key(
                    &a,
                    new_key("v", name, KeyAlgorithm::Aes256, InitialState::Active),
                )
                .await
                .unwrap();
            let ct = svc.encrypt(&a, k.id, name.as_bytes(), b"").await.unwrap();
            keys.push((k.id, ct.bytes));
        }
        let pool = raw_connection(dir.path()).await;
        let row = |id: KeyId| {
            let pool = pool.clone();
            async move {
                sqlx::query_as::<_, (Vec<u8>, Vec<u8>)>(
                    "SELECT sealed_material, mac FROM key_versions WHERE key_id = ? AND version = 1",
                )
                .bind(id.to_string())
                .fetch_one(&pool)
                .await
                .unwrap()
            }
        };
        let write = |id: KeyId, material: Vec<u8>, mac: Vec<u8>| {
            let pool = pool.clone();
            async move {
                sqlx::query(
                    "UPDATE key_versions SET sealed_material = ?, mac = ? \
                     WHERE key_id = ? AND version = 1",
                )
                .bind(material)
                .bind(mac)
                .bind(id.to_string())
                .execute(&pool)
                .await
                .unwrap();
            }
        };
        let (id1, id2) = (keys[0].0, keys[1].0);
        let (m1, mac1) = row(id1).await;
        let (m2, mac2) = row(id2).await;

        // First the sealed material alone, then the material with its MAC (the whole row's
        // content): neither key works with the other's material, on a service with no cache.
        for swap_mac in [false, true] {
            let (new_mac1, new_mac2) = if swap_mac {
                (mac2.clone(), mac1.clone())
            } else {
                (mac1.clone(), mac2.clone())
            };
            write(id1, m2.clone(), new_mac1).await;
            write(id2, m1.clone(), new_mac2).await;
            let fresh = reopen(&store, &clock, vec![dev_root()]).await.unwrap();
            for (id, ct) in &keys {
                let e = fresh.encrypt(&a, *id, b"x", b"").await;
                assert!(
                    matches!(e, Err(Error::Integrity { .. } | Error::Crypto(_))),
                    "encrypt after swap (mac swapped too: {swap_mac}): {}",
                    describe(&e)
                );
                let d = fresh.decrypt(&a, *id, ct, b"", false).await;
                assert!(
                    matches!(d, Err(Error::Integrity { .. } | Error::Crypto(_))),
                    "decrypt after swap (mac swapped too: {swap_mac}): {}",
                    describe(&d)
                );
            }
            assert!(fresh.integrity_status().failures > 0);
        }

        // Restored, both work again on a fresh service.
        write(id1, m1, mac1).await;
        write(id2, m2, mac2).await;
        let fresh = reopen(&store, &clock, vec![dev_root()]).await.unwrap();
        for (i, (id, ct)) in keys.iter().enumerate() {
            let (pt, _) = fresh.decrypt(&a, *id, ct, b"", false).await.unwrap();
            assert_eq!(pt.expose(), ["first", "second"][i].as_bytes());
        }
    });
}

/// The first finding names `seq`; any other is a signed checkpoint that covers it.
fn names_only(findings: &[Finding], seq: u64) {
    assert_eq!(
        findings.first().map(Finding::first_seq),
        Some(seq),
        "{findings:?}"
    );
    for f in &findings[1..] {
        match f {
            Finding::CheckpointMismatch { from, tree_size } => {
                assert!(*from <= seq && seq <= *tree_size, "{findings:?}")
            }
            other => panic!("unexpected finding {other:?} in {findings:?}"),
        }
    }
}

#[test]
fn audit_verify_names_an_edited_and_a_deleted_record() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let (svc, _clock, store) = service_in(dir.path()).await;
        let a = tester();
        svc.create_vault(&a, vname("v"), Some(0), &[])
            .await
            .unwrap();
        let k = svc
            .create_key(
                &a,
                new_key("v", "k", KeyAlgorithm::Aes256, InitialState::Active),
            )
            .await
            .unwrap();
        svc.rotate(&a, k.id, None).await.unwrap();
        svc.deactivate(&a, k.id, None).await.unwrap();
        svc.reactivate(&a, k.id, None).await.unwrap();
        svc.deactivate(&a, k.id, None).await.unwrap();

        let cp = svc.checkpoint_audit().await.unwrap().unwrap();
        let covered = store.audit_records(0, 1000).await.unwrap();
        assert!(covered.len() >= 6, "{covered:?}");
        assert_eq!(cp.tree_size, covered.len() as u64);
        assert!(cp.verify(&svc.audit_public_key()));
        assert_eq!(svc.checkpoint_audit().await.unwrap(), None, "nothing new");
        // A tail after the checkpoint.
        svc.destroy(&a, k.id, None).await.unwrap();
        let report = svc.audit_verify(&a).await.unwrap();
        assert!(report.ok(), "{report:?}");
        assert_eq!(report.records, cp.tree_size + 1);
        assert_eq!(report.checkpoints, 1);
        assert_eq!(report.unsigned_tail, 1);

        // Edit one byte of a covered record (each transition is a batch of its own).
        let pool = raw_connection(dir.path()).await;
        let flip = |seq: i64| {
            let pool = pool.clone();
            async move {
                let (first, mut records): (i64, Vec<u8>) = sqlx::query_as(
                    "SELECT first_seq, records FROM audit_batches WHERE first_seq <= ? \
                     ORDER BY first_seq DESC LIMIT 1",
                )
                .bind(seq)
                .fetch_one(&pool)
                .await
                .unwrap();
                assert_eq!(first, seq, "a batch of one");
                records[4 + 30] ^= 0x01;
                sqlx::query("UPDATE audit_batches SET records = ? WHERE first_seq = ?")
                    .bind(records)
                    .bind(first)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
        };
        flip(3).await;
        let report = svc.audit_verify(&a).await.unwrap();
        names_only(&report.findings, 3);
        assert_eq!(report.findings[0], Finding::RecordAltered { seq: 3 });
        assert!(report.findings[0].describe().contains("#3"));
        // The offline verifier, on a read-only copy of the store, finds the same.
        let offline = SqliteStore::open_read_only(&db_path(dir.path()))
            .await
            .unwrap();
        let mut v = Verifier::new(
            offline.checkpoints().await.unwrap(),
            &svc.audit_public_key(),
        );
        for r in offline.audit_records(0, 1000).await.unwrap() {
            v.push(&r);
        }
        assert_eq!(v.finish().findings, report.findings);
        assert!(offline
            .append_audit(&[covered[0].event.clone()])
            .await
            .is_err());
        offline.close().await;
        flip(3).await;
        assert!(svc.audit_verify(&a).await.unwrap().ok());

        // Delete one covered record.
        sqlx::query("DELETE FROM audit_batches WHERE first_seq = 5")
            .execute(&pool)
            .await
            .unwrap();
        let report = svc.audit_verify(&a).await.unwrap();
        names_only(&report.findings, 5);
        assert_eq!(report.findings[0], Finding::RecordMissing { seq: 5 });
        assert!(report.findings[0].describe().contains("#5"));

        // Offline, after the server stopped, the file says the same.
        let public_key = svc.audit_public_key();
        drop(svc);
        store.close().await;
        pool.close().await;
        let offline = SqliteStore::open_read_only(&db_path(dir.path()))
            .await
            .unwrap();
        let mut v = Verifier::new(offline.checkpoints().await.unwrap(), &public_key);
        for r in offline.audit_records(0, 1000).await.unwrap() {
            v.push(&r);
        }
        assert_eq!(v.finish().findings, report.findings);
    });
}
