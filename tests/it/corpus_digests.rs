//! Multi-speaker digests as the press prints them: every speech with its own speaker, title and
//! points, checked against what a reader sees (`expected.json` beside the pages).
//!
//! `real-digests/` holds eight real 人民日报 pages; `multi-speaker/` pages we wrote ourselves in the
//! same shapes with other wording, so that the parser is tried on pages it was not tuned on.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use digestbot_corpus::{Digest, Severity, Speech};

use crate::corpus_lossless::breach;
use crate::support::{fixture, parse_path};

/// What is compared: NFKC forms (full-width commas are ASCII commas in the expectations), no white
/// space (names are printed spaced out, roles and names apart by one space or two).
fn norm(text: &str) -> String {
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(norm).filter(|t| !t.is_empty())
}

/// The speech's numbered points: its section headings other than a topic it is grouped under.
fn points<'s>(speech: &'s Speech, topic: Option<&str>) -> Vec<&'s str> {
    let headings = speech.sections.iter().filter_map(|c| c.heading.as_deref());
    headings.filter(|h| Some(norm(h).as_str()) != topic).collect()
}

/// Where `digest` differs from what a reader sees on the page, one line each; empty when it does not.
fn differences(digest: &Digest, want: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(title) = text(&want["title"])
        && norm(&digest.title) != title
    {
        out.push(format!("digest title is 「{}」, a reader sees 「{title}」", digest.title));
    }
    if let Some(occasion) = want.get("occasion") {
        match (text(occasion), digest.occasion.as_deref()) {
            (Some(want), Some(got)) if norm(got).contains(&want) => {}
            (None, None) => {}
            (want, got) => out.push(format!("digest occasion is {got:?}, a reader sees {want:?}")),
        }
    }
    if let Some(prefix) = want.get("note_prefix").and_then(text) {
        let note: String = digest.note.iter().map(|l| norm(l.display())).collect();
        if !note.contains(&prefix) {
            out.push(format!("the editor's note does not hold 「{prefix}」 (note: {:?})", short(&note)));
        }
    }
    let wanted = want["speeches"].as_array().cloned().unwrap_or_default();
    if wanted.len() != digest.speeches.len() {
        let got: Vec<String> = digest
            .speeches
            .iter()
            .map(|s| format!("{} / {}", short(&s.title), s.speaker_name().unwrap_or("-")))
            .collect();
        out.push(format!("{} speeches, a reader sees {}: {got:#?}", digest.speeches.len(), wanted.len()));
        return out;
    }
    for (n, (speech, want)) in digest.speeches.iter().zip(&wanted).enumerate() {
        let at = format!("speech {} ({})", n + 1, short(&speech.title));
        let speaker = speech.speaker_name().map(norm);
        if speaker != text(&want["speaker"]) {
            out.push(format!("{at}: speaker is {speaker:?}, a reader sees {:?}", text(&want["speaker"])));
        }
        match text(&want["title_prefix"]) {
            Some(prefix) if speech.title_line.is_none() || !norm(&speech.title).starts_with(&prefix) => {
                out.push(format!("{at}: title is 「{}」, a reader sees 「{prefix}…」", speech.title));
            }
            None if speech.title_line.is_some() => {
                out.push(format!("{at}: has the title 「{}」, a reader sees none", speech.title));
            }
            _ => {}
        }
        let topic = want.get("topic").and_then(text);
        if let Some(topic) = &topic
            && speech.sections.first().and_then(|c| c.heading.as_deref()).map(norm).as_ref() != Some(topic)
        {
            out.push(format!("{at}: is not under the topic 「{topic}」"));
        }
        let got = points(speech, topic.as_deref());
        let heads: Vec<String> = want["headings"].as_array().into_iter().flatten().filter_map(text).collect();
        let same = got.len() == heads.len() && got.iter().zip(&heads).all(|(h, w)| norm(h).starts_with(w.as_str()));
        if !same {
            out.push(format!("{at}: points are {got:?}, a reader sees {heads:?}"));
        }
        if let Some(prefix) = want.get("byline_prefix").and_then(text) {
            let byline: String = speech.byline.iter().map(|l| norm(l.display())).collect();
            if !byline.starts_with(&prefix) {
                out.push(format!("{at}: byline is 「{byline}」, a reader sees 「{prefix}…」"));
            }
        }
    }
    out
}

fn short(text: &str) -> String {
    text.chars().take(16).collect()
}

fn expectations(dir: &Path) -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(dir.join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The page parsed, with no line lost, no error, and what differs from the reader's view.
fn check_page(dir: &Path, file: &str, want: &Value) -> Vec<String> {
    let path = dir.join(file);
    let (digest, problems) = parse_path(&path);
    let Some(digest) = digest else { return vec![format!("not parsed: {problems:?}")] };
    let mut out = differences(&digest, want);
    let text = std::fs::read_to_string(&path).unwrap();
    if let Some(lost) = breach(&text, &digest) {
        out.push(format!("not lossless: {lost}"));
    }
    out.extend(problems.iter().filter(|p| p.severity == Severity::Error).map(|p| format!("error: {p}")));
    out
}

fn assert_page(dir: &str, file: &str) {
    let dir = fixture(dir);
    let expected = expectations(&dir);
    let differences = check_page(&dir, file, &expected[file]);
    assert!(differences.is_empty(), "{file}:\n  {}", differences.join("\n  "));
}

#[test]
fn a_film_symposium_with_an_inline_note_and_spaced_out_names_reads_as_six_speeches() {
    assert_page("real-digests", "rmrb-2019-02-21-liulang-diqiu.txt");
}

#[test]
fn statements_with_their_speaker_under_them_are_each_that_speakers_speech() {
    assert_page("real-digests", "rmrb-2019-10-17-kexue-suzhi.txt");
}

#[test]
fn a_subtitle_under_the_headline_names_the_event_and_shifts_no_speaker() {
    assert_page("real-digests", "rmrb-2019-10-23-tuopin-yantaohui.txt");
}

#[test]
fn speakers_written_as_role_and_name_with_a_colon_open_speeches_without_titles() {
    assert_page("real-digests", "rmrb-2019-10-28-lidazhao-fayan.txt");
}

#[test]
fn names_with_the_role_in_parentheses_are_the_speakers_of_one_paragraph_speeches() {
    assert_page("real-digests", "rmrb-2020-01-31-women-xinsheng.txt");
}

#[test]
fn a_kicker_a_signed_note_bare_names_and_author_lines_are_each_put_where_a_reader_sees_them() {
    assert_page("real-digests", "rmrb-2020-02-20-yizheng-jianyan.txt");
}

#[test]
fn a_forum_with_foreign_names_keeps_its_mail_and_layout_credits_out_of_the_last_speech() {
    assert_page("real-digests", "rmrb-2020-05-13-boao-luntan.txt");
}

#[test]
fn a_speaker_printed_over_the_title_is_that_speechs_speaker_and_bylines_stay_apart() {
    assert_page("real-digests", "rmrb-2020-05-25-fayanxi.txt");
}

#[test]
fn every_real_page_has_a_test_of_its_own() {
    let expected = expectations(&fixture("real-digests"));
    let this = include_str!("corpus_digests.rs");
    for file in expected.keys() {
        assert!(this.contains(&format!("\"{file}\"")), "{file} has no test");
    }
}

/// Our own pages, in every shape of the genre: all of them read as a reader reads them. The
/// tally per shape is printed (`cargo test multi_speaker -- --nocapture`).
#[test]
fn pages_of_every_multi_speaker_shape_we_wrote_ourselves_read_as_a_reader_reads_them() {
    let dir = fixture("multi-speaker");
    let expected = expectations(&dir);
    assert!(expected.len() >= 30, "{} pages", expected.len());
    let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for (file, want) in &expected {
        let differences = check_page(&dir, file, want);
        let shape = want["shape"].as_str().unwrap_or("?").to_string();
        let entry = tally.entry(shape).or_default();
        entry.1 += 1;
        if differences.is_empty() {
            entry.0 += 1;
        } else {
            failures.push(format!("{file}:\n  {}", differences.join("\n  ")));
        }
    }
    for (shape, (right, all)) in &tally {
        println!("{shape}: {right}/{all} pages right");
    }
    assert!(failures.is_empty(), "{} page(s) read wrong:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn markup_says_what_inference_cannot_a_speaker_over_the_title_and_a_headline_under_its_kicker() {
    let text = "话小康·议报告\n# 代表委员说\n> 本期请几位代表谈体会。\n@ 某市市长 王刚\n## 把实事办实\n要把实事办实。\n@ 某县县长 李红\n## 让群众满意\n群众满意是标准。\n";
    let (digest, problems) = crate::support::parse_bytes("m.txt", text.as_bytes());
    let digest = digest.unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(breach(text, &digest), None);
    assert_eq!(digest.title, "代表委员说");
    assert_eq!(digest.kicker.iter().map(|l| l.display()).collect::<Vec<_>>(), ["话小康·议报告"]);
    let speeches: Vec<(&str, Option<&str>)> =
        digest.speeches.iter().map(|s| (s.title.as_str(), s.speaker_name())).collect();
    assert_eq!(speeches, [("把实事办实", Some("某市市长 王刚")), ("让群众满意", Some("某县县长 李红"))]);
}

#[test]
fn a_speechs_byline_is_searched_with_its_speaker_and_is_never_a_passage() {
    let library =
        digestbot_search::library::Library::load(&fixture("real-digests"), crate::support::analyzer()).unwrap();
    let found = library.search("闫旭", 0, 10).unwrap();
    assert_eq!(found.total, 3, "the three passages of the speech 闫旭 wrote down");
    for hit in &found.hits {
        let located = hit.loc.resolve(&library.corpus).unwrap();
        assert_eq!(located.speech.speaker_name(), Some("重庆市垫江县委书记蒲彬彬代表"));
        assert!(!located.passage.text().contains("整理"), "{}", located.passage.text());
    }
}

#[test]
fn a_reading_that_gives_up_half_way_leaves_no_marks_for_the_next_one() {
    // Two attributions under one item tempt the statements reading, which then finds one speech
    // only: the roundup reading must see the page as it was.
    let text = "要闻快讯\n三部门部署春耕\n本报北京3月5日电 三部门近日部署春耕工作。\n——农业农村部有关负责人张伟\n——水利部有关负责人李明\n全国铁路客流创新高\n本报北京3月5日电 全国铁路客流创新高。\n新能源汽车产销两旺\n本报北京3月5日电 新能源汽车产销两旺。\n";
    let (digest, _) = crate::support::parse_bytes("r.txt", text.as_bytes());
    let digest = digest.unwrap();
    assert_eq!(breach(text, &digest), None);
    let titles: Vec<&str> = digest.speeches.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["三部门部署春耕", "全国铁路客流创新高", "新能源汽车产销两旺"]);
}
