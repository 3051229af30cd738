//! The pieces every screen builds with: buttons with labels that fit, pages of a list, and the
//! previous / next row.

use crate::action::{Action, Findings, QueryRef};
use crate::caller::Caller;
use crate::query_cache::QueryCache;
use crate::reply::Button;
use crate::text as msg;
use digestbot_corpus::Speech;

/// Search hits on one page of a reply.
pub const PAGE_SIZE: usize = 5;
/// Results per page of an inline answer.
pub const INLINE_PAGE_SIZE: usize = 10;
/// Buttons on one page of a list (speakers, table of contents).
pub const LIST_PAGE_SIZE: usize = 10;
/// Longest button label, in characters.
const LABEL_CHARS: usize = 40;

/// `text` cut to a button label's length.
fn label(text: &str) -> String {
    msg::cut(text, LABEL_CHARS)
}

/// A button with a label that fits.
pub(crate) fn button(text: &str, action: Action) -> Button {
    Button { label: label(text), action }
}

/// Page `page` (clamped to the last) of a non-empty list: its number, the page count, its items.
pub(crate) fn list_page<T>(items: &[T], page: usize) -> (usize, usize, &[T]) {
    let pages = items.len().div_ceil(LIST_PAGE_SIZE).max(1);
    let page = page.min(pages - 1);
    let start = page * LIST_PAGE_SIZE;
    (page, pages, &items[start.min(items.len())..(start + LIST_PAGE_SIZE).min(items.len())])
}

/// Previous / next buttons for a list of `pages` pages, only where there is such a page.
pub(crate) fn pager(page: usize, pages: usize, make: impl Fn(u32) -> Action) -> Vec<Button> {
    let mut row = Vec::new();
    if page > 0 {
        row.push(button(msg::PREVIOUS, make(page as u32 - 1)));
    }
    if page + 1 < pages {
        row.push(button(msg::NEXT, make(page as u32 + 1)));
    }
    row
}

/// A button that opens a speech: `speaker：title`.
pub(crate) fn speech_button(speech: &Speech) -> Button {
    button(&msg::speech_choice(speech), Action::Open(speech.id.clone()))
}

/// How paging buttons name a query: written into them when it fits in Telegram's 64 bytes of
/// callback data (`widest` is the longest such button), else by the searcher's key into the cache.
pub(crate) fn button_query(
    queries: &QueryCache,
    caller: Caller,
    query: &str,
    widest: impl Fn(QueryRef) -> Action,
) -> QueryRef {
    let inline = QueryRef::Inline(query.to_string());
    if widest(inline.clone()).encode().is_some() {
        inline
    } else {
        QueryRef::Cached(queries.insert(caller.user, query))
    }
}

/// The button that exports the answer it is under (see `research::export`).
pub(crate) fn export_button(queries: &QueryCache, caller: Caller, of: Findings, query: &str) -> Button {
    let query = button_query(queries, caller, query, |query| Action::Export { owner: caller.user, of, query });
    Button { label: msg::EXPORT_BUTTON.to_string(), action: Action::Export { owner: caller.user, of, query } }
}
