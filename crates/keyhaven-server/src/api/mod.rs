//! The REST API: routes, authentication, middleware, OpenAPI.

mod error;
mod extract;
mod health;
mod key_ops;
mod keys;
mod vaults;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_lc_rs::constant_time::verify_slices_are_equal;
use aws_lc_rs::digest;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use keyhaven_core::{Actor, KeyService, SecretBytes};
use keyhaven_proto::ErrorCode;
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

pub use error::ApiError;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    /// The lifecycle service.
    pub service: Arc<KeyService>,
    auth: Arc<Auth>,
}

/// Bearer-token authentication. Only the token's SHA-256 is kept; comparison is constant-time.
struct Auth {
    root_token_sha256: Vec<u8>,
}

impl Auth {
    fn check(&self, presented: &[u8]) -> Option<Actor> {
        let d = digest::digest(&digest::SHA256, presented);
        verify_slices_are_equal(d.as_ref(), &self.root_token_sha256)
            .ok()
            .map(|()| Actor("root".to_owned()))
    }
}

/// Limits of the HTTP layer.
#[derive(Clone, Debug)]
pub struct HttpLimits {
    /// Largest request body in bytes.
    pub body_limit: usize,
    /// Longest a request may take.
    pub request_timeout: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            body_limit: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// The authenticated caller, set by the auth middleware.
#[derive(Clone, Debug)]
pub struct Caller {
    /// Who.
    pub actor: Actor,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated, "authentication required"))
    }
}

async fn authenticate(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(token) = presented else {
        return ApiError::new(
            ErrorCode::Unauthenticated,
            "missing Authorization: Bearer <token> header (see KEYHAVEN_TOKEN)",
        )
        .into_response();
    };
    match st.auth.check(token.as_bytes()) {
        Some(actor) => {
            req.extensions_mut().insert(Caller { actor });
            next.run(req).await
        }
        None => {
            tracing::warn!("authentication failed: unknown token");
            ApiError::new(ErrorCode::Unauthenticated, "the bearer token is not valid")
                .into_response()
        }
    }
}

static REQUEST_SEQ: AtomicU64 = AtomicU64::new(1);

/// Request id, timeout, security headers and one access-log line per request at debug level
/// (method, route, status, latency: never headers or bodies).
async fn envelope(State(limits): State<HttpLimits>, req: Request, next: Next) -> Response {
    let id = format!("req-{:x}", REQUEST_SEQ.fetch_add(1, Ordering::Relaxed));
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let started = Instant::now();
    let mut resp = match tokio::time::timeout(limits.request_timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(ErrorCode::Timeout, "the request took too long").into_response(),
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&id) {
        h.insert("x-request-id", v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    tracing::debug!(
        request_id = %id,
        %method,
        route = %route,
        status = resp.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    resp
}

async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such route; see /v1/openapi.json")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "this route does not accept that method; see /v1/openapi.json",
    )
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    ApiError::new(
        ErrorCode::Internal,
        "internal error (details in the server log)",
    )
    .into_response()
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "keyhaven", description = "Key lifecycle management service REST API"),
    paths(
        health::health, health::ready,
        vaults::create, vaults::list, vaults::get, vaults::update, vaults::delete,
        keys::create, keys::list, keys::get, keys::update, keys::purge,
        keys::activate, keys::deactivate, keys::reactivate, keys::rotate, keys::compromise,
        keys::destroy, keys::cancel_destroy, keys::versions, keys::history, keys::public_key,
        key_ops::encrypt, key_ops::decrypt, key_ops::rewrap, key_ops::datakey, key_ops::sign,
        key_ops::verify, key_ops::mac, key_ops::mac_verify, key_ops::encapsulate,
        key_ops::decapsulate,
    ),
    modifiers(&BearerAuth),
    tags((name = "vaults"), (name = "keys"), (name = "crypto"), (name = "health"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Builds the application.
pub fn router(service: Arc<KeyService>, root_token: &SecretBytes, limits: HttpLimits) -> Router {
    let state = AppState {
        service,
        auth: Arc::new(Auth {
            root_token_sha256: digest::digest(&digest::SHA256, root_token.expose())
                .as_ref()
                .to_vec(),
        }),
    };
    let protected = Router::new()
        .route("/v1/vaults", post(vaults::create).get(vaults::list))
        .route(
            "/v1/vaults/{name}",
            get(vaults::get)
                .patch(vaults::update)
                .delete(vaults::delete),
        )
        .route("/v1/keys", post(keys::create).get(keys::list))
        .route(
            "/v1/keys/{id}",
            get(keys::get).patch(keys::update).delete(keys::purge),
        )
        .route("/v1/keys/{id}/activate", post(keys::activate))
        .route("/v1/keys/{id}/deactivate", post(keys::deactivate))
        .route("/v1/keys/{id}/reactivate", post(keys::reactivate))
        .route("/v1/keys/{id}/rotate", post(keys::rotate))
        .route("/v1/keys/{id}/compromise", post(keys::compromise))
        .route("/v1/keys/{id}/destroy", post(keys::destroy))
        .route("/v1/keys/{id}/cancel-destroy", post(keys::cancel_destroy))
        .route("/v1/keys/{id}/versions", get(keys::versions))
        .route("/v1/keys/{id}/history", get(keys::history))
        .route("/v1/keys/{id}/public-key", get(keys::public_key))
        .route("/v1/keys/{id}/encrypt", post(key_ops::encrypt))
        .route("/v1/keys/{id}/decrypt", post(key_ops::decrypt))
        .route("/v1/keys/{id}/rewrap", post(key_ops::rewrap))
        .route("/v1/keys/{id}/datakey", post(key_ops::datakey))
        .route("/v1/keys/{id}/sign", post(key_ops::sign))
        .route("/v1/keys/{id}/verify", post(key_ops::verify))
        .route("/v1/keys/{id}/mac", post(key_ops::mac))
        .route("/v1/keys/{id}/mac-verify", post(key_ops::mac_verify))
        .route("/v1/keys/{id}/encapsulate", post(key_ops::encapsulate))
        .route("/v1/keys/{id}/decapsulate", post(key_ops::decapsulate))
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate));
    let public = Router::new()
        .route("/v1/health", get(health::health))
        .route("/v1/ready", get(health::ready))
        .merge(SwaggerUi::new("/v1/docs").url("/v1/openapi.json", ApiDoc::openapi()));
    Router::new()
        .merge(protected)
        .merge(public)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(DefaultBodyLimit::max(limits.body_limit))
        .layer(middleware::from_fn_with_state(limits, envelope))
        .layer(CatchPanicLayer::custom(panic_response))
}
