//! Operations that make objects from nothing or from the client's material: Create, Create
//! Key Pair, Register (and what the others that make objects share).

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
#[derive(Clone, Default)]
pub(super) struct Spec {
    pub(super) algorithm: Option<u32>,
    pub(super) length: Option<i32>,
    pub(super) usage: Option<UsageMask>,
    pub(super) activation: Option<OffsetDateTime>,
    pub(super) deactivation: Option<OffsetDateTime>,
    pub(super) process_start: Option<OffsetDateTime>,
    pub(super) protect_stop: Option<OffsetDateTime>,
    pub(super) names: Vec<String>,
    pub(super) links: Vec<Link>,
    pub(super) extractable: Option<bool>,
    pub(super) stored: Vec<Attribute>,
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
    pub(super) fn read(attrs: Vec<Attribute>) -> Result<Spec, KmipError> {
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

    /// What a renewed object (Re-key, Re-key Key Pair) takes from `key`: its KMIP attributes
    /// (not the Digest or Revocation Reason, which belong to the old material and state), its
    /// names, usage and exportability.
    pub(super) fn carried_from(key: &Key) -> Spec {
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
    }

    pub(super) fn merge(&mut self, other: Spec) {
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
pub(super) async fn make(
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
                schedule: Default::default(),
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
pub(super) fn set_format(spec: &mut Spec, format: u32) {
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
    private_spec.merge(common.clone());
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

/// Adds a link from `key` to `target` (its other links kept).
pub(super) async fn add_link(
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
