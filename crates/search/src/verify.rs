//! Where a quotation comes from, even when it was not copied exactly: a character added, dropped
//! or changed, a word order slip, Traditional or full-width forms, other punctuation, a quotation
//! that runs across two passages.
//!
//! Quotation and text are compared as their *skeletons*: normalized (see [`crate::Normalizer`]),
//! and letters, digits and Han characters only, so forms and punctuation never count as a
//! difference. The passages that share the most of the quotation's rarest bigrams are the
//! candidates; each is read with the passages beside it in its speech, the region where the
//! quotation's bigrams cluster is aligned with the quotation (edit distance, free ends), and the
//! best alignments are the answer, their differences marked on the published text.

use std::collections::HashSet;

use similar::{Algorithm, DiffOp, DiffTag, capture_diff_slices};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, SegmentReader, Term};

use crate::corpus::Loc;
use crate::index::{IndexError, NO_ORD};
use crate::library::Library;
use crate::stopwords::only_stopwords;

/// Shorter quotations are too common to have one source.
pub const MIN_QUOTE_CHARS: usize = 8;
/// Longer ones are not a quotation but a text (and would make alignments slow).
pub const MAX_QUOTE_CHARS: usize = 500;
/// Below this, a passage is not where the quotation comes from. A quotation of ten characters
/// with one changed scores 0.9, with two words swapped 0.8; chance alignments of unrelated text
/// stay under 0.5 (see the tests and the research bench).
pub const MIN_SIMILARITY: f64 = 0.65;
/// How many sources an answer shows, at most.
pub const MAX_MATCHES: usize = 3;
/// Passages aligned for one quotation.
const CANDIDATES: usize = 12;
/// The rarest bigrams of the quotation, the ones candidates are found by.
const PROBES: usize = 32;
/// Characters of the published text shown before and after a match.
const CONTEXT_CHARS: usize = 16;

/// Why a quotation cannot be looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    Empty,
    /// Punctuation or symbols only.
    NoWords,
    TooShort {
        chars: usize,
        min: usize,
    },
    TooLong {
        chars: usize,
        max: usize,
    },
    /// Function words only (`我们的，和他们的`).
    Common,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The quotation's wording is in the text (forms and punctuation aside).
    Exact,
    /// A passage says nearly the same.
    Close,
    NotFound,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Exact => "exact",
            Verdict::Close => "close",
            Verdict::NotFound => "not_found",
        }
    }
}

/// A part of a match as shown: the published text, with what the quotation adds put in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text around the match, for reading it in place.
    Context(String),
    /// In both the text and the quotation.
    Same(String),
    /// In the text, left out by the quotation.
    Missing(String),
    /// In the quotation, not in the text.
    Added(String),
    /// The match goes on in the next passage.
    Break,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The passage the match starts in, and the next one when it runs on into it.
    pub locs: Vec<Loc>,
    /// 2 × shared characters ÷ (quotation's + match's), over the skeletons: 1 when exact.
    pub similarity: f64,
    /// The published text of the match (passages joined by a line break).
    pub text: String,
    pub pieces: Vec<Piece>,
    /// The quotation's characters the text does not have, in order (normalized).
    pub added: String,
    /// The text's characters the quotation leaves out, in order (as published).
    pub missing: String,
    /// The published text is the quotation character for character, punctuation and forms too.
    pub verbatim: bool,
}

impl Match {
    pub fn is_exact(&self) -> bool {
        self.added.is_empty() && self.missing.is_empty()
    }

    /// How many characters differ: what the quotation adds and what it leaves out.
    pub fn differences(&self) -> usize {
        self.added.chars().count() + self.missing.chars().count()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// The quotation's letters, digits and Han characters.
    pub chars: usize,
    /// Best first, at most [`MAX_MATCHES`]; when one is exact, only exact ones.
    pub matches: Vec<Match>,
    /// How many passages were searched.
    pub passages: usize,
}

impl Verification {
    pub fn verdict(&self) -> Verdict {
        match self.matches.first() {
            None => Verdict::NotFound,
            Some(best) if best.is_exact() => Verdict::Exact,
            Some(_) => Verdict::Close,
        }
    }
}

/// One character of a skeleton and the published bytes it came from.
#[derive(Debug, Clone, Copy)]
struct Mark {
    c: char,
    /// Which of the passages read together.
    part: usize,
    start: usize,
    end: usize,
}

/// The letters, digits and Han characters of a normalized text, with their published bytes.
fn skeleton(library: &Library, text: &str, part: usize, out: &mut Vec<Mark>) {
    let normalized = library.index.analyzer().normalizer.normalize(text);
    for ((_, c), &(_, start, end)) in normalized.text.char_indices().zip(&normalized.spans) {
        if c.is_alphanumeric() {
            out.push(Mark { c, part, start: start as usize, end: end as usize });
        }
    }
}

impl Library {
    /// Finds where `quotation` comes from (see the module's comment).
    pub fn verify(&self, quotation: &str) -> Result<Verification, VerifyError> {
        let raw_chars = quotation.chars().count();
        // Refused before normalizing, so a pasted book costs nothing.
        if raw_chars > MAX_QUOTE_CHARS * 4 {
            return Err(VerifyError::TooLong { chars: raw_chars, max: MAX_QUOTE_CHARS });
        }
        if quotation.trim().is_empty() {
            return Err(VerifyError::Empty);
        }
        let normalized = self.index.analyzer().normalizer.text(quotation);
        let quote: Vec<char> = normalized.chars().filter(|c| c.is_alphanumeric()).collect();
        match quote.len() {
            0 => return Err(VerifyError::NoWords),
            n if n < MIN_QUOTE_CHARS => return Err(VerifyError::TooShort { chars: n, min: MIN_QUOTE_CHARS }),
            n if n > MAX_QUOTE_CHARS => return Err(VerifyError::TooLong { chars: n, max: MAX_QUOTE_CHARS }),
            _ => {}
        }
        if only_stopwords(&self.index.analyzer().jieba, &quote.iter().collect::<String>()) {
            return Err(VerifyError::Common);
        }
        let passages = self.index.len();
        // An index failing in memory finds nothing; it is logged, not the person's fault.
        let candidates = self.candidates(&quote).unwrap_or_else(|e| {
            tracing::warn!("verify: {e}");
            Vec::new()
        });
        let grams: HashSet<(char, char)> = quote.windows(2).map(|w| (w[0], w[1])).collect();
        let mut matches: Vec<Match> = Vec::new();
        let mut seen: HashSet<(Loc, usize)> = HashSet::new();
        for loc in candidates {
            let Some(found) = self.align(&quote, &grams, loc) else { continue };
            let (key, found) = found;
            if found.similarity >= MIN_SIMILARITY && seen.insert(key) {
                // Quotation marks around what was typed are not part of it.
                let typed = quotation.trim().trim_matches(['“', '”', '"', '「', '」', '『', '』', '‘', '’']);
                let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
                let published: String = found.text.chars().filter(|c| !c.is_whitespace()).collect();
                matches.push(Match { verbatim: typed == published, ..found });
            }
        }
        // Best first; equal ones in corpus order.
        matches.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then(a.locs[0].cmp(&b.locs[0])));
        if matches.first().is_some_and(Match::is_exact) {
            matches.retain(Match::is_exact);
        }
        matches.truncate(MAX_MATCHES);
        Ok(Verification { chars: quote.len(), matches, passages })
    }

    /// The passages sharing the most of the quotation's rarest bigrams.
    fn candidates(&self, quote: &[char]) -> Result<Vec<Loc>, IndexError> {
        let index = &self.index;
        let searcher = index.reader.searcher();
        let mut grams: Vec<(u64, Term)> = Vec::new();
        let mut seen = HashSet::new();
        for pair in quote.windows(2) {
            let gram: String = pair.iter().collect();
            if !seen.insert(gram.clone()) {
                continue;
            }
            let term = Term::from_field_text(index.fields.bigrams, &gram);
            let frequency = searcher.doc_freq(&term)?;
            if frequency > 0 {
                grams.push((frequency, term));
            }
        }
        grams.sort_by_key(|(frequency, _)| *frequency);
        grams.truncate(PROBES);
        if grams.is_empty() {
            return Ok(Vec::new());
        }
        // Each probe counts once however often it occurs: a long passage is no likelier a source.
        let clauses: Vec<(Occur, Box<dyn tantivy::query::Query>)> = grams
            .into_iter()
            .map(|(_, term)| -> (Occur, Box<dyn tantivy::query::Query>) {
                let query = TermQuery::new(term, IndexRecordOption::Basic);
                (Occur::Should, Box::new(ConstScoreQuery::new(Box::new(query), 1.0)))
            })
            .collect();
        let doc_ords = index.doc_ords.clone();
        let top = TopDocs::with_limit(CANDIDATES).tweak_score(move |segment: &SegmentReader| {
            let id = segment.segment_id();
            let ords = doc_ords.iter().find(|(segment, _)| *segment == id).map(|(_, ords)| ords.clone());
            move |doc: DocId, score: f32| {
                let ord = ords.as_ref().and_then(|ords| ords.get(doc as usize).copied()).unwrap_or(NO_ORD);
                (score, std::cmp::Reverse(ord))
            }
        });
        let found = searcher.search(&BooleanQuery::new(clauses), &top)?;
        Ok(found
            .into_iter()
            .filter_map(|((_, std::cmp::Reverse(ord)), _)| index.locs.get(ord as usize).copied())
            .collect())
    }

    /// The best alignment of the quotation with the passage at `loc` read with its neighbours in
    /// the same speech, and a key that is the same for the same match found from a neighbour.
    fn align(&self, quote: &[char], grams: &HashSet<(char, char)>, loc: Loc) -> Option<((Loc, usize), Match)> {
        let (before, after) = self.neighbors(loc);
        let same_speech = |l: &Loc| l.digest == loc.digest && l.speech == loc.speech;
        let parts: Vec<Loc> =
            before.filter(same_speech).into_iter().chain([loc]).chain(after.filter(same_speech)).collect();
        let texts: Vec<&str> =
            parts.iter().map(|l| l.resolve(&self.corpus).map_or("", |found| found.passage.text())).collect();
        let mut marks = Vec::new();
        for (part, text) in texts.iter().enumerate() {
            skeleton(self, text, part, &mut marks);
        }
        if marks.is_empty() {
            return None;
        }
        let (from, to) = window(quote, grams, &marks);
        let text: Vec<char> = marks[from..to].iter().map(|m| m.c).collect();
        let (start, end) = semi_global(quote, &text);
        let marks = &marks[from + start..from + end];
        let (a, b) = trimmed(quote, &marks.iter().map(|m| m.c).collect::<Vec<_>>());
        let marks = &marks[a..b];
        let (first, last) = (marks.first()?, marks.last()?);
        let source: Vec<char> = marks.iter().map(|m| m.c).collect();
        let ops = capture_diff_slices(Algorithm::Myers, quote, &source);
        let mut pieces = Vec::new();
        let mut added = String::new();
        let mut missing = String::new();
        let mut shared = 0;
        // The published text from the end of the last mark shown up to `to` (punctuation between
        // marks belongs to the piece of the mark after it).
        let mut shown: Option<(usize, usize)> = None;
        let take = |m: &Mark, shown: &mut Option<(usize, usize)>, pieces: &mut Vec<Piece>| -> String {
            let from = match *shown {
                Some((part, end)) if part == m.part => end,
                // The next passage is shown from its start.
                Some(_) => {
                    pieces.push(Piece::Break);
                    0
                }
                None => m.start,
            };
            *shown = Some((m.part, m.end));
            texts[m.part][from.min(m.start)..m.end].to_string()
        };
        for op in ops {
            let (tag, old, new) = op.as_tag_tuple();
            if matches!(tag, DiffTag::Delete | DiffTag::Replace) {
                let extra: String = quote[old].iter().collect();
                added.push_str(&extra);
                pieces.push(Piece::Added(extra));
            }
            for m in &marks[new] {
                let piece = take(m, &mut shown, &mut pieces);
                match tag {
                    DiffTag::Equal => {
                        shared += 1;
                        push(&mut pieces, Piece::Same(piece));
                    }
                    _ => {
                        missing.push_str(&texts[m.part][m.start..m.end]);
                        push(&mut pieces, Piece::Missing(piece));
                    }
                }
            }
        }
        let similarity = 2.0 * shared as f64 / (quote.len() + source.len()) as f64;
        let before = context_before(texts[first.part], first.start);
        let after = context_after(texts[last.part], last.end);
        if !before.is_empty() {
            pieces.insert(0, Piece::Context(before));
        }
        if !after.is_empty() {
            pieces.push(Piece::Context(after));
        }
        let text = if first.part == last.part {
            texts[first.part][first.start..last.end].to_string()
        } else {
            format!("{}\n{}", &texts[first.part][first.start..], &texts[last.part][..last.end])
        };
        let locs: Vec<Loc> = parts[first.part..=last.part].to_vec();
        let key = (locs[0], first.start);
        Some((key, Match { locs, similarity, text, pieces, added, missing, verbatim: false }))
    }
}

/// The part of an aligned stretch to show. Edit distance finds it as cheap to pair unrelated
/// characters at the edges as to leave the quotation's extra characters unpaired, and a reader
/// sees such pairs as noise (`〔+支〕**，保**持` where another year's text goes on differently). So
/// the stretch is cut back to start and end at shared characters, keeping an end only where more
/// than half of it is shared; then a single character changed at an end, which the cut took,
/// is given back, since that is a change and not noise.
fn trimmed(quote: &[char], source: &[char]) -> (usize, usize) {
    let n = source.len();
    // The quotation's character each of the source's is paired with, where it shares one (their
    // longest common subsequence).
    let mut paired: Vec<Option<usize>> = vec![None; n];
    for op in capture_diff_slices(Algorithm::Myers, quote, source) {
        if let DiffOp::Equal { old_index, new_index, len } = op {
            for k in 0..len {
                paired[new_index + k] = Some(old_index + k);
            }
        }
    }
    // Shared characters before each position.
    let mut before = vec![0i64; n + 1];
    for (i, p) in paired.iter().enumerate() {
        before[i + 1] = before[i] + i64::from(p.is_some());
    }
    // Twice the shared characters less the length: an end half shared neither gains nor loses.
    let gain = |a: usize, b: usize| 2 * (before[b] - before[a]) - (b - a) as i64;
    let mut best: Option<((usize, usize), i64)> = None;
    for a in (0..n).filter(|&a| paired[a].is_some()) {
        for b in (a + 1..=n).filter(|&b| paired[b - 1].is_some()) {
            if best.is_none_or(|(_, g)| gain(a, b) > g) {
                best = Some(((a, b), gain(a, b)));
            }
        }
    }
    let Some(((mut a, mut b), _)) = best else { return (0, n) };
    // The quotation's characters left unpaired before the stretch's first shared one and after
    // its last.
    let lead = paired[a].unwrap_or(0);
    let tail = paired[b - 1].map_or(0, |q| quote.len() - q - 1);
    if lead == 1 && a > 0 {
        a -= 1;
    }
    if tail == 1 && b < n {
        b += 1;
    }
    (a, b)
}

/// Appends a piece, joined to the last one when it is of the same kind.
fn push(pieces: &mut Vec<Piece>, piece: Piece) {
    match (pieces.last_mut(), piece) {
        (Some(Piece::Same(a)), Piece::Same(b)) | (Some(Piece::Missing(a)), Piece::Missing(b)) => a.push_str(&b),
        (_, piece) => pieces.push(piece),
    }
}

/// Up to [`CONTEXT_CHARS`] characters before byte `at`, with an ellipsis when the text goes on.
fn context_before(text: &str, at: usize) -> String {
    let head = &text[..at];
    let skip = head.chars().count().saturating_sub(CONTEXT_CHARS);
    let kept: String = head.chars().skip(skip).collect();
    if skip > 0 { format!("…{kept}") } else { kept }
}

fn context_after(text: &str, at: usize) -> String {
    let tail = &text[at..];
    let kept: String = tail.chars().take(CONTEXT_CHARS).collect();
    if tail.chars().nth(CONTEXT_CHARS).is_some() { format!("{kept}…") } else { kept }
}

/// The range of `marks` to align: all of them when few, else the stretch where the quotation's
/// bigrams are densest, with room on both sides for what the quotation adds or leaves out.
fn window(quote: &[char], grams: &HashSet<(char, char)>, marks: &[Mark]) -> (usize, usize) {
    let m = quote.len();
    if marks.len() <= 3 * m + 20 {
        return (0, marks.len());
    }
    let span = (m + m / 4 + 4).min(marks.len());
    let hits: Vec<u32> = marks.windows(2).map(|w| u32::from(grams.contains(&(w[0].c, w[1].c)))).collect();
    let mut sum: u32 = hits[..span.min(hits.len())].iter().sum();
    let (mut best, mut best_at) = (sum, 0);
    for start in 1..hits.len().saturating_sub(span) + 1 {
        sum = sum - hits[start - 1] + hits.get(start + span - 1).copied().unwrap_or(0);
        if sum > best {
            (best, best_at) = (sum, start);
        }
    }
    let slack = m / 2 + 4;
    (best_at.saturating_sub(slack), (best_at + span + slack).min(marks.len()))
}

/// The substring of `text` closest to `quote` by edit distance (the quotation whole, the text's
/// ends free): its start and end.
fn semi_global(quote: &[char], text: &[char]) -> (usize, usize) {
    let n = text.len();
    // Row i: the distance of quote[..i] to the best text substring ending at j, and where it starts.
    let mut cost: Vec<u32> = vec![0; n + 1];
    let mut start: Vec<usize> = (0..=n).collect();
    let mut next_cost = vec![0; n + 1];
    let mut next_start = vec![0; n + 1];
    for (i, &q) in quote.iter().enumerate() {
        next_cost[0] = i as u32 + 1;
        next_start[0] = 0;
        for j in 1..=n {
            let substitute = cost[j - 1] + u32::from(text[j - 1] != q);
            let skip_quote = cost[j] + 1;
            let skip_text = next_cost[j - 1] + 1;
            let (c, s) = if substitute <= skip_quote && substitute <= skip_text {
                (substitute, start[j - 1])
            } else if skip_quote <= skip_text {
                (skip_quote, start[j])
            } else {
                (skip_text, next_start[j - 1])
            };
            next_cost[j] = c;
            next_start[j] = s;
        }
        std::mem::swap(&mut cost, &mut next_cost);
        std::mem::swap(&mut start, &mut next_start);
    }
    let end = (0..=n).min_by_key(|&j| (cost[j], std::cmp::Reverse(j - start[j]))).unwrap_or(0);
    (start[end].min(end), end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn the_closest_substring_is_found_with_free_ends() {
        let text = chars("今年发展主要预期目标是国内生产总值增长百分之五左右");
        let (s, e) = semi_global(&chars("国内生产总值增长百分之五"), &text);
        assert_eq!(text[s..e].iter().collect::<String>(), "国内生产总值增长百分之五");
        let (s, e) = semi_global(&chars("国内生产总值增涨百分之五"), &text);
        assert_eq!(text[s..e].iter().collect::<String>(), "国内生产总值增长百分之五");
    }

    fn trim(quote: &str, source: &str) -> String {
        let source = chars(source);
        let (a, b) = trimmed(&chars(quote), &source);
        source[a..b].iter().collect()
    }

    #[test]
    fn unrelated_text_at_the_ends_of_a_match_is_cut_off_and_a_changed_last_character_kept() {
        // Another year's sentence goes on differently: its end is not part of the match.
        assert_eq!(trim("增速基本匹配支持实体经济发展", "增速基本匹配保持宏观杠杆率基本"), "增速基本匹配");
        assert_eq!(trim("保持广义货币供应量", "险的关系货币供应量"), "货币供应量");
        // One character changed at either end is a change.
        assert_eq!(trim("推动经济发展成果", "推动经济发展成效"), "推动经济发展成效");
        assert_eq!(trim("扎实推动经济发展", "切实推动经济发展"), "切实推动经济发展");
        assert_eq!(trim("推动经济发展", "推动经济发展"), "推动经济发展");
    }

    #[test]
    fn context_is_cut_to_a_few_characters_with_an_ellipsis() {
        let text = "一二三四五六七八九十一二三四五六七八九十";
        assert_eq!(context_after(text, 0), "一二三四五六七八九十一二三四五六…");
        assert_eq!(context_before(text, text.len()), "…五六七八九十一二三四五六七八九十");
        assert_eq!(context_after("短句", 0), "短句");
    }
}
