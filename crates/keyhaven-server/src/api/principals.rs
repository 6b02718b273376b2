//! `/v1/principals` (with their tokens and certificate bindings), `/v1/tokens/{id}`,
//! `/v1/certificates/{id}` and `/v1/whoami`.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use keyhaven_core::access::{
    CertBinding, CertMatch, Principal, PrincipalKind, PrincipalName, SystemRole, SystemRoles,
    Token, TokenId,
};
use keyhaven_core::principals::{NewPrincipal, PrincipalPatch};
use keyhaven_proto as proto;
use uuid::Uuid;

use super::auth::cert_identity;
use super::error::ApiError;
use super::extract::Body;
use super::Ctx;

pub(crate) fn view(p: &Principal) -> proto::Principal {
    proto::Principal {
        id: p.id.0,
        name: p.name.to_string(),
        kind: p.kind.name().to_owned(),
        system_roles: p
            .system_roles
            .names()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        description: p.description.clone(),
        disabled: p.disabled,
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}

fn token_view(t: &Token, principal: &str, now: time::OffsetDateTime) -> proto::Token {
    let status = if t.revoked_at.is_some() {
        "revoked"
    } else if t.expires_at.is_some_and(|x| x <= now) {
        "expired"
    } else {
        "active"
    };
    proto::Token {
        id: t.id.0,
        principal: principal.to_owned(),
        name: t.name.clone(),
        created_at: t.created_at,
        expires_at: t.expires_at,
        revoked_at: t.revoked_at,
        last_used_at: t.last_used_at,
        status: status.to_owned(),
    }
}

fn cert_view(b: &CertBinding, principal: &str) -> proto::CertBinding {
    proto::CertBinding {
        id: b.id,
        principal: principal.to_owned(),
        kind: b.kind.name().to_owned(),
        value: b.value.clone(),
        created_at: b.created_at,
    }
}

pub(crate) fn principal_name(raw: &str) -> Result<PrincipalName, ApiError> {
    raw.parse().map_err(ApiError::invalid)
}

fn system_roles(names: &[String]) -> Result<SystemRoles, ApiError> {
    names
        .iter()
        .map(|n| n.parse::<SystemRole>().map_err(ApiError::invalid))
        .collect()
}

fn uuid(raw: &str, what: &str) -> Result<Uuid, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::invalid(format!("{what} must be a UUID")))
}

/// Who am I: principal, system roles, roles per vault.
#[utoipa::path(get, path = "/v1/whoami", tag = "principals",
    responses((status = 200, body = proto::WhoAmI)), security(("bearer" = [])))]
pub async fn whoami(Ctx { svc, caller }: Ctx) -> Result<Json<proto::WhoAmI>, ApiError> {
    let w = svc.whoami(&caller).await?;
    Ok(Json(proto::WhoAmI {
        principal: w.identity.name.clone(),
        system_roles: w
            .identity
            .system_roles
            .names()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        authenticated_by: if w.identity.token.is_some() {
            "token"
        } else {
            "certificate"
        }
        .to_owned(),
        vaults: w
            .vaults
            .iter()
            .map(|(v, roles)| proto::Member {
                principal: v.to_string(),
                roles: roles.names().into_iter().map(str::to_owned).collect(),
            })
            .collect(),
    }))
}

/// Create a principal (system-admin).
#[utoipa::path(post, path = "/v1/principals", tag = "principals",
    request_body = proto::CreatePrincipal,
    responses((status = 201, body = proto::Principal), (status = 403, body = proto::ErrorBody),
              (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    Ctx { svc, caller }: Ctx,
    Body(req): Body<proto::CreatePrincipal>,
) -> Result<(StatusCode, Json<proto::Principal>), ApiError> {
    let kind = match req.kind.as_deref() {
        None => PrincipalKind::User,
        Some(k) => PrincipalKind::parse(k)
            .ok_or_else(|| ApiError::invalid("kind must be \"user\" or \"service\""))?,
    };
    let p = svc
        .create_principal(
            &caller,
            NewPrincipal {
                name: principal_name(&req.name)?,
                kind,
                system_roles: system_roles(&req.system_roles)?,
                description: req.description,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view(&p))))
}

/// List principals (system-admin).
#[utoipa::path(get, path = "/v1/principals", tag = "principals",
    responses((status = 200, body = proto::PrincipalList), (status = 403, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(Ctx { svc, caller }: Ctx) -> Result<Json<proto::PrincipalList>, ApiError> {
    let items = svc
        .list_principals(&caller)
        .await?
        .iter()
        .map(view)
        .collect();
    Ok(Json(proto::PrincipalList { items }))
}

/// A principal (system-admin, or the principal itself).
#[utoipa::path(get, path = "/v1/principals/{name}", tag = "principals",
    params(("name" = String, Path, description = "Principal name")),
    responses((status = 200, body = proto::Principal), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    Ctx { svc, caller }: Ctx,
    Path(name): Path<String>,
) -> Result<Json<proto::Principal>, ApiError> {
    Ok(Json(view(
        &svc.get_principal(&caller, &principal_name(&name)?).await?,
    )))
}

/// Change system roles, description, or disable (system-admin).
#[utoipa::path(patch, path = "/v1/principals/{name}", tag = "principals",
    request_body = proto::UpdatePrincipal,
    params(("name" = String, Path, description = "Principal name")),
    responses((status = 200, body = proto::Principal), (status = 403, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    Ctx { svc, caller }: Ctx,
    Path(name): Path<String>,
    Body(req): Body<proto::UpdatePrincipal>,
) -> Result<Json<proto::Principal>, ApiError> {
    let patch = PrincipalPatch {
        system_roles: req.system_roles.as_deref().map(system_roles).transpose()?,
        description: req.description,
        disabled: req.disabled,
    };
    let p = svc
        .update_principal(&caller, &principal_name(&name)?, patch)
        .await?;
    Ok(Json(view(&p)))
}

/// Delete a principal with its tokens and bindings (system-admin).
#[utoipa::path(delete, path = "/v1/principals/{name}", tag = "principals",
    params(("name" = String, Path, description = "Principal name")),
    responses((status = 204), (status = 403, body = proto::ErrorBody),
              (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    Ctx { svc, caller }: Ctx,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    svc.delete_principal(&caller, &principal_name(&name)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Issue a token (system-admin, or the principal for itself). The secret is in the answer and
/// nowhere else.
#[utoipa::path(post, path = "/v1/principals/{name}/tokens", tag = "principals",
    request_body = proto::CreateToken,
    params(("name" = String, Path, description = "Principal name")),
    responses((status = 201, body = proto::CreatedToken), (status = 403, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_token(
    Ctx { svc, caller }: Ctx,
    Path(name): Path<String>,
    Body(req): Body<proto::CreateToken>,
) -> Result<(StatusCode, Json<proto::CreatedToken>), ApiError> {
    let expires_at = match (req.expires_at, req.ttl_seconds) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "give expires_at or ttl_seconds, not both",
            ))
        }
        (Some(at), None) => Some(at),
        (None, Some(secs)) => {
            let secs = i64::try_from(secs)
                .ok()
                .filter(|s| *s > 0 && *s <= 100 * 365 * 86_400)
                .ok_or_else(|| ApiError::invalid("ttl_seconds must be 1 to 100 years"))?;
            Some(svc.now() + time::Duration::seconds(secs))
        }
        (None, None) => None,
    };
    let name = principal_name(&name)?;
    let t = svc
        .create_token(&caller, &name, req.name, expires_at)
        .await?;
    let secret = String::from_utf8(t.secret.expose().to_vec())
        .map_err(|_| ApiError::invalid("token is not text"))?;
    Ok((
        StatusCode::CREATED,
        Json(proto::CreatedToken {
            token: token_view(&t.token, name.as_str(), svc.now()),
            secret,
        }),
    ))
}

/// A principal's tokens, without secrets.
#[utoipa::path(get, path = "/v1/principals/{name}/tokens", tag = "principals",
    params(("name" = String, Path, description = "Principal name")),
    responses((status = 200, body = proto::TokenList), (status = 403, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_tokens(
    Ctx { svc, caller }: Ctx,
    Path(name): Path<String>,
) -> Result<Json<proto::TokenList>, ApiError> {
    let name = principal_name(&name)?;
    let now = svc.now();
    let items = svc
        .list_tokens(&caller, &name)
        .await?
        .iter()
        .map(|t| token_view(t, name.as_str(), now))
        .collect();
    Ok(Json(proto::TokenList { items }))
}

/// Revoke a token (system-admin, or its owner).
#[utoipa::path(delete, path = "/v1/tokens/{id}", tag = "principals",
    params(("id" = uuid::Uuid, Path, description = "Token id")),
    responses((status = 200, body = proto::Token), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke_token(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
) -> Result<Json<proto::Token>, ApiError> {
    let t = svc
        .revoke_token(&caller, TokenId(uuid(&id, "token id")?))
        .await?;
    let owner = svc
        .principal_name_of(t.principal_id)
        .await
        .unwrap_or_default();
    Ok(Json(token_view(&t, &owner, svc.now())))
}

/// Bind client certificates to a principal, by fingerprint (default) or subject
/// (system-admin). Give a PEM certificate, or the value itself.
#[utoipa::path(post, path = "/v1/principals/{name}/certificates", tag = "principals",
    request_body = proto::CreateCertBinding,
    params(("name" = String, Path, description = "Principal name")),
    responses((status = 201, body = proto::CertBinding), (status = 403, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_cert(
    Ctx { svc, caller }: Ctx,
    Path(name): Path<String>,
    Body(req): Body<proto::CreateCertBinding>,
) -> Result<(StatusCode, Json<proto::CertBinding>), ApiError> {
    let kind = match req.kind.as_deref() {
        None => CertMatch::Fingerprint,
        Some(k) => CertMatch::parse(k)
            .ok_or_else(|| ApiError::invalid("match must be \"subject\" or \"fingerprint\""))?,
    };
    let value = match (req.certificate_pem, req.value) {
        (Some(pem), None) => {
            let der = rustls_pemfile::certs(&mut pem.as_bytes())
                .next()
                .and_then(Result::ok)
                .ok_or_else(|| ApiError::invalid("certificate_pem holds no PEM certificate"))?;
            let (subject, fingerprint) = cert_identity(&der)
                .ok_or_else(|| ApiError::invalid("the certificate does not parse"))?;
            match kind {
                CertMatch::Subject => subject,
                _ => fingerprint,
            }
        }
        (None, Some(v)) => v,
        _ => {
            return Err(ApiError::invalid(
                "give certificate_pem or value (exactly one)",
            ))
        }
    };
    let name = principal_name(&name)?;
    let b = svc.add_cert_binding(&caller, &name, kind, &value).await?;
    Ok((StatusCode::CREATED, Json(cert_view(&b, name.as_str()))))
}

/// A principal's certificate bindings.
#[utoipa::path(get, path = "/v1/principals/{name}/certificates", tag = "principals",
    params(("name" = String, Path, description = "Principal name")),
    responses((status = 200, body = proto::CertBindingList)),
    security(("bearer" = [])))]
pub async fn list_certs(
    Ctx { svc, caller }: Ctx,
    Path(name): Path<String>,
) -> Result<Json<proto::CertBindingList>, ApiError> {
    let name = principal_name(&name)?;
    let items = svc
        .list_cert_bindings(&caller, &name)
        .await?
        .iter()
        .map(|b| cert_view(b, name.as_str()))
        .collect();
    Ok(Json(proto::CertBindingList { items }))
}

/// Remove a certificate binding (system-admin).
#[utoipa::path(delete, path = "/v1/certificates/{id}", tag = "principals",
    params(("id" = uuid::Uuid, Path, description = "Binding id")),
    responses((status = 204), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_cert(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    svc.delete_cert_binding(&caller, uuid(&id, "binding id")?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
