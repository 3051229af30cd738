//! Every non-blank line of a file ends up in exactly one place of the model, text unchanged.

use std::collections::BTreeMap;

use proptest::prelude::*;

use crate::support::{bench_corpus, fixture, fixture_corpus, parse_bytes};

/// Markup prefixes an editor may put before a line's text.
const PREFIXES: &[&str] = &["", "# ", "#　", "## ", "##　", "### ", "###　", "@ ", "@　", "> ", ">　", "\\"];

/// Checks the lossless guarantee for one file's text: returns a description of the first breach.
pub(crate) fn breach(text: &str, digest: &digestbot_corpus::Digest) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let blank = |l: &str| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}').is_empty();
    // The front matter, when closed, is metadata rather than text.
    let mut first_text_line = 0;
    if lines.first().is_some_and(|l| l.trim() == "+++")
        && let Some(close) = lines.iter().skip(1).position(|l| l.trim() == "+++")
    {
        first_text_line = close + 2;
    }
    let mut placed: BTreeMap<u32, &str> = BTreeMap::new();
    for (place, line) in digest.lines() {
        if placed.insert(line.no, &line.text).is_some() {
            return Some(format!("line {} is in two places (one of them {place:?})", line.no));
        }
        let Some(raw) = lines.get(line.no as usize - 1) else {
            return Some(format!("line {} does not exist", line.no));
        };
        if !PREFIXES.iter().any(|p| raw.strip_prefix(p) == Some(&line.text)) {
            return Some(format!("line {} reads {:?} in the model but {:?} in the file", line.no, line.text, raw));
        }
    }
    for (i, raw) in lines.iter().enumerate().skip(first_text_line) {
        let no = i as u32 + 1;
        let pure_markup = raw.trim() == "###";
        if !blank(raw) && !pure_markup && !placed.contains_key(&no) {
            return Some(format!("line {no} ({raw:?}) is lost"));
        }
    }
    None
}

#[test]
fn every_line_of_the_seed_is_in_exactly_one_place() {
    let path = std::fs::read_dir(fixture_corpus()).unwrap().next().unwrap().unwrap().path();
    let bytes = std::fs::read(&path).unwrap();
    let (digest, _) = parse_bytes("seed.txt", &bytes);
    let digest = digest.unwrap();
    assert_eq!(breach(std::str::from_utf8(&bytes).unwrap(), &digest), None);
    assert_eq!(digest.lines().len(), 52, "the seed has 52 non-blank lines");
}

#[test]
fn every_line_of_every_shape_fixture_is_in_exactly_one_place() {
    for entry in std::fs::read_dir(fixture("shapes")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let text = std::fs::read_to_string(&path).unwrap();
            let (digest, _) = parse_bytes("shape.txt", text.as_bytes());
            assert_eq!(breach(&text, &digest.unwrap()), None, "{}", path.display());
        }
    }
}

#[test]
fn every_file_of_the_bench_corpus_loads_losslessly_without_errors() {
    let Some(dir) = bench_corpus() else { return };
    let corpus = digestbot_corpus::load_dir(&dir).unwrap();
    let errors: Vec<_> = corpus.problems.iter().filter(|p| p.severity == digestbot_corpus::Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(corpus.digests.len(), 1423);
    for digest in &corpus.digests {
        let text = std::fs::read_to_string(dir.join(&digest.file)).unwrap();
        assert_eq!(breach(&text, digest), None, "{}", digest.file);
        assert!(digest.date.is_some() && !digest.speeches.is_empty(), "{}", digest.file);
    }
}

/// Text built from the pieces this genre is made of, so that generated files hit the parser's
/// decisions (titles, speakers, headings, markup, trailers, front matter) rather than only noise.
fn genre_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("一、".to_string()),
        Just("（二）".to_string()),
        Just("3.".to_string()),
        Just("第一，".to_string()),
        Just("二是".to_string()),
        Just("编者按".to_string()),
        Just("——2024年3月5日在会议上".to_string()),
        Just("国务院总理　李强".to_string()),
        Just("中共合肥市委".to_string()),
        Just("[ 编辑:郝倩淑 ]".to_string()),
        Just("来源：".to_string()),
        Just("+++".to_string()),
        Just("下载".to_string()),
        Just("首页".to_string()),
        Just(">".to_string()),
        Just("时间：".to_string()),
        Just("2026-02-02 09:20".to_string()),
        Just("来源：".to_string()),
        Just("相关链接>>".to_string()),
        Just("扫一扫在手机打开当前页".to_string()),
        Just("附件1".to_string()),
        Just("注释".to_string()),
        Just("［1］".to_string()),
        Just("（2026年1月27日在会议上）".to_string()),
        Just("2026年1月27日在某省人民代表大会上 某省省长 赵刚".to_string()),
        Just("——2026年1月26日在某省".to_string()),
        Just("人民代表大会上".to_string()),
        Just("国务院总理".to_string()),
        Just("李　强".to_string()),
        Just("是：".to_string()),
        Just("title = \"x\"".to_string()),
        Just("# ".to_string()),
        Just("## ".to_string()),
        Just("### ".to_string()),
        Just("###".to_string()),
        Just("@ ".to_string()),
        Just("> ".to_string()),
        Just("\\".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("北京大学教授\u{a0}王一川".to_string()),
        Just("中央宣传部副部长梁言顺：".to_string()),
        Just("——国际科学理事会主席达亚·瑞迪".to_string()),
        Just("（本报记者闫旭整理）".to_string()),
        Just("版式设计：张丹峰".to_string()),
        Just("——编 者".to_string()),
        Just("张 也（歌唱演员）".to_string()),
        Just("。".to_string()),
        Just("，".to_string()),
        Just("　".to_string()),
        "[一-龥]{1,12}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

/// Whole lines of multi-speaker pages (speakers in every printed form, bylines, credits, kickers,
/// subtitles, statements), in any order and any number: pages the multi-speaker layout reads.
fn multi_speaker_page() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("讲政治 抓学习 正风气"),
        Just("工商界人士接受本报采访表示——"),
        Just("——学习贯彻某某精神研讨会发言摘编"),
        Just("编者按：某某研讨会日前召开。"),
        Just("主持人语：本期请来几位代表。"),
        Just("——编\u{a0}者"),
        Just("北京大学艺术学院院长\u{a0}\u{a0}王一川"),
        Just("导演\u{a0}\u{a0}韩\u{a0}\u{a0}延"),
        Just("重庆市垫江县委书记蒲彬彬代表"),
        Just("张\u{a0}也（歌唱演员）"),
        Just("蔡奇代表（北京市委书记）"),
        Just("杨伟民"),
        Just("穆罕默德·法伊兹"),
        Just("（埃及国际政治专家）"),
        Just("中央宣传部副部长梁言顺："),
        Just("全国人大代表、某市市长 王刚：要把实事办实。"),
        Just("——国际科学理事会主席达亚·瑞迪"),
        Just("——维也纳大学教授特拉普。他在中国留过学。"),
        Just("——日本电影女主角某某"),
        Just("□ 本报评论员"),
        Just("（本报记者闫旭、刘新吾整理）"),
        Just("（作者为全国政协常委）"),
        Just("版式设计：张丹峰"),
        Just("电子信箱：a@b.cn"),
        Just("代表通道"),
        Just("联播快讯"),
        Just("本报北京3月5日电 某某工作会议召开。"),
        Just("一是支持。科幻是工业革命的产物。"),
        Just("中式科幻大片的开山之作"),
        Just("为建设党的新闻舆论阵地"),
        Just("推动制造业高质量发展"),
        Just("影片摆脱了美式科幻片主导的逃离地球范式，独创出崭新的范式。"),
        Just("## 标题"),
        Just("@ 某某"),
        Just("# 标题"),
        Just("\\某某"),
        Just(""),
    ];
    prop::collection::vec(line, 0..40).prop_map(|lines| lines.join("\n"))
}

/// Parsed, `text` keeps every line in one place, or is refused with an error.
fn loses_no_line(text: &str) -> Result<(), TestCaseError> {
    let (digest, problems) = parse_bytes("p.txt", text.as_bytes());
    match digest {
        Some(digest) => prop_assert_eq!(breach(text, &digest), None),
        None => prop_assert!(problems.iter().any(|p| p.severity == digestbot_corpus::Severity::Error)),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn parsing_any_text_never_panics_and_loses_no_line(text in genre_text()) {
        loses_no_line(&text)?;
    }

    #[test]
    fn parsing_any_multi_speaker_page_never_panics_and_loses_no_line(text in multi_speaker_page()) {
        loses_no_line(&text)?;
    }

    #[test]
    fn parsing_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let (digest, problems) = parse_bytes("p.txt", &bytes);
        prop_assert!(digest.is_some() || !problems.is_empty());
    }
}

#[test]
fn a_speaker_mark_after_a_trailer_is_the_speaker_and_nothing_else() {
    // Found by the property test: the `@` line was both the speaker and a passage.
    let text = "## 一、\n[ 编辑:郝倩淑 ]\n@ 一、\n";
    let (digest, _) = parse_bytes("p.txt", text.as_bytes());
    let digest = digest.unwrap();
    assert_eq!(breach(text, &digest), None);
    assert_eq!(digest.speeches[0].speaker_name(), Some("一、"));
}
