//! The digest as a whole: its title and date, and its speeches once their lines are collected.

use super::front_matter::FrontMatter;
use super::markup::{Mark, SourceLine};
use super::speeches::{self, Draft};
use super::{ProblemLog, element_id, sections};
use crate::corpus::classify;
use crate::corpus::model::{Digest, Line, Severity, Speech};

/// Builds the digest from the non-blank lines after the front matter; `lines` is not empty.
pub(super) fn build(
    log: &mut ProblemLog<'_>,
    id: &str,
    encoding: &'static str,
    front_matter: FrontMatter,
    lines: &[SourceLine<'_>],
) -> Digest {
    let title_line = matches!(lines[0].mark, Mark::Plain | Mark::Escaped | Mark::DigestTitle).then(|| lines[0].line());
    let title = digest_title(log, front_matter.title, title_line.as_ref(), lines[0].no);
    let mut digest = Digest {
        id: id.to_string(),
        file: log.file.to_string(),
        encoding,
        title,
        title_line,
        date: front_matter.date,
        source: front_matter.source,
        url: front_matter.url,
        editor: front_matter.editor,
        note_label: None,
        note: Vec::new(),
        trailer: Vec::new(),
        speeches: Vec::new(),
    };
    let drafts = speeches::collect(&mut digest, lines);

    if digest.date.is_none() {
        let title_date = digest.title_line.as_ref().and_then(|line| classify::cn_date(line.display()));
        digest.date = drafts
            .iter()
            .find_map(|draft| draft.occasion.as_ref().and_then(|occasion| classify::cn_date(occasion.display())))
            .or(title_date);
    }
    for draft in drafts {
        let speech = finish_speech(log, &digest, draft);
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

fn finish_speech(log: &mut ProblemLog<'_>, digest: &Digest, draft: Draft<'_>) -> Speech {
    let title = draft.title_line.as_ref().map_or_else(|| digest.title.clone(), |line| line.display().to_string());
    if draft.speaker.is_none() {
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
    Speech {
        id: element_id(&digest.id, 's', draft.first_line),
        title,
        title_line: draft.title_line,
        occasion: draft.occasion,
        speaker: draft.speaker,
        sections: sections::sections(&digest.id, &draft.body),
    }
}

/// A title short enough to quote in a message.
fn short(text: &str) -> String {
    match text.char_indices().nth(20) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
