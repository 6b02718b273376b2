//! `keyhaven discover`: a tree of keys and certificates made with openssl and ssh-keygen is
//! inventoried completely (algorithms, sizes, fingerprints equal to openssl's and ssh-keygen's,
//! weak keys, expiry, self-signature, reuse), an encrypted PKCS#8 key is decrypted with
//! --passphrase-file, a TLS server's chain is read without sending data, and `--import`
//! registers the private keys (RSA-1024 refused by the server's policy).
//!
//! Needs `openssl` and `ssh-keygen`: without them the tests say so and pass, except under
//! CI=true where they fail.

use std::io::Read;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::{text, Server, BIN};

/// Builds the test tree in `$1` using scratch space `$2` for material that must not be in it.
const MAKE_TREE: &str = r#"
set -euo pipefail
T="$1"; S="$2"
mkdir -p "$T/rsa" "$T/ec" "$T/certs" "$T/ssh" "$T/copies" "$T/misc" "$S/ca/newcerts"
q() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; }; }
q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$T/rsa/rsa1024.pem"
q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/rsa/rsa2048.pem"
q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$T/rsa/rsa3072.pem"
q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$S/legacy.pem"
q openssl rsa -in "$S/legacy.pem" -traditional -out "$T/rsa/legacy-pkcs1.pem"
q openssl ecparam -name prime256v1 -genkey -out "$T/ec/ec256.pem"
q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -aes256 -pass pass:x -out "$T/ec/encrypted.pem"
q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -outform DER -out "$T/ec/p521.der"
q openssl genpkey -algorithm ed25519 -out "$T/ec/ed25519.pem"
q openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/certs/web.key" -out "$T/certs/web.crt" -subj /CN=web.example -days 365
q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$S/soon.key" -out "$T/certs/soon.crt" -subj /CN=soon.example -days 10
printf '[ ca ]\ndefault_ca = d\n[ d ]\ndir = .\ndatabase = index.txt\nnew_certs_dir = newcerts\nserial = serial\ndefault_md = sha256\npolicy = p\n[ p ]\ncommonName = supplied\n' > "$S/ca/ca.cnf"
touch "$S/ca/index.txt"; echo 01 > "$S/ca/serial"
q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$S/old.key"
q openssl req -new -key "$S/old.key" -subj /CN=expired.example -out "$S/old.csr"
(cd "$S/ca" && q openssl ca -batch -config ca.cnf -selfsign -keyfile "$S/old.key" -in "$S/old.csr" -startdate 20200101000000Z -enddate 20210101000000Z -notext -out "$T/certs/expired.crt")
q ssh-keygen -q -t ed25519 -N '' -C alice@test -f "$T/ssh/id_ed25519"
q ssh-keygen -q -t rsa -b 1024 -N '' -C weak@test -f "$T/ssh/id_rsa"
q ssh-keygen -q -t ecdsa -b 256 -N '' -C ec@test -f "$T/ssh/id_ecdsa"
{ cat "$T/ssh/id_ecdsa.pub"; printf 'from="10.0.0.1",no-pty '; cat "$T/ssh/id_ed25519.pub"; } > "$T/ssh/authorized_keys"
rm "$T/ssh/id_rsa" "$T/ssh/id_ecdsa"
cp "$T/rsa/rsa2048.pem" "$T/copies/rsa2048-copy.pem"
head -c 4096 /dev/urandom > "$T/misc/random.bin"
printf 'just some notes\nnothing to see\n' > "$T/misc/notes.txt"
printf 'x\n' > "$S/passphrase"
"#;

/// Every item the tree holds: path suffix, position in the file, kind, algorithm, bits.
const EXPECTED: [(&str, u64, &str, &str, Option<u64>); 19] = [
    ("certs/expired.crt", 1, "certificate", "EC P-256", Some(256)),
    ("certs/soon.crt", 1, "certificate", "EC P-256", Some(256)),
    ("certs/web.crt", 1, "certificate", "RSA", Some(2048)),
    ("certs/web.key", 1, "private-key", "RSA", Some(2048)),
    (
        "copies/rsa2048-copy.pem",
        1,
        "private-key",
        "RSA",
        Some(2048),
    ),
    ("ec/ec256.pem", 1, "private-key", "EC P-256", Some(256)),
    ("ec/ed25519.pem", 1, "private-key", "Ed25519", Some(256)),
    ("ec/encrypted.pem", 1, "private-key", "unknown", None),
    ("ec/p521.der", 1, "private-key", "EC P-521", Some(521)),
    ("rsa/legacy-pkcs1.pem", 1, "private-key", "RSA", Some(2048)),
    ("rsa/rsa1024.pem", 1, "private-key", "RSA", Some(1024)),
    ("rsa/rsa2048.pem", 1, "private-key", "RSA", Some(2048)),
    ("rsa/rsa3072.pem", 1, "private-key", "RSA", Some(3072)),
    (
        "ssh/authorized_keys",
        1,
        "public-key",
        "EC P-256",
        Some(256),
    ),
    ("ssh/authorized_keys", 2, "public-key", "Ed25519", Some(256)),
    ("ssh/id_ecdsa.pub", 1, "public-key", "EC P-256", Some(256)),
    ("ssh/id_ed25519", 1, "private-key", "Ed25519", Some(256)),
    ("ssh/id_ed25519.pub", 1, "public-key", "Ed25519", Some(256)),
    ("ssh/id_rsa.pub", 1, "public-key", "RSA", Some(1024)),
];

/// Whether openssl and ssh-keygen are installed; under CI=true their absence fails the test.
fn tools_present() -> bool {
    let missing: Vec<&str> = ["openssl", "ssh-keygen"]
        .into_iter()
        .filter(|tool| {
            Command::new(tool)
                .arg("-V")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_err()
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true: the discover tests need {missing:?} installed"
    );
    eprintln!("skipping the discover test: {missing:?} not installed");
    false
}

struct Tree {
    _dir: tempfile::TempDir,
    root: PathBuf,
    scratch: PathBuf,
}

impl Tree {
    fn build() -> Tree {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        let scratch = dir.path().join("scratch");
        let o = Command::new("bash")
            .args(["-c", MAKE_TREE, "make-tree"])
            .arg(&root)
            .arg(&scratch)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(o.status.success(), "building the tree failed: {}", text(&o));
        Tree {
            _dir: dir,
            root,
            scratch,
        }
    }

    fn path(&self, rel: &str) -> String {
        self.root.join(rel).display().to_string()
    }

    fn passphrase_file(&self) -> String {
        self.scratch.join("passphrase").display().to_string()
    }
}

/// `keyhaven ARGS` with no server configuration in the environment.
fn keyhaven(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("KEYHAVEN_TOKEN")
        .env_remove("KEYHAVEN_TOKEN_FILE")
        .env_remove("KEYHAVEN_ADDR")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "{}", text(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

fn item<'a>(report: &'a Value, suffix: &str, position: u64) -> &'a Value {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["path"].as_str().unwrap().ends_with(suffix)
                && i["position"].as_u64() == Some(position)
        })
        .unwrap_or_else(|| panic!("{suffix}#{position} not found in {report:#}"))
}

fn codes(item: &Value) -> Vec<String> {
    item["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// `sha256:HEX` of the SubjectPublicKeyInfo openssl derives from a key file.
fn openssl_fingerprint(file: &str, extra: &[&str]) -> String {
    let o = Command::new("openssl")
        .args(["pkey", "-in", file, "-pubout", "-outform", "DER"])
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    format!("sha256:{}", sha256_hex(&o.stdout))
}

#[test]
fn discover_finds_every_key_and_certificate() {
    if !tools_present() {
        return;
    }
    let tree = Tree::build();
    let root = tree.root.display().to_string();
    let report = json(&keyhaven(&["-o", "json", "discover", &root]));

    // Everything is found, with the right algorithm and size; the random and text files add
    // nothing and are not errors.
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), EXPECTED.len(), "{report:#}");
    for (suffix, position, kind, algorithm, bits) in EXPECTED {
        let i = item(&report, suffix, position);
        assert_eq!(i["kind"], kind, "{suffix}");
        assert_eq!(i["algorithm"], algorithm, "{suffix}");
        assert_eq!(i["bits"].as_u64(), bits, "{suffix}");
    }
    assert_eq!(report["files_scanned"], 20);
    assert_eq!(report["warnings"], serde_json::json!([]), "{report:#}");
    assert_eq!(item(&report, "rsa/legacy-pkcs1.pem", 1)["format"], "PKCS#1");
    assert_eq!(item(&report, "ec/ec256.pem", 1)["format"], "SEC1");
    assert_eq!(item(&report, "ec/p521.der", 1)["encoding"], "DER");
    assert_eq!(item(&report, "ssh/id_ed25519", 1)["format"], "OpenSSH");

    // Fingerprints are those of the SubjectPublicKeyInfo openssl derives.
    for rel in [
        "rsa/rsa2048.pem",
        "rsa/legacy-pkcs1.pem",
        "ec/ec256.pem",
        "ec/ed25519.pem",
        "certs/web.key",
    ] {
        assert_eq!(
            item(&report, rel, 1)["fingerprint"],
            openssl_fingerprint(&tree.path(rel), &[]),
            "{rel}"
        );
    }
    assert_eq!(
        item(&report, "ec/p521.der", 1)["fingerprint"],
        openssl_fingerprint(&tree.path("ec/p521.der"), &["-inform", "DER"])
    );
    // OpenSSH fingerprints are those ssh-keygen prints, and the private key's public part
    // is the .pub's key.
    let listed = Command::new("ssh-keygen")
        .args(["-l", "-f", &tree.path("ssh/id_ed25519.pub")])
        .output()
        .unwrap();
    let ssh_fp = String::from_utf8_lossy(&listed.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_owned();
    assert_eq!(
        item(&report, "ssh/id_ed25519.pub", 1)["ssh_fingerprint"],
        ssh_fp
    );
    assert_eq!(
        item(&report, "ssh/id_ed25519", 1)["ssh_fingerprint"],
        ssh_fp
    );
    assert_eq!(
        item(&report, "ssh/authorized_keys", 2)["comment"],
        "alice@test"
    );

    // Weak keys are flagged; RSA-2048 is quantum-vulnerable with a 2030 deadline.
    for (rel, position) in [("rsa/rsa1024.pem", 1), ("ssh/id_rsa.pub", 1)] {
        let c = codes(item(&report, rel, position));
        assert!(c.contains(&"weak".to_owned()), "{rel}: {c:?}");
        assert!(c.contains(&"disallowed".to_owned()), "{rel}: {c:?}");
    }
    let rsa2048 = item(&report, "rsa/rsa2048.pem", 1);
    assert!(!codes(rsa2048).contains(&"weak".to_owned()));
    assert!(codes(rsa2048).contains(&"quantum-vulnerable".to_owned()));
    let deadline = rsa2048["quantum"]["deprecated_after"].as_str().unwrap();
    assert!(deadline.starts_with("2030"), "{deadline}");
    assert!(!codes(item(&report, "rsa/rsa3072.pem", 1)).contains(&"weak".to_owned()));
    assert_eq!(item(&report, "rsa/rsa1024.pem", 1)["strength"], 80);

    // Reuse: the copied key, not a key next to its own certificate or public key.
    assert!(codes(rsa2048).contains(&"reuse".to_owned()));
    assert!(codes(item(&report, "copies/rsa2048-copy.pem", 1)).contains(&"reuse".to_owned()));
    for (rel, position) in [
        ("certs/web.key", 1),
        ("certs/web.crt", 1),
        ("ssh/id_ed25519", 1),
        ("ssh/authorized_keys", 2),
    ] {
        assert!(
            !codes(item(&report, rel, position)).contains(&"reuse".to_owned()),
            "{rel}"
        );
    }
    let groups = report["shared_keys"].as_array().unwrap();
    assert_eq!(groups.iter().filter(|g| g["reuse"] == true).count(), 1);

    // Certificates.
    let web = item(&report, "certs/web.crt", 1);
    assert_eq!(web["certificate"]["subject"], "CN=web.example");
    assert_eq!(web["certificate"]["self_signed"], "verified");
    assert!(codes(web).contains(&"self-signed".to_owned()));
    assert!(!codes(web).contains(&"expired".to_owned()));
    let expired = item(&report, "certs/expired.crt", 1);
    assert!(codes(expired).contains(&"expired".to_owned()));
    assert_eq!(expired["certificate"]["not_after"], "2021-01-01T00:00:00Z");
    assert!(codes(item(&report, "certs/soon.crt", 1)).contains(&"expires-soon".to_owned()));

    // The encrypted key: scheme known, algorithm not, until the passphrase is given.
    let enc = item(&report, "ec/encrypted.pem", 1);
    assert_eq!(enc["format"], "encrypted PKCS#8");
    assert!(codes(enc).contains(&"encrypted-unknown-algorithm".to_owned()));
    let scheme = enc["encryption"].as_str().unwrap();
    assert!(
        scheme.contains("PBES2") && scheme.contains("AES-256-CBC"),
        "{scheme}"
    );
    let enc_file = tree.path("ec/encrypted.pem");
    let pass = tree.passphrase_file();
    let decrypted = json(&keyhaven(&[
        "-o",
        "json",
        "discover",
        &enc_file,
        "--passphrase-file",
        &pass,
    ]));
    let enc = item(&decrypted, "ec/encrypted.pem", 1);
    assert_eq!(enc["algorithm"], "EC P-384");
    assert_eq!(enc["bits"], 384);
    assert_eq!(enc["encrypted"], true);
    assert_eq!(
        enc["fingerprint"],
        openssl_fingerprint(&enc_file, &["-passin", "pass:x"])
    );
    assert!(!codes(enc).contains(&"encrypted-unknown-algorithm".to_owned()));

    // The table, and no private key material in any output.
    let table = keyhaven(&["discover", &root]);
    assert!(table.status.success(), "{}", text(&table));
    let shown = String::from_utf8_lossy(&table.stdout).into_owned();
    let header: Vec<&str> = shown.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["PATH", "KIND", "ALGORITHM", "BITS", "STRENGTH", "FINDINGS"],
        "{shown}"
    );
    assert!(shown.contains("quantum-vulnerable:2030"), "{shown}");
    let json_text =
        String::from_utf8_lossy(&keyhaven(&["-o", "json", "discover", &root]).stdout).into_owned();
    for rel in [
        "rsa/rsa2048.pem",
        "ec/ec256.pem",
        "ssh/id_ed25519",
        "ec/ed25519.pem",
    ] {
        let pem = std::fs::read_to_string(tree.path(rel)).unwrap();
        for line in pem
            .lines()
            .filter(|l| !l.starts_with("-----") && l.len() >= 16)
        {
            assert!(!shown.contains(line), "{rel} material in the table");
            assert!(!json_text.contains(line), "{rel} material in the JSON");
        }
    }

    // --fail-on: exit 7 when a finding is at least that severe.
    assert_eq!(
        keyhaven(&["discover", &root, "--fail-on", "high"])
            .status
            .code(),
        Some(7)
    );
    let ed = tree.path("ec/ed25519.pem");
    assert_eq!(
        keyhaven(&["discover", &ed, "--fail-on", "warning"])
            .status
            .code(),
        Some(0)
    );
}

/// A one-connection TLS server presenting `chain`; returns its port and a handle that says
/// how many bytes of application data the client sent.
fn tls_server(chain_pem: &[u8], key_pem: &[u8]) -> (u16, std::thread::JoinHandle<usize>) {
    use rustls::pki_types::CertificateDer;
    let chain: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut &chain_pem[..])
        .collect::<Result<_, _>>()
        .unwrap();
    let key = rustls_pemfile::private_key(&mut &key_pem[..])
        .unwrap()
        .unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut sock, _) = listener.accept().unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut conn = rustls::ServerConnection::new(config).unwrap();
        while conn.is_handshaking() {
            if conn.complete_io(&mut sock).is_err() {
                return 0;
            }
        }
        let mut received = Vec::new();
        let _ = rustls::Stream::new(&mut conn, &mut sock).read_to_end(&mut received);
        received.len()
    });
    (port, handle)
}

#[test]
fn discover_tls_reads_the_presented_chain() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let script = r#"
set -euo pipefail
cd "$1"
q() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; }; }
printf '[ca]\nbasicConstraints=critical,CA:TRUE\n[leaf]\nsubjectAltName=DNS:leaf.example\n' > ext.cnf
q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.crt -subj "/CN=Test Root" -days 30
q openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout int.key -out int.csr -subj "/CN=Test Intermediate"
q openssl x509 -req -in int.csr -CA root.crt -CAkey root.key -CAcreateserial -days 30 -extfile ext.cnf -extensions ca -out int.crt
q openssl req -new -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj "/CN=leaf.example"
q openssl x509 -req -in leaf.csr -CA int.crt -CAkey int.key -CAcreateserial -days 20 -extfile ext.cnf -extensions leaf -out leaf.crt
cat leaf.crt int.crt root.crt > chain.pem
"#;
    let o = Command::new("bash")
        .args(["-c", script, "make-chain"])
        .arg(d)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let chain = std::fs::read(d.join("chain.pem")).unwrap();
    let key = std::fs::read(d.join("leaf.key")).unwrap();
    let (port, server) = tls_server(&chain, &key);
    let target = format!("127.0.0.1:{port}");
    let report = json(&keyhaven(&[
        "-o",
        "json",
        "discover",
        "tls",
        &target,
        "--servername",
        "leaf.example",
    ]));
    assert_eq!(server.join().unwrap(), 0, "no application data is sent");
    let items = report["items"].as_array().unwrap();
    let subjects: Vec<&str> = items
        .iter()
        .map(|i| i["certificate"]["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        ["CN=leaf.example", "CN=Test Intermediate", "CN=Test Root"]
    );
    assert_eq!(items[0]["certificate"]["issuer"], "CN=Test Intermediate");
    assert_eq!(items[0]["algorithm"], "RSA");
    assert_eq!(items[0]["bits"], 2048);
    assert_eq!(items[0]["path"], format!("tls://{target}"));
    assert_eq!(items[2]["certificate"]["self_signed"], "verified");
    assert_eq!(items[0]["certificate"]["self_signed"], "no");
    assert!(codes(&items[0]).contains(&"expires-soon".to_owned()));
    assert!(items
        .iter()
        .all(|i| !codes(i).contains(&"chain-order".to_owned())));
    assert_eq!(report["tls"]["handshake"], "completed");
    assert_eq!(report["tls"]["server_name"], "leaf.example");
    assert_eq!(report["tls"]["trusted"], false);
    assert_eq!(
        items[0]["fingerprint"],
        openssl_fingerprint(&d.join("leaf.key").display().to_string(), &[])
    );

    // Nothing listening: a clear error, not a hang.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let o = keyhaven(&["discover", "tls", &format!("127.0.0.1:{port}")]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("cannot connect"), "{}", text(&o));
}

#[test]
fn discover_imports_private_keys_and_reads_the_servers_chain() {
    if !tools_present() {
        return;
    }
    let tree = Tree::build();
    let s = Server::start();
    let o = s.cli(&[
        "vault",
        "create",
        "found",
        "--grant-self",
        "admin",
        "--grant-self",
        "key-manager",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let root = tree.root.display().to_string();
    let pass = tree.passphrase_file();
    let report = json(&s.cli(&[
        "-o",
        "json",
        "discover",
        &root,
        "--passphrase-file",
        &pass,
        "--import",
        "--vault",
        "found",
    ]));
    let status = |rel: &str| -> String {
        item(&report, rel, 1)["import"]["status"]
            .as_str()
            .unwrap_or("none")
            .to_owned()
    };
    let key_of = |rel: &str| item(&report, rel, 1)["import"]["key"].clone();
    let mut pair = [status("rsa/rsa2048.pem"), status("copies/rsa2048-copy.pem")];
    pair.sort();
    assert_eq!(pair, ["duplicate", "imported"], "{report:#}");
    assert_eq!(status("ec/ec256.pem"), "imported", "{report:#}");
    assert_eq!(key_of("ec/ec256.pem"), "found/discovered-ec256");
    for rel in [
        "rsa/rsa3072.pem",
        "rsa/legacy-pkcs1.pem",
        "ec/encrypted.pem",
        "ec/p521.der",
        "ec/ed25519.pem",
        "certs/web.key",
    ] {
        assert_eq!(status(rel), "imported", "{rel}: {report:#}");
    }
    let refused = &item(&report, "rsa/rsa1024.pem", 1)["import"];
    assert_eq!(refused["status"], "refused", "{report:#}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("policy_violation"),
        "{refused}"
    );
    let ssh = &item(&report, "ssh/id_ed25519", 1)["import"];
    assert_eq!(ssh["status"], "not-importable");
    assert!(ssh["message"]
        .as_str()
        .unwrap()
        .contains("ssh-keygen -p -m PKCS8"));
    assert!(item(&report, "certs/web.crt", 1)["import"].is_null());

    // The managed keys are there, with origin `imported`.
    let listed = json(&s.cli(&["-o", "json", "key", "list", "--vault", "found", "--all"]));
    let keys = listed["items"].as_array().unwrap();
    let find = |name: &str| {
        keys.iter()
            .find(|k| k["name"] == name)
            .unwrap_or_else(|| panic!("{name} not listed: {listed:#}"))
    };
    let ec = find("discovered-ec256");
    assert_eq!(ec["origin"], "imported");
    assert_eq!(ec["algorithm"], "ec-p256");
    let rsa = keys
        .iter()
        .find(|k| {
            k["name"]
                .as_str()
                .unwrap()
                .starts_with("discovered-rsa2048")
        })
        .unwrap();
    assert_eq!(rsa["origin"], "imported");
    assert_eq!(rsa["algorithm"], "rsa-2048");
    assert!(keys.iter().all(|k| k["name"] != "discovered-rsa1024"));
    assert_eq!(keys.len(), 8, "{listed:#}");

    // The server's own chain, read over TLS: its leaf, issued by the dev CA.
    let target = s.addr.trim_start_matches("https://").to_owned();
    let tls = json(&keyhaven(&["-o", "json", "discover", "tls", &target]));
    let chain = tls["items"].as_array().unwrap();
    assert!(!chain.is_empty());
    assert_eq!(chain[0]["certificate"]["subject"], "CN=keyhaven server");
    let ca = s.data().join("tls/ca.pem").display().to_string();
    let ca = json(&keyhaven(&["-o", "json", "discover", &ca]));
    assert_eq!(
        chain[0]["certificate"]["issuer"],
        ca["items"][0]["certificate"]["subject"]
    );
    assert_eq!(report["items"].as_array().unwrap().len(), EXPECTED.len());
}
