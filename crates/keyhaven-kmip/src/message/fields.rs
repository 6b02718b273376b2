//! A strict reader of the fields of a structure, shared by the message, attribute and object
//! readers.

use std::fmt;

use super::MessageError;
use crate::ttlv::{ItemType, Ttlv, Value};

/// The name of `tag` for error messages (`RequestHeader`, or `0x420077` when unnamed).
pub(crate) fn tag_label(tag: u32) -> String {
    crate::dict::tag_name(tag).map_or_else(|| format!("0x{tag:06X}"), str::to_owned)
}

/// A strict reader of the fields of one structure: each field read at most once, each read
/// checks the item type, and [`Fields::finish`] rejects the fields nobody read.
pub(crate) struct Fields<'a> {
    context: &'static str,
    items: &'a [Ttlv],
    used: Vec<bool>,
    reason: u32,
}

impl<'a> Fields<'a> {
    /// Reads `item`, which must be a Structure tagged `expected`; errors carry `reason`.
    pub(crate) fn new(
        item: &'a Ttlv,
        expected: u32,
        context: &'static str,
        reason: u32,
    ) -> Result<Self, MessageError> {
        if item.tag != expected {
            return Err(MessageError::new(
                reason,
                format!("expected {context}, found {}", tag_label(item.tag)),
            ));
        }
        Self::any_tag(item, context, reason)
    }

    /// Reads `item`, which must be a Structure (any tag).
    pub(crate) fn any_tag(
        item: &'a Ttlv,
        context: &'static str,
        reason: u32,
    ) -> Result<Self, MessageError> {
        match &item.value {
            Value::Structure(items) => Ok(Self {
                context,
                items,
                used: vec![false; items.len()],
                reason,
            }),
            other => Err(MessageError::new(
                reason,
                format!("{context} must be a Structure, not {}", other.item_type()),
            )),
        }
    }

    /// An error about this structure.
    pub(crate) fn error(&self, message: impl fmt::Display) -> MessageError {
        MessageError::new(self.reason, format!("{}: {message}", self.context))
    }

    /// The field tagged `tag`, if present; an error if it occurs more than once.
    pub(crate) fn opt_item(&mut self, tag: u32) -> Result<Option<&'a Ttlv>, MessageError> {
        let mut found = None;
        let mut duplicate = false;
        for (item, used) in self.items.iter().zip(self.used.iter_mut()) {
            if item.tag == tag {
                duplicate |= found.is_some();
                *used = true;
                found = Some(item);
            }
        }
        if duplicate {
            return Err(self.error(format_args!("{} occurs more than once", tag_label(tag))));
        }
        Ok(found)
    }

    /// The field tagged `tag`; an error if missing.
    pub(crate) fn req_item(&mut self, tag: u32) -> Result<&'a Ttlv, MessageError> {
        self.opt_item(tag)?
            .ok_or_else(|| self.error(format_args!("missing {}", tag_label(tag))))
    }

    /// All fields tagged `tag`, in order.
    pub(crate) fn take_all(&mut self, tag: u32) -> Vec<&'a Ttlv> {
        let mut all = Vec::new();
        for (item, used) in self.items.iter().zip(self.used.iter_mut()) {
            if item.tag == tag {
                *used = true;
                all.push(item);
            }
        }
        all
    }

    /// All fields not read yet, marking them read.
    pub(crate) fn take_rest(&mut self) -> Vec<&'a Ttlv> {
        let mut rest = Vec::new();
        for (item, used) in self.items.iter().zip(self.used.iter_mut()) {
            if !*used {
                *used = true;
                rest.push(item);
            }
        }
        rest
    }

    fn typed<T>(
        &mut self,
        tag: u32,
        want: ItemType,
        get: impl Fn(&'a Ttlv) -> Option<T>,
    ) -> Result<Option<T>, MessageError> {
        match self.opt_item(tag)? {
            None => Ok(None),
            Some(item) => get(item).map(Some).ok_or_else(|| {
                self.error(format_args!(
                    "{} must be {want}, not {}",
                    tag_label(tag),
                    item.item_type()
                ))
            }),
        }
    }

    fn required<T>(&self, tag: u32, value: Option<T>) -> Result<T, MessageError> {
        value.ok_or_else(|| self.error(format_args!("missing {}", tag_label(tag))))
    }

    /// An optional Structure field.
    pub(crate) fn opt_struct(&mut self, tag: u32) -> Result<Option<&'a Ttlv>, MessageError> {
        self.typed(tag, ItemType::Structure, |t| {
            matches!(t.value, Value::Structure(_)).then_some(t)
        })
    }
    /// A required Structure field.
    pub(crate) fn req_struct(&mut self, tag: u32) -> Result<&'a Ttlv, MessageError> {
        let v = self.opt_struct(tag)?;
        self.required(tag, v)
    }
    /// An optional Integer field.
    pub(crate) fn opt_int(&mut self, tag: u32) -> Result<Option<i32>, MessageError> {
        self.typed(tag, ItemType::Integer, Ttlv::as_integer)
    }
    /// A required Integer field.
    pub(crate) fn req_int(&mut self, tag: u32) -> Result<i32, MessageError> {
        let v = self.opt_int(tag)?;
        self.required(tag, v)
    }
    /// An optional Long Integer field.
    pub(crate) fn opt_long(&mut self, tag: u32) -> Result<Option<i64>, MessageError> {
        self.typed(tag, ItemType::LongInteger, Ttlv::as_long)
    }
    /// An optional Big Integer field (bytes as on the wire).
    pub(crate) fn opt_big(&mut self, tag: u32) -> Result<Option<&'a [u8]>, MessageError> {
        self.typed(tag, ItemType::BigInteger, Ttlv::as_big_integer)
    }
    /// An optional Enumeration field.
    pub(crate) fn opt_enum(&mut self, tag: u32) -> Result<Option<u32>, MessageError> {
        self.typed(tag, ItemType::Enumeration, Ttlv::as_enum)
    }
    /// A required Enumeration field.
    pub(crate) fn req_enum(&mut self, tag: u32) -> Result<u32, MessageError> {
        let v = self.opt_enum(tag)?;
        self.required(tag, v)
    }
    /// All Enumeration fields tagged `tag`.
    pub(crate) fn all_enums(&mut self, tag: u32) -> Result<Vec<u32>, MessageError> {
        let items = self.take_all(tag);
        items
            .into_iter()
            .map(|t| {
                t.as_enum().ok_or_else(|| {
                    self.error(format_args!("{} must be Enumeration", tag_label(tag)))
                })
            })
            .collect()
    }
    /// An optional Boolean field.
    pub(crate) fn opt_bool(&mut self, tag: u32) -> Result<Option<bool>, MessageError> {
        self.typed(tag, ItemType::Boolean, Ttlv::as_bool)
    }
    /// An optional Text String field.
    pub(crate) fn opt_text(&mut self, tag: u32) -> Result<Option<String>, MessageError> {
        self.typed(tag, ItemType::TextString, |t| {
            t.as_text().map(str::to_owned)
        })
    }
    /// A required Text String field.
    pub(crate) fn req_text(&mut self, tag: u32) -> Result<String, MessageError> {
        let v = self.opt_text(tag)?;
        self.required(tag, v)
    }
    /// An optional Byte String field.
    pub(crate) fn opt_bytes(&mut self, tag: u32) -> Result<Option<Vec<u8>>, MessageError> {
        self.typed(tag, ItemType::ByteString, |t| {
            t.as_bytes().map(<[u8]>::to_vec)
        })
    }
    /// A required Byte String field.
    pub(crate) fn req_bytes(&mut self, tag: u32) -> Result<Vec<u8>, MessageError> {
        let v = self.opt_bytes(tag)?;
        self.required(tag, v)
    }
    /// An optional Date-Time field (seconds since the epoch).
    pub(crate) fn opt_date_time(&mut self, tag: u32) -> Result<Option<i64>, MessageError> {
        self.typed(tag, ItemType::DateTime, |t| match t.value {
            Value::DateTime(v) => Some(v),
            _ => None,
        })
    }
    /// A required Date-Time field.
    pub(crate) fn req_date_time(&mut self, tag: u32) -> Result<i64, MessageError> {
        let v = self.opt_date_time(tag)?;
        self.required(tag, v)
    }

    /// Succeeds when every field was read; names the first unexpected one otherwise.
    pub(crate) fn finish(self) -> Result<(), MessageError> {
        match self.items.iter().zip(&self.used).find(|(_, used)| !**used) {
            Some((item, _)) => {
                Err(self.error(format_args!("unexpected field {}", tag_label(item.tag))))
            }
            None => Ok(()),
        }
    }
}
