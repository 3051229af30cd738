//! The core of the bot: a command (or button, or inline query) and who sent it in, a neutral
//! [`Response`] out. No Telegram here: `telegram/` and `chat` render what this returns.

pub mod action;
pub mod command;
mod limiter;
pub mod reply;

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;

use self::action::{Action, QueryRef};
use self::command::{Command, Parsed};
use self::limiter::Limiter;
use self::reply::{Button, Message, Response, Rich, Style};
use crate::config::Config;
use crate::corpus::Loc;
use crate::library::{Library, SearchError, Target};
use crate::messages as msg;
use crate::search::Analyzer;

/// Search hits on one page of a reply.
pub const PAGE_SIZE: usize = 5;
/// Results per page of an inline answer.
pub const INLINE_PAGE_SIZE: usize = 10;
/// Passage characters shared by inline mode (the source follows, within Telegram's 4096).
const INLINE_TEXT_CHARS: usize = 1500;
/// Buttons on one page of a list (speakers, table of contents).
pub const LIST_PAGE_SIZE: usize = 10;
/// Longest button label, in characters.
const LABEL_CHARS: usize = 40;
/// Search queries remembered for paging buttons whose query does not fit in the button.
const QUERY_CACHE: usize = 10_000;

/// Who sent an input, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub user: i64,
    pub chat: i64,
    /// A private chat with the bot (plain text is a search there).
    pub private: bool,
}

/// The answer to an inline query: articles to share, and the offset of the next page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InlineAnswer {
    pub articles: Vec<Article>,
    pub next_offset: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The passage id: unique within an answer.
    pub id: String,
    /// `《speech》 · speaker`
    pub title: String,
    pub description: String,
    /// What is sent when it is chosen: the passage and its source.
    pub message: Rich,
}

/// Everything the bot shares across updates.
pub struct App {
    library: ArcSwap<Library>,
    pub config: Config,
    pub analyzer: Arc<Analyzer>,
    queries: Mutex<(HashMap<u32, String>, VecDeque<u32>)>,
    next_query: AtomicU32,
    limiter: Limiter,
    random: (RandomState, AtomicU64),
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("library", &self.library.load()).finish_non_exhaustive()
    }
}

fn label(text: &str) -> String {
    match text.char_indices().nth(LABEL_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

fn button(text: &str, action: Action) -> Button {
    Button { label: label(text), action }
}

/// A speech as a button: `speaker：title`.
fn speech_button(speech: &crate::corpus::Speech) -> Button {
    let who = speech.speaker_name().unwrap_or(msg::NO_SPEAKER);
    button(&format!("{who}：{}", speech.title), Action::Open(speech.id.clone()))
}

/// Page `page` (clamped to the last) of a non-empty list: its number, the page count, its items.
fn list_page<T>(items: &[T], page: usize) -> (usize, usize, &[T]) {
    let pages = items.len().div_ceil(LIST_PAGE_SIZE).max(1);
    let page = page.min(pages - 1);
    let start = page * LIST_PAGE_SIZE;
    (page, pages, &items[start.min(items.len())..(start + LIST_PAGE_SIZE).min(items.len())])
}

/// Previous / next buttons for a list of `pages` pages, only where there is such a page.
fn pager(page: usize, pages: usize, make: impl Fn(u32) -> Option<Action>) -> Vec<Button> {
    let mut row = Vec::new();
    if page > 0 {
        row.extend(make(page as u32 - 1).map(|a| button(msg::PREVIOUS, a)));
    }
    if page + 1 < pages {
        row.extend(make(page as u32 + 1).map(|a| button(msg::NEXT, a)));
    }
    row
}

impl App {
    pub fn new(config: Config, library: Library, analyzer: Arc<Analyzer>) -> App {
        App {
            library: ArcSwap::from_pointee(library),
            config,
            analyzer,
            queries: Mutex::new((HashMap::new(), VecDeque::new())),
            next_query: AtomicU32::new(1),
            limiter: Limiter::default(),
            random: (RandomState::new(), AtomicU64::new(0)),
        }
    }

    /// The library as it is now; a reload swaps it whole, and what a caller holds stays valid.
    pub fn library(&self) -> Arc<Library> {
        self.library.load_full()
    }

    /// A message's text. `me` is the bot's username (for `/cmd@me`).
    pub fn handle_text(&self, caller: Caller, text: &str, me: &str) -> Response {
        let parsed = command::parse(text, me);
        // In a group, chatter and bare commands of other bots are not for us.
        let not_ours = match &parsed {
            Parsed::OtherBot => true,
            Parsed::Text => !caller.private,
            Parsed::Unknown { addressed, .. } => !caller.private && !addressed,
            Parsed::Command(_) => false,
        };
        if not_ours {
            return Response::silence();
        }
        match self.limiter.admit(caller.user) {
            limiter::Verdict::Admit => {}
            limiter::Verdict::Warn => return Response::text(plain(msg::THROTTLED)),
            limiter::Verdict::Drop => return Response::silence(),
        }
        let library = self.library();
        match parsed {
            Parsed::Command(command) => self.command(&library, caller, command),
            Parsed::Unknown { name, .. } => Response::text(plain(&msg::unknown_command(&name))),
            Parsed::Text => self.search(&library, caller, text.trim(), 0),
            Parsed::OtherBot => Response::silence(),
        }
    }

    /// A message without text (a sticker, a photo): a hint in private, silence in groups.
    pub fn handle_non_text(&self, caller: Caller) -> Response {
        if caller.private && matches!(self.limiter.admit(caller.user), limiter::Verdict::Admit) {
            Response::text(plain(msg::NOT_TEXT))
        } else {
            Response::silence()
        }
    }

    /// A button press with its callback data. The edge answers every press (so the button stops
    /// spinning), with `notice` when there is one.
    pub fn handle_callback(&self, caller: Caller, data: &str) -> Response {
        match self.limiter.admit(caller.user) {
            limiter::Verdict::Admit => {}
            _ => return Response::notice(msg::THROTTLED),
        }
        let Some(action) = Action::decode(data) else { return Response::notice(msg::EXPIRED) };
        let library = self.library();
        let mut response = match action {
            Action::Page { owner, page, query } => {
                if owner != caller.user {
                    return Response::notice(msg::NOT_YOUR_SEARCH);
                }
                let query = match query {
                    QueryRef::Inline(q) => q,
                    QueryRef::Cached(key) => match self.cached_query(key) {
                        Some(q) => q,
                        None => return Response::notice(msg::EXPIRED),
                    },
                };
                self.search(&library, caller, &query, page as usize)
            }
            Action::Open(id) => self.open(&library, &id),
            Action::Section(id) => match library.find(&id) {
                Some(Target::Passage(loc)) => {
                    self.section(&library, loc.digest as usize, loc.speech as usize, loc.section as usize)
                }
                Some(Target::Section { digest, speech, section }) => self.section(&library, digest, speech, section),
                _ => return Response::notice(msg::EXPIRED),
            },
            Action::Speakers(page) => self.speakers(&library, page as usize),
            Action::Toc(page) => self.toc(&library, page as usize),
        };
        // Paging and navigating replace the message the button is on.
        if response.messages.len() == 1 && response.edit.is_none() {
            response.edit = response.messages.pop();
        }
        response
    }

    fn command(&self, library: &Library, caller: Caller, command: Command) -> Response {
        match command {
            Command::Start(Some(payload)) => self.open(library, &payload),
            Command::Start(None) => {
                let c = &library.corpus;
                let speeches = c.digests.iter().map(|d| d.speeches.len()).sum();
                Response::text(plain(&msg::welcome(c.digests.len(), speeches, c.passage_count())))
            }
            Command::Help => Response::text(plain(msg::HELP)),
            Command::Search(query) if query.trim().is_empty() => Response::text(plain(msg::SEARCH_USAGE)),
            Command::Search(query) => self.search(library, caller, &query, 0),
            Command::Speaker(query) if query.trim().is_empty() => self.speakers(library, 0),
            Command::Speaker(query) => self.speaker(library, &query),
            Command::Read(id) if id.trim().is_empty() => Response::text(plain(msg::READ_USAGE)),
            Command::Read(id) => self.open(library, id.trim()),
            Command::Toc => self.toc(library, 0),
            Command::Random => self.random(library),
        }
    }

    fn cache_query(&self, query: &str) -> u32 {
        let key = self.next_query.fetch_add(1, Ordering::Relaxed);
        let mut guard = self.queries.lock().unwrap_or_else(|e| e.into_inner());
        let (map, order) = &mut *guard;
        map.insert(key, query.to_string());
        order.push_back(key);
        while order.len() > QUERY_CACHE {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
        key
    }

    fn cached_query(&self, key: u32) -> Option<String> {
        self.queries.lock().unwrap_or_else(|e| e.into_inner()).0.get(&key).cloned()
    }

    /// A page of search results.
    fn search(&self, library: &Library, caller: Caller, query: &str, page: usize) -> Response {
        let results = match library.search(query, page.saturating_mul(PAGE_SIZE), PAGE_SIZE) {
            Ok(found) => found,
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
            // A page past the end (the corpus shrank under an old button): show the last one.
            return self.search(library, caller, query, pages - 1);
        }
        let mut text = Rich::new();
        text.bold(msg::search_header(query, results.total, page + 1, pages));
        for (n, hit) in results.hits.iter().enumerate() {
            text.plain(format!("\n\n{}. ", page * PAGE_SIZE + n + 1));
            text.snippet(&hit.snippet);
            text.plain("\n");
            text.italic(library.source(hit.loc));
            if let Some(at) = hit.loc.resolve(&library.corpus) {
                text.plain(" ");
                text.push(msg::OPEN_PASSAGE, Style::Open(at.passage.id.clone()));
            }
        }
        let inline = QueryRef::Inline(query.to_string());
        let probe = Action::Page { owner: caller.user, page: pages as u32, query: inline.clone() };
        let query_ref = if probe.encode().is_some() { inline } else { QueryRef::Cached(self.cache_query(query)) };
        let row = pager(page, pages, |p| Some(Action::Page { owner: caller.user, page: p, query: query_ref.clone() }));
        let buttons = if row.is_empty() { Vec::new() } else { vec![row] };
        Response::message(Message { text, buttons })
    }

    /// Opens whatever an id names.
    fn open(&self, library: &Library, id: &str) -> Response {
        match library.find(id) {
            Some(Target::Passage(loc)) => self.passage(library, loc),
            Some(Target::Section { digest, speech, section }) => self.section(library, digest, speech, section),
            Some(Target::Speech { digest, speech }) => self.speech(library, digest, speech),
            Some(Target::Digest { digest }) => self.digest(library, digest),
            None => Response::text(plain(&msg::not_found_id(id))),
        }
    }

    fn passage(&self, library: &Library, loc: Loc) -> Response {
        let Some(at) = loc.resolve(&library.corpus) else { return Response::text(plain(msg::EXPIRED)) };
        let (s, c, p) = (at.speech, at.section, at.passage);
        let mut text = Rich::new();
        text.bold(format!("《{}》", s.title));
        let mut byline: Vec<&str> = s.speaker_name().into_iter().collect();
        byline.extend(c.heading.as_deref());
        if !byline.is_empty() {
            text.plain("\n");
            text.italic(byline.join(" · "));
        }
        text.plain(format!("\n\n{}\n\n", p.text()));
        text.italic(format!("— {}", library.source(loc)));
        let (previous, next) = library.neighbors(loc);
        let id_of = |l: Loc| l.resolve(&library.corpus).map(|at| at.passage.id.clone());
        let mut row = Vec::new();
        row.extend(previous.and_then(id_of).map(|id| button(msg::PREVIOUS_PASSAGE, Action::Open(id))));
        row.push(button(msg::WHOLE_SECTION, Action::Section(p.id.clone())));
        row.extend(next.and_then(id_of).map(|id| button(msg::NEXT_PASSAGE, Action::Open(id))));
        Response::message(Message { text, buttons: vec![row] })
    }

    /// A whole section: several messages when it is long (the edges split it).
    fn section(&self, library: &Library, d: usize, s: usize, c: usize) -> Response {
        let speech = &library.corpus.digests[d].speeches[s];
        let section = &speech.sections[c];
        let mut text = Rich::new();
        text.bold(format!("《{}》", speech.title));
        text.plain("\n");
        let heading = section.heading.as_deref().unwrap_or(if c == 0 { msg::INTRO } else { msg::UNTITLED_SECTION });
        let mut byline: Vec<&str> = speech.speaker_name().into_iter().collect();
        byline.push(heading);
        text.italic(byline.join(" · "));
        for p in &section.passages {
            text.plain(format!("\n\n{}", p.text()));
        }
        let mut row = Vec::new();
        if c > 0 {
            row.push(button(msg::PREVIOUS_SECTION, Action::Open(speech.sections[c - 1].id.clone())));
        }
        row.push(button(msg::SPEECH_OUTLINE, Action::Open(speech.id.clone())));
        if let Some(next) = speech.sections.get(c + 1) {
            row.push(button(msg::NEXT_SECTION, Action::Open(next.id.clone())));
        }
        Response::message(Message { text, buttons: vec![row] })
    }

    fn speech(&self, library: &Library, d: usize, s: usize) -> Response {
        let digest = &library.corpus.digests[d];
        let speech = &digest.speeches[s];
        let mut text = Rich::new();
        text.bold(format!("《{}》", speech.title));
        let mut byline: Vec<String> = speech.speaker_name().map(str::to_string).into_iter().collect();
        byline.push(digest.dated_title());
        text.plain("\n");
        text.italic(byline.join(" · "));
        text.plain(format!("\n\n{}", msg::section_count(speech.sections.len())));
        let mut buttons: Vec<Vec<Button>> = speech
            .sections
            .iter()
            .enumerate()
            .take(90)
            .map(|(c, section)| {
                let heading =
                    section.heading.as_deref().unwrap_or(if c == 0 { msg::INTRO } else { msg::UNTITLED_SECTION });
                vec![button(heading, Action::Open(section.id.clone()))]
            })
            .collect();
        buttons.push(vec![button(msg::TOC, Action::Open(digest.id.clone()))]);
        Response::message(Message { text, buttons })
    }

    fn digest(&self, library: &Library, d: usize) -> Response {
        let digest = &library.corpus.digests[d];
        let mut text = Rich::new();
        text.bold(&digest.title);
        if let Some(date) = &digest.date {
            text.plain(format!("\n{date}"));
        }
        for note in &digest.note {
            text.plain(format!("\n\n{}", note.display()));
        }
        text.plain(format!("\n\n{}", msg::speech_count(digest.speeches.len())));
        let mut buttons: Vec<Vec<Button>> = digest.speeches.iter().take(90).map(|s| vec![speech_button(s)]).collect();
        buttons.push(vec![button(msg::TOC, Action::Toc(0))]);
        Response::message(Message { text, buttons })
    }

    /// Every speech, speaker first, a page at a time.
    fn speakers(&self, library: &Library, page: usize) -> Response {
        let all: Vec<(&str, &crate::corpus::Speech)> = library
            .corpus
            .digests
            .iter()
            .flat_map(|d| d.speeches.iter())
            .map(|s| (s.speaker_name().unwrap_or(msg::NO_SPEAKER), s))
            .collect();
        if all.is_empty() {
            return Response::text(plain(msg::EMPTY_CORPUS));
        }
        let (page, pages, shown) = list_page(&all, page);
        let mut text = Rich::new();
        text.bold(msg::speakers_header(all.len(), page + 1, pages));
        let mut buttons = Vec::new();
        for (speaker, speech) in shown {
            text.plain(format!("\n{speaker} — 《{}》", speech.title));
            buttons.push(vec![speech_button(speech)]);
        }
        let row = pager(page, pages, |p| Some(Action::Speakers(p)));
        if !row.is_empty() {
            buttons.push(row);
        }
        Response::message(Message { text, buttons })
    }

    /// `/speaker 合肥`: speeches whose speaker or title contains the words, normalized like search.
    fn speaker(&self, library: &Library, query: &str) -> Response {
        let n = &self.analyzer.normalizer;
        // Split first: normalizing drops the space between Han characters.
        let wanted: Vec<String> = query.split_whitespace().map(|w| n.text(w)).collect();
        let found: Vec<(usize, usize)> = library
            .corpus
            .digests
            .iter()
            .enumerate()
            .flat_map(|(d, digest)| digest.speeches.iter().enumerate().map(move |(s, speech)| (d, s, speech)))
            .filter(|(_, _, speech)| {
                let (who, title) = (n.text(speech.speaker_name().unwrap_or("")), n.text(&speech.title));
                wanted.iter().all(|w| who.contains(w.as_str()) || title.contains(w.as_str()))
            })
            .map(|(d, s, _)| (d, s))
            .collect();
        match found[..] {
            [(d, s)] => self.speech(library, d, s),
            [] => {
                let mut response = self.speakers(library, 0);
                if let Some(first) = response.messages.first_mut() {
                    let mut text = plain(&msg::no_speaker(query));
                    text.plain("\n\n");
                    text.0.append(&mut first.text.0);
                    first.text = text;
                }
                response
            }
            _ => {
                let mut text = Rich::new();
                text.bold(msg::speaker_choices(query, found.len()));
                let buttons = found
                    .iter()
                    .take(LIST_PAGE_SIZE * 3)
                    .map(|&(d, s)| vec![speech_button(&library.corpus.digests[d].speeches[s])])
                    .collect();
                Response::message(Message { text, buttons })
            }
        }
    }

    fn toc(&self, library: &Library, page: usize) -> Response {
        let digests = &library.corpus.digests;
        if digests.is_empty() {
            return Response::text(plain(msg::EMPTY_CORPUS));
        }
        let (page, pages, shown) = list_page(digests, page);
        let mut text = Rich::new();
        text.bold(msg::toc_header(digests.len(), page + 1, pages));
        let mut buttons: Vec<Vec<Button>> =
            shown.iter().map(|d| vec![button(&d.dated_title(), Action::Open(d.id.clone()))]).collect();
        let row = pager(page, pages, |p| Some(Action::Toc(p)));
        if !row.is_empty() {
            buttons.push(row);
        }
        Response::message(Message { text, buttons })
    }

    fn random(&self, library: &Library) -> Response {
        let count = library.index.len();
        if count == 0 {
            return Response::text(plain(msg::EMPTY_CORPUS));
        }
        let (state, counter) = &self.random;
        let pick = state.hash_one(counter.fetch_add(1, Ordering::Relaxed)) as usize % count;
        match library.locs().nth(pick) {
            Some(loc) => self.passage(library, loc),
            None => Response::text(plain(msg::EMPTY_CORPUS)),
        }
    }

    /// Inline mode: hits as articles to share, `INLINE_PAGE_SIZE` a page; `offset` is the page
    /// number Telegram hands back.
    pub fn inline(&self, query: &str, offset: &str) -> InlineAnswer {
        let query: String = query.chars().take(crate::search::MAX_QUERY_CHARS).collect();
        let page: usize = offset.parse().unwrap_or(0);
        let library = self.library();
        let Ok(results) = library.search(&query, page.saturating_mul(INLINE_PAGE_SIZE), INLINE_PAGE_SIZE) else {
            return InlineAnswer::default();
        };
        let articles = results
            .hits
            .iter()
            .filter_map(|hit| {
                let at = hit.loc.resolve(&library.corpus)?;
                let (s, p) = (at.speech, at.passage);
                let mut message = Rich::new();
                // One message holds it all: a long passage is cut so its source still fits.
                let text = p.text();
                match text.char_indices().nth(INLINE_TEXT_CHARS) {
                    Some((cut, _)) => message.plain(format!("{}…", &text[..cut])),
                    None => message.plain(text),
                };
                message.plain("\n\n");
                message.italic(format!("— {}", library.source(hit.loc)));
                Some(Article {
                    id: p.id.clone(),
                    title: match s.speaker_name() {
                        Some(who) => format!("《{}》 · {who}", s.title),
                        None => format!("《{}》", s.title),
                    },
                    description: hit.snippet.text.clone(),
                    message,
                })
            })
            .collect();
        let more = page.saturating_add(1).saturating_mul(INLINE_PAGE_SIZE) < results.total;
        InlineAnswer { articles, next_offset: more.then(|| (page + 1).to_string()) }
    }
}

fn plain(text: &str) -> Rich {
    let mut rich = Rich::new();
    rich.plain(text);
    rich
}
