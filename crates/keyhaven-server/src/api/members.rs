//! `/v1/vaults/{name}/members`: who holds which role in a vault.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use keyhaven_core::VaultRole;
use keyhaven_proto as proto;

use super::error::ApiError;
use super::extract::Body;
use super::principals::principal_name;
use super::vaults::vault_name;
use super::Ctx;

fn role(raw: &str) -> Result<VaultRole, ApiError> {
    raw.parse().map_err(ApiError::invalid)
}

/// A vault's members (vault admin or auditor; system-admin or system-auditor).
#[utoipa::path(get, path = "/v1/vaults/{name}/members", tag = "vaults",
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 200, body = proto::MemberList), (status = 403, body = proto::ErrorBody),
              (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    Ctx { svc, caller }: Ctx,
    Path(name): Path<String>,
) -> Result<Json<proto::MemberList>, ApiError> {
    let items = svc
        .list_members(&caller, &vault_name(&name)?)
        .await?
        .into_iter()
        .map(|m| proto::Member {
            principal: m.principal.name.to_string(),
            roles: m.roles.iter().map(|b| b.role.name().to_owned()).collect(),
        })
        .collect();
    Ok(Json(proto::MemberList { items }))
}

/// Grant roles in a vault (vault admin, or system-admin).
#[utoipa::path(post, path = "/v1/vaults/{name}/members", tag = "vaults",
    request_body = proto::GrantRoles,
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 200, body = proto::Member), (status = 403, body = proto::ErrorBody),
              (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn grant(
    Ctx { svc, caller }: Ctx,
    Path(name): Path<String>,
    Body(req): Body<proto::GrantRoles>,
) -> Result<Json<proto::Member>, ApiError> {
    let vault = vault_name(&name)?;
    let principal = principal_name(&req.principal)?;
    if req.roles.is_empty() {
        return Err(ApiError::invalid("roles: name at least one role"));
    }
    let roles = req
        .roles
        .iter()
        .map(|r| role(r))
        .collect::<Result<Vec<_>, _>>()?;
    for r in roles {
        svc.grant_role(&caller, &vault, &principal, r).await?;
    }
    let member = svc.list_members(&caller, &vault).await.ok().and_then(|ms| {
        ms.into_iter()
            .find(|m| m.principal.name.as_str() == principal.as_str())
    });
    Ok(Json(proto::Member {
        principal: principal.to_string(),
        roles: member
            .map(|m| m.roles.iter().map(|b| b.role.name().to_owned()).collect())
            .unwrap_or_else(|| req.roles.clone()),
    }))
}

/// Revoke one role (vault admin, or system-admin).
#[utoipa::path(delete, path = "/v1/vaults/{name}/members/{principal}/{role}", tag = "vaults",
    params(("name" = String, Path, description = "Vault name"),
           ("principal" = String, Path, description = "Principal name"),
           ("role" = String, Path, description = "Role")),
    responses((status = 204), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke(
    Ctx { svc, caller }: Ctx,
    Path((name, principal, r)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let removed = svc
        .revoke_role(
            &caller,
            &vault_name(&name)?,
            &principal_name(&principal)?,
            role(&r)?,
        )
        .await?;
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(
            keyhaven_proto::ErrorCode::NotFound,
            format!("{principal} does not hold the {r} role in {name}"),
        ))
    }
}
