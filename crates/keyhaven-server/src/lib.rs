//! keyhaven server: REST API over HTTPS, authentication, background jobs.
//!
//! [`start`] brings a server up and returns a handle (used by `keyhaven serve` and by the test
//! kit); [`run`] is `keyhaven serve`: start, print how to connect, wait for SIGINT/SIGTERM,
//! shut down gracefully.

pub mod api;
pub mod clock;
pub mod dev;
pub mod jobs;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum_server::tls_rustls::RustlsConfig;
use axum_server::Handle;
use keyhaven_core::{Clock, KeyService, SecretBytes, ServiceConfig};
use keyhaven_crypto::SoftwareProvider;
use keyhaven_store::SqliteStore;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use api::HttpLimits;
pub use clock::SystemClock;

/// How `keyhaven serve` runs.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Data directory (database, dev root key, dev TLS material, root token).
    pub data_dir: PathBuf,
    /// HTTPS listen address.
    pub listen: SocketAddr,
    /// Development mode: generate root key, root token and a development CA on first start.
    pub dev: bool,
}

/// Everything [`start`] needs; [`ServerConfig::new`] gives production defaults.
#[derive(Clone)]
pub struct ServerConfig {
    /// Data directory.
    pub data_dir: PathBuf,
    /// Listen address (port 0 picks a free port).
    pub listen: SocketAddr,
    /// Development bootstrap (the only root-of-trust source in this version).
    pub dev: bool,
    /// Where time comes from.
    pub clock: Arc<dyn Clock>,
    /// How often background jobs run; `None` disables them (tests drive them by hand).
    pub job_interval: Option<Duration>,
    /// HTTP limits.
    pub limits: HttpLimits,
    /// Core tuning.
    pub service: ServiceConfig,
}

impl ServerConfig {
    /// Defaults: system clock, jobs every second, 1 MiB bodies, 30 s timeout.
    pub fn new(data_dir: PathBuf, listen: SocketAddr, dev: bool) -> ServerConfig {
        ServerConfig {
            data_dir,
            listen,
            dev,
            clock: Arc::new(SystemClock),
            job_interval: Some(Duration::from_secs(1)),
            limits: HttpLimits::default(),
            service: ServiceConfig::default(),
        }
    }
}

/// Errors that stop the server from starting or running.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Anything that prevented start-up.
    #[error("{0}")]
    Startup(String),
}

/// A running server.
pub struct RunningServer {
    /// The bound address.
    pub addr: SocketAddr,
    /// The service (tests use it to run jobs at a chosen time).
    pub service: Arc<KeyService>,
    /// Path of the CA certificate clients should trust.
    pub ca_path: PathBuf,
    /// Path of the root token file.
    pub token_path: PathBuf,
    handle: Handle,
    server: JoinHandle<std::io::Result<()>>,
    stop_jobs: watch::Sender<bool>,
    jobs: Option<JoinHandle<()>>,
    store: SqliteStore,
}

impl RunningServer {
    /// Stops accepting, lets requests in flight finish (up to 10 s), stops the jobs, closes
    /// the database.
    pub async fn shutdown(self) -> Result<(), ServerError> {
        self.handle.graceful_shutdown(Some(Duration::from_secs(10)));
        let served = self.server.await;
        let _ = self.stop_jobs.send(true);
        if let Some(j) = self.jobs {
            let _ = j.await;
        }
        self.store.close().await;
        match served {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ServerError::Startup(format!("server error: {e}"))),
            Err(e) => Err(ServerError::Startup(format!("server task failed: {e}"))),
        }
    }
}

/// Starts a server.
pub async fn start(cfg: ServerConfig) -> Result<RunningServer, ServerError> {
    if !cfg.dev {
        return Err(ServerError::Startup(
            "no root of trust configured: this version only runs with --dev (generated root \
             key in the data directory, for development only)"
                .to_owned(),
        ));
    }
    let crypto = Arc::new(SoftwareProvider::new());
    let random = |buf: &mut [u8]| {
        use keyhaven_core::CryptoProvider;
        crypto
            .random(buf)
            .map_err(|e| ServerError::Startup(format!("random generator failed: {e}")))
    };
    let material = dev::load_or_create(&cfg.data_dir, cfg.listen, &random)?;
    let store = SqliteStore::open(&cfg.data_dir.join("keyhaven.db"))
        .await
        .map_err(|e| ServerError::Startup(format!("cannot open the database: {e}")))?;
    let service = Arc::new(
        KeyService::new(
            Arc::new(store.clone()),
            crypto.clone(),
            cfg.clock.clone(),
            material.root_key.clone(),
            cfg.service.clone(),
        )
        .map_err(|e| ServerError::Startup(e.to_string()))?,
    );
    let app = api::router(service.clone(), &material.token, cfg.limits.clone());
    let tls = tls_config(&material.server_cert_pem, &material.server_key_pem)?;

    let listener = std::net::TcpListener::bind(cfg.listen)
        .map_err(|e| ServerError::Startup(format!("cannot listen on {}: {e}", cfg.listen)))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| ServerError::Startup(format!("cannot configure the listener: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::Startup(format!("cannot read the bound address: {e}")))?;
    let handle = Handle::new();
    let server = tokio::spawn(
        axum_server::from_tcp_rustls(listener, tls)
            .handle(handle.clone())
            .serve(app.into_make_service()),
    );
    let (stop_jobs, stop_rx) = watch::channel(false);
    let jobs = cfg
        .job_interval
        .map(|every| tokio::spawn(jobs::run(service.clone(), every, stop_rx)));
    Ok(RunningServer {
        addr,
        service,
        ca_path: material.ca_path,
        token_path: material.token_path,
        handle,
        server,
        stop_jobs,
        jobs,
        store,
    })
}

fn tls_config(cert_pem: &[u8], key_pem: &SecretBytes) -> Result<RustlsConfig, ServerError> {
    let bad = |e: String| ServerError::Startup(format!("TLS configuration: {e}"));
    let certs = rustls_pemfile::certs(&mut &cert_pem[..])
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(e.to_string()))?;
    let key = rustls_pemfile::private_key(&mut key_pem.expose())
        .map_err(|e| bad(e.to_string()))?
        .ok_or_else(|| bad("no private key in server-key.pem".to_owned()))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| bad(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| bad(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(RustlsConfig::from_config(Arc::new(config)))
}

/// `keyhaven serve`: runs until SIGINT or SIGTERM.
pub async fn run(opts: ServeOptions) -> Result<(), ServerError> {
    let cfg = ServerConfig::new(opts.data_dir.clone(), opts.listen, opts.dev);
    let server = start(cfg).await?;
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
    eprintln!(
        "\n  !!! DEVELOPMENT MODE: the root key, API token and TLS CA were generated in {}.\n  \
         !!! Anyone who can read that directory can use every key. Never use --dev in production.\n",
        abs(&opts.data_dir).display()
    );
    println!(
        "keyhaven {} listening on https://{}",
        env!("CARGO_PKG_VERSION"),
        server.addr
    );
    println!("Paste these lines into your shell to use the CLI or curl:\n");
    println!("export KEYHAVEN_ADDR=https://{host}:{}", server.addr.port());
    println!(
        "export KEYHAVEN_TOKEN=\"$(cat {})\"",
        abs(&server.token_path).display()
    );
    println!(
        "export KEYHAVEN_CACERT={}\n",
        abs(&server.ca_path).display()
    );
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
