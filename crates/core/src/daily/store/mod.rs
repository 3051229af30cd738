//! Subscriptions and the delivery log, in SQLite. A delivery is claimed (logged, and the chat's
//! position moved) in one transaction before anything is sent, so no crash can make the bot send a
//! date's section twice or lose a chat's place. The [`super::Lock`] keeps a second process from
//! delivering from the same database.

use std::fmt;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

mod error;
mod log;
mod rows;
mod schema;
mod watches;

pub use self::error::StoreError;
pub use self::rows::{Delivered, Pending, Subscription, Watch, Watched};
use self::rows::{RawSubscription, SUBSCRIPTION, instant};
pub use self::schema::SCHEMA_VERSION;
use self::schema::{MIGRATIONS, migrate_schema, user_version};
use super::lock::create_parent;
use super::schedule::Schedule;

/// How long a write waits for another connection (`deliver`, `check`) to finish before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

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

    pub(super) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock left no transaction open (dropping one rolls it back).
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn read(conn: &Connection, chat: i64) -> Result<Option<Subscription>, StoreError> {
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
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use chrono::NaiveDate;

    use super::*;
    use crate::daily::Lock;

    pub(super) fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    pub(super) fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    pub(super) fn schedule(time: &str, zone: chrono_tz::Tz) -> Schedule {
        Schedule { time: time.parse().unwrap(), zone }
    }

    pub(super) fn eight() -> Schedule {
        schedule("08:00", chrono_tz::Asia::Shanghai)
    }

    pub(super) fn temp() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/sub/digestbot.sqlite3");
        (dir, path)
    }

    pub(super) fn store() -> (tempfile::TempDir, PathBuf, Store) {
        let (dir, path) = temp();
        let store = Store::open(&path).unwrap();
        (dir, path, store)
    }

    pub(super) const CHAT: i64 = -100_123;
    pub(super) const NOW: &str = "2026-06-01T00:00:00.123456789Z";

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
}
