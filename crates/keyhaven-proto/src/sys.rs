//! Seal status, unsealing, sealing and root key rotation (`/v1/sys/...`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /v1/sys/seal-status` (also the answer to an unseal request).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SealStatus {
    /// Whether the server is sealed.
    pub sealed: bool,
    /// `dev`, `passphrase`, `shamir` or `pkcs11`; absent if not initialised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Shamir: shares needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u8>,
    /// Shamir: distinct shares given so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<u8>,
    /// Current root key generation (when unsealed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_generation: Option<u32>,
}

/// `POST /v1/sys/unseal`: one Shamir share, or the passphrase, or (PKCS#11) nothing or the PIN.
#[derive(Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnsealRequest {
    /// A Shamir share (`khs1-...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<String>,
    /// The passphrase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passphrase: Option<String>,
    /// The HSM user PIN (when not configured on the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    /// Forget the shares given so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset: Option<bool>,
}

impl std::fmt::Debug for UnsealRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnsealRequest")
            .field("share", &self.share.as_ref().map(|_| "<redacted>"))
            .field(
                "passphrase",
                &self.passphrase.as_ref().map(|_| "<redacted>"),
            )
            .field("pin", &self.pin.as_ref().map(|_| "<redacted>"))
            .field("reset", &self.reset)
            .finish()
    }
}

/// Result of `POST /v1/sys/rotate-root`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RootRotation {
    /// Generation replaced.
    pub from_generation: u32,
    /// New generation.
    pub to_generation: u32,
    /// Vault KEKs re-wrapped.
    pub vaults_rewrapped: usize,
}
