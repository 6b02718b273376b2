//! The KMIP 1.0-2.1 dictionary: tags, enumerations, mask flags and attribute names, with the
//! names the OASIS test-case XML uses (CamelCase tags, enumeration names such as `SHA_256`).

/// Tag constants (`tags::REQUEST_MESSAGE` = 0x420078, ...).
pub mod tags {}

/// The tag whose XML name is `name` (`"RequestMessage"` → 0x420078).
pub fn tag_by_name(name: &str) -> Option<u32> {
    let _ = name;
    None
}

/// The XML name of `tag`.
pub fn tag_name(tag: u32) -> Option<&'static str> {
    let _ = tag;
    None
}

/// The value of enumeration `name` for items tagged `tag` (`(OBJECT_TYPE, "SymmetricKey")` → 2).
pub fn enum_by_name(tag: u32, name: &str) -> Option<u32> {
    let _ = (tag, name);
    None
}

/// The name of enumeration `value` for items tagged `tag`.
pub fn enum_name(tag: u32, value: u32) -> Option<&'static str> {
    let _ = (tag, value);
    None
}

/// For Integer items that are bit masks (Cryptographic Usage Mask, Storage Status Mask, ...):
/// the flag names and bits.
pub fn mask_flags(tag: u32) -> Option<&'static [(&'static str, u32)]> {
    let _ = tag;
    None
}

/// The tag of a KMIP 1.x attribute name (`"Cryptographic Algorithm"` → 0x420028).
pub fn attribute_tag(attribute_name: &str) -> Option<u32> {
    let _ = attribute_name;
    None
}

/// The KMIP 1.x attribute name of a tag (inverse of [`attribute_tag`]).
pub fn attribute_name(tag: u32) -> Option<&'static str> {
    let _ = tag;
    None
}
