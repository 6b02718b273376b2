#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The KMIP Profiles name normalization, written independently of the tables to cross-check
/// them against specification names.
fn normalize(spec: &str) -> String {
    let chars: Vec<char> = spec
        .chars()
        .map(|c| if c == '(' || c == ')' { ' ' } else { c })
        .collect();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut s = String::new();
    for (i, c) in chars.iter().enumerate() {
        let next1 = chars.get(i + 1).copied();
        let next2 = chars.get(i + 2).copied();
        if !word(*c)
            && next1.is_some_and(|n| n.is_ascii_alphabetic())
            && next2.is_some_and(|n| n.is_ascii_lowercase())
        {
            s.push(' ');
        } else if !word(*c) && *c != ' ' {
            s.push('_');
        } else {
            s.push(*c);
        }
    }
    let mut out = String::new();
    for (i, w) in s.split(' ').enumerate() {
        let w = if i == 0 {
            let digits: String = w.chars().take_while(char::is_ascii_digit).collect();
            format!("{}{}", &w[digits.len()..], digits)
        } else {
            w.to_owned()
        };
        let mut cs = w.chars();
        if let Some(first) = cs.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(cs);
        }
    }
    out
}

#[test]
fn normalization_examples() {
    for (spec, xml) in [
        ("Pre-Active", "PreActive"),
        ("SHA-256", "SHA_256"),
        ("3DES", "DES3"),
        ("IV/Counter/Nonce", "IVCounterNonce"),
        ("PKCS#1", "PKCS_1"),
        ("X.509", "X_509"),
        ("HMAC-SHA256", "HMAC_SHA256"),
        ("ANSI X9.31", "ANSIX9_31"),
        ("Re-key Key Pair", "ReKeyKeyPair"),
        ("Common Template-Attribute", "CommonTemplateAttribute"),
        ("Polynomial Sharing GF (2^16)", "PolynomialSharingGF2_16"),
        ("MAC/sign then encrypt", "MACSignThenEncrypt"),
    ] {
        assert_eq!(normalize(spec), xml, "{spec}");
    }
}

#[test]
fn tag_tables_are_sorted_unique_and_consistent() {
    let by_tag = tag_table::BY_TAG;
    assert!(by_tag.len() > 360, "{}", by_tag.len());
    for w in by_tag.windows(2) {
        assert!(w[0].0 < w[1].0, "tag table not sorted at 0x{:06X}", w[1].0);
    }
    for w in tag_table::BY_NAME.windows(2) {
        assert!(w[0].0 < w[1].0, "name table not sorted at {}", w[1].0);
    }
    assert_eq!(by_tag.len(), tag_table::BY_NAME.len());
    let names: BTreeSet<&str> = by_tag.iter().map(|(_, n, _)| *n).collect();
    assert_eq!(names.len(), by_tag.len(), "duplicate XML names");
    for (tag, name, _) in by_tag {
        assert!((0x42_0001..=0x42_FFFF).contains(tag), "0x{tag:06X}");
        assert!(name.starts_with(|c: char| c.is_ascii_uppercase()), "{name}");
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{name}"
        );
        assert_eq!(tag_by_name(name), Some(*tag), "{name}");
        assert_eq!(tag_name(*tag), Some(*name));
    }
    for (name, tag) in tag_table::BY_NAME {
        assert_eq!(tag_name(*tag), Some(*name));
    }
    // KMIP 1.0 to 2.1 tags are contiguous from 0x420001 to 0x420176 except for the two
    // values 2.0 reserved (0x42013E, 0x42013F).
    let expected: Vec<u32> = (0x42_0001..=0x42_0176)
        .filter(|t| *t != 0x42_013E && *t != 0x42_013F)
        .collect();
    let actual: Vec<u32> = by_tag.iter().map(|(t, _, _)| *t).collect();
    assert_eq!(actual, expected);
}

#[test]
fn tag_spot_checks() {
    let checks: &[(&str, u32)] = &[
        ("ActivationDate", 0x42_0001),
        ("AttributeName", 0x42_000A),
        ("AttributeValue", 0x42_000B),
        ("BatchCount", 0x42_000D),
        ("BatchItem", 0x42_000F),
        ("CommonTemplateAttribute", 0x42_001F),
        ("CRTCoefficient", 0x42_0027),
        ("CryptographicAlgorithm", 0x42_0028),
        ("CryptographicLength", 0x42_002A),
        ("CryptographicUsageMask", 0x42_002C),
        ("IVCounterNonce", 0x42_003D),
        ("KeyBlock", 0x42_0040),
        ("KeyFormatType", 0x42_0042),
        ("KeyMaterial", 0x42_0043),
        ("KeyValue", 0x42_0045),
        ("MACSignature", 0x42_004D),
        ("Name", 0x42_0053),
        ("ObjectType", 0x42_0057),
        ("Operation", 0x42_005C),
        ("ProtocolVersion", 0x42_0069),
        ("ProtocolVersionMajor", 0x42_006A),
        ("ProtocolVersionMinor", 0x42_006B),
        ("RequestHeader", 0x42_0077),
        ("RequestMessage", 0x42_0078),
        ("RequestPayload", 0x42_0079),
        ("ResponseHeader", 0x42_007A),
        ("ResponseMessage", 0x42_007B),
        ("ResponsePayload", 0x42_007C),
        ("ResultMessage", 0x42_007D),
        ("ResultReason", 0x42_007E),
        ("ResultStatus", 0x42_007F),
        ("KeyRoleType", 0x42_0083),
        ("State", 0x42_008D),
        ("SymmetricKey", 0x42_008F),
        ("TemplateAttribute", 0x42_0091),
        ("TimeStamp", 0x42_0092),
        ("UniqueBatchItemID", 0x42_0093),
        ("UniqueIdentifier", 0x42_0094),
        ("Password", 0x42_00A1),
        ("X_509CertificateIdentifier", 0x42_00B5),
        ("AttestationCapableIndicator", 0x42_00D3),
        ("CapabilityInformation", 0x42_00F7),
        ("KeyWrapType", 0x42_00F8),
        ("PKCS_12FriendlyName", 0x42_00FB),
        ("PSource", 0x42_0103),
        ("ReplaceExisting", 0x42_0124),
        ("Attributes", 0x42_0125),
        ("AttributeReference", 0x42_013B),
        ("CertificateRequestValue", 0x42_0140),
        ("LogMessage", 0x42_0141),
        ("InteropFunction", 0x42_0160),
        ("InteropIdentifier", 0x42_0161),
        ("PublicProtectionStorageMasks", 0x42_0165),
        ("ObjectGroups", 0x42_0166),
        ("AsynchronousCorrelationValues", 0x42_0176),
    ];
    for (name, tag) in checks {
        assert_eq!(tag_by_name(name), Some(*tag), "{name}");
        assert_eq!(tag_name(*tag), Some(*name), "0x{tag:06X}");
    }
    assert_eq!(tags::REQUEST_MESSAGE, 0x42_0078);
    assert_eq!(tags::RESPONSE_MESSAGE, 0x42_007B);
    assert_eq!(tags::BATCH_ITEM, 0x42_000F);
    assert_eq!(tags::OPERATION, 0x42_005C);
    assert_eq!(tags::UNIQUE_IDENTIFIER, 0x42_0094);
    assert_eq!(tags::X_509_CERTIFICATE_IDENTIFIER, 0x42_00B5);
    assert_eq!(tags::IV_COUNTER_NONCE, 0x42_003D);
    assert_eq!(tags::PKCS_12_FRIENDLY_NAME, 0x42_00FB);
    assert_eq!(tags::TEMPLATE_ATTRIBUTE, 0x42_0091);
}

#[test]
fn tag_names_in_hex_and_unknown() {
    assert_eq!(tag_by_name("0x540001"), Some(0x54_0001));
    assert_eq!(tag_by_name("0X42000F"), Some(0x42_000F));
    assert_eq!(tag_by_name("0x1000000"), None);
    assert_eq!(tag_by_name("0x"), None);
    assert_eq!(tag_by_name("0x+1"), None);
    assert_eq!(tag_by_name("requestMessage"), None);
    assert_eq!(tag_by_name(""), None);
    assert_eq!(tag_name(0x54_0001), None);
    assert_eq!(tag_name(0x42_0000), None);
    assert_eq!(tag_name(0x42_013E), None);
    assert_eq!(item_type_of(0x54_0001), None);
}

#[test]
fn item_types() {
    assert_eq!(
        item_type_of(tags::REQUEST_MESSAGE),
        Some(ItemType::Structure)
    );
    assert_eq!(item_type_of(tags::BATCH_COUNT), Some(ItemType::Integer));
    assert_eq!(item_type_of(tags::OPERATION), Some(ItemType::Enumeration));
    assert_eq!(item_type_of(tags::TIME_STAMP), Some(ItemType::DateTime));
    assert_eq!(
        item_type_of(tags::USAGE_LIMITS_TOTAL),
        Some(ItemType::LongInteger)
    );
    assert_eq!(item_type_of(tags::MODULUS), Some(ItemType::BigInteger));
    assert_eq!(item_type_of(tags::LEASE_TIME), Some(ItemType::Interval));
    assert_eq!(
        item_type_of(tags::BATCH_ORDER_OPTION),
        Some(ItemType::Boolean)
    );
    assert_eq!(
        item_type_of(tags::ATTRIBUTE_NAME),
        Some(ItemType::TextString)
    );
    assert_eq!(
        item_type_of(tags::IV_COUNTER_NONCE),
        Some(ItemType::ByteString)
    );
    // Context- or version-dependent.
    assert_eq!(item_type_of(tags::ATTRIBUTE_VALUE), None);
    assert_eq!(item_type_of(tags::KEY_VALUE), None);
    assert_eq!(item_type_of(tags::UNIQUE_IDENTIFIER), None);
    assert_eq!(item_type_of(tags::ASYNCHRONOUS_INDICATOR), None);
    // Every tag with an enumeration table is Enumeration-typed (or varies).
    for (tag, _) in enums::BY_TAG {
        let ty = item_type_of(*tag);
        assert!(
            ty.is_none() || ty == Some(ItemType::Enumeration),
            "0x{tag:06X}"
        );
    }
    for (tag, _) in masks::BY_TAG {
        assert_eq!(item_type_of(*tag), Some(ItemType::Integer), "0x{tag:06X}");
    }
}

#[test]
fn enum_tables_are_sorted_unique_and_round_trip() {
    for w in enums::BY_TAG.windows(2) {
        assert!(w[0].0 < w[1].0, "enum map not sorted at 0x{:06X}", w[1].0);
    }
    assert!(enums::BY_TAG.len() >= 60, "{}", enums::BY_TAG.len());
    for (tag, def) in enums::BY_TAG {
        assert!(tag_name(*tag).is_some(), "0x{tag:06X} unknown");
        assert!(!enum_values_are_tags(*tag));
        for w in def.values.windows(2) {
            assert!(w[0].0 < w[1].0, "{}: not sorted at {}", def.name, w[1].1);
        }
        let names: BTreeSet<&str> = def.values.iter().map(|(_, n)| *n).collect();
        assert_eq!(
            names.len(),
            def.values.len(),
            "{}: duplicate names",
            def.name
        );
        for (value, name) in def.values {
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{name}"
            );
            assert!(
                *value < 0x8000_0000,
                "{}: {name} is an extension value",
                def.name
            );
            assert_eq!(
                enum_by_name(*tag, name),
                Some(*value),
                "{}: {name}",
                def.name
            );
            assert_eq!(
                enum_name(*tag, *value),
                Some(*name),
                "{}: {value}",
                def.name
            );
        }
        for (alias, value) in def.aliases {
            assert!(
                !names.contains(alias),
                "{}: alias {alias} is a name",
                def.name
            );
            assert!(
                enum_name(*tag, *value).is_some(),
                "{}: alias {alias}",
                def.name
            );
            assert_eq!(enum_by_name(*tag, alias), Some(*value));
        }
        assert_eq!(enum_by_name(*tag, "NoSuchValue"), None);
        assert_eq!(enum_by_name(*tag, "0x80000001"), Some(0x8000_0001));
    }
}

#[test]
fn enum_spot_checks() {
    use values::*;
    let checks: &[(u32, &str, u32)] = &[
        (tags::OPERATION, "Create", 0x01),
        (tags::OPERATION, "CreateKeyPair", 0x02),
        (tags::OPERATION, "ReKey", 0x04),
        (tags::OPERATION, "Get", 0x0A),
        (tags::OPERATION, "GetAttributes", 0x0B),
        (tags::OPERATION, "Destroy", 0x14),
        (tags::OPERATION, "Query", 0x18),
        (tags::OPERATION, "DiscoverVersions", 0x1E),
        (tags::OPERATION, "Encrypt", 0x1F),
        (tags::OPERATION, "MACVerify", 0x24),
        (tags::OPERATION, "RNGRetrieve", 0x25),
        (tags::OPERATION, "JoinSplitKey", 0x29),
        (tags::OPERATION, "Export", 0x2B),
        (tags::OPERATION, "Log", 0x2C),
        (tags::OPERATION, "SetAttribute", 0x31),
        (tags::OPERATION, "Interop", 0x34),
        (tags::OPERATION, "ReProvision", 0x35),
        (tags::OPERATION, "Ping", 0x3B),
        (tags::OBJECT_TYPE, "Certificate", 1),
        (tags::OBJECT_TYPE, "SymmetricKey", 2),
        (tags::OBJECT_TYPE, "Template", 6),
        (tags::OBJECT_TYPE, "OpaqueObject", 8),
        (tags::OBJECT_TYPE, "PGPKey", 9),
        (tags::OBJECT_TYPE, "CertificateRequest", 0x0A),
        (tags::CRYPTOGRAPHIC_ALGORITHM, "DES3", 2),
        (tags::CRYPTOGRAPHIC_ALGORITHM, "AES", 3),
        (tags::CRYPTOGRAPHIC_ALGORITHM, "RSA", 4),
        (tags::CRYPTOGRAPHIC_ALGORITHM, "HMAC_SHA256", 9),
        (tags::CRYPTOGRAPHIC_ALGORITHM, "EC", 0x1A),
        (tags::CRYPTOGRAPHIC_ALGORITHM, "ChaCha20Poly1305", 0x1E),
        (tags::CRYPTOGRAPHIC_ALGORITHM, "Ed448", 0x38),
        (tags::STATE, "PreActive", 1),
        (tags::STATE, "Active", 2),
        (tags::STATE, "DestroyedCompromised", 6),
        (tags::RESULT_STATUS, "Success", 0),
        (tags::RESULT_STATUS, "OperationUndone", 3),
        (tags::RESULT_REASON, "ItemNotFound", 1),
        (tags::RESULT_REASON, "PermissionDenied", 0x0C),
        (tags::RESULT_REASON, "AttributeSingleValued", 0x23),
        (tags::RESULT_REASON, "ObjectNotFound", 0x37),
        (tags::RESULT_REASON, "WrongKeyLifecycleState", 0x43),
        (tags::RESULT_REASON, "GeneralFailure", 0x100),
        (tags::KEY_FORMAT_TYPE, "Raw", 1),
        (tags::KEY_FORMAT_TYPE, "PKCS_1", 3),
        (tags::KEY_FORMAT_TYPE, "X_509", 5),
        (tags::KEY_FORMAT_TYPE, "TransparentSymmetricKey", 7),
        (tags::KEY_FORMAT_TYPE, "TransparentRSAPrivateKey", 0x0A),
        (tags::KEY_FORMAT_TYPE, "PKCS_12", 0x16),
        (tags::HASHING_ALGORITHM, "SHA_1", 4),
        (tags::HASHING_ALGORITHM, "SHA_256", 6),
        (tags::HASHING_ALGORITHM, "SHA_512", 8),
        (tags::HASHING_ALGORITHM, "SHA3_256", 0x0F),
        (tags::MASK_GENERATOR_HASHING_ALGORITHM, "SHA_384", 7),
        (tags::MASK_GENERATOR, "MGF1", 1),
        (tags::BLOCK_CIPHER_MODE, "CBC", 1),
        (tags::BLOCK_CIPHER_MODE, "GCM", 9),
        (tags::BLOCK_CIPHER_MODE, "NISTKeyWrap", 0x0D),
        (tags::PADDING_METHOD, "OAEP", 2),
        (tags::PADDING_METHOD, "PKCS5", 3),
        (tags::PADDING_METHOD, "PSS", 0x0A),
        (tags::LINK_TYPE, "PublicKeyLink", 0x102),
        (tags::LINK_TYPE, "PKCS_12PasswordLink", 0x10D),
        (tags::NAME_TYPE, "UninterpretedTextString", 1),
        (tags::RNG_ALGORITHM, "ANSIX9_31", 5),
        (tags::REVOCATION_REASON_CODE, "KeyCompromise", 2),
        (tags::QUERY_FUNCTION, "QueryServerInformation", 3),
        (tags::VALIDITY_INDICATOR, "Invalid", 2),
        (tags::WRAPPING_METHOD, "Encrypt", 1),
        (tags::SECRET_DATA_TYPE, "Password", 1),
        (tags::CERTIFICATE_TYPE, "X_509", 1),
        (tags::BATCH_ERROR_CONTINUATION_OPTION, "Undo", 3),
        (tags::USAGE_LIMITS_UNIT, "Byte", 1),
        (tags::INTEROP_FUNCTION, "Begin", 1),
        (tags::INTEROP_FUNCTION, "Reset", 3),
        (tags::UNIQUE_IDENTIFIER, "IDPlaceholder", 1),
        (tags::RECOMMENDED_CURVE, "P_256", 7),
        (tags::RECOMMENDED_CURVE, "CURVE25519", 0x45),
        (tags::PROFILE_NAME, "BaselineServerBasicKMIPV1_2", 1),
        (tags::PROFILE_NAME, "XMLServerKMIPV1_4", 0x9C),
        (tags::PROFILE_NAME, "CompleteServer", 0x12C),
    ];
    for (tag, name, value) in checks {
        assert_eq!(enum_by_name(*tag, name), Some(*value), "{name}");
        assert_eq!(enum_name(*tag, *value), Some(*name), "{name}");
    }
    assert_eq!(operation::CREATE, 1);
    assert_eq!(operation::GET, 0x0A);
    assert_eq!(operation::DESTROY, 0x14);
    assert_eq!(object_type::SYMMETRIC_KEY, 2);
    assert_eq!(cryptographic_algorithm::DES3, 2);
    assert_eq!(cryptographic_algorithm::AES, 3);
    assert_eq!(state::PRE_ACTIVE, 1);
    assert_eq!(result_reason::ITEM_NOT_FOUND, 1);
    assert_eq!(key_format_type::RAW, 1);
    assert_eq!(key_format_type::TRANSPARENT_SYMMETRIC_KEY, 7);
    // Aliases and hex extension values.
    assert_eq!(
        enum_by_name(tags::HASHING_ALGORITHM, "SHA_3_256"),
        Some(0x0F)
    );
    assert_eq!(
        enum_by_name(tags::RESULT_REASON, "NotAuthorized"),
        Some(0x39)
    );
    assert_eq!(
        enum_by_name(tags::OPAQUE_DATA_TYPE, "0x80000001"),
        Some(0x8000_0001)
    );
    assert_eq!(
        enum_by_name(tags::OPAQUE_DATA_TYPE, "0x80123456"),
        Some(0x8012_3456)
    );
    assert_eq!(enum_by_name(tags::OPAQUE_DATA_TYPE, "Opaque"), None);
    assert_eq!(enum_by_name(0x54_0001, "0x00000002"), Some(2));
    assert_eq!(enum_by_name(tags::OBJECT_TYPE, "0x123456789"), None);
    assert_eq!(enum_name(tags::OBJECT_TYPE, 0x8000_0001), None);
    assert_eq!(enum_name(tags::BATCH_COUNT, 1), None);
}

#[test]
fn tag_valued_enumerations() {
    assert_eq!(
        enum_by_name(tags::ATTRIBUTE_REFERENCE, "State"),
        Some(tags::STATE)
    );
    assert_eq!(
        enum_by_name(tags::ATTRIBUTE_REFERENCE, "CryptographicUsageMask"),
        Some(tags::CRYPTOGRAPHIC_USAGE_MASK)
    );
    assert_eq!(
        enum_name(tags::ATTRIBUTE_REFERENCE, tags::NAME),
        Some("Name")
    );
    assert_eq!(enum_name(tags::TAG, tags::OBJECT_TYPE), Some("ObjectType"));
    assert_eq!(enum_by_name(tags::TAG, "0x540001"), Some(0x54_0001));
    assert_eq!(enum_by_name(tags::ATTRIBUTE_REFERENCE, "NoSuchTag"), None);
    assert!(enumeration(tags::ATTRIBUTE_REFERENCE).is_none());
}

#[test]
fn masks() {
    for (tag, flags) in masks::BY_TAG {
        assert_eq!(mask_flags(*tag), Some(*flags));
        assert!(is_mask(*tag));
        let mut all = 0u32;
        let mut names = BTreeSet::new();
        for (name, bit) in *flags {
            assert!(bit.is_power_of_two(), "{name}");
            assert_eq!(all & bit, 0, "{name}: bit used twice");
            assert!(names.insert(*name), "{name}: name used twice");
            all |= bit;
            assert_eq!(parse_mask(*tag, name), Some(*bit));
            assert_eq!(format_mask(*tag, *bit).as_deref(), Some(*name));
        }
        let text = format_mask(*tag, all).unwrap();
        assert_eq!(parse_mask(*tag, &text), Some(all));
    }
    let cum = tags::CRYPTOGRAPHIC_USAGE_MASK;
    assert_eq!(parse_mask(cum, "Encrypt Decrypt"), Some(0x0C));
    assert_eq!(parse_mask(cum, "Decrypt Encrypt"), Some(0x0C));
    assert_eq!(
        parse_mask(cum, "Encrypt Decrypt MACGenerate MACVerify"),
        Some(0x18C)
    );
    assert_eq!(parse_mask(cum, "Sign|Verify"), Some(3));
    assert_eq!(parse_mask(cum, "Sign 0x00100000"), Some(0x10_0001));
    assert_eq!(parse_mask(cum, "12"), Some(12));
    assert_eq!(parse_mask(cum, "CertificateSign CRLSign"), Some(0x3000));
    assert_eq!(parse_mask(cum, "ContentCommitment"), Some(0x400));
    assert_eq!(parse_mask(cum, "FPEDecrypt"), Some(0x80_0000));
    assert_eq!(parse_mask(cum, "Encrypt Bogus"), None);
    assert_eq!(parse_mask(cum, "  "), None);
    assert_eq!(parse_mask(tags::BATCH_COUNT, "Encrypt"), None);
    assert_eq!(format_mask(cum, 0x0C).as_deref(), Some("Encrypt Decrypt"));
    assert_eq!(format_mask(cum, 0).as_deref(), Some("0"));
    assert_eq!(
        format_mask(cum, 0x0100_0001).as_deref(),
        Some("Sign 0x01000000")
    );
    assert_eq!(format_mask(tags::BATCH_COUNT, 1), None);
    let ssm = tags::STORAGE_STATUS_MASK;
    assert_eq!(parse_mask(ssm, "OnLineStorage ArchivalStorage"), Some(3));
    assert_eq!(parse_mask(ssm, "OnlineStorage"), Some(1));
    assert_eq!(parse_mask(ssm, "DestroyedStorage"), Some(4));
    let psm = tags::PROTECTION_STORAGE_MASK;
    assert_eq!(parse_mask(psm, "Software Hardware"), Some(3));
    assert_eq!(parse_mask(psm, "SameJurisdiction"), Some(0x2000));
    assert_eq!(values::cryptographic_usage_mask::MAC_GENERATE, 0x80);
    assert_eq!(values::cryptographic_usage_mask::TRANSLATE_UNWRAP, 0x8_0000);
}

#[test]
fn attributes() {
    for w in attributes::BY_NAME.windows(2) {
        assert!(w[0].0 < w[1].0, "not sorted at {}", w[1].0);
    }
    for w in attributes::BY_TAG.windows(2) {
        assert!(w[0].0 < w[1].0, "not sorted at 0x{:06X}", w[1].0);
    }
    assert_eq!(attributes::BY_NAME.len(), attributes::BY_TAG.len());
    for (name, tag) in attributes::BY_NAME {
        assert_eq!(attribute_tag(name), Some(*tag), "{name}");
        assert_eq!(attribute_name(*tag), Some(*name), "{name}");
        // The XML tag name is the normalized attribute name.
        assert_eq!(tag_name(*tag), Some(normalize(name).as_str()), "{name}");
    }
    let checks: &[(&str, u32)] = &[
        ("Unique Identifier", tags::UNIQUE_IDENTIFIER),
        ("Name", tags::NAME),
        ("Object Type", tags::OBJECT_TYPE),
        ("Cryptographic Algorithm", 0x42_0028),
        ("Cryptographic Length", 0x42_002A),
        ("Cryptographic Usage Mask", 0x42_002C),
        ("X.509 Certificate Identifier", 0x42_00B5),
        ("Operation Policy Name", 0x42_005D),
        ("Lease Time", 0x42_0049),
        ("State", 0x42_008D),
        ("Initial Date", 0x42_0039),
        ("Activation Date", 0x42_0001),
        ("Compromise Date", 0x42_0020),
        ("Compromise Occurrence Date", 0x42_0021),
        ("Revocation Reason", 0x42_0081),
        ("Object Group", 0x42_0056),
        ("Fresh", 0x42_00A8),
        ("Link", 0x42_004A),
        ("Last Change Date", 0x42_0048),
        ("Custom Attribute", 0x42_002D),
        ("Alternative Name", 0x42_00BF),
        ("Original Creation Date", 0x42_00BC),
        ("Random Number Generator", 0x42_00DE),
        ("PKCS#12 Friendly Name", 0x42_00FB),
        ("Description", 0x42_00FC),
        ("Comment", 0x42_00FD),
        ("Sensitive", 0x42_0120),
        ("Never Extractable", 0x42_0123),
        ("Key Format Type", 0x42_0042),
    ];
    for (name, tag) in checks {
        assert_eq!(attribute_tag(name), Some(*tag), "{name}");
    }
    assert_eq!(attribute_tag("x-Barcode"), None);
    assert_eq!(attribute_tag("y-Server"), None);
    assert_eq!(attribute_tag("x-State"), None);
    assert_eq!(attribute_tag("state"), None);
    assert_eq!(attribute_tag("ID"), None);
    assert!(is_custom_attribute_name("x-ID"));
    assert!(!is_custom_attribute_name("Name"));
    assert_eq!(attribute_name(tags::REQUEST_MESSAGE), None);
}

// ---------------------------------------------------------------------------------------------
// The OASIS test vectors: every element name, Enumeration value and symbolic mask must resolve.

struct Element {
    name: String,
    ty: Option<String>,
    value: Option<String>,
    self_closing: bool,
}

/// A minimal scan of the test-case XML (elements with `type` and `value` attributes only).
fn scan(text: &str) -> Vec<Result<Element, String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").expect("unterminated comment");
            rest = &rest[end + 3..];
            continue;
        }
        let end = rest.find('>').expect("unterminated tag");
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            out.push(Err(name.trim().to_owned()));
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
        let attr = |key: &str| {
            let pat = format!("{key}=\"");
            let at = tag.find(&pat)? + pat.len();
            let len = tag[at..].find('"')?;
            Some(tag[at..at + len].to_owned())
        };
        out.push(Ok(Element {
            name: tag[..name_end].to_owned(),
            ty: attr("type"),
            value: attr("value"),
            self_closing,
        }));
    }
    out
}

fn vector_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("KEYHAVEN_KMIP_VECTORS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/kmip-test-vectors"),
        PathBuf::from,
    );
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "KMIP test vectors not found at {}",
        dir.display()
    );
    println!("skipped: KMIP test vectors not found at {}", dir.display());
    None
}

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            xml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "xml") {
            out.push(path);
        }
    }
}

fn type_name(ty: ItemType) -> &'static str {
    match ty {
        ItemType::Structure => "Structure",
        ItemType::Integer => "Integer",
        ItemType::LongInteger => "LongInteger",
        ItemType::BigInteger => "BigInteger",
        ItemType::Enumeration => "Enumeration",
        ItemType::Boolean => "Boolean",
        ItemType::TextString => "TextString",
        ItemType::ByteString => "ByteString",
        ItemType::DateTime => "DateTime",
        ItemType::Interval => "Interval",
        ItemType::DateTimeExtended => "DateTimeExtended",
    }
}

#[test]
fn test_vectors_resolve() {
    let Some(dir) = vector_dir() else { return };
    let mut files = Vec::new();
    xml_files(&dir, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no XML files under {}", dir.display());

    let mut errors = BTreeSet::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let short = file
            .strip_prefix(&dir)
            .unwrap_or(file)
            .display()
            .to_string();
        // Stack of open elements: (name, last Attribute Name seen among its children).
        let mut stack: Vec<(String, Option<String>)> = Vec::new();
        for item in scan(&text) {
            let el = match item {
                Err(closing) => {
                    let (open, _) = stack.pop().expect("unbalanced XML");
                    assert_eq!(open, closing, "{short}");
                    continue;
                }
                Ok(el) => el,
            };
            if el.name == "KMIP" {
                if !el.self_closing {
                    stack.push((el.name, None));
                }
                continue;
            }
            *counts.entry("elements").or_default() += 1;
            let Some(tag) = tag_by_name(&el.name) else {
                errors.insert(format!("{short}: unknown element {}", el.name));
                continue;
            };
            // The tag that gives an Attribute Value its meaning.
            let mut value_tag = tag;
            if tag == tags::ATTRIBUTE_VALUE {
                let attr_name = stack.last().and_then(|(_, n)| n.clone());
                match attr_name.as_deref().and_then(attribute_tag) {
                    Some(t) => value_tag = t,
                    None => value_tag = 0,
                }
            }
            if tag == tags::ATTRIBUTE_NAME {
                if let Some(top) = stack.last_mut() {
                    top.1.clone_from(&el.value);
                }
            }
            match (&el.ty, item_type_of(value_tag)) {
                (Some(ty), Some(fixed)) if ty != type_name(fixed) => {
                    errors.insert(format!("{short}: {} is {ty}, expected {fixed:?}", el.name));
                }
                (None, Some(fixed)) if fixed != ItemType::Structure => {
                    errors.insert(format!(
                        "{short}: {} is a structure, expected {fixed:?}",
                        el.name
                    ));
                }
                _ => {}
            }
            let value = el.value.clone().unwrap_or_default();
            match el.ty.as_deref() {
                Some("Enumeration") => {
                    *counts.entry("enumerations").or_default() += 1;
                    if value_tag == 0 || enum_by_name(value_tag, &value).is_none() {
                        errors.insert(format!("{short}: {} = {value} unresolved", el.name));
                    }
                }
                Some("Integer") if !value.starts_with('$') && value.parse::<i64>().is_err() => {
                    *counts.entry("masks").or_default() += 1;
                    if value_tag == 0 || parse_mask(value_tag, &value).is_none() {
                        errors.insert(format!("{short}: {} = {value} is not a mask", el.name));
                    }
                }
                _ => {}
            }
            if !el.self_closing {
                stack.push((el.name, None));
            }
        }
        assert!(stack.is_empty(), "{short}: unclosed elements");
    }
    println!("{} files, {counts:?}", files.len());
    assert!(counts.get("elements").copied().unwrap_or(0) > 1000);
    assert!(counts.get("enumerations").copied().unwrap_or(0) > 100);
    assert!(counts.get("masks").copied().unwrap_or(0) > 10);
    assert!(
        errors.is_empty(),
        "{} problems:\n{}",
        errors.len(),
        errors.into_iter().collect::<Vec<_>>().join("\n")
    );
}
