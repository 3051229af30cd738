//! The fixtures tests and benches read: the fixture corpus, the bench corpus beside the checkout,
//! and one analyzer per process (jieba's dictionary takes a third of a second to load).

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use digestbot_search::Analyzer;
use digestbot_search::library::Library;

/// The checkout's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn fixture(relative: &str) -> PathBuf {
    root().join("tests/fixtures").join(relative)
}

/// The corpus the tests count on: a copy of the seed, so editing the shipped `corpus/` never
/// breaks a test.
pub fn fixture_corpus() -> PathBuf {
    fixture("corpus")
}

/// The bench corpus beside the checkout (`DIGESTBOT_BENCH_CORPUS` elsewhere). Its absence fails
/// the test in CI and skips it elsewhere, so a newcomer's clone without it still runs the rest.
pub fn bench_corpus() -> Option<PathBuf> {
    let dir = std::env::var("DIGESTBOT_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("../shared/bench-corpus"));
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(std::env::var_os("CI").is_none(), "bench corpus {} is missing in CI", dir.display());
    eprintln!("skipped: no bench corpus at {}", dir.display());
    None
}

/// One analyzer per process.
pub fn analyzer() -> Arc<Analyzer> {
    static ANALYZER: OnceLock<Arc<Analyzer>> = OnceLock::new();
    ANALYZER.get_or_init(|| Arc::new(Analyzer::new())).clone()
}

/// The fixture corpus, indexed once per process.
pub fn fixture_library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| Library::load(&fixture_corpus(), analyzer()).unwrap())
}

/// The bench corpus, indexed once per process (None where it is absent, outside CI).
pub fn bench_library() -> Option<&'static Library> {
    static LIBRARY: OnceLock<Option<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| bench_corpus().map(|dir| Library::load(&dir, analyzer()).unwrap())).as_ref()
}
