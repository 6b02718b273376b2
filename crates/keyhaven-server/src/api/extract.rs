//! Request extractors whose every failure is a JSON error with a stable code.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use base64::Engine;
use keyhaven_core::{KeyId, SecretBytes};
use keyhaven_proto::ErrorCode;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A JSON body. An empty body reads as `{}` (so action endpoints need no body).
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    "request body too large; encrypt large data with a data key (datakey)",
                )
            } else {
                ApiError::invalid(format!("cannot read the request body: {}", rej.body_text()))
            }
        })?;
        let slice: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        serde_json::from_slice(slice)
            .map(Body)
            .map_err(|e| ApiError::invalid(format!("invalid JSON body: {e}")))
    }
}

/// Query parameters.
pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| ApiError::invalid(format!("invalid query: {}", e.body_text())))
    }
}

/// Parses a key id from the path.
pub fn key_id(raw: &str) -> Result<KeyId, ApiError> {
    raw.parse::<KeyId>().map_err(ApiError::invalid)
}

/// Decodes a standard-base64 field.
pub fn b64(field: &str, value: &str) -> Result<Vec<u8>, ApiError> {
    base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .map_err(|_| ApiError::invalid(format!("{field} is not valid base64")))
}

/// Decodes a secret base64 field straight into zeroizing memory.
pub fn b64_secret(field: &str, value: &str) -> Result<SecretBytes, ApiError> {
    b64(field, value).map(SecretBytes::new)
}

/// Decodes an optional base64 field (absent = empty).
pub fn b64_opt(field: &str, value: Option<&str>) -> Result<Vec<u8>, ApiError> {
    value.map_or(Ok(Vec::new()), |v| b64(field, v))
}

/// Encodes bytes as standard base64.
pub fn enc(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
