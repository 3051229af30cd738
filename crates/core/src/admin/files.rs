//! The file side of a corpus change: which names a sent file may take, and writing, moving and
//! putting back files so that the corpus folder never holds half a file and nothing is deleted.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use digestbot_corpus::ids::fnv1a;
use digestbot_corpus::read::{Links, ReadError, read_limited};

/// What a confirmed offer does.
#[derive(Debug, Clone)]
pub(crate) enum Change {
    /// Write `bytes` as `name` at the top of the corpus folder. `previous` is the hash of the file
    /// of that name when the offer was made (None: there was none): the admin saw what replacing
    /// that file changes, and only that file is replaced.
    Add { name: String, bytes: Arc<[u8]>, previous: Option<u64> },
    /// Move the file of digest `digest` (`file` below the corpus folder) out of the corpus.
    /// `seen` is what the file was when the offer was made: only that file is removed.
    Remove { digest: String, title: String, file: String, seen: Option<u64> },
}

impl Change {
    pub(super) fn bytes(&self) -> usize {
        match self {
            Change::Add { bytes, .. } => bytes.len(),
            Change::Remove { .. } => 0,
        }
    }
}

/// Why a sent file's name cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadName {
    Missing,
    NotTxt,
    Unsafe,
    /// Invisible or direction characters (U+202E, U+200B…): `evil\u{202E}gnp.txt` reads as
    /// `eviltxt.png` in a message or a log.
    Invisible,
}

/// The name a sent file takes in the corpus folder: its own, when it is a plain `.txt` name that
/// can neither lead out of the folder nor hide in it.
pub fn file_name(name: Option<&str>) -> Result<String, BadName> {
    let name = name.map(str::trim).filter(|n| !n.is_empty()).ok_or(BadName::Missing)?;
    let txt = name.rsplit_once('.').is_some_and(|(stem, ext)| !stem.is_empty() && ext.eq_ignore_ascii_case("txt"));
    if !txt {
        return Err(BadName::NotTxt);
    }
    // Hidden names are skipped by the loader (and are the temporary files of a change).
    let safe =
        !name.starts_with('.') && name.len() <= 200 && !name.chars().any(|c| c == '/' || c == '\\' || c.is_control());
    if !safe {
        return Err(BadName::Unsafe);
    }
    if name.chars().any(digestbot_corpus::is_invisible) {
        return Err(BadName::Invisible);
    }
    Ok(name.to_string())
}

/// Where removed and replaced digests go: `removed/` beside the corpus folder, as configured (not
/// where a link leads, which may be anywhere). A corpus folder with no parent to name keeps them in
/// a hidden `.removed/` inside it, which the loader skips.
pub fn removed_dir(corpus_dir: &Path) -> PathBuf {
    // A corpus folder itself named `removed` would keep what leaves it inside it, served again.
    if corpus_dir.file_name().is_some_and(|n| n == "removed") {
        return corpus_dir.join(".removed");
    }
    let named = corpus_dir.file_name().is_some_and(|n| n != "." && n != "..");
    match corpus_dir.parent() {
        Some(parent) if named && !parent.as_os_str().is_empty() => parent.join("removed"),
        Some(_) if named => PathBuf::from("removed"),
        _ => corpus_dir.join(".removed"),
    }
}

/// Why a confirmed change was not made.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The file it replaces (or its name, for a new one) changed since the offer was made: the
    /// admin did not see what the change would do now.
    ChangedSinceOffer,
    /// The name in the corpus folder is a link, a FIFO or a device, not a file: never followed or
    /// read, so that nothing outside the folder is copied and nothing blocks.
    NotAFile,
    /// The file in the corpus folder is larger than a digest may be (`max_file_mb`).
    TooLarge,
    /// The file to remove is no longer there (another admin removed it first).
    Gone,
    Io(std::io::Error),
}

impl From<std::io::Error> for Refusal {
    fn from(e: std::io::Error) -> Self {
        Refusal::Io(e)
    }
}

/// A change made, which can be undone.
#[derive(Debug)]
pub(crate) enum Applied {
    /// `path` was written. It held `previous` before, kept as `kept` in `removed/`; or nothing.
    Written { path: PathBuf, previous: Option<(Vec<u8>, PathBuf)> },
    /// `from` was moved to `to`.
    Moved { from: PathBuf, to: PathBuf },
}

/// What is at `path` in the corpus folder: a regular file's bytes (at most `max`), or None when
/// nothing is. It is opened without following a link and without blocking, and its type is checked
/// on the open file, so that a link out of the folder, a FIFO or `/dev/zero` is refused unread.
pub(crate) fn read_in_corpus(path: &Path, max: u64) -> Result<Option<Vec<u8>>, Refusal> {
    match read_limited(path, max, Links::Refuse) {
        Ok(read) => Ok(Some(read.bytes)),
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        // O_NOFOLLOW on a link.
        Err(ReadError::Io(e)) if e.raw_os_error() == Some(libc::ELOOP) => Err(Refusal::NotAFile),
        Err(ReadError::Io(e)) => Err(e.into()),
        Err(ReadError::NotAFile { .. }) => Err(Refusal::NotAFile),
        Err(ReadError::TooLarge { .. } | ReadError::Grew { .. }) => Err(Refusal::TooLarge),
    }
}

/// What a digest's file is now, to tell at removal whether it changed since the offer, from its
/// metadata only (the offer is made on the bot's async workers, where a 64 MB read would stall
/// them): for a file its inode, size and modification time; for a link (moved, never read) where it
/// points. None when nothing is there; a FIFO or a device is refused unopened.
pub(crate) fn current(path: &Path) -> Result<Option<u64>, Refusal> {
    use std::os::unix::fs::MetadataExt;
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(path)?;
        return Ok(Some(fingerprint(target.as_os_str().as_encoded_bytes())));
    }
    if !meta.is_file() {
        return Err(Refusal::NotAFile);
    }
    let stamp = format!("{}:{}:{}:{}", meta.ino(), meta.len(), meta.mtime(), meta.mtime_nsec());
    Ok(Some(fingerprint(stamp.as_bytes())))
}

/// The hash of a file's bytes, to tell whether it changed.
pub(super) fn fingerprint(bytes: &[u8]) -> u64 {
    fnv1a(bytes)
}

/// Makes `change` in `corpus_dir`. A written file appears whole or not at all (written under a
/// hidden name beside its place, synced, then renamed over it); a replaced file is kept in
/// `removed/` first.
pub(crate) fn apply(corpus_dir: &Path, change: &Change, token: u32, max: u64) -> Result<Applied, Refusal> {
    match change {
        Change::Add { name, bytes, previous } => {
            let path = corpus_dir.join(name);
            let on_disk = read_in_corpus(&path, max)?;
            if on_disk.as_deref().map(fingerprint) != *previous {
                return Err(Refusal::ChangedSinceOffer);
            }
            let previous = match on_disk {
                Some(on_disk) => {
                    let kept = free_name(&removed_dir(corpus_dir).join(name));
                    write_atomically(&kept, &on_disk, token)?;
                    Some((on_disk, kept))
                }
                None => None,
            };
            if let Err(e) = write_atomically(&path, bytes, token) {
                if let Some((_, kept)) = &previous {
                    let _ = std::fs::remove_file(kept);
                }
                return Err(e.into());
            }
            Ok(Applied::Written { path, previous })
        }
        Change::Remove { file, seen, .. } => {
            let from = corpus_dir.join(file);
            match current(&from)? {
                None => return Err(Refusal::Gone),
                now if now != *seen => return Err(Refusal::ChangedSinceOffer),
                _ => {}
            }
            let to = free_name(&removed_dir(corpus_dir).join(file));
            match move_file(&from, &to) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Refusal::Gone),
                moved => moved?,
            }
            Ok(Applied::Moved { from, to })
        }
    }
}

/// Undoes what [`apply`] did. Nothing is overwritten on the way back: a file that took the place
/// meanwhile stays, and the undo fails.
pub(crate) fn undo(applied: &Applied, token: u32) -> std::io::Result<()> {
    match applied {
        Applied::Written { path, previous: Some((previous, kept)) } => {
            write_atomically(path, previous, token)?;
            std::fs::remove_file(kept)?;
            sync_dir(kept.parent());
            Ok(())
        }
        Applied::Written { path, previous: None } => {
            std::fs::remove_file(path)?;
            sync_dir(path.parent());
            Ok(())
        }
        Applied::Moved { from, to } => {
            if from.exists() {
                let message = format!("{} came back meanwhile; the removed file stays in removed/", from.display());
                return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, message));
            }
            move_file(to, from)
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8], token: u32) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let temporary = dir.join(format!(".digestbot-change-{}-{token}", std::process::id()));
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

/// Moves a file, also to another file system (a corpus folder that is a mount of its own).
fn move_file(from: &Path, to: &Path) -> std::io::Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    match std::fs::rename(from, to) {
        Err(e) if e.raw_os_error() == Some(libc::EXDEV) => {
            // A link is moved as a link: copying it would copy what it points at.
            if std::fs::symlink_metadata(from)?.file_type().is_symlink() {
                std::os::unix::fs::symlink(std::fs::read_link(from)?, to)?;
            } else {
                std::fs::copy(from, to)?;
                std::fs::File::open(to)?.sync_all()?;
            }
            std::fs::remove_file(from)?;
        }
        moved => moved?,
    }
    sync_dir(from.parent());
    sync_dir(to.parent());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn add(dir: &Path, name: &str, bytes: &[u8], token: u32) -> Result<Applied, Refusal> {
        let previous = std::fs::read(dir.join(name)).ok().map(|b| fingerprint(&b));
        let change = Change::Add { name: name.into(), bytes: bytes.into(), previous };
        apply(dir, &change, token, u64::MAX)
    }

    #[test]
    fn only_plain_txt_names_are_taken_for_the_corpus() {
        assert_eq!(file_name(Some("政府工作报告.txt")), Ok("政府工作报告.txt".into()));
        assert_eq!(file_name(Some(" a.TXT ")), Ok("a.TXT".into()));
        assert_eq!(file_name(None), Err(BadName::Missing));
        assert_eq!(file_name(Some("photo.jpg")), Err(BadName::NotTxt));
        assert_eq!(file_name(Some(".txt")), Err(BadName::NotTxt));
        assert_eq!(file_name(Some("报告")), Err(BadName::NotTxt));
        for unsafe_name in ["../a.txt", "a/b.txt", ".hidden.txt", "a\\b.txt", "a\nb.txt"] {
            assert_eq!(file_name(Some(unsafe_name)), Err(BadName::Unsafe), "{unsafe_name:?}");
        }
        for invisible in ["evil\u{202E}gnp.txt", "a\u{200B}.txt", "\u{FEFF}a.txt", "a\u{2028}b.txt"] {
            assert_eq!(file_name(Some(invisible)), Err(BadName::Invisible), "{invisible:?}");
        }
    }

    #[test]
    fn a_corpus_folder_named_removed_keeps_what_leaves_it_in_a_hidden_folder_the_loader_skips() {
        assert_eq!(removed_dir(Path::new("/srv/removed")), Path::new("/srv/removed/.removed"));
    }

    #[test]
    fn removed_files_go_beside_the_corpus_folder_as_configured() {
        assert_eq!(removed_dir(Path::new("/srv/digestbot/corpus")), Path::new("/srv/digestbot/removed"));
        assert_eq!(removed_dir(Path::new("/srv/digestbot/corpus/")), Path::new("/srv/digestbot/removed"));
        assert_eq!(removed_dir(Path::new("corpus")), Path::new("removed"));
        // No parent to put it in: hidden inside, where the loader does not look.
        assert_eq!(removed_dir(Path::new(".")), Path::new("./.removed"));
        assert_eq!(removed_dir(Path::new("/")), Path::new("/.removed"));
    }

    #[test]
    fn a_replaced_file_is_kept_and_an_undo_puts_everything_back() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("corpus");
        std::fs::create_dir(&dir).unwrap();
        let first = add(&dir, "a.txt", b"one", 1).unwrap();
        assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"one");
        let second = add(&dir, "a.txt", b"two", 2).unwrap();
        assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"two");
        assert_eq!(std::fs::read(root.path().join("removed/a.txt")).unwrap(), b"one", "the replaced file is kept");
        undo(&second, 3).unwrap();
        assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"one");
        assert!(!root.path().join("removed/a.txt").exists());
        undo(&first, 4).unwrap();
        assert!(!dir.join("a.txt").exists());
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    }

    #[test]
    fn a_file_changed_since_the_offer_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "seen").unwrap();
        let change =
            Change::Add { name: "a.txt".into(), bytes: b"new"[..].into(), previous: Some(fingerprint(b"seen")) };
        std::fs::write(dir.path().join("a.txt"), "edited meanwhile").unwrap();
        assert!(matches!(apply(dir.path(), &change, 1, u64::MAX), Err(Refusal::ChangedSinceOffer)));
        let new = Change::Add { name: "a.txt".into(), bytes: b"new"[..].into(), previous: None };
        assert!(matches!(apply(dir.path(), &new, 2, u64::MAX), Err(Refusal::ChangedSinceOffer)));
        assert_eq!(std::fs::read_to_string(dir.path().join("a.txt")).unwrap(), "edited meanwhile");
    }

    #[test]
    fn a_removed_file_moves_beside_the_corpus_without_overwriting_an_earlier_one() {
        let root = tempfile::tempdir().unwrap();
        let corpus = root.path().join("corpus");
        std::fs::create_dir_all(corpus.join("2024")).unwrap();
        let remove = |file: &str| {
            std::fs::write(corpus.join(file), file).unwrap();
            let seen = current(&corpus.join(file)).unwrap();
            let change = Change::Remove { digest: "d".into(), title: "t".into(), file: file.into(), seen };
            apply(&corpus, &change, 1, u64::MAX).unwrap()
        };
        remove("2024/a.txt");
        let again = remove("2024/a.txt");
        let removed = root.path().join("removed/2024");
        assert_eq!(std::fs::read_to_string(removed.join("a.txt")).unwrap(), "2024/a.txt");
        assert!(removed.join("a.2.txt").exists());
        assert!(!corpus.join("2024/a.txt").exists());
        undo(&again, 2).unwrap();
        assert!(corpus.join("2024/a.txt").exists() && !removed.join("a.2.txt").exists());
        // A file that took the place meanwhile is not overwritten by an undo.
        let third = remove("2024/a.txt");
        std::fs::write(corpus.join("2024/a.txt"), "new").unwrap();
        assert!(undo(&third, 3).is_err());
        assert_eq!(std::fs::read_to_string(corpus.join("2024/a.txt")).unwrap(), "new");
    }
}
