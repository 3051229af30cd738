//! The editor's note and what closes a digest: note labels, trailers (editor, source, byline),
//! appendix labels and the numbers of notes.

use super::chars::*;

/// `编者按：……` with the note's text on the same line.
pub fn is_inline_note(t: &str) -> bool {
    ["编者按：", "编者按:", "【编者按】"].iter().any(|p| t.starts_with(p)) && !is_note_label(t)
}

/// `编者按`, `编者按：`, `【编者按】`, `编者的话`: a label line that opens the editor's note.
pub fn is_note_label(t: &str) -> bool {
    let inner = t.trim_matches(|c| matches!(c, '【' | '】' | '[' | ']' | '［' | '］' | '：' | ':' | ' ' | '\u{3000}'));
    matches!(inner, "编者按" | "编者的话" | "编前语" | "编前" | "编后")
}

/// What a trailer line tells about the digest.
pub enum Trailer<'a> {
    Editor(&'a str),
    Source(&'a str),
    Other,
}

/// Editor, source and byline lines: `[ 编辑:郝倩淑 ]`, `责任编辑：…`, `来源：…`, `（记者 …）`,
/// and a closing rule such as `---(更新时间戳: …)`.
pub fn trailer(t: &str) -> Option<Trailer<'_>> {
    if t.starts_with("---") {
        return Some(Trailer::Other);
    }
    if count_chars(t) > 60 || t.contains('。') {
        return None;
    }
    let inner = t
        .trim_start_matches(['[', '【', '［', '(', '（', ' ', '\u{3000}'])
        .trim_end_matches([']', '】', '］', ')', '）', ' ', '\u{3000}']);
    let bracketed = inner.len() != t.len();
    let value_after = |labels: &[&str]| {
        labels
            .iter()
            .find_map(|label| inner.strip_prefix(label)?.trim_start().strip_prefix([':', '：']))
            .map(|value| value.trim_matches([' ', '\u{3000}']))
    };
    if let Some(name) = value_after(&["责任编辑", "编辑"]) {
        return (!name.is_empty()).then_some(Trailer::Editor(name));
    }
    if let Some(source) = value_after(&["来源", "稿源", "文章来源"]) {
        return (!source.is_empty()).then_some(Trailer::Source(source));
    }
    if bracketed && ["记者", "本报记者", "通讯员", "实习记者"].iter().any(|p| inner.starts_with(p)) {
        return Some(Trailer::Other);
    }
    None
}

/// A line that heads an appendix after a report's closing words: `附件`, `附件1`, `附件2：…`, `附：…`,
/// `注释`, `名词解释`.
pub fn is_appendix_label(t: &str) -> bool {
    if !t.starts_with(['附', '注', '名', '词', '术', '【', '[', '［']) {
        return false;
    }
    let t = t.trim_matches(|c: char| c.is_whitespace() || matches!(c, '【' | '】' | '[' | ']' | '［' | '］'));
    if count_chars(t) > 40 || t.contains(SENTENCE_END) {
        return false;
    }
    let bare = t.trim_end_matches(['：', ':']);
    if ["注释", "注解", "注", "名词解释", "名词注释", "词语解释", "术语解释", "附", "附录", "附表", "附件"]
        .contains(&bare)
    {
        return true;
    }
    for label in ["附件", "附录", "附表"] {
        if let Some(rest) = bare.strip_prefix(label) {
            let number = rest.trim_start_matches(|c: char| c.is_whitespace());
            let digits =
                number.chars().take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c)).count();
            let after: &str = number.char_indices().nth(digits).map_or("", |(i, _)| &number[i..]);
            if digits > 0 && (after.is_empty() || after.starts_with(['：', ':', ' ', '\u{3000}', '.', '、'])) {
                return true;
            }
        }
    }
    ["附：", "附:", "附件：", "附件:"].iter().any(|p| t.starts_with(p))
}

/// The number of a note in a list of notes: `［1］一降三减：` is 1.
pub fn note_number(t: &str) -> Option<u32> {
    let rest = t.strip_prefix(['［', '[', '【', '〔'])?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=3).contains(&digits) {
        return None;
    }
    rest[digits..].starts_with(['］', ']', '】', '〕']).then(|| rest[..digits].parse().ok()).flatten()
}
