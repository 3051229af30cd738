//! A term followed through time: how many passages match it per year (or per month, when the
//! corpus spans less than three years), by the dates of their digests, with its first and last
//! appearance and the speakers who use it most.

use std::collections::HashMap;

use crate::corpus::{Digest, Loc};
use crate::library::Library;
use crate::query::{QueryError, parse};
use crate::stopwords::only_stopwords;

/// Terms on one chart, at most.
pub const MAX_TERMS: usize = 3;
/// Speakers named per term.
pub const TOP_SPEAKERS: usize = 3;
/// A corpus that spans fewer months than this is counted by month.
const MONTHS_FOR_YEARS: i32 = 36;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Year,
    Month,
}

impl By {
    pub fn name(self) -> &'static str {
        match self {
            By::Year => "year",
            By::Month => "month",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrendError {
    /// A term (0-based, of those separated by `|`) cannot be searched.
    Query {
        term: usize,
        error: QueryError,
    },
    /// Nothing between two `|`.
    EmptyTerm,
    TooManyTerms {
        terms: usize,
        max: usize,
    },
    /// A term of function words only.
    Common {
        term: usize,
    },
    /// No digest in the corpus has a date.
    NoDates,
}

/// Where one passage appears, for the first and last appearance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appearance {
    pub loc: Loc,
    /// The digest's date (`2019-03-05`, or `2019` when only the year is known).
    pub date: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermTrend {
    /// The term as typed.
    pub term: String,
    /// Matching passages per period of [`Trend::periods`].
    pub counts: Vec<u64>,
    /// Matching passages of digests without a date (or, by month, with a year only).
    pub undated: u64,
    /// Every matching passage.
    pub total: u64,
    pub first: Option<Appearance>,
    pub last: Option<Appearance>,
    /// The speakers with the most matching passages, most first: (name, passages).
    pub speakers: Vec<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trend {
    pub by: By,
    /// Every period in which the corpus has dated digests, in order (`2019`, or `2019-03`):
    /// a year without digests is left out rather than drawn as a zero it is not.
    pub periods: Vec<String>,
    pub terms: Vec<TermTrend>,
}

/// A digest's place in time: its year, and its month when the date is full.
fn when(digest: &Digest) -> Option<(i32, Option<u32>)> {
    let date = digest.date.as_deref()?;
    let year: i32 = date.get(..4)?.parse().ok()?;
    let month = date.get(5..7).and_then(|m| m.parse().ok()).filter(|m| (1..=12).contains(m));
    Some((year, month))
}

fn period(by: By, (year, month): (i32, Option<u32>)) -> Option<String> {
    match (by, month) {
        (By::Year, _) => Some(year.to_string()),
        (By::Month, Some(month)) => Some(format!("{year}-{month:02}")),
        (By::Month, None) => None,
    }
}

/// Splits `a | b | c` into its terms (`｜` too).
pub fn split_terms(raw: &str) -> Vec<&str> {
    raw.split(['|', '｜']).map(str::trim).collect()
}

impl Library {
    /// The trend of each term of `raw` (terms separated by `|`, each in the query language of
    /// [`Library::search`]).
    pub fn trend(&self, raw: &str) -> Result<Trend, TrendError> {
        let normalizer = &self.index.analyzer().normalizer;
        let pieces = split_terms(raw);
        if pieces.len() > MAX_TERMS {
            return Err(TrendError::TooManyTerms { terms: pieces.len(), max: MAX_TERMS });
        }
        if pieces.len() > 1 && pieces.iter().any(|p| p.is_empty()) {
            return Err(TrendError::EmptyTerm);
        }
        let mut queries = Vec::new();
        for (term, piece) in pieces.iter().enumerate() {
            let query = parse(normalizer, piece).map_err(|error| TrendError::Query { term, error })?;
            if !query.terms.is_empty() && query.terms.iter().all(|t| only_stopwords(&self.index.analyzer().jieba, t)) {
                return Err(TrendError::Common { term });
            }
            queries.push(query);
        }
        let digests = &self.corpus.digests;
        let times: Vec<Option<(i32, Option<u32>)>> = digests.iter().map(when).collect();
        let dated: Vec<(i32, Option<u32>)> = times.iter().flatten().copied().collect();
        let (Some(min), Some(max)) = (dated.iter().min(), dated.iter().max()) else {
            return Err(TrendError::NoDates);
        };
        let months = (max.0 - min.0) * 12 + max.1.unwrap_or(12) as i32 - min.1.unwrap_or(1) as i32;
        let full = dated.iter().filter(|(_, month)| month.is_some()).count();
        // By month only when most digests have a full date; else nearly everything would be undated.
        let by = if months < MONTHS_FOR_YEARS && full * 2 > dated.len() { By::Month } else { By::Year };
        let mut periods: Vec<String> = dated.iter().filter_map(|&t| period(by, t)).collect();
        periods.sort();
        periods.dedup();
        let column: HashMap<&str, usize> = periods.iter().enumerate().map(|(i, p)| (p.as_str(), i)).collect();
        let digest_column: Vec<Option<usize>> =
            times.iter().map(|t| t.and_then(|t| period(by, t)).and_then(|p| column.get(p.as_str()).copied())).collect();
        let mut terms = Vec::new();
        for (piece, query) in pieces.iter().zip(&queries) {
            // An index failing in memory counts nothing; logged, not the person's fault.
            let locs = self.index.matching(query).unwrap_or_else(|e| {
                tracing::warn!("trend: {e}");
                Vec::new()
            });
            let mut trend = TermTrend {
                term: piece.to_string(),
                counts: vec![0; periods.len()],
                undated: 0,
                total: locs.len() as u64,
                first: None,
                last: None,
                speakers: Vec::new(),
            };
            let mut speakers: HashMap<&str, u64> = HashMap::new();
            // (date, loc) of the earliest and latest dated match; corpus order breaks ties.
            let mut first: Option<(&str, Loc)> = None;
            let mut last: Option<(&str, Loc)> = None;
            for loc in locs {
                let digest = &digests[loc.digest as usize];
                match digest_column[loc.digest as usize] {
                    Some(i) => trend.counts[i] += 1,
                    None => trend.undated += 1,
                }
                if let Some(date) = digest.date.as_deref().filter(|_| times[loc.digest as usize].is_some()) {
                    if first.is_none_or(|(d, l)| (date, loc) < (d, l)) {
                        first = Some((date, loc));
                    }
                    if last.is_none_or(|(d, l)| (date, loc) > (d, l)) {
                        last = Some((date, loc));
                    }
                }
                if let Some(name) = digest.speeches.get(loc.speech as usize).and_then(|s| s.speaker_name()) {
                    *speakers.entry(name).or_default() += 1;
                }
            }
            let appearance = |(date, loc): (&str, Loc)| Appearance { loc, date: date.to_string() };
            trend.first = first.map(appearance);
            trend.last = last.map(appearance);
            let mut speakers: Vec<(String, u64)> = speakers.into_iter().map(|(n, c)| (n.to_string(), c)).collect();
            speakers.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            speakers.truncate(TOP_SPEAKERS);
            trend.speakers = speakers;
            terms.push(trend);
        }
        Ok(Trend { by, periods, terms })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_split_at_either_bar() {
        assert_eq!(split_terms("改革开放 | 高质量发展｜新时代"), ["改革开放", "高质量发展", "新时代"]);
        assert_eq!(split_terms("改革"), ["改革"]);
    }
}
