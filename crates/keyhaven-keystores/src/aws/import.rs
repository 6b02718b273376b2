//! Importing keyhaven's material into a KMS key of origin `EXTERNAL` (BYOK), with the wrapping
//! algorithm `RSA_AES_KEY_WRAP_SHA_256` and an `RSA_3072` wrapping key:
//!
//! 1. `GetParametersForImport` gives an RSA public key (DER `SubjectPublicKeyInfo`, base64)
//!    and an import token;
//! 2. a fresh AES-256 key wraps the material with AES key wrap with padding (RFC 5649);
//! 3. that AES key is encrypted with RSAES-OAEP (SHA-256, MGF1 with SHA-256);
//! 4. `ImportKeyMaterial` receives `RSA part || KWP part`, with the token, and material that
//!    does not expire.

use aws_lc_rs::key_wrap::{AesKek, KeyWrapPadded, AES_256};
use aws_lc_rs::rsa::{OaepPublicEncryptingKey, PublicEncryptingKey, OAEP_SHA256_MGF1SHA256};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use keyhaven_core::keystore::KeystoreError;
use serde::Deserialize;
use serde_json::json;
use zeroize::Zeroizing;

/// The wrapping algorithm asked for.
pub(super) const WRAPPING_ALGORITHM: &str = "RSA_AES_KEY_WRAP_SHA_256";
/// The wrapping key asked for.
pub(super) const WRAPPING_KEY_SPEC: &str = "RSA_3072";
/// Its size in bits.
const WRAPPING_KEY_BITS: usize = 3072;

/// The answer of `GetParametersForImport`.
#[derive(Deserialize)]
pub(super) struct ImportParameters {
    /// Base64 token to send back with the material.
    #[serde(rename = "ImportToken")]
    pub import_token: String,
    /// Base64 DER `SubjectPublicKeyInfo` of the wrapping key.
    #[serde(rename = "PublicKey")]
    pub public_key: String,
}

/// The body of `GetParametersForImport` for `key_id`.
pub(super) fn parameters_request(key_id: &str) -> serde_json::Value {
    json!({
        "KeyId": key_id,
        "WrappingAlgorithm": WRAPPING_ALGORITHM,
        "WrappingKeySpec": WRAPPING_KEY_SPEC,
    })
}

/// The body of `ImportKeyMaterial`: `material` wrapped for `params`.
pub(super) fn import_request(
    key_id: &str,
    params: &ImportParameters,
    material: &[u8],
) -> Result<serde_json::Value, KeystoreError> {
    let der = STANDARD.decode(params.public_key.as_bytes()).map_err(|_| {
        KeystoreError::Refused(
            "GetParametersForImport returned a PublicKey that is not base64".into(),
        )
    })?;
    let wrapped = wrap_key_material(&der, material)?;
    Ok(json!({
        "KeyId": key_id,
        "ImportToken": params.import_token,
        "EncryptedKeyMaterial": STANDARD.encode(wrapped),
        "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE",
    }))
}

/// Wraps `material` for the RSA-3072 public key `spki_der` as `RSA_AES_KEY_WRAP_SHA_256`
/// specifies: `RSA-OAEP-SHA256(aes_key) || AES-KWP(aes_key, material)`.
pub(super) fn wrap_key_material(
    spki_der: &[u8],
    material: &[u8],
) -> Result<Vec<u8>, KeystoreError> {
    let public = PublicEncryptingKey::from_der(spki_der).map_err(|_| {
        KeystoreError::Refused(
            "GetParametersForImport returned a PublicKey that is not an RSA public key".into(),
        )
    })?;
    if public.key_size_bits() != WRAPPING_KEY_BITS {
        return Err(KeystoreError::Refused(format!(
            "GetParametersForImport returned a {}-bit wrapping key; {WRAPPING_KEY_SPEC} was asked for",
            public.key_size_bits()
        )));
    }
    let oaep = OaepPublicEncryptingKey::new(public).map_err(|_| wrap_failed())?;

    let mut aes_key = Zeroizing::new([0u8; 32]);
    aws_lc_rs::rand::fill(aes_key.as_mut_slice()).map_err(|_| wrap_failed())?;

    let mut out = vec![0u8; oaep.ciphertext_size()];
    let rsa_len = oaep
        .encrypt(&OAEP_SHA256_MGF1SHA256, aes_key.as_slice(), &mut out, None)
        .map_err(|_| wrap_failed())?
        .len();
    out.truncate(rsa_len);

    let kek = AesKek::new(&AES_256, aes_key.as_slice()).map_err(|_| wrap_failed())?;
    let mut kwp = vec![0u8; material.len() + 15];
    let kwp_len = kek
        .wrap_with_padding(material, &mut kwp)
        .map_err(|_| wrap_failed())?
        .len();
    kwp.truncate(kwp_len);

    out.extend_from_slice(&kwp);
    Ok(out)
}

fn wrap_failed() -> KeystoreError {
    KeystoreError::Refused("wrapping the key material for import failed".into())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
pub(super) mod tests {
    use super::*;
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rsa::{KeySize, OaepPrivateDecryptingKey, PrivateDecryptingKey};

    /// A fresh RSA-3072 key pair standing in for AWS's wrapping key.
    pub fn wrapping_key() -> (PrivateDecryptingKey, Vec<u8>) {
        let private = PrivateDecryptingKey::generate(KeySize::Rsa3072).unwrap();
        let spki = private.public_key().as_der().unwrap().as_ref().to_vec();
        (private, spki)
    }

    /// What AWS does with `EncryptedKeyMaterial`: split at the RSA size, decrypt the AES key,
    /// unwrap the material.
    pub fn unwrap_as_aws(private: &PrivateDecryptingKey, blob: &[u8]) -> Vec<u8> {
        let rsa_len = private.key_size_bytes();
        let (rsa_part, kwp_part) = blob.split_at(rsa_len);
        let oaep = OaepPrivateDecryptingKey::new(private.clone()).unwrap();
        let mut aes = vec![0u8; oaep.min_output_size()];
        let aes = oaep
            .decrypt(&OAEP_SHA256_MGF1SHA256, rsa_part, &mut aes, None)
            .unwrap()
            .to_vec();
        assert_eq!(aes.len(), 32, "the RSA part carries an AES-256 key");
        let kek = AesKek::new(&AES_256, &aes).unwrap();
        let mut out = vec![0u8; kwp_part.len()];
        kek.unwrap_with_padding(kwp_part, &mut out)
            .unwrap()
            .to_vec()
    }

    #[test]
    fn wrapped_material_unwraps_with_the_private_key() {
        let (private, spki) = wrapping_key();
        let material: Vec<u8> = (0u8..32).collect();
        let blob = wrap_key_material(&spki, &material).unwrap();
        // 384 bytes of RSA-3072, then KWP of 32 bytes: 32 + 8.
        assert_eq!(blob.len(), 384 + 40);
        assert_eq!(unwrap_as_aws(&private, &blob), material);
        // A fresh AES key each time.
        let again = wrap_key_material(&spki, &material).unwrap();
        assert_ne!(blob, again);
        assert_eq!(unwrap_as_aws(&private, &again), material);
    }

    #[test]
    fn wrong_wrapping_keys_are_refused() {
        assert!(matches!(
            wrap_key_material(b"not der", &[1; 32]),
            Err(KeystoreError::Refused(_))
        ));
        let small = PrivateDecryptingKey::generate(KeySize::Rsa2048).unwrap();
        let spki = small.public_key().as_der().unwrap().as_ref().to_vec();
        assert!(matches!(
            wrap_key_material(&spki, &[1; 32]),
            Err(KeystoreError::Refused(m)) if m.contains("2048")
        ));
    }

    #[test]
    fn request_bodies_follow_the_api() {
        assert_eq!(
            parameters_request("k-1"),
            json!({
                "KeyId": "k-1",
                "WrappingAlgorithm": "RSA_AES_KEY_WRAP_SHA_256",
                "WrappingKeySpec": "RSA_3072"
            })
        );
        let (private, spki) = wrapping_key();
        let params = ImportParameters {
            import_token: STANDARD.encode(b"token"),
            public_key: STANDARD.encode(&spki),
        };
        let material = [7u8; 32];
        let body = import_request("k-1", &params, &material).unwrap();
        let obj = body.as_object().unwrap();
        assert_eq!(obj.len(), 4);
        assert_eq!(body["KeyId"], "k-1");
        assert_eq!(body["ImportToken"], STANDARD.encode(b"token"));
        assert_eq!(body["ExpirationModel"], "KEY_MATERIAL_DOES_NOT_EXPIRE");
        let blob = STANDARD
            .decode(body["EncryptedKeyMaterial"].as_str().unwrap())
            .unwrap();
        assert_eq!(unwrap_as_aws(&private, &blob), material);
        let bad = ImportParameters {
            import_token: String::new(),
            public_key: "%%%".into(),
        };
        assert!(import_request("k-1", &bad, &material).is_err());
    }
}
