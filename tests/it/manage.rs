//! Managing the corpus from Telegram: an admin sends a digest file, sees its outline and problems,
//! and adds it (or replaces the file of that name) with a button; `/remove` moves a digest out of
//! the corpus. Nothing changes without a confirmation, a file with errors cannot be added, and a
//! change whose reload does not go through is undone.

use std::path::PathBuf;
use std::sync::Arc;

use digestbot_core::admin::reload::CorpusDir;
use digestbot_core::reply::{Effect, Response};
use digestbot_core::{App, Caller, Document};
use digestbot_corpus::LoadOptions;
use digestbot_search::library::Library;

use crate::fake_api::{BOT_USERNAME, Call, FakeApi, callback, document, photo};
use crate::support::{analyzer, fixture, fixture_corpus};
use digestbot_testkit::TestBot;

const ADMIN: i64 = 77;
const OTHER_ADMIN: i64 = 78;
const SEED: &str = "anhui-renda-huiyi.txt";

/// A corpus folder of its own (`root/corpus`, with the seed digest in it), and an app that reloads
/// from it: removed files go to `root/removed`.
struct Setup {
    root: tempfile::TempDir,
    corpus: PathBuf,
    app: Arc<App>,
}

impl Setup {
    fn new() -> Setup {
        Setup::in_folder("corpus")
    }

    /// The corpus in a folder called `name` under the temporary root.
    fn in_folder(name: &str) -> Setup {
        let root = tempfile::tempdir().unwrap();
        let corpus = root.path().join(name);
        std::fs::create_dir(&corpus).unwrap();
        std::fs::copy(fixture_corpus().join(SEED), corpus.join(SEED)).unwrap();
        let app = App::new(Library::load(&corpus, analyzer()).unwrap())
            .with_admins([ADMIN, OTHER_ADMIN])
            .with_source(CorpusDir { dir: corpus.clone(), options: LoadOptions::default() });
        Setup { root, corpus, app: Arc::new(app) }
    }

    fn corpus(&self) -> PathBuf {
        self.corpus.clone()
    }

    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.corpus())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn hits(&self, query: &str) -> usize {
        self.app.library().search(query, 0, 1).unwrap().total
    }

    /// Presses the button labelled `label` on `response`'s message, as `user`.
    fn press(&self, user: i64, response: &Response, label: &str) -> Response {
        let data = button_data(response, label);
        self.app.handle_callback(Caller::private(user), &data)
    }
}

fn collection() -> Vec<u8> {
    std::fs::read(fixture("real-shapes/collection-of-speeches.txt")).unwrap()
}

fn text(response: &Response) -> String {
    response.edit.iter().chain(&response.messages).map(|m| m.text.to_plain()).collect::<Vec<_>>().join("\n")
}

fn labels(response: &Response) -> Vec<String> {
    response.messages.iter().flat_map(|m| m.buttons.iter().flatten()).map(|b| b.label.clone()).collect()
}

fn button_data(response: &Response, label: &str) -> String {
    let button = response.messages.iter().flat_map(|m| m.buttons.iter().flatten()).find(|b| b.label.contains(label));
    let button = button.unwrap_or_else(|| panic!("no button {label} in {:?}", labels(response)));
    button.action.encode().unwrap()
}

/// The work a confirmation asked for, done as the edge does it.
fn perform(setup: &Setup, user: i64, confirmed: &Response) -> String {
    let effect = confirmed.effect.clone().unwrap_or_else(|| panic!("no work was asked for: {confirmed:?}"));
    assert!(matches!(effect, Effect::Apply(_)));
    text(&setup.app.perform(Caller::private(user), effect))
}

#[test]
fn an_admins_file_is_shown_as_an_outline_and_added_only_once_confirmed() {
    let setup = Setup::new();
    let offer = setup.app.offer_file(Caller::private(ADMIN), "collection.txt", collection());
    let shown = text(&offer);
    for expected in ["📄 collection.txt", "领导讲话摘登", "王浩", "李明", "共 3 篇发言", "确认后加入语料库"]
    {
        assert!(shown.contains(expected), "{expected} missing from:\n{shown}");
    }
    assert_eq!(labels(&offer), ["✅ 加入语料库", "取消"]);
    assert_eq!(setup.files(), [SEED], "nothing is written before the admin confirms");
    assert_eq!(setup.hits("立法计划"), 0);

    let confirmed = setup.press(ADMIN, &offer, "加入语料库");
    let edit = confirmed.edit.as_ref().expect("the offer is edited");
    assert!(edit.buttons.is_empty() && edit.text.to_plain().contains("正在更新"), "{edit:?}");
    let done = perform(&setup, ADMIN, &confirmed);
    assert!(done.contains("已加入 collection.txt") && done.contains("新增摘登（1）"), "{done}");
    assert_eq!(setup.files(), ["anhui-renda-huiyi.txt", "collection.txt"]);
    assert_eq!(std::fs::read(setup.corpus().join("collection.txt")).unwrap(), collection());
    assert!(setup.hits("立法计划") > 0, "the new digest is searched at once");
}

#[test]
fn a_file_with_errors_shows_every_problem_and_offers_no_button() {
    let setup = Setup::new();
    // Binary junk with a .txt name.
    let junk: Vec<u8> = (0u32..4096).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let offer = setup.app.offer_file(Caller::private(ADMIN), "junk.txt", junk);
    let shown = text(&offer);
    assert!(shown.contains("junk.txt:0: error:") && shown.contains("不能加入"), "{shown}");
    assert!(labels(&offer).is_empty());
    let empty = setup.app.offer_file(Caller::private(ADMIN), "empty.txt", Vec::new());
    assert!(text(&empty).contains("empty.txt:0: error: is empty"), "{}", text(&empty));
    assert!(labels(&empty).is_empty());
    assert_eq!(setup.files(), [SEED]);
}

#[test]
fn a_file_of_the_same_name_replaces_it_only_after_the_admin_sees_the_change() {
    let setup = Setup::new();
    let original = std::fs::read_to_string(setup.corpus().join(SEED)).unwrap();
    let same = setup.app.offer_file(Caller::private(ADMIN), SEED, original.clone().into_bytes());
    assert!(text(&same).contains("完全相同") && labels(&same).is_empty(), "{}", text(&same));

    let edited = original.replacen("人大代表", "全国人大代表", 1);
    assert_ne!(edited, original);
    let offer = setup.app.offer_file(Caller::private(ADMIN), SEED, edited.clone().into_bytes());
    let shown = text(&offer);
    // An edited paragraph is a new passage in place of the old one (ids follow the text).
    assert!(shown.contains("同名文件") && shown.contains("段落：新增 1，删除 1，改动 0"), "{shown}");
    assert_eq!(labels(&offer), ["✅ 替换现有文件", "取消"]);

    let cancelled = setup.press(ADMIN, &offer, "取消");
    assert!(cancelled.effect.is_none() && text(&cancelled).contains("已取消"), "{cancelled:?}");
    assert_eq!(std::fs::read_to_string(setup.corpus().join(SEED)).unwrap(), original);
    let late = setup.press(ADMIN, &offer, "替换");
    assert!(late.effect.is_none() && late.notice.as_deref().is_some_and(|n| n.contains("已经处理过")), "{late:?}");

    let offer = setup.app.offer_file(Caller::private(ADMIN), SEED, edited.clone().into_bytes());
    let done = perform(&setup, ADMIN, &setup.press(ADMIN, &offer, "替换"));
    assert!(done.contains("已替换") && done.contains("新增 1，删除 1"), "{done}");
    assert!(done.contains(&format!("原来的文件保存在 removed/{SEED}")), "{done}");
    assert_eq!(std::fs::read_to_string(setup.corpus().join(SEED)).unwrap(), edited);
    let kept = setup.root.path().join("removed").join(SEED);
    assert_eq!(std::fs::read_to_string(kept).unwrap(), original, "the replaced version is kept");
    assert_eq!(setup.files(), [SEED], "no temporary file is left in the corpus");
}

#[test]
fn files_from_non_admins_are_not_fetched_and_their_buttons_do_nothing() {
    let setup = Setup::new();
    let hint = setup.app.handle_non_text(Caller::private(5));
    assert_eq!(setup.app.document(Caller::private(5), Some("a.txt"), 100), Document::Answer(hint.clone()));
    assert_eq!(setup.app.offer_file(Caller::private(5), "a.txt", collection()), hint);
    // In a group, even an admin's file is no command.
    let in_group = setup.app.document(Caller::member(ADMIN, -100), Some("a.txt"), 100);
    assert_eq!(in_group, Document::Answer(Response::silence()));

    let offer = setup.app.offer_file(Caller::private(ADMIN), "collection.txt", collection());
    let pressed = setup.press(5, &offer, "加入语料库");
    assert!(pressed.effect.is_none() && pressed.notice.as_deref().is_some_and(|n| n.contains("只有管理员")));
    let removal = setup.app.handle_text(Caller::private(5), "/remove anhui-renda-huiyi", BOT_USERNAME);
    assert!(text(&removal).contains("只有管理员") && labels(&removal).is_empty());
    assert_eq!(setup.files(), [SEED]);
}

#[test]
fn admins_are_told_why_a_file_is_not_fetched() {
    let setup = Setup::new();
    let says = |name: Option<&str>, size: u64| match setup.app.document(Caller::private(ADMIN), name, size) {
        Document::Answer(response) => text(&response),
        Document::Fetch(name) => format!("fetch {name}"),
    };
    assert_eq!(says(Some("报告.txt"), 1000), "fetch 报告.txt");
    assert!(says(Some("photo.jpg"), 1000).contains("只能加入 .txt"));
    assert!(says(None, 1000).contains("只能加入 .txt"));
    assert!(says(Some("../../etc/报告.txt"), 1000).contains("文件名不能用"));
    let large = says(Some("大.txt"), 30 * 1024 * 1024);
    assert!(large.contains("30.0 MB") && large.contains("20 MB"), "{large}");
}

#[test]
fn remove_shows_what_would_go_and_moves_the_file_beside_the_corpus_once_confirmed() {
    let setup = Setup::new();
    std::fs::write(setup.corpus().join("collection.txt"), collection()).unwrap();
    let ask = |text: &str| setup.app.handle_text(Caller::private(ADMIN), text, BOT_USERNAME);
    assert!(text(&ask("/reload")).is_empty());
    setup.app.reload();
    assert!(setup.hits("立法计划") > 0);

    assert!(text(&ask("/remove")).contains("请在 /remove 后面写上"));
    assert!(text(&ask("/remove nothing-here")).contains("没有编号或文件名为「nothing-here」"));
    let offer = ask("/remove collection");
    let shown = text(&offer);
    assert!(
        shown.contains("领导讲话摘登") && shown.contains("collection.txt") && shown.contains("removed/"),
        "{shown}"
    );
    assert_eq!(labels(&offer), ["🗑 移出语料库", "取消"]);
    assert_eq!(setup.files().len(), 2, "nothing moves before the admin confirms");

    let done = perform(&setup, ADMIN, &setup.press(ADMIN, &offer, "移出语料库"));
    assert!(done.contains("已移出《领导讲话摘登》") && done.contains("removed/collection.txt"), "{done}");
    assert!(done.contains("删除摘登（1）"), "{done}");
    assert_eq!(setup.files(), [SEED]);
    let kept = setup.root.path().join("removed/collection.txt");
    assert_eq!(std::fs::read(kept).unwrap(), collection(), "a removed file is kept, not deleted");
    assert_eq!(setup.hits("立法计划"), 0);
    // The file can be asked for by name too, and a second removal keeps the first one's file.
    std::fs::write(setup.corpus().join("collection.txt"), collection()).unwrap();
    setup.app.reload();
    let done = perform(&setup, ADMIN, &setup.press(ADMIN, &ask("/remove collection.txt"), "移出"));
    assert!(done.contains("removed/collection.2.txt"), "{done}");
}

#[test]
fn a_change_whose_reload_is_refused_is_undone_and_the_old_corpus_keeps_serving() {
    let setup = Setup::new();
    let offer = setup.app.offer_file(Caller::private(ADMIN), "collection.txt", collection());
    // Someone drops a broken file into the folder before the admin confirms.
    std::fs::write(setup.corpus().join("broken.txt"), [0u8; 64]).unwrap();
    let done = perform(&setup, ADMIN, &setup.press(ADMIN, &offer, "加入语料库"));
    assert!(done.contains("改动已撤回") && done.contains("broken.txt:0: error"), "{done}");
    assert_eq!(setup.files(), ["anhui-renda-huiyi.txt", "broken.txt"]);
    assert_eq!(setup.app.library().corpus.digests.len(), 1);
    assert_eq!(setup.hits("立法计划"), 0);
}

#[test]
fn a_button_whose_passage_a_reload_removed_says_it_no_longer_exists() {
    let setup = Setup::new();
    std::fs::write(setup.corpus().join("collection.txt"), collection()).unwrap();
    setup.app.reload();
    let library = setup.app.library();
    let digest = library.corpus.digests.iter().find(|d| d.id == "collection").unwrap();
    let passage = digest.speeches[0].sections[0].passages[0].id.clone();
    std::fs::remove_file(setup.corpus().join("collection.txt")).unwrap();
    setup.app.reload();
    for data in [format!("o{passage}"), format!("s{passage}")] {
        let response = setup.app.handle_callback(Caller::private(5), &data);
        let said = format!("{}{}", text(&response), response.notice.unwrap_or_default());
        assert!(said.contains(&format!("找不到编号「{passage}」")), "{data}: {said}");
    }
}

// Over Telegram.

async fn spawn(setup: &Setup) -> FakeApi {
    TestBot::with().serving(setup.app.clone()).start().await.detach()
}

fn messages_to(calls: &[Call], chat: i64) -> Vec<&Call> {
    calls.iter().filter(|c| c.method == "sendmessage" && c.body["chat_id"] == chat).collect()
}

fn keyboard(call: &Call) -> Vec<(String, String)> {
    let rows = call.body["reply_markup"]["inline_keyboard"].as_array().cloned().unwrap_or_default();
    rows.iter()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .map(|b| (b["text"].as_str().unwrap().to_string(), b["callback_data"].as_str().unwrap_or("").to_string()))
        .collect()
}

#[tokio::test]
async fn an_admin_sends_a_file_to_the_bot_and_adds_it_with_the_button() {
    let setup = Setup::new();
    let api = spawn(&setup).await;
    api.put_file("f1", collection());
    api.push(document(ADMIN, ADMIN, "f1", "collection.txt", collection().len() as u64));
    let calls = api.wait_until("the offer", |c| !messages_to(c, ADMIN).is_empty()).await;
    assert_eq!(calls.iter().filter(|c| c.method == "getfile" || c.method == "download").count(), 2);
    let offer = messages_to(&calls, ADMIN)[0].clone();
    assert!(offer.body["text"].as_str().unwrap().contains("领导讲话摘登"), "{}", offer.body);
    let buttons = keyboard(&offer);
    let (_, add) = buttons.iter().find(|(label, _)| label.contains("加入语料库")).expect("an add button");

    api.push(callback(ADMIN, ADMIN, offer.message_id.unwrap(), add));
    let calls = api
        .wait_until("the change's answer", |c| {
            messages_to(c, ADMIN).iter().any(|m| m.body["text"].as_str().unwrap().contains("已加入"))
        })
        .await;
    let edit = calls.iter().find(|c| c.method == "editmessagetext").expect("the offer loses its buttons");
    assert!(edit.body["text"].as_str().unwrap().contains("正在更新"));
    assert!(setup.corpus().join("collection.txt").exists());
    assert!(setup.hits("立法计划") > 0);
}

#[tokio::test]
async fn photos_large_files_junk_and_files_from_others_are_answered_without_a_change() {
    let setup = Setup::new();
    let api = spawn(&setup).await;
    let junk: Vec<u8> = (0u32..4096).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    api.put_file("junk", junk.clone());
    api.put_file("theirs", collection());
    api.push(document(5, 5, "theirs", "collection.txt", collection().len() as u64));
    api.push(photo(ADMIN, ADMIN));
    api.push(document(ADMIN, ADMIN, "big", "大.txt", 30 * 1024 * 1024));
    api.push(document(ADMIN, ADMIN, "junk", "junk.txt", junk.len() as u64));
    let calls =
        api.wait_until("four answers", |c| messages_to(c, ADMIN).len() >= 3 && !messages_to(c, 5).is_empty()).await;
    assert!(messages_to(&calls, 5)[0].body["text"].as_str().unwrap().contains("请发送文字"));
    let said: Vec<&str> = messages_to(&calls, ADMIN).iter().map(|m| m.body["text"].as_str().unwrap()).collect();
    assert!(said.iter().any(|t| t.contains("请发送文字")), "the photo: {said:?}");
    assert!(said.iter().any(|t| t.contains("30.0 MB")), "the large file: {said:?}");
    assert!(said.iter().any(|t| t.contains("junk.txt:0: error")), "the junk: {said:?}");
    assert!(messages_to(&calls, ADMIN).iter().all(|m| keyboard(m).is_empty()));
    let fetched: Vec<&str> =
        calls.iter().filter(|c| c.method == "getfile").map(|c| c.body["file_id"].as_str().unwrap()).collect();
    assert_eq!(fetched, ["junk"], "only the admin's .txt within the limit is downloaded");
    assert_eq!(setup.files(), [SEED]);
}

#[test]
fn of_two_offers_of_one_new_name_the_second_cannot_silently_replace_the_first() {
    let setup = Setup::new();
    let first = setup.app.offer_file(Caller::private(ADMIN), "collection.txt", collection());
    let mut other = collection();
    other.extend_from_slice("\n新增加的一段话。\n".as_bytes());
    let second = setup.app.offer_file(Caller::private(ADMIN), "collection.txt", other);
    assert!(perform(&setup, ADMIN, &setup.press(ADMIN, &first, "加入语料库")).contains("已加入"));
    let refused = perform(&setup, ADMIN, &setup.press(ADMIN, &second, "加入语料库"));
    assert!(refused.contains("在你确认之前已经变了"), "{refused}");
    assert_eq!(std::fs::read(setup.corpus().join("collection.txt")).unwrap(), collection());
}

#[test]
fn a_replacement_of_a_file_edited_since_the_offer_is_refused_and_the_edit_kept() {
    let setup = Setup::new();
    let original = std::fs::read_to_string(setup.corpus().join(SEED)).unwrap();
    let mine = original.replacen("人大代表", "全国人大代表", 1);
    let offer = setup.app.offer_file(Caller::private(ADMIN), SEED, mine.into_bytes());
    let theirs = original.replacen("人大代表", "基层人大代表", 1);
    std::fs::write(setup.corpus().join(SEED), &theirs).unwrap();
    let refused = perform(&setup, ADMIN, &setup.press(ADMIN, &offer, "替换"));
    assert!(refused.contains("在你确认之前已经变了"), "{refused}");
    assert_eq!(std::fs::read_to_string(setup.corpus().join(SEED)).unwrap(), theirs);
}

#[test]
fn an_offer_is_answered_once_and_only_by_the_admin_it_was_made_to() {
    let setup = Setup::new();
    let offer = setup.app.offer_file(Caller::private(ADMIN), "collection.txt", collection());
    let theirs = setup.press(OTHER_ADMIN, &offer, "取消");
    assert!(theirs.edit.is_none() && theirs.effect.is_none(), "{theirs:?}");
    let confirmed = setup.press(ADMIN, &offer, "加入语料库");
    assert!(confirmed.effect.is_some());
    // Pressed again before the change is made, or cancel pressed meanwhile: nothing more.
    for label in ["加入语料库", "取消"] {
        let again = setup.press(ADMIN, &offer, label);
        assert!(again.effect.is_none() && again.edit.is_none(), "{label}: {again:?}");
        assert!(again.notice.as_deref().is_some_and(|n| n.contains("正在更新")), "{label}: {again:?}");
    }
    assert!(perform(&setup, ADMIN, &confirmed).contains("已加入"));
    assert_eq!(setup.files(), ["anhui-renda-huiyi.txt", "collection.txt"]);
}

#[test]
fn a_new_title_alone_is_a_change_worth_offering_and_an_identical_file_is_not() {
    let setup = Setup::new();
    let original = std::fs::read_to_string(setup.corpus().join(SEED)).unwrap();
    let title = setup.app.library().corpus.digests[0].title.clone();
    let retitled = original.replacen(&title, &format!("{title}（修订）"), 1);
    assert_ne!(retitled, original);
    let offer = setup.app.offer_file(Caller::private(ADMIN), SEED, retitled.into_bytes());
    assert!(text(&offer).contains("段落没有变化"), "{}", text(&offer));
    let done = perform(&setup, ADMIN, &setup.press(ADMIN, &offer, "替换"));
    assert!(done.contains("已替换"), "{done}");
    assert!(setup.app.library().corpus.digests[0].title.ends_with("（修订）"));
}

#[test]
fn an_offer_warns_when_adding_the_file_would_take_another_digests_id() {
    let setup = Setup::new();
    std::fs::create_dir(setup.corpus().join("later")).unwrap();
    std::fs::write(setup.corpus().join("later/collection.txt"), collection()).unwrap();
    setup.app.reload();
    let offer = setup.app.offer_file(Caller::private(ADMIN), "collection.txt", collection());
    let shown = text(&offer);
    assert!(shown.contains("later/collection.txt 的编号会从 collection 变为 h"), "{shown}");
    let done = perform(&setup, ADMIN, &setup.press(ADMIN, &offer, "加入语料库"));
    assert!(done.contains("已加入"), "{done}");
    let ids: Vec<(String, String)> =
        setup.app.library().corpus.digests.iter().map(|d| (d.file.clone(), d.id.clone())).collect();
    assert!(ids.contains(&("collection.txt".into(), "collection".into())), "{ids:?}");
}

// Hardening, second pass: what is already in the corpus folder is never followed, blocked on or
// read without bound, and every refusal is answered in the interface's language.

/// `offer_file` answered within a few seconds, on a thread of its own: a read that blocks fails
/// the test instead of hanging it.
fn offer_promptly(setup: &Setup, name: &str, bytes: Vec<u8>) -> Response {
    let (app, name) = (setup.app.clone(), name.to_string());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(app.offer_file(Caller::private(ADMIN), &name, bytes));
    });
    rx.recv_timeout(std::time::Duration::from_secs(10)).expect("the offer was answered")
}

#[test]
fn an_upload_named_like_a_link_out_of_the_corpus_never_reads_copies_or_replaces_what_it_leads_to() {
    let setup = Setup::new();
    let outside = setup.root.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "机密\n不该出现\n").unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), setup.corpus().join("out.txt")).unwrap();
    let offer = offer_promptly(&setup, "out.txt", collection());
    let shown = text(&offer);
    assert!(shown.contains("不是普通文件") && !shown.contains("机密"), "{shown}");
    assert!(labels(&offer).is_empty(), "no button to replace it: {:?}", labels(&offer));
    assert!(!setup.root.path().join("removed").exists(), "nothing was copied out");
    assert!(std::fs::symlink_metadata(setup.corpus().join("out.txt")).unwrap().file_type().is_symlink());
}

#[test]
fn an_upload_named_like_a_fifo_or_a_link_to_dev_zero_is_answered_at_once_without_reading_it() {
    let setup = Setup::new();
    crate::support::fifo(&setup.corpus().join("fifo.txt"));
    std::os::unix::fs::symlink("/dev/zero", setup.corpus().join("zero.txt")).unwrap();
    for name in ["fifo.txt", "zero.txt"] {
        let offer = offer_promptly(&setup, name, collection());
        assert!(text(&offer).contains("不是普通文件"), "{name}: {}", text(&offer));
        assert!(labels(&offer).is_empty(), "{name}: {:?}", labels(&offer));
    }
}

#[test]
fn a_corpus_folder_named_removed_does_not_serve_again_what_was_removed_from_it() {
    let setup = Setup::in_folder("removed");
    std::fs::write(setup.corpus().join("collection.txt"), collection()).unwrap();
    setup.app.reload();
    assert!(setup.hits("立法计划") > 0);
    let offer = setup.app.handle_text(Caller::private(ADMIN), "/remove collection", BOT_USERNAME);
    let done = perform(&setup, ADMIN, &setup.press(ADMIN, &offer, "移出"));
    assert!(done.contains("已移出"), "{done}");
    setup.app.reload();
    assert_eq!(setup.hits("立法计划"), 0, "the removed file is not loaded again");
    assert!(setup.corpus().join(".removed/collection.txt").exists());
}

#[test]
fn an_upload_whose_name_differs_from_a_digests_only_in_case_is_refused_instead_of_taking_its_id() {
    let setup = Setup::new();
    let seed = std::fs::read(setup.corpus().join(SEED)).unwrap();
    let offer = setup.app.offer_file(Caller::private(ADMIN), "anhui-renda-huiyi.TXT", seed);
    let shown = text(&offer);
    assert!(shown.contains("只差大小写") && shown.contains(SEED), "{shown}");
    assert!(labels(&offer).is_empty(), "{:?}", labels(&offer));
    assert_eq!(setup.files(), [SEED]);
}

#[test]
fn a_removal_of_a_file_edited_since_the_offer_is_refused_and_the_edit_kept() {
    let setup = Setup::new();
    std::fs::write(setup.corpus().join("collection.txt"), collection()).unwrap();
    setup.app.reload();
    let offer = setup.app.handle_text(Caller::private(ADMIN), "/remove collection", BOT_USERNAME);
    let edited = [collection(), "又加了一段。\n".as_bytes().to_vec()].concat();
    std::fs::write(setup.corpus().join("collection.txt"), &edited).unwrap();
    let refused = perform(&setup, ADMIN, &setup.press(ADMIN, &offer, "移出"));
    assert!(refused.contains("在你确认之前已经变了"), "{refused}");
    assert_eq!(std::fs::read(setup.corpus().join("collection.txt")).unwrap(), edited);
}

#[test]
fn the_admin_who_loses_a_removal_race_is_told_in_chinese_that_the_file_is_already_gone() {
    let setup = Setup::new();
    std::fs::write(setup.corpus().join("collection.txt"), collection()).unwrap();
    setup.app.reload();
    let ask = |user: i64| setup.app.handle_text(Caller::private(user), "/remove collection", BOT_USERNAME);
    let (mine, theirs) = (ask(ADMIN), ask(OTHER_ADMIN));
    let (mine, theirs) = (setup.press(ADMIN, &mine, "移出"), setup.press(OTHER_ADMIN, &theirs, "移出"));
    assert!(perform(&setup, ADMIN, &mine).contains("已移出"));
    let lost = perform(&setup, OTHER_ADMIN, &theirs);
    assert!(lost.contains("已经不在语料目录里了") && !lost.contains("os error"), "{lost}");
}

#[test]
fn upload_names_with_invisible_or_direction_characters_are_refused_with_the_reason() {
    let setup = Setup::new();
    for name in ["evil\u{202E}gnp.txt", "a\u{200B}.txt"] {
        let answer = text(&setup.app.offer_file(Caller::private(ADMIN), name, collection()));
        assert!(answer.contains("看不见的字符") && !answer.contains(name), "{name:?}: {answer}");
    }
    assert_eq!(setup.files(), [SEED]);
}
