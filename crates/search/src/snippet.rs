//! Snippets: about 120 characters of a passage around its best match, with the matches' byte
//! ranges so each edge can render them its own way (`<b>` in Telegram, bold in a terminal).

use super::normalize::Normalizer;

/// Characters of passage text a snippet shows.
pub const SNIPPET_CHARS: usize = 120;
/// Characters of context kept before the first match in the window.
const LEAD_CHARS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// Published text, with `…` where it was cut.
    pub text: String,
    /// Byte ranges of `text` to highlight, sorted and disjoint.
    pub highlights: Vec<(usize, usize)>,
}

/// Byte ranges of `text` (published) where the normalized terms occur, merged and sorted.
pub fn matches(normalizer: &Normalizer, text: &str, terms: &[String]) -> Vec<(usize, usize, usize)> {
    let norm = normalizer.normalize(text);
    let mut found = Vec::new();
    for (k, term) in terms.iter().enumerate() {
        for at in memchr::memmem::find_iter(norm.text.as_bytes(), term.as_bytes()) {
            let (s, e) = norm.original(at, at + term.len());
            found.push((s, e, k));
        }
    }
    found.sort_unstable();
    found
}

/// The snippet of `text` for `terms` (normalized query terms).
pub fn snippet(normalizer: &Normalizer, text: &str, terms: &[String]) -> Snippet {
    let found = matches(normalizer, text, terms);
    let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let chars = bounds.len() - 1;
    let char_at = |byte: usize| bounds.partition_point(|&b| b < byte);
    let (from, to) = if chars <= SNIPPET_CHARS {
        (0, chars)
    } else {
        // The window that shows the most distinct terms, then the most matches; earliest on ties.
        let mut best = (0, 0, 0usize);
        let mut best_window = (0, SNIPPET_CHARS);
        for &(s, _, _) in found.iter().take(64) {
            let start = char_at(s).saturating_sub(LEAD_CHARS).min(chars - SNIPPET_CHARS);
            let end = start + SNIPPET_CHARS;
            let inside: Vec<_> = found.iter().filter(|m| char_at(m.0) >= start && char_at(m.1) <= end).collect();
            let mut distinct: Vec<usize> = inside.iter().map(|m| m.2).collect();
            distinct.sort_unstable();
            distinct.dedup();
            let score = (distinct.len(), inside.len(), usize::MAX - start);
            if score > best {
                best = score;
                best_window = (start, end);
            }
        }
        best_window
    };
    let (byte_from, byte_to) = (bounds[from], bounds[to]);
    let mut out = Snippet { text: String::new(), highlights: Vec::new() };
    if from > 0 {
        out.text.push('…');
    }
    let shift = out.text.len();
    out.text.push_str(&text[byte_from..byte_to]);
    for &(s, e, _) in &found {
        let (s, e) = (s.max(byte_from), e.min(byte_to));
        if s >= e {
            continue;
        }
        let (s, e) = (s - byte_from + shift, e - byte_from + shift);
        match out.highlights.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.highlights.push((s, e)),
        }
    }
    if to < chars {
        out.text.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_passage_is_whole_with_its_matches_marked() {
        let n = Normalizer::new();
        let s = snippet(&n, "人大代表和人民代表大会", &["代表".into()]);
        assert_eq!(s.text, "人大代表和人民代表大会");
        let marked: Vec<&str> = s.highlights.iter().map(|&(a, b)| &s.text[a..b]).collect();
        assert_eq!(marked, ["代表", "代表"]);
    }

    #[test]
    fn a_long_passage_is_cut_around_the_match_and_marks_the_published_form() {
        let n = Normalizer::new();
        let text = format!("{}國務院總理　李強作報告{}", "前".repeat(300), "后".repeat(300));
        let s = snippet(&n, &text, &["李强".into()]);
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert_eq!(s.text.chars().count(), SNIPPET_CHARS + 2);
        let marked: Vec<&str> = s.highlights.iter().map(|&(a, b)| &s.text[a..b]).collect();
        assert_eq!(marked, ["李強"]);
    }

    #[test]
    fn overlapping_matches_merge_into_one_highlight() {
        let n = Normalizer::new();
        let s = snippet(&n, "全国人民代表大会", &["人民代表".into(), "代表大会".into()]);
        assert_eq!(s.highlights.iter().map(|&(a, b)| &s.text[a..b]).collect::<Vec<_>>(), ["人民代表大会"]);
    }
}
