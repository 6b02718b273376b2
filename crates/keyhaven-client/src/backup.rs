//! `/v1/backups`: take a backup (streamed to a writer) and restore one.

use crate::proto::{BackupRequest, PartialRestoreResult, RestoreResult};
use crate::{decode, Client, ClientError};

/// The header carrying a backup's file key (base64) on restore.
pub const BACKUP_KEY_HEADER: &str = "x-keyhaven-backup-key";

impl Client {
    /// `POST /v1/backups`: writes the backup file to `sink` as it arrives; `progress` hears
    /// the bytes written so far. Returns the file's size.
    pub async fn create_backup(
        &self,
        request: &BackupRequest,
        mut sink: impl std::io::Write,
        mut progress: impl FnMut(u64),
    ) -> Result<u64, ClientError> {
        let url = self.url(&["backups"], &[])?;
        self.stream_into(
            self.http.post(url).json(request),
            &mut sink,
            &mut progress,
            "backup",
        )
        .await
    }

    /// Sends `request` (with the token) and copies a 2xx answer's body to `sink` as it
    /// arrives; `progress` hears the bytes written so far. Any other status is an error.
    pub(crate) async fn stream_into(
        &self,
        request: reqwest::RequestBuilder,
        sink: &mut dyn std::io::Write,
        progress: &mut dyn FnMut(u64),
        what: &str,
    ) -> Result<u64, ClientError> {
        let mut response = self.send_checked(request).await?;
        let mut written = 0u64;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| ClientError::transport(&e))?
        {
            sink.write_all(&chunk)
                .map_err(|e| ClientError::Config(format!("cannot write the {what}: {e}")))?;
            written += chunk.len() as u64;
            progress(written);
        }
        Ok(written)
    }

    /// `POST /v1/backups/restore`: sends the backup file with its file key (base64).
    pub async fn restore_backup(
        &self,
        file: Vec<u8>,
        key_base64: &str,
    ) -> Result<RestoreResult, ClientError> {
        self.post_backup(file, key_base64, &[]).await
    }

    /// `POST /v1/backups/restore?vault=V[&keys=ID,ID]`: a partial restore.
    pub async fn restore_backup_partial(
        &self,
        file: Vec<u8>,
        key_base64: &str,
        vault: &str,
        keys: &[uuid::Uuid],
    ) -> Result<PartialRestoreResult, ClientError> {
        let mut query = vec![("vault", vault.to_owned())];
        if !keys.is_empty() {
            let ids: Vec<String> = keys.iter().map(ToString::to_string).collect();
            query.push(("keys", ids.join(",")));
        }
        self.post_backup(file, key_base64, &query).await
    }

    async fn post_backup<T: serde::de::DeserializeOwned>(
        &self,
        file: Vec<u8>,
        key_base64: &str,
        query: &[(&str, String)],
    ) -> Result<T, ClientError> {
        let url = self.url(&["backups", "restore"], query)?;
        let key = reqwest::header::HeaderValue::from_str(key_base64)
            .map_err(|_| ClientError::Config("the backup key is not base64".to_owned()))?;
        let req = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .header(BACKUP_KEY_HEADER, key)
            .body(file);
        let response = self.send_checked(req).await?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| ClientError::transport(&e))?;
        decode(&bytes)
    }
}
