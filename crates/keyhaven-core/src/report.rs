//! The compliance report: every key a caller may read, judged against its vault's effective
//! crypto policy ([`CryptoPolicy::findings`]), streamed page by page so that memory does not
//! grow with the number of keys.
//!
//! [`KeyService::compliance_report`] checks access and returns a [`ComplianceCursor`]; each
//! [`ComplianceCursor::next_page`] reads the next page of the inventory through the keyset
//! index ([`crate::store::Store::list_inventory`]), checks each record's integrity MAC and
//! evaluates the keys; [`ComplianceCursor::totals`] accumulates as pages go. The report is
//! read-only: a time-driven transition that is due (activation, deactivation, end of pending
//! destruction) is applied to the copy being judged, not written (the job writes it).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use time::OffsetDateTime;

use crate::access::{Caller, Permission};
use crate::algorithm::KeyAlgorithm;
use crate::error::Result;
use crate::lifecycle::KeyState;
use crate::model::{KeyId, KeyName, VaultId, VaultName};
use crate::policy::{
    AlgorithmSpec, CryptoPolicy, Finding, FindingKind, KeyClass, Severity, Subject,
};
use crate::rotation::KeyUse;
use crate::service::{due_transition, lock, KeyService};
use crate::store::{InventoryRow, KeyFilter};
use crate::usage::UsageMask;

/// Keys read from the store per page.
pub const REPORT_PAGE: u32 = 1000;

/// What a compliance report covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportQuery {
    /// Only this vault (the caller needs to read its keys); every vault where the caller may
    /// read keys when `None`.
    pub vault: Option<VaultName>,
    /// Include destroyed keys (they have no findings; they appear in the inventory).
    pub include_destroyed: bool,
    /// Only findings of this severity or above, and only keys left with one.
    pub min_severity: Option<Severity>,
}

/// One key of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyReport {
    /// Key id.
    pub id: KeyId,
    /// Vault name.
    pub vault: VaultName,
    /// Key name.
    pub name: KeyName,
    /// Algorithm.
    pub algorithm: KeyAlgorithm,
    /// Size as the policy counts it ([`AlgorithmSpec::bits`]); `None` for non-key objects.
    pub bits: Option<u32>,
    /// Security strength in bits under the vault's policy; `None` for non-key objects.
    pub strength: Option<u32>,
    /// State (with any due time-driven transition applied).
    pub state: KeyState,
    /// Scheduled destruction.
    pub destroy_at: Option<OffsetDateTime>,
    /// Permitted uses.
    pub usage: UsageMask,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Whole days since creation.
    pub age_days: u64,
    /// Last use (including uses not yet written to the store).
    pub last_used_at: Option<OffsetDateTime>,
    /// Primary version.
    pub primary_version: u32,
    /// When the primary version was made.
    pub primary_created_at: OffsetDateTime,
    /// Protections the primary version applied (including uses not yet written).
    pub uses: u64,
    /// The use limit that rotates the key: its own or the vault policy's default.
    pub use_limit: Option<u64>,
    /// Template the key was made from.
    pub template: Option<String>,
    /// Findings at or above the query's minimum severity, most severe first.
    pub findings: Vec<Finding>,
}

/// Keys in one group of the totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyCount {
    /// Keys listed.
    pub keys: u64,
    /// Of which with at least one finding.
    pub with_findings: u64,
}

/// Counts over the keys a report has listed so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComplianceTotals {
    /// Keys read: visible to the caller, record intact, not destroyed (unless included).
    pub keys_scanned: u64,
    /// Keys listed (with a minimum severity, those left with a finding).
    pub keys_reported: u64,
    /// Listed keys with at least one finding.
    pub keys_with_findings: u64,
    /// Findings listed.
    pub findings: u64,
    /// Records that failed their integrity check (left out; each one audited).
    pub integrity_errors: u64,
    /// Findings by kind.
    pub by_finding: BTreeMap<FindingKind, u64>,
    /// Findings by severity.
    pub by_severity: BTreeMap<Severity, u64>,
    /// Listed keys by algorithm name.
    pub by_algorithm: BTreeMap<&'static str, KeyCount>,
    /// Listed keys by state name.
    pub by_state: BTreeMap<&'static str, KeyCount>,
    /// Listed keys by vault.
    pub by_vault: BTreeMap<VaultName, KeyCount>,
}

impl ComplianceTotals {
    fn add(&mut self, r: &KeyReport) {
        let has = !r.findings.is_empty();
        let bump = |c: &mut KeyCount| {
            c.keys += 1;
            c.with_findings += u64::from(has);
        };
        self.keys_reported += 1;
        self.keys_with_findings += u64::from(has);
        self.findings += r.findings.len() as u64;
        for f in &r.findings {
            *self.by_finding.entry(f.kind).or_default() += 1;
            *self.by_severity.entry(f.severity).or_default() += 1;
        }
        bump(self.by_algorithm.entry(r.algorithm.name()).or_default());
        bump(self.by_state.entry(r.state.name()).or_default());
        match self.by_vault.get_mut(&r.vault) {
            Some(c) => bump(c),
            None => {
                let mut c = KeyCount::default();
                bump(&mut c);
                self.by_vault.insert(r.vault.clone(), c);
            }
        }
    }
}

/// A report being read, page by page. Holds one page at a time, the vaults' policies and the
/// totals: nothing that grows with the number of keys.
#[derive(Debug)]
pub struct ComplianceCursor {
    caller: Caller,
    filter: KeyFilter,
    /// The vaults still to read, one at a time (each page query then walks the
    /// `(vault_id, id)` index); `None`: every vault, in key id order.
    vaults: Option<VecDeque<VaultId>>,
    after: Option<KeyId>,
    done: bool,
    now: OffsetDateTime,
    min_severity: Option<Severity>,
    page_size: u32,
    policies: HashMap<VaultId, Arc<CryptoPolicy>>,
    server_policy: String,
    totals: ComplianceTotals,
}

impl KeyService {
    /// Starts a compliance report for `caller` (who needs to read keys: key-manager,
    /// crypto-user or auditor in a vault). Access is checked here, before any key is read:
    /// naming a vault the caller cannot read fails; otherwise the report covers every vault
    /// where it may read keys (none: an empty report). The edge writes one audit record for
    /// the request (action `report.compliance`).
    pub async fn compliance_report(
        &self,
        caller: &Caller,
        query: ReportQuery,
    ) -> Result<ComplianceCursor> {
        caller.with_note(|n| {
            n.action = Some("report.compliance");
            n.detail = Some(format!(
                "{}{}{}",
                query.vault.as_ref().map_or_else(
                    || "every readable vault".to_owned(),
                    |v| format!("vault {v}")
                ),
                query
                    .min_severity
                    .map_or_else(String::new, |s| format!(", min_severity {s}")),
                if query.include_destroyed {
                    ", destroyed keys included"
                } else {
                    ""
                }
            ));
        });
        let filter = KeyFilter {
            include_destroyed: query.include_destroyed,
            ..KeyFilter::default()
        };
        let vaults = if let Some(vault) = &query.vault {
            let v = self.vault_for(caller, vault, Permission::ReadKey).await?;
            Some(VecDeque::from([v.id]))
        } else if caller.identity.internal {
            None
        } else {
            let mut readable: Vec<VaultId> = caller
                .identity
                .vault_roles
                .keys()
                .copied()
                .filter(|v| caller.may(Some(*v), Permission::ReadKey))
                .collect();
            readable.sort();
            Some(readable.into())
        };
        Ok(ComplianceCursor {
            caller: caller.clone(),
            filter,
            done: vaults.as_ref().is_some_and(VecDeque::is_empty),
            vaults,
            after: None,
            now: self.clock.now(),
            min_severity: query.min_severity,
            page_size: REPORT_PAGE,
            policies: HashMap::new(),
            server_policy: self.policy.name().to_owned(),
            totals: ComplianceTotals::default(),
        })
    }
}

impl ComplianceCursor {
    /// The next keys of the report (at least one), or `None` when it is complete. Reads pages
    /// of [`REPORT_PAGE`] keys, vault after vault (in vault id order) when the caller's vaults
    /// are listed, in key id order within each; a page whose keys are all left out (integrity
    /// failures, minimum severity) is skipped.
    pub async fn next_page(&mut self, svc: &KeyService) -> Result<Option<Vec<KeyReport>>> {
        let page = usize::try_from(self.page_size).unwrap_or(usize::MAX);
        while !self.done {
            if let Some(vaults) = &self.vaults {
                let Some(v) = vaults.front() else {
                    self.done = true;
                    break;
                };
                self.filter.vault_ids = Some(vec![*v]);
            }
            let rows = svc
                .store
                .list_inventory(&self.filter, self.after, self.page_size)
                .await?;
            self.after = rows.last().map(|r| r.key.id);
            if rows.len() < page {
                self.next_vault();
            }
            let pending: Vec<Option<KeyUse>> = {
                let uses = lock(&svc.uses);
                rows.iter().map(|r| uses.get(&r.key.id).copied()).collect()
            };
            let mut out = Vec::with_capacity(rows.len());
            for (row, pending) in rows.into_iter().zip(pending) {
                if let Some(r) = self.evaluate(svc, row, pending).await? {
                    self.totals.add(&r);
                    out.push(r);
                }
            }
            if !out.is_empty() {
                return Ok(Some(out));
            }
        }
        Ok(None)
    }

    /// Moves on to the next vault, or ends the report.
    fn next_vault(&mut self) {
        self.after = None;
        match &mut self.vaults {
            Some(vaults) => {
                vaults.pop_front();
                self.done = vaults.is_empty();
            }
            None => self.done = true,
        }
    }

    /// The totals over the keys returned so far (complete once `next_page` gave `None`).
    pub fn totals(&self) -> &ComplianceTotals {
        &self.totals
    }

    /// When the report was started: ages, deadlines and statuses are as of this instant.
    pub fn generated_at(&self) -> OffsetDateTime {
        self.now
    }

    /// The name of the server's crypto policy (a vault with an override is judged by
    /// `<server>+<override>`).
    pub fn policy_name(&self) -> &str {
        &self.server_policy
    }

    /// Judges one key; `None` when it is left out.
    async fn evaluate(
        &mut self,
        svc: &KeyService,
        row: InventoryRow,
        pending: Option<KeyUse>,
    ) -> Result<Option<KeyReport>> {
        let InventoryRow {
            mut key,
            mut primary_created_at,
            primary_uses,
        } = row;
        if !svc.system.integrity.key_ok(&key) {
            let _ = svc
                .integrity_failed(Some(&self.caller), "key", key.id.to_string())
                .await;
            self.totals.integrity_errors += 1;
            return Ok(None);
        }
        // Due transitions, on the copy only (at most activation then deactivation, or the end
        // of a pending destruction).
        for _ in 0..3 {
            match due_transition(&key, self.now) {
                Some((next, _, _)) => key = next,
                None => break,
            }
        }
        if key.state.is_destroyed() && !self.filter.include_destroyed {
            return Ok(None);
        }
        self.totals.keys_scanned += 1;
        let policy = match self.policies.get(&key.vault_id) {
            Some(p) => Arc::clone(p),
            None => {
                let p = svc.effective_policy(key.vault_id).await?;
                self.policies.insert(key.vault_id, Arc::clone(&p));
                p
            }
        };
        let mut uses = primary_uses;
        let mut last_used_at = key.last_used_at;
        if let Some(u) = pending {
            last_used_at = Some(last_used_at.map_or(u.at, |t| t.max(u.at)));
            if u.version == key.primary_version {
                uses = uses.saturating_add(u.applies);
            }
        }
        if primary_created_at < key.created_at {
            primary_created_at = key.created_at;
        }
        let spec = if key.object_kind.is_key() {
            AlgorithmSpec::of(key.algorithm)
        } else {
            None
        };
        let use_limit = key
            .schedule
            .use_limit
            .or_else(|| spec.as_ref().and_then(|s| policy.default_use_limit(s)));
        let strength = spec.as_ref().map(|s| policy.assess(s, self.now).strength);
        let bits = spec.as_ref().map(|s| s.bits);
        let mut findings = policy.findings(
            &Subject {
                spec,
                class: KeyClass::of(key.algorithm, key.usage),
                state: key.state,
                created_at: key.created_at,
                activation_date: key.activation_date,
                deactivation_date: key.deactivation_date,
                destroy_at: key.destroy_at,
                last_used_at,
                primary_created_at,
                rotation_interval: key.schedule.rotation_interval,
                next_rotation_at: key.schedule.next_rotation_at,
                uses_of_primary: uses,
                use_limit,
                name: key.name.as_str(),
            },
            self.now,
        );
        if let Some(min) = self.min_severity {
            findings.retain(|f| f.severity >= min);
            if findings.is_empty() {
                return Ok(None);
            }
        }
        let age_days = u64::try_from((self.now - key.created_at).whole_days()).unwrap_or(0);
        Ok(Some(KeyReport {
            id: key.id,
            vault: key.vault_name,
            name: key.name,
            algorithm: key.algorithm,
            bits,
            strength,
            state: key.state,
            destroy_at: key.destroy_at,
            usage: key.usage,
            created_at: key.created_at,
            age_days,
            last_used_at,
            primary_version: key.primary_version,
            primary_created_at,
            uses,
            use_limit,
            template: key.schedule.template,
            findings,
        }))
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
    use time::macros::datetime;

    use super::*;
    use crate::policy::Finding;

    fn report(
        vault: &str,
        alg: KeyAlgorithm,
        state: KeyState,
        kinds: &[(FindingKind, Severity)],
    ) -> KeyReport {
        KeyReport {
            id: KeyId(uuid::Uuid::nil()),
            vault: vault.parse().unwrap(),
            name: "k".parse().unwrap(),
            algorithm: alg,
            bits: Some(256),
            strength: Some(128),
            state,
            destroy_at: None,
            usage: UsageMask::SIGN,
            created_at: datetime!(2026-01-01 00:00 UTC),
            age_days: 0,
            last_used_at: None,
            primary_version: 1,
            primary_created_at: datetime!(2026-01-01 00:00 UTC),
            uses: 0,
            use_limit: None,
            template: None,
            findings: kinds
                .iter()
                .map(|(kind, severity)| Finding {
                    kind: *kind,
                    severity: *severity,
                    message: String::new(),
                    remediation: String::new(),
                    deadline: None,
                })
                .collect(),
        }
    }

    #[test]
    fn totals_count_keys_and_findings_by_group() {
        let mut t = ComplianceTotals::default();
        t.add(&report(
            "a",
            KeyAlgorithm::EcP256,
            KeyState::Active,
            &[
                (FindingKind::QuantumVulnerable, Severity::Low),
                (FindingKind::Unused, Severity::Low),
            ],
        ));
        t.add(&report("a", KeyAlgorithm::Aes256, KeyState::Active, &[]));
        t.add(&report(
            "b",
            KeyAlgorithm::EcP256,
            KeyState::Deactivated,
            &[(FindingKind::MaxAge, Severity::Medium)],
        ));
        assert_eq!(t.keys_reported, 3);
        assert_eq!(t.keys_with_findings, 2);
        assert_eq!(t.findings, 3);
        assert_eq!(t.by_finding[&FindingKind::Unused], 1);
        assert_eq!(t.by_severity[&Severity::Low], 2);
        assert_eq!(t.by_severity[&Severity::Medium], 1);
        assert_eq!(
            t.by_algorithm["ec-p256"],
            KeyCount {
                keys: 2,
                with_findings: 2
            }
        );
        assert_eq!(
            t.by_algorithm["aes-256"],
            KeyCount {
                keys: 1,
                with_findings: 0
            }
        );
        assert_eq!(t.by_state["active"].keys, 2);
        assert_eq!(t.by_state["deactivated"].with_findings, 1);
        let a: VaultName = "a".parse().unwrap();
        assert_eq!(
            t.by_vault[&a],
            KeyCount {
                keys: 2,
                with_findings: 1
            }
        );
        assert_eq!(t.by_vault.len(), 2);
    }
}
