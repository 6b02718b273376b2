//! The one place core errors become HTTP responses.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use keyhaven_core::Error;
use keyhaven_proto::{ErrorBody, ErrorCode, ErrorDetail};
use serde_json::{json, Value};

/// The error code of a response, kept in its extensions for the audit record.
#[derive(Clone, Copy, Debug)]
pub struct ErrorTag(pub &'static str);

/// An error response: stable code, message, details.
#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    message: String,
    details: BTreeMap<String, Value>,
}

impl ApiError {
    /// An error with no details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            details: BTreeMap::new(),
        }
    }

    /// `invalid_request`.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::InvalidRequest, message)
    }

    pub(crate) fn detail(mut self, k: &str, v: Value) -> ApiError {
        self.details.insert(k.to_owned(), v);
        self
    }

    /// The code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let message = e.to_string();
        match e {
            Error::NotFound { kind, id } => ApiError::new(ErrorCode::NotFound, message)
                .detail("kind", json!(kind))
                .detail("id", json!(id)),
            Error::AlreadyExists { kind, name } => ApiError::new(ErrorCode::AlreadyExists, message)
                .detail("kind", json!(kind))
                .detail("name", json!(name)),
            Error::InvalidRequest(_) => ApiError::new(ErrorCode::InvalidRequest, message),
            Error::PolicyViolation { rule, .. } => {
                ApiError::new(ErrorCode::PolicyViolation, message).detail("rule", json!(rule))
            }
            Error::Forbidden(_) => ApiError::new(ErrorCode::Forbidden, message),
            Error::Unauthenticated(_) => ApiError::new(ErrorCode::Unauthenticated, message),
            Error::UnsealFailed(_) => ApiError::new(ErrorCode::UnsealFailed, message),
            Error::Integrity { kind, id } => ApiError::new(ErrorCode::IntegrityError, message)
                .detail("kind", json!(kind))
                .detail("id", json!(id)),
            Error::WrongLifecycleState {
                key,
                state,
                action,
                allowed,
                ..
            } => ApiError::new(ErrorCode::WrongLifecycleState, message)
                .detail("key", json!(key.to_string()))
                .detail("state", json!(state.name()))
                .detail("state_code", json!(state.state_code()))
                .detail("action", json!(action))
                .detail(
                    "allowed_states",
                    json!(allowed.iter().map(|s| s.name()).collect::<Vec<_>>()),
                ),
            Error::KeyPendingDestruction { key, destroy_at } => {
                let at = destroy_at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default();
                ApiError::new(ErrorCode::KeyPendingDestruction, message)
                    .detail("key", json!(key.to_string()))
                    .detail("destroy_at", json!(at))
            }
            Error::UsageNotPermitted {
                key,
                operation,
                usage,
            } => ApiError::new(ErrorCode::UsageNotPermitted, message)
                .detail("key", json!(key.to_string()))
                .detail("operation", json!(operation.name()))
                .detail("usage", json!(usage.names())),
            Error::UnsupportedOperation {
                algorithm,
                operation,
            } => ApiError::new(ErrorCode::UnsupportedOperation, message)
                .detail("algorithm", json!(algorithm.name()))
                .detail("operation", json!(operation)),
            Error::OutsideUsageWindow { key, .. } => {
                ApiError::new(ErrorCode::OutsideUsageWindow, message)
                    .detail("key", json!(key.to_string()))
            }
            Error::DecryptionFailed(_) => ApiError::new(ErrorCode::DecryptionFailed, message),
            Error::VaultNotEmpty(name) => {
                ApiError::new(ErrorCode::VaultNotEmpty, message).detail("vault", json!(name))
            }
            Error::Conflict(_) => ApiError::new(ErrorCode::Conflict, message),
            Error::Storage(_) => {
                tracing::error!(error = %message, "storage failure");
                ApiError::new(
                    ErrorCode::Unavailable,
                    "the database is unavailable; retry later (details in the server log)",
                )
            }
            Error::Crypto(_) => {
                tracing::error!(error = %message, "cryptographic provider failure");
                ApiError::new(
                    ErrorCode::Internal,
                    "internal cryptographic error (details in the server log)",
                )
            }
            _ => {
                tracing::error!(error = %message, "unclassified error");
                ApiError::new(
                    ErrorCode::Internal,
                    "internal error (details in the server log)",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.as_str().to_owned(),
                message: self.message,
                details: self.details,
            },
        };
        let mut resp = (status, Json(body)).into_response();
        resp.extensions_mut().insert(ErrorTag(self.code.as_str()));
        resp
    }
}
