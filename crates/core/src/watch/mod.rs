//! Watched words: `/watch 词` in a private chat keeps a query (at most [`MAX_WATCHES`] a chat, in
//! the daily sections' database, so they survive restarts). After each reload that brings
//! passages no reader has seen (an upload, `/reload`, SIGHUP: every one goes through
//! [`crate::Shelf::put`]), each chat watching words that match some of them gets one message:
//! per term, the count and the first hits. The reload computes the alerts and queues them here;
//! the edge takes them when [`Watches::ready`] wakes it, and sends them after replies.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use digestbot_search::library::{Library, fresh_passages};
use digestbot_search::{Query, only_stopwords, parse_query};
use tokio::sync::Notify;

use self::text as msg;
use crate::action::Action;
use crate::caller::Caller;
use crate::daily::{Daily, Store, Watched};
use crate::reply::{Message, Response, plain};
use crate::widgets::button;

mod alerts;
pub mod text;

pub use self::alerts::Alert;

/// The most words one chat may watch: an alert for each stays one message.
pub const MAX_WATCHES: usize = 20;

pub struct Watches {
    /// Whose database holds the watches, and whose `gone` forgets a chat's.
    daily: Arc<Daily>,
    /// Alerts computed by reloads, not yet taken by the edge.
    pending: Mutex<Vec<Alert>>,
    ready: Notify,
}

impl std::fmt::Debug for Watches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watches").finish_non_exhaustive()
    }
}

/// What watched words mean.
struct Meaning {
    /// As typed, white space made single.
    words: String,
    query: Query,
    /// The query's terms, then its speakers, each sorted: `人大 代表` and `代表 人大` are one watch.
    key: String,
}

impl Meaning {
    /// The meaning of `words`, or what to answer when they cannot be watched: the query language
    /// is search's, refused in search's words, and words too common to mean anything are refused.
    fn of(library: &Library, words: &str) -> Result<Meaning, String> {
        let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
        let analyzer = library.index.analyzer();
        let query = parse_query(&analyzer.normalizer, &words).map_err(|e| msg::query_error(&e))?;
        if !query.terms.is_empty() && query.terms.iter().all(|t| only_stopwords(&analyzer.jieba, t)) {
            return Err(msg::watch_common(&words));
        }
        let mut terms = query.terms.clone();
        terms.sort();
        let mut speakers: Vec<String> = query.speakers.iter().map(|s| format!("@{s}")).collect();
        speakers.sort();
        terms.extend(speakers);
        Ok(Meaning { key: terms.join(" "), words, query })
    }
}

impl Watches {
    pub fn new(daily: Arc<Daily>) -> Watches {
        Watches { daily, pending: Mutex::new(Vec::new()), ready: Notify::new() }
    }

    fn store(&self) -> &Store {
        self.daily.store()
    }

    /// Woken when a reload has queued alerts.
    pub fn ready(&self) -> &Notify {
        &self.ready
    }

    /// The alerts queued so far, oldest first; the queue is left empty.
    pub fn take(&self) -> Vec<Alert> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// `new` replaced `old`: queues an alert for each chat watching words that match passages of
    /// `new` that `old` did not hold. Returns how many were queued. Blocking.
    pub fn reloaded(&self, old: &Library, new: &Library) -> usize {
        let fresh = fresh_passages(&old.corpus, &new.corpus);
        if fresh.is_empty() {
            return 0;
        }
        let watches = match self.store().every_watch() {
            Ok(watches) => watches,
            Err(e) => {
                tracing::error!("cannot read the watched words; no alerts for this reload: {e}");
                return 0;
            }
        };
        let alerts = alerts::alerts(&watches, new, &fresh);
        let queued = alerts.len();
        if queued > 0 {
            tracing::info!(chats = queued, passages = fresh.len(), "watched words found in new passages");
            self.pending.lock().unwrap_or_else(|e| e.into_inner()).extend(alerts);
            self.ready.notify_one();
        }
        queued
    }

    /// The chat cannot be written to: its watches are forgotten, as its daily section stops.
    pub fn gone(&self, chat: i64, reason: &str) {
        self.daily.gone(chat, reason);
    }

    // The commands; the app sees to their being asked in a private chat.

    /// `/watch 词`, or `/watch` alone: the list.
    pub(crate) fn watch(&self, library: &Library, caller: Caller, words: &str, now: DateTime<Utc>) -> Response {
        if words.trim().is_empty() {
            return self.list(caller);
        }
        let meaning = match Meaning::of(library, words) {
            Ok(meaning) => meaning,
            Err(refusal) => return Response::text(plain(&refusal)),
        };
        let text = match self.store().watch(caller.chat, &meaning.words, &meaning.key, MAX_WATCHES, now) {
            Ok(Watched::Added(_)) => {
                tracing::info!(chat = caller.chat, "words watched");
                let total = library.index.search(&meaning.query, 0, 0).map_or(0, |found| found.total);
                msg::watching(&meaning.words, total)
            }
            Ok(Watched::Already(watch)) => msg::already_watching(&watch.words),
            Ok(Watched::Full) => msg::watch_full(MAX_WATCHES),
            Err(e) => {
                tracing::error!(chat = caller.chat, "cannot save a watch: {e}");
                msg::WATCH_FAILED.to_string()
            }
        };
        Response::text(plain(&text))
    }

    /// `/unwatch 词`, or `/unwatch` alone: a button for each word watched.
    pub(crate) fn unwatch(&self, library: &Library, caller: Caller, words: &str) -> Response {
        if words.trim().is_empty() {
            return self.choices(caller, msg::WATCH_NONE).map_or_else(|| self.failed(), Response::message);
        }
        // Words that cannot be watched are watched by no one.
        let Ok(meaning) = Meaning::of(library, words) else {
            return Response::text(plain(&msg::not_watching(words.trim())));
        };
        match self.store().unwatch(caller.chat, &meaning.key) {
            Ok(Some(watch)) => Response::text(plain(&msg::unwatched(&watch.words))),
            Ok(None) => Response::text(plain(&msg::not_watching(&meaning.words))),
            Err(e) => {
                tracing::error!(chat = caller.chat, "cannot remove a watch: {e}");
                self.failed()
            }
        }
    }

    /// An unwatch button: the watch goes, and the message shows the buttons left.
    pub(crate) fn unwatch_button(&self, caller: Caller, id: i64) -> Response {
        let notice = match self.store().unwatch_id(caller.chat, id) {
            Ok(Some(watch)) => msg::unwatched(&watch.words),
            // Pressed twice, or removed with /unwatch meanwhile: the list says what is left.
            Ok(None) => msg::EXPIRED.to_string(),
            Err(e) => {
                tracing::error!(chat = caller.chat, "cannot remove a watch: {e}");
                return Response::notice(msg::WATCH_FAILED);
            }
        };
        let edit = self.choices(caller, msg::UNWATCHED_ALL);
        Response { edit, notice: Some(notice), ..Response::default() }
    }

    fn list(&self, caller: Caller) -> Response {
        match self.store().watches(caller.chat) {
            Ok(watches) if watches.is_empty() => Response::text(plain(msg::WATCH_NONE)),
            Ok(watches) => {
                let words: Vec<&str> = watches.iter().map(|w| w.words.as_str()).collect();
                Response::text(plain(&msg::watch_list(&words, MAX_WATCHES)))
            }
            Err(e) => {
                tracing::error!(chat = caller.chat, "cannot read watches: {e}");
                self.failed()
            }
        }
    }

    /// The chat's watches with a button each, or `none` without buttons; None when the database
    /// cannot say.
    fn choices(&self, caller: Caller, none: &str) -> Option<Message> {
        let watches = self
            .store()
            .watches(caller.chat)
            .map_err(|e| tracing::error!(chat = caller.chat, "cannot read watches: {e}"))
            .ok()?;
        if watches.is_empty() {
            return Some(Message { text: plain(none), buttons: Vec::new() });
        }
        let buttons =
            watches.iter().map(|w| vec![button(&msg::unwatch_button(&w.words), Action::Unwatch(w.id))]).collect();
        Some(Message { text: plain(&msg::unwatch_choices(watches.len())), buttons })
    }

    fn failed(&self) -> Response {
        Response::text(plain(msg::WATCH_FAILED))
    }
}
