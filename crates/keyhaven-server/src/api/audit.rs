//! `/v1/audit`: query, verify, checkpoints, export (JSON lines, with inclusion proofs on
//! request).

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use keyhaven_core::access::Outcome;
use keyhaven_core::auditing::ProofSet;
use keyhaven_core::{AuditFilter, AuditRecord, Checkpoint, KeyId};
use keyhaven_proto as proto;
use serde::Deserialize;
use time::OffsetDateTime;
use tokio::sync::mpsc;

use super::error::ApiError;
use super::extract::{key_id, Query};
use super::Ctx;

/// Unix nanoseconds (fits an i64 until the year 2262).
fn nanos(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

use keyhaven_core::hex::encode as hex;

/// The wire form of a record, with its inclusion proof when `proofs` covers it.
pub(crate) fn view(r: &AuditRecord, proofs: Option<&ProofSet>) -> proto::AuditRecord {
    let e = &r.event;
    let proof = proofs
        .filter(|p| r.seq <= p.checkpoint.tree_size)
        .and_then(|p| {
            p.tree
                .inclusion_proof(r.seq.saturating_sub(1), p.checkpoint.tree_size)
                .map(|path| (path, p.checkpoint.tree_size))
        });
    proto::AuditRecord {
        seq: r.seq,
        at: e.at,
        at_ns: nanos(e.at),
        request_id: e.request_id.clone(),
        principal: e.principal.clone(),
        source: e.source.clone(),
        action: e.action.clone(),
        route: e.route.clone(),
        vault: e.vault.clone(),
        key: e.key.map(|k| k.0),
        key_version: e.key_version,
        outcome: e.outcome.name().to_owned(),
        code: e.code.clone(),
        detail: e.detail.clone(),
        leaf_hash: hex(&r.leaf_hash),
        proof: proof
            .as_ref()
            .map(|(path, _)| path.iter().map(|h| hex(h)).collect()),
        proof_tree_size: proof.map(|(_, size)| size),
    }
}

/// The wire form of a checkpoint.
pub(crate) fn checkpoint_view(c: &Checkpoint) -> proto::Checkpoint {
    proto::Checkpoint {
        tree_size: c.tree_size,
        root: hex(&c.root),
        at: c.at,
        at_ns: nanos(c.at),
        signature: hex(&c.signature),
    }
}

/// Filters of `GET /v1/audit` and `GET /v1/audit/export`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// Records about this key (id).
    key: Option<String>,
    /// Records of this principal.
    principal: Option<String>,
    /// Records of this action (`encrypt`, `key.create`, `transition`, `auth`, ...).
    action: Option<String>,
    /// `success`, `denied` or `failure`.
    outcome: Option<String>,
    /// Records about this vault (required for vault auditors).
    vault: Option<String>,
    /// RFC 3339: at or after.
    since: Option<String>,
    /// RFC 3339: before.
    until: Option<String>,
    /// Page size 1-1000 (default 100; export ignores it).
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// `asc` (default) or `desc` (newest first).
    order: Option<String>,
    /// Add inclusion proofs against the newest checkpoint.
    proofs: Option<bool>,
}

fn date(field: &str, v: Option<&str>) -> Result<Option<OffsetDateTime>, ApiError> {
    v.map(|s| {
        OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .map_err(|_| ApiError::invalid(format!("{field} must be an RFC 3339 date-time")))
    })
    .transpose()
}

impl AuditParams {
    fn filter(&self) -> Result<AuditFilter, ApiError> {
        Ok(AuditFilter {
            key: self
                .key
                .as_deref()
                .map(key_id)
                .transpose()?
                .map(|k: KeyId| k),
            principal: self.principal.clone(),
            action: self.action.clone(),
            outcome: self
                .outcome
                .as_deref()
                .map(|o| {
                    Outcome::parse(o).ok_or_else(|| {
                        ApiError::invalid("outcome must be success, denied or failure")
                    })
                })
                .transpose()?,
            vault: self.vault.clone(),
            since: date("since", self.since.as_deref())?,
            until: date("until", self.until.as_deref())?,
        })
    }
    fn descending(&self) -> Result<bool, ApiError> {
        match self.order.as_deref() {
            None | Some("asc") => Ok(false),
            Some("desc") => Ok(true),
            Some(_) => Err(ApiError::invalid("order must be asc or desc")),
        }
    }
    fn cursor(&self) -> Result<Option<u64>, ApiError> {
        self.cursor
            .as_deref()
            .map(|c| {
                c.parse::<u64>()
                    .map_err(|_| ApiError::invalid("cursor is not one this server returned"))
            })
            .transpose()
    }
}

/// Query the audit log (system-admin / system-auditor: everything; vault auditor: its vault,
/// named with `vault=`).
#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, body = proto::AuditList), (status = 403, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn query(
    Ctx { svc, caller }: Ctx,
    Query(p): Query<AuditParams>,
) -> Result<Json<proto::AuditList>, ApiError> {
    let page = svc
        .audit_query(
            &caller,
            p.filter()?,
            p.cursor()?,
            p.limit.unwrap_or(100),
            p.descending()?,
        )
        .await?;
    let proofs = if p.proofs.unwrap_or(false) {
        svc.audit_proofs(&caller, p.vault.as_deref()).await?
    } else {
        None
    };
    Ok(Json(proto::AuditList {
        items: page
            .items
            .iter()
            .map(|r| view(r, proofs.as_ref()))
            .collect(),
        next_cursor: page.next.map(|n| n.to_string()),
    }))
}

/// Recompute the whole log and check every checkpoint (system-admin, system-auditor).
#[utoipa::path(get, path = "/v1/audit/verify", tag = "audit",
    responses((status = 200, body = proto::AuditVerifyReport), (status = 403, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn verify(Ctx { svc, caller }: Ctx) -> Result<Json<proto::AuditVerifyReport>, ApiError> {
    let r = svc.audit_verify(&caller).await?;
    caller.with_note(|n| {
        n.detail = Some(format!(
            "{} records, {} checkpoints, {}",
            r.records,
            r.checkpoints,
            if r.ok() { "ok" } else { "FAILED" }
        ))
    });
    Ok(Json(report_view(&r)))
}

/// The wire form of a verification report.
pub fn report_view(r: &keyhaven_core::audit::VerifyReport) -> proto::AuditVerifyReport {
    proto::AuditVerifyReport {
        ok: r.ok(),
        records: r.records,
        checkpoints: r.checkpoints,
        unsigned_tail: r.unsigned_tail,
        root: hex(&r.root),
        findings: r
            .findings
            .iter()
            .map(|f| proto::AuditFinding {
                seq: f.first_seq(),
                message: f.describe(),
            })
            .collect(),
    }
}

/// Signed checkpoints and the public key that verifies them (system-admin,
/// system-auditor).
#[utoipa::path(get, path = "/v1/audit/checkpoints", tag = "audit",
    responses((status = 200, body = proto::CheckpointList)),
    security(("bearer" = [])))]
pub async fn checkpoints(
    Ctx { svc, caller }: Ctx,
) -> Result<Json<proto::CheckpointList>, ApiError> {
    let items = svc.audit_checkpoints(&caller).await?;
    Ok(Json(proto::CheckpointList {
        items: items.iter().map(checkpoint_view).collect(),
        public_key: hex(&svc.audit_public_key()),
    }))
}

/// One line of an export.
#[derive(serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line<'a> {
    Header {
        public_key: String,
        #[serde(with = "time::serde::rfc3339")]
        exported_at: OffsetDateTime,
    },
    Record(&'a proto::AuditRecord),
    Checkpoint(&'a proto::Checkpoint),
}

fn line(l: &Line<'_>) -> Bytes {
    let mut v = serde_json::to_vec(l).unwrap_or_default();
    v.push(b'\n');
    Bytes::from(v)
}

struct Lines(mpsc::Receiver<Result<Bytes, std::io::Error>>);

impl futures_core::Stream for Lines {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// Export records as JSON lines (`application/x-ndjson`): a header with the checkpoint public
/// key, the records matching the filters (with inclusion proofs when `proofs=true`), then every
/// checkpoint. An unfiltered export verifies offline with `keyhaven audit verify --export`.
#[utoipa::path(get, path = "/v1/audit/export", tag = "audit", params(AuditParams),
    responses((status = 200, description = "JSON lines", content_type = "application/x-ndjson")),
    security(("bearer" = [])))]
pub async fn export(
    Ctx { svc, caller }: Ctx,
    Query(p): Query<AuditParams>,
) -> Result<Response, ApiError> {
    let filter = p.filter()?;
    // Checks access before streaming starts, so refusals are ordinary error responses.
    let first = svc
        .audit_query(&caller, filter.clone(), p.cursor()?, 1000, false)
        .await?;
    let proofs = if p.proofs.unwrap_or(false) {
        svc.audit_proofs(&caller, p.vault.as_deref()).await?
    } else {
        None
    };
    let checkpoints = svc.audit_checkpoints(&caller).await?;
    let (tx, rx) = mpsc::channel(16);
    let header = Line::Header {
        public_key: hex(&svc.audit_public_key()),
        exported_at: svc.now(),
    };
    tokio::spawn(async move {
        if tx.send(Ok(line(&header))).await.is_err() {
            return;
        }
        let mut page = first;
        loop {
            let mut chunk = Vec::new();
            for r in &page.items {
                chunk.extend_from_slice(&line(&Line::Record(&view(r, proofs.as_ref()))));
            }
            if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                return;
            }
            let Some(next) = page.next else { break };
            page = match svc
                .audit_query(&caller, filter.clone(), Some(next), 1000, false)
                .await
            {
                Ok(p) => p,
                Err(e) => {
                    let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                    return;
                }
            };
        }
        let mut tail = Vec::new();
        for c in &checkpoints {
            tail.extend_from_slice(&line(&Line::Checkpoint(&checkpoint_view(c))));
        }
        let _ = tx.send(Ok(Bytes::from(tail))).await;
    });
    Ok((
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(Lines(rx)),
    )
        .into_response())
}
