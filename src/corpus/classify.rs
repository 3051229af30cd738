//! What a single line looks like: the shapes this genre's layout is inferred from.
//!
//! Everything here looks at one trimmed line and nothing else; the parser decides with context.

/// Characters that end a sentence.
const SENTENCE_END: &[char] = &['。', '！', '？', '!', '?'];

fn count_chars(t: &str) -> usize {
    t.chars().count()
}

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

/// `——2024年3月5日在第十四届全国人民代表大会第二次会议上`
pub fn is_occasion(t: &str) -> bool {
    (t.starts_with("——") || t.starts_with("--") || t.starts_with("—— "))
        && !t.starts_with("---")
        && count_chars(t) <= 120
}

/// A line that can be a speech's title: short enough, and not ending like a sentence in the
/// middle of a paragraph. Titles may end with ！ or ？ (`海采：这个假期去哪？看什么？`).
pub fn is_title(t: &str) -> bool {
    let n = count_chars(t);
    (1..=200).contains(&n)
        && !t.ends_with(['。', '，', ',', '；', ';', '：', ':', '、'])
        && heading(t).is_none()
        && trailer(t).is_none()
        && !is_occasion(t)
        && !is_note_label(t)
}

/// A line that names who spoke: `中共合肥市委`, `六安市人大常委会`, `国务院总理　李强`.
pub fn is_speaker(t: &str) -> bool {
    let n = count_chars(t);
    (2..=30).contains(&n)
        // `、` is allowed: bylines list roles, `全国人大代表、合肥市市长　罗云峰`.
        && !t.contains([
            '。', '，', ',', '；', ';', '：', ':', '！', '？', '!', '?', '“', '”', '"', '‘', '’', '《', '》', '【', '】',
            '[', ']',
        ])
        && !t.starts_with(['（', '('])
        && heading(t).is_none()
        && trailer(t).is_none()
        && !is_occasion(t)
        && !is_note_label(t)
}

/// A speaker line that can stand without a title above it: an organization (`中共合肥市委`,
/// `六安市人大常委会`) or a role and a name (`国务院总理　李强`), not a headline that merely lacks
/// punctuation.
pub fn is_strong_speaker(t: &str) -> bool {
    const ORG_ENDINGS: &[char] = &[
        '委', '会', '局', '厅', '院', '府', '大', '办', '部', '镇', '县', '市', '区', '省', '乡', '道', '司', '团',
        '学', '心', '组', '所', '站', '处', '室', '社', '馆', '校', '行', '台', '报',
    ];
    if !is_speaker(t) {
        return false;
    }
    let last = t.rsplit([' ', '\u{3000}']).next().unwrap_or(t);
    let has_name = last.len() != t.len() && (2..=4).contains(&count_chars(last));
    has_name || t.ends_with(ORG_ENDINGS)
}

/// Whether a style's numbers may start again at one further on in a speech: `第一，` and `一是`
/// enumerate points wherever a speaker makes some, the other styles number a speech's headings once.
pub fn restarts(style: Style) -> bool {
    matches!(style, Style::Ordinal | Style::Enumeration)
}

/// The numbering styles of section headings, best first: when a speech uses several, the first
/// one here that forms a sequence is its sections, and the others stay inside paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `一、`
    Ideographic,
    /// `（一）`
    Parenthesized,
    /// `1.` `1、`
    Arabic,
    /// `第一，`
    Ordinal,
    /// `一是`
    Enumeration,
}

pub const STYLES: [Style; 5] =
    [Style::Ideographic, Style::Parenthesized, Style::Arabic, Style::Ordinal, Style::Enumeration];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heading {
    pub style: Style,
    pub number: u32,
    /// The line is a heading by itself rather than a paragraph that opens with one.
    pub standalone: bool,
}

/// Reads a Chinese numeral from 一 to 九十九 at the start of `s`.
fn cn_number(s: &str) -> Option<(u32, &str)> {
    let digit = |c: char| "一二三四五六七八九".find(c).map(|i| (i / 3) as u32 + 1);
    let numeral: Vec<(usize, char)> = s.char_indices().take_while(|&(_, c)| c == '十' || digit(c).is_some()).collect();
    let value = match numeral.iter().map(|&(_, c)| c).collect::<Vec<_>>()[..] {
        [d] if d != '十' => digit(d)?,
        ['十'] => 10,
        ['十', d] => 10 + digit(d)?,
        [d, '十'] => 10 * digit(d)?,
        [d, '十', e] => 10 * digit(d)? + digit(e)?,
        _ => return None,
    };
    let end = numeral.last().map(|&(i, c)| i + c.len_utf8())?;
    Some((value, &s[end..]))
}

/// Recognizes a numbered heading at the start of a trimmed line.
pub fn heading(t: &str) -> Option<Heading> {
    let (style, number, rest) = if let Some(inner) = t.strip_prefix(['（', '(']) {
        let (n, rest) = cn_number(inner)?;
        (Style::Parenthesized, n, rest.strip_prefix(['）', ')'])?)
    } else if let Some(inner) = t.strip_prefix('第') {
        let (n, rest) = cn_number(inner)?;
        (Style::Ordinal, n, rest.strip_prefix(['，', ',', '、', '：', ':'])?)
    } else if t.starts_with(|c: char| c.is_ascii_digit()) {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 2 {
            return None;
        }
        let n: u32 = t[..digits].parse().ok()?;
        let rest = t[digits..].strip_prefix(['.', '．', '、'])?;
        // `1.5万亩` is a number, not a heading.
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        (Style::Arabic, n, rest)
    } else {
        let (n, rest) = cn_number(t)?;
        if let Some(rest) = rest.strip_prefix('、') {
            // `一、二季度` counts quarters, it does not number a heading.
            if cn_number(rest).is_some() {
                return None;
            }
            (Style::Ideographic, n, rest)
        } else if let Some(rest) = rest.strip_prefix('是') {
            (Style::Enumeration, n, rest)
        } else {
            return None;
        }
    };
    let rest = rest.trim_start_matches([' ', '\u{3000}']);
    if rest.is_empty() || number == 0 {
        return None;
    }
    let body = rest.strip_suffix(SENTENCE_END).unwrap_or(rest);
    let standalone = !body.contains(SENTENCE_END) && count_chars(rest) <= 60;
    Some(Heading { style, number, standalone })
}

/// The heading of a section that a paragraph opens: its first sentence, or its first clause when
/// that sentence is long.
pub fn inline_heading(t: &str) -> String {
    const MAX: usize = 40;
    let first_sentence = t.split(['。', '！', '？', '；', '!', '?', ';']).next().unwrap_or(t);
    if count_chars(first_sentence) <= MAX {
        return first_sentence.to_string();
    }
    // Skip the numbering itself (`第一，`) when looking for the end of the first clause.
    let skip = t.char_indices().nth(3).map_or(t.len(), |(i, _)| i);
    let clause_end = first_sentence[skip.min(first_sentence.len())..].find(['，', ',', '：', ':']).map(|i| i + skip);
    match clause_end {
        Some(end) if count_chars(&first_sentence[..end]) <= MAX => first_sentence[..end].to_string(),
        _ => {
            let cut = first_sentence.char_indices().nth(MAX).map_or(first_sentence.len(), |(i, _)| i);
            format!("{}…", &first_sentence[..cut])
        }
    }
}

/// Finds a full date written the Chinese way (`2024年3月5日`) and returns it as `2024-03-05`.
pub fn cn_date(t: &str) -> Option<String> {
    let bytes = t.as_bytes();
    let mut from = 0;
    while let Some(pos) = t[from..].find('年').map(|p| p + from) {
        from = pos + '年'.len_utf8();
        let year_start = bytes[..pos].iter().rev().take_while(|b| b.is_ascii_digit()).count();
        if year_start != 4 {
            continue;
        }
        let year: i32 = t[pos - 4..pos].parse().ok()?;
        let rest = &t[from..];
        let month_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let Some(after_month) = rest[month_len..].strip_prefix('月') else { continue };
        let day_len = after_month.bytes().take_while(u8::is_ascii_digit).count();
        if after_month[day_len..].starts_with('日') && (1..=2).contains(&month_len) && (1..=2).contains(&day_len) {
            let month: u32 = rest[..month_len].parse().ok()?;
            let day: u32 = after_month[..day_len].parse().ok()?;
            if let Some(date) = chrono::NaiveDate::from_ymd_opt(year, month, day) {
                return Some(date.format("%Y-%m-%d").to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_read_up_to_ninety_nine() {
        assert_eq!(cn_number("一、").map(|x| x.0), Some(1));
        assert_eq!(cn_number("十、").map(|x| x.0), Some(10));
        assert_eq!(cn_number("十二、").map(|x| x.0), Some(12));
        assert_eq!(cn_number("二十、").map(|x| x.0), Some(20));
        assert_eq!(cn_number("二十三是").map(|x| x.0), Some(23));
        assert_eq!(cn_number("一二三"), None);
        assert_eq!(cn_number("人大"), None);
    }

    #[test]
    fn every_heading_shape_of_the_genre_is_recognized() {
        let h = |t| heading(t).map(|h| (h.style, h.number, h.standalone));
        assert_eq!(h("一、强化制度自信,始终坚持党对人大工作全面领导"), Some((Style::Ideographic, 1, true)));
        assert_eq!(h("（二）着力扩大国内需求。"), Some((Style::Parenthesized, 2, true)));
        assert_eq!(h("(三)推动高质量发展"), Some((Style::Parenthesized, 3, true)));
        assert_eq!(h("1.坚持稳中求进"), Some((Style::Arabic, 1, true)));
        assert_eq!(h("12、完善制度"), Some((Style::Arabic, 12, true)));
        assert_eq!(
            h("一是坚持党的领导,把牢政治方向。镇党委每季度至少专题研究一次"),
            Some((Style::Enumeration, 1, false))
        );
        assert_eq!(h("第一，坚持问题导向。我们……"), Some((Style::Ordinal, 1, false)));
        assert_eq!(h("1.5万亩高标准农田"), None);
        assert_eq!(h("2024年工作回顾"), None);
        assert_eq!(h("一是"), None);
        assert_eq!(h("一二三"), None);
        assert_eq!(h("一、二季度，全市经济增长百分之五。"), None);
    }

    #[test]
    fn inline_headings_are_the_first_sentence_or_clause() {
        assert_eq!(inline_heading("一是坚持党的领导,把牢政治方向。镇党委每季度"), "一是坚持党的领导,把牢政治方向");
        let long = "第一，坚持以习近平新时代中国特色社会主义思想为指导全面贯彻落实党的二十大和二十届历次全会精神不断推进，我们要。";
        assert!(inline_heading(long).chars().count() <= 41);
    }

    #[test]
    fn trailers_give_editor_and_source() {
        assert!(matches!(trailer("[ 编辑:郝倩淑 ]"), Some(Trailer::Editor("郝倩淑"))));
        assert!(matches!(trailer("责任编辑：张三"), Some(Trailer::Editor("张三"))));
        assert!(matches!(trailer("来源：安徽日报"), Some(Trailer::Source("安徽日报"))));
        assert!(matches!(trailer("（记者 王明 李华）"), Some(Trailer::Other)));
        assert!(matches!(trailer("---(更新时间戳: 1664109102894)"), Some(Trailer::Other)));
        assert!(trailer("来源：据统计，今年全省粮食产量再创新高。").is_none());
        assert!(trailer("（按姓氏笔画为序排列）").is_none());
    }

    #[test]
    fn speakers_and_titles_are_told_from_paragraphs() {
        assert!(is_speaker("中共合肥市委"));
        assert!(is_speaker("国务院总理　李强"));
        assert!(!is_speaker("各位代表："));
        assert!(!is_speaker("（按姓氏笔画为序排列）"));
        assert!(is_strong_speaker("国务院总理　李强") && is_strong_speaker("濉溪县刘桥镇人大"));
        assert!(is_speaker("全国人大代表、合肥市市长　罗云峰"));
        assert!(!is_strong_speaker("聚焦主责主业 推动镇人大工作提质增效"));
        assert!(is_title("海采：这个假期去哪？看什么？"));
        assert!(!is_title("习近平总书记强调，要树立人大是第一线机关的观念。"));
        assert!(!is_title("一、强化制度自信"));
    }

    #[test]
    fn chinese_dates_become_iso_dates() {
        assert_eq!(cn_date("——2024年3月5日在第十四届全国人民代表大会第二次会议上").as_deref(), Some("2024-03-05"));
        assert_eq!(cn_date("新闻联播 2022年9月24日").as_deref(), Some("2022-09-24"));
        assert_eq!(cn_date("12月7日,省委人大工作会议"), None);
        assert_eq!(cn_date("2023年2月30日"), None);
    }
}
