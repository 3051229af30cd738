//! `/trend`: a chart of how many passages match per year (or month), one line per term, with the
//! first and last appearance and the speakers who use it most.

use digestbot_corpus::Corpus;
use digestbot_search::library::Library;
use digestbot_search::trend::{By, TermTrend, Trend, split_terms};

use super::text as msg;
use crate::action::Findings;
use crate::attachment::{Attachment, Chart, Series};
use crate::caller::Caller;
use crate::query_cache::QueryCache;
use crate::reply::{Attached, Message, Response, Rich, Style, plain};
use crate::widgets::export_button;

pub(crate) fn trend(library: &Library, queries: &QueryCache, caller: Caller, words: &str) -> Response {
    let words = words.trim();
    if words.is_empty() {
        return Response::text(plain(msg::TREND_USAGE));
    }
    let found = match library.trend(words) {
        Ok(found) => found,
        Err(e) => return Response::text(plain(&msg::trend_error(&e, &split_terms(words)))),
    };
    if found.terms.iter().all(|t| t.total == 0) {
        return Response::text(plain(&msg::trend_no_hits(words)));
    }
    let caption = Message {
        text: caption(&library.corpus, &found),
        buttons: vec![vec![export_button(queries, caller, Findings::Trend, words)]],
    };
    Response {
        attachment: Some(Box::new(Attached { file: Attachment::Chart(chart(&found)), caption })),
        ..Response::default()
    }
}

pub fn chart(found: &Trend) -> Chart {
    Chart {
        periods: found.periods.clone(),
        series: found.terms.iter().map(|t| Series { term: t.term.clone(), counts: t.counts.clone() }).collect(),
    }
}

/// The chart's caption: per term (numbered as the chart's legend), its total, first and last
/// appearance with links, its most frequent speakers, and what the chart leaves out.
pub fn caption(corpus: &Corpus, found: &Trend) -> Rich {
    let mut text = Rich::new();
    text.bold(msg::trend_header(found.by == By::Month, found.periods.len()));
    for (i, term) in found.terms.iter().enumerate() {
        text.plain("\n\n").bold(msg::trend_term(i + 1, &term.term, term.total));
        appearances(&mut text, corpus, term);
        if !term.speakers.is_empty() {
            text.plain("\n").plain(msg::top_speakers(&term.speakers));
        }
        if term.undated > 0 {
            text.plain("\n").italic(msg::undated(term.undated));
        }
    }
    text
}

fn appearances(text: &mut Rich, corpus: &Corpus, term: &TermTrend) {
    let seen =
        [(term.first.as_ref(), msg::first_seen as fn(&str, &str) -> String), (term.last.as_ref(), msg::last_seen)];
    for (i, (appearance, say)) in seen.into_iter().enumerate() {
        let Some(appearance) = appearance else { continue };
        // One appearance is both the first and the last.
        if i == 1 && term.first.as_ref().is_some_and(|first| first.loc == appearance.loc) {
            continue;
        }
        let Some(at) = appearance.loc.resolve(corpus) else { continue };
        text.plain("\n").plain(say(&appearance.date, msg::speaker(at.speech)));
        text.plain(" ").push(msg::OPEN_SHORT, Style::Open(at.passage.id.clone()));
    }
}
