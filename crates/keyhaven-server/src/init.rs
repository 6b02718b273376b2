//! `keyhaven init`: initialises a data directory with its root of trust, its first
//! administrator and (unless told otherwise) a TLS certificate authority and server
//! certificate. What it prints (token, Shamir shares) is shown once and stored nowhere.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use keyhaven_core::access::PrincipalName;
use keyhaven_core::{Clock, InitAdmin, SecretBytes, ServiceConfig, Store};
use keyhaven_crypto::SoftwareProvider;
use keyhaven_store::Database;

use crate::seal::{self, InitMethod, SealError};
use crate::{dev, pki, ServerError, SystemClock};

/// What to initialise.
pub struct InitOptions {
    /// Data directory (created with mode 0700).
    pub data_dir: PathBuf,
    /// The unseal method.
    pub method: InitMethod,
    /// Name of the first administrator (system-admin and system-auditor).
    pub admin: PrincipalName,
    /// Create `DATA_DIR/tls` (CA, server and client certificates) for this listen address.
    pub tls_for: Option<SocketAddr>,
    /// The database (`None`: `keyhaven.db` in the data directory).
    pub database: Option<Database>,
}

/// What initialisation produced. Show it once.
pub struct InitOutput {
    /// Method name.
    pub method: String,
    /// The first administrator.
    pub admin: String,
    /// Its token.
    pub admin_token: SecretBytes,
    /// Shamir shares (text), for the `shamir` method.
    pub shares: Vec<SecretBytes>,
    /// Raw Ed25519 key that verifies audit checkpoints.
    pub audit_public_key: Vec<u8>,
    /// The generated CA certificate, if TLS material was created.
    pub ca_path: Option<PathBuf>,
}

/// Initialises `opts.data_dir`. Refuses an initialised directory.
pub async fn init(opts: InitOptions) -> Result<InitOutput, ServerError> {
    dev::ensure_dir(&opts.data_dir)?;
    let (database, store) = crate::open_database(opts.database.as_ref(), &opts.data_dir).await?;
    let store_dyn: Arc<dyn Store> = store.store();
    let existing = store_dyn
        .get_seal()
        .await
        .map_err(|e| ServerError::Startup(e.to_string()))?;
    if let Some(r) = existing {
        store.close().await;
        return Err(ServerError::Startup(format!(
            "{} is initialised already (method {}); nothing was changed",
            database.display(),
            r.method
        )));
    }
    let method = match &opts.method {
        InitMethod::Dev { .. } => "dev",
        InitMethod::Passphrase { .. } => "passphrase",
        InitMethod::Shamir { .. } => "shamir",
        InitMethod::Pkcs11(_) => "pkcs11",
    }
    .to_owned();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let result = seal::initialize(
        store_dyn,
        Arc::new(SoftwareProvider::new()),
        clock,
        ServiceConfig::default(),
        opts.method,
        InitAdmin {
            name: opts.admin.clone(),
            token: None,
        },
    )
    .await;
    let init = match result {
        Ok(i) => i,
        Err(e) => {
            store.close().await;
            return Err(match e {
                SealError::Invalid(m) | SealError::Failed(m) | SealError::Backend(m) => {
                    ServerError::Startup(m)
                }
                SealError::AlreadyUnsealed => ServerError::Startup(e.to_string()),
            });
        }
    };
    let audit_public_key = init.service.audit_public_key();
    let ca_path = match opts.tls_for {
        Some(listen) => {
            let tls = opts.data_dir.join("tls");
            pki::ensure(&tls, listen, "keyhaven CA (created by keyhaven init)")?;
            Some(tls.join("ca.pem"))
        }
        None => None,
    };
    let out = InitOutput {
        method,
        admin: opts.admin.to_string(),
        admin_token: init.admin_token.clone(),
        shares: init.shares.clone(),
        audit_public_key,
        ca_path,
    };
    // Records the initialisation itself is in the audit log; sign a first checkpoint.
    let _ = init.service.checkpoint_audit().await;
    drop(init);
    store.close().await;
    Ok(out)
}
