//! `discover --import --vault V`: each private key found becomes a managed key (origin
//! `imported`) through the ordinary `POST /v1/keys` import, as `key create --import` does.
//! The server decides: it refuses what its crypto policy disallows (`policy_violation`), and
//! the refusal is reported for that key while the others go on.

use std::collections::{HashMap, HashSet};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use keyhaven_client::proto::CreateKey;
use keyhaven_client::{exit, Client, ClientError};
use zeroize::Zeroize;

use super::alg::KeyAlg;
use super::keys::Secret;
use super::report::{ImportOutcome, Item, Kind};
use crate::cli::CliError;

/// Default prefix of imported key names.
pub const DEFAULT_PREFIX: &str = "discovered-";

/// Longest key name the server accepts.
const MAX_NAME: usize = 128;

/// What importing an inventory item needs besides the item itself.
#[derive(Debug, Default)]
pub struct Material {
    /// Algorithm, when known.
    pub alg: Option<KeyAlg>,
    /// The private key as PKCS#8, when it could be read.
    pub pkcs8: Option<Secret>,
}

/// Imports every private key among `items` (with `materials`, index for index) into `vault`.
/// Errors that would fail every key (cannot connect, not authorised, no such vault, sealed)
/// stop the run; any other refusal is recorded on its key.
pub async fn import_all(
    client: &Client,
    vault: &str,
    prefix: &str,
    items: &mut [Item],
    materials: &[Material],
) -> Result<(), CliError> {
    let mut private_per_file: HashMap<String, usize> = HashMap::new();
    for item in items.iter().filter(|i| i.kind == Kind::PrivateKey) {
        *private_per_file.entry(item.path.clone()).or_default() += 1;
    }
    let mut names = HashSet::new();
    let mut done: HashMap<String, String> = HashMap::new();
    for (item, material) in items.iter_mut().zip(materials) {
        if item.kind != Kind::PrivateKey {
            continue;
        }
        let several = private_per_file.get(&item.path).is_some_and(|&n| n > 1);
        let outcome = match plan(item, material, &done) {
            Err(outcome) => outcome,
            Ok((algorithm, pkcs8)) => {
                let name = unique_name(prefix, item, several, &mut names);
                let outcome = create(client, vault, &name, &algorithm, pkcs8, item).await?;
                if outcome.status == "imported" {
                    if let (Some(fp), Some(key)) = (&item.fingerprint, &outcome.key) {
                        done.insert(fp.clone(), key.clone());
                    }
                }
                outcome
            }
        };
        item.import = Some(outcome);
    }
    Ok(())
}

/// The algorithm name and material to import, or why not.
fn plan<'a>(
    item: &Item,
    material: &'a Material,
    done: &HashMap<String, String>,
) -> Result<(String, &'a Secret), ImportOutcome> {
    let not = |message: String| ImportOutcome {
        status: "not-importable".to_owned(),
        key: None,
        id: None,
        message: Some(message),
    };
    if item.format == "OpenSSH" {
        return Err(not(
            "OpenSSH private keys cannot be imported as they are: convert with \
             ssh-keygen -p -m PKCS8 -f FILE, then discover the converted file"
                .to_owned(),
        ));
    }
    if item.format.starts_with("legacy encrypted PEM") {
        return Err(not(
            "legacy encrypted PEM: convert it with openssl pkcs8 -topk8 -v2 aes-256-cbc, \
             then run discover with --passphrase-file"
                .to_owned(),
        ));
    }
    let Some(alg) = &material.alg else {
        return Err(not(
            "encrypted: give --passphrase-file to decrypt it".to_owned()
        ));
    };
    let (Some(algorithm), Some(pkcs8)) = (alg.import_name(), material.pkcs8.as_ref()) else {
        return Err(not(format!(
            "keyhaven does not manage {} keys",
            alg.spec().map_or_else(|| alg.name(), |s| s.label)
        )));
    };
    if let Some(key) = item.fingerprint.as_ref().and_then(|fp| done.get(fp)) {
        return Err(ImportOutcome {
            status: "duplicate".to_owned(),
            key: Some(key.clone()),
            id: None,
            message: Some(format!("the same key was imported as {key} in this run")),
        });
    }
    Ok((algorithm, pkcs8))
}

async fn create(
    client: &Client,
    vault: &str,
    name: &str,
    algorithm: &str,
    pkcs8: &Secret,
    item: &Item,
) -> Result<ImportOutcome, CliError> {
    let path: String = item.path.chars().take(200).collect();
    let mut request = CreateKey {
        vault: vault.to_owned(),
        name: name.to_owned(),
        algorithm: algorithm.to_owned(),
        description: Some(format!("imported by keyhaven discover from {path}")),
        import_material: Some(B64.encode(pkcs8.expose())),
        ..CreateKey::default()
    };
    let result = client.create_key(&request).await;
    request.import_material.zeroize();
    let full = format!("{vault}/{name}");
    match result {
        Ok(key) => Ok(ImportOutcome {
            status: "imported".to_owned(),
            key: Some(format!("{}/{}", key.vault, key.name)),
            id: Some(key.id.to_string()),
            message: None,
        }),
        Err(err) if fatal(&err) => Err(CliError::Client(err)),
        Err(ClientError::Api { code, message, .. }) => Ok(ImportOutcome {
            status: if code == "policy_violation" {
                "refused"
            } else {
                "failed"
            }
            .to_owned(),
            key: Some(full),
            id: None,
            message: Some(format!("{message} ({code})")),
        }),
        Err(other) => Ok(ImportOutcome {
            status: "failed".to_owned(),
            key: Some(full),
            id: None,
            message: Some(other.to_string()),
        }),
    }
}

/// Errors that every further import would hit as well.
fn fatal(err: &ClientError) -> bool {
    matches!(
        err.exit_code(),
        exit::NOT_FOUND | exit::AUTH | exit::UNREACHABLE | exit::SEALED
    ) || !matches!(err, ClientError::Api { .. })
}

/// `PREFIX` + the file name (without extension), sanitised to `[A-Za-z0-9._-]`, with
/// `-POSITION` for files holding several private keys and `-2`, `-3`, ... to stay unique.
fn unique_name(prefix: &str, item: &Item, several: bool, used: &mut HashSet<String>) -> String {
    let file = std::path::Path::new(&item.path);
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut base: String = format!("{prefix}{stem}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if several {
        base.push_str(&format!("-{}", item.position));
    }
    let trimmed = base.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    let mut base = if trimmed.is_empty() {
        "key".to_owned()
    } else {
        trimmed.to_owned()
    };
    base.truncate(MAX_NAME - 8);
    let mut name = base.clone();
    let mut n = 2;
    while !used.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    fn item(path: &str, position: usize) -> Item {
        Item {
            path: path.to_owned(),
            position,
            kind: Kind::PrivateKey,
            format: "PKCS#8".to_owned(),
            encoding: "PEM".to_owned(),
            algorithm: "RSA".to_owned(),
            bits: Some(2048),
            strength: None,
            policy: None,
            quantum: None,
            fingerprint: None,
            ssh_fingerprint: None,
            comment: None,
            encrypted: false,
            encryption: None,
            certificate: None,
            findings: Vec::new(),
            import: None,
        }
    }

    #[test]
    fn names_are_sanitised_and_unique() {
        let mut used = HashSet::new();
        let a = unique_name(
            "discovered-",
            &item("/k/web server.key.pem", 1),
            false,
            &mut used,
        );
        assert_eq!(a, "discovered-web-server.key");
        let b = unique_name(
            "discovered-",
            &item("/other/web server.key.pem", 1),
            false,
            &mut used,
        );
        assert_eq!(b, "discovered-web-server.key-2");
        let c = unique_name("", &item("/k/.hidden", 3), true, &mut used);
        assert_eq!(c, "hidden-3");
        let d = unique_name("", &item("/k/ünï", 1), false, &mut used);
        assert!(
            d.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)),
            "{d}"
        );
        let long = "x".repeat(300);
        assert!(unique_name("", &item(&long, 1), false, &mut used).len() <= MAX_NAME);
    }

    #[test]
    fn what_cannot_be_imported_says_why() {
        let done = HashMap::new();
        let mut it = item("a.pem", 1);
        let mut m = Material {
            alg: Some(KeyAlg::Ec(Some(super::super::alg::Curve::Secp256k1))),
            pkcs8: Some(Secret::new(vec![1])),
        };
        let why = plan(&it, &m, &done).unwrap_err();
        assert_eq!(why.status, "not-importable");
        assert!(why.message.unwrap().contains("secp256k1"));
        it.format = "OpenSSH".to_owned();
        let why = plan(&it, &m, &done).unwrap_err();
        assert!(why.message.unwrap().contains("ssh-keygen -p -m PKCS8"));
        it.format = "PKCS#8".to_owned();
        m.alg = None;
        let why = plan(&it, &m, &done).unwrap_err();
        assert!(why.message.unwrap().contains("--passphrase-file"));
        m.alg = Some(KeyAlg::Rsa(Some(2048)));
        assert_eq!(plan(&it, &m, &done).unwrap().0, "rsa-2048");
        it.fingerprint = Some("sha256:aa".to_owned());
        let done = HashMap::from([("sha256:aa".to_owned(), "v/k".to_owned())]);
        assert_eq!(plan(&it, &m, &done).unwrap_err().status, "duplicate");
    }
}
