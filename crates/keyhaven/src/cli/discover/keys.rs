//! Key structures: what algorithm and size a SubjectPublicKeyInfo, PKCS#8 PrivateKeyInfo,
//! PKCS#1 RSAPrivateKey / RSAPublicKey, SEC1 ECPrivateKey or traditional DSA key holds, the
//! public key's SubjectPublicKeyInfo (to recognise the same key elsewhere) and, for private keys
//! keyhaven can manage, a PKCS#8 encoding to import.

use std::fmt;

use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_ASN1_SIGNING,
    ECDSA_P384_SHA384_ASN1_SIGNING, ECDSA_P521_SHA512_ASN1_SIGNING,
};
use zeroize::Zeroizing;

use super::alg::{Curve, KeyAlg, DSA, EC, ED25519, RSA, X25519};
use super::der::{self, DerError, Reader};

/// Private key material (a PKCS#8 DER document), zeroized on drop and never shown.
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Takes ownership of `bytes`.
    pub fn new(bytes: Vec<u8>) -> Secret {
        Secret(Zeroizing::new(bytes))
    }

    /// The bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// What a key structure tells.
#[derive(Debug)]
pub struct KeyFacts {
    /// Algorithm and size.
    pub alg: KeyAlg,
    /// The public key as a SubjectPublicKeyInfo, when it is known or can be derived.
    pub spki: Option<Vec<u8>>,
    /// For private keys: a PKCS#8 PrivateKeyInfo to import.
    pub pkcs8: Option<Secret>,
}

/// A SubjectPublicKeyInfo.
pub fn from_spki(spki: &[u8]) -> Result<KeyFacts, DerError> {
    let mut seq = der::whole_sequence(spki)?;
    let (oid, params) = der::algorithm_identifier(&mut seq)?;
    let key = der::bit_string_bytes(seq.expect(der::BIT_STRING)?)?;
    let alg = match KeyAlg::from_oid(&oid) {
        KeyAlg::Rsa(_) => KeyAlg::Rsa(Some(rsa_public_bits(key)?)),
        KeyAlg::RsaPss(_) => KeyAlg::RsaPss(Some(rsa_public_bits(key)?)),
        KeyAlg::Ec(_) => KeyAlg::Ec(Some(curve_of(params)?)),
        KeyAlg::Dsa(_) => KeyAlg::Dsa(prime_bits(params)),
        KeyAlg::Dh(_) => KeyAlg::Dh(prime_bits(params)),
        other => other,
    };
    Ok(KeyFacts {
        alg,
        spki: Some(spki.to_vec()),
        pkcs8: None,
    })
}

/// A PKCS#1 RSAPublicKey.
pub fn from_rsa_public(pkcs1: &[u8]) -> Result<KeyFacts, DerError> {
    let bits = rsa_public_bits(pkcs1)?;
    Ok(KeyFacts {
        alg: KeyAlg::Rsa(Some(bits)),
        spki: Some(spki(RSA, Some(&null()), pkcs1)),
        pkcs8: None,
    })
}

/// A PKCS#8 PrivateKeyInfo / OneAsymmetricKey.
pub fn from_pkcs8(pkcs8: &[u8]) -> Result<KeyFacts, DerError> {
    let mut seq = der::whole_sequence(pkcs8)?;
    let version = der::small_uint(seq.expect(der::INTEGER)?);
    if !matches!(version, Some(0 | 1)) {
        return Err(DerError("unknown PKCS#8 version"));
    }
    let (oid, params) = der::algorithm_identifier(&mut seq)?;
    let private = seq.expect(der::OCTET_STRING)?;
    let _attributes = seq.optional(der::explicit(0))?;
    let public = match seq.optional(der::implicit(1))? {
        Some(bits) => Some(der::bit_string_bytes(bits)?),
        None => None,
    };
    let copy = || Some(Secret::new(pkcs8.to_vec()));
    let facts = match KeyAlg::from_oid(&oid) {
        KeyAlg::Rsa(_) => {
            let rsa = rsa_private(private)?;
            KeyFacts {
                alg: KeyAlg::Rsa(Some(rsa.bits)),
                spki: Some(rsa.spki),
                pkcs8: copy(),
            }
        }
        KeyAlg::RsaPss(_) => {
            let rsa = rsa_private(private)?;
            KeyFacts {
                alg: KeyAlg::RsaPss(Some(rsa.bits)),
                spki: None,
                pkcs8: None,
            }
        }
        KeyAlg::Ec(_) => {
            let curve = curve_of(params)?;
            let sec1 = sec1_parts(private)?;
            let spki = match sec1.public {
                Some(point) => ec_spki(&curve, point),
                None => derive_ec_public(&curve, pkcs8).and_then(|p| ec_spki(&curve, &p)),
            };
            KeyFacts {
                alg: KeyAlg::Ec(Some(curve)),
                spki,
                pkcs8: copy(),
            }
        }
        KeyAlg::Ed25519 => {
            let public = match public {
                Some(p) => Some(p.to_vec()),
                None => Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8)
                    .ok()
                    .map(|pair| pair.public_key().as_ref().to_vec()),
            };
            KeyFacts {
                alg: KeyAlg::Ed25519,
                spki: public.map(|p| spki(ED25519, None, &p)),
                pkcs8: copy(),
            }
        }
        KeyAlg::X25519 => {
            let public = match public {
                Some(p) => Some(p.to_vec()),
                None => x25519_public(private),
            };
            KeyFacts {
                alg: KeyAlg::X25519,
                spki: public.map(|p| spki(X25519, None, &p)),
                pkcs8: None,
            }
        }
        KeyAlg::Dsa(_) => KeyFacts {
            alg: KeyAlg::Dsa(prime_bits(params)),
            spki: None,
            pkcs8: None,
        },
        KeyAlg::Dh(_) => KeyFacts {
            alg: KeyAlg::Dh(prime_bits(params)),
            spki: None,
            pkcs8: None,
        },
        other => KeyFacts {
            spki: public.map(|p| spki(&oid, None, p)),
            alg: other,
            pkcs8: None,
        },
    };
    Ok(facts)
}

/// A PKCS#1 RSAPrivateKey (`RSA PRIVATE KEY`).
pub fn from_rsa_private(pkcs1: &[u8]) -> Result<KeyFacts, DerError> {
    let rsa = rsa_private(pkcs1)?;
    let inner = Zeroizing::new(der::tlv(der::OCTET_STRING, pkcs1));
    let wrapped = der::sequence(&[&der::uint(&[0]), &algorithm(RSA, Some(&null())), &inner]);
    Ok(KeyFacts {
        alg: KeyAlg::Rsa(Some(rsa.bits)),
        spki: Some(rsa.spki),
        pkcs8: Some(Secret::new(wrapped)),
    })
}

/// A SEC1 ECPrivateKey (`EC PRIVATE KEY`); the curve must be in its parameters.
pub fn from_sec1(sec1: &[u8]) -> Result<KeyFacts, DerError> {
    let parts = sec1_parts(sec1)?;
    let curve = match parts.curve_oid {
        Some(oid) => Curve::from_oid(&oid),
        None => return Err(DerError("SEC1 key without curve parameters")),
    };
    let curve_der = curve.oid().and_then(der::oid);
    let pkcs8 = curve_der.map(|params| {
        let inner = Zeroizing::new(der::tlv(der::OCTET_STRING, sec1));
        Secret::new(der::sequence(&[
            &der::uint(&[0]),
            &algorithm(EC, Some(&params)),
            &inner,
        ]))
    });
    let spki = match parts.public {
        Some(point) => ec_spki(&curve, point),
        None => pkcs8
            .as_ref()
            .and_then(|p| derive_ec_public(&curve, p.expose()))
            .and_then(|p| ec_spki(&curve, &p)),
    };
    Ok(KeyFacts {
        alg: KeyAlg::Ec(Some(curve)),
        spki,
        pkcs8,
    })
}

/// OpenSSL's traditional DSA private key (`DSA PRIVATE KEY`): version, p, q, g, y, x.
pub fn from_dsa_private(der_bytes: &[u8]) -> Result<KeyFacts, DerError> {
    let mut seq = der::whole_sequence(der_bytes)?;
    let _version = seq.expect(der::INTEGER)?;
    let p = seq.expect(der::INTEGER)?;
    let q = seq.expect(der::INTEGER)?;
    let g = seq.expect(der::INTEGER)?;
    let y = seq.expect(der::INTEGER)?;
    let _x = seq.expect(der::INTEGER)?;
    Ok(KeyFacts {
        alg: KeyAlg::Dsa(Some(der::uint_bits(p))),
        spki: Some(dsa_spki(p, q, g, y)),
        pkcs8: None,
    })
}

/// The SubjectPublicKeyInfo of a DSA key from p, q, g and y (big-endian magnitudes).
pub fn dsa_spki(p: &[u8], q: &[u8], g: &[u8], y: &[u8]) -> Vec<u8> {
    let params = der::sequence(&[&der::uint(p), &der::uint(q), &der::uint(g)]);
    spki(DSA, Some(&params), &der::uint(y))
}

/// The SubjectPublicKeyInfo of an RSA key from its modulus and exponent.
pub fn rsa_spki(n: &[u8], e: &[u8]) -> Vec<u8> {
    let public = der::sequence(&[&der::uint(n), &der::uint(e)]);
    spki(RSA, Some(&null()), &public)
}

/// The SubjectPublicKeyInfo of an EC point on a named curve.
pub fn ec_spki(curve: &Curve, point: &[u8]) -> Option<Vec<u8>> {
    let params = der::oid(curve.oid()?)?;
    Some(spki(EC, Some(&params), point))
}

/// The SubjectPublicKeyInfo of a key whose algorithm has no parameters (Ed25519, X25519).
pub fn raw_spki(oid: &str, key: &[u8]) -> Vec<u8> {
    spki(oid, None, key)
}

fn spki(oid: &str, params: Option<&[u8]>, key: &[u8]) -> Vec<u8> {
    der::sequence(&[&algorithm(oid, params), &der::bit_string(key)])
}

fn algorithm(oid: &str, params: Option<&[u8]>) -> Vec<u8> {
    let oid = der::oid(oid).unwrap_or_default();
    der::sequence(&[&oid, params.unwrap_or_default()])
}

fn null() -> Vec<u8> {
    der::tlv(der::NULL, &[])
}

fn rsa_public_bits(pkcs1: &[u8]) -> Result<u32, DerError> {
    let mut seq = der::whole_sequence(pkcs1)?;
    let n = seq.expect(der::INTEGER)?;
    let _e = seq.expect(der::INTEGER)?;
    Ok(der::uint_bits(n))
}

struct RsaPrivate {
    bits: u32,
    spki: Vec<u8>,
}

fn rsa_private(pkcs1: &[u8]) -> Result<RsaPrivate, DerError> {
    let mut seq = der::whole_sequence(pkcs1)?;
    let _version = seq.expect(der::INTEGER)?;
    let n = seq.expect(der::INTEGER)?;
    let e = seq.expect(der::INTEGER)?;
    for _ in 0..6 {
        seq.expect(der::INTEGER)?;
    }
    Ok(RsaPrivate {
        bits: der::uint_bits(n),
        spki: rsa_spki(n, e),
    })
}

struct Sec1<'a> {
    curve_oid: Option<String>,
    public: Option<&'a [u8]>,
}

fn sec1_parts(sec1: &[u8]) -> Result<Sec1<'_>, DerError> {
    let mut seq = der::whole_sequence(sec1)?;
    if der::small_uint(seq.expect(der::INTEGER)?) != Some(1) {
        return Err(DerError("unknown SEC1 version"));
    }
    let _private = seq.expect(der::OCTET_STRING)?;
    let curve_oid = match seq.optional(der::explicit(0))? {
        Some(params) => Reader::new(params)
            .expect(der::OID)
            .ok()
            .map(der::oid_string)
            .transpose()?,
        None => None,
    };
    let public = match seq.optional(der::explicit(1))? {
        Some(inner) => Some(der::bit_string_bytes(
            Reader::new(inner).expect(der::BIT_STRING)?,
        )?),
        None => None,
    };
    Ok(Sec1 { curve_oid, public })
}

fn curve_of(params: Option<der::Tlv<'_>>) -> Result<Curve, DerError> {
    match params {
        Some(t) if t.tag == der::OID => Ok(Curve::from_oid(&der::oid_string(t.content)?)),
        Some(t) if t.tag == der::SEQUENCE => Ok(Curve::Other("explicit parameters".to_owned())),
        _ => Err(DerError("EC key without curve")),
    }
}

fn prime_bits(params: Option<der::Tlv<'_>>) -> Option<u32> {
    let params = params.filter(|t| t.tag == der::SEQUENCE)?;
    let p = Reader::new(params.content).expect(der::INTEGER).ok()?;
    Some(der::uint_bits(p))
}

/// The uncompressed public point of an EC private key in PKCS#8, computed by aws-lc.
fn derive_ec_public(curve: &Curve, pkcs8: &[u8]) -> Option<Vec<u8>> {
    let alg = match curve {
        Curve::P256 => &ECDSA_P256_SHA256_ASN1_SIGNING,
        Curve::P384 => &ECDSA_P384_SHA384_ASN1_SIGNING,
        Curve::P521 => &ECDSA_P521_SHA512_ASN1_SIGNING,
        _ => return None,
    };
    let pair = EcdsaKeyPair::from_pkcs8(alg, pkcs8).ok()?;
    Some(pair.public_key().as_ref().to_vec())
}

fn x25519_public(private: &[u8]) -> Option<Vec<u8>> {
    use aws_lc_rs::agreement::{PrivateKey, X25519 as X25519_ALG};
    let seed = Reader::new(private).expect(der::OCTET_STRING).ok()?;
    let key = PrivateKey::from_private_key(&X25519_ALG, seed).ok()?;
    let public = key.compute_public_key().ok()?;
    Some(public.as_ref().to_vec())
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
    fn generated_keys_are_recognised_with_their_public_key() {
        use aws_lc_rs::encoding::AsDer;
        use aws_lc_rs::rand::SystemRandom;
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P384_SHA384_ASN1_SIGNING, &rng).unwrap();
        let facts = from_pkcs8(pkcs8.as_ref()).unwrap();
        assert_eq!(facts.alg, KeyAlg::Ec(Some(Curve::P384)));
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P384_SHA384_ASN1_SIGNING, pkcs8.as_ref()).unwrap();
        let expected = aws_lc_rs::encoding::AsDer::<aws_lc_rs::encoding::PublicKeyX509Der>::as_der(
            pair.public_key(),
        )
        .unwrap();
        assert_eq!(facts.spki.as_deref(), Some(expected.as_ref()));
        let public = from_spki(expected.as_ref()).unwrap();
        assert_eq!(public.alg, facts.alg);
        assert!(public.pkcs8.is_none());

        let ed = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let facts = from_pkcs8(ed.as_ref()).unwrap();
        assert_eq!(facts.alg, KeyAlg::Ed25519);
        let pair = Ed25519KeyPair::from_pkcs8(ed.as_ref()).unwrap();
        let expected = pair.public_key().as_der().unwrap();
        assert_eq!(facts.spki.as_deref(), Some(expected.as_ref()));
        assert_eq!(facts.alg.import_name().as_deref(), Some("ed25519"));
    }

    #[test]
    fn garbage_is_an_error() {
        for bad in [&b""[..], b"\x30\x03\x02\x01\x00", b"hello world"] {
            assert!(from_pkcs8(bad).is_err());
            assert!(from_spki(bad).is_err());
            assert!(from_sec1(bad).is_err());
            assert!(from_rsa_private(bad).is_err());
        }
    }
}
