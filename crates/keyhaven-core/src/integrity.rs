//! Record integrity: the fields of stored records that decide security (a key's state, usage,
//! vault, algorithm, dates and versions; a vault's KEK and settings; principals, tokens, role
//! and certificate bindings) are covered by an HMAC-SHA-256 under a key derived from the
//! system secret, which only an unsealed server holds. A row edited in the database, or a row
//! inserted by hand, fails its check on read.
//!
//! What it cannot see: a row put back to an earlier, genuine version (a rollback). The audit log
//! records every change, so a rollback shows there (docs/SECURITY.md).
//!
//! Each MAC covers a domain label and the fields in a fixed order, each length-prefixed, so two
//! different records never encode alike.

use aws_lc_rs::constant_time::verify_slices_are_equal;
use aws_lc_rs::digest;
use aws_lc_rs::hmac;
use time::OffsetDateTime;

use crate::access::{CertBinding, Principal, RoleBinding, Token};
use crate::model::{Key, KeyVersion, ObjectKind, Vault};
use crate::secret::SecretBytes;
use crate::store::VaultPolicy;
use crate::template::Template;

/// The record-integrity key. Not `Debug`.
pub struct IntegrityKey(hmac::Key);

/// Builds the canonical byte string a MAC covers.
struct Canon(Vec<u8>);

impl Canon {
    fn new(domain: &str) -> Canon {
        let mut c = Canon(Vec::with_capacity(256));
        c.bytes(domain.as_bytes());
        c
    }
    fn bytes(&mut self, b: &[u8]) -> &mut Canon {
        let len = u32::try_from(b.len()).unwrap_or(u32::MAX);
        self.0.extend_from_slice(&len.to_be_bytes());
        self.0.extend_from_slice(b);
        self
    }
    fn str(&mut self, s: &str) -> &mut Canon {
        self.bytes(s.as_bytes())
    }
    fn u64(&mut self, n: u64) -> &mut Canon {
        self.bytes(&n.to_be_bytes())
    }
    fn time(&mut self, t: OffsetDateTime) -> &mut Canon {
        self.bytes(&t.unix_timestamp_nanos().to_be_bytes())
    }
    fn opt_time(&mut self, t: Option<OffsetDateTime>) -> &mut Canon {
        match t {
            None => self.bytes(b"-"),
            Some(t) => self.time(t),
        }
    }
    /// Optional bytes, reduced to their SHA-256 (so large blobs cost one hash).
    fn opt_digest(&mut self, b: Option<&[u8]>) -> &mut Canon {
        match b {
            None => self.bytes(b"-"),
            Some(b) => self.bytes(digest::digest(&digest::SHA256, b).as_ref()),
        }
    }
}

impl IntegrityKey {
    /// A key from 32 secret bytes (derived from the system secret).
    pub fn new(secret: &SecretBytes) -> IntegrityKey {
        IntegrityKey(hmac::Key::new(hmac::HMAC_SHA256, secret.expose()))
    }

    fn mac(&self, c: &Canon) -> Vec<u8> {
        hmac::sign(&self.0, &c.0).as_ref().to_vec()
    }

    fn check(&self, c: &Canon, mac: &[u8]) -> bool {
        let expected = hmac::sign(&self.0, &c.0);
        verify_slices_are_equal(expected.as_ref(), mac).is_ok()
    }

    /// MAC of a key record.
    pub fn key_mac(&self, k: &Key) -> Vec<u8> {
        self.mac(&key_canon(k))
    }
    /// Whether a key record's MAC is right (constant-time).
    pub fn key_ok(&self, k: &Key) -> bool {
        self.check(&key_canon(k), &k.mac)
    }

    /// MAC of a key version.
    pub fn version_mac(&self, v: &KeyVersion) -> Vec<u8> {
        self.mac(&version_canon(v))
    }
    /// Whether a version's MAC is right.
    pub fn version_ok(&self, v: &KeyVersion) -> bool {
        self.check(&version_canon(v), &v.mac)
    }

    /// MAC of a vault.
    pub fn vault_mac(&self, v: &Vault) -> Vec<u8> {
        self.mac(&vault_canon(v))
    }
    /// Whether a vault's MAC is right.
    pub fn vault_ok(&self, v: &Vault) -> bool {
        self.check(&vault_canon(v), &v.mac)
    }

    /// MAC of a principal.
    pub fn principal_mac(&self, p: &Principal) -> Vec<u8> {
        self.mac(&principal_canon(p))
    }
    /// Whether a principal's MAC is right.
    pub fn principal_ok(&self, p: &Principal) -> bool {
        self.check(&principal_canon(p), &p.mac)
    }

    /// MAC of a token record.
    pub fn token_mac(&self, t: &Token) -> Vec<u8> {
        self.mac(&token_canon(t))
    }
    /// Whether a token record's MAC is right.
    pub fn token_ok(&self, t: &Token) -> bool {
        self.check(&token_canon(t), &t.mac)
    }

    /// MAC of a role binding.
    pub fn binding_mac(&self, b: &RoleBinding) -> Vec<u8> {
        self.mac(&binding_canon(b))
    }
    /// Whether a role binding's MAC is right.
    pub fn binding_ok(&self, b: &RoleBinding) -> bool {
        self.check(&binding_canon(b), &b.mac)
    }

    /// MAC of a certificate binding.
    pub fn cert_mac(&self, b: &CertBinding) -> Vec<u8> {
        self.mac(&cert_canon(b))
    }
    /// Whether a certificate binding's MAC is right.
    pub fn cert_ok(&self, b: &CertBinding) -> bool {
        self.check(&cert_canon(b), &b.mac)
    }
}

impl IntegrityKey {
    /// MAC of a key template.
    pub fn template_mac(&self, t: &Template) -> Vec<u8> {
        self.mac(&template_canon(t))
    }
    /// Whether a template's MAC matches.
    pub fn template_ok(&self, t: &Template) -> bool {
        self.check(&template_canon(t), &t.mac)
    }
    /// MAC of a vault's crypto-policy override.
    pub fn vault_policy_mac(&self, p: &VaultPolicy) -> Vec<u8> {
        self.mac(&vault_policy_canon(p))
    }
    /// Whether a vault policy's MAC matches.
    pub fn vault_policy_ok(&self, p: &VaultPolicy) -> bool {
        self.check(&vault_policy_canon(p), &p.mac)
    }
}

impl IntegrityKey {
    /// MAC of a keystore record.
    pub fn keystore_mac(&self, k: &crate::distribution::KeystoreRecord) -> Vec<u8> {
        self.mac(&keystore_canon(k))
    }
    /// Whether a keystore record's MAC matches.
    pub fn keystore_ok(&self, k: &crate::distribution::KeystoreRecord) -> bool {
        self.check(&keystore_canon(k), &k.mac)
    }
}

impl IntegrityKey {
    /// MAC binding a key to one of its target keystores.
    pub fn target_mac(&self, key: crate::KeyId, keystore: uuid::Uuid) -> Vec<u8> {
        self.mac(&target_canon(key, keystore))
    }
    /// Whether a key target's MAC matches.
    pub fn target_ok(&self, key: crate::KeyId, keystore: uuid::Uuid, mac: &[u8]) -> bool {
        self.check(&target_canon(key, keystore), mac)
    }
    /// MAC of a distribution record's identity: which keystore object is this key version
    /// (so an edited `remote_id` cannot point keyhaven's changes at someone else's key).
    pub fn distribution_mac(&self, d: &crate::distribution::Distribution) -> Vec<u8> {
        self.mac(&distribution_canon(d))
    }
    /// Whether a distribution record's MAC matches.
    pub fn distribution_ok(&self, d: &crate::distribution::Distribution) -> bool {
        self.check(&distribution_canon(d), &d.mac)
    }
}

fn target_canon(key: crate::KeyId, keystore: uuid::Uuid) -> Canon {
    let mut c = Canon::new("keyhaven-key-target-v1");
    c.bytes(key.0.as_bytes()).bytes(keystore.as_bytes());
    c
}

fn distribution_canon(d: &crate::distribution::Distribution) -> Canon {
    let mut c = Canon::new("keyhaven-distribution-v1");
    c.bytes(d.key_id.0.as_bytes())
        .bytes(d.keystore_id.as_bytes())
        .u64(u64::from(d.version))
        .str(d.remote_id.as_deref().unwrap_or(""))
        .str(d.check_value.as_deref().unwrap_or(""));
    c
}

fn keystore_canon(k: &crate::distribution::KeystoreRecord) -> Canon {
    let mut c = Canon::new("keyhaven-keystore-v1");
    c.bytes(k.id.as_bytes())
        .bytes(k.vault_id.0.as_bytes())
        .str(k.name.as_str())
        .str(k.kind.as_str())
        .str(k.placement.as_str())
        .str(&k.settings.to_string())
        .opt_digest(Some(&k.sealed_credentials))
        .time(k.created_at)
        .time(k.updated_at)
        .u64(k.revision);
    c
}

impl IntegrityKey {
    /// MAC of a vault's import key record.
    pub fn import_key_mac(&self, k: &crate::import::ImportKey) -> Vec<u8> {
        self.mac(&import_key_canon(k))
    }
    /// Whether an import key's MAC matches.
    pub fn import_key_ok(&self, k: &crate::import::ImportKey) -> bool {
        self.check(&import_key_canon(k), &k.mac)
    }
}

fn import_key_canon(k: &crate::import::ImportKey) -> Canon {
    let mut c = Canon::new("keyhaven-import-key-v1");
    c.bytes(k.id.as_bytes())
        .bytes(k.vault_id.0.as_bytes())
        .opt_digest(Some(&k.sealed_private))
        .opt_digest(Some(&k.public_key))
        .time(k.created_at)
        .time(k.expires_at);
    c
}

fn template_canon(t: &Template) -> Canon {
    let secs = |d: Option<time::Duration>| d.map_or(u64::MAX, |d| d.whole_seconds().unsigned_abs());
    let s = &t.spec;
    let mut c = Canon::new("keyhaven-template-v1");
    c.bytes(t.id.as_bytes())
        .bytes(t.vault_id.0.as_bytes())
        .str(t.name.as_str())
        .str(s.description.as_deref().unwrap_or(""))
        .str(s.naming_scheme.as_deref().unwrap_or(""))
        .str(s.algorithm.name())
        .u64(s.usage.map_or(u64::MAX, |u| u64::from(u.bits())))
        .u64(u64::from(s.initial_state == crate::InitialState::Active))
        .u64(secs(s.activate_after))
        .u64(secs(s.cryptoperiod))
        .u64(secs(s.rotation_interval))
        .u64(secs(s.rotate_before))
        .u64(s.use_limit.unwrap_or(u64::MAX))
        .u64(u64::try_from(s.tags.len()).unwrap_or(u64::MAX));
    for (k, v) in &s.tags {
        c.str(k).str(v);
    }
    c.u64(u64::from(s.archived))
        .time(t.created_at)
        .time(t.updated_at);
    // Covered only when set, so templates written before keystores existed still verify.
    if !s.keystores.is_empty() {
        c.str("keystores")
            .u64(u64::try_from(s.keystores.len()).unwrap_or(u64::MAX));
        for k in &s.keystores {
            c.str(k);
        }
    }
    c
}

fn vault_policy_canon(p: &VaultPolicy) -> Canon {
    let mut c = Canon::new("keyhaven-vault-policy-v1");
    c.bytes(p.vault_id.0.as_bytes())
        .str(&p.document)
        .time(p.updated_at);
    c
}

fn key_canon(k: &Key) -> Canon {
    let mut c = Canon::new("keyhaven-key-v1");
    c.bytes(k.id.0.as_bytes())
        .bytes(k.vault_id.0.as_bytes())
        .str(k.name.as_str())
        .str(k.algorithm.name())
        .u64(u64::from(k.usage.bits()))
        .u64(u64::from(k.state.state_code()))
        .opt_time(k.destroy_at)
        .opt_time(k.activation_date)
        .opt_time(k.deactivation_date)
        .opt_time(k.protect_stop_date)
        .opt_time(k.process_start_date)
        .opt_time(k.compromise_date)
        .opt_time(k.destroyed_at)
        .u64(u64::from(k.primary_version))
        .u64(u64::from(k.min_decryption_version))
        .str(k.origin.name())
        .time(k.created_at);
    // Added with KMIP: written only when not the default, so records MACed before keep
    // verifying. The kind decides what the material may be used for; `exportable` whether it
    // may leave.
    if k.object_kind != ObjectKind::default_for(k.algorithm) || k.exportable {
        c.str(k.object_kind.name()).u64(u64::from(k.exportable));
    }
    // Added with templates and rotation, under the same rule.
    let s = &k.schedule;
    if !s.is_empty() {
        let secs =
            |d: Option<time::Duration>| d.map_or(u64::MAX, |d| d.whole_seconds().unsigned_abs());
        c.str("schedule")
            .str(s.template.as_deref().unwrap_or(""))
            .u64(secs(s.cryptoperiod))
            .u64(secs(s.rotation_interval))
            .u64(secs(s.rotate_before))
            .u64(s.use_limit.unwrap_or(u64::MAX))
            .opt_time(s.next_rotation_at);
    }
    c
}

fn version_canon(v: &KeyVersion) -> Canon {
    let mut c = Canon::new("keyhaven-key-version-v1");
    c.bytes(v.key_id.0.as_bytes())
        .u64(u64::from(v.version))
        .opt_digest(v.sealed_material.as_deref())
        .opt_digest(v.public_key.as_deref())
        .time(v.created_at);
    c
}

fn vault_canon(v: &Vault) -> Canon {
    let mut c = Canon::new("keyhaven-vault-v1");
    c.bytes(v.id.0.as_bytes())
        .str(v.name.as_str())
        .u64(u64::from(v.pending_destruction_days))
        .u64(u64::from(v.root_generation))
        .opt_digest(Some(&v.sealed_kek))
        .time(v.created_at);
    c
}

fn principal_canon(p: &Principal) -> Canon {
    let mut c = Canon::new("keyhaven-principal-v1");
    c.bytes(p.id.0.as_bytes())
        .str(p.name.as_str())
        .str(p.kind.name())
        .u64(u64::from(p.system_roles.bits()))
        .u64(u64::from(p.disabled))
        .time(p.created_at);
    c
}

fn token_canon(t: &Token) -> Canon {
    let mut c = Canon::new("keyhaven-token-v1");
    c.bytes(t.id.0.as_bytes())
        .bytes(t.principal_id.0.as_bytes())
        .bytes(&t.hash)
        .time(t.created_at)
        .opt_time(t.expires_at)
        .opt_time(t.revoked_at);
    c
}

fn binding_canon(b: &RoleBinding) -> Canon {
    let mut c = Canon::new("keyhaven-role-binding-v1");
    c.bytes(b.vault_id.0.as_bytes())
        .bytes(b.principal_id.0.as_bytes())
        .str(b.role.name())
        .time(b.granted_at);
    c
}

fn cert_canon(b: &CertBinding) -> Canon {
    let mut c = Canon::new("keyhaven-cert-binding-v1");
    c.bytes(b.id.as_bytes())
        .bytes(b.principal_id.0.as_bytes())
        .str(b.kind.name())
        .str(&b.value)
        .time(b.created_at);
    c
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::model::{VaultId, VaultName};

    fn vault() -> Vault {
        Vault {
            id: VaultId(Uuid::from_u128(1)),
            name: "v".parse::<VaultName>().unwrap(),
            pending_destruction_days: 7,
            root_generation: 1,
            sealed_kek: vec![1, 2, 3],
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
            mac: Vec::new(),
        }
    }

    #[test]
    fn every_covered_field_changes_the_mac() {
        let k = IntegrityKey::new(&SecretBytes::from_slice(&[9; 32]));
        let mut v = vault();
        v.mac = k.vault_mac(&v);
        assert!(k.vault_ok(&v));
        let edits: [fn(&mut Vault); 5] = [
            |v| v.pending_destruction_days = 0,
            |v| v.root_generation = 2,
            |v| v.sealed_kek[0] ^= 1,
            |v| v.id = VaultId(Uuid::from_u128(2)),
            |v| v.name = "w".parse().unwrap(),
        ];
        for edit in edits {
            let mut t = v.clone();
            edit(&mut t);
            assert!(!k.vault_ok(&t));
        }
        // updated_at is not covered: settings changes re-MAC anyway.
        let mut t = v.clone();
        t.updated_at = OffsetDateTime::now_utc();
        assert!(k.vault_ok(&t));
        // Another key does not accept the MAC; a truncated MAC is refused.
        let other = IntegrityKey::new(&SecretBytes::from_slice(&[8; 32]));
        assert!(!other.vault_ok(&v));
        let mut t = v.clone();
        t.mac.truncate(16);
        assert!(!k.vault_ok(&t));
    }
}
