//! Attribute tests: the same Create attributes in 1.4 and 2.1 form (SKLC-M-1-14/-21), vendor
//! attributes (CS-AC-M-1-14/-21), single attributes, references, typed views, errors.

use super::*;
use crate::dict::tags as t;

fn v1(name: &str, value: Value) -> Ttlv {
    Ttlv::structure(
        t::ATTRIBUTE,
        vec![
            Ttlv::text(t::ATTRIBUTE_NAME, name),
            Ttlv::new(t::ATTRIBUTE_VALUE, value),
        ],
    )
}

fn name_value(tag: u32, text: &str) -> Ttlv {
    Ttlv::structure(
        tag,
        vec![
            Ttlv::text(t::NAME_VALUE, text),
            Ttlv::enumeration(t::NAME_TYPE, 1),
        ],
    )
}

fn vendor_v2(vendor: &str, name: &str, value: Value) -> Ttlv {
    Ttlv::structure(
        t::ATTRIBUTE,
        vec![
            Ttlv::text(t::VENDOR_IDENTIFICATION, vendor),
            Ttlv::text(t::ATTRIBUTE_NAME, name),
            Ttlv::new(t::ATTRIBUTE_VALUE, value),
        ],
    )
}

/// SKLC-M-1-14 TemplateAttribute, plus the x-ID attribute of CS-AC-M-1-14.
fn template_1_4() -> Ttlv {
    Ttlv::structure(
        t::TEMPLATE_ATTRIBUTE,
        vec![
            v1("Cryptographic Algorithm", Value::Enumeration(3)),
            v1("Cryptographic Length", Value::Integer(256)),
            v1("Cryptographic Usage Mask", Value::Integer(12)),
            v1("Name", name_value(0, "SKLC-M-1").value),
            v1("x-ID", Value::TextString("CS-AC-M-1-prikey1".into())),
        ],
    )
}

/// The same in SKLC-M-1-21 / CS-AC-M-1-21 form.
fn attributes_2_1() -> Ttlv {
    Ttlv::structure(
        t::ATTRIBUTES,
        vec![
            Ttlv::enumeration(t::CRYPTOGRAPHIC_ALGORITHM, 3),
            Ttlv::integer(t::CRYPTOGRAPHIC_LENGTH, 256),
            Ttlv::integer(t::CRYPTOGRAPHIC_USAGE_MASK, 12),
            name_value(t::NAME, "SKLC-M-1"),
            vendor_v2("x", "ID", Value::TextString("CS-AC-M-1-prikey1".into())),
        ],
    )
}

fn normalised() -> Vec<Attribute> {
    vec![
        Attribute::new(
            name::CRYPTOGRAPHIC_ALGORITHM,
            Ttlv::enumeration(t::CRYPTOGRAPHIC_ALGORITHM, 3),
        ),
        Attribute::new(
            name::CRYPTOGRAPHIC_LENGTH,
            Ttlv::integer(t::CRYPTOGRAPHIC_LENGTH, 256),
        ),
        Attribute::new(
            name::CRYPTOGRAPHIC_USAGE_MASK,
            Ttlv::integer(t::CRYPTOGRAPHIC_USAGE_MASK, 12),
        ),
        Attribute::new(name::NAME, name_value(t::NAME, "SKLC-M-1")),
        Attribute::custom("x-ID", Value::TextString("CS-AC-M-1-prikey1".into())),
    ]
}

fn invalid_field(result: Result<impl std::fmt::Debug, MessageError>) -> String {
    let err = result.unwrap_err();
    assert_eq!(err.reason, reason::INVALID_FIELD, "{}", err.message);
    err.message
}

#[test]
fn both_forms_read_to_the_same_attributes() {
    assert_eq!(read_attributes(&template_1_4()).unwrap(), normalised());
    assert_eq!(read_attributes(&attributes_2_1()).unwrap(), normalised());
    let attrs = read_attributes(&template_1_4()).unwrap();
    assert!(attrs[4].is_custom() && !attrs[0].is_custom());
    let name = Name::from_ttlv(&attrs[3].value).unwrap();
    assert_eq!(
        name,
        Name {
            value: "SKLC-M-1".into(),
            name_type: Name::UNINTERPRETED_TEXT_STRING
        }
    );
}

#[test]
fn writes_each_form() {
    let attrs = normalised();
    assert_eq!(
        write_attributes(
            &attrs,
            ProtocolVersion::V1_4,
            Container::Main.tag(ProtocolVersion::V1_4)
        ),
        template_1_4()
    );
    assert_eq!(
        write_attributes(
            &attrs,
            ProtocolVersion::V2_1,
            Container::Main.tag(ProtocolVersion::V2_1)
        ),
        attributes_2_1()
    );
    let indexed = attrs[3].clone().with_index(2);
    let written = write_attribute(&indexed, ProtocolVersion::V1_2);
    assert_eq!(
        written.child(t::ATTRIBUTE_INDEX).and_then(Ttlv::as_integer),
        Some(2)
    );
    assert_eq!(read_attribute(&written).unwrap(), indexed);
}

#[test]
fn every_container_kind_round_trips() {
    for container in [
        Container::Main,
        Container::Common,
        Container::PrivateKey,
        Container::PublicKey,
    ] {
        for version in [
            ProtocolVersion::V1_0,
            ProtocolVersion::V1_4,
            ProtocolVersion::V2_0,
        ] {
            let payload = Ttlv::structure(
                t::REQUEST_PAYLOAD,
                vec![
                    Ttlv::enumeration(t::OBJECT_TYPE, 2),
                    write_attributes(&normalised(), version, container.tag(version)),
                ],
            );
            assert_eq!(read_container(&payload, container).unwrap(), normalised());
        }
    }
    let empty = Ttlv::structure(t::REQUEST_PAYLOAD, vec![]);
    assert!(read_container(&empty, Container::Common)
        .unwrap()
        .is_empty());
    let both = Ttlv::structure(t::REQUEST_PAYLOAD, vec![template_1_4(), attributes_2_1()]);
    invalid_field(read_container(&both, Container::Main));
}

#[test]
fn template_references_are_rejected() {
    let with_template = Ttlv::structure(
        t::TEMPLATE_ATTRIBUTE,
        vec![name_value(t::NAME, "my template")],
    );
    let message = invalid_field(read_attributes(&with_template));
    assert!(message.contains("templates are not supported"), "{message}");
}

#[test]
fn malformed_attributes_are_invalid_fields() {
    let wrong_type = Ttlv::structure(
        t::TEMPLATE_ATTRIBUTE,
        vec![v1("Cryptographic Length", Value::TextString("256".into()))],
    );
    let message = invalid_field(read_attributes(&wrong_type));
    assert!(message.contains("Cryptographic Length"), "{message}");

    let unknown_name =
        Ttlv::structure(t::TEMPLATE_ATTRIBUTE, vec![v1("Colour", Value::Integer(1))]);
    invalid_field(read_attributes(&unknown_name));

    let not_attribute = Ttlv::structure(t::ATTRIBUTES, vec![Ttlv::integer(t::BATCH_COUNT, 1)]);
    invalid_field(read_attributes(&not_attribute));

    let wrong_2x_type = Ttlv::structure(t::ATTRIBUTES, vec![Ttlv::integer(t::STATE, 1)]);
    invalid_field(read_attributes(&wrong_2x_type));

    let stray_in_template = Ttlv::structure(
        t::TEMPLATE_ATTRIBUTE,
        vec![Ttlv::integer(t::CRYPTOGRAPHIC_LENGTH, 1)],
    );
    invalid_field(read_attributes(&stray_in_template));

    let no_value = Ttlv::structure(
        t::TEMPLATE_ATTRIBUTE,
        vec![Ttlv::structure(
            t::ATTRIBUTE,
            vec![Ttlv::text(t::ATTRIBUTE_NAME, "State")],
        )],
    );
    invalid_field(read_attributes(&no_value));

    let bad_vendor = Ttlv::structure(
        t::ATTRIBUTES,
        vec![vendor_v2("a-b", "c", Value::Integer(1))],
    );
    invalid_field(read_attributes(&bad_vendor));

    invalid_field(read_attributes(&Ttlv::structure(
        t::REQUEST_PAYLOAD,
        vec![],
    )));
}

#[test]
fn reads_single_attributes_of_both_versions() {
    let description = Ttlv::text(t::DESCRIPTION, "This is opaque");
    let new_attribute = Ttlv::structure(t::NEW_ATTRIBUTE, vec![description.clone()]);
    let expected = Attribute::new(name::DESCRIPTION, description.clone());
    assert_eq!(read_attribute(&new_attribute).unwrap(), expected);
    assert_eq!(read_attribute(&description).unwrap(), expected);
    assert_eq!(
        Attribute::from_value(description.clone()).unwrap(),
        expected
    );
    let v1_form = v1("Description", Value::TextString("This is opaque".into()));
    assert_eq!(read_attribute(&v1_form).unwrap(), expected);
    let vendor = Ttlv::structure(
        t::CURRENT_ATTRIBUTE,
        vec![vendor_v2("y", "Colour", Value::Integer(3))],
    );
    assert_eq!(
        read_attribute(&vendor).unwrap(),
        Attribute::custom("y-Colour", Value::Integer(3))
    );
    let two = Ttlv::structure(t::CURRENT_ATTRIBUTE, vec![description.clone(), description]);
    invalid_field(read_attribute(&two));
}

#[test]
fn attribute_references_round_trip() {
    for name in [name::STATE, name::CRYPTOGRAPHIC_USAGE_MASK, "x-ID"] {
        for version in [ProtocolVersion::V1_4, ProtocolVersion::V2_1] {
            let reference = write_attribute_reference(name, version).unwrap();
            assert_eq!(read_attribute_reference(&reference).unwrap(), name);
        }
    }
    let state = Ttlv::enumeration(t::ATTRIBUTE_REFERENCE, t::STATE);
    assert_eq!(
        write_attribute_reference(name::STATE, ProtocolVersion::V2_1).unwrap(),
        state
    );
    let err = read_attribute_reference(&Ttlv::enumeration(t::ATTRIBUTE_REFERENCE, t::BATCH_COUNT))
        .unwrap_err();
    assert_eq!(err.reason, reason::UNSUPPORTED_ATTRIBUTE);
    assert!(write_attribute_reference("Colour", ProtocolVersion::V2_1).is_err());
    // A structure with an empty vendor and a standard name names the standard attribute.
    let pykmip_style = Ttlv::structure(
        t::ATTRIBUTE_REFERENCE,
        vec![
            Ttlv::text(t::VENDOR_IDENTIFICATION, ""),
            Ttlv::text(t::ATTRIBUTE_NAME, name::CONTACT_INFORMATION),
        ],
    );
    assert_eq!(
        read_attribute_reference(&pykmip_style).unwrap(),
        name::CONTACT_INFORMATION
    );
    let unknown = Ttlv::structure(
        t::ATTRIBUTE_REFERENCE,
        vec![
            Ttlv::text(t::VENDOR_IDENTIFICATION, ""),
            Ttlv::text(t::ATTRIBUTE_NAME, "Colour"),
        ],
    );
    invalid_field(read_attribute_reference(&unknown));
    invalid_field(read_attribute_reference(&Ttlv::integer(
        t::ATTRIBUTE_NAME,
        1,
    )));
}

#[test]
fn typed_views_round_trip() {
    let link = Link {
        link_type: link_type::PUBLIC_KEY,
        linked_object_identifier: "id-2".into(),
    };
    assert_eq!(Link::from_ttlv(&link.to_ttlv()).unwrap(), link);

    // CS-AC-M-1-14: PSS, SHA-256, RSA, salt length 222.
    let params = CryptographicParameters {
        padding_method: Some(0x0A),
        hashing_algorithm: Some(0x06),
        cryptographic_algorithm: Some(0x04),
        salt_length: Some(222),
        ..CryptographicParameters::default()
    };
    assert_eq!(
        CryptographicParameters::from_ttlv(&params.to_ttlv()).unwrap(),
        params
    );
    let all = CryptographicParameters {
        block_cipher_mode: Some(1),
        padding_method: Some(2),
        hashing_algorithm: Some(3),
        key_role_type: Some(4),
        digital_signature_algorithm: Some(5),
        cryptographic_algorithm: Some(6),
        random_iv: Some(true),
        iv_length: Some(96),
        tag_length: Some(16),
        fixed_field_length: Some(32),
        invocation_field_length: Some(64),
        counter_length: Some(32),
        initial_counter_value: Some(1),
        salt_length: Some(20),
        mask_generator: Some(1),
        mask_generator_hashing_algorithm: Some(6),
        p_source: Some(b"label".to_vec()),
        trailer_field: Some(1),
    };
    let written = all.to_ttlv();
    let tags: Vec<u32> = written.children().iter().map(|c| c.tag).collect();
    assert_eq!(tags.len(), 18);
    assert_eq!(tags[6], t::RANDOM_IV);
    assert_eq!(CryptographicParameters::from_ttlv(&written).unwrap(), all);

    let digest = Digest {
        hashing_algorithm: 6,
        digest_value: Some(vec![0xbc, 0x12]),
        key_format_type: Some(1),
    };
    assert_eq!(Digest::from_ttlv(&digest.to_ttlv()).unwrap(), digest);
    let reason_ = RevocationReason {
        code: RevocationReason::KEY_COMPROMISE,
        message: Some("lost".into()),
    };
    assert_eq!(
        RevocationReason::from_ttlv(&reason_.to_ttlv()).unwrap(),
        reason_
    );
    let limits = UsageLimits {
        total: 1000,
        count: Some(10),
        unit: 2,
    };
    assert_eq!(UsageLimits::from_ttlv(&limits.to_ttlv()).unwrap(), limits);
    let info = ApplicationSpecificInformation {
        namespace: "ssl".into(),
        data: None,
    };
    assert_eq!(
        ApplicationSpecificInformation::from_ttlv(&info.to_ttlv()).unwrap(),
        info
    );
}

#[test]
fn typed_views_accept_1x_attribute_values_and_reject_strays() {
    let raw = v1(
        "Cryptographic Parameters",
        Value::Structure(vec![Ttlv::enumeration(t::BLOCK_CIPHER_MODE, 1)]),
    );
    let value = raw.child(t::ATTRIBUTE_VALUE).unwrap();
    assert_eq!(
        CryptographicParameters::from_ttlv(value)
            .unwrap()
            .block_cipher_mode,
        Some(1)
    );

    let stray = Ttlv::structure(
        t::NAME,
        vec![
            Ttlv::text(t::NAME_VALUE, "n"),
            Ttlv::enumeration(t::NAME_TYPE, 1),
            Ttlv::integer(t::BATCH_COUNT, 1),
        ],
    );
    invalid_field(Name::from_ttlv(&stray));
    invalid_field(Link::from_ttlv(&Ttlv::structure(
        t::LINK,
        vec![Ttlv::enumeration(t::LINK_TYPE, 0x101)],
    )));
    invalid_field(Digest::from_ttlv(&name_value(t::NAME, "n")));
    invalid_field(UsageLimits::from_ttlv(&Ttlv::structure(
        t::USAGE_LIMITS,
        vec![Ttlv::enumeration(t::USAGE_LIMITS_UNIT, 1)],
    )));
}

#[test]
fn names_and_tags_map_both_ways() {
    assert_eq!(
        standard_tag(name::CRYPTOGRAPHIC_ALGORITHM),
        Some(t::CRYPTOGRAPHIC_ALGORITHM)
    );
    assert_eq!(
        standard_name(t::ACTIVATION_DATE),
        Some(name::ACTIVATION_DATE)
    );
    assert_eq!(standard_tag("x-ID"), None);
    for spec in SPECS {
        assert_eq!(
            crate::dict::attribute_tag(spec.name),
            Some(spec.tag),
            "{}",
            spec.name
        );
    }
}
