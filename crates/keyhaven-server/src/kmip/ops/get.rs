//! Get: an exportable object's material in the requested Key Format Type.

use keyhaven_core::{AlgorithmFamily, KeyAlgorithm, KeyId, ObjectKind};
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
    let wrapping = payload
        .child(tag::KEY_WRAPPING_SPECIFICATION)
        .map(WrapSpec::read)
        .transpose()?;
    let format = payload.child(tag::KEY_FORMAT_TYPE).and_then(Ttlv::as_enum);
    let exported = ctx
        .svc
        .export_object(ctx.caller, id)
        .await
        .map_err(|e| match e {
            keyhaven_core::Error::Forbidden(m) => KmipError::new(reason::PERMISSION_DENIED, m),
            other => other.into(),
        })?;
    let key = &exported.key;
    let material = exported.material.expose();
    // Without a requested format, the one the object was registered or created in.
    let format =
        format.or_else(|| stored_enum(key, keyhaven_kmip::attribute::name::KEY_FORMAT_TYPE));
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
            secret_data_type: stored_enum(key, "y-keyhaven-secret-data-type")
                .unwrap_or(keyhaven_kmip::dict::values::secret_data_type::PASSWORD),
            key_block: KeyBlock::new(
                match format {
                    Some(kf::RAW) => kf::RAW,
                    _ => kf::OPAQUE,
                },
                KeyMaterial::Bytes(material.to_vec()),
            ),
        },
        ObjectKind::OpaqueObject => ManagedObject::OpaqueObject {
            // Opaque Data Type has no standard values; 0x80000001 is the first extension value.
            opaque_data_type: stored_enum(key, "y-keyhaven-opaque-data-type")
                .unwrap_or(0x8000_0001),
            value: material.to_vec(),
        },
        ObjectKind::Certificate => ManagedObject::Certificate {
            certificate_type: stored_enum(key, keyhaven_kmip::attribute::name::CERTIFICATE_TYPE)
                .unwrap_or(keyhaven_kmip::dict::values::certificate_type::X_509),
            value: material.to_vec(),
        },
        _ => {
            return Err(KmipError::new(
                reason::INVALID_OBJECT_TYPE,
                "this object cannot be returned",
            ))
        }
    };
    let mut object_item = object.to_ttlv(ctx.version);
    if let Some(spec) = wrapping {
        object_item = spec.wrap(ctx, object_item).await?;
    }
    Ok(vec![
        Ttlv::enumeration(tag::OBJECT_TYPE, object_type(key.object_kind)),
        uid(key.id),
        object_item,
    ])
}

/// A Key Wrapping Specification: encrypt the key value with another managed key (NIST AES key
/// wrap, with or without padding). MAC/sign wrapping is not offered.
struct WrapSpec {
    wrapping_key: KeyId,
    params: Option<Ttlv>,
    encoding: u32,
    information: Ttlv,
}

impl WrapSpec {
    fn read(spec: &Ttlv) -> Result<WrapSpec, KmipError> {
        use keyhaven_kmip::dict::values::{encoding_option as eo, wrapping_method as wm};
        let method = spec
            .child(tag::WRAPPING_METHOD)
            .and_then(Ttlv::as_enum)
            .ok_or_else(|| KmipError::new(reason::MISSING_DATA, "Wrapping Method is required"))?;
        if method != wm::ENCRYPT || spec.child(tag::MAC_SIGNATURE_KEY_INFORMATION).is_some() {
            return Err(KmipError::new(
                reason::KEY_WRAP_TYPE_NOT_SUPPORTED,
                "only the Encrypt wrapping method is offered",
            ));
        }
        let information = spec
            .child(tag::ENCRYPTION_KEY_INFORMATION)
            .ok_or_else(|| {
                KmipError::new(
                    reason::MISSING_DATA,
                    "Encryption Key Information is required",
                )
            })?
            .clone();
        let wrapping_key = super::parse_id(
            information
                .child(tag::UNIQUE_IDENTIFIER)
                .and_then(Ttlv::as_text)
                .ok_or_else(|| {
                    KmipError::new(
                        reason::MISSING_DATA,
                        "the wrapping key's Unique Identifier is required",
                    )
                })?,
        )?;
        if spec.child(tag::ATTRIBUTE_NAME).is_some() {
            return Err(KmipError::unsupported(
                "wrapping attributes with the key value is not offered",
            ));
        }
        Ok(WrapSpec {
            wrapping_key,
            params: information.child(tag::CRYPTOGRAPHIC_PARAMETERS).cloned(),
            encoding: spec
                .child(tag::ENCODING_OPTION)
                .and_then(Ttlv::as_enum)
                .unwrap_or(eo::TTLV_ENCODING),
            information,
        })
    }

    /// Replaces the object's Key Value with its wrapped form and adds Key Wrapping Data.
    async fn wrap(self, ctx: &OpContext<'_>, mut object: Ttlv) -> Result<Ttlv, KmipError> {
        use keyhaven_core::cipher::{BlockMode, CipherParams};
        use keyhaven_kmip::dict::values::{block_cipher_mode as bm, encoding_option as eo};
        use keyhaven_kmip::ttlv::Value;
        let mode =
            match self
                .params
                .as_ref()
                .and_then(|p| p.child(tag::BLOCK_CIPHER_MODE))
                .and_then(Ttlv::as_enum)
            {
                None | Some(bm::NISTKEYWRAP) => BlockMode::KeyWrap,
                Some(bm::AESKEYWRAPPADDING) => BlockMode::KeyWrapPadded,
                Some(_) => return Err(KmipError::new(
                    reason::KEY_WRAP_TYPE_NOT_SUPPORTED,
                    "keys are wrapped with NIST key wrap (RFC 3394) or AES key wrap with padding \
                     (RFC 5649)",
                )),
            };
        let Value::Structure(children) = &mut object.value else {
            return Err(KmipError::new(
                reason::INVALID_OBJECT_TYPE,
                "this object has no key block",
            ));
        };
        let block = children
            .iter_mut()
            .find(|c| c.tag == tag::KEY_BLOCK)
            .ok_or_else(|| {
                KmipError::new(reason::INVALID_OBJECT_TYPE, "this object has no key block")
            })?;
        let Value::Structure(fields) = &mut block.value else {
            return Err(KmipError::new(
                reason::INVALID_OBJECT_TYPE,
                "malformed key block",
            ));
        };
        let value = fields
            .iter_mut()
            .find(|c| c.tag == tag::KEY_VALUE)
            .ok_or_else(|| {
                KmipError::new(reason::INVALID_OBJECT_TYPE, "this object has no key value")
            })?;
        let plain = if self.encoding == eo::NO_ENCODING {
            value
                .child(tag::KEY_MATERIAL)
                .and_then(Ttlv::as_bytes)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| {
                    KmipError::new(
                        reason::ENCODING_OPTION_ERROR,
                        "No Encoding needs key material that is a byte string",
                    )
                })?
        } else {
            value.encode()
        };
        let plain = keyhaven_core::SecretBytes::new(plain);
        let params = CipherParams {
            mode: Some(mode),
            ..CipherParams::default()
        };
        let wrapped = ctx
            .svc
            .wrap_framed(ctx.caller, self.wrapping_key, &params, plain.expose())
            .await?;
        *value = Ttlv::bytes(tag::KEY_VALUE, wrapped.data);
        let mut data = vec![
            Ttlv::enumeration(
                tag::WRAPPING_METHOD,
                keyhaven_kmip::dict::values::wrapping_method::ENCRYPT,
            ),
            self.information,
        ];
        if self.encoding == eo::NO_ENCODING {
            data.push(Ttlv::enumeration(tag::ENCODING_OPTION, eo::NO_ENCODING));
        }
        fields.push(Ttlv::structure(tag::KEY_WRAPPING_DATA, data));
        Ok(object)
    }
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
    let bad =
        |e: keyhaven_core::CryptoError| KmipError::new(reason::GENERAL_FAILURE, e.to_string());
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
    let bad =
        |e: keyhaven_core::CryptoError| KmipError::new(reason::GENERAL_FAILURE, e.to_string());
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
