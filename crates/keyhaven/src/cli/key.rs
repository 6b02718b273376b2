//! `keyhaven key ...`: key metadata and lifecycle.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use clap::{Args, Subcommand};
use keyhaven_client::proto::{CreateKey, Key, KeyList, StateChange, UpdateKey};
use keyhaven_client::{KeyAction, KeyQuery};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::error::CliError;
use super::input;
use super::keyref::KeyRef;
use super::output::{self, OutputFormat};
use super::template::{ApplyTemplateArgs, NewKeyName, ScheduleArgs};
use super::Context;

/// Most pages `key list --all` reads (a safety stop, far above any real deployment).
const MAX_LIST_PAGES: usize = 100_000;

/// Key commands.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create (generate or import) a key.
    Create(CreateArgs),
    /// List keys, filtered; one page unless --all.
    List(ListArgs),
    /// Show a key's metadata.
    Show(KeyArg),
    /// Change a key's name, description, tags or dates.
    Update(UpdateArgs),
    /// Show a key's lifecycle history.
    History(KeyArg),
    /// List a key's versions.
    Versions(KeyArg),
    /// pre-active -> active.
    Activate(StateArgs),
    /// active -> deactivated: stops protecting new data; existing data can still be processed.
    Deactivate(StateArgs),
    /// deactivated -> active.
    Reactivate(StateArgs),
    /// Create a new primary version.
    Rotate(StateArgs),
    /// Mark the key compromised.
    Compromise(StateArgs),
    /// Destroy the key's material (after the vault's pending-destruction period).
    Destroy(StateArgs),
    /// Cancel a pending destruction.
    CancelDestroy(StateArgs),
    /// Delete a destroyed key's record for good.
    Purge(KeyArg),
    /// Print the public key (PEM) of an asymmetric key.
    PublicKey(PublicKeyArgs),
    /// Export an exportable key: wrapped for an RSA public key (importable into another
    /// instance), encrypted under another key, or in plaintext where the vault allows it.
    Export(ExportArgs),
    /// Bring a key in line with a template: usage, tags, cryptoperiod and rotation (never
    /// the algorithm).
    ApplyTemplate(ApplyTemplateArgs),
    /// Show (or save) the vault's import public key, to wrap key material for (docs/IMPORT.md).
    ImportKey(super::import::ImportKeyArgs),
    /// Import existing key material, wrapped for the vault's import key or plain.
    Import(super::import::ImportArgs),
    /// Show where the key is distributed (external keystores) and whether each copy is in sync.
    Keystores(KeyArg),
    /// Distribute the key to a keystore of its vault (an active key is created there at once).
    Distribute(super::distribution::DistributeArgs),
    /// Re-apply the key's state in every keystore now; exits 7 if any stays out of sync.
    Sync(KeyArg),
}

/// A key reference.
#[derive(Debug, Args)]
pub struct KeyArg {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
}

/// Lifecycle actions.
#[derive(Debug, Args)]
pub struct StateArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    /// Why (recorded in the key's history).
    #[arg(long)]
    pub reason: Option<String>,
}

/// `key public-key`.
#[derive(Debug, Args)]
pub struct PublicKeyArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    /// Write the PEM to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `key export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    /// Wrap for this RSA public key (PEM file), e.g. another vault's import key
    /// (`key import-key VAULT --out FILE` there).
    #[arg(long, value_name = "PUBLIC_KEY_FILE", group = "how")]
    pub wrap_for: Option<PathBuf>,
    /// Encrypt under this keyhaven key (id or VAULT/NAME).
    #[arg(long, value_name = "KEY", group = "how")]
    pub wrap_with: Option<KeyRef>,
    /// In plaintext (only where the vault's policy sets allow_plaintext_export).
    #[arg(long, group = "how")]
    pub plaintext: bool,
    /// Write the exported bytes to FILE (0600) instead of printing base64.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `key create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// VAULT/NAME of the new key (the name may contain `/`); just VAULT when --template
    /// names the key with its naming scheme.
    pub key: NewKeyName,
    /// Algorithm, e.g. aes-256, hmac-sha256, ec-p256, ed25519, rsa-3072, ml-dsa-65, ml-kem-768
    /// (with --template: the template's).
    #[arg(long, short = 'a', required_unless_present = "template")]
    pub algorithm: Option<String>,
    /// Permitted uses, comma-separated (default depends on the algorithm).
    #[arg(long, value_delimiter = ',')]
    pub usage: Vec<String>,
    /// Let the key leave keyhaven later (`key export`); fixed at creation. Without it the
    /// material never leaves, whatever the role.
    #[arg(long)]
    pub exportable: bool,
    /// Create the key active (same as --initial-state active).
    #[arg(long, conflicts_with = "initial_state")]
    pub active: bool,
    /// Initial state: pre-active (server default) or active.
    #[arg(long, value_name = "STATE")]
    pub initial_state: Option<String>,
    /// Free-text description.
    #[arg(long)]
    pub description: Option<String>,
    /// Tag KEY=VALUE (repeatable).
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag)]
    pub tags: Vec<(String, String)>,
    #[command(flatten)]
    pub dates: DateArgs,
    /// Import this material instead of generating: raw bytes (AES, HMAC), PKCS#8 DER or PEM
    /// (RSA, EC, Ed25519), FIPS 203/204 private key (ML-KEM, ML-DSA). `-` reads stdin.
    #[arg(long = "import", value_name = "FILE")]
    pub import: Option<PathBuf>,
    /// Create the key from this template of the vault: its algorithm, usage, initial state,
    /// activation delay, cryptoperiod, rotation and tags.
    #[arg(long, value_name = "NAME", conflicts_with_all = [
        "usage", "active", "initial_state", "import", "activation_date", "deactivation_date",
        "protect_stop_date", "process_start_date", "cryptoperiod", "rotation_interval",
        "rotate_before", "use_limit",
    ])]
    pub template: Option<String>,
    /// A value for the template's naming scheme: VAR=VALUE fills `{VAR}` (repeatable).
    #[arg(long = "var", value_name = "VAR=VALUE", value_parser = parse_tag, requires = "template")]
    pub vars: Vec<(String, String)>,
    /// Distribute the key to this keystore of the vault (repeatable); see `keyhaven keystore`.
    #[arg(long = "keystore", value_name = "NAME")]
    pub keystores: Vec<String>,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
}

/// The four usage-period dates (RFC 3339, or `now`).
#[derive(Debug, Args, Default)]
pub struct DateArgs {
    /// When the key becomes active (RFC 3339 or `now`).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub activation_date: Option<OffsetDateTime>,
    /// End of the originator-usage period (RFC 3339 or `now`).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub deactivation_date: Option<OffsetDateTime>,
    /// After this time the key no longer protects data (RFC 3339 or `now`).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub protect_stop_date: Option<OffsetDateTime>,
    /// Before this time the key does not process protected data (RFC 3339 or `now`).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub process_start_date: Option<OffsetDateTime>,
}

/// `key update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    /// New name (unique in the vault).
    #[arg(long)]
    pub name: Option<String>,
    /// New description (`""` clears it).
    #[arg(long)]
    pub description: Option<String>,
    /// Replace all tags with these KEY=VALUE tags (repeatable).
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag)]
    pub tags: Vec<(String, String)>,
    /// Remove all tags.
    #[arg(long, conflicts_with = "tags")]
    pub clear_tags: bool,
    #[command(flatten)]
    pub dates: DateArgs,
}

/// `key list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only keys in this vault.
    #[arg(long)]
    pub vault: Option<String>,
    /// Only keys in this state (pre-active, active, deactivated, compromised, destroyed,
    /// destroyed-compromised).
    #[arg(long)]
    pub state: Option<String>,
    /// Only keys of this algorithm.
    #[arg(long, short = 'a')]
    pub algorithm: Option<String>,
    /// Only keys whose name starts with PREFIX.
    #[arg(long, value_name = "PREFIX")]
    pub name_prefix: Option<String>,
    /// Only keys with this tag: KEY or KEY=VALUE.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only keys created at or after TIME (RFC 3339).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub created_after: Option<OffsetDateTime>,
    /// Only keys created before TIME (RFC 3339).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub created_before: Option<OffsetDateTime>,
    /// Include destroyed keys.
    #[arg(long)]
    pub include_destroyed: bool,
    /// Only keys that some external keystore holds out of sync.
    #[arg(long)]
    pub out_of_sync: bool,
    /// Page size.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    /// Start after this cursor (`next_cursor` of the previous page).
    #[arg(long, conflicts_with = "all")]
    pub cursor: Option<String>,
    /// Follow the cursor through every page.
    #[arg(long)]
    pub all: bool,
}

/// Runs a key command.
pub async fn run(ctx: &Context, cmd: KeyCommand) -> Result<(), CliError> {
    let client = &ctx.client;
    match cmd {
        KeyCommand::Create(args) => {
            let request = args.into_request()?;
            let key = client.create_key(&request).await?;
            print_key(ctx.output, &key)
        }
        KeyCommand::List(args) => list(ctx, args).await,
        KeyCommand::ImportKey(args) => super::import::import_key(ctx, args).await,
        KeyCommand::Import(args) => super::import::import(ctx, args).await,
        KeyCommand::Keystores(args) => super::distribution::key_keystores(ctx, &args.key).await,
        KeyCommand::Distribute(args) => super::distribution::distribute(ctx, args).await,
        KeyCommand::Sync(args) => super::distribution::sync(ctx, &args.key).await,
        KeyCommand::Show(args) => {
            let id = args.key.resolve(client).await?;
            print_key(ctx.output, &client.get_key(id).await?)
        }
        KeyCommand::Update(args) => {
            let id = args.key.resolve(client).await?;
            let request = args.into_request()?;
            print_key(ctx.output, &client.update_key(id, &request).await?)
        }
        KeyCommand::History(args) => {
            let id = args.key.resolve(client).await?;
            let history = client.key_history(id).await?;
            output::print(&match ctx.output {
                OutputFormat::Json => output::json(serde_json::to_string_pretty(&history))?,
                OutputFormat::Table => output::history_table(&history),
            })
        }
        KeyCommand::Versions(args) => {
            let id = args.key.resolve(client).await?;
            let versions = client.key_versions(id).await?;
            output::print(&match ctx.output {
                OutputFormat::Json => output::json(serde_json::to_string_pretty(&versions))?,
                OutputFormat::Table => output::version_table(&versions),
            })
        }
        KeyCommand::Activate(args) => change(ctx, KeyAction::Activate, args).await,
        KeyCommand::Deactivate(args) => change(ctx, KeyAction::Deactivate, args).await,
        KeyCommand::Reactivate(args) => change(ctx, KeyAction::Reactivate, args).await,
        KeyCommand::Rotate(args) => change(ctx, KeyAction::Rotate, args).await,
        KeyCommand::Compromise(args) => change(ctx, KeyAction::Compromise, args).await,
        KeyCommand::Destroy(args) => change(ctx, KeyAction::Destroy, args).await,
        KeyCommand::CancelDestroy(args) => change(ctx, KeyAction::CancelDestroy, args).await,
        KeyCommand::Purge(args) => {
            let id = args.key.resolve(client).await?;
            client.purge_key(id).await?;
            if ctx.output == OutputFormat::Table {
                output::print(&format!("key {id} purged\n"))?;
            }
            Ok(())
        }
        KeyCommand::ApplyTemplate(args) => {
            print_key(ctx.output, &super::template::apply(ctx, args).await?)
        }
        KeyCommand::Export(args) => {
            let id = args.key.resolve(client).await?;
            let mut request = keyhaven_client::proto::ExportKeyRequest {
                plaintext: args.plaintext,
                ..Default::default()
            };
            if let Some(path) = &args.wrap_for {
                let pem = std::fs::read_to_string(path)
                    .map_err(|e| CliError::io(format!("cannot read {}", path.display()), &e))?;
                request.wrap_for = Some(pem);
            }
            if let Some(k) = &args.wrap_with {
                request.wrap_with = Some(k.resolve(client).await?);
            }
            if request.wrap_for.is_none() && request.wrap_with.is_none() && !request.plaintext {
                return Err(CliError::Usage(
                    "choose how the key leaves: --wrap-for PUBLIC_KEY_FILE, --wrap-with KEY or \
                     --plaintext"
                        .to_owned(),
                ));
            }
            let exported = client.export_key(id, &request).await?;
            if let Some(path) = &args.out {
                let bytes =
                    zeroize::Zeroizing::new(input::decode_b64(&exported.material, "material")?);
                input::write_output(path, &bytes, true)?;
                return output::print(&format!(
                    "key {} version {} exported ({}, {} material) to {}\n",
                    exported.key_id,
                    exported.version,
                    exported.format,
                    exported.material_encoding,
                    path.display()
                ));
            }
            if ctx.output == OutputFormat::Json {
                return output::print(&output::json(serde_json::to_string_pretty(&exported))?);
            }
            output::print(&format!("{}\n", exported.material))
        }
        KeyCommand::PublicKey(args) => {
            let id = args.key.resolve(client).await?;
            let public = client.public_key(id).await?;
            if ctx.output == OutputFormat::Json {
                return output::print(&output::json(serde_json::to_string_pretty(&public))?);
            }
            let mut pem = public.pem;
            if !pem.ends_with('\n') {
                pem.push('\n');
            }
            match &args.out {
                Some(path) => input::write_output(path, pem.as_bytes(), false),
                None => output::print(&output::sanitize_multiline(&pem)),
            }
        }
    }
}

async fn change(ctx: &Context, action: KeyAction, args: StateArgs) -> Result<(), CliError> {
    let id = args.key.resolve(&ctx.client).await?;
    let request = StateChange {
        reason: args.reason,
    };
    let key = ctx.client.change_state(id, action, &request).await?;
    output::print(&match ctx.output {
        OutputFormat::Json => output::json(serde_json::to_string_pretty(&key))?,
        OutputFormat::Table => state_summary(action, &key),
    })
}

/// One human line (two for a scheduled destruction) saying what the action did.
fn state_summary(action: KeyAction, key: &Key) -> String {
    let who = output::sanitize(&format!("{}/{}", key.vault, key.name));
    let mut text = match action {
        KeyAction::Rotate => format!(
            "key {who} ({}) rotated: primary version is now {}\n",
            key.id, key.primary_version
        ),
        KeyAction::CancelDestroy => format!(
            "key {who} ({}): destruction cancelled; the key stays {}\n",
            key.id,
            output::sanitize(&key.state)
        ),
        KeyAction::Destroy if key.destroy_at.is_some() => format!(
            "key {who} ({}): destruction scheduled; the key stays {} until then\n",
            key.id,
            output::sanitize(&key.state)
        ),
        _ => format!(
            "key {who} ({}) is now {}\n",
            key.id,
            output::sanitize(&key.state)
        ),
    };
    if let Some(at) = key.destroy_at {
        text.push_str(&format!(
            "material will be destroyed at {} (undo with `keyhaven key cancel-destroy {}`)\n",
            output::time(at),
            key.id
        ));
    }
    text
}

async fn list(ctx: &Context, args: ListArgs) -> Result<(), CliError> {
    let mut query = args.query();
    let mut all = KeyList {
        items: Vec::new(),
        next_cursor: None,
        integrity_errors: Vec::new(),
    };
    for _ in 0..MAX_LIST_PAGES {
        let page = ctx.client.list_keys(&query).await?;
        let empty = page.items.is_empty();
        all.items.extend(page.items);
        all.next_cursor = page.next_cursor;
        match &all.next_cursor {
            Some(cursor) if args.all && !empty && query.cursor.as_ref() != Some(cursor) => {
                query.cursor = Some(cursor.clone());
            }
            _ => break,
        }
    }
    if args.all {
        all.next_cursor = None;
    }
    match ctx.output {
        OutputFormat::Json => output::print(&output::json(serde_json::to_string_pretty(&all))?),
        OutputFormat::Table => {
            output::print(&output::key_table(&all))?;
            if let Some(cursor) = &all.next_cursor {
                let mut stderr = std::io::stderr().lock();
                let _ = writeln!(
                    stderr,
                    "more keys: add --cursor {} (or --all)",
                    output::sanitize(cursor)
                );
            }
            Ok(())
        }
    }
}

fn print_key(format: OutputFormat, key: &Key) -> Result<(), CliError> {
    output::print(&match format {
        OutputFormat::Json => output::json(serde_json::to_string_pretty(key))?,
        OutputFormat::Table => output::key_fields(key),
    })
}

impl CreateArgs {
    fn into_request(self) -> Result<CreateKey, CliError> {
        let import_material = match &self.import {
            Some(path) => {
                let bytes = read_key_material(path)?;
                Some(B64.encode(bytes))
            }
            None => None,
        };
        let initial_state = if self.active {
            Some("active".to_owned())
        } else {
            self.initial_state
        };
        if self.key.name.is_empty() && self.template.is_none() {
            return Err(CliError::Usage(format!(
                "`{}` names no key: give VAULT/NAME (only --template with a naming scheme \
                 names keys itself)",
                self.key
            )));
        }
        Ok(CreateKey {
            vault: self.key.vault,
            name: self.key.name,
            algorithm: self.algorithm.unwrap_or_default(),
            template: self.template,
            template_vars: (!self.vars.is_empty()).then(|| self.vars.into_iter().collect()),
            keystores: self.keystores,
            cryptoperiod_seconds: self.schedule.cryptoperiod,
            rotation_interval_seconds: self.schedule.rotation_interval,
            rotate_before_seconds: self.schedule.rotate_before,
            use_limit: self.schedule.use_limit,
            usage: (!self.usage.is_empty()).then_some(self.usage),
            initial_state,
            description: self.description,
            tags: (!self.tags.is_empty()).then(|| self.tags.into_iter().collect()),
            activation_date: self.dates.activation_date,
            deactivation_date: self.dates.deactivation_date,
            protect_stop_date: self.dates.protect_stop_date,
            process_start_date: self.dates.process_start_date,
            import_material,
            exportable: self.exportable,
        })
    }
}

impl UpdateArgs {
    fn into_request(self) -> Result<UpdateKey, CliError> {
        let tags = if self.clear_tags {
            Some(BTreeMap::new())
        } else if self.tags.is_empty() {
            None
        } else {
            Some(self.tags.into_iter().collect())
        };
        let request = UpdateKey {
            name: self.name,
            description: self.description,
            tags,
            activation_date: self.dates.activation_date,
            deactivation_date: self.dates.deactivation_date,
            protect_stop_date: self.dates.protect_stop_date,
            process_start_date: self.dates.process_start_date,
        };
        let nothing = request.name.is_none()
            && request.description.is_none()
            && request.tags.is_none()
            && request.activation_date.is_none()
            && request.deactivation_date.is_none()
            && request.protect_stop_date.is_none()
            && request.process_start_date.is_none();
        if nothing {
            return Err(CliError::Usage(
                "nothing to change: give --name, --description, --tag, --clear-tags or a date"
                    .to_owned(),
            ));
        }
        Ok(request)
    }
}

impl ListArgs {
    fn query(&self) -> KeyQuery {
        KeyQuery {
            vault: self.vault.clone(),
            state: self.state.clone(),
            algorithm: self.algorithm.clone(),
            name_prefix: self.name_prefix.clone(),
            tag: self.tag.clone(),
            created_after: self.created_after.map(output::time),
            created_before: self.created_before.map(output::time),
            include_destroyed: self.include_destroyed,
            out_of_sync: self.out_of_sync.then_some(true),
            limit: self.limit,
            cursor: self.cursor.clone(),
        }
    }
}

/// Reads key material to import; a PEM file is decoded to its DER body.
fn read_key_material(path: &std::path::Path) -> Result<Vec<u8>, CliError> {
    let input = input::DataInput {
        input: Some(path.to_path_buf()),
        ..input::DataInput::default()
    };
    let bytes = input.read()?;
    match pem_body(&bytes) {
        Some(body) => input::decode_b64(&body, "the PEM body of the imported key"),
        None => Ok(bytes),
    }
}

/// The base64 body of the first PEM block (after any `EC PARAMETERS`), if `bytes` is PEM.
fn pem_body(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.lines().map(str::trim).skip_while(|l| l.is_empty());
    let first = lines.next()?;
    if !first.starts_with("-----BEGIN ") {
        return None;
    }
    // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key: skip it.
    let mut lines = std::iter::once(first)
        .chain(lines)
        .skip_while(|l| !l.starts_with("-----BEGIN ") || l.starts_with("-----BEGIN EC PARAMETERS"));
    lines.next()?;
    let body: String = lines
        .take_while(|l| !l.starts_with("-----END "))
        .filter(|l| !l.contains(':'))
        .collect();
    Some(body)
}

/// `KEY=VALUE` (`KEY=` for an empty value).
pub fn parse_tag(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("`{s}` is not KEY=VALUE")),
    }
}

/// RFC 3339 time, or `now`.
pub fn parse_time(s: &str) -> Result<OffsetDateTime, String> {
    if s.eq_ignore_ascii_case("now") {
        return Ok(OffsetDateTime::now_utc());
    }
    OffsetDateTime::parse(s, &Rfc3339)
        .map_err(|e| format!("`{s}` is not an RFC 3339 time like 2030-01-31T12:00:00Z ({e})"))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
pub(crate) mod tests {
    use clap::Parser;
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;
    use crate::cli::{Cli, Command};

    /// Parses `keyhaven key ARGS...` (shared with the other `key` verbs' tests).
    pub(crate) fn key(args: &[&str]) -> Result<KeyCommand, clap::Error> {
        let cli = Cli::try_parse_from(["keyhaven", "key"].iter().chain(args))?;
        match cli.command {
            Command::Key(cmd) => Ok(cmd),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn create_builds_the_request() {
        let cmd = key(&[
            "create",
            "prod/app/db",
            "--algorithm",
            "aes-256",
            "--usage",
            "encrypt,decrypt",
            "--active",
            "--tag",
            "team=pay",
            "--tag",
            "env=",
            "--description",
            "db key",
            "--deactivation-date",
            "2030-01-31T12:00:00Z",
        ])
        .unwrap();
        let KeyCommand::Create(args) = cmd else {
            panic!("not create");
        };
        let request = args.into_request().unwrap();
        assert_eq!(request.vault, "prod");
        assert_eq!(request.name, "app/db");
        assert_eq!(request.algorithm, "aes-256");
        assert_eq!(
            request.usage,
            Some(vec!["encrypt".to_owned(), "decrypt".to_owned()])
        );
        assert_eq!(request.initial_state.as_deref(), Some("active"));
        let tags = request.tags.unwrap();
        assert_eq!(tags.get("team").map(String::as_str), Some("pay"));
        assert_eq!(tags.get("env").map(String::as_str), Some(""));
        assert_eq!(
            request.deactivation_date,
            Some(datetime!(2030-01-31 12:00:00 UTC))
        );
        assert_eq!(request.import_material, None);
    }

    #[test]
    fn create_defaults_leave_choices_to_the_server() {
        let KeyCommand::Create(args) = key(&["create", "v/k", "-a", "ec-p256"]).unwrap() else {
            panic!("not create");
        };
        let request = args.into_request().unwrap();
        assert_eq!(request.usage, None);
        assert_eq!(request.initial_state, None);
        assert_eq!(request.tags, None);
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"vault": "v", "name": "k", "algorithm": "ec-p256"})
        );
    }

    #[test]
    fn create_rejects_bad_arguments() {
        let KeyCommand::Create(args) = key(&["create", "no-slash", "-a", "aes-256"]).unwrap()
        else {
            panic!("not create");
        };
        assert_eq!(
            args.into_request().unwrap_err().exit_code(),
            2,
            "no key name"
        );
        for args in [
            &["create", "v/k"][..],
            &["create", "v/k", "-a", "aes-256", "--tag", "novalue"],
            &[
                "create",
                "v/k",
                "-a",
                "aes-256",
                "--activation-date",
                "tomorrow",
            ],
            &[
                "create",
                "v/k",
                "-a",
                "aes-256",
                "--active",
                "--initial-state",
                "active",
            ],
        ] {
            assert_eq!(key(args).unwrap_err().exit_code(), 2, "{args:?}");
        }
    }

    #[test]
    fn create_from_a_template() {
        let KeyCommand::Create(args) = key(&[
            "create",
            "pay",
            "--template",
            "web",
            "--var",
            "app=payments",
        ])
        .unwrap() else {
            panic!("not create");
        };
        let request = args.into_request().unwrap();
        assert_eq!((request.vault.as_str(), request.name.as_str()), ("pay", ""));
        assert_eq!(request.template.as_deref(), Some("web"));
        let vars = request.template_vars.unwrap();
        assert_eq!(vars.get("app").map(String::as_str), Some("payments"));
        assert!(request.algorithm.is_empty());
        assert!(key(&["create", "pay/k", "--template", "web", "--active"]).is_err());
        assert!(key(&["create", "pay/k", "-a", "aes-256", "--var", "a=b"]).is_err());
        let KeyCommand::Create(args) = key(&[
            "create",
            "pay/k",
            "-a",
            "aes-256",
            "--cryptoperiod",
            "1y",
            "--rotate-before",
            "30d",
        ])
        .unwrap() else {
            panic!("not create");
        };
        let request = args.into_request().unwrap();
        assert_eq!(request.cryptoperiod_seconds, Some(365 * 86_400));
        assert_eq!(request.rotate_before_seconds, Some(30 * 86_400));
        assert!(matches!(
            key(&["apply-template", "pay/k", "--template", "web"]).unwrap(),
            KeyCommand::ApplyTemplate(_)
        ));
    }

    #[test]
    fn import_reads_pem_or_raw_files() {
        let dir = tempfile::tempdir().unwrap();
        let pem = dir.path().join("k.pem");
        std::fs::write(
            &pem,
            "\n-----BEGIN PRIVATE KEY-----\naGVs\nbG8=\n-----END PRIVATE KEY-----\n",
        )
        .unwrap();
        assert_eq!(read_key_material(&pem).unwrap(), b"hello");
        let raw = dir.path().join("k.bin");
        std::fs::write(&raw, [1u8, 2, 3]).unwrap();
        assert_eq!(read_key_material(&raw).unwrap(), [1, 2, 3]);
        let cmd = key(&[
            "create",
            "v/k",
            "-a",
            "aes-128",
            "--import",
            raw.to_str().unwrap(),
        ])
        .unwrap();
        let KeyCommand::Create(args) = cmd else {
            panic!("not create");
        };
        assert_eq!(
            args.into_request().unwrap().import_material.as_deref(),
            Some("AQID")
        );
    }

    #[test]
    fn import_skips_ec_parameters_before_the_key() {
        let text = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n\
                    -----BEGIN EC PRIVATE KEY-----\naGVs\nbG8=\n-----END EC PRIVATE KEY-----\n";
        assert_eq!(pem_body(text.as_bytes()).as_deref(), Some("aGVsbG8="));
        let only_params =
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
        assert_eq!(pem_body(only_params.as_bytes()), None);
    }

    #[test]
    fn update_needs_something_to_change() {
        let KeyCommand::Update(args) = key(&["update", "v/k"]).unwrap() else {
            panic!("not update");
        };
        assert_eq!(args.into_request().unwrap_err().exit_code(), 2);
        let KeyCommand::Update(args) = key(&["update", "v/k", "--clear-tags"]).unwrap() else {
            panic!("not update");
        };
        let request = args.into_request().unwrap();
        assert_eq!(request.tags, Some(BTreeMap::new()));
        assert!(key(&["update", "v/k", "--clear-tags", "--tag", "a=b"]).is_err());
        let KeyCommand::Update(args) = key(&["update", "v/k", "--description", ""]).unwrap() else {
            panic!("not update");
        };
        assert_eq!(
            args.into_request().unwrap().description.as_deref(),
            Some("")
        );
    }

    #[test]
    fn list_builds_the_query() {
        let KeyCommand::List(args) = key(&[
            "list",
            "--vault",
            "prod",
            "--state",
            "active",
            "--tag",
            "team=pay",
            "--created-after",
            "2025-01-01T00:00:00+02:00",
            "--include-destroyed",
            "--out-of-sync",
            "--limit",
            "10",
        ])
        .unwrap() else {
            panic!("not list");
        };
        let query = args.query();
        assert_eq!(query.vault.as_deref(), Some("prod"));
        assert_eq!(query.tag.as_deref(), Some("team=pay"));
        assert_eq!(
            query.created_after.as_deref(),
            Some("2025-01-01T00:00:00+02:00")
        );
        assert!(query.include_destroyed);
        assert_eq!(query.out_of_sync, Some(true));
        assert_eq!(query.limit, Some(10));
        assert!(key(&["list", "--all", "--cursor", "x"]).is_err());
        assert!(key(&["list", "--limit", "0"]).is_err());
    }

    #[test]
    fn state_commands_take_a_reason() {
        let KeyCommand::Destroy(args) = key(&["destroy", "v/k", "--reason", "retired"]).unwrap()
        else {
            panic!("not destroy");
        };
        assert_eq!(args.reason.as_deref(), Some("retired"));
        assert!(matches!(
            key(&["cancel-destroy", "v/k"]).unwrap(),
            KeyCommand::CancelDestroy(_)
        ));
    }

    #[test]
    fn summaries_say_what_happened() {
        let mut k = Key {
            id: Uuid::nil(),
            vault: "v".into(),
            name: "k".into(),
            description: None,
            tags: BTreeMap::new(),
            algorithm: "aes-256".into(),
            size_bits: 256,
            usage: vec![],
            state: "deactivated".into(),
            state_code: 3,
            primary_version: 3,
            min_decryption_version: 1,
            origin: "generated".into(),
            destroy_at: None,
            activation_date: None,
            deactivation_date: None,
            protect_stop_date: None,
            process_start_date: None,
            compromise_date: None,
            destroyed_at: None,
            created_at: datetime!(2025-01-01 00:00:00 UTC),
            updated_at: datetime!(2025-01-01 00:00:00 UTC),
            last_used_at: None,
            object_kind: "symmetric-key".to_owned(),
            exportable: false,
            links: Vec::new(),
            template: None,
            cryptoperiod_seconds: None,
            rotation_interval_seconds: None,
            rotate_before_seconds: None,
            use_limit: None,
            next_rotation_at: None,
        };
        assert_eq!(
            state_summary(KeyAction::Deactivate, &k),
            "key v/k (00000000-0000-0000-0000-000000000000) is now deactivated\n"
        );
        assert!(state_summary(KeyAction::Rotate, &k).contains("primary version is now 3"));
        k.destroy_at = Some(datetime!(2025-01-08 00:00:00 UTC));
        let text = state_summary(KeyAction::Destroy, &k);
        assert!(text.contains("destroyed at 2025-01-08T00:00:00Z"), "{text}");
        assert!(text.contains("cancel-destroy"), "{text}");
    }

    #[test]
    fn times_and_tags() {
        assert!(parse_time("now").is_ok());
        assert_eq!(
            parse_time("2030-01-31T12:00:00Z").unwrap(),
            datetime!(2030-01-31 12:00:00 UTC)
        );
        assert!(parse_time("2030-01-31").is_err());
        assert_eq!(parse_tag("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert!(parse_tag("=b").is_err());
    }
}
