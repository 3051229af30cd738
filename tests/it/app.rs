//! The core as values: each input (a message, a button, an inline query) and who sent it go in,
//! and the test reads the reply a person would see: its text, its buttons, whether it replaces
//! the message a button was on, and the short notice on a button press. No HTTP, no clock.

use std::sync::Arc;
use std::time::Duration;

use digestbot_core::action::{Action, QueryRef};
use digestbot_core::reply::{Message, Response, Style};
use digestbot_core::{Admission, App, Caller, FLOOD_BURST, FLOOD_REFILL, Input, ManualClock, PAGE_SIZE};
use digestbot_search::library::Library;

use crate::support::{analyzer, fixture_corpus, passage_id, section_id};

const ME: &str = "digestbot";
const ALICE: Caller = Caller::private(201);
const BOB: Caller = Caller::private(202);
const GROUP: i64 = -100_300;

fn in_group(user: i64) -> Caller {
    Caller::member(user, GROUP)
}

/// An app on the fixture corpus with a clock that moves only when the test says so.
fn app_on(dir: &std::path::Path) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new());
    let library = Library::load(dir, analyzer()).unwrap();
    (App::with_clock(library, clock.clone()), clock)
}

fn app() -> App {
    app_on(&fixture_corpus()).0
}

/// The one new message of a reply (no edit, no notice).
fn only(response: &Response) -> &Message {
    assert!(response.edit.is_none() && response.notice.is_none(), "{response:?}");
    assert_eq!(response.messages.len(), 1, "{response:?}");
    &response.messages[0]
}

/// The message a button press puts in place of the one it was on.
fn edit(response: &Response) -> &Message {
    assert!(response.messages.is_empty() && response.notice.is_none(), "{response:?}");
    response.edit.as_ref().unwrap_or_else(|| panic!("no edit in {response:?}"))
}

fn text(message: &Message) -> String {
    message.text.to_plain()
}

fn labels(message: &Message) -> Vec<String> {
    message.buttons.iter().flatten().map(|b| b.label.clone()).collect()
}

/// The action of the button whose label contains `label`.
fn action(message: &Message, label: &str) -> Action {
    let button = message.buttons.iter().flatten().find(|b| b.label.contains(label));
    button.unwrap_or_else(|| panic!("no {label} button in {:?}", labels(message))).action.clone()
}

/// Presses a button as `caller`, through the callback data Telegram would carry.
fn press(app: &App, caller: Caller, message: &Message, label: &str) -> Response {
    let data = action(message, label).encode().expect("every button fits in callback data");
    app.handle_callback(caller, &data)
}

fn say(app: &App, caller: Caller, text: &str) -> Response {
    app.handle_text(caller, text, ME)
}

/// The passage ids a reply links to, in order.
fn links(message: &Message) -> Vec<String> {
    message
        .text
        .0
        .iter()
        .filter_map(|span| match &span.style {
            Style::Open(id) => Some(id.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn start_welcomes_with_the_corpus_size_and_examples() {
    let reply = say(&app(), ALICE, "/start");
    let welcome = text(only(&reply));
    assert!(welcome.contains("1 份摘登、4 篇发言、26 段文字"), "{welcome}");
    assert!(welcome.contains("/search 人大代表") && welcome.contains("/speaker 合肥"), "{welcome}");
}

#[test]
fn help_lists_every_command_with_examples() {
    let help = text(only(&say(&app(), ALICE, "/help")));
    for command in ["/search", "/s ", "/speaker", "/read", "/toc", "/random", "@合肥"] {
        assert!(help.contains(command), "{command} is missing from {help}");
    }
}

#[test]
fn a_search_shows_the_total_five_hits_with_sources_and_links_and_a_next_page_button() {
    let app = app();
    let reply = say(&app, ALICE, "/search 人大代表");
    let page = only(&reply);
    let shown = text(page);
    assert!(shown.starts_with("🔎「人大代表」共 7 段 · 第 1/2 页"), "{shown}");
    assert_eq!(links(page).len(), PAGE_SIZE);
    assert_eq!(shown.matches(" · 省委人大工作会议交流材料摘登 阅读全文 ›").count(), PAGE_SIZE, "{shown}");
    assert!(
        shown.contains("\n《肩负革命老区绿色振兴使命展现六安人大应有担当作为》 · 六安市人大常委会 · 四、"),
        "{shown}"
    );
    let bold: Vec<&str> = page.text.0.iter().filter(|s| s.style == Style::Bold).map(|s| s.text.as_str()).collect();
    assert!(bold.iter().filter(|b| **b == "人大代表").count() >= PAGE_SIZE, "matches are bold: {bold:?}");
    assert_eq!(labels(page), ["下一页 ▶", "📥 导出 Excel"], "no page before the first");
}

#[test]
fn turning_the_page_replaces_the_message_and_pages_join_up_without_repeats() {
    let app = app();
    let first = say(&app, ALICE, "/s 人大代表");
    let second = press(&app, ALICE, only(&first), "下一页");
    let second = edit(&second);
    assert!(text(second).starts_with("🔎「人大代表」共 7 段 · 第 2/2 页"), "{}", text(second));
    assert_eq!(labels(second), ["◀ 上一页", "📥 导出 Excel"], "no page past the last");
    let mut all = links(only(&first));
    all.extend(links(second));
    let unique: std::collections::BTreeSet<_> = all.iter().collect();
    assert_eq!((all.len(), unique.len()), (7, 7));
    let back = press(&app, ALICE, second, "上一页");
    assert_eq!(edit(&back), only(&first));
}

#[test]
fn only_the_user_who_searched_can_turn_the_page() {
    let app = app();
    let first = say(&app, ALICE, "/s 人大");
    let reply = press(&app, BOB, only(&first), "下一页");
    assert_eq!(reply.notice.as_deref(), Some("这是别人的搜索结果，请自己搜索一次再翻页。"));
    assert!(reply.edit.is_none() && reply.messages.is_empty());
}

/// The cache key a paging button carries, when its query is too long to be written into it.
fn cached_key(message: &Message, label: &str) -> u64 {
    match action(message, label) {
        Action::Page { query: QueryRef::Cached(key), .. }
        | Action::SpeakerPage { query: QueryRef::Cached(key), .. } => key,
        other => panic!("the query is written into the button: {other:?}"),
    }
}

#[test]
fn a_query_too_long_for_a_button_pages_through_the_cache_under_one_key() {
    let app = app();
    // Twenty terms that all occur: too long to write into 64 bytes of callback data.
    let query = ["人大", "工作"].repeat(10).join(" ");
    let first = say(&app, ALICE, &format!("/search {query}"));
    let key = cached_key(only(&first), "下一页");
    let second = press(&app, ALICE, only(&first), "下一页");
    assert!(text(edit(&second)).contains("第 2/"), "{}", text(edit(&second)));
    assert_eq!(cached_key(edit(&second), "上一页"), key, "a page turn takes no new cache slot");
    let unknown = Action::Page { owner: ALICE.user, page: 1, query: QueryRef::Cached(key.wrapping_add(1)) };
    let expired = app.handle_callback(ALICE, &unknown.encode().unwrap());
    assert!(expired.notice.unwrap().contains("过期"));
}

#[test]
fn a_forged_button_with_someone_elses_cache_key_does_not_reveal_their_search() {
    let app = app();
    let query = ["人大", "工作"].repeat(10).join(" ");
    let first = say(&app, ALICE, &format!("/search {query}"));
    let key = cached_key(only(&first), "下一页");
    // Bob writes his own id into a button with Alice's key.
    let forged = Action::Page { owner: BOB.user, page: 0, query: QueryRef::Cached(key) };
    let reply = app.handle_callback(BOB, &forged.encode().unwrap());
    assert_eq!(reply.notice.as_deref(), Some("这个按钮已过期，请重新搜索或用 /toc 浏览。"));
    assert!(reply.edit.is_none() && reply.messages.is_empty(), "{reply:?}");
    let bobs = say(&app, BOB, &format!("/search {query}"));
    assert_ne!(cached_key(only(&bobs), "下一页"), key, "the same query has its own key for another user");
}

#[test]
fn plain_text_is_a_search_in_private_and_nothing_in_a_group() {
    let app = app();
    let found = text(only(&say(&app, ALICE, "巢湖")));
    assert!(found.contains("「巢湖」共 "), "{found}");
    assert_eq!(say(&app, in_group(ALICE.user), "巢湖 just chatting"), Response::silence());
}

#[test]
fn searches_without_results_or_without_words_say_what_to_do() {
    let app = app();
    let none = text(only(&say(&app, ALICE, "不存在的词语组合")));
    assert!(none.contains("没有找到包含「不存在的词语组合」的段落") && none.contains("更短"), "{none}");
    assert!(text(only(&say(&app, ALICE, "。！？"))).contains("标点"));
    assert!(text(only(&say(&app, ALICE, "/search"))).contains("/search 人大代表"));
    let syntax = text(only(&say(&app, ALICE, "\"人大 AND (代表 OR *)")));
    assert!(syntax.contains("「\"人大 AND (代表 OR *)」"), "query syntax is text, echoed as typed: {syntax}");
    let long = text(only(&say(&app, ALICE, &"人".repeat(300))));
    assert!(long.contains("最多 256 个字"), "{long}");
}

#[test]
fn a_deep_link_opens_its_passage_with_its_source_and_buttons_around_it() {
    let app = app();
    let reply = say(&app, ALICE, &format!("/start {}", passage_id("一是坚持党的领导")));
    let passage = only(&reply);
    let shown = text(passage);
    assert!(shown.starts_with("《发挥基层人大作用助力经济社会发展》\n濉溪县刘桥镇人大 · 一是坚持党的领导"), "{shown}");
    assert!(shown.contains("一是坚持党的领导,把牢政治方向。镇党委"), "{shown}");
    assert!(shown.ends_with("— 《发挥基层人大作用助力经济社会发展》 · 濉溪县刘桥镇人大 · 一是坚持党的领导,把牢政治方向 · 省委人大工作会议交流材料摘登"), "{shown}");
    assert_eq!(labels(passage), ["◀ 上一段", "全节", "下一段 ▶"]);
    assert_eq!(action(passage, "上一段"), Action::Open(passage_id("近年来,濉溪县刘桥镇人大")));
    assert_eq!(action(passage, "下一段"), Action::Open(passage_id("二是坚持守正创新")));
    let section = press(&app, ALICE, passage, "全节");
    assert!(text(edit(&section)).contains("一是坚持党的领导,把牢政治方向。镇党委"));
}

#[test]
fn the_first_and_last_passages_have_no_button_beyond_the_digest() {
    let app = app();
    let first = say(&app, ALICE, &format!("/read {}", passage_id("上次省委人大工作会议以来")));
    assert_eq!(labels(only(&first)), ["全节", "下一段 ▶"]);
    let last = say(&app, ALICE, &format!("/read {}", passage_id("这次省委人大工作会议的召开,使我们")));
    assert_eq!(labels(only(&last)), ["◀ 上一段", "全节"]);
}

#[test]
fn read_opens_sections_speeches_and_digests_and_says_when_an_id_is_unknown() {
    let app = app();
    let section = say(&app, ALICE, &format!("/read {}", section_id("一、强化制度自信")));
    let section = only(&section);
    assert!(
        text(section).starts_with("《坚持“四个强化”人大大有作为》\n中共合肥市委 · 一、强化制度自信"),
        "{}",
        text(section)
    );
    assert_eq!(labels(section), ["◀ 上一节", "发言目录", "下一节 ▶"]);
    let outline = press(&app, ALICE, section, "发言目录");
    let outline = edit(&outline);
    assert!(text(outline).contains("共 5 节"), "{}", text(outline));
    assert_eq!(labels(outline).first().map(String::as_str), Some("引言"));
    assert_eq!(labels(outline).last().map(String::as_str), Some("目录"));
    let digest = press(&app, ALICE, outline, "目录");
    let digest = edit(&digest);
    assert!(text(digest).starts_with("省委人大工作会议交流材料摘登\n\n12月7日"), "{}", text(digest));
    assert!(text(digest).contains("共 4 篇发言"));
    assert_eq!(labels(digest)[0], "中共合肥市委：坚持“四个强化”人大大有作为");
    let unknown = text(only(&say(&app, ALICE, "/read nonexistent_p9")));
    assert!(unknown.contains("找不到编号「nonexistent_p9」"), "{unknown}");
    assert!(text(only(&say(&app, ALICE, "/read"))).contains("/read 后面写上编号"));
}

#[test]
fn speaker_lists_every_speech_finds_one_offers_several_and_lists_all_when_none_match() {
    let app = app();
    let all = say(&app, ALICE, "/speaker");
    assert_eq!(labels(only(&all)).len(), 4);
    assert!(text(only(&all)).contains("中共合肥市委 — 《坚持“四个强化”人大大有作为》"));
    let one = text(only(&say(&app, ALICE, "/speaker 合肥")));
    assert!(one.starts_with("《坚持“四个强化”人大大有作为》\n中共合肥市委 · 省委人大工作会议交流材料摘登"), "{one}");
    let several = say(&app, ALICE, "/speaker 人大常委会");
    assert!(text(only(&several)).contains("对应 2 篇发言"));
    assert_eq!(
        labels(only(&several)),
        [
            "六安市人大常委会：肩负革命老区绿色振兴使命展现六安人大应有担当作为",
            "宁国市人大常委会：切实把握规律 坚持做到“四新”推动地方人大工作高质量发展"
        ]
    );
    let none = say(&app, ALICE, "/speaker 不存在");
    assert!(text(only(&none)).starts_with("没有找到发言人或标题包含「不存在」的发言"));
    assert_eq!(labels(only(&none)).len(), 4);
    let words = text(only(&say(&app, ALICE, "/speaker 合肥 人大")));
    assert!(words.contains("中共合肥市委"), "each word may be in the speaker or the title: {words}");
}

/// A corpus of `n` one-speech digests, for lists longer than a page.
fn many_digests(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        let text = format!("第{i}期摘登\n发言{i}\n中共某{i}市委\n人大工作取得新进展。\n");
        std::fs::write(dir.path().join(format!("d{i:02}.txt")), text).unwrap();
    }
    dir
}

#[test]
fn the_table_of_contents_and_the_speaker_list_page_ten_at_a_time() {
    let dir = many_digests(23);
    let (app, _) = app_on(dir.path());
    let toc = say(&app, ALICE, "/toc");
    let toc = only(&toc);
    assert!(text(toc).starts_with("目录（共 23 份摘登） · 第 1/3 页"), "{}", text(toc));
    assert_eq!(labels(toc).len(), 11, "ten digests and the next-page button");
    let last = press(&app, ALICE, toc, "下一页");
    let last = press(&app, ALICE, edit(&last), "下一页");
    assert!(text(edit(&last)).contains("第 3/3 页"));
    assert_eq!(labels(edit(&last)), ["第20期摘登", "第21期摘登", "第22期摘登", "◀ 上一页"]);
    let speakers = say(&app, ALICE, "/speaker");
    let next = press(&app, ALICE, only(&speakers), "下一页");
    assert!(text(edit(&next)).starts_with("发言人（共 23 篇发言） · 第 2/3 页"));
    let forged = app.handle_callback(ALICE, &Action::Toc(4_000_000_000).encode().unwrap());
    assert!(text(edit(&forged)).contains("第 3/3 页"), "a page past the end shows the last");
}

#[test]
fn many_speeches_matching_speaker_words_page_ten_at_a_time_for_the_one_who_asked() {
    let dir = many_digests(23);
    let (app, _) = app_on(dir.path());
    let first = say(&app, ALICE, "/speaker 市委");
    let first = only(&first);
    assert!(text(first).starts_with("「市委」对应 23 篇发言，请选择： · 第 1/3 页"), "{}", text(first));
    assert_eq!(labels(first).len(), 11, "ten speeches and the next-page button");
    assert!(press(&app, BOB, first, "下一页").notice.unwrap().contains("别人"));
    let second = press(&app, ALICE, first, "下一页");
    let last = press(&app, ALICE, edit(&second), "下一页");
    assert_eq!(
        labels(edit(&last)),
        ["中共某20市委：发言20", "中共某21市委：发言21", "中共某22市委：发言22", "◀ 上一页"]
    );
}

#[test]
fn speaker_words_are_capped_like_a_search() {
    let app = app();
    let long = text(only(&say(&app, ALICE, &format!("/speaker {}", "合".repeat(300)))));
    assert!(long.contains("最多 256 个字") && !long.contains(&"合".repeat(257)), "{long}");
}

#[test]
fn random_shows_a_passage_of_the_corpus_with_its_source() {
    let app = app();
    for _ in 0..5 {
        let reply = say(&app, ALICE, "/random");
        let passage = only(&reply);
        assert!(text(passage).contains("— 《"), "{}", text(passage));
        assert!(labels(passage).contains(&"全节".to_string()));
    }
}

#[test]
fn in_a_group_only_commands_for_this_bot_are_answered() {
    let app = app();
    let alice = in_group(ALICE.user);
    assert!(text(only(&say(&app, alice, "/search@digestbot 合肥"))).contains("「合肥」共 "));
    assert!(text(only(&say(&app, alice, "/toc"))).starts_with("目录"));
    assert_eq!(say(&app, alice, "/search@someotherbot 合肥"), Response::silence());
    assert_eq!(say(&app, alice, "/ban someone"), Response::silence(), "another bot's bare command");
    assert!(text(only(&say(&app, alice, "/frob@digestbot"))).contains("没有 /frob 这个命令"));
    assert!(text(only(&say(&app, ALICE, "/frob"))).contains("没有 /frob 这个命令"), "in private every command is ours");
}

#[test]
fn a_message_without_text_gets_a_hint_in_private_and_silence_in_a_group() {
    let app = app();
    assert!(text(only(&app.handle_non_text(ALICE))).contains("请发送文字"));
    assert_eq!(app.handle_non_text(in_group(ALICE.user)), Response::silence());
}

#[test]
fn forged_buttons_answer_that_they_have_expired_and_stale_ones_that_their_target_is_gone() {
    let app = app();
    for data in ["", "x", "o../../etc", "p1.2", "c0.201.notanumber"] {
        let reply = app.handle_callback(ALICE, data);
        assert_eq!(reply.notice.as_deref(), Some("这个按钮已过期，请重新搜索或用 /toc 浏览。"), "{data:?}");
        assert!(reply.edit.is_none() && reply.messages.is_empty());
    }
    let gone = app.handle_callback(ALICE, "sgone-digest_p1");
    assert!(gone.notice.unwrap().contains("找不到编号「gone-digest_p1」"));
    let stale = app.handle_callback(ALICE, "ogone-digest_p1");
    assert!(text(edit(&stale)).contains("找不到编号「gone-digest_p1」"));
    let past_the_end = app.handle_callback(ALICE, "p4294967295.201.人大");
    let last = edit(&past_the_end);
    assert!(text(last).contains("第 ") && !labels(last).iter().any(|l| l.contains("下一页")), "{}", text(last));
}

#[test]
fn a_flood_gets_one_warning_then_silence_until_the_bucket_refills() {
    let (app, clock) = app_on(&fixture_corpus());
    for n in 0..FLOOD_BURST {
        let input = [Input::Message, Input::Button, Input::Inline][n as usize % 3];
        assert_eq!(app.admit(ALICE, input), Admission::Handle, "input {n} is handled");
    }
    let Admission::Refuse(warning) = app.admit(ALICE, Input::Message) else { panic!("the flood is refused") };
    assert_eq!(text(only(&warning)), "操作太频繁了，请稍等几秒再试。");
    assert_eq!(app.admit(ALICE, Input::Message), Admission::Refuse(Response::silence()), "told once");
    assert_eq!(app.admit(ALICE, Input::Button), Admission::Refuse(Response::silence()));
    assert_eq!(app.admit(ALICE, Input::Inline), Admission::Refuse(Response::silence()), "inline queries count");
    assert_eq!(app.admit(BOB, Input::Message), Admission::Handle, "others are not affected");
    clock.advance(FLOOD_REFILL);
    assert_eq!(app.admit(ALICE, Input::Button), Admission::Handle, "one more input once a second has passed");
    let Admission::Refuse(notice) = app.admit(ALICE, Input::Button) else { panic!("and no more") };
    assert_eq!(
        notice.notice.as_deref(),
        Some("操作太频繁了，请稍等几秒再试。"),
        "a button gets the warning as a notice"
    );
}

#[test]
fn quick_but_ordinary_use_is_never_refused() {
    let (app, clock) = app_on(&fixture_corpus());
    // Search, turn pages, search again, open a speaker…: fifteen inputs in five seconds, then half
    // a minute of reading, ten times over.
    for round in 0..10 {
        for n in 0..15 {
            assert_eq!(app.admit(ALICE, Input::Message), Admission::Handle, "round {round}, input {n}");
            clock.advance(Duration::from_millis(300));
        }
        clock.advance(Duration::from_secs(30));
    }
}

#[test]
fn the_terminal_answers_a_hundred_piped_commands_without_throttling() {
    let app = app();
    let input = "/help\n".repeat(100);
    let mut out = Vec::new();
    digestbot::terminal::run(&app, input.as_bytes(), &mut out, digestbot::plain::Emphasis::Stars, false).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.matches("/search 词").count(), 100, "every /help is answered");
    assert!(!out.contains("太频繁"));
}

#[test]
fn a_search_made_for_a_group_by_an_anonymous_admin_may_be_paged_by_its_members() {
    let app = app();
    let anonymous = Caller { admin: true, ..Caller::member(GROUP, GROUP) };
    let first = say(&app, anonymous, "/s 人大代表");
    let next = press(&app, in_group(7), only(&first), "下一页");
    assert!(text(edit(&next)).contains("第 2/2 页"), "{next:?}");
    let elsewhere = Caller::member(7, GROUP - 1);
    assert!(press(&app, elsewhere, only(&first), "下一页").notice.unwrap().contains("别人"));
}

#[test]
fn group_chatter_and_other_bots_commands_are_not_for_us() {
    let app = app();
    let alice = in_group(ALICE.user);
    assert!(!app.is_for_us(alice, Some("巢湖 just chatting"), ME));
    assert!(!app.is_for_us(alice, Some("/ban someone"), ME));
    assert!(!app.is_for_us(alice, Some("/search@someotherbot 合肥"), ME));
    assert!(!app.is_for_us(alice, None, ME), "a sticker in a group");
    assert!(app.is_for_us(alice, Some("/toc"), ME));
    assert!(app.is_for_us(alice, Some("/frob@digestbot"), ME));
    assert!(app.is_for_us(ALICE, Some("巢湖"), ME) && app.is_for_us(ALICE, None, ME));
}

#[test]
fn inline_mode_answers_articles_with_the_passage_and_its_source_a_page_at_a_time() {
    let app = app();
    let answer = app.inline("人大", "");
    assert_eq!(answer.articles.len(), 10);
    assert_eq!(answer.next_offset.as_deref(), Some("1"));
    let first = &answer.articles[0];
    assert!(first.title.starts_with('《') && first.title.contains("》 · "), "{}", first.title);
    assert!(first.description.contains("人大"));
    let shared = first.message.to_plain();
    assert!(shared.contains("\n\n— 《"), "{shared}");
    let mut ids: Vec<String> = answer.articles.iter().map(|a| a.id.clone()).collect();
    let mut offset = answer.next_offset;
    while let Some(page) = offset {
        let next = app.inline("人大", &page);
        ids.extend(next.articles.iter().map(|a| a.id.clone()));
        offset = next.next_offset;
    }
    let total = app.library().search("人大", 0, 1).unwrap().total;
    assert_eq!(ids.len(), total, "the pages add up to every hit");
    for forged in ["1000000000000", "18446744073709551615", "-1x"] {
        let answer = app.inline("人大", forged);
        assert!(answer.next_offset.is_none() || forged == "-1x", "{forged}");
    }
    assert!(app.inline("。。", "").articles.is_empty());
}

#[test]
fn a_long_inline_query_is_answered_for_its_first_256_characters() {
    let app = app();
    // Four characters a repeat: the cut at 256 falls between two of them.
    let long = "人大  ".repeat(250);
    assert_eq!(app.inline(&long, ""), app.inline("人大", ""));
}
