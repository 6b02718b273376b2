//! Key import through the binary: `key import-key`, `key import --material --wrap` (wrapped on
//! the client), `key import --wrapped` with a blob the openssl command line made, and the same
//! material imported plain, all giving the same key.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::{text, Server};

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}"))
}

/// Whether openssl is here; under CI=true its absence fails the test.
fn have_openssl() -> bool {
    if Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true and the openssl command line is unavailable");
    }
    eprintln!("skipping the openssl part: openssl is unavailable");
    false
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", text(&out));
}

#[test]
fn import_through_the_cli() {
    let s = Server::start();
    let ok = |args: &[&str]| -> String {
        let o = s.cli(args);
        assert!(o.status.success(), "{args:?}:\n{}", text(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    ok(&[
        "vault",
        "create",
        "byok",
        "--grant-self",
        "key-manager",
        "--grant-self",
        "crypto-user",
    ]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let p = |name: &str| dir.join(name).to_str().unwrap().to_owned();

    // The import key: fields on stdout, PEM in the file.
    let shown = ok(&[
        "key",
        "import-key",
        "--vault",
        "byok",
        "--out",
        &p("import.pem"),
    ]);
    assert!(shown.contains("RSA_AES_KEY_WRAP_SHA_256"), "{shown}");
    let pem = std::fs::read_to_string(dir.join("import.pem")).unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
    let ik = json(&ok(&[
        "--output",
        "json",
        "key",
        "import-key",
        "--vault",
        "byok",
        "--out",
        &p("again.pem"),
    ]));
    assert_eq!(std::fs::read_to_string(dir.join("again.pem")).unwrap(), pem);
    let ik_id = ik["id"].as_str().unwrap().to_owned();
    assert!(shown.contains(&ik_id), "{shown}");

    // One HMAC key, imported three ways.
    std::fs::write(dir.join("mac.key"), [0x5cu8; 32]).unwrap();
    let base = [
        "key",
        "import",
        "--vault",
        "byok",
        "-a",
        "hmac-sha256",
        "--active",
    ];
    let imported = |name: &str, extra: &[&str]| {
        let mut args = vec!["--output", "json"];
        args.extend_from_slice(&base);
        args.extend_from_slice(&["--name", name]);
        args.extend_from_slice(extra);
        json(&ok(&args))
    };
    let wrapped = imported("wrapped", &["--material", &p("mac.key"), "--wrap"]);
    assert_eq!(wrapped["origin"], "imported");
    imported("plain", &["--material", &p("mac.key")]);
    let mut names = vec!["byok/wrapped", "byok/plain"];
    if have_openssl() {
        openssl(dir, &["rand", "-out", "eph.key", "32"]);
        openssl(
            dir,
            &[
                "pkeyutl",
                "-encrypt",
                "-pubin",
                "-inkey",
                "import.pem",
                "-pkeyopt",
                "rsa_padding_mode:oaep",
                "-pkeyopt",
                "rsa_oaep_md:sha256",
                "-pkeyopt",
                "rsa_mgf1_md:sha256",
                "-in",
                "eph.key",
                "-out",
                "part1",
            ],
        );
        let eph: String = std::fs::read(dir.join("eph.key"))
            .unwrap()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        openssl(
            dir,
            &[
                "enc",
                "-id-aes256-wrap-pad",
                "-K",
                &eph,
                "-iv",
                "A65959A6",
                "-in",
                "mac.key",
                "-out",
                "part2",
            ],
        );
        let mut blob = std::fs::read(dir.join("part1")).unwrap();
        blob.extend(std::fs::read(dir.join("part2")).unwrap());
        std::fs::write(dir.join("blob.bin"), blob).unwrap();
        imported(
            "openssl",
            &["--wrapped", &p("blob.bin"), "--import-key-id", &ik_id],
        );
        names.push("byok/openssl");
    }
    let tags: Vec<String> = names
        .iter()
        .map(|k| {
            let out = json(&ok(&["--output", "json", "mac", k, "--data", "same data"]));
            out["mac"].as_str().unwrap().to_owned()
        })
        .collect();
    assert!(tags.windows(2).all(|w| w[0] == w[1]), "{tags:?}");

    // A blob for a made-up import key is refused with the server's not-found exit code.
    let o = s.cli(&[
        "key",
        "import",
        "--vault",
        "byok",
        "--name",
        "nope",
        "-a",
        "hmac-sha256",
        "--wrapped",
        &p("mac.key"),
        "--import-key-id",
        "00000000-0000-0000-0000-000000000001",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
}
