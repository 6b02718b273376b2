//! Vault overrides: documents that can only tighten the policy they are applied to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::document::{self, check_range, check_text};
use super::{CryptoPolicy, KeyClass, Primitive, Restriction, Status};

/// Most days a limit may be (100 years), as in policy documents.
const MAX_DAYS: u32 = 36_500;

/// A vault's override of the server's policy. Every field is optional; each one can only make
/// the policy stricter (docs/POLICY.md, "Overrides").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyOverride {
    /// A name for the override (the effective policy is named `<server>+<name>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Raises the minimum strength (the larger of the two applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_strength: Option<u32>,
    /// Lowers the maximum age (the smaller applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_days: Option<u32>,
    /// Lowers the unused threshold (the smaller applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unused_days: Option<u32>,
    /// Lowers the use-limit warning percentage (the smaller applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_warn_percent: Option<u32>,
    /// Widens the quantum warning window (the larger applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantum_warn_days: Option<u32>,
    /// `true` refuses deprecated algorithms for new keys; `false` changes nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refuse_deprecated: Option<bool>,
    /// `true` refuses quantum-vulnerable algorithms for new keys; `false` changes nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refuse_quantum_vulnerable: Option<bool>,
    /// `true` lets exportable keys of the vault be exported in plaintext (each export is
    /// audited). The one vault setting here that loosens rather than tightens; absent or
    /// `false`: exportable keys leave only wrapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_plaintext_export: Option<bool>,
    /// Per-class tightenings.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub classes: BTreeMap<KeyClass, ClassOverride>,
    /// Per-primitive tightenings: stricter statuses, a lower use limit.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub restrictions: BTreeMap<Primitive, Restriction>,
}

/// An override of one class's limits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassOverride {
    /// Lowers the maximum cryptoperiod (the smaller applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cryptoperiod_days: Option<u32>,
    /// Lowers the maximum rotation interval (the smaller applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rotation_interval_days: Option<u32>,
    /// `true` requires a rotation interval; `false` changes nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_rotation: Option<bool>,
}

impl PolicyOverride {
    /// Reads and checks an override: unknown fields and out-of-range numbers are refused with
    /// a message naming the field.
    pub fn from_json(text: &str) -> Result<PolicyOverride, String> {
        let o: PolicyOverride = document::parse_json(text)?;
        o.validate()?;
        Ok(o)
    }

    /// The override, pretty-printed JSON (only the fields it sets).
    pub fn to_json(&self) -> String {
        document::to_pretty_json(self)
    }

    /// Checks ranges and names (what [`PolicyOverride::from_json`] does after parsing).
    pub fn validate(&self) -> Result<(), String> {
        if let Some(n) = &self.name {
            check_text("name", n, 64, false)?;
        }
        if let Some(v) = self.min_strength {
            check_range("min_strength", v, 0, 256)?;
        }
        if let Some(v) = self.max_age_days {
            check_range("max_age_days", v, 1, MAX_DAYS)?;
        }
        if let Some(v) = self.unused_days {
            check_range("unused_days", v, 1, MAX_DAYS)?;
        }
        if let Some(v) = self.usage_warn_percent {
            check_range("usage_warn_percent", v, 1, 100)?;
        }
        if let Some(v) = self.quantum_warn_days {
            check_range("quantum_warn_days", v, 0, MAX_DAYS)?;
        }
        for (class, c) in &self.classes {
            if let Some(v) = c.max_cryptoperiod_days {
                check_range(
                    &format!("classes.{class}.max_cryptoperiod_days"),
                    v,
                    1,
                    MAX_DAYS,
                )?;
            }
            if let Some(v) = c.max_rotation_interval_days {
                check_range(
                    &format!("classes.{class}.max_rotation_interval_days"),
                    v,
                    1,
                    MAX_DAYS,
                )?;
            }
        }
        for (p, r) in &self.restrictions {
            if r.use_limit == Some(0) {
                return Err(format!("restrictions.{p}.use_limit: must be at least 1"));
            }
        }
        Ok(())
    }
}

impl CryptoPolicy {
    /// This policy tightened by `o`: the larger minimum strength, the smaller limits, the
    /// stricter statuses; a flag set by either is set. Nothing in `o` can loosen the policy.
    /// Values outside the ranges [`PolicyOverride::validate`] allows are clamped into them.
    pub fn with_override(&self, o: &PolicyOverride) -> CryptoPolicy {
        let mut d = self.doc.clone();
        let label = o.name.as_deref().unwrap_or("override");
        d.name = format!("{}+{label}", d.name).chars().take(200).collect();
        if let Some(v) = o.min_strength {
            d.min_strength = d.min_strength.max(v.min(256));
        }
        d.max_age_days = tighter(d.max_age_days, o.max_age_days.map(clamp_days));
        d.unused_days = tighter(d.unused_days, o.unused_days.map(clamp_days));
        if let Some(v) = o.usage_warn_percent {
            d.usage_warn_percent = d.usage_warn_percent.min(v.clamp(1, 100));
        }
        if let Some(v) = o.quantum_warn_days {
            d.quantum_warn_days = d.quantum_warn_days.max(v.min(MAX_DAYS));
        }
        d.refuse_deprecated |= o.refuse_deprecated == Some(true);
        d.refuse_quantum_vulnerable |= o.refuse_quantum_vulnerable == Some(true);
        for (class, c) in &o.classes {
            let rule = d.classes.entry(*class).or_default();
            rule.max_cryptoperiod_days = tighter(
                rule.max_cryptoperiod_days,
                c.max_cryptoperiod_days.map(clamp_days),
            );
            rule.max_rotation_interval_days = tighter(
                rule.max_rotation_interval_days,
                c.max_rotation_interval_days.map(clamp_days),
            );
            rule.require_rotation |= c.require_rotation == Some(true);
        }
        for (p, r) in &o.restrictions {
            let e = d.restrictions.entry(*p).or_default();
            e.apply = stricter(e.apply, r.apply);
            e.process = stricter(e.process, r.process);
            e.use_limit = tighter(e.use_limit, r.use_limit.map(|v| v.max(1)));
        }
        CryptoPolicy { doc: d }
    }
}

/// The smaller of two limits, where `None` means no limit.
fn tighter<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The stricter of two status floors.
fn stricter(a: Option<Status>, b: Option<Status>) -> Option<Status> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn clamp_days(v: u32) -> u32 {
    v.clamp(1, MAX_DAYS)
}
