#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

use super::*;
use crate::algorithm::KeyAlgorithm;
use crate::lifecycle::KeyState;
use crate::usage::UsageMask;

const MID_2026: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

fn spec(p: Primitive, bits: u32, label: &str) -> AlgorithmSpec {
    AlgorithmSpec::new(p, bits, label)
}

fn check(
    policy: &CryptoPolicy,
    spec: AlgorithmSpec,
    class: KeyClass,
    now: OffsetDateTime,
) -> Result<(), Violation> {
    policy.check_new_key(
        &NewKeyCheck {
            spec,
            class,
            cryptoperiod: None,
            rotation_interval: None,
            operation: "create",
        },
        now,
    )
}

fn of(alg: KeyAlgorithm) -> AlgorithmSpec {
    AlgorithmSpec::of(alg).unwrap()
}

#[test]
fn builtin_parses_and_round_trips() {
    let parsed = CryptoPolicy::from_json(BUILTIN_JSON).unwrap();
    let p = CryptoPolicy::builtin();
    assert_eq!(p, parsed);
    assert_eq!(p.name(), "keyhaven-default");
    assert_ne!(p.name(), "keyhaven-strict-fallback");
    assert_eq!(p.min_strength(), 112);
    let again = CryptoPolicy::from_json(&p.to_json()).unwrap();
    assert_eq!(again, p);
    // Through serde too (try_from validates).
    let via_serde: CryptoPolicy = serde_json::from_str(&p.to_json()).unwrap();
    assert_eq!(via_serde, p);
    assert_eq!(
        p.max_cryptoperiod(KeyClass::SymmetricEncryption),
        Some(Duration::days(731))
    );
    assert_eq!(
        p.max_cryptoperiod(KeyClass::PrivateSigning),
        Some(Duration::days(1096))
    );
    assert_eq!(p.max_cryptoperiod(KeyClass::PublicKey), None);
    assert_eq!(
        p.default_use_limit(&of(KeyAlgorithm::Aes256)),
        Some(1 << 30)
    );
    assert_eq!(p.default_use_limit(&of(KeyAlgorithm::EcP256)), None);
}

#[test]
fn strict_fallback_is_valid_and_strict() {
    let fallback = CryptoPolicy::try_from(document::strict_fallback()).unwrap();
    assert!(check(
        &fallback,
        of(KeyAlgorithm::Aes256),
        KeyClass::SymmetricEncryption,
        MID_2026
    )
    .is_ok());
    let r = check(
        &fallback,
        of(KeyAlgorithm::Aes128),
        KeyClass::SymmetricEncryption,
        MID_2026,
    );
    assert_eq!(r.unwrap_err().rule, UNKNOWN_ALGORITHM);
}

#[test]
fn every_keyhaven_algorithm_is_known_and_acceptable_in_2026() {
    let p = CryptoPolicy::builtin();
    for alg in KeyAlgorithm::ALL {
        let Some(s) = AlgorithmSpec::of(alg) else {
            assert_eq!(alg, KeyAlgorithm::Opaque);
            continue;
        };
        let a = p.assess(&s, MID_2026);
        assert_ne!(a.rule, UNKNOWN_ALGORITHM, "{alg:?}");
        assert_eq!(a.apply, Status::Acceptable, "{alg:?}");
        assert!(a.strength >= 112, "{alg:?}");
        let class = KeyClass::of(alg, UsageMask::empty());
        assert!(check(&p, s, class, MID_2026).is_ok(), "{alg:?}");
    }
}

#[test]
fn strengths_follow_sp800_57_table_2() {
    let p = CryptoPolicy::builtin();
    let cases = [
        (Primitive::Rsa, 512, 64),
        (Primitive::Rsa, 1024, 80),
        (Primitive::Rsa, 2048, 112),
        (Primitive::Rsa, 3072, 128),
        (Primitive::Rsa, 4096, 128),
        (Primitive::Rsa, 7680, 192),
        (Primitive::Rsa, 15360, 256),
        (Primitive::Dh, 2048, 112),
        (Primitive::Dsa, 3072, 128),
        (Primitive::Ecdsa, 192, 80),
        (Primitive::Ecdsa, 224, 112),
        (Primitive::Ecdsa, 256, 128),
        (Primitive::Ecdsa, 384, 192),
        (Primitive::Ecdsa, 521, 256),
        (Primitive::EdDsa, 448, 192),
        (Primitive::Aes, 128, 128),
        (Primitive::Tdea, 168, 112),
        (Primitive::Tdea, 112, 80),
        (Primitive::Hmac, 160, 128),
        (Primitive::Hmac, 256, 256),
        (Primitive::MlDsa, 44, 128),
        (Primitive::MlDsa, 65, 192),
        (Primitive::MlKem, 512, 128),
        (Primitive::MlKem, 1024, 256),
    ];
    for (prim, bits, strength) in cases {
        let a = p.assess(&spec(prim, bits, "x"), MID_2026);
        assert_eq!(a.strength, strength, "{prim} {bits}");
    }
}

#[test]
fn rsa_1024_and_tdea_are_refused_for_new_keys() {
    let p = CryptoPolicy::builtin();
    let enc = KeyClass::SymmetricEncryption;
    let r = check(
        &p,
        spec(Primitive::Rsa, 1024, "RSA-1024"),
        KeyClass::PrivateSigning,
        MID_2026,
    )
    .unwrap_err();
    assert_eq!(r.rule, "algorithm-disallowed:rsa");
    assert!(
        r.message.contains("RSA-1024") && r.message.contains("use "),
        "{}",
        r.message
    );
    let r = check(&p, spec(Primitive::Tdea, 168, "3DES"), enc, MID_2026).unwrap_err();
    assert_eq!(r.rule, "algorithm-disallowed:tdea");
    assert!(r.message.contains("AES-256"), "{}", r.message);
    let r = check(&p, spec(Primitive::Tdea, 112, "2TDEA"), enc, MID_2026).unwrap_err();
    assert_eq!(r.rule, "algorithm-disallowed:tdea");
    // Three-key TDEA was deprecated, not disallowed, in 2023; processing stays legacy use.
    let a = p.assess(
        &spec(Primitive::Tdea, 168, "3DES"),
        datetime!(2023-06-01 0:00 UTC),
    );
    assert_eq!(a.apply, Status::Deprecated);
    assert_eq!(a.apply_until, Some(date!(2023 - 12 - 31)));
    assert_eq!(a.process, Status::LegacyUse);
    assert!(check(
        &p,
        spec(Primitive::Tdea, 168, "3DES"),
        enc,
        datetime!(2023-06-01 0:00 UTC)
    )
    .is_ok());
    // An unknown size is disallowed under its own rule id.
    let a = p.assess(&spec(Primitive::Aes, 160, "AES-160"), MID_2026);
    assert_eq!(
        (a.rule.as_str(), a.apply),
        (UNKNOWN_ALGORITHM, Status::Disallowed)
    );
    let r = check(&p, spec(Primitive::Other, 1, "ROT13"), enc, MID_2026).unwrap_err();
    assert_eq!(r.rule, UNKNOWN_ALGORITHM);
}

#[test]
fn rsa_2048_is_accepted_until_2030_and_quantum_vulnerable() {
    let p = CryptoPolicy::builtin();
    let rsa = of(KeyAlgorithm::Rsa2048);
    let a = p.assess(&rsa, MID_2026);
    assert_eq!(
        (a.strength, a.apply, a.process),
        (112, Status::Acceptable, Status::Acceptable)
    );
    assert_eq!(a.rule, "rsa-2048");
    assert_eq!(a.apply_until, Some(date!(2030 - 12 - 31)));
    let q = a.quantum.unwrap();
    assert_eq!(q.deprecated_after, date!(2030 - 12 - 31));
    assert_eq!(q.disallowed_after, date!(2035 - 12 - 31));
    assert!(check(&p, rsa.clone(), KeyClass::PrivateSigning, MID_2026).is_ok());
    // The last day of 2030 still accepts; the first of 2031 does not.
    assert!(check(
        &p,
        rsa.clone(),
        KeyClass::PrivateSigning,
        datetime!(2030-12-31 23:59 UTC)
    )
    .is_ok());
    let r = check(
        &p,
        rsa.clone(),
        KeyClass::PrivateSigning,
        datetime!(2031-01-01 0:00 UTC),
    )
    .unwrap_err();
    assert_eq!(r.rule, "algorithm-disallowed:rsa");
    let a = p.assess(&rsa, datetime!(2031-01-01 0:00 UTC));
    assert_eq!(
        (a.apply, a.process),
        (Status::Disallowed, Status::LegacyUse)
    );
    // Above 112 bits, IR 8547 disallows after 2035.
    let big = of(KeyAlgorithm::Rsa3072);
    assert_eq!(
        p.assess(&big, datetime!(2033-01-01 0:00 UTC)).apply,
        Status::Acceptable
    );
    assert_eq!(
        p.assess(&big, MID_2026).apply_until,
        Some(date!(2035 - 12 - 31))
    );
    let late = p.assess(&big, datetime!(2036-01-01 0:00 UTC));
    assert_eq!(
        (late.apply, late.process),
        (Status::Disallowed, Status::LegacyUse)
    );
    // Post-quantum and symmetric algorithms are not quantum-vulnerable.
    for alg in [
        KeyAlgorithm::Aes128,
        KeyAlgorithm::HmacSha256,
        KeyAlgorithm::MlKem768,
        KeyAlgorithm::MlDsa44,
    ] {
        assert_eq!(p.assess(&of(alg), MID_2026).quantum, None, "{alg:?}");
    }
    assert!(p
        .assess(&of(KeyAlgorithm::Ed25519), MID_2026)
        .quantum
        .is_some());
}

#[test]
fn an_override_tightens_min_strength() {
    let base = CryptoPolicy::builtin();
    let o = PolicyOverride::from_json(r#"{"min_strength": 128}"#).unwrap();
    let p = base.with_override(&o);
    assert_eq!(p.min_strength(), 128);
    assert_eq!(p.name(), "keyhaven-default+override");
    let r = check(
        &p,
        of(KeyAlgorithm::Rsa2048),
        KeyClass::PrivateSigning,
        MID_2026,
    )
    .unwrap_err();
    assert_eq!(r.rule, "min-strength");
    assert!(r.message.contains("RSA-3072"), "{}", r.message);
    assert!(check(
        &p,
        of(KeyAlgorithm::EcP256),
        KeyClass::PrivateSigning,
        MID_2026
    )
    .is_ok());
    assert!(check(
        &p,
        of(KeyAlgorithm::Aes128),
        KeyClass::SymmetricEncryption,
        MID_2026
    )
    .is_ok());
    // The effective policy is itself a valid document.
    assert_eq!(CryptoPolicy::from_json(&p.to_json()).unwrap(), p);
}

#[test]
fn an_override_cannot_loosen() {
    let base = CryptoPolicy::builtin();
    let o = PolicyOverride::from_json(
        r#"{"min_strength": 80, "max_age_days": 36500, "unused_days": 9999,
            "usage_warn_percent": 100, "quantum_warn_days": 0,
            "refuse_deprecated": false,
            "classes": {"symmetric-encryption": {"max_cryptoperiod_days": 3650, "require_rotation": false}},
            "restrictions": {"rsa": {"apply": "acceptable", "use_limit": 1}}}"#,
    )
    .unwrap();
    let p = base.with_override(&o);
    assert_eq!(p.min_strength(), 112);
    let d = p.document();
    assert_eq!(d.max_age_days, Some(1827));
    assert_eq!(d.unused_days, Some(90));
    assert_eq!(d.usage_warn_percent, 80);
    assert_eq!(d.quantum_warn_days, 1826);
    assert!(!d.refuse_deprecated);
    assert_eq!(
        p.max_cryptoperiod(KeyClass::SymmetricEncryption),
        Some(Duration::days(731))
    );
    assert!(check(
        &p,
        spec(Primitive::Rsa, 1024, "RSA-1024"),
        KeyClass::PrivateSigning,
        MID_2026
    )
    .is_err());
    // The use limit is a tightening and applies.
    assert_eq!(p.default_use_limit(&of(KeyAlgorithm::Rsa2048)), Some(1));
}

#[test]
fn override_restrictions_and_flags_tighten() {
    let base = CryptoPolicy::builtin();
    let o = PolicyOverride::from_json(
        r#"{"name": "pci", "restrictions": {"ecdsa": {"apply": "disallowed"}},
            "refuse_quantum_vulnerable": true,
            "classes": {"symmetric-encryption": {"max_cryptoperiod_days": 365, "require_rotation": true}}}"#,
    )
    .unwrap();
    let p = base.with_override(&o);
    assert_eq!(p.name(), "keyhaven-default+pci");
    let r = check(
        &p,
        of(KeyAlgorithm::EcP384),
        KeyClass::PrivateSigning,
        MID_2026,
    )
    .unwrap_err();
    assert_eq!(r.rule, "algorithm-disallowed:ecdsa");
    let r = check(
        &p,
        of(KeyAlgorithm::Rsa4096),
        KeyClass::PrivateSigning,
        MID_2026,
    )
    .unwrap_err();
    assert_eq!(r.rule, "quantum-vulnerable:rsa");
    assert!(r.message.contains("ML-DSA-65"), "{}", r.message);
    assert!(check(
        &p,
        of(KeyAlgorithm::MlDsa65),
        KeyClass::PrivateSigning,
        MID_2026
    )
    .is_ok());
    let r = check(
        &p,
        of(KeyAlgorithm::Aes256),
        KeyClass::SymmetricEncryption,
        MID_2026,
    )
    .unwrap_err();
    assert_eq!(r.rule, "rotation-required:symmetric-encryption");
    assert!(r.message.contains("365 days"), "{}", r.message);
    let req = NewKeyCheck {
        spec: of(KeyAlgorithm::Aes256),
        class: KeyClass::SymmetricEncryption,
        cryptoperiod: Some(Duration::days(365)),
        rotation_interval: Some(Duration::days(90)),
        operation: "create",
    };
    assert!(p.check_new_key(&req, MID_2026).is_ok());
    let slow = NewKeyCheck {
        rotation_interval: Some(Duration::days(400)),
        ..req
    };
    assert_eq!(
        p.check_new_key(&slow, MID_2026).unwrap_err().rule,
        "max-rotation-interval:symmetric-encryption"
    );
}

#[test]
fn cryptoperiod_above_the_class_maximum_is_refused() {
    let p = CryptoPolicy::builtin();
    let mut req = NewKeyCheck {
        spec: of(KeyAlgorithm::Aes256),
        class: KeyClass::SymmetricEncryption,
        cryptoperiod: Some(Duration::days(3650)),
        rotation_interval: None,
        operation: "import",
    };
    let v = p.check_new_key(&req, MID_2026).unwrap_err();
    assert_eq!(v.rule, "max-cryptoperiod:symmetric-encryption");
    assert!(
        v.message.starts_with("import refused") && v.message.contains("731 days"),
        "{}",
        v.message
    );
    req.cryptoperiod = Some(Duration::days(731));
    assert!(p.check_new_key(&req, MID_2026).is_ok());
    req.spec = of(KeyAlgorithm::EcP256);
    req.class = KeyClass::PrivateSigning;
    req.cryptoperiod = Some(Duration::days(1000));
    assert!(p.check_new_key(&req, MID_2026).is_ok());
    req.cryptoperiod = Some(Duration::days(1200));
    assert_eq!(
        p.check_new_key(&req, MID_2026).unwrap_err().rule,
        "max-cryptoperiod:private-signing"
    );
    // A rotation interval longer than the cryptoperiod limit is refused too.
    req.cryptoperiod = None;
    req.rotation_interval = Some(Duration::days(1200));
    assert_eq!(
        p.check_new_key(&req, MID_2026).unwrap_err().rule,
        "max-rotation-interval:private-signing"
    );
}

#[test]
fn from_json_names_the_bad_field() {
    let err =
        CryptoPolicy::from_json(&BUILTIN_JSON.replacen("\"min_strength\"", "\"min_strenght\"", 1))
            .unwrap_err();
    assert!(err.contains("unknown field `min_strenght`"), "{err}");
    let err =
        CryptoPolicy::from_json(&BUILTIN_JSON.replacen("2023-12-31", "2023-13-31", 1)).unwrap_err();
    assert!(err.contains("algorithms[3].apply[0].through"), "{err}");
    assert!(err.contains("2023-13-31"), "{err}");
    let err =
        CryptoPolicy::from_json(&BUILTIN_JSON.replacen("2023-12-31", "31/12/2023", 1)).unwrap_err();
    assert!(
        err.contains("through") && err.contains("YYYY-MM-DD"),
        "{err}"
    );
    let err = CryptoPolicy::from_json(&BUILTIN_JSON.replacen(
        "\"status\": \"deprecated\"",
        "\"status\": \"frowned-upon\"",
        1,
    ))
    .unwrap_err();
    assert!(err.contains("algorithms[3].apply[0].status"), "{err}");
    let err = CryptoPolicy::from_json(&BUILTIN_JSON.replacen(
        "\"quantum_warn_days\": 1826",
        "\"quantum_warn_days\": -1",
        1,
    ))
    .unwrap_err();
    assert!(err.starts_with("quantum_warn_days"), "{err}");
    let err = CryptoPolicy::from_json(&BUILTIN_JSON.replacen(
        "\"symmetric-encryption\"",
        "\"symmetric-encryptoin\"",
        1,
    ))
    .unwrap_err();
    assert!(
        err.contains("classes") && err.contains("symmetric-encryptoin"),
        "{err}"
    );
    // Checks after parsing name the field too.
    let err = CryptoPolicy::from_json(&BUILTIN_JSON.replacen(
        "\"min_strength\": 112",
        "\"min_strength\": 1000",
        1,
    ))
    .unwrap_err();
    assert!(err.starts_with("min_strength: 1000"), "{err}");
    let err = CryptoPolicy::from_json(&BUILTIN_JSON.replacen(
        "\"max_cryptoperiod_days\": 731",
        "\"max_cryptoperiod_days\": 0",
        1,
    ))
    .unwrap_err();
    assert!(
        err.starts_with("classes.symmetric-encryption.max_cryptoperiod_days"),
        "{err}"
    );
    let err = CryptoPolicy::from_json(&BUILTIN_JSON.replacen(
        "\"id\": \"aes-192\"",
        "\"id\": \"aes-128\"",
        1,
    ))
    .unwrap_err();
    assert!(err.starts_with("algorithms[1].id"), "{err}");
    let err = CryptoPolicy::from_json(&BUILTIN_JSON.replacen(
        "{ \"status\": \"disallowed\" }\n      ],\n      \"process\": [{ \"status\": \"legacy-use\" }],\n      \"source\": \"SP 800-131A Rev2 section 2, Table 1: three-key",
        "{ \"status\": \"disallowed\", \"through\": \"2040-01-01\" }\n      ],\n      \"process\": [{ \"status\": \"legacy-use\" }],\n      \"source\": \"SP 800-131A Rev2 section 2, Table 1: three-key",
        1,
    ))
    .unwrap_err();
    assert!(
        err.starts_with("algorithms[3] (tdea-3key).apply[1].through"),
        "{err}"
    );
    let err = CryptoPolicy::from_json("{\"format\": 1").unwrap_err();
    assert!(err.contains("EOF"), "{err}");
    let err = CryptoPolicy::from_json(&BUILTIN_JSON.replacen("\"format\": 1", "\"format\": 2", 1))
        .unwrap_err();
    assert!(err.starts_with("format: 2"), "{err}");
    // Missing required fields say which object lacks them.
    let err = CryptoPolicy::from_json(r#"{"format": 1, "name": "x", "min_strength": 112, "algorithms": [{"id": "a", "primitives": ["aes"], "apply": []}]}"#)
        .unwrap_err();
    assert!(
        err.contains("algorithms[0]") && err.contains("missing field `process`"),
        "{err}"
    );
}

#[test]
fn override_from_json_is_checked() {
    let err = PolicyOverride::from_json(r#"{"min_strenght": 128}"#).unwrap_err();
    assert!(err.contains("unknown field `min_strenght`"), "{err}");
    let err =
        PolicyOverride::from_json(r#"{"classes": {"private-signing": {"max_cryptoperiod": 10}}}"#)
            .unwrap_err();
    assert!(
        err.contains("classes.private-signing") && err.contains("max_cryptoperiod"),
        "{err}"
    );
    let err = PolicyOverride::from_json(r#"{"usage_warn_percent": 0}"#).unwrap_err();
    assert!(err.starts_with("usage_warn_percent: 0"), "{err}");
    let err = PolicyOverride::from_json(r#"{"restrictions": {"rsa": {"apply": "forbidden"}}}"#)
        .unwrap_err();
    assert!(err.contains("restrictions.rsa.apply"), "{err}");
    let o = PolicyOverride::from_json(
        r#"{"min_strength": 128, "restrictions": {"ml-kem": {"use_limit": 5}}}"#,
    )
    .unwrap();
    assert_eq!(PolicyOverride::from_json(&o.to_json()).unwrap(), o);
    assert!(!o.to_json().contains("max_age_days"));
    assert_eq!(
        PolicyOverride::from_json("{}").unwrap(),
        PolicyOverride::default()
    );
}

#[test]
fn key_classes() {
    let u = |names: &[&str]| UsageMask::from_names(names.iter().copied()).unwrap();
    assert_eq!(
        KeyClass::of(KeyAlgorithm::Aes256, u(&["encrypt", "decrypt"])),
        KeyClass::SymmetricEncryption
    );
    assert_eq!(
        KeyClass::of(KeyAlgorithm::Aes256, u(&["wrap", "unwrap"])),
        KeyClass::SymmetricKeyWrapping
    );
    assert_eq!(
        KeyClass::of(KeyAlgorithm::Aes256, u(&["mac-generate"])),
        KeyClass::SymmetricAuthentication
    );
    assert_eq!(
        KeyClass::of(KeyAlgorithm::HmacSha256, u(&["mac-generate", "mac-verify"])),
        KeyClass::SymmetricAuthentication
    );
    assert_eq!(
        KeyClass::of(KeyAlgorithm::HmacSha256, u(&["derive-key"])),
        KeyClass::Other
    );
    assert_eq!(
        KeyClass::of(KeyAlgorithm::Rsa2048, u(&["sign", "verify"])),
        KeyClass::PrivateSigning
    );
    assert_eq!(
        KeyClass::of(KeyAlgorithm::Rsa2048, u(&["encrypt", "decrypt"])),
        KeyClass::PrivateKeyTransport
    );
    assert_eq!(
        KeyClass::of(KeyAlgorithm::Rsa2048, u(&["verify"])),
        KeyClass::PublicKey
    );
    assert_eq!(
        KeyClass::of(KeyAlgorithm::EcP256, u(&["derive-key"])),
        KeyClass::PrivateKeyAgreement
    );
    assert_eq!(
        KeyClass::of(KeyAlgorithm::Ed25519, u(&["sign"])),
        KeyClass::PrivateSigning
    );
    assert_eq!(
        KeyClass::of(KeyAlgorithm::MlKem768, u(&["wrap", "unwrap"])),
        KeyClass::PrivateKeyTransport
    );
    assert_eq!(
        KeyClass::of(KeyAlgorithm::Opaque, UsageMask::empty()),
        KeyClass::Other
    );
    for c in KeyClass::ALL {
        assert_eq!(KeyClass::parse(c.name()), Some(c));
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            format!("\"{}\"", c.name())
        );
    }
    for p in Primitive::ALL {
        assert_eq!(Primitive::parse(p.name()), Some(p));
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            format!("\"{}\"", p.name())
        );
    }
    for s in Status::ALL {
        assert_eq!(Status::parse(s.name()), Some(s));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            format!("\"{}\"", s.name())
        );
    }
    for k in FindingKind::ALL {
        assert_eq!(FindingKind::parse(k.name()), Some(k));
        assert_eq!(
            serde_json::to_string(&k).unwrap(),
            format!("\"{}\"", k.name())
        );
    }
    for s in Severity::ALL {
        assert_eq!(Severity::parse(s.name()), Some(s));
    }
    assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
    assert!(Status::Disallowed > Status::LegacyUse && Status::Deprecated > Status::Acceptable);
}

/// A compliant AES-256 key in mid-2026.
fn clean() -> Subject<'static> {
    Subject {
        spec: Some(of(KeyAlgorithm::Aes256)),
        class: KeyClass::SymmetricEncryption,
        state: KeyState::Active,
        created_at: datetime!(2026-01-01 0:00 UTC),
        activation_date: Some(datetime!(2026-01-01 0:00 UTC)),
        deactivation_date: Some(datetime!(2027-12-31 0:00 UTC)),
        destroy_at: None,
        last_used_at: Some(datetime!(2026-05-30 0:00 UTC)),
        primary_created_at: datetime!(2026-01-01 0:00 UTC),
        rotation_interval: Some(Duration::days(365)),
        next_rotation_at: Some(datetime!(2027-01-01 0:00 UTC)),
        uses_of_primary: 1000,
        use_limit: None,
        name: "payments",
    }
}

fn kinds(p: &CryptoPolicy, s: &Subject<'_>, now: OffsetDateTime) -> Vec<(FindingKind, Severity)> {
    p.findings(s, now)
        .iter()
        .map(|f| (f.kind, f.severity))
        .collect()
}

fn only(p: &CryptoPolicy, s: &Subject<'_>, now: OffsetDateTime, kind: FindingKind) -> Finding {
    let all = p.findings(s, now);
    let mut of_kind: Vec<Finding> = all.iter().filter(|f| f.kind == kind).cloned().collect();
    assert_eq!(of_kind.len(), 1, "{kind}: {all:#?}");
    let f = of_kind.remove(0);
    assert!(!f.message.is_empty() && !f.remediation.is_empty());
    assert!(f.message.starts_with("payments: "), "{}", f.message);
    f
}

#[test]
fn a_clean_key_has_no_findings() {
    let p = CryptoPolicy::builtin();
    assert_eq!(kinds(&p, &clean(), MID_2026), vec![]);
    // Non-key objects get no algorithm or use findings.
    let object = Subject {
        spec: None,
        class: KeyClass::Other,
        last_used_at: None,
        rotation_interval: None,
        next_rotation_at: None,
        ..clean()
    };
    assert_eq!(kinds(&p, &object, MID_2026), vec![]);
}

#[test]
fn each_finding_kind() {
    let p = CryptoPolicy::builtin();
    let now = MID_2026;

    let weak = Subject {
        spec: Some(spec(Primitive::Rsa, 1024, "RSA-1024")),
        class: KeyClass::PrivateSigning,
        ..clean()
    };
    assert_eq!(
        only(&p, &weak, now, FindingKind::Weak).severity,
        Severity::High
    );
    let weaker = Subject {
        spec: Some(spec(Primitive::Rsa, 512, "RSA-512")),
        ..weak.clone()
    };
    assert_eq!(
        only(&p, &weaker, now, FindingKind::Weak).severity,
        Severity::Critical
    );

    let f = only(&p, &weak, now, FindingKind::Disallowed);
    assert_eq!(f.severity, Severity::Critical);
    assert!(f.remediation.contains("ML-DSA-65"), "{}", f.remediation);
    let retired = Subject {
        state: KeyState::Deactivated,
        ..weak.clone()
    };
    let f = only(&p, &retired, now, FindingKind::Disallowed);
    assert_eq!(f.severity, Severity::Low);
    assert!(f.remediation.contains("legacy use"), "{}", f.remediation);

    let sha1 = Subject {
        spec: Some(spec(Primitive::Hmac, 160, "HMAC-SHA-1")),
        class: KeyClass::SymmetricAuthentication,
        ..clean()
    };
    let f = only(&p, &sha1, now, FindingKind::Deprecated);
    assert_eq!(
        (f.severity, f.deadline),
        (Severity::Medium, Some(date!(2030 - 12 - 31)))
    );

    let rsa = Subject {
        spec: Some(of(KeyAlgorithm::Rsa2048)),
        class: KeyClass::PrivateSigning,
        ..clean()
    };
    assert_eq!(
        kinds(&p, &rsa, now),
        vec![(FindingKind::QuantumVulnerable, Severity::Medium)]
    );
    let f = only(&p, &rsa, now, FindingKind::QuantumVulnerable);
    assert_eq!(f.deadline, Some(date!(2030 - 12 - 31)));
    assert!(
        f.remediation.contains("ML-DSA-65") && f.remediation.contains("2030-12-31"),
        "{}",
        f.remediation
    );
    assert!(f.message.contains("2035-12-31"), "{}", f.message);
    let f = only(
        &p,
        &rsa,
        datetime!(2020-01-01 0:00 UTC),
        FindingKind::QuantumVulnerable,
    );
    assert_eq!(f.severity, Severity::Low);
    let f = only(
        &p,
        &rsa,
        datetime!(2032-01-01 0:00 UTC),
        FindingKind::QuantumVulnerable,
    );
    assert_eq!(
        (f.severity, f.deadline),
        (Severity::High, Some(date!(2035 - 12 - 31)))
    );
    let f = only(
        &p,
        &rsa,
        datetime!(2036-01-01 0:00 UTC),
        FindingKind::QuantumVulnerable,
    );
    assert_eq!(f.severity, Severity::Critical);
    let big = Subject {
        spec: Some(of(KeyAlgorithm::Rsa3072)),
        ..rsa.clone()
    };
    let f = only(&p, &big, now, FindingKind::QuantumVulnerable);
    assert_eq!(
        (f.severity, f.deadline),
        (Severity::Low, Some(date!(2035 - 12 - 31)))
    );

    let stale = Subject {
        activation_date: Some(datetime!(2023-01-01 0:00 UTC)),
        primary_created_at: datetime!(2023-01-01 0:00 UTC),
        created_at: datetime!(2023-01-01 0:00 UTC),
        deactivation_date: None,
        next_rotation_at: None,
        rotation_interval: None,
        ..clean()
    };
    let f = only(&p, &stale, now, FindingKind::PastCryptoperiod);
    assert_eq!(
        (f.severity, f.deadline),
        (Severity::High, Some(date!(2025 - 01 - 01)))
    );
    let late = Subject {
        deactivation_date: Some(datetime!(2026-05-01 0:00 UTC)),
        ..clean()
    };
    let f = only(&p, &late, now, FindingKind::PastCryptoperiod);
    assert_eq!(f.deadline, Some(date!(2026 - 05 - 01)));
    // Rotation renews the cryptoperiod.
    let rotated = Subject {
        primary_created_at: datetime!(2026-01-01 0:00 UTC),
        ..stale.clone()
    };
    assert!(!kinds(&p, &rotated, now)
        .iter()
        .any(|(k, _)| *k == FindingKind::PastCryptoperiod));

    let old = Subject {
        created_at: datetime!(2020-01-01 0:00 UTC),
        ..clean()
    };
    let f = only(&p, &old, now, FindingKind::MaxAge);
    assert_eq!(f.severity, Severity::Medium);
    assert!(f.remediation.contains("AES-256"), "{}", f.remediation);
    let old_retired = Subject {
        state: KeyState::Deactivated,
        ..old.clone()
    };
    only(&p, &old_retired, now, FindingKind::MaxAge);

    let overdue = Subject {
        next_rotation_at: Some(datetime!(2026-05-01 0:00 UTC)),
        ..clean()
    };
    let f = only(&p, &overdue, now, FindingKind::RotationOverdue);
    assert_eq!(
        (f.severity, f.deadline),
        (Severity::Medium, Some(date!(2026 - 05 - 01)))
    );
    let interval_passed = Subject {
        next_rotation_at: None,
        rotation_interval: Some(Duration::days(30)),
        ..clean()
    };
    only(&p, &interval_passed, now, FindingKind::RotationOverdue);

    let idle = Subject {
        last_used_at: Some(datetime!(2026-01-15 0:00 UTC)),
        ..clean()
    };
    assert_eq!(
        only(&p, &idle, now, FindingKind::Unused).severity,
        Severity::Low
    );
    let never = Subject {
        last_used_at: None,
        ..clean()
    };
    let f = only(&p, &never, now, FindingKind::Unused);
    assert!(f.message.contains("never used"), "{}", f.message);
    let never_but_new = Subject {
        last_used_at: None,
        created_at: datetime!(2026-05-01 0:00 UTC),
        ..clean()
    };
    assert!(!kinds(&p, &never_but_new, now)
        .iter()
        .any(|(k, _)| *k == FindingKind::Unused));

    let busy = Subject {
        uses_of_primary: 800,
        use_limit: Some(1000),
        ..clean()
    };
    assert_eq!(
        only(&p, &busy, now, FindingKind::UsageNearLimit).severity,
        Severity::Medium
    );
    let spent = Subject {
        uses_of_primary: 1000,
        use_limit: Some(1000),
        ..clean()
    };
    assert_eq!(
        only(&p, &spent, now, FindingKind::UsageNearLimit).severity,
        Severity::High
    );
    let below = Subject {
        uses_of_primary: 799,
        use_limit: Some(1000),
        ..clean()
    };
    assert_eq!(kinds(&p, &below, now), vec![]);
    let default_limit = Subject {
        uses_of_primary: 900_000_000,
        ..clean()
    };
    only(&p, &default_limit, now, FindingKind::UsageNearLimit);

    let doomed = Subject {
        destroy_at: Some(datetime!(2026-06-08 0:00 UTC)),
        ..clean()
    };
    let f = only(&p, &doomed, now, FindingKind::PendingDestruction);
    assert_eq!(
        (f.severity, f.deadline),
        (Severity::Info, Some(date!(2026 - 06 - 08)))
    );
    assert!(
        f.remediation.contains("cancel-destroy"),
        "{}",
        f.remediation
    );

    let plain = Subject {
        rotation_interval: None,
        next_rotation_at: None,
        ..clean()
    };
    assert_eq!(
        kinds(&p, &plain, now),
        vec![(FindingKind::NoRotation, Severity::Low)]
    );
    let signer = Subject {
        class: KeyClass::PrivateSigning,
        spec: Some(of(KeyAlgorithm::MlDsa65)),
        ..plain.clone()
    };
    assert_eq!(kinds(&p, &signer, now), vec![]);

    // Destroyed keys have no findings at all.
    let gone = Subject {
        state: KeyState::Destroyed,
        ..weak.clone()
    };
    assert_eq!(kinds(&p, &gone, now), vec![]);
    // Most severe first.
    let bad = p.findings(
        &Subject {
            spec: Some(spec(Primitive::Rsa, 1024, "RSA-1024")),
            destroy_at: Some(now),
            ..old
        },
        now,
    );
    assert!(
        bad.windows(2).all(|w| w[0].severity >= w[1].severity),
        "{bad:#?}"
    );
    assert_eq!(bad.first().map(|f| f.severity), Some(Severity::Critical));
}

#[test]
fn every_finding_kind_is_covered() {
    // The kinds each_finding_kind produces; keeps ALL and the test in step.
    let p = CryptoPolicy::builtin();
    let now = MID_2026;
    let worst = Subject {
        spec: Some(spec(Primitive::Rsa, 1024, "RSA-1024")),
        class: KeyClass::SymmetricEncryption,
        created_at: datetime!(2019-01-01 0:00 UTC),
        activation_date: Some(datetime!(2019-01-01 0:00 UTC)),
        primary_created_at: datetime!(2019-01-01 0:00 UTC),
        deactivation_date: None,
        last_used_at: None,
        next_rotation_at: None,
        rotation_interval: None,
        uses_of_primary: 10,
        use_limit: Some(10),
        destroy_at: Some(datetime!(2026-07-01 0:00 UTC)),
        ..clean()
    };
    let mut seen: Vec<FindingKind> = p.findings(&worst, now).iter().map(|f| f.kind).collect();
    let sha1 = Subject {
        spec: Some(spec(Primitive::Hmac, 160, "HMAC-SHA-1")),
        ..clean()
    };
    let overdue = Subject {
        next_rotation_at: Some(datetime!(2026-05-01 0:00 UTC)),
        ..clean()
    };
    seen.extend(p.findings(&sha1, now).iter().map(|f| f.kind));
    seen.extend(p.findings(&overdue, now).iter().map(|f| f.kind));
    for k in FindingKind::ALL {
        assert!(seen.contains(&k), "{k} not produced");
    }
}

#[test]
fn field_paths() {
    let err = document::parse_json::<PolicyOverride>(
        "{\n  \"classes\": {\n    \"other\": {\"require_rotation\": \"yes\"}\n  }\n}",
    )
    .unwrap_err();
    assert!(err.starts_with("classes.other.require_rotation: "), "{err}");
    assert!(document::parse_date("2030-02-29").is_err());
    assert_eq!(
        document::parse_date("2028-02-29").unwrap(),
        date!(2028 - 02 - 29)
    );
    assert!(document::parse_date("+030-02-01").is_err());
    assert!(document::parse_date("2030-2-1").is_err());
    assert_eq!(document::format_date(date!(2030 - 12 - 31)), "2030-12-31");
    assert_eq!(human(Duration::days(731)), "731 days");
    assert_eq!(human(Duration::hours(26)), "1 day 2 h");
}

#[test]
fn docs_example_override() {
    let o = PolicyOverride::from_json(
        r#"{
  "name": "pci",
  "refuse_quantum_vulnerable": true,
  "classes": {"symmetric-encryption": {"max_cryptoperiod_days": 365, "require_rotation": true}},
  "restrictions": {"tdea": {"process": "disallowed"}, "aes": {"use_limit": 100000000}}
}"#,
    )
    .unwrap();
    let p = CryptoPolicy::builtin().with_override(&o);
    assert_eq!(
        p.default_use_limit(&of(KeyAlgorithm::Aes256)),
        Some(100_000_000)
    );
    let a = p.assess(&spec(Primitive::Tdea, 168, "3DES"), MID_2026);
    assert_eq!(a.process, Status::Disallowed);
    assert_eq!(
        p.max_rotation_interval(KeyClass::SymmetricEncryption),
        Some(Duration::days(365))
    );
}
