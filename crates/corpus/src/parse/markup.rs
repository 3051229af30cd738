//! The line prefixes that make structure explicit where inference cannot decide.

use crate::model::{Line, trim};

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
    // The marks below are never typed: the multi-speaker layout (`layout.rs`) writes them.
    /// A kicker above the digest's headline.
    Kicker,
    /// The subtitle under the headline that names the event (`——…研讨会发言摘编`).
    DigestOccasion,
    /// A label line that opens the editor's note.
    NoteLabel,
    /// A tag printed above a speech's title.
    SpeechKicker,
    /// The second line of a speaker printed on two (`（role）` under the name).
    SpeakerMore,
    /// The second line of a two-line speech title.
    TitleMore,
    /// A paragraph that opens with its speaker (`role+name：statement…`): a speech, and its first passage.
    SpeakerParagraph,
    /// The first line of a statement whose speaker is printed under it.
    StatementStart,
    /// `——role+name` under a statement: its speaker.
    Attribution,
    /// `——role+name。…` under a statement: its speaker, and a passage of it.
    AttributionParagraph,
    /// A speech's byline (`（本报记者…整理）`, `（作者为…）`).
    Byline,
    /// A credit of the page (`版式设计：…`): the digest's trailer.
    Credit,
    /// A topic over several speakers: the heading of each one's first section.
    Topic,
    /// A news item's title in a roundup: a speech nobody gives.
    ItemTitle,
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
    /// The line as published, markup prefix included.
    pub raw: &'a str,
}

impl SourceLine<'_> {
    pub fn line(&self) -> Line {
        Line { no: self.no, text: self.content.to_string() }
    }

    /// Inference only looks at lines the editor did not mark.
    pub fn plain(&self) -> bool {
        self.mark == Mark::Plain
    }

    /// A mark that opens a speech.
    pub fn opens_speech(&self) -> bool {
        matches!(
            self.mark,
            Mark::SpeechTitle
                | Mark::Speaker
                | Mark::SpeakerParagraph
                | Mark::StatementStart
                | Mark::ItemTitle
                | Mark::SpeechKicker
                | Mark::Topic
        )
    }
}

/// The non-blank lines of `lines`, each with its markup read.
pub(super) fn source_lines<'a>(lines: &[(u32, &'a str)]) -> Vec<SourceLine<'a>> {
    let mut out: Vec<SourceLine<'a>> = lines
        .iter()
        .filter(|(_, raw)| !trim(raw).is_empty())
        .map(|&(no, raw)| {
            let (mark, content) = split_markup(raw);
            SourceLine { no, mark, content, trimmed: trim(content), raw }
        })
        .collect();
    // `# ` marks the first line, or a headline under up to three kicker lines; elsewhere it is text.
    let title = out.iter().position(|line| line.mark == Mark::DigestTitle);
    let kickers = title.filter(|&i| i <= MAX_KICKER_LINES && out[..i].iter().all(|line| line.mark == Mark::Plain));
    for (i, line) in out.iter_mut().enumerate() {
        match kickers {
            Some(title) if i < title => line.mark = Mark::Kicker,
            Some(title) if i == title => {}
            _ if line.mark == Mark::DigestTitle => {
                line.content = line.raw;
                line.trimmed = trim(line.raw);
                line.mark = Mark::Plain;
            }
            _ => {}
        }
    }
    out
}

/// How many lines a page prints above its headline at most.
const MAX_KICKER_LINES: usize = 3;

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
