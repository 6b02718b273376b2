//! The SQL store shared by both backends (compiled once inside [`crate::sqlite`] and once
//! inside [`crate::postgres`], each of which names its database types `Db` and `DbRow`
//! and its store `DbStore`): vaults, keys, versions and history here; seal and root
//! keys in [`seal`], principals and credentials in [`access`], the audit log in [`audit`].
//!
//! Statements use numbered `$N` parameters, which both SQLite and PostgreSQL read. Where the
//! two differ, the backend module supplies the piece (`dialect`).

mod access;
mod audit;
pub(crate) mod backup;
mod import;
mod keystore;
mod seal;
mod template;

use std::collections::BTreeMap;
use std::str::FromStr;

use async_trait::async_trait;
use keyhaven_core::access::{
    CertBinding, CertMatch, Principal, PrincipalId, RoleBinding, Token, TokenId, VaultRole,
};
use keyhaven_core::distribution::{Distribution, KeystoreHealth, KeystoreRecord};
use keyhaven_core::merkle::Hash;
use keyhaven_core::model::{decode_links, encode_links};
use keyhaven_core::{
    AuditEvent, AuditFilter, AuditRecord, Cause, Checkpoint, HistoryEntry, InventoryRow, Key,
    KeyAlgorithm, KeyChange, KeyFilter, KeyId, KeyName, KeySchedule, KeyState, KeyVersion,
    ObjectKind, Origin, RootKeyRecord, RootRotation, SealRecord, Store, StoreError,
    StoredCheckpoint, Template, UsageMask, Vault, VaultId, VaultName, VaultPolicy,
};
use sqlx::{QueryBuilder, Row, Transaction};

pub(crate) use super::{dialect, Db, DbRow, DbStore};
use time::OffsetDateTime;
use uuid::Uuid;

/// Rows of a key page, their tags by key id, and their ids in order.
type KeyPage = (
    Vec<DbRow>,
    BTreeMap<String, BTreeMap<String, String>>,
    Vec<String>,
);

const KEY_COLUMNS: &str = "k.id, k.vault_id, v.name AS vault_name, k.name, k.description, \
    k.algorithm, k.usage, k.state, k.destroy_at, k.activation_date, k.deactivation_date, \
    k.protect_stop_date, k.process_start_date, k.compromise_date, k.destroyed_at, \
    k.primary_version, k.min_decryption_version, k.origin, k.created_at, k.updated_at, \
    k.last_used_at, k.revision, k.object_kind, k.exportable, k.links, k.kmip_attributes, \
    k.template, k.cryptoperiod_secs, k.rotation_interval_secs, k.rotate_before_secs, \
    k.use_limit, k.next_rotation_at, k.mac";

impl DbStore {
    /// Moves `last_used_at` of the rows of `table` (`keys`, `tokens`) with these ids forward
    /// to the given times, in one transaction; never backward.
    pub(crate) async fn last_used_in(
        &self,
        table: &'static str,
        uses: &[(String, OffsetDateTime)],
    ) -> Result<(), StoreError> {
        let sql = format!(
            "UPDATE {table} SET last_used_at = $1 WHERE id = $2 \
             AND (last_used_at IS NULL OR last_used_at < $3)"
        );
        let mut tx = self.writer.begin().await.map_err(backend)?;
        for (id, at) in uses {
            sqlx::query(&sql)
                .bind(ts(*at))
                .bind(id)
                .bind(ts(*at))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    /// One page of keys matching `filter`, with their tags and ids; with `inventory`, each row
    /// also carries its primary version's creation time and use count.
    async fn key_page(
        &self,
        filter: &KeyFilter,
        after: Option<KeyId>,
        limit: u32,
        inventory: bool,
    ) -> Result<KeyPage, StoreError> {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new(if inventory {
            format!(
                "SELECT {KEY_COLUMNS}, pv.created_at AS primary_created_at, \
                 pv.use_count AS primary_uses FROM keys k JOIN vaults v ON v.id = k.vault_id \
                 LEFT JOIN key_versions pv ON pv.key_id = k.id \
                 AND pv.version = k.primary_version WHERE 1 = 1"
            )
        } else {
            format!(
                "SELECT {KEY_COLUMNS} FROM keys k JOIN vaults v ON v.id = k.vault_id WHERE 1 = 1"
            )
        });
        if let Some(ids) = &filter.vault_ids {
            if ids.is_empty() {
                return Ok((Vec::new(), BTreeMap::new(), Vec::new()));
            }
            qb.push(" AND k.vault_id IN (");
            let mut sep = qb.separated(", ");
            for v in ids {
                sep.push_bind(v.0.to_string());
            }
            qb.push(")");
        }
        if let Some(s) = filter.state {
            qb.push(" AND k.state = ")
                .push_bind(i64::from(s.state_code()));
        }
        if !filter.include_destroyed {
            qb.push(" AND k.state NOT IN (5, 6)");
        }
        if let Some(a) = filter.algorithm {
            qb.push(" AND k.algorithm = ").push_bind(a.name());
        }
        if let Some(p) = &filter.name_prefix {
            qb.push(" AND substr(k.name, 1, CAST(")
                .push_bind(i64::try_from(p.chars().count()).unwrap_or(i64::MAX))
                .push(" AS INTEGER)) = ")
                .push_bind(p.clone());
        }
        if let Some((tag, value)) = &filter.tag {
            qb.push(" AND EXISTS (SELECT 1 FROM key_tags t WHERE t.key_id = k.id AND t.tag = ")
                .push_bind(tag.clone());
            if let Some(value) = value {
                qb.push(" AND t.value = ").push_bind(value.clone());
            }
            qb.push(")");
        }
        if let Some(t) = filter.created_after {
            qb.push(" AND k.created_at >= ").push_bind(ts(t));
        }
        if let Some(t) = filter.created_before {
            qb.push(" AND k.created_at < ").push_bind(ts(t));
        }
        if filter.out_of_sync {
            qb.push(
                " AND EXISTS (SELECT 1 FROM key_distributions d WHERE d.key_id = k.id \
                 AND d.out_of_sync IS NOT NULL)",
            );
        }
        if let Some(a) = after {
            qb.push(" AND k.id > ").push_bind(a.0.to_string());
        }
        qb.push(" ORDER BY k.id LIMIT ").push_bind(i64::from(limit));
        let rows = qb.build().fetch_all(&self.reader).await.map_err(backend)?;
        let ids: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String, _>("id").map_err(backend))
            .collect::<Result<_, _>>()?;
        let tags = self.tags(&ids).await?;
        Ok((rows, tags, ids))
    }

    async fn tags(
        &self,
        ids: &[String],
    ) -> Result<BTreeMap<String, BTreeMap<String, String>>, StoreError> {
        let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let mut qb: QueryBuilder<Db> =
            QueryBuilder::new("SELECT key_id, tag, value FROM key_tags WHERE key_id IN (");
        let mut sep = qb.separated(", ");
        for id in ids {
            sep.push_bind(id);
        }
        qb.push(")");
        let rows = qb.build().fetch_all(&self.reader).await.map_err(backend)?;
        for row in rows {
            let id: String = row.try_get("key_id").map_err(backend)?;
            let tag: String = row.try_get("tag").map_err(backend)?;
            let value: String = row.try_get("value").map_err(backend)?;
            out.entry(id).or_default().insert(tag, value);
        }
        Ok(out)
    }
}

pub(crate) fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

pub(crate) fn map_write(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            return StoreError::AlreadyExists;
        }
    }
    backend(e)
}

pub(crate) fn ts(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

pub(crate) fn ots(t: Option<OffsetDateTime>) -> Option<i64> {
    t.map(ts)
}

pub(crate) fn from_ts(n: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(n))
        .map_err(|e| StoreError::Backend(format!("bad timestamp in database: {e}")))
}

pub(crate) fn from_ots(n: Option<i64>) -> Result<Option<OffsetDateTime>, StoreError> {
    n.map(from_ts).transpose()
}

pub(crate) fn uuid(s: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(s).map_err(|e| StoreError::Backend(format!("bad id in database: {e}")))
}

pub(crate) fn corrupt(what: &str) -> StoreError {
    StoreError::Backend(format!("unreadable {what} in database"))
}

fn vault_from_row(row: &DbRow) -> Result<Vault, StoreError> {
    let id: String = row.try_get("id").map_err(backend)?;
    let name: String = row.try_get("name").map_err(backend)?;
    let days: i64 = row.try_get("pending_destruction_days").map_err(backend)?;
    let generation: i64 = row.try_get("root_generation").map_err(backend)?;
    Ok(Vault {
        id: VaultId(uuid(&id)?),
        name: VaultName::from_str(&name).map_err(|_| corrupt("vault name"))?,
        pending_destruction_days: u32::try_from(days).map_err(|_| corrupt("vault setting"))?,
        root_generation: u32::try_from(generation).map_err(|_| corrupt("root generation"))?,
        sealed_kek: row.try_get("sealed_kek").map_err(backend)?,
        created_at: from_ts(row.try_get("created_at").map_err(backend)?)?,
        updated_at: from_ts(row.try_get("updated_at").map_err(backend)?)?,
        mac: mac(row)?,
    })
}

fn key_from_row(row: &DbRow, tags: BTreeMap<String, String>) -> Result<Key, StoreError> {
    let get_i64 = |c: &str| -> Result<i64, StoreError> { row.try_get(c).map_err(backend) };
    let get_opt = |c: &str| -> Result<Option<i64>, StoreError> { row.try_get(c).map_err(backend) };
    let id: String = row.try_get("id").map_err(backend)?;
    let vault_id: String = row.try_get("vault_id").map_err(backend)?;
    let vault_name: String = row.try_get("vault_name").map_err(backend)?;
    let name: String = row.try_get("name").map_err(backend)?;
    let algorithm: String = row.try_get("algorithm").map_err(backend)?;
    let origin: String = row.try_get("origin").map_err(backend)?;
    let algorithm = KeyAlgorithm::from_str(&algorithm).map_err(|_| corrupt("algorithm"))?;
    let object_kind: String = row.try_get("object_kind").map_err(backend)?;
    let links: String = row.try_get("links").map_err(backend)?;
    let kmip_attributes: Option<Vec<u8>> = row.try_get("kmip_attributes").map_err(backend)?;
    let state = u8::try_from(get_i64("state")?)
        .ok()
        .and_then(KeyState::from_state_code)
        .ok_or_else(|| corrupt("key state"))?;
    let usage = u32::try_from(get_i64("usage")?)
        .ok()
        .and_then(UsageMask::from_bits)
        .ok_or_else(|| corrupt("usage mask"))?;
    let version = |c: &str| -> Result<u32, StoreError> {
        u32::try_from(get_i64(c)?).map_err(|_| corrupt("version"))
    };
    Ok(Key {
        id: KeyId(uuid(&id)?),
        vault_id: VaultId(uuid(&vault_id)?),
        vault_name: VaultName::from_str(&vault_name).map_err(|_| corrupt("vault name"))?,
        name: KeyName::from_str(&name).map_err(|_| corrupt("key name"))?,
        description: row.try_get("description").map_err(backend)?,
        tags,
        usage,
        state,
        destroy_at: from_ots(get_opt("destroy_at")?)?,
        activation_date: from_ots(get_opt("activation_date")?)?,
        deactivation_date: from_ots(get_opt("deactivation_date")?)?,
        protect_stop_date: from_ots(get_opt("protect_stop_date")?)?,
        process_start_date: from_ots(get_opt("process_start_date")?)?,
        compromise_date: from_ots(get_opt("compromise_date")?)?,
        destroyed_at: from_ots(get_opt("destroyed_at")?)?,
        primary_version: version("primary_version")?,
        min_decryption_version: version("min_decryption_version")?,
        origin: Origin::parse(&origin).ok_or_else(|| corrupt("origin"))?,
        created_at: from_ts(get_i64("created_at")?)?,
        updated_at: from_ts(get_i64("updated_at")?)?,
        last_used_at: from_ots(get_opt("last_used_at")?)?,
        revision: u64::try_from(get_i64("revision")?).map_err(|_| corrupt("revision"))?,
        object_kind: match object_kind.as_str() {
            "" => ObjectKind::default_for(algorithm),
            s => ObjectKind::parse(s).ok_or_else(|| corrupt("object kind"))?,
        },
        exportable: get_i64("exportable")? != 0,
        links: decode_links(&links).ok_or_else(|| corrupt("links"))?,
        kmip_attributes: kmip_attributes.unwrap_or_default(),
        algorithm,
        schedule: KeySchedule {
            template: row.try_get("template").map_err(backend)?,
            cryptoperiod: from_secs(get_opt("cryptoperiod_secs")?),
            rotation_interval: from_secs(get_opt("rotation_interval_secs")?),
            rotate_before: from_secs(get_opt("rotate_before_secs")?),
            use_limit: get_opt("use_limit")?.and_then(|n| u64::try_from(n).ok()),
            next_rotation_at: from_ots(get_opt("next_rotation_at")?)?,
        },
        mac: mac(row)?,
    })
}

/// Whole seconds of a duration, for storage.
pub(crate) fn secs(d: Option<time::Duration>) -> Option<i64> {
    d.map(|d| d.whole_seconds())
}

/// Inverse of [`secs`].
pub(crate) fn from_secs(n: Option<i64>) -> Option<time::Duration> {
    n.map(time::Duration::seconds)
}

fn limit_i64(n: Option<u64>) -> Option<i64> {
    n.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

fn kmip_blob(key: &Key) -> Option<&[u8]> {
    Some(key.kmip_attributes.as_slice()).filter(|b| !b.is_empty())
}

/// A record's MAC; a row without one (written before schema v2) reads as empty, which no
/// check accepts.
pub(crate) fn mac(row: &DbRow) -> Result<Vec<u8>, StoreError> {
    let m: Option<Vec<u8>> = row.try_get("mac").map_err(backend)?;
    Ok(m.unwrap_or_default())
}

fn version_from_row(row: &DbRow) -> Result<KeyVersion, StoreError> {
    let id: String = row.try_get("key_id").map_err(backend)?;
    let v: i64 = row.try_get("version").map_err(backend)?;
    Ok(KeyVersion {
        key_id: KeyId(uuid(&id)?),
        version: u32::try_from(v).map_err(|_| corrupt("version"))?,
        sealed_material: row.try_get("sealed_material").map_err(backend)?,
        public_key: row.try_get("public_key").map_err(backend)?,
        created_at: from_ts(row.try_get("created_at").map_err(backend)?)?,
        mac: mac(row)?,
    })
}

fn history_from_row(row: &DbRow) -> Result<HistoryEntry, StoreError> {
    let id: String = row.try_get("key_id").map_err(backend)?;
    let from: Option<i64> = row.try_get("from_state").map_err(backend)?;
    let to: i64 = row.try_get("to_state").map_err(backend)?;
    let cause: String = row.try_get("cause").map_err(backend)?;
    let state = |n: i64| {
        u8::try_from(n)
            .ok()
            .and_then(KeyState::from_state_code)
            .ok_or_else(|| corrupt("history state"))
    };
    Ok(HistoryEntry {
        key_id: KeyId(uuid(&id)?),
        at: from_ts(row.try_get("at").map_err(backend)?)?,
        action: row.try_get("action").map_err(backend)?,
        from_state: from.map(state).transpose()?,
        to_state: state(to)?,
        actor: row.try_get("actor").map_err(backend)?,
        cause: Cause::parse(&cause).ok_or_else(|| corrupt("history cause"))?,
        reason: row.try_get("reason").map_err(backend)?,
    })
}

async fn insert_history(tx: &mut Transaction<'_, Db>, h: &HistoryEntry) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO key_history (key_id, at, action, from_state, to_state, actor, cause, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(h.key_id.0.to_string())
    .bind(ts(h.at))
    .bind(&h.action)
    .bind(h.from_state.map(|s| i64::from(s.state_code())))
    .bind(i64::from(h.to_state.state_code()))
    .bind(&h.actor)
    .bind(h.cause.name())
    .bind(&h.reason)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    Ok(())
}

async fn insert_version(tx: &mut Transaction<'_, Db>, v: &KeyVersion) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO key_versions (key_id, version, sealed_material, public_key, created_at, \
         mac) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(v.key_id.0.to_string())
    .bind(i64::from(v.version))
    .bind(&v.sealed_material)
    .bind(&v.public_key)
    .bind(ts(v.created_at))
    .bind(&v.mac)
    .execute(&mut **tx)
    .await
    .map_err(map_write)?;
    Ok(())
}

async fn replace_tags(tx: &mut Transaction<'_, Db>, key: &Key) -> Result<(), StoreError> {
    let id = key.id.0.to_string();
    sqlx::query("DELETE FROM key_tags WHERE key_id = $1")
        .bind(&id)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    for (tag, value) in &key.tags {
        sqlx::query("INSERT INTO key_tags (key_id, tag, value) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(tag)
            .bind(value)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    Ok(())
}

/// Inserts a key record and its tags.
async fn insert_key_row(tx: &mut Transaction<'_, Db>, key: &Key) -> Result<(), StoreError> {
    sqlx::query(
            "INSERT INTO keys (id, vault_id, name, description, algorithm, usage, state, \
             destroy_at, activation_date, deactivation_date, protect_stop_date, \
             process_start_date, compromise_date, destroyed_at, primary_version, \
             min_decryption_version, origin, created_at, updated_at, last_used_at, revision, \
             next_due_at, object_kind, exportable, links, kmip_attributes, template, \
             cryptoperiod_secs, rotation_interval_secs, rotate_before_secs, use_limit, \
             next_rotation_at, mac) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, \
             $27, $28, $29, $30, $31, $32, $33)",
        )
        .bind(key.id.0.to_string())
        .bind(key.vault_id.0.to_string())
        .bind(key.name.as_str())
        .bind(&key.description)
        .bind(key.algorithm.name())
        .bind(i64::from(key.usage.bits()))
        .bind(i64::from(key.state.state_code()))
        .bind(ots(key.destroy_at))
        .bind(ots(key.activation_date))
        .bind(ots(key.deactivation_date))
        .bind(ots(key.protect_stop_date))
        .bind(ots(key.process_start_date))
        .bind(ots(key.compromise_date))
        .bind(ots(key.destroyed_at))
        .bind(i64::from(key.primary_version))
        .bind(i64::from(key.min_decryption_version))
        .bind(key.origin.name())
        .bind(ts(key.created_at))
        .bind(ts(key.updated_at))
        .bind(ots(key.last_used_at))
        .bind(i64::try_from(key.revision).unwrap_or(i64::MAX))
        .bind(ots(key.next_due_at()))
        .bind(key.object_kind.name())
        .bind(i64::from(key.exportable))
        .bind(encode_links(&key.links))
        .bind(kmip_blob(key))
        .bind(&key.schedule.template)
        .bind(secs(key.schedule.cryptoperiod))
        .bind(secs(key.schedule.rotation_interval))
        .bind(secs(key.schedule.rotate_before))
        .bind(limit_i64(key.schedule.use_limit))
        .bind(ots(key.schedule.next_rotation_at))
        .bind(&key.mac)
        .execute(&mut **tx)
        .await
        .map_err(map_write)?;
    replace_tags(tx, key).await?;
    Ok(())
}

#[async_trait]
impl Store for DbStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.reader)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn create_vault(
        &self,
        vault: &Vault,
        bindings: &[RoleBinding],
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        // Locked (PostgreSQL) until commit, so a root rotation on another node cannot
        // re-wrap the vaults between this check and the insert.
        let current: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT root_generation FROM seal WHERE id = 1{}",
            dialect::FOR_UPDATE
        ))
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        if current.is_some_and(|g| g != i64::from(vault.root_generation)) {
            return Err(StoreError::Conflict);
        }
        sqlx::query(
            "INSERT INTO vaults (id, name, pending_destruction_days, root_generation, sealed_kek, \
             created_at, updated_at, mac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(vault.id.0.to_string())
        .bind(vault.name.as_str())
        .bind(i64::from(vault.pending_destruction_days))
        .bind(i64::from(vault.root_generation))
        .bind(&vault.sealed_kek)
        .bind(ts(vault.created_at))
        .bind(ts(vault.updated_at))
        .bind(&vault.mac)
        .execute(&mut *tx)
        .await
        .map_err(map_write)?;
        for b in bindings {
            access::insert_binding(&mut tx, b).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    async fn get_vault_by_name(&self, name: &str) -> Result<Option<Vault>, StoreError> {
        sqlx::query("SELECT * FROM vaults WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?
            .as_ref()
            .map(vault_from_row)
            .transpose()
    }

    async fn get_vault(&self, id: VaultId) -> Result<Option<Vault>, StoreError> {
        sqlx::query("SELECT * FROM vaults WHERE id = $1")
            .bind(id.0.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?
            .as_ref()
            .map(vault_from_row)
            .transpose()
    }

    async fn list_vaults(&self) -> Result<Vec<Vault>, StoreError> {
        sqlx::query("SELECT * FROM vaults ORDER BY name")
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?
            .iter()
            .map(vault_from_row)
            .collect()
    }

    async fn update_vault(&self, vault: &Vault) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE vaults SET pending_destruction_days = $1, updated_at = $2, mac = $3 \
             WHERE id = $4 AND root_generation = $5 AND sealed_kek = $6",
        )
        .bind(i64::from(vault.pending_destruction_days))
        .bind(ts(vault.updated_at))
        .bind(&vault.mac)
        .bind(vault.id.0.to_string())
        .bind(i64::from(vault.root_generation))
        .bind(&vault.sealed_kek)
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        Ok(())
    }

    async fn delete_vault(&self, id: VaultId) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let id = id.0.to_string();
        let used: Option<i64> =
            sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM keys WHERE vault_id = $1 LIMIT 1")
                .bind(&id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?;
        if used.is_some() {
            return Err(StoreError::NotEmpty);
        }
        for table in ["key_templates", "vault_policies", "keystores"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE vault_id = $1"))
                .bind(&id)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        sqlx::query("DELETE FROM vaults WHERE id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    async fn create_key(
        &self,
        key: &Key,
        version: &KeyVersion,
        history: &HistoryEntry,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        insert_key_row(&mut tx, key).await?;
        insert_version(&mut tx, version).await?;
        insert_history(&mut tx, history).await?;
        audit::insert_events(&mut tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    async fn restore_key(
        &self,
        key: &Key,
        versions: &[KeyVersion],
        history: &[HistoryEntry],
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        insert_key_row(&mut tx, key).await?;
        for v in versions {
            insert_version(&mut tx, v).await?;
        }
        for h in history {
            insert_history(&mut tx, h).await?;
        }
        audit::insert_events(&mut tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    async fn get_key(&self, id: KeyId) -> Result<Option<Key>, StoreError> {
        let sql = format!(
            "SELECT {KEY_COLUMNS} FROM keys k JOIN vaults v ON v.id = k.vault_id WHERE k.id = $1"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(id.0.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let mut tags = self.tags(&[id.0.to_string()]).await?;
        let key = key_from_row(&row, tags.remove(&id.0.to_string()).unwrap_or_default())?;
        Ok(Some(key))
    }

    async fn list_keys(
        &self,
        filter: &KeyFilter,
        after: Option<KeyId>,
        limit: u32,
    ) -> Result<Vec<Key>, StoreError> {
        let (rows, mut tags, ids) = self.key_page(filter, after, limit, false).await?;
        rows.iter()
            .zip(ids)
            .map(|(row, id)| key_from_row(row, tags.remove(&id).unwrap_or_default()))
            .collect()
    }

    async fn list_inventory(
        &self,
        filter: &KeyFilter,
        after: Option<KeyId>,
        limit: u32,
    ) -> Result<Vec<InventoryRow>, StoreError> {
        let (rows, mut tags, ids) = self.key_page(filter, after, limit, true).await?;
        rows.iter()
            .zip(ids)
            .map(|(row, id)| {
                let key = key_from_row(row, tags.remove(&id).unwrap_or_default())?;
                let at: Option<i64> = row.try_get("primary_created_at").map_err(backend)?;
                let uses: Option<i64> = row.try_get("primary_uses").map_err(backend)?;
                Ok(InventoryRow {
                    primary_created_at: from_ots(at)?.unwrap_or(key.created_at),
                    primary_uses: uses.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
                    key,
                })
            })
            .collect()
    }

    async fn add_version_uses(&self, uses: &[(KeyId, u32, u64)]) -> Result<Vec<u64>, StoreError> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let mut totals = Vec::with_capacity(uses.len());
        for (id, version, n) in uses {
            let total: Option<i64> = sqlx::query_scalar(
                "UPDATE key_versions SET use_count = use_count + $1 \
                 WHERE key_id = $2 AND version = $3 RETURNING use_count",
            )
            .bind(i64::try_from(*n).unwrap_or(i64::MAX))
            .bind(id.0.to_string())
            .bind(i64::from(*version))
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
            totals.push(total.and_then(|t| u64::try_from(t).ok()).unwrap_or(0));
        }
        tx.commit().await.map_err(backend)?;
        Ok(totals)
    }

    async fn update_key(&self, change: KeyChange<'_>) -> Result<u64, StoreError> {
        let key = change.key;
        let id = key.id.0.to_string();
        let old_rev = i64::try_from(key.revision).map_err(|_| StoreError::Conflict)?;
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let done = sqlx::query(
            "UPDATE keys SET name = $1, description = $2, usage = $3, state = $4, destroy_at = $5, \
             activation_date = $6, deactivation_date = $7, protect_stop_date = $8, \
             process_start_date = $9, compromise_date = $10, destroyed_at = $11, primary_version = $12, \
             min_decryption_version = $13, updated_at = $14, revision = revision + 1, \
             next_due_at = $15, links = $16, kmip_attributes = $17, template = $18, \
             cryptoperiod_secs = $19, rotation_interval_secs = $20, rotate_before_secs = $21, \
             use_limit = $22, next_rotation_at = $23, mac = $24 \
             WHERE id = $25 AND revision = $26",
        )
        .bind(key.name.as_str())
        .bind(&key.description)
        .bind(i64::from(key.usage.bits()))
        .bind(i64::from(key.state.state_code()))
        .bind(ots(key.destroy_at))
        .bind(ots(key.activation_date))
        .bind(ots(key.deactivation_date))
        .bind(ots(key.protect_stop_date))
        .bind(ots(key.process_start_date))
        .bind(ots(key.compromise_date))
        .bind(ots(key.destroyed_at))
        .bind(i64::from(key.primary_version))
        .bind(i64::from(key.min_decryption_version))
        .bind(ts(key.updated_at))
        .bind(ots(key.next_due_at()))
        .bind(encode_links(&key.links))
        .bind(kmip_blob(key))
        .bind(&key.schedule.template)
        .bind(secs(key.schedule.cryptoperiod))
        .bind(secs(key.schedule.rotation_interval))
        .bind(secs(key.schedule.rotate_before))
        .bind(limit_i64(key.schedule.use_limit))
        .bind(ots(key.schedule.next_rotation_at))
        .bind(&key.mac)
        .bind(&id)
        .bind(old_rev)
        .execute(&mut *tx)
        .await
        .map_err(map_write)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        replace_tags(&mut tx, key).await?;
        if let Some(v) = change.new_version {
            insert_version(&mut tx, v).await?;
        }
        if change.erase_material {
            sqlx::query(
                "UPDATE key_versions SET sealed_material = NULL, public_key = NULL \
                 WHERE key_id = $1",
            )
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        for (version, mac) in change.version_macs {
            sqlx::query("UPDATE key_versions SET mac = $1 WHERE key_id = $2 AND version = $3")
                .bind(mac)
                .bind(&id)
                .bind(i64::from(*version))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        for h in change.history {
            insert_history(&mut tx, h).await?;
        }
        audit::insert_events(&mut tx, change.audit).await?;
        dialect::key_changed(&mut tx, key.id).await?;
        tx.commit().await.map_err(backend)?;
        Ok(key.revision.saturating_add(1))
    }

    async fn purge_key(
        &self,
        id: KeyId,
        revision: u64,
        history: &HistoryEntry,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let done = sqlx::query("DELETE FROM keys WHERE id = $1 AND revision = $2")
            .bind(id.0.to_string())
            .bind(i64::try_from(revision).map_err(|_| StoreError::Conflict)?)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        insert_history(&mut tx, history).await?;
        audit::insert_events(&mut tx, std::slice::from_ref(audit)).await?;
        dialect::key_changed(&mut tx, id).await?;
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    async fn list_versions(&self, id: KeyId) -> Result<Vec<KeyVersion>, StoreError> {
        sqlx::query("SELECT * FROM key_versions WHERE key_id = $1 ORDER BY version")
            .bind(id.0.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?
            .iter()
            .map(version_from_row)
            .collect()
    }

    async fn get_version(&self, id: KeyId, version: u32) -> Result<Option<KeyVersion>, StoreError> {
        sqlx::query("SELECT * FROM key_versions WHERE key_id = $1 AND version = $2")
            .bind(id.0.to_string())
            .bind(i64::from(version))
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?
            .as_ref()
            .map(version_from_row)
            .transpose()
    }

    async fn history(&self, id: KeyId) -> Result<Vec<HistoryEntry>, StoreError> {
        sqlx::query("SELECT * FROM key_history WHERE key_id = $1 ORDER BY seq")
            .bind(id.0.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?
            .iter()
            .map(history_from_row)
            .collect()
    }

    async fn due_keys(&self, now: OffsetDateTime, limit: u32) -> Result<Vec<KeyId>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM keys WHERE next_due_at IS NOT NULL AND next_due_at <= $1 \
             ORDER BY next_due_at LIMIT $2",
        )
        .bind(ts(now))
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        rows.iter().map(|s| uuid(s).map(KeyId)).collect()
    }

    async fn record_last_used(&self, uses: &[(KeyId, OffsetDateTime)]) -> Result<(), StoreError> {
        // Not a revision bump: last use is informational and must not conflict with
        // lifecycle changes.
        let uses: Vec<(String, OffsetDateTime)> = uses
            .iter()
            .map(|(id, at)| (id.0.to_string(), *at))
            .collect();
        self.last_used_in("keys", &uses).await
    }

    async fn get_seal(&self) -> Result<Option<SealRecord>, StoreError> {
        self.seal_get().await
    }
    async fn init_seal(&self, seal: &SealRecord, root: &RootKeyRecord) -> Result<(), StoreError> {
        self.seal_init(seal, root).await
    }
    async fn root_keys(&self) -> Result<Vec<RootKeyRecord>, StoreError> {
        self.roots().await
    }
    async fn add_root_key(&self, root: &RootKeyRecord) -> Result<(), StoreError> {
        self.root_add(root).await
    }
    async fn rotate_root(&self, rotation: RootRotation<'_>) -> Result<(), StoreError> {
        self.root_rotate(rotation).await
    }

    async fn create_principal(&self, p: &Principal) -> Result<(), StoreError> {
        self.principal_create(p).await
    }
    async fn get_principal(&self, id: PrincipalId) -> Result<Option<Principal>, StoreError> {
        self.principal_by("id", id.0.to_string()).await
    }
    async fn get_principal_by_name(&self, name: &str) -> Result<Option<Principal>, StoreError> {
        self.principal_by("name", name.to_owned()).await
    }
    async fn list_principals(&self) -> Result<Vec<Principal>, StoreError> {
        self.principals().await
    }
    async fn update_principal(&self, p: &Principal) -> Result<(), StoreError> {
        let done = self.principal_update(p).await;
        dialect::access_changed(&self.writer).await;
        done
    }
    async fn delete_principal(&self, id: PrincipalId) -> Result<bool, StoreError> {
        let done = self.principal_delete(id).await;
        dialect::access_changed(&self.writer).await;
        done
    }

    async fn create_token(&self, t: &Token) -> Result<(), StoreError> {
        self.token_create(t).await
    }
    async fn get_token_by_hash(&self, hash: &[u8; 32]) -> Result<Option<Token>, StoreError> {
        self.token_by_hash(hash).await
    }
    async fn get_token(&self, id: TokenId) -> Result<Option<Token>, StoreError> {
        self.token_by_id(id).await
    }
    async fn list_tokens(&self, principal: PrincipalId) -> Result<Vec<Token>, StoreError> {
        self.tokens_of(principal).await
    }
    async fn update_token(&self, t: &Token) -> Result<(), StoreError> {
        let done = self.token_update(t).await;
        dialect::access_changed(&self.writer).await;
        done
    }
    async fn record_token_use(&self, uses: &[(TokenId, OffsetDateTime)]) -> Result<(), StoreError> {
        self.token_uses(uses).await
    }

    async fn create_template(&self, t: &Template) -> Result<(), StoreError> {
        self.template_create(t).await
    }
    async fn get_template(
        &self,
        vault: VaultId,
        name: &str,
    ) -> Result<Option<Template>, StoreError> {
        self.template_get(vault, name).await
    }
    async fn list_templates(&self, vault: VaultId) -> Result<Vec<Template>, StoreError> {
        self.template_list(vault).await
    }
    async fn update_template(&self, t: &Template) -> Result<u64, StoreError> {
        self.template_update(t).await
    }
    async fn delete_template(&self, vault: VaultId, name: &str) -> Result<bool, StoreError> {
        self.template_delete(vault, name).await
    }
    async fn next_template_seq(&self, id: Uuid) -> Result<u64, StoreError> {
        self.template_next_seq(id).await
    }
    async fn get_vault_policy(&self, vault: VaultId) -> Result<Option<VaultPolicy>, StoreError> {
        self.policy_get(vault).await
    }
    async fn put_vault_policy(&self, p: &VaultPolicy) -> Result<(), StoreError> {
        let done = self.policy_put(p).await;
        dialect::access_changed(&self.writer).await;
        done
    }
    async fn delete_vault_policy(&self, vault: VaultId) -> Result<bool, StoreError> {
        let done = self.policy_delete(vault).await;
        dialect::access_changed(&self.writer).await;
        done
    }

    async fn create_role_binding(&self, b: &RoleBinding) -> Result<(), StoreError> {
        let done = self.binding_create(b).await;
        dialect::access_changed(&self.writer).await;
        done
    }
    async fn delete_role_binding(
        &self,
        vault: VaultId,
        principal: PrincipalId,
        role: VaultRole,
    ) -> Result<bool, StoreError> {
        let done = self.binding_delete(vault, principal, role).await;
        dialect::access_changed(&self.writer).await;
        done
    }
    async fn role_bindings_of(
        &self,
        principal: PrincipalId,
    ) -> Result<Vec<RoleBinding>, StoreError> {
        self.bindings_where("principal_id", principal.0.to_string())
            .await
    }
    async fn role_bindings_in(&self, vault: VaultId) -> Result<Vec<RoleBinding>, StoreError> {
        self.bindings_where("vault_id", vault.0.to_string()).await
    }

    async fn create_cert_binding(&self, b: &CertBinding) -> Result<(), StoreError> {
        let done = self.cert_create(b).await;
        dialect::access_changed(&self.writer).await;
        done
    }
    async fn find_cert_binding(
        &self,
        kind: CertMatch,
        value: &str,
    ) -> Result<Option<CertBinding>, StoreError> {
        self.cert_find(kind, value).await
    }
    async fn cert_bindings_of(
        &self,
        principal: PrincipalId,
    ) -> Result<Vec<CertBinding>, StoreError> {
        self.certs_of(principal).await
    }
    async fn delete_cert_binding(&self, id: Uuid) -> Result<bool, StoreError> {
        let done = self.cert_delete(id).await;
        dialect::access_changed(&self.writer).await;
        done
    }

    async fn append_audit(&self, events: &[AuditEvent]) -> Result<(), StoreError> {
        self.audit_append(events).await
    }
    async fn audit_records(&self, after: u64, limit: u32) -> Result<Vec<AuditRecord>, StoreError> {
        self.audit_after(after, limit).await
    }
    async fn audit_leaves(&self, after: u64, limit: u32) -> Result<Vec<(u64, Hash)>, StoreError> {
        self.audit_leaf_hashes(after, limit).await
    }
    async fn query_audit(
        &self,
        filter: &AuditFilter,
        after: Option<u64>,
        limit: u32,
        descending: bool,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        self.audit_query(filter, after, limit, descending).await
    }
    async fn audit_index_mismatches(&self) -> Result<Vec<u64>, StoreError> {
        self.audit_index_mismatches().await
    }
    async fn add_checkpoint(&self, cp: &StoredCheckpoint) -> Result<(), StoreError> {
        self.checkpoint_add(cp).await
    }
    async fn last_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        self.checkpoint_last().await
    }
    async fn checkpoints(&self) -> Result<Vec<Checkpoint>, StoreError> {
        self.checkpoint_all().await
    }

    // ----- import keys (in `import`) ----
    async fn create_import_key(
        &self,
        k: &keyhaven_core::import::ImportKey,
    ) -> Result<(), StoreError> {
        self.import_key_create(k).await
    }
    async fn current_import_key(
        &self,
        vault: VaultId,
        now: OffsetDateTime,
    ) -> Result<Option<keyhaven_core::import::ImportKey>, StoreError> {
        self.import_key_current(vault, now).await
    }
    async fn get_import_key(
        &self,
        id: Uuid,
    ) -> Result<Option<keyhaven_core::import::ImportKey>, StoreError> {
        self.import_key_get(id).await
    }
    async fn delete_expired_import_keys(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        self.import_keys_delete_expired(before).await
    }

    async fn create_keystore(&self, k: &KeystoreRecord) -> Result<(), StoreError> {
        self.keystore_create(k).await
    }

    async fn get_keystore(&self, id: Uuid) -> Result<Option<KeystoreRecord>, StoreError> {
        self.keystore_get(id).await
    }

    async fn get_keystore_by_name(
        &self,
        vault: VaultId,
        name: &str,
    ) -> Result<Option<KeystoreRecord>, StoreError> {
        self.keystore_by_name(vault, name).await
    }

    async fn list_keystores(
        &self,
        vault: Option<VaultId>,
    ) -> Result<Vec<KeystoreRecord>, StoreError> {
        self.keystore_list(vault).await
    }

    async fn update_keystore(&self, k: &KeystoreRecord) -> Result<(), StoreError> {
        self.keystore_update(k).await
    }

    async fn delete_keystore(&self, id: Uuid) -> Result<bool, StoreError> {
        self.keystore_delete(id).await
    }

    async fn set_keystore_health(
        &self,
        id: Uuid,
        health: &KeystoreHealth,
    ) -> Result<(), StoreError> {
        self.keystore_health(id, health).await
    }

    async fn add_key_target(
        &self,
        key: KeyId,
        keystore: Uuid,
        at: OffsetDateTime,
        mac: &[u8],
    ) -> Result<(), StoreError> {
        self.target_add(key, keystore, at, mac).await
    }

    async fn key_targets(&self, key: KeyId) -> Result<Vec<(Uuid, Vec<u8>)>, StoreError> {
        self.targets(key).await
    }

    async fn distributions(&self, key: KeyId) -> Result<Vec<Distribution>, StoreError> {
        self.distributions_of(key).await
    }

    async fn put_distribution(&self, d: &Distribution) -> Result<(), StoreError> {
        self.distribution_put(d).await
    }

    async fn distributed_keys(
        &self,
        after: Option<KeyId>,
        limit: u32,
    ) -> Result<Vec<KeyId>, StoreError> {
        self.distributed(after, limit).await
    }

    async fn keystore_destruction_pending(
        &self,
        key: KeyId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.destruction_pending(key, now).await
    }

    async fn claim(
        &self,
        item: &str,
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        // One statement: concurrent claims of a free or expired item race inside the
        // database, and exactly one of them inserts or updates the row.
        let done = sqlx::query(
            "INSERT INTO job_leases (item, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (item) DO UPDATE SET holder = excluded.holder, \
             expires_at = excluded.expires_at \
             WHERE job_leases.expires_at <= $4 OR job_leases.holder = excluded.holder",
        )
        .bind(item)
        .bind(holder)
        .bind(ts(until))
        .bind(ts(now))
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn release(&self, item: &str, holder: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM job_leases WHERE item = $1 AND holder = $2")
            .bind(item)
            .bind(holder)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn dump_tables(&self) -> Result<Vec<keyhaven_core::backup::TableDump>, StoreError> {
        self.dump().await
    }

    async fn restore_tables(
        &self,
        tables: &[keyhaven_core::backup::TableDump],
        wrapped_system_secret: &[u8],
        fix_vault: &(dyn Fn(Vault) -> Result<Vault, StoreError> + Send + Sync),
    ) -> Result<(), StoreError> {
        self.restore_all(tables, wrapped_system_secret, fix_vault)
            .await
    }
}
