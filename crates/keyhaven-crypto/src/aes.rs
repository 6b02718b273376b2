//! AES keys: keyhaven's GCM framing (nonce || ciphertext || tag), shared with sealing, and the
//! caller-framed modes of [`crate::modes`].

use std::sync::Arc;

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey, NONCE_LEN};
use keyhaven_core::cipher::{CipherOutput, CipherParams, HashAlgorithm};
use keyhaven_core::{CryptoError, GeneratedKey, KeyAlgorithm, KeyHandle, SecretBytes};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{bad_material, internal, wrong_family};
use crate::{kdf, modes};

/// Length of the GCM authentication tag.
pub(crate) const TAG_LEN: usize = 16;

/// The aws-lc AEAD algorithm and key length for an AES key algorithm.
fn params(alg: KeyAlgorithm) -> Result<(&'static aead::Algorithm, usize), CryptoError> {
    match alg {
        KeyAlgorithm::Aes128 => Ok((&aead::AES_128_GCM, 16)),
        KeyAlgorithm::Aes192 => Ok((&aead::AES_192_GCM, 24)),
        KeyAlgorithm::Aes256 => Ok((&aead::AES_256_GCM, 32)),
        _ => Err(wrong_family(alg, "aes")),
    }
}

/// A fresh random key.
pub(crate) fn generate(alg: KeyAlgorithm) -> Result<GeneratedKey, CryptoError> {
    let (_, len) = params(alg)?;
    let mut material = SecretBytes::zeroed(len);
    aws_lc_rs::rand::fill(material.expose_mut()).map_err(|_| internal("random generation"))?;
    Ok(GeneratedKey {
        material,
        public_key: None,
    })
}

/// Accepts raw key bytes of exactly the algorithm's key length.
pub(crate) fn import(alg: KeyAlgorithm, material: &[u8]) -> Result<GeneratedKey, CryptoError> {
    load_key(alg, material)?;
    Ok(GeneratedKey {
        material: SecretBytes::from_slice(material),
        public_key: None,
    })
}

/// Parses stored material into a handle.
pub(crate) fn load(alg: KeyAlgorithm, material: &[u8]) -> Result<Arc<dyn KeyHandle>, CryptoError> {
    Ok(Arc::new(AesKey {
        alg,
        key: load_key(alg, material)?,
        raw: Zeroizing::new(material.to_vec()),
    }))
}

fn load_key(alg: KeyAlgorithm, material: &[u8]) -> Result<LessSafeKey, CryptoError> {
    let (aead_alg, len) = params(alg)?;
    if material.len() != len {
        return Err(bad_material(
            alg,
            format_args!(
                "key must be exactly {len} bytes, got {} bytes",
                material.len()
            ),
        ));
    }
    gcm_key(aead_alg, material).map_err(|_| bad_material(alg, "key rejected"))
}

/// Builds a GCM key; fails only when the key length does not fit the algorithm.
pub(crate) fn gcm_key(
    aead_alg: &'static aead::Algorithm,
    key: &[u8],
) -> Result<LessSafeKey, CryptoError> {
    UnboundKey::new(aead_alg, key)
        .map(LessSafeKey::new)
        .map_err(|_| {
            CryptoError::InvalidInput(format!(
                "an AES-GCM key must be {} bytes",
                aead_alg.key_len()
            ))
        })
}

/// Encrypts under a random 96-bit nonce: nonce || ciphertext || tag.
pub(crate) fn gcm_seal(
    key: &LessSafeKey,
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let mut nonce = [0u8; NONCE_LEN];
    aws_lc_rs::rand::fill(&mut nonce).map_err(|_| internal("nonce generation"))?;
    let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let Some((_, body)) = out.split_at_mut_checked(NONCE_LEN) else {
        return Err(internal("AES-GCM framing"));
    };
    match key.seal_in_place_separate_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad), body)
    {
        Ok(tag) => {
            out.extend_from_slice(tag.as_ref());
            Ok(out)
        }
        Err(_) => {
            out.zeroize();
            Err(internal("AES-GCM encryption"))
        }
    }
}

/// Inverse of [`gcm_seal`]. Framing shorter than nonce + tag is `InvalidInput`; any
/// authentication failure is `AuthenticationFailed`.
pub(crate) fn gcm_open(
    key: &LessSafeKey,
    aad: &[u8],
    sealed: &[u8],
) -> Result<SecretBytes, CryptoError> {
    let too_short = || {
        CryptoError::InvalidInput(format!(
            "AES-GCM ciphertext too short: {} bytes, at least {} needed",
            sealed.len(),
            NONCE_LEN + TAG_LEN
        ))
    };
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return Err(too_short());
    }
    let (nonce, body) = sealed.split_at_checked(NONCE_LEN).ok_or_else(too_short)?;
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| too_short())?;
    let mut buf = body.to_vec();
    let opened = key
        .open_in_place(nonce, Aad::from(aad), &mut buf)
        .map(|plaintext| plaintext.len());
    match opened {
        Ok(len) => {
            buf.truncate(len);
            Ok(SecretBytes::new(buf))
        }
        Err(_) => {
            buf.zeroize();
            Err(CryptoError::AuthenticationFailed)
        }
    }
}

/// An AES key version. The GCM key schedule lives inside aws-lc, which cleanses it on drop;
/// the raw bytes, kept for the caller-framed modes (which build their aws-lc key per call),
/// are zeroized on drop.
struct AesKey {
    alg: KeyAlgorithm,
    key: LessSafeKey,
    raw: Zeroizing<Vec<u8>>,
}

impl KeyHandle for AesKey {
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

    fn encrypt(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        gcm_seal(&self.key, aad, plaintext)
    }

    fn decrypt(&self, ciphertext: &[u8], aad: &[u8]) -> Result<SecretBytes, CryptoError> {
        gcm_open(&self.key, aad, ciphertext)
    }

    fn encrypt_with(
        &self,
        params: &CipherParams<'_>,
        plaintext: &[u8],
    ) -> Result<CipherOutput, CryptoError> {
        modes::encrypt(&self.raw, params, plaintext)
    }

    fn decrypt_with(
        &self,
        params: &CipherParams<'_>,
        ciphertext: &[u8],
        tag: Option<&[u8]>,
    ) -> Result<SecretBytes, CryptoError> {
        modes::decrypt(&self.raw, params, ciphertext, tag)
    }

    /// HMAC keyed with this AES key's bytes, only when the caller names the hash: KMIP lets a
    /// symmetric key registered as AES be used for MAC with an explicit HMAC algorithm
    /// (conformance case CS-AC-M-4). Whether a key may MAC is the caller's usage policy.
    /// An AES key whose usage allows MAC (KMIP registers such keys) computes HMAC-SHA-256
    /// with its key bytes.
    fn mac(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        kdf::hmac(HashAlgorithm::Sha256, &self.raw, data)
    }

    fn mac_verify(&self, data: &[u8], tag: &[u8]) -> Result<bool, CryptoError> {
        kdf::hmac_verify(HashAlgorithm::Sha256, &self.raw, data, tag)
    }

    fn mac_with(&self, hash: Option<HashAlgorithm>, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        kdf::hmac(self.explicit_hash(hash)?, &self.raw, data)
    }

    fn mac_verify_with(
        &self,
        hash: Option<HashAlgorithm>,
        data: &[u8],
        tag: &[u8],
    ) -> Result<bool, CryptoError> {
        kdf::hmac_verify(self.explicit_hash(hash)?, &self.raw, data, tag)
    }
}

impl AesKey {
    fn explicit_hash(&self, hash: Option<HashAlgorithm>) -> Result<HashAlgorithm, CryptoError> {
        hash.ok_or_else(|| {
            CryptoError::Unsupported(format!(
                "{} keys compute an HMAC only with an explicitly named hash",
                self.alg
            ))
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
    use crate::testutil::{assert_unsupported, load_fresh};
    use keyhaven_core::Operation;

    const ALGS: [KeyAlgorithm; 3] = [
        KeyAlgorithm::Aes128,
        KeyAlgorithm::Aes192,
        KeyAlgorithm::Aes256,
    ];

    #[test]
    fn generate_gives_raw_key_of_the_right_length() {
        for (alg, len) in ALGS.into_iter().zip([16, 24, 32]) {
            let key = generate(alg).unwrap();
            assert_eq!(key.material.len(), len, "{alg}");
            assert!(key.public_key.is_none());
            assert_ne!(key.material.expose(), vec![0u8; len].as_slice());
        }
    }

    #[test]
    fn encrypt_decrypt_round_trip() {
        for alg in ALGS {
            let (_, key) = load_fresh(alg);
            for aad in [&b""[..], b"context"] {
                for plaintext in [&b""[..], b"x", b"attack at dawn, bring snacks"] {
                    let ct = key.encrypt(plaintext, aad).unwrap();
                    assert_eq!(ct.len(), NONCE_LEN + plaintext.len() + TAG_LEN);
                    assert_eq!(key.decrypt(&ct, aad).unwrap().expose(), plaintext, "{alg}");
                }
            }
            // Fresh nonce every time.
            assert_ne!(
                key.encrypt(b"same", b"").unwrap(),
                key.encrypt(b"same", b"").unwrap()
            );
        }
    }

    #[test]
    fn tampering_wrong_aad_and_wrong_key_fail_authentication() {
        for alg in ALGS {
            let (_, key) = load_fresh(alg);
            let (_, other) = load_fresh(alg);
            let ct = key.encrypt(b"secret payload", b"aad").unwrap();
            for i in [0, NONCE_LEN, ct.len() - 1] {
                let mut bad = ct.clone();
                bad[i] ^= 0x01;
                assert_eq!(
                    key.decrypt(&bad, b"aad").err(),
                    Some(CryptoError::AuthenticationFailed)
                );
            }
            assert_eq!(
                key.decrypt(&ct, b"AAD").err(),
                Some(CryptoError::AuthenticationFailed)
            );
            assert_eq!(
                key.decrypt(&ct, b"").err(),
                Some(CryptoError::AuthenticationFailed)
            );
            assert_eq!(
                other.decrypt(&ct, b"aad").err(),
                Some(CryptoError::AuthenticationFailed)
            );
        }
    }

    #[test]
    fn short_ciphertext_is_invalid_input() {
        let (_, key) = load_fresh(KeyAlgorithm::Aes256);
        for len in [0, 1, NONCE_LEN, NONCE_LEN + TAG_LEN - 1] {
            assert!(matches!(
                key.decrypt(&vec![0u8; len], b""),
                Err(CryptoError::InvalidInput(_))
            ));
        }
        // Exactly nonce + tag is well framed (empty plaintext) but not authentic.
        assert_eq!(
            key.decrypt(&[0u8; NONCE_LEN + TAG_LEN], b"").err(),
            Some(CryptoError::AuthenticationFailed)
        );
    }

    #[test]
    fn other_operations_are_unsupported() {
        for alg in ALGS {
            let (_, key) = load_fresh(alg);
            assert_unsupported(
                key.as_ref(),
                &[
                    Operation::Sign,
                    Operation::Verify,
                    Operation::Encapsulate,
                    Operation::Decapsulate,
                ],
            );
        }
    }

    #[test]
    fn mac_is_hmac_sha256_with_the_key_bytes() {
        let raw = [0x0bu8; 32];
        let key = load(KeyAlgorithm::Aes256, &raw).unwrap();
        let tag = key.mac(b"data").unwrap();
        assert_eq!(
            tag,
            kdf::hmac(HashAlgorithm::Sha256, &raw, b"data").unwrap()
        );
        assert!(key.mac_verify(b"data", &tag).unwrap());
        assert!(!key.mac_verify(b"datA", &tag).unwrap());
    }

    #[test]
    fn import_validates_length() {
        for (alg, len) in ALGS.into_iter().zip([16usize, 24, 32]) {
            let imported = import(alg, &vec![7u8; len]).unwrap();
            assert_eq!(imported.material.expose(), vec![7u8; len].as_slice());
            for bad in [0, len - 1, len + 1, 64] {
                let err = import(alg, &vec![7u8; bad]).err().unwrap();
                assert!(
                    matches!(err, CryptoError::InvalidKeyMaterial(_)),
                    "{alg} {bad}"
                );
                assert!(load(alg, &vec![7u8; bad]).is_err());
            }
        }
    }

    #[test]
    fn caller_framed_modes_and_explicit_hmac_through_the_handle() {
        use keyhaven_core::cipher::{BlockMode, Padding};
        // KMIP CS-BC-M-10: AES-128-CBC-PKCS5 with a caller IV.
        let key = load(
            KeyAlgorithm::Aes128,
            &crate::testutil::unhex("0123456789abcdef0123456789abcdef"),
        )
        .unwrap();
        let iv = crate::testutil::unhex("01020304050607080910111213141516");
        let params = CipherParams {
            mode: Some(BlockMode::Cbc),
            padding: Some(Padding::Pkcs5),
            iv: Some(&iv),
            ..Default::default()
        };
        let pt = crate::testutil::unhex(
            "010203040506070809101112131415160102030405060708091011121314151601",
        );
        let out = key.encrypt_with(&params, &pt).unwrap();
        assert_eq!(out.data, crate::testutil::unhex("79abc5c23868ad84d388ce61110a62742bda19d694bbcb757dd06617c0d80fb1df2e71864ad9633d7d797e30860df00d"));
        assert_eq!(
            key.decrypt_with(&params, &out.data, None).unwrap().expose(),
            pt
        );
        // Default (no mode): GCM with a fresh nonce, which keyhaven's framing can open too.
        let out = key
            .encrypt_with(&CipherParams::default(), b"hello")
            .unwrap();
        let nonce = out.iv.clone().unwrap();
        let framed = [nonce.as_slice(), &out.data, out.tag.as_ref().unwrap()].concat();
        assert_eq!(key.decrypt(&framed, b"").unwrap().expose(), b"hello");
        // KMIP CS-AC-M-4: HMAC-SHA256 keyed with an AES-128 key, only with the hash named.
        let data = crate::testutil::unhex("01020304050607080910111213141516");
        let tag = key.mac_with(Some(HashAlgorithm::Sha256), &data).unwrap();
        assert_eq!(
            tag,
            crate::testutil::unhex(
                "c911e78196d64c30f631bb079ea37b97a95936d4da764d6a171df030c895ecf9"
            )
        );
        assert!(key
            .mac_verify_with(Some(HashAlgorithm::Sha256), &data, &tag)
            .unwrap());
        assert!(!key
            .mac_verify_with(Some(HashAlgorithm::Sha256), b"x", &tag)
            .unwrap());
        assert!(matches!(
            key.mac_with(None, &data),
            Err(CryptoError::Unsupported(_))
        ));
        // Signing stays unsupported.
        assert!(matches!(
            key.sign_with(&Default::default(), b"m"),
            Err(CryptoError::Unsupported(_))
        ));
    }
}
