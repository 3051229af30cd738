//! `digestbot check`: the corpus outline and its problems, as text for people or JSON for tools.

use serde::Serialize;

use std::path::PathBuf;

use digestbot_corpus::{self as corpus, Corpus, Digest, Line, Severity, escape_controls};

use crate::config::Config;
use crate::exit::Failure;

/// Prints the outline (or JSON) of the corpus in `dir` (the configured one by default); a corpus
/// with an error is a failure the output has already told.
pub fn run(config: &Config, dir: Option<PathBuf>, json: bool) -> Result<(), Failure> {
    let dir = dir.unwrap_or_else(|| config.corpus_dir.clone());
    tracing::debug!(dir = %dir.display(), "checking corpus");
    let corpus = corpus::load_dir_with(&dir, config.load_options()).map_err(Failure::failed)?;
    let out = if json { render_json(&corpus) } else { render_text(&corpus) };
    println!("{}", out.trim_end());
    if corpus.has_errors() { Err(Failure::Reported) } else { Ok(()) }
}

/// The outline as a person reads it, problems last, then a one-line summary. Each line has its
/// control characters escaped: file names and titles come from the corpus, and a newline or a
/// terminal escape in one must not make a line that looks like another file's.
pub fn render_text(corpus: &Corpus) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&escape_controls(&text));
        out.push('\n');
    };
    for d in &corpus.digests {
        line(format!("{}  《{}》  [{}]", d.file, d.title, d.id));
        let meta: Vec<String> = [("date", &d.date), ("source", &d.source), ("editor", &d.editor), ("url", &d.url)]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}: {v}")))
            .collect();
        if !meta.is_empty() {
            line(format!("  {}", meta.join("  ")));
        }
        if !d.kicker.is_empty() {
            line(format!("  kicker: {}", texts(&d.kicker).join(" | ")));
        }
        if let Some(occasion) = &d.occasion {
            line(format!("  occasion: {occasion}"));
        }
        if !d.note.is_empty() {
            line(format!("  {}", crate::text::check_note(d.note.len())));
        }
        let aside = set_aside(d);
        if !aside.is_empty() {
            line(format!(
                "  furniture: {} line(s) set aside, not text",
                aside.iter().map(|run| run.len()).sum::<usize>()
            ));
            for run in aside {
                line(format!("    {}", furniture_run(&run)));
            }
        }
        for (n, s) in d.speeches.iter().enumerate() {
            let speaker = s.speaker_name().unwrap_or("(no speaker)");
            line(format!("  {}. {} — {}  [{}]", n + 1, s.title, speaker, s.id));
            if !s.kicker.is_empty() {
                line(format!("       kicker: {}", texts(&s.kicker).join(" | ")));
            }
            if !s.byline.is_empty() {
                line(format!("       byline: {}", texts(&s.byline).join(" | ")));
            }
            for c in &s.sections {
                let heading = c.heading.as_deref().unwrap_or("(no heading)");
                line(format!("       {} · {} passage(s)", heading, c.passages.len()));
            }
        }
    }
    for p in &corpus.problems {
        line(p.to_string());
    }
    let count = |sev| corpus.problems.iter().filter(|p| p.severity == sev).count();
    let speeches: usize = corpus.digests.iter().map(|d| d.speeches.len()).sum();
    let sections: usize = corpus.digests.iter().flat_map(|d| &d.speeches).map(|s| s.sections.len()).sum();
    line(format!(
        "{} digest(s), {speeches} speech(es), {sections} section(s), {} passage(s); {} error(s), {} warning(s)",
        corpus.digests.len(),
        corpus.passage_count(),
        count(Severity::Error),
        count(Severity::Warning),
    ));
    out
}

/// The lines of a digest that are not its text (web-page furniture and bylines), in runs of
/// consecutive line numbers.
fn set_aside(d: &Digest) -> Vec<Vec<&Line>> {
    let mut lines: Vec<&Line> = d.preamble.iter().chain(&d.trailer).collect();
    lines.sort_by_key(|line| line.no);
    let mut runs: Vec<Vec<&Line>> = Vec::new();
    for line in lines {
        match runs.last_mut() {
            Some(run) if run.last().is_some_and(|last| last.no + 1 == line.no) => run.push(line),
            _ => runs.push(vec![line]),
        }
    }
    runs
}

/// `12-13  来源：北京日报 | 时间：2026-02-02`: where a run of furniture is and what it says, each
/// line cut short.
fn furniture_run(run: &[&Line]) -> String {
    let (first, last) = (run[0].no, run[run.len() - 1].no);
    let lines = if first == last { first.to_string() } else { format!("{first}-{last}") };
    let texts: Vec<String> = run.iter().map(|line| short(line.display(), 24)).collect();
    format!("{lines}  {}", texts.join(" | "))
}

fn short(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[derive(Serialize)]
struct JsonCorpus<'a> {
    digests: Vec<JsonDigest<'a>>,
    problems: &'a [digestbot_corpus::Problem],
}

#[derive(Serialize)]
struct JsonDigest<'a> {
    id: &'a str,
    file: &'a str,
    encoding: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    kicker: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    occasion: Option<&'a str>,
    date: Option<&'a str>,
    source: Option<&'a str>,
    url: Option<&'a str>,
    editor: Option<&'a str>,
    note: Vec<&'a str>,
    preamble: Vec<&'a str>,
    trailer: Vec<&'a str>,
    speeches: Vec<JsonSpeech<'a>>,
}

#[derive(Serialize)]
struct JsonSpeech<'a> {
    id: &'a str,
    title: &'a str,
    occasion: Option<&'a str>,
    speaker: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    kicker: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    byline: Vec<&'a str>,
    sections: Vec<JsonSection<'a>>,
}

#[derive(Serialize)]
struct JsonSection<'a> {
    id: &'a str,
    heading: Option<&'a str>,
    passages: Vec<JsonPassage<'a>>,
}

#[derive(Serialize)]
struct JsonPassage<'a> {
    id: &'a str,
    line: u32,
    text: &'a str,
}

fn texts(lines: &[Line]) -> Vec<&str> {
    lines.iter().map(Line::display).collect()
}

fn digest_json(d: &Digest) -> JsonDigest<'_> {
    JsonDigest {
        id: &d.id,
        file: &d.file,
        encoding: d.encoding,
        title: &d.title,
        kicker: texts(&d.kicker),
        occasion: d.occasion.as_deref(),
        date: d.date.as_deref(),
        source: d.source.as_deref(),
        url: d.url.as_deref(),
        editor: d.editor.as_deref(),
        note: texts(&d.note),
        preamble: texts(&d.preamble),
        trailer: texts(&d.trailer),
        speeches: d
            .speeches
            .iter()
            .map(|s| JsonSpeech {
                id: &s.id,
                title: &s.title,
                occasion: s.occasion.as_deref(),
                speaker: s.speaker_name(),
                kicker: texts(&s.kicker),
                byline: texts(&s.byline),
                sections: s
                    .sections
                    .iter()
                    .map(|c| JsonSection {
                        id: &c.id,
                        heading: c.heading.as_deref(),
                        passages: c
                            .passages
                            .iter()
                            .map(|p| JsonPassage { id: &p.id, line: p.line.no, text: p.text() })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// `{"digests":[…],"problems":[…]}`, the shape documented in the README.
pub fn render_json(corpus: &Corpus) -> String {
    let json = JsonCorpus { digests: corpus.digests.iter().map(digest_json).collect(), problems: &corpus.problems };
    serde_json::to_string(&json).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
