//! Managed objects as KMIP sees them: returning an exportable object's material.

use crate::access::{Caller, Permission};
use crate::error::{Error, Result};
use crate::model::{Key, KeyId};
use crate::secret::SecretBytes;
use crate::service::KeyService;

/// An object's material, returned to a caller allowed to export it.
pub struct ExportedObject {
    /// The record.
    pub key: Key,
    /// The version returned (the primary one).
    pub version: u32,
    /// The material in storage encoding (raw for symmetric keys and data, PKCS#8 DER for
    /// private keys, SPKI DER for public keys, DER for certificates).
    pub material: SecretBytes,
    /// The public key (SPKI DER) for private and public keys.
    pub public_key: Option<Vec<u8>>,
}

impl std::fmt::Debug for ExportedObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportedObject")
            .field("key", &self.key.id)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl KeyService {
    /// Returns the primary version's material of an exportable object (crypto-user or
    /// key-manager). Objects that are not exportable are refused for every caller; destroyed
    /// objects have nothing to return. Audited as `key.export`.
    pub async fn export_object(&self, caller: &Caller, id: KeyId) -> Result<ExportedObject> {
        let key = self
            .load_for(caller, id, Permission::ExportKey, "key.export")
            .await?;
        if !key.exportable {
            return Err(Error::Forbidden(format!(
                "key {id} is not exportable: its material never leaves keyhaven; use it through \
                 the cryptographic operations"
            )));
        }
        if key.state.is_destroyed() {
            return Err(Error::InvalidRequest(format!(
                "key {id} is {}: its material was erased",
                key.state
            )));
        }
        let version = key.primary_version;
        caller.with_note(|n| n.key_version = Some(version));
        let v = self
            .version(Some(caller), id, version)
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "key version",
                id: format!("{id} v{version}"),
            })?;
        let sealed = v.sealed_material.ok_or_else(|| {
            Error::InvalidRequest(format!("key {id} version {version} has no material"))
        })?;
        let material = self.unseal_material(&key, version, &sealed).await?;
        Ok(ExportedObject {
            key,
            version,
            material,
            public_key: v.public_key,
        })
    }

    /// [`KeyService::export_object`] in plaintext: only where the key's vault allows it
    /// (`allow_plaintext_export` in its policy override); refused otherwise, whatever the
    /// caller's role. Audited as `key.export` with the detail `plaintext`.
    pub async fn export_plaintext(&self, caller: &Caller, id: KeyId) -> Result<ExportedObject> {
        let obj = self.export_object(caller, id).await?;
        let allowed = self
            .stored_override(Some(caller), obj.key.vault_id)
            .await?
            .and_then(|o| o.allow_plaintext_export)
            .unwrap_or(false);
        if !allowed {
            return Err(Error::Forbidden(format!(
                "vault {} does not allow plaintext export (allow_plaintext_export in its policy \
                 override); export the key wrapped for a public key or under another key",
                obj.key.vault_name
            )));
        }
        caller.with_note(|n| n.detail = Some("plaintext".to_owned()));
        Ok(obj)
    }
}
