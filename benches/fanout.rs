//! `cargo bench --bench fanout`: the real bot (release build, fixture corpus, SQLite on disk)
//! delivering a daily section to every subscribed chat through the fake Bot API server, which
//! enforces an overall limit and answers 429 beyond it, as Telegram does.
//!
//! - 300 chats at Telegram's own limits (30 messages a second, the fake enforcing 30/s);
//! - 10,000 chats at 1,000 messages a second (the bot's and the fake's limits set to match), while
//!   100 other people send `/search`, one every 50 ms once deliveries flow; each is timed from
//!   being queued to its reply's arrival at the fake.
//!
//! `total_s` runs from the first delivery's arrival at the fake to the arrival of the last chat's
//! last part, so it measures the pacing of the fan-out, not start-up (which is printed apart:
//! from spawning the bot to the first delivery, including its `getMe` and the pass's first claim).
//! `efficiency` = (chats / limit) / total_s: 1.0 is a fan-out exactly as fast as the limit allows.
//! The database is a file in the system's temporary directory, on disk as in production, where
//! every claim and every recorded message is a synchronous commit; `FANOUT_DB_DIR=/dev/shm`
//! puts it in memory instead, to tell the cost of those commits from the cost of the pacing.
//! The last line is that of the 10,000-chat run:
//! `chats=… total_s=… efficiency=… http_429=… duplicates=… missed=… interactive_p99_ms=…`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Timelike, Utc};
use digestbot_core::daily::{Daily, DailyTime, Schedule, Settings, Store};
use digestbot_search::Analyzer;
use digestbot_search::library::Library;
use digestbot_telegram::{Limits, Options, render};
use digestbot_testkit::TestBot;
use digestbot_testkit::fake_api::Limit;
use digestbot_testkit::updates::{BOT_USERNAME, message, private_chat};

const SMALL: i64 = 300;
const LARGE: i64 = 10_000;
const LARGE_RATE: u32 = 1_000;
const INTERACTIVE: i64 = 100;
const INTERACTIVE_EVERY: Duration = Duration::from_millis(50);
/// Subscribed chats are numbered from here; the people searching, from `FIRST_SEARCHER`, so no
/// reply can be mistaken for a delivery.
const FIRST_CHAT: i64 = 1_000_000;
const FIRST_SEARCHER: i64 = 900_000_000;
/// No new message for this long means the fan-out stalled: report what arrived.
const STALL: Duration = Duration::from_secs(20);
/// Waited after the last expected message, so that a late duplicate is still counted.
const SETTLE: Duration = Duration::from_millis(500);
const QUERIES: &[&str] = &["人大代表", "长江 生态", "高质量发展", "李强", "税", "2024年", "湾区", "乡村振兴"];

struct Figures {
    chats: i64,
    limit: u32,
    parts: usize,
    subscribe_s: f64,
    first_s: f64,
    total_s: f64,
    http_429: i64,
    duplicates: usize,
    missed: usize,
    /// Push to reply, in ms; a reply that never came is infinite.
    interactive: Vec<f64>,
    /// When each search was pushed, in ms after the first delivery arrived.
    pushed_ms: Vec<f64>,
}

impl Figures {
    fn efficiency(&self) -> f64 {
        (self.chats as f64 / f64::from(self.limit)) / self.total_s
    }

    fn line(&self) -> String {
        format!(
            "chats={} total_s={:.2} efficiency={:.3} http_429={} duplicates={} missed={}",
            self.chats,
            self.total_s,
            self.efficiency(),
            self.http_429,
            self.duplicates,
            self.missed
        )
    }

    fn interactive_pct(&self, p: f64) -> f64 {
        let mut sorted = self.interactive.clone();
        sorted.sort_by(f64::total_cmp);
        sorted.get(((sorted.len().max(1) - 1) as f64 * p) as usize).copied().unwrap_or(f64::NAN)
    }
}

fn main() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    let db = std::env::var("FANOUT_DB_DIR").unwrap_or_else(|_| std::env::temp_dir().display().to_string());
    println!("database in {db}");
    let analyzer = Arc::new(Analyzer::new());

    let small = run(&corpus, &analyzer, SMALL, Limits::TELEGRAM, 0);
    report(&small);
    let large = run(
        &corpus,
        &analyzer,
        LARGE,
        Limits { overall_per_sec: LARGE_RATE, chat_per_sec: 1, group_per_min: 20 },
        INTERACTIVE,
    );
    report(&large);
    println!(
        "interactive /search during the fan-out: {} of {INTERACTIVE} answered, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        large.interactive.iter().filter(|ms| ms.is_finite()).count(),
        large.interactive_pct(0.5),
        large.interactive_pct(0.99),
        large.interactive_pct(1.0)
    );
    // Where the slow ones fall in the fan-out tells a start-up stall from a steady one.
    let mut slowest: Vec<(f64, f64)> = large.interactive.iter().copied().zip(large.pushed_ms.iter().copied()).collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    let slowest: Vec<String> =
        slowest.iter().take(5).map(|(ms, at)| format!("{ms:.0} ms (pushed at +{at:.0} ms)")).collect();
    println!("slowest searches: {}", slowest.join(", "));
    println!("{} interactive_p99_ms={:.2}", large.line(), large.interactive_pct(0.99));
}

fn report(f: &Figures) {
    println!(
        "fan-out to {} chats at {}/s: {} message(s) a chat; subscribing took {:.2} s; first delivery {:.2} s \
         after the bot started; all delivered {:.2} s later (efficiency {:.3}); 429s {}, duplicates {}, missed {}",
        f.chats,
        f.limit,
        f.parts,
        f.subscribe_s,
        f.first_s,
        f.total_s,
        f.efficiency(),
        f.http_429,
        f.duplicates,
        f.missed
    );
    println!("{}", f.line());
}

/// One fan-out on a runtime of its own, so nothing of one run (its bot, its fake server) is left
/// running into the next.
fn run(corpus: &Path, analyzer: &Arc<Analyzer>, chats: i64, limits: Limits, searches: i64) -> Figures {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    let figures = runtime.block_on(fan_out(corpus, analyzer.clone(), chats, limits, searches));
    runtime.shutdown_background();
    figures
}

async fn fan_out(corpus: &Path, analyzer: Arc<Analyzer>, chats: i64, limits: Limits, searches: i64) -> Figures {
    let library = Library::load(corpus, analyzer).expect("fixture corpus indexes");
    let dir = match std::env::var_os("FANOUT_DB_DIR") {
        Some(parent) => tempfile::tempdir_in(parent),
        None => tempfile::tempdir(),
    }
    .expect("a temporary directory");
    let database = dir.path().join("digestbot.sqlite");
    let store = Store::open(&database).expect("the database opens");

    // Due two minutes ago, in UTC. Computed on instants, not times of day: just after midnight the
    // due time is yesterday's 23:58, which `owed` finds on yesterday's date all the same.
    let now = Utc::now();
    let due = DateTime::from_timestamp((now.timestamp() - 120).div_euclid(60) * 60, 0).expect("a valid instant");
    let time = DailyTime::new(due.hour() as u8, due.minute() as u8).expect("a valid time");
    let schedule = Schedule { time, zone: chrono_tz::UTC };
    let since = due - chrono::Duration::minutes(5);
    let subscribing = Instant::now();
    for chat in FIRST_CHAT..FIRST_CHAT + chats {
        store.subscribe(chat, None, schedule, since).expect("subscribed");
    }
    let subscribe_s = subscribing.elapsed().as_secs_f64();
    let settings = Settings { defaults: schedule, catch_up: chrono::Duration::hours(6) };

    // What each chat is owed, as the bot's own pass will find it (looking claims nothing).
    let owed = Daily::new(store, settings, &library).expect("daily sections start").due(&library, Utc::now());
    let owed = owed.expect("due deliveries");
    assert_eq!(owed.len() as i64, chats, "every subscribed chat is owed a delivery");
    let expected: HashMap<i64, usize> =
        owed.iter().map(|d| (d.chat, render::html(&d.message.text, BOT_USERNAME).len())).collect();
    let parts = expected.values().copied().max().unwrap_or(0);
    let messages: usize = expected.values().sum();

    let started = Instant::now();
    let bot = TestBot::with()
        .corpus(corpus)
        .options(Options { limits, ..Options::default() })
        .config(move |config| config.database = database)
        .start_with(|api| api.limit(Limit::per_second(limits.overall_per_sec)))
        .await;
    let api = bot.api.clone();

    // Searches start once deliveries flow, so they compete with the fan-out, not precede it.
    while api.count("sendMessage") == 0 {
        assert!(started.elapsed() < STALL, "no delivery within {STALL:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let pushing = tokio::spawn({
        let api = api.clone();
        async move {
            let start = tokio::time::Instant::now();
            let mut pushed = Vec::with_capacity(searches as usize);
            for i in 0..searches {
                // Absolute deadlines: one late tick does not push the rest later.
                tokio::time::sleep_until(start + INTERACTIVE_EVERY * i as u32).await;
                let chat = FIRST_SEARCHER + i;
                pushed.push(Instant::now());
                api.push(message(
                    private_chat(chat),
                    chat,
                    &format!("/search {}", QUERIES[i as usize % QUERIES.len()]),
                ));
            }
            pushed
        }
    });

    // Polled, not waited on call by call: counting 10,000 calls every 100 ms costs little.
    let target = messages + searches as usize;
    let (mut seen, mut progressed) = (0, Instant::now());
    loop {
        let n = api.count("sendMessage");
        if n >= target {
            break;
        }
        if n > seen {
            (seen, progressed) = (n, Instant::now());
        } else if progressed.elapsed() > STALL {
            eprintln!("stalled: {n} of {target} messages arrived");
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let pushed = pushing.await.expect("searches pushed");
    tokio::time::sleep(SETTLE).await;

    let calls = api.calls("sendMessage");
    // Per chat, per distinct text: how often it arrived, and when first.
    let mut arrived: HashMap<i64, HashMap<String, (usize, Instant)>> = HashMap::new();
    for call in &calls {
        let chat = call.body["chat_id"].as_i64().unwrap_or(0);
        let text = call.body["text"].as_str().unwrap_or_default().to_string();
        let entry = arrived.entry(chat).or_default().entry(text).or_insert((0, call.at));
        entry.0 += 1;
    }
    let delivered = |chat: &i64| (FIRST_CHAT..FIRST_CHAT + chats).contains(chat);
    let duplicates = arrived
        .iter()
        .filter(|(chat, _)| delivered(chat))
        .flat_map(|(_, texts)| texts.values())
        .map(|(n, _)| n - 1)
        .sum();
    let missed = expected.iter().filter(|(chat, parts)| arrived.get(chat).map_or(0, HashMap::len) < **parts).count();
    let first = calls.iter().filter(|c| c.body["chat_id"].as_i64().is_some_and(|c| delivered(&c))).map(|c| c.at).min();
    let last = arrived
        .iter()
        .filter(|(chat, _)| delivered(chat))
        .flat_map(|(_, texts)| texts.values().map(|(_, at)| *at))
        .max();
    let (first_s, total_s) = match (first, last) {
        (Some(first), Some(last)) => ((first - started).as_secs_f64(), (last - first).as_secs_f64()),
        _ => (f64::NAN, f64::NAN),
    };
    let interactive = pushed
        .iter()
        .enumerate()
        .map(|(i, at)| {
            let chat = FIRST_SEARCHER + i as i64;
            arrived
                .get(&chat)
                .and_then(|texts| texts.values().map(|(_, first)| *first).min())
                .map_or(f64::INFINITY, |reply| reply.saturating_duration_since(*at).as_secs_f64() * 1e3)
        })
        .collect();
    let pushed_ms = pushed
        .iter()
        .map(|at| first.map_or(f64::NAN, |first| at.saturating_duration_since(first).as_secs_f64() * 1e3))
        .collect();
    Figures {
        pushed_ms,
        chats,
        limit: limits.overall_per_sec,
        parts,
        subscribe_s,
        first_s,
        total_s,
        http_429: api.too_many_answered(),
        duplicates,
        missed,
        interactive,
    }
}
