//! What a reload reads, and how it ended: the words of reloading, shared by the reload, its
//! wording and its metrics.

use std::path::PathBuf;

use digestbot_corpus::LoadOptions;
use digestbot_search::library::Diff;

/// Where the corpus is loaded from.
#[derive(Debug, Clone)]
pub struct CorpusDir {
    pub dir: PathBuf,
    pub options: LoadOptions,
}

/// How a reload ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ReloadOutcome {
    /// The new corpus serves now.
    Reloaded { diff: Diff, warnings: Vec<String>, seconds: f64 },
    /// Some file has an error: the old corpus serves on. Every problem, `file:line: message`.
    Refused { problems: Vec<String> },
    /// The corpus could not be read or indexed at all: the old corpus serves on.
    Failed(String),
    /// This app has no corpus directory to reload from.
    Unavailable,
}
