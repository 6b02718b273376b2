//! A small PKI for a new instance: a CA, a server certificate for localhost, the loopback
//! addresses and the listen address, and a client certificate (for mTLS), written to
//! `DATA_DIR/tls`. `serve --dev` and `keyhaven init` create it; production deployments may
//! pass their own certificate with `--tls-cert` / `--tls-key` instead.

use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, SanType,
};

use crate::dev::{ensure_dir, startup, write_private, write_public};
use crate::ServerError;

const FILES: [&str; 6] = [
    "ca.pem",
    "ca-key.pem",
    "server.pem",
    "server-key.pem",
    "client.pem",
    "client-key.pem",
];

/// Creates the PKI in `tls` unless all its files exist; `ca_name` names the CA.
pub fn ensure(tls: &Path, listen: SocketAddr, ca_name: &str) -> Result<(), ServerError> {
    ensure_dir(tls)?;
    if FILES.iter().all(|f| tls.join(f).exists()) {
        return Ok(());
    }
    for f in FILES {
        let _ = fs::remove_file(tls.join(f));
    }
    create(tls, listen, ca_name)
}

fn create(tls: &Path, listen: SocketAddr, ca_name: &str) -> Result<(), ServerError> {
    let err = |e: rcgen::Error| startup("cannot create development certificates", e);
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.distinguished_name.push(DnType::CommonName, ca_name);
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
        .push(DnType::CommonName, "keyhaven server");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_key = KeyPair::generate().map_err(err)?;
    let server_cert = server
        .signed_by(&server_key, &ca_cert, &ca_key)
        .map_err(err)?;

    let mut client = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    client
        .distinguished_name
        .push(DnType::CommonName, "keyhaven-client");
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
