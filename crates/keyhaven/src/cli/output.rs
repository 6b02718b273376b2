//! How results are shown: aligned text tables for people, the server's JSON for scripts.
//!
//! Every string that came from the server goes through [`sanitize`] before reaching a
//! terminal, so a key description cannot carry terminal escape sequences.

use std::io::Write;

use clap::ValueEnum;
use keyhaven_client::proto::{HistoryList, Key, KeyList, KeyVersionList, Vault, VaultList};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::error::CliError;
use super::template::opt_duration;

/// `--output`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns or `field  value` lines for people.
    #[default]
    Table,
    /// The server's JSON, pretty-printed.
    Json,
}

/// A table with a header row; columns are padded to the widest cell.
#[derive(Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; cells are sanitized.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells.iter().map(|c| sanitize(c)).collect());
    }

    /// The table as text, one line per row, two spaces between columns, no trailing spaces.
    pub fn render(&self) -> String {
        let columns = self
            .rows
            .iter()
            .map(Vec::len)
            .chain(std::iter::once(self.headers.len()))
            .max()
            .unwrap_or(0);
        let mut widths = vec![0usize; columns];
        for line in std::iter::once(&self.headers).chain(self.rows.iter()) {
            for (width, cell) in widths.iter_mut().zip(line) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for line in std::iter::once(&self.headers).chain(self.rows.iter()) {
            let mut text = String::new();
            for (i, (cell, width)) in line.iter().zip(&widths).enumerate() {
                if i > 0 {
                    text.push_str("  ");
                }
                text.push_str(cell);
                let pad = width.saturating_sub(cell.chars().count());
                text.extend(std::iter::repeat_n(' ', pad));
            }
            out.push_str(text.trim_end());
            out.push('\n');
        }
        out
    }
}

/// `field  value` lines, fields padded to the longest; values sanitized.
pub fn render_fields(fields: &[(&str, String)]) -> String {
    let width = fields
        .iter()
        .map(|(name, _)| name.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (name, value) in fields {
        let pad = width.saturating_sub(name.chars().count());
        out.push_str(name);
        out.extend(std::iter::repeat_n(' ', pad + 2));
        out.push_str(&sanitize(value));
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        out.push('\n');
    }
    out
}

/// Replaces control characters (newlines, ESC, ...) with visible escapes.
pub fn sanitize(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// [`sanitize`] each line, keeping the newlines.
pub fn sanitize_multiline(text: &str) -> String {
    text.split('\n')
        .map(sanitize)
        .collect::<Vec<_>>()
        .join("\n")
}

/// RFC 3339 time.
pub fn time(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// RFC 3339 time or `-`.
pub fn opt_time(t: Option<OffsetDateTime>) -> String {
    t.map_or_else(|| "-".to_owned(), time)
}

/// JSON already rendered by `serde_json::to_string_pretty`, with a final newline.
pub fn json(rendered: Result<String, serde_json::Error>) -> Result<String, CliError> {
    let mut text = rendered.map_err(|e| CliError::Local(format!("cannot encode JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// Writes text to stdout.
pub fn print(text: &str) -> Result<(), CliError> {
    write_stdout(text.as_bytes())
}

/// Writes bytes to stdout.
pub fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|e| CliError::io("cannot write to stdout", &e))
}

/// A key's metadata as `field  value` lines.
pub fn key_fields(key: &Key) -> String {
    let tags = if key.tags.is_empty() {
        "-".to_owned()
    } else {
        key.tags
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    render_fields(&[
        ("id", key.id.to_string()),
        ("vault", key.vault.clone()),
        ("name", key.name.clone()),
        (
            "description",
            key.description.clone().unwrap_or_else(|| "-".to_owned()),
        ),
        ("algorithm", key.algorithm.clone()),
        ("size_bits", key.size_bits.to_string()),
        ("usage", key.usage.join(", ")),
        ("state", format!("{} ({})", key.state, key.state_code)),
        ("primary_version", key.primary_version.to_string()),
        (
            "min_decryption_version",
            key.min_decryption_version.to_string(),
        ),
        ("origin", key.origin.clone()),
        ("tags", tags),
        ("activation_date", opt_time(key.activation_date)),
        ("deactivation_date", opt_time(key.deactivation_date)),
        ("protect_stop_date", opt_time(key.protect_stop_date)),
        ("process_start_date", opt_time(key.process_start_date)),
        ("compromise_date", opt_time(key.compromise_date)),
        ("destroy_at", opt_time(key.destroy_at)),
        ("destroyed_at", opt_time(key.destroyed_at)),
        ("created_at", time(key.created_at)),
        ("updated_at", time(key.updated_at)),
        ("last_used_at", opt_time(key.last_used_at)),
        ("object_kind", key.object_kind.clone()),
        ("exportable", key.exportable.to_string()),
        (
            "template",
            key.template.clone().unwrap_or_else(|| "-".to_owned()),
        ),
        ("cryptoperiod", opt_duration(key.cryptoperiod_seconds)),
        (
            "rotation_interval",
            opt_duration(key.rotation_interval_seconds),
        ),
        ("rotate_before", opt_duration(key.rotate_before_seconds)),
        (
            "use_limit",
            key.use_limit
                .map_or_else(|| "-".to_owned(), |n| n.to_string()),
        ),
        ("next_rotation_at", opt_time(key.next_rotation_at)),
        (
            "links",
            key.links
                .iter()
                .map(|l| format!("{}={}", l.kind, l.target))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ])
}

/// Keys as a table.
pub fn key_table(keys: &KeyList) -> String {
    let mut table = Table::new(&[
        "ID",
        "VAULT",
        "NAME",
        "ALGORITHM",
        "STATE",
        "VERSION",
        "CREATED",
    ]);
    for key in &keys.items {
        table.row(vec![
            key.id.to_string(),
            key.vault.clone(),
            key.name.clone(),
            key.algorithm.clone(),
            key.state.clone(),
            key.primary_version.to_string(),
            time(key.created_at),
        ]);
    }
    table.render()
}

/// A vault as `field  value` lines.
pub fn vault_fields(vault: &Vault) -> String {
    render_fields(&[
        ("name", vault.name.clone()),
        (
            "pending_destruction_days",
            vault.pending_destruction_days.to_string(),
        ),
        ("created_at", time(vault.created_at)),
        ("updated_at", time(vault.updated_at)),
    ])
}

/// Vaults as a table.
pub fn vault_table(vaults: &VaultList) -> String {
    let mut table = Table::new(&["NAME", "PENDING_DESTRUCTION_DAYS", "CREATED", "UPDATED"]);
    for vault in &vaults.items {
        table.row(vec![
            vault.name.clone(),
            vault.pending_destruction_days.to_string(),
            time(vault.created_at),
            time(vault.updated_at),
        ]);
    }
    table.render()
}

/// Key versions as a table.
pub fn version_table(versions: &KeyVersionList) -> String {
    let mut table = Table::new(&["VERSION", "PRIMARY", "MATERIAL", "CREATED"]);
    for v in &versions.items {
        table.row(vec![
            v.version.to_string(),
            yes_no(v.primary),
            if v.has_material {
                "present"
            } else {
                "destroyed"
            }
            .to_owned(),
            time(v.created_at),
        ]);
    }
    table.render()
}

/// A key's transition history as a table.
pub fn history_table(history: &HistoryList) -> String {
    let mut table = Table::new(&["AT", "ACTION", "FROM", "TO", "ACTOR", "CAUSE", "REASON"]);
    for entry in &history.items {
        table.row(vec![
            time(entry.at),
            entry.action.clone(),
            entry.from_state.clone().unwrap_or_else(|| "-".to_owned()),
            entry.to_state.clone(),
            entry.actor.clone(),
            entry.cause.clone(),
            entry.reason.clone().unwrap_or_default(),
        ]);
    }
    table.render()
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_owned()
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use std::collections::BTreeMap;

    use keyhaven_client::proto::{HistoryEntry, KeyVersion};
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;

    fn sample_key() -> Key {
        let mut tags = BTreeMap::new();
        tags.insert("team".to_owned(), "payments".to_owned());
        Key {
            id: Uuid::nil(),
            vault: "prod".into(),
            name: "db/master".into(),
            description: Some("line one\nline two".into()),
            tags,
            algorithm: "aes-256".into(),
            size_bits: 256,
            usage: vec!["encrypt".into(), "decrypt".into()],
            state: "active".into(),
            state_code: 1,
            primary_version: 2,
            min_decryption_version: 1,
            origin: "generated".into(),
            destroy_at: None,
            activation_date: Some(datetime!(2025-01-02 03:04:05 UTC)),
            deactivation_date: None,
            protect_stop_date: None,
            process_start_date: None,
            compromise_date: None,
            destroyed_at: None,
            created_at: datetime!(2025-01-01 00:00:00 UTC),
            updated_at: datetime!(2025-01-02 03:04:05 UTC),
            last_used_at: None,
            object_kind: "symmetric-key".to_owned(),
            exportable: false,
            links: Vec::new(),
            template: Some("web".to_owned()),
            cryptoperiod_seconds: Some(365 * 86_400),
            rotation_interval_seconds: None,
            rotate_before_seconds: None,
            use_limit: None,
            next_rotation_at: None,
        }
    }

    #[test]
    fn tables_align_columns_without_trailing_spaces() {
        let mut table = Table::new(&["A", "LONGER", "C"]);
        table.row(vec!["xxxx".into(), "y".into(), "".into()]);
        table.row(vec!["z".into(), "w".into(), "end".into()]);
        assert_eq!(
            table.render(),
            "A     LONGER  C\nxxxx  y\nz     w       end\n"
        );
    }

    #[test]
    fn tables_count_characters_not_bytes() {
        let mut table = Table::new(&["N", "X"]);
        table.row(vec!["é".into(), "1".into()]);
        table.row(vec!["ab".into(), "2".into()]);
        assert_eq!(table.render(), "N   X\né   1\nab  2\n");
    }

    #[test]
    fn sanitize_escapes_control_characters() {
        assert_eq!(sanitize("plain"), "plain");
        assert_eq!(sanitize("a\nb"), "a\\nb");
        assert_eq!(sanitize("\u{1b}[31mred"), "\\u{1b}[31mred");
        let mut table = Table::new(&["X"]);
        table.row(vec!["evil\r\u{1b}]0;title\u{7}".into()]);
        assert!(!table.render().chars().any(|c| c.is_control() && c != '\n'));
    }

    #[test]
    fn fields_are_aligned() {
        let text = render_fields(&[("id", "1".into()), ("longer", "".into())]);
        assert_eq!(text, "id      1\nlonger\n");
    }

    #[test]
    fn key_fields_show_everything_readably() {
        let text = key_fields(&sample_key());
        assert!(
            text.contains("name                    db/master\n"),
            "{text}"
        );
        assert!(
            text.contains("description             line one\\nline two\n"),
            "{text}"
        );
        assert!(
            text.contains("state                   active (1)\n"),
            "{text}"
        );
        assert!(
            text.contains("tags                    team=payments\n"),
            "{text}"
        );
        assert!(
            text.contains("activation_date         2025-01-02T03:04:05Z\n"),
            "{text}"
        );
        assert!(text.contains("destroyed_at            -\n"), "{text}");
        assert!(text.contains("template                web\n"), "{text}");
        assert!(text.contains("cryptoperiod            1y\n"), "{text}");
    }

    #[test]
    fn key_list_table() {
        let list = KeyList {
            items: vec![sample_key()],
            next_cursor: None,
            integrity_errors: Vec::new(),
        };
        let text = key_table(&list);
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("ID                                    VAULT  NAME       ALGORITHM  STATE   VERSION  CREATED")
        );
        assert_eq!(
            lines.next(),
            Some("00000000-0000-0000-0000-000000000000  prod   db/master  aes-256    active  2        2025-01-01T00:00:00Z")
        );
        assert_eq!(lines.next(), None);
    }

    #[test]
    fn other_tables() {
        let vaults = VaultList {
            items: vec![Vault {
                name: "prod".into(),
                pending_destruction_days: 7,
                created_at: datetime!(2025-01-01 00:00:00 UTC),
                updated_at: datetime!(2025-01-01 00:00:00 UTC),
            }],
        };
        assert!(
            vault_table(&vaults).contains("prod  7                         2025-01-01T00:00:00Z")
        );
        let versions = KeyVersionList {
            items: vec![KeyVersion {
                version: 1,
                created_at: datetime!(2025-01-01 00:00:00 UTC),
                has_material: false,
                primary: true,
            }],
        };
        assert!(version_table(&versions).contains("1        yes      destroyed"));
        let history = HistoryList {
            items: vec![HistoryEntry {
                at: datetime!(2025-01-01 00:00:00 UTC),
                action: "create".into(),
                from_state: None,
                to_state: "pre-active".into(),
                actor: "root".into(),
                cause: "request".into(),
                reason: None,
            }],
        };
        let text = history_table(&history);
        assert!(
            text.contains("create  -     pre-active  root   request\n"),
            "{text}"
        );
    }

    #[test]
    fn json_output_is_pretty_with_newline() {
        let text = json(serde_json::to_string_pretty(&sample_key())).expect("json");
        assert!(text.ends_with("}\n"));
        assert!(text.contains("\"name\": \"db/master\""));
    }
}
