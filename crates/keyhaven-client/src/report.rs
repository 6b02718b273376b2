//! The compliance report (`GET /v1/reports/compliance`), read as the server streams it: chunk
//! by chunk (to copy it to a file), or key by key (to render it), in memory that does not grow
//! with the number of keys.

use std::time::Duration;

use crate::proto::{ComplianceReport, ReportKey, ReportSummary};
use crate::{Client, ClientError};

/// Longest a report request may take, body included (a report of a million keys streams for
/// a few minutes): it replaces the client's whole-request timeout for this request.
pub const REPORT_TIMEOUT: Duration = Duration::from_secs(3600);

/// Largest JSON text of one key the reader accepts.
const MAX_KEY_BYTES: usize = 1 << 20;
/// Largest JSON text of the report without its keys (header and totals) the reader accepts.
const MAX_REST_BYTES: usize = 16 << 20;

/// Which keys the report covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportQuery {
    /// Only this vault (the caller must be able to read its keys); every readable vault when
    /// `None`.
    pub vault: Option<String>,
    /// Only findings of this severity or above (`info`, `low`, `medium`, `high`,
    /// `critical`), and only keys that have one.
    pub min_severity: Option<String>,
    /// Include destroyed keys.
    pub include_destroyed: bool,
}

/// The body's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// The JSON document ([`ComplianceReport`]).
    Json,
    /// CSV, one row per finding (see [`crate::proto::CSV_COLUMNS`]).
    Csv,
}

impl ReportFormat {
    /// `json` / `csv`.
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
        }
    }
}

/// A report response being received.
#[derive(Debug)]
pub struct ReportStream {
    response: reqwest::Response,
}

impl Client {
    /// `GET /v1/reports/compliance`: starts the report; the body is read from the returned
    /// stream. Access is checked before the body starts, so a refusal is an ordinary
    /// [`ClientError::Api`].
    pub async fn compliance_report(
        &self,
        query: &ReportQuery,
        format: ReportFormat,
    ) -> Result<ReportStream, ClientError> {
        let mut pairs: Vec<(&str, String)> = vec![("format", format.name().to_owned())];
        if let Some(v) = &query.vault {
            pairs.push(("vault", v.clone()));
        }
        if let Some(s) = &query.min_severity {
            pairs.push(("min_severity", s.clone()));
        }
        if query.include_destroyed {
            pairs.push(("include_destroyed", "true".to_owned()));
        }
        let url = self.url(&["reports", "compliance"], &pairs)?;
        let response = self
            .send_checked(self.http.get(url).timeout(REPORT_TIMEOUT))
            .await?;
        Ok(ReportStream { response })
    }
}

impl ReportStream {
    /// The next piece of the body as it arrived, or `None` at its end. A report the server
    /// could not finish ends in a transport error, never in a silently shortened body.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, ClientError> {
        Ok(self
            .response
            .chunk()
            .await
            .map_err(|e| ClientError::transport(&e))?
            .map(|b| b.to_vec()))
    }

    /// Reads a JSON report, calling `on_key` with each key as soon as it has arrived; returns
    /// the header and totals. Only one key is held in memory at a time.
    pub async fn for_each_key<E: From<ClientError>>(
        mut self,
        mut on_key: impl FnMut(ReportKey) -> Result<(), E>,
    ) -> Result<ReportSummary, E> {
        let mut reader = KeyReader::default();
        while let Some(chunk) = self.next_chunk().await? {
            reader.feed(&chunk, &mut on_key)?;
        }
        Ok(reader.finish()?)
    }
}

/// Splits a JSON report as it arrives: each element of the top-level `keys` array is parsed
/// on its own as soon as it is complete; everything else (header, totals) is kept, with the
/// array left empty, and parsed at the end.
#[derive(Debug, Default)]
struct KeyReader {
    /// The document without the keys.
    rest: Vec<u8>,
    /// The key being read.
    element: Vec<u8>,
    /// Nesting depth (objects and arrays) in `rest`.
    depth: usize,
    /// Nesting depth inside the key being read (0: not reading one).
    element_depth: usize,
    in_string: bool,
    escaped: bool,
    /// Inside the `keys` array (between elements or in one).
    in_keys: bool,
    /// Where in `rest` the last member name of the top-level object ended, and whether it
    /// was `keys`.
    last_name_end: usize,
    last_name_is_keys: bool,
    /// Where in `rest` the string being read started.
    string_start: usize,
}

impl KeyReader {
    fn feed<E: From<ClientError>>(
        &mut self,
        bytes: &[u8],
        on_key: &mut impl FnMut(ReportKey) -> Result<(), E>,
    ) -> Result<(), E> {
        for &b in bytes {
            if self.element_depth > 0 {
                if let Some(text) = self.element_byte(b)? {
                    let key: ReportKey = serde_json::from_slice(&text).map_err(|e| {
                        ClientError::Decode(format!("a key of the report does not parse: {e}"))
                    })?;
                    on_key(key)?;
                }
            } else if self.in_keys && !self.in_string {
                match b {
                    b'{' => {
                        self.element.push(b);
                        self.element_depth = 1;
                    }
                    b']' => {
                        self.in_keys = false;
                        self.rest_byte(b)?;
                    }
                    b',' | b' ' | b'\t' | b'\r' | b'\n' => {}
                    _ => return Err(decode("the keys of the report must be objects").into()),
                }
            } else {
                self.rest_byte(b)?;
            }
        }
        Ok(())
    }

    /// A byte of a key; the key's text once it is complete.
    fn element_byte(&mut self, b: u8) -> Result<Option<Vec<u8>>, ClientError> {
        if self.element.len() >= MAX_KEY_BYTES {
            return Err(decode("a key of the report is too large"));
        }
        self.element.push(b);
        if self.in_string {
            self.string_byte(b);
            return Ok(None);
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.element_depth += 1,
            b'}' | b']' => {
                self.element_depth -= 1;
                if self.element_depth == 0 {
                    return Ok(Some(std::mem::take(&mut self.element)));
                }
            }
            _ => {}
        }
        Ok(None)
    }

    /// A byte outside the keys.
    fn rest_byte(&mut self, b: u8) -> Result<(), ClientError> {
        if self.rest.len() >= MAX_REST_BYTES {
            return Err(decode("the report header or totals are too large"));
        }
        self.rest.push(b);
        if self.in_string {
            self.string_byte(b);
            if !self.in_string && self.depth == 1 {
                let name = self.rest.get(self.string_start..).unwrap_or_default();
                self.last_name_is_keys = name == b"\"keys\"";
                self.last_name_end = self.rest.len();
            }
            return Ok(());
        }
        match b {
            b'"' => {
                self.in_string = true;
                self.string_start = self.rest.len() - 1;
            }
            b'[' if self.depth == 1 && self.after_keys_name() => {
                self.in_keys = true;
                self.depth += 1;
            }
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth = self
                    .depth
                    .checked_sub(1)
                    .ok_or_else(|| decode("unbalanced brackets"))?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Whether the `[` just pushed follows `"keys" :` in the top-level object.
    fn after_keys_name(&self) -> bool {
        if !self.last_name_is_keys {
            return false;
        }
        let between = self
            .rest
            .get(self.last_name_end..self.rest.len().saturating_sub(1))
            .unwrap_or_default();
        between.iter().filter(|b| **b == b':').count() == 1
            && between
                .iter()
                .all(|b| matches!(b, b':' | b' ' | b'\t' | b'\r' | b'\n'))
    }

    /// Tracks escapes and the end of a string.
    fn string_byte(&mut self, b: u8) {
        if self.escaped {
            self.escaped = false;
        } else if b == b'\\' {
            self.escaped = true;
        } else if b == b'"' {
            self.in_string = false;
        }
    }

    /// The header and totals, once the whole body was fed.
    fn finish(self) -> Result<ReportSummary, ClientError> {
        if self.element_depth > 0 || self.in_keys || self.depth > 0 || self.in_string {
            return Err(decode("the report ended early"));
        }
        let report: ComplianceReport = serde_json::from_slice(&self.rest)
            .map_err(|e| ClientError::Decode(format!("the report does not parse: {e}")))?;
        Ok(ReportSummary {
            generated_at: report.generated_at,
            policy: report.policy,
            totals: report.totals,
        })
    }
}

fn decode(what: &str) -> ClientError {
    ClientError::Decode(what.to_owned())
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use serde_json::json;

    use super::*;

    fn key(n: u128, name: &str) -> ReportKey {
        serde_json::from_value(json!({
            "id": uuid::Uuid::from_u128(n),
            "vault": "v",
            "name": name,
            "algorithm": "ec-p256",
            "bits": 256,
            "strength": 128,
            "state": "active",
            "usage": ["sign", "verify"],
            "created_at": "1970-01-01T00:00:00Z",
            "age_days": 10,
            "last_used_at": null,
            "primary_version": 1,
            "primary_created_at": "1970-01-01T00:00:00Z",
            "uses": 0,
            "findings": [{
                "kind": "quantum-vulnerable",
                "severity": "medium",
                "message": "tricky \"keys\": [ ] { } \\ text",
                "remediation": "migrate",
                "deadline": "2030-12-31"
            }]
        }))
        .unwrap()
    }

    fn report(keys: Vec<ReportKey>) -> ComplianceReport {
        serde_json::from_value(json!({
            "generated_at": "1970-01-01T00:00:00Z",
            "policy": "builtin",
            "keys": keys,
            "totals": {
                "keys_scanned": keys.len(), "keys_reported": keys.len(),
                "keys_with_findings": keys.len(), "findings": keys.len(),
                "integrity_errors": 0,
                "by_finding": {"quantum-vulnerable": keys.len()},
                "by_severity": {"medium": keys.len()},
                "by_algorithm": {}, "by_state": {},
                "by_vault": {"v": {"keys": keys.len(), "with_findings": keys.len()}}
            }
        }))
        .unwrap()
    }

    fn read_all(text: &[u8], chunk: usize) -> Result<(Vec<ReportKey>, ReportSummary), ClientError> {
        let mut reader = KeyReader::default();
        let mut keys = Vec::new();
        for piece in text.chunks(chunk) {
            reader.feed(piece, &mut |k| {
                keys.push(k);
                Ok::<(), ClientError>(())
            })?;
        }
        Ok((keys, reader.finish()?))
    }

    #[test]
    fn keys_come_out_one_by_one_whatever_the_chunking() {
        let doc = report(vec![key(1, "a"), key(2, "b/c")]);
        for text in [
            serde_json::to_vec(&doc).unwrap(),
            serde_json::to_vec_pretty(&doc).unwrap(),
        ] {
            for chunk in [1, 3, 7, 64, text.len()] {
                let (keys, summary) = read_all(&text, chunk).unwrap();
                assert_eq!(keys, doc.keys, "chunk {chunk}");
                assert_eq!(summary.policy, "builtin");
                assert_eq!(summary.totals, doc.totals);
            }
        }
    }

    #[test]
    fn an_empty_report_and_member_order_do_not_matter() {
        let doc = report(Vec::new());
        let (keys, summary) = read_all(&serde_json::to_vec(&doc).unwrap(), 5).unwrap();
        assert!(keys.is_empty());
        assert_eq!(summary.totals.keys_scanned, 0);
        // `keys` after `totals`, and a nested `keys` member elsewhere that is not the array.
        let text = format!(
            "{{\"totals\":{},\"policy\":\"p\",\"generated_at\":\"1970-01-01T00:00:00Z\",\
             \"keys\" : [ {} ]}}",
            serde_json::to_string(&doc.totals).unwrap(),
            serde_json::to_string(&key(9, "z")).unwrap()
        );
        let (keys, summary) = read_all(text.as_bytes(), 2).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].name, "z");
        assert_eq!(summary.policy, "p");
    }

    #[test]
    fn a_cut_or_malformed_report_is_an_error() {
        let text = serde_json::to_vec(&report(vec![key(1, "a")])).unwrap();
        for cut in [10, text.len() / 2, text.len() - 1] {
            assert!(read_all(&text[..cut], 4).is_err(), "cut at {cut}");
        }
        let bad = br#"{"generated_at":"1970-01-01T00:00:00Z","policy":"p","keys":[1,2]}"#;
        assert!(read_all(bad, 8).is_err());
        let mut huge = b"{\"keys\":[{\"name\":\"".to_vec();
        huge.extend(std::iter::repeat_n(b'a', MAX_KEY_BYTES + 1));
        assert!(read_all(&huge, 4096).is_err());
    }

    #[test]
    fn an_error_from_the_callback_stops_reading() {
        let text = serde_json::to_vec(&report(vec![key(1, "a"), key(2, "b")])).unwrap();
        let mut reader = KeyReader::default();
        let mut seen = 0;
        let r = reader.feed(&text, &mut |_| {
            seen += 1;
            Err(ClientError::Decode("stop".into()))
        });
        assert!(r.is_err());
        assert_eq!(seen, 1);
    }
}
