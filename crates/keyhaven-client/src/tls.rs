//! The client's TLS configuration: rustls with the aws-lc-rs provider, trusting either the
//! given CA (the usual case: a keyhaven dev CA or a private CA) or the system's bundle.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

use crate::ClientError;

/// Where the system CA bundle usually lives, tried in order after `SSL_CERT_FILE`.
const SYSTEM_BUNDLES: [&str; 4] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
    "/etc/ssl/ca-bundle.pem",
];

/// Builds the rustls configuration.
///
/// With `ca_pem`, only the certificates in it are trusted (system roots are not added, so a
/// public CA cannot vouch for the keyhaven server). Without it, the system bundle is used.
/// ALPN offers HTTP/1.1 only: that is what the server speaks, and what keep-alive benchmarks
/// measure.
pub(crate) fn client_config(
    ca_pem: Option<&[u8]>,
    identity: Option<&(Vec<u8>, Vec<u8>)>,
) -> Result<ClientConfig, ClientError> {
    let roots = match ca_pem {
        Some(pem) => roots_from_pem(pem)?,
        None => system_roots()?,
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Config(format!("TLS setup failed: {e}")))?
        .with_root_certificates(roots);
    let mut config = match identity {
        None => builder.with_no_client_auth(),
        Some((cert_pem, key_pem)) => {
            let chain = parse_certs(cert_pem)?;
            if chain.is_empty() {
                return Err(ClientError::Config(
                    "the client certificate file holds no CERTIFICATE block".to_owned(),
                ));
            }
            let key = rustls_pemfile::private_key(&mut key_pem.as_slice())
                .map_err(|e| ClientError::Config(format!("the client key is not valid PEM: {e}")))?
                .ok_or_else(|| {
                    ClientError::Config("the client key file holds no private key".to_owned())
                })?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| ClientError::Config(format!("the client certificate: {e}")))?
        }
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Parses every `CERTIFICATE` block of a PEM file into a root store.
pub(crate) fn roots_from_pem(pem: &[u8]) -> Result<RootCertStore, ClientError> {
    let certs = parse_certs(pem)?;
    if certs.is_empty() {
        return Err(ClientError::Config(
            "the CA file holds no CERTIFICATE block: give the server's CA in PEM form \
             (the dev server writes DATA_DIR/tls/ca.pem)"
                .to_owned(),
        ));
    }
    let mut roots = RootCertStore::empty();
    for cert in certs {
        roots
            .add(cert)
            .map_err(|e| ClientError::Config(format!("the CA certificate is not usable: {e}")))?;
    }
    Ok(roots)
}

fn parse_certs(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, ClientError> {
    let mut reader = pem;
    rustls_pemfile::certs(&mut reader)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ClientError::Config(format!("the CA file is not valid PEM: {e}")))
}

fn system_roots() -> Result<RootCertStore, ClientError> {
    let from_env = std::env::var_os("SSL_CERT_FILE");
    let candidates = from_env
        .iter()
        .map(Path::new)
        .chain(SYSTEM_BUNDLES.iter().map(Path::new));
    let mut roots = RootCertStore::empty();
    for path in candidates {
        let Ok(pem) = std::fs::read(path) else {
            continue;
        };
        let Ok(certs) = parse_certs(&pem) else {
            continue;
        };
        let (added, _ignored) = roots.add_parsable_certificates(certs);
        if added > 0 {
            return Ok(roots);
        }
    }
    Err(ClientError::Config(
        "no CA certificate to trust: pass the server's CA with --cacert or KEYHAVEN_CACERT \
         (the dev server writes DATA_DIR/tls/ca.pem)"
            .to_owned(),
    ))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
pub(crate) mod tests {
    use super::*;

    /// A self-signed P-256 CA certificate (no private key kept anywhere).
    pub(crate) const TEST_CA: &str = "-----BEGIN CERTIFICATE-----
MIIBjDCCATOgAwIBAgIUYeIUZOCbp+AlSsZG+lvmXi6QRXwwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQa2V5aGF2ZW4gdGVzdCBDQTAgFw0yNjExMjMwOTE2MzFaGA8y
MTI2MTAzMDA5MTYzMVowGzEZMBcGA1UEAwwQa2V5aGF2ZW4gdGVzdCBDQTBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABPrT1Ay9RkOqD86hwrtW+yrT2M/B1ZCd1SnT
PLuSkCEYPQOYP+M4jKSNINxl5NrGLLXFCkdWuVlUh1uX4jK2IA2jUzBRMB0GA1Ud
DgQWBBRvyqyguZgmqmY8TiPqZLLc78FT7jAfBgNVHSMEGDAWgBRvyqyguZgmqmY8
TiPqZLLc78FT7jAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIAQa
0q9UKrc2GZmzTc8TIaDSWqOzeCm9mEVeVmd1N1wPAiA79cAfnTxcBnR5JPz0Px9o
BE57VwCPe8AXdVAGpmZUKA==
-----END CERTIFICATE-----
";

    #[test]
    fn accepts_a_pem_ca() {
        let roots = roots_from_pem(TEST_CA.as_bytes()).expect("valid CA");
        assert_eq!(roots.len(), 1);
        let config = client_config(Some(TEST_CA.as_bytes()), None).expect("config");
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }

    #[test]
    fn rejects_files_without_certificates() {
        let err = roots_from_pem(b"not a pem file").expect_err("no cert");
        assert!(matches!(err, ClientError::Config(_)));
        assert!(err.to_string().contains("no CERTIFICATE block"), "{err}");
        let key_only = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert!(roots_from_pem(key_only).is_err());
    }

    #[test]
    fn rejects_garbage_inside_a_certificate_block() {
        let bad = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let err = roots_from_pem(bad).expect_err("garbage");
        assert!(matches!(err, ClientError::Config(_)));
    }
}
