//! Templates, key schedules and crypto policy through the binary: `template create/list/
//! show/update/archive/unarchive/delete`, `key create --template`, `key apply-template`, the
//! schedule flags, `policy show/set/unset`, and `serve --policy` refusing a bad file.

use std::process::{Command, Stdio};

use serde_json::Value;

use super::{text, Server, BIN};

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}"))
}

#[test]
fn templates_schedules_and_policy_through_the_cli() {
    let s = Server::start();
    let ok = |args: &[&str]| -> String {
        let o = s.cli(args);
        assert!(o.status.success(), "{args:?}:\n{}", text(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let code = |args: &[&str]| -> (i32, String) {
        let o = s.cli(args);
        (o.status.code().unwrap_or(-1), text(&o))
    };
    ok(&[
        "vault",
        "create",
        "pay",
        "--grant-self",
        "admin",
        "--grant-self",
        "key-manager",
        "--grant-self",
        "crypto-user",
    ]);
    ok(&["vault", "create", "other", "--grant-self", "key-manager"]);

    // Templates.
    let shown = ok(&[
        "template",
        "create",
        "pay",
        "web",
        "-a",
        "aes-256",
        "--naming-scheme",
        "{app}-{seq}",
        "--cryptoperiod",
        "1y",
        "--rotate-before",
        "30d",
        "--tag",
        "team=pay",
    ]);
    assert!(shown.contains("cryptoperiod       1y\n"), "{shown}");
    assert!(shown.contains("rotate_before      30d\n"), "{shown}");
    let list = ok(&["template", "list", "pay"]);
    assert!(
        list.contains("web") && list.contains("{app}-{seq}"),
        "{list}"
    );
    let listed = json(&ok(&["-o", "json", "template", "list", "pay"]));
    assert_eq!(
        listed["items"][0]["spec"]["cryptoperiod_seconds"],
        31_536_000
    );
    let updated = ok(&[
        "template",
        "update",
        "pay",
        "web",
        "--rotation-interval",
        "90d",
    ]);
    assert!(updated.contains("rotation_interval  90d\n"), "{updated}");
    assert!(
        updated.contains("cryptoperiod       1y\n"),
        "kept: {updated}"
    );
    assert!(updated.contains("revision           2\n"), "{updated}");
    let (c, out) = code(&["template", "update", "pay", "web"]);
    assert_eq!(c, 2, "nothing to change: {out}");

    // Keys from the template: named by its scheme; `key show` lists the template.
    let k1 = json(&ok(&[
        "-o",
        "json",
        "key",
        "create",
        "pay",
        "--template",
        "web",
        "--var",
        "app=payments",
    ]));
    assert_eq!(k1["name"], "payments-1");
    assert_eq!(k1["template"], "web");
    assert_eq!(k1["tags"]["team"], "pay");
    let k2 = json(&ok(&[
        "-o",
        "json",
        "key",
        "create",
        "pay",
        "--template",
        "web",
        "--var",
        "app=payments",
    ]));
    assert_eq!(k2["name"], "payments-2");
    let show = ok(&["key", "show", "pay/payments-1"]);
    assert!(show.contains("template                web\n"), "{show}");
    assert!(show.contains("cryptoperiod            1y\n"), "{show}");
    assert!(show.contains("rotation_interval       90d\n"), "{show}");
    let (c, out) = code(&["key", "create", "pay", "--template", "web"]);
    assert_eq!(c, 1, "a missing variable is an invalid request: {out}");
    assert!(out.contains("app"), "{out}");
    let (c, out) = code(&["key", "create", "pay", "-a", "aes-256"]);
    assert_eq!(c, 2, "no key name: {out}");

    // Schedule flags on a plain key, then apply-template.
    let plain = json(&ok(&[
        "-o",
        "json",
        "key",
        "create",
        "pay/plain",
        "-a",
        "aes-256",
        "--active",
        "--cryptoperiod",
        "90d",
        "--use-limit",
        "1000",
    ]));
    assert_eq!(plain["cryptoperiod_seconds"], 7_776_000);
    assert_eq!(plain["use_limit"], 1000);
    assert!(plain.get("template").is_none(), "{plain}");
    let applied = ok(&["key", "apply-template", "pay/plain", "--template", "web"]);
    assert!(
        applied.contains("template                web\n"),
        "{applied}"
    );
    assert!(
        applied.contains("tags                    team=pay\n"),
        "{applied}"
    );

    // Archived templates make nothing.
    ok(&["template", "archive", "pay", "web"]);
    let (c, out) = code(&["key", "create", "pay/x", "--template", "web"]);
    assert_eq!(c, 1, "{out}");
    assert!(out.contains("archived"), "{out}");
    let unarchived = ok(&["template", "unarchive", "pay", "web"]);
    assert!(
        unarchived.contains("archived           no\n"),
        "{unarchived}"
    );
    ok(&["key", "create", "pay/x", "--template", "web"]);
    let gone = ok(&["template", "delete", "pay", "web"]);
    assert!(gone.contains("template pay/web deleted"), "{gone}");
    let (c, _) = code(&["template", "show", "pay", "web"]);
    assert_eq!(c, 3, "not found");

    // Policy.
    let server_policy = json(&ok(&["policy", "show"]));
    let builtin = serde_json::to_value(keyhaven_core::policy::CryptoPolicy::builtin()).unwrap();
    assert_eq!(server_policy, builtin);
    let none = ok(&["policy", "show", "--vault", "pay"]);
    assert!(none.contains("no policy override"), "{none}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tight.json");
    std::fs::write(&file, r#"{"min_strength": 128}"#).unwrap();
    let set = ok(&["policy", "set", "--vault", "pay", file.to_str().unwrap()]);
    assert!(set.contains("policy override of vault pay set"), "{set}");
    let shown = json(&ok(&["policy", "show", "--vault", "pay"]));
    assert_eq!(shown["min_strength"], 128);
    let both = json(&ok(&["-o", "json", "policy", "show", "--vault", "pay"]));
    assert_eq!(both["override"]["min_strength"], 128);
    assert!(both["effective"].is_object(), "{both}");
    let effective = json(&ok(&["policy", "show", "--vault", "pay", "--effective"]));
    assert_eq!(effective, both["effective"]);
    let (c, out) = code(&["key", "create", "pay/rsa", "-a", "rsa-2048"]);
    assert_eq!(c, 4, "refused by the policy: {out}");
    assert!(out.contains("policy"), "{out}");
    ok(&["key", "create", "other/rsa", "-a", "rsa-2048"]);
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{ nope").unwrap();
    let (c, out) = code(&["policy", "set", "--vault", "pay", bad.to_str().unwrap()]);
    assert_eq!(c, 2, "{out}");
    assert!(out.contains("bad.json"), "{out}");
    let unset = ok(&["policy", "unset", "--vault", "pay"]);
    assert!(unset.contains("removed"), "{unset}");
    ok(&["key", "create", "pay/rsa", "-a", "rsa-2048"]);
}

#[test]
fn serve_refuses_a_policy_file_that_does_not_parse() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.json");
    std::fs::write(&policy, r#"{"this is": "not a policy""#).unwrap();
    let o = Command::new(BIN)
        .args([
            "serve",
            "--dev",
            "--no-kmip",
            "--listen",
            "127.0.0.1:0",
            "--policy",
        ])
        .arg(&policy)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let all = text(&o);
    assert_eq!(o.status.code(), Some(2), "{all}");
    assert!(all.contains("policy.json"), "{all}");
    assert!(all.contains("not a valid policy document"), "{all}");
    assert!(
        !dir.path().join("data").exists(),
        "nothing was set up before the policy was checked"
    );
}
