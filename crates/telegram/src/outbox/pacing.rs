//! Telegram's limits, kept with governor's rate limiters: a message that breaks no limit leaves
//! at once, and one that would waits only until it would not.

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use governor::Quota;
use governor::clock::{Clock, MonotonicClock};

/// Telegram's limits on sending, as the outbox keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Messages a second to all chats together.
    pub overall_per_sec: u32,
    /// Messages a second to one chat.
    pub chat_per_sec: u32,
    /// Messages a minute to one group.
    pub group_per_min: u32,
}

impl Limits {
    /// What Telegram asks of bots.
    pub const TELEGRAM: Limits = Limits { overall_per_sec: 30, chat_per_sec: 1, group_per_min: 20 };

    /// No limits worth the name: tests and benchmarks measure the bot, not Telegram's pacing.
    pub const UNLIMITED: Limits =
        Limits { overall_per_sec: 1_000_000, chat_per_sec: 1_000_000, group_per_min: 60_000_000 };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::TELEGRAM
    }
}

/// How early a message may go against its limit's schedule. Tokio's timers wake a millisecond or
/// more late; without this slack, each late wake-up pushes every later message back (governor's
/// schedule restarts from when a message actually went), so a chat kept at its one message a
/// second drifts later by a millisecond or so a reply, and a fan-out at 30 a second loses as much
/// a message. It is a time, not a count: a burst of whole messages is no slack at all at 1 a
/// second, and most of a second's worth at 30.
const SLACK: Duration = Duration::from_millis(20);

/// A limit of one message every `interval`, with [`SLACK`]: governor counts in cells, so a message
/// costs enough cells that one cell is no longer than the slack, and the burst allows the slack's
/// worth of cells beyond one message. Returns the quota and the cells a message costs.
pub(super) fn paced(interval: Duration) -> (Quota, NonZeroU32) {
    let interval = interval.max(Duration::from_nanos(1));
    let cost = u32::try_from(interval.as_nanos().div_ceil(SLACK.as_nanos())).unwrap_or(u32::MAX).max(1);
    let cell = (interval / cost).max(Duration::from_nanos(1));
    let extra = u32::try_from(SLACK.as_nanos() / cell.as_nanos()).unwrap_or(u32::MAX).max(1);
    let quota = Quota::with_period(cell).unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX));
    (quota.allow_burst(nonzero(cost.saturating_add(extra))), nonzero(cost))
}

/// A check of `cost` cells as a plain yes or not-yet. The burst always exceeds the cost (see
/// [`paced`]), so governor cannot find the cost too big; were it to, letting the message go beats
/// waiting for ever.
pub(super) fn fits<E>(checked: Result<Result<(), E>, governor::InsufficientCapacity>) -> Result<(), E> {
    checked.unwrap_or(Ok(()))
}

pub(super) fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

/// Waits until `check` lets a message through (governor says how long until it would).
pub(super) async fn wait_for<E>(clock: &MonotonicClock, check: impl Fn() -> Result<(), E>)
where
    E: WaitTime,
{
    while let Err(not_yet) = check() {
        tokio::time::sleep(not_yet.wait(clock)).await;
    }
}

pub(super) trait WaitTime {
    fn wait(&self, clock: &MonotonicClock) -> Duration;
}

impl WaitTime for governor::NotUntil<Instant> {
    fn wait(&self, clock: &MonotonicClock) -> Duration {
        self.wait_time_from(clock.now())
    }
}

#[cfg(test)]
mod tests {
    use governor::RateLimiter;
    use governor::clock::FakeRelativeClock;

    use super::*;

    /// A limiter of one message every `interval` on a clock the test moves.
    fn limiter(interval: Duration) -> (impl Fn() -> bool, FakeRelativeClock) {
        let (quota, cost) = paced(interval);
        let clock = FakeRelativeClock::default();
        let limiter = RateLimiter::direct_with_clock(quota, clock.clone());
        (move || fits(limiter.check_n(cost)).is_ok(), clock)
    }

    #[test]
    fn one_message_a_second_lets_the_next_go_no_earlier_than_the_slack_allows() {
        let (fits_now, clock) = limiter(Duration::from_secs(1));
        assert!(fits_now(), "the first message goes at once");
        assert!(!fits_now(), "the second waits");
        clock.advance(Duration::from_secs(1) - SLACK - Duration::from_millis(10));
        assert!(!fits_now(), "not before a second less the slack");
        clock.advance(Duration::from_millis(10));
        assert!(fits_now(), "a timer waking a little early does not push the message back");
        assert!(!fits_now(), "and one message is still one message");
    }

    #[test]
    fn thirty_a_second_lets_thirty_and_not_many_more_through_in_a_second() {
        let (fits_now, clock) = limiter(Duration::from_secs(1) / 30);
        let mut sent = 0;
        for _ in 0..1000 {
            if fits_now() {
                sent += 1;
            }
            clock.advance(Duration::from_millis(1));
        }
        assert!((30..=31).contains(&sent), "{sent} in a second");
    }

    #[test]
    fn twenty_a_minute_in_a_group_is_one_every_three_seconds() {
        let (fits_now, clock) = limiter(Duration::from_secs(60) / 20);
        assert!(fits_now());
        clock.advance(Duration::from_secs(2));
        assert!(!fits_now());
        clock.advance(Duration::from_secs(1));
        assert!(fits_now());
    }
}
