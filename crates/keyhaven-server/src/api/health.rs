//! `/v1/health` (liveness) and `/v1/ready` (database reachable, unsealed).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use keyhaven_proto as proto;
use serde_json::json;

use super::AppState;

/// Liveness: the process answers.
#[utoipa::path(get, path = "/v1/health", tag = "health",
    responses((status = 200, body = proto::Health)))]
pub async fn health() -> Json<proto::Health> {
    Json(proto::Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        details: BTreeMap::new(),
    })
}

/// Readiness: the database answers and the root key is loaded.
#[utoipa::path(get, path = "/v1/ready", tag = "health",
    responses((status = 200, body = proto::Health), (status = 503, body = proto::Health)))]
pub async fn ready(State(st): State<AppState>) -> (StatusCode, Json<proto::Health>) {
    let db = st.service.ready().await;
    let mut details = BTreeMap::new();
    details.insert(
        "database".to_owned(),
        json!(if db.is_ok() { "ok" } else { "unavailable" }),
    );
    details.insert("sealed".to_owned(), json!(false));
    let (status, word) = if db.is_ok() {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    };
    (
        status,
        Json(proto::Health {
            status: word.to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            details,
        }),
    )
}
