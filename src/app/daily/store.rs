//! Subscriptions and the delivery log, in SQLite. A delivery is claimed (logged, and the chat's
//! position moved) in one transaction before anything is sent, so no crash can make the bot send a
//! date's section twice or lose a chat's place. The [`Lock`] keeps a second process from
//! delivering from the same database.

use std::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::schedule::{DailyTime, Schedule};

/// How long a write waits for another connection (`deliver`, `check`) to finish before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The schema, one step a version: a database at `PRAGMA user_version` N has had the first N
/// applied. Append only; never edit a step that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: subscriptions, the delivery log, the last plan.
    "CREATE TABLE subscriptions (
        chat INTEGER PRIMARY KEY,
        thread INTEGER,
        time TEXT NOT NULL,
        zone TEXT NOT NULL,
        since TEXT NOT NULL,
        active INTEGER NOT NULL,
        inactive_reason TEXT,
        next TEXT,
        round INTEGER NOT NULL DEFAULT 0,
        last_date TEXT,
        last_entry TEXT,
        last_at TEXT
    ) STRICT;
    CREATE TABLE deliveries (
        chat INTEGER NOT NULL,
        date TEXT NOT NULL,
        entry TEXT NOT NULL,
        parts INTEGER NOT NULL,
        sent INTEGER NOT NULL DEFAULT 0,
        wrapped INTEGER NOT NULL,
        claimed_at TEXT NOT NULL,
        finished_at TEXT,
        abandoned INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (chat, date)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX deliveries_unfinished ON deliveries (claimed_at) WHERE sent < parts AND abandoned = 0;
    CREATE INDEX deliveries_finished ON deliveries (finished_at) WHERE finished_at IS NOT NULL;
    CREATE TABLE plan (
        key TEXT PRIMARY KEY,
        ids TEXT NOT NULL
    ) STRICT;",
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

#[derive(Debug)]
pub enum StoreError {
    Sqlite(rusqlite::Error),
    Io {
        path: PathBuf,
        error: io::Error,
    },
    /// The database was written by a newer digestbot; using it could lose what that one stored.
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: usize,
    },
    /// A row this binary cannot read (an unknown zone, a malformed date).
    Corrupt(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Sqlite(e) => write!(f, "database: {e}"),
            StoreError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            StoreError::NewerSchema { path, found, known } => write!(
                f,
                "{}: schema version {found} is not one this digestbot knows (it knows up to {known}); \
                 it was written by a newer digestbot, use that one",
                path.display()
            ),
            StoreError::Corrupt(what) => write!(f, "database: {what}"),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Sqlite(e) => Some(e),
            StoreError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

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

/// The database. One connection behind a mutex: writes are a few a day per chat, and one
/// connection makes each claim's check-then-write trivially serial within the process.
pub struct Store {
    conn: Mutex<Connection>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

const SUBSCRIPTION: &str = "SELECT chat, thread, time, zone, since, active, inactive_reason, next, round, \
                            last_date, last_entry, last_at FROM subscriptions";

const PENDING: &str = "SELECT d.chat, d.date, d.entry, d.parts, d.sent, d.wrapped FROM deliveries d";

/// Instants are stored at full precision with a fixed width, so text order is time order.
fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn parse_instant(text: &str, chat: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("chat {chat}: bad instant {text:?}")))
}

fn parse_day(text: &str, chat: i64) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("chat {chat}: bad date {text:?}")))
}

/// A subscriptions row as stored, before its text is checked.
struct RawSubscription {
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
    fn read(row: &Row<'_>) -> rusqlite::Result<RawSubscription> {
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

    fn check(self) -> Result<Subscription, StoreError> {
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

fn read_pending(row: &Row<'_>) -> rusqlite::Result<(i64, String, String, u32, u32, bool)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?))
}

fn check_pending(
    (chat, date, entry, parts, sent, wrapped): (i64, String, String, u32, u32, bool),
) -> Result<Pending, StoreError> {
    Ok(Pending { chat, date: parse_day(&date, chat)?, entry, parts, sent, wrapped })
}

fn create_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir),
        _ => Ok(()),
    }
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Applies the migrations `conn` lacks, each in a transaction of its own. The version is read
/// again under the write lock, so two processes starting at once do not both apply a step.
fn migrate_schema(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found = user_version(&tx)?;
        let applied = usize::try_from(found).ok().filter(|&v| v <= MIGRATIONS.len());
        let Some(applied) = applied else {
            return Err(StoreError::NewerSchema { path: path.to_owned(), found, known: MIGRATIONS.len() });
        };
        let Some(step) = MIGRATIONS.get(applied) else { return Ok(()) };
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", (applied + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = applied + 1, path = %path.display(), "database schema migrated");
    }
}

impl Store {
    /// Opens the database at `path`, creating it and its directory if need be, and brings its
    /// schema up to date. A database from a newer digestbot is refused before anything is written.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        create_parent(path).map_err(|error| StoreError::Io { path: path.to_owned(), error })?;
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let found = user_version(&conn)?;
        if !usize::try_from(found).is_ok_and(|v| v <= MIGRATIONS.len()) {
            return Err(StoreError::NewerSchema { path: path.to_owned(), found, known: MIGRATIONS.len() });
        }
        // WAL lets `check` and stats read while `serve` writes.
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(%mode, path = %path.display(), "the database is not in WAL mode");
        }
        // In WAL mode NORMAL still survives a crash of the process (what was committed is in the
        // log, which the OS holds), and saves an fsync on each of a fan-out's thousands of claims;
        // only a power cut can lose the last commits.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        migrate_schema(&mut conn, path)?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock left no transaction open (dropping one rolls it back).
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn read(conn: &Connection, chat: i64) -> Result<Option<Subscription>, StoreError> {
        let raw = conn
            .prepare_cached(&format!("{SUBSCRIPTION} WHERE chat = ?1"))?
            .query_row([chat], RawSubscription::read)
            .optional()?;
        raw.map(RawSubscription::check).transpose()
    }

    /// Starts or changes a chat's daily section. Its place in the plan, round and last delivery
    /// are kept, so unsubscribing and subscribing again resumes where it was.
    pub fn subscribe(
        &self,
        chat: i64,
        thread: Option<i32>,
        schedule: Schedule,
        now: DateTime<Utc>,
    ) -> Result<Subscription, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO subscriptions (chat, thread, time, zone, since, active) VALUES (?1, ?2, ?3, ?4, ?5, 1)
             ON CONFLICT (chat) DO UPDATE SET thread = excluded.thread, time = excluded.time,
                 zone = excluded.zone, since = excluded.since, active = 1, inactive_reason = NULL",
            params![chat, thread, schedule.time.to_string(), schedule.zone.name(), instant(now)],
        )?;
        let stored = Store::read(&tx, chat)?;
        tx.commit()?;
        stored.ok_or_else(|| StoreError::Corrupt(format!("chat {chat}: subscription vanished while written")))
    }

    /// Stops a chat's daily section, like [`Store::deactivate`] with reason "unsubscribed". False
    /// when it had no active subscription.
    pub fn unsubscribe(&self, chat: i64) -> Result<bool, StoreError> {
        self.deactivate(chat, "unsubscribed")
    }

    pub fn get(&self, chat: i64) -> Result<Option<Subscription>, StoreError> {
        Store::read(&self.conn(), chat)
    }

    /// Active subscriptions by chat. A row that cannot be read is logged and left out, so one bad
    /// row does not stop every other chat's deliveries.
    pub fn active(&self) -> Result<Vec<Subscription>, StoreError> {
        self.select("WHERE active = 1 ORDER BY chat")
    }

    /// Every subscription, stopped ones too (their place in the plan is kept for a later
    /// `/subscribe`), by chat. Unreadable rows are left out as in [`Store::active`].
    pub fn all(&self) -> Result<Vec<Subscription>, StoreError> {
        self.select("ORDER BY chat")
    }

    fn select(&self, rest: &str) -> Result<Vec<Subscription>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!("{SUBSCRIPTION} {rest}"))?;
        let mut out = Vec::new();
        for raw in stmt.query_map([], RawSubscription::read)? {
            match raw.map_err(StoreError::from).and_then(RawSubscription::check) {
                Ok(sub) => out.push(sub),
                Err(e) => tracing::error!(error = %e, "subscription skipped"),
            }
        }
        Ok(out)
    }

    /// Claims `chat`'s delivery for local `date`: logs it as plan entry `entry` in `parts`
    /// messages and moves the chat to `next` (in `round`), in one transaction. False, with nothing
    /// changed, when that date's delivery was already claimed or the chat is not subscribed.
    #[allow(clippy::too_many_arguments)]
    pub fn claim(
        &self,
        chat: i64,
        date: NaiveDate,
        entry: &str,
        parts: u32,
        wrapped: bool,
        next: &str,
        round: u32,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let active: Option<bool> =
            tx.query_row("SELECT active FROM subscriptions WHERE chat = ?1", [chat], |r| r.get(0)).optional()?;
        if active != Some(true) {
            return Ok(false);
        }
        let (date, now) = (day(date), instant(now));
        let inserted = tx.execute(
            "INSERT INTO deliveries (chat, date, entry, parts, wrapped, claimed_at, finished_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?4 = 0 THEN ?6 END)
             ON CONFLICT (chat, date) DO NOTHING",
            params![chat, date, entry, parts, wrapped, now],
        )?;
        if inserted == 0 {
            return Ok(false);
        }
        tx.execute(
            "UPDATE subscriptions SET next = ?2, round = ?3, last_date = ?4, last_entry = ?5, last_at = ?6
             WHERE chat = ?1",
            params![chat, next, round, date, entry, now],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Records that the first `sent` parts of the delivery are out. Never moves backwards; a
    /// delivery that does not exist (the chat migrated meanwhile) is ignored. The time it is
    /// finished, for stats, is the wall clock's.
    pub fn progress(&self, chat: i64, date: NaiveDate, sent: u32) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE deliveries SET sent = MAX(sent, MIN(?3, parts)),
                 finished_at = CASE WHEN finished_at IS NULL AND ?3 >= parts THEN ?4 ELSE finished_at END
             WHERE chat = ?1 AND date = ?2",
            params![chat, day(date), sent, instant(Utc::now())],
        )?;
        Ok(())
    }

    /// Claimed deliveries of active chats with parts still to send, oldest claim first.
    pub fn unfinished(&self) -> Result<Vec<Pending>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "{PENDING} JOIN subscriptions s ON s.chat = d.chat
             WHERE s.active = 1 AND d.abandoned = 0 AND d.sent < d.parts
             ORDER BY d.claimed_at, d.chat, d.date"
        ))?;
        let mut out = Vec::new();
        for row in stmt.query_map([], read_pending)? {
            match row.map_err(StoreError::from).and_then(check_pending) {
                Ok(pending) => out.push(pending),
                Err(e) => tracing::error!(error = %e, "unfinished delivery skipped"),
            }
        }
        Ok(out)
    }

    /// One delivery from the log, finished or not.
    pub fn delivery(&self, chat: i64, date: NaiveDate) -> Result<Option<Pending>, StoreError> {
        let conn = self.conn();
        let row = conn
            .prepare_cached(&format!("{PENDING} WHERE d.chat = ?1 AND d.date = ?2"))?
            .query_row(params![chat, day(date)], read_pending)
            .optional()?;
        row.map(check_pending).transpose()
    }

    /// The chat can no longer be delivered to: it stops, with `reason`, and its unfinished
    /// deliveries are abandoned. If one of them had sent nothing yet, the chat's place goes back
    /// to that entry, so subscribing again later does not skip it. (The round is left as it is.)
    /// False when the chat had no active subscription.
    pub fn deactivate(&self, chat: i64, reason: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stopped = tx.execute(
            "UPDATE subscriptions SET active = 0, inactive_reason = ?2 WHERE chat = ?1 AND active = 1",
            params![chat, reason],
        )?;
        if stopped == 0 {
            return Ok(false);
        }
        let unsent: Option<String> = tx
            .query_row(
                "SELECT entry FROM deliveries WHERE chat = ?1 AND abandoned = 0 AND sent = 0 AND parts > 0
                 ORDER BY date LIMIT 1",
                [chat],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(entry) = unsent {
            tx.execute("UPDATE subscriptions SET next = ?2 WHERE chat = ?1", params![chat, entry])?;
        }
        tx.execute("UPDATE deliveries SET abandoned = 1 WHERE chat = ?1 AND abandoned = 0 AND sent < parts", [chat])?;
        tx.commit()?;
        Ok(true)
    }

    /// A group became a supergroup with id `new`: its subscription and delivery log move there.
    /// Should `new` have a subscription already, the old one replaces it only if that one is
    /// inactive; either way the logs merge, the winner's row kept where both logged a date.
    pub fn migrate(&self, old: i64, new: i64) -> Result<(), StoreError> {
        if old == new {
            return Ok(());
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let active = |chat: i64| -> rusqlite::Result<Option<bool>> {
            tx.query_row("SELECT active FROM subscriptions WHERE chat = ?1", [chat], |r| r.get(0)).optional()
        };
        if active(old)?.is_none() {
            return Ok(());
        }
        let old_wins = active(new)? != Some(true);
        let (winner, loser) = if old_wins { (old, new) } else { (new, old) };
        tx.execute(
            "DELETE FROM deliveries WHERE chat = ?2 AND date IN (SELECT date FROM deliveries WHERE chat = ?1)",
            params![winner, loser],
        )?;
        tx.execute("DELETE FROM subscriptions WHERE chat = ?1", [loser])?;
        if old_wins {
            tx.execute("UPDATE subscriptions SET chat = ?2 WHERE chat = ?1", params![old, new])?;
        }
        tx.execute("UPDATE deliveries SET chat = ?2 WHERE chat = ?1", params![old, new])?;
        tx.commit()?;
        Ok(())
    }

    /// Sets many chats' places at once, after a reload: (chat, next entry id, round).
    pub fn set_positions(&self, moves: &[(i64, String, u32)]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut stmt = tx.prepare_cached("UPDATE subscriptions SET next = ?2, round = ?3 WHERE chat = ?1")?;
            for (chat, next, round) in moves {
                stmt.execute(params![chat, next, round])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The plan chats were last placed in: (entry ids, digest ids); empty before the first save.
    pub fn plan(&self) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let conn = self.conn();
        let load = |key: &str| -> Result<Vec<String>, StoreError> {
            let text: Option<String> =
                conn.query_row("SELECT ids FROM plan WHERE key = ?1", [key], |r| r.get(0)).optional()?;
            match text {
                None => Ok(Vec::new()),
                Some(text) => serde_json::from_str(&text)
                    .map_err(|e| StoreError::Corrupt(format!("the saved plan's {key} cannot be read: {e}"))),
            }
        };
        Ok((load("entries")?, load("digests")?))
    }

    pub fn save_plan(&self, ids: &[String], digests: &[String]) -> Result<(), StoreError> {
        // JSON text rather than a row per entry: a large corpus has ~10⁵ entries, saved on each load.
        let json = |v: &[String]| serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()));
        let (ids, digests) = (json(ids)?, json(digests)?);
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let put = |key: &str, value: &str| {
            tx.execute("INSERT OR REPLACE INTO plan (key, ids) VALUES (?1, ?2)", params![key, value])
        };
        put("entries", &ids)?;
        put("digests", &digests)?;
        tx.commit()?;
        Ok(())
    }

    /// (active, inactive) subscriptions.
    pub fn counts(&self) -> Result<(u64, u64), StoreError> {
        let (active, inactive): (i64, i64) = self.conn().query_row(
            "SELECT COALESCE(SUM(active = 1), 0), COALESCE(SUM(active = 0), 0) FROM subscriptions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((u64::try_from(active).unwrap_or(0), u64::try_from(inactive).unwrap_or(0)))
    }

    /// Deliveries whose last part went out on UTC day `date`.
    pub fn finished_on(&self, date: NaiveDate) -> Result<u64, StoreError> {
        let end = date.succ_opt().map(day).unwrap_or_else(|| "9999-99-99".into());
        let n: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM deliveries WHERE finished_at >= ?1 AND finished_at < ?2",
            params![day(date), end],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

/// Makes this process the one that delivers from a database: an exclusive OS lock on
/// `<database>.lock`, held while this value lives. The OS drops it when the process dies, so a
/// crash never leaves a stale lock.
#[derive(Debug)]
pub struct Lock {
    _file: File,
    path: PathBuf,
}

#[derive(Debug)]
pub enum LockError {
    /// Another process holds the lock.
    Held(PathBuf),
    /// The lock file (or the folder it goes in) cannot be made: a reason for exit 1, not 3.
    Io(PathBuf, io::Error),
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockError::Held(path) => write!(
                f,
                "another digestbot process (serve, or another deliver) is delivering from this \
                 database ({} is locked); stop it first, or let it finish",
                path.display()
            ),
            LockError::Io(path, e) => write!(f, "cannot take the delivery lock {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for LockError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LockError::Held(_) => None,
            LockError::Io(_, e) => Some(e),
        }
    }
}

/// `data/digestbot.sqlite3` → `data/digestbot.sqlite3.lock`.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut path = database.as_os_str().to_owned();
    path.push(".lock");
    PathBuf::from(path)
}

/// What `database` resolves to: the file itself through any link, or, before it exists, the
/// file in its folder's real place. Two names of one database then share one lock.
fn resolved(database: &Path) -> io::Result<PathBuf> {
    if let Ok(path) = std::fs::canonicalize(database) {
        return Ok(path);
    }
    // `create_dir_all` says only "File exists" when a folder on the way is a file: say which.
    if let Some(file) = database.ancestors().skip(1).find(|dir| dir.exists()).filter(|dir| !dir.is_dir()) {
        return Err(io::Error::new(
            io::ErrorKind::NotADirectory,
            format!("{} is a file, not a folder", file.display()),
        ));
    }
    create_parent(database)?;
    let name = database.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let dir = match database.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    Ok(std::fs::canonicalize(dir)?.join(name))
}

impl Lock {
    /// Locks the database `database` names, under whatever name: a link to it is the same lock.
    pub fn acquire(database: &Path) -> Result<Lock, LockError> {
        let io = |e| LockError::Io(lock_path(database), e);
        let path = lock_path(&resolved(database).map_err(io)?);
        create_parent(&path).map_err(io)?;
        // Not truncated on open: the holder's pid in it stays readable to whoever is refused.
        let mut file =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(LockError::Held(path)),
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // For a person wondering who holds it; the lock is what counts, so failure is harmless.
        let _ = file.set_len(0).and_then(|()| writeln!(file, "{}", std::process::id()));
        Ok(Lock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn schedule(time: &str, zone: chrono_tz::Tz) -> Schedule {
        Schedule { time: time.parse().unwrap(), zone }
    }

    fn eight() -> Schedule {
        schedule("08:00", chrono_tz::Asia::Shanghai)
    }

    fn temp() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/sub/digestbot.sqlite3");
        (dir, path)
    }

    fn store() -> (tempfile::TempDir, PathBuf, Store) {
        let (dir, path) = temp();
        let store = Store::open(&path).unwrap();
        (dir, path, store)
    }

    const CHAT: i64 = -100_123;
    const NOW: &str = "2026-06-01T00:00:00.123456789Z";

    #[test]
    fn the_store_is_shareable_between_tasks() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Store>();
        shareable::<Lock>();
    }

    #[test]
    fn opening_creates_the_directory_and_a_wal_database_at_the_current_schema() {
        let (_dir, path, store) = store();
        assert!(path.is_file());
        let conn = store.conn();
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(user_version(&conn).unwrap(), MIGRATIONS.len() as i64);
        let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
    }

    #[test]
    fn reopening_keeps_what_was_stored_and_migrates_nothing_twice() {
        let (_dir, path, store) = store();
        store.subscribe(CHAT, None, eight(), utc(NOW)).unwrap();
        drop(store);
        let again = Store::open(&path).unwrap();
        assert_eq!(user_version(&again.conn()).unwrap(), MIGRATIONS.len() as i64);
        assert!(again.get(CHAT).unwrap().is_some_and(|s| s.active));
        drop(again);
        Store::open(&path).unwrap();
    }

    #[test]
    fn a_database_from_a_newer_digestbot_is_refused_and_left_untouched() {
        let (_dir, path) = temp();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { found: 99, .. }), "{err:?}");
        assert!(err.to_string().contains("newer digestbot"), "{err}");
        let conn = Connection::open(&path).unwrap();
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "delete", "not switched to WAL");
        assert_eq!(user_version(&conn).unwrap(), 99);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_an_error_not_a_panic() {
        let (_dir, path) = temp();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "definitely not sqlite, but long enough to have a header ......").unwrap();
        assert!(matches!(Store::open(&path), Err(StoreError::Sqlite(_))));
    }

    #[test]
    fn subscribing_stores_the_schedule_topic_and_time_of_subscribing() {
        let (_dir, _path, store) = store();
        let berlin = schedule("09:30", chrono_tz::Europe::Berlin);
        let sub = store.subscribe(CHAT, Some(7), berlin, utc(NOW)).unwrap();
        let expected = Subscription {
            chat: CHAT,
            thread: Some(7),
            schedule: berlin,
            since: utc(NOW),
            active: true,
            inactive_reason: None,
            next: None,
            round: 0,
            last: None,
        };
        assert_eq!(sub, expected);
        assert_eq!(store.get(CHAT).unwrap(), Some(expected));
        assert_eq!(store.get(42).unwrap(), None);
        assert_eq!(store.active().unwrap().len(), 1);
        assert_eq!(store.counts().unwrap(), (1, 0));
    }

    #[test]
    fn unsubscribing_and_subscribing_again_resumes_the_plan_where_it_was() {
        let (_dir, _path, store) = store();
        store.subscribe(CHAT, None, eight(), utc(NOW)).unwrap();
        assert!(store.claim(CHAT, date("2026-06-01"), "a_c1", 1, false, "a_c2", 0, utc(NOW)).unwrap());
        store.progress(CHAT, date("2026-06-01"), 1).unwrap();

        assert!(store.unsubscribe(CHAT).unwrap());
        assert!(!store.unsubscribe(CHAT).unwrap(), "already stopped");
        assert!(!store.unsubscribe(42).unwrap(), "never subscribed");
        let stopped = store.get(CHAT).unwrap().unwrap();
        assert!(!stopped.active);
        assert_eq!(stopped.inactive_reason.as_deref(), Some("unsubscribed"));
        assert!(store.active().unwrap().is_empty());
        assert_eq!(store.counts().unwrap(), (0, 1));

        let later = utc("2026-06-03T10:00:00Z");
        let berlin = schedule("07:00", chrono_tz::Europe::Berlin);
        let back = store.subscribe(CHAT, Some(3), berlin, later).unwrap();
        assert!(back.active);
        assert_eq!(back.inactive_reason, None);
        assert_eq!((back.schedule, back.thread, back.since), (berlin, Some(3), later));
        assert_eq!(back.next.as_deref(), Some("a_c2"));
        assert_eq!(back.last, Some(Delivered { date: date("2026-06-01"), entry: "a_c1".into(), at: utc(NOW) }));
    }

    #[test]
    fn a_date_is_claimed_once_and_the_position_moves_once() {
        let (_dir, _path, store) = store();
        store.subscribe(CHAT, None, eight(), utc(NOW)).unwrap();
        let today = date("2026-06-01");
        assert!(store.claim(CHAT, today, "a", 2, true, "a_c1", 1, utc(NOW)).unwrap());
        assert!(!store.claim(CHAT, today, "a_c1", 1, false, "a_c2", 1, utc(NOW)).unwrap());
        let sub = store.get(CHAT).unwrap().unwrap();
        assert_eq!((sub.next.as_deref(), sub.round), (Some("a_c1"), 1));
        assert_eq!(sub.last.map(|l| (l.date, l.entry)), Some((today, "a".to_string())));
        // The next day is a delivery of its own.
        assert!(store.claim(CHAT, date("2026-06-02"), "a_c1", 1, false, "a_c2", 1, utc(NOW)).unwrap());
        assert_eq!(store.get(CHAT).unwrap().unwrap().next.as_deref(), Some("a_c2"));
    }

    #[test]
    fn nothing_is_claimed_for_a_chat_that_is_not_subscribed() {
        let (_dir, _path, store) = store();
        assert!(!store.claim(CHAT, date("2026-06-01"), "a", 1, false, "b", 0, utc(NOW)).unwrap());
        store.subscribe(CHAT, None, eight(), utc(NOW)).unwrap();
        store.unsubscribe(CHAT).unwrap();
        assert!(!store.claim(CHAT, date("2026-06-01"), "a", 1, false, "b", 0, utc(NOW)).unwrap());
        assert_eq!(store.get(CHAT).unwrap().unwrap().next, None);
        assert_eq!(store.delivery(CHAT, date("2026-06-01")).unwrap(), None);
    }

    #[test]
    fn a_delivery_interrupted_between_parts_is_found_again_after_a_restart() {
        let (_dir, path, store) = store();
        store.subscribe(CHAT, Some(5), eight(), utc(NOW)).unwrap();
        store.subscribe(7, None, eight(), utc(NOW)).unwrap();
        let today = date("2026-06-01");
        store.claim(CHAT, today, "a_c1", 3, false, "a_c2", 0, utc("2026-06-01T00:00:01Z")).unwrap();
        store.claim(7, today, "a", 2, true, "a_c1", 1, utc("2026-06-01T00:00:00Z")).unwrap();
        store.progress(CHAT, today, 1).unwrap();
        drop(store);

        let store = Store::open(&path).unwrap();
        let pending = store.unfinished().unwrap();
        let expected = [
            Pending { chat: 7, date: today, entry: "a".into(), parts: 2, sent: 0, wrapped: true },
            Pending { chat: CHAT, date: today, entry: "a_c1".into(), parts: 3, sent: 1, wrapped: false },
        ];
        assert_eq!(pending, expected, "oldest claim first");

        store.progress(CHAT, today, 3).unwrap();
        store.progress(CHAT, today, 2).unwrap();
        assert_eq!(store.delivery(CHAT, today).unwrap().map(|d| d.sent), Some(3), "never moves back");
        store.progress(7, today, 5).unwrap();
        assert_eq!(store.delivery(7, today).unwrap().map(|d| d.sent), Some(2), "capped at the parts");
        assert!(store.unfinished().unwrap().is_empty());
        assert_eq!(store.finished_on(Utc::now().date_naive()).unwrap(), 2);
    }

    #[test]
    fn a_chat_that_blocks_the_bot_before_any_part_went_out_keeps_that_section() {
        let (_dir, _path, store) = store();
        store.subscribe(CHAT, None, eight(), utc(NOW)).unwrap();
        store.claim(CHAT, date("2026-06-01"), "a_c1", 2, false, "a_c2", 0, utc(NOW)).unwrap();
        assert!(store.deactivate(CHAT, "blocked: bot was blocked by the user").unwrap());
        let sub = store.get(CHAT).unwrap().unwrap();
        assert!(!sub.active);
        assert_eq!(sub.inactive_reason.as_deref(), Some("blocked: bot was blocked by the user"));
        assert_eq!(sub.next.as_deref(), Some("a_c1"), "back to the unsent entry");
        assert!(!store.deactivate(CHAT, "again").unwrap());

        // Back again: the abandoned delivery is not resumed, and its section comes next.
        let back = store.subscribe(CHAT, None, eight(), utc("2026-06-02T00:00:00Z")).unwrap();
        assert_eq!(back.next.as_deref(), Some("a_c1"));
        assert!(store.unfinished().unwrap().is_empty());
    }

    #[test]
    fn a_chat_lost_after_some_parts_went_out_moves_on() {
        let (_dir, _path, store) = store();
        store.subscribe(CHAT, None, eight(), utc(NOW)).unwrap();
        store.claim(CHAT, date("2026-06-01"), "a_c1", 2, false, "a_c2", 0, utc(NOW)).unwrap();
        store.progress(CHAT, date("2026-06-01"), 1).unwrap();
        assert!(store.deactivate(CHAT, "removed from the group").unwrap());
        assert_eq!(store.get(CHAT).unwrap().unwrap().next.as_deref(), Some("a_c2"));
        store.subscribe(CHAT, None, eight(), utc(NOW)).unwrap();
        assert!(store.unfinished().unwrap().is_empty(), "abandoned, not resumed");
    }

    #[test]
    fn a_group_upgraded_to_a_supergroup_keeps_its_subscription_and_log() {
        let (_dir, _path, store) = store();
        let (old, new) = (-123, -100_123);
        store.subscribe(old, None, eight(), utc(NOW)).unwrap();
        store.claim(old, date("2026-06-01"), "a", 2, false, "a_c1", 0, utc(NOW)).unwrap();
        store.migrate(old, new).unwrap();
        assert_eq!(store.get(old).unwrap(), None);
        let moved = store.get(new).unwrap().unwrap();
        assert_eq!((moved.chat, moved.next.as_deref(), moved.active), (new, Some("a_c1"), true));
        assert!(!store.claim(new, date("2026-06-01"), "a_c1", 1, false, "a_c2", 0, utc(NOW)).unwrap(), "already sent");
        assert_eq!(store.unfinished().unwrap().iter().map(|p| p.chat).collect::<Vec<_>>(), [new]);
        // Nothing to move is fine.
        store.migrate(old, new).unwrap();
        store.migrate(new, new).unwrap();
        assert_eq!(store.counts().unwrap(), (1, 0));
    }

    #[test]
    fn an_upgraded_group_already_subscribed_under_its_new_id_keeps_the_new_subscription() {
        let (_dir, _path, store) = store();
        let (old, new) = (-123, -100_123);
        store.subscribe(old, None, eight(), utc(NOW)).unwrap();
        store.claim(old, date("2026-06-01"), "a", 1, false, "old-next", 0, utc(NOW)).unwrap();
        store.claim(old, date("2026-06-02"), "b", 1, false, "old-next", 0, utc(NOW)).unwrap();
        store.subscribe(new, None, schedule("09:00", chrono_tz::UTC), utc(NOW)).unwrap();
        store.claim(new, date("2026-06-01"), "x", 1, false, "new-next", 0, utc(NOW)).unwrap();
        store.migrate(old, new).unwrap();
        assert_eq!(store.get(old).unwrap(), None);
        assert_eq!(store.get(new).unwrap().unwrap().next.as_deref(), Some("new-next"));
        assert_eq!(store.delivery(new, date("2026-06-01")).unwrap().map(|d| d.entry), Some("x".into()));
        assert_eq!(store.delivery(new, date("2026-06-02")).unwrap().map(|d| d.entry), Some("b".into()));

        // An inactive subscription under the new id gives way to the old one.
        store.subscribe(1, None, eight(), utc(NOW)).unwrap();
        store.subscribe(2, None, eight(), utc(NOW)).unwrap();
        store.claim(1, date("2026-06-01"), "mine", 1, false, "one-next", 0, utc(NOW)).unwrap();
        store.unsubscribe(2).unwrap();
        store.migrate(1, 2).unwrap();
        let two = store.get(2).unwrap().unwrap();
        assert_eq!((two.active, two.next.as_deref()), (true, Some("one-next")));
    }

    #[test]
    fn positions_are_set_in_bulk_and_the_plan_is_saved_for_the_next_reload() {
        let (_dir, path, store) = store();
        assert_eq!(store.plan().unwrap(), (Vec::new(), Vec::new()));
        for chat in 1..=3 {
            store.subscribe(chat, None, eight(), utc(NOW)).unwrap();
        }
        store.set_positions(&[(1, "x".into(), 2), (3, "y".into(), 0), (99, "z".into(), 0)]).unwrap();
        let next = |chat| store.get(chat).unwrap().map(|s| (s.next, s.round));
        assert_eq!(next(1), Some((Some("x".into()), 2)));
        assert_eq!(next(2), Some((None, 0)));
        assert_eq!(next(3), Some((Some("y".into()), 0)));
        assert_eq!(next(99), None, "no row is made up");

        let ids: Vec<String> = ["a", "a_c1", "b_c1"].map(String::from).to_vec();
        let digests: Vec<String> = ["a", "b"].map(String::from).to_vec();
        store.save_plan(&ids, &digests).unwrap();
        store.save_plan(&ids, &digests).unwrap();
        drop(store);
        assert_eq!(Store::open(&path).unwrap().plan().unwrap(), (ids, digests));
    }

    #[test]
    fn a_row_with_an_unknown_zone_is_an_error_for_that_chat_and_skipped_in_the_list() {
        let (_dir, _path, store) = store();
        store.subscribe(1, None, eight(), utc(NOW)).unwrap();
        store.subscribe(2, None, eight(), utc(NOW)).unwrap();
        store.conn().execute("UPDATE subscriptions SET zone = 'Mars/Olympus' WHERE chat = 2", []).unwrap();
        let err = store.get(2).unwrap_err();
        assert!(err.to_string().contains("Mars/Olympus"), "{err}");
        assert_eq!(store.active().unwrap().iter().map(|s| s.chat).collect::<Vec<_>>(), [1]);
        store.conn().execute("UPDATE subscriptions SET since = 'yesterday', time = '8' WHERE chat = 1", []).unwrap();
        assert!(matches!(store.get(1), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn a_held_lock_refuses_a_second_holder_until_it_is_dropped() {
        let (_dir, path) = temp();
        let lock = Lock::acquire(&path).unwrap();
        assert!(lock.path().ends_with("digestbot.sqlite3.lock"));
        assert!(lock.path().is_file());
        // flock(2) locks belong to an open file, so a second open in this process is refused
        // as another process would be.
        let err = Lock::acquire(&path).unwrap_err();
        assert!(matches!(&err, LockError::Held(p) if p == lock.path()), "{err:?}");
        assert!(err.to_string().contains("is delivering from this database"), "{err}");
        drop(lock);
        let again = Lock::acquire(&path).unwrap();
        drop(again);
    }

    #[test]
    fn another_process_sees_the_lock_as_held() {
        let (_dir, path) = temp();
        let lock = Lock::acquire(&path).unwrap();
        let probe = |lock_file: &Path| {
            std::process::Command::new("flock").args(["-n", "-E", "3"]).arg(lock_file).arg("true").status()
        };
        let Ok(held) = probe(lock.path()) else {
            eprintln!("skipped: no flock(1) here");
            return;
        };
        assert_eq!(held.code(), Some(3), "flock(1) in a child process is refused");
        let path_of_lock = lock.path().to_owned();
        drop(lock);
        assert!(probe(&path_of_lock).unwrap().success(), "free once dropped");
    }
}
