//! `/v1/vaults`: create, list, get, update, delete.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use keyhaven_core::{Vault, VaultName};
use keyhaven_proto as proto;

use super::error::ApiError;
use super::extract::Body;
use super::AppState;

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
    State(st): State<AppState>,
    Body(req): Body<proto::CreateVault>,
) -> Result<(StatusCode, Json<proto::Vault>), ApiError> {
    let v = st
        .service
        .create_vault(vault_name(&req.name)?, req.pending_destruction_days)
        .await?;
    Ok((StatusCode::CREATED, Json(view(&v))))
}

/// List vaults.
#[utoipa::path(get, path = "/v1/vaults", tag = "vaults",
    responses((status = 200, body = proto::VaultList)), security(("bearer" = [])))]
pub async fn list(State(st): State<AppState>) -> Result<Json<proto::VaultList>, ApiError> {
    let items = st.service.list_vaults().await?.iter().map(view).collect();
    Ok(Json(proto::VaultList { items }))
}

/// Get a vault.
#[utoipa::path(get, path = "/v1/vaults/{name}", tag = "vaults",
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 200, body = proto::Vault), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<proto::Vault>, ApiError> {
    let v = st.service.get_vault(&vault_name(&name)?).await?;
    Ok(Json(view(&v)))
}

/// Change a vault's settings.
#[utoipa::path(patch, path = "/v1/vaults/{name}", tag = "vaults", request_body = proto::UpdateVault,
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 200, body = proto::Vault), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(st): State<AppState>,
    Path(name): Path<String>,
    Body(req): Body<proto::UpdateVault>,
) -> Result<Json<proto::Vault>, ApiError> {
    let v = st
        .service
        .update_vault(&vault_name(&name)?, req.pending_destruction_days)
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
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    st.service.delete_vault(&vault_name(&name)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
