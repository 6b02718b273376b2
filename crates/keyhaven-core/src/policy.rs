//! The crypto policy as data: which algorithms and sizes new keys may use and for how long
//! (enforced on create, import and rotate), and what the compliance report says about the keys
//! that exist.
//!
//! A policy is a JSON document ([`PolicyDocument`], described field by field in
//! docs/POLICY.md). The built-in one ([`CryptoPolicy::builtin`], `policy/default.json`) encodes
//! NIST SP 800-57 Part 1 Rev. 5 (security strengths, cryptoperiods), SP 800-131A Rev. 2
//! (transition statuses) and NIST IR 8547 (quantum-vulnerable algorithms). A vault's
//! [`PolicyOverride`] can only tighten the policy it applies to ([`CryptoPolicy::with_override`]).
//!
//! Pure code: no I/O, no clock; every check takes `now`.

mod algorithm;
mod class;
mod document;
mod findings;
mod merge;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, UtcOffset};

pub use algorithm::{AlgorithmSpec, Primitive, Status};
pub use class::KeyClass;
pub use document::{
    AlgorithmRule, ClassRule, Phase, PolicyDocument, Restriction, StrengthRow, StrengthTable,
};
pub use findings::{Finding, FindingKind, Severity, Subject};
pub use merge::{ClassOverride, PolicyOverride};

/// The built-in policy document (docs/POLICY.md gives every value and its source).
pub const BUILTIN_JSON: &str = include_str!("policy/default.json");

/// The rule id an [`Assessment`] carries when no rule of the policy matches the algorithm.
pub const UNKNOWN_ALGORITHM: &str = "unknown-algorithm";

/// When NIST IR 8547 retires a quantum-vulnerable algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuantumDeadlines {
    /// Deprecated after this day (for 128-bit strength and above IR 8547 has no deprecated
    /// phase: the built-in policy sets this to the disallow date).
    #[serde(with = "document::day")]
    pub deprecated_after: Date,
    /// Disallowed after this day.
    #[serde(with = "document::day")]
    pub disallowed_after: Date,
}

/// What the policy says of an algorithm and size on a given day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// Security strength in bits (SP 800-57 Part 1 Rev. 5 Table 2 / Table 3).
    pub strength: u32,
    /// Status for applying protection (encrypt, sign, MAC, wrap): the rule's timeline, the
    /// quantum deadlines and the policy's restrictions, whichever is strictest.
    pub apply: Status,
    /// Status for processing protected data (decrypt, verify).
    pub process: Status,
    /// Quantum-vulnerability deadlines, for RSA, DSA, DH and elliptic-curve algorithms.
    pub quantum: Option<QuantumDeadlines>,
    /// The id of the matched algorithm rule, or [`UNKNOWN_ALGORITHM`].
    pub rule: String,
    /// The last day `apply` holds before it gets stricter (`None`: no change is scheduled).
    pub apply_until: Option<Date>,
    /// Where the rule's values come from (the rule's `source`).
    pub source: Option<String>,
}

/// A validated crypto policy: the server's, or a vault's effective one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PolicyDocument", into = "PolicyDocument")]
pub struct CryptoPolicy {
    doc: PolicyDocument,
}

impl TryFrom<PolicyDocument> for CryptoPolicy {
    type Error = String;
    /// Checks the document (docs/POLICY.md lists the constraints); the error names the field.
    fn try_from(doc: PolicyDocument) -> Result<CryptoPolicy, String> {
        document::validate(&doc)?;
        Ok(CryptoPolicy { doc })
    }
}

impl From<CryptoPolicy> for PolicyDocument {
    fn from(p: CryptoPolicy) -> PolicyDocument {
        p.doc
    }
}

/// A key about to be created, imported or rotated, as the policy checks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewKeyCheck {
    /// Algorithm and size.
    pub spec: AlgorithmSpec,
    /// Key class (sets the cryptoperiod limit).
    pub class: KeyClass,
    /// The key's cryptoperiod, if it has one.
    pub cryptoperiod: Option<Duration>,
    /// The key's automatic rotation interval, if it has one.
    pub rotation_interval: Option<Duration>,
    /// `create`, `import` or `rotate` (used in the message).
    pub operation: &'static str,
}

/// A refusal by the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Stable rule id: `unknown-algorithm`, `algorithm-disallowed:<primitive>`,
    /// `algorithm-deprecated:<primitive>`, `min-strength`, `quantum-vulnerable:<primitive>`,
    /// `max-cryptoperiod:<class>`, `max-rotation-interval:<class>`, `rotation-required:<class>`.
    pub rule: String,
    /// What is wrong and what to do instead.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.rule)
    }
}

impl std::error::Error for Violation {}

impl CryptoPolicy {
    /// The built-in policy (`policy/default.json`). Should that document ever fail to parse,
    /// a strict fallback is used (AES-256 and HMAC-SHA-256 or stronger only) and an error
    /// logged; a unit test proves it parses.
    pub fn builtin() -> CryptoPolicy {
        static BUILTIN: OnceLock<CryptoPolicy> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                CryptoPolicy::from_json(BUILTIN_JSON).unwrap_or_else(|e| {
                    tracing::error!(error = %e, "the built-in crypto policy does not parse; using the strict fallback");
                    CryptoPolicy {
                        doc: document::strict_fallback(),
                    }
                })
            })
            .clone()
    }

    /// Reads and checks a policy document: unknown fields, bad dates, statuses and numbers are
    /// refused with a message naming the field (`algorithms[4].apply[0].through: ...`).
    pub fn from_json(text: &str) -> Result<CryptoPolicy, String> {
        let doc: PolicyDocument = document::parse_json(text)?;
        CryptoPolicy::try_from(doc)
    }

    /// The document, pretty-printed JSON.
    pub fn to_json(&self) -> String {
        document::to_pretty_json(&self.doc)
    }

    /// The policy's name (an effective policy's is `<server>+<override>`).
    pub fn name(&self) -> &str {
        &self.doc.name
    }

    /// The document behind the policy.
    pub fn document(&self) -> &PolicyDocument {
        &self.doc
    }

    /// The minimum security strength of new keys, in bits.
    pub fn min_strength(&self) -> u32 {
        self.doc.min_strength
    }

    /// The longest cryptoperiod a key of `class` may have (`None`: no limit).
    pub fn max_cryptoperiod(&self, class: KeyClass) -> Option<Duration> {
        self.doc
            .classes
            .get(&class)
            .and_then(|c| c.max_cryptoperiod_days)
            .map(days)
    }

    /// The longest rotation interval a key of `class` may have: the class's own limit or its
    /// maximum cryptoperiod, whichever is shorter (`None`: no limit).
    pub fn max_rotation_interval(&self, class: KeyClass) -> Option<Duration> {
        let c = self.doc.classes.get(&class)?;
        let limit = match (c.max_rotation_interval_days, c.max_cryptoperiod_days) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        limit.map(days)
    }

    /// Whether keys of `class` must have a rotation interval.
    pub fn requires_rotation(&self, class: KeyClass) -> bool {
        self.doc
            .classes
            .get(&class)
            .is_some_and(|c| c.require_rotation)
    }

    /// The age after which a key should be replaced (`None`: no limit).
    pub fn max_age(&self) -> Option<Duration> {
        self.doc.max_age_days.map(days)
    }

    /// How long an active key may go unused before the report mentions it.
    pub fn unused_after(&self) -> Option<Duration> {
        self.doc.unused_days.map(days)
    }

    /// The default number of protections a version may apply before the key is rotated
    /// (AES-GCM with random nonces: 2^30, well under SP 800-38D §8.3's 2^32), after the
    /// policy's restrictions; `None`: no limit.
    pub fn default_use_limit(&self, spec: &AlgorithmSpec) -> Option<u64> {
        let rule = self.rule_for(spec).and_then(|r| r.use_limit);
        let restriction = self
            .doc
            .restrictions
            .get(&spec.primitive)
            .and_then(|r| r.use_limit);
        match (rule, restriction) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Strength and statuses of an algorithm and size on `now`'s (UTC) day. An algorithm no
    /// rule matches is disallowed, with rule [`UNKNOWN_ALGORITHM`] and the strength of the
    /// strength tables where they cover it (else 0).
    pub fn assess(&self, spec: &AlgorithmSpec, now: OffsetDateTime) -> Assessment {
        let today = day_of(now);
        let table_strength = self.table_strength(spec);
        let Some(rule) = self.rule_for(spec) else {
            return Assessment {
                strength: table_strength.unwrap_or(0),
                apply: Status::Disallowed,
                process: Status::Disallowed,
                quantum: None,
                rule: UNKNOWN_ALGORITHM.to_owned(),
                apply_until: None,
                source: None,
            };
        };
        let restriction = self.doc.restrictions.get(&spec.primitive);
        let apply_on = |d: Date| {
            let mut s = phase_status(&rule.apply, d);
            if let Some(q) = &rule.quantum {
                if d > q.disallowed_after {
                    s = s.max(Status::Disallowed);
                } else if d > q.deprecated_after {
                    s = s.max(Status::Deprecated);
                }
            }
            restriction.and_then(|r| r.apply).map_or(s, |f| s.max(f))
        };
        let apply = apply_on(today);
        let mut process = phase_status(&rule.process, today);
        if rule.quantum.is_some_and(|q| today > q.disallowed_after) {
            process = process.max(Status::LegacyUse);
        }
        if let Some(floor) = restriction.and_then(|r| r.process) {
            process = process.max(floor);
        }
        let mut changes: Vec<Date> = rule.apply.iter().filter_map(|p| p.through).collect();
        if let Some(q) = rule.quantum {
            changes.extend([q.deprecated_after, q.disallowed_after]);
        }
        changes.sort();
        let apply_until = changes
            .into_iter()
            .filter(|d| *d >= today)
            .find(|d| d.next_day().is_some_and(|next| apply_on(next) != apply));
        Assessment {
            strength: rule.strength.or(table_strength).unwrap_or(0),
            apply,
            process,
            quantum: rule.quantum,
            rule: rule.id.clone(),
            apply_until,
            source: rule.source.clone(),
        }
    }

    /// Checks a key about to be created, imported or rotated: the algorithm must be acceptable
    /// (or deprecated, unless `refuse_deprecated`) for applying protection, at least
    /// `min_strength` strong, not quantum-vulnerable if `refuse_quantum_vulnerable`, and its
    /// cryptoperiod and rotation interval within its class's limits.
    pub fn check_new_key(&self, req: &NewKeyCheck, now: OffsetDateTime) -> Result<(), Violation> {
        let a = self.assess(&req.spec, now);
        let op = req.operation;
        let label = &req.spec.label;
        let primitive = req.spec.primitive;
        let class = req.class;
        let instead = successor(primitive, class);
        let source = a
            .source
            .as_deref()
            .map_or_else(String::new, |s| format!("; {s}"));
        if a.rule == UNKNOWN_ALGORITHM {
            return Err(Violation {
                rule: UNKNOWN_ALGORITHM.to_owned(),
                message: format!(
                    "{op} refused: the crypto policy {} has no rule for {label}, so it is disallowed; use {instead}",
                    self.name()
                ),
            });
        }
        if a.apply >= Status::LegacyUse {
            return Err(Violation {
                rule: format!("algorithm-disallowed:{primitive}"),
                message: format!(
                    "{op} refused: {label} is {} for applying protection (policy rule {}{source}); use {instead}",
                    a.apply, a.rule
                ),
            });
        }
        if a.apply == Status::Deprecated && self.doc.refuse_deprecated {
            return Err(Violation {
                rule: format!("algorithm-deprecated:{primitive}"),
                message: format!(
                    "{op} refused: {label} is deprecated (policy rule {}{source}) and this policy refuses deprecated algorithms for new keys; use {instead}",
                    a.rule
                ),
            });
        }
        if a.strength < self.doc.min_strength {
            return Err(Violation {
                rule: "min-strength".to_owned(),
                message: format!(
                    "{op} refused: {label} provides {}-bit security strength and this policy requires at least {} bits (min_strength); use {}",
                    a.strength,
                    self.doc.min_strength,
                    self.stronger(primitive, class)
                ),
            });
        }
        if let (true, Some(q)) = (self.doc.refuse_quantum_vulnerable, a.quantum) {
            return Err(Violation {
                rule: format!("quantum-vulnerable:{primitive}"),
                message: format!(
                    "{op} refused: {label} is quantum-vulnerable (NIST IR 8547: disallowed after {}) and this policy refuses quantum-vulnerable algorithms for new keys; use {}",
                    document::format_date(q.disallowed_after),
                    post_quantum(primitive, class)
                ),
            });
        }
        if let (Some(cp), Some(max)) = (req.cryptoperiod, self.max_cryptoperiod(class)) {
            if cp > max {
                return Err(Violation {
                    rule: format!("max-cryptoperiod:{class}"),
                    message: format!(
                        "{op} refused: a cryptoperiod of {} exceeds the {} allowed for {class} keys (SP 800-57 Part 1 §5.3.6); set a cryptoperiod of at most {}",
                        human(cp),
                        human(max),
                        human(max)
                    ),
                });
            }
        }
        match req.rotation_interval {
            Some(interval) => {
                if let Some(max) = self.max_rotation_interval(class) {
                    if interval > max {
                        return Err(Violation {
                            rule: format!("max-rotation-interval:{class}"),
                            message: format!(
                                "{op} refused: a rotation interval of {} exceeds the {} allowed for {class} keys; set a rotation interval of at most {}",
                                human(interval),
                                human(max),
                                human(max)
                            ),
                        });
                    }
                }
            }
            None if self.requires_rotation(class) => {
                let hint = self
                    .max_rotation_interval(class)
                    .map_or_else(String::new, |m| format!(" of at most {}", human(m)));
                return Err(Violation {
                    rule: format!("rotation-required:{class}"),
                    message: format!(
                        "{op} refused: this policy requires {class} keys to rotate automatically; set a rotation interval{hint}"
                    ),
                });
            }
            None => {}
        }
        Ok(())
    }

    /// The first rule matching the spec's primitive and size.
    fn rule_for(&self, spec: &AlgorithmSpec) -> Option<&AlgorithmRule> {
        self.doc.algorithms.iter().find(|r| {
            r.primitives.contains(&spec.primitive)
                && r.min_bits.is_none_or(|m| spec.bits >= m)
                && r.max_bits.is_none_or(|m| spec.bits <= m)
        })
    }

    /// The strength the tables give the spec's size (the row with the largest `min_bits` not
    /// above it).
    fn table_strength(&self, spec: &AlgorithmSpec) -> Option<u32> {
        self.doc
            .strength_tables
            .iter()
            .find(|t| t.primitives.contains(&spec.primitive))?
            .rows
            .iter()
            .filter(|r| r.min_bits <= spec.bits)
            .max_by_key(|r| r.min_bits)
            .map(|r| r.strength)
    }

    /// What to use instead when a key is too weak for `min_strength`.
    fn stronger(&self, primitive: Primitive, class: KeyClass) -> String {
        let min = self.doc.min_strength;
        let sized = |prefix: &str| {
            self.doc
                .strength_tables
                .iter()
                .find(|t| t.primitives.contains(&primitive))
                .and_then(|t| {
                    t.rows
                        .iter()
                        .filter(|r| r.strength >= min)
                        .min_by_key(|r| r.min_bits)
                })
                .map(|r| format!("{prefix}-{}", r.min_bits))
        };
        let pick = |a: &str, b: &str, c: &str| {
            if min <= 128 {
                a.to_owned()
            } else if min <= 192 {
                b.to_owned()
            } else {
                c.to_owned()
            }
        };
        match primitive {
            Primitive::Rsa => sized("RSA").map_or_else(
                || post_quantum(primitive, class).to_owned(),
                |s| format!("{s} or {}", post_quantum(primitive, class)),
            ),
            Primitive::Dh | Primitive::Dsa => sized(&primitive.name().to_uppercase()).map_or_else(
                || post_quantum(primitive, class).to_owned(),
                |s| format!("{s} or {}", post_quantum(primitive, class)),
            ),
            Primitive::Ecdsa | Primitive::EdDsa | Primitive::Ecdh => {
                pick("P-256", "P-384", "P-521")
            }
            Primitive::MlDsa | Primitive::SlhDsa => pick("ML-DSA-44", "ML-DSA-65", "ML-DSA-87"),
            Primitive::MlKem => pick("ML-KEM-768", "ML-KEM-768", "ML-KEM-1024"),
            Primitive::Hmac => "HMAC-SHA-256".to_owned(),
            _ => "AES-256".to_owned(),
        }
    }
}

/// What to move a key of this primitive and class to.
pub(crate) fn successor(primitive: Primitive, class: KeyClass) -> String {
    let classical = ", or for now P-384 / RSA-3072 (quantum-vulnerable)";
    match primitive {
        Primitive::Aes | Primitive::Tdea => "AES-256".to_owned(),
        Primitive::Hmac => "HMAC-SHA-256".to_owned(),
        Primitive::Other => "AES-256, ML-KEM-768 or ML-DSA-65".to_owned(),
        Primitive::MlKem => "ML-KEM-768 (FIPS 203)".to_owned(),
        Primitive::MlDsa | Primitive::SlhDsa => "ML-DSA-65 (FIPS 204)".to_owned(),
        Primitive::Dh | Primitive::Ecdh => format!("ML-KEM-768 (FIPS 203){classical}"),
        Primitive::Dsa | Primitive::Ecdsa | Primitive::EdDsa => {
            format!("ML-DSA-65 (FIPS 204){classical}")
        }
        Primitive::Rsa => format!("{}{classical}", post_quantum(primitive, class)),
    }
}

/// The post-quantum algorithm that replaces a quantum-vulnerable key of this primitive and
/// class.
pub(crate) fn post_quantum(primitive: Primitive, class: KeyClass) -> &'static str {
    match (primitive, class) {
        (Primitive::Dh | Primitive::Ecdh | Primitive::MlKem, _) => "ML-KEM-768 (FIPS 203)",
        (Primitive::Dsa | Primitive::Ecdsa | Primitive::EdDsa | Primitive::MlDsa, _) => {
            "ML-DSA-65 (FIPS 204)"
        }
        (_, KeyClass::PrivateKeyTransport | KeyClass::PrivateKeyAgreement) => {
            "ML-KEM-768 (FIPS 203)"
        }
        (_, KeyClass::PrivateSigning) => "ML-DSA-65 (FIPS 204)",
        _ => "ML-KEM-768 (FIPS 203) or ML-DSA-65 (FIPS 204)",
    }
}

/// An instant for messages (RFC 3339, UTC).
pub(crate) fn stamp(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| document::format_date(day_of(t)))
}

/// The status a timeline gives on day `d`: the first phase whose `through` is not past.
fn phase_status(phases: &[Phase], d: Date) -> Status {
    phases
        .iter()
        .find(|p| p.through.is_none_or(|t| d <= t))
        .map_or(Status::Disallowed, |p| p.status)
}

/// The UTC day of an instant.
pub(crate) fn day_of(t: OffsetDateTime) -> Date {
    t.to_offset(UtcOffset::UTC).date()
}

/// Whole days as a duration.
fn days(n: u32) -> Duration {
    Duration::days(i64::from(n))
}

/// A duration for messages: `731 days`, `3 days 4 h`, `5 h`.
pub(crate) fn human(d: Duration) -> String {
    let days = match d.whole_days() {
        1 => "1 day".to_owned(),
        n => format!("{n} days"),
    };
    match (d.whole_days(), d.whole_hours() % 24) {
        (0, h) => format!("{h} h"),
        (_, 0) => days,
        (_, h) => format!("{days} {h} h"),
    }
}
