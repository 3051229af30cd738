//! Comparing two texts as an analyst does: a constructed pair whose edits are known, checked row by
//! row and mark by mark; the 2022 and 2023 national work reports, checked against what a reader
//! finds in the texts by hand; every refusal; `compare --json` as scripts read it.
//! `compare_bot.rs` pages and exports the same through Telegram.

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, OnceLock};

use digestbot_core::reply::{Effect, Response, Style};
use digestbot_core::{App, Caller};
use digestbot_search::compare::{self, Kind, Mark, Row};
use digestbot_search::library::Library;

use crate::support::{analyzer, fixture, root};

const ANALYST: Caller = Caller::private(601);

/// The constructed pair: A, then B with one sentence changed, one figure changed, one paragraph
/// moved (the shortest, so it is the one that counts as moved), one dropped and one added.
const EARLIER: &str = "某市政府工作报告（2022年）\n政府工作报告\n市长 张三\n\n\
过去一年，全市经济运行总体平稳，发展质量稳步提升，民生保障有力有效。\n\n\
今年发展主要预期目标是：地区生产总值增长6%左右，城镇新增就业5万人以上。\n\n\
坚持创新驱动发展，加快建设现代化产业体系，推动传统产业转型升级。\n\n\
持续改善生态环境，守住绿水青山。\n\n\
加强基层治理，以基层治理提升群众的获得感和幸福感。\n\n\
深化重点领域改革，优化营商环境，激发各类市场主体活力。\n";

const LATER: &str = "某市政府工作报告（2023年）\n政府工作报告\n市长 张三\n\n\
过去一年，全市经济运行总体平稳，发展质量稳步提升，民生保障有力有效。\n\n\
今年发展主要预期目标是：地区生产总值增长5.5%左右，城镇新增就业5万人以上。\n\n\
坚持创新驱动发展，着力建设现代化经济体系，推动传统产业转型升级。\n\n\
深化重点领域改革，优化营商环境，激发各类市场主体活力。\n\n\
全面推进乡村振兴，以乡村振兴促进农民持续增收。\n\n\
持续改善生态环境，守住绿水青山。\n";

fn constructed() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("earlier.txt"), EARLIER).unwrap();
    std::fs::write(dir.path().join("later.txt"), LATER).unwrap();
    let library = Library::load(dir.path(), analyzer()).unwrap();
    (dir, library)
}

/// The fifty national reports, loaded once per process.
fn reports_app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| App::new(Library::load(&fixture("gov-work-reports"), analyzer()).unwrap()))
}

fn row(kind: Kind, a: Option<usize>, b: Option<usize>, marks: Vec<Mark>) -> Row {
    Row { kind, a, b, marks }
}

fn same(s: &str) -> Mark {
    Mark::Same(s.into())
}
fn removed(s: &str) -> Mark {
    Mark::Removed(s.into())
}
fn added(s: &str) -> Mark {
    Mark::Added(s.into())
}

#[test]
fn a_constructed_pair_aligns_into_exactly_its_edits() {
    let (_dir, library) = constructed();
    let (a, b) = library.sides("earlier", "later").unwrap();
    let found = compare::compare(&library.index.analyzer().jieba, &a.paragraphs, &b.paragraphs);
    let al = &found.alignment;
    assert_eq!(
        al.rows,
        [
            row(Kind::Unchanged, Some(0), Some(0), vec![]),
            row(
                Kind::Changed,
                Some(1),
                Some(1),
                vec![
                    same("今年发展主要预期目标是：地区生产总值增长"),
                    removed("6"),
                    added("5.5"),
                    same("%左右，城镇新增就业5万人以上。")
                ]
            ),
            row(
                Kind::Changed,
                Some(2),
                Some(2),
                vec![
                    same("坚持创新驱动发展，"),
                    removed("加快"),
                    added("着力"),
                    same("建设现代化"),
                    removed("产业"),
                    added("经济"),
                    same("体系，推动传统产业转型升级。")
                ]
            ),
            // Dropped where it was: after the third paragraph, before the unchanged one.
            row(Kind::OnlyA, Some(4), None, vec![]),
            row(Kind::Unchanged, Some(5), Some(3), vec![]),
            row(Kind::OnlyB, None, Some(4), vec![]),
            // One move, not a deletion plus an addition.
            row(Kind::Moved, Some(3), Some(5), vec![]),
        ]
    );
    let s = al.summary;
    assert_eq!((s.unchanged, s.changed, s.moved, s.only_a, s.only_b), (2, 2, 1, 1, 1));
    assert!(al.sections_added.is_empty() && al.sections_removed.is_empty());
    assert!(!al.shares_little());
    let numbers: Vec<(&str, &str, usize, usize)> =
        found.numbers.iter().map(|n| (n.a.as_str(), n.b.as_str(), n.passage_a, n.passage_b)).collect();
    assert_eq!(numbers, [("6%左右", "5.5%左右", 1, 1)], "the one figure that changed, not the one that stayed");
    let phrases = |list: &[compare::Formulation]| -> Vec<(String, usize, usize)> {
        list.iter().map(|f| (f.phrase.clone(), f.count, f.passage)).collect()
    };
    assert_eq!(phrases(&found.new), [("乡村振兴".to_string(), 2, 4)]);
    assert_eq!(phrases(&found.dropped), [("基层治理".to_string(), 2, 4), ("幸福感".to_string(), 1, 4)]);
}

#[test]
fn texts_that_differ_only_in_character_forms_and_widths_are_unchanged_and_changes_show_as_published() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("simplified.txt"), EARLIER).unwrap();
    let traditional = EARLIER.replace("经济运行", "經濟運行").replace("6%", "６％");
    std::fs::write(dir.path().join("traditional.txt"), &traditional).unwrap();
    std::fs::write(dir.path().join("changed.txt"), traditional.replace("5万人", "７万人")).unwrap();
    let library = Library::load(dir.path(), analyzer()).unwrap();
    let (a, b) = library.sides("simplified", "traditional").unwrap();
    let al = compare::align(&a.paragraphs, &b.paragraphs);
    assert_eq!(al.summary.unchanged, 6, "{:?}", al.rows);
    assert!(al.rows.iter().all(|row| row.marks.is_empty()), "nothing to mark: {:?}", al.rows);
    assert!(compare::number_changes(&a.paragraphs, &b.paragraphs).is_empty());
    let (a, c) = library.sides("simplified", "changed").unwrap();
    let numbers = compare::number_changes(&a.paragraphs, &c.paragraphs);
    let shown: Vec<(&str, &str, &str)> =
        numbers.iter().map(|n| (n.a.as_str(), n.b.as_str(), n.clause.as_str())).collect();
    assert_eq!(shown, [("5万人以上", "７万人以上", "城镇新增就业７万人以上")], "as published, full width and all");
}

#[test]
fn a_corpus_of_one_digest_has_nothing_to_pair_and_says_so_at_once() {
    let app = App::new(Library::load(&fixture("corpus"), analyzer()).unwrap());
    let answer = said(&app.handle_text(ANALYST, "/compare", "digestbot"));
    assert!(answer.contains("只有这一篇摘登"), "{answer}");
}

#[test]
fn a_comparison_asked_by_a_button_replaces_its_message_and_a_refusal_does_not() {
    let app = reports_app();
    let page = |ids: &str| app.perform(ANALYST, Effect::Compare { ids: ids.into(), page: 1, in_place: true });
    let answered = page("gwr-2022 gwr-2023");
    assert!(answered.messages.is_empty(), "{answered:?}");
    let edit = answered.edit.expect("the page replaces the button's message").text.to_plain();
    assert!(edit.contains("逐段对照（第 1/"), "{edit}");
    let refused = page("gwr-2022 gwr-2099");
    assert!(refused.edit.is_none(), "the summary under the button stays: {refused:?}");
    assert!(said(&refused).contains("没有编号为 gwr-2099"), "{}", said(&refused));
}

#[test]
fn the_2023_report_against_2022_names_the_formulations_a_reader_finds_by_hand() {
    let library = reports_app().library();
    let (a, b) = library.sides("gwr-2022", "gwr-2023").unwrap();
    let found = compare::compare(&library.index.analyzer().jieba, &a.paragraphs, &b.paragraphs);
    let count = |list: &[compare::Formulation], phrase: &str| list.iter().find(|f| f.phrase == phrase).map(|f| f.count);
    // Verified in the texts: 2022 never writes these, 2023 does, this often.
    assert_eq!(count(&found.new, "党的二十大精神"), Some(4));
    assert_eq!(count(&found.new, "新型举国体制"), Some(2));
    assert_eq!(count(&found.new, "自由贸易试验区"), Some(3));
    // And 2023 never writes these again.
    assert_eq!(count(&found.dropped, "助企纾困"), Some(3));
    assert_eq!(count(&found.dropped, "跨周期"), Some(3));
    assert_eq!(count(&found.dropped, "继续做好"), Some(5));
    // Every phrase listed is in its text as often as said and never in the other.
    let text =
        |side: &compare::Side<'_>| -> Vec<String> { side.paragraphs.iter().map(|p| p.normalized.clone()).collect() };
    let (in_a, in_b) = (text(&a), text(&b));
    let occurrences = |texts: &[String], phrase: &str| texts.iter().map(|t| t.matches(phrase).count()).sum::<usize>();
    let normalizer = &library.index.analyzer().normalizer;
    for (list, own, other) in [(&found.new, &in_b, &in_a), (&found.dropped, &in_a, &in_b)] {
        assert!(list.len() > 100, "{}", list.len());
        for f in list {
            // Shown as published (`CPTPP`), counted in the normalized text (`cptpp`).
            let phrase = normalizer.text(&f.phrase);
            assert_eq!(occurrences(own, &phrase), f.count, "{}", f.phrase);
            assert_eq!(occurrences(other, &phrase), 0, "{}", f.phrase);
            assert!(phrase.chars().count() >= 3 && !phrase.chars().any(|c| c.is_ascii_digit()), "{}", f.phrase);
            assert!(own[f.passage].contains(&phrase), "{} is in the passage it links to", f.phrase);
        }
        assert!(list.windows(2).all(|w| w[0].count >= w[1].count), "most frequent first");
    }
    // The targets of the two years, as the reports set them.
    let numbers: Vec<(&str, &str)> = found.numbers.iter().map(|n| (n.a.as_str(), n.b.as_str())).collect();
    for change in [("5.5%左右", "5%左右"), ("1100万人以上", "1200万人左右"), ("3.65万亿元", "3.8万亿元")]
    {
        assert!(numbers.contains(&change), "{change:?} in {numbers:?}");
    }
    assert!(
        !numbers.iter().any(|(x, y)| x.starts_with("202") && y.starts_with("202")),
        "the years move on by themselves"
    );
    let al = &found.alignment;
    assert_eq!(al.sections_removed[0], "一、2021年工作回顾");
    assert!(!al.sections_added.iter().any(|h| h.contains("政府工作任务")), "the same section in another year");
    let s = al.summary;
    assert_eq!(s.unchanged + s.changed + s.moved + s.only_a, a.paragraphs.len());
    assert_eq!(s.unchanged + s.changed + s.moved + s.only_b, b.paragraphs.len());
}

/// What the app answers to `/compare <args>`, running the work it hands off as the edge does.
fn ask(app: &App, args: &str) -> Response {
    let response = app.handle_text(ANALYST, &format!("/compare {args}"), "digestbot");
    match response.effect.clone() {
        Some(effect @ Effect::Compare { .. }) => app.perform(ANALYST, effect),
        _ => response,
    }
}

fn said(response: &Response) -> String {
    response.messages.iter().map(|m| m.text.to_plain()).collect::<Vec<_>>().join("\n")
}

#[test]
fn every_pair_that_cannot_be_compared_is_told_why() {
    let app = reports_app();
    let library = app.library();
    let speech = &library.corpus.digests.iter().find(|d| d.id == "gwr-2022").unwrap().speeches[0];
    let passage = &speech.sections[1].passages[0].id;
    let cases = [
        ("gwr-2022", "在 /compare 后面写上两篇"),
        ("gwr-2022 gwr-2023 gwr-2021", "在 /compare 后面写上两篇"),
        ("gwr-2022 gwr-2099", "没有编号为 gwr-2099 的摘登或发言"),
        ("gwr-2022 gwr-2022", "两个编号都是 gwr-2022"),
        (&format!("gwr-2022 {}", speech.id), "是摘登 gwr-2022 里的一篇发言"),
        (&format!("{} gwr-2022", speech.id), "是摘登 gwr-2022 里的一篇发言"),
        (&format!("gwr-2023 {passage}"), "是一个段落或小节的编号"),
    ];
    for (args, expected) in cases {
        let answer = said(&ask(app, args));
        assert!(answer.contains(expected), "{args}: {answer}");
    }
}

#[test]
fn two_reports_seventy_years_apart_are_said_to_share_little() {
    let answer = said(&ask(reports_app(), "gwr-1954 gwr-2023"));
    assert!(answer.contains("两篇内容差别很大"), "{answer}");
    let close = said(&ask(reports_app(), "gwr-2022 gwr-2023"));
    assert!(!close.contains("两篇内容差别很大"), "{close}");
}

#[test]
fn the_summary_links_each_formulation_to_a_passage_that_has_it() {
    let app = reports_app();
    let library = app.library();
    let answer = ask(app, "gwr-2022 gwr-2023");
    let message = &answer.messages[0];
    let plain = message.text.to_plain();
    assert!(plain.starts_with("🔀 对比：政府工作报告，2022-03-05 → 政府工作报告，2023-03-05"), "{plain}");
    assert!(plain.contains("「党的二十大精神」×4"), "{plain}");
    assert!(plain.contains("5.5%左右 → 5%左右"), "{plain}");
    let spans = &message.text.0;
    let at = spans.iter().position(|s| s.text.contains("「党的二十大精神」")).unwrap();
    let Style::Open(id) = &spans[at + 1].style else { panic!("no link after {:?}", spans[at]) };
    assert!(id.starts_with("gwr-2023_p"), "{id}");
    let Some(digestbot_search::library::Target::Passage(loc)) = library.find(id) else { panic!("{id}") };
    assert!(loc.resolve(&library.corpus).unwrap().passage.text().contains("党的二十大精神"));
    let labels: Vec<&str> = message.buttons.iter().flatten().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["逐段对照 ▶", "📥 导出 Excel"]);
}

fn digestbot(args: &[&str], corpus: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_digestbot"))
        .args(args)
        .args(["--corpus", &corpus.to_string_lossy()])
        .current_dir(root())
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn compare_json_prints_the_summary_formulations_and_numbers_scripts_read() {
    let (dir, _library) = constructed();
    let (ok, out) = digestbot(&["compare", "earlier", "later", "--json"], dir.path());
    assert!(ok, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((json["a"].as_str(), json["b"].as_str()), (Some("earlier"), Some("later")));
    assert_eq!(
        json["summary"],
        serde_json::json!({"unchanged": 2, "changed": 2, "moved": 1, "only_a": 1, "only_b": 1,
            "sections_added": [], "sections_removed": []})
    );
    assert_eq!((json["new"][0]["phrase"].as_str(), json["new"][0]["count"].as_u64()), (Some("乡村振兴"), Some(2)));
    assert_eq!(json["dropped"].as_array().unwrap().len(), 2);
    let number = &json["numbers"][0];
    assert_eq!((number["a"].as_str(), number["b"].as_str()), (Some("6%左右"), Some("5.5%左右")));
    assert!(number["passage_a"].as_str().unwrap().starts_with("earlier_p"));
    assert!(number["passage_b"].as_str().unwrap().starts_with("later_p"));
    // A refusal is JSON too, and a failure for the shell.
    let (ok, out) = digestbot(&["compare", "earlier", "earlier", "--json"], dir.path());
    assert!(!ok);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(json["error"].as_str().unwrap().contains("两个编号都是 earlier"), "{json}");
    // As text: the edits marked as wdiff marks them.
    let (ok, out) = digestbot(&["compare", "earlier", "later"], dir.path());
    assert!(ok);
    assert!(out.contains("[-加快-]{+着力+}建设现代化[-产业-]{+经济+}体系"), "{out}");
}

#[test]
fn many_comparisons_at_once_each_get_the_whole_answer_or_a_retry() {
    let app = Arc::new(App::new(Library::load(&fixture("gov-work-reports"), analyzer()).unwrap()));
    // Many at once on two cores: some are told to retry, none waits without bound, and each
    // that runs gets the whole answer.
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let app = app.clone();
            std::thread::spawn(move || {
                let ids = format!("gwr-{} gwr-{}", 2000 + i, 2010 + i);
                said(&app.perform(ANALYST, Effect::Compare { ids: ids.into(), page: 0, in_place: false }))
            })
        })
        .collect();
    let answers: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    for answer in &answers {
        assert!(answer.starts_with("🔀 对比") || answer.contains("请几秒钟后再试"), "{answer}");
    }
    assert!(answers.iter().any(|a| a.starts_with("🔀 对比")));
}
