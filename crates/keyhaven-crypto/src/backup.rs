//! The backup file format (version 1) and the protection of its file key.
//!
//! ```text
//! file   = "KHBACKUP" || version (u16 BE, = 1) || header length (u32 BE) || header (JSON)
//!          || chunk*
//! chunk  = ciphertext length (u32 BE, tag included) || flags (u8: 1 = last) || AES-256-GCM
//!          ciphertext || tag (16 bytes)
//! nonce  = 0x00000000 || chunk index (u64 BE)
//! aad    = SHA-256(every byte before the first chunk) || chunk index (u64 BE) || flags
//! ```
//!
//! Every file has its own random 32-byte file key, so nonces never repeat under one key. The
//! header is bound into every chunk, the index detects reordering, the last-chunk flag detects
//! truncation at a chunk boundary, and bytes after the last chunk are refused. The header's
//! `protection` says how the file key is kept: wrapped under an Argon2id key from a passphrase,
//! wrapped to one or more recipients' public keys (RSA-OAEP-SHA-256 with at least 3072 bits,
//! ML-KEM-768), or split with Shamir among custodians (the file holds only a key check).

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use aws_lc_rs::digest::{digest, SHA256};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::kem::{Ciphertext, DecapsulationKey, EncapsulationKey, ML_KEM_768};
use aws_lc_rs::rsa::{
    OaepPrivateDecryptingKey, OaepPublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey,
    OAEP_SHA256_MGF1SHA256,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use keyhaven_core::backup::BackupError;
use keyhaven_core::hex::{decode as unhex, encode as hex};
use keyhaven_core::shamir::{self, Share};
use keyhaven_core::{CryptoProvider, SecretBytes};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::unseal::{derive_unseal_key, Argon2Params};
use crate::SoftwareProvider;

/// The first bytes of every backup file.
pub const MAGIC: &[u8; 8] = b"KHBACKUP";
/// The file format version this build writes and reads.
pub const FORMAT_VERSION: u16 = 1;
/// Plaintext bytes per chunk.
pub const CHUNK_SIZE: usize = 1 << 20;
/// Length of the file key.
pub const FILE_KEY_LEN: usize = 32;
/// Smallest RSA recipient key.
pub const MIN_RSA_BITS: usize = 3072;
/// Largest header accepted.
const MAX_HEADER: usize = 1 << 20;
const TAG_LEN: usize = 16;
const KEY_AAD: &[u8] = b"keyhaven-backup-v1 file key";
const PREFIX_LEN: usize = 8 + 2 + 4;

/// The header of a backup file (readable without any key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// When the file was written (RFC 3339).
    pub created_at: String,
    /// Plaintext bytes per chunk.
    pub chunk_size: u32,
    /// How the file key is protected.
    pub protection: Protection,
}

/// How the file key is protected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Protection {
    /// Wrapped (AES-256-GCM) under Argon2id(passphrase, salt).
    Passphrase {
        /// Salt, hex.
        salt: String,
        /// Argon2id memory, KiB.
        memory_kib: u32,
        /// Argon2id passes.
        iterations: u32,
        /// Argon2id lanes.
        parallelism: u32,
        /// The wrapped file key, hex.
        wrapped_key: String,
    },
    /// Wrapped to each recipient's public key; any one recipient restores.
    Recipients {
        /// One entry per recipient.
        recipients: Vec<Recipient>,
    },
    /// Split with Shamir: `threshold` of the `shares` custodians' shares rebuild it.
    Shamir {
        /// Shares needed.
        threshold: u8,
        /// Shares made.
        shares: u8,
        /// The share set's id (hex, printed in every share).
        set_id: String,
        /// HMAC-SHA-256(file key, "keyhaven-backup-v1 key check"), first 16 bytes, hex: tells
        /// wrong shares from a damaged file.
        key_check: String,
    },
}

/// The file key wrapped to one recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    /// `rsa-oaep-sha256` or `ml-kem-768`.
    pub algorithm: String,
    /// SHA-256 of the public key (SPKI DER for RSA, the raw encapsulation key for ML-KEM), hex.
    pub fingerprint: String,
    /// ML-KEM ciphertext, hex (absent for RSA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encapsulation: Option<String>,
    /// RSA-OAEP ciphertext, or the file key under the ML-KEM shared secret (AES-256-GCM), hex.
    pub wrapped_key: String,
}

/// A recipient's public key.
#[derive(Clone)]
pub enum RecipientKey {
    /// RSA (SPKI DER), at least 3072 bits.
    Rsa(PublicEncryptingKey),
    /// ML-KEM-768 (raw encapsulation key).
    MlKem768(Vec<u8>),
}

/// A recipient's private key, to open a backup.
pub enum RecipientPrivateKey {
    /// RSA.
    Rsa(PrivateDecryptingKey),
    /// ML-KEM-768 (raw decapsulation key).
    MlKem768(SecretBytes),
}

impl std::fmt::Debug for RecipientPrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RecipientPrivateKey::Rsa(_) => "RecipientPrivateKey::Rsa",
            RecipientPrivateKey::MlKem768(_) => "RecipientPrivateKey::MlKem768",
        })
    }
}

/// A file key.
#[derive(Clone)]
pub struct FileKey(SecretBytes);

impl std::fmt::Debug for FileKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileKey(..)")
    }
}

impl FileKey {
    /// A new random key.
    pub fn generate() -> Result<FileKey, BackupError> {
        let mut k = SecretBytes::zeroed(FILE_KEY_LEN);
        SoftwareProvider::new()
            .random(k.expose_mut())
            .map_err(|e| BackupError::Invalid(e.to_string()))?;
        Ok(FileKey(k))
    }

    /// A key given as bytes (exactly 32).
    pub fn from_bytes(bytes: &[u8]) -> Result<FileKey, BackupError> {
        if bytes.len() != FILE_KEY_LEN {
            return Err(BackupError::Invalid(format!(
                "a backup file key is {FILE_KEY_LEN} bytes, got {}",
                bytes.len()
            )));
        }
        Ok(FileKey(SecretBytes::from_slice(bytes)))
    }

    /// The key bytes.
    pub fn expose(&self) -> &[u8] {
        self.0.expose()
    }

    fn check(&self) -> String {
        let tag = aws_lc_rs::hmac::sign(
            &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, self.0.expose()),
            b"keyhaven-backup-v1 key check",
        );
        hex(tag.as_ref().get(..16).unwrap_or_default())
    }
}

fn invalid(e: impl std::fmt::Display) -> BackupError {
    BackupError::Invalid(e.to_string())
}

fn fingerprint(public: &[u8]) -> String {
    hex(digest(&SHA256, public).as_ref())
}

fn mlkem_kek(shared: &[u8]) -> Result<SecretBytes, BackupError> {
    use aws_lc_rs::hkdf::{Salt, HKDF_SHA256};
    let prk = Salt::new(HKDF_SHA256, b"keyhaven-backup-v1").extract(shared);
    let mut out = SecretBytes::zeroed(32);
    prk.expand(&[b"ml-kem-768 file key"], HKDF_SHA256)
        .and_then(|okm| okm.fill(out.expose_mut()))
        .map_err(|_| BackupError::Invalid("key derivation failed".to_owned()))?;
    Ok(out)
}

impl RecipientKey {
    /// Parses a PEM public key: `PUBLIC KEY` (RSA SPKI) or `ML-KEM-768 PUBLIC KEY` (raw).
    pub fn from_pem(text: &str) -> Result<RecipientKey, BackupError> {
        let (label, der) = pem_decode(text)?;
        match label.as_str() {
            "PUBLIC KEY" => {
                let key = PublicEncryptingKey::from_der(&der).map_err(|e| {
                    BackupError::Invalid(format!(
                        "the recipient key is not an RSA public key ({e}); ML-KEM-768 keys use \
                         the label \"ML-KEM-768 PUBLIC KEY\""
                    ))
                })?;
                if key.key_size_bits() < MIN_RSA_BITS {
                    return Err(BackupError::Invalid(format!(
                        "RSA recipient keys need at least {MIN_RSA_BITS} bits, this one has {}",
                        key.key_size_bits()
                    )));
                }
                Ok(RecipientKey::Rsa(key))
            }
            "ML-KEM-768 PUBLIC KEY" => {
                EncapsulationKey::new(&ML_KEM_768, &der)
                    .map_err(|e| invalid(format!("not an ML-KEM-768 public key ({e})")))?;
                Ok(RecipientKey::MlKem768(der))
            }
            other => Err(BackupError::Invalid(format!(
                "a recipient public key is a PEM \"PUBLIC KEY\" (RSA) or \"ML-KEM-768 PUBLIC \
                 KEY\", not \"{other}\""
            ))),
        }
    }

    fn public_bytes(&self) -> Result<Vec<u8>, BackupError> {
        match self {
            RecipientKey::Rsa(k) => Ok(k.as_der().map_err(invalid)?.as_ref().to_vec()),
            RecipientKey::MlKem768(ek) => Ok(ek.clone()),
        }
    }

    fn wrap(&self, key: &FileKey) -> Result<Recipient, BackupError> {
        let fingerprint = fingerprint(&self.public_bytes()?);
        match self {
            RecipientKey::Rsa(k) => {
                let oaep = OaepPublicEncryptingKey::new(k.clone()).map_err(invalid)?;
                let mut out = vec![0u8; oaep.ciphertext_size()];
                let ct = oaep
                    .encrypt(&OAEP_SHA256_MGF1SHA256, key.expose(), &mut out, None)
                    .map_err(invalid)?;
                Ok(Recipient {
                    algorithm: "rsa-oaep-sha256".to_owned(),
                    fingerprint,
                    encapsulation: None,
                    wrapped_key: hex(ct),
                })
            }
            RecipientKey::MlKem768(ek) => {
                let ek = EncapsulationKey::new(&ML_KEM_768, ek).map_err(invalid)?;
                let (ct, shared) = ek.encapsulate().map_err(invalid)?;
                let kek = mlkem_kek(shared.as_ref())?;
                let wrapped = SoftwareProvider::new()
                    .seal(&kek, KEY_AAD, key.expose())
                    .map_err(invalid)?;
                Ok(Recipient {
                    algorithm: "ml-kem-768".to_owned(),
                    fingerprint,
                    encapsulation: Some(hex(ct.as_ref())),
                    wrapped_key: hex(&wrapped),
                })
            }
        }
    }
}

impl RecipientPrivateKey {
    /// Parses a PEM private key: `PRIVATE KEY` (RSA PKCS#8), `RSA PRIVATE KEY` (PKCS#1) or
    /// `ML-KEM-768 PRIVATE KEY` (raw FIPS 203 decapsulation key).
    pub fn from_pem(text: &str) -> Result<RecipientPrivateKey, BackupError> {
        let (label, der) = pem_decode(text)?;
        let der = Zeroizing::new(der);
        match label.as_str() {
            "PRIVATE KEY" | "RSA PRIVATE KEY" => {
                let pkcs8 = if label == "RSA PRIVATE KEY" {
                    crate::rsa_pkcs1_to_pkcs8(&der).map_err(invalid)?
                } else {
                    SecretBytes::from_slice(&der)
                };
                let key = PrivateDecryptingKey::from_pkcs8(pkcs8.expose())
                    .map_err(|e| invalid(format!("not an RSA private key ({e})")))?;
                Ok(RecipientPrivateKey::Rsa(key))
            }
            "ML-KEM-768 PRIVATE KEY" => {
                DecapsulationKey::new(&ML_KEM_768, &der)
                    .map_err(|e| invalid(format!("not an ML-KEM-768 private key ({e})")))?;
                Ok(RecipientPrivateKey::MlKem768(SecretBytes::from_slice(&der)))
            }
            other => Err(BackupError::Invalid(format!(
                "a recipient private key is a PEM \"PRIVATE KEY\" (RSA) or \"ML-KEM-768 PRIVATE \
                 KEY\", not \"{other}\""
            ))),
        }
    }

    /// A new key pair: (private PEM, public PEM). `rsa` gives RSA-3072, otherwise ML-KEM-768.
    pub fn generate(rsa: bool) -> Result<(SecretBytes, String), BackupError> {
        if rsa {
            let key = PrivateDecryptingKey::generate(aws_lc_rs::rsa::KeySize::Rsa3072)
                .map_err(invalid)?;
            let pkcs8 = Zeroizing::new(key.as_der().map_err(invalid)?.as_ref().to_vec());
            let public = key.public_key();
            let spki = public.as_der().map_err(invalid)?;
            Ok((
                SecretBytes::new(pem_encode("PRIVATE KEY", &pkcs8).into_bytes()),
                pem_encode("PUBLIC KEY", spki.as_ref()),
            ))
        } else {
            let dk = DecapsulationKey::generate(&ML_KEM_768).map_err(invalid)?;
            let raw = dk.key_bytes().map_err(invalid)?;
            let ek = dk
                .encapsulation_key()
                .and_then(|ek| ek.key_bytes())
                .map_err(invalid)?;
            Ok((
                SecretBytes::new(pem_encode("ML-KEM-768 PRIVATE KEY", raw.as_ref()).into_bytes()),
                pem_encode("ML-KEM-768 PUBLIC KEY", ek.as_ref()),
            ))
        }
    }

    fn public_bytes(&self) -> Result<Vec<u8>, BackupError> {
        match self {
            RecipientPrivateKey::Rsa(k) => {
                Ok(k.public_key().as_der().map_err(invalid)?.as_ref().to_vec())
            }
            // FIPS 203: dk = dk_PKE (1152 bytes) || ek (1184) || H(ek) || z; aws-lc cannot
            // give ek back for a key loaded from bytes.
            RecipientPrivateKey::MlKem768(dk) => dk
                .expose()
                .get(1152..1152 + 1184)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| invalid("ML-KEM-768 private key of the wrong length")),
        }
    }

    fn unwrap(&self, r: &Recipient) -> Result<FileKey, BackupError> {
        let damaged = || BackupError::Format("a recipient entry is not valid hex".to_owned());
        let wrapped = unhex(&r.wrapped_key).ok_or_else(damaged)?;
        let wrong = || {
            BackupError::WrongKey(
                "the recipient key does not open this backup's file key (altered header?)"
                    .to_owned(),
            )
        };
        match self {
            RecipientPrivateKey::Rsa(k) => {
                let oaep = OaepPrivateDecryptingKey::new(k.clone()).map_err(invalid)?;
                let mut out = Zeroizing::new(vec![0u8; oaep.min_output_size()]);
                let pt = oaep
                    .decrypt(&OAEP_SHA256_MGF1SHA256, &wrapped, &mut out, None)
                    .map_err(|_| wrong())?;
                FileKey::from_bytes(pt).map_err(|_| wrong())
            }
            RecipientPrivateKey::MlKem768(dk) => {
                let ct = unhex(r.encapsulation.as_deref().unwrap_or("")).ok_or_else(damaged)?;
                let dk = DecapsulationKey::new(&ML_KEM_768, dk.expose()).map_err(invalid)?;
                let shared = dk
                    .decapsulate(Ciphertext::from(ct.as_slice()))
                    .map_err(|_| wrong())?;
                let kek = mlkem_kek(shared.as_ref())?;
                let key = SoftwareProvider::new()
                    .unseal(&kek, KEY_AAD, &wrapped)
                    .map_err(|_| wrong())?;
                FileKey::from_bytes(key.expose()).map_err(|_| wrong())
            }
        }
    }
}

/// Protects `key` with a passphrase (Argon2id with `params`, a random salt).
pub fn protect_passphrase(
    key: &FileKey,
    passphrase: &[u8],
    params: Argon2Params,
) -> Result<Protection, BackupError> {
    let mut salt = [0u8; 16];
    SoftwareProvider::new().random(&mut salt).map_err(invalid)?;
    let kek = derive_unseal_key(passphrase, &salt, params).map_err(invalid)?;
    let wrapped = SoftwareProvider::new()
        .seal(&kek, KEY_AAD, key.expose())
        .map_err(invalid)?;
    Ok(Protection::Passphrase {
        salt: hex(&salt),
        memory_kib: params.memory_kib,
        iterations: params.iterations,
        parallelism: params.parallelism,
        wrapped_key: hex(&wrapped),
    })
}

/// Protects `key` for each recipient (at least one).
pub fn protect_recipients(
    key: &FileKey,
    recipients: &[RecipientKey],
) -> Result<Protection, BackupError> {
    if recipients.is_empty() {
        return Err(BackupError::Invalid(
            "name at least one recipient key".to_owned(),
        ));
    }
    Ok(Protection::Recipients {
        recipients: recipients
            .iter()
            .map(|r| r.wrap(key))
            .collect::<Result<_, _>>()?,
    })
}

/// Splits `key` into `shares` shares, `threshold` of which rebuild it. Returns the protection
/// and the share texts (one per custodian, shown once).
pub fn protect_shamir(
    key: &FileKey,
    threshold: u8,
    shares: u8,
) -> Result<(Protection, Vec<SecretBytes>), BackupError> {
    let provider = SoftwareProvider::new();
    let parts = shamir::split(key.expose(), threshold, shares, &mut |b| provider.random(b))
        .map_err(invalid)?;
    let mut set_id = [0u8; 4];
    provider.random(&mut set_id).map_err(invalid)?;
    let texts = parts
        .iter()
        .map(|s| SecretBytes::new(shamir::encode_share(s, set_id, threshold).into_bytes()))
        .collect();
    Ok((
        Protection::Shamir {
            threshold,
            shares,
            set_id: hex(&set_id),
            key_check: key.check(),
        },
        texts,
    ))
}

/// What opens a backup.
pub enum Unlock<'a> {
    /// The passphrase.
    Passphrase(&'a [u8]),
    /// One recipient's private key.
    Recipient(&'a RecipientPrivateKey),
    /// Shamir share texts (at least the threshold, of one set).
    Shares(&'a [String]),
}

/// Recovers the file key of `header` with `unlock`.
pub fn open_key(header: &Header, unlock: &Unlock<'_>) -> Result<FileKey, BackupError> {
    let damaged = |what: &str| BackupError::Format(format!("the header's {what} is not valid"));
    match (&header.protection, unlock) {
        (
            Protection::Passphrase {
                salt,
                memory_kib,
                iterations,
                parallelism,
                wrapped_key,
            },
            Unlock::Passphrase(p),
        ) => {
            let salt = unhex(salt).ok_or_else(|| damaged("salt"))?;
            let wrapped = unhex(wrapped_key).ok_or_else(|| damaged("wrapped key"))?;
            // A hostile header must not make the reader spend gigabytes or minutes: keyhaven
            // writes 64 MiB and 3 passes; allow up to 1 GiB, 32 passes, 16 lanes.
            if *memory_kib > 1024 * 1024 || *iterations > 32 || *parallelism > 16 {
                return Err(BackupError::Format(
                    "the header asks for Argon2id costs beyond any keyhaven writes".to_owned(),
                ));
            }
            let params = Argon2Params {
                memory_kib: *memory_kib,
                iterations: *iterations,
                parallelism: *parallelism,
            };
            let kek = derive_unseal_key(p, &salt, params).map_err(invalid)?;
            let key = SoftwareProvider::new()
                .unseal(&kek, KEY_AAD, &wrapped)
                .map_err(|_| {
                    BackupError::WrongKey(
                        "wrong passphrase (or the backup's header was altered)".to_owned(),
                    )
                })?;
            FileKey::from_bytes(key.expose())
        }
        (Protection::Recipients { recipients }, Unlock::Recipient(k)) => {
            let fp = fingerprint(&k.public_bytes()?);
            let entry = recipients
                .iter()
                .find(|r| r.fingerprint == fp)
                .ok_or_else(|| {
                    BackupError::WrongKey(format!(
                        "this backup was not made for this recipient key (fingerprint {}); it \
                         was made for {}",
                        &fp[..16],
                        recipients
                            .iter()
                            .map(|r| format!(
                                "{} {}",
                                r.algorithm,
                                r.fingerprint.get(..16).unwrap_or("")
                            ))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
            k.unwrap(entry)
        }
        (
            Protection::Shamir {
                threshold,
                set_id,
                key_check,
                ..
            },
            Unlock::Shares(texts),
        ) => {
            let mut shares: Vec<Share> = Vec::new();
            for t in texts.iter() {
                let (share, id, _) = shamir::decode_share(t.trim()).map_err(invalid)?;
                if hex(&id) != *set_id {
                    return Err(BackupError::WrongKey(format!(
                        "a share belongs to set {}, this backup's shares to set {set_id}",
                        hex(&id)
                    )));
                }
                if shares.iter().any(|s| s.x() == share.x()) {
                    return Err(BackupError::Invalid(format!(
                        "share {} was given twice",
                        share.x()
                    )));
                }
                shares.push(share);
            }
            if shares.len() < usize::from(*threshold) {
                return Err(BackupError::WrongKey(format!(
                    "{} share(s) given, this backup needs {threshold}",
                    shares.len()
                )));
            }
            let key = shamir::combine(&shares).map_err(invalid)?;
            let key = FileKey::from_bytes(key.expose())?;
            if key.check() != *key_check {
                return Err(BackupError::WrongKey(
                    "the shares do not rebuild this backup's key (a mistyped share?)".to_owned(),
                ));
            }
            Ok(key)
        }
        (p, _) => Err(BackupError::Invalid(format!(
            "this backup is protected by {}; give {}",
            protection_name(p),
            match p {
                Protection::Passphrase { .. } => "--passphrase-file",
                Protection::Recipients { .. } => "--recipient-key (a private key)",
                Protection::Shamir { .. } => "--share files",
            }
        ))),
    }
}

/// `passphrase`, `recipients` or `shamir`.
pub fn protection_name(p: &Protection) -> &'static str {
    match p {
        Protection::Passphrase { .. } => "passphrase",
        Protection::Recipients { .. } => "recipients",
        Protection::Shamir { .. } => "shamir",
    }
}

fn chunk_key(key: &FileKey) -> Result<LessSafeKey, BackupError> {
    Ok(LessSafeKey::new(
        UnboundKey::new(&AES_256_GCM, key.expose()).map_err(invalid)?,
    ))
}

fn nonce(index: u64) -> Nonce {
    let mut n = [0u8; 12];
    n[4..].copy_from_slice(&index.to_be_bytes());
    Nonce::assume_unique_for_key(n)
}

fn chunk_aad(prefix_hash: &[u8], index: u64, flags: u8) -> Vec<u8> {
    let mut aad = prefix_hash.to_vec();
    aad.extend_from_slice(&index.to_be_bytes());
    aad.push(flags);
    aad
}

/// Writes a whole backup file: `header`, then `payload` in chunks under `key`.
pub fn seal(header: &Header, key: &FileKey, payload: &[u8]) -> Result<Vec<u8>, BackupError> {
    let json = serde_json::to_vec(header).map_err(invalid)?;
    let mut out = Vec::with_capacity(PREFIX_LEN + json.len() + payload.len() + 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
    out.extend_from_slice(&(json.len() as u32).to_be_bytes());
    out.extend_from_slice(&json);
    let prefix_hash = digest(&SHA256, &out);
    let k = chunk_key(key)?;
    let size = (header.chunk_size as usize).max(1);
    let chunks: Vec<&[u8]> = if payload.is_empty() {
        vec![&[]]
    } else {
        payload.chunks(size).collect()
    };
    let last = chunks.len() - 1;
    for (i, chunk) in chunks.into_iter().enumerate() {
        let flags = u8::from(i == last);
        let mut buf = chunk.to_vec();
        k.seal_in_place_append_tag(
            nonce(i as u64),
            Aad::from(chunk_aad(prefix_hash.as_ref(), i as u64, flags)),
            &mut buf,
        )
        .map_err(invalid)?;
        out.extend_from_slice(&(buf.len() as u32).to_be_bytes());
        out.push(flags);
        out.extend_from_slice(&buf);
    }
    Ok(out)
}

/// A backup file whose header was read.
#[derive(Debug)]
pub struct Parsed<'a> {
    /// The header.
    pub header: Header,
    prefix: &'a [u8],
    body: &'a [u8],
}

/// Splits `n` bytes off the front of `buf`, or `None` when it is shorter.
fn split(buf: &[u8], n: usize) -> Option<(&[u8], &[u8])> {
    buf.split_at_checked(n)
}

/// Reads the header of `file` (no key needed).
pub fn parse(file: &[u8]) -> Result<Parsed<'_>, BackupError> {
    let not_backup =
        || BackupError::Format("the file does not start like a keyhaven backup".to_owned());
    let (magic, rest) = split(file, MAGIC.len()).ok_or_else(not_backup)?;
    if magic != MAGIC {
        return Err(not_backup());
    }
    let (version, rest) = split(rest, 2).ok_or_else(not_backup)?;
    let version = u16::from_be_bytes(version.try_into().map_err(|_| not_backup())?);
    if version != FORMAT_VERSION {
        return Err(BackupError::Version(format!(
            "file format {version} (this build reads {FORMAT_VERSION})"
        )));
    }
    let short = || BackupError::Format("the header is cut short".to_owned());
    let (len, rest) = split(rest, 4).ok_or_else(short)?;
    let len = u32::from_be_bytes(len.try_into().map_err(|_| short())?) as usize;
    if len > MAX_HEADER {
        return Err(short());
    }
    let (json, body) = split(rest, len).ok_or_else(short)?;
    let header: Header = serde_json::from_slice(json)
        .map_err(|e| BackupError::Format(format!("the header is not valid ({e})")))?;
    let (prefix, _) = split(file, PREFIX_LEN + len).ok_or_else(short)?;
    Ok(Parsed {
        header,
        prefix,
        body,
    })
}

impl Parsed<'_> {
    /// Decrypts and checks every chunk; the plaintext payload.
    pub fn open(&self, key: &FileKey) -> Result<Zeroizing<Vec<u8>>, BackupError> {
        let prefix_hash = digest(&SHA256, self.prefix);
        let k = chunk_key(key)?;
        let mut out = Zeroizing::new(Vec::with_capacity(self.body.len()));
        let mut rest = self.body;
        let mut index: u64 = 0;
        let max = self.header.chunk_size as usize + TAG_LEN;
        loop {
            if rest.is_empty() {
                return Err(BackupError::Damaged(format!(
                    "the file ends after chunk {index} without its last chunk (truncated)"
                )));
            }
            let cut = || BackupError::Damaged(format!("chunk {index} is cut short (truncated)"));
            let (len, after) = split(rest, 4).ok_or_else(cut)?;
            let len = u32::from_be_bytes(len.try_into().map_err(|_| cut())?) as usize;
            let (flags, after) = split(after, 1).ok_or_else(cut)?;
            let flags = flags.first().copied().unwrap_or(u8::MAX);
            if len < TAG_LEN || len > max || flags > 1 {
                return Err(BackupError::Damaged(format!(
                    "chunk {index} has an impossible length or flags"
                )));
            }
            let (sealed, after) = split(after, len).ok_or_else(cut)?;
            let mut buf = Zeroizing::new(sealed.to_vec());
            let pt = k
                .open_in_place(
                    nonce(index),
                    Aad::from(chunk_aad(prefix_hash.as_ref(), index, flags)),
                    &mut buf,
                )
                .map_err(|_| {
                    BackupError::Damaged(format!(
                        "chunk {index} fails authentication (altered, reordered, from another \
                         file, or a wrong key)"
                    ))
                })?;
            out.extend_from_slice(pt);
            rest = after;
            index += 1;
            if flags == 1 {
                break;
            }
        }
        if !rest.is_empty() {
            return Err(BackupError::Damaged(format!(
                "{} bytes follow the last chunk",
                rest.len()
            )));
        }
        Ok(out)
    }
}

/// PEM-encodes `der` under `label`.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The label and bytes of the first PEM block in `text`.
pub fn pem_decode(text: &str) -> Result<(String, Vec<u8>), BackupError> {
    let not_pem = || BackupError::Invalid("the key file is not PEM".to_owned());
    let start = text.find("-----BEGIN ").ok_or_else(not_pem)?;
    let rest = &text[start + 11..];
    let end_label = rest.find("-----").ok_or_else(not_pem)?;
    let label = rest[..end_label].to_owned();
    let body_start = end_label + 5;
    let footer = format!("-----END {label}-----");
    let body_end = rest.find(&footer).ok_or_else(not_pem)?;
    if body_end < body_start {
        return Err(not_pem());
    }
    let b64: String = rest[body_start..body_end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let der = STANDARD
        .decode(b64.as_bytes())
        .map_err(|_| BackupError::Invalid("the PEM body is not base64".to_owned()))?;
    Ok((label, der))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    fn fast() -> Argon2Params {
        Argon2Params {
            memory_kib: 256,
            iterations: 1,
            parallelism: 1,
        }
    }

    fn header(p: Protection, chunk: u32) -> Header {
        Header {
            created_at: "2026-12-05T00:00:00Z".to_owned(),
            chunk_size: chunk,
            protection: p,
        }
    }

    #[test]
    fn passphrase_round_trip_and_wrong_passphrase() {
        let key = FileKey::generate().unwrap();
        let h = header(
            protect_passphrase(&key, b"correct horse", fast()).unwrap(),
            7,
        );
        let payload: Vec<u8> = (0..100u8).collect();
        let file = seal(&h, &key, &payload).unwrap();
        let p = parse(&file).unwrap();
        let k = open_key(&p.header, &Unlock::Passphrase(b"correct horse")).unwrap();
        assert_eq!(p.open(&k).unwrap().as_slice(), payload.as_slice());
        let e = open_key(&p.header, &Unlock::Passphrase(b"wrong")).unwrap_err();
        assert!(matches!(e, BackupError::WrongKey(_)), "{e}");
    }

    #[test]
    fn a_header_asking_for_huge_argon2_costs_is_refused_before_deriving() {
        let key = FileKey::generate().unwrap();
        let mut p = protect_passphrase(&key, b"pw", fast()).unwrap();
        if let Protection::Passphrase { memory_kib, .. } = &mut p {
            *memory_kib = 2 * 1024 * 1024;
        }
        let e = open_key(&header(p, 8), &Unlock::Passphrase(b"pw")).unwrap_err();
        assert!(matches!(e, BackupError::Format(_)), "{e}");
    }

    #[test]
    fn every_flipped_byte_and_every_truncation_fails() {
        let key = FileKey::generate().unwrap();
        let h = header(protect_passphrase(&key, b"pw", fast()).unwrap(), 16);
        let file = seal(&h, &key, &[5u8; 50]).unwrap();
        let prefix = parse(&file).unwrap().prefix.len();
        for i in prefix..file.len() {
            let mut f = file.clone();
            f[i] ^= 0x01;
            let p = parse(&f).unwrap();
            assert!(p.open(&key).is_err(), "flip at {i} accepted");
        }
        for n in prefix..file.len() {
            let p = parse(&file[..n]).unwrap();
            assert!(p.open(&key).is_err(), "cut at {n} accepted");
        }
        let mut longer = file.clone();
        longer.push(0);
        assert!(parse(&longer).unwrap().open(&key).is_err());
        // A changed header (here the creation time) breaks every chunk.
        let text = String::from_utf8_lossy(&file[..prefix]).replace("2026", "2025");
        let mut f = text.into_bytes();
        f.extend_from_slice(&file[prefix..]);
        assert!(matches!(
            parse(&f).unwrap().open(&key),
            Err(BackupError::Damaged(_))
        ));
    }

    #[test]
    fn reordered_chunks_fail() {
        let key = FileKey::generate().unwrap();
        let h = header(protect_passphrase(&key, b"pw", fast()).unwrap(), 4);
        let file = seal(&h, &key, &[1, 2, 3, 4, 5, 6, 7, 8, 9]).unwrap();
        let prefix = parse(&file).unwrap().prefix.len();
        // Chunks of 4 bytes: 5 + 4 + 16 = 25 bytes each; swap the first two.
        let mut f = file[..prefix].to_vec();
        f.extend_from_slice(&file[prefix + 25..prefix + 50]);
        f.extend_from_slice(&file[prefix..prefix + 25]);
        f.extend_from_slice(&file[prefix + 50..]);
        assert!(parse(&f).unwrap().open(&key).is_err());
    }

    #[test]
    fn recipients_rsa_and_mlkem_any_one_opens() {
        let key = FileKey::generate().unwrap();
        let (rsa_priv, rsa_pub) = RecipientPrivateKey::generate(true).unwrap();
        let (kem_priv, kem_pub) = RecipientPrivateKey::generate(false).unwrap();
        let recipients = vec![
            RecipientKey::from_pem(&rsa_pub).unwrap(),
            RecipientKey::from_pem(&kem_pub).unwrap(),
        ];
        let h = header(protect_recipients(&key, &recipients).unwrap(), 1024);
        let file = seal(&h, &key, b"payload").unwrap();
        let p = parse(&file).unwrap();
        for pem in [&rsa_priv, &kem_priv] {
            let text = String::from_utf8(pem.expose().to_vec()).unwrap();
            let k = RecipientPrivateKey::from_pem(&text).unwrap();
            let got = open_key(&p.header, &Unlock::Recipient(&k)).unwrap();
            assert_eq!(p.open(&got).unwrap().as_slice(), b"payload");
        }
        let (other, _) = RecipientPrivateKey::generate(false).unwrap();
        let other =
            RecipientPrivateKey::from_pem(std::str::from_utf8(other.expose()).unwrap()).unwrap();
        let e = open_key(&p.header, &Unlock::Recipient(&other)).unwrap_err();
        assert!(e.to_string().contains("not made for this recipient"), "{e}");
    }

    #[test]
    fn small_rsa_recipients_are_refused() {
        let k = PrivateDecryptingKey::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        let pem = pem_encode("PUBLIC KEY", k.public_key().as_der().unwrap().as_ref());
        let e = RecipientKey::from_pem(&pem).err().unwrap();
        assert!(e.to_string().contains("3072"), "{e}");
    }

    #[test]
    fn shamir_three_of_five() {
        let key = FileKey::generate().unwrap();
        let (p, shares) = protect_shamir(&key, 3, 5).unwrap();
        let h = header(p, 1024);
        let texts: Vec<String> = shares
            .iter()
            .map(|s| String::from_utf8(s.expose().to_vec()).unwrap())
            .collect();
        let got = open_key(&h, &Unlock::Shares(&texts[1..4])).unwrap();
        assert_eq!(got.expose(), key.expose());
        let e = open_key(&h, &Unlock::Shares(&texts[..2])).unwrap_err();
        assert!(e.to_string().contains("needs 3"), "{e}");
        let (_, other) = protect_shamir(&key, 3, 5).unwrap();
        let mixed = vec![
            texts[0].clone(),
            texts[1].clone(),
            String::from_utf8(other[2].expose().to_vec()).unwrap(),
        ];
        assert!(matches!(
            open_key(&h, &Unlock::Shares(&mixed)),
            Err(BackupError::WrongKey(_))
        ));
    }

    #[test]
    fn not_a_backup_and_wrong_unlock_kind() {
        assert!(matches!(parse(b"hello"), Err(BackupError::Format(_))));
        let mut f = MAGIC.to_vec();
        f.extend_from_slice(&2u16.to_be_bytes());
        f.extend_from_slice(&[0; 4]);
        assert!(matches!(parse(&f), Err(BackupError::Version(_))));
        let key = FileKey::generate().unwrap();
        let (p, _) = protect_shamir(&key, 2, 2).unwrap();
        let e = open_key(&header(p, 8), &Unlock::Passphrase(b"x")).unwrap_err();
        assert!(e.to_string().contains("shamir"), "{e}");
    }
}
