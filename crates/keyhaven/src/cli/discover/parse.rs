//! One file's contents to the keys and certificates in it: PEM blocks (with their labels and
//! RFC 1421 headers), a bare DER structure, and OpenSSH public key lines. Private key material
//! read here stays in zeroizing buffers.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use zeroize::Zeroizing;

use super::alg::KeyAlg;
use super::cert::{self, CertFacts};
use super::keys::{self, KeyFacts, Secret};
use super::pbes::{self, DecryptError};
use super::report::{Finding, Kind, Severity};
use super::ssh;

/// One key or certificate found in a file.
#[derive(Debug)]
pub struct Found {
    /// Private key, public key or certificate.
    pub kind: Kind,
    /// The structure: `PKCS#8`, `PKCS#1`, `SEC1`, `X.509`, `encrypted PKCS#8`, ...
    pub format: String,
    /// How it was stored: `PEM`, `DER` or `OpenSSH`.
    pub encoding: &'static str,
    /// Algorithm and size; `None` when encryption hides them.
    pub alg: Option<KeyAlg>,
    /// The public key as a SubjectPublicKeyInfo, when known.
    pub spki: Option<Vec<u8>>,
    /// A PKCS#8 encoding of the private key, for `--import`.
    pub pkcs8: Option<Secret>,
    /// Whether the private key is encrypted at rest.
    pub encrypted: bool,
    /// The encryption scheme, for encrypted keys.
    pub encryption: Option<String>,
    /// Certificate details.
    pub cert: Option<CertFacts>,
    /// OpenSSH fingerprint (`SHA256:...`).
    pub ssh_fingerprint: Option<String>,
    /// OpenSSH comment.
    pub comment: Option<String>,
    /// Findings that come from the format itself (encryption, decryption failures).
    pub notes: Vec<Finding>,
}

impl Found {
    fn new(kind: Kind, format: &str, encoding: &'static str) -> Found {
        Found {
            kind,
            format: format.to_owned(),
            encoding,
            alg: None,
            spki: None,
            pkcs8: None,
            encrypted: false,
            encryption: None,
            cert: None,
            ssh_fingerprint: None,
            comment: None,
            notes: Vec::new(),
        }
    }

    fn with_key(mut self, facts: KeyFacts) -> Found {
        self.alg = Some(facts.alg);
        self.spki = facts.spki;
        self.pkcs8 = facts.pkcs8;
        self
    }

    fn with_ssh(mut self, key: ssh::SshKey) -> Found {
        self.alg = Some(key.alg);
        self.spki = key.spki;
        self.ssh_fingerprint = Some(key.fingerprint);
        self.comment = key.comment;
        self
    }
}

/// What a file holds, and the parts of it that looked like keys but could not be read.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Keys and certificates, in file order.
    pub found: Vec<Found>,
    /// Problems with individual blocks ("block 2 (PRIVATE KEY): ...").
    pub problems: Vec<String>,
}

/// Parses a file's bytes. `passphrase` decrypts encrypted PKCS#8 keys.
pub fn parse_file(bytes: &[u8], passphrase: Option<&[u8]>) -> Parsed {
    let mut parsed = Parsed::default();
    if bytes.first() == Some(&0x30) {
        if let Some(found) = parse_der(bytes, passphrase) {
            parsed.found.push(found);
            return parsed;
        }
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return parsed;
    };
    parse_text(text, passphrase, &mut parsed);
    parsed
}

/// A DER certificate received some other way (a TLS handshake), with `encoding` as given.
pub fn certificate(der: &[u8], encoding: &'static str) -> Result<Found, String> {
    let (facts, key) = cert::parse(der, true)?;
    let mut f = Found::new(Kind::Certificate, "X.509", encoding).with_key(key);
    f.cert = Some(facts);
    Ok(f)
}

/// A PEM block being read.
struct Block {
    label: String,
    headers: Vec<(String, String)>,
    body: Zeroizing<String>,
}

fn parse_text(text: &str, passphrase: Option<&[u8]>, parsed: &mut Parsed) {
    let mut block: Option<Block> = None;
    let mut count = 0usize;
    for line in text.lines() {
        let trimmed = line.trim();
        match block.as_mut() {
            Some(b) => {
                if trimmed.starts_with("-----END ") {
                    count += 1;
                    if let Some(done) = block.take() {
                        pem_block(done, count, passphrase, parsed);
                    }
                } else if b.body.is_empty() && trimmed.contains(':') {
                    if let Some((name, value)) = trimmed.split_once(':') {
                        b.headers
                            .push((name.trim().to_owned(), value.trim().to_owned()));
                    }
                } else {
                    b.body.push_str(trimmed);
                }
            }
            None => {
                if let Some(label) = trimmed
                    .strip_prefix("-----BEGIN ")
                    .and_then(|l| l.strip_suffix("-----"))
                {
                    block = Some(Block {
                        label: label.trim().to_owned(),
                        headers: Vec::new(),
                        body: Zeroizing::new(String::new()),
                    });
                } else if let Some(key) = ssh::public_key_line(trimmed) {
                    parsed.found.push(
                        Found::new(Kind::PublicKey, "OpenSSH public key", "OpenSSH").with_ssh(key),
                    );
                }
            }
        }
    }
    if let Some(b) = block {
        parsed.problems.push(format!(
            "PEM block {} ({}) has no END line",
            count + 1,
            b.label
        ));
    }
}

fn pem_block(block: Block, number: usize, passphrase: Option<&[u8]>, parsed: &mut Parsed) {
    let label = block.label.as_str();
    let problem = |msg: String| format!("PEM block {number} ({label}): {msg}");
    let der = match STANDARD.decode(block.body.as_bytes()) {
        Ok(der) => Zeroizing::new(der),
        Err(e) => {
            if is_known_label(label) {
                parsed.problems.push(problem(format!("bad base64: {e}")));
            }
            return;
        }
    };
    let encrypted_legacy = block
        .headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("Proc-Type") && v.contains("ENCRYPTED"));
    let result: Result<Option<Found>, String> = match label {
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
            cert::parse(&der, label != "TRUSTED CERTIFICATE").map(|(facts, key)| {
                let mut f = Found::new(Kind::Certificate, "X.509", "PEM").with_key(key);
                f.cert = Some(facts);
                Some(f)
            })
        }
        "PUBLIC KEY" => keys::from_spki(&der)
            .map(|k| Some(Found::new(Kind::PublicKey, "SubjectPublicKeyInfo", "PEM").with_key(k)))
            .map_err(|e| e.to_string()),
        "RSA PUBLIC KEY" => keys::from_rsa_public(&der)
            .map(|k| Some(Found::new(Kind::PublicKey, "PKCS#1", "PEM").with_key(k)))
            .map_err(|e| e.to_string()),
        "PRIVATE KEY" => keys::from_pkcs8(&der)
            .map(|k| Some(Found::new(Kind::PrivateKey, "PKCS#8", "PEM").with_key(k)))
            .map_err(|e| e.to_string()),
        "ENCRYPTED PRIVATE KEY" => encrypted_pkcs8(&der, "PEM", passphrase).map(Some),
        "RSA PRIVATE KEY" | "EC PRIVATE KEY" | "DSA PRIVATE KEY" if encrypted_legacy => {
            Ok(Some(legacy_encrypted(label, &block.headers)))
        }
        "RSA PRIVATE KEY" => keys::from_rsa_private(&der)
            .map(|k| Some(Found::new(Kind::PrivateKey, "PKCS#1", "PEM").with_key(k)))
            .map_err(|e| e.to_string()),
        "EC PRIVATE KEY" => keys::from_sec1(&der)
            .map(|k| Some(Found::new(Kind::PrivateKey, "SEC1", "PEM").with_key(k)))
            .map_err(|e| e.to_string()),
        "DSA PRIVATE KEY" => keys::from_dsa_private(&der)
            .map(|k| Some(Found::new(Kind::PrivateKey, "traditional DSA", "PEM").with_key(k)))
            .map_err(|e| e.to_string()),
        "OPENSSH PRIVATE KEY" => ssh::private_container(&der)
            .map(|c| {
                let mut f = Found::new(Kind::PrivateKey, "OpenSSH", "PEM").with_ssh(c.public);
                if c.cipher != "none" {
                    f.encrypted = true;
                    f.encryption = Some(format!("OpenSSH ({})", c.cipher));
                }
                Some(f)
            })
            .map_err(str::to_owned),
        "SSH2 PUBLIC KEY" => ssh::from_blob(&der)
            .map(|k| Some(Found::new(Kind::PublicKey, "RFC 4716", "PEM").with_ssh(k)))
            .map_err(str::to_owned),
        _ => Ok(None),
    };
    match result {
        Ok(Some(found)) => parsed.found.push(found),
        Ok(None) => {}
        Err(e) => parsed.problems.push(problem(e)),
    }
}

fn is_known_label(label: &str) -> bool {
    label.contains("KEY") || label.contains("CERTIFICATE")
}

/// A bare DER file: the first structure that parses.
fn parse_der(bytes: &[u8], passphrase: Option<&[u8]>) -> Option<Found> {
    super::der::whole_sequence(bytes).ok()?;
    if let Ok((facts, key)) = cert::parse(bytes, true) {
        let mut f = Found::new(Kind::Certificate, "X.509", "DER").with_key(key);
        f.cert = Some(facts);
        return Some(f);
    }
    let key = |kind, format: &str, facts: KeyFacts| Found::new(kind, format, "DER").with_key(facts);
    if let Ok(k) = keys::from_pkcs8(bytes) {
        return Some(key(Kind::PrivateKey, "PKCS#8", k));
    }
    if pbes::scheme(bytes).is_ok() {
        return encrypted_pkcs8(bytes, "DER", passphrase).ok();
    }
    if let Ok(k) = keys::from_spki(bytes) {
        return Some(key(Kind::PublicKey, "SubjectPublicKeyInfo", k));
    }
    if let Ok(k) = keys::from_rsa_private(bytes) {
        return Some(key(Kind::PrivateKey, "PKCS#1", k));
    }
    if let Ok(k) = keys::from_sec1(bytes) {
        return Some(key(Kind::PrivateKey, "SEC1", k));
    }
    if let Ok(k) = keys::from_dsa_private(bytes) {
        return Some(key(Kind::PrivateKey, "traditional DSA", k));
    }
    if let Ok(k) = keys::from_rsa_public(bytes) {
        return Some(key(Kind::PublicKey, "PKCS#1", k));
    }
    None
}

fn encrypted_pkcs8(
    der: &[u8],
    encoding: &'static str,
    passphrase: Option<&[u8]>,
) -> Result<Found, String> {
    let scheme = pbes::scheme(der).map_err(|e| e.to_string())?;
    let mut f = Found::new(Kind::PrivateKey, "encrypted PKCS#8", encoding);
    f.encrypted = true;
    f.encryption = Some(scheme.description.clone());
    if scheme.weak {
        f.notes.push(Finding::new(
            "weak-key-encryption",
            Severity::Warning,
            format!(
                "the key is encrypted with {}; re-encrypt it with PBES2 and AES \
                 (openssl pkcs8 -topk8 -v2 aes-256-cbc)",
                scheme.description
            ),
        ));
    }
    let unknown = |why: String| {
        Finding::new(
            "encrypted-unknown-algorithm",
            Severity::Info,
            format!("encrypted with {}: {why}", scheme.description),
        )
    };
    match passphrase {
        None => f.notes.push(unknown(
            "the algorithm is unknown without the passphrase (give --passphrase-file)".to_owned(),
        )),
        Some(p) => match pbes::decrypt(der, p) {
            Ok(inner) => match keys::from_pkcs8(inner.expose()) {
                Ok(facts) => f = f.with_key(facts),
                Err(e) => f
                    .notes
                    .push(unknown(format!("the decrypted key is not PKCS#8 ({e})"))),
            },
            Err(DecryptError::WrongPassphrase) => {
                f.notes.push(unknown("the algorithm is unknown".to_owned()));
                f.notes.push(Finding::new(
                    "decryption-failed",
                    Severity::Warning,
                    "the passphrase does not decrypt this key (or the file is corrupt)".to_owned(),
                ));
            }
            Err(DecryptError::Unsupported(what)) => f
                .notes
                .push(unknown(format!("discovery cannot decrypt {what}"))),
        },
    }
    Ok(f)
}

fn legacy_encrypted(label: &str, headers: &[(String, String)]) -> Found {
    let (alg, format) = match label {
        "RSA PRIVATE KEY" => (KeyAlg::Rsa(None), "legacy encrypted PEM (PKCS#1)"),
        "EC PRIVATE KEY" => (KeyAlg::Ec(None), "legacy encrypted PEM (SEC1)"),
        _ => (KeyAlg::Dsa(None), "legacy encrypted PEM (DSA)"),
    };
    let cipher = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("DEK-Info"))
        .and_then(|(_, v)| v.split(',').next())
        .unwrap_or("unknown cipher")
        .to_owned();
    let mut f = Found::new(Kind::PrivateKey, format, "PEM");
    f.alg = Some(alg);
    f.encrypted = true;
    f.encryption = Some(format!(
        "legacy PEM encryption ({cipher}, MD5-based key derivation)"
    ));
    f.notes.push(Finding::new(
        "weak-key-encryption",
        Severity::Warning,
        format!(
            "legacy PEM encryption ({cipher}) derives its key with a single MD5 round; the key \
             size is unknown until decrypted. Re-encrypt as PKCS#8: openssl pkcs8 -topk8 -v2 \
             aes-256-cbc"
        ),
    ));
    f
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

    #[test]
    fn text_without_keys_and_binary_noise_find_nothing() {
        let parsed = parse_file(b"hello\nworld\n", None);
        assert!(parsed.found.is_empty() && parsed.problems.is_empty());
        let noise: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        assert!(parse_file(&noise, None).found.is_empty());
        let mut der_like = noise.clone();
        der_like[0] = 0x30;
        assert!(parse_file(&der_like, None).found.is_empty());
    }

    #[test]
    fn broken_blocks_are_problems_not_panics() {
        let text = "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n\
                    -----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n\
                    -----BEGIN CERTIFICATE-----\nMAA=\n";
        let parsed = parse_file(text.as_bytes(), None);
        assert!(parsed.found.is_empty());
        assert_eq!(parsed.problems.len(), 3, "{:?}", parsed.problems);
        assert!(parsed.problems[0].starts_with("PEM block 1 (PRIVATE KEY): bad base64"));
        assert!(parsed.problems[2].contains("no END line"));
    }

    #[test]
    fn legacy_encrypted_pem_is_reported() {
        let text = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\
                    DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n\
                    -----END RSA PRIVATE KEY-----\n";
        let parsed = parse_file(text.as_bytes(), None);
        let f = &parsed.found[0];
        assert_eq!(f.alg, Some(KeyAlg::Rsa(None)));
        assert!(f.encrypted);
        assert!(f.encryption.as_deref().unwrap().contains("AES-256-CBC"));
        assert_eq!(f.notes[0].code, "weak-key-encryption");
    }
}
