//! `keyhaven vault ...`.

use clap::{Args, Subcommand};
use keyhaven_client::proto::{CreateVault, UpdateVault};

use super::error::CliError;
use super::output::{self, OutputFormat};
use super::Context;

/// Vault commands.
#[derive(Debug, Subcommand)]
pub enum VaultCommand {
    /// Create a vault.
    Create(CreateArgs),
    /// List vaults.
    List,
    /// Show a vault.
    Show(NameArg),
    /// Change a vault's settings.
    Update(UpdateArgs),
    /// Delete an empty vault.
    Delete(NameArg),
}

/// A vault name.
#[derive(Debug, Args)]
pub struct NameArg {
    /// Vault name.
    pub name: String,
}

/// `vault create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Vault name: 1-64 letters, digits, `-`, `_`, `.`; starts with a letter or digit.
    pub name: String,
    /// Days a destroyed key stays pending before its material is erased (server default 7;
    /// 0 = at once).
    #[arg(long, value_name = "DAYS")]
    pub pending_destruction_days: Option<u32>,
    /// Roles you receive in the new vault (repeatable; default admin): admin, key-manager,
    /// crypto-user, auditor.
    #[arg(long = "grant-self", value_name = "ROLE")]
    pub grant_self: Vec<String>,
}

/// `vault update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Vault name.
    pub name: String,
    /// New pending-destruction period in days (0-3650).
    #[arg(long, value_name = "DAYS", required = true)]
    pub pending_destruction_days: Option<u32>,
}

/// Runs a vault command.
pub async fn run(ctx: &Context, cmd: VaultCommand) -> Result<(), CliError> {
    let client = &ctx.client;
    let vault = match cmd {
        VaultCommand::Create(args) => {
            let request = CreateVault {
                name: args.name,
                pending_destruction_days: args.pending_destruction_days,
                creator_roles: (!args.grant_self.is_empty()).then_some(args.grant_self),
            };
            client.create_vault(&request).await?
        }
        VaultCommand::List => {
            let list = client.list_vaults().await?;
            return output::print(&match ctx.output {
                OutputFormat::Json => output::json(serde_json::to_string_pretty(&list))?,
                OutputFormat::Table => output::vault_table(&list),
            });
        }
        VaultCommand::Show(args) => client.get_vault(&args.name).await?,
        VaultCommand::Update(args) => {
            let request = UpdateVault {
                pending_destruction_days: args.pending_destruction_days,
            };
            client.update_vault(&args.name, &request).await?
        }
        VaultCommand::Delete(args) => {
            client.delete_vault(&args.name).await?;
            if ctx.output == OutputFormat::Table {
                output::print(&format!("vault {} deleted\n", output::sanitize(&args.name)))?;
            }
            return Ok(());
        }
    };
    output::print(&match ctx.output {
        OutputFormat::Json => output::json(serde_json::to_string_pretty(&vault))?,
        OutputFormat::Table => output::vault_fields(&vault),
    })
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

    fn vault(args: &[&str]) -> Result<VaultCommand, clap::Error> {
        let cli = Cli::try_parse_from(["keyhaven", "vault"].iter().chain(args))?;
        match cli.command {
            Command::Vault(cmd) => Ok(cmd),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn create_with_and_without_period() {
        match vault(&["create", "prod"]).unwrap() {
            VaultCommand::Create(a) => {
                assert_eq!(a.name, "prod");
                assert_eq!(a.pending_destruction_days, None);
            }
            other => panic!("{other:?}"),
        }
        match vault(&["create", "prod", "--pending-destruction-days", "0"]).unwrap() {
            VaultCommand::Create(a) => assert_eq!(a.pending_destruction_days, Some(0)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn update_needs_a_change() {
        assert_eq!(vault(&["update", "prod"]).unwrap_err().exit_code(), 2);
        assert!(vault(&["update", "prod", "--pending-destruction-days", "-1"]).is_err());
        assert!(vault(&["create"]).is_err());
        assert!(matches!(vault(&["list"]).unwrap(), VaultCommand::List));
    }
}
