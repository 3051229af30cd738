//! A speech while its lines are being collected, and who it says spoke: shared by the collector
//! (`speeches.rs`) and the digest that finishes the speeches (`digest.rs`), so neither imports the
//! other.

use super::markup::SourceLine;
use crate::classify;
use crate::model::Line;
use crate::people;

/// A speech while its lines are being collected.
#[derive(Default)]
pub(super) struct Draft<'a> {
    pub title_line: Option<Line>,
    pub title_more: Option<Line>,
    pub kicker: Vec<Line>,
    pub occasion: Vec<Line>,
    pub speaker: Vec<Line>,
    /// The speaker a paragraph opens with (`role+name：statement`), the paragraph being text.
    pub speaker_text: Option<String>,
    pub byline: Vec<Line>,
    /// The topic the speech is grouped under, with its line for the first speech of the group.
    pub topic: Option<(String, Option<Line>)>,
    /// A news item of a roundup: nobody speaks, and that is no problem.
    pub nobody: bool,
    pub body: Vec<SourceLine<'a>>,
    pub first_line: u32,
}

impl Draft<'_> {
    pub(super) fn has_speaker(&self) -> bool {
        !self.speaker.is_empty() || self.speaker_text.is_some()
    }
}

/// The text of lines the page broke apart, put back together.
pub(super) fn joined(lines: &[Line]) -> String {
    lines.iter().map(Line::display).collect()
}

/// Who spoke, as shown: the speaker lines (a role and a name printed apart joined by a space), or
/// the speaker an occasion line names. A name printed spaced out (`李　强`) is closed up.
pub(super) fn speaker_of(draft: &Draft<'_>) -> Option<String> {
    let text = if let Some(text) = &draft.speaker_text {
        text.clone()
    } else if draft.speaker.is_empty() {
        let occasion = joined(&draft.occasion);
        classify::split_occasion(&occasion)?.1.to_string()
    } else {
        // An attribution's dash and a speaker's colon are not part of who spoke.
        draft.speaker.iter().map(|line| people::speaker_shown(&line.text)).collect::<Vec<_>>().join(" ")
    };
    // Only a name spaced out ends with a word of one character; most lines are shown as they are.
    let last_word = text.rsplit(char::is_whitespace).next().unwrap_or("");
    if last_word.chars().nth(1).is_some() {
        return Some(text);
    }
    let (role, name) = classify::role_and_name(&text);
    if !name.contains(char::is_whitespace) || !classify::is_name(name) {
        return Some(text);
    }
    let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    let gap = text[role.len()..].chars().next().filter(|c| c.is_whitespace()).unwrap_or(' ');
    Some(if role.is_empty() { name } else { format!("{role}{gap}{name}") })
}
