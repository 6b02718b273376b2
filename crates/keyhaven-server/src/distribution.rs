//! Keeps every keystore a key targets in the key's managed state.
//!
//! For each (key, keystore, version) the distribution record remembers what keyhaven last
//! applied there. On every job tick, [`reconcile_all`] compares that with what the key's
//! lifecycle state asks for ([`desired_for`]) and applies the difference (create, enable,
//! disable, delete with the keystore's pending period); a failure is audited, recorded with
//! the reason, and retried with exponential backoff, so a change made while a keystore is
//! down is applied when it returns (the intent is the key's state, which is durable). Keys this
//! node changes are looked at on the next tick; all distributed keys every [`SCAN_INTERVAL`].
//! Every [`CHECK_INTERVAL`] it also asks the keystore what it holds ([`compare`]): a difference
//! that keyhaven did not cause is flagged out of sync ("changed outside keyhaven") and left
//! alone until someone runs [`reconcile_key`] with [`Mode::Sync`], which re-applies the
//! managed state whatever the record says.

use keyhaven_core::access::Outcome;
use keyhaven_core::distribution::{Distribution, KeystoreRecord};
use keyhaven_core::keystore::{
    compare, desired_for, Capabilities, CreateRequest, Desired, Keystore, KeystoreError,
    KeystoreKind, Placement, RemoteState, RemoteView,
};
use keyhaven_core::{Caller, Key, KeyId, KeyService};
use time::{Duration, OffsetDateTime};

/// How often each distributed key version is checked against its keystore.
pub const CHECK_INTERVAL: Duration = Duration::seconds(60);
/// Keys reconciled per page.
const BATCH: u32 = 200;
/// First retry delay after a failure; doubles per failure up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::seconds(5);
/// Longest retry delay.
const MAX_BACKOFF: Duration = Duration::minutes(10);

/// Why a key is being reconciled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The background job: apply what keyhaven changed (respecting backoff), check the
    /// keystores' view every [`CHECK_INTERVAL`], flag drift.
    Tick,
    /// An explicit sync: check every keystore now and re-apply the managed state everywhere.
    Sync,
}

/// How often a tick goes through every distributed key (between those passes it handles the
/// keys this node just changed).
pub const SCAN_INTERVAL: Duration = Duration::seconds(10);

/// One tick of the reconciliation job: the keys changed since the last tick, and every
/// distributed key when a full pass is due ([`SCAN_INTERVAL`]). Returns how many keys were
/// looked at.
pub async fn reconcile_all(service: &KeyService) -> usize {
    let (changed, full) = service.distribution_due(SCAN_INTERVAL);
    let mut n = 0;
    if !full {
        for id in changed {
            if let Err(e) = reconcile_key(service, id, Mode::Tick, None).await {
                tracing::warn!(key = %id, error = %e, "keystore reconciliation failed");
            }
            n += 1;
        }
        return n;
    }
    let mut after = None;
    loop {
        let ids = match service.distributed_keys(after, BATCH).await {
            Ok(ids) => ids,
            Err(e) => {
                tracing::warn!(error = %e, "listing distributed keys failed");
                return n;
            }
        };
        let Some(last) = ids.last().copied() else {
            return n;
        };
        for id in ids {
            if let Err(e) = reconcile_key(service, id, Mode::Tick, None).await {
                tracing::warn!(key = %id, error = %e, "keystore reconciliation failed");
            }
            n += 1;
        }
        after = Some(last);
    }
}

/// Reconciles one key with all its keystores. Keystore failures are recorded in the
/// distribution records (and audited), not returned; the error is for keyhaven's own
/// failures (storage, integrity).
///
/// Nodes sharing one database take a lease on the key first (`sync:KEY`), so only one of them
/// talks to its keystores at a time: a periodic pass skips a key another node holds, and an
/// explicit sync waits for it (up to 5 s, then asks the caller to retry).
pub async fn reconcile_key(
    service: &KeyService,
    id: KeyId,
    mode: Mode,
    caller: Option<&Caller>,
) -> keyhaven_core::Result<()> {
    let item = format!("sync:{id}");
    let mut waited = 0;
    while !service.claim_work(&item).await? {
        if !matches!(mode, Mode::Sync) {
            return Ok(());
        }
        if waited >= 50 {
            return Err(keyhaven_core::Error::Conflict(
                "another node is reconciling this key; retry".to_owned(),
            ));
        }
        waited += 1;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let result = reconcile_claimed(service, id, mode, caller).await;
    service.release_work(&item).await;
    result
}

async fn reconcile_claimed(
    service: &KeyService,
    id: KeyId,
    mode: Mode,
    caller: Option<&Caller>,
) -> keyhaven_core::Result<()> {
    let Some(work) = service.distribution_work(id).await? else {
        return Ok(());
    };
    let now = service.now();
    for ks in &work.targets {
        let mut records: Vec<Distribution> = work
            .records
            .iter()
            .filter(|r| r.keystore_id == ks.id)
            .cloned()
            .collect();
        if mode == Mode::Tick && !work_due(&work.key, ks, &records, now) {
            continue;
        }
        let conn = match service.keystore_credentials(ks).await.and_then(|creds| {
            connector(service, ks.kind, &ks.settings, &creds)
                .map_err(|e| keyhaven_core::Error::InvalidRequest(e.to_string()))
        }) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(keystore = %ks.name, error = %e, "keystore connector unavailable");
                for r in &mut records {
                    r.out_of_sync = Some(format!("keystore unusable: {e}"));
                    r.last_error = Some(e.to_string());
                    service.save_distribution(r).await?;
                }
                continue;
            }
        };
        let caps = conn.capabilities();
        let desired = desired_for(
            work.key.state,
            work.key.destroy_at,
            now,
            caps.pending_days.is_some(),
        );
        // The versions the keystore should hold: every live version once the key is
        // distributed, plus any version it was given before.
        let mut versions: Vec<u32> = records.iter().map(|r| r.version).collect();
        if matches!(desired, Desired::Enabled | Desired::Disabled) {
            let first = work.key.min_decryption_version.max(1);
            versions.extend(first..=work.key.primary_version);
        }
        versions.sort_unstable();
        versions.dedup();
        let mut health: Option<Result<(), String>> = None;
        for v in versions {
            let mut rec = match records.iter().position(|r| r.version == v) {
                Some(i) => records.swap_remove(i),
                None => Distribution::new(work.key.id, ks.id, v),
            };
            let ctx = Ctx {
                service,
                conn: conn.as_ref(),
                caps,
                ks,
                key: &work.key,
                caller,
                now,
            };
            ctx.step(&mut rec, desired, mode).await;
            service.save_distribution(&rec).await?;
            if rec.last_checked_at == Some(now) {
                health = match (health, &rec.last_error) {
                    (Some(Err(e)), _) => Some(Err(e)),
                    (_, Some(e)) => Some(Err(e.clone())),
                    (_, None) => Some(Ok(())),
                };
            }
        }
        // What this pass saw of the keystore becomes its health.
        if let Some(h) = health {
            service.set_keystore_health(ks.id, h.is_ok(), h.err()).await;
        }
    }
    Ok(())
}

/// Whether a tick has anything to do for `key` in keystore `ks` (so that idle keys cost no
/// connection): a state to apply, a version not there yet, or a check that is due.
fn work_due(key: &Key, ks: &KeystoreRecord, records: &[Distribution], now: OffsetDateTime) -> bool {
    // Only AWS KMS has a pending period of its own (the connector's capabilities agree).
    let pending_period = ks.kind == KeystoreKind::AwsKms;
    let desired = desired_for(key.state, key.destroy_at, now, pending_period);
    let live = matches!(desired, Desired::Enabled | Desired::Disabled);
    let first = key.min_decryption_version.max(1);
    let missing_version =
        live && (first..=key.primary_version).any(|v| !records.iter().any(|r| r.version == v));
    missing_version
        || records.iter().any(|r| {
            let waiting = r.next_attempt_at.is_some_and(|t| t > now);
            let differs = r.applied != desired.as_str();
            // An object seen gone after its deletion needs no more checks.
            let gone = r.applied == Desired::Destroyed.as_str()
                && matches!(r.remote_state.as_deref(), Some("missing" | "destroyed"));
            let check_due = r.remote_id.is_some()
                && !gone
                && r.last_checked_at.is_none_or(|t| t + CHECK_INTERVAL <= now);
            !waiting && (differs || check_due)
        })
}

/// Builds the connector of a keystore, refusing a `pkcs11` module that is not on the
/// server's allow-list (`serve --keystore-pkcs11-module`; loading a library runs its code in the
/// server, and vault admins, not the operator, register keystores).
pub fn connector(
    service: &KeyService,
    kind: KeystoreKind,
    settings: &serde_json::Value,
    credentials: &keyhaven_core::SecretBytes,
) -> Result<Box<dyn Keystore>, KeystoreError> {
    if kind == KeystoreKind::Pkcs11 {
        let module = settings
            .get("module")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| KeystoreError::Config("settings need \"module\"".to_owned()))?;
        let resolve = |p: &std::path::Path| std::fs::canonicalize(p).ok();
        let wanted = resolve(std::path::Path::new(module));
        let allowed = wanted.as_ref().is_some_and(|w| {
            service
                .pkcs11_modules()
                .iter()
                .any(|a| resolve(a).as_ref() == Some(w))
        });
        if !allowed {
            return Err(KeystoreError::Config(format!(
                "PKCS#11 module {module} is not one this server allows; the operator lists \
                 allowed modules with `keyhaven serve --keystore-pkcs11-module PATH`"
            )));
        }
    }
    keyhaven_keystores::connect(kind, settings, credentials)
}

struct Ctx<'a> {
    service: &'a KeyService,
    conn: &'a dyn Keystore,
    caps: Capabilities,
    ks: &'a KeystoreRecord,
    key: &'a Key,
    caller: Option<&'a Caller>,
    now: OffsetDateTime,
}

impl Ctx<'_> {
    async fn step(&self, rec: &mut Distribution, desired: Desired, mode: Mode) {
        if mode == Mode::Tick && rec.next_attempt_at.is_some_and(|t| t > self.now) {
            return;
        }
        let changed_by_keyhaven = rec.applied != desired.as_str();
        if desired == Desired::Absent && rec.remote_id.is_none() {
            rec.applied = desired.as_str().to_owned();
            rec.out_of_sync = None;
            return;
        }
        if changed_by_keyhaven || mode == Mode::Sync {
            match self.apply(rec, desired).await {
                Ok(()) => {
                    rec.applied = desired.as_str().to_owned();
                    rec.attempts = 0;
                    rec.next_attempt_at = None;
                    rec.last_error = None;
                    rec.out_of_sync = None;
                }
                Err(e) => {
                    rec.attempts = rec.attempts.saturating_add(1);
                    rec.next_attempt_at = Some(self.now + backoff(rec.attempts));
                    rec.last_error = Some(e.to_string());
                    rec.out_of_sync = Some(format!("propagation failed: {e}"));
                    rec.last_checked_at = Some(self.now);
                    return;
                }
            }
        }
        let check_due = rec
            .last_checked_at
            .is_none_or(|t| t + CHECK_INTERVAL <= self.now);
        if !(changed_by_keyhaven || mode == Mode::Sync || check_due) {
            return;
        }
        let Some(remote) = rec.remote_id.clone() else {
            return;
        };
        rec.last_checked_at = Some(self.now);
        match self.conn.describe(&remote).await {
            Ok(view) => {
                rec.remote_state = Some(view.state.as_str().to_owned());
                rec.last_error = None;
                if let RemoteState::PendingDestruction { until } = view.state {
                    rec.destroy_until = until;
                }
                if matches!(view.state, RemoteState::Destroyed | RemoteState::Missing)
                    && desired == Desired::Destroyed
                {
                    rec.destroy_until = None;
                }
                let expected = match self.ks.placement {
                    Placement::Push => rec.check_value.as_deref(),
                    _ => None,
                };
                let reason = compare(desired, &view, expected);
                let was = rec.out_of_sync.is_some();
                rec.out_of_sync = reason.map(|r| format!("changed outside keyhaven: {r}"));
                if let (false, Some(why)) = (was, &rec.out_of_sync) {
                    self.audit(rec.version, "out-of-sync", Outcome::Failure, why.clone())
                        .await;
                }
            }
            Err(e) => {
                rec.last_error = Some(e.to_string());
                rec.out_of_sync = Some(format!("cannot check the keystore: {e}"));
            }
        }
    }

    /// Brings one object to `desired`, auditing each change made.
    async fn apply(&self, rec: &mut Distribution, desired: Desired) -> Result<(), KeystoreError> {
        let view = match &rec.remote_id {
            Some(remote) => match self.conn.describe(remote).await {
                Ok(v) => Some(v),
                Err(e) => {
                    // The attempt failed before the change itself: audit it as that change.
                    let action = match desired {
                        Desired::Enabled => "enable",
                        Desired::Disabled => "disable",
                        _ => "destroy",
                    };
                    self.audit(rec.version, action, Outcome::Failure, e.to_string())
                        .await;
                    return Err(e);
                }
            },
            None => None,
        };
        let state = view.as_ref().map(|v: &RemoteView| v.state);
        match (desired, state) {
            (Desired::Absent, _) => Ok(()),
            (Desired::Enabled | Desired::Disabled, None)
            | (
                Desired::Enabled | Desired::Disabled,
                Some(RemoteState::Missing | RemoteState::Destroyed),
            ) => self.create(rec, desired == Desired::Enabled).await,
            (Desired::Enabled, Some(RemoteState::Enabled))
            | (Desired::Disabled, Some(RemoteState::Disabled)) => Ok(()),
            (Desired::Enabled, Some(RemoteState::Disabled)) => {
                if self.caps.reenable {
                    self.call(rec, "enable", self.conn.enable(remote_of(rec)?))
                        .await
                } else {
                    self.replace(rec).await
                }
            }
            (Desired::Enabled, Some(RemoteState::PendingDestruction { .. })) => {
                self.call(
                    rec,
                    "cancel-destroy",
                    self.conn.cancel_destroy(remote_of(rec)?),
                )
                .await?;
                self.call(rec, "enable", self.conn.enable(remote_of(rec)?))
                    .await
            }
            (Desired::Disabled, Some(RemoteState::Enabled)) => {
                self.call(rec, "disable", self.conn.disable(remote_of(rec)?))
                    .await
            }
            (Desired::Disabled, Some(RemoteState::PendingDestruction { .. })) => {
                self.call(
                    rec,
                    "cancel-destroy",
                    self.conn.cancel_destroy(remote_of(rec)?),
                )
                .await?;
                // AWS leaves a cancelled key disabled; make sure of it everywhere.
                self.call(rec, "disable", self.conn.disable(remote_of(rec)?))
                    .await
            }
            (Desired::Destroyed, None | Some(RemoteState::Missing | RemoteState::Destroyed)) => {
                rec.destroy_until = None;
                Ok(())
            }
            (Desired::Destroyed, Some(RemoteState::PendingDestruction { until })) => {
                rec.destroy_until = until;
                Ok(())
            }
            (Desired::Destroyed, Some(_)) => {
                let days = self.key.destroy_at.map_or(0, |at| {
                    let secs = (at - self.now).whole_seconds().max(0);
                    u32::try_from((secs + 86_399) / 86_400).unwrap_or(u32::MAX)
                });
                let until = self
                    .call(rec, "destroy", self.conn.destroy(remote_of(rec)?, days))
                    .await?;
                rec.destroy_until = until;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Creates the version in the keystore (pushed or generated).
    async fn create(&self, rec: &mut Distribution, enabled: bool) -> Result<(), KeystoreError> {
        let label = format!("keyhaven-{}-v{}", self.key.id, rec.version);
        let material = match self.ks.placement {
            Placement::Push => Some(
                self.service
                    .distribution_material(self.key, rec.version)
                    .await
                    .map_err(|e| KeystoreError::Refused(format!("no material to push: {e}")))?,
            ),
            _ => None,
        };
        let req = CreateRequest {
            label: &label,
            algorithm: self.key.algorithm,
            material: material.as_ref(),
            enabled,
        };
        let created = self.call(rec, "create", self.conn.create(&req)).await?;
        rec.check_value = match &material {
            Some(m) => keyhaven_core::keystore::check_value(self.key.algorithm, m),
            None => created.check_value.clone(),
        };
        rec.remote_id = Some(created.remote_id);
        rec.destroy_until = None;
        Ok(())
    }

    /// A keystore that cannot enable a disabled object again (KMIP) gets a new one; the old
    /// one is deleted.
    async fn replace(&self, rec: &mut Distribution) -> Result<(), KeystoreError> {
        let old = remote_of(rec)?.to_owned();
        self.create(rec, true).await?;
        if let Err(e) = self.call(rec, "destroy", self.conn.destroy(&old, 0)).await {
            tracing::warn!(keystore = %self.ks.name, error = %e, "deleting the replaced object failed");
        }
        Ok(())
    }

    /// Runs one keystore call and audits it.
    async fn call<T>(
        &self,
        rec: &Distribution,
        action: &str,
        fut: impl std::future::Future<Output = Result<T, KeystoreError>>,
    ) -> Result<T, KeystoreError> {
        let result = fut.await;
        let (outcome, detail) = match &result {
            Ok(_) => (
                Outcome::Success,
                rec.remote_id
                    .as_deref()
                    .map_or_else(|| "done".to_owned(), |r| format!("object {r}")),
            ),
            Err(e) => (Outcome::Failure, e.to_string()),
        };
        self.audit(rec.version, action, outcome, detail).await;
        result
    }

    async fn audit(&self, version: u32, action: &str, outcome: Outcome, detail: String) {
        self.service
            .audit_keystore(
                self.caller,
                self.key,
                version,
                self.ks,
                action,
                outcome,
                detail,
            )
            .await;
    }
}

fn remote_of(rec: &Distribution) -> Result<&str, KeystoreError> {
    rec.remote_id
        .as_deref()
        .ok_or_else(|| KeystoreError::NotFound("the key was never created there".to_owned()))
}

/// Delay before the next attempt after `attempts` failures in a row.
fn backoff(attempts: u32) -> Duration {
    let factor = 1i32 << attempts.saturating_sub(1).min(10);
    let d = FIRST_BACKOFF * factor;
    if d > MAX_BACKOFF {
        MAX_BACKOFF
    } else {
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        assert_eq!(backoff(1), Duration::seconds(5));
        assert_eq!(backoff(2), Duration::seconds(10));
        assert_eq!(backoff(3), Duration::seconds(20));
        assert_eq!(backoff(30), MAX_BACKOFF);
    }
}
