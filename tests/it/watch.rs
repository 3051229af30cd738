//! Watched words: `/watch` in a private chat, the store beside the subscriptions (a real SQLite
//! file, reopened), the new passages of a reload and the words that match them, and over real HTTP
//! the alert an admin's upload brings, once, to the one watching, and to no one else.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use digestbot_core::admin::reload::{CorpusDir, ReloadOutcome};
use digestbot_core::daily::{Daily, Schedule, Settings, Store};
use digestbot_core::reply::Response;
use digestbot_core::watch::MAX_WATCHES;
use digestbot_core::{App, Caller};
use digestbot_corpus::{LoadOptions, Loc};
use digestbot_search::library::{Library, fresh_passages};
use digestbot_search::parse_query;

use crate::bot::assert_valid_html;
use crate::fake_api::{BOT_USERNAME, Call, FakeApi, callback, document, group_message, message, my_chat_member};
use crate::support::{analyzer, fixture, fixture_corpus};
use digestbot_testkit::TestBot;

const ADMIN: i64 = 77;
const SEED: &str = "anhui-renda-huiyi.txt";
/// In hainan.txt (and zhejiang.txt), in no other fixture digest.
const HAINAN: &str = "封关";
/// In beijing.txt (and fujian.txt), not in hainan.txt or the seed.
const BEIJING: &str = "中关村";

fn report(name: &str) -> Vec<u8> {
    std::fs::read(fixture("real-reports").join(name)).unwrap()
}

/// A corpus folder holding the seed digest.
fn corpus_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture_corpus().join(SEED), dir.path().join(SEED)).unwrap();
    dir
}

/// An app serving and reloading `corpus`, with watches kept in `database`.
fn app(corpus: &Path, database: &Path) -> Arc<App> {
    let app = App::new(Library::load(corpus, analyzer()).unwrap())
        .with_admins([ADMIN])
        .with_source(CorpusDir { dir: corpus.to_path_buf(), options: LoadOptions::default() });
    let settings = Settings {
        defaults: Schedule { time: "08:00".parse().unwrap(), zone: chrono_tz::Asia::Shanghai },
        catch_up: chrono::Duration::hours(6),
    };
    let daily = Daily::new(Store::open(database).unwrap(), settings, &app.library()).unwrap();
    Arc::new(app.with_daily(Arc::new(daily)))
}

fn say(app: &App, user: i64, text: &str) -> String {
    shown(&app.handle_text(Caller::private(user), text, BOT_USERNAME))
}

fn shown(response: &Response) -> String {
    response.edit.iter().chain(&response.messages).map(|m| m.text.to_plain()).collect::<Vec<_>>().join("\n")
}

fn reload(app: &App) {
    let outcome = app.reload();
    assert!(matches!(outcome, ReloadOutcome::Reloaded { .. }), "{outcome:?}");
}

/// The alerts queued so far: (chat, text).
fn alerts(app: &App) -> Vec<(i64, String)> {
    app.watches().unwrap().take().into_iter().map(|a| (a.chat, a.message.text.to_plain())).collect()
}

#[test]
fn watches_are_kept_in_the_database_file_and_alert_after_a_restart() {
    let (corpus, data) = (corpus_folder(), tempfile::tempdir().unwrap());
    let database = data.path().join("digestbot.sqlite3");
    let first = app(corpus.path(), &database);
    assert!(say(&first, 501, &format!("/watch {HAINAN}")).contains(&format!("已关注「{HAINAN}」")));
    assert!(say(&first, 501, "/watch 人大  代表").contains("已关注「人大 代表」"));
    drop(first);

    let again = app(corpus.path(), &database);
    let list = say(&again, 501, "/watch");
    assert!(list.contains(&format!("1. {HAINAN}\n2. 人大 代表")) && list.contains("（2/20）"), "{list}");
    assert!(say(&again, 501, &format!("/watch {HAINAN}")).contains("已经关注"), "still a duplicate");
    std::fs::write(corpus.path().join("hainan.txt"), report("hainan.txt")).unwrap();
    reload(&again);
    let alerts = alerts(&again);
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].0, 501);
    assert!(alerts[0].1.contains(&format!("「{HAINAN}」新增")), "{}", alerts[0].1);
}

#[test]
fn at_most_twenty_words_a_user_and_the_same_words_twice_are_refused_politely() {
    let (corpus, data) = (corpus_folder(), tempfile::tempdir().unwrap());
    let app = app(corpus.path(), &data.path().join("db.sqlite3"));
    for n in 0..MAX_WATCHES {
        assert!(say(&app, 501, &format!("/watch 词{n}")).contains("已关注"), "watch {n}");
    }
    let full = say(&app, 501, "/watch 预算");
    assert!(full.contains("最多可以关注 20 个词") && full.contains("/unwatch"), "{full}");
    assert!(say(&app, 502, "/watch 预算").contains("已关注"), "the limit is each user's own");
    assert!(say(&app, 501, "/watch 词3").contains("你已经关注了「词3」"));
    assert!(say(&app, 502, "/watch  ＰＲＥＳＳ   预算 ").contains("已关注「ＰＲＥＳＳ 预算」"));
    assert!(say(&app, 502, "/watch 预算 press").contains("你已经关注了「ＰＲＥＳＳ 预算」"), "same query, other order");
    assert!(say(&app, 501, "/unwatch 词3").contains("已取消关注「词3」"));
    assert!(say(&app, 501, "/watch 预算").contains("已关注"), "room again");
    assert!(say(&app, 501, "/unwatch 不存在").contains("你没有关注「不存在」"));
}

#[test]
fn watched_words_are_searchable_words_and_only_private_chats_have_them() {
    let (corpus, data) = (corpus_folder(), tempfile::tempdir().unwrap());
    let app = app(corpus.path(), &data.path().join("db.sqlite3"));
    assert!(say(&app, 501, "/watch").contains("你还没有关注任何词"));
    // Search's own wording for what cannot be searched.
    let search = say(&app, 501, "/search 。，！");
    assert_eq!(say(&app, 501, "/watch 。，！"), search);
    assert!(say(&app, 501, &format!("/watch {}", "人".repeat(300))).contains("查询太长了"));
    assert!(say(&app, 501, "/watch 的 我们").contains("常用字词"));
    let added = say(&app, 501, "/watch 人大代表");
    assert!(added.contains("目前语料库里有 7 段"), "{added}");
    let group = app.handle_text(Caller::member(501, -1001), "/watch 预算", BOT_USERNAME);
    assert!(shown(&group).contains("只能在私聊中使用"), "{}", shown(&group));
    assert!(shown(&app.handle_text(Caller::member(501, -1001), "/watch", BOT_USERNAME)).contains("私聊"));
    assert!(say(&app, 501, "/watch").contains("1. 人大代表"), "the group's /watch changed nothing");

    // Without a database (the terminal) there are none.
    let bare = App::new(Library::load(corpus.path(), analyzer()).unwrap());
    assert!(say(&bare, 501, "/watch 预算").contains("只在 Telegram 中提供"));
}

#[test]
fn unwatch_alone_offers_a_button_for_each_word_and_a_press_removes_it_from_that_chat_only() {
    let (corpus, data) = (corpus_folder(), tempfile::tempdir().unwrap());
    let app = app(corpus.path(), &data.path().join("db.sqlite3"));
    say(&app, 501, "/watch 人大代表");
    say(&app, 501, "/watch 预算");
    let choices = app.handle_text(Caller::private(501), "/unwatch", BOT_USERNAME);
    let buttons: Vec<(String, String)> =
        choices.messages[0].buttons.iter().flatten().map(|b| (b.label.clone(), b.action.encode().unwrap())).collect();
    let labels: Vec<&str> = buttons.iter().map(|(label, _)| label.as_str()).collect();
    assert_eq!(labels, ["✖ 人大代表", "✖ 预算"]);
    // Another user's press of the button removes nothing.
    let theirs = app.handle_callback(Caller::private(502), &buttons[0].1);
    assert!(say(&app, 501, "/watch").contains("1. 人大代表"), "{:?}", theirs.notice);
    let pressed = app.handle_callback(Caller::private(501), &buttons[0].1);
    assert_eq!(pressed.notice.as_deref(), Some("已取消关注「人大代表」。"));
    let left = pressed.edit.expect("the list is edited");
    assert_eq!(left.buttons.iter().flatten().map(|b| b.label.as_str()).collect::<Vec<_>>(), ["✖ 预算"]);
    let last = app.handle_callback(Caller::private(501), &buttons[1].1).edit.unwrap();
    assert!(last.text.to_plain().contains("已全部取消") && last.buttons.is_empty());
    assert!(say(&app, 501, "/unwatch").contains("你还没有关注任何词"));
}

#[test]
fn one_alert_a_user_a_reload_names_each_matching_word_with_its_count_and_first_hits() {
    let (corpus, data) = (corpus_folder(), tempfile::tempdir().unwrap());
    let app = app(corpus.path(), &data.path().join("db.sqlite3"));
    for words in [HAINAN, "自由贸易港", BEIJING] {
        say(&app, 501, &format!("/watch {words}"));
    }
    say(&app, 502, "/watch 自由贸易港");
    say(&app, 503, &format!("/watch {BEIJING}"));
    std::fs::write(corpus.path().join("hainan.txt"), report("hainan.txt")).unwrap();
    reload(&app);
    let alerts = alerts(&app);
    assert_eq!(alerts.iter().map(|(chat, _)| *chat).collect::<Vec<_>>(), [501, 502], "{alerts:?}");
    let text = &alerts[0].1;
    let library = app.library();
    let new_hits = |words: &str| {
        let query = parse_query(&library.index.analyzer().normalizer, words).unwrap();
        let digest = library.corpus.digests.iter().position(|d| d.id == "hainan").unwrap() as u32;
        library.index.matching(&query).unwrap().into_iter().filter(|loc| loc.digest == digest).count()
    };
    for words in [HAINAN, "自由贸易港"] {
        assert!(text.contains(&format!("「{words}」新增 {} 段", new_hits(words))), "{words}: {text}");
    }
    assert!(!text.contains(BEIJING), "only the words the new digest holds: {text}");
    assert!(text.starts_with("🔔") && text.contains("1. ") && text.contains("阅读全文 ›"), "{text}");
    assert!(text.matches("阅读全文").count() <= 10, "{text}");
    assert!(alerts[1].1.contains("「自由贸易港」新增"));

    // Reloading the same corpus brings nothing new.
    reload(&app);
    assert!(self::alerts(&app).is_empty());
}

#[test]
fn an_edited_passage_alerts_for_itself_and_not_for_the_digests_old_hits() {
    let (corpus, data) = (corpus_folder(), tempfile::tempdir().unwrap());
    let app = app(corpus.path(), &data.path().join("db.sqlite3"));
    let added = say(&app, 501, "/watch 开创");
    assert!(added.contains("目前语料库里有 2 段"), "old hits, not to alert again: {added}");
    let path = corpus.path().join(SEED);
    let edit = |from: &str, to: &str| {
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replacen(from, to, 1);
        assert_ne!(edited, text, "{from}");
        std::fs::write(&path, edited).unwrap();
    };
    // One character fixed in a passage without the words, then in one with them.
    edit("连续3年听审专项报告", "连续三年听审专项报告");
    reload(&app);
    assert!(alerts(&app).is_empty(), "a fix elsewhere alerts no one");
    edit("不断开创人大工作新局面", "不断开创人大工作的新局面");
    reload(&app);
    let alerts = alerts(&app);
    assert_eq!(alerts.len(), 1);
    assert!(alerts[0].1.contains("「开创」新增 1 段") && alerts[0].1.contains("人大工作的新局面"), "{}", alerts[0].1);
}

// The new passages of a reload, and matching among them.

fn load(dir: &Path) -> Library {
    Library::load(dir, analyzer()).unwrap()
}

fn texts(library: &Library, locs: &[Loc]) -> Vec<String> {
    locs.iter().map(|loc| loc.resolve(&library.corpus).unwrap().passage.text().to_string()).collect()
}

#[test]
fn fresh_passages_are_the_new_and_edited_ones_not_those_moved_or_renamed() {
    let dir = corpus_folder();
    let old = load(dir.path());
    assert!(fresh_passages(&old.corpus, &old.corpus).is_empty());
    let path = dir.path().join(SEED);
    let text = std::fs::read_to_string(&path).unwrap();
    // A speech renamed (every passage id in it changes) and a passage edited.
    let edited = text.replacen("坚持“四个强化”人大大有作为", "坚持“四个强化” 人大大有可为", 1).replacen(
        "不断开创人大工作新局面",
        "不断开创人大工作的新局面",
        1,
    );
    std::fs::write(&path, edited).unwrap();
    std::fs::write(dir.path().join("hainan.txt"), report("hainan.txt")).unwrap();
    let new = load(dir.path());
    let fresh = fresh_passages(&old.corpus, &new.corpus);
    let hainan = new.corpus.digests.iter().position(|d| d.id == "hainan").unwrap() as u32;
    let (in_hainan, elsewhere): (Vec<Loc>, Vec<Loc>) = fresh.iter().partition(|loc| loc.digest == hainan);
    let passages: usize =
        new.corpus.digests[hainan as usize].speeches.iter().flat_map(|s| &s.sections).map(|c| c.passages.len()).sum();
    assert_eq!(in_hainan.len(), passages, "a new digest is all new");
    let changed = texts(&new, &elsewhere);
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].contains("人大工作的新局面"));
    let mut sorted = fresh.clone();
    sorted.sort();
    assert_eq!(fresh, sorted, "in corpus order");
}

#[test]
fn matching_among_some_passages_finds_what_matching_finds_of_them() {
    let dir = corpus_folder();
    for file in ["hainan.txt", "beijing.txt"] {
        std::fs::write(dir.path().join(file), report(file)).unwrap();
    }
    let library = load(dir.path());
    let all: Vec<Loc> = library.locs().collect();
    // Every third passage, and a whole digest: sections whose context (title, speaker, heading)
    // holds a term as well as passages that do.
    let some: Vec<Loc> = all.iter().copied().enumerate().filter(|(i, _)| i % 3 == 0).map(|(_, l)| l).collect();
    let beijing = library.corpus.digests.iter().position(|d| d.id == "beijing").unwrap() as u32;
    let digest: Vec<Loc> = all.iter().copied().filter(|loc| loc.digest == beijing).collect();
    for among in [some, digest, Vec::new()] {
        let set = library.index.among(&among);
        for raw in ["人大", "发展", "封关", "中关村", "政府工作报告", "@殷勇", "@殷勇 发展", "2025年", "税"]
        {
            let query = parse_query(&library.index.analyzer().normalizer, raw).unwrap();
            let expected: Vec<Loc> =
                library.index.matching(&query).unwrap().into_iter().filter(|loc| among.contains(loc)).collect();
            assert_eq!(library.index.matching_among(&query, &set).unwrap(), expected, "{raw}");
        }
    }
}

// Over real HTTP, against the fake Bot API.

/// Sends `file` as the admin and adds it with the offer's button; returns once the admin is told
/// it was added.
async fn upload(api: &FakeApi, file: &str, added_before: usize) {
    let bytes = report(file);
    api.put_file(file, bytes.clone());
    let offers = buttons_sent(api, ADMIN).len();
    api.push(document(ADMIN, ADMIN, file, file, bytes.len() as u64));
    let calls = api.wait_until("the offer", |c| buttons_in(c, ADMIN).len() > offers).await;
    let offer = buttons_in(&calls, ADMIN).last().cloned().unwrap();
    let add = crate::bot::button(&offer, "加入语料库");
    api.push(callback(ADMIN, ADMIN, offer.message_id.unwrap(), &add));
    api.wait_until("the change's answer", |c| {
        to(c, ADMIN).iter().filter(|m| crate::bot::text(m).contains("已加入")).count() > added_before
    })
    .await;
}

fn to(calls: &[Call], chat: i64) -> Vec<Call> {
    calls.iter().filter(|c| c.method == "sendmessage" && c.body["chat_id"] == chat).cloned().collect()
}

fn buttons_in(calls: &[Call], chat: i64) -> Vec<Call> {
    to(calls, chat).into_iter().filter(|m| !crate::bot::buttons(m).is_empty()).collect()
}

fn buttons_sent(api: &FakeApi, chat: i64) -> Vec<Call> {
    buttons_in(&api.calls("sendMessage"), chat)
}

async fn spawn_on(corpus: &Path) -> TestBot {
    TestBot::with().corpus(PathBuf::from(corpus)).admins([ADMIN]).start().await
}

/// Sends `text` as `user` in their private chat and waits for the `n`th message to them.
async fn ask(api: &FakeApi, user: i64, text: &str, n: usize) -> Vec<Call> {
    api.push(message(crate::fake_api::private_chat(user), user, text));
    crate::bot::messages_to(api, user, n).await
}

#[tokio::test]
async fn a_watch_fires_once_for_a_matching_upload_and_not_for_an_unrelated_one() {
    let corpus = corpus_folder();
    let bot = spawn_on(corpus.path()).await;
    let api = &bot.api;
    let watched = ask(api, 501, &format!("/watch {HAINAN}"), 1).await;
    assert!(crate::bot::text(&watched[0]).contains(&format!("已关注「{HAINAN}」")));
    ask(api, 502, &format!("/watch {BEIJING}"), 1).await;

    upload(api, "hainan.txt", 0).await;
    let sent = crate::bot::messages_to(api, 501, 2).await;
    let alert = &sent[1];
    assert_valid_html(alert);
    let html = crate::bot::text(alert);
    assert!(html.starts_with("<b>🔔") && html.contains(&format!("「{HAINAN}」新增")), "{html}");
    assert!(html.contains(&format!("<b>{HAINAN}</b>")), "matches in bold, as a search shows them: {html}");
    assert!(html.contains(&format!("<a href=\"https://t.me/{BOT_USERNAME}?start=hainan_p")), "{html}");

    // beijing.txt holds what 502 watches and not what 501 does: 502's alert comes, 501's never.
    upload(api, "beijing.txt", 1).await;
    let theirs = crate::bot::messages_to(api, 502, 2).await;
    assert!(crate::bot::text(&theirs[1]).contains(&format!("「{BEIJING}」新增")));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let calls = api.calls("sendMessage");
    assert_eq!(to(&calls, 501).len(), 2, "one reply and one alert: {:?}", to(&calls, 501));
    assert_eq!(to(&calls, 502).len(), 2, "hainan.txt alerted no one watching {BEIJING}");
}

#[tokio::test]
async fn a_user_who_blocked_the_bot_loses_their_watches_as_their_subscription_stops() {
    let corpus = corpus_folder();
    let bot = spawn_on(corpus.path()).await;
    let api = &bot.api;
    ask(api, 501, &format!("/watch {HAINAN}"), 1).await;
    ask(api, 502, &format!("/watch {HAINAN}"), 1).await;
    ask(api, 503, &format!("/watch {HAINAN}"), 1).await;
    let store = Store::open(&bot.config.database).unwrap();
    let chats = |store: &Store| store.every_watch().unwrap().iter().map(|w| w.chat).collect::<Vec<_>>();
    assert_eq!(chats(&store), [501, 502, 503]);

    // 501 blocks the bot and Telegram says so; 502 did too, and the bot learns it sending the alert.
    api.push(my_chat_member(501, 501, "kicked"));
    api.block_chat(502);
    let dropped = async {
        while chats(&store) != [502, 503] {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), dropped).await.expect("501's watch dropped");
    upload(api, "hainan.txt", 0).await;
    crate::bot::messages_to(api, 503, 2).await;
    let gone = async {
        while chats(&store) != [503] {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), gone).await.expect("502's watch dropped");
    // A group's /watch is answered there, and watches nothing.
    api.push(group_message(-1001, 503, "/watch@digestbot 预算"));
    let answer = crate::bot::messages_to(api, -1001, 1).await;
    assert!(crate::bot::text(&answer[0]).contains("私聊"));
    assert_eq!(chats(&store), [503]);
}
