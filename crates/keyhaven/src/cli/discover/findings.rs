//! From what a file holds to what it means: the crypto policy's assessment of each key
//! (strength, status, quantum deadlines), certificate validity and self-signature, and key
//! reuse across files and certificates.

use std::collections::BTreeMap;

use keyhaven_core::policy::{CryptoPolicy, Status};
use time::{Duration, OffsetDateTime};

use super::cert::{self, SelfSigned};
use super::parse::Found;
use super::report::{Finding, Item, Kind, PolicyView, QuantumView, ReuseGroup, Severity};
use crate::cli::output;

/// A certificate expiring within this long gets an `expires-soon` warning.
pub const EXPIRY_WARNING: Duration = Duration::days(30);

/// The inventory entry for one found key or certificate, with its findings.
pub fn item(
    found: &Found,
    path: &str,
    position: usize,
    policy: &CryptoPolicy,
    now: OffsetDateTime,
) -> Item {
    let mut findings = found.notes.clone();
    let mut item = Item {
        path: path.to_owned(),
        position,
        kind: found.kind,
        format: found.format.clone(),
        encoding: found.encoding.to_owned(),
        algorithm: found
            .alg
            .as_ref()
            .map_or_else(|| "unknown".to_owned(), |a| a.name()),
        bits: found.alg.as_ref().and_then(|a| a.bits()),
        strength: None,
        policy: None,
        quantum: None,
        fingerprint: found.spki.as_deref().map(fingerprint),
        ssh_fingerprint: found.ssh_fingerprint.clone(),
        comment: found.comment.clone(),
        encrypted: found.encrypted,
        encryption: found.encryption.clone(),
        certificate: found.cert.clone(),
        findings: Vec::new(),
        import: None,
    };
    if let Some(spec) = found.alg.as_ref().and_then(|a| a.spec()) {
        let a = policy.assess(&spec, now);
        let label = &spec.label;
        item.strength = Some(a.strength);
        let min = policy.min_strength();
        if a.strength < min {
            findings.push(Finding::new(
                "weak",
                Severity::High,
                format!(
                    "{label} gives {} bits of security; the policy asks for at least {min}: \
                     replace the key",
                    a.strength
                ),
            ));
        }
        let verdict = match a.apply {
            Status::Acceptable => None,
            Status::Deprecated => Some((
                "deprecated",
                Severity::Warning,
                "is deprecated: use it only if you accept the risk, and plan its replacement",
            )),
            Status::LegacyUse => Some((
                "legacy-use",
                Severity::Warning,
                "may only process existing data (decrypt, verify), not protect new data",
            )),
            _ => Some((
                "disallowed",
                Severity::High,
                "is disallowed for protecting new data",
            )),
        };
        if let Some((code, severity, text)) = verdict {
            findings.push(Finding::new(
                code,
                severity,
                format!(
                    "{label} {text} (policy rule {}; processing existing data: {})",
                    a.rule,
                    a.process.name()
                ),
            ));
        }
        if let Some(q) = a.quantum {
            let mut f = Finding::new(
                "quantum-vulnerable",
                Severity::Info,
                format!(
                    "{label} can be broken by a quantum computer: deprecated after {}, \
                     disallowed after {} (NIST IR 8547); plan a move to ML-KEM / ML-DSA",
                    q.deprecated_after, q.disallowed_after
                ),
            );
            f.short = format!("quantum-vulnerable:{}", q.deprecated_after.year());
            findings.push(f);
            item.quantum = Some(QuantumView {
                deprecated_after: q.deprecated_after.to_string(),
                disallowed_after: q.disallowed_after.to_string(),
            });
        }
        item.policy = Some(PolicyView {
            apply: a.apply.name().to_owned(),
            process: a.process.name().to_owned(),
            rule: a.rule,
        });
    } else if let Some(alg) = &found.alg {
        if alg.bits().is_some() {
            findings.push(Finding::new(
                "unknown-algorithm",
                Severity::Info,
                format!("{} is not an algorithm the crypto policy knows", alg.name()),
            ));
        }
    }
    if found.kind == Kind::PrivateKey && !found.encrypted {
        findings.push(Finding::new(
            "unencrypted-private-key",
            Severity::Info,
            "the private key is stored unencrypted".to_owned(),
        ));
    }
    if let Some(c) = &found.cert {
        certificate_findings(c, now, &mut findings);
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    item.findings = findings;
    item
}

fn certificate_findings(c: &cert::CertFacts, now: OffsetDateTime, findings: &mut Vec<Finding>) {
    let not_after = output::time(c.not_after);
    if c.not_after < now {
        findings.push(Finding::new(
            "expired",
            Severity::High,
            format!("the certificate expired on {not_after}"),
        ));
    } else if c.not_after - now < EXPIRY_WARNING {
        findings.push(Finding::new(
            "expires-soon",
            Severity::Warning,
            format!(
                "the certificate expires on {not_after}, in {} day(s)",
                (c.not_after - now).whole_days()
            ),
        ));
    }
    if c.not_before > now {
        findings.push(Finding::new(
            "not-yet-valid",
            Severity::Warning,
            format!(
                "the certificate is valid only from {}",
                output::time(c.not_before)
            ),
        ));
    }
    match c.self_signed {
        SelfSigned::Verified => findings.push(Finding::new(
            "self-signed",
            Severity::Info,
            "self-signed: the issuer is the subject and the signature verifies with the \
             certificate's own key"
                .to_owned(),
        )),
        SelfSigned::NamesMatch => findings.push(Finding::new(
            "self-signed",
            Severity::Info,
            format!(
                "self-signed by name: the issuer is the subject ({} signatures are not \
                 checked by discovery)",
                c.signature_algorithm
            ),
        )),
        SelfSigned::No | SelfSigned::NamesMatchSignatureInvalid => {
            if let Some(hash) = cert::weak_signature_hash(&c.signature_algorithm) {
                findings.push(Finding::new(
                    "weak-signature",
                    if hash == "MD5" {
                        Severity::High
                    } else {
                        Severity::Warning
                    },
                    format!(
                        "signed with {}: {hash} signatures can be forged; have it reissued",
                        c.signature_algorithm
                    ),
                ));
            }
        }
    }
}

/// `sha256:HEX` of a SubjectPublicKeyInfo.
pub fn fingerprint(spki: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, spki);
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Groups the items by public key and adds a `reuse` finding where the rule says so: the same
/// key in more than one private-key file, or in certificates of more than one subject. A
/// private key next to its own certificate or public key is not reuse.
pub fn shared_keys(items: &mut [Item], locations: &[String]) -> Vec<ReuseGroup> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(fp) = &item.fingerprint {
            groups.entry(fp.clone()).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for (fp, members) in groups {
        if members.len() < 2 {
            continue;
        }
        let mut files: Vec<String> = Vec::new();
        let mut subjects: Vec<String> = Vec::new();
        let mut places: Vec<String> = Vec::new();
        for &i in &members {
            let Some(item) = items.get(i) else { continue };
            if item.kind == Kind::PrivateKey && !files.contains(&item.path) {
                files.push(item.path.clone());
            }
            if let Some(c) = &item.certificate {
                if !subjects.contains(&c.subject) {
                    subjects.push(c.subject.clone());
                }
            }
            if let Some(l) = locations.get(i) {
                places.push(l.clone());
            }
        }
        let reuse = files.len() > 1 || subjects.len() > 1;
        if reuse {
            let short: String = fp.chars().take(23).collect();
            let mut wheres = Vec::new();
            if files.len() > 1 {
                wheres.push(format!("{} private-key files", files.len()));
            }
            if subjects.len() > 1 {
                wheres.push(format!("certificates of {} subjects", subjects.len()));
            }
            let message = format!(
                "key reuse: the same key ({short}...) is in {}: {}",
                wheres.join(" and "),
                places.join(", ")
            );
            for &i in &members {
                if let Some(item) = items.get_mut(i) {
                    item.findings
                        .push(Finding::new("reuse", Severity::Warning, message.clone()));
                    item.findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
                }
            }
        }
        out.push(ReuseGroup {
            fingerprint: fp,
            reuse,
            private_key_files: files,
            certificate_subjects: subjects,
            locations: places,
        });
    }
    out
}
