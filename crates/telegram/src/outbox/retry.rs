//! When to try a message again: the backoff while Telegram cannot be reached, how often a reply
//! is tried before it is given up, and how long a 429 may pause sending.

use std::time::Duration;

use super::slots::Priority;

/// Waiting between tries when Telegram could not be reached.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
    /// The longest a 429's `retry_after` is waited.
    pub max_pause: Duration,
}

/// How often a reply is tried when Telegram cannot be reached, before it is given up: a reply
/// minutes late answers a question nobody is waiting on any more.
const REPLY_TRIES: u32 = 5;

/// The retries of one message: each failure to reach Telegram doubles the wait, up to the
/// backoff's longest; a reply gives up after [`REPLY_TRIES`], a delivery never does.
#[derive(Debug)]
pub(super) struct Retries {
    backoff: Backoff,
    priority: Priority,
    wait: Duration,
    tries: u32,
}

impl Retries {
    pub(super) fn new(backoff: Backoff, priority: Priority) -> Retries {
        Retries { backoff, priority, wait: backoff.first, tries: 0 }
    }

    /// Telegram could not be reached once more: how long to wait before the next try, or None
    /// when the message is given up.
    pub(super) fn unreachable(&mut self) -> Option<Duration> {
        self.tries += 1;
        if self.priority == Priority::Reply && self.tries >= REPLY_TRIES {
            return None;
        }
        let wait = self.wait;
        self.wait = (self.wait * 2).min(self.backoff.max);
        Some(wait)
    }

    /// The wait before the next try, as [`Retries::unreachable`] would take it.
    pub(super) fn next_wait(&self) -> Duration {
        self.wait
    }

    pub(super) fn tries(&self) -> u32 {
        self.tries
    }

    /// How long a 429 asking for `asked` pauses sending: at most the backoff's `max_pause`.
    pub(super) fn pause(&self, asked: Duration) -> Duration {
        asked.min(self.backoff.max_pause)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BACKOFF: Backoff =
        Backoff { first: Duration::from_secs(1), max: Duration::from_secs(4), max_pause: Duration::from_secs(120) };

    #[test]
    fn each_failure_doubles_the_wait_up_to_the_longest() {
        let mut retries = Retries::new(BACKOFF, Priority::Delivery);
        let waits: Vec<_> = (0..5).map(|_| retries.unreachable().unwrap().as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 4, 4]);
    }

    #[test]
    fn a_reply_is_given_up_after_five_tries_and_a_delivery_never() {
        let mut reply = Retries::new(BACKOFF, Priority::Reply);
        let tried = std::iter::from_fn(|| reply.unreachable()).count();
        assert_eq!(tried as u32 + 1, REPLY_TRIES, "the fifth failure gives it up");
        let mut delivery = Retries::new(BACKOFF, Priority::Delivery);
        assert!((0..1000).all(|_| delivery.unreachable().is_some()));
    }

    #[test]
    fn a_day_long_429_pauses_sending_for_at_most_the_longest_pause() {
        let retries = Retries::new(BACKOFF, Priority::Reply);
        assert_eq!(retries.pause(Duration::from_secs(86_400)), Duration::from_secs(120));
        assert_eq!(retries.pause(Duration::from_secs(3)), Duration::from_secs(3));
    }
}
