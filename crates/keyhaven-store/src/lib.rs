//! keyhaven storage: the [`keyhaven_core::Store`] trait on SQLite through sqlx.
//!
//! SQLite runs in WAL mode with `synchronous=FULL` (a committed change survives power loss),
//! `secure_delete` (erased material is overwritten, not left in free pages) and foreign keys.
//! Writes go through a single-connection pool so they never contend for the write lock; reads
//! use a small pool of their own.

mod sqlite;

pub use sqlite::SqliteStore;
