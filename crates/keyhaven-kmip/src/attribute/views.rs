//! Typed views of the structured attributes the server works with, each with `from_ttlv`
//! (accepting the attribute's own tag or a 1.x `AttributeValue`) and `to_ttlv`.

use crate::dict::tags as tag;
use crate::message::{reason, tag_label, Fields, MessageError};
use crate::ttlv::Ttlv;

/// Reads a typed attribute structure tagged `own` (or `AttributeValue`, as in 1.x).
fn view<'a>(item: &'a Ttlv, own: u32, context: &'static str) -> Result<Fields<'a>, MessageError> {
    if item.tag != own && item.tag != tag::ATTRIBUTE_VALUE {
        let found = tag_label(item.tag);
        return Err(MessageError::invalid_field(format!(
            "expected {context}, found {found}"
        )));
    }
    Fields::any_tag(item, context, reason::INVALID_FIELD)
}

/// The Name attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// Name Value.
    pub value: String,
    /// Name Type ([`Name::UNINTERPRETED_TEXT_STRING`] or [`Name::URI`]).
    pub name_type: u32,
}

impl Name {
    /// Name Type Uninterpreted Text String.
    pub const UNINTERPRETED_TEXT_STRING: u32 = 1;
    /// Name Type URI.
    pub const URI: u32 = 2;

    /// Reads a `Name` structure.
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = view(item, tag::NAME, "Name")?;
        let name = Self {
            value: f.req_text(tag::NAME_VALUE)?,
            name_type: f.req_enum(tag::NAME_TYPE)?,
        };
        f.finish()?;
        Ok(name)
    }

    /// Writes a `Name` structure.
    pub fn to_ttlv(&self) -> Ttlv {
        Ttlv::structure(
            tag::NAME,
            vec![
                Ttlv::text(tag::NAME_VALUE, self.value.as_str()),
                Ttlv::enumeration(tag::NAME_TYPE, self.name_type),
            ],
        )
    }
}

/// Link Type enumeration values.
pub mod link_type {
    /// Certificate (0x101).
    pub const CERTIFICATE: u32 = 0x101;
    /// Public Key (0x102).
    pub const PUBLIC_KEY: u32 = 0x102;
    /// Private Key (0x103).
    pub const PRIVATE_KEY: u32 = 0x103;
    /// Derivation Base Object (0x104).
    pub const DERIVATION_BASE_OBJECT: u32 = 0x104;
    /// Derived Key (0x105).
    pub const DERIVED_KEY: u32 = 0x105;
    /// Replacement Object (0x106).
    pub const REPLACEMENT_OBJECT: u32 = 0x106;
    /// Replaced Object (0x107).
    pub const REPLACED_OBJECT: u32 = 0x107;
    /// Parent (0x108).
    pub const PARENT: u32 = 0x108;
    /// Child (0x109).
    pub const CHILD: u32 = 0x109;
    /// Previous (0x10A).
    pub const PREVIOUS: u32 = 0x10A;
    /// Next (0x10B).
    pub const NEXT: u32 = 0x10B;
    /// Pkcs12 Certificate (0x10C).
    pub const PKCS12_CERTIFICATE: u32 = 0x10C;
    /// Pkcs12 Password (0x10D).
    pub const PKCS12_PASSWORD: u32 = 0x10D;
    /// Wrapping Key (0x10E).
    pub const WRAPPING_KEY: u32 = 0x10E;
}

/// The Link attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Link Type (see [`link_type`]).
    pub link_type: u32,
    /// Linked Object Identifier.
    pub linked_object_identifier: String,
}

impl Link {
    /// Reads a `Link` structure.
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = view(item, tag::LINK, "Link")?;
        let link = Self {
            link_type: f.req_enum(tag::LINK_TYPE)?,
            linked_object_identifier: f.req_text(tag::LINKED_OBJECT_IDENTIFIER)?,
        };
        f.finish()?;
        Ok(link)
    }

    /// Writes a `Link` structure.
    pub fn to_ttlv(&self) -> Ttlv {
        Ttlv::structure(
            tag::LINK,
            vec![
                Ttlv::enumeration(tag::LINK_TYPE, self.link_type),
                Ttlv::text(
                    tag::LINKED_OBJECT_IDENTIFIER,
                    self.linked_object_identifier.as_str(),
                ),
            ],
        )
    }
}

/// The Cryptographic Parameters attribute (also a field of Encrypt, Sign, ... payloads).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CryptographicParameters {
    /// Block Cipher Mode.
    pub block_cipher_mode: Option<u32>,
    /// Padding Method.
    pub padding_method: Option<u32>,
    /// Hashing Algorithm.
    pub hashing_algorithm: Option<u32>,
    /// Key Role Type.
    pub key_role_type: Option<u32>,
    /// Digital Signature Algorithm.
    pub digital_signature_algorithm: Option<u32>,
    /// Cryptographic Algorithm.
    pub cryptographic_algorithm: Option<u32>,
    /// Random IV.
    pub random_iv: Option<bool>,
    /// IV Length, bits.
    pub iv_length: Option<i32>,
    /// Tag Length, bytes.
    pub tag_length: Option<i32>,
    /// Fixed Field Length, bits.
    pub fixed_field_length: Option<i32>,
    /// Invocation Field Length, bits.
    pub invocation_field_length: Option<i32>,
    /// Counter Length, bits.
    pub counter_length: Option<i32>,
    /// Initial Counter Value.
    pub initial_counter_value: Option<i32>,
    /// Salt Length, bytes.
    pub salt_length: Option<i32>,
    /// Mask Generator.
    pub mask_generator: Option<u32>,
    /// Mask Generator Hashing Algorithm.
    pub mask_generator_hashing_algorithm: Option<u32>,
    /// P Source (OAEP label).
    pub p_source: Option<Vec<u8>>,
    /// Trailer Field.
    pub trailer_field: Option<i32>,
}

impl CryptographicParameters {
    /// Reads a `CryptographicParameters` structure.
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = view(
            item,
            tag::CRYPTOGRAPHIC_PARAMETERS,
            "CryptographicParameters",
        )?;
        let p = Self {
            block_cipher_mode: f.opt_enum(tag::BLOCK_CIPHER_MODE)?,
            padding_method: f.opt_enum(tag::PADDING_METHOD)?,
            hashing_algorithm: f.opt_enum(tag::HASHING_ALGORITHM)?,
            key_role_type: f.opt_enum(tag::KEY_ROLE_TYPE)?,
            digital_signature_algorithm: f.opt_enum(tag::DIGITAL_SIGNATURE_ALGORITHM)?,
            cryptographic_algorithm: f.opt_enum(tag::CRYPTOGRAPHIC_ALGORITHM)?,
            random_iv: f.opt_bool(tag::RANDOM_IV)?,
            iv_length: f.opt_int(tag::IV_LENGTH)?,
            tag_length: f.opt_int(tag::TAG_LENGTH)?,
            fixed_field_length: f.opt_int(tag::FIXED_FIELD_LENGTH)?,
            invocation_field_length: f.opt_int(tag::INVOCATION_FIELD_LENGTH)?,
            counter_length: f.opt_int(tag::COUNTER_LENGTH)?,
            initial_counter_value: f.opt_int(tag::INITIAL_COUNTER_VALUE)?,
            salt_length: f.opt_int(tag::SALT_LENGTH)?,
            mask_generator: f.opt_enum(tag::MASK_GENERATOR)?,
            mask_generator_hashing_algorithm: f.opt_enum(tag::MASK_GENERATOR_HASHING_ALGORITHM)?,
            p_source: f.opt_bytes(tag::P_SOURCE)?,
            trailer_field: f.opt_int(tag::TRAILER_FIELD)?,
        };
        f.finish()?;
        Ok(p)
    }

    /// Writes a `CryptographicParameters` structure in the specification's field order.
    pub fn to_ttlv(&self) -> Ttlv {
        let enums = [
            (tag::BLOCK_CIPHER_MODE, self.block_cipher_mode),
            (tag::PADDING_METHOD, self.padding_method),
            (tag::HASHING_ALGORITHM, self.hashing_algorithm),
            (tag::KEY_ROLE_TYPE, self.key_role_type),
            (
                tag::DIGITAL_SIGNATURE_ALGORITHM,
                self.digital_signature_algorithm,
            ),
            (tag::CRYPTOGRAPHIC_ALGORITHM, self.cryptographic_algorithm),
        ];
        let ints = [
            (tag::IV_LENGTH, self.iv_length),
            (tag::TAG_LENGTH, self.tag_length),
            (tag::FIXED_FIELD_LENGTH, self.fixed_field_length),
            (tag::INVOCATION_FIELD_LENGTH, self.invocation_field_length),
            (tag::COUNTER_LENGTH, self.counter_length),
            (tag::INITIAL_COUNTER_VALUE, self.initial_counter_value),
            (tag::SALT_LENGTH, self.salt_length),
        ];
        let mut c: Vec<Ttlv> = enums
            .iter()
            .filter_map(|(t, v)| v.map(|v| Ttlv::enumeration(*t, v)))
            .collect();
        c.extend(self.random_iv.map(|v| Ttlv::boolean(tag::RANDOM_IV, v)));
        c.extend(
            ints.iter()
                .filter_map(|(t, v)| v.map(|v| Ttlv::integer(*t, v))),
        );
        c.extend(
            self.mask_generator
                .map(|v| Ttlv::enumeration(tag::MASK_GENERATOR, v)),
        );
        c.extend(
            self.mask_generator_hashing_algorithm
                .map(|v| Ttlv::enumeration(tag::MASK_GENERATOR_HASHING_ALGORITHM, v)),
        );
        c.extend(self.p_source.clone().map(|v| Ttlv::bytes(tag::P_SOURCE, v)));
        c.extend(
            self.trailer_field
                .map(|v| Ttlv::integer(tag::TRAILER_FIELD, v)),
        );
        Ttlv::structure(tag::CRYPTOGRAPHIC_PARAMETERS, c)
    }
}

/// The Digest attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Digest {
    /// Hashing Algorithm.
    pub hashing_algorithm: u32,
    /// Digest Value.
    pub digest_value: Option<Vec<u8>>,
    /// Key Format Type the digest was computed over.
    pub key_format_type: Option<u32>,
}

impl Digest {
    /// Reads a `Digest` structure.
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = view(item, tag::DIGEST, "Digest")?;
        let d = Self {
            hashing_algorithm: f.req_enum(tag::HASHING_ALGORITHM)?,
            digest_value: f.opt_bytes(tag::DIGEST_VALUE)?,
            key_format_type: f.opt_enum(tag::KEY_FORMAT_TYPE)?,
        };
        f.finish()?;
        Ok(d)
    }

    /// Writes a `Digest` structure.
    pub fn to_ttlv(&self) -> Ttlv {
        let mut c = vec![Ttlv::enumeration(
            tag::HASHING_ALGORITHM,
            self.hashing_algorithm,
        )];
        c.extend(
            self.digest_value
                .clone()
                .map(|v| Ttlv::bytes(tag::DIGEST_VALUE, v)),
        );
        c.extend(
            self.key_format_type
                .map(|v| Ttlv::enumeration(tag::KEY_FORMAT_TYPE, v)),
        );
        Ttlv::structure(tag::DIGEST, c)
    }
}

/// The Revocation Reason attribute (also the field of a Revoke request).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevocationReason {
    /// Revocation Reason Code ([`RevocationReason::KEY_COMPROMISE`], ...).
    pub code: u32,
    /// Revocation Message.
    pub message: Option<String>,
}

impl RevocationReason {
    /// Unspecified.
    pub const UNSPECIFIED: u32 = 1;
    /// Key Compromise.
    pub const KEY_COMPROMISE: u32 = 2;
    /// CA Compromise.
    pub const CA_COMPROMISE: u32 = 3;
    /// Affiliation Changed.
    pub const AFFILIATION_CHANGED: u32 = 4;
    /// Superseded.
    pub const SUPERSEDED: u32 = 5;
    /// Cessation of Operation.
    pub const CESSATION_OF_OPERATION: u32 = 6;
    /// Privilege Withdrawn.
    pub const PRIVILEGE_WITHDRAWN: u32 = 7;

    /// Reads a `RevocationReason` structure.
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = view(item, tag::REVOCATION_REASON, "RevocationReason")?;
        let r = Self {
            code: f.req_enum(tag::REVOCATION_REASON_CODE)?,
            message: f.opt_text(tag::REVOCATION_MESSAGE)?,
        };
        f.finish()?;
        Ok(r)
    }

    /// Writes a `RevocationReason` structure.
    pub fn to_ttlv(&self) -> Ttlv {
        let mut c = vec![Ttlv::enumeration(tag::REVOCATION_REASON_CODE, self.code)];
        c.extend(
            self.message
                .as_deref()
                .map(|m| Ttlv::text(tag::REVOCATION_MESSAGE, m)),
        );
        Ttlv::structure(tag::REVOCATION_REASON, c)
    }
}

/// The Usage Limits attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageLimits {
    /// Usage Limits Total.
    pub total: i64,
    /// Usage Limits Count (what is left; set by the server).
    pub count: Option<i64>,
    /// Usage Limits Unit (1 Byte, 2 Object).
    pub unit: u32,
}

impl UsageLimits {
    /// Reads a `UsageLimits` structure.
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = view(item, tag::USAGE_LIMITS, "UsageLimits")?;
        let total = f
            .opt_long(tag::USAGE_LIMITS_TOTAL)?
            .ok_or_else(|| f.error("missing UsageLimitsTotal"))?;
        let u = Self {
            total,
            count: f.opt_long(tag::USAGE_LIMITS_COUNT)?,
            unit: f.req_enum(tag::USAGE_LIMITS_UNIT)?,
        };
        f.finish()?;
        Ok(u)
    }

    /// Writes a `UsageLimits` structure.
    pub fn to_ttlv(&self) -> Ttlv {
        let mut c = vec![Ttlv::long_integer(tag::USAGE_LIMITS_TOTAL, self.total)];
        c.extend(
            self.count
                .map(|v| Ttlv::long_integer(tag::USAGE_LIMITS_COUNT, v)),
        );
        c.push(Ttlv::enumeration(tag::USAGE_LIMITS_UNIT, self.unit));
        Ttlv::structure(tag::USAGE_LIMITS, c)
    }
}

/// The Application Specific Information attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationSpecificInformation {
    /// Application Namespace.
    pub namespace: String,
    /// Application Data (optional since KMIP 1.3: the server may generate it).
    pub data: Option<String>,
}

impl ApplicationSpecificInformation {
    /// Reads an `ApplicationSpecificInformation` structure.
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = view(
            item,
            tag::APPLICATION_SPECIFIC_INFORMATION,
            "ApplicationSpecificInformation",
        )?;
        let a = Self {
            namespace: f.req_text(tag::APPLICATION_NAMESPACE)?,
            data: f.opt_text(tag::APPLICATION_DATA)?,
        };
        f.finish()?;
        Ok(a)
    }

    /// Writes an `ApplicationSpecificInformation` structure.
    pub fn to_ttlv(&self) -> Ttlv {
        let mut c = vec![Ttlv::text(
            tag::APPLICATION_NAMESPACE,
            self.namespace.as_str(),
        )];
        c.extend(
            self.data
                .as_deref()
                .map(|d| Ttlv::text(tag::APPLICATION_DATA, d)),
        );
        Ttlv::structure(tag::APPLICATION_SPECIFIC_INFORMATION, c)
    }
}
