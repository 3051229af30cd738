//! Managing the corpus from a chat: an admin sends a digest file, or asks to remove one; the bot
//! shows what would change and asks. Only a confirmed change touches the corpus directory, and a
//! reload follows it; a reload that does not go through undoes the change, so the directory never
//! holds what the bot refused to serve.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::action::Action;
use super::reload::Outcome;
use super::reply::{Effect, Message, Response, Rich};
use super::{App, Caller, button, plain};
use crate::corpus::{Corpus, Digest, Severity};
use crate::library::{Diff, Library};
use crate::messages as msg;

/// The largest file a bot may download from Telegram (`getFile`).
pub const MAX_UPLOAD_BYTES: u64 = 20 * 1024 * 1024;

/// How long an offer waits for its button.
const OFFER_TTL: Duration = Duration::from_secs(60 * 60);
/// Offers kept at once, and the bytes their files may take together: the oldest go first.
const MAX_OFFERS: usize = 16;
const MAX_OFFER_BYTES: usize = 64 * 1024 * 1024;

/// What a confirmed offer does.
#[derive(Debug, Clone)]
pub(super) enum Change {
    /// Write `bytes` as `name` at the top of the corpus directory (replacing the file of that name
    /// when `replaces`).
    Add { name: String, bytes: Vec<u8>, replaces: bool },
    /// Move the file of digest `digest` (`file` below the corpus directory) out of the corpus.
    Remove { digest: String, title: String, file: String },
}

impl Change {
    fn bytes(&self) -> usize {
        match self {
            Change::Add { bytes, .. } => bytes.len(),
            Change::Remove { .. } => 0,
        }
    }
}

/// A change waiting for its admin to confirm or cancel it.
#[derive(Debug, Clone)]
pub(super) struct Offer {
    pub admin: i64,
    pub change: Change,
    /// The offer's text, shown again without its buttons once it is answered.
    pub text: Rich,
    made: Instant,
}

/// Offers waiting for a button, by the token their buttons carry.
#[derive(Default)]
pub(super) struct Offers {
    state: Mutex<(u32, HashMap<u32, Offer>)>,
}

impl Offers {
    /// Keeps an offer; its token. The oldest offers go when there are too many or too large.
    pub(super) fn put(&self, admin: i64, change: Change, text: Rich) -> u32 {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (next, offers) = &mut *state;
        offers.retain(|_, offer| offer.made.elapsed() < OFFER_TTL);
        let incoming = change.bytes();
        while !offers.is_empty()
            && (offers.len() >= MAX_OFFERS
                || offers.values().map(|o| o.change.bytes()).sum::<usize>() + incoming > MAX_OFFER_BYTES)
        {
            let oldest = offers.iter().min_by_key(|(_, o)| o.made).map(|(token, _)| *token);
            if let Some(oldest) = oldest {
                offers.remove(&oldest);
            }
        }
        *next = next.wrapping_add(1);
        let token = *next;
        offers.insert(token, Offer { admin, change, text, made: Instant::now() });
        token
    }

    /// The offer `token` names, if it is still waiting.
    pub(super) fn get(&self, token: u32) -> Option<Offer> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.1.get(&token).filter(|offer| offer.made.elapsed() < OFFER_TTL).cloned()
    }

    /// Takes the offer `token` names: it is answered once.
    pub(super) fn take(&self, token: u32) -> Option<Offer> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.1.remove(&token).filter(|offer| offer.made.elapsed() < OFFER_TTL)
    }
}

/// Why a file name sent by an admin cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadName {
    Missing,
    NotTxt,
    Unsafe,
}

/// The name a sent file takes in the corpus directory: its own, when it is a plain `.txt` name
/// that cannot lead out of the directory or hide in it.
pub fn file_name(name: Option<&str>) -> Result<String, BadName> {
    let name = name.map(str::trim).filter(|n| !n.is_empty()).ok_or(BadName::Missing)?;
    let txt = name.rsplit_once('.').is_some_and(|(stem, ext)| !stem.is_empty() && ext.eq_ignore_ascii_case("txt"));
    if !txt {
        return Err(BadName::NotTxt);
    }
    // Hidden names are skipped by the loader (and are the reload's temporary files).
    let safe =
        !name.starts_with('.') && name.len() <= 200 && !name.chars().any(|c| c == '/' || c == '\\' || c.is_control());
    if safe { Ok(name.to_string()) } else { Err(BadName::Unsafe) }
}

/// Where removed digests go: a `removed` folder beside the corpus directory.
pub fn removed_dir(corpus_dir: &Path) -> PathBuf {
    let dir = std::fs::canonicalize(corpus_dir).unwrap_or_else(|_| corpus_dir.to_path_buf());
    match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.join("removed"),
        _ => PathBuf::from("removed"),
    }
}

/// A file change that can be undone.
pub(super) enum Applied {
    /// `path` was written; it held `previous` before, or nothing.
    Written { path: PathBuf, previous: Option<Vec<u8>> },
    /// `from` was moved to `to`.
    Moved { from: PathBuf, to: PathBuf },
}

/// Makes `change` in `corpus_dir`. The file appears whole or not at all: written beside its place
/// under a hidden name (which the loader skips), synced, then renamed over it.
pub(super) fn apply(corpus_dir: &Path, change: &Change, token: u32) -> std::io::Result<Applied> {
    match change {
        Change::Add { name, bytes, replaces } => {
            let path = corpus_dir.join(name);
            // Offered as new, but a file of that name came since: the admin has not seen what
            // replacing it would change.
            if !replaces && path.exists() {
                let message = format!("{name} was added to the folder since the offer; send the file again");
                return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, message));
            }
            let previous = match std::fs::read(&path) {
                Ok(previous) => Some(previous),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(e),
            };
            write_atomically(&path, bytes, token)?;
            Ok(Applied::Written { path, previous })
        }
        Change::Remove { file, .. } => {
            let from = corpus_dir.join(file);
            let removed = removed_dir(corpus_dir);
            let to = free_name(&removed.join(file));
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::rename(&from, &to)?;
            sync_dir(from.parent());
            Ok(Applied::Moved { from, to })
        }
    }
}

/// Undoes what [`apply`] did.
pub(super) fn undo(applied: &Applied, token: u32) -> std::io::Result<()> {
    match applied {
        Applied::Written { path, previous: Some(previous) } => write_atomically(path, previous, token),
        Applied::Written { path, previous: None } => {
            std::fs::remove_file(path)?;
            sync_dir(path.parent());
            Ok(())
        }
        Applied::Moved { from, to } => {
            std::fs::rename(to, from)?;
            sync_dir(from.parent());
            Ok(())
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8], token: u32) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let temporary = dir.join(format!(".digestbot-upload-{}-{token}", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written?;
    sync_dir(Some(dir));
    Ok(())
}

/// Makes a rename in `dir` survive a crash; a failure only weakens that, so it is not an error.
fn sync_dir(dir: Option<&Path>) {
    if let Some(dir) = dir
        && let Ok(dir) = std::fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
}

/// `path`, or `name.2.txt`, `name.3.txt`… when a file of that name is there already: nothing
/// removed is ever overwritten.
fn free_name(path: &Path) -> PathBuf {
    if !path.exists() {
        return path.to_path_buf();
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    (2u32..)
        .map(|n| path.with_file_name(format!("{stem}.{n}{ext}")))
        .find(|candidate| !candidate.exists())
        .unwrap_or_else(|| path.to_path_buf())
}

/// Whether a reload put the change in place.
pub(super) fn took(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Reloaded { .. })
}

/// What the edge does with a file sent to the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Document {
    /// Download it (it is at most [`MAX_UPLOAD_BYTES`]) and hand it to [`App::offer_file`] under this name.
    Fetch(String),
    /// Download nothing; answer this.
    Answer(Response),
}

impl App {
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
        if self.source.is_none() {
            return Document::Answer(Response::text(plain(&msg::reload_outcome(&Outcome::Unavailable))));
        }
        let name = match file_name(name) {
            Ok(name) => name,
            Err(bad) => return Document::Answer(Response::text(plain(msg::bad_upload_name(bad)))),
        };
        if size > MAX_UPLOAD_BYTES {
            return Document::Answer(Response::text(plain(&msg::upload_too_large(size, MAX_UPLOAD_BYTES))));
        }
        Document::Fetch(name)
    }

    /// A file an admin sent, downloaded: checked exactly as `digestbot check` checks a corpus file,
    /// and shown as its outline and problems. One without errors is offered with buttons to add it
    /// (or to replace the file of that name, with what would change).
    pub fn offer_file(&self, caller: Caller, name: &str, bytes: Vec<u8>) -> Response {
        if !caller.private || !self.is_admin(caller.user) {
            return self.handle_non_text(caller);
        }
        let Some(source) = &self.source else {
            return Response::text(plain(&msg::reload_outcome(&Outcome::Unavailable)));
        };
        let name = match file_name(Some(name)) {
            Ok(name) => name,
            Err(bad) => return Response::text(plain(msg::bad_upload_name(bad))),
        };
        let cap = MAX_UPLOAD_BYTES.min(source.options.max_file_bytes);
        if bytes.len() as u64 > cap {
            return Response::text(plain(&msg::upload_too_large(bytes.len() as u64, cap)));
        }
        let library = self.library();
        let digests = &library.corpus.digests;
        let current = digests.iter().find(|d| d.file == name);
        let id = match current {
            Some(digest) => digest.id.clone(),
            None => {
                let mut taken: HashSet<String> = digests.iter().map(|d| d.id.clone()).collect();
                crate::corpus::digest_id(&name, &mut taken)
            }
        };
        let parsed = crate::corpus::parse(&name, &id, &bytes);
        let errors = parsed.problems.iter().filter(|p| p.severity == Severity::Error).count();
        let problems: Vec<String> = parsed.problems.iter().map(ToString::to_string).collect();
        let on_disk = source.dir.join(&name).exists();
        let replacing = match (on_disk, current, &parsed.digest) {
            (false, _, _) => msg::Replacing::Nothing,
            (true, Some(old), Some(new)) => msg::Replacing::Served(Diff::between(&alone(old), &alone(new))),
            (true, _, _) => msg::Replacing::NotServed,
        };
        let unchanged = matches!(&replacing, msg::Replacing::Served(diff) if diff.is_empty());
        let text = plain(&msg::upload_offer(&name, parsed.digest.as_ref(), &problems, errors, &replacing));
        tracing::info!(admin = caller.user, file = %name, errors, "an admin sent a digest file");
        let Some(_) = parsed.digest.filter(|_| errors == 0 && !unchanged) else { return Response::text(text) };
        let change = Change::Add { name, bytes, replaces: on_disk };
        let label = if on_disk { msg::UPLOAD_REPLACE } else { msg::UPLOAD_ADD };
        let token = self.offers.put(caller.user, change, text.clone());
        offer(text, label, token)
    }

    /// `/remove <digest>`: what would go, with buttons to remove it or not.
    pub(super) fn removal(&self, library: &Library, caller: Caller, what: &str) -> Response {
        let what = what.trim();
        if what.is_empty() {
            return Response::text(plain(msg::REMOVE_USAGE));
        }
        if self.source.is_none() {
            return Response::text(plain(&msg::reload_outcome(&Outcome::Unavailable)));
        }
        let Some(digest) = library.corpus.digests.iter().find(|d| d.id == what || d.file == what) else {
            return Response::text(plain(&msg::remove_unknown(what)));
        };
        let text = plain(&msg::remove_offer(digest));
        let change =
            Change::Remove { digest: digest.id.clone(), title: digest.title.clone(), file: digest.file.clone() };
        tracing::info!(admin = caller.user, digest = %digest.id, "an admin asked to remove a digest");
        let token = self.offers.put(caller.user, change, text.clone());
        offer(text, msg::REMOVE, token)
    }

    /// An offer's button: cancelling drops it; confirming asks the edge to make the change.
    pub(super) fn answer_offer(&self, caller: Caller, token: u32, confirm: bool) -> Response {
        if !self.is_admin(caller.user) {
            tracing::warn!(user = caller.user, "a non-admin pressed a corpus change button");
            return Response::notice(msg::ADMINS_ONLY);
        }
        let offer = if confirm { self.offers.get(token) } else { self.offers.take(token) };
        let Some(offer) = offer.filter(|offer| offer.admin == caller.user) else {
            return Response::notice(msg::OFFER_GONE);
        };
        let mut text = offer.text.clone();
        if confirm {
            text.plain(format!("\n\n{}", msg::APPLYING));
            Response {
                edit: Some(Message { text, buttons: Vec::new() }),
                effect: Some(Effect::Apply(token)),
                ..Response::default()
            }
        } else {
            tracing::info!(admin = caller.user, "an admin cancelled a corpus change");
            text.plain(format!("\n\n{}", msg::CANCELLED));
            Response {
                edit: Some(Message { text, buttons: Vec::new() }),
                notice: Some(msg::CANCELLED.into()),
                ..Response::default()
            }
        }
    }

    /// Does the slow work an input asked for, then answers. Blocking: the edge runs it off its
    /// async workers.
    pub fn perform(&self, caller: Caller, effect: Effect) -> Response {
        match effect {
            Effect::Reload => self.reload_reply(&self.reload()),
            Effect::Apply(token) => self.apply_offer(caller, token),
        }
    }

    /// Makes a confirmed change and reloads; undoes the change when the reload does not go through.
    fn apply_offer(&self, caller: Caller, token: u32) -> Response {
        let answer = |text: String| Response::text(plain(&text));
        let Some(offer) = self.offers.take(token).filter(|offer| offer.admin == caller.user) else {
            return answer(msg::OFFER_GONE.to_string());
        };
        let Some(source) = &self.source else { return answer(msg::reload_outcome(&Outcome::Unavailable)) };
        let admin = caller.user;
        let applied = match apply(&source.dir, &offer.change, token) {
            Ok(applied) => applied,
            Err(e) => {
                tracing::error!(admin, "the corpus directory could not be changed: {e}");
                return answer(msg::change_failed(&e.to_string()));
            }
        };
        let outcome = self.reload();
        let done = match (&offer.change, &applied) {
            (Change::Add { name, replaces, .. }, _) => msg::added(name, *replaces),
            (Change::Remove { title, .. }, Applied::Moved { to, .. }) => msg::removed(title, &shown(source, to)),
            (Change::Remove { title, file, .. }, _) => msg::removed(title, file),
        };
        if took(&outcome) {
            match &offer.change {
                Change::Add { name, replaces, .. } => {
                    tracing::info!(admin, file = %name, replaced = replaces, "corpus changed: a digest file was added")
                }
                Change::Remove { digest, file, .. } => {
                    tracing::info!(admin, digest = %digest, file = %file, "corpus changed: a digest was removed")
                }
            }
            return answer(format!("{done}\n{}", msg::reload_outcome(&outcome)));
        }
        let undone = undo(&applied, token);
        match &undone {
            Ok(()) => tracing::warn!(admin, "a corpus change was undone: the reload after it did not go through"),
            Err(e) => tracing::error!(admin, "a corpus change could not be undone after a failed reload: {e}"),
        }
        answer(msg::change_undone(&msg::reload_outcome(&outcome), undone.is_ok()))
    }
}

/// A corpus of one digest, to compare two versions of it.
fn alone(digest: &Digest) -> Corpus {
    Corpus { digests: vec![digest.clone()], problems: Vec::new() }
}

/// Where a removed file went, as the admin knows the place: `removed/…`.
fn shown(source: &super::reload::Source, to: &Path) -> String {
    let base = removed_dir(&source.dir);
    let base = base.parent().unwrap_or(Path::new(""));
    to.strip_prefix(base).unwrap_or(to).display().to_string()
}

/// An offer's message: its text, and the buttons to confirm or cancel it.
fn offer(text: Rich, confirm: &str, token: u32) -> Response {
    let buttons = vec![vec![button(confirm, Action::Confirm(token)), button(msg::CANCEL, Action::Cancel(token))]];
    Response::message(Message { text, buttons })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_txt_names_are_taken_for_the_corpus() {
        assert_eq!(file_name(Some("政府工作报告.txt")), Ok("政府工作报告.txt".into()));
        assert_eq!(file_name(Some(" a.TXT ")), Ok("a.TXT".into()));
        assert_eq!(file_name(None), Err(BadName::Missing));
        assert_eq!(file_name(Some("photo.jpg")), Err(BadName::NotTxt));
        assert_eq!(file_name(Some(".txt")), Err(BadName::NotTxt));
        for unsafe_name in ["../a.txt", "a/b.txt", ".hidden.txt", "a\\b.txt", "a\nb.txt"] {
            assert_eq!(file_name(Some(unsafe_name)), Err(BadName::Unsafe), "{unsafe_name:?}");
        }
    }

    #[test]
    fn a_written_file_can_be_undone_to_what_was_there_or_to_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let add = |name: &str, bytes: &[u8], token| {
            let change = Change::Add { name: name.into(), bytes: bytes.to_vec(), replaces: false };
            apply(dir.path(), &change, token).unwrap()
        };
        let first = add("a.txt", b"one", 1);
        assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), b"one");
        let second = add("a.txt", b"two", 2);
        assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), b"two");
        undo(&second, 3).unwrap();
        assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), b"one");
        undo(&first, 4).unwrap();
        assert!(!dir.path().join("a.txt").exists());
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_removed_file_moves_beside_the_corpus_without_overwriting_an_earlier_one() {
        let root = tempfile::tempdir().unwrap();
        let corpus = root.path().join("corpus");
        std::fs::create_dir_all(corpus.join("2024")).unwrap();
        let remove = |file: &str| {
            std::fs::write(corpus.join(file), file).unwrap();
            let change = Change::Remove { digest: "d".into(), title: "t".into(), file: file.into() };
            apply(&corpus, &change, 1).unwrap()
        };
        remove("2024/a.txt");
        let again = remove("2024/a.txt");
        let removed = root.path().join("removed/2024");
        assert_eq!(std::fs::read_to_string(removed.join("a.txt")).unwrap(), "2024/a.txt");
        assert!(removed.join("a.2.txt").exists());
        assert!(!corpus.join("2024/a.txt").exists());
        undo(&again, 2).unwrap();
        assert!(corpus.join("2024/a.txt").exists() && !removed.join("a.2.txt").exists());
    }
}
