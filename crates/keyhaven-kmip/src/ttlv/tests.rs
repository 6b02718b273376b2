//! Unit tests of the TTLV codec: the specification's examples, sign extension, accessors,
//! `Debug`. Hostile input and property tests are in `tests/kmip/`.

use super::*;

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// The encoding examples of the KMIP 1.4 specification, section 9.1.2 (all with tag 0x420020
/// except the Structure's children).
#[test]
fn spec_examples() {
    let t = 0x420020;
    let cases = [
        (
            Ttlv::integer(t, 8),
            "42 00 20 | 02 | 00 00 00 04 | 00 00 00 08 00 00 00 00",
        ),
        (
            Ttlv::long_integer(t, 123_456_789_000_000_000),
            "42 00 20 | 03 | 00 00 00 08 | 01 B6 9B 4B A5 74 92 00",
        ),
        (
            // 1234567890000000000000000000
            Ttlv::big_integer(t, hex("03 FD 35 EB 6B C2 DF 46 18 08 00 00")),
            "42 00 20 | 04 | 00 00 00 10 | 00 00 00 00 03 FD 35 EB 6B C2 DF 46 18 08 00 00",
        ),
        (
            Ttlv::enumeration(t, 255),
            "42 00 20 | 05 | 00 00 00 04 | 00 00 00 FF 00 00 00 00",
        ),
        (
            Ttlv::boolean(t, true),
            "42 00 20 | 06 | 00 00 00 08 | 00 00 00 00 00 00 00 01",
        ),
        (
            Ttlv::text(t, "Hello World"),
            "42 00 20 | 07 | 00 00 00 0B | 48 65 6C 6C 6F 20 57 6F 72 6C 64 00 00 00 00 00",
        ),
        (
            Ttlv::bytes(t, vec![1, 2, 3]),
            "42 00 20 | 08 | 00 00 00 03 | 01 02 03 00 00 00 00 00",
        ),
        (
            // Friday, March 14, 2008, 11:56:40 GMT
            Ttlv::date_time(t, 1_205_495_800),
            "42 00 20 | 09 | 00 00 00 08 | 00 00 00 00 47 DA 67 F8",
        ),
        (
            // 10 days
            Ttlv::interval(t, 864_000),
            "42 00 20 | 0A | 00 00 00 04 | 00 0D 2F 00 00 00 00 00",
        ),
        (
            Ttlv::structure(
                t,
                vec![
                    Ttlv::enumeration(0x420004, 254),
                    Ttlv::integer(0x420005, 255),
                ],
            ),
            "42 00 20 | 01 | 00 00 00 20 | 42 00 04 | 05 | 00 00 00 04 | 00 00 00 FE 00 00 00 00 \
             | 42 00 05 | 02 | 00 00 00 04 | 00 00 00 FF 00 00 00 00",
        ),
    ];
    for (item, wire) in cases {
        let wire = hex(wire);
        let mut expected = item.clone();
        if let Value::BigInteger(b) = &mut expected.value {
            // Decoding keeps the sign-extension bytes.
            b.splice(0..0, [0u8; 4]);
        }
        assert_eq!(item.encode(), wire, "{item:?}");
        assert_eq!(decode(&wire, &Limits::default()).unwrap(), expected);
    }
}

#[test]
fn date_time_extended_and_big_integer_sign_extension() {
    let item = Ttlv::date_time_extended(0x420020, -1);
    let wire = item.encode();
    assert_eq!(wire[3], 0x0B);
    assert_eq!(&wire[8..], &[0xFF; 8]);
    assert_eq!(item.as_date_time(), Some(-1));
    assert_eq!(
        Ttlv::date_time_extended(1, 2_500_000).as_date_time(),
        Some(2)
    );

    let negative = Ttlv::big_integer(0x420020, vec![0x80, 0x01]).encode();
    assert_eq!(&negative[4..8], &[0, 0, 0, 8]);
    assert_eq!(
        &negative[8..],
        &[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0x01]
    );
    let zero = Ttlv::big_integer(0x420020, Vec::new()).encode();
    assert_eq!(&zero[4..], &[0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn type_codes_round_trip() {
    for code in 0..=255u8 {
        match ItemType::from_code(code) {
            Some(t) => assert_eq!(t.code(), code),
            None => assert!(code == 0 || code > 0x0B),
        }
    }
}

#[test]
fn accessors() {
    let s = Ttlv::structure(
        0x420078,
        vec![
            Ttlv::integer(1, 5),
            Ttlv::text(2, "a"),
            Ttlv::integer(1, 6),
            Ttlv::boolean(3, true),
        ],
    );
    assert_eq!(s.children().len(), 4);
    assert_eq!(s.child(1).and_then(Ttlv::as_integer), Some(5));
    let all: Vec<_> = s.children_with(1).filter_map(Ttlv::as_integer).collect();
    assert_eq!(all, [5, 6]);
    assert_eq!(s.child(2).and_then(Ttlv::as_text), Some("a"));
    assert_eq!(s.child(3).and_then(Ttlv::as_bool), Some(true));
    assert_eq!(s.child(9), None);
    assert!(Ttlv::integer(1, 1).children().is_empty());
    assert_eq!(Ttlv::integer(1, 1).as_text(), None);
    assert_eq!(Ttlv::interval(1, 7).as_interval(), Some(7));
    assert_eq!(Ttlv::long_integer(1, 7).as_long(), Some(7));
    assert_eq!(Ttlv::enumeration(1, 7).as_enum(), Some(7));
    assert_eq!(Ttlv::bytes(1, vec![7]).as_bytes(), Some(&[7u8][..]));
    assert_eq!(s.into_children().len(), 4);
}

#[test]
fn debug_hides_key_material() {
    let item = Ttlv::structure(
        0x42007C,
        vec![
            Ttlv::bytes(0x420043, vec![0xAB; 16]),
            Ttlv::big_integer(0x420050, vec![0xCD; 8]),
            Ttlv::text(PASSWORD_TAG, "hunter2"),
            Ttlv::text(0x420099, "alice"),
        ],
    );
    let shown = format!("{item:?}");
    assert!(shown.starts_with("0x42007C "), "{shown}");
    assert!(
        shown.contains("<16 bytes>") && shown.contains("<8 bytes>"),
        "{shown}"
    );
    assert!(shown.contains("alice"), "{shown}");
    for secret in ["171", "AB", "ab", "205", "CD", "cd", "hunter2"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

#[test]
fn message_length_reads_the_header() {
    let limits = Limits::default();
    let msg = Ttlv::structure(0x420078, vec![Ttlv::integer(1, 1)]).encode();
    let header: [u8; 8] = msg[..8].try_into().unwrap();
    assert_eq!(message_length(&header, &limits), Ok(msg.len()));
    let huge = [0x42, 0, 0x78, 1, 0xFF, 0xFF, 0xFF, 0xF8];
    assert!(matches!(
        message_length(&huge, &limits),
        Err(DecodeError::TooLarge { .. })
    ));
    let int = [0x42, 0, 0x78, 2, 0, 0, 0, 4];
    assert!(matches!(
        message_length(&int, &limits),
        Err(DecodeError::NotAStructure { offset: 3, .. })
    ));
}

#[test]
fn wipe_zeroes_bytes_and_text_and_keeps_the_shape() {
    let mut item = Ttlv::structure(
        0x42007C,
        vec![
            Ttlv::bytes(0x420043, vec![0xAB; 32]),
            Ttlv::structure(0x420040, vec![Ttlv::text(0x4200A1, "secret")]),
            Ttlv::integer(0x42002A, 256),
        ],
    );
    item.wipe();
    let children = item.children();
    assert_eq!(children.len(), 3);
    assert!(
        children[0].as_bytes().unwrap().iter().all(|b| *b == 0)
            || children[0].as_bytes().unwrap().is_empty()
    );
    assert_eq!(children[1].children()[0].as_text(), Some(""));
    assert_eq!(children[2].as_integer(), Some(256));
}
