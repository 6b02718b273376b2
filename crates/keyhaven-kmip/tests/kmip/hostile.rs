//! Hostile input: each malformation is refused with its own error kind at the right offset, and
//! the valid input next to it still decodes.

use keyhaven_kmip::ttlv::{decode, message_length, DecodeError, ItemType, Limits, Ttlv};

use crate::{create_request, header, limits};

/// `header` followed by `value` (padding included by the caller).
fn item(tag: u32, code: u8, len: u32, value: &[u8]) -> Vec<u8> {
    let mut v = header(tag, code, len);
    v.extend_from_slice(value);
    v
}

/// A Structure holding the already encoded `children`, with its true length.
fn wrap(children: &[u8]) -> Vec<u8> {
    item(0x420078, 1, children.len() as u32, children)
}

#[test]
fn the_real_message_decodes_and_reencodes_to_the_same_bytes() {
    let msg = create_request();
    let wire = msg.encode();
    assert_eq!(wire.len() % 8, 0);
    assert_eq!(decode(&wire, &limits()).unwrap(), msg);
    let head: [u8; 8] = wire[..8].try_into().unwrap();
    assert_eq!(message_length(&head, &limits()), Ok(wire.len()));
}

#[test]
fn truncated_at_every_offset() {
    let wire = create_request().encode();
    for cut in 0..wire.len() {
        let err = decode(&wire[..cut], &limits()).unwrap_err();
        let needed = if cut < 8 { 8 } else { wire.len() as u64 };
        assert_eq!(
            err,
            DecodeError::Truncated {
                offset: 0,
                needed,
                available: cut
            },
            "cut at {cut}"
        );
    }
}

#[test]
fn truncated_inside_a_structure_whose_length_was_adjusted() {
    // The message is cut and the outer length made to match: an inner Structure, which still
    // claims its whole length, then crosses the end of the outer one.
    let wire = create_request().encode();
    let first_child_end = 8 + decode(&wire, &limits()).unwrap().children()[0]
        .encode()
        .len();
    // (Cut at item boundaries, so that no header is partly there.)
    for cut in (16..wire.len()).step_by(8) {
        let mut short = wire[..cut].to_vec();
        short[4..8].copy_from_slice(&(cut as u32 - 8).to_be_bytes());
        match decode(&short, &limits()) {
            Err(DecodeError::StructureLength { structure: 0, .. }) => {}
            // The cut child claims more than the input holds.
            Err(DecodeError::Truncated { offset, .. }) if offset > 0 => {}
            // Cut right after the Request Header: a shorter but valid message.
            Ok(t) if cut == first_child_end => assert_eq!(t.children().len(), 1),
            other => panic!("cut at {cut}: {other:?}"),
        }
    }
}

#[test]
fn wrong_lengths_for_fixed_size_types() {
    let fixed = [
        (ItemType::Integer, 4u32),
        (ItemType::LongInteger, 8),
        (ItemType::Enumeration, 4),
        (ItemType::Boolean, 8),
        (ItemType::DateTime, 8),
        (ItemType::Interval, 4),
        (ItemType::DateTimeExtended, 8),
    ];
    for (item_type, good) in fixed {
        let code = item_type.code();
        let valid = item(0x420020, code, good, &[0; 8]);
        decode(&valid, &limits()).unwrap();
        for length in (0..=24).chain([0x7FFF_FFFF, 0xFFFF_FFFF]) {
            if length == good {
                continue;
            }
            let bad = item(0x420020, code, length, &[0; 24]);
            let expected = DecodeError::InvalidLength {
                offset: 4,
                item_type,
                length,
            };
            assert_eq!(decode(&bad, &limits()), Err(expected.clone()));
            // The same inside a Structure: the offset is the child's length field.
            let nested = wrap(&bad);
            let Err(DecodeError::InvalidLength { offset: 12, .. }) = decode(&nested, &limits())
            else {
                panic!("{item_type} length {length} in a Structure");
            };
        }
    }
}

#[test]
fn big_integer_and_structure_lengths_must_be_multiples_of_8() {
    for length in [0u32, 1, 7, 9, 12, 15] {
        let bad = item(0x420020, 4, length, &[0; 16]);
        assert_eq!(
            decode(&bad, &limits()),
            Err(DecodeError::InvalidLength {
                offset: 4,
                item_type: ItemType::BigInteger,
                length
            })
        );
    }
    decode(&item(0x420020, 4, 16, &[0xFF; 16]), &limits()).unwrap();
    for length in [1u32, 4, 12] {
        let bad = item(0x420020, 1, length, &[0; 16]);
        assert!(matches!(
            decode(&bad, &limits()),
            Err(DecodeError::InvalidLength {
                offset: 4,
                item_type: ItemType::Structure,
                ..
            })
        ));
    }
}

#[test]
fn four_gib_length_claims() {
    let l = limits();
    // In the header of a message: refused by message_length before anything is read.
    let head = [0x42, 0x00, 0x78, 0x01, 0xFF, 0xFF, 0xFF, 0xF8];
    assert!(matches!(
        message_length(&head, &l),
        Err(DecodeError::TooLarge {
            offset: 0,
            size: 0x1_0000_0000,
            ..
        })
    ));
    let head = [0x42, 0x00, 0x78, 0x01, 0xFF, 0xFF, 0xFF, 0xFF];
    assert!(matches!(
        message_length(&head, &l),
        Err(DecodeError::InvalidLength { offset: 4, .. })
    ));
    let unlimited = Limits {
        max_message_size: usize::MAX,
        ..l
    };
    if usize::BITS > 32 {
        let head = [0x42, 0x00, 0x78, 0x01, 0xFF, 0xFF, 0xFF, 0xF8];
        assert_eq!(message_length(&head, &unlimited), Ok(0x1_0000_0000));
    }
    // The header alone, decoded: the claimed bytes are not there.
    for (code, len) in [(1u8, 0xFFFF_FFF8u32), (7, 0xFFFF_FFFF), (8, 0xFFFF_FFFF)] {
        let bytes = item(0x420078, code, len, &[0; 8]);
        for limits in [l, unlimited] {
            assert_eq!(
                decode(&bytes, &limits),
                Err(DecodeError::Truncated {
                    offset: 0,
                    needed: 8 + u64::from(len).next_multiple_of(8),
                    available: 16
                })
            );
        }
    }
    // Inside a Structure, as the first child and after a valid one.
    let first = wrap(&item(0x420093, 8, 0xFFFF_FFFF, &[0; 8]));
    assert_eq!(
        decode(&first, &unlimited),
        Err(DecodeError::Truncated {
            offset: 8,
            needed: 0x1_0000_0008,
            available: 16
        })
    );
    let mut children = Ttlv::integer(0x420020, 1).encode();
    children.extend(item(0x42007C, 1, 0xFFFF_FFF8, &[]));
    let second = wrap(&children);
    assert!(matches!(
        decode(&second, &unlimited),
        Err(DecodeError::Truncated { offset: 24, .. })
    ));
}

#[test]
fn message_size_limit() {
    let wire = create_request().encode();
    let tight = Limits {
        max_message_size: wire.len() - 8,
        ..limits()
    };
    assert_eq!(
        decode(&wire, &tight),
        Err(DecodeError::TooLarge {
            offset: 0,
            size: wire.len() as u64,
            limit: wire.len() - 8
        })
    );
    let head: [u8; 8] = wire[..8].try_into().unwrap();
    assert!(matches!(
        message_length(&head, &tight),
        Err(DecodeError::TooLarge { .. })
    ));
    let exact = Limits {
        max_message_size: wire.len(),
        ..limits()
    };
    decode(&wire, &exact).unwrap();
}

#[test]
fn non_zero_padding() {
    for i in 0..4 {
        let mut value = [0, 0, 0, 8, 0, 0, 0, 0];
        value[4 + i] = 0x01;
        let bad = item(0x420020, 2, 4, &value);
        assert_eq!(
            decode(&bad, &limits()),
            Err(DecodeError::NonZeroPadding { offset: 12 + i })
        );
    }
    let mut text = Ttlv::text(0x420055, "abc").encode();
    decode(&text, &limits()).unwrap();
    text[15] = b' ';
    assert_eq!(
        decode(&wrap(&text), &limits()),
        Err(DecodeError::NonZeroPadding { offset: 8 + 15 })
    );
    let mut bytes = Ttlv::bytes(0x420043, vec![1; 9]).encode();
    *bytes.last_mut().unwrap() = 0x80;
    assert_eq!(
        decode(&bytes, &limits()),
        Err(DecodeError::NonZeroPadding { offset: 23 })
    );
}

#[test]
fn invalid_booleans() {
    for v in [2u64, 0x0100_0000_0000_0000, 0x8000_0000_0000_0001, u64::MAX] {
        let bad = item(0x420010, 6, 8, &v.to_be_bytes());
        assert_eq!(
            decode(&bad, &limits()),
            Err(DecodeError::InvalidBoolean { offset: 8 })
        );
    }
    for v in [0u64, 1] {
        let ok = item(0x420010, 6, 8, &v.to_be_bytes());
        assert_eq!(decode(&ok, &limits()).unwrap().as_bool(), Some(v == 1));
    }
}

#[test]
fn invalid_utf8() {
    let cases: [(&[u8], usize); 5] = [
        (b"ab\xFFc", 2),
        (b"\xC3", 0),           // cut two-byte sequence
        (b"abc\xE2\x82", 3),    // cut three-byte sequence
        (b"\xED\xA0\x80", 0),   // surrogate
        (b"ok\xC0\x80!!!!", 2), // overlong NUL
    ];
    for (text, bad_at) in cases {
        let mut value = text.to_vec();
        value.resize(text.len().next_multiple_of(8), 0);
        let bad = item(0x420055, 7, text.len() as u32, &value);
        assert_eq!(
            decode(&bad, &limits()),
            Err(DecodeError::InvalidUtf8 { offset: 8 + bad_at })
        );
        // As a Byte String the same bytes are fine.
        let ok = item(0x420055, 8, text.len() as u32, &value);
        assert_eq!(decode(&ok, &limits()).unwrap().as_bytes(), Some(text));
    }
    let ok = Ttlv::text(0x420055, "clé 🔑").encode();
    assert_eq!(decode(&ok, &limits()).unwrap().as_text(), Some("clé 🔑"));
}

/// root { inner { Integer, Integer }, Integer }: offsets 0 (root), 8 (inner), 16, 32, 48.
fn nested() -> Vec<u8> {
    Ttlv::structure(
        0x420078,
        vec![
            Ttlv::structure(
                0x42000F,
                vec![Ttlv::integer(0x420001, 1), Ttlv::integer(0x420002, 2)],
            ),
            Ttlv::integer(0x420003, 3),
        ],
    )
    .encode()
}

fn set_len(bytes: &mut [u8], at: usize, len: u32) {
    bytes[at + 4..at + 8].copy_from_slice(&len.to_be_bytes());
}

#[test]
fn structure_length_too_short() {
    let ok = nested();
    decode(&ok, &limits()).unwrap();
    // Inner ends in the middle of its first child.
    let mut bad = ok.clone();
    set_len(&mut bad, 8, 8);
    assert_eq!(
        decode(&bad, &limits()),
        Err(DecodeError::StructureLength {
            offset: 16,
            structure: 8
        })
    );
    // Both end right after inner's header: the rest is trailing.
    let mut bad = ok.clone();
    set_len(&mut bad, 8, 0);
    set_len(&mut bad, 0, 8);
    assert_eq!(
        decode(&bad, &limits()),
        Err(DecodeError::TrailingBytes { offset: 16 })
    );
    // Root too short: its last child crosses its end.
    let mut bad = ok.clone();
    set_len(&mut bad, 0, 56 - 8);
    assert_eq!(
        decode(&bad, &limits()),
        Err(DecodeError::StructureLength {
            offset: 48,
            structure: 0
        })
    );
    // A child Structure that claims more than its parent has left.
    let mut bad = ok.clone();
    set_len(&mut bad, 0, 16);
    assert_eq!(
        decode(&bad, &limits()),
        Err(DecodeError::StructureLength {
            offset: 8,
            structure: 0
        })
    );
}

#[test]
fn structure_length_too_long() {
    let ok = nested();
    // Inner claims more than root has left: the input ends there too, so it is truncated...
    let mut bad = ok.clone();
    set_len(&mut bad, 8, 32 + 24);
    assert_eq!(
        decode(&bad, &limits()),
        Err(DecodeError::Truncated {
            offset: 8,
            needed: 64,
            available: 56
        })
    );
    // ...and when more bytes follow root, inner crosses root's end.
    bad.extend_from_slice(&[0; 8]);
    assert_eq!(
        decode(&bad, &limits()),
        Err(DecodeError::StructureLength {
            offset: 8,
            structure: 0
        })
    );
    // Inner claims 8 more bytes: it takes in half of its sibling, which then crosses its end.
    let mut bad = ok.clone();
    set_len(&mut bad, 8, 32 + 8);
    assert_eq!(
        decode(&bad, &limits()),
        Err(DecodeError::StructureLength {
            offset: 48,
            structure: 8
        })
    );
    // Root claims 8 more bytes than the input has.
    let mut bad = ok.clone();
    set_len(&mut bad, 0, 64);
    assert_eq!(
        decode(&bad, &limits()),
        Err(DecodeError::Truncated {
            offset: 0,
            needed: 72,
            available: 64
        })
    );
    // Root claims 8 more bytes and they are there (zeros): not an item.
    bad.extend_from_slice(&[0; 8]);
    assert_eq!(
        decode(&bad, &limits()),
        Err(DecodeError::UnknownType {
            offset: 64 + 3,
            code: 0
        })
    );
}

/// `n` Structures, each the only child of the previous one, built without recursion.
fn deep(n: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(8 * n);
    for i in 0..n {
        bytes.extend(header(0x420078, 1, (8 * (n - 1 - i)) as u32));
    }
    bytes
}

#[test]
fn nesting_deeper_than_the_limit() {
    let l = limits();
    let bytes = deep(100_000);
    assert_eq!(
        decode(&bytes, &l),
        Err(DecodeError::TooDeep {
            offset: 8 * 32,
            limit: 32
        })
    );
    decode(&deep(32), &l).unwrap();
    assert!(matches!(
        decode(&deep(33), &l),
        Err(DecodeError::TooDeep { .. })
    ));
    let shallow = Limits { max_depth: 2, ..l };
    assert!(matches!(
        decode(&nested(), &shallow),
        Err(DecodeError::TooDeep {
            offset: 16,
            limit: 2
        })
    ));
    decode(&nested(), &Limits { max_depth: 3, ..l }).unwrap();
    // A primitive at depth max_depth + 1 is refused too.
    let flat = Ttlv::structure(1, vec![Ttlv::integer(2, 2)]).encode();
    assert!(matches!(
        decode(&flat, &Limits { max_depth: 1, ..l }),
        Err(DecodeError::TooDeep { offset: 8, .. })
    ));
}

#[test]
fn too_many_items() {
    let l = limits();
    let children: Vec<Ttlv> = (0..l.max_items as i32)
        .map(|i| Ttlv::integer(0x420020, i))
        .collect();
    let mut wire = Ttlv::structure(0x420078, children).encode();
    assert!(wire.len() <= l.max_message_size);
    // The root and 100 000 children: one too many.
    assert_eq!(
        decode(&wire, &l),
        Err(DecodeError::TooManyItems {
            offset: 8 + 16 * (l.max_items - 1),
            limit: l.max_items
        })
    );
    // Without the last child it fits exactly.
    wire.truncate(wire.len() - 16);
    let len = (wire.len() - 8) as u32;
    wire[4..8].copy_from_slice(&len.to_be_bytes());
    assert_eq!(decode(&wire, &l).unwrap().children().len(), l.max_items - 1);

    let few = Limits { max_items: 4, ..l };
    assert!(matches!(
        decode(&nested(), &few),
        Err(DecodeError::TooManyItems {
            offset: 48,
            limit: 4
        })
    ));
}

#[test]
fn unknown_type_codes() {
    for code in [0x00u8, 0x0C, 0x0D, 0x42, 0x80, 0xFF] {
        let bad = item(0x420020, code, 4, &[0; 8]);
        assert_eq!(
            decode(&bad, &limits()),
            Err(DecodeError::UnknownType { offset: 3, code })
        );
        let mut head = [0u8; 8];
        head.copy_from_slice(&bad[..8]);
        assert_eq!(
            message_length(&head, &limits()),
            Err(DecodeError::UnknownType { offset: 3, code })
        );
        assert_eq!(
            decode(&wrap(&bad), &limits()),
            Err(DecodeError::UnknownType { offset: 11, code })
        );
    }
}

#[test]
fn unknown_tags_are_accepted() {
    for tag in [0x000000u32, 0x000001, 0x540001, 0x42FFFF, 0xFFFFFF] {
        let item = Ttlv::structure(
            tag,
            vec![Ttlv::text(tag, "x"), Ttlv::structure(tag, vec![])],
        );
        assert_eq!(decode(&item.encode(), &limits()).unwrap(), item);
    }
}

#[test]
fn trailing_bytes() {
    let wire = create_request().encode();
    for extra in [&[0u8][..], &[0; 8], &wire[..8], &wire] {
        let mut bad = wire.clone();
        bad.extend_from_slice(extra);
        assert_eq!(
            decode(&bad, &limits()),
            Err(DecodeError::TrailingBytes { offset: wire.len() })
        );
    }
    let mut bad = Ttlv::integer(1, 1).encode();
    bad.push(0);
    assert_eq!(
        decode(&bad, &limits()),
        Err(DecodeError::TrailingBytes { offset: 16 })
    );
}

#[test]
fn message_length_refuses_non_structures() {
    let int = Ttlv::integer(0x420078, 1).encode();
    let head: [u8; 8] = int[..8].try_into().unwrap();
    assert_eq!(
        message_length(&head, &limits()),
        Err(DecodeError::NotAStructure {
            offset: 3,
            item_type: ItemType::Integer
        })
    );
}

#[test]
fn errors_say_where_and_never_what() {
    let secret = b"\xFFTOP-SECRET-PASSWORD";
    let mut value = secret.to_vec();
    value.resize(secret.len().next_multiple_of(8), 0);
    let bad = wrap(&item(0x4200A1, 7, secret.len() as u32, &value));
    let err = decode(&bad, &limits()).unwrap_err();
    let shown = format!("{err} / {err:?}");
    assert!(shown.contains("at byte 16"), "{shown}");
    assert!(!shown.contains("SECRET"), "{shown}");
    let err: Box<dyn std::error::Error> = Box::new(err);
    assert!(err.to_string().contains("UTF-8"));
}
