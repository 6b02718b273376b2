//! The KMIP listener: binary TTLV over TLS with a required client certificate (mapped to a
//! principal, as for REST), one request at a time per connection, bounded connections,
//! message size and idle time. A malformed message gets a KMIP error response when the
//! server can still tell where it ends, and the connection is closed otherwise; other
//! connections are not affected.

mod attributes;
mod dispatch;
mod ops;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use keyhaven_core::{Clock, SecretBytes, VaultName};
use keyhaven_kmip::message::{peek_version, MessageError, ProtocolVersion, ResponseMessage};
use keyhaven_kmip::ttlv::{self, Limits, Ttlv};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::audit_trail::AuditTrail;
use crate::seal::Seal;
use crate::ServerError;

pub use dispatch::Dispatcher;

/// KMIP listener settings.
#[derive(Clone, Debug)]
pub struct KmipConfig {
    /// Where to listen; `None` = no KMIP listener.
    pub listen: Option<SocketAddr>,
    /// Most connections served at once; more wait in the accept queue.
    pub max_connections: usize,
    /// A connection idle (or sending a message) longer than this is closed.
    pub idle_timeout: Duration,
    /// Largest request accepted, in bytes.
    pub max_message: usize,
    /// The vault that objects created over KMIP go to (created at start when missing).
    pub vault: VaultName,
    /// Whether failing to listen stops the server (an address the operator asked for) or only
    /// warns (the `--dev` default, so that a second development instance still starts).
    pub required: bool,
}

/// The default KMIP port (IANA).
pub const KMIP_PORT: u16 = 5696;

impl Default for KmipConfig {
    fn default() -> KmipConfig {
        KmipConfig {
            listen: None,
            max_connections: 256,
            idle_timeout: Duration::from_secs(60),
            max_message: 8 * 1024 * 1024,
            vault: VaultName::default_kmip(),
            required: true,
        }
    }
}

/// A running KMIP listener.
pub struct KmipListener {
    /// The bound address.
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl KmipListener {
    /// Stops accepting and waits (up to 5 s) for the accept loop to end.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(5), self.task).await;
    }
}

/// TLS for KMIP: the server's certificate whatever the client names (no SNI needed), TLS 1.3
/// and 1.2, and a client certificate signed by `client_ca` required.
pub fn tls_config(
    cert_pem: &[u8],
    key_pem: &SecretBytes,
    client_ca: &Path,
) -> Result<rustls::ServerConfig, ServerError> {
    crate::tls::rustls_config(
        cert_pem,
        key_pem,
        Some(client_ca),
        crate::tls::ClientCerts::Required,
    )
}

/// Binds `cfg.listen` and serves KMIP until shut down.
pub fn start(
    cfg: &KmipConfig,
    listen: SocketAddr,
    tls: rustls::ServerConfig,
    seal: Arc<Seal>,
    audit: AuditTrail,
    clock: Arc<dyn Clock>,
) -> Result<KmipListener, ServerError> {
    let std_listener = std::net::TcpListener::bind(listen)
        .map_err(|e| ServerError::Startup(format!("cannot listen for KMIP on {listen}: {e}")))?;
    std_listener
        .set_nonblocking(true)
        .map_err(|e| ServerError::Startup(format!("cannot configure the KMIP listener: {e}")))?;
    let addr = std_listener
        .local_addr()
        .map_err(|e| ServerError::Startup(format!("cannot read the KMIP address: {e}")))?;
    let listener = TcpListener::from_std(std_listener)
        .map_err(|e| ServerError::Startup(format!("cannot use the KMIP listener: {e}")))?;
    let dispatcher = Arc::new(Dispatcher::new(seal, audit, clock, cfg.vault.clone()));
    let acceptor = TlsAcceptor::from(Arc::new(tls));
    let (stop, stop_rx) = watch::channel(false);
    let task = tokio::spawn(accept_loop(
        listener,
        acceptor,
        dispatcher,
        ConnLimits {
            idle: cfg.idle_timeout,
            limits: Limits {
                max_message_size: cfg.max_message,
                ..Limits::default()
            },
        },
        Arc::new(Semaphore::new(cfg.max_connections.max(1))),
        stop_rx,
    ));
    Ok(KmipListener { addr, stop, task })
}

#[derive(Clone)]
struct ConnLimits {
    idle: Duration,
    limits: Limits,
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    dispatcher: Arc<Dispatcher>,
    limits: ConnLimits,
    slots: Arc<Semaphore>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => return,
            },
            _ = stop.changed() => return,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    tracing::warn!(error = %e, "KMIP accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stop.changed() => return,
        };
        let acceptor = acceptor.clone();
        let dispatcher = dispatcher.clone();
        let limits = limits.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            serve_connection(stream, peer, acceptor, dispatcher, limits, stop).await;
            drop(permit);
        });
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    acceptor: TlsAcceptor,
    dispatcher: Arc<Dispatcher>,
    limits: ConnLimits,
    mut stop: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let tls = match tokio::time::timeout(limits.idle, acceptor.accept(stream)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            tracing::info!(peer = %peer, error = %e, "KMIP TLS handshake failed");
            return;
        }
        Err(_) => {
            tracing::info!(peer = %peer, "KMIP TLS handshake timed out");
            return;
        }
    };
    let client_cert = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.to_vec());
    let conn = dispatch::Connection {
        peer,
        identity: client_cert.as_deref().and_then(crate::api::cert_identity),
    };
    let mut tls = tls;
    loop {
        let read = tokio::select! {
            r = tokio::time::timeout(limits.idle, read_message(&mut tls, &limits.limits)) => r,
            _ = stop.changed() => break,
        };
        let reply = match read {
            Err(_) => break,       // idle
            Ok(Ok(None)) => break, // clean close
            Ok(Ok(Some(mut request))) => {
                let reply = dispatcher.handle(&conn, &request).await;
                request.wipe();
                reply
            }
            Ok(Err(ReadError::Io)) => break,
            Ok(Err(ReadError::Malformed {
                error,
                version,
                close,
            })) => {
                tracing::info!(peer = %peer, error = %error, "malformed KMIP message");
                let reply = ResponseMessage::error(
                    version.unwrap_or(ProtocolVersion::new(1, 0)),
                    dispatcher.now(),
                    &error,
                )
                .to_ttlv();
                let _ = write_message(&mut tls, &reply).await;
                if close {
                    break;
                }
                continue;
            }
        };
        let mut reply = reply;
        let written = write_message(&mut tls, &reply).await;
        reply.wipe();
        if written.is_err() {
            break;
        }
    }
    let _ = tls.shutdown().await;
}

enum ReadError {
    Io,
    Malformed {
        error: MessageError,
        version: Option<ProtocolVersion>,
        /// Whether the stream can no longer be trusted to be at a message boundary.
        close: bool,
    },
}

/// Reads one message: `Ok(None)` on a clean end of stream before a message begins.
async fn read_message<S: AsyncRead + Unpin>(
    stream: &mut S,
    limits: &Limits,
) -> Result<Option<Ttlv>, ReadError> {
    let mut header = [0u8; 8];
    match stream.read(&mut header[..1]).await {
        Ok(0) => return Ok(None),
        Ok(_) => {}
        Err(_) => return Err(ReadError::Io),
    }
    if let Some(rest) = header.get_mut(1..) {
        stream.read_exact(rest).await.map_err(|_| ReadError::Io)?;
    }
    let total = ttlv::message_length(&header, limits).map_err(|e| ReadError::Malformed {
        error: MessageError::invalid_message(format!("the message cannot be read: {e}")),
        version: None,
        close: true,
    })?;
    let mut buf = vec![0u8; total];
    if let Some((head, body)) = buf.split_at_mut_checked(8) {
        head.copy_from_slice(&header);
        stream.read_exact(body).await.map_err(|_| ReadError::Io)?;
    }
    let decoded = ttlv::decode(&buf, limits);
    zeroize::Zeroize::zeroize(&mut buf);
    match decoded {
        Ok(item) => Ok(Some(item)),
        Err(e) => Err(ReadError::Malformed {
            error: MessageError::invalid_message(format!("the message does not decode: {e}")),
            version: None,
            // The length was read, so the next message starts after this one.
            close: false,
        }),
    }
}

async fn write_message<S: AsyncWrite + Unpin>(stream: &mut S, item: &Ttlv) -> std::io::Result<()> {
    // The encoding may hold key material (Get): wiped once written.
    let bytes = zeroize::Zeroizing::new(item.encode());
    stream.write_all(&bytes).await?;
    stream.flush().await
}

/// The version to answer a message in: the client's when it can be read.
pub(crate) fn answer_version(request: &Ttlv) -> ProtocolVersion {
    peek_version(request).unwrap_or(ProtocolVersion::new(1, 0))
}

/// Creates the KMIP vault (as the system, with no pending-destruction period: KMIP clients
/// expect Destroy to erase at once) unless it exists.
pub(crate) async fn ensure_vault(
    svc: &keyhaven_core::KeyService,
    vault: &VaultName,
) -> Result<(), keyhaven_core::Error> {
    use keyhaven_core::{Caller, Error};
    let system = Caller::system();
    match svc.get_vault(&system, vault).await {
        Ok(_) => Ok(()),
        Err(Error::NotFound { .. }) => {
            match svc.create_vault(&system, vault.clone(), Some(0), &[]).await {
                Ok(_) | Err(Error::AlreadyExists { .. }) => Ok(()),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// Development mode: the vault for KMIP objects, and a principal `dev-kmip-client` bound to
/// the development client certificate (`DATA_DIR/tls/client.pem`) with the key-manager and
/// crypto-user roles in it, so that `keyhaven kmip replay` and KMIP clients work at once.
/// Idempotent.
pub async fn provision_dev_client(
    svc: &keyhaven_core::KeyService,
    vault: &VaultName,
    client_cert_pem: &[u8],
) -> Result<(), ServerError> {
    use keyhaven_core::access::{CertMatch, PrincipalKind, SystemRoles, VaultRole};
    use keyhaven_core::principals::NewPrincipal;
    use keyhaven_core::{Caller, Error};
    let fail = |what: &str, e: Error| {
        ServerError::Startup(format!(
            "cannot set up the development KMIP client ({what}): {e}"
        ))
    };
    let ok_if_exists = |r: Result<(), Error>, what: &str| match r {
        Ok(()) | Err(Error::AlreadyExists { .. }) => Ok(()),
        Err(e) => Err(fail(what, e)),
    };
    let system = Caller::system();
    ensure_vault(svc, vault)
        .await
        .map_err(|e| fail("vault", e))?;
    let name: keyhaven_core::access::PrincipalName = "dev-kmip-client"
        .parse()
        .map_err(|e: String| ServerError::Startup(e))?;
    ok_if_exists(
        svc.create_principal(
            &system,
            NewPrincipal {
                name: name.clone(),
                kind: PrincipalKind::Service,
                system_roles: SystemRoles::NONE,
                description: Some("development KMIP client (serve --dev)".to_owned()),
            },
        )
        .await
        .map(|_| ()),
        "principal",
    )?;
    let der = rustls_pemfile::certs(&mut &client_cert_pem[..])
        .next()
        .and_then(Result::ok)
        .ok_or_else(|| {
            ServerError::Startup("the development client certificate does not parse".to_owned())
        })?;
    let (_, fingerprint) = crate::api::cert_identity(&der).ok_or_else(|| {
        ServerError::Startup("the development client certificate does not parse".to_owned())
    })?;
    let bound = svc
        .list_cert_bindings(&system, &name)
        .await
        .map_err(|e| fail("certificate", e))?
        .iter()
        .any(|b| b.value == fingerprint);
    if !bound {
        svc.add_cert_binding(&system, &name, CertMatch::Fingerprint, &fingerprint)
            .await
            .map_err(|e| fail("certificate", e))?;
    }
    for role in [VaultRole::KeyManager, VaultRole::CryptoUser] {
        ok_if_exists(
            svc.grant_role(&system, vault, &name, role)
                .await
                .map(|_| ()),
            "role",
        )?;
    }
    Ok(())
}
