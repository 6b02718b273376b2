//! Managed objects (keys, secret data, certificates, opaque objects) and their key blocks.
//!
//! Key material is read into [`KeyMaterial`] according to the Key Format Type: byte-string
//! formats (Raw, Opaque, PKCS#1, PKCS#8, X.509, ECPrivateKey, PKCS#12) as bytes, the
//! transparent symmetric, RSA and EC formats into their fields (Big Integers as unsigned
//! big-endian magnitudes), anything else kept as the structure received. A wrapped key value
//! (a Byte String `KeyValue`) is kept as [`KeyMaterial::Wrapped`].
//!
//! `Debug` of these types prints no key material, only formats, algorithms and lengths.
//! (No zeroize crate is available here: buffers are not wiped on drop.)

use std::fmt;

use crate::attribute::{
    read_attribute, read_attributes, write_attribute, write_attributes, Attribute, Container,
};
use crate::dict::tags as tag;
use crate::message::{reason, tag_label, Fields, MessageError, ProtocolVersion};
use crate::ttlv::{Ttlv, Value};

/// Object Type enumeration values.
pub mod object_type {
    /// Certificate (0x01).
    pub const CERTIFICATE: u32 = 0x01;
    /// Symmetric Key (0x02).
    pub const SYMMETRIC_KEY: u32 = 0x02;
    /// Public Key (0x03).
    pub const PUBLIC_KEY: u32 = 0x03;
    /// Private Key (0x04).
    pub const PRIVATE_KEY: u32 = 0x04;
    /// Split Key (0x05).
    pub const SPLIT_KEY: u32 = 0x05;
    /// KMIP 1.x only (not supported by this crate).
    pub const TEMPLATE: u32 = 0x06;
    /// Secret Data (0x07).
    pub const SECRET_DATA: u32 = 0x07;
    /// Opaque Object (0x08).
    pub const OPAQUE_OBJECT: u32 = 0x08;
    /// PGP Key (0x09).
    pub const PGP_KEY: u32 = 0x09;
    /// Certificate Request (0x0A).
    pub const CERTIFICATE_REQUEST: u32 = 0x0A;
}

/// Key Format Type enumeration values.
pub mod key_format {
    /// Raw (0x01).
    pub const RAW: u32 = 0x01;
    /// Opaque (0x02).
    pub const OPAQUE: u32 = 0x02;
    /// PKCS#1 (0x03).
    pub const PKCS_1: u32 = 0x03;
    /// PKCS#8 (0x04).
    pub const PKCS_8: u32 = 0x04;
    /// X.509 (0x05).
    pub const X_509: u32 = 0x05;
    /// EC Private Key (0x06).
    pub const EC_PRIVATE_KEY: u32 = 0x06;
    /// Transparent Symmetric Key (0x07).
    pub const TRANSPARENT_SYMMETRIC_KEY: u32 = 0x07;
    /// Transparent DSA Private Key (0x08).
    pub const TRANSPARENT_DSA_PRIVATE_KEY: u32 = 0x08;
    /// Transparent DSA Public Key (0x09).
    pub const TRANSPARENT_DSA_PUBLIC_KEY: u32 = 0x09;
    /// Transparent RSA Private Key (0x0A).
    pub const TRANSPARENT_RSA_PRIVATE_KEY: u32 = 0x0A;
    /// Transparent RSA Public Key (0x0B).
    pub const TRANSPARENT_RSA_PUBLIC_KEY: u32 = 0x0B;
    /// Transparent DH Private Key (0x0C).
    pub const TRANSPARENT_DH_PRIVATE_KEY: u32 = 0x0C;
    /// Transparent DH Public Key (0x0D).
    pub const TRANSPARENT_DH_PUBLIC_KEY: u32 = 0x0D;
    /// Transparent EC Private Key (0x14).
    pub const TRANSPARENT_EC_PRIVATE_KEY: u32 = 0x14;
    /// Transparent EC Public Key (0x15).
    pub const TRANSPARENT_EC_PUBLIC_KEY: u32 = 0x15;
    /// PKCS#12 (0x16).
    pub const PKCS_12: u32 = 0x16;
    /// PKCS#10 (0x17).
    pub const PKCS_10: u32 = 0x17;
}

/// A managed object as carried in Register requests and Get responses.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub enum ManagedObject {
    /// Certificate: Certificate Type and the encoded certificate (DER for X.509).
    Certificate {
        /// Certificate Type (1 X.509, 2 PGP).
        certificate_type: u32,
        /// Certificate Value.
        value: Vec<u8>,
    },
    /// Symmetric Key.
    SymmetricKey(KeyBlock),
    /// Public Key.
    PublicKey(KeyBlock),
    /// Private Key.
    PrivateKey(KeyBlock),
    /// Split Key: one part of a key split into shares.
    SplitKey {
        /// Split Key Parts (N).
        parts: i32,
        /// Key Part Identifier.
        key_part_identifier: i32,
        /// Split Key Threshold (M).
        threshold: i32,
        /// Split Key Method.
        method: u32,
        /// Prime Field Size (Big Integer, unsigned magnitude), for polynomial sharing.
        prime_field_size: Option<Vec<u8>>,
        /// The part's key block.
        key_block: KeyBlock,
    },
    /// Secret Data (passwords, seeds).
    SecretData {
        /// Secret Data Type (1 Password, 2 Seed).
        secret_data_type: u32,
        /// The key block.
        key_block: KeyBlock,
    },
    /// Opaque Object.
    OpaqueObject {
        /// Opaque Data Type.
        opaque_data_type: u32,
        /// Opaque Data Value.
        value: Vec<u8>,
    },
    /// PGP Key (KMIP 1.2+).
    PgpKey {
        /// PGP Key Version.
        version: i32,
        /// The key block.
        key_block: KeyBlock,
    },
    /// Certificate Request (KMIP 2.0+).
    CertificateRequest {
        /// Certificate Request Type.
        request_type: u32,
        /// Certificate Request Value.
        value: Vec<u8>,
    },
}

/// A Key Block.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyBlock {
    /// Key Format Type (see [`key_format`]).
    pub key_format_type: u32,
    /// Key Compression Type.
    pub key_compression_type: Option<u32>,
    /// The Key Value.
    pub key_value: KeyValue,
    /// Cryptographic Algorithm.
    pub cryptographic_algorithm: Option<u32>,
    /// Cryptographic Length, bits.
    pub cryptographic_length: Option<i32>,
    /// Key Wrapping Data structure, when the key value is wrapped.
    pub key_wrapping_data: Option<Ttlv>,
}

/// A Key Value: the material and attributes carried with it.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// The key material.
    pub material: KeyMaterial,
    /// Attributes inside the Key Value (empty when wrapped).
    pub attributes: Vec<Attribute>,
}

/// Key material. Big Integers are unsigned big-endian magnitudes without leading zeros.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
pub enum KeyMaterial {
    /// A Byte String: Raw, Opaque, PKCS#1, PKCS#8, X.509, ECPrivateKey, PKCS#12 formats.
    Bytes(Vec<u8>),
    /// Transparent Symmetric Key.
    TransparentSymmetric {
        /// Key.
        key: Vec<u8>,
    },
    /// Transparent RSA Private Key.
    TransparentRsaPrivate {
        /// Modulus.
        modulus: Vec<u8>,
        /// Private Exponent.
        private_exponent: Option<Vec<u8>>,
        /// Public Exponent.
        public_exponent: Option<Vec<u8>>,
        /// P.
        p: Option<Vec<u8>>,
        /// Q.
        q: Option<Vec<u8>>,
        /// Prime Exponent P.
        prime_exponent_p: Option<Vec<u8>>,
        /// Prime Exponent Q.
        prime_exponent_q: Option<Vec<u8>>,
        /// CRT Coefficient.
        crt_coefficient: Option<Vec<u8>>,
    },
    /// Transparent RSA Public Key.
    TransparentRsaPublic {
        /// Modulus.
        modulus: Vec<u8>,
        /// Public Exponent.
        public_exponent: Vec<u8>,
    },
    /// Transparent EC Private Key.
    TransparentEcPrivate {
        /// Recommended Curve.
        recommended_curve: u32,
        /// D.
        d: Vec<u8>,
    },
    /// Transparent EC Public Key.
    TransparentEcPublic {
        /// Recommended Curve.
        recommended_curve: u32,
        /// Q String (encoded point).
        q_string: Vec<u8>,
    },
    /// Any other structured material, as received (tagged `KeyMaterial`).
    Structure(Ttlv),
    /// A wrapped Key Value: the Byte String that replaces the whole `KeyValue` structure.
    Wrapped(Vec<u8>),
}

impl ManagedObject {
    /// Reads an object structure (`SymmetricKey`, `PrivateKey`, `Certificate`, ...).
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let context = object_context(item.tag)?;
        let mut f = Fields::new(item, item.tag, context, reason::INVALID_FIELD)?;
        let object = match item.tag {
            tag::SYMMETRIC_KEY => Self::SymmetricKey(key_block(&mut f)?),
            tag::PUBLIC_KEY => Self::PublicKey(key_block(&mut f)?),
            tag::PRIVATE_KEY => Self::PrivateKey(key_block(&mut f)?),
            tag::CERTIFICATE => Self::Certificate {
                certificate_type: f.req_enum(tag::CERTIFICATE_TYPE)?,
                value: f.req_bytes(tag::CERTIFICATE_VALUE)?,
            },
            tag::SPLIT_KEY => Self::SplitKey {
                parts: f.req_int(tag::SPLIT_KEY_PARTS)?,
                key_part_identifier: f.req_int(tag::KEY_PART_IDENTIFIER)?,
                threshold: f.req_int(tag::SPLIT_KEY_THRESHOLD)?,
                method: f.req_enum(tag::SPLIT_KEY_METHOD)?,
                prime_field_size: f
                    .opt_big(tag::PRIME_FIELD_SIZE)?
                    .map(big_integer_to_unsigned),
                key_block: key_block(&mut f)?,
            },
            tag::SECRET_DATA => Self::SecretData {
                secret_data_type: f.req_enum(tag::SECRET_DATA_TYPE)?,
                key_block: key_block(&mut f)?,
            },
            tag::OPAQUE_OBJECT => Self::OpaqueObject {
                opaque_data_type: f.req_enum(tag::OPAQUE_DATA_TYPE)?,
                value: f.req_bytes(tag::OPAQUE_DATA_VALUE)?,
            },
            tag::PGP_KEY => Self::PgpKey {
                version: f.req_int(tag::PGP_KEY_VERSION)?,
                key_block: key_block(&mut f)?,
            },
            _ => Self::CertificateRequest {
                request_type: f.req_enum(tag::CERTIFICATE_REQUEST_TYPE)?,
                value: f.req_bytes(tag::CERTIFICATE_REQUEST_VALUE)?,
            },
        };
        f.finish()?;
        Ok(object)
    }

    /// Finds and reads the object among the children of `payload` (Register request, Get
    /// response); `None` when there is none.
    pub fn find_in(payload: &Ttlv) -> Result<Option<Self>, MessageError> {
        let mut objects = payload
            .children()
            .iter()
            .filter(|c| OBJECT_TAGS.iter().any(|(t, _)| *t == c.tag));
        match (objects.next(), objects.next()) {
            (None, _) => Ok(None),
            (Some(object), None) => Self::from_ttlv(object).map(Some),
            (Some(_), Some(_)) => Err(MessageError::invalid_field(
                "the payload holds more than one object",
            )),
        }
    }

    /// Writes the object structure; attributes inside a Key Value are written in the form of
    /// `version`.
    pub fn to_ttlv(&self, version: ProtocolVersion) -> Ttlv {
        let children = match self {
            Self::SymmetricKey(kb) | Self::PublicKey(kb) | Self::PrivateKey(kb) => {
                vec![kb.to_ttlv(version)]
            }
            Self::Certificate {
                certificate_type,
                value,
            } => vec![
                Ttlv::enumeration(tag::CERTIFICATE_TYPE, *certificate_type),
                Ttlv::bytes(tag::CERTIFICATE_VALUE, value.clone()),
            ],
            Self::SplitKey {
                parts,
                key_part_identifier,
                threshold,
                method,
                prime_field_size,
                key_block,
            } => {
                let mut c = vec![
                    Ttlv::integer(tag::SPLIT_KEY_PARTS, *parts),
                    Ttlv::integer(tag::KEY_PART_IDENTIFIER, *key_part_identifier),
                    Ttlv::integer(tag::SPLIT_KEY_THRESHOLD, *threshold),
                    Ttlv::enumeration(tag::SPLIT_KEY_METHOD, *method),
                ];
                c.extend(
                    prime_field_size
                        .as_deref()
                        .map(|p| big(tag::PRIME_FIELD_SIZE, p)),
                );
                c.push(key_block.to_ttlv(version));
                c
            }
            Self::SecretData {
                secret_data_type,
                key_block,
            } => {
                vec![
                    Ttlv::enumeration(tag::SECRET_DATA_TYPE, *secret_data_type),
                    key_block.to_ttlv(version),
                ]
            }
            Self::OpaqueObject {
                opaque_data_type,
                value,
            } => vec![
                Ttlv::enumeration(tag::OPAQUE_DATA_TYPE, *opaque_data_type),
                Ttlv::bytes(tag::OPAQUE_DATA_VALUE, value.clone()),
            ],
            Self::PgpKey {
                version: v,
                key_block,
            } => {
                vec![
                    Ttlv::integer(tag::PGP_KEY_VERSION, *v),
                    key_block.to_ttlv(version),
                ]
            }
            Self::CertificateRequest {
                request_type,
                value,
            } => vec![
                Ttlv::enumeration(tag::CERTIFICATE_REQUEST_TYPE, *request_type),
                Ttlv::bytes(tag::CERTIFICATE_REQUEST_VALUE, value.clone()),
            ],
        };
        Ttlv::structure(self.tag(), children)
    }

    /// The Object Type enumeration value (see [`object_type`]).
    pub fn object_type(&self) -> u32 {
        match self {
            Self::Certificate { .. } => object_type::CERTIFICATE,
            Self::SymmetricKey(_) => object_type::SYMMETRIC_KEY,
            Self::PublicKey(_) => object_type::PUBLIC_KEY,
            Self::PrivateKey(_) => object_type::PRIVATE_KEY,
            Self::SplitKey { .. } => object_type::SPLIT_KEY,
            Self::SecretData { .. } => object_type::SECRET_DATA,
            Self::OpaqueObject { .. } => object_type::OPAQUE_OBJECT,
            Self::PgpKey { .. } => object_type::PGP_KEY,
            Self::CertificateRequest { .. } => object_type::CERTIFICATE_REQUEST,
        }
    }

    /// The tag of the object structure.
    pub fn tag(&self) -> u32 {
        object_tag(self.object_type()).unwrap_or(tag::OPAQUE_OBJECT)
    }

    /// The key block, for the object types that have one.
    pub fn key_block(&self) -> Option<&KeyBlock> {
        match self {
            Self::SymmetricKey(kb) | Self::PublicKey(kb) | Self::PrivateKey(kb) => Some(kb),
            Self::SplitKey { key_block, .. }
            | Self::SecretData { key_block, .. }
            | Self::PgpKey { key_block, .. } => Some(key_block),
            _ => None,
        }
    }
}

impl fmt::Debug for ManagedObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct(object_context(self.tag()).unwrap_or("ManagedObject"));
        match self {
            Self::Certificate {
                certificate_type, ..
            } => d.field("certificate_type", certificate_type),
            Self::SplitKey {
                parts,
                key_part_identifier,
                threshold,
                method,
                ..
            } => d
                .field("parts", parts)
                .field("key_part_identifier", key_part_identifier)
                .field("threshold", threshold)
                .field("method", method),
            Self::SecretData {
                secret_data_type, ..
            } => d.field("secret_data_type", secret_data_type),
            Self::OpaqueObject {
                opaque_data_type, ..
            } => d.field("opaque_data_type", opaque_data_type),
            Self::PgpKey { version, .. } => d.field("version", version),
            Self::CertificateRequest { request_type, .. } => d.field("request_type", request_type),
            Self::SymmetricKey(_) | Self::PublicKey(_) | Self::PrivateKey(_) => &mut d,
        };
        if let Some(kb) = self.key_block() {
            d.field("key_block", kb);
        }
        d.finish_non_exhaustive()
    }
}

/// The tag of the structure of object type `object_type` (`SYMMETRIC_KEY` → `SymmetricKey`);
/// `None` for Template and unknown types.
pub fn object_tag(object_type: u32) -> Option<u32> {
    OBJECT_TAGS
        .iter()
        .find(|(_, ty)| *ty == object_type)
        .map(|(t, _)| *t)
}

impl KeyBlock {
    /// A key block with plain `material` and no attributes.
    pub fn new(key_format_type: u32, material: KeyMaterial) -> Self {
        Self {
            key_format_type,
            key_compression_type: None,
            key_value: KeyValue {
                material,
                attributes: Vec::new(),
            },
            cryptographic_algorithm: None,
            cryptographic_length: None,
            key_wrapping_data: None,
        }
    }

    /// Reads a `KeyBlock` structure.
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = Fields::new(item, tag::KEY_BLOCK, "KeyBlock", reason::INVALID_FIELD)?;
        let key_format_type = f.req_enum(tag::KEY_FORMAT_TYPE)?;
        let key_compression_type = f.opt_enum(tag::KEY_COMPRESSION_TYPE)?;
        let value = f.req_item(tag::KEY_VALUE)?;
        let cryptographic_algorithm = f.opt_enum(tag::CRYPTOGRAPHIC_ALGORITHM)?;
        let cryptographic_length = f.opt_int(tag::CRYPTOGRAPHIC_LENGTH)?;
        let key_wrapping_data = f.opt_struct(tag::KEY_WRAPPING_DATA)?.cloned();
        f.finish()?;
        let key_value = match &value.value {
            Value::ByteString(wrapped) if key_wrapping_data.is_some() => KeyValue {
                material: KeyMaterial::Wrapped(wrapped.clone()),
                attributes: Vec::new(),
            },
            Value::ByteString(_) => {
                return Err(MessageError::invalid_field(
                    "KeyBlock: a Byte String KeyValue needs KeyWrappingData",
                ));
            }
            _ => KeyValue::from_ttlv(value, key_format_type)?,
        };
        Ok(Self {
            key_format_type,
            key_compression_type,
            key_value,
            cryptographic_algorithm,
            cryptographic_length,
            key_wrapping_data,
        })
    }

    /// Writes a `KeyBlock` structure.
    pub fn to_ttlv(&self, version: ProtocolVersion) -> Ttlv {
        let mut c = vec![Ttlv::enumeration(
            tag::KEY_FORMAT_TYPE,
            self.key_format_type,
        )];
        c.extend(
            self.key_compression_type
                .map(|v| Ttlv::enumeration(tag::KEY_COMPRESSION_TYPE, v)),
        );
        c.push(self.key_value.to_ttlv(version));
        c.extend(
            self.cryptographic_algorithm
                .map(|v| Ttlv::enumeration(tag::CRYPTOGRAPHIC_ALGORITHM, v)),
        );
        c.extend(
            self.cryptographic_length
                .map(|v| Ttlv::integer(tag::CRYPTOGRAPHIC_LENGTH, v)),
        );
        c.extend(self.key_wrapping_data.clone());
        Ttlv::structure(tag::KEY_BLOCK, c)
    }

    /// Whether the key value is wrapped.
    pub fn is_wrapped(&self) -> bool {
        matches!(self.key_value.material, KeyMaterial::Wrapped(_))
    }
}

impl fmt::Debug for KeyBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyBlock")
            .field("key_format_type", &self.key_format_type)
            .field("key_compression_type", &self.key_compression_type)
            .field("key_value", &self.key_value)
            .field("cryptographic_algorithm", &self.cryptographic_algorithm)
            .field("cryptographic_length", &self.cryptographic_length)
            .field("wrapped", &self.key_wrapping_data.is_some())
            .finish()
    }
}

impl KeyValue {
    /// Reads a `KeyValue` structure whose material is in format `key_format_type`.
    pub fn from_ttlv(item: &Ttlv, key_format_type: u32) -> Result<Self, MessageError> {
        let mut f = Fields::new(item, tag::KEY_VALUE, "KeyValue", reason::INVALID_FIELD)?;
        let material = KeyMaterial::from_ttlv(f.req_item(tag::KEY_MATERIAL)?, key_format_type)?;
        let mut attributes = Vec::new();
        for a in f.take_all(tag::ATTRIBUTE) {
            attributes.push(read_attribute(a)?);
        }
        if let Some(group) = f.opt_struct(tag::ATTRIBUTES)? {
            attributes.extend(read_attributes(group)?);
        }
        f.finish()?;
        Ok(Self {
            material,
            attributes,
        })
    }

    /// Writes the `KeyValue`: a structure, or the Byte String of a wrapped value.
    pub fn to_ttlv(&self, version: ProtocolVersion) -> Ttlv {
        if let KeyMaterial::Wrapped(bytes) = &self.material {
            return Ttlv::bytes(tag::KEY_VALUE, bytes.clone());
        }
        let mut c = vec![self.material.to_ttlv()];
        if version.is_2x() && !self.attributes.is_empty() {
            c.push(write_attributes(
                &self.attributes,
                version,
                Container::Main.tag(version),
            ));
        } else if !version.is_2x() {
            c.extend(self.attributes.iter().map(|a| write_attribute(a, version)));
        }
        Ttlv::structure(tag::KEY_VALUE, c)
    }
}

impl fmt::Debug for KeyValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyValue")
            .field("material", &self.material)
            .field(
                "attributes",
                &self
                    .attributes
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl KeyMaterial {
    /// Reads the `KeyMaterial` item of a key in format `key_format_type`.
    pub fn from_ttlv(item: &Ttlv, key_format_type: u32) -> Result<Self, MessageError> {
        use key_format as kf;
        if let Value::ByteString(bytes) = &item.value {
            return if is_structured_format(key_format_type) {
                Err(MessageError::invalid_field(
                    "KeyMaterial must be a Structure for a transparent key format",
                ))
            } else {
                Ok(Self::Bytes(bytes.clone()))
            };
        }
        let mut f = Fields::new(
            item,
            tag::KEY_MATERIAL,
            "KeyMaterial",
            reason::INVALID_FIELD,
        )?;
        let material = match key_format_type {
            kf::TRANSPARENT_SYMMETRIC_KEY => Self::TransparentSymmetric {
                key: f.req_bytes(tag::KEY)?,
            },
            kf::TRANSPARENT_RSA_PRIVATE_KEY => Self::TransparentRsaPrivate {
                modulus: req_big(&mut f, tag::MODULUS)?,
                private_exponent: opt_big(&mut f, tag::PRIVATE_EXPONENT)?,
                public_exponent: opt_big(&mut f, tag::PUBLIC_EXPONENT)?,
                p: opt_big(&mut f, tag::P)?,
                q: opt_big(&mut f, tag::Q)?,
                prime_exponent_p: opt_big(&mut f, tag::PRIME_EXPONENT_P)?,
                prime_exponent_q: opt_big(&mut f, tag::PRIME_EXPONENT_Q)?,
                crt_coefficient: opt_big(&mut f, tag::CRT_COEFFICIENT)?,
            },
            kf::TRANSPARENT_RSA_PUBLIC_KEY => Self::TransparentRsaPublic {
                modulus: req_big(&mut f, tag::MODULUS)?,
                public_exponent: req_big(&mut f, tag::PUBLIC_EXPONENT)?,
            },
            kf::TRANSPARENT_EC_PRIVATE_KEY => Self::TransparentEcPrivate {
                recommended_curve: f.req_enum(tag::RECOMMENDED_CURVE)?,
                d: req_big(&mut f, tag::D)?,
            },
            kf::TRANSPARENT_EC_PUBLIC_KEY => Self::TransparentEcPublic {
                recommended_curve: f.req_enum(tag::RECOMMENDED_CURVE)?,
                q_string: f.req_bytes(tag::Q_STRING)?,
            },
            kf::RAW
            | kf::OPAQUE
            | kf::PKCS_1
            | kf::PKCS_8
            | kf::X_509
            | kf::EC_PRIVATE_KEY
            | kf::PKCS_12 => {
                return Err(MessageError::invalid_field(
                    "KeyMaterial must be a Byte String for this key format",
                ));
            }
            _ => {
                f.take_rest();
                Self::Structure(item.clone())
            }
        };
        f.finish()?;
        Ok(material)
    }

    /// Writes the `KeyMaterial` item (for [`KeyMaterial::Wrapped`]: the Byte String, which
    /// [`KeyValue::to_ttlv`] writes in place of the whole Key Value).
    pub fn to_ttlv(&self) -> Ttlv {
        let fields = |c: Vec<Ttlv>| Ttlv::structure(tag::KEY_MATERIAL, c);
        let opt = |t: u32, v: &Option<Vec<u8>>| v.as_deref().map(|v| big(t, v));
        match self {
            Self::Bytes(b) | Self::Wrapped(b) => Ttlv::bytes(tag::KEY_MATERIAL, b.clone()),
            Self::TransparentSymmetric { key } => fields(vec![Ttlv::bytes(tag::KEY, key.clone())]),
            Self::TransparentRsaPrivate {
                modulus,
                private_exponent,
                public_exponent,
                p,
                q,
                prime_exponent_p,
                prime_exponent_q,
                crt_coefficient,
            } => {
                let optional = [
                    opt(tag::PRIVATE_EXPONENT, private_exponent),
                    opt(tag::PUBLIC_EXPONENT, public_exponent),
                    opt(tag::P, p),
                    opt(tag::Q, q),
                    opt(tag::PRIME_EXPONENT_P, prime_exponent_p),
                    opt(tag::PRIME_EXPONENT_Q, prime_exponent_q),
                    opt(tag::CRT_COEFFICIENT, crt_coefficient),
                ];
                fields(
                    std::iter::once(big(tag::MODULUS, modulus))
                        .chain(optional.into_iter().flatten())
                        .collect(),
                )
            }
            Self::TransparentRsaPublic {
                modulus,
                public_exponent,
            } => fields(vec![
                big(tag::MODULUS, modulus),
                big(tag::PUBLIC_EXPONENT, public_exponent),
            ]),
            Self::TransparentEcPrivate {
                recommended_curve,
                d,
            } => fields(vec![
                Ttlv::enumeration(tag::RECOMMENDED_CURVE, *recommended_curve),
                big(tag::D, d),
            ]),
            Self::TransparentEcPublic {
                recommended_curve,
                q_string,
            } => fields(vec![
                Ttlv::enumeration(tag::RECOMMENDED_CURVE, *recommended_curve),
                Ttlv::bytes(tag::Q_STRING, q_string.clone()),
            ]),
            Self::Structure(t) => Ttlv::new(tag::KEY_MATERIAL, t.value.clone()),
        }
    }
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Self::Bytes(_) => "Bytes",
            Self::TransparentSymmetric { .. } => "TransparentSymmetric",
            Self::TransparentRsaPrivate { .. } => "TransparentRsaPrivate",
            Self::TransparentRsaPublic { .. } => "TransparentRsaPublic",
            Self::TransparentEcPrivate { .. } => "TransparentEcPrivate",
            Self::TransparentEcPublic { .. } => "TransparentEcPublic",
            Self::Structure(_) => "Structure",
            Self::Wrapped(_) => "Wrapped",
        };
        write!(f, "{kind}(<redacted>)")
    }
}

/// The unsigned big-endian magnitude of a KMIP Big Integer (leading zero bytes removed; zero
/// is empty). A set top bit is read as magnitude, not sign: key components are never negative
/// and some clients omit the sign byte.
pub fn big_integer_to_unsigned(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().skip_while(|b| **b == 0).copied().collect()
}

/// The KMIP Big Integer of an unsigned big-endian magnitude: a 0x00 sign byte when the top bit
/// is set, left-padded with zeros to a multiple of 8 bytes (at least 8).
pub fn unsigned_to_big_integer(magnitude: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> = magnitude.iter().skip_while(|b| **b == 0).copied().collect();
    let sign = usize::from(digits.first().is_some_and(|b| b & 0x80 != 0));
    let len = (digits.len() + sign).max(1).div_ceil(8) * 8;
    let mut out = vec![0u8; len - digits.len()];
    out.extend(digits);
    out
}

fn big(tag: u32, magnitude: &[u8]) -> Ttlv {
    Ttlv::big_integer(tag, unsigned_to_big_integer(magnitude))
}

fn opt_big(f: &mut Fields<'_>, tag: u32) -> Result<Option<Vec<u8>>, MessageError> {
    Ok(f.opt_big(tag)?.map(big_integer_to_unsigned))
}

fn req_big(f: &mut Fields<'_>, tag: u32) -> Result<Vec<u8>, MessageError> {
    opt_big(f, tag)?.ok_or_else(|| f.error(format_args!("missing {}", tag_label(tag))))
}

fn key_block(f: &mut Fields<'_>) -> Result<KeyBlock, MessageError> {
    KeyBlock::from_ttlv(f.req_item(tag::KEY_BLOCK)?)
}

fn is_structured_format(key_format_type: u32) -> bool {
    (key_format::TRANSPARENT_SYMMETRIC_KEY..=key_format::TRANSPARENT_EC_PUBLIC_KEY)
        .contains(&key_format_type)
}

fn object_context(object_tag: u32) -> Result<&'static str, MessageError> {
    match object_tag {
        tag::TEMPLATE => Err(MessageError::invalid_field("templates are not supported")),
        tag::SYMMETRIC_KEY => Ok("SymmetricKey"),
        tag::PUBLIC_KEY => Ok("PublicKey"),
        tag::PRIVATE_KEY => Ok("PrivateKey"),
        tag::CERTIFICATE => Ok("Certificate"),
        tag::SPLIT_KEY => Ok("SplitKey"),
        tag::SECRET_DATA => Ok("SecretData"),
        tag::OPAQUE_OBJECT => Ok("OpaqueObject"),
        tag::PGP_KEY => Ok("PGPKey"),
        tag::CERTIFICATE_REQUEST => Ok("CertificateRequest"),
        other => Err(MessageError::invalid_field(format!(
            "{} is not a managed object",
            tag_label(other)
        ))),
    }
}

/// Object structure tags and their Object Type values.
const OBJECT_TAGS: [(u32, u32); 9] = [
    (tag::CERTIFICATE, object_type::CERTIFICATE),
    (tag::SYMMETRIC_KEY, object_type::SYMMETRIC_KEY),
    (tag::PUBLIC_KEY, object_type::PUBLIC_KEY),
    (tag::PRIVATE_KEY, object_type::PRIVATE_KEY),
    (tag::SPLIT_KEY, object_type::SPLIT_KEY),
    (tag::SECRET_DATA, object_type::SECRET_DATA),
    (tag::OPAQUE_OBJECT, object_type::OPAQUE_OBJECT),
    (tag::PGP_KEY, object_type::PGP_KEY),
    (tag::CERTIFICATE_REQUEST, object_type::CERTIFICATE_REQUEST),
];

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests;
