//! Cryptoperiods and automatic rotation: what activation and rotation do to a key's dates,
//! rotation by the background job (interval, ahead of the deactivation date, usage count), and
//! the in-memory use counts that feed it without a database write per operation.

use time::OffsetDateTime;

use crate::access::Caller;
use crate::algorithm::{Operation, OperationKind};
use crate::error::{Error, Result};
use crate::lifecycle::{Action, KeyState};
use crate::model::{Cause, Key, KeyId};
use crate::policy::{AlgorithmSpec, KeyClass, NewKeyCheck};
use crate::service::{lock, KeyService};

/// What the operations recorded of a key since the last flush.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyUse {
    /// Last use.
    pub(crate) at: OffsetDateTime,
    /// The primary version the applications counted below were made with.
    pub(crate) version: u32,
    /// Applications of protection (encrypt, sign, MAC, wrap, data key, ...) by that version.
    pub(crate) applies: u64,
}

/// Sets what activation at `at` implies: the deactivation date from the cryptoperiod (never
/// later than one set already) and the first interval rotation.
pub(crate) fn on_activation(key: &mut Key, at: OffsetDateTime) {
    if let Some(cp) = key.schedule.cryptoperiod {
        let end = at + cp;
        key.deactivation_date = Some(key.deactivation_date.map_or(end, |d| d.min(end)));
    }
    if let Some(interval) = key.schedule.rotation_interval {
        key.schedule.next_rotation_at = Some(at + interval);
    }
}

/// Sets what a rotation at `now` implies: the new material starts its own cryptoperiod, and
/// the next interval rotation counts from now.
pub(crate) fn on_rotation(key: &mut Key, now: OffsetDateTime) {
    if let Some(cp) = key.schedule.cryptoperiod {
        key.deactivation_date = Some(now + cp);
    }
    if let Some(interval) = key.schedule.rotation_interval {
        key.schedule.next_rotation_at = Some(now + interval);
    }
}

impl KeyService {
    /// Records a use of a key by the operations' gate (memory only; flushed by the job).
    pub(crate) fn record_use(&self, key: &Key, op: Operation, now: OffsetDateTime) {
        let applies = u64::from(op.kind() == OperationKind::Apply);
        let mut uses = lock(&self.uses);
        let e = uses.entry(key.id).or_insert(KeyUse {
            at: now,
            version: key.primary_version,
            applies: 0,
        });
        e.at = e.at.max(now);
        if e.version != key.primary_version {
            // Rotated since: the old version's few uncounted uses no longer matter.
            e.version = key.primary_version;
            e.applies = 0;
        }
        e.applies = e.applies.saturating_add(applies);
    }

    /// Writes recorded last-use times, adds the use counts to the versions, and rotates keys
    /// whose primary version reached its use limit; returns how many keys were recorded.
    pub(crate) async fn flush_uses(&self) -> Result<usize> {
        let batch: Vec<(KeyId, KeyUse)> = lock(&self.uses).drain().collect();
        if batch.is_empty() {
            return Ok(0);
        }
        let times: Vec<(KeyId, OffsetDateTime)> = batch.iter().map(|(id, u)| (*id, u.at)).collect();
        self.store.record_last_used(&times).await?;
        let counts: Vec<(KeyId, u32, u64)> = batch
            .iter()
            .filter(|(_, u)| u.applies > 0)
            .map(|(id, u)| (*id, u.version, u.applies))
            .collect();
        if counts.is_empty() {
            return Ok(batch.len());
        }
        let totals = self.store.add_version_uses(&counts).await?;
        for ((id, version, _), total) in counts.iter().zip(totals) {
            let key = match self.cache.get(*id) {
                Some(e) => e.key.clone(),
                None => match self.load(None, *id).await {
                    Ok(k) => k,
                    Err(_) => continue,
                },
            };
            let Some(limit) = self.use_limit(&key).await else {
                continue;
            };
            if key.primary_version == *version && total >= limit && key.state == KeyState::Active {
                let reason =
                    format!("version {version} applied protection {total} times (limit {limit})");
                if let Err(e) = self.rotate_by_policy(*id, reason).await {
                    tracing::warn!(key = %id, error = %e, "rotation on use count failed");
                }
            }
        }
        Ok(batch.len())
    }

    /// The use limit that rotates `key`: its own, else its vault's policy's default for its
    /// algorithm.
    pub(crate) async fn use_limit(&self, key: &Key) -> Option<u64> {
        if let Some(limit) = key.schedule.use_limit {
            return Some(limit);
        }
        let spec = AlgorithmSpec::of(key.algorithm)?;
        match self.effective_policy(key.vault_id).await {
            Ok(policy) => policy.default_use_limit(&spec),
            Err(_) => self.policy.default_use_limit(&spec),
        }
    }

    /// Rotates a key for the policy (interval, deactivation ahead, use count): a new primary
    /// version, cause `policy`, as the system.
    pub(crate) async fn rotate_by_policy(&self, id: KeyId, reason: String) -> Result<Key> {
        self.transition_as(
            &Caller::system(),
            id,
            Action::Rotate,
            Some(reason),
            Cause::Policy,
        )
        .await
    }

    /// Rotates the due keys among `ids` (already settled): interval or deactivation ahead.
    pub(crate) async fn rotate_if_due(&self, key: &Key) -> Result<bool> {
        let now = self.clock.now();
        if !key.rotation_due(now) {
            return Ok(false);
        }
        let reason = match key.schedule.next_rotation_at {
            Some(at) if at <= now => format!("rotation interval reached at {at}"),
            _ => format!(
                "deactivation date {} is near; rotation renews the cryptoperiod",
                key.deactivation_date
                    .map_or_else(String::new, |d| d.to_string())
            ),
        };
        match self.rotate_by_policy(key.id, reason).await {
            Ok(_) => Ok(true),
            Err(e @ (Error::NotFound { .. } | Error::Conflict(_))) => Err(e),
            Err(e) => {
                // A refused rotation (the policy now disallows the algorithm, say) must not stay
                // due: it would be retried every tick and crowd out other keys' due work.
                self.postpone_rotation(key, &e).await?;
                Err(e)
            }
        }
    }

    /// Moves a failed interval rotation one day on, recording why in the history (cause
    /// `policy`). A rotation due ahead of the deactivation date is left as it is: it stops
    /// being due when the key deactivates.
    async fn postpone_rotation(&self, key: &Key, error: &Error) -> Result<()> {
        let now = self.clock.now();
        if key.schedule.next_rotation_at.is_none_or(|at| at > now) {
            return Ok(());
        }
        let mut new = key.clone();
        new.updated_at = now;
        new.schedule.next_rotation_at = Some(now + time::Duration::DAY);
        let caller = Caller::system();
        let entry = self.history(
            key,
            &new,
            "rotation-postponed",
            &caller,
            Cause::Policy,
            Some(format!(
                "automatic rotation failed, retried in a day: {error}"
            )),
        );
        self.commit(&caller, key, new, &[entry], None, false)
            .await
            .map(|_| ())
    }

    /// Checks a new or rotated key against the vault's effective crypto policy.
    pub(crate) async fn check_policy(&self, key: &Key, operation: &'static str) -> Result<()> {
        let Some(spec) = AlgorithmSpec::of(key.algorithm) else {
            return Ok(());
        };
        if !key.object_kind.is_key() {
            return Ok(());
        }
        let policy = self.effective_policy(key.vault_id).await?;
        policy
            .check_new_key(
                &NewKeyCheck {
                    spec,
                    class: KeyClass::of(key.algorithm, key.usage),
                    cryptoperiod: key.schedule.cryptoperiod,
                    rotation_interval: key.schedule.rotation_interval,
                    operation,
                },
                self.clock.now(),
            )
            .map_err(|v| Error::PolicyViolation {
                rule: v.rule,
                message: v.message,
            })
    }
}
