//! `cargo bench --bench compare`: figures of features that look across the corpus as it changes,
//! each printed as `name=value` (release build; targets printed, not asserted). One function a
//! figure, called from `main`, so that more can join them.
//!
//! - `compare_ms`, `formulations_ms`: `/compare` of the national work reports of 2022 and 2023 (the
//!   pair analysts ask for every March) and of the two largest of the fifty (about 57,000 and
//!   35,000 characters), and of two texts of about 60,000 characters each (eleven and fifteen
//!   reports run together); the whole comparison, then its formulations alone, with each pair's
//!   sizes. Median of 5 runs; target ≤ 500 ms each.
//! - `watch_fanout_ms`: a reload that adds one digest (a provincial government work report) to the
//!   bench corpus, while 1,000 users each watch other words, all of them in the new digest (1,000
//!   distinct queries, the worst case: none is searched once for many). Timed: what the reload
//!   does for watched words, from the old and new library to the alerts queued for the edge
//!   (finding the new passages, reading the watches from SQLite on disk, searching each query
//!   among the new passages, writing each user's message). Sending them is the outbox's, paced by
//!   Telegram's limits, and not timed here. Median of 5 runs; target ≤ 1 s.
//!
//! Corpus from `DIGESTBOT_BENCH_CORPUS` (default `../shared/bench-corpus/`).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use digestbot_core::daily::{Daily, Schedule, Settings, Store};
use digestbot_core::{App, Caller};
use digestbot_corpus::Corpus;
use digestbot_search::compare;
use digestbot_search::library::Library;
use digestbot_search::{is_han, only_stopwords};
use digestbot_testkit::fixtures;
use digestbot_testkit::updates::BOT_USERNAME;

const WATCHERS: i64 = 1_000;
const FIRST_USER: i64 = 1_000_000;
const RUNS: usize = 5;
/// The digest the reload adds: not in the bench corpus.
const NEW_DIGEST: &str = "real-reports/hainan.txt";
const SEED: u64 = 0x0a1e_47fa_0e70_0001;

fn main() {
    comparisons();
    let dir = fixtures::bench_corpus().expect("the bench corpus");
    let watch_fanout_ms = watch_fanout(&dir);
    println!("watch_fanout_ms={watch_fanout_ms:.1}");
}

/// xorshift64: the same words on every machine.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// `n` distinct runs of 2 to 4 Han characters cut from `corpus`'s passages, none of them only
/// words too common to watch.
fn words_in(corpus: &Corpus, n: usize) -> Vec<String> {
    let passages: Vec<Vec<char>> = corpus
        .digests
        .iter()
        .flat_map(|d| &d.speeches)
        .flat_map(|s| &s.sections)
        .flat_map(|c| &c.passages)
        .map(|p| p.text().chars().collect())
        .collect();
    let jieba = &fixtures::analyzer().jieba;
    let mut rng = Rng(SEED);
    let mut words = BTreeSet::new();
    while words.len() < n {
        let passage = &passages[rng.below(passages.len())];
        let len = 2 + rng.below(3);
        if passage.len() <= len {
            continue;
        }
        let at = rng.below(passage.len() - len);
        let word: String = passage[at..at + len].iter().collect();
        if word.chars().all(is_han) && !only_stopwords(jieba, &word) {
            words.insert(word);
        }
    }
    words.into_iter().collect()
}

/// The comparison of `a` and `b` in the fifty reports: `(compare_ms, formulations_ms)`, medians of
/// [`RUNS`] runs. `compare_ms` is all of it, as a reader waits for it (alignment, numbers and
/// formulations); `formulations_ms` the formulations alone.
fn compare_pair(library: &Library, a: &str, b: &str) -> (f64, f64) {
    let jieba = &library.index.analyzer().jieba;
    let (sa, sb) = library.sides(a, b).expect("two reports");
    let chars = |side: &compare::Side<'_>| side.paragraphs.iter().map(|p| p.text.chars().count()).sum::<usize>();
    print!("pair={a}/{b} chars={}+{} ", chars(&sa), chars(&sb));
    let mut whole = Vec::new();
    let mut formulations = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let found = compare::compare(jieba, &sa.paragraphs, &sb.paragraphs);
        whole.push(started.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(found);
        let started = Instant::now();
        std::hint::black_box(compare::formulations(jieba, &sa.paragraphs, &sb.paragraphs));
        formulations.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    (median(whole), median(formulations))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The ids of the two reports with the most characters, largest first.
fn largest_two(library: &Library) -> [String; 2] {
    let mut sizes: Vec<(usize, &str)> = library
        .corpus
        .digests
        .iter()
        .map(|d| {
            let chars = d
                .speeches
                .iter()
                .flat_map(|s| &s.sections)
                .flat_map(|c| &c.passages)
                .map(|p| p.text().chars().count())
                .sum();
            (chars, d.id.as_str())
        })
        .collect();
    sizes.sort_unstable_by(|x, y| y.cmp(x));
    [sizes[0].1.to_string(), sizes[1].1.to_string()]
}

/// `compare_ms` and `formulations_ms` for 2022 against 2023, the pair users ask for, and for the
/// two largest reports.
fn comparisons() {
    let reports = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gov-work-reports");
    let library = Library::load(&reports, fixtures::analyzer()).expect("the fifty reports");
    let [largest, next] = largest_two(&library);
    for (a, b) in [("gwr-2022", "gwr-2023"), (largest.as_str(), next.as_str())] {
        let (compare_ms, formulations_ms) = compare_pair(&library, a, b);
        println!("compare_ms={compare_ms:.1} formulations_ms={formulations_ms:.1}");
    }
    // Two texts of about 60,000 characters, as the bound: the reports of 2013–2023 and of
    // 1998–2012 run together, each cut at 60,000 (a few lines read as headings are not compared).
    let data = tempfile::tempdir().expect("a temporary folder");
    for (name, years) in [("recent", 2013..=2023), ("earlier", 1998..=2012)] {
        std::fs::write(data.path().join(format!("{name}.txt")), sixty_thousand(&library, years)).expect("written");
    }
    let long = Library::load(data.path(), fixtures::analyzer()).expect("the two long texts");
    let (compare_ms, formulations_ms) = compare_pair(&long, "earlier", "recent");
    println!("compare_ms={compare_ms:.1} formulations_ms={formulations_ms:.1}");
}

/// A digest of the passages of the reports of `years`, in order, up to 60,000 characters.
fn sixty_thousand(library: &Library, years: std::ops::RangeInclusive<u32>) -> String {
    let mut text = String::from("报告汇编\n政府工作报告\n国务院总理 某某\n");
    let mut chars = 0;
    for year in years {
        let Some(digest) = library.corpus.digests.iter().find(|d| d.id == format!("gwr-{year}")) else { continue };
        for passage in digest.speeches.iter().flat_map(|s| &s.sections).flat_map(|c| &c.passages) {
            let passage = passage.text();
            let room = 60_000 - chars;
            let taken: String = passage.chars().take(room).collect();
            chars += taken.chars().count();
            text.push('\n');
            text.push_str(&taken);
            text.push('\n');
            if chars >= 60_000 {
                return text;
            }
        }
    }
    text
}

fn watch_fanout(dir: &Path) -> f64 {
    let analyzer = fixtures::analyzer();
    let t = Instant::now();
    let library = Library::load(dir, analyzer).expect("bench corpus loads");
    println!(
        "corpus: {} digests, {} passages; load and index {:.2} s",
        library.corpus.digests.len(),
        library.index.len(),
        t.elapsed().as_secs_f64()
    );
    let data = tempfile::tempdir().expect("a temporary folder");
    let settings = Settings {
        defaults: Schedule { time: "08:00".parse().unwrap(), zone: chrono_tz::Asia::Shanghai },
        catch_up: chrono::Duration::hours(6),
    };
    let store = Store::open(&data.path().join("digestbot.sqlite3")).expect("the database opens");
    let daily = Daily::new(store, settings, &library).expect("daily sections start");
    let app = App::new(library).with_daily(Arc::new(daily));

    let file = fixtures::fixture(NEW_DIGEST);
    let parsed = digestbot_corpus::parse("hainan-watched.txt", "hainan-watched", &std::fs::read(&file).unwrap());
    let digest = parsed.digest.expect("the new digest parses");
    let added = Corpus { digests: vec![digest.clone()], problems: Vec::new() };
    let words = words_in(&added, WATCHERS as usize);
    let t = Instant::now();
    for (user, words) in (FIRST_USER..).zip(&words) {
        let said = app.handle_text(Caller::private(user), &format!("/watch {words}"), BOT_USERNAME);
        let said = said.messages[0].text.to_plain();
        assert!(said.contains("已关注"), "{words}: {said}");
    }
    println!("{WATCHERS} users watch {WATCHERS} distinct words: added in {:.2} s", t.elapsed().as_secs_f64());

    let old = app.library();
    let mut corpus = old.corpus.clone();
    corpus.digests.push(digest);
    let t = Instant::now();
    let new = Library::from_corpus_reusing(corpus, &old).expect("the new digest indexes");
    println!("the reload's own indexing (not timed below): {:.2} s", t.elapsed().as_secs_f64());

    let watches = app.watches().expect("watches");
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        let queued = watches.reloaded(&old, &new);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        let alerts = watches.take();
        assert_eq!((queued, alerts.len()), (WATCHERS as usize, WATCHERS as usize), "every watcher alerted once");
    }
    times.sort_by(f64::total_cmp);
    println!("watch fan-out runs (ms): {}", times.iter().map(|ms| format!("{ms:.1}")).collect::<Vec<_>>().join(" "));
    times[RUNS / 2]
}
