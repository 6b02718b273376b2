//! `keyhaven policy ...`: the server's crypto policy and vaults' overrides.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::Value;

use super::error::CliError;
use super::input;
use super::output::{self, OutputFormat};
use super::Context;

/// Policy commands.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Show the server's policy, a vault's override, or the policy in force in a vault.
    Show(ShowArgs),
    /// Set a vault's override from a JSON file (vault admin); it can only tighten the
    /// server's policy, except `allow_plaintext_export` (system admin; docs/BACKUP.md).
    Set(SetArgs),
    /// Remove a vault's override (vault admin): the server's policy applies again.
    Unset(UnsetArgs),
}

/// `policy show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Show this vault's override (with --effective: the policy in force in it).
    #[arg(long)]
    pub vault: Option<String>,
    /// Show the effective policy: the server's policy with the vault's override applied.
    #[arg(long, requires = "vault")]
    pub effective: bool,
}

/// `policy set`.
#[derive(Debug, Args)]
pub struct SetArgs {
    /// Vault whose override to set.
    #[arg(long, required = true)]
    pub vault: String,
    /// The override document (JSON; `-` reads stdin), e.g. {"min_strength": 128}.
    pub file: PathBuf,
}

/// `policy unset`.
#[derive(Debug, Args)]
pub struct UnsetArgs {
    /// Vault whose override to remove.
    #[arg(long, required = true)]
    pub vault: String,
}

/// Runs a policy command.
pub async fn run(ctx: &Context, cmd: PolicyCommand) -> Result<(), CliError> {
    let client = &ctx.client;
    match cmd {
        PolicyCommand::Show(ShowArgs { vault: None, .. }) => {
            document(&client.server_policy().await?)
        }
        PolicyCommand::Show(ShowArgs {
            vault: Some(vault),
            effective,
        }) => {
            let policy = client.vault_policy(&vault).await?;
            if effective {
                return document(&policy.effective);
            }
            match (ctx.output, &policy.override_document) {
                (OutputFormat::Json, _) => {
                    output::print(&output::json(serde_json::to_string_pretty(&policy))?)
                }
                (OutputFormat::Table, Some(doc)) => document(doc),
                (OutputFormat::Table, None) => output::print(&format!(
                    "vault {} has no policy override: the server's policy applies \
                     (`keyhaven policy show --vault {0} --effective` shows it)\n",
                    output::sanitize(&vault)
                )),
            }
        }
        PolicyCommand::Set(args) => {
            let bytes = input::DataInput {
                input: Some(args.file.clone()),
                ..input::DataInput::default()
            }
            .read()?;
            let doc: Value = serde_json::from_slice(&bytes).map_err(|e| {
                CliError::Usage(format!(
                    "{} is not a JSON policy override document: {e}",
                    args.file.display()
                ))
            })?;
            let policy = client.set_vault_policy(&args.vault, &doc).await?;
            match ctx.output {
                OutputFormat::Json => {
                    output::print(&output::json(serde_json::to_string_pretty(&policy))?)
                }
                OutputFormat::Table => output::print(&format!(
                    "policy override of vault {} set\n",
                    output::sanitize(&args.vault)
                )),
            }
        }
        PolicyCommand::Unset(args) => {
            client.delete_vault_policy(&args.vault).await?;
            if ctx.output == OutputFormat::Table {
                output::print(&format!(
                    "policy override of vault {} removed: the server's policy applies\n",
                    output::sanitize(&args.vault)
                ))?;
            }
            Ok(())
        }
    }
}

/// A policy document, pretty-printed (the same in both output formats: it is JSON).
fn document(doc: &Value) -> Result<(), CliError> {
    output::print(&output::sanitize_multiline(&output::json(
        serde_json::to_string_pretty(doc),
    )?))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn policy(args: &[&str]) -> Result<PolicyCommand, clap::Error> {
        let cli = Cli::try_parse_from(["keyhaven", "policy"].iter().chain(args))?;
        match cli.command {
            Command::Policy(cmd) => Ok(cmd),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn commands_parse() {
        assert!(matches!(
            policy(&["show"]).unwrap(),
            PolicyCommand::Show(ShowArgs {
                vault: None,
                effective: false
            })
        ));
        assert!(matches!(
            policy(&["show", "--vault", "v", "--effective"]).unwrap(),
            PolicyCommand::Show(ShowArgs {
                vault: Some(_),
                effective: true
            })
        ));
        assert_eq!(
            policy(&["show", "--effective"]).unwrap_err().exit_code(),
            2,
            "--effective needs a vault"
        );
        assert!(policy(&["set", "--vault", "v", "p.json"]).is_ok());
        assert!(policy(&["set", "p.json"]).is_err());
        assert!(policy(&["unset", "--vault", "v"]).is_ok());
        assert!(policy(&["unset"]).is_err());
    }
}
