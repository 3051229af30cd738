//! Two editions of a text side by side: which paragraphs stayed, changed, moved, were dropped or
//! added; the formulations one uses and the other never does; the numbers that changed.
//!
//! Paragraphs are matched by content, not position. Identical paragraphs pair first (in order when
//! one is repeated), then the rest by how many character bigrams they share (Dice, at least
//! [`MIN_SIMILARITY`]), best pairs first. Of all pairs, the heaviest set that keeps both texts'
//! order (a longest increasing subsequence weighted by length) stays in place; the other pairs are
//! moves. So a paragraph moved elsewhere is one move, not a deletion plus an addition, and a long
//! paragraph is never called moved when a short one can be.

mod formulations;
mod marks;
mod numbers;
mod sides;

use std::collections::VecDeque;

use jieba_rs::Jieba;
use rustc_hash::FxHashMap;

use crate::corpus::Loc;
use crate::normalize::{Normalized, Normalizer};

pub use formulations::Formulation;
pub use marks::{Mark, marks};
pub use numbers::NumberChange;
pub use sides::{CompareError, MAX_SIDE_CHARS, Side};

/// Below this share of character bigrams two paragraphs are different paragraphs, not one
/// rewritten: a clause or two reworded keeps a paragraph above it; two paragraphs on one topic from
/// different years share a third of their bigrams or less (see the compare tests on the work
/// reports).
pub const MIN_SIMILARITY: f64 = 0.5;
/// Below this share of paragraphs paired, two texts "share little": said first, before the details.
pub const LITTLE_SHARED: f64 = 0.2;

/// A paragraph of one side, as published and normalized.
#[derive(Debug, Clone)]
pub struct Paragraph<'c> {
    pub loc: Loc,
    /// The heading of its section.
    pub section: Option<&'c str>,
    pub text: &'c str,
    pub normalized: String,
    /// Where each normalized character came from, to show what was found as it was published.
    map: Normalized,
}

impl<'c> Paragraph<'c> {
    pub fn new(normalizer: &Normalizer, loc: Loc, section: Option<&'c str>, text: &'c str) -> Paragraph<'c> {
        let map = normalizer.normalize(text);
        Paragraph { loc, section, text, normalized: map.text.clone(), map }
    }

    /// The published text of the normalized byte range `start..end` (`ＧＤＰ` for `gdp`).
    pub fn published(&self, start: usize, end: usize) -> &'c str {
        if start >= end || self.map.spans.is_empty() {
            return "";
        }
        let (from, to) = self.map.original(start, end);
        self.text.get(from..to).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The same paragraph, in the same place.
    Unchanged,
    /// Rewritten in place: the marks say how.
    Changed,
    /// The same or a rewritten paragraph, elsewhere in B.
    Moved,
    OnlyA,
    OnlyB,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Unchanged => "unchanged",
            Kind::Changed => "changed",
            Kind::Moved => "moved",
            Kind::OnlyA => "only_a",
            Kind::OnlyB => "only_b",
        }
    }
}

/// One line of the alignment: a paragraph of A, of B, or a pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub kind: Kind,
    /// Indexes into each side's paragraphs.
    pub a: Option<usize>,
    pub b: Option<usize>,
    /// For a pair that differs, A's text to B's with the differences marked; empty otherwise.
    pub marks: Vec<Mark>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub unchanged: usize,
    pub changed: usize,
    pub moved: usize,
    pub only_a: usize,
    pub only_b: usize,
}

/// The paragraphs of both sides aligned, B's order, with A's dropped paragraphs where they were.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alignment {
    pub rows: Vec<Row>,
    pub summary: Summary,
    /// Section headings B has and A has not (as B writes them), and the reverse; numbering and
    /// years aside (`三、2022年政府工作任务` is `二、2023年政府工作任务`).
    pub sections_added: Vec<String>,
    pub sections_removed: Vec<String>,
    /// Paired paragraphs ÷ all paragraphs, both sides counted.
    pub shared: f64,
}

impl Alignment {
    pub fn shares_little(&self) -> bool {
        self.shared < LITTLE_SHARED
    }
}

/// Everything a comparison finds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    pub alignment: Alignment,
    /// In B and never in A, best first.
    pub new: Vec<Formulation>,
    /// In A and never in B, best first.
    pub dropped: Vec<Formulation>,
    pub numbers: Vec<NumberChange>,
}

/// Compares A with B: all of it.
pub fn compare(jieba: &Jieba, a: &[Paragraph<'_>], b: &[Paragraph<'_>]) -> Comparison {
    let alignment = align(a, b);
    let (new, dropped) = formulations::formulations(jieba, a, b);
    Comparison { alignment, new, dropped, numbers: numbers::number_changes(a, b) }
}

pub use formulations::formulations;
pub use numbers::number_changes;

/// Aligns A's paragraphs with B's.
pub fn align(a: &[Paragraph<'_>], b: &[Paragraph<'_>]) -> Alignment {
    let pairs = pair(a, b);
    let in_place = in_order(&pairs, a);
    let mut pair_of_a = vec![None; a.len()];
    let mut pair_of_b = vec![None; b.len()];
    for (n, &(i, j)) in pairs.iter().enumerate() {
        pair_of_a[i] = Some(n);
        pair_of_b[j] = Some(n);
    }
    let mut rows = Vec::with_capacity(a.len().max(b.len()));
    let row = |kind, i: Option<usize>, j: Option<usize>| {
        // Text the same but for its forms (繁简, full width) is unchanged: nothing to mark.
        let marks = match (kind, i, j) {
            (Kind::Changed | Kind::Moved, Some(i), Some(j)) if a[i].normalized != b[j].normalized => {
                marks(a[i].text, b[j].text)
            }
            _ => Vec::new(),
        };
        Row { kind, a: i, b: j, marks }
    };
    let (mut i, mut j) = (0, 0);
    loop {
        // A's paragraphs that B dropped are shown where they were; A's moved ones where B has them.
        while i < a.len() && !pair_of_a[i].is_some_and(|n| in_place[n]) {
            if pair_of_a[i].is_none() {
                rows.push(row(Kind::OnlyA, Some(i), None));
            }
            i += 1;
        }
        while j < b.len() && !pair_of_b[j].is_some_and(|n| in_place[n]) {
            match pair_of_b[j] {
                Some(n) => rows.push(row(Kind::Moved, Some(pairs[n].0), Some(j))),
                None => rows.push(row(Kind::OnlyB, None, Some(j))),
            }
            j += 1;
        }
        if i == a.len() || j == b.len() {
            break;
        }
        // Pairs in place are in order on both sides, so the next one of A is the next one of B.
        let same = a[i].normalized == b[j].normalized;
        rows.push(row(if same { Kind::Unchanged } else { Kind::Changed }, Some(i), Some(j)));
        i += 1;
        j += 1;
    }
    let mut summary = Summary::default();
    for row in &rows {
        *match row.kind {
            Kind::Unchanged => &mut summary.unchanged,
            Kind::Changed => &mut summary.changed,
            Kind::Moved => &mut summary.moved,
            Kind::OnlyA => &mut summary.only_a,
            Kind::OnlyB => &mut summary.only_b,
        } += 1;
    }
    let both = a.len() + b.len();
    let shared = if both == 0 { 1.0 } else { 2.0 * pairs.len() as f64 / both as f64 };
    let (sections_added, sections_removed) = sections(a, b);
    Alignment { rows, summary, sections_added, sections_removed, shared }
}

/// Paragraph pairs (A index, B index), identical ones first, then the most similar.
fn pair(a: &[Paragraph<'_>], b: &[Paragraph<'_>]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut identical: FxHashMap<&str, VecDeque<usize>> = FxHashMap::default();
    for (j, p) in b.iter().enumerate() {
        identical.entry(p.normalized.as_str()).or_default().push_back(j);
    }
    let mut paired_b = vec![false; b.len()];
    let mut rest_a = Vec::new();
    for (i, p) in a.iter().enumerate() {
        match identical.get_mut(p.normalized.as_str()).and_then(VecDeque::pop_front) {
            Some(j) => {
                paired_b[j] = true;
                pairs.push((i, j));
            }
            None => rest_a.push(i),
        }
    }
    let grams_b: Vec<Vec<u64>> = b.iter().map(|p| bigrams(&p.normalized)).collect();
    let mut postings: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    for (j, grams) in grams_b.iter().enumerate().filter(|(j, _)| !paired_b[*j]) {
        for &g in grams {
            postings.entry(g).or_default().push(j as u32);
        }
    }
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    let mut shared = vec![0u32; b.len()];
    let mut touched = Vec::new();
    for &i in &rest_a {
        let grams = bigrams(&a[i].normalized);
        for g in &grams {
            for &j in postings.get(g).map_or(&[][..], Vec::as_slice) {
                if shared[j as usize] == 0 {
                    touched.push(j as usize);
                }
                shared[j as usize] += 1;
            }
        }
        for j in touched.drain(..) {
            let dice = 2.0 * shared[j] as f64 / (grams.len() + grams_b[j].len()) as f64;
            shared[j] = 0;
            if dice >= MIN_SIMILARITY {
                candidates.push((dice, i, j));
            }
        }
    }
    // Best first; between equals, the pair closest to the same place in both texts.
    let place = |i: usize, j: usize| (i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs();
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(place(x.1, x.2).total_cmp(&place(y.1, y.2))));
    let mut paired_a = vec![false; a.len()];
    for (_, i, j) in candidates {
        if !paired_a[i] && !paired_b[j] {
            paired_a[i] = true;
            paired_b[j] = true;
            pairs.push((i, j));
        }
    }
    pairs.sort_unstable();
    pairs
}

/// The distinct bigrams of a paragraph's letters, digits and Han characters.
fn bigrams(text: &str) -> Vec<u64> {
    let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
    let mut grams: Vec<u64> = chars.windows(2).map(|w| (w[0] as u64) << 32 | w[1] as u64).collect();
    if grams.is_empty()
        && let Some(&c) = chars.first()
    {
        grams.push(c as u64);
    }
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// Which pairs (sorted by A) stay in place: the heaviest subsequence increasing in B too, each pair
/// weighing its paragraph's length. A Fenwick tree over B's indexes keeps it O(n log n).
fn in_order(pairs: &[(usize, usize)], a: &[Paragraph<'_>]) -> Vec<bool> {
    let n_b = pairs.iter().map(|&(_, j)| j + 1).max().unwrap_or(0);
    // (best total weight of a chain ending at or below this B index, the pair it ends with)
    let mut tree: Vec<(usize, Option<usize>)> = vec![(0, None); n_b + 1];
    let mut previous: Vec<Option<usize>> = vec![None; pairs.len()];
    let mut best_end: (usize, Option<usize>) = (0, None);
    for (n, &(i, j)) in pairs.iter().enumerate() {
        // The best chain over B indexes below j.
        let mut best = (0, None);
        let mut k = j;
        while k > 0 {
            if tree[k].0 > best.0 {
                best = tree[k];
            }
            k &= k - 1;
        }
        let total = best.0 + a[i].normalized.chars().count().max(1);
        previous[n] = best.1;
        let mut k = j + 1;
        while k <= n_b {
            if tree[k].0 < total {
                tree[k] = (total, Some(n));
            }
            k += k & k.wrapping_neg();
        }
        if total > best_end.0 {
            best_end = (total, Some(n));
        }
    }
    let mut in_place = vec![false; pairs.len()];
    let mut at = best_end.1;
    while let Some(n) = at {
        in_place[n] = true;
        at = previous[n];
    }
    in_place
}

/// Section headings only in B, and only in A.
fn sections(a: &[Paragraph<'_>], b: &[Paragraph<'_>]) -> (Vec<String>, Vec<String>) {
    fn headings<'p>(side: &'p [Paragraph<'_>]) -> Vec<(String, &'p str)> {
        let mut seen: Vec<(String, &str)> = Vec::new();
        for heading in side.iter().filter_map(|p| p.section) {
            let key = heading_key(heading);
            if !key.is_empty() && !seen.iter().any(|(k, _)| *k == key) {
                seen.push((key, heading));
            }
        }
        seen
    }
    let (a, b) = (headings(a), headings(b));
    let only = |x: &[(String, &str)], y: &[(String, &str)]| -> Vec<String> {
        x.iter().filter(|(k, _)| !y.iter().any(|(l, _)| l == k)).map(|(_, h)| h.trim().to_string()).collect()
    };
    (only(&b, &a), only(&a, &b))
}

/// A heading without its numbering (`三、`, `（二）`, `3.`) and with its years and figures as `#`.
fn heading_key(heading: &str) -> String {
    const NUMERALS: &str = "一二三四五六七八九十百零〇两0123456789０１２３４５６７８９";
    let mut rest = heading.trim();
    if let Some(inner) = rest.strip_prefix(['（', '(']) {
        let end = inner.find(['）', ')']).unwrap_or(0);
        if end > 0 && inner[..end].chars().all(|c| NUMERALS.contains(c)) {
            rest = inner[end..].trim_start_matches(['）', ')']);
        }
    }
    let numbering = rest.find(|c: char| !NUMERALS.contains(c) && c != '第').unwrap_or(rest.len());
    if numbering > 0
        && let Some(after) =
            ["部分", "章", "、", "．", "."].iter().find_map(|mark| rest[numbering..].strip_prefix(mark))
    {
        rest = after;
    }
    let mut key = String::new();
    for c in rest.chars().filter(|c| !c.is_whitespace()) {
        if c.is_ascii_digit() {
            if !key.ends_with('#') {
                key.push('#');
            }
        } else {
            key.push(c);
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_compare_without_their_numbering_and_years() {
        assert_eq!(heading_key("三、2022年政府工作任务"), heading_key("二、2023年政府工作任务"));
        assert_eq!(heading_key("（一）着力扩大国内需求"), "着力扩大国内需求");
        assert_eq!(heading_key("第二部分 开放"), "开放");
        assert_ne!(heading_key("一、2021年工作回顾"), heading_key("一、过去一年和五年工作回顾"));
    }
}
