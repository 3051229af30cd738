//! Time, injected: what depends on it (flood control today, daily deliveries next) asks a clock,
//! so tests can set the time instead of sleeping.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync {
    /// Monotonic time, for measuring intervals.
    fn now(&self) -> Instant;
    /// Wall-clock time, for what happens at a time of day.
    fn utc(&self) -> DateTime<Utc>;
}

/// The real monotonic clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn utc(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that moves only when told to, for tests and replays.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<(Instant, DateTime<Utc>)>,
}

impl ManualClock {
    pub fn new() -> ManualClock {
        ManualClock { now: Mutex::new((Instant::now(), Utc::now())) }
    }

    /// A clock whose wall-clock time starts at `utc`.
    pub fn at(utc: DateTime<Utc>) -> ManualClock {
        ManualClock { now: Mutex::new((Instant::now(), utc)) }
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        now.0 += by;
        now.1 += chrono::TimeDelta::from_std(by).unwrap_or(chrono::TimeDelta::MAX);
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.now.lock().unwrap_or_else(|e| e.into_inner()).0
    }

    fn utc(&self) -> DateTime<Utc> {
        self.now.lock().unwrap_or_else(|e| e.into_inner()).1
    }
}
