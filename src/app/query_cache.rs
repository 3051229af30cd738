//! Search queries too long to write into a paging button, remembered under a number that the
//! button carries instead. Bounded: the oldest are forgotten first, and a restart forgets all
//! (such buttons then answer that they have expired).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct QueryCache {
    capacity: usize,
    next_key: AtomicU32,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    queries: HashMap<u32, String>,
    /// Keys, oldest first.
    order: VecDeque<u32>,
}

impl QueryCache {
    pub fn new(capacity: usize) -> QueryCache {
        QueryCache { capacity, next_key: AtomicU32::new(1), entries: Mutex::new(Entries::default()) }
    }

    /// Remembers `query` and returns its key.
    pub fn insert(&self, query: &str) -> u32 {
        let key = self.next_key.fetch_add(1, Ordering::Relaxed);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.queries.insert(key, query.to_string());
        entries.order.push_back(key);
        while entries.order.len() > self.capacity {
            if let Some(oldest) = entries.order.pop_front() {
                entries.queries.remove(&oldest);
            }
        }
        key
    }

    pub fn get(&self, key: u32) -> Option<String> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).queries.get(&key).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_query_is_forgotten_first_when_the_cache_is_full() {
        let cache = QueryCache::new(2);
        let (a, b, c) = (cache.insert("甲"), cache.insert("乙"), cache.insert("丙"));
        assert_eq!(cache.get(a), None);
        assert_eq!(cache.get(b).as_deref(), Some("乙"));
        assert_eq!(cache.get(c).as_deref(), Some("丙"));
        assert_eq!(cache.get(c + 1), None);
    }
}
