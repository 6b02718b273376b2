//! HMAC keys.

use std::sync::Arc;

use aws_lc_rs::hmac;
use keyhaven_core::cipher::HashAlgorithm;
use keyhaven_core::{CryptoError, GeneratedKey, KeyAlgorithm, KeyHandle, SecretBytes};

use crate::error::{bad_material, internal, wrong_family};

/// The longest imported HMAC key accepted (the SHA-384/512 block size).
const MAX_KEY_LEN: usize = 128;

/// The aws-lc HMAC algorithm and the generated (and minimum) key length: the hash output length.
fn params(alg: KeyAlgorithm) -> Result<(hmac::Algorithm, usize), CryptoError> {
    match alg {
        KeyAlgorithm::HmacSha256 => Ok((hmac::HMAC_SHA256, 32)),
        KeyAlgorithm::HmacSha384 => Ok((hmac::HMAC_SHA384, 48)),
        KeyAlgorithm::HmacSha512 => Ok((hmac::HMAC_SHA512, 64)),
        _ => Err(wrong_family(alg, "hmac")),
    }
}

/// A random key as long as the hash output.
pub(crate) fn generate(alg: KeyAlgorithm) -> Result<GeneratedKey, CryptoError> {
    let (_, len) = params(alg)?;
    let mut material = SecretBytes::zeroed(len);
    aws_lc_rs::rand::fill(material.expose_mut()).map_err(|_| internal("random generation"))?;
    Ok(GeneratedKey {
        material,
        public_key: None,
    })
}

/// Accepts raw key bytes from the hash output length up to 128 bytes.
pub(crate) fn import(alg: KeyAlgorithm, material: &[u8]) -> Result<GeneratedKey, CryptoError> {
    check_len(alg, material)?;
    Ok(GeneratedKey {
        material: SecretBytes::from_slice(material),
        public_key: None,
    })
}

/// Parses stored material into a handle.
pub(crate) fn load(alg: KeyAlgorithm, material: &[u8]) -> Result<Arc<dyn KeyHandle>, CryptoError> {
    let algorithm = check_len(alg, material)?;
    Ok(Arc::new(HmacKey {
        alg,
        key: hmac::Key::new(algorithm, material),
        raw: zeroize::Zeroizing::new(material.to_vec()),
    }))
}

fn check_len(alg: KeyAlgorithm, material: &[u8]) -> Result<hmac::Algorithm, CryptoError> {
    let (algorithm, min) = params(alg)?;
    if (min..=MAX_KEY_LEN).contains(&material.len()) {
        Ok(algorithm)
    } else {
        Err(bad_material(
            alg,
            format_args!(
                "key must be {min} to {MAX_KEY_LEN} bytes, got {} bytes",
                material.len()
            ),
        ))
    }
}

/// An HMAC key version; the keyed hash state lives inside aws-lc, which cleanses it when freed.
struct HmacKey {
    alg: KeyAlgorithm,
    key: hmac::Key,
    /// The key bytes, kept only to derive keys from (KMIP Derive Key).
    raw: zeroize::Zeroizing<Vec<u8>>,
}

impl KeyHandle for HmacKey {
    fn derive(
        &self,
        derivation: &keyhaven_core::cipher::Derivation<'_>,
        len: usize,
    ) -> Result<SecretBytes, CryptoError> {
        crate::kdf::derive_from(&self.raw, derivation, len)
    }

    fn algorithm(&self) -> KeyAlgorithm {
        self.alg
    }

    fn mac(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(hmac::sign(&self.key, data).as_ref().to_vec())
    }

    fn mac_verify(&self, data: &[u8], tag: &[u8]) -> Result<bool, CryptoError> {
        // Constant-time comparison; a tag of the wrong length simply does not verify.
        Ok(hmac::verify(&self.key, data, tag).is_ok())
    }

    fn mac_with(&self, hash: Option<HashAlgorithm>, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.check_hash(hash)?;
        self.mac(data)
    }

    fn mac_verify_with(
        &self,
        hash: Option<HashAlgorithm>,
        data: &[u8],
        tag: &[u8],
    ) -> Result<bool, CryptoError> {
        self.check_hash(hash)?;
        self.mac_verify(data, tag)
    }
}

impl HmacKey {
    /// An HMAC key is bound to its hash: a caller may name it, not another.
    fn check_hash(&self, hash: Option<HashAlgorithm>) -> Result<(), CryptoError> {
        let own = match self.alg {
            KeyAlgorithm::HmacSha384 => HashAlgorithm::Sha384,
            KeyAlgorithm::HmacSha512 => HashAlgorithm::Sha512,
            _ => HashAlgorithm::Sha256,
        };
        match hash {
            Some(asked) if asked != own => Err(CryptoError::Unsupported(format!(
                "{} keys compute HMAC-{own}, not HMAC-{asked}",
                self.alg
            ))),
            _ => Ok(()),
        }
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
    use crate::testutil::{assert_unsupported, load_fresh, secret, unhex};
    use keyhaven_core::Operation;

    const ALGS: [KeyAlgorithm; 3] = [
        KeyAlgorithm::HmacSha256,
        KeyAlgorithm::HmacSha384,
        KeyAlgorithm::HmacSha512,
    ];

    #[test]
    fn mac_round_trip_and_negatives() {
        for (alg, len) in ALGS.into_iter().zip([32usize, 48, 64]) {
            let (generated, key) = load_fresh(alg);
            let (_, other) = load_fresh(alg);
            assert_eq!(generated.material.len(), len);
            assert!(generated.public_key.is_none());
            let tag = key.mac(b"message").unwrap();
            assert_eq!(tag.len(), len);
            assert_eq!(tag, key.mac(b"message").unwrap());
            assert!(key.mac_verify(b"message", &tag).unwrap());
            assert!(!key.mac_verify(b"messagE", &tag).unwrap());
            assert!(!other.mac_verify(b"message", &tag).unwrap());
            let mut flipped = tag.clone();
            flipped[len - 1] ^= 1;
            assert!(!key.mac_verify(b"message", &flipped).unwrap());
            assert!(!key.mac_verify(b"message", &tag[..len - 1]).unwrap());
            assert!(!key.mac_verify(b"message", &[]).unwrap());
            assert!(!key
                .mac_verify(b"message", &[tag.as_slice(), &[0]].concat())
                .unwrap());
        }
    }

    #[test]
    fn known_answers() {
        // Key = 0x0b repeated (hash length) times, data = "Hi There" (RFC 4231 case 1 with a
        // key as long as the hash output; expected values from Python's hmac module).
        let cases = [
            (KeyAlgorithm::HmacSha256, 32, "198a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7"),
            (KeyAlgorithm::HmacSha384, 48, "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee9737a959796489bddbc4c5df61d5b3297b4fb68dab9f1b582c2"),
            (KeyAlgorithm::HmacSha512, 64, "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8ac2878ebd5803f6f0b61dbce5e251ff8789a4722c1be65aea45fd464e89f8f5b"),
        ];
        for (alg, len, expected) in cases {
            let key = load(alg, &vec![0x0bu8; len]).unwrap();
            assert_eq!(key.mac(b"Hi There").unwrap(), unhex(expected), "{alg}");
            assert!(key.mac_verify(b"Hi There", &unhex(expected)).unwrap());
        }
    }

    #[test]
    fn import_accepts_hash_length_to_128_bytes() {
        for (alg, min) in ALGS.into_iter().zip([32usize, 48, 64]) {
            for len in [min, min + 1, 128] {
                let imported = import(alg, &vec![5u8; len]).unwrap();
                assert_eq!(imported.material.expose(), vec![5u8; len].as_slice());
                let key = load(alg, imported.material.expose()).unwrap();
                let tag = key.mac(b"d").unwrap();
                assert!(key.mac_verify(b"d", &tag).unwrap());
            }
            for len in [0, 16, min - 1, 129, 1000] {
                assert!(matches!(
                    import(alg, &vec![5u8; len]),
                    Err(CryptoError::InvalidKeyMaterial(_))
                ));
                assert!(load(alg, secret(&vec![5u8; len]).expose()).is_err());
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
                    Operation::Sign,
                    Operation::Verify,
                    Operation::Encapsulate,
                    Operation::Decapsulate,
                ],
            );
        }
    }

    #[test]
    fn mac_with_the_key_hash_only() {
        for (alg, hash, other) in [
            (
                KeyAlgorithm::HmacSha256,
                HashAlgorithm::Sha256,
                HashAlgorithm::Sha512,
            ),
            (
                KeyAlgorithm::HmacSha384,
                HashAlgorithm::Sha384,
                HashAlgorithm::Sha256,
            ),
            (
                KeyAlgorithm::HmacSha512,
                HashAlgorithm::Sha512,
                HashAlgorithm::Sha1,
            ),
        ] {
            let (generated, key) = load_fresh(alg);
            let tag = key.mac(b"data").unwrap();
            assert_eq!(key.mac_with(None, b"data").unwrap(), tag);
            assert_eq!(key.mac_with(Some(hash), b"data").unwrap(), tag);
            assert_eq!(
                crate::kdf::hmac(hash, generated.material.expose(), b"data").unwrap(),
                tag
            );
            assert!(key.mac_verify_with(Some(hash), b"data", &tag).unwrap());
            assert!(!key.mac_verify_with(None, b"datA", &tag).unwrap());
            assert!(matches!(
                key.mac_with(Some(other), b"data"),
                Err(CryptoError::Unsupported(_))
            ));
            assert!(matches!(
                key.mac_verify_with(Some(other), b"data", &tag),
                Err(CryptoError::Unsupported(_))
            ));
        }
    }
}
