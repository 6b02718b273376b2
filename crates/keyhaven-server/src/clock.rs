//! The real clock, for production.

use keyhaven_core::Clock;
use time::OffsetDateTime;

/// Reads the system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}
