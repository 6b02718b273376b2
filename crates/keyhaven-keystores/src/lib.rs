//! Keystore connectors: the implementations of [`keyhaven_core::keystore::Keystore`] for an HSM
//! slot through PKCS#11 ([`pkcs11`]), a remote KMIP server ([`kmip`]) and the AWS KMS API
//! ([`aws`]). [`connect`] builds one from its stored settings and (unsealed) credentials.

pub mod aws;
pub mod kmip;
pub mod pkcs11;
mod sigv4;

use keyhaven_core::keystore::{Keystore, KeystoreError, KeystoreKind};
use keyhaven_core::SecretBytes;

/// Builds the connector for a keystore of `kind` from its settings (JSON object, not secret)
/// and its credentials (a JSON object, secret; empty when there are none).
pub fn connect(
    kind: KeystoreKind,
    settings: &serde_json::Value,
    credentials: &SecretBytes,
) -> Result<Box<dyn Keystore>, KeystoreError> {
    match kind {
        KeystoreKind::Pkcs11 => Ok(Box::new(pkcs11::Pkcs11Keystore::new(
            settings,
            credentials,
        )?)),
        KeystoreKind::Kmip => Ok(Box::new(kmip::KmipKeystore::new(settings, credentials)?)),
        KeystoreKind::AwsKms => Ok(Box::new(aws::AwsKmsKeystore::new(settings, credentials)?)),
        _ => Err(KeystoreError::Config(format!(
            "no connector for keystore kind {kind}"
        ))),
    }
}
