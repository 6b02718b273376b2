//! The command line: `keyhaven <noun> <verb>`, global connection flags, dispatch and exit
//! codes. Each noun lives in its own module.

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand};
use keyhaven_client::{Client, ClientBuilder, DEFAULT_ADDR};

pub mod audit;
pub mod backup;
pub mod crypto;
pub mod discover;
pub mod distribution;
pub mod error;
pub mod import;
pub mod init;
pub mod input;
pub mod key;
pub mod keyref;
pub mod keystore;
pub mod kmip;
pub mod migrate;
pub mod output;
pub mod policy;
pub mod principal;
pub mod report;
pub mod role;
pub mod secret;
pub mod serve;
pub mod sys;
pub mod template;
pub mod token;
pub mod vault;

pub use error::CliError;
pub use output::OutputFormat;

/// keyhaven: key lifecycle management.
#[derive(Debug, Parser)]
#[command(
    name = "keyhaven",
    version,
    about = "keyhaven key lifecycle management: server, CLI and load generator",
    long_about = "keyhaven key lifecycle management: server, CLI and load generator.\n\n\
        `keyhaven serve --dev` runs a development server; the other commands talk to a server \
        over HTTPS with a bearer token. Keys are named by id (UUID) or as VAULT/NAME.",
    after_long_help = error::EXIT_CODES_HELP,
    propagate_version = true
)]
pub struct Cli {
    /// Connection and output flags shared by all commands.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every client command understands.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Server URL.
    #[arg(long, global = true, env = "KEYHAVEN_ADDR", default_value = DEFAULT_ADDR)]
    pub addr: String,
    /// API bearer token (prefer the environment: command lines are visible to others).
    #[arg(long, global = true, env = "KEYHAVEN_TOKEN", hide_env_values = true)]
    pub token: Option<Token>,
    /// File holding the API token, used when --token / KEYHAVEN_TOKEN is not set.
    #[arg(long, global = true, env = "KEYHAVEN_TOKEN_FILE", value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// PEM file with the CA certificate that issued the server's certificate (default: the
    /// system's CAs).
    #[arg(long, global = true, env = "KEYHAVEN_CACERT", value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Client certificate (PEM) for mTLS login instead of a token.
    #[arg(
        long,
        global = true,
        env = "KEYHAVEN_CLIENT_CERT",
        value_name = "FILE",
        requires = "client_key"
    )]
    pub client_cert: Option<PathBuf>,
    /// The client certificate's private key (PEM).
    #[arg(
        long,
        global = true,
        env = "KEYHAVEN_CLIENT_KEY",
        value_name = "FILE",
        requires = "client_cert"
    )]
    pub client_key: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// The API token. `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// The secret value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl FromStr for Token {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Token, Self::Err> {
        Ok(Token(s.to_owned()))
    }
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the keyhaven server.
    Serve(serve::ServeArgs),
    /// Initialise a data directory: root of trust (passphrase, Shamir shares or HSM), first
    /// administrator, TLS certificates.
    Init(init::InitArgs),
    /// Unseal a sealed server (passphrase, Shamir shares, HSM PIN).
    Unseal(sys::UnsealArgs),
    /// Seal the server now: keys and the root key leave its memory (system-admin).
    Seal,
    /// Whether the server is sealed (no authentication).
    Status,
    /// The root key (system-admin).
    #[command(subcommand)]
    Root(sys::RootCommand),
    /// Manage principals (users and services) and their client certificates.
    #[command(subcommand)]
    Principal(principal::PrincipalCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Grant and revoke vault roles.
    #[command(subcommand)]
    Role(role::RoleCommand),
    /// Query, verify and export the audit log.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Show who you are authenticated as and your roles.
    Whoami,
    /// Manage vaults (access boundaries holding keys).
    #[command(subcommand)]
    Vault(vault::VaultCommand),
    /// Manage keys: create, list, inspect, change lifecycle state, rotate, purge.
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Manage a vault's external keystores (PKCS#11 HSM tokens, KMIP servers, AWS KMS) that
    /// keys are distributed to.
    #[command(subcommand)]
    Keystore(keystore::KeystoreCommand),
    /// Manage key templates of a vault (algorithm, usage, cryptoperiod, rotation, naming).
    #[command(subcommand)]
    Template(template::TemplateCommand),
    /// Show the crypto policy; set or remove a vault's override.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Cryptographic operations with a key.
    #[command(flatten)]
    Crypto(crypto::CryptoCommand),
    /// Load-test a running server over HTTPS keep-alive connections.
    Bench(crate::bench::BenchArgs),
    /// KMIP tools: replay OASIS KMIP test cases against a KMIP server.
    #[command(subcommand)]
    Kmip(kmip::KmipCommand),
    /// Reports: the compliance report of your keys against the crypto policy.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Inventory keys and certificates in files or on a TLS server, judged by the crypto
    /// policy; optionally import the private keys.
    Discover(discover::DiscoverArgs),
    /// Move an instance from SQLite to PostgreSQL and verify the copy (server stopped).
    Migrate(migrate::MigrateArgs),
    /// Backups: create (encrypted, while serving), verify, restore into an empty instance.
    #[command(subcommand)]
    Backup(backup::BackupCommand),
}

/// What a client command needs: a connected client and the output format.
#[derive(Debug)]
pub struct Context {
    /// The REST client.
    pub client: Client,
    /// `--output`.
    pub output: OutputFormat,
}

impl GlobalArgs {
    /// The token from `--token`/`KEYHAVEN_TOKEN`, else from `--token-file`.
    pub fn resolve_token(&self) -> Result<Token, CliError> {
        if let Some(token) = &self.token {
            return Ok(token.clone());
        }
        if let Some(path) = &self.token_file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                CliError::Usage(format!(
                    "cannot read the token file {}: {e}",
                    path.display()
                ))
            })?;
            return Ok(Token(text.trim().to_owned()));
        }
        Err(CliError::Usage(
            "no API token: set KEYHAVEN_TOKEN or KEYHAVEN_TOKEN_FILE, or pass --token \
             (a dev server writes keyhaven-data/root-token)"
                .to_owned(),
        ))
    }

    /// The CA PEM from `--cacert`, if given.
    pub fn read_cacert(&self) -> Result<Option<Vec<u8>>, CliError> {
        match &self.cacert {
            None => Ok(None),
            Some(path) => std::fs::read(path).map(Some).map_err(|e| {
                CliError::Usage(format!("cannot read the CA file {}: {e}", path.display()))
            }),
        }
    }

    /// A client builder for the configured server, credential (token, or client
    /// certificate) and CA.
    pub fn client_builder(&self) -> Result<ClientBuilder, CliError> {
        let mut builder = self.anonymous_builder()?;
        if let (Some(cert), Some(key)) = (&self.client_cert, &self.client_key) {
            let read = |p: &PathBuf| {
                std::fs::read(p)
                    .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", p.display())))
            };
            builder = builder.client_identity_pem(read(cert)?, read(key)?);
            if self.token.is_none() && self.token_file.is_none() {
                return Ok(builder);
            }
        }
        let token = self.resolve_token()?;
        Ok(builder.token(token.expose()))
    }

    /// A client builder without credentials (seal status, unseal).
    pub fn anonymous_builder(&self) -> Result<ClientBuilder, CliError> {
        let mut builder = ClientBuilder::new(self.addr.clone());
        if let Some(pem) = self.read_cacert()? {
            builder = builder.ca_pem(pem);
        }
        Ok(builder)
    }

    /// Connects: builds the client (no request is sent yet).
    pub fn context(&self) -> Result<Context, CliError> {
        let client = self.client_builder()?.build().map_err(CliError::Client)?;
        Ok(Context {
            client,
            output: self.output,
        })
    }
}

/// Parses the command line, runs the command and turns the outcome into an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = cli.global.output;
    let addr = cli.global.addr.clone();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let err = CliError::io("cannot start the async runtime", &e);
            error::report(&err, format, &addr);
            return ExitCode::from(err.exit_code());
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // The verdict of verify / mac-verify is already on stdout.
            if !matches!(err, CliError::Invalid(_)) {
                error::report(&err, format, &addr);
            }
            ExitCode::from(err.exit_code())
        }
    }
}

/// Runs one parsed command.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let Cli { global, command } = cli;
    let anonymous = || -> Result<Client, CliError> {
        global
            .anonymous_builder()?
            .build()
            .map_err(CliError::Client)
    };
    match command {
        Command::Serve(args) => serve::run(args).await,
        Command::Init(args) => init::run(args, global.output).await,
        Command::Migrate(args) => migrate::run(args, global.output).await,
        Command::Backup(cmd) => backup::run(|| global.context(), cmd, global.output).await,
        Command::Unseal(args) => sys::unseal(&anonymous()?, args, global.output).await,
        Command::Status => sys::status(&anonymous()?, global.output).await,
        Command::Seal => sys::seal(&global.context()?).await,
        Command::Root(cmd) => sys::root(&global.context()?, cmd).await,
        Command::Principal(cmd) => principal::run(&global.context()?, cmd).await,
        Command::Token(cmd) => token::run(&global.context()?, cmd).await,
        Command::Role(cmd) => role::run(&global.context()?, cmd).await,
        Command::Whoami => principal::whoami(&global.context()?).await,
        Command::Audit(audit::AuditCommand::Verify(args))
            if args.database.is_some() || args.export.is_some() =>
        {
            audit::verify(None, args, global.output).await
        }
        Command::Audit(cmd) => audit::run(&global.context()?, cmd).await,
        Command::Vault(cmd) => vault::run(&global.context()?, cmd).await,
        Command::Key(cmd) => key::run(&global.context()?, cmd).await,
        Command::Template(cmd) => template::run(&global.context()?, cmd).await,
        Command::Keystore(cmd) => keystore::run(&global.context()?, cmd).await,
        Command::Policy(cmd) => policy::run(&global.context()?, cmd).await,
        Command::Crypto(cmd) => crypto::run(&global.context()?, cmd).await,
        Command::Bench(args) => crate::bench::run(&global, args).await,
        Command::Discover(args) => discover::run(&global, args).await,
        Command::Report(cmd) => report::run(&global.context()?, cmd).await,
        Command::Kmip(cmd) => tokio::task::spawn_blocking(move || kmip::run(&global, cmd))
            .await
            .map_err(|e| CliError::Local(format!("the KMIP task failed: {e}")))?,
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
    use clap::error::ErrorKind;
    use clap::CommandFactory;

    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("keyhaven").chain(args.iter().copied()))
    }

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_work_anywhere() {
        let cli = parse(&[
            "key",
            "list",
            "--addr",
            "https://kms:9443",
            "--output",
            "json",
            "--token",
            "t0k",
            "--cacert",
            "/ca.pem",
        ])
        .unwrap();
        assert_eq!(cli.global.addr, "https://kms:9443");
        assert_eq!(cli.global.output, OutputFormat::Json);
        assert_eq!(cli.global.token.as_ref().map(Token::expose), Some("t0k"));
        assert_eq!(cli.global.cacert, Some(PathBuf::from("/ca.pem")));
        let cli = parse(&["-o", "json", "vault", "list"]).unwrap();
        assert_eq!(cli.global.output, OutputFormat::Json);
    }

    #[test]
    fn debug_output_hides_the_token() {
        let cli = parse(&["--token", "sup3r-secret", "vault", "list"]).unwrap();
        let shown = format!("{cli:?}");
        assert!(!shown.contains("sup3r-secret"), "{shown}");
    }

    #[test]
    fn token_file_is_read_and_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("root-token");
        std::fs::write(&path, "abc123\n").unwrap();
        let cli = parse(&["--token-file", path.to_str().unwrap(), "vault", "list"]).unwrap();
        // KEYHAVEN_TOKEN may be set in the environment running the tests.
        if cli.global.token.is_none() {
            assert_eq!(cli.global.resolve_token().unwrap().expose(), "abc123");
        }
        let missing = GlobalArgs {
            addr: DEFAULT_ADDR.into(),
            token: None,
            token_file: None,
            cacert: None,
            client_cert: None,
            client_key: None,
            output: OutputFormat::Table,
        };
        assert_eq!(missing.resolve_token().unwrap_err().exit_code(), 2);
    }

    #[test]
    fn usage_errors_exit_2() {
        for args in [
            &["frobnicate"][..],
            &["key"],
            &["key", "show"],
            &["key", "show", "not-a-key"],
            &["--output", "yaml", "vault", "list"],
            &["encrypt", "v/k", "--data", "x", "--in", "f"],
            &["bench", "--duration", "601"],
            &["bench", "--connections", "0"],
        ] {
            let err = parse(args).expect_err(&args.join(" "));
            assert_eq!(err.exit_code(), 2, "{args:?}: {err}");
        }
    }

    #[test]
    fn help_documents_exit_codes() {
        let err = parse(&["--help"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DisplayHelp);
        let help = err.to_string();
        assert!(help.contains("Exit codes:"), "{help}");
        assert!(
            help.contains("7  a check failed: verify / mac-verify returned valid: false"),
            "{help}"
        );
    }

    #[test]
    fn all_nouns_and_verbs_exist() {
        let id = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
        let ok: &[&[&str]] = &[
            &[
                "serve",
                "--dev",
                "--data-dir",
                "/tmp/kh",
                "--listen",
                "127.0.0.1:9443",
            ],
            &["vault", "create", "prod", "--pending-destruction-days", "0"],
            &["vault", "list"],
            &["vault", "show", "prod"],
            &[
                "vault",
                "update",
                "prod",
                "--pending-destruction-days",
                "30",
            ],
            &["vault", "delete", "prod"],
            &[
                "key",
                "create",
                "prod/db",
                "--algorithm",
                "aes-256",
                "--active",
            ],
            &[
                "key", "list", "--vault", "prod", "--state", "active", "--all",
            ],
            &["key", "show", id],
            &[
                "key",
                "update",
                "prod/db",
                "--description",
                "x",
                "--tag",
                "a=b",
            ],
            &["key", "history", "prod/db"],
            &["key", "versions", "prod/db"],
            &["key", "activate", "prod/db"],
            &["key", "deactivate", "prod/db", "--reason", "done"],
            &["key", "reactivate", "prod/db"],
            &["key", "rotate", "prod/db"],
            &["key", "compromise", "prod/db"],
            &["key", "destroy", "prod/db"],
            &["key", "cancel-destroy", "prod/db"],
            &["key", "purge", "prod/db"],
            &["key", "public-key", "prod/sig"],
            &["encrypt", "prod/db", "--data", "hi"],
            &["decrypt", "prod/db", "--ciphertext", "AAAA"],
            &["sign", "prod/sig", "--in", "msg.txt"],
            &[
                "verify",
                "prod/sig",
                "--in",
                "msg.txt",
                "--signature",
                "AAAA",
            ],
            &["mac", "prod/hmac", "--data", "x"],
            &["mac-verify", "prod/hmac", "--data", "x", "--mac", "AAAA"],
            &["datakey", "prod/db", "--bytes", "16"],
            &["rewrap", "prod/db", "--in", "ct.b64"],
            &["encapsulate", "prod/kem"],
            &["decapsulate", "prod/kem", "--ciphertext", "AAAA"],
            &[
                "bench",
                "--connections",
                "2",
                "--duration",
                "1",
                "--ops",
                "noop,encrypt",
            ],
        ];
        for args in ok {
            parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        }
    }
}
