//! The CLI's error type, its exit codes and how it is shown to the user.

use std::io::Write;

use keyhaven_client::proto::{ErrorBody, ErrorDetail};
use keyhaven_client::{exit, ClientError};

use super::output::{sanitize, OutputFormat};

/// Exit codes, as shown at the end of `keyhaven --help`. Keep in sync with docs/CLI.md and
/// `keyhaven_client::exit`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  any other error (server error, unexpected response, local I/O)
  2  usage or configuration error (bad flag or argument, no token, unreadable CA file)
  3  vault or key not found
  4  refused: lifecycle state, pending destruction, usage mask, usage window, unsupported
     operation, vault not empty, name already taken, concurrent change, crypto policy
  5  authentication or authorization failed (unauthenticated, forbidden, too many failures)
  6  cannot connect to the server, or TLS failed
  7  a check failed: verify / mac-verify returned valid: false, decryption failed, audit
     verify found the log altered, kmip replay had a failing case, discover --fail-on matched,
     keystore test failed, key sync left a keystore out of sync, migrate found a difference
  8  the server is sealed, or the unseal material (passphrase, share, PIN) was refused

Environment:
  KEYHAVEN_ADDR        server URL (default https://127.0.0.1:8443)
  KEYHAVEN_TOKEN       API bearer token
  KEYHAVEN_TOKEN_FILE  file holding the token (used when KEYHAVEN_TOKEN is not set)
  KEYHAVEN_CACERT      PEM file with the CA of the server certificate
  KEYHAVEN_CLIENT_CERT PEM client certificate for mTLS login (with KEYHAVEN_CLIENT_KEY)
  KEYHAVEN_CLIENT_KEY  its private key (PEM)
  KEYHAVEN_PASSPHRASE  passphrase for `init` / `serve` / `unseal` (prefer the file flags)
  KEYHAVEN_DATABASE    database of `init` / `serve` / `migrate --to` (sqlite:PATH or
                       postgres://...; default DATA_DIR/keyhaven.db)
  RUST_LOG             log filter for `serve` (default info)

Development server quick start:
  keyhaven serve --dev &
  export KEYHAVEN_TOKEN_FILE=keyhaven-data/root-token KEYHAVEN_CACERT=keyhaven-data/tls/ca.pem
  keyhaven vault create demo";

/// Everything a CLI command can fail with.
#[derive(Debug)]
pub enum CliError {
    /// The REST client or server failed.
    Client(ClientError),
    /// Bad arguments that clap could not catch (exit 2).
    Usage(String),
    /// A named vault or key does not exist (exit 3), found on the client side.
    NotFound(String),
    /// Verification said `valid: false` (exit 7); the result was already printed.
    Invalid(String),
    /// Local failure: reading input, writing output, starting the runtime (exit 1).
    Local(String),
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Client(e) => e.fmt(f),
            CliError::Usage(m)
            | CliError::NotFound(m)
            | CliError::Invalid(m)
            | CliError::Local(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CliError::Client(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ClientError> for CliError {
    fn from(err: ClientError) -> CliError {
        CliError::Client(err)
    }
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Client(e) => e.exit_code(),
            CliError::Usage(_) => exit::USAGE,
            CliError::NotFound(_) => exit::NOT_FOUND,
            CliError::Invalid(_) => exit::INVALID,
            CliError::Local(_) => exit::FAILURE,
        }
    }

    /// A local I/O failure with what was being done.
    pub fn io(context: impl std::fmt::Display, err: &std::io::Error) -> CliError {
        CliError::Local(format!("{context}: {err}"))
    }
}

/// Writes the error to stderr: the server's error body as JSON in json mode, otherwise a
/// message with details and a hint for the common set-up mistakes.
pub fn report(err: &CliError, format: OutputFormat, addr: &str) {
    let text = render(err, format, addr);
    let mut stderr = std::io::stderr().lock();
    // Nothing sensible to do if stderr is gone.
    let _ = stderr.write_all(text.as_bytes());
}

/// The text [`report`] writes.
pub fn render(err: &CliError, format: OutputFormat, addr: &str) -> String {
    if format == OutputFormat::Json {
        let (code, message, details) = match err {
            CliError::Client(ClientError::Api {
                code,
                message,
                details,
                ..
            }) => (code.clone(), message.clone(), details.clone()),
            other => (
                local_code(other).to_owned(),
                other.to_string(),
                Default::default(),
            ),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                details,
            },
        };
        if let Ok(json) = serde_json::to_string_pretty(&body) {
            return format!("{json}\n");
        }
    }
    let mut text = format!("keyhaven: error: {}\n", sanitize(&err.to_string()));
    if let CliError::Client(ClientError::Api { details, .. }) = err {
        for (name, value) in details {
            let value = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            text.push_str(&format!("  {}: {}\n", sanitize(name), sanitize(&value)));
        }
    }
    if let Some(hint) = hint(err, addr) {
        text.push_str(&format!("hint: {hint}\n"));
    }
    text
}

/// A code for errors that did not come from the server, for json mode.
fn local_code(err: &CliError) -> &'static str {
    match err {
        CliError::Client(ClientError::Transport(_)) => "transport",
        CliError::Client(ClientError::Decode(_)) => "decode",
        CliError::Client(ClientError::Config(_)) | CliError::Usage(_) => "usage",
        CliError::NotFound(_) => "not_found",
        CliError::Invalid(_) => "invalid",
        CliError::Client(ClientError::Api { .. }) | CliError::Local(_) => "local",
    }
}

fn hint(err: &CliError, addr: &str) -> Option<String> {
    let CliError::Client(client) = err else {
        return None;
    };
    match client {
        ClientError::Transport(msg) => {
            let lower = msg.to_ascii_lowercase();
            if lower.contains("notvalidforname") {
                Some(
                    "the server's certificate does not name this host: connect with a host \
                     name or address the certificate was issued for"
                        .to_owned(),
                )
            } else if lower.contains("certificate") || lower.contains("unknownissuer") {
                Some(
                    "the server's certificate is not trusted: pass its CA with --cacert or \
                     KEYHAVEN_CACERT (a dev server writes keyhaven-data/tls/ca.pem)"
                        .to_owned(),
                )
            } else if lower.contains("connection refused") || lower.contains("connect") {
                Some(format!(
                    "is a server listening at {addr}? Start one with `keyhaven serve --dev`, \
                     or set --addr / KEYHAVEN_ADDR"
                ))
            } else {
                None
            }
        }
        ClientError::Api { code, .. } if code == "unauthenticated" => Some(
            "set KEYHAVEN_TOKEN or KEYHAVEN_TOKEN_FILE (a dev server writes \
             keyhaven-data/root-token)"
                .to_owned(),
        ),
        _ => None,
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
    use std::collections::BTreeMap;

    use super::*;

    fn api(code: &str, status: u16) -> CliError {
        let mut details = BTreeMap::new();
        details.insert("state".to_owned(), serde_json::json!("deactivated"));
        CliError::Client(ClientError::Api {
            status,
            code: code.to_owned(),
            message: "key is deactivated; reactivate it first".to_owned(),
            details,
        })
    }

    #[test]
    fn exit_codes_of_local_errors() {
        assert_eq!(CliError::Usage("x".into()).exit_code(), 2);
        assert_eq!(CliError::NotFound("x".into()).exit_code(), 3);
        assert_eq!(CliError::Invalid("x".into()).exit_code(), 7);
        assert_eq!(CliError::Local("x".into()).exit_code(), 1);
        assert_eq!(
            CliError::Client(ClientError::Transport("refused".into())).exit_code(),
            6
        );
        assert_eq!(api("wrong_lifecycle_state", 409).exit_code(), 4);
        assert_eq!(api("forbidden", 403).exit_code(), 5);
        assert_eq!(api("decryption_failed", 400).exit_code(), 7);
    }

    #[test]
    fn table_mode_shows_message_details_and_hints() {
        let text = render(&api("wrong_lifecycle_state", 409), OutputFormat::Table, "x");
        assert!(
            text.starts_with("keyhaven: error: key is deactivated"),
            "{text}"
        );
        assert!(text.contains("  state: deactivated\n"), "{text}");
        let text = render(&api("unauthenticated", 401), OutputFormat::Table, "x");
        assert!(text.contains("hint: set KEYHAVEN_TOKEN"), "{text}");
        let refused = CliError::Client(ClientError::Transport(
            "error sending request: client error (Connect): tcp connect error: Connection refused"
                .into(),
        ));
        let text = render(&refused, OutputFormat::Table, "https://127.0.0.1:8443");
        assert!(text.contains("https://127.0.0.1:8443"), "{text}");
        let tls = CliError::Client(ClientError::Transport(
            "invalid peer certificate: UnknownIssuer".into(),
        ));
        assert!(render(&tls, OutputFormat::Table, "x").contains("--cacert"));
        let name = CliError::Client(ClientError::Transport(
            "invalid peer certificate: NotValidForName".into(),
        ));
        assert!(render(&name, OutputFormat::Table, "x").contains("does not name this host"));
    }

    #[test]
    fn json_mode_prints_an_error_body() {
        let text = render(&api("wrong_lifecycle_state", 409), OutputFormat::Json, "x");
        let body: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(body["error"]["code"], "wrong_lifecycle_state");
        assert_eq!(body["error"]["details"]["state"], "deactivated");
        let text = render(
            &CliError::NotFound("no key".into()),
            OutputFormat::Json,
            "x",
        );
        let body: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(body["error"]["code"], "not_found");
    }

    #[test]
    fn messages_are_sanitized() {
        let err = CliError::Client(ClientError::Api {
            status: 400,
            code: "invalid_request".into(),
            message: "bad\u{1b}[31m name".into(),
            details: BTreeMap::new(),
        });
        let text = render(&err, OutputFormat::Table, "x");
        assert!(!text.contains('\u{1b}'), "{text:?}");
    }
}
