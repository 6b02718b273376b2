//! `/v1/backups`: take a backup (the response is the encrypted file) and restore one into
//! an empty instance. System-admin. Formats and procedures: docs/BACKUP.md.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use keyhaven_core::backup::{self, BackupError};
use keyhaven_crypto::backup::{
    self as file, FileKey, Header, Protection, RecipientKey, CHUNK_SIZE,
};
use keyhaven_crypto::Argon2Params;
use keyhaven_proto as proto;
use keyhaven_proto::ErrorCode;
use time::format_description::well_known::Rfc3339;

use super::error::ApiError;
use super::extract::{key_id, Body, Query};
use super::{AppState, Ctx};

/// The header carrying the file key of a backup to restore (base64).
pub const KEY_HEADER: &str = "x-keyhaven-backup-key";

fn backup_error(e: BackupError) -> ApiError {
    ApiError::new(ErrorCode::InvalidRequest, e.to_string())
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Internal, e.to_string())
}

/// The file key and its protection, from the request.
async fn protection(req: proto::BackupRequest) -> Result<(FileKey, Protection), ApiError> {
    let given = usize::from(req.passphrase.is_some())
        + usize::from(!req.recipients.is_empty())
        + usize::from(req.prepared.is_some());
    if given != 1 {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "give exactly one of passphrase, recipients, prepared",
        ));
    }
    if let Some(p) = req.prepared {
        let raw =
            zeroize::Zeroizing::new(STANDARD.decode(p.key.as_bytes()).map_err(|_| {
                ApiError::new(ErrorCode::InvalidRequest, "prepared.key is not base64")
            })?);
        let key = FileKey::from_bytes(&raw).map_err(backup_error)?;
        let protection: Protection = serde_json::from_value(p.protection).map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidRequest,
                format!("prepared.protection is not a backup protection object: {e}"),
            )
        })?;
        return Ok((key, protection));
    }
    let key = FileKey::generate().map_err(backup_error)?;
    if let Some(passphrase) = req.passphrase {
        let passphrase = zeroize::Zeroizing::new(passphrase);
        if passphrase.chars().count() < 12 {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                "a backup passphrase needs at least 12 characters",
            ));
        }
        let k = key.clone();
        let p = tokio::task::spawn_blocking(move || {
            file::protect_passphrase(&k, passphrase.as_bytes(), Argon2Params::default())
        })
        .await
        .map_err(internal)?
        .map_err(backup_error)?;
        return Ok((key, p));
    }
    let recipients = req
        .recipients
        .iter()
        .map(|pem| RecipientKey::from_pem(pem))
        .collect::<Result<Vec<_>, _>>()
        .map_err(backup_error)?;
    let p = file::protect_recipients(&key, &recipients).map_err(backup_error)?;
    Ok((key, p))
}

/// Take a backup of the whole instance, from one consistent snapshot, while requests go on.
/// The response is the encrypted backup file (docs/BACKUP.md).
#[utoipa::path(post, path = "/v1/backups", tag = "backups",
    request_body = proto::BackupRequest,
    responses((status = 200, description = "the backup file", content_type = "application/octet-stream"),
        (status = 400, body = proto::ErrorBody), (status = 403, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(_st): State<AppState>,
    Ctx { svc, caller }: Ctx,
    Body(req): Body<proto::BackupRequest>,
) -> Result<Response, ApiError> {
    caller.require_system(keyhaven_core::Permission::ManageSeal)?;
    let scope = match (&req.vault, req.keys.is_empty()) {
        (None, true) => backup::BackupScope::Instance,
        (Some(v), true) => backup::BackupScope::Vault(super::vaults::vault_name(v)?),
        (None, false) => {
            backup::BackupScope::Keys(req.keys.iter().map(|k| keyhaven_core::KeyId(*k)).collect())
        }
        (Some(_), false) => {
            return Err(ApiError::invalid("give vault or keys, not both"));
        }
    };
    let (key, protection) = protection(req).await?;
    let snapshot = svc.backup_snapshot(&caller, &scope).await?;
    let created_at = snapshot
        .meta
        .created_at
        .format(&Rfc3339)
        .map_err(internal)?;
    let name = format!(
        "keyhaven-{}.khbackup",
        created_at.replace([':', '-'], "").replace('T', "-")
    );
    let header = Header {
        created_at,
        chunk_size: CHUNK_SIZE as u32,
        protection,
    };
    let bytes = tokio::task::spawn_blocking(move || {
        let payload = backup::encode(&snapshot)?;
        file::seal(&header, &key, &payload)
    })
    .await
    .map_err(internal)?
    .map_err(backup_error)?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Restore a backup. Without `vault`: a full restore into this instance, which must hold no
/// keys or templates (empty vaults are replaced); afterwards principals and tokens are the
/// backup's. With `vault` (and optionally `keys`): that vault's keys into this instance in use,
/// keeping their ids, versions, states and history; keys that exist here are conflicts, keys
/// destroyed here since the backup are not brought back. The body is the backup file; the
/// `x-keyhaven-backup-key` header its file key (base64; the CLI recovers it from the
/// passphrase, recipient key or shares). On any error nothing changes.
#[utoipa::path(post, path = "/v1/backups/restore", tag = "backups",
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    params(("x-keyhaven-backup-key" = String, Header, description = "the backup's file key, base64"),
        proto::RestoreQuery),
    responses((status = 200, body = proto::RestoreResult, description = "full restore"),
        (status = 201, body = proto::PartialRestoreResult, description = "partial restore (vault given)"),
        (status = 400, body = proto::ErrorBody), (status = 403, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn restore(
    State(st): State<AppState>,
    Ctx { svc, caller }: Ctx,
    Query(query): Query<proto::RestoreQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.require_system(keyhaven_core::Permission::ManageSeal)?;
    let raw = headers
        .get(KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| STANDARD.decode(v.trim().as_bytes()).ok())
        .map(zeroize::Zeroizing::new)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidRequest,
                format!("give the backup's file key, base64, in the {KEY_HEADER} header"),
            )
        })?;
    let key = FileKey::from_bytes(&raw).map_err(backup_error)?;
    let selection = match &query.keys {
        None => None,
        Some(list) => Some(
            list.split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| key_id(s.trim()))
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    if selection.is_some() && query.vault.is_none() {
        return Err(ApiError::invalid(
            "keys needs vault: the vault the keys are in",
        ));
    }
    let snapshot = tokio::task::spawn_blocking(move || {
        let parsed = file::parse(&body)?;
        let payload = parsed.open(&key)?;
        backup::decode(&payload)
    })
    .await
    .map_err(internal)?
    .map_err(backup_error)?;
    let created = snapshot
        .meta
        .created_at
        .format(&Rfc3339)
        .map_err(internal)?;
    let Some(vault) = &query.vault else {
        let report = st.seal.restore(&caller, &snapshot).await?;
        return Ok(Json(proto::RestoreResult {
            counts: report.counts,
            vaults_rewrapped: report.vaults,
            replaced_audit_records: report.replaced_audit_records,
            source_instance: snapshot.meta.source_instance.clone(),
            backup_created_at: created,
        })
        .into_response());
    };
    let vault = super::vaults::vault_name(vault)?;
    // The backup's tables in a scratch database, read back through the Store API.
    let scratch = keyhaven_store::ScratchStore::new("restore")
        .await
        .map_err(internal)?;
    let result = match scratch.store().load_snapshot(&snapshot.tables).await {
        Ok(()) => {
            svc.restore_keys(
                &caller,
                scratch.store(),
                &snapshot.secrets,
                &vault,
                selection.as_deref(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    };
    scratch.close().await;
    let r = result?;
    let skipped = |v: Vec<keyhaven_core::restore::Skipped>| {
        v.into_iter()
            .map(|s| proto::RestoreSkipped {
                id: s.id.0,
                name: s.name,
                reason: s.reason,
            })
            .collect()
    };
    Ok((
        StatusCode::CREATED,
        Json(proto::PartialRestoreResult {
            vault: r.vault,
            vault_created: r.vault_created,
            restored: r
                .restored
                .into_iter()
                .map(|(id, name)| proto::RestoredKey { id: id.0, name })
                .collect(),
            conflicts: skipped(r.conflicts),
            not_resurrected: skipped(r.not_resurrected),
            not_in_backup: r.not_in_backup.into_iter().map(|k| k.0).collect(),
            source_instance: snapshot.meta.source_instance.clone(),
            backup_created_at: created,
        }),
    )
        .into_response())
}
