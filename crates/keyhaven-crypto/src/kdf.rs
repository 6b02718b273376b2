//! Stateless primitives the KMIP server calls without a stored key: digests, HMAC, PBKDF2 and
//! the NIST SP 800-108 counter-mode KDF, plus the mapping from [`HashAlgorithm`] to aws-lc.

use aws_lc_rs::kdf::{get_kbkdf_ctr_hmac_algorithm, kbkdf_ctr_hmac, KbkdfCtrHmacAlgorithmId};
use aws_lc_rs::{digest, hmac as lc_hmac, pbkdf2 as lc_pbkdf2};
use keyhaven_core::cipher::HashAlgorithm;
use keyhaven_core::{CryptoError, SecretBytes};

use crate::error::internal;

/// The aws-lc digest algorithm of a hash (every [`HashAlgorithm`] known today has one).
pub(crate) fn digest_alg(hash: HashAlgorithm) -> Result<&'static digest::Algorithm, CryptoError> {
    Ok(match hash {
        HashAlgorithm::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        HashAlgorithm::Sha224 => &digest::SHA224,
        HashAlgorithm::Sha256 => &digest::SHA256,
        HashAlgorithm::Sha384 => &digest::SHA384,
        HashAlgorithm::Sha512 => &digest::SHA512,
        HashAlgorithm::Sha512_256 => &digest::SHA512_256,
        HashAlgorithm::Sha3_256 => &digest::SHA3_256,
        HashAlgorithm::Sha3_384 => &digest::SHA3_384,
        HashAlgorithm::Sha3_512 => &digest::SHA3_512,
        other => {
            return Err(CryptoError::Unsupported(format!(
                "the {other} hash is not offered"
            )))
        }
    })
}

/// The aws-lc HMAC algorithm of a hash: SHA-1, SHA-224, SHA-256, SHA-384 and SHA-512.
pub(crate) fn hmac_alg(hash: HashAlgorithm) -> Result<lc_hmac::Algorithm, CryptoError> {
    match hash {
        HashAlgorithm::Sha1 => Ok(lc_hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY),
        HashAlgorithm::Sha224 => Ok(lc_hmac::HMAC_SHA224),
        HashAlgorithm::Sha256 => Ok(lc_hmac::HMAC_SHA256),
        HashAlgorithm::Sha384 => Ok(lc_hmac::HMAC_SHA384),
        HashAlgorithm::Sha512 => Ok(lc_hmac::HMAC_SHA512),
        other => Err(CryptoError::Unsupported(format!(
            "HMAC with {other} is not offered; use sha-1, sha-224, sha-256, sha-384 or sha-512"
        ))),
    }
}

/// Imports a caller's digest for signing or verification, checking its length.
pub(crate) fn import_digest(
    hash: HashAlgorithm,
    digest: &[u8],
) -> Result<digest::Digest, CryptoError> {
    if digest.len() != hash.output_len() {
        return Err(CryptoError::InvalidInput(format!(
            "a {hash} digest is {} bytes, got {} bytes",
            hash.output_len(),
            digest.len()
        )));
    }
    digest::Digest::import_less_safe(digest, digest_alg(hash)?)
        .map_err(|_| internal("digest import"))
}

/// The digest of `data` (KMIP Hash). Every hash of [`HashAlgorithm`] is offered; the error is
/// for variants added later.
/// Derives `len` bytes from `base` (a key's or a password's bytes) as `derivation` says.
pub(crate) fn derive_from(
    base: &[u8],
    derivation: &keyhaven_core::cipher::Derivation<'_>,
    len: usize,
) -> Result<SecretBytes, CryptoError> {
    use keyhaven_core::cipher::Derivation;
    match *derivation {
        Derivation::Pbkdf2 {
            hash,
            salt,
            iterations,
        } => pbkdf2(hash, base, salt, iterations, len),
        Derivation::Hmac { hash, data } => hmac_kdf(hash, base, data, len),
        Derivation::CounterHmac {
            hash,
            label,
            context,
        } => sp800_108_counter_hmac(hash, base, label, context, len),
        _ => Err(CryptoError::Unsupported(
            "this derivation method is not offered".to_owned(),
        )),
    }
}

pub fn digest(alg: HashAlgorithm, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    Ok(digest::digest(digest_alg(alg)?, data).as_ref().to_vec())
}

/// HMAC of `data` under `key` with `hash` (SHA-1, SHA-224, SHA-256, SHA-384 or SHA-512).
/// Any key length is accepted, as HMAC allows (RFC 2104); short keys are the caller's policy.
pub fn hmac(hash: HashAlgorithm, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let key = lc_hmac::Key::new(hmac_alg(hash)?, key);
    Ok(lc_hmac::sign(&key, data).as_ref().to_vec())
}

/// Constant-time check of an [`hmac`] tag; a tag of the wrong length does not verify.
pub fn hmac_verify(
    hash: HashAlgorithm,
    key: &[u8],
    data: &[u8],
    tag: &[u8],
) -> Result<bool, CryptoError> {
    let key = lc_hmac::Key::new(hmac_alg(hash)?, key);
    Ok(lc_hmac::verify(&key, data, tag).is_ok())
}

/// HMAC used as a key derivation function (KMIP Derivation Method HMAC): the first `len`
/// bytes of HMAC(key, data). `len` must be 1 to the hash output length.
pub fn hmac_kdf(
    hash: HashAlgorithm,
    key: &[u8],
    data: &[u8],
    len: usize,
) -> Result<SecretBytes, CryptoError> {
    if len == 0 || len > hash.output_len() {
        return Err(CryptoError::InvalidInput(format!(
            "HMAC-{hash} derives 1 to {} bytes, {len} asked",
            hash.output_len()
        )));
    }
    let mut tag = hmac(hash, key, data)?;
    tag.truncate(len);
    Ok(SecretBytes::new(tag))
}

/// Largest output of the derivation functions here (1 MiB): a bound on caller-driven work.
const MAX_DERIVED_LEN: usize = 1 << 20;

fn check_len(what: &str, len: usize) -> Result<(), CryptoError> {
    if len == 0 || len > MAX_DERIVED_LEN {
        return Err(CryptoError::InvalidInput(format!(
            "{what} derives 1 to {MAX_DERIVED_LEN} bytes, {len} asked"
        )));
    }
    Ok(())
}

/// Most PBKDF2 iterations accepted: a bound on caller-driven work.
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;

/// PBKDF2 (RFC 8018) with HMAC-`hash` (SHA-1, SHA-256, SHA-384 or SHA-512): `len` bytes
/// from `password` and `salt` after `iterations` rounds (1 to [`MAX_PBKDF2_ITERATIONS`]).
pub fn pbkdf2(
    hash: HashAlgorithm,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    len: usize,
) -> Result<SecretBytes, CryptoError> {
    let alg = match hash {
        HashAlgorithm::Sha1 => lc_pbkdf2::PBKDF2_HMAC_SHA1,
        HashAlgorithm::Sha256 => lc_pbkdf2::PBKDF2_HMAC_SHA256,
        HashAlgorithm::Sha384 => lc_pbkdf2::PBKDF2_HMAC_SHA384,
        HashAlgorithm::Sha512 => lc_pbkdf2::PBKDF2_HMAC_SHA512,
        other => {
            return Err(CryptoError::Unsupported(format!(
                "PBKDF2 with HMAC-{other} is not offered; use sha-1, sha-256, sha-384 or sha-512"
            )))
        }
    };
    check_len("PBKDF2", len)?;
    let rounds = std::num::NonZeroU32::new(iterations)
        .filter(|n| n.get() <= MAX_PBKDF2_ITERATIONS)
        .ok_or_else(|| {
            CryptoError::InvalidInput(format!(
                "PBKDF2 takes 1 to {MAX_PBKDF2_ITERATIONS} iterations, got {iterations}"
            ))
        })?;
    let mut out = SecretBytes::zeroed(len);
    lc_pbkdf2::derive(alg, rounds, salt, password, out.expose_mut());
    Ok(out)
}

/// NIST SP 800-108r1 KDF in counter mode with HMAC-`hash` as the PRF (SHA-224, SHA-256,
/// SHA-384 or SHA-512), deriving `len` bytes from `key`.
///
/// Exact layout: for i = 1, 2, ... the PRF input is
/// `[i]_32 || label || 0x00 || context || [L]_32`, where `[i]_32` is the counter as a 32-bit
/// big-endian integer placed *before* the fixed input, and `[L]_32` is the output length in
/// **bits** as a 32-bit big-endian integer; the outputs are concatenated and cut to `len`.
pub fn sp800_108_counter_hmac(
    hash: HashAlgorithm,
    key: &[u8],
    label: &[u8],
    context: &[u8],
    len: usize,
) -> Result<SecretBytes, CryptoError> {
    let id = match hash {
        HashAlgorithm::Sha224 => KbkdfCtrHmacAlgorithmId::Sha224,
        HashAlgorithm::Sha256 => KbkdfCtrHmacAlgorithmId::Sha256,
        HashAlgorithm::Sha384 => KbkdfCtrHmacAlgorithmId::Sha384,
        HashAlgorithm::Sha512 => KbkdfCtrHmacAlgorithmId::Sha512,
        other => {
            return Err(CryptoError::Unsupported(format!(
                "the SP 800-108 KDF with HMAC-{other} is not offered; use sha-224, sha-256, \
                 sha-384 or sha-512"
            )))
        }
    };
    check_len("the SP 800-108 KDF", len)?;
    if key.is_empty() {
        return Err(CryptoError::InvalidInput(
            "the SP 800-108 KDF needs a non-empty key".to_owned(),
        ));
    }
    let bits = len
        .checked_mul(8)
        .and_then(|b| u32::try_from(b).ok())
        .ok_or_else(|| CryptoError::InvalidInput("derived length too large".to_owned()))?;
    let mut fixed = Vec::with_capacity(label.len() + context.len() + 5);
    fixed.extend_from_slice(label);
    fixed.push(0);
    fixed.extend_from_slice(context);
    fixed.extend_from_slice(&bits.to_be_bytes());
    let alg = get_kbkdf_ctr_hmac_algorithm(id).ok_or_else(|| internal("KBKDF lookup"))?;
    let mut out = SecretBytes::zeroed(len);
    kbkdf_ctr_hmac(alg, key, &fixed, out.expose_mut()).map_err(|_| internal("SP 800-108 KDF"))?;
    Ok(out)
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
    use crate::testutil::unhex;

    #[test]
    fn digests_known_answers() {
        // KMIP CS-AC-M-7 (1.4): Hash of 0102..16 with SHA-256 and SHA-512.
        let data = unhex("01020304050607080910111213141516");
        assert_eq!(
            digest(HashAlgorithm::Sha256, &data).unwrap(),
            unhex("ad41233d22cf9322e3a7ff49a13da434797abed3bab80950a1a0d4e582b7ea72")
        );
        assert!(hex(&digest(HashAlgorithm::Sha512, &data).unwrap())
            .starts_with("406a806f76c06b90c8aca278995d4271037f91124ebfaba5475f1f59ee21ebe3"));
        // FIPS 180 / 202 "abc".
        for (alg, expected) in [
            (
                HashAlgorithm::Sha1,
                "a9993e364706816aba3e25717850c26c9cd0d89d",
            ),
            (
                HashAlgorithm::Sha224,
                "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
            ),
            (
                HashAlgorithm::Sha3_256,
                "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
            ),
            (
                HashAlgorithm::Sha512_256,
                "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23",
            ),
        ] {
            assert_eq!(hex(&digest(alg, b"abc").unwrap()), expected, "{alg}");
        }
        for alg in HashAlgorithm::ALL {
            assert_eq!(digest(alg, b"x").unwrap().len(), alg.output_len(), "{alg}");
        }
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hmac_known_answers_and_verify() {
        // KMIP CS-AC-M-4 (1.4): HMAC-SHA256 under the 16-byte key 0123..ef.
        let key = unhex("0123456789abcdef0123456789abcdef");
        let data = unhex("01020304050607080910111213141516");
        let expected = unhex("c911e78196d64c30f631bb079ea37b97a95936d4da764d6a171df030c895ecf9");
        assert_eq!(hmac(HashAlgorithm::Sha256, &key, &data).unwrap(), expected);
        assert!(hmac_verify(HashAlgorithm::Sha256, &key, &data, &expected).unwrap());
        assert!(!hmac_verify(HashAlgorithm::Sha256, &key, b"other", &expected).unwrap());
        assert!(!hmac_verify(HashAlgorithm::Sha256, &key, &data, &expected[..31]).unwrap());
        // RFC 2202 test case 2 (HMAC-SHA1, key "Jefe").
        assert_eq!(
            hex(&hmac(
                HashAlgorithm::Sha1,
                b"Jefe",
                b"what do ya want for nothing?"
            )
            .unwrap()),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
        // RFC 4231 test case 2 (HMAC-SHA224).
        assert_eq!(
            hex(&hmac(
                HashAlgorithm::Sha224,
                b"Jefe",
                b"what do ya want for nothing?"
            )
            .unwrap()),
            "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44"
        );
        assert!(matches!(
            hmac(HashAlgorithm::Sha3_256, &key, &data),
            Err(CryptoError::Unsupported(_))
        ));
        let okm = hmac_kdf(HashAlgorithm::Sha256, &key, &data, 16).unwrap();
        assert_eq!(okm.expose(), &expected[..16]);
        for bad in [0, 33] {
            assert!(hmac_kdf(HashAlgorithm::Sha256, &key, &data, bad).is_err());
        }
    }

    #[test]
    fn pbkdf2_known_answers() {
        // RFC 6070 test 2 (PBKDF2-HMAC-SHA1, 2 iterations, 20 bytes).
        let out = pbkdf2(HashAlgorithm::Sha1, b"password", b"salt", 2, 20).unwrap();
        assert_eq!(
            hex(out.expose()),
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"
        );
        // PBKDF2-HMAC-SHA256, 1 iteration, 32 bytes (widely published vector).
        let out = pbkdf2(HashAlgorithm::Sha256, b"password", b"salt", 1, 32).unwrap();
        assert_eq!(
            hex(out.expose()),
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"
        );
        assert!(pbkdf2(HashAlgorithm::Sha256, b"p", b"s", 0, 32).is_err());
        assert!(pbkdf2(HashAlgorithm::Sha256, b"p", b"s", 1, 0).is_err());
        assert!(pbkdf2(
            HashAlgorithm::Sha256,
            b"p",
            b"s",
            MAX_PBKDF2_ITERATIONS + 1,
            32
        )
        .is_err());
        assert!(matches!(
            pbkdf2(HashAlgorithm::Sha224, b"p", b"s", 1, 32),
            Err(CryptoError::Unsupported(_))
        ));
    }

    /// SP 800-108 counter mode computed by hand from HMAC, to pin the documented layout.
    fn kdf_by_hand(
        hash: HashAlgorithm,
        key: &[u8],
        label: &[u8],
        ctx: &[u8],
        len: usize,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i: u32 = 1;
        while out.len() < len {
            let mut input = i.to_be_bytes().to_vec();
            input.extend_from_slice(label);
            input.push(0);
            input.extend_from_slice(ctx);
            input.extend_from_slice(&((len * 8) as u32).to_be_bytes());
            out.extend(hmac(hash, key, &input).unwrap());
            i += 1;
        }
        out.truncate(len);
        out
    }

    #[test]
    fn sp800_108_matches_the_documented_layout() {
        let key = unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        for hash in [
            HashAlgorithm::Sha224,
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            for len in [1, 16, 32, 48, 100] {
                let derived =
                    sp800_108_counter_hmac(hash, &key, b"encryption", b"vault-1", len).unwrap();
                assert_eq!(
                    derived.expose(),
                    kdf_by_hand(hash, &key, b"encryption", b"vault-1", len).as_slice(),
                    "{hash} {len}"
                );
            }
        }
        // Label and context are separated, so moving bytes between them changes the output.
        let a = sp800_108_counter_hmac(HashAlgorithm::Sha256, &key, b"ab", b"c", 32).unwrap();
        let b = sp800_108_counter_hmac(HashAlgorithm::Sha256, &key, b"a", b"bc", 32).unwrap();
        assert_ne!(a, b);
        assert!(sp800_108_counter_hmac(HashAlgorithm::Sha256, &[], b"l", b"c", 32).is_err());
        assert!(sp800_108_counter_hmac(HashAlgorithm::Sha256, &key, b"l", b"c", 0).is_err());
        assert!(matches!(
            sp800_108_counter_hmac(HashAlgorithm::Sha1, &key, b"l", b"c", 32),
            Err(CryptoError::Unsupported(_))
        ));
    }
}
