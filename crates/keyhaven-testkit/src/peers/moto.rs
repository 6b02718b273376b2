//! moto's AWS server (`moto_server`, from `python3 -m pip install 'moto[server]'`) on a free
//! loopback port, for the AWS KMS connector's tests. Each [`MotoServer`] is a fresh process
//! with empty state, killed when dropped; [`MotoServer::start_tls`] serves HTTPS with a given
//! certificate.
//!
//! moto accepts any access key and secret (it does not check signatures unless told to), and
//! it does not implement key-material import, so [`MotoServer::settings`] sets `"import":
//! false`.

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use keyhaven_core::SecretBytes;
use serde_json::{json, Value};

/// How long moto may take to answer after start.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running moto server.
pub struct MotoServer {
    child: Child,
    port: u16,
    /// Whether it serves HTTPS.
    tls: bool,
    /// moto's log (read when it exits early).
    log: tempfile::NamedTempFile,
}

impl MotoServer {
    /// Starts moto on a free loopback port and waits until it answers HTTP. Returns `None`
    /// (with a printed reason) when moto is not installed, outside CI.
    ///
    /// Test support: it panics, failing the calling test, when `CI=true` and moto is missing,
    /// or when moto starts but does not answer within 30 s.
    pub fn start() -> Option<MotoServer> {
        MotoServer::launch(None)
    }

    /// Like [`MotoServer::start`], serving HTTPS with the certificate chain `cert_pem` and its
    /// key `key_pem` (a certificate for `127.0.0.1`).
    pub fn start_tls(cert_pem: &Path, key_pem: &Path) -> Option<MotoServer> {
        MotoServer::launch(Some((cert_pem, key_pem)))
    }

    #[allow(clippy::panic)]
    fn launch(tls: Option<(&Path, &Path)>) -> Option<MotoServer> {
        let mut last_error = String::new();
        for program in launchers() {
            let port = match free_port() {
                Ok(p) => p,
                Err(e) => panic!("no free loopback port for moto: {e}"),
            };
            let log = match tempfile::NamedTempFile::new() {
                Ok(f) => f,
                Err(e) => panic!("cannot create moto's log file: {e}"),
            };
            let stderr = match log.reopen() {
                Ok(f) => f,
                Err(e) => panic!("cannot open moto's log file: {e}"),
            };
            let mut command = Command::new(program.first()?);
            command
                .args(program.get(1..).unwrap_or_default())
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .args(
                    tls.map(|(cert, key)| {
                        [
                            OsStr::new("-c"),
                            cert.as_os_str(),
                            OsStr::new("-k"),
                            key.as_os_str(),
                        ]
                    })
                    .into_iter()
                    .flatten(),
                )
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(stderr);
            let child = match command.spawn() {
                Ok(c) => c,
                Err(e) => {
                    last_error = format!("{}: {e}", program.join(" "));
                    continue;
                }
            };
            let mut server = MotoServer {
                child,
                port,
                tls: tls.is_some(),
                log,
            };
            match server.wait_ready() {
                Ok(()) => return Some(server),
                Err(NotReady::Exit(why)) => {
                    // The launcher ran but moto is not there (module missing): try the next.
                    last_error = format!("{}: {why}", program.join(" "));
                    continue;
                }
                Err(NotReady::Timeout) => panic!(
                    "moto started ({}) but did not answer on 127.0.0.1:{port} within {}s",
                    program.join(" "),
                    START_TIMEOUT.as_secs()
                ),
            }
        }
        let why =
            format!("moto is not installed (python3 -m pip install 'moto[server]'): {last_error}");
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true and moto is unavailable: {why}");
        }
        eprintln!("skipping: {why}");
        None
    }

    /// `http://127.0.0.1:PORT` (`https` with [`MotoServer::start_tls`]).
    pub fn endpoint(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// The connector's settings for this server (`us-east-1`, import off: moto has no import).
    pub fn settings(&self) -> Value {
        json!({"endpoint": self.endpoint(), "region": "us-east-1", "import": false})
    }

    /// Credentials in the connector's format (moto accepts any).
    pub fn credentials(&self) -> SecretBytes {
        SecretBytes::from_slice(
            br#"{"access_key_id":"AKIDKEYHAVENTEST","secret_access_key":"moto-accepts-any-secret"}"#,
        )
    }

    /// Polls until an HTTP request gets an answer, the process exits, or the time is up.
    fn wait_ready(&mut self) -> Result<(), NotReady> {
        let deadline = Instant::now() + START_TIMEOUT;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                let err = std::fs::read_to_string(self.log.path()).unwrap_or_default();
                let last = err.lines().last().unwrap_or_default().to_owned();
                return Err(NotReady::Exit(format!("exited with {status}: {last}")));
            }
            // Over TLS, an accepted connection is the sign (werkzeug listens once it serves).
            let ready = if self.tls {
                TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok()
            } else {
                answers_http(addr)
            };
            if ready {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(NotReady::Timeout)
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Why moto is not ready.
enum NotReady {
    /// The process ended (`moto` not installed for this launcher).
    Exit(String),
    /// Still silent after [`START_TIMEOUT`].
    Timeout,
}

/// The commands tried in order.
fn launchers() -> [Vec<&'static str>; 2] {
    [vec!["moto_server"], vec!["python3", "-m", "moto.server"]]
}

fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// Whether an HTTP request to `addr` gets a status line back.
fn answers_http(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /moto-api/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}
