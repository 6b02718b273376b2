//! The binary end to end: `keyhaven serve --dev` as a real process, the README's tour pasted
//! into bash, CLI exit codes, graceful shutdown on SIGTERM.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_keyhaven");

struct Server {
    child: Child,
    addr: String,
    kmip_addr: String,
    dir: Option<tempfile::TempDir>,
    data: PathBuf,
    log: PathBuf,
}

/// A loopback port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    fn start() -> Server {
        Server::start_in(tempfile::tempdir().unwrap())
    }

    fn start_in(dir: tempfile::TempDir) -> Server {
        Server::start_logging(dir, "warn")
    }

    /// Starts `serve --dev`; its stderr (logs at `log_level`) goes to `DIR/server.log`.
    fn start_logging(dir: tempfile::TempDir, log_level: &str) -> Server {
        Server::start_with_env(dir, log_level, &[])
    }

    /// [`Server::start_logging`] with extra environment variables for the server process
    /// (e.g. `SOFTHSM2_CONF`).
    fn start_with_env(
        dir: tempfile::TempDir,
        log_level: &str,
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Server {
        Server::start_with_args(dir, log_level, env, &[])
    }

    /// [`Server::start_with_env`] with extra `serve` arguments.
    fn start_with_args(
        dir: tempfile::TempDir,
        log_level: &str,
        env: &[(&str, &std::ffi::OsStr)],
        args: &[&str],
    ) -> Server {
        let port = free_port();
        let kmip_port = free_port();
        let child = Command::new(BIN)
            .args([
                "serve",
                "--dev",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--kmip-listen",
                &format!("127.0.0.1:{kmip_port}"),
                "--data-dir",
            ])
            .arg(dir.path().join("data"))
            .args(args)
            .env("RUST_LOG", log_level)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("server.log")).unwrap())
            .spawn()
            .unwrap();
        let s = Server {
            child,
            addr: format!("https://127.0.0.1:{port}"),
            kmip_addr: format!("127.0.0.1:{kmip_port}"),
            data: dir.path().join("data"),
            log: dir.path().join("server.log"),
            dir: Some(dir),
        };
        let started = Instant::now();
        loop {
            if s.cli(&["vault", "list"]).status.success() {
                return s;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "server did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn data(&self) -> PathBuf {
        self.data.clone()
    }

    fn command(&self) -> Command {
        let mut c = Command::new(BIN);
        c.env("KEYHAVEN_ADDR", &self.addr)
            .env("KEYHAVEN_TOKEN_FILE", self.data().join("root-token"))
            .env("KEYHAVEN_CACERT", self.data().join("tls/ca.pem"))
            .env_remove("KEYHAVEN_TOKEN")
            .stdin(Stdio::null());
        c
    }

    fn cli(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    /// SIGTERM, then wait for a clean exit.
    fn terminate(&mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no graceful exit"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The fenced block between `<!-- tour:begin -->` and `<!-- tour:end -->` in README.md.
fn readme_tour() -> String {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(readme).unwrap();
    let start = readme
        .find("<!-- tour:begin -->")
        .expect("tour begin marker");
    let end = readme.find("<!-- tour:end -->").expect("tour end marker");
    let block = &readme[start..end];
    let body_start = block.find("```sh\n").unwrap() + 6;
    let body_end = block.rfind("```").unwrap();
    block[body_start..body_end].to_owned()
}

#[test]
fn readme_tour_works_when_pasted_and_logs_no_secret() {
    let server = Server::start_logging(tempfile::tempdir().unwrap(), "debug");
    let tour = readme_tour();
    assert!(tour.lines().count() > 10, "the tour is there");
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let token = std::fs::read_to_string(server.data().join("root-token")).unwrap();
    let out = Command::new("bash")
        .args(["-e", "-o", "pipefail", "-c", &tour])
        .env("PATH", path)
        .env("KEYHAVEN_ADDR", &server.addr)
        .env("KEYHAVEN_TOKEN", token.trim())
        .env("KEYHAVEN_CACERT", server.data().join("tls/ca.pem"))
        .env_remove("KEYHAVEN_TOKEN_FILE")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let all = text(&out);
    assert!(out.status.success(), "tour failed:\n{all}");
    assert_eq!(
        all.matches("4111 1111 1111 1111").count(),
        3,
        "decrypted three times:\n{all}"
    );
    assert_eq!(
        all.matches("refused, exit code 4").count(),
        2,
        "two lifecycle refusals:\n{all}"
    );
    assert_eq!(
        all.matches("refused, exit code 5").count(),
        1,
        "the application may not deactivate:\n{all}"
    );
    assert!(
        all.contains("denied"),
        "the audit list shows the refusal:\n{all}"
    );
    assert!(all.contains("audit log OK"), "{all}");
    assert!(all.contains("key_pending_destruction"), "{all}");
    assert!(
        all.contains("destroy-scheduled") && all.contains("cancel-destroy"),
        "{all}"
    );
    assert!(all.contains("purged"), "{all}");
    assert_eq!(
        all.matches("the policy says no (exit 4)").count(),
        1,
        "RSA-1024 refused by the crypto policy:\n{all}"
    );
    assert!(
        all.contains("policy_violation") || all.contains("crypto policy"),
        "{all}"
    );
    assert!(
        all.contains("checkout-1"),
        "named by the template's scheme:\n{all}"
    );
    let mut server = server;
    assert!(server.terminate().success());
    // Nothing secret in the server's debug log: tokens, key material, plaintext.
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(log.contains("DEBUG"), "the log was captured at debug level");
    let root_key = std::fs::read(server.data().join("root.key")).unwrap();
    let secrets = secret_forms(&[token.trim().as_bytes(), b"4111 1111 1111 1111", &root_key]);
    for s in &secrets {
        assert!(
            !log.contains(s.as_str()),
            "the server log contains a secret ({} chars)",
            s.len()
        );
    }
    // The application token was made inside the tour: find it in the tour's output? It is
    // printed only into APP_TOKEN; check every khv_ token-shaped string in the log instead.
    assert!(!log.contains("khv_"), "a token appears in the log");
}

/// The raw, hex and base64 forms of each secret (the ways it could leak into a log).
fn secret_forms(secrets: &[&[u8]]) -> Vec<String> {
    use base64::Engine;
    let mut out = Vec::new();
    for s in secrets {
        if let Ok(t) = std::str::from_utf8(s) {
            out.push(t.to_owned());
        }
        out.push(s.iter().map(|b| format!("{b:02x}")).collect());
        out.push(base64::engine::general_purpose::STANDARD.encode(s));
        out.push(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s));
    }
    out.retain(|s| s.len() >= 8);
    out
}

#[test]
fn exit_codes_tell_scripts_what_happened() {
    let s = Server::start();
    let code = |args: &[&str]| s.cli(args).status.code().unwrap();
    assert_eq!(code(&["vault", "create", "x"]), 0);
    assert_eq!(code(&["vault", "create", "x"]), 4, "already exists");
    assert_eq!(
        code(&["key", "create", "x/k", "--algorithm", "ec-p256"]),
        5,
        "the creator is admin only: forbidden"
    );
    assert_eq!(
        code(&["role", "grant", "x", "root", "key-manager", "crypto-user"]),
        0
    );
    assert_eq!(code(&["key", "show", "x/missing"]), 3);
    assert_eq!(
        code(&["key", "show", "0190f0f0-0000-7000-8000-000000000000"]),
        3
    );
    assert_eq!(code(&["key", "create", "x/k", "--algorithm", "ec-p256"]), 0);
    assert_eq!(code(&["sign", "x/k", "--data", "m"]), 4, "pre-active");
    assert_eq!(code(&["key", "activate", "x/k"]), 0);
    let sig = s.cli(&["-o", "json", "sign", "x/k", "--data", "m"]);
    assert!(sig.status.success(), "{}", text(&sig));
    let sig: serde_json::Value = serde_json::from_slice(&sig.stdout).unwrap();
    let sig = sig["signature"].as_str().unwrap().to_owned();
    assert_eq!(
        code(&["verify", "x/k", "--data", "m", "--signature", &sig]),
        0
    );
    assert_eq!(
        code(&["verify", "x/k", "--data", "other", "--signature", &sig]),
        7
    );
    assert_eq!(
        code(&["encrypt", "x/k", "--data", "m"]),
        4,
        "unsupported operation"
    );
    assert_eq!(
        code(&["key", "create", "x/k2", "--algorithm", "nope"]),
        1,
        "invalid request"
    );
    assert_eq!(code(&["key", "frobnicate"]), 2, "usage error");
    // Wrong token, no token, nothing listening.
    let o = s
        .command()
        .env("KEYHAVEN_TOKEN", "khv_not_the_token")
        .args(["vault", "list"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5), "{}", text(&o));
    let o = s
        .command()
        .env_remove("KEYHAVEN_TOKEN_FILE")
        .args(["vault", "list"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = s
        .command()
        .env("KEYHAVEN_ADDR", "https://127.0.0.1:1")
        .args(["vault", "list"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(6), "{}", text(&o));
}

#[test]
fn serve_without_dev_on_a_new_directory_explains_itself() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("keyhaven init"), "{}", text(&o));
    let o = Command::new(BIN)
        .args([
            "serve",
            "--insecure-http",
            "--listen",
            "0.0.0.0:0",
            "--data-dir",
        ])
        .arg(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("loopback"), "{}", text(&o));
}

#[test]
fn dev_files_are_private_and_reused() {
    let s = Server::start();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in [
            "root-token",
            "root.key",
            "tls/server-key.pem",
            "tls/ca-key.pem",
        ] {
            let mode = std::fs::metadata(s.data().join(f))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{f} is readable by others: {mode:o}");
        }
    }
    let token = std::fs::read_to_string(s.data().join("root-token")).unwrap();
    let ca = std::fs::read(s.data().join("tls/ca.pem")).unwrap();
    let mut s = s;
    assert!(s.terminate().success(), "graceful exit on SIGTERM");
    let again = Server::start_in(s.dir.take().unwrap());
    assert_eq!(
        std::fs::read_to_string(again.data().join("root-token")).unwrap(),
        token
    );
    assert_eq!(std::fs::read(again.data().join("tls/ca.pem")).unwrap(), ca);
    assert!(again.cli(&["vault", "list"]).status.success());
}

mod audit_log;
mod backup;
mod discover;
mod import;
mod keystores;
mod kmip;
mod migrate;
mod report;
mod templates;
mod unseal;

#[test]
fn audit_export_verifies_offline_and_an_edit_is_named() {
    let s = Server::start();
    for args in [
        &[
            "vault",
            "create",
            "a",
            "--grant-self",
            "admin",
            "--grant-self",
            "key-manager",
        ][..],
        &["key", "create", "a/k", "--algorithm", "aes-256", "--active"],
        &["audit", "list", "--limit", "3"],
    ] {
        let o = s.cli(args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
    }
    // The server signs a checkpoint every second while records arrive.
    let started = Instant::now();
    let key = loop {
        let o = s.cli(&["-o", "json", "audit", "checkpoints"]);
        assert!(o.status.success(), "{}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        if v["items"].as_array().is_some_and(|i| !i.is_empty()) {
            break v["public_key"].as_str().unwrap().to_owned();
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no checkpoint");
        std::thread::sleep(Duration::from_millis(200));
    };
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("audit.jsonl");
    let o = s.cli(&[
        "audit",
        "export",
        "--proofs",
        "--out",
        export.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let verify = |file: &Path| {
        Command::new(BIN)
            .args(["audit", "verify", "--export"])
            .arg(file)
            .args(["--public-key", &key])
            .output()
            .unwrap()
    };
    let o = verify(&export);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("audit log OK"), "{}", text(&o));
    // Change one record's action in the export: named.
    let lines: Vec<String> = std::fs::read_to_string(&export)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let (i, line) = lines
        .iter()
        .enumerate()
        .find(|(_, l)| l.contains("\"action\":\"key.create\""))
        .unwrap();
    let seq = serde_json::from_str::<serde_json::Value>(line).unwrap()["seq"]
        .as_u64()
        .unwrap();
    let mut edited = lines.clone();
    edited[i] = line.replace("\"action\":\"key.create\"", "\"action\":\"key.crEate\"");
    let bad = dir.path().join("edited.jsonl");
    std::fs::write(&bad, edited.join("\n")).unwrap();
    let o = verify(&bad);
    assert_eq!(o.status.code(), Some(7), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("record #{seq}:")),
        "{}",
        text(&o)
    );
    // Online verification agrees the live log is intact.
    let o = s.cli(&["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
}
