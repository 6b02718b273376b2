//! Ed25519 keys (pure EdDSA: messages only).

use std::sync::Arc;

use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair as _, ParsedPublicKey, ED25519};
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
}
