//! TTLV items: a 3-byte tag, a 1-byte type, a 4-byte length and the value padded to 8 bytes.
//!
//! [`Ttlv::encode`] writes the binary form; [`decode`] reads it back with strict checks (known
//! type codes, exact lengths, zero padding, structure lengths that match their children, no
//! trailing bytes) and the [`Limits`] on size, nesting depth and item count. Decoding never
//! panics, never recurses, and allocates nothing for lengths that claim more than the input holds.

use std::fmt;

mod decode;
#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests;

pub use decode::{decode, message_length, DecodeError, Limits};

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

impl ItemType {
    /// The type code on the wire (0x01 for Structure ... 0x0B for Date-Time Extended).
    pub fn code(self) -> u8 {
        match self {
            ItemType::Structure => 0x01,
            ItemType::Integer => 0x02,
            ItemType::LongInteger => 0x03,
            ItemType::BigInteger => 0x04,
            ItemType::Enumeration => 0x05,
            ItemType::Boolean => 0x06,
            ItemType::TextString => 0x07,
            ItemType::ByteString => 0x08,
            ItemType::DateTime => 0x09,
            ItemType::Interval => 0x0A,
            ItemType::DateTimeExtended => 0x0B,
        }
    }

    /// The type of wire code `code`, `None` for codes KMIP does not define.
    pub fn from_code(code: u8) -> Option<ItemType> {
        Some(match code {
            0x01 => ItemType::Structure,
            0x02 => ItemType::Integer,
            0x03 => ItemType::LongInteger,
            0x04 => ItemType::BigInteger,
            0x05 => ItemType::Enumeration,
            0x06 => ItemType::Boolean,
            0x07 => ItemType::TextString,
            0x08 => ItemType::ByteString,
            0x09 => ItemType::DateTime,
            0x0A => ItemType::Interval,
            0x0B => ItemType::DateTimeExtended,
            _ => return None,
        })
    }

    /// The length every value of this type has, for the fixed-size types.
    pub fn fixed_length(self) -> Option<u32> {
        match self {
            ItemType::Integer | ItemType::Enumeration | ItemType::Interval => Some(4),
            ItemType::LongInteger
            | ItemType::Boolean
            | ItemType::DateTime
            | ItemType::DateTimeExtended => Some(8),
            _ => None,
        }
    }

    /// The type's name as the KMIP XML encoding spells it (`"Integer"`, `"TextString"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ItemType::Structure => "Structure",
            ItemType::Integer => "Integer",
            ItemType::LongInteger => "LongInteger",
            ItemType::BigInteger => "BigInteger",
            ItemType::Enumeration => "Enumeration",
            ItemType::Boolean => "Boolean",
            ItemType::TextString => "TextString",
            ItemType::ByteString => "ByteString",
            ItemType::DateTime => "DateTime",
            ItemType::Interval => "Interval",
            ItemType::DateTimeExtended => "DateTimeExtended",
        }
    }
}

impl fmt::Display for ItemType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A value of one of the item types.
///
/// `Debug` shows neither Byte String nor Big Integer contents (only their length): they may be
/// key material.
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

impl Value {
    /// The item type of this value.
    pub fn item_type(&self) -> ItemType {
        match self {
            Value::Structure(_) => ItemType::Structure,
            Value::Integer(_) => ItemType::Integer,
            Value::LongInteger(_) => ItemType::LongInteger,
            Value::BigInteger(_) => ItemType::BigInteger,
            Value::Enumeration(_) => ItemType::Enumeration,
            Value::Boolean(_) => ItemType::Boolean,
            Value::TextString(_) => ItemType::TextString,
            Value::ByteString(_) => ItemType::ByteString,
            Value::DateTime(_) => ItemType::DateTime,
            Value::Interval(_) => ItemType::Interval,
            Value::DateTimeExtended(_) => ItemType::DateTimeExtended,
        }
    }
}

/// The tag of the Password text string of a Credential: `Debug` hides its contents too.
const PASSWORD_TAG: u32 = 0x4200A1;

/// `Debug` of a value, with Text String contents hidden when `hide_text` is set.
struct ValueDebug<'a> {
    value: &'a Value,
    hide_text: bool,
}

impl fmt::Debug for ValueDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.value {
            Value::Structure(children) => f.debug_list().entries(children).finish(),
            Value::Integer(v) => write!(f, "Integer({v})"),
            Value::LongInteger(v) => write!(f, "LongInteger({v})"),
            Value::BigInteger(b) => write!(f, "BigInteger(<{} bytes>)", b.len()),
            Value::Enumeration(v) => write!(f, "Enumeration(0x{v:08X})"),
            Value::Boolean(v) => write!(f, "Boolean({v})"),
            Value::TextString(s) if self.hide_text => {
                write!(f, "TextString(<{} bytes hidden>)", s.len())
            }
            Value::TextString(s) => write!(f, "TextString({s:?})"),
            Value::ByteString(b) => write!(f, "ByteString(<{} bytes>)", b.len()),
            Value::DateTime(v) => write!(f, "DateTime({v})"),
            Value::Interval(v) => write!(f, "Interval({v})"),
            Value::DateTimeExtended(v) => write!(f, "DateTimeExtended({v})"),
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = ValueDebug {
            value: self,
            hide_text: false,
        };
        fmt::Debug::fmt(&shown, f)
    }
}

/// One item: a tag and a value.
///
/// `Debug` prints the tag in hex (`0x42007C`) and hides Byte String and Big Integer contents,
/// and the text of a Password item.
#[derive(Clone, PartialEq, Eq)]
pub struct Ttlv {
    /// The 24-bit tag (0x42xxxx for KMIP's, 0x54xxxx for extensions).
    pub tag: u32,
    /// The value.
    pub value: Value,
}

impl fmt::Debug for Ttlv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = ValueDebug {
            value: &self.value,
            hide_text: self.tag == PASSWORD_TAG,
        };
        write!(f, "0x{:06X} ", self.tag)?;
        fmt::Debug::fmt(&value, f)
    }
}

/// Constructors and accessors.
/// Zeroizing a TTLV tree is [`Ttlv::wipe`]: every byte string, big integer and text string
/// below is overwritten.
impl zeroize::Zeroize for Ttlv {
    fn zeroize(&mut self) {
        self.wipe();
    }
}

impl Ttlv {
    /// An item with tag `tag` and value `value`.
    pub fn new(tag: u32, value: Value) -> Ttlv {
        Ttlv { tag, value }
    }
    /// A Structure of `children`.
    pub fn structure(tag: u32, children: Vec<Ttlv>) -> Ttlv {
        Ttlv::new(tag, Value::Structure(children))
    }
    /// An Integer.
    pub fn integer(tag: u32, v: i32) -> Ttlv {
        Ttlv::new(tag, Value::Integer(v))
    }
    /// A Long Integer.
    pub fn long_integer(tag: u32, v: i64) -> Ttlv {
        Ttlv::new(tag, Value::LongInteger(v))
    }
    /// A Big Integer of big-endian two's-complement bytes (sign-extended to a multiple of 8
    /// bytes when encoded).
    pub fn big_integer(tag: u32, bytes: Vec<u8>) -> Ttlv {
        Ttlv::new(tag, Value::BigInteger(bytes))
    }
    /// An Enumeration.
    pub fn enumeration(tag: u32, v: u32) -> Ttlv {
        Ttlv::new(tag, Value::Enumeration(v))
    }
    /// A Boolean.
    pub fn boolean(tag: u32, v: bool) -> Ttlv {
        Ttlv::new(tag, Value::Boolean(v))
    }
    /// A Text String.
    pub fn text(tag: u32, s: impl Into<String>) -> Ttlv {
        Ttlv::new(tag, Value::TextString(s.into()))
    }
    /// A Byte String.
    pub fn bytes(tag: u32, b: Vec<u8>) -> Ttlv {
        Ttlv::new(tag, Value::ByteString(b))
    }
    /// A Date-Time (seconds since the epoch).
    pub fn date_time(tag: u32, seconds: i64) -> Ttlv {
        Ttlv::new(tag, Value::DateTime(seconds))
    }
    /// An Interval (seconds).
    pub fn interval(tag: u32, seconds: u32) -> Ttlv {
        Ttlv::new(tag, Value::Interval(seconds))
    }
    /// A Date-Time Extended (microseconds since the epoch).
    pub fn date_time_extended(tag: u32, micros: i64) -> Ttlv {
        Ttlv::new(tag, Value::DateTimeExtended(micros))
    }

    /// The item type of the value.
    pub fn item_type(&self) -> ItemType {
        self.value.item_type()
    }
    /// The children of a Structure; empty for other types.
    pub fn children(&self) -> &[Ttlv] {
        match &self.value {
            Value::Structure(c) => c,
            _ => &[],
        }
    }
    /// The first child tagged `tag`.
    pub fn child(&self, tag: u32) -> Option<&Ttlv> {
        self.children().iter().find(|c| c.tag == tag)
    }
    /// The children tagged `tag`, in order.
    pub fn children_with(&self, tag: u32) -> impl Iterator<Item = &Ttlv> {
        self.children().iter().filter(move |c| c.tag == tag)
    }
    /// Overwrites with zeros every Byte String, Big Integer and Text String in this item and
    /// below (they may hold key material or passwords), leaving the structure in place. Call it
    /// on requests and responses once they are handled or sent.
    pub fn wipe(&mut self) {
        use zeroize::Zeroize;
        let mut stack: Vec<&mut Ttlv> = vec![self];
        while let Some(item) = stack.pop() {
            match &mut item.value {
                Value::Structure(children) => stack.extend(children.iter_mut()),
                Value::ByteString(b) | Value::BigInteger(b) => b.zeroize(),
                Value::TextString(t) => t.zeroize(),
                _ => {}
            }
        }
    }

    /// The children of a Structure, taken out; empty for other types.
    pub fn into_children(self) -> Vec<Ttlv> {
        match self.value {
            Value::Structure(c) => c,
            _ => Vec::new(),
        }
    }
    /// The value of an Integer.
    pub fn as_integer(&self) -> Option<i32> {
        match self.value {
            Value::Integer(v) => Some(v),
            _ => None,
        }
    }
    /// The value of a Long Integer.
    pub fn as_long(&self) -> Option<i64> {
        match self.value {
            Value::LongInteger(v) => Some(v),
            _ => None,
        }
    }
    /// The bytes of a Big Integer.
    pub fn as_big_integer(&self) -> Option<&[u8]> {
        match &self.value {
            Value::BigInteger(b) => Some(b),
            _ => None,
        }
    }
    /// The value of an Enumeration.
    pub fn as_enum(&self) -> Option<u32> {
        match self.value {
            Value::Enumeration(v) => Some(v),
            _ => None,
        }
    }
    /// The value of a Boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Boolean(v) => Some(v),
            _ => None,
        }
    }
    /// The text of a Text String.
    pub fn as_text(&self) -> Option<&str> {
        match &self.value {
            Value::TextString(s) => Some(s),
            _ => None,
        }
    }
    /// The bytes of a Byte String.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.value {
            Value::ByteString(b) => Some(b),
            _ => None,
        }
    }
    /// Seconds since the epoch of a Date-Time, or of a Date-Time Extended (rounded down).
    pub fn as_date_time(&self) -> Option<i64> {
        match self.value {
            Value::DateTime(v) => Some(v),
            Value::DateTimeExtended(us) => Some(us.div_euclid(1_000_000)),
            _ => None,
        }
    }
    /// The seconds of an Interval.
    pub fn as_interval(&self) -> Option<u32> {
        match self.value {
            Value::Interval(v) => Some(v),
            _ => None,
        }
    }
}

/// Encoding.
impl Ttlv {
    /// The binary TTLV encoding of this item.
    ///
    /// Tags are written as their low 24 bits. Big Integers whose length is not a multiple of 8
    /// are sign-extended (an empty one is written as zero). Lengths above 4 GiB, which a message
    /// cannot carry, are written as 0xFFFFFFFF (and so refused by the decoder).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    /// Appends the binary TTLV encoding of this item to `out` (iteratively: nesting depth does
    /// not use stack).
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        // One entry per open Structure: its remaining children and where its length field is.
        let mut open: Vec<(std::slice::Iter<'_, Ttlv>, usize)> = Vec::new();
        let mut next = Some(self);
        loop {
            if let Some(item) = next.take() {
                if let Value::Structure(children) = &item.value {
                    put_header(out, item.tag, ItemType::Structure, 0);
                    open.push((children.iter(), out.len()));
                } else {
                    put_primitive(out, item);
                }
            }
            let Some((children, value_start)) = open.last_mut() else {
                return;
            };
            match children.next() {
                Some(child) => next = Some(child),
                None => {
                    let start = *value_start;
                    let len = u32::try_from(out.len().saturating_sub(start)).unwrap_or(u32::MAX);
                    if let Some(field) = out.get_mut(start.saturating_sub(4)..start) {
                        field.copy_from_slice(&len.to_be_bytes());
                    }
                    open.pop();
                }
            }
        }
    }
}

fn put_header(out: &mut Vec<u8>, tag: u32, item_type: ItemType, len: u32) {
    let [_, t0, t1, t2] = tag.to_be_bytes();
    out.extend_from_slice(&[t0, t1, t2, item_type.code()]);
    out.extend_from_slice(&len.to_be_bytes());
}

/// Writes header, value and zero padding of a non-Structure item.
fn put_primitive(out: &mut Vec<u8>, item: &Ttlv) {
    let mut put = |n: usize, bytes: &[u8]| {
        let len = u32::try_from(n).unwrap_or(u32::MAX);
        put_header(out, item.tag, item.value.item_type(), len);
        out.extend_from_slice(bytes);
        out.resize(out.len() + (8 - n % 8) % 8, 0);
    };
    match &item.value {
        Value::Structure(_) => {}
        Value::Integer(v) => put(4, &v.to_be_bytes()),
        Value::LongInteger(v) => put(8, &v.to_be_bytes()),
        Value::Enumeration(v) => put(4, &v.to_be_bytes()),
        Value::Boolean(v) => put(8, &u64::from(*v).to_be_bytes()),
        Value::DateTime(v) => put(8, &v.to_be_bytes()),
        Value::Interval(v) => put(4, &v.to_be_bytes()),
        Value::DateTimeExtended(v) => put(8, &v.to_be_bytes()),
        Value::TextString(s) => put(s.len(), s.as_bytes()),
        Value::ByteString(b) => put(b.len(), b),
        Value::BigInteger(b) => {
            let extend = (8 - b.len() % 8) % 8 + if b.is_empty() { 8 } else { 0 };
            let negative = b.first().is_some_and(|first| first & 0x80 != 0);
            let len = u32::try_from(b.len().saturating_add(extend)).unwrap_or(u32::MAX);
            put_header(out, item.tag, ItemType::BigInteger, len);
            out.resize(out.len() + extend, if negative { 0xFF } else { 0x00 });
            out.extend_from_slice(b);
        }
    }
}
