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

use super::entry::{entry_message, entry_title, legacy_section, position};
use super::text as msg;
use super::{ArgError, Plan, Schedule, Store, StoreError, Subscription, parse_args};
use crate::caller::Caller;
use crate::reply::Response;
use crate::reply::plain;
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
    pub(super) store: Store,
    pub(super) settings: Settings,
    pub(super) plan: ArcSwap<Plan>,
    pub(super) changed: Notify,
    /// Deliveries this process is sending now, so a pass does not take them for interrupted ones.
    pub(super) in_flight: Mutex<HashSet<(i64, NaiveDate)>>,
    /// Dates owed by the schedule but logged already (a group's log merged into its supergroup's):
    /// nothing to send, and nothing to wake up for.
    pub(super) settled: Mutex<HashSet<(i64, NaiveDate)>>,
}

impl std::fmt::Debug for Daily {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Daily").field("settings", &self.settings).finish_non_exhaustive()
    }
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

    /// The database, which watched words share.
    pub(crate) fn store(&self) -> &Store {
        &self.store
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
            Some(_) => msg::Coming::Delivered,
            None if date == today => msg::Coming::Today(&time),
            None => msg::Coming::Later(&next),
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

/// A delivery's local date and time: `2026-12-01 08:00`.
fn local_text(schedule: &Schedule, date: NaiveDate, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&schedule.zone);
    msg::local_time(&date.format("%Y-%m-%d").to_string(), &local.format("%H:%M").to_string())
}

fn schedule_text(schedule: &Schedule) -> String {
    msg::daily_schedule(&schedule.time.to_string(), schedule.zone.name())
}
