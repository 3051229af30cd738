//! Parsing one digest file into the model.
//!
//! Structure is inferred from the layout the genre is published in (see the README); where that
//! cannot decide, a few line prefixes make it explicit. Every non-blank line ends up in exactly one
//! place of the model, text unchanged, and nothing here panics on any input.

mod digest;
mod draft;
mod front_matter;
mod furniture;
mod layout;
mod markup;
mod openings;
mod sections;
mod speeches;

use super::decode::decode;
use super::model::{Digest, Problem, Severity, trim};

/// Longer lines are not paragraphs: the file is most likely not a digest.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// What parsing one file produced: the digest (unless the file could not be read as text at all)
/// and the problems found on the way.
pub struct Parsed {
    pub digest: Option<Digest>,
    pub problems: Vec<Problem>,
}

/// The problems found in one file, in the order they were found.
struct ProblemLog<'a> {
    file: &'a str,
    problems: Vec<Problem>,
}

impl ProblemLog<'_> {
    fn add(&mut self, line: u32, severity: Severity, message: impl Into<String>) {
        self.problems.push(Problem { file: self.file.to_string(), line, severity, message: message.into() });
    }
}

/// Parses one file. `file` is its path relative to the corpus directory; `id` the digest id the
/// loader chose for it.
pub fn parse(file: &str, id: &str, bytes: &[u8]) -> Parsed {
    let mut log = ProblemLog { file, problems: Vec::new() };
    let digest = parse_in(&mut log, id, bytes);
    Parsed { digest, problems: log.problems }
}

fn parse_in(log: &mut ProblemLog<'_>, id: &str, bytes: &[u8]) -> Option<Digest> {
    let decoded = match decode(bytes) {
        Ok(decoded) => decoded,
        Err(e) => {
            log.add(e.line, Severity::Error, e.message);
            return None;
        }
    };
    if let Some((line, count)) = decoded.replaced {
        log.add(
            line,
            Severity::Error,
            format!("invalid UTF-8 ({count} place(s) in the file, the first on this line); shown as � until the file is fixed"),
        );
    }
    let text: &str = &decoded.text;
    if trim(text).is_empty() {
        log.add(0, Severity::Error, "is empty");
        return None;
    }
    let lines = numbered_lines(log, text)?;
    let (front_matter, body_start) = front_matter::read(log, &lines)?;
    let source = markup::source_lines(&lines[body_start..]);
    if source.is_empty() {
        log.add(0, Severity::Error, "has front matter but no text");
        return None;
    }
    Some(digest::build(log, id, decoded.encoding, front_matter, &source))
}

/// The file's lines with their 1-based numbers, line terminators dropped; None (with the problem
/// logged) when a line is too long to be a paragraph.
fn numbered_lines<'a>(log: &mut ProblemLog<'_>, text: &'a str) -> Option<Vec<(u32, &'a str)>> {
    let mut lines = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.len() > MAX_LINE_BYTES {
            log.add(
                no,
                Severity::Error,
                format!(
                    "line is {} bytes long, more than a paragraph can be ({MAX_LINE_BYTES}); file not loaded",
                    raw.len()
                ),
            );
            return None;
        }
        lines.push((no, raw));
    }
    Some(lines)
}
