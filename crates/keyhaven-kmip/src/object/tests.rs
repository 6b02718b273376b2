//! Object tests: Register of a PKCS#1 private key (CS-AC-M-1-14), a transparent symmetric key
//! (BL-M-3-21), a wrapped key (AX-M-2-14), transparent RSA/EC keys, big integers, errors.

use super::*;
use crate::attribute::name;
use crate::dict::tags as t;

/// The start of the PKCS#1 key of CS-AC-M-1-14 (enough for the model; not a usable key).
const PKCS1: [u8; 12] = [
    0x30, 0x82, 0x04, 0xa5, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01, 0x00,
];

fn key_block(format: u32, key_value: Ttlv, extra: Vec<Ttlv>) -> Ttlv {
    let mut c = vec![Ttlv::enumeration(t::KEY_FORMAT_TYPE, format), key_value];
    c.extend(extra);
    Ttlv::structure(t::KEY_BLOCK, c)
}

fn key_value(material: Ttlv) -> Ttlv {
    Ttlv::structure(t::KEY_VALUE, vec![material])
}

fn register_private_key_1_4() -> Ttlv {
    let object = Ttlv::structure(
        t::PRIVATE_KEY,
        vec![key_block(
            key_format::PKCS_1,
            key_value(Ttlv::bytes(t::KEY_MATERIAL, PKCS1.to_vec())),
            vec![
                Ttlv::enumeration(t::CRYPTOGRAPHIC_ALGORITHM, 4),
                Ttlv::integer(t::CRYPTOGRAPHIC_LENGTH, 2048),
            ],
        )],
    );
    Ttlv::structure(
        t::REQUEST_PAYLOAD,
        vec![
            Ttlv::enumeration(t::OBJECT_TYPE, object_type::PRIVATE_KEY),
            Ttlv::structure(t::TEMPLATE_ATTRIBUTE, vec![]),
            object,
        ],
    )
}

fn transparent_symmetric_2_1() -> Ttlv {
    Ttlv::structure(
        t::SYMMETRIC_KEY,
        vec![key_block(
            key_format::TRANSPARENT_SYMMETRIC_KEY,
            key_value(Ttlv::structure(
                t::KEY_MATERIAL,
                vec![Ttlv::bytes(t::KEY, vec![0x01; 16])],
            )),
            vec![
                Ttlv::enumeration(t::CRYPTOGRAPHIC_ALGORITHM, 3),
                Ttlv::integer(t::CRYPTOGRAPHIC_LENGTH, 128),
            ],
        )],
    )
}

fn wrapped_symmetric() -> Ttlv {
    let wrapping = Ttlv::structure(
        t::KEY_WRAPPING_DATA,
        vec![
            Ttlv::enumeration(t::WRAPPING_METHOD, 1),
            Ttlv::structure(
                t::ENCRYPTION_KEY_INFORMATION,
                vec![Ttlv::text(t::UNIQUE_IDENTIFIER, "kek")],
            ),
        ],
    );
    Ttlv::structure(
        t::SYMMETRIC_KEY,
        vec![key_block(
            key_format::RAW,
            Ttlv::bytes(t::KEY_VALUE, vec![0x5a; 40]),
            vec![
                Ttlv::enumeration(t::CRYPTOGRAPHIC_ALGORITHM, 3),
                Ttlv::integer(t::CRYPTOGRAPHIC_LENGTH, 256),
                wrapping,
            ],
        )],
    )
}

fn round_trip(object: &Ttlv, version: ProtocolVersion) -> ManagedObject {
    let parsed = ManagedObject::from_ttlv(object).unwrap();
    assert_eq!(&parsed.to_ttlv(version), object);
    parsed
}

fn invalid_field(object: &Ttlv) -> String {
    let err = ManagedObject::from_ttlv(object).unwrap_err();
    assert_eq!(err.reason, reason::INVALID_FIELD, "{}", err.message);
    err.message
}

#[test]
fn reads_a_registered_pkcs1_private_key() {
    let payload = register_private_key_1_4();
    let object = ManagedObject::find_in(&payload).unwrap().unwrap();
    assert_eq!(object.object_type(), object_type::PRIVATE_KEY);
    let ManagedObject::PrivateKey(kb) = &object else {
        panic!("not a private key")
    };
    assert_eq!(kb.key_format_type, key_format::PKCS_1);
    assert_eq!(kb.key_value.material, KeyMaterial::Bytes(PKCS1.to_vec()));
    assert_eq!(
        (kb.cryptographic_algorithm, kb.cryptographic_length),
        (Some(4), Some(2048))
    );
    assert!(!kb.is_wrapped());
    assert_eq!(
        Some(&object.to_ttlv(ProtocolVersion::V1_4)),
        payload.child(t::PRIVATE_KEY)
    );
    assert!(
        ManagedObject::find_in(&Ttlv::structure(t::REQUEST_PAYLOAD, vec![]))
            .unwrap()
            .is_none()
    );
}

#[test]
fn reads_transparent_symmetric_and_wrapped_keys() {
    let object = round_trip(&transparent_symmetric_2_1(), ProtocolVersion::V2_1);
    let material = &object.key_block().unwrap().key_value.material;
    assert_eq!(
        material,
        &KeyMaterial::TransparentSymmetric {
            key: vec![0x01; 16]
        }
    );

    let wrapped = round_trip(&wrapped_symmetric(), ProtocolVersion::V1_4);
    let kb = wrapped.key_block().unwrap();
    assert!(kb.is_wrapped());
    assert_eq!(kb.key_value.material, KeyMaterial::Wrapped(vec![0x5a; 40]));
}

#[test]
fn byte_string_key_value_needs_wrapping_data() {
    let object = Ttlv::structure(
        t::SYMMETRIC_KEY,
        vec![key_block(
            key_format::RAW,
            Ttlv::bytes(t::KEY_VALUE, vec![1; 16]),
            vec![],
        )],
    );
    invalid_field(&object);
}

#[test]
fn transparent_rsa_and_ec_keys_round_trip() {
    let modulus = vec![0xc0; 256];
    let private = ManagedObject::PrivateKey(KeyBlock::new(
        key_format::TRANSPARENT_RSA_PRIVATE_KEY,
        KeyMaterial::TransparentRsaPrivate {
            modulus: modulus.clone(),
            private_exponent: Some(vec![0x3b; 256]),
            public_exponent: Some(vec![0x01, 0x00, 0x01]),
            p: Some(vec![0xd5; 128]),
            q: Some(vec![0xcd; 128]),
            prime_exponent_p: None,
            prime_exponent_q: None,
            crt_coefficient: Some(vec![0x7f; 128]),
        },
    ));
    let ttlv = private.to_ttlv(ProtocolVersion::V2_1);
    let material = ttlv.children()[0]
        .child(t::KEY_VALUE)
        .unwrap()
        .child(t::KEY_MATERIAL)
        .unwrap();
    let wire_modulus = material
        .child(t::MODULUS)
        .unwrap()
        .as_big_integer()
        .unwrap();
    assert_eq!(
        wire_modulus.len(),
        264,
        "a sign byte, padded to a multiple of 8"
    );
    assert_eq!(wire_modulus[..8], [0u8; 8]);
    assert_eq!(ManagedObject::from_ttlv(&ttlv).unwrap(), private);

    let public = ManagedObject::PublicKey(KeyBlock::new(
        key_format::TRANSPARENT_RSA_PUBLIC_KEY,
        KeyMaterial::TransparentRsaPublic {
            modulus,
            public_exponent: vec![0x01, 0x00, 0x01],
        },
    ));
    assert_eq!(
        ManagedObject::from_ttlv(&public.to_ttlv(ProtocolVersion::V1_4)).unwrap(),
        public
    );

    for material in [
        KeyMaterial::TransparentEcPrivate {
            recommended_curve: 3,
            d: vec![0x11; 32],
        },
        KeyMaterial::TransparentEcPublic {
            recommended_curve: 3,
            q_string: vec![0x04; 65],
        },
    ] {
        let format = match material {
            KeyMaterial::TransparentEcPrivate { .. } => key_format::TRANSPARENT_EC_PRIVATE_KEY,
            _ => key_format::TRANSPARENT_EC_PUBLIC_KEY,
        };
        let object = ManagedObject::PrivateKey(KeyBlock::new(format, material));
        assert_eq!(
            ManagedObject::from_ttlv(&object.to_ttlv(ProtocolVersion::V2_1)).unwrap(),
            object
        );
    }
}

#[test]
fn other_structured_material_is_kept() {
    let dsa = Ttlv::structure(
        t::KEY_MATERIAL,
        vec![Ttlv::big_integer(t::P, vec![0, 0, 0, 0, 0, 0, 0, 7])],
    );
    let object = Ttlv::structure(
        t::PUBLIC_KEY,
        vec![key_block(
            key_format::TRANSPARENT_DSA_PUBLIC_KEY,
            key_value(dsa.clone()),
            vec![],
        )],
    );
    let parsed = round_trip(&object, ProtocolVersion::V1_4);
    assert_eq!(
        parsed.key_block().unwrap().key_value.material,
        KeyMaterial::Structure(dsa)
    );
}

#[test]
fn material_must_match_the_key_format() {
    let structure_for_pkcs1 = Ttlv::structure(
        t::PRIVATE_KEY,
        vec![key_block(
            key_format::PKCS_1,
            key_value(Ttlv::structure(t::KEY_MATERIAL, vec![])),
            vec![],
        )],
    );
    invalid_field(&structure_for_pkcs1);
    let bytes_for_transparent = Ttlv::structure(
        t::SYMMETRIC_KEY,
        vec![key_block(
            key_format::TRANSPARENT_SYMMETRIC_KEY,
            key_value(Ttlv::bytes(t::KEY_MATERIAL, vec![1])),
            vec![],
        )],
    );
    invalid_field(&bytes_for_transparent);
    let missing_modulus = Ttlv::structure(
        t::PUBLIC_KEY,
        vec![key_block(
            key_format::TRANSPARENT_RSA_PUBLIC_KEY,
            key_value(Ttlv::structure(
                t::KEY_MATERIAL,
                vec![Ttlv::big_integer(
                    t::PUBLIC_EXPONENT,
                    vec![0, 0, 0, 0, 0, 1, 0, 1],
                )],
            )),
            vec![],
        )],
    );
    invalid_field(&missing_modulus);
    let no_format = Ttlv::structure(
        t::SYMMETRIC_KEY,
        vec![Ttlv::structure(
            t::KEY_BLOCK,
            vec![key_value(Ttlv::bytes(t::KEY_MATERIAL, vec![1]))],
        )],
    );
    invalid_field(&no_format);
}

#[test]
fn rejects_templates_and_non_objects() {
    let message = invalid_field(&Ttlv::structure(t::TEMPLATE, vec![]));
    assert!(message.contains("templates are not supported"));
    invalid_field(&Ttlv::structure(t::REQUEST_PAYLOAD, vec![]));
    let two = Ttlv::structure(
        t::REQUEST_PAYLOAD,
        vec![transparent_symmetric_2_1(), wrapped_symmetric()],
    );
    assert_eq!(
        ManagedObject::find_in(&two).unwrap_err().reason,
        reason::INVALID_FIELD
    );
}

#[test]
fn other_object_types_round_trip() {
    let secret = ManagedObject::SecretData {
        secret_data_type: 1,
        key_block: KeyBlock::new(key_format::OPAQUE, KeyMaterial::Bytes(b"password".to_vec())),
    };
    let objects = [
        ManagedObject::Certificate {
            certificate_type: 1,
            value: vec![0x30, 0x82],
        },
        ManagedObject::OpaqueObject {
            opaque_data_type: 0x8000_0001,
            value: vec![1, 2, 3],
        },
        ManagedObject::PgpKey {
            version: 4,
            key_block: KeyBlock::new(key_format::RAW, KeyMaterial::Bytes(vec![9])),
        },
        ManagedObject::SplitKey {
            parts: 3,
            key_part_identifier: 1,
            threshold: 2,
            method: 2,
            prime_field_size: Some(vec![0x01, 0x00]),
            key_block: KeyBlock::new(key_format::RAW, KeyMaterial::Bytes(vec![7; 16])),
        },
        ManagedObject::CertificateRequest {
            request_type: 2,
            value: vec![0x30],
        },
        secret,
    ];
    for object in objects {
        let ttlv = object.to_ttlv(ProtocolVersion::V2_1);
        assert_eq!(ttlv.tag, object.tag());
        assert_eq!(object_tag(object.object_type()), Some(object.tag()));
        assert_eq!(ManagedObject::from_ttlv(&ttlv).unwrap(), object);
    }
    assert_eq!(object_tag(object_type::TEMPLATE), None);
}

#[test]
fn key_value_attributes_in_both_forms() {
    let mut kb = KeyBlock::new(key_format::RAW, KeyMaterial::Bytes(vec![3; 16]));
    kb.key_value.attributes = vec![
        crate::attribute::Attribute::new(
            name::CRYPTOGRAPHIC_LENGTH,
            Ttlv::integer(t::CRYPTOGRAPHIC_LENGTH, 128),
        ),
        crate::attribute::Attribute::custom("x-note", Value::TextString("n".into())),
    ];
    let object = ManagedObject::SymmetricKey(kb);
    for version in [ProtocolVersion::V1_4, ProtocolVersion::V2_1] {
        let ttlv = object.to_ttlv(version);
        let value = ttlv.children()[0].child(t::KEY_VALUE).unwrap();
        let container = if version.is_2x() {
            t::ATTRIBUTES
        } else {
            t::ATTRIBUTE
        };
        assert!(value.child(container).is_some());
        assert_eq!(ManagedObject::from_ttlv(&ttlv).unwrap(), object);
    }
}

#[test]
fn debug_prints_no_material() {
    let objects = [
        ManagedObject::SymmetricKey(KeyBlock::new(
            key_format::RAW,
            KeyMaterial::Bytes(vec![0xAB; 16]),
        )),
        ManagedObject::OpaqueObject {
            opaque_data_type: 1,
            value: vec![0xAB; 16],
        },
        ManagedObject::SecretData {
            secret_data_type: 1,
            key_block: KeyBlock::new(
                key_format::TRANSPARENT_SYMMETRIC_KEY,
                KeyMaterial::TransparentSymmetric {
                    key: vec![0xAB; 16],
                },
            ),
        },
        ManagedObject::from_ttlv(&wrapped_symmetric()).unwrap(),
    ];
    for object in objects {
        let shown = format!("{object:?}");
        assert!(
            !shown.contains("171") && !shown.contains("ab, ab") && !shown.contains("90, 90"),
            "{shown}"
        );
    }
}

#[test]
fn big_integer_conversions() {
    assert_eq!(big_integer_to_unsigned(&[0, 0, 0, 0, 0, 0, 0, 1]), [1]);
    assert_eq!(big_integer_to_unsigned(&[0; 8]), Vec::<u8>::new());
    assert_eq!(
        big_integer_to_unsigned(&[0x80, 0, 0, 0, 0, 0, 0, 0]),
        [0x80, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(unsigned_to_big_integer(&[]), [0; 8]);
    assert_eq!(
        unsigned_to_big_integer(&[1, 0, 1]),
        [0, 0, 0, 0, 0, 1, 0, 1]
    );
    assert_eq!(
        unsigned_to_big_integer(&[0, 0x80]),
        [0, 0, 0, 0, 0, 0, 0, 0x80]
    );
    let eight_high = [0xff; 8];
    let encoded = unsigned_to_big_integer(&eight_high);
    assert_eq!(encoded.len(), 16);
    assert_eq!(encoded[7], 0);
    assert_eq!(big_integer_to_unsigned(&encoded), eight_high);
    for len in 1..40 {
        let magnitude: Vec<u8> = (1..=len).map(|i| (i * 37 % 256) as u8 | 1).collect();
        let encoded = unsigned_to_big_integer(&magnitude);
        assert_eq!(encoded.len() % 8, 0);
        assert!(encoded[0] & 0x80 == 0, "non-negative");
        assert_eq!(big_integer_to_unsigned(&encoded), magnitude);
    }
}
