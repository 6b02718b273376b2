//! Attribute operations: Get Attributes, Get Attribute List, Add / Set / Modify / Delete
//! Attribute. Attributes core models (dates, links) change the key record through
//! `update_key`; the others change the record's KMIP attributes.

use keyhaven_core::{Key, KeyPatch, KeyState};
use keyhaven_kmip::attribute::{
    name as an, read_attribute, read_attribute_reference, write_attribute,
    write_attribute_reference, write_attributes, Attribute,
};
use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::message::reason;
use keyhaven_kmip::ttlv::Ttlv;
use time::OffsetDateTime;

use super::{uid, OpContext};
use crate::kmip::attributes::{
    self as attributes, encode_stored, is_multi_valued, is_stored, SERVER_ONLY,
};
use crate::kmip::dispatch::KmipError;

/// Get Attributes: the named attributes (all when none is named).
pub async fn get_attributes(
    ctx: &mut OpContext<'_>,
    payload: &Ttlv,
) -> Result<Vec<Ttlv>, KmipError> {
    let id = ctx.target(payload)?;
    let key = ctx.svc.get_key(ctx.caller, id).await?;
    let wanted: Vec<String> = payload
        .children()
        .iter()
        .filter(|c| c.tag == tag::ATTRIBUTE_NAME || c.tag == tag::ATTRIBUTE_REFERENCE)
        .map(read_attribute_reference)
        .collect::<Result<_, _>>()?;
    let all = attributes::for_version(attributes::all(&key), ctx.version);
    let chosen: Vec<Attribute> = if wanted.is_empty() {
        all
    } else {
        // In the order asked; names the object lacks are left out.
        wanted
            .iter()
            .flat_map(|w| all.iter().filter(move |a| &a.name == w).cloned())
            .collect()
    };
    let mut out = vec![uid(key.id)];
    if ctx.version.is_2x() {
        out.push(write_attributes(&chosen, ctx.version, tag::ATTRIBUTES));
    } else {
        out.extend(chosen.iter().map(|a| write_attribute(a, ctx.version)));
    }
    Ok(out)
}

/// Get Attribute List: the names of the object's attributes.
pub async fn get_attribute_list(
    ctx: &mut OpContext<'_>,
    payload: &Ttlv,
) -> Result<Vec<Ttlv>, KmipError> {
    let id = ctx.target(payload)?;
    let key = ctx.svc.get_key(ctx.caller, id).await?;
    let mut out = vec![uid(key.id)];
    for name in attributes::names(&key)
        .into_iter()
        .filter(|n| attributes::introduced_in(n) <= ctx.version)
    {
        if ctx.version.is_2x() {
            if let Ok(r) = write_attribute_reference(&name, ctx.version) {
                out.push(r);
            }
        } else {
            out.push(Ttlv::text(tag::ATTRIBUTE_NAME, name));
        }
    }
    Ok(out)
}

fn single(payload: &Ttlv, tags: &[u32], what: &str) -> Result<Attribute, KmipError> {
    let item = payload
        .children()
        .iter()
        .find(|c| tags.contains(&c.tag))
        .ok_or_else(|| KmipError::new(reason::MISSING_DATA, format!("{what} is required")))?;
    Ok(read_attribute(item)?)
}

fn check_writable(name: &str) -> Result<(), KmipError> {
    if SERVER_ONLY.contains(&name) || name == an::CRYPTOGRAPHIC_USAGE_MASK {
        return Err(KmipError::new(
            reason::READ_ONLY_ATTRIBUTE,
            format!("{name} cannot be changed by a client"),
        ));
    }
    Ok(())
}

/// The change to apply to a key.
enum Change {
    Add(Attribute),
    Set(Attribute),
    Modify {
        index: i32,
        current: Option<Attribute>,
        new: Attribute,
    },
    Delete {
        name: String,
        index: Option<i32>,
        current: Option<Attribute>,
    },
}

/// Applies a change; returns the attribute as it now is (or as it was, for Delete).
async fn apply(ctx: &mut OpContext<'_>, key: &Key, change: Change) -> Result<Attribute, KmipError> {
    let name = match &change {
        Change::Add(a) | Change::Set(a) => a.name.clone(),
        Change::Modify { new, .. } => new.name.clone(),
        Change::Delete { name, .. } => name.clone(),
    };
    check_writable(&name)?;
    let mut patch = KeyPatch::default();
    let result;
    if is_stored(&name) {
        let mut stored = attributes::stored(key);
        let existing: Vec<usize> = stored
            .iter()
            .enumerate()
            .filter(|(_, a)| a.name == name)
            .map(|(i, _)| i)
            .collect();
        match change {
            Change::Add(a) => {
                if !existing.is_empty() && !is_multi_valued(&name) {
                    return Err(KmipError::new(
                        reason::ATTRIBUTE_SINGLE_VALUED,
                        format!("{name} already has a value; use Modify Attribute"),
                    ));
                }
                let index = i32::try_from(existing.len()).unwrap_or(i32::MAX);
                stored.push(a.clone());
                result = a.with_index(index);
            }
            Change::Set(a) => {
                stored.retain(|x| x.name != name);
                stored.push(a.clone());
                result = a;
            }
            Change::Modify {
                index,
                current,
                new,
            } => {
                let pos = pick(&stored, &existing, Some(index), current.as_ref(), &name)?;
                if let Some(slot) = stored.get_mut(pos) {
                    *slot = new.clone();
                }
                result = new.with_index(index);
            }
            Change::Delete { index, current, .. } => {
                let pos = pick(&stored, &existing, index, current.as_ref(), &name)?;
                let removed = stored.remove(pos);
                result = removed.with_index(index.unwrap_or(0));
            }
        }
        attributes::check_stored(&stored)?;
        patch.kmip_attributes = Some(encode_stored(&stored));
    } else {
        result = apply_modelled(key, change, &mut patch)?;
    }
    let after = ctx.svc.update_key(ctx.caller, key.id, patch).await?;
    ctx.changed(key.clone(), after.revision);
    Ok(result)
}

fn pick(
    stored: &[Attribute],
    existing: &[usize],
    index: Option<i32>,
    current: Option<&Attribute>,
    name: &str,
) -> Result<usize, KmipError> {
    if let Some(current) = current {
        return existing
            .iter()
            .copied()
            .find(|i| stored.get(*i).is_some_and(|a| a.value == current.value))
            .ok_or_else(|| {
                KmipError::new(
                    reason::ATTRIBUTE_NOT_FOUND,
                    format!("{name} has no such current value"),
                )
            });
    }
    let i = usize::try_from(index.unwrap_or(0)).unwrap_or(usize::MAX);
    existing.get(i).copied().ok_or_else(|| {
        KmipError::new(
            reason::ATTRIBUTE_NOT_FOUND,
            format!("{name} has no value at index {}", index.unwrap_or(0)),
        )
    })
}

fn date(a: &Attribute) -> Result<OffsetDateTime, KmipError> {
    a.value
        .as_date_time()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .ok_or_else(|| KmipError::invalid(format!("{} must be a Date-Time", a.name)))
}

/// Changes to attributes core models (dates and links).
fn apply_modelled(key: &Key, change: Change, patch: &mut KeyPatch) -> Result<Attribute, KmipError> {
    match change {
        Change::Add(a) | Change::Set(a) | Change::Modify { new: a, .. } => {
            match a.name.as_str() {
                an::ACTIVATION_DATE => {
                    if key.state != KeyState::PreActive {
                        return Err(KmipError::new(
                            reason::WRONG_KEY_LIFECYCLE_STATE,
                            "Activation Date can only change while the object is pre-active",
                        ));
                    }
                    patch.activation_date = Some(date(&a)?);
                }
                an::DEACTIVATION_DATE => patch.deactivation_date = Some(date(&a)?),
                an::PROCESS_START_DATE => patch.process_start_date = Some(date(&a)?),
                an::PROTECT_STOP_DATE => patch.protect_stop_date = Some(date(&a)?),
                an::LINK => {
                    let link = attributes::link_from(&a.value)?;
                    let mut links = key.links.clone();
                    links.retain(|l| l.kind != link.kind);
                    links.push(link);
                    patch.links = Some(links);
                }
                other => {
                    return Err(KmipError::new(
                        reason::READ_ONLY_ATTRIBUTE,
                        format!("{other} cannot be changed by a client"),
                    ))
                }
            }
            Ok(a.with_index(0))
        }
        Change::Delete { name, current, .. } => match name.as_str() {
            an::LINK => {
                let mut links = key.links.clone();
                let before = links.len();
                if let Some(c) = current {
                    let l = attributes::link_from(&c.value)?;
                    links.retain(|x| *x != l);
                } else {
                    links.truncate(before.saturating_sub(1));
                }
                if links.len() == before {
                    return Err(KmipError::new(reason::ATTRIBUTE_NOT_FOUND, "no such Link"));
                }
                patch.links = Some(links);
                Ok(Attribute::new(name, Ttlv::structure(tag::LINK, Vec::new())))
            }
            other => Err(KmipError::new(
                reason::READ_ONLY_ATTRIBUTE,
                format!("{other} cannot be deleted by a client"),
            )),
        },
    }
}

fn answer(ctx: &OpContext<'_>, key: &Key, attr: &Attribute) -> Vec<Ttlv> {
    if ctx.version.is_2x() {
        vec![uid(key.id)]
    } else {
        vec![uid(key.id), write_attribute(attr, ctx.version)]
    }
}

/// Add Attribute.
pub async fn add_attribute(
    ctx: &mut OpContext<'_>,
    payload: &Ttlv,
) -> Result<Vec<Ttlv>, KmipError> {
    let id = ctx.target(payload)?;
    let key = ctx.svc.get_key(ctx.caller, id).await?;
    let attr = single(payload, &[tag::ATTRIBUTE, tag::NEW_ATTRIBUTE], "Attribute")?;
    let done = apply(ctx, &key, Change::Add(attr)).await?;
    Ok(answer(ctx, &key, &done))
}

/// Set Attribute (2.x): replaces a single-valued attribute.
pub async fn set_attribute(
    ctx: &mut OpContext<'_>,
    payload: &Ttlv,
) -> Result<Vec<Ttlv>, KmipError> {
    let id = ctx.target(payload)?;
    let key = ctx.svc.get_key(ctx.caller, id).await?;
    let attr = single(
        payload,
        &[tag::NEW_ATTRIBUTE, tag::ATTRIBUTE],
        "New Attribute",
    )?;
    if is_multi_valued(&attr.name) {
        return Err(KmipError::new(
            reason::MULTI_VALUED_ATTRIBUTE,
            format!(
                "{} may have several values; use Add or Modify Attribute",
                attr.name
            ),
        ));
    }
    let done = apply(ctx, &key, Change::Set(attr)).await?;
    Ok(answer(ctx, &key, &done))
}

/// Modify Attribute.
pub async fn modify_attribute(
    ctx: &mut OpContext<'_>,
    payload: &Ttlv,
) -> Result<Vec<Ttlv>, KmipError> {
    let id = ctx.target(payload)?;
    let key = ctx.svc.get_key(ctx.caller, id).await?;
    let new = single(payload, &[tag::ATTRIBUTE, tag::NEW_ATTRIBUTE], "Attribute")?;
    let current = payload
        .child(tag::CURRENT_ATTRIBUTE)
        .map(read_attribute)
        .transpose()?;
    let index = new.index.unwrap_or(0);
    let done = apply(
        ctx,
        &key,
        Change::Modify {
            index,
            current,
            new,
        },
    )
    .await?;
    Ok(answer(ctx, &key, &done))
}

/// Delete Attribute.
pub async fn delete_attribute(
    ctx: &mut OpContext<'_>,
    payload: &Ttlv,
) -> Result<Vec<Ttlv>, KmipError> {
    let id = ctx.target(payload)?;
    let key = ctx.svc.get_key(ctx.caller, id).await?;
    let current = payload
        .child(tag::CURRENT_ATTRIBUTE)
        .map(read_attribute)
        .transpose()?;
    let name = match (
        &current,
        payload
            .child(tag::ATTRIBUTE_NAME)
            .or(payload.child(tag::ATTRIBUTE_REFERENCE)),
    ) {
        (Some(c), _) => c.name.clone(),
        (None, Some(r)) => read_attribute_reference(r)?,
        (None, None) => {
            return Err(KmipError::new(
                reason::MISSING_DATA,
                "Attribute Name is required",
            ))
        }
    };
    let index = payload
        .child(tag::ATTRIBUTE_INDEX)
        .and_then(Ttlv::as_integer);
    let done = apply(
        ctx,
        &key,
        Change::Delete {
            name,
            index,
            current,
        },
    )
    .await?;
    Ok(answer(ctx, &key, &done))
}
