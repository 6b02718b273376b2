//! The KMIP operations, one function each, all through [`KeyService`].

mod attrs;
mod crypto;
mod get;
mod lifecycle;
mod limits;
mod locate;
mod make;
mod renew;
mod server;
mod stream;

pub use stream::Streams;

use std::sync::Arc;

use keyhaven_core::access::Caller;
use keyhaven_core::{KeyId, KeyService, VaultName};
use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::message::{op, reason, ProtocolVersion};
use keyhaven_kmip::ttlv::Ttlv;
use time::OffsetDateTime;

use super::dispatch::KmipError;

/// What an operation needs.
pub struct OpContext<'a> {
    /// The service.
    pub svc: &'a Arc<KeyService>,
    /// Who asks.
    pub caller: &'a Caller,
    /// The protocol version of the request (responses use the same encodings).
    pub version: ProtocolVersion,
    /// Where new objects go.
    pub vault: &'a VaultName,
    /// The ID Placeholder: the object the previous batch item produced.
    pub placeholder: &'a mut Option<String>,
    /// Objects created in this batch, for Undo.
    pub undo: &'a mut Vec<Undo>,
    /// Now.
    pub now: OffsetDateTime,
    /// Multi-part operations in progress.
    pub streams: &'a Streams,
}

/// How to undo a batch item's effect.
#[derive(Clone, Debug)]
pub enum Undo {
    /// An object was created: destroy and purge it.
    Created(KeyId),
    /// An object was changed: put it back as `before`, if it is still at `revision`.
    Restore {
        /// The record before the change.
        before: Box<keyhaven_core::Key>,
        /// Its revision after the change.
        revision: u64,
    },
    /// Something that cannot be undone (destruction, compromise).
    Irreversible,
}

impl OpContext<'_> {
    /// The object a request names: its Unique Identifier, or the ID Placeholder.
    pub fn target(&self, payload: &Ttlv) -> Result<KeyId, KmipError> {
        let text = match payload.child(tag::UNIQUE_IDENTIFIER) {
            Some(t) => t
                .as_text()
                .map(str::to_owned)
                .ok_or_else(|| KmipError::invalid("Unique Identifier must be a Text String"))?,
            None => self.placeholder.clone().ok_or_else(|| {
                KmipError::new(
                    reason::MISSING_DATA,
                    "no Unique Identifier, and no earlier batch item set the ID Placeholder",
                )
            })?,
        };
        parse_id(&text)
    }

    /// Records a change of `before` (now at `revision`) for Undo.
    pub fn changed(&mut self, before: keyhaven_core::Key, revision: u64) {
        self.undo.push(Undo::Restore {
            before: Box::new(before),
            revision,
        });
    }

    /// Records `id` as the ID Placeholder for the next batch items.
    pub fn produced(&mut self, id: KeyId) {
        *self.placeholder = Some(id.to_string());
    }
}

/// A Unique Identifier: keyhaven's are UUIDs; anything else names no object.
pub fn parse_id(text: &str) -> Result<KeyId, KmipError> {
    text.parse::<KeyId>().map_err(|_| {
        KmipError::new(
            reason::OBJECT_NOT_FOUND,
            format!("no object {:?}", text.chars().take(64).collect::<String>()),
        )
    })
}

/// Whether an operation may create objects (the KMIP vault is made on first use).
pub fn creates_objects(operation: u32) -> bool {
    matches!(
        operation,
        op::CREATE
            | op::CREATE_KEY_PAIR
            | op::REGISTER
            | op::REKEY
            | op::REKEY_KEY_PAIR
            | op::DERIVE_KEY
    )
}

/// Runs one operation; the result is the Response Payload.
pub async fn run(
    ctx: &mut OpContext<'_>,
    operation: u32,
    payload: &Ttlv,
) -> Result<Ttlv, KmipError> {
    let body = match operation {
        op::DISCOVER_VERSIONS => server::discover_versions(ctx, payload)?,
        op::QUERY => server::query(ctx, payload)?,
        op::RNG_RETRIEVE => server::rng_retrieve(ctx, payload)?,
        op::RNG_SEED => server::rng_seed(ctx, payload)?,
        op::INTEROP => server::interop(ctx, payload)?,
        op::LOG => server::log(ctx, payload)?,
        op::HASH => server::hash(ctx, payload)?,
        op::CREATE => make::create(ctx, payload).await?,
        op::CREATE_KEY_PAIR => make::create_key_pair(ctx, payload).await?,
        op::REGISTER => make::register(ctx, payload).await?,
        op::REKEY => renew::rekey(ctx, payload).await?,
        op::DERIVE_KEY => renew::derive_key(ctx, payload).await?,
        op::REKEY_KEY_PAIR => renew::rekey_key_pair(ctx, payload).await?,
        op::GET => get::get(ctx, payload).await?,
        op::GET_ATTRIBUTES => attrs::get_attributes(ctx, payload).await?,
        op::GET_ATTRIBUTE_LIST => attrs::get_attribute_list(ctx, payload).await?,
        op::ADD_ATTRIBUTE => attrs::add_attribute(ctx, payload).await?,
        op::SET_ATTRIBUTE => attrs::set_attribute(ctx, payload).await?,
        op::MODIFY_ATTRIBUTE => attrs::modify_attribute(ctx, payload).await?,
        op::DELETE_ATTRIBUTE => attrs::delete_attribute(ctx, payload).await?,
        op::LOCATE => locate::locate(ctx, payload).await?,
        op::CHECK => lifecycle::check(ctx, payload).await?,
        op::ACTIVATE => lifecycle::activate(ctx, payload).await?,
        op::REVOKE => lifecycle::revoke(ctx, payload).await?,
        op::DESTROY => lifecycle::destroy(ctx, payload).await?,
        op::ENCRYPT => crypto::encrypt(ctx, payload).await?,
        op::DECRYPT => crypto::decrypt(ctx, payload).await?,
        op::SIGN => crypto::sign(ctx, payload).await?,
        op::SIGNATURE_VERIFY => crypto::signature_verify(ctx, payload).await?,
        op::MAC => crypto::mac(ctx, payload).await?,
        op::MAC_VERIFY => crypto::mac_verify(ctx, payload).await?,
        other => {
            return Err(KmipError::new(
                reason::OPERATION_NOT_SUPPORTED,
                format!(
                    "operation {} is not supported by keyhaven",
                    keyhaven_kmip::dict::enum_name(tag::OPERATION, other).unwrap_or("unknown")
                ),
            ))
        }
    };
    Ok(Ttlv::structure(tag::RESPONSE_PAYLOAD, body))
}

/// Undoes effects of a failed batch (Batch Error Continuation Option Undo), newest first:
/// created objects are destroyed and purged, changed ones restored. Returns, per effect, whether
/// it was undone.
pub async fn undo(svc: &KeyService, caller: &Caller, undo: &[Undo]) -> Vec<bool> {
    let system = Caller::internal("kmip-undo");
    let mut done = vec![false; undo.len()];
    for (i, u) in undo.iter().enumerate().rev() {
        let ok = match u {
            Undo::Created(id) => {
                svc.destroy(&system, *id, Some("KMIP batch undone".to_owned()))
                    .await
                    .is_ok()
                    && svc
                        .purge(&system, *id, Some("KMIP batch undone".to_owned()))
                        .await
                        .is_ok()
            }
            Undo::Restore { before, revision } => {
                svc.undo_change(caller, before, *revision).await.is_ok()
            }
            Undo::Irreversible => false,
        };
        if let Some(d) = done.get_mut(i) {
            *d = ok;
        }
    }
    done
}

/// The Unique Identifier item of a response.
pub fn uid(id: KeyId) -> Ttlv {
    Ttlv::text(tag::UNIQUE_IDENTIFIER, id.to_string())
}

/// A required child of a payload.
pub fn required<'t>(payload: &'t Ttlv, t: u32, what: &str) -> Result<&'t Ttlv, KmipError> {
    payload
        .child(t)
        .ok_or_else(|| KmipError::new(reason::MISSING_DATA, format!("{what} is required")))
}
