//! PyKMIP's own KMIP server (`pykmip-server`) as a keystore peer: a child process on a free
//! loopback port, with a CA, an ECDSA P-256 server certificate (PyKMIP's `TLS1.2` suite offers
//! only ECDHE-ECDSA suites that rustls speaks) and a client certificate (clientAuth) made with
//! rcgen, and its SQLite database in a temporary directory.
//!
//! [`PyKmipServer::stop`] and [`PyKmipServer::restart`] keep the port, the certificates and the
//! database, so a test can check that objects survive a restart. The server (and the helper
//! processes Python's multiprocessing starts) runs in its own process group, killed on `stop`
//! and on drop.
//!
//! Without `pykmip-server` installed (`python3 -m pip install pykmip`), [`PyKmipServer::start`]
//! prints why and returns `None`; under `CI=true` it panics instead.

use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use keyhaven_core::SecretBytes;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, SanType,
};

/// Longest wait for the server to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The program started.
const PROGRAM: &str = "pykmip-server";

/// A running (or stopped) PyKMIP server.
pub struct PyKmipServer {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
    ca_pem: String,
    client_cert_pem: String,
    client_key_pem: String,
}

/// Files in the server's directory.
struct Paths {
    conf: PathBuf,
    log: PathBuf,
    output: PathBuf,
}

impl Paths {
    fn of(dir: &Path) -> Paths {
        Paths {
            conf: dir.join("server.conf"),
            log: dir.join("server.log"),
            output: dir.join("output.log"),
        }
    }
}

/// `Ok(())` when `pykmip-server` runs; otherwise why not.
fn available() -> Result<(), String> {
    match Command::new(PROGRAM)
        .arg("--help")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
    {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let last = stderr.lines().last().unwrap_or("").trim().to_owned();
            Err(format!("{PROGRAM} --help failed: {last}"))
        }
        Err(e) => Err(format!("cannot run {PROGRAM}: {e}")),
    }
}

/// A port nobody listens on right now.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// PEMs: CA certificate, server certificate, server key, client certificate, client key.
struct Pki {
    ca: String,
    server: String,
    server_key: String,
    client: String,
    client_key: String,
}

fn pki() -> Result<Pki, rcgen::Error> {
    let ecdsa = &rcgen::PKCS_ECDSA_P256_SHA256;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.distinguished_name
        .push(DnType::CommonName, "keyhaven test PyKMIP CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate_for(ecdsa)?;
    let ca_cert = ca.self_signed(&ca_key)?;

    let mut server = CertificateParams::new(vec!["localhost".to_owned()])?;
    server
        .subject_alt_names
        .push(SanType::IpAddress(Ipv4Addr::LOCALHOST.into()));
    server
        .distinguished_name
        .push(DnType::CommonName, "pykmip test server");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_key = KeyPair::generate_for(ecdsa)?;
    let server_cert = server.signed_by(&server_key, &ca_cert, &ca_key)?;

    // PyKMIP takes the client identity (the owner of the objects) from the common name.
    let mut client = CertificateParams::new(Vec::<String>::new())?;
    client
        .distinguished_name
        .push(DnType::CommonName, "keyhaven-keystore");
    client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_key = KeyPair::generate_for(ecdsa)?;
    let client_cert = client.signed_by(&client_key, &ca_cert, &ca_key)?;

    Ok(Pki {
        ca: ca_cert.pem(),
        server: server_cert.pem(),
        server_key: server_key.serialize_pem(),
        client: client_cert.pem(),
        client_key: client_key.serialize_pem(),
    })
}

/// Writes the certificates, the policy directory and `server.conf` into `dir`.
fn write_config(dir: &Path, port: u16, pki: &Pki) -> std::io::Result<()> {
    let path = |f: &str| dir.join(f);
    fs::write(path("ca.pem"), &pki.ca)?;
    fs::write(path("server.pem"), &pki.server)?;
    fs::write(path("server-key.pem"), &pki.server_key)?;
    fs::create_dir_all(path("policies"))?;
    let conf = format!(
        "[server]\n\
         hostname=127.0.0.1\n\
         port={port}\n\
         certificate_path={cert}\n\
         key_path={key}\n\
         ca_path={ca}\n\
         auth_suite=TLS1.2\n\
         policy_path={policies}\n\
         enable_tls_client_auth=True\n\
         logging_level=INFO\n\
         database_path={db}\n",
        cert = path("server.pem").display(),
        key = path("server-key.pem").display(),
        ca = path("ca.pem").display(),
        policies = path("policies").display(),
        db = path("pykmip.db").display(),
    );
    fs::write(Paths::of(dir).conf, conf)
}

impl PyKmipServer {
    /// Starts a server on a fresh directory and a free port; `None` (with a printed reason)
    /// when `pykmip-server` is not installed and `CI` is not `true`.
    ///
    /// Test support: it panics, failing the calling test, when CI needs PyKMIP and lacks it or
    /// the server does not start.
    #[allow(clippy::panic)]
    pub fn start() -> Option<PyKmipServer> {
        if let Err(why) = available() {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true and PyKMIP's server is unavailable: {why} (python3 -m pip install pykmip)");
            }
            eprintln!("skipping: {why} (python3 -m pip install pykmip)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary directory: {e}"));
        let port = free_port().unwrap_or_else(|e| panic!("no free port: {e}"));
        let pki = pki().unwrap_or_else(|e| panic!("test certificates: {e}"));
        write_config(dir.path(), port, &pki)
            .unwrap_or_else(|e| panic!("writing the PyKMIP configuration: {e}"));
        let mut server = PyKmipServer {
            dir,
            port,
            child: None,
            ca_pem: pki.ca,
            client_cert_pem: pki.client,
            client_key_pem: pki.client_key,
        };
        server.launch();
        Some(server)
    }

    /// The loopback address it listens on.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// Connector settings for this server in KMIP 1.2 (the KMIP connector's format).
    pub fn settings(&self) -> serde_json::Value {
        self.settings_for_version("1.2")
    }

    /// Connector settings for this server in KMIP `version` (`"1.2"`, `"1.4"`, `"2.0"`, ...).
    pub fn settings_for_version(&self, version: &str) -> serde_json::Value {
        serde_json::json!({
            "host": "127.0.0.1",
            "port": self.port,
            "server_name": "localhost",
            "ca_pem": self.ca_pem,
            "version": version,
        })
    }

    /// Connector credentials: the client certificate and its key.
    pub fn credentials(&self) -> SecretBytes {
        let json = serde_json::json!({
            "client_cert_pem": self.client_cert_pem,
            "client_key_pem": self.client_key_pem,
        });
        SecretBytes::new(json.to_string().into_bytes())
    }

    /// The end of the server's log (for assertion messages).
    pub fn log_tail(&self) -> String {
        let paths = Paths::of(self.dir.path());
        let mut text = String::new();
        for file in [&paths.output, &paths.log] {
            let content = fs::read_to_string(file).unwrap_or_default();
            let lines: Vec<&str> = content.lines().collect();
            let start = lines.len().saturating_sub(40);
            text.push_str(&format!("--- {}\n", file.display()));
            for line in lines.iter().skip(start) {
                text.push_str(line);
                text.push('\n');
            }
        }
        text
    }

    /// Kills the server; the port, certificates and database stay for [`Self::restart`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // The server's process group: it and the processes multiprocessing started.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the server (if running) and starts it again on the same port and database.
    ///
    /// Test support: panics when the server does not come back.
    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }

    /// Runs `pykmip-server` and waits until it accepts connections.
    #[allow(clippy::panic)]
    fn launch(&mut self) {
        let paths = Paths::of(self.dir.path());
        let output = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&paths.output)
            .unwrap_or_else(|e| panic!("opening {}: {e}", paths.output.display()));
        let errors = output
            .try_clone()
            .unwrap_or_else(|e| panic!("opening {}: {e}", paths.output.display()));
        let mut command = Command::new(PROGRAM);
        command
            .arg("-f")
            .arg(&paths.conf)
            .arg("-l")
            .arg(&paths.log)
            .current_dir(self.dir.path())
            .env("PYTHONWARNINGS", "ignore")
            .stdin(Stdio::null())
            .stdout(output)
            .stderr(errors);
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {PROGRAM}: {e}"));
        self.child = Some(child);
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                self.child = None;
                panic!(
                    "{PROGRAM} exited ({status}) before accepting connections\n{}",
                    self.log_tail()
                );
            }
            if TcpStream::connect_timeout(&self.addr(), Duration::from_millis(200)).is_ok() {
                return;
            }
            if Instant::now() > deadline {
                self.stop();
                panic!(
                    "{PROGRAM} did not accept connections on {} within {} s\n{}",
                    self.addr(),
                    START_TIMEOUT.as_secs(),
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for PyKmipServer {
    fn drop(&mut self) {
        self.stop();
    }
}
