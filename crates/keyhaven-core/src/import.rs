//! Wrapped key import (BYOK): every vault hands out an RSA import public key; a client wraps
//! existing key material for it (`RSA-OAEP-SHA-256(AES-256 key) || AES-KWP(material)`, what
//! cloud KMSs call `RSA_AES_KEY_WRAP_SHA_256`, see docs/IMPORT.md) and the service unwraps it
//! and creates the key through [`KeyService::create_key`], so the crypto policy, usage checks
//! and the lifecycle apply exactly as to any other key.
//!
//! Rotation: an import key is issued for [`ISSUE_PERIOD`] (24 hours); the first request after
//! that generates the next one. Material wrapped for a key is accepted until [`ACCEPT_PERIOD`]
//! (48 hours) after the key was created, so a client that fetched it just before a rotation
//! still succeeds. Keys past their acceptance are deleted when the next key is generated.
//!
//! The import private key is sealed under the vault's KEK (AES-256-GCM, associated data binding
//! the import key id and vault), and the record carries an integrity MAC, so neither the
//! private key nor the public key handed out can be swapped in the database unnoticed.

use std::fmt;

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::access::{Caller, Permission};
use crate::crypto::CryptoError;
use crate::error::{Error, Result};
use crate::model::{Key, Vault, VaultId, VaultName};
use crate::service::{KeyService, NewKey};

/// How long an import key is handed out before the next one is generated.
pub const ISSUE_PERIOD: Duration = Duration::hours(24);
/// How long after its creation material wrapped for an import key is accepted.
pub const ACCEPT_PERIOD: Duration = Duration::hours(48);
/// What the import key is and how it is used, for clients.
pub const IMPORT_ALGORITHM: &str = "RSA-3072 OAEP-SHA256 + AES-KWP";
/// The cloud KMS name of the wrapping scheme.
pub const IMPORT_WRAPPING: &str = "RSA_AES_KEY_WRAP_SHA_256";

/// A vault's import key as stored. `Debug` shows neither the sealed private key nor the MAC.
#[derive(Clone, PartialEq, Eq)]
pub struct ImportKey {
    /// Identifier, named by the client that wraps for it.
    pub id: Uuid,
    /// The vault whose keys it imports.
    pub vault_id: VaultId,
    /// The RSA private key (PKCS#8 DER) sealed under the vault's KEK.
    pub sealed_private: Vec<u8>,
    /// The RSA public key (SubjectPublicKeyInfo DER) handed to clients.
    pub public_key: Vec<u8>,
    /// When it was generated.
    pub created_at: OffsetDateTime,
    /// End of its issuing period: [`ISSUE_PERIOD`] after creation.
    pub expires_at: OffsetDateTime,
    /// Record-integrity MAC.
    pub mac: Vec<u8>,
}

impl ImportKey {
    /// Until when material wrapped for this key is accepted: [`ACCEPT_PERIOD`] after creation.
    pub fn accepted_until(&self) -> OffsetDateTime {
        self.created_at + ACCEPT_PERIOD
    }
}

impl fmt::Debug for ImportKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportKey")
            .field("id", &self.id)
            .field("vault_id", &self.vault_id)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// What a client needs to wrap key material for a vault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportKeyInfo {
    /// The import key's id, sent back with the wrapped material.
    pub id: Uuid,
    /// The vault.
    pub vault: VaultName,
    /// The RSA public key, SubjectPublicKeyInfo DER.
    pub public_key_spki_der: Vec<u8>,
    /// [`IMPORT_ALGORITHM`].
    pub algorithm: &'static str,
    /// [`IMPORT_WRAPPING`].
    pub wrapping: &'static str,
    /// When the key was generated.
    pub created_at: OffsetDateTime,
    /// When the next key will be handed out instead.
    pub expires_at: OffsetDateTime,
    /// Until when material wrapped for it is accepted.
    pub accepted_until: OffsetDateTime,
}

impl KeyService {
    /// The vault's current import key (key-manager in the vault), generated when the vault has
    /// none in its issuing period. Concurrent first requests may each generate one; all are
    /// valid and the newest is handed out from then on.
    pub async fn import_key_for(
        &self,
        caller: &Caller,
        vault: &VaultName,
    ) -> Result<ImportKeyInfo> {
        caller.with_note(|n| n.action = Some("vault.import-key"));
        let vault = self.vault_for(caller, vault, Permission::CreateKey).await?;
        let now = self.clock.now();
        let key = match self.store.current_import_key(vault.id, now).await? {
            Some(k) => {
                self.check_import_key(caller, &k).await?;
                k
            }
            None => self.new_import_key(caller, &vault, now).await?,
        };
        Ok(ImportKeyInfo {
            id: key.id,
            vault: vault.name.clone(),
            public_key_spki_der: key.public_key.clone(),
            algorithm: IMPORT_ALGORITHM,
            wrapping: IMPORT_WRAPPING,
            created_at: key.created_at,
            expires_at: key.expires_at,
            accepted_until: key.accepted_until(),
        })
    }

    /// Creates a key from material wrapped for the import key `import_key_id` of `new.vault`
    /// (key-manager in the vault): unwraps it and hands it to [`KeyService::create_key`] as
    /// `import_material` (which must be `None` here). Audited as `key.import`, with the
    /// import key named in the detail.
    ///
    /// Errors: an import key of another vault, or none, is `not_found`; one past its
    /// acceptance period is `invalid_request` saying to fetch the current one; a blob that
    /// does not unwrap (wrong import key, altered bytes) is one `decryption_failed` message,
    /// whatever step failed.
    pub async fn import_wrapped(
        &self,
        caller: &Caller,
        mut new: NewKey,
        import_key_id: Uuid,
        wrapped: &[u8],
    ) -> Result<Key> {
        caller.with_note(|n| {
            n.action = Some("key.import");
            n.detail = Some(format!("wrapped under import key {import_key_id}"));
        });
        let vault = self
            .vault_for(caller, &new.vault, Permission::CreateKey)
            .await?;
        if new.import_material.is_some() {
            return Err(Error::InvalidRequest(
                "a wrapped import carries the material wrapped only; leave import_material out"
                    .to_owned(),
            ));
        }
        let key = self
            .store
            .get_import_key(import_key_id)
            .await?
            .filter(|k| k.vault_id == vault.id)
            .ok_or_else(|| Error::NotFound {
                kind: "import key",
                id: format!("{import_key_id} of vault {}", vault.name),
            })?;
        self.check_import_key(caller, &key).await?;
        let now = self.clock.now();
        if now >= key.accepted_until() {
            return Err(Error::InvalidRequest(format!(
                "import key {} of vault {name} expired at {}: material wrapped for an import key \
                 is accepted until {} hours after it was issued; fetch the current import key \
                 (GET /v1/vaults/{name}/import-key, or `keyhaven key import-key --vault {name}`) \
                 and wrap the material again",
                key.id,
                key.accepted_until(),
                ACCEPT_PERIOD.whole_hours(),
                name = vault.name,
            )));
        }
        let kek = self.kek(&vault).await?;
        let private = self
            .crypto
            .unseal(&kek, &import_key_aad(key.id, vault.id), &key.sealed_private)
            .map_err(|_| {
                Error::Crypto(format!(
                    "import key {} does not unseal under the KEK of vault {}",
                    key.id, vault.name
                ))
            })?;
        let material = self
            .crypto
            .unwrap_import(&private, wrapped)
            .map_err(|e| match e {
                CryptoError::AuthenticationFailed => Error::DecryptionFailed(format!(
                    "the wrapped material does not unwrap under import key {}: it was wrapped \
                     for another import key, or altered. Encrypt a fresh AES-256 key with \
                     RSA-OAEP (SHA-256, MGF1-SHA-256, no label) under this import key's public \
                     key, follow it with the material wrapped under that AES key with AES key \
                     wrap with padding (RFC 5649), and send both (docs/IMPORT.md)",
                    key.id
                )),
                other => Error::from(other),
            })?;
        drop(private);
        new.import_material = Some(material);
        self.create_key(caller, new).await
    }

    /// Deletes import keys whose acceptance period ended (any vault); returns how many. The
    /// service also does this whenever it generates an import key.
    pub async fn purge_expired_import_keys(&self) -> Result<u64> {
        let before = self.clock.now() - (ACCEPT_PERIOD - ISSUE_PERIOD);
        Ok(self.store.delete_expired_import_keys(before).await?)
    }

    async fn new_import_key(
        &self,
        caller: &Caller,
        vault: &Vault,
        now: OffsetDateTime,
    ) -> Result<ImportKey> {
        let generated = self.crypto.generate_import_key()?;
        let public_key = generated.public_key.ok_or_else(|| {
            Error::Crypto("the provider generated an import key without its public key".to_owned())
        })?;
        let id = self.new_uuid(now)?;
        let kek = self.kek(vault).await?;
        let sealed_private = self.crypto.seal(
            &kek,
            &import_key_aad(id, vault.id),
            generated.material.expose(),
        )?;
        let mut key = ImportKey {
            id,
            vault_id: vault.id,
            sealed_private,
            public_key,
            created_at: now,
            expires_at: now + ISSUE_PERIOD,
            mac: Vec::new(),
        };
        key.mac = self.system.integrity.import_key_mac(&key);
        self.store.create_import_key(&key).await?;
        let purged = self
            .store
            .delete_expired_import_keys(now - (ACCEPT_PERIOD - ISSUE_PERIOD))
            .await?;
        caller.with_note(|n| {
            n.detail = Some(format!(
                "new import key {id}; {purged} expired import key(s) removed"
            ))
        });
        Ok(key)
    }

    async fn check_import_key(&self, caller: &Caller, key: &ImportKey) -> Result<()> {
        if self.system.integrity.import_key_ok(key) {
            Ok(())
        } else {
            Err(self
                .integrity_failed(Some(caller), "import key", key.id.to_string())
                .await)
        }
    }
}

/// Associated data binding a sealed import private key to its id and vault.
fn import_key_aad(id: Uuid, vault: VaultId) -> Vec<u8> {
    let mut v = b"keyhaven-import-key-v1".to_vec();
    v.extend_from_slice(id.as_bytes());
    v.extend_from_slice(vault.0.as_bytes());
    v
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    fn key() -> ImportKey {
        let at = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        ImportKey {
            id: Uuid::from_u128(7),
            vault_id: VaultId(Uuid::from_u128(9)),
            sealed_private: vec![0xaa; 40],
            public_key: vec![0xbb; 20],
            created_at: at,
            expires_at: at + ISSUE_PERIOD,
            mac: vec![0xcc; 32],
        }
    }

    #[test]
    fn acceptance_outlasts_issuing_by_a_day() {
        let k = key();
        assert_eq!(k.accepted_until() - k.expires_at, Duration::hours(24));
        assert_eq!(k.accepted_until() - k.created_at, Duration::hours(48));
    }

    #[test]
    fn debug_shows_no_key_bytes() {
        let shown = format!("{:?}", key());
        assert!(shown.contains("ImportKey"), "{shown}");
        assert!(!shown.contains("170") && !shown.contains("aa"), "{shown}");
        assert!(!shown.contains("187") && !shown.contains("204"), "{shown}");
    }

    #[test]
    fn every_covered_field_changes_the_mac() {
        let integrity =
            crate::integrity::IntegrityKey::new(&crate::secret::SecretBytes::from_slice(&[3; 32]));
        let mut k = key();
        k.mac = integrity.import_key_mac(&k);
        assert!(integrity.import_key_ok(&k));
        let edits: [fn(&mut ImportKey); 6] = [
            |k| k.id = Uuid::from_u128(8),
            |k| k.vault_id = VaultId(Uuid::from_u128(10)),
            |k| k.sealed_private[0] ^= 1,
            |k| k.public_key[0] ^= 1,
            |k| k.created_at -= Duration::hours(1),
            |k| k.expires_at += Duration::hours(1),
        ];
        for edit in edits {
            let mut t = k.clone();
            edit(&mut t);
            assert!(!integrity.import_key_ok(&t));
        }
    }

    #[test]
    fn the_aad_binds_id_and_vault() {
        let a = import_key_aad(Uuid::from_u128(1), VaultId(Uuid::from_u128(2)));
        let b = import_key_aad(Uuid::from_u128(2), VaultId(Uuid::from_u128(1)));
        assert_ne!(a, b);
        assert!(a.starts_with(b"keyhaven-import-key-v1"));
    }
}
