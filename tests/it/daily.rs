//! Daily sections: the commands as values (an app with a real SQLite file and a clock set by
//! hand), then the real dispatcher and scheduler against the fake Bot API, then the real binary's
//! `deliver` with its lock, twice, and killed in the middle of a fan-out.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use digestbot_core::daily::{Daily, Plan, Schedule, Settings, Store};
use digestbot_core::reply::Response;
use digestbot_core::{App, Caller, ManualClock};
use digestbot_search::library::Library;
use digestbot_telegram::Options;

use crate::bot::options;
use crate::fake_api::{
    BOT_USERNAME, Call, FakeApi, anonymous_admin_message, group_message, message, migrated_to, my_chat_member,
    private_chat, topic_message, unlimited,
};
use crate::support::{analyzer, fixture_corpus, fixture_library};
use digestbot_testkit::TestBot;

const GROUP: i64 = -1001;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn settings() -> Settings {
    Settings {
        defaults: Schedule { time: "08:00".parse().unwrap(), zone: chrono_tz::Asia::Shanghai },
        catch_up: chrono::Duration::hours(6),
    }
}

/// Sections in the fixture corpus's reading plan.
fn plan_len() -> usize {
    Plan::build(&fixture_library().corpus, &[]).len()
}

/// An app with daily sections kept in `database`, its clock set to `at`.
fn app_at(database: &Path, at: &str) -> (Arc<App>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at(utc(at)));
    let app = App::with_clock(Library::load(&fixture_corpus(), analyzer()).unwrap(), clock.clone());
    let daily = Daily::new(Store::open(database).unwrap(), settings(), &app.library()).unwrap();
    (Arc::new(app.with_daily(Arc::new(daily))), clock)
}

fn say(app: &App, caller: Caller, text: &str) -> String {
    let response: Response = app.handle_text(caller, text, BOT_USERNAME);
    response.messages.iter().map(|m| m.text.to_plain()).collect::<Vec<_>>().join("\n---\n")
}

#[test]
fn subscribing_answers_with_the_next_local_delivery_and_daily_tells_the_same() {
    let dir = tempfile::tempdir().unwrap();
    // 08:30 in Shanghai: today's 08:00 has passed, so the first section comes tomorrow.
    let (app, _) = app_at(&dir.path().join("db.sqlite3"), "2026-11-30T00:30:00Z");
    let me = Caller::private(5);
    let answer = say(&app, me, "/subscribe");
    let first = format!("第 1/{} 节", plan_len());
    assert!(answer.contains("每天 08:00（Asia/Shanghai）"), "{answer}");
    assert!(answer.contains("下一次：2026-12-01 08:00"), "{answer}");
    assert!(answer.contains(&first), "{answer}");
    let status = say(&app, me, "/daily");
    assert!(status.contains("下一次：2026-12-01 08:00") && status.contains(&first), "{status}");
    assert!(status.contains("还没有推送过"), "{status}");
    // A time and a zone of the chat's own, in either order.
    let answer = say(&app, me, "/subscribe Europe/Berlin 21:30");
    assert!(answer.contains("每天 21:30（Europe/Berlin）"), "{answer}");
    assert!(answer.contains("下一次：2026-11-30 21:30"), "21:30 Berlin is still ahead today: {answer}");
}

#[test]
fn bad_subscribe_arguments_get_an_example_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = app_at(&dir.path().join("db.sqlite3"), "2026-11-30T00:30:00Z");
    let me = Caller::private(5);
    for (args, expected) in [
        ("25:00", "看不懂时间「25:00」"),
        ("8点", "看不懂时间「8点」"),
        ("Mars/Olympus", "不认识时区「Mars/Olympus」"),
        ("08:00 Asia/Shanghai extra", "参数太多了"),
    ] {
        let answer = say(&app, me, &format!("/subscribe {args}"));
        assert!(answer.contains(expected) && answer.contains("例如"), "{args}: {answer}");
        assert!(say(&app, me, "/daily").contains("还没有开启"), "{args} subscribed the chat");
    }
    say(&app, me, "/subscribe 07:15");
    say(&app, me, "/subscribe 25:00");
    assert!(say(&app, me, "/daily").contains("每天 07:15"), "a bad change keeps the old time");
}

#[test]
fn only_group_admins_may_change_a_groups_daily_section() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = app_at(&dir.path().join("db.sqlite3"), "2026-11-30T00:30:00Z");
    let member = Caller::member(7, GROUP);
    assert!(app.needs_admin_check(member, "/subscribe", BOT_USERNAME), "the edge must ask Telegram");
    assert!(!app.needs_admin_check(member, "/daily", BOT_USERNAME));
    assert!(say(&app, member, "/subscribe").contains("只有群管理员"));
    assert!(say(&app, member, "/daily").contains("还没有开启"), "a refused subscribe changes nothing");
    let admin = Caller { admin: true, ..member };
    assert!(say(&app, admin, "/subscribe 09:00").contains("已开启"));
    assert!(say(&app, member, "/unsubscribe").contains("只有群管理员"));
    assert!(say(&app, member, "/daily").contains("每天 09:00"), "anyone may look");
    assert!(say(&app, admin, "/unsubscribe").contains("已停止"));
    assert!(say(&app, member, "/daily").contains("已停止"));
}

#[test]
fn today_shows_the_section_due_without_moving_the_chat_on() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = app_at(&dir.path().join("db.sqlite3"), "2026-11-30T00:30:00Z");
    let me = Caller::private(5);
    assert!(say(&app, me, "/today").contains("还没有开启"));
    say(&app, me, "/subscribe");
    let today = say(&app, me, "/today");
    // Subscribed after today's 08:00: the first section comes tomorrow, and says so.
    assert!(
        today.contains(&format!("下一节（今天没有推送，2026-12-01 08:00 推送）· 第 1/{} 节", plan_len())),
        "{today}"
    );
    assert_eq!(say(&app, me, "/today"), today, "asking again shows the same section");
    assert!(say(&app, me, "/daily").contains(&format!("第 1/{} 节", plan_len())));
}

#[test]
fn without_a_database_the_daily_commands_say_they_are_for_telegram() {
    let app = App::new(Library::load(&fixture_corpus(), analyzer()).unwrap());
    for command in ["/subscribe", "/unsubscribe", "/daily", "/today"] {
        assert!(say(&app, Caller::private(5), command).contains("只在 Telegram"), "{command}");
    }
}

// The real dispatcher and scheduler.

/// The bot with daily sections, its clock at `at`, against a fresh fake server.
async fn spawn_daily_bot(at: &str, before: impl FnOnce(&FakeApi)) -> TestBot {
    TestBot::with().at(at).start_with(before).await
}

fn to_chat(calls: &[Call], chat: i64) -> Vec<Call> {
    calls.iter().filter(|c| c.method == "sendmessage" && c.body["chat_id"].as_i64() == Some(chat)).cloned().collect()
}

fn text(call: &Call) -> String {
    call.body["text"].as_str().unwrap_or("").to_string()
}

/// Waits for the `n`th message to `chat`, and returns them all.
async fn messages_to(api: &FakeApi, chat: i64, n: usize) -> Vec<String> {
    let calls = api.wait_until(&format!("{n} message(s) to {chat}"), |c| to_chat(c, chat).len() >= n).await;
    to_chat(&calls, chat).iter().map(text).collect()
}

fn deliveries(texts: &[String]) -> usize {
    texts.iter().filter(|t| t.contains("每日一节 · 第")).count()
}

#[tokio::test]
async fn telegram_is_asked_who_administers_the_group_and_an_anonymous_admin_counts_as_one() {
    let bot = spawn_daily_bot("2026-11-30T00:30:00Z", |api| api.make_admin(GROUP, 7)).await;
    bot.api.push(group_message(GROUP, 8, "/subscribe@digestbot"));
    assert!(messages_to(&bot.api, GROUP, 1).await[0].contains("只有群管理员"));
    bot.api.push(group_message(GROUP, 7, "/subscribe 09:00 Europe/Berlin"));
    assert!(messages_to(&bot.api, GROUP, 2).await[1].contains("每天 09:00（Europe/Berlin）"));
    let asked: Vec<(i64, i64)> = bot
        .api
        .calls("getChatMember")
        .iter()
        .map(|c| (c.body["chat_id"].as_i64().unwrap(), c.body["user_id"].as_i64().unwrap()))
        .collect();
    assert_eq!(asked, [(GROUP, 8), (GROUP, 7)]);
    // The group itself speaking: no one to ask about.
    bot.api.push(anonymous_admin_message(GROUP - 1, "/subscribe"));
    assert!(messages_to(&bot.api, GROUP - 1, 1).await[0].contains("已开启"));
    assert_eq!(bot.api.calls("getChatMember").len(), 2);
}

#[tokio::test]
async fn when_telegram_cannot_say_who_administers_the_group_the_setting_is_refused_as_unknown_not_as_no() {
    let bot = spawn_daily_bot("2026-11-30T00:30:00Z", |api| {
        api.make_admin(GROUP, 7);
        api.fail_get_chat_member(true);
    })
    .await;
    bot.api.push(group_message(GROUP, 7, "/subscribe"));
    let said = &messages_to(&bot.api, GROUP, 1).await[0];
    assert!(said.contains("暂时无法") && !said.contains("只有群管理员"), "{said}");
    assert!(bot.app.daily().unwrap().counts().unwrap() == (0, 0), "nothing was changed");
    bot.api.fail_get_chat_member(false);
    bot.api.push(group_message(GROUP, 7, "/subscribe"));
    assert!(messages_to(&bot.api, GROUP, 2).await[1].contains("已开启"));
}

#[tokio::test]
async fn the_section_arrives_at_the_local_time_in_the_topic_once_and_daily_tells_the_truth() {
    // 07:59:30 in Shanghai.
    let bot = spawn_daily_bot("2026-11-29T23:59:30Z", |api| api.make_admin(GROUP, 7)).await;
    bot.api.push(topic_message(GROUP, 55, 7, "/subscribe"));
    assert!(messages_to(&bot.api, GROUP, 1).await[0].contains("下一次：2026-11-30 08:00"));
    bot.clock.advance(Duration::from_secs(60));
    // Another chat subscribing wakes the scheduler, which finds the group's section due.
    bot.api.push(message(private_chat(5), 5, "/subscribe 23:00"));
    let sent = messages_to(&bot.api, GROUP, 2).await;
    assert!(sent[1].contains(&format!("每日一节 · 第 1/{} 节", plan_len())), "{}", sent[1]);
    assert!(sent[1].contains(&format!("https://t.me/{BOT_USERNAME}?start=")), "a deep link to read on");
    let delivery = &to_chat(&bot.api.calls("sendMessage"), GROUP)[1];
    assert_eq!(delivery.body["message_thread_id"].as_i64(), Some(55), "into the topic it was asked in");
    // More changes wake it again; the group's date is done.
    bot.api.push(message(private_chat(6), 6, "/subscribe 23:00"));
    messages_to(&bot.api, 6, 1).await;
    bot.api.push(topic_message(GROUP, 55, 7, "/daily"));
    let status = &messages_to(&bot.api, GROUP, 3).await[2];
    assert!(status.contains("下一次：2026-12-01 08:00"), "{status}");
    assert!(status.contains(&format!("第 2/{} 节", plan_len())), "{status}");
    assert!(status.contains("上一次：2026-11-30 08:00"), "{status}");
    let sent = messages_to(&bot.api, GROUP, 3).await;
    assert_eq!(deliveries(&sent), 1, "{sent:?}");
    // The next day at 08:00 the next section.
    bot.clock.advance(Duration::from_secs(24 * 3600));
    bot.api.push(message(private_chat(7), 7, "/subscribe 23:00"));
    let sent = messages_to(&bot.api, GROUP, 4).await;
    assert!(sent[3].contains(&format!("每日一节 · 第 2/{} 节", plan_len())), "{}", sent[3]);
}

/// Subscribes `chat` (a private chat) and makes its section due: the clock goes past 08:00.
async fn subscribe_and_pass_eight(bot: &TestBot, chats: &[i64]) {
    for &chat in chats {
        bot.api.push(message(private_chat(chat), chat, "/subscribe"));
        messages_to(&bot.api, chat, 1).await;
    }
    bot.clock.advance(Duration::from_secs(60));
    bot.api.push(message(private_chat(999), 999, "/subscribe 23:00"));
}

fn subscription(bot: &TestBot, chat: i64) -> String {
    bot.app.handle_text(Caller::private(chat), "/daily", BOT_USERNAME).messages[0].text.to_plain()
}

/// Waits (up to 30 s) until `chat`'s `/daily` says `what`: the bot records what Telegram answered
/// after the answer arrives.
async fn eventually_says(bot: &TestBot, chat: i64, what: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !subscription(bot, chat).contains(what) {
        assert!(tokio::time::Instant::now() < deadline, "{chat} never said {what}: {}", subscription(bot, chat));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_chat_that_is_gone_stops_its_daily_section_and_others_still_get_theirs() {
    let bot = spawn_daily_bot("2026-11-29T23:59:30Z", |api| api.remove_from(21)).await;
    bot.api.push(message(private_chat(21), 21, "/subscribe"));
    // The confirmation fails too: the chat is gone. Wait for the one to chat 22 instead.
    subscribe_and_pass_eight(&bot, &[22]).await;
    assert_eq!(deliveries(&messages_to(&bot.api, 22, 2).await), 1);
    eventually_says(&bot, 21, "已停止").await;
    // Removed from a group: Telegram says so with a membership update.
    bot.api.push(message(private_chat(23), 23, "/subscribe"));
    messages_to(&bot.api, 23, 1).await;
    bot.api.push(my_chat_member(23, 23, "kicked"));
    eventually_says(&bot, 23, "已停止：机器人曾无法在这里发消息").await;
}

#[tokio::test]
async fn a_group_that_became_a_supergroup_gets_its_section_at_the_new_id() {
    let bot = spawn_daily_bot("2026-11-29T23:59:30Z", |_| {}).await;
    let (old, new) = (-31, -1_000_000_031);
    let old_admin = Caller { admin: true, ..Caller::member(7, old) };
    bot.app.handle_text(old_admin, "/subscribe", BOT_USERNAME);
    bot.api.migrate(old, new);
    subscribe_and_pass_eight(&bot, &[]).await;
    let sent = messages_to(&bot.api, new, 1).await;
    assert_eq!(deliveries(&sent), 1);
    assert!(to_chat(&bot.api.calls("sendMessage"), old).is_empty());
    eventually_says(&bot, new, "上一次：2026-11-30").await;
    // Told by the group's last message instead: the subscription moves all the same.
    let (old, new) = (-32, -1_000_000_032);
    bot.app.handle_text(Caller { admin: true, ..Caller::member(7, old) }, "/subscribe", BOT_USERNAME);
    bot.api.push(migrated_to(old, new));
    eventually_says(&bot, new, "每天 08:00").await;
}

#[tokio::test]
async fn a_429_and_server_errors_delay_a_delivery_but_never_lose_or_double_it() {
    let bot = spawn_daily_bot("2026-11-29T23:59:30Z", |_| {}).await;
    for chat in [41, 42] {
        bot.api.push(message(private_chat(chat), chat, "/subscribe"));
        messages_to(&bot.api, chat, 1).await;
    }
    bot.api.flood(41, 1, 1);
    bot.api.fail_sends_to(42, 3);
    subscribe_and_pass_eight(&bot, &[]).await;
    let sent = to_chat(&bot.api.wait_until("the delivery to 41", |c| to_chat(c, 41).len() >= 2).await, 41);
    assert_eq!(deliveries(&sent.iter().map(text).collect::<Vec<_>>()), 1);
    let refusals = bot.api.refusals();
    let (flooded_at, _, _) = refusals.iter().find(|(_, chat, code)| *chat == 41 && *code == 429).unwrap();
    assert!(sent[1].at - *flooded_at >= Duration::from_millis(950), "Telegram said to wait a second");
    assert_eq!(deliveries(&messages_to(&bot.api, 42, 2).await), 1);
    let failed = refusals.iter().filter(|(_, chat, code)| *chat == 42 && *code == 500).count();
    assert_eq!(failed, 3, "{refusals:?}");
    assert_eq!(bot.api.too_many_answered(), 1);
}

// The real binary.

/// `digestbot deliver`/`serve` against `api`, with the fixture corpus and `database`.
fn binary(api: &FakeApi, database: &Path, args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_digestbot"));
    command
        .args(args)
        .current_dir(crate::support::root())
        .env("DIGESTBOT_CORPUS_DIR", fixture_corpus())
        .env("DIGESTBOT_DATABASE", database)
        .env("TELOXIDE_TOKEN", "1:DELIVER")
        .env("TELOXIDE_API_URL", &api.url)
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    command
}

/// Subscribes private chats `chats` in `database` to 08:00 UTC, as of the day before.
fn subscribe_in(database: &Path, chats: impl IntoIterator<Item = i64>) {
    let store = Store::open(database).unwrap();
    let schedule = Schedule { time: "08:00".parse().unwrap(), zone: chrono_tz::UTC };
    for chat in chats {
        store.subscribe(chat, None, schedule, utc("2026-11-29T12:00:00Z")).unwrap();
    }
}

fn database() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("digestbot.sqlite3");
    (dir, path)
}

fn per_chat(api: &FakeApi) -> std::collections::BTreeMap<i64, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for call in api.calls("sendMessage") {
        *counts.entry(call.body["chat_id"].as_i64().unwrap()).or_insert(0) += 1;
    }
    counts
}

#[tokio::test]
async fn deliver_at_the_same_time_twice_sends_each_chat_its_section_once() {
    let api = FakeApi::start().await;
    let (_dir, db) = database();
    subscribe_in(&db, [61, 62, 63]);
    for round in 0..2 {
        let out = binary(&api, &db, &["deliver", "--at", "2026-11-30T08:05:00Z"]).output().await.unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        let expected = if round == 0 { "delivered 3 " } else { "delivered 0 " };
        assert!(stdout.contains(expected), "round {round}: {stdout}");
    }
    assert_eq!(per_chat(&api), [(61, 1), (62, 1), (63, 1)].into());
    // Outside the catch-up window nothing is owed; the next day is.
    let out = binary(&api, &db, &["deliver", "--at", "2026-12-01T15:00:00Z"]).output().await.unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("delivered 0 "));
    let out = binary(&api, &db, &["deliver", "--at", "2026-12-02T08:00:00+00:00"]).output().await.unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("delivered 3 "));
    let texts: Vec<String> = api.calls("sendMessage").iter().filter(|c| c.body["chat_id"] == 61).map(text).collect();
    assert!(texts[0].contains("第 1/") && texts[1].contains("第 2/"), "{texts:?}");
}

#[tokio::test]
async fn deliver_refuses_to_run_while_serve_delivers_from_the_same_database() {
    let api = FakeApi::start().await;
    let (_dir, db) = database();
    // `serve` runs on the real clock: the section falls due half a day from now, when `deliver`
    // is told it is.
    let due = Utc::now() + chrono::Duration::hours(12);
    let schedule = Schedule { time: due.format("%H:%M").to_string().parse().unwrap(), zone: chrono_tz::UTC };
    Store::open(&db).unwrap().subscribe(71, None, schedule, Utc::now() - chrono::Duration::days(1)).unwrap();
    let at = (due + chrono::Duration::minutes(1)).to_rfc3339();
    let mut serve = binary(&api, &db, &["serve"]).spawn().unwrap();
    api.wait_until_get_updates().await;
    let out = binary(&api, &db, &["deliver", "--at", &at]).output().await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("another digestbot process") && stderr.contains("is locked"), "{stderr}");
    serve.kill().await.unwrap();
    serve.wait().await.unwrap();
    assert!(per_chat(&api).is_empty(), "nothing was sent: {:?}", per_chat(&api));
    // Once serve is gone (killed, so its lock went with it), deliver runs.
    let out = binary(&api, &db, &["deliver", "--at", &at]).output().await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(per_chat(&api), [(71, 1)].into());
}

#[tokio::test]
async fn a_fan_out_killed_midway_then_run_again_reaches_every_chat_exactly_once() {
    let api = FakeApi::start().await;
    let (_dir, db) = database();
    let chats: Vec<i64> = (1000..1060).collect();
    subscribe_in(&db, chats.iter().copied());
    let mut first = binary(&api, &db, &["deliver", "--at", "2026-11-30T08:05:00Z"]).spawn().unwrap();
    api.wait_until("a third of the fan-out", |calls| calls.iter().filter(|c| c.method == "sendmessage").count() >= 20)
        .await;
    // From here messages are lost on their way, so the kill lands with messages in flight that
    // never reached a chat; what was answered before has had time to be recorded.
    api.hold_sends(true);
    while api.held() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    first.start_kill().unwrap();
    first.wait().await.unwrap();
    api.hold_sends(false);
    let reached = per_chat(&api).len();
    assert!((20..chats.len()).contains(&reached), "killed midway ({reached} chats reached)");
    let out = binary(&api, &db, &["deliver", "--at", "2026-11-30T08:05:00Z"]).output().await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let counts = per_chat(&api);
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    assert_eq!(counts.keys().copied().collect::<Vec<_>>(), chats);
}

#[tokio::test]
async fn a_reply_does_not_wait_behind_a_fan_out_in_progress() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    subscribe_in(&db, 3000..3040);
    // Ten messages a second overall: the forty deliveries take four seconds.
    let limits = digestbot_telegram::Limits { overall_per_sec: 10, ..unlimited() };
    let bot = TestBot::with()
        .at("2026-11-30T08:05:00Z")
        .options(Options { limits, ..options() })
        .config(move |config| config.database = db)
        .start()
        .await;
    let api = &bot.api;
    api.wait_until("the fan-out under way", |c| c.iter().any(|c| c.method == "sendmessage")).await;
    // Someone else, and someone whose own section is near the end of the fan-out.
    for chat in [5, 3039] {
        api.push(message(private_chat(chat), chat, "/search 人大代表"));
        let calls = api.wait_until("the reply", |c| !to_chat(c, chat).is_empty()).await;
        let before = calls.iter().filter(|c| c.method == "sendmessage" && deliveries(&[text(c)]) == 1).count();
        assert!(before <= 10, "{before} deliveries went before the reply to {chat}");
        assert!(text(&to_chat(&calls, chat)[0]).contains("人大代表"), "the reply comes first");
    }
    let all = api.wait_until("every delivery", |c| c.iter().filter(|c| c.method == "sendmessage").count() >= 42).await;
    assert_eq!(all.iter().filter(|c| c.method == "sendmessage").count(), 42);
}

#[test]
fn a_stopped_chat_whose_next_section_went_resumes_at_the_next_one_left() {
    let corpus = tempfile::tempdir().unwrap();
    for name in ["a.txt", "b.txt", "c.txt"] {
        std::fs::copy(fixture_corpus().join("anhui-renda-huiyi.txt"), corpus.path().join(name)).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let clock = Arc::new(ManualClock::at(utc("2026-11-30T00:30:00Z")));
    let app = App::with_clock(Library::load(corpus.path(), analyzer()).unwrap(), clock);
    let daily = Arc::new(Daily::new(Store::open(&db).unwrap(), settings(), &app.library()).unwrap());
    let app = app.with_daily(daily.clone());
    let me = Caller::private(5);
    say(&app, me, "/subscribe");
    // The chat has read up to digest b, then stops.
    let plan = Plan::build(&app.library().corpus, &[]);
    let first_of = |digest: &str| {
        (0..plan.len()).map(|i| plan.get(i).unwrap()).find(|e| e.id.starts_with(digest)).unwrap().id.clone()
    };
    let (b, c) = (first_of("b"), first_of("c"));
    Store::open(&db).unwrap().set_positions(&[(5, b, 0)]).unwrap();
    say(&app, me, "/unsubscribe");
    // b goes; the chat's place moves to what came after it, c, not back to the start.
    std::fs::remove_file(corpus.path().join("b.txt")).unwrap();
    let reloaded = Library::load(corpus.path(), analyzer()).unwrap();
    daily.follow(&reloaded).unwrap();
    say(&app, me, "/subscribe");
    let due = daily.due(&reloaded, utc("2026-12-01T00:01:00Z")).unwrap();
    assert_eq!(due.iter().map(|d| (d.chat, d.entry.clone())).collect::<Vec<_>>(), [(5, c)]);
}

#[test]
fn a_position_saved_when_ids_were_line_numbers_keeps_its_place() {
    let corpus = tempfile::tempdir().unwrap();
    std::fs::copy(fixture_corpus().join("anhui-renda-huiyi.txt"), corpus.path().join("a.txt")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let clock = Arc::new(ManualClock::at(utc("2026-11-30T00:30:00Z")));
    let library = Library::load(corpus.path(), analyzer()).unwrap();
    let app = App::with_clock(Library::load(corpus.path(), analyzer()).unwrap(), clock);
    let daily = Arc::new(Daily::new(Store::open(&db).unwrap(), settings(), &app.library()).unwrap());
    let app = app.with_daily(daily.clone());
    say(&app, Caller::private(5), "/subscribe");
    // Line 7 is where the section `一、强化制度自信…` starts.
    Store::open(&db).unwrap().set_positions(&[(5, "a_c7".to_string(), 0)]).unwrap();
    daily.follow(&library).unwrap();
    let section = library.corpus.digests[0].speeches[0].sections.iter().find(|c| c.heading.is_some()).unwrap();
    assert!(section.heading.as_deref().unwrap().starts_with("一、强化制度自信"));
    let due = daily.due(&library, utc("2026-12-01T00:01:00Z")).unwrap();
    assert_eq!(due.iter().map(|d| (d.chat, d.entry.clone())).collect::<Vec<_>>(), [(5, section.id.clone())]);
}

#[tokio::test]
async fn deliver_through_a_link_to_the_database_serve_delivers_from_is_refused_as_the_same_database() {
    let api = FakeApi::start().await;
    let (dir, db) = database();
    let due = Utc::now() + chrono::Duration::hours(12);
    let schedule = Schedule { time: due.format("%H:%M").to_string().parse().unwrap(), zone: chrono_tz::UTC };
    Store::open(&db).unwrap().subscribe(72, None, schedule, Utc::now() - chrono::Duration::days(1)).unwrap();
    let alias = dir.path().join("alias.sqlite3");
    std::os::unix::fs::symlink(&db, &alias).unwrap();
    let mut serve = binary(&api, &db, &["serve"]).spawn().unwrap();
    api.wait_until_get_updates().await;
    let at = (due + chrono::Duration::minutes(1)).to_rfc3339();
    let out = binary(&api, &alias, &["deliver", "--at", &at]).output().await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("is locked"), "{stderr}");
    serve.kill().await.unwrap();
    serve.wait().await.unwrap();
    assert!(per_chat(&api).is_empty(), "nothing was sent twice, or at all: {:?}", per_chat(&api));
}

#[tokio::test]
async fn a_database_whose_folder_is_a_file_fails_with_the_reason_not_as_a_held_lock() {
    let api = FakeApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let out =
        binary(&api, &file.join("db.sqlite3"), &["deliver", "--at", "2026-11-30T08:05:00Z"]).output().await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let reason = format!("{} is a file, not a folder", file.display());
    assert!(stderr.contains(&reason) && !stderr.contains("another digestbot"), "{stderr}");
}

#[tokio::test]
async fn deliver_at_a_year_typo_is_refused_and_even_when_forced_never_silences_a_chat_at_the_real_date() {
    let api = FakeApi::start().await;
    let (_dir, db) = database();
    subscribe_in(&db, [73]);
    let typo = "2062-11-30T08:05:00Z";
    let out = binary(&api, &db, &["deliver", "--at", typo]).output().await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--at-any-time"), "{stderr}");
    assert!(per_chat(&api).is_empty());
    // Forced, it delivers as of 2062; the real date still gets its section afterwards.
    let out = binary(&api, &db, &["deliver", "--at", typo, "--at-any-time"]).output().await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = binary(&api, &db, &["deliver", "--at", "2026-11-30T08:05:00Z"]).output().await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(per_chat(&api), [(73, 2)].into(), "2062's and the real date's sections");
}
