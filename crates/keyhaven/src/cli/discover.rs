//! `keyhaven discover`: an inventory of the keys and certificates in files and directories
//! (`discover PATH...`) or presented by a TLS server (`discover tls HOST:PORT`), judged by the
//! crypto policy, and optionally imported as managed keys (`--import --vault V`).
//!
//! Discovery reads PEM and DER files (PKCS#1, PKCS#8 encrypted or not, SEC1, SubjectPublicKeyInfo,
//! X.509) and OpenSSH keys. It never prints private key material: only algorithms, sizes,
//! fingerprints of public keys and certificate details.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use keyhaven_core::policy::CryptoPolicy;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::error::CliError;
use super::output::{self, OutputFormat};
use super::GlobalArgs;

mod alg;
mod cert;
mod der;
mod findings;
mod import;
mod keys;
mod parse;
mod pbes;
pub mod report;
mod ssh;
mod tls;
mod walk;

use import::Material;
use report::{Finding, Report, Severity, Warning};

/// `keyhaven discover`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Directories are walked recursively; symbolic links inside them are not \
                  followed and files over 1 MiB are skipped. A directory named `tls` must be \
                  given as `./tls`."
)]
pub struct DiscoverArgs {
    /// Read a TLS server's certificate chain instead of files.
    #[command(subcommand)]
    pub source: Option<DiscoverSource>,
    /// Files and directories to scan.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// File whose first line is the passphrase of encrypted PKCS#8 keys (PBES2: PBKDF2 with
    /// AES-CBC); without it their algorithm stays unknown.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Other sources than files.
#[derive(Debug, Subcommand)]
pub enum DiscoverSource {
    /// Read the certificate chain a TLS server presents. The chain is recorded, not trusted:
    /// any certificate is accepted, and no data is sent.
    Tls(TlsArgs),
}

/// `keyhaven discover tls`.
#[derive(Debug, Args)]
pub struct TlsArgs {
    /// The server: HOST:PORT, [IPv6]:PORT, or HOST for port 443.
    #[arg(value_name = "HOST:PORT")]
    pub target: String,
    /// Server name to send (SNI); default: the host.
    #[arg(long, value_name = "NAME")]
    pub servername: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Flags of both forms.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Register each private key found as a managed key in --vault (origin `imported`).
    #[arg(long, requires = "vault")]
    pub import: bool,
    /// The vault to import into.
    #[arg(long, value_name = "VAULT", requires = "import")]
    pub vault: Option<String>,
    /// Prefix of the imported keys' names (default `discovered-`); the rest is the file name.
    #[arg(long, value_name = "PREFIX", requires = "import")]
    pub name_prefix: Option<String>,
    /// Exit with code 7 if any finding is at least this severe (info, warning, high).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
}

/// Runs a discovery and prints the inventory.
pub async fn run(global: &GlobalArgs, args: DiscoverArgs) -> Result<(), CliError> {
    let now = OffsetDateTime::now_utc();
    let policy = CryptoPolicy::builtin();
    let (mut report, materials, common) = match args.source {
        Some(DiscoverSource::Tls(t)) => {
            let (report, materials) = scan_tls(&t, &policy, now).await?;
            (report, materials, t.common)
        }
        None => {
            let passphrase = match &args.passphrase_file {
                Some(path) => Some(read_passphrase(path)?),
                None => None,
            };
            let paths = args.paths;
            let (report, materials) = tokio::task::spawn_blocking(move || {
                scan_paths(
                    &paths,
                    passphrase.as_deref().map(Vec::as_slice),
                    &policy,
                    now,
                )
            })
            .await
            .map_err(|e| CliError::Local(format!("the discovery task failed: {e}")))?;
            (report, materials, args.common)
        }
    };
    let locations = report.locations();
    report.shared_keys = findings::shared_keys(&mut report.items, &locations);
    if let (true, Some(vault)) = (common.import, &common.vault) {
        let ctx = global.context()?;
        let prefix = common
            .name_prefix
            .as_deref()
            .unwrap_or(import::DEFAULT_PREFIX);
        import::import_all(&ctx.client, vault, prefix, &mut report.items, &materials).await?;
    }
    drop(materials);
    output::print(&match global.output {
        OutputFormat::Json => output::json(serde_json::to_string_pretty(&report))?,
        OutputFormat::Table => report.render_table(),
    })?;
    match (common.fail_on, report.worst()) {
        (Some(threshold), Some(worst)) if worst >= threshold => {
            let message = format!(
                "discover: a finding is {} (--fail-on {})",
                worst.name(),
                threshold.name()
            );
            eprintln!("{message}");
            Err(CliError::Invalid(message))
        }
        _ => Ok(()),
    }
}

/// The passphrase: the file's first line, without its line ending.
fn read_passphrase(path: &Path) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| {
        CliError::Usage(format!(
            "cannot read the passphrase file {}: {e}",
            path.display()
        ))
    })?);
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Ok(Zeroizing::new(line.to_vec()))
}

/// Walks `paths` and parses every file.
fn scan_paths(
    paths: &[PathBuf],
    passphrase: Option<&[u8]>,
    policy: &CryptoPolicy,
    now: OffsetDateTime,
) -> (Report, Vec<Material>) {
    let walk = walk::collect(paths);
    let mut report = Report {
        files_too_large: walk.too_large,
        links_skipped: walk.links,
        warnings: walk.warnings,
        ..Report::default()
    };
    let mut materials = Vec::new();
    for path in &walk.files {
        let shown = path.display().to_string();
        let bytes = match walk::read(path) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                report.files_too_large += 1;
                continue;
            }
            Err(message) => {
                report.warnings.push(Warning {
                    path: shown,
                    message,
                });
                continue;
            }
        };
        report.files_scanned += 1;
        let parsed = parse::parse_file(&bytes, passphrase);
        for message in parsed.problems {
            report.warnings.push(Warning {
                path: shown.clone(),
                message,
            });
        }
        for (i, found) in parsed.found.into_iter().enumerate() {
            report
                .items
                .push(findings::item(&found, &shown, i + 1, policy, now));
            materials.push(Material {
                alg: found.alg,
                pkcs8: found.pkcs8,
            });
        }
    }
    (report, materials)
}

/// Reads and assesses a TLS server's chain.
async fn scan_tls(
    args: &TlsArgs,
    policy: &CryptoPolicy,
    now: OffsetDateTime,
) -> Result<(Report, Vec<Material>), CliError> {
    let presented = tls::fetch(&args.target, args.servername.as_deref()).await?;
    let path = format!("tls://{}", presented.session.target);
    let mut report = Report {
        tls: Some(presented.session),
        ..Report::default()
    };
    for (i, der) in presented.chain.iter().enumerate() {
        match parse::certificate(der, "TLS") {
            Ok(found) => report
                .items
                .push(findings::item(&found, &path, i + 1, policy, now)),
            Err(message) => report.warnings.push(Warning {
                path: format!("{path}#{}", i + 1),
                message,
            }),
        }
    }
    chain_order(&mut report);
    let materials = report.items.iter().map(|_| Material::default()).collect();
    Ok((report, materials))
}

/// Flags a chain whose certificates are not each issued by the next one.
fn chain_order(report: &mut Report) {
    let mut previous_issuer: Option<Vec<u8>> = None;
    for item in &mut report.items {
        let Some(c) = &item.certificate else { continue };
        if let Some(issuer) = &previous_issuer {
            if *issuer != c.raw_subject {
                item.findings.push(Finding::new(
                    "chain-order",
                    Severity::Warning,
                    "this certificate did not issue the one before it: a server should send \
                     its certificate first, then each issuer in turn"
                        .to_owned(),
                ));
            }
        }
        previous_issuer = Some(c.raw_issuer.clone());
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

    fn parse(args: &[&str]) -> Result<DiscoverArgs, clap::Error> {
        let cli = Cli::try_parse_from(["keyhaven", "discover"].iter().chain(args))?;
        match cli.command {
            Command::Discover(args) => Ok(args),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn paths_tls_and_import_flags() {
        let a = parse(&[
            "a.pem",
            "dir",
            "--passphrase-file",
            "p",
            "--fail-on",
            "high",
        ])
        .unwrap();
        assert!(a.source.is_none());
        assert_eq!(a.paths, [PathBuf::from("a.pem"), PathBuf::from("dir")]);
        assert_eq!(a.common.fail_on, Some(Severity::High));
        let a = parse(&[
            "tls",
            "example.com:443",
            "--servername",
            "www.example.com",
            "--import",
            "--vault",
            "v",
        ])
        .unwrap();
        let Some(DiscoverSource::Tls(t)) = a.source else {
            panic!("not tls");
        };
        assert_eq!(t.target, "example.com:443");
        assert_eq!(t.servername.as_deref(), Some("www.example.com"));
        assert!(t.common.import);
        let a = parse(&["./tls", "--import", "--vault", "v", "--name-prefix", "x-"]).unwrap();
        assert_eq!(a.paths, [PathBuf::from("./tls")]);
        assert_eq!(a.common.name_prefix.as_deref(), Some("x-"));
        for bad in [
            &[][..],
            &["a", "--import"],
            &["a", "--vault", "v"],
            &["a", "--fail-on", "severe"],
            &["tls"],
        ] {
            assert_eq!(parse(bad).unwrap_err().exit_code(), 2, "{bad:?}");
        }
    }

    #[test]
    fn the_passphrase_is_the_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        std::fs::write(&path, "s3cret\r\nsecond line\n").unwrap();
        assert_eq!(read_passphrase(&path).unwrap().as_slice(), b"s3cret");
        let missing = read_passphrase(&dir.path().join("none")).unwrap_err();
        assert_eq!(missing.exit_code(), 2);
    }
}
