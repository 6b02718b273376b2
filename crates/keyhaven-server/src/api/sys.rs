//! `/v1/sys`: seal status, unseal, seal, root key rotation.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use keyhaven_core::{Permission, RequestContext, SecretBytes};
use keyhaven_proto as proto;
use keyhaven_proto::ErrorCode;

use super::auth::ConnInfo;
use super::error::ApiError;
use super::extract::Body;
use super::{AppState, Ctx};
use crate::seal::{SealError, Status, UnsealInput};

fn view(s: Status) -> proto::SealStatus {
    proto::SealStatus {
        sealed: s.sealed,
        method: s.method,
        threshold: s.threshold,
        progress: s.progress,
        root_generation: s.root_generation,
    }
}

fn seal_error(e: SealError) -> ApiError {
    match e {
        SealError::Failed(m) => ApiError::new(ErrorCode::UnsealFailed, m),
        SealError::Invalid(m) => ApiError::invalid(m),
        SealError::AlreadyUnsealed => ApiError::new(ErrorCode::Conflict, e.to_string()),
        SealError::Backend(m) => {
            tracing::error!(error = %m, "unseal failed");
            ApiError::new(
                ErrorCode::Unavailable,
                "the database or HSM failed while unsealing (details in the server log)",
            )
        }
    }
}

/// Whether the server is sealed, and Shamir progress.
#[utoipa::path(get, path = "/v1/sys/seal-status", tag = "sys",
    responses((status = 200, body = proto::SealStatus)))]
pub async fn seal_status(State(st): State<AppState>) -> Result<Json<proto::SealStatus>, ApiError> {
    Ok(Json(view(st.seal.status().await.map_err(seal_error)?)))
}

/// Unseal: one Shamir share per request, or the passphrase, or (PKCS#11) the PIN. Failed
/// attempts count against the source address like failed logins.
#[utoipa::path(post, path = "/v1/sys/unseal", tag = "sys", request_body = proto::UnsealRequest,
    responses((status = 200, body = proto::SealStatus), (status = 400, body = proto::ErrorBody),
              (status = 429, body = proto::ErrorBody)))]
pub async fn unseal(
    State(st): State<AppState>,
    conn: Option<Extension<ConnInfo>>,
    ctx: Option<Extension<RequestContext>>,
    Body(req): Body<proto::UnsealRequest>,
) -> Response {
    let source = conn.and_then(|c| c.0.peer).map(|p| p.ip());
    let note = |action: &'static str, detail: String| {
        if let Some(Extension(c)) = &ctx {
            if let Ok(mut n) = c.note.lock() {
                n.action = Some(action);
                n.detail = Some(detail);
            }
        }
    };
    if let Some(wait) = source.and_then(|s| st.limiter.blocked(s)) {
        note("unseal", "refused: too many failed attempts".to_owned());
        let secs = wait.as_secs().max(1);
        let mut resp = ApiError::new(
            ErrorCode::TooManyRequests,
            format!("too many failed unseal attempts from this address; retry in {secs} s"),
        )
        .into_response();
        if let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string()) {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, v);
        }
        return resp;
    }
    let input = UnsealInput {
        share: req.share.map(|s| SecretBytes::new(s.into_bytes())),
        passphrase: req.passphrase.map(|s| SecretBytes::new(s.into_bytes())),
        pin: req.pin.map(|s| SecretBytes::new(s.into_bytes())),
        reset: req.reset.unwrap_or(false),
    };
    match st.seal.unseal(input).await {
        Ok(s) => {
            note(
                "unseal",
                match (s.sealed, s.progress, s.threshold) {
                    (false, _, _) => "unsealed".to_owned(),
                    (true, Some(p), Some(t)) => format!("share accepted: {p} of {t}"),
                    _ => "still sealed".to_owned(),
                },
            );
            (StatusCode::OK, Json(view(s))).into_response()
        }
        Err(e) => {
            if matches!(e, SealError::Failed(_) | SealError::Invalid(_)) {
                if let Some(s) = source {
                    st.limiter.fail(s);
                }
            }
            note("unseal", format!("refused: {e}"));
            seal_error(e).into_response()
        }
    }
}

/// Seal the server now (system-admin): the root key and every cached key leave memory.
#[utoipa::path(post, path = "/v1/sys/seal", tag = "sys",
    responses((status = 200, body = proto::SealStatus), (status = 403, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn seal(
    State(st): State<AppState>,
    Ctx { caller, .. }: Ctx,
) -> Result<Json<proto::SealStatus>, ApiError> {
    caller.with_note(|n| n.action = Some("seal"));
    caller.require_system(Permission::ManageSeal)?;
    st.seal.seal();
    Ok(Json(view(st.seal.status().await.map_err(seal_error)?)))
}

/// Rotate the root key (system-admin): every vault KEK is re-wrapped under a new root key
/// generation; key material is not touched; requests keep being served.
#[utoipa::path(post, path = "/v1/sys/rotate-root", tag = "sys",
    responses((status = 200, body = proto::RootRotation), (status = 403, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn rotate_root(
    State(st): State<AppState>,
    Ctx { caller, .. }: Ctx,
) -> Result<Json<proto::RootRotation>, ApiError> {
    let r = st.seal.rotate_root(&caller).await?;
    caller.with_note(|n| n.detail = Some(format!("generation {} -> {}", r.from, r.to)));
    Ok(Json(proto::RootRotation {
        from_generation: r.from,
        to_generation: r.to,
        vaults_rewrapped: r.vaults,
    }))
}
