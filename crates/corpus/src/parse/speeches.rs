//! Sorting the lines after the digest title into the editor's note, the trailer and the speeches.

use super::draft::Draft;
use super::markup::{Mark, SourceLine};
use super::openings::{
    Opening, occasion_len, occasion_names_speaker, plain_at, report_opening, speaker_len, speech_opening,
};
use crate::classify::{self, Trailer};
use crate::model::{Digest, Line};
use crate::people;

/// The most characters an editor's note nobody labelled may have. Real notes are a paragraph or
/// two: the longest in our fixtures is 296 characters (a labelled one); anything longer before the
/// first speech is that speech's text, whatever shape a line further on has.
const MAX_UNLABELLED_NOTE: usize = 400;

/// Collects the speeches from `lines`, which start with the digest's title line when `digest` has
/// one; the editor's note and the trailer lines go to `digest` on the way.
pub(super) fn collect<'a>(digest: &mut Digest, lines: &[SourceLine<'a>]) -> Vec<Draft<'a>> {
    let mut collector = Collector {
        lines,
        explicit: lines.iter().any(SourceLine::opens_speech),
        next: usize::from(digest.title_line.is_some()),
        in_note: false,
        report: false,
        head: None,
        kicker: Vec::new(),
        topic: None,
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
    /// The first speech opened like a report, taking the digest's title: a further speech then
    /// needs a title and a dated occasion and a speaker, or a title and a person, to open.
    report: bool,
    /// While the speech just opened has no text yet: what a page prints between its opening and
    /// its text besides the text itself (the title and occasion printed again, a photo's caption).
    head: Option<Head>,
    /// A speech kicker waiting for the speech it is printed above.
    kicker: Vec<Line>,
    /// The topic the speeches from here on are grouped under; its line until a speech takes it.
    topic: Option<(String, Option<Line>)>,
    drafts: Vec<Draft<'a>>,
}

/// What a report's opening said, to tell a copy of it or a caption from its first paragraph.
struct Head {
    /// The title and opening lines, trimmed.
    printed: Vec<String>,
    /// The speaker's personal name, when the speaker is a person.
    name: Option<String>,
}

impl Head {
    fn new(digest: &Digest, draft: &Draft<'_>) -> Head {
        let mut printed: Vec<String> = digest.title_line.iter().map(|l| l.display().to_string()).collect();
        printed.push(digest.title.clone());
        let lines = draft.title_line.iter().chain(&draft.occasion).chain(&draft.speaker);
        printed.extend(lines.map(|l| l.display().to_string()));
        let speaker = super::draft::speaker_of(draft);
        let name = speaker
            .as_deref()
            .map(classify::role_and_name)
            .filter(|(role, name)| !role.is_empty() && classify::is_name(name));
        let name = name.map(|(_, name)| name.chars().filter(|c| !c.is_whitespace()).collect());
        Head { printed, name }
    }

    /// A line that repeats the opening, or a photo's caption naming the speaker
    /// (`省长赵刚作政府工作报告`).
    fn repeats(&self, t: &str) -> bool {
        let caption = || {
            self.name.as_ref().is_some_and(|name| t.contains(name.as_str()))
                && t.chars().count() <= 60
                && classify::heading(t).is_none()
        };
        self.printed.iter().any(|p| p == t) || caption()
    }
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
            // too, provided a speech does start soon after, the text under the title does not open
            // a single-speech report, and no line of it addresses the audience: a note nobody
            // labelled is a few sentences about the speeches, never a speech's own text.
            let mut chars = 0;
            for k in i..self.lines.len() {
                if self.speech_starts_at(k) {
                    self.in_note = k > i && (self.explicit || report_opening(self.lines, i).is_none());
                    return;
                }
                let t = self.lines[k].trimmed;
                chars += t.chars().count();
                if chars > MAX_UNLABELLED_NOTE || classify::is_salutation(t) {
                    return;
                }
            }
            return;
        }
        self.in_note = true;
        self.next += 1;
    }

    fn speech_starts_at(&self, i: usize) -> bool {
        if self.explicit { self.lines[i].opens_speech() } else { speech_opening(self.lines, i, false).is_some() }
    }

    fn into_drafts(mut self, digest: &mut Digest) -> Vec<Draft<'a>> {
        while let Some(&line) = self.lines.get(self.next) {
            if self.layout_mark(digest, line) {
                self.next += 1;
            } else if line.mark == Mark::Note {
                digest.note.push(line.line());
                self.next += 1;
            } else if line.plain()
                && let Some(trailer) = classify::trailer(line.trimmed)
            {
                take_trailer(digest, line, trailer);
                self.next += 1;
            } else if line.plain() && self.head.as_ref().is_some_and(|head| head.repeats(line.trimmed)) {
                digest.preamble.push(line.line());
                self.next += 1;
            } else if line.mark == Mark::Speaker
                && let Some(last) = self.drafts.last_mut().filter(|last| !last.has_speaker() && last.body.is_empty())
            {
                // The speech just opened has neither a speaker nor text yet: this is its speaker, not a
                // new speech.
                last.speaker = vec![line.line()];
                self.next += 1;
            } else if line.mark == Mark::SpeechTitle
                && let Some(last) = self
                    .drafts
                    .last_mut()
                    .filter(|last| last.title_line.is_none() && !last.speaker.is_empty() && last.body.is_empty())
            {
                // A speaker printed over the title (`@ ` before `## `): the same speech.
                last.title_line = Some(line.line());
                self.next += 1;
            } else if let Some(draft) = self.opening(line) {
                self.in_note = false;
                self.head = self.report.then(|| Head::new(digest, &draft));
                self.start(draft);
            } else {
                self.text(digest, line);
            }
        }
        self.drafts
    }

    /// A new speech, under the kicker and the topic printed above it.
    fn start(&mut self, mut draft: Draft<'a>) {
        draft.kicker = std::mem::take(&mut self.kicker);
        if let Some((topic, line)) = &mut self.topic {
            draft.topic = Some((topic.clone(), line.take()));
        }
        self.in_note = false;
        self.drafts.push(draft);
    }

    /// The last speech, while it has no text yet and `fits` it.
    fn open_draft(&mut self, fits: impl Fn(&Draft<'a>) -> bool) -> Option<&mut Draft<'a>> {
        self.drafts.last_mut().filter(|last| last.body.is_empty() && fits(last))
    }

    /// Places a line the multi-speaker layout marked; false for every other line.
    fn layout_mark(&mut self, digest: &mut Digest, line: SourceLine<'a>) -> bool {
        let text = || line.line();
        match line.mark {
            Mark::DigestOccasion => digest.occasion_lines.push(text()),
            Mark::NoteLabel if digest.note_label.is_none() && digest.note.is_empty() => {
                digest.note_label = Some(text())
            }
            Mark::NoteLabel => digest.note.push(text()),
            Mark::SpeechKicker => self.kicker.push(text()),
            Mark::SpeakerMore => match self.drafts.last_mut().filter(|last| !last.speaker.is_empty()) {
                Some(last) => last.speaker.push(text()),
                None => return false,
            },
            Mark::Credit => digest.trailer.push(text()),
            Mark::Topic => self.topic = Some((line.trimmed.to_string(), Some(text()))),
            Mark::TitleMore if self.drafts.is_empty() && digest.title_more.is_none() => {
                digest.title_more = Some(text())
            }
            Mark::TitleMore => match self.open_draft(|last| last.title_line.is_some() && last.title_more.is_none()) {
                Some(last) => last.title_more = Some(text()),
                None => return false,
            },
            Mark::ItemTitle => {
                self.start(Draft { title_line: Some(text()), nobody: true, first_line: line.no, ..Draft::default() })
            }
            Mark::SpeakerParagraph => {
                let speaker = people::colon_speaker(line.trimmed).map(|(speaker, _)| speaker.to_string());
                match self.open_draft(|last| !last.has_speaker()) {
                    Some(last) => {
                        last.speaker_text = speaker;
                        last.body.push(line);
                    }
                    None => self.start(Draft {
                        speaker_text: speaker,
                        body: vec![line],
                        first_line: line.no,
                        ..Draft::default()
                    }),
                }
            }
            Mark::StatementStart => match self.open_draft(|last| !last.has_speaker()) {
                Some(last) => last.body.push(line),
                None => self.start(Draft { body: vec![line], first_line: line.no, ..Draft::default() }),
            },
            Mark::Attribution => match self.drafts.last_mut().filter(|last| !last.has_speaker()) {
                Some(last) => last.speaker = vec![text()],
                None => return false,
            },
            Mark::AttributionParagraph => match self.drafts.last_mut().filter(|last| !last.has_speaker()) {
                Some(last) => {
                    last.speaker_text = people::dash_speaker(line.trimmed).map(str::to_string);
                    last.body.push(line);
                }
                None => return false,
            },
            Mark::Byline => match self.drafts.last_mut() {
                Some(last) => last.byline.push(text()),
                None => digest.trailer.push(text()),
            },
            _ => return false,
        }
        true
    }

    /// The speech that starts at `first`, the next line, if one does; the collector then goes on
    /// after its opening lines.
    fn opening(&mut self, first: SourceLine<'a>) -> Option<Draft<'a>> {
        match first.mark {
            Mark::SpeechTitle => Some(self.marked_opening(first)),
            Mark::Speaker => {
                self.next += 1;
                Some(Draft { speaker: vec![first.line()], first_line: first.no, ..Draft::default() })
            }
            _ if self.explicit => None,
            _ => self.inferred_opening(first),
        }
    }

    /// A marked title may still be followed by unmarked occasion and speaker lines.
    fn marked_opening(&mut self, title: SourceLine<'a>) -> Draft<'a> {
        let mut draft = Draft { title_line: Some(title.line()), first_line: title.no, ..Draft::default() };
        self.next += 1;
        let occasion = occasion_len(self.lines, self.next);
        let named = occasion_names_speaker(self.lines, self.next, occasion);
        draft.occasion = self.take(occasion);
        if self.lines.get(self.next).is_some_and(|line| line.mark == Mark::Speaker) {
            draft.speaker = self.take(1);
        } else if !named {
            let speaker = speaker_len(self.lines, self.next);
            draft.speaker = self.take(speaker);
        }
        draft
    }

    /// The next `n` lines, which the collector then goes on after.
    fn take(&mut self, n: usize) -> Vec<Line> {
        let lines: Vec<Line> = self.lines[self.next..].iter().take(n).map(SourceLine::line).collect();
        self.next += lines.len();
        lines
    }

    fn inferred_opening(&mut self, first: SourceLine<'a>) -> Option<Draft<'a>> {
        // Before any speech, an occasion or a speaker line also ends an editor's note: a
        // single-speech report may have one.
        let first_speech = self.drafts.is_empty();
        let (opening, under_digest_title) = match speech_opening(self.lines, self.next, self.report) {
            Some(opening) => (opening, false),
            None if first_speech => (report_opening(self.lines, self.next)?, true),
            None => return None,
        };
        if first_speech && under_digest_title {
            self.report = true;
        }
        let Opening { title, occasion, speaker, speaker_first } = opening;
        let title_line = self.take(usize::from(title)).pop();
        let (speaker, occasion) = if speaker_first {
            let speaker = self.take(speaker);
            (speaker, self.take(occasion))
        } else {
            let occasion = self.take(occasion);
            (self.take(speaker), occasion)
        };
        Some(Draft { title_line, occasion, speaker, first_line: first.no, ..Draft::default() })
    }

    /// A line that opens no speech: text of the editor's note, or of the current speech.
    fn text(&mut self, digest: &mut Digest, line: SourceLine<'a>) {
        let i = self.next;
        self.next += 1;
        self.head = None;
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
        if let [only] = &self.drafts[..]
            && only.body.is_empty()
            && only.occasion.is_empty()
            && !only.has_speaker()
            && line.plain()
            && classify::is_salutation(line.trimmed)
        {
            // A text that opens by addressing the audience, with no speaker line over it, is a
            // report as a dataset keeps one: further on, a short line over another is a lead
            // sentence or a line the page broke, and only a full opening starts another speech.
            self.report = true;
        }
        if let Some(last) = self.drafts.last_mut() {
            last.body.push(line);
        }
    }
}

/// A trailer line fills in the digest's editor or source, unless the front matter or an earlier
/// trailer line already has.
pub(super) fn take_trailer(digest: &mut Digest, line: SourceLine<'_>, trailer: Trailer<'_>) {
    match trailer {
        Trailer::Editor(name) if digest.editor.is_none() => digest.editor = Some(name.to_string()),
        Trailer::Source(source) if digest.source.is_none() => digest.source = Some(source.to_string()),
        _ => {}
    }
    digest.trailer.push(line.line());
}
