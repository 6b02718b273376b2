//! Decodes arbitrary bytes as a TTLV item with tight limits. Decoding must never panic; whatever
//! decodes must encode back to exactly the input (the decoder accepts only the canonical form)
//! and decode again to the same item.

#![no_main]

use keyhaven_kmip::ttlv::{decode, message_length, Limits};
use libfuzzer_sys::fuzz_target;

const LIMITS: Limits = Limits {
    max_message_size: 1 << 16,
    max_depth: 16,
    max_items: 1_000,
};

fuzz_target!(|data: &[u8]| {
    if let Some(header) = data.first_chunk::<8>() {
        if let Ok(total) = message_length(header, &LIMITS) {
            assert!(total >= 8 && total <= LIMITS.max_message_size);
        }
    }
    if let Ok(item) = decode(data, &LIMITS) {
        let wire = item.encode();
        assert_eq!(wire, data, "re-encoding differs from the input");
        assert_eq!(decode(&wire, &LIMITS).as_ref(), Ok(&item));
    }
});
