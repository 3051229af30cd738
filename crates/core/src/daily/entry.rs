//! A plan entry as it is shown: its name, and its message with its source and a link to read on.

use digestbot_search::library::Library;

use super::text as msg;
use super::{EntryKind, Plan, Subscription};
use crate::reply::{Message, Rich, Style};
use digestbot_corpus as corpus;

/// Where a chat stands in the plan (the start, for a chat whose next entry is unknown).
pub(super) fn position(plan: &Plan, sub: &Subscription) -> usize {
    sub.next.as_deref().and_then(|id| plan.position(id)).unwrap_or(0)
}

/// A plan entry's name: `《speech》 heading`, or the digest's title for its editor's note.
pub(super) fn entry_title(plan: &Plan, library: &Library, id: &str) -> Option<String> {
    let entry = plan.get(plan.position(id)?)?;
    let corpus = &library.corpus;
    Some(match entry.kind {
        EntryKind::Note { digest } => msg::byline([corpus.digests.get(digest)?.title.as_str(), msg::EDITORS_NOTE]),
        EntryKind::Section { digest, speech, section } => {
            let speech = corpus.digests.get(digest)?.speeches.get(speech)?;
            let title = msg::title(speech);
            msg::byline([title.as_str(), msg::heading(speech.sections.get(section)?, section)])
        }
    })
}

/// A plan entry as a message: the section's text with its source and a link to read on in the
/// bot, under `header`.
pub(super) fn entry_message(
    plan: &Plan,
    library: &Library,
    index: usize,
    header: &str,
    wrapped: bool,
) -> Option<Message> {
    let entry = plan.get(index)?;
    let corpus = &library.corpus;
    let mut text = Rich::new();
    text.bold(header);
    if wrapped {
        text.plain(format!("\n{}", msg::plan_restarts(plan.len())));
    }
    match entry.kind {
        EntryKind::Note { digest } => {
            let digest = corpus.digests.get(digest)?;
            text.plain("\n\n");
            text.bold(&digest.title);
            text.plain("\n");
            text.italic(msg::EDITORS_NOTE);
            for line in &digest.note {
                text.plain(format!("\n\n{}", line.display()));
            }
            text.plain("\n\n");
            text.italic(msg::attribution(&msg::dated_title(digest)));
        }
        EntryKind::Section { digest: d, speech: s, section: c } => {
            let digest = corpus.digests.get(d)?;
            let speech = digest.speeches.get(s)?;
            let section = speech.sections.get(c)?;
            text.plain("\n\n");
            text.bold(msg::title(speech));
            text.plain("\n");
            text.italic(msg::byline(speech.speaker_name().into_iter().chain([msg::heading(section, c)])));
            for passage in &section.passages {
                text.plain(format!("\n\n{}", passage.text()));
            }
            text.plain("\n\n");
            text.italic(msg::attribution(&msg::section_source(digest, speech, section)));
        }
    }
    text.plain("\n");
    text.push(msg::READ_ON, Style::Open(entry.id.clone()));
    Some(Message { text, buttons: Vec::new() })
}

/// The id now of the section a position saved when ids were line numbers (`digest_c7`) named, so
/// that chats keep their place across the change of id scheme while the file is unchanged.
pub(super) fn legacy_section<'l>(library: &'l Library, id: &str) -> Option<&'l str> {
    let (digest_id, suffix) = id.rsplit_once('_')?;
    let digest = library.corpus.digests.iter().find(|d| d.id == digest_id)?;
    corpus::ids::legacy_id(digest, suffix)
}
