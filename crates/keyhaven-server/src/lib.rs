//! keyhaven server: REST API over HTTPS, authentication and authorisation, the root of trust
//! (sealing and unsealing), the audit trail, background jobs.
//!
//! [`init`] initialises a data directory (`keyhaven init`); [`start`] brings a server up and
//! returns a handle (used by `keyhaven serve` and by the test kit); [`run`] is
//! `keyhaven serve`: start, print how to connect, wait for SIGINT/SIGTERM, shut down
//! gracefully.

pub mod api;
pub mod audit_trail;
pub mod backup_schedule;
pub mod clock;
pub mod dev;
pub mod distribution;
pub mod init;
pub mod jobs;
pub mod kmip;
pub mod pki;
pub mod seal;
pub mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum_server::tls_rustls::RustlsAcceptor;
use axum_server::Handle;
use keyhaven_core::{Clock, InitAdmin, KeyService, SecretBytes, ServiceConfig, Store};
use keyhaven_crypto::{Pkcs11Config, SoftwareProvider};
pub use keyhaven_store::Database;
use keyhaven_store::{Backend, Change};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use api::HttpLimits;
pub use clock::SystemClock;
pub use init::{init, InitOptions, InitOutput};

use crate::api::{AppState, FailureLimiter};
use crate::audit_trail::AuditTrail;
use crate::seal::{InitMethod, Seal, UnsealConfig, UnsealInput};

/// How `keyhaven serve` runs.
#[derive(Clone)]
pub struct ServeOptions {
    /// Everything the server needs.
    pub config: ServerConfig,
}

/// TLS files; `None` means the data directory's `tls/server.pem` and `tls/server-key.pem`.
#[derive(Clone, Debug, Default)]
pub struct TlsFiles {
    /// Certificate chain (PEM).
    pub cert: Option<PathBuf>,
    /// Private key (PEM).
    pub key: Option<PathBuf>,
    /// CA whose client certificates are accepted (mTLS). Default: `DATA_DIR/tls/ca.pem` when
    /// it exists.
    pub client_ca: Option<PathBuf>,
}

/// Everything [`start`] needs; [`ServerConfig::new`] gives production defaults.
#[derive(Clone)]
pub struct ServerConfig {
    /// Data directory.
    pub data_dir: PathBuf,
    /// Listen address (port 0 picks a free port).
    pub listen: SocketAddr,
    /// Development mode: a generated root key, token and CA in the data directory.
    pub dev: bool,
    /// Where time comes from.
    pub clock: Arc<dyn Clock>,
    /// How often background jobs run; `None` disables them (tests drive them by hand).
    pub job_interval: Option<Duration>,
    /// HTTP limits.
    pub limits: HttpLimits,
    /// Core tuning.
    pub service: ServiceConfig,
    /// TLS files.
    pub tls: TlsFiles,
    /// Serve plain HTTP (allowed on loopback addresses only).
    pub insecure_http: bool,
    /// Passphrase to unseal with at start (passphrase method).
    pub passphrase: Option<SecretBytes>,
    /// The HSM (PKCS#11 method).
    pub pkcs11: Option<Pkcs11Config>,
    /// The KMIP listener (off unless `kmip.listen` is set).
    pub kmip: kmip::KmipConfig,
    /// Where the data lives: `None` is `keyhaven.db` (SQLite) in the data directory; a
    /// PostgreSQL database lets several nodes serve one cluster (docs/DEPLOYMENT.md).
    pub database: Option<Database>,
    /// Scheduled backups (`None`: none).
    pub backups: Option<backup_schedule::BackupSchedule>,
}

impl ServerConfig {
    /// Defaults: system clock, jobs every second, 1 MiB bodies, 30 s timeout, TLS from the
    /// data directory.
    pub fn new(data_dir: PathBuf, listen: SocketAddr, dev: bool) -> ServerConfig {
        let mut service = ServiceConfig::default();
        if dev {
            // Development: SoftHSM2, when installed, may back `pkcs11` keystores.
            service
                .pkcs11_modules
                .extend(keyhaven_crypto::pkcs11::softhsm_module());
        }
        ServerConfig {
            data_dir,
            listen,
            dev,
            clock: Arc::new(SystemClock),
            job_interval: Some(Duration::from_secs(1)),
            limits: HttpLimits::default(),
            service,
            tls: TlsFiles::default(),
            insecure_http: false,
            passphrase: None,
            pkcs11: None,
            kmip: kmip::KmipConfig::default(),
            database: None,
            backups: None,
        }
    }
}

/// Errors that stop the server from starting or running.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Anything that prevented start-up (configuration, data directory, TLS files).
    #[error("{0}")]
    Startup(String),
    /// The server failed while running or shutting down.
    #[error("{0}")]
    Runtime(String),
}

/// A running server.
pub struct RunningServer {
    /// The bound address.
    pub addr: SocketAddr,
    /// The root of trust; `seal.service()` is the service while unsealed.
    pub seal: Arc<Seal>,
    /// Path of the CA certificate clients should trust.
    pub ca_path: PathBuf,
    /// Path of the dev root token file (`serve --dev`).
    pub token_path: PathBuf,
    /// Whether it serves plain HTTP.
    pub insecure_http: bool,
    /// Why start-up unsealing did not happen, if it did not.
    pub unseal_error: Option<String>,
    /// The bound KMIP address, when KMIP is on.
    pub kmip_addr: Option<SocketAddr>,
    kmip: Option<kmip::KmipListener>,
    handle: Handle,
    server: JoinHandle<std::io::Result<()>>,
    stop_jobs: watch::Sender<bool>,
    jobs: Option<JoinHandle<()>>,
    audit_task: JoinHandle<()>,
    store: Backend,
    feed: Option<JoinHandle<()>>,
}

impl RunningServer {
    /// The service, when unsealed.
    pub fn service(&self) -> Option<Arc<KeyService>> {
        self.seal.service()
    }

    /// Stops at once, as a node that dies would: requests and jobs in flight are cut off,
    /// queued audit records are lost, leases it holds stay until they expire. For tests of
    /// what the other nodes of a cluster do then.
    pub fn abort(self) {
        self.handle.shutdown();
        self.server.abort();
        if let Some(j) = self.jobs {
            j.abort();
        }
        self.audit_task.abort();
        if let Some(f) = self.feed {
            f.abort();
        }
        // The KMIP listener (if any) ends when its stop channel is dropped with it.
    }

    /// Stops accepting, lets requests in flight finish (up to 10 s), stops the jobs, writes
    /// the queued audit records, closes the database.
    pub async fn shutdown(self) -> Result<(), ServerError> {
        if let Some(k) = self.kmip {
            k.shutdown().await;
        }
        self.handle.graceful_shutdown(Some(Duration::from_secs(10)));
        let served = self.server.await;
        let _ = self.stop_jobs.send(true);
        if let Some(j) = self.jobs {
            let _ = j.await;
        }
        // The router (and its audit sender) is gone with the server task: the writer drains
        // what is queued and ends.
        let _ = tokio::time::timeout(Duration::from_secs(10), self.audit_task).await;
        if let Some(service) = self.seal.service() {
            jobs::checkpoint(&service).await;
        }
        if let Some(f) = self.feed {
            f.abort();
        }
        self.store.close().await;
        match served {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ServerError::Runtime(format!("server error: {e}"))),
            Err(e) => Err(ServerError::Runtime(format!("server task failed: {e}"))),
        }
    }
}

fn startup(e: impl std::fmt::Display) -> ServerError {
    ServerError::Startup(e.to_string())
}

/// Starts a server.
pub async fn start(cfg: ServerConfig) -> Result<RunningServer, ServerError> {
    if cfg.insecure_http && !cfg.listen.ip().is_loopback() {
        return Err(ServerError::Startup(format!(
            "--insecure-http serves plain HTTP and is allowed only on a loopback address, not \
             {}",
            cfg.listen
        )));
    }
    dev::ensure_dir(&cfg.data_dir)?;
    let crypto = Arc::new(SoftwareProvider::new());
    let dev_material = if cfg.dev {
        let random = |buf: &mut [u8]| {
            use keyhaven_core::CryptoProvider;
            crypto
                .random(buf)
                .map_err(|e| ServerError::Startup(format!("random generator failed: {e}")))
        };
        Some(dev::load_or_create(&cfg.data_dir, cfg.listen, &random)?)
    } else {
        None
    };
    let tls_dir = cfg.data_dir.join("tls");
    let ca_path = tls_dir.join("ca.pem");
    let tls = if cfg.insecure_http {
        None
    } else {
        let cert = cfg
            .tls
            .cert
            .clone()
            .unwrap_or_else(|| tls_dir.join("server.pem"));
        let key = cfg
            .tls
            .key
            .clone()
            .unwrap_or_else(|| tls_dir.join("server-key.pem"));
        let read = |p: &PathBuf| {
            std::fs::read(p).map_err(|e| {
                ServerError::Startup(format!(
                    "cannot read {}: {e} (pass --tls-cert and --tls-key, or let `keyhaven \
                     init` create DATA_DIR/tls)",
                    p.display()
                ))
            })
        };
        let client_ca = cfg
            .tls
            .client_ca
            .clone()
            .or_else(|| ca_path.exists().then(|| ca_path.clone()));
        let cert_pem = read(&cert)?;
        let key_pem = SecretBytes::new(read(&key)?);
        let rest = tls::server_config(&cert_pem, &key_pem, client_ca.as_deref())?;
        let kmip = match (cfg.kmip.listen, &client_ca) {
            (None, _) => None,
            (Some(_), Some(ca)) => Some(kmip::tls_config(&cert_pem, &key_pem, ca)?),
            (Some(addr), None) => {
                return Err(ServerError::Startup(format!(
                    "KMIP on {addr} requires client certificates: pass --client-ca (or create \
                     DATA_DIR/tls/ca.pem with `keyhaven init`)"
                )))
            }
        };
        Some((rest, kmip))
    };
    let (tls, kmip_tls) = match tls {
        Some((rest, kmip)) => (Some(rest), kmip),
        None => (None, None),
    };
    if cfg.kmip.listen.is_some() && kmip_tls.is_none() {
        return Err(ServerError::Startup(
            "KMIP is served over TLS only: it cannot run with --insecure-http".to_owned(),
        ));
    }

    let (_, store) = open_database(cfg.database.as_ref(), &cfg.data_dir).await?;
    let store_dyn: Arc<dyn Store> = store.store();
    let mut service_config = cfg.service.clone();
    service_config.shared_store = matches!(store, Backend::Postgres(_));
    if service_config.node == ServiceConfig::default().node {
        // Leases name the node that holds them: unique per process.
        service_config.node = node_name();
    }
    let seal = Arc::new(Seal::new(
        store_dyn.clone(),
        crypto.clone(),
        cfg.clock.clone(),
        service_config.clone(),
        UnsealConfig {
            dev_key: dev_material.as_ref().map(|d| d.root_key.clone()),
            pkcs11: cfg.pkcs11.clone(),
        },
    ));
    let record = seal.record().await.map_err(startup)?;
    let mut unseal_error = None;
    match (&record, &dev_material) {
        (None, Some(dev)) => {
            let legacy = !store_dyn.list_vaults().await.map_err(startup)?.is_empty();
            let init = seal::initialize(
                store_dyn.clone(),
                crypto.clone(),
                cfg.clock.clone(),
                service_config.clone(),
                InitMethod::Dev {
                    key: dev.root_key.clone(),
                },
                InitAdmin {
                    name: "root".parse().map_err(ServerError::Startup)?,
                    token: Some(dev.token.clone()),
                },
            )
            .await
            .map_err(startup)?;
            let service = seal.adopt(init);
            if legacy {
                let n = service.adopt_unprotected_records().await.map_err(startup)?;
                tracing::warn!(
                    records = n,
                    "development data from before record integrity: MACs added"
                );
            }
        }
        (None, None) => {
            return Err(ServerError::Startup(format!(
                "{} is not initialised: run `keyhaven init --data-dir {}` first (or use \
                 `serve --dev` for a development instance)",
                cfg.data_dir.display(),
                cfg.data_dir.display()
            )))
        }
        (Some(r), Some(_)) if r.method != "dev" => {
            return Err(ServerError::Startup(format!(
                "this data directory was initialised with the {} method; start it without \
                 --dev",
                r.method
            )))
        }
        (Some(r), None) if r.method == "dev" => {
            return Err(ServerError::Startup(
                "this data directory is a development instance; start it with --dev".to_owned(),
            ))
        }
        (Some(r), _) => {
            let try_now = match r.method.as_str() {
                "dev" => true,
                "passphrase" => cfg.passphrase.is_some(),
                "pkcs11" => cfg.pkcs11.is_some(),
                _ => false,
            };
            if try_now {
                let input = UnsealInput {
                    passphrase: cfg.passphrase.clone(),
                    ..UnsealInput::default()
                };
                if let Err(e) = seal.unseal(input).await {
                    tracing::error!(error = %e, "unsealing at start failed; the server stays sealed (use `keyhaven unseal`)");
                    unseal_error = Some(e.to_string());
                }
            }
        }
    }

    let feed = match store.changes().await {
        None => None,
        Some(Ok(feed)) => Some(tokio::spawn(follow_changes(feed, seal.clone()))),
        Some(Err(e)) => {
            return Err(ServerError::Startup(format!(
                "cannot listen for other nodes' changes: {e}"
            )))
        }
    };
    let (audit, audit_task) = AuditTrail::start(store_dyn.clone());
    let backup_status = cfg
        .backups
        .as_ref()
        .map(|_| backup_schedule::SharedStatus::default());
    let state = AppState::new(api::Shared {
        seal: seal.clone(),
        audit: audit.clone(),
        limiter: Arc::new(FailureLimiter::new(
            cfg.limits.auth_failures,
            cfg.limits.auth_window,
        )),
        clock: cfg.clock.clone(),
        backups: backup_status.clone(),
    });
    if let (true, Some(_), Some(svc)) = (cfg.dev, cfg.kmip.listen, seal.service()) {
        let client = std::fs::read(tls_dir.join("client.pem")).map_err(|e| {
            ServerError::Startup(format!(
                "cannot read the development client certificate: {e}"
            ))
        })?;
        kmip::provision_dev_client(&svc, &cfg.kmip.vault, &client).await?;
    }
    let kmip_listener = match (cfg.kmip.listen, kmip_tls) {
        (Some(addr), Some(tls)) => match kmip::start(
            &cfg.kmip,
            addr,
            tls,
            seal.clone(),
            audit.clone(),
            cfg.clock.clone(),
        ) {
            Ok(l) => Some(l),
            Err(e) if !cfg.kmip.required => {
                tracing::warn!(error = %e, "KMIP is off: its default address is not available (pass --kmip-listen)");
                None
            }
            Err(e) => return Err(e),
        },
        _ => None,
    };
    let app = api::router(state, cfg.limits.clone());

    let listener = std::net::TcpListener::bind(cfg.listen)
        .map_err(|e| ServerError::Startup(format!("cannot listen on {}: {e}", cfg.listen)))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| ServerError::Startup(format!("cannot configure the listener: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::Startup(format!("cannot read the bound address: {e}")))?;
    let handle = Handle::new();
    let server = match tls {
        Some(tls) => tokio::spawn(
            axum_server::from_tcp(listener)
                .acceptor(tls::TlsPeerAcceptor(RustlsAcceptor::new(tls)))
                .handle(handle.clone())
                .serve(app.into_make_service()),
        ),
        None => tokio::spawn(
            axum_server::from_tcp(listener)
                .acceptor(tls::PlainPeerAcceptor)
                .handle(handle.clone())
                .serve(app.into_make_service()),
        ),
    };
    let (stop_jobs, stop_rx) = watch::channel(false);
    if let (Some(schedule), Some(status)) = (cfg.backups.clone(), backup_status) {
        tokio::spawn(backup_schedule::run(
            seal.clone(),
            schedule,
            status,
            stop_jobs.subscribe(),
        ));
    }
    let jobs = cfg
        .job_interval
        .map(|every| tokio::spawn(jobs::run(seal.clone(), every, stop_rx)));
    Ok(RunningServer {
        addr,
        seal,
        ca_path,
        token_path: dev_material
            .map(|d| d.token_path)
            .unwrap_or_else(|| cfg.data_dir.join("root-token")),
        insecure_http: cfg.insecure_http,
        unseal_error,
        kmip_addr: kmip_listener.as_ref().map(|k| k.addr),
        kmip: kmip_listener,
        handle,
        server,
        stop_jobs,
        jobs,
        audit_task,
        store,
        feed,
    })
}

/// A lease holder name unique per server start: host process id, start time, and a counter
/// (tests run several servers in one process).
fn node_name() -> String {
    static STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("node-{}-{at}-{n}", std::process::id())
}

/// Opens the configured database, or `keyhaven.db` in the data directory when none is set.
/// Returns which database it is (for messages) and the opened backend.
pub(crate) async fn open_database(
    database: Option<&Database>,
    data_dir: &std::path::Path,
) -> Result<(Database, Backend), ServerError> {
    let database = database
        .cloned()
        .unwrap_or_else(|| Database::in_data_dir(data_dir));
    let store = database.open().await.map_err(|e| {
        ServerError::Startup(format!(
            "cannot open the database {}: {e}",
            database.display()
        ))
    })?;
    Ok((database, store))
}

/// Applies other nodes' announced changes to this node's caches (PostgreSQL clusters): a
/// changed key is dropped from the cache before the next request uses it; while the feed is
/// down, caching is off and every request reads the database.
async fn follow_changes(mut feed: keyhaven_store::ChangeFeed, seal: Arc<Seal>) {
    loop {
        let change = feed.next().await;
        let Some(service) = seal.service() else {
            continue;
        };
        match change {
            Change::Key(id) => service.forget_key(id),
            Change::Access => service.forget_settings(),
            Change::Lost => {
                tracing::warn!("lost the database change feed: caching is off until it returns");
                service.set_caching(false);
            }
            Change::Resumed => {
                tracing::info!("database change feed back: caching is on again");
                service.set_caching(true);
            }
        }
    }
}

/// `keyhaven serve`: runs until SIGINT or SIGTERM.
pub async fn run(opts: ServeOptions) -> Result<(), ServerError> {
    let dev = opts.config.dev;
    let data_dir = opts.config.data_dir.clone();
    let kmip_vault = opts.config.kmip.vault.clone();
    let server = start(opts.config).await?;
    let host = if server.addr.ip().is_unspecified() {
        "127.0.0.1".to_owned()
    } else {
        server.addr.ip().to_string()
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    let abs = |p: &PathBuf| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
    let scheme = if server.insecure_http {
        "http"
    } else {
        "https"
    };
    if dev {
        eprintln!(
            "\n  !!! DEVELOPMENT MODE: the root key, API token and TLS CA were generated in {}.\n  \
             !!! Anyone who can read that directory can use every key. Never use --dev in production.\n",
            abs(&data_dir).display()
        );
    }
    if server.insecure_http {
        eprintln!(
            "  !!! PLAIN HTTP on a loopback address (--insecure-http): for local tests only.\n"
        );
    }
    println!(
        "keyhaven {} listening on {scheme}://{}",
        env!("CARGO_PKG_VERSION"),
        server.addr
    );
    if let Some(k) = server.kmip_addr {
        println!(
            "KMIP (TTLV over TLS, client certificate required) on {k}; objects go to vault {}",
            kmip_vault
        );
    }
    if let Some(e) = &server.unseal_error {
        eprintln!("keyhaven is SEALED: {e}. Unseal with `keyhaven unseal`.");
    } else if server.service().is_none() {
        eprintln!("keyhaven is SEALED: unseal it with `keyhaven unseal`.");
    }
    println!("Paste these lines into your shell to use the CLI or curl:\n");
    println!(
        "export KEYHAVEN_ADDR={scheme}://{host}:{}",
        server.addr.port()
    );
    if dev {
        println!(
            "export KEYHAVEN_TOKEN=\"$(cat {})\"",
            abs(&server.token_path).display()
        );
    } else {
        println!("export KEYHAVEN_TOKEN=...   # the token `keyhaven init` printed");
    }
    if !server.insecure_http && server.ca_path.exists() {
        println!(
            "export KEYHAVEN_CACERT={}\n",
            abs(&server.ca_path).display()
        );
    }
    tracing::info!(addr = %server.addr, "keyhaven started");
    shutdown_signal().await;
    tracing::info!("shutting down");
    server.shutdown().await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
