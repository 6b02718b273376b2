//! `keyhaven template ...`: key templates of a vault; and the pieces `key create --template`
//! and `key apply-template` use (durations, schedule flags, a key name a template may fill).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use clap::{Args, Subcommand};
use keyhaven_client::proto::{
    ApplyTemplate, CreateTemplate, Key, Template, TemplateList, TemplateSpec,
};

use super::error::CliError;
use super::key::parse_tag;
use super::keyref::KeyRef;
use super::output::{self, render_fields, OutputFormat, Table};
use super::Context;

/// Template commands.
#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Create a template in a vault (vault admin).
    Create(CreateArgs),
    /// List a vault's templates.
    List(VaultArg),
    /// Show a template.
    Show(TemplateArg),
    /// Change a template's settings (the flags given replace those settings; the rest stay).
    Update(UpdateArgs),
    /// Archive a template: it is kept for the record but creates no keys.
    Archive(TemplateArg),
    /// Unarchive a template.
    Unarchive(TemplateArg),
    /// Delete a template (keys made from it keep its name in their record).
    Delete(TemplateArg),
}

/// A vault.
#[derive(Debug, Args)]
pub struct VaultArg {
    /// Vault name.
    pub vault: String,
}

/// A template of a vault.
#[derive(Debug, Args)]
pub struct TemplateArg {
    /// Vault name.
    pub vault: String,
    /// Template name.
    pub name: String,
}

/// `template create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Vault name.
    pub vault: String,
    /// Template name: 1-64 letters, digits, `-`, `_`, `.`.
    pub name: String,
    /// Algorithm of the keys it makes, e.g. aes-256, ec-p256, rsa-3072.
    #[arg(long, short = 'a')]
    pub algorithm: String,
    #[command(flatten)]
    pub spec: SpecArgs,
}

/// `template update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Vault name.
    pub vault: String,
    /// Template name.
    pub name: String,
    /// New algorithm (keys already made keep theirs).
    #[arg(long, short = 'a')]
    pub algorithm: Option<String>,
    #[command(flatten)]
    pub spec: SpecArgs,
}

/// The settable parts of a template, besides the algorithm.
#[derive(Debug, Args, Default)]
pub struct SpecArgs {
    /// Permitted uses, comma-separated (default depends on the algorithm).
    #[arg(long, value_delimiter = ',')]
    pub usage: Vec<String>,
    /// Key name pattern, e.g. `{app}-{env}-{seq}` ({seq}: counter, {date}: YYYYMMDD,
    /// {vault}, {template}; any other {var} comes from `key create --var var=VALUE`).
    #[arg(long, value_name = "PATTERN")]
    pub naming_scheme: Option<String>,
    /// State of new keys: pre-active (default) or active.
    #[arg(long, value_name = "STATE", value_parser = ["pre-active", "active"])]
    pub initial_state: Option<String>,
    /// Keys activate this long after creation (e.g. 1h, 7d).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub activate_after: Option<u64>,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
    /// Tag KEY=VALUE given to every key (repeatable; on update, replaces all tags).
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag)]
    pub tags: Vec<(String, String)>,
    /// Description given to keys created without one.
    #[arg(long)]
    pub description: Option<String>,
    /// Keystore of the vault that keys made from the template are distributed to
    /// (repeatable; on update, replaces the list). See `keyhaven keystore`.
    #[arg(long = "keystore", value_name = "NAME")]
    pub keystores: Vec<String>,
}

/// Cryptoperiod and automatic rotation (`template create/update`, `key create`).
#[derive(Debug, Args, Default, Clone, PartialEq, Eq)]
pub struct ScheduleArgs {
    /// Cryptoperiod: the key deactivates this long after activation, or after its latest
    /// rotation (e.g. 365d, 1y).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub cryptoperiod: Option<u64>,
    /// Rotate automatically this long after the previous rotation (e.g. 90d).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub rotation_interval: Option<u64>,
    /// Rotate automatically this long before the deactivation date (needs --cryptoperiod).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub rotate_before: Option<u64>,
    /// Rotate automatically once a version has applied protection N times.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub use_limit: Option<u64>,
}

impl ScheduleArgs {
    /// Whether no flag was given.
    pub fn is_empty(&self) -> bool {
        *self == ScheduleArgs::default()
    }
}

/// `key apply-template`.
#[derive(Debug, Args)]
pub struct ApplyTemplateArgs {
    /// Key id (UUID) or VAULT/NAME.
    pub key: KeyRef,
    /// Template to apply (default: the one the key was made from).
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
}

/// The key `key create` makes: `VAULT/NAME`, or just `VAULT` when `--template` names the key
/// with its naming scheme (`name` is then empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewKeyName {
    /// Vault name (no `/`).
    pub vault: String,
    /// Key name (may contain `/`); empty when the template's naming scheme is to make it.
    pub name: String,
}

impl FromStr for NewKeyName {
    type Err = String;

    fn from_str(s: &str) -> Result<NewKeyName, String> {
        let (vault, name) = s.split_once('/').unwrap_or((s, ""));
        if vault.is_empty() {
            return Err(format!(
                "`{s}` has an empty vault name (expected VAULT/NAME)"
            ));
        }
        Ok(NewKeyName {
            vault: vault.to_owned(),
            name: name.to_owned(),
        })
    }
}

impl fmt::Display for NewKeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.vault, self.name)
    }
}

/// Runs a template command.
pub async fn run(ctx: &Context, cmd: TemplateCommand) -> Result<(), CliError> {
    let client = &ctx.client;
    let template = match cmd {
        TemplateCommand::Create(args) => {
            let mut spec = TemplateSpec {
                algorithm: args.algorithm,
                ..TemplateSpec::default()
            };
            args.spec.apply_to(&mut spec);
            let request = CreateTemplate {
                name: args.name,
                spec,
            };
            client.create_template(&args.vault, &request).await?
        }
        TemplateCommand::List(args) => {
            let list = client.list_templates(&args.vault).await?;
            return output::print(&match ctx.output {
                OutputFormat::Json => output::json(serde_json::to_string_pretty(&list))?,
                OutputFormat::Table => template_table(&list),
            });
        }
        TemplateCommand::Show(args) => client.get_template(&args.vault, &args.name).await?,
        TemplateCommand::Update(args) => {
            if args.algorithm.is_none() && args.spec.is_empty() {
                return Err(CliError::Usage(
                    "nothing to change: give --algorithm, --usage, --naming-scheme, \
                     --initial-state, --activate-after, --cryptoperiod, --rotation-interval, \
                     --rotate-before, --use-limit, --tag, --description or --keystore"
                        .to_owned(),
                ));
            }
            let mut spec = client.get_template(&args.vault, &args.name).await?.spec;
            if let Some(algorithm) = args.algorithm {
                spec.algorithm = algorithm;
            }
            args.spec.apply_to(&mut spec);
            client
                .update_template(&args.vault, &args.name, &spec)
                .await?
        }
        TemplateCommand::Archive(args) => set_archived(ctx, &args, true).await?,
        TemplateCommand::Unarchive(args) => set_archived(ctx, &args, false).await?,
        TemplateCommand::Delete(args) => {
            client.delete_template(&args.vault, &args.name).await?;
            if ctx.output == OutputFormat::Table {
                output::print(&format!(
                    "template {}/{} deleted\n",
                    output::sanitize(&args.vault),
                    output::sanitize(&args.name)
                ))?;
            }
            return Ok(());
        }
    };
    output::print(&match ctx.output {
        OutputFormat::Json => output::json(serde_json::to_string_pretty(&template))?,
        OutputFormat::Table => template_fields(&template),
    })
}

/// `key apply-template`: prints the key as it is now.
pub async fn apply(ctx: &Context, args: ApplyTemplateArgs) -> Result<Key, CliError> {
    let id = args.key.resolve(&ctx.client).await?;
    let request = ApplyTemplate {
        template: args.template,
    };
    Ok(ctx.client.apply_template(id, &request).await?)
}

async fn set_archived(
    ctx: &Context,
    args: &TemplateArg,
    archived: bool,
) -> Result<Template, CliError> {
    let mut spec = ctx.client.get_template(&args.vault, &args.name).await?.spec;
    spec.archived = archived;
    Ok(ctx
        .client
        .update_template(&args.vault, &args.name, &spec)
        .await?)
}

impl SpecArgs {
    /// Whether no flag was given.
    pub fn is_empty(&self) -> bool {
        self.usage.is_empty()
            && self.naming_scheme.is_none()
            && self.initial_state.is_none()
            && self.activate_after.is_none()
            && self.schedule.is_empty()
            && self.tags.is_empty()
            && self.description.is_none()
            && self.keystores.is_empty()
    }

    /// Sets the fields given on the command line; leaves the others.
    fn apply_to(self, spec: &mut TemplateSpec) {
        if !self.usage.is_empty() {
            spec.usage = Some(self.usage);
        }
        if self.naming_scheme.is_some() {
            spec.naming_scheme = self.naming_scheme;
        }
        if self.initial_state.is_some() {
            spec.initial_state = self.initial_state;
        }
        if self.activate_after.is_some() {
            spec.activate_after_seconds = self.activate_after;
        }
        let s = self.schedule;
        if s.cryptoperiod.is_some() {
            spec.cryptoperiod_seconds = s.cryptoperiod;
        }
        if s.rotation_interval.is_some() {
            spec.rotation_interval_seconds = s.rotation_interval;
        }
        if s.rotate_before.is_some() {
            spec.rotate_before_seconds = s.rotate_before;
        }
        if s.use_limit.is_some() {
            spec.use_limit = s.use_limit;
        }
        if !self.tags.is_empty() {
            spec.tags = self.tags.into_iter().collect::<BTreeMap<_, _>>();
        }
        if self.description.is_some() {
            spec.description = self.description;
        }
        if !self.keystores.is_empty() {
            spec.keystores = self.keystores;
        }
    }
}

/// A template as `field  value` lines.
pub fn template_fields(t: &Template) -> String {
    let s = &t.spec;
    render_fields(&[
        ("vault", t.vault.clone()),
        ("name", t.name.clone()),
        ("algorithm", s.algorithm.clone()),
        (
            "usage",
            s.usage
                .as_ref()
                .map_or_else(|| "(algorithm default)".to_owned(), |u| u.join(", ")),
        ),
        (
            "initial_state",
            s.initial_state
                .clone()
                .unwrap_or_else(|| "pre-active".to_owned()),
        ),
        ("activate_after", opt_duration(s.activate_after_seconds)),
        ("cryptoperiod", opt_duration(s.cryptoperiod_seconds)),
        (
            "rotation_interval",
            opt_duration(s.rotation_interval_seconds),
        ),
        ("rotate_before", opt_duration(s.rotate_before_seconds)),
        (
            "use_limit",
            s.use_limit
                .map_or_else(|| "-".to_owned(), |n| n.to_string()),
        ),
        (
            "naming_scheme",
            s.naming_scheme.clone().unwrap_or_else(|| "-".to_owned()),
        ),
        ("tags", tags(&s.tags)),
        (
            "keystores",
            if s.keystores.is_empty() {
                "-".to_owned()
            } else {
                s.keystores.join(", ")
            },
        ),
        (
            "description",
            s.description.clone().unwrap_or_else(|| "-".to_owned()),
        ),
        ("archived", if s.archived { "yes" } else { "no" }.to_owned()),
        ("revision", t.revision.to_string()),
        ("created_at", output::time(t.created_at)),
        ("updated_at", output::time(t.updated_at)),
    ])
}

/// Templates as a table.
pub fn template_table(list: &TemplateList) -> String {
    let mut table = Table::new(&[
        "NAME",
        "ALGORITHM",
        "CRYPTOPERIOD",
        "ROTATION",
        "NAMING_SCHEME",
        "ARCHIVED",
        "UPDATED",
    ]);
    for t in &list.items {
        table.row(vec![
            t.name.clone(),
            t.spec.algorithm.clone(),
            opt_duration(t.spec.cryptoperiod_seconds),
            opt_duration(t.spec.rotation_interval_seconds),
            t.spec
                .naming_scheme
                .clone()
                .unwrap_or_else(|| "-".to_owned()),
            if t.spec.archived { "yes" } else { "no" }.to_owned(),
            output::time(t.updated_at),
        ]);
    }
    table.render()
}

fn tags(tags: &BTreeMap<String, String>) -> String {
    if tags.is_empty() {
        return "-".to_owned();
    }
    tags.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Seconds from `45s`, `30m`, `12h`, `90d`, `2w`, `1y` (365 days) or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let bad = || format!("`{s}` is not a duration like 90d, 12h, 30m, 45s, 2w or 1y");
    let (num, unit) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (s.get(..i).unwrap_or(""), c),
        _ => (s, 's'),
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: u64 = num.parse().map_err(|_| bad())?;
    let unit_seconds = UNITS
        .iter()
        .find(|(c, _)| *c == unit)
        .map(|(_, secs)| *secs)
        .ok_or_else(bad)?;
    n.checked_mul(unit_seconds)
        .ok_or_else(|| format!("`{s}` is too long"))
}

/// A duration the way [`parse_duration`] reads it, in the largest unit that divides it
/// (`7776000` -> `90d`, `1209600` -> `2w`, `31536000` -> `1y`).
pub fn format_duration(seconds: u64) -> String {
    if seconds == 0 {
        return "0s".to_owned();
    }
    UNITS
        .iter()
        .rev()
        .find(|(_, secs)| seconds.is_multiple_of(*secs))
        .map_or_else(
            || format!("{seconds}s"),
            |(c, secs)| format!("{}{c}", seconds / secs),
        )
}

/// A duration, or `-`.
pub fn opt_duration(seconds: Option<u64>) -> String {
    seconds.map_or_else(|| "-".to_owned(), format_duration)
}

/// Units, smallest first.
const UNITS: [(char, u64); 6] = [
    ('s', 1),
    ('m', 60),
    ('h', 3600),
    ('d', 86_400),
    ('w', 7 * 86_400),
    ('y', 365 * 86_400),
];

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use clap::Parser;
    use time::macros::datetime;

    use super::*;
    use crate::cli::{Cli, Command};

    fn template(args: &[&str]) -> Result<TemplateCommand, clap::Error> {
        let cli = Cli::try_parse_from(["keyhaven", "template"].iter().chain(args))?;
        match cli.command {
            Command::Template(cmd) => Ok(cmd),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn durations_parse_and_print_the_same_way() {
        for (text, secs) in [
            ("45s", 45),
            ("30m", 1800),
            ("12h", 43_200),
            ("90d", 7_776_000),
            ("2w", 1_209_600),
            ("1y", 31_536_000),
            ("0s", 0),
        ] {
            assert_eq!(parse_duration(text).unwrap(), secs, "{text}");
            assert_eq!(format_duration(secs), text);
        }
        assert_eq!(parse_duration("120").unwrap(), 120);
        assert_eq!(format_duration(120), "2m");
        assert_eq!(format_duration(90), "90s");
        assert_eq!(format_duration(365 * 86_400 * 2), "2y");
        for bad in ["", "d", "1x", "-5d", "1.5d", "+3d", "99999999999999999999y"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn create_builds_the_spec() {
        let TemplateCommand::Create(args) = template(&[
            "create",
            "pay",
            "web",
            "-a",
            "aes-256",
            "--naming-scheme",
            "{app}-{env}-{seq}",
            "--activate-after",
            "1h",
            "--cryptoperiod",
            "1y",
            "--rotate-before",
            "30d",
            "--use-limit",
            "1000",
            "--tag",
            "team=pay",
            "--initial-state",
            "active",
        ])
        .unwrap() else {
            panic!("not create");
        };
        assert_eq!((args.vault.as_str(), args.name.as_str()), ("pay", "web"));
        let mut spec = TemplateSpec {
            algorithm: args.algorithm,
            ..TemplateSpec::default()
        };
        args.spec.apply_to(&mut spec);
        assert_eq!(spec.activate_after_seconds, Some(3600));
        assert_eq!(spec.cryptoperiod_seconds, Some(31_536_000));
        assert_eq!(spec.rotate_before_seconds, Some(2_592_000));
        assert_eq!(spec.use_limit, Some(1000));
        assert_eq!(spec.initial_state.as_deref(), Some("active"));
        assert_eq!(spec.tags.get("team").map(String::as_str), Some("pay"));
        assert!(template(&["create", "pay", "web"]).is_err(), "needs -a");
        assert!(template(&["create", "pay", "web", "-a", "x", "--use-limit", "0"]).is_err());
        assert!(template(&["create", "pay", "web", "-a", "x", "--initial-state", "on"]).is_err());
    }

    #[test]
    fn update_keeps_what_is_not_given() {
        let TemplateCommand::Update(args) =
            template(&["update", "pay", "web", "--rotation-interval", "90d"]).unwrap()
        else {
            panic!("not update");
        };
        let mut spec = TemplateSpec {
            algorithm: "aes-256".into(),
            cryptoperiod_seconds: Some(86_400),
            description: Some("kept".into()),
            ..TemplateSpec::default()
        };
        args.spec.apply_to(&mut spec);
        assert_eq!(spec.rotation_interval_seconds, Some(7_776_000));
        assert_eq!(spec.cryptoperiod_seconds, Some(86_400));
        assert_eq!(spec.description.as_deref(), Some("kept"));
        let TemplateCommand::Update(args) = template(&["update", "pay", "web"]).unwrap() else {
            panic!("not update");
        };
        assert!(args.spec.is_empty() && args.algorithm.is_none());
        for verb in ["archive", "unarchive", "delete", "show"] {
            assert!(template(&[verb, "pay", "web"]).is_ok(), "{verb}");
        }
        assert!(matches!(
            template(&["list", "pay"]).unwrap(),
            TemplateCommand::List(_)
        ));
    }

    #[test]
    fn new_key_names() {
        let n: NewKeyName = "pay/app/db".parse().unwrap();
        assert_eq!((n.vault.as_str(), n.name.as_str()), ("pay", "app/db"));
        let n: NewKeyName = "pay".parse().unwrap();
        assert_eq!((n.vault.as_str(), n.name.as_str()), ("pay", ""));
        assert!("/x".parse::<NewKeyName>().is_err());
    }

    #[test]
    fn template_output() {
        let t = Template {
            vault: "pay".into(),
            name: "web".into(),
            spec: TemplateSpec {
                algorithm: "aes-256".into(),
                cryptoperiod_seconds: Some(31_536_000),
                rotation_interval_seconds: Some(7_776_000),
                naming_scheme: Some("{app}-{seq}".into()),
                archived: true,
                ..TemplateSpec::default()
            },
            created_at: datetime!(2026-01-01 00:00:00 UTC),
            updated_at: datetime!(2026-01-01 00:00:00 UTC),
            revision: 2,
        };
        let text = template_fields(&t);
        assert!(text.contains("cryptoperiod       1y\n"), "{text}");
        assert!(text.contains("rotation_interval  90d\n"), "{text}");
        assert!(text.contains("archived           yes\n"), "{text}");
        let table = template_table(&TemplateList { items: vec![t] });
        assert!(
            table.contains("web   aes-256    1y            90d       {app}-{seq}    yes"),
            "{table}"
        );
    }
}
