//! The settings and credentials of a KMIP keystore, read from their JSON objects, and the TLS
//! client configuration built from them.
//!
//! Errors name the field at fault, never its value: the credentials hold a private key and the
//! settings may be pasted from somewhere sensitive.

use std::sync::Arc;

use keyhaven_core::keystore::KeystoreError;
use keyhaven_core::SecretBytes;
use keyhaven_kmip::message::ProtocolVersion;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

/// The fields of the settings object.
const SETTINGS_FIELDS: &[&str] = &["host", "port", "server_name", "ca_pem", "version"];
/// The fields of the credentials object.
const CREDENTIAL_FIELDS: &[&str] = &["client_cert_pem", "client_key_pem"];

/// The KMIP versions the connector speaks, as written in the settings.
const VERSIONS: &[(&str, ProtocolVersion)] = &[
    ("1.0", ProtocolVersion::V1_0),
    ("1.1", ProtocolVersion::V1_1),
    ("1.2", ProtocolVersion::V1_2),
    ("1.3", ProtocolVersion::V1_3),
    ("1.4", ProtocolVersion::V1_4),
    ("2.0", ProtocolVersion::V2_0),
    ("2.1", ProtocolVersion::V2_1),
];

/// Where the server is, how to check it, and which KMIP version to speak.
pub(super) struct Endpoint {
    /// Host name or address to connect to.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// The name the server certificate must carry.
    pub server_name: ServerName<'static>,
    /// The protocol version of the requests.
    pub version: ProtocolVersion,
    /// TLS 1.2/1.3 with the CA of the settings and the client certificate of the credentials.
    pub tls: Arc<rustls::ClientConfig>,
}

/// Reads the settings and credentials and builds the TLS configuration.
pub(super) fn endpoint(
    settings: &Value,
    credentials: &SecretBytes,
) -> Result<Endpoint, KeystoreError> {
    let fields = object(settings, "settings", SETTINGS_FIELDS)?;
    let host = required_text(fields, "settings", "host")?.to_owned();
    if host.is_empty() {
        return Err(config("settings field \"host\" is empty"));
    }
    let port = fields
        .get("port")
        .ok_or_else(|| config("settings field \"port\" is missing"))?
        .as_u64()
        .and_then(|p| u16::try_from(p).ok())
        .filter(|p| *p != 0)
        .ok_or_else(|| config("settings field \"port\" must be a TCP port number (1-65535)"))?;
    let name = match optional_text(fields, "settings", "server_name")? {
        Some(n) => n.to_owned(),
        None => host.clone(),
    };
    let server_name = ServerName::try_from(name).map_err(|_| {
        config("settings field \"server_name\" is not a valid DNS name or IP address")
    })?;
    let version = match optional_text(fields, "settings", "version")? {
        None => ProtocolVersion::V1_2,
        Some(v) => VERSIONS
            .iter()
            .find(|(name, _)| *name == v)
            .map(|(_, version)| *version)
            .ok_or_else(|| {
                config(
                    "settings field \"version\" must be one of 1.0, 1.1, 1.2, 1.3, 1.4, 2.0, 2.1",
                )
            })?,
    };
    let roots = ca_roots(required_text(fields, "settings", "ca_pem")?)?;
    let tls = Arc::new(client_config(roots, credentials)?);
    Ok(Endpoint {
        host,
        port,
        server_name,
        version,
        tls,
    })
}

fn config(message: impl Into<String>) -> KeystoreError {
    KeystoreError::Config(message.into())
}

/// The object's fields, refusing any field not in `allowed`.
fn object<'a>(
    value: &'a Value,
    what: &str,
    allowed: &[&str],
) -> Result<&'a Map<String, Value>, KeystoreError> {
    let fields = value
        .as_object()
        .ok_or_else(|| config(format!("the {what} must be a JSON object")))?;
    check_fields(fields, what, allowed)?;
    Ok(fields)
}

/// Refuses any field not in `allowed`, naming it.
fn check_fields(
    fields: &Map<String, Value>,
    what: &str,
    allowed: &[&str],
) -> Result<(), KeystoreError> {
    if let Some(unknown) = fields.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(config(format!(
            "unknown {what} field {unknown:?} (known: {})",
            allowed.join(", ")
        )));
    }
    Ok(())
}

fn optional_text<'a>(
    fields: &'a Map<String, Value>,
    what: &str,
    name: &str,
) -> Result<Option<&'a str>, KeystoreError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(config(format!("{what} field {name:?} must be a string"))),
    }
}

fn required_text<'a>(
    fields: &'a Map<String, Value>,
    what: &str,
    name: &str,
) -> Result<&'a str, KeystoreError> {
    optional_text(fields, what, name)?
        .ok_or_else(|| config(format!("{what} field {name:?} is missing")))
}

fn ca_roots(pem: &str) -> Result<rustls::RootCertStore, KeystoreError> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in certificates(pem, "settings field \"ca_pem\"")? {
        roots.add(cert).map_err(|_| {
            config("settings field \"ca_pem\" holds a certificate that is not a usable CA")
        })?;
    }
    Ok(roots)
}

fn certificates(pem: &str, what: &str) -> Result<Vec<CertificateDer<'static>>, KeystoreError> {
    let certs = rustls_pemfile::certs(&mut pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| config(format!("{what} is not valid PEM")))?;
    if certs.is_empty() {
        return Err(config(format!("{what} holds no certificate")));
    }
    Ok(certs)
}

/// The client certificate and key of the credentials, the key kept in zeroizing memory until
/// rustls holds it.
struct ClientIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn client_identity(credentials: &SecretBytes) -> Result<ClientIdentity, KeystoreError> {
    // No serde error text: it could quote part of the credentials.
    let parsed: Value = serde_json::from_slice(credentials.expose())
        .map_err(|_| config("the credentials are not a JSON object"))?;
    let Value::Object(mut fields) = parsed else {
        return Err(config("the credentials must be a JSON object"));
    };
    let key_pem = take_secret_text(&mut fields, "client_key_pem");
    // Every field checked after the key is moved into zeroizing memory.
    check_fields(&fields, "credentials", CREDENTIAL_FIELDS)?;
    let key_pem = key_pem?;
    let cert_pem = required_text(&fields, "credentials", "client_cert_pem")?;
    let chain = certificates(cert_pem, "credentials field \"client_cert_pem\"")?;
    let key = rustls_pemfile::private_key(&mut key_pem.as_bytes())
        .map_err(|_| config("credentials field \"client_key_pem\" is not valid PEM"))?
        .ok_or_else(|| config("credentials field \"client_key_pem\" holds no private key"))?;
    Ok(ClientIdentity { chain, key })
}

/// Moves the text field `name` out of `fields` into zeroizing memory.
fn take_secret_text(
    fields: &mut Map<String, Value>,
    name: &str,
) -> Result<Zeroizing<String>, KeystoreError> {
    match fields.remove(name) {
        Some(Value::String(s)) => Ok(Zeroizing::new(s)),
        Some(_) => Err(config(format!(
            "credentials field {name:?} must be a string"
        ))),
        None => Err(config(format!("credentials field {name:?} is missing"))),
    }
}

fn client_config(
    roots: rustls::RootCertStore,
    credentials: &SecretBytes,
) -> Result<rustls::ClientConfig, KeystoreError> {
    let identity = client_identity(credentials)?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| config(format!("TLS configuration: {e}")))?
        .with_root_certificates(roots)
        .with_client_auth_cert(identity.chain, identity.key)
        .map_err(|_| {
            config(
                "credentials: the client key does not match the client certificate or its \
                 algorithm is not supported",
            )
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    fn creds(v: Value) -> SecretBytes {
        SecretBytes::new(serde_json::to_vec(&v).unwrap())
    }

    fn error(settings: Value, credentials: Value) -> String {
        match endpoint(&settings, &creds(credentials)) {
            Err(KeystoreError::Config(m)) => m,
            Err(other) => panic!("expected a Config error, got {other:?}"),
            Ok(_) => panic!("expected a Config error"),
        }
    }

    #[test]
    fn unknown_and_missing_fields_are_named_without_values() {
        let m = error(
            json!({"host": "h", "port": 1, "ca_pem": "x", "colour": "s3cr3t"}),
            json!({}),
        );
        assert!(m.contains("\"colour\""), "{m}");
        assert!(!m.contains("s3cr3t"), "{m}");
        let m = error(json!({"port": 1, "ca_pem": "x"}), json!({}));
        assert!(m.contains("\"host\""), "{m}");
        let m = error(
            json!({"host": "h", "port": 70000, "ca_pem": "x"}),
            json!({}),
        );
        assert!(m.contains("\"port\""), "{m}");
        let m = error(
            json!({"host": "h", "port": 1, "ca_pem": "x", "version": "9.9"}),
            json!({}),
        );
        assert!(m.contains("\"version\""), "{m}");
        let m = error(
            json!({"host": "h", "port": 1, "ca_pem": "not pem"}),
            json!({}),
        );
        assert!(m.contains("\"ca_pem\""), "{m}");
    }

    #[test]
    fn credential_errors_never_quote_the_key() {
        let secret =
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n";
        for bad in [
            json!({"client_key_pem": secret}),
            json!({"client_key_pem": secret, "client_cert_pem": "x", "extra": secret}),
            json!({"client_key_pem": 5, "client_cert_pem": "x"}),
        ] {
            let e = client_identity(&creds(bad)).err().expect("refused");
            let m = e.to_string();
            assert!(matches!(e, KeystoreError::Config(_)), "{m}");
            assert!(!m.contains("c2VjcmV0"), "{m}");
        }
        let e = client_identity(&SecretBytes::from_slice(b"{\"client_key_pem\": \"abc")).err();
        assert!(matches!(e, Some(KeystoreError::Config(m)) if !m.contains("abc")));
    }
}
