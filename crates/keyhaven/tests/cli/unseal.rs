//! The binary end to end with real roots of trust: `keyhaven init` (Shamir shares, passphrase,
//! SoftHSM2), `keyhaven serve` starting sealed or unsealed, `keyhaven unseal`, restarts that
//! serve the same keys, and server logs that never show a share, passphrase, PIN or token.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::{secret_forms, text, BIN};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Node {
    child: Child,
    dir: PathBuf,
    addr: String,
    token: String,
    log: PathBuf,
    env: Vec<(String, String)>,
}

impl Node {
    /// `keyhaven serve` on an initialised directory with `extra` flags, logging at debug.
    fn serve(dir: &Path, port: u16, token: &str, extra: &[&str], env: &[(&str, &str)]) -> Node {
        let log = dir.join(format!(
            "server-{}.log",
            std::fs::read_dir(dir).unwrap().count()
        ));
        let mut cmd = Command::new(BIN);
        cmd.args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(dir.join("data"))
        .args(extra)
        .env("RUST_LOG", "debug")
        .env_remove("KEYHAVEN_PASSPHRASE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let node = Node {
            child: cmd.spawn().unwrap(),
            dir: dir.to_path_buf(),
            addr: format!("https://127.0.0.1:{port}"),
            token: token.to_owned(),
            log,
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        };
        let started = Instant::now();
        while !node.cli(&["status"]).status.success() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "server did not start: {}",
                node.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        node
    }

    fn command(&self) -> Command {
        let mut c = Command::new(BIN);
        c.env("KEYHAVEN_ADDR", &self.addr)
            .env("KEYHAVEN_TOKEN", &self.token)
            .env("KEYHAVEN_CACERT", self.dir.join("data/tls/ca.pem"))
            .env_remove("KEYHAVEN_TOKEN_FILE")
            .env_remove("KEYHAVEN_PASSPHRASE")
            .stdin(Stdio::null());
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    fn cli(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    fn cli_stdin(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn stop(mut self) -> String {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let started = Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no graceful exit"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        self.log_text()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn init(dir: &Path, port: u16, args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let mut cmd = Command::new(BIN);
    cmd.args([
        "-o",
        "json",
        "init",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data-dir",
    ])
    .arg(dir.join("data"))
    .args(args)
    .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "init: {}", text(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// vault + key + ciphertext through the CLI; returns the ciphertext file.
fn populate(n: &Node) -> PathBuf {
    for args in [
        &["vault", "create", "v"][..],
        &["role", "grant", "v", "admin", "key-manager", "crypto-user"],
        &["key", "create", "v/k", "--algorithm", "aes-256", "--active"],
    ] {
        let o = n.cli(args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
    }
    let ct = n.dir.join("msg.ct");
    let o = n.cli(&[
        "encrypt",
        "v/k",
        "--data",
        "secret payroll row",
        "--out",
        ct.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    ct
}

fn decrypts(n: &Node, ct: &Path) {
    let o = n.cli(&["decrypt", "v/k", "--in", ct.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "secret payroll row"
    );
}

fn assert_no_secrets(log: &str, secrets: &[&str]) {
    assert!(log.contains("DEBUG"), "logs captured at debug level");
    let bytes: Vec<&[u8]> = secrets.iter().map(|s| s.as_bytes()).collect();
    for form in secret_forms(&bytes) {
        assert!(
            !log.contains(&form),
            "a secret ({} chars) is in the server log",
            form.len()
        );
    }
    assert!(!log.contains("khs1-"), "a share is in the log");
    assert!(!log.contains("khv_"), "a token is in the log");
    assert!(
        !log.contains("secret payroll row"),
        "plaintext is in the log"
    );
}

#[test]
fn shamir_init_serve_and_unseal_with_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let port = free_port();
    let out = init(
        tmp.path(),
        port,
        &["--shares", "5", "--threshold", "3"],
        &[],
    );
    let token = out["admin_token"].as_str().unwrap().to_owned();
    let shares: Vec<String> = out["shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(shares.len(), 5);
    assert_eq!(out["method"], "shamir");
    // A second init of the same directory is refused and changes nothing.
    let o = Command::new(BIN)
        .args(["init", "--shares", "3", "--threshold", "2", "--data-dir"])
        .arg(tmp.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("initialised already"));

    let n = Node::serve(tmp.path(), port, &token, &[], &[]);
    let o = n.cli(&["vault", "list"]);
    assert_eq!(o.status.code(), Some(8), "sealed: {}", text(&o));
    assert!(text(&o).contains("sealed"));
    // Two shares from stdin: still sealed (exit 8), and says how far it got.
    let o = n.cli_stdin(&["unseal"], &format!("{}\n{}\n", shares[0], shares[1]));
    assert_eq!(o.status.code(), Some(8), "{}", text(&o));
    assert!(text(&o).contains("2 of 3"), "{}", text(&o));
    // The third from a file unseals.
    let f = tmp.path().join("share3");
    std::fs::write(&f, format!("{}\n", shares[2])).unwrap();
    let o = n.cli(&["unseal", "--share-file", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let ct = populate(&n);
    decrypts(&n, &ct);
    let log1 = n.stop();

    // Restart: another three shares, all on stdin.
    let n = Node::serve(tmp.path(), port, &token, &[], &[]);
    let o = n.cli_stdin(
        &["unseal"],
        &format!("{}\n{}\n{}\n", shares[4], shares[3], shares[1]),
    );
    assert!(o.status.success(), "{}", text(&o));
    decrypts(&n, &ct);
    let o = n.cli(&["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    let log2 = n.stop();
    let mut secrets: Vec<&str> = shares.iter().map(String::as_str).collect();
    secrets.push(&token);
    for log in [log1, log2] {
        assert_no_secrets(&log, &secrets);
    }
}

#[test]
fn passphrase_wrong_at_start_stays_sealed_then_unseals() {
    let tmp = tempfile::tempdir().unwrap();
    let port = free_port();
    let pass = tmp.path().join("pass");
    std::fs::write(&pass, "a long operator passphrase\n").unwrap();
    let out = init(
        tmp.path(),
        port,
        &[
            "--passphrase-file",
            pass.to_str().unwrap(),
            "--argon2-memory-kib",
            "8192",
            "--argon2-iterations",
            "1",
        ],
        &[],
    );
    let token = out["admin_token"].as_str().unwrap().to_owned();
    let wrong = tmp.path().join("wrong");
    std::fs::write(&wrong, "not the passphrase at all").unwrap();
    let n = Node::serve(
        tmp.path(),
        port,
        &token,
        &["--passphrase-file", wrong.to_str().unwrap()],
        &[],
    );
    let o = n.cli(&["status"]);
    assert!(
        text(&o).contains("sealed") && text(&o).contains("true"),
        "{}",
        text(&o)
    );
    let o = n.cli(&["unseal", "--passphrase-file", wrong.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(8), "{}", text(&o));
    assert!(text(&o).contains("wrong passphrase"), "{}", text(&o));
    let o = n.cli(&["unseal", "--passphrase-file", pass.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let ct = populate(&n);
    let log = n.stop();
    assert!(
        log.contains("wrong passphrase"),
        "the start-up failure is logged"
    );
    // Restart with the passphrase in the environment: unsealed at once.
    let n = Node::serve(
        tmp.path(),
        port,
        &token,
        &[],
        &[("KEYHAVEN_PASSPHRASE", "a long operator passphrase")],
    );
    decrypts(&n, &ct);
    let log2 = n.stop();
    for log in [log, log2] {
        assert_no_secrets(
            &log,
            &[
                "a long operator passphrase",
                "not the passphrase at all",
                &token,
            ],
        );
    }
}

#[test]
fn softhsm_root_key_with_a_wrong_pin_stays_sealed() {
    let Some(module) = keyhaven_crypto::pkcs11::softhsm_module() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true and SoftHSM2 is not installed");
        }
        eprintln!("skipping: SoftHSM2 is not installed");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let conf = keyhaven_crypto::pkcs11::write_softhsm_conf(&tmp.path().join("hsm")).unwrap();
    let init_token = Command::new("softhsm2-util")
        .args([
            "--init-token",
            "--free",
            "--label",
            "kh-cli",
            "--so-pin",
            "5678",
            "--pin",
            GOOD_PIN,
        ])
        .env("SOFTHSM2_CONF", &conf)
        .output()
        .unwrap();
    assert!(init_token.status.success(), "{}", text(&init_token));
    let pin = tmp.path().join("pin");
    std::fs::write(&pin, GOOD_PIN).unwrap();
    let bad_pin = tmp.path().join("bad-pin");
    std::fs::write(&bad_pin, BAD_PIN).unwrap();
    let conf = conf.to_str().unwrap().to_owned();
    let module = module.to_str().unwrap().to_owned();
    let env = [("SOFTHSM2_CONF", conf.as_str())];
    let port = free_port();
    let out = init(
        tmp.path(),
        port,
        &[
            "--pkcs11-module",
            &module,
            "--pkcs11-token",
            "kh-cli",
            "--pkcs11-pin-file",
            pin.to_str().unwrap(),
        ],
        &env,
    );
    let token = out["admin_token"].as_str().unwrap().to_owned();
    let n = Node::serve(
        tmp.path(),
        port,
        &token,
        &[
            "--pkcs11-module",
            &module,
            "--pkcs11-pin-file",
            pin.to_str().unwrap(),
        ],
        &env,
    );
    let ct = populate(&n);
    n.stop();
    let n = Node::serve(
        tmp.path(),
        port,
        &token,
        &[
            "--pkcs11-module",
            &module,
            "--pkcs11-pin-file",
            bad_pin.to_str().unwrap(),
        ],
        &env,
    );
    let o = n.cli(&["vault", "list"]);
    assert_eq!(o.status.code(), Some(8), "wrong PIN: sealed: {}", text(&o));
    let o = n.cli(&["unseal", "--pin-file", pin.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    decrypts(&n, &ct);
    let log = n.stop();
    assert!(log.contains("PIN"), "the wrong PIN is reported: {log}");
    assert_no_secrets(&log, &[&token]);
    assert!(
        !log.contains(BAD_PIN) && !log.contains(GOOD_PIN),
        "no PIN in the log"
    );
}

/// PINs distinctive enough that finding one in the log cannot be a coincidence (a request id
/// or a number; plain `9999` once matched one).
const GOOD_PIN: &str = "good-pin-Kq7";
const BAD_PIN: &str = "bad-pin-Zx3";
