//! keyhaven core: the domain of the key lifecycle service.
//!
//! One lifecycle implementation ([`lifecycle`]) used by every interface through
//! [`service::KeyService`]. Core does no I/O: storage, cryptography, time and randomness come in
//! through the [`store::Store`], [`crypto::CryptoProvider`] and [`clock::Clock`] traits.

pub mod access;
pub mod algorithm;
pub mod audit;
pub mod auditing;
pub mod backup;
pub mod cache;
pub mod cipher;
pub mod clock;
pub mod crypto;
pub mod distribution;
pub mod envelope;
pub mod error;
pub mod framed;
pub mod hex;
pub mod import;
pub mod integrity;
pub mod keys;
pub mod keystore;
pub mod lifecycle;
pub mod merkle;
pub mod model;
pub mod objects;
pub mod operations;
pub mod policy;
pub mod principals;
pub mod report;
pub mod restore;
pub mod root;
pub mod rotation;
pub mod secret;
pub mod service;
pub mod shamir;
pub mod store;
pub mod template;
pub mod usage;
pub mod vault_policy;
pub mod vaults;

pub use access::{
    Caller, Identity, Outcome, Permission, PrincipalId, RequestContext, SystemRole, VaultRole,
};
pub use algorithm::{AlgorithmFamily, KeyAlgorithm, Operation, OperationKind};
pub use audit::{AuditEvent, AuditFilter, AuditRecord, Checkpoint};
pub use clock::{Clock, FakeClock};
pub use crypto::{
    CryptoError, CryptoProvider, GeneratedKey, KeyHandle, SignInput, SignatureScheme,
};
pub use error::{Error, Result};
pub use lifecycle::{Action, KeyState};
pub use model::{
    Cause, HistoryEntry, Key, KeyId, KeyName, KeySchedule, KeyVersion, Link, LinkKind, ObjectKind,
    Origin, Vault, VaultId, VaultName,
};
pub use root::{RootKey, RootKeyRecord, SealRecord, SystemKeys};
pub use secret::SecretBytes;
pub use service::{
    AttributeHook, InitAdmin, InitSeal, InitialState, IntegrityStatus, KeyExtras, KeyPage,
    KeyPatch, KeyService, ListQuery, NewKey, ServiceConfig,
};
pub use store::{
    InventoryRow, KeyChange, KeyFilter, RootRotation, Store, StoreError, StoredCheckpoint,
    VaultPolicy,
};
pub use template::{FromTemplate, Template, TemplateName, TemplateSpec};
pub use usage::UsageMask;
