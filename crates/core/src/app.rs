//! [`App`]: the state shared across updates, and the dispatch of each kind of input to a screen
//! (`screens/`) or a service ([`Daily`], [`Admin`]). What a screen shows lives with the screen.

use std::sync::Arc;

use digestbot_search::library::{Library, Target};

use crate::action::{Action, Findings, QueryRef};
use crate::admin::reload::{CorpusDir, ReloadOutcome};
use crate::admin::{Admin, Document};
use crate::caller::Caller;
use crate::clock::{Clock, SystemClock};
use crate::command::{self, Command, Said};
use crate::daily::Daily;
use crate::gate::{self, Admission, Gate, Input};
use crate::query_cache::QueryCache;
use crate::reply::{Effect, Response, plain};
use crate::research;
use crate::screens::browse::{self, RandomPicker};
use crate::screens::inline::{self, InlineAnswer};
use crate::screens::status::{self, Build};
use crate::screens::{reading, search};
use crate::shelf::Shelf;
use crate::stats::Stats;
use crate::text as msg;
use crate::watch::Watches;

/// Search queries remembered for paging buttons whose query does not fit in the button.
const QUERY_CACHE: usize = 10_000;

/// Everything the bot shares across updates.
pub struct App {
    shelf: Shelf,
    clock: Arc<dyn Clock>,
    gate: Gate,
    queries: QueryCache,
    random: RandomPicker,
    admin: Admin,
    stats: Stats,
    build: Build,
    comparer: research::compare::Comparer,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("library", &self.shelf.library()).finish_non_exhaustive()
    }
}

/// A message as it came in, parsed once: the edge asks it whether it is for this bot and whether
/// its answer depends on the caller administering the group, then hands it to [`App::handle`].
#[derive(Debug, Clone)]
pub struct Intake {
    pub caller: Caller,
    /// The text, trimmed of nothing; None for a message without text (a sticker, a photo).
    text: Option<String>,
    parsed: Option<Said>,
}

impl Intake {
    /// Whether the message is for this bot: in a group, chatter and other bots' commands are not.
    pub fn is_for_us(&self) -> bool {
        match &self.parsed {
            Some(parsed) => gate::is_ours(self.caller, parsed),
            None => self.caller.private,
        }
    }

    /// Whether answering needs to know if the caller administers the group: only a command that
    /// changes the chat's settings does, and only from a member not yet known to.
    pub fn needs_admin_check(&self) -> bool {
        !self.caller.admin && matches!(&self.parsed, Some(Said::Command(c)) if c.changes_chat())
    }
}

impl App {
    pub fn new(library: Library) -> App {
        App::with_clock(library, Arc::new(SystemClock))
    }

    /// An app that reads the time from `clock` (tests move it by hand).
    pub fn with_clock(library: Library, clock: Arc<dyn Clock>) -> App {
        App {
            shelf: Shelf::new(library),
            gate: Gate::new(clock.clone()),
            clock,
            queries: QueryCache::new(QUERY_CACHE),
            random: RandomPicker::new(),
            admin: Admin::default(),
            stats: Stats::new(),
            build: Build::default(),
            comparer: research::compare::Comparer::default(),
        }
    }

    /// The app with these admins.
    pub fn with_admins(mut self, admins: impl IntoIterator<Item = i64>) -> App {
        self.admin = self.admin.with_admins(admins);
        self
    }

    /// The app that reloads its corpus from `source`.
    pub fn with_source(mut self, source: CorpusDir) -> App {
        self.admin = self.admin.with_source(source);
        self
    }

    /// The app with daily sections.
    pub fn with_daily(mut self, daily: Arc<Daily>) -> App {
        self.shelf = self.shelf.with_daily(daily);
        self
    }

    /// The version and commit `/stats` shows.
    pub fn with_build(mut self, build: Build) -> App {
        self.build = build;
        self
    }

    pub fn is_admin(&self, user: i64) -> bool {
        self.admin.is_admin(user)
    }

    /// The admins' user ids, in order.
    pub fn admins(&self) -> Vec<i64> {
        self.admin.admins()
    }

    pub fn daily(&self) -> Option<&Arc<Daily>> {
        self.shelf.daily()
    }

    /// Watched words, where there is a database for them.
    pub fn watches(&self) -> Option<&Arc<Watches>> {
        self.shelf.watches()
    }

    /// The library as it is now; a reload swaps it whole, and what a caller holds stays valid.
    pub fn library(&self) -> Arc<Library> {
        self.shelf.library()
    }

    /// The wall-clock time as the app sees it.
    pub fn utc(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.utc()
    }

    /// Reloads the corpus (see [`Admin::reload`]). Blocking.
    pub fn reload(&self) -> ReloadOutcome {
        self.admin.reload(&self.shelf)
    }

    /// The answer to a reload.
    pub fn reload_reply(&self, outcome: &ReloadOutcome) -> Response {
        self.admin.reload_reply(outcome)
    }

    /// Does the slow work an input asked for, then answers. Blocking: the edge runs it off its
    /// async workers.
    pub fn perform(&self, caller: Caller, effect: Effect) -> Response {
        match effect {
            Effect::Compare { ids, page, in_place } => {
                self.comparer.page(&self.library(), &self.queries, caller, &ids, page, in_place)
            }
            Effect::ExportComparison(ids) => self.comparer.export(&self.library(), &ids),
            effect => self.admin.perform(&self.shelf, caller, effect),
        }
    }

    /// Comparisons (see [`research::compare::Comparer`]): for the command line and benchmarks.
    pub fn comparer(&self) -> &research::compare::Comparer {
        &self.comparer
    }

    /// Flood control (see [`Gate::admit`]).
    pub fn admit(&self, caller: Caller, input: Input) -> Admission {
        self.gate.admit(caller, input)
    }

    /// A message, parsed once. `me` is the bot's username (for `/cmd@me`).
    pub fn intake(&self, caller: Caller, text: Option<&str>, me: &str) -> Intake {
        let parsed = text.map(|text| command::parse(text, me));
        Intake { caller, text: text.map(str::to_string), parsed }
    }

    /// Whether a message is for this bot (see [`Intake::is_for_us`]).
    pub fn is_for_us(&self, caller: Caller, text: Option<&str>, me: &str) -> bool {
        self.intake(caller, text, me).is_for_us()
    }

    /// Whether answering `text` needs to know if the caller administers the group (see
    /// [`Intake::needs_admin_check`]).
    pub fn needs_admin_check(&self, caller: Caller, text: &str, me: &str) -> bool {
        self.intake(caller, Some(text), me).needs_admin_check()
    }

    /// A message's text. `me` is the bot's username (for `/cmd@me`).
    pub fn handle_text(&self, caller: Caller, text: &str, me: &str) -> Response {
        self.handle(self.intake(caller, Some(text), me))
    }

    /// A message, as the edge took it in.
    pub fn handle(&self, intake: Intake) -> Response {
        let Intake { caller, text, parsed } = intake;
        let (Some(text), Some(parsed)) = (text, parsed) else { return self.handle_non_text(caller) };
        if !gate::is_ours(caller, &parsed) {
            return Response::silence();
        }
        self.stats.input();
        let library = self.library();
        let started = std::time::Instant::now();
        match parsed {
            Said::Command(Command::Search(query)) if !query.trim().is_empty() => {
                let response = search::page(&library, &self.queries, caller, &query, 0);
                self.stats.search(started.elapsed());
                response
            }
            Said::Command(command) => self.command(&library, caller, command),
            Said::Unknown { name, .. } => Response::text(plain(&msg::unknown_command(&name))),
            Said::Text => {
                let response = search::page(&library, &self.queries, caller, text.trim(), 0);
                self.stats.search(started.elapsed());
                response
            }
            Said::OtherBot => Response::silence(),
        }
    }

    /// A message without text (a sticker, a photo): a hint in private, silence in groups.
    pub fn handle_non_text(&self, caller: Caller) -> Response {
        if caller.private { Response::text(plain(msg::NOT_TEXT)) } else { Response::silence() }
    }

    /// A file sent in a chat, by its name and size as Telegram describes it, before anything is
    /// downloaded: only an admin's `.txt` in a private chat is fetched.
    pub fn document(&self, caller: Caller, name: Option<&str>, size: u64) -> Document {
        if !caller.private {
            return Document::Answer(Response::silence());
        }
        self.stats.input();
        if !self.is_admin(caller.user) {
            tracing::info!(user = caller.user, "a non-admin sent a file; it was not downloaded");
            return Document::Answer(self.handle_non_text(caller));
        }
        self.admin.document(name, size)
    }

    /// A file an admin sent, downloaded (see [`Admin::offer_file`]).
    pub fn offer_file(&self, caller: Caller, name: &str, bytes: Vec<u8>) -> Response {
        if !caller.private || !self.is_admin(caller.user) {
            return self.handle_non_text(caller);
        }
        self.admin.offer_file(&self.library(), caller, name, bytes)
    }

    /// A button press with its callback data. The edge answers every press (so the button stops
    /// spinning), with `notice` when there is one.
    pub fn handle_callback(&self, caller: Caller, data: &str) -> Response {
        self.stats.input();
        let Some(action) = Action::decode(data) else { return Response::notice(msg::EXPIRED) };
        if let Action::Confirm(token) | Action::Cancel(token) = action {
            return self.admin.answer_offer(caller, token, matches!(action, Action::Confirm(_)));
        }
        if let Action::Unwatch(id) = action {
            return self.on_watches(caller, |w| w.unwatch_button(caller, id));
        }
        // A search made on behalf of a chat (an anonymous group admin) may be paged by its members.
        if let Action::Page { owner, .. } | Action::SpeakerPage { owner, .. } | Action::Export { owner, .. } = action
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
            Action::Export { owner, of: Findings::Compare, query } => match self.query_of(query, owner) {
                Some(ids) => {
                    return Response { effect: Some(Effect::ExportComparison(ids.into())), ..Response::default() };
                }
                None => return Response::notice(research::text::COMPARE_EXPIRED),
            },
            // A file, sent as a new message: the answer it was under stays.
            Action::Export { owner, of, query } => match self.query_of(query, owner) {
                Some(query) => return research::export::export(&library, of, &query),
                None => return Response::notice(msg::EXPIRED),
            },
            // The keys are the presser's: in a group, another member's press finds nothing.
            Action::Compare { page, key } => match self.queries.get(key, caller.user) {
                // At hand: answered here; else computed off the async workers, then edited in.
                Some(ids) => match self.comparer.cached_page(&library, &self.queries, caller, &ids, page) {
                    Some(message) => Response::message(message),
                    None => {
                        let effect = Effect::Compare { ids: ids.into(), page, in_place: true };
                        return Response { effect: Some(effect), ..Response::default() };
                    }
                },
                None => return Response::notice(research::text::COMPARE_EXPIRED),
            },
            Action::ComparePick { page, first: None } => research::compare::picker(&library, page as usize, None, None),
            Action::ComparePick { page, first: Some(key) } => match self.queries.get(key, caller.user) {
                Some(first) => research::compare::picker(&library, page as usize, Some(&first), Some(key)),
                None => return Response::notice(research::text::COMPARE_EXPIRED),
            },
            Action::CompareFirst(id) => {
                let key = self.queries.insert(caller.user, &id);
                research::compare::picker(&library, 0, Some(&id), Some(key))
            }
            Action::CompareSecond { first, id } => match self.queries.get(first, caller.user) {
                Some(first) => {
                    let ids = format!("{first} {id}").into();
                    return Response {
                        effect: Some(Effect::Compare { ids, page: 0, in_place: true }),
                        ..Response::default()
                    };
                }
                None => return Response::notice(research::text::COMPARE_EXPIRED),
            },
            Action::Speakers(page) => browse::speakers(&library, page as usize),
            Action::Toc(page) => browse::toc(&library, page as usize),
            Action::Confirm(_) | Action::Cancel(_) | Action::Unwatch(_) => return Response::notice(msg::EXPIRED),
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
            Command::Start(None) => status::welcome(library),
            Command::Help if self.admin.is_admin(caller.user) => {
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
            Command::Reload | Command::Stats | Command::Remove(_) if !self.admin.is_admin(caller.user) => {
                tracing::warn!(user = caller.user, "a non-admin asked for an admin command");
                Response::text(plain(crate::admin::text::ADMINS_ONLY))
            }
            Command::Stats => self.stats(library),
            Command::Remove(what) => self.admin.removal(library, caller, &what),
            Command::Verify(quotation) => research::verify::verify(library, &self.queries, caller, &quotation),
            Command::Trend(words) => research::trend::trend(library, &self.queries, caller, &words),
            Command::Export(words) => research::export::export(library, Findings::Search, &words),
            Command::Compare(args) => research::compare::command(library, &args),
            Command::Watch(words) => self.on_watches(caller, |w| w.watch(library, caller, &words, self.utc())),
            Command::Unwatch(words) => self.on_watches(caller, |w| w.unwatch(library, caller, &words)),
            Command::Reload => {
                tracing::info!(user = caller.user, "reload asked for");
                Response { effect: Some(Effect::Reload), ..Response::default() }
            }
        }
    }

    fn on_daily(&self, answer: impl FnOnce(&Daily) -> Response) -> Response {
        match self.daily() {
            Some(daily) => answer(daily),
            None => Response::text(plain(crate::daily::text::DAILY_UNAVAILABLE)),
        }
    }

    /// Watched words are a private chat's: a group is told so, and an edge without a database
    /// that there are none.
    fn on_watches(&self, caller: Caller, answer: impl FnOnce(&Watches) -> Response) -> Response {
        use crate::watch::text::{WATCH_PRIVATE_ONLY, WATCH_UNAVAILABLE};
        match self.watches() {
            _ if !caller.private => Response::text(plain(WATCH_PRIVATE_ONLY)),
            Some(watches) => answer(watches),
            None => Response::text(plain(WATCH_UNAVAILABLE)),
        }
    }

    /// The query a paging button names: written in it, or cached for the one who searched.
    fn query_of(&self, query: QueryRef, owner: i64) -> Option<String> {
        match query {
            QueryRef::Inline(query) => Some(query),
            QueryRef::Cached(key) => self.queries.get(key, owner),
        }
    }

    /// Inline mode: hits as articles to share, [`crate::INLINE_PAGE_SIZE`] a page; `offset` is the page
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
        let daily = self.daily().map(|daily| {
            let (active, inactive) = daily.counts().unwrap_or((0, 0));
            let today = daily.delivered_on(self.utc().date_naive()).unwrap_or(0);
            (active, inactive, today)
        });
        status::stats(library, &self.stats.snapshot(), daily, self.build)
    }
}
