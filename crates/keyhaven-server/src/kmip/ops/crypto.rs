//! Cryptographic operations with caller-chosen parameters: Encrypt, Decrypt, Sign, Signature
//! Verify, MAC, MAC Verify. Parameters missing from the request come from the object's
//! Cryptographic Parameters attribute, then from the algorithm's defaults.

use keyhaven_core::cipher::{BlockMode, CipherParams, HashAlgorithm, Padding, SignParams};
use keyhaven_core::KeyId;
use keyhaven_kmip::attribute::{name as an, CryptographicParameters};
use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::dict::values::{
    block_cipher_mode as bm, digital_signature_algorithm as dsa, hashing_algorithm as ha,
    padding_method as pm, validity_indicator as vi,
};
use keyhaven_kmip::message::reason;
use keyhaven_kmip::ttlv::Ttlv;

use super::{required, uid, OpContext};
use crate::kmip::attributes;
use crate::kmip::dispatch::KmipError;

/// The keyhaven hash of a KMIP Hashing Algorithm.
pub fn hash_algorithm(value: u32) -> Result<HashAlgorithm, KmipError> {
    Ok(match value {
        ha::SHA_1 => HashAlgorithm::Sha1,
        ha::SHA_224 => HashAlgorithm::Sha224,
        ha::SHA_256 => HashAlgorithm::Sha256,
        ha::SHA_384 => HashAlgorithm::Sha384,
        ha::SHA_512 => HashAlgorithm::Sha512,
        ha::SHA_512_256 => HashAlgorithm::Sha512_256,
        ha::SHA3_256 => HashAlgorithm::Sha3_256,
        ha::SHA3_384 => HashAlgorithm::Sha3_384,
        ha::SHA3_512 => HashAlgorithm::Sha3_512,
        other => {
            return Err(KmipError::new(
                reason::INVALID_FIELD,
                format!(
                    "hashing algorithm {} is not offered",
                    keyhaven_kmip::dict::enum_name(tag::HASHING_ALGORITHM, other)
                        .unwrap_or("unknown")
                ),
            ))
        }
    })
}

fn block_mode(value: u32) -> Result<BlockMode, KmipError> {
    Ok(match value {
        bm::GCM => BlockMode::Gcm,
        bm::CBC => BlockMode::Cbc,
        bm::ECB => BlockMode::Ecb,
        bm::CTR => BlockMode::Ctr,
        bm::NISTKEYWRAP => BlockMode::KeyWrap,
        bm::AESKEYWRAPPADDING => BlockMode::KeyWrapPadded,
        other => {
            return Err(KmipError::new(
                reason::INVALID_FIELD,
                format!(
                    "block cipher mode {} is not offered (GCM, CBC, ECB, CTR, NIST key wrap, \
                     AES key wrap with padding are)",
                    keyhaven_kmip::dict::enum_name(tag::BLOCK_CIPHER_MODE, other)
                        .unwrap_or("unknown")
                ),
            ))
        }
    })
}

fn padding(value: u32) -> Result<Padding, KmipError> {
    Ok(match value {
        pm::NONE => Padding::None,
        pm::PKCS5 => Padding::Pkcs5,
        pm::OAEP => Padding::Oaep,
        pm::PKCS1_V1_5 => Padding::Pkcs1v15,
        pm::PSS => Padding::Pss,
        other => {
            return Err(KmipError::new(
                reason::INVALID_FIELD,
                format!(
                    "padding method {} is not offered",
                    keyhaven_kmip::dict::enum_name(tag::PADDING_METHOD, other).unwrap_or("unknown")
                ),
            ))
        }
    })
}

/// The request's Cryptographic Parameters, completed from the object's attribute, and the
/// object (from the operations' cache: no database read per operation).
async fn parameters(
    ctx: &OpContext<'_>,
    id: KeyId,
    payload: &Ttlv,
) -> Result<(CryptographicParameters, keyhaven_core::Key), KmipError> {
    let given = payload
        .child(tag::CRYPTOGRAPHIC_PARAMETERS)
        .map(CryptographicParameters::from_ttlv)
        .transpose()?;
    let key = ctx.svc.key_for_use(ctx.caller, id).await?;
    let stored = attributes::stored(&key)
        .into_iter()
        .find(|a| a.name == an::CRYPTOGRAPHIC_PARAMETERS)
        .and_then(|a| CryptographicParameters::from_ttlv(&a.value).ok());
    let params = match (given, stored) {
        (Some(g), Some(s)) => merge(g, s),
        (Some(g), None) => g,
        (None, Some(s)) => s,
        (None, None) => CryptographicParameters::default(),
    };
    Ok((params, key))
}

fn merge(mut g: CryptographicParameters, s: CryptographicParameters) -> CryptographicParameters {
    g.block_cipher_mode = g.block_cipher_mode.or(s.block_cipher_mode);
    g.padding_method = g.padding_method.or(s.padding_method);
    g.hashing_algorithm = g.hashing_algorithm.or(s.hashing_algorithm);
    g.digital_signature_algorithm = g
        .digital_signature_algorithm
        .or(s.digital_signature_algorithm);
    g.tag_length = g.tag_length.or(s.tag_length);
    g.salt_length = g.salt_length.or(s.salt_length);
    g.mask_generator_hashing_algorithm = g
        .mask_generator_hashing_algorithm
        .or(s.mask_generator_hashing_algorithm);
    g
}

fn bytes<'a>(payload: &'a Ttlv, t: u32, what: &str) -> Result<&'a [u8], KmipError> {
    required(payload, t, what)?
        .as_bytes()
        .ok_or_else(|| KmipError::invalid(format!("{what} must be a Byte String")))
}

fn opt_bytes(payload: &Ttlv, t: u32) -> Option<&[u8]> {
    payload.child(t).and_then(Ttlv::as_bytes)
}

/// Checks the KMIP profiles answer in their own way: a GCM tag length outside 12-16 bytes
/// (General Failure), and decryption in a chained mode without an IV (Invalid Message).
fn check_framing(params: &CipherParams<'_>, decrypting: bool) -> Result<(), KmipError> {
    if let (Some(BlockMode::Gcm), Some(t)) = (params.mode, params.tag_len) {
        if !(12..=16).contains(&t) {
            return Err(KmipError::new(
                reason::GENERAL_FAILURE,
                format!("invalid GCM tag length {t}: 12 to 16 bytes"),
            ));
        }
    }
    let chained = matches!(
        params.mode,
        Some(BlockMode::Cbc | BlockMode::Ctr | BlockMode::Gcm)
    );
    if decrypting && chained && params.iv.is_none() {
        return Err(KmipError::new(
            reason::INVALID_MESSAGE,
            "missing IV: decryption in this mode needs the IV Counter Nonce",
        ));
    }
    Ok(())
}

fn cipher_params<'a>(
    p: &'a CryptographicParameters,
    iv: Option<&'a [u8]>,
    aad: &'a [u8],
) -> Result<CipherParams<'a>, KmipError> {
    Ok(CipherParams {
        mode: p.block_cipher_mode.map(block_mode).transpose()?,
        padding: p.padding_method.map(padding).transpose()?,
        hash: p.hashing_algorithm.map(hash_algorithm).transpose()?,
        mgf1_hash: p
            .mask_generator_hashing_algorithm
            .map(hash_algorithm)
            .transpose()?,
        iv,
        aad,
        tag_len: p.tag_length.and_then(|t| usize::try_from(t).ok()),
        oaep_label: p.p_source.as_deref(),
    })
}

fn sign_params(p: &CryptographicParameters, prehashed: bool) -> Result<SignParams, KmipError> {
    // A Digital Signature Algorithm names padding and hash together.
    let (dsa_padding, dsa_hash) = match p.digital_signature_algorithm {
        Some(dsa::SHA_256_WITH_RSA_ENCRYPTION) => {
            (Some(Padding::Pkcs1v15), Some(HashAlgorithm::Sha256))
        }
        Some(dsa::SHA_384_WITH_RSA_ENCRYPTION) => {
            (Some(Padding::Pkcs1v15), Some(HashAlgorithm::Sha384))
        }
        Some(dsa::SHA_512_WITH_RSA_ENCRYPTION) => {
            (Some(Padding::Pkcs1v15), Some(HashAlgorithm::Sha512))
        }
        Some(dsa::RSASSA_PSS) => (Some(Padding::Pss), None),
        Some(dsa::ECDSA_WITH_SHA256) => (None, Some(HashAlgorithm::Sha256)),
        Some(dsa::ECDSA_WITH_SHA384) => (None, Some(HashAlgorithm::Sha384)),
        Some(dsa::ECDSA_WITH_SHA512) => (None, Some(HashAlgorithm::Sha512)),
        _ => (None, None),
    };
    Ok(SignParams {
        padding: p.padding_method.map(padding).transpose()?.or(dsa_padding),
        hash: p
            .hashing_algorithm
            .map(hash_algorithm)
            .transpose()?
            .or(dsa_hash),
        mgf1_hash: p
            .mask_generator_hashing_algorithm
            .map(hash_algorithm)
            .transpose()?,
        salt_len: p.salt_length.and_then(|s| usize::try_from(s).ok()),
        prehashed,
    })
}

fn streaming_refused(payload: &Ttlv) -> Result<(), KmipError> {
    if super::stream::is_streaming(payload) {
        return Err(KmipError::unsupported(
            "streaming (Init Indicator / Correlation Value) is not supported; send the whole \
             data in one request",
        ));
    }
    Ok(())
}

/// A part of a multi-part Encrypt or Decrypt.
async fn streaming(
    ctx: &mut OpContext<'_>,
    payload: &Ttlv,
    decrypting: bool,
) -> Result<Vec<Ttlv>, KmipError> {
    let continuing = payload.child(tag::CORRELATION_VALUE).is_some();
    let id = if continuing && payload.child(tag::UNIQUE_IDENTIFIER).is_none() {
        None
    } else {
        Some(ctx.target(payload)?)
    };
    if continuing {
        return super::stream::part(ctx, id, None, payload, decrypting).await;
    }
    let key =
        id.ok_or_else(|| KmipError::new(reason::MISSING_DATA, "Unique Identifier is required"))?;
    let (p, _) = parameters(ctx, key, payload).await?;
    let iv = opt_bytes(payload, tag::IV_COUNTER_NONCE);
    let aad = opt_bytes(payload, tag::AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA).unwrap_or(&[]);
    let params = cipher_params(&p, iv, aad)?;
    check_framing(&params, decrypting)?;
    super::stream::part(ctx, id, Some(&params), payload, decrypting).await
}

/// Encrypt.
pub async fn encrypt(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    if super::stream::is_streaming(payload) {
        return streaming(ctx, payload, false).await;
    }
    let id = ctx.target(payload)?;
    let (p, key) = parameters(ctx, id, payload).await?;
    let data = bytes(payload, tag::DATA, "Data")?;
    let iv = opt_bytes(payload, tag::IV_COUNTER_NONCE);
    let aad = opt_bytes(payload, tag::AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA).unwrap_or(&[]);
    let params = cipher_params(&p, iv, aad)?;
    check_framing(&params, false)?;
    super::limits::take(ctx, &key, data.len()).await?;
    let out = ctx
        .svc
        .encrypt_framed(ctx.caller, id, &params, data)
        .await?;
    let mut body = vec![uid(id), Ttlv::bytes(tag::DATA, out.data)];
    if let Some(iv) = out.iv {
        body.push(Ttlv::bytes(tag::IV_COUNTER_NONCE, iv));
    }
    if let Some(t) = out.tag {
        body.push(Ttlv::bytes(tag::AUTHENTICATED_ENCRYPTION_TAG, t));
    }
    Ok(body)
}

/// Decrypt.
pub async fn decrypt(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    if super::stream::is_streaming(payload) {
        return streaming(ctx, payload, true).await;
    }
    let id = ctx.target(payload)?;
    let (p, _) = parameters(ctx, id, payload).await?;
    let data = bytes(payload, tag::DATA, "Data")?;
    let iv = opt_bytes(payload, tag::IV_COUNTER_NONCE);
    let aad = opt_bytes(payload, tag::AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA).unwrap_or(&[]);
    let tag_bytes = opt_bytes(payload, tag::AUTHENTICATED_ENCRYPTION_TAG);
    let params = cipher_params(&p, iv, aad)?;
    check_framing(&params, true)?;
    let plain = ctx
        .svc
        .decrypt_framed(ctx.caller, id, &params, data, tag_bytes)
        .await?;
    Ok(vec![
        uid(id),
        Ttlv::bytes(tag::DATA, plain.expose().to_vec()),
    ])
}

/// Sign: over Data, or over Digested Data.
pub async fn sign(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    streaming_refused(payload)?;
    let id = ctx.target(payload)?;
    let (p, key) = parameters(ctx, id, payload).await?;
    let (data, prehashed) = match opt_bytes(payload, tag::DIGESTED_DATA) {
        Some(d) => (d, true),
        None => (bytes(payload, tag::DATA, "Data")?, false),
    };
    super::limits::take(ctx, &key, data.len()).await?;
    let sig = ctx
        .svc
        .sign_framed(ctx.caller, id, &sign_params(&p, prehashed)?, data)
        .await?;
    Ok(vec![uid(id), Ttlv::bytes(tag::SIGNATURE_DATA, sig)])
}

/// Signature Verify.
pub async fn signature_verify(
    ctx: &mut OpContext<'_>,
    payload: &Ttlv,
) -> Result<Vec<Ttlv>, KmipError> {
    streaming_refused(payload)?;
    let id = ctx.target(payload)?;
    let (p, _) = parameters(ctx, id, payload).await?;
    let (data, prehashed) = match opt_bytes(payload, tag::DIGESTED_DATA) {
        Some(d) => (d, true),
        None => (bytes(payload, tag::DATA, "Data")?, false),
    };
    let sig = bytes(payload, tag::SIGNATURE_DATA, "Signature Data")?;
    let ok = match ctx
        .svc
        .verify_framed(ctx.caller, id, &sign_params(&p, prehashed)?, data, sig)
        .await
    {
        Ok(ok) => ok,
        // Parameters the key cannot verify with (PSS with SHA-1, say) confirm nothing: the
        // signature is reported invalid, as the KMIP profiles expect.
        Err(keyhaven_core::Error::InvalidRequest(m)) => {
            tracing::debug!(reason = %m, "signature reported invalid: parameters not usable");
            false
        }
        Err(e) => return Err(e.into()),
    };
    Ok(vec![
        uid(id),
        Ttlv::enumeration(
            tag::VALIDITY_INDICATOR,
            if ok { vi::VALID } else { vi::INVALID },
        ),
    ])
}

fn mac_hash(p: &CryptographicParameters) -> Result<Option<HashAlgorithm>, KmipError> {
    use keyhaven_kmip::dict::values::cryptographic_algorithm as ca;
    if let Some(h) = p.hashing_algorithm {
        return hash_algorithm(h).map(Some);
    }
    Ok(match p.cryptographic_algorithm {
        Some(ca::HMAC_SHA1) => Some(HashAlgorithm::Sha1),
        Some(ca::HMAC_SHA224) => Some(HashAlgorithm::Sha224),
        Some(ca::HMAC_SHA256) => Some(HashAlgorithm::Sha256),
        Some(ca::HMAC_SHA384) => Some(HashAlgorithm::Sha384),
        Some(ca::HMAC_SHA512) => Some(HashAlgorithm::Sha512),
        _ => None,
    })
}

/// MAC.
pub async fn mac(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    streaming_refused(payload)?;
    let id = ctx.target(payload)?;
    let (p, key) = parameters(ctx, id, payload).await?;
    let data = bytes(payload, tag::DATA, "Data")?;
    super::limits::take(ctx, &key, data.len()).await?;
    let out = ctx
        .svc
        .mac_framed(ctx.caller, id, mac_hash(&p)?, data)
        .await?;
    Ok(vec![uid(id), Ttlv::bytes(tag::MAC_DATA, out)])
}

/// MAC Verify.
pub async fn mac_verify(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    streaming_refused(payload)?;
    let id = ctx.target(payload)?;
    let (p, _) = parameters(ctx, id, payload).await?;
    let data = bytes(payload, tag::DATA, "Data")?;
    let mac = bytes(payload, tag::MAC_DATA, "MAC Data")?;
    let ok = ctx
        .svc
        .mac_verify_framed(ctx.caller, id, mac_hash(&p)?, data, mac)
        .await?;
    Ok(vec![
        uid(id),
        Ttlv::enumeration(
            tag::VALIDITY_INDICATOR,
            if ok { vi::VALID } else { vi::INVALID },
        ),
    ])
}
