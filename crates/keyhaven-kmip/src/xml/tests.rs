use super::*;

fn tag(name: &str) -> u32 {
    dict::tag_by_name(name).unwrap_or_else(|| panic!("dictionary lacks {name}"))
}

const CREATE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<KMIP>
<!-- a comment with <tags> & stuff -->
<RequestMessage>
  <RequestHeader>
<ProtocolVersion>
  <ProtocolVersionMajor type="Integer" value="1"/>
  <ProtocolVersionMinor type="Integer" value="4"/>
</ProtocolVersion>
<BatchCount type="Integer" value="1"/>
  </RequestHeader>
  <BatchItem>
<Operation type="Enumeration" value="Create"/>
<RequestPayload>
  <ObjectType type="Enumeration" value="SymmetricKey"/>
  <TemplateAttribute>
    <Attribute>
      <AttributeName type="TextString" value="Cryptographic Usage Mask"/>
      <AttributeValue type="Integer" value="Encrypt Decrypt"/>
    </Attribute>
    <Attribute>
      <AttributeName type="TextString" value="Cryptographic Algorithm"/>
      <AttributeValue type="Enumeration" value="AES"/>
    </Attribute>
    <Attribute>
      <AttributeName type="TextString" value="x-Note"/>
      <AttributeValue type="TextString" value="a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#65;&#x42;"/>
    </Attribute>
    <Attribute>
      <AttributeName type="TextString" value="Activation Date"/>
      <AttributeValue type="DateTime" value="$NOW-3600"/>
    </Attribute>
  </TemplateAttribute>
</RequestPayload>
  </BatchItem>
</RequestMessage>
<ResponseMessage>
  <ResponseHeader>
<ProtocolVersion>
  <ProtocolVersionMajor type="Integer" value="1"/>
  <ProtocolVersionMinor type="Integer" value="4"/>
</ProtocolVersion>
<TimeStamp type="DateTime" value="2001-01-01T10:00:00+00:00"/>
<BatchCount type="Integer" value="1"/>
  </ResponseHeader>
  <BatchItem>
<Operation type="Enumeration" value="Create"/>
<ResultStatus type="Enumeration" value="Success"/>
<ResponsePayload>
  <ObjectType type="Enumeration" value="SymmetricKey"/>
  <UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/>
</ResponsePayload>
  </BatchItem>
</ResponseMessage>
</KMIP>
"#;

#[test]
fn placeholders() {
    assert_eq!(placeholder("$NOW"), Some(Placeholder::Now(0)));
    assert_eq!(placeholder("$NOW-3600"), Some(Placeholder::Now(-3600)));
    assert_eq!(placeholder("$NOW+60"), Some(Placeholder::Now(60)));
    assert_eq!(
        placeholder("$UNIQUE_IDENTIFIER_12"),
        Some(Placeholder::Named("UNIQUE_IDENTIFIER_12"))
    );
    assert_eq!(placeholder("$NOWHERE"), Some(Placeholder::Named("NOWHERE")));
    assert_eq!(placeholder("$5"), None);
    assert_eq!(placeholder("$lower"), None);
    assert_eq!(placeholder("x$NOW"), None);
}

#[test]
fn dates() {
    assert_eq!(
        parse_date_time("2001-01-01T10:00:00+00:00"),
        Some(978_343_200)
    );
    assert_eq!(parse_date_time("1970-01-01T00:00:06+00:00"), Some(6));
    assert_eq!(parse_date_time("1970-01-01T00:00:06Z"), Some(6));
    assert_eq!(
        parse_date_time("2000-02-01T00:00:00+10:00"),
        Some(949_327_200)
    );
    assert_eq!(parse_date_time("2000-02-30T00:00:00Z"), None);
    assert_eq!(parse_date_time("2000-02-29T00:00:00.5Z"), None);
    assert_eq!(
        parse_date_time_extended("1970-01-01T00:00:01.25Z"),
        Some(1_250_000)
    );
    assert_eq!(parse_date_time("0x000000003A4FC880"), Some(978_307_200));
    for s in [0, 6, 951_782_400, 978_343_200, 4_102_444_800, -86_401] {
        assert_eq!(parse_date_time(&format_date_time(s)), Some(s));
    }
    assert_eq!(format_date_time(978_343_200), "2001-01-01T10:00:00+00:00");
    let ext = 1_234_567_890_123_456;
    assert_eq!(
        parse_date_time_extended(&format_date_time_extended(ext)),
        Some(ext)
    );
}

#[test]
fn numbers_and_hex() {
    assert_eq!(parse_i32("0xFFFFFFFF"), Some(-1));
    assert_eq!(parse_i32("-5"), Some(-5));
    assert_eq!(parse_i32("0x100000000"), None);
    assert_eq!(parse_i64("0xFFFFFFFFFFFFFFFE"), Some(-2));
    assert_eq!(decode_hex("00ffA0"), Some(vec![0, 0xFF, 0xA0]));
    assert_eq!(decode_hex("0"), None);
    assert_eq!(decode_hex("zz"), None);
    assert_eq!(encode_hex(&[0, 0xFF, 0xA0]), "00ffa0");
    assert_eq!(
        parse_big_integer("0x0102"),
        Some(vec![0, 0, 0, 0, 0, 0, 1, 2])
    );
    assert_eq!(
        parse_big_integer("80"),
        Some(vec![0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x80])
    );
}

#[test]
fn reader_errors_name_line_and_column() {
    let cases: &[(&str, u32, u32, &str)] = &[
        (
            "<KMIP>\n  <RequestMessage>\n</KMIP>",
            3,
            1,
            "closes <RequestMessage>",
        ),
        ("<KMIP>\n <RequestMessage>", 2, 2, "not closed"),
        (
            "<KMIP>\n  <NoSuchTag/>\n</KMIP>",
            2,
            3,
            "unknown element <NoSuchTag>",
        ),
        ("<KMIP>\n  hello\n</KMIP>", 2, 3, "unexpected text"),
        (
            "<KMIP><BatchCount type=\"Integer\" value=\"&bogus;\"/></KMIP>",
            1,
            41,
            "unknown entity",
        ),
        (
            "<KMIP><BatchCount type=\"Int\" value=\"1\"/></KMIP>",
            1,
            19,
            "unknown item type",
        ),
        (
            "<KMIP><BatchCount type=\"Integer\" vaule=\"1\"/></KMIP>",
            1,
            34,
            "unknown attribute vaule",
        ),
        ("<KMIP><!-- open", 1, 7, "unterminated comment"),
        ("</KMIP>", 1, 1, "no opening tag"),
    ];
    for (text, line, column, message) in cases {
        let err = parse_document(text).unwrap_err();
        assert_eq!((err.line, err.column), (*line, *column), "{text}: {err}");
        assert!(err.message.contains(message), "{text}: {err}");
        assert!(err
            .to_string()
            .starts_with(&format!("line {line}, column {column}")));
    }
}

#[test]
fn parses_and_converts_a_test_case() {
    let case = parse_test_case(CREATE).unwrap();
    assert_eq!(case.exchanges.len(), 1);
    let request = &case.exchanges[0].request;
    assert_eq!(request.name, "RequestMessage");
    assert_eq!((request.line, request.column), (4, 1));
    let note = &request.children[1].children[1].children[1].children[2].children[1];
    assert_eq!(note.text(), "a & b <c> \"d\" 'e' AB");

    let env = Bindings::new(1_000_000);
    let item = to_ttlv(request, &env).unwrap();
    assert_eq!(item.tag, tag("RequestMessage"));
    let attrs = &item.children()[1].children()[1].children()[1];
    let usage = &attrs.children()[0].children()[1];
    let flags = dict::mask_flags(tag("CryptographicUsageMask")).unwrap();
    let bit = |n: &str| flags.iter().find(|(f, _)| *f == n).unwrap().1;
    let want = bit("Encrypt") | bit("Decrypt");
    assert_eq!(
        usage.value,
        Value::Integer(i32::from_be_bytes(want.to_be_bytes()))
    );
    let algorithm = &attrs.children()[1].children()[1];
    assert_eq!(
        algorithm.value,
        Value::Enumeration(dict::enum_by_name(tag("CryptographicAlgorithm"), "AES").unwrap())
    );
    let date = &attrs.children()[3].children()[1];
    assert_eq!(date.value, Value::DateTime(1_000_000 - 3600));

    // The response needs the placeholder.
    let response = &case.exchanges[0].response;
    let err = to_ttlv(response, &env).unwrap_err();
    assert!(err.message.contains("$UNIQUE_IDENTIFIER_0"), "{err}");
    let mut env = env;
    env.bind("$UNIQUE_IDENTIFIER_0", Value::TextString("id-1".into()));
    let item = to_ttlv(response, &env).unwrap();
    let payload = &item.children()[1].children()[2];
    assert_eq!(payload.children()[1].as_text(), Some("id-1"));
    assert_eq!(
        item.children()[0].children()[1].value,
        Value::DateTime(978_343_200)
    );
}

#[test]
fn conversion_errors() {
    let bad = [
        (
            "<Operation type=\"Enumeration\" value=\"Frobnicate\"/>",
            "unknown enumeration",
        ),
        (
            "<BatchCount type=\"Integer\" value=\"many\"/>",
            "not a number",
        ),
        (
            "<CryptographicUsageMask type=\"Integer\" value=\"Encrypt Frob\"/>",
            "unknown mask flag \"Frob\"",
        ),
        ("<KeyMaterial type=\"ByteString\" value=\"abc\"/>", "hex"),
        (
            "<TimeStamp type=\"DateTime\" value=\"yesterday\"/>",
            "not a valid DateTime",
        ),
        (
            "<BatchOrderOption type=\"Boolean\" value=\"yes\"/>",
            "not a valid Boolean",
        ),
    ];
    for (text, message) in bad {
        let nodes = parse_document(text).unwrap();
        let err = to_ttlv(&nodes[0], &Bindings::new(0)).unwrap_err();
        assert!(err.message.contains(message), "{text}: {err}");
        assert_eq!((err.line, err.column), (1, 1));
    }
    // Built by hand with a name the dictionary does not know.
    let mut node = XmlNode::leaf(0, ItemType::Integer, "1");
    node.name = "Bogus".into();
    let err = to_ttlv(&node, &Bindings::new(0)).unwrap_err();
    assert!(err.message.contains("<Bogus>"), "{err}");
}

#[test]
fn values_of_every_type() {
    let text = r#"<TemplateAttribute>
      <ProtocolVersionMajor type="Integer" value="0x0000000A"/>
      <UsageLimitsTotal type="LongInteger" value="-12"/>
      <Modulus type="BigInteger" value="0x00C0FFEE"/>
      <ObjectType type="Enumeration" value="0x00000002"/>
      <RandomIV type="Boolean" value="true"/>
      <NameValue type="TextString" value=""/>
      <IVCounterNonce type="ByteString" value=""/>
      <LeaseTime type="Interval" value="3600"/>
      <TTLV tag="0x540001" type="TextString" value="vendor"/>
    </TemplateAttribute>"#;
    let nodes = parse_document(text).unwrap();
    let item = to_ttlv(&nodes[0], &Bindings::new(0)).unwrap();
    let values: Vec<&Value> = item.children().iter().map(|c| &c.value).collect();
    assert_eq!(values[0], &Value::Integer(10));
    assert_eq!(values[1], &Value::LongInteger(-12));
    assert_eq!(
        values[2],
        &Value::BigInteger(vec![0, 0, 0, 0, 0, 0xC0, 0xFF, 0xEE])
    );
    assert_eq!(values[3], &Value::Enumeration(2));
    assert_eq!(values[4], &Value::Boolean(true));
    assert_eq!(values[5], &Value::TextString(String::new()));
    assert_eq!(values[6], &Value::ByteString(Vec::new()));
    assert_eq!(values[7], &Value::Interval(3600));
    assert_eq!(item.children()[8].tag, 0x540001);

    // Round trip through rendering.
    let rendered = render(&from_ttlv(&item));
    assert!(rendered.contains("<TTLV tag=\"0x540001\" type=\"TextString\" value=\"vendor\"/>"));
    let again = to_ttlv(&parse_document(&rendered).unwrap()[0], &Bindings::new(0)).unwrap();
    assert_eq!(again, item);
}

#[test]
fn render_round_trip_with_names() {
    let case = parse_test_case(CREATE).unwrap();
    let env = Bindings {
        now: 978_343_200,
        values: BTreeMap::new(),
        invent_unbound: true,
    };
    for exchange in &case.exchanges {
        for node in [&exchange.request, &exchange.response] {
            let item = to_ttlv(node, &env).unwrap();
            let xml = render(&from_ttlv(&item));
            assert!(
                xml.contains("value=\"Encrypt Decrypt\"") || node.name != "RequestMessage",
                "{xml}"
            );
            assert!(xml.contains("value=\"SymmetricKey\""), "{xml}");
            let back = parse_document(&xml).unwrap();
            assert_eq!(to_ttlv(&back[0], &env).unwrap(), item);
        }
    }
    // The original text (no comments, same layout) parses to the same nodes.
    let doc = render_document(&[case.exchanges[0].request.clone()]);
    let mut original = case.exchanges[0].request.clone();
    strip_positions(&mut original);
    let mut reparsed = parse_document(&doc).unwrap().remove(0);
    strip_positions(&mut reparsed);
    assert_eq!(original, reparsed);
}

fn strip_positions(node: &mut XmlNode) {
    node.line = 0;
    node.column = 0;
    for c in &mut node.children {
        strip_positions(c);
    }
}

#[test]
fn test_case_structure_errors() {
    let only_response = "<KMIP><ResponseMessage/></KMIP>";
    assert!(parse_test_case(only_response)
        .unwrap_err()
        .message
        .contains("expected <RequestMessage>"));
    let two_requests = "<KMIP><RequestMessage/>\n<RequestMessage/></KMIP>";
    let err = parse_test_case(two_requests).unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.message.contains("expected <ResponseMessage>"));
    let dangling = "<RequestMessage/>";
    assert!(parse_test_case(dangling)
        .unwrap_err()
        .message
        .contains("no response"));
}

#[test]
fn debug_hides_key_material() {
    let node = XmlNode::leaf(tag("KeyMaterial"), ItemType::ByteString, "00112233");
    let shown = format!("{node:?}");
    assert!(!shown.contains("00112233"), "{shown}");
    let mut env = Bindings::new(0);
    env.bind("KEY_MATERIAL_0", Value::ByteString(vec![0xAB; 4]));
    assert!(!format!("{env:?}").contains("171"));
}
