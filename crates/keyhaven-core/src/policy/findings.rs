//! Compliance findings: what the policy says about a key that exists, each with a severity and
//! a concrete remediation.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use super::document::{self, format_date};
use super::{
    day_of, human, post_quantum, stamp, successor, AlgorithmSpec, CryptoPolicy, KeyClass, Status,
    UNKNOWN_ALGORITHM,
};
use crate::lifecycle::KeyState;

/// One key (or stored object), as the compliance report sees it.
#[derive(Clone, Debug)]
pub struct Subject<'a> {
    /// Algorithm and size; `None` for non-key objects (no algorithm or use findings).
    pub spec: Option<AlgorithmSpec>,
    /// Key class.
    pub class: KeyClass,
    /// Lifecycle state.
    pub state: KeyState,
    /// When the key was made.
    pub created_at: OffsetDateTime,
    /// When it became (or becomes) active.
    pub activation_date: Option<OffsetDateTime>,
    /// When it stops (or stopped) applying protection.
    pub deactivation_date: Option<OffsetDateTime>,
    /// Scheduled destruction (pending destruction).
    pub destroy_at: Option<OffsetDateTime>,
    /// Last use, if recorded.
    pub last_used_at: Option<OffsetDateTime>,
    /// When the current (primary) version was made.
    pub primary_created_at: OffsetDateTime,
    /// Automatic rotation interval.
    pub rotation_interval: Option<Duration>,
    /// Next automatic rotation.
    pub next_rotation_at: Option<OffsetDateTime>,
    /// Protections the primary version applied.
    pub uses_of_primary: u64,
    /// The key's rotate-after-N-uses limit (`None`: the policy's default for the algorithm).
    pub use_limit: Option<u64>,
    /// Name, for messages.
    pub name: &'a str,
}

/// One thing the compliance report says about a key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What kind of finding.
    pub kind: FindingKind,
    /// How bad.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub remediation: String,
    /// The day by which to act, or the day it became due.
    #[serde(default, with = "document::day_opt")]
    pub deadline: Option<Date>,
}

/// The kinds of finding.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// Security strength below the policy's minimum.
    Weak,
    /// The algorithm is deprecated for applying protection.
    Deprecated,
    /// The algorithm is disallowed (or legacy-use only) for applying protection.
    Disallowed,
    /// Active beyond its cryptoperiod (class maximum or deactivation date).
    PastCryptoperiod,
    /// Older than the policy's maximum age.
    MaxAge,
    /// A due rotation did not happen.
    RotationOverdue,
    /// Active but not used for the policy's unused threshold.
    Unused,
    /// The primary version nears (or reached) its use limit.
    UsageNearLimit,
    /// The algorithm is quantum-vulnerable (NIST IR 8547).
    QuantumVulnerable,
    /// Scheduled for destruction.
    PendingDestruction,
    /// An active key that should rotate automatically has no rotation interval.
    NoRotation,
}

impl FindingKind {
    /// Every kind.
    pub const ALL: [FindingKind; 11] = [
        FindingKind::Weak,
        FindingKind::Deprecated,
        FindingKind::Disallowed,
        FindingKind::PastCryptoperiod,
        FindingKind::MaxAge,
        FindingKind::RotationOverdue,
        FindingKind::Unused,
        FindingKind::UsageNearLimit,
        FindingKind::QuantumVulnerable,
        FindingKind::PendingDestruction,
        FindingKind::NoRotation,
    ];

    /// The kebab-case name (`past-cryptoperiod`, ...).
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Weak => "weak",
            FindingKind::Deprecated => "deprecated",
            FindingKind::Disallowed => "disallowed",
            FindingKind::PastCryptoperiod => "past-cryptoperiod",
            FindingKind::MaxAge => "max-age",
            FindingKind::RotationOverdue => "rotation-overdue",
            FindingKind::Unused => "unused",
            FindingKind::UsageNearLimit => "usage-near-limit",
            FindingKind::QuantumVulnerable => "quantum-vulnerable",
            FindingKind::PendingDestruction => "pending-destruction",
            FindingKind::NoRotation => "no-rotation",
        }
    }

    /// Reads a name given by [`FindingKind::name`].
    pub fn parse(s: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Severity of a finding, least severe first.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For information.
    Info,
    /// Worth a look.
    Low,
    /// Plan a fix.
    Medium,
    /// Fix soon.
    High,
    /// Fix now.
    Critical,
}

impl Severity {
    /// Every severity, least first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Reads a name given by [`Severity::name`].
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.name() == s)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl CryptoPolicy {
    /// The findings for one key on `now`, most severe first. Destroyed keys have none.
    /// docs/POLICY.md ("Findings") gives each kind's condition, severity and remediation.
    pub fn findings(&self, s: &Subject<'_>, now: OffsetDateTime) -> Vec<Finding> {
        if matches!(
            s.state,
            KeyState::Destroyed | KeyState::DestroyedCompromised
        ) {
            return Vec::new();
        }
        let mut out = Vec::new();
        if let Some(spec) = &s.spec {
            self.algorithm_findings(s, spec, now, &mut out);
        }
        if s.state == KeyState::Active {
            self.cryptoperiod_finding(s, now, &mut out);
            self.rotation_findings(s, now, &mut out);
            if let Some(spec) = &s.spec {
                self.use_findings(s, spec, now, &mut out);
            }
        }
        self.age_finding(s, now, &mut out);
        if let Some(at) = s.destroy_at {
            out.push(Finding {
                kind: FindingKind::PendingDestruction,
                severity: Severity::Info,
                message: format!("{}: scheduled for destruction at {}", s.name, stamp(at)),
                remediation: format!(
                    "cancel-destroy before {} if the key is still needed; otherwise nothing to do",
                    stamp(at)
                ),
                deadline: Some(day_of(at)),
            });
        }
        out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.kind.cmp(&b.kind)));
        out
    }

    /// Weak, Deprecated, Disallowed, QuantumVulnerable.
    fn algorithm_findings(
        &self,
        s: &Subject<'_>,
        spec: &AlgorithmSpec,
        now: OffsetDateTime,
        out: &mut Vec<Finding>,
    ) {
        let a = self.assess(spec, now);
        let today = day_of(now);
        let name = s.name;
        let label = &spec.label;
        let instead = successor(spec.primitive, s.class);
        let replace = format!(
            "move to {instead}: create the new key, move the work to it (re-encrypt with rewrap, re-sign), then deactivate this key"
        );
        let applies = matches!(s.state, KeyState::Active | KeyState::PreActive);
        let min = self.min_strength();
        if a.strength < min {
            out.push(Finding {
                kind: FindingKind::Weak,
                severity: if a.strength < 80 {
                    Severity::Critical
                } else {
                    Severity::High
                },
                message: format!(
                    "{name}: {label} provides {}-bit security strength; the policy requires {min}",
                    a.strength
                ),
                remediation: replace.clone(),
                deadline: None,
            });
        }
        let why = if a.rule == UNKNOWN_ALGORITHM {
            "the policy has no rule for it".to_owned()
        } else {
            format!("policy rule {}", a.rule)
        };
        if a.apply >= Status::LegacyUse {
            let (severity, remediation) = if applies {
                (
                    Severity::Critical,
                    format!("stop applying protection with it now: {replace}, so that it only decrypts and verifies (legacy use)"),
                )
            } else if a.process == Status::Disallowed {
                (
                    Severity::Medium,
                    "processing with it is disallowed too: re-encrypt the data it protects under a current key, then destroy this key".to_owned(),
                )
            } else {
                (
                    Severity::Low,
                    "legacy use: it may only decrypt and verify existing data; re-encrypt that data under a current key and destroy this key when done".to_owned(),
                )
            };
            out.push(Finding {
                kind: FindingKind::Disallowed,
                severity,
                message: format!(
                    "{name}: {label} is {} for applying protection ({why}); processing is {}",
                    a.apply, a.process
                ),
                remediation,
                deadline: None,
            });
        } else if a.apply == Status::Deprecated && applies {
            let until = a.apply_until.map(format_date);
            out.push(Finding {
                kind: FindingKind::Deprecated,
                severity: Severity::Medium,
                message: format!(
                    "{name}: {label} is deprecated for applying protection ({why}){}",
                    until
                        .as_deref()
                        .map_or_else(String::new, |d| format!("; stricter after {d}"))
                ),
                remediation: match until {
                    Some(d) => format!("before {d}: {replace}"),
                    None => replace.clone(),
                },
                deadline: a.apply_until,
            });
        }
        if let Some(q) = a.quantum {
            let (deadline, severity) = if today > q.disallowed_after {
                (q.disallowed_after, Severity::Critical)
            } else if today > q.deprecated_after {
                (q.disallowed_after, Severity::High)
            } else {
                let warn_from = q
                    .deprecated_after
                    .checked_sub(Duration::days(i64::from(self.doc.quantum_warn_days)))
                    .unwrap_or(Date::MIN);
                let severity = if today >= warn_from {
                    Severity::Medium
                } else {
                    Severity::Low
                };
                (q.deprecated_after, severity)
            };
            let d = format_date(deadline);
            out.push(Finding {
                kind: FindingKind::QuantumVulnerable,
                severity,
                message: format!(
                    "{name}: {label} is quantum-vulnerable (NIST IR 8547: deprecated after {}, disallowed after {})",
                    format_date(q.deprecated_after),
                    format_date(q.disallowed_after)
                ),
                remediation: format!(
                    "migrate to {} before {d}: create the new key, move the work to it, then deactivate this key",
                    post_quantum(spec.primitive, s.class)
                ),
                deadline: Some(deadline),
            });
        }
    }

    /// PastCryptoperiod (active keys only).
    fn cryptoperiod_finding(&self, s: &Subject<'_>, now: OffsetDateTime, out: &mut Vec<Finding>) {
        let remediation = "rotate the key (the new version starts a new cryptoperiod), or deactivate it so that it only processes existing data".to_owned();
        if let Some(end) = s.deactivation_date.filter(|d| *d < now) {
            out.push(Finding {
                kind: FindingKind::PastCryptoperiod,
                severity: Severity::High,
                message: format!(
                    "{}: still active after its deactivation date {}",
                    s.name,
                    stamp(end)
                ),
                remediation,
                deadline: Some(day_of(end)),
            });
            return;
        }
        let Some(max) = self.max_cryptoperiod(s.class) else {
            return;
        };
        let start = s
            .activation_date
            .unwrap_or(s.created_at)
            .max(s.primary_created_at);
        if let Some(end) = start.checked_add(max).filter(|e| *e < now) {
            out.push(Finding {
                kind: FindingKind::PastCryptoperiod,
                severity: Severity::High,
                message: format!(
                    "{}: its current version has been in use since {}, beyond the {} maximum cryptoperiod of {} keys",
                    s.name,
                    stamp(start),
                    human(max),
                    s.class
                ),
                remediation,
                deadline: Some(day_of(end)),
            });
        }
    }

    /// RotationOverdue and NoRotation (active keys only).
    fn rotation_findings(&self, s: &Subject<'_>, now: OffsetDateTime, out: &mut Vec<Finding>) {
        let rotate_now = "rotate the key now, then check that the rotation job runs (`keyhaven` rotates due keys automatically)".to_owned();
        if let Some(due) = s.next_rotation_at.filter(|d| *d < now) {
            out.push(Finding {
                kind: FindingKind::RotationOverdue,
                severity: Severity::Medium,
                message: format!("{}: rotation was due at {}", s.name, stamp(due)),
                remediation: rotate_now,
                deadline: Some(day_of(due)),
            });
            return;
        }
        let required = match s.rotation_interval {
            Some(i) => Some(i),
            None if self.requires_rotation(s.class) => self.max_rotation_interval(s.class),
            None => None,
        };
        if let Some(interval) = required {
            if let Some(due) = s
                .primary_created_at
                .checked_add(interval)
                .filter(|d| *d < now)
            {
                out.push(Finding {
                    kind: FindingKind::RotationOverdue,
                    severity: Severity::Medium,
                    message: format!(
                        "{}: its current version is older than the {} rotation interval (due {})",
                        s.name,
                        human(interval),
                        stamp(due)
                    ),
                    remediation: rotate_now,
                    deadline: Some(day_of(due)),
                });
                return;
            }
        }
        if s.rotation_interval.is_none() && s.next_rotation_at.is_none() {
            let severity = if self.requires_rotation(s.class) {
                Severity::Medium
            } else if s.class == KeyClass::SymmetricEncryption {
                Severity::Low
            } else {
                return;
            };
            let hint = self
                .max_rotation_interval(s.class)
                .map_or_else(String::new, |m| format!(" of at most {}", human(m)));
            out.push(Finding {
                kind: FindingKind::NoRotation,
                severity,
                message: format!(
                    "{}: an active {} key with no rotation interval",
                    s.name, s.class
                ),
                remediation: format!(
                    "set a rotation interval{hint} so that keyhaven rotates the key automatically"
                ),
                deadline: None,
            });
        }
    }

    /// Unused and UsageNearLimit (active keys with an algorithm).
    fn use_findings(
        &self,
        s: &Subject<'_>,
        spec: &AlgorithmSpec,
        now: OffsetDateTime,
        out: &mut Vec<Finding>,
    ) {
        if let Some(threshold) = self.unused_after() {
            let since = s.last_used_at.unwrap_or(s.created_at);
            if since.checked_add(threshold).is_some_and(|t| t < now) {
                let idle = (now - since).whole_days();
                let message = match s.last_used_at {
                    Some(at) => format!("{}: not used since {} ({idle} days)", s.name, stamp(at)),
                    None => format!(
                        "{}: never used in the {idle} days since it was made",
                        s.name
                    ),
                };
                out.push(Finding {
                    kind: FindingKind::Unused,
                    severity: Severity::Low,
                    message,
                    remediation: "if nothing needs the key any more, deactivate it and schedule its destruction; otherwise no action".to_owned(),
                    deadline: None,
                });
            }
        }
        let limit = s.use_limit.or_else(|| self.default_use_limit(spec));
        if let Some(limit) = limit.filter(|l| *l > 0) {
            let uses = u128::from(s.uses_of_primary);
            let warn = u128::from(limit) * u128::from(self.doc.usage_warn_percent);
            if uses * 100 >= warn {
                let severity = if s.uses_of_primary >= limit {
                    Severity::High
                } else {
                    Severity::Medium
                };
                out.push(Finding {
                    kind: FindingKind::UsageNearLimit,
                    severity,
                    message: format!(
                        "{}: the current version applied protection {} times, of a limit of {limit}",
                        s.name, s.uses_of_primary
                    ),
                    remediation: "rotate the key now (the new version counts from zero)".to_owned(),
                    deadline: None,
                });
            }
        }
    }

    /// MaxAge (any state but destroyed).
    fn age_finding(&self, s: &Subject<'_>, now: OffsetDateTime, out: &mut Vec<Finding>) {
        let Some(max) = self.max_age() else {
            return;
        };
        if let Some(limit) = s.created_at.checked_add(max).filter(|l| *l < now) {
            let instead = s.spec.as_ref().map_or_else(
                || "a new one".to_owned(),
                |spec| format!("a new key ({})", successor(spec.primitive, s.class)),
            );
            out.push(Finding {
                kind: FindingKind::MaxAge,
                severity: Severity::Medium,
                message: format!(
                    "{}: made {}, older than the policy's maximum age of {}",
                    s.name,
                    stamp(s.created_at),
                    human(max)
                ),
                remediation: format!(
                    "replace it with {instead}: move the data to it (rewrap), then deactivate this one and schedule its destruction"
                ),
                deadline: Some(day_of(limit)),
            });
        }
    }
}
