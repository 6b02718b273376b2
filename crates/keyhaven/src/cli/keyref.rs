//! Naming a key on the command line: by UUID or as `VAULT/NAME`.
//!
//! Vault names cannot contain `/` but key names can, so `VAULT/NAME` splits at the first `/`:
//! `prod/app/db` is key `app/db` in vault `prod`.

use std::fmt;
use std::str::FromStr;

use keyhaven_client::{Client, KeyQuery};
use uuid::Uuid;

use super::error::CliError;

/// How many pages of name-prefix matches [`KeyRef::resolve`] reads before giving up.
const MAX_RESOLVE_PAGES: usize = 100;

/// A key as the user named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyRef {
    /// The key's id.
    Id(Uuid),
    /// The key's vault and name.
    Name(KeyName),
}

/// `VAULT/NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyName {
    /// Vault name (no `/`).
    pub vault: String,
    /// Key name (may contain `/`).
    pub name: String,
}

impl FromStr for KeyName {
    type Err = String;

    fn from_str(s: &str) -> Result<KeyName, String> {
        let Some((vault, name)) = s.split_once('/') else {
            return Err(format!("`{s}` is not VAULT/NAME"));
        };
        if vault.is_empty() {
            return Err(format!(
                "`{s}` has an empty vault name (expected VAULT/NAME)"
            ));
        }
        if name.is_empty() {
            return Err(format!("`{s}` has an empty key name (expected VAULT/NAME)"));
        }
        Ok(KeyName {
            vault: vault.to_owned(),
            name: name.to_owned(),
        })
    }
}

impl FromStr for KeyRef {
    type Err = String;

    fn from_str(s: &str) -> Result<KeyRef, String> {
        if let Ok(id) = Uuid::parse_str(s) {
            return Ok(KeyRef::Id(id));
        }
        if s.contains('/') {
            return s.parse().map(KeyRef::Name);
        }
        Err(format!("`{s}` is neither a key id (UUID) nor VAULT/NAME"))
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.vault, self.name)
    }
}

impl fmt::Display for KeyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyRef::Id(id) => id.fmt(f),
            KeyRef::Name(name) => name.fmt(f),
        }
    }
}

impl KeyRef {
    /// The key's id: as given, or found by listing the vault's keys whose name starts with
    /// the name and picking the exact match (destroyed keys included: they keep their name
    /// until purged).
    pub async fn resolve(&self, client: &Client) -> Result<Uuid, CliError> {
        let name = match self {
            KeyRef::Id(id) => return Ok(*id),
            KeyRef::Name(name) => name,
        };
        let mut query = KeyQuery {
            vault: Some(name.vault.clone()),
            name_prefix: Some(name.name.clone()),
            include_destroyed: true,
            ..KeyQuery::default()
        };
        let mut found = Vec::new();
        for _ in 0..MAX_RESOLVE_PAGES {
            let page = client.list_keys(&query).await?;
            found.extend(
                page.items
                    .iter()
                    .filter(|k| k.vault == name.vault && k.name == name.name)
                    .map(|k| k.id),
            );
            match page.next_cursor {
                Some(cursor) if !page.items.is_empty() => query.cursor = Some(cursor),
                _ => return pick(name, &found),
            }
        }
        Err(CliError::Local(format!(
            "too many keys in vault {} start with {:?}; name the key by its id",
            name.vault, name.name
        )))
    }
}

fn pick(name: &KeyName, found: &[Uuid]) -> Result<Uuid, CliError> {
    match found {
        [id] => Ok(*id),
        [] => Err(CliError::NotFound(format!(
            "no key named {:?} in vault {:?} (list them with `keyhaven key list --vault {}`)",
            name.name, name.vault, name.vault
        ))),
        many => Err(CliError::Local(format!(
            "{} keys are named {name}: use an id ({})",
            many.len(),
            many.iter()
                .map(Uuid::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
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
    fn parses_ids() {
        let id = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
        assert_eq!(
            id.parse::<KeyRef>(),
            Ok(KeyRef::Id(Uuid::parse_str(id).unwrap()))
        );
        assert_eq!(
            id.to_uppercase().parse::<KeyRef>(),
            Ok(KeyRef::Id(Uuid::parse_str(id).unwrap()))
        );
    }

    #[test]
    fn parses_names_at_the_first_slash() {
        assert_eq!(
            "prod/app/db".parse::<KeyRef>(),
            Ok(KeyRef::Name(KeyName {
                vault: "prod".into(),
                name: "app/db".into()
            }))
        );
        assert_eq!(
            "prod/app/db".parse::<KeyRef>().unwrap().to_string(),
            "prod/app/db"
        );
        assert_eq!(
            "v/k".parse::<KeyName>(),
            Ok(KeyName {
                vault: "v".into(),
                name: "k".into()
            })
        );
    }

    #[test]
    fn rejects_malformed_references() {
        for bad in ["", "prod", "/k", "v/", "0193a1b2-c3d4"] {
            assert!(bad.parse::<KeyRef>().is_err(), "{bad}");
        }
        assert!("k".parse::<KeyName>().is_err());
        let err = "prod".parse::<KeyRef>().unwrap_err();
        assert!(err.contains("neither a key id"), "{err}");
    }

    #[test]
    fn picks_exactly_one_match() {
        let name = KeyName {
            vault: "v".into(),
            name: "k".into(),
        };
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        assert_eq!(pick(&name, &[a]).unwrap(), a);
        let missing = pick(&name, &[]).unwrap_err();
        assert_eq!(missing.exit_code(), 3);
        let many = pick(&name, &[a, b]).unwrap_err();
        assert_eq!(many.exit_code(), 1);
        assert!(many.to_string().contains("use an id"));
    }
}
