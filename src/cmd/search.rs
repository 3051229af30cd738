//! `digestbot search`: hits as text for people or JSON for tools.

use serde::Serialize;

use std::path::PathBuf;
use std::sync::Arc;

use digestbot_core::reply::Rich;
use digestbot_core::text as msg;
use digestbot_search::library::{Library, LibraryError, SearchError};
use digestbot_search::{Analyzer, Results};

use crate::config::Config;
use crate::exit::Failure;
use crate::plain::{Emphasis, render};
use digestbot_core::research::rows::{MAX_ROWS, hits_sheet};

pub fn render_text(library: &Library, query: &str, results: &Results, emphasis: Emphasis) -> String {
    use std::fmt::Write;
    if results.total == 0 {
        return msg::no_results(query);
    }
    let mut out = msg::total(results.total);
    for (n, hit) in results.hits.iter().enumerate() {
        let at = hit.loc.resolve(&library.corpus);
        let id = at.map_or("", |at| at.passage.id.as_str());
        let source = at.map(|at| msg::source(&at)).unwrap_or_default();
        let snippet = render(Rich::new().snippet(&hit.snippet), emphasis);
        let _ = write!(out, "\n\n{}. {snippet}\n   {source}\n   {id}", n + 1);
    }
    out
}

#[derive(Serialize)]
struct JsonResults<'a> {
    query: &'a str,
    total: usize,
    hits: Vec<JsonHit<'a>>,
}

#[derive(Serialize)]
struct JsonHit<'a> {
    passage_id: &'a str,
    digest: &'a str,
    date: Option<&'a str>,
    speech: &'a str,
    speaker: Option<&'a str>,
    section: Option<&'a str>,
    text: &'a str,
    snippet: &'a str,
    /// Byte ranges of `snippet` that match.
    highlights: &'a [(usize, usize)],
    score: f32,
}

/// `{"query","total","hits":[{"passage_id","digest","speech","speaker","section","text","snippet"}]}`
pub fn render_json(library: &Library, query: &str, results: &Results) -> String {
    let hits = results
        .hits
        .iter()
        .filter_map(|hit| {
            let at = hit.loc.resolve(&library.corpus)?;
            let (d, s, c, p) = (at.digest, at.speech, at.section, at.passage);
            Some(JsonHit {
                passage_id: &p.id,
                digest: &d.title,
                date: d.date.as_deref(),
                speech: &s.title,
                speaker: s.speaker_name(),
                section: c.heading.as_deref(),
                text: p.text(),
                snippet: &hit.snippet.text,
                highlights: &hit.snippet.highlights,
                score: hit.score,
            })
        })
        .collect();
    let json = JsonResults { query, total: results.total, hits };
    serde_json::to_string(&json).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// A query that cannot be searched, as JSON: `{"query","error"}`.
pub fn render_json_error(query: &str, message: &str) -> String {
    serde_json::json!({ "query": query, "error": message }).to_string()
}

/// The library of the corpus in `dir` (the configured one by default), its problems logged.
pub fn load(config: &Config, dir: Option<PathBuf>) -> Result<Library, Failure> {
    let dir = dir.unwrap_or_else(|| config.corpus_dir.clone());
    let options = config.load_options();
    let library = match Library::load_with(&dir, options, Arc::new(Analyzer::new())) {
        Ok(library) => library,
        Err(LibraryError::Corpus(e)) => return Err(Failure::failed(e)),
        Err(LibraryError::Index(e)) => {
            tracing::error!("{e}");
            return Err(Failure::Failed(msg::SEARCH_FAILED.to_string()));
        }
    };
    for problem in &library.corpus.problems {
        tracing::warn!("{problem}");
    }
    Ok(library)
}

/// How `search` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Text,
    Json,
    /// Every hit up to the export cap, as CSV for Excel (UTF-8 with a BOM).
    Csv,
}

/// Prints the hits for `query` in the corpus in `dir` (the configured one by default).
pub fn run(config: &Config, dir: Option<PathBuf>, query: &str, limit: usize, output: Output) -> Result<(), Failure> {
    let library = load(config, dir)?;
    let json = output == Output::Json;
    if output == Output::Csv {
        return csv(&library, query);
    }
    match library.search(query, 0, limit) {
        Ok(results) => {
            if json {
                println!("{}", render_json(&library, query, &results));
            } else {
                println!("{}", render_text(&library, query, &results, Emphasis::for_stdout()));
            }
            Ok(())
        }
        Err(SearchError::Query(e)) => {
            let message = msg::query_error(&e);
            if json {
                println!("{}", render_json_error(query, &message));
                Err(Failure::ReportedUsage)
            } else {
                Err(Failure::Usage(message))
            }
        }
        Err(SearchError::Index(e)) => {
            tracing::error!("{e}");
            Err(Failure::Failed(msg::SEARCH_FAILED.to_string()))
        }
    }
}

/// Every hit, best first, up to the export cap, as CSV on stdout; a cut is said on stderr.
fn csv(library: &Library, query: &str) -> Result<(), Failure> {
    use std::io::Write;
    let parsed = digestbot_search::parse_query(&library.index.analyzer().normalizer, query)
        .map_err(|e| Failure::Usage(msg::query_error(&e)))?;
    let results = library.index.search(&parsed, 0, MAX_ROWS).map_err(|e| {
        tracing::error!("{e}");
        Failure::Failed(msg::SEARCH_FAILED.to_string())
    })?;
    let sheet = hits_sheet(&library.corpus, results.hits.iter().map(|hit| hit.loc));
    if results.total > sheet.rows.len() {
        eprintln!("{}", crate::text::csv_capped(results.total, sheet.rows.len()));
    }
    let bytes = digestbot_export::csv(&sheet, None);
    std::io::stdout().lock().write_all(&bytes).map_err(|e| Failure::failed(format!("cannot write: {e}")))
}
