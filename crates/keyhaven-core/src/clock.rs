//! Injected time. Core never reads the system clock itself.

use std::sync::Mutex;

use time::{Duration, OffsetDateTime};

/// Where core gets "now" from.
pub trait Clock: Send + Sync {
    /// The current time, UTC.
    fn now(&self) -> OffsetDateTime;
}

/// A clock that tests move by hand.
#[derive(Debug)]
pub struct FakeClock(Mutex<OffsetDateTime>);

impl FakeClock {
    /// Starts at `at`.
    pub fn new(at: OffsetDateTime) -> FakeClock {
        FakeClock(Mutex::new(at))
    }
    /// Moves time forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
    /// Sets the time.
    pub fn set(&self, at: OffsetDateTime) {
        if let Ok(mut t) = self.0.lock() {
            *t = at;
        }
    }
}

impl Clock for FakeClock {
    fn now(&self) -> OffsetDateTime {
        match self.0.lock() {
            Ok(t) => *t,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}
