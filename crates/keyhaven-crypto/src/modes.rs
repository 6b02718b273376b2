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
mod tests;
