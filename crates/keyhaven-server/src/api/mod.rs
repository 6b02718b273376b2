//! The REST API: routes, authentication, middleware, OpenAPI.

mod audit;
mod auth;
mod backups;
mod error;
mod extract;
mod health;
mod import;
mod key_ops;
mod keys;
mod keystores;
mod members;
mod policy;
mod principals;
mod reports;
mod sys;
mod templates;
mod vaults;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use keyhaven_core::Clock;
use keyhaven_proto::ErrorCode;
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

pub use auth::{cert_identity, ConnInfo, Ctx, FailureLimiter};
pub use error::ApiError;

use crate::audit_trail::AuditTrail;
use crate::seal::Seal;

/// Shared by every handler: one reference-counted pointer, cloned for each request.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    /// Wraps the shared parts.
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What every handler can reach.
pub struct Shared {
    /// The root of trust and, when unsealed, the service.
    pub seal: Arc<Seal>,
    /// Where request audit records go.
    pub audit: AuditTrail,
    /// Failed-authentication counter.
    pub limiter: Arc<FailureLimiter>,
    /// Time for audit records.
    pub clock: Arc<dyn Clock>,
    /// Scheduled backups' status, when scheduled.
    pub backups: Option<crate::backup_schedule::SharedStatus>,
}

/// Largest backup file `POST /v1/backups/restore` takes.
pub const RESTORE_BODY_LIMIT: usize = 1 << 30;

/// Limits of the HTTP layer.
#[derive(Clone, Debug)]
pub struct HttpLimits {
    /// Largest request body in bytes.
    pub body_limit: usize,
    /// Longest a request may take.
    pub request_timeout: Duration,
    /// Failed authentications (and unseal attempts) allowed per source address per window
    /// (0: no limit).
    pub auth_failures: u32,
    /// The window.
    pub auth_window: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            body_limit: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            auth_failures: 10,
            auth_window: Duration::from_secs(60),
        }
    }
}

/// The request id, set by the outermost layer.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

static REQUEST_SEQ: AtomicU64 = AtomicU64::new(1);

/// A random prefix per process, so request ids do not repeat across restarts.
fn request_prefix() -> &'static str {
    static PREFIX: OnceLock<String> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let mut b = [0u8; 4];
        if aws_lc_rs::rand::fill(&mut b).is_err() {
            b = std::process::id().to_be_bytes();
        }
        keyhaven_core::hex::encode(&b)
    })
}

/// Request id, timeout, security headers and one access-log line per request at debug level
/// (method, route, status, latency: never headers or bodies).
async fn envelope(State(limits): State<HttpLimits>, mut req: Request, next: Next) -> Response {
    let id = format!(
        "req-{}-{:x}",
        request_prefix(),
        REQUEST_SEQ.fetch_add(1, Ordering::Relaxed)
    );
    req.extensions_mut().insert(RequestId(id.clone()));
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
    h.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        // The API serves JSON; Swagger UI (under /v1/docs) needs its own scripts and styles.
        let csp = if route.starts_with("/v1/docs") {
            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
        } else {
            "default-src 'none'; frame-ancestors 'none'"
        };
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
    }
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
        sys::seal_status, sys::unseal, sys::seal, sys::rotate_root,
        backups::create, backups::restore,
        principals::whoami, principals::create, principals::list, principals::get,
        principals::update, principals::delete, principals::create_token,
        principals::list_tokens, principals::revoke_token, principals::add_cert,
        principals::list_certs, principals::delete_cert,
        vaults::create, vaults::list, vaults::get, vaults::update, vaults::delete,
        members::list, members::grant, members::revoke,
        keys::create, keys::list, keys::get, keys::update, keys::purge,
        keys::activate, keys::deactivate, keys::reactivate, keys::rotate, keys::compromise,
        keys::destroy, keys::cancel_destroy, keys::versions, keys::history, keys::public_key,
        import::import_key, import::import_wrapped,
        key_ops::encrypt, key_ops::decrypt, key_ops::rewrap, key_ops::datakey, key_ops::sign,
        key_ops::verify, key_ops::mac, key_ops::mac_verify, key_ops::encapsulate,
        key_ops::decapsulate, key_ops::export,
        audit::query, audit::verify, audit::checkpoints, audit::export,
        templates::create, templates::list, templates::get, templates::update,
        templates::delete, keys::apply_template,
        policy::server, policy::get, policy::set, policy::delete,
        reports::compliance,
        keystores::create, keystores::list, keystores::get, keystores::update, keystores::delete,
        keystores::test, keystores::key_keystores, keystores::add_target, keystores::sync,
    ),
    modifiers(&BearerAuth),
    tags((name = "vaults"), (name = "keys"), (name = "crypto"), (name = "health"),
         (name = "sys"), (name = "principals"), (name = "audit"), (name = "templates"),
         (name = "policy"), (name = "reports"), (name = "keystores"), (name = "backups"))
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
pub fn router(state: AppState, limits: HttpLimits) -> Router {
    let routes = Router::new()
        .route("/v1/sys/seal-status", get(sys::seal_status))
        .route("/v1/sys/unseal", post(sys::unseal))
        .route("/v1/sys/seal", post(sys::seal))
        .route("/v1/sys/rotate-root", post(sys::rotate_root))
        .route("/v1/backups", post(backups::create))
        .route(
            "/v1/backups/restore",
            post(backups::restore).layer(DefaultBodyLimit::max(RESTORE_BODY_LIMIT)),
        )
        .route("/v1/whoami", get(principals::whoami))
        .route(
            "/v1/principals",
            post(principals::create).get(principals::list),
        )
        .route(
            "/v1/principals/{name}",
            get(principals::get)
                .patch(principals::update)
                .delete(principals::delete),
        )
        .route(
            "/v1/principals/{name}/tokens",
            post(principals::create_token).get(principals::list_tokens),
        )
        .route("/v1/tokens/{id}", delete(principals::revoke_token))
        .route(
            "/v1/principals/{name}/certificates",
            post(principals::add_cert).get(principals::list_certs),
        )
        .route("/v1/certificates/{id}", delete(principals::delete_cert))
        .route("/v1/vaults", post(vaults::create).get(vaults::list))
        .route(
            "/v1/vaults/{name}",
            get(vaults::get)
                .patch(vaults::update)
                .delete(vaults::delete),
        )
        .route(
            "/v1/vaults/{name}/members",
            get(members::list).post(members::grant),
        )
        .route(
            "/v1/vaults/{name}/members/{principal}/{role}",
            delete(members::revoke),
        )
        .route(
            "/v1/vaults/{name}/templates",
            post(templates::create).get(templates::list),
        )
        .route(
            "/v1/vaults/{name}/templates/{template}",
            get(templates::get)
                .put(templates::update)
                .delete(templates::delete),
        )
        .route(
            "/v1/vaults/{name}/policy",
            get(policy::get).put(policy::set).delete(policy::delete),
        )
        .route(
            "/v1/vaults/{name}/keystores",
            post(keystores::create).get(keystores::list),
        )
        .route(
            "/v1/vaults/{name}/keystores/{keystore}",
            get(keystores::get)
                .patch(keystores::update)
                .delete(keystores::delete),
        )
        .route(
            "/v1/vaults/{name}/keystores/{keystore}/test",
            post(keystores::test),
        )
        .route(
            "/v1/keys/{id}/keystores",
            get(keystores::key_keystores).post(keystores::add_target),
        )
        .route("/v1/keys/{id}/sync", post(keystores::sync))
        .route("/v1/policy", get(policy::server))
        .route("/v1/vaults/{name}/import-key", get(import::import_key))
        .route("/v1/keys", post(keys::create).get(keys::list))
        .route("/v1/keys/import", post(import::import_wrapped))
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
        .route("/v1/keys/{id}/apply-template", post(keys::apply_template))
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
        .route("/v1/keys/{id}/export", post(key_ops::export))
        .route("/v1/reports/compliance", get(reports::compliance))
        .route("/v1/audit", get(audit::query))
        .route("/v1/audit/verify", get(audit::verify))
        .route("/v1/audit/checkpoints", get(audit::checkpoints))
        .route("/v1/audit/export", get(audit::export))
        .route("/v1/health", get(health::health))
        .route("/v1/ready", get(health::ready))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ));
    Router::new()
        .merge(routes)
        .merge(SwaggerUi::new("/v1/docs").url("/v1/openapi.json", ApiDoc::openapi()))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(DefaultBodyLimit::max(limits.body_limit))
        .layer(middleware::from_fn_with_state(limits, envelope))
        .layer(CatchPanicLayer::custom(panic_response))
}
