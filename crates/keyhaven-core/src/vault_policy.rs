//! A vault's crypto policy: the server's policy tightened by the vault's override (which can
//! only make it stricter; see docs/POLICY.md).

use std::sync::Arc;

use crate::access::{Caller, Permission};
use crate::error::{Error, Result};
use crate::model::{VaultId, VaultName};
use crate::policy::{
    AlgorithmSpec, CryptoPolicy, KeyClass, NewKeyCheck, PolicyOverride, Primitive,
};
use crate::service::{lock, KeyService};
use crate::store::VaultPolicy;

/// A vault's policy as shown to callers.
#[derive(Clone, Debug)]
pub struct VaultPolicyView {
    /// The vault's override, if it has one.
    pub override_document: Option<PolicyOverride>,
    /// The policy in force in the vault (server policy with the override applied).
    pub effective: CryptoPolicy,
}

impl KeyService {
    /// The server's crypto policy.
    pub fn server_policy(&self) -> &CryptoPolicy {
        &self.policy
    }

    /// A vault's override and effective policy (anyone who may read the vault).
    pub async fn vault_policy(
        &self,
        caller: &Caller,
        vault: &VaultName,
    ) -> Result<VaultPolicyView> {
        caller.with_note(|n| n.action = Some("vault.policy.get"));
        let v = self.vault_for(caller, vault, Permission::ReadVault).await?;
        let stored = self.stored_override(Some(caller), v.id).await?;
        let effective = match &stored {
            Some(o) => self.policy.with_override(o),
            None => self.policy.clone(),
        };
        Ok(VaultPolicyView {
            override_document: stored,
            effective,
        })
    }

    /// Sets a vault's override (vault admin). Keys already made are not changed; the
    /// compliance report judges them by the new policy.
    pub async fn set_vault_policy(
        &self,
        caller: &Caller,
        vault: &VaultName,
        document: PolicyOverride,
    ) -> Result<VaultPolicyView> {
        caller.with_note(|n| n.action = Some("vault.policy.set"));
        let v = self
            .vault_for(caller, vault, Permission::UpdateVault)
            .await?;
        if document.allow_plaintext_export == Some(true) {
            // The one loosening setting: a system administrator's decision, not a vault's.
            caller.require_system(Permission::ManageSeal).map_err(|_| {
                Error::Forbidden(
                    "only a system administrator may allow plaintext export \
                     (allow_plaintext_export)"
                        .to_owned(),
                )
            })?;
        }
        let mut p = VaultPolicy {
            vault_id: v.id,
            document: document.to_json(),
            updated_at: self.clock.now(),
            mac: Vec::new(),
        };
        p.mac = self.system.integrity.vault_policy_mac(&p);
        self.store.put_vault_policy(&p).await?;
        lock(&self.vault_policies).remove(&v.id);
        Ok(VaultPolicyView {
            effective: self.policy.with_override(&document),
            override_document: Some(document),
        })
    }

    /// Removes a vault's override (vault admin); the server's policy applies again.
    pub async fn delete_vault_policy(&self, caller: &Caller, vault: &VaultName) -> Result<()> {
        caller.with_note(|n| n.action = Some("vault.policy.delete"));
        let v = self
            .vault_for(caller, vault, Permission::UpdateVault)
            .await?;
        let removed = self.store.delete_vault_policy(v.id).await?;
        lock(&self.vault_policies).remove(&v.id);
        if removed {
            Ok(())
        } else {
            Err(Error::NotFound {
                kind: "vault policy",
                id: v.name.to_string(),
            })
        }
    }

    /// The policy in force in a vault (cached until the vault's override changes).
    pub async fn effective_policy(&self, vault: VaultId) -> Result<Arc<CryptoPolicy>> {
        if let Some(p) = lock(&self.vault_policies).get(&vault) {
            return Ok(Arc::clone(p));
        }
        let p = Arc::new(match self.stored_override(None, vault).await? {
            Some(o) => self.policy.with_override(&o),
            None => self.policy.clone(),
        });
        lock(&self.vault_policies).insert(vault, Arc::clone(&p));
        Ok(p)
    }

    /// The policy's refusal of an algorithm keyhaven does not implement but the policy knows
    /// (`RSA-1024`, `3DES`, `DSA-2048`, `P-192`, ...), in `vault`; `None` when the name is not
    /// such an algorithm (or the policy would accept it: then it is merely unsupported).
    pub async fn legacy_algorithm_refusal(&self, vault: &VaultName, name: &str) -> Option<Error> {
        let spec = legacy_spec(name)?;
        let policy = match self.store.get_vault_by_name(vault.as_str()).await {
            Ok(Some(v)) => self.effective_policy(v.id).await.ok()?,
            _ => Arc::new(self.policy.clone()),
        };
        let check = NewKeyCheck {
            class: match spec.primitive {
                Primitive::Tdea | Primitive::Aes => KeyClass::SymmetricEncryption,
                Primitive::Hmac => KeyClass::SymmetricAuthentication,
                Primitive::Dsa | Primitive::Ecdsa | Primitive::EdDsa => KeyClass::PrivateSigning,
                _ => KeyClass::PrivateKeyTransport,
            },
            spec,
            cryptoperiod: None,
            rotation_interval: None,
            operation: "create",
        };
        policy
            .check_new_key(&check, self.clock.now())
            .err()
            .map(|v| Error::PolicyViolation {
                rule: v.rule,
                message: v.message,
            })
    }

    pub(crate) async fn stored_override(
        &self,
        caller: Option<&Caller>,
        vault: VaultId,
    ) -> Result<Option<PolicyOverride>> {
        let Some(stored) = self.store.get_vault_policy(vault).await? else {
            return Ok(None);
        };
        if !self.system.integrity.vault_policy_ok(&stored) {
            return Err(self
                .integrity_failed(caller, "vault policy", vault.to_string())
                .await);
        }
        PolicyOverride::from_json(&stored.document)
            .map(Some)
            .map_err(|e| {
                Error::Storage(format!("vault {vault}'s stored policy does not parse: {e}"))
            })
    }
}

/// Reads names of algorithms keyhaven does not generate: `RSA-1024`, `rsa1024`, `3DES`,
/// `TDEA`, `2TDEA`, `DES`, `DSA-2048`, `DH-1024`, `P-192`, `P-224`, `HMAC-SHA1`.
fn legacy_spec(name: &str) -> Option<AlgorithmSpec> {
    let n: String = name
        .trim()
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect();
    let spec = |primitive, bits: u32, label: &str| {
        Some(AlgorithmSpec {
            primitive,
            bits,
            label: label.to_owned(),
        })
    };
    let sized = |prefix: &str| -> Option<u32> {
        n.strip_prefix(prefix)
            .filter(|b| !b.is_empty() && b.len() <= 5 && b.chars().all(|c| c.is_ascii_digit()))
            .and_then(|b| b.parse().ok())
    };
    match n.as_str() {
        "3des" | "tdea" | "3tdea" | "tripledes" | "desede" | "desede3" | "des3" => {
            spec(Primitive::Tdea, 168, "3DES")
        }
        "2tdea" | "2des" | "desede2" => spec(Primitive::Tdea, 112, "2TDEA"),
        "des" => spec(Primitive::Tdea, 56, "DES"),
        "p192" | "ecp192" | "secp192r1" | "prime192v1" => spec(Primitive::Ecdsa, 192, "P-192"),
        "p224" | "ecp224" | "secp224r1" => spec(Primitive::Ecdsa, 224, "P-224"),
        "hmacsha1" => spec(Primitive::Hmac, 160, "HMAC-SHA-1"),
        _ => {
            if let Some(bits) = sized("rsa") {
                spec(Primitive::Rsa, bits, &format!("RSA-{bits}"))
            } else if let Some(bits) = sized("dsa") {
                spec(Primitive::Dsa, bits, &format!("DSA-{bits}"))
            } else if let Some(bits) = sized("dh") {
                spec(Primitive::Dh, bits, &format!("DH-{bits}"))
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_names() {
        let bits = |n: &str| legacy_spec(n).map(|s| (s.primitive, s.bits));
        assert_eq!(bits("RSA-1024"), Some((Primitive::Rsa, 1024)));
        assert_eq!(bits("rsa512"), Some((Primitive::Rsa, 512)));
        assert_eq!(bits("3DES"), Some((Primitive::Tdea, 168)));
        assert_eq!(bits("2TDEA"), Some((Primitive::Tdea, 112)));
        assert_eq!(bits("P-192"), Some((Primitive::Ecdsa, 192)));
        assert_eq!(bits("aes-256"), None);
        assert_eq!(bits("rsa-"), None);
        assert_eq!(bits("rsa-99999999"), None);
    }
}
