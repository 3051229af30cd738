//! Per-user flood control: someone sending a hundred commands a second gets one "slow down" and
//! then silence, instead of a hundred replies queued behind Telegram's rate limits.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Inputs a user may send per window.
pub const BURST: u32 = 8;
pub const WINDOW: Duration = Duration::from_secs(10);
/// Users remembered before old windows are forgotten.
const MAX_USERS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Admit,
    /// Over the limit for the first time this window: say so once.
    Warn,
    Drop,
}

#[derive(Default)]
pub struct Limiter {
    /// Per user: when their window started, and how many inputs it has seen.
    users: Mutex<HashMap<i64, (Instant, u32)>>,
}

impl Limiter {
    /// Counts one input of `user` at `now` (the caller's clock, so tests need not wait).
    pub fn admit(&self, user: i64, now: Instant) -> Verdict {
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        if users.len() > MAX_USERS {
            users.retain(|_, (start, _)| now.saturating_duration_since(*start) < WINDOW);
        }
        let (start, count) = users.entry(user).or_insert((now, 0));
        if now.saturating_duration_since(*start) >= WINDOW {
            (*start, *count) = (now, 0);
        }
        *count += 1;
        match *count {
            n if n <= BURST => Verdict::Admit,
            n if n == BURST + 1 => Verdict::Warn,
            _ => Verdict::Drop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_gets_one_warning_then_silence_until_the_window_passes() {
        let limiter = Limiter::default();
        let t = Instant::now();
        let verdicts: Vec<Verdict> = (0..100).map(|_| limiter.admit(7, t)).collect();
        assert!(verdicts[..BURST as usize].iter().all(|v| *v == Verdict::Admit));
        assert_eq!(verdicts[BURST as usize], Verdict::Warn);
        assert!(verdicts[BURST as usize + 1..].iter().all(|v| *v == Verdict::Drop));
        assert_eq!(limiter.admit(8, t), Verdict::Admit, "other users are not affected");
        assert_eq!(limiter.admit(7, t + WINDOW), Verdict::Admit);
    }
}
