//! `keyhaven migrate --from sqlite:PATH --to postgres://...`: moves an instance from its
//! SQLite file to PostgreSQL (docs/DEPLOYMENT.md), then proves the copy: row counts and
//! content digests of every table, and the audit log verified in the target.

use std::io::Write;

use clap::Args;
use keyhaven_store::migrate::{self, TableCount};
use keyhaven_store::{Database, PgStore, SqliteStore};
use serde_json::json;

use super::error::CliError;
use super::output::{self, OutputFormat, Table};
use super::serve::parse_database;

/// `keyhaven migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The instance to copy: `sqlite:PATH` (stop the server that uses it first: writes made
    /// after the copy starts are not copied).
    #[arg(long, value_name = "URL", value_parser = parse_database)]
    pub from: Database,
    /// The empty PostgreSQL database to copy into: `postgres://USER@HOST:PORT/DB`
    /// (`?schema=NAME` for a schema of its own). Prefer KEYHAVEN_DATABASE when the URL
    /// carries a password.
    #[arg(long, env = "KEYHAVEN_DATABASE", value_name = "URL", value_parser = parse_database)]
    pub to: Database,
    /// Only compare an earlier copy with its source (no copying).
    #[arg(long)]
    pub verify_only: bool,
}

/// Runs `keyhaven migrate`. Exit code 7 when the verification finds a difference.
pub async fn run(args: MigrateArgs, format: OutputFormat) -> Result<(), CliError> {
    let Database::Sqlite(path) = &args.from else {
        return Err(CliError::Usage(
            "--from must be sqlite:PATH (the instance to move)".to_owned(),
        ));
    };
    let Database::Postgres(url) = &args.to else {
        return Err(CliError::Usage(
            "--to must be a postgres:// URL (the database to move to)".to_owned(),
        ));
    };
    if !path.exists() {
        return Err(CliError::Usage(format!(
            "{} does not exist",
            path.display()
        )));
    }
    let local = |what: &str, e: keyhaven_core::StoreError| CliError::Local(format!("{what}: {e}"));
    let src = SqliteStore::open(path)
        .await
        .map_err(|e| local(&format!("opening {}", path.display()), e))?;
    let dst = PgStore::open(url)
        .await
        .map_err(|e| local(&format!("opening {}", args.to.display()), e))?;
    let mut copied = Vec::new();
    if !args.verify_only {
        let mut last_table = String::new();
        copied = migrate::copy(&src, &dst, |table, n| {
            if table != last_table {
                if !last_table.is_empty() {
                    eprintln!();
                }
                last_table = table.to_owned();
            }
            eprint!("\rcopying {table}: {n} rows");
            let _ = std::io::stderr().flush();
        })
        .await
        .map_err(|e| local("copying", e))?;
        eprintln!();
    }
    let tables = migrate::verify(&src, &dst)
        .await
        .map_err(|e| local("comparing", e))?;
    let audit = super::audit::verify_store(&dst, None).await?;
    src.close().await;
    dst.close().await;
    let same = tables
        .iter()
        .all(|t| t.source_rows == t.target_rows && t.same_content);
    let ok = same && audit.ok;
    let rows: u64 = copied.iter().map(|(_, n)| n).sum();
    match format {
        OutputFormat::Json => {
            output::print(&output::json(serde_json::to_string_pretty(&json!({
                "ok": ok,
                "copied_rows": rows,
                "tables": tables.iter().map(table_json).collect::<Vec<_>>(),
                "audit": audit,
            })))?)?
        }
        OutputFormat::Table => {
            let mut t = Table::new(&["TABLE", "SOURCE ROWS", "TARGET ROWS", "CONTENT"]);
            for c in &tables {
                t.row(vec![
                    c.table.to_owned(),
                    c.source_rows.to_string(),
                    c.target_rows.to_string(),
                    if c.same_content { "same" } else { "DIFFERS" }.to_owned(),
                ]);
            }
            let mut text = t.render();
            text.push_str(&format!(
                "\naudit log in the target: {} records, {} checkpoints, {}\n",
                audit.records,
                audit.checkpoints,
                if audit.ok {
                    "verifies"
                } else {
                    "DOES NOT VERIFY"
                }
            ));
            for f in &audit.findings {
                text.push_str(&format!("  record {}: {}\n", f.seq, f.message));
            }
            text.push_str(if ok {
                "migration verified: start the nodes with --database set to the target\n"
            } else {
                "migration NOT verified: do not use the target\n"
            });
            output::print(&text)?;
        }
    }
    if ok {
        Ok(())
    } else {
        Err(CliError::Invalid(
            "the copy differs from its source".to_owned(),
        ))
    }
}

fn table_json(c: &TableCount) -> serde_json::Value {
    json!({
        "table": c.table,
        "source_rows": c.source_rows,
        "target_rows": c.target_rows,
        "same_content": c.same_content,
    })
}
