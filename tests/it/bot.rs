//! The real dispatcher, over real HTTP, against the fake Bot API server: what a person in Telegram
//! would see for each command, button and inline query, and for bad input.

use std::sync::Arc;

use digestbot::app::App;
use digestbot::config::Config;
use digestbot::library::Library;
use teloxide::Bot;

use crate::fake_api::{
    BOT_USERNAME, Call, FakeApi, callback, edited, inline_query, message, private_chat, sticker, topic_message,
};
use crate::support::{analyzer, seed_dir};

const TOKEN: &str = "123456:SECRET-TEST-TOKEN";

/// Starts the bot on the shipped corpus against a fresh fake server.
async fn spawn_bot() -> FakeApi {
    spawn_bot_with(|_| {}).await
}

async fn spawn_bot_with(before: impl FnOnce(&FakeApi)) -> FakeApi {
    let api = FakeApi::start().await;
    before(&api);
    let library = Library::load(&seed_dir(), analyzer()).unwrap();
    let app = Arc::new(App::new(Config::default(), library, analyzer()));
    let bot = Bot::new(TOKEN).set_api_url(api.url.parse().unwrap());
    tokio::spawn(digestbot::telegram::run(bot, app, Default::default()));
    api
}

fn to_chat(calls: &[Call], method: &str, chat: i64) -> Vec<Call> {
    calls
        .iter()
        .filter(|c| c.method == method.to_ascii_lowercase() && c.body["chat_id"].as_i64() == Some(chat))
        .cloned()
        .collect()
}

/// Waits for the `n`th message sent to `chat` and returns all of them.
async fn messages_to(api: &FakeApi, chat: i64, n: usize) -> Vec<Call> {
    let calls =
        api.wait_until(&format!("{n} message(s) to {chat}"), |c| to_chat(c, "sendMessage", chat).len() >= n).await;
    to_chat(&calls, "sendMessage", chat)
}

fn text(call: &Call) -> &str {
    call.body["text"].as_str().unwrap_or("")
}

/// Every button of a message: (label, callback data).
fn buttons(call: &Call) -> Vec<(String, String)> {
    let rows = call.body["reply_markup"]["inline_keyboard"].as_array().cloned().unwrap_or_default();
    rows.iter()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .map(|b| (b["text"].as_str().unwrap_or("").to_string(), b["callback_data"].as_str().unwrap_or("").to_string()))
        .collect()
}

fn button(call: &Call, label: &str) -> String {
    buttons(call)
        .into_iter()
        .find(|(l, _)| l.contains(label))
        .unwrap_or_else(|| panic!("no {label} button in {:?}", buttons(call)))
        .1
}

/// What Telegram would accept: only its tags, balanced, entities escaped, at most 4096 UTF-16
/// units of visible text, callback data within 64 bytes.
fn assert_valid_html(call: &Call) {
    let html = call.body["text"]
        .as_str()
        .or_else(|| call.body["input_message_content"]["message_text"].as_str())
        .unwrap_or_else(|| panic!("no text in {}", call.body));
    assert_eq!(
        call.body["parse_mode"].as_str().or(call.body["input_message_content"]["parse_mode"].as_str()),
        Some("HTML")
    );
    let allowed = ["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote"];
    let mut stack: Vec<String> = Vec::new();
    let mut visible = String::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let end = rest.find('>').unwrap_or_else(|| panic!("unclosed tag in {html}"));
            let tag = &rest[1..end];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "unbalanced </{name}> in {html}");
            } else {
                let name = tag.split_whitespace().next().unwrap_or("");
                assert!(allowed.contains(&name), "tag <{name}> is not allowed: {html}");
                stack.push(name.to_string());
            }
            rest = &rest[end + 1..];
        } else if c == '&' {
            let end = rest.find(';').unwrap_or_else(|| panic!("bare & in {html}"));
            let entity = &rest[..=end];
            visible.push(match entity {
                "&lt;" => '<',
                "&gt;" => '>',
                "&amp;" => '&',
                "&quot;" => '"',
                _ => panic!("unknown entity {entity}"),
            });
            rest = &rest[end + 1..];
        } else {
            visible.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?} in {html}");
    let units: usize = visible.chars().map(char::len_utf16).sum();
    assert!(units <= 4096 && !visible.trim().is_empty(), "{units} units");
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
    for name in ["search", "speaker", "read", "toc", "random", "help", "start"] {
        assert!(names.contains(&name), "{names:?}");
    }
    assert!(commands[0].body["commands"][0]["description"].as_str().unwrap().contains("搜索"));
    api.push(message(private_chat(102), 102, "/help"));
    let help = messages_to(&api, 102, 1).await;
    assert!(text(&help[0]).contains("/speaker") && text(&help[0]).contains("@合肥"));
    assert_all_valid(&api);
}

#[tokio::test]
async fn search_shows_highlighted_hits_with_sources_and_pages_by_editing_the_same_message() {
    let api = spawn_bot().await;
    api.push(message(private_chat(201), 201, "/search 人大代表"));
    let first = &messages_to(&api, 201, 1).await[0];
    let html = text(first);
    assert!(html.contains("共 7 段") && html.contains("第 1/2 页"), "{html}");
    assert!(html.matches("<b>人大代表</b>").count() >= 5, "{html}");
    assert!(html.contains("<i>《") && html.contains(" · 省委人大工作会议交流材料摘登</i>"), "{html}");
    assert!(html.contains(&format!("<a href=\"https://t.me/{BOT_USERNAME}?start=anhui-renda-huiyi_p")), "{html}");
    assert!(buttons(first).iter().all(|(l, _)| !l.contains("上一页")), "no page before the first");
    let next = button(first, "下一页");
    let message_id = 1000 + api.calls("sendMessage").len() as i64;
    api.push(callback(201, 201, message_id, &next));
    let calls = api.wait_until("the page edit", |c| c.iter().any(|c| c.method == "editmessagetext")).await;
    let edit = calls.iter().find(|c| c.method == "editmessagetext").unwrap();
    assert_eq!(edit.body["message_id"].as_i64(), Some(message_id));
    assert!(text(edit).contains("第 2/2 页") && text(edit).contains("<b>人大代表</b>"));
    assert!(buttons(edit).iter().all(|(l, _)| !l.contains("下一页")), "a page past the end never appears");
    assert!(button(edit, "上一页").len() <= 64);
    api.wait_until("the callback answer", |c| c.iter().any(|c| c.method == "answercallbackquery")).await;
    assert_all_valid(&api);
}

#[tokio::test]
async fn only_the_user_who_searched_can_turn_the_page() {
    let api = spawn_bot().await;
    api.push(message(private_chat(301), 301, "/s 人大"));
    let first = &messages_to(&api, 301, 1).await[0];
    api.push(callback(301, 999, 1000, &button(first, "下一页")));
    let calls = api.wait_until("the callback answer", |c| c.iter().any(|c| c.method == "answercallbackquery")).await;
    let answer = calls.iter().find(|c| c.method == "answercallbackquery").unwrap();
    assert!(answer.body["text"].as_str().unwrap().contains("别人的搜索"));
    assert!(api.calls("editMessageText").is_empty());
}

#[tokio::test]
async fn plain_text_in_private_is_a_search_and_no_results_suggest_shorter_terms() {
    let api = spawn_bot().await;
    api.push(message(private_chat(401), 401, "巢湖"));
    api.push(message(private_chat(402), 402, "不存在的词语组合"));
    let found = messages_to(&api, 401, 1).await;
    assert!(text(&found[0]).contains("<b>巢湖</b>"));
    let none = messages_to(&api, 402, 1).await;
    assert!(text(&none[0]).contains("没有找到") && text(&none[0]).contains("更短"));
}

#[tokio::test]
async fn a_deep_link_opens_its_passage_with_neighbour_and_section_buttons() {
    let api = spawn_bot().await;
    api.push(message(private_chat(501), 501, "/start anhui-renda-huiyi_p47"));
    let sent = messages_to(&api, 501, 1).await;
    assert!(text(&sent[0]).contains("一是坚持党的领导,把牢政治方向。镇党委"), "{}", text(&sent[0]));
    assert!(text(&sent[0]).contains("濉溪县刘桥镇人大"));
    let labels: Vec<String> = buttons(&sent[0]).into_iter().map(|b| b.0).collect();
    assert!(
        labels.iter().any(|l| l.contains("上一段"))
            && labels.iter().any(|l| l.contains("下一段"))
            && labels.iter().any(|l| l == "全节")
    );
    api.push(callback(501, 501, 1000, &button(&sent[0], "全节")));
    let calls = api.wait_until("the section", |c| c.iter().any(|c| c.method == "editmessagetext")).await;
    let edit = calls.iter().find(|c| c.method == "editmessagetext").unwrap();
    assert!(text(edit).contains("一是坚持党的领导,把牢政治方向"));
    assert_all_valid(&api);
}

#[tokio::test]
async fn speakers_table_of_contents_read_and_random_answer_with_navigation() {
    let api = spawn_bot().await;
    api.push(message(private_chat(601), 601, "/speaker"));
    api.push(message(private_chat(602), 602, "/speaker 合肥"));
    api.push(message(private_chat(603), 603, "/speaker 人大常委会"));
    api.push(message(private_chat(604), 604, "/toc"));
    api.push(message(private_chat(605), 605, "/random"));
    api.push(message(private_chat(606), 606, "/read anhui-renda-huiyi_s16"));
    api.push(message(private_chat(607), 607, "/speaker 不存在"));
    api.push(message(private_chat(608), 608, "/speaker 合肥 人大"));
    api.push(callback(609, 609, 1000, "p4294967295.609.人大"));
    let all = messages_to(&api, 601, 1).await;
    assert_eq!(buttons(&all[0]).len(), 4, "every speech of the seed");
    let one = messages_to(&api, 602, 1).await;
    assert!(text(&one[0]).contains("中共合肥市委"));
    assert_eq!(buttons(&one[0]).iter().filter(|(l, _)| l.starts_with("一、") || l.starts_with("四、")).count(), 2);
    let several = messages_to(&api, 603, 1).await;
    assert!(text(&several[0]).contains("2 篇发言"), "{}", text(&several[0]));
    let toc = messages_to(&api, 604, 1).await;
    assert!(buttons(&toc[0])[0].0.contains("省委人大工作会议交流材料摘登"));
    let random = messages_to(&api, 605, 1).await;
    assert!(text(&random[0]).contains("— 《"));
    let speech = messages_to(&api, 606, 1).await;
    assert!(text(&speech[0]).contains("六安市人大常委会") && buttons(&speech[0]).len() >= 7);
    let none = messages_to(&api, 607, 1).await;
    assert!(text(&none[0]).contains("没有找到") && buttons(&none[0]).len() == 4);
    let two_words = messages_to(&api, 608, 1).await;
    assert!(text(&two_words[0]).contains("中共合肥市委"), "each word may be in the speaker or the title");
    let calls = api.wait_until("the last page", |c| c.iter().any(|c| c.method == "editmessagetext")).await;
    let last = calls.iter().find(|c| c.method == "editmessagetext").unwrap();
    assert!(
        text(last).contains("第 ") && buttons(last).iter().all(|(l, _)| !l.contains("下一页")),
        "a forged page shows the last one"
    );
    assert_all_valid(&api);
}

#[tokio::test]
async fn in_a_group_commands_work_with_and_without_the_bot_name_and_answer_in_the_topic() {
    let api = spawn_bot().await;
    let group = -100_700;
    api.push(topic_message(group, 7, 701, "/search@digestbot 合肥"));
    let sent = messages_to(&api, group, 1).await;
    assert_eq!(sent[0].body["message_thread_id"].as_i64(), Some(7));
    assert!(text(&sent[0]).contains("合肥"));
    api.push(topic_message(group - 1, 8, 702, "/search@someotherbot 合肥"));
    api.push(topic_message(group - 1, 8, 702, "巢湖 just chatting"));
    api.push(topic_message(group - 1, 8, 702, "/ban someone"));
    api.push(topic_message(group - 1, 8, 702, "/toc"));
    let sent = messages_to(&api, group - 1, 1).await;
    assert!(text(&sent[0]).contains("目录"), "only the bare /toc is answered: {}", text(&sent[0]));
    api.push(topic_message(group - 2, 9, 703, "/frob@digestbot"));
    assert!(
        text(&messages_to(&api, group - 2, 1).await[0]).contains("没有 /frob"),
        "an unknown command addressed to us is answered"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(to_chat(&api.calls("sendMessage"), "sendMessage", group - 1).len(), 1);
}

#[tokio::test]
async fn inline_mode_answers_hits_as_articles_with_paging() {
    let api = spawn_bot().await;
    api.push(inline_query(801, "人大", ""));
    let calls = api.wait_until("the inline answer", |c| c.iter().any(|c| c.method == "answerinlinequery")).await;
    let answer = &calls.iter().find(|c| c.method == "answerinlinequery").unwrap().body;
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 10);
    assert_eq!(answer["next_offset"], "1");
    let first = &results[0];
    assert!(first["title"].as_str().unwrap().starts_with('《') && first["title"].as_str().unwrap().contains(" · "));
    assert!(first["description"].as_str().unwrap().contains("人大"));
    assert_valid_html(&Call { method: "inline".into(), body: first.clone(), at: std::time::Instant::now() });
    // A forged offset far past the end: an empty answer, not an attempt to collect a trillion hits.
    api.push(inline_query(803, "人大", "1000000000000"));
    api.push(inline_query(804, "人大", "18446744073709551615"));
    let calls = api
        .wait_until("the forged offsets", |c| c.iter().filter(|c| c.method == "answerinlinequery").count() == 3)
        .await;
    for answer in calls.iter().filter(|c| c.method == "answerinlinequery").skip(1) {
        assert_eq!(answer.body["results"], serde_json::json!([]));
    }
    let long = "人".repeat(1000);
    api.push(inline_query(802, &long, ""));
    api.wait_until("four inline answers", |c| c.iter().filter(|c| c.method == "answerinlinequery").count() == 4).await;
}

#[tokio::test]
async fn bad_input_gets_a_short_answer_or_silence_and_never_stops_the_bot() {
    let api = spawn_bot().await;
    api.push(message(private_chat(901), 901, "/frobnicate"));
    api.push(sticker(902, 902));
    api.push(edited(903, 903, "/search 人大"));
    api.push(message(private_chat(904), 904, "/search"));
    api.push(message(private_chat(905), 905, "/read nonexistent_p9"));
    api.push(callback(906, 906, 1000, "o../../etc"));
    api.push(callback(907, 907, 1000, "ogone-digest_p1"));
    api.push(message(private_chat(908), 908, "\"人大 AND (代表 OR *)"));
    api.push(message(private_chat(909), 909, "。！？"));
    assert!(text(&messages_to(&api, 901, 1).await[0]).contains("没有 /frobnicate"));
    assert!(text(&messages_to(&api, 902, 1).await[0]).contains("请发送文字"));
    assert!(text(&messages_to(&api, 904, 1).await[0]).contains("/search 人大代表"));
    assert!(text(&messages_to(&api, 905, 1).await[0]).contains("找不到编号"));
    let syntax = text(&messages_to(&api, 908, 1).await[0]).to_string();
    assert!(syntax.contains("「&quot;人大 AND (代表 OR *)」"), "tantivy syntax is searched as text: {syntax}");
    assert!(text(&messages_to(&api, 909, 1).await[0]).contains("标点"));
    let calls = api
        .wait_until("two callback answers", |c| c.iter().filter(|c| c.method == "answercallbackquery").count() == 2)
        .await;
    let forged = calls.iter().find(|c| c.method == "answercallbackquery" && c.body["text"].is_string()).unwrap();
    assert!(forged.body["text"].as_str().unwrap().contains("过期"), "forged data: {}", forged.body);
    let calls = api.wait_until("the stale id's edit", |c| c.iter().any(|c| c.method == "editmessagetext")).await;
    let stale = calls.iter().find(|c| c.method == "editmessagetext").unwrap();
    assert!(text(stale).contains("找不到编号「gone-digest_p1」"), "{}", text(stale));
    assert!(to_chat(&calls, "sendMessage", 903).is_empty(), "edited messages are ignored");

    // A flood: one warning, then silence; the bot still answers others right after.
    for _ in 0..100 {
        api.push(message(private_chat(910), 910, "/search 人大"));
    }
    api.push(message(private_chat(911), 911, "/help"));
    messages_to(&api, 911, 1).await;
    let flood = messages_to(&api, 910, 9).await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let flood_now = to_chat(&api.calls("sendMessage"), "sendMessage", 910);
    assert!(flood_now.len() <= 10, "{} replies to a flood", flood_now.len());
    assert!(flood.iter().chain(&flood_now).any(|c| text(c).contains("太频繁")));
    assert_all_valid(&api);
}

#[tokio::test]
async fn a_blocked_chat_and_an_unchanged_message_are_logged_and_the_bot_carries_on() {
    let api = spawn_bot().await;
    api.block_chat(1301);
    api.push(message(private_chat(1301), 1301, "/help"));
    api.wait_until("the refused message", |c| !to_chat(c, "sendMessage", 1301).is_empty()).await;
    // A page button on page 1 of a search re-renders page 1: "message is not modified".
    api.push(message(private_chat(1302), 1302, "/search 人大代表"));
    let first = &messages_to(&api, 1302, 1).await[0];
    let back_to_first = button(first, "下一页").replacen("p1.", "p0.", 1);
    api.push(callback(1302, 1302, 1000, &back_to_first));
    api.wait_until("the unchanged edit", |c| c.iter().any(|c| c.method == "editmessagetext")).await;
    api.push(message(private_chat(1303), 1303, "/help"));
    assert!(text(&messages_to(&api, 1303, 1).await[0]).contains("/search"), "others are still served");
    assert_eq!(to_chat(&api.calls("sendMessage"), "sendMessage", 1301).len(), 1, "no retry loop on a blocked chat");
}

#[tokio::test]
async fn telegram_being_down_at_start_is_retried_until_it_answers() {
    let api = spawn_bot_with(|api| api.fail_get_me(2)).await;
    api.push(message(private_chat(1001), 1001, "/help"));
    let sent = messages_to(&api, 1001, 1).await;
    assert!(text(&sent[0]).contains("/search"));
    assert!(api.first_get_updates().is_some());
}

#[tokio::test]
async fn a_rejected_token_stops_the_bot_with_a_reason_instead_of_retrying_forever() {
    let api = FakeApi::start().await;
    api.reject_token();
    let library = Library::load(&seed_dir(), analyzer()).unwrap();
    let app = Arc::new(App::new(Config::default(), library, analyzer()));
    let bot = Bot::new(TOKEN).set_api_url(api.url.parse().unwrap());
    let run = digestbot::telegram::run(bot, app, Default::default());
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(10), run).await;
    assert_eq!(stopped, Ok(Err(digestbot::telegram::Stop::TokenRejected)));
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
async fn a_long_section_is_split_into_messages_under_the_limit() {
    // A corpus with one section far longer than a Telegram message.
    let dir = tempfile::tempdir().unwrap();
    let paragraph = "各级人大要坚持正确政治方向，依法履职尽责，加强监督工作，<密切>联系群众&代表。".repeat(12);
    let body: Vec<String> = (0..25).map(|i| format!("{paragraph}{i}")).collect();
    std::fs::write(dir.path().join("long.txt"), format!("长文摘登\n一篇很长的发言\n中共某市委\n{}\n", body.join("\n")))
        .unwrap();
    let api = FakeApi::start().await;
    let library = Library::load(dir.path(), analyzer()).unwrap();
    let section = library.corpus.digests[0].speeches[0].sections[0].id.clone();
    let app = Arc::new(App::new(Config::default(), library, analyzer()));
    tokio::spawn(digestbot::telegram::run(
        Bot::new(TOKEN).set_api_url(api.url.parse().unwrap()),
        app,
        Default::default(),
    ));
    api.push(message(private_chat(1101), 1101, &format!("/read {section}")));
    let calls = api
        .wait_until("the last paragraph", |c| {
            to_chat(c, "sendMessage", 1101).iter().any(|m| text(m).contains("代表。24"))
        })
        .await;
    let sent = to_chat(&calls, "sendMessage", 1101);
    assert!(sent.len() >= 3, "{} messages", sent.len());
    let all: String = sent.iter().map(text).collect();
    for i in 0..25 {
        assert!(all.contains(&format!("&amp;代表。{i}")), "paragraph {i} is missing");
    }
    assert_all_valid(&api);
}

#[tokio::test]
async fn the_token_never_reaches_the_logs() {
    assert_eq!(
        digestbot::telegram::redact(&format!("error sending request for url (http://x/bot{TOKEN}/GetMe)"), TOKEN),
        "error sending request for url (http://x/bot<token>/GetMe)"
    );
}
