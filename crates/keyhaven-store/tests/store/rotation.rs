//! Templates, cryptoperiods and automatic rotation on a fake clock, for every key type:
//! activation after the template's delay, deactivation at the end of the cryptoperiod,
//! rotation on interval, ahead of the deactivation date and on use count (cause `policy`), and
//! the crypto policy's refusals on create and rotate.

use std::collections::BTreeMap;

use keyhaven_core::policy::PolicyOverride;
use keyhaven_core::Clock;
use keyhaven_core::{
    Cause, Error, FromTemplate, InitialState, KeyAlgorithm, KeyId, KeyService, KeyState, SignInput,
    TemplateSpec,
};
use time::Duration;

use crate::runtime;
use crate::service::{new_key, tester, vname};

/// Key types with an operation that applies protection.
const TYPES: [KeyAlgorithm; 7] = [
    KeyAlgorithm::Aes256,
    KeyAlgorithm::HmacSha256,
    KeyAlgorithm::Rsa2048,
    KeyAlgorithm::EcP256,
    KeyAlgorithm::Ed25519,
    KeyAlgorithm::MlDsa65,
    KeyAlgorithm::MlKem768,
];

fn spec(alg: KeyAlgorithm) -> TemplateSpec {
    TemplateSpec {
        description: None,
        naming_scheme: Some("{kind}-{seq}".to_owned()),
        algorithm: alg,
        usage: None,
        initial_state: InitialState::Active,
        activate_after: None,
        cryptoperiod: None,
        rotation_interval: None,
        rotate_before: None,
        use_limit: None,
        tags: BTreeMap::new(),
        archived: false,
        keystores: Vec::new(),
    }
}

fn from(kind: &str) -> FromTemplate {
    let mut vars = BTreeMap::new();
    vars.insert("kind".to_owned(), kind.to_owned());
    FromTemplate {
        vars,
        ..FromTemplate::default()
    }
}

/// One application of protection with `id`, whatever its type.
async fn apply_once(svc: &KeyService, id: KeyId, alg: KeyAlgorithm) {
    let c = tester();
    match alg {
        KeyAlgorithm::Aes256 => {
            svc.encrypt(&c, id, b"data", b"").await.unwrap();
        }
        KeyAlgorithm::HmacSha256 => {
            svc.mac(&c, id, b"data").await.unwrap();
        }
        KeyAlgorithm::MlKem768 => {
            svc.encapsulate(&c, id).await.unwrap();
        }
        _ => {
            svc.sign(&c, id, SignInput::Message(b"data"), None)
                .await
                .unwrap();
        }
    }
}

async fn policy_rotations(svc: &KeyService, id: KeyId) -> usize {
    svc.key_history(&tester(), id)
        .await
        .unwrap()
        .iter()
        .filter(|h| h.action == "rotate" && h.cause == Cause::Policy)
        .count()
}

#[test]
fn template_keys_activate_after_delay_and_deactivate_at_cryptoperiod_end() {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let (svc, clock, _) = crate::service_in(dir.path()).await;
        let c = tester();
        svc.create_vault(&c, vname("v"), None, &[]).await.unwrap();
        for alg in TYPES {
            let name = format!("expiring-{}", alg.name());
            let t = spec(alg);
            let t = TemplateSpec {
                activate_after: Some(Duration::days(1)),
                cryptoperiod: Some(Duration::days(30)),
                ..t
            };
            svc.create_template(&c, &vname("v"), name.parse().unwrap(), t)
                .await
                .unwrap();
            let start = clock.now();
            let key = svc
                .create_from_template(&c, &vname("v"), &name, from(alg.name()))
                .await
                .unwrap();
            assert_eq!(key.state, KeyState::PreActive, "{alg}");
            assert_eq!(key.schedule.template.as_deref(), Some(name.as_str()));
            assert_eq!(key.activation_date, Some(start + Duration::days(1)));
            assert_eq!(
                key.deactivation_date,
                Some(start + Duration::days(31)),
                "{alg}: deactivation = activation + cryptoperiod"
            );
            // Not yet.
            clock.advance(Duration::hours(23));
            svc.run_due(100).await.unwrap();
            assert_eq!(
                svc.get_key(&c, key.id).await.unwrap().state,
                KeyState::PreActive
            );
            clock.advance(Duration::hours(1));
            svc.run_due(100).await.unwrap();
            assert_eq!(
                svc.get_key(&c, key.id).await.unwrap().state,
                KeyState::Active
            );
            apply_once(&svc, key.id, alg).await;
            clock.advance(Duration::days(30) - Duration::seconds(1));
            svc.run_due(100).await.unwrap();
            assert_eq!(
                svc.get_key(&c, key.id).await.unwrap().state,
                KeyState::Active
            );
            clock.advance(Duration::seconds(1));
            svc.run_due(100).await.unwrap();
            let k = svc.get_key(&c, key.id).await.unwrap();
            assert_eq!(k.state, KeyState::Deactivated, "{alg}");
            assert_eq!(k.primary_version, 1, "{alg}: no rotation configured");
            let history = svc.key_history(&c, key.id).await.unwrap();
            let actions: Vec<(&str, Cause)> = history
                .iter()
                .map(|h| (h.action.as_str(), h.cause))
                .collect();
            assert_eq!(
                actions,
                [
                    ("create", Cause::Request),
                    ("activate", Cause::Schedule),
                    ("deactivate", Cause::Schedule)
                ],
                "{alg}"
            );
            // Reactivated, it gets a fresh cryptoperiod rather than none.
            let k = svc.reactivate(&c, key.id, None).await.unwrap();
            assert_eq!(
                k.deactivation_date,
                Some(clock.now() + Duration::days(30)),
                "{alg}"
            );
        }
    });
}

#[test]
fn template_keys_rotate_on_interval_and_ahead_of_deactivation() {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let (svc, clock, _) = crate::service_in(dir.path()).await;
        let c = tester();
        svc.create_vault(&c, vname("v"), None, &[]).await.unwrap();
        for alg in TYPES {
            // Interval: every 7 days; each rotation renews the 30-day cryptoperiod.
            let name = format!("weekly-{}", alg.name());
            let t = TemplateSpec {
                rotation_interval: Some(Duration::days(7)),
                cryptoperiod: Some(Duration::days(30)),
                ..spec(alg)
            };
            svc.create_template(&c, &vname("v"), name.parse().unwrap(), t)
                .await
                .unwrap();
            let key = svc
                .create_from_template(&c, &vname("v"), &name, from(&format!("w-{}", alg.name())))
                .await
                .unwrap();
            assert_eq!(key.state, KeyState::Active);
            let created = key.created_at;
            assert_eq!(
                key.schedule.next_rotation_at,
                Some(created + Duration::days(7))
            );
            clock.advance(Duration::days(7) - Duration::seconds(1));
            svc.run_due(100).await.unwrap();
            assert_eq!(svc.get_key(&c, key.id).await.unwrap().primary_version, 1);
            clock.advance(Duration::seconds(1));
            svc.run_due(100).await.unwrap();
            let k = svc.get_key(&c, key.id).await.unwrap();
            assert_eq!(k.primary_version, 2, "{alg}: rotated on interval");
            let now = created + Duration::days(7);
            assert_eq!(k.schedule.next_rotation_at, Some(now + Duration::days(7)));
            assert_eq!(k.deactivation_date, Some(now + Duration::days(30)));
            apply_once(&svc, key.id, alg).await;
            clock.advance(Duration::days(7));
            svc.run_due(100).await.unwrap();
            let k = svc.get_key(&c, key.id).await.unwrap();
            assert_eq!(k.primary_version, 3, "{alg}");
            assert_eq!(k.state, KeyState::Active);
            assert_eq!(policy_rotations(&svc, key.id).await, 2, "{alg}");

            // Ahead of the deactivation date: cryptoperiod 10 days, rotate 2 days before.
            let name = format!("renewing-{}", alg.name());
            let t = TemplateSpec {
                cryptoperiod: Some(Duration::days(10)),
                rotate_before: Some(Duration::days(2)),
                ..spec(alg)
            };
            svc.create_template(&c, &vname("v"), name.parse().unwrap(), t)
                .await
                .unwrap();
            let key = svc
                .create_from_template(&c, &vname("v"), &name, from(&format!("r-{}", alg.name())))
                .await
                .unwrap();
            let created = key.created_at;
            assert_eq!(key.deactivation_date, Some(created + Duration::days(10)));
            clock.advance(Duration::days(8) - Duration::seconds(1));
            svc.run_due(100).await.unwrap();
            assert_eq!(svc.get_key(&c, key.id).await.unwrap().primary_version, 1);
            clock.advance(Duration::seconds(1));
            svc.run_due(100).await.unwrap();
            let k = svc.get_key(&c, key.id).await.unwrap();
            assert_eq!(k.primary_version, 2, "{alg}: rotated ahead of deactivation");
            assert_eq!(k.state, KeyState::Active);
            assert_eq!(
                k.deactivation_date,
                Some(created + Duration::days(18)),
                "{alg}: the rotation renewed the cryptoperiod"
            );
            assert_eq!(policy_rotations(&svc, key.id).await, 1, "{alg}");
            // Older versions still process: the key's first signature or ciphertext still
            // verifies or decrypts is covered by the crypto tests; here the state suffices.
        }
    });
}

#[test]
fn keys_rotate_on_use_count_without_a_write_per_operation() {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let (svc, _clock, store) = crate::service_in(dir.path()).await;
        let c = tester();
        svc.create_vault(&c, vname("v"), None, &[]).await.unwrap();
        for alg in TYPES {
            let name = format!("limited-{}", alg.name());
            let t = TemplateSpec {
                use_limit: Some(5),
                ..spec(alg)
            };
            svc.create_template(&c, &vname("v"), name.parse().unwrap(), t)
                .await
                .unwrap();
            let key = svc
                .create_from_template(&c, &vname("v"), &name, from(&format!("u-{}", alg.name())))
                .await
                .unwrap();
            for _ in 0..4 {
                apply_once(&svc, key.id, alg).await;
            }
            // Nothing is written until the job flushes.
            let v1 = keyhaven_core::Store::get_version(&store, key.id, 1)
                .await
                .unwrap();
            assert!(v1.is_some());
            svc.flush_last_used().await.unwrap();
            assert_eq!(
                svc.get_key(&c, key.id).await.unwrap().primary_version,
                1,
                "{alg}"
            );
            apply_once(&svc, key.id, alg).await;
            svc.flush_last_used().await.unwrap();
            let k = svc.get_key(&c, key.id).await.unwrap();
            assert_eq!(k.primary_version, 2, "{alg}: rotated at 5 uses");
            assert!(k.last_used_at.is_some());
            assert_eq!(policy_rotations(&svc, key.id).await, 1, "{alg}");
            let history = svc.key_history(&c, key.id).await.unwrap();
            let reason = history
                .iter()
                .rev()
                .find(|h| h.action == "rotate")
                .and_then(|h| h.reason.clone())
                .unwrap_or_default();
            assert!(reason.contains("5 times"), "{alg}: {reason}");
            // The new version starts from zero.
            for _ in 0..4 {
                apply_once(&svc, key.id, alg).await;
            }
            svc.flush_last_used().await.unwrap();
            assert_eq!(svc.get_key(&c, key.id).await.unwrap().primary_version, 2);
        }
    });
}

#[test]
fn policy_refuses_weak_keys_and_vault_overrides_tighten_it() {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let (svc, clock, _) = crate::service_in(dir.path()).await;
        let c = tester();
        svc.create_vault(&c, vname("v"), None, &[]).await.unwrap();
        svc.create_vault(&c, vname("strict"), None, &[]).await.unwrap();
        // RSA-1024 and 3DES are not even implemented; the policy names the rule.
        for name in ["RSA-1024", "3DES"] {
            match svc.legacy_algorithm_refusal(&vname("v"), name).await {
                Some(Error::PolicyViolation { rule, message }) => {
                    assert!(!rule.is_empty() && !message.is_empty(), "{name}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        assert!(svc.legacy_algorithm_refusal(&vname("v"), "AES-256").await.is_none());
        // RSA-2048 is accepted in 2026.
        svc.create_key(
            &c,
            new_key("v", "rsa", KeyAlgorithm::Rsa2048, InitialState::Active),
        )
        .await
        .unwrap();
        let rsa_template = spec(KeyAlgorithm::Rsa2048);
        svc.create_template(&c, &vname("strict"), "rsa".parse().unwrap(), rsa_template.clone())
            .await
            .unwrap();
        // A vault that demands 128-bit strength refuses it, and takes P-256.
        let tight = PolicyOverride::from_json(r#"{"min_strength": 128}"#).unwrap();
        svc.set_vault_policy(&c, &vname("strict"), tight).await.unwrap();
        let refused = svc
            .create_key(
                &c,
                new_key("strict", "rsa", KeyAlgorithm::Rsa2048, InitialState::Active),
            )
            .await;
        assert!(
            matches!(&refused, Err(Error::PolicyViolation { rule, .. }) if rule.contains("strength")),
            "{refused:?}"
        );
        svc.create_key(
            &c,
            new_key("strict", "ec", KeyAlgorithm::EcP256, InitialState::Active),
        )
        .await
        .unwrap();
        // Templates cannot get around it: one written before the override makes nothing now,
        // and a new one is refused when written.
        let r = svc
            .create_from_template(&c, &vname("strict"), "rsa", from("x"))
            .await;
        assert!(matches!(r, Err(Error::PolicyViolation { .. })), "{r:?}");
        let r = svc
            .create_template(&c, &vname("strict"), "rsa2".parse().unwrap(), rsa_template)
            .await;
        assert!(matches!(r, Err(Error::PolicyViolation { .. })), "{r:?}");
        // A cryptoperiod longer than the class allows is refused.
        let long = TemplateSpec {
            cryptoperiod: Some(Duration::days(3650)),
            ..spec(KeyAlgorithm::Aes256)
        };
        let r = svc
            .create_template(&c, &vname("v"), "long".parse().unwrap(), long)
            .await;
        assert!(
            matches!(&r, Err(Error::PolicyViolation { rule, .. }) if rule.starts_with("max-cryptoperiod")),
            "{r:?}"
        );
        // After 2030 the policy refuses rotating an RSA-2048 key: migrate instead.
        let rsa = svc
            .list_keys(&c, Default::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|k| k.algorithm == KeyAlgorithm::Rsa2048 && k.vault_name.as_str() == "v")
            .unwrap();
        clock.set(time::macros::datetime!(2031-02-01 00:00 UTC));
        let r = svc.rotate(&c, rsa.id, None).await;
        assert!(matches!(r, Err(Error::PolicyViolation { .. })), "{r:?}");
        // An automatic rotation the policy refuses is postponed a day, not retried every tick.
        clock.set(time::macros::datetime!(2030-06-01 00:00 UTC));
        let mut rotating = new_key("v", "rsa-rotating", KeyAlgorithm::Rsa2048, InitialState::Active);
        rotating.extras.schedule.rotation_interval = Some(Duration::days(365));
        let rotating = svc.create_key(&c, rotating).await.unwrap();
        clock.set(time::macros::datetime!(2031-06-01 00:00 UTC));
        svc.run_due(100).await.unwrap();
        let k = svc.get_key(&c, rotating.id).await.unwrap();
        assert_eq!(k.primary_version, 1);
        assert_eq!(
            k.schedule.next_rotation_at,
            Some(time::macros::datetime!(2031-06-02 00:00 UTC))
        );
        let last = svc.key_history(&c, rotating.id).await.unwrap().pop().unwrap();
        assert_eq!((last.action.as_str(), last.cause), ("rotation-postponed", Cause::Policy));
        assert!(last.reason.unwrap_or_default().contains("policy"));
        clock.set(time::macros::datetime!(2031-02-01 00:00 UTC));
        // Archived templates create nothing.
        let mut archived = spec(KeyAlgorithm::Aes256);
        archived.archived = true;
        svc.create_template(&c, &vname("v"), "old".parse().unwrap(), archived)
            .await
            .unwrap();
        let r = svc
            .create_from_template(&c, &vname("v"), "old", from("x"))
            .await;
        assert!(matches!(r, Err(Error::InvalidRequest(m)) if m.contains("archived")));
    });
}
