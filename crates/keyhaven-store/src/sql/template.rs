//! Key templates and vaults' crypto-policy overrides.

use std::collections::BTreeMap;
use std::str::FromStr;

use super::DbRow;
use keyhaven_core::{
    InitialState, KeyAlgorithm, StoreError, Template, TemplateName, TemplateSpec, UsageMask,
    VaultId, VaultPolicy,
};
use sqlx::Row;
use uuid::Uuid;

use super::{backend, corrupt, from_secs, from_ts, map_write, secs, ts, uuid, DbStore};

fn template_from_row(row: &DbRow) -> Result<Template, StoreError> {
    let get_opt = |c: &str| -> Result<Option<i64>, StoreError> { row.try_get(c).map_err(backend) };
    let id: String = row.try_get("id").map_err(backend)?;
    let vault_id: String = row.try_get("vault_id").map_err(backend)?;
    let name: String = row.try_get("name").map_err(backend)?;
    let algorithm: String = row.try_get("algorithm").map_err(backend)?;
    let initial: String = row.try_get("initial_state").map_err(backend)?;
    let tags: String = row.try_get("tags").map_err(backend)?;
    let archived: i64 = row.try_get("archived").map_err(backend)?;
    let revision: i64 = row.try_get("revision").map_err(backend)?;
    let usage = match get_opt("usage")? {
        None => None,
        Some(bits) => Some(
            u32::try_from(bits)
                .ok()
                .and_then(UsageMask::from_bits)
                .ok_or_else(|| corrupt("template usage"))?,
        ),
    };
    let tags: BTreeMap<String, String> =
        serde_json::from_str(&tags).map_err(|_| corrupt("template tags"))?;
    Ok(Template {
        id: uuid(&id)?,
        vault_id: VaultId(uuid(&vault_id)?),
        name: TemplateName::from_str(&name).map_err(|_| corrupt("template name"))?,
        spec: TemplateSpec {
            description: row.try_get("description").map_err(backend)?,
            naming_scheme: row.try_get("naming_scheme").map_err(backend)?,
            algorithm: KeyAlgorithm::from_str(&algorithm)
                .map_err(|_| corrupt("template algorithm"))?,
            usage,
            initial_state: match initial.as_str() {
                "active" => InitialState::Active,
                "pre-active" => InitialState::PreActive,
                _ => return Err(corrupt("template initial state")),
            },
            activate_after: from_secs(get_opt("activate_after_secs")?),
            cryptoperiod: from_secs(get_opt("cryptoperiod_secs")?),
            rotation_interval: from_secs(get_opt("rotation_interval_secs")?),
            rotate_before: from_secs(get_opt("rotate_before_secs")?),
            use_limit: get_opt("use_limit")?.and_then(|n| u64::try_from(n).ok()),
            tags,
            archived: archived != 0,
            keystores: match row
                .try_get::<Option<String>, _>("keystores")
                .map_err(backend)?
            {
                Some(j) => serde_json::from_str(&j).map_err(|_| corrupt("template keystores"))?,
                None => Vec::new(),
            },
        },
        created_at: from_ts(row.try_get("created_at").map_err(backend)?)?,
        updated_at: from_ts(row.try_get("updated_at").map_err(backend)?)?,
        revision: u64::try_from(revision).map_err(|_| corrupt("template revision"))?,
        mac: super::mac(row)?,
    })
}

fn initial_name(s: InitialState) -> &'static str {
    match s {
        InitialState::Active => "active",
        InitialState::PreActive => "pre-active",
    }
}

fn keystores_json(t: &Template) -> Option<String> {
    (!t.spec.keystores.is_empty())
        .then(|| serde_json::to_string(&t.spec.keystores).unwrap_or_else(|_| "[]".to_owned()))
}

fn tags_json(t: &Template) -> String {
    serde_json::to_string(&t.spec.tags).unwrap_or_else(|_| "{}".to_owned())
}

fn opt_u64(n: Option<u64>) -> Option<i64> {
    n.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

impl DbStore {
    pub(crate) async fn template_create(&self, t: &Template) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO key_templates (id, vault_id, name, description, naming_scheme, \
             algorithm, usage, initial_state, activate_after_secs, cryptoperiod_secs, \
             rotation_interval_secs, rotate_before_secs, use_limit, tags, archived, seq, \
             created_at, updated_at, revision, mac, keystores) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 0, $16, $17, $18, $19, $20)",
        )
        .bind(t.id.to_string())
        .bind(t.vault_id.0.to_string())
        .bind(t.name.as_str())
        .bind(&t.spec.description)
        .bind(&t.spec.naming_scheme)
        .bind(t.spec.algorithm.name())
        .bind(t.spec.usage.map(|u| i64::from(u.bits())))
        .bind(initial_name(t.spec.initial_state))
        .bind(secs(t.spec.activate_after))
        .bind(secs(t.spec.cryptoperiod))
        .bind(secs(t.spec.rotation_interval))
        .bind(secs(t.spec.rotate_before))
        .bind(opt_u64(t.spec.use_limit))
        .bind(tags_json(t))
        .bind(i64::from(t.spec.archived))
        .bind(ts(t.created_at))
        .bind(ts(t.updated_at))
        .bind(i64::try_from(t.revision).unwrap_or(i64::MAX))
        .bind(&t.mac)
        .bind(keystores_json(t))
        .execute(&self.writer)
        .await
        .map_err(map_write)?;
        Ok(())
    }

    pub(crate) async fn template_get(
        &self,
        vault: VaultId,
        name: &str,
    ) -> Result<Option<Template>, StoreError> {
        sqlx::query("SELECT * FROM key_templates WHERE vault_id = $1 AND name = $2")
            .bind(vault.0.to_string())
            .bind(name)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?
            .as_ref()
            .map(template_from_row)
            .transpose()
    }

    pub(crate) async fn template_list(&self, vault: VaultId) -> Result<Vec<Template>, StoreError> {
        sqlx::query("SELECT * FROM key_templates WHERE vault_id = $1 ORDER BY name")
            .bind(vault.0.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?
            .iter()
            .map(template_from_row)
            .collect()
    }

    pub(crate) async fn template_update(&self, t: &Template) -> Result<u64, StoreError> {
        let old_rev = i64::try_from(t.revision).map_err(|_| StoreError::Conflict)?;
        let done = sqlx::query(
            "UPDATE key_templates SET description = $1, naming_scheme = $2, algorithm = $3, \
             usage = $4, initial_state = $5, activate_after_secs = $6, cryptoperiod_secs = $7, \
             rotation_interval_secs = $8, rotate_before_secs = $9, use_limit = $10, tags = $11, \
             archived = $12, updated_at = $13, revision = revision + 1, mac = $14, keystores = $15 \
             WHERE id = $16 AND revision = $17",
        )
        .bind(&t.spec.description)
        .bind(&t.spec.naming_scheme)
        .bind(t.spec.algorithm.name())
        .bind(t.spec.usage.map(|u| i64::from(u.bits())))
        .bind(initial_name(t.spec.initial_state))
        .bind(secs(t.spec.activate_after))
        .bind(secs(t.spec.cryptoperiod))
        .bind(secs(t.spec.rotation_interval))
        .bind(secs(t.spec.rotate_before))
        .bind(opt_u64(t.spec.use_limit))
        .bind(tags_json(t))
        .bind(i64::from(t.spec.archived))
        .bind(ts(t.updated_at))
        .bind(&t.mac)
        .bind(keystores_json(t))
        .bind(t.id.to_string())
        .bind(old_rev)
        .execute(&self.writer)
        .await
        .map_err(map_write)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        Ok(t.revision.saturating_add(1))
    }

    pub(crate) async fn template_delete(
        &self,
        vault: VaultId,
        name: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM key_templates WHERE vault_id = $1 AND name = $2")
            .bind(vault.0.to_string())
            .bind(name)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() > 0)
    }

    pub(crate) async fn template_next_seq(&self, id: Uuid) -> Result<u64, StoreError> {
        let seq: Option<i64> = sqlx::query_scalar(
            "UPDATE key_templates SET seq = seq + 1 WHERE id = $1 RETURNING seq",
        )
        .bind(id.to_string())
        .fetch_optional(&self.writer)
        .await
        .map_err(backend)?;
        seq.and_then(|n| u64::try_from(n).ok())
            .ok_or_else(|| StoreError::Backend("the template was deleted meanwhile".to_owned()))
    }

    pub(crate) async fn policy_get(
        &self,
        vault: VaultId,
    ) -> Result<Option<VaultPolicy>, StoreError> {
        let Some(row) = sqlx::query("SELECT * FROM vault_policies WHERE vault_id = $1")
            .bind(vault.0.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        Ok(Some(VaultPolicy {
            vault_id: vault,
            document: row.try_get("document").map_err(backend)?,
            updated_at: from_ts(row.try_get("updated_at").map_err(backend)?)?,
            mac: super::mac(&row)?,
        }))
    }

    pub(crate) async fn policy_put(&self, p: &VaultPolicy) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO vault_policies (vault_id, document, updated_at, mac) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (vault_id) DO UPDATE SET document = excluded.document, \
             updated_at = excluded.updated_at, mac = excluded.mac",
        )
        .bind(p.vault_id.0.to_string())
        .bind(&p.document)
        .bind(ts(p.updated_at))
        .bind(&p.mac)
        .execute(&self.writer)
        .await
        .map_err(map_write)?;
        Ok(())
    }

    pub(crate) async fn policy_delete(&self, vault: VaultId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM vault_policies WHERE vault_id = $1")
            .bind(vault.0.to_string())
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() > 0)
    }
}
