//! The REST error body and its stable codes.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Every error response: `{"error": {"code": ..., "message": ..., "details": {...}}}`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The error itself.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code (see [`ErrorCode`]).
    pub code: String,
    /// Human-readable message saying what to do.
    pub message: String,
    /// Structured details (current state, allowed states, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, serde_json::Value>,
}

/// Stable error codes. The string forms are API: never rename one.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// 400: malformed JSON, unknown field, bad base64, value out of range.
    InvalidRequest,
    /// 401: missing or wrong bearer token.
    Unauthenticated,
    /// 403: the caller may not do this.
    Forbidden,
    /// 404: no such vault or key (or route).
    NotFound,
    /// 405: the route exists but not with this method.
    MethodNotAllowed,
    /// 409: a vault or key with that name exists.
    AlreadyExists,
    /// 409: the key's lifecycle state does not allow the action.
    WrongLifecycleState,
    /// 409: the key is pending destruction; only cancel-destroy and compromise are allowed.
    KeyPendingDestruction,
    /// 409: the key's usage mask does not allow the operation.
    UsageNotPermitted,
    /// 409: outside the key's protect-stop / process-start window.
    OutsideUsageWindow,
    /// 409: the vault still holds keys.
    VaultNotEmpty,
    /// 409: concurrent modification; retry.
    Conflict,
    /// 400: the key's algorithm cannot perform the operation.
    UnsupportedOperation,
    /// 400: the ciphertext is malformed, tampered, made by another key, or the AAD differs.
    DecryptionFailed,
    /// 413: request body too large.
    PayloadTooLarge,
    /// 408: the request took too long.
    Timeout,
    /// 500: unexpected server error (details are in the server log under the request id).
    Internal,
    /// 503: the database or another dependency is unavailable.
    Unavailable,
    /// 503: the server is sealed; unseal it first.
    Sealed,
    /// 429: too many failed authentications from this address; retry after `Retry-After`.
    TooManyRequests,
    /// 500: a stored record failed its integrity check (changed outside keyhaven).
    IntegrityError,
    /// 400: the passphrase, shares or HSM key do not open this instance.
    UnsealFailed,
    /// 422: the crypto policy refuses the key; `details.rule` names the rule.
    PolicyViolation,
}

impl ErrorCode {
    /// All codes.
    pub const ALL: [ErrorCode; 23] = [
        ErrorCode::InvalidRequest,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::AlreadyExists,
        ErrorCode::WrongLifecycleState,
        ErrorCode::KeyPendingDestruction,
        ErrorCode::UsageNotPermitted,
        ErrorCode::OutsideUsageWindow,
        ErrorCode::VaultNotEmpty,
        ErrorCode::Conflict,
        ErrorCode::UnsupportedOperation,
        ErrorCode::DecryptionFailed,
        ErrorCode::PayloadTooLarge,
        ErrorCode::Timeout,
        ErrorCode::Internal,
        ErrorCode::Unavailable,
        ErrorCode::Sealed,
        ErrorCode::TooManyRequests,
        ErrorCode::IntegrityError,
        ErrorCode::UnsealFailed,
        ErrorCode::PolicyViolation,
    ];

    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::AlreadyExists => "already_exists",
            ErrorCode::WrongLifecycleState => "wrong_lifecycle_state",
            ErrorCode::KeyPendingDestruction => "key_pending_destruction",
            ErrorCode::UsageNotPermitted => "usage_not_permitted",
            ErrorCode::OutsideUsageWindow => "outside_usage_window",
            ErrorCode::VaultNotEmpty => "vault_not_empty",
            ErrorCode::Conflict => "conflict",
            ErrorCode::UnsupportedOperation => "unsupported_operation",
            ErrorCode::DecryptionFailed => "decryption_failed",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Internal => "internal",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Sealed => "sealed",
            ErrorCode::TooManyRequests => "too_many_requests",
            ErrorCode::IntegrityError => "integrity_error",
            ErrorCode::UnsealFailed => "unseal_failed",
            ErrorCode::PolicyViolation => "policy_violation",
        }
    }

    /// The HTTP status this code is sent with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidRequest
            | ErrorCode::UnsupportedOperation
            | ErrorCode::DecryptionFailed
            | ErrorCode::UnsealFailed => 400,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Timeout => 408,
            ErrorCode::AlreadyExists
            | ErrorCode::WrongLifecycleState
            | ErrorCode::KeyPendingDestruction
            | ErrorCode::UsageNotPermitted
            | ErrorCode::OutsideUsageWindow
            | ErrorCode::VaultNotEmpty
            | ErrorCode::Conflict => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::PolicyViolation => 422,
            ErrorCode::TooManyRequests => 429,
            ErrorCode::Internal | ErrorCode::IntegrityError => 500,
            ErrorCode::Unavailable | ErrorCode::Sealed => 503,
        }
    }

    /// Parses a wire string.
    pub fn parse(s: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ErrorBody {
    /// Builds a body with no details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: code.as_str().to_owned(),
                message: message.into(),
                details: BTreeMap::new(),
            },
        }
    }
}
