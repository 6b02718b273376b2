//! SoftHSM2 for tests: one configuration per test process (SoftHSM2 reads `SOFTHSM2_CONF`
//! when the module is first initialised), a fresh token per call.
//!
//! When SoftHSM2 is not installed, [`token`] prints why and returns `None` so a local run can
//! skip; with `CI=true` it panics instead, because CI installs it (`.ci/run`).

use std::path::PathBuf;
use std::sync::OnceLock;

use keyhaven_core::SecretBytes;
use keyhaven_crypto::pkcs11::{init_token, softhsm_module, write_softhsm_conf};
use keyhaven_crypto::Pkcs11Config;

struct Setup {
    module: PathBuf,
    conf: PathBuf,
    _dir: tempfile::TempDir,
}

fn setup() -> Result<&'static Setup, String> {
    static SETUP: OnceLock<Result<Setup, String>> = OnceLock::new();
    SETUP
        .get_or_init(|| {
            let module = softhsm_module()
                .ok_or_else(|| "SoftHSM2 is not installed (apt-get install softhsm2)".to_owned())?;
            let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
            let conf = write_softhsm_conf(dir.path()).map_err(|e| e.to_string())?;
            // Set before the first initialisation of the module in this process.
            std::env::set_var("SOFTHSM2_CONF", &conf);
            Ok(Setup {
                module,
                conf,
                _dir: dir,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The SoftHSM2 configuration file of this process (for child processes: pass it as
/// `SOFTHSM2_CONF`).
pub fn conf_path() -> Option<PathBuf> {
    setup().ok().map(|s| s.conf.clone())
}

/// A newly initialised token labelled `label` (user PIN `1234`), or `None` (with a printed
/// reason) when SoftHSM2 is missing outside CI.
///
/// Test support: it panics, failing the calling test, when CI needs SoftHSM2 and lacks it or
/// the token cannot be made.
#[allow(clippy::panic)]
pub fn token(label: &str) -> Option<Pkcs11Config> {
    let s = match setup() {
        Ok(s) => s,
        Err(why) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true and SoftHSM2 is unavailable: {why}");
            }
            eprintln!("skipping: {why}");
            return None;
        }
    };
    let pin = SecretBytes::from_slice(b"1234");
    if let Err(e) = init_token(&s.module, label, &SecretBytes::from_slice(b"5678"), &pin) {
        panic!("initialising SoftHSM2 token {label}: {e}");
    }
    Some(Pkcs11Config {
        module: s.module.clone(),
        token_label: label.to_owned(),
        pin,
    })
}
