use std::sync::OnceLock;

use aws_lc_rs::encoding::{AsDer, EcPrivateKeyRfc5915Der};
use keyhaven_core::CryptoProvider;

use super::*;
use crate::testutil::shared;
use crate::{pkcs8_to_rsa_pkcs1, SoftwareProvider};

/// Two import key pairs, generated once (RSA-3072 generation is slow).
fn import_keys() -> &'static [GeneratedKey; 2] {
    static KEYS: OnceLock<[GeneratedKey; 2]> = OnceLock::new();
    KEYS.get_or_init(|| {
        [
            generate_import_key().unwrap(),
            generate_import_key().unwrap(),
        ]
    })
}

fn private(k: &GeneratedKey) -> &[u8] {
    k.material.expose()
}

fn public(k: &GeneratedKey) -> &[u8] {
    k.public_key.as_deref().unwrap()
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = B64.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

#[test]
fn import_keys_are_rsa_3072_and_distinct() {
    let [a, b] = import_keys();
    let key = PrivateDecryptingKey::from_pkcs8(private(a)).unwrap();
    assert_eq!(key.key_size_bits(), IMPORT_KEY_BITS);
    assert_ne!(public(a), public(b));
    // The public key is the one the private key has.
    let spki = AsDer::<PublicKeyX509Der>::as_der(&key.public_key()).unwrap();
    assert_eq!(spki.as_ref(), public(a));
}

#[test]
fn wrap_and_unwrap_round_trip() {
    let [key, _] = import_keys();
    let rsa_pkcs8 = shared(KeyAlgorithm::Rsa2048).material.expose().to_vec();
    for material in [
        vec![7u8],
        vec![1u8; 16],
        vec![2u8; 32],
        vec![3u8; 65],
        rsa_pkcs8,
    ] {
        let blob = wrap_for_import(public(key), &material).unwrap();
        let padded = material.len().div_ceil(8) * 8;
        assert_eq!(blob.len(), 384 + 8 + padded.max(8), "{}", material.len());
        let unwrapped = unwrap_import(private(key), &blob).unwrap();
        assert_eq!(unwrapped.expose(), material.as_slice());
        // A fresh AES key every time: the same material never wraps alike.
        assert_ne!(wrap_for_import(public(key), &material).unwrap(), blob);
    }
}

#[test]
fn a_blob_assembled_from_independent_primitives_unwraps() {
    // What `openssl pkeyutl -encrypt` (OAEP, SHA-256, MGF1-SHA-256, no label) and
    // `openssl enc -id-aes256-wrap-pad` produce, made here with the RSA key handle's OAEP
    // (empty associated data = no label) and the RFC 5649 wrap.
    let [key, _] = import_keys();
    let provider = SoftwareProvider::new();
    let handle = provider.load(KeyAlgorithm::Rsa3072, &key.material).unwrap();
    let aes_key = [0x42u8; 32];
    let material = b"0123456789abcdef0123456789abcdef";
    let mut blob = handle.encrypt(&aes_key, b"").unwrap();
    assert_eq!(blob.len(), 384);
    blob.extend(aes_key_wrap_padded(&aes_key, material).unwrap());
    assert_eq!(
        unwrap_import(private(key), &blob).unwrap().expose(),
        material
    );
}

#[test]
fn the_wrong_import_key_fails_with_the_one_unwrap_error() {
    let [a, b] = import_keys();
    let blob = wrap_for_import(public(a), &[9u8; 32]).unwrap();
    assert_eq!(
        unwrap_import(private(b), &blob).err(),
        Some(CryptoError::AuthenticationFailed)
    );
}

#[test]
fn flipped_bytes_fail_with_the_one_unwrap_error() {
    let [key, _] = import_keys();
    let blob = wrap_for_import(public(key), &[5u8; 32]).unwrap();
    for at in [0, 1, 200, 383, 384, 390, blob.len() - 1] {
        let mut bad = blob.clone();
        bad[at] ^= 0x01;
        let err = unwrap_import(private(key), &bad).unwrap_err();
        assert_eq!(err, CryptoError::AuthenticationFailed, "byte {at}");
        assert_eq!(err.to_string(), "authentication failed");
    }
}

#[test]
fn truncated_or_short_blobs_are_refused() {
    let [key, _] = import_keys();
    let blob = wrap_for_import(public(key), &[5u8; 32]).unwrap();
    // Still a plausible length: the AES unwrap fails.
    assert_eq!(
        unwrap_import(private(key), &blob[..blob.len() - 8]).err(),
        Some(CryptoError::AuthenticationFailed)
    );
    // Lengths that cannot be right say what is expected.
    for len in [0, 100, 384, 384 + 8, blob.len() - 1, blob.len() + 3] {
        let mut bad = blob.clone();
        bad.resize(len, 0);
        match unwrap_import(private(key), &bad) {
            Err(CryptoError::InvalidInput(m)) => {
                assert!(m.contains("384 bytes of RSA-OAEP"), "{m}");
                assert!(m.contains(&format!("got {len} bytes")), "{m}");
            }
            other => panic!("{len}: {other:?}"),
        }
    }
}

#[test]
fn an_rsa_part_that_is_not_an_aes_256_key_fails_like_any_other() {
    let [key, _] = import_keys();
    let handle = SoftwareProvider::new()
        .load(KeyAlgorithm::Rsa3072, &key.material)
        .unwrap();
    let aes_128 = [0x24u8; 16];
    let mut blob = handle.encrypt(&aes_128, b"").unwrap();
    blob.extend(aes_key_wrap_padded(&aes_128, &[1u8; 32]).unwrap());
    assert_eq!(
        unwrap_import(private(key), &blob).err(),
        Some(CryptoError::AuthenticationFailed)
    );
    // An OAEP label makes it another ciphertext.
    let mut blob = handle.encrypt(&[0x24u8; 32], b"label").unwrap();
    blob.extend(aes_key_wrap_padded(&[0x24u8; 32], &[1u8; 32]).unwrap());
    assert_eq!(
        unwrap_import(private(key), &blob).err(),
        Some(CryptoError::AuthenticationFailed)
    );
}

#[test]
fn wrapping_needs_an_rsa_import_key_and_material() {
    let [key, _] = import_keys();
    let ec_public = shared(KeyAlgorithm::EcP256).public_key.as_deref().unwrap();
    assert!(matches!(
        wrap_for_import(ec_public, &[1u8; 32]),
        Err(CryptoError::InvalidKeyMaterial(_))
    ));
    assert!(matches!(
        wrap_for_import(b"garbage", &[1u8; 32]),
        Err(CryptoError::InvalidKeyMaterial(_))
    ));
    assert!(matches!(
        wrap_for_import(public(key), &[]),
        Err(CryptoError::InvalidInput(_))
    ));
}

#[test]
fn rsa_keys_convert_from_pkcs1_and_pem() {
    let alg = KeyAlgorithm::Rsa2048;
    let pkcs8 = shared(alg).material.expose();
    let pkcs1 = pkcs8_to_rsa_pkcs1(pkcs8).unwrap();
    assert_eq!(classify(pkcs8), DerKind::Pkcs8);
    assert_eq!(classify(pkcs1.expose()), DerKind::Pkcs1Rsa);
    assert!(private_key_to_pkcs8(alg, pkcs8).unwrap().is_none());
    let provider = SoftwareProvider::new();
    for input in [
        pkcs1.expose().to_vec(),
        pem("RSA PRIVATE KEY", pkcs1.expose()).into_bytes(),
        format!("\n  {}", pem("PRIVATE KEY", pkcs8)).into_bytes(),
    ] {
        let der = private_key_to_pkcs8(alg, &input).unwrap().unwrap();
        let imported = provider.import(alg, der.expose()).unwrap();
        assert_eq!(imported.public_key, shared(alg).public_key);
        // The provider takes these encodings directly too.
        let direct = provider.import(alg, &input).unwrap();
        assert_eq!(direct.public_key, shared(alg).public_key);
    }
    // PKCS#1 of the wrong size is refused by the size check.
    let err = private_key_to_pkcs8(KeyAlgorithm::Rsa3072, pkcs1.expose())
        .map(|d| provider.import(KeyAlgorithm::Rsa3072, d.unwrap().expose()))
        .unwrap()
        .err()
        .unwrap();
    assert!(err.to_string().contains("3072-bit"), "{err}");
}

#[test]
fn ec_keys_convert_from_sec1_with_or_without_parameters() {
    let alg = KeyAlgorithm::EcP256;
    let pkcs8 = shared(alg).material.expose();
    let pair = EcdsaKeyPair::from_pkcs8(&sig::ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8).unwrap();
    let sec1 = AsDer::<EcPrivateKeyRfc5915Der>::as_der(&pair.private_key()).unwrap();
    assert_eq!(classify(sec1.as_ref()), DerKind::Sec1Ec);
    // `openssl ecparam -name prime256v1 -genkey` writes the parameters first.
    let params = pem(
        "EC PARAMETERS",
        &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
    );
    let provider = SoftwareProvider::new();
    for input in [
        sec1.as_ref().to_vec(),
        pem("EC PRIVATE KEY", sec1.as_ref()).into_bytes(),
        format!("{params}{}", pem("EC PRIVATE KEY", sec1.as_ref())).into_bytes(),
        pem("PRIVATE KEY", pkcs8).into_bytes(),
    ] {
        let imported = provider.import(alg, &input).unwrap();
        assert_eq!(imported.public_key, shared(alg).public_key);
    }
    // A P-256 key is not a P-384 key.
    let err = provider
        .import(KeyAlgorithm::EcP384, sec1.as_ref())
        .err()
        .unwrap();
    assert!(
        matches!(err, CryptoError::InvalidKeyMaterial(ref m) if m.starts_with("ec-p384")),
        "{err:?}"
    );
}

#[test]
fn ed25519_keys_import_from_pem() {
    let alg = KeyAlgorithm::Ed25519;
    let pkcs8 = shared(alg).material.expose();
    let input = pem("PRIVATE KEY", pkcs8);
    let der = private_key_to_pkcs8(alg, input.as_bytes())
        .unwrap()
        .unwrap();
    assert_eq!(der.expose(), pkcs8);
    let imported = SoftwareProvider::new()
        .import(alg, input.as_bytes())
        .unwrap();
    assert_eq!(imported.public_key, shared(alg).public_key);
}

#[test]
fn unusable_pem_and_mismatched_families_say_why() {
    let rsa = KeyAlgorithm::Rsa2048;
    let pkcs8 = shared(rsa).material.expose();
    let pkcs1 = pkcs8_to_rsa_pkcs1(pkcs8).unwrap();
    let cases: [(KeyAlgorithm, Vec<u8>, &str); 6] = [
        (
            rsa,
            pem("ENCRYPTED PRIVATE KEY", &[0x30, 0x00]).into_bytes(),
            "encrypted",
        ),
        (
            rsa,
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"
                .as_bytes()
                .to_vec(),
            "encrypted",
        ),
        (
            rsa,
            pem("CERTIFICATE", &[0x30, 0x00]).into_bytes(),
            "blocks found: CERTIFICATE",
        ),
        (
            rsa,
            b"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n".to_vec(),
            "not base64",
        ),
        (
            KeyAlgorithm::EcP256,
            pkcs1.expose().to_vec(),
            "RSA private key (PKCS#1)",
        ),
        (
            KeyAlgorithm::Ed25519,
            pem("RSA PRIVATE KEY", pkcs1.expose()).into_bytes(),
            "RSA private key (PKCS#1)",
        ),
    ];
    for (alg, input, expected) in cases {
        match private_key_to_pkcs8(alg, &input) {
            Err(CryptoError::InvalidKeyMaterial(m)) => {
                assert!(m.starts_with(alg.name()), "{m}");
                assert!(m.contains(expected), "{m}");
            }
            other => panic!("{expected}: {other:?}"),
        }
    }
    // Symmetric material is never touched, even when it happens to look like PEM.
    let text = pem("PRIVATE KEY", &[1, 2, 3]);
    assert!(
        private_key_to_pkcs8(KeyAlgorithm::HmacSha256, text.as_bytes())
            .unwrap()
            .is_none()
    );
    assert!(private_key_to_pkcs8(KeyAlgorithm::Aes256, &[0x30; 32])
        .unwrap()
        .is_none());
}

#[test]
fn der_headers_are_read_without_overrunning() {
    for bytes in [
        &[][..],
        &[0x30],
        &[0x30, 0x85, 1, 1, 1, 1, 1],
        &[0x30, 0x80],
        &[0x30, 0x82, 0xff],
        &[0x30, 0x05, 0x02, 0x01],
        &[0x30, 0x03, 0x02, 0x01, 0x00],
    ] {
        assert_eq!(classify(bytes), DerKind::Other, "{bytes:?}");
    }
}
