//! `keyhaven init`: initialises a data directory (root of trust, first administrator, TLS).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use keyhaven_crypto::{Argon2Params, Pkcs11Config};
use keyhaven_server::seal::InitMethod;
use keyhaven_server::InitOptions;
use serde_json::json;

use super::error::CliError;
use super::output::{self, OutputFormat};
use super::secret;

/// `keyhaven init`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("method").args(
    ["passphrase_file", "prompt_passphrase", "shares", "pkcs11_module", "env_passphrase"]
)))]
pub struct InitArgs {
    /// Data directory to create.
    #[arg(
        long,
        env = "KEYHAVEN_DATA_DIR",
        value_name = "DIR",
        default_value = "./keyhaven-data"
    )]
    pub data_dir: PathBuf,
    /// Database: `sqlite:PATH` or `postgres://USER@HOST:PORT/DB[?schema=NAME]` (default
    /// DATA_DIR/keyhaven.db). Every node of a cluster is then started with the same value.
    #[arg(long, env = "KEYHAVEN_DATABASE", value_name = "URL", value_parser = super::serve::parse_database)]
    pub database: Option<keyhaven_store::Database>,
    /// Passphrase method: the passphrase is in this file.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Passphrase method: ask on the terminal (twice).
    #[arg(long)]
    pub prompt_passphrase: bool,
    /// Passphrase method: take it from KEYHAVEN_PASSPHRASE.
    #[arg(long)]
    pub env_passphrase: bool,
    /// Argon2id memory in KiB (default 65536 = 64 MiB).
    #[arg(long, value_name = "KIB", default_value_t = Argon2Params::default().memory_kib)]
    pub argon2_memory_kib: u32,
    /// Argon2id passes (default 3).
    #[arg(long, value_name = "N", default_value_t = Argon2Params::default().iterations)]
    pub argon2_iterations: u32,
    /// Shamir method: how many shares to make (2-255). Each is printed once.
    #[arg(long, value_name = "N", requires = "threshold")]
    pub shares: Option<u8>,
    /// Shamir method: how many shares unseal (2..=shares).
    #[arg(long, value_name = "M", requires = "shares")]
    pub threshold: Option<u8>,
    /// PKCS#11 method: the module (shared library). A non-extractable AES-256 key is created
    /// in the token; it never leaves it.
    #[arg(
        long,
        env = "KEYHAVEN_PKCS11_MODULE",
        value_name = "PATH",
        requires = "pkcs11_token"
    )]
    pub pkcs11_module: Option<PathBuf>,
    /// PKCS#11 token label.
    #[arg(long, env = "KEYHAVEN_PKCS11_TOKEN", value_name = "LABEL")]
    pub pkcs11_token: Option<String>,
    /// File holding the token's user PIN (else KEYHAVEN_PKCS11_PIN).
    #[arg(long, value_name = "FILE")]
    pub pkcs11_pin_file: Option<PathBuf>,
    /// Name of the first administrator (system-admin and system-auditor).
    #[arg(long, value_name = "NAME", default_value = "admin")]
    pub admin: String,
    /// Do not create DATA_DIR/tls (bring your own certificate: serve --tls-cert/--tls-key).
    #[arg(long)]
    pub no_tls: bool,
    /// Address the server will listen on (put in the generated server certificate).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443")]
    pub listen: SocketAddr,
}

/// Runs `keyhaven init`.
pub async fn run(args: InitArgs, format: OutputFormat) -> Result<(), CliError> {
    let method = method(&args)?;
    let admin = args.admin.parse().map_err(CliError::Usage)?;
    let out = keyhaven_server::init(InitOptions {
        data_dir: args.data_dir.clone(),
        method,
        admin,
        tls_for: (!args.no_tls).then_some(args.listen),
        database: args.database,
    })
    .await
    .map_err(|e| CliError::Usage(e.to_string()))?;
    let token = secret::text(&out.admin_token, "token")?;
    let shares = out
        .shares
        .iter()
        .map(|s| secret::text(s, "share"))
        .collect::<Result<Vec<_>, _>>()?;
    let public_key = keyhaven_core::hex::encode(&out.audit_public_key);
    let text = match format {
        OutputFormat::Json => output::json(serde_json::to_string_pretty(&json!({
            "data_dir": args.data_dir,
            "method": out.method,
            "admin": out.admin,
            "admin_token": token,
            "shares": shares,
            "threshold": args.threshold,
            "audit_public_key": public_key,
            "ca_certificate": out.ca_path,
        })))?,
        OutputFormat::Table => {
            let mut t = format!(
                "keyhaven initialised in {} (unseal method: {})\n\n\
                 Administrator {}: its token is shown once; store it now:\n  {token}\n",
                args.data_dir.display(),
                out.method,
                out.admin
            );
            if !shares.is_empty() {
                t.push_str(&format!(
                    "\nShamir shares: {} of these {} unseal the server. Give each to a different \
                     custodian; they are shown once:\n",
                    args.threshold.unwrap_or(0),
                    shares.len()
                ));
                for (i, s) in shares.iter().enumerate() {
                    t.push_str(&format!("  {}. {s}\n", i + 1));
                }
            }
            t.push_str(&format!(
                "\nAudit checkpoint public key (keep a copy to verify the log offline):\n  {public_key}\n"
            ));
            if let Some(ca) = &out.ca_path {
                t.push_str(&format!(
                    "\nTLS: a CA and server certificate were created; clients trust {}\n",
                    ca.display()
                ));
            }
            t.push_str(&format!(
                "\nStart it with: keyhaven serve --data-dir {}\n",
                args.data_dir.display()
            ));
            t
        }
    };
    output::print(&text)
}

fn method(args: &InitArgs) -> Result<InitMethod, CliError> {
    if let (Some(shares), Some(threshold)) = (args.shares, args.threshold) {
        return Ok(InitMethod::Shamir { shares, threshold });
    }
    if let Some(module) = &args.pkcs11_module {
        let pin = secret::require(
            "PKCS#11 PIN",
            args.pkcs11_pin_file.as_deref(),
            Some("KEYHAVEN_PKCS11_PIN"),
            "pass --pkcs11-pin-file or set KEYHAVEN_PKCS11_PIN",
        )?;
        return Ok(InitMethod::Pkcs11(Pkcs11Config {
            module: module.clone(),
            token_label: args.pkcs11_token.clone().unwrap_or_default(),
            pin,
        }));
    }
    let params = Argon2Params {
        memory_kib: args.argon2_memory_kib,
        iterations: args.argon2_iterations,
        ..Argon2Params::default()
    };
    let passphrase = if let Some(file) = &args.passphrase_file {
        secret::require("passphrase", Some(file), None, "")?
    } else if args.env_passphrase {
        secret::require(
            "passphrase",
            None,
            Some("KEYHAVEN_PASSPHRASE"),
            "set KEYHAVEN_PASSPHRASE",
        )?
    } else if args.prompt_passphrase {
        let first = secret::require("new passphrase", None, None, "run it on a terminal")?;
        let again = secret::require("repeat the passphrase", None, None, "run it on a terminal")?;
        if first != again {
            return Err(CliError::Usage("the passphrases differ".to_owned()));
        }
        first
    } else {
        return Err(CliError::Usage(
            "choose how the server is unsealed: --passphrase-file FILE, --prompt-passphrase, \
             --env-passphrase, --shares N --threshold M, or --pkcs11-module PATH \
             --pkcs11-token LABEL"
                .to_owned(),
        ));
    };
    if passphrase.len() < 12 {
        return Err(CliError::Usage(
            "the passphrase must have at least 12 characters".to_owned(),
        ));
    }
    Ok(InitMethod::Passphrase { passphrase, params })
}
