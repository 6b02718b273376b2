//! A root key inside a PKCS#11 HSM.
//!
//! [`Pkcs11Root`] is an AES-256 key that never leaves the token (`CKA_SENSITIVE` true,
//! `CKA_EXTRACTABLE` false). It implements [`RootKey`]: short secrets (vault KEKs, the system
//! secret) are encrypted and decrypted with `CKM_AES_GCM` by the token itself; only the
//! wrapped form (`12-byte IV || ciphertext || 16-byte tag`) and, on unwrap, the plaintext
//! secret cross the boundary.
//!
//! PKCS#11 rules this module follows:
//! - A module is `C_Initialize`d once per process. Contexts live in a process-wide registry
//!   keyed by module path and are never finalized, so any number of [`Pkcs11Root`] values
//!   (and test servers in one process) share them.
//! - Login state belongs to the application, per token: `CKR_USER_ALREADY_LOGGED_IN` counts as
//!   success. A consequence: while one session of this process is logged in to a token, a login
//!   with any PIN "succeeds" there; a wrong PIN is only detected when no session is logged in.
//! - Sessions are not thread-safe: each [`Pkcs11Root`] keeps one logged-in R/W session behind a
//!   mutex. When the session is lost (closed, logged out, token re-inserted) an operation
//!   reopens it, logs in again and retries once.
//!
//! Nothing secret (PIN, plaintext) appears in an error, a log line or `Debug` output.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use cryptoki::context::{CInitializeArgs, Pkcs11};
use cryptoki::error::{Error as P11Error, RvError};
use cryptoki::mechanism::aead::GcmParams;
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::{Slot, TokenInfo};
use cryptoki::types::{AuthPin, RawAuthPin};
use keyhaven_core::{CryptoError, RootKey, SecretBytes};

/// Length of the random GCM IV at the start of a wrapped secret.
pub const NONCE_LEN: usize = 12;
/// Length of the GCM tag at the end of a wrapped secret.
pub const TAG_LEN: usize = 16;
/// GCM tag length in bits, as `CK_GCM_PARAMS.ulTagBits` wants it.
const TAG_BITS: u64 = 128;
/// Longest secret [`Pkcs11Root`] wraps.
pub const MAX_SECRET_LEN: usize = 64;
/// AES-256 key length, in bytes.
const KEY_LEN: u64 = 32;
/// Longest token label PKCS#11 stores (`CK_TOKEN_INFO.label` is 32 bytes, blank padded).
const MAX_TOKEN_LABEL_LEN: usize = 32;

/// Where the HSM is and how to log in. `Debug` never prints the PIN.
#[derive(Clone)]
pub struct Pkcs11Config {
    /// Path of the PKCS#11 module (shared library), e.g. `/usr/lib/softhsm/libsofthsm2.so`.
    pub module: PathBuf,
    /// Label of the token holding the root key.
    pub token_label: String,
    /// User PIN of that token.
    pub pin: SecretBytes,
}

impl fmt::Debug for Pkcs11Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Config")
            .field("module", &self.module)
            .field("token_label", &self.token_label)
            .field("pin", &"<redacted>")
            .finish()
    }
}

/// The label of the root key of `generation`: `keyhaven-root-{generation}`.
pub fn key_label(generation: u32) -> String {
    format!("keyhaven-root-{generation}")
}

/// A non-extractable AES-256 key in a PKCS#11 token, labelled `keyhaven-root-{generation}`,
/// that wraps and unwraps short secrets with AES-GCM inside the token.
pub struct Pkcs11Root {
    ctx: Pkcs11,
    module: PathBuf,
    token_label: String,
    pin: SecretBytes,
    generation: u32,
    key_label: String,
    live: Mutex<Option<Live>>,
}

/// Why an operation on the token failed.
#[derive(Debug)]
enum OpError {
    /// (Re)opening the session, logging in or finding the key failed.
    Connect(CryptoError),
    /// The operation itself failed.
    Token(P11Error),
}

impl OpError {
    fn into_crypto(self, token: impl FnOnce(P11Error) -> CryptoError) -> CryptoError {
        match self {
            OpError::Connect(e) => e,
            OpError::Token(e) => token(e),
        }
    }
}

/// A logged-in session and the key's handle in it.
struct Live {
    session: Session,
    key: ObjectHandle,
}

impl Pkcs11Root {
    /// Creates a new AES-256 key labelled `keyhaven-root-{generation}` in the token: token
    /// object, private, sensitive, not extractable, encrypt/decrypt only (no wrap, unwrap,
    /// derive, sign or verify), with a random `CKA_ID`. Refuses when an object with that label
    /// already exists in the token.
    ///
    /// Two processes generating the same generation at the same instant can both pass the
    /// existence check; the operator runs generation once.
    pub fn generate(cfg: &Pkcs11Config, generation: u32) -> Result<Pkcs11Root, CryptoError> {
        let ctx = context(&cfg.module)?;
        let label = key_label(generation);
        let session = login_session(&ctx, &cfg.token_label, &cfg.pin)?;

        let existing = session
            .find_objects(&[Attribute::Label(label.clone().into_bytes())])
            .map_err(|e| internal("looking for an existing root key", &e))?;
        if !existing.is_empty() {
            return Err(CryptoError::InvalidInput(format!(
                "token \"{}\" already has an object labelled \"{label}\"; a root key generation \
                 is generated once (open it instead, or pick the next generation)",
                cfg.token_label
            )));
        }

        let mut id = vec![0u8; 16];
        aws_lc_rs::rand::fill(&mut id)
            .map_err(|_| CryptoError::Internal("random generator failed".into()))?;
        let template = [
            Attribute::Class(ObjectClass::SECRET_KEY),
            Attribute::KeyType(KeyType::AES),
            Attribute::ValueLen(KEY_LEN.into()),
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Encrypt(true),
            Attribute::Decrypt(true),
            Attribute::Wrap(false),
            Attribute::Unwrap(false),
            Attribute::Derive(false),
            Attribute::Sign(false),
            Attribute::Verify(false),
            Attribute::Label(label.clone().into_bytes()),
            Attribute::Id(id),
        ];
        let key = session
            .generate_key(&Mechanism::AesKeyGen, &template)
            .map_err(|e| internal(&format!("generating root key \"{label}\""), &e))?;
        check_protected(&session, key, &cfg.token_label, &label)?;

        Ok(Pkcs11Root::new(ctx, cfg, generation, Live { session, key }))
    }

    /// Opens the existing root key of `generation`. Fails with a message saying what to fix
    /// when the module cannot be loaded, no token has the label, the PIN is wrong, the key is
    /// missing, or the key is extractable or not sensitive (it would not be a protected root
    /// key).
    pub fn open(cfg: &Pkcs11Config, generation: u32) -> Result<Pkcs11Root, CryptoError> {
        let ctx = context(&cfg.module)?;
        let live = connect(&ctx, &cfg.token_label, &cfg.pin, &key_label(generation))?;
        Ok(Pkcs11Root::new(ctx, cfg, generation, live))
    }

    /// Deletes the key object from the token. Everything it wrapped becomes unreadable: call
    /// this only after a root-key rotation has re-wrapped every secret under the next
    /// generation.
    pub fn destroy(&self) -> Result<(), CryptoError> {
        self.with_session(|live| live.session.destroy_object(live.key))
            .map_err(|e| {
                e.into_crypto(|e| {
                    internal(&format!("destroying root key \"{}\"", self.key_label), &e)
                })
            })?;
        *self.live.lock().unwrap_or_else(PoisonError::into_inner) = None;
        Ok(())
    }

    /// Label of the token holding the key.
    pub fn token_label(&self) -> &str {
        &self.token_label
    }

    /// Label of the key object (`keyhaven-root-{generation}`).
    pub fn key_label(&self) -> &str {
        &self.key_label
    }

    fn new(ctx: Pkcs11, cfg: &Pkcs11Config, generation: u32, live: Live) -> Pkcs11Root {
        Pkcs11Root {
            ctx,
            module: cfg.module.clone(),
            token_label: cfg.token_label.clone(),
            pin: cfg.pin.clone(),
            generation,
            key_label: key_label(generation),
            live: Mutex::new(Some(live)),
        }
    }

    /// `CKM_AES_GCM` encryption in the token: ciphertext || tag.
    fn gcm_encrypt(
        &self,
        nonce: [u8; NONCE_LEN],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, OpError> {
        self.with_session(|live| {
            let mut iv = nonce;
            let params = GcmParams::new(&mut iv, aad, TAG_BITS.into())?;
            live.session
                .encrypt(&Mechanism::AesGcm(params), live.key, plaintext)
        })
    }

    /// `CKM_AES_GCM` decryption in the token of ciphertext || tag.
    fn gcm_decrypt(
        &self,
        nonce: [u8; NONCE_LEN],
        aad: &[u8],
        sealed: &[u8],
    ) -> Result<SecretBytes, OpError> {
        self.with_session(|live| {
            let mut iv = nonce;
            let params = GcmParams::new(&mut iv, aad, TAG_BITS.into())?;
            live.session
                .decrypt(&Mechanism::AesGcm(params), live.key, sealed)
                // Owned from here on, so the buffer is zeroized when dropped.
                .map(SecretBytes::new)
        })
    }

    /// Whether the key still encrypts and decrypts: tells a tag mismatch from a broken token
    /// when the module reports both as `CKR_GENERAL_ERROR` (SoftHSM2 does).
    fn round_trips(&self) -> bool {
        const PROBE_AAD: &[u8] = b"keyhaven pkcs11 probe";
        let mut nonce = [0u8; NONCE_LEN];
        if aws_lc_rs::rand::fill(&mut nonce).is_err() {
            return false;
        }
        let Ok(sealed) = self.gcm_encrypt(nonce, PROBE_AAD, b"probe") else {
            return false;
        };
        self.gcm_decrypt(nonce, PROBE_AAD, &sealed)
            .is_ok_and(|p| p.expose() == b"probe")
    }

    /// Runs `op` on the logged-in session. When it fails because the session is gone (closed,
    /// logged out, stale handles), reopens, logs in and retries once.
    fn with_session<T>(
        &self,
        op: impl Fn(&Live) -> cryptoki::error::Result<T>,
    ) -> Result<T, OpError> {
        let mut guard = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        let first = op(self.live_in(&mut guard).map_err(OpError::Connect)?);
        match first {
            Ok(v) => Ok(v),
            Err(e) if session_lost(&e) => {
                // Dropping the old session closes it (an error closing a dead one is ignored).
                *guard = None;
                op(self.live_in(&mut guard).map_err(OpError::Connect)?).map_err(OpError::Token)
            }
            Err(e) => Err(OpError::Token(e)),
        }
    }

    /// The live session in `slot`, opened and logged in first if there is none.
    fn live_in<'g>(&self, slot: &'g mut Option<Live>) -> Result<&'g Live, CryptoError> {
        if slot.is_none() {
            *slot = Some(connect(
                &self.ctx,
                &self.token_label,
                &self.pin,
                &self.key_label,
            )?);
        }
        slot.as_ref()
            .ok_or_else(|| CryptoError::Internal("PKCS#11 session vanished".into()))
    }
}

impl RootKey for Pkcs11Root {
    fn generation(&self) -> u32 {
        self.generation
    }

    fn wrap(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if plaintext.len() > MAX_SECRET_LEN {
            return Err(CryptoError::InvalidInput(format!(
                "the root key wraps secrets of at most {MAX_SECRET_LEN} bytes, got {}",
                plaintext.len()
            )));
        }
        let mut nonce = [0u8; NONCE_LEN];
        aws_lc_rs::rand::fill(&mut nonce)
            .map_err(|_| CryptoError::Internal("random generator failed".into()))?;
        let sealed = self.gcm_encrypt(nonce, aad, plaintext).map_err(|e| {
            e.into_crypto(|e| {
                internal(
                    &format!("AES-GCM encryption with \"{}\"", self.key_label),
                    &e,
                )
            })
        })?;
        if sealed.len() != plaintext.len() + TAG_LEN {
            return Err(CryptoError::Internal(format!(
                "PKCS#11 module returned {} bytes of AES-GCM output for {} bytes of input \
                 (expected ciphertext plus a {TAG_LEN}-byte tag)",
                sealed.len(),
                plaintext.len()
            )));
        }
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    fn unwrap(&self, aad: &[u8], wrapped: &[u8]) -> Result<SecretBytes, CryptoError> {
        let min = NONCE_LEN + TAG_LEN;
        let max = min + MAX_SECRET_LEN;
        if wrapped.len() < min || wrapped.len() > max {
            return Err(CryptoError::InvalidInput(format!(
                "a root-key-wrapped secret is {min} to {max} bytes \
                 (IV, ciphertext, tag), got {}",
                wrapped.len()
            )));
        }
        let (iv_bytes, sealed) = wrapped
            .split_at_checked(NONCE_LEN)
            .ok_or_else(|| CryptoError::InvalidInput("wrapped secret too short".into()))?;
        let nonce: [u8; NONCE_LEN] = iv_bytes
            .try_into()
            .map_err(|_| CryptoError::InvalidInput("wrapped secret too short".into()))?;
        let plaintext = match self.gcm_decrypt(nonce, aad, sealed) {
            Ok(plaintext) => plaintext,
            Err(OpError::Token(e)) if authentication_failure(&e) => {
                return Err(CryptoError::AuthenticationFailed)
            }
            Err(OpError::Token(e)) if ambiguous_decrypt_failure(&e) && self.round_trips() => {
                return Err(CryptoError::AuthenticationFailed)
            }
            Err(e) => {
                return Err(e.into_crypto(|e| {
                    internal(
                        &format!("AES-GCM decryption with \"{}\"", self.key_label),
                        &e,
                    )
                }))
            }
        };
        if plaintext.len() + TAG_LEN != sealed.len() {
            return Err(CryptoError::Internal(format!(
                "PKCS#11 module returned {} bytes of plaintext for {} bytes of AES-GCM input",
                plaintext.len(),
                sealed.len()
            )));
        }
        Ok(plaintext)
    }

    fn describe(&self) -> String {
        format!(
            "pkcs11 token \"{}\" key \"{}\"",
            self.token_label, self.key_label
        )
    }
}

impl fmt::Debug for Pkcs11Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Root")
            .field("module", &self.module)
            .field("token_label", &self.token_label)
            .field("key_label", &self.key_label)
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

/// Initialises a token on a free slot through the PKCS#11 API (`C_InitToken`, then
/// `C_InitPIN` as the security officer), for tests and first-time set-up. Refuses a label
/// that an initialised token already has, and labels longer than 32 bytes.
///
/// Calls are serialised within the process (two concurrent calls would otherwise pick the
/// same free slot); run one set-up at a time across processes.
pub fn init_token(
    module: &Path,
    label: &str,
    so_pin: &SecretBytes,
    user_pin: &SecretBytes,
) -> Result<(), CryptoError> {
    if label.is_empty() || label.len() > MAX_TOKEN_LABEL_LEN || label.trim_end() != label {
        return Err(CryptoError::InvalidInput(format!(
            "token label \"{label}\" must be 1 to {MAX_TOKEN_LABEL_LEN} bytes without \
             trailing spaces"
        )));
    }
    let so_pin = utf8_pin(so_pin, "SO PIN")?;
    let user_pin = utf8_pin(user_pin, "user PIN")?;
    let ctx = context(module)?;
    let _serialised = INIT_LOCK.lock().unwrap_or_else(PoisonError::into_inner);

    if !token_slots(&ctx, label)?.is_empty() {
        return Err(CryptoError::InvalidInput(format!(
            "a token labelled \"{label}\" already exists; pick another label"
        )));
    }
    let free = free_slot(&ctx)?.ok_or_else(|| {
        CryptoError::InvalidInput(format!(
            "PKCS#11 module {} has no slot with an uninitialised token; free one with the \
             vendor's tool",
            module.display()
        ))
    })?;
    ctx.init_token(free, &so_pin, label)
        .map_err(|e| internal(&format!("initialising token \"{label}\""), &e))?;

    // Look the token up again by label: a module may move a freshly initialised token to
    // another slot id (SoftHSM2 numbers slots after the token's serial number).
    let slot = match token_slots(&ctx, label)?.as_slice() {
        [slot] => *slot,
        _ => free,
    };
    let session = ctx
        .open_rw_session(slot)
        .map_err(|e| internal(&format!("opening a session on token \"{label}\""), &e))?;
    session
        .login(UserType::So, Some(&so_pin))
        .map_err(|e| login_error(e, label, "SO PIN"))?;
    session
        .init_pin(&user_pin)
        .map_err(|e| internal(&format!("setting the user PIN of token \"{label}\""), &e))?;
    // The session closes when dropped, which ends the SO login.
    Ok(())
}

/// Serialises [`init_token`] calls within the process.
static INIT_LOCK: Mutex<()> = Mutex::new(());

/// The SoftHSM2 module: env `SOFTHSM2_MODULE` when set, else the first of the usual Debian,
/// Ubuntu, Fedora/RHEL and Homebrew install paths that exists. `None` when there is none.
pub fn softhsm_module() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SOFTHSM2_MODULE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    const CANDIDATES: &[&str] = &[
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib64/pkcs11/libsofthsm2.so",
        "/usr/lib64/softhsm/libsofthsm2.so",
        "/usr/lib/pkcs11/libsofthsm2.so",
        "/usr/local/lib/softhsm/libsofthsm2.so",
        "/opt/homebrew/lib/softhsm/libsofthsm2.so",
    ];
    CANDIDATES.iter().map(PathBuf::from).find(|p| p.is_file())
}

/// Writes a SoftHSM2 configuration into `dir` whose token directory is `dir/tokens` (created)
/// and returns its path. SoftHSM2 reads the file named by env `SOFTHSM2_CONF` when the module
/// is initialised, i.e. before the first use of the module in the process: set it first.
pub fn write_softhsm_conf(dir: &Path) -> std::io::Result<PathBuf> {
    let tokens = dir.join("tokens");
    std::fs::create_dir_all(&tokens)?;
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n\
             slots.removable = false\n",
            tokens.display()
        ),
    )?;
    Ok(conf)
}

/// The process-wide, initialised context of `module` (loaded and `C_Initialize`d on first use,
/// never finalized). Every user of a PKCS#11 module in the process (root key, keystore
/// connector) goes through this, since `C_Initialize` is process-global.
pub fn context(module: &Path) -> Result<Pkcs11, CryptoError> {
    static CONTEXTS: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    let key = std::fs::canonicalize(module).unwrap_or_else(|_| module.to_path_buf());
    let mut contexts = CONTEXTS
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(ctx) = contexts.get(&key) {
        return Ok(ctx.clone());
    }
    let ctx = Pkcs11::new(&key).map_err(|e| {
        CryptoError::InvalidInput(format!(
            "cannot load PKCS#11 module {}: {e}; check the module path and that the HSM \
             client library is installed",
            module.display()
        ))
    })?;
    match ctx.initialize(CInitializeArgs::OsThreads) {
        Ok(()) => {}
        // Another library in this process initialised the module already: share it. The
        // context must then stay alive (it is kept below), since dropping it would finalize
        // the module under the other user.
        Err(P11Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => {
            return Err(CryptoError::Internal(format!(
                "cannot initialise PKCS#11 module {}: {}",
                module.display(),
                describe_error(&e)
            )))
        }
    }
    contexts.insert(key, ctx.clone());
    Ok(ctx)
}

/// Opens a logged-in session on the token and finds the protected root key `key_label`.
fn connect(
    ctx: &Pkcs11,
    token_label: &str,
    pin: &SecretBytes,
    key_label: &str,
) -> Result<Live, CryptoError> {
    let session = login_session(ctx, token_label, pin)?;
    let found = session
        .find_objects(&[
            Attribute::Class(ObjectClass::SECRET_KEY),
            Attribute::KeyType(KeyType::AES),
            Attribute::Label(key_label.as_bytes().to_vec()),
        ])
        .map_err(|e| internal(&format!("looking for root key \"{key_label}\""), &e))?;
    let key = match found.as_slice() {
        [key] => *key,
        [] => {
            return Err(CryptoError::InvalidKeyMaterial(format!(
                "token \"{token_label}\" has no AES key labelled \"{key_label}\"; generate \
                 that root key generation first, or check the generation number (a destroyed \
                 generation cannot be opened)"
            )))
        }
        many => {
            return Err(CryptoError::InvalidKeyMaterial(format!(
                "token \"{token_label}\" has {} AES keys labelled \"{key_label}\"; a root key \
                 label must be unique (remove the stray copies with the HSM's tool)",
                many.len()
            )))
        }
    };
    check_protected(&session, key, token_label, key_label)?;
    Ok(Live { session, key })
}

/// Opens a R/W session on the token labelled `token_label` and logs the user in.
fn login_session(
    ctx: &Pkcs11,
    token_label: &str,
    pin: &SecretBytes,
) -> Result<Session, CryptoError> {
    let slot = match token_slots(ctx, token_label)?.as_slice() {
        [slot] => *slot,
        [] => {
            return Err(CryptoError::InvalidInput(format!(
                "no initialised PKCS#11 token is labelled \"{token_label}\"; check the token \
                 label (softhsm2-util --show-slots lists SoftHSM2 tokens)"
            )))
        }
        many => {
            return Err(CryptoError::InvalidInput(format!(
                "{} PKCS#11 tokens are labelled \"{token_label}\"; token labels must be unique",
                many.len()
            )))
        }
    };
    let session = ctx
        .open_rw_session(slot)
        .map_err(|e| internal(&format!("opening a session on token \"{token_label}\""), &e))?;
    let raw_pin = RawAuthPin::new(pin.expose().to_vec());
    match session.login_with_raw(UserType::User, &raw_pin) {
        // Login state is per application and token: another session of ours logged in.
        Ok(()) | Err(P11Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(session),
        Err(e) => Err(login_error(e, token_label, "PIN")),
    }
}

/// The error for a failed `C_Login`; never contains the PIN.
fn login_error(e: P11Error, token_label: &str, which: &str) -> CryptoError {
    match e {
        P11Error::Pkcs11(RvError::PinIncorrect | RvError::PinInvalid | RvError::PinLenRange, _) => {
            CryptoError::InvalidInput(format!(
                "wrong {which} for PKCS#11 token \"{token_label}\"; check the configured {which}"
            ))
        }
        P11Error::Pkcs11(RvError::PinLocked, _) => CryptoError::InvalidInput(format!(
            "the {which} of PKCS#11 token \"{token_label}\" is locked after too many wrong \
             attempts; unlock it with the HSM's tool"
        )),
        P11Error::Pkcs11(RvError::UserAnotherAlreadyLoggedIn, _) => {
            CryptoError::InvalidInput(format!(
                "another user type is logged in to PKCS#11 token \"{token_label}\" in this \
                 process; log it out first"
            ))
        }
        other => internal(&format!("logging in to token \"{token_label}\""), &other),
    }
}

/// Refuses a key that could leave the token: it must be sensitive, not extractable, an
/// AES-256 key and usable for encrypt and decrypt.
fn check_protected(
    session: &Session,
    key: ObjectHandle,
    token_label: &str,
    key_label: &str,
) -> Result<(), CryptoError> {
    let attrs = session
        .get_attributes(
            key,
            &[
                AttributeType::Sensitive,
                AttributeType::Extractable,
                AttributeType::Encrypt,
                AttributeType::Decrypt,
                AttributeType::ValueLen,
            ],
        )
        .map_err(|e| internal(&format!("reading the attributes of \"{key_label}\""), &e))?;
    let (mut sensitive, mut extractable, mut encrypt, mut decrypt, mut len) =
        (false, true, false, false, 0u64);
    for attr in attrs {
        match attr {
            Attribute::Sensitive(v) => sensitive = v,
            Attribute::Extractable(v) => extractable = v,
            Attribute::Encrypt(v) => encrypt = v,
            Attribute::Decrypt(v) => decrypt = v,
            Attribute::ValueLen(v) => len = *v,
            _ => {}
        }
    }
    let refuse = |why: &str| {
        Err(CryptoError::InvalidKeyMaterial(format!(
            "key \"{key_label}\" in token \"{token_label}\" {why}, so it is not a protected \
             root key; generate a new root key generation with keyhaven"
        )))
    };
    if !sensitive {
        return refuse("is not sensitive (CKA_SENSITIVE false)");
    }
    if extractable {
        return refuse("is extractable (CKA_EXTRACTABLE true)");
    }
    if len != KEY_LEN {
        return refuse(&format!("is a {len}-byte AES key, not AES-256"));
    }
    if !(encrypt && decrypt) {
        return refuse("does not allow both encrypt and decrypt");
    }
    Ok(())
}

/// Slots whose initialised token is labelled `label`.
pub fn token_slots(ctx: &Pkcs11, label: &str) -> Result<Vec<Slot>, CryptoError> {
    slots_where(ctx, |info| {
        info.token_initialized() && info.label().trim_end() == label
    })
}

/// A slot whose token is not initialised yet (SoftHSM2 always offers one; it adds the next
/// one on the following `C_GetSlotList`).
fn free_slot(ctx: &Pkcs11) -> Result<Option<Slot>, CryptoError> {
    Ok(slots_where(ctx, |info| !info.token_initialized())?
        .into_iter()
        .next())
}

fn slots_where(ctx: &Pkcs11, want: impl Fn(&TokenInfo) -> bool) -> Result<Vec<Slot>, CryptoError> {
    let slots = ctx
        .get_slots_with_token()
        .map_err(|e| internal("listing PKCS#11 slots", &e))?;
    let mut found = Vec::new();
    for slot in slots {
        let info = ctx
            .get_token_info(slot)
            .map_err(|e| internal("reading PKCS#11 token information", &e))?;
        if want(&info) {
            found.push(slot);
        }
    }
    Ok(found)
}

/// Errors that mean the session (or its login, or handles found in it) is gone: reopen and
/// retry. Shared with the PKCS#11 keystore connector.
pub fn session_lost(e: &P11Error) -> bool {
    matches!(
        e,
        P11Error::Pkcs11(
            RvError::SessionHandleInvalid
                | RvError::SessionClosed
                | RvError::UserNotLoggedIn
                | RvError::ObjectHandleInvalid
                | RvError::KeyHandleInvalid
                | RvError::DeviceRemoved
                | RvError::TokenNotPresent,
            _
        )
    )
}

/// Errors from `C_Decrypt` that mean the wrapped data, its AAD or the key does not match.
fn authentication_failure(e: &P11Error) -> bool {
    matches!(
        e,
        P11Error::Pkcs11(
            RvError::EncryptedDataInvalid
                | RvError::EncryptedDataLenRange
                | RvError::DataInvalid
                | RvError::DataLenRange,
            _
        )
    )
}

/// Errors from `C_Decrypt` that some modules return for a tag mismatch as well as for real
/// faults (SoftHSM2 answers a wrong tag with `CKR_GENERAL_ERROR`).
fn ambiguous_decrypt_failure(e: &P11Error) -> bool {
    matches!(
        e,
        P11Error::Pkcs11(
            RvError::GeneralError | RvError::FunctionFailed,
            cryptoki::context::Function::Decrypt
        )
    )
}

fn internal(what: &str, e: &P11Error) -> CryptoError {
    CryptoError::Internal(format!("{what}: {}", describe_error(e)))
}

/// `C_Login returned CKR_PIN_INCORRECT` rather than the library's paragraph of prose.
pub fn describe_error(e: &P11Error) -> String {
    match e {
        P11Error::Pkcs11(rv, function) => {
            format!("C_{function:?} returned {}", ckr_name(*rv))
        }
        other => other.to_string(),
    }
}

/// `PinIncorrect` → `CKR_PIN_INCORRECT`.
fn ckr_name(rv: RvError) -> String {
    let camel = format!("{rv:?}");
    let mut name = String::from("CKR");
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
    }
    name
}

fn utf8_pin(pin: &SecretBytes, which: &str) -> Result<AuthPin, CryptoError> {
    let text = std::str::from_utf8(pin.expose())
        .map_err(|_| CryptoError::InvalidInput(format!("the {which} must be UTF-8 text")))?;
    Ok(AuthPin::new(text.to_owned()))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use std::sync::Arc;

    use cryptoki::object::AttributeInfo;

    use super::*;

    const SO_PIN: &[u8] = b"so-pin-31415";
    const USER_PIN: &[u8] = b"user-pin-27182";
    const AAD: &[u8] = b"vault:payments";

    /// SoftHSM2 set up once per test process: a temporary token directory, named by
    /// `SOFTHSM2_CONF` before the module is first initialised.
    struct TestHsm {
        module: PathBuf,
        _dir: tempfile::TempDir,
    }

    fn test_hsm() -> Option<&'static TestHsm> {
        static HSM: OnceLock<Option<TestHsm>> = OnceLock::new();
        HSM.get_or_init(|| {
            let module = softhsm_module().filter(|p| p.is_file())?;
            remove_stale_token_dirs();
            // Statics are never dropped, so the directory outlives the process: its name
            // carries the pid for the next run's clean-up.
            let dir = tempfile::Builder::new()
                .prefix(&format!("{TOKEN_DIR_PREFIX}{}-", std::process::id()))
                .tempdir()
                .unwrap();
            let conf = write_softhsm_conf(dir.path()).unwrap();
            std::env::set_var("SOFTHSM2_CONF", &conf);
            Some(TestHsm { module, _dir: dir })
        })
        .as_ref()
    }

    const TOKEN_DIR_PREFIX: &str = "keyhaven-softhsm-";

    /// Removes token directories left by earlier test processes that have exited (Linux:
    /// no `/proc/<pid>`). Elsewhere it removes nothing.
    fn remove_stale_token_dirs() {
        if !Path::new("/proc/self").exists() {
            return;
        }
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(pid) = name
                .strip_prefix(TOKEN_DIR_PREFIX)
                .and_then(|rest| rest.split('-').next())
                .and_then(|pid| pid.parse::<u32>().ok())
            else {
                continue;
            };
            if !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }

    /// The test HSM, or `None` (with the reason printed) when SoftHSM2 is not installed.
    /// With `CI=true` a missing SoftHSM2 fails the test instead.
    fn hsm_or_skip(test: &str) -> Option<&'static TestHsm> {
        let hsm = test_hsm();
        if hsm.is_none() {
            let reason = "SoftHSM2 module not found (install softhsm2, or set SOFTHSM2_MODULE)";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{test}: {reason}; CI=true requires it");
            }
            eprintln!("skipping {test}: {reason}");
        }
        hsm
    }

    /// A freshly initialised token labelled `label` (unique per test) and its config.
    fn new_token(hsm: &TestHsm, label: &str) -> Pkcs11Config {
        init_token(
            &hsm.module,
            label,
            &SecretBytes::from_slice(SO_PIN),
            &SecretBytes::from_slice(USER_PIN),
        )
        .unwrap();
        Pkcs11Config {
            module: hsm.module.clone(),
            token_label: label.to_string(),
            pin: SecretBytes::from_slice(USER_PIN),
        }
    }

    fn kek() -> Vec<u8> {
        (0u8..32)
            .map(|i| i.wrapping_mul(7).wrapping_add(3))
            .collect()
    }

    #[test]
    fn generate_wrap_unwrap_round_trip() {
        let Some(hsm) = hsm_or_skip("generate_wrap_unwrap_round_trip") else {
            return;
        };
        let cfg = new_token(hsm, "kh-roundtrip");
        let root = Pkcs11Root::generate(&cfg, 1).unwrap();
        assert_eq!(root.generation(), 1);
        assert_eq!(
            root.describe(),
            "pkcs11 token \"kh-roundtrip\" key \"keyhaven-root-1\""
        );

        let wrapped = root.wrap(AAD, &kek()).unwrap();
        assert_eq!(wrapped.len(), NONCE_LEN + 32 + TAG_LEN);
        assert_ne!(&wrapped[NONCE_LEN..NONCE_LEN + 32], kek().as_slice());
        assert_eq!(root.unwrap(AAD, &wrapped).unwrap().expose(), kek());

        // A fresh IV each time.
        let again = root.wrap(AAD, &kek()).unwrap();
        assert_ne!(wrapped[..NONCE_LEN], again[..NONCE_LEN]);
        assert_ne!(wrapped, again);

        // Edge lengths: empty and the 64-byte maximum round-trip; 65 bytes is refused.
        for len in [0usize, 1, 64] {
            let secret = vec![0xA5; len];
            let w = root.wrap(b"", &secret).unwrap();
            assert_eq!(root.unwrap(b"", &w).unwrap().expose(), secret);
        }
        assert!(matches!(
            root.wrap(AAD, &[0; 65]),
            Err(CryptoError::InvalidInput(_))
        ));
    }

    #[test]
    fn tampered_or_mismatched_input_is_refused() {
        let Some(hsm) = hsm_or_skip("tampered_or_mismatched_input_is_refused") else {
            return;
        };
        let cfg = new_token(hsm, "kh-tamper");
        let root = Pkcs11Root::generate(&cfg, 1).unwrap();
        let wrapped = root.wrap(AAD, &kek()).unwrap();

        assert_eq!(
            root.unwrap(b"vault:other", &wrapped),
            Err(CryptoError::AuthenticationFailed)
        );
        assert_eq!(
            root.unwrap(b"", &wrapped),
            Err(CryptoError::AuthenticationFailed)
        );
        // One flipped bit in the IV, the ciphertext, and the tag.
        for at in [
            0,
            NONCE_LEN - 1,
            NONCE_LEN,
            NONCE_LEN + 31,
            wrapped.len() - 1,
        ] {
            let mut bad = wrapped.clone();
            bad[at] ^= 0x01;
            assert_eq!(
                root.unwrap(AAD, &bad),
                Err(CryptoError::AuthenticationFailed),
                "flipped byte {at}"
            );
        }
        // Shortened but still long enough to parse: the tag no longer matches.
        assert_eq!(
            root.unwrap(AAD, &wrapped[..wrapped.len() - 1]),
            Err(CryptoError::AuthenticationFailed)
        );
        assert_eq!(
            root.unwrap(AAD, &wrapped[..NONCE_LEN + TAG_LEN]),
            Err(CryptoError::AuthenticationFailed)
        );
        // Too short to hold an IV and a tag, or longer than anything wrap produces.
        for bad in [
            &wrapped[..NONCE_LEN + TAG_LEN - 1],
            &wrapped[..3],
            &[][..],
            &[0u8; NONCE_LEN + MAX_SECRET_LEN + TAG_LEN + 1][..],
        ] {
            assert!(
                matches!(root.unwrap(AAD, bad), Err(CryptoError::InvalidInput(_))),
                "{} bytes",
                bad.len()
            );
        }
        // The session is still usable after all those failures.
        assert_eq!(root.unwrap(AAD, &wrapped).unwrap().expose(), kek());
    }

    #[test]
    fn reopened_key_unwraps_what_the_first_wrapped() {
        let Some(hsm) = hsm_or_skip("reopened_key_unwraps_what_the_first_wrapped") else {
            return;
        };
        let cfg = new_token(hsm, "kh-restart");
        let first = Pkcs11Root::generate(&cfg, 1).unwrap();
        let wrapped = first.wrap(AAD, &kek()).unwrap();
        drop(first);

        let second = Pkcs11Root::open(&cfg, 1).unwrap();
        assert_eq!(second.unwrap(AAD, &wrapped).unwrap().expose(), kek());

        // Two open handles on the same key at once work side by side.
        let third = Pkcs11Root::open(&cfg, 1).unwrap();
        let w3 = third.wrap(AAD, &kek()).unwrap();
        assert_eq!(second.unwrap(AAD, &w3).unwrap().expose(), kek());
        drop(second);
        assert_eq!(third.unwrap(AAD, &wrapped).unwrap().expose(), kek());
    }

    #[test]
    fn wrong_pin_is_reported_without_the_pin() {
        let Some(hsm) = hsm_or_skip("wrong_pin_is_reported_without_the_pin") else {
            return;
        };
        let cfg = new_token(hsm, "kh-wrongpin");
        // Generate, then close every session so the token is logged out again (login
        // state is shared by all sessions of the process).
        drop(Pkcs11Root::generate(&cfg, 1).unwrap());

        let wrong = Pkcs11Config {
            pin: SecretBytes::from_slice(b"guess-9876"),
            ..cfg.clone()
        };
        let err = Pkcs11Root::open(&wrong, 1).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("wrong PIN"), "{shown}");
        assert!(shown.contains("kh-wrongpin"), "{shown}");
        assert!(!shown.contains("guess-9876"), "{shown}");
        assert!(!shown.contains("user-pin"), "{shown}");

        // The right PIN still opens it.
        Pkcs11Root::open(&cfg, 1).unwrap();
    }

    #[test]
    fn missing_module_token_or_generation_is_a_clear_error() {
        let Some(hsm) = hsm_or_skip("missing_module_token_or_generation_is_a_clear_error") else {
            return;
        };
        let cfg = new_token(hsm, "kh-missing");
        Pkcs11Root::generate(&cfg, 1).unwrap();

        let err = Pkcs11Root::open(&cfg, 7).unwrap_err();
        assert!(matches!(err, CryptoError::InvalidKeyMaterial(_)), "{err:?}");
        assert!(err.to_string().contains("keyhaven-root-7"), "{err}");
        assert!(err.to_string().contains("kh-missing"), "{err}");

        let no_token = Pkcs11Config {
            token_label: "kh-no-such-token".into(),
            ..cfg.clone()
        };
        let err = Pkcs11Root::open(&no_token, 1).unwrap_err();
        assert!(
            err.to_string()
                .contains("no initialised PKCS#11 token is labelled \"kh-no-such-token\""),
            "{err}"
        );

        let no_module = Pkcs11Config {
            module: PathBuf::from("/nonexistent/libno-such-pkcs11.so"),
            ..cfg
        };
        let err = Pkcs11Root::open(&no_module, 1).unwrap_err();
        assert!(
            err.to_string()
                .contains("cannot load PKCS#11 module /nonexistent/libno-such-pkcs11.so"),
            "{err}"
        );
        assert!(!err.to_string().contains("user-pin"), "{err}");
    }

    #[test]
    fn generate_refuses_an_existing_label() {
        let Some(hsm) = hsm_or_skip("generate_refuses_an_existing_label") else {
            return;
        };
        let cfg = new_token(hsm, "kh-dup");
        let root = Pkcs11Root::generate(&cfg, 3).unwrap();
        let wrapped = root.wrap(AAD, &kek()).unwrap();

        let err = Pkcs11Root::generate(&cfg, 3).unwrap_err();
        assert!(matches!(err, CryptoError::InvalidInput(_)), "{err:?}");
        assert!(
            err.to_string()
                .contains("already has an object labelled \"keyhaven-root-3\""),
            "{err}"
        );
        // The refused attempt left the original key alone.
        assert_eq!(root.unwrap(AAD, &wrapped).unwrap().expose(), kek());
        assert_eq!(count_keys(&root), 1);
    }

    fn count_keys(root: &Pkcs11Root) -> usize {
        root.with_session(|live| {
            live.session
                .find_objects(&[Attribute::Label(root.key_label().as_bytes().to_vec())])
        })
        .ok()
        .unwrap()
        .len()
    }

    #[test]
    fn key_is_sensitive_and_never_leaves_the_token() {
        let Some(hsm) = hsm_or_skip("key_is_sensitive_and_never_leaves_the_token") else {
            return;
        };
        let cfg = new_token(hsm, "kh-attrs");
        let root = Pkcs11Root::generate(&cfg, 1).unwrap();
        let (attrs, value_info, value_read) = root
            .with_session(|live| {
                let attrs = live.session.get_attributes(
                    live.key,
                    &[
                        AttributeType::Token,
                        AttributeType::Private,
                        AttributeType::Sensitive,
                        AttributeType::AlwaysSensitive,
                        AttributeType::Extractable,
                        AttributeType::NeverExtractable,
                        AttributeType::Encrypt,
                        AttributeType::Decrypt,
                        AttributeType::Wrap,
                        AttributeType::Unwrap,
                        AttributeType::Derive,
                        AttributeType::ValueLen,
                        AttributeType::Id,
                        AttributeType::Label,
                    ],
                )?;
                let info = live
                    .session
                    .get_attribute_info(live.key, &[AttributeType::Value])?;
                let read = live
                    .session
                    .get_attributes(live.key, &[AttributeType::Value])?;
                Ok((attrs, info, read))
            })
            .unwrap();

        let mut seen = 0;
        for attr in &attrs {
            seen += 1;
            match attr {
                Attribute::Token(v)
                | Attribute::Private(v)
                | Attribute::Sensitive(v)
                | Attribute::AlwaysSensitive(v)
                | Attribute::NeverExtractable(v)
                | Attribute::Encrypt(v)
                | Attribute::Decrypt(v) => assert!(*v, "{attr:?}"),
                Attribute::Extractable(v)
                | Attribute::Wrap(v)
                | Attribute::Unwrap(v)
                | Attribute::Derive(v) => assert!(!*v, "{attr:?}"),
                Attribute::ValueLen(v) => assert_eq!(**v, 32),
                Attribute::Id(id) => assert_eq!(id.len(), 16),
                Attribute::Label(l) => assert_eq!(l.as_slice(), b"keyhaven-root-1"),
                other => panic!("unexpected attribute {other:?}"),
            }
        }
        assert_eq!(seen, 14, "every attribute read back: {attrs:?}");
        // CKA_VALUE cannot be read: the module answers CKR_ATTRIBUTE_SENSITIVE.
        assert!(
            matches!(value_info.as_slice(), [AttributeInfo::Sensitive]),
            "{value_info:?}"
        );
        assert!(value_read.is_empty(), "CKA_VALUE was returned");
        // Marking it extractable again is refused by the token.
        let relax = root.with_session(|live| {
            live.session
                .update_attributes(live.key, &[Attribute::Extractable(true)])
        });
        assert!(relax.is_err());
    }

    #[test]
    fn open_refuses_an_unprotected_key() {
        let Some(hsm) = hsm_or_skip("open_refuses_an_unprotected_key") else {
            return;
        };
        let cfg = new_token(hsm, "kh-weak");
        // Plant an extractable, non-sensitive AES key under a root key label.
        let ctx = context(&cfg.module).unwrap();
        let session = login_session(&ctx, &cfg.token_label, &cfg.pin).unwrap();
        session
            .generate_key(
                &Mechanism::AesKeyGen,
                &[
                    Attribute::Class(ObjectClass::SECRET_KEY),
                    Attribute::KeyType(KeyType::AES),
                    Attribute::ValueLen(32.into()),
                    Attribute::Token(true),
                    Attribute::Private(true),
                    Attribute::Sensitive(false),
                    Attribute::Extractable(true),
                    Attribute::Encrypt(true),
                    Attribute::Decrypt(true),
                    Attribute::Label(key_label(5).into_bytes()),
                ],
            )
            .unwrap();
        drop(session);

        let err = Pkcs11Root::open(&cfg, 5).unwrap_err();
        assert!(matches!(err, CryptoError::InvalidKeyMaterial(_)), "{err:?}");
        assert!(
            err.to_string().contains("not a protected root key"),
            "{err}"
        );
    }

    #[test]
    fn destroyed_key_cannot_be_opened_or_used() {
        let Some(hsm) = hsm_or_skip("destroyed_key_cannot_be_opened_or_used") else {
            return;
        };
        let cfg = new_token(hsm, "kh-destroy");
        let root = Pkcs11Root::generate(&cfg, 2).unwrap();
        let wrapped = root.wrap(AAD, &kek()).unwrap();
        root.destroy().unwrap();

        let err = Pkcs11Root::open(&cfg, 2).unwrap_err();
        assert!(err.to_string().contains("keyhaven-root-2"), "{err}");
        let err = root.unwrap(AAD, &wrapped).unwrap_err();
        assert!(matches!(err, CryptoError::InvalidKeyMaterial(_)), "{err:?}");
        assert!(root.wrap(AAD, &kek()).is_err());
        // The generation label is free again only through an explicit generate.
        Pkcs11Root::generate(&cfg, 2).unwrap();
    }

    #[test]
    fn generations_are_independent_keys() {
        let Some(hsm) = hsm_or_skip("generations_are_independent_keys") else {
            return;
        };
        let cfg = new_token(hsm, "kh-gens");
        let gen1 = Pkcs11Root::generate(&cfg, 1).unwrap();
        let gen2 = Pkcs11Root::generate(&cfg, 2).unwrap();
        assert_eq!(gen2.generation(), 2);

        let w1 = gen1.wrap(AAD, &kek()).unwrap();
        let w2 = gen2.wrap(AAD, &kek()).unwrap();
        assert_eq!(
            gen2.unwrap(AAD, &w1),
            Err(CryptoError::AuthenticationFailed)
        );
        assert_eq!(
            gen1.unwrap(AAD, &w2),
            Err(CryptoError::AuthenticationFailed)
        );
        assert_eq!(gen1.unwrap(AAD, &w1).unwrap().expose(), kek());
        assert_eq!(gen2.unwrap(AAD, &w2).unwrap().expose(), kek());
        // Rotation: re-wrap under gen 2, destroy gen 1; gen 2 still works.
        let rewrapped = gen2
            .wrap(AAD, gen1.unwrap(AAD, &w1).unwrap().expose())
            .unwrap();
        gen1.destroy().unwrap();
        assert_eq!(gen2.unwrap(AAD, &rewrapped).unwrap().expose(), kek());
    }

    #[test]
    fn lost_login_is_recovered_once() {
        let Some(hsm) = hsm_or_skip("lost_login_is_recovered_once") else {
            return;
        };
        let cfg = new_token(hsm, "kh-relogin");
        let root = Pkcs11Root::generate(&cfg, 1).unwrap();
        let wrapped = root.wrap(AAD, &kek()).unwrap();

        // Log the application out of the token behind the root's back.
        {
            let guard = root.live.lock().unwrap();
            guard.as_ref().unwrap().session.logout().unwrap();
        }
        assert_eq!(root.unwrap(AAD, &wrapped).unwrap().expose(), kek());

        // Replace the session with one that was never logged in: same recovery.
        {
            let ctx = context(&cfg.module).unwrap();
            let slot = token_slots(&ctx, &cfg.token_label).unwrap()[0];
            let mut guard = root.live.lock().unwrap();
            let key = guard.as_ref().unwrap().key;
            guard.as_ref().unwrap().session.logout().unwrap();
            *guard = Some(Live {
                session: ctx.open_rw_session(slot).unwrap(),
                key,
            });
        }
        let again = root.wrap(AAD, &kek()).unwrap();
        assert_eq!(root.unwrap(AAD, &again).unwrap().expose(), kek());
    }

    #[test]
    fn one_root_serves_many_threads() {
        let Some(hsm) = hsm_or_skip("one_root_serves_many_threads") else {
            return;
        };
        let cfg = new_token(hsm, "kh-threads");
        let root: Arc<dyn RootKey> = Arc::new(Pkcs11Root::generate(&cfg, 1).unwrap());
        let workers: Vec<_> = (0u8..4)
            .map(|t| {
                let root = Arc::clone(&root);
                std::thread::spawn(move || {
                    for i in 0u8..25 {
                        let secret = vec![t ^ i; 32];
                        let aad = [t, i];
                        let w = root.wrap(&aad, &secret).unwrap();
                        assert_eq!(root.unwrap(&aad, &w).unwrap().expose(), secret);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
    }

    #[test]
    fn tokens_initialised_after_start_are_visible() {
        let Some(hsm) = hsm_or_skip("tokens_initialised_after_start_are_visible") else {
            return;
        };
        // C_Initialize first (a no-op if another test did); the tokens are initialised
        // after it, each on the next free slot SoftHSM2 offers.
        let ctx = context(&hsm.module).unwrap();
        let a = new_token(hsm, "kh-visible-a");
        let b = new_token(hsm, "kh-visible-b");
        assert_eq!(token_slots(&ctx, "kh-visible-a").unwrap().len(), 1);
        assert_eq!(token_slots(&ctx, "kh-visible-b").unwrap().len(), 1);
        {
            // Other tests initialise tokens concurrently: look while none does.
            let _serialised = INIT_LOCK.lock().unwrap();
            assert!(free_slot(&ctx).unwrap().is_some(), "a free slot remains");
        }
        Pkcs11Root::generate(&a, 1).unwrap();
        Pkcs11Root::generate(&b, 1).unwrap();

        let err = init_token(
            &hsm.module,
            "kh-visible-a",
            &SecretBytes::from_slice(SO_PIN),
            &SecretBytes::from_slice(USER_PIN),
        )
        .unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        // The refused re-initialisation did not wipe the token.
        Pkcs11Root::open(&a, 1).unwrap();

        let long = "x".repeat(33);
        assert!(matches!(
            init_token(
                &hsm.module,
                &long,
                &SecretBytes::from_slice(SO_PIN),
                &SecretBytes::from_slice(USER_PIN)
            ),
            Err(CryptoError::InvalidInput(_))
        ));
    }

    #[test]
    fn debug_output_never_shows_the_pin() {
        let cfg = Pkcs11Config {
            module: PathBuf::from("/usr/lib/softhsm/libsofthsm2.so"),
            token_label: "kh-debug".into(),
            pin: SecretBytes::from_slice(b"pin-never-shown-4242"),
        };
        let shown = format!("{cfg:?} {cfg:#?}");
        assert!(shown.contains("kh-debug"), "{shown}");
        assert!(!shown.contains("pin-never-shown-4242"), "{shown}");
        assert!(!shown.contains("4242"), "{shown}");

        let Some(hsm) = hsm_or_skip("debug_output_never_shows_the_pin") else {
            return;
        };
        let cfg = new_token(hsm, "kh-debug");
        let root = Pkcs11Root::generate(&cfg, 1).unwrap();
        let shown = format!("{root:?}");
        assert!(shown.contains("keyhaven-root-1"), "{shown}");
        assert!(!shown.contains("user-pin"), "{shown}");
    }

    #[test]
    fn error_names_are_the_spec_names() {
        assert_eq!(ckr_name(RvError::PinIncorrect), "CKR_PIN_INCORRECT");
        assert_eq!(
            ckr_name(RvError::EncryptedDataInvalid),
            "CKR_ENCRYPTED_DATA_INVALID"
        );
    }
}
