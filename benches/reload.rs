//! `cargo bench --bench reload`: `/reload` of the bench corpus (30.7 MB) while searches run.
//!
//! - steady: searches on one thread for a few seconds with nothing else running; their p99, and
//!   the resident memory of the loaded bot;
//! - then, each with the same searches running: their p99 meanwhile, its time, and the peak
//!   resident memory (sampled every 5 ms):
//!   - `App::reload` with nothing changed;
//!   - `App::reload` after what admins do: 10 digests edited and 1 added;
//!   - for reference, a full build of the corpus (what the first load does, and reloads did).
//!
//! The corpus from `DIGESTBOT_BENCH_CORPUS` (default `../shared/bench-corpus/`) is copied to a
//! temporary directory, which is edited. The last line is the edit's reload:
//! `reload_s=… search_p99_ratio_during_reload=… peak_over_steady=…`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use digestbot_core::admin::reload::{CorpusDir, ReloadOutcome};
use digestbot_core::stats::resident_bytes;
use digestbot_core::{App, Caller};
use digestbot_corpus::LoadOptions;
use digestbot_search::Analyzer;
use digestbot_search::library::Library;

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

/// Copies the `.txt` files of `from` to `to`, folders included.
fn copy_corpus(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("corpus readable") {
        let entry = entry.expect("corpus readable");
        let (path, target) = (entry.path(), to.join(entry.file_name()));
        if path.is_dir() {
            std::fs::create_dir_all(&target).expect("temporary directory writable");
            copy_corpus(&path, &target);
        } else if path.extension().is_some_and(|e| e == "txt") {
            std::fs::copy(&path, &target).expect("corpus copied");
        }
    }
}

/// What admins do between reloads: a sentence added to one paragraph of each of 10 digests spread
/// over the corpus, and a new digest.
fn edit_corpus(dir: &Path) {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("corpus readable").map(|e| e.expect("corpus readable").path()).collect();
    files.retain(|path| path.extension().is_some_and(|e| e == "txt"));
    files.sort();
    for i in 0..10 {
        let path = &files[i * files.len() / 10];
        let text = std::fs::read_to_string(path).expect("digest readable");
        // A paragraph halfway down: a passage, not a title or a byline.
        let middle = (text.len() / 2..text.len()).find(|&at| text.is_char_boundary(at)).unwrap_or(text.len());
        let at = text[middle..].find('。').map_or(text.len(), |at| middle + at + '。'.len_utf8());
        let edited = format!("{}据悉，此项工作已于近日完成。{}", &text[..at], &text[at..]);
        std::fs::write(path, edited).expect("digest writable");
    }
    std::fs::copy(&files[files.len() / 3], dir.join("zz-new-digest.txt")).expect("digest added");
}

/// A run of `work` with searches on another thread and a memory sampler.
struct During {
    seconds: f64,
    searches: usize,
    p99_ms: f64,
    peak: u64,
}

fn during<T>(app: &Arc<App>, work: impl FnOnce() -> T) -> (T, During) {
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
    let out = work();
    let seconds = started.elapsed().as_secs_f64();
    let peak = resident_bytes().unwrap_or(0);
    stop.store(true, Ordering::Relaxed);
    let took = searching.join().unwrap();
    let peak = sampling.join().unwrap().max(peak);
    (out, During { seconds, searches: took.len(), p99_ms: p99_ms(took), peak })
}

fn report(what: &str, d: &During, steady_p99: f64, steady_rss: u64) {
    println!(
        "{what}: {:.2} s; {} searches meanwhile, p99 {:.2} ms ({:.2}× steady); peak resident {:.0} MiB ({:.2}× steady)",
        d.seconds,
        d.searches,
        d.p99_ms,
        d.p99_ms / steady_p99,
        mib(d.peak),
        d.peak as f64 / steady_rss.max(1) as f64
    );
}

fn reloaded(outcome: &ReloadOutcome) -> String {
    let ReloadOutcome::Reloaded { diff, .. } = outcome else { panic!("{outcome:?}") };
    format!(
        "{} digests added, {} changed, {} passages added, {} removed",
        diff.digests_added.len(),
        diff.digests_changed.len(),
        diff.passages_added,
        diff.passages_removed
    )
}

fn main() {
    let shared =
        PathBuf::from(std::env::var("DIGESTBOT_BENCH_CORPUS").unwrap_or_else(|_| "../shared/bench-corpus/".into()));
    let copy = tempfile::tempdir().expect("temporary directory");
    copy_corpus(&shared, copy.path());
    let dir = copy.path().to_path_buf();
    let analyzer = Arc::new(Analyzer::new());
    let library = Library::load(&dir, analyzer.clone()).expect("corpus indexes");
    println!("corpus: {} passages", library.index.len());
    let app = Arc::new(App::new(library).with_source(CorpusDir { dir: dir.clone(), options: LoadOptions::default() }));

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

    let (outcome, unchanged) = during(&app, || app.reload());
    assert!(reloaded(&outcome).starts_with("0 digests added, 0 changed"), "{outcome:?}");
    report("reload, nothing changed", &unchanged, steady_p99, steady_rss);

    edit_corpus(&dir);
    let (outcome, edited) = during(&app, || app.reload());
    let what = reloaded(&outcome);
    report(&format!("reload, 10 digests edited and 1 added ({what})"), &edited, steady_p99, steady_rss);

    // Last, so that the memory it frees does not raise the peaks above.
    let (library, full) = during(&app, || Library::load(&dir, analyzer.clone()).expect("corpus indexes"));
    drop(library);
    report(
        "full build, for reference (first load; reloads before the index was updated in place)",
        &full,
        steady_p99,
        steady_rss,
    );

    println!(
        "reload_s={:.2} search_p99_ratio_during_reload={:.2} peak_over_steady={:.2}",
        edited.seconds,
        edited.p99_ms / steady_p99,
        edited.peak as f64 / steady_rss.max(1) as f64
    );
}
