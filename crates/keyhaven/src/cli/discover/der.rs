//! Just enough DER (ITU-T X.690) to read PKCS#1, PKCS#8, SEC1, PBES2 and SubjectPublicKeyInfo
//! structures, and to write the SubjectPublicKeyInfo and PKCS#8 wrappers discovery needs.
//!
//! Only single-byte tags and definite lengths of up to four bytes are accepted: every
//! structure read here uses nothing else, and anything else in a file is not one of them.

use std::fmt;

use zeroize::Zeroizing;

/// `SEQUENCE`.
pub const SEQUENCE: u8 = 0x30;
/// `INTEGER`.
pub const INTEGER: u8 = 0x02;
/// `BIT STRING`.
pub const BIT_STRING: u8 = 0x03;
/// `OCTET STRING`.
pub const OCTET_STRING: u8 = 0x04;
/// `NULL`.
pub const NULL: u8 = 0x05;
/// `OBJECT IDENTIFIER`.
pub const OID: u8 = 0x06;

/// Tag of a constructed context-specific field `[n]` (explicit tagging).
pub const fn explicit(n: u8) -> u8 {
    0xa0 | n
}

/// Tag of a primitive context-specific field `[n]` (implicit tagging of a primitive type).
pub const fn implicit(n: u8) -> u8 {
    0x80 | n
}

/// The input is not the DER structure expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerError(pub &'static str);

impl fmt::Display for DerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// One tag-length-value element.
#[derive(Clone, Copy, Debug)]
pub struct Tlv<'a> {
    /// The identifier octet.
    pub tag: u8,
    /// The value octets.
    pub content: &'a [u8],
}

/// Reads consecutive elements from a byte string.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `input`.
    pub fn new(input: &'a [u8]) -> Reader<'a> {
        Reader { rest: input }
    }

    /// Whether everything has been read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The tag of the next element, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Reads the next element.
    pub fn read(&mut self) -> Result<Tlv<'a>, DerError> {
        let (&tag, after_tag) = self.rest.split_first().ok_or(DerError("truncated"))?;
        if tag & 0x1f == 0x1f {
            return Err(DerError("multi-byte tag"));
        }
        let (&first, mut after_len) = after_tag.split_first().ok_or(DerError("truncated"))?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 {
                return Err(DerError("unsupported length"));
            }
            let (bytes, rest) = split(after_len, count)?;
            after_len = rest;
            bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
        };
        let (content, rest) = split(after_len, len)?;
        self.rest = rest;
        Ok(Tlv { tag, content })
    }

    /// Reads the next element, which must have tag `tag`; returns its content.
    pub fn expect(&mut self, tag: u8) -> Result<&'a [u8], DerError> {
        let tlv = self.read()?;
        if tlv.tag != tag {
            return Err(DerError("unexpected tag"));
        }
        Ok(tlv.content)
    }

    /// Reads the next element if it has tag `tag`.
    pub fn optional(&mut self, tag: u8) -> Result<Option<&'a [u8]>, DerError> {
        if self.peek_tag() == Some(tag) {
            self.expect(tag).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Reads the next element, which must be a SEQUENCE; returns a reader over its content.
    pub fn sequence(&mut self) -> Result<Reader<'a>, DerError> {
        self.expect(SEQUENCE).map(Reader::new)
    }
}

fn split(bytes: &[u8], at: usize) -> Result<(&[u8], &[u8]), DerError> {
    if at > bytes.len() {
        return Err(DerError("truncated"));
    }
    Ok(bytes.split_at(at))
}

/// The content of the single SEQUENCE that makes up all of `input`.
pub fn whole_sequence(input: &[u8]) -> Result<Reader<'_>, DerError> {
    let mut outer = Reader::new(input);
    let inner = outer.sequence()?;
    if !outer.is_empty() {
        return Err(DerError("trailing data"));
    }
    Ok(inner)
}

/// The number of significant bits of a non-negative big-endian INTEGER content.
pub fn uint_bits(content: &[u8]) -> u32 {
    let digits = strip_zeros(content);
    match digits.first() {
        None => 0,
        Some(&top) => {
            let rest = u32::try_from(digits.len() - 1).unwrap_or(u32::MAX / 8);
            rest.saturating_mul(8) + (8 - top.leading_zeros())
        }
    }
}

/// A small non-negative INTEGER content as a number (`None` if negative or over 64 bits).
pub fn small_uint(content: &[u8]) -> Option<u64> {
    if content.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let digits = strip_zeros(content);
    if digits.len() > 8 {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
    )
}

fn strip_zeros(content: &[u8]) -> &[u8] {
    let zeros = content.iter().take_while(|&&b| b == 0).count();
    content.get(zeros..).unwrap_or_default()
}

/// The dotted form of an OBJECT IDENTIFIER content (`1.2.840.113549.1.1.1`).
pub fn oid_string(content: &[u8]) -> Result<String, DerError> {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    let mut pending = false;
    for &b in content {
        if value > (u64::MAX >> 7) {
            return Err(DerError("OID arc too large"));
        }
        value = (value << 7) | u64::from(b & 0x7f);
        pending = b & 0x80 != 0;
        if !pending {
            if arcs.is_empty() {
                let first = (value / 40).min(2);
                arcs.push(first);
                arcs.push(value - first * 40);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    if pending || arcs.is_empty() {
        return Err(DerError("malformed OID"));
    }
    Ok(arcs
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join("."))
}

/// Reads an AlgorithmIdentifier: its OID (dotted) and the raw parameters element, if any.
pub fn algorithm_identifier<'a>(
    reader: &mut Reader<'a>,
) -> Result<(String, Option<Tlv<'a>>), DerError> {
    let mut alg = reader.sequence()?;
    let oid = oid_string(alg.expect(OID)?)?;
    let params = if alg.is_empty() {
        None
    } else {
        Some(alg.read()?)
    };
    Ok((oid, params))
}

/// Encodes one element.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(content);
    out
}

/// Encodes a SEQUENCE of already-encoded elements (the parts may be private key material:
/// the intermediate copy is zeroized).
pub fn sequence(parts: &[&[u8]]) -> Vec<u8> {
    tlv(SEQUENCE, &Zeroizing::new(parts.concat()))
}

/// Encodes a non-negative INTEGER from big-endian magnitude bytes (leading zeros allowed).
pub fn uint(magnitude: &[u8]) -> Vec<u8> {
    let digits = strip_zeros(magnitude);
    let mut content = Vec::with_capacity(digits.len() + 1);
    if digits.first().is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(digits);
    tlv(INTEGER, &content)
}

/// Encodes a dotted OID; `None` if it is not one.
pub fn oid(dotted: &str) -> Option<Vec<u8>> {
    let arcs: Vec<u64> = dotted
        .split('.')
        .map(|a| a.parse().ok())
        .collect::<Option<_>>()?;
    let (&first, rest) = arcs.split_first()?;
    let (&second, rest) = rest.split_first()?;
    if first > 2 || (first < 2 && second >= 40) {
        return None;
    }
    let mut content = Vec::new();
    for arc in std::iter::once(first * 40 + second).chain(rest.iter().copied()) {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut v = arc >> 7;
        while v > 0 {
            groups.push((v & 0x7f) as u8 | 0x80);
            v >>= 7;
        }
        content.extend(groups.iter().rev());
    }
    Some(tlv(OID, &content))
}

/// Encodes a BIT STRING with no unused bits.
pub fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut content = Vec::with_capacity(bytes.len() + 1);
    content.push(0);
    content.extend_from_slice(bytes);
    tlv(BIT_STRING, &content)
}

/// The bytes of a BIT STRING content with no unused bits.
pub fn bit_string_bytes(content: &[u8]) -> Result<&[u8], DerError> {
    match content.split_first() {
        Some((0, bytes)) => Ok(bytes),
        _ => Err(DerError("BIT STRING with unused bits")),
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn oids_round_trip() {
        for dotted in [
            "1.2.840.113549.1.1.1",
            "1.3.101.112",
            "2.16.840.1.101.3.4.3.17",
            "1.2.840.10045.3.1.7",
            "2.999.3",
        ] {
            let der = oid(dotted).unwrap();
            let mut r = Reader::new(&der);
            assert_eq!(oid_string(r.expect(OID).unwrap()).unwrap(), dotted);
        }
        assert_eq!(
            oid("1.2.840.113549.1.1.1").unwrap(),
            [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]
        );
        assert!(oid("3.1").is_none());
        assert!(oid_string(&[0x86]).is_err());
    }

    #[test]
    fn lengths_and_integers() {
        let long = vec![7u8; 300];
        let der = tlv(OCTET_STRING, &long);
        assert_eq!(&der[..4], &[0x04, 0x82, 0x01, 0x2c]);
        let mut r = Reader::new(&der);
        let t = r.read().unwrap();
        assert_eq!(t.content.len(), 300);
        assert!(r.is_empty());
        assert_eq!(uint(&[0x00, 0x80]), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(uint(&[]), [0x02, 0x01, 0x00]);
        assert_eq!(uint_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(uint_bits(&[0x01]), 1);
        assert_eq!(small_uint(&[0x08, 0x00]), Some(2048));
        assert_eq!(small_uint(&[0x80]), None);
    }

    #[test]
    fn malformed_input_is_an_error() {
        for bad in [
            &[][..],
            &[0x30],
            &[0x30, 0x05, 0x02],
            &[0x30, 0x85, 1, 1, 1, 1, 1],
            &[0x1f, 0x01, 0x00],
            &[0x30, 0x80, 0x00, 0x00],
        ] {
            assert!(Reader::new(bad).read().is_err(), "{bad:?}");
        }
        assert!(whole_sequence(&[0x30, 0x00, 0x00]).is_err());
        assert!(whole_sequence(&[0x30, 0x00]).is_ok());
    }
}
