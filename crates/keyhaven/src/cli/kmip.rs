//! `keyhaven kmip`: KMIP tools. `replay` runs OASIS KMIP test-case files (XML request /
//! response pairs) against a KMIP server and compares every response with the expected one.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};
use keyhaven_kmip::replay::{run_case, CaseResult};
use keyhaven_kmip::ttlv::{self, Limits, Ttlv};
use keyhaven_kmip::xml::parse_test_case;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};

use super::error::CliError;
use super::GlobalArgs;

/// `keyhaven kmip ...`.
#[derive(Debug, Subcommand)]
pub enum KmipCommand {
    /// Replay OASIS KMIP test-case XML files against a KMIP server; prints PASS/FAIL per file
    /// with the first difference, then `N passed, M failed`. Exits non-zero on any failure.
    Replay(ReplayArgs),
}

/// `keyhaven kmip replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Test-case files, or directories of them (`*.xml`, sorted by name).
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    pub paths: Vec<PathBuf>,
    /// CA certificate (PEM) that issued the server's certificate; default DATA_DIR/tls/ca.pem.
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Client certificate (PEM); default DATA_DIR/tls/client.pem (the development client).
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// Client private key (PEM); default DATA_DIR/tls/client-key.pem.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Data directory of a `serve --dev` instance, where the TLS defaults come from.
    #[arg(
        long,
        env = "KEYHAVEN_DATA_DIR",
        value_name = "DIR",
        default_value = "./keyhaven-data"
    )]
    pub data_dir: PathBuf,
    /// Seconds to wait for each response.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// Also print the tolerated (illustrative) differences of passing files.
    #[arg(long)]
    pub verbose: bool,
}

/// Test cases that exercise what keyhaven deliberately refuses; reported as not applicable
/// (see docs/KMIP.md, "Known deviations").
const NOT_APPLICABLE: [(&str, &str); 8] = [
    (
        "SKFF-M-4-14",
        "Triple DES keys: withdrawn by NIST SP 800-131A, refused for new keys",
    ),
    (
        "SKFF-M-8-14",
        "Triple DES keys: withdrawn by NIST SP 800-131A, refused for new keys",
    ),
    (
        "SKFF-M-12-14",
        "Triple DES keys: withdrawn by NIST SP 800-131A, refused for new keys",
    ),
    (
        "SKFF-M-4-21",
        "Triple DES keys: withdrawn by NIST SP 800-131A, refused for new keys",
    ),
    ("CS-AC-M-OAEP-7-14", OAEP_MIXED),
    ("CS-AC-M-OAEP-8-14", OAEP_MIXED),
    ("CS-AC-M-OAEP-9-14", OAEP_MIXED),
    ("CS-AC-M-OAEP-10-14", OAEP_MIXED),
];

const OAEP_MIXED: &str =
    "RSA-OAEP with an MGF1 hash other than the OAEP hash (SHA-384 / MGF1-SHA-256): \
     refused; aws-lc, keyhaven's cryptographic module, pairs MGF1 with the OAEP hash only, and \
     keyhaven does not implement RSA private-key operations outside it";

/// Default KMIP address when `--addr` holds a URL (the REST address) rather than HOST:PORT.
const DEFAULT_KMIP_ADDR: &str = "127.0.0.1:5696";

/// Runs a `keyhaven kmip` command.
pub fn run(global: &GlobalArgs, cmd: KmipCommand) -> Result<(), CliError> {
    match cmd {
        KmipCommand::Replay(args) => replay(global, args),
    }
}

fn replay(global: &GlobalArgs, args: ReplayArgs) -> Result<(), CliError> {
    // `--addr` is the CLI's global server address; for KMIP it is HOST:PORT. A URL there (the
    // REST default or KEYHAVEN_ADDR) is not a KMIP address: use the KMIP default.
    let addr = if global.addr.contains("://") {
        DEFAULT_KMIP_ADDR.to_owned()
    } else {
        global.addr.clone()
    };
    let tls = args.data_dir.join("tls");
    let ca = args.ca.clone().unwrap_or_else(|| tls.join("ca.pem"));
    let cert = args.cert.clone().unwrap_or_else(|| tls.join("client.pem"));
    let key = args
        .key
        .clone()
        .unwrap_or_else(|| tls.join("client-key.pem"));
    let config = Arc::new(client_config(&ca, &cert, &key)?);
    let files = collect(&args.paths)?;
    if files.is_empty() {
        return Err(CliError::Usage(
            "no test-case files (*.xml) found".to_owned(),
        ));
    }
    let (mut passed, mut failed, mut skipped) = (0usize, 0usize, 0usize);
    for file in &files {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some((_, why)) = NOT_APPLICABLE.iter().find(|(n, _)| *n == stem) {
            println!("N/A  {}: {why}", file.display());
            skipped += 1;
            continue;
        }
        let outcome = replay_file(&addr, &config, file, args.timeout);
        match outcome {
            Ok(CaseResult::Passed { tolerated }) => {
                passed += 1;
                println!("PASS {}", file.display());
                if args.verbose {
                    for t in tolerated {
                        println!("       tolerated: {t:?}");
                    }
                }
            }
            Ok(CaseResult::Failed { difference, .. }) => {
                failed += 1;
                println!("FAIL {}: {difference}", file.display());
            }
            Ok(CaseResult::Error { exchange, message }) => {
                failed += 1;
                println!("FAIL {}: exchange {exchange}: {message}", file.display());
            }
            Err(message) => {
                failed += 1;
                println!("FAIL {}: {message}", file.display());
            }
        }
    }
    let na = if skipped > 0 {
        format!(", {skipped} not applicable")
    } else {
        String::new()
    };
    println!("{passed} passed, {failed} failed{na}");
    if failed > 0 {
        return Err(CliError::Invalid(format!("{failed} test case(s) failed")));
    }
    Ok(())
}

fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut here: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| CliError::Local(format!("cannot read {}: {e}", p.display())))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| f.extension().is_some_and(|x| x == "xml"))
                .collect();
            here.sort();
            files.extend(here);
        } else if p.exists() {
            files.push(p.clone());
        } else {
            return Err(CliError::Usage(format!("{} does not exist", p.display())));
        }
    }
    Ok(files)
}

fn replay_file(
    addr: &str,
    config: &Arc<rustls::ClientConfig>,
    file: &Path,
    timeout: u64,
) -> Result<CaseResult, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
    let case = parse_test_case(&text).map_err(|e| format!("not a test case: {e}"))?;
    let mut conn = connect(addr, config, timeout)?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let result = run_case(&case, now, &mut |request: &Ttlv| {
        exchange(&mut conn, request)
    });
    conn.conn.send_close_notify();
    let _ = conn.flush();
    Ok(result)
}

pub(crate) type Conn = rustls::StreamOwned<rustls::ClientConnection, TcpStream>;

pub(crate) fn connect(
    addr: &str,
    config: &Arc<rustls::ClientConfig>,
    timeout: u64,
) -> Result<Conn, String> {
    let sock = addr
        .to_socket_addrs()
        .map_err(|e| format!("bad address {addr}: {e}"))?
        .next()
        .ok_or_else(|| format!("{addr} resolves to nothing"))?;
    let tcp = TcpStream::connect_timeout(&sock, Duration::from_secs(timeout))
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    tcp.set_read_timeout(Some(Duration::from_secs(timeout)))
        .map_err(|e| e.to_string())?;
    let host = addr.rsplit_once(':').map_or(addr, |(h, _)| h);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let name =
        ServerName::try_from(host.to_owned()).map_err(|e| format!("bad host {host}: {e}"))?;
    let client =
        rustls::ClientConnection::new(config.clone(), name).map_err(|e| format!("TLS: {e}"))?;
    Ok(rustls::StreamOwned::new(client, tcp))
}

pub(crate) fn exchange(conn: &mut Conn, request: &Ttlv) -> Result<Ttlv, String> {
    conn.write_all(&request.encode())
        .and_then(|()| conn.flush())
        .map_err(|e| format!("send failed: {e}"))?;
    let limits = Limits::default();
    let mut header = [0u8; 8];
    conn.read_exact(&mut header)
        .map_err(|e| format!("no response: {e}"))?;
    let total = ttlv::message_length(&header, &limits).map_err(|e| format!("bad response: {e}"))?;
    let mut buf = vec![0u8; total];
    if let Some((head, body)) = buf.split_at_mut_checked(8) {
        head.copy_from_slice(&header);
        conn.read_exact(body)
            .map_err(|e| format!("truncated response: {e}"))?;
    }
    ttlv::decode(&buf, &limits).map_err(|e| format!("response does not decode: {e}"))
}

fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| {
        CliError::Usage(format!(
            "cannot read the {what} {}: {e} (pass it, or --data-dir of a `serve --dev` \
             instance)",
            path.display()
        ))
    })
}

pub(crate) fn client_config(
    ca: &Path,
    cert: &Path,
    key: &Path,
) -> Result<rustls::ClientConfig, CliError> {
    let bad = |what: &str, e: String| CliError::Usage(format!("{what}: {e}"));
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls_pemfile::certs(&mut &read_file(ca, "CA certificate")?[..]) {
        roots
            .add(c.map_err(|e| bad("CA certificate", e.to_string()))?)
            .map_err(|e| bad("CA certificate", e.to_string()))?;
    }
    let chain: Vec<CertificateDer<'static>> =
        rustls_pemfile::certs(&mut &read_file(cert, "client certificate")?[..])
            .collect::<Result<_, _>>()
            .map_err(|e| bad("client certificate", e.to_string()))?;
    let key: PrivateKeyDer<'static> =
        rustls_pemfile::private_key(&mut &read_file(key, "client key")?[..])
            .map_err(|e| bad("client key", e.to_string()))?
            .ok_or_else(|| bad("client key", "no private key in the file".to_owned()))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| bad("TLS", e.to_string()))?
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, key)
        .map_err(|e| bad("client certificate", e.to_string()))
}
