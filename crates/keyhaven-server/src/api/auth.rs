//! Authentication and the per-request audit record.
//!
//! Every route except the public ones (health, readiness, OpenAPI, seal status, unseal) needs
//! an unsealed server and a credential: a bearer token, or a client certificate (verified by
//! the TLS layer against the configured client CA) bound to a principal. Failed attempts are
//! counted per source address; past the limit the source gets `429` with `Retry-After` until
//! its window clears. Each request ends in one audit record (principal, source, route, key,
//! vault, key version, outcome, code, request id).

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_lc_rs::digest;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use keyhaven_core::access::{AuditNote, Outcome};
use keyhaven_core::{AuditEvent, Caller, Error, KeyService, RequestContext};
use keyhaven_proto::ErrorCode;

use super::error::{ApiError, ErrorTag};
use super::AppState;

/// What the connection told us: the client's address and its verified certificate.
#[derive(Clone, Debug, Default)]
pub struct ConnInfo {
    /// Client address.
    pub peer: Option<SocketAddr>,
    /// The client certificate (DER), if one was presented and verified.
    pub client_cert: Option<Arc<Vec<u8>>>,
}

/// The authenticated caller and the unsealed service, for handlers.
pub struct Ctx {
    /// The service.
    pub svc: Arc<KeyService>,
    /// The caller.
    pub caller: Caller,
}

#[derive(Clone)]
struct Authenticated {
    svc: Arc<KeyService>,
    caller: Caller,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Authenticated>()
            .cloned()
            .map(|a| Ctx {
                svc: a.svc,
                caller: a.caller,
            })
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated, "authentication required"))
    }
}

/// Counts failed authentications per source address in a sliding window.
pub struct FailureLimiter {
    max: usize,
    window: Duration,
    sources: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

/// Sources tracked at most; stale ones are dropped first.
const MAX_SOURCES: usize = 65_536;

impl FailureLimiter {
    /// At most `max` failures per `window` per source (0 disables the limit).
    pub fn new(max: u32, window: Duration) -> FailureLimiter {
        FailureLimiter {
            max: max as usize,
            window,
            sources: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, VecDeque<Instant>>> {
        match self.sources.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    /// `Some(wait)` when `source` is over the limit.
    pub fn blocked(&self, source: IpAddr) -> Option<Duration> {
        if self.max == 0 {
            return None;
        }
        let now = Instant::now();
        let mut map = self.lock();
        let q = map.get_mut(&source)?;
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
        if q.len() < self.max {
            return None;
        }
        q.front()
            .map(|oldest| self.window.saturating_sub(now.duration_since(*oldest)))
    }

    /// Counts a failure.
    pub fn fail(&self, source: IpAddr) {
        if self.max == 0 {
            return;
        }
        let now = Instant::now();
        let mut map = self.lock();
        if map.len() >= MAX_SOURCES && !map.contains_key(&source) {
            let window = self.window;
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
            if map.len() >= MAX_SOURCES {
                if let Some(victim) = map.keys().next().copied() {
                    map.remove(&victim);
                }
            }
        }
        let q = map.entry(source).or_default();
        q.push_back(now);
        while q.len() > self.max {
            q.pop_front();
        }
    }
}

/// Routes that answer without a credential (and while sealed).
fn is_public(route: &str) -> bool {
    matches!(
        route,
        "/v1/health" | "/v1/ready" | "/v1/sys/seal-status" | "/v1/sys/unseal"
    ) || route.starts_with("/v1/docs")
        || route == "/v1/openapi.json"
}

/// Routes not worth an audit record each (probes, documentation).
fn is_unaudited(route: &str) -> bool {
    matches!(route, "/v1/health" | "/v1/ready" | "/v1/sys/seal-status")
        || route.starts_with("/v1/docs")
        || route == "/v1/openapi.json"
}

fn too_many(wait: Duration) -> Response {
    let secs = wait.as_secs().max(1);
    let mut resp = ApiError::new(
        ErrorCode::TooManyRequests,
        format!("too many failed authentications from this address; retry in {secs} s"),
    )
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// SHA-256 fingerprint (lowercase hex) and RFC 4514 subject of a DER certificate.
pub fn cert_identity(der: &[u8]) -> Option<(String, String)> {
    let fp = keyhaven_core::hex::encode(digest::digest(&digest::SHA256, der).as_ref());
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    Some((cert.subject().to_string(), fp))
}

/// The middleware: seal check, rate limit, authentication, and the request's audit record.
pub async fn authenticate(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let conn = req
        .extensions()
        .get::<ConnInfo>()
        .cloned()
        .unwrap_or_default();
    let source = conn.peer.map(|p| p.ip());
    let method = req.method().clone();
    let request_id = req
        .extensions()
        .get::<super::RequestId>()
        .map(|r| r.0.clone());
    let route_text = format!(
        "{method} {}",
        route.as_deref().unwrap_or("(unmatched route)")
    );
    let note = Arc::new(Mutex::new(AuditNote::default()));
    let context = RequestContext {
        request_id: request_id.clone(),
        source,
        note: note.clone(),
    };
    let route_str = route.as_deref().unwrap_or("");
    let public = is_public(route_str) || route.is_none();
    let mut principal: Option<String> = None;

    let response = if public {
        req.extensions_mut().insert(context.clone());
        next.run(req).await
    } else if let Some(wait) = source.and_then(|s| st.limiter.blocked(s)) {
        too_many(wait)
    } else if let Some(svc) = st.seal.service() {
        let bearer = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| keyhaven_core::SecretBytes::from_slice(t.trim().as_bytes()));
        match credential(&svc, bearer, &conn, context.clone()).await {
            Ok(caller) => {
                principal = Some(caller.name().to_owned());
                req.extensions_mut().insert(Authenticated { svc, caller });
                next.run(req).await
            }
            Err(e) => {
                let err: ApiError = e.into();
                // Only a refused credential counts against the source: a database or
                // integrity failure is not the client's doing.
                if err.code() == ErrorCode::Unauthenticated {
                    if let Some(s) = source {
                        st.limiter.fail(s);
                    }
                    tracing::warn!(source = ?source, route = %route_text, "authentication failed");
                }
                err.into_response()
            }
        }
    } else {
        ApiError::new(
            ErrorCode::Sealed,
            "the server is sealed: unseal it first (keyhaven unseal); see /v1/sys/seal-status",
        )
        .into_response()
    };

    if !route.as_deref().is_some_and(is_unaudited) && method != Method::OPTIONS {
        let note = match note.lock() {
            Ok(n) => n.clone(),
            Err(p) => p.into_inner().clone(),
        };
        let status = response.status();
        let code = response.extensions().get::<ErrorTag>().map(|t| t.0);
        let outcome = if status.is_success() || status.is_redirection() {
            Outcome::Success
        } else if note.denied
            || matches!(
                status,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS
            )
        {
            Outcome::Denied
        } else {
            Outcome::Failure
        };
        let action = note.action.map(str::to_owned).unwrap_or_else(|| {
            if route_str == "/v1/sys/unseal" {
                "unseal".to_owned()
            } else if outcome == Outcome::Denied {
                "auth".to_owned()
            } else {
                "request".to_owned()
            }
        });
        let event = AuditEvent {
            at: st.clock.now(),
            request_id,
            principal,
            source: source.map(|s| s.to_string()),
            action,
            route: Some(route_text),
            vault: note.vault,
            key: note.key,
            key_version: note.key_version,
            outcome,
            code: Some(match code {
                Some(c) => format!("{} {c}", status.as_u16()),
                None => status.as_u16().to_string(),
            }),
            detail: note.detail,
        };
        st.audit.record(event).await;
    }
    response
}

async fn credential(
    svc: &KeyService,
    bearer: Option<keyhaven_core::SecretBytes>,
    conn: &ConnInfo,
    context: RequestContext,
) -> Result<Caller, Error> {
    if let Some(token) = bearer {
        return svc.authenticate_token(token.expose(), context).await;
    }
    if let Some(der) = &conn.client_cert {
        let (subject, fingerprint) = cert_identity(der).ok_or_else(|| {
            Error::Unauthenticated("the client certificate does not parse".to_owned())
        })?;
        return svc
            .authenticate_certificate(&subject, &fingerprint, context)
            .await;
    }
    Err(Error::Unauthenticated(
        "missing Authorization: Bearer <token> header (see KEYHAVEN_TOKEN), or a client \
         certificate bound to a principal"
            .to_owned(),
    ))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn limiter_blocks_after_max_failures_and_per_source() {
        let l = FailureLimiter::new(3, Duration::from_secs(60));
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        for _ in 0..2 {
            l.fail(a);
            assert!(l.blocked(a).is_none());
        }
        l.fail(a);
        let wait = l.blocked(a).unwrap();
        assert!(wait > Duration::from_secs(55) && wait <= Duration::from_secs(60));
        assert!(l.blocked(b).is_none());
        let short = FailureLimiter::new(1, Duration::from_millis(20));
        short.fail(a);
        assert!(short.blocked(a).is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert!(short.blocked(a).is_none(), "the window clears");
        let off = FailureLimiter::new(0, Duration::from_secs(60));
        off.fail(a);
        assert!(off.blocked(a).is_none());
    }

    #[test]
    fn public_routes() {
        assert!(is_public("/v1/health"));
        assert!(is_public("/v1/sys/unseal"));
        assert!(!is_public("/v1/sys/seal"));
        assert!(!is_public("/v1/keys"));
    }
}
