//! `discover tls HOST:PORT`: the certificate chain a TLS server presents.
//!
//! This is inventory, not trust: the verifier below records whatever chain the server sends
//! and accepts it without validation (no trust anchor, no name or date check), so that
//! expired, self-signed and weak certificates can be reported. The server's handshake
//! signature is still checked against its certificate. No application data is ever sent:
//! the connection is closed right after the handshake.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio::io::AsyncWriteExt;
use tokio_rustls::TlsConnector;

use super::report::TlsSession;
use crate::cli::CliError;

/// Connection and handshake together must finish within this.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The presented chain (leaf first, as sent) and the session it came from.
#[derive(Debug)]
pub struct Presented {
    /// DER certificates in the order the server sent them.
    pub chain: Vec<Vec<u8>>,
    /// Protocol, cipher suite, handshake outcome.
    pub session: TlsSession,
}

/// Connects to `target` (`HOST:PORT`, `[IPv6]:PORT`, or `HOST` for port 443) and records the
/// certificate chain. `server_name` overrides the SNI name (default: the host).
pub async fn fetch(target: &str, server_name: Option<&str>) -> Result<Presented, CliError> {
    let (host, port) = parse_target(target)?;
    let name_text = server_name.unwrap_or(&host).to_owned();
    let name = ServerName::try_from(name_text.clone())
        .map_err(|e| CliError::Usage(format!("`{name_text}` is not a valid server name: {e}")))?;
    let sni = match &name {
        ServerName::IpAddress(_) => "(none: an IP address is not sent as SNI)".to_owned(),
        _ => name_text.clone(),
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let recorder = Arc::new(Recorder {
        chain: Mutex::new(Vec::new()),
        provider: Arc::clone(&provider),
    });
    let verifier: Arc<dyn ServerCertVerifier> = recorder.clone();
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| CliError::Local(format!("TLS setup failed: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    let connector = TlsConnector::from(Arc::new(config));
    let attempt = async {
        let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| Stop::Connect(e.to_string()))?;
        let mut tls = connector
            .connect(name, tcp)
            .await
            .map_err(|e| Stop::Handshake(e.to_string()))?;
        let (_, conn) = tls.get_ref();
        let protocol = conn.protocol_version().map(|v| format!("{v:?}"));
        let suite = conn
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()));
        // close_notify only: nothing else is written.
        let _ = tls.shutdown().await;
        Ok::<_, Stop>((protocol, suite))
    };
    let outcome = match tokio::time::timeout(TIMEOUT, attempt).await {
        Ok(result) => result,
        Err(_) => Err(Stop::Timeout),
    };
    let chain: Vec<Vec<u8>> = recorder
        .chain
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let (protocol, cipher_suite, handshake) = match outcome {
        Ok((protocol, suite)) => (protocol, suite, "completed".to_owned()),
        Err(Stop::Connect(e)) => {
            return Err(CliError::Local(format!("cannot connect to {target}: {e}")))
        }
        Err(stop) if chain.is_empty() => {
            return Err(CliError::Local(format!(
                "no certificate received from {target}: {}",
                stop.describe()
            )))
        }
        Err(stop) => (
            None,
            None,
            format!("stopped after the certificates: {}", stop.describe()),
        ),
    };
    Ok(Presented {
        chain,
        session: TlsSession {
            target: format!("{host}:{port}"),
            server_name: sni,
            protocol,
            cipher_suite,
            handshake,
            trusted: false,
        },
    })
}

enum Stop {
    Connect(String),
    Handshake(String),
    Timeout,
}

impl Stop {
    fn describe(&self) -> String {
        match self {
            Stop::Connect(e) | Stop::Handshake(e) => e.clone(),
            Stop::Timeout => format!("timed out after {} s", TIMEOUT.as_secs()),
        }
    }
}

/// `HOST:PORT`, `[IPv6]:PORT`, `HOST` or a bare IPv6 address (port 443).
fn parse_target(target: &str) -> Result<(String, u16), CliError> {
    let bad = |why: &str| CliError::Usage(format!("`{target}` is not HOST:PORT: {why}"));
    let port_of = |p: &str| {
        p.parse::<u16>()
            .map_err(|_| bad("the port is not a number"))
    };
    if let Some(rest) = target.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(|| bad("no closing ]"))?;
        let port = match after.strip_prefix(':') {
            Some(p) => port_of(p)?,
            None if after.is_empty() => 443,
            None => return Err(bad("unexpected text after ]")),
        };
        return Ok((host.to_owned(), port));
    }
    let (host, port) = match target.matches(':').count() {
        0 => (target, 443),
        1 => match target.split_once(':') {
            Some((h, p)) => (h, port_of(p)?),
            None => (target, 443),
        },
        _ => (target, 443),
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    Ok((host.to_owned(), port))
}

/// Records the chain; accepts it without validation (see the module documentation).
#[derive(Debug)]
struct Recorder {
    chain: Mutex<Vec<Vec<u8>>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = self.chain.lock().unwrap_or_else(PoisonError::into_inner);
        *chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.as_ref().to_vec())
            .collect();
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            parse_target("example.com:8443").unwrap(),
            ("example.com".into(), 8443)
        );
        assert_eq!(
            parse_target("example.com").unwrap(),
            ("example.com".into(), 443)
        );
        assert_eq!(parse_target("[::1]:9443").unwrap(), ("::1".into(), 9443));
        assert_eq!(parse_target("[::1]").unwrap(), ("::1".into(), 443));
        assert_eq!(parse_target("fe80::1").unwrap(), ("fe80::1".into(), 443));
        for bad in ["host:http", ":443", "[::1", "[::1]x", "host:70000"] {
            assert_eq!(parse_target(bad).unwrap_err().exit_code(), 2, "{bad}");
        }
    }

    #[tokio::test]
    async fn nothing_listening_is_an_error() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = fetch(&format!("127.0.0.1:{port}"), None).await.unwrap_err();
        assert!(err.to_string().contains("cannot connect"), "{err}");
    }
}
