//! What `/stats` reports about the running bot: inputs handled and how long searches took since
//! start. Latencies go into an HDR histogram (bounded memory, exact enough percentiles). The same
//! counts go to the metrics facade, for `/metrics` when `serve` exports them.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use crate::telemetry;

/// The slowest search the histogram tells apart (slower ones count as this).
const SLOWEST_MICROS: u64 = 60_000_000;

pub struct Stats {
    started: Instant,
    inputs: AtomicU64,
    searches: Mutex<Option<Histogram<u64>>>,
}

/// A snapshot of [`Stats`].
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub uptime: Duration,
    pub inputs: u64,
    pub searches: u64,
    pub search_p50_ms: f64,
    pub search_p99_ms: f64,
}

impl Stats {
    pub fn new() -> Stats {
        Stats {
            started: Instant::now(),
            inputs: AtomicU64::new(0),
            searches: Mutex::new(Histogram::new_with_bounds(1, SLOWEST_MICROS, 2).ok()),
        }
    }

    /// One more message, button press or inline query handled.
    pub fn input(&self) {
        self.inputs.fetch_add(1, Ordering::Relaxed);
        metrics::counter!(telemetry::INPUTS).increment(1);
    }

    /// One more search served, in `took`.
    pub fn search(&self, took: Duration) {
        metrics::counter!(telemetry::SEARCHES).increment(1);
        metrics::histogram!(telemetry::SEARCH_SECONDS).record(took.as_secs_f64());
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX).clamp(1, SLOWEST_MICROS);
        if let Some(histogram) = self.searches.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            histogram.saturating_record(micros);
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        let searches = self.searches.lock().unwrap_or_else(|e| e.into_inner());
        let (count, p50, p99) = match searches.as_ref() {
            Some(h) if !h.is_empty() => (h.len(), h.value_at_quantile(0.5), h.value_at_quantile(0.99)),
            _ => (0, 0, 0),
        };
        Snapshot {
            uptime: self.started.elapsed(),
            inputs: self.inputs.load(Ordering::Relaxed),
            searches: count,
            search_p50_ms: p50 as f64 / 1e3,
            search_p99_ms: p99 as f64 / 1e3,
        }
    }
}

impl Default for Stats {
    fn default() -> Self {
        Stats::new()
    }
}

/// This process's resident memory, in bytes (Linux; None elsewhere).
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_searches_recorded() {
        let stats = Stats::new();
        for ms in 1..=100 {
            stats.search(Duration::from_millis(ms));
        }
        stats.input();
        let snapshot = stats.snapshot();
        assert_eq!((snapshot.inputs, snapshot.searches), (1, 100));
        assert!((49.0..=51.0).contains(&snapshot.search_p50_ms), "{snapshot:?}");
        assert!((98.0..=100.5).contains(&snapshot.search_p99_ms), "{snapshot:?}");
    }
}
