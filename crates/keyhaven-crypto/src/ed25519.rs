//! Ed25519 keys (pure EdDSA: messages only).

use std::sync::Arc;

use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair as _, ParsedPublicKey, ED25519};
use keyhaven_core::cipher::{HashAlgorithm, SignParams};
use keyhaven_core::{
    CryptoError, GeneratedKey, KeyAlgorithm, KeyHandle, SignInput, SignatureScheme,
};

use crate::error::{bad_material, check_scheme, internal, message_only, wrong_family};
use crate::export::pkcs8_and_spki;

fn check_alg(alg: KeyAlgorithm) -> Result<(), CryptoError> {
    if alg == KeyAlgorithm::Ed25519 {
        Ok(())
    } else {
        Err(wrong_family(alg, "ed25519"))
    }
}

/// Generates a key pair; material is PKCS#8 v1 DER (RFC 8410), the public key SPKI DER.
pub(crate) fn generate(alg: KeyAlgorithm) -> Result<GeneratedKey, CryptoError> {
    check_alg(alg)?;
    let pair = Ed25519KeyPair::generate().map_err(|_| internal("Ed25519 key generation"))?;
    pkcs8_and_spki(&pair)
}

/// Accepts PKCS#8 v1 or v2 DER (a v2 public key must match), re-encoded as PKCS#8 v1.
pub(crate) fn import(alg: KeyAlgorithm, material: &[u8]) -> Result<GeneratedKey, CryptoError> {
    let key = Ed25519Key::parse(alg, material)?;
    pkcs8_and_spki(&key.pair)
}

/// Parses stored material into a handle.
pub(crate) fn load(alg: KeyAlgorithm, material: &[u8]) -> Result<Arc<dyn KeyHandle>, CryptoError> {
    Ok(Arc::new(Ed25519Key::parse(alg, material)?))
}

/// An Ed25519 key version; the seed lives inside aws-lc.
struct Ed25519Key {
    pair: Ed25519KeyPair,
    public: ParsedPublicKey,
}

impl Ed25519Key {
    fn parse(alg: KeyAlgorithm, material: &[u8]) -> Result<Ed25519Key, CryptoError> {
        check_alg(alg)?;
        let pair = Ed25519KeyPair::from_pkcs8(material).map_err(|e| {
            bad_material(alg, format_args!("not a PKCS#8 Ed25519 private key ({e})"))
        })?;
        let public = ParsedPublicKey::new(&ED25519, pair.public_key().as_ref())
            .map_err(|_| internal("Ed25519 public key parsing"))?;
        Ok(Ed25519Key { pair, public })
    }
}

const ALG: KeyAlgorithm = KeyAlgorithm::Ed25519;

impl KeyHandle for Ed25519Key {
    fn algorithm(&self) -> KeyAlgorithm {
        ALG
    }

    fn sign(&self, scheme: SignatureScheme, input: SignInput<'_>) -> Result<Vec<u8>, CryptoError> {
        check_scheme(ALG, scheme)?;
        let message = message_only(ALG, input)?;
        let signature = self
            .pair
            .try_sign(message)
            .map_err(|_| internal("Ed25519 signing"))?;
        Ok(signature.as_ref().to_vec())
    }

    fn verify(
        &self,
        scheme: SignatureScheme,
        input: SignInput<'_>,
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        check_scheme(ALG, scheme)?;
        let message = message_only(ALG, input)?;
        Ok(self.public.verify_sig(message, signature).is_ok())
    }

    fn sign_with(&self, params: &SignParams, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        check_params(params)?;
        self.sign(SignatureScheme::Ed25519, SignInput::Message(data))
    }

    fn verify_with(
        &self,
        params: &SignParams,
        data: &[u8],
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        check_params(params)?;
        Ok(self.public.verify_sig(data, signature).is_ok())
    }
}

/// Ed25519 (pure) has no parameters: no padding or salt, no prehashing; SHA-512, its internal
/// hash, may be named.
fn check_params(params: &SignParams) -> Result<(), CryptoError> {
    if params.prehashed {
        return Err(CryptoError::Unsupported(
            "ed25519 keys sign messages only, not precomputed digests".to_owned(),
        ));
    }
    if params.padding.is_some()
        || params.salt_len.is_some()
        || params.mgf1_hash.is_some()
        || params.hash.is_some_and(|h| h != HashAlgorithm::Sha512)
    {
        return Err(CryptoError::InvalidInput(
            "Ed25519 takes no padding, salt, MGF1 hash or hash other than SHA-512".to_owned(),
        ));
    }
    Ok(())
}

/// Parses a SubjectPublicKeyInfo (or the raw 32-byte key) into a verify-only handle.
pub(crate) fn load_public(
    alg: KeyAlgorithm,
    spki: &[u8],
) -> Result<Arc<dyn KeyHandle>, CryptoError> {
    check_alg(alg)?;
    let public = ParsedPublicKey::new(&ED25519, spki)
        .map_err(|e| bad_material(alg, format_args!("not an Ed25519 public key ({e})")))?;
    Ok(Arc::new(Ed25519PublicKey { public }))
}

/// An Ed25519 public key alone: verification only.
struct Ed25519PublicKey {
    public: ParsedPublicKey,
}

impl KeyHandle for Ed25519PublicKey {
    fn algorithm(&self) -> KeyAlgorithm {
        ALG
    }

    fn sign(&self, _: SignatureScheme, _: SignInput<'_>) -> Result<Vec<u8>, CryptoError> {
        Err(public_only())
    }

    fn verify(
        &self,
        scheme: SignatureScheme,
        input: SignInput<'_>,
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        check_scheme(ALG, scheme)?;
        let message = message_only(ALG, input)?;
        Ok(self.public.verify_sig(message, signature).is_ok())
    }

    fn sign_with(&self, _: &SignParams, _: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Err(public_only())
    }

    fn verify_with(
        &self,
        params: &SignParams,
        data: &[u8],
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        check_params(params)?;
        Ok(self.public.verify_sig(data, signature).is_ok())
    }
}

fn public_only() -> CryptoError {
    CryptoError::Unsupported("ed25519 public keys cannot sign: it needs the private key".to_owned())
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, Pkcs8V2Der};

    use super::*;
    use crate::testutil::{assert_unsupported, load_fresh, ALL_SCHEMES};
    use keyhaven_core::Operation;

    const S: SignatureScheme = SignatureScheme::Ed25519;

    #[test]
    fn sign_verify_messages() {
        let (_, key) = load_fresh(ALG);
        let (_, other) = load_fresh(ALG);
        for message in [&b""[..], b"hello", &[0u8; 10_000]] {
            let signature = key.sign(S, SignInput::Message(message)).unwrap();
            assert_eq!(signature.len(), 64);
            // Deterministic.
            assert_eq!(signature, key.sign(S, SignInput::Message(message)).unwrap());
            assert!(key
                .verify(S, SignInput::Message(message), &signature)
                .unwrap());
            assert!(!key
                .verify(S, SignInput::Message(b"something else"), &signature)
                .unwrap());
            assert!(!other
                .verify(S, SignInput::Message(message), &signature)
                .unwrap());
            let mut flipped = signature.clone();
            flipped[0] ^= 1;
            assert!(!key
                .verify(S, SignInput::Message(message), &flipped)
                .unwrap());
        }
        for garbage in [&[][..], &[0u8; 63], &[0u8; 64], &[0xffu8; 65]] {
            assert!(!key.verify(S, SignInput::Message(b"m"), garbage).unwrap());
        }
    }

    #[test]
    fn digests_and_other_schemes_are_unsupported() {
        let (_, key) = load_fresh(ALG);
        let digest = [0u8; 64];
        let Err(CryptoError::Unsupported(message)) = key.sign(S, SignInput::Digest(&digest)) else {
            panic!("digest signing must be unsupported");
        };
        assert!(message.contains("messages only"), "{message}");
        assert!(matches!(
            key.verify(S, SignInput::Digest(&digest), &[0u8; 64]),
            Err(CryptoError::Unsupported(_))
        ));
        for scheme in ALL_SCHEMES.into_iter().filter(|s| *s != S) {
            assert!(matches!(
                key.sign(scheme, SignInput::Message(b"m")),
                Err(CryptoError::Unsupported(_))
            ));
            assert!(matches!(
                key.verify(scheme, SignInput::Message(b"m"), &[0u8; 64]),
                Err(CryptoError::Unsupported(_))
            ));
        }
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

    #[test]
    fn import_accepts_v1_and_v2_and_normalises_to_v1() {
        let pair = Ed25519KeyPair::generate().unwrap();
        let v1 = AsDer::<Pkcs8V1Der>::as_der(&pair).unwrap();
        let v2 = AsDer::<Pkcs8V2Der>::as_der(&pair).unwrap();
        let from_v1 = import(ALG, v1.as_ref()).unwrap();
        let from_v2 = import(ALG, v2.as_ref()).unwrap();
        assert_eq!(from_v1.material.expose(), v1.as_ref());
        assert_eq!(from_v2.material.expose(), v1.as_ref());
        assert_eq!(from_v1.public_key, from_v2.public_key);
        // SPKI DER for Ed25519 is 12 bytes of header and the 32-byte key.
        let spki = from_v1.public_key.unwrap();
        assert_eq!(spki.len(), 44);
        assert_eq!(&spki[12..], pair.public_key().as_ref());
    }

    #[test]
    fn caller_framed_and_public_only() {
        let (generated, key) = load_fresh(ALG);
        let public = load_public(ALG, generated.public_key.as_ref().unwrap()).unwrap();
        let sig = key.sign_with(&SignParams::default(), b"m").unwrap();
        assert_eq!(sig, key.sign(S, SignInput::Message(b"m")).unwrap());
        for handle in [&key, &public] {
            assert!(handle
                .verify_with(&SignParams::default(), b"m", &sig)
                .unwrap());
            assert!(handle.verify(S, SignInput::Message(b"m"), &sig).unwrap());
            assert!(!handle
                .verify_with(&SignParams::default(), b"n", &sig)
                .unwrap());
        }
        let sha512 = SignParams {
            hash: Some(HashAlgorithm::Sha512),
            ..Default::default()
        };
        assert!(public.verify_with(&sha512, b"m", &sig).unwrap());
        let sha256 = SignParams {
            hash: Some(HashAlgorithm::Sha256),
            ..Default::default()
        };
        assert!(matches!(
            key.sign_with(&sha256, b"m"),
            Err(CryptoError::InvalidInput(_))
        ));
        let pre = SignParams {
            prehashed: true,
            ..Default::default()
        };
        assert!(matches!(
            key.sign_with(&pre, &[0u8; 64]),
            Err(CryptoError::Unsupported(_))
        ));
        assert!(matches!(
            public.sign_with(&SignParams::default(), b"m"),
            Err(CryptoError::Unsupported(_))
        ));
        assert!(matches!(
            load_public(ALG, b"junk"),
            Err(CryptoError::InvalidKeyMaterial(_))
        ));
    }
}
