//! `keyhaven bench kmip`: the load generator over KMIP (binary TTLV over TLS, client
//! certificate) instead of the REST API, against keyhaven or any other KMIP server.
//!
//! Each connection is a thread with its own TLS connection, opened (and used once, for a
//! Discover Versions) before the clock starts; it sends one request at a time, back to back,
//! until the duration or the request cap is reached. The operations:
//!
//! - `encrypt`: Encrypt of 1 KiB with one AES-256 key created and activated beforehand, in
//!   GCM (16-byte tag) or CBC (PKCS#5 padding) mode; the server chooses the IV.
//! - `create`: Create of a new AES-256 symmetric key (usage mask Encrypt | Decrypt; left
//!   pre-active, as Create makes it).
//! - `noop`: Discover Versions with an empty payload: the TLS and TTLV stack without key work.
//!
//! Every request is a single-item batch; a response counts as an error unless its one item
//! has Result Status Success (and, for encrypt, carries the ciphertext). Keys the benchmark
//! creates are left on the server.

use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use keyhaven_kmip::attribute::{
    name as attr_name, write_attributes, Attribute, Container, CryptographicParameters,
};
use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::dict::values::{
    block_cipher_mode, cryptographic_algorithm, cryptographic_usage_mask, object_type,
    padding_method,
};
use keyhaven_kmip::message::{
    op, ProtocolVersion, RequestBatchItem, RequestMessage, ResponseMessage, ResultStatus,
};
use keyhaven_kmip::ttlv::Ttlv;

use super::{is_loopback_host, note, payload, summarize, BenchOp, OpResult, Report, WorkerStats};
use crate::cli::kmip::{client_config, connect, exchange};
use crate::cli::output::{self, OutputFormat};
use crate::cli::CliError;

/// One client connection: TLS over TCP.
type Conn = rustls::StreamOwned<rustls::ClientConnection, TcpStream>;

/// The KMIP versions offered by `--kmip-version` (Encrypt exists from 1.2 on).
const VERSIONS: [ProtocolVersion; 5] = [
    ProtocolVersion::V1_2,
    ProtocolVersion::V1_3,
    ProtocolVersion::V1_4,
    ProtocolVersion::V2_0,
    ProtocolVersion::V2_1,
];

/// AES key length of the benchmark keys, bits.
const KEY_BITS: i32 = 256;
/// GCM tag length requested, bytes.
const GCM_TAG_BYTES: i32 = 16;

/// `keyhaven bench kmip`.
#[derive(Debug, Args)]
pub struct KmipBenchArgs {
    /// The KMIP server, HOST:PORT.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:5696")]
    pub kmip_addr: String,
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
    /// Concurrent connections: one thread and one TLS connection each.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub connections: u32,
    /// Seconds to run each operation (1-600).
    #[arg(long, value_name = "SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub duration: u64,
    /// Stop an operation after this many requests (across all connections).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub requests_max: Option<u64>,
    /// Operations to run, in order, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',',
          default_values = ["encrypt", "create", "noop"])]
    pub ops: Vec<KmipOp>,
    /// KMIP protocol version of the requests: 1.2, 1.3, 1.4, 2.0 or 2.1.
    #[arg(long, value_name = "VERSION", default_value = "1.4", value_parser = parse_version)]
    pub kmip_version: ProtocolVersion,
    /// Block cipher mode of `encrypt`.
    #[arg(long, value_enum, default_value_t = CipherMode::Gcm)]
    pub cipher_mode: CipherMode,
    /// Seconds to wait for the connection and for each response.
    #[arg(long, value_name = "SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Allow a server address that is not loopback (localhost, 127.0.0.0/8, ::1).
    #[arg(long)]
    pub allow_remote: bool,
}

/// An operation of the KMIP benchmark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KmipOp {
    /// Encrypt of 1 KiB with an active AES-256 key.
    Encrypt,
    /// Create of an AES-256 symmetric key.
    Create,
    /// Discover Versions: the protocol stack without key work.
    Noop,
}

impl KmipOp {
    /// The operation under the name the results use.
    fn bench_op(self) -> BenchOp {
        match self {
            KmipOp::Encrypt => BenchOp::Encrypt,
            KmipOp::Create => BenchOp::Create,
            KmipOp::Noop => BenchOp::Noop,
        }
    }

    /// The KMIP Operation enumeration value.
    fn operation(self) -> u32 {
        match self {
            KmipOp::Encrypt => op::ENCRYPT,
            KmipOp::Create => op::CREATE,
            KmipOp::Noop => op::DISCOVER_VERSIONS,
        }
    }
}

/// The block cipher mode of the encrypt requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CipherMode {
    /// AES-GCM with a 16-byte tag.
    Gcm,
    /// AES-CBC with PKCS#5 padding.
    Cbc,
}

impl CipherMode {
    fn as_str(self) -> &'static str {
        match self {
            CipherMode::Gcm => "GCM",
            CipherMode::Cbc => "CBC",
        }
    }

    /// The Cryptographic Parameters of an encrypt request in this mode.
    fn parameters(self) -> CryptographicParameters {
        let mut p = CryptographicParameters {
            cryptographic_algorithm: Some(cryptographic_algorithm::AES),
            ..CryptographicParameters::default()
        };
        match self {
            CipherMode::Gcm => {
                p.block_cipher_mode = Some(block_cipher_mode::GCM);
                p.tag_length = Some(GCM_TAG_BYTES);
            }
            CipherMode::Cbc => {
                p.block_cipher_mode = Some(block_cipher_mode::CBC);
                p.padding_method = Some(padding_method::PKCS5);
            }
        }
        p
    }
}

fn parse_version(text: &str) -> Result<ProtocolVersion, String> {
    VERSIONS
        .into_iter()
        .find(|v| v.to_string() == text.trim())
        .ok_or_else(|| {
            format!(
                "{text} is not one of 1.2, 1.3, 1.4, 2.0, 2.1 (Encrypt needs KMIP 1.2 or later)"
            )
        })
}

/// Where and how to connect.
struct Target {
    addr: String,
    config: Arc<rustls::ClientConfig>,
    timeout: u64,
    version: ProtocolVersion,
}

impl Target {
    fn connect(&self) -> Result<Conn, String> {
        connect(&self.addr, &self.config, self.timeout)
    }

    /// A single-item request message for `operation` with `payload` fields.
    fn request(&self, operation: u32, fields: Vec<Ttlv>) -> Ttlv {
        let payload = Ttlv::structure(tag::REQUEST_PAYLOAD, fields);
        RequestMessage::new(
            self.version,
            vec![RequestBatchItem::new(operation, payload)],
        )
        .to_ttlv()
    }
}

/// Sends `request` and returns the Response Payload of its successful item.
fn call(conn: &mut Conn, request: &Ttlv, operation: u32) -> Result<Option<Ttlv>, CallError> {
    let response = exchange(conn, request).map_err(CallError::Transport)?;
    interpret(&response, operation)
}

/// The Response Payload of the one successful item of `response`.
fn interpret(response: &Ttlv, operation: u32) -> Result<Option<Ttlv>, CallError> {
    let message = ResponseMessage::from_ttlv(response)
        .map_err(|e| CallError::Kmip(format!("malformed response: {e}")))?;
    let mut items = message.items.into_iter();
    let (Some(item), None) = (items.next(), items.next()) else {
        return Err(CallError::Kmip(
            "the response does not have exactly one batch item".to_owned(),
        ));
    };
    if item.operation.is_some_and(|o| o != operation) {
        return Err(CallError::Kmip(format!(
            "the response is for operation {}, not {}",
            operation_name(item.operation.unwrap_or(0)),
            operation_name(operation)
        )));
    }
    if item.result_status != ResultStatus::Success {
        let reason = item
            .result_reason
            .map(|r| {
                keyhaven_kmip::dict::enum_name(tag::RESULT_REASON, r)
                    .map_or_else(|| format!("reason {r:#x}"), str::to_owned)
            })
            .unwrap_or_else(|| "no reason".to_owned());
        return Err(CallError::Kmip(format!(
            "{} failed: {:?}, {reason}: {}",
            operation_name(operation),
            item.result_status,
            item.result_message.unwrap_or_default()
        )));
    }
    Ok(item.payload)
}

fn operation_name(operation: u32) -> String {
    keyhaven_kmip::dict::enum_name(tag::OPERATION, operation)
        .map_or_else(|| format!("{operation:#x}"), str::to_owned)
}

/// Why a request failed.
enum CallError {
    /// The connection failed (it cannot be used any more).
    Transport(String),
    /// The server answered, but not with success.
    Kmip(String),
}

impl CallError {
    fn into_message(self) -> String {
        match self {
            CallError::Transport(m) | CallError::Kmip(m) => m,
        }
    }
}

/// The attributes of the AES-256 keys the benchmark creates.
fn key_attributes(version: ProtocolVersion) -> Ttlv {
    let attrs = [
        Attribute::new(
            attr_name::CRYPTOGRAPHIC_ALGORITHM,
            Ttlv::enumeration(tag::CRYPTOGRAPHIC_ALGORITHM, cryptographic_algorithm::AES),
        ),
        Attribute::new(
            attr_name::CRYPTOGRAPHIC_LENGTH,
            Ttlv::integer(tag::CRYPTOGRAPHIC_LENGTH, KEY_BITS),
        ),
        Attribute::new(
            attr_name::CRYPTOGRAPHIC_USAGE_MASK,
            Ttlv::integer(
                tag::CRYPTOGRAPHIC_USAGE_MASK,
                i32::try_from(
                    cryptographic_usage_mask::ENCRYPT | cryptographic_usage_mask::DECRYPT,
                )
                .unwrap_or(0),
            ),
        ),
    ];
    write_attributes(&attrs, version, Container::Main.tag(version))
}

fn create_request(target: &Target) -> Ttlv {
    target.request(
        op::CREATE,
        vec![
            Ttlv::enumeration(tag::OBJECT_TYPE, object_type::SYMMETRIC_KEY),
            key_attributes(target.version),
        ],
    )
}

fn encrypt_request(target: &Target, key: &str, mode: CipherMode) -> Ttlv {
    target.request(
        op::ENCRYPT,
        vec![
            Ttlv::text(tag::UNIQUE_IDENTIFIER, key),
            mode.parameters().to_ttlv(),
            Ttlv::bytes(tag::DATA, payload()),
        ],
    )
}

fn noop_request(target: &Target) -> Ttlv {
    target.request(op::DISCOVER_VERSIONS, Vec::new())
}

/// Creates and activates the AES-256 key of `encrypt`; returns its Unique Identifier.
fn setup_key(target: &Target) -> Result<String, CliError> {
    let failed = |what: &str, e: String| CliError::Local(format!("bench setup: {what}: {e}"));
    let mut conn = target.connect().map_err(|e| failed("connecting", e))?;
    let created = call(&mut conn, &create_request(target), op::CREATE)
        .map_err(|e| failed("creating the AES-256 key", e.into_message()))?;
    let key = created
        .as_ref()
        .and_then(|p| p.child(tag::UNIQUE_IDENTIFIER))
        .and_then(Ttlv::as_text)
        .map(str::to_owned)
        .ok_or_else(|| {
            failed(
                "creating the AES-256 key",
                "no Unique Identifier".to_owned(),
            )
        })?;
    let activate = target.request(op::ACTIVATE, vec![Ttlv::text(tag::UNIQUE_IDENTIFIER, &key)]);
    call(&mut conn, &activate, op::ACTIVATE)
        .map_err(|e| failed("activating the AES-256 key", e.into_message()))?;
    close(conn);
    Ok(key)
}

fn close(mut conn: Conn) {
    use std::io::Write;
    conn.conn.send_close_notify();
    let _ = conn.flush();
}

/// Runs `keyhaven bench kmip` and prints the results (blocking).
pub fn run(format: OutputFormat, args: KmipBenchArgs) -> Result<(), CliError> {
    let host = args
        .kmip_addr
        .rsplit_once(':')
        .map(|(host, _)| host)
        .ok_or_else(|| CliError::Usage(format!("{} is not HOST:PORT", args.kmip_addr)))?;
    if !args.allow_remote && !is_loopback_host(host) {
        return Err(CliError::Usage(format!(
            "{} is not a loopback address; benchmark a remote server only on purpose, with \
             --allow-remote",
            args.kmip_addr
        )));
    }
    let tls = args.data_dir.join("tls");
    let ca = args.ca.clone().unwrap_or_else(|| tls.join("ca.pem"));
    let cert = args.cert.clone().unwrap_or_else(|| tls.join("client.pem"));
    let key = args
        .key
        .clone()
        .unwrap_or_else(|| tls.join("client-key.pem"));
    let target = Target {
        addr: args.kmip_addr.clone(),
        config: Arc::new(client_config(&ca, &cert, &key)?),
        timeout: args.timeout,
        version: args.kmip_version,
    };
    let ops = super::dedup(&args.ops);
    let key = if ops.contains(&KmipOp::Encrypt) {
        let key = setup_key(&target)?;
        note(&format!(
            "bench: created and activated AES-256 key {key} (left in place afterwards)"
        ));
        Some(key)
    } else {
        None
    };
    let duration = Duration::from_secs(args.duration);
    let limit = args.requests_max.unwrap_or(u64::MAX);
    let connections = usize::try_from(args.connections).unwrap_or(1);
    let mut results = Vec::new();
    for kop in &ops {
        let request = match (kop, key.as_deref()) {
            (KmipOp::Encrypt, Some(key)) => encrypt_request(&target, key, args.cipher_mode),
            (KmipOp::Encrypt, None) => {
                return Err(CliError::Local("no key was set up for encrypt".to_owned()))
            }
            (KmipOp::Create, _) => create_request(&target),
            (KmipOp::Noop, _) => noop_request(&target),
        };
        note(&format!(
            "bench: kmip {} on {connections} connections for up to {} s...",
            kop.bench_op(),
            args.duration
        ));
        results.push(run_op(
            &target,
            *kop,
            &request,
            connections,
            duration,
            limit,
        )?);
    }
    let detail = format!(
        "KMIP {}, encrypt AES-256-{} of {} bytes{}",
        target.version,
        args.cipher_mode.as_str(),
        super::PAYLOAD_BYTES,
        key.as_deref()
            .map(|k| format!(" with key {k}"))
            .unwrap_or_default()
    );
    let report = Report {
        target: &target.addr,
        detail: Some(&detail),
        connections: args.connections,
        duration_secs: args.duration,
        requests_max: args.requests_max,
        vault: None,
        results: &results,
    };
    output::print(&match format {
        OutputFormat::Json => output::json(serde_json::to_string_pretty(&report.json()))?,
        OutputFormat::Table => report.table(),
    })
}

/// Opens the connections, then runs one thread per connection until the time or the request
/// cap is reached.
fn run_op(
    target: &Target,
    kop: KmipOp,
    request: &Ttlv,
    connections: usize,
    duration: Duration,
    limit: u64,
) -> Result<OpResult, CliError> {
    // Connect and finish the TLS handshake before the clock starts.
    let warmup = noop_request(target);
    let mut conns = Vec::with_capacity(connections);
    for _ in 0..connections {
        let mut conn = target
            .connect()
            .map_err(|e| CliError::Local(format!("bench: {e}")))?;
        call(&mut conn, &warmup, op::DISCOVER_VERSIONS)
            .map_err(|e| CliError::Local(format!("bench: warm-up: {}", e.into_message())))?;
        conns.push(conn);
    }
    let issued = AtomicU64::new(0);
    let start_line = Barrier::new(connections + 1);
    let (stats, elapsed) = std::thread::scope(|scope| {
        let workers: Vec<_> = conns
            .into_iter()
            .map(|conn| {
                let (issued, start_line) = (&issued, &start_line);
                scope.spawn(move || {
                    start_line.wait();
                    let deadline = Instant::now() + duration;
                    worker(
                        target,
                        conn,
                        request,
                        kop.operation(),
                        issued,
                        limit,
                        deadline,
                    )
                })
            })
            .collect();
        start_line.wait();
        let started = Instant::now();
        let stats: Vec<WorkerStats> = workers
            .into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| WorkerStats {
                    errors: 1,
                    first_error: Some("a worker thread panicked".to_owned()),
                    ..WorkerStats::default()
                })
            })
            .collect();
        (stats, started.elapsed())
    });
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    for s in stats {
        latencies.extend(s.latencies_ns);
        errors += s.errors;
        first_error = first_error.or(s.first_error);
    }
    Ok(summarize(
        kop.bench_op(),
        latencies,
        errors,
        first_error,
        elapsed,
    ))
}

/// One connection's loop: requests back to back; a broken connection is replaced once per
/// failure, and the worker stops when it cannot reconnect.
fn worker(
    target: &Target,
    conn: Conn,
    request: &Ttlv,
    operation: u32,
    issued: &AtomicU64,
    limit: u64,
    deadline: Instant,
) -> WorkerStats {
    let mut stats = WorkerStats::default();
    let mut conn = Some(conn);
    while Instant::now() < deadline && issued.fetch_add(1, Ordering::Relaxed) < limit {
        let live = match conn.as_mut() {
            Some(live) => live,
            None => match target.connect() {
                Ok(fresh) => conn.insert(fresh),
                Err(e) => {
                    record(&mut stats, format!("reconnecting: {e}"));
                    break;
                }
            },
        };
        let sent = Instant::now();
        let outcome = call(live, request, operation).and_then(|payload| {
            check_payload(operation, payload.as_ref()).map_err(CallError::Kmip)
        });
        let took = u64::try_from(sent.elapsed().as_nanos()).unwrap_or(u64::MAX);
        match outcome {
            Ok(()) => stats.latencies_ns.push(took),
            Err(CallError::Kmip(m)) => record(&mut stats, m),
            Err(CallError::Transport(m)) => {
                record(&mut stats, m);
                conn = None;
            }
        }
    }
    if let Some(conn) = conn {
        close(conn);
    }
    stats
}

fn record(stats: &mut WorkerStats, message: String) {
    stats.errors += 1;
    if stats.first_error.is_none() {
        stats.first_error = Some(message);
    }
}

/// Checks that a successful response carries what the operation returns.
fn check_payload(operation: u32, payload: Option<&Ttlv>) -> Result<(), String> {
    let has = |t: u32| payload.and_then(|p| p.child(t)).is_some();
    let needed = match operation {
        op::ENCRYPT => Some((tag::DATA, "Data")),
        op::CREATE => Some((tag::UNIQUE_IDENTIFIER, "Unique Identifier")),
        _ => None,
    };
    match needed {
        Some((t, what)) if !has(t) => Err(format!(
            "the {} response has no {what}",
            operation_name(operation)
        )),
        _ => Ok(()),
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
    use keyhaven_kmip::message::{ResponseBatchItem, ResponseHeader};

    use super::*;
    use crate::bench::BenchProtocol;
    use crate::cli::{Cli, Command};

    fn bench_kmip(args: &[&str]) -> Result<KmipBenchArgs, clap::Error> {
        let cli = Cli::try_parse_from(["keyhaven", "bench", "kmip"].iter().chain(args))?;
        match cli.command {
            Command::Bench(crate::bench::BenchArgs {
                protocol: Some(BenchProtocol::Kmip(args)),
                ..
            }) => Ok(args),
            other => panic!("parsed as {other:?}"),
        }
    }

    fn target(version: ProtocolVersion) -> Target {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        Target {
            addr: "127.0.0.1:5696".into(),
            config: Arc::new(config),
            timeout: 5,
            version,
        }
    }

    #[test]
    fn defaults_and_bounds() {
        let args = bench_kmip(&[]).unwrap();
        assert_eq!(args.kmip_addr, "127.0.0.1:5696");
        assert_eq!(args.connections, 8);
        assert_eq!(args.duration, 10);
        assert_eq!(args.ops, [KmipOp::Encrypt, KmipOp::Create, KmipOp::Noop]);
        assert_eq!(args.kmip_version, ProtocolVersion::V1_4);
        assert_eq!(args.cipher_mode, CipherMode::Gcm);
        let args = bench_kmip(&[
            "--kmip-addr",
            "127.0.0.1:15696",
            "--ops",
            "create,encrypt",
            "--kmip-version",
            "2.0",
            "--cipher-mode",
            "cbc",
            "--connections",
            "1",
            "--duration",
            "20",
            "--ca",
            "ca.pem",
            "--cert",
            "c.pem",
            "--key",
            "k.pem",
        ])
        .unwrap();
        assert_eq!(args.ops, [KmipOp::Create, KmipOp::Encrypt]);
        assert_eq!(args.kmip_version, ProtocolVersion::V2_0);
        assert_eq!(args.cipher_mode, CipherMode::Cbc);
        assert_eq!(args.connections, 1);
        assert!(bench_kmip(&["--kmip-version", "1.1"]).is_err());
        assert!(bench_kmip(&["--kmip-version", "3.0"]).is_err());
        assert!(bench_kmip(&["--ops", "sign"]).is_err());
        assert!(bench_kmip(&["--duration", "601"]).is_err());
        assert!(bench_kmip(&["--connections", "0"]).is_err());
        assert!(bench_kmip(&["--cert", "c.pem"]).is_err());
        // REST flags before the protocol are refused rather than silently ignored.
        assert!(Cli::try_parse_from(["keyhaven", "bench", "--duration", "5", "kmip"]).is_err());
    }

    #[test]
    fn refuses_remote_targets() {
        let args = bench_kmip(&["--kmip-addr", "192.0.2.1:5696"]).unwrap();
        match run(OutputFormat::Table, args) {
            Err(CliError::Usage(m)) => assert!(m.contains("loopback"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn requests_in_both_encodings() {
        for version in [ProtocolVersion::V1_2, ProtocolVersion::V2_0] {
            let t = target(version);
            let create = RequestMessage::from_ttlv(&create_request(&t)).unwrap();
            assert_eq!(create.header.version, version);
            let item = &create.items[0];
            assert_eq!(item.operation, op::CREATE);
            let attrs =
                keyhaven_kmip::attribute::read_container(&item.payload, Container::Main).unwrap();
            let names: Vec<&str> = attrs.iter().map(|a| a.name.as_str()).collect();
            assert_eq!(
                names,
                [
                    attr_name::CRYPTOGRAPHIC_ALGORITHM,
                    attr_name::CRYPTOGRAPHIC_LENGTH,
                    attr_name::CRYPTOGRAPHIC_USAGE_MASK
                ]
            );
            assert_eq!(attrs[2].value.as_integer(), Some(12));

            let encrypt =
                RequestMessage::from_ttlv(&encrypt_request(&t, "k1", CipherMode::Gcm)).unwrap();
            let payload = &encrypt.items[0].payload;
            let fields: Vec<u32> = payload.children().iter().map(|c| c.tag).collect();
            assert_eq!(
                fields,
                [
                    tag::UNIQUE_IDENTIFIER,
                    tag::CRYPTOGRAPHIC_PARAMETERS,
                    tag::DATA
                ]
            );
            assert_eq!(
                payload.child(tag::DATA).unwrap().as_bytes().unwrap().len(),
                1024
            );
            let params = CryptographicParameters::from_ttlv(
                payload.child(tag::CRYPTOGRAPHIC_PARAMETERS).unwrap(),
            )
            .unwrap();
            assert_eq!(params.block_cipher_mode, Some(block_cipher_mode::GCM));
            assert_eq!(params.tag_length, Some(16));
            assert_eq!(
                params.cryptographic_algorithm,
                Some(cryptographic_algorithm::AES)
            );
        }
        let cbc = CipherMode::Cbc.parameters();
        assert_eq!(cbc.padding_method, Some(padding_method::PKCS5));
        assert_eq!(cbc.tag_length, None);
    }

    #[test]
    fn payload_checks() {
        let created = Ttlv::structure(
            tag::RESPONSE_PAYLOAD,
            vec![
                Ttlv::enumeration(tag::OBJECT_TYPE, object_type::SYMMETRIC_KEY),
                Ttlv::text(tag::UNIQUE_IDENTIFIER, "1"),
            ],
        );
        assert!(check_payload(op::CREATE, Some(&created)).is_ok());
        assert!(check_payload(op::ENCRYPT, Some(&created)).is_err());
        assert!(check_payload(op::ENCRYPT, None).is_err());
        assert!(check_payload(op::DISCOVER_VERSIONS, None).is_ok());
        // A failed item's reason and message reach the error text.
        let failed = ResponseMessage::new(
            ResponseHeader::new(ProtocolVersion::V1_4, 0),
            vec![ResponseBatchItem::failure(
                Some(op::ENCRYPT),
                None,
                keyhaven_kmip::message::reason::PERMISSION_DENIED,
                "no",
            )],
        );
        let text = match interpret(&failed.to_ttlv(), op::ENCRYPT) {
            Err(CallError::Kmip(m)) => m,
            _ => panic!("not a KMIP error"),
        };
        assert!(
            text.contains("Encrypt failed") && text.contains("no"),
            "{text}"
        );
    }

    #[test]
    fn version_names() {
        assert_eq!(parse_version("1.2").unwrap(), ProtocolVersion::V1_2);
        assert_eq!(parse_version("2.1").unwrap(), ProtocolVersion::V2_1);
        assert!(parse_version("1.0").is_err());
        assert!(parse_version("x").is_err());
    }
}
