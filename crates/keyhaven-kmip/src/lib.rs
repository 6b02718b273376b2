//! KMIP for keyhaven, without I/O.
//!
//! - [`ttlv`]: the Tag-Type-Length-Value items and their binary encoding, with strict checks
//!   (lengths, padding, maximum size and nesting depth). Decoding never panics.
//! - [`dict`]: the tag and enumeration dictionary of KMIP 1.0-2.1 (names as the OASIS test
//!   cases spell them).
//! - [`xml`]: the OASIS test-case XML format (request/response pairs) to and from items.
//! - [`message`]: request and response messages, batch items, attributes (1.x and 2.x forms).

pub mod attribute;
pub mod dict;
pub mod message;
pub mod object;
pub mod replay;
pub mod ttlv;
pub mod xml;
