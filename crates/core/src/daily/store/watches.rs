//! Watched words: what each private chat asked to be told about, beside its subscription. A
//! watch is unique per chat by its key (the words as a query means them), and a chat has at most
//! so many, checked in the transaction that adds one.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, TransactionBehavior, params};

use super::rows::{Watch, Watched, instant};
use super::{Store, StoreError};

const WATCH: &str = "SELECT id, chat, words, key FROM watches";

fn read(row: &Row<'_>) -> rusqlite::Result<Watch> {
    Ok(Watch { id: row.get(0)?, chat: row.get(1)?, words: row.get(2)?, key: row.get(3)? })
}

impl Store {
    /// `chat` watches `words` (meaning `key`) from `now` on, unless it does already or watches
    /// `max` already.
    pub fn watch(
        &self,
        chat: i64,
        words: &str,
        key: &str,
        max: usize,
        now: DateTime<Utc>,
    ) -> Result<Watched, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing =
            tx.query_row(&format!("{WATCH} WHERE chat = ?1 AND key = ?2"), params![chat, key], read).optional()?;
        if let Some(existing) = existing {
            return Ok(Watched::Already(existing));
        }
        let count: i64 = tx.query_row("SELECT COUNT(*) FROM watches WHERE chat = ?1", [chat], |r| r.get(0))?;
        if usize::try_from(count).unwrap_or(usize::MAX) >= max {
            return Ok(Watched::Full);
        }
        tx.execute(
            "INSERT INTO watches (chat, words, key, since) VALUES (?1, ?2, ?3, ?4)",
            params![chat, words, key, instant(now)],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(Watched::Added(Watch { id, chat, words: words.to_string(), key: key.to_string() }))
    }

    /// `chat`'s watches, oldest first.
    pub fn watches(&self, chat: i64) -> Result<Vec<Watch>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!("{WATCH} WHERE chat = ?1 ORDER BY id"))?;
        let watches = stmt.query_map([chat], read)?.collect::<Result<_, _>>()?;
        Ok(watches)
    }

    /// Every chat's watches, by chat, each chat's oldest first.
    pub fn every_watch(&self) -> Result<Vec<Watch>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!("{WATCH} ORDER BY chat, id"))?;
        let watches = stmt.query_map([], read)?.collect::<Result<_, _>>()?;
        Ok(watches)
    }

    /// Stops `chat`'s watch of `key`: the watch it was, or None when it had none.
    pub fn unwatch(&self, chat: i64, key: &str) -> Result<Option<Watch>, StoreError> {
        self.remove_watch("key = ?2", params![chat, key])
    }

    /// Stops `chat`'s watch numbered `id` (another chat's is left alone): the watch it was.
    pub fn unwatch_id(&self, chat: i64, id: i64) -> Result<Option<Watch>, StoreError> {
        self.remove_watch("id = ?2", params![chat, id])
    }

    fn remove_watch(&self, which: &str, params: &[&dyn rusqlite::ToSql]) -> Result<Option<Watch>, StoreError> {
        let conn = self.conn();
        let sql = format!("DELETE FROM watches WHERE chat = ?1 AND {which} RETURNING id, chat, words, key");
        Ok(conn.query_row(&sql, params, read).optional()?)
    }

    /// Forgets every watch of `chat` (it can no longer be written to): how many there were.
    pub fn drop_watches(&self, chat: i64) -> Result<usize, StoreError> {
        Ok(self.conn().execute("DELETE FROM watches WHERE chat = ?1", [chat])?)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{NOW, store, utc};
    use super::*;

    #[test]
    fn a_watch_is_added_once_per_key_up_to_the_limit_and_removed_by_key_or_number() {
        let (_dir, _path, store) = store();
        let add = |chat, words: &str, key: &str| store.watch(chat, words, key, 2, utc(NOW)).unwrap();
        let Watched::Added(first) = add(1, "人大 代表", "人大 代表") else { panic!() };
        assert!(matches!(add(1, "代表 人大", "人大 代表"), Watched::Already(w) if w == first));
        assert!(matches!(add(1, "预算", "预算"), Watched::Added(_)));
        assert_eq!(add(1, "监督", "监督"), Watched::Full);
        assert!(matches!(add(2, "监督", "监督"), Watched::Added(_)), "the limit is per chat");
        let words = |chat| store.watches(chat).unwrap().into_iter().map(|w| w.words).collect::<Vec<_>>();
        assert_eq!(words(1), ["人大 代表", "预算"]);
        assert_eq!(store.every_watch().unwrap().iter().map(|w| w.chat).collect::<Vec<_>>(), [1, 1, 2]);

        assert_eq!(store.unwatch_id(2, first.id).unwrap(), None, "not another chat's");
        assert_eq!(store.unwatch_id(1, first.id).unwrap(), Some(first));
        assert_eq!(store.unwatch(1, "预算").unwrap().map(|w| w.words).as_deref(), Some("预算"));
        assert_eq!(store.unwatch(1, "预算").unwrap(), None);
        assert!(words(1).is_empty());
        assert_eq!(store.drop_watches(2).unwrap(), 1);
        assert!(store.every_watch().unwrap().is_empty());
    }
}
