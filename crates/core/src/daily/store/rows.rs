//! Rows as the store reads and writes them: subscriptions, deliveries, watches, and the text forms of
//! instants and dates.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::Row;

use super::error::StoreError;
use crate::daily::schedule::{DailyTime, Schedule};

/// A chat's most recent delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub date: NaiveDate,
    pub entry: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub chat: i64,
    /// Forum topic the deliveries go to.
    pub thread: Option<i32>,
    pub schedule: Schedule,
    /// When the chat last subscribed: nothing is owed for due times before it.
    pub since: DateTime<Utc>,
    pub active: bool,
    /// Why it stopped: "unsubscribed", "blocked: …", …
    pub inactive_reason: Option<String>,
    /// Id of the next plan entry to deliver; None = the start of the plan.
    pub next: Option<String>,
    /// Completed passes through the plan.
    pub round: u32,
    pub last: Option<Delivered>,
}

/// A claimed delivery not all of whose parts are out (the process stopped between parts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub chat: i64,
    pub date: NaiveDate,
    pub entry: String,
    pub parts: u32,
    pub sent: u32,
    pub wrapped: bool,
}

pub(super) const SUBSCRIPTION: &str = "SELECT chat, thread, time, zone, since, active, inactive_reason, next, round, \
                            last_date, last_entry, last_at FROM subscriptions";

pub(super) const PENDING: &str = "SELECT d.chat, d.date, d.entry, d.parts, d.sent, d.wrapped FROM deliveries d";

/// Instants are stored at full precision with a fixed width, so text order is time order.
pub(super) fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

pub(super) fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub(super) fn parse_instant(text: &str, chat: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("chat {chat}: bad instant {text:?}")))
}

pub(super) fn parse_day(text: &str, chat: i64) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("chat {chat}: bad date {text:?}")))
}

/// A subscriptions row as stored, before its text is checked.
pub(super) struct RawSubscription {
    chat: i64,
    thread: Option<i32>,
    time: String,
    zone: String,
    since: String,
    active: bool,
    inactive_reason: Option<String>,
    next: Option<String>,
    round: u32,
    last: (Option<String>, Option<String>, Option<String>),
}

impl RawSubscription {
    pub(super) fn read(row: &Row<'_>) -> rusqlite::Result<RawSubscription> {
        Ok(RawSubscription {
            chat: row.get(0)?,
            thread: row.get(1)?,
            time: row.get(2)?,
            zone: row.get(3)?,
            since: row.get(4)?,
            active: row.get(5)?,
            inactive_reason: row.get(6)?,
            next: row.get(7)?,
            round: row.get(8)?,
            last: (row.get(9)?, row.get(10)?, row.get(11)?),
        })
    }

    pub(super) fn check(self) -> Result<Subscription, StoreError> {
        let chat = self.chat;
        let time: DailyTime =
            self.time.parse().map_err(|()| StoreError::Corrupt(format!("chat {chat}: bad time {:?}", self.time)))?;
        let zone = self
            .zone
            .parse::<chrono_tz::Tz>()
            .map_err(|_| StoreError::Corrupt(format!("chat {chat}: unknown time zone {:?}", self.zone)))?;
        let last = match self.last {
            (Some(date), Some(entry), Some(at)) => {
                Some(Delivered { date: parse_day(&date, chat)?, entry, at: parse_instant(&at, chat)? })
            }
            _ => None,
        };
        Ok(Subscription {
            chat,
            thread: self.thread,
            schedule: Schedule { time, zone },
            since: parse_instant(&self.since, chat)?,
            active: self.active,
            inactive_reason: self.inactive_reason,
            next: self.next,
            round: self.round,
            last,
        })
    }
}

pub(super) fn read_pending(row: &Row<'_>) -> rusqlite::Result<(i64, String, String, u32, u32, bool)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?))
}

pub(super) fn check_pending(
    (chat, date, entry, parts, sent, wrapped): (i64, String, String, u32, u32, bool),
) -> Result<Pending, StoreError> {
    Ok(Pending { chat, date: parse_day(&date, chat)?, entry, parts, sent, wrapped })
}

/// A watch as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    pub id: i64,
    pub chat: i64,
    /// As the person typed them (white space made single).
    pub words: String,
    /// What the words mean as a query, so `人大 代表` and `代表  人大` are one watch.
    pub key: String,
}

/// How adding a watch went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Watched {
    Added(Watch),
    /// The chat watches these words already (perhaps written otherwise).
    Already(Watch),
    /// The chat watches as many as it may.
    Full,
}
