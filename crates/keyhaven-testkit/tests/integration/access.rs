//! The role × route matrix of docs/SECURITY.md, every cell: each route is called by a
//! principal holding each role (and by principals that cannot see the vault); allowed cells
//! succeed, the others answer `forbidden` (403) when the caller can see the vault and
//! `not_found` (404) when it cannot, exactly as for a vault or key that does not exist.
//! Plus: a token of vault A can do nothing to vault B; revoked and expired tokens are refused;
//! the failed-authentication limit.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};
use time::Duration;

use crate::{b64, id, key, server, unb64};
use keyhaven_testkit::{Reply, TestServer};

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum P {
    SysAdmin,
    SysAuditor,
    Admin,
    KeyManager,
    CryptoUser,
    Auditor,
    /// Roles only in vault B.
    Outsider,
    /// No role anywhere.
    Nobody,
}

const ALL: [P; 8] = [
    P::SysAdmin,
    P::SysAuditor,
    P::Admin,
    P::KeyManager,
    P::CryptoUser,
    P::Auditor,
    P::Outsider,
    P::Nobody,
];

impl P {
    fn name(self) -> &'static str {
        match self {
            P::SysAdmin => "m-sysadmin",
            P::SysAuditor => "m-sysauditor",
            P::Admin => "m-admin",
            P::KeyManager => "m-keymanager",
            P::CryptoUser => "m-cryptouser",
            P::Auditor => "m-auditor",
            P::Outsider => "m-outsider",
            P::Nobody => "m-nobody",
        }
    }
    fn system_roles(self) -> &'static [&'static str] {
        match self {
            P::SysAdmin => &["system-admin"],
            P::SysAuditor => &["system-auditor"],
            _ => &[],
        }
    }
    fn vault_role(self) -> Option<&'static str> {
        match self {
            P::Admin => Some("admin"),
            P::KeyManager => Some("key-manager"),
            P::CryptoUser => Some("crypto-user"),
            P::Auditor => Some("auditor"),
            _ => None,
        }
    }
    /// Whether it can see vault A at all (a role there, or a system role).
    fn sees_a(self) -> bool {
        !matches!(self, P::Outsider | P::Nobody)
    }
}

struct Fixture {
    s: TestServer,
    tokens: Vec<(P, String)>,
}

impl Fixture {
    fn token(&self, p: P) -> &str {
        self.tokens
            .iter()
            .find(|(q, _)| *q == p)
            .map(|(_, t)| t.as_str())
            .unwrap_or_default()
    }

    /// A key in vault `v` created by root (who holds every role in the test vaults).
    async fn key(&self, v: &str, alg: &str, active: bool) -> String {
        static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut body = json!({"vault": v, "name": format!("k{n}"), "algorithm": alg});
        if active {
            body["initial_state"] = json!("active");
        }
        id(&key(&self.s, body).await)
    }

    async fn root(&self, path: &str, body: Value) -> Reply {
        let r = self.s.post(path, body).await;
        assert!(r.status.is_success(), "{path}: {r:?}");
        r
    }

    /// A template `tpl{n}` in vault A (AES-256, no naming scheme) created by root; returns its
    /// name.
    async fn template(&self, n: usize) -> String {
        let name = format!("tpl{n}");
        self.root(
            "/v1/vaults/va/templates",
            json!({"name": name, "spec": {"algorithm": "aes-256", "tags": {"team": "matrix"}}}),
        )
        .await;
        name
    }

    /// A keystore `ks{n}` in vault A (see [`pkcs11_keystore`]) registered by root; returns its
    /// name.
    async fn keystore(&self, n: usize) -> String {
        let name = format!("ks{n}");
        self.root("/v1/vaults/va/keystores", pkcs11_keystore(&name))
            .await;
        name
    }

    /// Grants every matrix role holder its role in `v` (and `m-outsider` nothing).
    async fn bind_roles(&self, v: &str) {
        for p in ALL {
            if let Some(role) = p.vault_role() {
                self.s.grant(v, p.name(), &[role]).await;
            }
        }
    }
}

/// The registration body of a PKCS#11 keystore `name` that needs no HSM. Registration only
/// checks that the module is an existing file (it is loaded on first use), so the module is
/// this test binary, a file that surely exists on every machine running the test. Using the
/// keystore (test connection, distribution) then fails to load it as a PKCS#11 module, which
/// the server reports (`ok: false`) or records (out of sync) without failing the request.
fn pkcs11_keystore(name: &str) -> Value {
    let module = std::env::current_exe().expect("the test binary's path");
    json!({
        "name": name,
        "kind": "pkcs11",
        "settings": {"module": module.to_string_lossy(), "token_label": "t"},
        "credentials": {"pin": "1234"},
    })
}

async fn fixture() -> Fixture {
    let s = server().await;
    let all_roles = json!(["admin", "key-manager", "crypto-user", "auditor"]);
    for v in ["va", "vb"] {
        let r = s
            .post(
                "/v1/vaults",
                json!({"name": v, "pending_destruction_days": 7, "creator_roles": all_roles}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
    }
    let mut tokens = Vec::new();
    for p in ALL {
        tokens.push((p, s.principal(p.name(), p.system_roles()).await));
    }
    // The principal that management routes act on (never one of the callers).
    let _ = s.principal("m-target", &[]).await;
    let f = Fixture { s, tokens };
    f.bind_roles("va").await;
    f.s.grant(
        "vb",
        P::Outsider.name(),
        &["admin", "key-manager", "crypto-user", "auditor"],
    )
    .await;
    f
}

/// One matrix row: a route and who may call it.
#[derive(Clone, Copy, Debug)]
enum Route {
    VaultCreate,
    VaultGet,
    VaultUpdate,
    VaultDelete,
    MembersList,
    MembersGrant,
    MembersRevoke,
    KeyCreate,
    KeyList,
    KeyGet,
    KeyUpdate,
    KeyPurge,
    Activate,
    Deactivate,
    Reactivate,
    Rotate,
    Compromise,
    Destroy,
    CancelDestroy,
    Versions,
    History,
    PublicKey,
    Encrypt,
    Decrypt,
    DecryptCompromised,
    Rewrap,
    DataKey,
    Sign,
    Verify,
    Mac,
    MacVerify,
    Encapsulate,
    Decapsulate,
    AuditVault,
    AuditAll,
    AuditVerify,
    AuditCheckpoints,
    AuditExportVault,
    PrincipalCreate,
    PrincipalList,
    PrincipalGetOther,
    PrincipalUpdate,
    TokenCreateOther,
    CertAdd,
    RotateRoot,
    VaultList,
    Whoami,
    PrincipalDelete,
    TokenListOther,
    TokenRevokeOther,
    CertList,
    CertDelete,
    TemplateCreate,
    TemplateList,
    TemplateGet,
    TemplateUpdate,
    TemplateDelete,
    KeyFromTemplate,
    ApplyTemplate,
    PolicyServer,
    VaultPolicyGet,
    VaultPolicySet,
    VaultPolicyDelete,
    ImportKey,
    ImportWrapped,
    ReportVault,
    ReportAll,
    KeystoreCreate,
    KeystoreList,
    KeystoreGet,
    KeystoreDelete,
    KeystoreTest,
    KeystoreUpdate,
    KeyKeystores,
    KeyAddKeystore,
    KeySync,
}

const ROUTES: [Route; 76] = [
    Route::VaultCreate,
    Route::VaultGet,
    Route::VaultUpdate,
    Route::VaultDelete,
    Route::MembersList,
    Route::MembersGrant,
    Route::MembersRevoke,
    Route::KeyCreate,
    Route::KeyList,
    Route::KeyGet,
    Route::KeyUpdate,
    Route::KeyPurge,
    Route::Activate,
    Route::Deactivate,
    Route::Reactivate,
    Route::Rotate,
    Route::Compromise,
    Route::Destroy,
    Route::CancelDestroy,
    Route::Versions,
    Route::History,
    Route::PublicKey,
    Route::Encrypt,
    Route::Decrypt,
    Route::DecryptCompromised,
    Route::Rewrap,
    Route::DataKey,
    Route::Sign,
    Route::Verify,
    Route::Mac,
    Route::MacVerify,
    Route::Encapsulate,
    Route::Decapsulate,
    Route::AuditVault,
    Route::AuditAll,
    Route::AuditVerify,
    Route::AuditCheckpoints,
    Route::AuditExportVault,
    Route::PrincipalCreate,
    Route::PrincipalList,
    Route::PrincipalGetOther,
    Route::PrincipalUpdate,
    Route::TokenCreateOther,
    Route::CertAdd,
    Route::RotateRoot,
    Route::VaultList,
    Route::Whoami,
    Route::PrincipalDelete,
    Route::TokenListOther,
    Route::TokenRevokeOther,
    Route::CertList,
    Route::CertDelete,
    Route::TemplateCreate,
    Route::TemplateList,
    Route::TemplateGet,
    Route::TemplateUpdate,
    Route::TemplateDelete,
    Route::KeyFromTemplate,
    Route::ApplyTemplate,
    Route::PolicyServer,
    Route::VaultPolicyGet,
    Route::VaultPolicySet,
    Route::VaultPolicyDelete,
    Route::ImportKey,
    Route::ImportWrapped,
    Route::ReportVault,
    Route::ReportAll,
    Route::KeystoreCreate,
    Route::KeystoreList,
    Route::KeystoreGet,
    Route::KeystoreDelete,
    Route::KeystoreTest,
    Route::KeystoreUpdate,
    Route::KeyKeystores,
    Route::KeyAddKeystore,
    Route::KeySync,
];

impl Route {
    /// Who may: the matrix of docs/SECURITY.md, written out independently of the server.
    fn allowed(self) -> &'static [P] {
        use Route::*;
        use P::*;
        match self {
            VaultCreate | VaultDelete | PrincipalCreate | PrincipalList | PrincipalGetOther
            | PrincipalUpdate | TokenCreateOther | CertAdd | RotateRoot | PrincipalDelete
            | TokenListOther | TokenRevokeOther | CertList | CertDelete => &[SysAdmin],
            // Everyone; the answer holds only what the caller may see (tested below; the
            // report's filtering in report.rs).
            VaultList | Whoami | ReportAll => &ALL,
            // The server's policy is no secret: any authenticated caller.
            PolicyServer => &ALL,
            VaultGet | TemplateList | TemplateGet | VaultPolicyGet | KeystoreList | KeystoreGet => {
                &[SysAdmin, SysAuditor, Admin, KeyManager, CryptoUser, Auditor]
            }
            // Vault settings: the vault admin only (system-admin manages members, not settings).
            VaultUpdate | TemplateCreate | TemplateUpdate | TemplateDelete | VaultPolicySet
            | VaultPolicyDelete | KeystoreCreate | KeystoreDelete | KeystoreTest
            | KeystoreUpdate => &[Admin],
            MembersList => &[SysAdmin, SysAuditor, Admin, Auditor],
            MembersGrant | MembersRevoke => &[SysAdmin, Admin],
            KeyCreate | KeyUpdate | KeyPurge | Activate | Deactivate | Reactivate | Rotate
            | Compromise | Destroy | CancelDestroy | KeyFromTemplate | ApplyTemplate
            | ImportKey | ImportWrapped | KeyAddKeystore | KeySync => &[KeyManager],
            KeyList | KeyGet | Versions | PublicKey | ReportVault | KeyKeystores => {
                &[KeyManager, CryptoUser, Auditor]
            }
            History => &[KeyManager, Auditor],
            Encrypt | Decrypt | Rewrap | DataKey | Sign | Verify | Mac | MacVerify
            | Encapsulate | Decapsulate => &[CryptoUser],
            // The override needs crypto-user and key-manager: no single-role principal has it.
            DecryptCompromised => &[],
            AuditVault | AuditExportVault => &[SysAdmin, SysAuditor, Auditor],
            AuditAll | AuditVerify => &[SysAdmin, SysAuditor],
            // Any vault auditor (m-outsider audits vb) may read checkpoints.
            AuditCheckpoints => &[SysAdmin, SysAuditor, Auditor, Outsider],
        }
    }

    /// Whether refusals follow the vault visibility rule (404 for callers who cannot see
    /// vault A); system-wide routes answer 403 to everyone not allowed.
    fn vault_scoped(self) -> bool {
        use Route::*;
        !matches!(
            self,
            VaultCreate
                | AuditAll
                | AuditVerify
                | AuditCheckpoints
                | PrincipalCreate
                | PrincipalList
                | PrincipalGetOther
                | PrincipalUpdate
                | TokenCreateOther
                | CertAdd
                | RotateRoot
                | VaultDelete
                | VaultList
                | Whoami
                | PrincipalDelete
                | TokenListOther
                | TokenRevokeOther
                | CertList
                | CertDelete
                | PolicyServer
                | ReportAll
        )
    }

    /// Prepares what the call needs (fresh keys, vaults) and returns (method, path, body).
    async fn request(self, f: &Fixture, n: usize) -> (Method, String, Value) {
        use Route::*;
        let post = Method::POST;
        match self {
            VaultCreate => (
                post,
                "/v1/vaults".into(),
                json!({"name": format!("new{n}")}),
            ),
            VaultGet => (Method::GET, "/v1/vaults/va".into(), Value::Null),
            VaultUpdate => (
                Method::PATCH,
                "/v1/vaults/va".into(),
                json!({"pending_destruction_days": 7}),
            ),
            VaultDelete => {
                let name = format!("del{n}");
                f.root(
                    "/v1/vaults",
                    json!({"name": name, "creator_roles": ["admin"]}),
                )
                .await;
                f.bind_roles(&name).await;
                (Method::DELETE, format!("/v1/vaults/{name}"), Value::Null)
            }
            MembersList => (Method::GET, "/v1/vaults/va/members".into(), Value::Null),
            MembersGrant => (
                post,
                "/v1/vaults/va/members".into(),
                json!({"principal": "m-target", "roles": ["auditor"]}),
            ),
            MembersRevoke => {
                f.s.grant("va", "m-target", &["auditor"]).await;
                (
                    Method::DELETE,
                    "/v1/vaults/va/members/m-target/auditor".into(),
                    Value::Null,
                )
            }
            KeyCreate => (
                post,
                "/v1/keys".into(),
                json!({"vault": "va", "name": format!("created{n}"), "algorithm": "aes-256"}),
            ),
            KeyList => (Method::GET, "/v1/keys?vault=va".into(), Value::Null),
            KeyGet | Versions | History | PublicKey => {
                let k = f.key("va", "ec-p256", true).await;
                let tail = match self {
                    KeyGet => "",
                    Versions => "/versions",
                    History => "/history",
                    _ => "/public-key",
                };
                (Method::GET, format!("/v1/keys/{k}{tail}"), Value::Null)
            }
            KeyUpdate => {
                let k = f.key("va", "aes-256", false).await;
                (
                    Method::PATCH,
                    format!("/v1/keys/{k}"),
                    json!({"description": "x"}),
                )
            }
            KeyPurge => {
                let k = f.key("va", "aes-256", false).await;
                f.root(&format!("/v1/keys/{k}/destroy"), json!({})).await;
                f.s.clock.advance(Duration::days(8));
                f.s.run_jobs().await;
                (Method::DELETE, format!("/v1/keys/{k}"), Value::Null)
            }
            Activate => {
                let k = f.key("va", "aes-256", false).await;
                (post, format!("/v1/keys/{k}/activate"), json!({}))
            }
            Deactivate | Rotate | Compromise => {
                let k = f.key("va", "aes-256", true).await;
                let a = match self {
                    Deactivate => "deactivate",
                    Rotate => "rotate",
                    _ => "compromise",
                };
                (post, format!("/v1/keys/{k}/{a}"), json!({}))
            }
            Reactivate | Destroy => {
                let k = f.key("va", "aes-256", true).await;
                f.root(&format!("/v1/keys/{k}/deactivate"), json!({})).await;
                let a = if matches!(self, Reactivate) {
                    "reactivate"
                } else {
                    "destroy"
                };
                (post, format!("/v1/keys/{k}/{a}"), json!({}))
            }
            CancelDestroy => {
                let k = f.key("va", "aes-256", false).await;
                f.root(&format!("/v1/keys/{k}/destroy"), json!({})).await;
                (post, format!("/v1/keys/{k}/cancel-destroy"), json!({}))
            }
            Encrypt | DataKey => {
                let k = f.key("va", "aes-256", true).await;
                if matches!(self, Encrypt) {
                    (
                        post,
                        format!("/v1/keys/{k}/encrypt"),
                        json!({"plaintext": b64(b"p")}),
                    )
                } else {
                    (post, format!("/v1/keys/{k}/datakey"), json!({}))
                }
            }
            Decrypt | Rewrap | DecryptCompromised => {
                let k = f.key("va", "aes-256", true).await;
                let ct = f
                    .root(
                        &format!("/v1/keys/{k}/encrypt"),
                        json!({"plaintext": b64(b"p")}),
                    )
                    .await
                    .str("ciphertext")
                    .to_owned();
                match self {
                    Decrypt => (
                        post,
                        format!("/v1/keys/{k}/decrypt"),
                        json!({"ciphertext": ct}),
                    ),
                    Rewrap => (
                        post,
                        format!("/v1/keys/{k}/rewrap"),
                        json!({"ciphertext": ct}),
                    ),
                    _ => {
                        f.root(&format!("/v1/keys/{k}/compromise"), json!({})).await;
                        (
                            post,
                            format!("/v1/keys/{k}/decrypt"),
                            json!({"ciphertext": ct, "allow_compromised": true}),
                        )
                    }
                }
            }
            Sign | Verify => {
                let k = f.key("va", "ec-p256", true).await;
                if matches!(self, Sign) {
                    (
                        post,
                        format!("/v1/keys/{k}/sign"),
                        json!({"message": b64(b"m")}),
                    )
                } else {
                    let sig = f
                        .root(&format!("/v1/keys/{k}/sign"), json!({"message": b64(b"m")}))
                        .await
                        .str("signature")
                        .to_owned();
                    (
                        post,
                        format!("/v1/keys/{k}/verify"),
                        json!({"message": b64(b"m"), "signature": sig}),
                    )
                }
            }
            Mac | MacVerify => {
                let k = f.key("va", "hmac-sha256", true).await;
                if matches!(self, Mac) {
                    (
                        post,
                        format!("/v1/keys/{k}/mac"),
                        json!({"data": b64(b"d")}),
                    )
                } else {
                    let tag = f
                        .root(&format!("/v1/keys/{k}/mac"), json!({"data": b64(b"d")}))
                        .await
                        .str("mac")
                        .to_owned();
                    (
                        post,
                        format!("/v1/keys/{k}/mac-verify"),
                        json!({"data": b64(b"d"), "mac": tag}),
                    )
                }
            }
            Encapsulate | Decapsulate => {
                let k = f.key("va", "ml-kem-768", true).await;
                if matches!(self, Encapsulate) {
                    (post, format!("/v1/keys/{k}/encapsulate"), json!({}))
                } else {
                    let ct = f
                        .root(&format!("/v1/keys/{k}/encapsulate"), json!({}))
                        .await
                        .str("ciphertext")
                        .to_owned();
                    (
                        post,
                        format!("/v1/keys/{k}/decapsulate"),
                        json!({"ciphertext": ct}),
                    )
                }
            }
            AuditVault => (Method::GET, "/v1/audit?vault=va".into(), Value::Null),
            AuditAll => (Method::GET, "/v1/audit".into(), Value::Null),
            AuditVerify => (Method::GET, "/v1/audit/verify".into(), Value::Null),
            AuditCheckpoints => (Method::GET, "/v1/audit/checkpoints".into(), Value::Null),
            AuditExportVault => (Method::GET, "/v1/audit/export?vault=va".into(), Value::Null),
            PrincipalCreate => (
                post,
                "/v1/principals".into(),
                json!({"name": format!("p{n}")}),
            ),
            PrincipalList => (Method::GET, "/v1/principals".into(), Value::Null),
            PrincipalGetOther => (Method::GET, "/v1/principals/m-target".into(), Value::Null),
            PrincipalUpdate => (
                Method::PATCH,
                "/v1/principals/m-target".into(),
                json!({"description": "x"}),
            ),
            TokenCreateOther => (post, "/v1/principals/m-target/tokens".into(), json!({})),
            CertAdd => (
                post,
                "/v1/principals/m-target/certificates".into(),
                json!({"match": "fingerprint", "value": format!("{n:064x}")}),
            ),
            RotateRoot => (post, "/v1/sys/rotate-root".into(), json!({})),
            VaultList => (Method::GET, "/v1/vaults".into(), Value::Null),
            Whoami => (Method::GET, "/v1/whoami".into(), Value::Null),
            PrincipalDelete => {
                let name = format!("gone{n}");
                f.root("/v1/principals", json!({"name": name})).await;
                (
                    Method::DELETE,
                    format!("/v1/principals/{name}"),
                    Value::Null,
                )
            }
            TokenListOther => (
                Method::GET,
                "/v1/principals/m-target/tokens".into(),
                Value::Null,
            ),
            TokenRevokeOther => {
                let t = f.root("/v1/principals/m-target/tokens", json!({})).await;
                let id = t.body["token"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                (Method::DELETE, format!("/v1/tokens/{id}"), Value::Null)
            }
            CertList => (
                Method::GET,
                "/v1/principals/m-target/certificates".into(),
                Value::Null,
            ),
            CertDelete => {
                let b = f
                    .root(
                        "/v1/principals/m-target/certificates",
                        json!({"match": "subject", "value": format!("CN=del{n}")}),
                    )
                    .await;
                let id = b.str("id").to_owned();
                (
                    Method::DELETE,
                    format!("/v1/certificates/{id}"),
                    Value::Null,
                )
            }
            TemplateCreate => (
                post,
                "/v1/vaults/va/templates".into(),
                json!({"name": format!("tnew{n}"), "spec": {"algorithm": "aes-256"}}),
            ),
            TemplateList => (Method::GET, "/v1/vaults/va/templates".into(), Value::Null),
            TemplateGet | TemplateUpdate | TemplateDelete => {
                let t = f.template(n).await;
                let path = format!("/v1/vaults/va/templates/{t}");
                match self {
                    TemplateGet => (Method::GET, path, Value::Null),
                    TemplateUpdate => (
                        Method::PUT,
                        path,
                        json!({"algorithm": "aes-256", "description": "x"}),
                    ),
                    _ => (Method::DELETE, path, Value::Null),
                }
            }
            KeyFromTemplate => {
                let t = f.template(n).await;
                (
                    post,
                    "/v1/keys".into(),
                    json!({"vault": "va", "template": t, "name": format!("fromtpl{n}")}),
                )
            }
            ApplyTemplate => {
                let t = f.template(n).await;
                let k = f.key("va", "aes-256", true).await;
                (
                    post,
                    format!("/v1/keys/{k}/apply-template"),
                    json!({"template": t}),
                )
            }
            PolicyServer => (Method::GET, "/v1/policy".into(), Value::Null),
            VaultPolicyGet => (Method::GET, "/v1/vaults/va/policy".into(), Value::Null),
            // 128 bits tightens the built-in 112 without refusing any algorithm used here.
            VaultPolicySet => (
                Method::PUT,
                "/v1/vaults/va/policy".into(),
                json!({"name": "matrix", "min_strength": 128}),
            ),
            VaultPolicyDelete => {
                let r =
                    f.s.call(
                        Method::PUT,
                        "/v1/vaults/va/policy",
                        Some(json!({"name": "matrix", "min_strength": 128})),
                    )
                    .await;
                assert!(r.status.is_success(), "set the vault policy: {r:?}");
                (Method::DELETE, "/v1/vaults/va/policy".into(), Value::Null)
            }
            ImportKey => (Method::GET, "/v1/vaults/va/import-key".into(), Value::Null),
            ImportWrapped => {
                let ik = f.s.get("/v1/vaults/va/import-key").await;
                assert_eq!(ik.status, 200, "{ik:?}");
                let spki = unb64(ik.str("public_key_der_b64"));
                let material: Vec<u8> = (0..32u8).map(|i| i ^ (n as u8)).collect();
                let blob = keyhaven_crypto::import::wrap_for_import(&spki, &material)
                    .expect("wraps for the import key");
                (
                    post,
                    "/v1/keys/import".into(),
                    json!({"vault": "va", "name": format!("imported{n}"), "algorithm": "aes-256",
                           "import_key_id": ik.str("id"), "wrapped_material": b64(&blob)}),
                )
            }
            ReportVault => (
                Method::GET,
                "/v1/reports/compliance?vault=va".into(),
                Value::Null,
            ),
            ReportAll => (Method::GET, "/v1/reports/compliance".into(), Value::Null),
            KeystoreCreate => (
                post,
                "/v1/vaults/va/keystores".into(),
                pkcs11_keystore(&format!("ksnew{n}")),
            ),
            KeystoreList => (Method::GET, "/v1/vaults/va/keystores".into(), Value::Null),
            // A fresh keystore per cell: no key targets it, so the allowed delete succeeds
            // (a targeted keystore answers 409).
            KeystoreGet | KeystoreDelete | KeystoreTest | KeystoreUpdate => {
                let ks = f.keystore(n).await;
                let path = format!("/v1/vaults/va/keystores/{ks}");
                match self {
                    KeystoreGet => (Method::GET, path, Value::Null),
                    KeystoreDelete => (Method::DELETE, path, Value::Null),
                    KeystoreUpdate => {
                        (Method::PATCH, path, json!({"credentials": {"pin": "4321"}}))
                    }
                    // 200 with ok=false (there is no token behind the module): only the
                    // status is judged.
                    _ => (post, format!("{path}/test"), json!({})),
                }
            }
            KeyKeystores => {
                let k = f.key("va", "aes-256", true).await;
                (Method::GET, format!("/v1/keys/{k}/keystores"), Value::Null)
            }
            // Keystores hold AES keys only. Adding the target reconciles at once; that fails
            // (no token) and is recorded in the distribution record, not returned: 200.
            KeyAddKeystore => {
                let k = f.key("va", "aes-256", true).await;
                let ks = f.keystore(n).await;
                (
                    post,
                    format!("/v1/keys/{k}/keystores"),
                    json!({"keystore": ks}),
                )
            }
            KeySync => {
                let k = f.key("va", "aes-256", true).await;
                let ks = f.keystore(n).await;
                f.root(&format!("/v1/keys/{k}/keystores"), json!({"keystore": ks}))
                    .await;
                (post, format!("/v1/keys/{k}/sync"), json!({}))
            }
        }
    }
}

#[tokio::test]
async fn every_route_against_every_role() {
    let f = fixture().await;
    let mut n = 0;
    let mut checked = 0;
    let mut failures = Vec::new();
    for route in ROUTES {
        for p in ALL {
            n += 1;
            let (method, path, body) = route.request(&f, n).await;
            let body = (!body.is_null()).then_some(body);
            let r = f.s.call_as(Some(f.token(p)), method, &path, body).await;
            let allowed = route.allowed().contains(&p);
            let expected: &str = if allowed {
                "success"
            } else if route.vault_scoped() && !p.sees_a() {
                "not_found"
            } else {
                "forbidden"
            };
            let got = if r.status.is_success() {
                "success"
            } else {
                r.code()
            };
            checked += 1;
            if got != expected {
                failures.push(format!(
                    "{route:?} as {p:?}: expected {expected}, got {} {}",
                    r.status, r.body
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, ROUTES.len() * ALL.len());
}

#[tokio::test]
async fn the_override_needs_both_roles_and_is_audited() {
    let f = fixture().await;
    let both = f.s.principal("m-both", &[]).await;
    f.s.grant("va", "m-both", &["crypto-user", "key-manager"])
        .await;
    let (method, path, body) = Route::DecryptCompromised.request(&f, 1).await;
    let r = f.s.call_as(Some(&both), method, &path, Some(body)).await;
    assert_eq!(r.status, 200, "{r:?}");
    // The audit record of the use names the override.
    let k = path.split('/').nth(3).unwrap().to_owned();
    let mut found = false;
    for _ in 0..50 {
        let a = f.s.get(&format!("/v1/audit?key={k}&action=decrypt")).await;
        if a.body["items"].as_array().unwrap().iter().any(|i| {
            i["detail"]
                .as_str()
                .is_some_and(|d| d.contains("allow_compromised"))
        }) {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(found, "the override is in the audit log");
}

#[tokio::test]
async fn lists_show_only_what_the_caller_may_see() {
    let f = fixture().await;
    let ka = f.key("va", "aes-256", true).await;
    let kb = f.key("vb", "aes-256", true).await;
    let names = |r: &Reply, field: &str| -> BTreeSet<String> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v[field].as_str().unwrap().to_owned())
            .collect()
    };
    let vaults =
        f.s.call_as(
            Some(f.token(P::CryptoUser)),
            Method::GET,
            "/v1/vaults",
            None,
        )
        .await;
    assert_eq!(names(&vaults, "name"), BTreeSet::from(["va".to_owned()]));
    let vaults =
        f.s.call_as(Some(f.token(P::Nobody)), Method::GET, "/v1/vaults", None)
            .await;
    assert!(names(&vaults, "name").is_empty());
    let vaults =
        f.s.call_as(
            Some(f.token(P::SysAuditor)),
            Method::GET,
            "/v1/vaults",
            None,
        )
        .await;
    assert!(names(&vaults, "name").contains("vb"));
    // Keys without a vault filter: only readable vaults, filtered before the page limit.
    let keys =
        f.s.call_as(
            Some(f.token(P::Outsider)),
            Method::GET,
            "/v1/keys?limit=1",
            None,
        )
        .await;
    assert_eq!(names(&keys, "id"), BTreeSet::from([kb.clone()]));
    let keys =
        f.s.call_as(Some(f.token(P::Auditor)), Method::GET, "/v1/keys", None)
            .await;
    let ids = names(&keys, "id");
    assert!(ids.contains(&ka) && !ids.contains(&kb));
    let keys =
        f.s.call_as(Some(f.token(P::SysAdmin)), Method::GET, "/v1/keys", None)
            .await;
    assert!(
        names(&keys, "id").is_empty(),
        "system-admin reads no key metadata"
    );
    // The vault auditor sees its vault's audit records only, and must name the vault.
    let a =
        f.s.call_as(
            Some(f.token(P::Auditor)),
            Method::GET,
            "/v1/audit?vault=va",
            None,
        )
        .await;
    assert_eq!(a.status, 200);
    assert!(a.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["vault"] == "va"));
    let a =
        f.s.call_as(Some(f.token(P::Auditor)), Method::GET, "/v1/audit", None)
            .await;
    assert_eq!(a.code(), "forbidden");
    // The compliance report without a vault covers the vaults whose keys the caller reads.
    let report = |p: P| {
        let f = &f;
        async move {
            let r =
                f.s.call_as(
                    Some(f.token(p)),
                    Method::GET,
                    "/v1/reports/compliance",
                    None,
                )
                .await;
            assert_eq!(r.status, 200, "{p:?}: {r:?}");
            r.body["keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["id"].as_str().unwrap().to_owned())
                .collect::<BTreeSet<String>>()
        }
    };
    assert_eq!(report(P::Outsider).await, BTreeSet::from([kb.clone()]));
    let ids = report(P::CryptoUser).await;
    assert!(ids.contains(&ka) && !ids.contains(&kb));
    for p in [P::SysAdmin, P::SysAuditor, P::Admin, P::Nobody] {
        assert!(report(p).await.is_empty(), "{p:?} reads no key metadata");
    }
}

#[tokio::test]
async fn a_token_of_vault_a_can_do_nothing_to_vault_b() {
    let f = fixture().await;
    let kb_aes = f.key("vb", "aes-256", true).await;
    let kb_ec = f.key("vb", "ec-p256", true).await;
    let r =
        f.s.post(
            "/v1/vaults/vb/templates",
            json!({"name": "tb", "spec": {"algorithm": "aes-256"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let r =
        f.s.post("/v1/vaults/vb/keystores", pkcs11_keystore("ksb"))
            .await;
    assert_eq!(r.status, 201, "{r:?}");
    // m-all-a holds every role in va and none in vb.
    let t = f.s.principal("m-all-a", &[]).await;
    f.s.grant(
        "va",
        "m-all-a",
        &["admin", "key-manager", "crypto-user", "auditor"],
    )
    .await;
    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/v1/vaults/vb".into(), None),
        (
            Method::PATCH,
            "/v1/vaults/vb".into(),
            Some(json!({"pending_destruction_days": 0})),
        ),
        (Method::GET, "/v1/vaults/vb/members".into(), None),
        (
            Method::POST,
            "/v1/vaults/vb/members".into(),
            Some(json!({"principal": "m-all-a", "roles": ["admin"]})),
        ),
        (Method::GET, "/v1/keys?vault=vb".into(), None),
        (
            Method::POST,
            "/v1/keys".into(),
            Some(json!({"vault": "vb", "name": "x", "algorithm": "aes-256"})),
        ),
        (Method::GET, format!("/v1/keys/{kb_aes}"), None),
        (Method::GET, format!("/v1/keys/{kb_aes}/history"), None),
        (Method::GET, format!("/v1/keys/{kb_ec}/public-key"), None),
        (
            Method::PATCH,
            format!("/v1/keys/{kb_aes}"),
            Some(json!({"description": "x"})),
        ),
        (
            Method::POST,
            format!("/v1/keys/{kb_aes}/deactivate"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/v1/keys/{kb_aes}/rotate"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/v1/keys/{kb_aes}/compromise"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/v1/keys/{kb_aes}/encrypt"),
            Some(json!({"plaintext": b64(b"x")})),
        ),
        (
            Method::POST,
            format!("/v1/keys/{kb_aes}/datakey"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/v1/keys/{kb_ec}/sign"),
            Some(json!({"message": b64(b"x")})),
        ),
        (Method::DELETE, format!("/v1/keys/{kb_aes}"), None),
        (Method::GET, "/v1/audit?vault=vb".into(), None),
        (Method::GET, "/v1/vaults/vb/templates".into(), None),
        (
            Method::POST,
            "/v1/vaults/vb/templates".into(),
            Some(json!({"name": "x", "spec": {"algorithm": "aes-256"}})),
        ),
        (Method::GET, "/v1/vaults/vb/templates/tb".into(), None),
        (
            Method::PUT,
            "/v1/vaults/vb/templates/tb".into(),
            Some(json!({"algorithm": "aes-256", "archived": true})),
        ),
        (Method::DELETE, "/v1/vaults/vb/templates/tb".into(), None),
        (
            Method::POST,
            "/v1/keys".into(),
            Some(json!({"vault": "vb", "template": "tb", "name": "x"})),
        ),
        (
            Method::POST,
            format!("/v1/keys/{kb_aes}/apply-template"),
            Some(json!({"template": "tb"})),
        ),
        (Method::GET, "/v1/vaults/vb/policy".into(), None),
        (
            Method::PUT,
            "/v1/vaults/vb/policy".into(),
            Some(json!({"min_strength": 256})),
        ),
        (Method::DELETE, "/v1/vaults/vb/policy".into(), None),
        (Method::GET, "/v1/vaults/vb/import-key".into(), None),
        (
            Method::POST,
            "/v1/keys/import".into(),
            Some(json!({"vault": "vb", "name": "x", "algorithm": "aes-256",
                        "import_key_id": uuid::Uuid::nil(), "wrapped_material": b64(&[0u8; 400])})),
        ),
        (Method::GET, "/v1/reports/compliance?vault=vb".into(), None),
        (Method::GET, "/v1/vaults/vb/keystores".into(), None),
        (
            Method::POST,
            "/v1/vaults/vb/keystores".into(),
            Some(pkcs11_keystore("x")),
        ),
        (Method::GET, "/v1/vaults/vb/keystores/ksb".into(), None),
        (
            Method::POST,
            "/v1/vaults/vb/keystores/ksb/test".into(),
            Some(json!({})),
        ),
        (Method::DELETE, "/v1/vaults/vb/keystores/ksb".into(), None),
        (Method::GET, format!("/v1/keys/{kb_aes}/keystores"), None),
        (
            Method::POST,
            format!("/v1/keys/{kb_aes}/keystores"),
            Some(json!({"keystore": "ksb"})),
        ),
        (
            Method::POST,
            format!("/v1/keys/{kb_aes}/sync"),
            Some(json!({})),
        ),
    ];
    let refusals = calls.len();
    for (m, path, body) in calls {
        let r = f.s.call_as(Some(&t), m.clone(), &path, body).await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (404, "not_found"),
            "{m} {path}: {r:?}"
        );
    }
    // Nothing changed in vb.
    let k = f.s.get(&format!("/v1/keys/{kb_aes}")).await;
    assert_eq!(k.str("state"), "active");
    assert_eq!(k.body["primary_version"], 1);
    let v = f.s.get("/v1/vaults/vb").await;
    assert_eq!(v.body["pending_destruction_days"], 7);
    let t = f.s.get("/v1/vaults/vb/templates/tb").await;
    assert_eq!(t.status, 200, "{t:?}");
    assert_eq!(t.body["revision"], 1, "the template is unchanged: {t:?}");
    let p = f.s.get("/v1/vaults/vb/policy").await;
    assert_eq!(p.status, 200, "{p:?}");
    assert!(p.body.get("override").is_none(), "{p:?}");
    let ks = f.s.get("/v1/vaults/vb/keystores").await;
    assert_eq!(ks.status, 200, "{ks:?}");
    let names: Vec<&str> = ks.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["name"].as_str())
        .collect();
    assert_eq!(names, ["ksb"], "no keystore added or removed: {ks:?}");
    assert_eq!(
        ks.body["items"][0]["health"]["status"], "unknown",
        "never tested: {ks:?}"
    );
    let d = f.s.get(&format!("/v1/keys/{kb_aes}/keystores")).await;
    assert_eq!(d.status, 200, "{d:?}");
    assert_eq!(
        d.body["keystores"],
        json!([]),
        "the key is not distributed: {d:?}"
    );
    // The refusals are audited as denied.
    let mut denied = 0;
    for _ in 0..50 {
        let a =
            f.s.get("/v1/audit?principal=m-all-a&outcome=denied&limit=100")
                .await;
        denied = a.body["items"].as_array().unwrap().len();
        if denied >= refusals {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(denied, refusals, "every refusal is an audit record");
}

#[tokio::test]
async fn revoked_expired_and_unknown_tokens_are_refused() {
    let f = fixture().await;
    let s = &f.s;
    // A token with a one-hour lifetime works, then expires on the clock.
    let r = s
        .post(
            "/v1/principals/m-cryptouser/tokens",
            json!({"name": "short", "ttl_seconds": 3600}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let short = r.body["secret"].as_str().unwrap().to_owned();
    let short_id = r.body["token"]["id"].as_str().unwrap().to_owned();
    assert!(short.starts_with("khv_"));
    let who = s
        .call_as(Some(&short), Method::GET, "/v1/whoami", None)
        .await;
    assert_eq!(who.str("principal"), "m-cryptouser");
    s.clock.advance(Duration::seconds(3601));
    let r = s
        .call_as(Some(&short), Method::GET, "/v1/whoami", None)
        .await;
    assert_eq!(r.code(), "unauthenticated");
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("expired"));
    // The list shows it expired, without any secret.
    let list = s.get("/v1/principals/m-cryptouser/tokens").await;
    let listed = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == short_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(listed["status"], "expired");
    assert!(!list.body.to_string().contains(&short));
    // Revocation takes effect on the next request (cached identities are dropped).
    let t = f.token(P::CryptoUser).to_owned();
    assert_eq!(
        s.call_as(Some(&t), Method::GET, "/v1/whoami", None)
            .await
            .status,
        200
    );
    let list = s.get("/v1/principals/m-cryptouser/tokens").await;
    let main_id = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "test")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = s
        .call(Method::DELETE, &format!("/v1/tokens/{main_id}"), None)
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.str("status"), "revoked");
    let r = s.call_as(Some(&t), Method::GET, "/v1/whoami", None).await;
    assert_eq!(r.code(), "unauthenticated");
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("revoked"));
    // A principal may revoke its own token; not someone else's.
    let own = s.principal("m-self", &[]).await;
    let others = f.token(P::Auditor).to_owned();
    let list = s.get("/v1/principals/m-auditor/tokens").await;
    let auditor_token_id = list.body["items"][0]["id"].as_str().unwrap().to_owned();
    let r = s
        .call_as(
            Some(&own),
            Method::DELETE,
            &format!("/v1/tokens/{auditor_token_id}"),
            None,
        )
        .await;
    assert_eq!(r.code(), "forbidden");
    assert_eq!(
        s.call_as(Some(&others), Method::GET, "/v1/whoami", None)
            .await
            .status,
        200
    );
    // Disabled principals are refused.
    let r = s
        .call(
            Method::PATCH,
            "/v1/principals/m-auditor",
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = s
        .call_as(Some(&others), Method::GET, "/v1/whoami", None)
        .await;
    assert_eq!(r.code(), "unauthenticated");
    // Unknown tokens and no token.
    let r = s
        .call_as(Some("khv_0000"), Method::GET, "/v1/whoami", None)
        .await;
    assert_eq!(r.code(), "unauthenticated");
    let r = s.call_as(None, Method::GET, "/v1/whoami", None).await;
    assert_eq!(r.code(), "unauthenticated");
    // The last system-admin cannot remove itself.
    let r = s
        .call(
            Method::PATCH,
            "/v1/principals/root",
            Some(json!({"system_roles": []})),
        )
        .await;
    assert_eq!(
        r.status, 200,
        "another system-admin (m-sysadmin) exists: {r:?}"
    );
    let r = s
        .call_as(
            Some(f.token(P::SysAdmin)),
            Method::PATCH,
            "/v1/principals/m-sysadmin",
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(r.code(), "invalid_request", "{r:?}");
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("last"));
}

#[tokio::test]
async fn failed_authentication_is_rate_limited_per_source_and_audited() {
    let s = TestServer::start_configured(TestServer::epoch().unwrap(), |c| {
        c.limits.auth_failures = 5;
        c.limits.auth_window = std::time::Duration::from_secs(60);
    })
    .await
    .unwrap();
    for i in 0..5 {
        let r = s
            .call_as(
                Some(&format!("khv_wrong{i}")),
                Method::GET,
                "/v1/vaults",
                None,
            )
            .await;
        assert_eq!(r.code(), "unauthenticated");
    }
    // Locked out: even the right token waits, with Retry-After.
    let resp = s
        .http
        .get(format!("{}/v1/vaults", s.base))
        .bearer_auth(&s.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests");
    // Failures and the lock-out are audited (read directly through the service, since
    // this source is locked out).
    let svc = s.service().unwrap();
    let mut found = (0, 0);
    for _ in 0..50 {
        let page = svc
            .audit_query(
                &keyhaven_testkit::keyhaven_core::Caller::internal("test"),
                keyhaven_testkit::keyhaven_core::AuditFilter {
                    outcome: Some(keyhaven_testkit::keyhaven_core::Outcome::Denied),
                    ..Default::default()
                },
                None,
                100,
                false,
            )
            .await
            .unwrap();
        let codes: Vec<String> = page
            .items
            .iter()
            .filter_map(|r| r.event.code.clone())
            .collect();
        found = (
            codes
                .iter()
                .filter(|c| c.contains("unauthenticated"))
                .count(),
            codes
                .iter()
                .filter(|c| c.contains("too_many_requests"))
                .count(),
        );
        if found == (5, 1) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(found, (5, 1));
    // No record carries the presented token.
    let page = svc
        .audit_query(
            &keyhaven_testkit::keyhaven_core::Caller::internal("test"),
            Default::default(),
            None,
            1000,
            false,
        )
        .await
        .unwrap();
    assert!(!format!("{:?}", page.items).contains("khv_wrong"));
}
