//! Running the real binary as an operator does: the token from a file, a graceful stop on SIGTERM
//! and SIGINT, and the committed systemd unit.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use digestbot_core::daily::{Schedule, Store};

use crate::fake_api::FakeApi;
use crate::support::{fifo, root};

/// `digestbot serve` against `api` with the fixture corpus and its database in `data`, no token
/// set: each test adds its own.
fn serve(api: &FakeApi, data: &Path) -> tokio::process::Command {
    let mut command = crate::webhook::Process::command(api, data, "", &[]);
    command.env_remove("TELOXIDE_TOKEN");
    command
}

fn signal(child: &tokio::process::Child, signal: libc::c_int) {
    let pid = child.id().expect("the process is running") as libc::pid_t;
    // SAFETY: kill(2) with a pid this test spawned and has not yet reaped.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill failed");
}

/// Waits (up to `limit`) for the process to exit: its exit code and what it logged. One still
/// running then is killed, and the test fails with its logs.
async fn exit_within(mut child: tokio::process::Child, limit: Duration) -> (Option<i32>, String) {
    use tokio::io::AsyncReadExt;
    let mut stderr = child.stderr.take().unwrap();
    let logs = tokio::spawn(async move {
        let mut logs = Vec::new();
        let _ = stderr.read_to_end(&mut logs).await;
        String::from_utf8_lossy(&logs).into_owned()
    });
    let status = tokio::time::timeout(limit, child.wait()).await;
    if status.is_err() {
        child.kill().await.unwrap();
    }
    let logs = logs.await.unwrap();
    match status {
        Ok(status) => (status.unwrap().code(), logs),
        Err(_) => panic!("the process did not exit within {limit:?}:\n{logs}"),
    }
}

#[tokio::test]
async fn serve_with_only_a_token_file_reaches_the_bot_api_and_stops_on_sigterm() {
    let api = FakeApi::start().await;
    let data = tempfile::tempdir().unwrap();
    let token_file = data.path().join("token");
    std::fs::write(&token_file, "  123456:FROM-THE-FILE\n").unwrap();
    let child = serve(&api, data.path()).env("DIGESTBOT_TOKEN_FILE", &token_file).spawn().unwrap();
    api.wait_until_get_updates().await;
    assert!(api.get_me_calls() >= 1);
    signal(&child, libc::SIGTERM);
    let (code, logs) = exit_within(child, Duration::from_secs(20)).await;
    assert_eq!(code, Some(0), "{logs}");
    assert!(logs.contains("SIGTERM") && logs.contains("stopped"), "{logs}");
    assert!(!logs.contains("FROM-THE-FILE"), "{logs}");
}

#[tokio::test]
async fn an_empty_or_missing_token_file_is_an_error_naming_the_key() {
    let api = FakeApi::start().await;
    let data = tempfile::tempdir().unwrap();
    let empty = data.path().join("empty");
    std::fs::write(&empty, " \n").unwrap();
    for file in [empty, data.path().join("missing")] {
        let child = serve(&api, data.path()).env("DIGESTBOT_TOKEN_FILE", &file).spawn().unwrap();
        let (code, logs) = exit_within(child, Duration::from_secs(20)).await;
        assert_eq!(code, Some(2), "{}: {logs}", file.display());
        assert!(logs.contains("`token_file`") && logs.contains(&file.display().to_string()), "{logs}");
    }
    assert_eq!(api.get_me_calls(), 0, "nothing was asked of Telegram");
}

#[tokio::test]
async fn teloxide_token_wins_over_the_token_file_and_a_file_token_never_reaches_the_logs() {
    let api = FakeApi::start().await;
    // A server that quotes the request path back: what is logged carries the token it was sent.
    api.stop_being_a_bot_api();
    let data = tempfile::tempdir().unwrap();
    let token_file = data.path().join("token");
    std::fs::write(&token_file, "123456:FILE-SECRET").unwrap();
    // With TELOXIDE_TOKEN set, the token file is not even read: a missing one is no error.
    for (env_token, file) in [("", token_file), ("123456:ENV-SECRET", data.path().join("missing"))] {
        let child = serve(&api, data.path())
            .env("DIGESTBOT_TOKEN_FILE", &file)
            .env("TELOXIDE_TOKEN", env_token)
            .spawn()
            .unwrap();
        let mut child = child;
        let stderr = child.stderr.take().unwrap();
        let logs = tokio::spawn(async move {
            use tokio::io::AsyncBufReadExt;
            let mut lines = tokio::io::BufReader::new(stderr).lines();
            let mut logs = String::new();
            while let Ok(Some(line)) = lines.next_line().await {
                logs.push_str(&line);
                logs.push('\n');
                if line.contains("cannot reach Telegram") {
                    break;
                }
            }
            logs
        });
        let logs = tokio::time::timeout(Duration::from_secs(30), logs).await.expect("no failure was logged").unwrap();
        child.kill().await.unwrap();
        assert!(logs.contains("Cannot POST /bot<token>/GetMe"), "{env_token:?}: {logs}");
        assert!(!logs.contains("SECRET"), "{env_token:?}: {logs}");
    }
}

#[tokio::test]
async fn sigint_stops_serve_with_exit_code_zero() {
    let api = FakeApi::start().await;
    let data = tempfile::tempdir().unwrap();
    let child = serve(&api, data.path()).env("TELOXIDE_TOKEN", "1:SIGINT").spawn().unwrap();
    api.wait_until_get_updates().await;
    signal(&child, libc::SIGINT);
    let (code, logs) = exit_within(child, Duration::from_secs(20)).await;
    assert_eq!(code, Some(0), "{logs}");
    assert!(logs.contains("SIGINT") && logs.contains("stopped"), "{logs}");
}

#[tokio::test]
async fn sigterm_while_unable_to_reach_telegram_still_stops_at_once() {
    let api = FakeApi::start().await;
    api.fail_get_me(i64::MAX);
    let data = tempfile::tempdir().unwrap();
    let mut child = serve(&api, data.path()).env("TELOXIDE_TOKEN", "1:RETRYING").spawn().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while api.get_me_calls() == 0 {
        assert!(tokio::time::Instant::now() < deadline, "serve never asked who it is");
        assert!(child.try_wait().unwrap().is_none(), "serve exited");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    signal(&child, libc::SIGTERM);
    // Well under the retry backoff's longest wait: the signal ends the wait.
    let (code, logs) = exit_within(child, Duration::from_secs(10)).await;
    assert_eq!(code, Some(0), "{logs}");
    assert!(logs.contains("stopped"), "{logs}");
}

#[tokio::test]
async fn sigterm_during_a_fan_out_lets_the_deliveries_under_way_finish_before_exiting() {
    let api = FakeApi::start().await;
    // Slow answers: the fan-out is still going when the signal comes.
    api.delay_sends(Duration::from_millis(300));
    let data = tempfile::tempdir().unwrap();
    let chats: Vec<i64> = (2000..2040).collect();
    // Due today at the current minute, so serve's first pass delivers to every chat.
    let now = Utc::now();
    let schedule = Schedule { time: now.format("%H:%M").to_string().parse().unwrap(), zone: chrono_tz::UTC };
    let store = Store::open(&data.path().join("digestbot.sqlite3")).unwrap();
    for &chat in &chats {
        store.subscribe(chat, None, schedule, now - chrono::Duration::days(1)).unwrap();
    }
    drop(store);
    let child = serve(&api, data.path()).env("TELOXIDE_TOKEN", "1:FANOUT").spawn().unwrap();
    api.wait_until("the fan-out under way", |c| c.iter().any(|c| c.method == "sendmessage")).await;
    signal(&child, libc::SIGTERM);
    let (code, logs) = exit_within(child, Duration::from_secs(40)).await;
    assert_eq!(code, Some(0), "{logs}");
    let mut per_chat = BTreeMap::new();
    for call in api.calls("sendMessage") {
        *per_chat.entry(call.body["chat_id"].as_i64().unwrap()).or_insert(0) += 1;
    }
    assert_eq!(per_chat.keys().copied().collect::<Vec<_>>(), chats, "every delivery under way was sent: {logs}");
    assert!(per_chat.values().all(|&n| n == 1), "{per_chat:?}");
    assert!(logs.contains("stopped") && !logs.contains("cut off"), "{logs}");
}

/// The committed unit's directives, `key=value` by key (the last of a key wins, as in systemd).
fn unit_directives() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("config/digestbot.service")).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with(['#', ';', '[']))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.trim().to_string(), value.trim().to_string()))
        .collect()
}

#[test]
fn the_systemd_unit_restarts_on_failure_reads_the_token_from_a_file_and_is_hardened() {
    let directives = unit_directives();
    for (key, value) in [
        ("Type", "simple"),
        ("ExecStart", "/usr/local/bin/digestbot --config /etc/digestbot/digestbot.toml serve"),
        ("ExecReload", "/bin/kill -HUP $MAINPID"),
        ("Restart", "on-failure"),
        ("RestartSec", "5"),
        ("EnvironmentFile", "/etc/digestbot/env"),
        ("User", "digestbot"),
        ("ReadWritePaths", "-/srv/digestbot"),
        ("StateDirectory", "digestbot"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("NoNewPrivileges", "yes"),
        ("PrivateTmp", "yes"),
        ("KillSignal", "SIGTERM"),
        ("TimeoutStopSec", "40"),
        ("WantedBy", "multi-user.target"),
    ] {
        assert_eq!(directives.get(key).map(String::as_str), Some(value), "{key}");
    }
    // systemd waits TimeoutStopSec before SIGKILL: longer than the bot's own grace for
    // deliveries, so a graceful stop is never cut short by systemd.
    let timeout: u64 = directives["TimeoutStopSec"].parse().unwrap();
    assert!(timeout > digestbot_telegram::SHUTDOWN_GRACE.as_secs());
    // Room for both listeners at their cap, and the rest, well above systemd's default 1,024.
    let files: usize = directives["LimitNOFILE"].parse().unwrap();
    assert!(files >= 4 * digestbot_telegram::listen::Limits::default().max_connections && files > 1024, "{files}");
}

#[test]
fn the_readme_deploys_with_the_paths_the_unit_uses() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme.split("## Deploying with systemd").nth(1).expect("a section on deploying with systemd");
    for needed in [
        "config/digestbot.service",
        "/etc/digestbot/env",
        "/etc/digestbot/digestbot.toml",
        "/usr/local/bin/digestbot",
        "/var/lib/digestbot/digestbot.sqlite3",
        "chmod 600",
        "systemctl enable --now digestbot",
        "systemctl reload digestbot",
        "journalctl -u digestbot",
    ] {
        assert!(section.contains(needed), "the section says {needed}");
    }
}

// Hardening, second pass: what a careless admin or an old habit does at start-up.

#[tokio::test]
async fn a_throwaway_database_is_refused_naming_the_key_instead_of_forgetting_every_subscription() {
    let api = FakeApi::start().await;
    let data = tempfile::tempdir().unwrap();
    for database in ["", ":memory:", "file::memory:?cache=shared"] {
        let child =
            serve(&api, data.path()).env("TELOXIDE_TOKEN", "1:X").env("DIGESTBOT_DATABASE", database).spawn().unwrap();
        let (code, logs) = exit_within(child, Duration::from_secs(20)).await;
        assert_eq!(code, Some(2), "{database:?}: {logs}");
        assert!(logs.contains("`database`"), "{database:?}: {logs}");
    }
    assert!(!root().join(".lock").exists(), "no lock was made in the working directory");
    assert_eq!(api.get_me_calls(), 0, "nothing was asked of Telegram");
}

#[tokio::test]
async fn a_teloxide_api_url_that_is_no_url_is_refused_without_echoing_what_was_pasted() {
    let api = FakeApi::start().await;
    let data = tempfile::tempdir().unwrap();
    let child = serve(&api, data.path())
        .env("TELOXIDE_TOKEN", "1:X")
        .env("TELOXIDE_API_URL", "123456:PASTED-SECRET-VALUE")
        .spawn()
        .unwrap();
    let (code, logs) = exit_within(child, Duration::from_secs(20)).await;
    assert_eq!(code, Some(2), "{logs}");
    assert!(logs.contains("TELOXIDE_API_URL") && !logs.contains("SECRET"), "{logs}");
}

#[tokio::test]
async fn a_huge_token_file_or_a_fifo_for_the_token_or_the_config_stops_start_up_at_once_with_exit_two() {
    let api = FakeApi::start().await;
    let data = tempfile::tempdir().unwrap();
    let huge = data.path().join("huge");
    std::fs::File::create(&huge).unwrap().set_len(200 * 1024 * 1024).unwrap();
    let pipe = data.path().join("pipe");
    fifo(&pipe);
    for file in [&huge, &pipe] {
        let child = serve(&api, data.path()).env("DIGESTBOT_TOKEN_FILE", file).spawn().unwrap();
        let (code, logs) = exit_within(child, Duration::from_secs(20)).await;
        assert_eq!(code, Some(2), "{}: {logs}", file.display());
        assert!(logs.contains("`token_file`") && logs.lines().count() <= 2, "{logs}");
    }
    let child = serve(&api, data.path()).env("TELOXIDE_TOKEN", "1:X").arg("--config").arg(&pipe).spawn().unwrap();
    let (code, logs) = exit_within(child, Duration::from_secs(20)).await;
    assert_eq!(code, Some(2), "{logs}");
    assert!(logs.contains("not a regular file"), "{logs}");
    assert_eq!(api.get_me_calls(), 0, "nothing was asked of Telegram");
}

#[test]
fn a_toml_syntax_error_on_the_secret_line_says_where_and_never_shows_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "abcdefghijklmnop-SECRET-0123456789";
    for (what, text) in [
        ("unterminated", format!("webhook_secret = \"{secret}\n")),
        ("unquoted", format!("webhook_secret = {secret}\n")),
        ("duplicate", format!("webhook_secret = \"{secret}\"\nwebhook_secret = \"{secret}\"\n")),
        ("a number", "webhook_secret = 12345678901234567890\n".to_string()),
    ] {
        let path = dir.path().join("digestbot.toml");
        std::fs::write(&path, &text).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_digestbot"))
            .args(["check", "--config"])
            .arg(&path)
            .current_dir(root())
            .env_remove("DIGESTBOT_WEBHOOK_SECRET")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        assert!(!err.contains("SECRET") && !err.contains("1234567890"), "{what}: {err}");
        assert!(err.contains("webhook_secret") || err.contains("line 1") || err.contains("line 2"), "{what}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{what}: {err}");
    }
}

/// The peak resident memory of process `pid`, in MB (`VmHWM`).
fn peak_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 =
        status.lines().find_map(|l| l.strip_prefix("VmHWM:")).unwrap().trim().trim_end_matches(" kB").parse().unwrap();
    kb / 1024
}

#[tokio::test]
async fn a_200_mb_answer_from_the_bot_api_is_dropped_at_a_bounded_size_and_the_bot_goes_on() {
    let api = FakeApi::start().await;
    api.answer_huge(2);
    let data = tempfile::tempdir().unwrap();
    let mut command = serve(&api, data.path());
    command.env("TELOXIDE_TOKEN", "1:HUGE").env("RUST_LOG", "warn");
    let mut bot = crate::webhook::Process::spawn(command);
    let warned = bot.logged("larger than").await;
    assert!(!warned.contains("1:HUGE"), "{warned}");
    api.push(crate::fake_api::message(crate::fake_api::private_chat(3701), 3701, "/help"));
    api.wait_until("the answer", |c| c.iter().any(|c| c.method == "sendmessage")).await;
    let pid = bot.child.id().unwrap();
    let peak = peak_mb(pid);
    // Read whole, the answer alone is 200 MB (and teloxide's copies of it more): the bot stays
    // far below.
    assert!(peak < 250, "the bot peaked at {peak} MB");
    bot.signal(libc::SIGTERM);
    assert_eq!(bot.exit_within(Duration::from_secs(20)).await, Some(0), "{}", bot.logs());
}
