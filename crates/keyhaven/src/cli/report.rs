//! `keyhaven report compliance`: the compliance report (docs/REPORTS.md), as a table for
//! people, or the server's JSON or CSV copied as it streams. The table is printed key by key
//! as the JSON arrives, so memory does not grow with the number of keys; the totals follow.

use std::io::Write;
use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand, ValueEnum};
use keyhaven_client::proto::{KeyCount, ReportKey, ReportSummary};
use keyhaven_client::{ReportFormat, ReportQuery};
use keyhaven_core::policy::Severity;

use super::error::CliError;
use super::output::{sanitize, OutputFormat, Table};
use super::Context;

/// Report commands.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Every key you may read, judged against its vault's crypto policy: weak, deprecated or
    /// disallowed algorithms, past cryptoperiod, too old, rotation overdue, unused, near the
    /// use limit, quantum-vulnerable (with the deadline), pending destruction; each with a
    /// severity and what to do. Totals by finding, severity, algorithm, state and vault.
    Compliance(ComplianceArgs),
}

/// How the report is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per finding (and per key without findings), then the totals.
    Table,
    /// The server's JSON document, as it streams.
    Json,
    /// The server's CSV (one row per finding; no totals), as it streams.
    Csv,
}

/// `report compliance`.
#[derive(Debug, Args)]
pub struct ComplianceArgs {
    /// Only keys of this vault (default: every vault where you may read keys).
    #[arg(long)]
    pub vault: Option<String>,
    /// Output format (default: table, or json with --output json).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Only findings of this severity or above, and only keys that have one.
    #[arg(long, value_name = "SEVERITY",
          value_parser = PossibleValuesParser::new(Severity::ALL.map(Severity::name)))]
    pub min_severity: Option<String>,
    /// Include destroyed keys.
    #[arg(long)]
    pub include_destroyed: bool,
    /// Write to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Runs a report command.
pub async fn run(ctx: &Context, cmd: ReportCommand) -> Result<(), CliError> {
    match cmd {
        ReportCommand::Compliance(args) => compliance(ctx, args).await,
    }
}

async fn compliance(ctx: &Context, args: ComplianceArgs) -> Result<(), CliError> {
    let format = args.format.unwrap_or(match ctx.output {
        OutputFormat::Json => Format::Json,
        OutputFormat::Table => Format::Table,
    });
    let query = ReportQuery {
        vault: args.vault,
        min_severity: args.min_severity,
        include_destroyed: args.include_destroyed,
    };
    let wire = match format {
        Format::Csv => ReportFormat::Csv,
        Format::Json | Format::Table => ReportFormat::Json,
    };
    // Asks first, so a refusal leaves no empty output file behind.
    let mut stream = ctx.client.compliance_report(&query, wire).await?;
    let (mut sink, target) = open(args.out.as_ref())?;
    let write_err = |e: std::io::Error| CliError::io(format!("cannot write {target}"), &e);
    if format == Format::Table {
        sink.write_all(header().as_bytes()).map_err(write_err)?;
        let summary = stream
            .for_each_key(|k| {
                sink.write_all(rows(&k).as_bytes())
                    .map_err(|e| CliError::io(format!("cannot write {target}"), &e))
            })
            .await?;
        sink.write_all(totals(&summary).as_bytes())
            .map_err(write_err)?;
    } else {
        while let Some(chunk) = stream.next_chunk().await? {
            sink.write_all(&chunk).map_err(write_err)?;
        }
    }
    sink.flush().map_err(write_err)
}

/// The output: the file named by `--out`, or standard output; and its name for messages.
fn open(out: Option<&PathBuf>) -> Result<(Box<dyn Write + Send>, String), CliError> {
    Ok(match out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| CliError::io(format!("cannot create {}", path.display()), &e))?;
            (
                Box::new(std::io::BufWriter::new(file)),
                path.display().to_string(),
            )
        }
        None => (
            Box::new(std::io::BufWriter::new(std::io::stdout())),
            "standard output".to_owned(),
        ),
    })
}

/// Column widths of the streamed table (wider cells push the line; the last column is free).
const WIDTHS: [usize; 9] = [32, 11, 5, 11, 5, 10, 8, 19, 10];
const HEADERS: [&str; 10] = [
    "KEY",
    "ALGORITHM",
    "BITS",
    "STATE",
    "AGE_D",
    "LAST_USED",
    "SEVERITY",
    "FINDING",
    "DEADLINE",
    "REMEDIATION",
];

fn line(cells: &[String]) -> String {
    let mut out = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push_str("  ");
        }
        out.push_str(cell);
        if let Some(w) = WIDTHS.get(i) {
            out.extend(std::iter::repeat_n(
                ' ',
                w.saturating_sub(cell.chars().count()),
            ));
        }
    }
    let end = out.trim_end().len();
    out.truncate(end);
    out.push('\n');
    out
}

fn header() -> String {
    line(&HEADERS.map(str::to_owned))
}

/// The table lines of one key: one per finding, or one with `-` when it has none.
fn rows(k: &ReportKey) -> String {
    let key = [
        sanitize(&format!("{}/{}", k.vault, k.name)),
        sanitize(&k.algorithm),
        k.bits.map_or_else(|| "-".to_owned(), |b| b.to_string()),
        sanitize(&k.state),
        k.age_days.to_string(),
        k.last_used_at
            .map_or_else(|| "never".to_owned(), |t| t.date().to_string()),
    ];
    if k.findings.is_empty() {
        let mut cells = key.to_vec();
        cells.extend(["-", "-", "-", ""].map(str::to_owned));
        return line(&cells);
    }
    let mut out = String::new();
    for f in &k.findings {
        let mut cells = key.to_vec();
        cells.extend([
            sanitize(&f.severity),
            sanitize(&f.kind),
            f.deadline
                .as_deref()
                .map_or_else(|| "-".to_owned(), sanitize),
            sanitize(&f.remediation),
        ]);
        out.push_str(&line(&cells));
    }
    out
}

/// The totals after the rows.
fn totals(s: &ReportSummary) -> String {
    let t = &s.totals;
    let mut out = format!(
        "\n{} keys listed of {} read, {} with findings, {} findings, {} integrity errors \
         (policy {}, as of {})\n",
        t.keys_reported,
        t.keys_scanned,
        t.keys_with_findings,
        t.findings,
        t.integrity_errors,
        sanitize(&s.policy),
        super::output::time(s.generated_at),
    );
    let counts = |title: &str, items: &mut dyn Iterator<Item = (&String, &u64)>| {
        let mut table = Table::new(&[title, "FINDINGS"]);
        for (name, n) in items {
            table.row(vec![name.clone(), n.to_string()]);
        }
        table.render()
    };
    let groups = |title: &str, items: &mut dyn Iterator<Item = (&String, &KeyCount)>| {
        let mut table = Table::new(&[title, "KEYS", "WITH_FINDINGS"]);
        for (name, c) in items {
            table.row(vec![
                name.clone(),
                c.keys.to_string(),
                c.with_findings.to_string(),
            ]);
        }
        table.render()
    };
    // Severities most severe first, as the rows.
    let mut severities: Vec<(&String, &u64)> = t.by_severity.iter().collect();
    severities.sort_by_key(|(name, _)| std::cmp::Reverse(Severity::parse(name)));
    for section in [
        counts("FINDING", &mut t.by_finding.iter()),
        counts("SEVERITY", &mut severities.into_iter()),
        groups("ALGORITHM", &mut t.by_algorithm.iter()),
        groups("STATE", &mut t.by_state.iter()),
        groups("VAULT", &mut t.by_vault.iter()),
    ] {
        out.push('\n');
        out.push_str(&section);
    }
    out
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use clap::Parser;
    use serde_json::json;

    use super::*;
    use crate::cli::{Cli, Command};

    fn key(findings: serde_json::Value) -> ReportKey {
        serde_json::from_value(json!({
            "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
            "vault": "pay", "name": "sig\u{1b}[31m", "algorithm": "ec-p256", "bits": 256,
            "strength": 128, "state": "active", "usage": ["sign"],
            "created_at": "2025-06-01T00:00:00Z", "age_days": 273,
            "last_used_at": "2026-02-09T10:00:00Z", "primary_version": 1,
            "primary_created_at": "2025-06-01T00:00:00Z", "uses": 0,
            "findings": findings
        }))
        .unwrap()
    }

    #[test]
    fn one_line_per_finding_aligned_and_sanitized() {
        let text = rows(&key(json!([
            {"kind": "quantum-vulnerable", "severity": "low", "message": "m",
             "remediation": "migrate to ML-DSA-65", "deadline": "2035-12-31"},
            {"kind": "unused", "severity": "low", "message": "m", "remediation": "deactivate"}
        ])));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(lines[0].starts_with("pay/sig\\u{1b}[31m"), "{text}");
        assert!(
            lines[0].ends_with("low       quantum-vulnerable   2035-12-31  migrate to ML-DSA-65"),
            "{text}"
        );
        assert!(lines[1].contains("2026-02-09"), "{text}");
        assert!(
            lines[1].ends_with("unused               -           deactivate"),
            "{text}"
        );
        let h = header();
        assert_eq!(
            h.find("SEVERITY"),
            lines[0].find("low"),
            "columns line up:\n{h}{text}"
        );
        let clean = rows(&key(json!([])));
        assert!(
            clean
                .trim_end()
                .ends_with("-         -                    -"),
            "{clean}"
        );
    }

    #[test]
    fn totals_list_every_group() {
        let summary: ReportSummary = serde_json::from_value(json!({
            "generated_at": "2026-03-01T00:00:00Z", "policy": "keyhaven-default",
            "totals": {
                "keys_scanned": 3, "keys_reported": 2, "keys_with_findings": 1, "findings": 2,
                "integrity_errors": 0,
                "by_finding": {"unused": 1, "weak": 1},
                "by_severity": {"low": 1, "high": 1},
                "by_algorithm": {"aes-128": {"keys": 2, "with_findings": 1}},
                "by_state": {"active": {"keys": 2, "with_findings": 1}},
                "by_vault": {"pay": {"keys": 2, "with_findings": 1}}
            }
        }))
        .unwrap();
        let text = totals(&summary);
        assert!(
            text.contains("2 keys listed of 3 read, 1 with findings, 2 findings"),
            "{text}"
        );
        assert!(
            text.contains("FINDING  FINDINGS\nunused   1\nweak     1\n"),
            "{text}"
        );
        assert!(
            text.contains("SEVERITY  FINDINGS\nhigh      1\nlow       1\n"),
            "{text}"
        );
        assert!(
            text.contains("ALGORITHM  KEYS  WITH_FINDINGS\naes-128    2     1\n"),
            "{text}"
        );
        assert!(
            text.contains("VAULT  KEYS  WITH_FINDINGS\npay    2     1\n"),
            "{text}"
        );
    }

    #[test]
    fn arguments_parse() {
        let cli = Cli::try_parse_from([
            "keyhaven",
            "report",
            "compliance",
            "--vault",
            "pay",
            "--format",
            "csv",
            "--min-severity",
            "high",
            "--out",
            "r.csv",
        ])
        .unwrap();
        let Command::Report(ReportCommand::Compliance(a)) = cli.command else {
            panic!("not a report");
        };
        assert_eq!(a.format, Some(Format::Csv));
        assert_eq!(a.min_severity.as_deref(), Some("high"));
        assert!(
            Cli::try_parse_from(["keyhaven", "report", "compliance", "--min-severity", "x"])
                .is_err()
        );
        assert!(
            Cli::try_parse_from(["keyhaven", "report", "compliance", "--format", "xml"]).is_err()
        );
    }
}
