//! Browsing: the speaker list, finding a speech by its speaker, the table of contents, and a
//! random passage.

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};

use super::reading;
use crate::action::Action;
use crate::caller::Caller;
use crate::query_cache::QueryCache;
use crate::reply::plain;
use crate::reply::{Button, Message, Response, Rich};
use crate::text as msg;
use crate::widgets::{button, button_query, list_page, pager, speech_button};
use digestbot_corpus::Speech;
use digestbot_search::check_query_length;
use digestbot_search::library::Library;

/// A speech as a button that opens its outline.
/// Every speech, speaker first, a page at a time.
pub(crate) fn speakers(library: &Library, page: usize) -> Response {
    let all: Vec<&Speech> = library.corpus.digests.iter().flat_map(|d| d.speeches.iter()).collect();
    if all.is_empty() {
        return Response::text(plain(msg::EMPTY_CORPUS));
    }
    let (page, pages, shown) = list_page(&all, page);
    let mut text = Rich::new();
    text.bold(msg::speakers_header(all.len(), page + 1, pages));
    let mut buttons = Vec::new();
    for speech in shown {
        text.plain(format!("\n{}", msg::speaker_line(speech)));
        buttons.push(vec![speech_button(speech)]);
    }
    let row = pager(page, pages, Action::Speakers);
    if !row.is_empty() {
        buttons.push(row);
    }
    Response::message(Message { text, buttons })
}

/// `/speaker 合肥`: speeches whose speaker or title contains every word, normalized like search.
/// One opens its outline, several are offered as choices a page at a time, none lists every
/// speaker.
pub(crate) fn speaker(library: &Library, queries: &QueryCache, caller: Caller, query: &str, page: usize) -> Response {
    if let Err(e) = check_query_length(query) {
        return Response::text(plain(&msg::query_error(&e)));
    }
    let n = &library.index.analyzer().normalizer;
    // Split first: normalizing drops the space between Han characters.
    let wanted: Vec<String> = query.split_whitespace().map(|w| n.text(w)).collect();
    // (digest, speech) positions, for opening the one match.
    let found: Vec<(usize, usize, &Speech)> = library
        .corpus
        .digests
        .iter()
        .enumerate()
        .flat_map(|(d, digest)| digest.speeches.iter().enumerate().map(move |(s, speech)| (d, s, speech)))
        .filter(|(_, _, speech)| {
            let (who, title) = (n.text(speech.speaker_name().unwrap_or("")), n.text(&speech.title));
            wanted.iter().all(|w| who.contains(w.as_str()) || title.contains(w.as_str()))
        })
        .collect();
    match found[..] {
        [(digest, speech, _)] => reading::speech(library, digest, speech),
        [] => {
            let mut response = speakers(library, 0);
            if let Some(first) = response.messages.first_mut() {
                let mut text = plain(&msg::no_speaker(query));
                text.plain("\n\n");
                text.0.append(&mut first.text.0);
                first.text = text;
            }
            response
        }
        _ => {
            let (page, pages, shown) = list_page(&found, page);
            let mut text = Rich::new();
            text.bold(msg::speaker_choices(query, found.len(), page + 1, pages));
            let mut buttons: Vec<Vec<Button>> =
                shown.iter().map(|(_, _, speech)| vec![speech_button(speech)]).collect();
            let widest = |query| Action::SpeakerPage { owner: caller.user, page: pages as u32, query };
            let query_ref = button_query(queries, caller, query, widest);
            let row =
                pager(page, pages, |p| Action::SpeakerPage { owner: caller.user, page: p, query: query_ref.clone() });
            if !row.is_empty() {
                buttons.push(row);
            }
            Response::message(Message { text, buttons })
        }
    }
}

/// The table of contents: digests, a page at a time; each opens its list of speeches.
pub(crate) fn toc(library: &Library, page: usize) -> Response {
    let digests = &library.corpus.digests;
    if digests.is_empty() {
        return Response::text(plain(msg::EMPTY_CORPUS));
    }
    let (page, pages, shown) = list_page(digests, page);
    let mut text = Rich::new();
    text.bold(msg::toc_header(digests.len(), page + 1, pages));
    let mut buttons: Vec<Vec<Button>> =
        shown.iter().map(|d| vec![button(&msg::dated_title(d), Action::Open(d.id.clone()))]).collect();
    let row = pager(page, pages, Action::Toc);
    if !row.is_empty() {
        buttons.push(row);
    }
    Response::message(Message { text, buttons })
}

/// One passage picked at random.
pub(crate) fn random(library: &Library, picker: &RandomPicker) -> Response {
    let count = library.index.len();
    if count == 0 {
        return Response::text(plain(msg::EMPTY_CORPUS));
    }
    match library.locs().nth(picker.pick(count)) {
        Some(loc) => reading::passage(library, loc),
        None => Response::text(plain(msg::EMPTY_CORPUS)),
    }
}

/// Picks numbers that look random without a random-number crate: a per-process random hasher
/// applied to a counter, so two picks in a row differ.
pub(crate) struct RandomPicker {
    seed: RandomState,
    draws: AtomicU64,
}

impl RandomPicker {
    pub(crate) fn new() -> RandomPicker {
        RandomPicker { seed: RandomState::new(), draws: AtomicU64::new(0) }
    }

    /// A number below `n` (which must not be 0).
    fn pick(&self, n: usize) -> usize {
        self.seed.hash_one(self.draws.fetch_add(1, Ordering::Relaxed)) as usize % n
    }
}
