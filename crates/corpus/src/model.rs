//! The corpus model: what a digest is, independent of how it was written down.
//!
//! Every element that came from a line of a file keeps that line's number and its text exactly as
//! published (only the line terminator and a UTF-8 BOM are dropped), so that nothing an editor wrote
//! is lost and every problem can point at `file:line`.

use serde::Serialize;

/// One line of a source file as it was published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// 1-based line number in the file, front matter included.
    pub no: u32,
    /// The line's text exactly as published, minus any markup prefix.
    pub text: String,
}

impl Line {
    /// The text without surrounding white space (ASCII or ideographic), for display.
    pub fn display(&self) -> &str {
        trim(&self.text)
    }
}

/// Trims ASCII and ideographic white space, which indents paragraphs in published Chinese text.
pub fn trim(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub digests: Vec<Digest>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone)]
pub struct Digest {
    /// Stable id: `[A-Za-z0-9_-]`, at most 22 characters, derived from the file name.
    pub id: String,
    /// Path of the source file relative to the corpus directory, with `/` separators.
    pub file: String,
    /// `utf-8`, `utf-16le`, `utf-16be` or `gb18030`.
    pub encoding: &'static str,
    /// Display title: the front matter's `title`, else the title line.
    pub title: String,
    pub title_line: Option<Line>,
    /// The second line of a headline printed on two.
    pub title_more: Option<Line>,
    /// Lines a page prints above its headline: column tags, a lead-in ending in a dash.
    pub kicker: Vec<Line>,
    /// The event a multi-speaker digest's subtitle names (`——…研讨会发言摘编`), as shown.
    pub occasion: Option<String>,
    pub occasion_lines: Vec<Line>,
    /// `2024-03-05`; `2019` for a document whose title gives only its year.
    pub date: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub editor: Option<String>,
    /// The `编者按` label line, when the note has one of its own.
    pub note_label: Option<Line>,
    pub note: Vec<Line>,
    /// Web-page furniture before the text: download, print and font-size buttons, breadcrumbs,
    /// `时间：…` lines, share prompts, a title printed twice, a photo's caption. Never searched or shown.
    pub preamble: Vec<Line>,
    /// Editor, source and byline lines (`[ 编辑:… ]`, `来源：…`, `（记者 …）`, `---…`) wherever they
    /// are, and web-page furniture after the text (`相关链接>>`, `打印本页`, copyright notices).
    pub trailer: Vec<Line>,
    pub speeches: Vec<Speech>,
}

#[derive(Debug, Clone)]
pub struct Speech {
    pub id: String,
    /// Display title: the title line (two lines of a title the page broke, joined), or the
    /// digest's title for a speech without a title of its own.
    pub title: String,
    pub title_line: Option<Line>,
    /// The second line of a two-line title.
    pub title_more: Option<Line>,
    /// A tag printed above the title (`代表通道`).
    pub kicker: Vec<Line>,
    /// Who wrote it down or who the speaker is, printed under the text: `（本报记者…整理）`,
    /// `（作者为…）`.
    pub byline: Vec<Line>,
    /// The occasion as shown: `——2024年3月5日在…会议上`, without the speaker when a line says both.
    pub occasion: Option<String>,
    /// The occasion's lines under the title: one, or two when the page broke it.
    pub occasion_lines: Vec<Line>,
    /// Who spoke, as shown: `国务院总理　李强`; a name printed spaced out (`韦 韬`) is closed up.
    pub speaker: Option<String>,
    /// The speaker's lines: one, or two when the role and the name are printed apart
    /// (`国务院总理` / `李　强`); none when the occasion line names the speaker.
    pub speaker_lines: Vec<Line>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    /// None for an introduction (or for closing paragraphs an editor marked off).
    pub heading: Option<String>,
    /// The heading's own line, when the heading stands on a line by itself. For an inline heading
    /// (`一是坚持党的领导，把牢政治方向。镇党委…`) the heading is the paragraph's first clause and the
    /// paragraph stays whole as the section's first passage, so this is None.
    pub heading_line: Option<Line>,
    pub passages: Vec<Passage>,
}

#[derive(Debug, Clone)]
pub struct Passage {
    pub id: String,
    pub line: Line,
}

impl Passage {
    pub fn text(&self) -> &str {
        self.line.display()
    }
}

/// Where a passage is in a corpus: the positions of its digest, speech, section and of the
/// passage itself. Small and `Copy`, so an index can keep one per passage; ordered as the corpus is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub digest: u32,
    pub speech: u32,
    pub section: u32,
    pub passage: u32,
}

/// A passage with the digest, speech and section it is in.
#[derive(Debug, Clone, Copy)]
pub struct Located<'c> {
    pub digest: &'c Digest,
    pub speech: &'c Speech,
    pub section: &'c Section,
    pub passage: &'c Passage,
}

impl Loc {
    /// What this points at in `corpus`; None when the corpus has no such passage (it was
    /// built from another corpus).
    pub fn resolve<'c>(&self, corpus: &'c Corpus) -> Option<Located<'c>> {
        let digest = corpus.digests.get(self.digest as usize)?;
        let speech = digest.speeches.get(self.speech as usize)?;
        let section = speech.sections.get(self.section as usize)?;
        let passage = section.passages.get(self.passage as usize)?;
        Some(Located { digest, speech, section, passage })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Something an admin should fix in a corpus file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    /// 1-based line; 0 when the problem concerns the file (or directory) as a whole.
    pub line: u32,
    pub severity: Severity,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        let (file, message) = (escape_controls(&self.file), escape_controls(&self.message));
        write!(f, "{file}:{}: {severity}: {message}", self.line)
    }
}

/// `text` with its control characters escaped the way Rust's `escape_debug` does (`\n`, `\u{1b}`):
/// a file may be named anything, and a name with a newline or a terminal escape must not print as
/// a line of its own. Everything else, Chinese included, stays readable.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A character that shows nothing or turns the text around it: format characters (a bidi override
/// such as U+202E, a zero-width space, the BOM) and line or paragraph separators. A name with one
/// must not read as another.
pub fn is_invisible(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    matches!(
        c.general_category(),
        GeneralCategory::Format | GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator
    )
}

/// A control character or an invisible one: escaped when a name or a message is shown.
fn is_hidden(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// Where a line of a file ended up in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Preamble,
    Kicker,
    DigestTitle,
    DigestOccasion,
    NoteLabel,
    Note,
    Trailer,
    SpeechKicker,
    SpeechTitle,
    Occasion,
    Speaker,
    Heading,
    Passage,
    Byline,
}

impl Digest {
    /// Every line this digest holds, with the place it holds it in, in file order. This is what
    /// the lossless guarantee is stated (and tested) against.
    pub fn lines(&self) -> Vec<(Place, &Line)> {
        let mut out = Vec::new();
        out.extend(self.preamble.iter().map(|l| (Place::Preamble, l)));
        out.extend(self.kicker.iter().map(|l| (Place::Kicker, l)));
        out.extend(self.title_line.iter().chain(&self.title_more).map(|l| (Place::DigestTitle, l)));
        out.extend(self.occasion_lines.iter().map(|l| (Place::DigestOccasion, l)));
        out.extend(self.note_label.iter().map(|l| (Place::NoteLabel, l)));
        out.extend(self.note.iter().map(|l| (Place::Note, l)));
        out.extend(self.trailer.iter().map(|l| (Place::Trailer, l)));
        for speech in &self.speeches {
            out.extend(speech.kicker.iter().map(|l| (Place::SpeechKicker, l)));
            out.extend(speech.title_line.iter().chain(&speech.title_more).map(|l| (Place::SpeechTitle, l)));
            out.extend(speech.byline.iter().map(|l| (Place::Byline, l)));
            out.extend(speech.occasion_lines.iter().map(|l| (Place::Occasion, l)));
            out.extend(speech.speaker_lines.iter().map(|l| (Place::Speaker, l)));
            for section in &speech.sections {
                out.extend(section.heading_line.iter().map(|l| (Place::Heading, l)));
                out.extend(section.passages.iter().map(|p| (Place::Passage, &p.line)));
            }
        }
        out.sort_by_key(|(_, l)| l.no);
        out
    }

    pub fn passage_count(&self) -> usize {
        self.speeches.iter().map(Speech::passage_count).sum()
    }
}

impl Speech {
    pub fn speaker_name(&self) -> Option<&str> {
        self.speaker.as_deref()
    }

    pub fn passage_count(&self) -> usize {
        self.sections.iter().map(|s| s.passages.len()).sum()
    }
}

impl Corpus {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    pub fn passage_count(&self) -> usize {
        self.digests.iter().map(Digest::passage_count).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_escapes_control_characters_so_it_stays_one_line_and_keeps_chinese_readable() {
        let problem = Problem {
            file: "报告\nb.txt:1: error: x\r\u{1b}.txt".into(),
            line: 0,
            severity: Severity::Error,
            message: "is empty".into(),
        };
        assert_eq!(problem.to_string(), r"报告\nb.txt:1: error: x\r\u{1b}.txt:0: error: is empty");
        assert_eq!(escape_controls("evil\u{202e}gnp.txt"), r"evil\u{202e}gnp.txt");
        assert_eq!(escape_controls("a\u{200b}.txt"), r"a\u{200b}.txt");
    }
}
