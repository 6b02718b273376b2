//! Backups at the store: a dump read from one snapshot, a full restore in one transaction
//! (refused on an instance holding keys), and a key restored with all its versions and
//! history at once.

use keyhaven_core::backup::TableDump;
use keyhaven_core::{KeyState, StoreError};

use super::seal::{root, seal};
use super::{audit_len, each_backend_pair, hist, key, put_key, transition, vault, version};

fn rows(tables: &[TableDump], name: &str) -> usize {
    tables
        .iter()
        .find(|t| t.name == name)
        .map_or(usize::MAX, |t| t.rows.len())
}

#[test]
fn a_dump_restores_fully_into_an_empty_store_only() {
    each_backend_pair(|src, dst| async move {
        let v = vault(1, "v");
        src.create_vault(&v, &[]).await.unwrap();
        let k = key(10, &v, "k");
        put_key(&*src, &k).await.unwrap();
        let tables = src.dump_tables().await.unwrap();
        assert_eq!(rows(&tables, "vaults"), 1);
        assert_eq!(rows(&tables, "keys"), 1);
        assert_eq!(rows(&tables, "key_versions"), 1);
        assert_eq!(rows(&tables, "key_history"), 1);
        assert!(tables
            .iter()
            .all(|t| t.name != "seal" && t.name != "root_keys"));

        // The source holds a key: a full restore into it is refused and changes nothing.
        src.init_seal(&seal(1, 1), &root(1, None)).await.unwrap();
        let keep = |v: keyhaven_core::Vault| Ok(v);
        assert_eq!(
            src.restore_tables(&tables, &[2; 60], &keep).await,
            Err(StoreError::NotEmpty)
        );
        assert_eq!(
            src.get_seal().await.unwrap().unwrap().wrapped_system_secret,
            vec![1; 60]
        );

        dst.init_seal(&seal(3, 9), &root(3, None)).await.unwrap();
        let before = audit_len(&*src).await;
        let fix = |mut v: keyhaven_core::Vault| {
            v.sealed_kek = vec![0xAB; 60];
            v.root_generation = 3;
            Ok(v)
        };
        dst.restore_tables(&tables, &[7; 60], &fix).await.unwrap();
        let got = dst.get_vault(v.id).await.unwrap().unwrap();
        assert_eq!(
            (got.sealed_kek.clone(), got.root_generation),
            (vec![0xAB; 60], 3)
        );
        assert_eq!(dst.get_key(k.id).await.unwrap(), Some(k.clone()));
        assert_eq!(
            dst.history(k.id).await.unwrap(),
            src.history(k.id).await.unwrap()
        );
        assert_eq!(audit_len(&*dst).await, before);
        let sealed = dst.get_seal().await.unwrap().unwrap();
        assert_eq!(
            (sealed.wrapped_system_secret, sealed.root_generation),
            (vec![7; 60], 3)
        );
        // New history continues after the restored rows.
        let k2 = key(11, &got, "k2");
        put_key(&*dst, &k2).await.unwrap();
        assert_eq!(dst.history(k2.id).await.unwrap().len(), 1);
        assert_eq!(dst.history(k.id).await.unwrap().len(), 1);
    });
}

#[test]
fn a_key_restores_with_every_version_and_its_history_or_not_at_all() {
    each_backend_pair(|src, dst| async move {
        let _ = src;
        let v = vault(1, "v");
        dst.create_vault(&v, &[]).await.unwrap();
        let mut k = key(20, &v, "restored");
        k.state = KeyState::Deactivated;
        k.primary_version = 2;
        let versions = [version(&k, 1), version(&k, 2)];
        let history = [
            hist(&k, "create", KeyState::Active),
            hist(&k, "rotate", KeyState::Active),
            hist(&k, "deactivate", KeyState::Deactivated),
        ];
        let audit = transition(&history[0]);
        dst.restore_key(&k, &versions, &history, &audit)
            .await
            .unwrap();
        assert_eq!(dst.get_key(k.id).await.unwrap(), Some(k.clone()));
        assert_eq!(dst.list_versions(k.id).await.unwrap(), versions.to_vec());
        assert_eq!(dst.history(k.id).await.unwrap(), history.to_vec());
        // Again: the id is taken; nothing is added.
        assert_eq!(
            dst.restore_key(&k, &versions, &history, &audit).await,
            Err(StoreError::AlreadyExists)
        );
        assert_eq!(dst.history(k.id).await.unwrap().len(), 3);
        // The name is taken by another id: refused whole, no version or history left behind.
        let mut other = key(21, &v, "restored");
        other.primary_version = 1;
        let h = [hist(&other, "create", KeyState::Active)];
        assert_eq!(
            dst.restore_key(&other, &[version(&other, 1)], &h, &audit)
                .await,
            Err(StoreError::AlreadyExists)
        );
        assert!(dst.list_versions(other.id).await.unwrap().is_empty());
        assert!(dst.history(other.id).await.unwrap().is_empty());
    });
}
