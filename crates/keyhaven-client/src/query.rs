//! Parameters of the key routes: the list filter and the lifecycle actions.

use std::fmt;

/// Filter and page of `GET /v1/keys`. Empty fields are not sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyQuery {
    /// Only keys in this vault.
    pub vault: Option<String>,
    /// Only keys in this lifecycle state (`active`, `pre-active`, ...).
    pub state: Option<String>,
    /// Only keys of this algorithm (`aes-256`, ...).
    pub algorithm: Option<String>,
    /// Only keys whose name starts with this.
    pub name_prefix: Option<String>,
    /// Only keys with this tag: `k` (any value) or `k=v`.
    pub tag: Option<String>,
    /// Only keys created at or after this RFC 3339 time.
    pub created_after: Option<String>,
    /// Only keys created before this RFC 3339 time.
    pub created_before: Option<String>,
    /// Also list destroyed keys (hidden by default).
    pub include_destroyed: bool,
    /// `Some(true)`: only keys that some external keystore holds out of sync.
    pub out_of_sync: Option<bool>,
    /// Page size (the server caps it).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl KeyQuery {
    /// The query string pairs, in a stable order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let optional = [
            ("vault", &self.vault),
            ("state", &self.state),
            ("algorithm", &self.algorithm),
            ("name_prefix", &self.name_prefix),
            ("tag", &self.tag),
            ("created_after", &self.created_after),
            ("created_before", &self.created_before),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                pairs.push((name, value.clone()));
            }
        }
        if self.include_destroyed {
            pairs.push(("include_destroyed", "true".to_owned()));
        }
        if let Some(out_of_sync) = self.out_of_sync {
            pairs.push(("out_of_sync", out_of_sync.to_string()));
        }
        if let Some(limit) = self.limit {
            pairs.push(("limit", limit.to_string()));
        }
        if let Some(cursor) = &self.cursor {
            pairs.push(("cursor", cursor.clone()));
        }
        pairs
    }
}

/// A state-changing action on a key: `POST /v1/keys/{id}/{action}`.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAction {
    /// pre-active → active.
    Activate,
    /// active → deactivated.
    Deactivate,
    /// deactivated → active.
    Reactivate,
    /// New primary version.
    Rotate,
    /// Any live state → compromised.
    Compromise,
    /// Schedules destruction (or destroys at once when the vault's period is 0).
    Destroy,
    /// Cancels a pending destruction.
    CancelDestroy,
}

impl KeyAction {
    /// All actions.
    pub const ALL: [KeyAction; 7] = [
        KeyAction::Activate,
        KeyAction::Deactivate,
        KeyAction::Reactivate,
        KeyAction::Rotate,
        KeyAction::Compromise,
        KeyAction::Destroy,
        KeyAction::CancelDestroy,
    ];

    /// The last path segment of the route.
    pub fn as_path(self) -> &'static str {
        match self {
            KeyAction::Activate => "activate",
            KeyAction::Deactivate => "deactivate",
            KeyAction::Reactivate => "reactivate",
            KeyAction::Rotate => "rotate",
            KeyAction::Compromise => "compromise",
            KeyAction::Destroy => "destroy",
            KeyAction::CancelDestroy => "cancel-destroy",
        }
    }
}

impl fmt::Display for KeyAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_path())
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
    fn empty_query_sends_nothing() {
        assert!(KeyQuery::default().pairs().is_empty());
    }

    #[test]
    fn full_query_keeps_a_stable_order() {
        let query = KeyQuery {
            vault: Some("v".into()),
            state: Some("active".into()),
            algorithm: Some("aes-256".into()),
            name_prefix: Some("app".into()),
            tag: Some("team".into()),
            created_after: Some("2025-01-01T00:00:00Z".into()),
            created_before: Some("2026-01-01T00:00:00Z".into()),
            include_destroyed: true,
            out_of_sync: Some(true),
            limit: Some(10),
            cursor: Some("abc".into()),
        };
        let names: Vec<&str> = query.pairs().iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "vault",
                "state",
                "algorithm",
                "name_prefix",
                "tag",
                "created_after",
                "created_before",
                "include_destroyed",
                "out_of_sync",
                "limit",
                "cursor"
            ]
        );
    }

    #[test]
    fn action_paths() {
        let paths: Vec<&str> = KeyAction::ALL.iter().map(|a| a.as_path()).collect();
        assert_eq!(
            paths,
            [
                "activate",
                "deactivate",
                "reactivate",
                "rotate",
                "compromise",
                "destroy",
                "cancel-destroy"
            ]
        );
    }
}
