//! The delivery log: a delivery claimed once per chat and local date, each part recorded as it
//! goes, what a crash left unfinished found again.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::rows::{PENDING, check_pending, day, instant, read_pending};
use super::{Pending, Store, StoreError};

impl Store {
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

#[cfg(test)]
mod tests {
    use super::super::tests::{CHAT, NOW, date, eight, store, utc};
    use super::*;

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
}
