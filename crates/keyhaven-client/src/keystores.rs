//! External keystores of a vault (PKCS#11 tokens, KMIP servers, AWS KMS) and the distribution
//! of keys to them.

use reqwest::Method;
use uuid::Uuid;

use crate::proto::{
    AddKeyTarget, CreateKeystore, KeyKeystores, Keystore, KeystoreList, KeystoreTest,
    UpdateKeystore,
};
use crate::{ignore, Client, ClientError, NO_BODY};

impl Client {
    // ---- keystores of a vault ----

    /// `PATCH /v1/vaults/{vault}/keystores/{name}`: replaces settings and/or credentials
    /// (vault admin).
    pub async fn update_keystore(
        &self,
        vault: &str,
        name: &str,
        request: &UpdateKeystore,
    ) -> Result<Keystore, ClientError> {
        self.json(
            Method::PATCH,
            &["vaults", vault, "keystores", name],
            &[],
            Some(request),
        )
        .await
    }

    /// `POST /v1/vaults/{vault}/keystores`: registers a keystore (vault admin). The
    /// credentials are sent once and never returned.
    pub async fn create_keystore(
        &self,
        vault: &str,
        request: &CreateKeystore,
    ) -> Result<Keystore, ClientError> {
        self.json(
            Method::POST,
            &["vaults", vault, "keystores"],
            &[],
            Some(request),
        )
        .await
    }

    /// `GET /v1/vaults/{vault}/keystores`.
    pub async fn list_keystores(&self, vault: &str) -> Result<KeystoreList, ClientError> {
        self.json(Method::GET, &["vaults", vault, "keystores"], &[], NO_BODY)
            .await
    }

    /// `GET /v1/vaults/{vault}/keystores/{name}`.
    pub async fn get_keystore(&self, vault: &str, name: &str) -> Result<Keystore, ClientError> {
        self.json(
            Method::GET,
            &["vaults", vault, "keystores", name],
            &[],
            NO_BODY,
        )
        .await
    }

    /// `DELETE /v1/vaults/{vault}/keystores/{name}`: refused (`409`) while a key is
    /// distributed to it.
    pub async fn delete_keystore(&self, vault: &str, name: &str) -> Result<(), ClientError> {
        self.call(
            Method::DELETE,
            &["vaults", vault, "keystores", name],
            &[],
            NO_BODY,
            true,
            ignore,
        )
        .await
    }

    /// `POST /v1/vaults/{vault}/keystores/{name}/test`: connects and authenticates. A
    /// keystore that fails the test is `Ok` with `ok: false` and the reason.
    pub async fn test_keystore(
        &self,
        vault: &str,
        name: &str,
    ) -> Result<KeystoreTest, ClientError> {
        self.json(
            Method::POST,
            &["vaults", vault, "keystores", name, "test"],
            &[],
            NO_BODY,
        )
        .await
    }

    // ---- distribution of a key ----

    /// `GET /v1/keys/{id}/keystores`: where the key is distributed and whether each copy
    /// is in sync.
    pub async fn key_keystores(&self, id: Uuid) -> Result<KeyKeystores, ClientError> {
        self.key_get(id, "keystores").await
    }

    /// `POST /v1/keys/{id}/keystores`: distributes the key to one more keystore of its vault.
    pub async fn add_key_keystore(
        &self,
        id: Uuid,
        keystore: &str,
    ) -> Result<KeyKeystores, ClientError> {
        let request = AddKeyTarget {
            keystore: keystore.to_owned(),
        };
        self.key_post(id, "keystores", &request).await
    }

    /// `POST /v1/keys/{id}/sync`: re-applies the key's state in every keystore now. What is
    /// still out of sync afterwards is in the answer (`out_of_sync`, `reasons`), not an error.
    pub async fn sync_key(&self, id: Uuid) -> Result<KeyKeystores, ClientError> {
        self.key_post(id, "sync", &serde_json::Map::new()).await
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use crate::tls;
    use crate::Client;

    #[test]
    fn keystore_names_are_one_path_segment() {
        let c = Client::new(
            "https://127.0.0.1:8443",
            None,
            Some(tls::tests::TEST_CA.as_bytes()),
        )
        .unwrap();
        let url = c
            .url(&["vaults", "pay", "keystores", "hsm/1", "test"], &[])
            .unwrap();
        assert_eq!(url.path(), "/v1/vaults/pay/keystores/hsm%2F1/test");
    }
}
