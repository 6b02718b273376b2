//! Key import (BYOK): the RSA import key pair a vault hands out, unwrapping of material wrapped
//! for it, the client side of that wrapping, and the decoding of private keys given as PEM,
//! PKCS#1 or SEC1 into the PKCS#8 DER keyhaven stores.
//!
//! The wrapped format is the one cloud KMSs call `RSA_AES_KEY_WRAP_SHA_256`
//! (`rsa-oaep-3072-sha256-aes-256`), documented in docs/IMPORT.md:
//!
//! ```text
//! blob = RSA-OAEP(SHA-256, MGF1-SHA-256, empty label)(K)   -- exactly modulus-length bytes
//!     || AES-KWP(RFC 5649, K)(target key material)          -- at least 16 bytes, 8-byte multiple
//! ```
//!
//! where `K` is a fresh 32-byte AES key and the target material is the raw key for AES and
//! HMAC, PKCS#8 DER for private keys.

use crate::rsa::der_tlv as tlv;
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::{
    KeySize, OaepPrivateDecryptingKey, OaepPublicEncryptingKey, PrivateDecryptingKey,
    PublicEncryptingKey, OAEP_SHA256_MGF1SHA256,
};
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use keyhaven_core::{AlgorithmFamily, CryptoError, GeneratedKey, KeyAlgorithm, SecretBytes};
use zeroize::Zeroizing;

use crate::error::{bad_material, internal};
use crate::modes::{aes_key_unwrap_padded, aes_key_wrap_padded};
use crate::rsa::rsa_pkcs1_to_pkcs8;

/// Modulus size of the import keys keyhaven generates.
pub const IMPORT_KEY_BITS: usize = 3072;

/// Length of the ephemeral AES key inside a wrapped import (AES-256).
pub const EPHEMERAL_KEY_LEN: usize = 32;

/// Smallest import public key [`wrap_for_import`] wraps for.
const MIN_IMPORT_KEY_BITS: usize = 2048;

/// Generates an RSA-3072 import key pair: `material` is the private key as PKCS#8 DER,
/// `public_key` the SubjectPublicKeyInfo DER handed to clients.
pub fn generate_import_key() -> Result<GeneratedKey, CryptoError> {
    let private = PrivateDecryptingKey::generate(KeySize::Rsa3072)
        .map_err(|_| internal("import key generation"))?;
    let pkcs8 =
        AsDer::<Pkcs8V1Der>::as_der(&private).map_err(|_| internal("import key encoding"))?;
    let spki = AsDer::<PublicKeyX509Der>::as_der(&private.public_key())
        .map_err(|_| internal("import public key encoding"))?;
    Ok(GeneratedKey {
        material: SecretBytes::from_slice(pkcs8.as_ref()),
        public_key: Some(spki.as_ref().to_vec()),
    })
}

/// Unwraps a blob made for the import key whose private key (PKCS#8 DER) is `private_pkcs8`:
/// RSA-OAEP-decrypts the first modulus-length bytes to the 32-byte AES key, then AES-KWP
/// unwraps the rest with it.
///
/// A blob whose length cannot be right is [`CryptoError::InvalidInput`] (the message names the
/// expected lengths). Every cryptographic failure (wrong import key, altered bytes, an RSA part
/// that does not hold a 32-byte key) is the one [`CryptoError::AuthenticationFailed`]; when the
/// RSA part fails, the AES unwrap still runs under a random key, so neither the answer nor
/// its timing tells which step failed (no padding oracle).
pub fn unwrap_import(private_pkcs8: &[u8], blob: &[u8]) -> Result<SecretBytes, CryptoError> {
    let private = PrivateDecryptingKey::from_pkcs8(private_pkcs8)
        .map_err(|_| internal("import private key parsing"))?;
    let modulus_len = private.key_size_bytes();
    let (rsa_part, kwp_part) = split_blob(modulus_len, blob)?;
    let oaep =
        OaepPrivateDecryptingKey::new(private).map_err(|_| internal("RSA-OAEP key setup"))?;
    let mut opened = Zeroizing::new(vec![0u8; oaep.min_output_size()]);
    let mut aes_key = Zeroizing::new([0u8; EPHEMERAL_KEY_LEN]);
    let rsa_ok = match oaep.decrypt(&OAEP_SHA256_MGF1SHA256, rsa_part, &mut opened, None) {
        Ok(key) if key.len() == EPHEMERAL_KEY_LEN => {
            aes_key.copy_from_slice(key);
            true
        }
        _ => {
            aws_lc_rs::rand::fill(aes_key.as_mut()).map_err(|_| internal("random generation"))?;
            false
        }
    };
    match (rsa_ok, aes_key_unwrap_padded(aes_key.as_ref(), kwp_part)) {
        (true, Ok(material)) => Ok(material),
        _ => Err(CryptoError::AuthenticationFailed),
    }
}

/// What a client does to import `material` under the import public key `public_spki`
/// (SubjectPublicKeyInfo DER of an RSA key of 2048 bits or more): a fresh AES-256 key,
/// RSA-OAEP-SHA-256 encrypted, followed by `material` AES-KWP wrapped under it. The AES key
/// is wiped before returning.
pub fn wrap_for_import(public_spki: &[u8], material: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let public = PublicEncryptingKey::from_der(public_spki).map_err(|_| {
        CryptoError::InvalidKeyMaterial(
            "the import key is not an RSA public key (SubjectPublicKeyInfo DER)".to_owned(),
        )
    })?;
    if public.key_size_bits() < MIN_IMPORT_KEY_BITS {
        return Err(CryptoError::InvalidKeyMaterial(format!(
            "the import key has {} bits; at least {MIN_IMPORT_KEY_BITS} are needed",
            public.key_size_bits()
        )));
    }
    if material.is_empty() {
        return Err(CryptoError::InvalidInput(
            "there is no key material to wrap".to_owned(),
        ));
    }
    let oaep = OaepPublicEncryptingKey::new(public).map_err(|_| internal("RSA-OAEP key setup"))?;
    let mut aes_key = Zeroizing::new([0u8; EPHEMERAL_KEY_LEN]);
    aws_lc_rs::rand::fill(aes_key.as_mut()).map_err(|_| internal("random generation"))?;
    let mut out = vec![0u8; oaep.ciphertext_size()];
    let len = oaep
        .encrypt(&OAEP_SHA256_MGF1SHA256, aes_key.as_ref(), &mut out, None)
        .map_err(|_| internal("RSA-OAEP encryption"))?
        .len();
    out.truncate(len);
    out.extend_from_slice(&aes_key_wrap_padded(aes_key.as_ref(), material)?);
    Ok(out)
}

/// The RSA part and the AES-KWP part of a blob, or a message naming the lengths expected.
fn split_blob(modulus_len: usize, blob: &[u8]) -> Result<(&[u8], &[u8]), CryptoError> {
    let wrong = || {
        CryptoError::InvalidInput(format!(
            "a wrapped import is {modulus_len} bytes of RSA-OAEP followed by an AES key wrap \
             with padding (RFC 5649) of at least 16 bytes, a multiple of 8; got {} bytes",
            blob.len()
        ))
    };
    let (rsa_part, kwp_part) = blob.split_at_checked(modulus_len).ok_or_else(wrong)?;
    if kwp_part.len() < 16 || kwp_part.len() % 8 != 0 {
        return Err(wrong());
    }
    Ok((rsa_part, kwp_part))
}

/// Brings a private key of `alg` (RSA, ECDSA or Ed25519) given as PEM, PKCS#1
/// `RSAPrivateKey` DER or SEC1 `ECPrivateKey` DER to PKCS#8 DER, the encoding
/// [`keyhaven_core::CryptoProvider::import`] stores.
///
/// PEM: the first `PRIVATE KEY`, `RSA PRIVATE KEY` or `EC PRIVATE KEY` block is taken, other
/// blocks (`EC PARAMETERS` from `openssl ecparam -genkey`, certificates) are skipped; encrypted
/// keys are refused with a message saying how to decrypt them. Returns `None` when `material`
/// needs no conversion: PKCS#8 DER already, an algorithm of another family, or bytes that the
/// family's import rejects with its own message.
pub fn private_key_to_pkcs8(
    alg: KeyAlgorithm,
    material: &[u8],
) -> Result<Option<SecretBytes>, CryptoError> {
    let family = alg.family();
    if !matches!(
        family,
        AlgorithmFamily::Rsa | AlgorithmFamily::Ecdsa | AlgorithmFamily::Ed25519
    ) {
        return Ok(None);
    }
    let pem = if looks_like_pem(material) {
        Some(pem_private_key(alg, material)?)
    } else {
        None
    };
    let der = pem.as_ref().map_or(material, SecretBytes::expose);
    let converted = match (classify(der), family) {
        (DerKind::Pkcs1Rsa, AlgorithmFamily::Rsa) => {
            Some(rsa_pkcs1_to_pkcs8(der).map_err(|e| match e {
                CryptoError::InvalidKeyMaterial(m) => bad_material(alg, m),
                other => other,
            })?)
        }
        (DerKind::Sec1Ec, AlgorithmFamily::Ecdsa) => Some(sec1_to_pkcs8(alg, der)?),
        (DerKind::Pkcs1Rsa, _) => {
            return Err(bad_material(
                alg,
                "this is an RSA private key (PKCS#1), not a key of this algorithm",
            ))
        }
        (DerKind::Sec1Ec, _) => {
            return Err(bad_material(
                alg,
                "this is an EC private key (SEC1), not a key of this algorithm",
            ))
        }
        _ => None,
    };
    Ok(converted.or(pem))
}

/// What the outer structure of a DER private key says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DerKind {
    /// `PrivateKeyInfo` / `OneAsymmetricKey`: version, then an `AlgorithmIdentifier`.
    Pkcs8,
    /// PKCS#1 `RSAPrivateKey`: version 0, then the modulus.
    Pkcs1Rsa,
    /// SEC1 `ECPrivateKey`: version 1, then the private key octet string.
    Sec1Ec,
    /// Anything else.
    Other,
}

fn classify(der: &[u8]) -> DerKind {
    const SEQUENCE: u8 = 0x30;
    const INTEGER: u8 = 0x02;
    const OCTET_STRING: u8 = 0x04;
    let Some((SEQUENCE, body, _)) = tlv(der) else {
        return DerKind::Other;
    };
    let Some((INTEGER, version, rest)) = tlv(body) else {
        return DerKind::Other;
    };
    match (version, rest.first()) {
        (_, Some(&SEQUENCE)) => DerKind::Pkcs8,
        ([0], Some(&INTEGER)) => DerKind::Pkcs1Rsa,
        ([1], Some(&OCTET_STRING)) => DerKind::Sec1Ec,
        _ => DerKind::Other,
    }
}

fn sec1_to_pkcs8(alg: KeyAlgorithm, der: &[u8]) -> Result<SecretBytes, CryptoError> {
    let signing = match alg {
        KeyAlgorithm::EcP256 => &sig::ECDSA_P256_SHA256_ASN1_SIGNING,
        KeyAlgorithm::EcP384 => &sig::ECDSA_P384_SHA384_ASN1_SIGNING,
        KeyAlgorithm::EcP521 => &sig::ECDSA_P521_SHA512_ASN1_SIGNING,
        _ => return Err(internal("SEC1 conversion of a non-EC algorithm")),
    };
    let pair = EcdsaKeyPair::from_private_key_der(signing, der)
        .map_err(|_| bad_material(alg, "not a SEC1 EC private key on this curve"))?;
    let pkcs8 = pair.to_pkcs8v1().map_err(|_| internal("PKCS#8 encoding"))?;
    Ok(SecretBytes::from_slice(pkcs8.as_ref()))
}

/// PEM block labels that hold an unencrypted private key.
const PRIVATE_LABELS: [&str; 3] = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"];

fn looks_like_pem(material: &[u8]) -> bool {
    material
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .and_then(|start| material.get(start..))
        .is_some_and(|rest| rest.starts_with(b"-----BEGIN "))
}

/// The DER body of the first private-key block of a PEM document.
fn pem_private_key(alg: KeyAlgorithm, material: &[u8]) -> Result<SecretBytes, CryptoError> {
    let text = std::str::from_utf8(material)
        .map_err(|_| bad_material(alg, "the PEM text is not valid UTF-8"))?;
    let mut labels: Vec<String> = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut body = Zeroizing::new(String::new());
        let mut encrypted = label == "ENCRYPTED PRIVATE KEY";
        let mut closed = false;
        for line in lines.by_ref() {
            if line == end {
                closed = true;
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                // RFC 1421 headers of the legacy OpenSSL encryption (`Proc-Type: 4,ENCRYPTED`).
                encrypted |= name.trim() == "Proc-Type" && value.contains("ENCRYPTED");
                continue;
            }
            body.push_str(line);
        }
        let private = PRIVATE_LABELS.contains(&label);
        if encrypted && (private || label == "ENCRYPTED PRIVATE KEY") {
            return Err(bad_material(
                alg,
                "the PEM private key is encrypted; decrypt it first (`openssl pkey -in KEY.pem \
                 -out plain.pem`) and import the result",
            ));
        }
        if !private {
            labels.push(printable(label));
            continue;
        }
        if !closed {
            return Err(bad_material(
                alg,
                format_args!("the PEM block {label} has no END line"),
            ));
        }
        let der = B64
            .decode(body.as_bytes())
            .map_err(|_| bad_material(alg, format_args!("the PEM block {label} is not base64")))?;
        return Ok(SecretBytes::new(der));
    }
    Err(bad_material(
        alg,
        format_args!(
            "the PEM holds no private key (blocks found: {}); expected {}",
            if labels.is_empty() {
                "none".to_owned()
            } else {
                labels.join(", ")
            },
            PRIVATE_LABELS.join(", ")
        ),
    ))
}

/// A PEM label as it may appear in a message: printable ASCII, at most 40 characters.
fn printable(label: &str) -> String {
    label
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(40)
        .collect()
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests;
