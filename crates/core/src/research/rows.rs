//! The rows a finding exports as: one per passage, with everything needed to cite it.

use digestbot_corpus::{Corpus, Loc};
use digestbot_search::verify::Verification;
use digestbot_search::{Trend, Verdict};

use super::text as msg;
use crate::attachment::{Cell, Sheet};

/// Rows exported at most: a spreadsheet past this is no longer read, and Telegram's 50 MB limit
/// stays far away (10,000 passages are a few MB).
pub const MAX_ROWS: usize = 10_000;

fn header(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| c.to_string()).collect()
}

/// The cells of one passage, in the order of [`msg::HIT_COLUMNS`]; None when it is not in `corpus`.
pub fn hit_cells(corpus: &Corpus, loc: Loc) -> Option<Vec<Cell>> {
    let at = loc.resolve(corpus)?;
    Some(vec![
        Cell::text(&at.passage.id),
        Cell::text(&at.digest.title),
        Cell::maybe(at.digest.date.as_deref()),
        Cell::text(&at.speech.title),
        Cell::maybe(at.speech.speaker_name()),
        Cell::maybe(at.section.heading.as_deref()),
        Cell::text(at.passage.text()),
        Cell::Open(at.passage.id.clone()),
        at.digest.url.clone().map_or(Cell::Empty, Cell::Url),
    ])
}

/// One row per passage, in the order given, at most [`MAX_ROWS`].
pub fn hits_sheet(corpus: &Corpus, locs: impl IntoIterator<Item = Loc>) -> Sheet {
    let rows = locs.into_iter().filter_map(|loc| hit_cells(corpus, loc)).take(MAX_ROWS).collect();
    Sheet { name: msg::SHEET_HITS.to_string(), columns: header(&msg::HIT_COLUMNS), rows }
}

/// A verification: the quotation and each match, with the passage it is in.
pub fn verify_sheet(corpus: &Corpus, quotation: &str, found: &Verification) -> Sheet {
    let verdict = found.verdict();
    let mut columns = header(&msg::VERIFY_COLUMNS);
    columns.extend(header(&msg::HIT_COLUMNS));
    let lead = |similarity: Option<f64>, added: &str, missing: &str, verdict: Verdict| {
        vec![
            Cell::text(quotation),
            Cell::text(msg::verdict_name(verdict)),
            similarity.map_or(Cell::Empty, |s| Cell::Number((s * 1000.0).round() / 1000.0)),
            Cell::text(added),
            Cell::text(missing),
        ]
    };
    let mut rows = Vec::new();
    for found in &found.matches {
        let mut row = lead(Some(found.similarity), &found.added, &found.missing, verdict);
        let mut cells = hit_cells(corpus, found.locs[0]).unwrap_or_default();
        // The text the quotation matched, not only the first passage's (a match may run on).
        if let Some(text) = cells.get_mut(6) {
            *text = Cell::text(&found.text);
        }
        row.extend(cells);
        rows.push(row);
    }
    if rows.is_empty() {
        rows.push(lead(None, "", "", verdict));
    }
    Sheet { name: msg::SHEET_VERIFY.to_string(), columns, rows }
}

/// A trend's series: a row per period, a column per term, and the undated passages last.
pub fn series_sheet(trend: &Trend) -> Sheet {
    let mut columns = vec![msg::PERIOD_COLUMN.to_string()];
    columns.extend(trend.terms.iter().map(|t| t.term.clone()));
    let mut rows: Vec<Vec<Cell>> = trend
        .periods
        .iter()
        .enumerate()
        .map(|(i, period)| {
            let mut row = vec![Cell::text(period)];
            row.extend(trend.terms.iter().map(|t| Cell::Number(t.counts[i] as f64)));
            row
        })
        .collect();
    if trend.terms.iter().any(|t| t.undated > 0) {
        let mut row = vec![Cell::text(msg::UNDATED_PERIOD)];
        row.extend(trend.terms.iter().map(|t| Cell::Number(t.undated as f64)));
        rows.push(row);
    }
    Sheet { name: msg::SHEET_SERIES.to_string(), columns, rows }
}

/// Every passage of a trend, a term's first: the term, then the passage's cells.
pub fn trend_hits_sheet(corpus: &Corpus, terms: &[(String, Vec<Loc>)]) -> Sheet {
    let mut columns = vec![msg::TERM_COLUMN.to_string()];
    columns.extend(header(&msg::HIT_COLUMNS));
    let rows = terms
        .iter()
        .flat_map(|(term, locs)| {
            locs.iter().filter_map(move |&loc| {
                let mut row = vec![Cell::text(term)];
                row.extend(hit_cells(corpus, loc)?);
                Some(row)
            })
        })
        .take(MAX_ROWS)
        .collect();
    Sheet { name: msg::SHEET_HITS.to_string(), columns, rows }
}
