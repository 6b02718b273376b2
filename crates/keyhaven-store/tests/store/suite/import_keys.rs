//! Import keys (wrapped import, docs/IMPORT.md): issuing periods, expiry, vault deletion.

use keyhaven_core::import::ImportKey;
use keyhaven_core::{Store, StoreError, Vault, VaultId, VaultName};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::each_backend;

fn at(hours: i64) -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH + Duration::days(20_000) + Duration::hours(hours)
}

fn vault(n: u128, name: &str) -> Vault {
    Vault {
        id: VaultId(Uuid::from_u128(n)),
        name: name.parse::<VaultName>().unwrap(),
        pending_destruction_days: 0,
        root_generation: 1,
        sealed_kek: vec![1; 60],
        created_at: at(0),
        updated_at: at(0),
        mac: vec![2; 32],
    }
}

fn import_key(n: u128, vault: &Vault, created: i64) -> ImportKey {
    ImportKey {
        id: Uuid::from_u128(n),
        vault_id: vault.id,
        sealed_private: vec![n as u8; 50],
        public_key: vec![n as u8 + 1; 20],
        created_at: at(created),
        expires_at: at(created + 24),
        mac: vec![n as u8 + 2; 32],
    }
}

async fn initialise(s: &dyn Store) {
    // A root key generation the vaults can name.
    let root = keyhaven_core::RootKeyRecord {
        generation: 1,
        wrapped: None,
        created_at: at(0),
    };
    let seal = keyhaven_core::SealRecord {
        method: "dev".to_owned(),
        params: "{}".to_owned(),
        root_generation: 1,
        wrapped_system_secret: vec![0; 60],
        created_at: at(0),
        updated_at: at(0),
    };
    s.init_seal(&seal, &root).await.unwrap();
}

#[test]
fn current_is_the_newest_in_its_issuing_period() {
    each_backend(|s| async move {
        initialise(&*s).await;
        let (a, b) = (vault(1, "a"), vault(2, "b"));
        s.create_vault(&a, &[]).await.unwrap();
        s.create_vault(&b, &[]).await.unwrap();
        assert_eq!(s.current_import_key(a.id, at(0)).await.unwrap(), None);
        let first = import_key(10, &a, 0);
        let second = import_key(11, &a, 20);
        let other = import_key(12, &b, 30);
        for k in [&first, &second, &other] {
            s.create_import_key(k).await.unwrap();
        }
        assert_eq!(
            s.create_import_key(&first).await,
            Err(StoreError::AlreadyExists)
        );
        assert_eq!(
            s.current_import_key(a.id, at(21)).await.unwrap(),
            Some(second.clone())
        );
        // The second expires at hour 44: nothing current after that, the row still readable.
        assert_eq!(s.current_import_key(a.id, at(44)).await.unwrap(), None);
        assert_eq!(
            s.get_import_key(first.id).await.unwrap(),
            Some(first.clone())
        );
        assert_eq!(
            s.current_import_key(b.id, at(40)).await.unwrap(),
            Some(other.clone())
        );
        assert_eq!(s.get_import_key(Uuid::from_u128(99)).await.unwrap(), None);
        // Expired before hour 30: only the first (expired at hour 24).
        assert_eq!(s.delete_expired_import_keys(at(30)).await.unwrap(), 1);
        assert_eq!(s.get_import_key(first.id).await.unwrap(), None);
        assert_eq!(s.get_import_key(second.id).await.unwrap(), Some(second));
        // Deleting a vault deletes its import keys.
        s.delete_vault(b.id).await.unwrap();
        assert_eq!(s.get_import_key(other.id).await.unwrap(), None);
    });
}
