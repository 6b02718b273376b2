//! Interoperability with PyKMIP: its `ProxyKmipClient` runs every operation it offers against a
//! real keyhaven KMIP listener (TLS with the development client certificate), once per KMIP
//! version (1.2 over TLS 1.2, 1.4 and 2.0 over TLS 1.3). The client side is
//! `tests/pykmip/interop.py`, run as a subprocess; it prints `PASS step` / `FAIL step: reason`
//! (with the last request and response decoded) and exits non-zero on a failure.
//!
//! Needs `python3` with the `pykmip` package (`python3 -m pip install pykmip`): without it the
//! tests are skipped, except under `CI=true`, where they fail.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use keyhaven_testkit::TestServer;

/// Longest a script run may take before it is killed and the test fails.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(240);

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pykmip/interop.py")
}

/// `Ok(())` when `python3` can import `kmip`; otherwise why not.
fn pykmip_available() -> Result<(), String> {
    match Command::new("python3")
        .args(["-c", "import kmip"])
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let last = stderr.lines().last().unwrap_or("").trim().to_owned();
            Err(format!("python3 cannot import kmip: {last}"))
        }
        Err(e) => Err(format!("cannot run python3: {e}")),
    }
}

/// `true` when the test should go on; `false` to skip. Panics under CI when pykmip is missing.
fn require_pykmip() -> bool {
    match pykmip_available() {
        Ok(()) => true,
        Err(why) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!(
                    "pykmip is missing ({why}); CI must install it (python3 -m pip install \
                     pykmip)"
                );
            }
            eprintln!("SKIP pykmip interop: {why} (python3 -m pip install pykmip)");
            false
        }
    }
}

/// Runs the script to completion (or kills it at the timeout): exit code (`None` when killed
/// or signalled) and the combined output.
fn run_script(args: Vec<String>) -> (Option<i32>, String) {
    let mut child = Command::new("python3")
        .arg(script())
        .args(&args)
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONWARNINGS", "ignore::DeprecationWarning")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    // Drain both pipes on their own threads so a chatty script cannot block on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let (code, timed_out) = loop {
        match child.try_wait().expect("wait for python3") {
            Some(status) => break (status.code(), false),
            None if started.elapsed() > SCRIPT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break (None, true);
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    let mut text = format!("{out}\n--- stderr ---\n{err}");
    if timed_out {
        text.push_str(&format!(
            "\n--- killed after {} s ---\n",
            SCRIPT_TIMEOUT.as_secs()
        ));
    }
    (code, text)
}

/// Runs the script with KMIP `version` over TLS chosen by PyKMIP's `ssl_version` (a name of
/// Python's `ssl.PROTOCOL_*`), expecting the handshake to settle on `session` (as Python names
/// it).
async fn interop(version: &str, ssl_version: &str, session: &str) {
    if !require_pykmip() {
        return;
    }
    // Development mode (TestServer's default) provisions `dev-kmip-client`, bound to
    // DATA_DIR/tls/client.pem, with key-manager and crypto-user in the KMIP vault.
    let mut s = TestServer::start_configured(TestServer::epoch().unwrap(), |cfg| {
        cfg.kmip.listen = Some("127.0.0.1:0".parse().unwrap());
    })
    .await
    .expect("server with KMIP starts");
    let kmip = s
        .running()
        .and_then(|r| r.kmip_addr)
        .expect("KMIP listener bound");
    let tls_dir = s.data_dir().join("tls");
    let path = |f: &str| tls_dir.join(f).to_string_lossy().into_owned();
    let args = vec![
        "--host".to_owned(),
        kmip.ip().to_string(),
        "--port".to_owned(),
        kmip.port().to_string(),
        "--cert".to_owned(),
        path("client.pem"),
        "--key".to_owned(),
        path("client-key.pem"),
        "--ca".to_owned(),
        path("ca.pem"),
        "--version".to_owned(),
        version.to_owned(),
        "--ssl-version".to_owned(),
        ssl_version.to_owned(),
    ];
    // The script blocks; the in-process server runs on the other runtime threads.
    let (code, output) = tokio::task::spawn_blocking(move || run_script(args))
        .await
        .unwrap();
    println!("=== PyKMIP interop, KMIP {version} (exit {code:?}) ===\n{output}");
    s.stop().await.unwrap();
    let failed: Vec<&str> = output.lines().filter(|l| l.starts_with("FAIL ")).collect();
    assert_eq!(
        code,
        Some(0),
        "PyKMIP interop with KMIP {version} failed (full output above):\n{}",
        failed.join("\n")
    );
    assert!(
        output.contains(&format!("negotiated {session})")),
        "KMIP {version}: expected a {session} session with {ssl_version} (output above)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pykmip_interop_kmip_1_2() {
    // PyKMIP pinned to TLS 1.2; the other versions negotiate TLS 1.3.
    interop("1.2", "PROTOCOL_TLSv1_2", "TLSv1.2").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pykmip_interop_kmip_1_4() {
    interop("1.4", "PROTOCOL_TLS", "TLSv1.3").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pykmip_interop_kmip_2_0() {
    interop("2.0", "PROTOCOL_TLS", "TLSv1.3").await;
}
