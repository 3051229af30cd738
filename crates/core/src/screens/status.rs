//! The screens about the bot itself: the welcome of `/start`, and what `/stats` reports.

use digestbot_search::library::Library;

use crate::admin::text as admin_text;
use crate::reply::{Response, plain};
use crate::stats::{self, Snapshot};
use crate::text as msg;

/// The version and commit of the running binary, as `/stats` shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Build {
    pub version: &'static str,
    pub commit: &'static str,
}

impl Default for Build {
    fn default() -> Self {
        Build { version: env!("CARGO_PKG_VERSION"), commit: "unknown" }
    }
}

/// `/start` without a payload: what the corpus holds.
pub fn welcome(library: &Library) -> Response {
    let corpus = &library.corpus;
    let speeches = corpus.digests.iter().map(|d| d.speeches.len()).sum();
    Response::text(plain(&msg::welcome(corpus.digests.len(), speeches, corpus.passage_count())))
}

/// `/stats`: the corpus, the index, the process, and (where there are daily sections) the
/// subscriptions active and stopped and the deliveries finished today.
pub fn stats(library: &Library, snapshot: &Snapshot, daily: Option<(u64, u64, u64)>, build: Build) -> Response {
    let corpus = &library.corpus;
    let speeches = corpus.digests.iter().map(|d| d.speeches.len()).sum();
    let text = admin_text::stats(&admin_text::StatsView {
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
        version: build.version,
        commit: build.commit,
    });
    Response::text(plain(&text))
}
