//! The alerts of one reload: each distinct query searched once, among the new passages only, and
//! one message per chat with every term of its that matched.

use std::collections::HashMap;

use digestbot_corpus::Loc;
use digestbot_search::library::Library;
use digestbot_search::{Among, Query, parse_query, snippet};

use super::text as msg;
use crate::daily::Watch;
use crate::reply::{Message, Rich};
use crate::screens::search::hit;

/// Hits shown for one term, and in one alert, so that an alert of many terms stays one message.
const HITS_PER_TERM: usize = 3;
const MAX_HITS: usize = 10;

/// One message for one chat after a reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub chat: i64,
    pub message: Message,
}

/// The alerts for `watches` (by chat, as the store lists them), of the passages `fresh` of `new`.
pub(super) fn alerts(watches: &[Watch], new: &Library, fresh: &[Loc]) -> Vec<Alert> {
    let among = new.index.among(fresh);
    // Each distinct query once, however many chats watch it.
    let mut found: HashMap<&str, Option<(Query, Vec<Loc>)>> = HashMap::new();
    for watch in watches {
        found.entry(&watch.key).or_insert_with(|| matching(new, &watch.words, &among));
    }
    let mut alerts = Vec::new();
    for chats in watches.chunk_by(|a, b| a.chat == b.chat) {
        let mut matched = Vec::new();
        for watch in chats {
            if let Some(Some((query, locs))) = found.get(watch.key.as_str())
                && !locs.is_empty()
            {
                matched.push((watch.words.as_str(), query, locs.as_slice()));
            }
        }
        if !matched.is_empty() {
            alerts.push(Alert { chat: chats[0].chat, message: message(new, &matched) });
        }
    }
    alerts
}

/// The passages of `among` that `words` find; None when they no longer parse (a normalizer
/// changed by an upgrade) or the index fails.
fn matching(library: &Library, words: &str, among: &Among) -> Option<(Query, Vec<Loc>)> {
    let query = parse_query(&library.index.analyzer().normalizer, words).ok()?;
    match library.index.matching_among(&query, among) {
        Ok(locs) => Some((query, locs)),
        Err(e) => {
            tracing::warn!("a watched query failed: {e}");
            None
        }
    }
}

/// One chat's alert: each term with its count and first hits, linked as search shows them.
fn message(library: &Library, matched: &[(&str, &Query, &[Loc])]) -> Message {
    let normalizer = &library.index.analyzer().normalizer;
    let mut text = Rich::new();
    text.bold(msg::ALERT_HEADER);
    let mut room = MAX_HITS;
    for &(words, query, locs) in matched {
        text.plain("\n\n").bold(msg::alert_term(words, locs.len()));
        let shown = locs.len().min(HITS_PER_TERM).min(room);
        room -= shown;
        for (n, loc) in locs[..shown].iter().enumerate() {
            let Some(at) = loc.resolve(&library.corpus) else { continue };
            text.plain(format!("\n{}. ", n + 1));
            hit(&mut text, library, *loc, &snippet(normalizer, at.passage.text(), &query.terms));
        }
        if locs.len() > shown {
            text.plain("\n").italic(msg::alert_more(locs.len() - shown));
        }
    }
    Message { text, buttons: Vec::new() }
}
