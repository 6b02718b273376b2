//! keyhaven's self-describing formats for ciphertexts, signatures, MAC tags and KEM
//! ciphertexts (documented in docs/FORMATS.md).
//!
//! ```text
//! ciphertext : "KHC" | fmt=1 | key id (16) | key version (u32 BE) | provider ciphertext
//! signature  : "KHS" | fmt=1 | key version (u32 BE) | scheme id (1) | raw signature
//! mac        : "KHM" | fmt=1 | key version (u32 BE) | raw tag
//! kem        : "KHK" | fmt=1 | key id (16) | key version (u32 BE) | raw KEM ciphertext
//! ```
//! For ciphertexts the whole header is authenticated: it is prepended to the caller's
//! associated data (AES-GCM AAD, RSA-OAEP label), so a changed key id or version fails.

use uuid::Uuid;

use crate::crypto::SignatureScheme;
use crate::error::Error;
use crate::model::KeyId;

const FORMAT: u8 = 1;
const CIPHERTEXT: &[u8; 3] = b"KHC";
const SIGNATURE: &[u8; 3] = b"KHS";
const MAC: &[u8; 3] = b"KHM";
const KEM: &[u8; 3] = b"KHK";

/// Length of a ciphertext (or KEM) header.
pub const CIPHERTEXT_HEADER_LEN: usize = 3 + 1 + 16 + 4;

/// Header of a ciphertext: which key and version made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CiphertextHeader {
    /// The key.
    pub key_id: KeyId,
    /// The version.
    pub version: u32,
}

impl CiphertextHeader {
    /// Serialised header.
    pub fn encode(&self) -> [u8; CIPHERTEXT_HEADER_LEN] {
        self.encode_with(CIPHERTEXT)
    }

    fn encode_with(&self, magic: &[u8; 3]) -> [u8; CIPHERTEXT_HEADER_LEN] {
        let mut out = [0u8; CIPHERTEXT_HEADER_LEN];
        let parts: [&[u8]; 4] = [
            magic,
            &[FORMAT],
            self.key_id.0.as_bytes(),
            &self.version.to_be_bytes(),
        ];
        let mut at = 0;
        for p in parts {
            for b in p {
                if let Some(slot) = out.get_mut(at) {
                    *slot = *b;
                }
                at += 1;
            }
        }
        out
    }

    /// The associated data given to the provider: header followed by the caller's AAD.
    pub fn aad(&self, caller_aad: &[u8]) -> Vec<u8> {
        let mut v = self.encode().to_vec();
        v.extend_from_slice(caller_aad);
        v
    }
}

fn split_header<'a>(
    magic: &[u8; 3],
    what: &str,
    data: &'a [u8],
) -> Result<(CiphertextHeader, &'a [u8]), Error> {
    let bad = || Error::DecryptionFailed(format!("not a keyhaven {what} (bad header)"));
    let (head, body) = data
        .split_at_checked(CIPHERTEXT_HEADER_LEN)
        .ok_or_else(bad)?;
    let (m, rest) = head.split_at_checked(3).ok_or_else(bad)?;
    if m != magic {
        return Err(bad());
    }
    let (fmt, rest) = rest.split_first().ok_or_else(bad)?;
    if *fmt != FORMAT {
        return Err(Error::DecryptionFailed(format!(
            "{what} format {fmt} is not supported by this server"
        )));
    }
    let (id, ver) = rest.split_at_checked(16).ok_or_else(bad)?;
    let id = Uuid::from_slice(id).map_err(|_| bad())?;
    let ver: [u8; 4] = ver.try_into().map_err(|_| bad())?;
    Ok((
        CiphertextHeader {
            key_id: KeyId(id),
            version: u32::from_be_bytes(ver),
        },
        body,
    ))
}

/// Builds a ciphertext from its header and the provider's output.
pub fn seal_ciphertext(header: &CiphertextHeader, body: &[u8]) -> Vec<u8> {
    let mut v = header.encode().to_vec();
    v.extend_from_slice(body);
    v
}

/// Splits a ciphertext into header and provider ciphertext.
pub fn open_ciphertext(data: &[u8]) -> Result<(CiphertextHeader, &[u8]), Error> {
    split_header(CIPHERTEXT, "ciphertext", data)
}

/// Builds a KEM ciphertext.
pub fn seal_kem(header: &CiphertextHeader, body: &[u8]) -> Vec<u8> {
    let mut v = header.encode_with(KEM).to_vec();
    v.extend_from_slice(body);
    v
}

/// Splits a KEM ciphertext.
pub fn open_kem(data: &[u8]) -> Result<(CiphertextHeader, &[u8]), Error> {
    split_header(KEM, "KEM ciphertext", data)
}

fn versioned(magic: &[u8; 3], version: u32, extra: &[u8], body: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(8 + extra.len() + body.len());
    v.extend_from_slice(magic);
    v.push(FORMAT);
    v.extend_from_slice(&version.to_be_bytes());
    v.extend_from_slice(extra);
    v.extend_from_slice(body);
    v
}

fn split_versioned<'a>(magic: &[u8; 3], data: &'a [u8]) -> Option<(u32, &'a [u8])> {
    let (m, rest) = data.split_at_checked(3)?;
    if m != magic {
        return None;
    }
    let (fmt, rest) = rest.split_first()?;
    if *fmt != FORMAT {
        return None;
    }
    let (ver, rest) = rest.split_at_checked(4)?;
    let ver: [u8; 4] = ver.try_into().ok()?;
    Some((u32::from_be_bytes(ver), rest))
}

/// Builds a signature.
pub fn seal_signature(version: u32, scheme: SignatureScheme, raw: &[u8]) -> Vec<u8> {
    versioned(SIGNATURE, version, &[scheme.id()], raw)
}

/// Splits a signature into version, scheme and raw signature.
pub fn open_signature(data: &[u8]) -> Result<(u32, SignatureScheme, &[u8]), Error> {
    let bad = || {
        Error::InvalidRequest(
            "signature is not a keyhaven signature (bad header); pass the value sign returned"
                .to_owned(),
        )
    };
    let (version, rest) = split_versioned(SIGNATURE, data).ok_or_else(bad)?;
    let (id, raw) = rest.split_first().ok_or_else(bad)?;
    let scheme = SignatureScheme::from_id(*id).ok_or_else(bad)?;
    Ok((version, scheme, raw))
}

/// Builds a MAC tag.
pub fn seal_mac(version: u32, raw: &[u8]) -> Vec<u8> {
    versioned(MAC, version, &[], raw)
}

/// Splits a MAC tag into version and raw tag.
pub fn open_mac(data: &[u8]) -> Result<(u32, &[u8]), Error> {
    split_versioned(MAC, data).ok_or_else(|| {
        Error::InvalidRequest(
            "mac is not a keyhaven MAC tag (bad header); pass the value mac returned".to_owned(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciphertext_round_trip_and_garbage() {
        let h = CiphertextHeader {
            key_id: KeyId(Uuid::from_u128(0x0123_4567_89ab_cdef_0011_2233_4455_6677)),
            version: 7,
        };
        let ct = seal_ciphertext(&h, b"body");
        let (h2, body) = open_ciphertext(&ct).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(h2, h);
        assert_eq!(body, b"body");
        assert!(open_ciphertext(b"short").is_err());
        assert!(
            open_kem(&ct).is_err(),
            "a ciphertext is not a KEM ciphertext"
        );
        for n in 0..ct.len() {
            let _ = open_ciphertext(ct.get(..n).unwrap_or_default());
        }
    }

    #[test]
    fn signature_and_mac_round_trip() {
        let s = seal_signature(3, SignatureScheme::EcdsaSha256, b"sig");
        let (v, sch, raw) = open_signature(&s).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            (v, sch, raw),
            (3, SignatureScheme::EcdsaSha256, &b"sig"[..])
        );
        let m = seal_mac(2, b"tag");
        assert_eq!(open_mac(&m).ok(), Some((2, &b"tag"[..])));
        assert!(open_mac(&s).is_err());
        assert!(open_signature(&m).is_err());
    }
}
