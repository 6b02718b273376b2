//! keyhaven REST client: typed async methods for every `/v1` route, over HTTPS (rustls with
//! the aws-lc-rs provider) with bearer-token authentication.
//!
//! ```no_run
//! # async fn demo() -> Result<(), keyhaven_client::ClientError> {
//! use keyhaven_client::{proto, Client};
//!
//! let ca = std::fs::read("keyhaven-data/tls/ca.pem").unwrap_or_default();
//! let client = Client::new("https://127.0.0.1:8443", Some("token"), Some(&ca))?;
//! let vault = client
//!     .create_vault(&proto::CreateVault {
//!         name: "payments".into(),
//!         pending_destruction_days: None,
//!         creator_roles: None,
//!     })
//!     .await?;
//! println!("{}", vault.name);
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

mod admin;
mod backup;
mod error;
mod import;
mod keystores;
mod query;
mod report;
mod template;
mod tls;

pub use backup::BACKUP_KEY_HEADER;
pub use error::{exit, exit_code_for, ClientError};
pub use keyhaven_proto as proto;
pub use query::{KeyAction, KeyQuery};
pub use report::{ReportFormat, ReportQuery, ReportStream, REPORT_TIMEOUT};
pub use reqwest::Url;

use proto::{
    CreateKey, CreateVault, DataKeyRequest, DataKeyResponse, DecapsulateRequest,
    DecapsulateResponse, DecryptRequest, DecryptResponse, EncapsulateResponse, EncryptRequest,
    EncryptResponse, Health, HistoryList, Key, KeyList, KeyVersionList, MacRequest, MacResponse,
    MacVerifyRequest, PublicKeyResponse, RewrapRequest, SignRequest, SignResponse, StateChange,
    UpdateKey, UpdateVault, Vault, VaultList, VerifyRequest, VerifyResponse,
};

/// Where a local development server listens.
pub const DEFAULT_ADDR: &str = "https://127.0.0.1:8443";

/// Environment variable naming the server's base URL.
pub const ENV_ADDR: &str = "KEYHAVEN_ADDR";
/// Environment variable holding the API bearer token.
pub const ENV_TOKEN: &str = "KEYHAVEN_TOKEN";
/// Environment variable naming a PEM file with the CA that issued the server's certificate.
pub const ENV_CACERT: &str = "KEYHAVEN_CACERT";

/// A keyhaven REST client. Cheap to clone (clones share the connection pool).
///
/// `Debug` never shows the token.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    auth: Option<HeaderValue>,
    custom_ca: bool,
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    base_url: String,
    token: Option<String>,
    ca_pem: Option<Vec<u8>>,
    identity_pem: Option<(Vec<u8>, Vec<u8>)>,
    timeout: Duration,
    connect_timeout: Duration,
    max_idle_per_host: usize,
    use_proxy: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base.as_str())
            .field("token", &self.auth.as_ref().map(|_| "<redacted>"))
            .field("custom_ca", &self.custom_ca)
            .finish()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("custom_ca", &self.ca_pem.is_some())
            .field("client_certificate", &self.identity_pem.is_some())
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_idle_per_host", &self.max_idle_per_host)
            .field("use_proxy", &self.use_proxy)
            .finish()
    }
}

impl ClientBuilder {
    /// Starts a configuration for the server at `base_url` (`https://host:port`, optionally
    /// with a path prefix).
    pub fn new(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            token: None,
            ca_pem: None,
            identity_pem: None,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_idle_per_host: usize::MAX,
            use_proxy: true,
        }
    }

    /// Sends `Authorization: Bearer <token>` on every authenticated route.
    pub fn token(mut self, token: impl Into<String>) -> ClientBuilder {
        self.token = Some(token.into());
        self
    }

    /// Trusts only the CA certificate(s) in this PEM (instead of the system bundle).
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> ClientBuilder {
        self.ca_pem = Some(pem.into());
        self
    }

    /// Presents this client certificate chain and private key (PEM) for mTLS login.
    pub fn client_identity_pem(
        mut self,
        cert_pem: impl Into<Vec<u8>>,
        key_pem: impl Into<Vec<u8>>,
    ) -> ClientBuilder {
        self.identity_pem = Some((cert_pem.into(), key_pem.into()));
        self
    }

    /// Whole-request timeout (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = timeout;
        self
    }

    /// Connection (TCP + TLS) timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout = timeout;
        self
    }

    /// Keeps at most `n` idle keep-alive connections (default unlimited). A client used by
    /// one task at a time with `n = 1` reuses exactly one connection.
    pub fn max_idle_connections(mut self, n: usize) -> ClientBuilder {
        self.max_idle_per_host = n;
        self
    }

    /// Ignores `HTTPS_PROXY` and friends (default: honoured).
    pub fn no_proxy(mut self) -> ClientBuilder {
        self.use_proxy = false;
        self
    }

    /// Builds the client. Fails on a non-HTTPS or malformed URL, an unusable CA file, or a
    /// token that cannot travel in an HTTP header.
    pub fn build(self) -> Result<Client, ClientError> {
        let base = parse_base_url(&self.base_url)?;
        let auth = match &self.token {
            Some(token) => Some(bearer(token)?),
            None => None,
        };
        let tls = tls::client_config(self.ca_pem.as_deref(), self.identity_pem.as_ref())?;
        let mut http = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .https_only(base.scheme() == "https")
            .http1_only()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .pool_max_idle_per_host(self.max_idle_per_host)
            .user_agent(concat!("keyhaven-client/", env!("CARGO_PKG_VERSION")));
        if !self.use_proxy {
            http = http.no_proxy();
        }
        let http = http
            .build()
            .map_err(|e| ClientError::Config(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Client {
            http,
            base,
            auth,
            custom_ca: self.ca_pem.is_some(),
        })
    }
}

impl Client {
    /// A client for `base_url`, authenticating with `token`, trusting the CA in `ca_pem`
    /// (or the system bundle when `None`).
    pub fn new(
        base_url: &str,
        token: Option<&str>,
        ca_pem: Option<&[u8]>,
    ) -> Result<Client, ClientError> {
        let mut builder = ClientBuilder::new(base_url);
        if let Some(token) = token {
            builder = builder.token(token);
        }
        if let Some(pem) = ca_pem {
            builder = builder.ca_pem(pem);
        }
        builder.build()
    }

    /// Starts a [`ClientBuilder`].
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(base_url)
    }

    /// A client configured like the CLI: `KEYHAVEN_ADDR` (default [`DEFAULT_ADDR`]),
    /// `KEYHAVEN_TOKEN`, `KEYHAVEN_CACERT` (path of a PEM file).
    pub fn from_env() -> Result<Client, ClientError> {
        let addr = std::env::var(ENV_ADDR).unwrap_or_else(|_| DEFAULT_ADDR.to_owned());
        let mut builder = ClientBuilder::new(addr);
        if let Ok(token) = std::env::var(ENV_TOKEN) {
            builder = builder.token(token);
        }
        if let Some(path) = std::env::var_os(ENV_CACERT) {
            let pem = std::fs::read(&path).map_err(|e| {
                ClientError::Config(format!(
                    "cannot read the CA file {}: {e}",
                    std::path::Path::new(&path).display()
                ))
            })?;
            builder = builder.ca_pem(pem);
        }
        builder.build()
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Whether a token is configured.
    pub fn has_token(&self) -> bool {
        self.auth.is_some()
    }

    // ---- health ----

    /// `GET /v1/health`: liveness (no authentication).
    pub async fn health(&self) -> Result<Health, ClientError> {
        self.call(Method::GET, &["health"], &[], NO_BODY, false, decode)
            .await
    }

    /// `GET /v1/ready`: readiness (no authentication). A not-ready server answers 503 with a
    /// `Health` body whose status is `unavailable`; that is returned as `Ok`.
    pub async fn ready(&self) -> Result<Health, ClientError> {
        let url = self.url(&["ready"], &[])?;
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| ClientError::transport(&e))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| ClientError::transport(&e))?;
        if status.is_success() || status == StatusCode::SERVICE_UNAVAILABLE {
            if let Ok(health) = serde_json::from_slice::<Health>(&body) {
                return Ok(health);
            }
        }
        if status.is_success() {
            return decode(&body);
        }
        Err(ClientError::from_response(status.as_u16(), &body))
    }

    // ---- vaults ----

    /// `POST /v1/vaults`.
    pub async fn create_vault(&self, request: &CreateVault) -> Result<Vault, ClientError> {
        self.json(Method::POST, &["vaults"], &[], Some(request))
            .await
    }

    /// `GET /v1/vaults`.
    pub async fn list_vaults(&self) -> Result<VaultList, ClientError> {
        self.json(Method::GET, &["vaults"], &[], NO_BODY).await
    }

    /// `GET /v1/vaults/{name}`.
    pub async fn get_vault(&self, name: &str) -> Result<Vault, ClientError> {
        self.json(Method::GET, &["vaults", name], &[], NO_BODY)
            .await
    }

    /// `PATCH /v1/vaults/{name}`.
    pub async fn update_vault(
        &self,
        name: &str,
        request: &UpdateVault,
    ) -> Result<Vault, ClientError> {
        self.json(Method::PATCH, &["vaults", name], &[], Some(request))
            .await
    }

    /// `DELETE /v1/vaults/{name}` (the vault must hold no keys).
    pub async fn delete_vault(&self, name: &str) -> Result<(), ClientError> {
        self.call(
            Method::DELETE,
            &["vaults", name],
            &[],
            NO_BODY,
            true,
            ignore,
        )
        .await
    }

    // ---- keys ----

    /// `POST /v1/keys`.
    pub async fn create_key(&self, request: &CreateKey) -> Result<Key, ClientError> {
        self.json(Method::POST, &["keys"], &[], Some(request)).await
    }

    /// `GET /v1/keys?...`: one page. Pass `next_cursor` back as [`KeyQuery::cursor`].
    pub async fn list_keys(&self, query: &KeyQuery) -> Result<KeyList, ClientError> {
        self.json(Method::GET, &["keys"], &query.pairs(), NO_BODY)
            .await
    }

    /// `GET /v1/keys/{id}`.
    pub async fn get_key(&self, id: Uuid) -> Result<Key, ClientError> {
        let id = id.to_string();
        self.json(Method::GET, &["keys", &id], &[], NO_BODY).await
    }

    /// `PATCH /v1/keys/{id}`.
    pub async fn update_key(&self, id: Uuid, request: &UpdateKey) -> Result<Key, ClientError> {
        let id = id.to_string();
        self.json(Method::PATCH, &["keys", &id], &[], Some(request))
            .await
    }

    /// `DELETE /v1/keys/{id}`: purges the key's record (allowed once it is destroyed).
    pub async fn purge_key(&self, id: Uuid) -> Result<(), ClientError> {
        let id = id.to_string();
        self.call(Method::DELETE, &["keys", &id], &[], NO_BODY, true, ignore)
            .await
    }

    /// `POST /v1/keys/{id}/{action}`: a lifecycle transition or rotation.
    pub async fn change_state(
        &self,
        id: Uuid,
        action: KeyAction,
        request: &StateChange,
    ) -> Result<Key, ClientError> {
        let id = id.to_string();
        self.json(
            Method::POST,
            &["keys", &id, action.as_path()],
            &[],
            Some(request),
        )
        .await
    }

    /// `POST /v1/keys/{id}/activate`.
    pub async fn activate(&self, id: Uuid, request: &StateChange) -> Result<Key, ClientError> {
        self.change_state(id, KeyAction::Activate, request).await
    }

    /// `POST /v1/keys/{id}/deactivate`.
    pub async fn deactivate(&self, id: Uuid, request: &StateChange) -> Result<Key, ClientError> {
        self.change_state(id, KeyAction::Deactivate, request).await
    }

    /// `POST /v1/keys/{id}/reactivate`.
    pub async fn reactivate(&self, id: Uuid, request: &StateChange) -> Result<Key, ClientError> {
        self.change_state(id, KeyAction::Reactivate, request).await
    }

    /// `POST /v1/keys/{id}/rotate`.
    pub async fn rotate(&self, id: Uuid, request: &StateChange) -> Result<Key, ClientError> {
        self.change_state(id, KeyAction::Rotate, request).await
    }

    /// `POST /v1/keys/{id}/compromise`.
    pub async fn compromise(&self, id: Uuid, request: &StateChange) -> Result<Key, ClientError> {
        self.change_state(id, KeyAction::Compromise, request).await
    }

    /// `POST /v1/keys/{id}/destroy`.
    pub async fn destroy(&self, id: Uuid, request: &StateChange) -> Result<Key, ClientError> {
        self.change_state(id, KeyAction::Destroy, request).await
    }

    /// `POST /v1/keys/{id}/cancel-destroy`.
    pub async fn cancel_destroy(
        &self,
        id: Uuid,
        request: &StateChange,
    ) -> Result<Key, ClientError> {
        self.change_state(id, KeyAction::CancelDestroy, request)
            .await
    }

    /// `GET /v1/keys/{id}/versions`.
    pub async fn key_versions(&self, id: Uuid) -> Result<KeyVersionList, ClientError> {
        self.key_get(id, "versions").await
    }

    /// `GET /v1/keys/{id}/history`.
    pub async fn key_history(&self, id: Uuid) -> Result<HistoryList, ClientError> {
        self.key_get(id, "history").await
    }

    /// `GET /v1/keys/{id}/public-key`.
    pub async fn public_key(&self, id: Uuid) -> Result<PublicKeyResponse, ClientError> {
        self.key_get(id, "public-key").await
    }

    /// `POST /v1/keys/{id}/export`.
    pub async fn export_key(
        &self,
        id: Uuid,
        request: &proto::ExportKeyRequest,
    ) -> Result<proto::ExportedKey, ClientError> {
        self.key_post(id, "export", request).await
    }

    // ---- cryptographic operations ----

    /// `POST /v1/keys/{id}/encrypt`.
    pub async fn encrypt(
        &self,
        id: Uuid,
        request: &EncryptRequest,
    ) -> Result<EncryptResponse, ClientError> {
        self.key_post(id, "encrypt", request).await
    }

    /// `POST /v1/keys/{id}/decrypt`.
    pub async fn decrypt(
        &self,
        id: Uuid,
        request: &DecryptRequest,
    ) -> Result<DecryptResponse, ClientError> {
        self.key_post(id, "decrypt", request).await
    }

    /// `POST /v1/keys/{id}/sign`.
    pub async fn sign(&self, id: Uuid, request: &SignRequest) -> Result<SignResponse, ClientError> {
        self.key_post(id, "sign", request).await
    }

    /// `POST /v1/keys/{id}/verify`. An invalid signature is `Ok` with `valid: false`.
    pub async fn verify(
        &self,
        id: Uuid,
        request: &VerifyRequest,
    ) -> Result<VerifyResponse, ClientError> {
        self.key_post(id, "verify", request).await
    }

    /// `POST /v1/keys/{id}/mac`.
    pub async fn mac(&self, id: Uuid, request: &MacRequest) -> Result<MacResponse, ClientError> {
        self.key_post(id, "mac", request).await
    }

    /// `POST /v1/keys/{id}/mac-verify`. An invalid tag is `Ok` with `valid: false`.
    pub async fn mac_verify(
        &self,
        id: Uuid,
        request: &MacVerifyRequest,
    ) -> Result<VerifyResponse, ClientError> {
        self.key_post(id, "mac-verify", request).await
    }

    /// `POST /v1/keys/{id}/datakey`.
    pub async fn datakey(
        &self,
        id: Uuid,
        request: &DataKeyRequest,
    ) -> Result<DataKeyResponse, ClientError> {
        self.key_post(id, "datakey", request).await
    }

    /// `POST /v1/keys/{id}/rewrap`.
    pub async fn rewrap(
        &self,
        id: Uuid,
        request: &RewrapRequest,
    ) -> Result<EncryptResponse, ClientError> {
        self.key_post(id, "rewrap", request).await
    }

    /// `POST /v1/keys/{id}/encapsulate` (ML-KEM).
    pub async fn encapsulate(&self, id: Uuid) -> Result<EncapsulateResponse, ClientError> {
        self.key_post(id, "encapsulate", &serde_json::Map::new())
            .await
    }

    /// `POST /v1/keys/{id}/decapsulate` (ML-KEM).
    pub async fn decapsulate(
        &self,
        id: Uuid,
        request: &DecapsulateRequest,
    ) -> Result<DecapsulateResponse, ClientError> {
        self.key_post(id, "decapsulate", request).await
    }

    // ---- plumbing ----

    async fn key_get<T: DeserializeOwned>(&self, id: Uuid, what: &str) -> Result<T, ClientError> {
        let id = id.to_string();
        self.json(Method::GET, &["keys", &id, what], &[], NO_BODY)
            .await
    }

    async fn key_post<B: Serialize, T: DeserializeOwned>(
        &self,
        id: Uuid,
        what: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let id = id.to_string();
        self.json(Method::POST, &["keys", &id, what], &[], Some(body))
            .await
    }

    async fn json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &[&str],
        query: &[(&str, String)],
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        self.call(method, path, query, body, true, decode).await
    }

    /// Sends one request to `/v1/<path...>` and decodes the body of a 2xx answer with
    /// `decode_body`; any other status becomes [`ClientError::Api`].
    async fn call<B: Serialize, T>(
        &self,
        method: Method,
        path: &[&str],
        query: &[(&str, String)],
        body: Option<&B>,
        authenticated: bool,
        decode_body: fn(&[u8]) -> Result<T, ClientError>,
    ) -> Result<T, ClientError> {
        let url = self.url(path, query)?;
        let mut request = self.http.request(method, url);
        if authenticated {
            if let Some(auth) = &self.auth {
                request = request.header(AUTHORIZATION, auth.clone());
            }
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| ClientError::transport(&e))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| ClientError::transport(&e))?;
        if status.is_success() {
            decode_body(&bytes)
        } else {
            Err(ClientError::from_response(status.as_u16(), &bytes))
        }
    }

    /// Sends `request` with the token; a non-2xx answer becomes [`ClientError::Api`].
    pub(crate) async fn send_checked(
        &self,
        mut request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ClientError> {
        if let Some(auth) = &self.auth {
            request = request.header(reqwest::header::AUTHORIZATION, auth.clone());
        }
        let response = request
            .send()
            .await
            .map_err(|e| ClientError::transport(&e))?;
        let status = response.status();
        if !status.is_success() {
            let bytes = response
                .bytes()
                .await
                .map_err(|e| ClientError::transport(&e))?;
            return Err(ClientError::from_response(status.as_u16(), &bytes));
        }
        Ok(response)
    }

    /// `<base>/v1/<segments...>?<query>`, each segment percent-encoded.
    fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Result<Url, ClientError> {
        let mut url = self.base.clone();
        {
            let mut path = url.path_segments_mut().map_err(|()| {
                ClientError::Config(format!("{} cannot be used as a base URL", self.base))
            })?;
            path.pop_if_empty().push("v1").extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }
}

/// `None` typed for requests without a body.
const NO_BODY: Option<&()> = None;

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ClientError> {
    serde_json::from_slice(body).map_err(|e| ClientError::Decode(e.to_string()))
}

fn ignore(_body: &[u8]) -> Result<(), ClientError> {
    Ok(())
}

fn bearer(token: &str) -> Result<HeaderValue, ClientError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(ClientError::Config("the API token is empty".to_owned()));
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
        ClientError::Config(
            "the API token contains characters that cannot be sent in an HTTP header".to_owned(),
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

fn parse_base_url(raw: &str) -> Result<Url, ClientError> {
    let url = Url::parse(raw.trim()).map_err(|e| {
        ClientError::Config(format!(
            "invalid server address {raw:?}: {e} (expected e.g. {DEFAULT_ADDR})"
        ))
    })?;
    let loopback_http = url.scheme() == "http"
        && url.host_str().is_some_and(|h| {
            h == "localhost"
                || h.trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        });
    if url.scheme() != "https" && !loopback_http {
        return Err(ClientError::Config(format!(
            "invalid server address {raw:?}: keyhaven serves HTTPS (plain http:// only to a \
             loopback server started with --insecure-http)"
        )));
    }
    if url.host_str().is_none() || url.cannot_be_a_base() {
        return Err(ClientError::Config(format!(
            "invalid server address {raw:?}: no host"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ClientError::Config(
            "the server address must not contain credentials: use --token or KEYHAVEN_TOKEN"
                .to_owned(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ClientError::Config(format!(
            "invalid server address {raw:?}: no query or fragment allowed"
        )));
    }
    Ok(url)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    fn client(base: &str) -> Client {
        Client::new(
            base,
            Some("s3cret-token"),
            Some(tls::tests::TEST_CA.as_bytes()),
        )
        .expect("client")
    }

    #[test]
    fn debug_output_never_shows_the_token() {
        let c = client(DEFAULT_ADDR);
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        let builder = ClientBuilder::new(DEFAULT_ADDR).token("s3cret-token");
        assert!(!format!("{builder:?}").contains("s3cret"));
        let header = bearer("s3cret-token").expect("header");
        assert!(header.is_sensitive());
        assert!(!format!("{header:?}").contains("s3cret"));
    }

    #[test]
    fn builds_urls_under_v1() {
        let c = client("https://127.0.0.1:8443");
        let url = c.url(&["vaults", "prod"], &[]).expect("url");
        assert_eq!(url.as_str(), "https://127.0.0.1:8443/v1/vaults/prod");
        let prefixed = client("https://kms.example/keyhaven/");
        let url = prefixed.url(&["keys"], &[]).expect("url");
        assert_eq!(url.as_str(), "https://kms.example/keyhaven/v1/keys");
    }

    #[test]
    fn percent_encodes_path_segments_and_queries() {
        let c = client(DEFAULT_ADDR);
        let url = c.url(&["vaults", "a/b?c"], &[]).expect("url");
        assert_eq!(url.path(), "/v1/vaults/a%2Fb%3Fc");
        let query = KeyQuery {
            vault: Some("prod".into()),
            name_prefix: Some("app/db key".into()),
            tag: Some("team=pay&ments".into()),
            include_destroyed: true,
            limit: Some(50),
            ..KeyQuery::default()
        };
        let url = c.url(&["keys"], &query.pairs()).expect("url");
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            vec![
                ("vault".into(), "prod".into()),
                ("name_prefix".into(), "app/db key".into()),
                ("tag".into(), "team=pay&ments".into()),
                ("include_destroyed".into(), "true".into()),
                ("limit".into(), "50".into()),
            ]
        );
    }

    #[test]
    fn rejects_bad_base_urls() {
        for bad in [
            "http://kms.example:8443",
            "http://10.0.0.1:8443",
            "127.0.0.1:8443",
            "https://user:pw@host",
            "https://host/?x=1",
            "not a url",
        ] {
            let err = Client::new(bad, None, Some(tls::tests::TEST_CA.as_bytes())).expect_err(bad);
            assert!(matches!(err, ClientError::Config(_)), "{bad}: {err:?}");
            assert_eq!(err.exit_code(), exit::USAGE);
        }
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
            "http://localhost:8080",
        ] {
            Client::new(ok, None, Some(tls::tests::TEST_CA.as_bytes())).expect(ok);
        }
    }

    #[test]
    fn rejects_unusable_tokens() {
        let ca = tls::tests::TEST_CA.as_bytes();
        let err = Client::new(DEFAULT_ADDR, Some("bad\ntoken"), Some(ca)).expect_err("newline");
        assert!(!err.to_string().contains("token\n"));
        assert!(!err.to_string().contains("bad"), "{err}");
        assert!(Client::new(DEFAULT_ADDR, Some("  "), Some(ca)).is_err());
        let c = Client::new(DEFAULT_ADDR, None, Some(ca)).expect("no token is allowed");
        assert!(!c.has_token());
    }
}
