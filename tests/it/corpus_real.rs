//! Real documents as administrators bring them: copied or saved from official web pages, with the
//! page's furniture around the text, lines the page broke, appendices after the closing words.

use std::fmt::Write;

use digestbot_corpus::{Digest, Line, Severity};

use crate::corpus_lossless::breach;
use crate::support::{analyzer, assert_outlines, fixture, outline, parse_bytes, parse_path};

/// `1-6, 9`: line numbers in runs.
fn runs(lines: &[Line]) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for line in lines {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == line.no => *last = line.no,
            _ => runs.push((line.no, line.no)),
        }
    }
    let runs: Vec<String> =
        runs.iter().map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") }).collect();
    runs.join(", ")
}

/// The outline, then which lines went to the preamble and to the trailer.
fn outline_with_furniture(digest: &Digest, problems: &[digestbot_corpus::Problem]) -> String {
    let mut out = outline(digest, problems);
    for (place, lines) in [("preamble", &digest.preamble), ("trailer", &digest.trailer)] {
        if !lines.is_empty() {
            let _ = writeln!(out, "{place} {}", runs(lines));
        }
    }
    out
}

#[test]
fn each_shape_of_real_documents_parses_to_its_expected_outline() {
    assert_outlines(&fixture("real-shapes"), outline_with_furniture, 14);
}

/// `一、…`: a heading numbered like the report's top-level sections.
fn is_top_level(heading: &str) -> bool {
    let numeral = heading.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).count();
    numeral > 0 && heading.chars().nth(numeral) == Some('、')
}

#[test]
fn the_six_real_reports_are_one_speech_each_with_the_title_speaker_and_headings_a_reader_sees() {
    let dir = fixture("real-reports");
    let expected: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    assert_eq!(expected.len(), 6);
    for (file, want) in &expected {
        let (digest, problems) = parse_path(&dir.join(file));
        let digest = digest.unwrap();
        assert!(problems.is_empty(), "{file}: {problems:?}");
        assert_eq!(
            digest.speeches.len(),
            1,
            "{file}: {:?}",
            digest.speeches.iter().map(|s| &s.title).collect::<Vec<_>>()
        );
        let speech = &digest.speeches[0];
        let title = want["title"].as_str().unwrap();
        assert_eq!((digest.title.as_str(), speech.title.as_str()), (title, title), "{file}");
        let speaker: String = speech.speaker_name().unwrap().chars().filter(|c| !c.is_whitespace()).collect();
        assert!(speaker.ends_with(want["speaker"].as_str().unwrap()), "{file}: speaker {speaker}");

        let headings: Vec<&str> = speech.sections.iter().filter_map(|c| c.heading.as_deref()).collect();
        let top: Vec<&str> = headings.iter().copied().filter(|h| is_top_level(h)).collect();
        let want_top: Vec<&str> = want["headings"].as_array().unwrap().iter().map(|h| h.as_str().unwrap()).collect();
        assert_eq!(top.len(), want_top.len(), "{file}: {top:?}");
        for (heading, prefix) in top.iter().zip(&want_top) {
            assert!(heading.starts_with(prefix), "{file}: {heading} is not {prefix}…");
        }
        // Nothing spurious: besides the introduction, every section is a top-level one or an appendix.
        for heading in headings.iter().filter(|h| !is_top_level(h)) {
            assert!(["附件", "注释", "名词解释"].iter().any(|label| heading.starts_with(label)), "{file}: {heading}");
        }
        assert!(speech.sections[1..].iter().all(|c| c.heading.is_some()), "{file}");
        let intro = &speech.sections[0];
        assert!(
            intro.heading.is_none() && intro.passages[0].text().starts_with("各位代表"),
            "{file}: {:?}",
            intro.passages[0].text()
        );
        // The closing words stay in the last numbered section, before any appendix.
        let last = speech.sections.iter().rev().find(|c| c.heading.as_deref().is_some_and(is_top_level)).unwrap();
        assert!(last.passages.last().unwrap().text().starts_with("各位代表"), "{file}");
    }
}

#[test]
fn the_furniture_of_the_real_reports_is_set_aside_and_gives_source_and_date() {
    let dir = fixture("real-reports");
    let parse = |file: &str| parse_path(&dir.join(file)).0.unwrap();
    let beijing = parse("beijing.txt");
    let preamble: Vec<&str> = beijing.preamble.iter().map(Line::display).collect();
    assert_eq!(
        preamble,
        [
            "下载",
            "打印",
            "全屏",
            "收藏",
            "【字号：",
            "加大",
            "还原",
            "减小",
            "】",
            "时间：2026-02-02",
            "殷勇同志作政府工作报告。本报记者 戴冰摄"
        ]
    );
    let trailer: Vec<&str> = beijing.trailer.iter().map(Line::display).collect();
    assert_eq!(trailer, ["来源：北京日报", "相关报道："]);
    assert_eq!((beijing.source.as_deref(), beijing.date.as_deref()), (Some("北京日报"), Some("2026-01-25")));

    let shaanxi = parse("shaanxi.txt");
    assert_eq!(runs(&shaanxi.preamble), "1, 4-14, 17-18");
    assert_eq!(runs(&shaanxi.trailer), "15-16, 84");
    assert_eq!(shaanxi.source.as_deref(), Some("陕西省人民政府"));
    let speech = &shaanxi.speeches[0];
    assert_eq!(speech.occasion.as_deref(), Some("2026年1月27日在陕西省第十四届人民代表大会第四次会议上"));
    assert_eq!(speech.speaker_name(), Some("陕西省省长 赵刚"));

    let guangdong = parse("guangdong.txt");
    assert!(guangdong.preamble.is_empty() && guangdong.trailer.is_empty(), "a report without furniture loses nothing");
    let speech = &guangdong.speeches[0];
    assert_eq!(speech.occasion.as_deref(), Some("——2026年1月26日在广东省第十四届人民代表大会第五次会议上"));
    assert_eq!(speech.occasion_lines.len(), 2);
    let appendix = speech.sections.iter().find(|c| c.heading.as_deref() == Some("附件1")).unwrap();
    assert_eq!(appendix.passages[0].text(), "2026年省十件民生实事");
    assert_eq!(appendix.passages.len(), 22, "the ten items and their paragraphs stay in the appendix");
}

#[test]
fn every_line_of_the_real_reports_and_their_shapes_is_in_exactly_one_place() {
    let mut checked = 0;
    for dir in ["real-reports", "real-shapes"] {
        for entry in std::fs::read_dir(fixture(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                let text = std::fs::read_to_string(&path).unwrap();
                let (digest, _) = parse_bytes("real.txt", text.as_bytes());
                assert_eq!(breach(&text, &digest.unwrap()), None, "{}", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked >= 15);
}

#[test]
fn furniture_is_never_searched_and_appendices_are() {
    let library = digestbot_search::library::Library::load(&fixture("real-reports"), analyzer()).unwrap();
    for furniture in ["扫一扫", "政府信息公开", "戴冰摄", "省长赵刚作", "下载", "收藏"] {
        assert_eq!(library.search(furniture, 0, 10).unwrap().total, 0, "{furniture}");
    }
    for appendix in ["名词解释", "一降三减", "长期护理保险制度"] {
        assert!(library.search(appendix, 0, 10).unwrap().total > 0, "{appendix}");
    }
}

#[test]
fn a_line_marked_as_text_is_never_furniture() {
    let text = "\\下载\n政府工作报告\n——2026年1月20日在某省人民代表大会上\n某省省长　王刚\n各位代表：\n一、工作回顾\n过去一年成绩显著。\n\\打印本页\n";
    let (digest, problems) = parse_bytes("marked.txt", text.as_bytes());
    let digest = digest.unwrap();
    assert!(digest.preamble.is_empty() && digest.trailer.is_empty());
    assert_eq!(digest.title, "下载", "the escaped first line is still the title");
    assert_eq!(breach(text, &digest), None);
    let last = digest.speeches.last().unwrap().sections.last().unwrap().passages.last().unwrap();
    assert_eq!((last.text(), problems.iter().filter(|p| p.severity == Severity::Error).count()), ("打印本页", 0));
}

#[test]
fn a_file_of_nothing_but_furniture_keeps_its_lines_as_text() {
    let text = "下载\n打印\n相关链接>>\n";
    let (digest, _) = parse_bytes("chrome.txt", text.as_bytes());
    let digest = digest.unwrap();
    assert!(digest.preamble.is_empty() && digest.trailer.is_empty());
    assert_eq!(digest.title, "下载");
    assert_eq!(breach(text, &digest), None);
}
