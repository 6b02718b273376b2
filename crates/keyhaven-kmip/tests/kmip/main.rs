//! The keyhaven-kmip test binary: the TTLV codec against hostile input (every error kind, at
//! its offset), property tests (round trips of arbitrary trees, arbitrary and mutated bytes
//! never panic) and inputs kept from fuzzing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod hostile;
mod regressions;
mod roundtrip;

use keyhaven_kmip::ttlv::{Limits, Ttlv};

/// A realistic KMIP 1.4 request: Create an AES-256 key with a usage mask and a name.
pub fn create_request() -> Ttlv {
    let attribute = |name: &str, value: Ttlv| {
        Ttlv::structure(
            0x420008,
            vec![Ttlv::text(0x42000A, name), value.with_tag(0x42000B)],
        )
    };
    Ttlv::structure(
        0x420078,
        vec![
            Ttlv::structure(
                0x420077,
                vec![
                    Ttlv::structure(
                        0x420069,
                        vec![Ttlv::integer(0x42006A, 1), Ttlv::integer(0x42006B, 4)],
                    ),
                    Ttlv::long_integer(0x420092, 1_700_000_000),
                    Ttlv::boolean(0x420010, true),
                    Ttlv::integer(0x42000D, 1),
                ],
            ),
            Ttlv::structure(
                0x42000F,
                vec![
                    Ttlv::enumeration(0x42005C, 1),
                    Ttlv::bytes(0x420093, vec![0x0A, 0x0B, 0x0C]),
                    Ttlv::structure(
                        0x420079,
                        vec![
                            Ttlv::enumeration(0x420057, 2),
                            Ttlv::structure(
                                0x420091,
                                vec![
                                    attribute("Cryptographic Algorithm", Ttlv::enumeration(0, 3)),
                                    attribute("Cryptographic Length", Ttlv::integer(0, 256)),
                                    attribute("Cryptographic Usage Mask", Ttlv::integer(0, 12)),
                                    attribute(
                                        "Name",
                                        Ttlv::structure(
                                            0,
                                            vec![
                                                Ttlv::text(0x420055, "my key"),
                                                Ttlv::enumeration(0x420054, 1),
                                            ],
                                        ),
                                    ),
                                    attribute("Activation Date", Ttlv::date_time(0, 1_700_000_000)),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
        ],
    )
}

/// Retagging for the builders above.
trait WithTag {
    fn with_tag(self, tag: u32) -> Ttlv;
}

impl WithTag for Ttlv {
    fn with_tag(mut self, tag: u32) -> Ttlv {
        self.tag = tag;
        self
    }
}

/// The default limits.
pub fn limits() -> Limits {
    Limits::default()
}

/// An 8-byte header.
pub fn header(tag: u32, code: u8, len: u32) -> Vec<u8> {
    let mut h = tag.to_be_bytes()[1..].to_vec();
    h.push(code);
    h.extend_from_slice(&len.to_be_bytes());
    h
}
