use super::*;
use crate::ttlv;
use std::path::{Path, PathBuf};

const NOW: i64 = 1_700_000_000;

/// The test vectors: `KEYHAVEN_KMIP_VECTORS` or `shared/kmip-test-vectors` beside the
/// workspace. Missing: a skip message, or a failure when `CI=true`.
fn vectors_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("KEYHAVEN_KMIP_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/kmip-test-vectors")
        });
    if dir.is_dir() {
        return Some(dir);
    }
    let message = format!(
        "KMIP test vectors not found at {} (set KEYHAVEN_KMIP_VECTORS)",
        dir.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{message}");
    }
    eprintln!("skipping: {message}");
    None
}

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            xml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "xml") {
            out.push(path);
        }
    }
}

fn load(relative: &str) -> Option<TestCase> {
    let path = vectors_dir()?.join(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    Some(xml::parse_test_case(&text).unwrap())
}

/// The expected response i as an item, with the replay's bindings and made-up values for
/// placeholders not bound yet: what a server behaving exactly like the file would answer.
fn fake_response(replay: &Replay, i: usize) -> Ttlv {
    let env = Bindings {
        now: NOW,
        values: replay.bindings().values.clone(),
        invent_unbound: true,
    };
    xml::to_ttlv(&replay.case().exchanges[i].response, &env).unwrap()
}

fn step(replay: &mut Replay, i: usize) {
    replay.request(i).unwrap();
    let response = fake_response(replay, i);
    replay.check_response(i, &response).unwrap();
}

/// A replay that has passed exchanges `0..i` and built request i.
fn replay_at(case: &TestCase, i: usize) -> Replay {
    let mut replay = Replay::new(case, NOW);
    for k in 0..i {
        step(&mut replay, k);
    }
    replay.request(i).unwrap();
    replay
}

fn tag(name: &str) -> u32 {
    dict::tag_by_name(name).unwrap_or_else(|| panic!("no tag {name}"))
}

fn children_mut(item: &mut Ttlv) -> &mut Vec<Ttlv> {
    match &mut item.value {
        Value::Structure(children) => children,
        _ => panic!("not a structure"),
    }
}

/// The item at `path` of tag names (`Name#k` for the k-th of that name).
fn find_mut<'a>(item: &'a mut Ttlv, path: &[&str]) -> &'a mut Ttlv {
    let mut current = item;
    for step in path {
        let (name, k) = match step.split_once('#') {
            Some((n, k)) => (n, k.parse::<usize>().unwrap()),
            None => (*step, 0),
        };
        current = children_mut(current)
            .iter_mut()
            .filter(|c| dict::tag_name(c.tag) == Some(name))
            .nth(k)
            .unwrap_or_else(|| panic!("no {step}"));
    }
    current
}

fn payload(response: &mut Ttlv) -> &mut Ttlv {
    find_mut(response, &["BatchItem", "ResponsePayload"])
}

/// The position of the 1.x Attribute named `name` in the payload.
fn attribute_index(response: &mut Ttlv, name: &str) -> usize {
    payload(response)
        .children()
        .iter()
        .position(|c| is(c.tag, "Attribute") && child_text(c, "AttributeName") == Some(name))
        .unwrap_or_else(|| panic!("no attribute {name}"))
}

fn attribute_value<'a>(response: &'a mut Ttlv, name: &str) -> &'a mut Ttlv {
    let index = attribute_index(response, name);
    let attribute = &mut children_mut(payload(response))[index];
    find_mut(attribute, &["AttributeValue"])
}

fn enumeration(tag_name: &str, name: &str) -> Value {
    Value::Enumeration(dict::enum_by_name(tag(tag_name), name).unwrap())
}

fn flip_first_byte(item: &mut Ttlv) {
    match &mut item.value {
        Value::ByteString(b) => b[0] ^= 0xFF,
        _ => panic!("not a byte string"),
    }
}

fn rules_applied(replay: &Replay) -> Vec<Rule> {
    replay.tolerated().iter().map(|t| t.rule).collect()
}

#[test]
fn every_vector_replays_against_itself() {
    let Some(dir) = vectors_dir() else { return };
    let mut files = Vec::new();
    xml_files(&dir, &mut files);
    assert!(files.len() >= 100, "only {} files", files.len());
    let mut failures = Vec::new();
    let mut exchanges = 0usize;
    for file in &files {
        let name = file
            .strip_prefix(&dir)
            .unwrap_or(file)
            .display()
            .to_string();
        let text = std::fs::read_to_string(file).unwrap();
        let case = match xml::parse_test_case(&text) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let mut replay = Replay::new(&case, NOW);
        for i in 0..replay.len() {
            let request = match replay.request(i) {
                Ok(r) => r,
                Err(e) => {
                    failures.push(format!("{name}: request {i}: {e}"));
                    break;
                }
            };
            let response = fake_response(&replay, i);
            for (what, item) in [("request", &request), ("response", &response)] {
                match ttlv::decode(&item.encode(), &ttlv::Limits::default()) {
                    Ok(back) if back == *item => {}
                    Ok(_) => failures.push(format!("{name}: {what} {i} changes in encode/decode")),
                    Err(e) => failures.push(format!("{name}: {what} {i}: {e}")),
                }
            }
            if let Err(d) = replay.check_response(i, &response) {
                failures.push(format!("{name}: {d}"));
                break;
            }
            exchanges += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(exchanges > 500, "only {exchanges} exchanges");
}

/// Not a check: prints, for every value of every expected response, whether a server
/// answering another value (one byte flipped, one added, two hours later, ...) would pass
/// (and under which rule) or fail: a review aid for the rules.
/// `cargo test -p keyhaven-kmip -- --ignored survey_values --nocapture`
#[test]
#[ignore]
fn survey_values() {
    let Some(dir) = vectors_dir() else { return };
    let mut files = Vec::new();
    xml_files(&dir, &mut files);
    fn leaves(item: &Ttlv, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if let Value::Structure(c) = &item.value {
            for (k, x) in c.iter().enumerate() {
                path.push(k);
                leaves(x, path, out);
                path.pop();
            }
        } else if !matches!(item.value, Value::ByteString(ref b) if b.is_empty()) {
            out.push(path.clone());
        }
    }
    fn at<'a>(item: &'a mut Ttlv, path: &[usize]) -> &'a mut Ttlv {
        let mut cur = item;
        for k in path {
            cur = &mut children_mut(cur)[*k];
        }
        cur
    }
    for file in &files {
        let name = file.strip_prefix(&dir).unwrap().display().to_string();
        let case = xml::parse_test_case(&std::fs::read_to_string(file).unwrap()).unwrap();
        let mut replay = Replay::new(&case, NOW);
        for i in 0..replay.len() {
            replay.request(i).unwrap();
            let response = fake_response(&replay, i);
            let mut paths = Vec::new();
            leaves(&response, &mut Vec::new(), &mut paths);
            for path in paths {
                let mut r = replay.clone();
                let mut m = response.clone();
                let leaf = at(&mut m, &path);
                let tagname = tag_label(leaf.tag);
                match &mut leaf.value {
                    Value::ByteString(b) => b[0] ^= 0xFF,
                    Value::Integer(v) => *v = v.wrapping_add(1),
                    Value::LongInteger(v) => *v = v.wrapping_add(1),
                    Value::Enumeration(v) => *v = v.wrapping_add(1),
                    Value::Interval(v) => *v = v.wrapping_add(1),
                    Value::Boolean(v) => *v = !*v,
                    Value::TextString(t) => t.push('x'),
                    Value::DateTime(v) => *v += 7200,
                    Value::DateTimeExtended(v) => *v += 7_200_000_000,
                    Value::BigInteger(b) => b[0] ^= 0xFF,
                    Value::Structure(_) => {}
                }
                let before = r.tolerated().len();
                match r.check_response(i, &m) {
                    Ok(()) => println!(
                        "TOL {name} {i} {tagname} {:?}",
                        r.tolerated()[before..]
                            .iter()
                            .map(|t| t.rule)
                            .collect::<Vec<_>>()
                    ),
                    Err(d) => println!("STRICT {name} {i} {tagname} {}", d.path),
                }
            }
            replay.check_response(i, &response).unwrap();
        }
    }
}

#[test]
fn rules_table_matches_documentation() {
    let source = include_str!("../replay.rs");
    let mut names = BTreeSet::new();
    for info in RULES {
        assert!(names.insert(info.name), "duplicate rule name {}", info.name);
        assert_eq!(info.rule.info().name, info.name);
        assert!(
            source.contains(&format!("//! | `{}` |", info.name)),
            "rule {} is not in the module documentation",
            info.name
        );
        assert!(!info.description.is_empty());
    }
    assert_eq!(names.len(), 24);
}

#[test]
fn deterministic_values_must_match() {
    // Registered AES key, Encrypt in ECB mode: the ciphertext is determined.
    let Some(case) = load("1.4/mandatory/CS-BC-M-4-14.xml") else {
        return;
    };

    let mut replay = replay_at(&case, 0);
    let mut response = fake_response(&replay, 0);
    find_mut(&mut response, &["BatchItem", "ResultStatus"]).value =
        enumeration("ResultStatus", "OperationFailed");
    let d = replay.check_response(0, &response).unwrap_err();
    assert_eq!(d.path, "ResponseMessage/BatchItem[0]/ResultStatus");
    assert!(
        d.message
            .starts_with("expected Success, got OperationFailed"),
        "{d}"
    );
    assert_eq!(d.exchange, 0);

    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    find_mut(
        &mut response,
        &["BatchItem", "ResponsePayload", "UniqueIdentifier"],
    )
    .value = Value::TextString("someone-else".into());
    let d = replay.check_response(1, &response).unwrap_err();
    assert_eq!(
        d.path,
        "ResponseMessage/BatchItem[0]/ResponsePayload/UniqueIdentifier"
    );
    assert!(d.message.contains("$UNIQUE_IDENTIFIER_0"), "{d}");
    assert!(d.message.contains("\"someone-else\""), "{d}");

    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    flip_first_byte(find_mut(
        &mut response,
        &["BatchItem", "ResponsePayload", "Data"],
    ));
    let d = replay.check_response(1, &response).unwrap_err();
    assert_eq!(d.path, "ResponseMessage/BatchItem[0]/ResponsePayload/Data");
    assert!(d.message.starts_with("expected d9bcce11"), "{d}");
    assert_eq!(
        d.to_string(),
        format!("exchange 1: {}: {}", d.path, d.message)
    );

    // The request reuses the identifier the server gave.
    let mut replay = Replay::new(&case, NOW);
    replay.request(0).unwrap();
    let mut response = fake_response(&replay, 0);
    find_mut(
        &mut response,
        &["BatchItem", "ResponsePayload", "UniqueIdentifier"],
    )
    .value = Value::TextString("uid-42".into());
    replay.check_response(0, &response).unwrap();
    let request = replay.request(1).unwrap();
    let uid = find_mut(
        &mut request.clone(),
        &["BatchItem", "RequestPayload", "UniqueIdentifier"],
    )
    .value
    .clone();
    assert_eq!(uid, Value::TextString("uid-42".into()));
}

#[test]
fn encrypt_with_a_generated_key_is_tolerated() {
    // Create (server key), Encrypt ECB: the file's ciphertext is the vendor's.
    let Some(case) = load("1.4/mandatory/CS-BC-M-1-14.xml") else {
        return;
    };
    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    flip_first_byte(find_mut(
        &mut response,
        &["BatchItem", "ResponsePayload", "Data"],
    ));
    replay.check_response(1, &response).unwrap();
    let tolerated = replay.tolerated().last().unwrap();
    assert_eq!(tolerated.rule, Rule::NondeterministicEncrypt);
    assert_eq!(
        tolerated.path,
        "ResponseMessage/BatchItem[0]/ResponsePayload/Data"
    );

    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    find_mut(&mut response, &["BatchItem", "ResponsePayload", "Data"]).value =
        Value::ByteString(vec![1; 32]);
    let d = replay.check_response(1, &response).unwrap_err();
    assert!(d.message.contains("expected 16 bytes, got 32 bytes"), "{d}");
}

#[test]
fn server_ciphertext_is_reused_and_the_round_trip_checked() {
    // Create, Encrypt (tolerated), Decrypt of the file's ciphertext, which must be the
    // server's, and whose plaintext is then exact.
    let Some(case) = load("1.4/mandatory/CS-BC-M-3-14.xml") else {
        return;
    };
    for mutate_plaintext in [false, true] {
        let mut replay = replay_at(&case, 1);
        let mut response = fake_response(&replay, 1);
        let data = find_mut(&mut response, &["BatchItem", "ResponsePayload", "Data"]);
        flip_first_byte(data);
        let server_ciphertext = data.value.clone();
        replay.check_response(1, &response).unwrap();
        let mut request = replay.request(2).unwrap();
        let sent = find_mut(&mut request, &["BatchItem", "RequestPayload", "Data"]);
        assert_eq!(sent.value, server_ciphertext);

        let mut response = fake_response(&replay, 2);
        if mutate_plaintext {
            flip_first_byte(find_mut(
                &mut response,
                &["BatchItem", "ResponsePayload", "Data"],
            ));
            let d = replay.check_response(2, &response).unwrap_err();
            assert_eq!(d.path, "ResponseMessage/BatchItem[0]/ResponsePayload/Data");
        } else {
            replay.check_response(2, &response).unwrap();
        }
    }

    // Decrypt of the file's ciphertext with a generated key: any plaintext of that length.
    let Some(case) = load("1.4/mandatory/CS-BC-M-2-14.xml") else {
        return;
    };
    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    flip_first_byte(find_mut(
        &mut response,
        &["BatchItem", "ResponsePayload", "Data"],
    ));
    replay.check_response(1, &response).unwrap();
    assert_eq!(
        rules_applied(&replay).last(),
        Some(&Rule::GeneratedKeyDecrypt)
    );
}

#[test]
fn placeholders_used_before_bound_take_the_last_server_value() {
    // CS-BC-M-13: Encrypt with a random IV, then Decrypt $DATA_0 with $IV_COUNTER_NONCE.
    let Some(case) = load("1.4/mandatory/CS-BC-M-13-14.xml") else {
        return;
    };
    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    find_mut(&mut response, &["BatchItem", "ResponsePayload", "Data"]).value =
        Value::ByteString(vec![7; 48]);
    find_mut(
        &mut response,
        &["BatchItem", "ResponsePayload", "IVCounterNonce"],
    )
    .value = Value::ByteString(vec![9; 16]);
    replay.check_response(1, &response).unwrap();
    let rules = rules_applied(&replay);
    assert!(rules.contains(&Rule::NondeterministicEncrypt), "{rules:?}");
    assert!(rules.contains(&Rule::ServerIv), "{rules:?}");
    step(&mut replay, 2);
    let mut request = replay.request(3).unwrap();
    let payload = find_mut(&mut request, &["BatchItem", "RequestPayload"]);
    assert_eq!(
        child(payload, "Data").unwrap().value,
        Value::ByteString(vec![7; 48])
    );
    assert_eq!(
        child(payload, "IVCounterNonce").unwrap().value,
        Value::ByteString(vec![9; 16])
    );
}

#[test]
fn get_attributes_compares_a_multiset() {
    let Some(case) = load("1.4/mandatory/SKLC-M-1-14.xml") else {
        return;
    };

    // Reversed order, another digest of a generated key, a date within the window.
    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    let p = payload(&mut response);
    let children = children_mut(p);
    children[1..].reverse();
    flip_first_byte(find_mut(
        attribute_value(&mut response, "Digest"),
        &["DigestValue"],
    ));
    attribute_value(&mut response, "Initial Date").value = Value::DateTime(NOW + 100);
    replay.check_response(1, &response).unwrap();
    let rules = rules_applied(&replay);
    for rule in [Rule::AttributeOrder, Rule::GeneratedDigest, Rule::NowWindow] {
        assert!(rules.contains(&rule), "{rule} not in {rules:?}");
    }

    // A value the request determined.
    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    attribute_value(&mut response, "Cryptographic Length").value = Value::Integer(128);
    let d = replay.check_response(1, &response).unwrap_err();
    assert!(
        d.path
            .starts_with("ResponseMessage/BatchItem[0]/ResponsePayload/Attribute["),
        "{d}"
    );
    assert!(d.path.ends_with("/AttributeValue"), "{d}");
    assert!(d.message.contains("expected 256, got 128"), "{d}");

    // A date far from now.
    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    attribute_value(&mut response, "Last Change Date").value = Value::DateTime(NOW - 3 * 86_400);
    let d = replay.check_response(1, &response).unwrap_err();
    assert!(d.message.contains("within 86400 s"), "{d}");

    // An attribute the request did not name.
    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    let index = attribute_index(&mut response, "State");
    let copy = payload(&mut response).children()[index].clone();
    children_mut(payload(&mut response)).push(copy);
    let d = replay.check_response(1, &response).unwrap_err();
    assert!(d.message.contains("unexpected attribute \"State\""), "{d}");

    // A missing attribute.
    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    let index = attribute_index(&mut response, "Initial Date");
    children_mut(payload(&mut response)).remove(index);
    let d = replay.check_response(1, &response).unwrap_err();
    assert!(d.message.contains("\"Initial Date\" is missing"), "{d}");
}

#[test]
fn get_all_attributes_accepts_more_and_policy_attributes() {
    // TL-M-3: GetAttributes without names after a Locate.
    let Some(case) = load("1.4/mandatory/TL-M-3-14.xml") else {
        return;
    };
    let mut replay = replay_at(&case, 2);
    let mut response = fake_response(&replay, 2);
    let items = find_mut(&mut response, &["BatchItem#1", "ResponsePayload"]);
    let extra = {
        let mut a = items.children()[1].clone();
        find_mut(&mut a, &["AttributeName"]).value =
            Value::TextString("Contact Information".into());
        find_mut(&mut a, &["AttributeValue"]).value = Value::TextString("admin".into());
        a
    };
    children_mut(items).push(extra);
    let lease = items
        .children()
        .iter()
        .position(|c| child_text(c, "AttributeName") == Some("Lease Time"))
        .unwrap();
    children_mut(items).remove(lease);
    replay.check_response(2, &response).unwrap();
    let rules = rules_applied(&replay);
    assert!(rules.contains(&Rule::AllAttributes), "{rules:?}");
    assert!(rules.contains(&Rule::ServerPolicyAttributes), "{rules:?}");

    let mut replay = replay_at(&case, 2);
    let mut response = fake_response(&replay, 2);
    let items = find_mut(&mut response, &["BatchItem#1", "ResponsePayload"]);
    let algorithm = items
        .children()
        .iter()
        .position(|c| child_text(c, "AttributeName") == Some("Cryptographic Algorithm"))
        .unwrap();
    children_mut(items).remove(algorithm);
    let d = replay.check_response(2, &response).unwrap_err();
    assert_eq!(
        d.path,
        "ResponseMessage/BatchItem[1]/ResponsePayload/Attribute[7]"
    );
    assert!(
        d.message.contains("\"Cryptographic Algorithm\" is missing"),
        "{d}"
    );
}

#[test]
fn kmip2_attributes_and_header() {
    let Some(case) = load("2.1/mandatory/SKLC-M-1-21.xml") else {
        return;
    };
    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    children_mut(find_mut(
        &mut response,
        &["BatchItem", "ResponsePayload", "Attributes"],
    ))
    .reverse();
    children_mut(find_mut(&mut response, &["ResponseHeader"]))
        .push(Ttlv::text(tag("ServerCorrelationValue"), "xyz"));
    replay.check_response(1, &response).unwrap();
    let rules = rules_applied(&replay);
    assert!(rules.contains(&Rule::AttributeOrder), "{rules:?}");
    assert!(rules.contains(&Rule::HeaderExtras), "{rules:?}");

    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    find_mut(
        &mut response,
        &["ResponseHeader", "ProtocolVersion", "ProtocolVersionMinor"],
    )
    .value = Value::Integer(0);
    let d = replay.check_response(1, &response).unwrap_err();
    assert_eq!(
        d.path,
        "ResponseMessage/ResponseHeader/ProtocolVersion/ProtocolVersionMinor"
    );

    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    find_mut(
        &mut response,
        &[
            "BatchItem",
            "ResponsePayload",
            "Attributes",
            "CryptographicAlgorithm",
        ],
    )
    .value = enumeration("CryptographicAlgorithm", "DES");
    let d = replay.check_response(1, &response).unwrap_err();
    assert_eq!(
        d.path,
        "ResponseMessage/BatchItem[0]/ResponsePayload/Attributes/CryptographicAlgorithm"
    );
    assert!(d.message.contains("expected AES, got DES"), "{d}");
}

#[test]
fn key_material_is_never_shown() {
    let Some(case) = load("2.1/mandatory/BL-M-1-21.xml") else {
        return;
    };
    let mut replay = replay_at(&case, 3);
    let mut response = fake_response(&replay, 3);
    let material = find_mut(
        &mut response,
        &[
            "BatchItem",
            "ResponsePayload",
            "SymmetricKey",
            "KeyBlock",
            "KeyValue",
            "KeyMaterial",
        ],
    );
    flip_first_byte(material);
    let d = replay.check_response(3, &response).unwrap_err();
    assert!(d.path.ends_with("/KeyValue/KeyMaterial"), "{d}");
    assert!(d.message.contains("not shown"), "{d}");
    assert!(!d.message.contains("0123456789abcdef"), "{d}");
    assert!(!d.message.contains("fe23456789abcdef"), "{d}");
}

#[test]
fn generated_key_material_is_tolerated() {
    // SKFF-M-6: Create, Locate, Get of the generated key.
    let Some(case) = load("1.4/mandatory/SKFF-M-6-14.xml") else {
        return;
    };
    let mut replay = replay_at(&case, 2);
    let mut response = fake_response(&replay, 2);
    let path = [
        "BatchItem",
        "ResponsePayload",
        "SymmetricKey",
        "KeyBlock",
        "KeyValue",
        "KeyMaterial",
    ];
    flip_first_byte(find_mut(&mut response, &path));
    replay.check_response(2, &response).unwrap();
    assert_eq!(
        rules_applied(&replay).last(),
        Some(&Rule::GeneratedKeyMaterial)
    );

    let mut replay = replay_at(&case, 2);
    let mut response = fake_response(&replay, 2);
    find_mut(&mut response, &path).value = Value::ByteString(vec![0; 16]);
    let d = replay.check_response(2, &response).unwrap_err();
    assert!(d.message.contains("expected 24 bytes, got 16 bytes"), "{d}");

    // Locate must find exactly the object.
    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    children_mut(payload(&mut response)).push(Ttlv::text(tag("UniqueIdentifier"), "stale"));
    let d = replay.check_response(1, &response).unwrap_err();
    assert!(d.message.contains("expected 1 identifiers, got 2"), "{d}");
}

#[test]
fn identifiers_must_be_distinct() {
    let Some(case) = load("1.4/mandatory/AKLC-M-1-14.xml") else {
        return;
    };
    let mut replay = replay_at(&case, 0);
    let mut response = fake_response(&replay, 0);
    let private = find_mut(
        &mut response,
        &["BatchItem", "ResponsePayload", "PrivateKeyUniqueIdentifier"],
    )
    .value
    .clone();
    find_mut(
        &mut response,
        &["BatchItem", "ResponsePayload", "PublicKeyUniqueIdentifier"],
    )
    .value = private;
    let d = replay.check_response(0, &response).unwrap_err();
    assert!(d.message.contains("$UNIQUE_IDENTIFIER_1"), "{d}");
    assert!(d.message.contains("$UNIQUE_IDENTIFIER_0"), "{d}");
}

#[test]
fn query_lists_and_random_numbers() {
    let Some(case) = load("1.4/mandatory/TL-M-1-14.xml") else {
        return;
    };
    // Listing fewer operations is fine unless the case uses them (it uses Query).
    let mut replay = replay_at(&case, 0);
    let mut response = fake_response(&replay, 0);
    let operation = tag("Operation");
    let locate = enumeration("Operation", "Locate");
    children_mut(payload(&mut response)).retain(|c| !(c.tag == operation && c.value == locate));
    children_mut(payload(&mut response)).retain(|c| !is(c.tag, "VendorIdentification"));
    replay.check_response(0, &response).unwrap();
    let rules = rules_applied(&replay);
    assert!(rules.contains(&Rule::QueryLists), "{rules:?}");
    assert!(rules.contains(&Rule::QueryInformation), "{rules:?}");

    let mut replay = replay_at(&case, 0);
    let mut response = fake_response(&replay, 0);
    let query = enumeration("Operation", "Query");
    children_mut(payload(&mut response)).retain(|c| !(c.tag == operation && c.value == query));
    let d = replay.check_response(0, &response).unwrap_err();
    assert!(d.message.contains("does not list Operation Query"), "{d}");

    let Some(case) = load("1.4/mandatory/CS-RNG-M-1-14.xml") else {
        return;
    };
    let mut replay = replay_at(&case, 0);
    let mut response = fake_response(&replay, 0);
    flip_first_byte(find_mut(
        &mut response,
        &["BatchItem", "ResponsePayload", "Data"],
    ));
    replay.check_response(0, &response).unwrap();
    let mut replay = replay_at(&case, 0);
    let mut response = fake_response(&replay, 0);
    find_mut(&mut response, &["BatchItem", "ResponsePayload", "Data"]).value =
        Value::ByteString(vec![1; 31]);
    assert!(replay.check_response(0, &response).is_err());
}

#[test]
fn result_message_is_free() {
    // CS-BC-M-11 exchange 3: Decrypt without IV fails with "missing-iv".
    let Some(case) = load("1.4/mandatory/CS-BC-M-11-14.xml") else {
        return;
    };
    let mut replay = replay_at(&case, 3);
    let mut response = fake_response(&replay, 3);
    find_mut(&mut response, &["BatchItem", "ResultMessage"]).value =
        Value::TextString("no IV".into());
    replay.check_response(3, &response).unwrap();

    let mut replay = replay_at(&case, 3);
    let mut response = fake_response(&replay, 3);
    children_mut(find_mut(&mut response, &["BatchItem"])).retain(|c| !is(c.tag, "ResultMessage"));
    replay.check_response(3, &response).unwrap();

    // Another reason is a difference, and the message says what the server said.
    let mut replay = replay_at(&case, 3);
    let mut response = fake_response(&replay, 3);
    find_mut(&mut response, &["BatchItem", "ResultReason"]).value =
        enumeration("ResultReason", "CryptographicFailure");
    let d = replay.check_response(3, &response).unwrap_err();
    assert_eq!(d.path, "ResponseMessage/BatchItem[0]/ResultReason");
    assert!(
        d.message
            .contains("expected InvalidMessage, got CryptographicFailure"),
        "{d}"
    );

    let mut replay = replay_at(&case, 3);
    let mut response = fake_response(&replay, 3);
    find_mut(&mut response, &["BatchItem", "ResultStatus"]).value =
        enumeration("ResultStatus", "Success");
    let d = replay.check_response(3, &response).unwrap_err();
    assert!(
        d.message
            .contains("expected OperationFailed, got Success (InvalidMessage: \"missing-iv\")"),
        "{d}"
    );
}

#[test]
fn run_case_drives_a_whole_file() {
    let Some(case) = load("1.4/mandatory/SKLC-M-2-14.xml") else {
        return;
    };
    let responses: Vec<Ttlv> = {
        let env = Bindings {
            now: NOW,
            values: BTreeMap::new(),
            invent_unbound: true,
        };
        case.exchanges
            .iter()
            .map(|e| xml::to_ttlv(&e.response, &env).unwrap())
            .collect()
    };
    let mut k = 0usize;
    let mut server = |_: &Ttlv| -> Result<Ttlv, String> {
        k += 1;
        Ok(responses[k - 1].clone())
    };
    let result = run_case(&case, NOW, &mut server);
    assert!(result.passed(), "{result:?}");

    let mut k = 0usize;
    let mut failing = |_: &Ttlv| -> Result<Ttlv, String> {
        k += 1;
        let mut r = responses[k - 1].clone();
        if k == 3 {
            find_mut(&mut r, &["BatchItem", "ResultStatus"]).value =
                enumeration("ResultStatus", "OperationFailed");
        }
        Ok(r)
    };
    match run_case(&case, NOW, &mut failing) {
        CaseResult::Failed { difference, .. } => {
            assert_eq!(difference.exchange, 2);
            assert_eq!(difference.path, "ResponseMessage/BatchItem[0]/ResultStatus");
        }
        other => panic!("{other:?}"),
    }

    let mut broken = |_: &Ttlv| -> Result<Ttlv, String> { Err("connection reset".into()) };
    assert_eq!(
        run_case(&case, NOW, &mut broken),
        CaseResult::Error {
            exchange: 0,
            message: "connection reset".into()
        }
    );
}

#[test]
fn attribute_index_zero_and_streams() {
    let Some(case) = load("1.4/mandatory/SKLC-M-1-14.xml") else {
        return;
    };
    let mut replay = replay_at(&case, 1);
    let mut response = fake_response(&replay, 1);
    let index = attribute_index(&mut response, "State");
    let attribute = &mut children_mut(payload(&mut response))[index];
    children_mut(attribute).insert(1, Ttlv::integer(tag("AttributeIndex"), 0));
    replay.check_response(1, &response).unwrap();
    assert!(rules_applied(&replay).contains(&Rule::AttributeIndexZero));

    // The last part of a GCM stream continues with the first part's IV: exact.
    let Some(case) = load("1.4/mandatory/CS-BC-M-GCM-3-14.xml") else {
        return;
    };
    let mut replay = replay_at(&case, 2);
    let mut response = fake_response(&replay, 2);
    flip_first_byte(find_mut(
        &mut response,
        &["BatchItem", "ResponsePayload", "AuthenticatedEncryptionTag"],
    ));
    let d = replay.check_response(2, &response).unwrap_err();
    assert!(d.path.ends_with("/AuthenticatedEncryptionTag"), "{d}");
}

#[test]
fn locate_binds_in_order_and_compares_as_a_set() {
    let text = r#"<KMIP>
<RequestMessage>
  <RequestHeader>
<ProtocolVersion>
  <ProtocolVersionMajor type="Integer" value="1"/>
  <ProtocolVersionMinor type="Integer" value="4"/>
</ProtocolVersion>
<BatchCount type="Integer" value="1"/>
  </RequestHeader>
  <BatchItem>
<Operation type="Enumeration" value="Locate"/>
<RequestPayload/>
  </BatchItem>
</RequestMessage>
<ResponseMessage>
  <ResponseHeader>
<ProtocolVersion>
  <ProtocolVersionMajor type="Integer" value="1"/>
  <ProtocolVersionMinor type="Integer" value="4"/>
</ProtocolVersion>
<TimeStamp type="DateTime" value="$NOW"/>
<BatchCount type="Integer" value="1"/>
  </ResponseHeader>
  <BatchItem>
<Operation type="Enumeration" value="Locate"/>
<ResultStatus type="Enumeration" value="Success"/>
<ResponsePayload>
  <UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/>
  <UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_1"/>
</ResponsePayload>
  </BatchItem>
</ResponseMessage>
</KMIP>"#;
    let mut case = xml::parse_test_case(text).unwrap();
    let mut second = case.exchanges[0].clone();
    let ids = &mut second.response.children[1].children[2].children;
    ids.swap(0, 1);
    case.exchanges.push(second);

    let mut replay = Replay::new(&case, NOW);
    replay.request(0).unwrap();
    let mut response = fake_response(&replay, 0);
    let uid = tag("UniqueIdentifier");
    *children_mut(payload(&mut response)) = vec![Ttlv::text(uid, "b"), Ttlv::text(uid, "a")];
    replay.check_response(0, &response).unwrap();
    assert_eq!(
        replay.bindings().get("UNIQUE_IDENTIFIER_0"),
        Some(&Value::TextString("b".into()))
    );
    // The second Locate lists them the other way round: the order is free.
    replay.request(1).unwrap();
    let mut again = response.clone();
    replay.check_response(1, &again).unwrap();
    assert_eq!(rules_applied(&replay), vec![Rule::LocateOrder]);
    // But not another identifier.
    let mut replay2 = replay.clone();
    *children_mut(payload(&mut again)) = vec![Ttlv::text(uid, "b"), Ttlv::text(uid, "c")];
    let d = replay2.check_response(1, &again).unwrap_err();
    assert!(
        d.message
            .contains("\"a\" ($UNIQUE_IDENTIFIER_1) is not in the response"),
        "{d}"
    );
}

#[test]
fn request_errors() {
    let Some(case) = load("1.4/mandatory/SKLC-M-1-14.xml") else {
        return;
    };
    let mut replay = Replay::new(&case, NOW);
    assert_eq!(
        replay.request(99),
        Err(ReplayError::NoSuchExchange {
            index: 99,
            count: case.exchanges.len()
        })
    );
    // Exchange 1 needs $UNIQUE_IDENTIFIER_0, which no response has given yet.
    match replay.request(1) {
        Err(ReplayError::Xml(e)) => assert!(e.message.contains("$UNIQUE_IDENTIFIER_0"), "{e}"),
        other => panic!("{other:?}"),
    }
}
