//! RSA keys: OAEP (SHA-256, MGF1-SHA-256) encryption and PSS / PKCS#1 v1.5 signatures, the
//! caller-framed variants (OAEP with SHA-1/256/384/512, PKCS#1 v1.5 encryption, PSS salt
//! lengths, prehashed input), public-key-only handles, and PKCS#1 / PKCS#8 / SPKI conversions.

use std::sync::Arc;

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{
    KeyPair, KeyPairComponents, KeySize, OaepAlgorithm, OaepPrivateDecryptingKey,
    OaepPublicEncryptingKey, Pkcs1PrivateDecryptingKey, Pkcs1PublicEncryptingKey,
    PrivateDecryptingKey, PublicEncryptingKey, PublicKey, PublicKeyComponents, OAEP_SHA1_MGF1SHA1,
    OAEP_SHA256_MGF1SHA256, OAEP_SHA384_MGF1SHA384, OAEP_SHA512_MGF1SHA512,
};
use aws_lc_rs::signature::{
    self as sig, RsaEncoding, RsaParameters, RsaPssSaltLength, RsaSignatureEncoding,
    UnparsedPublicKey,
};
use keyhaven_core::cipher::{CipherOutput, CipherParams, HashAlgorithm, Padding, SignParams};
use keyhaven_core::{
    CryptoError, GeneratedKey, KeyAlgorithm, KeyHandle, Operation, SecretBytes, SignInput,
    SignatureScheme,
};
use zeroize::Zeroize;

use crate::error::{bad_material, check_digest_len, check_scheme, internal, wrong_family};
use crate::export::pkcs8_and_spki;
use crate::kdf::import_digest;

/// The smallest RSA modulus accepted anywhere (NIST SP 800-131A).
const MIN_RSA_BITS: usize = 2048;

/// aws-lc key size and modulus length in bits.
fn params(alg: KeyAlgorithm) -> Result<(KeySize, usize), CryptoError> {
    match alg {
        KeyAlgorithm::Rsa2048 => Ok((KeySize::Rsa2048, 2048)),
        KeyAlgorithm::Rsa3072 => Ok((KeySize::Rsa3072, 3072)),
        KeyAlgorithm::Rsa4096 => Ok((KeySize::Rsa4096, 4096)),
        _ => Err(wrong_family(alg, "rsa")),
    }
}

/// Padding for signing, parameters for verification and hash of a scheme.
struct SchemeParams {
    signing: &'static dyn RsaEncoding,
    verification: &'static RsaParameters,
    hash: &'static digest::Algorithm,
}

fn scheme_params(scheme: SignatureScheme) -> Option<SchemeParams> {
    let (signing, verification, hash): (&'static dyn RsaEncoding, _, _) = match scheme {
        SignatureScheme::RsaPssSha256 => (
            &sig::RSA_PSS_SHA256,
            &sig::RSA_PSS_2048_8192_SHA256,
            &digest::SHA256,
        ),
        SignatureScheme::RsaPssSha384 => (
            &sig::RSA_PSS_SHA384,
            &sig::RSA_PSS_2048_8192_SHA384,
            &digest::SHA384,
        ),
        SignatureScheme::RsaPssSha512 => (
            &sig::RSA_PSS_SHA512,
            &sig::RSA_PSS_2048_8192_SHA512,
            &digest::SHA512,
        ),
        SignatureScheme::RsaPkcs1Sha256 => (
            &sig::RSA_PKCS1_SHA256,
            &sig::RSA_PKCS1_2048_8192_SHA256,
            &digest::SHA256,
        ),
        SignatureScheme::RsaPkcs1Sha384 => (
            &sig::RSA_PKCS1_SHA384,
            &sig::RSA_PKCS1_2048_8192_SHA384,
            &digest::SHA384,
        ),
        SignatureScheme::RsaPkcs1Sha512 => (
            &sig::RSA_PKCS1_SHA512,
            &sig::RSA_PKCS1_2048_8192_SHA512,
            &digest::SHA512,
        ),
        _ => return None,
    };
    Some(SchemeParams {
        signing,
        verification,
        hash,
    })
}

/// Generates a key pair; material is PKCS#8 v1 DER, the public key SubjectPublicKeyInfo DER.
pub(crate) fn generate(alg: KeyAlgorithm) -> Result<GeneratedKey, CryptoError> {
    let (size, _) = params(alg)?;
    let pair = KeyPair::generate(size).map_err(|_| internal("RSA key generation"))?;
    pkcs8_and_spki(&pair)
}

/// Accepts PKCS#8 DER of an RSA key of exactly the algorithm's size, re-encoded as PKCS#8 v1.
/// Keys under 2048 bits are refused with a message saying so.
pub(crate) fn import(alg: KeyAlgorithm, material: &[u8]) -> Result<GeneratedKey, CryptoError> {
    let key = RsaKey::parse(alg, material)?;
    pkcs8_and_spki(&key.pair)
}

/// Parses stored material into a handle.
pub(crate) fn load(alg: KeyAlgorithm, material: &[u8]) -> Result<Arc<dyn KeyHandle>, CryptoError> {
    Ok(Arc::new(RsaKey::parse(alg, material)?))
}

/// Parses a SubjectPublicKeyInfo into an encrypt / verify handle.
pub(crate) fn load_public(
    alg: KeyAlgorithm,
    spki: &[u8],
) -> Result<Arc<dyn KeyHandle>, CryptoError> {
    Ok(Arc::new(RsaPublicKey {
        alg,
        public: RsaPublic::parse(alg, spki)?,
    }))
}

fn too_small(alg: KeyAlgorithm, bits: usize) -> CryptoError {
    bad_material(
        alg,
        format_args!(
            "RSA keys under {MIN_RSA_BITS} bits are refused (NIST SP 800-131A); this one has \
             {bits} bits"
        ),
    )
}

fn check_bits(alg: KeyAlgorithm, got: usize) -> Result<(), CryptoError> {
    let (_, bits) = params(alg)?;
    if got < MIN_RSA_BITS {
        return Err(too_small(alg, got));
    }
    if got != bits {
        return Err(bad_material(
            alg,
            format_args!("expected a {bits}-bit modulus, got {got} bits"),
        ));
    }
    Ok(())
}

/// The public half shared by private and public-only handles.
struct RsaPublic {
    oaep: OaepPublicEncryptingKey,
    pkcs1: Pkcs1PublicEncryptingKey,
    spki: Vec<u8>,
    bits: usize,
}

impl RsaPublic {
    fn new(alg: KeyAlgorithm, public: PublicEncryptingKey) -> Result<RsaPublic, CryptoError> {
        let bits = public.key_size_bits();
        check_bits(alg, bits)?;
        let spki = AsDer::<PublicKeyX509Der>::as_der(&public)
            .map_err(|_| internal("public key encoding"))?
            .as_ref()
            .to_vec();
        Ok(RsaPublic {
            oaep: OaepPublicEncryptingKey::new(public.clone())
                .map_err(|_| internal("RSA-OAEP public key setup"))?,
            pkcs1: Pkcs1PublicEncryptingKey::new(public)
                .map_err(|_| internal("RSA PKCS#1 public key setup"))?,
            spki,
            bits,
        })
    }

    fn parse(alg: KeyAlgorithm, spki: &[u8]) -> Result<RsaPublic, CryptoError> {
        params(alg)?;
        if let Some(bits) = der::spki_rsa_bits(spki) {
            if bits < MIN_RSA_BITS {
                return Err(too_small(alg, bits));
            }
        }
        let public = PublicEncryptingKey::from_der(spki).map_err(|e| {
            bad_material(alg, format_args!("not an RSA SubjectPublicKeyInfo ({e})"))
        })?;
        RsaPublic::new(alg, public)
    }

    fn modulus_len(&self) -> usize {
        self.bits.div_ceil(8)
    }

    /// OAEP with keyhaven's framing default (SHA-256, label = `aad`).
    fn oaep_encrypt(
        &self,
        alg: KeyAlgorithm,
        oaep: &'static OaepAlgorithm,
        plaintext: &[u8],
        label: Option<&[u8]>,
    ) -> Result<Vec<u8>, CryptoError> {
        let max = self.oaep.max_plaintext_size(oaep);
        if plaintext.len() > max {
            return Err(CryptoError::InvalidInput(format!(
                "plaintext too long for {alg} RSA-OAEP-{}: {} bytes, at most {max}",
                oaep_hash_name(oaep),
                plaintext.len()
            )));
        }
        let mut out = vec![0u8; self.oaep.ciphertext_size()];
        let len = self
            .oaep
            .encrypt(oaep, plaintext, &mut out, label)
            .map_err(|_| internal("RSA-OAEP encryption"))?
            .len();
        out.truncate(len);
        Ok(out)
    }

    fn encrypt_with(
        &self,
        alg: KeyAlgorithm,
        params: &CipherParams<'_>,
        plaintext: &[u8],
    ) -> Result<CipherOutput, CryptoError> {
        let data = match RsaCipher::from_params(params)? {
            RsaCipher::Oaep(oaep, label) => self.oaep_encrypt(alg, oaep, plaintext, label)?,
            RsaCipher::Pkcs1 => {
                let max = self.pkcs1.max_plaintext_size();
                if plaintext.len() > max {
                    return Err(CryptoError::InvalidInput(format!(
                        "plaintext too long for {alg} RSA PKCS#1 v1.5: {} bytes, at most {max}",
                        plaintext.len()
                    )));
                }
                let mut out = vec![0u8; self.pkcs1.ciphertext_size()];
                let len = self
                    .pkcs1
                    .encrypt(plaintext, &mut out)
                    .map_err(|_| internal("RSA PKCS#1 v1.5 encryption"))?
                    .len();
                out.truncate(len);
                out
            }
        };
        Ok(CipherOutput {
            data,
            iv: None,
            tag: None,
        })
    }

    fn verify_with(
        &self,
        params: &SignParams,
        data: &[u8],
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        let choice = RsaSig::from_params(params, self.bits)?;
        let digest = if params.prehashed {
            Some(import_digest(choice.hash, data)?)
        } else {
            None
        };
        // Without a stated salt length, PSS verification accepts the hash length, the maximum
        // and zero, as a verifier that recovers the salt length would (OpenSSL's "auto"; the
        // KMIP conformance signatures use the maximum). A stated length is enforced.
        let candidates: &[Option<Salt>] = match (choice.pss, params.salt_len) {
            (Some(_), None) => &[Some(Salt::Digest), Some(Salt::Max), Some(Salt::Zero)],
            (pss, _) => &[pss],
        };
        for pss in candidates {
            let candidate = RsaSig {
                pss: *pss,
                hash: choice.hash,
            };
            let public = UnparsedPublicKey::new(candidate.verification()?, &self.spki);
            let ok = match &digest {
                Some(digest) => public.verify_digest(digest, signature).is_ok(),
                None => public.verify(data, signature).is_ok(),
            };
            if ok {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn verify(
        &self,
        alg: KeyAlgorithm,
        scheme: SignatureScheme,
        input: SignInput<'_>,
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        check_scheme(alg, scheme)?;
        let params = scheme_params(scheme).ok_or_else(|| internal("RSA scheme lookup"))?;
        let public = UnparsedPublicKey::new(params.verification, &self.spki);
        Ok(match input {
            SignInput::Message(message) => public.verify(message, signature).is_ok(),
            SignInput::Digest(digest) => {
                check_digest_len(scheme, digest)?;
                let digest = Digest::import_less_safe(digest, params.hash)
                    .map_err(|_| internal("digest import"))?;
                public.verify_digest(&digest, signature).is_ok()
            }
        })
    }
}

fn oaep_hash_name(oaep: &'static OaepAlgorithm) -> &'static str {
    use aws_lc_rs::rsa::EncryptionAlgorithmId as Id;
    match oaep.id() {
        Id::OaepSha1Mgf1sha1 => "SHA-1",
        Id::OaepSha256Mgf1sha256 => "SHA-256",
        Id::OaepSha384Mgf1sha384 => "SHA-384",
        Id::OaepSha512Mgf1sha512 => "SHA-512",
        _ => "?",
    }
}

/// An RSA encryption scheme chosen by caller parameters.
enum RsaCipher<'a> {
    Oaep(&'static OaepAlgorithm, Option<&'a [u8]>),
    Pkcs1,
}

impl<'a> RsaCipher<'a> {
    fn from_params(params: &CipherParams<'a>) -> Result<RsaCipher<'a>, CryptoError> {
        if let Some(mode) = params.mode {
            return Err(CryptoError::InvalidInput(format!(
                "RSA encryption takes no block cipher mode ({mode} given)"
            )));
        }
        if params.iv.is_some() || params.tag_len.is_some() || !params.aad.is_empty() {
            return Err(CryptoError::InvalidInput(
                "RSA encryption takes no IV, tag or additional data; an OAEP label goes in \
                 oaep_label"
                    .to_owned(),
            ));
        }
        match params.padding {
            None | Some(Padding::Oaep) => {
                let hash = params.hash.unwrap_or(HashAlgorithm::Sha256);
                let mgf1 = params.mgf1_hash.unwrap_or(hash);
                if mgf1 != hash {
                    return Err(CryptoError::Unsupported(format!(
                        "RSA-OAEP with {hash} and MGF1-{mgf1} is not offered: the OAEP hash \
                         and the MGF1 hash must be the same"
                    )));
                }
                let oaep = match hash {
                    HashAlgorithm::Sha1 => &OAEP_SHA1_MGF1SHA1,
                    HashAlgorithm::Sha256 => &OAEP_SHA256_MGF1SHA256,
                    HashAlgorithm::Sha384 => &OAEP_SHA384_MGF1SHA384,
                    HashAlgorithm::Sha512 => &OAEP_SHA512_MGF1SHA512,
                    other => {
                        return Err(CryptoError::Unsupported(format!(
                            "RSA-OAEP with {other} is not offered; use sha-1, sha-256, sha-384 \
                             or sha-512"
                        )))
                    }
                };
                Ok(RsaCipher::Oaep(
                    oaep,
                    params.oaep_label.filter(|l| !l.is_empty()),
                ))
            }
            Some(Padding::Pkcs1v15) => {
                if params.hash.is_some()
                    || params.mgf1_hash.is_some()
                    || params.oaep_label.is_some()
                {
                    return Err(CryptoError::InvalidInput(
                        "RSA PKCS#1 v1.5 encryption takes no hash, MGF1 hash or label".to_owned(),
                    ));
                }
                Ok(RsaCipher::Pkcs1)
            }
            Some(other) => Err(CryptoError::InvalidInput(format!(
                "RSA encryption takes OAEP or PKCS#1 v1.5 padding, not {other}"
            ))),
        }
    }
}

/// PSS salt lengths offered (aws-lc-rs fixes them at compile time).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Salt {
    /// As long as the hash output (the usual choice, and the default).
    Digest,
    /// No salt (deterministic PSS).
    Zero,
    /// The largest the modulus allows: emLen - hLen - 2.
    Max,
}

/// An RSA signature scheme chosen by caller parameters.
struct RsaSig {
    pss: Option<Salt>,
    hash: HashAlgorithm,
}

impl RsaSig {
    fn from_params(params: &SignParams, bits: usize) -> Result<RsaSig, CryptoError> {
        let hash = params.hash.unwrap_or(HashAlgorithm::Sha256);
        if let Some(mgf1) = params.mgf1_hash {
            if mgf1 != hash {
                return Err(CryptoError::Unsupported(format!(
                    "RSA-PSS with {hash} and MGF1-{mgf1} is not offered: the MGF1 hash must be \
                     the signature hash"
                )));
            }
        }
        match params.padding {
            None | Some(Padding::Pss) => {
                let h = hash.output_len();
                let max = bits.saturating_sub(1).div_ceil(8).saturating_sub(h + 2);
                let salt = match params.salt_len {
                    None => Salt::Digest,
                    Some(n) if n == h => Salt::Digest,
                    Some(0) => Salt::Zero,
                    Some(n) if n == max => Salt::Max,
                    Some(n) => {
                        return Err(CryptoError::Unsupported(format!(
                            "RSA-PSS salt length {n} is not offered; use 0, {h} (the hash \
                             length) or {max} (the maximum)"
                        )))
                    }
                };
                Ok(RsaSig {
                    pss: Some(salt),
                    hash,
                })
            }
            Some(Padding::Pkcs1v15) => {
                if params.salt_len.is_some() || params.mgf1_hash.is_some() {
                    return Err(CryptoError::InvalidInput(
                        "RSA PKCS#1 v1.5 signatures take no salt length or MGF1 hash".to_owned(),
                    ));
                }
                Ok(RsaSig { pss: None, hash })
            }
            Some(other) => Err(CryptoError::InvalidInput(format!(
                "RSA signatures take PSS or PKCS#1 v1.5 padding, not {other}"
            ))),
        }
    }

    fn name(&self) -> String {
        match self.pss {
            Some(_) => format!("RSA-PSS with {}", self.hash),
            None => format!("RSA PKCS#1 v1.5 with {}", self.hash),
        }
    }

    /// Signing padding: SHA-256, SHA-384 and SHA-512 only.
    fn signing(&self) -> Result<&'static RsaSignatureEncoding, CryptoError> {
        use HashAlgorithm::{Sha256, Sha384, Sha512};
        use RsaPssSaltLength::{Custom, Max};
        let encoding: &'static RsaSignatureEncoding = match (self.pss, self.hash) {
            (None, Sha256) => &sig::RSA_PKCS1_SHA256,
            (None, Sha384) => &sig::RSA_PKCS1_SHA384,
            (None, Sha512) => &sig::RSA_PKCS1_SHA512,
            (Some(Salt::Digest), Sha256) => &sig::RSA_PSS_SHA256,
            (Some(Salt::Digest), Sha384) => &sig::RSA_PSS_SHA384,
            (Some(Salt::Digest), Sha512) => &sig::RSA_PSS_SHA512,
            (Some(Salt::Zero), Sha256) => {
                &const { sig::RSA_PSS_SHA256.with_pss_salt_length(Custom(0)) }
            }
            (Some(Salt::Zero), Sha384) => {
                &const { sig::RSA_PSS_SHA384.with_pss_salt_length(Custom(0)) }
            }
            (Some(Salt::Zero), Sha512) => {
                &const { sig::RSA_PSS_SHA512.with_pss_salt_length(Custom(0)) }
            }
            (Some(Salt::Max), Sha256) => &const { sig::RSA_PSS_SHA256.with_pss_salt_length(Max) },
            (Some(Salt::Max), Sha384) => &const { sig::RSA_PSS_SHA384.with_pss_salt_length(Max) },
            (Some(Salt::Max), Sha512) => &const { sig::RSA_PSS_SHA512.with_pss_salt_length(Max) },
            _ => {
                return Err(CryptoError::Unsupported(format!(
                    "{} is not offered for signing; sign with sha-256, sha-384 or sha-512",
                    self.name()
                )))
            }
        };
        Ok(encoding)
    }

    /// Verification parameters: signing's, plus PKCS#1 v1.5 with SHA-1 for legacy signatures.
    fn verification(&self) -> Result<&'static RsaParameters, CryptoError> {
        use HashAlgorithm::{Sha1, Sha256, Sha384, Sha512};
        use RsaPssSaltLength::{Custom, Max};
        let params: &'static RsaParameters = match (self.pss, self.hash) {
            (None, Sha1) => &sig::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            (None, Sha256) => &sig::RSA_PKCS1_2048_8192_SHA256,
            (None, Sha384) => &sig::RSA_PKCS1_2048_8192_SHA384,
            (None, Sha512) => &sig::RSA_PKCS1_2048_8192_SHA512,
            (Some(Salt::Digest), Sha256) => &sig::RSA_PSS_2048_8192_SHA256,
            (Some(Salt::Digest), Sha384) => &sig::RSA_PSS_2048_8192_SHA384,
            (Some(Salt::Digest), Sha512) => &sig::RSA_PSS_2048_8192_SHA512,
            (Some(Salt::Zero), Sha256) => {
                &const { sig::RSA_PSS_2048_8192_SHA256.with_pss_salt_length(Custom(0)) }
            }
            (Some(Salt::Zero), Sha384) => {
                &const { sig::RSA_PSS_2048_8192_SHA384.with_pss_salt_length(Custom(0)) }
            }
            (Some(Salt::Zero), Sha512) => {
                &const { sig::RSA_PSS_2048_8192_SHA512.with_pss_salt_length(Custom(0)) }
            }
            (Some(Salt::Max), Sha256) => {
                &const { sig::RSA_PSS_2048_8192_SHA256.with_pss_salt_length(Max) }
            }
            (Some(Salt::Max), Sha384) => {
                &const { sig::RSA_PSS_2048_8192_SHA384.with_pss_salt_length(Max) }
            }
            (Some(Salt::Max), Sha512) => {
                &const { sig::RSA_PSS_2048_8192_SHA512.with_pss_salt_length(Max) }
            }
            _ => {
                return Err(CryptoError::Unsupported(format!(
                    "{} is not offered for verification",
                    self.name()
                )))
            }
        };
        Ok(params)
    }
}

/// An RSA key version: the private key parsed once for signing and once each for OAEP and
/// PKCS#1 v1.5 decryption (aws-lc cleanses all when freed), and the public half.
struct RsaKey {
    alg: KeyAlgorithm,
    pair: KeyPair,
    decrypting: OaepPrivateDecryptingKey,
    pkcs1_decrypting: Pkcs1PrivateDecryptingKey,
    public: RsaPublic,
}

impl RsaKey {
    fn parse(alg: KeyAlgorithm, material: &[u8]) -> Result<RsaKey, CryptoError> {
        params(alg)?;
        if let Some(bits) = der::pkcs8_rsa_bits(material) {
            if bits < MIN_RSA_BITS {
                return Err(too_small(alg, bits));
            }
        }
        let pair = KeyPair::from_pkcs8(material)
            .map_err(|e| bad_material(alg, format_args!("not a PKCS#8 RSA private key ({e})")))?;
        let private = PrivateDecryptingKey::from_pkcs8(material)
            .map_err(|e| bad_material(alg, format_args!("not a PKCS#8 RSA private key ({e})")))?;
        check_bits(alg, private.key_size_bits())?;
        check_bits(alg, pair.public_modulus_len() * 8)?;
        let public = RsaPublic::new(alg, private.public_key())?;
        let pkcs1_decrypting = Pkcs1PrivateDecryptingKey::new(private.clone())
            .map_err(|_| internal("RSA PKCS#1 key setup"))?;
        let decrypting =
            OaepPrivateDecryptingKey::new(private).map_err(|_| internal("RSA-OAEP key setup"))?;
        Ok(RsaKey {
            alg,
            pair,
            decrypting,
            pkcs1_decrypting,
            public,
        })
    }

    fn scheme(&self, scheme: SignatureScheme) -> Result<SchemeParams, CryptoError> {
        check_scheme(self.alg, scheme)?;
        scheme_params(scheme).ok_or_else(|| internal("RSA scheme lookup"))
    }

    fn check_ciphertext_len(&self, ciphertext: &[u8], what: &str) -> Result<(), CryptoError> {
        let expected = self.public.modulus_len();
        if ciphertext.len() != expected {
            return Err(CryptoError::InvalidInput(format!(
                "{} {what} ciphertext must be {expected} bytes, got {}",
                self.alg,
                ciphertext.len()
            )));
        }
        Ok(())
    }

    fn oaep_decrypt(
        &self,
        oaep: &'static OaepAlgorithm,
        ciphertext: &[u8],
        label: Option<&[u8]>,
    ) -> Result<SecretBytes, CryptoError> {
        self.check_ciphertext_len(ciphertext, "RSA-OAEP")?;
        let mut out = vec![0u8; self.decrypting.min_output_size()];
        let opened = self
            .decrypting
            .decrypt(oaep, ciphertext, &mut out, label)
            .map(|plaintext| plaintext.len());
        finish_decrypt(out, opened)
    }
}

/// Keeps the decrypted prefix, or wipes the buffer: any RSA decryption failure is
/// `AuthenticationFailed`, with no detail that could serve as a padding oracle.
fn finish_decrypt(
    mut out: Vec<u8>,
    opened: Result<usize, aws_lc_rs::error::Unspecified>,
) -> Result<SecretBytes, CryptoError> {
    match opened {
        Ok(len) => {
            out.truncate(len);
            Ok(SecretBytes::new(out))
        }
        Err(_) => {
            out.zeroize();
            Err(CryptoError::AuthenticationFailed)
        }
    }
}

fn label(aad: &[u8]) -> Option<&[u8]> {
    (!aad.is_empty()).then_some(aad)
}

impl KeyHandle for RsaKey {
    fn algorithm(&self) -> KeyAlgorithm {
        self.alg
    }

    fn encrypt(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.public
            .oaep_encrypt(self.alg, &OAEP_SHA256_MGF1SHA256, plaintext, label(aad))
    }

    fn decrypt(&self, ciphertext: &[u8], aad: &[u8]) -> Result<SecretBytes, CryptoError> {
        self.oaep_decrypt(&OAEP_SHA256_MGF1SHA256, ciphertext, label(aad))
    }

    fn sign(&self, scheme: SignatureScheme, input: SignInput<'_>) -> Result<Vec<u8>, CryptoError> {
        let params = self.scheme(scheme)?;
        let mut signature = vec![0u8; self.pair.public_modulus_len()];
        match input {
            SignInput::Message(message) => self
                .pair
                .sign(
                    params.signing,
                    &SystemRandom::new(),
                    message,
                    &mut signature,
                )
                .map_err(|_| internal("RSA signing"))?,
            SignInput::Digest(digest) => {
                check_digest_len(scheme, digest)?;
                let digest = Digest::import_less_safe(digest, params.hash)
                    .map_err(|_| internal("digest import"))?;
                self.pair
                    .sign_digest(params.signing, &digest, &mut signature)
                    .map_err(|_| internal("RSA digest signing"))?;
            }
        }
        Ok(signature)
    }

    fn verify(
        &self,
        scheme: SignatureScheme,
        input: SignInput<'_>,
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        self.public.verify(self.alg, scheme, input, signature)
    }

    fn encrypt_with(
        &self,
        params: &CipherParams<'_>,
        plaintext: &[u8],
    ) -> Result<CipherOutput, CryptoError> {
        self.public.encrypt_with(self.alg, params, plaintext)
    }

    fn decrypt_with(
        &self,
        params: &CipherParams<'_>,
        ciphertext: &[u8],
        tag: Option<&[u8]>,
    ) -> Result<SecretBytes, CryptoError> {
        if tag.is_some() {
            return Err(CryptoError::InvalidInput(
                "RSA decryption takes no authentication tag".to_owned(),
            ));
        }
        match RsaCipher::from_params(params)? {
            RsaCipher::Oaep(oaep, label) => self.oaep_decrypt(oaep, ciphertext, label),
            RsaCipher::Pkcs1 => {
                self.check_ciphertext_len(ciphertext, "RSA PKCS#1 v1.5")?;
                let mut out = vec![0u8; self.pkcs1_decrypting.min_output_size()];
                let opened = self
                    .pkcs1_decrypting
                    .decrypt(ciphertext, &mut out)
                    .map(|p| p.len());
                finish_decrypt(out, opened)
            }
        }
    }

    fn sign_with(&self, params: &SignParams, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let choice = RsaSig::from_params(params, self.public.bits)?;
        let encoding = choice.signing()?;
        let mut signature = vec![0u8; self.pair.public_modulus_len()];
        if params.prehashed {
            let digest = import_digest(choice.hash, data)?;
            self.pair
                .sign_digest(encoding, &digest, &mut signature)
                .map_err(|_| internal("RSA digest signing"))?;
        } else {
            self.pair
                .sign(encoding, &SystemRandom::new(), data, &mut signature)
                .map_err(|_| internal("RSA signing"))?;
        }
        Ok(signature)
    }

    fn verify_with(
        &self,
        params: &SignParams,
        data: &[u8],
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        self.public.verify_with(params, data, signature)
    }
}

/// An RSA public key alone (registered X.509 / PKCS#1 public key): encryption and
/// verification; decryption and signing answer `Unsupported`.
struct RsaPublicKey {
    alg: KeyAlgorithm,
    public: RsaPublic,
}

impl RsaPublicKey {
    fn public_only(&self, op: Operation) -> CryptoError {
        CryptoError::Unsupported(format!(
            "{} public keys cannot {}: it needs the private key",
            self.alg,
            op.name()
        ))
    }
}

impl KeyHandle for RsaPublicKey {
    fn algorithm(&self) -> KeyAlgorithm {
        self.alg
    }

    fn encrypt(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.public
            .oaep_encrypt(self.alg, &OAEP_SHA256_MGF1SHA256, plaintext, label(aad))
    }

    fn decrypt(&self, _ciphertext: &[u8], _aad: &[u8]) -> Result<SecretBytes, CryptoError> {
        Err(self.public_only(Operation::Decrypt))
    }

    fn sign(&self, _: SignatureScheme, _: SignInput<'_>) -> Result<Vec<u8>, CryptoError> {
        Err(self.public_only(Operation::Sign))
    }

    fn verify(
        &self,
        scheme: SignatureScheme,
        input: SignInput<'_>,
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        self.public.verify(self.alg, scheme, input, signature)
    }

    fn encrypt_with(
        &self,
        params: &CipherParams<'_>,
        plaintext: &[u8],
    ) -> Result<CipherOutput, CryptoError> {
        self.public.encrypt_with(self.alg, params, plaintext)
    }

    fn decrypt_with(
        &self,
        _: &CipherParams<'_>,
        _: &[u8],
        _: Option<&[u8]>,
    ) -> Result<SecretBytes, CryptoError> {
        Err(self.public_only(Operation::Decrypt))
    }

    fn sign_with(&self, _: &SignParams, _: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Err(self.public_only(Operation::Sign))
    }

    fn verify_with(
        &self,
        params: &SignParams,
        data: &[u8],
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        self.public.verify_with(params, data, signature)
    }
}

fn conversion_error(what: &str) -> CryptoError {
    CryptoError::InvalidKeyMaterial(format!("{what}: not a valid RSA key of 2048 bits or more"))
}

/// PKCS#1 `RSAPrivateKey` DER (KMIP Key Format Type PKCS_1) to PKCS#8 v1 DER, the storage
/// encoding [`keyhaven_core::CryptoProvider::import`] takes. Keys under 2048 bits are refused.
pub fn rsa_pkcs1_to_pkcs8(pkcs1_der: &[u8]) -> Result<SecretBytes, CryptoError> {
    if let Some(bits) = der::rsa_private_key_bits(pkcs1_der) {
        if bits < MIN_RSA_BITS {
            return Err(CryptoError::InvalidKeyMaterial(format!(
                "RSA keys under {MIN_RSA_BITS} bits are refused (NIST SP 800-131A); this one \
                 has {bits} bits"
            )));
        }
    }
    let pair =
        KeyPair::from_der(pkcs1_der).map_err(|_| conversion_error("PKCS#1 RSA private key"))?;
    let pkcs8 = AsDer::<Pkcs8V1Der>::as_der(&pair).map_err(|_| internal("PKCS#8 encoding"))?;
    Ok(SecretBytes::from_slice(pkcs8.as_ref()))
}

/// PKCS#8 DER of an RSA private key to PKCS#1 `RSAPrivateKey` DER (KMIP Get in PKCS_1).
pub fn pkcs8_to_rsa_pkcs1(pkcs8_der: &[u8]) -> Result<SecretBytes, CryptoError> {
    KeyPair::from_pkcs8(pkcs8_der).map_err(|_| conversion_error("PKCS#8 RSA private key"))?;
    der::pkcs8_inner_rsa_key(pkcs8_der)
        .map(SecretBytes::from_slice)
        .ok_or_else(|| conversion_error("PKCS#8 RSA private key"))
}

/// PKCS#1 `RSAPublicKey` DER to SubjectPublicKeyInfo DER (KMIP X_509 public key format).
pub fn rsa_public_pkcs1_to_spki(pkcs1_der: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let public =
        PublicKey::from_der(pkcs1_der).map_err(|_| conversion_error("PKCS#1 RSA public key"))?;
    let spki =
        AsDer::<PublicKeyX509Der>::as_der(&public).map_err(|_| internal("public key encoding"))?;
    Ok(spki.as_ref().to_vec())
}

/// SubjectPublicKeyInfo DER of an RSA key to PKCS#1 `RSAPublicKey` DER.
pub fn spki_to_rsa_pkcs1_public(spki_der: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let public = PublicKey::from_der(spki_der).map_err(|_| conversion_error("RSA public key"))?;
    Ok(public.as_ref().to_vec())
}

/// The public components of an RSA key (KMIP Transparent RSA Public Key), big-endian
/// unsigned integers without leading zeros.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsaPublicComponents {
    /// The modulus n.
    pub modulus: Vec<u8>,
    /// The public exponent e.
    pub public_exponent: Vec<u8>,
}

/// The components of an RSA private key (KMIP Transparent RSA Private Key), big-endian
/// unsigned integers without leading zeros. `Debug` shows the public components only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsaPrivateComponents {
    /// The modulus n and public exponent e.
    pub public: RsaPublicComponents,
    /// The private exponent d.
    pub private_exponent: SecretBytes,
    /// The first prime p.
    pub prime_p: SecretBytes,
    /// The second prime q.
    pub prime_q: SecretBytes,
    /// d mod (p - 1).
    pub exponent_p: SecretBytes,
    /// d mod (q - 1).
    pub exponent_q: SecretBytes,
    /// q^-1 mod p.
    pub coefficient: SecretBytes,
}

/// The components of an RSA public key given as SubjectPublicKeyInfo or PKCS#1 DER.
pub fn rsa_public_components(der_bytes: &[u8]) -> Result<RsaPublicComponents, CryptoError> {
    let public = PublicKey::from_der(der_bytes).map_err(|_| conversion_error("RSA public key"))?;
    der::rsa_public_key(public.as_ref()).ok_or_else(|| internal("RSA public key decoding"))
}

/// The components of an RSA private key given as PKCS#8 or PKCS#1 DER.
pub fn rsa_private_components(der_bytes: &[u8]) -> Result<RsaPrivateComponents, CryptoError> {
    let pkcs1 = match der::pkcs8_inner_rsa_key(der_bytes) {
        Some(inner) => inner,
        None => der_bytes,
    };
    KeyPair::from_der(pkcs1).map_err(|_| conversion_error("RSA private key"))?;
    der::rsa_private_key(pkcs1).ok_or_else(|| conversion_error("RSA private key"))
}

/// PKCS#8 v1 DER of the RSA private key with these components (all must be present and
/// consistent; aws-lc checks them).
pub fn rsa_pkcs8_from_components(
    components: &RsaPrivateComponents,
) -> Result<SecretBytes, CryptoError> {
    let parts = KeyPairComponents {
        public_key: PublicKeyComponents {
            n: components.public.modulus.as_slice(),
            e: components.public.public_exponent.as_slice(),
        },
        d: components.private_exponent.expose(),
        p: components.prime_p.expose(),
        q: components.prime_q.expose(),
        dP: components.exponent_p.expose(),
        dQ: components.exponent_q.expose(),
        qInv: components.coefficient.expose(),
    };
    let pair = KeyPair::from_components(&parts)
        .map_err(|_| conversion_error("RSA private key components"))?;
    let pkcs8 = AsDer::<Pkcs8V1Der>::as_der(&pair).map_err(|_| internal("PKCS#8 encoding"))?;
    Ok(SecretBytes::from_slice(pkcs8.as_ref()))
}

/// SubjectPublicKeyInfo DER of the RSA public key (n, e). Keys under 2048 bits are refused.
pub fn rsa_spki_from_components(components: &RsaPublicComponents) -> Result<Vec<u8>, CryptoError> {
    let bits = der::magnitude_bits(&components.modulus);
    if bits < MIN_RSA_BITS {
        return Err(CryptoError::InvalidKeyMaterial(format!(
            "RSA keys under {MIN_RSA_BITS} bits are refused (NIST SP 800-131A); this one has \
             {bits} bits"
        )));
    }
    let parts = PublicKeyComponents {
        n: components.modulus.as_slice(),
        e: components.public_exponent.as_slice(),
    };
    let spki = AsDer::<PublicKeyX509Der>::as_der(&parts)
        .map_err(|_| conversion_error("RSA public key components"))?;
    Ok(spki.as_ref().to_vec())
}

pub(crate) use der::tlv as der_tlv;

/// A minimal DER reader for the RSA structures aws-lc-rs has no accessor for (PKCS#8 inner
/// key, RSAPrivateKey components, modulus size of keys aws-lc rejects). It only reads.
mod der {
    use super::{RsaPrivateComponents, RsaPublicComponents};
    use keyhaven_core::SecretBytes;

    const SEQUENCE: u8 = 0x30;
    const INTEGER: u8 = 0x02;
    const OCTET_STRING: u8 = 0x04;
    const BIT_STRING: u8 = 0x03;
    const OID: u8 = 0x06;
    /// 1.2.840.113549.1.1.1 (rsaEncryption).
    const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

    /// Splits one TLV off `input`: (tag, contents, rest). Definite lengths of up to 4 bytes.
    pub(crate) fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, rest) = input.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = if first < 0x80 {
            (usize::from(first), rest)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return None;
            }
            let (bytes, rest) = rest.split_at_checked(n)?;
            let len = bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (len, rest)
        };
        let (contents, rest) = rest.split_at_checked(len)?;
        Some((tag, contents, rest))
    }

    fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
        match tlv(input)? {
            (t, contents, rest) if t == tag => Some((contents, rest)),
            _ => None,
        }
    }

    /// An INTEGER's magnitude without leading zero bytes (positive integers only).
    fn unsigned(input: &[u8]) -> Option<(&[u8], &[u8])> {
        let (contents, rest) = expect(input, INTEGER)?;
        if contents.first().is_some_and(|b| b & 0x80 != 0) {
            return None;
        }
        let start = contents
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(contents.len());
        Some((contents.get(start..)?, rest))
    }

    /// Bit length of a big-endian magnitude.
    pub(super) fn magnitude_bits(magnitude: &[u8]) -> usize {
        let mut iter = magnitude.iter().skip_while(|b| **b == 0);
        match iter.next() {
            Some(first) => (8 - first.leading_zeros() as usize) + 8 * iter.count(),
            None => 0,
        }
    }

    /// The RSAPrivateKey inside a PKCS#8 PrivateKeyInfo whose algorithm is rsaEncryption.
    pub(super) fn pkcs8_inner_rsa_key(pkcs8: &[u8]) -> Option<&[u8]> {
        let (info, _) = expect(pkcs8, SEQUENCE)?;
        let (_version, rest) = expect(info, INTEGER)?;
        let (alg_id, rest) = expect(rest, SEQUENCE)?;
        let (oid, _) = expect(alg_id, OID)?;
        if oid != RSA_ENCRYPTION {
            return None;
        }
        let (key, _) = expect(rest, OCTET_STRING)?;
        Some(key)
    }

    /// The modulus size of a PKCS#1 RSAPrivateKey.
    pub(super) fn rsa_private_key_bits(pkcs1: &[u8]) -> Option<usize> {
        let (seq, _) = expect(pkcs1, SEQUENCE)?;
        let (_version, rest) = expect(seq, INTEGER)?;
        let (n, _) = unsigned(rest)?;
        Some(magnitude_bits(n))
    }

    /// The modulus size of an RSA key in PKCS#8.
    pub(super) fn pkcs8_rsa_bits(pkcs8: &[u8]) -> Option<usize> {
        rsa_private_key_bits(pkcs8_inner_rsa_key(pkcs8)?)
    }

    /// The modulus size of an RSA key in a SubjectPublicKeyInfo.
    pub(super) fn spki_rsa_bits(spki: &[u8]) -> Option<usize> {
        let (info, _) = expect(spki, SEQUENCE)?;
        let (alg_id, rest) = expect(info, SEQUENCE)?;
        let (oid, _) = expect(alg_id, OID)?;
        if oid != RSA_ENCRYPTION {
            return None;
        }
        let (bits, _) = expect(rest, BIT_STRING)?;
        let (_unused, key) = bits.split_first()?;
        Some(magnitude_bits(&rsa_public_key(key)?.modulus))
    }

    /// The components of a PKCS#1 RSAPublicKey.
    pub(super) fn rsa_public_key(pkcs1: &[u8]) -> Option<RsaPublicComponents> {
        let (seq, _) = expect(pkcs1, SEQUENCE)?;
        let (n, rest) = unsigned(seq)?;
        let (e, _) = unsigned(rest)?;
        Some(RsaPublicComponents {
            modulus: n.to_vec(),
            public_exponent: e.to_vec(),
        })
    }

    /// The components of a PKCS#1 RSAPrivateKey (two-prime).
    pub(super) fn rsa_private_key(pkcs1: &[u8]) -> Option<RsaPrivateComponents> {
        let (seq, _) = expect(pkcs1, SEQUENCE)?;
        let (_version, rest) = expect(seq, INTEGER)?;
        let (n, rest) = unsigned(rest)?;
        let (e, rest) = unsigned(rest)?;
        let mut secrets = Vec::with_capacity(6);
        let mut rest = rest;
        for _ in 0..6 {
            let (value, next) = unsigned(rest)?;
            secrets.push(SecretBytes::from_slice(value));
            rest = next;
        }
        let mut secrets = secrets.into_iter();
        let mut next = || secrets.next();
        Some(RsaPrivateComponents {
            public: RsaPublicComponents {
                modulus: n.to_vec(),
                public_exponent: e.to_vec(),
            },
            private_exponent: next()?,
            prime_p: next()?,
            prime_q: next()?,
            exponent_p: next()?,
            exponent_q: next()?,
            coefficient: next()?,
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
mod tests;
