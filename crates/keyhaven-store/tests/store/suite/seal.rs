//! The seal record, root key generations, root rotation and the vault writes that depend on
//! the current generation.

use keyhaven_core::{
    AuditEvent, Outcome, RootKeyRecord, RootRotation, SealRecord, Store, StoreError, Vault,
};
use time::Duration;

use super::{audit_len, each_backend, vault, T0};

pub(super) fn seal(generation: u32, secret: u8) -> SealRecord {
    SealRecord {
        method: "passphrase".to_owned(),
        params: r#"{"salt":"00ff"}"#.to_owned(),
        root_generation: generation,
        wrapped_system_secret: vec![secret; 60],
        created_at: T0,
        updated_at: T0,
    }
}

pub(super) fn root(generation: u32, wrapped: Option<Vec<u8>>) -> RootKeyRecord {
    RootKeyRecord {
        generation,
        wrapped,
        created_at: T0 + Duration::days(i64::from(generation)),
    }
}

fn rotation_event(to: u32) -> AuditEvent {
    AuditEvent {
        at: T0 + Duration::days(30),
        request_id: Some("req-rotate".to_owned()),
        principal: Some("admin".to_owned()),
        source: None,
        action: "root.rotate".to_owned(),
        route: None,
        vault: None,
        key: None,
        key_version: None,
        outcome: Outcome::Success,
        code: None,
        detail: Some(format!("to generation {to}")),
    }
}

/// `v` re-wrapped under `generation`, as a rotation writes it.
fn rewrapped(v: &Vault, generation: u32) -> Vault {
    let mut r = v.clone();
    r.root_generation = generation;
    r.sealed_kek = vec![u8::try_from(generation).unwrap(); 44];
    r.updated_at = T0 + Duration::days(30);
    r.mac = vec![0xF0 | u8::try_from(generation).unwrap(); 32];
    r
}

/// An initialised store (generation 1) with vaults `a` and `b` on generation 1.
async fn initialised(s: &dyn Store) -> (Vault, Vault) {
    s.init_seal(&seal(1, 0x51), &root(1, Some(vec![1; 60])))
        .await
        .unwrap();
    let a = vault(1, "a");
    let b = vault(2, "b");
    s.create_vault(&a, &[]).await.unwrap();
    s.create_vault(&b, &[]).await.unwrap();
    (a, b)
}

#[test]
fn seal_is_written_once_with_its_first_root_key() {
    each_backend(|s| async move {
        assert_eq!(s.get_seal().await.unwrap(), None);
        assert!(s.root_keys().await.unwrap().is_empty());
        let first = seal(1, 0x51);
        let r1 = root(1, Some(vec![1; 60]));
        s.init_seal(&first, &r1).await.unwrap();
        assert_eq!(s.get_seal().await.unwrap(), Some(first.clone()));
        assert_eq!(s.root_keys().await.unwrap(), vec![r1.clone()]);
        // A second initialisation is refused and changes nothing (its root key included).
        assert_eq!(
            s.init_seal(&seal(5, 0x55), &root(5, None)).await,
            Err(StoreError::AlreadyExists)
        );
        assert_eq!(s.get_seal().await.unwrap(), Some(first));
        assert_eq!(s.root_keys().await.unwrap(), vec![r1]);
    });
}

#[test]
fn root_keys_are_added_and_listed_oldest_first() {
    each_backend(|s| async move {
        let r1 = root(1, Some(vec![1; 60]));
        s.init_seal(&seal(1, 0x51), &r1).await.unwrap();
        // An HSM generation stores no wrapped key.
        let r3 = root(3, None);
        let r2 = root(2, Some(vec![2; 60]));
        s.add_root_key(&r3).await.unwrap();
        s.add_root_key(&r2).await.unwrap();
        assert_eq!(s.root_keys().await.unwrap(), vec![r1, r2.clone(), r3]);
        assert_eq!(
            s.add_root_key(&root(2, Some(vec![9; 60]))).await,
            Err(StoreError::AlreadyExists)
        );
        assert_eq!(s.root_keys().await.unwrap()[1], r2);
        // Adding a generation does not switch to it.
        assert_eq!(s.get_seal().await.unwrap().unwrap().root_generation, 1);
    });
}

#[test]
fn rotate_root_rewraps_vaults_switches_the_seal_and_retires_old_roots() {
    each_backend(|s| async move {
        let (a, b) = initialised(&*s).await;
        s.add_root_key(&root(2, Some(vec![2; 60]))).await.unwrap();
        let before = audit_len(&*s).await;
        let vaults = [rewrapped(&a, 2), rewrapped(&b, 2)];
        let at = T0 + Duration::days(30);
        s.rotate_root(RootRotation {
            generation: 2,
            vaults: &vaults,
            wrapped_system_secret: &[0x52; 60],
            retire: &[1],
            at,
            audit: &rotation_event(2),
        })
        .await
        .unwrap();
        assert_eq!(s.get_vault(a.id).await.unwrap(), Some(vaults[0].clone()));
        assert_eq!(s.get_vault(b.id).await.unwrap(), Some(vaults[1].clone()));
        let sealed = s.get_seal().await.unwrap().unwrap();
        assert_eq!(
            sealed,
            SealRecord {
                root_generation: 2,
                wrapped_system_secret: vec![0x52; 60],
                updated_at: at,
                ..seal(1, 0x51)
            }
        );
        assert_eq!(
            s.root_keys().await.unwrap(),
            vec![root(2, Some(vec![2; 60]))]
        );
        let log = s.audit_records(0, 100).await.unwrap();
        assert_eq!(log.len(), before + 1);
        assert_eq!(log.last().unwrap().event, rotation_event(2));
    });
}

#[test]
fn rotate_root_refuses_while_a_vault_stays_on_another_generation() {
    each_backend(|s| async move {
        let (a, b) = initialised(&*s).await;
        s.add_root_key(&root(2, Some(vec![2; 60]))).await.unwrap();
        let seal_before = s.get_seal().await.unwrap();
        let roots_before = s.root_keys().await.unwrap();
        let log_before = audit_len(&*s).await;
        // `b` was created after the rotation listed the vaults: only `a` is re-wrapped.
        assert_eq!(
            s.rotate_root(RootRotation {
                generation: 2,
                vaults: &[rewrapped(&a, 2)],
                wrapped_system_secret: &[0x52; 60],
                retire: &[1],
                at: T0 + Duration::days(30),
                audit: &rotation_event(2),
            })
            .await,
            Err(StoreError::Conflict)
        );
        // Nothing changed: not even the vault that was re-wrapped.
        assert_eq!(s.get_vault(a.id).await.unwrap(), Some(a.clone()));
        assert_eq!(s.get_vault(b.id).await.unwrap(), Some(b.clone()));
        assert_eq!(s.get_seal().await.unwrap(), seal_before);
        assert_eq!(s.root_keys().await.unwrap(), roots_before);
        assert_eq!(audit_len(&*s).await, log_before);
    });
}

#[test]
fn create_vault_refuses_a_stale_root_generation() {
    each_backend(|s| async move {
        let (a, b) = initialised(&*s).await;
        s.add_root_key(&root(2, None)).await.unwrap();
        s.rotate_root(RootRotation {
            generation: 2,
            vaults: &[rewrapped(&a, 2), rewrapped(&b, 2)],
            wrapped_system_secret: &[0x52; 60],
            retire: &[1],
            at: T0 + Duration::days(30),
            audit: &rotation_event(2),
        })
        .await
        .unwrap();
        // Wrapped under generation 1 before the rotation committed: refused, nothing written.
        let late = vault(3, "late");
        assert_eq!(s.create_vault(&late, &[]).await, Err(StoreError::Conflict));
        assert_eq!(s.get_vault(late.id).await.unwrap(), None);
        assert_eq!(s.get_vault_by_name("late").await.unwrap(), None);
        // A generation ahead of the seal is just as wrong.
        let ahead = Vault {
            root_generation: 3,
            ..vault(3, "late")
        };
        assert_eq!(s.create_vault(&ahead, &[]).await, Err(StoreError::Conflict));
        // Wrapped again under the current generation: accepted.
        let current = rewrapped(&late, 2);
        s.create_vault(&current, &[]).await.unwrap();
        assert_eq!(s.get_vault(late.id).await.unwrap(), Some(current));
    });
}

#[test]
fn update_vault_conflicts_when_its_kek_was_rewrapped() {
    each_backend(|s| async move {
        let (a, b) = initialised(&*s).await;
        // Read before the rotation...
        let mut stale = a.clone();
        stale.pending_destruction_days = 30;
        stale.mac = vec![0x0B; 32];
        s.add_root_key(&root(2, None)).await.unwrap();
        let vaults = [rewrapped(&a, 2), rewrapped(&b, 2)];
        s.rotate_root(RootRotation {
            generation: 2,
            vaults: &vaults,
            wrapped_system_secret: &[0x52; 60],
            retire: &[1],
            at: T0 + Duration::days(30),
            audit: &rotation_event(2),
        })
        .await
        .unwrap();
        // ...written after it: refused, the re-wrapped vault is kept.
        assert_eq!(s.update_vault(&stale).await, Err(StoreError::Conflict));
        assert_eq!(s.get_vault(a.id).await.unwrap(), Some(vaults[0].clone()));
        // Same generation, another KEK: refused too.
        let mut other_kek = vaults[0].clone();
        other_kek.sealed_kek[0] ^= 1;
        other_kek.pending_destruction_days = 30;
        assert_eq!(s.update_vault(&other_kek).await, Err(StoreError::Conflict));
        assert_eq!(s.get_vault(a.id).await.unwrap(), Some(vaults[0].clone()));
        // Read again: accepted.
        let mut fresh = s.get_vault(a.id).await.unwrap().unwrap();
        fresh.pending_destruction_days = 30;
        fresh.mac = vec![0x0C; 32];
        s.update_vault(&fresh).await.unwrap();
        assert_eq!(s.get_vault(a.id).await.unwrap(), Some(fresh));
        // A vault that does not exist cannot be updated.
        assert_eq!(
            s.update_vault(&rewrapped(&vault(9, "gone"), 2)).await,
            Err(StoreError::Conflict)
        );
    });
}
