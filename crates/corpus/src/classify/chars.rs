//! The characters and shapes every vocabulary of lines shares: Han characters, name dots,
//! sentence ends.

/// Characters that end a sentence.
pub(crate) const SENTENCE_END: &[char] = &['。', '！', '？', '!', '?'];

pub(crate) fn count_chars(t: &str) -> usize {
    t.chars().count()
}

pub(crate) fn trim(t: &str) -> &str {
    crate::model::trim(t)
}

pub(crate) fn is_name_dot(c: char) -> bool {
    matches!(c, '·' | '•' | '・' | '‧' | '∙' | '．')
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{20000}'..='\u{2ffff}')
}

/// A line that carries on the sentence of the line before it: `是：地区生产总值…`, `，…`.
pub fn continues_sentence(t: &str) -> bool {
    t.starts_with(['，', ',', '。', '、', '；', ';', '：', ':', '）', ')', '》', '”', '’', '！', '？'])
        || ["是：", "是:", "为：", "为:", "的"].iter().any(|p| t.starts_with(p))
}
