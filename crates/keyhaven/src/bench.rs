//! `keyhaven bench`: a load generator against a running server.
//!
//! For each operation it opens N HTTPS connections (one client per worker, one HTTP/1.1
//! keep-alive connection each, opened before the clock starts), runs the workers for the
//! duration or until the request cap, and reports requests, errors, throughput and latency
//! percentiles. `noop` (`GET /v1/health`) measures the server stack without key work, so the
//! other operations are also shown relative to it.
//!
//! It is bounded in time (at most 600 s per operation) and, optionally, in requests, and
//! refuses non-loopback targets unless `--allow-remote` is given.
//!
//! `keyhaven bench kmip ...` runs the same kind of measurement over KMIP (module
//! [`kmip`], in `bench_kmip.rs`) against keyhaven's KMIP listener or another KMIP server.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use clap::{Args, Subcommand, ValueEnum};
use keyhaven_client::proto::{CreateKey, CreateVault, EncryptRequest, SignRequest};
use keyhaven_client::{Client, ClientBuilder, ClientError, Url};
use tokio::sync::Barrier;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::cli::output::{self, OutputFormat, Table};
use crate::cli::{CliError, GlobalArgs};

#[path = "bench_keystores.rs"]
pub mod keystores;
#[path = "bench_kmip.rs"]
pub mod kmip;
#[path = "bench_report.rs"]
pub mod report;

/// Size of the encrypt plaintext and the signed message.
const PAYLOAD_BYTES: usize = 1024;
/// Per-request timeout of the benchmark clients.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// `keyhaven bench`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    /// Benchmark another protocol than the REST API (its own options follow it).
    #[command(subcommand)]
    pub protocol: Option<BenchProtocol>,
    /// Concurrent connections: one worker, one client and one keep-alive connection each.
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
          default_values = ["encrypt", "sign", "create", "noop"])]
    pub ops: Vec<BenchOp>,
    /// Allow a server address that is not loopback (localhost, 127.0.0.0/8, ::1).
    #[arg(long)]
    pub allow_remote: bool,
    /// Another node of the same cluster (repeatable): the connections are spread round-robin
    /// over KEYHAVEN_ADDR and these nodes; keys are set up through KEYHAVEN_ADDR.
    #[arg(long = "node", value_name = "URL")]
    pub nodes: Vec<String>,
}

/// `keyhaven bench <PROTOCOL>`.
#[derive(Debug, Subcommand)]
pub enum BenchProtocol {
    /// KMIP (binary TTLV over TLS, client certificate): Encrypt, Create and Discover Versions
    /// (noop), one thread and one connection per `--connections`.
    Kmip(kmip::KmipBenchArgs),
    /// The compliance report: seeds `--keys` keys into a temporary development instance (in
    /// this process), then times the report and records its peak memory.
    Report(report::ReportBenchArgs),
    /// Key distribution to a PKCS#11 keystore (SoftHSM2): creates `--keys` keys targeting it
    /// in a temporary development instance (in this process), then times the reconciliation
    /// passes (initial distribution, periodic check, idle pass, deactivation).
    Keystores(keystores::KeystoreBenchArgs),
}

/// A benchmarked operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BenchOp {
    /// `POST /v1/keys/{id}/encrypt` of 1 KiB with an aes-256 key.
    Encrypt,
    /// `POST /v1/keys/{id}/sign` of a 1 KiB message with an ec-p256 key.
    Sign,
    /// `POST /v1/keys`: a new active aes-256 key.
    Create,
    /// `GET /v1/health`: the server stack without key work.
    Noop,
}

impl BenchOp {
    /// The name used on the command line and in results.
    pub fn as_str(self) -> &'static str {
        match self {
            BenchOp::Encrypt => "encrypt",
            BenchOp::Sign => "sign",
            BenchOp::Create => "create",
            BenchOp::Noop => "noop",
        }
    }
}

impl fmt::Display for BenchOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The measurements of one operation.
#[derive(Clone, Debug, PartialEq)]
pub struct OpResult {
    /// Which operation.
    pub op: BenchOp,
    /// Requests sent (successes + errors).
    pub requests: u64,
    /// Requests that failed.
    pub errors: u64,
    /// Wall time from the start signal to the last worker's end.
    pub elapsed: Duration,
    /// Successful requests per second.
    pub ops_per_sec: f64,
    /// Mean latency of successful requests, ms.
    pub mean_ms: f64,
    /// Median latency of successful requests, ms.
    pub p50_ms: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
    /// Highest latency, ms.
    pub max_ms: f64,
    /// The first error seen, if any.
    pub first_error: Option<String>,
}

/// The keys the operations use.
struct Fixture {
    vault: String,
    aes: Uuid,
    ec: Uuid,
}

/// What a worker sends, prepared once per operation.
enum Job {
    Noop,
    Encrypt { key: Uuid, request: EncryptRequest },
    Sign { key: Uuid, request: SignRequest },
    Create { vault: String },
}

/// A worker's tally.
#[derive(Default)]
struct WorkerStats {
    latencies_ns: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
}

/// State shared by the workers of one operation.
struct Shared {
    stop: AtomicBool,
    issued: AtomicU64,
    limit: u64,
}

/// Runs the benchmark and prints the results.
pub async fn run(global: &GlobalArgs, args: BenchArgs) -> Result<(), CliError> {
    if let Some(BenchProtocol::Report(report_args)) = args.protocol {
        return report::run(report_args).await;
    }
    if let Some(BenchProtocol::Keystores(keystore_args)) = args.protocol {
        return keystores::run(keystore_args).await;
    }
    if let Some(BenchProtocol::Kmip(kmip_args)) = args.protocol {
        let format = global.output;
        return tokio::task::spawn_blocking(move || kmip::run(format, kmip_args))
            .await
            .map_err(|e| CliError::Local(format!("the KMIP benchmark failed: {e}")))?;
    }
    let ops = dedup(&args.ops);
    let needs_keys = ops.iter().any(|op| *op != BenchOp::Noop);
    let token = match global.resolve_token() {
        Ok(token) => Some(token),
        Err(e) if needs_keys => return Err(e),
        Err(_) => None,
    };
    let ca = global.read_cacert()?;
    let make_client = |addr: &String, idle: usize| -> Result<Client, CliError> {
        let mut builder = ClientBuilder::new(addr.clone())
            .no_proxy()
            .timeout(REQUEST_TIMEOUT)
            .max_idle_connections(idle);
        if let Some(token) = &token {
            builder = builder.token(token.expose());
        }
        if let Some(pem) = &ca {
            builder = builder.ca_pem(pem.clone());
        }
        builder.build().map_err(CliError::Client)
    };
    let admin = make_client(&global.addr, 1)?;
    let targets: Vec<String> = std::iter::once(global.addr.clone())
        .chain(args.nodes.iter().cloned())
        .collect();
    for t in &targets {
        let url = make_client(t, 1)?.base_url().clone();
        if !args.allow_remote && !is_loopback(&url) {
            return Err(CliError::Usage(format!(
                "{url} is not a loopback address; benchmark a remote server only on purpose, \
                 with --allow-remote"
            )));
        }
    }
    let fixture = if needs_keys {
        Some(setup(&admin).await?)
    } else {
        None
    };
    let duration = Duration::from_secs(args.duration);
    let limit = args.requests_max.unwrap_or(u64::MAX);
    let connections = usize::try_from(args.connections).unwrap_or(1);
    let mut results = Vec::new();
    for op in &ops {
        note(&format!(
            "bench: {op} on {connections} connections for up to {} s...",
            args.duration
        ));
        let job = Arc::new(
            prepare_job(*op, fixture.as_ref())
                .ok_or_else(|| CliError::Local(format!("no keys were set up for {op}")))?,
        );
        let mut clients = Vec::with_capacity(connections);
        for target in targets.iter().cycle().take(connections) {
            clients.push(make_client(target, 1)?);
        }
        results.push(run_op(*op, job, clients, duration, limit).await?);
    }
    let vault = fixture.as_ref().map(|f| f.vault.as_str());
    let spread = (targets.len() > 1).then(|| format!("{} nodes", targets.len()));
    let report = Report {
        target: admin.base_url().as_str(),
        detail: spread.as_deref(),
        connections: args.connections,
        duration_secs: args.duration,
        requests_max: args.requests_max,
        vault,
        results: &results,
    };
    output::print(&match global.output {
        OutputFormat::Json => output::json(serde_json::to_string_pretty(&report.json()))?,
        OutputFormat::Table => report.table(),
    })
}

/// Creates the benchmark's vault and its two active keys.
async fn setup(client: &Client) -> Result<Fixture, CliError> {
    let vault = format!("bench-{}", random_suffix());
    client
        .create_vault(&CreateVault {
            name: vault.clone(),
            pending_destruction_days: None,
            creator_roles: Some(vec![
                "admin".to_owned(),
                "key-manager".to_owned(),
                "crypto-user".to_owned(),
            ]),
        })
        .await?;
    let create = |name: &str, algorithm: &str| CreateKey {
        vault: vault.clone(),
        name: name.to_owned(),
        algorithm: algorithm.to_owned(),
        initial_state: Some("active".to_owned()),
        description: Some("keyhaven bench".to_owned()),
        ..CreateKey::default()
    };
    let aes = client.create_key(&create("aes", "aes-256")).await?.id;
    let ec = client.create_key(&create("ec", "ec-p256")).await?.id;
    note(&format!(
        "bench: set up vault {vault} (left in place afterwards)"
    ));
    Ok(Fixture { vault, aes, ec })
}

fn prepare_job(op: BenchOp, fixture: Option<&Fixture>) -> Option<Job> {
    let payload = B64.encode(payload());
    Some(match op {
        BenchOp::Noop => Job::Noop,
        BenchOp::Encrypt => Job::Encrypt {
            key: fixture?.aes,
            request: EncryptRequest {
                plaintext: payload,
                aad: None,
            },
        },
        BenchOp::Sign => Job::Sign {
            key: fixture?.ec,
            request: SignRequest {
                message: Some(payload),
                ..SignRequest::default()
            },
        },
        BenchOp::Create => Job::Create {
            vault: fixture?.vault.clone(),
        },
    })
}

impl Job {
    async fn call(&self, client: &Client, worker: usize, seq: u64) -> Result<(), ClientError> {
        match self {
            Job::Noop => client.health().await.map(drop),
            Job::Encrypt { key, request } => client.encrypt(*key, request).await.map(drop),
            Job::Sign { key, request } => client.sign(*key, request).await.map(drop),
            Job::Create { vault } => {
                let request = CreateKey {
                    vault: vault.clone(),
                    name: format!("c{worker}-{seq}"),
                    algorithm: "aes-256".to_owned(),
                    initial_state: Some("active".to_owned()),
                    ..CreateKey::default()
                };
                client.create_key(&request).await.map(drop)
            }
        }
    }
}

/// Warms up every connection, then runs the workers until the time or the request cap is
/// reached.
async fn run_op(
    op: BenchOp,
    job: Arc<Job>,
    clients: Vec<Client>,
    duration: Duration,
    limit: u64,
) -> Result<OpResult, CliError> {
    // Open each connection (TCP + TLS) before the clock starts.
    let mut warmups = JoinSet::new();
    for client in &clients {
        let client = client.clone();
        warmups.spawn(async move { client.health().await.map(drop) });
    }
    while let Some(joined) = warmups.join_next().await {
        joined.map_err(|e| CliError::Local(format!("a warm-up task failed: {e}")))??;
    }

    let shared = Arc::new(Shared {
        stop: AtomicBool::new(false),
        issued: AtomicU64::new(0),
        limit,
    });
    let start_line = Arc::new(Barrier::new(clients.len() + 1));
    let mut workers = JoinSet::new();
    for (index, client) in clients.into_iter().enumerate() {
        let (job, shared, start_line) = (job.clone(), shared.clone(), start_line.clone());
        workers.spawn(async move {
            start_line.wait().await;
            worker(&client, &job, &shared, index).await
        });
    }
    start_line.wait().await;
    let started = Instant::now();
    let timer = {
        let shared = shared.clone();
        tokio::spawn(async move {
            tokio::time::sleep(duration).await;
            shared.stop.store(true, Ordering::Relaxed);
        })
    };
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    while let Some(joined) = workers.join_next().await {
        let stats = joined.map_err(|e| CliError::Local(format!("a worker failed: {e}")))?;
        latencies.extend(stats.latencies_ns);
        errors += stats.errors;
        first_error = first_error.or(stats.first_error);
    }
    let elapsed = started.elapsed();
    timer.abort();
    Ok(summarize(op, latencies, errors, first_error, elapsed))
}

async fn worker(client: &Client, job: &Job, shared: &Shared, index: usize) -> WorkerStats {
    let mut stats = WorkerStats::default();
    let mut seq = 0u64;
    while !shared.stop.load(Ordering::Relaxed)
        && shared.issued.fetch_add(1, Ordering::Relaxed) < shared.limit
    {
        let sent = Instant::now();
        let outcome = job.call(client, index, seq).await;
        let took = u64::try_from(sent.elapsed().as_nanos()).unwrap_or(u64::MAX);
        match outcome {
            Ok(()) => stats.latencies_ns.push(took),
            Err(e) => {
                stats.errors += 1;
                if stats.first_error.is_none() {
                    stats.first_error = Some(e.to_string());
                }
            }
        }
        seq += 1;
    }
    stats
}

/// Turns raw latencies into the reported numbers.
fn summarize(
    op: BenchOp,
    mut latencies_ns: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
    elapsed: Duration,
) -> OpResult {
    latencies_ns.sort_unstable();
    let ok = latencies_ns.len() as u64;
    let secs = elapsed.as_secs_f64();
    let ops_per_sec = if secs > 0.0 { ok as f64 / secs } else { 0.0 };
    let total_ns: u128 = latencies_ns.iter().map(|ns| u128::from(*ns)).sum();
    let mean_ns = if ok > 0 {
        (total_ns / u128::from(ok)) as f64
    } else {
        0.0
    };
    OpResult {
        op,
        requests: ok + errors,
        errors,
        elapsed,
        ops_per_sec,
        mean_ms: mean_ns / 1_000_000.0,
        p50_ms: ms(percentile(&latencies_ns, 0.50)),
        p99_ms: ms(percentile(&latencies_ns, 0.99)),
        max_ms: ms(latencies_ns.last().copied().unwrap_or(0)),
        first_error,
    }
}

/// Nearest-rank percentile of sorted values (0 when empty).
fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted.len()) - 1;
    sorted.get(index).copied().unwrap_or(0)
}

fn ms(ns: u64) -> f64 {
    ns as f64 / 1_000_000.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Everything printed at the end.
struct Report<'a> {
    target: &'a str,
    /// What else identifies the run (protocol, parameters), shown after the target.
    detail: Option<&'a str>,
    connections: u32,
    duration_secs: u64,
    requests_max: Option<u64>,
    vault: Option<&'a str>,
    results: &'a [OpResult],
}

impl Report<'_> {
    fn noop_rate(&self) -> Option<f64> {
        self.results
            .iter()
            .find(|r| r.op == BenchOp::Noop)
            .map(|r| r.ops_per_sec)
            .filter(|rate| *rate > 0.0)
    }

    fn ratio(&self, result: &OpResult) -> Option<f64> {
        self.noop_rate().map(|noop| result.ops_per_sec / noop)
    }

    fn table(&self) -> String {
        let mut text = format!(
            "target {}{}, {} connections, up to {} s per operation{}",
            self.target,
            self.detail.map(|d| format!(" ({d})")).unwrap_or_default(),
            self.connections,
            self.duration_secs,
            self.requests_max
                .map(|n| format!(", at most {n} requests"))
                .unwrap_or_default()
        );
        if let Some(vault) = self.vault {
            text.push_str(&format!(", vault {vault}"));
        }
        text.push_str("\n\n");
        let mut table = Table::new(&[
            "OP", "REQUESTS", "ERRORS", "OPS/S", "MEAN_MS", "P50_MS", "P99_MS", "MAX_MS",
        ]);
        for r in self.results {
            table.row(vec![
                r.op.to_string(),
                r.requests.to_string(),
                r.errors.to_string(),
                format!("{:.2}", r.ops_per_sec),
                format!("{:.2}", r.mean_ms),
                format!("{:.2}", r.p50_ms),
                format!("{:.2}", r.p99_ms),
                format!("{:.2}", r.max_ms),
            ]);
        }
        text.push_str(&table.render());
        if self.results.iter().any(|r| r.op != BenchOp::Noop) {
            text.push('\n');
            match self.noop_rate() {
                Some(_) => {
                    text.push_str("throughput relative to noop:\n");
                    let mut ratios = Table::new(&["OP", "RATIO"]);
                    for r in self.results.iter().filter(|r| r.op != BenchOp::Noop) {
                        let ratio = self.ratio(r).unwrap_or(0.0);
                        ratios.row(vec![r.op.to_string(), format!("{ratio:.2}")]);
                    }
                    text.push_str(&ratios.render());
                }
                None => text.push_str("(add noop to --ops to see ratios to the bare server)\n"),
            }
        }
        for r in self.results {
            if let Some(err) = &r.first_error {
                text.push_str(&format!(
                    "{}: {} errors, first: {}\n",
                    r.op,
                    r.errors,
                    output::sanitize(err)
                ));
            }
        }
        text
    }

    fn json(&self) -> serde_json::Value {
        let results: Vec<serde_json::Value> = self
            .results
            .iter()
            .map(|r| {
                serde_json::json!({
                    "op": r.op.as_str(),
                    "requests": r.requests,
                    "errors": r.errors,
                    "elapsed_secs": round2(r.elapsed.as_secs_f64()),
                    "ops_per_sec": round2(r.ops_per_sec),
                    "mean_ms": round2(r.mean_ms),
                    "p50_ms": round2(r.p50_ms),
                    "p99_ms": round2(r.p99_ms),
                    "max_ms": round2(r.max_ms),
                    "ratio_to_noop": self.ratio(r).map(round2),
                    "first_error": r.first_error,
                })
            })
            .collect();
        serde_json::json!({
            "target": self.target,
            "detail": self.detail,
            "connections": self.connections,
            "duration_secs": self.duration_secs,
            "requests_max": self.requests_max,
            "vault": self.vault,
            "results": results,
        })
    }
}

/// Whether the URL's host is a loopback name or address.
fn is_loopback(url: &Url) -> bool {
    url.host_str().is_some_and(is_loopback_host)
}

fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

fn dedup<T: Copy + PartialEq>(ops: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for op in ops {
        if !out.contains(op) {
            out.push(*op);
        }
    }
    out
}

/// 1 KiB of non-constant bytes.
fn payload() -> Vec<u8> {
    (0..PAYLOAD_BYTES).map(|i| (i % 251) as u8).collect()
}

/// 48 random bits in hex, from the standard library's randomly keyed hasher (only a name).
fn random_suffix() -> String {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}

/// A development server in this process on `data_dir` and `clock`, with no background job
/// (the in-process benchmarks drive the work themselves).
async fn start_in_process(
    data_dir: std::path::PathBuf,
    clock: std::sync::Arc<keyhaven_core::FakeClock>,
) -> Result<keyhaven_server::RunningServer, CliError> {
    let mut cfg = keyhaven_server::ServerConfig::new(
        data_dir,
        "127.0.0.1:0"
            .parse()
            .map_err(|_| CliError::Local("bad listen address".to_owned()))?,
        true,
    );
    cfg.clock = clock;
    cfg.job_interval = None;
    keyhaven_server::start(cfg)
        .await
        .map_err(|e| CliError::Local(format!("cannot start the server: {e}")))
}

fn note(text: &str) {
    use std::io::Write;
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{text}");
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

    fn bench(args: &[&str]) -> Result<BenchArgs, clap::Error> {
        let cli = Cli::try_parse_from(["keyhaven", "bench"].iter().chain(args))?;
        match cli.command {
            Command::Bench(args) => Ok(args),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let args = bench(&[]).unwrap();
        assert_eq!(args.connections, 8);
        assert_eq!(args.duration, 10);
        assert_eq!(args.requests_max, None);
        assert_eq!(
            args.ops,
            [
                BenchOp::Encrypt,
                BenchOp::Sign,
                BenchOp::Create,
                BenchOp::Noop
            ]
        );
        assert!(!args.allow_remote);
    }

    #[test]
    fn bounds_are_enforced() {
        assert!(bench(&["--duration", "600"]).is_ok());
        assert!(bench(&["--duration", "601"]).is_err());
        assert!(bench(&["--duration", "0"]).is_err());
        assert!(bench(&["--connections", "0"]).is_err());
        assert!(bench(&["--requests-max", "0"]).is_err());
        assert!(bench(&["--ops", "encrypt,teleport"]).is_err());
        let args = bench(&["--ops", "noop,sign,noop", "--requests-max", "100"]).unwrap();
        assert_eq!(dedup(&args.ops), [BenchOp::Noop, BenchOp::Sign]);
        assert_eq!(args.requests_max, Some(100));
    }

    #[test]
    fn only_loopback_targets_by_default() {
        for host in [
            "127.0.0.1",
            "127.1.2.3",
            "[::1]",
            "localhost",
            "LOCALHOST",
            "a.localhost",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "10.0.0.1",
            "192.168.1.1",
            "example.com",
            "localhost.example.com",
            "::",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
        let url = Url::parse("https://127.0.0.1:8443").unwrap();
        assert!(is_loopback(&url));
        let url = Url::parse("https://[::1]:8443").unwrap();
        assert!(is_loopback(&url));
        let url = Url::parse("https://kms.example.com").unwrap();
        assert!(!is_loopback(&url));
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&values, 0.50), 50);
        assert_eq!(percentile(&values, 0.99), 99);
        assert_eq!(percentile(&values, 1.0), 100);
        assert_eq!(percentile(&[7], 0.99), 7);
        assert_eq!(percentile(&[], 0.5), 0);
    }

    #[test]
    fn summaries_and_reports() {
        let latencies = vec![3_000_000, 1_000_000, 2_000_000, 4_000_000];
        let r = summarize(
            BenchOp::Encrypt,
            latencies,
            1,
            Some("boom".into()),
            Duration::from_secs(2),
        );
        assert_eq!(r.requests, 5);
        assert_eq!(r.errors, 1);
        assert!((r.ops_per_sec - 2.0).abs() < 1e-9);
        assert!((r.mean_ms - 2.5).abs() < 1e-9);
        assert!((r.p50_ms - 2.0).abs() < 1e-9);
        assert!((r.p99_ms - 4.0).abs() < 1e-9);
        assert!((r.max_ms - 4.0).abs() < 1e-9);
        let noop = summarize(
            BenchOp::Noop,
            vec![500_000; 8],
            0,
            None,
            Duration::from_secs(2),
        );
        let results = [r, noop];
        let report = Report {
            target: "https://127.0.0.1:8443/",
            detail: None,
            connections: 8,
            duration_secs: 2,
            requests_max: None,
            vault: Some("bench-abc"),
            results: &results,
        };
        let table = report.table();
        assert!(table.contains("vault bench-abc"), "{table}");
        assert!(
            table.contains("encrypt  5         1       2.00   2.50     2.00    4.00    4.00\n"),
            "{table}"
        );
        assert!(table.contains("encrypt  0.50\n"), "{table}");
        assert!(table.contains("encrypt: 1 errors, first: boom"), "{table}");
        let json = report.json();
        assert_eq!(json["results"][0]["op"], "encrypt");
        assert_eq!(json["results"][0]["ratio_to_noop"], 0.5);
        assert_eq!(json["results"][1]["ops_per_sec"], 4.0);
        assert_eq!(json["vault"], "bench-abc");
        assert_eq!(json["results"][0]["mean_ms"], 2.5);
        assert!(json["detail"].is_null());
        let report = Report {
            detail: Some("KMIP 1.4"),
            vault: None,
            ..report
        };
        let table = report.table();
        assert!(
            table.starts_with("target https://127.0.0.1:8443/ (KMIP 1.4), 8 connections"),
            "{table}"
        );
        assert_eq!(report.json()["detail"], "KMIP 1.4");
    }

    #[test]
    fn jobs_need_keys_except_noop() {
        assert!(matches!(prepare_job(BenchOp::Noop, None), Some(Job::Noop)));
        assert!(prepare_job(BenchOp::Encrypt, None).is_none());
        let fixture = Fixture {
            vault: "bench-x".into(),
            aes: Uuid::from_u128(1),
            ec: Uuid::from_u128(2),
        };
        match prepare_job(BenchOp::Sign, Some(&fixture)) {
            Some(Job::Sign { key, request }) => {
                assert_eq!(key, fixture.ec);
                assert_eq!(B64.decode(request.message.unwrap()).unwrap().len(), 1024);
            }
            _ => panic!("not a sign job"),
        }
    }

    #[test]
    fn vault_names_are_valid_and_vary() {
        let a = random_suffix();
        let b = random_suffix();
        assert_eq!(a.len(), 12);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
