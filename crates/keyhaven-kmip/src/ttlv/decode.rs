//! Decoding with strict checks and limits; see [`decode`].

use super::{ItemType, Ttlv, Value};
use std::fmt;

/// Limits that [`decode`] and [`message_length`] enforce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest message, in bytes, header included.
    pub max_message_size: usize,
    /// The deepest nesting: the outermost item has depth 1, its children depth 2, and so on.
    /// It also bounds the recursion of `Drop`, `Clone`, `PartialEq` and `Debug` on the result.
    pub max_depth: usize,
    /// The most items in a message, Structures included.
    pub max_items: usize,
}

impl Default for Limits {
    /// 8 MiB, depth 32, 100 000 items.
    fn default() -> Limits {
        Limits {
            max_message_size: 8 << 20,
            max_depth: 32,
            max_items: 100_000,
        }
    }
}

/// Why bytes are not a valid TTLV item. Each variant carries the byte offset of the problem;
/// none carries item values.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The message is larger than [`Limits::max_message_size`].
    TooLarge {
        /// Offset of the item whose size is refused (0: the message).
        offset: usize,
        /// The size in bytes (declared or actual).
        size: u64,
        /// The limit.
        limit: usize,
    },
    /// The input ends before the item does: a header cut short, or a length that claims more
    /// bytes than remain.
    Truncated {
        /// Offset of the item.
        offset: usize,
        /// Bytes the item needs from its offset on (header, value and padding).
        needed: u64,
        /// Bytes that remain from its offset on.
        available: usize,
    },
    /// A type code that KMIP does not define.
    UnknownType {
        /// Offset of the type byte.
        offset: usize,
        /// The code.
        code: u8,
    },
    /// A length that the type does not allow (fixed-size types, Big Integers that are empty or
    /// not a multiple of 8, Structures that are not a multiple of 8).
    InvalidLength {
        /// Offset of the length field.
        offset: usize,
        /// The item's type.
        item_type: ItemType,
        /// The declared length.
        length: u32,
    },
    /// A Boolean that is neither 0 nor 1.
    InvalidBoolean {
        /// Offset of the value.
        offset: usize,
    },
    /// A Text String that is not UTF-8.
    InvalidUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// A padding byte that is not zero.
    NonZeroPadding {
        /// Offset of the byte.
        offset: usize,
    },
    /// A Structure whose declared length is not the sum of its children's encodings: a child
    /// crosses its end.
    StructureLength {
        /// Offset of the child that crosses the end of its Structure.
        offset: usize,
        /// Offset of the Structure.
        structure: usize,
    },
    /// Bytes after the item.
    TrailingBytes {
        /// Offset of the first extra byte.
        offset: usize,
    },
    /// Nesting deeper than [`Limits::max_depth`].
    TooDeep {
        /// Offset of the item that is too deep.
        offset: usize,
        /// The limit.
        limit: usize,
    },
    /// More items than [`Limits::max_items`].
    TooManyItems {
        /// Offset of the first item over the limit.
        offset: usize,
        /// The limit.
        limit: usize,
    },
    /// A message whose first item is not a Structure.
    NotAStructure {
        /// Offset of the type byte.
        offset: usize,
        /// The type found.
        item_type: ItemType,
    },
}

impl DecodeError {
    /// The byte offset of the problem.
    pub fn offset(&self) -> usize {
        match *self {
            DecodeError::TooLarge { offset, .. }
            | DecodeError::Truncated { offset, .. }
            | DecodeError::UnknownType { offset, .. }
            | DecodeError::InvalidLength { offset, .. }
            | DecodeError::InvalidBoolean { offset }
            | DecodeError::InvalidUtf8 { offset }
            | DecodeError::NonZeroPadding { offset }
            | DecodeError::StructureLength { offset, .. }
            | DecodeError::TrailingBytes { offset }
            | DecodeError::TooDeep { offset, .. }
            | DecodeError::TooManyItems { offset, .. }
            | DecodeError::NotAStructure { offset, .. } => offset,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid TTLV at byte {}: ", self.offset())?;
        match self {
            DecodeError::TooLarge { size, limit, .. } => {
                write!(f, "{size} bytes exceed the limit of {limit} bytes")
            }
            DecodeError::Truncated {
                needed, available, ..
            } => write!(
                f,
                "the item needs {needed} bytes but only {available} remain"
            ),
            DecodeError::UnknownType { code, .. } => write!(f, "unknown item type 0x{code:02X}"),
            DecodeError::InvalidLength {
                item_type, length, ..
            } => write!(f, "length {length} is not valid for a {item_type}"),
            DecodeError::InvalidBoolean { .. } => f.write_str("a Boolean must be 0 or 1"),
            DecodeError::InvalidUtf8 { .. } => f.write_str("the TextString is not valid UTF-8"),
            DecodeError::NonZeroPadding { .. } => f.write_str("padding byte is not zero"),
            DecodeError::StructureLength { structure, .. } => write!(
                f,
                "the item crosses the end of the Structure at byte {structure} \
                 (its length is not the sum of its children)"
            ),
            DecodeError::TrailingBytes { .. } => f.write_str("bytes after the end of the item"),
            DecodeError::TooDeep { limit, .. } => {
                write!(f, "nesting deeper than the limit of {limit}")
            }
            DecodeError::TooManyItems { limit, .. } => {
                write!(f, "more items than the limit of {limit}")
            }
            DecodeError::NotAStructure { item_type, .. } => {
                write!(f, "a message must be a Structure, not a {item_type}")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// The total size (8 + length) of the message whose first 8 bytes are `header`, so that a
/// reader knows how much to read. Refuses, before anything is read or allocated, a first item
/// that is not a Structure and a size over [`Limits::max_message_size`].
pub fn message_length(header: &[u8; 8], limits: &Limits) -> Result<usize, DecodeError> {
    let [_, _, _, code, l0, l1, l2, l3] = *header;
    let item_type =
        ItemType::from_code(code).ok_or(DecodeError::UnknownType { offset: 3, code })?;
    if item_type != ItemType::Structure {
        return Err(DecodeError::NotAStructure {
            offset: 3,
            item_type,
        });
    }
    let length = u32::from_be_bytes([l0, l1, l2, l3]);
    if length % 8 != 0 {
        return Err(DecodeError::InvalidLength {
            offset: 4,
            item_type,
            length,
        });
    }
    let size = 8 + u64::from(length);
    match usize::try_from(size) {
        Ok(total) if total <= limits.max_message_size => Ok(total),
        _ => Err(DecodeError::TooLarge {
            offset: 0,
            size,
            limit: limits.max_message_size,
        }),
    }
}

/// A Structure being decoded.
struct Open {
    tag: u32,
    /// Offset of its header.
    offset: usize,
    /// Offset just past its value.
    end: usize,
    children: Vec<Ttlv>,
}

/// Decodes the single item that `bytes` holds, with the checks described in the module
/// documentation and the `limits`.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Ttlv, DecodeError> {
    if bytes.len() > limits.max_message_size {
        return Err(DecodeError::TooLarge {
            offset: 0,
            size: bytes.len() as u64,
            limit: limits.max_message_size,
        });
    }
    let mut open: Vec<Open> = Vec::new();
    let mut pos = 0usize;
    let mut items = 0usize;
    loop {
        // Close every Structure that ends here; the outermost item closes the message.
        let mut done = None;
        while let Some(top) = open.last() {
            if pos != top.end {
                break;
            }
            let Some(closed) = open.pop() else { break };
            let item = Ttlv::structure(closed.tag, closed.children);
            match open.last_mut() {
                Some(parent) => parent.children.push(item),
                None => done = Some(item),
            }
        }
        if let Some(item) = done {
            return finish(item, pos, bytes.len());
        }

        let (structure, end) = match open.last() {
            Some(top) => (Some(top.offset), top.end),
            None => (None, bytes.len()),
        };
        let (header, rest) = read_header(bytes, pos, structure, end)?;
        items += 1;
        if items > limits.max_items {
            return Err(DecodeError::TooManyItems {
                offset: pos,
                limit: limits.max_items,
            });
        }
        if open.len() >= limits.max_depth {
            return Err(DecodeError::TooDeep {
                offset: pos,
                limit: limits.max_depth,
            });
        }
        if header.item_type == ItemType::Structure {
            open.push(Open {
                tag: header.tag,
                offset: pos,
                end: pos + header.size,
                children: Vec::new(),
            });
            pos += 8;
            continue;
        }
        let value = read_value(header.item_type, rest, pos + 8, header.length as usize)?;
        let item = Ttlv::new(header.tag, value);
        pos += header.size;
        match open.last_mut() {
            Some(parent) => parent.children.push(item),
            None => return finish(item, pos, bytes.len()),
        }
    }
}

fn finish(item: Ttlv, pos: usize, len: usize) -> Result<Ttlv, DecodeError> {
    if pos == len {
        Ok(item)
    } else {
        Err(DecodeError::TrailingBytes { offset: pos })
    }
}

struct Header {
    tag: u32,
    item_type: ItemType,
    length: u32,
    /// Header, value and padding: checked to fit in the input and the enclosing Structure.
    size: usize,
}

/// Reads and checks the header of the item at `pos`, which must end by `end` (the end of the
/// enclosing Structure at offset `structure`, or of the input). Returns the header and the
/// bytes from the value on (value and padding fit in them).
fn read_header(
    bytes: &[u8],
    pos: usize,
    structure: Option<usize>,
    end: usize,
) -> Result<(Header, &[u8]), DecodeError> {
    let here = bytes.get(pos..).unwrap_or_default();
    // `end` is never past the input: a Structure is opened only once it fits.
    let crossing = |needed: u64| match structure {
        Some(structure) if needed <= here.len() as u64 => DecodeError::StructureLength {
            offset: pos,
            structure,
        },
        _ => DecodeError::Truncated {
            offset: pos,
            needed,
            available: here.len(),
        },
    };
    let room = end.saturating_sub(pos) as u64;
    let Some((head, rest)) = here.split_first_chunk::<8>() else {
        return Err(crossing(8));
    };
    if room < 8 {
        return Err(crossing(8));
    }
    let [t0, t1, t2, code, l0, l1, l2, l3] = *head;
    let tag = u32::from_be_bytes([0, t0, t1, t2]);
    let item_type = ItemType::from_code(code).ok_or(DecodeError::UnknownType {
        offset: pos + 3,
        code,
    })?;
    let length = u32::from_be_bytes([l0, l1, l2, l3]);
    let valid = match item_type {
        ItemType::Structure => length % 8 == 0,
        ItemType::BigInteger => length % 8 == 0 && length > 0,
        other => other.fixed_length().is_none_or(|fixed| fixed == length),
    };
    if !valid {
        return Err(DecodeError::InvalidLength {
            offset: pos + 4,
            item_type,
            length,
        });
    }
    let needed = 8 + u64::from(length).next_multiple_of(8);
    let size = match usize::try_from(needed) {
        Ok(size) if needed <= room => size,
        _ => return Err(crossing(needed)),
    };
    Ok((
        Header {
            tag,
            item_type,
            length,
            size,
        },
        rest,
    ))
}

/// Decodes a non-Structure value of `len` bytes at the start of `rest` (which holds the value
/// and its padding; `offset` is where `rest` starts in the message).
fn read_value(
    item_type: ItemType,
    rest: &[u8],
    offset: usize,
    len: usize,
) -> Result<Value, DecodeError> {
    let padded = len.next_multiple_of(8);
    let (value, padding) = rest
        .get(..padded)
        .and_then(|b| b.split_at_checked(len))
        .ok_or(DecodeError::Truncated {
            offset: offset - 8,
            needed: padded as u64 + 8,
            available: rest.len() + 8,
        })?;
    if let Some(i) = padding.iter().position(|&b| b != 0) {
        return Err(DecodeError::NonZeroPadding {
            offset: offset + len + i,
        });
    }
    let four = || value.first_chunk::<4>().copied().unwrap_or_default();
    let eight = || value.first_chunk::<8>().copied().unwrap_or_default();
    Ok(match item_type {
        ItemType::Integer => Value::Integer(i32::from_be_bytes(four())),
        ItemType::Enumeration => Value::Enumeration(u32::from_be_bytes(four())),
        ItemType::Interval => Value::Interval(u32::from_be_bytes(four())),
        ItemType::LongInteger => Value::LongInteger(i64::from_be_bytes(eight())),
        ItemType::DateTime => Value::DateTime(i64::from_be_bytes(eight())),
        ItemType::DateTimeExtended => Value::DateTimeExtended(i64::from_be_bytes(eight())),
        ItemType::Boolean => match u64::from_be_bytes(eight()) {
            0 => Value::Boolean(false),
            1 => Value::Boolean(true),
            _ => return Err(DecodeError::InvalidBoolean { offset }),
        },
        ItemType::BigInteger => Value::BigInteger(value.to_vec()),
        ItemType::ByteString => Value::ByteString(value.to_vec()),
        ItemType::TextString => match std::str::from_utf8(value) {
            Ok(s) => Value::TextString(s.to_owned()),
            Err(e) => {
                return Err(DecodeError::InvalidUtf8 {
                    offset: offset + e.valid_up_to(),
                })
            }
        },
        ItemType::Structure => Value::Structure(Vec::new()),
    })
}
