//! X.509 certificates: names, serial, validity, signature algorithm, the subject key, and
//! whether the certificate is self-signed (issuer equals subject, and — where the signature
//! algorithm is one aws-lc verifies — the signature checks out with the certificate's own key).

use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use serde::Serialize;
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::alg::{self, Curve, KeyAlg};
use super::der;
use super::keys::{self, KeyFacts};

/// What a certificate says, besides its key.
#[derive(Clone, Debug, Serialize)]
pub struct CertFacts {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number, colon-separated hex.
    pub serial: String,
    /// Start of validity.
    #[serde(with = "time::serde::rfc3339")]
    pub not_before: OffsetDateTime,
    /// End of validity.
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    /// The signature algorithm (`sha256WithRSAEncryption`).
    pub signature_algorithm: String,
    /// Whether the basic constraints extension says CA.
    pub is_ca: bool,
    /// Self-signed or not, and how that was established.
    pub self_signed: SelfSigned,
    /// The raw issuer name (DER), to check chain order.
    #[serde(skip)]
    pub raw_issuer: Vec<u8>,
    /// The raw subject name (DER).
    #[serde(skip)]
    pub raw_subject: Vec<u8>,
}

/// Whether a certificate is self-signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SelfSigned {
    /// The issuer differs from the subject.
    No,
    /// Issuer equals subject and the signature verifies with the certificate's own key.
    Verified,
    /// Issuer equals subject; the signature algorithm is not one discovery can check.
    NamesMatch,
    /// Issuer equals subject but the signature does not verify with the certificate's own key
    /// (another key issued it under the same name).
    NamesMatchSignatureInvalid,
}

/// Parses one DER certificate; `exact` refuses trailing bytes.
pub fn parse(der_bytes: &[u8], exact: bool) -> Result<(CertFacts, KeyFacts), String> {
    let (rest, cert) =
        X509Certificate::from_der(der_bytes).map_err(|e| format!("not a certificate: {e}"))?;
    if exact && !rest.is_empty() {
        return Err("trailing data after the certificate".to_owned());
    }
    let tbs = &cert.tbs_certificate;
    let key = keys::from_spki(tbs.subject_pki.raw)
        .map_err(|e| format!("the certificate's public key: {e}"))?;
    let signature_oid = cert.signature_algorithm.algorithm.to_id_string();
    let names_match = tbs.issuer.as_raw() == tbs.subject.as_raw();
    let self_signed = if !names_match {
        SelfSigned::No
    } else {
        match verify_own_signature(&cert, &key, &signature_oid) {
            Some(true) => SelfSigned::Verified,
            Some(false) => SelfSigned::NamesMatchSignatureInvalid,
            None => SelfSigned::NamesMatch,
        }
    };
    let facts = CertFacts {
        subject: tbs.subject.to_string(),
        issuer: tbs.issuer.to_string(),
        serial: tbs.raw_serial_as_string(),
        not_before: tbs.validity.not_before.to_datetime(),
        not_after: tbs.validity.not_after.to_datetime(),
        signature_algorithm: signature_name(&signature_oid),
        is_ca: tbs.is_ca(),
        self_signed,
        raw_issuer: tbs.issuer.as_raw().to_vec(),
        raw_subject: tbs.subject.as_raw().to_vec(),
    };
    Ok((facts, key))
}

/// Whether the signature hash is broken for signatures: `Some("MD5")`, `Some("SHA-1")`.
pub fn weak_signature_hash(signature_algorithm: &str) -> Option<&'static str> {
    let lower = signature_algorithm.to_ascii_lowercase();
    if lower.contains("md5") || lower.contains("md2") {
        Some("MD5")
    } else if lower.contains("sha1") {
        Some("SHA-1")
    } else {
        None
    }
}

/// `Some(valid)` when the algorithm could be checked, `None` otherwise.
fn verify_own_signature(
    cert: &X509Certificate<'_>,
    key: &KeyFacts,
    signature_oid: &str,
) -> Option<bool> {
    let spki = key.spki.as_deref()?;
    let mut seq = der::whole_sequence(spki).ok()?;
    der::algorithm_identifier(&mut seq).ok()?;
    let public = der::bit_string_bytes(seq.expect(der::BIT_STRING).ok()?).ok()?;
    let alg = verification_algorithm(&key.alg, signature_oid)?;
    let message = cert.tbs_certificate.as_ref();
    let sig = cert.signature_value.data.as_ref();
    Some(
        UnparsedPublicKey::new(alg, public)
            .verify(message, sig)
            .is_ok(),
    )
}

fn verification_algorithm(
    key: &KeyAlg,
    signature_oid: &str,
) -> Option<&'static dyn VerificationAlgorithm> {
    let hash = match signature_oid {
        "1.2.840.113549.1.1.5" | "1.2.840.10045.4.1" => "sha1",
        "1.2.840.113549.1.1.11" | "1.2.840.10045.4.3.2" => "sha256",
        "1.2.840.113549.1.1.12" | "1.2.840.10045.4.3.3" => "sha384",
        "1.2.840.113549.1.1.13" | "1.2.840.10045.4.3.4" => "sha512",
        alg::ED25519 => "eddsa",
        _ => return None,
    };
    let alg: &'static dyn VerificationAlgorithm = match (key, hash) {
        (KeyAlg::Rsa(_), "sha1") => &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        (KeyAlg::Rsa(_), "sha256") => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        (KeyAlg::Rsa(_), "sha384") => &signature::RSA_PKCS1_2048_8192_SHA384,
        (KeyAlg::Rsa(_), "sha512") => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        (KeyAlg::Ec(Some(Curve::P256)), "sha1") => &signature::ECDSA_P256_SHA1_ASN1,
        (KeyAlg::Ec(Some(Curve::P256)), "sha256") => &signature::ECDSA_P256_SHA256_ASN1,
        (KeyAlg::Ec(Some(Curve::P256)), "sha384") => &signature::ECDSA_P256_SHA384_ASN1,
        (KeyAlg::Ec(Some(Curve::P256)), "sha512") => &signature::ECDSA_P256_SHA512_ASN1,
        (KeyAlg::Ec(Some(Curve::P384)), "sha256") => &signature::ECDSA_P384_SHA256_ASN1,
        (KeyAlg::Ec(Some(Curve::P384)), "sha384") => &signature::ECDSA_P384_SHA384_ASN1,
        (KeyAlg::Ec(Some(Curve::P384)), "sha512") => &signature::ECDSA_P384_SHA512_ASN1,
        (KeyAlg::Ec(Some(Curve::P521)), "sha1") => &signature::ECDSA_P521_SHA1_ASN1,
        (KeyAlg::Ec(Some(Curve::P521)), "sha256") => &signature::ECDSA_P521_SHA256_ASN1,
        (KeyAlg::Ec(Some(Curve::P521)), "sha384") => &signature::ECDSA_P521_SHA384_ASN1,
        (KeyAlg::Ec(Some(Curve::P521)), "sha512") => &signature::ECDSA_P521_SHA512_ASN1,
        (KeyAlg::Ed25519, "eddsa") => &signature::ED25519,
        _ => return None,
    };
    Some(alg)
}

fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.2.840.10040.4.3" => "dsa-with-sha1",
        "2.16.840.1.101.3.4.3.2" => "dsa-with-sha256",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "2.16.840.1.101.3.4.3.17" => "ML-DSA-44",
        "2.16.840.1.101.3.4.3.18" => "ML-DSA-65",
        "2.16.840.1.101.3.4.3.19" => "ML-DSA-87",
        other => return other.to_owned(),
    }
    .to_owned()
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn weak_hashes() {
        assert_eq!(weak_signature_hash("sha1WithRSAEncryption"), Some("SHA-1"));
        assert_eq!(weak_signature_hash("ecdsa-with-SHA1"), Some("SHA-1"));
        assert_eq!(weak_signature_hash("md5WithRSAEncryption"), Some("MD5"));
        assert_eq!(weak_signature_hash("sha256WithRSAEncryption"), None);
    }

    #[test]
    fn garbage_is_not_a_certificate() {
        assert!(parse(b"\x30\x03\x02\x01\x00", true).is_err());
        assert!(parse(b"", false).is_err());
    }
}
