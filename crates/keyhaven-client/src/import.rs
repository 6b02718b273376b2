//! Wrapped key import (BYOK): the vault's import key and importing material wrapped for it.

use reqwest::Method;

use crate::proto::{ImportKey, ImportWrappedKey, Key};
use crate::{Client, ClientError, NO_BODY};

impl Client {
    /// `GET /v1/vaults/{vault}/import-key`: the RSA public key to wrap key material for.
    pub async fn import_key(&self, vault: &str) -> Result<ImportKey, ClientError> {
        self.json(Method::GET, &["vaults", vault, "import-key"], &[], NO_BODY)
            .await
    }

    /// `POST /v1/keys/import`: creates a key from material wrapped for the import key
    /// `request.import_key_id`.
    pub async fn import_wrapped(&self, request: &ImportWrappedKey) -> Result<Key, ClientError> {
        self.json(Method::POST, &["keys", "import"], &[], Some(request))
            .await
    }
}
