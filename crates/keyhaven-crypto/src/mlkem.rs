//! ML-KEM keys (FIPS 203).
//!
//! aws-lc cannot recover the encapsulation key from a decapsulation key rebuilt from bytes, but
//! the FIPS 203 decapsulation key embeds it: dk = dk_PKE (384·k bytes) || ek (384·k + 32) ||
//! H(ek) (32) || z (32). Loading takes ek from there, after the FIPS 203 §7.3 hash check.

use std::sync::Arc;

use aws_lc_rs::digest;
use aws_lc_rs::kem::{
    AlgorithmId, Ciphertext, DecapsulationKey, EncapsulationKey, ML_KEM_1024, ML_KEM_768,
};
use keyhaven_core::{CryptoError, GeneratedKey, KeyAlgorithm, KeyHandle, SecretBytes};

use crate::error::{bad_material, internal, wrong_family};

type Algorithm = aws_lc_rs::kem::Algorithm<AlgorithmId>;

/// Sizes of one ML-KEM parameter set.
struct Params {
    algorithm: &'static Algorithm,
    /// The module rank k.
    k: usize,
    ciphertext_len: usize,
}

impl Params {
    fn pke_len(&self) -> usize {
        384 * self.k
    }
    fn ek_len(&self) -> usize {
        384 * self.k + 32
    }
    fn dk_len(&self) -> usize {
        self.pke_len() + self.ek_len() + 64
    }
}

fn params(alg: KeyAlgorithm) -> Result<Params, CryptoError> {
    match alg {
        KeyAlgorithm::MlKem768 => Ok(Params {
            algorithm: &ML_KEM_768,
            k: 3,
            ciphertext_len: 1088,
        }),
        KeyAlgorithm::MlKem1024 => Ok(Params {
            algorithm: &ML_KEM_1024,
            k: 4,
            ciphertext_len: 1568,
        }),
        _ => Err(wrong_family(alg, "mlkem")),
    }
}

/// Generates a key pair; material is the raw decapsulation key, the public key the raw
/// encapsulation key.
pub(crate) fn generate(alg: KeyAlgorithm) -> Result<GeneratedKey, CryptoError> {
    let params = params(alg)?;
    let dk = DecapsulationKey::generate(params.algorithm)
        .map_err(|_| internal("ML-KEM key generation"))?;
    let material = dk
        .key_bytes()
        .map_err(|_| internal("ML-KEM decapsulation key encoding"))?;
    let ek = dk
        .encapsulation_key()
        .and_then(|ek| ek.key_bytes())
        .map_err(|_| internal("ML-KEM encapsulation key encoding"))?;
    Ok(GeneratedKey {
        material: SecretBytes::from_slice(material.as_ref()),
        public_key: Some(ek.as_ref().to_vec()),
    })
}

/// Accepts the raw FIPS 203 decapsulation key. Beyond the hash check done on every load, the
/// key must decapsulate what its own encapsulation key encapsulates.
pub(crate) fn import(alg: KeyAlgorithm, material: &[u8]) -> Result<GeneratedKey, CryptoError> {
    let key = MlKemKey::parse(alg, material)?;
    let (ciphertext, sent) = key.encapsulate()?;
    let received = key.decapsulate(&ciphertext)?;
    if sent != received {
        return Err(bad_material(
            alg,
            "decapsulation key is inconsistent with its encapsulation key",
        ));
    }
    Ok(GeneratedKey {
        material: SecretBytes::from_slice(material),
        public_key: Some(key.ek_bytes),
    })
}

/// Parses stored material into a handle.
pub(crate) fn load(alg: KeyAlgorithm, material: &[u8]) -> Result<Arc<dyn KeyHandle>, CryptoError> {
    Ok(Arc::new(MlKemKey::parse(alg, material)?))
}

/// An ML-KEM key version; the decapsulation key lives inside aws-lc.
struct MlKemKey {
    alg: KeyAlgorithm,
    ciphertext_len: usize,
    dk: DecapsulationKey<AlgorithmId>,
    ek: EncapsulationKey<AlgorithmId>,
    ek_bytes: Vec<u8>,
}

impl MlKemKey {
    fn parse(alg: KeyAlgorithm, material: &[u8]) -> Result<MlKemKey, CryptoError> {
        let params = params(alg)?;
        if material.len() != params.dk_len() {
            return Err(bad_material(
                alg,
                format_args!(
                    "raw decapsulation key must be {} bytes, got {} bytes",
                    params.dk_len(),
                    material.len()
                ),
            ));
        }
        let ek_end = params.pke_len() + params.ek_len();
        let (Some(ek_bytes), Some(ek_hash)) = (
            material.get(params.pke_len()..ek_end),
            material.get(ek_end..ek_end + 32),
        ) else {
            return Err(internal("ML-KEM key layout"));
        };
        if digest::digest(&digest::SHA3_256, ek_bytes).as_ref() != ek_hash {
            return Err(bad_material(
                alg,
                "decapsulation key fails the FIPS 203 hash check",
            ));
        }
        let ek = EncapsulationKey::new(params.algorithm, ek_bytes)
            .map_err(|e| bad_material(alg, format_args!("encapsulation key rejected ({e})")))?;
        let dk = DecapsulationKey::new(params.algorithm, material)
            .map_err(|e| bad_material(alg, format_args!("decapsulation key rejected ({e})")))?;
        Ok(MlKemKey {
            alg,
            ciphertext_len: params.ciphertext_len,
            dk,
            ek,
            ek_bytes: ek_bytes.to_vec(),
        })
    }
}

impl KeyHandle for MlKemKey {
    fn algorithm(&self) -> KeyAlgorithm {
        self.alg
    }

    fn encapsulate(&self) -> Result<(Vec<u8>, SecretBytes), CryptoError> {
        let (ciphertext, shared) = self
            .ek
            .encapsulate()
            .map_err(|_| internal("ML-KEM encapsulation"))?;
        Ok((
            ciphertext.as_ref().to_vec(),
            SecretBytes::from_slice(shared.as_ref()),
        ))
    }

    fn decapsulate(&self, ciphertext: &[u8]) -> Result<SecretBytes, CryptoError> {
        if ciphertext.len() != self.ciphertext_len {
            return Err(CryptoError::InvalidInput(format!(
                "{} ciphertext must be {} bytes, got {}",
                self.alg,
                self.ciphertext_len,
                ciphertext.len()
            )));
        }
        let shared = self
            .dk
            .decapsulate(Ciphertext::from(ciphertext))
            .map_err(|_| internal("ML-KEM decapsulation"))?;
        Ok(SecretBytes::from_slice(shared.as_ref()))
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
    use crate::testutil::{assert_unsupported, load_fresh};
    use keyhaven_core::Operation;

    const ALGS: [KeyAlgorithm; 2] = [KeyAlgorithm::MlKem768, KeyAlgorithm::MlKem1024];

    #[test]
    fn encapsulate_decapsulate_agree() {
        for alg in ALGS {
            let p = params(alg).unwrap();
            let (generated, key) = load_fresh(alg);
            let (_, other) = load_fresh(alg);
            assert_eq!(generated.material.len(), p.dk_len());
            assert_eq!(generated.public_key.as_ref().unwrap().len(), p.ek_len());
            let (ciphertext, sent) = key.encapsulate().unwrap();
            assert_eq!(ciphertext.len(), p.ciphertext_len);
            assert_eq!(sent.len(), 32);
            assert_eq!(key.decapsulate(&ciphertext).unwrap(), sent, "{alg}");
            // Fresh randomness each time.
            let (ciphertext2, sent2) = key.encapsulate().unwrap();
            assert_ne!(ciphertext, ciphertext2);
            assert_ne!(sent, sent2);
            // Implicit rejection: a tampered ciphertext or another key yields a different secret.
            let mut tampered = ciphertext.clone();
            tampered[0] ^= 1;
            assert_ne!(key.decapsulate(&tampered).unwrap(), sent);
            assert_ne!(other.decapsulate(&ciphertext).unwrap(), sent);
            for len in [0, 32, p.ciphertext_len - 1, p.ciphertext_len + 1] {
                assert!(matches!(
                    key.decapsulate(&vec![0u8; len]),
                    Err(CryptoError::InvalidInput(_))
                ));
            }
        }
    }

    #[test]
    fn encapsulation_key_from_material_matches_generated_public_key() {
        for alg in ALGS {
            let p = params(alg).unwrap();
            let generated = generate(alg).unwrap();
            let public = generated.public_key.clone().unwrap();
            // Encapsulate against the exported public key alone; the loaded key decapsulates.
            let ek = EncapsulationKey::new(p.algorithm, &public).unwrap();
            let (ciphertext, sent) = ek.encapsulate().unwrap();
            let key = load(alg, generated.material.expose()).unwrap();
            assert_eq!(
                key.decapsulate(ciphertext.as_ref()).unwrap().expose(),
                sent.as_ref()
            );
        }
    }

    #[test]
    fn import_round_trips_and_validates() {
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
            // Corrupting the embedded encapsulation key breaks the hash check.
            let p = params(alg).unwrap();
            let mut corrupt = generated.material.expose().to_vec();
            corrupt[p.pke_len() + 5] ^= 1;
            assert!(matches!(
                import(alg, &corrupt),
                Err(CryptoError::InvalidKeyMaterial(_))
            ));
            assert!(load(alg, &corrupt).is_err());
            // Corrupting the secret part is caught by the consistency check on import.
            let mut corrupt = generated.material.expose().to_vec();
            corrupt[0] ^= 0x55;
            corrupt[1] ^= 0x55;
            assert!(
                matches!(
                    import(alg, &corrupt),
                    Err(CryptoError::InvalidKeyMaterial(_))
                ),
                "{alg}"
            );
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
                    Operation::Sign,
                    Operation::Verify,
                    Operation::MacGenerate,
                    Operation::MacVerify,
                ],
            );
        }
    }
}
