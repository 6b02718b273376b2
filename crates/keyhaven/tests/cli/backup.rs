//! `keyhaven backup`: a populated `serve --dev` instance (keys of several types in every
//! state, versions, audit log) is backed up under each protection mode; `verify` checks the
//! files offline; each restores into a fresh data directory (a different development root
//! key), which then decrypts and verifies what the source made, keeps the states, and
//! verifies its audit log. Wrong passphrases, wrong recipient keys, too few shares, and
//! damaged or truncated files fail with clear messages and leave the target untouched. A
//! backup taken under write load restores to a consistent instance.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::{text, Server, BIN};

fn ok(s: &Server, args: &[&str]) -> String {
    let out = s.cli(args);
    assert!(out.status.success(), "{args:?}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The CLI against `s` with another instance's token (after a restore, the tokens are the
/// backup's).
fn as_source(s: &Server, token_dir: &Path, args: &[&str]) -> Output {
    let mut c = s.command();
    c.env("KEYHAVEN_TOKEN_FILE", token_dir.join("root-token"));
    c.args(args).output().unwrap()
}

/// The CLI with no server (offline commands).
fn offline(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("KEYHAVEN_ADDR")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// (name, state, primary version) of each key of vault `bk`, sorted.
fn states(json: &str) -> Vec<(String, String, u64)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let items = v.get("items").unwrap_or(&v).as_array().unwrap().clone();
    let mut out: Vec<_> = items
        .iter()
        .map(|k| {
            (
                k["name"].as_str().unwrap().to_owned(),
                k["state"].as_str().unwrap().to_owned(),
                k["primary_version"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    out.sort();
    out
}

struct Made {
    ct1: String,
    ct2: String,
    sig: String,
    /// (key, signature file) of the other signing algorithms.
    more_sigs: Vec<(String, String)>,
    mac: String,
    states: Vec<(String, String, u64)>,
}

/// Keys of several types in every state, with versions, ciphertexts and a signature.
fn populate(s: &Server, work: &Path) -> Made {
    let file = |name: &str| work.join(name).to_str().unwrap().to_owned();
    ok(s, &["vault", "create", "bk"]);
    ok(
        s,
        &["role", "grant", "bk", "root", "key-manager", "crypto-user"],
    );
    for (name, alg) in [
        ("data", "aes-256"),
        ("signer", "ec-p256"),
        ("rsa", "rsa-3072"),
        ("mac", "hmac-sha256"),
        ("kem", "ml-kem-768"),
        ("ed", "ed25519"),
        ("dsa", "ml-dsa-65"),
        ("old", "aes-256"),
        ("lost", "aes-256"),
        ("gone", "aes-256"),
    ] {
        ok(
            s,
            &[
                "key",
                "create",
                &format!("bk/{name}"),
                "--algorithm",
                alg,
                "--active",
            ],
        );
    }
    ok(s, &["key", "create", "bk/later", "--algorithm", "aes-128"]);
    let (ct1, ct2, sig, mac) = (file("ct1"), file("ct2"), file("sig"), file("mac"));
    ok(
        s,
        &["encrypt", "bk/data", "--data", "version one", "--out", &ct1],
    );
    ok(s, &["key", "rotate", "bk/data"]);
    ok(
        s,
        &["encrypt", "bk/data", "--data", "version two", "--out", &ct2],
    );
    ok(
        s,
        &[
            "sign",
            "bk/signer",
            "--data",
            "signed before",
            "--out",
            &sig,
        ],
    );
    ok(s, &["mac", "bk/mac", "--data", "mac before", "--out", &mac]);
    let mut more_sigs = Vec::new();
    for k in ["bk/rsa", "bk/ed", "bk/dsa"] {
        let out = file(&format!("sig-{}", &k[3..]));
        ok(s, &["sign", k, "--data", "signed before", "--out", &out]);
        more_sigs.push((k.to_owned(), out));
    }
    ok(s, &["key", "deactivate", "bk/old", "--reason", "retired"]);
    ok(s, &["key", "compromise", "bk/lost", "--reason", "leaked"]);
    ok(s, &["key", "deactivate", "bk/gone", "--reason", "done"]);
    ok(s, &["key", "destroy", "bk/gone", "--reason", "done"]);
    let states = states(&ok(
        s,
        &["key", "list", "--vault", "bk", "--all", "--output", "json"],
    ));
    assert_eq!(states.len(), 11, "{states:?}");
    Made {
        ct1,
        ct2,
        sig,
        more_sigs,
        mac,
        states,
    }
}

/// What the restored instance must show: old data decrypts and verifies, states are kept,
/// the audit log verifies and records the restore.
fn check_restored(s: &Server, token_dir: &Path, m: &Made) {
    let run = |args: &[&str]| {
        let out = as_source(s, token_dir, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    assert_eq!(run(&["decrypt", "bk/data", "--in", &m.ct1]), "version one");
    assert_eq!(run(&["decrypt", "bk/data", "--in", &m.ct2]), "version two");
    run(&[
        "verify",
        "bk/signer",
        "--data",
        "signed before",
        "--signature-file",
        &m.sig,
    ]);
    run(&[
        "mac-verify",
        "bk/mac",
        "--data",
        "mac before",
        "--mac-file",
        &m.mac,
    ]);
    for (k, sig) in &m.more_sigs {
        run(&[
            "verify",
            k,
            "--data",
            "signed before",
            "--signature-file",
            sig,
        ]);
    }
    let forged = as_source(
        s,
        token_dir,
        &[
            "verify",
            "bk/signer",
            "--data",
            "not signed",
            "--signature-file",
            &m.sig,
        ],
    );
    assert_eq!(forged.status.code(), Some(7), "{}", text(&forged));
    let after = states(&run(&[
        "key", "list", "--vault", "bk", "--all", "--output", "json",
    ]));
    assert_eq!(after, m.states);
    let refused = as_source(s, token_dir, &["encrypt", "bk/old", "--data", "x"]);
    assert_eq!(
        refused.status.code(),
        Some(4),
        "still deactivated: {}",
        text(&refused)
    );
    let verify = run(&["audit", "verify", "--output", "json"]);
    assert!(verify.contains("\"ok\": true"), "{verify}");
    let log = run(&[
        "audit",
        "list",
        "--action",
        "backup.restore",
        "--output",
        "json",
    ]);
    assert!(log.contains("full restore"), "{log}");
}

fn write(path: &Path, bytes: &[u8]) -> String {
    std::fs::write(path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

fn vaults_of(s: &Server) -> String {
    ok(s, &["vault", "list", "--output", "json"])
}

#[test]
fn every_protection_mode_round_trips_into_a_fresh_instance() {
    let src = Server::start();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let made = populate(&src, w);
    let pass = write(&w.join("pass"), b"a long backup passphrase\n");
    let wrong = write(&w.join("wrong"), b"not the backup passphrase\n");

    // Passphrase.
    let f_pass = w.join("pass.khbackup");
    let out = ok(
        &src,
        &[
            "backup",
            "create",
            "--out",
            f_pass.to_str().unwrap(),
            "--passphrase-file",
            &pass,
        ],
    );
    assert!(out.contains("11 keys"), "{out}");
    let v = offline(&[
        "backup",
        "verify",
        f_pass.to_str().unwrap(),
        "--passphrase-file",
        &pass,
        "--output",
        "json",
    ]);
    assert!(v.status.success(), "{}", text(&v));
    let report: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(report["counts"]["keys"], 11, "{report}");
    // bk and the vault of the development instance.
    assert_eq!(report["counts"]["vaults"], 2, "{report}");
    assert!(report["audit_records"].as_u64().unwrap() > 20, "{report}");
    assert_eq!(report["carries_system_secret"], true, "{report}");
    // The audit log inside verifies, checkpoint signatures included.
    assert_eq!(report["audit"]["ok"], true, "{report}");
    assert_eq!(
        report["audit"]["records"], report["audit_records"],
        "{report}"
    );
    assert!(
        report["audit"]["checkpoints"].as_u64().unwrap() >= 1,
        "{report}"
    );
    let bad = offline(&[
        "backup",
        "verify",
        f_pass.to_str().unwrap(),
        "--passphrase-file",
        &wrong,
    ]);
    assert_eq!(bad.status.code(), Some(7));
    assert!(text(&bad).contains("wrong passphrase"), "{}", text(&bad));

    // Recipients: one RSA-3072 and one ML-KEM-768 key; either restores.
    let rsa = w.join("rsa");
    let kem = w.join("kem");
    let other = w.join("other");
    for (name, alg) in [
        (&rsa, "rsa-3072"),
        (&kem, "ml-kem-768"),
        (&other, "ml-kem-768"),
    ] {
        let out = offline(&[
            "backup",
            "keygen",
            "--algorithm",
            alg,
            "--out",
            name.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out));
    }
    let key_of = |p: &PathBuf, ext: &str| p.with_extension(ext).to_str().unwrap().to_owned();
    let f_rcpt = w.join("rcpt.khbackup");
    ok(
        &src,
        &[
            "backup",
            "create",
            "--out",
            f_rcpt.to_str().unwrap(),
            "--recipient",
            &key_of(&rsa, "pub"),
            "--recipient",
            &key_of(&kem, "pub"),
        ],
    );
    let bad = offline(&[
        "backup",
        "verify",
        f_rcpt.to_str().unwrap(),
        "--recipient-key",
        &key_of(&other, "key"),
    ]);
    assert_eq!(bad.status.code(), Some(7));
    assert!(
        text(&bad).contains("not made for this recipient"),
        "{}",
        text(&bad)
    );

    // Shamir 3 of 5.
    let f_shamir = w.join("shamir.khbackup");
    let shares = w.join("shares");
    ok(
        &src,
        &[
            "backup",
            "create",
            "--out",
            f_shamir.to_str().unwrap(),
            "--shares",
            "5",
            "--threshold",
            "3",
            "--shares-out",
            shares.to_str().unwrap(),
        ],
    );
    let share = |i: u32| {
        shares
            .join(format!("share-{i}.txt"))
            .to_str()
            .unwrap()
            .to_owned()
    };
    let few = offline(&[
        "backup",
        "verify",
        f_shamir.to_str().unwrap(),
        "--share",
        &share(1),
        "--share",
        &share(4),
    ]);
    assert_eq!(few.status.code(), Some(7));
    assert!(text(&few).contains("needs 3"), "{}", text(&few));

    // Damaged copies: a flipped byte in the middle, a truncated file.
    let bytes = std::fs::read(&f_pass).unwrap();
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    let f_flip = write(&w.join("flip.khbackup"), &flipped);
    let f_cut = write(&w.join("cut.khbackup"), &bytes[..bytes.len() - 100]);
    for f in [&f_flip, &f_cut] {
        let out = offline(&["backup", "verify", f, "--passphrase-file", &pass]);
        assert_eq!(out.status.code(), Some(7), "{f}: {}", text(&out));
        assert!(text(&out).contains("damaged"), "{}", text(&out));
    }

    // Restores into fresh instances; failures first, against the first target.
    let other_key = key_of(&other, "key");
    let (share_1, share_4) = (share(1), share(4));
    let dst = Server::start();
    let before = vaults_of(&dst);
    for (f, unlock) in [
        (f_flip.as_str(), vec!["--passphrase-file", pass.as_str()]),
        (f_cut.as_str(), vec!["--passphrase-file", pass.as_str()]),
        (
            f_pass.to_str().unwrap(),
            vec!["--passphrase-file", wrong.as_str()],
        ),
        (
            f_rcpt.to_str().unwrap(),
            vec!["--recipient-key", other_key.as_str()],
        ),
        (
            f_shamir.to_str().unwrap(),
            vec!["--share", share_1.as_str(), "--share", share_4.as_str()],
        ),
    ] {
        let mut args = vec!["backup", "restore", f];
        args.extend(unlock);
        let out = dst.cli(&args);
        assert_eq!(out.status.code(), Some(7), "{args:?}: {}", text(&out));
        assert_eq!(vaults_of(&dst), before, "the target is untouched");
    }
    let restored = ok(
        &dst,
        &[
            "backup",
            "restore",
            f_pass.to_str().unwrap(),
            "--passphrase-file",
            &pass,
        ],
    );
    assert!(
        restored.contains("principals and tokens are now the backup's"),
        "{restored}"
    );
    check_restored(&dst, &src.data(), &made);
    // A second full restore into the now populated instance is refused.
    let again = as_source(
        &dst,
        &src.data(),
        &[
            "backup",
            "restore",
            f_pass.to_str().unwrap(),
            "--passphrase-file",
            &pass,
        ],
    );
    assert!(!again.status.success());
    assert!(text(&again).contains("empty instance"), "{}", text(&again));

    for (f, unlock) in [
        (
            &f_rcpt,
            vec!["--recipient-key".to_owned(), key_of(&rsa, "key")],
        ),
        (
            &f_rcpt,
            vec!["--recipient-key".to_owned(), key_of(&kem, "key")],
        ),
        (
            &f_shamir,
            vec![
                "--share".to_owned(),
                share(5),
                "--share".to_owned(),
                share(2),
                "--share".to_owned(),
                share(3),
            ],
        ),
    ] {
        let target = Server::start();
        let mut args = vec!["backup", "restore", f.to_str().unwrap()];
        args.extend(unlock.iter().map(String::as_str));
        ok(&target, &args);
        check_restored(&target, &src.data(), &made);
    }

    // The restored instance keeps working after a restart on its own root key.
    let mut dst = dst;
    assert_eq!(dst.terminate().code(), Some(0));
    let dir = dst.dir.take().unwrap();
    std::fs::copy(
        src.data().join("root-token"),
        dir.path().join("data/root-token"),
    )
    .unwrap();
    drop(dst);
    let dst = Server::start_in(dir);
    assert_eq!(
        ok(&dst, &["decrypt", "bk/data", "--in", &made.ct1]),
        "version one"
    );
}

#[test]
fn a_backup_taken_under_write_load_restores_consistently() {
    let src = Server::start();
    ok(&src, &["vault", "create", "load"]);
    ok(
        &src,
        &[
            "role",
            "grant",
            "load",
            "root",
            "key-manager",
            "crypto-user",
        ],
    );
    let work = tempfile::tempdir().unwrap();
    let pass = write(&work.path().join("pass"), b"a long backup passphrase");
    // Bounded load: creates and encryptions for 6 seconds on 4 connections.
    let load = src
        .command()
        .args([
            "bench",
            "--connections",
            "4",
            "--duration",
            "6",
            "--ops",
            "create,encrypt",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(2));
    let f = work.path().join("load.khbackup");
    let out = ok(
        &src,
        &[
            "backup",
            "create",
            "--out",
            f.to_str().unwrap(),
            "--passphrase-file",
            &pass,
        ],
    );
    let status = load.wait_with_output().unwrap();
    assert!(status.status.success());
    let v = offline(&[
        "backup",
        "verify",
        f.to_str().unwrap(),
        "--passphrase-file",
        &pass,
        "--output",
        "json",
    ]);
    assert!(v.status.success(), "{}", text(&v));
    let report: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    let keys = report["counts"]["keys"].as_u64().unwrap();
    let versions = report["counts"]["key_versions"].as_u64().unwrap();
    eprintln!("backup under load: {out}");
    assert!(
        keys > 0,
        "the load created keys before the backup: {report}"
    );

    let dst = Server::start();
    ok(
        &dst,
        &[
            "backup",
            "restore",
            f.to_str().unwrap(),
            "--passphrase-file",
            &pass,
        ],
    );
    let run = |args: &[&str]| {
        let out = as_source(&dst, &src.data(), args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    // One snapshot: every key has its versions, the audit log is whole and verifies.
    let listed: serde_json::Value =
        serde_json::from_str(&run(&["key", "list", "--all", "--output", "json"])).unwrap();
    let items = listed
        .get("items")
        .unwrap_or(&listed)
        .as_array()
        .unwrap()
        .len() as u64;
    assert_eq!(items, keys);
    assert!(versions >= keys);
    let verify = run(&["audit", "verify", "--output", "json"]);
    assert!(verify.contains("\"ok\": true"), "{verify}");
}

/// The bytes of a file holding base64 text (what `encrypt --out` writes).
fn b64_file(path: &str) -> Vec<u8> {
    use base64::Engine;
    let text = std::fs::read_to_string(path).unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .unwrap()
}

/// The id of `vault/name` on `s`.
fn key_id(s: &Server, key: &str) -> String {
    let shown: serde_json::Value =
        serde_json::from_str(&ok(s, &["key", "show", key, "--output", "json"])).unwrap();
    shown["id"].as_str().unwrap().to_owned()
}

#[test]
fn only_exportable_keys_leave_and_an_exported_key_works_in_another_instance() {
    let src = Server::start();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let file = |name: &str| w.join(name).to_str().unwrap().to_owned();
    ok(&src, &["vault", "create", "ex"]);
    ok(
        &src,
        &[
            "role",
            "grant",
            "ex",
            "root",
            "admin",
            "key-manager",
            "crypto-user",
        ],
    );
    ok(
        &src,
        &[
            "key",
            "create",
            "ex/locked",
            "--algorithm",
            "aes-256",
            "--active",
        ],
    );
    for (name, alg) in [
        ("aes", "aes-256"),
        ("mac", "hmac-sha256"),
        ("ec", "ec-p256"),
    ] {
        ok(
            &src,
            &[
                "key",
                "create",
                &format!("ex/{name}"),
                "--algorithm",
                alg,
                "--active",
                "--exportable",
            ],
        );
    }

    // The other instance's vault and its import key.
    let dst = Server::start();
    ok(&dst, &["vault", "create", "in"]);
    ok(
        &dst,
        &["role", "grant", "in", "root", "key-manager", "crypto-user"],
    );
    let import_pub = file("import.pem");
    ok(
        &dst,
        &["key", "import-key", "--vault", "in", "--out", &import_pub],
    );
    let import: serde_json::Value = serde_json::from_str(&ok(
        &dst,
        &["key", "import-key", "--vault", "in", "--output", "json"],
    ))
    .unwrap();
    let import_id = import["id"].as_str().unwrap().to_owned();

    // A key not created exportable never leaves: every vault role, and the system admin.
    let locked = key_id(&src, "ex/locked");
    let mut tokens = Vec::new();
    for role in ["admin", "key-manager", "crypto-user", "auditor"] {
        let who = format!("p-{role}");
        ok(&src, &["principal", "create", &who]);
        ok(&src, &["role", "grant", "ex", &who, role]);
        tokens.push(ok(&src, &["token", "create", &who, "--secret-only"]));
    }
    for how in [
        vec!["--plaintext"],
        vec!["--wrap-for", import_pub.as_str()],
        vec!["--wrap-with", "ex/aes"],
    ] {
        let mut args = vec!["key", "export", locked.as_str()];
        args.extend(how.iter().copied());
        let root = src.cli(&args);
        assert!(!root.status.success(), "{args:?}");
        assert!(text(&root).contains("not exportable"), "{}", text(&root));
        for t in &tokens {
            let out = src
                .command()
                .env("KEYHAVEN_TOKEN", t)
                .env_remove("KEYHAVEN_TOKEN_FILE")
                .args(&args)
                .output()
                .unwrap();
            assert!(!out.status.success(), "{args:?}: {}", text(&out));
        }
    }

    // Plaintext needs the vault's permission, then works and is audited.
    let plain = src.cli(&["key", "export", "ex/aes", "--plaintext"]);
    assert!(!plain.status.success());
    assert!(
        text(&plain).contains("does not allow plaintext export"),
        "{}",
        text(&plain)
    );
    let policy = file("policy.json");
    std::fs::write(&policy, br#"{"allow_plaintext_export": true}"#).unwrap();
    // Only a system administrator may allow it, not the vault's admin.
    let by_vault_admin = src
        .command()
        .env("KEYHAVEN_TOKEN", &tokens[0])
        .env_remove("KEYHAVEN_TOKEN_FILE")
        .args(["policy", "set", "--vault", "ex", &policy])
        .output()
        .unwrap();
    assert!(!by_vault_admin.status.success());
    assert!(
        text(&by_vault_admin).contains("system administrator"),
        "{}",
        text(&by_vault_admin)
    );
    ok(&src, &["policy", "set", "--vault", "ex", &policy]);
    let raw_path = file("aes.raw");
    ok(
        &src,
        &["key", "export", "ex/aes", "--plaintext", "--out", &raw_path],
    );
    let raw = std::fs::read(&raw_path).unwrap();
    assert_eq!(raw.len(), 32);
    // The material is the key's: it opens a ciphertext keyhaven made with it (header || nonce
    // || ciphertext || tag, the header as associated data).
    let ct_path = file("ct");
    ok(
        &src,
        &[
            "encrypt",
            "ex/aes",
            "--data",
            "made in the source",
            "--out",
            &ct_path,
        ],
    );
    let ct = b64_file(&ct_path);
    let (header, rest) = ct.split_at(24);
    let (nonce, sealed) = rest.split_at(12);
    let key = aws_lc_rs::aead::LessSafeKey::new(
        aws_lc_rs::aead::UnboundKey::new(&aws_lc_rs::aead::AES_256_GCM, &raw).unwrap(),
    );
    let mut buf = sealed.to_vec();
    let pt = key
        .open_in_place(
            aws_lc_rs::aead::Nonce::try_assume_unique_for_key(nonce).unwrap(),
            aws_lc_rs::aead::Aad::from(header),
            &mut buf,
        )
        .unwrap();
    assert_eq!(pt, b"made in the source");
    let log = ok(
        &src,
        &[
            "audit",
            "list",
            "--action",
            "key.export",
            "--output",
            "json",
        ],
    );
    assert!(log.contains("plaintext"), "{log}");

    // Wrapped for the other instance's import key: imports there and works on the source's
    // MACs and signatures.
    let mac = file("mac");
    let sig = file("sig");
    ok(
        &src,
        &[
            "mac",
            "ex/mac",
            "--data",
            "tagged in the source",
            "--out",
            &mac,
        ],
    );
    ok(
        &src,
        &[
            "sign",
            "ex/ec",
            "--data",
            "signed in the source",
            "--out",
            &sig,
        ],
    );
    for (name, alg) in [
        ("aes", "aes-256"),
        ("mac", "hmac-sha256"),
        ("ec", "ec-p256"),
    ] {
        let blob = file(&format!("{name}.wrapped"));
        ok(
            &src,
            &[
                "key",
                "export",
                &format!("ex/{name}"),
                "--wrap-for",
                &import_pub,
                "--out",
                &blob,
            ],
        );
        ok(
            &dst,
            &[
                "key",
                "import",
                "--vault",
                "in",
                "--name",
                name,
                "--algorithm",
                alg,
                "--wrapped",
                &blob,
                "--import-key-id",
                &import_id,
                "--active",
            ],
        );
    }
    ok(
        &dst,
        &[
            "mac-verify",
            "in/mac",
            "--data",
            "tagged in the source",
            "--mac-file",
            &mac,
        ],
    );
    ok(
        &dst,
        &[
            "verify",
            "in/ec",
            "--data",
            "signed in the source",
            "--signature-file",
            &sig,
        ],
    );
    assert_eq!(
        ok(&src, &["key", "public-key", "ex/ec"]),
        ok(&dst, &["key", "public-key", "in/ec"])
    );
    // The imported AES key holds the same material: what it encrypts there, the exported
    // bytes open.
    let ct2_path = file("ct2");
    ok(
        &dst,
        &[
            "encrypt",
            "in/aes",
            "--data",
            "made in the copy",
            "--out",
            &ct2_path,
        ],
    );
    let ct2 = b64_file(&ct2_path);
    let (header, rest) = ct2.split_at(24);
    let (nonce, sealed) = rest.split_at(12);
    let mut buf = sealed.to_vec();
    let pt = key
        .open_in_place(
            aws_lc_rs::aead::Nonce::try_assume_unique_for_key(nonce).unwrap(),
            aws_lc_rs::aead::Aad::from(header),
            &mut buf,
        )
        .unwrap();
    assert_eq!(pt, b"made in the copy");

    // Under another keyhaven key: a ciphertext that key opens.
    let under = ok(
        &src,
        &[
            "key",
            "export",
            "ex/mac",
            "--wrap-with",
            "ex/aes",
            "--output",
            "json",
        ],
    );
    let under: serde_json::Value = serde_json::from_str(&under).unwrap();
    assert_eq!(under["format"], "keyhaven-ciphertext");
}

/// `/v1/ready` of `s`, as JSON.
fn ready(s: &Server) -> serde_json::Value {
    let out = Command::new("curl")
        .args(["-s", "--cacert"])
        .arg(s.data().join("tls/ca.pem"))
        .arg(format!("{}/v1/ready", s.addr))
        .output()
        .expect("curl (installed by .ci/run)");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn scheduled_backups_rotate_and_failures_show_in_ready() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let rcpt = w.join("rcpt");
    let out = offline(&["backup", "keygen", "--out", rcpt.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let public = rcpt.with_extension("pub");
    let dir = w.join("backups");
    let s = Server::start_with_args(
        tempfile::tempdir().unwrap(),
        "warn",
        &[],
        &[
            "--backup-dir",
            dir.to_str().unwrap(),
            "--backup-interval",
            "1s",
            "--backup-keep",
            "2",
            "--backup-recipient",
            public.to_str().unwrap(),
        ],
    );
    ok(&s, &["vault", "create", "sched"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let files = loop {
        let r = ready(&s);
        let written = r["details"]["backups"]["written"].as_u64().unwrap_or(0);
        if written >= 4 {
            break std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect::<Vec<_>>();
        }
        assert!(std::time::Instant::now() < deadline, "{r}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let r = ready(&s);
    assert_eq!(r["details"]["backups"]["failures_in_a_row"], 0, "{r}");
    assert_eq!(r["status"], "ok", "{r}");
    let ours: Vec<_> = files.iter().filter(|n| n.ends_with(".khbackup")).collect();
    assert_eq!(ours.len(), 2, "retention keeps two: {files:?}");
    let newest = dir.join(ours.iter().max().unwrap());
    let v = offline(&[
        "backup",
        "verify",
        newest.to_str().unwrap(),
        "--recipient-key",
        rcpt.with_extension("key").to_str().unwrap(),
        "--output",
        "json",
    ]);
    assert!(v.status.success(), "{}", text(&v));
    let report: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert!(
        report["counts"]["vaults"].as_u64().unwrap() >= 2,
        "{report}"
    );

    // A directory that cannot be written: the failure shows in /v1/ready.
    let blocked = w.join("not-a-dir");
    std::fs::write(&blocked, b"a file").unwrap();
    let bad = Server::start_with_args(
        tempfile::tempdir().unwrap(),
        "warn",
        &[],
        &[
            "--backup-dir",
            blocked.to_str().unwrap(),
            "--backup-interval",
            "1s",
            "--backup-recipient",
            public.to_str().unwrap(),
        ],
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let r = ready(&bad);
        if r["details"]["backups"]["failures_in_a_row"]
            .as_u64()
            .unwrap_or(0)
            > 0
        {
            assert_eq!(r["status"], "degraded", "{r}");
            let msg = r["details"]["backups"]["last_error"]["message"]
                .as_str()
                .unwrap();
            assert!(msg.contains("not-a-dir"), "{msg}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{r}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// `backup restore --vault ... [--key ...] --output json` against `s` with `token_dir`'s token.
fn restore_partial(
    s: &Server,
    token_dir: &Path,
    file: &str,
    pass: &str,
    more: &[&str],
) -> serde_json::Value {
    let mut args = vec![
        "backup",
        "restore",
        file,
        "--passphrase-file",
        pass,
        "--output",
        "json",
    ];
    args.extend_from_slice(more);
    let out = as_source(s, token_dir, &args);
    assert!(out.status.success(), "{args:?}: {}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn names(v: &serde_json::Value, field: &str) -> Vec<String> {
    let mut out: Vec<String> = v[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn a_vault_restores_into_an_instance_in_use_without_overwriting_or_resurrecting() {
    let src = Server::start();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let file = |name: &str| w.join(name).to_str().unwrap().to_owned();
    ok(
        &src,
        &["vault", "create", "pr", "--pending-destruction-days", "0"],
    );
    ok(
        &src,
        &["role", "grant", "pr", "root", "key-manager", "crypto-user"],
    );
    for (name, alg) in [
        ("a", "aes-256"),
        ("b", "ec-p256"),
        ("c", "aes-256"),
        ("d", "aes-256"),
    ] {
        ok(
            &src,
            &[
                "key",
                "create",
                &format!("pr/{name}"),
                "--algorithm",
                alg,
                "--active",
            ],
        );
    }
    let (ct, sig) = (file("ct"), file("sig"));
    ok(
        &src,
        &[
            "encrypt",
            "pr/a",
            "--data",
            "before the backup",
            "--out",
            &ct,
        ],
    );
    ok(&src, &["key", "rotate", "pr/a"]);
    ok(
        &src,
        &["sign", "pr/b", "--data", "before the backup", "--out", &sig],
    );
    let pass = write(&w.join("pass"), b"a long backup passphrase");
    let f = file("pr.khbackup");
    ok(
        &src,
        &["backup", "create", "--out", &f, "--passphrase-file", &pass],
    );

    // After the backup, the source destroys c.
    ok(&src, &["key", "deactivate", "pr/c"]);
    ok(&src, &["key", "destroy", "pr/c"]);
    // Into the same instance: every key exists here (not overwritten) or was destroyed here
    // (not brought back).
    let same = restore_partial(&src, &src.data(), &f, &pass, &["--vault", "pr"]);
    assert_eq!(names(&same, "restored"), Vec::<String>::new(), "{same}");
    assert_eq!(names(&same, "not_resurrected"), vec!["c"], "{same}");
    assert_eq!(names(&same, "conflicts"), vec!["a", "b", "d"], "{same}");
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&src, &["key", "show", "pr/c", "--output", "json"])).unwrap();
    assert!(
        shown["state"].as_str().unwrap().starts_with("destroyed"),
        "{shown}"
    );

    // Into another instance in use: two selected keys, the vault created.
    let dst = Server::start();
    ok(&dst, &["vault", "create", "other"]);
    let first = restore_partial(
        &dst,
        &dst.data(),
        &f,
        &pass,
        &["--vault", "pr", "--key", "a", "--key", "b"],
    );
    assert_eq!(first["vault_created"], true, "{first}");
    assert_eq!(names(&first, "restored"), vec!["a", "b"], "{first}");
    ok(
        &dst,
        &["role", "grant", "pr", "root", "key-manager", "crypto-user"],
    );
    // Same ids: what the source made before the backup works here.
    assert_eq!(
        ok(&dst, &["decrypt", "pr/a", "--in", &ct]),
        "before the backup"
    );
    ok(
        &dst,
        &[
            "verify",
            "pr/b",
            "--data",
            "before the backup",
            "--signature-file",
            &sig,
        ],
    );
    assert_eq!(key_id(&dst, "pr/a"), key_id(&src, "pr/a"));
    let versions: serde_json::Value =
        serde_json::from_str(&ok(&dst, &["key", "versions", "pr/a", "--output", "json"])).unwrap();
    let versions = versions
        .get("items")
        .unwrap_or(&versions)
        .as_array()
        .unwrap()
        .len();
    assert_eq!(versions, 2);
    let history = ok(&dst, &["key", "history", "pr/a", "--output", "json"]);
    assert!(history.contains("rotate"), "{history}");

    // The whole vault now: a and b conflict, c (active in the backup) and d come back.
    let second = restore_partial(&dst, &dst.data(), &f, &pass, &["--vault", "pr"]);
    assert_eq!(names(&second, "restored"), vec!["c", "d"], "{second}");
    assert_eq!(names(&second, "conflicts"), vec!["a", "b"], "{second}");
    // d destroyed and purged here: a later restore does not bring it back.
    ok(&dst, &["key", "deactivate", "pr/d"]);
    ok(&dst, &["key", "destroy", "pr/d"]);
    ok(&dst, &["key", "purge", "pr/d"]);
    let third = restore_partial(
        &dst,
        &dst.data(),
        &f,
        &pass,
        &["--vault", "pr", "--key", "d"],
    );
    assert_eq!(names(&third, "not_resurrected"), vec!["d"], "{third}");
    assert!(dst.cli(&["key", "show", "pr/d"]).status.code() == Some(3));
    let verify = ok(&dst, &["audit", "verify", "--output", "json"]);
    assert!(verify.contains("\"ok\": true"), "{verify}");
    let log = ok(
        &dst,
        &[
            "audit",
            "list",
            "--action",
            "backup.restore.key",
            "--output",
            "json",
        ],
    );
    assert!(log.contains("restored from a backup"), "{log}");
}

#[test]
fn a_vault_backup_holds_only_that_vault_and_restores_partially() {
    let src = Server::start();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    for v in ["one", "two"] {
        ok(&src, &["vault", "create", v]);
        ok(
            &src,
            &["role", "grant", v, "root", "key-manager", "crypto-user"],
        );
        ok(
            &src,
            &[
                "key",
                "create",
                &format!("{v}/k"),
                "--algorithm",
                "aes-256",
                "--active",
            ],
        );
    }
    let ct = w.join("ct").to_str().unwrap().to_owned();
    ok(
        &src,
        &["encrypt", "one/k", "--data", "vault one", "--out", &ct],
    );
    let pass = write(&w.join("pass"), b"a long backup passphrase");
    let f = w.join("one.khbackup").to_str().unwrap().to_owned();
    ok(
        &src,
        &[
            "backup",
            "create",
            "--vault",
            "one",
            "--out",
            &f,
            "--passphrase-file",
            &pass,
        ],
    );
    let v = offline(&[
        "backup",
        "verify",
        &f,
        "--passphrase-file",
        &pass,
        "--output",
        "json",
    ]);
    assert!(v.status.success(), "{}", text(&v));
    let report: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(report["scope"], "vault one", "{report}");
    assert_eq!(report["counts"]["vaults"], 1, "{report}");
    assert_eq!(report["counts"]["keys"], 1, "{report}");
    assert!(report["counts"].get("principals").is_none(), "{report}");
    assert_eq!(report["audit_records"], 0, "{report}");
    // One vault's key, and not the instance's record MAC and audit signing keys.
    assert_eq!(report["vault_keys"], 1, "{report}");
    assert_eq!(report["carries_system_secret"], false, "{report}");

    let dst = Server::start();
    let full = dst.cli(&["backup", "restore", &f, "--passphrase-file", &pass]);
    assert!(!full.status.success());
    assert!(
        text(&full).contains("not the whole instance"),
        "{}",
        text(&full)
    );
    let r = restore_partial(&dst, &dst.data(), &f, &pass, &["--vault", "one"]);
    assert_eq!(names(&r, "restored"), vec!["k"], "{r}");
    ok(&dst, &["role", "grant", "one", "root", "crypto-user"]);
    assert_eq!(ok(&dst, &["decrypt", "one/k", "--in", &ct]), "vault one");
    let missing = dst.cli(&["key", "show", "two/k"]);
    assert!(!missing.status.success());
}
