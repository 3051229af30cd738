//! A reload updates the index in place: it finds what a fresh load of the same directory finds,
//! the library it replaces keeps answering from its own corpus, and the index does not grow with
//! reloads.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use digestbot_core::App;
use digestbot_core::admin::reload::{CorpusDir, ReloadOutcome};
use digestbot_corpus::{self as corpus, LoadOptions};
use digestbot_search::library::Library;

use crate::support::{analyzer, fixture, fixture_corpus};

/// Queries whose hits are compared: common words (many hits in every digest), terms found in
/// titles, speakers and headings only, a speaker filter, one character, digits.
const QUERIES: &[&str] = &[
    "人大",
    "发展",
    "代表",
    "经济 改革",
    "创新",
    "十四五",
    "海南",
    "广东",
    "工作报告",
    "@孟凡利 发展",
    "@殷勇",
    "一是",
    "税",
    "2025年",
    "生态 环境",
];

const REPORTS: [&str; 6] = ["beijing.txt", "fujian.txt", "guangdong.txt", "hainan.txt", "shaanxi.txt", "zhejiang.txt"];

/// A new corpus directory: the real reports, the fixture digest, and in `archive/` the reports
/// of three earlier years (copies with the year changed), 25 digests. As in a real corpus, a
/// digest is a small part of it, so that a reload updates the index rather than builds it anew.
fn corpus_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("archive")).unwrap();
    for file in REPORTS {
        let text = std::fs::read_to_string(fixture("real-reports").join(file)).unwrap();
        std::fs::write(dir.path().join(file), &text).unwrap();
        for year in ["2023", "2024", "2025"] {
            let copy = dir.path().join("archive").join(file.replace(".txt", &format!("-{year}.txt")));
            std::fs::write(copy, text.replace("2026", year)).unwrap();
        }
    }
    std::fs::copy(fixture_corpus().join("anhui-renda-huiyi.txt"), dir.path().join("anhui-renda-huiyi.txt")).unwrap();
    dir
}

/// The library of `dir` as a reload makes it from `current`.
fn reload(current: &Library, dir: &Path) -> Library {
    let corpus = corpus::load_dir(dir).unwrap();
    Library::from_corpus_reusing(corpus, current).unwrap()
}

/// The ids of every passage `raw` finds, and how many the search says it found.
fn found(library: &Library, raw: &str) -> (BTreeSet<String>, usize) {
    let results = library.search(raw, 0, 100_000).unwrap_or_else(|e| panic!("{raw}: {e:?}"));
    let ids = results.hits.iter().map(|hit| hit.loc.resolve(&library.corpus).unwrap().passage.id.clone()).collect();
    (ids, results.total)
}

fn hits(library: &Library, raw: &str) -> usize {
    found(library, raw).1
}

/// The hits of `raw` in the digest `digest` (passage ids start with their digest's).
fn hits_in(library: &Library, raw: &str, digest: &str) -> usize {
    found(library, raw).0.iter().filter(|id| id.starts_with(&format!("{digest}_"))).count()
}

/// Replaces the first `from` in `file` of `dir` by `to`.
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen(from, to, 1);
    assert_ne!(edited, text, "{from} is not in {file}");
    std::fs::write(&path, edited).unwrap();
}

/// Adds `sentence` to a paragraph halfway down `file` of `dir`: a passage, not a title or a byline.
fn add_sentence(dir: &Path, file: &str, sentence: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let middle = (text.len() / 2..).find(|&at| text.is_char_boundary(at)).unwrap();
    let at = middle + text[middle..].find('。').unwrap() + '。'.len_utf8();
    std::fs::write(&path, format!("{}{sentence}{}", &text[..at], &text[at..])).unwrap();
}

fn assert_finds_what_a_fresh_load_finds(library: &Library, dir: &Path) {
    let fresh = Library::load(dir, analyzer()).unwrap();
    assert_eq!(library.index.len(), fresh.index.len());
    for raw in QUERIES {
        let (ids, total) = found(library, raw);
        let (fresh_ids, fresh_total) = found(&fresh, raw);
        assert_eq!(total, ids.len(), "{raw}: the total is not the number of hits");
        assert_eq!(total, fresh_total, "{raw}: not as many hits as a fresh load");
        assert_eq!(ids, fresh_ids, "{raw}: not the hits of a fresh load");
    }
}

/// A phrase of hainan.txt (and of its archived copies) alone.
const HAINAN_ONLY: &str = "封关准备重点任务和软硬件建设全面完成";

#[test]
fn a_reload_finds_what_a_fresh_load_of_the_same_directory_finds() {
    let dir = corpus_dir();
    let library = Library::load(dir.path(), analyzer()).unwrap();
    edit(dir.path(), "guangdong.txt", "一是联合港澳承办十五运会和残特奥会。", "一是联合港澳承办十五运会。");
    edit(dir.path(), "beijing.txt", "2026年北京市政府工作报告", "2026年北京市人民政府工作报告");
    std::fs::remove_file(dir.path().join("hainan.txt")).unwrap();
    std::fs::copy(fixture("real-reports/hainan.txt"), dir.path().join("another-hainan.txt")).unwrap();
    let reloaded = reload(&library, dir.path());
    assert_finds_what_a_fresh_load_finds(&reloaded, dir.path());
    assert_eq!(hits_in(&reloaded, HAINAN_ONLY, "hainan"), 0);
    assert_eq!(hits_in(&reloaded, HAINAN_ONLY, "another-hainan"), 1, "the same text under another name");
}

#[test]
fn a_removed_digest_is_no_longer_found_and_the_others_still_are() {
    let dir = corpus_dir();
    let library = Library::load(dir.path(), analyzer()).unwrap();
    assert_eq!((hits(&library, HAINAN_ONLY), hits_in(&library, HAINAN_ONLY, "hainan")), (4, 1));
    let (beijing, _) = found(&library, "@殷勇 发展");
    assert!(!beijing.is_empty());
    std::fs::remove_file(dir.path().join("hainan.txt")).unwrap();
    let reloaded = reload(&library, dir.path());
    assert_eq!((hits(&reloaded, HAINAN_ONLY), hits_in(&reloaded, HAINAN_ONLY, "hainan")), (3, 0));
    assert_eq!(hits_in(&reloaded, "海南", "hainan"), 0);
    assert_eq!(found(&reloaded, "@殷勇 发展").0, beijing, "an unchanged digest is found as before");
    assert_finds_what_a_fresh_load_finds(&reloaded, dir.path());
}

#[test]
fn a_changed_passage_is_found_by_its_new_text_only_and_unchanged_digests_as_before() {
    let dir = corpus_dir();
    let library = Library::load(dir.path(), analyzer()).unwrap();
    let (old_text, new_text) = ("联合港澳承办十五运会和残特奥会", "联合港澳承办十五运会和鲲鹏杯赛事");
    assert_eq!((hits(&library, old_text), hits_in(&library, old_text, "guangdong")), (4, 1));
    assert_eq!(hits(&library, "鲲鹏杯"), 0);
    let unchanged = found(&library, "@殷勇 发展");
    edit(dir.path(), "guangdong.txt", old_text, new_text);
    let reloaded = reload(&library, dir.path());
    assert_eq!((hits(&reloaded, old_text), hits_in(&reloaded, old_text, "guangdong")), (3, 0));
    assert_eq!(hits(&reloaded, "鲲鹏杯"), 1);
    assert_eq!(hits(&reloaded, new_text), 1);
    assert_eq!(found(&reloaded, "@殷勇 发展"), unchanged);
    assert_finds_what_a_fresh_load_finds(&reloaded, dir.path());
}

#[test]
fn a_reload_indexes_again_only_the_digests_that_changed() {
    let dir = corpus_dir();
    let library = Library::load(dir.path(), analyzer()).unwrap();
    add_sentence(dir.path(), "guangdong.txt", "鲲鹏杯如期举行。");
    let reloaded = reload(&library, dir.path());
    let (before, after) = (library.index.storage(), reloaded.index.storage());
    // A build would make no more segments than before and delete nothing; an update adds a
    // segment for the changed digest, and deletes its old documents (or rewrites their segment).
    assert!(after.segments > before.segments || after.deleted > 0, "{before:?} → {after:?}");
    assert_eq!(after.docs - after.deleted, reloaded.index.len() as u64);
    assert_eq!(hits(&reloaded, "鲲鹏杯"), 1);
}

#[test]
fn the_replaced_library_still_answers_from_its_own_corpus_through_later_reloads() {
    let dir = corpus_dir();
    let old = Arc::new(Library::load(dir.path(), analyzer()).unwrap());
    let before: Vec<_> = QUERIES.iter().map(|raw| found(&old, raw)).collect();
    let mut current = reload(&old, dir.path());
    // Enough reloads that every segment the old library reads is deleted from, merged and
    // collected from the index.
    for round in 0..12 {
        for file in [REPORTS[round % 6], REPORTS[(round + 3) % 6]] {
            add_sentence(dir.path(), file, &format!("第{round}次修订。"));
        }
        add_sentence(dir.path(), "anhui-renda-huiyi.txt", "又一次修订。");
        current = reload(&current, dir.path());
    }
    assert_eq!(hits(&current, HAINAN_ONLY), 4);
    assert_eq!(hits(&old, "第11次修订"), 0);
    assert_eq!(hits(&current, "第11次修订"), 2);
    let after: Vec<_> = QUERIES.iter().map(|raw| found(&old, raw)).collect();
    assert_eq!(after, before);
    assert_finds_what_a_fresh_load_finds(&current, dir.path());
}

#[test]
fn twenty_reloads_with_small_changes_stay_right_and_the_index_does_not_grow() {
    let dir = corpus_dir();
    let mut library = Library::load(dir.path(), analyzer()).unwrap();
    let files = REPORTS;
    for round in 0..20 {
        let file = files[round % files.len()];
        add_sentence(dir.path(), file, &format!("第{round}次修订。"));
        // Now and then a digest goes and comes back.
        if round % 7 == 3 {
            std::fs::remove_file(dir.path().join("anhui-renda-huiyi.txt")).unwrap();
        }
        if round % 7 == 5 {
            std::fs::copy(fixture_corpus().join("anhui-renda-huiyi.txt"), dir.path().join("anhui-renda-huiyi.txt"))
                .unwrap();
        }
        library = reload(&library, dir.path());
        assert_eq!(hits(&library, &format!("第{round}次修订")), 1, "round {round}");
        if round % 5 == 4 {
            assert_finds_what_a_fresh_load_finds(&library, dir.path());
        }
        let storage = library.index.storage();
        let live = library.index.len() as u64;
        assert_eq!(storage.docs - storage.deleted, live, "round {round}: {storage:?}");
        // No segment keeps more than a quarter of its documents deleted.
        assert!(storage.docs * 3 <= live * 4, "round {round}: {live} passages, {storage:?}");
        assert!(storage.segments <= 12, "round {round}: {storage:?}");
    }
}

#[test]
fn a_reload_with_nothing_changed_keeps_the_index_as_it_is() {
    let dir = corpus_dir();
    let library = Library::load(dir.path(), analyzer()).unwrap();
    let reloaded = reload(&library, dir.path());
    assert_eq!(reloaded.index.storage(), library.index.storage());
    assert_eq!(reloaded.index.storage().deleted, 0);
    assert_finds_what_a_fresh_load_finds(&reloaded, dir.path());
}

#[test]
fn rewriting_most_of_the_corpus_at_once_still_finds_what_a_fresh_load_finds() {
    let dir = corpus_dir();
    let library = Library::load(dir.path(), analyzer()).unwrap();
    for file in REPORTS {
        edit(dir.path(), file, "创新", "革新");
        for year in ["2023", "2024", "2025"] {
            edit(&dir.path().join("archive"), &file.replace(".txt", &format!("-{year}.txt")), "创新", "革新");
        }
    }
    let reloaded = reload(&library, dir.path());
    assert_finds_what_a_fresh_load_finds(&reloaded, dir.path());
    assert_eq!(reloaded.index.storage().deleted, 0, "built anew rather than updated");
}

#[test]
fn a_refused_reload_leaves_the_index_right_for_the_next_one() {
    let dir = corpus_dir();
    let app = App::new(Library::load(dir.path(), analyzer()).unwrap())
        .with_source(CorpusDir { dir: dir.path().to_path_buf(), options: LoadOptions::default() });
    edit(dir.path(), "guangdong.txt", "联合港澳承办十五运会和残特奥会", "联合港澳承办十五运会和鲲鹏杯赛事");
    std::fs::write(dir.path().join("broken.txt"), [0u8; 4096]).unwrap();
    assert!(matches!(app.reload(), ReloadOutcome::Refused { .. }));
    assert_eq!(hits(&app.library(), "鲲鹏杯"), 0);
    std::fs::remove_file(dir.path().join("broken.txt")).unwrap();
    edit(dir.path(), "beijing.txt", "2026年北京市政府工作报告", "2026年北京市人民政府工作报告");
    assert!(matches!(app.reload(), ReloadOutcome::Reloaded { .. }));
    assert_eq!(hits(&app.library(), "鲲鹏杯"), 1);
    assert_finds_what_a_fresh_load_finds(&app.library(), dir.path());
}
