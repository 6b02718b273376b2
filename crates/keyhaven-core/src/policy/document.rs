//! The policy document: its JSON shape, its checks (each error names the field), dates as
//! `YYYY-MM-DD`, and the strict fallback used if the built-in document ever failed to parse.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::{Date, Month};

use super::{KeyClass, Primitive, QuantumDeadlines, Status};

/// The document format this code reads.
pub const FORMAT: u32 = 1;

/// The longest policy document accepted, in bytes.
const MAX_DOCUMENT: usize = 1 << 20;

/// Largest number of days any limit may be (100 years).
const MAX_DAYS: u32 = 36_500;

/// A crypto policy document (format 1). docs/POLICY.md describes every field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// Document format; must be 1.
    pub format: u32,
    /// Name shown in reports and errors (1 to 200 printable characters).
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Minimum security strength of new keys, in bits (0 to 256).
    pub min_strength: u32,
    /// Age (from creation) after which the report asks to replace a key; `null`: none.
    #[serde(default)]
    pub max_age_days: Option<u32>,
    /// Days without use after which the report mentions an active key; `null`: never.
    #[serde(default)]
    pub unused_days: Option<u32>,
    /// Percentage of a use limit at which the report warns (1 to 100).
    #[serde(default = "default_usage_warn_percent")]
    pub usage_warn_percent: u32,
    /// How many days before a quantum deadline the finding turns from low to medium.
    #[serde(default = "default_quantum_warn_days")]
    pub quantum_warn_days: u32,
    /// Refuse new keys whose algorithm is deprecated for applying protection.
    #[serde(default)]
    pub refuse_deprecated: bool,
    /// Refuse new keys of quantum-vulnerable algorithms.
    #[serde(default)]
    pub refuse_quantum_vulnerable: bool,
    /// Limits per key class; a class not listed has none.
    #[serde(default)]
    pub classes: BTreeMap<KeyClass, ClassRule>,
    /// Security strength by key size, for rules that do not fix it.
    #[serde(default)]
    pub strength_tables: Vec<StrengthTable>,
    /// Algorithm rules; the first whose primitive and size match applies.
    pub algorithms: Vec<AlgorithmRule>,
    /// Per-primitive tightenings (what vault overrides add).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub restrictions: BTreeMap<Primitive, Restriction>,
}

/// Limits for one key class.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassRule {
    /// Longest cryptoperiod (originator-usage period), in days; `null`: none.
    #[serde(default)]
    pub max_cryptoperiod_days: Option<u32>,
    /// Longest rotation interval, in days; `null`: the maximum cryptoperiod.
    #[serde(default)]
    pub max_rotation_interval_days: Option<u32>,
    /// Keys of the class must have a rotation interval.
    #[serde(default)]
    pub require_rotation: bool,
    /// Where the values come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Security strength by key size for some primitives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrengthTable {
    /// Identifier.
    pub id: String,
    /// The primitives the table covers (each in at most one table).
    pub primitives: Vec<Primitive>,
    /// Rows by increasing `min_bits`; a size takes the row with the largest `min_bits` not above it.
    pub rows: Vec<StrengthRow>,
    /// Where the values come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One row of a [`StrengthTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrengthRow {
    /// Smallest key size of the row.
    pub min_bits: u32,
    /// Security strength in bits.
    pub strength: u32,
}

/// What the policy says of one family of algorithm and sizes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlgorithmRule {
    /// Identifier (lowercase letters, digits and `-`), unique in the document.
    pub id: String,
    /// The primitives the rule covers.
    pub primitives: Vec<Primitive>,
    /// Smallest size the rule covers (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_bits: Option<u32>,
    /// Largest size the rule covers (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bits: Option<u32>,
    /// Security strength; absent: from the primitive's strength table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<u32>,
    /// Status timeline for applying protection.
    pub apply: Vec<Phase>,
    /// Status timeline for processing protected data.
    pub process: Vec<Phase>,
    /// NIST IR 8547 deadlines, for quantum-vulnerable algorithms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantum: Option<QuantumDeadlines>,
    /// Default number of protections a version may apply before rotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_limit: Option<u64>,
    /// Where the values come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One phase of a status timeline: `status` holds through `through` (inclusive, UTC); the last
/// phase has no `through` and holds from then on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// The status.
    pub status: Status,
    /// Last day of the phase (`YYYY-MM-DD`); absent on the last phase.
    #[serde(default, with = "day_opt", skip_serializing_if = "Option::is_none")]
    pub through: Option<Date>,
}

/// A tightening for one primitive: statuses at least this strict, a use limit at most this.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Restriction {
    /// Status for applying protection is at least this strict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply: Option<Status>,
    /// Status for processing is at least this strict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<Status>,
    /// Use limit per version is at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_limit: Option<u64>,
}

fn default_usage_warn_percent() -> u32 {
    80
}

fn default_quantum_warn_days() -> u32 {
    1826
}

/// Parses JSON into `T`; a data error is prefixed with the path of the field it is in.
pub(crate) fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    if text.len() > MAX_DOCUMENT {
        return Err(format!(
            "the document is {} bytes; at most {MAX_DOCUMENT} are accepted",
            text.len()
        ));
    }
    serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        if e.classify() != serde_json::error::Category::Data {
            return msg;
        }
        // serde_json places an error in a struct's fields after the struct's closing brace
        // (a missing field) or after the value (others, sometimes past the closing braces
        // that follow it).
        let missing = msg.starts_with("missing field");
        let mut path = path_at(text, e.line(), e.column(), !missing);
        let about_a_key = ["unknown field", "duplicate field"]
            .iter()
            .any(|p| msg.starts_with(p));
        if about_a_key {
            path.pop();
        }
        if path.is_empty() {
            msg
        } else {
            format!("{}: {msg}", join_path(&path))
        }
    })
}

/// Pretty JSON of a document (never fails for these types; logs and returns `{}` if it did).
pub(crate) fn to_pretty_json<T: Serialize>(doc: &T) -> String {
    serde_json::to_string_pretty(doc).unwrap_or_else(|e| {
        tracing::error!(error = %e, "cannot encode a policy document");
        "{}".to_owned()
    })
}

/// A step of a field path.
#[derive(Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// The path (`algorithms[3].apply[0].through`) of the JSON value at a serde_json error
/// position (1-based line and column), found by scanning the text up to it; with
/// `trim_closers`, closing braces and brackets just before the position are not counted.
fn path_at(text: &str, line: usize, column: usize, trim_closers: bool) -> Vec<Step> {
    enum Frame {
        Object {
            key: Option<String>,
            expecting_key: bool,
        },
        Array(usize),
    }
    let start_of_line: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut end = start_of_line.saturating_add(column).min(text.len());
    while !text.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    let mut scanned = text.get(..end).unwrap_or_default();
    if trim_closers {
        scanned = scanned.trim_end_matches(|c: char| c.is_whitespace() || c == '}' || c == ']');
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut chars = scanned.char_indices();
    while let Some((_, c)) = chars.next() {
        match c {
            '"' => {
                let mut s = String::new();
                let mut escaped = false;
                for (_, c) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                        s.push(c);
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    } else {
                        s.push(c);
                    }
                }
                if let Some(Frame::Object { key, expecting_key }) = stack.last_mut() {
                    if *expecting_key {
                        *key = Some(s);
                        *expecting_key = false;
                    }
                }
            }
            '{' => stack.push(Frame::Object {
                key: None,
                expecting_key: true,
            }),
            '[' => stack.push(Frame::Array(0)),
            '}' | ']' => {
                stack.pop();
            }
            ',' => match stack.last_mut() {
                Some(Frame::Array(i)) => *i = i.saturating_add(1),
                Some(Frame::Object { expecting_key, .. }) => *expecting_key = true,
                None => {}
            },
            _ => {}
        }
    }
    stack
        .into_iter()
        .filter_map(|f| match f {
            Frame::Object { key, .. } => key.map(Step::Key),
            Frame::Array(i) => Some(Step::Index(i)),
        })
        .collect()
}

fn join_path(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Checks what the types do not: the format, names, ranges, rule timelines, unique ids, and
/// that every rule has a strength. Errors name the field.
pub(crate) fn validate(doc: &PolicyDocument) -> Result<(), String> {
    if doc.format != FORMAT {
        return Err(format!(
            "format: {} is not a format this keyhaven reads (use {FORMAT})",
            doc.format
        ));
    }
    check_text("name", &doc.name, 200, false)?;
    if let Some(d) = &doc.description {
        check_text("description", d, 2000, true)?;
    }
    check_range("min_strength", doc.min_strength, 0, 256)?;
    if let Some(v) = doc.max_age_days {
        check_range("max_age_days", v, 1, MAX_DAYS)?;
    }
    if let Some(v) = doc.unused_days {
        check_range("unused_days", v, 1, MAX_DAYS)?;
    }
    check_range("usage_warn_percent", doc.usage_warn_percent, 1, 100)?;
    check_range("quantum_warn_days", doc.quantum_warn_days, 0, MAX_DAYS)?;
    for (class, c) in &doc.classes {
        let at = format!("classes.{class}");
        if let Some(v) = c.max_cryptoperiod_days {
            check_range(&format!("{at}.max_cryptoperiod_days"), v, 1, MAX_DAYS)?;
        }
        if let Some(v) = c.max_rotation_interval_days {
            check_range(&format!("{at}.max_rotation_interval_days"), v, 1, MAX_DAYS)?;
        }
        if let Some(s) = &c.source {
            check_text(&format!("{at}.source"), s, 500, true)?;
        }
    }
    let mut tabled = BTreeSet::new();
    for (i, t) in doc.strength_tables.iter().enumerate() {
        let at = format!("strength_tables[{i}]");
        check_id(&format!("{at}.id"), &t.id)?;
        if t.primitives.is_empty() {
            return Err(format!("{at}.primitives: name at least one primitive"));
        }
        for p in &t.primitives {
            if !tabled.insert(*p) {
                return Err(format!(
                    "{at}.primitives: {p} is already in an earlier strength table"
                ));
            }
        }
        if t.rows.is_empty() {
            return Err(format!("{at}.rows: give at least one row"));
        }
        let mut previous: Option<StrengthRow> = None;
        for (j, row) in t.rows.iter().enumerate() {
            check_range(&format!("{at}.rows[{j}].strength"), row.strength, 1, 512)?;
            if let Some(p) = previous {
                if row.min_bits <= p.min_bits || row.strength < p.strength {
                    return Err(format!(
                        "{at}.rows[{j}]: rows must have increasing min_bits and non-decreasing strength"
                    ));
                }
            }
            previous = Some(*row);
        }
        if let Some(s) = &t.source {
            check_text(&format!("{at}.source"), s, 500, true)?;
        }
    }
    let mut ids = BTreeSet::new();
    for (i, r) in doc.algorithms.iter().enumerate() {
        let at = format!("algorithms[{i}]");
        check_id(&format!("{at}.id"), &r.id)?;
        if r.id == super::UNKNOWN_ALGORITHM {
            return Err(format!("{at}.id: {} is reserved", r.id));
        }
        if !ids.insert(r.id.as_str()) {
            return Err(format!("{at}.id: {} is used by an earlier rule", r.id));
        }
        let at = format!("{at} ({})", r.id);
        if r.primitives.is_empty() {
            return Err(format!("{at}.primitives: name at least one primitive"));
        }
        if let (Some(lo), Some(hi)) = (r.min_bits, r.max_bits) {
            if lo > hi {
                return Err(format!("{at}.min_bits: {lo} is above max_bits {hi}"));
            }
        }
        match r.strength {
            Some(s) => check_range(&format!("{at}.strength"), s, 1, 512)?,
            None => {
                if let Some(p) = r.primitives.iter().find(|p| !tabled.contains(*p)) {
                    return Err(format!(
                        "{at}.strength: missing, and no strength table covers {p}"
                    ));
                }
            }
        }
        check_timeline(&format!("{at}.apply"), &r.apply)?;
        check_timeline(&format!("{at}.process"), &r.process)?;
        if let Some(q) = r.quantum {
            if q.deprecated_after > q.disallowed_after {
                return Err(format!(
                    "{at}.quantum: deprecated_after {} is after disallowed_after {}",
                    format_date(q.deprecated_after),
                    format_date(q.disallowed_after)
                ));
            }
        }
        if r.use_limit == Some(0) {
            return Err(format!("{at}.use_limit: must be at least 1"));
        }
        if let Some(s) = &r.source {
            check_text(&format!("{at}.source"), s, 500, true)?;
        }
    }
    for (p, r) in &doc.restrictions {
        if r.use_limit == Some(0) {
            return Err(format!("restrictions.{p}.use_limit: must be at least 1"));
        }
    }
    Ok(())
}

/// A timeline: at least one phase, every phase but the last with a `through` date, dates
/// increasing.
fn check_timeline(at: &str, phases: &[Phase]) -> Result<(), String> {
    let Some((last, earlier)) = phases.split_last() else {
        return Err(format!(
            "{at}: give at least one phase, e.g. [{{\"status\": \"acceptable\"}}]"
        ));
    };
    if last.through.is_some() {
        return Err(format!(
            "{at}[{}].through: the last phase holds for ever and has no through date; add a phase after it",
            earlier.len()
        ));
    }
    let mut previous: Option<Date> = None;
    for (i, p) in earlier.iter().enumerate() {
        let Some(t) = p.through else {
            return Err(format!(
                "{at}[{i}].through: missing; only the last phase may omit it"
            ));
        };
        if previous.is_some_and(|prev| t <= prev) {
            return Err(format!(
                "{at}[{i}].through: {} is not after the previous phase's date",
                format_date(t)
            ));
        }
        previous = Some(t);
    }
    Ok(())
}

pub(crate) fn check_range(at: &str, v: u32, lo: u32, hi: u32) -> Result<(), String> {
    if v < lo || v > hi {
        Err(format!("{at}: {v} is out of range ({lo} to {hi})"))
    } else {
        Ok(())
    }
}

pub(crate) fn check_text(at: &str, s: &str, max: usize, empty_ok: bool) -> Result<(), String> {
    if !empty_ok && s.trim().is_empty() {
        return Err(format!("{at}: must not be empty"));
    }
    if s.chars().count() > max {
        return Err(format!("{at}: longer than {max} characters"));
    }
    if s.chars().any(char::is_control) {
        return Err(format!("{at}: must not contain control characters"));
    }
    Ok(())
}

fn check_id(at: &str, id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{at}: {:?} is not an id (1 to 64 of a-z, 0-9 and -)",
            id.chars().take(64).collect::<String>()
        ))
    }
}

/// `YYYY-MM-DD`.
pub(crate) fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Reads `YYYY-MM-DD` (exactly; a calendar day).
pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    let shown: String = s.chars().take(40).collect();
    let bad = || format!("invalid date {shown:?}: expected YYYY-MM-DD");
    let digits = |r: std::ops::Range<usize>| {
        s.get(r)
            .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u16>().ok())
    };
    if s.len() != 10 || s.get(4..5) != Some("-") || s.get(7..8) != Some("-") {
        return Err(bad());
    }
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return Err(bad());
    };
    let month = u8::try_from(m)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| format!("invalid date {shown:?}: no month {m}"))?;
    let day = u8::try_from(d).map_err(|_| bad())?;
    Date::from_calendar_date(i32::from(y), month, day)
        .map_err(|_| format!("invalid date {shown:?}: no such day"))
}

/// Serde for a `Date` as `YYYY-MM-DD`.
pub(crate) mod day {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};
    use time::Date;

    /// Writes `YYYY-MM-DD`.
    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_date(*d))
    }

    /// Reads `YYYY-MM-DD`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        super::parse_date(&s).map_err(D::Error::custom)
    }
}

/// Serde for an optional `Date` as `YYYY-MM-DD` or `null`.
pub(crate) mod day_opt {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};
    use time::Date;

    /// Writes `YYYY-MM-DD` or `null`.
    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&super::format_date(*d)),
            None => s.serialize_none(),
        }
    }

    /// Reads `YYYY-MM-DD` or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| super::parse_date(&s).map_err(D::Error::custom))
            .transpose()
    }
}

/// The policy used if the built-in document failed to parse: AES-256 and HMAC-SHA-256 or
/// stronger only, 128-bit minimum, two-year cryptoperiods, quantum-vulnerable and deprecated
/// algorithms refused.
pub(crate) fn strict_fallback() -> PolicyDocument {
    let acceptable = || {
        vec![Phase {
            status: Status::Acceptable,
            through: None,
        }]
    };
    let rule = |id: &str, p: Primitive, lo: u32, hi: u32, strength: u32, limit: Option<u64>| {
        AlgorithmRule {
            id: id.to_owned(),
            primitives: vec![p],
            min_bits: Some(lo),
            max_bits: Some(hi),
            strength: Some(strength),
            apply: acceptable(),
            process: acceptable(),
            quantum: None,
            use_limit: limit,
            source: None,
        }
    };
    PolicyDocument {
        format: FORMAT,
        name: "keyhaven-strict-fallback".to_owned(),
        description: Some("used only if the built-in policy document failed to parse".to_owned()),
        min_strength: 128,
        max_age_days: Some(1827),
        unused_days: Some(90),
        usage_warn_percent: default_usage_warn_percent(),
        quantum_warn_days: default_quantum_warn_days(),
        refuse_deprecated: true,
        refuse_quantum_vulnerable: true,
        classes: KeyClass::ALL
            .into_iter()
            .map(|c| {
                (
                    c,
                    ClassRule {
                        max_cryptoperiod_days: Some(731),
                        ..ClassRule::default()
                    },
                )
            })
            .collect(),
        strength_tables: Vec::new(),
        algorithms: vec![
            rule("aes-256", Primitive::Aes, 256, 256, 256, Some(1 << 30)),
            rule("hmac-sha256-plus", Primitive::Hmac, 256, 512, 256, None),
        ],
        restrictions: BTreeMap::new(),
    }
}
