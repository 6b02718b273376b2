//! The audit log as the service runs it: writing events, signing checkpoints over the Merkle
//! tree, and the read side (query, verification, export with inclusion proofs). The record
//! format and the verifier are in [`crate::audit`].

use std::sync::atomic::Ordering;

use crate::access::{Caller, Permission};
use crate::audit::{AuditEvent, AuditFilter, AuditRecord, Checkpoint, Verifier, VerifyReport};
use crate::error::{Error, Result};
use crate::merkle::{Frontier, Tree};
use crate::model::VaultName;
use crate::service::{lock, KeyService, MAX_PAGE};
use crate::store::StoredCheckpoint;

/// Leaves read per store round trip when catching up or verifying.
const BATCH: u32 = 5_000;

/// The work item whose lease lets one node sign a checkpoint.
const CHECKPOINT_ITEM: &str = "audit-checkpoint";

/// The tree as far as the last checkpoint: kept in memory between checkpoints.
#[derive(Default)]
pub(crate) struct TreeState {
    /// `None` until loaded from the newest stored checkpoint.
    frontier: Option<Frontier>,
    /// The newest checkpoint this process signed or verified at load.
    last: Option<Checkpoint>,
}

/// A page of audit records.
#[derive(Debug)]
pub struct AuditPage {
    /// Records in the order asked for.
    pub items: Vec<AuditRecord>,
    /// Cursor for the next page.
    pub next: Option<u64>,
}

/// Records with inclusion proofs against a checkpoint.
#[derive(Debug)]
pub struct ProofSet {
    /// The checkpoint the proofs lead to.
    pub checkpoint: Checkpoint,
    /// The Merkle tree up to the checkpoint (proofs for any record it covers).
    pub tree: Tree,
}

impl KeyService {
    /// Writes events to the log now (one transaction).
    pub async fn record(&self, event: AuditEvent) -> Result<()> {
        self.store.append_audit(&[event]).await?;
        Ok(())
    }

    /// The raw Ed25519 public key that verifies checkpoints.
    pub fn audit_public_key(&self) -> Vec<u8> {
        self.system.audit.public_key()
    }

    /// The newest checkpoint signed by this process (or found valid at start).
    pub fn last_checkpoint(&self) -> Option<Checkpoint> {
        lock(&self.audit_tree).last.clone()
    }

    /// Signs a checkpoint over every record written so far, if there are new ones; returns it.
    pub async fn checkpoint_audit(&self) -> Result<Option<Checkpoint>> {
        if self.checkpointing.swap(true, Ordering::AcqRel) {
            return Ok(None);
        }
        let result = self.checkpoint_leased().await;
        self.checkpointing.store(false, Ordering::Release);
        result
    }

    /// One node at a time signs (nodes sharing a database see one log); a node whose tree
    /// already covers every record skips the lease.
    async fn checkpoint_leased(&self) -> Result<Option<Checkpoint>> {
        let known = lock(&self.audit_tree).frontier.as_ref().map(Frontier::size);
        if let Some(size) = known {
            if self.store.audit_leaves(size, 1).await?.is_empty() {
                return Ok(None);
            }
        }
        if !self.claim_work(CHECKPOINT_ITEM).await? {
            return Ok(None);
        }
        let r = self.checkpoint_inner().await;
        self.release_work(CHECKPOINT_ITEM).await;
        r
    }

    async fn checkpoint_inner(&self) -> Result<Option<Checkpoint>> {
        let taken = lock(&self.audit_tree).frontier.take();
        let mut frontier = match taken {
            Some(f) => f,
            None => self.load_frontier().await?,
        };
        let before = frontier.size();
        let outcome = self.catch_up(&mut frontier).await;
        let size = frontier.size();
        let cp = match outcome {
            Ok(()) if size > before => {
                let cp = self
                    .system
                    .audit
                    .sign(size, frontier.root(), self.clock.now());
                let stored = StoredCheckpoint {
                    checkpoint: cp.clone(),
                    frontier: frontier.encode(),
                };
                match self.store.add_checkpoint(&stored).await {
                    Ok(()) => Some(cp),
                    Err(e) => {
                        // Start again from the stored state next time.
                        lock(&self.audit_tree).frontier = None;
                        return Err(e.into());
                    }
                }
            }
            Ok(()) => None,
            Err(e) => {
                lock(&self.audit_tree).frontier = None;
                return Err(e);
            }
        };
        let mut st = lock(&self.audit_tree);
        st.frontier = Some(frontier);
        if cp.is_some() {
            st.last = cp.clone();
        }
        Ok(cp)
    }

    /// Appends every leaf written after the frontier.
    async fn catch_up(&self, frontier: &mut Frontier) -> Result<()> {
        loop {
            let leaves = self.store.audit_leaves(frontier.size(), BATCH).await?;
            let n = leaves.len();
            for (seq, leaf) in leaves {
                if seq != frontier.size().saturating_add(1) {
                    tracing::error!(
                        expected = frontier.size().saturating_add(1),
                        found = seq,
                        "the audit log has a gap: a record was deleted"
                    );
                }
                frontier.push(leaf);
            }
            if n < BATCH as usize {
                return Ok(());
            }
        }
    }

    /// The tree state at the newest stored checkpoint, if that checkpoint is genuine;
    /// otherwise rebuilt from the first record.
    async fn load_frontier(&self) -> Result<Frontier> {
        if let Some(stored) = self.store.last_checkpoint().await? {
            let cp = &stored.checkpoint;
            let genuine = Frontier::decode(&stored.frontier).filter(|f| {
                cp.verify(&self.audit_public_key())
                    && f.size() == cp.tree_size
                    && f.root() == cp.root
            });
            if let Some(f) = genuine {
                lock(&self.audit_tree).last = Some(cp.clone());
                return Ok(f);
            }
            tracing::error!(
                tree_size = cp.tree_size,
                "the newest audit checkpoint does not verify; rebuilding the tree from the first \
                 record (run `keyhaven audit verify`)"
            );
        }
        Ok(Frontier::new())
    }

    /// Audit records matching `filter`. The whole log needs system-admin or system-auditor;
    /// a vault auditor sees the records of its vault (the filter must name it).
    pub async fn audit_query(
        &self,
        caller: &Caller,
        filter: AuditFilter,
        cursor: Option<u64>,
        limit: u32,
        descending: bool,
    ) -> Result<AuditPage> {
        caller.with_note(|n| n.action = Some("audit.query"));
        self.audit_access(caller, filter.vault.as_deref()).await?;
        if limit == 0 || limit > MAX_PAGE {
            return Err(Error::InvalidRequest(format!(
                "limit must be between 1 and {MAX_PAGE}"
            )));
        }
        let mut items = self
            .store
            .query_audit(&filter, cursor, limit.saturating_add(1), descending)
            .await?;
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|r| r.seq)
        } else {
            None
        };
        Ok(AuditPage { items, next })
    }

    async fn audit_access(&self, caller: &Caller, vault: Option<&str>) -> Result<()> {
        if caller.may(None, Permission::ReadAllAudit) {
            return Ok(());
        }
        match vault {
            Some(name) => {
                let name: VaultName = name.parse().map_err(Error::InvalidRequest)?;
                self.vault_for(caller, &name, Permission::ReadVaultAudit)
                    .await
                    .map(|_| ())
            }
            None => caller
                .require_system(Permission::ReadAllAudit)
                .map_err(|_| {
                    Error::Forbidden(format!(
                        "{} may read only the audit records of vaults where it is auditor: name \
                     the vault (vault=NAME)",
                        caller.name()
                    ))
                }),
        }
    }

    /// Every stored checkpoint (whole-log readers, and auditors of any vault, who need them to
    /// check inclusion proofs).
    pub async fn audit_checkpoints(&self, caller: &Caller) -> Result<Vec<Checkpoint>> {
        caller.with_note(|n| n.action = Some("audit.checkpoints"));
        let vault_auditor = caller
            .identity
            .vault_roles
            .values()
            .any(|r| r.has(crate::access::VaultRole::Auditor));
        if !vault_auditor {
            caller.require_system(Permission::ReadAllAudit)?;
        }
        Ok(self.store.checkpoints().await?)
    }

    /// Recomputes the whole log against its checkpoints (system-admin or system-auditor).
    /// The newest checkpoint this process signed is checked too, so deleting stored
    /// checkpoints does not hide a change.
    pub async fn audit_verify(&self, caller: &Caller) -> Result<VerifyReport> {
        caller.with_note(|n| n.action = Some("audit.verify"));
        caller.require_system(Permission::ReadAllAudit)?;
        let mut checkpoints = self.store.checkpoints().await?;
        if let Some(mine) = self.last_checkpoint() {
            if !checkpoints.iter().any(|c| c.tree_size == mine.tree_size) {
                checkpoints.push(mine);
            }
        }
        let mut v = Verifier::new(checkpoints, &self.audit_public_key());
        let mut after = 0;
        loop {
            let batch = self.store.audit_records(after, BATCH).await?;
            for r in &batch {
                v.push(r);
            }
            match batch.last() {
                Some(r) if batch.len() == BATCH as usize => after = r.seq,
                _ => break,
            }
        }
        for seq in self.store.audit_index_mismatches().await? {
            v.index_altered(seq);
        }
        Ok(v.finish())
    }

    /// The tree up to the newest stored checkpoint, for inclusion proofs (whole-log or vault
    /// auditors). `None` when no checkpoint exists yet.
    pub async fn audit_proofs(
        &self,
        caller: &Caller,
        vault: Option<&str>,
    ) -> Result<Option<ProofSet>> {
        self.audit_access(caller, vault).await?;
        let Some(stored) = self.store.last_checkpoint().await? else {
            return Ok(None);
        };
        let cp = stored.checkpoint;
        let mut leaves = Vec::with_capacity(usize::try_from(cp.tree_size).unwrap_or(0));
        let mut after = 0;
        while after < cp.tree_size {
            let batch = self.store.audit_leaves(after, BATCH).await?;
            let Some(&(last, _)) = batch.last() else {
                break;
            };
            leaves.extend(
                batch
                    .into_iter()
                    .filter(|(seq, _)| *seq <= cp.tree_size)
                    .map(|(_, h)| h),
            );
            after = last;
        }
        let tree = Tree::new(leaves);
        if tree.root_at(cp.tree_size) != Some(cp.root) {
            return Err(Error::Integrity {
                kind: "audit log",
                id: format!("up to record #{}", cp.tree_size),
            });
        }
        Ok(Some(ProofSet {
            checkpoint: cp,
            tree,
        }))
    }
}
