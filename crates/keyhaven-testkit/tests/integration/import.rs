//! Key import (BYOK): key material wrapped by the openssl command line for a vault's import key
//! (RSA-OAEP-SHA-256 + AES-KWP, docs/IMPORT.md) imports and works like the original; plain
//! import takes raw, PKCS#8, PKCS#1, SEC1 and PEM; import keys rotate; bad blobs are clear
//! errors. The openssl tests run for real in CI (CI=true fails without openssl); locally they
//! skip with a printed reason when openssl is missing.

use std::path::Path;
use std::process::Command;

use keyhaven_core::hex;
use keyhaven_testkit::TestServer;
use reqwest::Method;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::{b64, id, server, unb64, vault};

/// Whether the openssl command line is here; panics under CI=true when it is not.
fn have_openssl() -> bool {
    let why = match Command::new("openssl").arg("version").output() {
        Ok(out) if out.status.success() => return true,
        Ok(out) => format!("`openssl version` exited with {}", out.status),
        Err(e) => format!("cannot run openssl: {e}"),
    };
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true and openssl is unavailable: {why}");
    }
    eprintln!("skipping: {why} (install openssl to run this test)");
    false
}

/// Runs openssl in `dir`; panics with its stderr when it fails.
fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap()
}

/// Fetches the vault's import key and writes its PEM to `dir/import.pem`; returns the JSON.
async fn fetch_import_key(s: &TestServer, vault: &str, dir: &Path) -> Value {
    let r = s.get(&format!("/v1/vaults/{vault}/import-key")).await;
    assert_eq!(r.status, 200, "{r:?}");
    std::fs::write(dir.join("import.pem"), r.str("public_key_pem")).unwrap();
    r.body
}

/// Wraps `dir/target` for `dir/import.pem` exactly as docs/IMPORT.md tells users to:
/// `openssl rand`, `openssl pkeyutl -encrypt` (OAEP, SHA-256, MGF1-SHA-256) and
/// `openssl enc -id-aes256-wrap-pad`; returns `part1 || part2`.
fn openssl_wrap(dir: &Path, target: &str) -> Vec<u8> {
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
    let eph_hex = hex::encode(&read(dir, "eph.key"));
    openssl(
        dir,
        &[
            "enc",
            "-id-aes256-wrap-pad",
            "-K",
            &eph_hex,
            "-iv",
            "A65959A6",
            "-in",
            target,
            "-out",
            "part2",
        ],
    );
    let mut blob = read(dir, "part1");
    assert_eq!(blob.len(), 384, "RSA-3072 OAEP output");
    blob.extend(read(dir, "part2"));
    blob
}

async fn import_wrapped(s: &TestServer, body: Value) -> Value {
    let r = s.post("/v1/keys/import", body).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.str("origin"), "imported");
    r.body
}

/// AES-256-GCM with keyhaven's ciphertext envelope (docs/FORMATS.md), made outside keyhaven:
/// "KHC" | 1 | key id | version 1 | nonce | ciphertext | tag, the header being the AAD.
fn encrypt_outside(material: &[u8], key_id: &str, plaintext: &[u8]) -> Vec<u8> {
    use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
    let mut header = b"KHC\x01".to_vec();
    header.extend(uuid::Uuid::parse_str(key_id).unwrap().as_bytes());
    header.extend(1u32.to_be_bytes());
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, material).unwrap());
    let nonce = [0x5au8; 12];
    let mut body = plaintext.to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(header.as_slice()),
        &mut body,
    )
    .unwrap();
    let mut out = header;
    out.extend(nonce);
    out.extend(body);
    out
}

/// Inverse of [`encrypt_outside`] for a ciphertext keyhaven made.
fn decrypt_outside(material: &[u8], ciphertext: &[u8]) -> Vec<u8> {
    use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
    let (header, body) = ciphertext.split_at(24);
    let (nonce, sealed) = body.split_at(12);
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, material).unwrap());
    let mut buf = sealed.to_vec();
    key.open_in_place(
        Nonce::try_assume_unique_for_key(nonce).unwrap(),
        Aad::from(header),
        &mut buf,
    )
    .unwrap()
    .to_vec()
}

fn time_of(v: &Value, field: &str) -> OffsetDateTime {
    OffsetDateTime::parse(v[field].as_str().unwrap(), &Rfc3339).unwrap()
}

#[tokio::test]
async fn an_openssl_wrapped_aes_key_imports_and_decrypts_what_the_original_encrypted() {
    if !have_openssl() {
        return;
    }
    let s = server().await;
    vault(&s, "byok", 7).await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let ik = fetch_import_key(&s, "byok", dir).await;
    assert_eq!(ik["algorithm"], "RSA-3072 OAEP-SHA256 + AES-KWP");
    assert_eq!(ik["wrapping"], "RSA_AES_KEY_WRAP_SHA_256");
    assert_eq!(ik["vault"], "byok");
    let pem = ik["public_key_pem"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
    let pem_der: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    assert_eq!(
        unb64(&pem_der),
        unb64(ik["public_key_der_b64"].as_str().unwrap())
    );
    let created = time_of(&ik, "created_at");
    assert_eq!(time_of(&ik, "expires_at") - created, Duration::hours(24));
    assert_eq!(
        time_of(&ik, "accepted_until") - created,
        Duration::hours(48)
    );
    // openssl agrees it is an RSA-3072 public key.
    let text = openssl(
        dir,
        &["pkey", "-pubin", "-in", "import.pem", "-noout", "-text"],
    );
    assert!(String::from_utf8_lossy(&text).contains("3072 bit"));
    // The same key until it rotates.
    let again = fetch_import_key(&s, "byok", dir).await;
    assert_eq!(again["id"], ik["id"]);

    openssl(dir, &["rand", "-out", "target.key", "32"]);
    let material = read(dir, "target.key");
    let blob = openssl_wrap(dir, "target.key");
    assert_eq!(blob.len(), 384 + 40);
    let wrapped = import_wrapped(
        &s,
        json!({"vault": "byok", "name": "wrapped-aes", "algorithm": "aes-256",
               "initial_state": "active", "import_key_id": ik["id"],
               "wrapped_material": b64(&blob), "tags": {"source": "hsm-export"}}),
    )
    .await;
    let k = id(&wrapped);
    assert_eq!(wrapped["state"], "active");
    assert_eq!(wrapped["tags"]["source"], "hsm-export");

    // What the original key encrypted outside keyhaven, keyhaven decrypts...
    let ct = encrypt_outside(&material, &k, b"made with the original key");
    let r = s
        .post(
            &format!("/v1/keys/{k}/decrypt"),
            json!({"ciphertext": b64(&ct)}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(unb64(r.str("plaintext")), b"made with the original key");
    // ...and what keyhaven encrypts, the original key decrypts.
    let r = s
        .post(
            &format!("/v1/keys/{k}/encrypt"),
            json!({"plaintext": b64(b"from keyhaven")}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        decrypt_outside(&material, &unb64(r.str("ciphertext"))),
        b"from keyhaven"
    );

    // The audit record of the import names the import key.
    let mut found = false;
    for _ in 0..50 {
        let a = s.get(&format!("/v1/audit?key={k}&action=key.import")).await;
        let items = a.body["items"].as_array().cloned().unwrap_or_default();
        if items.iter().any(|i| {
            i["detail"].as_str().is_some_and(|d| {
                d.contains(&format!(
                    "wrapped under import key {}",
                    ik["id"].as_str().unwrap()
                ))
            })
        }) {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(found, "the import is audited with its import key");
}

#[tokio::test]
async fn the_same_hmac_material_imported_plain_and_wrapped_is_the_same_key() {
    if !have_openssl() {
        return;
    }
    let s = server().await;
    vault(&s, "byok", 7).await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let ik = fetch_import_key(&s, "byok", dir).await;
    openssl(dir, &["rand", "-out", "hmac.key", "32"]);
    let material = read(dir, "hmac.key");
    let wrapped = id(&import_wrapped(
        &s,
        json!({"vault": "byok", "name": "mac-wrapped", "algorithm": "hmac-sha256",
               "initial_state": "active", "import_key_id": ik["id"],
               "wrapped_material": b64(&openssl_wrap(dir, "hmac.key"))}),
    )
    .await);
    let plain = id(&super::key(
        &s,
        json!({"vault": "byok", "name": "mac-plain", "algorithm": "hmac-sha256",
               "initial_state": "active", "import_material": b64(&material)}),
    )
    .await);
    std::fs::write(dir.join("data.txt"), b"the data").unwrap();
    let outside = openssl(
        dir,
        &[
            "dgst",
            "-sha256",
            "-mac",
            "HMAC",
            "-macopt",
            &format!("hexkey:{}", hex::encode(&material)),
            "-binary",
            "data.txt",
        ],
    );
    for k in [&wrapped, &plain] {
        let r = s
            .post(
                &format!("/v1/keys/{k}/mac"),
                json!({"data": b64(b"the data")}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        // "KHM" | 1 | version (4 bytes) | HMAC.
        assert_eq!(unb64(r.str("mac"))[8..], outside[..], "key {k}");
    }
}

#[tokio::test]
async fn an_openssl_wrapped_rsa_key_signs_and_verifies_like_the_original() {
    if !have_openssl() {
        return;
    }
    let s = server().await;
    vault(&s, "byok", 7).await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let ik = fetch_import_key(&s, "byok", dir).await;
    openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "rsa.pem",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", "rsa.pem", "-outform", "DER", "-out", "rsa.p8",
        ],
    );
    openssl(
        dir,
        &["pkey", "-in", "rsa.pem", "-pubout", "-out", "rsa.pub"],
    );
    let k = id(&import_wrapped(
        &s,
        json!({"vault": "byok", "name": "wrapped-rsa", "algorithm": "rsa-2048",
               "usage": ["sign", "verify"], "initial_state": "active",
               "import_key_id": ik["id"], "wrapped_material": b64(&openssl_wrap(dir, "rsa.p8"))}),
    )
    .await);
    // Its public key is the original's.
    let pk = s.get(&format!("/v1/keys/{k}/public-key")).await;
    assert_eq!(
        pk.str("pem").trim(),
        String::from_utf8(read(dir, "rsa.pub")).unwrap().trim()
    );
    // A signature made outside by the original key verifies inside...
    std::fs::write(dir.join("msg.txt"), b"signed outside").unwrap();
    openssl(
        dir,
        &[
            "dgst", "-sha256", "-sign", "rsa.pem", "-out", "msg.sig", "msg.txt",
        ],
    );
    // "KHS" | 1 | version 1 | scheme 4 (rsa-pkcs1-sha256) | raw signature.
    let mut sig = b"KHS\x01\x00\x00\x00\x01\x04".to_vec();
    sig.extend(read(dir, "msg.sig"));
    for (message, valid) in [(&b"signed outside"[..], true), (b"signed elsewhere", false)] {
        let r = s
            .post(
                &format!("/v1/keys/{k}/verify"),
                json!({"message": b64(message), "signature": b64(&sig)}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["valid"], valid);
    }
    // ...and one made inside verifies outside with the original public key.
    let r = s
        .post(
            &format!("/v1/keys/{k}/sign"),
            json!({"message": b64(b"signed inside"), "algorithm": "rsa-pss-sha256"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    std::fs::write(dir.join("inside.sig"), &unb64(r.str("signature"))[9..]).unwrap();
    std::fs::write(dir.join("inside.txt"), b"signed inside").unwrap();
    let out = openssl(
        dir,
        &[
            "dgst",
            "-sha256",
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:32",
            "-verify",
            "rsa.pub",
            "-signature",
            "inside.sig",
            "inside.txt",
        ],
    );
    assert!(String::from_utf8_lossy(&out).contains("Verified OK"));
}

#[tokio::test]
async fn plain_import_takes_pkcs8_pkcs1_sec1_and_pem() {
    if !have_openssl() {
        return;
    }
    let s = server().await;
    vault(&s, "fmt", 7).await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    openssl(dir, &["genrsa", "-traditional", "-out", "rsa1.pem", "2048"]);
    openssl(
        dir,
        &[
            "rsa",
            "-in",
            "rsa1.pem",
            "-traditional",
            "-outform",
            "DER",
            "-out",
            "rsa1.der",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", "rsa1.pem", "-out", "rsa8.pem",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", "rsa1.pem", "-outform", "DER", "-out", "rsa8.der",
        ],
    );
    openssl(
        dir,
        &["pkey", "-in", "rsa1.pem", "-pubout", "-out", "rsa.pub"],
    );
    openssl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-out",
            "ec.pem",
        ],
    );
    openssl(
        dir,
        &["ec", "-in", "ec.pem", "-outform", "DER", "-out", "ec.der"],
    );
    openssl(dir, &["pkey", "-in", "ec.pem", "-pubout", "-out", "ec.pub"]);
    openssl(dir, &["genpkey", "-algorithm", "ed25519", "-out", "ed.pem"]);
    openssl(dir, &["pkey", "-in", "ed.pem", "-pubout", "-out", "ed.pub"]);
    let pem_text = |name: &str| String::from_utf8(read(dir, name)).unwrap();
    assert!(pem_text("rsa1.pem").starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    assert!(pem_text("ec.pem").starts_with("-----BEGIN EC PARAMETERS-----"));
    let cases = [
        ("rsa1.pem", "rsa-2048", "rsa.pub"),
        ("rsa1.der", "rsa-2048", "rsa.pub"),
        ("rsa8.pem", "rsa-2048", "rsa.pub"),
        ("rsa8.der", "rsa-2048", "rsa.pub"),
        ("ec.pem", "ec-p256", "ec.pub"),
        ("ec.der", "ec-p256", "ec.pub"),
        ("ed.pem", "ed25519", "ed.pub"),
    ];
    for (n, (file, alg, public)) in cases.into_iter().enumerate() {
        let k = id(&super::key(
            &s,
            json!({"vault": "fmt", "name": format!("k{n}"), "algorithm": alg,
                   "import_material": b64(&read(dir, file))}),
        )
        .await);
        let pk = s.get(&format!("/v1/keys/{k}/public-key")).await;
        assert_eq!(pk.str("pem").trim(), pem_text(public).trim(), "{file}");
    }
    // A PEM without a private key, or the wrong curve, says so.
    let r = s
        .post(
            "/v1/keys",
            json!({"vault": "fmt", "name": "bad", "algorithm": "ec-p256",
                   "import_material": b64(&read(dir, "ec.pub"))}),
        )
        .await;
    assert_eq!(r.code(), "invalid_request", "{r:?}");
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no private key"),
        "{r:?}"
    );
    let r = s
        .post(
            "/v1/keys",
            json!({"vault": "fmt", "name": "bad", "algorithm": "ec-p384",
                   "import_material": b64(&read(dir, "ec.pem"))}),
        )
        .await;
    assert_eq!(r.code(), "invalid_request", "{r:?}");
}

/// A blob made by keyhaven's own client-side wrapping (what `key import --wrap` does).
fn wrap_for(ik: &Value, material: &[u8]) -> Vec<u8> {
    let spki = unb64(ik["public_key_der_b64"].as_str().unwrap());
    keyhaven_crypto::import::wrap_for_import(&spki, material).unwrap()
}

#[tokio::test]
async fn bad_blobs_unknown_and_expired_import_keys_are_clear_errors() {
    let s = server().await;
    vault(&s, "v1", 7).await;
    vault(&s, "v2", 7).await;
    let ik = s.get("/v1/vaults/v1/import-key").await.body;
    let other = s.get("/v1/vaults/v2/import-key").await.body;
    assert_ne!(ik["id"], other["id"]);
    let material = [0x11u8; 32];
    let blob = wrap_for(&ik, &material);
    let body = |name: &str, key_id: &Value, blob: &[u8]| {
        json!({"vault": "v1", "name": name, "algorithm": "aes-256",
               "import_key_id": key_id, "wrapped_material": b64(blob)})
    };
    // No such import key, or another vault's: not found.
    let unknown = json!(uuid::Uuid::from_u128(42).to_string());
    for key_id in [&unknown, &other["id"]] {
        let r = s.post("/v1/keys/import", body("k", key_id, &blob)).await;
        assert_eq!((r.status.as_u16(), r.code()), (404, "not_found"), "{r:?}");
    }
    // Altered anywhere: one decryption_failed message, whatever step failed.
    let mut messages = Vec::new();
    for at in [0, 200, 383, 384, blob.len() - 1] {
        let mut bad = blob.clone();
        bad[at] ^= 0x40;
        let r = s.post("/v1/keys/import", body("k", &ik["id"], &bad)).await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (400, "decryption_failed"),
            "{r:?}"
        );
        messages.push(r.body["error"]["message"].as_str().unwrap().to_owned());
    }
    messages.dedup();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("does not unwrap under import key"),
        "{messages:?}"
    );
    // Wrapped for another vault's import key: the same.
    let foreign = wrap_for(&other, &material);
    let r = s
        .post("/v1/keys/import", body("k", &ik["id"], &foreign))
        .await;
    assert_eq!(r.code(), "decryption_failed", "{r:?}");
    // Truncated to an impossible length: the lengths expected.
    let r = s
        .post(
            "/v1/keys/import",
            body("k", &ik["id"], &blob[..blob.len() - 3]),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (400, "invalid_request"),
        "{r:?}"
    );
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("384 bytes of RSA-OAEP"));
    // Not base64; material of the wrong size for the algorithm; plain material smuggled in.
    let mut b = body("k", &ik["id"], &blob);
    b["wrapped_material"] = json!("***");
    assert_eq!(s.post("/v1/keys/import", b).await.code(), "invalid_request");
    let short = wrap_for(&ik, &[1u8; 16]);
    let r = s
        .post("/v1/keys/import", body("k", &ik["id"], &short))
        .await;
    assert_eq!(r.code(), "invalid_request", "{r:?}");
    let mut b = body("k", &ik["id"], &blob);
    b["import_material"] = json!(b64(&material));
    assert_eq!(s.post("/v1/keys/import", b).await.code(), "invalid_request");
    // Nothing was created by any of that.
    let list = s.get("/v1/keys?vault=v1").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 0, "{list:?}");

    // Rotation: after 24 hours a new import key is handed out; the old one is still accepted
    // until 48 hours after its creation.
    s.clock.advance(Duration::hours(25));
    let next = s.get("/v1/vaults/v1/import-key").await.body;
    assert_ne!(next["id"], ik["id"]);
    import_wrapped(&s, body("late", &ik["id"], &blob)).await;
    s.clock.advance(Duration::hours(24));
    let r = s
        .post("/v1/keys/import", body("too-late", &ik["id"], &blob))
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (400, "invalid_request"),
        "{r:?}"
    );
    let message = r.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("expired") && message.contains("import-key"),
        "{message}"
    );
    import_wrapped(&s, body("fresh", &next["id"], &wrap_for(&next, &material))).await;
    // The next import key generated removes the one past its acceptance.
    s.clock.advance(Duration::hours(24));
    let third = s.get("/v1/vaults/v1/import-key").await.body;
    assert_ne!(third["id"], next["id"]);
    let r = s
        .post("/v1/keys/import", body("gone", &ik["id"], &blob))
        .await;
    assert_eq!(r.code(), "not_found", "{r:?}");
}

#[tokio::test]
async fn import_keys_need_the_key_manager_role() {
    let s = server().await;
    let doc = s.get("/v1/openapi.json").await;
    for p in ["/v1/vaults/{name}/import-key", "/v1/keys/import"] {
        assert!(doc.body["paths"].get(p).is_some(), "OpenAPI documents {p}");
    }
    vault(&s, "v", 7).await;
    let user = s.principal("app", &[]).await;
    s.grant("v", "app", &["crypto-user"]).await;
    let outsider = s.principal("outsider", &[]).await;
    let r = s
        .call_as(Some(&user), Method::GET, "/v1/vaults/v/import-key", None)
        .await;
    assert_eq!(r.code(), "forbidden", "{r:?}");
    let r = s
        .call_as(
            Some(&outsider),
            Method::GET,
            "/v1/vaults/v/import-key",
            None,
        )
        .await;
    assert_eq!(r.code(), "not_found", "{r:?}");
    // Refused before the blob is looked at: no unwrapping for callers who may not import.
    let ik = s.get("/v1/vaults/v/import-key").await.body;
    let r = s
        .call_as(
            Some(&user),
            Method::POST,
            "/v1/keys/import",
            Some(json!({"vault": "v", "name": "k", "algorithm": "aes-256",
                        "import_key_id": ik["id"], "wrapped_material": b64(&[0u8; 8])})),
        )
        .await;
    assert_eq!(r.code(), "forbidden", "{r:?}");
}

#[tokio::test]
async fn an_import_key_edited_in_the_database_is_refused() {
    let s = server().await;
    vault(&s, "v", 7).await;
    vault(&s, "w", 7).await;
    let ik = s.get("/v1/vaults/v/import-key").await.body;
    let other = s.get("/v1/vaults/w/import-key").await.body;
    let blob = wrap_for(&ik, &[0x22u8; 32]);
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        s.data_dir().join("keyhaven.db").display()
    ))
    .await
    .unwrap();
    // Someone with the database file swaps in a public key whose private half they hold.
    sqlx::query(
        "UPDATE import_keys SET public_key = (SELECT public_key FROM import_keys WHERE id = ?) \
         WHERE id = ?",
    )
    .bind(other["id"].as_str().unwrap())
    .bind(ik["id"].as_str().unwrap())
    .execute(&pool)
    .await
    .unwrap();
    let r = s.get("/v1/vaults/v/import-key").await;
    assert_eq!(r.code(), "integrity_error", "{r:?}");
    let r = s
        .post(
            "/v1/keys/import",
            json!({"vault": "v", "name": "k", "algorithm": "aes-256",
                   "import_key_id": ik["id"], "wrapped_material": b64(&blob)}),
        )
        .await;
    assert_eq!(r.code(), "integrity_error", "{r:?}");
    // The other vault's import key is untouched.
    assert_eq!(
        s.get("/v1/vaults/w/import-key").await.body["id"],
        other["id"]
    );
}
