//! The client's error type and its mapping to CLI exit codes.

use std::collections::BTreeMap;

use keyhaven_proto::{ErrorBody, ErrorCode};

/// Process exit codes of the `keyhaven` CLI. Scripts rely on them: never renumber one.
pub mod exit {
    /// The command succeeded.
    pub const SUCCESS: u8 = 0;
    /// Any error not covered by another code (server error, bad response, I/O).
    pub const FAILURE: u8 = 1;
    /// Usage or configuration error: bad flag or argument (clap's own code), no token,
    /// unreadable CA file.
    pub const USAGE: u8 = 2;
    /// The vault or key does not exist.
    pub const NOT_FOUND: u8 = 3;
    /// Refused by lifecycle state, usage mask, usage window or policy; name already taken;
    /// vault not empty; concurrent modification.
    pub const REFUSED: u8 = 4;
    /// Authentication or authorization failed (missing/wrong token, not permitted).
    pub const AUTH: u8 = 5;
    /// Cannot connect to the server, TLS failure, or the connection failed mid-request.
    pub const UNREACHABLE: u8 = 6;
    /// Verification returned `valid: false` (verify, mac-verify) or decryption failed; also
    /// the CLI's other failed checks (a keystore connection test, a key still out of sync
    /// after `key sync`).
    pub const INVALID: u8 = 7;
    /// The server is sealed (unseal it first), or the unseal material was refused.
    pub const SEALED: u8 = 8;
}

/// Everything that can go wrong talking to a keyhaven server.
///
/// No variant ever holds the bearer token.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error body (`{"error": {...}}`) or a non-success status.
    #[error("{message} ({code}, HTTP {status})")]
    Api {
        /// HTTP status.
        status: u16,
        /// Stable error code (see [`ErrorCode`]); `http_<status>` when the body was not a
        /// keyhaven error body.
        code: String,
        /// Human-readable message from the server.
        message: String,
        /// Structured details from the server (current state, allowed states, ...).
        details: BTreeMap<String, serde_json::Value>,
    },
    /// The request did not complete: connection refused, DNS, TLS handshake, timeout, reset.
    #[error("cannot reach the server: {0}")]
    Transport(String),
    /// The server answered 2xx but the body was not what the API promises.
    #[error("unexpected response from the server: {0}")]
    Decode(String),
    /// The client could not be set up: bad URL, bad CA file, token not usable in a header.
    #[error("{0}")]
    Config(String),
}

impl ClientError {
    /// The stable error code, when the server sent a known one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Api { code, .. } => ErrorCode::parse(code),
            _ => None,
        }
    }

    /// Whether the server said the vault or key does not exist.
    pub fn is_not_found(&self) -> bool {
        self.exit_code() == exit::NOT_FOUND
    }

    /// The `keyhaven` CLI exit code for this error (see [`exit`]).
    ///
    /// Unknown (newer) codes fall back on the HTTP status, so an old CLI still gives a
    /// meaningful code against a newer server.
    pub fn exit_code(&self) -> u8 {
        match self {
            ClientError::Api { status, code, .. } => match ErrorCode::parse(code) {
                Some(code) => exit_code_for(code),
                None => exit_code_for_status(*status),
            },
            ClientError::Transport(_) => exit::UNREACHABLE,
            ClientError::Decode(_) => exit::FAILURE,
            ClientError::Config(_) => exit::USAGE,
        }
    }

    /// Builds the error for a non-success response from its status and raw body.
    pub fn from_response(status: u16, body: &[u8]) -> ClientError {
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(parsed) => ClientError::Api {
                status,
                code: parsed.error.code,
                message: parsed.error.message,
                details: parsed.error.details,
            },
            Err(_) => ClientError::Api {
                status,
                code: format!("http_{status}"),
                message: non_json_message(status, body),
                details: BTreeMap::new(),
            },
        }
    }

    /// Builds a transport error from a reqwest error, including its whole cause chain (the
    /// useful part of a TLS failure, e.g. `invalid peer certificate: UnknownIssuer`, is deep
    /// in it).
    pub(crate) fn transport(err: &reqwest::Error) -> ClientError {
        ClientError::Transport(error_chain(err))
    }
}

/// Exit code for a known error code.
pub fn exit_code_for(code: ErrorCode) -> u8 {
    match code {
        ErrorCode::NotFound => exit::NOT_FOUND,
        ErrorCode::WrongLifecycleState
        | ErrorCode::KeyPendingDestruction
        | ErrorCode::UsageNotPermitted
        | ErrorCode::OutsideUsageWindow
        | ErrorCode::UnsupportedOperation
        | ErrorCode::VaultNotEmpty
        | ErrorCode::AlreadyExists
        | ErrorCode::Conflict
        | ErrorCode::PolicyViolation => exit::REFUSED,
        ErrorCode::Unauthenticated | ErrorCode::Forbidden | ErrorCode::TooManyRequests => {
            exit::AUTH
        }
        ErrorCode::Sealed | ErrorCode::UnsealFailed => exit::SEALED,
        ErrorCode::DecryptionFailed => exit::INVALID,
        _ => exit::FAILURE,
    }
}

fn exit_code_for_status(status: u16) -> u8 {
    match status {
        401 | 403 | 429 => exit::AUTH,
        404 => exit::NOT_FOUND,
        409 => exit::REFUSED,
        _ => exit::FAILURE,
    }
}

/// A short, printable description of a body that is not a keyhaven error (e.g. a proxy page).
fn non_json_message(status: u16, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let snippet: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == ' ')
        .take(200)
        .collect();
    let snippet = snippet.trim();
    if snippet.is_empty() {
        format!("the server answered HTTP {status} with no keyhaven error body")
    } else {
        format!("the server answered HTTP {status}: {snippet}")
    }
}

fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
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

    fn api(status: u16, code: &str) -> ClientError {
        ClientError::Api {
            status,
            code: code.to_owned(),
            message: "m".to_owned(),
            details: BTreeMap::new(),
        }
    }

    #[test]
    fn every_known_code_maps_to_its_documented_exit_code() {
        for code in ErrorCode::ALL {
            let expected = match code.as_str() {
                "not_found" => 3,
                "wrong_lifecycle_state"
                | "key_pending_destruction"
                | "usage_not_permitted"
                | "outside_usage_window"
                | "unsupported_operation"
                | "vault_not_empty"
                | "already_exists"
                | "conflict"
                | "policy_violation" => 4,
                "unauthenticated" | "forbidden" | "too_many_requests" => 5,
                "decryption_failed" => 7,
                "sealed" | "unseal_failed" => 8,
                _ => 1,
            };
            let err = api(code.http_status(), code.as_str());
            assert_eq!(err.exit_code(), expected, "{code}");
            assert_eq!(err.code(), Some(code));
        }
    }

    #[test]
    fn unknown_codes_fall_back_on_status() {
        assert_eq!(api(404, "gone_fishing").exit_code(), exit::NOT_FOUND);
        assert_eq!(api(401, "x").exit_code(), exit::AUTH);
        assert_eq!(api(403, "x").exit_code(), exit::AUTH);
        assert_eq!(api(429, "x").exit_code(), exit::AUTH);
        assert_eq!(api(409, "x").exit_code(), exit::REFUSED);
        assert_eq!(api(502, "x").exit_code(), exit::FAILURE);
        assert_eq!(api(404, "x").code(), None);
    }

    #[test]
    fn other_variants_map_to_their_codes() {
        assert_eq!(ClientError::Transport("refused".into()).exit_code(), 6);
        assert_eq!(ClientError::Decode("bad".into()).exit_code(), 1);
        assert_eq!(ClientError::Config("no token".into()).exit_code(), 2);
    }

    #[test]
    fn parses_error_bodies() {
        let body = br#"{"error":{"code":"wrong_lifecycle_state","message":"key is deactivated","details":{"state":"deactivated"}}}"#;
        let err = ClientError::from_response(409, body);
        match &err {
            ClientError::Api {
                status,
                code,
                message,
                details,
            } => {
                assert_eq!(*status, 409);
                assert_eq!(code, "wrong_lifecycle_state");
                assert_eq!(message, "key is deactivated");
                assert_eq!(
                    details.get("state"),
                    Some(&serde_json::json!("deactivated"))
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(err.exit_code(), exit::REFUSED);
        assert_eq!(
            err.to_string(),
            "key is deactivated (wrong_lifecycle_state, HTTP 409)"
        );
    }

    #[test]
    fn non_json_bodies_become_http_status_codes() {
        let err = ClientError::from_response(502, b"<html>\nBad gateway\n</html>");
        match &err {
            ClientError::Api { code, message, .. } => {
                assert_eq!(code, "http_502");
                assert!(message.contains("Bad gateway"), "{message}");
                assert!(!message.contains('\n'));
            }
            other => panic!("unexpected {other:?}"),
        }
        let empty = ClientError::from_response(404, b"");
        assert!(empty.is_not_found());
        assert!(empty.to_string().contains("no keyhaven error body"));
    }
}
