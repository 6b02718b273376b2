//! `keyhaven backup create|verify|restore|keygen` (docs/BACKUP.md).
//!
//! The CLI prepares the protection itself: it derives the passphrase key, wraps to recipient
//! keys or splits into Shamir shares locally, and hands the server only the random file key.
//! Passphrases, private keys and shares never leave this process. `verify` runs locally
//! (no server); `restore` recovers the file key locally and sends it with the file.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use clap::{Args, Subcommand};
use keyhaven_client::proto::{BackupRequest, PartialRestoreResult, PreparedProtection};
use keyhaven_core::backup::{self as payload, BackupError, Snapshot};
use keyhaven_core::SecretBytes;
use keyhaven_crypto::backup::{
    self as file, protection_name, FileKey, Header, Protection, RecipientKey, RecipientPrivateKey,
    Unlock,
};
use keyhaven_crypto::Argon2Params;
use serde_json::json;

use super::error::CliError;
use super::input::write_output;
use super::output::{self, OutputFormat, Table};
use super::{secret, Context};

/// `keyhaven backup ...`.
#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Take a backup of the whole instance (while it serves) and write the encrypted file.
    Create(CreateArgs),
    /// Check a backup file's integrity and print what it holds (runs locally, no server).
    Verify(OpenArgs),
    /// Restore a backup into an empty instance (the server at KEYHAVEN_ADDR).
    Restore(OpenArgs),
    /// Make a recipient key pair for recipient-protected backups.
    Keygen(KeygenArgs),
}

/// `backup create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Where to write the backup file.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Protect with the passphrase in FILE (Argon2id; at least 12 characters).
    #[arg(long, value_name = "FILE", group = "protect")]
    pub passphrase_file: Option<PathBuf>,
    /// Protect for this recipient's public key (PEM: RSA-3072 or larger, or ML-KEM-768);
    /// repeat for several recipients, any one of whom can restore.
    #[arg(long = "recipient", value_name = "PUBLIC_KEY_FILE", group = "protect")]
    pub recipients: Vec<PathBuf>,
    /// Split the file key into this many Shamir shares (with --threshold), written to
    /// --shares-out.
    #[arg(long, value_name = "N", group = "protect", requires_all = ["threshold", "shares_out"])]
    pub shares: Option<u8>,
    /// Shares needed to restore (2..=--shares).
    #[arg(long, value_name = "M")]
    pub threshold: Option<u8>,
    /// Directory for the share files (`share-1.txt` ...), created if missing; hand one to
    /// each custodian and delete them here.
    #[arg(long, value_name = "DIR")]
    pub shares_out: Option<PathBuf>,
    /// Back up only this vault (its keys, templates, policy override, keystores).
    #[arg(long, value_name = "VAULT", conflicts_with = "keys")]
    pub vault: Option<String>,
    /// Back up only this key (id or VAULT/NAME); repeatable.
    #[arg(long = "key", value_name = "KEY")]
    pub keys: Vec<super::keyref::KeyRef>,
    /// Argon2id memory for --passphrase-file, KiB.
    #[arg(long, default_value_t = Argon2Params::default().memory_kib, hide = true)]
    pub argon2_memory_kib: u32,
}

/// `backup verify` / `backup restore`: the file and what opens it.
#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The backup file.
    pub file: PathBuf,
    /// The passphrase, from FILE.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// A recipient's private key (PEM) the backup was made for.
    #[arg(long, value_name = "PRIVATE_KEY_FILE")]
    pub recipient_key: Option<PathBuf>,
    /// A Shamir share file; repeat up to the threshold.
    #[arg(long = "share", value_name = "FILE")]
    pub shares: Vec<PathBuf>,
    /// (restore) Only this vault's keys, into the instance in use (partial restore); without
    /// it, a full restore into an empty instance.
    #[arg(long, value_name = "VAULT")]
    pub vault: Option<String>,
    /// (restore, with --vault) Only these keys: name in the backup's vault, or id; repeatable.
    #[arg(long = "key", value_name = "NAME_OR_ID", requires = "vault")]
    pub keys: Vec<String>,
}

/// `backup keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// `ml-kem-768` or `rsa-3072`.
    #[arg(long, default_value = "ml-kem-768")]
    pub algorithm: String,
    /// Writes NAME.key (private, 0600) and NAME.pub.
    #[arg(long, value_name = "NAME")]
    pub out: PathBuf,
}

/// A backup that does not open or check: exit 7, with the reason on stderr (the CLI prints
/// nothing else for exit 7).
fn failed(message: String) -> CliError {
    eprintln!("keyhaven: error: {message}");
    CliError::Invalid(message)
}

fn backup_err(e: BackupError) -> CliError {
    match e {
        BackupError::Invalid(m) => CliError::Usage(m),
        other => failed(other.to_string()),
    }
}

fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path)
        .map_err(|e| CliError::io(format!("cannot read {what} {}", path.display()), &e))
}

fn read_text(path: &Path, what: &str) -> Result<String, CliError> {
    String::from_utf8(read_file(path, what)?)
        .map_err(|_| CliError::Usage(format!("{what} {} is not text", path.display())))
}

/// Runs `keyhaven backup ...`; `verify` and `keygen` need no server.
pub async fn run(
    ctx: impl FnOnce() -> Result<Context, CliError>,
    cmd: BackupCommand,
    format: OutputFormat,
) -> Result<(), CliError> {
    match cmd {
        BackupCommand::Create(args) => create(&ctx()?, args).await,
        BackupCommand::Verify(args) => verify(args, format).await,
        BackupCommand::Restore(args) => restore(&ctx()?, args).await,
        BackupCommand::Keygen(args) => keygen(args),
    }
}

fn prepare(args: &CreateArgs) -> Result<(FileKey, Protection), CliError> {
    let key = FileKey::generate().map_err(backup_err)?;
    if let Some(path) = &args.passphrase_file {
        let pass = secret::require("passphrase", Some(path), None, "")?;
        if pass.len() < 12 {
            return Err(CliError::Usage(
                "a backup passphrase needs at least 12 characters".to_owned(),
            ));
        }
        let params = Argon2Params {
            memory_kib: args.argon2_memory_kib,
            ..Argon2Params::default()
        };
        let p = file::protect_passphrase(&key, pass.expose(), params).map_err(backup_err)?;
        return Ok((key, p));
    }
    if !args.recipients.is_empty() {
        let keys = args
            .recipients
            .iter()
            .map(|p| {
                RecipientKey::from_pem(&read_text(p, "recipient key")?)
                    .map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let p = file::protect_recipients(&key, &keys).map_err(backup_err)?;
        return Ok((key, p));
    }
    if let (Some(n), Some(m), Some(dir)) = (args.shares, args.threshold, &args.shares_out) {
        let (p, shares) = file::protect_shamir(&key, m, n).map_err(backup_err)?;
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::io(format!("cannot create {}", dir.display()), &e))?;
        for (i, s) in shares.iter().enumerate() {
            let mut text = s.expose().to_vec();
            text.push(b'\n');
            let text = SecretBytes::new(text);
            write_output(
                &dir.join(format!("share-{}.txt", i + 1)),
                text.expose(),
                true,
            )?;
        }
        eprintln!(
            "wrote {n} shares to {} ({m} restore): give one to each custodian and delete them here",
            dir.display()
        );
        return Ok((key, p));
    }
    Err(CliError::Usage(
        "choose the protection: --passphrase-file FILE, --recipient PUBLIC_KEY_FILE (repeatable), \
         or --shares N --threshold M --shares-out DIR"
            .to_owned(),
    ))
}

async fn create(ctx: &Context, args: CreateArgs) -> Result<(), CliError> {
    let (key, protection) = prepare(&args)?;
    let request = BackupRequest {
        prepared: Some(PreparedProtection {
            key: STANDARD.encode(key.expose()),
            protection: serde_json::to_value(&protection)
                .map_err(|e| CliError::Local(e.to_string()))?,
        }),
        vault: args.vault.clone(),
        ..BackupRequest::default()
    };
    let mut request = request;
    for k in &args.keys {
        request.keys.push(k.resolve(&ctx.client).await?);
    }
    // Written next to the target and renamed at the end: no half-written backup under the
    // final name.
    let partial = args.out.with_extension("partial");
    // Owner-only, like every file that holds key material (encrypted or not).
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = options
        .open(&partial)
        .map_err(|e| CliError::io(format!("cannot write {}", partial.display()), &e))?;
    // A progress line on a terminal (redrawn at most every 0.2 s), nothing in logs.
    let tty = std::io::stderr().is_terminal();
    let mut last = std::time::Instant::now();
    let result = ctx
        .client
        .create_backup(&request, &mut out, |n| {
            if tty && last.elapsed() >= std::time::Duration::from_millis(200) {
                last = std::time::Instant::now();
                eprint!(
                    "\rreceiving backup: {:.1} MiB",
                    n as f64 / (1024.0 * 1024.0)
                );
                let _ = std::io::stderr().flush();
            }
        })
        .await;
    if tty {
        eprint!("\r\x1b[2K");
    }
    let size = match result {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e.into());
        }
    };
    out.sync_all()
        .map_err(|e| CliError::io(format!("cannot write {}", partial.display()), &e))?;
    drop(out);
    // Read back and check before calling it done.
    let bytes = read_file(&partial, "backup")?;
    let check = file::parse(&bytes)
        .and_then(|p| p.open(&key))
        .and_then(|pl| payload::decode(&pl));
    let snapshot = match check {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(failed(format!("the backup received does not check: {e}")));
        }
    };
    std::fs::rename(&partial, &args.out)
        .map_err(|e| CliError::io(format!("cannot write {}", args.out.display()), &e))?;
    let counts = &snapshot.meta.counts;
    let text = format!(
        "backup written to {} ({size} bytes, {}): {} vaults, {} keys, {} key versions, {} audit records\n",
        args.out.display(),
        protection_name(&protection),
        counts.get("vaults").copied().unwrap_or(0),
        counts.get("keys").copied().unwrap_or(0),
        counts.get("key_versions").copied().unwrap_or(0),
        snapshot.meta.audit_records,
    );
    match ctx.output {
        OutputFormat::Json => output::print(&output::json(serde_json::to_string_pretty(&json!({
            "file": args.out,
            "bytes": size,
            "protection": protection_name(&protection),
            "created_at": snapshot.meta.created_at.to_string(),
            "counts": counts,
        })))?),
        OutputFormat::Table => output::print(&text),
    }
}

/// Reads and decrypts `args.file`: the header, the file key and the snapshot.
fn open(args: &OpenArgs) -> Result<(Header, FileKey, Snapshot), CliError> {
    let bytes = read_file(&args.file, "backup")?;
    let parsed = file::parse(&bytes).map_err(backup_err)?;
    let given = usize::from(args.passphrase_file.is_some())
        + usize::from(args.recipient_key.is_some())
        + usize::from(!args.shares.is_empty());
    if given != 1 {
        return Err(CliError::Usage(format!(
            "this backup is protected by {}: give {}",
            protection_name(&parsed.header.protection),
            match parsed.header.protection {
                Protection::Passphrase { .. } => "--passphrase-file FILE",
                Protection::Recipients { .. } => "--recipient-key PRIVATE_KEY_FILE",
                Protection::Shamir { threshold, .. } =>
                    if threshold == 2 {
                        "--share FILE twice"
                    } else {
                        "--share FILE, once per share"
                    },
            }
        )));
    }
    let key = if let Some(path) = &args.passphrase_file {
        let pass = secret::require("passphrase", Some(path), None, "")?;
        file::open_key(&parsed.header, &Unlock::Passphrase(pass.expose()))
    } else if let Some(path) = &args.recipient_key {
        let text = zeroize::Zeroizing::new(read_text(path, "recipient key")?);
        let k = RecipientPrivateKey::from_pem(&text)
            .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
        file::open_key(&parsed.header, &Unlock::Recipient(&k))
    } else {
        let texts = args
            .shares
            .iter()
            .map(|p| read_text(p, "share"))
            .collect::<Result<Vec<_>, _>>()?;
        let texts = zeroize::Zeroizing::new(texts);
        file::open_key(&parsed.header, &Unlock::Shares(&texts))
    }
    .map_err(backup_err)?;
    let plain = parsed.open(&key).map_err(backup_err)?;
    let snapshot = payload::decode(&plain).map_err(backup_err)?;
    Ok((parsed.header, key, snapshot))
}

/// Verifies the audit log inside a whole-instance backup: loaded into a scratch database
/// ([`keyhaven_store::ScratchStore`]) and checked like `audit verify`
/// (records, Merkle roots, checkpoint signatures under the source's audit key).
async fn verify_audit(
    s: &Snapshot,
) -> Result<Option<keyhaven_client::proto::AuditVerifyReport>, CliError> {
    if s.meta.scope != "instance" {
        return Ok(None);
    }
    let key = keyhaven_core::hex::decode(&s.meta.source_instance)
        .ok_or_else(|| failed("the backup's source instance key is not hex".to_owned()))?;
    let scratch = keyhaven_store::ScratchStore::new("verify")
        .await
        .map_err(|e| CliError::Local(format!("scratch database: {e}")))?;
    let result = match scratch.store().load_snapshot(&s.tables).await {
        Ok(()) => super::audit::verify_store(scratch.store(), Some(&key)).await,
        Err(e) => Err(failed(format!("the backup's tables do not load: {e}"))),
    };
    scratch.close().await;
    result.map(Some)
}

async fn verify(args: OpenArgs, format: OutputFormat) -> Result<(), CliError> {
    let (header, _, s) = open(&args)?;
    let audit = verify_audit(&s).await?;
    let audit_ok = audit.as_ref().is_none_or(|a| a.ok);
    match format {
        OutputFormat::Json => {
            output::print(&output::json(serde_json::to_string_pretty(&json!({
                "ok": audit_ok,
                "format_version": file::FORMAT_VERSION,
                "protection": protection_name(&header.protection),
                "created_at": header.created_at,
                "source_instance": s.meta.source_instance,
                "source_node": s.meta.source_node,
                "keyhaven_version": s.meta.keyhaven_version,
                "scope": s.meta.scope,
                "audit_records": s.meta.audit_records,
                "audit": audit,
                "carries_system_secret": !s.secrets.system_secret.is_empty(),
                "vault_keys": s.secrets.keks.len(),
                "counts": s.meta.counts,
            })))?)?
        }
        OutputFormat::Table => {
            let mut t = Table::new(&["TABLE", "ROWS"]);
            for (name, n) in &s.meta.counts {
                t.row(vec![name.clone(), n.to_string()]);
            }
            let audit_line = match &audit {
                None => "no audit log (a scoped backup)".to_owned(),
                Some(a) if a.ok => format!(
                    "audit log verifies: {} records, {} signed checkpoints, root {}",
                    a.records, a.checkpoints, a.root
                ),
                Some(a) => format!(
                    "audit log DOES NOT VERIFY: {}",
                    a.findings
                        .iter()
                        .map(|f| format!("record {}: {}", f.seq, f.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            };
            let mut text = format!(
                "backup {}: {} (every chunk authenticated, contents consistent)\n\
                 format {}, protection {}, taken {} by node {} (keyhaven {})\n\
                 source instance {}\nscope {}, {} audit records\n{audit_line}\n\n",
                args.file.display(),
                if audit_ok { "intact" } else { "DAMAGED" },
                file::FORMAT_VERSION,
                protection_name(&header.protection),
                header.created_at,
                s.meta.source_node,
                s.meta.keyhaven_version,
                s.meta.source_instance,
                s.meta.scope,
                s.meta.audit_records,
            );
            text.push_str(&t.render());
            output::print(&text)?;
        }
    }
    if audit_ok {
        Ok(())
    } else {
        Err(CliError::Invalid(
            "the audit log in the backup does not verify".to_owned(),
        ))
    }
}

/// The ids of `names` (names in `vault` of the backup, or ids) from the decoded backup.
fn key_ids(s: &Snapshot, vault: &str, names: &[String]) -> Result<Vec<uuid::Uuid>, CliError> {
    let cell = |t: &payload::TableDump, row: &[payload::Cell], col: &str| -> Option<String> {
        let i = t.columns.iter().position(|c| c.name == col)?;
        match row.get(i)? {
            payload::Cell::Text(Some(v)) => Some(v.clone()),
            _ => None,
        }
    };
    let vault_id = s
        .table("vaults")
        .and_then(|t| {
            t.rows
                .iter()
                .find(|r| cell(t, r, "name").as_deref() == Some(vault))
                .and_then(|r| cell(t, r, "id"))
        })
        .ok_or_else(|| CliError::Usage(format!("the backup holds no vault {vault}")))?;
    let mut out = Vec::new();
    for n in names {
        if let Ok(id) = n.parse::<uuid::Uuid>() {
            out.push(id);
            continue;
        }
        let found = s.table("keys").and_then(|t| {
            t.rows
                .iter()
                .find(|r| {
                    cell(t, r, "name").as_deref() == Some(n.as_str())
                        && cell(t, r, "vault_id").as_deref() == Some(vault_id.as_str())
                })
                .and_then(|r| cell(t, r, "id"))
        });
        let id = found
            .and_then(|id| id.parse::<uuid::Uuid>().ok())
            .ok_or_else(|| CliError::Usage(format!("the backup's vault {vault} has no key {n}")))?;
        out.push(id);
    }
    Ok(out)
}

fn print_partial(format: OutputFormat, r: &PartialRestoreResult) -> Result<(), CliError> {
    if format == OutputFormat::Json {
        return output::print(&output::json(serde_json::to_string_pretty(r))?);
    }
    let mut t = Table::new(&["KEY", "ID", "RESULT"]);
    for k in &r.restored {
        t.row(vec![
            k.name.clone(),
            k.id.to_string(),
            "restored".to_owned(),
        ]);
    }
    for k in &r.conflicts {
        t.row(vec![
            k.name.clone(),
            k.id.to_string(),
            format!("conflict: {}", k.reason),
        ]);
    }
    for k in &r.not_resurrected {
        t.row(vec![
            k.name.clone(),
            k.id.to_string(),
            format!("not resurrected: {}", k.reason),
        ]);
    }
    for id in &r.not_in_backup {
        t.row(vec![
            String::new(),
            id.to_string(),
            "not in the backup".to_owned(),
        ]);
    }
    let mut text = format!(
        "vault {}{}: {} restored, {} conflicts, {} not resurrected\n\n",
        r.vault,
        if r.vault_created { " (created)" } else { "" },
        r.restored.len(),
        r.conflicts.len(),
        r.not_resurrected.len()
    );
    text.push_str(&t.render());
    output::print(&text)
}

async fn restore(ctx: &Context, args: OpenArgs) -> Result<(), CliError> {
    // Opened and checked here first: a wrong key or a damaged file fails before the server
    // is asked to change anything.
    let (_, key, snapshot) = open(&args)?;
    let bytes = read_file(&args.file, "backup")?;
    eprintln!(
        "restoring {} ({} bytes)...",
        args.file.display(),
        bytes.len()
    );
    let key_b64 = zeroize::Zeroizing::new(STANDARD.encode(key.expose()));
    if let Some(vault) = &args.vault {
        let ids = key_ids(&snapshot, vault, &args.keys)?;
        drop(snapshot);
        let r = ctx
            .client
            .restore_backup_partial(bytes, &key_b64, vault, &ids)
            .await?;
        return print_partial(ctx.output, &r);
    }
    drop(snapshot);
    let r = ctx.client.restore_backup(bytes, &key_b64).await?;
    match ctx.output {
        OutputFormat::Json => output::print(&output::json(serde_json::to_string_pretty(&r))?),
        OutputFormat::Table => {
            let mut t = Table::new(&["TABLE", "ROWS RESTORED"]);
            for (name, n) in &r.counts {
                t.row(vec![name.clone(), n.to_string()]);
            }
            let mut text = format!(
                "restored the backup of instance {} taken {}; {} vault keys re-wrapped under \
                 this instance's root key; {} earlier audit records of this instance replaced\n\n",
                r.source_instance,
                r.backup_created_at,
                r.vaults_rewrapped,
                r.replaced_audit_records
            );
            text.push_str(&t.render());
            text.push_str(
                "\nprincipals and tokens are now the backup's: use a token of the backed-up \
                 instance from here on\n",
            );
            output::print(&text)
        }
    }
}

fn keygen(args: KeygenArgs) -> Result<(), CliError> {
    let rsa = match args.algorithm.as_str() {
        "rsa-3072" => true,
        "ml-kem-768" => false,
        other => {
            return Err(CliError::Usage(format!(
                "unknown algorithm {other:?}: ml-kem-768 or rsa-3072"
            )))
        }
    };
    let (private, public) = RecipientPrivateKey::generate(rsa).map_err(backup_err)?;
    let key_path = args.out.with_extension("key");
    let pub_path = args.out.with_extension("pub");
    write_output(&key_path, private.expose(), true)?;
    write_output(&pub_path, public.as_bytes(), false)?;
    output::print(&format!(
        "wrote {} (private: keep it offline) and {} (public: give it to `backup create \
         --recipient`)\n",
        key_path.display(),
        pub_path.display()
    ))
}
