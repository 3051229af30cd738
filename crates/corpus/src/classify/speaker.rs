//! What opens a speech: who spoke (speaker lines, roles, personal names), on what (titles), and
//! when and where (occasions, `——2024年3月5日在…会议上`). They are told apart by each other, so
//! they are one vocabulary.

use super::chars::*;
use super::date::{cn_date, starts_with_date};
use super::heading::heading;
use super::note::{is_note_label, trailer};

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
        && !is_salutation(t)
}

/// The address a speech's text opens with: `各位代表：`, `同志们！`, `女士们、先生们：`. Only a
/// speaker addresses an audience: an editor's note or a title never does.
pub fn is_salutation(t: &str) -> bool {
    // Pages copied from the web leave zero-width characters after the mark (`各位代表：\u{200d}`).
    let t = t.trim_end_matches(['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}']);
    let Some(audience) = t.strip_suffix(['：', ':', '！', '!']) else { return false };
    if count_chars(audience) > 20 {
        return false;
    }
    let mut parts = audience.split(['、', '，', ',', ' ', '\u{3000}']).filter(|part| !part.is_empty()).peekable();
    parts.peek().is_some() && parts.all(is_audience)
}

/// One audience of a salutation: `各位代表`, `同志们`, `尊敬的各位来宾`.
fn is_audience(t: &str) -> bool {
    let t = t.strip_prefix("尊敬的").or_else(|| t.strip_prefix("亲爱的")).unwrap_or(t);
    (3..=6).contains(&count_chars(t)) && t.chars().all(is_han) && (t.starts_with("各位") || t.ends_with('们'))
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
    let (role, name) = role_and_name(t);
    let has_name = !role.is_empty() && is_name(name);
    has_name || t.ends_with(ORG_ENDINGS)
}

/// A speaker line split into the role and the name after it: the last word, or the last single
/// characters when the name is spaced out (`韦 韬`, `李　强`). The role is empty when the line is one word.
pub fn role_and_name(t: &str) -> (&str, &str) {
    let mut starts = Vec::new();
    let mut after_space = true;
    for (i, c) in t.char_indices() {
        let space = c.is_whitespace();
        if !space && after_space {
            starts.push(i);
        }
        after_space = space;
    }
    let n = starts.len();
    if n == 0 {
        return ("", t);
    }
    let word = |k: usize| trim(&t[starts[k]..starts.get(k + 1).copied().unwrap_or(t.len())]);
    let singles = (0..n).rev().take_while(|&k| count_chars(word(k)) == 1).count();
    let first = if (2..=3).contains(&singles) { n - singles } else { n - 1 };
    (trim(&t[..starts[first]]), trim(&t[starts[first]..]))
}

/// A person's name: two to four Han characters (spaces inside do not count), or names joined by a
/// middle dot (`艾尔肯·吐尼亚孜`).
pub fn is_name(t: &str) -> bool {
    // Twenty characters with some spaces at most: a paragraph is told at once, without reading it.
    if t.len() > 96 {
        return false;
    }
    let letters: Vec<char> = t.chars().filter(|c| !c.is_whitespace()).collect();
    let dots = letters.iter().filter(|&&c| is_name_dot(c)).count();
    let han = letters.iter().all(|&c| is_name_dot(c) || is_han(c));
    let parts_ok =
        !letters.first().is_some_and(|&c| is_name_dot(c)) && !letters.last().is_some_and(|&c| is_name_dot(c));
    han && parts_ok && if dots == 0 { (2..=4).contains(&letters.len()) } else { (3..=20).contains(&letters.len()) }
}

/// A role a name follows: `国务院总理`, `广东省省长`, `北京市市长`.
pub fn is_role(t: &str) -> bool {
    const ROLES: &[&str] = &[
        "总理",
        "省长",
        "市长",
        "主席",
        "书记",
        "主任",
        "县长",
        "区长",
        "州长",
        "盟长",
        "旗长",
        "镇长",
        "乡长",
        "部长",
        "厅长",
        "局长",
        "委员",
        "代表",
        "院长",
        "检察长",
        "会长",
        "理事长",
        "董事长",
        "经理",
        "秘书长",
        "校长",
        "行长",
        "社长",
        "司令员",
        "政委",
        "署长",
        "主任委员",
        "主持人",
        "发言人",
    ];
    ROLES.iter().any(|role| t.ends_with(role)) && is_speaker(t)
}

/// `——2024年3月5日在第十四届全国人民代表大会第二次会议上`, with `――` or `--` for the dash, in
/// parentheses (`（2026年1月27日在…会议上）`), or with no mark at all when it opens with the date and
/// says where (`2026年1月14日在浙江省…会议上`). It may also carry the speaker after a space (see
/// `split_occasion`).
pub fn is_occasion(t: &str) -> bool {
    // Cheap tests of the first characters come first: this is asked of most lines of a corpus.
    if t.starts_with("——") || t.starts_with("--") || t.starts_with("――") {
        return !t.starts_with("---") && count_chars(t) <= 120;
    }
    if !t.starts_with(|c: char| c.is_ascii_digit() || "（(在〇零一二三四五六七八九".contains(c)) || count_chars(t) > 120
    {
        return false;
    }
    if let Some(inner) = t.strip_prefix(['（', '(']).and_then(|t| t.strip_suffix(['）', ')'])) {
        return (starts_with_date(inner) && (inner.contains('在') || !inner.contains(['，', '。', ','])))
            || (inner.contains('在') && ends_like_occasion(inner));
    }
    // Without a mark, `…上的讲话` is a speech's title; only `…上`, or the speaker after it, is an occasion.
    let dated = starts_with_date(t) && t.contains('在');
    let placed = t.starts_with('在') && t.contains('会') && count_chars(t) <= 80;
    (dated || placed)
        && !t.contains(SENTENCE_END)
        && !t.contains(['，', ','])
        && (t.ends_with('上') || split_occasion(t).is_some())
}

/// The last words of an occasion: `…会议上`, `…上的讲话`, or the speaker after them.
fn ends_like_occasion(t: &str) -> bool {
    let t = t.trim_end_matches(['）', ')']);
    ["上", "上的讲话", "上的报告", "上的工作报告", "上的发言", "上的致辞"].iter().any(|end| t.ends_with(end))
        || split_occasion(t).is_some()
}

/// An occasion that says when or where, not merely a line under a dash: what a second speech of a
/// report needs to open.
pub fn is_dated_occasion(t: &str) -> bool {
    is_occasion(t)
        && (cn_date(t).is_some()
            || starts_with_date(t.trim_start_matches(['—', '―', '-', '（', '(']))
            || ends_like_occasion(t))
}

/// The first line of an occasion the page broke in two (`——2026年1月26日在广东省第十四届`), when `next`
/// ends it (`人民代表大会第五次会议上`).
pub fn is_split_occasion(first: &str, next: &str) -> bool {
    let starts =
        first.starts_with("——") || first.starts_with("――") || first.starts_with('在') || starts_with_date(first);
    starts
        && first.contains('在')
        && !ends_like_occasion(first)
        && !first.contains(SENTENCE_END)
        && count_chars(first) <= 80
        && count_chars(next) <= 40
        && !next.contains(['，', ',', '。', '；', ';', '：', ':'])
        && ends_like_occasion(next)
}

/// An occasion line that names the speaker after it: `2026年1月27日在…会议上 陕西省省长 赵刚` gives
/// the occasion and `陕西省省长 赵刚`.
pub fn split_occasion(t: &str) -> Option<(&str, &str)> {
    let mut search = t;
    while let Some(at) = search.rfind('上') {
        let head = &t[..at + '上'.len_utf8()];
        let tail = trim(&t[head.len()..]);
        let spaced = t[head.len()..].starts_with(|c: char| c.is_whitespace());
        if spaced && !tail.is_empty() && is_strong_speaker(tail) {
            return Some((head, tail));
        }
        search = &t[..at];
    }
    None
}
