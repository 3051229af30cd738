//! Numbers that changed in sentences that otherwise match: `国内生产总值增长5.5%左右` →
//! `国内生产总值增长5%左右`. A clause's skeleton is its text with each number replaced by a
//! placeholder; clauses with the same skeleton on both sides are the same statement, and the
//! numbers that differ between them are what changed.

use rustc_hash::FxHashMap;

use super::Paragraph;

/// A skeleton needs this many Han characters besides its numbers to say what is counted: `增长#`
/// alone is in dozens of clauses about different things.
const MIN_SKELETON_HAN: usize = 4;

/// A number that changed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberChange {
    /// The number in A, with its unit and qualifier (`5.5%左右`).
    pub a: String,
    pub b: String,
    /// The paragraphs (indexes into each side) of the two clauses.
    pub passage_a: usize,
    pub passage_b: usize,
    /// B's clause, for reading the number in place.
    pub clause: String,
}

struct Clause {
    paragraph: usize,
    /// Where it is in its paragraph's normalized text.
    at: (usize, usize),
    skeleton: String,
    /// The skeleton's bigrams, sorted.
    grams: Vec<u64>,
    numbers: Vec<String>,
    /// Where each number is in its paragraph's normalized text.
    spans: Vec<(usize, usize)>,
}

/// Two clauses whose skeletons share this much (Dice over character bigrams) are the same
/// statement reworded slightly (`今年赤字率拟按#安排` and `赤字率拟按#安排`).
const MIN_SKELETON_SIMILARITY: f64 = 0.8;

/// The numbers that changed from `a` to `b`, in B's order.
pub fn number_changes(a_side: &[Paragraph<'_>], b_side: &[Paragraph<'_>]) -> Vec<NumberChange> {
    let (a, b) = (skeletons(a_side), skeletons(b_side));
    let (paragraphs_a, paragraphs_b) = (a_side, b_side);
    let mut pairs: Vec<(&Clause, &Clause)> = Vec::new();
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    // The same statement made as often on both sides is paired in order; otherwise which pairs
    // with which is a guess, and a guess is not a finding.
    let mut by_skeleton: FxHashMap<&str, (Vec<usize>, Vec<usize>)> = FxHashMap::default();
    for (i, clause) in a.iter().enumerate() {
        by_skeleton.entry(&clause.skeleton).or_default().0.push(i);
    }
    for (j, clause) in b.iter().enumerate() {
        by_skeleton.entry(&clause.skeleton).or_default().1.push(j);
    }
    for (olds, news) in by_skeleton.values() {
        if olds.len() == news.len() {
            for (&i, &j) in olds.iter().zip(news) {
                used_a[i] = true;
                used_b[j] = true;
                pairs.push((&a[i], &b[j]));
            }
        }
    }
    // Then a clause reworded around its numbers, with as many numbers, to its closest.
    for new in b.iter().enumerate().filter(|(j, _)| !used_b[*j]).map(|(_, new)| new) {
        let best = a
            .iter()
            .enumerate()
            .filter(|(i, old)| !used_a[*i] && old.numbers.len() == new.numbers.len())
            .map(|(i, old)| (dice(&old.grams, &new.grams), i))
            .filter(|(similarity, _)| *similarity >= MIN_SKELETON_SIMILARITY)
            .max_by(|x, y| x.0.total_cmp(&y.0));
        if let Some((_, i)) = best {
            used_a[i] = true;
            pairs.push((&a[i], new));
        }
    }
    // Compared normalized (`５％` is `5%`), shown as published.
    let shown =
        |side: &[Paragraph<'_>], p: usize, (start, end): (usize, usize)| side[p].published(start, end).to_string();
    let mut changes = Vec::new();
    for (old, new) in pairs {
        for (n, (x, y)) in old.numbers.iter().zip(&new.numbers).enumerate() {
            if x != y && !(is_year(x) && is_year(y)) {
                let change = NumberChange {
                    a: shown(paragraphs_a, old.paragraph, old.spans[n]),
                    b: shown(paragraphs_b, new.paragraph, new.spans[n]),
                    passage_a: old.paragraph,
                    passage_b: new.paragraph,
                    clause: shown(paragraphs_b, new.paragraph, new.at),
                };
                changes.push(((new.paragraph, new.spans[n].0), change));
            }
        }
    }
    // In B's reading order.
    changes.sort_by_key(|(at, _)| *at);
    changes.into_iter().map(|(_, change)| change).collect()
}

fn dice(x: &[u64], y: &[u64]) -> f64 {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    if x.is_empty() && y.is_empty() { 1.0 } else { 2.0 * shared as f64 / (x.len() + y.len()) as f64 }
}

/// A report's own year (`2022年`) moves on by one every edition: that is not a changed figure.
fn is_year(number: &str) -> bool {
    let digits = number.trim_end_matches('年');
    digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) && matches!(&digits[..2], "19" | "20")
}

/// The clauses with at least one number and a skeleton that says what is counted, in order.
fn skeletons(paragraphs: &[Paragraph<'_>]) -> Vec<Clause> {
    let mut all = Vec::new();
    for (p, paragraph) in paragraphs.iter().enumerate() {
        let whole = paragraph.normalized.as_str();
        for text in whole.split(['。', '；', '！', '？', '，', ';', '!', '?', ',', '\n']) {
            let text = text.trim();
            // A clause is a slice of the paragraph: its place is its distance from the start.
            let start = text.as_ptr() as usize - whole.as_ptr() as usize;
            let (skeleton, found) = skeleton(text);
            if found.is_empty() || skeleton.chars().filter(|&c| crate::is_han(c)).count() < MIN_SKELETON_HAN {
                continue;
            }
            let grams = super::bigrams(&skeleton);
            let numbers = found.iter().map(|&(a, b)| text[a..b].to_string()).collect();
            let spans = found.iter().map(|&(a, b)| (start + a, start + b)).collect();
            all.push(Clause { paragraph: p, at: (start, start + text.len()), skeleton, grams, numbers, spans });
        }
    }
    all
}

/// Magnitudes and units that belong to the number before them (`1100万`, `5.5%`, `2022年`).
const UNITS: &[&str] = &["%", "‰", "万亿", "亿", "万", "千", "百", "年", "个百分点", "倍"];
/// What is counted, when it sits between the number and its qualifier (`1100万人以上`).
const MEASURES: &[&str] = &["人", "元", "吨", "户", "项", "个", "家", "公里", "千瓦", "亩", "斤", "套"];
/// Qualifiers that say how the number is meant (`5%左右`, `1100万人以上`).
const QUALIFIERS: &[&str] = &["左右", "以上", "以内", "以下", "上下", "多"];

/// The clause with every number (digits, then its unit and qualifier) replaced by `#`, and where
/// the numbers are, in order.
fn skeleton(text: &str) -> (String, Vec<(usize, usize)>) {
    let mut skeleton = String::with_capacity(text.len());
    let mut numbers = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if !c.is_ascii_digit() {
            skeleton.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let digits = rest
            .char_indices()
            .find(|&(i, c)| {
                !(c.is_ascii_digit() || (c == '.' && rest[i + 1..].starts_with(|d: char| d.is_ascii_digit())))
            })
            .map_or(rest.len(), |(i, _)| i);
        let mut end = digits;
        if let Some(unit) = UNITS.iter().find(|u| rest[end..].starts_with(**u)) {
            end += unit.len();
        }
        if let Some(m) = MEASURES.iter().find(|m| rest[end..].starts_with(**m)) {
            end += m.len();
        }
        if let Some(q) = QUALIFIERS.iter().find(|q| rest[end..].starts_with(**q)) {
            end += q.len();
        }
        let at = text.len() - rest.len();
        numbers.push((at, at + end));
        skeleton.push('#');
        rest = &rest[end..];
    }
    (skeleton, numbers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_keeps_its_unit_and_qualifier_and_leaves_a_placeholder() {
        let numbers = |text: &str| -> (String, Vec<String>) {
            let (skeleton, found) = skeleton(text);
            (skeleton, found.iter().map(|&(a, b)| text[a..b].to_string()).collect())
        };
        assert_eq!(
            numbers("城镇新增就业1100万人以上"),
            ("城镇新增就业#".to_string(), vec!["1100万人以上".to_string()])
        );
        assert_eq!(numbers("增长5.5%左右"), ("增长#".to_string(), vec!["5.5%左右".to_string()]));
        assert_eq!(numbers("2022年。"), ("#。".to_string(), vec!["2022年".to_string()]));
        assert_eq!(numbers("第3.点"), ("第#.点".to_string(), vec!["3".to_string()]));
    }

    #[test]
    fn years_are_not_changed_figures() {
        assert!(is_year("2022年") && is_year("1999"));
        assert!(!is_year("2022万") && !is_year("3000年"));
    }
}
