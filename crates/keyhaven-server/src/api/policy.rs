//! `/v1/policy` (the server's crypto policy) and `/v1/vaults/{vault}/policy` (a vault's
//! override, which can only tighten it).

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use keyhaven_core::policy::PolicyOverride;
use keyhaven_core::vault_policy::VaultPolicyView;
use keyhaven_proto as proto;
use keyhaven_proto::ErrorCode;
use serde::Serialize;
use serde_json::Value;

use super::error::ApiError;
use super::extract::Body;
use super::vaults::vault_name;
use super::Ctx;

/// The server's crypto policy (any authenticated caller).
#[utoipa::path(get, path = "/v1/policy", tag = "policy",
    responses((status = 200, description = "The server's policy document", body = Object)),
    security(("bearer" = [])))]
pub async fn server(Ctx { svc, caller: _ }: Ctx) -> Result<Json<Value>, ApiError> {
    Ok(Json(document(svc.server_policy())?))
}

/// A vault's override and effective policy (anyone who may read the vault).
#[utoipa::path(get, path = "/v1/vaults/{name}/policy", tag = "policy",
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 200, body = proto::VaultPolicy), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    Ctx { svc, caller }: Ctx,
    Path(vault): Path<String>,
) -> Result<Json<proto::VaultPolicy>, ApiError> {
    let view = svc.vault_policy(&caller, &vault_name(&vault)?).await?;
    Ok(Json(wire(&view)?))
}

/// Set a vault's override (vault admin): the body is the override document.
#[utoipa::path(put, path = "/v1/vaults/{name}/policy", tag = "policy",
    request_body(content = Object, description = "Override document (docs/POLICY.md)"),
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 200, body = proto::VaultPolicy), (status = 400, body = proto::ErrorBody),
              (status = 403, body = proto::ErrorBody), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn set(
    Ctx { svc, caller }: Ctx,
    Path(vault): Path<String>,
    Body(document): Body<Value>,
) -> Result<Json<proto::VaultPolicy>, ApiError> {
    let vault = vault_name(&vault)?;
    if !document.is_object() {
        return Err(ApiError::invalid(
            "the policy override must be a JSON object, e.g. {\"min_strength\": 128}",
        ));
    }
    let document = PolicyOverride::from_json(&document.to_string()).map_err(|e| {
        ApiError::invalid(format!(
            "invalid policy override: {e} (docs/POLICY.md lists the fields)"
        ))
    })?;
    let view = svc.set_vault_policy(&caller, &vault, document).await?;
    Ok(Json(wire(&view)?))
}

/// Remove a vault's override (vault admin); the server's policy applies again.
#[utoipa::path(delete, path = "/v1/vaults/{name}/policy", tag = "policy",
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 204), (status = 403, body = proto::ErrorBody),
              (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    Ctx { svc, caller }: Ctx,
    Path(vault): Path<String>,
) -> Result<StatusCode, ApiError> {
    svc.delete_vault_policy(&caller, &vault_name(&vault)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn wire(view: &VaultPolicyView) -> Result<proto::VaultPolicy, ApiError> {
    Ok(proto::VaultPolicy {
        override_document: view.override_document.as_ref().map(document).transpose()?,
        effective: document(&view.effective)?,
    })
}

fn document(policy: &impl Serialize) -> Result<Value, ApiError> {
    serde_json::to_value(policy).map_err(|e| {
        tracing::error!(error = %e, "cannot encode a policy document");
        ApiError::new(
            ErrorCode::Internal,
            "internal error (details in the server log)",
        )
    })
}
