//! A remote KMIP server as a keystore: keyhaven is the KMIP *client*, speaking TTLV over TLS
//! 1.2/1.3 with a client certificate, with its own codec (`keyhaven-kmip`).
//!
//! Settings: `{"host", "port", "server_name" (name in the server certificate; default the
//! host), "ca_pem" (the CA of the server certificate), "version" ("1.0"-"1.4", "2.0", "2.1";
//! default "1.2")}`. Credentials: `{"client_cert_pem", "client_key_pem"}`.
//!
//! | keyhaven            | KMIP                                                          |
//! |---------------------|---------------------------------------------------------------|
//! | push                | Register a Symmetric Key (Raw), then Activate when enabled    |
//! | generate            | Create a Symmetric Key, then Activate when enabled            |
//! | describe            | Get Attributes (State), Get (key check value of the material) |
//! | disable             | Revoke, reason Cessation of Operation (→ Deactivated)         |
//! | enable              | Activate a Pre-Active object; a Deactivated one cannot return |
//! | destroy             | Revoke when Active, then Destroy (immediate)                  |
//! | encrypt / decrypt   | Encrypt / Decrypt: AES-CBC-PKCS5 (1.2, 1.3), AES-GCM (1.4+)   |
//! | test_connection     | Query (server information)                                    |
//!
//! KMIP has no way back from Deactivated to Active, so [`Capabilities::reenable`] is false:
//! reactivating a key makes the distribution create a new object. Each operation opens its own
//! TLS connection.

mod ciphertext;
mod config;
mod payloads;
mod session;

use async_trait::async_trait;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use keyhaven_core::keystore::{
    check_value, Capabilities, CreateRequest, Keystore, KeystoreError, KeystoreKind, RemoteKey,
    RemoteState, RemoteView,
};
use keyhaven_core::SecretBytes;
use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::dict::values::state;
use keyhaven_kmip::message::{op, ProtocolVersion};
use time::OffsetDateTime;

use ciphertext::Mode;
use config::Endpoint;
use session::{CallError, Session};

/// A connection to one KMIP server (see the module documentation).
pub struct KmipKeystore {
    endpoint: Endpoint,
}

impl KmipKeystore {
    /// Reads the settings and credentials (see the module documentation) and prepares the TLS
    /// configuration; nothing is sent until an operation. Errors name the field at fault.
    pub fn new(
        settings: &serde_json::Value,
        credentials: &SecretBytes,
    ) -> Result<Self, KeystoreError> {
        Ok(Self {
            endpoint: config::endpoint(settings, credentials)?,
        })
    }

    fn version(&self) -> ProtocolVersion {
        self.endpoint.version
    }

    async fn session(&self) -> Result<Session, KeystoreError> {
        Session::open(&self.endpoint).await
    }

    /// The object's KMIP State, `None` when the server does not know it.
    async fn state(&self, s: &mut Session, id: &str) -> Result<Option<u32>, KeystoreError> {
        match s
            .call(op::GET_ATTRIBUTES, payloads::get_state(self.version(), id)?)
            .await
        {
            Ok(payload) => payloads::read_state(&payload).map(Some),
            Err(CallError::Failed(f)) if f.is_not_found() => Ok(None),
            Err(e) => Err(e.into_error(id)),
        }
    }

    /// The state of an object that must exist.
    async fn existing_state(&self, s: &mut Session, id: &str) -> Result<u32, KeystoreError> {
        self.state(s, id)
            .await?
            .ok_or_else(|| KeystoreError::NotFound(format!("KMIP object {id}")))
    }

    async fn simple(
        &self,
        s: &mut Session,
        operation: u32,
        payload: Vec<keyhaven_kmip::ttlv::Ttlv>,
        id: &str,
    ) -> Result<(), KeystoreError> {
        s.call(operation, payload)
            .await
            .map(drop)
            .map_err(|e| e.into_error(id))
    }

    /// The key check value of the object's material, when the server hands it out (`None`
    /// when it refuses a Get or the key is not a plain AES key).
    async fn fetch_check_value(
        &self,
        s: &mut Session,
        id: &str,
    ) -> Result<Option<String>, KeystoreError> {
        match s.call(op::GET, payloads::get(id)).await {
            Ok(payload) => Ok(payloads::read_aes_key(&payload)
                .and_then(|(algorithm, key)| check_value(algorithm, &key))),
            Err(CallError::Failed(_)) => Ok(None),
            Err(CallError::Keystore(e)) => Err(e),
        }
    }

    /// The error for an Encrypt or Decrypt the server refused: when the object is not Active,
    /// `Refused` saying so (PyKMIP answers Permission Denied in that case).
    async fn crypto_refusal(
        &self,
        s: &mut Session,
        id: &str,
        operation: &str,
        failure: session::Failure,
    ) -> KeystoreError {
        if failure.may_be_state() {
            if let Ok(Some(st)) = self.state(s, id).await {
                if st != state::ACTIVE {
                    return KeystoreError::Refused(format!(
                        "KMIP object {id} is {}; {operation} needs an Active object",
                        state_name(st)
                    ));
                }
            }
        }
        failure.into_error(id)
    }

    /// Revokes (when Active) and destroys; an unknown object is already gone.
    async fn remove(&self, s: &mut Session, id: &str) -> Result<(), KeystoreError> {
        let Some(st) = self.state(s, id).await? else {
            return Ok(());
        };
        match st {
            state::DESTROYED | state::DESTROYED_COMPROMISED => return Ok(()),
            state::ACTIVE => match s.call(op::REVOKE, payloads::revoke(id)).await {
                Ok(_) => {}
                Err(CallError::Failed(f)) if f.is_not_found() => return Ok(()),
                Err(e) => return Err(e.into_error(id)),
            },
            _ => {}
        }
        match s.call(op::DESTROY, payloads::object(id)).await {
            Ok(_) => Ok(()),
            Err(CallError::Failed(f)) if f.is_not_found() => Ok(()),
            Err(e) => Err(e.into_error(id)),
        }
    }

    /// The mode of new ciphertexts: GCM needs the authentication tag fields of KMIP 1.4.
    fn mode(&self) -> Result<Mode, KeystoreError> {
        let v = self.version();
        if v < ProtocolVersion::V1_2 {
            return Err(KeystoreError::Unsupported(format!(
                "KMIP {v} has no Encrypt/Decrypt operations (configure version 1.2 or later)"
            )));
        }
        Ok(if v >= ProtocolVersion::V1_4 {
            Mode::Gcm
        } else {
            Mode::Cbc
        })
    }
}

/// How keyhaven reads a KMIP State.
fn remote_state(st: u32) -> RemoteState {
    match st {
        state::ACTIVE => RemoteState::Enabled,
        state::DESTROYED | state::DESTROYED_COMPROMISED => RemoteState::Destroyed,
        // Pre-Active, Deactivated, Compromised (and anything newer): not usable.
        _ => RemoteState::Disabled,
    }
}

fn state_name(st: u32) -> String {
    keyhaven_kmip::dict::enum_name(tag::STATE, st)
        .map_or_else(|| format!("in state 0x{st:X}"), str::to_owned)
}

fn random(len: usize) -> Result<Vec<u8>, KeystoreError> {
    let mut iv = vec![0u8; len];
    SystemRandom::new()
        .fill(&mut iv)
        .map_err(|_| KeystoreError::Refused("the system random generator failed".to_owned()))?;
    Ok(iv)
}

#[async_trait]
impl Keystore for KmipKeystore {
    fn kind(&self) -> KeystoreKind {
        KeystoreKind::Kmip
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            push: true,
            generate: true,
            reenable: false,
            pending_days: None,
        }
    }

    async fn test_connection(&self) -> Result<(), KeystoreError> {
        let mut s = self.session().await?;
        self.simple(&mut s, op::QUERY, payloads::query(), "(query)")
            .await
    }

    async fn create(&self, req: &CreateRequest<'_>) -> Result<RemoteKey, KeystoreError> {
        let bits = payloads::aes_bits(req.algorithm)?;
        if let Some(material) = req.material {
            if usize::try_from(bits).ok() != Some(material.len().saturating_mul(8)) {
                return Err(KeystoreError::Unsupported(format!(
                    "{} needs {} key bytes, not {}",
                    req.algorithm.name(),
                    bits / 8,
                    material.len()
                )));
            }
        }
        // Connected before the payload is built: a pushed key's copy in the request is wiped
        // by `call` once sent.
        let mut s = self.session().await?;
        let version = self.version();
        let (operation, payload, what) = match req.material {
            Some(material) => (
                op::REGISTER,
                payloads::register(version, req.label, bits, material),
                "Register",
            ),
            None => (
                op::CREATE,
                payloads::create(version, req.label, bits),
                "Create",
            ),
        };
        let created = s
            .call(operation, payload)
            .await
            .map_err(|e| e.into_error(req.label))?;
        let id = payloads::read_unique_id(&created, what)?;
        drop(created);
        if req.enabled {
            if let Err(e) = self
                .simple(&mut s, op::ACTIVATE, payloads::object(&id), &id)
                .await
            {
                // Do not leave a half-made object behind (best effort).
                let _ = self.remove(&mut s, &id).await;
                return Err(e);
            }
        }
        let check_value = match req.material {
            Some(material) => check_value(req.algorithm, material),
            // The object exists now: a failed read only leaves the check value unknown.
            None => self.fetch_check_value(&mut s, &id).await.unwrap_or(None),
        };
        Ok(RemoteKey {
            remote_id: id,
            check_value,
        })
    }

    async fn describe(&self, remote_id: &str) -> Result<RemoteView, KeystoreError> {
        let mut s = self.session().await?;
        let Some(st) = self.state(&mut s, remote_id).await? else {
            return Ok(RemoteView {
                state: RemoteState::Missing,
                check_value: None,
            });
        };
        let state = remote_state(st);
        let check_value = if state == RemoteState::Destroyed {
            None
        } else {
            self.fetch_check_value(&mut s, remote_id).await?
        };
        Ok(RemoteView { state, check_value })
    }

    async fn enable(&self, remote_id: &str) -> Result<(), KeystoreError> {
        let mut s = self.session().await?;
        match self.existing_state(&mut s, remote_id).await? {
            state::ACTIVE => Ok(()),
            state::PRE_ACTIVE => {
                self.simple(&mut s, op::ACTIVATE, payloads::object(remote_id), remote_id)
                    .await
            }
            state::DEACTIVATED | state::COMPROMISED => Err(KeystoreError::Unsupported(
                "KMIP cannot reactivate a deactivated object".to_owned(),
            )),
            other => Err(KeystoreError::Refused(format!(
                "KMIP object {remote_id} is {} and cannot be enabled",
                state_name(other)
            ))),
        }
    }

    async fn disable(&self, remote_id: &str) -> Result<(), KeystoreError> {
        let mut s = self.session().await?;
        match self.existing_state(&mut s, remote_id).await? {
            state::ACTIVE => {
                self.simple(&mut s, op::REVOKE, payloads::revoke(remote_id), remote_id)
                    .await
            }
            // Pre-Active, Deactivated, Compromised, Destroyed: already unusable.
            _ => Ok(()),
        }
    }

    async fn destroy(
        &self,
        remote_id: &str,
        _pending_days: u32,
    ) -> Result<Option<OffsetDateTime>, KeystoreError> {
        let mut s = self.session().await?;
        self.remove(&mut s, remote_id).await?;
        Ok(None)
    }

    async fn cancel_destroy(&self, _remote_id: &str) -> Result<(), KeystoreError> {
        Err(KeystoreError::Unsupported(
            "KMIP destruction is immediate; there is no pending deletion to cancel".to_owned(),
        ))
    }

    async fn encrypt(&self, remote_id: &str, plaintext: &[u8]) -> Result<Vec<u8>, KeystoreError> {
        let mode = self.mode()?;
        let iv = random(mode.iv_len())?;
        let mut s = self.session().await?;
        let request = payloads::encrypt(remote_id, mode, plaintext, &iv);
        match s.call(op::ENCRYPT, request).await {
            Ok(payload) => {
                let out = payloads::read_encrypted(&payload)?;
                let iv = out.iv.unwrap_or(iv);
                if iv.len() != mode.iv_len()
                    || (mode == Mode::Gcm
                        && out.auth_tag.as_ref().map(Vec::len) != Some(Mode::GCM_TAG_LEN))
                {
                    return Err(KeystoreError::Refused(
                        "the KMIP server's Encrypt response has an IV or tag of an unexpected \
                         length"
                            .to_owned(),
                    ));
                }
                Ok(ciphertext::join(
                    mode,
                    &iv,
                    &out.ciphertext,
                    out.auth_tag.as_deref(),
                ))
            }
            Err(CallError::Failed(f)) => {
                Err(self.crypto_refusal(&mut s, remote_id, "encrypt", f).await)
            }
            Err(CallError::Keystore(e)) => Err(e),
        }
    }

    async fn decrypt(&self, remote_id: &str, blob: &[u8]) -> Result<SecretBytes, KeystoreError> {
        // Also refuses versions before 1.2, which have no Decrypt.
        let supported = self.mode()?;
        let parts = ciphertext::split(blob)?;
        if parts.mode == Mode::Gcm && supported != Mode::Gcm {
            return Err(KeystoreError::Unsupported(
                "this ciphertext is AES-GCM, which needs KMIP 1.4 or later".to_owned(),
            ));
        }
        let mut s = self.session().await?;
        let request =
            payloads::decrypt(remote_id, parts.mode, parts.ciphertext, parts.iv, parts.tag);
        match s.call(op::DECRYPT, request).await {
            Ok(payload) => payloads::read_decrypted(&payload),
            Err(CallError::Failed(f)) => {
                Err(self.crypto_refusal(&mut s, remote_id, "decrypt", f).await)
            }
            Err(CallError::Keystore(e)) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kmip_states_map_to_remote_states() {
        assert_eq!(remote_state(state::ACTIVE), RemoteState::Enabled);
        for st in [state::PRE_ACTIVE, state::DEACTIVATED, state::COMPROMISED] {
            assert_eq!(remote_state(st), RemoteState::Disabled);
        }
        for st in [state::DESTROYED, state::DESTROYED_COMPROMISED] {
            assert_eq!(remote_state(st), RemoteState::Destroyed);
        }
        assert_eq!(state_name(state::DEACTIVATED), "Deactivated");
    }
}
