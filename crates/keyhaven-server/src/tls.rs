//! TLS for the REST listener: rustls (TLS 1.3 and 1.2), optional client certificates verified
//! against the configured client CA, and an acceptor that hands each request its connection's
//! peer address and verified client certificate ([`ConnInfo`]).

use std::future::Future;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;

use axum_server::accept::{Accept, DefaultAcceptor};
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use keyhaven_core::SecretBytes;
use rustls::server::WebPkiClientVerifier;
use rustls::RootCertStore;
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;
use tower_http::add_extension::AddExtension;

use crate::api::ConnInfo;
use crate::ServerError;

fn bad(e: impl std::fmt::Display) -> ServerError {
    ServerError::Startup(format!("TLS configuration: {e}"))
}

/// The server configuration: certificate chain and key, and when `client_ca` is given,
/// client certificates signed by it are verified (and optional: bearer tokens still work).
pub fn server_config(
    cert_pem: &[u8],
    key_pem: &SecretBytes,
    client_ca: Option<&Path>,
) -> Result<RustlsConfig, ServerError> {
    let mut config = rustls_config(cert_pem, key_pem, client_ca, ClientCerts::Optional)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(RustlsConfig::from_config(Arc::new(config)))
}

/// Whether a client certificate is asked for (REST: tokens also log in) or required (KMIP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientCerts {
    /// Verified when sent; a client without one goes on to token authentication.
    Optional,
    /// The handshake fails without a certificate from the client CA.
    Required,
}

/// The rustls server configuration of both listeners: the certificate chain and key, TLS 1.3
/// and 1.2, and client certificates verified against `client_ca` when it is given.
pub fn rustls_config(
    cert_pem: &[u8],
    key_pem: &SecretBytes,
    client_ca: Option<&Path>,
    client_certs: ClientCerts,
) -> Result<rustls::ServerConfig, ServerError> {
    let certs = rustls_pemfile::certs(&mut &cert_pem[..])
        .collect::<Result<Vec<_>, _>>()
        .map_err(bad)?;
    if certs.is_empty() {
        return Err(bad("the certificate file holds no CERTIFICATE block"));
    }
    let key = rustls_pemfile::private_key(&mut key_pem.expose())
        .map_err(bad)?
        .ok_or_else(|| bad("no private key in the key file"))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(bad)?;
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(path) => {
            let pem = std::fs::read(path)
                .map_err(|e| bad(format!("cannot read the client CA {}: {e}", path.display())))?;
            let mut roots = RootCertStore::empty();
            for c in rustls_pemfile::certs(&mut &pem[..]) {
                roots.add(c.map_err(bad)?).map_err(bad)?;
            }
            if roots.is_empty() {
                return Err(bad(format!(
                    "the client CA file {} holds no certificate",
                    path.display()
                )));
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
            let verifier = match client_certs {
                ClientCerts::Optional => verifier.allow_unauthenticated(),
                ClientCerts::Required => verifier,
            }
            .build()
            .map_err(bad)?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    builder.with_single_cert(certs, key).map_err(bad)
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send>>;

/// TLS acceptor that records the peer address and verified client certificate.
#[derive(Clone)]
pub struct TlsPeerAcceptor(pub RustlsAcceptor);

impl<S: Send + 'static> Accept<TcpStream, S> for TlsPeerAcceptor {
    type Stream = TlsStream<TcpStream>;
    type Service = AddExtension<S, ConnInfo>;
    type Future = BoxFuture<(Self::Stream, Self::Service)>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let peer = stream.peer_addr().ok();
        let inner = self.0.clone();
        Box::pin(async move {
            let (stream, service) = inner.accept(stream, service).await?;
            let client_cert = stream
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|c| c.first())
                .map(|c| Arc::new(c.to_vec()));
            let info = ConnInfo { peer, client_cert };
            Ok((stream, AddExtension::new(service, info)))
        })
    }
}

/// Plain-HTTP acceptor (loopback only, behind `--insecure-http`) that records the peer.
#[derive(Clone, Copy, Default)]
pub struct PlainPeerAcceptor;

impl<S: Send + 'static> Accept<TcpStream, S> for PlainPeerAcceptor {
    type Stream = TcpStream;
    type Service = AddExtension<S, ConnInfo>;
    type Future = BoxFuture<(Self::Stream, Self::Service)>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let peer = stream.peer_addr().ok();
        Box::pin(async move {
            let (stream, service) = DefaultAcceptor.accept(stream, service).await?;
            let info = ConnInfo {
                peer,
                client_cert: None,
            };
            Ok((stream, AddExtension::new(service, info)))
        })
    }
}
