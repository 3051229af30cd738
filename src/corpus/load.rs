//! Loading a corpus directory: every `.txt` file below it, in path order.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::model::{Corpus, Problem, Severity};
use super::parse::parse;

/// Longest digest id: leaves room for `_p` and a 7-digit line number within 32 characters.
pub const MAX_DIGEST_ID: usize = 22;

/// Loads every `.txt` file below `dir` (hidden files and folders skipped). A file that cannot be
/// read or parsed becomes a problem; the rest of the corpus still loads.
pub fn load_dir(dir: &Path) -> Corpus {
    let mut corpus = Corpus::default();
    let mut files = Vec::new();
    if let Err(e) = collect(dir, dir, &mut files) {
        corpus.problems.push(Problem {
            file: dir.display().to_string(),
            line: 0,
            severity: Severity::Error,
            message: format!("cannot read the corpus directory: {e}"),
        });
        return corpus;
    }
    files.sort();
    let mut ids = HashSet::new();
    for (relative, path) in files {
        let id = digest_id(&relative, &mut ids);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let parsed = parse(&relative, &id, &bytes);
                corpus.digests.extend(parsed.digest);
                corpus.problems.extend(parsed.problems);
            }
            Err(e) => corpus.problems.push(Problem {
                file: relative,
                line: 0,
                severity: Severity::Error,
                message: format!("cannot be read: {e}"),
            }),
        }
    }
    if corpus.digests.is_empty() && corpus.problems.is_empty() {
        corpus.problems.push(Problem {
            file: dir.display().to_string(),
            line: 0,
            severity: Severity::Warning,
            message: "has no .txt files: the corpus is empty".into(),
        });
    }
    corpus
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() || (path.is_dir()) {
            collect(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")) {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let relative = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            out.push((relative, path));
        }
    }
    Ok(())
}

/// A digest's id is its file name when that is short and safe for deep links (`xwlb-20220924`),
/// else a hash of its path; either way the same on every load while the file keeps its name.
pub fn digest_id(relative: &str, taken: &mut HashSet<String>) -> String {
    let stem = relative.rsplit('/').next().unwrap_or(relative);
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    // A name like `a_p4` would read as passage 4 of digest `a`.
    let looks_like_element = stem.rsplit_once('_').is_some_and(|(_, rest)| {
        rest.len() > 1 && rest.starts_with(['s', 'c', 'p']) && rest[1..].bytes().all(|b| b.is_ascii_digit())
    });
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

/// FNV-1a: tiny, and stable across Rust versions, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
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
    }
}
