//! The audit log: records, checkpoints, verification.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// One audit record. `at_ns` (Unix nanoseconds) is the exact time that is hashed; `at` is the
/// same time for people.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct AuditRecord {
    /// Position in the log (1-based).
    pub seq: u64,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// When, in Unix nanoseconds.
    pub at_ns: i64,
    /// Request id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Principal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// Client address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What was done.
    pub action: String,
    /// REST route or protocol operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// Vault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<String>,
    /// Key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<Uuid>,
    /// Key version used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_version: Option<u32>,
    /// `success`, `denied` or `failure`.
    pub outcome: String,
    /// Result code (`200`, `403 forbidden`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Detail (transition, target principal, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Leaf hash (hex) stored with the record.
    pub leaf_hash: String,
    /// Inclusion proof against `proof_tree_size` (hex hashes), when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<Vec<String>>,
    /// Tree size the proof is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof_tree_size: Option<u64>,
}

/// A page of audit records.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditList {
    /// Records.
    pub items: Vec<AuditRecord>,
    /// Pass as `cursor` for the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A signed checkpoint (tree head).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Checkpoint {
    /// Records covered.
    pub tree_size: u64,
    /// Merkle root (hex).
    pub root: String,
    /// When signed.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Signing time in Unix nanoseconds (what is signed).
    pub at_ns: i64,
    /// Ed25519 signature (hex).
    pub signature: String,
}

/// `GET /v1/audit/checkpoints`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CheckpointList {
    /// By tree size.
    pub items: Vec<Checkpoint>,
    /// The Ed25519 public key (hex) that verifies them.
    pub public_key: String,
}

/// One problem found by verification.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct AuditFinding {
    /// First record concerned.
    pub seq: u64,
    /// What is wrong.
    pub message: String,
}

/// `GET /v1/audit/verify` (and `keyhaven audit verify`).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct AuditVerifyReport {
    /// Whether the log verified.
    pub ok: bool,
    /// Records read.
    pub records: u64,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// Records after the newest checkpoint.
    pub unsigned_tail: u64,
    /// Root over all records (hex).
    pub root: String,
    /// Problems, first first.
    pub findings: Vec<AuditFinding>,
}
