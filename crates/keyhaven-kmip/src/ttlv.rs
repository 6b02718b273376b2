//! TTLV items: a 3-byte tag, a 1-byte type, a 4-byte length and the value padded to 8 bytes.

/// The item types of KMIP 1.0-2.1.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemType {
    /// 0x01: a sequence of items.
    Structure,
    /// 0x02: 32-bit signed integer.
    Integer,
    /// 0x03: 64-bit signed integer.
    LongInteger,
    /// 0x04: big-endian two's-complement integer, length a multiple of 8.
    BigInteger,
    /// 0x05: 32-bit unsigned enumeration value.
    Enumeration,
    /// 0x06: 64-bit 0 or 1.
    Boolean,
    /// 0x07: UTF-8 text.
    TextString,
    /// 0x08: bytes.
    ByteString,
    /// 0x09: seconds since the Unix epoch, 64-bit signed.
    DateTime,
    /// 0x0A: seconds, 32-bit unsigned.
    Interval,
    /// 0x0B: microseconds since the Unix epoch, 64-bit signed (KMIP 2.0).
    DateTimeExtended,
}

/// A value of one of the item types.
#[derive(Clone, PartialEq, Eq)]
pub enum Value {
    /// Child items in order.
    Structure(Vec<Ttlv>),
    /// Integer (also usage masks and other bit masks).
    Integer(i32),
    /// Long Integer.
    LongInteger(i64),
    /// Big Integer as big-endian two's-complement bytes (as on the wire, padding included).
    BigInteger(Vec<u8>),
    /// Enumeration value.
    Enumeration(u32),
    /// Boolean.
    Boolean(bool),
    /// Text String.
    TextString(String),
    /// Byte String.
    ByteString(Vec<u8>),
    /// Date-Time: seconds since the epoch.
    DateTime(i64),
    /// Interval: seconds.
    Interval(u32),
    /// Date-Time Extended: microseconds since the epoch.
    DateTimeExtended(i64),
}

/// One item: a tag and a value.
#[derive(Clone, PartialEq, Eq)]
pub struct Ttlv {
    /// The 24-bit tag (0x42xxxx for KMIP's, 0x54xxxx for extensions).
    pub tag: u32,
    /// The value.
    pub value: Value,
}
