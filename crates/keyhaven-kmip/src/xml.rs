//! The OASIS KMIP test-case XML format.
//!
//! A test-case file is a `<KMIP>` element holding `RequestMessage` and `ResponseMessage`
//! elements in turn. Every element is one TTLV item: its name is the tag's name (`BatchItem`),
//! attribute `type` gives the item type (absent for a Structure) and attribute `value` the value:
//!
//! | type | value |
//! |---|---|
//! | Integer | decimal, `0x` hex (32 bits, two's complement), or mask flag names separated by spaces or `\|` |
//! | LongInteger | decimal or `0x` hex |
//! | BigInteger | hex (with or without `0x`) of the big-endian two's-complement bytes |
//! | Enumeration | the value's name (`SymmetricKey`) or `0x` hex |
//! | Boolean | `true` or `false` |
//! | TextString | the text |
//! | ByteString | hex |
//! | DateTime | ISO 8601 (`2001-01-01T10:00:00+00:00`), `0x` hex, or `$NOW`, `$NOW-3600`, `$NOW+60` |
//! | Interval | decimal or `0x` hex |
//! | DateTimeExtended | ISO 8601 with up to 6 fraction digits, `0x` hex (microseconds), or `$NOW...` |
//!
//! Enumeration names and mask flags of an `AttributeValue` are those of the attribute that the
//! sibling `AttributeName` names (`Cryptographic Usage Mask` → flags `Encrypt Decrypt`). Values
//! `$NAME` (`$UNIQUE_IDENTIFIER_0`, `$DATA_0`, ...) are placeholders for values learnt while a
//! test runs: [`Bindings`] holds them. An element whose tag has no name can be written
//! `<TTLV tag="0x540001" type="..." value="..."/>`.
//!
//! The reader accepts the XML declaration, processing instructions, comments, a DOCTYPE without
//! internal subset, and the entities `&amp; &lt; &gt; &quot; &apos;` and `&#..;` / `&#x..;` in
//! attribute values; it refuses text content, CDATA, unknown attributes and unknown element names,
//! naming line and column.

use std::collections::BTreeMap;
use std::fmt;

use crate::dict;
use crate::ttlv::{ItemType, Ttlv, Value};

/// The deepest element nesting accepted (the `<KMIP>` wrapper counts).
pub const MAX_DEPTH: usize = 64;

/// The element name used for items whose tag has no name (with a `tag` attribute).
pub const UNNAMED_ELEMENT: &str = "TTLV";

/// One parsed element: one TTLV item whose value may still be symbolic.
#[derive(Clone, PartialEq, Eq)]
pub struct XmlNode {
    /// The tag (from the element name, or from the `tag` attribute); 0 for the `<KMIP>` wrapper.
    pub tag: u32,
    /// The element name (`RequestMessage`, `UniqueIdentifier`, ...).
    pub name: String,
    /// The `type` attribute; `None` for a Structure.
    pub kind: Option<ItemType>,
    /// The `value` attribute as written (entities decoded), `None` if absent.
    pub value: Option<String>,
    /// Child elements in order.
    pub children: Vec<XmlNode>,
    /// Line (from 1) of the element's `<`; 0 for nodes not read from text.
    pub line: u32,
    /// Column (from 1, in characters) of the element's `<`; 0 for nodes not read from text.
    pub column: u32,
}

impl XmlNode {
    /// A Structure node (position 0:0) with tag `tag`, named after the dictionary.
    pub fn structure(tag: u32, children: Vec<XmlNode>) -> XmlNode {
        XmlNode {
            tag,
            name: element_name(tag),
            kind: None,
            value: None,
            children,
            line: 0,
            column: 0,
        }
    }

    /// A primitive node (position 0:0) with tag `tag`, type `kind` and value text `value`.
    pub fn leaf(tag: u32, kind: ItemType, value: impl Into<String>) -> XmlNode {
        XmlNode {
            tag,
            name: element_name(tag),
            kind: Some(kind),
            value: Some(value.into()),
            children: Vec::new(),
            line: 0,
            column: 0,
        }
    }

    /// Whether this is a Structure (no `type`, or `type="Structure"`).
    pub fn is_structure(&self) -> bool {
        matches!(self.kind, None | Some(ItemType::Structure))
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&XmlNode> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The children named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a XmlNode> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The value text, `""` when absent.
    pub fn text(&self) -> &str {
        self.value.as_deref().unwrap_or("")
    }
}

/// `Debug` hides the values of items that may hold key material (see [`is_secret_tag`]).
impl fmt::Debug for XmlNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = match &self.value {
            Some(_) if is_secret_tag(self.tag) => Some("<redacted>"),
            other => other.as_deref(),
        };
        f.debug_struct("XmlNode")
            .field("name", &self.name)
            .field("tag", &format_args!("0x{:06X}", self.tag))
            .field("kind", &self.kind)
            .field("value", &value)
            .field("children", &self.children)
            .field("line", &self.line)
            .field("column", &self.column)
            .finish()
    }
}

/// Whether items with `tag` may hold secrets (key material, passwords): their values are never
/// shown in `Debug` output or in differences.
pub fn is_secret_tag(tag: u32) -> bool {
    matches!(
        dict::tag_name(tag),
        Some(
            "KeyMaterial"
                | "Key"
                | "KeyValue"
                | "PrivateExponent"
                | "P"
                | "Q"
                | "D"
                | "X"
                | "PrimeExponentP"
                | "PrimeExponentQ"
                | "CRTCoefficient"
                | "Password"
                | "OpaqueDataValue"
        )
    )
}

/// An error of the XML reader or of the conversion to items, with the element's position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlError {
    /// Line from 1 (0 if unknown).
    pub line: u32,
    /// Column from 1 (0 if unknown).
    pub column: u32,
    /// What is wrong. Never contains Byte String values.
    pub message: String,
}

impl XmlError {
    fn new(line: u32, column: u32, message: impl Into<String>) -> XmlError {
        XmlError {
            line,
            column,
            message: message.into(),
        }
    }

    fn at(node: &XmlNode, message: impl fmt::Display) -> XmlError {
        XmlError::new(
            node.line,
            node.column,
            format!("<{}>: {message}", node.name),
        )
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            )
        }
    }
}

impl std::error::Error for XmlError {}

// ---------------------------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------------------------

struct Reader<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
    column: u32,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Reader<'a> {
        Reader {
            text,
            pos: 0,
            line: 1,
            column: 1,
        }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos = self.pos.saturating_add(c.len_utf8());
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else {
            self.column = self.column.saturating_add(1);
        }
        Some(c)
    }

    fn starts_with(&self, s: &str) -> bool {
        self.rest().starts_with(s)
    }

    fn eat(&mut self, s: &str) -> bool {
        if !self.starts_with(s) {
            return false;
        }
        for _ in s.chars() {
            self.bump();
        }
        true
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\r' | '\n')) {
            self.bump();
        }
    }

    fn error(&self, message: impl Into<String>) -> XmlError {
        XmlError::new(self.line, self.column, message)
    }

    /// Skips the construct that starts here with `start` and ends with `end`; an error at its
    /// start naming `what` if the text ends first.
    fn skip_construct(&mut self, start: &str, end: &str, what: &str) -> Result<(), XmlError> {
        let (line, column) = (self.line, self.column);
        self.eat(start);
        loop {
            if self.eat(end) {
                return Ok(());
            }
            if self.bump().is_none() {
                return Err(XmlError::new(line, column, format!("unterminated {what}")));
            }
        }
    }

    fn name(&mut self) -> Result<String, XmlError> {
        let mut name = String::new();
        match self.peek() {
            Some(c) if c.is_alphabetic() || c == '_' || c == ':' => {}
            Some(c) => return Err(self.error(format!("'{c}' cannot start a name"))),
            None => return Err(self.error("unexpected end of text, expected a name")),
        }
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.') {
                name.push(c);
                self.bump();
            } else {
                break;
            }
        }
        Ok(name)
    }

    fn attribute_value(&mut self) -> Result<String, XmlError> {
        let quote = match self.peek() {
            Some(q @ ('"' | '\'')) => q,
            _ => return Err(self.error("expected a quoted attribute value")),
        };
        let (line, column) = (self.line, self.column);
        self.bump();
        let mut out = String::new();
        loop {
            let (l, c) = (self.line, self.column);
            match self.bump() {
                None => return Err(XmlError::new(line, column, "unterminated attribute value")),
                Some(ch) if ch == quote => return Ok(out),
                Some('<') => return Err(XmlError::new(l, c, "'<' in an attribute value")),
                Some('&') => {
                    let mut entity = String::new();
                    loop {
                        match self.bump() {
                            Some(';') => break,
                            Some(ch) if entity.len() < 12 && ch != quote => entity.push(ch),
                            _ => return Err(XmlError::new(l, c, "unterminated entity reference")),
                        }
                    }
                    let ch = decode_entity(&entity).ok_or_else(|| {
                        XmlError::new(l, c, format!("unknown entity '&{entity};'"))
                    })?;
                    out.push(ch);
                }
                // Attribute-value normalization of XML 1.0.
                Some('\t' | '\n' | '\r') => out.push(' '),
                Some(ch) => out.push(ch),
            }
        }
    }
}

fn decode_entity(entity: &str) -> Option<char> {
    match entity {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = entity.strip_prefix('#')?;
            let code = match number
                .strip_prefix('x')
                .or_else(|| number.strip_prefix('X'))
            {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse::<u32>().ok()?,
            };
            char::from_u32(code).filter(|c| *c != '\0')
        }
    }
}

fn parse_type(name: &str) -> Option<ItemType> {
    Some(match name {
        "Structure" => ItemType::Structure,
        "Integer" => ItemType::Integer,
        "LongInteger" => ItemType::LongInteger,
        "BigInteger" => ItemType::BigInteger,
        "Enumeration" => ItemType::Enumeration,
        "Boolean" => ItemType::Boolean,
        "TextString" => ItemType::TextString,
        "ByteString" => ItemType::ByteString,
        "DateTime" => ItemType::DateTime,
        "Interval" => ItemType::Interval,
        "DateTimeExtended" => ItemType::DateTimeExtended,
        _ => return None,
    })
}

/// Parses a document: returns its top-level elements in order, with the children of a root
/// `<KMIP>` wrapper in its place. Every element name must be a known tag name (or carry a `tag`
/// attribute).
pub fn parse_document(text: &str) -> Result<Vec<XmlNode>, XmlError> {
    let mut r = Reader::new(text);
    r.eat("\u{feff}");
    let mut stack: Vec<XmlNode> = Vec::new();
    let mut top: Vec<XmlNode> = Vec::new();
    loop {
        while let Some(ch) = r.peek() {
            if ch == '<' {
                break;
            }
            if !ch.is_whitespace() {
                return Err(r.error("unexpected text (values belong in a value=\"...\" attribute)"));
            }
            r.bump();
        }
        if r.peek().is_none() {
            break;
        }
        if r.starts_with("<?") {
            r.skip_construct("<?", "?>", "processing instruction")?;
        } else if r.starts_with("<!--") {
            r.skip_construct("<!--", "-->", "comment")?;
        } else if r.starts_with("<![CDATA[") {
            return Err(r.error("CDATA sections are not supported"));
        } else if r.starts_with("<!") {
            r.skip_construct("<!", ">", "declaration")?;
        } else if r.starts_with("</") {
            let (line, column) = (r.line, r.column);
            r.eat("</");
            let name = r.name()?;
            r.skip_ws();
            if !r.eat(">") {
                return Err(r.error("expected '>'"));
            }
            let Some(node) = stack.pop() else {
                return Err(XmlError::new(
                    line,
                    column,
                    format!("</{name}> has no opening tag"),
                ));
            };
            if node.name != name {
                return Err(XmlError::new(
                    line,
                    column,
                    format!(
                        "</{name}> closes <{}> opened at line {}, column {}",
                        node.name, node.line, node.column
                    ),
                ));
            }
            attach(&mut stack, &mut top, node)?;
        } else {
            let (node, closed) = open_tag(&mut r, stack.is_empty())?;
            if stack.len() >= MAX_DEPTH {
                return Err(XmlError::new(
                    node.line,
                    node.column,
                    format!("elements nested deeper than {MAX_DEPTH}"),
                ));
            }
            if closed {
                attach(&mut stack, &mut top, node)?;
            } else {
                stack.push(node);
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(XmlError::new(
            open.line,
            open.column,
            format!("<{}> is not closed", open.name),
        ));
    }
    let mut out = Vec::with_capacity(top.len());
    for node in top {
        if node.tag == 0 && node.name == "KMIP" {
            out.extend(node.children);
        } else {
            out.push(node);
        }
    }
    Ok(out)
}

/// Reads `<Name attr="..." ...>` or `<Name .../>`; returns the node and whether it was closed.
fn open_tag(r: &mut Reader<'_>, at_root: bool) -> Result<(XmlNode, bool), XmlError> {
    let (line, column) = (r.line, r.column);
    r.eat("<");
    let name = r.name()?;
    let mut kind = None;
    let mut value = None;
    let mut tag_attr = None;
    let closed = loop {
        let had_space = matches!(r.peek(), Some(' ' | '\t' | '\r' | '\n'));
        r.skip_ws();
        if r.eat("/>") {
            break true;
        }
        if r.eat(">") {
            break false;
        }
        if !had_space {
            return Err(r.error("expected whitespace, '>' or '/>'"));
        }
        let (al, ac) = (r.line, r.column);
        let attr = r.name()?;
        r.skip_ws();
        if !r.eat("=") {
            return Err(r.error(format!("expected '=' after attribute {attr}")));
        }
        r.skip_ws();
        let text = r.attribute_value()?;
        let duplicate = || XmlError::new(al, ac, format!("duplicate attribute {attr}"));
        match attr.as_str() {
            "type" => {
                if kind.is_some() {
                    return Err(duplicate());
                }
                let t = parse_type(&text).ok_or_else(|| {
                    XmlError::new(al, ac, format!("unknown item type \"{text}\""))
                })?;
                kind = Some(t);
            }
            "value" => {
                if value.is_some() {
                    return Err(duplicate());
                }
                value = Some(text);
            }
            "tag" => {
                if tag_attr.is_some() {
                    return Err(duplicate());
                }
                let t = parse_u32(&text)
                    .filter(|t| *t != 0 && *t <= 0x00FF_FFFF)
                    .ok_or_else(|| XmlError::new(al, ac, format!("invalid tag \"{text}\"")))?;
                tag_attr = Some(t);
            }
            a if a == "xmlns" || a.starts_with("xmlns:") => {}
            _ => {
                return Err(XmlError::new(
                    al,
                    ac,
                    format!("unknown attribute {attr} (expected type, value or tag)"),
                ))
            }
        }
    };
    let wrapper = at_root && name == "KMIP" && kind.is_none() && value.is_none();
    let tag = if wrapper {
        0
    } else if let Some(t) = tag_attr {
        t
    } else {
        dict::tag_by_name(&name)
            .ok_or_else(|| XmlError::new(line, column, format!("unknown element <{name}>")))?
    };
    if value.is_some() && matches!(kind, None | Some(ItemType::Structure)) {
        return Err(XmlError::new(
            line,
            column,
            format!("<{name}> has a value but no type"),
        ));
    }
    let node = XmlNode {
        tag,
        name,
        kind,
        value,
        children: Vec::new(),
        line,
        column,
    };
    Ok((node, closed))
}

fn attach(stack: &mut [XmlNode], top: &mut Vec<XmlNode>, node: XmlNode) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(parent) => {
            if !parent.is_structure() {
                return Err(XmlError::new(
                    node.line,
                    node.column,
                    format!(
                        "<{}> has type {} and cannot contain <{}>",
                        parent.name,
                        parent.kind.map_or("?", ItemType::name),
                        node.name
                    ),
                ));
            }
            parent.children.push(node);
        }
        None => top.push(node),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Test cases
// ---------------------------------------------------------------------------------------------

/// One request and the response the test case expects for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// The `RequestMessage` element.
    pub request: XmlNode,
    /// The `ResponseMessage` element.
    pub response: XmlNode,
}

/// A test case: its request/response pairs in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCase {
    /// The exchanges in order.
    pub exchanges: Vec<Exchange>,
}

/// Parses a test-case file: `RequestMessage` and `ResponseMessage` elements that alternate,
/// starting with a request.
pub fn parse_test_case(text: &str) -> Result<TestCase, XmlError> {
    let nodes = parse_document(text)?;
    let mut exchanges = Vec::with_capacity(nodes.len() / 2);
    let mut pending: Option<XmlNode> = None;
    for node in nodes {
        match (pending.take(), node.name.as_str()) {
            (None, "RequestMessage") => pending = Some(node),
            (Some(request), "ResponseMessage") => exchanges.push(Exchange {
                request,
                response: node,
            }),
            (None, _) => {
                return Err(XmlError::new(
                    node.line,
                    node.column,
                    format!("expected <RequestMessage>, found <{}>", node.name),
                ))
            }
            (Some(_), _) => {
                return Err(XmlError::new(
                    node.line,
                    node.column,
                    format!("expected <ResponseMessage>, found <{}>", node.name),
                ))
            }
        }
    }
    if let Some(request) = pending {
        return Err(XmlError::new(
            request.line,
            request.column,
            "this request has no response",
        ));
    }
    if exchanges.is_empty() {
        return Err(XmlError::new(1, 1, "no request/response pairs"));
    }
    Ok(TestCase { exchanges })
}

// ---------------------------------------------------------------------------------------------
// Placeholders and bindings
// ---------------------------------------------------------------------------------------------

/// A symbolic value of the test-case files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placeholder<'a> {
    /// `$NOW`, `$NOW-3600`, `$NOW+60`: the run's time plus this many seconds.
    Now(i64),
    /// `$NAME` (without the `$`): a value learnt during the run (`UNIQUE_IDENTIFIER_0`).
    Named(&'a str),
}

/// The placeholder that `text` (a whole value) is, if any: `$NOW[+-digits]`, or `$` followed by
/// upper-case letters, digits and `_` (starting with a letter or `_`).
pub fn placeholder(text: &str) -> Option<Placeholder<'_>> {
    let body = text.strip_prefix('$')?;
    if let Some(rest) = body.strip_prefix("NOW") {
        if rest.is_empty() {
            return Some(Placeholder::Now(0));
        }
        let digits = rest.get(1..).unwrap_or("");
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            let n: i64 = digits.parse().ok()?;
            if rest.starts_with('+') {
                return Some(Placeholder::Now(n));
            }
            if rest.starts_with('-') {
                return Some(Placeholder::Now(n.checked_neg()?));
            }
        }
    }
    let mut chars = body.chars();
    let first = chars.next()?;
    if !(first.is_ascii_uppercase() || first == '_') {
        return None;
    }
    if chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') {
        Some(Placeholder::Named(body))
    } else {
        None
    }
}

/// The values that placeholders stand for during a run.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Bindings {
    /// `$NOW`: seconds since the Unix epoch.
    pub now: i64,
    /// Learnt values by name without `$` (`"UNIQUE_IDENTIFIER_0"` → Text String).
    pub values: BTreeMap<String, Value>,
    /// Make up a value for a placeholder that is not bound instead of failing: a Text String
    /// `fake-NAME`, or a Byte String holding the name's bytes (for tests and tools).
    pub invent_unbound: bool,
}

impl Bindings {
    /// Bindings with `now` and no learnt values.
    pub fn new(now: i64) -> Bindings {
        Bindings {
            now,
            ..Bindings::default()
        }
    }

    /// The value bound to `name` (with or without the leading `$`).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name.strip_prefix('$').unwrap_or(name))
    }

    /// Binds `name` (with or without the leading `$`) to `value`.
    pub fn bind(&mut self, name: &str, value: Value) {
        let key = name.strip_prefix('$').unwrap_or(name);
        self.values.insert(key.to_owned(), value);
    }
}

/// `Debug` shows the names bound, not the values (they may be key material).
impl fmt::Debug for Bindings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bindings")
            .field("now", &self.now)
            .field("names", &self.values.keys().collect::<Vec<_>>())
            .field("invent_unbound", &self.invent_unbound)
            .finish()
    }
}

fn resolve_placeholder(
    p: Placeholder<'_>,
    kind: ItemType,
    env: &Bindings,
) -> Result<Value, String> {
    match (p, kind) {
        (Placeholder::Now(offset), ItemType::DateTime) => env
            .now
            .checked_add(offset)
            .map(Value::DateTime)
            .ok_or_else(|| "date out of range".to_owned()),
        (Placeholder::Now(offset), ItemType::DateTimeExtended) => env
            .now
            .checked_add(offset)
            .and_then(|s| s.checked_mul(1_000_000))
            .map(Value::DateTimeExtended)
            .ok_or_else(|| "date out of range".to_owned()),
        (Placeholder::Now(_), _) => Err(format!("$NOW is not a {}", kind.name())),
        (Placeholder::Named(name), _) => match env.get(name) {
            Some(v) if v.item_type() == kind => Ok(v.clone()),
            Some(v) => Err(format!(
                "${name} is bound to a {}, not a {}",
                v.item_type().name(),
                kind.name()
            )),
            None if env.invent_unbound => match kind {
                ItemType::TextString => Ok(Value::TextString(format!("fake-{name}"))),
                ItemType::ByteString => Ok(Value::ByteString(name.as_bytes().to_vec())),
                _ => Err(format!("cannot invent a {} for ${name}", kind.name())),
            },
            None => Err(format!("placeholder ${name} has no value yet")),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Conversion to items
// ---------------------------------------------------------------------------------------------

/// Converts `node` to an item, with placeholders replaced from `env`.
///
/// Errors (with the element's position) for unknown element names, values that do not fit the
/// type, unknown enumeration names or mask flags, and unbound placeholders.
pub fn to_ttlv(node: &XmlNode, env: &Bindings) -> Result<Ttlv, XmlError> {
    convert(node, env, None, 0)
}

fn convert(
    node: &XmlNode,
    env: &Bindings,
    lookup: Option<u32>,
    depth: usize,
) -> Result<Ttlv, XmlError> {
    if depth > MAX_DEPTH {
        return Err(XmlError::at(
            node,
            format!("nested deeper than {MAX_DEPTH}"),
        ));
    }
    let tag = node_tag(node)?;
    if node.is_structure() {
        if node.value.is_some() {
            return Err(XmlError::at(node, "a Structure has no value"));
        }
        let attribute = attribute_context(node);
        let mut children = Vec::with_capacity(node.children.len());
        for child in &node.children {
            let l = if child.name == "AttributeValue" {
                attribute
            } else {
                None
            };
            children.push(convert(child, env, l, depth.saturating_add(1))?);
        }
        Ok(Ttlv::structure(tag, children))
    } else {
        if let Some(child) = node.children.first() {
            return Err(XmlError::at(
                child,
                format!("<{}> is not a Structure", node.name),
            ));
        }
        let value = convert_value(node, lookup.unwrap_or(tag), env)?;
        Ok(Ttlv::new(tag, value))
    }
}

fn node_tag(node: &XmlNode) -> Result<u32, XmlError> {
    if node.tag != 0 {
        return Ok(node.tag);
    }
    dict::tag_by_name(&node.name).ok_or_else(|| {
        XmlError::new(
            node.line,
            node.column,
            format!("unknown element <{}>", node.name),
        )
    })
}

/// The tag of the attribute that the `AttributeName` child of `parent` names, if any: the
/// tag whose enumeration names and mask flags apply to the sibling `AttributeValue`.
pub(crate) fn attribute_context(parent: &XmlNode) -> Option<u32> {
    parent
        .children
        .iter()
        .find(|c| c.name == "AttributeName" && c.kind == Some(ItemType::TextString))
        .and_then(|c| c.value.as_deref())
        .and_then(dict::attribute_tag)
}

/// The value of primitive `node`, with enumeration names and mask flags looked up for tag
/// `lookup` (the node's own tag, or an attribute's for an `AttributeValue`).
pub(crate) fn convert_value(
    node: &XmlNode,
    lookup: u32,
    env: &Bindings,
) -> Result<Value, XmlError> {
    let kind = node.kind.unwrap_or(ItemType::Structure);
    if let Some(p) = node.value.as_deref().and_then(placeholder) {
        return resolve_placeholder(p, kind, env).map_err(|m| XmlError::at(node, m));
    }
    parse_literal(kind, node.value.as_deref(), lookup).map_err(|m| XmlError::at(node, m))
}

fn parse_literal(kind: ItemType, text: Option<&str>, lookup: u32) -> Result<Value, String> {
    match kind {
        ItemType::Structure => Err("a Structure has no value".to_owned()),
        ItemType::TextString => Ok(Value::TextString(text.unwrap_or("").to_owned())),
        ItemType::ByteString => decode_hex(text.unwrap_or("").trim())
            .map(Value::ByteString)
            .ok_or_else(|| "the ByteString value is not an even number of hex digits".to_owned()),
        _ => {
            let t = text.ok_or("missing value attribute")?.trim();
            let bad = || format!("\"{t}\" is not a valid {}", kind.name());
            match kind {
                ItemType::Integer => parse_integer(t, lookup).map(Value::Integer),
                ItemType::LongInteger => parse_i64(t).map(Value::LongInteger).ok_or_else(bad),
                ItemType::BigInteger => parse_big_integer(t)
                    .map(Value::BigInteger)
                    .ok_or_else(|| "the BigInteger value is not hex".to_owned()),
                ItemType::Enumeration => parse_enumeration(t, lookup).map(Value::Enumeration),
                ItemType::Boolean => match t {
                    "true" | "1" => Ok(Value::Boolean(true)),
                    "false" | "0" => Ok(Value::Boolean(false)),
                    _ => Err(bad()),
                },
                ItemType::DateTime => parse_date_time(t).map(Value::DateTime).ok_or_else(bad),
                ItemType::Interval => parse_u32(t).map(Value::Interval).ok_or_else(bad),
                ItemType::DateTimeExtended => parse_date_time_extended(t)
                    .map(Value::DateTimeExtended)
                    .ok_or_else(bad),
                _ => Err(bad()),
            }
        }
    }
}

fn strip_hex_prefix(t: &str) -> Option<&str> {
    t.strip_prefix("0x").or_else(|| t.strip_prefix("0X"))
}

fn parse_hex_u64(t: &str) -> Option<u64> {
    let digits = strip_hex_prefix(t)?;
    if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(digits, 16).ok()
}

fn parse_u32(t: &str) -> Option<u32> {
    match parse_hex_u64(t) {
        Some(v) => u32::try_from(v).ok(),
        None if t.bytes().all(|b| b.is_ascii_digit()) => t.parse().ok(),
        None => None,
    }
}

fn parse_i32(t: &str) -> Option<i32> {
    if let Some(v) = parse_hex_u64(t) {
        return u32::try_from(v)
            .ok()
            .map(|u| i32::from_be_bytes(u.to_be_bytes()));
    }
    let digits = t.strip_prefix('-').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

fn parse_i64(t: &str) -> Option<i64> {
    if let Some(v) = parse_hex_u64(t) {
        return Some(i64::from_be_bytes(v.to_be_bytes()));
    }
    let digits = t.strip_prefix('-').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

fn parse_integer(t: &str, lookup: u32) -> Result<i32, String> {
    if let Some(v) = parse_i32(t) {
        return Ok(v);
    }
    let flags = dict::mask_flags(lookup);
    let mut bits: u32 = 0;
    let mut any = false;
    for token in t
        .split(|c: char| c.is_whitespace() || c == '|')
        .filter(|s| !s.is_empty())
    {
        any = true;
        if let Some(v) = parse_i32(token) {
            bits |= u32::from_be_bytes(v.to_be_bytes());
            continue;
        }
        let Some(flags) = flags else {
            return Err(format!(
                "\"{t}\" is not a number (and no mask flags are known for this item)"
            ));
        };
        let bit = dict::parse_mask(lookup, token)
            .or_else(|| {
                flags
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(token))
                    .map(|(_, bit)| *bit)
            })
            .ok_or_else(|| format!("unknown mask flag \"{token}\""))?;
        bits |= bit;
    }
    if !any {
        return Err("empty Integer value".to_owned());
    }
    Ok(i32::from_be_bytes(bits.to_be_bytes()))
}

fn is_attribute_reference(tag: u32) -> bool {
    dict::tag_name(tag) == Some("AttributeReference")
}

fn parse_enumeration(t: &str, lookup: u32) -> Result<u32, String> {
    if let Some(v) = parse_u32(t) {
        return Ok(v);
    }
    dict::enum_by_name(lookup, t)
        .or_else(|| {
            // A KMIP 2 Attribute Reference names the attribute's tag.
            if is_attribute_reference(lookup) {
                dict::tag_by_name(t)
            } else {
                None
            }
        })
        .ok_or_else(|| {
            format!(
                "unknown enumeration value \"{t}\" for {}",
                dict::tag_name(lookup).unwrap_or("this item")
            )
        })
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes hex digits (an even number of them); `None` otherwise.
pub(crate) fn decode_hex(t: &str) -> Option<Vec<u8>> {
    let bytes = t.as_bytes();
    if bytes.len() % 2 == 1 {
        return None;
    }
    bytes
        .chunks(2)
        .map(|pair| match pair {
            [h, l] => Some(hex_digit(*h)? << 4 | hex_digit(*l)?),
            _ => None,
        })
        .collect()
}

/// Lower-case hex of `bytes`.
pub(crate) fn encode_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len().saturating_mul(2));
    for b in bytes {
        for nibble in [b >> 4, b & 0x0F] {
            let d = DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0');
            out.push(char::from(d));
        }
    }
    out
}

/// Big-endian two's-complement bytes from hex, sign-extended to a multiple of 8 bytes.
fn parse_big_integer(t: &str) -> Option<Vec<u8>> {
    let digits = strip_hex_prefix(t).unwrap_or(t);
    if digits.is_empty() {
        return None;
    }
    let padded;
    let digits = if digits.len() % 2 == 1 {
        padded = format!("0{digits}");
        padded.as_str()
    } else {
        digits
    };
    let bytes = decode_hex(digits)?;
    let extend = (8 - bytes.len() % 8) % 8;
    let fill = if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        0xFF
    } else {
        0x00
    };
    let mut out = vec![fill; extend];
    out.extend_from_slice(&bytes);
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn number(t: &str, digits: usize) -> Option<i64> {
    if t.len() != digits || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+HH:MM|-HH:MM]` (no zone means UTC) into seconds
/// since the epoch and microseconds.
fn parse_iso(t: &str) -> Option<(i64, i64)> {
    let (date, time) = t.split_once('T').or_else(|| t.split_once(' '))?;
    let mut parts = date.split('-');
    let year = number(parts.next()?, 4)?;
    let month = number(parts.next()?, 2)?;
    let day = number(parts.next()?, 2)?;
    if parts.next().is_some() || !(1..=12).contains(&month) {
        return None;
    }
    let month_days = match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=month_days).contains(&day) {
        return None;
    }
    let (clock, offset) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let (c, zone) = time.split_at_checked(i)?;
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let zone = zone.get(1..)?;
        let (zh, zm) = match zone.split_once(':') {
            Some((h, m)) => (number(h, 2)?, number(m, 2)?),
            None => (number(zone.get(..2)?, 2)?, number(zone.get(2..)?, 2)?),
        };
        if zh > 23 || zm > 59 {
            return None;
        }
        (c, sign * (zh * 3600 + zm * 60))
    } else {
        (time, 0)
    };
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (clock, None),
    };
    let mut hms = hms.split(':');
    let hour = number(hms.next()?, 2)?;
    let minute = number(hms.next()?, 2)?;
    let second = number(hms.next()?, 2)?;
    if hms.next().is_some() || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let micros = match fraction {
        None => 0,
        Some(f) => {
            if f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let six: String = f.chars().chain(std::iter::repeat('0')).take(6).collect();
            six.parse::<i64>().ok()?
        }
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some((seconds, micros))
}

fn parse_date_time(t: &str) -> Option<i64> {
    if let Some(v) = parse_hex_u64(t) {
        return Some(i64::from_be_bytes(v.to_be_bytes()));
    }
    match parse_iso(t)? {
        (seconds, 0) => Some(seconds),
        _ => None,
    }
}

fn parse_date_time_extended(t: &str) -> Option<i64> {
    if let Some(v) = parse_hex_u64(t) {
        return Some(i64::from_be_bytes(v.to_be_bytes()));
    }
    let (seconds, micros) = parse_iso(t)?;
    seconds.checked_mul(1_000_000)?.checked_add(micros)
}

/// `YYYY-MM-DDTHH:MM:SS+00:00` of seconds since the epoch.
pub fn format_date_time(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+00:00",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

fn format_date_time_extended(micros: i64) -> String {
    let seconds = micros.div_euclid(1_000_000);
    let fraction = micros.rem_euclid(1_000_000);
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{fraction:06}+00:00",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

// ---------------------------------------------------------------------------------------------
// From items, rendering
// ---------------------------------------------------------------------------------------------

fn element_name(tag: u32) -> String {
    dict::tag_name(tag).unwrap_or(UNNAMED_ELEMENT).to_owned()
}

/// The text of a primitive value as the XML format writes it: enumeration names and mask flag
/// names of tag `lookup` where known.
pub fn value_text(lookup: u32, value: &Value) -> String {
    match value {
        Value::Structure(_) => String::new(),
        Value::Integer(v) => integer_text(lookup, *v),
        Value::LongInteger(v) => v.to_string(),
        Value::BigInteger(b) => format!("0x{}", encode_hex(b)),
        Value::Enumeration(v) => dict::enum_name(lookup, *v)
            .or_else(|| {
                if is_attribute_reference(lookup) {
                    dict::tag_name(*v)
                } else {
                    None
                }
            })
            .map_or_else(|| format!("0x{v:08X}"), str::to_owned),
        Value::Boolean(v) => v.to_string(),
        Value::TextString(s) => s.clone(),
        Value::ByteString(b) => encode_hex(b),
        Value::DateTime(v) => format_date_time(*v),
        Value::Interval(v) => v.to_string(),
        Value::DateTimeExtended(v) => format_date_time_extended(*v),
    }
}

fn integer_text(lookup: u32, v: i32) -> String {
    let Some(flags) = dict::mask_flags(lookup) else {
        return v.to_string();
    };
    let mut rest = u32::from_be_bytes(v.to_be_bytes());
    if rest == 0 {
        return "0".to_owned();
    }
    let mut names: Vec<String> = Vec::new();
    for (name, bit) in flags {
        if *bit != 0 && rest & bit == *bit {
            names.push((*name).to_owned());
            rest &= !bit;
        }
    }
    if names.is_empty() {
        return v.to_string();
    }
    if rest != 0 {
        names.push(format!("0x{rest:08X}"));
    }
    names.join(" ")
}

/// The XML element of an item (names from the dictionary, values as [`value_text`] writes
/// them; an `AttributeValue` uses the names of the attribute its sibling `AttributeName` names).
pub fn from_ttlv(item: &Ttlv) -> XmlNode {
    build(item, None)
}

fn build(item: &Ttlv, lookup: Option<u32>) -> XmlNode {
    match &item.value {
        Value::Structure(children) => {
            let attribute = children
                .iter()
                .find(|c| dict::tag_name(c.tag) == Some("AttributeName"))
                .and_then(Ttlv::as_text)
                .and_then(dict::attribute_tag);
            let kids = children
                .iter()
                .map(|c| {
                    let l = if dict::tag_name(c.tag) == Some("AttributeValue") {
                        attribute
                    } else {
                        None
                    };
                    build(c, l)
                })
                .collect();
            XmlNode::structure(item.tag, kids)
        }
        v => XmlNode::leaf(
            item.tag,
            v.item_type(),
            value_text(lookup.unwrap_or(item.tag), v),
        ),
    }
}

fn escape_attribute(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("&#x{:X};", u32::from(c))),
            c => out.push(c),
        }
    }
}

/// Pretty XML of `node` in the test-case format (two-space indentation, one element a line).
pub fn render(node: &XmlNode) -> String {
    let mut out = String::new();
    render_into(node, 0, &mut out);
    out
}

/// A whole test-case document: `nodes` inside `<KMIP>`, separated by blank lines.
pub fn render_document(nodes: &[XmlNode]) -> String {
    let mut out = String::from("<KMIP>\n");
    for node in nodes {
        out.push('\n');
        render_into(node, 1, &mut out);
    }
    out.push_str("\n</KMIP>\n");
    out
}

fn render_into(node: &XmlNode, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    out.push_str(&indent);
    out.push('<');
    out.push_str(&node.name);
    if node.tag != 0 && dict::tag_by_name(&node.name) != Some(node.tag) {
        out.push_str(&format!(" tag=\"0x{:06X}\"", node.tag));
    }
    if let Some(kind) = node.kind.filter(|k| *k != ItemType::Structure) {
        out.push_str(" type=\"");
        out.push_str(kind.name());
        out.push('"');
    }
    if let Some(value) = &node.value {
        out.push_str(" value=\"");
        escape_attribute(value, out);
        out.push('"');
    }
    if node.children.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    for child in &node.children {
        render_into(child, depth.saturating_add(1), out);
    }
    out.push_str(&indent);
    out.push_str("</");
    out.push_str(&node.name);
    out.push_str(">\n");
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests;
