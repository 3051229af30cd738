//! Exports: what a search, a verification or a trend found, as a spreadsheet, from the button
//! under the answer or `/export <words>`.

use digestbot_search::library::Library;
use digestbot_search::parse_query;
use digestbot_search::trend::split_terms;

use super::rows::{self, MAX_ROWS};
use super::text as msg;
use crate::action::Findings;
use crate::attachment::{Attachment, Table};
use crate::reply::{Attached, Message, Response, plain};

/// The spreadsheet of `of` for `query`.
pub(crate) fn export(library: &Library, of: Findings, query: &str) -> Response {
    let query = query.trim();
    if query.is_empty() {
        return Response::text(plain(msg::EXPORT_USAGE));
    }
    let normalizer = &library.index.analyzer().normalizer;
    let (name, what, sheets, rows, total) = match of {
        Findings::Search => {
            let parsed = match parse_query(normalizer, query) {
                Ok(parsed) => parsed,
                Err(e) => return Response::text(plain(&msg::query_error(&e))),
            };
            let results = match library.index.search(&parsed, 0, MAX_ROWS) {
                Ok(results) => results,
                Err(e) => {
                    tracing::error!(query, "export failed: {e}");
                    return Response::text(plain(msg::SEARCH_FAILED));
                }
            };
            if results.total == 0 {
                return Response::text(plain(&msg::no_results(query)));
            }
            let sheet = rows::hits_sheet(&library.corpus, results.hits.iter().map(|hit| hit.loc));
            let rows = sheet.rows.len();
            ("digestbot-search", msg::export_of_search(query), vec![sheet], rows, results.total)
        }
        Findings::Verify => {
            let found = match library.verify(query) {
                Ok(found) => found,
                Err(e) => return Response::text(plain(&msg::verify_error(&e))),
            };
            let sheet = rows::verify_sheet(&library.corpus, query, &found);
            let rows = found.matches.len();
            ("digestbot-verify", msg::EXPORT_OF_VERIFY.to_string(), vec![sheet], rows, rows)
        }
        // Compared off the async workers: the app answers its button with an effect.
        Findings::Compare => return Response::text(plain(msg::COMPARE_USAGE)),
        Findings::Trend => {
            let found = match library.trend(query) {
                Ok(found) => found,
                Err(e) => return Response::text(plain(&msg::trend_error(&e, &split_terms(query)))),
            };
            let mut terms = Vec::new();
            for piece in split_terms(query) {
                // Parsed by the trend already: an error here cannot be the person's.
                let locs = parse_query(normalizer, piece)
                    .ok()
                    .and_then(|parsed| library.index.matching(&parsed).ok())
                    .unwrap_or_default();
                terms.push((piece.to_string(), locs));
            }
            let total = terms.iter().map(|(_, locs)| locs.len()).sum();
            let hits = rows::trend_hits_sheet(&library.corpus, &terms);
            let rows = hits.rows.len();
            ("digestbot-trend", msg::export_of_trend(query), vec![rows::series_sheet(&found), hits], rows, total)
        }
    };
    let table = Table { name: name.to_string(), sheets };
    let caption = Message { text: plain(&msg::exported(&what, rows, total, MAX_ROWS)), buttons: Vec::new() };
    Response { attachment: Some(Box::new(Attached { file: Attachment::Table(table), caption })), ..Response::default() }
}
