//! Whether `serve` is serving, for `GET /healthz`: Telegram reached, updates being dispatched, and
//! the daily scheduler running where there is a database. Each part reports here as it changes;
//! nothing is probed on a request, so a health check costs Telegram nothing.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a request to Telegram may take before it fails: teloxide's client gives up after 17 s.
/// A failure not followed by another within its retry delay and this long means the retry got
/// through.
pub const REQUEST_LIMIT: Duration = Duration::from_secs(20);

#[derive(Debug, Default)]
pub struct Health {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Whether updates are being taken (the dispatcher runs).
    dispatching: bool,
    /// Telegram answered at least once since start.
    reached: bool,
    /// The last failure to reach Telegram, unless something got through since: until when it
    /// counts (a retry that fails again says so before then).
    failing_until: Option<Instant>,
    /// Whether there is a daily scheduler to keep running, and whether it runs.
    scheduler_expected: bool,
    scheduler_running: bool,
    stopping: bool,
    /// Telegram answered 429 to several chats at once, and nothing was sent since.
    throttled: bool,
}

/// Why the bot is not serving, as `/healthz` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unhealthy {
    Starting,
    TelegramUnreachable,
    Throttled,
    NotDispatching,
    SchedulerStopped,
    Stopping,
}

impl Unhealthy {
    pub fn reason(self) -> &'static str {
        match self {
            Unhealthy::Starting => "starting: Telegram not reached yet",
            Unhealthy::TelegramUnreachable => "cannot reach Telegram",
            Unhealthy::Throttled => "Telegram asks the bot to wait before sending (429)",
            Unhealthy::NotDispatching => "not taking updates",
            Unhealthy::SchedulerStopped => "the daily scheduler is not running",
            Unhealthy::Stopping => "stopping",
        }
    }
}

impl Health {
    pub fn new() -> Arc<Health> {
        Arc::new(Health::default())
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Telegram answered.
    pub fn reached(&self) {
        self.with(|s| {
            s.reached = true;
            s.failing_until = None;
        });
    }

    /// Telegram refuses the bot's messages for now (429 to several chats); cleared when one gets
    /// through.
    pub fn throttled(&self) {
        self.with(|s| s.throttled = true);
    }

    /// A message got through.
    pub fn sent(&self) {
        self.with(|s| {
            s.reached = true;
            s.failing_until = None;
            s.throttled = false;
        });
    }

    /// Telegram could not be reached; the next try is in `retry_in`.
    pub fn unreachable(&self, retry_in: Duration) {
        let until = Instant::now() + retry_in + REQUEST_LIMIT;
        self.with(|s| s.failing_until = Some(s.failing_until.map_or(until, |t| t.max(until))));
    }

    pub fn dispatching(&self, on: bool) {
        self.with(|s| s.dispatching = on);
    }

    /// There is a database, so deliveries depend on the scheduler running.
    pub fn expect_scheduler(&self) {
        self.with(|s| s.scheduler_expected = true);
    }

    /// Marks the scheduler running until the guard is dropped: when its task ends, panics or is
    /// aborted alike.
    pub fn scheduler_running(self: &Arc<Self>) -> SchedulerGuard {
        self.with(|s| s.scheduler_running = true);
        SchedulerGuard(self.clone())
    }

    pub fn stopping(&self) {
        self.with(|s| s.stopping = true);
    }

    /// Ok while serving; otherwise the first reason it is not.
    pub fn check(&self) -> Result<(), Unhealthy> {
        self.check_at(Instant::now())
    }

    fn check_at(&self, now: Instant) -> Result<(), Unhealthy> {
        self.with(|s| {
            if s.stopping {
                Err(Unhealthy::Stopping)
            } else if s.failing_until.is_some_and(|until| now < until) {
                Err(Unhealthy::TelegramUnreachable)
            } else if s.throttled {
                Err(Unhealthy::Throttled)
            } else if !s.reached {
                Err(Unhealthy::Starting)
            } else if !s.dispatching {
                Err(Unhealthy::NotDispatching)
            } else if s.scheduler_expected && !s.scheduler_running {
                Err(Unhealthy::SchedulerStopped)
            } else {
                Ok(())
            }
        })
    }
}

/// Held by the running scheduler.
pub struct SchedulerGuard(Arc<Health>);

impl Drop for SchedulerGuard {
    fn drop(&mut self) {
        self.0.with(|s| s.scheduler_running = false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serving() -> Arc<Health> {
        let health = Health::new();
        health.reached();
        health.dispatching(true);
        health
    }

    #[test]
    fn a_bot_telegram_holds_back_is_unhealthy_until_a_message_gets_through() {
        let health = serving();
        health.throttled();
        assert_eq!(health.check(), Err(Unhealthy::Throttled));
        assert!(Unhealthy::Throttled.reason().contains("429"));
        // An answer to a poll is no message sent: still held back.
        health.reached();
        assert_eq!(health.check(), Err(Unhealthy::Throttled));
        health.sent();
        assert_eq!(health.check(), Ok(()));
    }

    #[test]
    fn a_bot_is_healthy_once_telegram_answered_and_updates_are_dispatched() {
        let health = Health::new();
        assert_eq!(health.check(), Err(Unhealthy::Starting));
        health.reached();
        assert_eq!(health.check(), Err(Unhealthy::NotDispatching));
        health.dispatching(true);
        assert_eq!(health.check(), Ok(()));
        health.stopping();
        assert_eq!(health.check(), Err(Unhealthy::Stopping));
    }

    #[test]
    fn a_failure_counts_until_something_gets_through_or_the_retry_has_had_time_to() {
        let health = serving();
        health.unreachable(Duration::from_secs(4));
        let now = Instant::now();
        assert_eq!(health.check_at(now), Err(Unhealthy::TelegramUnreachable));
        let later = now + Duration::from_secs(4) + REQUEST_LIMIT + Duration::from_secs(1);
        assert_eq!(health.check_at(later), Ok(()), "the retry got through: no failure followed");
        health.unreachable(Duration::from_secs(4));
        health.reached();
        assert_eq!(health.check_at(now), Ok(()));
    }

    #[test]
    fn the_scheduler_counts_only_with_a_database_and_while_its_task_holds_the_guard() {
        let health = serving();
        assert_eq!(health.check(), Ok(()));
        health.expect_scheduler();
        assert_eq!(health.check(), Err(Unhealthy::SchedulerStopped));
        let guard = health.scheduler_running();
        assert_eq!(health.check(), Ok(()));
        let task = std::thread::spawn(move || {
            let _guard = guard;
            panic!("the scheduler failed");
        });
        assert!(task.join().is_err());
        assert_eq!(health.check(), Err(Unhealthy::SchedulerStopped), "a panic drops the guard too");
    }
}
