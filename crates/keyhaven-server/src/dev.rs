//! Development bootstrap (`serve --dev`): a generated root key, root API token and development
//! CA with server and client certificates, created once in the data directory and reused.
//! None of this is fit for production; the server says so at start.

use std::fs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use base64::Engine;
use keyhaven_core::SecretBytes;

use crate::ServerError;

/// What `--dev` provides (TLS material is written to `DATA_DIR/tls`).
pub struct DevMaterial {
    /// The development unseal key (`DATA_DIR/root.key`), also root key generation 1.
    pub root_key: SecretBytes,
    /// The token of the first administrator, `root`.
    pub token: SecretBytes,
    /// Path of the token file.
    pub token_path: PathBuf,
}

pub(crate) fn startup(what: &str, e: impl std::fmt::Display) -> ServerError {
    ServerError::Startup(format!("{what}: {e}"))
}

/// Creates `dir` (mode 0700) if needed.
pub fn ensure_dir(dir: &Path) -> Result<(), ServerError> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(dir).map_err(|e| startup(&format!("cannot create {}", dir.display()), e))?;
    set_mode(dir, 0o700)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<(), ServerError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(|e| startup(&format!("cannot set permissions of {}", path.display()), e))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<(), ServerError> {
    Ok(())
}

/// Writes a secret file readable by the owner only (created with that mode, never wider).
pub(crate) fn write_private(path: &Path, data: &[u8]) -> Result<(), ServerError> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .map_err(|e| startup(&format!("cannot create {}", path.display()), e))?;
    f.write_all(data)
        .and_then(|()| f.sync_all())
        .map_err(|e| startup(&format!("cannot write {}", path.display()), e))
}

pub(crate) fn write_public(path: &Path, data: &[u8]) -> Result<(), ServerError> {
    fs::write(path, data).map_err(|e| startup(&format!("cannot write {}", path.display()), e))
}

fn read(path: &Path) -> Result<Vec<u8>, ServerError> {
    fs::read(path).map_err(|e| startup(&format!("cannot read {}", path.display()), e))
}

/// Loads the development material from `dir`, generating what is missing.
pub fn load_or_create(
    dir: &Path,
    listen: SocketAddr,
    random: &dyn Fn(&mut [u8]) -> Result<(), ServerError>,
) -> Result<DevMaterial, ServerError> {
    ensure_dir(dir)?;
    let key_path = dir.join("root.key");
    if !key_path.exists() {
        let mut k = SecretBytes::zeroed(32);
        random(k.expose_mut())?;
        write_private(&key_path, k.expose())?;
    }
    let root_key = SecretBytes::new(read(&key_path)?);
    if root_key.len() != 32 {
        return Err(ServerError::Startup(format!(
            "{} must hold exactly 32 bytes; remove it to generate a new one (this loses every key)",
            key_path.display()
        )));
    }

    let token_path = dir.join("root-token");
    if !token_path.exists() {
        let mut raw = SecretBytes::zeroed(32);
        random(raw.expose_mut())?;
        let token = format!(
            "khv_{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw.expose())
        );
        write_private(&token_path, token.as_bytes())?;
    }
    let mut token = read(&token_path)?;
    while token.last().is_some_and(|b| b.is_ascii_whitespace()) {
        token.pop();
    }
    if token.len() < 16 {
        return Err(ServerError::Startup(format!(
            "{} holds a token shorter than 16 characters; remove it to generate a new one",
            token_path.display()
        )));
    }

    crate::pki::ensure(
        &dir.join("tls"),
        listen,
        "keyhaven development CA (not for production)",
    )?;
    Ok(DevMaterial {
        root_key,
        token: SecretBytes::new(token),
        token_path,
    })
}
