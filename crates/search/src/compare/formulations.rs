//! Formulations (提法): the words and phrases one text uses and the other never does.
//!
//! Candidates are jieba words of three or more characters and runs of up to [`MAX_WORDS`] words
//! inside a clause, neither starting nor ending with a function word, never a number or date. "Never
//! in the other text" is checked against every substring of it, not against its words: jieba may
//! cut the same phrase differently in another sentence. A phrase always found beside the same
//! character is a fragment of a longer one and is left out. Of phrases nested in one another, the one a
//! reader would name is kept: a part that only ever occurs inside the longer phrase gives way to it
//! (`中国式` to `中国式现代化`), and a longer phrase that is the new one plus context gives way
//! to it (`推进中国式现代化` to `中国式现代化`).

use jieba_rs::Jieba;
use rustc_hash::{FxHashMap, FxHashSet};

use super::Paragraph;
use crate::stopwords::{is_stop_char, is_stopword};

/// Words in a phrase, at most.
const MAX_WORDS: usize = 5;
/// Characters in a candidate: fewer is a common word, more is a clause.
const MIN_CHARS: usize = 3;
const MAX_CHARS: usize = 16;
/// A phrase of several words must recur to be a formulation rather than a one-off wording; a
/// single word once is enough.
const MIN_PHRASE_COUNT: u32 = 2;

/// A word or phrase in one text and never in the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formulation {
    /// As first published (matched in normalized form: `ＧＤＰ` and `gdp` are one phrase).
    pub phrase: String,
    /// Occurrences in the text that has it.
    pub count: usize,
    /// The first paragraph (an index into that side) where it occurs.
    pub passage: usize,
}

/// What a text holds of one substring: how often, and the character before and after it when
/// always the same one.
#[derive(Clone, Copy)]
struct Seen {
    count: u32,
    left: u32,
    right: u32,
}

/// A neighbour not yet seen.
const UNSET: u32 = u32::MAX;
/// Neighbours that differ, or one that does not bind (punctuation, a paragraph's edge, a function
/// word such as 的 or 和): the substring stands on its own on that side.
const OPEN: u32 = u32::MAX - 1;

impl Seen {
    /// Occurs with different neighbours on both sides: not a fragment of one longer string
    /// (`振兴和数字经济` is, always after 乡村). Of a single occurrence nothing can be told.
    fn closed(self) -> bool {
        self.count < 2 || (self.left == OPEN && self.right == OPEN)
    }
}

fn neighbour(seen: u32, now: u32) -> u32 {
    if seen == UNSET || seen == now { now } else { OPEN }
}

type Counts = FxHashMap<u64, Seen>;

const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

fn step(hash: u64, c: char) -> u64 {
    (hash ^ (c as u64 + 1)).wrapping_mul(0x0100_0000_01B3).rotate_left(17).wrapping_mul(SEED)
}

fn hash(phrase: &str) -> u64 {
    phrase.chars().fold(SEED, step)
}

/// Every substring of [`MIN_CHARS`]..=[`MAX_CHARS`] characters of a text, by hash: a phrase's
/// count and neighbours are one lookup, whatever it is and however jieba cut it.
fn substrings(paragraphs: &[Paragraph<'_>]) -> Counts {
    let total: usize = paragraphs.iter().map(|p| p.normalized.len() / 3 + 1).sum();
    let mut counts = Counts::with_capacity_and_hasher(total * (MAX_CHARS - MIN_CHARS + 1), Default::default());
    for paragraph in paragraphs {
        let chars: Vec<char> = paragraph.normalized.chars().collect();
        let binding: Vec<u32> =
            chars.iter().map(|&c| if crate::is_han(c) && !is_stop_char(c) { c as u32 } else { OPEN }).collect();
        for start in 0..chars.len() {
            let left = if start == 0 { OPEN } else { binding[start - 1] };
            let mut h = SEED;
            for (len, &c) in chars[start..chars.len().min(start + MAX_CHARS)].iter().enumerate() {
                h = step(h, c);
                if len + 1 >= MIN_CHARS {
                    let right = binding.get(start + len + 1).copied().unwrap_or(OPEN);
                    let seen = counts.entry(h).or_insert(Seen { count: 0, left: UNSET, right: UNSET });
                    seen.count += 1;
                    seen.left = neighbour(seen.left, left);
                    seen.right = neighbour(seen.right, right);
                }
            }
        }
    }
    counts
}

/// What each side says that the other never does: (new in B, dropped from A), best first.
pub fn formulations(jieba: &Jieba, a: &[Paragraph<'_>], b: &[Paragraph<'_>]) -> (Vec<Formulation>, Vec<Formulation>) {
    let (in_a, in_b) = (substrings(a), substrings(b));
    (only_in(jieba, b, &in_b, &in_a), only_in(jieba, a, &in_a, &in_b))
}

struct Candidate {
    count: u32,
    passage: usize,
    /// Its first occurrence in that paragraph's normalized text.
    at: (usize, usize),
    /// Its words, as lengths in characters, to find the phrases nested in it.
    words: Vec<usize>,
}

/// The formulations of `side` (whose substrings are `own`) that `other` never has.
fn only_in(jieba: &Jieba, side: &[Paragraph<'_>], own: &Counts, other: &Counts) -> Vec<Formulation> {
    let mut candidates: FxHashMap<String, Candidate> = FxHashMap::default();
    for (p, paragraph) in side.iter().enumerate() {
        let text = paragraph.normalized.as_str();
        // Words are slices of the paragraph's text: their place is their distance from its start.
        let offset = |word: &str| word.as_ptr() as usize - text.as_ptr() as usize;
        for clause in clauses(jieba, text) {
            for start in 0..clause.len() {
                let mut phrase = String::new();
                let mut chars = 0;
                let mut words = Vec::new();
                for word in clause.iter().skip(start).take(MAX_WORDS) {
                    phrase.push_str(word);
                    let len = word.chars().count();
                    chars += len;
                    words.push(len);
                    if chars > MAX_CHARS {
                        break;
                    }
                    if chars < MIN_CHARS
                        || is_stopword(clause[start])
                        || is_stopword(word)
                        || is_number_or_date(&phrase)
                    {
                        continue;
                    }
                    let h = hash(&phrase);
                    if other.contains_key(&h) {
                        continue;
                    }
                    let Some(seen) = own.get(&h).copied() else { continue };
                    let count = seen.count;
                    if (words.len() > 1 && count < MIN_PHRASE_COUNT) || !seen.closed() {
                        continue;
                    }
                    let at = (offset(clause[start]), offset(word) + word.len());
                    candidates.entry(phrase.clone()).or_insert_with(|| Candidate {
                        count,
                        passage: p,
                        at,
                        words: words.clone(),
                    });
                }
            }
        }
    }
    // A longer phrase around a new phrase that also occurs elsewhere is that phrase plus context
    // (`推进中国式现代化` around `中国式现代化`): it goes first, so that it hides nothing below.
    let context: FxHashSet<&str> = candidates
        .iter()
        .filter(|(phrase, c)| {
            parts(phrase, &c.words).any(|part| candidates.get(part).is_some_and(|p| p.count > c.count))
        })
        .map(|(phrase, _)| phrase.as_str())
        .collect();
    // Then a part that only ever occurs inside a longer phrase that stays gives way to it
    // (`中国式` to `中国式现代化`).
    let mut hidden: FxHashSet<&str> = FxHashSet::default();
    for (phrase, candidate) in candidates.iter().filter(|(phrase, _)| !context.contains(phrase.as_str())) {
        for part in parts(phrase, &candidate.words) {
            if candidates.get(part).is_some_and(|c| c.count == candidate.count) {
                hidden.insert(part);
            }
        }
    }
    let mut kept: Vec<Formulation> = candidates
        .iter()
        .filter(|(phrase, _)| !context.contains(phrase.as_str()) && !hidden.contains(phrase.as_str()))
        .map(|(phrase, c)| {
            let published = side[c.passage].published(c.at.0, c.at.1);
            let phrase = if published.is_empty() { phrase.clone() } else { published.to_string() };
            Formulation { phrase, count: c.count as usize, passage: c.passage }
        })
        .collect();
    kept.sort_by(|x, y| {
        y.count
            .cmp(&x.count)
            .then(y.phrase.chars().count().cmp(&x.phrase.chars().count()))
            .then(x.passage.cmp(&y.passage))
            .then(x.phrase.cmp(&y.phrase))
    });
    kept
}

/// The proper sub-phrases of a phrase made of words of these lengths (in characters).
fn parts<'p>(phrase: &'p str, words: &[usize]) -> impl Iterator<Item = &'p str> + 'p {
    let bounds: Vec<usize> = std::iter::once(0)
        .chain(words.iter().scan(0, |at, len| {
            *at += len;
            Some(*at)
        }))
        .map(|chars| phrase.char_indices().nth(chars).map_or(phrase.len(), |(i, _)| i))
        .collect();
    let n = words.len();
    (0..n)
        .flat_map(move |i| (i + 1..=n).map(move |j| (i, j)))
        .filter(move |&(i, j)| j - i < n)
        .map(move |(i, j)| &phrase[bounds[i]..bounds[j]])
}

/// The runs of words a phrase may be made of: a paragraph cut at punctuation, at numbers (and
/// the measure word after each: `3.5万公里`, `1200多万人`) and at anything that is not a word.
fn clauses<'t>(jieba: &Jieba, text: &'t str) -> Vec<Vec<&'t str>> {
    let mut clauses = Vec::new();
    let mut current = Vec::new();
    let mut after_number = false;
    for word in jieba.cut(text, true) {
        let word = word.word;
        let number = word.chars().any(|c| c.is_ascii_digit());
        if number || after_number || !word.chars().all(is_phrase_char) {
            if !current.is_empty() {
                clauses.push(std::mem::take(&mut current));
            }
        } else {
            current.push(word);
        }
        after_number = number;
    }
    if !current.is_empty() {
        clauses.push(current);
    }
    clauses
}

/// A number or date written in Chinese numerals (`二〇二三年三月五日`, `一千二百万`, `百分之五`):
/// only numerals and the units and date words that go with them, one of those at least. Names made
/// of numerals alone (`十四五`) are formulations.
fn is_number_or_date(phrase: &str) -> bool {
    const NUMERALS: &str = "〇零一二三四五六七八九十两";
    const UNITS: &str = "百千万亿年月日号点分之第余多";
    phrase.chars().all(|c| NUMERALS.contains(c) || UNITS.contains(c)) && phrase.chars().any(|c| UNITS.contains(c))
}

fn is_phrase_char(c: char) -> bool {
    crate::is_han(c) || c.is_alphabetic()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_phrases_are_every_shorter_run_of_whole_words() {
        let parts: Vec<&str> = parts("推进中国式现代化", &[2, 3, 3]).collect();
        assert_eq!(parts, ["推进", "推进中国式", "中国式", "中国式现代化", "现代化"]);
    }

    fn side<'t>(normalizer: &crate::Normalizer, texts: &[&'t str]) -> Vec<Paragraph<'t>> {
        let loc = |p: usize| crate::corpus::Loc { digest: 0, speech: 0, section: 0, passage: p as u32 };
        texts.iter().enumerate().map(|(p, text)| Paragraph::new(normalizer, loc(p), None, text)).collect()
    }

    #[test]
    fn a_new_phrase_inside_context_that_goes_is_still_listed() {
        let (jieba, normalizer) = (Jieba::new(), crate::Normalizer::new());
        let a = side(&normalizer, &["我们要坚持绿色发展，保护生态环境。"]);
        // 数字经济 only ever occurs after 乡村振兴和, which is context of 乡村振兴 (it occurs alone too).
        let b = side(
            &normalizer,
            &[
                "全面推进乡村振兴和数字经济。",
                "大力推进乡村振兴和数字经济。",
                "乡村振兴很重要。ＧＤＰ核算方法，ＧＤＰ核算方法。",
            ],
        );
        let (new, dropped) = formulations(&jieba, &a, &b);
        let phrases: Vec<(&str, usize)> = new.iter().map(|f| (f.phrase.as_str(), f.count)).collect();
        assert!(phrases.contains(&("乡村振兴", 3)), "{phrases:?}");
        assert!(phrases.contains(&("数字经济", 2)), "{phrases:?}");
        assert!(!phrases.iter().any(|(p, _)| p.starts_with("推进")), "context is not a formulation: {phrases:?}");
        assert!(phrases.iter().any(|(p, _)| p.contains("ＧＤＰ")), "shown as published: {phrases:?}");
        assert!(dropped.iter().any(|f| f.phrase == "生态环境"), "{dropped:?}");
    }

    #[test]
    fn numbers_and_dates_in_chinese_numerals_are_not_formulations_but_numbered_names_are() {
        for number in ["二〇二三年三月五日", "一千二百万", "百分之五", "第十四"] {
            assert!(is_number_or_date(number), "{number}");
        }
        for name in ["十四五", "二十大", "三农", "一带一路"] {
            assert!(!is_number_or_date(name), "{name}");
        }
    }

    #[test]
    fn substring_hashes_agree_with_phrase_hashes() {
        let text = "推进中国式现代化";
        let mut h = SEED;
        for c in text.chars() {
            h = step(h, c);
        }
        assert_eq!(h, hash(text));
    }
}
