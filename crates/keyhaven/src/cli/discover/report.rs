//! The inventory discovery prints: one [`Item`] per key or certificate with its
//! [`Finding`]s, as a table for people or JSON with every field for scripts.

use clap::ValueEnum;
use serde::Serialize;

use super::cert::{CertFacts, SelfSigned};
use crate::cli::output::{self, render_fields, Table};

/// How much a finding matters. Ordered: `info < warning < high`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing (self-signed, quantum-vulnerable, encrypted with unknown algorithm).
    Info,
    /// Should be fixed (deprecated algorithm, expiring soon, key reuse).
    Warning,
    /// Must be fixed (weak or disallowed algorithm, expired certificate).
    High,
}

impl Severity {
    /// `info`, `warning` or `high`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::High => "high",
        }
    }
}

/// One observation about an item.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// Stable identifier: `weak`, `disallowed`, `quantum-vulnerable`, `expired`, `reuse`, ...
    pub code: String,
    /// How much it matters.
    pub severity: Severity,
    /// What it means and what to do.
    pub message: String,
    /// The short form shown in the table's FINDINGS column (`quantum-vulnerable:2030`).
    #[serde(skip)]
    pub short: String,
}

impl Finding {
    /// A finding whose table form is its code.
    pub fn new(code: &str, severity: Severity, message: String) -> Finding {
        Finding {
            code: code.to_owned(),
            severity,
            message,
            short: code.to_owned(),
        }
    }
}

/// What an item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A private key (possibly encrypted).
    PrivateKey,
    /// A public key.
    PublicKey,
    /// An X.509 certificate.
    Certificate,
}

impl Kind {
    /// The name shown in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::PrivateKey => "private-key",
            Kind::PublicKey => "public-key",
            Kind::Certificate => "certificate",
        }
    }
}

/// The crypto policy's verdict on an algorithm.
#[derive(Clone, Debug, Serialize)]
pub struct PolicyView {
    /// For new protection (encrypt, sign): `acceptable`, `deprecated`, `legacy-use`,
    /// `disallowed`.
    pub apply: String,
    /// For processing existing data (decrypt, verify).
    pub process: String,
    /// The policy rule that decided.
    pub rule: String,
}

/// When a quantum-vulnerable algorithm stops being acceptable (NIST IR 8547).
#[derive(Clone, Debug, Serialize)]
pub struct QuantumView {
    /// Deprecated after this date.
    pub deprecated_after: String,
    /// Disallowed after this date.
    pub disallowed_after: String,
}

/// What `--import` did with a private key.
#[derive(Clone, Debug, Serialize)]
pub struct ImportOutcome {
    /// `imported`, `refused` (by the server's policy), `failed`, `not-importable`, `duplicate`.
    pub status: String,
    /// VAULT/NAME of the managed key, when one was (or would have been) created.
    pub key: Option<String>,
    /// The new key's id.
    pub id: Option<String>,
    /// Why, for anything but `imported`.
    pub message: Option<String>,
}

/// One key or certificate.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    /// The file (or `tls://HOST:PORT`).
    pub path: String,
    /// 1-based position among the items of the file, or in the presented chain (1 = leaf).
    pub position: usize,
    /// Private key, public key or certificate.
    pub kind: Kind,
    /// The structure (`PKCS#8`, `PKCS#1`, `SEC1`, `X.509`, `OpenSSH public key`, ...).
    pub format: String,
    /// `PEM`, `DER`, `OpenSSH` or `TLS`.
    pub encoding: String,
    /// `RSA`, `EC P-256`, `Ed25519`, ... or `unknown`.
    pub algorithm: String,
    /// Key size (modulus, field size or parameter set).
    pub bits: Option<u32>,
    /// Security strength in bits, by the crypto policy.
    pub strength: Option<u32>,
    /// The crypto policy's verdict.
    pub policy: Option<PolicyView>,
    /// Quantum-vulnerability deadlines.
    pub quantum: Option<QuantumView>,
    /// `sha256:HEX` of the SubjectPublicKeyInfo DER: the same key has the same fingerprint in
    /// every file and format.
    pub fingerprint: Option<String>,
    /// OpenSSH fingerprint (`SHA256:...`, as `ssh-keygen -l` prints it).
    pub ssh_fingerprint: Option<String>,
    /// OpenSSH comment.
    pub comment: Option<String>,
    /// Whether a private key is encrypted at rest.
    pub encrypted: bool,
    /// The scheme protecting an encrypted private key.
    pub encryption: Option<String>,
    /// Certificate details.
    pub certificate: Option<CertFacts>,
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
    /// What `--import` did.
    pub import: Option<ImportOutcome>,
}

impl Item {
    /// `path` or `path#position` when the file holds several items.
    pub fn location(&self, several: bool) -> String {
        if several {
            format!("{}#{}", self.path, self.position)
        } else {
            self.path.clone()
        }
    }
}

/// A file or entry that could not be read or understood.
#[derive(Clone, Debug, Serialize)]
pub struct Warning {
    /// Where.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// One public key found in several places.
#[derive(Clone, Debug, Serialize)]
pub struct ReuseGroup {
    /// `sha256:HEX` of the SubjectPublicKeyInfo.
    pub fingerprint: String,
    /// Whether this counts as reuse (see docs/CLI.md): the key is in more than one
    /// private-key file, or in certificates of more than one subject.
    pub reuse: bool,
    /// Distinct files holding the private key.
    pub private_key_files: Vec<String>,
    /// Distinct certificate subjects carrying the key.
    pub certificate_subjects: Vec<String>,
    /// Every place the key appears (`path` or `path#position`).
    pub locations: Vec<String>,
}

/// The TLS session a chain was read from.
#[derive(Clone, Debug, Serialize)]
pub struct TlsSession {
    /// HOST:PORT connected to.
    pub target: String,
    /// The name sent as SNI (none for an IP address).
    pub server_name: String,
    /// Negotiated protocol version, when the handshake completed.
    pub protocol: Option<String>,
    /// Negotiated cipher suite, when the handshake completed.
    pub cipher_suite: Option<String>,
    /// `completed`, or why the handshake stopped after the certificates were received.
    pub handshake: String,
    /// Always false: the chain is recorded, not validated.
    pub trusted: bool,
}

/// Everything a discovery run found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Keys and certificates.
    pub items: Vec<Item>,
    /// Public keys found in several places (all of them; `reuse` says which count).
    pub shared_keys: Vec<ReuseGroup>,
    /// Files read.
    pub files_scanned: usize,
    /// Files skipped because they are larger than 1 MiB.
    pub files_too_large: usize,
    /// Symbolic links met inside directories (not followed).
    pub links_skipped: usize,
    /// Unreadable files and blocks that looked like keys but could not be parsed.
    pub warnings: Vec<Warning>,
    /// For `discover tls`: the session.
    pub tls: Option<TlsSession>,
}

impl Report {
    /// The most severe finding of any item.
    pub fn worst(&self) -> Option<Severity> {
        self.items
            .iter()
            .flat_map(|i| i.findings.iter().map(|f| f.severity))
            .max()
    }

    /// The table form: items, then details of findings worth a look, certificates, imports,
    /// warnings and a summary line.
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        if let Some(tls) = &self.tls {
            out.push_str(&render_fields(&[
                ("target", tls.target.clone()),
                ("server name", tls.server_name.clone()),
                (
                    "protocol",
                    tls.protocol.clone().unwrap_or_else(|| "-".to_owned()),
                ),
                (
                    "cipher suite",
                    tls.cipher_suite.clone().unwrap_or_else(|| "-".to_owned()),
                ),
                ("handshake", tls.handshake.clone()),
                (
                    "trust",
                    "not checked: the chain is recorded as presented, not validated".to_owned(),
                ),
            ]));
            out.push('\n');
        }
        let locations = self.locations();
        let mut table = Table::new(&["PATH", "KIND", "ALGORITHM", "BITS", "STRENGTH", "FINDINGS"]);
        for (item, location) in self.items.iter().zip(&locations) {
            let findings: Vec<&str> = item.findings.iter().map(|f| f.short.as_str()).collect();
            table.row(vec![
                location.clone(),
                item.kind.name().to_owned(),
                item.algorithm.clone(),
                opt(item.bits),
                opt(item.strength),
                if findings.is_empty() {
                    "-".to_owned()
                } else {
                    findings.join(", ")
                },
            ]);
        }
        out.push_str(&table.render());
        self.render_details(&locations, &mut out);
        let found = match &self.tls {
            Some(_) => format!("{} certificate(s) presented", self.items.len()),
            None => format!(
                "{} item(s) in {} file(s)",
                self.items.len(),
                self.files_scanned
            ),
        };
        out.push_str(&format!(
            "\n{found}; {} high, {} warning finding(s)",
            self.count(Severity::High),
            self.count(Severity::Warning),
        ));
        if self.files_too_large > 0 {
            out.push_str(&format!(
                "; {} file(s) over 1 MiB skipped",
                self.files_too_large
            ));
        }
        if self.links_skipped > 0 {
            out.push_str(&format!(
                "; {} symbolic link(s) not followed",
                self.links_skipped
            ));
        }
        out.push('\n');
        out
    }

    fn render_details(&self, locations: &[String], out: &mut String) {
        let mut details = Vec::new();
        for (item, location) in self.items.iter().zip(locations) {
            for f in item.findings.iter().filter(|f| f.severity > Severity::Info) {
                details.push(format!(
                    "  {location}: [{}] {}",
                    f.severity.name(),
                    f.message
                ));
            }
        }
        section(out, "Findings", &details);
        let certs: Vec<String> = self
            .items
            .iter()
            .zip(locations)
            .filter_map(|(item, location)| {
                let c = item.certificate.as_ref()?;
                let self_signed = match c.self_signed {
                    SelfSigned::No => "no",
                    SelfSigned::Verified => "yes (signature verified)",
                    SelfSigned::NamesMatch => "yes (names match; signature not checked)",
                    SelfSigned::NamesMatchSignatureInvalid => {
                        "no (issuer name = subject, but another key signed it)"
                    }
                };
                Some(format!(
                    "  {location}: subject {}; issuer {}; serial {}; not after {}; self-signed {}",
                    c.subject,
                    c.issuer,
                    c.serial,
                    output::time(c.not_after),
                    self_signed
                ))
            })
            .collect();
        section(out, "Certificates", &certs);
        let imports: Vec<String> = self
            .items
            .iter()
            .zip(locations)
            .filter_map(|(item, location)| {
                let i = item.import.as_ref()?;
                let mut line = format!("  {location}: {}", i.status);
                if let Some(key) = &i.key {
                    line.push_str(&format!(" {key}"));
                }
                if let Some(id) = &i.id {
                    line.push_str(&format!(" ({id})"));
                }
                if let Some(m) = &i.message {
                    line.push_str(&format!(": {m}"));
                }
                Some(line)
            })
            .collect();
        section(out, "Import", &imports);
        let warnings: Vec<String> = self
            .warnings
            .iter()
            .map(|w| format!("  {}: {}", w.path, w.message))
            .collect();
        section(out, "Warnings", &warnings);
    }

    fn count(&self, severity: Severity) -> usize {
        self.items
            .iter()
            .flat_map(|i| &i.findings)
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Each item's `path` or `path#position` (the latter when its file holds several items).
    pub fn locations(&self) -> Vec<String> {
        let mut per_path: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for item in &self.items {
            *per_path.entry(item.path.as_str()).or_default() += 1;
        }
        self.items
            .iter()
            .map(|item| item.location(per_path.get(item.path.as_str()).is_some_and(|&n| n > 1)))
            .collect()
    }
}

fn section(out: &mut String, title: &str, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    out.push_str(&format!("\n{title}:\n"));
    for line in lines {
        out.push_str(&output::sanitize(line));
        out.push('\n');
    }
}

fn opt(v: Option<u32>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| v.to_string())
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

    fn item(path: &str, position: usize, findings: Vec<Finding>) -> Item {
        Item {
            path: path.to_owned(),
            position,
            kind: Kind::PublicKey,
            format: "OpenSSH public key".to_owned(),
            encoding: "OpenSSH".to_owned(),
            algorithm: "RSA".to_owned(),
            bits: Some(1024),
            strength: Some(80),
            policy: None,
            quantum: None,
            fingerprint: None,
            ssh_fingerprint: None,
            comment: None,
            encrypted: false,
            encryption: None,
            certificate: None,
            findings,
            import: None,
        }
    }

    #[test]
    fn table_lists_items_and_explains_what_matters() {
        let weak = Finding::new("weak", Severity::High, "RSA-1024 is weak".to_owned());
        let mut quantum = Finding::new("quantum-vulnerable", Severity::Info, "quantum".to_owned());
        quantum.short = "quantum-vulnerable:2030".to_owned();
        let report = Report {
            items: vec![
                item("keys", 1, vec![weak, quantum.clone()]),
                item("keys", 2, vec![quantum]),
                item("one.pub", 1, vec![]),
            ],
            files_scanned: 2,
            warnings: vec![Warning {
                path: "bad\u{1b}[31m.pem".to_owned(),
                message: "cannot read".to_owned(),
            }],
            ..Report::default()
        };
        assert_eq!(report.worst(), Some(Severity::High));
        assert_eq!(report.locations(), ["keys#1", "keys#2", "one.pub"]);
        let table = report.render_table();
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("PATH     KIND"), "{table}");
        assert!(
            lines[1].ends_with("weak, quantum-vulnerable:2030"),
            "{table}"
        );
        assert!(lines[3].ends_with("80        -"), "{table}");
        assert!(table.contains("keys#1: [high] RSA-1024 is weak"), "{table}");
        assert!(
            !table.contains("] quantum"),
            "info findings stay in the column: {table}"
        );
        assert!(!table.contains('\u{1b}'), "{table:?}");
        assert!(table.ends_with("3 item(s) in 2 file(s); 1 high, 0 warning finding(s)\n"));
        assert_eq!(Report::default().worst(), None);
    }
}
