//! The tamper-evident audit log: records, their canonical encoding, signed checkpoints and the
//! verifier used online (`GET /v1/audit/verify`) and offline (`keyhaven audit verify` against a
//! database file or an export).
//!
//! Records are the leaves of an RFC 6962 Merkle tree in log order (`seq` 1, 2, ...; leaf index
//! `seq - 1`). A record's leaf hash is `SHA-256(0x00 || canonical bytes)` and is stored beside
//! it. The server signs checkpoints (tree size, root hash, time) with an Ed25519 key derived from
//! the system secret, so only an unsealed server can sign. The verifier recomputes every leaf
//! from the record's fields, the tree, and each checkpoint's root and signature; it names the
//! first record that does not match.

use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use time::OffsetDateTime;

use crate::access::Outcome;
use crate::merkle::{self, Frontier, Hash};
use crate::model::KeyId;

/// One audited event, before it has a place in the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    /// When.
    pub at: OffsetDateTime,
    /// Request id (absent for scheduled work).
    pub request_id: Option<String>,
    /// Principal name (absent when authentication failed before one was known).
    pub principal: Option<String>,
    /// Client address.
    pub source: Option<String>,
    /// What was done: an operation (`encrypt`, `key.create`, `transition`, `auth`, ...).
    pub action: String,
    /// The REST route (`POST /v1/keys/{id}/encrypt`) or protocol operation.
    pub route: Option<String>,
    /// Vault name.
    pub vault: Option<String>,
    /// Key.
    pub key: Option<KeyId>,
    /// Key version used.
    pub key_version: Option<u32>,
    /// Success, denied or failure.
    pub outcome: Outcome,
    /// Result code (`200`, `403 forbidden`, ...).
    pub code: Option<String>,
    /// Non-secret detail: a transition `active -> deactivated (cause: request): reason`, a
    /// target principal, ...
    pub detail: Option<String>,
}

/// An event in the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    /// Position (1-based).
    pub seq: u64,
    /// The event.
    pub event: AuditEvent,
    /// Leaf hash stored when the record was written.
    pub leaf_hash: Hash,
}

/// A signed tree head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// Number of records covered.
    pub tree_size: u64,
    /// Merkle root of the first `tree_size` records.
    pub root: Hash,
    /// When signed.
    pub at: OffsetDateTime,
    /// Ed25519 signature over [`Checkpoint::message`].
    pub signature: Vec<u8>,
}

/// Filters for audit queries; `None` means any.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Records about this key.
    pub key: Option<KeyId>,
    /// Records of this principal.
    pub principal: Option<String>,
    /// Records of this action.
    pub action: Option<String>,
    /// Records with this outcome.
    pub outcome: Option<Outcome>,
    /// Records about this vault.
    pub vault: Option<String>,
    /// At or after.
    pub since: Option<OffsetDateTime>,
    /// Before.
    pub until: Option<OffsetDateTime>,
}

fn put(out: &mut Vec<u8>, field: Option<&[u8]>) {
    match field {
        None => out.push(0),
        Some(b) => {
            out.push(1);
            let len = u32::try_from(b.len()).unwrap_or(u32::MAX);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(b);
        }
    }
}

/// Reads the fields written by [`put`].
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn next(&mut self) -> Option<Option<&'a [u8]>> {
        let (flag, rest) = self.0.split_first()?;
        match flag {
            0 => {
                self.0 = rest;
                Some(None)
            }
            1 => {
                let (len, rest) = rest.split_at_checked(4)?;
                let len = u32::from_be_bytes(len.try_into().ok()?) as usize;
                let (value, rest) = rest.split_at_checked(len)?;
                self.0 = rest;
                Some(Some(value))
            }
            _ => None,
        }
    }
    fn text(&mut self) -> Option<Option<String>> {
        match self.next()? {
            None => Some(None),
            Some(b) => String::from_utf8(b.to_vec()).ok().map(Some),
        }
    }
}

const CANONICAL_TAG: &[u8] = b"keyhaven-audit-v1";

impl AuditEvent {
    /// Parses [`AuditEvent::canonical`]; `None` for bytes that are not exactly such an
    /// encoding (so `decode(b).canonical() == b` whenever it succeeds).
    pub fn decode(bytes: &[u8]) -> Option<AuditEvent> {
        let rest = bytes.strip_prefix(CANONICAL_TAG)?;
        let mut f = Fields(rest);
        let at: [u8; 16] = f.next()??.try_into().ok()?;
        let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from_be_bytes(at)).ok()?;
        let request_id = f.text()?;
        let principal = f.text()?;
        let source = f.text()?;
        let action = f.text()??;
        let route = f.text()?;
        let vault = f.text()?;
        let key = match f.next()? {
            None => None,
            Some(b) => Some(KeyId(uuid::Uuid::from_slice(b).ok()?)),
        };
        let key_version = match f.next()? {
            None => None,
            Some(b) => Some(u32::from_be_bytes(b.try_into().ok()?)),
        };
        let outcome = Outcome::parse(&f.text()??)?;
        let code = f.text()?;
        let detail = f.text()?;
        if !f.0.is_empty() {
            return None;
        }
        let e = AuditEvent {
            at,
            request_id,
            principal,
            source,
            action,
            route,
            vault,
            key,
            key_version,
            outcome,
            code,
            detail,
        };
        // Only canonical encodings (no alternative spellings of the same event).
        (e.canonical() == bytes).then_some(e)
    }

    /// The canonical bytes hashed into the log (format version 1).
    pub fn canonical(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(192);
        out.extend_from_slice(CANONICAL_TAG);
        put(
            &mut out,
            Some(&self.at.unix_timestamp_nanos().to_be_bytes()),
        );
        put(&mut out, self.request_id.as_deref().map(str::as_bytes));
        put(&mut out, self.principal.as_deref().map(str::as_bytes));
        put(&mut out, self.source.as_deref().map(str::as_bytes));
        put(&mut out, Some(self.action.as_bytes()));
        put(&mut out, self.route.as_deref().map(str::as_bytes));
        put(&mut out, self.vault.as_deref().map(str::as_bytes));
        put(&mut out, self.key.as_ref().map(|k| &k.0.as_bytes()[..]));
        let version = self.key_version.map(u32::to_be_bytes);
        put(&mut out, version.as_ref().map(|v| &v[..]));
        put(&mut out, Some(self.outcome.name().as_bytes()));
        put(&mut out, self.code.as_deref().map(str::as_bytes));
        put(&mut out, self.detail.as_deref().map(str::as_bytes));
        out
    }

    /// `SHA-256(0x00 || canonical)`.
    pub fn leaf_hash(&self) -> Hash {
        merkle::leaf_hash(&self.canonical())
    }
}

impl Checkpoint {
    /// The bytes signed: a domain label, tree size, root and time.
    pub fn message(tree_size: u64, root: &Hash, at: OffsetDateTime) -> Vec<u8> {
        let mut m = b"keyhaven audit checkpoint v1\n".to_vec();
        m.extend_from_slice(&tree_size.to_be_bytes());
        m.extend_from_slice(root);
        m.extend_from_slice(&at.unix_timestamp_nanos().to_be_bytes());
        m
    }

    /// Whether the signature is valid under `public_key` (raw 32-byte Ed25519).
    pub fn verify(&self, public_key: &[u8]) -> bool {
        UnparsedPublicKey::new(&ED25519, public_key)
            .verify(
                &Checkpoint::message(self.tree_size, &self.root, self.at),
                &self.signature,
            )
            .is_ok()
    }
}

/// Signs checkpoints. Not `Debug` (holds a private key).
pub struct AuditSigner(Ed25519KeyPair);

impl AuditSigner {
    /// The signer for a 32-byte seed (derived from the system secret).
    pub fn from_seed(seed: &[u8]) -> Option<AuditSigner> {
        Ed25519KeyPair::from_seed_unchecked(seed)
            .ok()
            .map(AuditSigner)
    }

    /// Signs a tree head.
    pub fn sign(&self, tree_size: u64, root: Hash, at: OffsetDateTime) -> Checkpoint {
        let signature = self
            .0
            .sign(&Checkpoint::message(tree_size, &root, at))
            .as_ref()
            .to_vec();
        Checkpoint {
            tree_size,
            root,
            at,
            signature,
        }
    }

    /// The raw 32-byte public key.
    pub fn public_key(&self) -> Vec<u8> {
        self.0.public_key().as_ref().to_vec()
    }
}

/// What verification found wrong, in log order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// A record's fields do not hash to its stored leaf hash: it was edited.
    RecordAltered {
        /// The record.
        seq: u64,
    },
    /// A sequence number is missing: a record was deleted.
    RecordMissing {
        /// The first missing position.
        seq: u64,
    },
    /// Records are out of order or repeated.
    RecordOutOfOrder {
        /// The position found.
        seq: u64,
    },
    /// The tree over the first `tree_size` records does not match a signed checkpoint: a
    /// record in `from..=tree_size` was changed (an edit that also rewrote its stored hash
    /// shows only here), or records were removed or reordered.
    CheckpointMismatch {
        /// First record not covered by an earlier, matching checkpoint.
        from: u64,
        /// Size of the failing checkpoint.
        tree_size: u64,
    },
    /// A checkpoint's signature does not verify.
    BadSignature {
        /// Its tree size.
        tree_size: u64,
    },
    /// The query lookup index of the batch starting at `seq` was changed: queries may miss
    /// or misplace records (the records themselves verify).
    IndexAltered {
        /// First record of the batch.
        seq: u64,
    },
    /// A checkpoint covers more records than the log holds: records at the end were deleted.
    Truncated {
        /// Records present.
        records: u64,
        /// Size of the checkpoint.
        tree_size: u64,
    },
}

impl Finding {
    /// The first record this finding names.
    pub fn first_seq(&self) -> u64 {
        match self {
            Finding::RecordAltered { seq }
            | Finding::RecordMissing { seq }
            | Finding::RecordOutOfOrder { seq } => *seq,
            Finding::CheckpointMismatch { from, .. } => *from,
            Finding::BadSignature { tree_size } => *tree_size,
            Finding::IndexAltered { seq } => *seq,
            Finding::Truncated { records, .. } => records.saturating_add(1),
        }
    }

    /// A sentence for people.
    pub fn describe(&self) -> String {
        match self {
            Finding::RecordAltered { seq } => {
                format!("record #{seq} does not match its hash: it was edited after it was written")
            }
            Finding::RecordMissing { seq } => format!("record #{seq} is missing (deleted)"),
            Finding::RecordOutOfOrder { seq } => {
                format!("record #{seq} is out of order or repeated")
            }
            Finding::CheckpointMismatch { from, tree_size } => format!(
                "records #{from}..#{tree_size} do not match the signed checkpoint at size \
                 {tree_size}: one of them was changed, removed or moved (with its stored hash \
                 if no record is named above)"
            ),
            Finding::BadSignature { tree_size } => format!(
                "the checkpoint at size {tree_size} has an invalid signature (forged or edited)"
            ),
            Finding::IndexAltered { seq } => format!(
                "the query index of the batch starting at record #{seq} was changed: queries \
                 may miss its records (the records themselves are intact)"
            ),
            Finding::Truncated { records, tree_size } => format!(
                "the log holds {records} records but a signed checkpoint covers {tree_size}: \
                 records #{}..#{tree_size} were deleted",
                records.saturating_add(1)
            ),
        }
    }
}

/// The result of a verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    /// Records read.
    pub records: u64,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// Records after the newest checkpoint (protected only by their own hashes so far).
    pub unsigned_tail: u64,
    /// Root over all records read.
    pub root: Hash,
    /// Problems, in log order (at most [`MAX_FINDINGS`]).
    pub findings: Vec<Finding>,
}

impl VerifyReport {
    /// Whether nothing was wrong.
    pub fn ok(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Findings kept by a verification; one altered record is enough to fail.
pub const MAX_FINDINGS: usize = 20;

/// Streaming verifier: feed records in `seq` order, then [`Verifier::finish`].
pub struct Verifier {
    public_key: Option<Vec<u8>>,
    checkpoints: Vec<Checkpoint>,
    next_checkpoint: usize,
    last_good: u64,
    frontier: Frontier,
    expected: u64,
    findings: Vec<Finding>,
    checked: u64,
}

impl Verifier {
    /// A verifier for the given checkpoints (any order) and the checkpoint public key.
    pub fn new(checkpoints: Vec<Checkpoint>, public_key: &[u8]) -> Verifier {
        Verifier::with_key(checkpoints, Some(public_key))
    }

    /// Like [`Verifier::new`]; without a key, signatures are not checked (roots still are).
    pub fn with_key(mut checkpoints: Vec<Checkpoint>, public_key: Option<&[u8]>) -> Verifier {
        checkpoints.sort_by_key(|c| c.tree_size);
        let mut v = Verifier {
            public_key: public_key.map(<[u8]>::to_vec),
            checkpoints,
            next_checkpoint: 0,
            last_good: 0,
            frontier: Frontier::new(),
            expected: 1,
            findings: Vec::new(),
            checked: 0,
        };
        v.check_checkpoints_at(0);
        v
    }

    fn note(&mut self, f: Finding) {
        if self.findings.len() < MAX_FINDINGS {
            self.findings.push(f);
        }
    }

    /// Compares the tree with every checkpoint of the current size.
    fn check_checkpoints_at(&mut self, size: u64) {
        while let Some(cp) = self.checkpoints.get(self.next_checkpoint) {
            if cp.tree_size > size {
                break;
            }
            let cp = cp.clone();
            self.next_checkpoint += 1;
            self.checked += 1;
            if self.public_key.as_ref().is_some_and(|k| !cp.verify(k)) {
                self.note(Finding::BadSignature {
                    tree_size: cp.tree_size,
                });
                continue;
            }
            if cp.tree_size == size {
                if cp.root == self.frontier.root() {
                    self.last_good = size;
                } else {
                    self.note(Finding::CheckpointMismatch {
                        from: self.last_good.saturating_add(1),
                        tree_size: size,
                    });
                }
            }
        }
    }

    /// Feeds the next record.
    pub fn push(&mut self, record: &AuditRecord) {
        if record.seq < self.expected {
            self.note(Finding::RecordOutOfOrder { seq: record.seq });
            return;
        }
        if record.seq > self.expected {
            self.note(Finding::RecordMissing { seq: self.expected });
            // Positions are the tree's leaf indexes: a gap shifts every later leaf, which the
            // next checkpoint shows as well.
            self.expected = record.seq;
        }
        if record.event.leaf_hash() != record.leaf_hash {
            self.note(Finding::RecordAltered { seq: record.seq });
        }
        // The tree is over the stored hashes (as the server signed it): an edit of the record
        // alone is named above; an edit of its stored hash too shows at the next checkpoint.
        self.frontier.push(record.leaf_hash);
        self.expected = record.seq.saturating_add(1);
        let size = self.frontier.size();
        self.check_checkpoints_at(size);
    }

    /// Notes that the store's lookup index of the batch starting at `seq` was altered.
    pub fn index_altered(&mut self, seq: u64) {
        self.note(Finding::IndexAltered { seq });
    }

    /// Ends the verification.
    pub fn finish(mut self) -> VerifyReport {
        let records = self.frontier.size();
        let remaining: Vec<u64> = self
            .checkpoints
            .get(self.next_checkpoint..)
            .unwrap_or_default()
            .iter()
            .map(|c| c.tree_size)
            .collect();
        if let Some(&tree_size) = remaining.last() {
            self.checked += remaining.len() as u64;
            self.note(Finding::Truncated { records, tree_size });
        }
        let covered = self
            .checkpoints
            .iter()
            .map(|c| c.tree_size)
            .filter(|s| *s <= records)
            .max()
            .unwrap_or(0);
        VerifyReport {
            records,
            checkpoints: self.checked,
            unsigned_tail: records.saturating_sub(covered),
            root: self.frontier.root(),
            findings: self.findings,
        }
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
    use super::*;

    fn event(i: u64) -> AuditEvent {
        AuditEvent {
            at: OffsetDateTime::from_unix_timestamp(1_700_000_000 + i as i64).unwrap(),
            request_id: Some(format!("req-{i}")),
            principal: Some("alice".into()),
            source: Some("127.0.0.1".into()),
            action: "encrypt".into(),
            route: Some("POST /v1/keys/{id}/encrypt".into()),
            vault: Some("payments".into()),
            key: None,
            key_version: Some(1),
            outcome: Outcome::Success,
            code: Some("200".into()),
            detail: None,
        }
    }

    fn log(n: u64) -> Vec<AuditRecord> {
        (1..=n)
            .map(|seq| {
                let event = event(seq);
                AuditRecord {
                    seq,
                    leaf_hash: event.leaf_hash(),
                    event,
                }
            })
            .collect()
    }

    fn signer() -> AuditSigner {
        AuditSigner::from_seed(&[5; 32]).unwrap()
    }

    fn checkpoints(records: &[AuditRecord], every: usize) -> Vec<Checkpoint> {
        let s = signer();
        let mut f = Frontier::new();
        let mut out = Vec::new();
        for (i, r) in records.iter().enumerate() {
            f.push(r.leaf_hash);
            if (i + 1) % every == 0 {
                out.push(s.sign(f.size(), f.root(), OffsetDateTime::UNIX_EPOCH));
            }
        }
        out
    }

    fn verify(records: &[AuditRecord], cps: Vec<Checkpoint>) -> VerifyReport {
        let mut v = Verifier::new(cps, &signer().public_key());
        for r in records {
            v.push(r);
        }
        v.finish()
    }

    #[test]
    fn honest_log_verifies() {
        let records = log(50);
        let report = verify(&records, checkpoints(&records, 10));
        assert!(report.ok(), "{report:?}");
        assert_eq!(report.records, 50);
        assert_eq!(report.checkpoints, 5);
        assert_eq!(report.unsigned_tail, 0);
    }

    #[test]
    fn every_field_edit_names_the_record() {
        let records = log(30);
        let cps = checkpoints(&records, 7);
        let edits: [fn(&mut AuditEvent); 6] = [
            |e| e.action.push('x'),
            |e| e.principal = Some("mallory".into()),
            |e| e.outcome = Outcome::Denied,
            |e| e.key_version = Some(2),
            |e| e.at += time::Duration::nanoseconds(1),
            |e| e.detail = Some(String::new()),
        ];
        for edit in edits {
            let mut bad = records.clone();
            edit(&mut bad[12].event);
            let report = verify(&bad, cps.clone());
            assert_eq!(
                report.findings.first(),
                Some(&Finding::RecordAltered { seq: 13 })
            );
        }
    }

    #[test]
    fn rewritten_hash_is_caught_by_the_checkpoint() {
        let records = log(30);
        let cps = checkpoints(&records, 10);
        let mut bad = records.clone();
        bad[14].event.action = "decrypt".into();
        bad[14].leaf_hash = bad[14].event.leaf_hash();
        let report = verify(&bad, cps);
        // Every later checkpoint covers the record too.
        assert_eq!(
            report.findings,
            vec![
                Finding::CheckpointMismatch {
                    from: 11,
                    tree_size: 20
                },
                Finding::CheckpointMismatch {
                    from: 11,
                    tree_size: 30
                }
            ]
        );
    }

    #[test]
    fn deletion_truncation_and_forged_checkpoints() {
        let records = log(30);
        let cps = checkpoints(&records, 10);
        let mut gap = records.clone();
        gap.remove(4);
        let report = verify(&gap, cps.clone());
        assert_eq!(
            report.findings.first(),
            Some(&Finding::RecordMissing { seq: 5 })
        );
        let report = verify(&records[..25], cps.clone());
        assert_eq!(
            report.findings,
            vec![Finding::Truncated {
                records: 25,
                tree_size: 30
            }]
        );
        let mut forged = cps.clone();
        forged[1].root[0] ^= 1;
        let report = verify(&records, forged);
        assert_eq!(
            report.findings,
            vec![Finding::BadSignature { tree_size: 20 }]
        );
        // A checkpoint signed by another key is a bad signature too.
        let other = AuditSigner::from_seed(&[6; 32]).unwrap();
        let mut f = Frontier::new();
        for r in &records {
            f.push(r.leaf_hash);
        }
        let report = verify(
            &records,
            vec![other.sign(30, f.root(), OffsetDateTime::UNIX_EPOCH)],
        );
        assert_eq!(
            report.findings,
            vec![Finding::BadSignature { tree_size: 30 }]
        );
    }

    #[test]
    fn decode_inverts_canonical_and_refuses_anything_else() {
        let mut e = event(9);
        e.key = Some(KeyId(uuid::Uuid::from_u128(42)));
        e.detail = Some("détail".into());
        let bytes = e.canonical();
        assert_eq!(AuditEvent::decode(&bytes), Some(e.clone()));
        for n in 0..bytes.len() {
            assert_eq!(AuditEvent::decode(&bytes[..n]), None, "truncated at {n}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(AuditEvent::decode(&longer), None);
        // A flipped byte either fails to decode or decodes to another event.
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x20;
            if let Some(other) = AuditEvent::decode(&b) {
                assert_ne!(other, e, "byte {i}");
            }
        }
    }

    #[test]
    fn canonical_encoding_separates_fields() {
        let mut a = event(1);
        let mut b = event(1);
        a.principal = Some("ab".into());
        a.source = Some("c".into());
        b.principal = Some("a".into());
        b.source = Some("bc".into());
        assert_ne!(a.leaf_hash(), b.leaf_hash());
        let mut c = event(1);
        c.detail = Some(String::new());
        assert_ne!(c.leaf_hash(), event(1).leaf_hash());
    }
}
