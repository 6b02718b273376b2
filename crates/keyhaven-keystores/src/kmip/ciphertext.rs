//! The ciphertext format of the KMIP connector's `encrypt`: self-describing, so `decrypt` knows
//! the mode and where the IV and tag are.
//!
//! `0x01 || IV (16) || AES-CBC-PKCS5 ciphertext` (KMIP 1.2 and 1.3, where an Encrypt carries
//! no authentication tag) or `0x02 || nonce (12) || AES-GCM ciphertext || tag (16)` (KMIP 1.4
//! and later).

use keyhaven_core::keystore::KeystoreError;

/// The block cipher mode of one ciphertext.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// AES-CBC with PKCS#5 padding and a 16-byte IV.
    Cbc,
    /// AES-GCM with a 12-byte nonce and a 16-byte tag.
    Gcm,
}

/// One ciphertext, split.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Parts<'a> {
    /// The mode.
    pub mode: Mode,
    /// IV or nonce.
    pub iv: &'a [u8],
    /// The ciphertext proper.
    pub ciphertext: &'a [u8],
    /// The GCM tag.
    pub tag: Option<&'a [u8]>,
}

impl Mode {
    /// GCM tag length in bytes.
    pub const GCM_TAG_LEN: usize = 16;

    /// The IV length the connector sends.
    pub fn iv_len(self) -> usize {
        match self {
            Mode::Cbc => 16,
            Mode::Gcm => 12,
        }
    }

    fn code(self) -> u8 {
        match self {
            Mode::Cbc => 0x01,
            Mode::Gcm => 0x02,
        }
    }
}

/// `code || iv || ciphertext || tag`.
pub(super) fn join(mode: Mode, iv: &[u8], ciphertext: &[u8], tag: Option<&[u8]>) -> Vec<u8> {
    let tag = tag.unwrap_or_default();
    let mut out = Vec::with_capacity(1 + iv.len() + ciphertext.len() + tag.len());
    out.push(mode.code());
    out.extend_from_slice(iv);
    out.extend_from_slice(ciphertext);
    out.extend_from_slice(tag);
    out
}

/// Splits what [`join`] wrote.
pub(super) fn split(blob: &[u8]) -> Result<Parts<'_>, KeystoreError> {
    let bad = || {
        KeystoreError::Refused(
            "not a ciphertext of the KMIP keystore (unknown format or too short)".to_owned(),
        )
    };
    let (code, rest) = blob.split_first().ok_or_else(bad)?;
    let mode = [Mode::Cbc, Mode::Gcm]
        .into_iter()
        .find(|m| m.code() == *code)
        .ok_or_else(bad)?;
    let (iv, rest) = rest.split_at_checked(mode.iv_len()).ok_or_else(bad)?;
    let (ciphertext, tag) = match mode {
        Mode::Cbc => (rest, None),
        Mode::Gcm => {
            let cut = rest.len().checked_sub(Mode::GCM_TAG_LEN).ok_or_else(bad)?;
            let (ct, tag) = rest.split_at_checked(cut).ok_or_else(bad)?;
            (ct, Some(tag))
        }
    };
    if mode == Mode::Cbc && (ciphertext.is_empty() || ciphertext.len() % 16 != 0) {
        return Err(bad());
    }
    Ok(Parts {
        mode,
        iv,
        ciphertext,
        tag,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn join_and_split_agree() {
        let blob = join(Mode::Gcm, &[1; 12], b"abc", Some(&[9; 16]));
        let p = split(&blob).unwrap();
        assert_eq!(p.mode, Mode::Gcm);
        assert_eq!(p.iv, &[1; 12]);
        assert_eq!(p.ciphertext, b"abc");
        assert_eq!(p.tag, Some(&[9u8; 16][..]));
        let blob = join(Mode::Cbc, &[2; 16], &[3; 32], None);
        let p = split(&blob).unwrap();
        assert_eq!((p.mode, p.ciphertext.len(), p.tag), (Mode::Cbc, 32, None));
    }

    #[test]
    fn foreign_or_short_input_is_refused() {
        for blob in [
            &b""[..],
            &[0x03, 0, 0][..],
            &[0x01; 10][..],
            &[0x02; 20][..],
        ] {
            assert!(matches!(split(blob), Err(KeystoreError::Refused(_))));
        }
        // CBC ciphertext must be whole blocks.
        assert!(split(&join(Mode::Cbc, &[0; 16], &[0; 15], None)).is_err());
    }
}
