//! Turning a parsed asymmetric key pair into keyhaven's storage encodings.

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::signature::KeyPair;
use keyhaven_core::{CryptoError, GeneratedKey, SecretBytes};

use crate::error::internal;

/// Material as PKCS#8 v1 DER, public key as SubjectPublicKeyInfo DER.
pub(crate) fn pkcs8_and_spki<P>(pair: &P) -> Result<GeneratedKey, CryptoError>
where
    P: KeyPair + AsDer<Pkcs8V1Der<'static>>,
    P::PublicKey: AsDer<PublicKeyX509Der<'static>>,
{
    let pkcs8 = pair.as_der().map_err(|_| internal("PKCS#8 encoding"))?;
    let spki = pair
        .public_key()
        .as_der()
        .map_err(|_| internal("public key encoding"))?;
    Ok(GeneratedKey {
        material: SecretBytes::from_slice(pkcs8.as_ref()),
        public_key: Some(spki.as_ref().to_vec()),
    })
}
