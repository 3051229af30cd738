//! Administration: `/reload` as a transaction (admins only; a bad file is named and changes
//! nothing; a good change is served at once and reported by id and title), `/stats`, and the
//! admin commands shown to admins only.

use std::path::Path;
use std::sync::Arc;

use digestbot_core::admin::reload::{CorpusDir, ReloadOutcome};
use digestbot_core::reply::Effect;
use digestbot_core::{App, Caller};
use digestbot_corpus::LoadOptions;
use digestbot_search::library::Library;

use crate::fake_api::{BOT_USERNAME, message, private_chat};
use crate::support::{analyzer, fixture_corpus};
use digestbot_testkit::TestBot;

const ADMIN: i64 = 77;

/// A corpus of its own (a copy of the fixture), and an app that reloads from it.
fn app_on_copy() -> (tempfile::TempDir, Arc<App>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture_corpus().join("anhui-renda-huiyi.txt"), dir.path().join("anhui-renda-huiyi.txt")).unwrap();
    let app = App::new(Library::load(dir.path(), analyzer()).unwrap())
        .with_admins([ADMIN])
        .with_source(CorpusDir { dir: dir.path().to_path_buf(), options: LoadOptions::default() });
    (dir, Arc::new(app))
}

fn hits(app: &App, query: &str) -> usize {
    app.library().search(query, 0, 1).unwrap().total
}

fn add(dir: &Path, name: &str) {
    std::fs::copy(fixture_corpus().join("anhui-renda-huiyi.txt"), dir.join(name)).unwrap();
}

#[test]
fn only_admins_may_reload_and_others_are_told_so_politely() {
    let (_dir, app) = app_on_copy();
    let refused = app.handle_text(Caller::private(5), "/reload", BOT_USERNAME);
    assert!(refused.effect.is_none());
    assert!(refused.messages[0].text.to_plain().contains("只有管理员"));
    let asked = app.handle_text(Caller::private(ADMIN), "/reload", BOT_USERNAME);
    assert_eq!(asked.effect, Some(Effect::Reload));
}

#[test]
fn a_corrupt_file_is_named_and_the_old_corpus_keeps_serving() {
    let (dir, app) = app_on_copy();
    let before = hits(&app, "人大代表");
    std::fs::write(dir.path().join("broken.txt"), [0u8; 4096]).unwrap();
    let outcome = app.reload();
    let ReloadOutcome::Refused { problems } = &outcome else { panic!("{outcome:?}") };
    assert!(problems.iter().any(|p| p.starts_with("broken.txt:")), "{problems:?}");
    let reply = app.reload_reply(&outcome).messages[0].text.to_plain();
    assert!(reply.contains("没有更新") && reply.contains("broken.txt:"), "{reply}");
    assert_eq!(hits(&app, "人大代表"), before);
    assert_eq!(app.library().corpus.digests.len(), 1);
}

#[test]
fn an_added_digest_is_served_at_once_and_reported_by_id_and_title() {
    let (dir, app) = app_on_copy();
    let before = hits(&app, "人大代表");
    let unchanged = app.reload();
    assert!(app.reload_reply(&unchanged).messages[0].text.to_plain().contains("没有变化"));
    add(dir.path(), "second.txt");
    let outcome = app.reload();
    let ReloadOutcome::Reloaded { diff, .. } = &outcome else { panic!("{outcome:?}") };
    assert_eq!(diff.digests_added.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["second"]);
    assert!(diff.digests_removed.is_empty() && diff.passages_removed == 0);
    assert_eq!(hits(&app, "人大代表"), before * 2, "the new digest is searched");
    let reply = app.reload_reply(&outcome).messages[0].text.to_plain();
    assert!(reply.contains("新增摘登（1）") && reply.contains("[second]"), "{reply}");
    std::fs::remove_file(dir.path().join("second.txt")).unwrap();
    let ReloadOutcome::Reloaded { diff, .. } = app.reload() else { panic!() };
    assert_eq!(diff.digests_removed.len(), 1);
}

#[tokio::test]
async fn an_admin_reloads_from_telegram_and_gets_the_answer_in_the_chat() {
    let (dir, _) = app_on_copy();
    let bot = TestBot::with().corpus(dir.path()).admins([ADMIN]).start().await;
    let api = &bot.api;
    add(dir.path(), "second.txt");
    api.push(message(private_chat(5), 5, "/reload"));
    api.push(message(private_chat(ADMIN), ADMIN, "/reload"));
    let calls = api
        .wait_until("the reload's answer", |c| {
            c.iter().any(|c| c.method == "sendmessage" && c.body["chat_id"] == ADMIN)
                && c.iter().any(|c| c.method == "sendmessage" && c.body["chat_id"] == 5)
        })
        .await;
    let to = |chat: i64| {
        calls.iter().find(|c| c.body["chat_id"] == chat).map(|c| c.body["text"].as_str().unwrap().to_string()).unwrap()
    };
    assert!(to(5).contains("只有管理员"), "{}", to(5));
    assert!(to(ADMIN).contains("语料库已更新") && to(ADMIN).contains("[second]"), "{}", to(ADMIN));
}

#[test]
fn stats_are_for_admins_and_count_what_was_served() {
    let (_dir, app) = app_on_copy();
    let say =
        |user: i64, text: &str| app.handle_text(Caller::private(user), text, BOT_USERNAME).messages[0].text.to_plain();
    assert!(say(5, "/stats").contains("只有管理员"));
    say(5, "人大代表");
    say(5, "/search 预算");
    let stats = say(ADMIN, "/stats");
    let digests = app.library().corpus.digests.len();
    assert!(stats.contains(&format!("语料：{digests} 份摘登")), "{stats}");
    assert!(stats.contains("搜索：2 次"), "{stats}");
    assert!(stats.contains(env!("CARGO_PKG_VERSION")), "{stats}");
}

#[test]
fn help_mentions_the_admin_commands_to_admins_only() {
    let (_dir, app) = app_on_copy();
    let help = |user: i64| app.handle_text(Caller::private(user), "/help", BOT_USERNAME).messages[0].text.to_plain();
    assert!(help(ADMIN).contains("/reload") && help(ADMIN).contains("/stats"));
    assert!(!help(5).contains("/reload") && !help(5).contains("/stats"));
}

#[tokio::test]
async fn the_command_menu_shows_admin_commands_in_the_admins_chats_only() {
    let (dir, _) = app_on_copy();
    let bot = TestBot::with().corpus(dir.path()).admins([ADMIN]).start().await;
    let api = &bot.api;
    let calls = api.wait_until("both menus", |c| c.iter().filter(|c| c.method == "setmycommands").count() >= 2).await;
    let menus: Vec<(Option<i64>, Vec<String>)> = calls
        .iter()
        .filter(|c| c.method == "setmycommands")
        .map(|c| {
            let names =
                c.body["commands"].as_array().unwrap().iter().map(|c| c["command"].as_str().unwrap().to_string());
            (c.body["scope"]["chat_id"].as_i64(), names.collect())
        })
        .collect();
    let everyone = &menus.iter().find(|(scope, _)| scope.is_none()).unwrap().1;
    let admin = &menus.iter().find(|(scope, _)| *scope == Some(ADMIN)).unwrap().1;
    assert!(!everyone.contains(&"reload".to_string()) && !everyone.contains(&"stats".to_string()));
    assert!(
        admin.contains(&"reload".to_string())
            && admin.contains(&"stats".to_string())
            && admin.contains(&"search".to_string())
    );
}

#[test]
fn fixing_a_typo_is_reported_as_one_passage_changed_in_its_digest_not_half_the_file() {
    let (dir, app) = app_on_copy();
    let path = dir.path().join("anhui-renda-huiyi.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    // An edit near the top: every line below keeps its text, so every id below it stays.
    let edited = text.replacen("人大代表", "人大代表们", 1);
    assert_ne!(edited, text);
    std::fs::write(&path, edited).unwrap();
    let ReloadOutcome::Reloaded { diff, .. } = app.reload() else { panic!() };
    assert_eq!((diff.passages_added, diff.passages_removed), (1, 1), "{diff:?}");
    assert_eq!(diff.digests_changed.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["anhui-renda-huiyi"]);
    assert!(diff.speeches_added.is_empty() && diff.speeches_removed.is_empty(), "{diff:?}");
}

#[test]
fn an_emptied_corpus_directory_is_refused_and_the_old_corpus_keeps_serving() {
    let (dir, app) = app_on_copy();
    let before = hits(&app, "人大代表");
    std::fs::remove_file(dir.path().join("anhui-renda-huiyi.txt")).unwrap();
    let outcome = app.reload();
    let ReloadOutcome::Refused { problems } = &outcome else { panic!("{outcome:?}") };
    assert!(problems.iter().any(|p| p.contains("holds no digest")), "{problems:?}");
    assert_eq!(hits(&app, "人大代表"), before);
}

#[test]
fn files_that_cannot_be_read_are_named_and_the_old_corpus_keeps_serving() {
    let (dir, app) = app_on_copy();
    let before = hits(&app, "人大代表");
    std::os::unix::fs::symlink(dir.path().join("nowhere.txt"), dir.path().join("dangling.txt")).unwrap();
    let fifo = std::ffi::CString::new(dir.path().join("pipe.txt").into_os_string().into_encoded_bytes()).unwrap();
    // SAFETY: mkfifo with a NUL-terminated path the test owns.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let outcome = app.reload();
    let ReloadOutcome::Refused { problems } = &outcome else { panic!("{outcome:?}") };
    for file in ["dangling.txt:0: error", "pipe.txt:0: error"] {
        assert!(problems.iter().any(|p| p.starts_with(file)), "{file} missing from {problems:?}");
    }
    assert_eq!(hits(&app, "人大代表"), before);
}

#[test]
fn searches_while_a_reload_indexes_a_hundred_new_files_are_all_answered_meanwhile() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let Some(bench) = crate::support::bench_corpus() else { return };
    let (dir, app) = app_on_copy();
    let mut files: Vec<_> = std::fs::read_dir(&bench)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    for file in files.iter().take(120) {
        std::fs::copy(file, dir.path().join(file.file_name().unwrap())).unwrap();
    }
    let reloaded = Arc::new(AtomicBool::new(false));
    let reloading = {
        let (app, reloaded) = (app.clone(), reloaded.clone());
        std::thread::spawn(move || {
            let outcome = app.reload();
            reloaded.store(true, Ordering::SeqCst);
            outcome
        })
    };
    let mut answered_meanwhile = 0;
    while !reloaded.load(Ordering::SeqCst) {
        let response = app.handle_text(Caller::private(5), "人大代表", BOT_USERNAME);
        assert!(response.messages[0].text.to_plain().contains("人大代表"), "{response:?}");
        answered_meanwhile += 1;
    }
    let outcome = reloading.join().unwrap();
    assert!(matches!(outcome, ReloadOutcome::Reloaded { .. }), "{outcome:?}");
    // Each search takes milliseconds and the reload a second or more: had searches waited for it,
    // only the one in flight would have been answered before it ended.
    assert!(answered_meanwhile >= 10, "only {answered_meanwhile} searches were answered during the reload");
    assert!(app.library().corpus.digests.len() > 120);
}
