//! Changing an audit log behind keyhaven's back, as an attacker with the database file would:
//! for the tamper tests (the batch layout is in docs/FORMATS.md).

use sqlx::SqlitePool;

/// Where in a stored record to change a byte.
#[derive(Clone, Copy, Debug)]
pub enum Spot {
    /// The byte at this offset into the record's canonical bytes.
    Body(usize),
    /// The first byte of its length prefix.
    Length,
    /// A byte of its stored leaf hash.
    Leaf,
}

/// The batch holding `seq`: (first_seq, records, leaves).
async fn batch_of(pool: &SqlitePool, seq: u64) -> Result<(i64, Vec<u8>, Vec<u8>), String> {
    sqlx::query_as(
        "SELECT first_seq, records, leaves FROM audit_batches WHERE first_seq <= ? \
         ORDER BY first_seq DESC LIMIT 1",
    )
    .bind(i64::try_from(seq).map_err(|e| e.to_string())?)
    .fetch_one(pool)
    .await
    .map_err(|e| format!("no batch holds record #{seq}: {e}"))
}

/// Flips one byte (xor 0x01) of stored audit record `seq`.
pub async fn flip_audit_byte(pool: &SqlitePool, seq: u64, spot: Spot) -> Result<(), String> {
    let (first, mut records, mut leaves) = batch_of(pool, seq).await?;
    let index = usize::try_from(seq).map_err(|e| e.to_string())?
        - usize::try_from(first).map_err(|e| e.to_string())?;
    // Walk the framing to the record.
    let mut at = 0usize;
    for _ in 0..index {
        let len = records
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_be_bytes)
            .ok_or("broken framing")? as usize;
        at += 4 + len;
    }
    let len = records
        .get(at..at + 4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_be_bytes)
        .ok_or("broken framing")? as usize;
    let target = match spot {
        Spot::Length => Some(records.get_mut(at + 3)),
        Spot::Body(offset) if offset < len => Some(records.get_mut(at + 4 + offset)),
        Spot::Body(_) => return Err(format!("record #{seq} has only {len} bytes")),
        Spot::Leaf => None,
    };
    match target {
        Some(Some(b)) => *b ^= 0x01,
        Some(None) => return Err("out of range".to_owned()),
        None => {
            let b = leaves.get_mut(index * 32 + 7).ok_or("no leaf")?;
            *b ^= 0x01;
        }
    }
    sqlx::query("UPDATE audit_batches SET records = ?, leaves = ? WHERE first_seq = ?")
        .bind(records)
        .bind(leaves)
        .bind(first)
        .execute(pool)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Deletes the batch holding record `seq`; returns its first seq (the first missing record).
pub async fn delete_audit_batch(pool: &SqlitePool, seq: u64) -> Result<u64, String> {
    let (first, _, _) = batch_of(pool, seq).await?;
    sqlx::query("DELETE FROM audit_batches WHERE first_seq = ?")
        .bind(first)
        .execute(pool)
        .await
        .map_err(|e| e.to_string())?;
    u64::try_from(first).map_err(|e| e.to_string())
}

/// Seqs of records whose action is `action`, oldest first (read with the service, not SQL:
/// records are stored in batches).
pub fn seqs_with_action(records: &[keyhaven_core::AuditRecord], action: &str) -> Vec<u64> {
    records
        .iter()
        .filter(|r| r.event.action == action)
        .map(|r| r.seq)
        .collect()
}

/// Replaces stored audit record `seq` with `event`, rewriting its leaf hash to match (the
/// consistent rewrite only a signed checkpoint can reveal).
pub async fn replace_audit_record(
    pool: &SqlitePool,
    seq: u64,
    event: &keyhaven_core::AuditEvent,
) -> Result<(), String> {
    let (first, records, mut leaves) = batch_of(pool, seq).await?;
    let index = usize::try_from(seq).map_err(|e| e.to_string())?
        - usize::try_from(first).map_err(|e| e.to_string())?;
    let mut rebuilt = Vec::with_capacity(records.len());
    let mut rest: &[u8] = &records;
    let mut i = 0;
    while let Some((len, tail)) = rest.split_first_chunk::<4>() {
        let len = u32::from_be_bytes(*len) as usize;
        let (bytes, tail) = tail.split_at_checked(len).ok_or("broken framing")?;
        if i == index {
            let new = event.canonical();
            rebuilt.extend_from_slice(
                &u32::try_from(new.len())
                    .map_err(|e| e.to_string())?
                    .to_be_bytes(),
            );
            rebuilt.extend_from_slice(&new);
            let leaf = keyhaven_core::merkle::leaf_hash(&new);
            leaves
                .get_mut(index * 32..index * 32 + 32)
                .ok_or("no leaf")?
                .copy_from_slice(&leaf);
        } else {
            rebuilt
                .extend_from_slice(&u32::try_from(len).map_err(|e| e.to_string())?.to_be_bytes());
            rebuilt.extend_from_slice(bytes);
        }
        rest = tail;
        i += 1;
    }
    sqlx::query("UPDATE audit_batches SET records = ?, leaves = ? WHERE first_seq = ?")
        .bind(rebuilt)
        .bind(leaves)
        .bind(first)
        .execute(pool)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}
