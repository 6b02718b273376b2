//! `/v1/vaults`: create, list, get, update, delete.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use keyhaven_core::{Vault, VaultName, VaultRole};
use keyhaven_proto as proto;

use super::error::ApiError;
use super::extract::Body;
use super::Ctx;

pub(crate) fn view(v: &Vault) -> proto::Vault {
    proto::Vault {
        name: v.name.to_string(),
        pending_destruction_days: v.pending_destruction_days,
        created_at: v.created_at,
        updated_at: v.updated_at,
    }
}

pub(crate) fn vault_name(raw: &str) -> Result<VaultName, ApiError> {
    raw.parse().map_err(ApiError::invalid)
}

/// Create a vault.
#[utoipa::path(post, path = "/v1/vaults", tag = "vaults", request_body = proto::CreateVault,
    responses((status = 201, body = proto::Vault), (status = 409, body = proto::ErrorBody),
              (status = 400, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    Ctx { svc, caller }: Ctx,
    Body(req): Body<proto::CreateVault>,
) -> Result<(StatusCode, Json<proto::Vault>), ApiError> {
    let roles = req
        .creator_roles
        .unwrap_or_default()
        .iter()
        .map(|r| r.parse::<VaultRole>().map_err(ApiError::invalid))
        .collect::<Result<Vec<_>, _>>()?;
    let v = svc
        .create_vault(
            &caller,
            vault_name(&req.name)?,
            req.pending_destruction_days,
            &roles,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view(&v))))
}

/// List vaults.
#[utoipa::path(get, path = "/v1/vaults", tag = "vaults",
    responses((status = 200, body = proto::VaultList)), security(("bearer" = [])))]
pub async fn list(Ctx { svc, caller }: Ctx) -> Result<Json<proto::VaultList>, ApiError> {
    let items = svc.list_vaults(&caller).await?.iter().map(view).collect();
    Ok(Json(proto::VaultList { items }))
}

/// Get a vault.
#[utoipa::path(get, path = "/v1/vaults/{name}", tag = "vaults",
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 200, body = proto::Vault), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    Ctx { svc, caller }: Ctx,
    Path(name): Path<String>,
) -> Result<Json<proto::Vault>, ApiError> {
    let v = svc.get_vault(&caller, &vault_name(&name)?).await?;
    Ok(Json(view(&v)))
}

/// Change a vault's settings.
#[utoipa::path(patch, path = "/v1/vaults/{name}", tag = "vaults", request_body = proto::UpdateVault,
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 200, body = proto::Vault), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    Ctx { svc, caller }: Ctx,
    Path(name): Path<String>,
    Body(req): Body<proto::UpdateVault>,
) -> Result<Json<proto::Vault>, ApiError> {
    let v = svc
        .update_vault(&caller, &vault_name(&name)?, req.pending_destruction_days)
        .await?;
    Ok(Json(view(&v)))
}

/// Delete an empty vault.
#[utoipa::path(delete, path = "/v1/vaults/{name}", tag = "vaults",
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 204), (status = 409, body = proto::ErrorBody),
              (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    Ctx { svc, caller }: Ctx,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    svc.delete_vault(&caller, &vault_name(&name)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
