//! External keystores through the binary, against SoftHSM2 tokens: `keystore add/list/show/
//! test/remove`, `key create --keystore`, `key keystores`, `key sync` after a lifecycle
//! change, `key list --out-of-sync`, and the exit codes of a failed connection test and of
//! removing a keystore that still holds keys.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use super::{text, Server, BIN};

/// The user PIN of the tokens made here.
const PIN: &str = "1234";
/// A wrong PIN, distinctive enough to search logs and output for.
const WRONG_PIN: &str = "97531864";

/// SoftHSM2's module and a configuration of our own, or `None` (with a printed reason) when
/// SoftHSM2 is missing outside CI. Under `CI=true` a missing SoftHSM2 fails the test.
fn softhsm(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let module = keyhaven_crypto::pkcs11::softhsm_module();
    let util = Command::new("softhsm2-util")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    let Some(module) = module.filter(|_| util) else {
        let why = "SoftHSM2 (libsofthsm2.so and softhsm2-util) is not installed";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true and {why}");
        }
        eprintln!("skipping: {why} (apt-get install softhsm2)");
        return None;
    };
    let conf = keyhaven_crypto::pkcs11::write_softhsm_conf(dir).unwrap();
    Some((module, conf))
}

/// Initialises a token labelled `label` with user PIN [`PIN`] in the configuration `conf`.
fn init_token(conf: &Path, label: &str) {
    let o = Command::new("softhsm2-util")
        .args([
            "--init-token",
            "--free",
            "--label",
            label,
            "--so-pin",
            "5678",
            "--pin",
            PIN,
        ])
        .env("SOFTHSM2_CONF", conf)
        .output()
        .unwrap();
    assert!(o.status.success(), "softhsm2-util: {}", text(&o));
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(o)))
}

/// The row of `key keystores` (table) for `keystore` and `version`, split into columns.
fn row(table: &str, keystore: &str, version: &str) -> Vec<String> {
    table
        .lines()
        .map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .find(|cols| cols.first().map(String::as_str) == Some(keystore) && cols[2] == version)
        .unwrap_or_else(|| panic!("no row for {keystore} v{version}:\n{table}"))
}

#[test]
fn pkcs11_keystore_follows_the_key_lifecycle_through_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((module, conf)) = softhsm(&tmp.path().join("hsm")) else {
        return;
    };
    init_token(&conf, "kh-ks");
    init_token(&conf, "kh-ks-bad");
    let s = Server::start_with_env(
        tempfile::tempdir().unwrap(),
        "debug",
        &[("SOFTHSM2_CONF", conf.as_os_str())],
    );
    let ok = |args: &[&str]| -> Output {
        let o = s.cli(args);
        assert!(o.status.success(), "{args:?}:\n{}", text(&o));
        o
    };
    let stdout = |o: &Output| String::from_utf8_lossy(&o.stdout).into_owned();
    ok(&[
        "vault",
        "create",
        "pay",
        "--grant-self",
        "admin",
        "--grant-self",
        "key-manager",
        "--grant-self",
        "crypto-user",
    ]);

    // Register: settings inline, credentials from a file (never on the command line).
    let settings = |label: &str| {
        serde_json::json!({"module": module.to_str().unwrap(), "token_label": label}).to_string()
    };
    let creds = tmp.path().join("creds.json");
    std::fs::write(&creds, format!(r#"{{"pin": "{PIN}"}}"#)).unwrap();
    let added = stdout(&ok(&[
        "keystore",
        "add",
        "pay/hsm",
        "--kind",
        "pkcs11",
        "--placement",
        "push",
        "--settings",
        &settings("kh-ks"),
        "--credentials-file",
        creds.to_str().unwrap(),
    ]));
    assert!(added.contains("kind            pkcs11\n"), "{added}");
    assert!(added.contains("placement       push\n"), "{added}");
    assert!(added.contains("health          unknown\n"), "{added}");
    let shown = json(&ok(&["-o", "json", "keystore", "show", "pay/hsm"]));
    assert_eq!(shown["settings"]["token_label"], "kh-ks");
    assert!(shown.get("credentials").is_none(), "{shown}");
    assert!(!shown.to_string().contains("pin"), "{shown}");

    // Settings from a file, credentials (a wrong PIN) on stdin.
    let settings_file = tmp.path().join("bad.json");
    std::fs::write(&settings_file, settings("kh-ks-bad")).unwrap();
    let mut child = s
        .command()
        .args(["keystore", "add", "pay/hsm-bad", "--kind", "pkcs11"])
        .arg("--settings")
        .arg(format!("@{}", settings_file.display()))
        .args(["--credentials-file", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!(r#"{{"pin": "{WRONG_PIN}"}}"#).as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains(WRONG_PIN), "{}", text(&o));

    // Connection tests: passes with the right PIN; exit 7 and the reason with the wrong one.
    let tested = stdout(&ok(&["keystore", "test", "pay/hsm"]));
    assert!(
        tested.contains("keystore pay/hsm: connection test passed"),
        "{tested}"
    );
    let o = s.cli(&["keystore", "test", "pay/hsm-bad"]);
    assert_eq!(o.status.code(), Some(7), "{}", text(&o));
    let why = String::from_utf8_lossy(&o.stderr);
    assert!(
        why.contains("keystore pay/hsm-bad failed its connection test:"),
        "{why}"
    );
    assert!(!text(&o).contains(WRONG_PIN), "{}", text(&o));
    let o = s.cli(&["-o", "json", "keystore", "test", "pay/hsm-bad"]);
    assert_eq!(o.status.code(), Some(7), "{}", text(&o));
    assert_eq!(json(&o)["ok"], false);
    let list = stdout(&ok(&["keystore", "list", "pay"]));
    let health = |name: &str| {
        list.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .find(|c| c.first() == Some(&name))
            .map(|c| c[3].to_owned())
            .unwrap_or_else(|| panic!("{name} not listed:\n{list}"))
    };
    assert_eq!(health("hsm"), "ok", "{list}");
    assert_eq!(health("hsm-bad"), "error", "{list}");
    ok(&["keystore", "remove", "pay/hsm-bad"]);
    let o = s.cli(&["keystore", "show", "pay/hsm-bad"]);
    assert_eq!(o.status.code(), Some(3), "removed: {}", text(&o));

    // A key distributed at creation: version 1 is in the token, enabled.
    ok(&[
        "key",
        "create",
        "pay/db",
        "--algorithm",
        "aes-256",
        "--active",
        "--keystore",
        "hsm",
    ]);
    let table = stdout(&ok(&["key", "keystores", "pay/db"]));
    let v1 = row(&table, "hsm", "1");
    assert_eq!(v1[1], "pkcs11", "{table}");
    assert!(v1[3].starts_with("keyhaven-"), "remote id: {table}");
    assert_eq!(
        (v1[4].as_str(), v1[5].as_str()),
        ("enabled", "enabled"),
        "{table}"
    );
    assert_eq!(v1[6..].join(" "), "in sync", "{table}");
    let d = json(&ok(&["-o", "json", "key", "keystores", "pay/db"]));
    assert_eq!(d["out_of_sync"], false, "{d}");
    assert_eq!(d["keystores"][0]["versions"][0]["status"], "enabled", "{d}");
    let listed = json(&ok(&[
        "-o",
        "json",
        "key",
        "list",
        "--vault",
        "pay",
        "--out-of-sync",
    ]));
    assert_eq!(listed["items"], serde_json::json!([]), "in sync: {listed}");

    // Deactivate, sync: the token's copy is disabled.
    ok(&["key", "deactivate", "pay/db"]);
    let synced = stdout(&ok(&["key", "sync", "pay/db"]));
    let v1 = row(&synced, "hsm", "1");
    assert_eq!(
        (v1[4].as_str(), v1[5].as_str()),
        ("disabled", "disabled"),
        "{synced}"
    );
    let d = json(&ok(&["-o", "json", "key", "keystores", "pay/db"]));
    assert_eq!(d["state"], "deactivated", "{d}");
    assert_eq!(
        d["keystores"][0]["versions"][0]["status"], "disabled",
        "{d}"
    );
    assert_eq!(d["out_of_sync"], false, "{d}");

    // A keystore that holds keys cannot be removed.
    let o = s.cli(&["keystore", "remove", "pay/hsm"]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    let why = String::from_utf8_lossy(&o.stderr);
    assert!(
        why.contains("keystore hsm still holds keys of vault pay"),
        "{why}"
    );
    ok(&["keystore", "show", "pay/hsm"]);

    // No PIN in the server's debug log.
    let log = std::fs::read_to_string(&s.log).unwrap();
    assert!(log.contains("DEBUG"), "the log was captured at debug level");
    assert!(!log.contains(WRONG_PIN), "a PIN appears in the server log");
    assert!(
        !log.contains(&format!("\"pin\": \"{PIN}\""))
            && !log.contains(&format!("\"pin\":\"{PIN}\"")),
        "the credentials appear in the server log"
    );
}

#[test]
fn keystore_add_refuses_bad_input_before_sending_it() {
    let dir = tempfile::tempdir().unwrap();
    let creds = dir.path().join("creds.json");
    std::fs::write(&creds, r#"{"pin": "s3cr3t-4321""#).unwrap();
    // Nothing listens there: a request would be exit 6, so exit 2 shows none was sent.
    let code = |args: &[&OsStr]| {
        let o = Command::new(BIN)
            .env("KEYHAVEN_ADDR", "https://127.0.0.1:1")
            .env("KEYHAVEN_TOKEN", "khv_unused")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (o.status.code().unwrap_or(-1), text(&o))
    };
    let base = [
        "keystore",
        "add",
        "pay/hsm",
        "--kind",
        "pkcs11",
        "--settings",
    ]
    .map(OsStr::new);
    let (c, out) = code(&[&base[..], &[OsStr::new("[1, 2]")]].concat());
    assert_eq!(c, 2, "{out}");
    assert!(out.contains("must be a JSON object"), "{out}");
    let (c, out) = code(
        &[
            &base[..],
            &[
                OsStr::new("{}"),
                OsStr::new("--credentials-file"),
                creds.as_os_str(),
            ],
        ]
        .concat(),
    );
    assert_eq!(c, 2, "{out}");
    assert!(out.contains("creds.json is not valid JSON"), "{out}");
    assert!(
        !out.contains("s3cr3t"),
        "the credentials are never shown: {out}"
    );
    let (c, out) = code(
        &[
            &base[..],
            &[
                OsStr::new("@-"),
                OsStr::new("--credentials-file"),
                OsStr::new("-"),
            ],
        ]
        .concat(),
    );
    assert_eq!(c, 2, "{out}");
    assert!(out.contains("cannot both read stdin"), "{out}");
}
