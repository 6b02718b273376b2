//! keyhaven core: the domain of the key lifecycle service.
//!
//! One lifecycle implementation ([`lifecycle`]) used by every interface through
//! [`service::KeyService`]. Core does no I/O: storage, cryptography, time and randomness come in
//! through the [`store::Store`], [`crypto::CryptoProvider`] and [`clock::Clock`] traits.

pub mod algorithm;
pub mod cache;
pub mod clock;
pub mod crypto;
pub mod envelope;
pub mod error;
pub mod lifecycle;
pub mod model;
pub mod operations;
pub mod secret;
pub mod service;
pub mod store;
pub mod usage;

pub use algorithm::{AlgorithmFamily, KeyAlgorithm, Operation, OperationKind};
pub use clock::{Clock, FakeClock};
pub use crypto::{
    CryptoError, CryptoProvider, GeneratedKey, KeyHandle, SignInput, SignatureScheme,
};
pub use error::{Error, Result};
pub use lifecycle::{Action, KeyState};
pub use model::{
    Cause, HistoryEntry, Key, KeyId, KeyName, KeyVersion, Origin, Vault, VaultId, VaultName,
};
pub use secret::SecretBytes;
pub use service::{Actor, InitialState, KeyPatch, KeyService, ListQuery, NewKey, ServiceConfig};
pub use store::{KeyChange, KeyFilter, Store, StoreError};
pub use usage::UsageMask;
