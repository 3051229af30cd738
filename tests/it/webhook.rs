//! Webhook mode: Telegram posts updates to the bot, with a secret token header, instead of the bot
//! asking for them. In process (`telegram::serve` with a webhook) where the dispatcher is the
//! point, and through the real binary for its flags, its logs and SIGTERM.

use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use digestbot_telegram::{SECRET_HEADER, Webhook};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::sync::Notify;

use crate::fake_api::{Call, FakeApi, inline_query, message, private_chat};
use crate::support::{fixture_corpus, root};
use digestbot_testkit::TestBot;

const TOKEN: &str = "123456:WEBHOOK-TEST-TOKEN";
const SECRET: &str = "the-webhook-secret_42";
const URL: &str = "https://bot.example.org/telegram/hook";

/// One HTTP/1.1 request to `address` (`127.0.0.1:port`): the status and the body.
pub async fn http(address: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body).to_string();
    (status, body)
}

/// Posts `update` (numbered `id`) to the webhook at `address`, with `secret` in the header; as
/// Telegram does, again after a 503 (the bot tells Telegram the webhook is set a moment before it
/// takes updates).
async fn post(address: &str, id: i64, mut update: Value, secret: Option<&str>) -> u16 {
    update["update_id"] = json!(id);
    let headers: Vec<(&str, &str)> = secret.map(|s| (SECRET_HEADER, s)).into_iter().collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, _) = http(address, "POST", "/telegram/hook", &headers, &update.to_string()).await;
        if status != 503 || tokio::time::Instant::now() > deadline {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The bot in this process, taking updates by webhook on a free port: the fake API and the
/// listen address.
async fn spawn_webhook_bot() -> (FakeApi, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let webhook = Webhook::new(URL.parse().unwrap(), listener, Some(SECRET.to_string()));
    let api = TestBot::with().webhook(webhook).start().await.detach();
    api.wait_until("the webhook set", |c| c.iter().any(|c| c.method == "setwebhook")).await;
    (api, address)
}

fn sent_to(calls: &[Call], chat: i64) -> Vec<Call> {
    calls.iter().filter(|c| c.method == "sendmessage" && c.body["chat_id"].as_i64() == Some(chat)).cloned().collect()
}

#[tokio::test]
async fn the_bot_sets_the_webhook_with_its_url_and_secret_and_answers_what_is_posted_with_the_secret() {
    let (api, address) = spawn_webhook_bot().await;
    let set = &api.calls("setWebhook")[0].body;
    assert_eq!(set["url"], URL);
    assert_eq!(set["secret_token"], SECRET);
    let allowed: Vec<&str> = set["allowed_updates"].as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect();
    assert_eq!(allowed, ["message", "callback_query", "inline_query", "my_chat_member"]);
    assert_eq!(post(&address, 1, message(private_chat(3101), 3101, "/search 人大代表"), Some(SECRET)).await, 200);
    let calls = api.wait_until("the answer", |c| !sent_to(c, 3101).is_empty()).await;
    assert!(sent_to(&calls, 3101)[0].body["text"].as_str().unwrap().contains("人大代表"));
    assert!(api.calls("getUpdates").is_empty(), "no long polling beside the webhook");
}

#[tokio::test]
async fn an_update_with_a_wrong_or_missing_secret_is_refused_and_not_answered() {
    let (api, address) = spawn_webhook_bot().await;
    assert_eq!(post(&address, 1, message(private_chat(3201), 3201, "/help"), Some("not-the-secret")).await, 401);
    assert_eq!(post(&address, 2, message(private_chat(3202), 3202, "/help"), None).await, 401);
    // A secret one character short, then one character longer: refused alike.
    let (short, long) = (&SECRET[..SECRET.len() - 1], format!("{SECRET}x"));
    assert_eq!(post(&address, 3, message(private_chat(3203), 3203, "/help"), Some(short)).await, 401);
    assert_eq!(post(&address, 4, message(private_chat(3203), 3203, "/help"), Some(&long)).await, 401);
    // One with the secret, after them: once it is answered, the refused ones would have been too.
    assert_eq!(post(&address, 5, message(private_chat(3204), 3204, "/help"), Some(SECRET)).await, 200);
    let calls = api.wait_until("the answer", |c| !sent_to(c, 3204).is_empty()).await;
    for chat in [3201, 3202, 3203] {
        assert!(sent_to(&calls, chat).is_empty(), "chat {chat} got an answer");
    }
}

#[tokio::test]
async fn updates_by_webhook_go_through_the_same_flood_control_as_long_polling() {
    let (api, address) = spawn_webhook_bot().await;
    // All at once, as a flooder sends them: the bucket has no time to refill.
    let posts = (1..=25).map(|id| post(&address, id, message(private_chat(3301), 3301, "/help"), Some(SECRET)));
    assert!(futures::future::join_all(posts).await.iter().all(|&status| status == 200));
    let calls = api.wait_until("the burst and the warning", |c| sent_to(c, 3301).len() >= 21).await;
    let sent = sent_to(&calls, 3301);
    let text = |call: &Call| call.body["text"].as_str().unwrap_or("").to_string();
    assert!(sent[..20].iter().all(|m| text(m).contains("用法")), "the burst is answered first");
    assert!(text(&sent[20]).contains("太频繁"), "then one warning: {}", text(&sent[20]));
    // Inline queries beyond the bucket are dropped without an answer, as in long polling.
    for id in 26..=60 {
        post(&address, id, inline_query(3302, "人大", ""), Some(SECRET)).await;
    }
    api.wait_until("the inline answers", |c| c.iter().filter(|c| c.method == "answerinlinequery").count() >= 20).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answered = api.calls("answerInlineQuery").len();
    assert!((20..35).contains(&answered), "{answered} of 35 inline queries answered");
}

/// The real binary, its logs collected as they come.
pub struct Process {
    pub child: tokio::process::Child,
    logs: Arc<Mutex<String>>,
    logged: Arc<Notify>,
    /// Reads the logs until the process closes stderr.
    reader: Option<tokio::task::JoinHandle<()>>,
}

impl Process {
    /// `digestbot serve ARGS` against `api`, with the fixture corpus, its database in `data` and
    /// `token`.
    pub fn serve(api: &FakeApi, data: &Path, token: &str, args: &[&str]) -> Process {
        Process::spawn(Process::command(api, data, token, args))
    }

    /// The command [`Process::serve`] runs, for a test to add to.
    pub fn command(api: &FakeApi, data: &Path, token: &str, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_digestbot"));
        command
            .arg("serve")
            .args(args)
            .current_dir(root())
            .env("TELOXIDE_TOKEN", token)
            .env_remove("DIGESTBOT_TOKEN_FILE")
            .env_remove("DIGESTBOT_WEBHOOK_SECRET")
            .env("DIGESTBOT_CORPUS_DIR", fixture_corpus())
            .env("DIGESTBOT_DATABASE", data.join("digestbot.sqlite3"))
            .env("TELOXIDE_API_URL", &api.url)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command
    }

    pub fn spawn(mut command: tokio::process::Command) -> Process {
        let mut child = command.spawn().unwrap();
        let (logs, logged) = (Arc::new(Mutex::new(String::new())), Arc::new(Notify::new()));
        let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let (writing, telling) = (logs.clone(), logged.clone());
        let reader = tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                let mut logs = writing.lock().unwrap();
                logs.push_str(&line);
                logs.push('\n');
                telling.notify_waiters();
            }
        });
        Process { child, logs, logged, reader: Some(reader) }
    }

    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// Waits (up to 30 s) for a log line containing `needle`, and returns what follows it on the
    /// line.
    pub async fn logged(&self, needle: &str) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let notified = self.logged.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(line) = self.logs().lines().find(|line| line.contains(needle)) {
                return line.split_once(needle).unwrap().1.to_string();
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("nothing logged {needle:?} in time:\n{}", self.logs());
            }
        }
    }

    pub fn signal(&self, signal: libc::c_int) {
        let pid = self.child.id().expect("the process is running") as libc::pid_t;
        // SAFETY: kill(2) with a pid this test spawned and has not yet reaped.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill failed");
    }

    /// Waits (up to `limit`) for the process to exit, and its exit code; its logs are all read
    /// then.
    pub async fn exit_within(&mut self, limit: Duration) -> Option<i32> {
        match tokio::time::timeout(limit, self.child.wait()).await {
            Ok(status) => {
                if let Some(reader) = self.reader.take() {
                    let _ = tokio::time::timeout(Duration::from_secs(5), reader).await;
                }
                status.unwrap().code()
            }
            Err(_) => {
                self.child.kill().await.unwrap();
                panic!("the process did not exit within {limit:?}:\n{}", self.logs());
            }
        }
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

/// The address in a log line `… http://ADDRESS …`.
pub fn address_in(after: &str) -> String {
    let after = after.split_once("http://").map_or(after, |(_, rest)| rest);
    after.split(|c: char| c.is_whitespace() || c == '/').next().unwrap().to_string()
}

/// `digestbot serve` in webhook mode on a free port: the process, its listen address and the
/// `setWebhook` call it made.
async fn serve_webhook(api: &FakeApi, data: &Path) -> (Process, String, Value) {
    let args = ["--webhook-url", URL, "--listen", "127.0.0.1:0"];
    let bot = Process::serve(api, data, TOKEN, &args);
    let address = address_in(&bot.logged("webhook: listening on ").await);
    let calls = api.wait_until("the webhook set", |c| c.iter().any(|c| c.method == "setwebhook")).await;
    let set = calls.iter().find(|c| c.method == "setwebhook").unwrap().body.clone();
    (bot, address, set)
}

#[tokio::test]
async fn serve_with_a_webhook_answers_posted_updates_and_stops_on_sigterm_deleting_the_webhook() {
    let api = FakeApi::start().await;
    let data = tempfile::tempdir().unwrap();
    let (mut bot, address, set) = serve_webhook(&api, data.path()).await;
    assert_eq!(set["url"], URL);
    // No secret configured: a random one, of Telegram's alphabet, that is never logged.
    let secret = set["secret_token"].as_str().unwrap().to_string();
    assert!(digestbot_telegram::valid_secret(&secret) && secret.len() >= 32, "{secret}");
    assert_eq!(post(&address, 1, message(private_chat(3401), 3401, "/help"), Some(&secret)).await, 200);
    api.wait_until("the answer", |c| !sent_to(c, 3401).is_empty()).await;
    assert_eq!(post(&address, 2, message(private_chat(3402), 3402, "/help"), Some("wrong")).await, 401);
    bot.signal(libc::SIGTERM);
    assert_eq!(bot.exit_within(Duration::from_secs(20)).await, Some(0), "{}", bot.logs());
    let logs = bot.logs();
    assert!(logs.contains("SIGTERM") && logs.contains("stopped"), "{logs}");
    assert_eq!(api.calls("deleteWebhook").len(), 1, "the webhook is deleted on a graceful stop: {logs}");
    assert!(api.calls("getUpdates").is_empty());
    assert!(sent_to(&api.calls("sendMessage"), 3402).is_empty());
    assert!(!logs.contains(&secret) && !logs.contains("WEBHOOK-TEST-TOKEN"), "{logs}");
}

#[tokio::test]
async fn webhook_flags_without_their_partner_or_with_an_http_url_are_usage_errors_naming_the_flag() {
    let api = FakeApi::start().await;
    let data = tempfile::tempdir().unwrap();
    for (args, named) in [
        (&["--listen", "127.0.0.1:0"][..], "--webhook-url"),
        (&["--webhook-url", URL][..], "--listen"),
        (&["--webhook-url", "http://bot.example.org/hook", "--listen", "127.0.0.1:0"][..], "https://"),
        (&["--webhook-url", "https://bot.example.org/:hook", "--listen", "127.0.0.1:0"][..], "the path may hold only"),
        (&["--webhook-url", URL, "--listen", "localhost"][..], "--listen"),
    ] {
        let mut bot = Process::serve(&api, data.path(), TOKEN, args);
        assert_eq!(bot.exit_within(Duration::from_secs(20)).await, Some(2), "{args:?}");
        assert!(bot.logs().contains(named), "{args:?}: {}", bot.logs());
    }
    // A secret Telegram would refuse is a bad config, named by its key and never quoted.
    let env_secret = "has spaces";
    let mut command = Process::command(&api, data.path(), TOKEN, &["--webhook-url", URL, "--listen", "127.0.0.1:0"]);
    command.env("DIGESTBOT_WEBHOOK_SECRET", env_secret);
    let mut bot = Process::spawn(command);
    assert_eq!(bot.exit_within(Duration::from_secs(20)).await, Some(2));
    let logs = bot.logs();
    assert!(logs.contains("`webhook_secret`") && !logs.contains(env_secret), "{logs}");
    assert!(api.calls("setWebhook").is_empty());
}

#[tokio::test]
async fn a_malformed_body_with_the_secret_is_one_short_warning_not_a_multi_line_error() {
    let api = FakeApi::start().await;
    let data = tempfile::tempdir().unwrap();
    let (mut bot, address, set) = serve_webhook(&api, data.path()).await;
    let secret = set["secret_token"].as_str().unwrap().to_string();
    let headers = [(SECRET_HEADER, secret.as_str())];
    // What a real update needs to reach the bot first (the listener answers 503 until it takes updates).
    assert_eq!(post(&address, 1, message(private_chat(3501), 3501, "/help"), Some(&secret)).await, 200);
    let junk = format!("{{\"update_id\": 2, \"message\": {{\"text\": \"{}\nsecond line\"}}}}", "x".repeat(5000));
    let (status, _) = http(&address, "POST", "/telegram/hook", &headers, &junk).await;
    assert_eq!(status, 200);
    bot.logged("not an update").await;
    let logs = bot.logs();
    let warned = logs.lines().find(|line| line.contains("not an update")).unwrap();
    assert!(warned.contains("WARN") && warned.chars().count() < 400, "{warned}");
    assert!(!logs.contains("ERROR") && !logs.contains("bug in teloxide") && !logs.contains("second line"), "{logs}");
    // The bot still answers.
    assert_eq!(post(&address, 3, message(private_chat(3502), 3502, "/help"), Some(&secret)).await, 200);
    api.wait_until("the answer", |c| !sent_to(c, 3502).is_empty()).await;
    bot.signal(libc::SIGTERM);
    assert_eq!(bot.exit_within(Duration::from_secs(20)).await, Some(0), "{}", bot.logs());
}

/// Whether the server closed `stream` within `limit`: a read ends (0 bytes or an error).
async fn closed_within(stream: &mut tokio::net::TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 512];
    let read = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    };
    tokio::time::timeout(limit, read).await.is_ok()
}

#[tokio::test]
async fn half_sent_and_surplus_connections_are_closed_and_the_webhook_still_takes_updates() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let mut webhook = Webhook::new(URL.parse().unwrap(), listener, Some(SECRET.to_string()));
    webhook.limits = digestbot_telegram::listen::Limits {
        max_connections: 8,
        header_timeout: Duration::from_millis(300),
        lifetime: Duration::from_secs(30),
    };
    let bot = TestBot::with().webhook(webhook).start().await;
    let api = &bot.api;
    api.wait_until("the webhook set", |c| c.iter().any(|c| c.method == "setwebhook")).await;
    // Slowloris: headers begun and never finished, on more connections than the cap.
    let mut slow = Vec::new();
    for n in 0..20 {
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        // Every other one sends nothing at all: idle from the start.
        if n % 2 == 0 {
            stream.write_all(b"POST /telegram/hook HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        }
        slow.push(stream);
    }
    for (n, stream) in slow.iter_mut().enumerate() {
        assert!(closed_within(stream, Duration::from_secs(5)).await, "connection {n} is still open");
    }
    assert_eq!(post(&address, 1, message(private_chat(3601), 3601, "/help"), Some(SECRET)).await, 200);
    api.wait_until("the answer", |c| !sent_to(c, 3601).is_empty()).await;
}
