//! `keyhaven keystore ...`: a vault's external keystores (PKCS#11 tokens, KMIP servers, AWS
//! KMS). Where keys are distributed is `key keystores|distribute|sync` (`distribution.rs`).
//!
//! Credentials (PIN, client key, access keys) are read from a file or stdin, never from the
//! command line (other local users can read a process's arguments), are held in zeroizing
//! buffers, and are never printed.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::{Args, Subcommand, ValueEnum};
use keyhaven_client::proto::{CreateKeystore, Keystore, KeystoreList, UpdateKeystore};
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

use super::error::{self, CliError};
use super::output::{self, render_fields, OutputFormat, Table};
use super::Context;

/// Largest credentials or settings file read (the server takes request bodies up to 1 MiB).
const MAX_FILE_BYTES: usize = 1024 * 1024;

/// Keystore commands.
#[derive(Debug, Subcommand)]
pub enum KeystoreCommand {
    /// Register an external keystore in a vault (vault admin).
    Add(AddArgs),
    /// List a vault's keystores and their last connection check.
    List(VaultArg),
    /// Show a keystore (its credentials are never shown).
    Show(KeystoreArg),
    /// Replace a keystore's settings and/or credentials, e.g. to rotate credentials (vault
    /// admin). Kind and placement cannot change.
    Update(UpdateArgs),
    /// Test the connection: connect, log in, one harmless read. Exits 7 when it fails.
    Test(KeystoreArg),
    /// Remove a keystore no key is distributed to (vault admin).
    Remove(KeystoreArg),
}

/// A vault.
#[derive(Debug, Args)]
pub struct VaultArg {
    /// Vault name.
    pub vault: String,
}

/// A keystore of a vault.
#[derive(Debug, Args)]
pub struct KeystoreArg {
    /// VAULT/NAME of the keystore.
    pub keystore: KeystoreRef,
}

/// `keystore add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// VAULT/NAME of the new keystore (name: 1-64 of a-z, 0-9, `-`, `_`, `.`).
    pub keystore: KeystoreRef,
    /// What kind of keystore.
    #[arg(long, value_enum)]
    pub kind: KeystoreKind,
    /// `push`: keyhaven's key material is copied in; `generate`: the keystore generates the
    /// key itself. Default: push where the keystore accepts material, else generate.
    #[arg(long, value_enum)]
    pub placement: Option<Placement>,
    /// Connection settings, a JSON object: inline (`'{"module": "...", "token_label":
    /// "..."}'`), or `@FILE` to read it from FILE (`@-`: stdin). Nothing secret goes here.
    #[arg(long, value_name = "JSON|@FILE", value_parser = parse_settings)]
    pub settings: SettingsSource,
    /// File holding the credentials, a JSON object (e.g. `{"pin": "..."}`); `-` reads stdin.
    /// Omit it when the keystore needs none.
    #[arg(long, value_name = "FILE")]
    pub credentials_file: Option<PathBuf>,
}

/// `keystore update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// VAULT/NAME of the keystore.
    pub keystore: KeystoreRef,
    /// New connection settings, the whole JSON object: inline or `@FILE` (`@-`: stdin).
    #[arg(long, value_name = "JSON|@FILE", value_parser = parse_settings)]
    pub settings: Option<SettingsSource>,
    /// File holding the new credentials, the whole JSON object; `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub credentials_file: Option<PathBuf>,
}

/// `--kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KeystoreKind {
    /// A PKCS#11 token (HSM slot): settings `module`, `token_label`; credentials `pin`.
    Pkcs11,
    /// A KMIP server.
    Kmip,
    /// AWS KMS.
    AwsKms,
}

impl KeystoreKind {
    /// The name the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            KeystoreKind::Pkcs11 => "pkcs11",
            KeystoreKind::Kmip => "kmip",
            KeystoreKind::AwsKms => "aws-kms",
        }
    }
}

/// `--placement`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Placement {
    /// keyhaven generates the key and copies it in.
    Push,
    /// The keystore generates the key in place.
    Generate,
}

impl Placement {
    /// The name the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Placement::Push => "push",
            Placement::Generate => "generate",
        }
    }
}

/// Where `--settings` comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingsSource {
    /// Inline JSON.
    Inline(String),
    /// `@FILE` (`@-`: stdin).
    File(PathBuf),
}

/// A keystore as `VAULT/NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeystoreRef {
    /// Vault name.
    pub vault: String,
    /// Keystore name.
    pub name: String,
}

impl FromStr for KeystoreRef {
    type Err = String;

    fn from_str(s: &str) -> Result<KeystoreRef, String> {
        match s.split_once('/') {
            Some((vault, name)) if !vault.is_empty() && !name.is_empty() && !name.contains('/') => {
                Ok(KeystoreRef {
                    vault: vault.to_owned(),
                    name: name.to_owned(),
                })
            }
            _ => Err(format!(
                "`{s}` is not VAULT/NAME (a keystore of a vault, e.g. payments/hsm1)"
            )),
        }
    }
}

impl fmt::Display for KeystoreRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.vault, self.name)
    }
}

/// Runs a keystore command.
pub async fn run(ctx: &Context, cmd: KeystoreCommand) -> Result<(), CliError> {
    let client = &ctx.client;
    let keystore = match cmd {
        KeystoreCommand::Add(args) => add(ctx, args).await?,
        KeystoreCommand::List(args) => {
            let list = client.list_keystores(&args.vault).await?;
            return output::print(&match ctx.output {
                OutputFormat::Json => output::json(serde_json::to_string_pretty(&list))?,
                OutputFormat::Table => keystore_table(&list),
            });
        }
        KeystoreCommand::Show(args) => {
            let k = &args.keystore;
            client.get_keystore(&k.vault, &k.name).await?
        }
        KeystoreCommand::Update(args) => update(ctx, args).await?,
        KeystoreCommand::Test(args) => return test(ctx, &args.keystore).await,
        KeystoreCommand::Remove(args) => {
            let k = &args.keystore;
            client.delete_keystore(&k.vault, &k.name).await?;
            if ctx.output == OutputFormat::Table {
                output::print(&format!(
                    "keystore {} removed\n",
                    output::sanitize(&k.to_string())
                ))?;
            }
            return Ok(());
        }
    };
    output::print(&match ctx.output {
        OutputFormat::Json => output::json(serde_json::to_string_pretty(&keystore))?,
        OutputFormat::Table => keystore_fields(&keystore),
    })
}

async fn add(ctx: &Context, args: AddArgs) -> Result<Keystore, CliError> {
    let settings_stdin = matches!(&args.settings, SettingsSource::File(p) if is_stdin(p));
    let credentials_stdin = args.credentials_file.as_deref().is_some_and(is_stdin);
    if settings_stdin && credentials_stdin {
        return Err(CliError::Usage(
            "--settings @- and --credentials-file - cannot both read stdin: put one in a file"
                .to_owned(),
        ));
    }
    let settings = args.settings.read()?;
    let credentials = match &args.credentials_file {
        Some(path) => read_credentials(path)?,
        None => Value::Object(serde_json::Map::new()),
    };
    let mut request = CreateKeystore {
        name: args.keystore.name.clone(),
        kind: args.kind.as_str().to_owned(),
        placement: args.placement.map(|p| p.as_str().to_owned()),
        settings,
        credentials,
    };
    let result = ctx
        .client
        .create_keystore(&args.keystore.vault, &request)
        .await;
    scrub(&mut request.credentials);
    Ok(result?)
}

async fn update(ctx: &Context, args: UpdateArgs) -> Result<Keystore, CliError> {
    if args.settings.is_none() && args.credentials_file.is_none() {
        return Err(CliError::Usage(
            "nothing to change: give --settings and/or --credentials-file".to_owned(),
        ));
    }
    let settings_stdin = matches!(&args.settings, Some(SettingsSource::File(p)) if is_stdin(p));
    let credentials_stdin = args.credentials_file.as_deref().is_some_and(is_stdin);
    if settings_stdin && credentials_stdin {
        return Err(CliError::Usage(
            "--settings @- and --credentials-file - cannot both read stdin: put one in a file"
                .to_owned(),
        ));
    }
    let settings = args.settings.map(|s| s.read()).transpose()?;
    let credentials = args
        .credentials_file
        .as_deref()
        .map(read_credentials)
        .transpose()?;
    let mut request = UpdateKeystore {
        settings,
        credentials,
    };
    let k = &args.keystore;
    let result = ctx
        .client
        .update_keystore(&k.vault, &k.name, &request)
        .await;
    if let Some(c) = request.credentials.as_mut() {
        scrub(c);
    }
    Ok(result?)
}

/// `keystore test`: prints the outcome; a failed test is exit 7 with the keystore's reason.
async fn test(ctx: &Context, keystore: &KeystoreRef) -> Result<(), CliError> {
    let result = ctx
        .client
        .test_keystore(&keystore.vault, &keystore.name)
        .await?;
    let who = output::sanitize(&keystore.to_string());
    match ctx.output {
        OutputFormat::Json => output::print(&output::json(serde_json::to_string_pretty(&result))?)?,
        OutputFormat::Table if result.ok => {
            output::print(&format!("keystore {who}: connection test passed\n"))?;
        }
        OutputFormat::Table => {}
    }
    if result.ok {
        return Ok(());
    }
    Err(failed_check(
        ctx.output,
        format!(
            "keystore {keystore} failed its connection test: {} (check its settings and \
             credentials with `keyhaven keystore show {keystore}`, and that the keystore is \
             reachable from the server)",
            result.message.as_deref().unwrap_or("no reason given")
        ),
    ))
}

/// A failed check (exit 7): said on stderr like any error, since `main` does not report
/// [`CliError::Invalid`] (its verdict is normally on stdout already).
pub(super) fn failed_check(format: OutputFormat, message: String) -> CliError {
    let err = CliError::Invalid(message);
    error::report(&err, format, "");
    err
}

/// A keystore as `field  value` lines.
pub fn keystore_fields(k: &Keystore) -> String {
    render_fields(&[
        ("vault", k.vault.clone()),
        ("name", k.name.clone()),
        ("kind", k.kind.clone()),
        ("placement", k.placement.clone()),
        ("settings", k.settings.to_string()),
        ("health", k.health.status.clone()),
        (
            "health_message",
            k.health.message.clone().unwrap_or_else(|| "-".to_owned()),
        ),
        ("checked_at", output::opt_time(k.health.checked_at)),
        ("created_at", output::time(k.created_at)),
    ])
}

/// Keystores as a table.
pub fn keystore_table(list: &KeystoreList) -> String {
    let mut table = Table::new(&["NAME", "KIND", "PLACEMENT", "HEALTH", "CHECKED", "CREATED"]);
    for k in &list.items {
        table.row(vec![
            k.name.clone(),
            k.kind.clone(),
            k.placement.clone(),
            k.health.status.clone(),
            output::opt_time(k.health.checked_at),
            output::time(k.created_at),
        ]);
    }
    table.render()
}

impl SettingsSource {
    /// The settings object.
    fn read(&self) -> Result<Value, CliError> {
        let (text, from) = match self {
            SettingsSource::Inline(text) => (text.clone(), "--settings".to_owned()),
            SettingsSource::File(path) => {
                let bytes = read_limited(path, "settings")?;
                let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                    CliError::Usage(format!("{} is not UTF-8 text", path.display()))
                })?;
                (text, format!("the settings file {}", path.display()))
            }
        };
        match serde_json::from_str::<Value>(&text) {
            Ok(v @ Value::Object(_)) => Ok(v),
            Ok(_) => Err(CliError::Usage(format!(
                "{from} must be a JSON object, e.g. {{\"module\": \"/usr/lib/softhsm/\
                 libsofthsm2.so\", \"token_label\": \"keyhaven\"}}"
            ))),
            Err(e) => Err(CliError::Usage(format!("{from} is not valid JSON: {e}"))),
        }
    }
}

/// `--settings`: `@FILE` or inline JSON.
pub fn parse_settings(s: &str) -> Result<SettingsSource, String> {
    match s.strip_prefix('@') {
        Some("") => Err("`@` needs a file name: @FILE, or @- for stdin".to_owned()),
        Some(path) => Ok(SettingsSource::File(PathBuf::from(path))),
        None => Ok(SettingsSource::Inline(s.to_owned())),
    }
}

/// The credentials object from a file (`-` = stdin). Errors never quote the file's content.
fn read_credentials(path: &Path) -> Result<Value, CliError> {
    let bytes = read_limited(path, "credentials")?;
    let what = || {
        if is_stdin(path) {
            "the credentials on stdin".to_owned()
        } else {
            format!("the credentials file {}", path.display())
        }
    };
    // Syntax errors give a line and column, never the text.
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(mut other) => {
            scrub(&mut other);
            Err(CliError::Usage(format!(
                "{} must hold a JSON object, e.g. {{\"pin\": \"...\"}}",
                what()
            )))
        }
        Err(e) => Err(CliError::Usage(format!(
            "{} is not valid JSON (line {}, column {}); it must hold a JSON object, e.g. \
             {{\"pin\": \"...\"}}",
            what(),
            e.line(),
            e.column()
        ))),
    }
}

/// Reads a file or stdin (`-`) into a zeroizing buffer sized up front, so no copy of the
/// content is left behind by a reallocation.
fn read_limited(path: &Path, what: &str) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_FILE_BYTES + 1));
    let limit = u64::try_from(MAX_FILE_BYTES + 1).unwrap_or(u64::MAX);
    let name = if is_stdin(path) {
        "stdin".to_owned()
    } else {
        path.display().to_string()
    };
    let read = if is_stdin(path) {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(|e| CliError::io(format!("cannot read the {what} from {name}"), &e))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(CliError::Usage(format!(
            "the {what} in {name} are larger than {} KiB",
            MAX_FILE_BYTES / 1024
        )));
    }
    Ok(bytes)
}

/// Overwrites every string in `value` (the credentials, once sent).
fn scrub(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(scrub),
        Value::Object(map) => map.values_mut().for_each(scrub),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
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
    use keyhaven_client::proto::KeystoreHealth;
    use time::macros::datetime;

    use super::*;
    use crate::cli::{Cli, Command};

    fn keystore(args: &[&str]) -> Result<KeystoreCommand, clap::Error> {
        let cli = Cli::try_parse_from(["keyhaven", "keystore"].iter().chain(args))?;
        match cli.command {
            Command::Keystore(cmd) => Ok(cmd),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn add_parses_kind_placement_and_settings() {
        let KeystoreCommand::Add(args) = keystore(&[
            "add",
            "pay/hsm1",
            "--kind",
            "aws-kms",
            "--placement",
            "generate",
            "--settings",
            r#"{"region": "eu-west-1"}"#,
            "--credentials-file",
            "-",
        ])
        .unwrap() else {
            panic!("not add");
        };
        assert_eq!(args.keystore.to_string(), "pay/hsm1");
        assert_eq!(args.kind.as_str(), "aws-kms");
        assert_eq!(args.placement.map(Placement::as_str), Some("generate"));
        assert_eq!(
            args.settings.read().unwrap(),
            serde_json::json!({"region": "eu-west-1"})
        );
        let KeystoreCommand::Add(args) = keystore(&[
            "add",
            "pay/hsm1",
            "--kind",
            "pkcs11",
            "--settings",
            "@/etc/hsm.json",
        ])
        .unwrap() else {
            panic!("not add");
        };
        assert_eq!(
            args.settings,
            SettingsSource::File(PathBuf::from("/etc/hsm.json"))
        );
        assert!(args.credentials_file.is_none() && args.placement.is_none());
        for bad in [
            &["add", "pay/hsm1", "--kind", "pkcs12", "--settings", "{}"][..],
            &["add", "pay/hsm1", "--kind", "kmip"],
            &["add", "pay", "--kind", "kmip", "--settings", "{}"],
            &["add", "pay/a/b", "--kind", "kmip", "--settings", "{}"],
            &["add", "pay/k", "--kind", "kmip", "--settings", "@"],
            &[
                "add",
                "pay/k",
                "--kind",
                "kmip",
                "--settings",
                "{}",
                "--pin",
                "1",
            ],
        ] {
            assert_eq!(keystore(bad).unwrap_err().exit_code(), 2, "{bad:?}");
        }
    }

    #[test]
    fn settings_must_be_a_json_object() {
        for bad in ["[1]", "\"x\"", "{nope"] {
            let err = SettingsSource::Inline(bad.into()).read().unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad}");
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.json");
        std::fs::write(&file, r#"{"token_label": "kh"}"#).unwrap();
        let v = SettingsSource::File(file).read().unwrap();
        assert_eq!(v["token_label"], "kh");
    }

    #[test]
    fn credential_errors_never_show_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("creds.json");
        std::fs::write(&file, r#"{"pin": "s3cr3t-pin""#).unwrap();
        let err = read_credentials(&file).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
        assert!(err.to_string().contains("creds.json"), "{err}");
        std::fs::write(&file, r#""s3cr3t-pin""#).unwrap();
        let err = read_credentials(&file).unwrap_err();
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
        std::fs::write(&file, r#"{"pin": "1234"}"#).unwrap();
        let mut v = read_credentials(&file).unwrap();
        assert_eq!(v["pin"], "1234");
        scrub(&mut v);
        assert_eq!(v["pin"], "");
        let gone = read_credentials(&dir.path().join("missing")).unwrap_err();
        assert_eq!(gone.exit_code(), 1);
    }

    #[test]
    fn every_verb_parses() {
        for verb in ["list", "show", "test", "remove"] {
            let args: &[&str] = if verb == "list" {
                &[verb, "pay"]
            } else {
                &[verb, "pay/hsm1"]
            };
            assert!(keystore(args).is_ok(), "{verb}");
        }
        assert!(keystore(&["show", "pay"]).is_err(), "needs VAULT/NAME");
    }

    #[test]
    fn keystore_output() {
        let k = Keystore {
            vault: "pay".into(),
            name: "hsm1".into(),
            kind: "pkcs11".into(),
            placement: "push".into(),
            settings: serde_json::json!({"token_label": "kh"}),
            health: KeystoreHealth {
                status: "error".into(),
                message: Some("CKR_PIN_INCORRECT".into()),
                checked_at: Some(datetime!(2026-01-01 00:00:00 UTC)),
            },
            created_at: datetime!(2026-01-01 00:00:00 UTC),
        };
        let text = keystore_fields(&k);
        assert!(
            text.contains("settings        {\"token_label\":\"kh\"}\n"),
            "{text}"
        );
        assert!(
            text.contains("health_message  CKR_PIN_INCORRECT\n"),
            "{text}"
        );
        let table = keystore_table(&KeystoreList { items: vec![k] });
        assert!(
            table.contains("hsm1  pkcs11  push       error   2026-01-01T00:00:00Z"),
            "{table}"
        );
    }
}
