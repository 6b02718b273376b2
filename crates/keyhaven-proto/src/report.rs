//! The compliance report (`GET /v1/reports/compliance`): every key the caller may read, judged
//! against its vault's crypto policy, with findings, severities and remediations, and totals.
//! See docs/REPORTS.md.
//!
//! The server streams the report. In JSON, the document is [`ComplianceReport`]: the header
//! fields first, then the `keys` array one element at a time, then `totals`. In CSV, the
//! columns are [`CSV_COLUMNS`]: one row per (key, finding), and one row with empty finding
//! columns for a key without findings; totals are in the JSON (and the CLI table) only.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// The CSV header, in column order.
pub const CSV_COLUMNS: [&str; 17] = [
    "key_id",
    "vault",
    "name",
    "algorithm",
    "bits",
    "strength",
    "state",
    "usage",
    "created_at",
    "age_days",
    "last_used_at",
    "uses",
    "finding",
    "severity",
    "deadline",
    "message",
    "remediation",
];

/// The whole report (`format=json`), as a client that reads it at once sees it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ComplianceReport {
    /// When the report was made; ages and deadlines count from here.
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    /// Name of the server's crypto policy (vault overrides apply to their vaults' keys).
    pub policy: String,
    /// The keys, vault by vault (in vault creation order), each vault's in creation order.
    pub keys: Vec<ReportKey>,
    /// Counts over the keys listed.
    pub totals: ReportTotals,
}

/// One key of the inventory with what the policy finds about it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ReportKey {
    /// Key id.
    pub id: Uuid,
    /// Vault name.
    pub vault: String,
    /// Key name.
    pub name: String,
    /// Algorithm name, e.g. `aes-256`.
    pub algorithm: String,
    /// Key size in bits (as the policy counts it); absent for objects that are not keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bits: Option<u32>,
    /// Security strength in bits against classical attacks (NIST SP 800-57 Part 1 Table 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<u32>,
    /// Lifecycle state (a scheduled transition that is due is shown as done).
    pub state: String,
    /// Set while destruction is pending: when the material will be erased.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub destroy_at: Option<OffsetDateTime>,
    /// Permitted uses.
    pub usage: Vec<String>,
    /// Creation time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Whole days since creation.
    pub age_days: u64,
    /// Last cryptographic use, if any.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    /// Primary version.
    pub primary_version: u32,
    /// When the primary version was made (creation or last rotation).
    #[serde(with = "time::serde::rfc3339")]
    pub primary_created_at: OffsetDateTime,
    /// Applications of protection by the primary version.
    pub uses: u64,
    /// The use count that rotates the key (its own, or the policy's default), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_limit: Option<u64>,
    /// The template the key was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// What the policy finds, most severe first.
    pub findings: Vec<ReportFinding>,
}

/// One finding about a key.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ReportFinding {
    /// Finding kind (`weak`, `deprecated`, `disallowed`, `cryptoperiod-exceeded`, ...; the
    /// list is in docs/REPORTS.md).
    pub kind: String,
    /// `info`, `low`, `medium`, `high` or `critical`.
    pub severity: String,
    /// What is wrong, with the numbers.
    pub message: String,
    /// What to do about it.
    pub remediation: String,
    /// The date by which it must be dealt with (`YYYY-MM-DD`), when the policy sets one
    /// (quantum-vulnerable keys: the migration deadline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
}

/// Counts over the keys a report lists.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ReportTotals {
    /// Keys read (visible to the caller, record intact), listed or not.
    pub keys_scanned: u64,
    /// Keys listed (with `min_severity`, only keys with a finding at that level or above).
    pub keys_reported: u64,
    /// Listed keys with at least one finding.
    pub keys_with_findings: u64,
    /// Findings listed.
    pub findings: u64,
    /// Keys left out because their record failed its integrity check (each one is in the
    /// audit log as an `integrity` failure).
    pub integrity_errors: u64,
    /// Findings by kind.
    pub by_finding: BTreeMap<String, u64>,
    /// Findings by severity.
    pub by_severity: BTreeMap<String, u64>,
    /// Listed keys by algorithm.
    pub by_algorithm: BTreeMap<String, KeyCount>,
    /// Listed keys by state.
    pub by_state: BTreeMap<String, KeyCount>,
    /// Listed keys by vault.
    pub by_vault: BTreeMap<String, KeyCount>,
}

/// Keys in one group of the totals.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct KeyCount {
    /// Keys listed.
    pub keys: u64,
    /// Of which with at least one finding.
    pub with_findings: u64,
}

/// The parts of a report other than its keys: what a client streaming the keys one at a time
/// has at the end.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ReportSummary {
    /// When the report was made.
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    /// Name of the server's crypto policy.
    pub policy: String,
    /// Counts over the keys listed.
    pub totals: ReportTotals,
}

/// One CSV field, quoted when it holds a comma, a quote, a line break or leading/trailing
/// space (RFC 4180; quotes doubled).
pub fn csv_field(value: &str) -> Cow<'_, str> {
    let needs =
        value.contains([',', '"', '\n', '\r']) || value.starts_with(' ') || value.ends_with(' ');
    if needs {
        Cow::Owned(format!("\"{}\"", value.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(value)
    }
}

/// Appends one CSV record (fields quoted as needed) and a CRLF line end to `out`.
pub fn csv_record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_field(f));
    }
    out.push_str("\r\n");
}

/// Parses CSV text (RFC 4180: quoted fields may hold commas, doubled quotes and line breaks;
/// records end with CRLF or LF) into records of fields. Fails on a quote inside an unquoted
/// field, text after a closing quote, or an unterminated quoted field.
pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    // Whether the current field was quoted, and whether the record has any content yet.
    let mut quoted = false;
    let mut started = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if field.is_empty() && !quoted => {
                quoted = true;
                started = true;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(other) => field.push(other),
                        None => {
                            return Err(format!(
                                "record {}: unterminated quoted field",
                                records.len() + 1
                            ))
                        }
                    }
                }
                if !matches!(chars.peek(), None | Some(',' | '\r' | '\n')) {
                    return Err(format!(
                        "record {}: text after a closing quote",
                        records.len() + 1
                    ));
                }
            }
            '"' => {
                return Err(format!(
                    "record {}: a quote inside an unquoted field",
                    records.len() + 1
                ))
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                quoted = false;
                started = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if started || !field.is_empty() {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                quoted = false;
                started = false;
            }
            other => {
                field.push(other);
                started = true;
            }
        }
    }
    if started || !field.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field(" padded"), "\" padded\"");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn csv_round_trips() {
        let rows: Vec<Vec<&str>> = vec![
            CSV_COLUMNS.to_vec(),
            vec!["1", "", "a,b", "q\"uote", "line\r\nbreak", " sp ", "last"],
            vec!["", "", ""],
        ];
        let mut text = String::new();
        for r in &rows {
            csv_record(&mut text, r.iter().copied());
        }
        let back = parse_csv(&text).unwrap();
        assert_eq!(back.len(), rows.len());
        for (a, b) in back.iter().zip(&rows) {
            assert_eq!(a, b);
        }
    }

    #[test]
    fn csv_parser_refuses_malformed_input() {
        assert!(parse_csv("a,\"b").is_err());
        assert!(parse_csv("a,b\"c").is_err());
        assert!(parse_csv("\"a\"b,c").is_err());
        assert_eq!(parse_csv("a,b\nc,d").unwrap().len(), 2, "no final line end");
        assert_eq!(parse_csv("").unwrap().len(), 0);
    }

    #[test]
    fn report_json_names() {
        let key = ReportKey {
            id: Uuid::nil(),
            vault: "v".into(),
            name: "k".into(),
            algorithm: "rsa-2048".into(),
            bits: Some(2048),
            strength: Some(112),
            state: "active".into(),
            destroy_at: None,
            usage: vec!["sign".into()],
            created_at: OffsetDateTime::UNIX_EPOCH,
            age_days: 3,
            last_used_at: None,
            primary_version: 1,
            primary_created_at: OffsetDateTime::UNIX_EPOCH,
            uses: 0,
            use_limit: None,
            template: None,
            findings: vec![ReportFinding {
                kind: "quantum-vulnerable".into(),
                severity: "medium".into(),
                message: "m".into(),
                remediation: "r".into(),
                deadline: Some("2030-12-31".into()),
            }],
        };
        let v = serde_json::to_value(&key).unwrap();
        assert_eq!(v["findings"][0]["deadline"], "2030-12-31");
        assert_eq!(v["last_used_at"], serde_json::Value::Null);
        assert!(v.get("destroy_at").is_none());
        let back: ReportKey = serde_json::from_value(v).unwrap();
        assert_eq!(back, key);
    }
}
