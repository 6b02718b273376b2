//! The settings and credentials of an `aws-kms` keystore, parsed from their JSON objects.
//!
//! Errors name the field at fault, never its value: a credential must not reach an error
//! message, and settings follow the same rule so that no message depends on which is which.

use keyhaven_core::keystore::KeystoreError;
use keyhaven_core::SecretBytes;
use reqwest::Url;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::sigv4::Credentials;

/// The settings of one `aws-kms` keystore.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Settings {
    /// The API endpoint: `https://kms.REGION.amazonaws.com`, or a test server.
    pub endpoint: Url,
    /// The region the requests are signed for.
    pub region: String,
    /// Whether the endpoint accepts imported key material.
    pub import: bool,
    /// PEM CA certificates to trust instead of the public web roots (`https` only).
    pub ca_pem: Option<String>,
}

const SETTINGS_FIELDS: [&str; 4] = ["endpoint", "region", "import", "ca_pem"];
const CREDENTIALS_FIELDS: [&str; 3] = ["access_key_id", "secret_access_key", "session_token"];

/// Parses the settings object.
pub(super) fn parse_settings(settings: &Value) -> Result<Settings, KeystoreError> {
    let obj = settings
        .as_object()
        .ok_or_else(|| config("the aws-kms settings must be a JSON object"))?;
    reject_unknown(obj, &SETTINGS_FIELDS, "settings")?;
    let endpoint_text = required_str(obj, "endpoint", "settings")?;
    let endpoint = parse_endpoint(endpoint_text)?;
    let region = required_str(obj, "region", "settings")?;
    if region.is_empty()
        || !region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(config(
            "settings field `region` must be an AWS region name such as us-east-1",
        ));
    }
    let import = match obj.get("import") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(config("settings field `import` must be true or false")),
    };
    let ca_pem = match obj.get("ca_pem") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(config(
                "settings field `ca_pem` must be a string of PEM certificates",
            ))
        }
    };
    Ok(Settings {
        endpoint,
        region: region.to_owned(),
        import,
        ca_pem,
    })
}

/// Parses the credentials object (secret): the strings are moved, not copied, into zeroizing
/// holders.
pub(super) fn parse_credentials(credentials: &SecretBytes) -> Result<Credentials, KeystoreError> {
    let value: Value = serde_json::from_slice(credentials.expose()).map_err(|_| {
        config("the aws-kms credentials must be a JSON object (access_key_id, secret_access_key)")
    })?;
    let Value::Object(mut obj) = value else {
        return Err(config(
            "the aws-kms credentials must be a JSON object (access_key_id, secret_access_key)",
        ));
    };
    reject_unknown(&obj, &CREDENTIALS_FIELDS, "credentials")?;
    let access_key_id = take_string(&mut obj, "access_key_id")?
        .ok_or_else(|| config("credentials field `access_key_id` is missing"))?;
    let secret_access_key = take_string(&mut obj, "secret_access_key")?
        .ok_or_else(|| config("credentials field `secret_access_key` is missing"))?;
    let session_token = take_string(&mut obj, "session_token")?;
    if access_key_id.is_empty() || !access_key_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(config(
            "credentials field `access_key_id` must be a non-empty string of letters and digits",
        ));
    }
    if secret_access_key.is_empty() {
        return Err(config("credentials field `secret_access_key` is empty"));
    }
    Ok(Credentials {
        access_key_id: access_key_id.to_string(),
        secret_access_key,
        session_token,
    })
}

/// The endpoint URL: `http` or `https`, a host, no user, path, query or fragment. Plain `http`
/// is accepted only on a loopback address (a local test server): elsewhere the requests would
/// carry plaintexts in the clear.
fn parse_endpoint(text: &str) -> Result<Url, KeystoreError> {
    let url = Url::parse(text)
        .map_err(|_| config("settings field `endpoint` is not a URL (https://HOST[:PORT])"))?;
    let bare = url.username().is_empty()
        && url.password().is_none()
        && (url.path() == "/" || url.path().is_empty())
        && url.query().is_none()
        && url.fragment().is_none();
    if !bare || url.host().is_none() {
        return Err(config(
            "settings field `endpoint` must be https://HOST[:PORT] with no path, query or user",
        ));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(config(
            "settings field `endpoint` may use plain http only on a loopback address; use https",
        )),
        _ => Err(config("settings field `endpoint` must be an http(s) URL")),
    }
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn reject_unknown(
    obj: &Map<String, Value>,
    known: &[&str],
    what: &str,
) -> Result<(), KeystoreError> {
    for name in obj.keys() {
        if !known.contains(&name.as_str()) {
            return Err(config(&format!(
                "unknown aws-kms {what} field `{}` (known: {})",
                printable_name(name),
                known.join(", ")
            )));
        }
    }
    Ok(())
}

/// A field name as shown in a message: short and printable (names are not secret, but a
/// hostile or mistaken object could use a secret as a key).
fn printable_name(name: &str) -> String {
    if name.len() <= 40 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        name.to_owned()
    } else {
        "(unprintable name)".to_owned()
    }
}

fn required_str<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
    what: &str,
) -> Result<&'a str, KeystoreError> {
    match obj.get(field) {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) => Err(config(&format!("{what} field `{field}` is missing"))),
        Some(_) => Err(config(&format!("{what} field `{field}` must be a string"))),
    }
}

/// Moves a string field out of `obj` into a zeroizing holder.
fn take_string(
    obj: &mut Map<String, Value>,
    field: &str,
) -> Result<Option<Zeroizing<String>>, KeystoreError> {
    match obj.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(Zeroizing::new(s))),
        Some(_) => Err(config(&format!(
            "credentials field `{field}` must be a string"
        ))),
    }
}

fn config(message: &str) -> KeystoreError {
    KeystoreError::Config(message.to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    fn creds(v: Value) -> SecretBytes {
        SecretBytes::new(serde_json::to_vec(&v).unwrap())
    }

    #[test]
    fn settings_parse_with_defaults() {
        let s = parse_settings(&json!({
            "endpoint": "https://kms.eu-west-1.amazonaws.com",
            "region": "eu-west-1"
        }))
        .unwrap();
        assert!(s.import);
        assert_eq!(s.region, "eu-west-1");
        assert_eq!(s.endpoint.host_str(), Some("kms.eu-west-1.amazonaws.com"));
        assert_eq!(s.ca_pem, None);
        let s = parse_settings(&json!({
            "endpoint": "http://127.0.0.1:5000", "region": "us-east-1", "import": false
        }))
        .unwrap();
        assert!(!s.import);
    }

    #[test]
    fn settings_errors_name_the_field_not_the_value() {
        let cases = [
            (json!({"region": "us-east-1"}), "`endpoint`"),
            (json!({"endpoint": "https://kms.example"}), "`region`"),
            (
                json!({"endpoint": "https://kms.example", "region": "us-east-1", "colour": "VAL-9"}),
                "`colour`",
            ),
            (
                json!({"endpoint": "https://kms.example", "region": "us-east-1", "import": "VAL-9"}),
                "`import`",
            ),
            (
                json!({"endpoint": "VAL-9", "region": "us-east-1"}),
                "`endpoint`",
            ),
            (
                json!({"endpoint": "https://kms.example/VAL-9", "region": "us-east-1"}),
                "`endpoint`",
            ),
            (
                json!({"endpoint": "http://kms.example", "region": "us-east-1"}),
                "loopback",
            ),
            (
                json!({"endpoint": "https://kms.example", "region": "VAL-9"}),
                "`region`",
            ),
        ];
        for (input, needle) in cases {
            let err = parse_settings(&input).unwrap_err();
            let KeystoreError::Config(msg) = &err else {
                panic!("expected Config, got {err:?}")
            };
            assert!(msg.contains(needle), "{msg} should name {needle}");
            assert!(!msg.contains("VAL-9"), "{msg} shows a value");
        }
        assert!(parse_settings(&json!("https://kms.example")).is_err());
    }

    #[test]
    fn credentials_parse_and_never_show_values() {
        let c = parse_credentials(&creds(json!({
            "access_key_id": "AKIDEXAMPLE",
            "secret_access_key": "s3cr3t/VALUE",
            "session_token": "tok"
        })))
        .unwrap();
        assert_eq!(c.access_key_id, "AKIDEXAMPLE");
        assert_eq!(c.secret_access_key.as_str(), "s3cr3t/VALUE");
        assert_eq!(c.session_token.as_ref().map(|t| t.as_str()), Some("tok"));

        let cases = [
            (json!({"access_key_id": "AKID"}), "`secret_access_key`"),
            (
                json!({"secret_access_key": "s3cr3t/VALUE"}),
                "`access_key_id`",
            ),
            (
                json!({"access_key_id": "AKID", "secret_access_key": "s3cr3t/VALUE", "pin": "s3cr3t/VALUE"}),
                "`pin`",
            ),
            (
                json!({"access_key_id": "AKID", "secret_access_key": 7}),
                "`secret_access_key`",
            ),
            (
                json!({"access_key_id": "s3cr3t/VALUE", "secret_access_key": "x"}),
                "`access_key_id`",
            ),
            (
                json!({"access_key_id": "AKID", "secret_access_key": "x", "s3cr3t/VALUE": 1}),
                "unknown",
            ),
        ];
        for (input, needle) in cases {
            let err = parse_credentials(&creds(input)).unwrap_err();
            let msg = err.to_string();
            assert!(matches!(err, KeystoreError::Config(_)));
            assert!(msg.contains(needle), "{msg} should name {needle}");
            assert!(!msg.contains("s3cr3t"), "{msg} shows a secret");
        }
        let err = parse_credentials(&SecretBytes::from_slice(b"{\"s3cr3t")).unwrap_err();
        assert!(!err.to_string().contains("s3cr3t"));
    }
}
