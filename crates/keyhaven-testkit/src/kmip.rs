//! A KMIP test client: TTLV over TLS with the development client certificate, for tests of
//! the KMIP listener (and of what REST and KMIP see of the same key).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use keyhaven_kmip::message::{
    ProtocolVersion, RequestBatchItem, RequestMessage, ResponseBatchItem, ResponseMessage,
};
use keyhaven_kmip::ttlv::{self, Limits, Ttlv};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::StartError;

/// One KMIP connection.
pub struct KmipClient {
    stream: TlsStream<TcpStream>,
    /// The version requests are sent in.
    pub version: ProtocolVersion,
}

fn err(e: impl std::fmt::Display) -> StartError {
    StartError(e.to_string())
}

/// The TLS configuration of the development client (DATA_DIR/tls/client.pem), or of no
/// client certificate when `with_cert` is false.
pub fn client_tls(data_dir: &Path, with_cert: bool) -> Result<rustls::ClientConfig, StartError> {
    let tls = data_dir.join("tls");
    let read = |f: &str| std::fs::read(tls.join(f)).map_err(err);
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls_pemfile::certs(&mut &read("ca.pem")?[..]) {
        roots.add(c.map_err(err)?).map_err(err)?;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(err)?
        .with_root_certificates(roots);
    if !with_cert {
        return Ok(builder.with_no_client_auth());
    }
    let chain = rustls_pemfile::certs(&mut &read("client.pem")?[..])
        .collect::<Result<Vec<_>, _>>()
        .map_err(err)?;
    let key = rustls_pemfile::private_key(&mut &read("client-key.pem")?[..])
        .map_err(err)?
        .ok_or_else(|| StartError("no client key".to_owned()))?;
    builder.with_client_auth_cert(chain, key).map_err(err)
}

impl KmipClient {
    /// Connects to `addr` with the development client certificate of `data_dir`.
    pub async fn connect(addr: SocketAddr, data_dir: &Path) -> Result<KmipClient, StartError> {
        KmipClient::connect_with(addr, client_tls(data_dir, true)?).await
    }

    /// Connects with a given TLS configuration.
    pub async fn connect_with(
        addr: SocketAddr,
        config: rustls::ClientConfig,
    ) -> Result<KmipClient, StartError> {
        let tcp = TcpStream::connect(addr).await.map_err(err)?;
        let name = rustls::pki_types::ServerName::try_from("localhost").map_err(err)?;
        let stream = TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .map_err(err)?;
        Ok(KmipClient {
            stream,
            version: ProtocolVersion::V1_4,
        })
    }

    /// Sends raw bytes and reads one response message (`Err` when the server closed).
    pub async fn raw(&mut self, bytes: &[u8]) -> Result<Ttlv, StartError> {
        self.stream.write_all(bytes).await.map_err(err)?;
        self.stream.flush().await.map_err(err)?;
        let limits = Limits::default();
        let mut header = [0u8; 8];
        self.stream.read_exact(&mut header).await.map_err(err)?;
        let total = ttlv::message_length(&header, &limits).map_err(err)?;
        let mut buf = vec![0u8; total];
        let (head, body) = buf
            .split_at_mut_checked(8)
            .ok_or_else(|| StartError("short".to_owned()))?;
        head.copy_from_slice(&header);
        self.stream.read_exact(body).await.map_err(err)?;
        ttlv::decode(&buf, &limits).map_err(err)
    }

    /// Sends a message of batch items and returns the response.
    pub async fn batch(
        &mut self,
        items: Vec<RequestBatchItem>,
    ) -> Result<ResponseMessage, StartError> {
        let request = RequestMessage::new(self.version, items).to_ttlv();
        let response = self.raw(&request.encode()).await?;
        ResponseMessage::from_ttlv(&response).map_err(err)
    }

    /// One operation; returns its batch item.
    pub async fn call(
        &mut self,
        operation: u32,
        payload: Vec<Ttlv>,
    ) -> Result<ResponseBatchItem, StartError> {
        let item = RequestBatchItem::new(
            operation,
            Ttlv::structure(keyhaven_kmip::dict::tags::REQUEST_PAYLOAD, payload),
        );
        let mut response = self.batch(vec![item]).await?;
        response
            .items
            .pop()
            .ok_or_else(|| StartError("empty response".to_owned()))
    }
}
