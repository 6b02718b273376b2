//! Development bootstrap (`serve --dev`): a generated root key, root API token and development
//! CA with server and client certificates, created once in the data directory and reused.
//! None of this is fit for production; the server says so at start.

use std::fs;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

use base64::Engine;
use keyhaven_core::SecretBytes;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, SanType,
};

use crate::ServerError;

/// What `--dev` provides.
pub struct DevMaterial {
    /// The root key sealing vault KEKs.
    pub root_key: SecretBytes,
    /// The root API token.
    pub token: SecretBytes,
    /// Server certificate chain (PEM).
    pub server_cert_pem: Vec<u8>,
    /// Server private key (PEM).
    pub server_key_pem: SecretBytes,
    /// Path of the CA certificate clients trust.
    pub ca_path: PathBuf,
    /// Path of the root token file.
    pub token_path: PathBuf,
}

fn startup(what: &str, e: impl std::fmt::Display) -> ServerError {
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
fn write_private(path: &Path, data: &[u8]) -> Result<(), ServerError> {
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

fn write_public(path: &Path, data: &[u8]) -> Result<(), ServerError> {
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

    let tls = dir.join("tls");
    ensure_dir(&tls)?;
    let files = [
        "ca.pem",
        "ca-key.pem",
        "server.pem",
        "server-key.pem",
        "client.pem",
        "client-key.pem",
    ];
    if files.iter().any(|f| !tls.join(f).exists()) {
        for f in files {
            let _ = fs::remove_file(tls.join(f));
        }
        create_pki(&tls, listen)?;
    }
    Ok(DevMaterial {
        root_key,
        token: SecretBytes::new(token),
        server_cert_pem: read(&tls.join("server.pem"))?,
        server_key_pem: SecretBytes::new(read(&tls.join("server-key.pem"))?),
        ca_path: tls.join("ca.pem"),
        token_path,
    })
}

fn create_pki(tls: &Path, listen: SocketAddr) -> Result<(), ServerError> {
    let err = |e: rcgen::Error| startup("cannot create development certificates", e);
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.distinguished_name.push(
        DnType::CommonName,
        "keyhaven development CA (not for production)",
    );
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate().map_err(err)?;
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;

    let names = vec!["localhost".to_owned()];
    let mut ips: Vec<IpAddr> = vec![
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(Ipv6Addr::LOCALHOST),
    ];
    if !listen.ip().is_unspecified() && !ips.contains(&listen.ip()) {
        ips.push(listen.ip());
    }
    let mut server = CertificateParams::new(names).map_err(err)?;
    server
        .subject_alt_names
        .extend(ips.into_iter().map(SanType::IpAddress));
    server
        .distinguished_name
        .push(DnType::CommonName, "keyhaven development server");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_key = KeyPair::generate().map_err(err)?;
    let server_cert = server
        .signed_by(&server_key, &ca_cert, &ca_key)
        .map_err(err)?;

    let mut client = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    client
        .distinguished_name
        .push(DnType::CommonName, "keyhaven-dev-client");
    client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_key = KeyPair::generate().map_err(err)?;
    let client_cert = client
        .signed_by(&client_key, &ca_cert, &ca_key)
        .map_err(err)?;

    write_public(&tls.join("ca.pem"), ca_cert.pem().as_bytes())?;
    write_private(&tls.join("ca-key.pem"), ca_key.serialize_pem().as_bytes())?;
    write_public(&tls.join("server.pem"), server_cert.pem().as_bytes())?;
    write_private(
        &tls.join("server-key.pem"),
        server_key.serialize_pem().as_bytes(),
    )?;
    write_public(&tls.join("client.pem"), client_cert.pem().as_bytes())?;
    write_private(
        &tls.join("client-key.pem"),
        client_key.serialize_pem().as_bytes(),
    )?;
    Ok(())
}
