//! Encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`, RFC 5958 EncryptedPrivateKeyInfo): which
//! scheme protects the key, and PBES2 decryption (RFC 8018: PBKDF2 with HMAC-SHA-1/-224/-256/
//! -384/-512, AES-128/-192/-256-CBC) when a passphrase is given.

use aws_lc_rs::cipher::{
    DecryptionContext, PaddedBlockDecryptingKey, UnboundCipherKey, AES_128, AES_192, AES_256,
};
use aws_lc_rs::iv::FixedLength;
use keyhaven_core::cipher::HashAlgorithm;
use zeroize::Zeroizing;

use super::der::{self, DerError, Reader};
use super::keys::Secret;

const PBES2: &str = "1.2.840.113549.1.5.13";
const PBKDF2: &str = "1.2.840.113549.1.5.12";
const SCRYPT: &str = "1.3.6.1.4.1.11591.4.11";

/// How an encrypted PKCS#8 key is protected.
#[derive(Clone, Debug)]
pub struct Scheme {
    /// For people: `PBES2 (PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC)`.
    pub description: String,
    /// Whether the scheme is considered weak (PBES1, DES, RC2, 3DES).
    pub weak: bool,
    pbes2: Option<Pbes2>,
}

#[derive(Clone, Debug)]
struct Pbes2 {
    prf: HashAlgorithm,
    salt: Vec<u8>,
    iterations: u32,
    key_len: usize,
    iv: [u8; 16],
}

/// Why a key could not be decrypted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecryptError {
    /// The scheme is not PBES2 with PBKDF2 and AES-CBC.
    Unsupported(String),
    /// Wrong passphrase, or the data is corrupt.
    WrongPassphrase,
}

/// Reads an EncryptedPrivateKeyInfo's algorithm.
pub fn scheme(epki: &[u8]) -> Result<Scheme, DerError> {
    let mut seq = der::whole_sequence(epki)?;
    let (oid, params) = der::algorithm_identifier(&mut seq)?;
    let _data = seq.expect(der::OCTET_STRING)?;
    if oid != PBES2 {
        let name = pbes1_name(&oid);
        return Ok(Scheme {
            description: format!("PBES1 ({name})"),
            weak: true,
            pbes2: None,
        });
    }
    let params = params
        .filter(|t| t.tag == der::SEQUENCE)
        .ok_or(DerError("PBES2 without parameters"))?;
    let mut params = Reader::new(params.content);
    let (kdf_oid, kdf_params) = der::algorithm_identifier(&mut params)?;
    let (enc_oid, enc_params) = der::algorithm_identifier(&mut params)?;
    let (cipher, key_len, weak_cipher) = cipher_name(&enc_oid);
    let iv = enc_params
        .filter(|t| t.tag == der::OCTET_STRING)
        .and_then(|t| <[u8; 16]>::try_from(t.content).ok());
    match kdf_oid.as_str() {
        PBKDF2 => {
            let kdf = kdf_params
                .filter(|t| t.tag == der::SEQUENCE)
                .ok_or(DerError("PBKDF2 without parameters"))?;
            let mut kdf = Reader::new(kdf.content);
            let salt = kdf.expect(der::OCTET_STRING)?.to_vec();
            let iterations = der::small_uint(kdf.expect(der::INTEGER)?)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or(DerError("PBKDF2 iteration count out of range"))?;
            let declared_len = match kdf.optional(der::INTEGER)? {
                Some(len) => der::small_uint(len),
                None => None,
            };
            let prf = if kdf.is_empty() {
                Some(HashAlgorithm::Sha1)
            } else {
                let (prf_oid, _) = der::algorithm_identifier(&mut kdf)?;
                prf_hash(&prf_oid)
            };
            let prf_name = prf.map_or_else(|| "unknown PRF".to_owned(), hmac_name);
            let pbes2 = match (prf, key_len, iv) {
                (Some(prf), Some(key_len), Some(iv))
                    if declared_len.is_none_or(|l| l == key_len as u64) =>
                {
                    Some(Pbes2 {
                        prf,
                        salt,
                        iterations,
                        key_len,
                        iv,
                    })
                }
                _ => None,
            };
            Ok(Scheme {
                description: format!(
                    "PBES2 (PBKDF2-{prf_name}, {iterations} iterations, {cipher})"
                ),
                weak: weak_cipher,
                pbes2,
            })
        }
        SCRYPT => Ok(Scheme {
            description: format!("PBES2 (scrypt, {cipher})"),
            weak: weak_cipher,
            pbes2: None,
        }),
        other => Ok(Scheme {
            description: format!("PBES2 (key derivation {other}, {cipher})"),
            weak: weak_cipher,
            pbes2: None,
        }),
    }
}

/// Decrypts an EncryptedPrivateKeyInfo with `passphrase`; returns the PrivateKeyInfo DER.
pub fn decrypt(epki: &[u8], passphrase: &[u8]) -> Result<Secret, DecryptError> {
    let scheme = scheme(epki).map_err(|_| DecryptError::WrongPassphrase)?;
    let Some(p) = &scheme.pbes2 else {
        return Err(DecryptError::Unsupported(scheme.description));
    };
    let data = der::whole_sequence(epki)
        .and_then(|mut seq| {
            seq.read()?;
            seq.expect(der::OCTET_STRING)
        })
        .map_err(|_| DecryptError::WrongPassphrase)?;
    let key = keyhaven_crypto::pbkdf2(p.prf, passphrase, &p.salt, p.iterations, p.key_len)
        .map_err(|e| DecryptError::Unsupported(format!("{}: {e}", scheme.description)))?;
    let alg = match p.key_len {
        16 => &AES_128,
        24 => &AES_192,
        _ => &AES_256,
    };
    let unsupported = || DecryptError::Unsupported(scheme.description.clone());
    let cipher = UnboundCipherKey::new(alg, key.expose())
        .and_then(PaddedBlockDecryptingKey::cbc_pkcs7)
        .map_err(|_| unsupported())?;
    let mut buf = Zeroizing::new(data.to_vec());
    let context = DecryptionContext::Iv128(FixedLength::from(p.iv));
    let plain = cipher
        .decrypt(&mut buf, context)
        .map_err(|_| DecryptError::WrongPassphrase)?;
    let mut plain = Zeroizing::new(plain.to_vec());
    // A wrong passphrase passes the padding check once in 256 tries: the result must also be
    // one DER SEQUENCE.
    if der::whole_sequence(&plain).is_err() {
        return Err(DecryptError::WrongPassphrase);
    }
    Ok(Secret::new(std::mem::take(&mut *plain)))
}

fn cipher_name(oid: &str) -> (String, Option<usize>, bool) {
    match oid {
        "2.16.840.1.101.3.4.1.2" => ("AES-128-CBC".to_owned(), Some(16), false),
        "2.16.840.1.101.3.4.1.22" => ("AES-192-CBC".to_owned(), Some(24), false),
        "2.16.840.1.101.3.4.1.42" => ("AES-256-CBC".to_owned(), Some(32), false),
        "1.2.840.113549.3.7" => ("DES-EDE3-CBC".to_owned(), None, true),
        "1.3.14.3.2.7" => ("DES-CBC".to_owned(), None, true),
        "1.2.840.113549.3.2" => ("RC2-CBC".to_owned(), None, true),
        other => (format!("cipher {other}"), None, false),
    }
}

fn prf_hash(oid: &str) -> Option<HashAlgorithm> {
    match oid {
        "1.2.840.113549.2.7" => Some(HashAlgorithm::Sha1),
        "1.2.840.113549.2.8" => Some(HashAlgorithm::Sha224),
        "1.2.840.113549.2.9" => Some(HashAlgorithm::Sha256),
        "1.2.840.113549.2.10" => Some(HashAlgorithm::Sha384),
        "1.2.840.113549.2.11" => Some(HashAlgorithm::Sha512),
        _ => None,
    }
}

fn hmac_name(hash: HashAlgorithm) -> String {
    match hash {
        HashAlgorithm::Sha1 => "HMAC-SHA1",
        HashAlgorithm::Sha224 => "HMAC-SHA224",
        HashAlgorithm::Sha256 => "HMAC-SHA256",
        HashAlgorithm::Sha384 => "HMAC-SHA384",
        HashAlgorithm::Sha512 => "HMAC-SHA512",
        _ => "HMAC",
    }
    .to_owned()
}

fn pbes1_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.5.3" => "pbeWithMD5AndDES-CBC",
        "1.2.840.113549.1.5.10" => "pbeWithSHA1AndDES-CBC",
        "1.2.840.113549.1.12.1.3" => "pbeWithSHAAnd3-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.4" => "pbeWithSHAAnd2-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.5" => "pbeWithSHAAnd128BitRC2-CBC",
        "1.2.840.113549.1.12.1.6" => "pbeWithSHAAnd40BitRC2-CBC",
        other => other,
    }
    .to_owned()
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use aws_lc_rs::cipher::{EncryptionContext, PaddedBlockEncryptingKey};

    use super::*;

    /// Builds a PBES2 EncryptedPrivateKeyInfo the way OpenSSL does.
    fn encrypt(pkcs8: &[u8], passphrase: &[u8], iterations: u32) -> Vec<u8> {
        let salt = [7u8; 16];
        let iv = [9u8; 16];
        let key = keyhaven_crypto::pbkdf2(HashAlgorithm::Sha256, passphrase, &salt, iterations, 32)
            .unwrap();
        let cipher = PaddedBlockEncryptingKey::cbc_pkcs7(
            UnboundCipherKey::new(&AES_256, key.expose()).unwrap(),
        )
        .unwrap();
        let mut data = pkcs8.to_vec();
        cipher
            .less_safe_encrypt(&mut data, EncryptionContext::Iv128(FixedLength::from(iv)))
            .unwrap();
        let kdf = der::sequence(&[
            &der::oid(PBKDF2).unwrap(),
            &der::sequence(&[
                &der::tlv(der::OCTET_STRING, &salt),
                &der::uint(&iterations.to_be_bytes()),
                &der::sequence(&[
                    &der::oid("1.2.840.113549.2.9").unwrap(),
                    &der::tlv(der::NULL, &[]),
                ]),
            ]),
        ]);
        let enc = der::sequence(&[
            &der::oid("2.16.840.1.101.3.4.1.42").unwrap(),
            &der::tlv(der::OCTET_STRING, &iv),
        ]);
        der::sequence(&[
            &der::sequence(&[&der::oid(PBES2).unwrap(), &der::sequence(&[&kdf, &enc])]),
            &der::tlv(der::OCTET_STRING, &data),
        ])
    }

    #[test]
    fn pbes2_round_trip_and_wrong_passphrase() {
        let inner = der::sequence(&[&der::uint(&[0]), &der::tlv(der::OCTET_STRING, b"k")]);
        let epki = encrypt(&inner, b"x", 1000);
        let s = scheme(&epki).unwrap();
        assert_eq!(
            s.description,
            "PBES2 (PBKDF2-HMAC-SHA256, 1000 iterations, AES-256-CBC)"
        );
        assert!(!s.weak);
        assert_eq!(decrypt(&epki, b"x").unwrap().expose(), inner.as_slice());
        assert_eq!(
            decrypt(&epki, b"y").unwrap_err(),
            DecryptError::WrongPassphrase
        );
    }

    #[test]
    fn pbes1_is_named_and_not_decrypted() {
        let epki = der::sequence(&[
            &der::sequence(&[
                &der::oid("1.2.840.113549.1.12.1.3").unwrap(),
                &der::sequence(&[&der::tlv(der::OCTET_STRING, &[1; 8]), &der::uint(&[8, 0])]),
            ]),
            &der::tlv(der::OCTET_STRING, &[0; 32]),
        ]);
        let s = scheme(&epki).unwrap();
        assert!(s.weak);
        assert!(s.description.contains("TripleDES"), "{}", s.description);
        assert!(matches!(
            decrypt(&epki, b"x"),
            Err(DecryptError::Unsupported(_))
        ));
    }
}
