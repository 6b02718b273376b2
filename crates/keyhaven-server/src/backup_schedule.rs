//! Scheduled backups (`serve --backup-dir DIR --backup-recipient PUB.pem`): a whole-instance
//! backup every interval, protected for the configured recipients' public keys (no secret on
//! the server), written to a directory with retention. With several nodes one of them takes
//! each backup (a lease as long as the interval). The outcome shows in `/v1/ready` under
//! `backups`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use keyhaven_core::access::Caller;
use keyhaven_core::backup;
use keyhaven_crypto::backup::{self as file, FileKey, Header, RecipientKey, CHUNK_SIZE};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::seal::Seal;

/// Names of scheduled backup files: `keyhaven-YYYYMMDDTHHMMSSZ.khbackup`.
const PREFIX: &str = "keyhaven-";
const SUFFIX: &str = ".khbackup";

/// What to back up where.
#[derive(Clone)]
pub struct BackupSchedule {
    /// Directory of the backup files (created if missing).
    pub dir: PathBuf,
    /// Time between backups.
    pub interval: Duration,
    /// Backup files kept (the oldest beyond this are deleted after a new one is written).
    pub keep: usize,
    /// Recipients' public keys: any one restores.
    pub recipients: Vec<RecipientKey>,
}

impl std::fmt::Debug for BackupSchedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackupSchedule")
            .field("dir", &self.dir)
            .field("interval", &self.interval)
            .field("keep", &self.keep)
            .field("recipients", &self.recipients.len())
            .finish()
    }
}

/// The latest outcomes, for `/v1/ready`.
#[derive(Clone, Debug, Default)]
pub struct BackupStatus {
    /// The last backup written: file name, time, size.
    pub last_ok: Option<(String, OffsetDateTime, u64)>,
    /// The last failure: time and message.
    pub last_error: Option<(OffsetDateTime, String)>,
    /// Failures since the last success.
    pub failures_in_a_row: u32,
    /// Backups written by this node since it started.
    pub written: u64,
}

/// Shared status of the schedule.
pub type SharedStatus = Arc<Mutex<BackupStatus>>;

fn lock(s: &SharedStatus) -> std::sync::MutexGuard<'_, BackupStatus> {
    match s.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// Runs the schedule until `stop` changes: a backup now, then every interval.
pub async fn run(
    seal: Arc<Seal>,
    schedule: BackupSchedule,
    status: SharedStatus,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(schedule.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => break,
        }
        let Some((service, _running)) = seal.service_for_background().await else {
            continue;
        };
        match service
            .claim_work_for("backup-schedule", schedule.interval)
            .await
        {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                failed(&status, format!("cannot claim the backup lease: {e}"));
                continue;
            }
        }
        match take(&service, &schedule).await {
            Ok((name, size)) => {
                tracing::info!(file = %name, bytes = size, "scheduled backup written");
                let mut st = lock(&status);
                st.last_ok = Some((name, OffsetDateTime::now_utc(), size));
                st.failures_in_a_row = 0;
                st.written += 1;
            }
            Err(e) => failed(&status, e),
        }
    }
}

fn failed(status: &SharedStatus, message: String) {
    tracing::error!(error = %message, "scheduled backup failed");
    let mut st = lock(status);
    st.last_error = Some((OffsetDateTime::now_utc(), message));
    st.failures_in_a_row += 1;
}

/// Takes one backup into the directory and prunes old ones; (file name, size).
async fn take(
    service: &keyhaven_core::KeyService,
    schedule: &BackupSchedule,
) -> Result<(String, u64), String> {
    let caller = Caller::system();
    let snapshot = service
        .backup_snapshot(&caller, &backup::BackupScope::Instance)
        .await
        .map_err(|e| format!("snapshot: {e}"))?;
    let created = snapshot.meta.created_at;
    let key = FileKey::generate().map_err(|e| e.to_string())?;
    let protection =
        file::protect_recipients(&key, &schedule.recipients).map_err(|e| e.to_string())?;
    let header = Header {
        created_at: created.format(&Rfc3339).map_err(|e| e.to_string())?,
        chunk_size: CHUNK_SIZE as u32,
        protection,
    };
    let bytes = tokio::task::spawn_blocking(move || {
        let payload = backup::encode(&snapshot)?;
        file::seal(&header, &key, &payload)
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    let stamp = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        created.year(),
        u8::from(created.month()),
        created.day(),
        created.hour(),
        created.minute(),
        created.second()
    );
    let name = format!("{PREFIX}{stamp}{SUFFIX}");
    let dir = schedule.dir.clone();
    let keep = schedule.keep;
    let size = bytes.len() as u64;
    let written = name.clone();
    tokio::task::spawn_blocking(move || write_and_prune(&dir, &written, &bytes, keep))
        .await
        .map_err(|e| e.to_string())??;
    Ok((name, size))
}

fn write_and_prune(
    dir: &std::path::Path,
    name: &str,
    bytes: &[u8],
    keep: usize,
) -> Result<(), String> {
    use std::io::Write;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let tmp = dir.join(format!(".{name}.partial"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(&tmp)
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    drop(f);
    std::fs::rename(&tmp, dir.join(name))
        .map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))?;
    let mut ours: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        .collect();
    ours.sort();
    let excess = ours.len().saturating_sub(keep.max(1));
    for old in ours.iter().take(excess) {
        if let Err(e) = std::fs::remove_file(dir.join(old)) {
            tracing::warn!(file = %old, error = %e, "could not delete an old scheduled backup");
        }
    }
    Ok(())
}

/// The status as `/v1/ready` shows it.
pub fn status_json(status: &SharedStatus) -> serde_json::Value {
    let st = lock(status).clone();
    let at = |t: OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
    serde_json::json!({
        "last_ok": st.last_ok.map(|(file, t, size)| serde_json::json!({"file": file, "at": at(t), "bytes": size})),
        "last_error": st.last_error.map(|(t, m)| serde_json::json!({"at": at(t), "message": m})),
        "failures_in_a_row": st.failures_in_a_row,
        "written": st.written,
    })
}
