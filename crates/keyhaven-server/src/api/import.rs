//! Wrapped key import (BYOK): `GET /v1/vaults/{name}/import-key` hands out the vault's RSA
//! import public key; `POST /v1/keys/import` creates a key from material wrapped for it.
//! See docs/IMPORT.md.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use base64::Engine;
use keyhaven_core::{InitialState, KeyAlgorithm, NewKey, UsageMask};
use keyhaven_proto as proto;

use super::error::ApiError;
use super::extract::{b64, enc, Body};
use super::keys::view;
use super::vaults::vault_name;
use super::Ctx;

/// The vault's current import key (key-manager). A new one is generated every 24 hours;
/// material wrapped for one is accepted for 48 hours after its creation.
#[utoipa::path(get, path = "/v1/vaults/{name}/import-key", tag = "keys",
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 200, body = proto::ImportKey), (status = 403, body = proto::ErrorBody),
              (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn import_key(
    Ctx { svc, caller }: Ctx,
    Path(name): Path<String>,
) -> Result<Json<proto::ImportKey>, ApiError> {
    let info = svc.import_key_for(&caller, &vault_name(&name)?).await?;
    Ok(Json(proto::ImportKey {
        id: info.id,
        vault: info.vault.to_string(),
        public_key_pem: pem("PUBLIC KEY", &info.public_key_spki_der),
        public_key_der_b64: enc(&info.public_key_spki_der),
        algorithm: info.algorithm.to_owned(),
        wrapping: info.wrapping.to_owned(),
        created_at: info.created_at,
        expires_at: info.expires_at,
        accepted_until: info.accepted_until,
    }))
}

/// Create a key from material wrapped for the vault's import key (key-manager). The key gets
/// the same checks and lifecycle as one created by `POST /v1/keys`; its origin is `imported`.
#[utoipa::path(post, path = "/v1/keys/import", tag = "keys", request_body = proto::ImportWrappedKey,
    responses((status = 201, body = proto::Key),
              (status = 400, body = proto::ErrorBody, description = "invalid_request (bad length, expired import key, material not of the algorithm) or decryption_failed (does not unwrap)"),
              (status = 404, body = proto::ErrorBody), (status = 409, body = proto::ErrorBody),
              (status = 422, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn import_wrapped(
    Ctx { svc, caller }: Ctx,
    Body(req): Body<proto::ImportWrappedKey>,
) -> Result<(StatusCode, Json<proto::Key>), ApiError> {
    let algorithm: KeyAlgorithm =
        req.algorithm
            .parse()
            .map_err(|e: keyhaven_core::algorithm::UnknownAlgorithm| {
                ApiError::invalid(e.to_string())
            })?;
    let initial_state = match req.initial_state.as_deref() {
        None | Some("pre-active") => InitialState::PreActive,
        Some("active") => InitialState::Active,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "initial_state must be \"pre-active\" or \"active\", not {:?}",
                other.chars().take(40).collect::<String>()
            )))
        }
    };
    let usage = req
        .usage
        .as_deref()
        .map(|names| UsageMask::from_names(names.iter().map(String::as_str)))
        .transpose()
        .map_err(ApiError::invalid)?;
    let wrapped = b64("wrapped_material", &req.wrapped_material)?;
    let new = NewKey {
        vault: vault_name(&req.vault)?,
        name: req.name.parse().map_err(ApiError::invalid)?,
        algorithm,
        usage,
        initial_state,
        description: req.description,
        tags: req.tags.unwrap_or_default(),
        activation_date: req.activation_date,
        deactivation_date: req.deactivation_date,
        protect_stop_date: req.protect_stop_date,
        process_start_date: req.process_start_date,
        import_material: None,
        extras: Default::default(),
    };
    let key = svc
        .import_wrapped(&caller, new, req.import_key_id, &wrapped)
        .await?;
    Ok((StatusCode::CREATED, Json(view(&key))))
}

/// PEM armour: `label` header, base64 body in 64-character lines, footer.
fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn pem_wraps_at_64_characters() {
        // 100 bytes are 136 base64 characters: two full lines and one of 8.
        let text = pem("PUBLIC KEY", &[7u8; 100]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "-----BEGIN PUBLIC KEY-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[2].len(), 64);
        assert_eq!(lines[3].len(), 136 - 128);
        assert_eq!(lines[4], "-----END PUBLIC KEY-----");
        assert_eq!(lines.len(), 5);
        let body: String = lines[1..4].concat();
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(body)
                .unwrap(),
            vec![7u8; 100]
        );
    }
}
