//! Managing the corpus from a chat: an admin sends a digest file, or asks to remove one; the bot
//! shows what would change and asks. Only a confirmed change touches the corpus directory, and a
//! reload follows it; a reload that does not go through undoes the change, so the directory never
//! holds what the bot refused to serve.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use self::text as msg;
use crate::action::Action;
use crate::caller::Caller;
use crate::reply::{Effect, Message, Response, Rich, plain};
use crate::shelf::Shelf;
use crate::widgets::button;
use digestbot_corpus::{Corpus, Digest, Severity};
use digestbot_search::library::{Diff, Library};

/// The largest file a bot may download from Telegram (`getFile`).
pub const MAX_UPLOAD_BYTES: u64 = 20 * 1024 * 1024;

mod files;
mod offers;
mod outcome;
pub mod reload;
pub mod text;

use self::files::{Applied, Change, Refusal, apply, fingerprint, read_in_corpus, undo};
pub use self::files::{BadName, file_name, removed_dir};
use self::offers::{Offers, Unanswerable};
use self::reload::{CorpusDir, ReloadOutcome, Reloader};

/// What the edge does with a file sent to the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Document {
    /// Download it (it is at most [`MAX_UPLOAD_BYTES`]) and hand it to [`crate::App::offer_file`] under this name.
    Fetch(String),
    /// Download nothing; answer this.
    Answer(Response),
}

/// Administration: who may run admin commands, the corpus folder they change, the changes
/// waiting for their button, and the reloads.
#[derive(Default)]
pub struct Admin {
    /// Telegram user ids that may run admin commands.
    admins: HashSet<i64>,
    /// Where the corpus is reloaded from.
    source: Option<CorpusDir>,
    reloader: Reloader,
    /// Corpus changes waiting for an admin's button.
    offers: Offers,
}

impl Admin {
    /// Administration by these admins.
    pub fn with_admins(mut self, admins: impl IntoIterator<Item = i64>) -> Admin {
        self.admins = admins.into_iter().collect();
        self
    }

    /// Administration of the corpus in `source` (without one there is nothing to reload).
    pub fn with_source(mut self, source: CorpusDir) -> Admin {
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
    pub fn reload(&self, shelf: &Shelf) -> ReloadOutcome {
        let Some(source) = &self.source else { return ReloadOutcome::Unavailable };
        self.reloader.run(|| crate::telemetry::counting_reload(|| reload::swap_in(source, shelf)))
    }

    /// The answer to a reload.
    pub fn reload_reply(&self, outcome: &ReloadOutcome) -> Response {
        Response::text(plain(&msg::reload_outcome(outcome)))
    }

    /// The largest file an admin may add: what Telegram lets a bot download, and what the corpus
    /// takes (`max_file_mb`).
    fn upload_cap(&self) -> u64 {
        self.source.as_ref().map_or(MAX_UPLOAD_BYTES, |s| MAX_UPLOAD_BYTES.min(s.options.max_file_bytes))
    }

    /// An admin's file in their private chat, by its name and size as Telegram describes it,
    /// before anything is downloaded: fetched when it may be added.
    pub fn document(&self, name: Option<&str>, size: u64) -> Document {
        match self.upload_name(name, size) {
            Ok((name, _)) => Document::Fetch(name),
            Err(refusal) => Document::Answer(*refusal),
        }
    }

    /// The corpus name of an admin's file of `size` bytes and the corpus it goes to, or why it
    /// cannot be added: there is no corpus folder, the name is not a plain `.txt` one, or the file
    /// is too large.
    fn upload_name(&self, name: Option<&str>, size: u64) -> Result<(String, &CorpusDir), Box<Response>> {
        let refused = |text: &str| Box::new(Response::text(plain(text)));
        let Some(source) = &self.source else {
            return Err(refused(&msg::reload_outcome(&ReloadOutcome::Unavailable)));
        };
        let name = file_name(name).map_err(|bad| refused(msg::bad_upload_name(bad)))?;
        if size > self.upload_cap() {
            return Err(refused(&msg::upload_too_large(size, self.upload_cap(), MAX_UPLOAD_BYTES)));
        }
        Ok((name, source))
    }

    /// A file an admin sent, downloaded: checked exactly as `digestbot check` checks a corpus file,
    /// and shown as its outline and problems. One without errors is offered with buttons to add it
    /// (or to replace the file of that name, with what would change).
    pub fn offer_file(&self, library: &Library, caller: Caller, name: &str, bytes: Vec<u8>) -> Response {
        // Checked again on what arrived: the edge may hand in anything.
        let (name, source) = match self.upload_name(Some(name), bytes.len() as u64) {
            Ok(accepted) => accepted,
            Err(refusal) => return *refusal,
        };
        let digests = &library.corpus.digests;
        let (id, renamed) = planned_ids(digests, &name);
        let parsed = digestbot_corpus::parse(&name, &id, &bytes);
        let errors = parsed.problems.iter().filter(|p| p.severity == Severity::Error).count();
        let problems: Vec<String> = parsed.problems.iter().map(ToString::to_string).collect();
        // The name in the folder is read as the loader reads: never through a link, never blocking.
        let on_disk = match read_in_corpus(&source.dir.join(&name), source.options.max_file_bytes) {
            Ok(on_disk) => on_disk,
            Err(refusal) => return Response::text(plain(&refusal_text(&refusal))),
        };
        // A name that differs from a digest's only in case would take that digest's id, moving
        // every reader of it to the start of another file.
        if let Some(other) = digests.iter().find(|d| d.file != name && d.file.eq_ignore_ascii_case(&name)) {
            return Response::text(plain(&msg::upload_case_clash(&name, &other.file)));
        }
        let current = digests.iter().find(|d| d.file == name);
        let replacing = match (&on_disk, current, &parsed.digest) {
            (None, _, _) => msg::Replacing::Nothing,
            (Some(old), _, _) if *old == bytes => msg::Replacing::Identical,
            (Some(_), Some(old), Some(new)) => msg::Replacing::Served(Diff::between(&alone(old), &alone(new))),
            (Some(_), _, _) => msg::Replacing::NotServed,
        };
        let verdict = if parsed.digest.is_none() || errors > 0 {
            msg::Verdict::HasErrors
        } else if replacing == msg::Replacing::Identical {
            msg::Verdict::Unchanged
        } else {
            msg::Verdict::Addable
        };
        let view = msg::UploadView {
            verdict,
            name: &name,
            digest: parsed.digest.as_ref(),
            problems: &problems,
            errors,
            replacing: &replacing,
            renamed: &renamed,
        };
        let text = plain(&msg::upload_offer(&view));
        tracing::info!(admin = caller.user, file = %name, errors, "an admin sent a digest file");
        if verdict != msg::Verdict::Addable {
            return Response::text(text);
        }
        let previous = on_disk.as_deref().map(fingerprint);
        let change = Change::Add { name, bytes: bytes.into(), previous };
        let label = if previous.is_some() { msg::UPLOAD_REPLACE } else { msg::UPLOAD_ADD };
        let token = self.offers.put(caller.user, change, text.clone());
        offer(text, label, token)
    }

    /// `/remove <digest>`: what would go, with buttons to remove it or not.
    pub fn removal(&self, library: &Library, caller: Caller, what: &str) -> Response {
        let what = what.trim();
        if what.is_empty() {
            return Response::text(plain(msg::REMOVE_USAGE));
        }
        let Some(source) = &self.source else {
            return Response::text(plain(&msg::reload_outcome(&ReloadOutcome::Unavailable)));
        };
        let Some(digest) = library.corpus.digests.iter().find(|d| d.id == what || d.file == what) else {
            return Response::text(plain(&msg::remove_unknown(what)));
        };
        let seen = match files::current(&source.dir.join(&digest.file)) {
            Ok(Some(seen)) => Some(seen),
            Ok(None) => return Response::text(plain(&refusal_text(&Refusal::Gone))),
            Err(refusal) => return Response::text(plain(&refusal_text(&refusal))),
        };
        let text = plain(&msg::remove_offer(digest));
        let change =
            Change::Remove { digest: digest.id.clone(), title: digest.title.clone(), file: digest.file.clone(), seen };
        tracing::info!(admin = caller.user, digest = %digest.id, "an admin asked to remove a digest");
        let token = self.offers.put(caller.user, change, text.clone());
        offer(text, msg::REMOVE, token)
    }

    /// An offer's button: cancelling drops it; confirming asks the edge to make the change. Each
    /// offer is answered once, by the admin it was made to.
    pub fn answer_offer(&self, caller: Caller, token: u32, confirm: bool) -> Response {
        if !self.is_admin(caller.user) {
            tracing::warn!(user = caller.user, "a non-admin pressed a corpus change button");
            return Response::notice(msg::ADMINS_ONLY);
        }
        let answered =
            if confirm { self.offers.confirm(token, caller.user) } else { self.offers.cancel(token, caller.user) };
        let mut text = match answered {
            Ok(text) => text,
            Err(Unanswerable::Gone) => return Response::notice(msg::OFFER_GONE),
            Err(Unanswerable::UnderWay) => return Response::notice(msg::APPLYING),
        };
        let edit = |text: Rich| Some(Message { text, buttons: Vec::new() });
        if confirm {
            text.plain(format!("\n\n{}", msg::APPLYING));
            Response { edit: edit(text), effect: Some(Effect::Apply(token)), ..Response::default() }
        } else {
            tracing::info!(admin = caller.user, "an admin cancelled a corpus change");
            text.plain(format!("\n\n{}", msg::CANCELLED));
            Response { edit: edit(text), notice: Some(msg::CANCELLED.into()), ..Response::default() }
        }
    }

    /// Does the slow work an input asked for, then answers. Blocking: the edge runs it off its
    /// async workers.
    pub fn perform(&self, shelf: &Shelf, caller: Caller, effect: Effect) -> Response {
        match effect {
            Effect::Reload => self.reload_reply(&self.reload(shelf)),
            Effect::Apply(token) => self.apply_offer(shelf, caller, token),
            // Not the admin's: the app runs comparisons itself and never hands them here.
            Effect::Compare { .. } | Effect::ExportComparison(_) => Response::silence(),
        }
    }

    /// Makes a confirmed change and reloads; undoes the change when the reload does not go through.
    /// No other change or reload runs meanwhile, so none can see the change half made or be undone
    /// by it.
    fn apply_offer(&self, shelf: &Shelf, caller: Caller, token: u32) -> Response {
        let answer = |text: String| Response::text(plain(&text));
        let Some(offer) = self.offers.take_confirmed(token, caller.user) else {
            return answer(msg::OFFER_GONE.to_string());
        };
        let Some(source) = &self.source else { return answer(msg::reload_outcome(&ReloadOutcome::Unavailable)) };
        let admin = caller.user;
        self.reloader.alone(|| {
            let applied = match apply(&source.dir, &offer.change, token, source.options.max_file_bytes) {
                Ok(applied) => applied,
                Err(refusal) => {
                    if let Refusal::Io(e) = &refusal {
                        tracing::error!(admin, "the corpus folder could not be changed: {e}");
                    }
                    return answer(refusal_text(&refusal));
                }
            };
            let outcome = crate::telemetry::counting_reload(|| reload::swap_in(source, shelf));
            if !matches!(outcome, ReloadOutcome::Reloaded { .. }) {
                let undone = undo(&applied, token);
                match &undone {
                    Ok(()) => tracing::warn!(admin, "a corpus change was undone: the reload after it did not go through"),
                    Err(e) => tracing::error!(admin, "a corpus change could not be undone after a failed reload: {e}"),
                }
                return answer(msg::change_undone(&msg::reload_outcome(&outcome), undone.is_ok()));
            }
            let done = match (&offer.change, &applied) {
                (Change::Add { name, .. }, Applied::Written { previous: Some((_, kept)), .. }) => {
                    tracing::info!(admin, file = %name, kept = %kept.display(), "corpus changed: a digest file was replaced");
                    msg::replaced(name, &shown(source, kept))
                }
                (Change::Add { name, .. }, _) => {
                    tracing::info!(admin, file = %name, "corpus changed: a digest file was added");
                    msg::added(name)
                }
                (Change::Remove { digest, title, file, .. }, Applied::Moved { to, .. }) => {
                    tracing::info!(admin, digest = %digest, file = %file, "corpus changed: a digest was removed");
                    msg::removed(title, &shown(source, to))
                }
                (Change::Remove { title, file, .. }, _) => msg::removed(title, file),
            };
            answer(format!("{done}\n{}", msg::reload_outcome(&outcome)))
        })
    }
}

/// The id a new file `name` would take, and the digests whose ids it would take from them
/// (`file`, id now, id then): the loader hands ids out in path order, the first of two files with
/// one stem keeping it.
fn planned_ids(digests: &[Digest], name: &str) -> (String, Vec<(String, String, String)>) {
    let mut files: Vec<&str> = digests.iter().map(|d| d.file.as_str()).filter(|f| *f != name).collect();
    files.push(name);
    files.sort_unstable();
    let mut taken = HashSet::new();
    let ids: HashMap<&str, String> =
        files.iter().map(|file| (*file, digestbot_corpus::digest_id(file, &mut taken))).collect();
    let renamed = digests
        .iter()
        .filter(|d| d.file != name)
        .filter_map(|d| {
            ids.get(d.file.as_str()).filter(|id| **id != d.id).map(|id| (d.file.clone(), d.id.clone(), id.clone()))
        })
        .collect();
    (ids.get(name).cloned().unwrap_or_default(), renamed)
}

/// A corpus of one digest, to compare two versions of it.
fn alone(digest: &Digest) -> Corpus {
    Corpus { digests: vec![digest.clone()], problems: Vec::new() }
}

/// Where a removed file went, as the admin knows the place: `removed/…`.
/// What an admin is told when a change cannot be made; the OS's own words go to the log only.
fn refusal_text(refusal: &Refusal) -> String {
    match refusal {
        Refusal::ChangedSinceOffer => msg::CHANGED_SINCE_OFFER.to_string(),
        Refusal::NotAFile => msg::NOT_A_FILE_IN_CORPUS.to_string(),
        Refusal::TooLarge => msg::TOO_LARGE_IN_CORPUS.to_string(),
        Refusal::Gone => msg::GONE_FROM_CORPUS.to_string(),
        Refusal::Io(e) => msg::change_failed(e.kind()),
    }
}

fn shown(source: &CorpusDir, to: &Path) -> String {
    let base = removed_dir(&source.dir);
    let base = base.parent().unwrap_or(Path::new(""));
    to.strip_prefix(base).unwrap_or(to).display().to_string()
}

/// An offer's message: its text, and the buttons to confirm or cancel it.
fn offer(text: Rich, confirm: &str, token: u32) -> Response {
    let buttons = vec![vec![button(confirm, Action::Confirm(token)), button(msg::CANCEL, Action::Cancel(token))]];
    Response::message(Message { text, buttons })
}
