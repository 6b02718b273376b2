//! The logged-in session to the token: opening it (module, token, `C_Login`), reopening it once
//! when it is lost, and turning PKCS#11 return values into [`KeystoreError`]s.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use cryptoki::error::{Error as P11Error, RvError};
use cryptoki::session::{Session, UserType};
use cryptoki::types::RawAuthPin;
use keyhaven_core::keystore::KeystoreError;
use keyhaven_core::{CryptoError, SecretBytes};
use keyhaven_crypto::pkcs11::{context, describe_error, session_lost, token_slots};

/// Where the token is, how to log in, and the session kept open.
pub(super) struct Token {
    /// Path of the PKCS#11 module.
    pub(super) module: PathBuf,
    /// Label of the token.
    pub(super) label: String,
    /// The user PIN (zeroized on drop, never printed).
    pub(super) pin: SecretBytes,
    /// The logged-in R/W session, opened on first use.
    pub(super) session: Mutex<Option<Session>>,
}

/// Why an operation on the token failed.
pub(super) enum Fail {
    /// A PKCS#11 call failed while doing the named thing.
    Call(String, P11Error),
    /// A failure already phrased for the caller.
    Keystore(KeystoreError),
}

/// `map_err` helper: a failed PKCS#11 call while doing `what`.
pub(super) fn call(what: impl Into<String>) -> impl FnOnce(P11Error) -> Fail {
    let what = what.into();
    move |e| Fail::Call(what, e)
}

impl Token {
    /// Runs `op` on the logged-in session. When it fails because the session is gone (closed,
    /// logged out, stale handles), reopens, logs in and retries once.
    pub(super) fn with_session<T>(
        &self,
        op: impl Fn(&Session) -> Result<T, Fail>,
    ) -> Result<T, KeystoreError> {
        let mut guard = self.session.lock().unwrap_or_else(PoisonError::into_inner);
        let first = op(self.session_in(&mut guard)?);
        let result = match first {
            Err(Fail::Call(_, e)) if session_lost(&e) => {
                // Dropping the old session closes it.
                *guard = None;
                op(self.session_in(&mut guard)?)
            }
            other => other,
        };
        result.map_err(|fail| self.error(fail))
    }

    /// The session in `slot`, opened and logged in first if there is none.
    fn session_in<'g>(&self, slot: &'g mut Option<Session>) -> Result<&'g Session, KeystoreError> {
        if slot.is_none() {
            *slot = Some(self.open()?);
        }
        slot.as_ref()
            .ok_or_else(|| KeystoreError::Unreachable("the PKCS#11 session vanished".into()))
    }

    /// Loads the module (once per process), finds the token and logs the user in.
    fn open(&self) -> Result<Session, KeystoreError> {
        let ctx = context(&self.module).map_err(|e| match e {
            CryptoError::InvalidInput(m) => KeystoreError::Config(m),
            CryptoError::Internal(m) => KeystoreError::Unreachable(m),
            other => KeystoreError::Unreachable(other.to_string()),
        })?;
        let slots = token_slots(&ctx, &self.label).map_err(|e| {
            KeystoreError::Unreachable(format!(
                "listing the tokens of PKCS#11 module {}: {e}",
                self.module.display()
            ))
        })?;
        let slot = match slots.as_slice() {
            [slot] => *slot,
            [] => {
                return Err(KeystoreError::Unreachable(format!(
                    "PKCS#11 module {} has no initialised token labelled \"{}\"; check \
                     token_label (softhsm2-util --show-slots lists SoftHSM2 tokens) and that \
                     the HSM is connected",
                    self.module.display(),
                    self.label
                )))
            }
            many => {
                return Err(KeystoreError::Config(format!(
                    "{} tokens of PKCS#11 module {} are labelled \"{}\"; token labels must be \
                     unique",
                    many.len(),
                    self.module.display(),
                    self.label
                )))
            }
        };
        let session = ctx
            .open_rw_session(slot)
            .map_err(|e| self.error(Fail::Call("opening a session".into(), e)))?;
        let pin = RawAuthPin::new(self.pin.expose().to_vec());
        match session.login_with_raw(UserType::User, &pin) {
            // Login state is per process and token: another session of ours is logged in.
            Ok(()) | Err(P11Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(session),
            Err(P11Error::Pkcs11(
                RvError::PinIncorrect | RvError::PinInvalid | RvError::PinLenRange,
                _,
            )) => Err(KeystoreError::Unauthorized(format!(
                "wrong user PIN for PKCS#11 token \"{}\"; check the keystore's credentials",
                self.label
            ))),
            Err(P11Error::Pkcs11(RvError::PinLocked | RvError::PinExpired, _)) => {
                Err(KeystoreError::Unauthorized(format!(
                    "the user PIN of PKCS#11 token \"{}\" is locked or expired; reset it with \
                     the HSM's tool",
                    self.label
                )))
            }
            Err(e) => Err(self.error(Fail::Call("logging in".into(), e))),
        }
    }

    /// The caller's error for `fail`, naming the token and the `CKR_` code.
    fn error(&self, fail: Fail) -> KeystoreError {
        let (what, e) = match fail {
            Fail::Keystore(e) => return e,
            Fail::Call(what, e) => (what, e),
        };
        let msg = format!(
            "{what} in PKCS#11 token \"{}\": {}",
            self.label,
            describe_error(&e)
        );
        match e {
            P11Error::LibraryLoading(_) => KeystoreError::Config(msg),
            P11Error::Pkcs11(
                RvError::PinIncorrect
                | RvError::PinInvalid
                | RvError::PinLenRange
                | RvError::PinLocked
                | RvError::PinExpired
                | RvError::UserNotLoggedIn
                | RvError::UserPinNotInitialized,
                _,
            ) => KeystoreError::Unauthorized(msg),
            P11Error::Pkcs11(
                RvError::DeviceError
                | RvError::DeviceMemory
                | RvError::DeviceRemoved
                | RvError::TokenNotPresent
                | RvError::TokenNotRecognized
                | RvError::SlotIdInvalid
                | RvError::SessionClosed
                | RvError::SessionHandleInvalid
                | RvError::SessionCount
                | RvError::HostMemory
                | RvError::CryptokiNotInitialized,
                _,
            ) => KeystoreError::Unreachable(msg),
            _ => KeystoreError::Refused(msg),
        }
    }
}
