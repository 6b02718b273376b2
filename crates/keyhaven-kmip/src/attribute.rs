//! Managed-object attributes in one normalised form, read from and written to both encodings.
//!
//! - KMIP 1.x: `Attribute{AttributeName, AttributeIndex?, AttributeValue}` structures, grouped
//!   in `TemplateAttribute`, `CommonTemplateAttribute`, `PrivateKeyTemplateAttribute` and
//!   `PublicKeyTemplateAttribute` (a `Name` there refers to a Template: not supported).
//! - KMIP 2.x: the value under the attribute's own tag (`CryptographicAlgorithm`, `Name`, ...),
//!   grouped in `Attributes`, `CommonAttributes`, `PrivateKeyAttributes`, `PublicKeyAttributes`;
//!   single attributes in `NewAttribute` / `CurrentAttribute`, names in `AttributeReference`.
//!
//! The normalised [`Attribute`] has the 1.x name and the value under the attribute's tag, so the
//! rest of the server sees one form. Vendor (custom) attributes keep the 1.x naming convention
//! `<vendor>-<name>` (`x-ID`: client-defined, `y-...`: server-defined) with the value tagged
//! `AttributeValue`; in 2.x they travel as `Attribute{VendorIdentification, AttributeName,
//! AttributeValue}`, so `x-ID` ↔ vendor `x`, name `ID`, as KMIP 2.0 maps 1.x custom attributes.
//!
//! Values of the standard attributes are type-checked on reading (a Cryptographic Length that
//! is not an Integer is an Invalid Field error).

use crate::dict::tags as tag;
use crate::message::{reason, tag_label, Fields, MessageError, ProtocolVersion};
use crate::ttlv::{ItemType, Ttlv, Value};

mod views;

pub use views::{
    link_type, ApplicationSpecificInformation, CryptographicParameters, Digest, Link, Name,
    RevocationReason, UsageLimits,
};

/// The KMIP 1.x names of the standard attributes.
pub mod name {
    /// The Unique Identifier attribute.
    pub const UNIQUE_IDENTIFIER: &str = "Unique Identifier";
    /// The Name attribute.
    pub const NAME: &str = "Name";
    /// The Object Type attribute.
    pub const OBJECT_TYPE: &str = "Object Type";
    /// The Cryptographic Algorithm attribute.
    pub const CRYPTOGRAPHIC_ALGORITHM: &str = "Cryptographic Algorithm";
    /// The Cryptographic Length attribute.
    pub const CRYPTOGRAPHIC_LENGTH: &str = "Cryptographic Length";
    /// The Cryptographic Parameters attribute.
    pub const CRYPTOGRAPHIC_PARAMETERS: &str = "Cryptographic Parameters";
    /// The Cryptographic Domain Parameters attribute.
    pub const CRYPTOGRAPHIC_DOMAIN_PARAMETERS: &str = "Cryptographic Domain Parameters";
    /// The Certificate Type attribute.
    pub const CERTIFICATE_TYPE: &str = "Certificate Type";
    /// The Certificate Length attribute.
    pub const CERTIFICATE_LENGTH: &str = "Certificate Length";
    /// The X.509 Certificate Identifier attribute.
    pub const X509_CERTIFICATE_IDENTIFIER: &str = "X.509 Certificate Identifier";
    /// The X.509 Certificate Subject attribute.
    pub const X509_CERTIFICATE_SUBJECT: &str = "X.509 Certificate Subject";
    /// The X.509 Certificate Issuer attribute.
    pub const X509_CERTIFICATE_ISSUER: &str = "X.509 Certificate Issuer";
    /// The Certificate Identifier attribute.
    pub const CERTIFICATE_IDENTIFIER: &str = "Certificate Identifier";
    /// The Certificate Subject attribute.
    pub const CERTIFICATE_SUBJECT: &str = "Certificate Subject";
    /// The Certificate Issuer attribute.
    pub const CERTIFICATE_ISSUER: &str = "Certificate Issuer";
    /// The Digital Signature Algorithm attribute.
    pub const DIGITAL_SIGNATURE_ALGORITHM: &str = "Digital Signature Algorithm";
    /// The Digest attribute.
    pub const DIGEST: &str = "Digest";
    /// The Operation Policy Name attribute.
    pub const OPERATION_POLICY_NAME: &str = "Operation Policy Name";
    /// The Cryptographic Usage Mask attribute.
    pub const CRYPTOGRAPHIC_USAGE_MASK: &str = "Cryptographic Usage Mask";
    /// The Lease Time attribute.
    pub const LEASE_TIME: &str = "Lease Time";
    /// The Usage Limits attribute.
    pub const USAGE_LIMITS: &str = "Usage Limits";
    /// The State attribute.
    pub const STATE: &str = "State";
    /// The Initial Date attribute.
    pub const INITIAL_DATE: &str = "Initial Date";
    /// The Activation Date attribute.
    pub const ACTIVATION_DATE: &str = "Activation Date";
    /// The Process Start Date attribute.
    pub const PROCESS_START_DATE: &str = "Process Start Date";
    /// The Protect Stop Date attribute.
    pub const PROTECT_STOP_DATE: &str = "Protect Stop Date";
    /// The Deactivation Date attribute.
    pub const DEACTIVATION_DATE: &str = "Deactivation Date";
    /// The Destroy Date attribute.
    pub const DESTROY_DATE: &str = "Destroy Date";
    /// The Compromise Occurrence Date attribute.
    pub const COMPROMISE_OCCURRENCE_DATE: &str = "Compromise Occurrence Date";
    /// The Compromise Date attribute.
    pub const COMPROMISE_DATE: &str = "Compromise Date";
    /// The Revocation Reason attribute.
    pub const REVOCATION_REASON: &str = "Revocation Reason";
    /// The Archive Date attribute.
    pub const ARCHIVE_DATE: &str = "Archive Date";
    /// The Object Group attribute.
    pub const OBJECT_GROUP: &str = "Object Group";
    /// The Fresh attribute.
    pub const FRESH: &str = "Fresh";
    /// The Link attribute.
    pub const LINK: &str = "Link";
    /// The Application Specific Information attribute.
    pub const APPLICATION_SPECIFIC_INFORMATION: &str = "Application Specific Information";
    /// The Contact Information attribute.
    pub const CONTACT_INFORMATION: &str = "Contact Information";
    /// The Last Change Date attribute.
    pub const LAST_CHANGE_DATE: &str = "Last Change Date";
    /// The Alternative Name attribute.
    pub const ALTERNATIVE_NAME: &str = "Alternative Name";
    /// The Key Value Present attribute.
    pub const KEY_VALUE_PRESENT: &str = "Key Value Present";
    /// The Key Value Location attribute.
    pub const KEY_VALUE_LOCATION: &str = "Key Value Location";
    /// The Original Creation Date attribute.
    pub const ORIGINAL_CREATION_DATE: &str = "Original Creation Date";
    /// The Random Number Generator attribute.
    pub const RANDOM_NUMBER_GENERATOR: &str = "Random Number Generator";
    /// The PKCS#12 Friendly Name attribute.
    pub const PKCS12_FRIENDLY_NAME: &str = "PKCS#12 Friendly Name";
    /// The Description attribute.
    pub const DESCRIPTION: &str = "Description";
    /// The Comment attribute.
    pub const COMMENT: &str = "Comment";
    /// The Sensitive attribute.
    pub const SENSITIVE: &str = "Sensitive";
    /// The Always Sensitive attribute.
    pub const ALWAYS_SENSITIVE: &str = "Always Sensitive";
    /// The Extractable attribute.
    pub const EXTRACTABLE: &str = "Extractable";
    /// The Never Extractable attribute.
    pub const NEVER_EXTRACTABLE: &str = "Never Extractable";
    /// The Key Format Type attribute.
    pub const KEY_FORMAT_TYPE: &str = "Key Format Type";
    /// The NIST Key Type attribute.
    pub const NIST_KEY_TYPE: &str = "NIST Key Type";
    /// The Short Unique Identifier attribute.
    pub const SHORT_UNIQUE_IDENTIFIER: &str = "Short Unique Identifier";
    /// The Protection Level attribute.
    pub const PROTECTION_LEVEL: &str = "Protection Level";
    /// The Protection Period attribute.
    pub const PROTECTION_PERIOD: &str = "Protection Period";
    /// The Quantum Safe attribute.
    pub const QUANTUM_SAFE: &str = "Quantum Safe";
}

/// One attribute in the normalised form (see the module documentation).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Attribute {
    /// The 1.x name (`"Cryptographic Algorithm"`), or `<vendor>-<name>` for vendor attributes.
    pub name: String,
    /// The 1.x Attribute Index (absent in 2.x).
    pub index: Option<i32>,
    /// The value, tagged with the attribute's tag; `AttributeValue` for vendor attributes.
    pub value: Ttlv,
}

impl Attribute {
    /// An attribute named `name` with `value` as given (no checks).
    pub fn new(name: impl Into<String>, value: Ttlv) -> Self {
        Self {
            name: name.into(),
            index: None,
            value,
        }
    }

    /// A standard attribute from its value, named after the value's tag.
    pub fn from_value(value: Ttlv) -> Result<Self, MessageError> {
        read_tagged(&value)
    }

    /// A vendor attribute `<vendor>-<name>` (`"x-ID"`) with `value`.
    pub fn custom(name: impl Into<String>, value: Value) -> Self {
        Self::new(name, Ttlv::new(tag::ATTRIBUTE_VALUE, value))
    }

    /// This attribute with Attribute Index `index`.
    pub fn with_index(mut self, index: i32) -> Self {
        self.index = Some(index);
        self
    }

    /// Whether this is a vendor attribute (`<vendor>-<name>`).
    pub fn is_custom(&self) -> bool {
        standard_tag(&self.name).is_none() && split_vendor(&self.name).is_some()
    }
}

/// The tag of a standard attribute's 1.x name.
pub fn standard_tag(name: &str) -> Option<u32> {
    spec_by_name(name)
        .map(|s| s.tag)
        .or_else(|| crate::dict::attribute_tag(name))
}

/// The 1.x name of a standard attribute's tag.
pub fn standard_name(tag: u32) -> Option<&'static str> {
    spec_by_tag(tag)
        .map(|s| s.name)
        .or_else(|| crate::dict::attribute_name(tag))
}

/// Reads all attributes of a 1.x template-attribute or 2.x attributes structure.
pub fn read_attributes(container: &Ttlv) -> Result<Vec<Attribute>, MessageError> {
    let context = if V1_CONTAINERS.contains(&container.tag) {
        "TemplateAttribute"
    } else if V2_CONTAINERS.contains(&container.tag) {
        "Attributes"
    } else {
        let found = tag_label(container.tag);
        return Err(MessageError::invalid_field(format!(
            "{found} is not an attribute container"
        )));
    };
    let mut f = Fields::any_tag(container, context, reason::INVALID_FIELD)?;
    let is_v1 = V1_CONTAINERS.contains(&container.tag);
    f.take_rest()
        .into_iter()
        .map(|item| match item.tag {
            tag::NAME if is_v1 => Err(MessageError::invalid_field(
                "templates are not supported: give the attributes in the request instead of a template Name",
            )),
            tag::ATTRIBUTE => read_attribute_structure(item),
            _ if is_v1 => Err(f.error(format_args!("unexpected field {}", tag_label(item.tag)))),
            _ => read_tagged(item),
        })
        .collect()
}

/// Reads a single attribute: a 1.x `Attribute`, a 2.x `NewAttribute` / `CurrentAttribute`
/// (or its content), or a vendor `Attribute`.
pub fn read_attribute(item: &Ttlv) -> Result<Attribute, MessageError> {
    match item.tag {
        tag::NEW_ATTRIBUTE | tag::CURRENT_ATTRIBUTE => match item.children() {
            [inner] if inner.tag == tag::ATTRIBUTE => read_attribute_structure(inner),
            [inner] => read_tagged(inner),
            _ => {
                let label = tag_label(item.tag);
                Err(MessageError::invalid_field(format!(
                    "{label} must hold exactly one attribute"
                )))
            }
        },
        tag::ATTRIBUTE => read_attribute_structure(item),
        _ => read_tagged(item),
    }
}

/// Reads an attribute name from a 1.x `AttributeName` or a 2.x `AttributeReference` (the
/// attribute's tag as an Enumeration, or `{VendorIdentification, AttributeName}`).
pub fn read_attribute_reference(item: &Ttlv) -> Result<String, MessageError> {
    match (item.tag, &item.value) {
        (tag::ATTRIBUTE_NAME, Value::TextString(name)) => Ok(name.clone()),
        (tag::ATTRIBUTE_REFERENCE, Value::Enumeration(t)) => {
            standard_name(*t).map(str::to_owned).ok_or_else(|| {
                MessageError::new(
                    reason::UNSUPPORTED_ATTRIBUTE,
                    format!("{} is not an attribute", tag_label(*t)),
                )
            })
        }
        (tag::ATTRIBUTE_REFERENCE, Value::Structure(_)) => {
            let mut f = Fields::any_tag(item, "AttributeReference", reason::INVALID_FIELD)?;
            let vendor = f.req_text(tag::VENDOR_IDENTIFICATION)?;
            let name = f.req_text(tag::ATTRIBUTE_NAME)?;
            f.finish()?;
            vendor_name(&vendor, &name)
        }
        _ => Err(MessageError::invalid_field(format!(
            "{} is not an attribute reference",
            tag_label(item.tag)
        ))),
    }
}

/// Writes one attribute in the form of `version` (see the module documentation).
pub fn write_attribute(attr: &Attribute, version: ProtocolVersion) -> Ttlv {
    let value = attr.value.value.clone();
    if !version.is_2x() {
        let mut c = vec![Ttlv::text(tag::ATTRIBUTE_NAME, attr.name.as_str())];
        c.extend(attr.index.map(|i| Ttlv::integer(tag::ATTRIBUTE_INDEX, i)));
        c.push(Ttlv::new(tag::ATTRIBUTE_VALUE, value));
        return Ttlv::structure(tag::ATTRIBUTE, c);
    }
    if let Some(t) = standard_tag(&attr.name) {
        return Ttlv::new(t, value);
    }
    match split_vendor(&attr.name) {
        Some((vendor, name)) => Ttlv::structure(
            tag::ATTRIBUTE,
            vec![
                Ttlv::text(tag::VENDOR_IDENTIFICATION, vendor),
                Ttlv::text(tag::ATTRIBUTE_NAME, name),
                Ttlv::new(tag::ATTRIBUTE_VALUE, value),
            ],
        ),
        None => attr.value.clone(),
    }
}

/// Writes `attrs` in the form of `version` inside a structure tagged `container_tag` (for 1.x
/// `TemplateAttribute`..., for 2.x `Attributes`...; see [`Container::tag`]).
pub fn write_attributes(attrs: &[Attribute], version: ProtocolVersion, container_tag: u32) -> Ttlv {
    Ttlv::structure(
        container_tag,
        attrs.iter().map(|a| write_attribute(a, version)).collect(),
    )
}

/// Writes a reference to attribute `name`: 1.x `AttributeName`, 2.x `AttributeReference`.
pub fn write_attribute_reference(
    name: &str,
    version: ProtocolVersion,
) -> Result<Ttlv, MessageError> {
    if !version.is_2x() {
        return Ok(Ttlv::text(tag::ATTRIBUTE_NAME, name));
    }
    if let Some(t) = standard_tag(name) {
        return Ok(Ttlv::enumeration(tag::ATTRIBUTE_REFERENCE, t));
    }
    let (vendor, rest) = split_vendor(name).ok_or_else(|| {
        MessageError::new(
            reason::UNSUPPORTED_ATTRIBUTE,
            format!("unknown attribute {name:?}"),
        )
    })?;
    Ok(Ttlv::structure(
        tag::ATTRIBUTE_REFERENCE,
        vec![
            Ttlv::text(tag::VENDOR_IDENTIFICATION, vendor),
            Ttlv::text(tag::ATTRIBUTE_NAME, rest),
        ],
    ))
}

/// Which group of attributes of a request or response payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Container {
    /// `TemplateAttribute` (1.x) / `Attributes` (2.x).
    Main,
    /// `CommonTemplateAttribute` / `CommonAttributes` (Create Key Pair, Re-key Key Pair).
    Common,
    /// `PrivateKeyTemplateAttribute` / `PrivateKeyAttributes`.
    PrivateKey,
    /// `PublicKeyTemplateAttribute` / `PublicKeyAttributes`.
    PublicKey,
}

impl Container {
    /// The container's tag in `version`.
    pub fn tag(self, version: ProtocolVersion) -> u32 {
        let (v1, v2) = self.tags();
        if version.is_2x() {
            v2
        } else {
            v1
        }
    }

    fn tags(self) -> (u32, u32) {
        match self {
            Self::Main => (tag::TEMPLATE_ATTRIBUTE, tag::ATTRIBUTES),
            Self::Common => (tag::COMMON_TEMPLATE_ATTRIBUTE, tag::COMMON_ATTRIBUTES),
            Self::PrivateKey => (
                tag::PRIVATE_KEY_TEMPLATE_ATTRIBUTE,
                tag::PRIVATE_KEY_ATTRIBUTES,
            ),
            Self::PublicKey => (
                tag::PUBLIC_KEY_TEMPLATE_ATTRIBUTE,
                tag::PUBLIC_KEY_ATTRIBUTES,
            ),
        }
    }
}

/// Reads the attributes of `container` in a payload, in whichever form it is (none: empty).
pub fn read_container(
    payload: &Ttlv,
    container: Container,
) -> Result<Vec<Attribute>, MessageError> {
    let (v1, v2) = container.tags();
    let mut found = payload
        .children()
        .iter()
        .filter(|c| c.tag == v1 || c.tag == v2);
    match (found.next(), found.next()) {
        (None, _) => Ok(Vec::new()),
        (Some(item), None) => read_attributes(item),
        (Some(item), Some(_)) => Err(MessageError::invalid_field(format!(
            "{} occurs more than once",
            tag_label(item.tag)
        ))),
    }
}

fn read_attribute_structure(item: &Ttlv) -> Result<Attribute, MessageError> {
    let mut f = Fields::new(item, tag::ATTRIBUTE, "Attribute", reason::INVALID_FIELD)?;
    let vendor = f.opt_text(tag::VENDOR_IDENTIFICATION)?;
    let name = f.req_text(tag::ATTRIBUTE_NAME)?;
    let index = f.opt_int(tag::ATTRIBUTE_INDEX)?;
    let value = f.req_item(tag::ATTRIBUTE_VALUE)?.value.clone();
    f.finish()?;
    if let Some(vendor) = vendor {
        let name = vendor_name(&vendor, &name)?;
        return Ok(Attribute {
            name,
            index,
            value: Ttlv::new(tag::ATTRIBUTE_VALUE, value),
        });
    }
    if let Some(spec) = spec_by_name(&name) {
        check_type(spec, &value)?;
        return Ok(Attribute {
            name,
            index,
            value: Ttlv::new(spec.tag, value),
        });
    }
    if let Some(t) = crate::dict::attribute_tag(&name) {
        return Ok(Attribute {
            name,
            index,
            value: Ttlv::new(t, value),
        });
    }
    if split_vendor(&name).is_some() {
        return Ok(Attribute {
            name,
            index,
            value: Ttlv::new(tag::ATTRIBUTE_VALUE, value),
        });
    }
    Err(MessageError::invalid_field(format!(
        "unknown attribute name {name:?}"
    )))
}

fn read_tagged(item: &Ttlv) -> Result<Attribute, MessageError> {
    if let Some(spec) = spec_by_tag(item.tag) {
        check_type(spec, &item.value)?;
        return Ok(Attribute::new(spec.name, item.clone()));
    }
    match crate::dict::attribute_name(item.tag) {
        Some(name) => Ok(Attribute::new(name, item.clone())),
        None => Err(MessageError::invalid_field(format!(
            "{} is not an attribute",
            tag_label(item.tag)
        ))),
    }
}

fn check_type(spec: &Spec, value: &Value) -> Result<(), MessageError> {
    if value.item_type() == spec.kind {
        return Ok(());
    }
    let (name, want, got) = (spec.name, spec.kind, value.item_type());
    Err(MessageError::invalid_field(format!(
        "attribute {name} must be {want}, not {got}"
    )))
}

/// `<vendor>-<name>`; the vendor identification may not contain `-`.
fn vendor_name(vendor: &str, name: &str) -> Result<String, MessageError> {
    // No vendor and a standard name: the standard attribute (PyKMIP writes 2.x attribute
    // references this way).
    if vendor.is_empty() && standard_tag(name).is_some() {
        return Ok(name.to_owned());
    }
    let joined = format!("{vendor}-{name}");
    match split_vendor(&joined) {
        Some((v, _)) if v == vendor => Ok(joined),
        _ => Err(MessageError::invalid_field(format!(
            "invalid vendor attribute {vendor:?} / {name:?}"
        ))),
    }
}

/// Splits `<vendor>-<name>`: a vendor identification of letters, digits, `_` and `.`, and a
/// non-empty name.
fn split_vendor(name: &str) -> Option<(&str, &str)> {
    let (vendor, rest) = name.split_once('-')?;
    let vendor_ok = !vendor.is_empty()
        && vendor
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    (vendor_ok && !rest.is_empty()).then_some((vendor, rest))
}

const V1_CONTAINERS: [u32; 4] = [
    tag::TEMPLATE_ATTRIBUTE,
    tag::COMMON_TEMPLATE_ATTRIBUTE,
    tag::PRIVATE_KEY_TEMPLATE_ATTRIBUTE,
    tag::PUBLIC_KEY_TEMPLATE_ATTRIBUTE,
];
const V2_CONTAINERS: [u32; 4] = [
    tag::ATTRIBUTES,
    tag::COMMON_ATTRIBUTES,
    tag::PRIVATE_KEY_ATTRIBUTES,
    tag::PUBLIC_KEY_ATTRIBUTES,
];

/// A standard attribute: 1.x name, tag, item type of its value.
struct Spec {
    name: &'static str,
    tag: u32,
    kind: ItemType,
}

fn spec_by_name(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.name == name)
}

fn spec_by_tag(tag: u32) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.tag == tag)
}

macro_rules! specs {
    ($($name:ident = $tag:literal : $kind:ident),* $(,)?) => {
        &[$(Spec { name: name::$name, tag: $tag, kind: ItemType::$kind }),*]
    };
}

/// The standard attributes of KMIP 1.0-2.1 (KMIP 1.4 section 3, KMIP 2.1 section 4).
const SPECS: &[Spec] = specs![
    UNIQUE_IDENTIFIER = 0x420094: TextString,
    NAME = 0x420053: Structure,
    OBJECT_TYPE = 0x420057: Enumeration,
    CRYPTOGRAPHIC_ALGORITHM = 0x420028: Enumeration,
    CRYPTOGRAPHIC_LENGTH = 0x42002A: Integer,
    CRYPTOGRAPHIC_PARAMETERS = 0x42002B: Structure,
    CRYPTOGRAPHIC_DOMAIN_PARAMETERS = 0x420029: Structure,
    CERTIFICATE_TYPE = 0x42001D: Enumeration,
    CERTIFICATE_LENGTH = 0x4200AD: Integer,
    X509_CERTIFICATE_IDENTIFIER = 0x4200B5: Structure,
    X509_CERTIFICATE_SUBJECT = 0x4200B7: Structure,
    X509_CERTIFICATE_ISSUER = 0x4200B6: Structure,
    CERTIFICATE_IDENTIFIER = 0x420014: Structure,
    CERTIFICATE_SUBJECT = 0x42001A: Structure,
    CERTIFICATE_ISSUER = 0x420015: Structure,
    DIGITAL_SIGNATURE_ALGORITHM = 0x4200AE: Enumeration,
    DIGEST = 0x420034: Structure,
    OPERATION_POLICY_NAME = 0x42005D: TextString,
    CRYPTOGRAPHIC_USAGE_MASK = 0x42002C: Integer,
    LEASE_TIME = 0x420049: Interval,
    USAGE_LIMITS = 0x420095: Structure,
    STATE = 0x42008D: Enumeration,
    INITIAL_DATE = 0x420039: DateTime,
    ACTIVATION_DATE = 0x420001: DateTime,
    PROCESS_START_DATE = 0x420067: DateTime,
    PROTECT_STOP_DATE = 0x420068: DateTime,
    DEACTIVATION_DATE = 0x42002F: DateTime,
    DESTROY_DATE = 0x420033: DateTime,
    COMPROMISE_OCCURRENCE_DATE = 0x420021: DateTime,
    COMPROMISE_DATE = 0x420020: DateTime,
    REVOCATION_REASON = 0x420081: Structure,
    ARCHIVE_DATE = 0x420005: DateTime,
    OBJECT_GROUP = 0x420056: TextString,
    FRESH = 0x4200A8: Boolean,
    LINK = 0x42004A: Structure,
    APPLICATION_SPECIFIC_INFORMATION = 0x420004: Structure,
    CONTACT_INFORMATION = 0x420022: TextString,
    LAST_CHANGE_DATE = 0x420048: DateTime,
    ALTERNATIVE_NAME = 0x4200BF: Structure,
    KEY_VALUE_PRESENT = 0x4200BB: Boolean,
    KEY_VALUE_LOCATION = 0x4200B8: Structure,
    ORIGINAL_CREATION_DATE = 0x4200BC: DateTime,
    RANDOM_NUMBER_GENERATOR = 0x4200DE: Structure,
    PKCS12_FRIENDLY_NAME = 0x4200FB: TextString,
    DESCRIPTION = 0x4200FC: TextString,
    COMMENT = 0x4200FD: TextString,
    SENSITIVE = 0x420120: Boolean,
    ALWAYS_SENSITIVE = 0x420121: Boolean,
    EXTRACTABLE = 0x420122: Boolean,
    NEVER_EXTRACTABLE = 0x420123: Boolean,
    KEY_FORMAT_TYPE = 0x420042: Enumeration,
    NIST_KEY_TYPE = 0x42013A: Enumeration,
    SHORT_UNIQUE_IDENTIFIER = 0x420136: ByteString,
    PROTECTION_LEVEL = 0x420145: Enumeration,
    PROTECTION_PERIOD = 0x420146: Interval,
    QUANTUM_SAFE = 0x420147: Boolean,
];

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests;
