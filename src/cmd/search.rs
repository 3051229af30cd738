//! `digestbot search`: hits as text for people or JSON for tools.

use serde::Serialize;

use crate::app::reply::Rich;
use crate::library::Library;
use crate::messages;
use crate::plain::{Emphasis, render};
use crate::search::Results;

pub fn render_text(library: &Library, query: &str, results: &Results, emphasis: Emphasis) -> String {
    use std::fmt::Write;
    if results.total == 0 {
        return messages::no_results(query);
    }
    let mut out = messages::total(results.total);
    for (n, hit) in results.hits.iter().enumerate() {
        let at = hit.loc.resolve(&library.corpus);
        let id = at.map_or("", |at| at.passage.id.as_str());
        let source = at.map(|at| messages::source(&at)).unwrap_or_default();
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
