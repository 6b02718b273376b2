//! `/v1/reports/compliance`: the compliance report, streamed as JSON or CSV while the cursor
//! reads the inventory page by page (docs/REPORTS.md). Access is checked before the body
//! starts; a failure after that cuts the response (the body never ends as if complete).

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use keyhaven_core::policy::{Finding, Severity};
use keyhaven_core::report::{ComplianceTotals, KeyCount, KeyReport, ReportQuery};
use keyhaven_proto as proto;
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::sync::mpsc;

use super::error::ApiError;
use super::extract::Query;
use super::vaults::vault_name;
use super::Ctx;

/// Pages encoded ahead of the client at most (each is one chunk of up to 1000 keys).
const PAGES_AHEAD: usize = 2;

/// Parameters of `GET /v1/reports/compliance`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    /// `json` (default) or `csv`.
    format: Option<String>,
    /// Only this vault (default: every vault where the caller may read keys).
    vault: Option<String>,
    /// Only findings of this severity or above (`info`, `low`, `medium`, `high`,
    /// `critical`), and only keys that have one.
    min_severity: Option<String>,
    /// Include destroyed keys (default false).
    include_destroyed: Option<bool>,
}

/// The body's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

/// The compliance report: every key the caller may read (key-manager, crypto-user or auditor
/// role), judged against its vault's crypto policy, with findings, severities, remediations
/// and totals. Streamed: JSON (`{"generated_at", "policy", "keys": [...], "totals"}`) or CSV
/// (one row per finding; totals only in JSON).
#[utoipa::path(get, path = "/v1/reports/compliance", tag = "reports", params(ReportParams),
    responses(
        (status = 200, description = "The report, streamed",
         content((proto::ComplianceReport = "application/json"), (String = "text/csv"))),
        (status = 400, body = proto::ErrorBody), (status = 403, body = proto::ErrorBody),
        (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn compliance(
    Ctx { svc, caller }: Ctx,
    Query(p): Query<ReportParams>,
) -> Result<Response, ApiError> {
    let format = match p.format.as_deref() {
        None | Some("json") => Format::Json,
        Some("csv") => Format::Csv,
        Some(_) => return Err(ApiError::invalid("format must be json or csv")),
    };
    let min_severity = p
        .min_severity
        .as_deref()
        .map(|s| {
            Severity::parse(s).ok_or_else(|| {
                ApiError::invalid(format!(
                    "min_severity must be one of {}",
                    Severity::ALL.map(Severity::name).join(", ")
                ))
            })
        })
        .transpose()?;
    let vault = p.vault.as_deref().map(vault_name).transpose()?;
    let mut cursor = svc
        .compliance_report(
            &caller,
            ReportQuery {
                vault,
                include_destroyed: p.include_destroyed.unwrap_or(false),
                min_severity,
            },
        )
        .await?;
    let (tx, rx) = mpsc::channel(PAGES_AHEAD);
    let head = match format {
        Format::Json => json_head(cursor.generated_at(), cursor.policy_name()),
        Format::Csv => csv_head(),
    };
    tokio::spawn(async move {
        if tx.send(Ok(head)).await.is_err() {
            return;
        }
        let mut first = true;
        loop {
            let page = match cursor.next_page(&svc).await {
                Ok(Some(page)) => page,
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(error = %e, "the compliance report failed part way; the response is cut");
                    let _ = tx
                        .send(Err(std::io::Error::other("the report failed part way")))
                        .await;
                    return;
                }
            };
            let chunk = match format {
                Format::Json => json_keys(&page, first),
                Format::Csv => csv_rows(&page),
            };
            first = false;
            if tx.send(Ok(chunk)).await.is_err() {
                return;
            }
        }
        if format == Format::Json {
            let _ = tx.send(Ok(json_tail(cursor.totals()))).await;
        }
    });
    let content_type = match format {
        Format::Json => "application/json",
        Format::Csv => "text/csv; charset=utf-8",
    };
    Ok((
        [(header::CONTENT_TYPE, content_type)],
        Body::from_stream(Chunks(rx)),
    )
        .into_response())
}

/// The body as a stream of chunks from the task that encodes them.
struct Chunks(mpsc::Receiver<Result<Bytes, std::io::Error>>);

impl futures_core::Stream for Chunks {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// `{"generated_at":...,"policy":...,"keys":[` and a line end.
fn json_head(at: OffsetDateTime, policy: &str) -> Bytes {
    let policy = serde_json::to_string(policy).unwrap_or_else(|_| "\"\"".to_owned());
    Bytes::from(format!(
        "{{\"generated_at\":\"{}\",\"policy\":{policy},\"keys\":[\n",
        rfc3339(at)
    ))
}

/// A page of keys, one JSON object per line, comma-separated from the previous page's.
fn json_keys(page: &[KeyReport], first: bool) -> Bytes {
    let mut out = Vec::with_capacity(page.len() * 768);
    for (i, r) in page.iter().enumerate() {
        if i > 0 || !first {
            out.extend_from_slice(b",\n");
        }
        // Serialising plain strings and numbers cannot fail.
        if let Ok(v) = serde_json::to_vec(&wire_key(r)) {
            out.extend_from_slice(&v);
        }
    }
    Bytes::from(out)
}

/// `],"totals":{...}}` and a line end.
fn json_tail(totals: &ComplianceTotals) -> Bytes {
    let totals = serde_json::to_string(&wire_totals(totals)).unwrap_or_else(|_| "{}".to_owned());
    Bytes::from(format!("\n],\"totals\":{totals}}}\n"))
}

/// The CSV header record.
fn csv_head() -> Bytes {
    let mut out = String::new();
    proto::csv_record(&mut out, proto::CSV_COLUMNS);
    Bytes::from(out)
}

/// One CSV record per finding of each key, one with empty finding columns for a key without.
fn csv_rows(page: &[KeyReport]) -> Bytes {
    let mut out = String::with_capacity(page.len() * 512);
    for r in page {
        let key = [
            r.id.to_string(),
            r.vault.to_string(),
            r.name.to_string(),
            r.algorithm.name().to_owned(),
            r.bits.map_or_else(String::new, |b| b.to_string()),
            r.strength.map_or_else(String::new, |s| s.to_string()),
            r.state.name().to_owned(),
            r.usage.names().join(" "),
            rfc3339(r.created_at),
            r.age_days.to_string(),
            r.last_used_at.map_or_else(String::new, rfc3339),
            r.uses.to_string(),
        ];
        let record = |out: &mut String, f: Option<&Finding>| {
            let deadline = f
                .and_then(|f| f.deadline)
                .map_or_else(String::new, |d| d.to_string());
            let finding = [
                f.map_or("", |f| f.kind.name()),
                f.map_or("", |f| f.severity.name()),
                deadline.as_str(),
                f.map_or("", |f| f.message.as_str()),
                f.map_or("", |f| f.remediation.as_str()),
            ];
            proto::csv_record(out, key.iter().map(String::as_str).chain(finding));
        };
        if r.findings.is_empty() {
            record(&mut out, None);
        }
        for f in &r.findings {
            record(&mut out, Some(f));
        }
    }
    Bytes::from(out)
}

/// The wire form of a key of the report.
fn wire_key(r: &KeyReport) -> proto::ReportKey {
    proto::ReportKey {
        id: r.id.0,
        vault: r.vault.to_string(),
        name: r.name.to_string(),
        algorithm: r.algorithm.name().to_owned(),
        bits: r.bits,
        strength: r.strength,
        state: r.state.name().to_owned(),
        destroy_at: r.destroy_at,
        usage: r.usage.names().into_iter().map(str::to_owned).collect(),
        created_at: r.created_at,
        age_days: r.age_days,
        last_used_at: r.last_used_at,
        primary_version: r.primary_version,
        primary_created_at: r.primary_created_at,
        uses: r.uses,
        use_limit: r.use_limit,
        template: r.template.clone(),
        findings: r
            .findings
            .iter()
            .map(|f| proto::ReportFinding {
                kind: f.kind.name().to_owned(),
                severity: f.severity.name().to_owned(),
                message: f.message.clone(),
                remediation: f.remediation.clone(),
                deadline: f.deadline.map(|d| d.to_string()),
            })
            .collect(),
    }
}

/// The wire form of the totals.
fn wire_totals(t: &ComplianceTotals) -> proto::ReportTotals {
    let count = |c: &KeyCount| proto::KeyCount {
        keys: c.keys,
        with_findings: c.with_findings,
    };
    proto::ReportTotals {
        keys_scanned: t.keys_scanned,
        keys_reported: t.keys_reported,
        keys_with_findings: t.keys_with_findings,
        findings: t.findings,
        integrity_errors: t.integrity_errors,
        by_finding: t
            .by_finding
            .iter()
            .map(|(k, n)| (k.name().to_owned(), *n))
            .collect(),
        by_severity: t
            .by_severity
            .iter()
            .map(|(s, n)| (s.name().to_owned(), *n))
            .collect(),
        by_algorithm: t
            .by_algorithm
            .iter()
            .map(|(a, c)| ((*a).to_owned(), count(c)))
            .collect(),
        by_state: t
            .by_state
            .iter()
            .map(|(s, c)| ((*s).to_owned(), count(c)))
            .collect(),
        by_vault: t
            .by_vault
            .iter()
            .map(|(v, c)| (v.to_string(), count(c)))
            .collect(),
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use keyhaven_core::policy::FindingKind;
    use keyhaven_core::{KeyAlgorithm, KeyId, KeyState, UsageMask};
    use time::macros::{date, datetime};

    use super::*;

    fn key(n: u128, name: &str, findings: Vec<Finding>) -> KeyReport {
        KeyReport {
            id: KeyId(uuid::Uuid::from_u128(n)),
            vault: "pay".parse().unwrap(),
            name: name.parse().unwrap(),
            algorithm: KeyAlgorithm::EcP256,
            bits: Some(256),
            strength: Some(128),
            state: KeyState::Active,
            destroy_at: None,
            usage: UsageMask::SIGN.union(UsageMask::VERIFY),
            created_at: datetime!(2026-01-01 00:00 UTC),
            age_days: 59,
            last_used_at: None,
            primary_version: 1,
            primary_created_at: datetime!(2026-01-01 00:00 UTC),
            uses: 0,
            use_limit: None,
            template: None,
            findings,
        }
    }

    fn finding(kind: FindingKind, severity: Severity, message: &str) -> Finding {
        Finding {
            kind,
            severity,
            message: message.to_owned(),
            remediation: "do, then \"check\"".to_owned(),
            deadline: Some(date!(2035 - 12 - 31)),
        }
    }

    fn page() -> Vec<KeyReport> {
        vec![
            key(
                1,
                "sig",
                vec![
                    finding(
                        FindingKind::QuantumVulnerable,
                        Severity::Low,
                        "P-256, quantum",
                    ),
                    finding(FindingKind::Unused, Severity::Low, "never used"),
                ],
            ),
            key(2, "clean", Vec::new()),
        ]
    }

    #[test]
    fn csv_has_one_row_per_finding_and_one_for_a_clean_key() {
        let mut text = String::from_utf8(csv_head().to_vec()).unwrap();
        text.push_str(std::str::from_utf8(&csv_rows(&page())).unwrap());
        let rows = proto::parse_csv(&text).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0], proto::CSV_COLUMNS.map(str::to_owned).to_vec());
        assert!(rows.iter().all(|r| r.len() == proto::CSV_COLUMNS.len()));
        let col = |name: &str| proto::CSV_COLUMNS.iter().position(|c| *c == name).unwrap();
        assert_eq!(rows[1][col("name")], "sig");
        assert_eq!(rows[1][col("finding")], "quantum-vulnerable");
        assert_eq!(rows[1][col("message")], "P-256, quantum");
        assert_eq!(rows[1][col("remediation")], "do, then \"check\"");
        assert_eq!(rows[1][col("deadline")], "2035-12-31");
        assert_eq!(rows[1][col("usage")], "sign verify");
        assert_eq!(rows[2][col("finding")], "unused");
        assert_eq!(rows[3][col("name")], "clean");
        assert_eq!(rows[3][col("finding")], "");
        assert_eq!(rows[3][col("last_used_at")], "");
        assert_eq!(rows[3][col("created_at")], "2026-01-01T00:00:00Z");
    }

    #[test]
    fn json_pieces_make_one_document() {
        let p = page();
        let totals = ComplianceTotals {
            keys_reported: 3,
            ..ComplianceTotals::default()
        };
        let mut text = json_head(datetime!(2026-03-01 00:00 UTC), "keyhaven-default").to_vec();
        text.extend_from_slice(&json_keys(&p[..1], true));
        text.extend_from_slice(&json_keys(&p[1..], false));
        text.extend_from_slice(&json_tail(&totals));
        let doc: proto::ComplianceReport = serde_json::from_slice(&text).unwrap();
        assert_eq!(doc.policy, "keyhaven-default");
        assert_eq!(doc.keys.len(), 2);
        assert_eq!(doc.keys[0].findings[0].kind, "quantum-vulnerable");
        assert_eq!(
            doc.keys[0].findings[0].deadline.as_deref(),
            Some("2035-12-31")
        );
        assert_eq!(doc.keys[1].name, "clean");
        assert_eq!(doc.totals.keys_reported, 3);
        // An empty report is a document too.
        let mut empty = json_head(datetime!(2026-03-01 00:00 UTC), "p").to_vec();
        empty.extend_from_slice(&json_tail(&ComplianceTotals::default()));
        let doc: proto::ComplianceReport = serde_json::from_slice(&empty).unwrap();
        assert!(doc.keys.is_empty());
    }
}
