//! Caller-framed cryptography for KMIP: the caller chooses mode, padding, IV and hash and gets
//! the raw cipher output back. The same gate as keyhaven's own operations applies (role,
//! algorithm, usage mask, lifecycle state, usage window); the primary version is used.

use crate::access::Caller;
use crate::algorithm::Operation;
use crate::cipher::{CipherOutput, CipherParams, HashAlgorithm, SignParams};
use crate::error::{Error, Result};
use crate::model::KeyId;
use crate::secret::SecretBytes;
use crate::service::KeyService;

/// Largest input a caller-framed operation accepts (bytes).
pub const MAX_FRAMED_INPUT: usize = 1024 * 1024;

fn check_len(data: &[u8]) -> Result<()> {
    if data.len() > MAX_FRAMED_INPUT {
        return Err(Error::InvalidRequest(format!(
            "data is limited to {MAX_FRAMED_INPUT} bytes per operation"
        )));
    }
    Ok(())
}

impl KeyService {
    /// The handle of the key's primary version, once the gate allowed `op`.
    async fn primary(
        &self,
        caller: &Caller,
        id: KeyId,
        op: Operation,
    ) -> Result<std::sync::Arc<dyn crate::crypto::KeyHandle>> {
        let entry = self.gate(caller, id, op, false).await?;
        self.handle(caller, &entry, entry.key.primary_version).await
    }

    /// Encrypts with the key's primary version and the caller's parameters.
    pub async fn encrypt_framed(
        &self,
        caller: &Caller,
        id: KeyId,
        params: &CipherParams<'_>,
        plaintext: &[u8],
    ) -> Result<CipherOutput> {
        check_len(plaintext)?;
        let handle = self.primary(caller, id, Operation::Encrypt).await?;
        Ok(handle.encrypt_with(params, plaintext)?)
    }

    /// Wraps `material` (another key's, already exported by the caller) with this key's
    /// primary version: needs the wrap-key usage, not encrypt.
    pub async fn wrap_framed(
        &self,
        caller: &Caller,
        id: KeyId,
        params: &CipherParams<'_>,
        material: &[u8],
    ) -> Result<CipherOutput> {
        check_len(material)?;
        let handle = self.primary(caller, id, Operation::WrapKey).await?;
        Ok(handle.encrypt_with(params, material)?)
    }

    /// Decrypts with the key's primary version and the caller's parameters.
    pub async fn decrypt_framed(
        &self,
        caller: &Caller,
        id: KeyId,
        params: &CipherParams<'_>,
        ciphertext: &[u8],
        tag: Option<&[u8]>,
    ) -> Result<SecretBytes> {
        check_len(ciphertext)?;
        let handle = self.primary(caller, id, Operation::Decrypt).await?;
        handle
            .decrypt_with(params, ciphertext, tag)
            .map_err(|e| match e {
                crate::crypto::CryptoError::AuthenticationFailed => Error::DecryptionFailed(
                    "the ciphertext, IV, tag or additional data do not match this key".to_owned(),
                ),
                other => other.into(),
            })
    }

    /// Signs a message (or a digest, `params.prehashed`) with the primary version.
    pub async fn sign_framed(
        &self,
        caller: &Caller,
        id: KeyId,
        params: &SignParams,
        data: &[u8],
    ) -> Result<Vec<u8>> {
        check_len(data)?;
        let handle = self.primary(caller, id, Operation::Sign).await?;
        Ok(handle.sign_with(params, data)?)
    }

    /// Verifies a signature with the primary version; `Ok(false)` when it does not verify.
    pub async fn verify_framed(
        &self,
        caller: &Caller,
        id: KeyId,
        params: &SignParams,
        data: &[u8],
        signature: &[u8],
    ) -> Result<bool> {
        check_len(data)?;
        let handle = self.primary(caller, id, Operation::Verify).await?;
        Ok(handle.verify_with(params, data, signature)?)
    }

    /// HMAC with the primary version.
    pub async fn mac_framed(
        &self,
        caller: &Caller,
        id: KeyId,
        hash: Option<HashAlgorithm>,
        data: &[u8],
    ) -> Result<Vec<u8>> {
        check_len(data)?;
        let handle = self.primary(caller, id, Operation::MacGenerate).await?;
        Ok(handle.mac_with(hash, data)?)
    }

    /// Checks an HMAC (constant time) with the primary version.
    pub async fn mac_verify_framed(
        &self,
        caller: &Caller,
        id: KeyId,
        hash: Option<HashAlgorithm>,
        data: &[u8],
        tag: &[u8],
    ) -> Result<bool> {
        check_len(data)?;
        let handle = self.primary(caller, id, Operation::MacVerify).await?;
        Ok(handle.mac_verify_with(hash, data, tag)?)
    }

    /// Derives `len` bytes from the key's primary version (derive-key usage).
    pub async fn derive_framed(
        &self,
        caller: &Caller,
        id: KeyId,
        derivation: &crate::cipher::Derivation<'_>,
        len: usize,
    ) -> Result<SecretBytes> {
        let handle = self.primary(caller, id, Operation::DeriveKey).await?;
        Ok(handle.derive(derivation, len)?)
    }

    /// `len` bytes from the provider's random generator (KMIP RNG Retrieve); any
    /// authenticated caller.
    pub fn random_bytes(&self, caller: &Caller, len: usize) -> Result<SecretBytes> {
        caller.with_note(|n| n.action = Some("rng.retrieve"));
        if len == 0 || len > 64 * 1024 {
            return Err(Error::InvalidRequest(
                "random data is 1 to 65536 bytes per request".to_owned(),
            ));
        }
        let mut out = SecretBytes::zeroed(len);
        self.crypto.random(out.expose_mut())?;
        Ok(out)
    }
}
