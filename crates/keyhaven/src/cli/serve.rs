//! `keyhaven serve`: runs the server in this process.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use keyhaven_crypto::Pkcs11Config;
use keyhaven_server::{ServeOptions, ServerConfig, ServerError, TlsFiles};
use tracing_subscriber::EnvFilter;

use super::error::CliError;
use super::secret;

/// `keyhaven serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Development mode: on first start, generate a root key, a root token
    /// (DATA_DIR/root-token) and a TLS CA (DATA_DIR/tls/ca.pem) in the data directory, and
    /// unseal with them. Never for production keys.
    #[arg(long)]
    pub dev: bool,
    /// Data directory (database, TLS material; with --dev also the root key and token).
    #[arg(
        long,
        env = "KEYHAVEN_DATA_DIR",
        value_name = "DIR",
        default_value = "./keyhaven-data"
    )]
    pub data_dir: PathBuf,
    /// Database: `sqlite:PATH` or `postgres://USER@HOST:PORT/DB` (add `?schema=NAME` to keep
    /// the cluster in its own schema). Default: DATA_DIR/keyhaven.db. Several nodes serve one
    /// cluster from one PostgreSQL database (docs/DEPLOYMENT.md). Prefer the environment
    /// variable when the URL carries a password.
    #[arg(long, env = "KEYHAVEN_DATABASE", value_name = "URL", value_parser = parse_database)]
    pub database: Option<keyhaven_store::Database>,
    /// Listen address.
    #[arg(
        long,
        env = "KEYHAVEN_LISTEN",
        value_name = "ADDR",
        default_value = "127.0.0.1:8443"
    )]
    pub listen: SocketAddr,
    /// Server certificate chain (PEM); default DATA_DIR/tls/server.pem.
    #[arg(
        long,
        env = "KEYHAVEN_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,
    /// Server private key (PEM); default DATA_DIR/tls/server-key.pem.
    #[arg(
        long,
        env = "KEYHAVEN_TLS_KEY",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,
    /// CA whose client certificates may log in (mTLS, once bound to a principal); default
    /// DATA_DIR/tls/ca.pem when it exists.
    #[arg(long, env = "KEYHAVEN_CLIENT_CA", value_name = "FILE")]
    pub client_ca: Option<PathBuf>,
    /// Serve plain HTTP instead of HTTPS. Allowed only on a loopback address; for local
    /// experiments behind nothing else.
    #[arg(long)]
    pub insecure_http: bool,
    /// File holding the passphrase to unseal with at start (passphrase method). Also
    /// KEYHAVEN_PASSPHRASE. Without either the server starts sealed: `keyhaven unseal`.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Ask for the passphrase on the terminal at start.
    #[arg(long, conflicts_with = "passphrase_file")]
    pub prompt_passphrase: bool,
    /// PKCS#11 module (shared library) holding the root key (pkcs11 method).
    #[arg(long, env = "KEYHAVEN_PKCS11_MODULE", value_name = "PATH")]
    pub pkcs11_module: Option<PathBuf>,
    /// PKCS#11 token label (default: the one recorded at `keyhaven init`).
    #[arg(long, env = "KEYHAVEN_PKCS11_TOKEN", value_name = "LABEL")]
    pub pkcs11_token: Option<String>,
    /// File holding the token's user PIN (else KEYHAVEN_PKCS11_PIN).
    #[arg(long, value_name = "FILE")]
    pub pkcs11_pin_file: Option<PathBuf>,
    /// Serve KMIP (binary TTLV over TLS, client certificate required) on this address. On by
    /// default with --dev (127.0.0.1:5696); off otherwise unless given.
    #[arg(long, env = "KEYHAVEN_KMIP_LISTEN", value_name = "ADDR")]
    pub kmip_listen: Option<SocketAddr>,
    /// Turn the KMIP listener off (also in --dev).
    #[arg(long, conflicts_with = "kmip_listen")]
    pub no_kmip: bool,
    /// Vault that objects created over KMIP go to (created on first use, with no
    /// pending-destruction period). Grant KMIP clients roles in it.
    #[arg(
        long,
        env = "KEYHAVEN_KMIP_VAULT",
        value_name = "NAME",
        default_value = "kmip"
    )]
    pub kmip_vault: String,
    /// Crypto policy document (JSON) replacing the built-in policy; the server refuses to
    /// start when it does not parse. Vaults can only tighten it (docs/POLICY.md).
    #[arg(long, env = "KEYHAVEN_POLICY", value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// A PKCS#11 module (shared library) that `pkcs11` keystores may load (repeatable). Vault
    /// admins register keystores; only the modules listed here can be used (with --dev,
    /// SoftHSM2's module is allowed when installed). See docs/KEYSTORES.md.
    #[arg(long = "keystore-pkcs11-module", value_name = "PATH")]
    pub pkcs11_modules: Vec<PathBuf>,
    /// Scheduled backups: write a whole-instance backup to DIR every --backup-interval,
    /// protected for the --backup-recipient public keys (docs/BACKUP.md).
    #[arg(
        long,
        env = "KEYHAVEN_BACKUP_DIR",
        value_name = "DIR",
        requires = "backup_recipients"
    )]
    pub backup_dir: Option<PathBuf>,
    /// Time between scheduled backups: 24h, 30m, 90s, 7d.
    #[arg(long, value_name = "DURATION", default_value = "24h",
          value_parser = super::token::parse_ttl)]
    pub backup_interval: u64,
    /// Scheduled backup files kept in --backup-dir (the oldest are deleted).
    #[arg(long, value_name = "N", default_value_t = 14)]
    pub backup_keep: usize,
    /// A recipient's public key (PEM: RSA-3072 or larger, or ML-KEM-768) for scheduled
    /// backups; repeatable, any one recipient restores. `keyhaven backup keygen` makes one.
    #[arg(long = "backup-recipient", value_name = "PUBLIC_KEY_FILE")]
    pub backup_recipients: Vec<PathBuf>,
}

/// Runs the server until SIGINT/SIGTERM. Logs go to stderr, filtered by `RUST_LOG`
/// (default `info`).
pub async fn run(args: ServeArgs) -> Result<(), CliError> {
    init_logging();
    let mut config = ServerConfig::new(args.data_dir, args.listen, args.dev);
    config.database = args.database;
    if let Some(dir) = &args.backup_dir {
        let mut recipients = Vec::new();
        for path in &args.backup_recipients {
            let pem = std::fs::read_to_string(path)
                .map_err(|e| CliError::io(format!("cannot read {}", path.display()), &e))?;
            recipients.push(
                keyhaven_crypto::backup::RecipientKey::from_pem(&pem)
                    .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?,
            );
        }
        config.backups = Some(keyhaven_server::backup_schedule::BackupSchedule {
            dir: dir.clone(),
            interval: std::time::Duration::from_secs(args.backup_interval),
            keep: args.backup_keep,
            recipients,
        });
    }
    config
        .service
        .pkcs11_modules
        .extend(args.pkcs11_modules.iter().cloned());
    if let Some(path) = &args.policy {
        config.service.policy = read_policy(path)?;
    }
    config.tls = TlsFiles {
        cert: args.tls_cert,
        key: args.tls_key,
        client_ca: args.client_ca,
    };
    config.insecure_http = args.insecure_http;
    config.kmip.listen = match (args.kmip_listen, args.no_kmip, args.dev) {
        (Some(addr), _, _) => Some(addr),
        (None, false, true) => Some(SocketAddr::from((
            [127, 0, 0, 1],
            keyhaven_server::kmip::KMIP_PORT,
        ))),
        _ => None,
    };
    config.kmip.required = args.kmip_listen.is_some();
    config.kmip.vault = args
        .kmip_vault
        .parse()
        .map_err(|e: String| CliError::Usage(format!("--kmip-vault: {e}")))?;
    config.passphrase = if args.dev {
        None
    } else {
        secret::read(
            "passphrase",
            args.passphrase_file.as_deref(),
            Some("KEYHAVEN_PASSPHRASE"),
            args.prompt_passphrase,
        )?
    };
    if let Some(module) = args.pkcs11_module {
        let pin = secret::require(
            "PKCS#11 PIN",
            args.pkcs11_pin_file.as_deref(),
            Some("KEYHAVEN_PKCS11_PIN"),
            "pass --pkcs11-pin-file or set KEYHAVEN_PKCS11_PIN",
        )?;
        config.pkcs11 = Some(Pkcs11Config {
            module,
            token_label: args.pkcs11_token.unwrap_or_default(),
            pin,
        });
    }
    keyhaven_server::run(ServeOptions { config })
        .await
        .map_err(|e| match e {
            ServerError::Startup(m) => CliError::Usage(format!("cannot start: {m}")),
            ServerError::Runtime(m) => CliError::Local(format!("the server stopped: {m}")),
        })
}

/// Reads a `--policy` file; any problem stops start-up with a message naming the file.
fn read_policy(path: &std::path::Path) -> Result<keyhaven_core::policy::CryptoPolicy, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::Usage(format!(
            "cannot start: cannot read the policy file {}: {e}",
            path.display()
        ))
    })?;
    keyhaven_core::policy::CryptoPolicy::from_json(&text).map_err(|e| {
        CliError::Usage(format!(
            "cannot start: the policy file {} is not a valid policy document: {e} \
             (fix it, or leave --policy out to use the built-in policy)",
            path.display()
        ))
    })
}

fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Fails only if a subscriber is already installed, which then keeps logging.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// Reads a `--database` value.
pub fn parse_database(s: &str) -> Result<keyhaven_store::Database, String> {
    keyhaven_store::Database::parse(s).map_err(|e| e.to_string())
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

    #[test]
    fn defaults() {
        let cli = Cli::try_parse_from(["keyhaven", "serve", "--dev"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve");
        };
        assert!(args.dev);
        if std::env::var_os("KEYHAVEN_DATA_DIR").is_none() {
            assert_eq!(args.data_dir, PathBuf::from("./keyhaven-data"));
        }
        if std::env::var_os("KEYHAVEN_LISTEN").is_none() {
            assert_eq!(args.listen, "127.0.0.1:8443".parse::<SocketAddr>().unwrap());
        }
        assert!(!args.insecure_http);
    }

    #[test]
    fn bad_listen_address_is_a_usage_error() {
        let err =
            Cli::try_parse_from(["keyhaven", "serve", "--dev", "--listen", "nowhere"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let err = Cli::try_parse_from(["keyhaven", "serve", "--tls-cert", "c.pem"]).unwrap_err();
        assert_eq!(err.exit_code(), 2, "a certificate needs its key");
    }

    #[test]
    fn a_bad_policy_file_stops_start_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.json");
        std::fs::write(&path, "{ not json").unwrap();
        let err = read_policy(&path).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("policy.json"), "{err}");
        assert!(err.to_string().contains("not a valid policy"), "{err}");
        let missing = read_policy(&dir.path().join("nope.json")).unwrap_err();
        assert!(missing.to_string().contains("cannot read"), "{missing}");
    }

    #[tokio::test]
    async fn an_uninitialised_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cli = Cli::try_parse_from([
            "keyhaven",
            "serve",
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
            "--insecure-http",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve");
        };
        let err = run(args).await.unwrap_err();
        assert!(err.to_string().contains("keyhaven init"), "{err}");
    }
}
