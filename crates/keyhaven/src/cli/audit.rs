//! `keyhaven audit ...`: query, verify (online, or offline against a database file or an
//! export), export, checkpoints.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use keyhaven_client::proto::{AuditFinding, AuditRecord, AuditVerifyReport};
use keyhaven_core::audit::{AuditEvent, AuditRecord as CoreRecord, Checkpoint, Verifier};
use keyhaven_core::Outcome;

use super::error::CliError;
use super::output::{self, OutputFormat, Table};
use super::Context;

/// Audit commands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List records (newest first), filtered.
    List(ListArgs),
    /// Verify the log: recompute every record's hash and the Merkle tree, check every signed
    /// checkpoint, and name the first record that does not match. Online by default; offline
    /// with --database or --export.
    Verify(VerifyArgs),
    /// Export records as JSON lines (with inclusion proofs with --proofs).
    Export(ExportArgs),
    /// List signed checkpoints and the public key that verifies them.
    Checkpoints,
}

/// Filters shared by list and export.
#[derive(Debug, Args)]
pub struct Filters {
    /// Records about this key (id).
    #[arg(long)]
    pub key: Option<String>,
    /// Records of this principal.
    #[arg(long)]
    pub principal: Option<String>,
    /// Records of this action (encrypt, key.create, transition, auth, ...).
    #[arg(long)]
    pub action: Option<String>,
    /// success, denied or failure.
    #[arg(long)]
    pub outcome: Option<String>,
    /// Records about this vault (vault auditors must name their vault).
    #[arg(long)]
    pub vault: Option<String>,
    /// At or after (RFC 3339).
    #[arg(long)]
    pub since: Option<String>,
    /// Before (RFC 3339).
    #[arg(long)]
    pub until: Option<String>,
}

impl Filters {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        for (k, v) in [
            ("key", &self.key),
            ("principal", &self.principal),
            ("action", &self.action),
            ("outcome", &self.outcome),
            ("vault", &self.vault),
            ("since", &self.since),
            ("until", &self.until),
        ] {
            if let Some(v) = v {
                q.push((k, v.clone()));
            }
        }
        q
    }
}

/// `audit list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Filters.
    #[command(flatten)]
    pub filters: Filters,
    /// Records per page (1-1000).
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Oldest first.
    #[arg(long)]
    pub oldest_first: bool,
}

/// `audit verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Verify a database file offline (the server may be running or not).
    #[arg(long, value_name = "FILE", conflicts_with = "export")]
    pub database: Option<PathBuf>,
    /// Verify an unfiltered export (JSON lines) offline.
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
    /// The checkpoint public key (hex, as `keyhaven init` printed it, or a file holding it).
    /// Offline, without it signatures are not checked.
    #[arg(long, value_name = "HEX|FILE")]
    pub public_key: Option<String>,
}

/// `audit export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Filters.
    #[command(flatten)]
    pub filters: Filters,
    /// Where to write (JSON lines).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Add an inclusion proof to every record covered by the newest checkpoint.
    #[arg(long)]
    pub proofs: bool,
}

fn record_row(r: &AuditRecord) -> Vec<String> {
    vec![
        r.seq.to_string(),
        output::time(r.at),
        r.principal.clone().unwrap_or_else(|| "-".to_owned()),
        r.action.clone(),
        r.vault.clone().unwrap_or_default(),
        r.key.map(|k| k.to_string()).unwrap_or_default(),
        r.outcome.clone(),
        r.code.clone().unwrap_or_default(),
    ]
}

fn report_text(r: &AuditVerifyReport) -> String {
    let mut t = if r.ok {
        format!(
            "audit log OK: {} records, {} checkpoints verified, {} records after the newest \
             checkpoint\nroot {}\n",
            r.records, r.checkpoints, r.unsigned_tail, r.root
        )
    } else {
        format!(
            "audit log FAILED verification ({} records, {} checkpoints):\n",
            r.records, r.checkpoints
        )
    };
    for f in &r.findings {
        t.push_str(&format!("  record #{}: {}\n", f.seq, f.message));
    }
    t
}

use keyhaven_core::hex::decode as unhex;

fn public_key(arg: Option<&str>) -> Result<Option<Vec<u8>>, CliError> {
    let Some(a) = arg else { return Ok(None) };
    let text = if Path::new(a).exists() {
        std::fs::read_to_string(a).map_err(|e| CliError::io(format!("cannot read {a}"), &e))?
    } else {
        a.to_owned()
    };
    let key = unhex(&text)
        .filter(|k| k.len() == 32)
        .ok_or_else(|| CliError::Usage("--public-key: 64 hex digits (32 bytes)".to_owned()))?;
    Ok(Some(key))
}

fn core_report(r: keyhaven_core::audit::VerifyReport) -> AuditVerifyReport {
    AuditVerifyReport {
        ok: r.ok(),
        records: r.records,
        checkpoints: r.checkpoints,
        unsigned_tail: r.unsigned_tail,
        root: keyhaven_core::hex::encode(&r.root),
        findings: r
            .findings
            .iter()
            .map(|f| AuditFinding {
                seq: f.first_seq(),
                message: f.describe(),
            })
            .collect(),
    }
}

/// Verifies a database file offline.
pub async fn verify_database(
    path: &Path,
    key: Option<&[u8]>,
) -> Result<AuditVerifyReport, CliError> {
    let store = keyhaven_store::SqliteStore::open_read_only(path)
        .await
        .map_err(|e| CliError::Usage(format!("cannot open {}: {e}", path.display())))?;
    let report = verify_store(&store, key).await;
    store.close().await;
    report
}

/// Verifies the audit log held by `store`: every record's hash, the Merkle roots of the
/// stored checkpoints (and their signatures, given `key`), and the lookup index.
pub async fn verify_store(
    store: &dyn keyhaven_core::Store,
    key: Option<&[u8]>,
) -> Result<AuditVerifyReport, CliError> {
    let fail = |e: keyhaven_core::StoreError| CliError::Local(format!("reading the log: {e}"));
    let checkpoints = store.checkpoints().await.map_err(fail)?;
    let mut v = Verifier::with_key(checkpoints, key);
    let mut after = 0;
    loop {
        let batch = store.audit_records(after, 10_000).await.map_err(fail)?;
        for r in &batch {
            v.push(r);
        }
        match batch.last() {
            Some(r) if batch.len() == 10_000 => after = r.seq,
            _ => break,
        }
    }
    for seq in store.audit_index_mismatches().await.map_err(fail)? {
        v.index_altered(seq);
    }
    Ok(core_report(v.finish()))
}

#[derive(serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line {
    Header { public_key: String },
    Record(Box<AuditRecord>),
    Checkpoint(keyhaven_client::proto::Checkpoint),
}

fn to_core(r: &AuditRecord) -> Result<CoreRecord, String> {
    let leaf: [u8; 32] = unhex(&r.leaf_hash)
        .and_then(|v| v.try_into().ok())
        .ok_or("leaf_hash is not 32 bytes of hex")?;
    Ok(CoreRecord {
        seq: r.seq,
        leaf_hash: leaf,
        event: AuditEvent {
            at: time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(r.at_ns))
                .map_err(|_| "at_ns out of range")?,
            request_id: r.request_id.clone(),
            principal: r.principal.clone(),
            source: r.source.clone(),
            action: r.action.clone(),
            route: r.route.clone(),
            vault: r.vault.clone(),
            key: r.key.map(keyhaven_core::KeyId),
            key_version: r.key_version,
            outcome: Outcome::parse(&r.outcome).ok_or("unknown outcome")?,
            code: r.code.clone(),
            detail: r.detail.clone(),
        },
    })
}

/// Verifies an export file offline.
pub fn verify_export(path: &Path, key: Option<Vec<u8>>) -> Result<AuditVerifyReport, CliError> {
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::Usage(format!("cannot open {}: {e}", path.display())))?;
    let mut records = Vec::new();
    let mut checkpoints = Vec::new();
    let mut header_key = None;
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| CliError::io("reading the export", &e))?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |m: String| CliError::Usage(format!("{} line {}: {m}", path.display(), n + 1));
        match serde_json::from_str::<Line>(&line).map_err(|e| bad(e.to_string()))? {
            Line::Header { public_key } => header_key = unhex(&public_key),
            Line::Record(r) => records.push(to_core(&r).map_err(|m| bad(m.to_owned()))?),
            Line::Checkpoint(c) => checkpoints.push(Checkpoint {
                tree_size: c.tree_size,
                root: unhex(&c.root)
                    .and_then(|v| v.try_into().ok())
                    .ok_or_else(|| bad("bad checkpoint root".to_owned()))?,
                at: time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(c.at_ns))
                    .map_err(|_| bad("bad checkpoint time".to_owned()))?,
                signature: unhex(&c.signature)
                    .ok_or_else(|| bad("bad checkpoint signature".to_owned()))?,
            }),
        }
    }
    let key = match key {
        Some(k) => Some(k),
        None => {
            if header_key.is_some() {
                eprintln!(
                    "warning: using the public key written in the export itself; pass \
                     --public-key with the key printed by `keyhaven init` to check against a \
                     key you trust"
                );
            }
            header_key
        }
    };
    let mut v = Verifier::with_key(checkpoints, key.as_deref());
    for r in &records {
        v.push(r);
    }
    Ok(core_report(v.finish()))
}

/// `audit verify` (online needs a client; offline does not).
pub async fn verify(
    ctx: Option<&Context>,
    args: VerifyArgs,
    format: OutputFormat,
) -> Result<(), CliError> {
    let key = public_key(args.public_key.as_deref())?;
    let report = if let Some(db) = &args.database {
        if key.is_none() {
            eprintln!(
                "warning: no --public-key: checkpoint signatures are not checked (hashes and \
                 roots are)"
            );
        }
        verify_database(db, key.as_deref()).await?
    } else if let Some(export) = &args.export {
        verify_export(export, key)?
    } else {
        let ctx = ctx.ok_or_else(|| CliError::Usage("no server configured".to_owned()))?;
        ctx.client.audit_verify().await?
    };
    output::print(&match format {
        OutputFormat::Json => output::json(serde_json::to_string_pretty(&report))?,
        OutputFormat::Table => report_text(&report),
    })?;
    if !report.ok {
        let first = report.findings.first().map(|f| f.seq).unwrap_or(0);
        return Err(CliError::Invalid(format!(
            "the audit log does not verify (first bad record #{first})"
        )));
    }
    Ok(())
}

/// Runs an audit command that talks to the server.
pub async fn run(ctx: &Context, cmd: AuditCommand) -> Result<(), CliError> {
    let c = &ctx.client;
    let json = ctx.output == OutputFormat::Json;
    match cmd {
        AuditCommand::List(a) => {
            let mut q = a.filters.pairs();
            q.push(("limit", a.limit.to_string()));
            if !a.oldest_first {
                q.push(("order", "desc".to_owned()));
            }
            let list = c.audit(&q).await?;
            if json {
                return output::print(&output::json(serde_json::to_string_pretty(&list))?);
            }
            let mut t = Table::new(&[
                "SEQ",
                "AT",
                "PRINCIPAL",
                "ACTION",
                "VAULT",
                "KEY",
                "OUTCOME",
                "CODE",
            ]);
            for r in &list.items {
                t.row(record_row(r));
            }
            output::print(&t.render())
        }
        AuditCommand::Verify(a) => verify(Some(ctx), a, ctx.output).await,
        AuditCommand::Export(a) => {
            let mut q = a.filters.pairs();
            if a.proofs {
                q.push(("proofs", "true".to_owned()));
            }
            let file = std::fs::File::create(&a.out)
                .map_err(|e| CliError::io(format!("cannot create {}", a.out.display()), &e))?;
            let mut w = std::io::BufWriter::new(file);
            let n = c.audit_export(&q, &mut w).await?;
            std::io::Write::flush(&mut w)
                .map_err(|e| CliError::io(format!("cannot write {}", a.out.display()), &e))?;
            if !json {
                output::print(&format!("{n} bytes written to {}\n", a.out.display()))?;
            }
            Ok(())
        }
        AuditCommand::Checkpoints => {
            let list = c.audit_checkpoints().await?;
            if json {
                return output::print(&output::json(serde_json::to_string_pretty(&list))?);
            }
            let mut t = Table::new(&["TREE SIZE", "SIGNED AT", "ROOT"]);
            for cp in &list.items {
                t.row(vec![
                    cp.tree_size.to_string(),
                    output::time(cp.at),
                    cp.root.clone(),
                ]);
            }
            output::print(&format!("public key {}\n{}", list.public_key, t.render()))
        }
    }
}
