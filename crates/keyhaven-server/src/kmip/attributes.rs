//! KMIP attributes of a keyhaven key record: those core models (state, dates, usage, links,
//! algorithm) are read from the record; the rest (names, object groups, custom `x-`
//! attributes, contact information, cryptographic parameters, digests, revocation reason,
//! ...) live in the record's `kmip_attributes`, as a TTLV template-attribute structure.

use keyhaven_core::{Key, KeyAlgorithm, KeyState, Link, LinkKind, ObjectKind, UsageMask};
use keyhaven_kmip::attribute::{name as an, read_attributes, write_attributes, Attribute, Name};
use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::dict::values::{cryptographic_algorithm as ca, object_type as ot, state as st};
use keyhaven_kmip::message::ProtocolVersion;
use keyhaven_kmip::ttlv::{self, Limits, Ttlv};
use time::OffsetDateTime;

use super::dispatch::KmipError;

/// Attributes a client may not set or change (the server sets them).
pub const SERVER_ONLY: [&str; 16] = [
    an::UNIQUE_IDENTIFIER,
    an::OBJECT_TYPE,
    an::CRYPTOGRAPHIC_ALGORITHM,
    an::CRYPTOGRAPHIC_LENGTH,
    an::STATE,
    an::INITIAL_DATE,
    an::LAST_CHANGE_DATE,
    an::DESTROY_DATE,
    an::COMPROMISE_DATE,
    an::DIGEST,
    an::REVOCATION_REASON,
    an::ORIGINAL_CREATION_DATE,
    an::KEY_VALUE_PRESENT,
    an::ALWAYS_SENSITIVE,
    an::NEVER_EXTRACTABLE,
    an::FRESH,
];

/// Attributes kept in the record's KMIP blob (everything a client may set that core does
/// not model).
pub fn is_stored(name: &str) -> bool {
    !matches!(
        name,
        an::UNIQUE_IDENTIFIER
            | an::OBJECT_TYPE
            | an::CRYPTOGRAPHIC_ALGORITHM
            | an::CRYPTOGRAPHIC_LENGTH
            | an::CRYPTOGRAPHIC_USAGE_MASK
            | an::STATE
            | an::INITIAL_DATE
            | an::ACTIVATION_DATE
            | an::DEACTIVATION_DATE
            | an::PROCESS_START_DATE
            | an::PROTECT_STOP_DATE
            | an::COMPROMISE_DATE
            | an::DESTROY_DATE
            | an::LAST_CHANGE_DATE
            | an::ORIGINAL_CREATION_DATE
            | an::LINK
            | an::EXTRACTABLE
            | an::KEY_VALUE_PRESENT
    )
}

/// Attributes that may occur more than once.
pub fn is_multi_valued(name: &str) -> bool {
    matches!(
        name,
        an::NAME
            | an::OBJECT_GROUP
            | an::APPLICATION_SPECIFIC_INFORMATION
            | an::LINK
            | an::ALTERNATIVE_NAME
            | an::CRYPTOGRAPHIC_PARAMETERS
            | an::DIGEST
    ) || keyhaven_kmip::dict::is_custom_attribute_name(name)
}

/// The stored attributes of a record.
pub fn stored(key: &Key) -> Vec<Attribute> {
    if key.kmip_attributes.is_empty() {
        return Vec::new();
    }
    ttlv::decode(&key.kmip_attributes, &Limits::default())
        .ok()
        .and_then(|t| read_attributes(&t).ok())
        .unwrap_or_default()
}

/// Most bytes of KMIP attributes kept with one object (names, groups, custom attributes, ...).
pub const MAX_STORED: usize = 64 * 1024;

/// Refuses attributes too large to keep with an object.
pub fn check_stored(attrs: &[Attribute]) -> Result<(), KmipError> {
    let size = encode_stored(attrs).len();
    if size > MAX_STORED || attrs.len() > 1024 {
        return Err(KmipError::new(
            keyhaven_kmip::message::reason::INVALID_FIELD,
            format!(
                "an object keeps at most {MAX_STORED} bytes and 1024 values of attributes; \
                 these take {size} bytes and {} values",
                attrs.len()
            ),
        ));
    }
    Ok(())
}

/// Encodes stored attributes for the record.
pub fn encode_stored(attrs: &[Attribute]) -> Vec<u8> {
    if attrs.is_empty() {
        return Vec::new();
    }
    write_attributes(attrs, ProtocolVersion::V1_4, tag::TEMPLATE_ATTRIBUTE).encode()
}

/// KMIP Object Type of a record kind.
pub fn object_type(kind: ObjectKind) -> u32 {
    match kind {
        ObjectKind::SymmetricKey => ot::SYMMETRIC_KEY,
        ObjectKind::PrivateKey => ot::PRIVATE_KEY,
        ObjectKind::PublicKey => ot::PUBLIC_KEY,
        ObjectKind::SecretData => ot::SECRET_DATA,
        ObjectKind::OpaqueObject => ot::OPAQUE_OBJECT,
        ObjectKind::Certificate => ot::CERTIFICATE,
        _ => ot::OPAQUE_OBJECT,
    }
}

/// KMIP Cryptographic Algorithm and Length of a keyhaven algorithm (`None` for those KMIP
/// has no name for, and for stored data).
pub fn kmip_algorithm(alg: KeyAlgorithm) -> Option<(u32, i32)> {
    use KeyAlgorithm::*;
    let bits = i32::try_from(alg.size_bits()).ok()?;
    Some(match alg {
        Aes128 | Aes192 | Aes256 => (ca::AES, bits),
        Rsa2048 | Rsa3072 | Rsa4096 => (ca::RSA, bits),
        EcP256 | EcP384 | EcP521 => (ca::ECDSA, bits),
        Ed25519 => (ca::ED25519, bits),
        HmacSha256 => (ca::HMAC_SHA256, bits),
        HmacSha384 => (ca::HMAC_SHA384, bits),
        HmacSha512 => (ca::HMAC_SHA512, bits),
        _ => return None,
    })
}

/// The keyhaven algorithm of a KMIP algorithm and length; refusals name what is offered.
pub fn key_algorithm(kmip_alg: u32, length: Option<i32>) -> Result<KeyAlgorithm, KmipError> {
    use KeyAlgorithm::*;
    let name =
        keyhaven_kmip::dict::enum_name(tag::CRYPTOGRAPHIC_ALGORITHM, kmip_alg).unwrap_or("unknown");
    let alg = match (kmip_alg, length) {
        (ca::AES, Some(128)) => Aes128,
        (ca::AES, Some(192)) => Aes192,
        (ca::AES, Some(256)) => Aes256,
        (ca::RSA, Some(2048)) => Rsa2048,
        (ca::RSA, Some(3072)) => Rsa3072,
        (ca::RSA, Some(4096)) => Rsa4096,
        (ca::ECDSA | ca::EC, Some(256)) => EcP256,
        (ca::ECDSA | ca::EC, Some(384)) => EcP384,
        (ca::ECDSA | ca::EC, Some(521)) => EcP521,
        (ca::ED25519, _) => Ed25519,
        (ca::HMAC_SHA256, _) => HmacSha256,
        (ca::HMAC_SHA384, _) => HmacSha384,
        (ca::HMAC_SHA512, _) => HmacSha512,
        (ca::DES | ca::DES3, _) => {
            return Err(KmipError::new(
                keyhaven_kmip::message::reason::INVALID_FIELD,
                format!(
                    "{name} is not offered: DES and Triple DES are withdrawn (NIST SP 800-131A); \
                     use AES"
                ),
            ))
        }
        (_, None) => {
            return Err(KmipError::new(
                keyhaven_kmip::message::reason::INVALID_FIELD,
                format!("Cryptographic Length is required for {name}"),
            ))
        }
        (_, Some(len)) => {
            return Err(KmipError::new(
                keyhaven_kmip::message::reason::INVALID_FIELD,
                format!(
                    "{name} with length {len} is not offered; offered: AES 128/192/256, RSA \
                     2048/3072/4096, ECDSA P-256/P-384/P-521, Ed25519, HMAC-SHA256/384/512"
                ),
            ))
        }
    };
    Ok(alg)
}

/// KMIP State of a record state.
pub fn kmip_state(state: KeyState) -> u32 {
    match state {
        KeyState::PreActive => st::PRE_ACTIVE,
        KeyState::Active => st::ACTIVE,
        KeyState::Deactivated => st::DEACTIVATED,
        KeyState::Compromised => st::COMPROMISED,
        KeyState::Destroyed => st::DESTROYED,
        KeyState::DestroyedCompromised => st::DESTROYED_COMPROMISED,
        _ => st::DEACTIVATED,
    }
}

/// The usage mask from KMIP bits; bits keyhaven does not model are refused.
pub fn usage(bits: i32) -> Result<UsageMask, KmipError> {
    let raw = u32::from_ne_bytes(bits.to_ne_bytes());
    UsageMask::from_bits(raw).ok_or_else(|| {
        KmipError::new(
            keyhaven_kmip::message::reason::INVALID_FIELD,
            format!(
                "Cryptographic Usage Mask 0x{raw:x} has flags keyhaven does not enforce; \
                 supported: Sign, Verify, Encrypt, Decrypt, Wrap Key, Unwrap Key, MAC Generate, \
                 MAC Verify"
            ),
        )
    })
}

fn date(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

/// Every attribute of a record, in a stable order (derived ones first, then the stored ones).
pub fn all(key: &Key) -> Vec<Attribute> {
    let mut out = Vec::new();
    let mut push = |name: &str, value: Ttlv| out.push(Attribute::new(name, value));
    push(
        an::UNIQUE_IDENTIFIER,
        Ttlv::text(tag::UNIQUE_IDENTIFIER, key.id.to_string()),
    );
    push(
        an::OBJECT_TYPE,
        Ttlv::enumeration(tag::OBJECT_TYPE, object_type(key.object_kind)),
    );
    if let Some((alg, len)) = kmip_algorithm(key.algorithm) {
        push(
            an::CRYPTOGRAPHIC_ALGORITHM,
            Ttlv::enumeration(tag::CRYPTOGRAPHIC_ALGORITHM, alg),
        );
        push(
            an::CRYPTOGRAPHIC_LENGTH,
            Ttlv::integer(tag::CRYPTOGRAPHIC_LENGTH, len),
        );
    }
    push(
        an::CRYPTOGRAPHIC_USAGE_MASK,
        Ttlv::integer(
            tag::CRYPTOGRAPHIC_USAGE_MASK,
            i32::from_ne_bytes(key.usage.bits().to_ne_bytes()),
        ),
    );
    push(
        an::STATE,
        Ttlv::enumeration(tag::STATE, kmip_state(key.state)),
    );
    push(
        an::INITIAL_DATE,
        Ttlv::date_time(tag::INITIAL_DATE, date(key.created_at)),
    );
    push(
        an::ORIGINAL_CREATION_DATE,
        Ttlv::date_time(tag::ORIGINAL_CREATION_DATE, date(key.created_at)),
    );
    let dates = [
        (
            an::ACTIVATION_DATE,
            tag::ACTIVATION_DATE,
            key.activation_date,
        ),
        (
            an::DEACTIVATION_DATE,
            tag::DEACTIVATION_DATE,
            key.deactivation_date,
        ),
        (
            an::PROCESS_START_DATE,
            tag::PROCESS_START_DATE,
            key.process_start_date,
        ),
        (
            an::PROTECT_STOP_DATE,
            tag::PROTECT_STOP_DATE,
            key.protect_stop_date,
        ),
        (
            an::COMPROMISE_DATE,
            tag::COMPROMISE_DATE,
            key.compromise_date,
        ),
        (an::DESTROY_DATE, tag::DESTROY_DATE, key.destroyed_at),
    ];
    for (name, t, d) in dates {
        if let Some(d) = d {
            push(name, Ttlv::date_time(t, date(d)));
        }
    }
    push(
        an::LAST_CHANGE_DATE,
        Ttlv::date_time(tag::LAST_CHANGE_DATE, date(key.updated_at)),
    );
    for l in &key.links {
        push(an::LINK, link_value(l));
    }
    let stored = stored(key);
    if !stored.iter().any(|a| a.name == an::NAME) && key.kmip_attributes.is_empty() {
        // A key made through REST: its name is its KMIP Name.
        push(
            an::NAME,
            Name {
                value: key.name.to_string(),
                name_type: keyhaven_kmip::dict::values::name_type::UNINTERPRETED_TEXT_STRING,
            }
            .to_ttlv(),
        );
    }
    if key.object_kind.is_key() || key.exportable {
        push(
            an::EXTRACTABLE,
            Ttlv::boolean(tag::EXTRACTABLE, key.exportable),
        );
    }
    out.extend(stored);
    // Indexes of multi-valued attributes, in order.
    number(&mut out);
    out
}

/// Gives each attribute its 1.x Attribute Index (0, 1, ... per name).
pub fn number(attrs: &mut [Attribute]) {
    let mut seen: Vec<(String, i32)> = Vec::new();
    for a in attrs.iter_mut() {
        let i = match seen.iter_mut().find(|(n, _)| *n == a.name) {
            Some((_, i)) => {
                *i += 1;
                *i
            }
            None => {
                seen.push((a.name.clone(), 0));
                0
            }
        };
        a.index = Some(i);
    }
}

/// A Link attribute value.
pub fn link_value(l: &Link) -> Ttlv {
    Ttlv::structure(
        tag::LINK,
        vec![
            Ttlv::enumeration(tag::LINK_TYPE, l.kind.kmip_value()),
            Ttlv::text(tag::LINKED_OBJECT_IDENTIFIER, l.target.clone()),
        ],
    )
}

/// A Link from its attribute value.
pub fn link_from(value: &Ttlv) -> Result<Link, KmipError> {
    let kind = value
        .child(tag::LINK_TYPE)
        .and_then(Ttlv::as_enum)
        .and_then(LinkKind::from_kmip)
        .ok_or_else(|| KmipError::invalid("Link: missing or unsupported Link Type"))?;
    let target = value
        .child(tag::LINKED_OBJECT_IDENTIFIER)
        .and_then(Ttlv::as_text)
        .ok_or_else(|| KmipError::invalid("Link: missing Linked Object Identifier"))?;
    Ok(Link {
        kind,
        target: target.to_owned(),
    })
}

/// Names of a record's attributes (GetAttributeList).
pub fn names(key: &Key) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for a in all(key) {
        if !names.contains(&a.name) {
            names.push(a.name);
        }
    }
    names
}

/// The Digest attribute of new material: SHA-256 over the key in the format KMIP names
/// (Raw for symmetric keys, PKCS#1 for RSA keys, PKCS#8 / X.509 for other private / public
/// keys, the bytes of data objects and certificates).
pub fn digest_of(
    kind: ObjectKind,
    alg: KeyAlgorithm,
    material: &[u8],
    public_key: Option<&[u8]>,
) -> Option<Ttlv> {
    use keyhaven_core::cipher::HashAlgorithm;
    use keyhaven_kmip::dict::values::{hashing_algorithm as ha, key_format_type as kf};
    let rsa = alg.family() == keyhaven_core::AlgorithmFamily::Rsa;
    let (bytes, format): (Vec<u8>, Option<u32>) = match kind {
        ObjectKind::SymmetricKey => (material.to_vec(), Some(kf::RAW)),
        ObjectKind::PrivateKey if rsa => (
            keyhaven_crypto::pkcs8_to_rsa_pkcs1(material)
                .ok()?
                .expose()
                .to_vec(),
            Some(kf::PKCS_1),
        ),
        ObjectKind::PrivateKey => (material.to_vec(), Some(kf::PKCS_8)),
        ObjectKind::PublicKey if rsa => (
            keyhaven_crypto::spki_to_rsa_pkcs1_public(public_key.unwrap_or(material)).ok()?,
            Some(kf::PKCS_1),
        ),
        ObjectKind::PublicKey => (public_key.unwrap_or(material).to_vec(), Some(kf::X_509)),
        ObjectKind::SecretData | ObjectKind::OpaqueObject => (material.to_vec(), Some(kf::OPAQUE)),
        _ => (material.to_vec(), None),
    };
    let value = keyhaven_crypto::digest(HashAlgorithm::Sha256, &bytes).ok()?;
    let mut c = vec![
        Ttlv::enumeration(tag::HASHING_ALGORITHM, ha::SHA_256),
        Ttlv::bytes(tag::DIGEST_VALUE, value),
    ];
    if let Some(f) = format {
        c.push(Ttlv::enumeration(tag::KEY_FORMAT_TYPE, f));
    }
    Some(Ttlv::structure(tag::DIGEST, c))
}

/// The KMIP version that defined an attribute (KMIP 1.0 for those not listed). Attributes a
/// client's version does not define are left out of what it is sent: clients decode by their
/// version's dictionary and may fail on unknown ones.
pub fn introduced_in(name: &str) -> ProtocolVersion {
    match name {
        an::X509_CERTIFICATE_IDENTIFIER
        | an::X509_CERTIFICATE_SUBJECT
        | an::X509_CERTIFICATE_ISSUER => ProtocolVersion::V1_1,
        an::ALTERNATIVE_NAME
        | an::KEY_VALUE_PRESENT
        | an::KEY_VALUE_LOCATION
        | an::ORIGINAL_CREATION_DATE => ProtocolVersion::V1_2,
        an::RANDOM_NUMBER_GENERATOR => ProtocolVersion::V1_3,
        an::PKCS12_FRIENDLY_NAME
        | an::DESCRIPTION
        | an::COMMENT
        | an::SENSITIVE
        | an::ALWAYS_SENSITIVE
        | an::EXTRACTABLE
        | an::NEVER_EXTRACTABLE => ProtocolVersion::V1_4,
        an::KEY_FORMAT_TYPE
        | an::NIST_KEY_TYPE
        | an::SHORT_UNIQUE_IDENTIFIER
        | an::PROTECTION_LEVEL
        | an::PROTECTION_PERIOD
        | an::QUANTUM_SAFE => ProtocolVersion::V2_0,
        _ => ProtocolVersion::V1_0,
    }
}

/// The attributes a client speaking `version` knows.
pub fn for_version(attrs: Vec<Attribute>, version: ProtocolVersion) -> Vec<Attribute> {
    attrs
        .into_iter()
        .filter(|a| introduced_in(&a.name) <= version)
        .collect()
}
