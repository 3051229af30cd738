//! Daily sections at the edge: the scheduler that sleeps until the next delivery is due, and the
//! pass that sends what is due through each chat's queue and the outbox. `digestbot deliver` runs
//! the same pass once.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use teloxide::types::{ChatId, MessageId, ThreadId};
use tokio::task::JoinSet;

use crate::health::Health;
use crate::in_flight::InFlight;
use crate::outbox::{Destination, Failure, Outbox, Priority, Request, Slot};
use crate::render;
use digestbot_core::App;
use digestbot_core::daily::{Daily, Delivery};
use digestbot_core::telemetry as metric;
use digestbot_search::library::Library;

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
    sending: JoinSet<DeliveryOutcome>,
}

enum DeliveryOutcome {
    Delivered,
    /// The chat cannot be written to any more.
    Stopped,
    /// The chat stopped its daily section while the delivery waited.
    Skipped,
    Failed,
}

impl DeliveryOutcome {
    /// The label of the outcome.
    fn kind(&self) -> &'static str {
        match self {
            DeliveryOutcome::Delivered => "delivered",
            DeliveryOutcome::Stopped => "stopped",
            DeliveryOutcome::Skipped => "skipped",
            DeliveryOutcome::Failed => "failed",
        }
    }
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
                Ok(DeliveryOutcome::Delivered) => report.delivered += 1,
                Ok(DeliveryOutcome::Stopped) => report.stopped += 1,
                Ok(DeliveryOutcome::Skipped | DeliveryOutcome::Failed) | Err(_) => {}
            }
        }
        report
    }
}

/// Starts every delivery due at `now`: each is claimed, waits for its turn among deliveries, then
/// goes into its chat's queue behind what is queued there. Returns at once; [`Pass::finish`] waits
/// for the sending.
pub async fn start_pass(app: &App, outbox: &Arc<Outbox>, me: &str, now: DateTime<Utc>) -> Pass {
    let mut sending = JoinSet::new();
    let Some(daily) = app.daily().cloned() else { return Pass { sending } };
    let (library, me) = (app.library(), me.to_string());
    // Reading the database, rendering and claiming thousands of deliveries is blocking work: off
    // the async workers, which answer people meanwhile.
    let claiming = daily.clone();
    let claimed = tokio::task::spawn_blocking(move || claim_due(&claiming, &library, &me, now)).await;
    let claimed = claimed.unwrap_or_default();
    if !claimed.is_empty() {
        metrics::counter!(metric::DELIVERY_PASSES).increment(1);
    }
    for (delivery, parts) in claimed {
        let outbox = outbox.clone();
        sending.spawn(async move {
            // Its turn first, then its chat's queue: a reply to that chat is never queued behind a
            // delivery still waiting for its turn.
            let slot = outbox.slot(Priority::Delivery).await;
            let (done, outcome) = tokio::sync::oneshot::channel();
            let (chat, queues, sender) = (delivery.due().chat, outbox.queues().clone(), outbox.clone());
            let job = async move {
                let _ = done.send(deliver(&sender, delivery, parts, slot).await);
            };
            queues.push_waiting(chat, Box::pin(job)).await;
            let outcome = outcome.await.unwrap_or(DeliveryOutcome::Failed);
            metrics::counter!(metric::DELIVERIES, "outcome" => outcome.kind()).increment(1);
            outcome
        });
    }
    Pass { sending }
}

/// The deliveries due at `now`, rendered and claimed.
fn claim_due(daily: &Arc<Daily>, library: &Library, me: &str, now: DateTime<Utc>) -> Vec<(Delivery, Vec<String>)> {
    let due = match daily.due(library, now) {
        Ok(due) => due,
        Err(e) => {
            tracing::error!("cannot read the daily deliveries: {e}");
            return Vec::new();
        }
    };
    let mut claimed = Vec::new();
    for due in due {
        let parts = render::html(&due.message.text, me);
        let chat = due.chat;
        match daily.claim(due, parts.len() as u32, now) {
            Ok(Some(delivery)) => claimed.push((delivery, parts)),
            Ok(None) => {}
            Err(e) => tracing::error!(chat, "cannot claim a delivery: {e}"),
        }
    }
    claimed
}

/// Sends what is left of one delivery, recording each message that goes. What touches the
/// database runs off the async workers.
async fn deliver(outbox: &Outbox, delivery: Delivery, parts: Vec<String>, slot: Slot) -> DeliveryOutcome {
    let mut slot = Some(slot);
    let due = delivery.due();
    let mut place = Destination { chat: ChatId(due.chat), thread: due.thread.map(|t| ThreadId(MessageId(t))) };
    let skip = due.sent as usize;
    let mut delivery = Some(delivery);
    for (i, html) in parts.into_iter().enumerate().skip(skip) {
        // A chat that stopped its daily section while this waited gets nothing more of it.
        let Some((wanted, back)) = blocking(delivery.take(), |d| d.wanted()).await else {
            return DeliveryOutcome::Failed;
        };
        delivery = Some(back);
        if !wanted {
            return finish(delivery, DeliveryOutcome::Skipped, false).await;
        }
        let priority = if slot.is_some() { Priority::Delivery } else { Priority::Continuation };
        match outbox.send_in(slot.take(), priority, Request::Send { place, html, keyboard: None }).await {
            Ok(sent) => {
                metrics::counter!(metric::DELIVERED_MESSAGES).increment(1);
                let moved = sent.moved_to;
                if let Some(new) = moved {
                    place.chat = new;
                }
                let recorded = blocking(delivery.take(), move |d| {
                    if let Some(new) = moved {
                        d.moved(new.0);
                    }
                    d.sent(i as u32 + 1)
                });
                let Some((recorded, back)) = recorded.await else { return DeliveryOutcome::Failed };
                if let Err(e) = recorded {
                    tracing::error!(chat = place.chat.0, "cannot record a delivered message: {e}");
                }
                delivery = Some(back);
            }
            Err(Failure::Gone(reason)) => {
                if let Some(delivery) = delivery.take() {
                    let _ = tokio::task::spawn_blocking(move || delivery.gone(&reason)).await;
                }
                return DeliveryOutcome::Stopped;
            }
            // Left unfinished, to be resumed once the bot has a token Telegram takes.
            Err(Failure::TokenRejected) => {
                tracing::error!(chat = place.chat.0, "Telegram rejects the token; the delivery waits");
                return finish(delivery, DeliveryOutcome::Failed, false).await;
            }
            Err(failure) => {
                // Telegram refuses this message for what it is: sending it again cannot help.
                tracing::error!(chat = place.chat.0, "a delivery was refused: {failure:?}");
                return finish(delivery, DeliveryOutcome::Failed, true).await;
            }
        }
    }
    finish(delivery, DeliveryOutcome::Delivered, true).await
}

/// Ends `delivery` with `outcome`: recorded as over when `over`, else left for a later pass.
async fn finish(delivery: Option<Delivery>, outcome: DeliveryOutcome, over: bool) -> DeliveryOutcome {
    if let Some(delivery) = delivery {
        let ended = tokio::task::spawn_blocking(move || if over { delivery.finish() } else { delivery.leave() });
        let _ = ended.await;
    }
    outcome
}

/// Runs `work` on `delivery` off the async workers; None when there is no delivery or the work
/// panicked. A delivery whose database work panics is given up as over, not released to be
/// resumed: resuming would send its last part again, every pass, for as long as the panic lasts.
async fn blocking<T: Send + 'static>(
    delivery: Option<Delivery>,
    work: impl FnOnce(&mut Delivery) -> T + Send + 'static,
) -> Option<(T, Delivery)> {
    let mut delivery = delivery?;
    let ran = tokio::task::spawn_blocking(move || {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut delivery))) {
            Ok(out) => Some((out, delivery)),
            Err(_) => {
                tracing::error!(chat = delivery.due().chat, "recording a delivery failed; it is given up");
                delivery.finish();
                None
            }
        }
    });
    ran.await.ok().flatten()
}

/// Runs [`schedule`], starting it again should it ever fail: a bot meant to run for months must
/// not stop delivering, silently, over one bad moment. Aborting it stops passes from starting;
/// the passes already started go on, counted in `passes`. `health` hears whether it runs, so that
/// a scheduler that failed, or ended, is seen from outside.
pub(crate) async fn supervise(app: Arc<App>, outbox: Arc<Outbox>, me: String, passes: InFlight, health: Arc<Health>) {
    loop {
        let scheduling = schedule(app.clone(), outbox.clone(), me.clone(), passes.clone());
        let running = health.scheduler_running();
        let mut running = Running(tokio::spawn(async move {
            let _running = running;
            scheduling.await
        }));
        match (&mut running.0).await {
            Err(e) if e.is_panic() => {
                metrics::counter!(metric::SCHEDULER_RESTARTS).increment(1);
                tracing::error!("the daily scheduler failed; starting it again in {RESTART_AFTER:?}");
                tokio::time::sleep(RESTART_AFTER).await;
            }
            _ => return,
        }
    }
}

/// A wait before the scheduler starts again after a failure, so that a failure on every start
/// does not spin.
const RESTART_AFTER: Duration = Duration::from_secs(10);

/// The scheduler's task, stopped with the supervisor that holds it.
struct Running(tokio::task::JoinHandle<()>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Delivers daily sections as they fall due, until the task is stopped: sleeps until the next due
/// time, or until a subscription or the plan changes. Each pass is counted in `passes` until it
/// is over.
pub(crate) async fn schedule(app: Arc<App>, outbox: Arc<Outbox>, me: String, passes: InFlight) {
    let Some(daily) = app.daily().cloned() else { return };
    loop {
        // Registered before looking, so a change made during the pass is not missed.
        let changed = daily.changed().notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        let now = app.utc();
        let pass = start_pass(&app, &outbox, &me, now).await;
        let counted = passes.start();
        // Sent in the background: the next pass may be due before a big fan-out ends.
        tokio::spawn(async move {
            let _counted = counted;
            let report = pass.finish().await;
            if report != Report::default() {
                tracing::info!(delivered = report.delivered, stopped = report.stopped, "daily deliveries sent");
            }
        });
        let (looking, now) = (daily.clone(), app.utc());
        let next = tokio::task::spawn_blocking(move || looking.next_due(now)).await;
        let sleep = match next.unwrap_or(Ok(Some(now))) {
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
