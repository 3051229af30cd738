//! The line prefixes that make structure explicit where inference cannot decide.

use crate::corpus::model::{Line, trim};

/// Explicit structure, for what inference cannot decide. A line may start with:
/// `# ` digest title (first line only), `## ` speech title, `@ ` speaker, `### ` section heading
/// (`###` alone: a section without heading), `> ` editor's note, `\` literal text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mark {
    Plain,
    Escaped,
    DigestTitle,
    SpeechTitle,
    Speaker,
    Section,
    Note,
}

/// A non-blank line of the text after the front matter, with its markup read.
#[derive(Debug, Clone, Copy)]
pub(super) struct SourceLine<'a> {
    pub no: u32,
    pub mark: Mark,
    /// The line minus its markup prefix, as published.
    pub content: &'a str,
    /// `content` trimmed, what classification looks at.
    pub trimmed: &'a str,
}

impl SourceLine<'_> {
    pub fn line(&self) -> Line {
        Line { no: self.no, text: self.content.to_string() }
    }

    /// Inference only looks at lines the editor did not mark.
    pub fn plain(&self) -> bool {
        self.mark == Mark::Plain
    }
}

/// The non-blank lines of `lines`, each with its markup read.
pub(super) fn source_lines<'a>(lines: &[(u32, &'a str)]) -> Vec<SourceLine<'a>> {
    lines
        .iter()
        .filter(|(_, raw)| !trim(raw).is_empty())
        .enumerate()
        .map(|(i, &(no, raw))| {
            let (mut mark, mut content) = split_markup(raw);
            if mark == Mark::DigestTitle && i > 0 {
                // `# ` only marks the first line; elsewhere it is text.
                (mark, content) = (Mark::Plain, raw);
            }
            SourceLine { no, mark, content, trimmed: trim(content) }
        })
        .collect()
}

/// A prefix other than `\` counts only when a space and some text follow, so that `#1` or `>_<` stay
/// text.
fn split_markup(raw: &str) -> (Mark, &str) {
    if let Some(rest) = raw.strip_prefix('\\') {
        return (Mark::Escaped, rest);
    }
    if trim(raw) == "###" {
        return (Mark::Section, "");
    }
    for (prefix, mark) in [
        ("###", Mark::Section),
        ("##", Mark::SpeechTitle),
        ("#", Mark::DigestTitle),
        ("@", Mark::Speaker),
        (">", Mark::Note),
    ] {
        if let Some(rest) = raw.strip_prefix(prefix)
            && let Some(content) = rest.strip_prefix([' ', '\u{3000}'])
            && !trim(content).is_empty()
        {
            return (mark, content);
        }
    }
    (Mark::Plain, raw)
}
