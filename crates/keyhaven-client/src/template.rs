//! Key templates, applying a template to a key, and crypto policies.

use reqwest::Method;
use serde_json::Value;
use uuid::Uuid;

use crate::proto::{
    ApplyTemplate, CreateTemplate, Key, Template, TemplateList, TemplateSpec, VaultPolicy,
};
use crate::{ignore, Client, ClientError, NO_BODY};

impl Client {
    // ---- templates ----

    /// `POST /v1/vaults/{vault}/templates`.
    pub async fn create_template(
        &self,
        vault: &str,
        request: &CreateTemplate,
    ) -> Result<Template, ClientError> {
        self.json(
            Method::POST,
            &["vaults", vault, "templates"],
            &[],
            Some(request),
        )
        .await
    }

    /// `GET /v1/vaults/{vault}/templates`.
    pub async fn list_templates(&self, vault: &str) -> Result<TemplateList, ClientError> {
        self.json(Method::GET, &["vaults", vault, "templates"], &[], NO_BODY)
            .await
    }

    /// `GET /v1/vaults/{vault}/templates/{name}`.
    pub async fn get_template(&self, vault: &str, name: &str) -> Result<Template, ClientError> {
        self.json(
            Method::GET,
            &["vaults", vault, "templates", name],
            &[],
            NO_BODY,
        )
        .await
    }

    /// `PUT /v1/vaults/{vault}/templates/{name}`: replaces the template's settings.
    pub async fn update_template(
        &self,
        vault: &str,
        name: &str,
        spec: &TemplateSpec,
    ) -> Result<Template, ClientError> {
        self.json(
            Method::PUT,
            &["vaults", vault, "templates", name],
            &[],
            Some(spec),
        )
        .await
    }

    /// `DELETE /v1/vaults/{vault}/templates/{name}`.
    pub async fn delete_template(&self, vault: &str, name: &str) -> Result<(), ClientError> {
        self.call(
            Method::DELETE,
            &["vaults", vault, "templates", name],
            &[],
            NO_BODY,
            true,
            ignore,
        )
        .await
    }

    /// `POST /v1/keys/{id}/apply-template`.
    pub async fn apply_template(
        &self,
        id: Uuid,
        request: &ApplyTemplate,
    ) -> Result<Key, ClientError> {
        self.key_post(id, "apply-template", request).await
    }

    // ---- policy ----

    /// `GET /v1/policy`: the server's crypto policy document.
    pub async fn server_policy(&self) -> Result<Value, ClientError> {
        self.json(Method::GET, &["policy"], &[], NO_BODY).await
    }

    /// `GET /v1/vaults/{vault}/policy`: the vault's override and effective policy.
    pub async fn vault_policy(&self, vault: &str) -> Result<VaultPolicy, ClientError> {
        self.json(Method::GET, &["vaults", vault, "policy"], &[], NO_BODY)
            .await
    }

    /// `PUT /v1/vaults/{vault}/policy`: sets the vault's override document.
    pub async fn set_vault_policy(
        &self,
        vault: &str,
        document: &Value,
    ) -> Result<VaultPolicy, ClientError> {
        self.json(
            Method::PUT,
            &["vaults", vault, "policy"],
            &[],
            Some(document),
        )
        .await
    }

    /// `DELETE /v1/vaults/{vault}/policy`: removes the vault's override.
    pub async fn delete_vault_policy(&self, vault: &str) -> Result<(), ClientError> {
        self.call(
            Method::DELETE,
            &["vaults", vault, "policy"],
            &[],
            NO_BODY,
            true,
            ignore,
        )
        .await
    }
}
