//! KMIP Usage Limits: an object registered or created with a Usage Limits attribute (a total in
//! bytes or in operations) may apply protection only until that total is used up. The
//! remaining count is kept in the attribute (Usage Limits Count) and taken before each
//! operation; one process-wide lock makes take-and-store atomic on this node.

use keyhaven_core::access::Caller;
use keyhaven_core::KeyPatch;
use keyhaven_kmip::attribute::name as an;
use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::dict::values::usage_limits_unit as unit;
use keyhaven_kmip::message::reason;
use keyhaven_kmip::ttlv::Ttlv;
use tokio::sync::Mutex;

use super::OpContext;
use crate::kmip::attributes::{self as attributes, encode_stored};
use crate::kmip::dispatch::KmipError;

static LOCK: Mutex<()> = Mutex::const_new(());

/// Completes a client's Usage Limits value: the count starts at the total.
pub fn initial(value: &Ttlv) -> Ttlv {
    with_count(
        value,
        value.child(tag::USAGE_LIMITS_TOTAL).and_then(Ttlv::as_long),
    )
}

/// `value` with its Usage Limits Count replaced by `count` (removed when `None`).
fn with_count(value: &Ttlv, count: Option<i64>) -> Ttlv {
    let mut children: Vec<Ttlv> = value
        .children()
        .iter()
        .filter(|c| c.tag != tag::USAGE_LIMITS_COUNT)
        .cloned()
        .collect();
    children.extend(count.map(|c| Ttlv::long_integer(tag::USAGE_LIMITS_COUNT, c)));
    Ttlv::structure(tag::USAGE_LIMITS, children)
}

/// Takes `bytes` (or one operation) from the object's remaining usage, if it has a limit
/// (`seen` is the object as the operation found it; objects without a limit cost nothing).
pub async fn take(
    ctx: &OpContext<'_>,
    seen: &keyhaven_core::Key,
    bytes: usize,
) -> Result<(), KmipError> {
    if !attributes::stored(seen)
        .iter()
        .any(|a| a.name == an::USAGE_LIMITS)
    {
        return Ok(());
    }
    let id = seen.id;
    let _guard = LOCK.lock().await;
    // Under the lock, the stored record (not a cached copy) is the truth.
    let key = ctx.svc.get_key(ctx.caller, id).await?;
    let mut stored = attributes::stored(&key);
    let Some(limits) = stored.iter_mut().find(|a| a.name == an::USAGE_LIMITS) else {
        return Ok(());
    };
    let per = match limits
        .value
        .child(tag::USAGE_LIMITS_UNIT)
        .and_then(Ttlv::as_enum)
    {
        Some(unit::BYTE) => i64::try_from(bytes).unwrap_or(i64::MAX),
        _ => 1,
    };
    let remaining = limits
        .value
        .child(tag::USAGE_LIMITS_COUNT)
        .and_then(Ttlv::as_long)
        .or_else(|| {
            limits
                .value
                .child(tag::USAGE_LIMITS_TOTAL)
                .and_then(Ttlv::as_long)
        })
        .unwrap_or(0);
    if remaining < per {
        return Err(KmipError::new(
            reason::USAGE_LIMIT_EXCEEDED,
            format!("object {id} has used up its usage limit ({remaining} left, {per} needed)"),
        ));
    }
    limits.value = with_count(&limits.value, Some(remaining - per));
    // Bookkeeping by the server, not a change the caller makes: no key-manager role needed.
    ctx.svc
        .update_key(
            &Caller::internal("kmip-usage-limits"),
            id,
            KeyPatch {
                kmip_attributes: Some(encode_stored(&stored)),
                ..KeyPatch::default()
            },
        )
        .await?;
    Ok(())
}
