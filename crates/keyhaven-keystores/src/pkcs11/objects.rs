//! Key objects in the token: creating (pushed or generated), finding by label, reading back
//! their state and check value, `CKA_ENCRYPT` changes, and AES-GCM with them.

use cryptoki::context::Function;
use cryptoki::error::{Error as P11Error, RvError};
use cryptoki::mechanism::aead::GcmParams;
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use keyhaven_core::keystore::{check_value, KeystoreError, RemoteKey};
use keyhaven_core::{KeyAlgorithm, SecretBytes};
use keyhaven_crypto::pkcs11::describe_error;
use zeroize::Zeroize;

use super::session::{call, Fail};

/// Length of the random AES-GCM IV at the start of a ciphertext.
const IV_LEN: usize = 12;
/// Length of the AES-GCM tag at the end of a ciphertext.
const TAG_LEN: usize = 16;
/// The tag length in bits, as `CK_GCM_PARAMS.ulTagBits` wants it.
const TAG_BITS: u64 = 128;
/// Length of a key check value: `CKA_CHECK_VALUE` of an AES key is three bytes.
const KCV_LEN: usize = 3;

/// One key version to create, owned so it can move to the blocking pool.
pub(super) struct Wanted {
    /// The object's label (and id), which is its remote id.
    pub(super) label: String,
    /// The AES algorithm.
    pub(super) algorithm: KeyAlgorithm,
    /// Its key length in bytes.
    pub(super) key_len: usize,
    /// The material to push; `None` generates in the token.
    pub(super) material: Option<SecretBytes>,
    /// Whether the key starts enabled (`CKA_ENCRYPT`).
    pub(super) enabled: bool,
}

impl Wanted {
    /// Creates the object, or adopts the one a previous, interrupted attempt left.
    pub(super) fn create(&self, session: &Session) -> Result<RemoteKey, Fail> {
        let label = &self.label;
        if let Some(existing) = find_key(session, label)? {
            return self.adopt(session, existing);
        }
        let mut template = Template(vec![
            Attribute::Class(ObjectClass::SECRET_KEY),
            Attribute::KeyType(KeyType::AES),
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Modifiable(true),
            Attribute::Encrypt(self.enabled),
            Attribute::Decrypt(true),
            Attribute::Wrap(false),
            Attribute::Unwrap(false),
            Attribute::Derive(false),
            Attribute::Sign(false),
            Attribute::Verify(false),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(label.as_bytes().to_vec()),
        ]);
        let key = match &self.material {
            Some(material) => {
                template
                    .0
                    .push(Attribute::Value(material.expose().to_vec()));
                session
                    .create_object(&template.0)
                    .map_err(call(format!("storing key \"{label}\"")))?
            }
            None => {
                template
                    .0
                    .push(Attribute::ValueLen((self.key_len as u64).into()));
                session
                    .generate_key(&Mechanism::AesKeyGen, &template.0)
                    .map_err(call(format!("generating key \"{label}\"")))?
            }
        };
        let facts = read_facts(session, key, label)?;
        Ok(RemoteKey {
            remote_id: label.clone(),
            check_value: facts.check_value,
        })
    }

    /// An object with the label exists already: keyhaven's labels are unique per key version,
    /// so it is the result of an earlier attempt whose answer was lost. It is taken when it is
    /// an AES key of the right length and, for pushed material, has the same check value.
    fn adopt(&self, session: &Session, key: ObjectHandle) -> Result<RemoteKey, Fail> {
        let label = &self.label;
        let facts = read_facts(session, key, label)?;
        let refuse = |why: &str| {
            Err(Fail::Keystore(KeystoreError::Refused(format!(
                "the token already holds a key labelled \"{label}\" {why}; remove it with the \
                 HSM's tool if it is stray"
            ))))
        };
        if facts.key_len != Some(self.key_len) || !facts.aes {
            return refuse(&format!("that is not an {} key", self.algorithm.name()));
        }
        if let Some(material) = &self.material {
            let expected = check_value(self.algorithm, material);
            if expected.is_none() || facts.check_value != expected {
                return refuse("with other key material");
            }
        }
        Ok(RemoteKey {
            remote_id: label.clone(),
            check_value: facts.check_value,
        })
    }
}

/// A key template whose `CKA_VALUE` (key material) is zeroized when dropped.
struct Template(Vec<Attribute>);

impl Drop for Template {
    fn drop(&mut self) {
        for attr in &mut self.0 {
            if let Attribute::Value(bytes) = attr {
                bytes.zeroize();
            }
        }
    }
}

/// The secret key labelled `label`, if any. Several keys with one label are refused.
pub(super) fn find_key(session: &Session, label: &str) -> Result<Option<ObjectHandle>, Fail> {
    let found = session
        .find_objects(&[
            Attribute::Class(ObjectClass::SECRET_KEY),
            Attribute::Label(label.as_bytes().to_vec()),
        ])
        .map_err(call(format!("looking for key \"{label}\"")))?;
    match found.as_slice() {
        [] => Ok(None),
        [key] => Ok(Some(*key)),
        many => Err(Fail::Keystore(KeystoreError::Refused(format!(
            "{} secret keys are labelled \"{label}\" in the token; a label must be unique \
             (remove the stray copies with the HSM's tool)",
            many.len()
        )))),
    }
}

/// The secret key labelled `label`, or [`KeystoreError::NotFound`].
fn require_key(session: &Session, label: &str) -> Result<ObjectHandle, Fail> {
    find_key(session, label)?.ok_or_else(|| {
        Fail::Keystore(KeystoreError::NotFound(format!(
            "no key labelled \"{label}\" in the token"
        )))
    })
}

/// What keyhaven reads back from a key object.
pub(super) struct Facts {
    /// `CKA_ENCRYPT`: whether the key is enabled.
    pub(super) encrypt: bool,
    /// Whether it is an AES key.
    aes: bool,
    /// `CKA_VALUE_LEN`, in bytes.
    key_len: Option<usize>,
    /// `CKA_CHECK_VALUE` as lowercase hex, when the module reports one.
    pub(super) check_value: Option<String>,
}

/// Reads `CKA_ENCRYPT`, the key type and length, and `CKA_CHECK_VALUE` (absent when the module
/// does not report one).
pub(super) fn read_facts(session: &Session, key: ObjectHandle, label: &str) -> Result<Facts, Fail> {
    let attrs = session
        .get_attributes(
            key,
            &[
                AttributeType::Encrypt,
                AttributeType::KeyType,
                AttributeType::ValueLen,
                AttributeType::CheckValue,
            ],
        )
        .map_err(call(format!("reading the attributes of key \"{label}\"")))?;
    let mut encrypt = None;
    let mut facts = Facts {
        encrypt: false,
        aes: false,
        key_len: None,
        check_value: None,
    };
    for attr in attrs {
        match attr {
            Attribute::Encrypt(v) => encrypt = Some(v),
            Attribute::KeyType(t) => facts.aes = t == KeyType::AES,
            Attribute::ValueLen(n) => facts.key_len = usize::try_from(*n).ok(),
            Attribute::CheckValue(v) => {
                facts.check_value = v.get(..KCV_LEN).map(keyhaven_core::hex::encode)
            }
            _ => {}
        }
    }
    facts.encrypt = encrypt.ok_or_else(|| {
        Fail::Keystore(KeystoreError::Refused(format!(
            "the token does not report CKA_ENCRYPT of key \"{label}\""
        )))
    })?;
    Ok(facts)
}

/// Sets `CKA_ENCRYPT` of the key and checks that the token took it.
pub(super) fn set_encrypt(session: &Session, label: &str, on: bool) -> Result<(), Fail> {
    let key = require_key(session, label)?;
    session
        .update_attributes(key, &[Attribute::Encrypt(on)])
        .map_err(call(format!(
            "setting CKA_ENCRYPT of key \"{label}\" to {on}"
        )))?;
    if read_facts(session, key, label)?.encrypt != on {
        return Err(Fail::Keystore(KeystoreError::Refused(format!(
            "the token accepted CKA_ENCRYPT={on} for key \"{label}\" but still reports the \
             old value"
        ))));
    }
    Ok(())
}

/// `CKM_AES_GCM` encryption in the token under a random IV: `IV || ciphertext || tag`.
pub(super) fn gcm_encrypt(
    session: &Session,
    label: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, Fail> {
    let key = require_key(session, label)?;
    let mut nonce = [0u8; IV_LEN];
    aws_lc_rs::rand::fill(&mut nonce).map_err(|_| {
        Fail::Keystore(KeystoreError::Refused("the random generator failed".into()))
    })?;
    let mut iv = nonce;
    let params = GcmParams::new(&mut iv, &[], TAG_BITS.into())
        .map_err(call("preparing the AES-GCM parameters"))?;
    let sealed = session
        .encrypt(&Mechanism::AesGcm(params), key, plaintext)
        .map_err(|e| match e {
            P11Error::Pkcs11(RvError::KeyFunctionNotPermitted, _) => {
                Fail::Keystore(KeystoreError::Refused(format!(
                    "key \"{label}\" is disabled in the token (CKA_ENCRYPT is false); enable \
                     it to encrypt"
                )))
            }
            e => Fail::Call(format!("AES-GCM encryption with key \"{label}\""), e),
        })?;
    if sealed.len() != plaintext.len() + TAG_LEN {
        return Err(Fail::Keystore(KeystoreError::Refused(format!(
            "the token returned {} bytes of AES-GCM output for {} bytes of input (expected \
             the ciphertext and a {TAG_LEN}-byte tag)",
            sealed.len(),
            plaintext.len()
        ))));
    }
    let mut out = Vec::with_capacity(IV_LEN + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// `CKM_AES_GCM` decryption in the token of what [`gcm_encrypt`] returned.
pub(super) fn gcm_decrypt(
    session: &Session,
    label: &str,
    data: &[u8],
) -> Result<SecretBytes, Fail> {
    let too_short = || {
        Fail::Keystore(KeystoreError::Refused(format!(
            "a pkcs11 keystore ciphertext is at least {} bytes (IV, ciphertext, tag), got {}",
            IV_LEN + TAG_LEN,
            data.len()
        )))
    };
    let (nonce, sealed) = data.split_at_checked(IV_LEN).ok_or_else(too_short)?;
    if sealed.len() < TAG_LEN {
        return Err(too_short());
    }
    let mut iv: [u8; IV_LEN] = nonce.try_into().map_err(|_| too_short())?;
    let key = require_key(session, label)?;
    let params = GcmParams::new(&mut iv, &[], TAG_BITS.into())
        .map_err(call("preparing the AES-GCM parameters"))?;
    session
        .decrypt(&Mechanism::AesGcm(params), key, sealed)
        // Owned from here on, so the buffer is zeroized when dropped.
        .map(SecretBytes::new)
        .map_err(|e| match e {
            // SoftHSM2 answers a tag mismatch with CKR_GENERAL_ERROR.
            P11Error::Pkcs11(
                RvError::EncryptedDataInvalid
                | RvError::EncryptedDataLenRange
                | RvError::DataInvalid
                | RvError::DataLenRange
                | RvError::GeneralError
                | RvError::FunctionFailed,
                Function::Decrypt,
            ) => Fail::Keystore(KeystoreError::Refused(format!(
                "decryption with key \"{label}\" failed ({}): the ciphertext was altered or \
                 was not made by this key",
                describe_error(&e)
            ))),
            e => Fail::Call(format!("AES-GCM decryption with key \"{label}\""), e),
        })
}
