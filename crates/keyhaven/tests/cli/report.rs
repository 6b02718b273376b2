//! `keyhaven report compliance` against a server holding the seeded inventory of
//! `keyhaven_testkit::inventory` (a test server on a fake clock, in this process): the table
//! shows exactly the expected findings and the totals; JSON and CSV say the same.

use std::collections::BTreeSet;
use std::process::{Command, Output, Stdio};

use keyhaven_proto::{parse_csv, ComplianceReport, CSV_COLUMNS};
use keyhaven_testkit::inventory::{self, expected_findings, Inventory, KEYS};

use super::{text, BIN};

type Triple = (String, String, String);

fn expected() -> BTreeSet<Triple> {
    expected_findings()
        .into_iter()
        .map(|(k, f, s)| (k.to_owned(), f.to_owned(), s.to_owned()))
        .collect()
}

fn cli(inv: &Inventory, args: &[&str]) -> Output {
    Command::new(BIN)
        .env("KEYHAVEN_ADDR", &inv.server.base)
        .env("KEYHAVEN_TOKEN", &inv.server.token)
        .env("KEYHAVEN_CACERT", &inv.ca_path)
        .env_remove("KEYHAVEN_TOKEN_FILE")
        .stdin(Stdio::null())
        .args(args)
        .output()
        .unwrap()
}

/// The finding lines of a table: (key, finding, severity), `-` for a key without findings.
fn table_rows(table: &str) -> Vec<Triple> {
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "KEY",
            "ALGORITHM",
            "BITS",
            "STATE",
            "AGE_D",
            "LAST_USED",
            "SEVERITY",
            "FINDING",
            "DEADLINE",
            "REMEDIATION"
        ]
    );
    lines
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            (
                cells[0].to_owned(),
                cells[7].to_owned(),
                cells[6].to_owned(),
            )
        })
        .collect()
}

fn json_triples(r: &ComplianceReport) -> BTreeSet<Triple> {
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

#[test]
fn compliance_report_as_table_json_and_csv() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let inv = rt.block_on(inventory::seed()).expect("inventory");

    // The table: one line per finding, one for the clean key, then the totals.
    let o = cli(&inv, &["report", "compliance"]);
    assert!(o.status.success(), "{}", text(&o));
    let table = String::from_utf8(o.stdout).unwrap();
    let rows = table_rows(&table);
    let findings: BTreeSet<Triple> = rows.iter().filter(|r| r.1 != "-").cloned().collect();
    assert_eq!(findings, expected(), "{table}");
    assert_eq!(rows.len(), expected().len() + 1, "{table}");
    let keys: BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(keys, KEYS.into_iter().collect(), "{table}");
    assert!(rows.contains(&("main/clean".into(), "-".into(), "-".into())));
    assert!(
        table.contains("12 keys listed of 12 read, 11 with findings, 18 findings, 0 integrity errors (policy keyhaven-default, as of 2026-03-01T00:00:00Z)"),
        "{table}"
    );
    assert!(
        table.contains("\nVAULT   KEYS  WITH_FINDINGS\nmain    9     8\nstrict  3     3\n"),
        "{table}"
    );
    assert!(
        table.contains("\nSEVERITY  FINDINGS\ncritical  1\nhigh      3\nmedium    6\n"),
        "{table}"
    );
    assert!(table.contains("\nrotation-overdue     1\n"), "{table}");
    let rsa = table
        .lines()
        .find(|l| l.starts_with("main/rsa ") && l.contains("quantum-vulnerable"))
        .unwrap();
    assert!(rsa.contains(" 2030-12-31 "), "{rsa}");
    assert!(rsa.contains("migrate to "), "{rsa}");

    // A minimum severity.
    let o = cli(
        &inv,
        &["report", "compliance", "--min-severity", "critical"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let rows = table_rows(&String::from_utf8(o.stdout).unwrap());
    assert_eq!(
        rows,
        [("strict/hmac".into(), "disallowed".into(), "critical".into())]
    );

    // JSON to a file, and with the global --output json.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let o = cli(
        &inv,
        &[
            "report",
            "compliance",
            "--format",
            "json",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(o.stdout.is_empty());
    let r: ComplianceReport = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(json_triples(&r), expected());
    assert_eq!(r.totals.keys_reported, 12);
    let o = cli(
        &inv,
        &["-o", "json", "report", "compliance", "--vault", "strict"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let r: ComplianceReport = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r.keys.len(), 3);

    // CSV on standard output.
    let o = cli(&inv, &["report", "compliance", "--format", "csv"]);
    assert!(o.status.success(), "{}", text(&o));
    let rows = parse_csv(std::str::from_utf8(&o.stdout).unwrap()).unwrap();
    assert_eq!(rows[0], CSV_COLUMNS.map(str::to_owned).to_vec());
    let at = |c: &str| CSV_COLUMNS.iter().position(|x| *x == c).unwrap();
    let from_csv: BTreeSet<Triple> = rows[1..]
        .iter()
        .filter(|r| !r[at("finding")].is_empty())
        .map(|r| {
            (
                format!("{}/{}", r[at("vault")], r[at("name")]),
                r[at("finding")].clone(),
                r[at("severity")].clone(),
            )
        })
        .collect();
    assert_eq!(from_csv, expected());

    // Refusals: exit codes, and no output file left behind.
    let missing = dir.path().join("never.csv");
    let o = cli(
        &inv,
        &[
            "report",
            "compliance",
            "--vault",
            "nope",
            "--out",
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(!missing.exists());
    let o = cli(&inv, &["report", "compliance", "--min-severity", "severe"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
