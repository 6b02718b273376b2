//! Operations that make objects from existing ones: Re-key, Re-key Key Pair, Derive Key.

use keyhaven_core::{KeyAlgorithm, Link, LinkKind, ObjectKind, SecretBytes};
use keyhaven_kmip::attribute::{read_container, Container};
use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::dict::values::{key_format_type as kf, object_type as ot};
use keyhaven_kmip::message::reason;
use keyhaven_kmip::ttlv::Ttlv;

use super::make::{add_link, make, set_format, Spec};
use super::{required, uid, OpContext};
use crate::kmip::attributes;
use crate::kmip::dispatch::KmipError;

/// Re-key: a new symmetric key with the old one's attributes (new identifier), linked
/// Replaced / Replacement; the old key is not changed otherwise. (REST rotation, in contrast,
/// adds a version under the same identifier; see docs/KMIP.md.)
pub async fn rekey(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    let old_id = ctx.target(payload)?;
    let old = ctx.svc.get_key(ctx.caller, old_id).await?;
    if old.object_kind != ObjectKind::SymmetricKey {
        return Err(KmipError::new(
            reason::INVALID_OBJECT_TYPE,
            "Re-key renews symmetric keys; use Re-key Key Pair for key pairs",
        ));
    }
    let offset = payload
        .child(tag::OFFSET)
        .and_then(Ttlv::as_interval)
        .map(|s| time::Duration::seconds(i64::from(s)));
    let mut spec = Spec::read(read_container(payload, Container::Main)?)?;
    let carried = Spec::carried_from(&old);
    let mut stored = carried.stored;
    stored.append(&mut spec.stored);
    spec.stored = stored;
    if spec.names.is_empty() {
        spec.names = carried.names;
    }
    spec.usage = spec.usage.or(carried.usage);
    if let Some(offset) = offset {
        spec.activation = Some(ctx.now + offset);
        if let (Some(a), Some(d)) = (old.activation_date, old.deactivation_date) {
            spec.deactivation = Some(ctx.now + offset + (d - a));
        }
    }
    spec.links.push(Link {
        kind: LinkKind::Replaced,
        target: old.id.to_string(),
    });
    spec.extractable = carried.extractable;
    let new = make(ctx, &spec, old.algorithm, ObjectKind::SymmetricKey, None).await?;
    add_link(ctx, &old, LinkKind::Replacement, new.id).await?;
    ctx.produced(new.id);
    Ok(vec![uid(new.id)])
}

/// Derive Key: a new symmetric key or secret data from a base object (PBKDF2 from secret data,
/// HMAC, NIST SP 800-108 counter mode with HMAC), linked to its base.
pub async fn derive_key(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    use keyhaven_core::cipher::{Derivation, HashAlgorithm};
    use keyhaven_kmip::dict::values::derivation_method as dm;
    let object_type = required(payload, tag::OBJECT_TYPE, "Object Type")?
        .as_enum()
        .ok_or_else(|| KmipError::invalid("Object Type must be an Enumeration"))?;
    let kind = match object_type {
        ot::SYMMETRIC_KEY => ObjectKind::SymmetricKey,
        ot::SECRET_DATA => ObjectKind::SecretData,
        _ => {
            return Err(KmipError::new(
                reason::INVALID_OBJECT_TYPE,
                "Derive Key makes symmetric keys or secret data",
            ))
        }
    };
    let bases: Vec<&Ttlv> = payload.children_with(tag::UNIQUE_IDENTIFIER).collect();
    let base = match bases.as_slice() {
        [one] => super::parse_id(
            one.as_text()
                .ok_or_else(|| KmipError::invalid("Unique Identifier must be a Text String"))?,
        )?,
        [] => ctx.target(payload)?,
        _ => {
            return Err(KmipError::unsupported(
                "derivation from several base objects is not offered",
            ))
        }
    };
    let method = required(payload, tag::DERIVATION_METHOD, "Derivation Method")?
        .as_enum()
        .ok_or_else(|| KmipError::invalid("Derivation Method must be an Enumeration"))?;
    let params = required(payload, tag::DERIVATION_PARAMETERS, "Derivation Parameters")?;
    let hash = params
        .child(tag::CRYPTOGRAPHIC_PARAMETERS)
        .and_then(|p| p.child(tag::HASHING_ALGORITHM))
        .and_then(Ttlv::as_enum)
        .map(super::crypto::hash_algorithm)
        .transpose()?
        .unwrap_or(HashAlgorithm::Sha256);
    let bytes_of = |t: u32| params.child(t).and_then(Ttlv::as_bytes).unwrap_or(&[]);
    let derivation = match method {
        dm::PBKDF2 => Derivation::Pbkdf2 {
            hash,
            salt: bytes_of(tag::SALT),
            iterations: params
                .child(tag::ITERATION_COUNT)
                .and_then(Ttlv::as_integer)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| {
                    KmipError::new(reason::MISSING_DATA, "Iteration Count is required")
                })?,
        },
        dm::HMAC => Derivation::Hmac {
            hash,
            data: bytes_of(tag::DERIVATION_DATA),
        },
        dm::NIST800_108_C => Derivation::CounterHmac {
            hash,
            label: bytes_of(tag::DERIVATION_DATA),
            context: bytes_of(tag::SALT),
        },
        other => {
            return Err(KmipError::unsupported(format!(
            "derivation method {} is not offered (PBKDF2, HMAC and NIST 800-108 counter mode are)",
            keyhaven_kmip::dict::enum_name(tag::DERIVATION_METHOD, other).unwrap_or("unknown")
        )))
        }
    };
    let mut spec = Spec::read(read_container(payload, Container::Main)?)?;
    let bits = spec
        .length
        .ok_or_else(|| KmipError::new(reason::MISSING_DATA, "Cryptographic Length is required"))?;
    let len = usize::try_from(bits)
        .ok()
        .filter(|b| *b > 0 && b % 8 == 0)
        .map(|b| b / 8)
        .ok_or_else(|| {
            KmipError::invalid("Cryptographic Length must be a positive number of bytes")
        })?;
    let algorithm = match kind {
        ObjectKind::SymmetricKey => {
            let kmip_alg = spec.algorithm.ok_or_else(|| {
                KmipError::new(reason::MISSING_DATA, "Cryptographic Algorithm is required")
            })?;
            attributes::key_algorithm(kmip_alg, Some(bits))?
        }
        _ => KeyAlgorithm::Opaque,
    };
    let material = ctx
        .svc
        .derive_framed(ctx.caller, base, &derivation, len)
        .await?;
    spec.algorithm = None;
    spec.links.push(Link {
        kind: LinkKind::DerivationBase,
        target: base.to_string(),
    });
    if kind == ObjectKind::SymmetricKey {
        set_format(&mut spec, kf::RAW);
    }
    let key = make(ctx, &spec, algorithm, kind, Some(material)).await?;
    Ok(vec![uid(key.id)])
}

/// Re-key Key Pair: a new private key and public key with the old pair's attributes (new
/// identifiers), each linked Replaced / Replacement to its predecessor.
pub async fn rekey_key_pair(
    ctx: &mut OpContext<'_>,
    payload: &Ttlv,
) -> Result<Vec<Ttlv>, KmipError> {
    let old_private_id = match payload.child(tag::PRIVATE_KEY_UNIQUE_IDENTIFIER) {
        Some(t) => super::parse_id(
            t.as_text()
                .ok_or_else(|| KmipError::invalid("Private Key Unique Identifier must be text"))?,
        )?,
        None => ctx.target(payload)?,
    };
    let old_private = ctx.svc.get_key(ctx.caller, old_private_id).await?;
    if old_private.object_kind != ObjectKind::PrivateKey {
        return Err(KmipError::new(
            reason::INVALID_OBJECT_TYPE,
            "Re-key Key Pair takes the private key of a pair",
        ));
    }
    let old_public_id = old_private
        .links
        .iter()
        .find(|l| l.kind == LinkKind::PublicKey)
        .and_then(|l| l.target.parse::<keyhaven_core::KeyId>().ok());
    let mut private_spec = Spec::carried_from(&old_private);
    private_spec.merge(Spec::read(read_container(payload, Container::Common)?)?);
    private_spec.merge(Spec::read(read_container(payload, Container::PrivateKey)?)?);
    let mut public_spec = match old_public_id {
        Some(id) => Spec::carried_from(&ctx.svc.get_key(ctx.caller, id).await?),
        None => Spec::default(),
    };
    public_spec.merge(Spec::read(read_container(payload, Container::Common)?)?);
    public_spec.merge(Spec::read(read_container(payload, Container::PublicKey)?)?);
    if let Some(offset) = payload
        .child(tag::OFFSET)
        .and_then(Ttlv::as_interval)
        .map(|s| time::Duration::seconds(i64::from(s)))
    {
        private_spec.activation = Some(ctx.now + offset);
        public_spec.activation = Some(ctx.now + offset);
    }
    let alg = old_private.algorithm;
    private_spec.links.push(Link {
        kind: LinkKind::Replaced,
        target: old_private.id.to_string(),
    });
    let private = make(ctx, &private_spec, alg, ObjectKind::PrivateKey, None).await?;
    let spki = ctx.svc.public_key(ctx.caller, private.id, None).await?.der;
    public_spec.links.push(Link {
        kind: LinkKind::PrivateKey,
        target: private.id.to_string(),
    });
    if let Some(id) = old_public_id {
        public_spec.links.push(Link {
            kind: LinkKind::Replaced,
            target: id.to_string(),
        });
    }
    let public = make(
        ctx,
        &public_spec,
        alg,
        ObjectKind::PublicKey,
        Some(SecretBytes::new(spki)),
    )
    .await?;
    add_link(ctx, &private, LinkKind::PublicKey, public.id).await?;
    for (old, new) in [
        (Some(old_private.id), private.id),
        (old_public_id, public.id),
    ] {
        if let Some(old) = old {
            let old_key = ctx.svc.get_key(ctx.caller, old).await?;
            add_link(ctx, &old_key, LinkKind::Replacement, new).await?;
        }
    }
    ctx.produced(private.id);
    Ok(vec![
        Ttlv::text(tag::PRIVATE_KEY_UNIQUE_IDENTIFIER, private.id.to_string()),
        Ttlv::text(tag::PUBLIC_KEY_UNIQUE_IDENTIFIER, public.id.to_string()),
    ])
}
