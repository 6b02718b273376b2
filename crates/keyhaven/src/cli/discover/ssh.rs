//! OpenSSH keys: public key lines (`.pub` files, `authorized_keys` with options, `known_hosts`)
//! and the `openssh-key-v1` private key container, whose public part is never encrypted.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;

use super::alg::{self, Curve, KeyAlg};
use super::keys;

/// Key types recognised on a public key line.
const TYPES: [&str; 8] = [
    "ssh-rsa",
    "ssh-dss",
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
];

/// Longest line looked at (an RSA-16384 key line is about 2.8 KiB).
const MAX_LINE: usize = 16 * 1024;

/// An OpenSSH public key.
#[derive(Clone, Debug)]
pub struct SshKey {
    /// The key type as written (`ssh-ed25519`).
    pub key_type: String,
    /// Algorithm and size.
    pub alg: KeyAlg,
    /// The same key as a SubjectPublicKeyInfo.
    pub spki: Option<Vec<u8>>,
    /// `SHA256:...` as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    /// The comment after the key, if any.
    pub comment: Option<String>,
}

/// The `openssh-key-v1` container.
#[derive(Clone, Debug)]
pub struct OpensshPrivate {
    /// `none`, or the cipher protecting the private part (`aes256-ctr`).
    pub cipher: String,
    /// The first key's public part.
    pub public: SshKey,
}

/// Finds the public key on a line, if there is one.
pub fn public_key_line(line: &str) -> Option<SshKey> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') || line.len() > MAX_LINE {
        return None;
    }
    let tokens: Vec<(usize, &str)> = tokens(line);
    for (i, &(_, token)) in tokens.iter().enumerate() {
        if !TYPES.contains(&token) {
            continue;
        }
        let Some(&(start, b64)) = tokens.get(i + 1) else {
            continue;
        };
        let Ok(blob) = STANDARD.decode(b64) else {
            continue;
        };
        let Ok(mut key) = from_blob(&blob) else {
            continue;
        };
        if key.key_type != token {
            continue;
        }
        let comment = line
            .get(start + b64.len()..)
            .map(str::trim)
            .filter(|c| !c.is_empty());
        key.comment = comment.map(str::to_owned);
        return Some(key);
    }
    None
}

/// Whitespace-separated tokens with their byte offsets; a double-quoted stretch (an
/// `authorized_keys` option value) does not split.
fn tokens(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        if c == '"' {
            quoted = !quoted;
        }
        if c.is_whitespace() && !quoted {
            if let Some(s) = start.take() {
                out.push((s, line.get(s..i).unwrap_or_default()));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, line.get(s..).unwrap_or_default()));
    }
    out
}

/// Parses the body (base64-decoded) of an `OPENSSH PRIVATE KEY` block.
pub fn private_container(body: &[u8]) -> Result<OpensshPrivate, &'static str> {
    let mut r = body
        .strip_prefix(b"openssh-key-v1\0")
        .map(Wire)
        .ok_or("not an openssh-key-v1 container")?;
    let cipher = String::from_utf8_lossy(r.string()?).into_owned();
    let _kdf = r.string()?;
    let _kdf_options = r.string()?;
    let count = r.u32()?;
    if count == 0 {
        return Err("no key in the container");
    }
    let public = from_blob(r.string()?)?;
    Ok(OpensshPrivate { cipher, public })
}

/// Parses a public key blob (RFC 4253 section 6.6, RFC 5656, RFC 8709).
pub fn from_blob(blob: &[u8]) -> Result<SshKey, &'static str> {
    let mut r = Wire(blob);
    let key_type = String::from_utf8_lossy(r.string()?).into_owned();
    let (alg, spki) = match key_type.as_str() {
        "ssh-rsa" => {
            let e = r.string()?;
            let n = r.string()?;
            let bits = super::der::uint_bits(n);
            (KeyAlg::Rsa(Some(bits)), Some(keys::rsa_spki(n, e)))
        }
        "ssh-dss" => {
            let (p, q, g, y) = (r.string()?, r.string()?, r.string()?, r.string()?);
            let bits = super::der::uint_bits(p);
            (KeyAlg::Dsa(Some(bits)), Some(keys::dsa_spki(p, q, g, y)))
        }
        "ssh-ed25519" | "sk-ssh-ed25519@openssh.com" => {
            let public = r.string()?;
            if public.len() != 32 {
                return Err("bad Ed25519 key length");
            }
            (KeyAlg::Ed25519, Some(keys::raw_spki(alg::ED25519, public)))
        }
        t if t.starts_with("ecdsa-sha2-") || t == "sk-ecdsa-sha2-nistp256@openssh.com" => {
            let curve = match r.string()? {
                b"nistp256" => Curve::P256,
                b"nistp384" => Curve::P384,
                b"nistp521" => Curve::P521,
                _ => return Err("unknown ECDSA curve"),
            };
            let point = r.string()?;
            let spki = keys::ec_spki(&curve, point);
            (KeyAlg::Ec(Some(curve)), spki)
        }
        _ => return Err("unknown key type"),
    };
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, blob);
    Ok(SshKey {
        key_type,
        alg,
        spki,
        fingerprint: format!("SHA256:{}", STANDARD_NO_PAD.encode(digest.as_ref())),
        comment: None,
    })
}

/// The SSH wire encoding: big-endian u32 lengths before byte strings.
struct Wire<'a>(&'a [u8]);

impl<'a> Wire<'a> {
    fn u32(&mut self) -> Result<u32, &'static str> {
        let (head, rest) = self.0.split_first_chunk::<4>().ok_or("truncated")?;
        self.0 = rest;
        Ok(u32::from_be_bytes(*head))
    }

    fn string(&mut self) -> Result<&'a [u8], &'static str> {
        let len = usize::try_from(self.u32()?).map_err(|_| "truncated")?;
        if len > self.0.len() {
            return Err("truncated");
        }
        let (s, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(s)
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

    fn blob(parts: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in parts {
            out.extend_from_slice(&(p.len() as u32).to_be_bytes());
            out.extend_from_slice(p);
        }
        out
    }

    #[test]
    fn lines_with_options_and_comments() {
        let b = STANDARD.encode(blob(&[b"ssh-ed25519", &[5u8; 32]]));
        let key = public_key_line(&format!("ssh-ed25519 {b} alice@host")).unwrap();
        assert_eq!(key.alg, KeyAlg::Ed25519);
        assert_eq!(key.comment.as_deref(), Some("alice@host"));
        assert!(key.fingerprint.starts_with("SHA256:"));
        let key = public_key_line(&format!(
            "command=\"echo ssh-rsa hi\",no-pty ssh-ed25519 {b}"
        ))
        .unwrap();
        assert_eq!(key.key_type, "ssh-ed25519");
        assert_eq!(key.comment, None);
        let known_host = public_key_line(&format!("host.example,10.0.0.1 ssh-ed25519 {b}"));
        assert!(known_host.is_some());
        // The type on the line must match the blob's.
        assert!(public_key_line(&format!("ssh-rsa {b}")).is_none());
        assert!(public_key_line("# ssh-ed25519 AAAA").is_none());
        assert!(public_key_line("ssh-ed25519 not-base64!").is_none());
    }

    #[test]
    fn rsa_and_ecdsa_blobs() {
        let mut n = vec![0u8];
        n.extend([0xc5; 256]);
        let key = from_blob(&blob(&[b"ssh-rsa", &[1, 0, 1], &n])).unwrap();
        assert_eq!(key.alg, KeyAlg::Rsa(Some(2048)));
        let facts = keys::from_spki(key.spki.as_deref().unwrap()).unwrap();
        assert_eq!(facts.alg, KeyAlg::Rsa(Some(2048)));
        let mut point = vec![4u8];
        point.extend([1u8; 64]);
        let key = from_blob(&blob(&[b"ecdsa-sha2-nistp256", b"nistp256", &point])).unwrap();
        assert_eq!(key.alg, KeyAlg::Ec(Some(Curve::P256)));
        assert!(from_blob(&blob(&[b"ssh-rsa", &[1]])).is_err());
        assert!(from_blob(b"\xff\xff\xff\xff").is_err());
    }

    #[test]
    fn private_container_reveals_the_public_key() {
        let public = blob(&[b"ssh-ed25519", &[5u8; 32]]);
        let mut body = b"openssh-key-v1\0".to_vec();
        body.extend(blob(&[b"aes256-ctr", b"bcrypt", b"opts"]));
        body.extend(1u32.to_be_bytes());
        body.extend(blob(&[&public, b"encrypted"]));
        let c = private_container(&body).unwrap();
        assert_eq!(c.cipher, "aes256-ctr");
        assert_eq!(c.public.alg, KeyAlg::Ed25519);
        assert!(private_container(b"openssh-key-v0\0").is_err());
    }
}
