//! Principals, API tokens, role bindings and client-certificate bindings.

use std::str::FromStr;

use super::Db;
use super::DbRow;
use keyhaven_core::access::{
    CertBinding, CertMatch, Principal, PrincipalId, PrincipalKind, PrincipalName, RoleBinding,
    SystemRoles, Token, TokenId, VaultRole,
};
use keyhaven_core::{StoreError, VaultId};
use sqlx::{Row, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{backend, corrupt, from_ots, from_ts, map_write, ots, ts, uuid, DbStore};

fn principal_from_row(row: &DbRow) -> Result<Principal, StoreError> {
    let id: String = row.try_get("id").map_err(backend)?;
    let name: String = row.try_get("name").map_err(backend)?;
    let kind: String = row.try_get("kind").map_err(backend)?;
    let roles: i64 = row.try_get("system_roles").map_err(backend)?;
    let disabled: i64 = row.try_get("disabled").map_err(backend)?;
    Ok(Principal {
        id: PrincipalId(uuid(&id)?),
        name: PrincipalName::from_str(&name).map_err(|_| corrupt("principal name"))?,
        kind: PrincipalKind::parse(&kind).ok_or_else(|| corrupt("principal kind"))?,
        system_roles: u32::try_from(roles)
            .ok()
            .and_then(SystemRoles::from_bits)
            .ok_or_else(|| corrupt("system roles"))?,
        description: row.try_get("description").map_err(backend)?,
        disabled: disabled != 0,
        created_at: from_ts(row.try_get("created_at").map_err(backend)?)?,
        updated_at: from_ts(row.try_get("updated_at").map_err(backend)?)?,
        mac: super::mac(row)?,
    })
}

fn token_from_row(row: &DbRow) -> Result<Token, StoreError> {
    let id: String = row.try_get("id").map_err(backend)?;
    let principal: String = row.try_get("principal_id").map_err(backend)?;
    let hash: Vec<u8> = row.try_get("token_hash").map_err(backend)?;
    Ok(Token {
        id: TokenId(uuid(&id)?),
        principal_id: PrincipalId(uuid(&principal)?),
        name: row.try_get("name").map_err(backend)?,
        hash: hash.try_into().map_err(|_| corrupt("token hash"))?,
        created_at: from_ts(row.try_get("created_at").map_err(backend)?)?,
        expires_at: from_ots(row.try_get("expires_at").map_err(backend)?)?,
        revoked_at: from_ots(row.try_get("revoked_at").map_err(backend)?)?,
        last_used_at: from_ots(row.try_get("last_used_at").map_err(backend)?)?,
        mac: super::mac(row)?,
    })
}

fn binding_from_row(row: &DbRow) -> Result<RoleBinding, StoreError> {
    let vault: String = row.try_get("vault_id").map_err(backend)?;
    let principal: String = row.try_get("principal_id").map_err(backend)?;
    let role: String = row.try_get("role").map_err(backend)?;
    Ok(RoleBinding {
        vault_id: VaultId(uuid(&vault)?),
        principal_id: PrincipalId(uuid(&principal)?),
        role: VaultRole::from_str(&role).map_err(|_| corrupt("role"))?,
        granted_at: from_ts(row.try_get("granted_at").map_err(backend)?)?,
        granted_by: row.try_get("granted_by").map_err(backend)?,
        mac: super::mac(row)?,
    })
}

fn cert_from_row(row: &DbRow) -> Result<CertBinding, StoreError> {
    let id: String = row.try_get("id").map_err(backend)?;
    let principal: String = row.try_get("principal_id").map_err(backend)?;
    let kind: String = row.try_get("kind").map_err(backend)?;
    Ok(CertBinding {
        id: uuid(&id)?,
        principal_id: PrincipalId(uuid(&principal)?),
        kind: CertMatch::parse(&kind).ok_or_else(|| corrupt("certificate match"))?,
        value: row.try_get("value").map_err(backend)?,
        created_at: from_ts(row.try_get("created_at").map_err(backend)?)?,
        mac: super::mac(row)?,
    })
}

pub(crate) async fn insert_binding(
    tx: &mut Transaction<'_, Db>,
    b: &RoleBinding,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO role_bindings (vault_id, principal_id, role, granted_at, granted_by, mac) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(b.vault_id.0.to_string())
    .bind(b.principal_id.0.to_string())
    .bind(b.role.name())
    .bind(ts(b.granted_at))
    .bind(&b.granted_by)
    .bind(&b.mac)
    .execute(&mut **tx)
    .await
    .map_err(map_write)?;
    Ok(())
}

impl DbStore {
    pub(crate) async fn principal_create(&self, p: &Principal) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO principals (id, name, kind, system_roles, description, disabled, \
             created_at, updated_at, mac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(p.id.0.to_string())
        .bind(p.name.as_str())
        .bind(p.kind.name())
        .bind(i64::from(p.system_roles.bits()))
        .bind(&p.description)
        .bind(i64::from(p.disabled))
        .bind(ts(p.created_at))
        .bind(ts(p.updated_at))
        .bind(&p.mac)
        .execute(&self.writer)
        .await
        .map_err(map_write)?;
        Ok(())
    }

    pub(crate) async fn principal_by(
        &self,
        column: &'static str,
        value: String,
    ) -> Result<Option<Principal>, StoreError> {
        let sql = format!("SELECT * FROM principals WHERE {column} = $1");
        sqlx::query(&sql)
            .bind(value)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?
            .as_ref()
            .map(principal_from_row)
            .transpose()
    }

    pub(crate) async fn principals(&self) -> Result<Vec<Principal>, StoreError> {
        sqlx::query("SELECT * FROM principals ORDER BY name")
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?
            .iter()
            .map(principal_from_row)
            .collect()
    }

    pub(crate) async fn principal_update(&self, p: &Principal) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE principals SET system_roles = $1, description = $2, disabled = $3, \
             updated_at = $4, mac = $5 WHERE id = $6",
        )
        .bind(i64::from(p.system_roles.bits()))
        .bind(&p.description)
        .bind(i64::from(p.disabled))
        .bind(ts(p.updated_at))
        .bind(&p.mac)
        .bind(p.id.0.to_string())
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        Ok(())
    }

    pub(crate) async fn principal_delete(&self, id: PrincipalId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM principals WHERE id = $1")
            .bind(id.0.to_string())
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() > 0)
    }

    pub(crate) async fn token_create(&self, t: &Token) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO tokens (id, principal_id, name, token_hash, created_at, expires_at, \
             revoked_at, last_used_at, mac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(t.id.0.to_string())
        .bind(t.principal_id.0.to_string())
        .bind(&t.name)
        .bind(&t.hash[..])
        .bind(ts(t.created_at))
        .bind(ots(t.expires_at))
        .bind(ots(t.revoked_at))
        .bind(ots(t.last_used_at))
        .bind(&t.mac)
        .execute(&self.writer)
        .await
        .map_err(map_write)?;
        Ok(())
    }

    pub(crate) async fn token_by_hash(&self, hash: &[u8; 32]) -> Result<Option<Token>, StoreError> {
        sqlx::query("SELECT * FROM tokens WHERE token_hash = $1")
            .bind(&hash[..])
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?
            .as_ref()
            .map(token_from_row)
            .transpose()
    }

    pub(crate) async fn token_by_id(&self, id: TokenId) -> Result<Option<Token>, StoreError> {
        sqlx::query("SELECT * FROM tokens WHERE id = $1")
            .bind(id.0.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?
            .as_ref()
            .map(token_from_row)
            .transpose()
    }

    pub(crate) async fn tokens_of(&self, p: PrincipalId) -> Result<Vec<Token>, StoreError> {
        sqlx::query("SELECT * FROM tokens WHERE principal_id = $1 ORDER BY created_at, id")
            .bind(p.0.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?
            .iter()
            .map(token_from_row)
            .collect()
    }

    pub(crate) async fn token_update(&self, t: &Token) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE tokens SET revoked_at = $1, expires_at = $2, mac = $3 WHERE id = $4",
        )
        .bind(ots(t.revoked_at))
        .bind(ots(t.expires_at))
        .bind(&t.mac)
        .bind(t.id.0.to_string())
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        Ok(())
    }

    pub(crate) async fn token_uses(
        &self,
        uses: &[(TokenId, OffsetDateTime)],
    ) -> Result<(), StoreError> {
        let uses: Vec<(String, OffsetDateTime)> = uses
            .iter()
            .map(|(id, at)| (id.0.to_string(), *at))
            .collect();
        self.last_used_in("tokens", &uses).await
    }

    pub(crate) async fn binding_create(&self, b: &RoleBinding) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        insert_binding(&mut tx, b).await?;
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn binding_delete(
        &self,
        vault: VaultId,
        principal: PrincipalId,
        role: VaultRole,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM role_bindings WHERE vault_id = $1 AND principal_id = $2 AND role = $3",
        )
        .bind(vault.0.to_string())
        .bind(principal.0.to_string())
        .bind(role.name())
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() > 0)
    }

    pub(crate) async fn bindings_where(
        &self,
        column: &'static str,
        value: String,
    ) -> Result<Vec<RoleBinding>, StoreError> {
        let sql = format!("SELECT * FROM role_bindings WHERE {column} = $1 ORDER BY granted_at");
        sqlx::query(&sql)
            .bind(value)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?
            .iter()
            .map(binding_from_row)
            .collect()
    }

    pub(crate) async fn cert_create(&self, b: &CertBinding) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO cert_bindings (id, principal_id, kind, value, created_at, mac) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(b.id.to_string())
        .bind(b.principal_id.0.to_string())
        .bind(b.kind.name())
        .bind(&b.value)
        .bind(ts(b.created_at))
        .bind(&b.mac)
        .execute(&self.writer)
        .await
        .map_err(map_write)?;
        Ok(())
    }

    pub(crate) async fn cert_find(
        &self,
        kind: CertMatch,
        value: &str,
    ) -> Result<Option<CertBinding>, StoreError> {
        sqlx::query("SELECT * FROM cert_bindings WHERE kind = $1 AND value = $2")
            .bind(kind.name())
            .bind(value)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?
            .as_ref()
            .map(cert_from_row)
            .transpose()
    }

    pub(crate) async fn certs_of(&self, p: PrincipalId) -> Result<Vec<CertBinding>, StoreError> {
        sqlx::query("SELECT * FROM cert_bindings WHERE principal_id = $1 ORDER BY created_at")
            .bind(p.0.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?
            .iter()
            .map(cert_from_row)
            .collect()
    }

    pub(crate) async fn cert_delete(&self, id: Uuid) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM cert_bindings WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() > 0)
    }
}
