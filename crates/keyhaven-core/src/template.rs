//! Key templates: named, per-vault sets of key properties (algorithm, usage, activation delay,
//! cryptoperiod, rotation) that keys are created from, and that existing keys can be brought
//! back in line with. See docs/TEMPLATES.md.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::access::{Caller, Permission};
use crate::algorithm::KeyAlgorithm;
use crate::error::{Error, Result};
use crate::model::{check_name, Cause, Key, KeyId, KeyName, KeySchedule, VaultId, VaultName};
use crate::service::{check_metadata, InitialState, KeyExtras, KeyService, NewKey};
use crate::store::StoreError;
use crate::usage::UsageMask;

/// Longest duration a template or key schedule accepts (100 years).
pub const MAX_PERIOD: Duration = Duration::days(36_525);

/// A validated template name (unique within its vault).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TemplateName(String);

impl TemplateName {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for TemplateName {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        check_name("template", s, 64, &[]).map(|()| TemplateName(s.to_owned()))
    }
}

impl fmt::Display for TemplateName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a template sets; the settable part of [`Template`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateSpec {
    /// Description (also given to keys that have none).
    pub description: Option<String>,
    /// Key name pattern, e.g. `{app}-{env}-{seq}`: `{seq}` is the template's counter,
    /// `{date}` the creation date (YYYYMMDD), `{vault}` and `{template}` what they say, any
    /// other `{var}` a value the caller supplies.
    pub naming_scheme: Option<String>,
    /// Algorithm and size.
    pub algorithm: KeyAlgorithm,
    /// Usage; the algorithm's default when `None`.
    pub usage: Option<UsageMask>,
    /// `active` creates active keys at once (unless `activate_after` delays them).
    pub initial_state: InitialState,
    /// Keys activate this long after creation.
    pub activate_after: Option<Duration>,
    /// Originator-usage period: deactivation date = activation + this (renewed by rotation).
    pub cryptoperiod: Option<Duration>,
    /// Automatic rotation interval.
    pub rotation_interval: Option<Duration>,
    /// Rotate this long before the deactivation date (needs `cryptoperiod`).
    pub rotate_before: Option<Duration>,
    /// Rotate after this many applications of protection by one version.
    pub use_limit: Option<u64>,
    /// Tags given to keys (a caller's tags win on the same name).
    pub tags: BTreeMap<String, String>,
    /// Archived templates are kept for the record but create nothing.
    pub archived: bool,
    /// Keystores of the vault (names) that keys made from it are distributed to.
    pub keystores: Vec<String>,
}

/// A stored template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    /// Identifier.
    pub id: Uuid,
    /// Owning vault.
    pub vault_id: VaultId,
    /// Name.
    pub name: TemplateName,
    /// Settings.
    pub spec: TemplateSpec,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// Optimistic-concurrency revision.
    pub revision: u64,
    /// Record-integrity MAC.
    pub mac: Vec<u8>,
}

impl Template {
    /// The schedule a key made from this template gets.
    pub fn schedule(&self) -> KeySchedule {
        KeySchedule {
            template: Some(self.name.to_string()),
            cryptoperiod: self.spec.cryptoperiod,
            rotation_interval: self.spec.rotation_interval,
            rotate_before: self.spec.rotate_before,
            use_limit: self.spec.use_limit,
            next_rotation_at: None,
        }
    }
}

/// A key to create from a template.
#[derive(Clone, Debug, Default)]
pub struct FromTemplate {
    /// The key's name; made from the template's naming scheme when `None`.
    pub name: Option<KeyName>,
    /// Values for the naming scheme's placeholders.
    pub vars: BTreeMap<String, String>,
    /// Description (the template's when `None`).
    pub description: Option<String>,
    /// Extra tags (win over the template's).
    pub tags: BTreeMap<String, String>,
    /// The algorithm the caller expects; refused when the template makes another one.
    pub algorithm: Option<KeyAlgorithm>,
}

/// Checks a schedule's durations: positive, whole seconds, at most [`MAX_PERIOD`], and
/// `rotate_before` only with a longer cryptoperiod.
pub fn check_schedule(s: &KeySchedule) -> Result<()> {
    for (field, d) in [
        ("cryptoperiod", s.cryptoperiod),
        ("rotation_interval", s.rotation_interval),
        ("rotate_before", s.rotate_before),
    ] {
        if let Some(d) = d {
            if d <= Duration::ZERO || d > MAX_PERIOD || d.subsec_nanoseconds() != 0 {
                return Err(Error::InvalidRequest(format!(
                    "{field} must be a whole number of seconds between 1 s and 100 years"
                )));
            }
        }
    }
    if s.use_limit == Some(0) {
        return Err(Error::InvalidRequest(
            "use_limit must be at least 1".to_owned(),
        ));
    }
    match (s.rotate_before, s.cryptoperiod) {
        (Some(_), None) => Err(Error::InvalidRequest(
            "rotate_before needs a cryptoperiod (rotation renews it)".to_owned(),
        )),
        (Some(b), Some(c)) if b >= c => Err(Error::InvalidRequest(
            "rotate_before must be shorter than the cryptoperiod".to_owned(),
        )),
        _ => Ok(()),
    }
}

fn check_spec(spec: &TemplateSpec) -> Result<()> {
    check_metadata(spec.description.as_deref(), Some(&spec.tags))?;
    if let Some(u) = spec.usage {
        spec.algorithm
            .check_usage(u)
            .map_err(Error::InvalidRequest)?;
    }
    if spec.algorithm == KeyAlgorithm::Opaque {
        return Err(Error::InvalidRequest(
            "a template makes keys: algorithm opaque has none to generate".to_owned(),
        ));
    }
    if let Some(d) = spec.activate_after {
        if d < Duration::ZERO || d > MAX_PERIOD || d.subsec_nanoseconds() != 0 {
            return Err(Error::InvalidRequest(
                "activate_after must be a whole number of seconds up to 100 years".to_owned(),
            ));
        }
    }
    if let Some(n) = &spec.naming_scheme {
        check_scheme(n)?;
    }
    check_schedule(&KeySchedule {
        template: None,
        cryptoperiod: spec.cryptoperiod,
        rotation_interval: spec.rotation_interval,
        rotate_before: spec.rotate_before,
        use_limit: spec.use_limit,
        next_rotation_at: None,
    })
}

/// Checks a naming scheme: balanced braces, placeholder names of letters, digits, `_`.
fn check_scheme(scheme: &str) -> Result<()> {
    if scheme.is_empty() || scheme.len() > 128 {
        return Err(Error::InvalidRequest(
            "naming_scheme must have 1-128 characters".to_owned(),
        ));
    }
    placeholders(scheme).map(|_| ())
}

/// The placeholders of a scheme, in order.
fn placeholders(scheme: &str) -> Result<Vec<&str>> {
    let mut out = Vec::new();
    let mut rest = scheme;
    while let Some(open) = rest.find(['{', '}']) {
        let (_, tail) = rest.split_at(open);
        if tail.starts_with('}') {
            return Err(bad_scheme());
        }
        let tail = tail.get(1..).unwrap_or("");
        let close = tail.find('}').ok_or_else(bad_scheme)?;
        let (name, after) = tail.split_at(close);
        if name.is_empty()
            || name.len() > 32
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(bad_scheme());
        }
        out.push(name);
        rest = after.get(1..).unwrap_or("");
    }
    Ok(out)
}

fn bad_scheme() -> Error {
    Error::InvalidRequest(
        "naming_scheme: placeholders are {name} with letters, digits and '_' (e.g. \
         {app}-{env}-{seq})"
            .to_owned(),
    )
}

/// Fills a naming scheme. `seq` is asked for only when the scheme uses `{seq}`.
fn fill_scheme(
    scheme: &str,
    vars: &BTreeMap<String, String>,
    fixed: &[(&str, String)],
    seq: Option<u64>,
) -> Result<String> {
    let mut out = String::new();
    let mut rest = scheme;
    let mut missing = Vec::new();
    while let Some(open) = rest.find('{') {
        let (lit, tail) = rest.split_at(open);
        out.push_str(lit);
        let tail = tail.get(1..).unwrap_or("");
        let close = tail.find('}').ok_or_else(bad_scheme)?;
        let (name, after) = tail.split_at(close);
        let value = if name == "seq" {
            seq.map(|n| n.to_string())
        } else {
            fixed
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
                .or_else(|| vars.get(name).cloned())
        };
        match value {
            Some(v) => out.push_str(&v),
            None => missing.push(name.to_owned()),
        }
        rest = after.get(1..).unwrap_or("");
    }
    out.push_str(rest);
    if !missing.is_empty() {
        return Err(Error::InvalidRequest(format!(
            "the template's naming scheme {scheme:?} needs values for: {} (pass them as \
             variables)",
            missing.join(", ")
        )));
    }
    Ok(out)
}

impl KeyService {
    /// Creates a template in a vault (vault admin); the vault's crypto policy must accept the
    /// keys it makes.
    pub async fn create_template(
        &self,
        caller: &Caller,
        vault: &VaultName,
        name: TemplateName,
        spec: TemplateSpec,
    ) -> Result<Template> {
        caller.with_note(|n| {
            n.action = Some("template.create");
            n.detail = Some(format!("template {name}"));
        });
        let vault = self
            .vault_for(caller, vault, Permission::UpdateVault)
            .await?;
        check_spec(&spec)?;
        self.check_template_policy(vault.id, &spec).await?;
        self.check_template_keystores(vault.id, &vault.name, spec.algorithm, &spec.keystores)
            .await?;
        let now = self.clock.now();
        let mut t = Template {
            id: self.new_uuid(now)?,
            vault_id: vault.id,
            name,
            spec,
            created_at: now,
            updated_at: now,
            revision: 1,
            mac: Vec::new(),
        };
        t.mac = self.system.integrity.template_mac(&t);
        match self.store.create_template(&t).await {
            Ok(()) => Ok(t),
            Err(StoreError::AlreadyExists) => Err(Error::AlreadyExists {
                kind: "template",
                name: format!("{}/{}", vault.name, t.name),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// A vault's templates (anyone who may read the vault).
    pub async fn list_templates(
        &self,
        caller: &Caller,
        vault: &VaultName,
    ) -> Result<Vec<Template>> {
        caller.with_note(|n| n.action = Some("template.list"));
        let vault = self.vault_for(caller, vault, Permission::ReadVault).await?;
        let mut out = Vec::new();
        for t in self.store.list_templates(vault.id).await? {
            out.push(self.checked_template(caller, t).await?);
        }
        Ok(out)
    }

    /// One template.
    pub async fn get_template(
        &self,
        caller: &Caller,
        vault: &VaultName,
        name: &str,
    ) -> Result<Template> {
        caller.with_note(|n| {
            n.action = Some("template.get");
            n.detail = Some(format!("template {name}"));
        });
        let vault = self.vault_for(caller, vault, Permission::ReadVault).await?;
        self.template_in(caller, vault.id, &vault.name, name).await
    }

    /// Replaces a template's settings (vault admin). Keys made from it keep their settings
    /// until [`KeyService::apply_template`] brings them in line.
    pub async fn update_template(
        &self,
        caller: &Caller,
        vault: &VaultName,
        name: &str,
        spec: TemplateSpec,
    ) -> Result<Template> {
        caller.with_note(|n| {
            n.action = Some("template.update");
            n.detail = Some(format!("template {name}"));
        });
        let vault = self
            .vault_for(caller, vault, Permission::UpdateVault)
            .await?;
        check_spec(&spec)?;
        if !spec.archived {
            self.check_template_policy(vault.id, &spec).await?;
            self.check_template_keystores(vault.id, &vault.name, spec.algorithm, &spec.keystores)
                .await?;
        }
        let old = self
            .template_in(caller, vault.id, &vault.name, name)
            .await?;
        let mut t = old.clone();
        t.spec = spec;
        t.updated_at = self.clock.now();
        t.revision = old.revision.saturating_add(1);
        t.mac = self.system.integrity.template_mac(&t);
        let mut stored = t.clone();
        stored.revision = old.revision;
        match self.store.update_template(&stored).await {
            Ok(_) => Ok(t),
            Err(StoreError::Conflict) => Err(Error::Conflict(format!(
                "template {name} changed while this request ran; retry"
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes a template (vault admin). Keys made from it keep its name in their record.
    pub async fn delete_template(
        &self,
        caller: &Caller,
        vault: &VaultName,
        name: &str,
    ) -> Result<()> {
        caller.with_note(|n| {
            n.action = Some("template.delete");
            n.detail = Some(format!("template {name}"));
        });
        let vault = self
            .vault_for(caller, vault, Permission::UpdateVault)
            .await?;
        if self.store.delete_template(vault.id, name).await? {
            Ok(())
        } else {
            Err(Error::NotFound {
                kind: "template",
                id: format!("{}/{name}", vault.name),
            })
        }
    }

    /// Creates a key from a template (key-manager): the template's algorithm, usage,
    /// activation delay, cryptoperiod, rotation and tags; the name from `from.name` or the
    /// naming scheme. Archived templates create nothing.
    pub async fn create_from_template(
        &self,
        caller: &Caller,
        vault: &VaultName,
        template: &str,
        from: FromTemplate,
    ) -> Result<Key> {
        caller.with_note(|n| n.action = Some("key.create"));
        let v = self.vault_for(caller, vault, Permission::CreateKey).await?;
        let t = self.template_in(caller, v.id, &v.name, template).await?;
        if t.spec.archived {
            return Err(Error::InvalidRequest(format!(
                "template {} is archived: it creates no keys (unarchive it or use another)",
                t.name
            )));
        }
        if let Some(wanted) = from.algorithm.filter(|a| *a != t.spec.algorithm) {
            return Err(Error::InvalidRequest(format!(
                "template {} makes {} keys, not {wanted}: leave algorithm out, or use another \
                 template",
                t.name, t.spec.algorithm
            )));
        }
        let now = self.clock.now();
        let name = match (from.name, &t.spec.naming_scheme) {
            (Some(n), _) => n,
            (None, Some(scheme)) => {
                let seq = if placeholders(scheme)?.contains(&"seq") {
                    Some(self.store.next_template_seq(t.id).await?)
                } else {
                    None
                };
                let date = format!(
                    "{:04}{:02}{:02}",
                    now.year(),
                    u8::from(now.month()),
                    now.day()
                );
                let fixed = [
                    ("date", date),
                    ("vault", v.name.to_string()),
                    ("template", t.name.to_string()),
                ];
                let filled = fill_scheme(scheme, &from.vars, &fixed, seq)?;
                KeyName::from_str(&filled).map_err(|e| {
                    Error::InvalidRequest(format!("the naming scheme made an invalid name: {e}"))
                })?
            }
            (None, None) => {
                return Err(Error::InvalidRequest(format!(
                    "template {} has no naming scheme: give the key a name",
                    t.name
                )))
            }
        };
        let mut tags = t.spec.tags.clone();
        tags.extend(from.tags);
        let (initial_state, activation_date) = match t.spec.activate_after {
            Some(d) => (InitialState::PreActive, Some(now + d)),
            None => (t.spec.initial_state, None),
        };
        let key = self
            .create_key(
                caller,
                NewKey {
                    vault: v.name.clone(),
                    name,
                    algorithm: t.spec.algorithm,
                    usage: t.spec.usage,
                    initial_state,
                    description: from.description.or_else(|| t.spec.description.clone()),
                    tags,
                    activation_date,
                    deactivation_date: None,
                    protect_stop_date: None,
                    process_start_date: None,
                    import_material: None,
                    extras: KeyExtras {
                        schedule: t.schedule(),
                        ..KeyExtras::default()
                    },
                },
            )
            .await?;
        // The key exists either way; a keystore removed from the vault since the template
        // was written is named in the error.
        self.add_template_targets(&key, &t.spec.keystores)
            .await
            .map_err(|e| {
                Error::InvalidRequest(format!(
                    "key {} was created from template {}, but not all its keystores could be \
                     added: {e}",
                    key.id, t.name
                ))
            })?;
        Ok(key)
    }

    /// Brings a key in line with a template (key-manager): usage, tags, cryptoperiod and
    /// rotation settings; `template` defaults to the one the key was made from. The algorithm
    /// cannot change (a different algorithm is a new key). A cryptoperiod that ended already
    /// leaves the key 24 hours before it deactivates, so applying a template never cuts an
    /// application off without warning.
    pub async fn apply_template(
        &self,
        caller: &Caller,
        id: KeyId,
        template: Option<&str>,
    ) -> Result<Key> {
        for _ in 0..4 {
            let key = self
                .load_for(caller, id, Permission::ManageKey, "key.apply-template")
                .await?;
            self.refuse_unless(&key, crate::lifecycle::Action::UpdateMetadata)?;
            let name = template
                .map(str::to_owned)
                .or_else(|| key.schedule.template.clone())
                .ok_or_else(|| {
                    Error::InvalidRequest(format!(
                        "key {id} was not made from a template: name the template to apply"
                    ))
                })?;
            let t = self
                .template_in(caller, key.vault_id, &key.vault_name, &name)
                .await?;
            if t.spec.algorithm != key.algorithm {
                return Err(Error::InvalidRequest(format!(
                    "template {} makes {} keys and key {id} is {}: the algorithm of a key \
                     cannot change; create a new key from the template instead",
                    t.name, t.spec.algorithm, key.algorithm
                )));
            }
            let now = self.clock.now();
            let mut new = key.clone();
            new.updated_at = now;
            new.usage = t.spec.usage.unwrap_or(key.algorithm.default_usage());
            for (k, v) in &t.spec.tags {
                new.tags.insert(k.clone(), v.clone());
            }
            check_metadata(None, Some(&new.tags))?;
            if new.description.is_none() {
                new.description = t.spec.description.clone();
            }
            let mut schedule = t.schedule();
            schedule.next_rotation_at = None;
            new.schedule = schedule;
            let primary_at = self
                .version(Some(caller), id, key.primary_version)
                .await?
                .map_or(key.created_at, |v| v.created_at);
            if let (Some(interval), crate::KeyState::Active) = (t.spec.rotation_interval, key.state)
            {
                new.schedule.next_rotation_at = Some(primary_at + interval);
            }
            if let (Some(cp), Some(active_since)) = (t.spec.cryptoperiod, key.activation_date) {
                if matches!(
                    key.state,
                    crate::KeyState::PreActive | crate::KeyState::Active
                ) {
                    let start = active_since.max(primary_at);
                    let end = (start + cp).max(now + Duration::DAY);
                    new.deactivation_date = Some(match key.deactivation_date {
                        Some(d) => d.max(now + Duration::DAY).min(end),
                        None => end,
                    });
                }
            }
            let entry = self.history(
                &key,
                &new,
                "apply-template",
                caller,
                Cause::Request,
                Some(format!("template {} applied", t.name)),
            );
            match self.commit(caller, &key, new, &[entry], None, false).await {
                Ok(k) => return self.settle(k).await,
                Err(Error::Conflict(_)) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(Error::Conflict(format!("key {id} keeps changing; retry")))
    }

    /// Refuses a template whose keys the vault's policy would refuse, so the mistake shows
    /// when the template is written rather than when a key is first made from it. Keys are
    /// still checked when they are made (the policy may have tightened since).
    async fn check_template_policy(&self, vault: VaultId, spec: &TemplateSpec) -> Result<()> {
        let Some(alg_spec) = crate::policy::AlgorithmSpec::of(spec.algorithm) else {
            return Ok(());
        };
        let usage = spec.usage.unwrap_or(spec.algorithm.default_usage());
        self.effective_policy(vault)
            .await?
            .check_new_key(
                &crate::policy::NewKeyCheck {
                    spec: alg_spec,
                    class: crate::policy::KeyClass::of(spec.algorithm, usage),
                    cryptoperiod: spec.cryptoperiod,
                    rotation_interval: spec.rotation_interval,
                    operation: "template",
                },
                self.clock.now(),
            )
            .map_err(|v| Error::PolicyViolation {
                rule: v.rule,
                message: v.message,
            })
    }

    async fn template_in(
        &self,
        caller: &Caller,
        vault: VaultId,
        vault_name: &VaultName,
        name: &str,
    ) -> Result<Template> {
        let t = self
            .store
            .get_template(vault, name)
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "template",
                id: format!("{vault_name}/{}", name.chars().take(64).collect::<String>()),
            })?;
        self.checked_template(caller, t).await
    }

    async fn checked_template(&self, caller: &Caller, t: Template) -> Result<Template> {
        if self.system.integrity.template_ok(&t) {
            Ok(t)
        } else {
            Err(self
                .integrity_failed(Some(caller), "template", t.id.to_string())
                .await)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        let mut vars = BTreeMap::new();
        vars.insert("app".to_owned(), "payments".to_owned());
        vars.insert("env".to_owned(), "prod".to_owned());
        let name = fill_scheme("{app}-{env}-{seq}", &vars, &[], Some(7)).ok();
        assert_eq!(name.as_deref(), Some("payments-prod-7"));
        assert_eq!(
            placeholders("{app}-{env}-{seq}").ok(),
            Some(vec!["app", "env", "seq"])
        );
        let missing = fill_scheme("{app}-{region}", &vars, &[], None);
        assert!(matches!(missing, Err(Error::InvalidRequest(m)) if m.contains("region")));
        for bad in ["{app", "app}", "{}", "{a-b}", "{{x}}"] {
            assert!(check_scheme(bad).is_err(), "{bad}");
        }
        let fixed = [("date", "20261204".to_owned())];
        assert_eq!(
            fill_scheme("k-{date}", &vars, &fixed, None).ok().as_deref(),
            Some("k-20261204")
        );
    }

    #[test]
    fn schedules() {
        let ok = KeySchedule {
            cryptoperiod: Some(Duration::days(365)),
            rotate_before: Some(Duration::days(30)),
            ..KeySchedule::default()
        };
        assert!(check_schedule(&ok).is_ok());
        let no_cp = KeySchedule {
            rotate_before: Some(Duration::days(30)),
            ..KeySchedule::default()
        };
        assert!(check_schedule(&no_cp).is_err());
        let longer = KeySchedule {
            cryptoperiod: Some(Duration::days(10)),
            rotate_before: Some(Duration::days(10)),
            ..KeySchedule::default()
        };
        assert!(check_schedule(&longer).is_err());
        let fraction = KeySchedule {
            rotation_interval: Some(Duration::milliseconds(1500)),
            ..KeySchedule::default()
        };
        assert!(check_schedule(&fraction).is_err());
        let zero = KeySchedule {
            use_limit: Some(0),
            ..KeySchedule::default()
        };
        assert!(check_schedule(&zero).is_err());
    }
}
