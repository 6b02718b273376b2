//! Background jobs, while unsealed: time-driven transitions (activation and deactivation
//! dates, completion of pending destructions) and automatic rotations (interval, ahead of the
//! deactivation date) through the due-time index; flushing of last-use times and use counts,
//! which rotates keys that reached their use limit; deletion of expired BYOK import keys; and
//! audit checkpoints (signed every tick while records arrive); and keystore reconciliation
//! (see [`crate::distribution`]).

use std::sync::Arc;
use std::time::Duration;

use keyhaven_core::KeyService;
use tokio::sync::watch;

use crate::seal::Seal;

/// Keys processed per tick at most; a backlog drains over consecutive ticks.
const BATCH: u32 = 500;

/// Runs the jobs every `interval` until `stop` changes.
pub async fn run(seal: Arc<Seal>, interval: Duration, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => break,
        }
        if let Some((service, _running)) = seal.service_for_background().await {
            run_once(&service).await;
        }
    }
    // Last flush on the way out so recent uses are not lost.
    if let Some((service, _running)) = seal.service_for_background().await {
        run_once(&service).await;
    }
}

/// One pass of every job.
pub async fn run_once(service: &KeyService) {
    // Keystores first: a destruction whose pending period ended completes (in `run_due`)
    // only once every keystore holding the key has deleted it.
    crate::distribution::reconcile_all(service).await;
    match service.run_due(BATCH).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(keys = n, "applied scheduled transitions"),
        Err(e) => tracing::warn!(error = %e, "scheduled transitions failed"),
    }
    if let Err(e) = service.flush_last_used().await {
        tracing::warn!(error = %e, "recording last use failed");
    }
    match service.purge_expired_import_keys().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(count = n, "deleted expired import keys"),
        Err(e) => tracing::warn!(error = %e, "deleting expired import keys failed"),
    }
    checkpoint(service).await;
}

/// Signs an audit checkpoint if records arrived since the last one.
pub async fn checkpoint(service: &KeyService) {
    match service.checkpoint_audit().await {
        Ok(Some(cp)) => tracing::debug!(tree_size = cp.tree_size, "audit checkpoint signed"),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "audit checkpoint failed"),
    }
}
