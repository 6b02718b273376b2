//! Sealed and unsealed: how the server gets its root key, and what it holds while running.
//!
//! An instance is initialised once (`keyhaven init`, or `serve --dev` on first start) with one
//! unseal method, stored in the database (non-secret parameters only):
//!
//! | method       | unseal key                               | root key                        |
//! |--------------|------------------------------------------|---------------------------------|
//! | `dev`        | `DATA_DIR/root.key`                       | generation 1 = the unseal key   |
//! | `passphrase` | Argon2id(passphrase, stored salt)        | random, wrapped under the unseal key |
//! | `shamir`     | recombined from `threshold` of the shares | random, wrapped under the unseal key |
//! | `pkcs11`     | (none: the HSM holds the key)            | non-extractable AES key in the HSM |
//!
//! Until unsealed the server answers only health, readiness, seal status and unseal.

use std::sync::{Arc, Mutex, RwLock};

use keyhaven_core::access::Caller;
use keyhaven_core::root::RotationReport;
use keyhaven_core::shamir::{self, ShamirError, Share};
use keyhaven_core::{
    Clock, CryptoError, CryptoProvider, Error, InitAdmin, InitSeal, KeyService, RootKey,
    RootKeyRecord, SealRecord, SecretBytes, ServiceConfig, Store,
};
use keyhaven_crypto::unseal::{derive_unseal_key, unwrap_root_key, wrap_root_key};
use keyhaven_crypto::{Argon2Params, Pkcs11Config, Pkcs11Root, SoftwareProvider, SoftwareRoot};
use serde::{Deserialize, Serialize};

/// Non-secret parameters of the passphrase method.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct PassphraseParams {
    /// Argon2id salt, hex.
    pub salt: String,
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

/// Non-secret parameters of the Shamir method.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ShamirParams {
    /// Shares needed.
    pub threshold: u8,
    /// Shares made.
    pub shares: u8,
    /// Identifies the share set (hex), printed in every share.
    pub set_id: String,
}

/// Non-secret parameters of the PKCS#11 method.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Pkcs11Params {
    /// Token label.
    pub token_label: String,
    /// Module path used at initialisation (a hint; the server's configuration wins).
    pub module: String,
}

/// How a new instance is to be sealed.
pub enum InitMethod {
    /// Development: the unseal key is `DATA_DIR/root.key`.
    Dev {
        /// The key file's 32 bytes.
        key: SecretBytes,
    },
    /// A passphrase through Argon2id.
    Passphrase {
        /// The passphrase.
        passphrase: SecretBytes,
        /// Cost parameters.
        params: Argon2Params,
    },
    /// Shamir shares of a random unseal key.
    Shamir {
        /// Shares to make (2-255).
        shares: u8,
        /// Shares needed (2..=shares).
        threshold: u8,
    },
    /// A key in a PKCS#11 token.
    Pkcs11(Pkcs11Config),
}

/// What unsealing needs that is not in the database.
#[derive(Clone, Default)]
pub struct UnsealConfig {
    /// The development key (`serve --dev`).
    pub dev_key: Option<SecretBytes>,
    /// The HSM (module, token, PIN) for the `pkcs11` method.
    pub pkcs11: Option<Pkcs11Config>,
}

/// One unseal attempt's input.
#[derive(Default)]
pub struct UnsealInput {
    /// One Shamir share (text).
    pub share: Option<SecretBytes>,
    /// The passphrase.
    pub passphrase: Option<SecretBytes>,
    /// The HSM user PIN, if not configured.
    pub pin: Option<SecretBytes>,
    /// Forget the shares given so far.
    pub reset: bool,
}

/// The seal's state as shown to clients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// Sealed?
    pub sealed: bool,
    /// Method, if initialised.
    pub method: Option<String>,
    /// Shamir threshold.
    pub threshold: Option<u8>,
    /// Shamir shares given.
    pub progress: Option<u8>,
    /// Current root generation (unsealed).
    pub root_generation: Option<u32>,
}

/// Failures of unsealing and initialisation. Messages never contain secrets.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The material does not open the instance (wrong passphrase, bad shares, wrong HSM key).
    #[error("{0}")]
    Failed(String),
    /// The request does not fit the method (a share for a passphrase instance, ...).
    #[error("{0}")]
    Invalid(String),
    /// Already unsealed.
    #[error("the server is unsealed already")]
    AlreadyUnsealed,
    /// The database or HSM failed.
    #[error("{0}")]
    Backend(String),
}

impl From<Error> for SealError {
    fn from(e: Error) -> Self {
        match e {
            Error::UnsealFailed(m) => SealError::Failed(m),
            other => SealError::Backend(other.to_string()),
        }
    }
}

impl From<CryptoError> for SealError {
    fn from(e: CryptoError) -> Self {
        SealError::Backend(e.to_string())
    }
}

/// After an HSM rotation: the configuration and the generations to delete from the token.
type RetiredHsmKeys = Option<(Pkcs11Config, Vec<u32>)>;

struct Unsealed {
    service: Arc<KeyService>,
    /// The unseal key of software methods, kept to wrap new root keys at rotation.
    unseal_key: Option<SecretBytes>,
}

/// The root of trust of a running server.
pub struct Seal {
    store: Arc<dyn Store>,
    crypto: Arc<SoftwareProvider>,
    clock: Arc<dyn Clock>,
    service_config: ServiceConfig,
    config: UnsealConfig,
    state: RwLock<Option<Unsealed>>,
    shares: Mutex<Vec<Share>>,
    /// One unseal or rotation at a time (Argon2id is deliberately slow).
    busy: tokio::sync::Mutex<()>,
    /// Background work (jobs, scheduled backups) holds this shared while it runs on a
    /// service; a full restore holds it exclusively from before it replaces the data until
    /// the reopened service is installed, so no job signs a checkpoint or writes a row with
    /// the replaced instance's keys over the restored data.
    background: tokio::sync::RwLock<()>,
}

use keyhaven_core::hex::{decode as unhex, encode as hex};

fn read_guard<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    match l.read() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

fn write_guard<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    match l.write() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// The token, shares and public key produced by initialisation, shown once.
pub struct Initialised {
    /// The service, unsealed.
    pub service: Arc<KeyService>,
    /// The first administrator's token.
    pub admin_token: SecretBytes,
    /// Shamir shares (text), empty for other methods.
    pub shares: Vec<SecretBytes>,
    /// The unseal key kept for rotation (software methods).
    unseal_key: Option<SecretBytes>,
}

/// Initialises `store` with `method`; the first administrator is `admin`.
pub async fn initialize(
    store: Arc<dyn Store>,
    crypto: Arc<SoftwareProvider>,
    clock: Arc<dyn Clock>,
    service_config: ServiceConfig,
    method: InitMethod,
    admin: InitAdmin,
) -> Result<Initialised, SealError> {
    let mut shares_out = Vec::new();
    let (root, seal, unseal_key): (Arc<dyn RootKey>, InitSeal, Option<SecretBytes>) = match method {
        InitMethod::Dev { key } => (
            Arc::new(SoftwareRoot::new(1, key.clone())?),
            InitSeal {
                method: "dev".to_owned(),
                params: "{}".to_owned(),
                wrapped_root: None,
            },
            Some(key),
        ),
        InitMethod::Passphrase { passphrase, params } => {
            let mut salt = [0u8; 16];
            crypto.random(&mut salt)?;
            let p = PassphraseParams {
                salt: hex(&salt),
                memory_kib: params.memory_kib,
                iterations: params.iterations,
                parallelism: params.parallelism,
            };
            let u = derive_unseal_key(passphrase.expose(), &salt, params)
                .map_err(|e| SealError::Invalid(e.to_string()))?;
            let root = SoftwareRoot::generate(1)?;
            let wrapped = wrap_root_key(&u, 1, root.secret())?;
            (
                Arc::new(root),
                InitSeal {
                    method: "passphrase".to_owned(),
                    params: to_json(&p)?,
                    wrapped_root: Some(wrapped),
                },
                Some(u),
            )
        }
        InitMethod::Shamir { shares, threshold } => {
            let mut u = SecretBytes::zeroed(32);
            crypto.random(u.expose_mut())?;
            let mut set_id = [0u8; 4];
            crypto.random(&mut set_id)?;
            let mut random = |buf: &mut [u8]| crypto.random(buf);
            let parts = shamir::split(u.expose(), threshold, shares, &mut random)
                .map_err(|e| SealError::Invalid(e.to_string()))?;
            shares_out = parts
                .iter()
                .map(|s| SecretBytes::new(shamir::encode_share(s, set_id, threshold).into_bytes()))
                .collect();
            let root = SoftwareRoot::generate(1)?;
            let wrapped = wrap_root_key(&u, 1, root.secret())?;
            let p = ShamirParams {
                threshold,
                shares,
                set_id: hex(&set_id),
            };
            (
                Arc::new(root),
                InitSeal {
                    method: "shamir".to_owned(),
                    params: to_json(&p)?,
                    wrapped_root: Some(wrapped),
                },
                Some(u),
            )
        }
        InitMethod::Pkcs11(cfg) => {
            let root = match Pkcs11Root::generate(&cfg, 1) {
                Ok(r) => r,
                Err(e) => {
                    return Err(SealError::Invalid(format!(
                        "cannot create the root key in the HSM: {e}"
                    )))
                }
            };
            let p = Pkcs11Params {
                token_label: cfg.token_label.clone(),
                module: cfg.module.display().to_string(),
            };
            (
                Arc::new(root),
                InitSeal {
                    method: "pkcs11".to_owned(),
                    params: to_json(&p)?,
                    wrapped_root: None,
                },
                None,
            )
        }
    };
    let (service, token) =
        KeyService::initialize(store, crypto, clock, root, seal, admin, service_config).await?;
    Ok(Initialised {
        service: Arc::new(service),
        admin_token: token.secret,
        shares: shares_out,
        unseal_key,
    })
}

fn to_json<T: Serialize>(v: &T) -> Result<String, SealError> {
    serde_json::to_string(v).map_err(|e| SealError::Backend(e.to_string()))
}

fn from_json<T: for<'a> Deserialize<'a>>(s: &str) -> Result<T, SealError> {
    serde_json::from_str(s)
        .map_err(|e| SealError::Backend(format!("the stored seal parameters do not parse: {e}")))
}

impl Seal {
    /// A sealed server over `store`.
    pub fn new(
        store: Arc<dyn Store>,
        crypto: Arc<SoftwareProvider>,
        clock: Arc<dyn Clock>,
        service_config: ServiceConfig,
        config: UnsealConfig,
    ) -> Seal {
        Seal {
            store,
            crypto,
            clock,
            service_config,
            config,
            state: RwLock::new(None),
            shares: Mutex::new(Vec::new()),
            busy: tokio::sync::Mutex::new(()),
            background: tokio::sync::RwLock::new(()),
        }
    }

    /// Installs the service an initialisation produced (the server starts unsealed).
    pub fn adopt(&self, init: Initialised) -> Arc<KeyService> {
        let service = init.service.clone();
        *write_guard(&self.state) = Some(Unsealed {
            service: init.service,
            unseal_key: init.unseal_key,
        });
        service
    }

    /// The service, when unsealed.
    pub fn service(&self) -> Option<Arc<KeyService>> {
        read_guard(&self.state).as_ref().map(|u| u.service.clone())
    }

    /// The service for a piece of background work, with a guard to hold while the work
    /// runs: a full restore waits for it and no work starts on the service a restore is
    /// replacing. None when sealed.
    pub async fn service_for_background(
        &self,
    ) -> Option<(Arc<KeyService>, tokio::sync::RwLockReadGuard<'_, ()>)> {
        let guard = self.background.read().await;
        self.service().map(|s| (s, guard))
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        self.store.ping().await.is_ok()
    }

    /// The stored seal record.
    pub async fn record(&self) -> Result<Option<SealRecord>, SealError> {
        self.store
            .get_seal()
            .await
            .map_err(|e| SealError::Backend(e.to_string()))
    }

    /// The state as clients see it.
    pub async fn status(&self) -> Result<Status, SealError> {
        let record = self.record().await?;
        let service = self.service();
        let mut s = Status {
            sealed: service.is_none(),
            method: record.as_ref().map(|r| r.method.clone()),
            threshold: None,
            progress: None,
            root_generation: service.map(|s| s.root_info().0),
        };
        if let Some(r) = record.filter(|r| r.method == "shamir") {
            let p: ShamirParams = from_json(&r.params)?;
            s.threshold = Some(p.threshold);
            s.progress = Some(u8::try_from(lock(&self.shares).len()).unwrap_or(u8::MAX));
        }
        Ok(s)
    }

    /// Tries to unseal with `input` (or, for `dev` and configured `pkcs11`, with what the
    /// server holds). Shamir shares accumulate until the threshold is met.
    pub async fn unseal(&self, input: UnsealInput) -> Result<Status, SealError> {
        let _busy = self.busy.lock().await;
        if self.service().is_some() {
            return Err(SealError::AlreadyUnsealed);
        }
        let record = self
            .record()
            .await?
            .ok_or_else(|| SealError::Invalid("not initialised: run `keyhaven init`".to_owned()))?;
        let roots = self
            .store
            .root_keys()
            .await
            .map_err(|e| SealError::Backend(e.to_string()))?;
        let opened = match record.method.as_str() {
            "dev" => {
                let key = self.config.dev_key.clone().ok_or_else(|| {
                    SealError::Invalid(
                        "this instance was initialised in development mode; start it with \
                         `serve --dev`"
                            .to_owned(),
                    )
                })?;
                Some(
                    self.open_software(
                        key,
                        &roots,
                        "DATA_DIR/root.key does not open this development instance",
                    )
                    .await?,
                )
            }
            "passphrase" => {
                let passphrase = input.passphrase.ok_or_else(|| {
                    SealError::Invalid("this instance unseals with its passphrase".to_owned())
                })?;
                let p: PassphraseParams = from_json(&record.params)?;
                let salt = unhex(&p.salt)
                    .ok_or_else(|| SealError::Backend("stored salt is not hex".to_owned()))?;
                let params = Argon2Params {
                    memory_kib: p.memory_kib,
                    iterations: p.iterations,
                    parallelism: p.parallelism,
                };
                let u = tokio::task::spawn_blocking(move || {
                    derive_unseal_key(passphrase.expose(), &salt, params)
                })
                .await
                .map_err(|e| SealError::Backend(e.to_string()))?
                .map_err(|e| SealError::Invalid(e.to_string()))?;
                Some(self.open_software(u, &roots, "wrong passphrase").await?)
            }
            "shamir" => self.add_share(&record, &roots, input).await?,
            "pkcs11" => {
                let p: Pkcs11Params = from_json(&record.params)?;
                let mut cfg = self.config.pkcs11.clone().ok_or_else(|| {
                    SealError::Invalid(
                        "this instance's root key is in a PKCS#11 token: configure the module \
                         and PIN (--pkcs11-module, KEYHAVEN_PKCS11_PIN)"
                            .to_owned(),
                    )
                })?;
                if cfg.token_label.is_empty() {
                    cfg.token_label = p.token_label.clone();
                }
                if let Some(pin) = input.pin {
                    cfg.pin = pin;
                }
                Some(self.open_pkcs11(&cfg, &roots).await?)
            }
            other => {
                return Err(SealError::Backend(format!(
                    "unknown seal method {other:?} in the database"
                )))
            }
        };
        if let Some(unsealed) = opened {
            tracing::info!(method = %record.method, "unsealed");
            *write_guard(&self.state) = Some(unsealed);
        }
        drop(_busy);
        self.status().await
    }

    async fn add_share(
        &self,
        record: &SealRecord,
        roots: &[RootKeyRecord],
        input: UnsealInput,
    ) -> Result<Option<Unsealed>, SealError> {
        let p: ShamirParams = from_json(&record.params)?;
        if input.reset {
            lock(&self.shares).clear();
        }
        let Some(text) = input.share else {
            if input.reset {
                return Ok(None);
            }
            return Err(SealError::Invalid(format!(
                "this instance unseals with {} of its {} Shamir shares: give one share per \
                 request",
                p.threshold, p.shares
            )));
        };
        let text = std::str::from_utf8(text.expose())
            .map_err(|_| SealError::Invalid(ShamirError::NotAShare.to_string()))?;
        let (share, set_id, threshold) =
            shamir::decode_share(text).map_err(|e| SealError::Invalid(e.to_string()))?;
        if hex(&set_id) != p.set_id || threshold != p.threshold {
            return Err(SealError::Invalid(
                "this share belongs to another share set (another instance, or an older \
                 initialisation)"
                    .to_owned(),
            ));
        }
        let ready = {
            let mut shares = lock(&self.shares);
            if let Some(existing) = shares.iter().find(|s| s.x() == share.x()) {
                if existing.y() != share.y() {
                    return Err(SealError::Invalid(format!(
                        "share number {} was given already with other contents",
                        share.x()
                    )));
                }
            } else {
                shares.push(share);
            }
            (shares.len() >= usize::from(p.threshold)).then(|| shares.clone())
        };
        let Some(shares) = ready else {
            return Ok(None);
        };
        let result = match shamir::combine(&shares) {
            Ok(u) => {
                self.open_software(
                    u,
                    roots,
                    "the shares do not reconstruct the unseal key (a share is mistyped or from \
                     another set); start again",
                )
                .await
            }
            Err(e) => Err(SealError::Invalid(e.to_string())),
        };
        // Whatever happened, the shares are used up.
        lock(&self.shares).clear();
        result.map(Some)
    }

    async fn open_software(
        &self,
        unseal_key: SecretBytes,
        roots: &[RootKeyRecord],
        wrong: &str,
    ) -> Result<Unsealed, SealError> {
        let mut keys: Vec<Arc<dyn RootKey>> = Vec::new();
        for r in roots {
            let key = match &r.wrapped {
                None => unseal_key.clone(),
                Some(w) => match unwrap_root_key(&unseal_key, r.generation, w) {
                    Ok(k) => k,
                    Err(CryptoError::AuthenticationFailed) => {
                        return Err(SealError::Failed(wrong.to_owned()))
                    }
                    Err(e) => return Err(e.into()),
                },
            };
            keys.push(Arc::new(SoftwareRoot::new(r.generation, key)?));
        }
        let service = self.open_service(keys, wrong).await?;
        Ok(Unsealed {
            service,
            unseal_key: Some(unseal_key),
        })
    }

    async fn open_pkcs11(
        &self,
        cfg: &Pkcs11Config,
        roots: &[RootKeyRecord],
    ) -> Result<Unsealed, SealError> {
        let mut keys: Vec<Arc<dyn RootKey>> = Vec::new();
        for r in roots {
            let cfg = cfg.clone();
            let g = r.generation;
            let root = tokio::task::spawn_blocking(move || Pkcs11Root::open(&cfg, g))
                .await
                .map_err(|e| SealError::Backend(e.to_string()))?
                .map_err(|e| SealError::Failed(format!("HSM: {e}")))?;
            keys.push(Arc::new(root));
        }
        let service = self
            .open_service(keys, "the HSM key does not open this instance")
            .await?;
        Ok(Unsealed {
            service,
            unseal_key: None,
        })
    }

    async fn open_service(
        &self,
        roots: Vec<Arc<dyn RootKey>>,
        wrong: &str,
    ) -> Result<Arc<KeyService>, SealError> {
        match KeyService::open(
            self.store.clone(),
            self.crypto.clone(),
            self.clock.clone(),
            roots,
            self.service_config.clone(),
        )
        .await
        {
            Ok(s) => Ok(Arc::new(s)),
            Err(Error::UnsealFailed(_)) => Err(SealError::Failed(wrong.to_owned())),
            Err(e) => Err(e.into()),
        }
    }

    /// The HSM configuration with the token label recorded at initialisation filled in.
    async fn pkcs11_config(&self) -> Result<Pkcs11Config, Error> {
        let record = self
            .record()
            .await
            .map_err(|e| Error::Storage(e.to_string()))?
            .ok_or_else(|| Error::InvalidRequest("not initialised".to_owned()))?;
        let p: Pkcs11Params =
            from_json(&record.params).map_err(|e| Error::Storage(e.to_string()))?;
        let mut cfg = self
            .config
            .pkcs11
            .clone()
            .ok_or_else(|| Error::InvalidRequest("no PKCS#11 configuration".to_owned()))?;
        if cfg.token_label.is_empty() {
            cfg.token_label = p.token_label;
        }
        Ok(cfg)
    }

    /// The service and the unseal key, or an error when sealed.
    fn unsealed(&self) -> Result<(Arc<KeyService>, Option<SecretBytes>), Error> {
        let st = read_guard(&self.state);
        let u = st
            .as_ref()
            .ok_or_else(|| Error::InvalidRequest("the server is sealed".to_owned()))?;
        Ok((u.service.clone(), u.unseal_key.clone()))
    }

    /// Seals: forgets the service and the unseal key. Requests in flight finish.
    pub fn seal(&self) {
        *write_guard(&self.state) = None;
        lock(&self.shares).clear();
        tracing::warn!("sealed");
    }

    /// Full restore of `snapshot` into this (empty) instance, then the service is reopened
    /// with the same root keys: it now holds the backup's system secret, principals, tokens,
    /// vaults, keys and audit log. A record of the restore is appended to that log.
    pub async fn restore(
        &self,
        caller: &Caller,
        snapshot: &keyhaven_core::backup::Snapshot,
    ) -> Result<keyhaven_core::backup::RestoreReport, Error> {
        let _busy = self.busy.lock().await;
        // Background work in flight finishes first; none starts until the reopened service
        // is installed (it would sign with, or seal under, the replaced keys).
        let _background = self.background.write().await;
        let (service, unseal_key) = self.unsealed()?;
        let report = service.restore_snapshot(caller, snapshot).await?;
        let reopened = self
            .open_service(
                service.root_keys(),
                "the root key does not open the restored data",
            )
            .await
            .map_err(|e| Error::Storage(format!("restored, but reopening failed: {e}")))?;
        *write_guard(&self.state) = Some(Unsealed {
            service: reopened.clone(),
            unseal_key,
        });
        let detail = format!(
            "full restore of a backup of instance {} taken {} by node {}: {} vaults, {} keys, \
             {} audit records; this instance's previous {} audit records were replaced",
            snapshot.meta.source_instance.get(..16).unwrap_or(""),
            snapshot
                .meta
                .created_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            snapshot.meta.source_node,
            report.counts.get("vaults").copied().unwrap_or(0),
            report.counts.get("keys").copied().unwrap_or(0),
            snapshot.meta.audit_records,
            report.replaced_audit_records,
        );
        let event = keyhaven_core::AuditEvent {
            at: self.clock.now(),
            request_id: caller.context.request_id.clone(),
            principal: Some(caller.name().to_owned()),
            source: caller.context.source.map(|s| s.to_string()),
            action: "backup.restore".to_owned(),
            route: None,
            vault: None,
            key: None,
            key_version: None,
            outcome: keyhaven_core::access::Outcome::Success,
            code: None,
            detail: Some(detail),
        };
        if let Err(e) = reopened.record(event).await {
            tracing::error!(error = %e, "restored, but the restore could not be recorded in the audit log");
        }
        tracing::warn!("full restore done: principals, tokens and keys are now the backup's");
        Ok(report)
    }

    /// Rotates the root key: a new generation (random and wrapped under the unseal key, or a
    /// new key in the HSM), every KEK re-wrapped under it, old generations retired.
    pub async fn rotate_root(&self, caller: &Caller) -> Result<RotationReport, Error> {
        let _busy = self.busy.lock().await;
        let (service, unseal_key) = self.unsealed()?;
        caller.require_system(keyhaven_core::Permission::ManageSeal)?;
        let (current, _) = service.root_info();
        let next = current
            .checked_add(1)
            .ok_or_else(|| Error::InvalidRequest("no generations left".to_owned()))?;
        let now = self.clock.now();
        let (root, hsm): (Arc<dyn RootKey>, RetiredHsmKeys) = match unseal_key {
            Some(u) => {
                let root = SoftwareRoot::generate(next)?;
                let wrapped = wrap_root_key(&u, next, root.secret())?;
                self.store
                    .add_root_key(&RootKeyRecord {
                        generation: next,
                        wrapped: Some(wrapped),
                        created_at: now,
                    })
                    .await?;
                (Arc::new(root), None)
            }
            None => {
                let cfg = self.pkcs11_config().await?;
                let c = cfg.clone();
                let root = tokio::task::spawn_blocking(move || {
                    Pkcs11Root::generate(&c, next).or_else(|_| Pkcs11Root::open(&c, next))
                })
                .await
                .map_err(|e| Error::Crypto(e.to_string()))?
                .map_err(|e| Error::Crypto(format!("HSM: {e}")))?;
                self.store
                    .add_root_key(&RootKeyRecord {
                        generation: next,
                        wrapped: None,
                        created_at: now,
                    })
                    .await?;
                (Arc::new(root), Some((cfg, (1..next).collect())))
            }
        };
        let report = service.rotate_root(caller, root).await?;
        if let Some((cfg, old)) = hsm {
            // The retired generations wrap nothing any more: delete them from the token.
            for g in old {
                if let Ok(key) = Pkcs11Root::open(&cfg, g) {
                    if let Err(e) = key.destroy() {
                        tracing::warn!(generation = g, error = %e, "could not delete a retired root key from the HSM");
                    }
                }
            }
        }
        Ok(report)
    }
}
