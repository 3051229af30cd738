//! What a person typed, turned into terms. User input never reaches tantivy's query parser: quotes,
//! `:`, `(`, `*`, `AND` and `-` are text here, not syntax.

use super::chars::{is_separator, is_word};
use super::normalize::Normalizer;

/// Longer queries are refused (Telegram caps inline queries at 256 characters too).
pub const MAX_QUERY_CHARS: usize = 256;

/// A query: every term must occur in a passage (or in its speech title, speaker or section
/// heading); `@名` filters restrict it to speeches whose speaker or title contains 名.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// Normalized terms, each with at least one letter, digit or Han character.
    pub terms: Vec<String>,
    /// Normalized speaker filters, from `@合肥`.
    pub speakers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// Nothing but white space.
    Empty,
    /// Only punctuation or symbols: nothing to search for.
    NoWords,
    TooLong {
        chars: usize,
        max: usize,
    },
}

/// Refuses text longer than a query may be; `/speaker` words are held to the same limit.
pub fn check_length(raw: &str) -> Result<(), QueryError> {
    let chars = raw.chars().count();
    if chars > MAX_QUERY_CHARS { Err(QueryError::TooLong { chars, max: MAX_QUERY_CHARS }) } else { Ok(()) }
}

/// Parses a query typed by a person. Terms are split at white space first (an ideographic space
/// too), then normalized like index text.
pub fn parse(normalizer: &Normalizer, raw: &str) -> Result<Query, QueryError> {
    check_length(raw)?;
    if raw.trim().is_empty() {
        return Err(QueryError::Empty);
    }
    let mut query = Query::default();
    for raw_term in raw.split(char::is_whitespace).filter(|t| !t.is_empty()) {
        let (is_speaker, raw_term) = match raw_term.strip_prefix(['@', '＠']) {
            Some(rest) => (true, rest),
            None => (false, raw_term),
        };
        let normalized = normalizer.text(raw_term);
        for piece in normalized.split(is_separator).filter(|p| is_word(p)) {
            let list = if is_speaker { &mut query.speakers } else { &mut query.terms };
            if !list.iter().any(|t| t == piece) {
                list.push(piece.to_string());
            }
        }
    }
    if query.terms.is_empty() && query.speakers.is_empty() {
        return Err(QueryError::NoWords);
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_characters_are_text_and_terms_are_normalized() {
        let n = Normalizer::new();
        let q = |s| parse(&n, s).unwrap();
        assert_eq!(q("人大代表").terms, ["人大代表"]);
        assert_eq!(q("\"四个强化\"").terms, ["四个强化"]);
        assert_eq!(q("title:预算 AND (人大*").terms, ["title", "预算", "and", "人大"]);
        assert_eq!(q("-代表").terms, ["-代表"]);
        assert_eq!(q("５％").terms, ["5%"]);
        assert_eq!(q("@合肥 预算"), Query { terms: vec!["预算".into()], speakers: vec!["合肥".into()] });
        assert_eq!(q("人大　代表 人大").terms, ["人大", "代表"]);
    }

    #[test]
    fn empty_punctuation_and_overlong_queries_are_refused() {
        let n = Normalizer::new();
        assert_eq!(parse(&n, "  \u{3000} "), Err(QueryError::Empty));
        assert_eq!(parse(&n, "。，！\"\" -- ***"), Err(QueryError::NoWords));
        assert_eq!(parse(&n, "😀"), Err(QueryError::NoWords));
        assert!(matches!(parse(&n, &"人".repeat(10_000)), Err(QueryError::TooLong { chars: 10_000, .. })));
    }
}
