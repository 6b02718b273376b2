//! Secret byte strings: zeroized on drop, never printed.

use std::fmt;

use zeroize::{Zeroize, Zeroizing};

/// Secret bytes (key material, plaintext, shared secrets). Zeroized on drop; `Debug` prints only
/// the length.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Takes ownership of the bytes.
    pub fn new(bytes: Vec<u8>) -> SecretBytes {
        SecretBytes(Zeroizing::new(bytes))
    }
    /// Copies the bytes.
    pub fn from_slice(bytes: &[u8]) -> SecretBytes {
        SecretBytes::new(bytes.to_vec())
    }
    /// `len` zero bytes, to be filled.
    pub fn zeroed(len: usize) -> SecretBytes {
        SecretBytes::new(vec![0; len])
    }
    /// The secret.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
    /// The secret, writable.
    pub fn expose_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether it holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Vec<u8>> for SecretBytes {
    fn from(v: Vec<u8>) -> Self {
        SecretBytes::new(v)
    }
}

impl Zeroize for SecretBytes {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes({} bytes, redacted)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_bytes() {
        let s = SecretBytes::from_slice(b"hunter2");
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"));
        assert!(shown.contains("7 bytes"));
    }
}
