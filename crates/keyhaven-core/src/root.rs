//! The root of trust: the key at the top of the hierarchy
//! (root key → vault KEKs → key material). A [`RootKey`] wraps and unwraps vault KEKs and the
//! system secret (from which the record-integrity MAC key and the audit signing key are
//! derived). It is either held in memory (unsealed from a passphrase, Shamir shares or the
//! development key file) or lives inside a PKCS#11 HSM, where it never leaves the token.

use crate::crypto::CryptoError;
use crate::secret::SecretBytes;

/// A root key of one generation. Implementations zeroize any in-memory secret on drop.
pub trait RootKey: Send + Sync {
    /// Generation (1, 2, ...). Root key rotation creates the next generation and re-wraps every
    /// KEK under it.
    fn generation(&self) -> u32;

    /// AES-256-GCM encryption of a short secret (a KEK or the system secret, at most 64
    /// bytes) binding `aad`. Output: 12-byte nonce || ciphertext || 16-byte tag.
    fn wrap(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError>;

    /// Inverse of [`RootKey::wrap`]: [`CryptoError::AuthenticationFailed`] when `wrapped` was
    /// altered, `aad` differs, or it was wrapped under another root key.
    fn unwrap(&self, aad: &[u8], wrapped: &[u8]) -> Result<SecretBytes, CryptoError>;

    /// What this root key is, for logs and `/v1/ready` (never secret): `software`,
    /// `pkcs11 token "T" key "L"`.
    fn describe(&self) -> String;
}

/// Length of the system secret.
pub const SYSTEM_SECRET_LEN: usize = 32;

/// Associated data binding the wrapped system secret.
pub const SYSTEM_SECRET_AAD: &[u8] = b"keyhaven-system-secret-v1";

/// How the server is sealed, as stored (non-secret). Core keeps `method` and `params` opaque;
/// the server's unseal code interprets them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealRecord {
    /// `dev`, `passphrase`, `shamir` or `pkcs11`.
    pub method: String,
    /// Method parameters as JSON (Argon2id salt and costs, Shamir threshold and set id,
    /// PKCS#11 token label). Never secret.
    pub params: String,
    /// The current root key generation.
    pub root_generation: u32,
    /// The system secret wrapped under the current root key.
    pub wrapped_system_secret: Vec<u8>,
    /// Created.
    pub created_at: time::OffsetDateTime,
    /// Last change (root rotation).
    pub updated_at: time::OffsetDateTime,
}

/// One generation of the root key as stored: wrapped under the unseal key for software
/// methods, `None` when the key lives in an HSM.
#[derive(Clone, PartialEq, Eq)]
pub struct RootKeyRecord {
    /// Generation.
    pub generation: u32,
    /// The root key wrapped under the unseal key.
    pub wrapped: Option<Vec<u8>>,
    /// Created.
    pub created_at: time::OffsetDateTime,
}

impl std::fmt::Debug for RootKeyRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RootKeyRecord")
            .field("generation", &self.generation)
            .field("wrapped", &self.wrapped.as_ref().map(Vec::len))
            .finish_non_exhaustive()
    }
}

/// Keys derived from the system secret (HKDF-SHA-256): the record-integrity MAC key and the
/// audit checkpoint signing key.
pub struct SystemKeys {
    /// Record-integrity MAC key.
    pub integrity: crate::integrity::IntegrityKey,
    /// Audit checkpoint signer.
    pub audit: crate::audit::AuditSigner,
}

impl SystemKeys {
    /// Derives both keys.
    pub fn derive(secret: &SecretBytes) -> Result<SystemKeys, CryptoError> {
        use aws_lc_rs::hkdf::{Salt, HKDF_SHA256};
        let prk = Salt::new(HKDF_SHA256, b"keyhaven-system-v1").extract(secret.expose());
        let derive = |info: &[u8]| -> Result<SecretBytes, CryptoError> {
            let mut out = SecretBytes::zeroed(32);
            prk.expand(&[info], HKDF_SHA256)
                .and_then(|okm| okm.fill(out.expose_mut()))
                .map_err(|_| CryptoError::Internal("key derivation failed".to_owned()))?;
            Ok(out)
        };
        let integrity = crate::integrity::IntegrityKey::new(&derive(b"record-integrity")?);
        let seed = derive(b"audit-checkpoint-signing")?;
        let audit = crate::audit::AuditSigner::from_seed(seed.expose())
            .ok_or_else(|| CryptoError::Internal("audit signing key derivation failed".into()))?;
        Ok(SystemKeys { integrity, audit })
    }
}

/// What a root key rotation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationReport {
    /// The generation replaced.
    pub from: u32,
    /// The new current generation.
    pub to: u32,
    /// Vault KEKs re-wrapped.
    pub vaults: usize,
}

impl crate::service::KeyService {
    /// Makes `new_root` the current root key: every vault KEK and the system secret are
    /// re-wrapped under it in one transaction, while requests go on (KEKs stay cached; key
    /// material is not touched). Older generations are retired. System-admin.
    pub async fn rotate_root(
        &self,
        caller: &crate::access::Caller,
        new_root: std::sync::Arc<dyn RootKey>,
    ) -> crate::error::Result<RotationReport> {
        use crate::error::Error;
        caller.with_note(|n| n.action = Some("root.rotate"));
        caller.require_system(crate::access::Permission::ManageSeal)?;
        let from = self.roots_read().current;
        let to = new_root.generation();
        if to <= from {
            return Err(Error::InvalidRequest(format!(
                "the new root key generation ({to}) must be above the current one ({from})"
            )));
        }
        if !self
            .store
            .root_keys()
            .await?
            .iter()
            .any(|r| r.generation == to)
        {
            // Retiring the others would leave nothing to unseal with after a restart.
            return Err(Error::InvalidRequest(format!(
                "root key generation {to} is not stored yet; store it before rotating to it"
            )));
        }
        let seal = self
            .store
            .get_seal()
            .await?
            .ok_or_else(|| Error::InvalidRequest("not initialised".to_owned()))?;
        let secret = self
            .root(seal.root_generation)?
            .unwrap(SYSTEM_SECRET_AAD, &seal.wrapped_system_secret)?;
        let wrapped_system_secret = new_root.wrap(SYSTEM_SECRET_AAD, secret.expose())?;
        let mut attempt = 0;
        loop {
            let mut vaults = Vec::new();
            for mut v in self.store.list_vaults().await? {
                if !self.system.integrity.vault_ok(&v) {
                    return Err(self
                        .integrity_failed(Some(caller), "vault", v.name.to_string())
                        .await);
                }
                let kek = self.kek(&v).await?;
                v.sealed_kek = new_root.wrap(&crate::service::kek_aad(v.id), kek.expose())?;
                v.root_generation = to;
                v.updated_at = self.clock.now();
                v.mac = self.system.integrity.vault_mac(&v);
                vaults.push(v);
            }
            let retire: Vec<u32> = self
                .store
                .root_keys()
                .await?
                .into_iter()
                .map(|r| r.generation)
                .filter(|g| *g != to)
                .collect();
            let at = self.clock.now();
            let audit = crate::audit::AuditEvent {
                at,
                request_id: caller.context.request_id.clone(),
                principal: Some(caller.name().to_owned()),
                source: caller.context.source.map(|s| s.to_string()),
                action: "root.rotate".to_owned(),
                route: None,
                vault: None,
                key: None,
                key_version: None,
                outcome: crate::access::Outcome::Success,
                code: None,
                detail: Some(format!(
                    "root key generation {from} -> {to}; {} vault KEKs re-wrapped",
                    vaults.len()
                )),
            };
            match self
                .store
                .rotate_root(crate::store::RootRotation {
                    generation: to,
                    vaults: &vaults,
                    wrapped_system_secret: &wrapped_system_secret,
                    retire: &retire,
                    at,
                    audit: &audit,
                })
                .await
            {
                Ok(()) => {
                    let mut roots = match self.roots.write() {
                        Ok(g) => g,
                        Err(poisoned) => poisoned.into_inner(),
                    };
                    roots.by_generation.retain(|g, _| !retire.contains(g));
                    roots.by_generation.insert(to, new_root);
                    roots.current = to;
                    return Ok(RotationReport {
                        from,
                        to,
                        vaults: vaults.len(),
                    });
                }
                // A vault was created meanwhile under the old generation: take it too.
                Err(crate::store::StoreError::Conflict) if attempt < 4 => attempt += 1,
                Err(e) => return Err(e.into()),
            }
        }
    }
}
