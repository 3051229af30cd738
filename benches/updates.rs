//! `cargo bench --bench updates`: the real bot (release build, bench corpus loaded) fed `/search`
//! updates through the fake Bot API server, as fast as it takes them.
//!
//! - throughput: a burst of updates from distinct chats, timed until every reply has arrived;
//! - latency: updates at a steady rate, each timed from being queued to its `sendMessage`;
//! - cold start: `digestbot serve` on the shipped corpus, from spawn to its first `getUpdates`;
//! - latency under Telegram's limits: a fresh bot with `Limits::TELEGRAM`, the fake enforcing 30
//!   messages a second, fed 20 updates a second over 20 chats (each chat one a second).
//!
//! Telegram's rate limits are lifted for the first two (they would cap any bot at 30 messages a
//! second); the last shows what the shipped limits cost a person waiting for a reply. The last line
//! is `updates_per_s=… p99_ms=… start_s=… p99_limited_ms=…`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use digestbot_core::App;
use digestbot_telegram::Limits;
use digestbot_telegram::Options;
use digestbot_testkit::fake_api::{Call, FakeApi, Limit};
use digestbot_testkit::updates::{message, private_chat, unlimited};
use digestbot_testkit::{TestBot, fixtures};

const BURST: i64 = 3000;
const STEADY: i64 = 1000;
const STEADY_RATE: u64 = 250;
const LIMITED_CHATS: i64 = 20;
const LIMITED_RATE: u32 = 20;
const LIMITED_SECS: u32 = 15;
const QUERIES: &[&str] = &["人大代表", "长江 生态", "高质量发展", "李强", "税", "2024年", "湾区", "乡村振兴"];

fn sent_to(api: &FakeApi, from: i64, to: i64) -> Vec<Call> {
    api.calls("sendMessage")
        .into_iter()
        .filter(|c| c.body["chat_id"].as_i64().is_some_and(|id| (from..to).contains(&id)))
        .collect()
}

#[tokio::main]
async fn main() {
    let dir = fixtures::bench_corpus().expect("the bench corpus");
    let bench =
        TestBot::with().corpus(dir).options(Options { limits: unlimited(), ..Options::default() }).start().await;
    let (api, app) = (bench.api.clone(), bench.app.clone());
    println!("corpus: {} passages", app.library().index.len());
    while api.first_get_updates().is_none() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Throughput: a burst from distinct chats (one chat's updates are handled in order).
    let start = Instant::now();
    api.push_all((0..BURST).map(|i| {
        let chat = 1_000_000 + i;
        message(private_chat(chat), chat, &format!("/search {}", QUERIES[i as usize % QUERIES.len()]))
    }));
    while (sent_to(&api, 1_000_000, 1_000_000 + BURST).len() as i64) < BURST {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let burst_s = start.elapsed().as_secs_f64();
    let per_s = BURST as f64 / burst_s;
    println!("burst: {BURST} updates in {burst_s:.2} s = {per_s:.0} updates/s");

    // Latency: a steady stream, each update timed from queueing to its reply.
    let mut queued = Vec::with_capacity(STEADY as usize);
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / STEADY_RATE));
    for i in 0..STEADY {
        tick.tick().await;
        let chat = 2_000_000 + i;
        queued.push(Instant::now());
        api.push(message(private_chat(chat), chat, &format!("/search {}", QUERIES[i as usize % QUERIES.len()])));
    }
    while (sent_to(&api, 2_000_000, 2_000_000 + STEADY).len() as i64) < STEADY {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut latencies: Vec<Duration> = sent_to(&api, 2_000_000, 2_000_000 + STEADY)
        .iter()
        .map(|c| c.at - queued[(c.body["chat_id"].as_i64().unwrap() - 2_000_000) as usize])
        .collect();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
    println!("steady {STEADY_RATE}/s: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms", pct(0.5), pct(0.99), pct(1.0));

    // Cold start of the real binary on the shipped corpus.
    let cold = FakeApi::start().await;
    // A database of its own: the checkout's `data/` is not the benchmark's to create.
    let data = tempfile::tempdir().expect("a temporary directory");
    let spawned = Instant::now();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_digestbot"))
        .arg("serve")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DIGESTBOT_DATABASE", data.path().join("digestbot.sqlite3"))
        .env("TELOXIDE_TOKEN", "1:COLD")
        .env("TELOXIDE_API_URL", &cold.url)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .expect("digestbot starts");
    let start_s = loop {
        if let Some(at) = cold.first_get_updates() {
            break (at - spawned).as_secs_f64();
        }
        if spawned.elapsed() > Duration::from_secs(30) {
            break f64::NAN;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    let _ = child.kill().await;
    println!("cold start to first getUpdates: {start_s:.3} s");
    let p99_ms = pct(0.99);

    // The same app (its query cache warm, as in the steady run) behind a second bot of its own.
    let (limited, http_429) = limited_latencies(app).await;
    let lpct = |p: f64| limited[((limited.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
    println!(
        "limited {LIMITED_RATE}/s over {LIMITED_CHATS} chats, Telegram's limits: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, 429s {http_429}",
        lpct(0.5),
        lpct(0.99),
        lpct(1.0)
    );
    println!("updates_per_s={per_s:.0} p99_ms={p99_ms:.2} start_s={start_s:.3} p99_limited_ms={:.2}", lpct(0.99));
}

/// Replies under Telegram's limits, each timed from queueing its update to its arrival, sorted;
/// and the 429s the fake answered.
async fn limited_latencies(app: Arc<App>) -> (Vec<Duration>, i64) {
    let limited = TestBot::with()
        .serving(app)
        .options(Options::default())
        .start_with(|api| api.limit(Limit::per_second(Limits::TELEGRAM.overall_per_sec)))
        .await;
    let api = limited.api.clone();
    while api.first_get_updates().is_none() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let total = LIMITED_RATE * LIMITED_SECS;
    let every = Duration::from_secs(1) / LIMITED_RATE;
    let start = tokio::time::Instant::now();
    let mut queued = Vec::with_capacity(total as usize);
    for n in 0..total {
        // Absolute deadlines, so a late tick makes no later one late: chat i's updates stay a
        // second apart, as its limit needs, and any wait is the bot's.
        tokio::time::sleep_until(start + every * n).await;
        let chat = 3_000_000 + i64::from(n) % LIMITED_CHATS;
        queued.push(Instant::now());
        api.push(message(private_chat(chat), chat, &format!("/search {}", QUERIES[n as usize % QUERIES.len()])));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while api.count("sendMessage") < total as usize && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(limited);
    // A chat's replies arrive in the order of its updates.
    let mut per_chat: Vec<Vec<Instant>> = vec![Vec::new(); LIMITED_CHATS as usize];
    for call in api.calls("sendMessage") {
        let chat = call.body["chat_id"].as_i64().unwrap() - 3_000_000;
        per_chat[chat as usize].push(call.at);
    }
    let mut latencies: Vec<Duration> = queued
        .iter()
        .enumerate()
        .map(|(n, at)| {
            let (chat, k) = (n % LIMITED_CHATS as usize, n / LIMITED_CHATS as usize);
            // A reply that never came counts as the whole wait.
            per_chat[chat].get(k).map_or(Duration::from_secs(30), |reply| reply.saturating_duration_since(*at))
        })
        .collect();
    latencies.sort();
    (latencies, api.too_many_answered())
}
