//! The layout of a page where several people speak, as the press prints it (发言摘编, 代表委员发言,
//! 论坛发言, 观点集粹), and of a roundup of news items: inferred over the whole page, then written
//! down as the same marks an editor could have typed, so that one collector builds the speeches
//! whichever way their structure was found.
//!
//! A page is read this way only when at least two speeches open in one of the press's forms;
//! otherwise (single-speech reports, the seed's 交流材料 with organizations as speakers) nothing
//! is marked and the line-by-line inference reads the page as before.

use super::markup::{Mark, SourceLine};
use crate::classify;
use crate::people::{self, Form};

/// What one line looks like, before context decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Person(Form),
    /// `role+name：` alone on its line.
    ColonAlone,
    /// `role+name：statement…`, a paragraph that opens with its speaker.
    ColonParagraph,
    /// `——role+name` under a statement.
    Attribution,
    /// `——role+name。a word about them…`: an attribution with text after it.
    AttributionParagraph,
    Byline,
    Credit,
    NoteSignature,
    NoteLabel,
    InlineNote,
    Subtitle,
    /// `（埃及国际政治专家）` under a name: the rest of the speaker.
    RoleLine,
    /// Short, without final punctuation: a title, a topic, a kicker, a headline.
    Short,
    Text,
}

fn kind(line: &SourceLine<'_>) -> Kind {
    if !line.plain() {
        return Kind::Text;
    }
    let t = line.trimmed;
    // Most lines of a corpus are paragraphs: long ones, and sentences that do not open like a
    // byline or an attribution, are told by their first characters only.
    const LONG_BYTES: usize = 300;
    let sentence = t.ends_with(['。', '；']) && !t.starts_with(['（', '(', '—', '―', '-']);
    if t.len() > LONG_BYTES || sentence {
        let head = &t[..t.floor_char_boundary(LONG_BYTES / 2)];
        return if classify::is_inline_note(t) || people::is_host_note(t) {
            Kind::InlineNote
        } else if head.starts_with(['—', '―']) && people::attribution_paragraph(t).is_some() {
            Kind::AttributionParagraph
        } else if head.contains(['：', ':']) && people::colon_speaker(t).is_some() {
            Kind::ColonParagraph
        } else {
            Kind::Text
        };
    }
    // What a line can be is narrowed by a few characters first: this is asked of every line.
    let colon = t.contains(['：', ':']);
    let dash = t.starts_with(['—', '―', '-']);
    let bracket = t.starts_with(['（', '(']);
    let reporter = ["本报", "记者", "通讯员", "实习", "特约", "新华社"].iter().any(|p| t.starts_with(p));
    let label = t.len() <= 30 && t.starts_with(['编', '【', '[', '［', '主', '本']);
    if colon && people::is_credit(t) {
        Kind::Credit
    } else if (bracket || reporter || colon) && people::is_byline(t) {
        Kind::Byline
    } else if dash && people::is_note_signature(t) {
        Kind::NoteSignature
    } else if label && (classify::is_note_label(t) || (people::is_host_note(t) && t.chars().count() <= 8)) {
        Kind::NoteLabel
    } else if (colon || t.starts_with(['【', '['])) && (classify::is_inline_note(t) || people::is_host_note(t)) {
        Kind::InlineNote
    } else if dash && people::attribution(t).is_some() {
        Kind::Attribution
    } else if dash && people::attribution_paragraph(t).is_some() {
        Kind::AttributionParagraph
    } else if dash && people::is_subtitle(t) {
        Kind::Subtitle
    } else if let Some((_, rest)) = people::colon_speaker(t).filter(|_| colon) {
        if rest.is_empty() { Kind::ColonAlone } else { Kind::ColonParagraph }
    } else if let Some(form) = people::person(t) {
        Kind::Person(form)
    } else if t.starts_with(['□', '■', '◎', '○', '●']) && people::author_line(t).is_some() {
        Kind::Person(Form::Spaced)
    } else if is_short(t) {
        Kind::Short
    } else {
        Kind::Text
    }
}

fn is_short(t: &str) -> bool {
    t.chars().count() <= 40
        && !t.ends_with(['。', '！', '？', '；', '：', '，', '、', '!', '?', ';', ':', ','])
        && !t.contains('。')
        && classify::heading(t).is_none()
        && classify::trailer(t).is_none()
}

/// The marks the layout of `lines` (the page from its first line, furniture set aside) gives, one
/// per line; None when the page is not laid out as several speeches or news items.
pub(super) fn infer(lines: &[SourceLine<'_>]) -> Option<Vec<Mark>> {
    if lines.len() < 4 || lines.iter().any(|line| !matches!(line.mark, Mark::Plain | Mark::Escaped)) {
        return None;
    }
    let mut kinds: Vec<Kind> = lines.iter().map(kind).collect();
    // A name, and its role in parentheses on the next line: one speaker printed on two lines.
    for i in 1..lines.len() {
        if kinds[i - 1] == Kind::Person(Form::Bare) && lines[i].plain() && people::is_role_line(lines[i].trimmed) {
            kinds[i - 1] = Kind::Person(Form::Parenthesized);
            kinds[i] = Kind::RoleLine;
        }
    }
    let mut repeats = std::collections::HashMap::new();
    for (line, kind) in lines.iter().zip(&kinds) {
        if matches!(kind, Kind::Short | Kind::Person(Form::Bare)) {
            *repeats.entry(line.trimmed).or_insert(0) += 1;
        }
    }
    let marks = lines.iter().map(|line| line.mark).collect();
    let mut page = Page { lines, kinds, marks, headline_start: 0, headline: 0, repeats };
    (page.headline_start, page.headline) = page.headline();
    let speeches = page.titled().or_else(|| page.attempt(Page::untitled)).or_else(|| page.roundup())?;
    page.front(speeches.first().copied()?);
    page.bylines(&speeches);
    Some(page.marks)
}

struct Page<'s, 'a> {
    lines: &'s [SourceLine<'a>],
    kinds: Vec<Kind>,
    marks: Vec<Mark>,
    /// Index of the digest's headline (its first line): 0, or after the kicker lines above it.
    headline_start: usize,
    /// Index of the headline's last line: the headline's own index, or the next for a headline
    /// printed on two lines.
    headline: usize,
    /// How often each short line's text is printed on the page (kickers repeat).
    repeats: std::collections::HashMap<&'s str, usize>,
}

/// Where a speech starts: its first line (a kicker, a title, a topic or its speaker).
#[derive(Debug, Clone, Copy)]
struct Opening {
    start: usize,
}

impl Page<'_, '_> {
    fn kind(&self, i: usize) -> Option<Kind> {
        self.kinds.get(i).copied()
    }

    fn text(&self, i: usize) -> &str {
        self.lines[i].trimmed
    }

    fn is(&self, i: usize, kind: Kind) -> bool {
        self.kind(i) == Some(kind)
    }

    /// Where the headline is: its first and last line. Over a subtitle (`——…发言摘编`), the
    /// headline is the line above it, or the two lines above it when neither is a kicker and both
    /// are short; lines above the headline are kickers. Without a subtitle, a first line is a
    /// kicker when it is shaped like one (column tags, a lead-in ending in a dash, a short column
    /// name over a longer line), over a line that is itself no speech's title.
    fn headline(&self) -> (usize, usize) {
        const MAX_ABOVE: usize = 4;
        let subtitle = (1..=MAX_ABOVE).find(|&i| self.is(i, Kind::Subtitle));
        // Column tags joined by a dot read like a foreign name (`议报告·话振兴`); above a headline they are tags.
        let heading_like = |k: usize| matches!(self.kinds[k], Kind::Short | Kind::Text | Kind::Person(Form::Bare));
        if let Some(subtitle) = subtitle.filter(|&s| (0..s).all(heading_like)) {
            let last = subtitle - 1;
            let two_lines = last >= 1
                && self.is(last - 1, Kind::Short)
                && !people::is_kicker(self.text(last - 1))
                && [last - 1, last].iter().all(|&k| self.text(k).chars().count() <= 16);
            return (if two_lines { last - 1 } else { last }, last);
        }
        let first = heading_like(0);
        let over_headline = self.is(1, Kind::Short) && !matches!(self.kind(2), Some(Kind::Person(_)));
        let (top, next) = (self.text(0).chars().count(), self.lines.get(1).map_or(0, |l| l.trimmed.chars().count()));
        let column = top <= 8 && next > top && self.is(2, Kind::Short);
        let kicker = first && over_headline && (people::is_kicker(self.text(0)) || column);
        let at = usize::from(kicker);
        (at, at)
    }

    /// A reading of the page that may give up half way: what it marked is undone when it does.
    fn attempt(&mut self, read: impl FnOnce(&mut Self) -> Option<Vec<Opening>>) -> Option<Vec<Opening>> {
        let (kinds, marks) = (self.kinds.clone(), self.marks.clone());
        let read = read(self);
        if read.is_none() {
            (self.kinds, self.marks) = (kinds, marks);
        }
        read
    }

    /// A speech kicker: shaped like one, or the same short line printed above another speech too.
    fn speech_kicker(&self, i: usize) -> bool {
        let t = self.text(i);
        let repeated = self.repeats.get(t).is_some_and(|&n| n >= 2);
        people::is_speech_kicker(t, repeated)
    }

    fn person(&self, i: usize) -> bool {
        matches!(self.kind(i), Some(Kind::Person(form)) if form != Form::Bare)
    }

    /// A title line at `i`: short, below the headline, not a person.
    fn title_at(&self, i: usize) -> bool {
        // A short title may read like a bare name (`云端`); only a speaker's line is one.
        let short = self.is(i, Kind::Short) || self.is(i, Kind::Person(Form::Bare));
        i > self.headline && short && self.marks[i] == Mark::Plain
    }

    /// Text (not a title) starts at `i`: a paragraph, or the end of the page.
    fn text_at(&self, i: usize) -> bool {
        i >= self.lines.len() || matches!(self.kind(i), Some(Kind::Text | Kind::InlineNote))
    }

    /// After the speaker at `i`, a title of one or two lines and then text: its length.
    fn title_after(&self, i: usize) -> usize {
        let i = i + usize::from(self.is(i + 1, Kind::RoleLine));
        if !self.title_at(i + 1) {
            return 0;
        }
        if self.text_at(i + 2) {
            return 1;
        }
        usize::from(self.title_at(i + 2) && self.text_at(i + 3)) * 2
    }

    /// Speeches with titles: a title over its speaker (the seed's order) or a speaker over its
    /// title, the page's majority deciding when a speaker has short lines on both sides.
    fn titled(&mut self) -> Option<Vec<Opening>> {
        let n = self.lines.len();
        let (mut over, mut under) = (0, 0);
        let mut speakers = Vec::new();
        let bare: Vec<usize> = (1..n)
            .filter(|&i| self.is(i, Kind::Person(Form::Bare)))
            .filter(|&i| {
                (self.title_at(i - 1) && self.text_at(i + 1)) || (self.title_after(i) > 0 && !self.title_at(i - 1))
            })
            .collect();
        let mut is_bare = vec![false; n];
        bare.iter().for_each(|&i| is_bare[i] = true);
        for (i, &bare_line) in is_bare.iter().enumerate().skip(1) {
            let bare_speaker = bare.len() >= 2 && bare_line;
            if !self.person(i) && !bare_speaker {
                continue;
            }
            let before = self.title_at(i - 1);
            let after = self.title_after(i) > 0;
            over += usize::from(before && !after);
            under += usize::from(after && !before);
            if before || after || !bare_speaker {
                speakers.push(i);
            }
        }
        if speakers.len() < 2 || over + under < 2 {
            return None;
        }
        let speaker_first = under > over;
        for &i in &speakers {
            self.marks[i] = Mark::Speaker;
            if self.is(i + 1, Kind::RoleLine) {
                self.marks[i + 1] = Mark::SpeakerMore;
            }
        }
        let mut openings = Vec::new();
        for &i in &speakers {
            let opening = if speaker_first { self.title_below(i) } else { self.title_above(i) };
            openings.push(opening);
        }
        Some(openings)
    }

    /// A speaker at `i` under its title (one or two lines) and maybe a kicker.
    fn title_above(&mut self, i: usize) -> Opening {
        if !self.title_at(i - 1) {
            return Opening { start: i };
        }
        let mut start = i - 1;
        self.marks[start] = Mark::SpeechTitle;
        if start >= 1 && self.title_at(start - 1) {
            let above = self.text(start - 1);
            if self.speech_kicker(start - 1) {
                start -= 1;
                self.marks[start] = Mark::SpeechKicker;
            } else if above.chars().count() <= 24 && self.text(start).chars().count() <= 24 {
                self.marks[start] = Mark::TitleMore;
                start -= 1;
                self.marks[start] = Mark::SpeechTitle;
                if start >= 1 && self.title_at(start - 1) && self.speech_kicker(start - 1) {
                    start -= 1;
                    self.marks[start] = Mark::SpeechKicker;
                }
            }
        }
        Opening { start }
    }

    /// A speaker at `i` over its title, maybe under a kicker.
    fn title_below(&mut self, i: usize) -> Opening {
        let title = self.title_after(i);
        let role = usize::from(self.is(i + 1, Kind::RoleLine));
        let mut start = i;
        if title > 0 && self.title_at(i - 1) && self.speech_kicker(i - 1) {
            start -= 1;
            self.marks[start] = Mark::SpeechKicker;
        }
        if title > 0 {
            self.marks[i + 1 + role] = Mark::SpeechTitle;
        }
        if title == 2 {
            self.marks[i + 2 + role] = Mark::TitleMore;
        }
        Opening { start }
    }

    /// Speakers without titles: `role+name：` lines or paragraphs, or a statement and its speaker
    /// under it. A short line over them is a topic when it groups two or more, the title of the
    /// one speech otherwise.
    fn untitled(&mut self) -> Option<Vec<Opening>> {
        let n = self.lines.len();
        let count = |kind: Kind| self.kinds.iter().filter(|&&k| k == kind).count();
        let colons = count(Kind::ColonAlone) + count(Kind::ColonParagraph);
        let attributions = count(Kind::Attribution) + count(Kind::AttributionParagraph);
        // Two `X：…` lines in a long news page are headlines that name their source; a page of
        // speakers has one every few paragraphs.
        let paragraphs = count(Kind::Text);
        if (colons < 2 || colons * 10 < paragraphs) && attributions < 2 {
            return None;
        }
        if colons < 2 {
            // Once two statements are attributed, a dash opening a line under the first statement
            // attributes one, whatever words describe the speaker.
            let first = self.kinds.iter().position(|&k| matches!(k, Kind::Attribution | Kind::AttributionParagraph));
            for i in first.unwrap_or(n)..n {
                let t = self.text(i);
                if self.lines[i].plain() && people::dash_speaker(t).is_some() && self.kinds[i] != Kind::Attribution {
                    self.kinds[i] = if t.contains('。') { Kind::AttributionParagraph } else { Kind::Attribution };
                }
            }
        }
        // Each opening: where the speech starts, and whether a short line over it is a candidate topic.
        let mut openings: Vec<Opening> = Vec::new();
        if colons >= 2 && colons * 10 >= paragraphs {
            for i in (self.headline + 1)..n {
                let mark = match self.kinds[i] {
                    Kind::ColonAlone => Mark::Speaker,
                    Kind::ColonParagraph => Mark::SpeakerParagraph,
                    _ => continue,
                };
                self.marks[i] = mark;
                openings.push(Opening { start: i });
            }
        } else {
            let mut from = self.note_end();
            for i in (self.headline + 1)..n {
                let mark = match self.kinds[i] {
                    Kind::Attribution => Mark::Attribution,
                    Kind::AttributionParagraph => Mark::AttributionParagraph,
                    _ => continue,
                };
                let mut first =
                    (from..i).find(|&k| matches!(self.kinds[k], Kind::Text | Kind::InlineNote | Kind::Short));
                // An unlabelled note before the first statement says what follows (`以下是部分委员的观点。`).
                if openings.is_empty()
                    && let Some(intro) = first.filter(|&k| k + 1 < i && introduces(self.text(k)))
                {
                    first = Some(intro + 1);
                }
                if let Some(first) = first {
                    self.marks[first] = Mark::StatementStart;
                    self.marks[i] = mark;
                    openings.push(Opening { start: first });
                }
                from = i + 1;
            }
            // What follows the last speaker is the page's, not the speech's: a source note.
            for k in from..n {
                if self.lines[k].plain() && self.text(k).chars().count() <= 60 {
                    self.marks[k] = Mark::Credit;
                }
            }
        }
        if openings.len() < 2 {
            return None;
        }
        self.topics(&mut openings);
        Some(openings)
    }

    /// The start of the page's text after the headline block and the editor's note, for pages
    /// whose speeches open with their text.
    fn note_end(&self) -> usize {
        let mut i = self.headline + 1;
        while self.is(i, Kind::Subtitle) {
            i += 1;
        }
        if let Some(signature) = (i..self.lines.len()).take(6).find(|&k| self.is(k, Kind::NoteSignature)) {
            return signature + 1;
        }
        match self.kind(i) {
            Some(Kind::NoteLabel) => i + 2,
            Some(Kind::InlineNote) => i + 1,
            _ => i,
        }
    }

    /// Short lines right over an untitled speech: topics over groups, titles over single speeches.
    /// On a page of statements the short line is the first of the statement's lines.
    fn topics(&mut self, openings: &mut [Opening]) {
        // (the short line, the first opening under it)
        let mut heads: Vec<(usize, usize)> = Vec::new();
        for (k, opening) in openings.iter().enumerate() {
            let start = opening.start;
            if self.marks[start] == Mark::StatementStart {
                let continues = self
                    .kind(start + 1)
                    .is_some_and(|next| !matches!(next, Kind::Attribution | Kind::AttributionParagraph));
                if self.title_at(start) && continues {
                    self.marks[start + 1] = Mark::StatementStart;
                    heads.push((start, k));
                }
            } else if start > 0 && self.title_at(start - 1) {
                heads.push((start - 1, k));
            }
        }
        for (h, &(line, first)) in heads.iter().enumerate() {
            let last = heads.get(h + 1).map_or(openings.len(), |&(_, next)| next);
            self.marks[line] = if last - first >= 2 { Mark::Topic } else { Mark::SpeechTitle };
            openings[first].start = line;
        }
    }

    /// News items, nobody speaking: a short title over each item's text, under a roundup's
    /// headline or over datelined paragraphs.
    fn roundup(&mut self) -> Option<Vec<Opening>> {
        let n = self.lines.len();
        let datelines = (0..n).filter(|&i| self.is(i, Kind::Text) && people::has_dateline(self.text(i))).count();
        if !people::is_roundup_title(self.text(self.headline)) && datelines < 2 {
            return None;
        }
        // An item may quote one person, printed as a speech: its title, the speaker, the text.
        let speaker = |i: usize| self.person(i + 1) && self.is(i + 2, Kind::Text);
        let items: Vec<usize> = ((self.headline + 1)..n)
            .filter(|&i| self.title_at(i) && (self.is(i + 1, Kind::Text) || speaker(i)))
            .collect();
        if items.len() < 2 {
            return None;
        }
        let spoken: Vec<bool> = items.iter().map(|&i| speaker(i)).collect();
        let mut openings = Vec::new();
        for (&i, spoken) in items.iter().zip(spoken) {
            self.marks[i] = Mark::ItemTitle;
            if spoken {
                self.marks[i + 1] = Mark::Speaker;
            }
            openings.push(Opening { start: i });
        }
        Some(openings)
    }

    /// The lines above the first speech: kicker, headline, subtitle, the editor's note.
    fn front(&mut self, first: Opening) {
        for mark in &mut self.marks[..self.headline_start] {
            *mark = Mark::Kicker;
        }
        if self.headline > self.headline_start {
            self.marks[self.headline] = Mark::TitleMore;
        }
        let mut subtitle = true;
        for i in (self.headline + 1)..first.start {
            if !self.lines[i].plain() || self.marks[i] != Mark::Plain {
                continue;
            }
            self.marks[i] = match self.kinds[i] {
                Kind::Subtitle if subtitle => Mark::DigestOccasion,
                Kind::NoteLabel => Mark::NoteLabel,
                Kind::Credit | Kind::Byline => Mark::Credit,
                _ => Mark::Note,
            };
            subtitle = false;
        }
    }

    /// Bylines after each speech are its own; after the last speech, only the first is (the rest
    /// credit the page), and none is when no other speech has one. Credits are the page's.
    fn bylines(&mut self, openings: &[Opening]) {
        let n = self.lines.len();
        let mut runs: Vec<Vec<usize>> = Vec::new();
        for (k, opening) in openings.iter().enumerate() {
            let end = openings.get(k + 1).map_or(n, |next| next.start);
            let mut run = Vec::new();
            for i in opening.start..end {
                if self.marks[i] != Mark::Plain {
                    continue;
                }
                match self.kinds[i] {
                    Kind::Credit => self.marks[i] = Mark::Credit,
                    Kind::Byline => run.push(i),
                    _ => {}
                }
            }
            runs.push(run);
        }
        let others_have = runs.iter().rev().skip(1).any(|run| !run.is_empty());
        let last = runs.len().saturating_sub(1);
        for (k, run) in runs.iter().enumerate() {
            for (j, &i) in run.iter().enumerate() {
                let own = k < last || (j == 0 && (others_have || runs.len() == 1));
                self.marks[i] = if own { Mark::Byline } else { Mark::Credit };
            }
        }
    }
}

/// A paragraph that introduces the statements after it rather than making one.
fn introduces(t: &str) -> bool {
    t.ends_with(['：', ':'])
        || ["以下是", "以下为", "现摘", "摘编如下", "摘登如下", "部分观点", "的观点", "发言摘"]
            .iter()
            .any(|w| t.contains(w))
}
