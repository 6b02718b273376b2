//! The key state machine of LIFECYCLE.md: states, the action table, and the transitions.
//!
//! This is the only place that decides whether an action is allowed in a state. Every
//! interface reaches it through [`crate::service::KeyService`].

use std::fmt;
use std::str::FromStr;

/// A key's lifecycle state (NIST SP 800-57 / KMIP).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyState {
    /// Created, not yet usable.
    PreActive,
    /// Usable for the purposes its usage mask allows.
    Active,
    /// No longer applies protection; still processes.
    Deactivated,
    /// Must not apply protection; processes only with an explicit override.
    Compromised,
    /// Material erased; record kept.
    Destroyed,
    /// Material erased, and the key was compromised.
    DestroyedCompromised,
}

impl KeyState {
    /// Every state, in table order.
    pub const ALL: [KeyState; 6] = [
        KeyState::PreActive,
        KeyState::Active,
        KeyState::Deactivated,
        KeyState::Compromised,
        KeyState::Destroyed,
        KeyState::DestroyedCompromised,
    ];

    /// The state's name (`pre-active`, ...).
    pub fn name(self) -> &'static str {
        match self {
            KeyState::PreActive => "pre-active",
            KeyState::Active => "active",
            KeyState::Deactivated => "deactivated",
            KeyState::Compromised => "compromised",
            KeyState::Destroyed => "destroyed",
            KeyState::DestroyedCompromised => "destroyed-compromised",
        }
    }

    /// The seed's integer code (0, 1, 3, 4, 5, 6). Never mix with [`KeyState::kmip_value`].
    pub fn state_code(self) -> u8 {
        match self {
            KeyState::PreActive => 0,
            KeyState::Active => 1,
            KeyState::Deactivated => 3,
            KeyState::Compromised => 4,
            KeyState::Destroyed => 5,
            KeyState::DestroyedCompromised => 6,
        }
    }

    /// KMIP's `State` enumeration value (1-6).
    pub fn kmip_value(self) -> u32 {
        match self {
            KeyState::PreActive => 1,
            KeyState::Active => 2,
            KeyState::Deactivated => 3,
            KeyState::Compromised => 4,
            KeyState::Destroyed => 5,
            KeyState::DestroyedCompromised => 6,
        }
    }

    /// Inverse of [`KeyState::state_code`].
    pub fn from_state_code(code: u8) -> Option<KeyState> {
        KeyState::ALL.into_iter().find(|s| s.state_code() == code)
    }

    /// Whether the material is gone.
    pub fn is_destroyed(self) -> bool {
        matches!(self, KeyState::Destroyed | KeyState::DestroyedCompromised)
    }
}

impl fmt::Display for KeyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for KeyState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KeyState::ALL
            .into_iter()
            .find(|st| st.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown state {:?}; states: pre-active, active, deactivated, compromised, \
                     destroyed, destroyed-compromised",
                    s.chars().take(64).collect::<String>()
                )
            })
    }
}

/// An action on a key, as in the rows of LIFECYCLE.md's action table.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read metadata.
    GetMetadata,
    /// Appear in a list (`include_destroyed` lets destroyed keys appear).
    List {
        /// Whether the caller asked for destroyed keys too.
        include_destroyed: bool,
    },
    /// Change name, description, tags, dates.
    UpdateMetadata,
    /// pre-active → active.
    Activate,
    /// New primary version.
    Rotate,
    /// active → deactivated.
    Deactivate,
    /// deactivated → active.
    Reactivate,
    /// → compromised / destroyed-compromised.
    Compromise,
    /// Schedule destruction.
    Destroy,
    /// Cancel a pending destruction.
    CancelDestroy,
    /// Remove a destroyed key's record from its vault.
    Purge,
    /// Apply protection: encrypt, sign, wrap, MAC-generate, data key.
    Apply,
    /// Process protected data: decrypt, verify, unwrap, MAC-verify.
    Process {
        /// The audited override that lets a compromised key process.
        allow_compromised: bool,
    },
    /// Export the public key.
    ExportPublicKey,
}

impl Action {
    /// A name for messages and history (`activate`, `cancel-destroy`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Action::GetMetadata => "get",
            Action::List { .. } => "list",
            Action::UpdateMetadata => "update",
            Action::Activate => "activate",
            Action::Rotate => "rotate",
            Action::Deactivate => "deactivate",
            Action::Reactivate => "reactivate",
            Action::Compromise => "compromise",
            Action::Destroy => "destroy",
            Action::CancelDestroy => "cancel-destroy",
            Action::Purge => "purge",
            Action::Apply => "apply protection",
            Action::Process { .. } => "process protected data",
            Action::ExportPublicKey => "export public key",
        }
    }

    /// Every row of the table, with both variants of the parameterised rows.
    pub const ALL: [Action; 16] = [
        Action::GetMetadata,
        Action::List {
            include_destroyed: false,
        },
        Action::List {
            include_destroyed: true,
        },
        Action::UpdateMetadata,
        Action::Activate,
        Action::Rotate,
        Action::Deactivate,
        Action::Reactivate,
        Action::Compromise,
        Action::Destroy,
        Action::CancelDestroy,
        Action::Purge,
        Action::Apply,
        Action::Process {
            allow_compromised: false,
        },
        Action::Process {
            allow_compromised: true,
        },
        Action::ExportPublicKey,
    ];
}

/// What an allowed action does to the key's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Nothing changes.
    None,
    /// The state becomes the given one.
    MoveTo(KeyState),
    /// Destruction is scheduled; when it completes the key moves to the given state.
    ScheduleDestruction {
        /// `destroyed`, or `destroyed-compromised` for a compromised key.
        completes_as: KeyState,
    },
    /// The pending destruction is cancelled; the state stays.
    CancelDestruction,
    /// The record is removed from the vault.
    Remove,
}

/// Why an action was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The state does not allow the action.
    WrongState {
        /// Current state.
        state: KeyState,
        /// States in which the action is allowed (empty when none, e.g. compromised processing
        /// without the override).
        allowed: Vec<KeyState>,
    },
    /// Destruction is pending: only cancel-destroy, compromise and metadata are allowed.
    PendingDestruction,
}

/// The action table: the effect of `action` in `state` when no destruction is pending, or `None`
/// where the table has ✗.
pub fn table(action: Action, state: KeyState) -> Option<Effect> {
    use KeyState::*;
    match action {
        Action::GetMetadata => Some(Effect::None),
        Action::List { include_destroyed } => {
            (include_destroyed || !state.is_destroyed()).then_some(Effect::None)
        }
        Action::UpdateMetadata | Action::ExportPublicKey => {
            (!state.is_destroyed()).then_some(Effect::None)
        }
        Action::Activate => (state == PreActive).then_some(Effect::MoveTo(Active)),
        Action::Rotate | Action::Apply => (state == Active).then_some(Effect::None),
        Action::Deactivate => (state == Active).then_some(Effect::MoveTo(Deactivated)),
        Action::Reactivate => (state == Deactivated).then_some(Effect::MoveTo(Active)),
        Action::Compromise => match state {
            PreActive | Active | Deactivated => Some(Effect::MoveTo(Compromised)),
            Destroyed => Some(Effect::MoveTo(DestroyedCompromised)),
            Compromised | DestroyedCompromised => None,
        },
        Action::Destroy => match state {
            PreActive | Deactivated => Some(Effect::ScheduleDestruction {
                completes_as: Destroyed,
            }),
            Compromised => Some(Effect::ScheduleDestruction {
                completes_as: DestroyedCompromised,
            }),
            Active | Destroyed | DestroyedCompromised => None,
        },
        // Only while pending: see `check`.
        Action::CancelDestroy => None,
        Action::Purge => state.is_destroyed().then_some(Effect::Remove),
        Action::Process { allow_compromised } => match state {
            Active | Deactivated => Some(Effect::None),
            Compromised if allow_compromised => Some(Effect::None),
            _ => None,
        },
    }
}

/// Decides an action for a key in `state`, with or without a pending destruction.
pub fn check(action: Action, state: KeyState, pending: bool) -> Result<Effect, Refusal> {
    if pending {
        return match action {
            Action::GetMetadata | Action::List { .. } | Action::UpdateMetadata => Ok(Effect::None),
            Action::CancelDestroy => Ok(Effect::CancelDestruction),
            Action::Compromise => table(action, state).ok_or_else(|| wrong(action, state)),
            _ => Err(Refusal::PendingDestruction),
        };
    }
    table(action, state).ok_or_else(|| wrong(action, state))
}

fn wrong(action: Action, state: KeyState) -> Refusal {
    Refusal::WrongState {
        state,
        allowed: allowed_states(action),
    }
}

/// The states in which `action` is allowed (without a pending destruction; cancel-destroy lists
/// the states in which a destruction can be pending).
pub fn allowed_states(action: Action) -> Vec<KeyState> {
    match action {
        Action::CancelDestroy => vec![
            KeyState::PreActive,
            KeyState::Deactivated,
            KeyState::Compromised,
        ],
        _ => KeyState::ALL
            .into_iter()
            .filter(|s| table(action, *s).is_some())
            .collect(),
    }
}

/// Whether `from → to` is one of the transitions LIFECYCLE.md permits (numbers 2-10, 6r;
/// creation and purge are not state-to-state).
pub fn is_permitted_transition(from: KeyState, to: KeyState) -> bool {
    use KeyState::*;
    matches!(
        (from, to),
        (PreActive, Destroyed)
            | (PreActive, Compromised)
            | (PreActive, Active)
            | (Active, Compromised)
            | (Active, Deactivated)
            | (Deactivated, Active)
            | (Deactivated, Destroyed)
            | (Deactivated, Compromised)
            | (Compromised, DestroyedCompromised)
            | (Destroyed, DestroyedCompromised)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use KeyState::*;

    /// LIFECYCLE.md's action table, transcribed cell by cell: one row per action, one column
    /// per state in `KeyState::ALL` order. `true` = ✓.
    const EXPECTED: [(Action, [bool; 6]); 16] = [
        (Action::GetMetadata, [true, true, true, true, true, true]),
        (
            Action::List {
                include_destroyed: false,
            },
            [true, true, true, true, false, false],
        ),
        (
            Action::List {
                include_destroyed: true,
            },
            [true, true, true, true, true, true],
        ),
        (
            Action::UpdateMetadata,
            [true, true, true, true, false, false],
        ),
        (Action::Activate, [true, false, false, false, false, false]),
        (Action::Rotate, [false, true, false, false, false, false]),
        (
            Action::Deactivate,
            [false, true, false, false, false, false],
        ),
        (
            Action::Reactivate,
            [false, false, true, false, false, false],
        ),
        (Action::Compromise, [true, true, true, false, true, false]),
        (Action::Destroy, [true, false, true, true, false, false]),
        (
            Action::CancelDestroy,
            [false, false, false, false, false, false],
        ),
        (Action::Purge, [false, false, false, false, true, true]),
        (Action::Apply, [false, true, false, false, false, false]),
        (
            Action::Process {
                allow_compromised: false,
            },
            [false, true, true, false, false, false],
        ),
        (
            Action::Process {
                allow_compromised: true,
            },
            [false, true, true, true, false, false],
        ),
        (
            Action::ExportPublicKey,
            [true, true, true, true, false, false],
        ),
    ];

    #[test]
    fn every_cell_without_pending() {
        for (action, row) in EXPECTED {
            for (state, ok) in KeyState::ALL.into_iter().zip(row) {
                let got = check(action, state, false);
                assert_eq!(got.is_ok(), ok, "{action:?} in {state}: {got:?}");
                if let Err(Refusal::WrongState { state: s, allowed }) = got {
                    assert_eq!(s, state);
                    if action != Action::CancelDestroy {
                        assert!(!allowed.contains(&state), "{action:?} in {state}");
                    }
                }
            }
        }
    }

    #[test]
    fn pending_allows_only_metadata_cancel_and_compromise() {
        for state in [PreActive, Deactivated, Compromised] {
            for action in Action::ALL {
                let got = check(action, state, true);
                match action {
                    Action::GetMetadata | Action::List { .. } | Action::UpdateMetadata => {
                        assert_eq!(got, Ok(Effect::None))
                    }
                    Action::CancelDestroy => assert_eq!(got, Ok(Effect::CancelDestruction)),
                    Action::Compromise if state != Compromised => {
                        assert_eq!(got, Ok(Effect::MoveTo(Compromised)))
                    }
                    Action::Compromise => {
                        assert!(matches!(got, Err(Refusal::WrongState { .. })))
                    }
                    _ => assert_eq!(got, Err(Refusal::PendingDestruction), "{action:?}"),
                }
            }
        }
    }

    #[test]
    fn every_state_change_is_a_permitted_transition() {
        for action in Action::ALL {
            for state in KeyState::ALL {
                match table(action, state) {
                    Some(Effect::MoveTo(to)) => assert!(is_permitted_transition(state, to)),
                    Some(Effect::ScheduleDestruction { completes_as }) => {
                        assert!(is_permitted_transition(state, completes_as))
                    }
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn codes_and_names() {
        let codes: Vec<u8> = KeyState::ALL.iter().map(|s| s.state_code()).collect();
        assert_eq!(codes, vec![0, 1, 3, 4, 5, 6]);
        let kmip: Vec<u32> = KeyState::ALL.iter().map(|s| s.kmip_value()).collect();
        assert_eq!(kmip, vec![1, 2, 3, 4, 5, 6]);
        for s in KeyState::ALL {
            assert_eq!(s.name().parse::<KeyState>(), Ok(s));
            assert_eq!(KeyState::from_state_code(s.state_code()), Some(s));
        }
    }
}
