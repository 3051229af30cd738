//! `serve --metrics-listen`: Prometheus text on `/metrics` and `/healthz`, through the real binary
//! (the metrics recorder is global to a process); and the bot riding out an outage of the Bot API
//! on its own.

use std::time::Duration;

use crate::fake_api::{FakeApi, group_message, message, private_chat};
use crate::webhook::{Process, address_in, http};

const TOKEN: &str = "123456:METRICS-SECRET-TOKEN";

/// `serve --metrics-listen 127.0.0.1:0` against `api`: the process and the metrics address.
async fn serve_with_metrics(api: &FakeApi, data: &std::path::Path) -> (Process, String) {
    let bot = Process::serve(api, data, TOKEN, &["--metrics-listen", "127.0.0.1:0"]);
    let address = address_in(&bot.logged("metrics on ").await);
    (bot, address)
}

/// The value of the sample `name` (with its labels, as rendered) in Prometheus text; 0 when absent.
fn sample(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .map_or(0.0, |value| value.trim().parse().unwrap())
}

/// Waits (up to 10 s) until `/metrics` shows what `pred` looks for, and returns it.
async fn metrics_once(address: &str, pred: impl Fn(&str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, text) = http(address, "GET", "/metrics", &[], "").await;
        if status == 200 && pred(&text) {
            return text;
        }
        assert!(tokio::time::Instant::now() < deadline, "/metrics never showed it:\n{text}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits (up to `limit`) until `/healthz` answers `status`, and returns its body.
async fn health_becomes(address: &str, status: u16, limit: Duration) -> String {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let (got, body) = http(address, "GET", "/healthz", &[], "").await;
        if got == status {
            return body;
        }
        assert!(tokio::time::Instant::now() < deadline, "/healthz stayed {got} ({body:?}), not {status}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn metrics_show_the_counters_moving_after_a_search_and_a_reload() {
    let api = FakeApi::start().await;
    let data = tempfile::tempdir().unwrap();
    let (mut bot, address) = serve_with_metrics(&api, data.path()).await;
    api.wait_until_get_updates().await;
    let (status, before) = http(&address, "GET", "/metrics", &[], "").await;
    assert_eq!(status, 200);
    assert_eq!(sample(&before, "digestbot_searches_total"), 0.0, "{before}");
    api.push(message(private_chat(4101), 4101, "/search 人大代表"));
    api.push(message(private_chat(4101), 4101, "你好 just chatting"));
    api.push(group_message(-4100, 4102, "group chatter, not for the bot"));
    api.wait_until("both answers", |c| c.iter().filter(|c| c.method == "sendmessage").count() >= 2).await;
    // The fake records a message before the bot reads its answer, and counts it as sent.
    let after = metrics_once(&address, |text| sample(text, r#"digestbot_sends_total{request="send"}"#) >= 2.0).await;
    assert_eq!(sample(&after, "digestbot_searches_total"), 2.0, "a command and plain text: {after}");
    assert_eq!(sample(&after, "digestbot_inputs_total"), 2.0, "{after}");
    assert_eq!(sample(&after, r#"digestbot_updates_total{kind="message"}"#), 3.0, "{after}");
    assert_eq!(sample(&after, r#"digestbot_updates_dropped_total{reason="not_for_us"}"#), 1.0, "{after}");
    assert_eq!(sample(&after, "digestbot_search_duration_seconds_count"), 2.0, "{after}");
    assert_eq!(sample(&after, r#"digestbot_search_duration_seconds_bucket{le="+Inf"}"#), 2.0, "{after}");
    for help in [
        "# HELP digestbot_searches_total Searches served",
        "# HELP digestbot_search_duration_seconds How long searches took",
        "# TYPE digestbot_search_duration_seconds histogram",
        "# TYPE digestbot_updates_total counter",
    ] {
        assert!(after.contains(help), "{help}: {after}");
    }
    // SIGHUP reloads the corpus, as /reload does: one reload, counted by its outcome.
    bot.signal(libc::SIGHUP);
    metrics_once(&address, |text| sample(text, r#"digestbot_reloads_total{outcome="reloaded"}"#) == 1.0).await;
    bot.signal(libc::SIGTERM);
    assert_eq!(bot.exit_within(Duration::from_secs(20)).await, Some(0));
}

#[tokio::test]
async fn healthz_is_200_when_serving_and_503_with_a_reason_while_telegram_fails() {
    let api = FakeApi::start().await;
    api.fail_get_me(i64::MAX);
    let data = tempfile::tempdir().unwrap();
    let (mut bot, address) = serve_with_metrics(&api, data.path()).await;
    let reason = health_becomes(&address, 503, Duration::from_secs(10)).await;
    assert!(reason.contains("Telegram"), "{reason}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while api.get_me_calls() < 2 {
        assert!(tokio::time::Instant::now() < deadline, "getMe was not tried again");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let reason = health_becomes(&address, 503, Duration::from_secs(10)).await;
    assert_eq!(reason, "cannot reach Telegram\n");
    api.fail_get_me(0);
    assert_eq!(health_becomes(&address, 200, Duration::from_secs(30)).await, "ok\n");
    // Serving, then getUpdates failing: unhealthy until it gets through again.
    api.fail_everything(true);
    assert_eq!(health_becomes(&address, 503, Duration::from_secs(30)).await, "cannot reach Telegram\n");
    api.fail_everything(false);
    api.push(message(private_chat(4201), 4201, "/help"));
    api.wait_until("the answer", |c| c.iter().any(|c| c.method == "sendmessage")).await;
    assert_eq!(health_becomes(&address, 200, Duration::from_secs(30)).await, "ok\n");
    assert!(bot.running());
    bot.signal(libc::SIGTERM);
    assert_eq!(bot.exit_within(Duration::from_secs(20)).await, Some(0));
    assert!(!bot.logs().contains("METRICS-SECRET-TOKEN"), "{}", bot.logs());
}

#[tokio::test]
async fn a_metrics_address_already_taken_is_an_error_naming_the_flag() {
    let api = FakeApi::start().await;
    let data = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let mut bot = Process::serve(&api, data.path(), TOKEN, &["--metrics-listen", &address]);
    assert_eq!(bot.exit_within(Duration::from_secs(20)).await, Some(1));
    assert!(bot.logs().contains(&format!("cannot listen on {address} (--metrics-listen)")), "{}", bot.logs());
    assert_eq!(api.get_me_calls(), 0, "nothing was asked of Telegram");
}

#[tokio::test]
async fn after_seconds_of_server_errors_then_dropped_connections_the_bot_recovers_by_itself() {
    let api = FakeApi::start().await;
    let data = tempfile::tempdir().unwrap();
    let (mut bot, address) = serve_with_metrics(&api, data.path()).await;
    api.wait_until_get_updates().await;
    health_becomes(&address, 200, Duration::from_secs(20)).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let wait_for_faults = async |more_than: i64| {
        while api.faults() <= more_than {
            assert!(tokio::time::Instant::now() < deadline, "the bot made no request in the outage");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    // Every method answering 500, until the bot has met it, and two seconds more.
    api.fail_everything(true);
    wait_for_faults(0).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(bot.running(), "{}", bot.logs());
    // Then every connection dropped, likewise.
    let faults = api.faults();
    api.fail_everything(false);
    api.drop_connections(true);
    wait_for_faults(faults).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(bot.running(), "{}", bot.logs());
    let (status, _) = http(&address, "GET", "/healthz", &[], "").await;
    assert_eq!(status, 503, "unhealthy during the outage");
    api.drop_connections(false);
    // A message sent afterwards is answered, without anyone restarting anything.
    api.push(message(private_chat(4301), 4301, "/help"));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !api.calls("sendMessage").iter().any(|c| c.body["chat_id"] == 4301) {
        assert!(tokio::time::Instant::now() < deadline, "no answer after the outage:\n{}", bot.logs());
        assert!(bot.running(), "the bot exited:\n{}", bot.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(health_becomes(&address, 200, Duration::from_secs(10)).await, "ok\n");
    bot.signal(libc::SIGTERM);
    assert_eq!(bot.exit_within(Duration::from_secs(20)).await, Some(0), "{}", bot.logs());
    let logs = bot.logs();
    // The 500s quoted the request path, token and all: what was logged of them is redacted.
    assert!(logs.contains("Internal Server Error at /bot<token>/"), "{logs}");
    assert!(!logs.contains("METRICS-SECRET-TOKEN"), "{logs}");
}
