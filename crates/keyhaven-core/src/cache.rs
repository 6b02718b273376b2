//! A bounded cache of parsed key handles for the cryptographic hot path.
//!
//! Entries hold a snapshot of the key record and the parsed handles of the versions used so far.
//! Every state change, rotation or destruction invalidates the key's entry before the service
//! returns, so the next request sees the new state. Handles zeroize their material when the last
//! reference is dropped (eviction or invalidation).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::crypto::KeyHandle;
use crate::model::{Key, KeyId};

/// A cached key: its record as last read, and parsed version handles.
pub struct CachedKey {
    /// The record this entry was built from.
    pub key: Key,
    handles: Mutex<HashMap<u32, Arc<dyn KeyHandle>>>,
}

impl CachedKey {
    /// A new entry with no handles yet.
    pub fn new(key: Key) -> CachedKey {
        CachedKey {
            key,
            handles: Mutex::new(HashMap::new()),
        }
    }
    /// The handle of `version`, if parsed already.
    pub fn handle(&self, version: u32) -> Option<Arc<dyn KeyHandle>> {
        lock(&self.handles).get(&version).cloned()
    }
    /// Remembers a parsed handle.
    pub fn put_handle(&self, version: u32, handle: Arc<dyn KeyHandle>) {
        lock(&self.handles).insert(version, handle);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// The cache. `capacity` bounds the number of keys held.
pub struct KeyCache {
    capacity: usize,
    entries: Mutex<HashMap<KeyId, Arc<CachedKey>>>,
    /// Bumped by every invalidation, so a load that raced with a change is not inserted.
    epoch: AtomicU64,
    /// Off while other nodes' changes cannot be heard ([`KeyCache::set_enabled`]).
    enabled: std::sync::atomic::AtomicBool,
}

impl KeyCache {
    /// A cache for at most `capacity` keys (0 disables caching).
    pub fn new(capacity: usize) -> KeyCache {
        KeyCache {
            capacity,
            entries: Mutex::new(HashMap::new()),
            epoch: AtomicU64::new(0),
            enabled: std::sync::atomic::AtomicBool::new(true),
        }
    }

    /// Turns the cache on or off; while off, `get` finds nothing and `insert` keeps nothing.
    pub fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Ordering::Release);
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    /// Drops every entry.
    pub fn clear(&self) {
        let mut map = lock(&self.entries);
        self.epoch.fetch_add(1, Ordering::AcqRel);
        map.clear();
    }

    /// The current invalidation epoch; read it before loading from the store.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// The entry for `id`.
    pub fn get(&self, id: KeyId) -> Option<Arc<CachedKey>> {
        if !self.enabled.load(Ordering::Acquire) {
            return None;
        }
        lock(&self.entries).get(&id).cloned()
    }

    /// Inserts an entry built from a load that started at `epoch`; dropped if anything was
    /// invalidated since. Evicts an arbitrary entry when full.
    pub fn insert(&self, epoch: u64, entry: Arc<CachedKey>) {
        if self.capacity == 0 || !self.enabled.load(Ordering::Acquire) {
            return;
        }
        let mut map = lock(&self.entries);
        if self.epoch.load(Ordering::Acquire) != epoch {
            return;
        }
        if map.len() >= self.capacity && !map.contains_key(&entry.key.id) {
            if let Some(victim) = map.keys().next().copied() {
                map.remove(&victim);
            }
        }
        map.insert(entry.key.id, entry);
    }

    /// Drops the entry for `id` (its handles are zeroized once no request holds them).
    pub fn invalidate(&self, id: KeyId) {
        let mut map = lock(&self.entries);
        self.epoch.fetch_add(1, Ordering::AcqRel);
        map.remove(&id);
    }

    /// Number of cached keys.
    pub fn len(&self) -> usize {
        lock(&self.entries).len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
