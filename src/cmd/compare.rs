//! `digestbot compare A B`: two digests or speeches side by side, for scripts and terminals, as
//! text or as the JSON the README documents.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use digestbot_core::research::compare::{Comparer, Done, full_text};
use digestbot_search::compare::Formulation;
use digestbot_search::library::Library;

use super::search::load;
use crate::config::Config;
use crate::exit::Failure;
use crate::plain::{Emphasis, render};

#[derive(Serialize)]
struct JsonComparison<'a> {
    a: &'a str,
    b: &'a str,
    summary: JsonSummary<'a>,
    new: Vec<JsonFormulation<'a>>,
    dropped: Vec<JsonFormulation<'a>>,
    numbers: Vec<JsonNumber<'a>>,
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    unchanged: usize,
    changed: usize,
    moved: usize,
    only_a: usize,
    only_b: usize,
    sections_added: &'a [String],
    sections_removed: &'a [String],
}

#[derive(Serialize)]
struct JsonFormulation<'a> {
    phrase: &'a str,
    count: usize,
    passage_id: Option<String>,
}

#[derive(Serialize)]
struct JsonNumber<'a> {
    a: &'a str,
    b: &'a str,
    passage_a: Option<String>,
    passage_b: Option<String>,
}

/// `{"a","b","summary":{"unchanged","changed","moved","only_a","only_b","sections_added","sections_removed"},
/// "new":[{"phrase","count","passage_id"}],
/// "dropped":[…],"numbers":[{"a","b","passage_a","passage_b"}]}`
pub fn comparison_json(library: &Library, done: &Done) -> String {
    let id = |locs: &[digestbot_corpus::Loc], i: usize| {
        locs.get(i).and_then(|l| l.resolve(&library.corpus)).map(|at| at.passage.id.clone())
    };
    fn formulations<'f>(
        found: &'f [Formulation],
        locs: &[digestbot_corpus::Loc],
        id: impl Fn(&[digestbot_corpus::Loc], usize) -> Option<String>,
    ) -> Vec<JsonFormulation<'f>> {
        found
            .iter()
            .map(|f| JsonFormulation { phrase: &f.phrase, count: f.count, passage_id: id(locs, f.passage) })
            .collect()
    }
    let c = &done.comparison;
    let s = c.alignment.summary;
    let json = JsonComparison {
        a: &done.a.id,
        b: &done.b.id,
        summary: JsonSummary {
            unchanged: s.unchanged,
            changed: s.changed,
            moved: s.moved,
            only_a: s.only_a,
            only_b: s.only_b,
            sections_added: &c.alignment.sections_added,
            sections_removed: &c.alignment.sections_removed,
        },
        new: formulations(&c.new, &done.b.locs, id),
        dropped: formulations(&c.dropped, &done.a.locs, id),
        numbers: c
            .numbers
            .iter()
            .map(|n| JsonNumber {
                a: &n.a,
                b: &n.b,
                passage_a: id(&done.a.locs, n.passage_a),
                passage_b: id(&done.b.locs, n.passage_b),
            })
            .collect(),
    };
    serde_json::to_string(&json).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

pub fn run(config: &Config, dir: Option<PathBuf>, a: &str, b: &str, json: bool) -> Result<(), Failure> {
    let library = Arc::new(load(config, dir)?);
    let ids = format!("{a} {b}");
    let done = match Comparer::default().run(&library, &ids) {
        Ok(done) => done,
        Err(refusal) if json => {
            println!("{}", serde_json::json!({ "a": a, "b": b, "error": refusal.text() }));
            return Err(Failure::ReportedUsage);
        }
        Err(refusal) => return Err(Failure::Usage(refusal.text())),
    };
    if json {
        println!("{}", comparison_json(&library, &done));
    } else {
        println!("{}", render(&full_text(&library, &done), Emphasis::for_stdout()));
    }
    Ok(())
}
