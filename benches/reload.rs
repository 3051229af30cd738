//! `cargo bench --bench reload`: `/reload` of the bench corpus (30.7 MB) while searches run.
//!
//! - steady: searches on one thread for a few seconds with nothing else running; their p99, and
//!   the resident memory of the loaded bot;
//! - reload: the same searches while `App::reload` parses and indexes the corpus again and swaps it
//!   in; their p99 during the reload, its time, and the peak resident memory (sampled every 5 ms).
//!
//! Corpus from `DIGESTBOT_BENCH_CORPUS` (default `../shared/bench-corpus/`). The last line is
//! `reload_s=… search_p99_ratio_during_reload=… peak_over_steady=…`.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use digestbot::app::reload::{Outcome, Source};
use digestbot::app::stats::resident_bytes;
use digestbot::app::{App, Caller};
use digestbot::corpus::LoadOptions;
use digestbot::library::Library;
use digestbot::search::Analyzer;

const QUERIES: &[&str] = &["人大代表", "长江 生态", "高质量发展", "李强", "税", "2024年", "湾区", "乡村振兴"];
const STEADY: Duration = Duration::from_secs(4);

/// Searches as a person would send them, until `stop`; each one's time.
fn search_until(app: &App, stop: &AtomicBool) -> Vec<Duration> {
    let mut took = Vec::new();
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let response = app.handle_text(Caller::private(1 + (i % 1000) as i64), QUERIES[i % QUERIES.len()], "bot");
        took.push(started.elapsed());
        assert!(!response.messages.is_empty(), "a search went unanswered");
        i += 1;
    }
    took
}

fn p99_ms(mut took: Vec<Duration>) -> f64 {
    took.sort();
    took[((took.len() - 1) as f64 * 0.99) as usize].as_secs_f64() * 1e3
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1048576.0
}

fn main() {
    let dir =
        PathBuf::from(std::env::var("DIGESTBOT_BENCH_CORPUS").unwrap_or_else(|_| "../shared/bench-corpus/".into()));
    let library = Library::load(&dir, Arc::new(Analyzer::new())).expect("corpus indexes");
    println!("corpus: {} passages", library.index.len());
    let app = Arc::new(App::new(library).with_source(Source { dir, options: LoadOptions::default() }));

    // Steady: searches alone.
    let stop = Arc::new(AtomicBool::new(false));
    let searching = {
        let (app, stop) = (app.clone(), stop.clone());
        std::thread::spawn(move || search_until(&app, &stop))
    };
    std::thread::sleep(STEADY);
    stop.store(true, Ordering::Relaxed);
    let steady = searching.join().unwrap();
    let steady_rss = resident_bytes().unwrap_or(0);
    let (steady_n, steady_p99) = (steady.len(), p99_ms(steady));
    println!("steady: {steady_n} searches, p99 {steady_p99:.2} ms, resident {:.0} MiB", mib(steady_rss));

    // Reload, with searches and a memory sampler running.
    let stop = Arc::new(AtomicBool::new(false));
    let searching = {
        let (app, stop) = (app.clone(), stop.clone());
        std::thread::spawn(move || search_until(&app, &stop))
    };
    let sampling = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !stop.load(Ordering::Relaxed) {
                peak = peak.max(resident_bytes().unwrap_or(0));
                std::thread::sleep(Duration::from_millis(5));
            }
            peak
        })
    };
    let started = Instant::now();
    let outcome = app.reload();
    let reload_s = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let during = searching.join().unwrap();
    let peak = sampling.join().unwrap().max(resident_bytes().unwrap_or(0));
    assert!(matches!(outcome, Outcome::Reloaded { .. }), "{outcome:?}");
    let (during_n, during_p99) = (during.len(), p99_ms(during));
    println!(
        "reload: {reload_s:.2} s; {during_n} searches meanwhile, p99 {during_p99:.2} ms; peak resident {:.0} MiB",
        mib(peak)
    );
    println!(
        "reload_s={reload_s:.2} search_p99_ratio_during_reload={:.2} peak_over_steady={:.2}",
        during_p99 / steady_p99,
        peak as f64 / steady_rss.max(1) as f64
    );
}
