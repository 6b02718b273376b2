//! `keyhaven unseal`, `keyhaven seal`, `keyhaven status`, `keyhaven root rotate`.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use clap::{Args, Subcommand};
use keyhaven_client::proto::{SealStatus, UnsealRequest};
use keyhaven_client::Client;

use super::error::CliError;
use super::output::{self, OutputFormat};
use super::{secret, Context};

/// `keyhaven unseal`.
#[derive(Debug, Args)]
pub struct UnsealArgs {
    /// Shamir: a file with one share per line (repeatable). Without it, shares are read from
    /// standard input (one per line) or asked for on the terminal.
    #[arg(long, value_name = "FILE")]
    pub share_file: Vec<PathBuf>,
    /// Passphrase method: the passphrase is in this file (else KEYHAVEN_PASSPHRASE, else a
    /// prompt).
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// PKCS#11 method: the token PIN, when the server was started without one.
    #[arg(long, value_name = "FILE")]
    pub pin_file: Option<PathBuf>,
    /// Forget the shares given so far (start again).
    #[arg(long)]
    pub reset: bool,
}

/// `keyhaven root ...`.
#[derive(Debug, Subcommand)]
pub enum RootCommand {
    /// Rotate the root key: re-wrap every vault KEK under a new root key generation, while the
    /// server keeps serving (system-admin).
    Rotate,
}

fn status_text(s: &SealStatus) -> String {
    let mut fields = vec![
        ("sealed", s.sealed.to_string()),
        ("method", s.method.clone().unwrap_or_else(|| "-".to_owned())),
    ];
    if let (Some(p), Some(t)) = (s.progress, s.threshold) {
        fields.push(("shares", format!("{p} of {t} given")));
    }
    if let Some(g) = s.root_generation {
        fields.push(("root key generation", g.to_string()));
    }
    output::render_fields(&fields)
}

fn show(s: &SealStatus, format: OutputFormat) -> Result<(), CliError> {
    output::print(&match format {
        OutputFormat::Json => output::json(serde_json::to_string_pretty(s))?,
        OutputFormat::Table => status_text(s),
    })
}

fn sealed_error(s: &SealStatus) -> CliError {
    CliError::Client(keyhaven_client::ClientError::Api {
        status: 503,
        code: "sealed".to_owned(),
        message: match (s.progress, s.threshold) {
            (Some(p), Some(t)) => format!("still sealed: {p} of {t} shares given"),
            _ => "still sealed".to_owned(),
        },
        details: Default::default(),
    })
}

/// `keyhaven unseal`.
pub async fn unseal(
    client: &Client,
    args: UnsealArgs,
    format: OutputFormat,
) -> Result<(), CliError> {
    let status = client.seal_status().await?;
    if !status.sealed {
        return show(&status, format);
    }
    let mut request = UnsealRequest {
        reset: args.reset.then_some(true),
        ..UnsealRequest::default()
    };
    let last = match status.method.as_deref() {
        Some("passphrase") => {
            let p = secret::require(
                "passphrase",
                args.passphrase_file.as_deref(),
                Some("KEYHAVEN_PASSPHRASE"),
                "pass --passphrase-file, set KEYHAVEN_PASSPHRASE, or run on a terminal",
            )?;
            request.passphrase = Some(secret::text(&p, "passphrase")?);
            client.unseal(&request).await?
        }
        Some("shamir") => unseal_shares(client, &args, request, status).await?,
        Some("pkcs11") => {
            if let Some(f) = &args.pin_file {
                let pin = secret::require("PIN", Some(f), None, "")?;
                request.pin = Some(secret::text(&pin, "PIN")?);
            }
            client.unseal(&request).await?
        }
        _ => client.unseal(&request).await?,
    };
    show(&last, format)?;
    if last.sealed {
        return Err(sealed_error(&last));
    }
    Ok(())
}

async fn unseal_shares(
    client: &Client,
    args: &UnsealArgs,
    mut request: UnsealRequest,
    mut status: SealStatus,
) -> Result<SealStatus, CliError> {
    let mut shares: Vec<String> = Vec::new();
    for f in &args.share_file {
        let s = secret::require("share file", Some(f), None, "")?;
        shares.extend(
            secret::text(&s, "share file")?
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
    }
    let interactive = shares.is_empty() && std::io::stdin().is_terminal();
    if shares.is_empty() && !interactive {
        for line in std::io::stdin().lock().lines() {
            let line = line.map_err(|e| CliError::io("cannot read shares from stdin", &e))?;
            if !line.trim().is_empty() {
                shares.push(line.trim().to_owned());
            }
        }
    }
    if request.reset.is_some() {
        status = client.unseal(&request).await?;
        request.reset = None;
    }
    let mut given = shares.into_iter();
    while status.sealed {
        let share = if interactive {
            let prompt = format!(
                "share ({} of {} given)",
                status.progress.unwrap_or(0),
                status.threshold.unwrap_or(0)
            );
            match secret::read(&prompt, None, None, true)? {
                Some(s) => secret::text(&s, "share")?,
                None => break,
            }
        } else {
            match given.next() {
                Some(s) => s,
                None => break,
            }
        };
        request.share = Some(share);
        status = client.unseal(&request).await?;
        if interactive && status.sealed {
            eprintln!(
                "share accepted: {} of {}",
                status.progress.unwrap_or(0),
                status.threshold.unwrap_or(0)
            );
        }
    }
    Ok(status)
}

/// `keyhaven status`.
pub async fn status(client: &Client, format: OutputFormat) -> Result<(), CliError> {
    show(&client.seal_status().await?, format)
}

/// `keyhaven seal`.
pub async fn seal(ctx: &Context) -> Result<(), CliError> {
    show(&ctx.client.seal().await?, ctx.output)
}

/// `keyhaven root ...`.
pub async fn root(ctx: &Context, cmd: RootCommand) -> Result<(), CliError> {
    match cmd {
        RootCommand::Rotate => {
            let r = ctx.client.rotate_root().await?;
            output::print(&match ctx.output {
                OutputFormat::Json => output::json(serde_json::to_string_pretty(&r))?,
                OutputFormat::Table => format!(
                    "root key rotated: generation {} -> {}; {} vault KEKs re-wrapped (key \
                     material untouched)\n",
                    r.from_generation, r.to_generation, r.vaults_rewrapped
                ),
            })
        }
    }
}
