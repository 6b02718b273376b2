//! `keyhaven bench report`: seeds N keys and times the compliance report over them.
//!
//! It runs a development server in this process, on a data directory of its own and a fake
//! clock, and seeds the keys through [`KeyService::create_key`], the path every interface
//! uses (key generation, sealing under the vault KEK, policy check, record MACs, history and
//! audit record, one durable SQLite transaction per key), from `--concurrency` tasks, moving
//! the clock over the three years before now so that keys have ages. Then, with the clock at
//! now, it times the report three ways: the core cursor alone (store, integrity checks,
//! policy), and the JSON and CSV bodies over HTTPS through the REST client, each discarded as
//! it arrives. Before each it resets the process's peak resident set (`/proc/self/clear_refs`)
//! and reads it after (`VmHWM` in `/proc/self/status`), so each peak covers server and client
//! during that report.
//!
//! The mix per 1000 keys: 1 rsa-2048, 100 ec-p256, 80 ed25519, 100 hmac-sha256, 100 aes-128,
//! 10 ml-dsa-65, 8 ml-kem-768, 601 aes-256; every other symmetric key rotates every 90 days
//! (no job runs, so early ones are overdue by the end).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use keyhaven_client::proto::CreateVault;
use keyhaven_client::{Client, ReportFormat, ReportQuery as WireQuery};
use keyhaven_core::report::ReportQuery;
use keyhaven_core::{Caller, FakeClock, KeyAlgorithm, KeyExtras, KeySchedule, KeyService, NewKey};
use keyhaven_server::RunningServer;
use time::OffsetDateTime;
use tokio::task::JoinSet;

use super::note;
use crate::cli::CliError;

/// How far back the seeded keys' creation times go.
const SPAN: time::Duration = time::Duration::days(3 * 365);

/// `keyhaven bench report`.
#[derive(Debug, Args)]
pub struct ReportBenchArgs {
    /// Keys to seed.
    #[arg(long, default_value_t = 100_000,
          value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub keys: u64,
    /// Data directory (default: a new directory under the system's temporary directory,
    /// removed afterwards unless --keep).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Keep the data directory (it can be served with `keyhaven serve --dev --data-dir DIR`).
    #[arg(long)]
    pub keep: bool,
    /// Do not seed: report over the keys an earlier run left in --data-dir.
    #[arg(long, requires = "data_dir")]
    pub skip_seed: bool,
    /// Key creations in flight while seeding.
    #[arg(long, default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,
    /// Vaults the keys are spread over.
    #[arg(long, default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub vaults: u32,
}

/// Runs the benchmark and prints the numbers.
pub async fn run(args: ReportBenchArgs) -> Result<(), CliError> {
    let (dir, remove) = match &args.data_dir {
        Some(d) => (d.clone(), false),
        None => (
            std::env::temp_dir().join(format!("keyhaven-bench-report-{}", super::random_suffix())),
            !args.keep,
        ),
    };
    let result = bench(&args, &dir).await;
    if remove {
        if let Err(e) = std::fs::remove_dir_all(&dir) {
            note(&format!("bench: could not remove {}: {e}", dir.display()));
        }
    } else {
        note(&format!("bench: data kept in {}", dir.display()));
    }
    result
}

async fn bench(args: &ReportBenchArgs, dir: &Path) -> Result<(), CliError> {
    let now = OffsetDateTime::now_utc();
    let clock = Arc::new(FakeClock::new(if args.skip_seed {
        now
    } else {
        now - SPAN
    }));
    let server = super::start_in_process(dir.to_path_buf(), clock.clone()).await?;
    let outcome = measure(args, dir, &server, &clock, now).await;
    if let Err(e) = server.shutdown().await {
        note(&format!("bench: the server did not stop cleanly: {e}"));
    }
    outcome
}

async fn measure(
    args: &ReportBenchArgs,
    dir: &Path,
    server: &RunningServer,
    clock: &Arc<FakeClock>,
    now: OffsetDateTime,
) -> Result<(), CliError> {
    let svc = server
        .service()
        .ok_or_else(|| CliError::Local("the server is sealed".to_owned()))?;
    let token = std::fs::read_to_string(&server.token_path)
        .map_err(|e| CliError::io("cannot read the development token", &e))?;
    let ca = std::fs::read(&server.ca_path)
        .map_err(|e| CliError::io("cannot read the development CA", &e))?;
    let client = Client::builder(format!("https://{}", server.addr))
        .token(token.trim())
        .ca_pem(ca)
        .no_proxy()
        .build()?;
    println!(
        "keyhaven bench report: data dir {}, {} CPUs, load average {}",
        dir.display(),
        std::thread::available_parallelism().map_or(0, usize::from),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    if !args.skip_seed {
        let vaults = create_vaults(&client, args.vaults).await?;
        let started = Instant::now();
        seed(&svc, clock, &vaults, args.keys, args.concurrency, now).await?;
        let secs = started.elapsed().as_secs_f64();
        println!(
            "seed: {} keys in {} vaults in {secs:.1} s ({:.0} keys/s) with {} creations in flight",
            args.keys,
            vaults.len(),
            rate(args.keys, secs),
            args.concurrency
        );
    }
    clock.set(now);
    print_db_size(dir);

    // The core cursor alone.
    let before = reset_peak();
    let started = Instant::now();
    let mut cursor = svc
        .compliance_report(&Caller::internal("bench"), ReportQuery::default())
        .await
        .map_err(core_error)?;
    let mut keys = 0u64;
    let mut largest_page = 0usize;
    while let Some(page) = cursor.next_page(&svc).await.map_err(core_error)? {
        keys += page.len() as u64;
        largest_page = largest_page.max(page.len());
    }
    let secs = started.elapsed().as_secs_f64();
    let t = cursor.totals();
    println!(
        "report, core cursor: {keys} keys ({} with findings, {} findings, {} integrity errors) \
         in {secs:.1} s ({:.0} keys/s), pages of up to {largest_page}; {}",
        t.keys_with_findings,
        t.findings,
        t.integrity_errors,
        rate(keys, secs),
        memory(before)
    );
    let by_finding: Vec<String> = t
        .by_finding
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    println!("  findings: {}", by_finding.join(", "));

    // The REST report, as a client receives it.
    for format in [ReportFormat::Json, ReportFormat::Csv] {
        let before = reset_peak();
        let started = Instant::now();
        let mut stream = client
            .compliance_report(&WireQuery::default(), format)
            .await?;
        let (mut bytes, mut lines) = (0u64, 0u64);
        while let Some(chunk) = stream.next_chunk().await? {
            bytes += chunk.len() as u64;
            lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "report, {} over HTTPS: {lines} lines, {:.1} MiB in {secs:.1} s ({:.0} keys/s, \
             {:.1} MiB/s); {}",
            format.name(),
            bytes as f64 / 1_048_576.0,
            rate(keys, secs),
            bytes as f64 / 1_048_576.0 / secs.max(1e-9),
            memory(before)
        );
    }
    Ok(())
}

/// Creates `n` vaults in which the dev root may read keys.
async fn create_vaults(client: &Client, n: u32) -> Result<Vec<keyhaven_core::VaultName>, CliError> {
    let mut out = Vec::new();
    for i in 0..n {
        let name = format!("bench-{i}");
        client
            .create_vault(&CreateVault {
                name: name.clone(),
                pending_destruction_days: None,
                creator_roles: Some(
                    ["admin", "key-manager", "auditor"]
                        .map(str::to_owned)
                        .to_vec(),
                ),
            })
            .await?;
        out.push(name.parse().map_err(CliError::Local)?);
    }
    Ok(out)
}

/// Creates `total` keys through the service from `concurrency` tasks, the clock moving from
/// `now - SPAN` to `now` as they go; prints progress every tenth.
async fn seed(
    svc: &Arc<KeyService>,
    clock: &Arc<FakeClock>,
    vaults: &[keyhaven_core::VaultName],
    total: u64,
    concurrency: u32,
    now: OffsetDateTime,
) -> Result<(), CliError> {
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let vaults: Arc<[keyhaven_core::VaultName]> = vaults.into();
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for _ in 0..concurrency {
        let (svc, clock, next, done, vaults) = (
            svc.clone(),
            clock.clone(),
            next.clone(),
            done.clone(),
            vaults.clone(),
        );
        tasks.spawn(async move {
            let caller = Caller::internal("bench");
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return Ok::<(), CliError>(());
                }
                let elapsed = SPAN * ((total - i) as f64 / total as f64);
                clock.set(now - elapsed);
                let n = usize::try_from(i).unwrap_or(0);
                let vault = vaults
                    .get(n % vaults.len().max(1))
                    .cloned()
                    .ok_or_else(|| CliError::Local("no vault".to_owned()))?;
                svc.create_key(&caller, new_key(vault, i)?)
                    .await
                    .map_err(core_error)?;
                let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                if d.is_multiple_of((total / 10).max(1)) {
                    let secs = started.elapsed().as_secs_f64();
                    note(&format!(
                        "bench: seeded {d} of {total} keys in {secs:.0} s ({:.0} keys/s)",
                        rate(d, secs)
                    ));
                }
            }
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.map_err(|e| CliError::Local(format!("a seeding task failed: {e}")))??;
    }
    Ok(())
}

/// Key `i` of the mix.
fn new_key(vault: keyhaven_core::VaultName, i: u64) -> Result<NewKey, CliError> {
    let algorithm = match i % 1000 {
        0 => KeyAlgorithm::Rsa2048,
        1..=100 => KeyAlgorithm::EcP256,
        101..=180 => KeyAlgorithm::Ed25519,
        181..=280 => KeyAlgorithm::HmacSha256,
        281..=380 => KeyAlgorithm::Aes128,
        381..=390 => KeyAlgorithm::MlDsa65,
        391..=398 => KeyAlgorithm::MlKem768,
        _ => KeyAlgorithm::Aes256,
    };
    let symmetric = !algorithm.is_asymmetric();
    let schedule = KeySchedule {
        rotation_interval: (symmetric && i.is_multiple_of(2)).then(|| time::Duration::days(90)),
        ..KeySchedule::default()
    };
    Ok(NewKey {
        vault,
        name: format!("key-{i:08}").parse().map_err(CliError::Local)?,
        algorithm,
        usage: None,
        initial_state: keyhaven_core::InitialState::Active,
        description: None,
        tags: Default::default(),
        activation_date: None,
        deactivation_date: None,
        protect_stop_date: None,
        process_start_date: None,
        import_material: None,
        extras: KeyExtras {
            schedule,
            ..KeyExtras::default()
        },
    })
}

fn core_error(e: keyhaven_core::Error) -> CliError {
    CliError::Local(e.to_string())
}

fn rate(n: u64, secs: f64) -> f64 {
    n as f64 / secs.max(1e-9)
}

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Resets the peak resident set to the current one; returns the current RSS (KiB).
fn reset_peak() -> Option<u64> {
    if std::fs::write("/proc/self/clear_refs", "5").is_err() {
        note("bench: cannot reset the peak RSS (/proc/self/clear_refs); VmHWM is the process peak");
    }
    status_kib("VmRSS")
}

/// `peak RSS X MiB (Y MiB before)`.
fn memory(before: Option<u64>) -> String {
    let mib =
        |k: Option<u64>| k.map_or_else(|| "?".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0));
    format!(
        "peak RSS {} MiB ({} MiB before)",
        mib(status_kib("VmHWM")),
        mib(before)
    )
}

fn print_db_size(dir: &Path) {
    let size: u64 = ["keyhaven.db", "keyhaven.db-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum();
    println!("database: {:.1} MiB", size as f64 / 1_048_576.0);
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_has_every_family_and_valid_names() {
        let vault: keyhaven_core::VaultName = "bench-0".parse().unwrap();
        let keys: Vec<NewKey> = (0..1000)
            .map(|i| new_key(vault.clone(), i).unwrap())
            .collect();
        let count = |a: KeyAlgorithm| keys.iter().filter(|k| k.algorithm == a).count();
        assert_eq!(count(KeyAlgorithm::Rsa2048), 1);
        assert_eq!(count(KeyAlgorithm::EcP256), 100);
        assert_eq!(count(KeyAlgorithm::Aes256), 601);
        assert_eq!(keys[7].name.as_str(), "key-00000007");
        let rotating = keys
            .iter()
            .filter(|k| k.extras.schedule.rotation_interval.is_some())
            .count();
        assert!(rotating > 300 && rotating < 500, "{rotating}");
    }

    #[test]
    fn status_fields_are_read() {
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(status_kib("VmRSS").is_some_and(|k| k > 0));
            assert!(status_kib("VmNoSuchField").is_none());
        }
    }
}
