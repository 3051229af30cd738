//! Reading: a passage with its neighbours, a whole section, a speech's outline, a digest's list
//! of speeches — whatever an id names.

use crate::action::Action;
use crate::reply::plain;
use crate::reply::{Button, Message, Response, Rich};
use crate::text as msg;
use crate::widgets::{button, speech_button};
use digestbot_corpus::Loc;
use digestbot_search::library::{Library, Target};

/// Section buttons shown under a speech (Telegram allows 100 buttons a message).
const MAX_OUTLINE_BUTTONS: usize = 90;

/// Opens whatever an id names.
pub(crate) fn open(library: &Library, id: &str) -> Response {
    match library.find(id) {
        Some(Target::Passage(loc)) => passage(library, loc),
        Some(Target::Section { digest, speech, section }) => self::section(library, digest, speech, section),
        Some(Target::Speech { digest, speech }) => self::speech(library, digest, speech),
        Some(Target::Digest { digest }) => self::digest(library, digest),
        None => Response::text(plain(&msg::not_found_id(id))),
    }
}

/// One passage, its source, and buttons to the passages around it and to its whole section.
pub(crate) fn passage(library: &Library, loc: Loc) -> Response {
    let Some(at) = loc.resolve(&library.corpus) else { return Response::text(plain(msg::EXPIRED)) };
    let mut text = Rich::new();
    text.bold(msg::title(at.speech));
    let byline = msg::passage_byline(at.speech, at.section);
    if !byline.is_empty() {
        text.plain("\n");
        text.italic(byline);
    }
    text.plain(format!("\n\n{}\n\n", at.passage.text()));
    text.italic(msg::attribution(&msg::source(&at)));
    let (previous, next) = library.neighbors(loc);
    let id_of = |l: Loc| l.resolve(&library.corpus).map(|at| at.passage.id.clone());
    let mut row = Vec::new();
    row.extend(previous.and_then(id_of).map(|id| button(msg::PREVIOUS_PASSAGE, Action::Open(id))));
    row.push(button(msg::WHOLE_SECTION, Action::Section(at.passage.id.clone())));
    row.extend(next.and_then(id_of).map(|id| button(msg::NEXT_PASSAGE, Action::Open(id))));
    Response::message(Message { text, buttons: vec![row] })
}

/// A whole section: one message, which the edges split when it is long.
pub(crate) fn section(library: &Library, digest: usize, speech: usize, section: usize) -> Response {
    let speech = &library.corpus.digests[digest].speeches[speech];
    let shown = &speech.sections[section];
    let mut text = Rich::new();
    text.bold(msg::title(speech));
    text.plain("\n");
    text.italic(msg::byline(speech.speaker_name().into_iter().chain([msg::heading(shown, section)])));
    for p in &shown.passages {
        text.plain(format!("\n\n{}", p.text()));
    }
    let mut row = Vec::new();
    if section > 0 {
        row.push(button(msg::PREVIOUS_SECTION, Action::Open(speech.sections[section - 1].id.clone())));
    }
    row.push(button(msg::SPEECH_OUTLINE, Action::Open(speech.id.clone())));
    if let Some(next) = speech.sections.get(section + 1) {
        row.push(button(msg::NEXT_SECTION, Action::Open(next.id.clone())));
    }
    Response::message(Message { text, buttons: vec![row] })
}

/// A speech's outline: its sections as buttons.
pub(crate) fn speech(library: &Library, digest: usize, speech: usize) -> Response {
    let digest = &library.corpus.digests[digest];
    let speech = &digest.speeches[speech];
    let mut text = Rich::new();
    text.bold(msg::title(speech));
    text.plain("\n");
    let dated = msg::dated_title(digest);
    text.italic(msg::byline(speech.speaker_name().into_iter().chain([dated.as_str()])));
    text.plain(format!("\n\n{}", msg::section_count(speech.sections.len())));
    let mut buttons: Vec<Vec<Button>> = speech
        .sections
        .iter()
        .enumerate()
        .take(MAX_OUTLINE_BUTTONS)
        .map(|(i, section)| vec![button(msg::heading(section, i), Action::Open(section.id.clone()))])
        .collect();
    buttons.push(vec![button(msg::TOC, Action::Open(digest.id.clone()))]);
    Response::message(Message { text, buttons })
}

/// A digest: its date, editor's note, and its speeches as buttons.
pub(crate) fn digest(library: &Library, digest: usize) -> Response {
    let digest = &library.corpus.digests[digest];
    let mut text = Rich::new();
    text.bold(&digest.title);
    if let Some(date) = &digest.date {
        text.plain(format!("\n{date}"));
    }
    for note in &digest.note {
        text.plain(format!("\n\n{}", note.display()));
    }
    text.plain(format!("\n\n{}", msg::speech_count(digest.speeches.len())));
    let mut buttons: Vec<Vec<Button>> =
        digest.speeches.iter().take(MAX_OUTLINE_BUTTONS).map(|s| vec![speech_button(s)]).collect();
    buttons.push(vec![button(msg::TOC, Action::Toc(0))]);
    Response::message(Message { text, buttons })
}
