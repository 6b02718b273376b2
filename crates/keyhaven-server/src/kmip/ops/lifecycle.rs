//! Lifecycle operations: Check, Activate, Revoke, Destroy — the same transitions as REST
//! (LIFECYCLE.md), so one key has one state whichever protocol touches it.

use keyhaven_core::{KeyPatch, KeyState};
use keyhaven_kmip::attribute::{name as an, Attribute};
use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::dict::values::revocation_reason_code as rr;
use keyhaven_kmip::message::reason;
use keyhaven_kmip::ttlv::Ttlv;

use super::{required, uid, OpContext};
use crate::kmip::attributes::{self as attributes, encode_stored};
use crate::kmip::dispatch::KmipError;

/// Check: whether the object could be used with the given usage mask.
pub async fn check(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    let id = ctx.target(payload)?;
    let key = ctx.svc.get_key(ctx.caller, id).await?;
    if let Some(mask) = payload
        .child(tag::CRYPTOGRAPHIC_USAGE_MASK)
        .and_then(Ttlv::as_integer)
    {
        let want = attributes::usage(mask)?;
        if !key.usage.contains(want) {
            return Err(KmipError::new(
                reason::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK,
                format!("object {id} allows {} only", key.usage),
            ));
        }
    }
    Ok(vec![uid(key.id)])
}

/// Activate.
pub async fn activate(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    let id = ctx.target(payload)?;
    let before = ctx.svc.get_key(ctx.caller, id).await?;
    let key = ctx
        .svc
        .activate(ctx.caller, id, Some("KMIP Activate".to_owned()))
        .await?;
    ctx.changed(before, key.revision);
    Ok(vec![uid(key.id)])
}

/// Revoke: Key Compromise and CA Compromise mark the object compromised; any other reason
/// deactivates it. The reason (and compromise occurrence date) is kept as the Revocation
/// Reason attribute.
pub async fn revoke(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    let id = ctx.target(payload)?;
    let reason_item = required(payload, tag::REVOCATION_REASON, "Revocation Reason")?;
    let code = reason_item
        .child(tag::REVOCATION_REASON_CODE)
        .and_then(Ttlv::as_enum)
        .ok_or_else(|| {
            KmipError::new(reason::MISSING_DATA, "Revocation Reason Code is required")
        })?;
    let message = reason_item
        .child(tag::REVOCATION_MESSAGE)
        .and_then(Ttlv::as_text)
        .map(|m| m.chars().take(500).collect::<String>());
    let why = Some(match &message {
        Some(m) => format!("KMIP Revoke: {m}"),
        None => "KMIP Revoke".to_owned(),
    });
    let compromise = code == rr::KEY_COMPROMISE || code == rr::CA_COMPROMISE;
    let key = if compromise {
        ctx.svc.compromise(ctx.caller, id, why).await?
    } else {
        let current = ctx.svc.get_key(ctx.caller, id).await?;
        if current.state == KeyState::PreActive {
            return Err(KmipError::new(
                reason::WRONG_KEY_LIFECYCLE_STATE,
                format!(
                    "object {id} is pre-active: only a compromise revokes a pre-active object \
                     (destroy it instead)"
                ),
            ));
        }
        ctx.svc.deactivate(ctx.caller, id, why).await?
    };
    let mut stored = attributes::stored(&key);
    stored.retain(|a| a.name != an::REVOCATION_REASON && a.name != an::COMPROMISE_OCCURRENCE_DATE);
    stored.push(Attribute::new(an::REVOCATION_REASON, reason_item.clone()));
    if let Some(d) = payload.child(tag::COMPROMISE_OCCURRENCE_DATE) {
        stored.push(Attribute::new(an::COMPROMISE_OCCURRENCE_DATE, d.clone()));
    }
    ctx.undo.push(super::Undo::Irreversible);
    // The state change above is what matters; a failure to record the reason is reported.
    ctx.svc
        .update_key(
            ctx.caller,
            id,
            KeyPatch {
                kmip_attributes: Some(encode_stored(&stored)),
                ..KeyPatch::default()
            },
        )
        .await?;
    Ok(vec![uid(key.id)])
}

/// Destroy: erases the material (after the vault's pending-destruction period, which is zero
/// for the KMIP vault); the record stays, in state Destroyed.
pub async fn destroy(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    let id = ctx.target(payload)?;
    let key = ctx
        .svc
        .destroy(ctx.caller, id, Some("KMIP Destroy".to_owned()))
        .await?;
    ctx.undo.push(super::Undo::Irreversible);
    Ok(vec![uid(key.id)])
}
