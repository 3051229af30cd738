//! Sorting the lines after the digest title into the editor's note, the trailer and the speeches.

use super::markup::{Mark, SourceLine};
use super::openings::{plain_at, report_opening, speech_opening};
use crate::corpus::classify::{self, Trailer};
use crate::corpus::model::{Digest, Line};

/// A speech while its lines are being collected.
#[derive(Default)]
pub(super) struct Draft<'a> {
    pub title_line: Option<Line>,
    pub occasion: Option<Line>,
    pub speaker: Option<Line>,
    pub body: Vec<SourceLine<'a>>,
    pub first_line: u32,
}

/// Collects the speeches from `lines`, which start with the digest's title line when `digest` has
/// one; the editor's note and the trailer lines go to `digest` on the way.
pub(super) fn collect<'a>(digest: &mut Digest, lines: &[SourceLine<'a>]) -> Vec<Draft<'a>> {
    let mut collector = Collector {
        lines,
        explicit: lines.iter().any(|line| matches!(line.mark, Mark::SpeechTitle | Mark::Speaker)),
        next: usize::from(digest.title_line.is_some()),
        in_note: false,
        drafts: Vec::new(),
    };
    collector.open_note(digest);
    collector.into_drafts(digest)
}

/// Walks the lines after the digest title, putting each in the editor's note, the trailer or a speech.
struct Collector<'s, 'a> {
    lines: &'s [SourceLine<'a>],
    /// The editor marked speeches with `## ` or `@ `: then unmarked lines open none.
    explicit: bool,
    /// Index of the next line to place.
    next: usize,
    /// Unmarked text goes to the editor's note until the first speech starts.
    in_note: bool,
    drafts: Vec<Draft<'a>>,
}

impl<'a> Collector<'_, 'a> {
    /// An editor's note right under the title opens with a label line (`编者按`), or with a line
    /// that starts with one (`编者按：…`).
    fn open_note(&mut self, digest: &mut Digest) {
        let i = self.next;
        if plain_at(self.lines, i).is_some_and(classify::is_note_label) {
            digest.note_label = Some(self.lines[i].line());
        } else if plain_at(self.lines, i).is_some_and(classify::is_inline_note) {
            digest.note.push(self.lines[i].line());
        } else {
            // Without a label, lines between the title and the first speech are the editor's note
            // too, provided a speech does start later on and the text under the title does not
            // open a single-speech report.
            let first_speech = (i..self.lines.len()).find(|&k| self.speech_starts_at(k));
            self.in_note = first_speech.is_some_and(|first| first > i)
                && (self.explicit || report_opening(self.lines, i).is_none());
            return;
        }
        self.in_note = true;
        self.next += 1;
    }

    fn speech_starts_at(&self, i: usize) -> bool {
        if self.explicit {
            matches!(self.lines[i].mark, Mark::SpeechTitle | Mark::Speaker)
        } else {
            speech_opening(self.lines, i).is_some()
        }
    }

    fn into_drafts(mut self, digest: &mut Digest) -> Vec<Draft<'a>> {
        while let Some(&line) = self.lines.get(self.next) {
            if line.mark == Mark::Note {
                digest.note.push(line.line());
                self.next += 1;
            } else if line.plain()
                && let Some(trailer) = classify::trailer(line.trimmed)
            {
                take_trailer(digest, line, trailer);
                self.next += 1;
            } else if line.mark == Mark::Speaker
                && let Some(last) = self.drafts.last_mut().filter(|last| last.speaker.is_none() && last.body.is_empty())
            {
                // The speech just opened has neither a speaker nor text yet: this is its speaker, not a
                // new speech.
                last.speaker = Some(line.line());
                self.next += 1;
            } else if let Some(draft) = self.opening(line) {
                self.in_note = false;
                self.drafts.push(draft);
            } else {
                self.text(digest, line);
            }
        }
        self.drafts
    }

    /// The speech that starts at `first`, the next line, if one does; the collector then goes on
    /// after its opening lines.
    fn opening(&mut self, first: SourceLine<'a>) -> Option<Draft<'a>> {
        match first.mark {
            Mark::SpeechTitle => Some(self.marked_opening(first)),
            Mark::Speaker => {
                self.next += 1;
                Some(Draft { speaker: Some(first.line()), first_line: first.no, ..Draft::default() })
            }
            _ if self.explicit => None,
            _ => self.inferred_opening(first),
        }
    }

    /// A marked title may still be followed by unmarked occasion and speaker lines.
    fn marked_opening(&mut self, title: SourceLine<'a>) -> Draft<'a> {
        let mut draft = Draft { title_line: Some(title.line()), first_line: title.no, ..Draft::default() };
        self.next += 1;
        if plain_at(self.lines, self.next).is_some_and(classify::is_occasion) {
            draft.occasion = Some(self.lines[self.next].line());
            self.next += 1;
        }
        if self
            .lines
            .get(self.next)
            .is_some_and(|line| line.mark == Mark::Speaker || (line.plain() && classify::is_speaker(line.trimmed)))
        {
            draft.speaker = Some(self.lines[self.next].line());
            self.next += 1;
        }
        draft
    }

    fn inferred_opening(&mut self, first: SourceLine<'a>) -> Option<Draft<'a>> {
        // Before any speech, an occasion or a speaker line also ends an editor's note: a
        // single-speech report may have one.
        let opening = speech_opening(self.lines, self.next)
            .or_else(|| self.drafts.is_empty().then(|| report_opening(self.lines, self.next)).flatten())?;
        let mut opening_lines = self.lines[self.next..].iter().map(SourceLine::line);
        let mut take = |present: bool| if present { opening_lines.next() } else { None };
        let title_line = take(opening.title);
        let occasion = take(opening.occasion);
        let speaker = take(opening.speaker);
        self.next += opening.len();
        Some(Draft { title_line, occasion, speaker, body: Vec::new(), first_line: first.no })
    }

    /// A line that opens no speech: text of the editor's note, or of the current speech.
    fn text(&mut self, digest: &mut Digest, line: SourceLine<'a>) {
        let i = self.next;
        self.next += 1;
        if self.in_note && line.mark != Mark::Section {
            digest.note.push(line.line());
            return;
        }
        if self.drafts.is_empty() {
            // Text with no speech to belong to: a speech whose speaker line is missing. A line
            // shaped like a title, with text under it, is its title.
            let titled = line.plain()
                && classify::is_title(line.trimmed)
                && plain_at(self.lines, i + 1).is_some_and(|next| !classify::is_title(next));
            self.drafts.push(Draft {
                title_line: titled.then(|| line.line()),
                first_line: line.no,
                ..Draft::default()
            });
            if titled {
                return;
            }
        }
        if let Some(last) = self.drafts.last_mut() {
            last.body.push(line);
        }
    }
}

/// A trailer line fills in the digest's editor or source, unless the front matter or an earlier
/// trailer line already has.
fn take_trailer(digest: &mut Digest, line: SourceLine<'_>, trailer: Trailer<'_>) {
    match trailer {
        Trailer::Editor(name) if digest.editor.is_none() => digest.editor = Some(name.to_string()),
        Trailer::Source(source) if digest.source.is_none() => digest.source = Some(source.to_string()),
        _ => {}
    }
    digest.trailer.push(line.line());
}
