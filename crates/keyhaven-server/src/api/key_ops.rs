//! `/v1/keys/{id}/{encrypt|decrypt|sign|verify|mac|mac-verify|datakey|rewrap|encapsulate|
//! decapsulate}`: cryptographic use of a key.

use axum::extract::Path;
use axum::Json;
use keyhaven_core::{SignInput, SignatureScheme};
use keyhaven_proto as proto;

use super::error::ApiError;
use super::extract::{b64, b64_opt, b64_secret, enc, key_id, Body};
use super::Ctx;

/// Encrypt with the primary version.
#[utoipa::path(post, path = "/v1/keys/{id}/encrypt", tag = "crypto", request_body = proto::EncryptRequest,
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::EncryptResponse), (status = 409, body = proto::ErrorBody),
              (status = 400, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn encrypt(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
    Body(req): Body<proto::EncryptRequest>,
) -> Result<Json<proto::EncryptResponse>, ApiError> {
    let id = key_id(&id)?;
    let plaintext = b64_secret("plaintext", &req.plaintext)?;
    let aad = b64_opt("aad", req.aad.as_deref())?;
    let out = svc.encrypt(&caller, id, plaintext.expose(), &aad).await?;
    Ok(Json(proto::EncryptResponse {
        ciphertext: enc(&out.bytes),
        key_version: out.key_version,
    }))
}

/// Decrypt a ciphertext of any live version.
#[utoipa::path(post, path = "/v1/keys/{id}/decrypt", tag = "crypto", request_body = proto::DecryptRequest,
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::DecryptResponse), (status = 400, body = proto::ErrorBody),
              (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn decrypt(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
    Body(req): Body<proto::DecryptRequest>,
) -> Result<Json<proto::DecryptResponse>, ApiError> {
    let id = key_id(&id)?;
    let ciphertext = b64("ciphertext", &req.ciphertext)?;
    let aad = b64_opt("aad", req.aad.as_deref())?;
    let (plaintext, version) = svc
        .decrypt(&caller, id, &ciphertext, &aad, req.allow_compromised)
        .await?;
    Ok(Json(proto::DecryptResponse {
        plaintext: enc(plaintext.expose()),
        key_version: version,
    }))
}

/// Re-encrypt under the primary version without revealing the plaintext.
#[utoipa::path(post, path = "/v1/keys/{id}/rewrap", tag = "crypto", request_body = proto::RewrapRequest,
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::EncryptResponse), (status = 400, body = proto::ErrorBody),
              (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn rewrap(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
    Body(req): Body<proto::RewrapRequest>,
) -> Result<Json<proto::EncryptResponse>, ApiError> {
    let id = key_id(&id)?;
    let ciphertext = b64("ciphertext", &req.ciphertext)?;
    let aad = b64_opt("aad", req.aad.as_deref())?;
    let out = svc.rewrap(&caller, id, &ciphertext, &aad).await?;
    Ok(Json(proto::EncryptResponse {
        ciphertext: enc(&out.bytes),
        key_version: out.key_version,
    }))
}

/// Generate a data key for envelope encryption.
#[utoipa::path(post, path = "/v1/keys/{id}/datakey", tag = "crypto", request_body = proto::DataKeyRequest,
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::DataKeyResponse), (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn datakey(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
    Body(req): Body<proto::DataKeyRequest>,
) -> Result<Json<proto::DataKeyResponse>, ApiError> {
    let id = key_id(&id)?;
    let aad = b64_opt("aad", req.aad.as_deref())?;
    let len = usize::try_from(req.bytes.unwrap_or(32)).unwrap_or(usize::MAX);
    let dk = svc.data_key(&caller, id, len, &aad).await?;
    Ok(Json(proto::DataKeyResponse {
        plaintext: (!req.without_plaintext).then(|| enc(dk.plaintext.expose())),
        ciphertext: enc(&dk.ciphertext),
        key_version: dk.key_version,
    }))
}

/// The decoded `message` or `digest` of a sign or verify request.
struct SignData {
    bytes: Vec<u8>,
    is_digest: bool,
}

impl SignData {
    /// Exactly one of `message` and `digest`, decoded.
    fn decode(message: Option<&str>, digest: Option<&str>) -> Result<SignData, ApiError> {
        match (message, digest) {
            (Some(m), None) => Ok(SignData {
                bytes: b64("message", m)?,
                is_digest: false,
            }),
            (None, Some(d)) => Ok(SignData {
                bytes: b64("digest", d)?,
                is_digest: true,
            }),
            _ => Err(ApiError::invalid("give exactly one of message and digest")),
        }
    }

    fn input(&self) -> SignInput<'_> {
        if self.is_digest {
            SignInput::Digest(&self.bytes)
        } else {
            SignInput::Message(&self.bytes)
        }
    }
}

/// Sign a message or digest.
#[utoipa::path(post, path = "/v1/keys/{id}/sign", tag = "crypto", request_body = proto::SignRequest,
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::SignResponse), (status = 400, body = proto::ErrorBody),
              (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn sign(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
    Body(req): Body<proto::SignRequest>,
) -> Result<Json<proto::SignResponse>, ApiError> {
    let id = key_id(&id)?;
    let data = SignData::decode(req.message.as_deref(), req.digest.as_deref())?;
    let scheme = req
        .algorithm
        .as_deref()
        .map(|a| {
            SignatureScheme::parse(a).ok_or_else(|| {
                ApiError::invalid(format!(
                    "unknown signature algorithm {:?}",
                    a.chars().take(40).collect::<String>()
                ))
            })
        })
        .transpose()?;
    let signed = svc.sign(&caller, id, data.input(), scheme).await?;
    Ok(Json(proto::SignResponse {
        signature: enc(&signed.signature),
        key_version: signed.key_version,
        algorithm: signed.scheme.name().to_owned(),
    }))
}

/// Verify a signature.
#[utoipa::path(post, path = "/v1/keys/{id}/verify", tag = "crypto", request_body = proto::VerifyRequest,
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::VerifyResponse), (status = 400, body = proto::ErrorBody),
              (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn verify(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
    Body(req): Body<proto::VerifyRequest>,
) -> Result<Json<proto::VerifyResponse>, ApiError> {
    let id = key_id(&id)?;
    let data = SignData::decode(req.message.as_deref(), req.digest.as_deref())?;
    let signature = b64("signature", &req.signature)?;
    let valid = svc
        .verify(&caller, id, data.input(), &signature, req.allow_compromised)
        .await?;
    Ok(Json(proto::VerifyResponse { valid }))
}

/// Compute a MAC tag.
#[utoipa::path(post, path = "/v1/keys/{id}/mac", tag = "crypto", request_body = proto::MacRequest,
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::MacResponse), (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn mac(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
    Body(req): Body<proto::MacRequest>,
) -> Result<Json<proto::MacResponse>, ApiError> {
    let id = key_id(&id)?;
    let data = b64("data", &req.data)?;
    let out = svc.mac(&caller, id, &data).await?;
    Ok(Json(proto::MacResponse {
        mac: enc(&out.bytes),
        key_version: out.key_version,
    }))
}

/// Check a MAC tag (constant time).
#[utoipa::path(post, path = "/v1/keys/{id}/mac-verify", tag = "crypto", request_body = proto::MacVerifyRequest,
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::VerifyResponse), (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn mac_verify(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
    Body(req): Body<proto::MacVerifyRequest>,
) -> Result<Json<proto::VerifyResponse>, ApiError> {
    let id = key_id(&id)?;
    let data = b64("data", &req.data)?;
    let tag = b64("mac", &req.mac)?;
    let valid = svc
        .mac_verify(&caller, id, &data, &tag, req.allow_compromised)
        .await?;
    Ok(Json(proto::VerifyResponse { valid }))
}

/// ML-KEM encapsulation: a fresh shared secret and its ciphertext.
#[utoipa::path(post, path = "/v1/keys/{id}/encapsulate", tag = "crypto",
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::EncapsulateResponse), (status = 400, body = proto::ErrorBody),
              (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn encapsulate(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
) -> Result<Json<proto::EncapsulateResponse>, ApiError> {
    let (sealed, secret) = svc.encapsulate(&caller, key_id(&id)?).await?;
    Ok(Json(proto::EncapsulateResponse {
        ciphertext: enc(&sealed.bytes),
        shared_secret: enc(secret.expose()),
        key_version: sealed.key_version,
    }))
}

/// ML-KEM decapsulation.
#[utoipa::path(post, path = "/v1/keys/{id}/decapsulate", tag = "crypto", request_body = proto::DecapsulateRequest,
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::DecapsulateResponse), (status = 400, body = proto::ErrorBody),
              (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn decapsulate(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
    Body(req): Body<proto::DecapsulateRequest>,
) -> Result<Json<proto::DecapsulateResponse>, ApiError> {
    let id = key_id(&id)?;
    let ciphertext = b64("ciphertext", &req.ciphertext)?;
    let secret = svc
        .decapsulate(&caller, id, &ciphertext, req.allow_compromised)
        .await?;
    Ok(Json(proto::DecapsulateResponse {
        shared_secret: enc(secret.expose()),
    }))
}

/// Export an exportable key's primary version: wrapped for an RSA public key
/// (`rsa-oaep-3072-sha256-aes-256`, importable into another keyhaven vault through its import
/// key), encrypted under another keyhaven key, or in plaintext where the vault allows it.
/// Keys not created exportable are refused whatever the caller's role. Audited as
/// `key.export`.
#[utoipa::path(post, path = "/v1/keys/{id}/export", tag = "keys",
    params(("id" = String, Path, description = "Key id")),
    request_body = proto::ExportKeyRequest,
    responses((status = 200, body = proto::ExportedKey), (status = 400, body = proto::ErrorBody),
              (status = 403, body = proto::ErrorBody), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn export(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<String>,
    Body(req): Body<proto::ExportKeyRequest>,
) -> Result<Json<proto::ExportedKey>, ApiError> {
    let id = key_id(&id)?;
    let modes = usize::from(req.wrap_for.is_some())
        + usize::from(req.wrap_with.is_some())
        + usize::from(req.plaintext);
    if modes != 1 {
        return Err(ApiError::invalid(
            "give exactly one of wrap_for (an RSA public key, PEM), wrap_with (a key id), \
             plaintext: true",
        ));
    }
    let obj = if req.plaintext {
        svc.export_plaintext(&caller, id).await?
    } else {
        svc.export_object(&caller, id).await?
    };
    let version = obj.version;
    let encoding = if obj.public_key.is_none() || obj.key.algorithm.name().starts_with("ml-") {
        "raw"
    } else {
        "pkcs8"
    };
    let (format, bytes, detail) = if let Some(pem) = &req.wrap_for {
        let (label, spki) = keyhaven_crypto::backup::pem_decode(pem)
            .map_err(|e| ApiError::invalid(format!("wrap_for: {e}")))?;
        if label != "PUBLIC KEY" {
            return Err(ApiError::invalid(
                "wrap_for must be a PEM \"PUBLIC KEY\" (an RSA public key)",
            ));
        }
        let blob = keyhaven_crypto::import::wrap_for_import(&spki, obj.material.expose())
            .map_err(|e| ApiError::invalid(format!("wrap_for: {e}")))?;
        let fp = keyhaven_core::hex::encode(
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &spki).as_ref(),
        );
        (
            "rsa-oaep-3072-sha256-aes-256",
            blob,
            format!("wrapped for RSA key {}", fp.get(..16).unwrap_or("")),
        )
    } else if let Some(wrapping) = req.wrap_with {
        let aad = format!("keyhaven-export:{}:{version}", obj.key.id.0);
        let sealed = svc
            .encrypt(
                &caller,
                keyhaven_core::KeyId(wrapping),
                obj.material.expose(),
                aad.as_bytes(),
            )
            .await?;
        (
            "keyhaven-ciphertext",
            sealed.bytes,
            format!("encrypted under key {wrapping}"),
        )
    } else {
        (
            "plaintext",
            obj.material.expose().to_vec(),
            "plaintext".to_owned(),
        )
    };
    // The request record may name the wrapping key's use; this one names the export.
    let event = keyhaven_core::AuditEvent {
        at: time::OffsetDateTime::now_utc(),
        request_id: caller.context.request_id.clone(),
        principal: Some(caller.name().to_owned()),
        source: caller.context.source.map(|s| s.to_string()),
        action: "key.export".to_owned(),
        route: None,
        vault: Some(obj.key.vault_name.to_string()),
        key: Some(obj.key.id),
        key_version: Some(version),
        outcome: keyhaven_core::access::Outcome::Success,
        code: None,
        detail: Some(detail),
    };
    svc.record(event).await?;
    let material = zeroize::Zeroizing::new(bytes);
    Ok(Json(proto::ExportedKey {
        key_id: obj.key.id.0,
        version,
        algorithm: obj.key.algorithm.to_string(),
        format: format.to_owned(),
        material_encoding: encoding.to_owned(),
        material: enc(&material),
    }))
}
