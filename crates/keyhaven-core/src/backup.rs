//! What a backup holds, and how it is laid out inside the encrypted file.
//!
//! A backup is a consistent snapshot of the store's tables as neutral rows ([`TableDump`]),
//! plus the secrets that make those rows usable under another root key: the system secret
//! (from which record MACs and the audit signing key derive) and every vault KEK, in plain
//! form. Sealed key material stays sealed under its vault KEK, so restoring re-wraps the KEKs
//! and the system secret under the target's root key and copies everything else as it was.
//!
//! This module encodes and decodes the plaintext payload; the file format around it (header,
//! protection of the file key, authenticated chunks) is in `keyhaven_crypto::backup`. The
//! payload is a sequence of records `tag (1 byte) || length (4 bytes, big-endian) || body`:
//! one META (JSON), one SECRETS, then for each table one TABLE (JSON: name and columns)
//! followed by its ROWs, then one END holding the total row count.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::model::VaultId;
use crate::secret::SecretBytes;

/// Version of the payload encoding (the file format has its own version).
pub const PAYLOAD_VERSION: u16 = 1;

const TAG_META: u8 = 1;
const TAG_SECRETS: u8 = 2;
const TAG_TABLE: u8 = 3;
const TAG_ROW: u8 = 4;
const TAG_END: u8 = 5;

/// Largest record accepted while decoding (a row holding large sealed material is far below).
const MAX_RECORD: usize = 64 * 1024 * 1024;

/// Why a backup cannot be read or restored. Messages never contain secret material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BackupError {
    /// Not a keyhaven backup, or damaged in a way found before decryption.
    #[error("not a readable keyhaven backup: {0}")]
    Format(String),
    /// A format or payload version this build does not read.
    #[error("unsupported backup version: {0}")]
    Version(String),
    /// The key does not open the file key (wrong passphrase, recipient key or shares).
    #[error("{0}")]
    WrongKey(String),
    /// A chunk failed authentication: the file was altered, reordered or truncated.
    #[error("the backup is damaged or was altered: {0}")]
    Damaged(String),
    /// The request is not usable (bad recipient key, bad share, bad parameters).
    #[error("{0}")]
    Invalid(String),
}

/// How a column's values are typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// 64-bit integer.
    Int,
    /// UTF-8 text.
    Text,
    /// Bytes.
    Bytes,
}

/// One column of a table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Value type.
    pub kind: ColumnKind,
}

/// One value; `None` is SQL NULL.
#[derive(Clone, PartialEq, Eq)]
pub enum Cell {
    /// An integer.
    Int(Option<i64>),
    /// Text.
    Text(Option<String>),
    /// Bytes (sealed material, MACs, hashes: never plaintext keys).
    Bytes(Option<Vec<u8>>),
}

impl fmt::Debug for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Int(v) => write!(f, "Int({v:?})"),
            Cell::Text(v) => write!(f, "Text({} chars)", v.as_ref().map_or(0, |s| s.len())),
            Cell::Bytes(v) => write!(f, "Bytes({} bytes)", v.as_ref().map_or(0, Vec::len)),
        }
    }
}

impl Cell {
    /// The column kind this value belongs to.
    pub fn kind(&self) -> ColumnKind {
        match self {
            Cell::Int(_) => ColumnKind::Int,
            Cell::Text(_) => ColumnKind::Text,
            Cell::Bytes(_) => ColumnKind::Bytes,
        }
    }
}

/// The rows of one table.
#[derive(Clone, PartialEq, Eq)]
pub struct TableDump {
    /// Table name.
    pub name: String,
    /// Columns, in the order of every row's cells.
    pub columns: Vec<Column>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

impl fmt::Debug for TableDump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TableDump")
            .field("name", &self.name)
            .field("columns", &self.columns.len())
            .field("rows", &self.rows.len())
            .finish()
    }
}

/// The secrets a backup carries, in plain form inside the encrypted payload.
#[derive(Clone, Default)]
pub struct BackupSecrets {
    /// The instance's system secret (empty in a scoped backup).
    pub system_secret: SecretBytes,
    /// Every vault's key-encryption key.
    pub keks: Vec<(VaultId, SecretBytes)>,
}

impl fmt::Debug for BackupSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackupSecrets")
            .field("keks", &self.keks.len())
            .finish_non_exhaustive()
    }
}

/// What a backup says about itself (inside the encryption).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupMeta {
    /// Payload version ([`PAYLOAD_VERSION`]).
    pub payload_version: u16,
    /// When the snapshot was taken.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The instance it was taken from (its audit public key, hex: stable across restarts).
    pub source_instance: String,
    /// The node that took it.
    pub source_node: String,
    /// The keyhaven version that wrote it.
    pub keyhaven_version: String,
    /// `instance` (everything).
    pub scope: String,
    /// Rows per table.
    pub counts: BTreeMap<String, u64>,
    /// Audit records in the snapshot.
    pub audit_records: u64,
}

/// A decoded backup.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// What it says about itself.
    pub meta: BackupMeta,
    /// System secret and KEKs.
    pub secrets: BackupSecrets,
    /// The tables, parents before children.
    pub tables: Vec<TableDump>,
}

impl Snapshot {
    /// The table named `name`.
    pub fn table(&self, name: &str) -> Option<&TableDump> {
        self.tables.iter().find(|t| t.name == name)
    }
}

fn record(out: &mut Vec<u8>, tag: u8, body: &[u8]) -> Result<(), BackupError> {
    let len = u32::try_from(body.len())
        .map_err(|_| BackupError::Invalid("a backup record is larger than 4 GiB".to_owned()))?;
    out.push(tag);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
    Ok(())
}

/// Appends a cell's self-delimiting encoding (kind, null flag, then an 8-byte integer or a
/// length-prefixed string or byte string) to `out`: how rows are written in a backup, and what
/// `keyhaven migrate` hashes to compare tables.
pub fn encode_cell(cell: &Cell, out: &mut Vec<u8>) {
    let bytes: Option<&[u8]> = match cell {
        Cell::Int(v) => {
            out.push(1);
            match v {
                None => out.push(0),
                Some(n) => {
                    out.push(1);
                    out.extend_from_slice(&n.to_be_bytes());
                }
            }
            return;
        }
        Cell::Text(v) => {
            out.push(2);
            v.as_deref().map(str::as_bytes)
        }
        Cell::Bytes(v) => {
            out.push(3);
            v.as_deref()
        }
    };
    match bytes {
        None => out.push(0),
        Some(b) => {
            out.push(1);
            out.extend_from_slice(&(b.len() as u32).to_be_bytes());
            out.extend_from_slice(b);
        }
    }
}

/// Encodes `snapshot` as the backup payload. The result holds secrets and is zeroized on drop.
pub fn encode(snapshot: &Snapshot) -> Result<Zeroizing<Vec<u8>>, BackupError> {
    let mut out = Zeroizing::new(Vec::new());
    let meta = serde_json::to_vec(&snapshot.meta)
        .map_err(|e| BackupError::Invalid(format!("backup metadata: {e}")))?;
    record(&mut out, TAG_META, &meta)?;
    let mut secrets = Zeroizing::new(Vec::new());
    let system = snapshot.secrets.system_secret.expose();
    secrets.extend_from_slice(&(system.len() as u16).to_be_bytes());
    secrets.extend_from_slice(system);
    secrets.extend_from_slice(&(snapshot.secrets.keks.len() as u32).to_be_bytes());
    for (vault, kek) in &snapshot.secrets.keks {
        secrets.extend_from_slice(vault.0.as_bytes());
        secrets.extend_from_slice(&(kek.len() as u16).to_be_bytes());
        secrets.extend_from_slice(kek.expose());
    }
    record(&mut out, TAG_SECRETS, &secrets)?;
    let mut total: u64 = 0;
    let mut row = Vec::new();
    for t in &snapshot.tables {
        #[derive(Serialize)]
        struct Head<'a> {
            name: &'a str,
            columns: &'a [Column],
        }
        let head = serde_json::to_vec(&Head {
            name: &t.name,
            columns: &t.columns,
        })
        .map_err(|e| BackupError::Invalid(format!("table header: {e}")))?;
        record(&mut out, TAG_TABLE, &head)?;
        for r in &t.rows {
            if r.len() != t.columns.len()
                || r.iter()
                    .zip(&t.columns)
                    .any(|(c, col)| c.kind() != col.kind)
            {
                return Err(BackupError::Invalid(format!(
                    "a row of {} does not match its columns",
                    t.name
                )));
            }
            row.clear();
            for c in r {
                encode_cell(c, &mut row);
            }
            record(&mut out, TAG_ROW, &row)?;
            total += 1;
        }
    }
    record(&mut out, TAG_END, &total.to_be_bytes())?;
    Ok(out)
}

/// A cursor over payload bytes; every read checks bounds.
struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BackupError> {
        if self.buf.len() < n {
            return Err(BackupError::Format(
                "the payload ends inside a record".to_owned(),
            ));
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], BackupError> {
        self.take(N)?
            .try_into()
            .map_err(|_| BackupError::Format("the payload ends inside a record".to_owned()))
    }
    fn u8(&mut self) -> Result<u8, BackupError> {
        Ok(u8::from_be_bytes(self.array()?))
    }
    fn u16(&mut self) -> Result<u16, BackupError> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, BackupError> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, BackupError> {
        Ok(u64::from_be_bytes(self.array()?))
    }
    fn record(&mut self) -> Result<(u8, &'a [u8]), BackupError> {
        let tag = self.u8()?;
        let len = self.u32()? as usize;
        if len > MAX_RECORD {
            return Err(BackupError::Format(format!("a record of {len} bytes")));
        }
        Ok((tag, self.take(len)?))
    }
}

fn decode_cell(r: &mut Reader<'_>, kind: ColumnKind) -> Result<Cell, BackupError> {
    let tag = r.u8()?;
    let present = match r.u8()? {
        0 => false,
        1 => true,
        other => return Err(BackupError::Format(format!("cell null flag {other}"))),
    };
    let cell = match (tag, kind) {
        (1, ColumnKind::Int) => Cell::Int(if present { Some(r.u64()? as i64) } else { None }),
        (2, ColumnKind::Text) => Cell::Text(if present {
            let len = r.u32()? as usize;
            let b = r.take(len)?;
            Some(
                String::from_utf8(b.to_vec())
                    .map_err(|_| BackupError::Format("text cell is not UTF-8".to_owned()))?,
            )
        } else {
            None
        }),
        (3, ColumnKind::Bytes) => Cell::Bytes(if present {
            let len = r.u32()? as usize;
            Some(r.take(len)?.to_vec())
        } else {
            None
        }),
        _ => {
            return Err(BackupError::Format(
                "a cell does not match its column's type".to_owned(),
            ))
        }
    };
    Ok(cell)
}

/// Decodes a payload. Fails on anything out of place: missing or repeated sections, a row
/// before its table, cells that do not match the columns, a row count that disagrees with
/// the END record or the metadata, bytes after the END record.
pub fn decode(payload: &[u8]) -> Result<Snapshot, BackupError> {
    let mut r = Reader { buf: payload };
    let (tag, body) = r.record()?;
    if tag != TAG_META {
        return Err(BackupError::Format(
            "the payload does not start with its metadata".to_owned(),
        ));
    }
    let meta: BackupMeta = serde_json::from_slice(body)
        .map_err(|e| BackupError::Format(format!("backup metadata: {e}")))?;
    if meta.payload_version != PAYLOAD_VERSION {
        return Err(BackupError::Version(format!(
            "payload version {} (this build reads {PAYLOAD_VERSION})",
            meta.payload_version
        )));
    }
    let (tag, body) = r.record()?;
    if tag != TAG_SECRETS {
        return Err(BackupError::Format(
            "the secrets section is missing".to_owned(),
        ));
    }
    let mut s = Reader { buf: body };
    let n = s.u16()? as usize;
    let system_secret = SecretBytes::from_slice(s.take(n)?);
    let count = s.u32()?;
    let mut keks = Vec::new();
    for _ in 0..count {
        let id = Uuid::from_slice(s.take(16)?)
            .map_err(|_| BackupError::Format("vault id".to_owned()))?;
        let n = s.u16()? as usize;
        keks.push((VaultId(id), SecretBytes::from_slice(s.take(n)?)));
    }
    if !s.buf.is_empty() {
        return Err(BackupError::Format(
            "trailing bytes in the secrets section".to_owned(),
        ));
    }
    let mut tables: Vec<TableDump> = Vec::new();
    let mut total: u64 = 0;
    loop {
        let (tag, body) = r.record()?;
        match tag {
            TAG_TABLE => {
                #[derive(Deserialize)]
                struct Head {
                    name: String,
                    columns: Vec<Column>,
                }
                let head: Head = serde_json::from_slice(body)
                    .map_err(|e| BackupError::Format(format!("table header: {e}")))?;
                if tables.iter().any(|t| t.name == head.name) {
                    return Err(BackupError::Format(format!("table {} twice", head.name)));
                }
                tables.push(TableDump {
                    name: head.name,
                    columns: head.columns,
                    rows: Vec::new(),
                });
            }
            TAG_ROW => {
                let t = tables
                    .last_mut()
                    .ok_or_else(|| BackupError::Format("a row before any table".to_owned()))?;
                let mut c = Reader { buf: body };
                let mut row = Vec::with_capacity(t.columns.len());
                for col in &t.columns {
                    row.push(decode_cell(&mut c, col.kind)?);
                }
                if !c.buf.is_empty() {
                    return Err(BackupError::Format(format!(
                        "a row of {} is too long",
                        t.name
                    )));
                }
                t.rows.push(row);
                total += 1;
            }
            TAG_END => {
                let mut e = Reader { buf: body };
                let expected = e.u64()?;
                if expected != total {
                    return Err(BackupError::Format(format!(
                        "{total} rows, the end record says {expected}"
                    )));
                }
                break;
            }
            other => return Err(BackupError::Format(format!("unknown record type {other}"))),
        }
    }
    if !r.buf.is_empty() {
        return Err(BackupError::Format("bytes after the end record".to_owned()));
    }
    for t in &tables {
        let said = meta.counts.get(&t.name).copied().unwrap_or(0);
        if said != t.rows.len() as u64 {
            return Err(BackupError::Format(format!(
                "table {} has {} rows, the metadata says {said}",
                t.name,
                t.rows.len()
            )));
        }
    }
    Ok(Snapshot {
        meta,
        secrets: BackupSecrets {
            system_secret,
            keks,
        },
        tables,
    })
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

    fn sample() -> Snapshot {
        let tables = vec![TableDump {
            name: "vaults".to_owned(),
            columns: vec![
                Column {
                    name: "id".to_owned(),
                    kind: ColumnKind::Text,
                },
                Column {
                    name: "n".to_owned(),
                    kind: ColumnKind::Int,
                },
                Column {
                    name: "b".to_owned(),
                    kind: ColumnKind::Bytes,
                },
            ],
            rows: vec![
                vec![
                    Cell::Text(Some("a".to_owned())),
                    Cell::Int(Some(-5)),
                    Cell::Bytes(Some(vec![1, 2, 3])),
                ],
                vec![Cell::Text(None), Cell::Int(None), Cell::Bytes(None)],
            ],
        }];
        let mut counts = BTreeMap::new();
        counts.insert("vaults".to_owned(), 2);
        Snapshot {
            meta: BackupMeta {
                payload_version: PAYLOAD_VERSION,
                created_at: OffsetDateTime::UNIX_EPOCH,
                source_instance: "ab".to_owned(),
                source_node: "n1".to_owned(),
                keyhaven_version: "0.1.0".to_owned(),
                scope: "instance".to_owned(),
                counts,
                audit_records: 0,
            },
            secrets: BackupSecrets {
                system_secret: SecretBytes::from_slice(&[7; 32]),
                keks: vec![(
                    VaultId(Uuid::from_u128(9)),
                    SecretBytes::from_slice(&[8; 32]),
                )],
            },
            tables,
        }
    }

    #[test]
    fn payload_round_trips() {
        let s = sample();
        let bytes = encode(&s).unwrap();
        let d = decode(&bytes).unwrap();
        assert_eq!(d.meta, s.meta);
        assert_eq!(d.tables, s.tables);
        assert_eq!(d.secrets.system_secret, s.secrets.system_secret);
        assert_eq!(d.secrets.keks.len(), 1);
        assert_eq!(d.secrets.keks[0].0, s.secrets.keks[0].0);
        assert_eq!(d.secrets.keks[0].1, s.secrets.keks[0].1);
    }

    #[test]
    fn every_truncation_is_refused() {
        let bytes = encode(&sample()).unwrap();
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n]).is_err(), "cut at {n} accepted");
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(decode(&longer).is_err());
    }

    #[test]
    fn counts_must_agree_with_metadata() {
        let mut s = sample();
        s.meta.counts.insert("vaults".to_owned(), 3);
        let bytes = encode(&s).unwrap();
        assert!(matches!(decode(&bytes), Err(BackupError::Format(m)) if m.contains("metadata")));
    }

    #[test]
    fn mismatched_rows_are_not_encoded_and_debug_hides_values() {
        let mut s = sample();
        s.tables[0].rows[0][1] = Cell::Text(Some("x".to_owned()));
        assert!(encode(&s).is_err());
        let shown = format!("{:?}", sample());
        assert!(!shown.contains("[7, 7"), "{shown}");
        assert!(shown.contains("rows: 2"));
    }
}

/// What a full restore did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestoreReport {
    /// Rows restored per table.
    pub counts: BTreeMap<String, u64>,
    /// Vault KEKs re-wrapped under this instance's root key.
    pub vaults: usize,
    /// Audit records this instance held before (replaced by the backup's log).
    pub replaced_audit_records: u64,
}

fn column(t: &TableDump, name: &str) -> Result<usize, crate::error::Error> {
    t.columns
        .iter()
        .position(|c| c.name == name)
        .ok_or_else(|| crate::error::Error::Storage(format!("{}.{name} is missing", t.name)))
}

/// What a backup covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum BackupScope {
    /// Everything (restores fully into an empty instance, or partially).
    #[default]
    Instance,
    /// One vault: its keys, templates, policy override and keystores (restores partially).
    Vault(crate::model::VaultName),
    /// These keys (and their vaults' records; restores partially).
    Keys(Vec<crate::model::KeyId>),
}

/// The text of a cell in `column` of `row`, if it is text.
fn text_of<'a>(t: &TableDump, row: &'a [Cell], column: &str) -> Option<&'a str> {
    text_in(&t.columns, row, column)
}

fn text_in<'a>(columns: &[Column], row: &'a [Cell], column: &str) -> Option<&'a str> {
    let i = columns.iter().position(|c| c.name == column)?;
    match row.get(i)? {
        Cell::Text(Some(v)) => Some(v.as_str()),
        _ => None,
    }
}

/// Keeps only the rows of a scoped backup.
fn narrow(
    tables: Vec<TableDump>,
    vaults: &std::collections::BTreeSet<String>,
    keys: &std::collections::BTreeSet<String>,
    whole_vaults: bool,
) -> Vec<TableDump> {
    let mut out = Vec::new();
    for mut t in tables {
        let keep: Option<(&str, &std::collections::BTreeSet<String>)> = match t.name.as_str() {
            "vaults" => Some(("id", vaults)),
            "keys" => Some(("id", keys)),
            "key_tags" | "key_versions" | "key_history" => Some(("key_id", keys)),
            "key_targets" | "key_distributions" if whole_vaults => Some(("key_id", keys)),
            "key_templates" | "vault_policies" | "keystores" if whole_vaults => {
                Some(("vault_id", vaults))
            }
            _ => None,
        };
        let Some((column, set)) = keep else { continue };
        let columns = t.columns.clone();
        t.rows
            .retain(|r| text_in(&columns, r, column).is_some_and(|v| set.contains(v)));
        out.push(t);
    }
    out
}

impl crate::service::KeyService {
    /// A consistent snapshot (of the whole instance, or of `scope`) with the secrets that
    /// make it restorable under another root key. System-admin.
    pub async fn backup_snapshot(
        &self,
        caller: &crate::access::Caller,
        scope: &BackupScope,
    ) -> crate::error::Result<Snapshot> {
        use crate::error::Error;
        caller.with_note(|n| n.action = Some("backup.create"));
        caller.require_system(crate::access::Permission::ManageSeal)?;
        let mut tables = self.store.dump_tables().await?;
        let scope_name = match scope {
            BackupScope::Instance => "instance".to_owned(),
            BackupScope::Vault(v) => format!("vault {v}"),
            BackupScope::Keys(k) => format!("{} keys", k.len()),
        };
        if *scope != BackupScope::Instance {
            let (keys_t, vaults_t) = (
                tables.iter().find(|t| t.name == "keys"),
                tables.iter().find(|t| t.name == "vaults"),
            );
            let (Some(keys_t), Some(vaults_t)) = (keys_t, vaults_t) else {
                return Err(Error::Storage(
                    "the snapshot lacks keys or vaults".to_owned(),
                ));
            };
            let mut vaults = std::collections::BTreeSet::new();
            let mut keys = std::collections::BTreeSet::new();
            match scope {
                BackupScope::Vault(name) => {
                    let id = vaults_t
                        .rows
                        .iter()
                        .find(|r| text_of(vaults_t, r, "name") == Some(name.as_str()))
                        .and_then(|r| text_of(vaults_t, r, "id"))
                        .ok_or_else(|| Error::NotFound {
                            kind: "vault",
                            id: name.to_string(),
                        })?;
                    vaults.insert(id.to_owned());
                    for r in &keys_t.rows {
                        if text_of(keys_t, r, "vault_id") == Some(id) {
                            if let Some(k) = text_of(keys_t, r, "id") {
                                keys.insert(k.to_owned());
                            }
                        }
                    }
                }
                BackupScope::Keys(ids) => {
                    for id in ids {
                        let want = id.0.to_string();
                        let row = keys_t
                            .rows
                            .iter()
                            .find(|r| text_of(keys_t, r, "id") == Some(want.as_str()))
                            .ok_or_else(|| Error::NotFound {
                                kind: "key",
                                id: want.clone(),
                            })?;
                        if let Some(v) = text_of(keys_t, row, "vault_id") {
                            vaults.insert(v.to_owned());
                        }
                        keys.insert(want);
                    }
                }
                BackupScope::Instance => {}
            }
            let whole = matches!(scope, BackupScope::Vault(_));
            tables = narrow(tables, &vaults, &keys, whole);
        }
        let seal = self
            .store
            .get_seal()
            .await?
            .ok_or_else(|| Error::InvalidRequest("not initialised".to_owned()))?;
        // Only a whole-instance backup carries the system secret (the instance's record MAC
        // key and audit signing key): a scoped backup must not hand them out with one vault.
        // Its rows are authenticated by the file's encryption instead.
        let system_secret = if *scope == BackupScope::Instance {
            self.root(seal.root_generation)?
                .unwrap(crate::root::SYSTEM_SECRET_AAD, &seal.wrapped_system_secret)?
        } else {
            SecretBytes::default()
        };
        // The KEKs as the snapshot's vault rows hold them.
        let mut keks = Vec::new();
        if let Some(v) = tables.iter().find(|t| t.name == "vaults") {
            let (id_at, kek_at, gen_at) = (
                column(v, "id")?,
                column(v, "sealed_kek")?,
                column(v, "root_generation")?,
            );
            for row in &v.rows {
                let (
                    Some(Cell::Text(Some(id))),
                    Some(Cell::Bytes(Some(sealed))),
                    Some(Cell::Int(Some(g))),
                ) = (row.get(id_at), row.get(kek_at), row.get(gen_at))
                else {
                    return Err(Error::Storage("a vault row without its KEK".to_owned()));
                };
                let id = VaultId(
                    Uuid::parse_str(id).map_err(|_| Error::Storage("vault id".to_owned()))?,
                );
                let g = u32::try_from(*g).map_err(|_| Error::Storage("root generation".into()))?;
                let kek = self.root(g)?.unwrap(&crate::service::kek_aad(id), sealed)?;
                keks.push((id, kek));
            }
        }
        let counts: BTreeMap<String, u64> = tables
            .iter()
            .map(|t| (t.name.clone(), t.rows.len() as u64))
            .collect();
        // One audit_batches row holds `count` records.
        let audit_records: u64 = tables
            .iter()
            .find(|t| t.name == "audit_batches")
            .map_or(0, |t| {
                let at = t.columns.iter().position(|c| c.name == "count");
                t.rows
                    .iter()
                    .filter_map(|r| match at.and_then(|i| r.get(i)) {
                        Some(Cell::Int(Some(n))) => u64::try_from(*n).ok(),
                        _ => None,
                    })
                    .sum()
            });
        caller.with_note(|n| {
            n.detail = Some(format!(
                "{scope_name}: {} vaults, {} keys, {audit_records} audit records",
                counts.get("vaults").copied().unwrap_or(0),
                counts.get("keys").copied().unwrap_or(0)
            ))
        });
        Ok(Snapshot {
            meta: BackupMeta {
                payload_version: PAYLOAD_VERSION,
                created_at: self.clock.now(),
                source_instance: crate::hex::encode(&self.audit_public_key()),
                source_node: self.node.clone(),
                keyhaven_version: env!("CARGO_PKG_VERSION").to_owned(),
                scope: scope_name,
                counts,
                audit_records,
            },
            secrets: BackupSecrets {
                system_secret,
                keks,
            },
            tables,
        })
    }

    /// Full restore of `snapshot` into this instance, which must hold no keys or templates
    /// (empty vaults are replaced): every table is replaced by the backup's, the backup's system secret and
    /// vault KEKs are wrapped under this instance's current root key. Afterwards this service
    /// is stale (its system keys are the old ones): the caller reopens the service with the
    /// same root keys ([`KeyService::root_keys`]). System-admin.
    pub async fn restore_snapshot(
        &self,
        caller: &crate::access::Caller,
        snapshot: &Snapshot,
    ) -> crate::error::Result<RestoreReport> {
        use crate::error::Error;
        caller.with_note(|n| n.action = Some("backup.restore"));
        caller.require_system(crate::access::Permission::ManageSeal)?;
        if snapshot.meta.scope != "instance" {
            return Err(Error::InvalidRequest(format!(
                "this backup covers {}, not the whole instance: restore it into an instance in \
                 use with a vault named (partial restore)",
                snapshot.meta.scope
            )));
        }
        let current = self.roots_read().current;
        let root = self.root(current)?;
        let backup_keys = crate::root::SystemKeys::derive(&snapshot.secrets.system_secret)?;
        let wrapped_system_secret = root.wrap(
            crate::root::SYSTEM_SECRET_AAD,
            snapshot.secrets.system_secret.expose(),
        )?;
        let replaced_audit_records = self.store.audit_leaves(0, u32::MAX).await?.len() as u64;
        let keks = &snapshot.secrets.keks;
        let fixed = std::sync::atomic::AtomicUsize::new(0);
        let fix = |mut v: crate::model::Vault| -> std::result::Result<crate::model::Vault, crate::store::StoreError> {
            use crate::store::StoreError;
            if !backup_keys.integrity.vault_ok(&v) {
                return Err(StoreError::Backend(format!(
                    "vault {} fails its integrity check inside the backup",
                    v.name
                )));
            }
            let kek = keks
                .iter()
                .find(|(id, _)| *id == v.id)
                .map(|(_, k)| k)
                .ok_or_else(|| {
                    StoreError::Backend(format!("the backup holds no KEK for vault {}", v.name))
                })?;
            v.sealed_kek = root
                .wrap(&crate::service::kek_aad(v.id), kek.expose())
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            v.root_generation = current;
            v.mac = backup_keys.integrity.vault_mac(&v);
            fixed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(v)
        };
        match self
            .store
            .restore_tables(&snapshot.tables, &wrapped_system_secret, &fix)
            .await
        {
            Ok(()) => {}
            Err(crate::store::StoreError::NotEmpty) => {
                return Err(Error::InvalidRequest(
                    "a full restore needs an empty instance (no keys or templates); this one \
                     holds some. Restore into a new instance"
                        .to_owned(),
                ))
            }
            Err(e) => return Err(e.into()),
        }
        Ok(RestoreReport {
            counts: snapshot.meta.counts.clone(),
            vaults: fixed.into_inner(),
            replaced_audit_records,
        })
    }

    /// Every root key generation this service holds (to reopen it after a restore).
    pub fn root_keys(&self) -> Vec<std::sync::Arc<dyn crate::root::RootKey>> {
        self.roots_read().by_generation.values().cloned().collect()
    }
}
