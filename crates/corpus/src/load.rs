//! Loading a corpus directory: every `.txt` file below it, in path order.
//!
//! Nothing in the directory is trusted to be a plain tree of text files. Links to folders are not
//! followed, since a link back into the corpus would load it again and again (two never finish).
//! Only regular files are read: a FIFO blocks forever and a device never ends. A link to a file is
//! read when the file is inside the corpus (a link out of it could publish any file the bot can
//! read), and a file with several names is read once. A file is read only up to the size cap, so
//! memory stays proportional to the corpus.

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::ids::{fnv1a, is_element_suffix};
use super::model::{Corpus, Problem, Severity, escape_controls};
use super::parse::parse;
use super::read::{Links, ReadError, kind_name, read_limited};

/// Longest digest id: leaves room for `_p` and an 8-character hash within 32 characters, what
/// callback data and deep links can carry (see `ids`).
pub const MAX_DIGEST_ID: usize = 22;

/// The size cap when the config does not set `max_file_mb`: hundreds of times the largest digest
/// seen (under 100 KB), while parsing a file takes some 25 times its size in memory.
pub const DEFAULT_MAX_FILE_MB: u32 = 32;

/// The largest `max_file_mb` allowed: a file no larger has fewer lines than `u32::MAX`, so that
/// line numbers stay distinct.
pub const LARGEST_MAX_FILE_MB: u32 = 4095;

const MB: u64 = 1024 * 1024;

/// How a corpus is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// A larger file is a problem and is not read.
    pub max_file_bytes: u64,
}

impl LoadOptions {
    pub fn with_max_file_mb(mb: u32) -> LoadOptions {
        LoadOptions { max_file_bytes: u64::from(mb) * MB }
    }
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions::with_max_file_mb(DEFAULT_MAX_FILE_MB)
    }
}

/// The corpus directory itself cannot be read: there is no corpus to serve, not an empty one.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the corpus directory {}: {source}", escape_controls(&.dir.display().to_string()))]
pub struct LoadError {
    pub dir: PathBuf,
    pub source: std::io::Error,
}

/// Loads every `.txt` file below `dir` with the default options (see `load_dir_with`).
pub fn load_dir(dir: &Path) -> Result<Corpus, LoadError> {
    load_dir_with(dir, LoadOptions::default())
}

/// Loads every `.txt` file below `dir` (hidden files and folders skipped). A file that cannot be
/// read or parsed becomes a problem and the rest of the corpus still loads; only a corpus directory
/// that cannot be read at all is an error.
pub fn load_dir_with(dir: &Path, options: LoadOptions) -> Result<Corpus, LoadError> {
    let fail = |source| LoadError { dir: dir.to_path_buf(), source };
    // Canonical, so that where a link leads can be compared with it.
    let root = std::fs::canonicalize(dir).map_err(fail)?;
    let mut entries = walk(&root).map_err(fail)?;
    entries.sort_by(|a, b| a.relative.cmp(&b.relative));
    let owners = owners(&entries);
    let mut corpus = Corpus::default();
    let mut ids = HashSet::new();
    let mut read = HashSet::new();
    for (i, entry) in entries.iter().enumerate() {
        // Every `.txt` name takes its id, loaded or not, so that fixing one file changes no other id.
        let id = if entry.takes_id { digest_id(&entry.relative, &mut ids) } else { String::new() };
        let (path, identity) = match &entry.kind {
            Kind::Refused(severity, message) => {
                corpus.problems.push(file_problem(&entry.relative, *severity, message.clone()));
                continue;
            }
            Kind::Text { path, identity, .. } => (path, identity),
        };
        let owner = &entries[owners[identity]].relative;
        if owners[identity] != i {
            let message = format!("is the same file as {owner}; it is loaded once, as {owner}");
            corpus.problems.push(file_problem(&entry.relative, Severity::Warning, message));
            continue;
        }
        match read_file(path, options.max_file_bytes) {
            // Checked again on the open file: the directory may have changed since it was listed.
            Ok((_, identity)) if !read.insert(identity) => {
                let message = "is the same file as another one; it is loaded once".to_string();
                corpus.problems.push(file_problem(&entry.relative, Severity::Warning, message));
            }
            Ok((bytes, _)) => {
                let parsed = parse(&entry.relative, &id, &bytes);
                corpus.digests.extend(parsed.digest);
                corpus.problems.extend(parsed.problems);
            }
            Err(message) => corpus.problems.push(file_problem(&entry.relative, Severity::Error, message)),
        }
    }
    if !entries.iter().any(|e| e.takes_id) {
        let message = "has no .txt files: the corpus is empty".to_string();
        corpus.problems.push(file_problem(&dir.display().to_string(), Severity::Warning, message));
    }
    Ok(corpus)
}

fn file_problem(file: &str, severity: Severity, message: String) -> Problem {
    Problem { file: file.to_string(), line: 0, severity, message }
}

/// Something found below the corpus directory that the loader reads or reports.
struct Entry {
    /// The path below the corpus directory, with `/` separators.
    relative: String,
    /// Whether it is a `.txt` name, which takes a digest id.
    takes_id: bool,
    kind: Kind,
}

enum Kind {
    /// A regular file, or a link to one inside the corpus: `path` is the file itself (no link),
    /// `identity` its device and inode.
    Text { path: PathBuf, link: bool, identity: (u64, u64) },
    /// Not read, and why.
    Refused(Severity, String),
}

/// Lists the corpus below `root` (canonical) without following links to folders. Only `root`
/// itself failing to list is an error; a folder below it that cannot be listed is a problem.
fn walk(root: &Path) -> std::io::Result<Vec<Entry>> {
    let mut out = Vec::new();
    // A stack rather than recursion: folders nested thousands deep must not overflow it.
    let mut folders = vec![(String::new(), root.to_path_buf())];
    while let Some((prefix, folder)) = folders.pop() {
        let refuse = |out: &mut Vec<Entry>, message: String| {
            out.push(Entry {
                relative: prefix.clone(),
                takes_id: false,
                kind: Kind::Refused(Severity::Error, message),
            });
        };
        let listing = match std::fs::read_dir(&folder) {
            Ok(listing) => listing,
            Err(e) if prefix.is_empty() => return Err(e),
            Err(e) => {
                refuse(&mut out, format!("is a folder that cannot be read: {e}"));
                continue;
            }
        };
        for item in listing {
            let item = match item {
                Ok(item) => item,
                Err(e) if prefix.is_empty() => return Err(e),
                Err(e) => {
                    refuse(&mut out, format!("is a folder that cannot be listed to the end: {e}"));
                    break;
                }
            };
            let name = item.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let relative = if prefix.is_empty() { name.into_owned() } else { format!("{prefix}/{name}") };
            let path = item.path();
            let txt = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt"));
            let refused = |severity, message: String| Entry {
                relative: relative.clone(),
                takes_id: txt,
                kind: Kind::Refused(severity, message),
            };
            let kind = match item.file_type() {
                Ok(kind) => kind,
                Err(e) => {
                    if txt {
                        out.push(refused(Severity::Error, format!("cannot be read: {e}")));
                    }
                    continue;
                }
            };
            if kind.is_dir() {
                folders.push((relative, path));
            } else if kind.is_symlink() {
                match std::fs::metadata(&path) {
                    Ok(target) if target.is_dir() => out.push(Entry {
                        relative,
                        takes_id: false,
                        kind: Kind::Refused(
                            Severity::Warning,
                            "is a link to a folder; links to folders are not followed (move the folder into the corpus)".into(),
                        ),
                    }),
                    _ if !txt => {}
                    Ok(target) if target.is_file() => out.push(linked_file(root, &path, relative)),
                    Ok(target) => out.push(refused(
                        Severity::Error,
                        format!("is a link to {}, not a regular file; not read", kind_name(target.file_type())),
                    )),
                    Err(e) => out.push(refused(Severity::Error, format!("is a link that cannot be followed: {e}"))),
                }
            } else if txt {
                out.push(match item.metadata() {
                    Ok(meta) if meta.is_file() => Entry {
                        relative,
                        takes_id: true,
                        kind: Kind::Text { path, link: false, identity: (meta.dev(), meta.ino()) },
                    },
                    Ok(meta) => refused(
                        Severity::Error,
                        format!("is {}, not a regular file; not read", kind_name(meta.file_type())),
                    ),
                    Err(e) => refused(Severity::Error, format!("cannot be read: {e}")),
                });
            }
        }
    }
    Ok(out)
}

/// A `.txt` link to a regular file: read when the file is inside the corpus.
fn linked_file(root: &Path, link: &Path, relative: String) -> Entry {
    let refused = |message: String| Entry {
        relative: relative.clone(),
        takes_id: true,
        kind: Kind::Refused(Severity::Error, message),
    };
    let target = match std::fs::canonicalize(link) {
        Ok(target) => target,
        Err(e) => return refused(format!("is a link that cannot be followed: {e}")),
    };
    if !target.starts_with(root) {
        return refused("is a link to a file outside the corpus directory; not read".into());
    }
    match std::fs::metadata(&target) {
        Ok(meta) => Entry {
            relative,
            takes_id: true,
            kind: Kind::Text { path: target, link: true, identity: (meta.dev(), meta.ino()) },
        },
        Err(e) => refused(format!("cannot be read: {e}")),
    }
}

/// For each file, the entry that loads it: the file's own name rather than a link to it (its id
/// then survives the link's removal), else the first name in path order.
fn owners(entries: &[Entry]) -> HashMap<(u64, u64), usize> {
    let mut owners: HashMap<(u64, u64), usize> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        let Kind::Text { link, identity, .. } = &entry.kind else { continue };
        let owner = owners.entry(*identity).or_insert(i);
        if matches!(entries[*owner].kind, Kind::Text { link: true, .. }) && !link {
            *owner = i;
        }
    }
    owners
}

/// Reads a regular file of at most `max` bytes; returns its bytes and identity, or the problem.
/// The file may have been replaced since it was listed: a link found now leads nowhere.
fn read_file(path: &Path, max: u64) -> Result<(Vec<u8>, (u64, u64)), String> {
    let read = read_limited(path, max, Links::Refuse).map_err(|e| problem(&e))?;
    Ok((read.bytes, (read.meta.dev(), read.meta.ino())))
}

/// A file that could not be read, as the problem says it.
fn problem(e: &ReadError) -> String {
    match e {
        ReadError::Io(e) => format!("cannot be read: {e}"),
        ReadError::NotAFile { kind } => format!("is {kind}, not a regular file; not read"),
        ReadError::TooLarge { size, max } => {
            format!("is {}, more than the {} a digest may be (max_file_mb); not read", mb(*size), mb(*max))
        }
        ReadError::Grew { max } => {
            format!("grew past the {} a digest may be while it was read (max_file_mb); not read", mb(*max))
        }
    }
}

/// A size in MB (of 2^20 bytes), rounded up to a tenth, so that a file just over the cap never
/// reads as the cap itself.
fn mb(bytes: u64) -> String {
    let tenths = u128::from(bytes).saturating_mul(10).div_ceil(u128::from(MB));
    if tenths % 10 == 0 { format!("{} MB", tenths / 10) } else { format!("{}.{} MB", tenths / 10, tenths % 10) }
}

/// A digest's id is its file name when that is short and safe for deep links (`xwlb-20220924`),
/// else a hash of its path; either way the same on every load while the file keeps its name.
pub fn digest_id(relative: &str, taken: &mut HashSet<String>) -> String {
    let stem = relative.rsplit('/').next().unwrap_or(relative);
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    // A name like `a_p4` or `a_pab12cd34` would read as an element of digest `a`.
    let looks_like_element = stem.rsplit_once('_').is_some_and(|(_, rest)| is_element_suffix(rest));
    let safe = !stem.is_empty()
        && stem.len() <= MAX_DIGEST_ID
        && !looks_like_element
        && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let mut id = if safe { stem.to_string() } else { format!("h{:012x}", fnv1a(relative.as_bytes()) >> 16) };
    let mut salt = 0u64;
    while !taken.insert(id.clone()) {
        salt += 1;
        id = format!("h{:012x}", fnv1a(format!("{relative}#{salt}").as_bytes()) >> 16);
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_ids_are_short_safe_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(digest_id("xwlb-20220924.txt", &mut taken), "xwlb-20220924");
        let again = digest_id("2024/xwlb-20220924.txt", &mut taken);
        assert_ne!(again, "xwlb-20220924");
        let chinese = digest_id("政府工作报告.txt", &mut taken);
        assert_eq!(chinese.len(), 13);
        assert!(chinese.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(chinese, digest_id("政府工作报告.txt", &mut HashSet::new()));
        assert!(digest_id("a_p4.txt", &mut taken).starts_with('h'), "a name that reads as an element id is hashed");
        assert_eq!(digest_id("a_pp.txt", &mut taken), "a_pp");
        assert!(digest_id("a_px1njchs.txt", &mut taken).starts_with('h'), "nor the ids of very long files");
    }

    #[test]
    fn a_file_that_grows_while_it_is_read_is_not_read_past_the_cap() {
        use crate::read::read_at_most;
        // An endless reader: without the bound this would never return.
        let err = read_at_most(std::io::repeat(b'a'), 10, 1000).unwrap_err();
        assert_eq!(problem(&err), "grew past the 0.1 MB a digest may be while it was read (max_file_mb); not read");
        assert_eq!(read_at_most(&b"abc"[..], 3, 3).unwrap(), b"abc");
        assert!(problem(&read_at_most(&b"abc"[..], 4, 3).unwrap_err()).starts_with("is 0.1 MB, more than"));
    }

    #[test]
    fn sizes_are_rounded_up_so_a_file_over_the_cap_never_reads_as_the_cap() {
        assert_eq!(mb(32 * MB), "32 MB");
        assert_eq!(mb(32 * MB + 1), "32.1 MB");
        assert_eq!(mb(100 * MB), "100 MB");
        assert_eq!(mb(u64::MAX), "17592186044416 MB");
    }
}
