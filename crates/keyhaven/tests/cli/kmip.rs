//! `keyhaven kmip replay` against `serve --dev`: the OASIS KMIP conformance test cases, and a
//! case that must fail.

use std::path::PathBuf;

use super::{Server, BIN};

/// The OASIS test cases: KEYHAVEN_KMIP_VECTORS, or a `shared/kmip-test-vectors` directory
/// beside the checkout or one of its parents. Missing: the test skips, except with CI=true.
fn vectors() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("KEYHAVEN_KMIP_VECTORS") {
        return Some(PathBuf::from(p));
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = here
        .ancestors()
        .map(|a| a.join("shared/kmip-test-vectors"))
        .find(|p| p.join("1.4/mandatory").is_dir());
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the KMIP test vectors are missing: set KEYHAVEN_KMIP_VECTORS to the \
             kmip-test-vectors directory"
        );
        eprintln!("skipped: no shared/kmip-test-vectors found (set KEYHAVEN_KMIP_VECTORS)");
    }
    found
}

fn replay(server: &Server, paths: &[PathBuf]) -> std::process::Output {
    std::process::Command::new(BIN)
        .args(["kmip", "replay", "--addr", &server.kmip_addr, "--data-dir"])
        .arg(server.data())
        .args(paths)
        .env_remove("KEYHAVEN_ADDR")
        .output()
        .unwrap()
}

#[test]
fn replay_passes_the_oasis_mandatory_cases_and_reports_the_optional_ones() {
    let Some(dir) = vectors() else { return };
    let server = Server::start();
    let out = replay(
        &server,
        &[dir.join("1.4/mandatory"), dir.join("2.1/mandatory")],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}");
    assert!(out.status.success(), "replay failed:\n{text}");
    let summary = text.lines().last().unwrap_or_default();
    assert!(summary.contains(" 0 failed"), "{summary}");
    let passed: usize = summary
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap();
    let files = std::fs::read_dir(dir.join("1.4/mandatory"))
        .unwrap()
        .count()
        + std::fs::read_dir(dir.join("2.1/mandatory"))
            .unwrap()
            .count();
    let not_applicable = text.lines().filter(|l| l.starts_with("N/A")).count();
    assert_eq!(passed + not_applicable, files, "{summary}");
    // Every file not applicable names its reason.
    assert!(text
        .lines()
        .filter(|l| l.starts_with("N/A"))
        .all(|l| l.contains("Triple DES") || l.contains("RSA-OAEP")));

    // The optional cases are run and reported (some expect another server policy).
    let out = replay(&server, &[dir.join("1.4/optional")]);
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}");
    let summary = text.lines().last().unwrap_or_default();
    assert!(
        summary.contains("passed") && summary.contains("failed"),
        "{summary}"
    );
}

#[test]
fn replay_names_the_first_difference_and_fails() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    // A Create that succeeds, with an expected failure: the runner must say where it differs.
    let case = r#"<KMIP>
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
          <AttributeName type="TextString" value="Cryptographic Algorithm"/>
          <AttributeValue type="Enumeration" value="AES"/>
        </Attribute>
        <Attribute>
          <AttributeName type="TextString" value="Cryptographic Length"/>
          <AttributeValue type="Integer" value="256"/>
        </Attribute>
        <Attribute>
          <AttributeName type="TextString" value="Cryptographic Usage Mask"/>
          <AttributeValue type="Integer" value="Encrypt Decrypt"/>
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
    <TimeStamp type="DateTime" value="$NOW"/>
    <BatchCount type="Integer" value="1"/>
  </ResponseHeader>
  <BatchItem>
    <Operation type="Enumeration" value="Create"/>
    <ResultStatus type="Enumeration" value="OperationFailed"/>
    <ResultReason type="Enumeration" value="PermissionDenied"/>
  </BatchItem>
</ResponseMessage>
</KMIP>"#;
    let file = dir.path().join("WRONG-1.xml");
    std::fs::write(&file, case).unwrap();
    let out = replay(&server, &[file]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("FAIL")
            && text.contains("ResultStatus: expected OperationFailed, got Success"),
        "{text}"
    );
    assert!(text.contains("0 passed, 1 failed"), "{text}");

    // A file that is not a test case is a failure too, with the reason.
    let junk = dir.path().join("JUNK-1.xml");
    std::fs::write(&junk, "<KMIP><RequestMessage>").unwrap();
    let out = replay(&server, &[junk]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success() && text.contains("not a test case"),
        "{text}"
    );
}
