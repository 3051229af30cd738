//! Deliveries: what is due at a given time, and the protocol of sending one. A delivery is
//! claimed before its first message goes: the claim records the delivery for the chat's local
//! date and moves the chat's position in one transaction, so a date is never delivered twice.
//! The claim is a [`Delivery`], whose methods are the only way to record each message that goes, a
//! move to a supergroup, a chat gone, and the finish; dropping it releases it. A delivery cut short
//! by a crash is resumed after its last recorded message; only a message in flight at the moment
//! of the crash can arrive twice (see the README).
//!
//! Every method here may touch the database: the edge calls them off its async workers.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use digestbot_search::library::Library;

use super::StoreError;
use super::commands::Daily;
use super::entry::{entry_message, position};
use super::text as msg;
use crate::reply::Message;

/// A delivery to make now.
#[derive(Debug, Clone)]
pub struct Due {
    pub chat: i64,
    /// The forum topic it goes to.
    pub thread: Option<i32>,
    /// The chat's local date it is for.
    pub date: NaiveDate,
    /// The plan entry (a section's or a digest's id).
    pub entry: String,
    pub message: Message,
    /// Messages of it already sent before a restart; the rest follow.
    pub sent: u32,
    claim: Option<Claim>,
}

#[derive(Debug, Clone)]
struct Claim {
    wrapped: bool,
    next: String,
    round: u32,
}

impl Daily {
    /// The deliveries to make at `now`: those owed and not yet made, and those a restart cut short.
    pub fn due(&self, library: &Library, now: DateTime<Utc>) -> Result<Vec<Due>, StoreError> {
        let plan = self.plan.load();
        let in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut due = Vec::new();
        let mut resumed = HashSet::new();
        for pending in self.store.unfinished()? {
            resumed.insert(pending.chat);
            if in_flight.contains(&(pending.chat, pending.date)) {
                continue;
            }
            let sub = match self.store.get(pending.chat) {
                Ok(Some(sub)) => sub,
                Ok(None) => continue,
                // One unreadable row must not stop every other chat's deliveries.
                Err(e) => {
                    tracing::error!(chat = pending.chat, "an interrupted delivery's chat cannot be read: {e}");
                    continue;
                }
            };
            let Some(index) = plan.position(&pending.entry) else {
                // Its section went with a reload: what was sent of it stands, the rest cannot be.
                tracing::warn!(chat = pending.chat, entry = %pending.entry, "an interrupted delivery's section is gone");
                self.store.progress(pending.chat, pending.date, pending.parts)?;
                continue;
            };
            let header = msg::daily_header(&msg::plan_position(index, plan.len()));
            let Some(message) = entry_message(&plan, library, index, &header, pending.wrapped) else { continue };
            due.push(Due {
                chat: pending.chat,
                thread: sub.thread,
                date: pending.date,
                entry: pending.entry,
                message,
                sent: pending.sent,
                claim: None,
            });
        }
        if plan.is_empty() {
            return Ok(due);
        }
        let settled = self.settled.lock().unwrap_or_else(|e| e.into_inner()).clone();
        for sub in self.store.active()? {
            // A chat finishes the delivery it has begun before it gets another.
            if resumed.contains(&sub.chat) {
                continue;
            }
            let last = sub.last.as_ref().map(|last| last.date);
            let Some(date) = sub.schedule.owed(now, sub.since, last, self.settings.catch_up) else { continue };
            if in_flight.contains(&(sub.chat, date)) || settled.contains(&(sub.chat, date)) {
                continue;
            }
            let index = position(&plan, &sub);
            let Some(entry) = plan.get(index) else { continue };
            let (after, starts_over) = plan.after(index);
            let wrapped = index == 0 && sub.round > 0;
            let next = plan.get(after).map_or_else(|| entry.id.clone(), |e| e.id.clone());
            let header = msg::daily_header(&msg::plan_position(index, plan.len()));
            let Some(message) = entry_message(&plan, library, index, &header, wrapped) else { continue };
            due.push(Due {
                chat: sub.chat,
                thread: sub.thread,
                date,
                entry: entry.id.clone(),
                message,
                sent: 0,
                claim: Some(Claim { wrapped, next, round: sub.round + u32::from(starts_over) }),
            });
        }
        Ok(due)
    }

    /// Takes `due` on, to be sent in `parts` messages: None when it is not ours to send (made
    /// already, or being made). Nothing may be sent without the [`Delivery`] this gives.
    pub fn claim(self: &Arc<Self>, due: Due, parts: u32, now: DateTime<Utc>) -> Result<Option<Delivery>, StoreError> {
        Ok(self.claim_for(&due, parts, now)?.then(|| Delivery { daily: self.clone(), due }))
    }

    fn claim_for(&self, due: &Due, parts: u32, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        if in_flight.contains(&(due.chat, due.date)) {
            return Ok(false);
        }
        let claimed = match &due.claim {
            None => true,
            Some(c) => self.store.claim(due.chat, due.date, &due.entry, parts, c.wrapped, &c.next, c.round, now)?,
        };
        if claimed {
            in_flight.insert((due.chat, due.date));
        } else {
            self.settled.lock().unwrap_or_else(|e| e.into_inner()).insert((due.chat, due.date));
        }
        Ok(claimed)
    }

    /// Whether `due`'s chat still wants it: it may have stopped its daily section, or lost the
    /// bot, while the delivery waited for its turn.
    fn wanted(&self, due: &Due) -> bool {
        match self.store.get(due.chat) {
            Ok(Some(sub)) => sub.active,
            Ok(None) => false,
            // Better a section than none when the database cannot say.
            Err(_) => true,
        }
    }

    /// `due` is over: every message of it sent, or given up.
    fn finish(&self, due: &Due) {
        if let Err(e) = self.store.progress(due.chat, due.date, u32::MAX) {
            tracing::error!(chat = due.chat, "cannot record a finished delivery: {e}");
        }
    }

    /// `sent` messages of `due` are out.
    fn progress(&self, due: &Due, sent: u32) -> Result<(), StoreError> {
        self.store.progress(due.chat, due.date, sent)
    }

    /// This process is no longer sending `due` (finished, or left for a later pass).
    fn done(&self, due: &Due) {
        self.in_flight.lock().unwrap_or_else(|e| e.into_inner()).remove(&(due.chat, due.date));
        // A chat that has finished a delivery cut short by a restart may be owed today's now. (Not
        // after every delivery: a fan-out would wake the scheduler thousands of times.)
        if due.claim.is_none() {
            self.changed.notify_one();
        }
    }

    /// The chat cannot be written to (blocked, removed, deleted): no more deliveries there, and
    /// its watched words are forgotten (no alert could reach it).
    pub fn gone(&self, chat: i64, reason: &str) {
        match self.store.deactivate(chat, reason) {
            Ok(true) => {
                tracing::info!(chat, "daily section stopped: {reason}");
                self.changed.notify_one();
            }
            Ok(false) => {}
            Err(e) => tracing::error!(chat, "cannot stop a daily section ({reason}): {e}"),
        }
        match self.store.drop_watches(chat) {
            Ok(0) => {}
            Ok(watches) => tracing::info!(chat, watches, "watched words dropped: {reason}"),
            Err(e) => tracing::error!(chat, "cannot drop watched words ({reason}): {e}"),
        }
    }

    /// A group became a supergroup: its daily section follows it.
    pub fn moved(&self, old: i64, new: i64) {
        // What is being sent to the group is being sent to the supergroup now: a pass must not
        // take it for an interrupted delivery there.
        {
            let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            let moving: Vec<_> = in_flight.iter().filter(|(chat, _)| *chat == old).copied().collect();
            for (_, date) in moving {
                in_flight.remove(&(old, date));
                in_flight.insert((new, date));
            }
        }
        match self.store.migrate(old, new) {
            Ok(()) => {
                tracing::info!(old, new, "daily section moved with its group");
                self.changed.notify_one();
            }
            Err(e) => tracing::error!(old, new, "cannot move a daily section: {e}"),
        }
    }

    /// When the next delivery falls due: now, when one is owed or was cut short.
    pub fn next_due(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, StoreError> {
        let in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let settled = self.settled.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let unfinished = self.store.unfinished()?;
        if unfinished.iter().any(|p| !in_flight.contains(&(p.chat, p.date))) {
            return Ok(Some(now));
        }
        // A chat finishing an earlier delivery gets its next when that is done (which wakes the
        // scheduler), not by looking again and again.
        let busy: HashSet<i64> = unfinished.iter().map(|p| p.chat).collect();
        let mut next: Option<DateTime<Utc>> = None;
        for sub in self.store.active()? {
            if busy.contains(&sub.chat) {
                continue;
            }
            let last = sub.last.as_ref().map(|last| last.date);
            let (date, at) = sub.schedule.next_due(now, sub.since, last, self.settings.catch_up);
            // One being sent now, or logged already, is not due again.
            if in_flight.contains(&(sub.chat, date)) || settled.contains(&(sub.chat, date)) {
                continue;
            }
            next = Some(next.map_or(at, |n| n.min(at)));
        }
        Ok(next)
    }
}

/// A delivery this process has claimed and is sending.
#[derive(Debug)]
pub struct Delivery {
    daily: Arc<Daily>,
    due: Due,
}

impl Delivery {
    /// What is being delivered, and where.
    pub fn due(&self) -> &Due {
        &self.due
    }

    /// Whether the chat still wants it: it may have stopped its daily section, or lost the bot,
    /// while the delivery waited for its turn.
    pub fn wanted(&self) -> bool {
        self.daily.wanted(&self.due)
    }

    /// The first `sent` messages of it are out.
    pub fn sent(&mut self, sent: u32) -> Result<(), StoreError> {
        self.due.sent = self.due.sent.max(sent);
        self.daily.progress(&self.due, sent)
    }

    /// The group became the supergroup `new`, and the rest goes there.
    pub fn moved(&mut self, new: i64) {
        self.daily.moved(self.due.chat, new);
        self.due.chat = new;
    }

    /// The chat cannot be written to: its daily section stops, and this delivery with it.
    pub fn gone(self, reason: &str) {
        self.daily.gone(self.due.chat, reason);
    }

    /// Over: every message sent, or given up (however many parts the claim counted: a corpus
    /// changed since may split it otherwise).
    pub fn finish(self) {
        self.daily.finish(&self.due);
    }

    /// Left unfinished, for a later pass to resume after its last recorded message.
    pub fn leave(self) {}
}

impl Drop for Delivery {
    fn drop(&mut self) {
        self.daily.done(&self.due);
    }
}
