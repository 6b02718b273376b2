//! One call of the AWS KMS JSON API: `POST /` with `X-Amz-Target: TrentService.<Operation>`,
//! signed with SigV4 for service `kms`, over HTTPS (rustls, aws-lc-rs) or loopback HTTP; and
//! the mapping of its failures to [`KeystoreError`].

use std::sync::Arc;
use std::time::Duration;

use keyhaven_core::keystore::KeystoreError;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::settings::Settings;
use crate::sigv4::{self, Credentials, Scope};

/// Connect and whole-request timeout.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The JSON protocol's content type.
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// Longest AWS message kept in an error.
const MAX_MESSAGE: usize = 300;

/// A signed client for one endpoint.
pub(super) struct Api {
    http: reqwest::Client,
    endpoint: Url,
    /// The `Host` header: host, and port when not the scheme's default.
    host: String,
    region: String,
    credentials: Credentials,
}

/// Why a call failed.
#[derive(Debug)]
pub(super) enum CallError {
    /// No answer (connection, TLS, timeout) or an unreadable one.
    Transport(String),
    /// AWS answered with an error.
    Aws {
        /// HTTP status.
        status: u16,
        /// The short error type (`NotFoundException`), from `__type`.
        kind: String,
        /// AWS's message (trimmed, printable).
        message: String,
    },
}

impl CallError {
    /// Whether AWS answered with the error type `kind`.
    pub fn is(&self, kind: &str) -> bool {
        matches!(self, CallError::Aws { kind: k, .. } if k == kind)
    }
}

impl From<CallError> for KeystoreError {
    fn from(e: CallError) -> KeystoreError {
        match e {
            CallError::Transport(m) => KeystoreError::Unreachable(m),
            CallError::Aws {
                status,
                kind,
                message,
            } => {
                let text = if message.is_empty() {
                    kind.clone()
                } else {
                    format!("{kind}: {message}")
                };
                match kind.as_str() {
                    _ if status >= 500 => {
                        KeystoreError::Unreachable(format!("AWS KMS answered {status} ({text})"))
                    }
                    // Throttling passes: try again later.
                    "ThrottlingException" => KeystoreError::Unreachable(text),
                    "UnrecognizedClientException"
                    | "InvalidSignatureException"
                    | "IncompleteSignatureException"
                    | "MissingAuthenticationTokenException"
                    | "ExpiredTokenException"
                    | "AccessDeniedException" => KeystoreError::Unauthorized(text),
                    "NotFoundException" => KeystoreError::NotFound(text),
                    _ => KeystoreError::Refused(text),
                }
            }
        }
    }
}

impl Api {
    /// A client for the endpoint of `settings`, signing with `credentials`.
    pub fn new(settings: &Settings, credentials: Credentials) -> Result<Api, KeystoreError> {
        let host = match (settings.endpoint.host_str(), settings.endpoint.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => {
                return Err(KeystoreError::Config(
                    "settings field `endpoint` has no host".to_owned(),
                ))
            }
        };
        let tls = tls_config(settings.ca_pem.as_deref())?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .http1_only()
            .connect_timeout(TIMEOUT)
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| KeystoreError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Api {
            http,
            endpoint: settings.endpoint.clone(),
            host,
            region: settings.region.clone(),
            credentials,
        })
    }

    /// Calls `TrentService.<operation>` with the JSON `body`; returns the answer's body. The
    /// body may hold secrets (plaintexts), so it is zeroized on drop.
    pub async fn call(
        &self,
        operation: &str,
        body: Zeroizing<Vec<u8>>,
    ) -> Result<Zeroizing<Vec<u8>>, CallError> {
        let target = format!("TrentService.{operation}");
        let stamp_time = OffsetDateTime::now_utc();
        let amz_date = sigv4::amz_date(stamp_time);
        let mut signed: Vec<(&str, &str)> = vec![
            ("content-type", CONTENT_TYPE),
            ("host", &self.host),
            ("x-amz-date", &amz_date),
            ("x-amz-target", &target),
        ];
        if let Some(token) = &self.credentials.session_token {
            signed.push(("x-amz-security-token", token.as_str()));
        }
        let authorization = sigv4::authorization(
            &self.credentials,
            Scope {
                region: &self.region,
                service: "kms",
            },
            stamp_time,
            &sigv4::Request {
                method: "POST",
                path: "/",
                query: &[],
                headers: &signed,
                payload: &body,
            },
        );
        let mut headers = HeaderMap::new();
        for (name, value) in signed
            .iter()
            .copied()
            .chain([("authorization", authorization.as_str())])
        {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| CallError::Transport(format!("invalid header name {name}")))?;
            let mut value = HeaderValue::from_str(value).map_err(|_| {
                CallError::Transport(format!("the {name} header holds invalid characters"))
            })?;
            if name == "authorization" || name == "x-amz-security-token" {
                value.set_sensitive(true);
            }
            headers.insert(name, value);
        }
        let response = self
            .http
            .post(self.endpoint.clone())
            .headers(headers)
            .body(body.to_vec())
            .send()
            .await
            .map_err(|e| CallError::Transport(describe_transport(&self.endpoint, &e)))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| CallError::Transport(describe_transport(&self.endpoint, &e)))?;
        let bytes = Zeroizing::new(bytes.to_vec());
        if (200..300).contains(&status) {
            Ok(bytes)
        } else {
            Err(aws_error(status, &bytes))
        }
    }
}

/// The error of a non-2xx answer: `__type` (after any `prefix#`) and `message`/`Message`.
pub(super) fn aws_error(status: u16, body: &[u8]) -> CallError {
    let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let field = |name: &str| {
        parsed
            .as_ref()
            .and_then(|v| v.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let kind = field("__type")
        .map(|t| {
            let t = t.rsplit('#').next().unwrap_or_default();
            t.split(':').next().unwrap_or_default().to_owned()
        })
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| format!("HTTP {status}"));
    let message = field("message")
        .or_else(|| field("Message"))
        .unwrap_or_default();
    CallError::Aws {
        status,
        kind: printable(&kind),
        message: printable(&message),
    }
}

/// A message cut to [`MAX_MESSAGE`] characters, control characters replaced.
fn printable(s: &str) -> String {
    s.chars()
        .take(MAX_MESSAGE)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A transport failure with its causes (no secret is in them: the URL is the endpoint).
fn describe_transport(endpoint: &Url, e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    let host = endpoint.host_str().unwrap_or_default();
    let port = endpoint.port_or_known_default().unwrap_or_default();
    if causes.is_empty() {
        format!("AWS KMS at {host}:{port}: {what}")
    } else {
        format!("AWS KMS at {host}:{port}: {what}: {}", causes.join(": "))
    }
}

/// rustls with the aws-lc-rs provider, trusting `ca_pem` when given and the public web roots
/// otherwise; HTTP/1.1 only.
fn tls_config(ca_pem: Option<&str>) -> Result<ClientConfig, KeystoreError> {
    let mut roots = RootCertStore::empty();
    match ca_pem {
        Some(pem) => {
            let certs: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut pem.as_bytes())
                .collect::<Result<_, _>>()
                .map_err(|_| {
                    KeystoreError::Config("settings field `ca_pem` is not valid PEM".to_owned())
                })?;
            if certs.is_empty() {
                return Err(KeystoreError::Config(
                    "settings field `ca_pem` holds no CERTIFICATE block".to_owned(),
                ));
            }
            for cert in certs {
                roots.add(cert).map_err(|_| {
                    KeystoreError::Config(
                        "settings field `ca_pem` holds a certificate rustls cannot use".to_owned(),
                    )
                })?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| KeystoreError::Config(format!("TLS setup failed: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn mapped(status: u16, body: &str) -> KeystoreError {
        aws_error(status, body.as_bytes()).into()
    }

    #[test]
    fn aws_errors_map_to_keystore_errors() {
        let e = mapped(
            400,
            r#"{"__type":"com.amazonaws.kms#NotFoundException","message":"Key 'k' does not exist"}"#,
        );
        assert_eq!(
            e,
            KeystoreError::NotFound("NotFoundException: Key 'k' does not exist".into())
        );
        for kind in [
            "UnrecognizedClientException",
            "InvalidSignatureException",
            "AccessDeniedException",
        ] {
            let e = mapped(400, &format!(r#"{{"__type":"{kind}","Message":"no"}}"#));
            assert!(
                matches!(e, KeystoreError::Unauthorized(ref m) if m.contains(kind)),
                "{e:?}"
            );
        }
        let e = mapped(
            400,
            r#"{"__type":"DisabledException","message":"key is disabled"}"#,
        );
        assert_eq!(
            e,
            KeystoreError::Refused("DisabledException: key is disabled".into())
        );
        let e = mapped(500, r#"{"__type":"KMSInternalException"}"#);
        assert!(
            matches!(e, KeystoreError::Unreachable(ref m) if m.contains("KMSInternalException"))
        );
        assert!(e.is_transient());
        let e = mapped(503, "<html>busy</html>");
        assert!(matches!(e, KeystoreError::Unreachable(ref m) if m.contains("HTTP 503")));
        let e = mapped(400, r#"{"__type":"ThrottlingException"}"#);
        assert!(e.is_transient());
        let e = mapped(
            400,
            &format!(r#"{{"__type":"X","message":"{}"}}"#, "a\n".repeat(500)),
        );
        let KeystoreError::Refused(m) = e else {
            panic!()
        };
        assert!(m.len() < 320 && !m.contains('\n'));
        assert!(aws_error(400, br#"{"__type":"NotFoundException"}"#).is("NotFoundException"));
    }

    #[test]
    fn ca_pem_must_hold_certificates() {
        assert!(tls_config(None).is_ok());
        assert!(matches!(
            tls_config(Some("not pem")),
            Err(KeystoreError::Config(m)) if m.contains("`ca_pem`")
        ));
    }
}
