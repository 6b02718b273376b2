//! Multi-part Encrypt and Decrypt (Init Indicator, Correlation Value, Final Indicator) for
//! the stream modes GCM and CTR. The server keeps each stream's input (bounded in size, count
//! and age) and, since a stream cipher's output for a prefix is the prefix of its output,
//! encrypts everything received so far with the same IV and returns the new bytes; the GCM
//! tag comes with the final part. Multi-part decryption returns the plaintext only with the
//! final part, after the tag has been checked: nothing unauthenticated is released.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use keyhaven_core::cipher::{BlockMode, CipherParams};
use keyhaven_core::{KeyId, SecretBytes};
use keyhaven_kmip::dict::tags as tag;
use keyhaven_kmip::message::reason;
use keyhaven_kmip::ttlv::Ttlv;

use super::{uid, OpContext};
use crate::kmip::dispatch::KmipError;

/// Most streams open at once (all clients).
const MAX_STREAMS: usize = 1024;
/// Largest total input of one stream.
const MAX_STREAM_BYTES: usize = keyhaven_core::framed::MAX_FRAMED_INPUT;
/// A stream not continued for this long is dropped.
const STREAM_IDLE: Duration = Duration::from_secs(300);

/// The open streams.
#[derive(Default)]
pub struct Streams {
    open: std::sync::Mutex<HashMap<Vec<u8>, Stream>>,
}

struct Stream {
    owner: String,
    key: KeyId,
    decrypting: bool,
    mode: BlockMode,
    iv: Vec<u8>,
    aad: Vec<u8>,
    tag_len: Option<usize>,
    input: SecretBytes,
    returned: usize,
    touched: Instant,
}

impl Streams {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<u8>, Stream>> {
        match self.open.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }
}

/// What a streaming request is: the start, a continuation, or neither.
pub fn is_streaming(payload: &Ttlv) -> bool {
    payload.child(tag::INIT_INDICATOR).and_then(Ttlv::as_bool) == Some(true)
        || payload.child(tag::CORRELATION_VALUE).is_some()
}

/// Handles one part of a multi-part Encrypt or Decrypt.
pub async fn part(
    ctx: &OpContext<'_>,
    id_hint: Option<KeyId>,
    params: Option<&CipherParams<'_>>,
    payload: &Ttlv,
    decrypting: bool,
) -> Result<Vec<Ttlv>, KmipError> {
    let data = payload
        .child(tag::DATA)
        .and_then(Ttlv::as_bytes)
        .unwrap_or(&[]);
    let last = payload.child(tag::FINAL_INDICATOR).and_then(Ttlv::as_bool) == Some(true);
    let owner = ctx.caller.name().to_owned();
    let (correlation, mut stream) = match payload
        .child(tag::CORRELATION_VALUE)
        .and_then(Ttlv::as_bytes)
    {
        Some(c) => {
            let mut open = ctx.streams.lock();
            let s = open.remove(c).ok_or_else(|| {
                KmipError::new(
                    reason::INVALID_FIELD,
                    "unknown or expired Correlation Value",
                )
            })?;
            if s.owner != owner || s.decrypting != decrypting || id_hint.is_some_and(|i| i != s.key)
            {
                return Err(KmipError::new(
                    reason::INVALID_FIELD,
                    "the Correlation Value belongs to another stream",
                ));
            }
            (c.to_vec(), s)
        }
        None => {
            let params = params
                .ok_or_else(|| KmipError::invalid("Cryptographic Parameters are required"))?;
            let key = id_hint.ok_or_else(|| {
                KmipError::new(reason::MISSING_DATA, "Unique Identifier is required")
            })?;
            let mode = match params.mode {
                Some(m @ (BlockMode::Gcm | BlockMode::Ctr)) => m,
                _ => {
                    return Err(KmipError::unsupported(
                        "multi-part operations are offered for GCM and CTR; send other modes in one request",
                    ))
                }
            };
            let iv = params.iv.map(<[u8]>::to_vec).ok_or_else(|| {
                KmipError::new(
                    reason::INVALID_MESSAGE,
                    "multi-part operations need the client's IV Counter Nonce",
                )
            })?;
            let correlation = ctx.svc.fresh_uuid()?.as_bytes().to_vec();
            (
                correlation,
                Stream {
                    owner,
                    key,
                    decrypting,
                    mode,
                    iv,
                    aad: params.aad.to_vec(),
                    tag_len: params.tag_len,
                    input: SecretBytes::new(Vec::new()),
                    returned: 0,
                    touched: Instant::now(),
                },
            )
        }
    };
    if stream.input.expose().len() + data.len() > MAX_STREAM_BYTES {
        return Err(KmipError::invalid(format!(
            "a multi-part operation is limited to {MAX_STREAM_BYTES} bytes"
        )));
    }
    let mut all = stream.input.expose().to_vec();
    all.extend_from_slice(data);
    stream.input = SecretBytes::new(all);
    stream.touched = Instant::now();
    let params = CipherParams {
        mode: Some(stream.mode),
        iv: Some(&stream.iv),
        aad: &stream.aad,
        tag_len: stream.tag_len,
        ..CipherParams::default()
    };
    let id = stream.key;
    let mut body = vec![uid(id)];
    if decrypting {
        if last {
            let tag_bytes = payload
                .child(tag::AUTHENTICATED_ENCRYPTION_TAG)
                .and_then(Ttlv::as_bytes);
            let plain = ctx
                .svc
                .decrypt_framed(ctx.caller, id, &params, stream.input.expose(), tag_bytes)
                .await?;
            body.push(Ttlv::bytes(tag::DATA, plain.expose().to_vec()));
        } else {
            body.push(Ttlv::bytes(tag::DATA, Vec::new()));
        }
    } else {
        let key = ctx.svc.key_for_use(ctx.caller, id).await?;
        super::limits::take(ctx, &key, data.len()).await?;
        let out = ctx
            .svc
            .encrypt_framed(ctx.caller, id, &params, stream.input.expose())
            .await?;
        let fresh = out.data.get(stream.returned..).unwrap_or(&[]).to_vec();
        stream.returned = out.data.len();
        body.push(Ttlv::bytes(tag::DATA, fresh));
        if last {
            if let Some(t) = out.tag {
                body.push(Ttlv::bytes(tag::AUTHENTICATED_ENCRYPTION_TAG, t));
            }
        }
    }
    if !last {
        body.push(Ttlv::bytes(tag::CORRELATION_VALUE, correlation.clone()));
        let mut open = ctx.streams.lock();
        open.retain(|_, s| s.touched.elapsed() < STREAM_IDLE);
        if open.len() >= MAX_STREAMS {
            return Err(KmipError::new(
                reason::GENERAL_FAILURE,
                "too many multi-part operations in progress; finish some first",
            ));
        }
        open.insert(correlation, stream);
    }
    Ok(body)
}
