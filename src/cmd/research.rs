//! `digestbot verify` and `digestbot trend`: the research tools for scripts and terminals, as
//! text or as the JSON the README documents.

use std::path::{Path, PathBuf};

use serde::Serialize;

use digestbot_core::research::text as words;
use digestbot_core::research::trend::chart;
use digestbot_search::library::Library;
use digestbot_search::trend::split_terms;
use digestbot_search::verify::Verification;

use super::search::load;
use crate::config::Config;
use crate::exit::Failure;
use crate::plain::{Emphasis, render};
use crate::text as msg;

#[derive(Serialize)]
struct JsonVerification<'a> {
    query: &'a str,
    verdict: &'static str,
    matches: Vec<JsonMatch<'a>>,
}

#[derive(Serialize)]
struct JsonMatch<'a> {
    passage_id: &'a str,
    digest: &'a str,
    speech: &'a str,
    speaker: Option<&'a str>,
    date: Option<&'a str>,
    similarity: f64,
    text: &'a str,
    added: &'a str,
    missing: &'a str,
}

/// `{"query","verdict","matches":[{"passage_id","digest","speech","speaker","date","similarity","text","added","missing"}]}`
pub fn verification_json(library: &Library, query: &str, found: &Verification) -> String {
    let matches = found
        .matches
        .iter()
        .filter_map(|m| {
            let at = m.locs[0].resolve(&library.corpus)?;
            Some(JsonMatch {
                passage_id: &at.passage.id,
                digest: &at.digest.title,
                speech: &at.speech.title,
                speaker: at.speech.speaker_name(),
                date: at.digest.date.as_deref(),
                similarity: (m.similarity * 1000.0).round() / 1000.0,
                text: &m.text,
                added: &m.added,
                missing: &m.missing,
            })
        })
        .collect();
    let json = JsonVerification { query, verdict: found.verdict().name(), matches };
    serde_json::to_string(&json).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// An input refused, as text or as `{"query","error"}`.
fn refused(query: &str, message: String, json: bool) -> Failure {
    if json {
        println!("{}", super::search::render_json_error(query, &message));
        Failure::ReportedUsage
    } else {
        Failure::Usage(message)
    }
}

pub fn verify(config: &Config, dir: Option<PathBuf>, query: &str, json: bool) -> Result<(), Failure> {
    let library = load(config, dir)?;
    let found = library.verify(query).map_err(|e| refused(query, words::verify_error(&e), json))?;
    if json {
        println!("{}", verification_json(&library, query, &found));
    } else {
        println!("{}", render(&digestbot_core::research::verify::render(&library, &found), Emphasis::for_stdout()));
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonTrend<'a> {
    query: &'a str,
    by: &'static str,
    series: Vec<JsonSeries<'a>>,
}

#[derive(Serialize)]
struct JsonSeries<'a> {
    term: &'a str,
    points: Vec<JsonPoint<'a>>,
    undated: u64,
    first: Option<JsonAppearance<'a>>,
    last: Option<JsonAppearance<'a>>,
}

#[derive(Serialize)]
struct JsonPoint<'a> {
    period: &'a str,
    count: u64,
}

#[derive(Serialize)]
struct JsonAppearance<'a> {
    passage_id: &'a str,
    date: &'a str,
}

/// `{"query","by","series":[{"term","points":[{"period","count"}],"undated","first","last"}]}`
pub fn trend_json(library: &Library, query: &str, found: &digestbot_search::Trend) -> String {
    let appearance = |a: &'_ Option<digestbot_search::trend::Appearance>| {
        a.as_ref().and_then(|a| {
            let at = a.loc.resolve(&library.corpus)?;
            Some((at.passage.id.clone(), a.date.clone()))
        })
    };
    type Seen = Option<(String, String)>;
    let owned: Vec<(Seen, Seen)> = found.terms.iter().map(|t| (appearance(&t.first), appearance(&t.last))).collect();
    let series = found
        .terms
        .iter()
        .zip(&owned)
        .map(|(t, (first, last))| JsonSeries {
            term: &t.term,
            points: found.periods.iter().zip(&t.counts).map(|(p, &count)| JsonPoint { period: p, count }).collect(),
            undated: t.undated,
            first: first.as_ref().map(|(id, date)| JsonAppearance { passage_id: id, date }),
            last: last.as_ref().map(|(id, date)| JsonAppearance { passage_id: id, date }),
        })
        .collect();
    let json = JsonTrend { query, by: found.by.name(), series };
    serde_json::to_string(&json).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

pub fn trend(
    config: &Config,
    dir: Option<PathBuf>,
    query: &str,
    json: bool,
    png: Option<&Path>,
) -> Result<(), Failure> {
    let library = load(config, dir)?;
    let found = library.trend(query).map_err(|e| refused(query, words::trend_error(&e, &split_terms(query)), json))?;
    if let Some(path) = png {
        let bytes = digestbot_export::chart_png(&chart(&found)).map_err(|e| Failure::failed(format!("chart: {e}")))?;
        std::fs::write(path, bytes).map_err(|e| Failure::failed(format!("cannot write {}: {e}", path.display())))?;
    }
    if json {
        println!("{}", trend_json(&library, query, &found));
    } else {
        let caption = digestbot_core::research::trend::caption(&library.corpus, &found);
        println!("{}\n\n{}", render(&caption, Emphasis::for_stdout()), msg::series_text(&chart(&found)));
        if let Some(path) = png {
            println!("{}", msg::saved(path));
        }
    }
    Ok(())
}
