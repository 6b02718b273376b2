//! Every algorithm through every operation it supports, and the failures that must be clear.

use aws_lc_rs::digest;
use serde_json::json;

use crate::{b64, id, key, server, unb64, vault};
use keyhaven_testkit::TestServer;

async fn active(s: &TestServer, name: &str, alg: &str, usage: Option<&[&str]>) -> String {
    let mut body = json!({"vault": "c", "name": name, "algorithm": alg, "initial_state": "active"});
    if let Some(u) = usage {
        body["usage"] = json!(u);
    }
    id(&key(s, body).await)
}

async fn roundtrip_encrypt(s: &TestServer, k: &str, other: &str) {
    let pt = b64(b"attack at dawn");
    let aad = b64(b"order-42");
    let r = s
        .post(
            &format!("/v1/keys/{k}/encrypt"),
            json!({"plaintext": pt, "aad": aad}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let ct = r.str("ciphertext").to_owned();
    assert_eq!(r.body["key_version"], 1);
    let d = s
        .post(
            &format!("/v1/keys/{k}/decrypt"),
            json!({"ciphertext": ct, "aad": aad}),
        )
        .await;
    assert_eq!(d.status, 200, "{d:?}");
    assert_eq!(d.str("plaintext"), pt);
    // Wrong associated data.
    let d = s
        .post(
            &format!("/v1/keys/{k}/decrypt"),
            json!({"ciphertext": ct, "aad": b64(b"order-43")}),
        )
        .await;
    assert_eq!(
        (d.status.as_u16(), d.code()),
        (400, "decryption_failed"),
        "{d:?}"
    );
    // Tampered: flip a bit in every region (header, body, tag).
    let raw = unb64(&ct);
    for pos in [1, 5, 30, raw.len() / 2, raw.len() - 1] {
        let mut t = raw.clone();
        t[pos] ^= 0x01;
        let d = s
            .post(
                &format!("/v1/keys/{k}/decrypt"),
                json!({"ciphertext": b64(&t), "aad": aad}),
            )
            .await;
        assert_eq!(
            (d.status.as_u16(), d.code()),
            (400, "decryption_failed"),
            "pos {pos}: {d:?}"
        );
    }
    // Truncated.
    let d = s
        .post(
            &format!("/v1/keys/{k}/decrypt"),
            json!({"ciphertext": b64(&raw[..10]), "aad": aad}),
        )
        .await;
    assert_eq!(d.code(), "decryption_failed");
    // Another key's ciphertext.
    let d = s
        .post(
            &format!("/v1/keys/{other}/decrypt"),
            json!({"ciphertext": ct, "aad": aad}),
        )
        .await;
    assert_eq!(
        (d.status.as_u16(), d.code()),
        (400, "decryption_failed"),
        "{d:?}"
    );
    assert!(
        d.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("another key")
            || d.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("not by key")
    );
}

async fn roundtrip_sign(
    s: &TestServer,
    k: &str,
    other: &str,
    schemes: &[(&str, Option<&'static digest::Algorithm>)],
) {
    let msg = b"the quick brown fox";
    for (scheme, hash) in schemes {
        let r = s
            .post(
                &format!("/v1/keys/{k}/sign"),
                json!({"message": b64(msg), "algorithm": scheme}),
            )
            .await;
        assert_eq!(r.status, 200, "{scheme}: {r:?}");
        assert_eq!(r.str("algorithm"), *scheme);
        let sig = r.str("signature").to_owned();
        let v = s
            .post(
                &format!("/v1/keys/{k}/verify"),
                json!({"message": b64(msg), "signature": sig}),
            )
            .await;
        assert_eq!(v.body["valid"], true, "{scheme}: {v:?}");
        let v = s
            .post(
                &format!("/v1/keys/{k}/verify"),
                json!({"message": b64(b"other data"), "signature": sig}),
            )
            .await;
        assert_eq!(
            v.body["valid"], false,
            "{scheme}: signature over other data"
        );
        let v = s
            .post(
                &format!("/v1/keys/{other}/verify"),
                json!({"message": b64(msg), "signature": sig}),
            )
            .await;
        assert_eq!(v.body["valid"], false, "{scheme}: another key");
        if let Some(h) = hash {
            let d = digest::digest(h, msg);
            let r = s
                .post(
                    &format!("/v1/keys/{k}/sign"),
                    json!({"digest": b64(d.as_ref()), "algorithm": scheme}),
                )
                .await;
            assert_eq!(r.status, 200, "{scheme} digest: {r:?}");
            let dsig = r.str("signature").to_owned();
            // A digest signature verifies against the message, and the reverse.
            let v = s
                .post(
                    &format!("/v1/keys/{k}/verify"),
                    json!({"message": b64(msg), "signature": dsig}),
                )
                .await;
            assert_eq!(
                v.body["valid"], true,
                "{scheme}: digest signature vs message"
            );
            let v = s
                .post(
                    &format!("/v1/keys/{k}/verify"),
                    json!({"digest": b64(d.as_ref()), "signature": sig}),
                )
                .await;
            assert_eq!(
                v.body["valid"], true,
                "{scheme}: message signature vs digest"
            );
            let r = s
                .post(
                    &format!("/v1/keys/{k}/sign"),
                    json!({"digest": b64(&d.as_ref()[1..]), "algorithm": scheme}),
                )
                .await;
            assert_eq!(r.code(), "invalid_request", "short digest");
        }
    }
    let pk = s.get(&format!("/v1/keys/{k}/public-key")).await;
    assert_eq!(pk.status, 200);
    assert!(
        pk.str("pem").starts_with("-----BEGIN PUBLIC KEY-----\n"),
        "{pk:?}"
    );
}

#[tokio::test]
async fn every_algorithm_round_trips_every_operation() {
    let s = server().await;
    vault(&s, "c", 7).await;
    for alg in ["aes-128", "aes-192", "aes-256"] {
        let k = active(&s, &format!("{alg}-a"), alg, None).await;
        let other = active(&s, &format!("{alg}-b"), alg, None).await;
        roundtrip_encrypt(&s, &k, &other).await;
        let dk = s
            .post(&format!("/v1/keys/{k}/datakey"), json!({"bytes": 32}))
            .await;
        assert_eq!(dk.status, 200, "{dk:?}");
        assert_eq!(unb64(dk.str("plaintext")).len(), 32);
        let d = s
            .post(
                &format!("/v1/keys/{k}/decrypt"),
                json!({"ciphertext": dk.str("ciphertext")}),
            )
            .await;
        assert_eq!(d.str("plaintext"), dk.str("plaintext"), "datakey unwraps");
        let r = s
            .post(&format!("/v1/keys/{k}/sign"), json!({"message": b64(b"m")}))
            .await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (400, "unsupported_operation")
        );
        let r = s.get(&format!("/v1/keys/{k}/public-key")).await;
        assert_eq!(r.code(), "unsupported_operation");
    }
    for alg in ["rsa-2048", "rsa-3072", "rsa-4096"] {
        let enc = active(
            &s,
            &format!("{alg}-enc"),
            alg,
            Some(&["encrypt", "decrypt"]),
        )
        .await;
        let enc2 = active(
            &s,
            &format!("{alg}-enc2"),
            "rsa-2048",
            Some(&["encrypt", "decrypt"]),
        )
        .await;
        roundtrip_encrypt(&s, &enc, &enc2).await;
        let sig = active(&s, &format!("{alg}-sig"), alg, None).await;
        let sig2 = active(&s, &format!("{alg}-sig2"), "rsa-2048", None).await;
        roundtrip_sign(
            &s,
            &sig,
            &sig2,
            &[
                ("rsa-pss-sha256", Some(&digest::SHA256)),
                ("rsa-pss-sha384", Some(&digest::SHA384)),
                ("rsa-pss-sha512", Some(&digest::SHA512)),
                ("rsa-pkcs1-sha256", Some(&digest::SHA256)),
                ("rsa-pkcs1-sha384", Some(&digest::SHA384)),
                ("rsa-pkcs1-sha512", Some(&digest::SHA512)),
            ],
        )
        .await;
        // A signing key does not encrypt (usage), and an RSA key is never both.
        let r = s
            .post(
                &format!("/v1/keys/{sig}/encrypt"),
                json!({"plaintext": b64(b"x")}),
            )
            .await;
        assert_eq!(r.code(), "usage_not_permitted");
    }
    for (alg, scheme, h) in [
        ("ec-p256", "ecdsa-sha256", &digest::SHA256),
        ("ec-p384", "ecdsa-sha384", &digest::SHA384),
        ("ec-p521", "ecdsa-sha512", &digest::SHA512),
    ] {
        let k = active(&s, &format!("{alg}-a"), alg, None).await;
        let o = active(&s, &format!("{alg}-b"), alg, None).await;
        roundtrip_sign(&s, &k, &o, &[(scheme, Some(h))]).await;
        let r = s
            .post(
                &format!("/v1/keys/{k}/sign"),
                json!({"message": b64(b"m"), "algorithm": "rsa-pss-sha256"}),
            )
            .await;
        assert_eq!(r.code(), "invalid_request", "scheme that does not fit");
        let r = s
            .post(
                &format!("/v1/keys/{k}/encrypt"),
                json!({"plaintext": b64(b"x")}),
            )
            .await;
        assert_eq!(r.code(), "unsupported_operation");
    }
    for (alg, scheme) in [
        ("ed25519", "ed25519"),
        ("ml-dsa-44", "ml-dsa"),
        ("ml-dsa-65", "ml-dsa"),
        ("ml-dsa-87", "ml-dsa"),
    ] {
        let k = active(&s, &format!("{alg}-a"), alg, None).await;
        let o = active(&s, &format!("{alg}-b"), alg, None).await;
        roundtrip_sign(&s, &k, &o, &[(scheme, None)]).await;
        let r = s
            .post(
                &format!("/v1/keys/{k}/sign"),
                json!({"digest": b64(&[0u8; 32])}),
            )
            .await;
        assert_eq!(r.code(), "invalid_request", "{alg} signs messages only");
    }
    for alg in ["hmac-sha256", "hmac-sha384", "hmac-sha512"] {
        let k = active(&s, &format!("{alg}-a"), alg, None).await;
        let o = active(&s, &format!("{alg}-b"), alg, None).await;
        let r = s
            .post(&format!("/v1/keys/{k}/mac"), json!({"data": b64(b"msg")}))
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        let tag = r.str("mac").to_owned();
        let ok = |key: String, data: &'static [u8], tag: String| {
            let s = &s;
            async move {
                s.post(
                    &format!("/v1/keys/{key}/mac-verify"),
                    json!({"data": b64(data), "mac": tag}),
                )
                .await
                .body["valid"]
                    .clone()
            }
        };
        assert_eq!(ok(k.clone(), b"msg", tag.clone()).await, true);
        assert_eq!(ok(k.clone(), b"msh", tag.clone()).await, false);
        assert_eq!(ok(o.clone(), b"msg", tag.clone()).await, false);
        let mut t = unb64(&tag);
        *t.last_mut().unwrap() ^= 1;
        assert_eq!(ok(k.clone(), b"msg", b64(&t)).await, false);
    }
    for alg in ["ml-kem-768", "ml-kem-1024"] {
        let k = active(&s, &format!("{alg}-a"), alg, None).await;
        let o = active(&s, &format!("{alg}-b"), alg, None).await;
        let e = s
            .post(&format!("/v1/keys/{k}/encapsulate"), json!({}))
            .await;
        assert_eq!(e.status, 200, "{e:?}");
        let d = s
            .post(
                &format!("/v1/keys/{k}/decapsulate"),
                json!({"ciphertext": e.str("ciphertext")}),
            )
            .await;
        assert_eq!(d.str("shared_secret"), e.str("shared_secret"));
        assert_eq!(unb64(d.str("shared_secret")).len(), 32);
        let d = s
            .post(
                &format!("/v1/keys/{o}/decapsulate"),
                json!({"ciphertext": e.str("ciphertext")}),
            )
            .await;
        assert_eq!(
            d.code(),
            "decryption_failed",
            "another key's KEM ciphertext"
        );
        let pk = s.get(&format!("/v1/keys/{k}/public-key")).await;
        assert!(pk
            .str("pem")
            .starts_with("-----BEGIN ML-KEM PUBLIC KEY-----"));
    }
}

#[tokio::test]
async fn rotation_keeps_old_ciphertexts_readable_and_rewrap_moves_them() {
    let s = server().await;
    vault(&s, "c", 7).await;
    let k = active(&s, "rot", "aes-256", None).await;
    let old = s
        .post(
            &format!("/v1/keys/{k}/encrypt"),
            json!({"plaintext": b64(b"v1 data")}),
        )
        .await;
    let r = s
        .post(&format!("/v1/keys/{k}/rotate"), json!({"reason": "yearly"}))
        .await;
    assert_eq!(r.body["primary_version"], 2);
    let new = s
        .post(
            &format!("/v1/keys/{k}/encrypt"),
            json!({"plaintext": b64(b"v2 data")}),
        )
        .await;
    assert_eq!(new.body["key_version"], 2);
    let d = s
        .post(
            &format!("/v1/keys/{k}/decrypt"),
            json!({"ciphertext": old.str("ciphertext")}),
        )
        .await;
    assert_eq!(
        (d.str("plaintext"), d.body["key_version"].as_u64()),
        (b64(b"v1 data").as_str(), Some(1))
    );
    let w = s
        .post(
            &format!("/v1/keys/{k}/rewrap"),
            json!({"ciphertext": old.str("ciphertext")}),
        )
        .await;
    assert_eq!(w.body["key_version"], 2);
    assert!(w.body.get("plaintext").is_none());
    let d = s
        .post(
            &format!("/v1/keys/{k}/decrypt"),
            json!({"ciphertext": w.str("ciphertext")}),
        )
        .await;
    assert_eq!(d.str("plaintext"), b64(b"v1 data"));
    let v = s.get(&format!("/v1/keys/{k}/versions")).await;
    assert_eq!(v.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(v.body["items"][1]["primary"], true);
}

#[tokio::test]
async fn imported_keys_work_and_public_keys_verify_outside() {
    let s = server().await;
    vault(&s, "c", 7).await;
    let material = [0x42u8; 32];
    let k = id(&key(
        &s,
        json!({"vault": "c", "name": "imp", "algorithm": "aes-256", "initial_state": "active",
               "import_material": b64(&material)}),
    )
    .await);
    let got = s.get(&format!("/v1/keys/{k}")).await;
    assert_eq!(got.str("origin"), "imported");
    let r = s
        .post(
            &format!("/v1/keys/{k}/encrypt"),
            json!({"plaintext": b64(b"x")}),
        )
        .await;
    assert_eq!(r.status, 200);
    // Decrypt the AES-GCM body locally with the imported key: the ciphertext format is as
    // documented (24-byte header, then nonce || ciphertext || tag; header || aad is the AAD).
    let ct = unb64(r.str("ciphertext"));
    let (header, body) = ct.split_at(24);
    let (nonce, sealed) = body.split_at(12);
    let key = aws_lc_rs::aead::LessSafeKey::new(
        aws_lc_rs::aead::UnboundKey::new(&aws_lc_rs::aead::AES_256_GCM, &material).unwrap(),
    );
    let mut buf = sealed.to_vec();
    let pt = key
        .open_in_place(
            aws_lc_rs::aead::Nonce::try_assume_unique_for_key(nonce).unwrap(),
            aws_lc_rs::aead::Aad::from(header),
            &mut buf,
        )
        .unwrap();
    assert_eq!(pt, b"x");
    let bad = s
        .post("/v1/keys", json!({"vault": "c", "name": "imp2", "algorithm": "aes-256", "import_material": b64(&[1u8; 7])}))
        .await;
    assert_eq!(bad.code(), "invalid_request");
    // An ECDSA signature verifies with the exported public key outside keyhaven.
    let ec = active(&s, "ec", "ec-p256", None).await;
    let sig = s
        .post(
            &format!("/v1/keys/{ec}/sign"),
            json!({"message": b64(b"hello")}),
        )
        .await;
    let raw_sig = unb64(sig.str("signature"));
    let pem = s
        .get(&format!("/v1/keys/{ec}/public-key"))
        .await
        .str("pem")
        .to_owned();
    let der_b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let spki = unb64(&der_b64);
    // SPKI for P-256 ends with the 65-byte uncompressed point.
    let point = &spki[spki.len() - 65..];
    let pk = aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::ECDSA_P256_SHA256_ASN1,
        point,
    );
    // Signature envelope: "KHS" | fmt | version(4) | scheme(1) | DER signature.
    assert_eq!(&raw_sig[..3], b"KHS");
    pk.verify(b"hello", &raw_sig[9..])
        .expect("verifies outside keyhaven");
}
