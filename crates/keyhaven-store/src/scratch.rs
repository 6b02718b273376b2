//! A throwaway SQLite database in a private temporary directory: where a backup's tables are
//! loaded to be read back through the `Store` API (partial restores, `backup verify`). The
//! directory (0700) and everything in it are removed by [`ScratchStore::close`], or on drop.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use keyhaven_core::StoreError;

use crate::SqliteStore;

/// A scratch SQLite store.
#[derive(Debug)]
pub struct ScratchStore {
    store: SqliteStore,
    dir: PathBuf,
}

impl ScratchStore {
    /// Creates the directory (a new one: never an existing path) and an empty, migrated
    /// database in it.
    pub async fn new(purpose: &str) -> Result<ScratchStore, StoreError> {
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "keyhaven-{purpose}-{}-{nanos}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(&dir)
            .map_err(|e| StoreError::Backend(format!("cannot create {}: {e}", dir.display())))?;
        match SqliteStore::open(&dir.join("scratch.db")).await {
            Ok(store) => Ok(ScratchStore { store, dir }),
            Err(e) => {
                remove(&dir);
                Err(e)
            }
        }
    }

    /// The store.
    pub fn store(&self) -> &SqliteStore {
        &self.store
    }

    /// Closes the database and removes the directory.
    pub async fn close(self) {
        self.store.close().await;
        // Drop removes the directory.
    }
}

impl Drop for ScratchStore {
    fn drop(&mut self) {
        remove(&self.dir);
    }
}

fn remove(dir: &std::path::Path) {
    if let Err(e) = std::fs::remove_dir_all(dir) {
        tracing::warn!(dir = %dir.display(), error = %e, "could not remove a scratch directory");
    }
}
