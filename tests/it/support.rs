//! Shared helpers: fixture paths, parsing a file, and a readable outline to compare.

use std::fmt::Write;
use std::path::Path;

use digestbot_corpus::{self as corpus, Digest, Problem};

pub use digestbot_testkit::fixtures::{
    analyzer, bench_corpus, bench_library, fixture, fixture_corpus, fixture_library, root,
};

pub fn parse_bytes(name: &str, bytes: &[u8]) -> (Option<Digest>, Vec<Problem>) {
    let parsed = corpus::parse(name, "t", bytes);
    (parsed.digest, parsed.problems)
}

pub fn parse_path(path: &Path) -> (Option<Digest>, Vec<Problem>) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    parse_bytes(&name, &std::fs::read(path).unwrap())
}

/// The digest's structure, one line per element, for comparing with `.outline` fixtures.
pub fn outline(digest: &Digest, problems: &[Problem]) -> String {
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut out = format!(
        "digest 《{}》 date={} source={} editor={}\n",
        digest.title,
        or_dash(&digest.date),
        or_dash(&digest.source),
        or_dash(&digest.editor)
    );
    for s in &digest.speeches {
        let occasion = s.occasion.as_deref().map(|o| format!(" ({o})")).unwrap_or_default();
        let _ = writeln!(out, "speech 《{}》 @ {}{occasion}", s.title, s.speaker_name().unwrap_or("-"));
        for c in &s.sections {
            let _ = writeln!(out, "  section {} : {}", c.heading.as_deref().unwrap_or("-"), c.passages.len());
        }
    }
    for p in problems {
        let severity = format!("{:?}", p.severity).to_lowercase();
        let _ = writeln!(out, "{severity} {}: {}", p.line, p.message);
    }
    out
}

/// Asserts equality of two multi-line texts, showing the first differing line.
pub fn assert_same_text(actual: &str, expected: &str, what: &str) {
    if actual == expected {
        return;
    }
    let (a, e): (Vec<_>, Vec<_>) = (actual.lines().collect(), expected.lines().collect());
    let at = a.iter().zip(&e).position(|(x, y)| x != y).unwrap_or(a.len().min(e.len()));
    panic!(
        "{what} differs at line {}:\n  expected: {}\n  actual:   {}\n--- whole actual ---\n{actual}",
        at + 1,
        e.get(at).unwrap_or(&"<end>"),
        a.get(at).unwrap_or(&"<end>"),
    );
}

/// Parses every `.txt` fixture in `dir` and compares `render`'s outline of it with the `.outline`
/// file beside it; at least `at_least` fixtures must be there.
pub fn assert_outlines(dir: &Path, render: impl Fn(&Digest, &[Problem]) -> String, at_least: usize) {
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let (digest, problems) = parse_path(&path);
        let expected = std::fs::read_to_string(path.with_extension("outline")).unwrap();
        assert_same_text(&render(&digest.unwrap(), &problems), &expected, &path.display().to_string());
        checked += 1;
    }
    assert!(checked >= at_least, "only {checked} fixtures found in {}", dir.display());
}

/// The id of the fixture corpus's first passage that starts with `start`. Tests name elements by
/// what they say, so that they read as what they check and survive a change of the id scheme.
pub fn passage_id(start: &str) -> String {
    let corpus = &fixture_library().corpus;
    let mut passages =
        corpus.digests.iter().flat_map(|d| &d.speeches).flat_map(|s| &s.sections).flat_map(|c| &c.passages);
    passages
        .find(|p| p.text().starts_with(start))
        .unwrap_or_else(|| panic!("no passage starts with {start}"))
        .id
        .clone()
}

/// The id of the fixture corpus's first section whose heading starts with `start`.
pub fn section_id(start: &str) -> String {
    let corpus = &fixture_library().corpus;
    let mut sections = corpus.digests.iter().flat_map(|d| &d.speeches).flat_map(|s| &s.sections);
    let found = sections.find(|c| c.heading.as_deref().is_some_and(|h| h.starts_with(start)));
    found.unwrap_or_else(|| panic!("no section heading starts with {start}")).id.clone()
}

/// The id of the fixture corpus's first speech whose title starts with `start`.
pub fn speech_id(start: &str) -> String {
    let corpus = &fixture_library().corpus;
    let mut speeches = corpus.digests.iter().flat_map(|d| &d.speeches);
    speeches
        .find(|s| s.title.starts_with(start))
        .unwrap_or_else(|| panic!("no speech title starts with {start}"))
        .id
        .clone()
}

/// A FIFO at `path`, which nobody will ever write.
pub fn fifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: mkfifo(3) with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
}
