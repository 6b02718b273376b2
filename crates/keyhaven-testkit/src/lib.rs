//! A real keyhaven server on a temporary data directory, for integration tests: HTTPS on a
//! free loopback port, a fake clock the test moves, background jobs run on demand, and an
//! HTTP client that trusts the server's development CA and carries its root token.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyhaven_core::FakeClock;
use keyhaven_server::{RunningServer, ServerConfig, ServerError};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use time::OffsetDateTime;

pub use keyhaven_core;
pub use keyhaven_server;

pub mod cluster;
pub mod inventory;
pub mod kmip;
pub mod peers;
pub mod softhsm;
pub mod tamper;

/// A running test server.
pub struct TestServer {
    server: Option<RunningServer>,
    /// The clock the server runs on.
    pub clock: Arc<FakeClock>,
    /// `https://127.0.0.1:PORT`.
    pub base: String,
    /// The root token.
    pub token: String,
    /// Client trusting the server's CA.
    pub http: reqwest::Client,
    data_dir: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

/// A response: status and JSON body (`Value::Null` when empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Parsed body.
    pub body: Value,
}

impl Reply {
    /// The error code of an error body, or `""`.
    pub fn code(&self) -> &str {
        self.body
            .get("error")
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }
    /// A string field of the body, or `""`.
    pub fn str(&self, field: &str) -> &str {
        self.body.get(field).and_then(Value::as_str).unwrap_or("")
    }
}

/// Starting failed.
#[derive(Debug)]
pub struct StartError(pub String);

impl From<ServerError> for StartError {
    fn from(e: ServerError) -> Self {
        StartError(e.to_string())
    }
}

impl TestServer {
    /// Starts on a fresh temporary directory at 2026-01-01T00:00Z on the fake clock.
    pub async fn start() -> Result<TestServer, StartError> {
        TestServer::start_configured(TestServer::epoch()?, |_| {}).await
    }

    /// Starts on a fresh temporary directory (removed with the server) with the fake clock at
    /// `now` (for peers that keep real dates, such as AWS deletion dates).
    pub async fn start_at(now: OffsetDateTime) -> Result<TestServer, StartError> {
        TestServer::start_configured(now, |_| {}).await
    }

    /// Starts on a fresh temporary directory (removed with the server) with the fake clock at
    /// `now`; `adjust` changes the configuration first.
    pub async fn start_configured(
        now: OffsetDateTime,
        adjust: impl FnOnce(&mut ServerConfig),
    ) -> Result<TestServer, StartError> {
        let dir = tempfile::tempdir().map_err(|e| StartError(e.to_string()))?;
        let path = dir.path().to_path_buf();
        let mut s = TestServer::start_with(&path, Arc::new(FakeClock::new(now)), adjust).await?;
        s._dir = Some(dir);
        Ok(s)
    }

    /// 2026-01-01T00:00Z, where test clocks start.
    pub fn epoch() -> Result<OffsetDateTime, StartError> {
        OffsetDateTime::from_unix_timestamp(1_767_225_600).map_err(|e| StartError(e.to_string()))
    }

    /// Starts on `data_dir` (which may hold a previous server's data) with `clock`.
    pub async fn start_in(
        data_dir: &Path,
        clock: Arc<FakeClock>,
    ) -> Result<TestServer, StartError> {
        TestServer::start_with(data_dir, clock, |_| {}).await
    }

    /// A development server configuration for `data_dir` on a free loopback port, with
    /// jobs off (tests run them) and `clock`.
    pub fn config(data_dir: &Path, clock: Arc<FakeClock>) -> Result<ServerConfig, StartError> {
        let listen: SocketAddr = "127.0.0.1:0"
            .parse()
            .map_err(|_| StartError("addr".into()))?;
        let mut cfg = ServerConfig::new(data_dir.to_path_buf(), listen, true);
        cfg.clock = clock;
        cfg.job_interval = None;
        // The access-matrix tests register `pkcs11` keystores whose module is the test binary
        // itself (only registration matters there; it never loads as a module).
        if let Ok(exe) = std::env::current_exe() {
            cfg.service.pkcs11_modules.push(exe);
        }
        Ok(cfg)
    }

    /// Starts a development server on `data_dir`, after `adjust` changed its configuration.
    pub async fn start_with(
        data_dir: &Path,
        clock: Arc<FakeClock>,
        adjust: impl FnOnce(&mut ServerConfig),
    ) -> Result<TestServer, StartError> {
        let mut cfg = TestServer::config(data_dir, clock.clone())?;
        adjust(&mut cfg);
        TestServer::launch(cfg, clock, None).await
    }

    /// Starts a server initialised with `keyhaven_server::init` (not development mode) on
    /// `data_dir`, authenticating as `token`; `adjust` sets the unseal inputs.
    pub async fn start_initialised(
        data_dir: &Path,
        clock: Arc<FakeClock>,
        token: &str,
        adjust: impl FnOnce(&mut ServerConfig),
    ) -> Result<TestServer, StartError> {
        let mut cfg = TestServer::config(data_dir, clock.clone())?;
        cfg.dev = false;
        adjust(&mut cfg);
        TestServer::launch(cfg, clock, Some(token.to_owned())).await
    }

    async fn launch(
        cfg: ServerConfig,
        clock: Arc<FakeClock>,
        token: Option<String>,
    ) -> Result<TestServer, StartError> {
        let data_dir = cfg.data_dir.clone();
        let data_dir = data_dir.as_path();
        let server = keyhaven_server::start(cfg).await?;
        let token = match token {
            Some(t) => t,
            None => std::fs::read_to_string(&server.token_path)
                .map_err(|e| StartError(e.to_string()))?
                .trim()
                .to_owned(),
        };
        let ca = std::fs::read(&server.ca_path).map_err(|e| StartError(e.to_string()))?;
        let http = client_for(&ca)?;
        Ok(TestServer {
            base: format!("https://{}", server.addr),
            server: Some(server),
            clock,
            token,
            http,
            data_dir: data_dir.to_path_buf(),
            _dir: None,
        })
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The service behind the server (while unsealed).
    pub fn service(&self) -> Option<Arc<keyhaven_core::KeyService>> {
        self.server.as_ref().and_then(|s| s.service())
    }

    /// The running server.
    pub fn running(&self) -> Option<&RunningServer> {
        self.server.as_ref()
    }

    /// Runs the background jobs once, now (on the fake clock).
    pub async fn run_jobs(&self) {
        if let Some(s) = self.service() {
            keyhaven_server::jobs::run_once(&s).await;
        }
    }

    /// Creates a principal (with `system_roles`) and returns a token for it.
    pub async fn principal(&self, name: &str, system_roles: &[&str]) -> String {
        let r = self
            .post(
                "/v1/principals",
                serde_json::json!({"name": name, "system_roles": system_roles}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "create principal {name}: {r:?}"
        );
        let r = self
            .post(
                &format!("/v1/principals/{name}/tokens"),
                serde_json::json!({"name": "test"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "token for {name}: {r:?}");
        r.str("secret").to_owned()
    }

    /// Grants `roles` in `vault` to `principal` (as the root token).
    pub async fn grant(&self, vault: &str, principal: &str, roles: &[&str]) {
        let r = self
            .post(
                &format!("/v1/vaults/{vault}/members"),
                serde_json::json!({"principal": principal, "roles": roles}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "grant {roles:?} in {vault} to {principal}: {r:?}"
        );
    }

    /// Sends a request with another token (`None`: no credential).
    pub async fn call_as(
        &self,
        token: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let mut req = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        send(req).await
    }

    /// Stops the server, keeping the data directory (for restart tests).
    pub async fn stop(&mut self) -> Result<(), StartError> {
        if let Some(s) = self.server.take() {
            s.shutdown().await?;
        }
        Ok(())
    }

    /// Stops the server at once, as if its process died ([`RunningServer::abort`]).
    pub fn kill(&mut self) {
        if let Some(s) = self.server.take() {
            s.abort();
        }
    }

    /// Takes the temporary directory so it outlives this server.
    pub fn keep_dir(&mut self) -> Option<tempfile::TempDir> {
        self._dir.take()
    }

    /// Sends a request with the root token.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut req = self
            .http
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        send(req).await
    }

    /// Sends a raw body with the root token.
    pub async fn call_raw(&self, method: Method, path: &str, body: Vec<u8>) -> Reply {
        let req = self
            .http
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body);
        send(req).await
    }

    /// GET with the token.
    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    /// POST with the token.
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(body)).await
    }
}

/// Sends and parses; transport errors become status 0-like `Reply` with the message.
pub async fn send(req: reqwest::RequestBuilder) -> Reply {
    match req.send().await {
        Ok(resp) => {
            let status = resp.status();
            let bytes = resp.bytes().await.unwrap_or_default();
            let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            Reply { status, body }
        }
        Err(e) => Reply {
            status: StatusCode::IM_A_TEAPOT,
            body: serde_json::json!({"transport_error": e.to_string()}),
        },
    }
}

/// An HTTPS client trusting `ca_pem`.
pub fn client_for(ca_pem: &[u8]) -> Result<reqwest::Client, StartError> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pem_certs(ca_pem)? {
        roots
            .add(cert)
            .map_err(|e| StartError(format!("bad CA: {e}")))?;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StartError(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .build()
        .map_err(|e| StartError(e.to_string()))
}

fn rustls_pem_certs(
    pem: &[u8],
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, StartError> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StartError(format!("bad CA PEM: {e}")))
}
