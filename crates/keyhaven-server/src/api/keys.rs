//! `/v1/keys`: create, list, get, update, lifecycle actions, purge, versions, history,
//! public key.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use base64::Engine;
use keyhaven_core::{
    Caller, InitialState, Key, KeyAlgorithm, KeyExtras, KeyFilter, KeyPatch, KeyService, KeyState,
    ListQuery, NewKey, UsageMask,
};
use keyhaven_proto as proto;
use serde::Deserialize;
use time::OffsetDateTime;

use super::error::ApiError;
use super::extract::{b64_secret, key_id, Body, Query};
use super::templates;
use super::vaults::vault_name;
use super::Ctx;

pub(crate) fn view(k: &Key) -> proto::Key {
    proto::Key {
        id: k.id.0,
        vault: k.vault_name.to_string(),
        name: k.name.to_string(),
        description: k.description.clone(),
        tags: k.tags.clone(),
        algorithm: k.algorithm.name().to_owned(),
        size_bits: k.algorithm.size_bits(),
        usage: k.usage.names().into_iter().map(str::to_owned).collect(),
        state: k.state.name().to_owned(),
        state_code: k.state.state_code(),
        primary_version: k.primary_version,
        min_decryption_version: k.min_decryption_version,
        origin: k.origin.name().to_owned(),
        destroy_at: k.destroy_at,
        activation_date: k.activation_date,
        deactivation_date: k.deactivation_date,
        protect_stop_date: k.protect_stop_date,
        process_start_date: k.process_start_date,
        compromise_date: k.compromise_date,
        destroyed_at: k.destroyed_at,
        created_at: k.created_at,
        updated_at: k.updated_at,
        last_used_at: k.last_used_at,
        object_kind: k.object_kind.name().to_owned(),
        exportable: k.exportable,
        links: k
            .links
            .iter()
            .map(|l| proto::KeyLink {
                kind: l.kind.name().to_owned(),
                target: l.target.clone(),
            })
            .collect(),
        template: k.schedule.template.clone(),
        cryptoperiod_seconds: templates::to_seconds(k.schedule.cryptoperiod),
        rotation_interval_seconds: templates::to_seconds(k.schedule.rotation_interval),
        rotate_before_seconds: templates::to_seconds(k.schedule.rotate_before),
        use_limit: k.schedule.use_limit,
        next_rotation_at: templates::next_rotation_at(k),
    }
}

fn parse_usage(names: &[String]) -> Result<UsageMask, ApiError> {
    UsageMask::from_names(names.iter().map(String::as_str)).map_err(ApiError::invalid)
}

/// Create (generate or import) a key.
#[utoipa::path(post, path = "/v1/keys", tag = "keys", request_body = proto::CreateKey,
    responses((status = 201, body = proto::Key), (status = 400, body = proto::ErrorBody),
              (status = 404, body = proto::ErrorBody), (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    Ctx { svc, caller }: Ctx,
    Body(mut req): Body<proto::CreateKey>,
) -> Result<(StatusCode, Json<proto::Key>), ApiError> {
    let keystores = std::mem::take(&mut req.keystores);
    let from_template = req.template.is_some();
    let key = create_key(&svc, &caller, req).await?;
    super::keystores::distribute_new_key(&svc, &caller, key.id, &keystores, from_template).await?;
    Ok((StatusCode::CREATED, Json(view(&key))))
}

async fn create_key(
    svc: &KeyService,
    caller: &Caller,
    req: proto::CreateKey,
) -> Result<Key, ApiError> {
    if req.template.is_some() {
        return templates::create_key(svc, caller, req).await;
    }
    if req.template_vars.is_some() {
        return Err(ApiError::invalid(
            "template_vars needs template: name the template whose naming scheme they fill",
        ));
    }
    if req.algorithm.is_empty() {
        return Err(ApiError::invalid(
            "algorithm is required (e.g. aes-256), unless the key is made from a template",
        ));
    }
    if req.name.is_empty() {
        return Err(ApiError::invalid(
            "name is required, unless a template with a naming scheme names the key",
        ));
    }
    let algorithm: KeyAlgorithm = match req.algorithm.parse() {
        Ok(a) => a,
        Err(e) => {
            let e: keyhaven_core::algorithm::UnknownAlgorithm = e;
            // An algorithm keyhaven does not implement but the crypto policy knows (RSA-1024,
            // 3DES, ...) is refused by the policy rule, so callers learn why.
            let vault = vault_name(&req.vault)?;
            if let Some(refusal) = svc.legacy_algorithm_refusal(&vault, &req.algorithm).await {
                return Err(refusal.into());
            }
            return Err(ApiError::invalid(e.to_string()));
        }
    };
    let initial_state = match req.initial_state.as_deref() {
        None | Some("pre-active") => InitialState::PreActive,
        Some("active") => InitialState::Active,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "initial_state must be \"pre-active\" or \"active\", not {:?}",
                other.chars().take(40).collect::<String>()
            )))
        }
    };
    let schedule = templates::schedule_from_wire(&req)?;
    let new = NewKey {
        vault: vault_name(&req.vault)?,
        name: req.name.parse().map_err(ApiError::invalid)?,
        algorithm,
        usage: req.usage.as_deref().map(parse_usage).transpose()?,
        initial_state,
        description: req.description,
        tags: req.tags.unwrap_or_default(),
        activation_date: req.activation_date,
        deactivation_date: req.deactivation_date,
        protect_stop_date: req.protect_stop_date,
        process_start_date: req.process_start_date,
        import_material: req
            .import_material
            .as_deref()
            .map(|m| b64_secret("import_material", m))
            .transpose()?,
        extras: KeyExtras {
            schedule,
            exportable: req.exportable,
            ..KeyExtras::default()
        },
    };
    Ok(svc.create_key(caller, new).await?)
}

/// Filters of `GET /v1/keys`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only keys of this vault.
    vault: Option<String>,
    /// Only keys in this state (name).
    state: Option<String>,
    /// Only keys of this algorithm.
    algorithm: Option<String>,
    /// Names starting with this.
    name_prefix: Option<String>,
    /// `tag` or `tag=value`.
    tag: Option<String>,
    /// RFC 3339; created at or after.
    created_after: Option<String>,
    /// RFC 3339; created before.
    created_before: Option<String>,
    /// Also list destroyed keys.
    include_destroyed: Option<bool>,
    /// Only keys that some keystore holds out of sync.
    out_of_sync: Option<bool>,
    /// Page size, 1-1000 (default 100).
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

fn date(field: &str, v: Option<&str>) -> Result<Option<OffsetDateTime>, ApiError> {
    v.map(|s| {
        OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .map_err(|_| ApiError::invalid(format!("{field} must be an RFC 3339 date-time")))
    })
    .transpose()
}

fn cursor_encode(id: keyhaven_core::KeyId) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id.0.as_bytes())
}

fn cursor_decode(c: &str) -> Result<keyhaven_core::KeyId, ApiError> {
    let bad = || ApiError::invalid("cursor is not one this server returned");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .map_err(|_| bad())?;
    uuid::Uuid::from_slice(&bytes)
        .map(keyhaven_core::KeyId)
        .map_err(|_| bad())
}

/// List keys (keyset pagination).
#[utoipa::path(get, path = "/v1/keys", tag = "keys", params(ListParams),
    responses((status = 200, body = proto::KeyList), (status = 400, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    Ctx { svc, caller }: Ctx,
    Query(p): Query<ListParams>,
) -> Result<Json<proto::KeyList>, ApiError> {
    let filter = KeyFilter {
        vault_ids: None,
        state: p
            .state
            .as_deref()
            .map(|s| s.parse::<KeyState>().map_err(ApiError::invalid))
            .transpose()?,
        algorithm: p
            .algorithm
            .as_deref()
            .map(|a| {
                a.parse::<KeyAlgorithm>()
                    .map_err(|e| ApiError::invalid(e.to_string()))
            })
            .transpose()?,
        name_prefix: p.name_prefix.filter(|s| !s.is_empty()),
        tag: p.tag.map(|t| match t.split_once('=') {
            Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
            None => (t, None),
        }),
        created_after: date("created_after", p.created_after.as_deref())?,
        created_before: date("created_before", p.created_before.as_deref())?,
        include_destroyed: p.include_destroyed.unwrap_or(false)
            || p.state
                .as_deref()
                .is_some_and(|s| s.starts_with("destroyed")),
        out_of_sync: p.out_of_sync.unwrap_or(false),
    };
    let query = ListQuery {
        vault: p.vault.as_deref().map(vault_name).transpose()?,
        filter,
        after: p.cursor.as_deref().map(cursor_decode).transpose()?,
        limit: p.limit,
    };
    let page = svc.list_keys(&caller, query).await?;
    Ok(Json(proto::KeyList {
        items: page.items.iter().map(view).collect(),
        next_cursor: page.next.map(cursor_encode),
        integrity_errors: page.integrity_errors.iter().map(|k| k.0).collect(),
    }))
}

/// Get a key's metadata.
#[utoipa::path(get, path = "/v1/keys/{id}", tag = "keys",
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::Key), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
) -> Result<Json<proto::Key>, ApiError> {
    Ok(Json(view(&svc.get_key(&caller, key_id(&id)?).await?)))
}

/// Update metadata and dates.
#[utoipa::path(patch, path = "/v1/keys/{id}", tag = "keys", request_body = proto::UpdateKey,
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::Key), (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
    Body(req): Body<proto::UpdateKey>,
) -> Result<Json<proto::Key>, ApiError> {
    let patch = KeyPatch {
        name: req
            .name
            .as_deref()
            .map(|n| n.parse().map_err(ApiError::invalid))
            .transpose()?,
        description: req.description,
        tags: req.tags,
        activation_date: req.activation_date,
        deactivation_date: req.deactivation_date,
        protect_stop_date: req.protect_stop_date,
        process_start_date: req.process_start_date,
        ..KeyPatch::default()
    };
    let key = svc.update_key(&caller, key_id(&id)?, patch).await?;
    Ok(Json(view(&key)))
}

/// Remove a destroyed key from its vault (purge).
#[utoipa::path(delete, path = "/v1/keys/{id}", tag = "keys",
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 204), (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn purge(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    svc.purge(&caller, key_id(&id)?, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

macro_rules! lifecycle_action {
    ($fn:ident, $method:ident, $path:literal, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "keys", request_body = proto::StateChange,
            params(("id" = uuid::Uuid, Path, description = "Key id")),
            responses((status = 200, body = proto::Key), (status = 409, body = proto::ErrorBody),
                      (status = 404, body = proto::ErrorBody)),
            security(("bearer" = [])))]
        pub async fn $fn(
            Ctx { svc, caller }: Ctx,
            Path(id): Path<String>,
            Body(req): Body<proto::StateChange>,
        ) -> Result<Json<proto::Key>, ApiError> {
            let key = svc
                .$method(&caller, key_id(&id)?, req.reason)
                .await?;
            Ok(Json(view(&key)))
        }
    };
}

lifecycle_action!(
    activate,
    activate,
    "/v1/keys/{id}/activate",
    "Activate a pre-active key."
);
lifecycle_action!(
    deactivate,
    deactivate,
    "/v1/keys/{id}/deactivate",
    "Deactivate an active key."
);
lifecycle_action!(
    reactivate,
    reactivate,
    "/v1/keys/{id}/reactivate",
    "Reactivate a deactivated key."
);
lifecycle_action!(
    rotate,
    rotate,
    "/v1/keys/{id}/rotate",
    "Add a new primary version."
);
lifecycle_action!(
    compromise,
    compromise,
    "/v1/keys/{id}/compromise",
    "Mark a key compromised."
);
lifecycle_action!(
    destroy,
    destroy,
    "/v1/keys/{id}/destroy",
    "Schedule destruction (pending period of the vault)."
);
lifecycle_action!(
    cancel_destroy,
    cancel_destroy,
    "/v1/keys/{id}/cancel-destroy",
    "Cancel a pending destruction."
);

/// Bring a key in line with a template (default: the one it was made from): usage, tags,
/// cryptoperiod and rotation settings; never the algorithm.
#[utoipa::path(post, path = "/v1/keys/{id}/apply-template", tag = "keys",
    request_body = proto::ApplyTemplate,
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::Key), (status = 400, body = proto::ErrorBody),
              (status = 404, body = proto::ErrorBody), (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn apply_template(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
    Body(req): Body<proto::ApplyTemplate>,
) -> Result<Json<proto::Key>, ApiError> {
    let key = svc
        .apply_template(&caller, key_id(&id)?, req.template.as_deref())
        .await?;
    Ok(Json(view(&key)))
}

/// A key's versions.
#[utoipa::path(get, path = "/v1/keys/{id}/versions", tag = "keys",
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::KeyVersionList), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn versions(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
) -> Result<Json<proto::KeyVersionList>, ApiError> {
    let id = key_id(&id)?;
    let key = svc.get_key(&caller, id).await?;
    let items = svc
        .versions(&caller, id)
        .await?
        .into_iter()
        .map(|v| proto::KeyVersion {
            version: v.version,
            created_at: v.created_at,
            has_material: v.sealed_material.is_some(),
            primary: v.version == key.primary_version,
        })
        .collect();
    Ok(Json(proto::KeyVersionList { items }))
}

/// A key's transition history.
#[utoipa::path(get, path = "/v1/keys/{id}/history", tag = "keys",
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::HistoryList), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn history(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
) -> Result<Json<proto::HistoryList>, ApiError> {
    let items = svc
        .key_history(&caller, key_id(&id)?)
        .await?
        .into_iter()
        .map(|h| proto::HistoryEntry {
            at: h.at,
            action: h.action,
            from_state: h.from_state.map(|s| s.name().to_owned()),
            to_state: h.to_state.name().to_owned(),
            actor: h.actor,
            cause: h.cause.name().to_owned(),
            reason: h.reason,
        })
        .collect();
    Ok(Json(proto::HistoryList { items }))
}

/// `?version=` of the public-key route.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VersionParam {
    /// Version (default: primary).
    version: Option<u32>,
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    let mut rest = b64.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Export the public key as PEM.
#[utoipa::path(get, path = "/v1/keys/{id}/public-key", tag = "keys",
    params(("id" = uuid::Uuid, Path, description = "Key id"), VersionParam),
    responses((status = 200, body = proto::PublicKeyResponse), (status = 400, body = proto::ErrorBody),
              (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn public_key(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
    Query(q): Query<VersionParam>,
) -> Result<Json<proto::PublicKeyResponse>, ApiError> {
    let pk = svc.public_key(&caller, key_id(&id)?, q.version).await?;
    let label = if pk.algorithm.family() == keyhaven_core::AlgorithmFamily::MlKem {
        "ML-KEM PUBLIC KEY"
    } else {
        "PUBLIC KEY"
    };
    Ok(Json(proto::PublicKeyResponse {
        pem: pem(label, &pk.der),
        key_version: pk.key_version,
        algorithm: pk.algorithm.name().to_owned(),
    }))
}
