//! Operations that make objects: Create, Create Key Pair, Register, Re-key, Re-key Key Pair,
//! Derive Key.

use keyhaven_core::{
    AttributeHook, InitialState, Key, KeyAlgorithm, KeyExtras, KeyName, KeyPatch, Link, LinkKind,
    NewKey, ObjectKind, SecretBytes, UsageMask,
};
use keyhaven_kmip::attribute::{name as an, read_container, Attribute, Container};
use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::dict::values::{key_format_type as kf, object_type as ot};
use keyhaven_kmip::message::reason;
use keyhaven_kmip::object::{KeyBlock, KeyMaterial, ManagedObject};
use keyhaven_kmip::ttlv::Ttlv;
use time::OffsetDateTime;

use super::{required, uid, OpContext, Undo};
use crate::kmip::attributes::{self as attributes, encode_stored, is_stored, SERVER_ONLY};
use crate::kmip::dispatch::KmipError;

/// What a set of client attributes asks for.
#[derive(Default)]
struct Spec {
    algorithm: Option<u32>,
    length: Option<i32>,
    usage: Option<UsageMask>,
    activation: Option<OffsetDateTime>,
    deactivation: Option<OffsetDateTime>,
    process_start: Option<OffsetDateTime>,
    protect_stop: Option<OffsetDateTime>,
    names: Vec<String>,
    links: Vec<Link>,
    extractable: Option<bool>,
    stored: Vec<Attribute>,
}

fn date_of(a: &Attribute) -> Result<OffsetDateTime, KmipError> {
    let secs = a
        .value
        .as_date_time()
        .ok_or_else(|| KmipError::invalid(format!("{} must be a Date-Time", a.name)))?;
    OffsetDateTime::from_unix_timestamp(secs)
        .map_err(|_| KmipError::invalid(format!("{} is out of range", a.name)))
}

impl Spec {
    fn read(attrs: Vec<Attribute>) -> Result<Spec, KmipError> {
        let mut s = Spec::default();
        for a in attrs {
            match a.name.as_str() {
                an::CRYPTOGRAPHIC_ALGORITHM => s.algorithm = a.value.as_enum(),
                an::CRYPTOGRAPHIC_LENGTH => s.length = a.value.as_integer(),
                an::CRYPTOGRAPHIC_USAGE_MASK => {
                    let bits = a.value.as_integer().ok_or_else(|| {
                        KmipError::invalid("Cryptographic Usage Mask must be an Integer")
                    })?;
                    s.usage = Some(attributes::usage(bits)?);
                }
                an::ACTIVATION_DATE => s.activation = Some(date_of(&a)?),
                an::DEACTIVATION_DATE => s.deactivation = Some(date_of(&a)?),
                an::PROCESS_START_DATE => s.process_start = Some(date_of(&a)?),
                an::PROTECT_STOP_DATE => s.protect_stop = Some(date_of(&a)?),
                an::LINK => s.links.push(attributes::link_from(&a.value)?),
                an::EXTRACTABLE => s.extractable = a.value.as_bool(),
                an::NAME => {
                    if let Some(v) = a.value.child(tag::NAME_VALUE).and_then(Ttlv::as_text) {
                        s.names.push(v.to_owned());
                    }
                    s.stored.push(a);
                }
                name if SERVER_ONLY.contains(&name) => {
                    return Err(KmipError::new(
                        reason::READ_ONLY_ATTRIBUTE,
                        format!("{name} is set by the server"),
                    ))
                }
                an::USAGE_LIMITS => {
                    s.stored.push(Attribute::new(
                        an::USAGE_LIMITS,
                        super::limits::initial(&a.value),
                    ));
                }
                name if is_stored(name) => s.stored.push(a),
                _ => {}
            }
        }
        Ok(s)
    }

    fn merge(&mut self, other: Spec) {
        self.algorithm = other.algorithm.or(self.algorithm);
        self.length = other.length.or(self.length);
        self.usage = other.usage.or(self.usage);
        self.activation = other.activation.or(self.activation);
        self.deactivation = other.deactivation.or(self.deactivation);
        self.process_start = other.process_start.or(self.process_start);
        self.protect_stop = other.protect_stop.or(self.protect_stop);
        self.extractable = other.extractable.or(self.extractable);
        self.names.extend(other.names);
        self.links.extend(other.links);
        self.stored.extend(other.stored);
    }
}

/// Creates a key record from a spec, trying the first KMIP name as the keyhaven name and a
/// generated one when it is not a valid or free key name (KMIP names need not be unique).
async fn make(
    ctx: &mut OpContext<'_>,
    spec: &Spec,
    algorithm: KeyAlgorithm,
    kind: ObjectKind,
    material: Option<SecretBytes>,
) -> Result<Key, KmipError> {
    attributes::check_stored(&spec.stored)?;
    let preferred = spec.names.first().and_then(|n| n.parse::<KeyName>().ok());
    let usage = spec.usage.unwrap_or(
        if algorithm.family() == keyhaven_core::AlgorithmFamily::Data {
            UsageMask::empty()
        } else {
            algorithm.default_usage()
        },
    );
    for attempt in 0..2 {
        let name = match (&preferred, attempt) {
            (Some(n), 0) => n.clone(),
            _ => generated_name(ctx)?,
        };
        let new = NewKey {
            vault: ctx.vault.clone(),
            name,
            algorithm,
            usage: Some(usage),
            initial_state: InitialState::PreActive,
            description: None,
            tags: Default::default(),
            activation_date: spec.activation,
            deactivation_date: spec.deactivation,
            protect_stop_date: spec.protect_stop,
            process_start_date: spec.process_start,
            import_material: material.clone(),
            extras: KeyExtras {
                object_kind: Some(kind),
                exportable: spec.extractable.unwrap_or(true),
                links: spec.links.clone(),
                kmip_attributes: Vec::new(),
                derive_attributes: Some(with_digest(kind, algorithm, spec.stored.clone())),
            },
        };
        match ctx.svc.create_key(ctx.caller, new).await {
            Ok(key) => {
                ctx.undo.push(Undo::Created(key.id));
                ctx.produced(key.id);
                return Ok(key);
            }
            Err(keyhaven_core::Error::AlreadyExists { .. }) if attempt == 0 => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(KmipError::new(
        reason::GENERAL_FAILURE,
        "could not name the new object",
    ))
}

/// The stored attributes plus the Digest of the material, computed when core has it.
fn with_digest(kind: ObjectKind, alg: KeyAlgorithm, stored: Vec<Attribute>) -> AttributeHook {
    AttributeHook(std::sync::Arc::new(
        move |material: &[u8], public: Option<&[u8]>| {
            let mut attrs = stored.clone();
            attrs.retain(|a| a.name != an::DIGEST);
            if let Some(d) = attributes::digest_of(kind, alg, material, public) {
                attrs.push(Attribute::new(an::DIGEST, d));
            }
            encode_stored(&attrs)
        },
    ))
}

fn generated_name(ctx: &OpContext<'_>) -> Result<KeyName, KmipError> {
    format!("kmip-{}", ctx.svc.fresh_uuid()?.simple())
        .parse()
        .map_err(|e: String| KmipError::new(reason::GENERAL_FAILURE, e))
}

/// Records the Key Format Type the object is kept in (what Get returns by default).
fn set_format(spec: &mut Spec, format: u32) {
    spec.stored.retain(|a| a.name != an::KEY_FORMAT_TYPE);
    spec.stored.push(Attribute::new(
        an::KEY_FORMAT_TYPE,
        Ttlv::enumeration(tag::KEY_FORMAT_TYPE, format),
    ));
}

/// The default format of a generated key of `kind`.
fn default_format(kind: ObjectKind, alg: KeyAlgorithm) -> u32 {
    let rsa = alg.family() == keyhaven_core::AlgorithmFamily::Rsa;
    match kind {
        ObjectKind::SymmetricKey => kf::RAW,
        ObjectKind::PrivateKey if rsa => kf::PKCS_1,
        ObjectKind::PrivateKey => kf::PKCS_8,
        ObjectKind::PublicKey if rsa => kf::PKCS_1,
        ObjectKind::PublicKey => kf::X_509,
        _ => kf::OPAQUE,
    }
}

/// Create: a symmetric key.
pub async fn create(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    let object_type = required(payload, tag::OBJECT_TYPE, "Object Type")?
        .as_enum()
        .ok_or_else(|| KmipError::invalid("Object Type must be an Enumeration"))?;
    if object_type != ot::SYMMETRIC_KEY {
        return Err(KmipError::new(
            reason::INVALID_OBJECT_TYPE,
            "Create makes symmetric keys; use Create Key Pair for key pairs and Register for \
             other objects",
        ));
    }
    let spec = Spec::read(read_container(payload, Container::Main)?)?;
    let kmip_alg = spec.algorithm.ok_or_else(|| {
        KmipError::new(reason::MISSING_DATA, "Cryptographic Algorithm is required")
    })?;
    let alg = attributes::key_algorithm(kmip_alg, spec.length)?;
    let mut spec = spec;
    set_format(&mut spec, kf::RAW);
    let key = make(ctx, &spec, alg, ObjectKind::SymmetricKey, None).await?;
    Ok(vec![
        Ttlv::enumeration(tag::OBJECT_TYPE, ot::SYMMETRIC_KEY),
        uid(key.id),
    ])
}

/// Create Key Pair: a private key and its public key, linked both ways.
pub async fn create_key_pair(
    ctx: &mut OpContext<'_>,
    payload: &Ttlv,
) -> Result<Vec<Ttlv>, KmipError> {
    let mut common = Spec::read(read_container(payload, Container::Common)?)?;
    let private_only = Spec::read(read_container(payload, Container::PrivateKey)?)?;
    let public_only = Spec::read(read_container(payload, Container::PublicKey)?)?;
    // The algorithm and length may be in any of the three.
    let kmip_alg = common
        .algorithm
        .or(private_only.algorithm)
        .or(public_only.algorithm)
        .ok_or_else(|| {
            KmipError::new(reason::MISSING_DATA, "Cryptographic Algorithm is required")
        })?;
    let length = common.length.or(private_only.length).or(public_only.length);
    let alg = attributes::key_algorithm(kmip_alg, length)?;
    if !alg.is_asymmetric() {
        return Err(KmipError::invalid(
            "Create Key Pair needs an asymmetric algorithm",
        ));
    }
    common.algorithm = None;
    let mut private_spec = Spec::default();
    private_spec.merge(clone_spec(&common));
    private_spec.merge(private_only);
    let mut public_spec = Spec::default();
    public_spec.merge(common);
    public_spec.merge(public_only);
    set_format(
        &mut private_spec,
        default_format(ObjectKind::PrivateKey, alg),
    );
    set_format(&mut public_spec, default_format(ObjectKind::PublicKey, alg));
    let private = make(ctx, &private_spec, alg, ObjectKind::PrivateKey, None).await?;
    let spki = ctx.svc.public_key(ctx.caller, private.id, None).await?.der;
    public_spec.links.push(Link {
        kind: LinkKind::PrivateKey,
        target: private.id.to_string(),
    });
    let public = make(
        ctx,
        &public_spec,
        alg,
        ObjectKind::PublicKey,
        Some(SecretBytes::new(spki)),
    )
    .await?;
    add_link(ctx, &private, LinkKind::PublicKey, public.id).await?;
    // The private key is the placeholder's object (KMIP 2.x: the ID Placeholder is the
    // private key after Create Key Pair).
    ctx.produced(private.id);
    Ok(vec![
        Ttlv::text(tag::PRIVATE_KEY_UNIQUE_IDENTIFIER, private.id.to_string()),
        Ttlv::text(tag::PUBLIC_KEY_UNIQUE_IDENTIFIER, public.id.to_string()),
    ])
}

fn clone_spec(s: &Spec) -> Spec {
    Spec {
        algorithm: s.algorithm,
        length: s.length,
        usage: s.usage,
        activation: s.activation,
        deactivation: s.deactivation,
        process_start: s.process_start,
        protect_stop: s.protect_stop,
        names: s.names.clone(),
        links: s.links.clone(),
        extractable: s.extractable,
        stored: s.stored.clone(),
    }
}

/// Register: a client-supplied object.
pub async fn register(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    let object = ManagedObject::find_in(payload)?
        .ok_or_else(|| KmipError::new(reason::MISSING_DATA, "the object to register is missing"))?;
    let mut spec = Spec::read(read_container(payload, Container::Main)?)?;
    let (alg, kind, material) = match &object {
        ManagedObject::SymmetricKey(block) => {
            let bytes = symmetric_bytes(block)?;
            let bits = i32::try_from(bytes.len() * 8).unwrap_or(i32::MAX);
            let kmip_alg = block
                .cryptographic_algorithm
                .or(spec.algorithm)
                .ok_or_else(|| {
                    KmipError::new(reason::MISSING_DATA, "Cryptographic Algorithm is required")
                })?;
            let alg = attributes::key_algorithm(kmip_alg, Some(bits))?;
            (alg, ObjectKind::SymmetricKey, bytes)
        }
        ManagedObject::PrivateKey(block) => {
            let alg = asymmetric_algorithm(block, &spec)?;
            (alg, ObjectKind::PrivateKey, private_der(block, alg)?)
        }
        ManagedObject::PublicKey(block) => {
            let alg = asymmetric_algorithm(block, &spec)?;
            (alg, ObjectKind::PublicKey, public_der(block, alg)?)
        }
        ManagedObject::SecretData { key_block, .. } => (
            KeyAlgorithm::Opaque,
            ObjectKind::SecretData,
            plain_bytes(key_block)?,
        ),
        ManagedObject::OpaqueObject { value, .. } => (
            KeyAlgorithm::Opaque,
            ObjectKind::OpaqueObject,
            SecretBytes::from_slice(value),
        ),
        ManagedObject::Certificate { value, .. } => (
            KeyAlgorithm::Opaque,
            ObjectKind::Certificate,
            SecretBytes::from_slice(value),
        ),
        _ => {
            return Err(KmipError::new(
                reason::INVALID_OBJECT_TYPE,
                "this object type cannot be registered with keyhaven",
            ))
        }
    };
    spec.algorithm = None;
    if let Some(block) = object.key_block() {
        set_format(&mut spec, block.key_format_type);
    }
    // What the object's type adds to the attributes KMIP reports.
    if let ManagedObject::SecretData {
        secret_data_type, ..
    } = &object
    {
        spec.stored.push(Attribute::new(
            "y-keyhaven-secret-data-type",
            Ttlv::enumeration(tag::ATTRIBUTE_VALUE, *secret_data_type),
        ));
    }
    if let ManagedObject::OpaqueObject {
        opaque_data_type, ..
    } = &object
    {
        spec.stored.push(Attribute::new(
            "y-keyhaven-opaque-data-type",
            Ttlv::enumeration(tag::ATTRIBUTE_VALUE, *opaque_data_type),
        ));
    }
    if let ManagedObject::Certificate {
        certificate_type, ..
    } = &object
    {
        spec.stored.push(Attribute::new(
            an::CERTIFICATE_TYPE,
            Ttlv::enumeration(tag::CERTIFICATE_TYPE, *certificate_type),
        ));
    }
    let key = make(ctx, &spec, alg, kind, Some(material)).await?;
    Ok(vec![uid(key.id)])
}

fn symmetric_bytes(block: &KeyBlock) -> Result<SecretBytes, KmipError> {
    match (&block.key_value.material, block.key_format_type) {
        (KeyMaterial::Bytes(b), kf::RAW) => Ok(SecretBytes::from_slice(b)),
        (KeyMaterial::TransparentSymmetric { key }, _) => Ok(SecretBytes::from_slice(key)),
        (KeyMaterial::Wrapped(_), _) => Err(KmipError::unsupported(
            "registering wrapped keys is not supported; register the key value unwrapped over \
             the TLS connection",
        )),
        _ => Err(KmipError::new(
            reason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            "symmetric keys are registered as Raw or Transparent Symmetric Key",
        )),
    }
}

fn plain_bytes(block: &KeyBlock) -> Result<SecretBytes, KmipError> {
    match &block.key_value.material {
        KeyMaterial::Bytes(b) => Ok(SecretBytes::from_slice(b)),
        KeyMaterial::TransparentSymmetric { key } => Ok(SecretBytes::from_slice(key)),
        _ => Err(KmipError::new(
            reason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            "secret data is registered as Opaque or Raw bytes",
        )),
    }
}

fn asymmetric_algorithm(block: &KeyBlock, spec: &Spec) -> Result<KeyAlgorithm, KmipError> {
    let kmip_alg = block
        .cryptographic_algorithm
        .or(spec.algorithm)
        .ok_or_else(|| {
            KmipError::new(reason::MISSING_DATA, "Cryptographic Algorithm is required")
        })?;
    attributes::key_algorithm(kmip_alg, block.cryptographic_length.or(spec.length))
}

fn private_der(block: &KeyBlock, alg: KeyAlgorithm) -> Result<SecretBytes, KmipError> {
    let bad = |e: keyhaven_core::CryptoError| KmipError::invalid(e.to_string());
    match (&block.key_value.material, block.key_format_type) {
        (KeyMaterial::Bytes(b), kf::PKCS_8) => Ok(SecretBytes::from_slice(b)),
        (KeyMaterial::Bytes(b), kf::PKCS_1)
            if alg.family() == keyhaven_core::AlgorithmFamily::Rsa =>
        {
            keyhaven_crypto::rsa_pkcs1_to_pkcs8(b).map_err(bad)
        }
        _ => Err(KmipError::new(
            reason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            "private keys are registered as PKCS#8 or PKCS#1 (RSA)",
        )),
    }
}

fn public_der(block: &KeyBlock, alg: KeyAlgorithm) -> Result<SecretBytes, KmipError> {
    let bad = |e: keyhaven_core::CryptoError| KmipError::invalid(e.to_string());
    match (&block.key_value.material, block.key_format_type) {
        (KeyMaterial::Bytes(b), kf::X_509) => Ok(SecretBytes::from_slice(b)),
        (KeyMaterial::Bytes(b), kf::PKCS_1)
            if alg.family() == keyhaven_core::AlgorithmFamily::Rsa =>
        {
            keyhaven_crypto::rsa_public_pkcs1_to_spki(b)
                .map(SecretBytes::new)
                .map_err(bad)
        }
        (
            KeyMaterial::TransparentRsaPublic {
                modulus,
                public_exponent,
            },
            _,
        ) => keyhaven_crypto::rsa_spki_from_components(&keyhaven_crypto::RsaPublicComponents {
            modulus: modulus.clone(),
            public_exponent: public_exponent.clone(),
        })
        .map(SecretBytes::new)
        .map_err(bad),
        _ => Err(KmipError::new(
            reason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            "public keys are registered as X.509 (SubjectPublicKeyInfo), PKCS#1 (RSA) or \
             Transparent RSA Public Key",
        )),
    }
}

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
    let mut stored: Vec<Attribute> = attributes::stored(&old)
        .into_iter()
        .filter(|a| a.name != an::DIGEST && a.name != an::REVOCATION_REASON)
        .collect();
    stored.append(&mut spec.stored);
    spec.stored = stored;
    if spec.names.is_empty() {
        spec.names = spec
            .stored
            .iter()
            .filter(|a| a.name == an::NAME)
            .filter_map(|a| a.value.child(tag::NAME_VALUE).and_then(Ttlv::as_text))
            .map(str::to_owned)
            .collect();
    }
    spec.usage = spec.usage.or(Some(old.usage));
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
    spec.extractable = Some(old.exportable);
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
    let carried = |key: &Key| -> Spec {
        let stored: Vec<Attribute> = attributes::stored(key)
            .into_iter()
            .filter(|a| a.name != an::DIGEST && a.name != an::REVOCATION_REASON)
            .collect();
        Spec {
            usage: Some(key.usage),
            names: stored
                .iter()
                .filter(|a| a.name == an::NAME)
                .filter_map(|a| a.value.child(tag::NAME_VALUE).and_then(Ttlv::as_text))
                .map(str::to_owned)
                .collect(),
            extractable: Some(key.exportable),
            stored,
            ..Spec::default()
        }
    };
    let mut private_spec = carried(&old_private);
    private_spec.merge(Spec::read(read_container(payload, Container::Common)?)?);
    private_spec.merge(Spec::read(read_container(payload, Container::PrivateKey)?)?);
    let mut public_spec = match old_public_id {
        Some(id) => carried(&ctx.svc.get_key(ctx.caller, id).await?),
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

/// Adds a link from `key` to `target` (its other links kept).
async fn add_link(
    ctx: &OpContext<'_>,
    key: &Key,
    kind: LinkKind,
    target: keyhaven_core::KeyId,
) -> Result<(), KmipError> {
    let mut links = key.links.clone();
    links.push(Link {
        kind,
        target: target.to_string(),
    });
    ctx.svc
        .update_key(
            ctx.caller,
            key.id,
            KeyPatch {
                links: Some(links),
                ..KeyPatch::default()
            },
        )
        .await?;
    Ok(())
}
