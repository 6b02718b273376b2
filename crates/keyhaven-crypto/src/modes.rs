//! AES block cipher modes for caller-framed cryptography (KMIP Encrypt / Decrypt): GCM with
//! any IV length and truncated tags, CBC and ECB with PKCS#5 padding or none, CTR, and AES key
//! wrap (RFC 3394) and key wrap with padding (RFC 5649).
//!
//! Everything runs on aws-lc. Two pieces are composed here from aws-lc's AES block function
//! because aws-lc-rs has no API for them:
//! - GCM with an IV other than 96 bits (NIST SP 800-38D derives the pre-counter block J0 with
//!   GHASH) and GCM decryption with a truncated tag. GHASH is computed in constant time
//!   (no table, no secret-dependent branch); 96-bit IVs with full tags use aws-lc's AEAD.
//! - Key wrap with a 192-bit key-encryption key (aws-lc-rs wraps with AES-128 and AES-256).

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::cipher::{
    self as lc, DecryptingKey, DecryptionContext, EncryptingKey, EncryptionContext,
    PaddedBlockDecryptingKey, PaddedBlockEncryptingKey, UnboundCipherKey,
};
use aws_lc_rs::constant_time::verify_slices_are_equal;
use aws_lc_rs::iv::FixedLength;
use aws_lc_rs::key_wrap::{self as kw, AesKek, KeyWrap, KeyWrapPadded};
use keyhaven_core::cipher::{BlockMode, CipherOutput, CipherParams, Padding};
use keyhaven_core::{CryptoError, SecretBytes};
use zeroize::{Zeroize, Zeroizing};

use crate::error::internal;

/// The AES block length.
const BLOCK: usize = 16;
/// The GCM nonce length aws-lc's AEAD takes (96 bits, the recommended one).
const GCM_NONCE_LEN: usize = 12;
/// Shortest GCM tag accepted (NIST SP 800-38D allows 96 to 128 bits for general use).
pub const MIN_GCM_TAG_LEN: usize = 12;
/// Longest (full) GCM tag.
pub const MAX_GCM_TAG_LEN: usize = 16;
/// Longest GCM IV accepted; SP 800-38D allows longer, no caller needs it.
const MAX_GCM_IV_LEN: usize = 1024;
/// Longest GCM plaintext: 2^32 - 2 blocks (SP 800-38D).
const MAX_GCM_LEN: u64 = ((1u64 << 32) - 2) * BLOCK as u64;

fn invalid(message: impl Into<String>) -> CryptoError {
    CryptoError::InvalidInput(message.into())
}

/// The aws-lc cipher for an AES key of 16, 24 or 32 bytes.
fn cipher_alg(key: &[u8]) -> Result<&'static lc::Algorithm, CryptoError> {
    match key.len() {
        16 => Ok(&lc::AES_128),
        24 => Ok(&lc::AES_192),
        32 => Ok(&lc::AES_256),
        n => Err(invalid(format!(
            "an AES key is 16, 24 or 32 bytes, got {n} bytes"
        ))),
    }
}

fn unbound(key: &[u8]) -> Result<UnboundCipherKey, CryptoError> {
    UnboundCipherKey::new(cipher_alg(key)?, key).map_err(|_| internal("AES key setup"))
}

fn aead_alg(key: &[u8]) -> Result<&'static aead::Algorithm, CryptoError> {
    match key.len() {
        16 => Ok(&aead::AES_128_GCM),
        24 => Ok(&aead::AES_192_GCM),
        32 => Ok(&aead::AES_256_GCM),
        n => Err(invalid(format!(
            "an AES key is 16, 24 or 32 bytes, got {n} bytes"
        ))),
    }
}

fn random_vec(len: usize) -> Result<Vec<u8>, CryptoError> {
    let mut v = vec![0u8; len];
    aws_lc_rs::rand::fill(&mut v).map_err(|_| internal("IV generation"))?;
    Ok(v)
}

fn iv128(iv: &[u8], mode: BlockMode) -> Result<FixedLength<16>, CryptoError> {
    FixedLength::<16>::try_from(iv).map_err(|_| {
        invalid(format!(
            "the {mode} IV must be {BLOCK} bytes, got {} bytes",
            iv.len()
        ))
    })
}

/// Checks the parameters that AES modes do not take, and returns the mode and padding.
fn check_params(params: &CipherParams<'_>) -> Result<(BlockMode, bool), CryptoError> {
    let mode = params.mode.unwrap_or(BlockMode::Gcm);
    if params.hash.is_some() || params.mgf1_hash.is_some() || params.oaep_label.is_some() {
        return Err(invalid(
            "AES encryption takes no hash, MGF1 hash or OAEP label",
        ));
    }
    let padded = match (mode, params.padding) {
        (_, None | Some(Padding::None)) => false,
        (BlockMode::Cbc | BlockMode::Ecb, Some(Padding::Pkcs5)) => true,
        (mode, Some(padding)) => {
            return Err(invalid(format!(
                "AES-{mode} does not take {padding} padding"
            )))
        }
    };
    if mode != BlockMode::Gcm {
        if !params.aad.is_empty() {
            return Err(invalid(format!(
                "AES-{mode} takes no additional authenticated data; only GCM does"
            )));
        }
        if params.tag_len.is_some() {
            return Err(invalid(format!(
                "AES-{mode} has no authentication tag; only GCM does"
            )));
        }
    }
    if matches!(
        mode,
        BlockMode::Ecb | BlockMode::KeyWrap | BlockMode::KeyWrapPadded
    ) && params.iv.is_some()
    {
        return Err(invalid(format!("AES-{mode} takes no IV")));
    }
    Ok((mode, padded))
}

/// Caller-framed AES encryption under raw key bytes. Defaults: GCM, no padding, a random IV
/// (12 bytes for GCM, 16 for CBC and CTR) returned in the output, a 16-byte tag.
pub(crate) fn encrypt(
    key: &[u8],
    params: &CipherParams<'_>,
    plaintext: &[u8],
) -> Result<CipherOutput, CryptoError> {
    let (mode, padded) = check_params(params)?;
    match mode {
        BlockMode::Gcm => gcm_encrypt(key, params.iv, params.aad, plaintext, params.tag_len),
        BlockMode::Cbc => {
            let (iv, generated) = iv_or_random(params.iv, BLOCK)?;
            let data = cbc_encrypt(key, padded, &iv, plaintext)?;
            Ok(CipherOutput {
                data,
                iv: generated.then_some(iv),
                tag: None,
            })
        }
        BlockMode::Ecb => Ok(CipherOutput {
            data: ecb_encrypt(key, padded, plaintext)?,
            iv: None,
            tag: None,
        }),
        BlockMode::Ctr => {
            let (iv, generated) = iv_or_random(params.iv, BLOCK)?;
            let data = ctr_encrypt(key, &iv, plaintext)?;
            Ok(CipherOutput {
                data,
                iv: generated.then_some(iv),
                tag: None,
            })
        }
        BlockMode::KeyWrap => Ok(CipherOutput {
            data: aes_key_wrap(key, plaintext)?,
            iv: None,
            tag: None,
        }),
        BlockMode::KeyWrapPadded => Ok(CipherOutput {
            data: aes_key_wrap_padded(key, plaintext)?,
            iv: None,
            tag: None,
        }),
        other => Err(CryptoError::Unsupported(format!(
            "AES-{other} is not offered"
        ))),
    }
}

/// Inverse of [`encrypt`]. CBC, CTR and GCM need the IV; GCM needs the tag.
pub(crate) fn decrypt(
    key: &[u8],
    params: &CipherParams<'_>,
    ciphertext: &[u8],
    tag: Option<&[u8]>,
) -> Result<SecretBytes, CryptoError> {
    let (mode, padded) = check_params(params)?;
    if mode != BlockMode::Gcm && tag.is_some() {
        return Err(invalid(format!(
            "AES-{mode} has no authentication tag; only GCM does"
        )));
    }
    let need_iv = || invalid(format!("AES-{mode} decryption needs the IV"));
    match mode {
        BlockMode::Gcm => {
            let iv = params.iv.ok_or_else(need_iv)?;
            let tag = tag.ok_or_else(|| invalid("AES-GCM decryption needs the tag"))?;
            gcm_decrypt(key, iv, params.aad, ciphertext, tag, params.tag_len)
        }
        BlockMode::Cbc => cbc_decrypt(key, padded, params.iv.ok_or_else(need_iv)?, ciphertext),
        BlockMode::Ecb => ecb_decrypt(key, padded, ciphertext),
        BlockMode::Ctr => ctr_decrypt(key, params.iv.ok_or_else(need_iv)?, ciphertext),
        BlockMode::KeyWrap => aes_key_unwrap(key, ciphertext),
        BlockMode::KeyWrapPadded => aes_key_unwrap_padded(key, ciphertext),
        other => Err(CryptoError::Unsupported(format!(
            "AES-{other} is not offered"
        ))),
    }
}

fn iv_or_random(iv: Option<&[u8]>, len: usize) -> Result<(Vec<u8>, bool), CryptoError> {
    match iv {
        Some(iv) => Ok((iv.to_vec(), false)),
        None => Ok((random_vec(len)?, true)),
    }
}

/// `len` is a multiple of `n` (written without `%` so as not to need Rust 1.87's
/// `is_multiple_of` under the workspace's 1.85 minimum).
fn multiple_of(len: usize, n: usize) -> bool {
    len.checked_rem(n) == Some(0)
}

fn whole_blocks(mode: BlockMode, len: usize) -> Result<(), CryptoError> {
    if multiple_of(len, BLOCK) {
        Ok(())
    } else {
        Err(invalid(format!(
            "AES-{mode} without padding needs a multiple of {BLOCK} bytes, got {len} bytes; \
             use PKCS#5 padding"
        )))
    }
}

fn cbc_encrypt(
    key: &[u8],
    padded: bool,
    iv: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let context = EncryptionContext::Iv128(iv128(iv, BlockMode::Cbc)?);
    let mut buf = plaintext.to_vec();
    let result = if padded {
        PaddedBlockEncryptingKey::cbc_pkcs7(unbound(key)?)
            .and_then(|k| k.less_safe_encrypt(&mut buf, context))
    } else {
        whole_blocks(BlockMode::Cbc, buf.len())?;
        EncryptingKey::cbc(unbound(key)?).and_then(|k| k.less_safe_encrypt(&mut buf, context))
    };
    finish_encrypt(buf, result.map(|_| ()), "AES-CBC encryption")
}

fn cbc_decrypt(
    key: &[u8],
    padded: bool,
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<SecretBytes, CryptoError> {
    let context = DecryptionContext::Iv128(iv128(iv, BlockMode::Cbc)?);
    whole_blocks(BlockMode::Cbc, ciphertext.len())?;
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    let len = if padded {
        PaddedBlockDecryptingKey::cbc_pkcs7(unbound(key)?)
            .and_then(|k| k.decrypt(&mut buf, context).map(|p| p.len()))
    } else {
        DecryptingKey::cbc(unbound(key)?)
            .and_then(|k| k.decrypt(&mut buf, context).map(|p| p.len()))
    }
    .map_err(|_| bad_padding(BlockMode::Cbc))?;
    Ok(SecretBytes::from_slice(buf.get(..len).unwrap_or_default()))
}

fn bad_padding(mode: BlockMode) -> CryptoError {
    invalid(format!(
        "AES-{mode} decryption failed: the padding is not valid PKCS#5 (wrong key, IV or \
         ciphertext)"
    ))
}

fn ecb_encrypt(key: &[u8], padded: bool, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut buf = plaintext.to_vec();
    let result = if padded {
        PaddedBlockEncryptingKey::ecb_pkcs7(unbound(key)?)
            .and_then(|k| k.less_safe_encrypt(&mut buf, EncryptionContext::None))
    } else {
        whole_blocks(BlockMode::Ecb, buf.len())?;
        EncryptingKey::ecb(unbound(key)?)
            .and_then(|k| k.less_safe_encrypt(&mut buf, EncryptionContext::None))
    };
    finish_encrypt(buf, result.map(|_| ()), "AES-ECB encryption")
}

fn ecb_decrypt(key: &[u8], padded: bool, ciphertext: &[u8]) -> Result<SecretBytes, CryptoError> {
    whole_blocks(BlockMode::Ecb, ciphertext.len())?;
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    let len = if padded {
        PaddedBlockDecryptingKey::ecb_pkcs7(unbound(key)?).and_then(|k| {
            k.decrypt(&mut buf, DecryptionContext::None)
                .map(|p| p.len())
        })
    } else {
        DecryptingKey::ecb(unbound(key)?).and_then(|k| {
            k.decrypt(&mut buf, DecryptionContext::None)
                .map(|p| p.len())
        })
    }
    .map_err(|_| bad_padding(BlockMode::Ecb))?;
    Ok(SecretBytes::from_slice(buf.get(..len).unwrap_or_default()))
}

fn ctr_encrypt(key: &[u8], iv: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let context = EncryptionContext::Iv128(iv128(iv, BlockMode::Ctr)?);
    let mut buf = plaintext.to_vec();
    let result = EncryptingKey::ctr(unbound(key)?)
        .and_then(|k| k.less_safe_encrypt(&mut buf, context))
        .map(|_| ());
    finish_encrypt(buf, result, "AES-CTR encryption")
}

fn ctr_decrypt(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Result<SecretBytes, CryptoError> {
    let context = DecryptionContext::Iv128(iv128(iv, BlockMode::Ctr)?);
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    let len = DecryptingKey::ctr(unbound(key)?)
        .and_then(|k| k.decrypt(&mut buf, context).map(|p| p.len()))
        .map_err(|_| internal("AES-CTR decryption"))?;
    Ok(SecretBytes::from_slice(buf.get(..len).unwrap_or_default()))
}

/// Returns the encrypted buffer, or wipes the plaintext it may still hold.
fn finish_encrypt(
    mut buf: Vec<u8>,
    result: Result<(), aws_lc_rs::error::Unspecified>,
    what: &str,
) -> Result<Vec<u8>, CryptoError> {
    match result {
        Ok(()) => Ok(buf),
        Err(_) => {
            buf.zeroize();
            Err(internal(what))
        }
    }
}

fn check_tag_len(tag_len: usize) -> Result<(), CryptoError> {
    if (MIN_GCM_TAG_LEN..=MAX_GCM_TAG_LEN).contains(&tag_len) {
        Ok(())
    } else {
        Err(invalid(format!(
            "invalid GCM tag length {tag_len}: use {MIN_GCM_TAG_LEN} to {MAX_GCM_TAG_LEN} bytes"
        )))
    }
}

fn check_gcm_iv(iv: &[u8]) -> Result<(), CryptoError> {
    if iv.is_empty() || iv.len() > MAX_GCM_IV_LEN {
        return Err(invalid(format!(
            "a GCM IV is 1 to {MAX_GCM_IV_LEN} bytes (12 recommended), got {} bytes",
            iv.len()
        )));
    }
    Ok(())
}

fn check_gcm_len(len: usize) -> Result<(), CryptoError> {
    if u64::try_from(len).map_or(true, |l| l > MAX_GCM_LEN) {
        return Err(invalid("GCM input longer than 2^32 - 2 blocks"));
    }
    Ok(())
}

/// AES-GCM encryption. `tag_len` (default 16) truncates the tag to its leftmost bytes, which
/// is GCM's own truncation (SP 800-38D, 7.1: T = MSB_t(...)).
fn gcm_encrypt(
    key: &[u8],
    iv: Option<&[u8]>,
    aad: &[u8],
    plaintext: &[u8],
    tag_len: Option<usize>,
) -> Result<CipherOutput, CryptoError> {
    let tag_len = tag_len.unwrap_or(MAX_GCM_TAG_LEN);
    check_tag_len(tag_len)?;
    check_gcm_len(plaintext.len())?;
    let (iv, generated) = iv_or_random(iv, GCM_NONCE_LEN)?;
    check_gcm_iv(&iv)?;
    let (data, mut tag) = if iv.len() == GCM_NONCE_LEN {
        let key = LessSafeKey::new(
            UnboundKey::new(aead_alg(key)?, key).map_err(|_| internal("AES-GCM key setup"))?,
        );
        let nonce = Nonce::try_assume_unique_for_key(&iv).map_err(|_| internal("GCM nonce"))?;
        let mut buf = plaintext.to_vec();
        match key.seal_in_place_separate_tag(nonce, Aad::from(aad), &mut buf) {
            Ok(tag) => (buf, tag.as_ref().to_vec()),
            Err(_) => {
                buf.zeroize();
                return Err(internal("AES-GCM encryption"));
            }
        }
    } else {
        let gcm = SoftGcm::new(key)?;
        let j0 = gcm.j0(&iv)?;
        let mut buf = plaintext.to_vec();
        if let Err(e) = gcm.ctr(j0, &mut buf) {
            buf.zeroize();
            return Err(e);
        }
        let tag = gcm.tag(j0, aad, &buf)?;
        (buf, tag.to_vec())
    };
    tag.truncate(tag_len);
    Ok(CipherOutput {
        data,
        iv: generated.then_some(iv),
        tag: Some(tag),
    })
}

/// AES-GCM decryption. The tag's length must be `tag_len` when given (else 12 to 16 bytes);
/// a tag that does not match is `AuthenticationFailed` and no plaintext is released.
fn gcm_decrypt(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
    tag_len: Option<usize>,
) -> Result<SecretBytes, CryptoError> {
    let expected = tag_len.unwrap_or(tag.len());
    check_tag_len(expected)?;
    if tag.len() != expected {
        return Err(invalid(format!(
            "the GCM tag is {} bytes but the tag length is {expected}",
            tag.len()
        )));
    }
    check_gcm_iv(iv)?;
    check_gcm_len(ciphertext.len())?;
    if iv.len() == GCM_NONCE_LEN && tag.len() == MAX_GCM_TAG_LEN {
        let key = LessSafeKey::new(
            UnboundKey::new(aead_alg(key)?, key).map_err(|_| internal("AES-GCM key setup"))?,
        );
        let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| internal("GCM nonce"))?;
        let mut buf = Zeroizing::new(Vec::with_capacity(ciphertext.len() + tag.len()));
        buf.extend_from_slice(ciphertext);
        buf.extend_from_slice(tag);
        let len = key
            .open_in_place(nonce, Aad::from(aad), &mut buf)
            .map(|p| p.len())
            .map_err(|_| CryptoError::AuthenticationFailed)?;
        return Ok(SecretBytes::from_slice(buf.get(..len).unwrap_or_default()));
    }
    let gcm = SoftGcm::new(key)?;
    let j0 = gcm.j0(iv)?;
    let full = gcm.tag(j0, aad, ciphertext)?;
    let prefix = full.get(..tag.len()).ok_or_else(|| internal("GCM tag"))?;
    verify_slices_are_equal(prefix, tag).map_err(|_| CryptoError::AuthenticationFailed)?;
    let mut buf = SecretBytes::from_slice(ciphertext);
    gcm.ctr(j0, buf.expose_mut())?;
    Ok(buf)
}

/// GCM composed from the AES block function (SP 800-38D, section 7) for what aws-lc-rs's AEAD
/// cannot do: IVs other than 96 bits and truncated-tag verification.
struct SoftGcm {
    ecb: EncryptingKey,
    /// The hash subkey H = E_K(0^128), as a big-endian integer.
    h: u128,
}

/// Multiplication in GF(2^128) with GCM's bit order (SP 800-38D, algorithm 1), in constant
/// time: every step runs whatever the bits of `x` and `y`.
fn gf_mul(x: u128, y: u128) -> u128 {
    const R: u128 = 0xe1 << 120;
    let mut z = 0u128;
    let mut v = y;
    for i in 0..128 {
        let bit = (x >> (127 - i)) & 1;
        z ^= v & 0u128.wrapping_sub(bit);
        let lsb = v & 1;
        v = (v >> 1) ^ (R & 0u128.wrapping_sub(lsb));
    }
    z
}

/// `inc32`: increments the low 32 bits of a counter block, modulo 2^32.
fn inc32(x: u128) -> u128 {
    let low = (x as u32).wrapping_add(1);
    (x & !0xffff_ffffu128) | u128::from(low)
}

fn block_of(chunk: &[u8]) -> u128 {
    let mut b = [0u8; BLOCK];
    b.iter_mut().zip(chunk).for_each(|(d, s)| *d = *s);
    u128::from_be_bytes(b)
}

impl SoftGcm {
    fn new(key: &[u8]) -> Result<SoftGcm, CryptoError> {
        let ecb = EncryptingKey::ecb(unbound(key)?).map_err(|_| internal("AES key setup"))?;
        let mut gcm = SoftGcm { ecb, h: 0 };
        gcm.h = gcm.encrypt_block(0)?;
        Ok(gcm)
    }

    fn encrypt_block(&self, block: u128) -> Result<u128, CryptoError> {
        let mut b = block.to_be_bytes();
        self.ecb
            .encrypt(&mut b)
            .map_err(|_| internal("AES block encryption"))?;
        Ok(u128::from_be_bytes(b))
    }

    /// GHASH of `data` zero-padded to whole blocks, continuing from `y`.
    fn ghash(&self, mut y: u128, data: &[u8]) -> u128 {
        for chunk in data.chunks(BLOCK) {
            y = gf_mul(y ^ block_of(chunk), self.h);
        }
        y
    }

    /// The pre-counter block J0: IV || 0^31 || 1 for a 96-bit IV, else
    /// GHASH(IV || 0^(s+64) || [len(IV)]_64).
    fn j0(&self, iv: &[u8]) -> Result<u128, CryptoError> {
        if iv.len() == GCM_NONCE_LEN {
            return Ok((block_of(iv)) | 1);
        }
        let bits = u64::try_from(iv.len())
            .ok()
            .and_then(|l| l.checked_mul(8))
            .ok_or_else(|| invalid("GCM IV too long"))?;
        let y = self.ghash(0, iv);
        Ok(gf_mul(y ^ u128::from(bits), self.h))
    }

    /// GCTR from inc32(J0): XORs the key stream into `data`.
    fn ctr(&self, j0: u128, data: &mut [u8]) -> Result<(), CryptoError> {
        const CHUNK_BLOCKS: usize = 256;
        let mut counter = inc32(j0);
        let mut stream = Zeroizing::new(vec![0u8; CHUNK_BLOCKS * BLOCK]);
        for chunk in data.chunks_mut(CHUNK_BLOCKS * BLOCK) {
            let blocks = chunk.len().div_ceil(BLOCK);
            let ks = stream
                .get_mut(..blocks * BLOCK)
                .ok_or_else(|| internal("GCM key stream"))?;
            for counter_block in ks.chunks_exact_mut(BLOCK) {
                counter_block.copy_from_slice(&counter.to_be_bytes());
                counter = inc32(counter);
            }
            self.ecb
                .encrypt(ks)
                .map_err(|_| internal("AES-GCM key stream"))?;
            chunk.iter_mut().zip(ks.iter()).for_each(|(d, k)| *d ^= k);
        }
        Ok(())
    }

    /// The full 16-byte tag over `aad` and `ciphertext`.
    fn tag(&self, j0: u128, aad: &[u8], ciphertext: &[u8]) -> Result<[u8; BLOCK], CryptoError> {
        let bits = |len: usize| {
            u64::try_from(len)
                .ok()
                .and_then(|l| l.checked_mul(8))
                .ok_or_else(|| invalid("GCM input too long"))
        };
        let lengths = (u128::from(bits(aad.len())?) << 64) | u128::from(bits(ciphertext.len())?);
        let s = self.ghash(self.ghash(0, aad), ciphertext);
        let s = gf_mul(s ^ lengths, self.h);
        Ok((self.encrypt_block(j0)? ^ s).to_be_bytes())
    }
}

/// Checks a key-wrap key-encryption key's length (16, 24 or 32 bytes).
fn check_kek(kek: &[u8]) -> Result<(), CryptoError> {
    match kek.len() {
        16 | 24 | 32 => Ok(()),
        n => Err(invalid(format!(
            "an AES key-encryption key is 16, 24 or 32 bytes, got {n} bytes"
        ))),
    }
}

/// The aws-lc key-encryption key for a 128- or 256-bit KEK; `None` for 192 bits, which is
/// wrapped here from the AES block function.
fn library_kek(kek: &[u8]) -> Result<Option<AesKek>, CryptoError> {
    let cipher = match kek.len() {
        16 => &kw::AES_128,
        32 => &kw::AES_256,
        _ => return Ok(None),
    };
    AesKek::new(cipher, kek)
        .map(Some)
        .map_err(|_| internal("AES key-wrap key setup"))
}

/// Largest input to key wrap (16 MiB); KMIP wraps keys, not bulk data.
const MAX_WRAP_LEN: usize = 1 << 24;

/// AES Key Wrap (RFC 3394, NIST SP 800-38F KW) of `key` under `kek` (16, 24 or 32 bytes).
/// `key` must be a multiple of 8 bytes and at least 16; the output is 8 bytes longer.
pub fn aes_key_wrap(kek: &[u8], key: &[u8]) -> Result<Vec<u8>, CryptoError> {
    check_kek(kek)?;
    if key.len() < 16 || !multiple_of(key.len(), 8) || key.len() > MAX_WRAP_LEN {
        return Err(invalid(format!(
            "AES key wrap (RFC 3394) takes a multiple of 8 bytes, at least 16, got {} bytes; \
             use key wrap with padding (RFC 5649) for other lengths",
            key.len()
        )));
    }
    match library_kek(kek)? {
        Some(lib) => {
            let mut out = vec![0u8; key.len() + 8];
            let len = lib
                .wrap(key, &mut out)
                .map_err(|_| internal("AES key wrap"))?
                .len();
            out.truncate(len);
            Ok(out)
        }
        None => soft_wrap(kek, KW_IV, key),
    }
}

/// Inverse of [`aes_key_wrap`]; `AuthenticationFailed` when the integrity check fails (wrong
/// KEK or altered data).
pub fn aes_key_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<SecretBytes, CryptoError> {
    check_kek(kek)?;
    if wrapped.len() < 24 || !multiple_of(wrapped.len(), 8) || wrapped.len() > MAX_WRAP_LEN + 8 {
        return Err(invalid(format!(
            "an RFC 3394 wrapped key is a multiple of 8 bytes, at least 24, got {} bytes",
            wrapped.len()
        )));
    }
    match library_kek(kek)? {
        Some(lib) => {
            let mut out = SecretBytes::zeroed(wrapped.len() - 8);
            let len = lib
                .unwrap(wrapped, out.expose_mut())
                .map_err(|_| CryptoError::AuthenticationFailed)?
                .len();
            Ok(SecretBytes::from_slice(
                out.expose().get(..len).unwrap_or_default(),
            ))
        }
        None => {
            let (a, plain) = soft_unwrap(kek, wrapped)?;
            verify_slices_are_equal(&a.to_be_bytes(), &KW_IV.to_be_bytes())
                .map_err(|_| CryptoError::AuthenticationFailed)?;
            Ok(plain)
        }
    }
}

/// AES Key Wrap with Padding (RFC 5649, NIST SP 800-38F KWP) of `key` (1 byte or more) under
/// `kek` (16, 24 or 32 bytes).
pub fn aes_key_wrap_padded(kek: &[u8], key: &[u8]) -> Result<Vec<u8>, CryptoError> {
    check_kek(kek)?;
    if key.is_empty() || key.len() > MAX_WRAP_LEN {
        return Err(invalid(format!(
            "AES key wrap with padding takes 1 to {MAX_WRAP_LEN} bytes, got {}",
            key.len()
        )));
    }
    match library_kek(kek)? {
        Some(lib) => {
            let mut out = vec![0u8; key.len() + 16];
            let len = lib
                .wrap_with_padding(key, &mut out)
                .map_err(|_| internal("AES key wrap with padding"))?
                .len();
            out.truncate(len);
            Ok(out)
        }
        None => {
            let mli = u32::try_from(key.len()).map_err(|_| invalid("key too long"))?;
            let aiv = (u64::from(KWP_MAGIC) << 32) | u64::from(mli);
            let mut padded = Zeroizing::new(key.to_vec());
            padded.resize(key.len().div_ceil(8) * 8, 0);
            if padded.len() == 8 {
                let ecb = soft_ecb(kek)?;
                let mut block = ((u128::from(aiv) << 64) | block_of(&padded) >> 64).to_be_bytes();
                ecb.encrypt(&mut block)
                    .map_err(|_| internal("AES key wrap with padding"))?;
                Ok(block.to_vec())
            } else {
                soft_wrap(kek, aiv, &padded)
            }
        }
    }
}

/// Inverse of [`aes_key_wrap_padded`]; `AuthenticationFailed` when the integrity check fails.
pub fn aes_key_unwrap_padded(kek: &[u8], wrapped: &[u8]) -> Result<SecretBytes, CryptoError> {
    check_kek(kek)?;
    if wrapped.len() < 16 || !multiple_of(wrapped.len(), 8) || wrapped.len() > MAX_WRAP_LEN + 16 {
        return Err(invalid(format!(
            "an RFC 5649 wrapped key is a multiple of 8 bytes, at least 16, got {} bytes",
            wrapped.len()
        )));
    }
    if let Some(lib) = library_kek(kek)? {
        let mut out = SecretBytes::zeroed(wrapped.len());
        let len = lib
            .unwrap_with_padding(wrapped, out.expose_mut())
            .map_err(|_| CryptoError::AuthenticationFailed)?
            .len();
        return Ok(SecretBytes::from_slice(
            out.expose().get(..len).unwrap_or_default(),
        ));
    }
    let (a, padded) = if wrapped.len() == 16 {
        let dec = DecryptingKey::ecb(unbound(kek)?).map_err(|_| internal("AES key setup"))?;
        let mut block = Zeroizing::new(wrapped.to_vec());
        dec.decrypt(&mut block, DecryptionContext::None)
            .map_err(|_| internal("AES block decryption"))?;
        let b = block_of(&block);
        (
            (b >> 64) as u64,
            SecretBytes::from_slice(&(b as u64).to_be_bytes()),
        )
    } else {
        soft_unwrap(kek, wrapped)?
    };
    // Checked together so that the failure does not tell which check failed.
    let magic_ok = (a >> 32) as u32 == KWP_MAGIC;
    let mli = (a as u32) as usize;
    let n = padded.len();
    let len_ok = mli > n.saturating_sub(8) && mli <= n;
    let pad_ok = padded
        .expose()
        .get(mli.min(n)..)
        .unwrap_or_default()
        .iter()
        .fold(0u8, |acc, b| acc | b)
        == 0;
    if !(magic_ok & len_ok & pad_ok) {
        return Err(CryptoError::AuthenticationFailed);
    }
    Ok(SecretBytes::from_slice(
        padded.expose().get(..mli).unwrap_or_default(),
    ))
}

/// RFC 3394's default initial value.
const KW_IV: u64 = 0xa6a6_a6a6_a6a6_a6a6;
/// RFC 5649's alternative initial value's constant half.
const KWP_MAGIC: u32 = 0xa659_59a6;

fn soft_ecb(kek: &[u8]) -> Result<EncryptingKey, CryptoError> {
    EncryptingKey::ecb(unbound(kek)?).map_err(|_| internal("AES key setup"))
}

/// The RFC 3394 wrapping process W with initial value `iv` over whole 64-bit blocks.
fn soft_wrap(kek: &[u8], iv: u64, plain: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let ecb = soft_ecb(kek)?;
    let mut a = iv;
    let mut r: Zeroizing<Vec<u64>> = Zeroizing::new(
        plain
            .chunks_exact(8)
            .map(|c| (block_of(c) >> 64) as u64)
            .collect(),
    );
    let n = r.len() as u64;
    for j in 0..6u64 {
        for (i, ri) in (1u64..).zip(r.iter_mut()) {
            let mut b = ((u128::from(a) << 64) | u128::from(*ri)).to_be_bytes();
            ecb.encrypt(&mut b).map_err(|_| internal("AES key wrap"))?;
            let b = u128::from_be_bytes(b);
            a = ((b >> 64) as u64) ^ (n * j + i);
            *ri = b as u64;
        }
    }
    let mut out = Vec::with_capacity(plain.len() + 8);
    out.extend_from_slice(&a.to_be_bytes());
    r.iter()
        .for_each(|ri| out.extend_from_slice(&ri.to_be_bytes()));
    Ok(out)
}

/// The RFC 3394 unwrapping process W^-1: the recovered initial value and the plaintext.
fn soft_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<(u64, SecretBytes), CryptoError> {
    let dec = DecryptingKey::ecb(unbound(kek)?).map_err(|_| internal("AES key setup"))?;
    let mut words = wrapped.chunks_exact(8).map(|c| (block_of(c) >> 64) as u64);
    let mut a = words.next().ok_or_else(|| internal("AES key unwrap"))?;
    let mut r: Zeroizing<Vec<u64>> = Zeroizing::new(words.collect());
    let n = r.len() as u64;
    for j in (0..6u64).rev() {
        for (i, ri) in (1u64..=n).rev().zip(r.iter_mut().rev()) {
            let mut b = Zeroizing::new(
                ((u128::from(a ^ (n * j + i)) << 64) | u128::from(*ri))
                    .to_be_bytes()
                    .to_vec(),
            );
            dec.decrypt(&mut b, DecryptionContext::None)
                .map_err(|_| internal("AES key unwrap"))?;
            let b = block_of(&b);
            a = (b >> 64) as u64;
            *ri = b as u64;
        }
    }
    let mut plain = Vec::with_capacity(r.len() * 8);
    r.iter()
        .for_each(|ri| plain.extend_from_slice(&ri.to_be_bytes()));
    Ok((a, SecretBytes::new(plain)))
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

    const KMIP_KEY: &str = "0123456789abcdef0123456789abcdef";

    fn params<'a>(
        mode: BlockMode,
        padding: Option<Padding>,
        iv: Option<&'a [u8]>,
    ) -> CipherParams<'a> {
        CipherParams {
            mode: Some(mode),
            padding,
            iv,
            ..Default::default()
        }
    }

    #[test]
    fn kmip_ecb_vectors() {
        let key = unhex(KMIP_KEY);
        let pt = unhex("01020304050607080910111213141516");
        // CS-BC-M-4/5/6: ECB, no padding.
        let p = params(BlockMode::Ecb, None, None);
        let out = encrypt(&key, &p, &pt).unwrap();
        assert_eq!(out.data, unhex("d9bcce11b0b437b90239552df3a360c9"));
        assert_eq!((out.iv, out.tag), (None, None));
        assert_eq!(decrypt(&key, &p, &out.data, None).unwrap().expose(), pt);
        // CS-BC-M-8: ECB with PKCS5 adds a whole padding block.
        let p = params(BlockMode::Ecb, Some(Padding::Pkcs5), None);
        let out = encrypt(&key, &p, &pt).unwrap();
        assert_eq!(
            out.data,
            unhex("d9bcce11b0b437b90239552df3a360c90efb6bfed93b4d1ea2123ba4db075ff6")
        );
        assert_eq!(decrypt(&key, &p, &out.data, None).unwrap().expose(), pt);
        // CS-BC-M-9: 33 bytes with PKCS5.
        let pt = unhex("010203040506070809101112131415160102030405060708091011121314151601");
        let out = encrypt(&key, &p, &pt).unwrap();
        assert_eq!(
            out.data,
            unhex("d9bcce11b0b437b90239552df3a360c9d9bcce11b0b437b90239552df3a360c9be261a7bd1371bb738fe004d500381d0")
        );
        assert_eq!(decrypt(&key, &p, &out.data, None).unwrap().expose(), pt);
        // Without padding, 33 bytes do not fit.
        assert!(matches!(
            encrypt(&key, &params(BlockMode::Ecb, None, None), &pt),
            Err(CryptoError::InvalidInput(_))
        ));
    }

    #[test]
    fn kmip_cbc_vectors() {
        let key = unhex(KMIP_KEY);
        let pt = unhex("010203040506070809101112131415160102030405060708091011121314151601");
        for (iv, ct) in [
            // CS-BC-M-10.
            ("01020304050607080910111213141516", "79abc5c23868ad84d388ce61110a62742bda19d694bbcb757dd06617c0d80fb1df2e71864ad9633d7d797e30860df00d"),
            // CS-BC-M-11.
            ("FF020304050607080910111213141516", "e768203ba72b6e157daaad34b1e791d8e88457dc147942f01bfaff7b28a3cdde2203d4d5a4c7928ba9e9cc78b66a6546"),
        ] {
            let iv = unhex(&iv.to_lowercase());
            let p = params(BlockMode::Cbc, Some(Padding::Pkcs5), Some(&iv));
            let out = encrypt(&key, &p, &pt).unwrap();
            assert_eq!(out.data, unhex(ct));
            assert_eq!(out.iv, None, "the caller's IV is not echoed");
            assert_eq!(decrypt(&key, &p, &out.data, None).unwrap().expose(), pt);
        }
        // CS-BC-M-11: decrypting with a zero IV garbles only the first block.
        let ct = unhex("e768203ba72b6e157daaad34b1e791d8e88457dc147942f01bfaff7b28a3cdde2203d4d5a4c7928ba9e9cc78b66a6546");
        let zero = [0u8; 16];
        let p = params(BlockMode::Cbc, Some(Padding::Pkcs5), Some(&zero));
        assert_eq!(
            decrypt(&key, &p, &ct, None).unwrap().expose(),
            unhex("fe0000000000000000000000000000000102030405060708091011121314151601")
        );
        // CS-BC-M-11/12: decryption without the IV fails.
        let p = params(BlockMode::Cbc, Some(Padding::Pkcs5), None);
        let err = decrypt(&key, &p, &ct, None).unwrap_err();
        assert!(
            matches!(&err, CryptoError::InvalidInput(m) if m.contains("needs the IV")),
            "{err:?}"
        );
        // Random IV when none is given (CS-BC-M-13), returned with the ciphertext.
        let out = encrypt(&key, &p, &pt).unwrap();
        let iv = out.iv.clone().unwrap();
        assert_eq!(iv.len(), 16);
        let p2 = params(BlockMode::Cbc, Some(Padding::Pkcs5), Some(&iv));
        assert_eq!(decrypt(&key, &p2, &out.data, None).unwrap().expose(), pt);
        // Wrong IV lengths; no-padding with a partial block; garbage padding.
        for bad in [&[0u8; 8][..], &[0u8; 17]] {
            let p = params(BlockMode::Cbc, Some(Padding::Pkcs5), Some(bad));
            assert!(matches!(
                encrypt(&key, &p, &pt),
                Err(CryptoError::InvalidInput(_))
            ));
        }
        let iv = [7u8; 16];
        let p = params(BlockMode::Cbc, None, Some(&iv));
        assert!(encrypt(&key, &p, &pt).is_err());
        let out = encrypt(&key, &p, &pt[..32]).unwrap();
        assert_eq!(out.data.len(), 32);
        assert_eq!(
            decrypt(&key, &p, &out.data, None).unwrap().expose(),
            &pt[..32]
        );
        let padded = params(BlockMode::Cbc, Some(Padding::Pkcs5), Some(&iv));
        // 0x11 is no valid PKCS#5 padding byte for a 16-byte block.
        let bad_padding = encrypt(&key, &p, &[0x11u8; 32]).unwrap().data;
        assert!(matches!(
            decrypt(&key, &padded, &bad_padding, None),
            Err(CryptoError::InvalidInput(_))
        ));
    }

    #[test]
    fn ctr_known_answer_and_round_trip() {
        // NIST SP 800-38A F.5.1 (CTR-AES128.Encrypt), first two blocks.
        let key = unhex("2b7e151628aed2a6abf7158809cf4f3c");
        let iv = unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
        let pt = unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
        let p = params(BlockMode::Ctr, None, Some(&iv));
        let out = encrypt(&key, &p, &pt).unwrap();
        assert_eq!(
            out.data,
            unhex("874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff")
        );
        assert_eq!(decrypt(&key, &p, &out.data, None).unwrap().expose(), pt);
        // Any length; random IV returned.
        let p = params(BlockMode::Ctr, None, None);
        let out = encrypt(&key, &p, b"seven b").unwrap();
        assert_eq!(out.data.len(), 7);
        let iv = out.iv.unwrap();
        let p = params(BlockMode::Ctr, None, Some(&iv));
        assert_eq!(
            decrypt(&key, &p, &out.data, None).unwrap().expose(),
            b"seven b"
        );
    }

    struct GcmCase {
        key: &'static str,
        iv: &'static str,
        aad: &'static str,
        pt: &'static str,
        ct: &'static str,
        tag: &'static str,
    }

    /// From KMIP CS-BC-M-GCM-1 and -2 (1.4), which are the GCM specification's test cases
    /// plus NIST CAVP truncated-tag cases.
    const GCM_CASES: &[GcmCase] = &[
        GcmCase { key: "00000000000000000000000000000000", iv: "000000000000000000000000", aad: "", pt: "", ct: "", tag: "58e2fccefa7e3061367f1d57a4e7455a" },
        GcmCase { key: "00000000000000000000000000000000", iv: "000000000000000000000000", aad: "", pt: "00000000000000000000000000000000", ct: "0388dace60b6a392f328c2b971b2fe78", tag: "ab6e47d42cec13bdf53a67b21257bddf" },
        GcmCase { key: "feffe9928665731c6d6a8f9467308308", iv: "cafebabefacedbaddecaf888", aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2", pt: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", ct: "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091", tag: "5bc94fbc3221a5db94fae95ae7121a47" },
        // 64-bit IV.
        GcmCase { key: "feffe9928665731c6d6a8f9467308308", iv: "cafebabefacedbad", aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2", pt: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", ct: "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c742373806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598", tag: "3612d2e79e3b0785561be14aaca2fccb" },
        // 480-bit IV.
        GcmCase { key: "feffe9928665731c6d6a8f9467308308", iv: "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b", aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2", pt: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", ct: "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5", tag: "619cc5aefffe0bfa462af43c1699d050" },
        // AES-192, 64-bit IV.
        GcmCase { key: "feffe9928665731c6d6a8f9467308308feffe9928665731c", iv: "cafebabefacedbad", aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2", pt: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", ct: "0f10f599ae14a154ed24b36e25324db8c566632ef2bbb34f8347280fc4507057fddc29df9a471f75c66541d4d4dad1c9e93a19a58e8b473fa0f062f7", tag: "65dcc57fcf623a24094fcca40d3533f8" },
        // AES-256, 480-bit IV.
        GcmCase { key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", iv: "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b", aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2", pt: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", ct: "5a8def2f0c9e53f1f75d7853659e2a20eeb2b22aafde6419a058ab4f6f746bf40fc0c3b780f244452da3ebf1c5d82cdea2418997200ef82e44ae7e3f", tag: "a44a8266ee1c8eb0c8b5d4cf5ae9f19a" },
        // Truncated tags: 15, 14, 13 and 12 bytes.
        GcmCase { key: "6dfa1a07c14f978020ace450ad663d18", iv: "34edfa462a14c6969a680ec1", aad: "2a35c7f5f8578e919a581c60500c04f6", pt: "", ct: "", tag: "751f3098d59cf4ea1d2fb0853bde1c" },
        GcmCase { key: "ed6cd876ceba555706674445c229c12d", iv: "92ecbf74b765bc486383ca2e", aad: "95bd10d77dbe0e87fb34217f1a2e5efe", pt: "bfaaaea3880d72d4378561e2597a9b35", ct: "bdd2ed6c66fa087dce617d7fd1ff6d93", tag: "ba82e49c55a22ed02ca67da4ec6f" },
        GcmCase { key: "a1412ff6f687787fb404a4a9d18511d1", iv: "7e78061027ac22ddad25c930", aad: "e21cfc627452107d55f34f7d06bca88e", pt: "abef8c37dfc74ad8b5e59e71ae9a9583", ct: "0d378e6a61589c6f49b739ae374e6fc1", tag: "75ea647ff1318e4a53b55ac0d2" },
        GcmCase { key: "5ac0b25cccaaa4bb2375aef5034db959", iv: "65765ef5c5ff39c256af5838", aad: "77d997b514608c0d0b0668cecae21f4a", pt: "53b4f37fcb17ecbf88f47f5aa53bfe96", ct: "506959e2cc4929a7047a5bc986854e0e", tag: "c69d14f2e795336f6eb22171" },
    ];

    #[test]
    fn kmip_gcm_vectors_through_both_paths() {
        for (n, case) in GCM_CASES.iter().enumerate() {
            let (key, iv, aad, pt) = (
                unhex(case.key),
                unhex(case.iv),
                unhex(case.aad),
                unhex(case.pt),
            );
            let (ct, tag) = (unhex(case.ct), unhex(case.tag));
            let p = CipherParams {
                mode: Some(BlockMode::Gcm),
                iv: Some(&iv),
                aad: &aad,
                tag_len: Some(tag.len()),
                ..Default::default()
            };
            let out = encrypt(&key, &p, &pt).unwrap();
            assert_eq!(out.data, ct, "case {n}");
            assert_eq!(out.tag.as_deref(), Some(tag.as_slice()), "case {n}");
            assert_eq!(out.iv, None);
            assert_eq!(
                decrypt(&key, &p, &ct, Some(&tag)).unwrap().expose(),
                pt,
                "case {n}"
            );
            // The composed GCM agrees with aws-lc's AEAD on every case.
            let gcm = SoftGcm::new(&key).unwrap();
            let j0 = gcm.j0(&iv).unwrap();
            let mut buf = pt.clone();
            gcm.ctr(j0, &mut buf).unwrap();
            assert_eq!(buf, ct, "case {n}");
            assert_eq!(
                &gcm.tag(j0, &aad, &ct).unwrap()[..tag.len()],
                tag.as_slice(),
                "case {n}"
            );
            // Any altered bit fails authentication (CS-BC-M-GCM-1 negative cases).
            let mut bad_tag = tag.clone();
            bad_tag[0] ^= 0xff;
            assert_eq!(
                decrypt(&key, &p, &ct, Some(&bad_tag)).err(),
                Some(CryptoError::AuthenticationFailed)
            );
            let mut bad_iv = iv.clone();
            bad_iv[0] ^= 0xff;
            let pb = CipherParams {
                iv: Some(&bad_iv),
                ..p
            };
            assert_eq!(
                decrypt(&key, &pb, &ct, Some(&tag)).err(),
                Some(CryptoError::AuthenticationFailed)
            );
            if !ct.is_empty() {
                let mut bad_ct = ct.clone();
                bad_ct[0] ^= 0xff;
                assert_eq!(
                    decrypt(&key, &p, &bad_ct, Some(&tag)).err(),
                    Some(CryptoError::AuthenticationFailed)
                );
            }
            let other_aad = [aad.as_slice(), b"x"].concat();
            let pa = CipherParams {
                aad: &other_aad,
                ..p
            };
            assert_eq!(
                decrypt(&key, &pa, &ct, Some(&tag)).err(),
                Some(CryptoError::AuthenticationFailed)
            );
        }
    }

    #[test]
    fn gcm_tag_lengths_and_defaults() {
        let key = unhex("00000000000000000000000000000000");
        let iv = unhex("000000000000000000000000");
        let pt = unhex("00000000000000000000000000000000");
        // CS-BC-M-GCM-1: the 12-byte prefix of the full tag verifies with tag length 12.
        let p12 = CipherParams {
            mode: Some(BlockMode::Gcm),
            iv: Some(&iv),
            tag_len: Some(12),
            ..Default::default()
        };
        let out = encrypt(&key, &p12, &pt).unwrap();
        assert_eq!(
            out.tag.as_deref(),
            Some(&unhex("ab6e47d42cec13bdf53a67b2")[..])
        );
        assert_eq!(
            decrypt(&key, &p12, &out.data, out.tag.as_deref())
                .unwrap()
                .expose(),
            pt
        );
        // Tag lengths 1 and 32 are refused (CS-BC-M-GCM-1), as are 11 and 17.
        for bad in [0, 1, 11, 17, 32] {
            let p = CipherParams {
                tag_len: Some(bad),
                ..p12
            };
            assert!(
                matches!(encrypt(&key, &p, &pt), Err(CryptoError::InvalidInput(m)) if m.contains("tag length"))
            );
        }
        // A tag whose length differs from the stated one is refused before any check.
        let p16 = CipherParams {
            tag_len: Some(16),
            ..p12
        };
        assert!(matches!(
            decrypt(&key, &p16, &out.data, out.tag.as_deref()),
            Err(CryptoError::InvalidInput(_))
        ));
        // Decrypt needs the IV and the tag.
        let no_iv = CipherParams { iv: None, ..p16 };
        assert!(matches!(
            decrypt(&key, &no_iv, &out.data, Some(&[0u8; 16])),
            Err(CryptoError::InvalidInput(_))
        ));
        assert!(matches!(
            decrypt(&key, &p16, &out.data, None),
            Err(CryptoError::InvalidInput(_))
        ));
        // No mode: GCM with a random 12-byte nonce and a 16-byte tag (CS-BC-M-GCM-2 RandomIV).
        let aad = b"header";
        let p = CipherParams {
            aad,
            ..Default::default()
        };
        let out = encrypt(&key, &p, b"hello").unwrap();
        let nonce = out.iv.clone().unwrap();
        assert_eq!(nonce.len(), 12);
        assert_eq!(out.tag.as_ref().unwrap().len(), 16);
        let pd = CipherParams {
            iv: Some(&nonce),
            ..p
        };
        assert_eq!(
            decrypt(&key, &pd, &out.data, out.tag.as_deref())
                .unwrap()
                .expose(),
            b"hello"
        );
        assert_ne!(encrypt(&key, &p, b"hello").unwrap().iv, Some(nonce));
    }

    #[test]
    fn soft_gcm_counter_wraps_only_the_low_32_bits() {
        // An IV whose J0 has low word 0xffffffff would carry into the high bits under plain
        // 128-bit increments; inc32 must not.
        assert_eq!(inc32(0x0102_0304_ffff_ffff), 0x0102_0304_0000_0000);
        assert_eq!(inc32(5), 6);
        // gf_mul: H * 1 (the element with only x^0 set, i.e. the top bit) is H.
        let h = 0x66e9_4bd4_ef8a_2c3b_884c_fa59_ca34_2b2eu128;
        assert_eq!(gf_mul(1u128 << 127, h), h);
        assert_eq!(gf_mul(h, 1u128 << 127), h);
        assert_eq!(gf_mul(0, h), 0);
    }

    #[test]
    fn aes_params_that_do_not_apply_are_refused() {
        let key = [1u8; 16];
        let iv = [0u8; 16];
        for p in [
            CipherParams {
                mode: Some(BlockMode::Ecb),
                iv: Some(&iv),
                ..Default::default()
            },
            CipherParams {
                mode: Some(BlockMode::Cbc),
                aad: b"x",
                iv: Some(&iv),
                ..Default::default()
            },
            CipherParams {
                mode: Some(BlockMode::Cbc),
                tag_len: Some(16),
                iv: Some(&iv),
                ..Default::default()
            },
            CipherParams {
                mode: Some(BlockMode::Gcm),
                padding: Some(Padding::Pkcs5),
                ..Default::default()
            },
            CipherParams {
                padding: Some(Padding::Oaep),
                ..Default::default()
            },
            CipherParams {
                hash: Some(keyhaven_core::cipher::HashAlgorithm::Sha256),
                ..Default::default()
            },
        ] {
            assert!(
                matches!(
                    encrypt(&key, &p, &[0u8; 16]),
                    Err(CryptoError::InvalidInput(_))
                ),
                "{p:?}"
            );
        }
        let p = CipherParams {
            mode: Some(BlockMode::Ecb),
            ..Default::default()
        };
        assert!(matches!(
            decrypt(&key, &p, &[0u8; 16], Some(&[0u8; 16])),
            Err(CryptoError::InvalidInput(_))
        ));
    }

    #[test]
    fn key_wrap_rfc3394_vectors() {
        let data128 = unhex("00112233445566778899aabbccddeeff");
        let data256 = unhex("00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f");
        let kek128 = unhex("000102030405060708090a0b0c0d0e0f");
        let kek192 = unhex("000102030405060708090a0b0c0d0e0f1011121314151617");
        let kek256 = unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        for (kek, data, expected) in [
            (
                &kek128,
                &data128,
                "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5",
            ), // 4.1
            (
                &kek192,
                &data128,
                "96778b25ae6ca435f92b5b97c050aed2468ab8a17ad84e5d",
            ), // 4.2
            (
                &kek256,
                &data128,
                "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7",
            ), // 4.3
            (
                &kek256,
                &data256,
                "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21",
            ), // 4.6
        ] {
            let wrapped = aes_key_wrap(kek, data).unwrap();
            assert_eq!(wrapped, unhex(expected), "kek {}", kek.len());
            assert_eq!(
                aes_key_unwrap(kek, &wrapped).unwrap().expose(),
                data.as_slice()
            );
            // Through the handle-level dispatch too.
            let p = CipherParams {
                mode: Some(BlockMode::KeyWrap),
                ..Default::default()
            };
            assert_eq!(encrypt(kek, &p, data).unwrap().data, wrapped);
            assert_eq!(
                decrypt(kek, &p, &wrapped, None).unwrap().expose(),
                data.as_slice()
            );
            let mut bad = wrapped.clone();
            bad[5] ^= 1;
            assert_eq!(
                aes_key_unwrap(kek, &bad).err(),
                Some(CryptoError::AuthenticationFailed)
            );
            let mut other = kek.clone();
            other[0] ^= 1;
            assert_eq!(
                aes_key_unwrap(&other, &wrapped).err(),
                Some(CryptoError::AuthenticationFailed)
            );
        }
        // The composed wrap agrees with aws-lc's for 128- and 256-bit KEKs.
        for kek in [&kek128, &kek256] {
            for len in [16, 24, 40, 64] {
                let data: Vec<u8> = (0..len as u8).collect();
                let lib = aes_key_wrap(kek, &data).unwrap();
                assert_eq!(soft_wrap(kek, KW_IV, &data).unwrap(), lib);
                let (a, plain) = soft_unwrap(kek, &lib).unwrap();
                assert_eq!((a, plain.expose()), (KW_IV, data.as_slice()));
            }
        }
        for bad in [0, 8, 15, 17, 23] {
            assert!(matches!(
                aes_key_wrap(&kek128, &vec![0u8; bad]),
                Err(CryptoError::InvalidInput(_))
            ));
        }
        assert!(matches!(
            aes_key_wrap(&[0u8; 20], &data128),
            Err(CryptoError::InvalidInput(_))
        ));
        assert!(matches!(
            aes_key_unwrap(&kek128, &[0u8; 16]),
            Err(CryptoError::InvalidInput(_))
        ));
    }

    #[test]
    fn key_wrap_padded_rfc5649_vectors() {
        let kek = unhex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
        for (key, expected) in [
            (
                "c37b7e6492584340bed12207808941155068f738",
                "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a",
            ),
            ("466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f"),
        ] {
            let key = unhex(key);
            let wrapped = aes_key_wrap_padded(&kek, &key).unwrap();
            assert_eq!(wrapped, unhex(expected));
            assert_eq!(
                aes_key_unwrap_padded(&kek, &wrapped).unwrap().expose(),
                key.as_slice()
            );
            let mut bad = wrapped.clone();
            bad[3] ^= 0x10;
            assert_eq!(
                aes_key_unwrap_padded(&kek, &bad).err(),
                Some(CryptoError::AuthenticationFailed)
            );
        }
        // aws-lc path (128/256-bit KEKs): every length from 1 to 40 round trips, and RFC 3394
        // output is not accepted as RFC 5649.
        for kek in [[9u8; 16].as_slice(), &[9u8; 32]] {
            for len in 1..=40usize {
                let data: Vec<u8> = (0..len as u8).collect();
                let wrapped = aes_key_wrap_padded(kek, &data).unwrap();
                assert_eq!(wrapped.len(), len.div_ceil(8) * 8 + 8);
                assert_eq!(
                    aes_key_unwrap_padded(kek, &wrapped).unwrap().expose(),
                    data.as_slice()
                );
                let p = CipherParams {
                    mode: Some(BlockMode::KeyWrapPadded),
                    ..Default::default()
                };
                assert_eq!(
                    decrypt(kek, &p, &wrapped, None).unwrap().expose(),
                    data.as_slice()
                );
            }
            let kw = aes_key_wrap(kek, &[1u8; 16]).unwrap();
            assert_eq!(
                aes_key_unwrap_padded(kek, &kw).err(),
                Some(CryptoError::AuthenticationFailed)
            );
        }
        // 192-bit KEK: every length round trips through the composed path.
        for len in 1..=40usize {
            let data: Vec<u8> = (0..len as u8).map(|b| b ^ 0x5a).collect();
            let wrapped = aes_key_wrap_padded(&kek, &data).unwrap();
            assert_eq!(
                aes_key_unwrap_padded(&kek, &wrapped).unwrap().expose(),
                data.as_slice()
            );
        }
        assert!(matches!(
            aes_key_wrap_padded(&kek, &[]),
            Err(CryptoError::InvalidInput(_))
        ));
    }
}
