//! Per-user flood control: a token bucket per user (governor's GCRA), with a burst that normal use
//! never meets — searching, paging quickly, opening speakers — and a steady refill. Someone who
//! sends far more is told once to slow down, then ignored until their bucket refills.

use std::collections::HashSet;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{Quota, RateLimiter, clock, state::keyed::DefaultKeyedStateStore};

use crate::clock::Clock;

/// Inputs a user may send at once.
pub const BURST: u32 = 20;
/// One more input is allowed each `REFILL`.
pub const REFILL: Duration = Duration::from_secs(1);
/// Users whose buckets are remembered before full ones are forgotten (a full bucket is the same
/// as no bucket).
const KEEP_USERS: usize = 10_000;
/// How often (in inputs) full buckets are forgotten once there are more than `KEEP_USERS`.
const FORGET_EVERY: u64 = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Admit,
    /// Over the limit for the first time since the last admitted input: say so once.
    Warn,
    Drop,
}

/// governor's view of the app's clock, so tests can move time by hand.
struct Ticks(Arc<dyn Clock>);

impl clock::Clock for Ticks {
    type Instant = Instant;

    fn now(&self) -> Instant {
        self.0.now()
    }
}

pub struct Limiter {
    buckets: RateLimiter<i64, DefaultKeyedStateStore<i64>, Ticks>,
    /// Users told to slow down since their last admitted input.
    warned: Mutex<HashSet<i64>>,
    /// Inputs seen, to forget full buckets now and then rather than on every input.
    seen: AtomicU64,
}

impl Limiter {
    pub fn new(clock: Arc<dyn Clock>) -> Limiter {
        let burst = NonZeroU32::new(BURST).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(REFILL).map_or(Quota::per_second(NonZeroU32::MIN), |q| q.allow_burst(burst));
        Limiter {
            buckets: RateLimiter::hashmap_with_clock(quota, Ticks(clock)),
            warned: Mutex::new(HashSet::new()),
            seen: AtomicU64::new(0),
        }
    }

    /// Counts one input of `user`.
    pub fn admit(&self, user: i64) -> Verdict {
        if self.seen.fetch_add(1, Ordering::Relaxed).is_multiple_of(FORGET_EVERY) && self.buckets.len() > KEEP_USERS {
            self.buckets.retain_recent();
        }
        let admitted = self.buckets.check_key(&user).is_ok();
        let mut warned = self.warned.lock().unwrap_or_else(|e| e.into_inner());
        if warned.len() > KEEP_USERS {
            // Someone warned long ago may be warned once more: a small price for a bounded set.
            warned.clear();
        }
        if admitted {
            warned.remove(&user);
            Verdict::Admit
        } else if warned.insert(user) {
            Verdict::Warn
        } else {
            Verdict::Drop
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::clock::ManualClock;
    use super::*;

    #[test]
    fn a_flood_gets_one_warning_then_silence_until_the_bucket_refills() {
        let clock = Arc::new(ManualClock::new());
        let limiter = Limiter::new(clock.clone());
        let verdicts: Vec<Verdict> = (0..100).map(|_| limiter.admit(7)).collect();
        assert!(verdicts[..BURST as usize].iter().all(|v| *v == Verdict::Admit));
        assert_eq!(verdicts[BURST as usize], Verdict::Warn);
        assert!(verdicts[BURST as usize + 1..].iter().all(|v| *v == Verdict::Drop));
        assert_eq!(limiter.admit(8), Verdict::Admit, "other users are not affected");
        clock.advance(REFILL);
        assert_eq!(limiter.admit(7), Verdict::Admit, "one input a second once the burst is spent");
        assert_eq!(limiter.admit(7), Verdict::Warn, "and a new warning after that");
    }

    #[test]
    fn a_steady_input_a_second_is_never_refused() {
        let clock = Arc::new(ManualClock::new());
        let limiter = Limiter::new(clock.clone());
        for _ in 0..1000 {
            assert_eq!(limiter.admit(7), Verdict::Admit);
            clock.advance(REFILL);
        }
    }
}
