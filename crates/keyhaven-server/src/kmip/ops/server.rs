//! Operations about the server rather than an object: Discover Versions, Query, RNG Retrieve
//! and Seed, Hash, and the test-harness operations Interop and Log.

use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::dict::values::{object_type as ot, query_function as qf};
use keyhaven_kmip::message::{op, reason, ProtocolVersion};
use keyhaven_kmip::ttlv::Ttlv;

use super::{required, OpContext};
use crate::kmip::dispatch::{KmipError, SUPPORTED_VERSIONS};

/// Operations answered by Query (Query Operations).
pub const OPERATIONS: [u32; 30] = [
    op::CREATE,
    op::REKEY_KEY_PAIR,
    op::DERIVE_KEY,
    op::CREATE_KEY_PAIR,
    op::REGISTER,
    op::REKEY,
    op::LOCATE,
    op::CHECK,
    op::GET,
    op::GET_ATTRIBUTES,
    op::GET_ATTRIBUTE_LIST,
    op::ADD_ATTRIBUTE,
    op::MODIFY_ATTRIBUTE,
    op::DELETE_ATTRIBUTE,
    op::SET_ATTRIBUTE,
    op::ACTIVATE,
    op::REVOKE,
    op::DESTROY,
    op::QUERY,
    op::DISCOVER_VERSIONS,
    op::ENCRYPT,
    op::DECRYPT,
    op::SIGN,
    op::SIGNATURE_VERIFY,
    op::MAC,
    op::MAC_VERIFY,
    op::RNG_RETRIEVE,
    op::RNG_SEED,
    op::HASH,
    op::LOG,
];

/// Object types answered by Query (Query Objects).
pub const OBJECT_TYPES: [u32; 6] = [
    ot::CERTIFICATE,
    ot::SYMMETRIC_KEY,
    ot::PUBLIC_KEY,
    ot::PRIVATE_KEY,
    ot::SECRET_DATA,
    ot::OPAQUE_OBJECT,
];

/// Discover Versions: the versions both sides speak, the server's order (newest first).
pub fn discover_versions(_ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    let offered: Vec<ProtocolVersion> = payload
        .children_with(tag::PROTOCOL_VERSION)
        .map(ProtocolVersion::from_ttlv)
        .collect::<Result<_, _>>()?;
    let answer: Vec<Ttlv> = SUPPORTED_VERSIONS
        .iter()
        .filter(|v| offered.is_empty() || offered.contains(v))
        .map(|v| v.to_ttlv())
        .collect();
    Ok(answer)
}

/// Query: operations, object types, server information.
pub fn query(_ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    let functions: Vec<u32> = payload
        .children_with(tag::QUERY_FUNCTION)
        .filter_map(Ttlv::as_enum)
        .collect();
    let mut out = Vec::new();
    if functions.contains(&qf::QUERY_OPERATIONS) {
        out.extend(
            OPERATIONS
                .iter()
                .map(|o| Ttlv::enumeration(tag::OPERATION, *o)),
        );
    }
    if functions.contains(&qf::QUERY_OBJECTS) {
        out.extend(
            OBJECT_TYPES
                .iter()
                .map(|o| Ttlv::enumeration(tag::OBJECT_TYPE, *o)),
        );
    }
    if functions.contains(&qf::QUERY_SERVER_INFORMATION) {
        out.push(Ttlv::text(tag::VENDOR_IDENTIFICATION, "keyhaven"));
        out.push(Ttlv::structure(
            tag::SERVER_INFORMATION,
            vec![Ttlv::text(
                tag::SERVER_NAME,
                format!("keyhaven {}", env!("CARGO_PKG_VERSION")),
            )],
        ));
    }
    Ok(out)
}

/// RNG Retrieve: Data Length random bytes.
pub fn rng_retrieve(ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    let len = required(payload, tag::DATA_LENGTH, "Data Length")?
        .as_integer()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| KmipError::invalid("Data Length must be a positive Integer"))?;
    let data = ctx.svc.random_bytes(ctx.caller, len)?;
    Ok(vec![Ttlv::bytes(tag::DATA, data.expose().to_vec())])
}

/// RNG Seed: keyhaven's generator is the provider's DRBG, seeded by the operating system;
/// client seed material is not mixed in, and the answer says so: Data Length 0 (the KMIP
/// profiles allow a server to accept none of it).
pub fn rng_seed(_ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    required(payload, tag::DATA, "Data")?
        .as_bytes()
        .ok_or_else(|| KmipError::invalid("Data must be a Byte String"))?;
    Ok(vec![Ttlv::integer(tag::DATA_LENGTH, 0)])
}

/// Hash: the digest of Data with the Cryptographic Parameters' Hashing Algorithm.
pub fn hash(_ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    let params = required(
        payload,
        tag::CRYPTOGRAPHIC_PARAMETERS,
        "Cryptographic Parameters",
    )?;
    let alg = params
        .child(tag::HASHING_ALGORITHM)
        .and_then(Ttlv::as_enum)
        .ok_or_else(|| KmipError::new(reason::MISSING_DATA, "Hashing Algorithm is required"))?;
    let hash = super::crypto::hash_algorithm(alg)?;
    let data = required(payload, tag::DATA, "Data")?
        .as_bytes()
        .ok_or_else(|| KmipError::invalid("Data must be a Byte String"))?;
    let digest = keyhaven_crypto::digest(hash, data)
        .map_err(|e| KmipError::new(reason::CRYPTOGRAPHIC_FAILURE, e.to_string()))?;
    Ok(vec![Ttlv::bytes(tag::DATA, digest)])
}

/// Interop (test-case framing): accepted.
pub fn interop(_ctx: &mut OpContext<'_>, _payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    Ok(Vec::new())
}

/// Log (test-case framing): the message is written to the server log (it is not secret by
/// definition of the operation).
pub fn log(_ctx: &mut OpContext<'_>, payload: &Ttlv) -> Result<Vec<Ttlv>, KmipError> {
    if let Some(m) = payload.child(tag::LOG_MESSAGE).and_then(Ttlv::as_text) {
        tracing::info!(message = %m.chars().take(200).collect::<String>(), "KMIP Log");
    }
    Ok(Vec::new())
}
