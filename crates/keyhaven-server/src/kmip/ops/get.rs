//! Get: an exportable object's material in the requested Key Format Type.

use keyhaven_core::{AlgorithmFamily, KeyAlgorithm, ObjectKind};
use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::dict::values::key_format_type as kf;
use keyhaven_kmip::message::reason;
use keyhaven_kmip::object::{KeyBlock, KeyMaterial, ManagedObject};
use keyhaven_kmip::ttlv::Ttlv;

use super::{uid, OpContext};
use crate::kmip::attributes::{self as attributes, object_type};
use crate::kmip::dispatch::KmipError;

/// Get.
pub async fn get(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    let id = ctx.target(payload)?;
    if payload.child(tag::KEY_WRAPPING_SPECIFICATION).is_some() {
        return Err(KmipError::new(
            reason::KEY_WRAP_TYPE_NOT_SUPPORTED,
            "returning wrapped keys is not supported yet; Get returns the key over the mutually \
             authenticated TLS connection",
        ));
    }
    let format = payload.child(tag::KEY_FORMAT_TYPE).and_then(Ttlv::as_enum);
    let exported = ctx.svc.export_object(ctx.caller, id).await.map_err(|e| match e {
        keyhaven_core::Error::Forbidden(m) => KmipError::new(reason::PERMISSION_DENIED, m),
        other => other.into(),
    })?;
    let key = &exported.key;
    let material = exported.material.expose();
    let object = match key.object_kind {
        ObjectKind::SymmetricKey => {
            ManagedObject::SymmetricKey(symmetric_block(key.algorithm, material, format)?)
        }
        ObjectKind::PrivateKey => {
            ManagedObject::PrivateKey(private_block(key.algorithm, material, format)?)
        }
        ObjectKind::PublicKey => {
            ManagedObject::PublicKey(public_block(key.algorithm, material, format)?)
        }
        ObjectKind::SecretData => ManagedObject::SecretData {
            secret_data_type: stored_enum(key, "y-keyhaven-secret-data-type").unwrap_or(2),
            key_block: KeyBlock::new(kf::OPAQUE, KeyMaterial::Bytes(material.to_vec())),
        },
        ObjectKind::OpaqueObject => ManagedObject::OpaqueObject {
            opaque_data_type: stored_enum(key, "y-keyhaven-opaque-data-type").unwrap_or(0x8000_0001),
            value: material.to_vec(),
        },
        ObjectKind::Certificate => ManagedObject::Certificate {
            certificate_type: attributes::stored(key)
                .iter()
                .find(|a| a.name == keyhaven_kmip::attribute::name::CERTIFICATE_TYPE)
                .and_then(|a| a.value.as_enum())
                .unwrap_or(1),
            value: material.to_vec(),
        },
        _ => {
            return Err(KmipError::new(
                reason::INVALID_OBJECT_TYPE,
                "this object cannot be returned",
            ))
        }
    };
    Ok(vec![
        Ttlv::enumeration(tag::OBJECT_TYPE, object_type(key.object_kind)),
        uid(key.id),
        object.to_ttlv(ctx.version),
    ])
}

fn stored_enum(key: &keyhaven_core::Key, name: &str) -> Option<u32> {
    attributes::stored(key)
        .iter()
        .find(|a| a.name == name)
        .and_then(|a| a.value.as_enum())
}

fn with_alg(mut block: KeyBlock, alg: KeyAlgorithm) -> KeyBlock {
    if let Some((a, len)) = attributes::kmip_algorithm(alg) {
        block.cryptographic_algorithm = Some(a);
        block.cryptographic_length = Some(len);
    }
    block
}

fn not_supported(what: &str, format: u32) -> KmipError {
    KmipError::new(
        reason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
        format!(
            "{what} cannot be returned as {}",
            keyhaven_kmip::dict::enum_name(tag::KEY_FORMAT_TYPE, format).unwrap_or("that format")
        ),
    )
}

fn symmetric_block(
    alg: KeyAlgorithm,
    material: &[u8],
    format: Option<u32>,
) -> Result<KeyBlock, KmipError> {
    let block = match format.unwrap_or(kf::RAW) {
        kf::RAW => KeyBlock::new(kf::RAW, KeyMaterial::Bytes(material.to_vec())),
        kf::TRANSPARENT_SYMMETRIC_KEY => KeyBlock::new(
            kf::TRANSPARENT_SYMMETRIC_KEY,
            KeyMaterial::TransparentSymmetric {
                key: material.to_vec(),
            },
        ),
        other => return Err(not_supported("a symmetric key", other)),
    };
    Ok(with_alg(block, alg))
}

fn private_block(
    alg: KeyAlgorithm,
    pkcs8: &[u8],
    format: Option<u32>,
) -> Result<KeyBlock, KmipError> {
    let bad = |e: keyhaven_core::CryptoError| KmipError::new(reason::GENERAL_FAILURE, e.to_string());
    let rsa = alg.family() == AlgorithmFamily::Rsa;
    let default = if rsa { kf::PKCS_1 } else { kf::PKCS_8 };
    let block = match format.unwrap_or(default) {
        kf::PKCS_8 => KeyBlock::new(kf::PKCS_8, KeyMaterial::Bytes(pkcs8.to_vec())),
        kf::PKCS_1 if rsa => KeyBlock::new(
            kf::PKCS_1,
            KeyMaterial::Bytes(
                keyhaven_crypto::pkcs8_to_rsa_pkcs1(pkcs8)
                    .map_err(bad)?
                    .expose()
                    .to_vec(),
            ),
        ),
        other => return Err(not_supported("a private key", other)),
    };
    Ok(with_alg(block, alg))
}

fn public_block(
    alg: KeyAlgorithm,
    spki: &[u8],
    format: Option<u32>,
) -> Result<KeyBlock, KmipError> {
    let bad = |e: keyhaven_core::CryptoError| KmipError::new(reason::GENERAL_FAILURE, e.to_string());
    let rsa = alg.family() == AlgorithmFamily::Rsa;
    let default = if rsa { kf::PKCS_1 } else { kf::X_509 };
    let block = match format.unwrap_or(default) {
        kf::X_509 => KeyBlock::new(kf::X_509, KeyMaterial::Bytes(spki.to_vec())),
        kf::PKCS_1 if rsa => KeyBlock::new(
            kf::PKCS_1,
            KeyMaterial::Bytes(keyhaven_crypto::spki_to_rsa_pkcs1_public(spki).map_err(bad)?),
        ),
        kf::TRANSPARENT_RSA_PUBLIC_KEY if rsa => {
            let c = keyhaven_crypto::rsa_public_components(spki).map_err(bad)?;
            KeyBlock::new(
                kf::TRANSPARENT_RSA_PUBLIC_KEY,
                KeyMaterial::TransparentRsaPublic {
                    modulus: c.modulus,
                    public_exponent: c.public_exponent,
                },
            )
        }
        other => return Err(not_supported("a public key", other)),
    };
    Ok(with_alg(block, alg))
}
