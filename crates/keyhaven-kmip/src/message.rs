//! KMIP request and response messages: headers, batch items and result codes.
//!
//! Reading is strict: a wrong tag, a field of the wrong type, a duplicated or unknown field, a
//! missing required field or a Batch Count that disagrees with the items is a [`MessageError`]
//! carrying the Result Reason to answer with. [`peek_version`] reads only the protocol version,
//! so that even a broken request can be answered in the client's version. Writing puts the
//! fields in the order the specification lists them.

use std::fmt;

use crate::dict::tags as tag;
use crate::ttlv::Ttlv;

mod codes;
mod fields;
#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests;

pub use codes::{op, reason};
pub(crate) use fields::{tag_label, Fields};

/// Why a message, an attribute or an object could not be read or processed: the KMIP Result
/// Reason to answer with and the text for the Result Message (never containing key material).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageError {
    /// A KMIP Result Reason (see [`reason`]).
    pub reason: u32,
    /// What was wrong, for the Result Message.
    pub message: String,
}

impl MessageError {
    /// An error with `reason` and `message`.
    pub fn new(reason: u32, message: impl Into<String>) -> Self {
        Self {
            reason,
            message: message.into(),
        }
    }

    /// A malformed message (Result Reason Invalid Message).
    pub fn invalid_message(message: impl Into<String>) -> Self {
        Self::new(reason::INVALID_MESSAGE, message)
    }

    /// A field with a value the server cannot accept (Result Reason Invalid Field).
    pub fn invalid_field(message: impl Into<String>) -> Self {
        Self::new(reason::INVALID_FIELD, message)
    }
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MessageError {}

/// A KMIP protocol version; ordered by major, then minor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProtocolVersion {
    /// Protocol Version Major.
    pub major: i32,
    /// Protocol Version Minor.
    pub minor: i32,
}

impl ProtocolVersion {
    /// KMIP 1.0.
    pub const V1_0: Self = Self::new(1, 0);
    /// KMIP 1.1.
    pub const V1_1: Self = Self::new(1, 1);
    /// KMIP 1.2.
    pub const V1_2: Self = Self::new(1, 2);
    /// KMIP 1.3.
    pub const V1_3: Self = Self::new(1, 3);
    /// KMIP 1.4.
    pub const V1_4: Self = Self::new(1, 4);
    /// KMIP 2.0.
    pub const V2_0: Self = Self::new(2, 0);
    /// KMIP 2.1.
    pub const V2_1: Self = Self::new(2, 1);

    /// Version `major.minor`.
    pub const fn new(major: i32, minor: i32) -> Self {
        Self { major, minor }
    }

    /// Whether this version uses the KMIP 2.x encodings (attributes under their own tags, ...).
    pub fn is_2x(self) -> bool {
        self.major >= 2
    }

    /// Reads a `ProtocolVersion` structure.
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = Fields::new(
            item,
            tag::PROTOCOL_VERSION,
            "ProtocolVersion",
            reason::INVALID_MESSAGE,
        )?;
        let major = f.req_int(tag::PROTOCOL_VERSION_MAJOR)?;
        let minor = f.req_int(tag::PROTOCOL_VERSION_MINOR)?;
        f.finish()?;
        Ok(Self { major, minor })
    }

    /// Writes a `ProtocolVersion` structure.
    pub fn to_ttlv(self) -> Ttlv {
        Ttlv::structure(
            tag::PROTOCOL_VERSION,
            vec![
                Ttlv::integer(tag::PROTOCOL_VERSION_MAJOR, self.major),
                Ttlv::integer(tag::PROTOCOL_VERSION_MINOR, self.minor),
            ],
        )
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The protocol version of a request or response message, read without checking anything
/// else, so that even a malformed request can be answered in the client's version.
pub fn peek_version(message: &Ttlv) -> Option<ProtocolVersion> {
    let header = message
        .children()
        .iter()
        .find(|c| c.tag == tag::REQUEST_HEADER || c.tag == tag::RESPONSE_HEADER)?;
    let version = header
        .children()
        .iter()
        .find(|c| c.tag == tag::PROTOCOL_VERSION)?;
    ProtocolVersion::from_ttlv(version).ok()
}

/// Batch Error Continuation Option: what the server does after a failed batch item.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BatchErrorContinuation {
    /// 1: process the remaining items.
    Continue,
    /// 2: skip the remaining items (the default).
    #[default]
    Stop,
    /// 3: undo the items already done, skip the others.
    Undo,
}

impl BatchErrorContinuation {
    /// The value for `value`, if defined.
    pub fn from_u32(value: u32) -> Option<Self> {
        match value {
            1 => Some(Self::Continue),
            2 => Some(Self::Stop),
            3 => Some(Self::Undo),
            _ => None,
        }
    }

    /// The enumeration value.
    pub fn to_u32(self) -> u32 {
        match self {
            Self::Continue => 1,
            Self::Stop => 2,
            Self::Undo => 3,
        }
    }
}

/// Result Status of a response batch item.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResultStatus {
    /// 0: the operation succeeded.
    Success,
    /// 1: the operation failed (see the Result Reason).
    OperationFailed,
    /// 2: the operation runs asynchronously.
    OperationPending,
    /// 3: the operation was undone (Batch Error Continuation Option Undo).
    OperationUndone,
}

impl ResultStatus {
    /// The value for `value`, if defined.
    pub fn from_u32(value: u32) -> Option<Self> {
        match value {
            0 => Some(Self::Success),
            1 => Some(Self::OperationFailed),
            2 => Some(Self::OperationPending),
            3 => Some(Self::OperationUndone),
            _ => None,
        }
    }

    /// The enumeration value.
    pub fn to_u32(self) -> u32 {
        match self {
            Self::Success => 0,
            Self::OperationFailed => 1,
            Self::OperationPending => 2,
            Self::OperationUndone => 3,
        }
    }
}

/// A request message: a header and one or more batch items.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RequestMessage {
    /// The request header.
    pub header: RequestHeader,
    /// The batch items, in order.
    pub items: Vec<RequestBatchItem>,
}

/// The header of a request message.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestHeader {
    /// Protocol Version.
    pub version: ProtocolVersion,
    /// Maximum Response Size, in bytes.
    pub maximum_response_size: Option<i32>,
    /// Client Correlation Value (KMIP 1.4+).
    pub client_correlation_value: Option<String>,
    /// Server Correlation Value (KMIP 1.4+).
    pub server_correlation_value: Option<String>,
    /// Asynchronous Indicator.
    pub asynchronous_indicator: Option<bool>,
    /// Attestation Capable Indicator.
    pub attestation_capable_indicator: Option<bool>,
    /// Attestation Type values.
    pub attestation_types: Vec<u32>,
    /// The Authentication structure as received (credentials: never logged).
    pub authentication: Option<Ttlv>,
    /// Batch Error Continuation Option (Stop when absent; written only when not Stop).
    pub batch_error_continuation: BatchErrorContinuation,
    /// Batch Order Option.
    pub batch_order_option: Option<bool>,
    /// Time Stamp, seconds since the epoch.
    pub time_stamp: Option<i64>,
    /// Batch Count as received (always written as the number of items).
    pub batch_count: i32,
}

/// One operation of a request message.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RequestBatchItem {
    /// The Operation enumeration value (see [`op`]).
    pub operation: u32,
    /// Unique Batch Item ID, echoed in the response item.
    pub unique_batch_item_id: Option<Vec<u8>>,
    /// The Request Payload structure.
    pub payload: Ttlv,
    /// Message Extension structure.
    pub message_extension: Option<Ttlv>,
    /// Ephemeral (KMIP 2.0+).
    pub ephemeral: Option<bool>,
}

impl RequestMessage {
    /// A request in `version` with `items` (client side, tests).
    pub fn new(version: ProtocolVersion, items: Vec<RequestBatchItem>) -> Self {
        let mut header = RequestHeader::new(version);
        header.batch_count = count(items.len());
        Self { header, items }
    }

    /// Reads a `RequestMessage`; see the module documentation for what is rejected.
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = Fields::new(
            item,
            tag::REQUEST_MESSAGE,
            "RequestMessage",
            reason::INVALID_MESSAGE,
        )?;
        let header = RequestHeader::from_ttlv(f.req_item(tag::REQUEST_HEADER)?)?;
        let batch = f.take_all(tag::BATCH_ITEM);
        f.finish()?;
        check_batch_count("RequestMessage", header.batch_count, batch.len())?;
        let items = batch
            .into_iter()
            .map(RequestBatchItem::from_ttlv)
            .collect::<Result<_, _>>()?;
        Ok(Self { header, items })
    }

    /// Writes the message; the Batch Count written is the number of items.
    pub fn to_ttlv(&self) -> Ttlv {
        let mut children = vec![self.header.to_ttlv(count(self.items.len()))];
        children.extend(self.items.iter().map(RequestBatchItem::to_ttlv));
        Ttlv::structure(tag::REQUEST_MESSAGE, children)
    }
}

impl RequestHeader {
    /// A header with only the version set (Batch Count 0, continuation Stop).
    pub fn new(version: ProtocolVersion) -> Self {
        Self {
            version,
            maximum_response_size: None,
            client_correlation_value: None,
            server_correlation_value: None,
            asynchronous_indicator: None,
            attestation_capable_indicator: None,
            attestation_types: Vec::new(),
            authentication: None,
            batch_error_continuation: BatchErrorContinuation::Stop,
            batch_order_option: None,
            time_stamp: None,
            batch_count: 0,
        }
    }

    /// Reads a `RequestHeader` structure.
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = Fields::new(
            item,
            tag::REQUEST_HEADER,
            "RequestHeader",
            reason::INVALID_MESSAGE,
        )?;
        let version = ProtocolVersion::from_ttlv(f.req_item(tag::PROTOCOL_VERSION)?)?;
        let continuation = match f.opt_enum(tag::BATCH_ERROR_CONTINUATION_OPTION)? {
            None => BatchErrorContinuation::Stop,
            Some(v) => BatchErrorContinuation::from_u32(v).ok_or_else(|| {
                MessageError::invalid_field(format!(
                    "RequestHeader: unknown Batch Error Continuation Option {v}"
                ))
            })?,
        };
        let header = Self {
            version,
            maximum_response_size: f.opt_int(tag::MAXIMUM_RESPONSE_SIZE)?,
            client_correlation_value: f.opt_text(tag::CLIENT_CORRELATION_VALUE)?,
            server_correlation_value: f.opt_text(tag::SERVER_CORRELATION_VALUE)?,
            asynchronous_indicator: f.opt_bool(tag::ASYNCHRONOUS_INDICATOR)?,
            attestation_capable_indicator: f.opt_bool(tag::ATTESTATION_CAPABLE_INDICATOR)?,
            attestation_types: f.all_enums(tag::ATTESTATION_TYPE)?,
            authentication: f.opt_struct(tag::AUTHENTICATION)?.cloned(),
            batch_error_continuation: continuation,
            batch_order_option: f.opt_bool(tag::BATCH_ORDER_OPTION)?,
            time_stamp: f.opt_date_time(tag::TIME_STAMP)?,
            batch_count: f.req_int(tag::BATCH_COUNT)?,
        };
        f.finish()?;
        Ok(header)
    }

    fn to_ttlv(&self, batch_count: i32) -> Ttlv {
        let mut c = vec![self.version.to_ttlv()];
        c.extend(
            self.maximum_response_size
                .map(|v| Ttlv::integer(tag::MAXIMUM_RESPONSE_SIZE, v)),
        );
        c.extend(
            self.client_correlation_value
                .as_deref()
                .map(|v| Ttlv::text(tag::CLIENT_CORRELATION_VALUE, v)),
        );
        c.extend(
            self.server_correlation_value
                .as_deref()
                .map(|v| Ttlv::text(tag::SERVER_CORRELATION_VALUE, v)),
        );
        c.extend(
            self.asynchronous_indicator
                .map(|v| Ttlv::boolean(tag::ASYNCHRONOUS_INDICATOR, v)),
        );
        c.extend(
            self.attestation_capable_indicator
                .map(|v| Ttlv::boolean(tag::ATTESTATION_CAPABLE_INDICATOR, v)),
        );
        c.extend(
            self.attestation_types
                .iter()
                .map(|v| Ttlv::enumeration(tag::ATTESTATION_TYPE, *v)),
        );
        c.extend(self.authentication.clone());
        if self.batch_error_continuation != BatchErrorContinuation::Stop {
            c.push(Ttlv::enumeration(
                tag::BATCH_ERROR_CONTINUATION_OPTION,
                self.batch_error_continuation.to_u32(),
            ));
        }
        c.extend(
            self.batch_order_option
                .map(|v| Ttlv::boolean(tag::BATCH_ORDER_OPTION, v)),
        );
        c.extend(self.time_stamp.map(|v| Ttlv::date_time(tag::TIME_STAMP, v)));
        c.push(Ttlv::integer(tag::BATCH_COUNT, batch_count));
        Ttlv::structure(tag::REQUEST_HEADER, c)
    }
}

impl fmt::Debug for RequestHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestHeader")
            .field("version", &self.version)
            .field("maximum_response_size", &self.maximum_response_size)
            .field("client_correlation_value", &self.client_correlation_value)
            .field("server_correlation_value", &self.server_correlation_value)
            .field("asynchronous_indicator", &self.asynchronous_indicator)
            .field(
                "authentication",
                &self.authentication.as_ref().map(|_| "<redacted>"),
            )
            .field("batch_error_continuation", &self.batch_error_continuation)
            .field("batch_order_option", &self.batch_order_option)
            .field("time_stamp", &self.time_stamp)
            .field("batch_count", &self.batch_count)
            .finish_non_exhaustive()
    }
}

impl RequestBatchItem {
    /// An item for `operation` with `payload` (a `RequestPayload` structure).
    pub fn new(operation: u32, payload: Ttlv) -> Self {
        Self {
            operation,
            unique_batch_item_id: None,
            payload,
            message_extension: None,
            ephemeral: None,
        }
    }

    /// Reads a request `BatchItem` structure.
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = Fields::new(item, tag::BATCH_ITEM, "BatchItem", reason::INVALID_MESSAGE)?;
        let parsed = Self {
            operation: f.req_enum(tag::OPERATION)?,
            ephemeral: f.opt_bool(tag::EPHEMERAL)?,
            unique_batch_item_id: f.opt_bytes(tag::UNIQUE_BATCH_ITEM_ID)?,
            payload: f.req_struct(tag::REQUEST_PAYLOAD)?.clone(),
            message_extension: f.opt_struct(tag::MESSAGE_EXTENSION)?.cloned(),
        };
        f.finish()?;
        Ok(parsed)
    }

    /// Writes the item: Operation, Ephemeral, Unique Batch Item ID, payload, Message Extension.
    pub fn to_ttlv(&self) -> Ttlv {
        let mut c = vec![Ttlv::enumeration(tag::OPERATION, self.operation)];
        c.extend(self.ephemeral.map(|v| Ttlv::boolean(tag::EPHEMERAL, v)));
        c.extend(
            self.unique_batch_item_id
                .clone()
                .map(|v| Ttlv::bytes(tag::UNIQUE_BATCH_ITEM_ID, v)),
        );
        c.push(self.payload.clone());
        c.extend(self.message_extension.clone());
        Ttlv::structure(tag::BATCH_ITEM, c)
    }
}

/// A response message: a header and one item per processed request item.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ResponseMessage {
    /// The response header.
    pub header: ResponseHeader,
    /// The batch items, in order.
    pub items: Vec<ResponseBatchItem>,
}

/// The header of a response message.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ResponseHeader {
    /// Protocol Version (the one the server answers in).
    pub version: ProtocolVersion,
    /// Time Stamp, seconds since the epoch.
    pub time_stamp: i64,
    /// Nonce structure (attestation).
    pub nonce: Option<Ttlv>,
    /// Server Hashed Password (KMIP 2.0+).
    pub server_hashed_password: Option<Vec<u8>>,
    /// Attestation Type values.
    pub attestation_types: Vec<u32>,
    /// Client Correlation Value (KMIP 1.4+).
    pub client_correlation_value: Option<String>,
    /// Server Correlation Value (KMIP 1.4+).
    pub server_correlation_value: Option<String>,
    /// Batch Count as received (always written as the number of items).
    pub batch_count: i32,
}

/// The result of one request batch item.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ResponseBatchItem {
    /// The Operation, absent when the request item could not be read.
    pub operation: Option<u32>,
    /// The Unique Batch Item ID of the request item.
    pub unique_batch_item_id: Option<Vec<u8>>,
    /// Result Status.
    pub result_status: ResultStatus,
    /// Result Reason (see [`reason`]); required when the status is not Success.
    pub result_reason: Option<u32>,
    /// Result Message.
    pub result_message: Option<String>,
    /// Asynchronous Correlation Value (status Operation Pending).
    pub asynchronous_correlation_value: Option<Vec<u8>>,
    /// The Response Payload structure.
    pub payload: Option<Ttlv>,
    /// Message Extension structure.
    pub message_extension: Option<Ttlv>,
}

impl ResponseMessage {
    /// A response with `header` and `items`; Batch Count is set from `items`.
    pub fn new(mut header: ResponseHeader, items: Vec<ResponseBatchItem>) -> Self {
        header.batch_count = count(items.len());
        Self { header, items }
    }

    /// A response with a single failed item without operation, for requests that could not
    /// be read at all.
    pub fn error(version: ProtocolVersion, time_stamp: i64, error: &MessageError) -> Self {
        let item = ResponseBatchItem::failure(None, None, error.reason, error.message.clone());
        Self::new(ResponseHeader::new(version, time_stamp), vec![item])
    }

    /// Reads a `ResponseMessage` (client side, tests).
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = Fields::new(
            item,
            tag::RESPONSE_MESSAGE,
            "ResponseMessage",
            reason::INVALID_MESSAGE,
        )?;
        let header = ResponseHeader::from_ttlv(f.req_item(tag::RESPONSE_HEADER)?)?;
        let batch = f.take_all(tag::BATCH_ITEM);
        f.finish()?;
        check_batch_count("ResponseMessage", header.batch_count, batch.len())?;
        let items = batch
            .into_iter()
            .map(ResponseBatchItem::from_ttlv)
            .collect::<Result<_, _>>()?;
        Ok(Self { header, items })
    }

    /// Writes the message; the Batch Count written is the number of items.
    pub fn to_ttlv(&self) -> Ttlv {
        let mut children = vec![self.header.to_ttlv(count(self.items.len()))];
        children.extend(self.items.iter().map(ResponseBatchItem::to_ttlv));
        Ttlv::structure(tag::RESPONSE_MESSAGE, children)
    }
}

impl ResponseHeader {
    /// A header with the version and time stamp set.
    pub fn new(version: ProtocolVersion, time_stamp: i64) -> Self {
        Self {
            version,
            time_stamp,
            nonce: None,
            server_hashed_password: None,
            attestation_types: Vec::new(),
            client_correlation_value: None,
            server_correlation_value: None,
            batch_count: 0,
        }
    }

    /// Reads a `ResponseHeader` structure.
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = Fields::new(
            item,
            tag::RESPONSE_HEADER,
            "ResponseHeader",
            reason::INVALID_MESSAGE,
        )?;
        let header = Self {
            version: ProtocolVersion::from_ttlv(f.req_item(tag::PROTOCOL_VERSION)?)?,
            time_stamp: f.req_date_time(tag::TIME_STAMP)?,
            nonce: f.opt_struct(tag::NONCE)?.cloned(),
            server_hashed_password: f.opt_bytes(tag::SERVER_HASHED_PASSWORD)?,
            attestation_types: f.all_enums(tag::ATTESTATION_TYPE)?,
            client_correlation_value: f.opt_text(tag::CLIENT_CORRELATION_VALUE)?,
            server_correlation_value: f.opt_text(tag::SERVER_CORRELATION_VALUE)?,
            batch_count: f.req_int(tag::BATCH_COUNT)?,
        };
        f.finish()?;
        Ok(header)
    }

    fn to_ttlv(&self, batch_count: i32) -> Ttlv {
        let mut c = vec![
            self.version.to_ttlv(),
            Ttlv::date_time(tag::TIME_STAMP, self.time_stamp),
        ];
        c.extend(self.nonce.clone());
        c.extend(
            self.server_hashed_password
                .clone()
                .map(|v| Ttlv::bytes(tag::SERVER_HASHED_PASSWORD, v)),
        );
        c.extend(
            self.attestation_types
                .iter()
                .map(|v| Ttlv::enumeration(tag::ATTESTATION_TYPE, *v)),
        );
        c.extend(
            self.client_correlation_value
                .as_deref()
                .map(|v| Ttlv::text(tag::CLIENT_CORRELATION_VALUE, v)),
        );
        c.extend(
            self.server_correlation_value
                .as_deref()
                .map(|v| Ttlv::text(tag::SERVER_CORRELATION_VALUE, v)),
        );
        c.push(Ttlv::integer(tag::BATCH_COUNT, batch_count));
        Ttlv::structure(tag::RESPONSE_HEADER, c)
    }
}

impl ResponseBatchItem {
    /// A successful item; `payload` is the `ResponsePayload` structure.
    pub fn success(operation: u32, unique_batch_item_id: Option<Vec<u8>>, payload: Ttlv) -> Self {
        Self {
            operation: Some(operation),
            unique_batch_item_id,
            result_status: ResultStatus::Success,
            result_reason: None,
            result_message: None,
            asynchronous_correlation_value: None,
            payload: Some(payload),
            message_extension: None,
        }
    }

    /// A failed item with Result Reason `reason` and Result Message `message`.
    pub fn failure(
        operation: Option<u32>,
        unique_batch_item_id: Option<Vec<u8>>,
        reason: u32,
        message: impl Into<String>,
    ) -> Self {
        Self {
            operation,
            unique_batch_item_id,
            result_status: ResultStatus::OperationFailed,
            result_reason: Some(reason),
            result_message: Some(message.into()),
            asynchronous_correlation_value: None,
            payload: None,
            message_extension: None,
        }
    }

    /// Reads a response `BatchItem` structure.
    pub fn from_ttlv(item: &Ttlv) -> Result<Self, MessageError> {
        let mut f = Fields::new(item, tag::BATCH_ITEM, "BatchItem", reason::INVALID_MESSAGE)?;
        let operation = f.opt_enum(tag::OPERATION)?;
        let unique_batch_item_id = f.opt_bytes(tag::UNIQUE_BATCH_ITEM_ID)?;
        let status = f.req_enum(tag::RESULT_STATUS)?;
        let result_status = ResultStatus::from_u32(status).ok_or_else(|| {
            MessageError::invalid_field(format!("BatchItem: unknown Result Status {status}"))
        })?;
        let parsed = Self {
            operation,
            unique_batch_item_id,
            result_status,
            result_reason: f.opt_enum(tag::RESULT_REASON)?,
            result_message: f.opt_text(tag::RESULT_MESSAGE)?,
            asynchronous_correlation_value: f.opt_bytes(tag::ASYNCHRONOUS_CORRELATION_VALUE)?,
            payload: f.opt_struct(tag::RESPONSE_PAYLOAD)?.cloned(),
            message_extension: f.opt_struct(tag::MESSAGE_EXTENSION)?.cloned(),
        };
        f.finish()?;
        if parsed.result_status == ResultStatus::OperationFailed && parsed.result_reason.is_none() {
            return Err(MessageError::invalid_message(
                "BatchItem: a failed item needs a Result Reason",
            ));
        }
        Ok(parsed)
    }

    /// Writes the item in the specification's field order.
    pub fn to_ttlv(&self) -> Ttlv {
        let mut c = Vec::new();
        c.extend(self.operation.map(|v| Ttlv::enumeration(tag::OPERATION, v)));
        c.extend(
            self.unique_batch_item_id
                .clone()
                .map(|v| Ttlv::bytes(tag::UNIQUE_BATCH_ITEM_ID, v)),
        );
        c.push(Ttlv::enumeration(
            tag::RESULT_STATUS,
            self.result_status.to_u32(),
        ));
        c.extend(
            self.result_reason
                .map(|v| Ttlv::enumeration(tag::RESULT_REASON, v)),
        );
        c.extend(
            self.result_message
                .as_deref()
                .map(|v| Ttlv::text(tag::RESULT_MESSAGE, v)),
        );
        c.extend(
            self.asynchronous_correlation_value
                .clone()
                .map(|v| Ttlv::bytes(tag::ASYNCHRONOUS_CORRELATION_VALUE, v)),
        );
        c.extend(self.payload.clone());
        c.extend(self.message_extension.clone());
        Ttlv::structure(tag::BATCH_ITEM, c)
    }
}

fn count(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

fn check_batch_count(context: &str, declared: i32, actual: usize) -> Result<(), MessageError> {
    if actual == 0 {
        return Err(MessageError::invalid_message(format!(
            "{context}: no BatchItem"
        )));
    }
    if usize::try_from(declared).ok() != Some(actual) {
        return Err(MessageError::invalid_message(format!(
            "{context}: Batch Count is {declared} but the message has {actual} batch items"
        )));
    }
    Ok(())
}
