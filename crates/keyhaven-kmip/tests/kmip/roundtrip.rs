//! Property tests: arbitrary trees round-trip; arbitrary and mutated bytes never panic, and
//! whatever decodes re-encodes to the same bytes.

use keyhaven_kmip::ttlv::{decode, message_length, Limits, Ttlv, Value};
use proptest::prelude::*;

fn tag() -> impl Strategy<Value = u32> {
    prop_oneof![
        0x420001u32..0x420160,
        0x540000u32..0x540010,
        0u32..=0xFF_FFFF
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(Value::Integer),
        any::<i64>().prop_map(Value::LongInteger),
        prop::collection::vec(any::<[u8; 8]>(), 1..5)
            .prop_map(|words| Value::BigInteger(words.concat())),
        any::<u32>().prop_map(Value::Enumeration),
        any::<bool>().prop_map(Value::Boolean),
        any::<String>().prop_map(Value::TextString),
        prop::collection::vec(any::<u8>(), 0..40).prop_map(Value::ByteString),
        any::<i64>().prop_map(Value::DateTime),
        any::<u32>().prop_map(Value::Interval),
        any::<i64>().prop_map(Value::DateTimeExtended),
    ]
}

fn tree() -> impl Strategy<Value = Ttlv> {
    let leaf = (tag(), leaf()).prop_map(|(tag, value)| Ttlv { tag, value });
    leaf.prop_recursive(6, 96, 8, |inner| {
        (tag(), prop::collection::vec(inner, 0..8)).prop_map(|(t, c)| Ttlv::structure(t, c))
    })
}

/// Decoding must not panic; whatever decodes encodes back to the same bytes.
fn decode_is_total_and_canonical(bytes: &[u8]) {
    for limits in [
        Limits::default(),
        Limits {
            max_message_size: 256,
            max_depth: 3,
            max_items: 10,
        },
    ] {
        if let Ok(item) = decode(bytes, &limits) {
            assert_eq!(
                item.encode(),
                bytes,
                "a decoded item must encode to its input"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn trees_round_trip(item in tree()) {
        let wire = item.encode();
        prop_assert_eq!(wire.len() % 8, 0);
        prop_assert_eq!(decode(&wire, &Limits::default()), Ok(item.clone()));
        if matches!(item.value, Value::Structure(_)) {
            let head: [u8; 8] = wire[..8].try_into().unwrap();
            prop_assert_eq!(message_length(&head, &Limits::default()), Ok(wire.len()));
        }
        // encode_into appends.
        let mut out = vec![0xEE; 3];
        item.encode_into(&mut out);
        prop_assert_eq!(&out[3..], &wire[..]);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        decode_is_total_and_canonical(&bytes);
        if let Some(head) = bytes.first_chunk::<8>() {
            let _ = message_length(head, &Limits::default());
        }
    }

    #[test]
    fn mutated_messages_never_panic(
        item in tree(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        shorten in any::<bool>(),
    ) {
        let mut wire = item.encode();
        for (at, byte) in edits {
            let i = at.index(wire.len());
            wire[i] = byte;
        }
        if shorten {
            wire.truncate(cut.index(wire.len() + 1));
        }
        decode_is_total_and_canonical(&wire);
    }
}
