//! `keyhaven bench keystores`: times key distribution to a PKCS#11 keystore (SoftHSM2).
//!
//! It initialises a SoftHSM2 token in a directory of its own, runs a development server in
//! this process on its own data directory and a fake clock (no background job), registers the
//! token as a `pkcs11` keystore (placement push) in a new vault, creates `--keys` active
//! aes-256 keys targeting it, and drives the reconciliation engine
//! ([`reconcile_all`]) by hand, timing four passes with the wall clock:
//!
//! 1. initial distribution: the first call is a full pass, one object created per key;
//! 2. the periodic check, with the clock moved past [`CHECK_INTERVAL`]: one describe per key;
//! 3. an idle full pass, with the clock moved past [`SCAN_INTERVAL`]: nothing is due;
//! 4. propagation: after every key is deactivated (not timed), the next call handles the
//!    keys this node changed, one disable per key.
//!
//! After each pass it reads the distribution records back (not timed) and prints what they
//! say, so a pass that failed does not pass for a fast one. Last, it reactivates a few keys
//! and times a single deactivate followed by [`reconcile_key`] on each.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use keyhaven_core::distribution::NewKeystore;
use keyhaven_core::keystore::{KeystoreKind, Placement};
use keyhaven_core::{
    Caller, FakeClock, KeyAlgorithm, KeyExtras, KeyId, KeyService, NewKey, SecretBytes,
};
use keyhaven_server::distribution::{
    reconcile_all, reconcile_key, Mode, CHECK_INTERVAL, SCAN_INTERVAL,
};
use keyhaven_server::RunningServer;
use time::OffsetDateTime;

use super::note;
use crate::cli::CliError;

/// The token's label.
const TOKEN_LABEL: &str = "keyhaven-bench";
/// The keystore's name.
const KEYSTORE: &str = "softhsm";
/// Keys timed one by one (deactivate + `reconcile_key`).
const SINGLE_KEYS: usize = 20;

/// `keyhaven bench keystores`.
#[derive(Debug, Args)]
pub struct KeystoreBenchArgs {
    /// Keys to create and distribute.
    #[arg(long, default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub keys: u64,
    /// Keep the temporary directory (server data and SoftHSM2 token).
    #[arg(long)]
    pub keep: bool,
}

/// One timed pass.
struct Pass {
    name: &'static str,
    looked_at: usize,
    secs: f64,
    records: String,
}

/// Runs the benchmark and prints the numbers.
pub async fn run(args: KeystoreBenchArgs) -> Result<(), CliError> {
    let module = keyhaven_crypto::pkcs11::softhsm_module().ok_or_else(|| {
        CliError::Local(
            "SoftHSM2 is not installed (its PKCS#11 module was not found; install softhsm2, \
             or set SOFTHSM2_MODULE to the module's path)"
                .to_owned(),
        )
    })?;
    let root = std::env::temp_dir().join(format!(
        "keyhaven-bench-keystores-{}",
        super::random_suffix()
    ));
    let result = bench(&args, &root, &module).await;
    if args.keep {
        note(&format!("bench: data kept in {}", root.display()));
    } else if let Err(e) = std::fs::remove_dir_all(&root) {
        note(&format!("bench: could not remove {}: {e}", root.display()));
    }
    result
}

async fn bench(args: &KeystoreBenchArgs, root: &Path, module: &Path) -> Result<(), CliError> {
    let hsm_dir = root.join("softhsm");
    let conf = keyhaven_crypto::pkcs11::write_softhsm_conf(&hsm_dir)
        .map_err(|e| CliError::io("cannot write the SoftHSM2 configuration", &e))?;
    // SoftHSM2 reads it when the module is first initialised in this process: set it first.
    std::env::set_var("SOFTHSM2_CONF", &conf);
    keyhaven_crypto::pkcs11::init_token(
        module,
        TOKEN_LABEL,
        &SecretBytes::from_slice(b"5678"),
        &SecretBytes::from_slice(b"1234"),
    )
    .map_err(|e| CliError::Local(format!("cannot initialise the SoftHSM2 token: {e}")))?;

    let clock = Arc::new(FakeClock::new(OffsetDateTime::now_utc()));
    let server = super::start_in_process(root.join("data"), clock.clone()).await?;
    let outcome = measure(args, &server, &clock, module).await;
    if let Err(e) = server.shutdown().await {
        note(&format!("bench: the server did not stop cleanly: {e}"));
    }
    outcome
}

async fn measure(
    args: &KeystoreBenchArgs,
    server: &RunningServer,
    clock: &FakeClock,
    module: &Path,
) -> Result<(), CliError> {
    let svc = server
        .service()
        .ok_or_else(|| CliError::Local("the server is sealed".to_owned()))?;
    let caller = Caller::internal("bench");
    println!(
        "keyhaven bench keystores: {} keys, SoftHSM2 module {}, {} CPUs, load average {}",
        args.keys,
        module.display(),
        std::thread::available_parallelism().map_or(0, usize::from),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );

    let vault: keyhaven_core::VaultName = "bench-keystores".parse().map_err(CliError::Local)?;
    svc.create_vault(&caller, vault.clone(), None, &[])
        .await
        .map_err(core_error)?;
    let settings = serde_json::json!({
        "module": module.to_string_lossy(),
        "token_label": TOKEN_LABEL,
    });
    let credentials = SecretBytes::from_slice(br#"{"pin": "1234"}"#);
    // Fail early, as the REST API does, when the settings do not make a connector.
    keyhaven_server::distribution::connector(&svc, KeystoreKind::Pkcs11, &settings, &credentials)
        .map_err(|e| CliError::Local(format!("the SoftHSM2 keystore is unusable: {e}")))?;
    svc.create_keystore(
        &caller,
        &vault,
        NewKeystore {
            name: keyhaven_core::distribution::KeystoreName::parse(KEYSTORE).map_err(core_error)?,
            kind: KeystoreKind::Pkcs11,
            placement: Placement::Push,
            settings,
            credentials,
        },
    )
    .await
    .map_err(core_error)?;

    let started = Instant::now();
    let mut ids = Vec::new();
    for i in 0..args.keys {
        let key = svc
            .create_key(&caller, new_key(vault.clone(), i)?)
            .await
            .map_err(core_error)?;
        svc.add_key_target(&caller, key.id, KEYSTORE)
            .await
            .map_err(core_error)?;
        ids.push(key.id);
    }
    note(&format!(
        "bench: created {} keys with the keystore as target in {:.1} s (not part of the results)",
        ids.len(),
        started.elapsed().as_secs_f64()
    ));

    let mut passes = Vec::new();
    passes.push(pass(&svc, &caller, &ids, "initial distribution").await?);
    clock.advance(CHECK_INTERVAL + time::Duration::seconds(1));
    passes.push(pass(&svc, &caller, &ids, "periodic check").await?);
    clock.advance(SCAN_INTERVAL + time::Duration::seconds(1));
    passes.push(pass(&svc, &caller, &ids, "idle full pass").await?);
    for id in &ids {
        svc.deactivate(&caller, *id, None)
            .await
            .map_err(core_error)?;
    }
    passes.push(pass(&svc, &caller, &ids, "deactivation propagation").await?);

    println!();
    println!(
        "{:<26} {:>8} {:>9} {:>9} {:>10}  records afterwards",
        "pass", "keys", "total s", "keys/s", "ms/key"
    );
    for p in &passes {
        let n = p.looked_at as f64;
        println!(
            "{:<26} {:>8} {:>9.3} {:>9.0} {:>10.3}  {}",
            p.name,
            p.looked_at,
            p.secs,
            if p.secs > 0.0 { n / p.secs } else { 0.0 },
            if p.looked_at > 0 {
                p.secs * 1000.0 / n
            } else {
                0.0
            },
            p.records
        );
    }

    single_keys(&svc, &caller, &ids).await
}

/// Times one `reconcile_all` call and summarises the records afterwards.
async fn pass(
    svc: &KeyService,
    caller: &Caller,
    ids: &[KeyId],
    name: &'static str,
) -> Result<Pass, CliError> {
    let started = Instant::now();
    let looked_at = reconcile_all(svc).await;
    let secs = started.elapsed().as_secs_f64();
    let records = records_summary(svc, caller, ids).await?;
    note(&format!(
        "bench: {name}: {looked_at} keys in {secs:.3} s; records: {records}"
    ));
    Ok(Pass {
        name,
        looked_at,
        secs,
        records,
    })
}

/// Reactivates a few keys (not timed), then times a deactivate and `reconcile_key` on each.
async fn single_keys(svc: &KeyService, caller: &Caller, ids: &[KeyId]) -> Result<(), CliError> {
    let some: Vec<KeyId> = ids.iter().copied().take(SINGLE_KEYS).collect();
    for id in &some {
        svc.reactivate(caller, *id, None)
            .await
            .map_err(core_error)?;
    }
    reconcile_all(svc).await;
    let mut total = 0.0;
    for id in &some {
        let started = Instant::now();
        svc.deactivate(caller, *id, None)
            .await
            .map_err(core_error)?;
        reconcile_key(svc, *id, Mode::Tick, None)
            .await
            .map_err(core_error)?;
        total += started.elapsed().as_secs_f64();
    }
    let records = records_summary(svc, caller, &some).await?;
    println!(
        "single key, deactivate + reconcile_key: mean {:.2} ms over {} keys; records: {records}",
        total * 1000.0 / some.len().max(1) as f64,
        some.len()
    );
    Ok(())
}

/// `enabled 500, errors 0, out of sync 0` over the keys' distribution records.
async fn records_summary(
    svc: &KeyService,
    caller: &Caller,
    ids: &[KeyId],
) -> Result<String, CliError> {
    let mut applied = std::collections::BTreeMap::<String, u64>::new();
    let (mut errors, mut out_of_sync) = (0u64, 0u64);
    for id in ids {
        let dist = svc
            .key_distribution(caller, *id)
            .await
            .map_err(core_error)?;
        for (_, records) in &dist.targets {
            for r in records {
                *applied.entry(r.applied.clone()).or_default() += 1;
                errors += u64::from(r.last_error.is_some());
                out_of_sync += u64::from(r.out_of_sync.is_some());
            }
        }
    }
    let mut parts: Vec<String> = applied.iter().map(|(k, n)| format!("{k} {n}")).collect();
    parts.push(format!("errors {errors}"));
    parts.push(format!("out of sync {out_of_sync}"));
    Ok(parts.join(", "))
}

/// Active aes-256 key number `i`.
fn new_key(vault: keyhaven_core::VaultName, i: u64) -> Result<NewKey, CliError> {
    Ok(NewKey {
        vault,
        name: format!("ks-{i:06}").parse().map_err(CliError::Local)?,
        algorithm: KeyAlgorithm::Aes256,
        usage: None,
        initial_state: keyhaven_core::InitialState::Active,
        description: None,
        tags: Default::default(),
        activation_date: None,
        deactivation_date: None,
        protect_stop_date: None,
        process_start_date: None,
        import_material: None,
        extras: KeyExtras::default(),
    })
}

fn core_error(e: keyhaven_core::Error) -> CliError {
    CliError::Local(e.to_string())
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
    use crate::bench::BenchProtocol;
    use crate::cli::{Cli, Command};

    fn bench_keystores(args: &[&str]) -> Result<KeystoreBenchArgs, clap::Error> {
        let cli = Cli::try_parse_from(["keyhaven", "bench", "keystores"].iter().chain(args))?;
        match cli.command {
            Command::Bench(crate::bench::BenchArgs {
                protocol: Some(BenchProtocol::Keystores(args)),
                ..
            }) => Ok(args),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn args_parse_with_defaults_and_bounds() {
        let args = bench_keystores(&[]).unwrap();
        assert_eq!(args.keys, 500);
        assert!(!args.keep);
        let args = bench_keystores(&["--keys", "20", "--keep"]).unwrap();
        assert_eq!(args.keys, 20);
        assert!(args.keep);
        assert!(bench_keystores(&["--keys", "0"]).is_err());
        assert!(bench_keystores(&["--keys", "100001"]).is_err());
    }

    #[test]
    fn keys_are_active_aes_256_with_valid_names() {
        let vault: keyhaven_core::VaultName = "bench-keystores".parse().unwrap();
        let key = new_key(vault, 7).unwrap();
        assert_eq!(key.algorithm, KeyAlgorithm::Aes256);
        assert_eq!(key.name.as_str(), "ks-000007");
    }
}
