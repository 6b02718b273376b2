//! The cryptographic verbs: `keyhaven encrypt|decrypt|sign|verify|mac|mac-verify|datakey|
//! rewrap|encapsulate|decapsulate KEY ...`.
//!
//! With `--out FILE` the verb's main result goes to the file (raw bytes for plaintexts and
//! secrets, created 0600; base64 text for ciphertexts, signatures and tags, so `--in FILE`
//! reads it back). In table mode the other fields are printed; in json mode the server's
//! JSON is printed either way.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use keyhaven_client::proto::{
    DataKeyRequest, DecapsulateRequest, DecryptRequest, EncryptRequest, MacRequest,
    MacVerifyRequest, RewrapRequest, SignRequest, VerifyRequest,
};

use super::error::CliError;
use super::input::{self, DataInput};
use super::keyref::KeyRef;
use super::output::{self, OutputFormat};
use super::Context;

/// Cryptographic operations.
#[derive(Debug, Subcommand)]
pub enum CryptoCommand {
    /// Encrypt data (AES-GCM keys, RSA-OAEP keys).
    Encrypt(EncryptArgs),
    /// Decrypt a ciphertext made by encrypt; writes the raw plaintext.
    Decrypt(DecryptArgs),
    /// Sign a message (or a precomputed digest).
    Sign(SignArgs),
    /// Verify a signature; exit code 7 when it is not valid.
    Verify(VerifyArgs),
    /// Compute a MAC tag (HMAC keys).
    Mac(MacArgs),
    /// Verify a MAC tag; exit code 7 when it is not valid.
    MacVerify(MacVerifyArgs),
    /// Generate a data key, returned in plaintext and wrapped under KEY.
    Datakey(DataKeyArgs),
    /// Re-encrypt a ciphertext under the key's primary version without exposing the plaintext.
    Rewrap(RewrapArgs),
    /// ML-KEM: create a shared secret and its encapsulation.
    Encapsulate(EncapsulateArgs),
    /// ML-KEM: recover the shared secret from an encapsulation.
    Decapsulate(DecapsulateArgs),
}

/// Associated data.
#[derive(Debug, Args, Default)]
pub struct AadArgs {
    /// Associated data (UTF-8), authenticated but not encrypted; needed again to decrypt.
    #[arg(long, value_name = "STRING", conflicts_with = "aad_file")]
    pub aad: Option<String>,
    /// Read the associated data from FILE.
    #[arg(long, value_name = "FILE")]
    pub aad_file: Option<PathBuf>,
}

/// A ciphertext given as base64 or in a file.
#[derive(Debug, Args, Default)]
pub struct CiphertextInput {
    /// The ciphertext, base64 as printed by encrypt.
    #[arg(long, value_name = "B64", conflicts_with = "input")]
    pub ciphertext: Option<String>,
    /// Read the ciphertext from FILE (`-` for stdin): base64 text or raw bytes. Without
    /// --ciphertext or --in, stdin is read when it is not a terminal.
    #[arg(long = "in", value_name = "FILE")]
    pub input: Option<PathBuf>,
}

/// `encrypt`.
#[derive(Debug, Args)]
pub struct EncryptArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    #[command(flatten)]
    pub data: DataInput,
    #[command(flatten)]
    pub aad: AadArgs,
    /// Write the ciphertext (base64) to FILE.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `decrypt`.
#[derive(Debug, Args)]
pub struct DecryptArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    #[command(flatten)]
    pub ciphertext: CiphertextInput,
    #[command(flatten)]
    pub aad: AadArgs,
    /// Decrypt even though the key is compromised (audited).
    #[arg(long)]
    pub allow_compromised: bool,
    /// Write the plaintext to FILE (created 0600) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    #[command(flatten)]
    pub data: DataInput,
    /// The input is a digest computed with the scheme's hash, not the message.
    #[arg(long)]
    pub digest: bool,
    /// Signature scheme, e.g. ecdsa-sha256, rsa-pss-sha256, ed25519 (default depends on the
    /// key).
    #[arg(long, value_name = "SCHEME")]
    pub scheme: Option<String>,
    /// Write the signature (base64) to FILE.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    #[command(flatten)]
    pub data: DataInput,
    /// The input is a digest, not the message.
    #[arg(long)]
    pub digest: bool,
    /// The signature, base64 as printed by sign.
    #[arg(long, value_name = "B64", conflicts_with = "signature_file")]
    pub signature: Option<String>,
    /// Read the signature from FILE (base64 text or raw bytes).
    #[arg(long, value_name = "FILE")]
    pub signature_file: Option<PathBuf>,
    /// Verify even though the key is compromised (audited).
    #[arg(long)]
    pub allow_compromised: bool,
}

/// `mac`.
#[derive(Debug, Args)]
pub struct MacArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    #[command(flatten)]
    pub data: DataInput,
    /// Write the tag (base64) to FILE.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `mac-verify`.
#[derive(Debug, Args)]
pub struct MacVerifyArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    #[command(flatten)]
    pub data: DataInput,
    /// The tag, base64 as printed by mac.
    #[arg(long, value_name = "B64", conflicts_with = "mac_file")]
    pub mac: Option<String>,
    /// Read the tag from FILE (base64 text or raw bytes).
    #[arg(long, value_name = "FILE")]
    pub mac_file: Option<PathBuf>,
    /// Verify even though the key is compromised (audited).
    #[arg(long)]
    pub allow_compromised: bool,
}

/// `datakey`.
#[derive(Debug, Args)]
pub struct DataKeyArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    /// Data key length in bytes: 16, 24 or 32 (server default 32).
    #[arg(long, value_parser = parse_datakey_bytes)]
    pub bytes: Option<u32>,
    #[command(flatten)]
    pub aad: AadArgs,
    /// Return only the wrapped copy.
    #[arg(long, conflicts_with = "key_out")]
    pub without_plaintext: bool,
    /// Write the wrapped data key (base64) to FILE.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write the raw plaintext data key to FILE (created 0600).
    #[arg(long, value_name = "FILE")]
    pub key_out: Option<PathBuf>,
}

/// `rewrap`.
#[derive(Debug, Args)]
pub struct RewrapArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    #[command(flatten)]
    pub ciphertext: CiphertextInput,
    #[command(flatten)]
    pub aad: AadArgs,
    /// Write the new ciphertext (base64) to FILE.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `encapsulate`.
#[derive(Debug, Args)]
pub struct EncapsulateArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    /// Write the encapsulation (base64) to FILE.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write the raw shared secret to FILE (created 0600).
    #[arg(long, value_name = "FILE")]
    pub secret_out: Option<PathBuf>,
}

/// `decapsulate`.
#[derive(Debug, Args)]
pub struct DecapsulateArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    #[command(flatten)]
    pub ciphertext: CiphertextInput,
    /// Decapsulate even though the key is compromised (audited).
    #[arg(long)]
    pub allow_compromised: bool,
    /// Write the raw shared secret to FILE (created 0600).
    #[arg(long, value_name = "FILE")]
    pub secret_out: Option<PathBuf>,
}

/// Runs a crypto verb.
pub async fn run(ctx: &Context, cmd: CryptoCommand) -> Result<(), CliError> {
    match cmd {
        CryptoCommand::Encrypt(args) => encrypt(ctx, args).await,
        CryptoCommand::Decrypt(args) => decrypt(ctx, args).await,
        CryptoCommand::Sign(args) => sign(ctx, args).await,
        CryptoCommand::Verify(args) => verify(ctx, args).await,
        CryptoCommand::Mac(args) => mac(ctx, args).await,
        CryptoCommand::MacVerify(args) => mac_verify(ctx, args).await,
        CryptoCommand::Datakey(args) => datakey(ctx, args).await,
        CryptoCommand::Rewrap(args) => rewrap(ctx, args).await,
        CryptoCommand::Encapsulate(args) => encapsulate(ctx, args).await,
        CryptoCommand::Decapsulate(args) => decapsulate(ctx, args).await,
    }
}

async fn encrypt(ctx: &Context, args: EncryptArgs) -> Result<(), CliError> {
    let request = EncryptRequest {
        plaintext: args.data.read_b64()?,
        aad: args.aad.read()?,
    };
    let id = args.key.resolve(&ctx.client).await?;
    let response = ctx.client.encrypt(id, &request).await?;
    let json = serde_json::to_string_pretty(&response);
    let mut fields = Vec::new();
    blob_field(
        &mut fields,
        "ciphertext",
        &response.ciphertext,
        args.out.as_deref(),
    )?;
    fields.push(("key_version", response.key_version.to_string()));
    emit(ctx, json, &fields)
}

async fn decrypt(ctx: &Context, args: DecryptArgs) -> Result<(), CliError> {
    let request = DecryptRequest {
        ciphertext: args.ciphertext.read()?,
        aad: args.aad.read()?,
        allow_compromised: args.allow_compromised,
    };
    let id = args.key.resolve(&ctx.client).await?;
    let response = ctx.client.decrypt(id, &request).await?;
    let plaintext = input::decode_b64(&response.plaintext, "the server's plaintext")
        .map_err(|e| CliError::Local(e.to_string()))?;
    if let Some(path) = &args.out {
        input::write_output(path, &plaintext, true)?;
    }
    match ctx.output {
        OutputFormat::Json => {
            output::print(&output::json(serde_json::to_string_pretty(&response))?)
        }
        OutputFormat::Table if args.out.is_none() => output::write_stdout(&plaintext),
        OutputFormat::Table => Ok(()),
    }
}

async fn sign(ctx: &Context, args: SignArgs) -> Result<(), CliError> {
    let data = args.data.read_b64()?;
    let (message, digest) = if args.digest {
        (None, Some(data))
    } else {
        (Some(data), None)
    };
    let request = SignRequest {
        message,
        digest,
        algorithm: args.scheme,
    };
    let id = args.key.resolve(&ctx.client).await?;
    let response = ctx.client.sign(id, &request).await?;
    let json = serde_json::to_string_pretty(&response);
    let mut fields = Vec::new();
    blob_field(
        &mut fields,
        "signature",
        &response.signature,
        args.out.as_deref(),
    )?;
    fields.push(("algorithm", response.algorithm.clone()));
    fields.push(("key_version", response.key_version.to_string()));
    emit(ctx, json, &fields)
}

async fn verify(ctx: &Context, args: VerifyArgs) -> Result<(), CliError> {
    let signature_from_stdin = args.signature_file.as_deref().is_some_and(is_dash);
    if signature_from_stdin && args.data.uses_stdin() {
        return Err(CliError::Usage(
            "the data and the signature cannot both come from stdin".to_owned(),
        ));
    }
    let signature = input::blob_b64(
        args.signature.as_deref(),
        args.signature_file.as_deref(),
        "signature",
        "--signature or --signature-file",
        false,
    )?;
    let data = args.data.read_b64()?;
    let (message, digest) = if args.digest {
        (None, Some(data))
    } else {
        (Some(data), None)
    };
    let request = VerifyRequest {
        message,
        digest,
        signature,
        allow_compromised: args.allow_compromised,
    };
    let id = args.key.resolve(&ctx.client).await?;
    let response = ctx.client.verify(id, &request).await?;
    verdict(
        ctx,
        serde_json::to_string_pretty(&response),
        response.valid,
        "signature",
    )
}

async fn mac(ctx: &Context, args: MacArgs) -> Result<(), CliError> {
    let request = MacRequest {
        data: args.data.read_b64()?,
    };
    let id = args.key.resolve(&ctx.client).await?;
    let response = ctx.client.mac(id, &request).await?;
    let json = serde_json::to_string_pretty(&response);
    let mut fields = Vec::new();
    blob_field(&mut fields, "mac", &response.mac, args.out.as_deref())?;
    fields.push(("key_version", response.key_version.to_string()));
    emit(ctx, json, &fields)
}

async fn mac_verify(ctx: &Context, args: MacVerifyArgs) -> Result<(), CliError> {
    let tag_from_stdin = args.mac_file.as_deref().is_some_and(is_dash);
    if tag_from_stdin && args.data.uses_stdin() {
        return Err(CliError::Usage(
            "the data and the tag cannot both come from stdin".to_owned(),
        ));
    }
    let mac = input::blob_b64(
        args.mac.as_deref(),
        args.mac_file.as_deref(),
        "MAC tag",
        "--mac or --mac-file",
        false,
    )?;
    let request = MacVerifyRequest {
        data: args.data.read_b64()?,
        mac,
        allow_compromised: args.allow_compromised,
    };
    let id = args.key.resolve(&ctx.client).await?;
    let response = ctx.client.mac_verify(id, &request).await?;
    verdict(
        ctx,
        serde_json::to_string_pretty(&response),
        response.valid,
        "tag",
    )
}

async fn datakey(ctx: &Context, args: DataKeyArgs) -> Result<(), CliError> {
    let request = DataKeyRequest {
        bytes: args.bytes,
        aad: args.aad.read()?,
        without_plaintext: args.without_plaintext,
    };
    let id = args.key.resolve(&ctx.client).await?;
    let response = ctx.client.datakey(id, &request).await?;
    let json = serde_json::to_string_pretty(&response);
    let mut fields = Vec::new();
    if let Some(plaintext) = &response.plaintext {
        match &args.key_out {
            Some(path) => {
                let raw = input::decode_b64(plaintext, "the server's data key")
                    .map_err(|e| CliError::Local(e.to_string()))?;
                input::write_output(path, &raw, true)?;
                fields.push(("plaintext", format!("written to {}", path.display())));
            }
            None => fields.push(("plaintext", plaintext.clone())),
        }
    }
    blob_field(
        &mut fields,
        "ciphertext",
        &response.ciphertext,
        args.out.as_deref(),
    )?;
    fields.push(("key_version", response.key_version.to_string()));
    emit(ctx, json, &fields)
}

async fn rewrap(ctx: &Context, args: RewrapArgs) -> Result<(), CliError> {
    let request = RewrapRequest {
        ciphertext: args.ciphertext.read()?,
        aad: args.aad.read()?,
    };
    let id = args.key.resolve(&ctx.client).await?;
    let response = ctx.client.rewrap(id, &request).await?;
    let json = serde_json::to_string_pretty(&response);
    let mut fields = Vec::new();
    blob_field(
        &mut fields,
        "ciphertext",
        &response.ciphertext,
        args.out.as_deref(),
    )?;
    fields.push(("key_version", response.key_version.to_string()));
    emit(ctx, json, &fields)
}

async fn encapsulate(ctx: &Context, args: EncapsulateArgs) -> Result<(), CliError> {
    let id = args.key.resolve(&ctx.client).await?;
    let response = ctx.client.encapsulate(id).await?;
    let json = serde_json::to_string_pretty(&response);
    let mut fields = Vec::new();
    blob_field(
        &mut fields,
        "ciphertext",
        &response.ciphertext,
        args.out.as_deref(),
    )?;
    secret_field(
        &mut fields,
        "shared_secret",
        &response.shared_secret,
        args.secret_out.as_deref(),
    )?;
    fields.push(("key_version", response.key_version.to_string()));
    emit(ctx, json, &fields)
}

async fn decapsulate(ctx: &Context, args: DecapsulateArgs) -> Result<(), CliError> {
    let request = DecapsulateRequest {
        ciphertext: args.ciphertext.read()?,
        allow_compromised: args.allow_compromised,
    };
    let id = args.key.resolve(&ctx.client).await?;
    let response = ctx.client.decapsulate(id, &request).await?;
    let json = serde_json::to_string_pretty(&response);
    let mut fields = Vec::new();
    secret_field(
        &mut fields,
        "shared_secret",
        &response.shared_secret,
        args.secret_out.as_deref(),
    )?;
    emit(ctx, json, &fields)
}

impl AadArgs {
    fn read(&self) -> Result<Option<String>, CliError> {
        input::aad_b64(self.aad.as_deref(), self.aad_file.as_deref())
    }
}

impl CiphertextInput {
    fn read(&self) -> Result<String, CliError> {
        input::blob_b64(
            self.ciphertext.as_deref(),
            self.input.as_deref(),
            "ciphertext",
            "--ciphertext or --in FILE",
            true,
        )
    }
}

fn parse_datakey_bytes(s: &str) -> Result<u32, String> {
    match s {
        "16" | "24" | "32" => s.parse().map_err(|_| String::new()),
        _ => Err(format!("data keys are 16, 24 or 32 bytes, not {s}")),
    }
}

fn is_dash(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A base64 result: shown, or written to `out` as base64 text (with a newline).
fn blob_field(
    fields: &mut Vec<(&'static str, String)>,
    name: &'static str,
    b64: &str,
    out: Option<&Path>,
) -> Result<(), CliError> {
    match out {
        Some(path) => {
            input::write_output(path, format!("{b64}\n").as_bytes(), false)?;
            fields.push((name, format!("written to {}", path.display())));
        }
        None => fields.push((name, b64.to_owned())),
    }
    Ok(())
}

/// A secret result: shown as base64, or written raw to `out` (0600).
fn secret_field(
    fields: &mut Vec<(&'static str, String)>,
    name: &'static str,
    b64: &str,
    out: Option<&Path>,
) -> Result<(), CliError> {
    match out {
        Some(path) => {
            let raw = input::decode_b64(b64, "the server's secret")
                .map_err(|e| CliError::Local(e.to_string()))?;
            input::write_output(path, &raw, true)?;
            fields.push((name, format!("written to {}", path.display())));
        }
        None => fields.push((name, b64.to_owned())),
    }
    Ok(())
}

fn emit(
    ctx: &Context,
    json: Result<String, serde_json::Error>,
    fields: &[(&str, String)],
) -> Result<(), CliError> {
    output::print(&match ctx.output {
        OutputFormat::Json => output::json(json)?,
        OutputFormat::Table => output::render_fields(fields),
    })
}

/// Prints the verdict of verify / mac-verify; an invalid one is exit code 7.
fn verdict(
    ctx: &Context,
    json: Result<String, serde_json::Error>,
    valid: bool,
    what: &str,
) -> Result<(), CliError> {
    output::print(&match ctx.output {
        OutputFormat::Json => output::json(json)?,
        OutputFormat::Table => verdict_text(valid, what),
    })?;
    if valid {
        Ok(())
    } else {
        Err(CliError::Invalid(format!("the {what} is not valid")))
    }
}

fn verdict_text(valid: bool, what: &str) -> String {
    if valid {
        format!("valid: the {what} matches\n")
    } else {
        format!("invalid: the {what} does not match\n")
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
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn crypto(args: &[&str]) -> Result<CryptoCommand, clap::Error> {
        let cli = Cli::try_parse_from(std::iter::once(&"keyhaven").chain(args))?;
        match cli.command {
            Command::Crypto(cmd) => Ok(cmd),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn encrypt_takes_one_data_source() {
        let CryptoCommand::Encrypt(args) =
            crypto(&["encrypt", "v/k", "--data", "hi", "--aad", "ctx"]).unwrap()
        else {
            panic!("not encrypt");
        };
        assert_eq!(args.data.read_b64().unwrap(), "aGk=");
        assert_eq!(args.aad.read().unwrap().as_deref(), Some("Y3R4"));
        for bad in [
            &["encrypt", "v/k", "--data", "a", "--data-b64", "YQ=="][..],
            &["encrypt", "v/k", "--data-b64", "YQ==", "--in", "f"],
            &["encrypt", "v/k", "--aad", "a", "--aad-file", "f"],
            &["encrypt"],
        ] {
            assert_eq!(crypto(bad).unwrap_err().exit_code(), 2, "{bad:?}");
        }
    }

    #[test]
    fn ciphertext_inputs() {
        let CryptoCommand::Decrypt(args) = crypto(&[
            "decrypt",
            "v/k",
            "--ciphertext",
            "aGk=",
            "--allow-compromised",
        ])
        .unwrap() else {
            panic!("not decrypt");
        };
        assert!(args.allow_compromised);
        assert_eq!(args.ciphertext.read().unwrap(), "aGk=");
        let CryptoCommand::Decrypt(bad) =
            crypto(&["decrypt", "v/k", "--ciphertext", "not base64!"]).unwrap()
        else {
            panic!("not decrypt");
        };
        assert_eq!(bad.ciphertext.read().unwrap_err().exit_code(), 2);
        assert!(crypto(&["decrypt", "v/k", "--ciphertext", "a", "--in", "f"]).is_err());
        assert!(matches!(
            crypto(&["rewrap", "v/k", "--in", "-"]).unwrap(),
            CryptoCommand::Rewrap(_)
        ));
    }

    #[test]
    fn verify_flags() {
        let CryptoCommand::Verify(args) = crypto(&[
            "verify",
            "v/k",
            "--data",
            "m",
            "--signature",
            "c2ln",
            "--digest",
        ])
        .unwrap() else {
            panic!("not verify");
        };
        assert!(args.digest);
        assert_eq!(args.signature.as_deref(), Some("c2ln"));
        assert!(crypto(&["verify", "v/k", "--signature", "a", "--signature-file", "f"]).is_err());
        assert!(crypto(&["mac-verify", "v/k", "--mac", "a", "--mac-file", "f"]).is_err());
    }

    #[test]
    fn datakey_flags() {
        let CryptoCommand::Datakey(args) =
            crypto(&["datakey", "v/k", "--bytes", "24", "--without-plaintext"]).unwrap()
        else {
            panic!("not datakey");
        };
        assert_eq!(args.bytes, Some(24));
        assert!(crypto(&["datakey", "v/k", "--bytes", "20"]).is_err());
        assert!(crypto(&["datakey", "v/k", "--without-plaintext", "--key-out", "f"]).is_err());
    }

    #[test]
    fn blob_and_secret_fields() {
        let dir = tempfile::tempdir().unwrap();
        let mut fields = Vec::new();
        blob_field(&mut fields, "ciphertext", "aGk=", None).unwrap();
        let out = dir.path().join("ct.b64");
        blob_field(&mut fields, "signature", "c2ln", Some(&out)).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "c2ln\n");
        let secret = dir.path().join("ss.bin");
        secret_field(&mut fields, "shared_secret", "aGk=", Some(&secret)).unwrap();
        assert_eq!(std::fs::read(&secret).unwrap(), b"hi");
        assert_eq!(fields[0], ("ciphertext", "aGk=".to_owned()));
        assert!(fields[1].1.starts_with("written to "));
        let text = output::render_fields(&fields);
        assert!(text.starts_with("ciphertext     aGk=\n"), "{text}");
    }

    #[test]
    fn verdicts() {
        assert_eq!(
            verdict_text(true, "signature"),
            "valid: the signature matches\n"
        );
        assert_eq!(
            verdict_text(false, "tag"),
            "invalid: the tag does not match\n"
        );
    }
}
