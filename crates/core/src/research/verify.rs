//! `/verify`: where a quotation comes from, with its differences from the published text marked.

use digestbot_search::library::Library;
use digestbot_search::verify::{Match, Piece, Verdict, Verification};

use super::text as msg;
use crate::action::Findings;
use crate::caller::Caller;
use crate::query_cache::QueryCache;
use crate::reply::{Message, Response, Rich, Style, plain};
use crate::widgets::export_button;

pub(crate) fn verify(library: &Library, queries: &QueryCache, caller: Caller, quotation: &str) -> Response {
    let quotation = quotation.trim();
    if quotation.is_empty() {
        return Response::text(plain(msg::VERIFY_USAGE));
    }
    let found = match library.verify(quotation) {
        Ok(found) => found,
        Err(e) => return Response::text(plain(&msg::verify_error(&e))),
    };
    let text = render(library, &found);
    if found.verdict() == Verdict::NotFound {
        return Response::text(text);
    }
    let buttons = vec![vec![export_button(queries, caller, Findings::Verify, quotation)]];
    Response::message(Message { text, buttons })
}

/// The answer: the verdict, then each match marked, with its similarity, differences and source.
pub fn render(library: &Library, found: &Verification) -> Rich {
    let mut text = Rich::new();
    match (found.verdict(), found.matches.first()) {
        (Verdict::Exact, Some(best)) => text.bold(msg::verified_exact(best.verbatim, found.matches.len())),
        (Verdict::Close, Some(best)) => text.bold(msg::verified_close(best.differences())),
        _ => return plain(&msg::verified_not_found(found.passages)),
    };
    for (n, found) in found.matches.iter().enumerate() {
        text.plain(format!("\n\n{}. ", n + 1));
        marked(&mut text, found);
        text.plain("\n");
        text.plain(msg::similarity(found.similarity));
        if !found.added.is_empty() {
            text.plain("；").plain(msg::quotation_adds(&found.added));
        }
        if !found.missing.is_empty() {
            text.plain("；").plain(msg::quotation_leaves_out(&found.missing));
        }
        if let Some(at) = found.locs[0].resolve(&library.corpus) {
            text.plain("\n");
            text.italic(msg::source(&at));
            text.plain(" ");
            text.push(msg::OPEN_PASSAGE, Style::Open(at.passage.id.clone()));
        }
    }
    if found.matches.iter().any(|m| !m.is_exact()) {
        text.plain("\n\n").italic(msg::DIFF_LEGEND);
    }
    text
}

/// The published text of a match, what the quotation leaves out in bold and what it adds in
/// italics where it adds it.
pub(crate) fn marked(text: &mut Rich, found: &Match) {
    for piece in &found.pieces {
        match piece {
            Piece::Context(t) | Piece::Same(t) => text.plain(t),
            Piece::Missing(t) => text.bold(t),
            Piece::Added(t) => text.italic(msg::added_mark(t)),
            Piece::Break => text.plain(msg::PASSAGE_BREAK),
        };
    }
}
