//! AWS Signature Version 4: the `Authorization` header that authenticates one request to an AWS
//! API with an access key.
//!
//! The steps are the documented ones: a canonical request (method, path, query, signed headers,
//! payload hash), a string to sign (algorithm, time, credential scope, hash of the canonical
//! request), a signing key derived from the secret by a chain of HMAC-SHA256 over the date,
//! region, service and `aws4_request`, and the HMAC of the string to sign under that key.
//! The time is a parameter, so tests replay the documented examples.

use aws_lc_rs::{digest, hmac};
use keyhaven_core::hex;
use time::OffsetDateTime;
use zeroize::Zeroizing;

/// The only algorithm this module signs with.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// An access key: the id (public) and the secret, with the session token of temporary
/// credentials. The secret parts are zeroized on drop and never printed.
pub(crate) struct Credentials {
    /// `AKIA…` / `ASIA…`.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: Zeroizing<String>,
    /// The session token of temporary credentials (sent as `X-Amz-Security-Token`).
    pub session_token: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"(redacted)")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "(redacted)"),
            )
            .finish()
    }
}

/// Where a signature is valid: the region and the service (`kms`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scope<'a> {
    /// `us-east-1`, ...
    pub region: &'a str,
    /// `kms`, `iam`, ...
    pub service: &'a str,
}

/// The parts of a request that are signed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Request<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The absolute path, already normalised and URI-encoded (`/` for the JSON APIs).
    pub path: &'a str,
    /// The query parameters, not encoded (they are encoded here).
    pub query: &'a [(&'a str, &'a str)],
    /// The headers to sign, each name once; must include `host` and `x-amz-date` (see
    /// [`amz_date`]), and `x-amz-security-token` with temporary credentials.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body.
    pub payload: &'a [u8],
}

/// The `X-Amz-Date` value for `time`: `YYYYMMDD'T'HHMMSS'Z'` in UTC.
pub(crate) fn amz_date(time: OffsetDateTime) -> String {
    let t = time.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The value of the `Authorization` header for `request` at `time`.
pub(crate) fn authorization(
    credentials: &Credentials,
    scope: Scope<'_>,
    time: OffsetDateTime,
    request: &Request<'_>,
) -> String {
    let stamp = amz_date(time);
    let date = stamp.get(..8).unwrap_or_default();
    let (canonical, signed_headers) = canonical_request(request);
    let credential_scope = format!("{date}/{}/{}/aws4_request", scope.region, scope.service);
    let to_sign = string_to_sign(&stamp, &credential_scope, &canonical);
    let key = signing_key(
        &credentials.secret_access_key,
        date,
        scope.region,
        scope.service,
    );
    let signature = hex::encode(hmac::sign(&key, to_sign.as_bytes()).as_ref());
    format!(
        "{ALGORITHM} Credential={}/{credential_scope}, SignedHeaders={signed_headers}, \
         Signature={signature}",
        credentials.access_key_id
    )
}

/// The canonical request and the `SignedHeaders` list.
fn canonical_request(request: &Request<'_>) -> (String, String) {
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), canonical_header_value(value)))
        .collect();
    headers.sort();
    let signed_headers = headers
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    let canonical = format!(
        "{}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{}",
        request.method,
        request.path,
        canonical_query(request.query),
        sha256_hex(request.payload)
    );
    (canonical, signed_headers)
}

/// Query parameters encoded and sorted by name, then value.
fn canonical_query(query: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(name, value)| (uri_encode(name), uri_encode(value)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// A header value trimmed, with runs of spaces folded to one.
fn canonical_header_value(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// URI encoding as SigV4 wants it: every byte but `A-Z a-z 0-9 - _ . ~` as `%XX` (uppercase).
fn uri_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The string to sign.
fn string_to_sign(amz_date: &str, credential_scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{credential_scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// The signing key: HMAC chain over the date (`YYYYMMDD`), region, service and `aws4_request`,
/// starting from `AWS4` + secret.
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> hmac::Key {
    let mut seed = Zeroizing::new(Vec::with_capacity(4 + secret.len()));
    seed.extend_from_slice(b"AWS4");
    seed.extend_from_slice(secret.as_bytes());
    let mut key = hmac::Key::new(hmac::HMAC_SHA256, &seed);
    for part in [date, region, service, "aws4_request"] {
        let tag = hmac::sign(&key, part.as_bytes());
        key = hmac::Key::new(hmac::HMAC_SHA256, tag.as_ref());
    }
    key
}

/// Lowercase hex SHA-256.
fn sha256_hex(data: &[u8]) -> String {
    hex::encode(digest::digest(&digest::SHA256, data).as_ref())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    //! The values below are the ones AWS documents for Signature Version 4: the example secret
    //! access key, the signing-key derivation example, and the IAM `ListUsers` request signed
    //! on 2015-08-30 12:36:00 UTC in `us-east-1`.
    use super::*;
    use time::macros::datetime;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn example_credentials() -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".to_owned(),
            secret_access_key: Zeroizing::new(SECRET.to_owned()),
            session_token: None,
        }
    }

    fn key_bytes(key: &hmac::Key) -> String {
        // A derived key cannot be read back; its HMAC of a fixed message identifies it. The
        // expected values are computed from the documented derived keys.
        hex::encode(hmac::sign(key, b"").as_ref())
    }

    #[test]
    fn signing_key_matches_the_documented_derivation() {
        // Documented: date 20120215, region us-east-1, service iam →
        // kSigning = f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d.
        let derived = signing_key(SECRET, "20120215", "us-east-1", "iam");
        let documented =
            hex::decode("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
                .unwrap();
        let expected = hmac::Key::new(hmac::HMAC_SHA256, &documented);
        assert_eq!(key_bytes(&derived), key_bytes(&expected));

        // Documented: date 20150830, us-east-1, iam →
        // c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9.
        let derived = signing_key(SECRET, "20150830", "us-east-1", "iam");
        let documented =
            hex::decode("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
                .unwrap();
        let expected = hmac::Key::new(hmac::HMAC_SHA256, &documented);
        assert_eq!(key_bytes(&derived), key_bytes(&expected));
        // And a different date gives a different key.
        let other = signing_key(SECRET, "20150831", "us-east-1", "iam");
        assert_ne!(key_bytes(&other), key_bytes(&expected));
    }

    fn list_users() -> Vec<(&'static str, &'static str)> {
        vec![
            (
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("Host", "iam.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
        ]
    }

    #[test]
    fn iam_list_users_example() {
        let headers = list_users();
        let query = [("Version", "2010-05-08"), ("Action", "ListUsers")];
        let request = Request {
            method: "GET",
            path: "/",
            query: &query,
            headers: &headers,
            payload: b"",
        };
        let (canonical, signed) = canonical_request(&request);
        assert_eq!(
            canonical,
            "GET\n/\nAction=ListUsers&Version=2010-05-08\n\
             content-type:application/x-www-form-urlencoded; charset=utf-8\n\
             host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n\
             content-type;host;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(signed, "content-type;host;x-amz-date");
        assert_eq!(
            sha256_hex(canonical.as_bytes()),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        );
        assert_eq!(
            string_to_sign(
                "20150830T123600Z",
                "20150830/us-east-1/iam/aws4_request",
                &canonical
            ),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n\
             f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        );
        let auth = authorization(
            &example_credentials(),
            Scope {
                region: "us-east-1",
                service: "iam",
            },
            datetime!(2015-08-30 12:36:00 UTC),
            &request,
        );
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }

    #[test]
    fn vanilla_get_example() {
        // The "get-vanilla" case of AWS's SigV4 test suite: GET / on example.amazonaws.com,
        // service "service", same secret and time.
        let headers = [
            ("Host", "example.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
        ];
        let request = Request {
            method: "GET",
            path: "/",
            query: &[],
            headers: &headers,
            payload: b"",
        };
        let auth = authorization(
            &example_credentials(),
            Scope {
                region: "us-east-1",
                service: "service",
            },
            datetime!(2015-08-30 12:36:00 UTC),
            &request,
        );
        assert!(auth.ends_with(
            "SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        ));
    }

    #[test]
    fn any_change_changes_the_signature() {
        let headers = list_users();
        let sign = |payload: &[u8], region: &str| {
            authorization(
                &example_credentials(),
                Scope {
                    region,
                    service: "iam",
                },
                datetime!(2015-08-30 12:36:00 UTC),
                &Request {
                    method: "GET",
                    path: "/",
                    query: &[],
                    headers: &headers,
                    payload,
                },
            )
        };
        let base = sign(b"", "us-east-1");
        assert_ne!(base, sign(b"x", "us-east-1"));
        assert_ne!(base, sign(b"", "eu-west-1"));
    }

    #[test]
    fn encoding_and_dates() {
        assert_eq!(uri_encode("a b/c~d_e.f-g=h"), "a%20b%2Fc~d_e.f-g%3Dh");
        assert_eq!(canonical_header_value("  a   b  c "), "a b c");
        assert_eq!(
            amz_date(datetime!(2015-08-30 12:36:00 UTC)),
            "20150830T123600Z"
        );
        assert_eq!(
            amz_date(datetime!(2015-08-30 14:36:00 +02:00)),
            "20150830T123600Z"
        );
        let shown = format!(
            "{:?}",
            Credentials {
                access_key_id: "AKIDEXAMPLE".into(),
                secret_access_key: Zeroizing::new(SECRET.into()),
                session_token: Some(Zeroizing::new("tok-secret".into())),
            }
        );
        assert!(!shown.contains("EXAMPLEKEY") && !shown.contains("tok-secret"));
    }
}
