//! `/v1/vaults/{vault}/keystores`: the vault's external keystores (register, list, get,
//! test the connection, delete); `/v1/keys/{id}/keystores`: where a key is distributed and
//! whether each keystore is in sync; `/v1/keys/{id}/sync`: re-apply the managed state now.
//! See docs/KEYSTORES.md.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use keyhaven_core::distribution::{KeyDistribution, KeystoreName, KeystoreRecord, NewKeystore};
use keyhaven_core::keystore::{KeystoreKind, Placement};
use keyhaven_core::{Caller, KeyId, KeyService, SecretBytes};
use keyhaven_proto as proto;

use super::error::ApiError;
use super::extract::Body;
use super::vaults::vault_name;
use super::Ctx;
use crate::distribution::{reconcile_key, Mode};

/// Register a keystore in a vault (vault admin). The settings and credentials are checked by
/// building a connector; the connection itself is checked by `.../test`.
#[utoipa::path(post, path = "/v1/vaults/{name}/keystores", tag = "keystores",
    request_body = proto::CreateKeystore,
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 201, body = proto::Keystore), (status = 400, body = proto::ErrorBody),
              (status = 403, body = proto::ErrorBody), (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    Ctx { svc, caller }: Ctx,
    Path(vault): Path<String>,
    Body(req): Body<proto::CreateKeystore>,
) -> Result<(StatusCode, Json<proto::Keystore>), ApiError> {
    let vault = vault_name(&vault)?;
    svc.authorize_keystore_admin(&caller, &vault).await?;
    let name = KeystoreName::parse(&req.name)?;
    let kind = KeystoreKind::parse(&req.kind)
        .filter(|k| *k != KeystoreKind::Internal)
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "kind must be pkcs11, kmip or aws-kms, not {:?}",
                req.kind.chars().take(40).collect::<String>()
            ))
        })?;
    let credentials = credentials_bytes(&req.credentials)?;
    // Parses the settings and credentials the way every later connection will.
    let conn = crate::distribution::connector(&svc, kind, &req.settings, &credentials)
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    let caps = conn.capabilities();
    let placement = match req.placement.as_deref() {
        None if caps.push => Placement::Push,
        None => Placement::Generate,
        Some(p) => Placement::parse(p)
            .ok_or_else(|| ApiError::invalid("placement must be \"push\" or \"generate\""))?,
    };
    match placement {
        Placement::Push if !caps.push => {
            return Err(ApiError::invalid(format!(
                "this {kind} keystore cannot accept key material; use placement \"generate\""
            )))
        }
        Placement::Generate if !caps.generate => {
            return Err(ApiError::invalid(format!(
                "this {kind} keystore cannot generate keys; use placement \"push\""
            )))
        }
        _ => {}
    }
    let rec = svc
        .create_keystore(
            &caller,
            &vault,
            NewKeystore {
                name,
                kind,
                placement,
                settings: req.settings,
                credentials,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view(vault.as_str(), &rec))))
}

/// Replace a keystore's settings and/or credentials (vault admin), e.g. to rotate its
/// credentials. The result is checked by building a connector, as at registration.
#[utoipa::path(patch, path = "/v1/vaults/{name}/keystores/{keystore}", tag = "keystores",
    request_body = proto::UpdateKeystore,
    params(("name" = String, Path, description = "Vault name"),
           ("keystore" = String, Path, description = "Keystore name")),
    responses((status = 200, body = proto::Keystore), (status = 400, body = proto::ErrorBody),
              (status = 403, body = proto::ErrorBody), (status = 404, body = proto::ErrorBody),
              (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    Ctx { svc, caller }: Ctx,
    Path((vault, name)): Path<(String, String)>,
    Body(req): Body<proto::UpdateKeystore>,
) -> Result<Json<proto::Keystore>, ApiError> {
    let vault = vault_name(&vault)?;
    if req.settings.is_none() && req.credentials.is_none() {
        return Err(ApiError::invalid(
            "nothing to change: give settings and/or credentials",
        ));
    }
    let (old, old_creds) = svc.keystore_for_check(&caller, &vault, &name).await?;
    let credentials = req
        .credentials
        .as_ref()
        .map(credentials_bytes)
        .transpose()?;
    let settings = req.settings.clone().unwrap_or_else(|| old.settings.clone());
    crate::distribution::connector(
        &svc,
        old.kind,
        &settings,
        credentials.as_ref().unwrap_or(&old_creds),
    )
    .map_err(|e| ApiError::invalid(e.to_string()))?;
    let rec = svc
        .update_keystore(&caller, &vault, &name, req.settings, credentials)
        .await?;
    Ok(Json(view(vault.as_str(), &rec)))
}

/// A vault's keystores (anyone who may read the vault). Credentials are never shown.
#[utoipa::path(get, path = "/v1/vaults/{name}/keystores", tag = "keystores",
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 200, body = proto::KeystoreList), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    Ctx { svc, caller }: Ctx,
    Path(vault): Path<String>,
) -> Result<Json<proto::KeystoreList>, ApiError> {
    let vault = vault_name(&vault)?;
    let items = svc
        .list_keystores(&caller, &vault)
        .await?
        .iter()
        .map(|k| view(vault.as_str(), k))
        .collect();
    Ok(Json(proto::KeystoreList { items }))
}

/// One keystore.
#[utoipa::path(get, path = "/v1/vaults/{name}/keystores/{keystore}", tag = "keystores",
    params(("name" = String, Path, description = "Vault name"),
           ("keystore" = String, Path, description = "Keystore name")),
    responses((status = 200, body = proto::Keystore), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    Ctx { svc, caller }: Ctx,
    Path((vault, name)): Path<(String, String)>,
) -> Result<Json<proto::Keystore>, ApiError> {
    let vault = vault_name(&vault)?;
    let rec = svc.get_keystore(&caller, &vault, &name).await?;
    Ok(Json(view(vault.as_str(), &rec)))
}

/// Delete a keystore no key is distributed to (vault admin).
#[utoipa::path(delete, path = "/v1/vaults/{name}/keystores/{keystore}", tag = "keystores",
    params(("name" = String, Path, description = "Vault name"),
           ("keystore" = String, Path, description = "Keystore name")),
    responses((status = 204), (status = 403, body = proto::ErrorBody),
              (status = 404, body = proto::ErrorBody), (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    Ctx { svc, caller }: Ctx,
    Path((vault, name)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    svc.delete_keystore(&caller, &vault_name(&vault)?, &name)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Test the connection (vault admin): connect, authenticate, one harmless read. The result
/// becomes the keystore's health.
#[utoipa::path(post, path = "/v1/vaults/{name}/keystores/{keystore}/test", tag = "keystores",
    params(("name" = String, Path, description = "Vault name"),
           ("keystore" = String, Path, description = "Keystore name")),
    responses((status = 200, body = proto::KeystoreTest), (status = 403, body = proto::ErrorBody),
              (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn test(
    Ctx { svc, caller }: Ctx,
    Path((vault, name)): Path<(String, String)>,
) -> Result<Json<proto::KeystoreTest>, ApiError> {
    let vault = vault_name(&vault)?;
    let (rec, creds) = svc.keystore_for_check(&caller, &vault, &name).await?;
    let result = match crate::distribution::connector(&svc, rec.kind, &rec.settings, &creds) {
        Ok(conn) => conn.test_connection().await,
        Err(e) => Err(e),
    };
    let message = result.as_ref().err().map(ToString::to_string);
    svc.set_keystore_health(rec.id, result.is_ok(), message.clone())
        .await;
    Ok(Json(proto::KeystoreTest {
        ok: result.is_ok(),
        message,
    }))
}

/// Where a key is distributed, each keystore's state per version, and whether it is out of
/// sync (anyone who may read the key).
#[utoipa::path(get, path = "/v1/keys/{id}/keystores", tag = "keystores",
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::KeyKeystores), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn key_keystores(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<uuid::Uuid>,
) -> Result<Json<proto::KeyKeystores>, ApiError> {
    let d = svc.key_distribution(&caller, KeyId(id)).await?;
    Ok(Json(distribution_view(&d)))
}

/// Distribute a key to one more keystore of its vault (key-manager). An active key is
/// created there at once.
#[utoipa::path(post, path = "/v1/keys/{id}/keystores", tag = "keystores",
    request_body = proto::AddKeyTarget,
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::KeyKeystores), (status = 400, body = proto::ErrorBody),
              (status = 403, body = proto::ErrorBody), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_target(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<uuid::Uuid>,
    Body(req): Body<proto::AddKeyTarget>,
) -> Result<Json<proto::KeyKeystores>, ApiError> {
    let id = KeyId(id);
    svc.add_key_target(&caller, id, &req.keystore).await?;
    reconcile_key(&svc, id, Mode::Tick, Some(&caller)).await?;
    let d = svc.key_distribution(&caller, id).await?;
    Ok(Json(distribution_view(&d)))
}

/// Re-apply the key's managed state in every keystore now (key-manager): checks each
/// keystore, creates what is missing, enables or disables what differs, schedules deletions.
/// The answer shows what remains out of sync (a keystore that is down, say).
#[utoipa::path(post, path = "/v1/keys/{id}/sync", tag = "keystores",
    params(("id" = uuid::Uuid, Path, description = "Key id")),
    responses((status = 200, body = proto::KeyKeystores), (status = 403, body = proto::ErrorBody),
              (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn sync(
    Ctx { svc, caller }: Ctx,
    Path(id): Path<uuid::Uuid>,
) -> Result<Json<proto::KeyKeystores>, ApiError> {
    let id = KeyId(id);
    svc.key_for_sync(&caller, id).await?;
    reconcile_key(&svc, id, Mode::Sync, Some(&caller)).await?;
    let d = svc.key_distribution(&caller, id).await?;
    Ok(Json(distribution_view(&d)))
}

/// Adds the keystores named at key creation and distributes the key there (and to its
/// template's keystores, which core added already).
pub(crate) async fn distribute_new_key(
    svc: &KeyService,
    caller: &Caller,
    id: KeyId,
    keystores: &[String],
    from_template: bool,
) -> Result<(), ApiError> {
    if keystores.is_empty() && !from_template {
        return Ok(());
    }
    for name in keystores {
        if let Err(e) = svc.add_key_target(caller, id, name).await {
            let e = ApiError::from(e);
            return Err(ApiError::new(
                e.code(),
                format!(
                    "key {id} was created, but not distributed to keystore {name}: {} (add it \
                     with POST /v1/keys/{id}/keystores)",
                    e.message()
                ),
            ));
        }
    }
    reconcile_key(svc, id, Mode::Tick, Some(caller)).await?;
    Ok(())
}

/// Credentials as the connectors read them: a JSON object's bytes (none: `{}`).
fn credentials_bytes(v: &serde_json::Value) -> Result<SecretBytes, ApiError> {
    match v {
        serde_json::Value::Null => Ok(SecretBytes::new(b"{}".to_vec())),
        serde_json::Value::Object(_) => Ok(SecretBytes::new(v.to_string().into_bytes())),
        _ => Err(ApiError::invalid("credentials must be a JSON object")),
    }
}

fn view(vault: &str, k: &KeystoreRecord) -> proto::Keystore {
    proto::Keystore {
        vault: vault.to_owned(),
        name: k.name.to_string(),
        kind: k.kind.as_str().to_owned(),
        placement: k.placement.as_str().to_owned(),
        settings: k.settings.clone(),
        health: proto::KeystoreHealth {
            status: k.health.status.clone(),
            message: k.health.message.clone(),
            checked_at: k.health.checked_at,
        },
        created_at: k.created_at,
    }
}

fn distribution_view(d: &KeyDistribution) -> proto::KeyKeystores {
    let mut reasons = Vec::new();
    let keystores = d
        .targets
        .iter()
        .map(|(ks, records)| {
            for r in records {
                if let Some(why) = &r.out_of_sync {
                    reasons.push(format!("{} v{}: {why}", ks.name, r.version));
                }
            }
            proto::KeyInKeystore {
                keystore: ks.name.to_string(),
                kind: ks.kind.as_str().to_owned(),
                placement: ks.placement.as_str().to_owned(),
                out_of_sync: records.iter().any(|r| r.out_of_sync.is_some()),
                versions: records
                    .iter()
                    .map(|r| proto::DistributedVersion {
                        version: r.version,
                        remote_id: r.remote_id.clone(),
                        status: r.remote_state.clone(),
                        applied: r.applied.clone(),
                        out_of_sync: r.out_of_sync.clone(),
                        error: r.last_error.clone(),
                        last_checked_at: r.last_checked_at,
                        next_attempt_at: r.next_attempt_at,
                        destroy_until: r.destroy_until,
                    })
                    .collect(),
            }
        })
        .collect();
    proto::KeyKeystores {
        key_id: d.key.id.0,
        state: d.key.state.name().to_owned(),
        out_of_sync: d.out_of_sync(),
        reasons,
        keystores,
    }
}
