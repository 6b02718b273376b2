//! `/v1/vaults/{vault}/templates`: key templates (create, list, get, replace, delete), and
//! creating a key from one (`POST /v1/keys` with `template`). See docs/TEMPLATES.md.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use keyhaven_core::{
    Caller, FromTemplate, InitialState, Key, KeyAlgorithm, KeySchedule, KeyService, Template,
    TemplateName, TemplateSpec, UsageMask, VaultName,
};
use keyhaven_proto as proto;
use time::Duration;

use super::error::ApiError;
use super::extract::Body;
use super::vaults::vault_name;
use super::Ctx;

/// Create a template in a vault (vault admin).
#[utoipa::path(post, path = "/v1/vaults/{name}/templates", tag = "templates",
    request_body = proto::CreateTemplate,
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 201, body = proto::Template), (status = 400, body = proto::ErrorBody),
              (status = 403, body = proto::ErrorBody), (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    Ctx { svc, caller }: Ctx,
    Path(vault): Path<String>,
    Body(req): Body<proto::CreateTemplate>,
) -> Result<(StatusCode, Json<proto::Template>), ApiError> {
    let vault = vault_name(&vault)?;
    let name = template_name(&req.name)?;
    let spec = spec_from_wire(req.spec)?;
    let t = svc.create_template(&caller, &vault, name, spec).await?;
    Ok((StatusCode::CREATED, Json(view(&vault, &t))))
}

/// A vault's templates (anyone who may read the vault).
#[utoipa::path(get, path = "/v1/vaults/{name}/templates", tag = "templates",
    params(("name" = String, Path, description = "Vault name")),
    responses((status = 200, body = proto::TemplateList), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    Ctx { svc, caller }: Ctx,
    Path(vault): Path<String>,
) -> Result<Json<proto::TemplateList>, ApiError> {
    let vault = vault_name(&vault)?;
    let items = svc
        .list_templates(&caller, &vault)
        .await?
        .iter()
        .map(|t| view(&vault, t))
        .collect();
    Ok(Json(proto::TemplateList { items }))
}

/// One template.
#[utoipa::path(get, path = "/v1/vaults/{name}/templates/{template}", tag = "templates",
    params(("name" = String, Path, description = "Vault name"),
           ("template" = String, Path, description = "Template name")),
    responses((status = 200, body = proto::Template), (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    Ctx { svc, caller }: Ctx,
    Path((vault, name)): Path<(String, String)>,
) -> Result<Json<proto::Template>, ApiError> {
    let vault = vault_name(&vault)?;
    let t = svc.get_template(&caller, &vault, &name).await?;
    Ok(Json(view(&vault, &t)))
}

/// Replace a template's settings (vault admin); `archived: true` archives it. Keys made
/// from it keep their settings until `apply-template`.
#[utoipa::path(put, path = "/v1/vaults/{name}/templates/{template}", tag = "templates",
    request_body = proto::TemplateSpec,
    params(("name" = String, Path, description = "Vault name"),
           ("template" = String, Path, description = "Template name")),
    responses((status = 200, body = proto::Template), (status = 400, body = proto::ErrorBody),
              (status = 403, body = proto::ErrorBody), (status = 404, body = proto::ErrorBody),
              (status = 409, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    Ctx { svc, caller }: Ctx,
    Path((vault, name)): Path<(String, String)>,
    Body(req): Body<proto::TemplateSpec>,
) -> Result<Json<proto::Template>, ApiError> {
    let vault = vault_name(&vault)?;
    let spec = spec_from_wire(req)?;
    let t = svc.update_template(&caller, &vault, &name, spec).await?;
    Ok(Json(view(&vault, &t)))
}

/// Delete a template (vault admin). Keys made from it keep its name in their record.
#[utoipa::path(delete, path = "/v1/vaults/{name}/templates/{template}", tag = "templates",
    params(("name" = String, Path, description = "Vault name"),
           ("template" = String, Path, description = "Template name")),
    responses((status = 204), (status = 403, body = proto::ErrorBody),
              (status = 404, body = proto::ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    Ctx { svc, caller }: Ctx,
    Path((vault, name)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    svc.delete_template(&caller, &vault_name(&vault)?, &name)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/keys` with `template`: only the name, the naming-scheme variables, the
/// description, extra tags and (as a check) the algorithm may accompany it.
pub(crate) async fn create_key(
    svc: &KeyService,
    caller: &Caller,
    req: proto::CreateKey,
) -> Result<Key, ApiError> {
    let template = req.template.as_deref().unwrap_or_default();
    let from_template = [
        ("usage", req.usage.is_some()),
        ("initial_state", req.initial_state.is_some()),
        ("activation_date", req.activation_date.is_some()),
        ("deactivation_date", req.deactivation_date.is_some()),
        ("protect_stop_date", req.protect_stop_date.is_some()),
        ("process_start_date", req.process_start_date.is_some()),
        ("import_material", req.import_material.is_some()),
        ("cryptoperiod_seconds", req.cryptoperiod_seconds.is_some()),
        (
            "rotation_interval_seconds",
            req.rotation_interval_seconds.is_some(),
        ),
        ("rotate_before_seconds", req.rotate_before_seconds.is_some()),
        ("use_limit", req.use_limit.is_some()),
    ];
    let given: Vec<&str> = from_template
        .iter()
        .filter(|(_, set)| *set)
        .map(|(field, _)| *field)
        .collect();
    if !given.is_empty() {
        return Err(ApiError::invalid(format!(
            "{} cannot be given with a template: the template sets them (change the template, \
             or create the key without one)",
            given.join(", ")
        )));
    }
    let vault = vault_name(&req.vault)?;
    let algorithm = if req.algorithm.is_empty() {
        None
    } else {
        Some(parse_algorithm(&req.algorithm)?)
    };
    let name = if req.name.is_empty() {
        None
    } else {
        Some(req.name.parse().map_err(ApiError::invalid)?)
    };
    let from = FromTemplate {
        name,
        vars: req.template_vars.unwrap_or_default(),
        description: req.description,
        tags: req.tags.unwrap_or_default(),
        algorithm,
    };
    Ok(svc
        .create_from_template(caller, &vault, template, from)
        .await?)
}

/// The schedule fields of a plain `POST /v1/keys` (no template).
pub(crate) fn schedule_from_wire(req: &proto::CreateKey) -> Result<KeySchedule, ApiError> {
    Ok(KeySchedule {
        template: None,
        cryptoperiod: seconds("cryptoperiod_seconds", req.cryptoperiod_seconds)?,
        rotation_interval: seconds("rotation_interval_seconds", req.rotation_interval_seconds)?,
        rotate_before: seconds("rotate_before_seconds", req.rotate_before_seconds)?,
        use_limit: req.use_limit,
        next_rotation_at: None,
    })
}

/// `pre-active` (default) or `active`.
pub(crate) fn initial_state(raw: Option<&str>) -> Result<InitialState, ApiError> {
    match raw {
        None | Some("pre-active") => Ok(InitialState::PreActive),
        Some("active") => Ok(InitialState::Active),
        Some(other) => Err(ApiError::invalid(format!(
            "initial_state must be \"pre-active\" or \"active\", not {:?}",
            other.chars().take(40).collect::<String>()
        ))),
    }
}

/// Whole seconds as a duration (the core checks the range and says what is allowed).
pub(crate) fn seconds(field: &str, value: Option<u64>) -> Result<Option<Duration>, ApiError> {
    value
        .map(|n| {
            i64::try_from(n)
                .map(Duration::seconds)
                .map_err(|_| ApiError::invalid(format!("{field} is too large (at most 100 years)")))
        })
        .transpose()
}

/// Whole seconds of a duration, for the wire.
pub(crate) fn to_seconds(d: Option<Duration>) -> Option<u64> {
    d.and_then(|d| u64::try_from(d.whole_seconds()).ok())
}

fn template_name(raw: &str) -> Result<TemplateName, ApiError> {
    raw.parse().map_err(ApiError::invalid)
}

fn parse_algorithm(raw: &str) -> Result<KeyAlgorithm, ApiError> {
    raw.parse()
        .map_err(|e: keyhaven_core::algorithm::UnknownAlgorithm| ApiError::invalid(e.to_string()))
}

fn spec_from_wire(w: proto::TemplateSpec) -> Result<TemplateSpec, ApiError> {
    if w.algorithm.is_empty() {
        return Err(ApiError::invalid(
            "algorithm is required: the algorithm of the keys the template makes (e.g. aes-256)",
        ));
    }
    Ok(TemplateSpec {
        description: w.description,
        naming_scheme: w.naming_scheme,
        algorithm: parse_algorithm(&w.algorithm)?,
        usage: w
            .usage
            .as_deref()
            .map(|names| UsageMask::from_names(names.iter().map(String::as_str)))
            .transpose()
            .map_err(ApiError::invalid)?,
        initial_state: initial_state(w.initial_state.as_deref())?,
        activate_after: seconds("activate_after_seconds", w.activate_after_seconds)?,
        cryptoperiod: seconds("cryptoperiod_seconds", w.cryptoperiod_seconds)?,
        rotation_interval: seconds("rotation_interval_seconds", w.rotation_interval_seconds)?,
        rotate_before: seconds("rotate_before_seconds", w.rotate_before_seconds)?,
        use_limit: w.use_limit,
        tags: w.tags,
        archived: w.archived,
        keystores: w.keystores,
    })
}

fn view(vault: &VaultName, t: &Template) -> proto::Template {
    let s = &t.spec;
    proto::Template {
        vault: vault.to_string(),
        name: t.name.to_string(),
        spec: proto::TemplateSpec {
            algorithm: s.algorithm.name().to_owned(),
            description: s.description.clone(),
            naming_scheme: s.naming_scheme.clone(),
            usage: s
                .usage
                .map(|u| u.names().into_iter().map(str::to_owned).collect()),
            initial_state: Some(
                match s.initial_state {
                    InitialState::PreActive => "pre-active",
                    InitialState::Active => "active",
                }
                .to_owned(),
            ),
            activate_after_seconds: to_seconds(s.activate_after),
            cryptoperiod_seconds: to_seconds(s.cryptoperiod),
            rotation_interval_seconds: to_seconds(s.rotation_interval),
            rotate_before_seconds: to_seconds(s.rotate_before),
            use_limit: s.use_limit,
            tags: s.tags.clone(),
            archived: s.archived,
            keystores: s.keystores.clone(),
        },
        created_at: t.created_at,
        updated_at: t.updated_at,
        revision: t.revision,
    }
}

/// When the key's next time-driven rotation is due: active keys with a rotation schedule.
pub(crate) fn next_rotation_at(k: &Key) -> Option<time::OffsetDateTime> {
    if k.state == keyhaven_core::KeyState::Active && k.destroy_at.is_none() {
        k.schedule.rotation_due_at(k.deactivation_date)
    } else {
        None
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn specs_convert_both_ways() {
        let wire = proto::TemplateSpec {
            algorithm: "aes-256".into(),
            naming_scheme: Some("{app}-{seq}".into()),
            usage: Some(vec!["encrypt".into(), "decrypt".into()]),
            initial_state: Some("active".into()),
            activate_after_seconds: Some(3600),
            cryptoperiod_seconds: Some(86_400 * 365),
            rotate_before_seconds: Some(86_400 * 30),
            ..proto::TemplateSpec::default()
        };
        let spec = spec_from_wire(wire.clone()).unwrap();
        assert_eq!(spec.activate_after, Some(Duration::hours(1)));
        assert_eq!(spec.initial_state, InitialState::Active);
        let t = Template {
            id: uuid::Uuid::nil(),
            vault_id: keyhaven_core::VaultId(uuid::Uuid::nil()),
            name: "web".parse().unwrap(),
            spec,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            updated_at: time::OffsetDateTime::UNIX_EPOCH,
            revision: 1,
            mac: Vec::new(),
        };
        assert_eq!(view(&"v".parse().unwrap(), &t).spec, wire);
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        let e = spec_from_wire(proto::TemplateSpec::default()).unwrap_err();
        assert!(format!("{e:?}").contains("algorithm is required"));
        let e = spec_from_wire(proto::TemplateSpec {
            algorithm: "aes-256".into(),
            cryptoperiod_seconds: Some(u64::MAX),
            ..proto::TemplateSpec::default()
        })
        .unwrap_err();
        assert!(format!("{e:?}").contains("cryptoperiod_seconds"));
        let e = spec_from_wire(proto::TemplateSpec {
            algorithm: "aes-256".into(),
            initial_state: Some("on".into()),
            ..proto::TemplateSpec::default()
        })
        .unwrap_err();
        assert!(format!("{e:?}").contains("initial_state"));
    }
}
