//! The KMIP 1.0-2.1 dictionary: tags, enumerations, mask flags and attribute names, with the
//! names the OASIS test-case XML uses (CamelCase tags, enumeration names such as `SHA_256`).
//!
//! The tables follow the OASIS specifications (KMIP 1.0-1.4 section 9.1.3, KMIP 2.0/2.1
//! section 11): tag values, enumeration values, mask bits. Names are the specification's names
//! normalized as the KMIP Profiles XML/JSON encoding prescribes: brackets become spaces, a
//! non-word character followed by a letter and a lower-case letter becomes a space, other
//! non-word characters become `_`, leading digits of the first word move to its end, each
//! word is capitalized and the spaces are removed (`Pre-Active` → `PreActive`, `SHA-256` →
//! `SHA_256`, `3DES` → `DES3`, `IV/Counter/Nonce` → `IVCounterNonce`, `PKCS#1` → `PKCS_1`).
//!
//! Values that KMIP 2.x marks "(Reserved)" keep their 1.x names so that both protocol
//! generations decode. Extension values (tags 0x54XXXX, enumerations 0x8XXXXXXX) have no
//! names; [`tag_by_name`], [`enum_by_name`] and [`parse_mask`] accept them written in hex
//! (`0x540001`, `0x80000001`).
//!
//! The tables are static sorted slices; lookups by value use binary search.

use crate::ttlv::ItemType;

mod attributes;
mod enums;
mod masks;
mod tag_table;
pub mod tags;
pub mod values;

#[cfg(test)]
mod tests;

pub use enums::EnumDef;

/// The tag whose XML name is `name` (`"RequestMessage"` → 0x420078).
///
/// Also accepts a tag written in hex (`"0x540001"`, three bytes at most), as the XML encoding
/// does for tags without a name.
pub fn tag_by_name(name: &str) -> Option<u32> {
    if let Ok(i) = tag_table::BY_NAME.binary_search_by(|(n, _)| n.cmp(&name)) {
        return tag_table::BY_NAME.get(i).map(|(_, tag)| *tag);
    }
    parse_hex(name).filter(|tag| *tag <= 0x00FF_FFFF)
}

/// The XML name of `tag`.
pub fn tag_name(tag: u32) -> Option<&'static str> {
    tag_entry(tag).map(|(_, name, _)| *name)
}

/// The item type the specifications fix for items tagged `tag`, if there is exactly one.
///
/// `None` for unknown tags and for tags whose type depends on the context or the protocol
/// version (Attribute Value, Key Value, Key Material, Unique Identifier, ...).
pub fn item_type_of(tag: u32) -> Option<ItemType> {
    tag_entry(tag).and_then(|(_, _, ty)| *ty)
}

fn tag_entry(tag: u32) -> Option<&'static (u32, &'static str, Option<ItemType>)> {
    let i = tag_table::BY_TAG
        .binary_search_by(|(t, _, _)| t.cmp(&tag))
        .ok()?;
    tag_table::BY_TAG.get(i)
}

/// Whether the enumeration values of items tagged `tag` are tags (KMIP 2.x Attribute
/// Reference and Tag): their XML names are tag names (`<AttributeReference
/// type="Enumeration" value="State"/>` is 0x42008D).
pub fn enum_values_are_tags(tag: u32) -> bool {
    tag == tags::ATTRIBUTE_REFERENCE || tag == tags::TAG
}

/// The enumeration of items tagged `tag` (several tags can share one: Hashing Algorithm and
/// Mask Generator Hashing Algorithm). `None` for tags without an enumeration table, including
/// those whose values are tags (see [`enum_values_are_tags`]).
pub fn enumeration(tag: u32) -> Option<&'static EnumDef> {
    let i = enums::BY_TAG.binary_search_by(|(t, _)| t.cmp(&tag)).ok()?;
    enums::BY_TAG.get(i).map(|(_, def)| *def)
}

/// The value of enumeration `name` for items tagged `tag` (`(OBJECT_TYPE, "SymmetricKey")` → 2).
///
/// `name` may also be a value in hex (`"0x80000001"`, for extensions), accepted for any tag.
/// For tags whose values are tags ([`enum_values_are_tags`]) `name` is a tag name.
pub fn enum_by_name(tag: u32, name: &str) -> Option<u32> {
    if let Some(value) = parse_hex(name) {
        return Some(value);
    }
    if enum_values_are_tags(tag) {
        return tag_by_name(name);
    }
    let def = enumeration(tag)?;
    def.values
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(v, _)| *v)
        .or_else(|| {
            def.aliases
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| *v)
        })
}

/// The name of enumeration `value` for items tagged `tag`.
pub fn enum_name(tag: u32, value: u32) -> Option<&'static str> {
    if enum_values_are_tags(tag) {
        return tag_name(value);
    }
    let values = enumeration(tag)?.values;
    let i = values.binary_search_by(|(v, _)| v.cmp(&value)).ok()?;
    values.get(i).map(|(_, n)| *n)
}

/// For Integer items that are bit masks (Cryptographic Usage Mask, Storage Status Mask, ...):
/// the flag names and bits.
pub fn mask_flags(tag: u32) -> Option<&'static [(&'static str, u32)]> {
    let i = masks::BY_TAG.binary_search_by(|(t, _)| t.cmp(&tag)).ok()?;
    masks::BY_TAG.get(i).map(|(_, flags)| *flags)
}

/// Whether Integer items tagged `tag` are bit masks written as flag names in XML.
///
/// For an `<AttributeValue type="Integer">`, pass the tag of the attribute named by the
/// sibling Attribute Name ([`attribute_tag`]).
pub fn is_mask(tag: u32) -> bool {
    mask_flags(tag).is_some()
}

/// Other spellings accepted for mask flags: (mask tag, name, bit).
static MASK_ALIASES: &[(u32, &str, u32)] = &[(
    tags::STORAGE_STATUS_MASK,
    "OnlineStorage",
    values::storage_status_mask::ON_LINE_STORAGE,
)];

/// The value of a mask written as flag names separated by spaces or `|`
/// (`"Encrypt Decrypt"` → 0x0C). Tokens may also be numbers (`12`, `0x0C`).
///
/// `None` if `tag` is not a mask, the text has no token, or a token is unknown.
pub fn parse_mask(tag: u32, text: &str) -> Option<u32> {
    let flags = mask_flags(tag)?;
    let mut value = 0u32;
    let mut tokens = 0usize;
    for token in text.split(|c: char| c.is_ascii_whitespace() || c == '|') {
        if token.is_empty() {
            continue;
        }
        tokens += 1;
        let bits = flags
            .iter()
            .find(|(n, _)| *n == token)
            .map(|(_, b)| *b)
            .or_else(|| {
                MASK_ALIASES
                    .iter()
                    .find(|(t, n, _)| *t == tag && *n == token)
                    .map(|(_, _, b)| *b)
            })
            .or_else(|| parse_hex(token))
            .or_else(|| parse_decimal(token))?;
        value |= bits;
    }
    (tokens > 0).then_some(value)
}

/// A mask value as flag names separated by spaces, in bit order (`0x0C` → `"Encrypt
/// Decrypt"`); bits without a name are appended in hex and 0 is `"0"`.
///
/// `None` if `tag` is not a mask.
pub fn format_mask(tag: u32, value: u32) -> Option<String> {
    let flags = mask_flags(tag)?;
    if value == 0 {
        return Some("0".to_owned());
    }
    let mut parts: Vec<String> = Vec::new();
    let mut rest = value;
    for (name, bit) in flags {
        if value & bit == *bit {
            parts.push((*name).to_owned());
            rest &= !bit;
        }
    }
    if rest != 0 {
        parts.push(format!("0x{rest:08X}"));
    }
    Some(parts.join(" "))
}

/// Whether an Attribute Name is a custom (client `x-`, server `y-`) attribute: such
/// attributes have no tag.
pub fn is_custom_attribute_name(attribute_name: &str) -> bool {
    attribute_name.starts_with("x-") || attribute_name.starts_with("y-")
}

/// The tag of a KMIP 1.x attribute name (`"Cryptographic Algorithm"` → 0x420028).
///
/// Also knows the KMIP 2.x attributes by their tag's specification name (`"Key Format Type"`,
/// `"Protection Level"`, ...). `None` for custom attributes (`x-...`, `y-...`) and unknown
/// names.
pub fn attribute_tag(attribute_name: &str) -> Option<u32> {
    if is_custom_attribute_name(attribute_name) {
        return None;
    }
    let i = attributes::BY_NAME
        .binary_search_by(|(n, _)| n.cmp(&attribute_name))
        .ok()?;
    attributes::BY_NAME.get(i).map(|(_, tag)| *tag)
}

/// The KMIP 1.x attribute name of a tag (inverse of [`attribute_tag`]).
pub fn attribute_name(tag: u32) -> Option<&'static str> {
    let i = attributes::BY_TAG
        .binary_search_by(|(t, _)| t.cmp(&tag))
        .ok()?;
    attributes::BY_TAG.get(i).map(|(_, name)| *name)
}

/// `0x` or `0X` followed by 1 to 8 hex digits.
fn parse_hex(text: &str) -> Option<u32> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))?;
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// 1 to 10 decimal digits that fit in a u32.
fn parse_decimal(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}
