//! Numbered section headings and their numbering styles.

use super::chars::*;

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
pub(super) fn cn_number(s: &str) -> Option<(u32, &str)> {
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
            // `一、二季度` counts quarters, it does not number a heading; `一、一年接着一年干` does.
            if cn_number(rest)
                .is_some_and(|(_, after)| after.starts_with(['季', '、', '月', '级', '类', '批', '档', '等']))
            {
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
