//! Cryptographic use of keys: every operation goes through the same gate (algorithm, usage,
//! lifecycle state, usage window) before it reaches a cached key handle.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::access::{Caller, Permission};
use crate::algorithm::{Operation, OperationKind};
use crate::cache::CachedKey;
use crate::crypto::{KeyHandle, SignInput, SignatureScheme};
use crate::envelope::{self, CiphertextHeader};
use crate::error::{Error, Result};
use crate::lifecycle::{self, Action, KeyState};
use crate::model::{Key, KeyId, ObjectKind};
use crate::secret::SecretBytes;
use crate::service::{material_aad, not_found_key, refusal, refusal_named, KeyService};

/// Largest plaintext encrypt accepts (bytes).
pub const MAX_PLAINTEXT: usize = 64 * 1024;

/// A ciphertext or wrapped data key with the version that made it.
#[derive(Debug)]
pub struct Sealed {
    /// Self-describing bytes.
    pub bytes: Vec<u8>,
    /// Key version used.
    pub key_version: u32,
}

/// A signature with the version and scheme used.
#[derive(Debug)]
pub struct Signed {
    /// Self-describing signature.
    pub signature: Vec<u8>,
    /// Key version used.
    pub key_version: u32,
    /// Scheme used.
    pub scheme: SignatureScheme,
}

/// A generated data key.
#[derive(Debug)]
pub struct DataKey {
    /// The data key itself.
    pub plaintext: SecretBytes,
    /// The data key encrypted under the key (a normal ciphertext).
    pub ciphertext: Vec<u8>,
    /// Key version used.
    pub key_version: u32,
}

/// A public key export.
#[derive(Debug)]
pub struct PublicKey {
    /// SPKI DER (raw encapsulation key for ML-KEM).
    pub der: Vec<u8>,
    /// Version.
    pub key_version: u32,
    /// The key's algorithm.
    pub algorithm: crate::algorithm::KeyAlgorithm,
}

impl KeyService {
    /// Encrypts with the primary version.
    pub async fn encrypt(
        &self,
        caller: &Caller,
        id: KeyId,
        plaintext: &[u8],
        aad: &[u8],
    ) -> Result<Sealed> {
        if plaintext.len() > MAX_PLAINTEXT {
            return Err(Error::InvalidRequest(format!(
                "plaintext is limited to {MAX_PLAINTEXT} bytes; encrypt larger data with a data \
                 key (datakey)"
            )));
        }
        let entry = self.gate(caller, id, Operation::Encrypt, false).await?;
        self.encrypt_with(caller, &entry, plaintext, aad).await
    }

    /// Decrypts a ciphertext made by any live version of the key.
    pub async fn decrypt(
        &self,
        caller: &Caller,
        id: KeyId,
        ciphertext: &[u8],
        aad: &[u8],
        allow_compromised: bool,
    ) -> Result<(SecretBytes, u32)> {
        let entry = self
            .gate(caller, id, Operation::Decrypt, allow_compromised)
            .await?;
        self.decrypt_with(caller, &entry, ciphertext, aad).await
    }

    /// Re-encrypts a ciphertext under the primary version without returning the plaintext.
    pub async fn rewrap(
        &self,
        caller: &Caller,
        id: KeyId,
        ciphertext: &[u8],
        aad: &[u8],
    ) -> Result<Sealed> {
        let entry = self.gate(caller, id, Operation::Rewrap, false).await?;
        let (plaintext, _) = self.decrypt_with(caller, &entry, ciphertext, aad).await?;
        self.encrypt_with(caller, &entry, plaintext.expose(), aad)
            .await
    }

    /// Generates a data key of `len` bytes (16, 24 or 32) and returns it with a copy encrypted
    /// under the key.
    pub async fn data_key(
        &self,
        caller: &Caller,
        id: KeyId,
        len: usize,
        aad: &[u8],
    ) -> Result<DataKey> {
        if !matches!(len, 16 | 24 | 32) {
            return Err(Error::InvalidRequest(
                "data keys are 16, 24 or 32 bytes".to_owned(),
            ));
        }
        let entry = self.gate(caller, id, Operation::DataKey, false).await?;
        let mut plaintext = SecretBytes::zeroed(len);
        self.crypto.random(plaintext.expose_mut())?;
        let sealed = self
            .encrypt_with(caller, &entry, plaintext.expose(), aad)
            .await?;
        Ok(DataKey {
            plaintext,
            ciphertext: sealed.bytes,
            key_version: sealed.key_version,
        })
    }

    /// Signs a message or digest with the primary version.
    pub async fn sign(
        &self,
        caller: &Caller,
        id: KeyId,
        input: SignInput<'_>,
        scheme: Option<SignatureScheme>,
    ) -> Result<Signed> {
        let entry = self.gate(caller, id, Operation::Sign, false).await?;
        let alg = entry.key.algorithm;
        let scheme = match scheme {
            Some(s) if s.fits(alg) => s,
            Some(s) => {
                return Err(Error::InvalidRequest(format!(
                    "{alg} keys cannot sign with {}; use one of: {}",
                    s.name(),
                    SignatureScheme::all_for(alg).join(", ")
                )))
            }
            None => SignatureScheme::default_for(alg).ok_or(Error::UnsupportedOperation {
                algorithm: alg,
                operation: "sign",
            })?,
        };
        check_digest(scheme, input)?;
        let version = entry.key.primary_version;
        let handle = self.handle(caller, &entry, version).await?;
        let raw = handle.sign(scheme, input)?;
        Ok(Signed {
            signature: envelope::seal_signature(version, scheme, &raw),
            key_version: version,
            scheme,
        })
    }

    /// Verifies a signature made by any live version of the key.
    pub async fn verify(
        &self,
        caller: &Caller,
        id: KeyId,
        input: SignInput<'_>,
        signature: &[u8],
        allow_compromised: bool,
    ) -> Result<bool> {
        let entry = self
            .gate(caller, id, Operation::Verify, allow_compromised)
            .await?;
        let (version, scheme, raw) = envelope::open_signature(signature)?;
        if !scheme.fits(entry.key.algorithm) || !live_version(&entry.key, version) {
            return Ok(false);
        }
        check_digest(scheme, input)?;
        let handle = self.handle(caller, &entry, version).await?;
        Ok(handle.verify(scheme, input, raw)?)
    }

    /// Computes a MAC tag with the primary version.
    pub async fn mac(&self, caller: &Caller, id: KeyId, data: &[u8]) -> Result<Sealed> {
        let entry = self.gate(caller, id, Operation::MacGenerate, false).await?;
        let version = entry.key.primary_version;
        let handle = self.handle(caller, &entry, version).await?;
        let raw = handle.mac(data)?;
        Ok(Sealed {
            bytes: envelope::seal_mac(version, &raw),
            key_version: version,
        })
    }

    /// Checks a MAC tag made by any live version, in constant time.
    pub async fn mac_verify(
        &self,
        caller: &Caller,
        id: KeyId,
        data: &[u8],
        tag: &[u8],
        allow_compromised: bool,
    ) -> Result<bool> {
        let entry = self
            .gate(caller, id, Operation::MacVerify, allow_compromised)
            .await?;
        let (version, raw) = envelope::open_mac(tag)?;
        if !live_version(&entry.key, version) {
            return Ok(false);
        }
        let handle = self.handle(caller, &entry, version).await?;
        Ok(handle.mac_verify(data, raw)?)
    }

    /// ML-KEM encapsulation with the primary version: (KEM ciphertext, shared secret).
    pub async fn encapsulate(&self, caller: &Caller, id: KeyId) -> Result<(Sealed, SecretBytes)> {
        let entry = self.gate(caller, id, Operation::Encapsulate, false).await?;
        let version = entry.key.primary_version;
        let handle = self.handle(caller, &entry, version).await?;
        let (raw, secret) = handle.encapsulate()?;
        let header = CiphertextHeader {
            key_id: id,
            version,
        };
        Ok((
            Sealed {
                bytes: envelope::seal_kem(&header, &raw),
                key_version: version,
            },
            secret,
        ))
    }

    /// ML-KEM decapsulation.
    pub async fn decapsulate(
        &self,
        caller: &Caller,
        id: KeyId,
        ciphertext: &[u8],
        allow_compromised: bool,
    ) -> Result<SecretBytes> {
        let entry = self
            .gate(caller, id, Operation::Decapsulate, allow_compromised)
            .await?;
        let (header, raw) = envelope::open_kem(ciphertext)?;
        let handle = self.versioned_handle(caller, &entry, header).await?;
        Ok(handle.decapsulate(raw)?)
    }

    /// The public key of the primary version (or of `version`).
    pub async fn public_key(
        &self,
        caller: &Caller,
        id: KeyId,
        version: Option<u32>,
    ) -> Result<PublicKey> {
        let key = self
            .load_for(caller, id, Permission::ReadKey, "key.public-key")
            .await?;
        lifecycle::check(
            Action::ExportPublicKey,
            key.state,
            key.pending_destruction(),
        )
        .map_err(|r| refusal(&key, Action::ExportPublicKey, r))?;
        if !key.algorithm.is_asymmetric() {
            return Err(Error::UnsupportedOperation {
                algorithm: key.algorithm,
                operation: "export a public key (symmetric key)",
            });
        }
        let version = version.unwrap_or(key.primary_version);
        caller.with_note(|n| n.key_version = Some(version));
        let der = self
            .version(Some(caller), id, version)
            .await?
            .and_then(|v| v.public_key)
            .ok_or_else(|| Error::NotFound {
                kind: "key version",
                id: format!("{id} v{version}"),
            })?;
        Ok(PublicKey {
            der,
            key_version: version,
            algorithm: key.algorithm,
        })
    }

    // ----- internals ----------------------------------------------------------------------

    /// The single gate for cryptographic use: the caller's role, then algorithm, usage,
    /// lifecycle, usage window. Uses the cached record unless a time-driven transition is due.
    pub(crate) async fn gate(
        &self,
        caller: &Caller,
        id: KeyId,
        op: Operation,
        allow_compromised: bool,
    ) -> Result<Arc<CachedKey>> {
        caller.with_note(|n| {
            n.action = Some(op.name());
            n.key = Some(id);
        });
        let now = self.clock.now();
        let entry = self.cached(caller, id).await?;
        let key = &entry.key;
        caller.with_note(|n| n.vault = Some(key.vault_name.to_string()));
        caller.require(key.vault_id, Permission::UseKey, || not_found_key(id))?;
        let overriding = allow_compromised && key.state == KeyState::Compromised;
        if overriding {
            caller.require(key.vault_id, Permission::UseCompromisedKey, || {
                not_found_key(id)
            })?;
        }
        authorize(key, op, allow_compromised, now)?;
        if overriding {
            tracing::warn!(key = %id, operation = op.name(), principal = caller.name(),
                "compromised key used under the allow_compromised override");
            caller.with_note(|n| {
                n.detail = Some("allow_compromised override on a compromised key".to_owned())
            });
        }
        self.record_use(key, op, now);
        Ok(entry)
    }

    async fn encrypt_with(
        &self,
        caller: &Caller,
        entry: &CachedKey,
        plaintext: &[u8],
        aad: &[u8],
    ) -> Result<Sealed> {
        let version = entry.key.primary_version;
        let handle = self.handle(caller, entry, version).await?;
        let header = CiphertextHeader {
            key_id: entry.key.id,
            version,
        };
        let body = handle.encrypt(plaintext, &header.aad(aad))?;
        Ok(Sealed {
            bytes: envelope::seal_ciphertext(&header, &body),
            key_version: version,
        })
    }

    async fn decrypt_with(
        &self,
        caller: &Caller,
        entry: &CachedKey,
        ciphertext: &[u8],
        aad: &[u8],
    ) -> Result<(SecretBytes, u32)> {
        let (header, body) = envelope::open_ciphertext(ciphertext)?;
        let handle = self.versioned_handle(caller, entry, header).await?;
        Ok((handle.decrypt(body, &header.aad(aad))?, header.version))
    }

    /// The handle for the version a ciphertext names, after checking it belongs to this key
    /// and is still allowed to process.
    async fn versioned_handle(
        &self,
        caller: &Caller,
        entry: &CachedKey,
        header: CiphertextHeader,
    ) -> Result<Arc<dyn KeyHandle>> {
        let key = &entry.key;
        if header.key_id != key.id {
            return Err(Error::DecryptionFailed(format!(
                "the ciphertext was made by key {}, not by key {}",
                header.key_id, key.id
            )));
        }
        if !live_version(key, header.version) {
            return Err(Error::DecryptionFailed(format!(
                "the ciphertext names version {} of key {}, which has versions {}..={} usable",
                header.version, key.id, key.min_decryption_version, key.primary_version
            )));
        }
        self.handle(caller, entry, header.version).await
    }

    /// The parsed handle of a version, unsealing it on first use.
    pub(crate) async fn handle(
        &self,
        caller: &Caller,
        entry: &CachedKey,
        version: u32,
    ) -> Result<Arc<dyn KeyHandle>> {
        caller.with_note(|n| n.key_version = Some(version));
        if let Some(h) = entry.handle(version) {
            return Ok(h);
        }
        let key = &entry.key;
        let sealed = self
            .version(Some(caller), key.id, version)
            .await?
            .and_then(|v| v.sealed_material)
            .ok_or_else(|| {
                Error::Crypto(format!("key {} version {version} has no material", key.id))
            })?;
        let material = self.unseal_material(key, version, &sealed).await?;
        let handle = if key.object_kind == ObjectKind::PublicKey {
            self.crypto.load_public(key.algorithm, material.expose())?
        } else {
            self.crypto.load(key.algorithm, &material)?
        };
        entry.put_handle(version, Arc::clone(&handle));
        Ok(handle)
    }
}

/// Whether `version` exists and may still process data.
impl KeyService {
    /// The key as the cryptographic operations see it: from the cache while no time-driven
    /// transition is due, else loaded (integrity-checked) and cached.
    pub(crate) async fn cached(&self, caller: &Caller, id: KeyId) -> Result<Arc<CachedKey>> {
        let now = self.clock.now();
        Ok(match self.cache.get(id) {
            Some(e) if e.key.next_transition_at().is_none_or(|d| now < d) => e,
            _ => {
                let epoch = self.cache.epoch();
                let key = self.load(Some(caller), id).await?;
                let e = Arc::new(CachedKey::new(key));
                self.cache.insert(epoch, Arc::clone(&e));
                e
            }
        })
    }

    /// The record of a key the caller may use (crypto-user), from the operations' cache: for
    /// interfaces that need a key's attributes on every operation (KMIP reads its stored
    /// Cryptographic Parameters and Usage Limits) without a database read each time.
    pub async fn key_for_use(&self, caller: &Caller, id: KeyId) -> Result<Key> {
        let entry = self.cached(caller, id).await?;
        caller.require(entry.key.vault_id, Permission::UseKey, || not_found_key(id))?;
        Ok(entry.key.clone())
    }

    /// Unseals a version's material under its vault's KEK, bound to the key, version,
    /// algorithm and vault.
    pub(crate) async fn unseal_material(
        &self,
        key: &Key,
        version: u32,
        sealed: &[u8],
    ) -> Result<SecretBytes> {
        let kek = self.kek_by_id(key.vault_id).await?;
        self.crypto
            .unseal(
                &kek,
                &material_aad(key.id, version, key.algorithm, key.vault_id),
                sealed,
            )
            .map_err(|_| {
                Error::Crypto(format!(
                    "the material of key {} version {version} does not unseal: it was altered \
                     or does not belong to this key",
                    key.id
                ))
            })
    }
}

fn live_version(key: &Key, version: u32) -> bool {
    version >= key.min_decryption_version && version <= key.primary_version && version >= 1
}

/// Algorithm, usage, lifecycle state and usage window, in that order (fixed properties of the
/// key first, so the caller is not asked to change state for an operation that can never work).
pub(crate) fn authorize(
    key: &Key,
    op: Operation,
    allow_compromised: bool,
    now: OffsetDateTime,
) -> Result<()> {
    if !key.algorithm.supports(op) {
        return Err(Error::UnsupportedOperation {
            algorithm: key.algorithm,
            operation: op.name(),
        });
    }
    if !key.usage.contains(op.required_usage()) {
        return Err(Error::UsageNotPermitted {
            key: key.id,
            operation: op,
            usage: key.usage,
        });
    }
    let action = match op.kind() {
        OperationKind::Apply => Action::Apply,
        OperationKind::Process => Action::Process { allow_compromised },
    };
    lifecycle::check(action, key.state, key.pending_destruction())
        .map_err(|r| refusal_named(key, action, op.name(), r))?;
    match op.kind() {
        OperationKind::Apply => {
            if let Some(stop) = key.protect_stop_date.filter(|s| *s <= now) {
                return Err(Error::OutsideUsageWindow {
                    key: key.id,
                    message: format!("its protect-stop date {stop} has passed; it may no longer apply protection"),
                });
            }
        }
        OperationKind::Process => {
            if let Some(start) = key.process_start_date.filter(|s| *s > now) {
                return Err(Error::OutsideUsageWindow {
                    key: key.id,
                    message: format!("it may process protected data only from {start}"),
                });
            }
        }
    }
    Ok(())
}

fn check_digest(scheme: SignatureScheme, input: SignInput<'_>) -> Result<()> {
    if let SignInput::Digest(d) = input {
        match scheme.digest_len() {
            None => {
                return Err(Error::InvalidRequest(format!(
                    "{} signs whole messages only; send message instead of digest",
                    scheme.name()
                )))
            }
            Some(n) if n != d.len() => {
                return Err(Error::InvalidRequest(format!(
                    "{} needs a {n}-byte digest, got {} bytes",
                    scheme.name(),
                    d.len()
                )))
            }
            Some(_) => {}
        }
    }
    Ok(())
}
