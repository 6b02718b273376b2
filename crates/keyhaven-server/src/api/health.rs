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

/// Readiness: the database answers and the server is unsealed. Details: `sealed`,
/// `database`, `integrity` (records that failed their integrity check since start: a
/// `degraded` status), `root_key` and `audit` (newest checkpoint).
#[utoipa::path(get, path = "/v1/ready", tag = "health",
    responses((status = 200, body = proto::Health), (status = 503, body = proto::Health)))]
pub async fn ready(State(st): State<AppState>) -> (StatusCode, Json<proto::Health>) {
    let db = st.seal.ping().await;
    let service = st.seal.service();
    let mut details = BTreeMap::new();
    details.insert(
        "database".to_owned(),
        json!(if db { "ok" } else { "unavailable" }),
    );
    details.insert("sealed".to_owned(), json!(service.is_none()));
    let mut degraded = false;
    if let Some(svc) = &service {
        let integrity = svc.integrity_status();
        degraded = integrity.failures > 0;
        details.insert(
            "integrity".to_owned(),
            json!({
                "failures": integrity.failures,
                "last": integrity.last.map(|(kind, id, at)| json!({
                    "kind": kind,
                    "id": id,
                    "at": at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
                })),
            }),
        );
        let (generation, describe) = svc.root_info();
        details.insert(
            "root_key".to_owned(),
            json!({"generation": generation, "kind": describe}),
        );
        if let Some(cp) = svc.last_checkpoint() {
            details.insert(
                "audit".to_owned(),
                json!({
                    "last_checkpoint_size": cp.tree_size,
                    "last_checkpoint_at": cp.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
                }),
            );
        }
    }
    if let Some(b) = &st.backups {
        let status = crate::backup_schedule::status_json(b);
        // A failing backup schedule is worth a look, not a reason to take the node out.
        if status
            .get("failures_in_a_row")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0)
            > 0
        {
            degraded = true;
        }
        details.insert("backups".to_owned(), status);
    }
    let (status, word) = match (db, service.is_some(), degraded) {
        (false, _, _) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        (true, false, _) => (StatusCode::SERVICE_UNAVAILABLE, "sealed"),
        (true, true, true) => (StatusCode::OK, "degraded"),
        (true, true, false) => (StatusCode::OK, "ok"),
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
