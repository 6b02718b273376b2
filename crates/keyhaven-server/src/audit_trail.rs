//! The audit records of requests: one per request, queued by the HTTP layer and written by
//! one task in batches (one transaction per batch), so that recording does not cost a
//! database write per cryptographic operation. State transitions are not written here: core
//! writes them in the same transaction as the change.
//!
//! Records wait in memory while a batch gathers (at most 50 ms); a crash can lose them. The queue is bounded: when the database falls behind, requests wait
//! (back-pressure) rather than records being dropped.

use std::sync::Arc;
use std::time::Duration;

use keyhaven_core::{AuditEvent, Store};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Events queued at most.
const QUEUE: usize = 65_536;
/// Events per transaction at most (about 500 KiB of records).
const BATCH: usize = 2_000;
/// How long the writer gathers events after the first one before writing them: each
/// transaction costs far more than each record in it (docs/BENCHMARKS.md).
const LINGER: Duration = Duration::from_millis(50);

/// Sends events to the writer. Cheap to clone.
#[derive(Clone)]
pub struct AuditTrail {
    tx: mpsc::Sender<AuditEvent>,
}

impl AuditTrail {
    /// Starts the writer task.
    pub fn start(store: Arc<dyn Store>) -> (AuditTrail, JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let task = tokio::spawn(write_loop(store, rx));
        (AuditTrail { tx }, task)
    }

    /// Queues an event (waits if the queue is full).
    pub async fn record(&self, event: AuditEvent) {
        if self.tx.send(event).await.is_err() {
            tracing::error!("the audit writer has stopped; an audit record was not written");
        }
    }
}

async fn write_loop(store: Arc<dyn Store>, mut rx: mpsc::Receiver<AuditEvent>) {
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        let deadline = tokio::time::Instant::now() + LINGER;
        while batch.len() < BATCH {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(e)) => batch.push(e),
                // Closed (shutdown) or the linger is over: write what we have.
                Ok(None) | Err(_) => break,
            }
        }
        let mut delay = Duration::from_millis(50);
        loop {
            match store.append_audit(&batch).await {
                Ok(()) => break,
                Err(e) => {
                    // Never drop records: retry until the database takes them.
                    tracing::error!(error = %e, records = batch.len(), "writing audit records failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
        batch.clear();
    }
}
