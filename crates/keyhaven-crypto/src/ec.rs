//! ECDSA keys on the NIST curves, ASN.1/DER signatures, with the hash chosen by caller
//! parameters where aws-lc offers the (curve, hash) pair, and verify-only public-key handles.

use std::sync::Arc;

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self as sig, EcdsaKeyPair, EcdsaSigningAlgorithm, EcdsaVerificationAlgorithm, KeyPair as _,
    ParsedPublicKey, UnparsedPublicKey,
};
use keyhaven_core::cipher::{HashAlgorithm, SignParams};
use keyhaven_core::{
    CryptoError, GeneratedKey, KeyAlgorithm, KeyHandle, Operation, SecretBytes, SignInput,
    SignatureScheme,
};
use zeroize::Zeroizing;

use crate::error::{bad_material, check_digest_len, check_scheme, internal, wrong_family};
use crate::kdf::import_digest;

/// Signing and verification algorithms and the hash of a curve's one scheme.
fn params(
    alg: KeyAlgorithm,
) -> Result<
    (
        &'static EcdsaSigningAlgorithm,
        &'static EcdsaVerificationAlgorithm,
        &'static digest::Algorithm,
    ),
    CryptoError,
> {
    match alg {
        KeyAlgorithm::EcP256 => Ok((
            &sig::ECDSA_P256_SHA256_ASN1_SIGNING,
            &sig::ECDSA_P256_SHA256_ASN1,
            &digest::SHA256,
        )),
        KeyAlgorithm::EcP384 => Ok((
            &sig::ECDSA_P384_SHA384_ASN1_SIGNING,
            &sig::ECDSA_P384_SHA384_ASN1,
            &digest::SHA384,
        )),
        KeyAlgorithm::EcP521 => Ok((
            &sig::ECDSA_P521_SHA512_ASN1_SIGNING,
            &sig::ECDSA_P521_SHA512_ASN1,
            &digest::SHA512,
        )),
        _ => Err(wrong_family(alg, "ec")),
    }
}

/// Generates a key pair; material is PKCS#8 v1 DER, the public key SubjectPublicKeyInfo DER.
pub(crate) fn generate(alg: KeyAlgorithm) -> Result<GeneratedKey, CryptoError> {
    let (signing, _, _) = params(alg)?;
    let pair = EcdsaKeyPair::generate(signing).map_err(|_| internal("EC key generation"))?;
    export(&pair)
}

/// Accepts PKCS#8 DER of a key on the algorithm's curve, re-encoded as PKCS#8 v1.
pub(crate) fn import(alg: KeyAlgorithm, material: &[u8]) -> Result<GeneratedKey, CryptoError> {
    let key = EcKey::parse(alg, material)?;
    export(&key.pair)
}

/// Parses stored material into a handle.
pub(crate) fn load(alg: KeyAlgorithm, material: &[u8]) -> Result<Arc<dyn KeyHandle>, CryptoError> {
    Ok(Arc::new(EcKey::parse(alg, material)?))
}

fn export(pair: &EcdsaKeyPair) -> Result<GeneratedKey, CryptoError> {
    let pkcs8 = pair.to_pkcs8v1().map_err(|_| internal("PKCS#8 encoding"))?;
    let spki = AsDer::<PublicKeyX509Der>::as_der(pair.public_key())
        .map_err(|_| internal("public key encoding"))?;
    Ok(GeneratedKey {
        material: SecretBytes::from_slice(pkcs8.as_ref()),
        public_key: Some(spki.as_ref().to_vec()),
    })
}

/// An ECDSA key version; the private scalar lives inside aws-lc. The PKCS#8 material is kept
/// (zeroized on drop) to sign with a non-default hash, which aws-lc binds at parse time.
struct EcKey {
    alg: KeyAlgorithm,
    pair: EcdsaKeyPair,
    public: ParsedPublicKey,
    hash: &'static digest::Algorithm,
    material: Zeroizing<Vec<u8>>,
    point: Vec<u8>,
}

impl EcKey {
    fn parse(alg: KeyAlgorithm, material: &[u8]) -> Result<EcKey, CryptoError> {
        let (signing, verification, hash) = params(alg)?;
        let pair = EcdsaKeyPair::from_pkcs8(signing, material).map_err(|e| {
            bad_material(
                alg,
                format_args!("not a PKCS#8 private key on this curve ({e})"),
            )
        })?;
        let point = pair.public_key().as_ref().to_vec();
        let public = ParsedPublicKey::new(verification, &point)
            .map_err(|_| internal("EC public key parsing"))?;
        Ok(EcKey {
            alg,
            pair,
            public,
            hash,
            material: Zeroizing::new(material.to_vec()),
            point,
        })
    }

    fn digest(&self, scheme: SignatureScheme, digest: &[u8]) -> Result<Digest, CryptoError> {
        check_digest_len(scheme, digest)?;
        Digest::import_less_safe(digest, self.hash).map_err(|_| internal("digest import"))
    }
}

impl KeyHandle for EcKey {
    fn algorithm(&self) -> KeyAlgorithm {
        self.alg
    }

    fn sign(&self, scheme: SignatureScheme, input: SignInput<'_>) -> Result<Vec<u8>, CryptoError> {
        check_scheme(self.alg, scheme)?;
        let signature = match input {
            SignInput::Message(message) => self.pair.sign(&SystemRandom::new(), message),
            SignInput::Digest(digest) => self.pair.sign_digest(&self.digest(scheme, digest)?),
        }
        .map_err(|_| internal("ECDSA signing"))?;
        Ok(signature.as_ref().to_vec())
    }

    fn verify(
        &self,
        scheme: SignatureScheme,
        input: SignInput<'_>,
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        check_scheme(self.alg, scheme)?;
        Ok(match input {
            SignInput::Message(message) => self.public.verify_sig(message, signature).is_ok(),
            SignInput::Digest(digest) => self
                .public
                .verify_digest_sig(&self.digest(scheme, digest)?, signature)
                .is_ok(),
        })
    }

    fn sign_with(&self, params: &SignParams, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let hash = ecdsa_hash(self.alg, params)?;
        let signing = signing_alg(self.alg, hash)?;
        let reparsed;
        let pair = if hash == curve_hash(self.alg) {
            &self.pair
        } else {
            reparsed = EcdsaKeyPair::from_pkcs8(signing, &self.material)
                .map_err(|_| internal("EC key setup"))?;
            &reparsed
        };
        let signature = if params.prehashed {
            pair.sign_digest(&import_digest(hash, data)?)
        } else {
            pair.sign(&SystemRandom::new(), data)
        }
        .map_err(|_| internal("ECDSA signing"))?;
        Ok(signature.as_ref().to_vec())
    }

    fn verify_with(
        &self,
        params: &SignParams,
        data: &[u8],
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        verify_with(self.alg, &self.point, params, data, signature)
    }
}

/// The hash of an ECDSA operation: the caller's, or the curve's own; ECDSA takes no padding,
/// salt or MGF1 hash.
fn ecdsa_hash(alg: KeyAlgorithm, params: &SignParams) -> Result<HashAlgorithm, CryptoError> {
    if params.padding.is_some() || params.salt_len.is_some() || params.mgf1_hash.is_some() {
        return Err(CryptoError::InvalidInput(
            "ECDSA takes no padding, salt length or MGF1 hash".to_owned(),
        ));
    }
    Ok(params.hash.unwrap_or(curve_hash(alg)))
}

/// The hash the curve signs with by default (and the one `EcKey::pair` is bound to).
fn curve_hash(alg: KeyAlgorithm) -> HashAlgorithm {
    match alg {
        KeyAlgorithm::EcP384 => HashAlgorithm::Sha384,
        KeyAlgorithm::EcP521 => HashAlgorithm::Sha512,
        _ => HashAlgorithm::Sha256,
    }
}

/// The (curve, hash) pairs aws-lc signs with: P-256 with SHA-256; P-384 with SHA-384 and
/// SHA3-384; P-521 with SHA-224, SHA-256, SHA-384, SHA-512 and SHA3-512.
fn signing_alg(
    alg: KeyAlgorithm,
    hash: HashAlgorithm,
) -> Result<&'static EcdsaSigningAlgorithm, CryptoError> {
    use HashAlgorithm as H;
    use KeyAlgorithm as K;
    Ok(match (alg, hash) {
        (K::EcP256, H::Sha256) => &sig::ECDSA_P256_SHA256_ASN1_SIGNING,
        (K::EcP384, H::Sha384) => &sig::ECDSA_P384_SHA384_ASN1_SIGNING,
        (K::EcP384, H::Sha3_384) => &sig::ECDSA_P384_SHA3_384_ASN1_SIGNING,
        (K::EcP521, H::Sha224) => &sig::ECDSA_P521_SHA224_ASN1_SIGNING,
        (K::EcP521, H::Sha256) => &sig::ECDSA_P521_SHA256_ASN1_SIGNING,
        (K::EcP521, H::Sha384) => &sig::ECDSA_P521_SHA384_ASN1_SIGNING,
        (K::EcP521, H::Sha512) => &sig::ECDSA_P521_SHA512_ASN1_SIGNING,
        (K::EcP521, H::Sha3_512) => &sig::ECDSA_P521_SHA3_512_ASN1_SIGNING,
        _ => {
            return Err(CryptoError::Unsupported(format!(
                "{alg} keys do not sign with {hash}"
            )))
        }
    })
}

/// The (curve, hash) pairs aws-lc verifies: signing's, plus P-256 with SHA-1, SHA-384 and
/// SHA-512, P-384 with SHA-256 and SHA-512, P-521 with SHA-1 (legacy signatures).
fn verification_alg(
    alg: KeyAlgorithm,
    hash: HashAlgorithm,
) -> Result<&'static EcdsaVerificationAlgorithm, CryptoError> {
    use HashAlgorithm as H;
    use KeyAlgorithm as K;
    Ok(match (alg, hash) {
        (K::EcP256, H::Sha1) => &sig::ECDSA_P256_SHA1_ASN1,
        (K::EcP256, H::Sha256) => &sig::ECDSA_P256_SHA256_ASN1,
        (K::EcP256, H::Sha384) => &sig::ECDSA_P256_SHA384_ASN1,
        (K::EcP256, H::Sha512) => &sig::ECDSA_P256_SHA512_ASN1,
        (K::EcP384, H::Sha256) => &sig::ECDSA_P384_SHA256_ASN1,
        (K::EcP384, H::Sha384) => &sig::ECDSA_P384_SHA384_ASN1,
        (K::EcP384, H::Sha512) => &sig::ECDSA_P384_SHA512_ASN1,
        (K::EcP384, H::Sha3_384) => &sig::ECDSA_P384_SHA3_384_ASN1,
        (K::EcP521, H::Sha1) => &sig::ECDSA_P521_SHA1_ASN1,
        (K::EcP521, H::Sha224) => &sig::ECDSA_P521_SHA224_ASN1,
        (K::EcP521, H::Sha256) => &sig::ECDSA_P521_SHA256_ASN1,
        (K::EcP521, H::Sha384) => &sig::ECDSA_P521_SHA384_ASN1,
        (K::EcP521, H::Sha512) => &sig::ECDSA_P521_SHA512_ASN1,
        (K::EcP521, H::Sha3_512) => &sig::ECDSA_P521_SHA3_512_ASN1,
        _ => {
            return Err(CryptoError::Unsupported(format!(
                "{alg} signatures with {hash} cannot be verified here"
            )))
        }
    })
}

/// Caller-framed ECDSA verification against a public key (SEC 1 point or SPKI DER).
fn verify_with(
    alg: KeyAlgorithm,
    public: &[u8],
    params: &SignParams,
    data: &[u8],
    signature: &[u8],
) -> Result<bool, CryptoError> {
    let hash = ecdsa_hash(alg, params)?;
    let key = UnparsedPublicKey::new(verification_alg(alg, hash)?, public);
    Ok(if params.prehashed {
        key.verify_digest(&import_digest(hash, data)?, signature)
            .is_ok()
    } else {
        key.verify(data, signature).is_ok()
    })
}

/// Parses a SubjectPublicKeyInfo on the algorithm's curve into a verify-only handle.
pub(crate) fn load_public(
    alg: KeyAlgorithm,
    spki: &[u8],
) -> Result<Arc<dyn KeyHandle>, CryptoError> {
    let (_, verification, hash) = params(alg)?;
    let public = ParsedPublicKey::new(verification, spki)
        .map_err(|e| bad_material(alg, format_args!("not a public key on this curve ({e})")))?;
    Ok(Arc::new(EcPublicKey {
        alg,
        public,
        hash,
        spki: spki.to_vec(),
    }))
}

/// An ECDSA public key alone: verification only.
struct EcPublicKey {
    alg: KeyAlgorithm,
    public: ParsedPublicKey,
    hash: &'static digest::Algorithm,
    spki: Vec<u8>,
}

impl EcPublicKey {
    fn public_only(&self, op: Operation) -> CryptoError {
        CryptoError::Unsupported(format!(
            "{} public keys cannot {}: it needs the private key",
            self.alg,
            op.name()
        ))
    }
}

impl KeyHandle for EcPublicKey {
    fn algorithm(&self) -> KeyAlgorithm {
        self.alg
    }

    fn sign(&self, _: SignatureScheme, _: SignInput<'_>) -> Result<Vec<u8>, CryptoError> {
        Err(self.public_only(Operation::Sign))
    }

    fn verify(
        &self,
        scheme: SignatureScheme,
        input: SignInput<'_>,
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        check_scheme(self.alg, scheme)?;
        Ok(match input {
            SignInput::Message(message) => self.public.verify_sig(message, signature).is_ok(),
            SignInput::Digest(digest) => {
                check_digest_len(scheme, digest)?;
                let digest = Digest::import_less_safe(digest, self.hash)
                    .map_err(|_| internal("digest import"))?;
                self.public.verify_digest_sig(&digest, signature).is_ok()
            }
        })
    }

    fn sign_with(&self, _: &SignParams, _: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Err(self.public_only(Operation::Sign))
    }

    fn verify_with(
        &self,
        params: &SignParams,
        data: &[u8],
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        verify_with(self.alg, &self.spki, params, data, signature)
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;
    use crate::testutil::{assert_unsupported, digest_for, load_fresh, schemes_for, ALL_SCHEMES};

    const ALGS: [KeyAlgorithm; 3] = [
        KeyAlgorithm::EcP256,
        KeyAlgorithm::EcP384,
        KeyAlgorithm::EcP521,
    ];

    #[test]
    fn sign_verify_message_and_digest() {
        let message = b"the quick brown fox";
        for alg in ALGS {
            let (_, key) = load_fresh(alg);
            let (_, other) = load_fresh(alg);
            let schemes = schemes_for(alg);
            assert_eq!(schemes, vec![SignatureScheme::default_for(alg).unwrap()]);
            for scheme in schemes {
                let digest = digest_for(scheme, message);
                let by_message = key.sign(scheme, SignInput::Message(message)).unwrap();
                let by_digest = key.sign(scheme, SignInput::Digest(&digest)).unwrap();
                for signature in [&by_message, &by_digest] {
                    assert_eq!(signature[0], 0x30, "DER SEQUENCE");
                    assert!(
                        key.verify(scheme, SignInput::Message(message), signature)
                            .unwrap(),
                        "{alg}"
                    );
                    assert!(
                        key.verify(scheme, SignInput::Digest(&digest), signature)
                            .unwrap(),
                        "{alg}"
                    );
                    assert!(!key
                        .verify(
                            scheme,
                            SignInput::Message(b"the quick brown cat"),
                            signature
                        )
                        .unwrap());
                    assert!(!other
                        .verify(scheme, SignInput::Message(message), signature)
                        .unwrap());
                    let mut flipped = signature.clone();
                    let last = flipped.len() - 1;
                    flipped[last] ^= 1;
                    assert!(!key
                        .verify(scheme, SignInput::Message(message), &flipped)
                        .unwrap());
                }
                for garbage in [&[][..], &[0u8; 8], &[0x30, 0x00], &[0xffu8; 200]] {
                    assert!(!key
                        .verify(scheme, SignInput::Message(message), garbage)
                        .unwrap());
                    assert!(!key
                        .verify(scheme, SignInput::Digest(&digest), garbage)
                        .unwrap());
                }
                let short = vec![0u8; digest.len() - 1];
                assert!(matches!(
                    key.sign(scheme, SignInput::Digest(&short)),
                    Err(CryptoError::InvalidInput(_))
                ));
                assert!(matches!(
                    key.verify(scheme, SignInput::Digest(&short), &by_message),
                    Err(CryptoError::InvalidInput(_))
                ));
            }
            for scheme in ALL_SCHEMES.into_iter().filter(|s| !s.fits(alg)) {
                assert!(matches!(
                    key.sign(scheme, SignInput::Message(message)),
                    Err(CryptoError::Unsupported(_))
                ));
                assert!(matches!(
                    key.verify(scheme, SignInput::Message(message), &[0u8; 8]),
                    Err(CryptoError::Unsupported(_))
                ));
            }
        }
    }

    #[test]
    fn other_operations_are_unsupported() {
        for alg in ALGS {
            let (_, key) = load_fresh(alg);
            assert_unsupported(
                key.as_ref(),
                &[
                    Operation::Encrypt,
                    Operation::Decrypt,
                    Operation::MacGenerate,
                    Operation::MacVerify,
                    Operation::Encapsulate,
                    Operation::Decapsulate,
                ],
            );
        }
    }

    #[test]
    fn import_round_trips_and_checks_the_curve() {
        for alg in ALGS {
            let generated = generate(alg).unwrap();
            let imported = import(alg, generated.material.expose()).unwrap();
            assert_eq!(imported.material, generated.material);
            assert_eq!(imported.public_key, generated.public_key);
            for other in ALGS.into_iter().filter(|a| *a != alg) {
                assert!(matches!(
                    import(other, generated.material.expose()),
                    Err(CryptoError::InvalidKeyMaterial(_))
                ));
            }
        }
    }

    use keyhaven_core::cipher::Padding;

    fn with_hash(hash: Option<HashAlgorithm>, prehashed: bool) -> SignParams {
        SignParams {
            hash,
            prehashed,
            ..Default::default()
        }
    }

    #[test]
    fn caller_framed_hashes_and_public_handles() {
        let message = b"kmip sign";
        for (alg, signs, verifies_only) in [
            (
                KeyAlgorithm::EcP256,
                vec![HashAlgorithm::Sha256],
                vec![HashAlgorithm::Sha384, HashAlgorithm::Sha512],
            ),
            (
                KeyAlgorithm::EcP384,
                vec![HashAlgorithm::Sha384, HashAlgorithm::Sha3_384],
                vec![HashAlgorithm::Sha256, HashAlgorithm::Sha512],
            ),
            (
                KeyAlgorithm::EcP521,
                vec![
                    HashAlgorithm::Sha256,
                    HashAlgorithm::Sha384,
                    HashAlgorithm::Sha512,
                    HashAlgorithm::Sha3_512,
                ],
                vec![],
            ),
        ] {
            let (generated, key) = load_fresh(alg);
            let public = load_public(alg, generated.public_key.as_ref().unwrap()).unwrap();
            assert_eq!(public.algorithm(), alg);
            // Default hash = the curve's; interoperates with the fixed-scheme API.
            let scheme = SignatureScheme::default_for(alg).unwrap();
            let sig = key.sign_with(&SignParams::default(), message).unwrap();
            assert!(key
                .verify(scheme, SignInput::Message(message), &sig)
                .unwrap());
            assert!(public
                .verify(scheme, SignInput::Message(message), &sig)
                .unwrap());
            let fixed = key.sign(scheme, SignInput::Message(message)).unwrap();
            assert!(public
                .verify_with(&SignParams::default(), message, &fixed)
                .unwrap());
            for hash in signs {
                for prehashed in [false, true] {
                    let data = if prehashed {
                        crate::kdf::digest(hash, message).unwrap()
                    } else {
                        message.to_vec()
                    };
                    let params = with_hash(Some(hash), prehashed);
                    let sig = key.sign_with(&params, &data).unwrap();
                    assert_eq!(sig[0], 0x30);
                    assert!(
                        key.verify_with(&params, &data, &sig).unwrap(),
                        "{alg} {hash}"
                    );
                    assert!(
                        public.verify_with(&params, &data, &sig).unwrap(),
                        "{alg} {hash}"
                    );
                    // Message and digest forms agree.
                    assert!(public
                        .verify_with(
                            &with_hash(Some(hash), !prehashed),
                            &if prehashed {
                                message.to_vec()
                            } else {
                                crate::kdf::digest(hash, message).unwrap()
                            },
                            &sig
                        )
                        .unwrap());
                    assert!(!public.verify_with(&params, b"other", &sig).unwrap_or(false));
                }
            }
            for hash in verifies_only {
                assert!(
                    matches!(
                        key.sign_with(&with_hash(Some(hash), false), message),
                        Err(CryptoError::Unsupported(_))
                    ),
                    "{alg} {hash}"
                );
                assert!(!public
                    .verify_with(&with_hash(Some(hash), false), message, &sig)
                    .unwrap());
            }
            assert!(matches!(
                key.sign_with(&with_hash(Some(HashAlgorithm::Sha1), false), message),
                Err(CryptoError::Unsupported(_))
            ));
            let padded = SignParams {
                padding: Some(Padding::Pss),
                ..Default::default()
            };
            assert!(matches!(
                key.sign_with(&padded, message),
                Err(CryptoError::InvalidInput(_))
            ));
            assert!(matches!(
                key.sign_with(&with_hash(None, true), &[0u8; 3]),
                Err(CryptoError::InvalidInput(_))
            ));
            // The public handle cannot sign; other curves' keys do not load.
            assert!(matches!(
                public.sign_with(&SignParams::default(), message),
                Err(CryptoError::Unsupported(_))
            ));
            assert!(matches!(
                public.sign(scheme, SignInput::Message(message)),
                Err(CryptoError::Unsupported(_))
            ));
            for other in ALGS.into_iter().filter(|a| *a != alg) {
                assert!(matches!(
                    load_public(other, generated.public_key.as_ref().unwrap()),
                    Err(CryptoError::InvalidKeyMaterial(_))
                ));
            }
        }
    }
}
