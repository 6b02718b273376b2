//! Message tests: requests built by hand after the OASIS test cases (SKLC-M-1-14, BL-M-2-21),
//! round trips, and malformed inputs.

use super::*;
use crate::dict::tags as t;
use crate::ttlv::{decode, Limits, Value};

fn version(major: i32, minor: i32) -> Ttlv {
    ProtocolVersion::new(major, minor).to_ttlv()
}

fn header(children: Vec<Ttlv>) -> Ttlv {
    Ttlv::structure(t::REQUEST_HEADER, children)
}

fn item(operation: u32, extra: Vec<Ttlv>) -> Ttlv {
    let mut c = vec![Ttlv::enumeration(t::OPERATION, operation)];
    c.extend(extra);
    Ttlv::structure(t::BATCH_ITEM, c)
}

fn payload(children: Vec<Ttlv>) -> Ttlv {
    Ttlv::structure(t::REQUEST_PAYLOAD, children)
}

fn request(header: Ttlv, items: Vec<Ttlv>) -> Ttlv {
    let mut c = vec![header];
    c.extend(items);
    Ttlv::structure(t::REQUEST_MESSAGE, c)
}

/// SKLC-M-1-14 step 0: Create with a 1.4 TemplateAttribute.
fn sklc_m_1_14_create() -> Ttlv {
    let attr = |name: &str, value: Ttlv| {
        Ttlv::structure(
            t::ATTRIBUTE,
            vec![
                Ttlv::text(t::ATTRIBUTE_NAME, name),
                Ttlv::new(t::ATTRIBUTE_VALUE, value.value),
            ],
        )
    };
    let template = Ttlv::structure(
        t::TEMPLATE_ATTRIBUTE,
        vec![
            attr("Cryptographic Algorithm", Ttlv::enumeration(0, 3)),
            attr("Cryptographic Length", Ttlv::integer(0, 256)),
            attr("Cryptographic Usage Mask", Ttlv::integer(0, 0x04 | 0x08)),
            attr(
                "Name",
                Ttlv::structure(
                    0,
                    vec![
                        Ttlv::text(t::NAME_VALUE, "SKLC-M-1-14"),
                        Ttlv::enumeration(t::NAME_TYPE, 1),
                    ],
                ),
            ),
        ],
    );
    request(
        header(vec![version(1, 4), Ttlv::integer(t::BATCH_COUNT, 1)]),
        vec![item(
            op::CREATE,
            vec![payload(vec![
                Ttlv::enumeration(t::OBJECT_TYPE, 2),
                template,
            ])],
        )],
    )
}

/// BL-M-2-21: a batch with Batch Error Continuation Option Undo and Unique Batch Item IDs
/// (two of its three items).
fn bl_m_2_21_batch() -> Ttlv {
    let uid = || Ttlv::text(t::UNIQUE_IDENTIFIER, "$UNIQUE_IDENTIFIER_0");
    request(
        header(vec![
            version(2, 1),
            Ttlv::text(t::CLIENT_CORRELATION_VALUE, "BL-M-2-21 step=1"),
            Ttlv::enumeration(t::BATCH_ERROR_CONTINUATION_OPTION, 3),
            Ttlv::integer(t::BATCH_COUNT, 2),
        ]),
        vec![
            item(
                op::ACTIVATE,
                vec![
                    Ttlv::bytes(t::UNIQUE_BATCH_ITEM_ID, vec![0xef, 0x97, 0xf5, 0xf5]),
                    payload(vec![uid()]),
                ],
            ),
            item(
                op::CHECK,
                vec![
                    Ttlv::bytes(t::UNIQUE_BATCH_ITEM_ID, vec![0x3a, 0x98, 0xe7, 0x6c]),
                    payload(vec![
                        uid(),
                        Ttlv::integer(t::CRYPTOGRAPHIC_USAGE_MASK, 0x04),
                    ]),
                ],
            ),
        ],
    )
}

fn expect_error(message: &Ttlv, reason: u32) -> MessageError {
    let err = RequestMessage::from_ttlv(message).unwrap_err();
    assert_eq!(err.reason, reason, "{}", err.message);
    err
}

#[test]
fn reads_a_1_4_create_request() {
    let msg = RequestMessage::from_ttlv(&sklc_m_1_14_create()).unwrap();
    assert_eq!(msg.header.version, ProtocolVersion::V1_4);
    assert_eq!(msg.header.batch_count, 1);
    assert_eq!(
        msg.header.batch_error_continuation,
        BatchErrorContinuation::Stop
    );
    assert_eq!(msg.items.len(), 1);
    let create = &msg.items[0];
    assert_eq!(create.operation, op::CREATE);
    assert_eq!(create.unique_batch_item_id, None);
    assert_eq!(create.payload.tag, t::REQUEST_PAYLOAD);
    assert_eq!(
        create.payload.child(t::OBJECT_TYPE).and_then(Ttlv::as_enum),
        Some(2)
    );
    let attrs =
        crate::attribute::read_container(&create.payload, crate::attribute::Container::Main)
            .unwrap();
    assert_eq!(attrs.len(), 4);
    assert_eq!(
        attrs[0].value,
        Ttlv::enumeration(t::CRYPTOGRAPHIC_ALGORITHM, 3)
    );
}

#[test]
fn reads_a_2_1_batch_with_continuation_option() {
    let msg = RequestMessage::from_ttlv(&bl_m_2_21_batch()).unwrap();
    assert_eq!(msg.header.version, ProtocolVersion::V2_1);
    assert_eq!(
        msg.header.batch_error_continuation,
        BatchErrorContinuation::Undo
    );
    assert_eq!(
        msg.header.client_correlation_value.as_deref(),
        Some("BL-M-2-21 step=1")
    );
    let ops: Vec<u32> = msg.items.iter().map(|i| i.operation).collect();
    assert_eq!(ops, [op::ACTIVATE, op::CHECK]);
    assert_eq!(
        msg.items[1].unique_batch_item_id.as_deref(),
        Some(&[0x3a, 0x98, 0xe7, 0x6c][..])
    );
}

#[test]
fn requests_round_trip_in_field_order() {
    for original in [sklc_m_1_14_create(), bl_m_2_21_batch()] {
        let msg = RequestMessage::from_ttlv(&original).unwrap();
        assert_eq!(msg.to_ttlv(), original);
        let decoded = decode(&msg.to_ttlv().encode(), &Limits::default()).unwrap();
        assert_eq!(RequestMessage::from_ttlv(&decoded).unwrap(), msg);
    }
}

#[test]
fn full_request_header_round_trips() {
    let mut msg = RequestMessage::new(
        ProtocolVersion::V2_0,
        vec![RequestBatchItem::new(op::QUERY, payload(vec![]))],
    );
    let h = &mut msg.header;
    h.maximum_response_size = Some(4096);
    h.server_correlation_value = Some("s".into());
    h.asynchronous_indicator = Some(false);
    h.attestation_capable_indicator = Some(true);
    h.attestation_types = vec![1, 2];
    h.authentication = Some(Ttlv::structure(t::AUTHENTICATION, vec![]));
    h.batch_error_continuation = BatchErrorContinuation::Continue;
    h.batch_order_option = Some(true);
    h.time_stamp = Some(1_600_000_000);
    msg.items[0].ephemeral = Some(true);
    msg.items[0].message_extension = Some(Ttlv::structure(t::MESSAGE_EXTENSION, vec![]));
    assert_eq!(RequestMessage::from_ttlv(&msg.to_ttlv()).unwrap(), msg);
}

#[test]
fn rejects_malformed_requests() {
    let good = sklc_m_1_14_create();
    let mut wrong_tag = good.clone();
    wrong_tag.tag = t::RESPONSE_MESSAGE;
    expect_error(&wrong_tag, reason::INVALID_MESSAGE);

    let item = || item(op::CREATE, vec![payload(vec![])]);
    let no_header = Ttlv::structure(t::REQUEST_MESSAGE, vec![item()]);
    expect_error(&no_header, reason::INVALID_MESSAGE);

    let no_version = request(header(vec![Ttlv::integer(t::BATCH_COUNT, 1)]), vec![item()]);
    expect_error(&no_version, reason::INVALID_MESSAGE);

    let count_mismatch = request(
        header(vec![version(1, 4), Ttlv::integer(t::BATCH_COUNT, 2)]),
        vec![item()],
    );
    let err = expect_error(&count_mismatch, reason::INVALID_MESSAGE);
    assert!(err.message.contains("Batch Count"), "{}", err.message);

    let no_items = request(
        header(vec![version(1, 4), Ttlv::integer(t::BATCH_COUNT, 0)]),
        vec![],
    );
    expect_error(&no_items, reason::INVALID_MESSAGE);

    let no_operation = request(
        header(vec![version(1, 4), Ttlv::integer(t::BATCH_COUNT, 1)]),
        vec![Ttlv::structure(t::BATCH_ITEM, vec![payload(vec![])])],
    );
    expect_error(&no_operation, reason::INVALID_MESSAGE);

    let no_payload = request(
        header(vec![version(1, 4), Ttlv::integer(t::BATCH_COUNT, 1)]),
        vec![item_no_payload()],
    );
    expect_error(&no_payload, reason::INVALID_MESSAGE);

    let wrong_type = request(
        header(vec![version(1, 4), Ttlv::enumeration(t::BATCH_COUNT, 1)]),
        vec![item()],
    );
    expect_error(&wrong_type, reason::INVALID_MESSAGE);

    let duplicate = request(
        header(vec![
            version(1, 4),
            version(1, 4),
            Ttlv::integer(t::BATCH_COUNT, 1),
        ]),
        vec![item()],
    );
    expect_error(&duplicate, reason::INVALID_MESSAGE);

    let unknown = request(
        header(vec![
            version(1, 4),
            Ttlv::integer(t::BATCH_COUNT, 1),
            Ttlv::integer(t::CRYPTOGRAPHIC_LENGTH, 1),
        ]),
        vec![item()],
    );
    expect_error(&unknown, reason::INVALID_MESSAGE);

    let bad_option = request(
        header(vec![
            version(1, 4),
            Ttlv::enumeration(t::BATCH_ERROR_CONTINUATION_OPTION, 9),
            Ttlv::integer(t::BATCH_COUNT, 1),
        ]),
        vec![item()],
    );
    expect_error(&bad_option, reason::INVALID_FIELD);

    let not_a_structure = Ttlv::integer(t::REQUEST_MESSAGE, 1);
    expect_error(&not_a_structure, reason::INVALID_MESSAGE);
}

fn item_no_payload() -> Ttlv {
    Ttlv::structure(
        t::BATCH_ITEM,
        vec![Ttlv::enumeration(t::OPERATION, op::GET)],
    )
}

#[test]
fn peek_version_reads_broken_requests() {
    let broken = request(
        header(vec![version(2, 0), Ttlv::integer(t::BATCH_COUNT, 5)]),
        vec![],
    );
    assert!(RequestMessage::from_ttlv(&broken).is_err());
    assert_eq!(peek_version(&broken), Some(ProtocolVersion::V2_0));
    assert_eq!(peek_version(&Ttlv::integer(t::REQUEST_MESSAGE, 3)), None);
    let no_minor = request(
        header(vec![Ttlv::structure(
            t::PROTOCOL_VERSION,
            vec![Ttlv::integer(t::PROTOCOL_VERSION_MAJOR, 1)],
        )]),
        vec![],
    );
    assert_eq!(peek_version(&no_minor), None);
}

#[test]
fn versions_are_ordered() {
    assert!(ProtocolVersion::V1_0 < ProtocolVersion::V1_4);
    assert!(ProtocolVersion::V1_4 < ProtocolVersion::V2_0);
    assert!(ProtocolVersion::new(1, 10) > ProtocolVersion::V1_4);
    assert!(ProtocolVersion::V2_1.is_2x() && !ProtocolVersion::V1_4.is_2x());
    assert_eq!(ProtocolVersion::V2_1.to_string(), "2.1");
}

fn sample_response() -> ResponseMessage {
    let mut header = ResponseHeader::new(ProtocolVersion::V2_1, 1_700_000_000);
    header.client_correlation_value = Some("c".into());
    header.server_correlation_value = Some("077B744D-CEE8D6FC-7".into());
    let ok = ResponseBatchItem::success(
        op::ACTIVATE,
        Some(vec![1]),
        Ttlv::structure(
            t::RESPONSE_PAYLOAD,
            vec![Ttlv::text(t::UNIQUE_IDENTIFIER, "id-1")],
        ),
    );
    let failed = ResponseBatchItem::failure(
        Some(op::CHECK),
        Some(vec![2]),
        reason::ITEM_NOT_FOUND,
        "no such object",
    );
    ResponseMessage::new(header, vec![ok, failed])
}

#[test]
fn responses_are_written_in_spec_order_and_read_back() {
    let response = sample_response();
    assert_eq!(response.header.batch_count, 2);
    let ttlv = response.to_ttlv();
    let header_tags: Vec<u32> = ttlv.children()[0]
        .children()
        .iter()
        .map(|c| c.tag)
        .collect();
    assert_eq!(
        header_tags,
        [
            t::PROTOCOL_VERSION,
            t::TIME_STAMP,
            t::CLIENT_CORRELATION_VALUE,
            t::SERVER_CORRELATION_VALUE,
            t::BATCH_COUNT
        ]
    );
    let failed_tags: Vec<u32> = ttlv.children()[2]
        .children()
        .iter()
        .map(|c| c.tag)
        .collect();
    assert_eq!(
        failed_tags,
        [
            t::OPERATION,
            t::UNIQUE_BATCH_ITEM_ID,
            t::RESULT_STATUS,
            t::RESULT_REASON,
            t::RESULT_MESSAGE
        ]
    );
    assert_eq!(
        ttlv.children()[2].child(t::RESULT_STATUS).unwrap().value,
        Value::Enumeration(1)
    );
    assert_eq!(ResponseMessage::from_ttlv(&ttlv).unwrap(), response);
}

#[test]
fn error_response_for_unreadable_requests() {
    let err = MessageError::invalid_message("RequestMessage: no BatchItem");
    let response = ResponseMessage::error(ProtocolVersion::V1_2, 5, &err);
    let item = &response.items[0];
    assert_eq!(item.operation, None);
    assert_eq!(item.result_status, ResultStatus::OperationFailed);
    assert_eq!(item.result_reason, Some(reason::INVALID_MESSAGE));
    let back = ResponseMessage::from_ttlv(&response.to_ttlv()).unwrap();
    assert_eq!(back, response);
}

#[test]
fn rejects_failed_response_items_without_reason() {
    let mut response = sample_response();
    response.items[1].result_reason = None;
    let err = ResponseMessage::from_ttlv(&response.to_ttlv()).unwrap_err();
    assert_eq!(err.reason, reason::INVALID_MESSAGE);
}

#[test]
fn debug_hides_credentials() {
    let mut h = RequestHeader::new(ProtocolVersion::V1_4);
    h.authentication = Some(Ttlv::structure(
        t::AUTHENTICATION,
        vec![Ttlv::structure(
            t::CREDENTIAL,
            vec![Ttlv::text(t::ONE_TIME_PASSWORD, "hunter2")],
        )],
    ));
    let shown = format!("{h:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("redacted"));
}
