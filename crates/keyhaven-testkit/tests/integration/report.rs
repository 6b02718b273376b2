//! The compliance report over REST, on the seeded inventory of `keyhaven_testkit::inventory`
//! (keys made over six years of fake time): exactly the expected findings in JSON and in CSV,
//! the filters, the errors, who sees what, tampered records left out, one audit record.

use std::collections::{BTreeMap, BTreeSet};

use keyhaven_proto::{parse_csv, ComplianceReport, CSV_COLUMNS};
use keyhaven_testkit::inventory::{self, expected_findings, Expected, KEYS, REPORT_AT};
use keyhaven_testkit::TestServer;
use reqwest::StatusCode;
use time::macros::datetime;

type Triple = (String, String, String);

fn set(expected: &[Expected]) -> BTreeSet<Triple> {
    expected
        .iter()
        .map(|(k, f, s)| ((*k).to_owned(), (*f).to_owned(), (*s).to_owned()))
        .collect()
}

/// `GET /v1/reports/compliance?<query>` as `token`: status, content type, body.
async fn get(s: &TestServer, token: &str, query: &str) -> (StatusCode, String, Vec<u8>) {
    let r = s
        .http
        .get(format!("{}/v1/reports/compliance?{query}", s.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, ct, r.bytes().await.unwrap().to_vec())
}

async fn json_report(s: &TestServer, token: &str, query: &str) -> ComplianceReport {
    let (status, ct, body) = get(s, token, query).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(ct, "application/json");
    serde_json::from_slice(&body).unwrap()
}

fn triples(r: &ComplianceReport) -> BTreeSet<Triple> {
    r.keys
        .iter()
        .flat_map(|k| {
            k.findings.iter().map(move |f| {
                (
                    format!("{}/{}", k.vault, k.name),
                    f.kind.clone(),
                    f.severity.clone(),
                )
            })
        })
        .collect()
}

fn names(r: &ComplianceReport) -> BTreeSet<String> {
    r.keys
        .iter()
        .map(|k| format!("{}/{}", k.vault, k.name))
        .collect()
}

#[tokio::test]
async fn the_report_lists_exactly_the_expected_findings_in_json_and_csv() {
    let inv = inventory::seed().await.expect("inventory");
    let s = &inv.server;
    let expected = expected_findings();

    // JSON.
    let r = json_report(s, &s.token, "").await;
    assert_eq!(triples(&r), set(&expected));
    assert_eq!(names(&r), KEYS.iter().map(|k| (*k).to_owned()).collect());
    assert_eq!(r.generated_at, REPORT_AT);
    assert_eq!(r.policy, "keyhaven-default");
    let t = &r.totals;
    assert_eq!(t.keys_scanned, 12);
    assert_eq!(t.keys_reported, 12);
    assert_eq!(t.keys_with_findings, 11);
    assert_eq!(t.findings, expected.len() as u64);
    assert_eq!(t.integrity_errors, 0);
    let mut by_finding: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_severity: BTreeMap<String, u64> = BTreeMap::new();
    for (_, f, sev) in &expected {
        *by_finding.entry((*f).to_owned()).or_default() += 1;
        *by_severity.entry((*sev).to_owned()).or_default() += 1;
    }
    assert_eq!(t.by_finding, by_finding);
    assert_eq!(t.by_severity, by_severity);
    assert_eq!(
        (t.by_vault["main"].keys, t.by_vault["main"].with_findings),
        (9, 8)
    );
    assert_eq!(
        (
            t.by_vault["strict"].keys,
            t.by_vault["strict"].with_findings
        ),
        (3, 3)
    );
    assert_eq!(t.by_algorithm["aes-256"].keys, 6);
    assert_eq!(t.by_algorithm["ec-p256"].keys, 2);
    assert_eq!(t.by_state["active"].keys, 10);
    assert_eq!(t.by_state["deactivated"].keys, 2);
    // Inventory columns and deadlines.
    let key = |name: &str| {
        r.keys
            .iter()
            .find(|k| format!("{}/{}", k.vault, k.name) == name)
            .unwrap()
    };
    let legacy = key("main/legacy");
    assert_eq!(
        legacy.age_days,
        (REPORT_AT - datetime!(2020-01-01 00:00 UTC)).whole_days() as u64
    );
    assert_eq!(
        legacy.findings[0].kind, "past-cryptoperiod",
        "most severe first"
    );
    assert_eq!(legacy.findings[0].deadline.as_deref(), Some("2022-01-01"));
    assert!(!legacy.findings[0].remediation.is_empty());
    assert_eq!(legacy.last_used_at, None);
    let quantum = |name: &str| {
        key(name)
            .findings
            .iter()
            .find(|f| f.kind == "quantum-vulnerable")
            .unwrap()
            .deadline
            .clone()
    };
    assert_eq!(quantum("main/rsa").as_deref(), Some("2030-12-31"));
    assert_eq!(quantum("main/p256").as_deref(), Some("2035-12-31"));
    assert_eq!(
        key("main/ed").last_used_at,
        Some(datetime!(2026-02-09 00:00 UTC))
    );
    let busy = key("main/busy");
    assert_eq!((busy.uses, busy.use_limit), (8, Some(10)));
    let weak = key("strict/weak-aes");
    assert_eq!((weak.bits, weak.strength), (Some(128), Some(128)));
    assert_eq!(key("main/rsa").bits, Some(2048));
    let doomed = key("main/doomed");
    assert_eq!(doomed.state, "deactivated");
    assert_eq!(doomed.destroy_at, Some(datetime!(2026-03-16 00:00 UTC)));
    assert!(key("main/clean").findings.is_empty());
    assert_eq!(key("main/rsa").usage, ["sign", "verify"]);

    // CSV: the same findings, one row each, and one row for the key without findings.
    let (status, ct, body) = get(s, &s.token, "format=csv").await;
    assert_eq!(status, 200);
    assert_eq!(ct, "text/csv; charset=utf-8");
    let text = String::from_utf8(body).unwrap();
    let rows = parse_csv(&text).unwrap();
    assert_eq!(rows[0], CSV_COLUMNS.map(str::to_owned).to_vec());
    let col = |name: &str| CSV_COLUMNS.iter().position(|c| *c == name).unwrap();
    let mut from_csv = BTreeSet::new();
    let mut clean = Vec::new();
    let mut csv_names = BTreeSet::new();
    for row in &rows[1..] {
        assert_eq!(row.len(), CSV_COLUMNS.len(), "{row:?}");
        let name = format!("{}/{}", row[col("vault")], row[col("name")]);
        csv_names.insert(name.clone());
        if row[col("finding")].is_empty() {
            clean.push(name);
        } else {
            assert!(from_csv.insert((
                name,
                row[col("finding")].clone(),
                row[col("severity")].clone()
            )));
            assert!(!row[col("remediation")].is_empty());
        }
    }
    assert_eq!(from_csv, set(&expected));
    assert_eq!(clean, ["main/clean"]);
    assert_eq!(csv_names, names(&r));
    assert_eq!(rows.len(), 1 + expected.len() + 1);
    let rsa_row = rows
        .iter()
        .find(|row| row[col("name")] == "rsa" && row[col("finding")] == "quantum-vulnerable")
        .unwrap();
    assert_eq!(rsa_row[col("deadline")], "2030-12-31");
    assert_eq!(rsa_row[col("bits")], "2048");
    assert_eq!(rsa_row[col("strength")], "112");
    assert_eq!(rsa_row[col("created_at")], "2025-06-01T00:00:00Z");

    // Filters.
    let high = json_report(s, &s.token, "min_severity=high").await;
    let want: Vec<Expected> = expected
        .iter()
        .copied()
        .filter(|(_, _, sev)| matches!(*sev, "high" | "critical"))
        .collect();
    assert_eq!(triples(&high), set(&want));
    assert_eq!(high.totals.keys_reported, 4);
    assert_eq!(high.totals.keys_scanned, 12);
    let strict = json_report(s, &s.token, "vault=strict&format=json").await;
    let want: Vec<Expected> = expected
        .iter()
        .copied()
        .filter(|(k, _, _)| k.starts_with("strict/"))
        .collect();
    assert_eq!(triples(&strict), set(&want));
    assert_eq!(strict.totals.keys_reported, 3);

    // Refusals are ordinary error responses, before any body.
    for (query, status, code) in [
        ("format=xml", 400, "invalid_request"),
        ("min_severity=severe", 400, "invalid_request"),
        ("colour=blue", 400, "invalid_request"),
        ("vault=nope", 404, "not_found"),
        ("vault=bad%20name", 400, "invalid_request"),
    ] {
        let (st, _, body) = get(s, &s.token, query).await;
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            (st.as_u16(), v["error"]["code"].as_str()),
            (status, Some(code)),
            "{query}: {v}"
        );
    }

    // One audit record per report request.
    let mut found = Vec::new();
    for _ in 0..100 {
        let a = s.get("/v1/audit?action=report.compliance&limit=100").await;
        found = a.body["items"].as_array().cloned().unwrap_or_default();
        if found.len() >= 5 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let ok: Vec<_> = found.iter().filter(|r| r["outcome"] == "success").collect();
    assert_eq!(ok.len(), 4, "{found:?}");
    assert!(ok.iter().all(|r| r["principal"] == "root"));
    assert!(
        ok.iter().any(|r| r["detail"]
            .as_str()
            .unwrap_or("")
            .contains("min_severity high")),
        "{ok:?}"
    );
}

#[tokio::test]
async fn callers_see_their_vaults_only_and_tampered_keys_are_left_out() {
    let inv = inventory::seed().await.expect("inventory");
    let s = &inv.server;
    let auditor = s.principal("strict-auditor", &[]).await;
    s.grant("strict", "strict-auditor", &["auditor"]).await;
    let r = json_report(s, &auditor, "").await;
    assert_eq!(
        names(&r),
        ["strict/hmac", "strict/old-ec", "strict/weak-aes"]
            .map(str::to_owned)
            .into_iter()
            .collect()
    );
    let (status, _, _) = get(s, &auditor, "vault=main").await;
    assert_eq!(status, 404, "a vault the caller cannot see does not exist");
    // An admin-only member may not read keys: forbidden when it names the vault, nothing
    // otherwise.
    let admin = s.principal("strict-admin", &[]).await;
    s.grant("strict", "strict-admin", &["admin"]).await;
    let (status, _, _) = get(s, &admin, "vault=strict").await;
    assert_eq!(status, 403);
    let nobody = s.principal("nobody", &[]).await;
    for token in [&admin, &nobody] {
        let r = json_report(s, token, "").await;
        assert!(r.keys.is_empty());
        assert_eq!(r.totals.keys_scanned, 0);
    }
    let (status, _, _) = get(s, "khv_not_a_token", "").await;
    assert_eq!(status, 401);
    let doc = s.get("/v1/openapi.json").await;
    let op = &doc.body["paths"]["/v1/reports/compliance"]["get"];
    for ct in ["application/json", "text/csv"] {
        assert!(
            op["responses"]["200"]["content"][ct].is_object(),
            "{ct}: {op}"
        );
    }
    assert!(doc.body["components"]["schemas"]["ReportKey"].is_object());

    // A key row edited in the database is left out, counted and audited.
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        s.data_dir().join("keyhaven.db").display()
    ))
    .await
    .unwrap();
    let n = sqlx::query("UPDATE keys SET state = 1 WHERE name = 'retired'")
        .execute(&pool)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(n, 1);
    let r = json_report(s, &s.token, "").await;
    assert_eq!(r.totals.integrity_errors, 1);
    assert_eq!(r.totals.keys_reported, 11);
    assert!(!names(&r).contains("main/retired"));
    let ready = s.get("/v1/ready").await;
    assert_eq!(
        ready.body["details"]["integrity"]["failures"], 1,
        "{ready:?}"
    );
}
