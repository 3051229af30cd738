//! Formulations (提法): the words and phrases one text uses and the other never does.
//!
//! Candidates are jieba words of three or more characters and runs of up to [`MAX_WORDS`] words
//! inside a clause, neither starting nor ending with a function word, never a number or date. "Never
//! in the other text" is checked against every substring of it, not against its words: jieba may
//! cut the same phrase differently in another sentence. Of phrases nested in one another, the one a
//! reader would name is kept: a part that only ever occurs inside the longer phrase gives way to it
//! (`中国式` to `中国式现代化`), and a longer phrase that is the new one plus context gives way
//! to it (`推进中国式现代化` to `中国式现代化`).

use std::hash::BuildHasherDefault;

use jieba_rs::Jieba;
use rustc_hash::{FxHashMap, FxHashSet};

use super::Paragraph;
use crate::stopwords::is_stopword;

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
    pub phrase: String,
    /// Occurrences in the text that has it.
    pub count: usize,
    /// The first paragraph (an index into that side) where it occurs.
    pub passage: usize,
}

/// The hashes are already mixed; hashing them again would only cost time.
#[derive(Default)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed")
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Counts = std::collections::HashMap<u64, u32, BuildHasherDefault<Prehashed>>;

const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

fn step(hash: u64, c: char) -> u64 {
    (hash ^ (c as u64 + 1)).wrapping_mul(0x0100_0000_01B3).rotate_left(17).wrapping_mul(SEED)
}

fn hash(phrase: &str) -> u64 {
    phrase.chars().fold(SEED, step)
}

/// Counts of every substring of [`MIN_CHARS`]..=[`MAX_CHARS`] characters of a text, by hash: a
/// phrase's count is one lookup, whatever it is and however jieba cut it.
fn substrings(paragraphs: &[Paragraph<'_>]) -> Counts {
    let total: usize = paragraphs.iter().map(|p| p.normalized.len() / 3 + 1).sum();
    let mut counts = Counts::with_capacity_and_hasher(total * (MAX_CHARS - MIN_CHARS + 1), Default::default());
    for paragraph in paragraphs {
        let chars: Vec<char> = paragraph.normalized.chars().collect();
        for start in 0..chars.len() {
            let mut h = SEED;
            for (len, &c) in chars[start..chars.len().min(start + MAX_CHARS)].iter().enumerate() {
                h = step(h, c);
                if len + 1 >= MIN_CHARS {
                    *counts.entry(h).or_insert(0) += 1;
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
    /// Its words, as lengths in characters, to find the phrases nested in it.
    words: Vec<usize>,
}

/// The formulations of `side` (whose substrings are `own`) that `other` never has.
fn only_in(jieba: &Jieba, side: &[Paragraph<'_>], own: &Counts, other: &Counts) -> Vec<Formulation> {
    let mut candidates: FxHashMap<String, Candidate> = FxHashMap::default();
    for (p, paragraph) in side.iter().enumerate() {
        for clause in clauses(jieba, &paragraph.normalized) {
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
                    if chars < MIN_CHARS || is_stopword(clause[start]) || is_stopword(word) {
                        continue;
                    }
                    let h = hash(&phrase);
                    if other.contains_key(&h) {
                        continue;
                    }
                    let count = own.get(&h).copied().unwrap_or(1);
                    if words.len() > 1 && count < MIN_PHRASE_COUNT {
                        continue;
                    }
                    candidates.entry(phrase.clone()).or_insert_with(|| Candidate {
                        count,
                        passage: p,
                        words: words.clone(),
                    });
                }
            }
        }
    }
    // A part that only ever occurs inside a longer new phrase gives way to it.
    let mut hidden: FxHashSet<String> = FxHashSet::default();
    for (phrase, candidate) in &candidates {
        for part in parts(phrase, &candidate.words) {
            if candidates.get(part).is_some_and(|c| c.count == candidate.count) {
                hidden.insert(part.to_string());
            }
        }
    }
    // A longer phrase around a new phrase a reader would name is that phrase plus context.
    let mut kept: Vec<Formulation> = candidates
        .iter()
        .filter(|(phrase, _)| !hidden.contains(*phrase))
        .filter(|(phrase, c)| {
            !parts(phrase, &c.words).any(|part| candidates.contains_key(part) && !hidden.contains(part))
        })
        .map(|(phrase, c)| Formulation { phrase: phrase.clone(), count: c.count as usize, passage: c.passage })
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
    for word in jieba.cut(text, false) {
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
