//! The Store suite: what every Store implementation must do. Written against the trait so the
//! PostgreSQL store can run the same cases. Vaults, keys, versions and history here; the seal
//! and root keys in [`seal`], principals and credentials in [`access`], the audit log in
//! [`audit`]; what several nodes on one database rely on in [`cluster`].

mod access;
mod audit;
mod backup;
mod cluster;
mod import_keys;
mod seal;

use std::collections::BTreeMap;

use keyhaven_core::{
    AuditEvent, Cause, HistoryEntry, Key, KeyAlgorithm, KeyChange, KeyFilter, KeyId, KeyState,
    KeyVersion, Link, LinkKind, ObjectKind, Origin, Outcome, Store, StoreError, UsageMask, Vault,
    VaultId,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::runtime;

const T0: OffsetDateTime = datetime!(2026-01-01 00:00 UTC);

fn vault(n: u128, name: &str) -> Vault {
    Vault {
        id: VaultId(Uuid::from_u128(n)),
        name: name.parse().unwrap(),
        pending_destruction_days: 7,
        root_generation: 1,
        sealed_kek: vec![1, 2, 3],
        created_at: T0,
        updated_at: T0,
        mac: mac_of(n),
    }
}

/// A recognisable MAC: the store keeps it opaquely.
fn mac_of(n: u128) -> Vec<u8> {
    let mut m = vec![0xAC; 32];
    m[..16].copy_from_slice(&n.to_be_bytes());
    m
}

fn key(n: u128, vault: &Vault, name: &str) -> Key {
    Key {
        id: KeyId(Uuid::from_u128(n)),
        vault_id: vault.id,
        vault_name: vault.name.clone(),
        name: name.parse().unwrap(),
        description: None,
        tags: BTreeMap::new(),
        algorithm: KeyAlgorithm::Aes256,
        usage: UsageMask::ENCRYPT.union(UsageMask::DECRYPT),
        state: KeyState::PreActive,
        destroy_at: None,
        activation_date: None,
        deactivation_date: None,
        protect_stop_date: None,
        process_start_date: None,
        compromise_date: None,
        destroyed_at: None,
        primary_version: 1,
        min_decryption_version: 1,
        origin: Origin::Generated,
        created_at: T0 + Duration::seconds(n as i64),
        updated_at: T0,
        last_used_at: None,
        revision: 1,
        object_kind: ObjectKind::SymmetricKey,
        exportable: false,
        links: Vec::new(),
        kmip_attributes: Vec::new(),
        schedule: Default::default(),
        mac: mac_of(n),
    }
}

fn version(k: &Key, v: u32) -> KeyVersion {
    KeyVersion {
        key_id: k.id,
        version: v,
        sealed_material: Some(vec![9; 40]),
        public_key: None,
        created_at: T0,
        mac: vec![0x5A, u8::try_from(v).unwrap()],
    }
}

fn hist(k: &Key, action: &str, to: KeyState) -> HistoryEntry {
    HistoryEntry {
        key_id: k.id,
        at: T0,
        action: action.to_owned(),
        from_state: None,
        to_state: to,
        actor: "test".to_owned(),
        cause: Cause::Request,
        reason: Some("because".to_owned()),
    }
}

/// The audit record of a history entry, as the service writes it.
fn transition(h: &HistoryEntry) -> AuditEvent {
    AuditEvent {
        at: h.at,
        request_id: None,
        principal: Some(h.actor.clone()),
        source: None,
        action: "transition".to_owned(),
        route: None,
        vault: Some("v".to_owned()),
        key: Some(h.key_id),
        key_version: None,
        outcome: Outcome::Success,
        code: None,
        detail: Some(format!("{} -> {}", h.action, h.to_state)),
    }
}

/// Creates a key with its first version, history entry and audit record.
async fn put_key(s: &dyn Store, k: &Key) -> Result<(), StoreError> {
    let h = hist(k, "create", k.state);
    s.create_key(k, &version(k, 1), &h, &transition(&h)).await
}

async fn audit_len(s: &dyn Store) -> usize {
    s.audit_records(0, u32::MAX).await.unwrap().len()
}

async fn sqlite() -> (tempfile::TempDir, keyhaven_store::SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = keyhaven_store::SqliteStore::open(&dir.path().join("t.db"))
        .await
        .unwrap();
    (dir, store)
}

/// The PostgreSQL the suite uses: `KEYHAVEN_TEST_POSTGRES`, default the machine's
/// (127.0.0.1:5432, database `test`).
fn postgres_url() -> String {
    std::env::var("KEYHAVEN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A store on a schema of its own in the test PostgreSQL (dropped by the caller).
async fn postgres() -> keyhaven_store::PgStore {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let schema = format!(
        "kh_suite_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let base = postgres_url();
    let sep = if base.contains('?') { '&' } else { '?' };
    keyhaven_store::PgStore::open(&format!("{base}{sep}schema={schema}"))
        .await
        .unwrap_or_else(|e| {
            panic!("the Store suite needs PostgreSQL at {base} (KEYHAVEN_TEST_POSTGRES): {e}")
        })
}

/// Runs one case with two stores of each backend (a source and a target).
fn each_backend_pair<F, Fut>(case: F)
where
    F: Fn(Box<dyn Store>, Box<dyn Store>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    runtime().block_on(async {
        let (_a_dir, a) = sqlite().await;
        let (_b_dir, b) = sqlite().await;
        case(Box::new(a), Box::new(b)).await;
        let (a, b) = (postgres().await, postgres().await);
        case(Box::new(a.clone()), Box::new(b.clone())).await;
        a.drop_schema().await.unwrap();
        b.drop_schema().await.unwrap();
    });
}

/// Runs one suite case against every backend: SQLite (a fresh file) and PostgreSQL (a fresh
/// schema, dropped afterwards).
fn each_backend<F, Fut>(case: F)
where
    F: Fn(Box<dyn Store>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    runtime().block_on(async {
        let (_dir, store) = sqlite().await;
        case(Box::new(store)).await;
        let pg = postgres().await;
        case(Box::new(pg.clone())).await;
        pg.drop_schema().await.unwrap();
    });
}

#[test]
fn vault_crud_and_unique_names() {
    each_backend(|s| async move {
        let a = vault(1, "alpha");
        s.create_vault(&a, &[]).await.unwrap();
        assert_eq!(
            s.create_vault(&vault(2, "alpha"), &[]).await,
            Err(StoreError::AlreadyExists)
        );
        s.create_vault(&vault(3, "beta"), &[]).await.unwrap();
        assert_eq!(s.get_vault_by_name("alpha").await.unwrap(), Some(a.clone()));
        assert_eq!(s.get_vault(a.id).await.unwrap(), Some(a.clone()));
        assert_eq!(s.get_vault_by_name("gamma").await.unwrap(), None);
        let names: Vec<String> = s
            .list_vaults()
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.name.to_string())
            .collect();
        assert_eq!(names, vec!["alpha", "beta"]);
        let mut changed = a.clone();
        changed.pending_destruction_days = 0;
        changed.updated_at = T0 + Duration::hours(1);
        changed.mac = vec![0xEE; 32];
        // Only the period, the update time and the MAC change: not the name.
        changed.name = "renamed".parse().unwrap();
        s.update_vault(&changed).await.unwrap();
        let got = s.get_vault(a.id).await.unwrap().unwrap();
        assert_eq!(got.pending_destruction_days, 0);
        assert_eq!(got.updated_at, T0 + Duration::hours(1));
        assert_eq!(got.mac, vec![0xEE; 32]);
        assert_eq!(got.name.as_str(), "alpha");
        assert_eq!(
            (got.sealed_kek, got.root_generation, got.created_at),
            (a.sealed_kek.clone(), 1, T0)
        );
        // Not empty: refuse; empty: delete.
        let k = key(10, &a, "k");
        put_key(&*s, &k).await.unwrap();
        assert_eq!(s.delete_vault(a.id).await, Err(StoreError::NotEmpty));
        s.delete_vault(vault(3, "beta").id).await.unwrap();
        assert_eq!(s.get_vault_by_name("beta").await.unwrap(), None);
    });
}

#[test]
fn kmip_fields_round_trip_and_update() {
    each_backend(|s| async move {
        let v = vault(1, "v");
        s.create_vault(&v, &[]).await.unwrap();
        let mut k = key(10, &v, "pub");
        k.algorithm = KeyAlgorithm::Rsa2048;
        k.object_kind = ObjectKind::PublicKey;
        k.exportable = true;
        k.links = vec![
            Link {
                kind: LinkKind::PrivateKey,
                target: Uuid::from_u128(11).to_string(),
            },
            Link {
                kind: LinkKind::Replaced,
                target: "external-object-7".to_owned(),
            },
        ];
        k.kmip_attributes = vec![0x42, 0x00, 0x01, 0x01];
        put_key(&*s, &k).await.unwrap();
        assert_eq!(s.get_key(k.id).await.unwrap(), Some(k.clone()));
        // A REST-style key reads back with the defaults.
        let plain = key(12, &v, "plain");
        put_key(&*s, &plain).await.unwrap();
        let got = s.get_key(plain.id).await.unwrap().unwrap();
        assert_eq!(got.object_kind, ObjectKind::SymmetricKey);
        assert!(!got.exportable && got.links.is_empty() && got.kmip_attributes.is_empty());
        // Links and KMIP attributes change with an update; the kind and exportability don't.
        let mut changed = k.clone();
        changed.links.pop();
        changed.kmip_attributes.clear();
        changed.exportable = false;
        s.update_key(KeyChange {
            key: &changed,
            new_version: None,
            erase_material: false,
            version_macs: &[],
            history: &[],
            audit: &[],
        })
        .await
        .unwrap();
        let got = s.get_key(k.id).await.unwrap().unwrap();
        assert_eq!(got.links, changed.links);
        assert!(got.kmip_attributes.is_empty());
        assert!(got.exportable, "exportability is fixed at creation");
        assert_eq!(got.object_kind, ObjectKind::PublicKey);
    });
}

#[test]
fn key_round_trip_update_conflict_and_erase() {
    each_backend(|s| async move {
        let v = vault(1, "v");
        s.create_vault(&v, &[]).await.unwrap();
        let mut k = key(10, &v, "app/db");
        k.tags.insert("team".into(), "payments".into());
        k.description = Some("d".into());
        k.activation_date = Some(T0 + Duration::days(1));
        put_key(&*s, &k).await.unwrap();
        assert_eq!(s.get_key(k.id).await.unwrap(), Some(k.clone()));
        assert_eq!(s.list_versions(k.id).await.unwrap(), vec![version(&k, 1)]);
        // Same name in the same vault is refused, and writes nothing.
        let dup = key(11, &v, "app/db");
        assert_eq!(put_key(&*s, &dup).await, Err(StoreError::AlreadyExists));
        assert_eq!(
            audit_len(&*s).await,
            1,
            "a refused create wrote an audit record"
        );
        assert!(s.history(dup.id).await.unwrap().is_empty());
        // Due index.
        assert!(s.due_keys(T0, 10).await.unwrap().is_empty());
        assert_eq!(
            s.due_keys(T0 + Duration::days(2), 10).await.unwrap(),
            vec![k.id]
        );

        let mut k2 = k.clone();
        k2.state = KeyState::Active;
        k2.primary_version = 2;
        k2.tags.clear();
        k2.mac = vec![0x22; 32];
        let h = hist(&k, "rotate", KeyState::Active);
        let rev = s
            .update_key(KeyChange {
                key: &k2,
                history: std::slice::from_ref(&h),
                new_version: Some(&version(&k, 2)),
                erase_material: false,
                version_macs: &[],
                audit: &[transition(&h)],
            })
            .await
            .unwrap();
        assert_eq!(rev, 2);
        // A second writer with the stale revision loses.
        assert_eq!(
            s.update_key(KeyChange {
                key: &k2,
                history: &[],
                new_version: None,
                erase_material: false,
                version_macs: &[],
                audit: &[],
            })
            .await,
            Err(StoreError::Conflict)
        );
        let got = s.get_key(k.id).await.unwrap().unwrap();
        assert_eq!(got.state, KeyState::Active);
        assert!(got.tags.is_empty());
        assert_eq!(got.revision, 2);
        assert_eq!(got.mac, vec![0x22; 32]);
        assert_eq!(s.list_versions(k.id).await.unwrap().len(), 2);
        // Erase.
        let mut k3 = got.clone();
        k3.state = KeyState::Destroyed;
        s.update_key(KeyChange {
            key: &k3,
            history: &[],
            new_version: None,
            erase_material: true,
            version_macs: &[],
            audit: &[],
        })
        .await
        .unwrap();
        for ver in s.list_versions(k.id).await.unwrap() {
            assert_eq!(ver.sealed_material, None);
        }
        let history = s.history(k.id).await.unwrap();
        assert_eq!(
            history
                .iter()
                .map(|h| h.action.as_str())
                .collect::<Vec<_>>(),
            vec!["create", "rotate"]
        );
        // Purge keeps history, frees the name; a stale revision writes nothing.
        let k4 = s.get_key(k.id).await.unwrap().unwrap();
        let purge = hist(&k, "purge", KeyState::Destroyed);
        let before = audit_len(&*s).await;
        assert_eq!(
            s.purge_key(k.id, 1, &purge, &transition(&purge)).await,
            Err(StoreError::Conflict)
        );
        assert_eq!(audit_len(&*s).await, before);
        assert_eq!(s.history(k.id).await.unwrap().len(), 2);
        s.purge_key(k.id, k4.revision, &purge, &transition(&purge))
            .await
            .unwrap();
        assert_eq!(s.get_key(k.id).await.unwrap(), None);
        assert!(s.list_versions(k.id).await.unwrap().is_empty());
        assert_eq!(s.history(k.id).await.unwrap().len(), 3);
        let log = s.audit_records(0, 100).await.unwrap();
        assert_eq!(log.len(), before + 1);
        assert_eq!(log.last().unwrap().event, transition(&purge));
        let again = key(12, &v, "app/db");
        put_key(&*s, &again).await.unwrap();
    });
}

#[test]
fn list_filters_and_keyset_pagination() {
    each_backend(|s| async move {
        let a = vault(1, "a");
        let b = vault(2, "b");
        s.create_vault(&a, &[]).await.unwrap();
        s.create_vault(&b, &[]).await.unwrap();
        for n in 0..25u128 {
            let v = if n % 2 == 0 { &a } else { &b };
            let mut k = key(100 + n, v, &format!("key-{n:02}"));
            if n % 5 == 0 {
                k.tags.insert("env".into(), "prod".into());
            }
            if n % 3 == 0 {
                k.state = KeyState::Destroyed;
            }
            if n == 7 {
                k.algorithm = KeyAlgorithm::EcP256;
            }
            put_key(&*s, &k).await.unwrap();
        }
        let all = KeyFilter {
            include_destroyed: true,
            ..KeyFilter::default()
        };
        // Pages of 10 cover all 25, in id order, without overlap.
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = s.list_keys(&all, after, 10).await.unwrap();
            if page.is_empty() {
                break;
            }
            after = page.last().map(|k| k.id);
            seen.extend(page.into_iter().map(|k| k.id));
        }
        assert_eq!(seen.len(), 25);
        assert!(seen.windows(2).all(|w| w[0] < w[1]));

        let count = |f: KeyFilter| {
            let s = &s;
            async move { s.list_keys(&f, None, 1000).await.unwrap().len() }
        };
        assert_eq!(count(KeyFilter::default()).await, 16, "destroyed hidden");
        assert_eq!(
            count(KeyFilter {
                vault_ids: Some(vec![a.id]),
                include_destroyed: true,
                ..KeyFilter::default()
            })
            .await,
            13
        );
        assert_eq!(
            count(KeyFilter {
                vault_ids: Some(vec![a.id, b.id]),
                include_destroyed: true,
                ..KeyFilter::default()
            })
            .await,
            25
        );
        assert_eq!(
            count(KeyFilter {
                vault_ids: Some(vec![]),
                include_destroyed: true,
                ..KeyFilter::default()
            })
            .await,
            0,
            "an empty vault list matches nothing"
        );
        assert_eq!(
            count(KeyFilter {
                tag: Some(("env".into(), Some("prod".into()))),
                include_destroyed: true,
                ..KeyFilter::default()
            })
            .await,
            5
        );
        assert_eq!(
            count(KeyFilter {
                tag: Some(("env".into(), Some("dev".into()))),
                ..KeyFilter::default()
            })
            .await,
            0
        );
        assert_eq!(
            count(KeyFilter {
                name_prefix: Some("key-1".into()),
                include_destroyed: true,
                ..KeyFilter::default()
            })
            .await,
            10
        );
        assert_eq!(
            count(KeyFilter {
                algorithm: Some(KeyAlgorithm::EcP256),
                ..KeyFilter::default()
            })
            .await,
            1
        );
        assert_eq!(
            count(KeyFilter {
                state: Some(KeyState::Destroyed),
                include_destroyed: true,
                ..KeyFilter::default()
            })
            .await,
            9
        );
        assert_eq!(
            count(KeyFilter {
                created_after: Some(T0 + Duration::seconds(110)),
                created_before: Some(T0 + Duration::seconds(120)),
                include_destroyed: true,
                ..KeyFilter::default()
            })
            .await,
            10
        );
    });
}

#[test]
fn last_used_only_moves_forward() {
    each_backend(|s| async move {
        let v = vault(1, "v");
        s.create_vault(&v, &[]).await.unwrap();
        let k = key(10, &v, "k");
        put_key(&*s, &k).await.unwrap();
        let t1 = T0 + Duration::hours(2);
        s.record_last_used(&[(k.id, t1)]).await.unwrap();
        s.record_last_used(&[(k.id, T0)]).await.unwrap();
        let got = s.get_key(k.id).await.unwrap().unwrap();
        assert_eq!(got.last_used_at, Some(t1));
        assert_eq!(got.revision, 1, "last use does not bump the revision");
    });
}

#[test]
fn update_key_writes_version_macs_and_audit_in_one_transaction() {
    each_backend(|s| async move {
        let v = vault(1, "v");
        s.create_vault(&v, &[]).await.unwrap();
        let k = key(10, &v, "k");
        put_key(&*s, &k).await.unwrap();
        let created = s.audit_records(0, 10).await.unwrap();
        assert_eq!(created.len(), 1, "create_key writes its audit record");

        // Rotation: a new version, a new MAC for version 1, two audit records in order.
        let mut rotated = k.clone();
        rotated.primary_version = 2;
        let h = hist(&k, "rotate", KeyState::PreActive);
        let mut second = transition(&h);
        second.action = "rotate.note".to_owned();
        second.key_version = Some(2);
        second.outcome = Outcome::Failure;
        second.code = Some("x".to_owned());
        let events = [transition(&h), second];
        s.update_key(KeyChange {
            key: &rotated,
            history: std::slice::from_ref(&h),
            new_version: Some(&version(&k, 2)),
            erase_material: false,
            version_macs: &[(1, vec![0x11; 32])],
            audit: &events,
        })
        .await
        .unwrap();
        let versions = s.list_versions(k.id).await.unwrap();
        assert_eq!(versions[0].mac, vec![0x11; 32]);
        assert_eq!(versions[0].sealed_material, Some(vec![9; 40]));
        assert_eq!(versions[1], version(&k, 2));
        let log = s.audit_records(0, 10).await.unwrap();
        let got: Vec<AuditEvent> = log.iter().map(|r| r.event.clone()).collect();
        assert_eq!(
            got,
            vec![
                created[0].event.clone(),
                events[0].clone(),
                events[1].clone()
            ]
        );

        // Erasure: material gone, each version re-MACed.
        let mut destroyed = s.get_key(k.id).await.unwrap().unwrap();
        destroyed.state = KeyState::Destroyed;
        let h = hist(&k, "destroy", KeyState::Destroyed);
        s.update_key(KeyChange {
            key: &destroyed,
            history: std::slice::from_ref(&h),
            new_version: None,
            erase_material: true,
            version_macs: &[(1, vec![0xD1; 32]), (2, vec![0xD2; 32])],
            audit: &[transition(&h)],
        })
        .await
        .unwrap();
        let versions = s.list_versions(k.id).await.unwrap();
        assert_eq!(
            versions
                .iter()
                .map(|v| (
                    v.sealed_material.is_none(),
                    v.public_key.is_none(),
                    v.mac.clone()
                ))
                .collect::<Vec<_>>(),
            vec![(true, true, vec![0xD1; 32]), (true, true, vec![0xD2; 32])]
        );
        assert_eq!(audit_len(&*s).await, 4);

        // A stale revision writes nothing at all: no key change, no version, no MAC, no
        // history, no audit record.
        let stale = destroyed.clone();
        let key_before = s.get_key(k.id).await.unwrap();
        let versions_before = s.list_versions(k.id).await.unwrap();
        let history_before = s.history(k.id).await.unwrap();
        let mut changed = stale.clone();
        changed.description = Some("lost".to_owned());
        let h = hist(&k, "update", KeyState::Destroyed);
        assert_eq!(
            s.update_key(KeyChange {
                key: &changed,
                history: std::slice::from_ref(&h),
                new_version: Some(&version(&k, 3)),
                erase_material: true,
                version_macs: &[(1, vec![0xBA; 32])],
                audit: &[transition(&h)],
            })
            .await,
            Err(StoreError::Conflict)
        );
        assert_eq!(s.get_key(k.id).await.unwrap(), key_before);
        assert_eq!(s.list_versions(k.id).await.unwrap(), versions_before);
        assert_eq!(s.history(k.id).await.unwrap(), history_before);
        assert_eq!(
            audit_len(&*s).await,
            4,
            "a conflicting change grew the audit log"
        );
    });
}
