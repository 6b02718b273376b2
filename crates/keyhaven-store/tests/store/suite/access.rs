//! Principals, API tokens, role bindings and certificate bindings.

use keyhaven_core::access::{
    CertBinding, CertMatch, Principal, PrincipalId, PrincipalKind, RoleBinding, SystemRoles, Token,
    TokenId, VaultRole,
};
use keyhaven_core::{StoreError, SystemRole, VaultId};
use time::Duration;
use uuid::Uuid;

use super::{each_backend, mac_of, vault, T0};

fn principal(n: u128, name: &str) -> Principal {
    Principal {
        id: PrincipalId(Uuid::from_u128(n)),
        name: name.parse().unwrap(),
        kind: PrincipalKind::Service,
        system_roles: SystemRoles::NONE,
        description: Some(format!("principal {n}")),
        disabled: false,
        created_at: T0 + Duration::seconds(n as i64),
        updated_at: T0 + Duration::seconds(n as i64),
        mac: mac_of(n),
    }
}

fn token(n: u128, owner: &Principal) -> Token {
    Token {
        id: TokenId(Uuid::from_u128(n)),
        principal_id: owner.id,
        name: Some(format!("token-{n}")),
        hash: [u8::try_from(n % 256).unwrap(); 32],
        created_at: T0 + Duration::seconds(n as i64),
        expires_at: Some(T0 + Duration::days(90)),
        revoked_at: None,
        last_used_at: None,
        mac: mac_of(n),
    }
}

fn binding(v: VaultId, p: &Principal, role: VaultRole, n: i64) -> RoleBinding {
    RoleBinding {
        vault_id: v,
        principal_id: p.id,
        role,
        granted_at: T0 + Duration::seconds(n),
        granted_by: "admin".to_owned(),
        mac: vec![0xB1, u8::try_from(n).unwrap()],
    }
}

fn cert(n: u128, p: &Principal, kind: CertMatch, value: &str) -> CertBinding {
    CertBinding {
        id: Uuid::from_u128(n),
        principal_id: p.id,
        kind,
        value: value.to_owned(),
        created_at: T0 + Duration::seconds(n as i64),
        mac: mac_of(n),
    }
}

/// Bindings in a fixed order (the trait does not promise one).
fn sorted(mut b: Vec<RoleBinding>) -> Vec<RoleBinding> {
    b.sort_by_key(|b| (b.vault_id, b.principal_id, b.role));
    b
}

#[test]
fn principal_crud_and_unique_names() {
    each_backend(|s| async move {
        let bob = principal(2, "bob");
        let mut alice = principal(1, "alice");
        alice.kind = PrincipalKind::User;
        alice.system_roles = [SystemRole::SystemAuditor].into_iter().collect();
        alice.description = None;
        s.create_principal(&bob).await.unwrap();
        s.create_principal(&alice).await.unwrap();
        assert_eq!(
            s.create_principal(&principal(3, "alice")).await,
            Err(StoreError::AlreadyExists)
        );
        assert_eq!(
            s.create_principal(&principal(1, "alice2")).await,
            Err(StoreError::AlreadyExists),
            "same id"
        );
        assert_eq!(
            s.get_principal(alice.id).await.unwrap(),
            Some(alice.clone())
        );
        assert_eq!(
            s.get_principal_by_name("bob").await.unwrap(),
            Some(bob.clone())
        );
        assert_eq!(s.get_principal_by_name("carol").await.unwrap(), None);
        assert_eq!(
            s.get_principal(PrincipalId(Uuid::from_u128(3)))
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            s.list_principals().await.unwrap(),
            vec![alice.clone(), bob.clone()],
            "by name"
        );

        // Roles, description, disabled flag (with updated_at and MAC) change; name, kind and
        // creation time do not.
        let mut changed = bob.clone();
        changed.system_roles = [SystemRole::SystemAdmin, SystemRole::SystemAuditor]
            .into_iter()
            .collect();
        changed.description = None;
        changed.disabled = true;
        changed.updated_at = T0 + Duration::days(1);
        changed.mac = vec![0x77; 32];
        changed.name = "robert".parse().unwrap();
        changed.kind = PrincipalKind::User;
        changed.created_at = T0 + Duration::days(2);
        s.update_principal(&changed).await.unwrap();
        let expected = Principal {
            name: bob.name.clone(),
            kind: bob.kind,
            created_at: bob.created_at,
            ..changed.clone()
        };
        assert_eq!(s.get_principal(bob.id).await.unwrap(), Some(expected));
        assert_eq!(
            s.update_principal(&principal(9, "ghost")).await,
            Err(StoreError::Conflict)
        );

        assert!(s.delete_principal(bob.id).await.unwrap());
        assert!(!s.delete_principal(bob.id).await.unwrap());
        assert_eq!(s.get_principal_by_name("bob").await.unwrap(), None);
        assert_eq!(s.list_principals().await.unwrap(), vec![alice]);
        // The name is free again.
        s.create_principal(&principal(4, "bob")).await.unwrap();
    });
}

#[test]
fn tokens_by_hash_id_and_owner() {
    each_backend(|s| async move {
        let p = principal(1, "app");
        let q = principal(2, "other");
        s.create_principal(&p).await.unwrap();
        s.create_principal(&q).await.unwrap();
        let mut t1 = token(11, &p);
        t1.name = None;
        t1.expires_at = None;
        let t2 = token(12, &p);
        let tq = token(13, &q);
        // Inserted newest first: listing is oldest first all the same.
        s.create_token(&t2).await.unwrap();
        s.create_token(&t1).await.unwrap();
        s.create_token(&tq).await.unwrap();
        assert_eq!(
            s.get_token_by_hash(&t1.hash).await.unwrap(),
            Some(t1.clone())
        );
        assert_eq!(s.get_token_by_hash(&[0xFF; 32]).await.unwrap(), None);
        assert_eq!(s.get_token(t2.id).await.unwrap(), Some(t2.clone()));
        assert_eq!(
            s.get_token(TokenId(Uuid::from_u128(99))).await.unwrap(),
            None
        );
        assert_eq!(
            s.list_tokens(p.id).await.unwrap(),
            vec![t1.clone(), t2.clone()]
        );
        assert_eq!(s.list_tokens(q.id).await.unwrap(), vec![tq]);
        assert!(s
            .list_tokens(PrincipalId(Uuid::from_u128(99)))
            .await
            .unwrap()
            .is_empty());
        // One hash, one token.
        let mut same_hash = token(14, &q);
        same_hash.hash = t1.hash;
        assert_eq!(
            s.create_token(&same_hash).await,
            Err(StoreError::AlreadyExists)
        );
        // A token belongs to an existing principal.
        let orphan = token(15, &principal(99, "nobody"));
        assert!(s.create_token(&orphan).await.is_err());
        assert_eq!(s.get_token(orphan.id).await.unwrap(), None);
    });
}

#[test]
fn token_update_and_last_use() {
    each_backend(|s| async move {
        let p = principal(1, "app");
        s.create_principal(&p).await.unwrap();
        let t = token(11, &p);
        let u = token(12, &p);
        s.create_token(&t).await.unwrap();
        s.create_token(&u).await.unwrap();

        // Last use only moves forward; unknown tokens in a batch are ignored.
        let t1 = T0 + Duration::hours(2);
        s.record_token_use(&[(t.id, t1), (TokenId(Uuid::from_u128(99)), t1)])
            .await
            .unwrap();
        s.record_token_use(&[(t.id, T0 + Duration::hours(1)), (u.id, T0)])
            .await
            .unwrap();
        assert_eq!(
            s.get_token(t.id).await.unwrap().unwrap().last_used_at,
            Some(t1)
        );
        assert_eq!(
            s.get_token(u.id).await.unwrap().unwrap().last_used_at,
            Some(T0)
        );
        s.record_token_use(&[(t.id, t1 + Duration::seconds(1))])
            .await
            .unwrap();
        let used = s.get_token(t.id).await.unwrap().unwrap();
        assert_eq!(used.last_used_at, Some(t1 + Duration::seconds(1)));

        // Revocation writes revoked_at, expires_at and the MAC, and keeps the last use.
        let mut revoked = used.clone();
        revoked.revoked_at = Some(T0 + Duration::days(1));
        revoked.expires_at = None;
        revoked.mac = vec![0x99; 32];
        revoked.last_used_at = None;
        s.update_token(&revoked).await.unwrap();
        let got = s.get_token(t.id).await.unwrap().unwrap();
        assert_eq!(
            got,
            Token {
                last_used_at: used.last_used_at,
                ..revoked.clone()
            }
        );
        assert_eq!(s.get_token_by_hash(&t.hash).await.unwrap(), Some(got));
        assert_eq!(
            s.update_token(&token(99, &p)).await,
            Err(StoreError::Conflict)
        );
    });
}

#[test]
fn role_bindings_create_delete_and_list() {
    each_backend(|s| async move {
        let p = principal(1, "alice");
        let q = principal(2, "bob");
        s.create_principal(&p).await.unwrap();
        s.create_principal(&q).await.unwrap();
        let a = vault(10, "a");
        let b = vault(11, "b");
        // The first bindings come with the vault.
        let first = binding(a.id, &p, VaultRole::Admin, 1);
        s.create_vault(&a, std::slice::from_ref(&first))
            .await
            .unwrap();
        s.create_vault(&b, &[]).await.unwrap();
        assert_eq!(s.role_bindings_in(a.id).await.unwrap(), vec![first.clone()]);

        let km = binding(a.id, &p, VaultRole::KeyManager, 2);
        let cu = binding(a.id, &q, VaultRole::CryptoUser, 3);
        let au = binding(b.id, &p, VaultRole::Auditor, 4);
        for x in [&km, &cu, &au] {
            s.create_role_binding(x).await.unwrap();
        }
        assert_eq!(
            s.create_role_binding(&binding(a.id, &p, VaultRole::Admin, 9))
                .await,
            Err(StoreError::AlreadyExists)
        );
        assert_eq!(
            sorted(s.role_bindings_in(a.id).await.unwrap()),
            sorted(vec![first.clone(), km.clone(), cu.clone()])
        );
        assert_eq!(
            sorted(s.role_bindings_of(p.id).await.unwrap()),
            sorted(vec![first.clone(), km.clone(), au.clone()])
        );
        assert_eq!(s.role_bindings_of(q.id).await.unwrap(), vec![cu.clone()]);

        assert!(s
            .delete_role_binding(a.id, p.id, VaultRole::KeyManager)
            .await
            .unwrap());
        assert!(!s
            .delete_role_binding(a.id, p.id, VaultRole::KeyManager)
            .await
            .unwrap());
        assert!(!s
            .delete_role_binding(b.id, q.id, VaultRole::Auditor)
            .await
            .unwrap());
        assert_eq!(
            sorted(s.role_bindings_of(p.id).await.unwrap()),
            sorted(vec![first.clone(), au.clone()])
        );

        // Deleting a vault deletes its bindings, and only those.
        s.delete_vault(a.id).await.unwrap();
        assert!(s.role_bindings_in(a.id).await.unwrap().is_empty());
        assert_eq!(s.role_bindings_of(p.id).await.unwrap(), vec![au]);
        assert!(s.role_bindings_of(q.id).await.unwrap().is_empty());
        // A vault created again under the same id starts without members.
        s.create_vault(&a, &[]).await.unwrap();
        assert!(s.role_bindings_in(a.id).await.unwrap().is_empty());
    });
}

#[test]
fn create_vault_writes_vault_and_bindings_together() {
    each_backend(|s| async move {
        let p = principal(1, "alice");
        s.create_principal(&p).await.unwrap();
        let a = vault(10, "a");
        // A binding that cannot be written (unknown principal) takes the vault with it.
        let ghost = principal(2, "ghost");
        let bindings = [
            binding(a.id, &p, VaultRole::Admin, 1),
            binding(a.id, &ghost, VaultRole::Admin, 2),
        ];
        assert!(s.create_vault(&a, &bindings).await.is_err());
        assert_eq!(s.get_vault(a.id).await.unwrap(), None);
        assert!(s.role_bindings_of(p.id).await.unwrap().is_empty());
        // A taken name takes the bindings with it.
        s.create_vault(&vault(11, "a"), &[]).await.unwrap();
        assert_eq!(
            s.create_vault(&a, &bindings[..1]).await,
            Err(StoreError::AlreadyExists)
        );
        assert!(s.role_bindings_of(p.id).await.unwrap().is_empty());
    });
}

#[test]
fn cert_bindings_unique_by_kind_and_value() {
    each_backend(|s| async move {
        let p = principal(1, "app");
        let q = principal(2, "other");
        s.create_principal(&p).await.unwrap();
        s.create_principal(&q).await.unwrap();
        let subject = "CN=app,O=Example";
        let fingerprint = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let c1 = cert(21, &p, CertMatch::Subject, subject);
        let c2 = cert(22, &p, CertMatch::Fingerprint, fingerprint);
        s.create_cert_binding(&c1).await.unwrap();
        s.create_cert_binding(&c2).await.unwrap();
        assert_eq!(
            s.create_cert_binding(&cert(23, &q, CertMatch::Subject, subject))
                .await,
            Err(StoreError::AlreadyExists)
        );
        // Unique per (kind, value): the same text as the other kind is another binding.
        let c4 = cert(24, &q, CertMatch::Fingerprint, subject);
        s.create_cert_binding(&c4).await.unwrap();
        assert_eq!(
            s.find_cert_binding(CertMatch::Subject, subject)
                .await
                .unwrap(),
            Some(c1.clone())
        );
        assert_eq!(
            s.find_cert_binding(CertMatch::Fingerprint, subject)
                .await
                .unwrap(),
            Some(c4.clone())
        );
        assert_eq!(
            s.find_cert_binding(CertMatch::Fingerprint, fingerprint)
                .await
                .unwrap(),
            Some(c2.clone())
        );
        assert_eq!(
            s.find_cert_binding(CertMatch::Subject, "CN=app")
                .await
                .unwrap(),
            None,
            "exact match only"
        );
        assert_eq!(
            s.cert_bindings_of(p.id).await.unwrap(),
            vec![c1.clone(), c2.clone()]
        );
        assert_eq!(s.cert_bindings_of(q.id).await.unwrap(), vec![c4]);

        assert!(s.delete_cert_binding(c1.id).await.unwrap());
        assert!(!s.delete_cert_binding(c1.id).await.unwrap());
        assert_eq!(
            s.find_cert_binding(CertMatch::Subject, subject)
                .await
                .unwrap(),
            None
        );
        assert_eq!(s.cert_bindings_of(p.id).await.unwrap(), vec![c2]);
        // Free to bind again, to someone else.
        s.create_cert_binding(&cert(25, &q, CertMatch::Subject, subject))
            .await
            .unwrap();
    });
}

#[test]
fn deleting_a_principal_removes_its_tokens_and_bindings() {
    each_backend(|s| async move {
        let p = principal(1, "leaver");
        let q = principal(2, "stayer");
        s.create_principal(&p).await.unwrap();
        s.create_principal(&q).await.unwrap();
        let v = vault(10, "v");
        s.create_vault(&v, &[]).await.unwrap();
        let tp = token(11, &p);
        let tq = token(12, &q);
        s.create_token(&tp).await.unwrap();
        s.create_token(&tq).await.unwrap();
        let bp = binding(v.id, &p, VaultRole::Admin, 1);
        let bq = binding(v.id, &q, VaultRole::Auditor, 2);
        s.create_role_binding(&bp).await.unwrap();
        s.create_role_binding(&bq).await.unwrap();
        let cp = cert(21, &p, CertMatch::Subject, "CN=leaver");
        let cq = cert(22, &q, CertMatch::Subject, "CN=stayer");
        s.create_cert_binding(&cp).await.unwrap();
        s.create_cert_binding(&cq).await.unwrap();

        assert!(s.delete_principal(p.id).await.unwrap());
        assert_eq!(s.get_token(tp.id).await.unwrap(), None);
        assert_eq!(s.get_token_by_hash(&tp.hash).await.unwrap(), None);
        assert!(s.list_tokens(p.id).await.unwrap().is_empty());
        assert!(s.role_bindings_of(p.id).await.unwrap().is_empty());
        assert_eq!(s.role_bindings_in(v.id).await.unwrap(), vec![bq.clone()]);
        assert!(s.cert_bindings_of(p.id).await.unwrap().is_empty());
        assert_eq!(
            s.find_cert_binding(CertMatch::Subject, "CN=leaver")
                .await
                .unwrap(),
            None
        );
        // The other principal keeps everything.
        assert_eq!(s.get_token(tq.id).await.unwrap(), Some(tq));
        assert_eq!(s.role_bindings_of(q.id).await.unwrap(), vec![bq]);
        assert_eq!(s.cert_bindings_of(q.id).await.unwrap(), vec![cq]);
        assert!(s.get_vault(v.id).await.unwrap().is_some());
    });
}
