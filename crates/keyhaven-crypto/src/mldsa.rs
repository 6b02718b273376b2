//! ML-DSA keys (FIPS 204, pure: messages only).

use std::sync::Arc;

use aws_lc_rs::encoding::{AsDer, AsRawBytes, PublicKeyX509Der};
use aws_lc_rs::signature::{
    KeyPair as _, ParsedPublicKey, PqdsaKeyPair, PqdsaSigningAlgorithm, PqdsaVerificationAlgorithm,
    ML_DSA_44, ML_DSA_44_SIGNING, ML_DSA_65, ML_DSA_65_SIGNING, ML_DSA_87, ML_DSA_87_SIGNING,
};
use keyhaven_core::{
    CryptoError, GeneratedKey, KeyAlgorithm, KeyHandle, SecretBytes, SignInput, SignatureScheme,
};

use crate::error::{bad_material, check_scheme, internal, message_only, wrong_family};

/// Signing and verification algorithms and the FIPS 204 private key length.
fn params(
    alg: KeyAlgorithm,
) -> Result<
    (
        &'static PqdsaSigningAlgorithm,
        &'static PqdsaVerificationAlgorithm,
        usize,
    ),
    CryptoError,
> {
    match alg {
        KeyAlgorithm::MlDsa44 => Ok((&ML_DSA_44_SIGNING, &ML_DSA_44, 2560)),
        KeyAlgorithm::MlDsa65 => Ok((&ML_DSA_65_SIGNING, &ML_DSA_65, 4032)),
        KeyAlgorithm::MlDsa87 => Ok((&ML_DSA_87_SIGNING, &ML_DSA_87, 4896)),
        _ => Err(wrong_family(alg, "mldsa")),
    }
}

/// Generates a key pair; material is the raw FIPS 204 private key (skEncode), the public key
/// SubjectPublicKeyInfo DER.
pub(crate) fn generate(alg: KeyAlgorithm) -> Result<GeneratedKey, CryptoError> {
    let (signing, _, _) = params(alg)?;
    let pair = PqdsaKeyPair::generate(signing).map_err(|_| internal("ML-DSA key generation"))?;
    export(&pair)
}

/// Accepts the raw FIPS 204 private key of the algorithm's parameter set. The key must pass a
/// sign-then-verify consistency check, since the raw encoding is barely validated on parsing.
pub(crate) fn import(alg: KeyAlgorithm, material: &[u8]) -> Result<GeneratedKey, CryptoError> {
    let key = MlDsaKey::parse(alg, material)?;
    let probe = b"keyhaven ML-DSA import consistency check";
    let signature = key.sign(SignatureScheme::MlDsa, SignInput::Message(probe))?;
    if !key.verify(
        SignatureScheme::MlDsa,
        SignInput::Message(probe),
        &signature,
    )? {
        return Err(bad_material(
            alg,
            "private key is inconsistent (its signature does not verify)",
        ));
    }
    export(&key.pair)
}

/// Parses stored material into a handle.
pub(crate) fn load(alg: KeyAlgorithm, material: &[u8]) -> Result<Arc<dyn KeyHandle>, CryptoError> {
    Ok(Arc::new(MlDsaKey::parse(alg, material)?))
}

fn export(pair: &PqdsaKeyPair) -> Result<GeneratedKey, CryptoError> {
    let raw = pair
        .private_key()
        .as_raw_bytes()
        .map_err(|_| internal("ML-DSA private key encoding"))?;
    let spki = AsDer::<PublicKeyX509Der>::as_der(pair.public_key())
        .map_err(|_| internal("public key encoding"))?;
    Ok(GeneratedKey {
        material: SecretBytes::from_slice(raw.as_ref()),
        public_key: Some(spki.as_ref().to_vec()),
    })
}

/// An ML-DSA key version; the private key lives inside aws-lc.
struct MlDsaKey {
    alg: KeyAlgorithm,
    pair: PqdsaKeyPair,
    public: ParsedPublicKey,
}

impl MlDsaKey {
    fn parse(alg: KeyAlgorithm, material: &[u8]) -> Result<MlDsaKey, CryptoError> {
        let (signing, verification, len) = params(alg)?;
        if material.len() != len {
            return Err(bad_material(
                alg,
                format_args!(
                    "raw private key must be {len} bytes, got {} bytes",
                    material.len()
                ),
            ));
        }
        let pair = PqdsaKeyPair::from_raw_private_key(signing, material)
            .map_err(|e| bad_material(alg, format_args!("private key rejected ({e})")))?;
        let public = ParsedPublicKey::new(verification, pair.public_key().as_ref())
            .map_err(|_| internal("ML-DSA public key parsing"))?;
        Ok(MlDsaKey { alg, pair, public })
    }
}

impl KeyHandle for MlDsaKey {
    fn algorithm(&self) -> KeyAlgorithm {
        self.alg
    }

    fn sign(&self, scheme: SignatureScheme, input: SignInput<'_>) -> Result<Vec<u8>, CryptoError> {
        check_scheme(self.alg, scheme)?;
        let message = message_only(self.alg, input)?;
        let mut signature = vec![0u8; self.pair.algorithm().signature_len()];
        let len = self
            .pair
            .sign(message, &mut signature)
            .map_err(|_| internal("ML-DSA signing"))?;
        signature.truncate(len);
        Ok(signature)
    }

    fn verify(
        &self,
        scheme: SignatureScheme,
        input: SignInput<'_>,
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        check_scheme(self.alg, scheme)?;
        let message = message_only(self.alg, input)?;
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
    use super::*;
    use crate::testutil::{assert_unsupported, load_fresh, ALL_SCHEMES};
    use keyhaven_core::Operation;

    const ALGS: [KeyAlgorithm; 3] = [
        KeyAlgorithm::MlDsa44,
        KeyAlgorithm::MlDsa65,
        KeyAlgorithm::MlDsa87,
    ];
    const S: SignatureScheme = SignatureScheme::MlDsa;

    #[test]
    fn sign_verify_messages() {
        for (alg, sig_len) in ALGS.into_iter().zip([2420usize, 3309, 4627]) {
            let (generated, key) = load_fresh(alg);
            let (_, other) = load_fresh(alg);
            assert_eq!(generated.material.len(), params(alg).unwrap().2);
            for message in [&b""[..], b"post-quantum hello"] {
                let signature = key.sign(S, SignInput::Message(message)).unwrap();
                assert_eq!(signature.len(), sig_len);
                assert!(
                    key.verify(S, SignInput::Message(message), &signature)
                        .unwrap(),
                    "{alg}"
                );
                assert!(!key
                    .verify(S, SignInput::Message(b"other"), &signature)
                    .unwrap());
                assert!(!other
                    .verify(S, SignInput::Message(message), &signature)
                    .unwrap());
                let mut flipped = signature.clone();
                flipped[10] ^= 1;
                assert!(!key
                    .verify(S, SignInput::Message(message), &flipped)
                    .unwrap());
                for garbage in [&[][..], &signature[..sig_len - 1], &[0u8; 5000]] {
                    assert!(!key.verify(S, SignInput::Message(message), garbage).unwrap());
                }
            }
        }
    }

    #[test]
    fn digests_other_schemes_and_operations_are_unsupported() {
        for alg in ALGS {
            let (_, key) = load_fresh(alg);
            assert!(matches!(
                key.sign(S, SignInput::Digest(&[0u8; 64])),
                Err(CryptoError::Unsupported(_))
            ));
            assert!(matches!(
                key.verify(S, SignInput::Digest(&[0u8; 64]), &[0u8; 8]),
                Err(CryptoError::Unsupported(_))
            ));
            for scheme in ALL_SCHEMES.into_iter().filter(|s| *s != S) {
                assert!(matches!(
                    key.sign(scheme, SignInput::Message(b"m")),
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
    }

    #[test]
    fn import_round_trips_and_rejects_other_parameter_sets() {
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
            // Random bytes of the right length are not a usable key.
            let mut garbage = vec![0u8; params(alg).unwrap().2];
            aws_lc_rs::rand::fill(&mut garbage).unwrap();
            assert!(
                matches!(
                    import(alg, &garbage),
                    Err(CryptoError::InvalidKeyMaterial(_))
                ),
                "{alg}"
            );
        }
    }
}
