//! How the corpus is named wherever it is shown: titles, speakers, bylines, sources. Shared by
//! every screen and service, so a digest reads the same in a search hit, a daily section and an offer.

use digestbot_corpus::{Digest, Located, Section, Speech};

/// A speech without a speaker, where one is shown.
pub const NO_SPEAKER: &str = "（无发言人）";
/// The paragraphs of a speech before its first heading.
pub const INTRO: &str = "引言";
/// Paragraphs after a heading's section that have no heading of their own.
pub const UNTITLED_SECTION: &str = "（续）";

/// `《speech title》`
pub fn title(speech: &Speech) -> String {
    format!("《{}》", speech.title)
}

/// `title，2024-03-05`, or the title alone when the date is unknown.
pub fn dated_title(digest: &Digest) -> String {
    match &digest.date {
        Some(date) => format!("{}，{date}", digest.title),
        None => digest.title.clone(),
    }
}

/// A speaker, or a mark for a speech without one.
pub fn speaker(speech: &Speech) -> &str {
    speech.speaker_name().unwrap_or(NO_SPEAKER)
}

/// A section's heading; an introduction and headless closing paragraphs are named for what they are.
pub fn heading(section: &Section, index: usize) -> &str {
    section.heading.as_deref().unwrap_or(if index == 0 { INTRO } else { UNTITLED_SECTION })
}

/// Parts of a line that says who and where, joined: `speaker · heading`.
pub fn byline<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts.into_iter().collect::<Vec<_>>().join(" · ")
}

/// `speaker · heading` under a passage; empty when the speech has neither.
pub fn passage_byline(speech: &Speech, section: &Section) -> String {
    byline(speech.speaker_name().into_iter().chain(section.heading.as_deref()))
}

/// Where a passage comes from: `《speech》 · speaker · section · digest，date`.
pub fn source(at: &Located<'_>) -> String {
    section_source(at.digest, at.speech, at.section)
}

/// Where a section comes from: `《speech》 · speaker · section · digest，date`.
pub fn section_source(digest: &Digest, speech: &Speech, section: &Section) -> String {
    let title = title(speech);
    let digest = dated_title(digest);
    byline(
        [title.as_str()]
            .into_iter()
            .chain(speech.speaker_name())
            .chain(section.heading.as_deref())
            .chain([digest.as_str()]),
    )
}

/// A source under the text it attributes.
pub fn attribution(source: &str) -> String {
    format!("— {source}")
}

/// A speech as a choice: `speaker：title`.
pub fn speech_choice(speech: &Speech) -> String {
    format!("{}：{}", speaker(speech), speech.title)
}

/// A line of the speaker list: `speaker — 《title》`.
pub fn speaker_line(speech: &Speech) -> String {
    format!("{} — {}", speaker(speech), title(speech))
}

/// An inline result's title: `《title》 · speaker`.
pub fn article_title(speech: &Speech) -> String {
    byline([title(speech).as_str()].into_iter().chain(speech.speaker_name()))
}

/// Text cut short.
pub fn cut_short(text: &str) -> String {
    format!("{text}…")
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => cut_short(&text[..i]),
        None => text.to_string(),
    }
}
