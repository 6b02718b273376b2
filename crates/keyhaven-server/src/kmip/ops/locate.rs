//! Locate: the objects the caller may see whose attributes match every criterion. Access
//! control comes first (core lists only vaults the caller has a role in), then the criteria,
//! then Offset Items and Maximum Items.

use keyhaven_core::{Key, KeyFilter, ListQuery};
use keyhaven_kmip::attribute::{name as an, read_container, Attribute, Container};
use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::dict::values::state as st;
use keyhaven_kmip::ttlv::{Ttlv, Value};

use super::{uid, OpContext};
use crate::kmip::attributes;
use crate::kmip::dispatch::KmipError;

/// Objects examined at most per Locate (a bound on work; Maximum Items bounds the answer).
const SCAN_LIMIT: usize = 100_000;

/// Locate.
pub async fn locate(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    let max_items = payload
        .child(tag::MAXIMUM_ITEMS)
        .and_then(Ttlv::as_integer)
        .and_then(|n| usize::try_from(n).ok());
    let offset = payload
        .child(tag::OFFSET_ITEMS)
        .and_then(Ttlv::as_integer)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0);
    // 1.x: Attribute items directly in the payload; 2.x: an Attributes structure.
    let mut criteria: Vec<Attribute> = read_container(payload, Container::Main)?;
    for item in payload.children_with(tag::ATTRIBUTE) {
        criteria.push(keyhaven_kmip::attribute::read_attribute(item)?);
    }
    // Destroyed objects are found only when the criteria ask for that state.
    let include_destroyed = criteria.iter().any(|c| {
        c.name == an::STATE
            && matches!(
                c.value.as_enum(),
                Some(st::DESTROYED | st::DESTROYED_COMPROMISED)
            )
    });
    let mut matches: Vec<Key> = Vec::new();
    let mut after = None;
    let mut scanned = 0usize;
    loop {
        let page = ctx
            .svc
            .list_keys(
                ctx.caller,
                ListQuery {
                    vault: None,
                    filter: KeyFilter {
                        include_destroyed,
                        ..KeyFilter::default()
                    },
                    after,
                    limit: Some(500),
                },
            )
            .await?;
        scanned += page.items.len();
        matches.extend(page.items.into_iter().filter(|k| matches_all(k, &criteria)));
        match page.next {
            Some(n) if scanned < SCAN_LIMIT => after = Some(n),
            Some(_) => {
                tracing::warn!(
                    scanned,
                    "KMIP Locate stopped at its scan limit; the answer covers the objects examined"
                );
                break;
            }
            None => break,
        }
    }
    // Newest first, as clients expect "the" key with a name to be the latest.
    matches.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let total = matches.len();
    let chosen = matches
        .into_iter()
        .skip(offset)
        .take(max_items.unwrap_or(usize::MAX));
    let mut out = Vec::new();
    if ctx.version >= keyhaven_kmip::message::ProtocolVersion::V1_3 {
        out.push(Ttlv::integer(
            tag::LOCATED_ITEMS,
            i32::try_from(total).unwrap_or(i32::MAX),
        ));
    }
    let chosen: Vec<Key> = chosen.collect();
    // The ID Placeholder becomes the first object found.
    if let Some(first) = chosen.first() {
        ctx.produced(first.id);
    }
    out.extend(chosen.iter().map(|k| uid(k.id)));
    Ok(out)
}

fn matches_all(key: &Key, criteria: &[Attribute]) -> bool {
    if criteria.is_empty() {
        return true;
    }
    let have = attributes::all(key);
    let mut done: Vec<&str> = Vec::new();
    criteria.iter().all(|c| {
        // A date attribute given twice is a range: first <= value <= second.
        let dates: Vec<i64> = criteria
            .iter()
            .filter(|x| x.name == c.name)
            .filter_map(|x| x.value.as_date_time())
            .collect();
        if let [from, to] = dates.as_slice() {
            if done.contains(&c.name.as_str()) {
                return true;
            }
            done.push(c.name.as_str());
            return have
                .iter()
                .filter(|a| a.name == c.name)
                .filter_map(|a| a.value.as_date_time())
                .any(|d| *from <= d && d <= *to);
        }
        matches_one(&have, c)
    })
}

fn matches_one(have: &[Attribute], c: &Attribute) -> bool {
    let same_name = have.iter().filter(|a| a.name == c.name);
    match c.name.as_str() {
        // A usage mask matches when the object has at least the asked flags.
        an::CRYPTOGRAPHIC_USAGE_MASK => {
            let want = c.value.as_integer().unwrap_or(0);
            same_name
                .filter_map(|a| a.value.as_integer())
                .any(|got| got & want == want)
        }
        _ => same_name.into_iter().any(|a| value_eq(&a.value, &c.value)),
    }
}

/// Equal values; structures match when every child the criterion gives is present.
fn value_eq(have: &Ttlv, want: &Ttlv) -> bool {
    match (&have.value, &want.value) {
        (Value::Structure(h), Value::Structure(w)) => w
            .iter()
            .all(|wc| h.iter().any(|hc| hc.tag == wc.tag && value_eq(hc, wc))),
        (a, b) => a == b,
    }
}
