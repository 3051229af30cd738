//! The real dispatcher, over real HTTP, against the fake Bot API server: what only the edge can
//! show — HTML and keyboards as Telegram receives them, edits and topics, the command menu,
//! Telegram's errors and outages, and the logs. What the bot answers is tested as values in
//! `app.rs`. Telegram's rate limits are lifted here, so no test waits on its pacing.

use std::time::Duration;

use digestbot_telegram::{Options, Stop};

use crate::fake_api::{
    BOT_USERNAME, Call, FakeApi, callback, callback_on_inaccessible, edited, inline_query, message, private_chat,
    sticker, topic_message,
};
use crate::support::fixture_corpus;

pub use digestbot_testkit::options;
use digestbot_testkit::{TOKEN, TestBot};

/// Starts the bot on the fixture corpus against a fresh fake server.
async fn spawn_bot() -> FakeApi {
    spawn_bot_with(|_| {}).await
}

async fn spawn_bot_with(before: impl FnOnce(&FakeApi)) -> FakeApi {
    TestBot::with().start_with(before).await.detach()
}

fn to_chat(calls: &[Call], method: &str, chat: i64) -> Vec<Call> {
    calls
        .iter()
        .filter(|c| c.method == method.to_ascii_lowercase() && c.body["chat_id"].as_i64() == Some(chat))
        .cloned()
        .collect()
}

/// Waits for the `n`th call of `method` (`sendMessage`, `editMessageText`, `sendDocument`) to
/// `chat` and returns all of them.
pub(crate) async fn calls_to(api: &FakeApi, method: &str, chat: i64, n: usize) -> Vec<Call> {
    let calls = api.wait_until(&format!("{n} {method} to {chat}"), |c| to_chat(c, method, chat).len() >= n).await;
    to_chat(&calls, method, chat)
}

/// Waits for the `n`th message sent to `chat` and returns all of them.
pub(crate) async fn messages_to(api: &FakeApi, chat: i64, n: usize) -> Vec<Call> {
    calls_to(api, "sendMessage", chat, n).await
}

pub(crate) fn text(call: &Call) -> &str {
    call.body["text"].as_str().unwrap_or("")
}

/// Every button of a message: (label, callback data).
pub(crate) fn buttons(call: &Call) -> Vec<(String, String)> {
    let rows = call.body["reply_markup"]["inline_keyboard"].as_array().cloned().unwrap_or_default();
    rows.iter()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .map(|b| (b["text"].as_str().unwrap_or("").to_string(), b["callback_data"].as_str().unwrap_or("").to_string()))
        .collect()
}

pub(crate) fn button(call: &Call, label: &str) -> String {
    buttons(call)
        .into_iter()
        .find(|(l, _)| l.contains(label))
        .unwrap_or_else(|| panic!("no {label} button in {:?}", buttons(call)))
        .1
}

/// What Telegram would accept: only its tags, balanced, entities escaped, at most 4096 UTF-16
/// units of visible text, callback data within 64 bytes.
pub(crate) fn assert_valid_html(call: &Call) {
    let html = call.body["text"]
        .as_str()
        .or_else(|| call.body["input_message_content"]["message_text"].as_str())
        .unwrap_or_else(|| panic!("no text in {}", call.body));
    assert_eq!(
        call.body["parse_mode"].as_str().or(call.body["input_message_content"]["parse_mode"].as_str()),
        Some("HTML")
    );
    if let Some(problem) = crate::html::problem(html) {
        panic!("{problem}");
    }
    for (_, data) in buttons(call) {
        assert!(!data.is_empty() && data.len() <= 64, "callback data {data:?}");
    }
}

fn assert_all_valid(api: &FakeApi) {
    for method in ["sendMessage", "editMessageText"] {
        for call in api.calls(method) {
            assert_valid_html(&call);
        }
    }
}

#[tokio::test]
async fn start_sets_the_chinese_command_menu_and_welcomes_with_examples() {
    let api = spawn_bot().await;
    api.push(message(private_chat(101), 101, "/start"));
    let sent = messages_to(&api, 101, 1).await;
    assert!(text(&sent[0]).contains("/search 人大代表") && text(&sent[0]).contains("4 篇发言"), "{}", text(&sent[0]));
    let commands = api.calls("setMyCommands");
    let names: Vec<&str> =
        commands[0].body["commands"].as_array().unwrap().iter().map(|c| c["command"].as_str().unwrap()).collect();
    let expected = [
        "search",
        "speaker",
        "read",
        "toc",
        "random",
        "verify",
        "trend",
        "export",
        "compare",
        "watch",
        "unwatch",
        "today",
        "daily",
        "subscribe",
        "unsubscribe",
        "help",
        "start",
    ];
    assert_eq!(names, expected);
    assert!(commands[0].body["commands"][0]["description"].as_str().unwrap().contains("搜索"));
    assert_all_valid(&api);
}

#[tokio::test]
async fn search_hits_arrive_as_html_with_deep_links_and_a_page_button_edits_the_same_message() {
    let api = spawn_bot().await;
    api.push(message(private_chat(201), 201, "/search 人大代表"));
    let first = &messages_to(&api, 201, 1).await[0];
    let html = text(first);
    assert!(html.starts_with("<b>🔎「人大代表」共 7 段 · 第 1/2 页</b>"), "{html}");
    assert!(html.matches("<b>人大代表</b>").count() >= 5, "{html}");
    assert!(html.contains("<i>《") && html.contains(" · 省委人大工作会议交流材料摘登</i>"), "{html}");
    assert!(html.contains(&format!("<a href=\"https://t.me/{BOT_USERNAME}?start=anhui-renda-huiyi_p")), "{html}");
    assert_eq!(buttons(first).iter().map(|b| b.0.as_str()).collect::<Vec<_>>(), ["下一页 ▶", "📥 导出 Excel"]);
    let message_id = first.message_id.unwrap();
    api.push(callback(201, 201, message_id, &button(first, "下一页")));
    let calls = api.wait_until("the page edit", |c| c.iter().any(|c| c.method == "editmessagetext")).await;
    let edit = calls.iter().find(|c| c.method == "editmessagetext").unwrap();
    assert_eq!(edit.body["message_id"].as_i64(), Some(message_id));
    assert_eq!(edit.body["chat_id"].as_i64(), Some(201));
    assert!(text(edit).starts_with("<b>🔎「人大代表」共 7 段 · 第 2/2 页</b>"), "{}", text(edit));
    // A later reply in the same chat comes after anything the page turn sent.
    api.push(message(private_chat(201), 201, "/help"));
    let sent = messages_to(&api, 201, 2).await;
    assert!(text(&sent[1]).contains("用法"), "a page turn sends nothing new: {}", text(&sent[1]));
    assert_all_valid(&api);
}

#[tokio::test]
async fn a_notice_for_a_button_press_is_the_callback_answer() {
    let api = spawn_bot().await;
    api.push(message(private_chat(301), 301, "/s 人大"));
    let first = &messages_to(&api, 301, 1).await[0];
    api.push(callback(301, 999, first.message_id.unwrap(), &button(first, "下一页")));
    let calls = api.wait_until("the callback answer", |c| c.iter().any(|c| c.method == "answercallbackquery")).await;
    let answer = calls.iter().find(|c| c.method == "answercallbackquery").unwrap();
    assert!(answer.body["text"].as_str().unwrap().contains("别人的搜索"));
    assert!(api.calls("editMessageText").is_empty());
}

#[tokio::test]
async fn in_a_forum_topic_replies_go_to_that_topic_and_other_bots_commands_get_nothing() {
    let api = spawn_bot().await;
    let group = -100_700;
    api.push(topic_message(group, 7, 701, "/search@digestbot 合肥"));
    let sent = messages_to(&api, group, 1).await;
    assert_eq!(sent[0].body["message_thread_id"].as_i64(), Some(7));
    assert!(text(&sent[0]).contains("合肥"));
    // One chat's updates are handled in order: once the last is answered, the others were seen.
    api.push(topic_message(group - 1, 8, 702, "/search@someotherbot 合肥"));
    api.push(topic_message(group - 1, 8, 702, "巢湖 just chatting"));
    api.push(topic_message(group - 1, 8, 702, "/ban someone"));
    api.push(topic_message(group - 1, 8, 702, "/toc"));
    let sent = messages_to(&api, group - 1, 1).await;
    assert_eq!(sent.len(), 1, "only the bare /toc is answered");
    assert!(text(&sent[0]).contains("目录"), "{}", text(&sent[0]));
    assert_eq!(sent[0].body["message_thread_id"].as_i64(), Some(8));
}

#[tokio::test]
async fn inline_queries_are_answered_with_html_articles_and_the_next_offset() {
    let api = spawn_bot().await;
    api.push(inline_query(801, "人大", ""));
    let calls = api.wait_until("the inline answer", |c| c.iter().any(|c| c.method == "answerinlinequery")).await;
    let answer = &calls.iter().find(|c| c.method == "answerinlinequery").unwrap().body;
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 10);
    assert_eq!(answer["next_offset"], "1");
    let first = &results[0];
    assert_eq!(first["type"], "article");
    assert!(first["title"].as_str().unwrap().starts_with('《') && first["title"].as_str().unwrap().contains(" · "));
    assert!(first["description"].as_str().unwrap().contains("人大"));
    assert!(first["input_message_content"]["message_text"].as_str().unwrap().contains("<i>— 《"));
    assert_valid_html(&Call {
        method: "inline".into(),
        body: first.clone(),
        message_id: None,
        at: std::time::Instant::now(),
        upload: None,
    });
    // A forged offset far past the end: an empty answer, not an attempt to collect a trillion hits.
    api.push(inline_query(803, "人大", "18446744073709551615"));
    let calls = api
        .wait_until("the forged offset", |c| c.iter().filter(|c| c.method == "answerinlinequery").count() == 2)
        .await;
    let forged = calls.iter().filter(|c| c.method == "answerinlinequery").nth(1).unwrap();
    assert_eq!(forged.body["results"], serde_json::json!([]));
    assert!(forged.body.get("next_offset").is_none_or(|o| o == ""), "{}", forged.body);
}

#[tokio::test]
async fn stickers_edits_and_forged_buttons_get_a_hint_nothing_or_a_notice() {
    let api = spawn_bot().await;
    api.push(sticker(902, 902));
    api.push(edited(903, 903, "/search 人大"));
    api.push(message(private_chat(903), 903, "/help"));
    api.push(callback(906, 906, 1000, "o../../etc"));
    assert!(text(&messages_to(&api, 902, 1).await[0]).contains("请发送文字"));
    let sent = messages_to(&api, 903, 1).await;
    assert!(text(&sent[0]).contains("用法"), "edited messages are ignored: {}", text(&sent[0]));
    let calls = api.wait_until("the callback answer", |c| c.iter().any(|c| c.method == "answercallbackquery")).await;
    let forged = calls.iter().find(|c| c.method == "answercallbackquery").unwrap();
    assert!(forged.body["text"].as_str().unwrap().contains("过期"), "forged data: {}", forged.body);
    assert_all_valid(&api);
}

#[tokio::test]
async fn a_button_on_a_message_the_bot_can_no_longer_edit_answers_with_a_new_message() {
    let api = spawn_bot().await;
    api.push(callback_on_inaccessible(1401, 1401, 77, "t0"));
    let sent = messages_to(&api, 1401, 1).await;
    assert!(text(&sent[0]).contains("目录"), "{}", text(&sent[0]));
    assert!(api.calls("editMessageText").is_empty());
    assert_all_valid(&api);
}

#[tokio::test]
async fn the_slow_down_warning_comes_after_the_replies_to_what_was_sent_before_it() {
    let api = spawn_bot().await;
    api.push_all((0..25).map(|_| message(private_chat(1601), 1601, "/help")));
    let sent = messages_to(&api, 1601, 21).await;
    assert!(sent[..20].iter().all(|m| text(m).contains("用法")), "the burst is answered first");
    assert!(text(&sent[20]).contains("太频繁"), "then one warning: {}", text(&sent[20]));
}

#[tokio::test]
async fn an_edit_telegram_refuses_is_sent_as_a_new_message() {
    let api = spawn_bot().await;
    api.push(message(private_chat(1701), 1701, "/toc"));
    let first = &messages_to(&api, 1701, 1).await[0];
    api.refuse_edits();
    api.push(callback(1701, 1701, first.message_id.unwrap(), "oanhui-renda-huiyi"));
    let sent = messages_to(&api, 1701, 2).await;
    assert!(text(&sent[1]).contains("共 4 篇发言"), "the digest arrives anyway: {}", text(&sent[1]));
    assert_eq!(api.calls("editMessageText").len(), 1);
}

/// A corpus of one section of `paragraphs` paragraphs of about 480 characters each.
fn long_section_corpus(paragraphs: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let paragraph = "各级人大要坚持正确政治方向，依法履职尽责，加强监督工作，<密切>联系群众&代表。".repeat(12);
    let body: Vec<String> = (0..paragraphs).map(|i| format!("{paragraph}{i}")).collect();
    std::fs::write(dir.path().join("long.txt"), format!("长文摘登\n一篇很长的发言\n中共某市委\n{}\n", body.join("\n")))
        .unwrap();
    dir
}

#[tokio::test]
async fn one_user_flooding_does_not_keep_another_waiting() {
    let dir = long_section_corpus(125);
    // Telegram's own limits: the long section is paced at a message a second.
    let paced = Options { limits: Default::default(), ..options() };
    let bot = TestBot::with().corpus(dir.path()).options(paced).start().await;
    let section = bot.app.library().corpus.digests[0].speeches[0].sections[0].id.clone();
    let api = bot.api.clone();
    let flooder = 1501;
    let mut flood = vec![message(private_chat(flooder), flooder, &format!("/read {section}"))];
    flood.extend((0..100).map(|_| message(private_chat(flooder), flooder, "/toc")));
    flood.extend((0..50).map(|i| callback(flooder, flooder, 1000 + i, "t0")));
    flood.extend((0..50).map(|i| inline_query(flooder, &format!("人大{i}"), "")));
    api.push_all(flood);
    api.wait_until("the first part of the section", |c| !to_chat(c, "sendMessage", flooder).is_empty()).await;
    let asked = std::time::Instant::now();
    api.push(message(private_chat(1502), 1502, "/help"));
    let answered = messages_to(&api, 1502, 1).await[0].at;
    let waited = answered.duration_since(asked);
    assert!(waited < Duration::from_secs(1), "the other user waited {waited:?}");
    // The surplus was refused before it was queued: every press answered, one of them with a
    // warning; no inline query was answered with results.
    let calls = api
        .wait_until("every press answered", |c| c.iter().filter(|c| c.method == "answercallbackquery").count() == 50)
        .await;
    // The burst ran out on the /toc messages, which got the one warning: the presses get none.
    let warned = calls.iter().filter(|c| c.method == "answercallbackquery" && c.body["text"].is_string()).count();
    assert_eq!(warned, 0, "{warned} warnings on presses");
    assert!(api.calls("answerInlineQuery").is_empty(), "the inline flood was refused");
    let parts = to_chat(&calls, "sendMessage", flooder);
    assert!(parts.len() < 10, "the section is still being paced: {} parts so far", parts.len());
}

#[tokio::test]
async fn a_blocked_chat_and_an_unchanged_message_are_logged_and_the_bot_carries_on() {
    let api = spawn_bot().await;
    api.block_chat(1301);
    api.push(message(private_chat(1301), 1301, "/help"));
    api.push(message(private_chat(1301), 1301, "/toc"));
    api.wait_until("both refused messages", |c| to_chat(c, "sendMessage", 1301).len() == 2).await;
    // Turning to the page that is already shown changes nothing: Telegram says "not modified".
    api.push(message(private_chat(1302), 1302, "/search 人大代表"));
    let first = &messages_to(&api, 1302, 1).await[0];
    let same_page = button(first, "下一页").replacen("p1.", "p0.", 1);
    api.push(callback(1302, 1302, first.message_id.unwrap(), &same_page));
    api.push(message(private_chat(1302), 1302, "/help"));
    let sent = messages_to(&api, 1302, 2).await;
    assert!(text(&sent[1]).contains("/search"), "the chat is still served after the refused edit: {}", text(&sent[1]));
    assert_eq!(api.calls("editMessageText").len(), 1, "a refused edit is not retried");
    api.push(message(private_chat(1303), 1303, "/help"));
    assert!(text(&messages_to(&api, 1303, 1).await[0]).contains("/search"), "others are still served");
    assert_eq!(to_chat(&api.calls("sendMessage"), "sendMessage", 1301).len(), 2, "one attempt a reply, no retry loop");
}

#[tokio::test]
async fn telegram_being_down_at_start_is_retried_until_it_answers() {
    let api = spawn_bot_with(|api| api.fail_get_me(2)).await;
    api.push(message(private_chat(1001), 1001, "/help"));
    let sent = messages_to(&api, 1001, 1).await;
    assert!(text(&sent[0]).contains("/search"));
    assert!(api.get_me_calls() >= 3, "two failures, then the start that served: {}", api.get_me_calls());
}

#[tokio::test]
async fn a_rejected_token_stops_the_bot_with_a_reason_instead_of_retrying_forever() {
    let mut bot = TestBot::with().start_with(FakeApi::reject_token).await;
    assert_eq!(bot.stopped(Duration::from_secs(10)).await, Some(Err(Stop::TokenRejected)));
    assert_eq!(bot.api.get_me_calls(), 1);
}

#[tokio::test]
async fn many_chats_at_once_are_all_answered() {
    let api = spawn_bot().await;
    api.push_all((0..40).map(|i| message(private_chat(1200 + i), 1200 + i, "/search 监督")));
    let calls = api.wait_until("40 replies", |c| c.iter().filter(|c| c.method == "sendmessage").count() >= 40).await;
    for i in 0..40 {
        let sent = to_chat(&calls, "sendMessage", 1200 + i);
        assert_eq!(sent.len(), 1, "chat {}", 1200 + i);
        assert!(text(&sent[0]).contains("<b>监督</b>"));
    }
}

#[tokio::test]
async fn a_long_section_is_split_into_messages_under_the_limit_with_the_buttons_on_the_last() {
    // A corpus with one section far longer than a Telegram message.
    let dir = tempfile::tempdir().unwrap();
    let paragraph = "各级人大要坚持正确政治方向，依法履职尽责，加强监督工作，<密切>联系群众&代表。".repeat(12);
    let body: Vec<String> = (0..25).map(|i| format!("{paragraph}{i}")).collect();
    std::fs::write(dir.path().join("long.txt"), format!("长文摘登\n一篇很长的发言\n中共某市委\n{}\n", body.join("\n")))
        .unwrap();
    let bot = TestBot::with().corpus(dir.path()).start().await;
    let section = bot.app.library().corpus.digests[0].speeches[0].sections[0].id.clone();
    let api = bot.api.clone();
    api.push(message(private_chat(1101), 1101, &format!("/read {section}")));
    api.push(message(private_chat(1101), 1101, "/help"));
    let calls = api
        .wait_until("the reply after the section", |c| {
            to_chat(c, "sendMessage", 1101).iter().any(|m| text(m).contains("用法"))
        })
        .await;
    let sent = to_chat(&calls, "sendMessage", 1101);
    let (parts, _) = sent.split_at(sent.len() - 1);
    assert!(parts.len() >= 3, "{} messages", parts.len());
    let all: String = parts.iter().map(text).collect();
    // Each paragraph ends with its number: every number once, in order, means nothing was lost
    // or repeated at the cuts.
    let numbers: Vec<usize> = all
        .split("&amp;代表。")
        .skip(1)
        .filter_map(|after| after.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok())
        .collect();
    assert_eq!(numbers, (0..25).collect::<Vec<_>>());
    let (last, earlier) = parts.split_last().unwrap();
    assert!(earlier.iter().all(|m| buttons(m).is_empty()) && !buttons(last).is_empty());
    assert_all_valid(&api);
}

#[tokio::test]
async fn the_token_never_reaches_the_logs_even_when_a_server_quotes_it_back() {
    use tokio::io::AsyncBufReadExt;
    let api = FakeApi::start().await;
    api.stop_being_a_bot_api();
    let data = tempfile::tempdir().unwrap();
    // The real binary, with its real logging, against a server that answers with the token.
    let mut serve = tokio::process::Command::new(env!("CARGO_BIN_EXE_digestbot"))
        .arg("serve")
        .current_dir(crate::support::root())
        .env("DIGESTBOT_DATABASE", data.path().join("digestbot.sqlite3"))
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", &api.url)
        .env("DIGESTBOT_CORPUS_DIR", fixture_corpus())
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(serve.stderr.take().unwrap()).lines();
    let mut logs = String::new();
    let reached = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(line)) = lines.next_line().await {
            logs.push_str(&line);
            logs.push('\n');
            if line.contains("cannot reach Telegram") {
                return;
            }
        }
    })
    .await;
    serve.kill().await.unwrap();
    assert!(reached.is_ok(), "no failure was logged: {logs}");
    assert!(logs.contains("Cannot POST /bot<token>/GetMe"), "the server's answer is logged, redacted: {logs}");
    assert!(!logs.contains("SECRET-TEST-TOKEN"), "{logs}");
}

#[tokio::test]
async fn a_day_long_retry_after_to_several_chats_pauses_sending_only_up_to_the_cap_then_tries_again() {
    let options = Options { max_retry_after: Duration::from_millis(500), ..options() };
    let api = TestBot::with()
        .options(options)
        .start_with(|api| {
            // Two chats told to wait a day, within a second: the bot as a whole is being refused.
            api.flood(901, 1, 86_400);
            api.flood(902, 1, 86_400);
        })
        .await
        .detach();
    for chat in [901, 902, 903] {
        api.push(message(private_chat(chat), chat, "/help"));
    }
    // Within seconds, not a day: every chat is answered, the refused ones included.
    let answered = tokio::time::timeout(Duration::from_secs(20), async {
        for chat in [901, 902, 903] {
            messages_to(&api, chat, 1).await;
        }
    })
    .await;
    assert!(answered.is_ok(), "not every chat was answered: {:?}", api.calls("sendMessage").len());
}
