//! One KMIP request message: authentication, the batch items in order (with the ID
//! Placeholder and the Batch Error Continuation Option), an audit record per item, and the
//! one mapping from core errors to KMIP Result Reasons.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use keyhaven_core::access::{AuditNote, Caller, RequestContext};
use keyhaven_core::{AuditEvent, Clock, Error, KeyService, Outcome, VaultName};
use keyhaven_kmip::dict;
use keyhaven_kmip::message::{
    reason, BatchErrorContinuation, MessageError, ProtocolVersion, RequestBatchItem,
    RequestMessage, ResponseBatchItem, ResponseHeader, ResponseMessage, ResultStatus,
};
use keyhaven_kmip::ttlv::Ttlv;

use super::ops::{self, OpContext, Undo};
use crate::audit_trail::AuditTrail;
use crate::seal::Seal;

/// Versions this server speaks, newest first (answered by DiscoverVersions).
pub const SUPPORTED_VERSIONS: [ProtocolVersion; 7] = [
    ProtocolVersion::V2_1,
    ProtocolVersion::V2_0,
    ProtocolVersion::V1_4,
    ProtocolVersion::V1_3,
    ProtocolVersion::V1_2,
    ProtocolVersion::V1_1,
    ProtocolVersion::V1_0,
];

/// One client connection: where from, and its verified certificate's (subject, fingerprint).
#[derive(Clone, Debug)]
pub struct Connection {
    /// Peer address.
    pub peer: SocketAddr,
    /// The client certificate's subject and SHA-256 fingerprint.
    pub identity: Option<(String, String)>,
}

/// Why an operation failed: the KMIP Result Reason and a message for the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KmipError {
    /// Result Reason.
    pub reason: u32,
    /// Result Message (never secret).
    pub message: String,
}

impl KmipError {
    /// An error with `reason`.
    pub fn new(reason: u32, message: impl Into<String>) -> KmipError {
        KmipError {
            reason,
            message: message.into(),
        }
    }
    /// Invalid Field.
    pub fn invalid(message: impl Into<String>) -> KmipError {
        KmipError::new(reason::INVALID_FIELD, message)
    }
    /// Operation Not Supported / Feature Not Supported.
    pub fn unsupported(message: impl Into<String>) -> KmipError {
        KmipError::new(reason::FEATURE_NOT_SUPPORTED, message)
    }
}

impl From<MessageError> for KmipError {
    fn from(e: MessageError) -> KmipError {
        KmipError::new(e.reason, e.message)
    }
}

/// The one place core errors become KMIP Result Reasons.
impl From<Error> for KmipError {
    fn from(e: Error) -> KmipError {
        let reason = match &e {
            Error::NotFound { .. } => reason::OBJECT_NOT_FOUND,
            Error::AlreadyExists { .. } => reason::OBJECT_ALREADY_EXISTS,
            Error::InvalidRequest(_) => reason::INVALID_FIELD,
            // KMIP has no policy reason; the profiles refuse disallowed parameters this way.
            Error::PolicyViolation { .. } => reason::CONSTRAINT_VIOLATION,
            Error::Forbidden(_) => reason::PERMISSION_DENIED,
            Error::Unauthenticated(_) => reason::AUTHENTICATION_NOT_SUCCESSFUL,
            Error::WrongLifecycleState { .. } | Error::KeyPendingDestruction { .. } => {
                reason::WRONG_KEY_LIFECYCLE_STATE
            }
            // Past the protect-stop date or before the process-start date: the KMIP profiles
            // answer Permission Denied.
            Error::OutsideUsageWindow { .. } => reason::PERMISSION_DENIED,
            Error::UsageNotPermitted { .. } => reason::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK,
            Error::UnsupportedOperation { .. } => reason::INVALID_FIELD,
            Error::DecryptionFailed(_) | Error::Crypto(_) => reason::CRYPTOGRAPHIC_FAILURE,
            _ => reason::GENERAL_FAILURE,
        };
        KmipError::new(reason, e.to_string())
    }
}

/// The Result Reason as the client's version has it: reasons added in KMIP 2.0 (0x19 and up)
/// become the 1.x reason the KMIP 1.x profiles use for the same case (Wrong Key Lifecycle
/// State and usage refusals are Permission Denied there).
pub fn reason_for(version: ProtocolVersion, r: u32) -> u32 {
    if version.is_2x() || r <= reason::OBJECT_ALREADY_EXISTS || r == reason::GENERAL_FAILURE {
        return r;
    }
    match r {
        reason::WRONG_KEY_LIFECYCLE_STATE
        | reason::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK
        | reason::USAGE_LIMIT_EXCEEDED
        | reason::NOT_AUTHORISED
        | reason::READ_ONLY_ATTRIBUTE
        | reason::ATTRIBUTE_READ_ONLY => reason::PERMISSION_DENIED,
        reason::ATTRIBUTE_NOT_FOUND
        | reason::ATTRIBUTE_INSTANCE_NOT_FOUND
        | reason::OBJECT_NOT_FOUND
        | reason::OBJECT_DESTROYED => reason::ITEM_NOT_FOUND,
        reason::KEY_WRAP_TYPE_NOT_SUPPORTED | reason::UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS => {
            reason::FEATURE_NOT_SUPPORTED
        }
        reason::MISSING_INITIALIZATION_VECTOR => reason::INVALID_MESSAGE,
        reason::INTERNAL_SERVER_ERROR | reason::PROTECTION_STORAGE_UNAVAILABLE => {
            reason::GENERAL_FAILURE
        }
        _ => reason::INVALID_FIELD,
    }
}

/// What an item's audit record is made of, besides the request and the response.
struct Trace {
    /// What core noted (action, key, vault, whether access was denied).
    note: Arc<Mutex<AuditNote>>,
    /// The Result Reason before translation for 1.x clients.
    original: Option<u32>,
    /// The authenticated principal.
    principal: Option<String>,
    /// The item's request id.
    request_id: Option<String>,
}

/// Handles KMIP messages for the listener (and for tests, without TLS).
pub struct Dispatcher {
    seal: Arc<Seal>,
    audit: AuditTrail,
    clock: Arc<dyn Clock>,
    vault: VaultName,
    vault_ready: tokio::sync::OnceCell<()>,
    streams: ops::Streams,
}

impl Dispatcher {
    /// A dispatcher creating objects in `vault`.
    pub fn new(
        seal: Arc<Seal>,
        audit: AuditTrail,
        clock: Arc<dyn Clock>,
        vault: VaultName,
    ) -> Dispatcher {
        Dispatcher {
            seal,
            audit,
            clock,
            vault,
            vault_ready: tokio::sync::OnceCell::new(),
            streams: ops::Streams::default(),
        }
    }

    /// Now, in seconds since the epoch.
    pub fn now(&self) -> i64 {
        self.clock.now().unix_timestamp()
    }

    /// Answers one request message (always a response message, never an error).
    pub async fn handle(&self, conn: &Connection, request: &Ttlv) -> Ttlv {
        let version = super::answer_version(request);
        let now = self.now();
        let message = match RequestMessage::from_ttlv(request) {
            Ok(m) => m,
            Err(e) => return ResponseMessage::error(version, now, &e).to_ttlv(),
        };
        let mut header = ResponseHeader::new(version, now);
        header.client_correlation_value = message.header.client_correlation_value.clone();
        if !SUPPORTED_VERSIONS.contains(&version) {
            let items = vec![ResponseBatchItem::failure(
                None,
                None,
                reason::INVALID_MESSAGE,
                format!(
                    "KMIP {version} is not supported; this server speaks 1.0-1.4, 2.0 and 2.1 \
                     (use DiscoverVersions)"
                ),
            )];
            return ResponseMessage::new(header, items).to_ttlv();
        }
        let items = self.run_batch(conn, version, &message).await;
        let mut response = ResponseMessage::new(header.clone(), items).to_ttlv();
        match message
            .header
            .maximum_response_size
            .and_then(|m| usize::try_from(m).ok())
        {
            Some(max) if zeroize::Zeroizing::new(response.encode()).len() > max => {
                // Too large for the client: every item says so instead, and what would have
                // been sent (key material, say) is wiped.
                response.wipe();
                let items = message
                    .items
                    .iter()
                    .map(|i| {
                        ResponseBatchItem::failure(
                            Some(i.operation),
                            i.unique_batch_item_id.clone(),
                            reason::RESPONSE_TOO_LARGE,
                            format!(
                                "the response exceeds the Maximum Response Size of {max} bytes"
                            ),
                        )
                    })
                    .collect();
                ResponseMessage::new(header, items).to_ttlv()
            }
            _ => response,
        }
    }

    async fn run_batch(
        &self,
        conn: &Connection,
        version: ProtocolVersion,
        message: &RequestMessage,
    ) -> Vec<ResponseBatchItem> {
        let continuation = message.header.batch_error_continuation;
        let mut results: Vec<ResponseBatchItem> = Vec::with_capacity(message.items.len());
        let mut undo: Vec<Undo> = Vec::new();
        // Per result: the range of `undo` its item produced.
        let mut effects: Vec<std::ops::Range<usize>> = Vec::new();
        let mut last_caller: Option<Caller> = None;
        let mut placeholder: Option<String> = None;
        let mut failed = false;
        let svc = self.seal.service();
        for item in &message.items {
            if failed && continuation != BatchErrorContinuation::Continue {
                // Stop and Undo: the items after a failure are not processed.
                break;
            }
            let note = Arc::new(Mutex::new(AuditNote::default()));
            let context = RequestContext {
                request_id: svc
                    .as_ref()
                    .and_then(|s| s.fresh_uuid().ok())
                    .map(|u| u.to_string()),
                source: Some(conn.peer.ip()),
                note: note.clone(),
            };
            let context_id = context.request_id.clone();
            let undo_from = undo.len();
            let outcome = match &svc {
                None => Err(KmipError::new(
                    reason::GENERAL_FAILURE,
                    "the server is sealed: unseal it first (keyhaven unseal)",
                )),
                Some(svc) => self
                    .run_item(
                        svc,
                        conn,
                        context,
                        version,
                        item,
                        &mut placeholder,
                        &mut undo,
                    )
                    .await
                    .map(|(payload, caller)| {
                        let name = Some(caller.name().to_owned());
                        last_caller = Some(caller);
                        (payload, name)
                    }),
            };
            let principal = outcome.as_ref().ok().and_then(|(_, p)| p.clone());
            // The reason before it is translated for 1.x clients decides the audit outcome:
            // a lifecycle refusal is a failure, not an access denial, in every version.
            let original = outcome.as_ref().err().map(|e| e.reason);
            let result = match outcome {
                Ok((payload, _)) => ResponseBatchItem::success(
                    item.operation,
                    item.unique_batch_item_id.clone(),
                    payload,
                ),
                Err(e) => {
                    failed = true;
                    ResponseBatchItem::failure(
                        Some(item.operation),
                        item.unique_batch_item_id.clone(),
                        reason_for(version, e.reason),
                        e.message,
                    )
                }
            };
            let trace = Trace {
                note,
                original,
                principal,
                request_id: context_id,
            };
            self.audit_item(conn, item, &result, trace).await;
            effects.push(undo_from..undo.len());
            results.push(result);
        }
        if failed && continuation == BatchErrorContinuation::Undo {
            if let (Some(svc), Some(caller)) = (&svc, &last_caller) {
                let done = ops::undo(svc, caller, &undo).await;
                for (r, range) in results.iter_mut().zip(effects) {
                    // An item is undone when each of its effects was (items without effects,
                    // such as Check or Get, trivially).
                    let all = done.get(range).is_some_and(|d| d.iter().all(|x| *x));
                    if r.result_status == ResultStatus::Success && all {
                        r.result_status = ResultStatus::OperationUndone;
                    }
                }
            }
        }
        results
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_item(
        &self,
        svc: &Arc<KeyService>,
        conn: &Connection,
        context: RequestContext,
        version: ProtocolVersion,
        item: &RequestBatchItem,
        placeholder: &mut Option<String>,
        undo: &mut Vec<Undo>,
    ) -> Result<(Ttlv, Caller), KmipError> {
        let caller = self.authenticate(svc, conn, context).await?;
        if ops::creates_objects(item.operation) {
            self.ensure_vault(svc).await?;
        }
        let mut ctx = OpContext {
            svc,
            caller: &caller,
            version,
            vault: &self.vault,
            placeholder,
            undo,
            now: self.clock.now(),
            streams: &self.streams,
        };
        let payload = ops::run(&mut ctx, item.operation, &item.payload).await?;
        Ok((payload, caller))
    }

    async fn authenticate(
        &self,
        svc: &KeyService,
        conn: &Connection,
        context: RequestContext,
    ) -> Result<Caller, KmipError> {
        let Some((subject, fingerprint)) = &conn.identity else {
            return Err(KmipError::new(
                reason::AUTHENTICATION_NOT_SUCCESSFUL,
                "KMIP needs a client certificate bound to a principal",
            ));
        };
        svc.authenticate_certificate(subject, fingerprint, context)
            .await
            .map_err(|e| KmipError::new(reason::AUTHENTICATION_NOT_SUCCESSFUL, e.to_string()))
    }

    /// Creates the KMIP vault on first use (as the system: KMIP clients cannot create vaults).
    async fn ensure_vault(&self, svc: &KeyService) -> Result<(), KmipError> {
        self.vault_ready
            .get_or_try_init(|| async {
                super::ensure_vault(svc, &self.vault)
                    .await
                    .map_err(KmipError::from)
            })
            .await
            .map(|_| ())
    }

    async fn audit_item(
        &self,
        conn: &Connection,
        item: &RequestBatchItem,
        result: &ResponseBatchItem,
        trace: Trace,
    ) {
        let Trace {
            note,
            original,
            principal,
            request_id,
        } = trace;
        let note = match note.lock() {
            Ok(n) => n.clone(),
            Err(p) => p.into_inner().clone(),
        };
        let op_name = dict::enum_name(dict::tags::OPERATION, item.operation).unwrap_or("Unknown");
        let outcome = match (result.result_status, original) {
            (ResultStatus::Success, _) => Outcome::Success,
            (_, Some(r))
                if r == reason::PERMISSION_DENIED
                    || r == reason::AUTHENTICATION_NOT_SUCCESSFUL
                    || note.denied =>
            {
                Outcome::Denied
            }
            _ => Outcome::Failure,
        };
        let code = result
            .result_reason
            .map(|r| {
                format!(
                    "kmip {}",
                    dict::enum_name(dict::tags::RESULT_REASON, r).unwrap_or("Unknown")
                )
            })
            .unwrap_or_else(|| "kmip Success".to_owned());
        let event = AuditEvent {
            at: self.clock.now(),
            request_id,
            principal: principal
                .or_else(|| conn.identity.as_ref().map(|(s, _)| format!("cert:{s}"))),
            source: Some(conn.peer.ip().to_string()),
            action: note
                .action
                .map(str::to_owned)
                .unwrap_or_else(|| format!("kmip.{op_name}")),
            route: Some(format!("KMIP {op_name}")),
            vault: note.vault,
            key: note.key,
            key_version: note.key_version,
            outcome,
            code: Some(code),
            detail: note.detail,
        };
        self.audit.record(event).await;
    }
}
