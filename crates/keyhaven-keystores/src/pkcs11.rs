//! The PKCS#11 keystore: AES keys as token objects in one HSM token, through the token's
//! PKCS#11 module (`cryptoki`).
//!
//! - Settings `{"module": "/path/to/module.so", "token_label": "..."}`; credentials
//!   `{"pin": "..."}` (the token's user PIN).
//! - One key version is one `CKO_SECRET_KEY`/`CKK_AES` token object whose `CKA_LABEL` and
//!   `CKA_ID` are the request's label; the label is also its remote id. Pushed material goes in
//!   with `C_CreateObject` (`CKA_VALUE`), generated keys come from `C_GenerateKey`. Either way
//!   the object is private, sensitive, not extractable, and may only encrypt and decrypt.
//! - Enabled means `CKA_ENCRYPT` true: disabling clears it with `C_SetAttributeValue` while
//!   `CKA_DECRYPT` stays true, so data encrypted earlier can still be read.
//! - Deletion is `C_DestroyObject`: immediate, no pending period, nothing to cancel.
//! - Encryption is `CKM_AES_GCM` in the token; the output is `12-byte IV || ciphertext || tag`.
//!
//! The module is loaded and `C_Initialize`d once per process (shared with the root key, see
//! [`keyhaven_crypto::pkcs11::context`]). Each connector keeps one logged-in R/W session behind
//! a mutex and reopens it once when it is lost. PKCS#11 calls block, so every trait method runs
//! them on tokio's blocking pool.
//!
//! Login state belongs to the process, per token: while another session of this process is
//! logged in to the same token, `C_Login` answers `CKR_USER_ALREADY_LOGGED_IN` whatever the PIN,
//! so a wrong PIN is only detected when no other session of the process is logged in there.
//!
//! Nothing secret (PIN, key material, plaintext) appears in an error or in `Debug` output.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use cryptoki::session::{Session, SessionState};
use keyhaven_core::keystore::{
    Capabilities, CreateRequest, Keystore, KeystoreError, KeystoreKind, RemoteKey, RemoteState,
    RemoteView,
};
use keyhaven_core::{KeyAlgorithm, SecretBytes};
use serde::Deserialize;
use time::OffsetDateTime;

use self::credentials::parse_pin;
use self::objects::{find_key, gcm_decrypt, gcm_encrypt, read_facts, set_encrypt, Wanted};
use self::session::{call, Fail, Token};

mod credentials;
mod objects;
mod session;

/// Longest token label PKCS#11 stores (`CK_TOKEN_INFO.label` is 32 bytes, blank padded).
const MAX_TOKEN_LABEL_LEN: usize = 32;

/// A keystore in one PKCS#11 token: AES key versions as non-extractable token objects.
pub struct Pkcs11Keystore {
    token: Arc<Token>,
}

/// The non-secret settings.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    module: PathBuf,
    token_label: String,
}

impl Pkcs11Keystore {
    /// Parses the settings (`{"module": ..., "token_label": ...}`) and credentials
    /// (`{"pin": ...}`). Unknown or missing fields are refused with [`KeystoreError::Config`]
    /// naming the field (never a credential's value). The module is loaded on first use.
    pub fn new(
        settings: &serde_json::Value,
        credentials: &SecretBytes,
    ) -> Result<Self, KeystoreError> {
        let settings = Settings::deserialize(settings).map_err(|e| {
            KeystoreError::Config(format!(
                "pkcs11 settings: {e}; expected {{\"module\": \"/path/to/module.so\", \
                 \"token_label\": \"...\"}}"
            ))
        })?;
        if !settings.module.is_file() {
            return Err(KeystoreError::Config(format!(
                "pkcs11 settings: module \"{}\" is not a file; give the path of the HSM's \
                 PKCS#11 library (for SoftHSM2, libsofthsm2.so)",
                settings.module.display()
            )));
        }
        let label = settings.token_label;
        if label.is_empty() || label.len() > MAX_TOKEN_LABEL_LEN {
            return Err(KeystoreError::Config(format!(
                "pkcs11 settings: token_label must be 1 to {MAX_TOKEN_LABEL_LEN} bytes, got {}",
                label.len()
            )));
        }
        let pin = parse_pin(credentials)?;
        Ok(Pkcs11Keystore {
            token: Arc::new(Token {
                module: settings.module,
                label,
                pin,
                session: Mutex::new(None),
            }),
        })
    }

    /// Runs `op` on the token's logged-in session, on tokio's blocking pool.
    async fn run<T, F>(&self, op: F) -> Result<T, KeystoreError>
    where
        T: Send + 'static,
        F: Fn(&Session) -> Result<T, Fail> + Send + 'static,
    {
        let token = Arc::clone(&self.token);
        tokio::task::spawn_blocking(move || token.with_session(op))
            .await
            .map_err(|e| {
                KeystoreError::Unreachable(format!("the PKCS#11 worker task failed: {e}"))
            })?
    }
}

impl fmt::Debug for Pkcs11Keystore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Keystore")
            .field("module", &self.token.module)
            .field("token_label", &self.token.label)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Keystore for Pkcs11Keystore {
    fn kind(&self) -> KeystoreKind {
        KeystoreKind::Pkcs11
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            push: true,
            generate: true,
            reenable: true,
            pending_days: None,
        }
    }

    async fn test_connection(&self) -> Result<(), KeystoreError> {
        self.run(|session| {
            let info = session
                .get_session_info()
                .map_err(call("reading the session information"))?;
            if info.session_state() == SessionState::RwUser {
                Ok(())
            } else {
                Err(Fail::Keystore(KeystoreError::Unauthorized(format!(
                    "the session is {:?} after logging in, not a read/write user session",
                    info.session_state()
                ))))
            }
        })
        .await
    }

    async fn create(&self, req: &CreateRequest<'_>) -> Result<RemoteKey, KeystoreError> {
        let key_len = aes_key_len(req.algorithm)?;
        if req.label.is_empty() {
            return Err(KeystoreError::Refused(
                "a key label must not be empty".into(),
            ));
        }
        let material = match req.material {
            Some(m) if m.len() != key_len => {
                return Err(KeystoreError::Refused(format!(
                    "{} needs {key_len} bytes of key material, got {}",
                    req.algorithm.name(),
                    m.len()
                )))
            }
            Some(m) => Some(m.clone()),
            None => None,
        };
        let wanted = Wanted {
            label: req.label.to_owned(),
            algorithm: req.algorithm,
            key_len,
            material,
            enabled: req.enabled,
        };
        self.run(move |session| wanted.create(session)).await
    }

    async fn describe(&self, remote_id: &str) -> Result<RemoteView, KeystoreError> {
        let label = remote_id.to_owned();
        self.run(move |session| {
            let Some(key) = find_key(session, &label)? else {
                return Ok(RemoteView {
                    state: RemoteState::Missing,
                    check_value: None,
                });
            };
            let facts = read_facts(session, key, &label)?;
            Ok(RemoteView {
                state: if facts.encrypt {
                    RemoteState::Enabled
                } else {
                    RemoteState::Disabled
                },
                check_value: facts.check_value,
            })
        })
        .await
    }

    async fn enable(&self, remote_id: &str) -> Result<(), KeystoreError> {
        let label = remote_id.to_owned();
        self.run(move |session| set_encrypt(session, &label, true))
            .await
    }

    async fn disable(&self, remote_id: &str) -> Result<(), KeystoreError> {
        let label = remote_id.to_owned();
        self.run(move |session| set_encrypt(session, &label, false))
            .await
    }

    async fn destroy(
        &self,
        remote_id: &str,
        _pending_days: u32,
    ) -> Result<Option<OffsetDateTime>, KeystoreError> {
        let label = remote_id.to_owned();
        self.run(move |session| {
            if let Some(key) = find_key(session, &label)? {
                session
                    .destroy_object(key)
                    .map_err(call(format!("destroying key \"{label}\"")))?;
            }
            Ok(None)
        })
        .await
    }

    async fn cancel_destroy(&self, _remote_id: &str) -> Result<(), KeystoreError> {
        Err(KeystoreError::Unsupported(
            "the pkcs11 keystore deletes keys at once (C_DestroyObject); there is no scheduled \
             deletion to cancel"
                .into(),
        ))
    }

    async fn encrypt(&self, remote_id: &str, plaintext: &[u8]) -> Result<Vec<u8>, KeystoreError> {
        let label = remote_id.to_owned();
        let plaintext = SecretBytes::from_slice(plaintext);
        self.run(move |session| gcm_encrypt(session, &label, plaintext.expose()))
            .await
    }

    async fn decrypt(
        &self,
        remote_id: &str,
        ciphertext: &[u8],
    ) -> Result<SecretBytes, KeystoreError> {
        let label = remote_id.to_owned();
        let ciphertext = ciphertext.to_vec();
        self.run(move |session| gcm_decrypt(session, &label, &ciphertext))
            .await
    }
}

/// The key length of an AES algorithm; other algorithms are not supported.
fn aes_key_len(algorithm: KeyAlgorithm) -> Result<usize, KeystoreError> {
    match algorithm {
        KeyAlgorithm::Aes128 => Ok(16),
        KeyAlgorithm::Aes192 => Ok(24),
        KeyAlgorithm::Aes256 => Ok(32),
        other => Err(KeystoreError::Unsupported(format!(
            "the pkcs11 keystore holds AES keys (aes-128, aes-192, aes-256), not {}",
            other.name()
        ))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_aes_is_supported() {
        assert_eq!(aes_key_len(KeyAlgorithm::Aes192), Ok(24));
        let err = aes_key_len(KeyAlgorithm::HmacSha256).unwrap_err();
        assert!(matches!(&err, KeystoreError::Unsupported(m) if m.contains("hmac-sha256")));
    }
}
