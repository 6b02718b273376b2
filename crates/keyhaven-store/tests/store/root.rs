//! The root key: only the right one unseals an instance, and rotating it re-wraps the vault
//! KEKs without touching key material.

use std::sync::Arc;

use keyhaven_core::root::RotationReport;
use keyhaven_core::{
    Clock, Error, InitialState, KeyAlgorithm, RootKey, RootKeyRecord, SecretBytes, SignInput, Store,
};
use keyhaven_crypto::SoftwareRoot;

use crate::service::{new_key, tester, vname};
use crate::{dev_root, raw_connection, reopen, runtime, service_in};

fn unseal_failed<T>(r: &keyhaven_core::Result<T>) -> bool {
    matches!(r, Err(Error::UnsealFailed(_)))
}

#[test]
fn wrong_root_key_cannot_unseal() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let (svc, clock, store) = service_in(dir.path()).await;
        let a = tester();
        svc.create_vault(&a, vname("v"), None, &[]).await.unwrap();
        let k = svc
            .create_key(
                &a,
                new_key("v", "k", KeyAlgorithm::Aes256, InitialState::Active),
            )
            .await
            .unwrap();
        let ct = svc.encrypt(&a, k.id, b"kept", b"ctx").await.unwrap();
        svc.checkpoint_audit().await.unwrap().unwrap();

        // Another key of the current generation, a key of another generation, no key.
        let other: Arc<dyn RootKey> =
            Arc::new(SoftwareRoot::new(1, SecretBytes::new(vec![8u8; 32])).unwrap());
        assert!(unseal_failed(&reopen(&store, &clock, vec![other]).await));
        let later: Arc<dyn RootKey> = Arc::new(SoftwareRoot::generate(2).unwrap());
        assert!(unseal_failed(&reopen(&store, &clock, vec![later]).await));
        assert!(unseal_failed(&reopen(&store, &clock, Vec::new()).await));

        // The right one opens the same instance: records pass their MACs, old ciphertexts
        // decrypt, the checkpoint signature verifies (same system secret), and ciphertexts
        // travel both ways.
        let again = reopen(&store, &clock, vec![dev_root() as Arc<dyn RootKey>])
            .await
            .unwrap();
        assert_eq!(
            again.get_key(&a, k.id).await.unwrap(),
            svc.get_key(&a, k.id).await.unwrap()
        );
        let (pt, v) = again
            .decrypt(&a, k.id, &ct.bytes, b"ctx", false)
            .await
            .unwrap();
        assert_eq!((pt.expose(), v), (&b"kept"[..], 1));
        assert!(again.audit_verify(&a).await.unwrap().ok());
        assert_eq!(again.audit_public_key(), svc.audit_public_key());
        let back = again.encrypt(&a, k.id, b"new", b"").await.unwrap();
        let (pt, _) = svc
            .decrypt(&a, k.id, &back.bytes, b"", false)
            .await
            .unwrap();
        assert_eq!(pt.expose(), b"new");
    });
}

#[test]
fn root_rotation_rewraps_keks_and_leaves_material_alone() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let (svc, clock, store) = service_in(dir.path()).await;
        let a = tester();
        svc.create_vault(&a, vname("v1"), None, &[]).await.unwrap();
        svc.create_vault(&a, vname("v2"), None, &[]).await.unwrap();
        let aes = svc
            .create_key(
                &a,
                new_key("v1", "aes", KeyAlgorithm::Aes256, InitialState::Active),
            )
            .await
            .unwrap();
        let ec = svc
            .create_key(
                &a,
                new_key("v1", "ec", KeyAlgorithm::EcP256, InitialState::Active),
            )
            .await
            .unwrap();
        let rotated = svc
            .create_key(
                &a,
                new_key("v2", "rotated", KeyAlgorithm::Aes128, InitialState::Active),
            )
            .await
            .unwrap();
        let ct_v1 = svc.encrypt(&a, rotated.id, b"one", b"").await.unwrap();
        svc.rotate(&a, rotated.id, None).await.unwrap();
        let ct_v2 = svc.encrypt(&a, rotated.id, b"two", b"").await.unwrap();
        let ct_aes = svc.encrypt(&a, aes.id, b"aes", b"aad").await.unwrap();
        let msg = SignInput::Message(b"signed before");
        let sig = svc.sign(&a, ec.id, msg, None).await.unwrap();

        let pool = raw_connection(dir.path()).await;
        let material = || {
            let pool = pool.clone();
            async move {
                sqlx::query_as::<_, (String, i64, Option<Vec<u8>>, Vec<u8>)>(
                    "SELECT key_id, version, sealed_material, mac FROM key_versions \
                     ORDER BY key_id, version",
                )
                .fetch_all(&pool)
                .await
                .unwrap()
            }
        };
        let keks = || {
            let pool = pool.clone();
            async move {
                sqlx::query_as::<_, (String, Vec<u8>, i64)>(
                    "SELECT id, sealed_kek, root_generation FROM vaults ORDER BY id",
                )
                .fetch_all(&pool)
                .await
                .unwrap()
            }
        };
        let material_before = material().await;
        assert_eq!(material_before.len(), 4);
        let keks_before = keks().await;
        assert!(keks_before.iter().all(|(_, _, g)| *g == 1));
        let seal_before = store.get_seal().await.unwrap().unwrap();

        let root2 = Arc::new(SoftwareRoot::generate(2).unwrap());
        store
            .add_root_key(&RootKeyRecord {
                generation: 2,
                wrapped: Some(vec![0xAB; 60]),
                created_at: clock.now(),
            })
            .await
            .unwrap();
        clock.advance(time::Duration::hours(1));
        let report = svc.rotate_root(&a, root2.clone()).await.unwrap();
        assert_eq!(
            report,
            RotationReport {
                from: 1,
                to: 2,
                vaults: 2
            }
        );
        assert_eq!(svc.root_info().0, 2);

        // Key material is byte for byte the same; every KEK was re-wrapped.
        assert_eq!(material().await, material_before);
        let keks_after = keks().await;
        assert_eq!(keks_after.len(), keks_before.len());
        for ((id, before, _), (id_after, after, generation)) in keks_before.iter().zip(&keks_after)
        {
            assert_eq!(id, id_after);
            assert_ne!(before, after, "vault {id} kept its old wrapped KEK");
            assert_eq!(*generation, 2);
        }
        let seal = store.get_seal().await.unwrap().unwrap();
        assert_eq!(seal.root_generation, 2);
        assert_ne!(
            seal.wrapped_system_secret,
            seal_before.wrapped_system_secret
        );
        assert_eq!(
            store
                .root_keys()
                .await
                .unwrap()
                .iter()
                .map(|r| r.generation)
                .collect::<Vec<_>>(),
            vec![2],
            "generation 1 is retired"
        );
        let rotations = store
            .query_audit(
                &keyhaven_core::AuditFilter {
                    action: Some("root.rotate".to_owned()),
                    ..Default::default()
                },
                None,
                10,
                false,
            )
            .await
            .unwrap();
        assert_eq!(rotations.len(), 1);
        // Not backwards, not sideways.
        let same: Arc<dyn RootKey> = Arc::new(SoftwareRoot::generate(2).unwrap());
        assert!(matches!(
            svc.rotate_root(&a, same).await,
            Err(Error::InvalidRequest(_))
        ));

        // The running service still works.
        let (pt, _) = svc
            .decrypt(&a, aes.id, &ct_aes.bytes, b"aad", false)
            .await
            .unwrap();
        assert_eq!(pt.expose(), b"aes");

        // Generation 1 alone no longer opens the instance; generation 2 alone does, and old
        // ciphertexts and signatures (both versions) still work through it, with no cache.
        assert!(unseal_failed(
            &reopen(&store, &clock, vec![dev_root() as Arc<dyn RootKey>]).await
        ));
        let again = reopen(&store, &clock, vec![root2.clone() as Arc<dyn RootKey>])
            .await
            .unwrap();
        for (ct, want, version) in [(&ct_v1, &b"one"[..], 1), (&ct_v2, &b"two"[..], 2)] {
            let (pt, v) = again
                .decrypt(&a, rotated.id, &ct.bytes, b"", false)
                .await
                .unwrap();
            assert_eq!((pt.expose(), v), (want, version));
        }
        let (pt, _) = again
            .decrypt(&a, aes.id, &ct_aes.bytes, b"aad", false)
            .await
            .unwrap();
        assert_eq!(pt.expose(), b"aes");
        assert!(again
            .verify(&a, ec.id, msg, &sig.signature, false)
            .await
            .unwrap());
        assert_eq!(again.versions(&a, rotated.id).await.unwrap().len(), 2);
        assert!(again.audit_verify(&a).await.unwrap().ok());
        // New vaults are on generation 2.
        let v3 = again
            .create_vault(&a, vname("v3"), None, &[])
            .await
            .unwrap();
        assert_eq!(v3.root_generation, 2);
        let k3 = again
            .create_key(
                &a,
                new_key("v3", "k", KeyAlgorithm::Aes256, InitialState::Active),
            )
            .await
            .unwrap();
        let ct3 = again.encrypt(&a, k3.id, b"three", b"").await.unwrap();
        let (pt, _) = svc
            .decrypt(&a, k3.id, &ct3.bytes, b"", false)
            .await
            .unwrap();
        assert_eq!(pt.expose(), b"three");
    });
}
