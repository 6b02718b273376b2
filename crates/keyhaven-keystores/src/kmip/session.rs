//! One TLS connection to the KMIP server, and request/response exchanges over it.
//!
//! Every request and response is wiped once handled (they may carry key material), responses
//! are read with keyhaven's own bounded framing ([`ttlv::message_length`] before anything is
//! allocated) and strict message reader, and a failed batch item becomes a [`Failure`] that the
//! operation maps to a [`KeystoreError`] (see [`Failure::into_error`]).

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use keyhaven_core::keystore::KeystoreError;
use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::message::{
    reason, ProtocolVersion, RequestBatchItem, RequestMessage, ResponseMessage, ResultStatus,
};
use keyhaven_kmip::ttlv::{self, Limits, Ttlv};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;
use zeroize::Zeroizing;

use super::config::Endpoint;

/// Longest wait for the TCP connection and the TLS handshake.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for one request to be sent and its response read.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest response accepted (a key management response is a few kilobytes).
const MAX_RESPONSE: usize = 1 << 20;
/// Longest server message kept in an error.
const MAX_MESSAGE_CHARS: usize = 300;

/// An open connection to the server.
pub(super) struct Session {
    stream: TlsStream<TcpStream>,
    version: ProtocolVersion,
    peer: String,
}

/// A failed batch item: the server's Result Reason and Result Message.
#[derive(Debug)]
pub(super) struct Failure {
    /// Result Reason.
    pub reason: u32,
    /// Result Message (control characters removed, shortened).
    pub message: String,
}

/// Why a call did not succeed.
#[derive(Debug)]
pub(super) enum CallError {
    /// The exchange itself failed (connection, TLS, malformed response).
    Keystore(KeystoreError),
    /// The server processed the request and refused it.
    Failed(Failure),
}

/// A response payload; wiped when dropped.
pub(super) struct Payload(Ttlv);

impl Deref for Payload {
    type Target = Ttlv;
    fn deref(&self) -> &Ttlv {
        &self.0
    }
}

impl Drop for Payload {
    fn drop(&mut self) {
        self.0.wipe();
    }
}

impl Failure {
    /// Whether the server does not know the object.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self.reason,
            reason::ITEM_NOT_FOUND | reason::OBJECT_NOT_FOUND
        )
    }

    /// Whether the server refused for a reason that can be the object's state (PyKMIP answers
    /// Permission Denied to an Encrypt with a deactivated key).
    pub fn may_be_state(&self) -> bool {
        matches!(
            self.reason,
            reason::PERMISSION_DENIED
                | reason::WRONG_KEY_LIFECYCLE_STATE
                | reason::ILLEGAL_OPERATION
        )
    }

    /// The error for a failure about object `id`: unknown object → `NotFound`, refused
    /// permission or authentication → `Unauthorized`, anything else → `Refused` with the
    /// server's message.
    pub fn into_error(self, id: &str) -> KeystoreError {
        let name = keyhaven_kmip::dict::enum_name(tag::RESULT_REASON, self.reason)
            .map_or_else(|| format!("0x{:X}", self.reason), str::to_owned);
        let text = if self.message.is_empty() {
            name
        } else {
            format!("{name}: {}", self.message)
        };
        match self.reason {
            _ if self.is_not_found() => KeystoreError::NotFound(format!("KMIP object {id}")),
            reason::PERMISSION_DENIED
            | reason::AUTHENTICATION_NOT_SUCCESSFUL
            | reason::NOT_AUTHORISED => KeystoreError::Unauthorized(text),
            _ => KeystoreError::Refused(text),
        }
    }
}

impl CallError {
    /// The error for a call about object `id` (see [`Failure::into_error`]).
    pub fn into_error(self, id: &str) -> KeystoreError {
        match self {
            CallError::Keystore(e) => e,
            CallError::Failed(f) => f.into_error(id),
        }
    }
}

impl From<KeystoreError> for CallError {
    fn from(e: KeystoreError) -> Self {
        CallError::Keystore(e)
    }
}

impl Session {
    /// Connects and completes the TLS handshake, within [`CONNECT_TIMEOUT`].
    pub async fn open(endpoint: &Endpoint) -> Result<Session, KeystoreError> {
        let peer = format!("{}:{}", endpoint.host, endpoint.port);
        let connect = async {
            let tcp = TcpStream::connect((endpoint.host.as_str(), endpoint.port))
                .await
                .map_err(|e| {
                    KeystoreError::Unreachable(format!("cannot connect to {peer}: {e}"))
                })?;
            TlsConnector::from(Arc::clone(&endpoint.tls))
                .connect(endpoint.server_name.clone(), tcp)
                .await
                .map_err(|e| io_error(&peer, "TLS handshake with", &e))
        };
        let stream = tokio::time::timeout(CONNECT_TIMEOUT, connect)
            .await
            .map_err(|_| {
                KeystoreError::Unreachable(format!(
                    "no TLS connection to {peer} within {} s",
                    CONNECT_TIMEOUT.as_secs()
                ))
            })??;
        Ok(Session {
            stream,
            version: endpoint.version,
            peer,
        })
    }

    /// Sends one operation with `payload` (the children of its Request Payload) and returns
    /// the Response Payload, or the server's refusal.
    pub async fn call(&mut self, operation: u32, payload: Vec<Ttlv>) -> Result<Payload, CallError> {
        let item = RequestBatchItem::new(operation, Ttlv::structure(tag::REQUEST_PAYLOAD, payload));
        let mut request = RequestMessage::new(self.version, vec![item]);
        let mut encoded = request.to_ttlv();
        let bytes = Zeroizing::new(encoded.encode());
        encoded.wipe();
        for item in &mut request.items {
            item.payload.wipe();
        }
        let exchange = self.exchange(&bytes);
        let mut response = tokio::time::timeout(EXCHANGE_TIMEOUT, exchange)
            .await
            .map_err(|_| {
                KeystoreError::Unreachable(format!(
                    "no response from {} within {} s",
                    self.peer,
                    EXCHANGE_TIMEOUT.as_secs()
                ))
            })??;
        let item = match (response.items.pop(), response.items.is_empty()) {
            (Some(item), true) => item,
            _ => {
                return Err(self
                    .malformed("a response without exactly one batch item")
                    .into())
            }
        };
        if item.operation.is_some_and(|op| op != operation) {
            return Err(self.malformed("a response to another operation").into());
        }
        let payload = Payload(
            item.payload
                .unwrap_or_else(|| Ttlv::structure(tag::RESPONSE_PAYLOAD, Vec::new())),
        );
        match item.result_status {
            ResultStatus::Success => Ok(payload),
            ResultStatus::OperationFailed => Err(CallError::Failed(Failure {
                reason: item.result_reason.unwrap_or(reason::GENERAL_FAILURE),
                message: clean(item.result_message.as_deref().unwrap_or("")),
            })),
            _ => Err(CallError::Keystore(KeystoreError::Refused(
                "the KMIP server answered asynchronously; keyhaven needs synchronous answers"
                    .to_owned(),
            ))),
        }
    }

    /// Writes `bytes` and reads one response message.
    async fn exchange(&mut self, bytes: &[u8]) -> Result<ResponseMessage, KeystoreError> {
        let peer = self.peer.clone();
        let lost = |e: std::io::Error| io_error(&peer, "connection lost with", &e);
        self.stream.write_all(bytes).await.map_err(lost)?;
        self.stream.flush().await.map_err(lost)?;
        let limits = Limits {
            max_message_size: MAX_RESPONSE,
            ..Limits::default()
        };
        let mut header = [0u8; 8];
        self.stream.read_exact(&mut header).await.map_err(lost)?;
        let total = ttlv::message_length(&header, &limits)
            .map_err(|e| self.malformed(format_args!("a response it cannot frame ({e})")))?;
        let mut buf = Zeroizing::new(vec![0u8; total]);
        let (head, body) = buf
            .split_at_mut_checked(header.len())
            .ok_or_else(|| self.malformed("a response shorter than its header"))?;
        head.copy_from_slice(&header);
        self.stream.read_exact(body).await.map_err(lost)?;
        let mut decoded = ttlv::decode(&buf, &limits)
            .map_err(|e| self.malformed(format_args!("an invalid TTLV response ({e})")))?;
        let message = ResponseMessage::from_ttlv(&decoded);
        decoded.wipe();
        message.map_err(|e| self.malformed(format_args!("an invalid response message ({e})")))
    }

    fn malformed(&self, what: impl std::fmt::Display) -> KeystoreError {
        KeystoreError::Refused(format!("the KMIP server at {} sent {what}", self.peer))
    }
}

/// Control characters removed, at most [`MAX_MESSAGE_CHARS`] characters.
fn clean(message: &str) -> String {
    message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_MESSAGE_CHARS)
        .collect()
}

/// An I/O error on the connection: the server refusing the client certificate is
/// `Unauthorized`, anything else `Unreachable`.
fn io_error(peer: &str, doing: &str, e: &std::io::Error) -> KeystoreError {
    use rustls::AlertDescription as A;
    let tls = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    if let Some(rustls::Error::AlertReceived(alert)) = tls {
        if matches!(
            alert,
            A::BadCertificate
                | A::CertificateRequired
                | A::CertificateUnknown
                | A::CertificateRevoked
                | A::CertificateExpired
                | A::UnsupportedCertificate
                | A::UnknownCA
                | A::AccessDenied
        ) {
            return KeystoreError::Unauthorized(format!(
                "the KMIP server at {peer} refused the client certificate (TLS alert {alert:?})"
            ));
        }
    }
    KeystoreError::Unreachable(format!("{doing} {peer}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_map_to_keystore_errors() {
        let f = |reason: u32| Failure {
            reason,
            message: "why".to_owned(),
        };
        assert_eq!(
            f(reason::ITEM_NOT_FOUND).into_error("7"),
            KeystoreError::NotFound("KMIP object 7".to_owned())
        );
        assert!(matches!(
            f(reason::PERMISSION_DENIED).into_error("7"),
            KeystoreError::Unauthorized(m) if m.ends_with(": why")
        ));
        assert!(matches!(
            f(reason::INVALID_FIELD).into_error("7"),
            KeystoreError::Refused(m) if m.ends_with(": why")
        ));
        assert!(f(reason::PERMISSION_DENIED).may_be_state());
        assert!(!f(reason::INVALID_FIELD).may_be_state());
    }

    #[test]
    fn server_messages_are_cleaned() {
        assert_eq!(clean("a\nb\u{1b}c"), "a b c");
        assert_eq!(clean(&"x".repeat(1000)).len(), MAX_MESSAGE_CHARS);
    }
}
