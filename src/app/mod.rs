//! The core of the bot: a command (or button, or inline query) and who sent it in, a neutral
//! [`Response`] out. No Telegram here: `telegram/` and `chat` render what this returns.
//!
//! This file holds the state shared across updates and the dispatch of each kind of input; the
//! screens live in files of their own (`search`, `reading`, `browse`, `inline`).

pub mod action;
mod admission;
mod browse;
pub mod clock;
pub mod command;
pub mod daily;
mod inline;
mod limiter;
pub mod manage;
mod query_cache;
mod reading;
pub mod reload;
pub mod reply;
mod search;
pub mod stats;

use std::sync::Arc;

use arc_swap::ArcSwap;

use self::daily::Daily;

pub use self::admission::{Admission, Input};
pub use self::clock::{Clock, ManualClock, SystemClock};
pub use self::inline::{Article, InlineAnswer};
pub use self::limiter::{BURST as FLOOD_BURST, REFILL as FLOOD_REFILL};
pub use self::manage::Document;

use self::action::{Action, QueryRef};
use self::browse::RandomPicker;
use self::command::{Command, Parsed};
use self::limiter::Limiter;
use self::query_cache::QueryCache;
use self::reload::{Outcome, Reloader, Source};
use self::reply::{Button, Effect, Response, plain};
use crate::library::{Library, Target};
use crate::messages as msg;

/// Search hits on one page of a reply.
pub const PAGE_SIZE: usize = 5;
/// Results per page of an inline answer.
pub const INLINE_PAGE_SIZE: usize = 10;
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
    /// The forum topic the input came from.
    pub thread: Option<i32>,
    /// May change this chat's settings: in their own private chat, the group itself speaking (an
    /// anonymous admin), or a member Telegram confirmed as an administrator.
    pub admin: bool,
}

impl Caller {
    /// Someone in their own private chat with the bot.
    pub const fn private(user: i64) -> Caller {
        Caller { user, chat: user, private: true, thread: None, admin: true }
    }

    /// Someone in a group, not known to administer it.
    pub const fn member(user: i64, group: i64) -> Caller {
        Caller { user, chat: group, private: false, thread: None, admin: false }
    }
}

/// Everything the bot shares across updates.
pub struct App {
    library: ArcSwap<Library>,
    clock: Arc<dyn Clock>,
    limiter: Limiter,
    queries: QueryCache,
    random: RandomPicker,
    /// Daily sections, where there is a database for them (not in the terminal).
    daily: Option<Arc<Daily>>,
    /// Telegram user ids that may run admin commands.
    admins: std::collections::HashSet<i64>,
    /// Where the corpus is reloaded from.
    source: Option<Source>,
    reloader: Reloader,
    /// Corpus changes waiting for an admin's button.
    offers: manage::Offers,
    stats: stats::Stats,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("library", &self.library.load()).finish_non_exhaustive()
    }
}

impl App {
    pub fn new(library: Library) -> App {
        App::with_clock(library, Arc::new(SystemClock))
    }

    /// An app that reads the time from `clock` (tests move it by hand).
    pub fn with_clock(library: Library, clock: Arc<dyn Clock>) -> App {
        App {
            library: ArcSwap::from_pointee(library),
            limiter: Limiter::new(clock.clone()),
            clock,
            queries: QueryCache::new(QUERY_CACHE),
            random: RandomPicker::new(),
            daily: None,
            admins: Default::default(),
            source: None,
            reloader: Reloader::default(),
            offers: manage::Offers::default(),
            stats: stats::Stats::new(),
        }
    }

    /// The app with these admins.
    pub fn with_admins(mut self, admins: impl IntoIterator<Item = i64>) -> App {
        self.admins = admins.into_iter().collect();
        self
    }

    /// The app that reloads its corpus from `source`.
    pub fn with_source(mut self, source: Source) -> App {
        self.source = Some(source);
        self
    }

    pub fn is_admin(&self, user: i64) -> bool {
        self.admins.contains(&user)
    }

    /// The admins' user ids, in order.
    pub fn admins(&self) -> Vec<i64> {
        let mut admins: Vec<i64> = self.admins.iter().copied().collect();
        admins.sort_unstable();
        admins
    }

    /// Parses and indexes the corpus again, while the current library keeps answering, and puts
    /// it in place when no file has an error. Blocking: the edge runs it off its async workers.
    /// Reloads asked for while one runs share one more reload.
    pub fn reload(&self) -> Outcome {
        if self.source.is_none() {
            return Outcome::Unavailable;
        }
        self.reloader.run(|| crate::telemetry::counting_reload(|| self.swap_in()))
    }

    /// Loads the corpus and puts it in place when it may serve; the caller holds the reloader.
    fn swap_in(&self) -> Outcome {
        let Some(source) = &self.source else { return Outcome::Unavailable };
        let started = std::time::Instant::now();
        let current = self.library();
        let (library, warnings) = match reload::load(source, &current) {
            Ok(loaded) => loaded,
            Err(outcome) => return *outcome,
        };
        // A folder found empty is far more often a mount or a deploy gone wrong than an admin
        // who wants no corpus: serving nothing would hide every digest from every reader.
        if library.corpus.digests.is_empty() && !current.corpus.digests.is_empty() {
            let mut problems = warnings;
            problems.push(msg::empty_reload(&source.dir.display().to_string()));
            return Outcome::Refused { problems };
        }
        let diff = crate::library::Diff::between(&current.corpus, &library.corpus);
        let library = Arc::new(library);
        self.library.store(library.clone());
        // Chats whose next section went move on to the next one left.
        if let Some(daily) = &self.daily
            && let Err(e) = daily.follow(&library)
        {
            tracing::error!("the daily plan could not follow the reload: {e}");
        }
        Outcome::Reloaded { diff, warnings, seconds: reload::seconds(started) }
    }

    /// The answer to a reload.
    pub fn reload_reply(&self, outcome: &Outcome) -> Response {
        Response::text(plain(&msg::reload_outcome(outcome)))
    }

    /// The app with daily sections.
    pub fn with_daily(mut self, daily: Arc<Daily>) -> App {
        self.daily = Some(daily);
        self
    }

    pub fn daily(&self) -> Option<&Arc<Daily>> {
        self.daily.as_ref()
    }

    /// The wall-clock time as the app sees it.
    pub fn utc(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.utc()
    }

    /// Whether answering `text` needs to know if the caller administers the group: only a command
    /// that changes the chat's settings does, and only from a member not yet known to.
    pub fn needs_admin_check(&self, caller: Caller, text: &str, me: &str) -> bool {
        !caller.admin && matches!(command::parse(text, me), Parsed::Command(c) if c.changes_chat())
    }

    /// The library as it is now; a reload swaps it whole, and what a caller holds stays valid.
    pub fn library(&self) -> Arc<Library> {
        self.library.load_full()
    }

    /// A message's text. `me` is the bot's username (for `/cmd@me`).
    pub fn handle_text(&self, caller: Caller, text: &str, me: &str) -> Response {
        let parsed = command::parse(text, me);
        if !admission::is_ours(caller, &parsed) {
            return Response::silence();
        }
        self.stats.input();
        let library = self.library();
        let started = std::time::Instant::now();
        match parsed {
            Parsed::Command(Command::Search(query)) if !query.trim().is_empty() => {
                let response = search::page(&library, &self.queries, caller, &query, 0);
                self.stats.search(started.elapsed());
                response
            }
            Parsed::Command(command) => self.command(&library, caller, command),
            Parsed::Unknown { name, .. } => Response::text(plain(&msg::unknown_command(&name))),
            Parsed::Text => {
                let response = search::page(&library, &self.queries, caller, text.trim(), 0);
                self.stats.search(started.elapsed());
                response
            }
            Parsed::OtherBot => Response::silence(),
        }
    }

    /// A message without text (a sticker, a photo): a hint in private, silence in groups.
    pub fn handle_non_text(&self, caller: Caller) -> Response {
        if caller.private { Response::text(plain(msg::NOT_TEXT)) } else { Response::silence() }
    }

    /// A button press with its callback data. The edge answers every press (so the button stops
    /// spinning), with `notice` when there is one.
    pub fn handle_callback(&self, caller: Caller, data: &str) -> Response {
        self.stats.input();
        let Some(action) = Action::decode(data) else { return Response::notice(msg::EXPIRED) };
        if let Action::Confirm(token) | Action::Cancel(token) = action {
            return self.answer_offer(caller, token, matches!(action, Action::Confirm(_)));
        }
        // A search made on behalf of a chat (an anonymous group admin) may be paged by its members.
        if let Action::Page { owner, .. } | Action::SpeakerPage { owner, .. } = action
            && owner != caller.user
            && (owner != caller.chat || caller.private)
        {
            return Response::notice(msg::NOT_YOUR_SEARCH);
        }
        let library = self.library();
        let mut response = match action {
            // The next page belongs to whoever the search belongs to.
            Action::Page { owner, page, query } => match self.query_of(query, owner) {
                Some(query) => {
                    search::page(&library, &self.queries, Caller { user: owner, ..caller }, &query, page as usize)
                }
                None => return Response::notice(msg::EXPIRED),
            },
            Action::SpeakerPage { owner, page, query } => match self.query_of(query, owner) {
                Some(query) => {
                    browse::speaker(&library, &self.queries, Caller { user: owner, ..caller }, &query, page as usize)
                }
                None => return Response::notice(msg::EXPIRED),
            },
            Action::Open(id) => reading::open(&library, &id),
            Action::Section(id) => match library.find(&id) {
                Some(Target::Passage(loc)) => {
                    reading::section(&library, loc.digest as usize, loc.speech as usize, loc.section as usize)
                }
                Some(Target::Section { digest, speech, section }) => {
                    reading::section(&library, digest, speech, section)
                }
                // Removed or rewritten by a reload since the button was made.
                None => return Response::notice(msg::not_found_id(&id)),
                _ => return Response::notice(msg::EXPIRED),
            },
            Action::Speakers(page) => browse::speakers(&library, page as usize),
            Action::Toc(page) => browse::toc(&library, page as usize),
            Action::Confirm(_) | Action::Cancel(_) => return Response::notice(msg::EXPIRED),
        };
        // Paging and navigating replace the message the button is on.
        if response.messages.len() == 1 && response.edit.is_none() {
            response.edit = response.messages.pop();
        }
        response
    }

    fn command(&self, library: &Library, caller: Caller, command: Command) -> Response {
        match command {
            Command::Start(Some(payload)) => reading::open(library, &payload),
            Command::Start(None) => {
                let corpus = &library.corpus;
                let speeches = corpus.digests.iter().map(|d| d.speeches.len()).sum();
                Response::text(plain(&msg::welcome(corpus.digests.len(), speeches, corpus.passage_count())))
            }
            Command::Help if self.is_admin(caller.user) => {
                Response::text(plain(&format!("{}{}", msg::HELP, msg::HELP_ADMIN)))
            }
            Command::Help => Response::text(plain(msg::HELP)),
            Command::Search(query) if query.trim().is_empty() => Response::text(plain(msg::SEARCH_USAGE)),
            Command::Search(query) => search::page(library, &self.queries, caller, &query, 0),
            Command::Speaker(query) if query.trim().is_empty() => browse::speakers(library, 0),
            Command::Speaker(query) => browse::speaker(library, &self.queries, caller, query.trim(), 0),
            Command::Read(id) if id.trim().is_empty() => Response::text(plain(msg::READ_USAGE)),
            Command::Read(id) => reading::open(library, id.trim()),
            Command::Toc => browse::toc(library, 0),
            Command::Random => browse::random(library, &self.random),
            Command::Subscribe(args) => self.on_daily(|d| d.subscribe(library, caller, &args, self.utc())),
            Command::Unsubscribe => self.on_daily(|d| d.unsubscribe(caller)),
            Command::Daily => self.on_daily(|d| d.status(library, caller, self.utc())),
            Command::Today => self.on_daily(|d| d.today(library, caller, self.utc())),
            Command::Reload | Command::Stats | Command::Remove(_) if !self.is_admin(caller.user) => {
                tracing::warn!(user = caller.user, "a non-admin asked for an admin command");
                Response::text(plain(msg::ADMINS_ONLY))
            }
            Command::Stats => self.stats(library),
            Command::Remove(what) => self.removal(library, caller, &what),
            Command::Reload => {
                tracing::info!(user = caller.user, "reload asked for");
                Response { effect: Some(Effect::Reload), ..Response::default() }
            }
        }
    }

    fn on_daily(&self, answer: impl FnOnce(&Daily) -> Response) -> Response {
        match &self.daily {
            Some(daily) => answer(daily),
            None => Response::text(plain(msg::DAILY_UNAVAILABLE)),
        }
    }

    /// The query a paging button names: written in it, or cached for the one who searched.
    fn query_of(&self, query: QueryRef, owner: i64) -> Option<String> {
        match query {
            QueryRef::Inline(query) => Some(query),
            QueryRef::Cached(key) => self.queries.get(key, owner),
        }
    }

    /// Inline mode: hits as articles to share, [`INLINE_PAGE_SIZE`] a page; `offset` is the page
    /// number Telegram hands back.
    pub fn inline(&self, query: &str, offset: &str) -> InlineAnswer {
        self.stats.input();
        let started = std::time::Instant::now();
        let answer = inline::answer(&self.library(), query, offset);
        self.stats.search(started.elapsed());
        answer
    }

    /// What `/stats` shows.
    fn stats(&self, library: &Library) -> Response {
        let corpus = &library.corpus;
        let speeches = corpus.digests.iter().map(|d| d.speeches.len()).sum();
        let snapshot = self.stats.snapshot();
        let daily = self.daily.as_ref().map(|daily| {
            let (active, inactive) = daily.counts().unwrap_or((0, 0));
            let today = daily.delivered_on(self.utc().date_naive()).unwrap_or(0);
            (active, inactive, today)
        });
        let text = msg::stats(&msg::StatsView {
            digests: corpus.digests.len(),
            speeches,
            passages: corpus.passage_count(),
            index_mb: library.index.size_bytes() as f64 / 1048576.0,
            resident_mb: stats::resident_bytes().map(|b| b as f64 / 1048576.0),
            uptime_s: snapshot.uptime.as_secs(),
            inputs: snapshot.inputs,
            searches: snapshot.searches,
            search_p50_ms: snapshot.search_p50_ms,
            search_p99_ms: snapshot.search_p99_ms,
            daily,
            version: env!("CARGO_PKG_VERSION"),
            commit: env!("DIGESTBOT_COMMIT"),
        });
        Response::text(plain(&text))
    }
}

fn label(text: &str) -> String {
    match text.char_indices().nth(LABEL_CHARS) {
        Some((i, _)) => msg::cut_short(&text[..i]),
        None => text.to_string(),
    }
}

fn button(text: &str, action: Action) -> Button {
    Button { label: label(text), action }
}

/// Page `page` (clamped to the last) of a non-empty list: its number, the page count, its items.
fn list_page<T>(items: &[T], page: usize) -> (usize, usize, &[T]) {
    let pages = items.len().div_ceil(LIST_PAGE_SIZE).max(1);
    let page = page.min(pages - 1);
    let start = page * LIST_PAGE_SIZE;
    (page, pages, &items[start.min(items.len())..(start + LIST_PAGE_SIZE).min(items.len())])
}

/// Previous / next buttons for a list of `pages` pages, only where there is such a page.
fn pager(page: usize, pages: usize, make: impl Fn(u32) -> Action) -> Vec<Button> {
    let mut row = Vec::new();
    if page > 0 {
        row.push(button(msg::PREVIOUS, make(page as u32 - 1)));
    }
    if page + 1 < pages {
        row.push(button(msg::NEXT, make(page as u32 + 1)));
    }
    row
}
