//! Search queries too long to write into a paging button, remembered under a key that the button
//! carries instead. A key is random, so it cannot be guessed, and it answers only the user who
//! searched. Bounded: the oldest are forgotten first, and a restart forgets all (such buttons then
//! answer that they have expired).

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;

pub struct QueryCache {
    capacity: usize,
    /// Keys are this process's random hash of a counter: unpredictable without the seed.
    seed: RandomState,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    drawn: u64,
    queries: HashMap<u64, (i64, String)>,
    /// The key of each owner's query, so paging through it takes no new slot.
    keys: HashMap<(i64, String), u64>,
    /// Keys, oldest first.
    order: VecDeque<u64>,
}

impl QueryCache {
    pub fn new(capacity: usize) -> QueryCache {
        QueryCache { capacity, seed: RandomState::new(), entries: Mutex::new(Entries::default()) }
    }

    /// The key of `owner`'s `query`: the one it already has, or a new one.
    pub fn insert(&self, owner: i64, query: &str) -> u64 {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = (owner, query.to_string());
        if let Some(&key) = entries.keys.get(&entry) {
            return key;
        }
        let key = loop {
            entries.drawn += 1;
            let key = self.seed.hash_one(entries.drawn);
            if !entries.queries.contains_key(&key) {
                break key;
            }
        };
        entries.queries.insert(key, entry.clone());
        entries.keys.insert(entry, key);
        entries.order.push_back(key);
        while entries.order.len() > self.capacity {
            if let Some(oldest) = entries.order.pop_front()
                && let Some(forgotten) = entries.queries.remove(&oldest)
            {
                entries.keys.remove(&forgotten);
            }
        }
        key
    }

    /// The query under `key`, if `owner` is the one who searched it.
    pub fn get(&self, key: u64, owner: i64) -> Option<String> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.queries.get(&key).filter(|(who, _)| *who == owner).map(|(_, query)| query.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_query_is_forgotten_first_when_the_cache_is_full() {
        let cache = QueryCache::new(2);
        let (a, b, c) = (cache.insert(1, "甲"), cache.insert(1, "乙"), cache.insert(1, "丙"));
        assert_eq!(cache.get(a, 1), None);
        assert_eq!(cache.get(b, 1).as_deref(), Some("乙"));
        assert_eq!(cache.get(c, 1).as_deref(), Some("丙"));
        assert_eq!(cache.insert(1, "甲"), cache.insert(1, "甲"), "a forgotten query comes back under one key");
    }

    #[test]
    fn a_query_answers_only_its_owner_under_a_key_that_does_not_follow_the_last() {
        let cache = QueryCache::new(10);
        let key = cache.insert(200, "人大");
        assert_eq!(cache.get(key, 300), None);
        assert_eq!(cache.get(key, 200).as_deref(), Some("人大"));
        let next = cache.insert(200, "代表");
        assert!(next != key + 1 && next != key.wrapping_sub(1), "keys are not sequential");
    }

    #[test]
    fn paging_the_same_query_takes_no_new_slot() {
        let cache = QueryCache::new(2);
        let key = cache.insert(200, "人大");
        for _ in 0..10 {
            assert_eq!(cache.insert(200, "人大"), key);
        }
        let other = cache.insert(300, "人大");
        assert_ne!(other, key, "another user's identical query has its own key");
        assert_eq!(cache.get(key, 200).as_deref(), Some("人大"), "still remembered");
    }
}
