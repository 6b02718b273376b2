//! Inputs kept from fuzzing (`fuzz/` at the workspace root) and other hand-picked edge cases:
//! each must decode without panicking, and when it decodes, re-encode to the same bytes.

use keyhaven_kmip::ttlv::{decode, DecodeError, Limits};

use crate::limits;

/// Decodes `bytes` with the fuzz target's tight limits and with the defaults; a decoded item
/// must encode back to exactly `bytes` (the decoder accepts only the canonical form).
pub fn check(bytes: &[u8]) -> Result<(), DecodeError> {
    let tight = Limits {
        max_message_size: 1 << 16,
        max_depth: 16,
        max_items: 1_000,
    };
    for l in [tight, limits()] {
        if let Ok(item) = decode(bytes, &l) {
            assert_eq!(item.encode(), bytes);
            assert_eq!(decode(&item.encode(), &l), Ok(item));
        }
    }
    decode(bytes, &limits()).map(drop)
}

#[test]
fn edge_cases() {
    assert!(check(&[]).is_err());
    assert!(check(&[0x42]).is_err());
    // An empty Structure and an empty Byte String are valid.
    check(&[0x42, 0, 0x78, 1, 0, 0, 0, 0]).unwrap();
    check(&[0x42, 0, 0x78, 8, 0, 0, 0, 0]).unwrap();
    // The empty Text String too; a Big Integer may not be empty.
    check(&[0x42, 0, 0x78, 7, 0, 0, 0, 0]).unwrap();
    assert!(check(&[0x42, 0, 0x78, 4, 0, 0, 0, 0]).is_err());
    // All ones.
    assert!(check(&[0xFF; 64]).is_err());
}
