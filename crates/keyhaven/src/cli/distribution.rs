//! `keyhaven key keystores|distribute|sync`: where a key is distributed among its vault's
//! external keystores, adding one, and re-applying the key's state in all of them.

use clap::Args;
use keyhaven_client::proto::KeyKeystores;

use super::error::CliError;
use super::keyref::KeyRef;
use super::keystore::failed_check;
use super::output::{self, OutputFormat, Table};
use super::Context;

/// `key distribute`.
#[derive(Debug, Args)]
pub struct DistributeArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    /// Keystore of the key's vault to distribute it to (repeatable).
    #[arg(long = "keystore", value_name = "NAME", required = true)]
    pub keystores: Vec<String>,
}

/// `key keystores`: where the key is distributed and whether each copy is in sync.
pub async fn key_keystores(ctx: &Context, key: &KeyRef) -> Result<(), CliError> {
    let id = key.resolve(&ctx.client).await?;
    let distribution = ctx.client.key_keystores(id).await?;
    print_distribution(ctx.output, &distribution)
}

/// `key distribute`: adds each keystore to the key's targets; prints where the key is now.
pub async fn distribute(ctx: &Context, args: DistributeArgs) -> Result<(), CliError> {
    let id = args.key.resolve(&ctx.client).await?;
    let mut distribution = None;
    for keystore in &args.keystores {
        distribution = Some(ctx.client.add_key_keystore(id, keystore).await?);
    }
    let Some(distribution) = distribution else {
        return Err(CliError::Usage(
            "give at least one --keystore NAME".to_owned(),
        ));
    };
    print_distribution(ctx.output, &distribution)?;
    if distribution.out_of_sync {
        eprintln!(
            "note: key {id} is not in sync everywhere yet ({}); the server retries on its own, \
             or run `keyhaven key sync {id}`",
            output::sanitize(&distribution.reasons.join("; "))
        );
    }
    Ok(())
}

/// `key sync`: re-applies the key's state in every keystore now; exit 7 when something is
/// still out of sync afterwards.
pub async fn sync(ctx: &Context, key: &KeyRef) -> Result<(), CliError> {
    let id = key.resolve(&ctx.client).await?;
    let distribution = ctx.client.sync_key(id).await?;
    print_distribution(ctx.output, &distribution)?;
    if !distribution.out_of_sync {
        return Ok(());
    }
    Err(failed_check(
        ctx.output,
        format!(
            "key {id} is still out of sync after the sync: {} (the server keeps retrying; \
             fix the keystore, then run `keyhaven key sync {id}` again)",
            distribution.reasons.join("; ")
        ),
    ))
}

fn print_distribution(format: OutputFormat, d: &KeyKeystores) -> Result<(), CliError> {
    output::print(&match format {
        OutputFormat::Json => output::json(serde_json::to_string_pretty(d))?,
        OutputFormat::Table => distribution_table(d),
    })
}

/// A key's distribution as a table: one row per keystore and version.
pub fn distribution_table(d: &KeyKeystores) -> String {
    if d.keystores.is_empty() {
        return format!(
            "key {} is not distributed to any keystore (add one with `keyhaven key distribute \
             {} --keystore NAME`)\n",
            d.key_id, d.key_id
        );
    }
    let mut table = Table::new(&[
        "KEYSTORE",
        "KIND",
        "VERSION",
        "REMOTE_ID",
        "STATUS",
        "APPLIED",
        "SYNC",
    ]);
    for ks in &d.keystores {
        if ks.versions.is_empty() {
            let sync = if ks.out_of_sync {
                "out of sync"
            } else {
                "nothing to apply yet"
            };
            table.row(vec![
                ks.keystore.clone(),
                ks.kind.clone(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                "-".to_owned(),
                sync.to_owned(),
            ]);
        }
        for v in &ks.versions {
            let mut sync = v
                .out_of_sync
                .clone()
                .unwrap_or_else(|| "in sync".to_owned());
            if let Some(e) = &v.error {
                sync.push_str(&format!(" (last error: {e})"));
            }
            table.row(vec![
                ks.keystore.clone(),
                ks.kind.clone(),
                v.version.to_string(),
                v.remote_id.clone().unwrap_or_else(|| "-".to_owned()),
                v.status.clone().unwrap_or_else(|| "-".to_owned()),
                v.applied.clone(),
                sync,
            ]);
        }
    }
    table.render()
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use keyhaven_client::proto::{DistributedVersion, KeyInKeystore};
    use uuid::Uuid;

    use super::*;
    use crate::cli::key::tests::key;
    use crate::cli::key::KeyCommand;

    #[test]
    fn key_verbs_parse() {
        let KeyCommand::Distribute(args) = key(&[
            "distribute",
            "pay/db",
            "--keystore",
            "hsm1",
            "--keystore",
            "kms",
        ])
        .unwrap() else {
            panic!("not distribute");
        };
        assert_eq!(args.keystores, ["hsm1", "kms"]);
        assert!(key(&["distribute", "pay/db"]).is_err(), "needs --keystore");
        assert!(matches!(
            key(&["keystores", "pay/db"]).unwrap(),
            KeyCommand::Keystores(_)
        ));
        assert!(matches!(
            key(&["sync", "pay/db"]).unwrap(),
            KeyCommand::Sync(_)
        ));
        assert!(matches!(
            key(&["list", "--out-of-sync"]).unwrap(),
            KeyCommand::List(_)
        ));
    }

    fn sample_distribution() -> KeyKeystores {
        let version = |v: u32, out: Option<&str>| DistributedVersion {
            version: v,
            remote_id: Some(format!("keyhaven-x-v{v}")),
            status: Some("enabled".into()),
            applied: "enabled".into(),
            out_of_sync: out.map(str::to_owned),
            error: out.map(|_| "token gone".to_owned()),
            last_checked_at: None,
            next_attempt_at: None,
            destroy_until: None,
        };
        KeyKeystores {
            key_id: Uuid::nil(),
            state: "active".into(),
            out_of_sync: true,
            reasons: vec!["hsm1 v2: propagation failed".into()],
            keystores: vec![KeyInKeystore {
                keystore: "hsm1".into(),
                kind: "pkcs11".into(),
                placement: "push".into(),
                out_of_sync: true,
                versions: vec![version(1, None), version(2, Some("propagation failed"))],
            }],
        }
    }

    #[test]
    fn distribution_tables() {
        let text = distribution_table(&sample_distribution());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "KEYSTORE  KIND    VERSION  REMOTE_ID      STATUS   APPLIED  SYNC"
        );
        assert_eq!(
            lines[1],
            "hsm1      pkcs11  1        keyhaven-x-v1  enabled  enabled  in sync"
        );
        assert!(
            lines[2].ends_with("propagation failed (last error: token gone)"),
            "{text}"
        );
        let none = KeyKeystores {
            keystores: Vec::new(),
            ..sample_distribution()
        };
        assert!(distribution_table(&none).contains("not distributed to any keystore"));
    }
}
