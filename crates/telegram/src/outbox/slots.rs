//! The overall limit: a sending slot a message, handed out replies first, so a fan-out to
//! thousands of chats never keeps a person waiting for more than one slot.

use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::RateLimiter;
use governor::clock::{Clock, MonotonicClock};
use governor::state::{InMemoryState, NotKeyed};
use tokio::sync::{Notify, oneshot};

use super::pacing::fits;

type Direct = RateLimiter<NotKeyed, InMemoryState, MonotonicClock>;

/// Who waits for an overall slot, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// A person waiting for an answer.
    Reply,
    /// The rest of a delivery already begun: it holds its chat's queue, and a reply there waits.
    Continuation,
    /// A delivery not yet begun.
    Delivery,
}

/// An overall slot taken ahead of time: a delivery waits for its turn before it enters its
/// chat's queue, so that a reply to that chat is not queued behind a delivery waiting its turn.
#[derive(Debug)]
pub struct Slot(pub(super) ());

/// The overall limit: a slot a message, handed to replies first.
pub(super) struct Slots {
    overall: Direct,
    /// Cells of `overall` a message costs.
    cost: NonZeroU32,
    waiting: Mutex<Waiting>,
    wake: Notify,
    clock: MonotonicClock,
}

#[derive(Default)]
pub(super) struct Waiting {
    replies: VecDeque<oneshot::Sender<()>>,
    continuations: VecDeque<oneshot::Sender<()>>,
    deliveries: VecDeque<oneshot::Sender<()>>,
    /// Nothing leaves before this (Telegram said to wait).
    paused_until: Option<Instant>,
}

impl Waiting {
    fn is_empty(&self) -> bool {
        self.replies.is_empty() && self.continuations.is_empty() && self.deliveries.is_empty()
    }

    fn next(&mut self) -> Option<oneshot::Sender<()>> {
        self.replies.pop_front().or_else(|| self.continuations.pop_front()).or_else(|| self.deliveries.pop_front())
    }
}

impl Slots {
    /// Slots of `quota`, a message costing `cost` cells; the task that hands them out starts with
    /// them, so they must be made inside a Tokio runtime.
    pub(super) fn start(quota: governor::Quota, cost: NonZeroU32) -> Arc<Slots> {
        let slots = Arc::new(Slots {
            overall: RateLimiter::direct_with_clock(quota, MonotonicClock),
            cost,
            waiting: Mutex::new(Waiting::default()),
            wake: Notify::new(),
            clock: MonotonicClock,
        });
        tokio::spawn(slots.clone().hand_out());
        slots
    }

    /// Waits for an overall slot. With nobody queued and the limit not reached it is taken at
    /// once, without a trip through the task that hands slots out.
    pub(super) async fn take(&self, priority: Priority) {
        let ready = {
            let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            let paused = waiting.paused_until.is_some_and(|until| until > Instant::now());
            if !paused && waiting.is_empty() && fits(self.overall.check_n(self.cost)).is_ok() {
                return;
            }
            let (tx, rx) = oneshot::channel();
            match priority {
                Priority::Reply => waiting.replies.push_back(tx),
                Priority::Continuation => waiting.continuations.push_back(tx),
                Priority::Delivery => waiting.deliveries.push_back(tx),
            }
            rx
        };
        self.wake.notify_one();
        // The sender only goes away when the runtime shuts down.
        let _ = ready.await;
    }

    pub(super) fn pause(&self, after: Duration) {
        let until = Instant::now() + after;
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting.paused_until = Some(waiting.paused_until.map_or(until, |t| t.max(until)));
    }

    /// Hands out slots as the limit allows, each to the most urgent waiter at that moment.
    async fn hand_out(self: Arc<Self>) {
        loop {
            let notified = self.wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let (empty, paused_until) = {
                let waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
                (waiting.is_empty(), waiting.paused_until)
            };
            if empty {
                notified.await;
                continue;
            }
            if let Some(until) = paused_until.filter(|until| *until > Instant::now()) {
                tokio::time::sleep_until(until.into()).await;
                continue;
            }
            if let Err(not_yet) = fits(self.overall.check_n(self.cost)) {
                tokio::time::sleep(not_yet.wait_time_from(self.clock.now())).await;
                continue;
            }
            let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            // A waiter that went away (its task was stopped) leaves the slot to the next one.
            while let Some(waiter) = waiting.next() {
                if waiter.send(()).is_ok() {
                    break;
                }
            }
        }
    }
}
