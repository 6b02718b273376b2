//! Principals, tokens, vault members, seal and root key, and the audit log.

use reqwest::Method;
use uuid::Uuid;

use crate::proto::{
    AuditList, AuditVerifyReport, CertBinding, CertBindingList, CheckpointList, CreateCertBinding,
    CreatePrincipal, CreateToken, CreatedToken, GrantRoles, Member, MemberList, Principal,
    PrincipalList, RootRotation, SealStatus, Token, TokenList, UnsealRequest, UpdatePrincipal,
    WhoAmI,
};
use crate::{decode, ignore, Client, ClientError, NO_BODY};

impl Client {
    // ---- seal ----

    /// `GET /v1/sys/seal-status` (no authentication).
    pub async fn seal_status(&self) -> Result<SealStatus, ClientError> {
        self.call(
            Method::GET,
            &["sys", "seal-status"],
            &[],
            NO_BODY,
            false,
            decode,
        )
        .await
    }

    /// `POST /v1/sys/unseal` (no authentication).
    pub async fn unseal(&self, request: &UnsealRequest) -> Result<SealStatus, ClientError> {
        self.call(
            Method::POST,
            &["sys", "unseal"],
            &[],
            Some(request),
            false,
            decode,
        )
        .await
    }

    /// `POST /v1/sys/seal`.
    pub async fn seal(&self) -> Result<SealStatus, ClientError> {
        self.json(Method::POST, &["sys", "seal"], &[], NO_BODY)
            .await
    }

    /// `POST /v1/sys/rotate-root`.
    pub async fn rotate_root(&self) -> Result<RootRotation, ClientError> {
        self.json(Method::POST, &["sys", "rotate-root"], &[], NO_BODY)
            .await
    }

    // ---- principals ----

    /// `GET /v1/whoami`.
    pub async fn whoami(&self) -> Result<WhoAmI, ClientError> {
        self.json(Method::GET, &["whoami"], &[], NO_BODY).await
    }

    /// `POST /v1/principals`.
    pub async fn create_principal(
        &self,
        request: &CreatePrincipal,
    ) -> Result<Principal, ClientError> {
        self.json(Method::POST, &["principals"], &[], Some(request))
            .await
    }

    /// `GET /v1/principals`.
    pub async fn list_principals(&self) -> Result<PrincipalList, ClientError> {
        self.json(Method::GET, &["principals"], &[], NO_BODY).await
    }

    /// `GET /v1/principals/{name}`.
    pub async fn get_principal(&self, name: &str) -> Result<Principal, ClientError> {
        self.json(Method::GET, &["principals", name], &[], NO_BODY)
            .await
    }

    /// `PATCH /v1/principals/{name}`.
    pub async fn update_principal(
        &self,
        name: &str,
        request: &UpdatePrincipal,
    ) -> Result<Principal, ClientError> {
        self.json(Method::PATCH, &["principals", name], &[], Some(request))
            .await
    }

    /// `DELETE /v1/principals/{name}`.
    pub async fn delete_principal(&self, name: &str) -> Result<(), ClientError> {
        self.call(
            Method::DELETE,
            &["principals", name],
            &[],
            NO_BODY,
            true,
            ignore,
        )
        .await
    }

    /// `POST /v1/principals/{name}/tokens`: the answer holds the secret, once.
    pub async fn create_token(
        &self,
        principal: &str,
        request: &CreateToken,
    ) -> Result<CreatedToken, ClientError> {
        self.json(
            Method::POST,
            &["principals", principal, "tokens"],
            &[],
            Some(request),
        )
        .await
    }

    /// `GET /v1/principals/{name}/tokens`.
    pub async fn list_tokens(&self, principal: &str) -> Result<TokenList, ClientError> {
        self.json(
            Method::GET,
            &["principals", principal, "tokens"],
            &[],
            NO_BODY,
        )
        .await
    }

    /// `DELETE /v1/tokens/{id}`: revokes.
    pub async fn revoke_token(&self, id: Uuid) -> Result<Token, ClientError> {
        let id = id.to_string();
        self.json(Method::DELETE, &["tokens", &id], &[], NO_BODY)
            .await
    }

    /// `POST /v1/principals/{name}/certificates`.
    pub async fn add_certificate(
        &self,
        principal: &str,
        request: &CreateCertBinding,
    ) -> Result<CertBinding, ClientError> {
        self.json(
            Method::POST,
            &["principals", principal, "certificates"],
            &[],
            Some(request),
        )
        .await
    }

    /// `GET /v1/principals/{name}/certificates`.
    pub async fn list_certificates(&self, principal: &str) -> Result<CertBindingList, ClientError> {
        self.json(
            Method::GET,
            &["principals", principal, "certificates"],
            &[],
            NO_BODY,
        )
        .await
    }

    /// `DELETE /v1/certificates/{id}`.
    pub async fn delete_certificate(&self, id: Uuid) -> Result<(), ClientError> {
        let id = id.to_string();
        self.call(
            Method::DELETE,
            &["certificates", &id],
            &[],
            NO_BODY,
            true,
            ignore,
        )
        .await
    }

    // ---- vault members ----

    /// `GET /v1/vaults/{name}/members`.
    pub async fn list_members(&self, vault: &str) -> Result<MemberList, ClientError> {
        self.json(Method::GET, &["vaults", vault, "members"], &[], NO_BODY)
            .await
    }

    /// `POST /v1/vaults/{name}/members`.
    pub async fn grant_roles(
        &self,
        vault: &str,
        request: &GrantRoles,
    ) -> Result<Member, ClientError> {
        self.json(
            Method::POST,
            &["vaults", vault, "members"],
            &[],
            Some(request),
        )
        .await
    }

    /// `DELETE /v1/vaults/{name}/members/{principal}/{role}`.
    pub async fn revoke_role(
        &self,
        vault: &str,
        principal: &str,
        role: &str,
    ) -> Result<(), ClientError> {
        self.call(
            Method::DELETE,
            &["vaults", vault, "members", principal, role],
            &[],
            NO_BODY,
            true,
            ignore,
        )
        .await
    }

    // ---- audit ----

    /// `GET /v1/audit?...`: one page; filters as (name, value) pairs.
    pub async fn audit(&self, query: &[(&str, String)]) -> Result<AuditList, ClientError> {
        self.json(Method::GET, &["audit"], query, NO_BODY).await
    }

    /// `GET /v1/audit/verify`.
    pub async fn audit_verify(&self) -> Result<AuditVerifyReport, ClientError> {
        self.json(Method::GET, &["audit", "verify"], &[], NO_BODY)
            .await
    }

    /// `GET /v1/audit/checkpoints`.
    pub async fn audit_checkpoints(&self) -> Result<CheckpointList, ClientError> {
        self.json(Method::GET, &["audit", "checkpoints"], &[], NO_BODY)
            .await
    }

    /// `GET /v1/audit/export?...`: the JSON lines, as one response body.
    pub async fn audit_export(
        &self,
        query: &[(&str, String)],
        mut sink: impl std::io::Write,
    ) -> Result<u64, ClientError> {
        let url = self.url(&["audit", "export"], query)?;
        self.stream_into(self.http.get(url), &mut sink, &mut |_| {}, "export")
            .await
    }
}
