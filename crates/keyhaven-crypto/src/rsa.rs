//! RSA keys: OAEP (SHA-256, MGF1-SHA-256) encryption and PSS / PKCS#1 v1.5 signatures.

use std::sync::Arc;

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{
    KeyPair, KeySize, OaepPrivateDecryptingKey, OaepPublicEncryptingKey, PrivateDecryptingKey,
    OAEP_SHA256_MGF1SHA256,
};
use aws_lc_rs::signature::{
    self as sig, KeyPair as _, RsaEncoding, RsaParameters, UnparsedPublicKey,
};
use keyhaven_core::{
    CryptoError, GeneratedKey, KeyAlgorithm, KeyHandle, SecretBytes, SignInput, SignatureScheme,
};
use zeroize::Zeroize;

use crate::error::{bad_material, check_digest_len, check_scheme, internal, wrong_family};
use crate::export::pkcs8_and_spki;

/// aws-lc key size and modulus length in bits.
fn params(alg: KeyAlgorithm) -> Result<(KeySize, usize), CryptoError> {
    match alg {
        KeyAlgorithm::Rsa2048 => Ok((KeySize::Rsa2048, 2048)),
        KeyAlgorithm::Rsa3072 => Ok((KeySize::Rsa3072, 3072)),
        KeyAlgorithm::Rsa4096 => Ok((KeySize::Rsa4096, 4096)),
        _ => Err(wrong_family(alg, "rsa")),
    }
}

/// Padding for signing, parameters for verification and hash of a scheme.
struct SchemeParams {
    signing: &'static dyn RsaEncoding,
    verification: &'static RsaParameters,
    hash: &'static digest::Algorithm,
}

fn scheme_params(scheme: SignatureScheme) -> Option<SchemeParams> {
    let (signing, verification, hash): (&'static dyn RsaEncoding, _, _) = match scheme {
        SignatureScheme::RsaPssSha256 => (
            &sig::RSA_PSS_SHA256,
            &sig::RSA_PSS_2048_8192_SHA256,
            &digest::SHA256,
        ),
        SignatureScheme::RsaPssSha384 => (
            &sig::RSA_PSS_SHA384,
            &sig::RSA_PSS_2048_8192_SHA384,
            &digest::SHA384,
        ),
        SignatureScheme::RsaPssSha512 => (
            &sig::RSA_PSS_SHA512,
            &sig::RSA_PSS_2048_8192_SHA512,
            &digest::SHA512,
        ),
        SignatureScheme::RsaPkcs1Sha256 => (
            &sig::RSA_PKCS1_SHA256,
            &sig::RSA_PKCS1_2048_8192_SHA256,
            &digest::SHA256,
        ),
        SignatureScheme::RsaPkcs1Sha384 => (
            &sig::RSA_PKCS1_SHA384,
            &sig::RSA_PKCS1_2048_8192_SHA384,
            &digest::SHA384,
        ),
        SignatureScheme::RsaPkcs1Sha512 => (
            &sig::RSA_PKCS1_SHA512,
            &sig::RSA_PKCS1_2048_8192_SHA512,
            &digest::SHA512,
        ),
        _ => return None,
    };
    Some(SchemeParams {
        signing,
        verification,
        hash,
    })
}

/// Generates a key pair; material is PKCS#8 v1 DER, the public key SubjectPublicKeyInfo DER.
pub(crate) fn generate(alg: KeyAlgorithm) -> Result<GeneratedKey, CryptoError> {
    let (size, _) = params(alg)?;
    let pair = KeyPair::generate(size).map_err(|_| internal("RSA key generation"))?;
    pkcs8_and_spki(&pair)
}

/// Accepts PKCS#8 DER of an RSA key of exactly the algorithm's size, re-encoded as PKCS#8 v1.
pub(crate) fn import(alg: KeyAlgorithm, material: &[u8]) -> Result<GeneratedKey, CryptoError> {
    let key = RsaKey::parse(alg, material)?;
    pkcs8_and_spki(&key.pair)
}

/// Parses stored material into a handle.
pub(crate) fn load(alg: KeyAlgorithm, material: &[u8]) -> Result<Arc<dyn KeyHandle>, CryptoError> {
    Ok(Arc::new(RsaKey::parse(alg, material)?))
}

/// An RSA key version: the private key parsed once for signing and once for OAEP decryption
/// (aws-lc cleanses both when freed), and the public key for encryption and verification.
struct RsaKey {
    alg: KeyAlgorithm,
    pair: KeyPair,
    decrypting: OaepPrivateDecryptingKey,
    encrypting: OaepPublicEncryptingKey,
    spki: Vec<u8>,
}

impl RsaKey {
    fn parse(alg: KeyAlgorithm, material: &[u8]) -> Result<RsaKey, CryptoError> {
        let (_, bits) = params(alg)?;
        let pair = KeyPair::from_pkcs8(material)
            .map_err(|e| bad_material(alg, format_args!("not a PKCS#8 RSA private key ({e})")))?;
        let private = PrivateDecryptingKey::from_pkcs8(material)
            .map_err(|e| bad_material(alg, format_args!("not a PKCS#8 RSA private key ({e})")))?;
        if private.key_size_bits() != bits || pair.public_modulus_len() * 8 != bits {
            return Err(bad_material(
                alg,
                format_args!(
                    "expected a {bits}-bit modulus, got {} bits",
                    private.key_size_bits()
                ),
            ));
        }
        let encrypting = OaepPublicEncryptingKey::new(private.public_key())
            .map_err(|_| internal("RSA-OAEP public key setup"))?;
        let decrypting =
            OaepPrivateDecryptingKey::new(private).map_err(|_| internal("RSA-OAEP key setup"))?;
        let spki = AsDer::<PublicKeyX509Der>::as_der(pair.public_key())
            .map_err(|_| internal("public key encoding"))?
            .as_ref()
            .to_vec();
        Ok(RsaKey {
            alg,
            pair,
            decrypting,
            encrypting,
            spki,
        })
    }

    fn scheme(&self, scheme: SignatureScheme) -> Result<SchemeParams, CryptoError> {
        check_scheme(self.alg, scheme)?;
        scheme_params(scheme).ok_or_else(|| internal("RSA scheme lookup"))
    }
}

fn label(aad: &[u8]) -> Option<&[u8]> {
    (!aad.is_empty()).then_some(aad)
}

impl KeyHandle for RsaKey {
    fn algorithm(&self) -> KeyAlgorithm {
        self.alg
    }

    fn encrypt(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let max = self.encrypting.max_plaintext_size(&OAEP_SHA256_MGF1SHA256);
        if plaintext.len() > max {
            return Err(CryptoError::InvalidInput(format!(
                "plaintext too long for {} RSA-OAEP-SHA-256: {} bytes, at most {max}",
                self.alg,
                plaintext.len()
            )));
        }
        let mut out = vec![0u8; self.encrypting.ciphertext_size()];
        let len = self
            .encrypting
            .encrypt(&OAEP_SHA256_MGF1SHA256, plaintext, &mut out, label(aad))
            .map_err(|_| internal("RSA-OAEP encryption"))?
            .len();
        out.truncate(len);
        Ok(out)
    }

    fn decrypt(&self, ciphertext: &[u8], aad: &[u8]) -> Result<SecretBytes, CryptoError> {
        let expected = self.decrypting.key_size_bytes();
        if ciphertext.len() != expected {
            return Err(CryptoError::InvalidInput(format!(
                "{} RSA-OAEP ciphertext must be {expected} bytes, got {}",
                self.alg,
                ciphertext.len()
            )));
        }
        let mut out = vec![0u8; self.decrypting.min_output_size()];
        let opened = self
            .decrypting
            .decrypt(&OAEP_SHA256_MGF1SHA256, ciphertext, &mut out, label(aad))
            .map(|plaintext| plaintext.len());
        match opened {
            Ok(len) => {
                out.truncate(len);
                Ok(SecretBytes::new(out))
            }
            Err(_) => {
                out.zeroize();
                Err(CryptoError::AuthenticationFailed)
            }
        }
    }

    fn sign(&self, scheme: SignatureScheme, input: SignInput<'_>) -> Result<Vec<u8>, CryptoError> {
        let params = self.scheme(scheme)?;
        let mut signature = vec![0u8; self.pair.public_modulus_len()];
        match input {
            SignInput::Message(message) => self
                .pair
                .sign(
                    params.signing,
                    &SystemRandom::new(),
                    message,
                    &mut signature,
                )
                .map_err(|_| internal("RSA signing"))?,
            SignInput::Digest(digest) => {
                check_digest_len(scheme, digest)?;
                let digest = Digest::import_less_safe(digest, params.hash)
                    .map_err(|_| internal("digest import"))?;
                self.pair
                    .sign_digest(params.signing, &digest, &mut signature)
                    .map_err(|_| internal("RSA digest signing"))?;
            }
        }
        Ok(signature)
    }

    fn verify(
        &self,
        scheme: SignatureScheme,
        input: SignInput<'_>,
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        let params = self.scheme(scheme)?;
        let public = UnparsedPublicKey::new(params.verification, &self.spki);
        Ok(match input {
            SignInput::Message(message) => public.verify(message, signature).is_ok(),
            SignInput::Digest(digest) => {
                check_digest_len(scheme, digest)?;
                let digest = Digest::import_less_safe(digest, params.hash)
                    .map_err(|_| internal("digest import"))?;
                public.verify_digest(&digest, signature).is_ok()
            }
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
    use crate::testutil::{
        assert_unsupported, digest_for, load_shared, schemes_for, shared, ALL_SCHEMES,
    };
    use keyhaven_core::Operation;

    const ALGS: [KeyAlgorithm; 3] = [
        KeyAlgorithm::Rsa2048,
        KeyAlgorithm::Rsa3072,
        KeyAlgorithm::Rsa4096,
    ];

    #[test]
    fn oaep_round_trip_with_and_without_label() {
        for alg in ALGS {
            let key = load_shared(alg);
            for aad in [&b""[..], b"label"] {
                for plaintext in [&b""[..], b"a data key of 32 bytes, say....."] {
                    let ct = key.encrypt(plaintext, aad).unwrap();
                    assert_eq!(ct.len() * 8, params(alg).unwrap().1);
                    assert_eq!(key.decrypt(&ct, aad).unwrap().expose(), plaintext, "{alg}");
                }
            }
        }
    }

    #[test]
    fn oaep_plaintext_limit() {
        let key = load_shared(KeyAlgorithm::Rsa2048);
        let max = 256 - 2 * 32 - 2;
        let ct = key.encrypt(&vec![1u8; max], b"").unwrap();
        assert_eq!(
            key.decrypt(&ct, b"").unwrap().expose(),
            vec![1u8; max].as_slice()
        );
        assert!(matches!(
            key.encrypt(&vec![1u8; max + 1], b""),
            Err(CryptoError::InvalidInput(_))
        ));
    }

    #[test]
    fn oaep_negative_cases() {
        let key = load_shared(KeyAlgorithm::Rsa2048);
        let ct = key.encrypt(b"secret", b"label").unwrap();
        let mut tampered = ct.clone();
        tampered[100] ^= 0x40;
        assert_eq!(
            key.decrypt(&tampered, b"label").err(),
            Some(CryptoError::AuthenticationFailed)
        );
        assert_eq!(
            key.decrypt(&ct, b"other").err(),
            Some(CryptoError::AuthenticationFailed)
        );
        assert_eq!(
            key.decrypt(&ct, b"").err(),
            Some(CryptoError::AuthenticationFailed)
        );
        // Another key of the same size.
        let other = load(
            KeyAlgorithm::Rsa2048,
            generate(KeyAlgorithm::Rsa2048).unwrap().material.expose(),
        )
        .unwrap();
        assert_eq!(
            other.decrypt(&ct, b"label").err(),
            Some(CryptoError::AuthenticationFailed)
        );
        // Garbage of the right length, and wrong lengths.
        assert_eq!(
            key.decrypt(&[0xffu8; 256], b"").err(),
            Some(CryptoError::AuthenticationFailed)
        );
        assert_eq!(
            key.decrypt(&[0x00u8; 256], b"").err(),
            Some(CryptoError::AuthenticationFailed)
        );
        for len in [0, 1, 255, 257, 512] {
            assert!(matches!(
                key.decrypt(&vec![1u8; len], b""),
                Err(CryptoError::InvalidInput(_))
            ));
        }
    }

    #[test]
    fn sign_verify_every_scheme_message_and_digest() {
        let message = b"pay Bob 10 coins";
        for alg in ALGS {
            let key = load_shared(alg);
            let schemes = schemes_for(alg);
            assert_eq!(schemes.len(), 6);
            for scheme in schemes {
                let by_message = key.sign(scheme, SignInput::Message(message)).unwrap();
                assert_eq!(by_message.len() * 8, params(alg).unwrap().1);
                let digest = digest_for(scheme, message);
                let by_digest = key.sign(scheme, SignInput::Digest(&digest)).unwrap();
                for signature in [&by_message, &by_digest] {
                    // A signature made either way verifies either way.
                    assert!(
                        key.verify(scheme, SignInput::Message(message), signature)
                            .unwrap(),
                        "{alg} {scheme:?}"
                    );
                    assert!(
                        key.verify(scheme, SignInput::Digest(&digest), signature)
                            .unwrap(),
                        "{alg} {scheme:?}"
                    );
                    assert!(!key
                        .verify(scheme, SignInput::Message(b"pay Bob 99 coins"), signature)
                        .unwrap());
                    let other_digest = digest_for(scheme, b"pay Bob 99 coins");
                    assert!(!key
                        .verify(scheme, SignInput::Digest(&other_digest), signature)
                        .unwrap());
                    let mut flipped = signature.clone();
                    flipped[7] ^= 1;
                    assert!(!key
                        .verify(scheme, SignInput::Message(message), &flipped)
                        .unwrap());
                }
                if scheme.name().starts_with("rsa-pkcs1") {
                    // PKCS#1 v1.5 is deterministic.
                    assert_eq!(by_message, by_digest);
                }
            }
        }
    }

    #[test]
    fn schemes_are_not_interchangeable() {
        let key = load_shared(KeyAlgorithm::Rsa2048);
        let pss = key
            .sign(SignatureScheme::RsaPssSha256, SignInput::Message(b"m"))
            .unwrap();
        assert!(!key
            .verify(
                SignatureScheme::RsaPkcs1Sha256,
                SignInput::Message(b"m"),
                &pss
            )
            .unwrap());
        assert!(!key
            .verify(
                SignatureScheme::RsaPssSha384,
                SignInput::Message(b"m"),
                &pss
            )
            .unwrap());
    }

    #[test]
    fn garbage_signatures_verify_false() {
        let key = load_shared(KeyAlgorithm::Rsa2048);
        for signature in [
            &[][..],
            &[0u8; 1],
            &[0u8; 256],
            &[0xffu8; 256],
            &[0u8; 4096],
        ] {
            for scheme in schemes_for(KeyAlgorithm::Rsa2048) {
                assert!(!key
                    .verify(scheme, SignInput::Message(b"m"), signature)
                    .unwrap());
            }
        }
    }

    #[test]
    fn bad_digest_length_and_unfit_scheme() {
        let key = load_shared(KeyAlgorithm::Rsa2048);
        for (scheme, len) in [
            (SignatureScheme::RsaPssSha256, 31),
            (SignatureScheme::RsaPkcs1Sha384, 32),
            (SignatureScheme::RsaPssSha512, 0),
        ] {
            let digest = vec![1u8; len];
            assert!(matches!(
                key.sign(scheme, SignInput::Digest(&digest)),
                Err(CryptoError::InvalidInput(_))
            ));
            assert!(matches!(
                key.verify(scheme, SignInput::Digest(&digest), &[0u8; 256]),
                Err(CryptoError::InvalidInput(_))
            ));
        }
        for scheme in ALL_SCHEMES
            .into_iter()
            .filter(|s| !s.fits(KeyAlgorithm::Rsa2048))
        {
            assert!(matches!(
                key.sign(scheme, SignInput::Message(b"m")),
                Err(CryptoError::Unsupported(_))
            ));
            assert!(matches!(
                key.verify(scheme, SignInput::Message(b"m"), &[0u8; 256]),
                Err(CryptoError::Unsupported(_))
            ));
        }
    }

    #[test]
    fn other_operations_are_unsupported() {
        let key = load_shared(KeyAlgorithm::Rsa3072);
        assert_unsupported(
            key.as_ref(),
            &[
                Operation::MacGenerate,
                Operation::MacVerify,
                Operation::Encapsulate,
                Operation::Decapsulate,
            ],
        );
    }

    #[test]
    fn import_checks_size_and_normalises() {
        let k2048 = shared(KeyAlgorithm::Rsa2048);
        let imported = import(KeyAlgorithm::Rsa2048, k2048.material.expose()).unwrap();
        assert_eq!(imported.material, k2048.material);
        assert_eq!(imported.public_key, k2048.public_key);
        // A 2048-bit key is not an RSA-3072 or RSA-4096 key, and vice versa.
        for alg in [KeyAlgorithm::Rsa3072, KeyAlgorithm::Rsa4096] {
            assert!(matches!(
                import(alg, k2048.material.expose()),
                Err(CryptoError::InvalidKeyMaterial(_))
            ));
        }
        assert!(matches!(
            import(
                KeyAlgorithm::Rsa2048,
                shared(KeyAlgorithm::Rsa4096).material.expose()
            ),
            Err(CryptoError::InvalidKeyMaterial(_))
        ));
        // An EC key is not an RSA key.
        assert!(matches!(
            import(
                KeyAlgorithm::Rsa2048,
                shared(KeyAlgorithm::EcP256).material.expose()
            ),
            Err(CryptoError::InvalidKeyMaterial(_))
        ));
        // Truncated PKCS#8.
        let truncated = &k2048.material.expose()[..k2048.material.len() - 10];
        assert!(matches!(
            import(KeyAlgorithm::Rsa2048, truncated),
            Err(CryptoError::InvalidKeyMaterial(_))
        ));
    }
}
