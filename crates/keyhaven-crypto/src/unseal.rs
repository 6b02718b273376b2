//! Software roots of trust: a root key held in memory ([`SoftwareRoot`]), wrapped at rest under
//! an unseal key, which comes from a passphrase (Argon2id, [`derive_unseal_key`]), from Shamir
//! shares (recombined by the server), or from the development key file.

use std::fmt;

use argon2::{Algorithm, Argon2, Params, Version};
use keyhaven_core::{CryptoError, CryptoProvider, RootKey, SecretBytes};

use crate::provider::SoftwareProvider;

/// Length of root and unseal keys.
pub const KEY_LEN: usize = 32;

/// Argon2id cost parameters, stored with the salt (non-secret).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Argon2Params {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Default for Argon2Params {
    /// 64 MiB, 3 passes, 1 lane: about 0.15 s on one core of the test machine, and
    /// RFC 9106's memory-constrained recommendation in memory and passes.
    fn default() -> Self {
        Argon2Params {
            memory_kib: 64 * 1024,
            iterations: 3,
            parallelism: 1,
        }
    }
}

/// The unseal key from a passphrase: Argon2id(passphrase, salt) → 32 bytes.
pub fn derive_unseal_key(
    passphrase: &[u8],
    salt: &[u8],
    params: Argon2Params,
) -> Result<SecretBytes, CryptoError> {
    if passphrase.is_empty() {
        return Err(CryptoError::InvalidInput(
            "the passphrase is empty".to_owned(),
        ));
    }
    let p = Params::new(
        params.memory_kib,
        params.iterations,
        params.parallelism,
        Some(KEY_LEN),
    )
    .map_err(|e| CryptoError::InvalidInput(format!("Argon2id parameters: {e}")))?;
    let mut out = SecretBytes::zeroed(KEY_LEN);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, p)
        .hash_password_into(passphrase, salt, out.expose_mut())
        .map_err(|e| CryptoError::InvalidInput(format!("Argon2id: {e}")))?;
    Ok(out)
}

fn root_aad(generation: u32) -> Vec<u8> {
    let mut aad = b"keyhaven-root-key-v1".to_vec();
    aad.extend_from_slice(&generation.to_be_bytes());
    aad
}

/// Wraps a root key under the unseal key, bound to its generation.
pub fn wrap_root_key(
    unseal_key: &SecretBytes,
    generation: u32,
    root: &SecretBytes,
) -> Result<Vec<u8>, CryptoError> {
    SoftwareProvider::new().seal(unseal_key, &root_aad(generation), root.expose())
}

/// Unwraps a root key; [`CryptoError::AuthenticationFailed`] when the unseal key is wrong.
pub fn unwrap_root_key(
    unseal_key: &SecretBytes,
    generation: u32,
    wrapped: &[u8],
) -> Result<SecretBytes, CryptoError> {
    let root = SoftwareProvider::new().unseal(unseal_key, &root_aad(generation), wrapped)?;
    if root.len() != KEY_LEN {
        return Err(CryptoError::InvalidKeyMaterial(
            "the stored root key has the wrong length".to_owned(),
        ));
    }
    Ok(root)
}

/// A root key in memory (zeroized on drop). Wraps with AES-256-GCM.
pub struct SoftwareRoot {
    generation: u32,
    key: SecretBytes,
}

impl fmt::Debug for SoftwareRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoftwareRoot")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl SoftwareRoot {
    /// A root key of `generation` from 32 bytes.
    pub fn new(generation: u32, key: SecretBytes) -> Result<SoftwareRoot, CryptoError> {
        if key.len() != KEY_LEN {
            return Err(CryptoError::InvalidKeyMaterial(format!(
                "a root key is {KEY_LEN} bytes"
            )));
        }
        Ok(SoftwareRoot { generation, key })
    }

    /// A new random root key.
    pub fn generate(generation: u32) -> Result<SoftwareRoot, CryptoError> {
        let mut key = SecretBytes::zeroed(KEY_LEN);
        SoftwareProvider::new().random(key.expose_mut())?;
        SoftwareRoot::new(generation, key)
    }

    /// The key itself, to wrap it under the unseal key.
    pub fn secret(&self) -> &SecretBytes {
        &self.key
    }
}

impl RootKey for SoftwareRoot {
    fn generation(&self) -> u32 {
        self.generation
    }
    fn wrap(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        SoftwareProvider::new().seal(&self.key, aad, plaintext)
    }
    fn unwrap(&self, aad: &[u8], wrapped: &[u8]) -> Result<SecretBytes, CryptoError> {
        SoftwareProvider::new().unseal(&self.key, aad, wrapped)
    }
    fn describe(&self) -> String {
        format!("software (generation {})", self.generation)
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

    const FAST: Argon2Params = Argon2Params {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };

    #[test]
    fn passphrase_derivation_is_deterministic_and_salted() {
        let a = derive_unseal_key(b"correct horse", b"0123456789abcdef", FAST).unwrap();
        let b = derive_unseal_key(b"correct horse", b"0123456789abcdef", FAST).unwrap();
        let c = derive_unseal_key(b"correct horse", b"fedcba9876543210", FAST).unwrap();
        let d = derive_unseal_key(b"correct horsf", b"0123456789abcdef", FAST).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert_eq!(a.len(), 32);
        assert!(derive_unseal_key(b"", b"0123456789abcdef", FAST).is_err());
        let bad = Argon2Params {
            memory_kib: 1,
            ..FAST
        };
        assert!(derive_unseal_key(b"x", b"0123456789abcdef", bad).is_err());
    }

    #[test]
    fn root_key_wrapping_binds_generation_and_unseal_key() {
        let u = derive_unseal_key(b"pw", b"0123456789abcdef", FAST).unwrap();
        let other = derive_unseal_key(b"pw2", b"0123456789abcdef", FAST).unwrap();
        let root = SoftwareRoot::generate(3).unwrap();
        let wrapped = wrap_root_key(&u, 3, root.secret()).unwrap();
        assert_eq!(unwrap_root_key(&u, 3, &wrapped).unwrap(), *root.secret());
        assert_eq!(
            unwrap_root_key(&other, 3, &wrapped).err(),
            Some(CryptoError::AuthenticationFailed)
        );
        assert_eq!(
            unwrap_root_key(&u, 4, &wrapped).err(),
            Some(CryptoError::AuthenticationFailed)
        );
        let kek = [7u8; 32];
        let w = root.wrap(b"aad", &kek).unwrap();
        assert_eq!(root.unwrap(b"aad", &w).unwrap().expose(), &kek);
        assert!(root.unwrap(b"other", &w).is_err());
        assert!(!format!("{root:?}").contains("key:"));
        assert!(SoftwareRoot::new(1, SecretBytes::zeroed(16)).is_err());
    }
}
