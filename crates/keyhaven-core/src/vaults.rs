//! Vaults: the access boundaries holding keys, each with its own key-encryption key (KEK)
//! wrapped under the root key.

use crate::access::{Caller, Permission, RoleBinding, VaultRole};
use crate::error::{Error, Result};
use crate::model::{Vault, VaultId, VaultName};
use crate::secret::SecretBytes;
use crate::service::{
    check_days, kek_aad, lock, KeyService, DEFAULT_PENDING_DESTRUCTION_DAYS, KEK_LEN,
};
use crate::store::StoreError;

fn not_found_vault(name: &str) -> Error {
    Error::NotFound {
        kind: "vault",
        id: name.to_owned(),
    }
}

impl KeyService {
    /// Creates a vault with its own KEK (system-admin). The creator receives `creator_roles`
    /// in it (`admin` when empty), so that someone can manage its members.
    pub async fn create_vault(
        &self,
        caller: &Caller,
        name: VaultName,
        pending_destruction_days: Option<u32>,
        creator_roles: &[VaultRole],
    ) -> Result<Vault> {
        caller.with_note(|n| {
            n.action = Some("vault.create");
            n.vault = Some(name.to_string());
        });
        caller.require_system(Permission::CreateVault)?;
        let days = pending_destruction_days.unwrap_or(DEFAULT_PENDING_DESTRUCTION_DAYS);
        check_days(days)?;
        let now = self.clock.now();
        let id = VaultId(self.new_uuid(now)?);
        let mut kek = SecretBytes::zeroed(KEK_LEN);
        self.crypto.random(kek.expose_mut())?;
        let mut bindings = Vec::new();
        if !caller.identity.internal {
            let roles: &[VaultRole] = if creator_roles.is_empty() {
                &[VaultRole::Admin]
            } else {
                creator_roles
            };
            for role in roles {
                let mut b = RoleBinding {
                    vault_id: id,
                    principal_id: caller.identity.principal,
                    role: *role,
                    granted_at: now,
                    granted_by: caller.name().to_owned(),
                    mac: Vec::new(),
                };
                b.mac = self.system.integrity.binding_mac(&b);
                bindings.push(b);
            }
        }
        // A root rotation may switch generations between reading the current one and the
        // insert; the store refuses a stale generation and we wrap again.
        let mut attempt = 0;
        let vault = loop {
            let root = self.current_root()?;
            let mut vault = Vault {
                id,
                name: name.clone(),
                pending_destruction_days: days,
                root_generation: root.generation(),
                sealed_kek: root.wrap(&kek_aad(id), kek.expose())?,
                created_at: now,
                updated_at: now,
                mac: Vec::new(),
            };
            vault.mac = self.system.integrity.vault_mac(&vault);
            match self.store.create_vault(&vault, &bindings).await {
                Ok(()) => break vault,
                Err(StoreError::AlreadyExists) => {
                    return Err(Error::AlreadyExists {
                        kind: "vault",
                        name: vault.name.to_string(),
                    })
                }
                Err(StoreError::Conflict) if attempt < 4 => attempt += 1,
                Err(e) => return Err(e.into()),
            }
        };
        lock(&self.keks).insert(id, kek);
        if !bindings.is_empty() {
            self.access_changed();
        }
        Ok(vault)
    }

    /// A vault by name, checked against its MAC; no permission check.
    pub(crate) async fn vault_by_name(
        &self,
        caller: Option<&Caller>,
        name: &VaultName,
    ) -> Result<Vault> {
        let vault = self
            .store
            .get_vault_by_name(name.as_str())
            .await?
            .ok_or_else(|| not_found_vault(name.as_str()))?;
        if !self.system.integrity.vault_ok(&vault) {
            return Err(self
                .integrity_failed(caller, "vault", vault.name.to_string())
                .await);
        }
        Ok(vault)
    }

    /// A vault the caller needs `p` in.
    pub(crate) async fn vault_for(
        &self,
        caller: &Caller,
        name: &VaultName,
        p: Permission,
    ) -> Result<Vault> {
        caller.with_note(|n| n.vault = Some(name.to_string()));
        let vault = self.vault_by_name(Some(caller), name).await?;
        caller.require(vault.id, p, || not_found_vault(name.as_str()))?;
        Ok(vault)
    }

    /// A vault by name (any role in it, or system-admin / system-auditor).
    pub async fn get_vault(&self, caller: &Caller, name: &VaultName) -> Result<Vault> {
        caller.with_note(|n| n.action = Some("vault.get"));
        self.vault_for(caller, name, Permission::ReadVault).await
    }

    /// The vaults the caller can see.
    pub async fn list_vaults(&self, caller: &Caller) -> Result<Vec<Vault>> {
        caller.with_note(|n| n.action = Some("vault.list"));
        let mut out = Vec::new();
        for vault in self.store.list_vaults().await? {
            if !caller.sees_vault(vault.id) {
                continue;
            }
            if !self.system.integrity.vault_ok(&vault) {
                // Reported (audit, ready) and left out; `get` names the error.
                let _ = self
                    .integrity_failed(Some(caller), "vault", vault.name.to_string())
                    .await;
                continue;
            }
            out.push(vault);
        }
        Ok(out)
    }

    /// Changes a vault's pending-destruction period (vault admin; applies to destructions
    /// scheduled later).
    pub async fn update_vault(
        &self,
        caller: &Caller,
        name: &VaultName,
        pending_destruction_days: Option<u32>,
    ) -> Result<Vault> {
        caller.with_note(|n| n.action = Some("vault.update"));
        for _ in 0..4 {
            let mut vault = self
                .vault_for(caller, name, Permission::UpdateVault)
                .await?;
            if let Some(days) = pending_destruction_days {
                check_days(days)?;
                vault.pending_destruction_days = days;
            }
            vault.updated_at = self.clock.now();
            vault.mac = self.system.integrity.vault_mac(&vault);
            match self.store.update_vault(&vault).await {
                Ok(()) => return Ok(vault),
                Err(StoreError::Conflict) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::Conflict(format!(
            "vault {name} keeps changing; retry"
        )))
    }

    /// Deletes an empty vault (system-admin) with its role bindings.
    pub async fn delete_vault(&self, caller: &Caller, name: &VaultName) -> Result<()> {
        caller.with_note(|n| {
            n.action = Some("vault.delete");
            n.vault = Some(name.to_string());
        });
        caller.require_system(Permission::DeleteVault)?;
        let vault = self.vault_by_name(Some(caller), name).await?;
        match self.store.delete_vault(vault.id).await {
            Ok(()) => {
                lock(&self.keks).remove(&vault.id);
                self.access_changed();
                Ok(())
            }
            Err(StoreError::NotEmpty) => Err(Error::VaultNotEmpty(name.to_string())),
            Err(e) => Err(e.into()),
        }
    }

    /// The vault's KEK, unwrapped by the root key of its generation (cached).
    pub(crate) async fn kek(&self, vault: &Vault) -> Result<SecretBytes> {
        if let Some(k) = lock(&self.keks).get(&vault.id) {
            return Ok(k.clone());
        }
        let root = self.root(vault.root_generation)?;
        let kek = root
            .unwrap(&kek_aad(vault.id), &vault.sealed_kek)
            .map_err(|_| {
                Error::Crypto(format!(
                    "the KEK of vault {} does not unwrap under root key generation {}",
                    vault.name, vault.root_generation
                ))
            })?;
        lock(&self.keks).insert(vault.id, kek.clone());
        Ok(kek)
    }

    /// The KEK of a vault by id.
    pub(crate) async fn kek_by_id(&self, id: VaultId) -> Result<SecretBytes> {
        if let Some(k) = lock(&self.keks).get(&id) {
            return Ok(k.clone());
        }
        let vault = self.vault_by_id(id).await?;
        self.kek(&vault).await
    }

    /// A vault by id, checked against its MAC.
    pub(crate) async fn vault_by_id(&self, id: VaultId) -> Result<Vault> {
        let vault = self
            .store
            .get_vault(id)
            .await?
            .ok_or_else(|| not_found_vault(&id.to_string()))?;
        if !self.system.integrity.vault_ok(&vault) {
            return Err(self
                .integrity_failed(None, "vault", vault.name.to_string())
                .await);
        }
        Ok(vault)
    }
}
