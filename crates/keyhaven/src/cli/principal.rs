//! `keyhaven principal ...` and `keyhaven whoami`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use keyhaven_client::proto::{CreateCertBinding, CreatePrincipal, Principal, UpdatePrincipal};

use super::error::CliError;
use super::output::{self, OutputFormat, Table};
use super::Context;

/// Principal commands (system-admin).
#[derive(Debug, Subcommand)]
pub enum PrincipalCommand {
    /// Create a principal (a user, or a service with --service).
    Create(CreateArgs),
    /// List principals.
    List,
    /// Show a principal.
    Show(NameArg),
    /// Change system roles, description, or disable / enable.
    Update(UpdateArgs),
    /// Delete a principal with its tokens, roles and certificate bindings.
    Delete(NameArg),
    /// Let client certificates log in as the principal (mTLS).
    CertAdd(CertAddArgs),
    /// List the principal's certificate bindings.
    CertList(NameArg),
    /// Remove a certificate binding.
    CertDelete(IdArg),
}

/// A principal name.
#[derive(Debug, Args)]
pub struct NameArg {
    /// Principal name.
    pub name: String,
}

/// An id.
#[derive(Debug, Args)]
pub struct IdArg {
    /// The binding id.
    pub id: uuid::Uuid,
}

/// `principal create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// 1-64 letters, digits, `-`, `_`, `.`, `@`.
    pub name: String,
    /// A program rather than a person.
    #[arg(long)]
    pub service: bool,
    /// System role: system-admin, system-auditor (repeatable).
    #[arg(long = "system-role", value_name = "ROLE")]
    pub system_roles: Vec<String>,
    /// Free text.
    #[arg(long)]
    pub description: Option<String>,
}

/// `principal update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Principal name.
    pub name: String,
    /// Replace the system roles (repeatable; pass --no-system-roles to clear).
    #[arg(long = "system-role", value_name = "ROLE")]
    pub system_roles: Vec<String>,
    /// Remove every system role.
    #[arg(long, conflicts_with = "system_roles")]
    pub no_system_roles: bool,
    /// New description.
    #[arg(long)]
    pub description: Option<String>,
    /// Refuse its credentials from now on.
    #[arg(long, conflicts_with = "enable")]
    pub disable: bool,
    /// Accept its credentials again.
    #[arg(long)]
    pub enable: bool,
}

/// `principal cert-add`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["cert", "subject", "fingerprint"])))]
pub struct CertAddArgs {
    /// Principal name.
    pub name: String,
    /// A PEM client certificate: its fingerprint (or subject with --match subject) is bound.
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// With --cert: bind by `fingerprint` (default; this certificate only) or `subject`
    /// (any certificate from the client CA with the same subject).
    #[arg(long = "match", value_name = "HOW", requires = "cert")]
    pub kind: Option<String>,
    /// Bind this subject (RFC 4514 text, e.g. `CN=app,O=Example`).
    #[arg(long)]
    pub subject: Option<String>,
    /// Bind this SHA-256 fingerprint (hex).
    #[arg(long)]
    pub fingerprint: Option<String>,
}

fn principal_fields(p: &Principal) -> String {
    output::render_fields(&[
        ("name", p.name.clone()),
        ("id", p.id.to_string()),
        ("kind", p.kind.clone()),
        ("system roles", join(&p.system_roles)),
        ("disabled", p.disabled.to_string()),
        ("description", p.description.clone().unwrap_or_default()),
        ("created", output::time(p.created_at)),
    ])
}

fn join(v: &[String]) -> String {
    if v.is_empty() {
        "-".to_owned()
    } else {
        v.join(", ")
    }
}

/// Runs a principal command.
pub async fn run(ctx: &Context, cmd: PrincipalCommand) -> Result<(), CliError> {
    let c = &ctx.client;
    let json = ctx.output == OutputFormat::Json;
    let one = |p: Principal| -> Result<(), CliError> {
        output::print(&if json {
            output::json(serde_json::to_string_pretty(&p))?
        } else {
            principal_fields(&p)
        })
    };
    match cmd {
        PrincipalCommand::Create(a) => one(c
            .create_principal(&CreatePrincipal {
                name: a.name,
                kind: Some(if a.service { "service" } else { "user" }.to_owned()),
                system_roles: a.system_roles,
                description: a.description,
            })
            .await?),
        PrincipalCommand::List => {
            let list = c.list_principals().await?;
            if json {
                return output::print(&output::json(serde_json::to_string_pretty(&list))?);
            }
            let mut t = Table::new(&["NAME", "KIND", "SYSTEM ROLES", "DISABLED", "CREATED"]);
            for p in &list.items {
                t.row(vec![
                    p.name.clone(),
                    p.kind.clone(),
                    join(&p.system_roles),
                    p.disabled.to_string(),
                    output::time(p.created_at),
                ]);
            }
            output::print(&t.render())
        }
        PrincipalCommand::Show(a) => one(c.get_principal(&a.name).await?),
        PrincipalCommand::Update(a) => {
            let roles = if a.no_system_roles {
                Some(Vec::new())
            } else if a.system_roles.is_empty() {
                None
            } else {
                Some(a.system_roles)
            };
            let disabled = match (a.disable, a.enable) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            };
            if roles.is_none() && disabled.is_none() && a.description.is_none() {
                return Err(CliError::Usage(
                    "nothing to change: give --system-role, --no-system-roles, --description, \
                     --disable or --enable"
                        .to_owned(),
                ));
            }
            one(c
                .update_principal(
                    &a.name,
                    &UpdatePrincipal {
                        system_roles: roles,
                        description: a.description,
                        disabled,
                    },
                )
                .await?)
        }
        PrincipalCommand::Delete(a) => {
            c.delete_principal(&a.name).await?;
            if !json {
                output::print(&format!(
                    "principal {} deleted\n",
                    output::sanitize(&a.name)
                ))?;
            }
            Ok(())
        }
        PrincipalCommand::CertAdd(a) => {
            let request = if let Some(path) = &a.cert {
                let pem = std::fs::read_to_string(path)
                    .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?;
                CreateCertBinding {
                    kind: a.kind,
                    certificate_pem: Some(pem),
                    value: None,
                }
            } else if let Some(s) = a.subject {
                CreateCertBinding {
                    kind: Some("subject".to_owned()),
                    certificate_pem: None,
                    value: Some(s),
                }
            } else {
                CreateCertBinding {
                    kind: Some("fingerprint".to_owned()),
                    certificate_pem: None,
                    value: a.fingerprint,
                }
            };
            let b = c.add_certificate(&a.name, &request).await?;
            output::print(&if json {
                output::json(serde_json::to_string_pretty(&b))?
            } else {
                output::render_fields(&[
                    ("id", b.id.to_string()),
                    ("principal", b.principal),
                    ("match", b.kind),
                    ("value", b.value),
                ])
            })
        }
        PrincipalCommand::CertList(a) => {
            let list = c.list_certificates(&a.name).await?;
            if json {
                return output::print(&output::json(serde_json::to_string_pretty(&list))?);
            }
            let mut t = Table::new(&["ID", "MATCH", "VALUE", "CREATED"]);
            for b in &list.items {
                t.row(vec![
                    b.id.to_string(),
                    b.kind.clone(),
                    b.value.clone(),
                    output::time(b.created_at),
                ]);
            }
            output::print(&t.render())
        }
        PrincipalCommand::CertDelete(a) => {
            c.delete_certificate(a.id).await?;
            if !json {
                output::print(&format!("certificate binding {} removed\n", a.id))?;
            }
            Ok(())
        }
    }
}

/// `keyhaven whoami`.
pub async fn whoami(ctx: &Context) -> Result<(), CliError> {
    let w = ctx.client.whoami().await?;
    if ctx.output == OutputFormat::Json {
        return output::print(&output::json(serde_json::to_string_pretty(&w))?);
    }
    let mut text = output::render_fields(&[
        ("principal", w.principal.clone()),
        ("system roles", join(&w.system_roles)),
        ("authenticated by", w.authenticated_by.clone()),
    ]);
    if !w.vaults.is_empty() {
        let mut t = Table::new(&["VAULT", "ROLES"]);
        for v in &w.vaults {
            t.row(vec![v.principal.clone(), join(&v.roles)]);
        }
        text.push('\n');
        text.push_str(&t.render());
    }
    output::print(&text)
}
