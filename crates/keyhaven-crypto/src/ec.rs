//! ECDSA keys on the NIST curves, ASN.1/DER signatures.

use std::sync::Arc;

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self as sig, EcdsaKeyPair, EcdsaSigningAlgorithm, EcdsaVerificationAlgorithm, KeyPair as _,
    ParsedPublicKey,
};
use keyhaven_core::{
    CryptoError, GeneratedKey, KeyAlgorithm, KeyHandle, SecretBytes, SignInput, SignatureScheme,
};

use crate::error::{bad_material, check_digest_len, check_scheme, internal, wrong_family};

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

/// An ECDSA key version; the private scalar lives inside aws-lc.
struct EcKey {
    alg: KeyAlgorithm,
    pair: EcdsaKeyPair,
    public: ParsedPublicKey,
    hash: &'static digest::Algorithm,
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
        let public = ParsedPublicKey::new(verification, pair.public_key().as_ref())
            .map_err(|_| internal("EC public key parsing"))?;
        Ok(EcKey {
            alg,
            pair,
            public,
            hash,
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
    use keyhaven_core::Operation;

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
}
