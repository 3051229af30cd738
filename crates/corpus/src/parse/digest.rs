//! The digest as a whole: its title and date, and its speeches once their lines are collected.

use super::draft::{Draft, joined, speaker_of};
use super::front_matter::FrontMatter;
use super::furniture::{self, Aside};
use super::layout;
use super::markup::{Mark, SourceLine};
use super::speeches;
use super::{ProblemLog, sections};
use crate::classify;
use crate::ids;
use crate::model::{Digest, Line, Section, Severity, Speech, trim};
use crate::people;

/// Builds the digest from the non-blank lines after the front matter; `lines` is not empty.
pub(super) fn build(
    log: &mut ProblemLog<'_>,
    id: &str,
    encoding: &'static str,
    front_matter: FrontMatter,
    lines: &[SourceLine<'_>],
) -> Digest {
    let split = furniture::split(lines);
    let furniture::TitleStart { above, broken } = furniture::above_title(&split.content);
    let mut content = split.content[above..].to_vec();
    if broken {
        content[1].mark = Mark::TitleMore;
    }
    if let Some(marks) = layout::infer(&content) {
        content.iter_mut().zip(marks).for_each(|(line, mark)| line.mark = mark);
    }
    let kicker = content.iter().take_while(|line| line.mark == Mark::Kicker).count();
    let kicker = if kicker == content.len() { 0 } else { kicker };
    let lines = &content[kicker..];
    let title_line = matches!(lines[0].mark, Mark::Plain | Mark::Escaped | Mark::DigestTitle).then(|| lines[0].line());
    let title = digest_title(log, front_matter.title, title_line.as_ref(), lines[0].no);
    let mut digest = Digest {
        id: id.to_string(),
        file: log.file.to_string(),
        encoding,
        title,
        title_line,
        title_more: None,
        kicker: content[..kicker].iter().map(SourceLine::line).collect(),
        occasion: None,
        occasion_lines: Vec::new(),
        date: front_matter.date,
        source: front_matter.source,
        url: front_matter.url,
        editor: front_matter.editor,
        note_label: None,
        note: Vec::new(),
        preamble: split
            .lines(Aside::Preamble)
            .into_iter()
            .chain(split.content[..above].iter().map(SourceLine::line))
            .collect(),
        trailer: Vec::new(),
        speeches: Vec::new(),
    };
    if digest.source.is_none() {
        digest.source = split.source.clone();
    }
    for (_, line) in split.aside.iter().filter(|(aside, _)| *aside == Aside::Trailer) {
        match classify::trailer(line.trimmed) {
            Some(trailer) => speeches::take_trailer(&mut digest, *line, trailer),
            None => digest.trailer.push(line.line()),
        }
    }
    let drafts = speeches::collect(&mut digest, lines);
    if let (Some(first), Some(more)) = (&digest.title_line, &digest.title_more)
        && digest.title == first.display()
    {
        // A headline printed on two lines reads with a space; a title the page broke mid-word does not.
        let gap = if broken { "" } else { " " };
        digest.title = format!("{}{gap}{}", first.display(), more.display());
    }
    let occasion = joined(&digest.occasion_lines);
    digest.occasion = (!occasion.is_empty()).then_some(occasion);
    digest.trailer.sort_by_key(|line| line.no);
    digest.preamble.sort_by_key(|line| line.no);

    if digest.date.is_none() {
        let title_date = digest.title_line.as_ref().and_then(|line| classify::cn_date(line.display()));
        digest.date =
            drafts.iter().find_map(|draft| classify::cn_date(&joined(&draft.occasion))).or(title_date).or(split.date);
    }
    if digest.date.is_none() {
        digest.date = digest.title_line.as_ref().and_then(|line| classify::cn_year(line.display()));
    }
    // A single speech the text names no speaker of takes the person the page says wrote it.
    let author = split.author.as_deref().filter(|author| drafts.len() == 1 && is_person(author));
    for draft in drafts {
        let speech = finish_speech(log, &digest, draft, author);
        digest.speeches.push(speech);
    }
    if digest.speeches.is_empty() {
        let line = digest.title_line.as_ref().map_or(0, |line| line.no);
        log.add(
            line,
            Severity::Error,
            "has no speeches: after the title there must be a speech title and its speaker, then text (see the README)",
        );
    }
    ids::assign(&mut digest);
    digest
}

/// The front matter's title wins over the title line; with neither, the file name stands in.
fn digest_title(
    log: &mut ProblemLog<'_>,
    from_front_matter: Option<String>,
    line: Option<&Line>,
    first: u32,
) -> String {
    match (from_front_matter, line) {
        (Some(title), _) => title,
        (None, Some(line)) => line.display().to_string(),
        (None, None) => {
            log.add(
                first,
                Severity::Warning,
                "no title line (the first line is markup) and no `title` in front matter; using the file name",
            );
            log.file.rsplit('/').next().unwrap_or(log.file).trim_end_matches(".txt").to_string()
        }
    }
}

/// The occasion as shown, without a speaker named on its line.
fn occasion_of(draft: &Draft<'_>) -> Option<String> {
    let occasion = joined(&draft.occasion);
    let shown = classify::split_occasion(&occasion).map_or(occasion.as_str(), |(occasion, _)| occasion);
    (!shown.is_empty()).then(|| trim(shown).to_string())
}

/// A person's name, alone or after a role.
fn is_person(t: &str) -> bool {
    classify::is_name(t) || classify::is_name(classify::role_and_name(t).1)
}

fn finish_speech(log: &mut ProblemLog<'_>, digest: &Digest, draft: Draft<'_>, author: Option<&str>) -> Speech {
    let title = match &draft.title_line {
        Some(line) => format!("{}{}", line.display(), draft.title_more.as_ref().map_or("", Line::display)),
        None => digest.title.clone(),
    };
    // An article's author line names its speaker when nothing else does.
    let byline = || draft.byline.first().map(|line| people::byline_shown(&line.text).to_string());
    let speaker =
        speaker_of(&draft).or_else(|| author.map(str::to_string)).or_else(|| byline().filter(|_| !draft.nobody));
    if speaker.is_none() && !draft.nobody {
        log.add(
            draft.first_line,
            Severity::Warning,
            format!(
                "speech 「{}」 has no speaker line; put the speaker on the line after the title, or mark it with `@ `",
                short(&title)
            ),
        );
    }
    if draft.body.is_empty() {
        log.add(draft.first_line, Severity::Warning, format!("speech 「{}」 has no text", short(&title)));
    }
    let occasion = occasion_of(&draft);
    let mut sections = sections::sections(&draft.body);
    if let Some((topic, line)) = draft.topic {
        // A topic over several speakers heads each one's first section; its line is the first's.
        match sections.first_mut() {
            Some(first) if first.heading.is_none() => {
                first.heading = Some(topic);
                first.heading_line = line;
            }
            _ => sections.insert(
                0,
                Section { id: String::new(), heading: Some(topic), heading_line: line, passages: Vec::new() },
            ),
        }
    }
    Speech {
        id: String::new(),
        title,
        title_line: draft.title_line,
        title_more: draft.title_more,
        kicker: draft.kicker,
        byline: draft.byline,
        occasion,
        occasion_lines: draft.occasion,
        speaker,
        speaker_lines: draft.speaker,
        sections,
    }
}

/// A title short enough to quote in a message.
fn short(text: &str) -> String {
    match text.char_indices().nth(20) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
