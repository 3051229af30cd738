//! The search screen: a page of hits, each a highlighted snippet with its source and a link to
//! the passage, and buttons to turn pages that only the searcher may press.

use crate::action::{Action, Findings};
use crate::caller::Caller;
use crate::query_cache::QueryCache;
use crate::reply::plain;
use crate::reply::{Message, Response, Rich, Style};
use crate::text as msg;
use crate::widgets::{PAGE_SIZE, button_query, export_button, pager};
use digestbot_corpus::Loc;
use digestbot_search::Snippet;
use digestbot_search::library::{Library, SearchError};

/// Page `page` (from 0) of the hits for `query`; a page past the end shows the last one.
pub(crate) fn page(library: &Library, queries: &QueryCache, caller: Caller, query: &str, page: usize) -> Response {
    let results = match library.search(query, page.saturating_mul(PAGE_SIZE), PAGE_SIZE) {
        Ok(results) => results,
        Err(SearchError::Query(e)) => return Response::text(plain(&msg::query_error(&e))),
        Err(SearchError::Index(e)) => {
            tracing::error!(query, "search failed: {e}");
            return Response::text(plain(msg::SEARCH_FAILED));
        }
    };
    if results.total == 0 {
        return Response::text(plain(&msg::no_results(query)));
    }
    let pages = results.total.div_ceil(PAGE_SIZE);
    if results.hits.is_empty() {
        // A page past the end (the corpus shrank under an old button, or a forged one).
        return self::page(library, queries, caller, query, pages - 1);
    }
    let mut text = Rich::new();
    text.bold(msg::search_header(query, results.total, page + 1, pages));
    for (n, hit) in results.hits.iter().enumerate() {
        text.plain(format!("\n\n{}. ", page * PAGE_SIZE + n + 1));
        self::hit(&mut text, library, hit.loc, &hit.snippet);
    }
    let widest = |query| Action::Page { owner: caller.user, page: pages as u32, query };
    let query_ref = button_query(queries, caller, query, widest);
    let row = pager(page, pages, |p| Action::Page { owner: caller.user, page: p, query: query_ref.clone() });
    let mut buttons = if row.is_empty() { Vec::new() } else { vec![row] };
    buttons.push(vec![export_button(queries, caller, Findings::Search, query)]);
    Response::message(Message { text, buttons })
}

/// A hit as a search shows it: its snippet, matches in bold, then where it is from and a link to
/// the passage.
pub(crate) fn hit(text: &mut Rich, library: &Library, loc: Loc, snippet: &Snippet) {
    text.snippet(snippet);
    if let Some(at) = loc.resolve(&library.corpus) {
        text.plain("\n");
        text.italic(msg::source(&at));
        text.plain(" ");
        text.push(msg::OPEN_PASSAGE, Style::Open(at.passage.id.clone()));
    }
}
