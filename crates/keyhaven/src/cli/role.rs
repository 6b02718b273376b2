//! `keyhaven role ...`: who holds which role in a vault.

use clap::{Args, Subcommand};
use keyhaven_client::proto::GrantRoles;

use super::error::CliError;
use super::output::{self, OutputFormat, Table};
use super::Context;

/// Role commands (vault admin, or system-admin).
#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Grant roles in a vault: admin, key-manager, crypto-user, auditor.
    Grant(GrantArgs),
    /// Revoke one role.
    Revoke(RevokeArgs),
    /// List a vault's members and their roles.
    List(VaultArg),
}

/// A vault.
#[derive(Debug, Args)]
pub struct VaultArg {
    /// Vault name.
    pub vault: String,
}

/// `role grant`.
#[derive(Debug, Args)]
pub struct GrantArgs {
    /// Vault name.
    pub vault: String,
    /// Principal name.
    pub principal: String,
    /// Roles: admin, key-manager, crypto-user, auditor.
    #[arg(required = true)]
    pub roles: Vec<String>,
}

/// `role revoke`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// Vault name.
    pub vault: String,
    /// Principal name.
    pub principal: String,
    /// The role.
    pub role: String,
}

/// Runs a role command.
pub async fn run(ctx: &Context, cmd: RoleCommand) -> Result<(), CliError> {
    let c = &ctx.client;
    let json = ctx.output == OutputFormat::Json;
    match cmd {
        RoleCommand::Grant(a) => {
            let m = c
                .grant_roles(
                    &a.vault,
                    &GrantRoles {
                        principal: a.principal,
                        roles: a.roles,
                    },
                )
                .await?;
            output::print(&if json {
                output::json(serde_json::to_string_pretty(&m))?
            } else {
                format!(
                    "{} now holds in {}: {}\n",
                    output::sanitize(&m.principal),
                    output::sanitize(&a.vault),
                    m.roles.join(", ")
                )
            })
        }
        RoleCommand::Revoke(a) => {
            c.revoke_role(&a.vault, &a.principal, &a.role).await?;
            if !json {
                output::print(&format!(
                    "{} no longer holds {} in {}\n",
                    output::sanitize(&a.principal),
                    output::sanitize(&a.role),
                    output::sanitize(&a.vault)
                ))?;
            }
            Ok(())
        }
        RoleCommand::List(a) => {
            let list = c.list_members(&a.vault).await?;
            if json {
                return output::print(&output::json(serde_json::to_string_pretty(&list))?);
            }
            let mut t = Table::new(&["PRINCIPAL", "ROLES"]);
            for m in &list.items {
                t.row(vec![m.principal.clone(), m.roles.join(", ")]);
            }
            output::print(&t.render())
        }
    }
}
