//! Caller-framed cryptography: the parameters a protocol such as KMIP passes with an
//! Encrypt / Decrypt / Sign / Verify / MAC request (block mode, padding, IV, hash, tag length),
//! and what such an operation returns.
//!
//! keyhaven's own API frames ciphertext itself ([`crate::KeyHandle::encrypt`]); the types here
//! serve the `*_with` methods of [`crate::KeyHandle`], where the caller chooses every parameter
//! and receives the raw cipher output (IV and tag separately).

use std::fmt;

use crate::crypto::CryptoError;

/// Block cipher modes (KMIP Block Cipher Mode). Which ones a key accepts depends on its
/// algorithm; AES keys accept all of them.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockMode {
    /// Galois/Counter Mode (NIST SP 800-38D): authenticated, with AAD and a tag.
    Gcm,
    /// Cipher Block Chaining (NIST SP 800-38A), with PKCS#5 padding or none.
    Cbc,
    /// Electronic Code Book (NIST SP 800-38A), with PKCS#5 padding or none. Leaks equal
    /// blocks; offered for interoperability only.
    Ecb,
    /// Counter mode (NIST SP 800-38A) with a 16-byte initial counter block, the whole block
    /// incremented as a 128-bit big-endian integer.
    Ctr,
    /// AES Key Wrap, RFC 3394 / NIST SP 800-38F KW (input a multiple of 8 bytes, at least 16).
    KeyWrap,
    /// AES Key Wrap with Padding, RFC 5649 / NIST SP 800-38F KWP (any non-empty input).
    KeyWrapPadded,
}

impl BlockMode {
    /// Short name for messages (`GCM`, `CBC`, ...).
    pub fn name(self) -> &'static str {
        match self {
            BlockMode::Gcm => "GCM",
            BlockMode::Cbc => "CBC",
            BlockMode::Ecb => "ECB",
            BlockMode::Ctr => "CTR",
            BlockMode::KeyWrap => "AES-KW",
            BlockMode::KeyWrapPadded => "AES-KWP",
        }
    }
}

impl fmt::Display for BlockMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Padding methods (KMIP Padding Method).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Padding {
    /// No padding: the input must fill whole blocks (block modes).
    None,
    /// PKCS#5 padding, which for AES's 16-byte block is PKCS#7 padding.
    Pkcs5,
    /// RSAES-OAEP (RFC 8017).
    Oaep,
    /// RSAES-PKCS1-v1_5 for encryption, RSASSA-PKCS1-v1_5 for signatures (RFC 8017).
    Pkcs1v15,
    /// RSASSA-PSS (RFC 8017).
    Pss,
}

impl Padding {
    /// Short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Padding::None => "no padding",
            Padding::Pkcs5 => "PKCS#5",
            Padding::Oaep => "OAEP",
            Padding::Pkcs1v15 => "PKCS#1 v1.5",
            Padding::Pss => "PSS",
        }
    }
}

impl fmt::Display for Padding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Hash functions (KMIP Hashing Algorithm): those the software provider computes.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-1. Collision-broken: accepted for HMAC, PBKDF2, OAEP, digests and legacy signature
    /// verification only, never for new signatures.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SHA-512/256.
    Sha512_256,
    /// SHA3-256.
    Sha3_256,
    /// SHA3-384.
    Sha3_384,
    /// SHA3-512.
    Sha3_512,
}

impl HashAlgorithm {
    /// Every hash, in a stable order.
    pub const ALL: [HashAlgorithm; 9] = [
        HashAlgorithm::Sha1,
        HashAlgorithm::Sha224,
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
        HashAlgorithm::Sha512_256,
        HashAlgorithm::Sha3_256,
        HashAlgorithm::Sha3_384,
        HashAlgorithm::Sha3_512,
    ];

    /// Output length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            HashAlgorithm::Sha1 => 20,
            HashAlgorithm::Sha224 => 28,
            HashAlgorithm::Sha256 | HashAlgorithm::Sha512_256 | HashAlgorithm::Sha3_256 => 32,
            HashAlgorithm::Sha384 | HashAlgorithm::Sha3_384 => 48,
            HashAlgorithm::Sha512 | HashAlgorithm::Sha3_512 => 64,
        }
    }

    /// The stable name (`sha-256`, `sha3-256`, ...).
    pub fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha1 => "sha-1",
            HashAlgorithm::Sha224 => "sha-224",
            HashAlgorithm::Sha256 => "sha-256",
            HashAlgorithm::Sha384 => "sha-384",
            HashAlgorithm::Sha512 => "sha-512",
            HashAlgorithm::Sha512_256 => "sha-512/256",
            HashAlgorithm::Sha3_256 => "sha3-256",
            HashAlgorithm::Sha3_384 => "sha3-384",
            HashAlgorithm::Sha3_512 => "sha3-512",
        }
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parameters of a caller-framed encryption or decryption. Every field is optional; what is
/// left out takes the key's default (AES: GCM with a random 12-byte nonce and a 16-byte tag;
/// RSA: OAEP with SHA-256 and MGF1-SHA-256). Build with `..Default::default()` so that fields
/// added later keep their defaults.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CipherParams<'a> {
    /// Block cipher mode (symmetric keys).
    pub mode: Option<BlockMode>,
    /// Padding: `None`/`Pkcs5` for CBC and ECB (default: none, as in KMIP, so the input must
    /// fill whole blocks), `Oaep`/`Pkcs1v15` for RSA (default OAEP).
    pub padding: Option<Padding>,
    /// OAEP hash (default SHA-256).
    pub hash: Option<HashAlgorithm>,
    /// OAEP MGF1 hash (default: the OAEP hash).
    pub mgf1_hash: Option<HashAlgorithm>,
    /// IV, counter block or nonce. On encryption, when absent, the provider generates a random
    /// one and returns it in [`CipherOutput::iv`]; on decryption it is required by CBC, CTR
    /// and GCM.
    pub iv: Option<&'a [u8]>,
    /// Additional authenticated data (GCM).
    pub aad: &'a [u8],
    /// GCM tag length in bytes, 12 to 16: the tag is truncated to its leftmost bytes
    /// (default: 16 on encryption, the given tag's length on decryption).
    pub tag_len: Option<usize>,
    /// OAEP label (default empty).
    pub oaep_label: Option<&'a [u8]>,
}

/// The result of a caller-framed encryption.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CipherOutput {
    /// The ciphertext alone (no IV, no tag).
    pub data: Vec<u8>,
    /// The IV or nonce the provider generated because the caller gave none; `None` when the
    /// caller supplied one or the mode has none.
    pub iv: Option<Vec<u8>>,
    /// The authentication tag (GCM), already truncated to the requested length.
    pub tag: Option<Vec<u8>>,
}

/// A key derivation from a base object's material (KMIP Derive Key).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derivation<'a> {
    /// PBKDF2 with HMAC-`hash` (the base is the password).
    Pbkdf2 {
        /// The PRF's hash.
        hash: HashAlgorithm,
        /// Salt.
        salt: &'a [u8],
        /// Iteration count.
        iterations: u32,
    },
    /// HMAC-`hash`(base, data), truncated to the length asked.
    Hmac {
        /// The hash.
        hash: HashAlgorithm,
        /// The derivation data.
        data: &'a [u8],
    },
    /// NIST SP 800-108 KDF in counter mode with HMAC-`hash`.
    CounterHmac {
        /// The PRF's hash.
        hash: HashAlgorithm,
        /// Label (KMIP Derivation Data).
        label: &'a [u8],
        /// Context (KMIP Salt).
        context: &'a [u8],
    },
}

/// Parameters of a caller-framed signature or verification. Unset fields take the key's
/// default (RSA: PSS with SHA-256; ECDSA: the curve's hash; Ed25519 and ML-DSA have no
/// parameters). Build with `..Default::default()`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignParams {
    /// `Pss` or `Pkcs1v15` for RSA; must be unset for other keys.
    pub padding: Option<Padding>,
    /// The hash that digests the message (or that produced the digest).
    pub hash: Option<HashAlgorithm>,
    /// PSS MGF1 hash; only the signature hash itself is supported.
    pub mgf1_hash: Option<HashAlgorithm>,
    /// PSS salt length in bytes. Signing defaults to the hash length; verification without a
    /// stated length accepts the hash length, zero or the maximum (as a verifier recovering
    /// the salt length would), with a stated length only that one.
    pub salt_len: Option<usize>,
    /// Whether `data` is already the digest (its length must be the hash's output length)
    /// rather than the message.
    pub prehashed: bool,
}

/// The refusal for DES and triple-DES requests (KMIP Cryptographic Algorithm DES, 3DES).
pub fn triple_des_refused() -> CryptoError {
    CryptoError::Unsupported("3DES is not offered: withdrawn by NIST SP 800-131A".to_owned())
}
