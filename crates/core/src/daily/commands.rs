//! Daily sections as the bot serves them: the commands, what is due at a given time, and the
//! record of what went out. Sending is the edge's job; this says what to send and remembers it.
//!
//! A delivery is claimed before its first message goes: the claim records the delivery for the
//! chat's local date and moves the chat's position in one transaction, so a date is never
//! delivered twice. Each message that goes is then recorded, and a delivery cut short by a crash
//! is resumed after its last recorded message; only a message in flight at the moment of the
//! crash can arrive twice (see the README).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::Notify;

use super::text as msg;
use super::{ArgError, EntryKind, Plan, Schedule, Store, StoreError, Subscription, parse_args};
use crate::caller::Caller;
use crate::reply::plain;
use crate::reply::{Message, Response, Rich, Style};
use digestbot_corpus as corpus;
use digestbot_search::library::Library;

/// The reason the store gives a subscription stopped by `/unsubscribe`.
const UNSUBSCRIBED: &str = "unsubscribed";

/// What the configuration decides.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// The time and zone `/subscribe` takes when it is given none.
    pub defaults: Schedule,
    /// How late a missed delivery is still made (after a restart, say).
    pub catch_up: chrono::Duration,
}

pub struct Daily {
    store: Store,
    settings: Settings,
    plan: ArcSwap<Plan>,
    changed: Notify,
    /// Deliveries this process is sending now, so a pass does not take them for interrupted ones.
    in_flight: Mutex<HashSet<(i64, NaiveDate)>>,
    /// Dates owed by the schedule but logged already (a group's log merged into its supergroup's):
    /// nothing to send, and nothing to wake up for.
    settled: Mutex<HashSet<(i64, NaiveDate)>>,
}

impl std::fmt::Debug for Daily {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Daily").field("settings", &self.settings).finish_non_exhaustive()
    }
}

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
    /// Daily sections kept in `store`, following `library`'s plan.
    pub fn new(store: Store, settings: Settings, library: &Library) -> Result<Daily, StoreError> {
        let daily = Daily {
            store,
            settings,
            plan: ArcSwap::from_pointee(Plan::build(&library.corpus, &[])),
            changed: Notify::new(),
            in_flight: Mutex::new(HashSet::new()),
            settled: Mutex::new(HashSet::new()),
        };
        daily.follow(library)?;
        Ok(daily)
    }

    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// Rebuilds the plan for a (re)loaded corpus. Digests keep the order chats have been reading
    /// them in, new ones go at the end, and a chat whose next section is gone moves to the next
    /// one that still exists.
    pub fn follow(&self, library: &Library) -> Result<(), StoreError> {
        let (old_ids, digest_order) = self.store.plan()?;
        let plan = Plan::build(&library.corpus, &digest_order);
        let mut moves = Vec::new();
        {
            let remap = plan.remapper(&old_ids);
            // Stopped chats too: their place is kept for when they subscribe again.
            for sub in self.store.all()? {
                let Some(next) = &sub.next else { continue };
                if plan.position(next).is_some() {
                    continue;
                }
                if let Some(current) = legacy_section(library, next).filter(|id| plan.position(id).is_some()) {
                    tracing::info!(chat = sub.chat, from = %next, to = %current, "a position saved by line number");
                    moves.push((sub.chat, current.to_string(), sub.round));
                    continue;
                }
                let (index, wrapped) = remap(next);
                if let Some(entry) = plan.get(index) {
                    tracing::info!(chat = sub.chat, from = %next, to = %entry.id, "the next section is gone; moving on");
                    moves.push((sub.chat, entry.id.clone(), sub.round + u32::from(wrapped)));
                }
            }
        }
        self.store.set_positions(&moves)?;
        self.store.save_plan(&plan.ids(), &plan.digest_order())?;
        self.plan.store(Arc::new(plan));
        self.changed.notify_one();
        Ok(())
    }

    /// Woken whenever what is due may have changed (a subscription, a new plan).
    pub fn changed(&self) -> &Notify {
        &self.changed
    }

    // The commands.

    pub(crate) fn subscribe(&self, library: &Library, caller: Caller, args: &str, now: DateTime<Utc>) -> Response {
        if !caller.admin {
            return Response::text(plain(msg::DAILY_ADMINS_ONLY));
        }
        let schedule = match parse_args(args, self.settings.defaults) {
            Ok(schedule) => schedule,
            Err(ArgError::Time(token)) => return Response::text(plain(&msg::bad_daily_time(&token))),
            Err(ArgError::Zone(token)) => return Response::text(plain(&msg::bad_time_zone(&token))),
            Err(ArgError::TooMany) => return Response::text(plain(msg::DAILY_TOO_MANY_ARGS)),
        };
        match self.store.subscribe(caller.chat, caller.thread, schedule, now) {
            Ok(sub) => {
                tracing::info!(chat = sub.chat, user = caller.user, time = %schedule.time, zone = %schedule.zone.name(), "daily section on");
                self.changed.notify_one();
                let plan = self.plan.load();
                let text = msg::daily_started(
                    &schedule_text(&sub.schedule),
                    &self.next_text(&sub, now),
                    &self.position_text(&plan, library, &sub),
                );
                Response::text(plain(&text))
            }
            Err(e) => {
                tracing::error!(chat = caller.chat, "cannot save a subscription: {e}");
                Response::text(plain(msg::DAILY_FAILED))
            }
        }
    }

    pub(crate) fn unsubscribe(&self, caller: Caller) -> Response {
        if !caller.admin {
            return Response::text(plain(msg::DAILY_ADMINS_ONLY));
        }
        match self.store.unsubscribe(caller.chat) {
            Ok(true) => {
                tracing::info!(chat = caller.chat, user = caller.user, "daily section off");
                self.changed.notify_one();
                Response::text(plain(msg::DAILY_UNSUBSCRIBED))
            }
            Ok(false) => self.not_subscribed(),
            Err(e) => {
                tracing::error!(chat = caller.chat, "cannot save a subscription: {e}");
                Response::text(plain(msg::DAILY_FAILED))
            }
        }
    }

    pub(crate) fn status(&self, library: &Library, caller: Caller, now: DateTime<Utc>) -> Response {
        let sub = match self.store.get(caller.chat) {
            Ok(Some(sub)) => sub,
            Ok(None) => return self.not_subscribed(),
            Err(e) => {
                tracing::error!(chat = caller.chat, "cannot read a subscription: {e}");
                return Response::text(plain(msg::DAILY_FAILED));
            }
        };
        let plan = self.plan.load();
        let position = self.position_text(&plan, library, &sub);
        if !sub.active {
            let by_request = sub.inactive_reason.as_deref().is_none_or(|r| r == UNSUBSCRIBED);
            return Response::text(plain(&msg::daily_stopped_status(&position, by_request)));
        }
        let last = sub.last.as_ref().map(|last| {
            let when = last.at.with_timezone(&sub.schedule.zone).format("%Y-%m-%d %H:%M").to_string();
            let what = entry_title(&plan, library, &last.entry).unwrap_or_else(|| last.entry.clone());
            (when, what)
        });
        let text = msg::daily_status(
            &schedule_text(&sub.schedule),
            &self.next_text(&sub, now),
            &position,
            last.as_ref().map(|(when, what)| (when.as_str(), what.as_str())),
        );
        Response::text(plain(&text))
    }

    /// The section due today: the one delivered today, or the one that will be (on a later day,
    /// when today's time had passed before the chat subscribed).
    pub(crate) fn today(&self, library: &Library, caller: Caller, now: DateTime<Utc>) -> Response {
        let sub = match self.store.get(caller.chat) {
            Ok(Some(sub)) if sub.active => sub,
            Ok(Some(_)) => return self.status(library, caller, now),
            Ok(None) => return self.not_subscribed(),
            Err(e) => {
                tracing::error!(chat = caller.chat, "cannot read a subscription: {e}");
                return Response::text(plain(msg::DAILY_FAILED));
            }
        };
        let plan = self.plan.load();
        let today = sub.schedule.local_date(now);
        let delivered = sub.last.as_ref().filter(|last| last.date == today).and_then(|last| plan.position(&last.entry));
        let index = delivered.unwrap_or_else(|| position(&plan, &sub));
        let last = sub.last.as_ref().map(|l| l.date);
        let (date, at) = sub.schedule.next_due(now, sub.since, last, self.settings.catch_up);
        let next = local_text(&sub.schedule, date, at);
        let time = sub.schedule.time.to_string();
        let due = match delivered {
            Some(_) => msg::Due::Delivered,
            None if date == today => msg::Due::Today(&time),
            None => msg::Due::Later(&next),
        };
        let header = msg::today_header(&msg::plan_position(index, plan.len()), due);
        match entry_message(&plan, library, index, &header, false) {
            Some(message) => Response::message(message),
            None => Response::text(plain(msg::EMPTY_CORPUS)),
        }
    }

    fn not_subscribed(&self) -> Response {
        Response::text(plain(&msg::daily_not_subscribed(&schedule_text(&self.settings.defaults))))
    }

    // Delivering.

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

    /// Takes `due` on, to be sent in `parts` messages: false when it is not ours to send (made
    /// already, or being made). Nothing may be sent before this says true.
    pub fn claim(&self, due: &Due, parts: u32, now: DateTime<Utc>) -> Result<bool, StoreError> {
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
    pub fn wanted(&self, due: &Due) -> bool {
        match self.store.get(due.chat) {
            Ok(Some(sub)) => sub.active,
            Ok(None) => false,
            // Better a section than none when the database cannot say.
            Err(_) => true,
        }
    }

    /// `due` is over: every message of it sent, or given up.
    pub fn finish(&self, due: &Due) {
        if let Err(e) = self.store.progress(due.chat, due.date, u32::MAX) {
            tracing::error!(chat = due.chat, "cannot record a finished delivery: {e}");
        }
    }

    /// `sent` messages of `due` are out.
    pub fn progress(&self, due: &Due, sent: u32) -> Result<(), StoreError> {
        self.store.progress(due.chat, due.date, sent)
    }

    /// This process is no longer sending `due` (finished, or left for a later pass).
    pub fn done(&self, due: &Due) {
        self.in_flight.lock().unwrap_or_else(|e| e.into_inner()).remove(&(due.chat, due.date));
        // A chat that has finished a delivery cut short by a restart may be owed today's now. (Not
        // after every delivery: a fan-out would wake the scheduler thousands of times.)
        if due.claim.is_none() {
            self.changed.notify_one();
        }
    }

    /// The chat cannot be written to (blocked, removed, deleted): no more deliveries there.
    pub fn gone(&self, chat: i64, reason: &str) {
        match self.store.deactivate(chat, reason) {
            Ok(true) => {
                tracing::info!(chat, "daily section stopped: {reason}");
                self.changed.notify_one();
            }
            Ok(false) => {}
            Err(e) => tracing::error!(chat, "cannot stop a daily section ({reason}): {e}"),
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

    /// Active and inactive subscriptions.
    pub fn counts(&self) -> Result<(u64, u64), StoreError> {
        self.store.counts()
    }

    /// Deliveries finished on a UTC day.
    pub fn delivered_on(&self, date: NaiveDate) -> Result<u64, StoreError> {
        self.store.finished_on(date)
    }

    fn next_text(&self, sub: &Subscription, now: DateTime<Utc>) -> String {
        let last = sub.last.as_ref().map(|last| last.date);
        let (date, at) = sub.schedule.next_due(now, sub.since, last, self.settings.catch_up);
        local_text(&sub.schedule, date, at)
    }

    fn position_text(&self, plan: &Plan, library: &Library, sub: &Subscription) -> String {
        let index = position(plan, sub);
        let mut text = msg::plan_position(index, plan.len());
        if let Some(title) = entry_title(plan, library, plan.get(index).map_or("", |e| e.id.as_str())) {
            text = format!("{text} {title}");
        }
        text
    }
}

/// Where a chat stands in the plan (the start, for a chat whose next entry is unknown).
fn position(plan: &Plan, sub: &Subscription) -> usize {
    sub.next.as_deref().and_then(|id| plan.position(id)).unwrap_or(0)
}

/// A delivery's local date and time: `2026-12-01 08:00`.
fn local_text(schedule: &Schedule, date: NaiveDate, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&schedule.zone);
    msg::local_time(&date.format("%Y-%m-%d").to_string(), &local.format("%H:%M").to_string())
}

fn schedule_text(schedule: &Schedule) -> String {
    msg::daily_schedule(&schedule.time.to_string(), schedule.zone.name())
}

/// A plan entry's name: `《speech》 heading`, or the digest's title for its editor's note.
fn entry_title(plan: &Plan, library: &Library, id: &str) -> Option<String> {
    let entry = plan.get(plan.position(id)?)?;
    let corpus = &library.corpus;
    Some(match entry.kind {
        EntryKind::Note { digest } => msg::byline([corpus.digests.get(digest)?.title.as_str(), msg::EDITORS_NOTE]),
        EntryKind::Section { digest, speech, section } => {
            let speech = corpus.digests.get(digest)?.speeches.get(speech)?;
            let title = msg::title(speech);
            msg::byline([title.as_str(), msg::heading(speech.sections.get(section)?, section)])
        }
    })
}

/// A plan entry as a message: the section's text with its source and a link to read on in the
/// bot, under `header`.
fn entry_message(plan: &Plan, library: &Library, index: usize, header: &str, wrapped: bool) -> Option<Message> {
    let entry = plan.get(index)?;
    let corpus = &library.corpus;
    let mut text = Rich::new();
    text.bold(header);
    if wrapped {
        text.plain(format!("\n{}", msg::plan_restarts(plan.len())));
    }
    match entry.kind {
        EntryKind::Note { digest } => {
            let digest = corpus.digests.get(digest)?;
            text.plain("\n\n");
            text.bold(&digest.title);
            text.plain("\n");
            text.italic(msg::EDITORS_NOTE);
            for line in &digest.note {
                text.plain(format!("\n\n{}", line.display()));
            }
            text.plain("\n\n");
            text.italic(msg::attribution(&msg::dated_title(digest)));
        }
        EntryKind::Section { digest: d, speech: s, section: c } => {
            let digest = corpus.digests.get(d)?;
            let speech = digest.speeches.get(s)?;
            let section = speech.sections.get(c)?;
            text.plain("\n\n");
            text.bold(msg::title(speech));
            text.plain("\n");
            text.italic(msg::byline(speech.speaker_name().into_iter().chain([msg::heading(section, c)])));
            for passage in &section.passages {
                text.plain(format!("\n\n{}", passage.text()));
            }
            text.plain("\n\n");
            text.italic(msg::attribution(&msg::section_source(digest, speech, section)));
        }
    }
    text.plain("\n");
    text.push(msg::READ_ON, Style::Open(entry.id.clone()));
    Some(Message { text, buttons: Vec::new() })
}

/// The id now of the section a position saved when ids were line numbers (`digest_c7`) named, so
/// that chats keep their place across the change of id scheme while the file is unchanged.
fn legacy_section<'l>(library: &'l Library, id: &str) -> Option<&'l str> {
    let (digest_id, suffix) = id.rsplit_once('_')?;
    let digest = library.corpus.digests.iter().find(|d| d.id == digest_id)?;
    corpus::ids::legacy_id(digest, suffix)
}
