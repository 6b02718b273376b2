//! `keyhaven token ...`: API tokens of a principal.

use clap::{Args, Subcommand};
use keyhaven_client::proto::{CreateToken, Token};

use super::error::CliError;
use super::output::{self, OutputFormat, Table};
use super::Context;

/// Token commands (system-admin, or a principal for its own tokens).
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token; the secret is printed once and stored nowhere.
    Create(CreateArgs),
    /// List a principal's tokens (never their secrets).
    List(PrincipalArg),
    /// Revoke a token: it is refused from now on.
    Revoke(IdArg),
}

/// The principal.
#[derive(Debug, Args)]
pub struct PrincipalArg {
    /// Principal name.
    pub principal: String,
}

/// A token id.
#[derive(Debug, Args)]
pub struct IdArg {
    /// Token id (from `token list`).
    pub id: uuid::Uuid,
}

/// `token create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Principal name.
    pub principal: String,
    /// Label.
    #[arg(long)]
    pub name: Option<String>,
    /// Lifetime: a number with s, m, h or d (e.g. 90d). Default: no expiry.
    #[arg(long, value_name = "DURATION", value_parser = parse_ttl)]
    pub ttl: Option<u64>,
    /// Print only the token itself (for `TOKEN="$(keyhaven token create ...)"`).
    #[arg(long)]
    pub secret_only: bool,
}

/// Seconds from `30d`, `12h`, `15m`, `60s` or a bare number of seconds.
pub fn parse_ttl(s: &str) -> Result<u64, String> {
    let (num, unit) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (s.get(..i).unwrap_or(""), c),
        _ => (s, 's'),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration like 90d, 12h, 30m or 60s"))?;
    let mult = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return Err(format!("{s:?}: units are s, m, h, d")),
    };
    n.checked_mul(mult)
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("{s:?} is out of range"))
}

fn token_row(t: &Token) -> Vec<String> {
    vec![
        t.id.to_string(),
        t.name.clone().unwrap_or_default(),
        t.status.clone(),
        output::time(t.created_at),
        output::opt_time(t.expires_at),
        output::opt_time(t.last_used_at),
    ]
}

/// Runs a token command.
pub async fn run(ctx: &Context, cmd: TokenCommand) -> Result<(), CliError> {
    let c = &ctx.client;
    let json = ctx.output == OutputFormat::Json;
    match cmd {
        TokenCommand::Create(a) => {
            let created = c
                .create_token(
                    &a.principal,
                    &CreateToken {
                        name: a.name,
                        expires_at: None,
                        ttl_seconds: a.ttl,
                    },
                )
                .await?;
            output::print(&if a.secret_only {
                format!("{}\n", output::sanitize(&created.secret))
            } else if json {
                output::json(serde_json::to_string_pretty(&created))?
            } else {
                format!(
                    "token {} for {} (expires {}); shown once, store it now:\n{}\n",
                    created.token.id,
                    output::sanitize(&created.token.principal),
                    output::opt_time(created.token.expires_at),
                    output::sanitize(&created.secret)
                )
            })
        }
        TokenCommand::List(a) => {
            let list = c.list_tokens(&a.principal).await?;
            if json {
                return output::print(&output::json(serde_json::to_string_pretty(&list))?);
            }
            let mut t = Table::new(&["ID", "NAME", "STATUS", "CREATED", "EXPIRES", "LAST USED"]);
            for tok in &list.items {
                t.row(token_row(tok));
            }
            output::print(&t.render())
        }
        TokenCommand::Revoke(a) => {
            let t = c.revoke_token(a.id).await?;
            output::print(&if json {
                output::json(serde_json::to_string_pretty(&t))?
            } else {
                format!(
                    "token {} revoked at {}\n",
                    t.id,
                    output::opt_time(t.revoked_at)
                )
            })
        }
    }
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

    #[test]
    fn durations() {
        assert_eq!(parse_ttl("90d").unwrap(), 90 * 86_400);
        assert_eq!(parse_ttl("12h").unwrap(), 12 * 3600);
        assert_eq!(parse_ttl("60").unwrap(), 60);
        assert!(parse_ttl("0s").is_err());
        assert!(parse_ttl("3w").is_err());
        assert!(parse_ttl("d").is_err());
    }
}
