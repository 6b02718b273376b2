//! The credentials `{"pin": "..."}`, parsed into zeroizing memory.

use keyhaven_core::keystore::KeystoreError;
use keyhaven_core::SecretBytes;
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

/// Parses the credentials `{"pin": "..."}` into zeroizing memory. Errors name fields, never
/// values.
pub(super) fn parse_pin(credentials: &SecretBytes) -> Result<SecretBytes, KeystoreError> {
    const SHAPE: &str = "pkcs11 credentials must be a JSON object {\"pin\": \"<user PIN>\"}";
    if credentials.is_empty() {
        return Err(KeystoreError::Config(format!("{SHAPE}; none are set")));
    }
    let parsed: Value = serde_json::from_slice(credentials.expose()).map_err(|e| {
        KeystoreError::Config(format!(
            "{SHAPE}; they are not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let Value::Object(fields) = parsed else {
        let mut parsed = parsed;
        wipe(&mut parsed);
        return Err(KeystoreError::Config(SHAPE.into()));
    };
    let mut pin: Option<Zeroizing<String>> = None;
    let mut problem = None;
    for (name, value) in fields {
        match (name.as_str(), value) {
            ("pin", Value::String(text)) => pin = Some(Zeroizing::new(text)),
            (_, mut other) => {
                wipe(&mut other);
                problem.get_or_insert_with(|| {
                    if name == "pin" {
                        "pkcs11 credentials: field \"pin\" must be a string".to_owned()
                    } else {
                        format!(
                            "pkcs11 credentials: unknown field \"{name}\" (the only field is \
                             \"pin\")"
                        )
                    }
                });
            }
        }
    }
    if let Some(problem) = problem {
        return Err(KeystoreError::Config(problem));
    }
    match pin {
        None => Err(KeystoreError::Config(
            "pkcs11 credentials: missing field \"pin\"".into(),
        )),
        Some(pin) if pin.is_empty() => Err(KeystoreError::Config(
            "pkcs11 credentials: field \"pin\" is empty".into(),
        )),
        Some(pin) => Ok(SecretBytes::from_slice(pin.as_bytes())),
    }
}

/// Zeroizes every string inside a JSON value that will not be used.
fn wipe(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(fields) => fields.values_mut().for_each(wipe),
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn creds(json: &str) -> SecretBytes {
        SecretBytes::from_slice(json.as_bytes())
    }

    fn config_message(r: Result<SecretBytes, KeystoreError>) -> String {
        match r {
            Err(KeystoreError::Config(m)) => m,
            Err(other) => panic!("expected a config error, got {other:?}"),
            Ok(_) => panic!("expected a config error, got a PIN"),
        }
    }

    #[test]
    fn the_pin_is_parsed() {
        let pin = parse_pin(&creds(r#"{"pin": "4321"}"#)).unwrap();
        assert_eq!(pin.expose(), b"4321");
    }

    #[test]
    fn credential_errors_name_the_field_not_the_value() {
        let m = config_message(parse_pin(&creds(r#"{"pin": "9876", "user": "s3cr3t-x"}"#)));
        assert!(m.contains("\"user\""), "{m}");
        assert!(!m.contains("s3cr3t-x") && !m.contains("9876"), "{m}");

        let m = config_message(parse_pin(&creds(r#"{"pin": 98765}"#)));
        assert!(m.contains("\"pin\"") && !m.contains("98765"), "{m}");

        let m = config_message(parse_pin(&creds(r#"{"pn": "9876"}"#)));
        assert!(m.contains("\"pn\"") && !m.contains("9876"), "{m}");

        let m = config_message(parse_pin(&creds("{}")));
        assert!(m.contains("missing field \"pin\""), "{m}");

        let m = config_message(parse_pin(&creds(r#"{"pin": "98765"#)));
        assert!(m.contains("not valid JSON") && !m.contains("98765"), "{m}");

        let m = config_message(parse_pin(&creds(r#""98765""#)));
        assert!(!m.contains("98765"), "{m}");

        config_message(parse_pin(&creds("")));
        config_message(parse_pin(&creds(r#"{"pin": ""}"#)));
    }
}
