//! Daily sections at the edge: the scheduler that sleeps until the next delivery is due, and the
//! pass that sends what is due through each chat's queue and the outbox. `digestbot deliver` runs
//! the same pass once.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use teloxide::types::{ChatId, MessageId, ThreadId};
use tokio::task::JoinSet;

use super::outbox::{Failure, Outbox, Place, Priority, Request};
use super::render;
use crate::app::App;
use crate::app::daily::{Daily, Due};

/// The longest the scheduler sleeps without looking again: the wall clock can be set or jump
/// (a suspended machine) while a monotonic sleep runs.
const LONGEST_SLEEP: Duration = Duration::from_secs(3600);
/// The shortest: a delivery still due right after a pass could not be claimed (the database
/// failed), and is tried again after this rather than in a tight loop.
const SHORTEST_SLEEP: Duration = Duration::from_secs(1);

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// Deliveries sent whole.
    pub delivered: usize,
    /// Chats that could not be delivered to any more (their daily section stopped).
    pub stopped: usize,
}

/// The deliveries of one pass, being sent.
pub struct Pass {
    sending: JoinSet<Outcome>,
}

enum Outcome {
    Delivered,
    Stopped,
    Failed,
}

impl Pass {
    /// Whether the pass started nothing.
    pub fn is_empty(&self) -> bool {
        self.sending.is_empty()
    }

    /// Waits until every delivery of the pass is over.
    pub async fn finish(mut self) -> Report {
        let mut report = Report::default();
        while let Some(outcome) = self.sending.join_next().await {
            match outcome {
                Ok(Outcome::Delivered) => report.delivered += 1,
                Ok(Outcome::Stopped) => report.stopped += 1,
                Ok(Outcome::Failed) | Err(_) => {}
            }
        }
        report
    }
}

/// Starts every delivery due at `now`: each is claimed, then queued for its chat behind what is
/// queued there already. Returns at once; [`Pass::finish`] waits for the sending.
pub async fn start_pass(app: &App, outbox: &Arc<Outbox>, me: &str, now: DateTime<Utc>) -> Pass {
    let mut sending = JoinSet::new();
    let Some(daily) = app.daily() else { return Pass { sending } };
    let library = app.library();
    let due = match daily.due(&library, now) {
        Ok(due) => due,
        Err(e) => {
            tracing::error!("cannot read the daily deliveries: {e}");
            return Pass { sending };
        }
    };
    for due in due {
        let parts = render::html(&due.message.text, me);
        match daily.claim(&due, parts.len() as u32, now) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::error!(chat = due.chat, "cannot claim a delivery: {e}");
                continue;
            }
        }
        let (daily, queues, outbox) = (daily.clone(), outbox.queues().clone(), outbox.clone());
        let (done, outcome) = tokio::sync::oneshot::channel();
        let chat = due.chat;
        queues
            .push_waiting(
                chat,
                Box::pin(async move {
                    let _ = done.send(deliver(&daily, &outbox, due, parts).await);
                }),
            )
            .await;
        sending.spawn(async move { outcome.await.unwrap_or(Outcome::Failed) });
    }
    Pass { sending }
}

/// Sends what is left of one delivery, recording each message that goes.
async fn deliver(daily: &Daily, outbox: &Outbox, due: Due, parts: Vec<String>) -> Outcome {
    let claimed = due.clone();
    let mut due = due;
    let mut place = Place { chat: ChatId(due.chat), thread: due.thread.map(|t| ThreadId(MessageId(t))) };
    let total = parts.len() as u32;
    let mut outcome = Outcome::Delivered;
    for (i, html) in parts.into_iter().enumerate().skip(due.sent as usize) {
        match outbox.send(Priority::Delivery, Request::Send { place, html, keyboard: None }).await {
            Ok(sent) => {
                if let Some(new) = sent.moved_to {
                    daily.moved(place.chat.0, new.0);
                    place.chat = new;
                    due.chat = new.0;
                }
                if let Err(e) = daily.progress(&due, i as u32 + 1) {
                    tracing::error!(chat = due.chat, "cannot record a delivered message: {e}");
                }
            }
            Err(Failure::Gone(reason)) => {
                daily.gone(place.chat.0, &reason);
                outcome = Outcome::Stopped;
                break;
            }
            Err(failure) => {
                // Telegram refuses this message for what it is: sending it again cannot help.
                tracing::error!(chat = place.chat.0, "a delivery was refused: {failure:?}");
                if let Err(e) = daily.progress(&due, total) {
                    tracing::error!(chat = due.chat, "cannot record a refused delivery: {e}");
                }
                outcome = Outcome::Failed;
                break;
            }
        }
    }
    daily.done(&claimed);
    outcome
}

/// Delivers daily sections as they fall due, until the task is stopped: sleeps until the next due
/// time, or until a subscription or the plan changes.
pub async fn schedule(app: Arc<App>, outbox: Arc<Outbox>, me: String) {
    let Some(daily) = app.daily().cloned() else { return };
    loop {
        // Registered before looking, so a change made during the pass is not missed.
        let changed = daily.changed().notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        let now = app.utc();
        let pass = start_pass(&app, &outbox, &me, now).await;
        // Sent in the background: the next pass may be due before a big fan-out ends.
        tokio::spawn(async move {
            let report = pass.finish().await;
            if report != Report::default() {
                tracing::info!(delivered = report.delivered, stopped = report.stopped, "daily deliveries sent");
            }
        });
        let sleep = match daily.next_due(app.utc()) {
            Ok(Some(at)) => (at - app.utc()).to_std().unwrap_or(Duration::ZERO).clamp(SHORTEST_SLEEP, LONGEST_SLEEP),
            Ok(None) => LONGEST_SLEEP,
            Err(e) => {
                tracing::error!("cannot read the daily schedule: {e}");
                Duration::from_secs(60)
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = changed => {}
        }
    }
}
