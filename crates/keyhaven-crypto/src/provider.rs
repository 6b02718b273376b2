//! The software provider: dispatch by algorithm family, sealing and randomness.

use std::sync::Arc;

use aws_lc_rs::aead::AES_256_GCM;
use keyhaven_core::{
    AlgorithmFamily, CryptoError, CryptoProvider, GeneratedKey, KeyAlgorithm, KeyHandle,
    SecretBytes,
};

use crate::{aes, ec, ed25519, hmac, mldsa, mlkem, rsa};

/// Length of a key-encryption key for [`CryptoProvider::seal`].
const KEK_LEN: usize = 32;

/// A [`CryptoProvider`] implemented in software on aws-lc-rs. Stateless and cheap to copy; keys
/// are parsed into handles by [`CryptoProvider::load`].
///
/// ```
/// use keyhaven_core::{CryptoProvider, KeyAlgorithm};
/// use keyhaven_crypto::SoftwareProvider;
///
/// let provider = SoftwareProvider::new();
/// let key = provider.generate(KeyAlgorithm::Aes256)?;
/// let handle = provider.load(KeyAlgorithm::Aes256, &key.material)?;
/// let ciphertext = handle.encrypt(b"hello", b"context")?;
/// assert_eq!(handle.decrypt(&ciphertext, b"context")?.expose(), b"hello");
/// # Ok::<(), keyhaven_core::CryptoError>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SoftwareProvider {
    _private: (),
}

impl SoftwareProvider {
    /// Creates the provider.
    pub fn new() -> SoftwareProvider {
        SoftwareProvider { _private: () }
    }
}

/// Stored data (secret data, opaque objects, certificates) has no key to generate or use.
fn no_crypto(alg: KeyAlgorithm) -> CryptoError {
    CryptoError::Unsupported(format!(
        "{alg} objects hold stored data, not a key: nothing to generate or compute with"
    ))
}

/// Stored data (a password registered as secret data): its only use is as the base of a key
/// derivation.
struct DataHandle {
    raw: zeroize::Zeroizing<Vec<u8>>,
}

impl KeyHandle for DataHandle {
    fn algorithm(&self) -> KeyAlgorithm {
        KeyAlgorithm::Opaque
    }

    fn derive(
        &self,
        derivation: &keyhaven_core::cipher::Derivation<'_>,
        len: usize,
    ) -> Result<SecretBytes, CryptoError> {
        crate::kdf::derive_from(&self.raw, derivation, len)
    }
}

impl CryptoProvider for SoftwareProvider {
    fn generate(&self, alg: KeyAlgorithm) -> Result<GeneratedKey, CryptoError> {
        match alg.family() {
            AlgorithmFamily::Aes => aes::generate(alg),
            AlgorithmFamily::Rsa => rsa::generate(alg),
            AlgorithmFamily::Ecdsa => ec::generate(alg),
            AlgorithmFamily::Ed25519 => ed25519::generate(alg),
            AlgorithmFamily::Hmac => hmac::generate(alg),
            AlgorithmFamily::MlDsa => mldsa::generate(alg),
            AlgorithmFamily::MlKem => mlkem::generate(alg),
            AlgorithmFamily::Data => Err(no_crypto(alg)),
        }
    }

    fn import(&self, alg: KeyAlgorithm, material: &[u8]) -> Result<GeneratedKey, CryptoError> {
        // PEM, PKCS#1 and SEC1 private keys become PKCS#8 first (docs/IMPORT.md).
        let converted = crate::import::private_key_to_pkcs8(alg, material)?;
        let material = converted.as_ref().map_or(material, SecretBytes::expose);
        match alg.family() {
            AlgorithmFamily::Aes => aes::import(alg, material),
            AlgorithmFamily::Rsa => rsa::import(alg, material),
            AlgorithmFamily::Ecdsa => ec::import(alg, material),
            AlgorithmFamily::Ed25519 => ed25519::import(alg, material),
            AlgorithmFamily::Hmac => hmac::import(alg, material),
            AlgorithmFamily::MlDsa => mldsa::import(alg, material),
            AlgorithmFamily::MlKem => mlkem::import(alg, material),
            AlgorithmFamily::Data => Err(no_crypto(alg)),
        }
    }

    fn load(
        &self,
        alg: KeyAlgorithm,
        material: &SecretBytes,
    ) -> Result<Arc<dyn KeyHandle>, CryptoError> {
        let material = material.expose();
        match alg.family() {
            AlgorithmFamily::Aes => aes::load(alg, material),
            AlgorithmFamily::Rsa => rsa::load(alg, material),
            AlgorithmFamily::Ecdsa => ec::load(alg, material),
            AlgorithmFamily::Ed25519 => ed25519::load(alg, material),
            AlgorithmFamily::Hmac => hmac::load(alg, material),
            AlgorithmFamily::MlDsa => mldsa::load(alg, material),
            AlgorithmFamily::MlKem => mlkem::load(alg, material),
            AlgorithmFamily::Data => Ok(Arc::new(DataHandle {
                raw: zeroize::Zeroizing::new(material.to_vec()),
            })),
        }
    }

    fn seal(
        &self,
        kek: &SecretBytes,
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        aes::gcm_seal(&kek_key(kek)?, aad, plaintext)
    }

    fn unseal(
        &self,
        kek: &SecretBytes,
        aad: &[u8],
        sealed: &[u8],
    ) -> Result<SecretBytes, CryptoError> {
        aes::gcm_open(&kek_key(kek)?, aad, sealed)
    }

    fn random(&self, buf: &mut [u8]) -> Result<(), CryptoError> {
        aws_lc_rs::rand::fill(buf)
            .map_err(|_| CryptoError::Internal("random generation failed".to_owned()))
    }

    fn load_public(
        &self,
        alg: KeyAlgorithm,
        spki_der: &[u8],
    ) -> Result<Arc<dyn KeyHandle>, CryptoError> {
        load_public(alg, spki_der)
    }

    fn generate_import_key(&self) -> Result<GeneratedKey, CryptoError> {
        crate::import::generate_import_key()
    }

    fn unwrap_import(
        &self,
        private_pkcs8: &SecretBytes,
        blob: &[u8],
    ) -> Result<SecretBytes, CryptoError> {
        crate::import::unwrap_import(private_pkcs8.expose(), blob)
    }
}

/// Parses a public key alone (SubjectPublicKeyInfo DER) into a handle that encrypts (RSA) and
/// verifies (RSA, ECDSA, Ed25519); private operations answer `Unsupported`. The key must be
/// one of `alg` (RSA modulus size, EC curve); RSA keys under 2048 bits are refused.
pub fn load_public(alg: KeyAlgorithm, spki_der: &[u8]) -> Result<Arc<dyn KeyHandle>, CryptoError> {
    match alg.family() {
        AlgorithmFamily::Rsa => rsa::load_public(alg, spki_der),
        AlgorithmFamily::Ecdsa => ec::load_public(alg, spki_der),
        AlgorithmFamily::Ed25519 => ed25519::load_public(alg, spki_der),
        _ => Err(CryptoError::Unsupported(format!(
            "{alg} keys cannot be loaded from a public key alone"
        ))),
    }
}

fn kek_key(kek: &SecretBytes) -> Result<aws_lc_rs::aead::LessSafeKey, CryptoError> {
    if kek.len() != KEK_LEN {
        return Err(CryptoError::InvalidInput(format!(
            "a key-encryption key must be {KEK_LEN} bytes, got {} bytes",
            kek.len()
        )));
    }
    aes::gcm_key(&AES_256_GCM, kek.expose())
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use keyhaven_core::{Operation, SignInput, SignatureScheme};

    use super::*;
    use crate::testutil::{assert_unsupported, secret, shared, HANDLE_OPS};

    /// Operations a handle of `alg` must refuse: those the algorithm does not support.
    fn refused(alg: KeyAlgorithm) -> Vec<Operation> {
        HANDLE_OPS
            .into_iter()
            .filter(|op| !alg.supports(*op))
            .collect()
    }

    #[test]
    fn stored_data_is_never_generated_and_only_derives() {
        let provider = SoftwareProvider::new();
        let alg = KeyAlgorithm::Opaque;
        for result in [
            provider.generate(alg).map(|_| ()),
            provider.import(alg, b"bytes").map(|_| ()),
        ] {
            assert!(
                matches!(result, Err(CryptoError::Unsupported(_))),
                "{result:?}"
            );
        }
        // Loaded, it only derives (PBKDF2 from a registered password).
        let data = provider.load(alg, &secret(b"password")).unwrap();
        assert_unsupported(data.as_ref(), &HANDLE_OPS);
        let d = keyhaven_core::cipher::Derivation::Pbkdf2 {
            hash: keyhaven_core::cipher::HashAlgorithm::Sha256,
            salt: b"salt",
            iterations: 1,
        };
        // RFC 7914 section 11: PBKDF2-HMAC-SHA256("password", "salt", 1), first 16 bytes.
        assert_eq!(
            keyhaven_core::hex::encode(data.derive(&d, 16).unwrap().expose()),
            "120fb6cffcf8b32c43e7225256c4f837"
        );
    }

    #[test]
    fn every_algorithm_generates_loads_and_refuses_what_it_cannot_do() {
        let provider = SoftwareProvider::new();
        for alg in crate::testutil::key_algorithms() {
            let key = shared(alg);
            assert!(!key.material.is_empty());
            assert_eq!(key.public_key.is_some(), alg.is_asymmetric(), "{alg}");
            let handle = provider.load(alg, &key.material).unwrap();
            assert_eq!(handle.algorithm(), alg);
            assert_unsupported(handle.as_ref(), &refused(alg));
        }
    }

    #[test]
    fn supported_operations_work_through_the_provider() {
        let provider = SoftwareProvider::new();
        for alg in crate::testutil::key_algorithms() {
            let handle = provider.load(alg, &shared(alg).material).unwrap();
            if alg.supports(Operation::Encrypt) {
                let ct = handle.encrypt(b"plaintext", b"aad").unwrap();
                assert_eq!(handle.decrypt(&ct, b"aad").unwrap().expose(), b"plaintext");
            }
            if let Some(scheme) = SignatureScheme::default_for(alg) {
                let sig = handle.sign(scheme, SignInput::Message(b"msg")).unwrap();
                assert!(handle
                    .verify(scheme, SignInput::Message(b"msg"), &sig)
                    .unwrap());
            }
            if alg.supports(Operation::MacGenerate) {
                let tag = handle.mac(b"msg").unwrap();
                assert!(handle.mac_verify(b"msg", &tag).unwrap());
            }
            if alg.supports(Operation::Encapsulate) {
                let (ct, ss) = handle.encapsulate().unwrap();
                assert_eq!(handle.decapsulate(&ct).unwrap(), ss);
            }
        }
    }

    #[test]
    fn import_of_generated_material_round_trips() {
        let provider = SoftwareProvider::new();
        for alg in crate::testutil::key_algorithms() {
            let generated = shared(alg);
            let imported = provider.import(alg, generated.material.expose()).unwrap();
            assert_eq!(imported.material, generated.material, "{alg}");
            assert_eq!(imported.public_key, generated.public_key, "{alg}");
            let original = provider.load(alg, &generated.material).unwrap();
            let reloaded = provider.load(alg, &imported.material).unwrap();
            // What one handle produces, the other accepts.
            if alg.supports(Operation::Encrypt) {
                let ct = original.encrypt(b"p", b"a").unwrap();
                assert_eq!(reloaded.decrypt(&ct, b"a").unwrap().expose(), b"p");
            }
            if let Some(scheme) = SignatureScheme::default_for(alg) {
                let sig = original.sign(scheme, SignInput::Message(b"m")).unwrap();
                assert!(
                    reloaded
                        .verify(scheme, SignInput::Message(b"m"), &sig)
                        .unwrap(),
                    "{alg}"
                );
                let sig = reloaded.sign(scheme, SignInput::Message(b"m")).unwrap();
                assert!(
                    original
                        .verify(scheme, SignInput::Message(b"m"), &sig)
                        .unwrap(),
                    "{alg}"
                );
            }
            if alg.supports(Operation::MacGenerate) {
                let tag = original.mac(b"m").unwrap();
                assert!(reloaded.mac_verify(b"m", &tag).unwrap());
            }
            if alg.supports(Operation::Encapsulate) {
                let (ct, ss) = original.encapsulate().unwrap();
                assert_eq!(reloaded.decapsulate(&ct).unwrap(), ss);
            }
        }
    }

    #[test]
    fn garbage_material_is_invalid_key_material_and_never_echoed() {
        let provider = SoftwareProvider::new();
        let marker = [0x5au8; 7];
        let mut garbage_inputs: Vec<Vec<u8>> = vec![
            Vec::new(),
            marker.to_vec(),
            vec![0x30, 0x03, 0x02, 0x01, 0x00],
            vec![0x30; 300],
        ];
        let mut random = vec![0u8; 2000];
        provider.random(&mut random).unwrap();
        garbage_inputs.push(random);
        for alg in crate::testutil::key_algorithms() {
            for garbage in &garbage_inputs {
                let err = provider.import(alg, garbage).err().unwrap();
                let CryptoError::InvalidKeyMaterial(message) = &err else {
                    panic!("{alg}: expected InvalidKeyMaterial, got {err:?}");
                };
                assert!(message.starts_with(alg.name()), "{message}");
                assert!(
                    !message.contains("5a5a") && !message.contains("90, 90"),
                    "{message}"
                );
                assert!(matches!(
                    provider.load(alg, &secret(garbage)),
                    Err(CryptoError::InvalidKeyMaterial(_))
                ));
            }
        }
    }

    #[test]
    fn material_of_one_algorithm_does_not_load_as_another_family() {
        let provider = SoftwareProvider::new();
        for from in crate::testutil::key_algorithms() {
            for to in crate::testutil::key_algorithms() {
                if from.family() == to.family() || !to.is_asymmetric() {
                    continue;
                }
                let material = &shared(from).material;
                assert!(
                    matches!(
                        provider.load(to, material),
                        Err(CryptoError::InvalidKeyMaterial(_))
                    ),
                    "{from} material loaded as {to}"
                );
            }
        }
    }

    #[test]
    fn seal_unseal() {
        let provider = SoftwareProvider::new();
        let mut kek = SecretBytes::zeroed(32);
        provider.random(kek.expose_mut()).unwrap();
        let mut other = SecretBytes::zeroed(32);
        provider.random(other.expose_mut()).unwrap();

        for plaintext in [&b""[..], b"key material"] {
            let sealed = provider.seal(&kek, b"key-id/v1", plaintext).unwrap();
            assert_eq!(sealed.len(), 12 + plaintext.len() + 16);
            assert_eq!(
                provider
                    .unseal(&kek, b"key-id/v1", &sealed)
                    .unwrap()
                    .expose(),
                plaintext
            );
            assert_eq!(
                provider.unseal(&kek, b"key-id/v2", &sealed).err(),
                Some(CryptoError::AuthenticationFailed)
            );
            assert_eq!(
                provider.unseal(&other, b"key-id/v1", &sealed).err(),
                Some(CryptoError::AuthenticationFailed)
            );
            let mut tampered = sealed.clone();
            let last = tampered.len() - 1;
            tampered[last] ^= 0x80;
            assert_eq!(
                provider.unseal(&kek, b"key-id/v1", &tampered).err(),
                Some(CryptoError::AuthenticationFailed)
            );
        }
        assert!(matches!(
            provider.unseal(&kek, b"", &[0u8; 27]),
            Err(CryptoError::InvalidInput(_))
        ));
        // Sealing is AES-256-GCM with the KEK: an aes-256 handle over the same bytes opens it.
        let sealed = provider.seal(&kek, b"aad", b"interop").unwrap();
        let handle = provider.load(KeyAlgorithm::Aes256, &kek).unwrap();
        assert_eq!(
            handle.decrypt(&sealed, b"aad").unwrap().expose(),
            b"interop"
        );
        for len in [0, 16, 24, 31, 33, 64] {
            let bad = SecretBytes::zeroed(len);
            assert!(matches!(
                provider.seal(&bad, b"", b"x"),
                Err(CryptoError::InvalidInput(_))
            ));
            assert!(matches!(
                provider.unseal(&bad, b"", &[0u8; 40]),
                Err(CryptoError::InvalidInput(_))
            ));
        }
    }

    #[test]
    fn random_fills() {
        let provider = SoftwareProvider::new();
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        provider.random(&mut a).unwrap();
        provider.random(&mut b).unwrap();
        assert_ne!(a, b);
        provider.random(&mut []).unwrap();
    }

    #[test]
    fn provider_is_usable_as_a_trait_object() {
        let provider: Arc<dyn CryptoProvider> = Arc::new(SoftwareProvider::default());
        let key = provider.generate(KeyAlgorithm::HmacSha256).unwrap();
        let handle = provider
            .load(KeyAlgorithm::HmacSha256, &key.material)
            .unwrap();
        let handle2: Arc<dyn KeyHandle> = Arc::clone(&handle);
        std::thread::spawn(move || handle2.mac(b"x").unwrap())
            .join()
            .unwrap();
        assert_eq!(handle.mac(b"x").unwrap().len(), 32);
    }
}
