//! Crypto policy documents (`/v1/policy`, `/v1/vaults/{vault}/policy`). The documents
//! themselves are JSON objects whose fields are described in docs/POLICY.md; they travel here
//! as JSON values so that this crate does not depend on the server's policy engine.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// `GET /v1/vaults/{vault}/policy` (also the answer to `PUT`).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct VaultPolicy {
    /// The vault's override document (it can only tighten the server's policy); absent when
    /// the vault has none.
    #[serde(rename = "override", default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub override_document: Option<Value>,
    /// The policy in force in the vault: the server's policy with the override applied.
    #[schema(value_type = Object)]
    pub effective: Value,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn override_is_the_wire_name() {
        let p = VaultPolicy {
            override_document: Some(serde_json::json!({"min_strength": 128})),
            effective: serde_json::json!({}),
        };
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["override"]["min_strength"], 128);
        let back: VaultPolicy = serde_json::from_value(v).unwrap();
        assert_eq!(back, p);
        let none: VaultPolicy =
            serde_json::from_value(serde_json::json!({"effective": {}})).unwrap();
        assert_eq!(none.override_document, None);
    }
}
