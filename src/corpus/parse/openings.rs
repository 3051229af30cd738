//! Where a speech starts when the editor did not mark it: the shapes of its first lines.

use super::markup::SourceLine;
use crate::corpus::classify;

/// The lines a speech opens with, in this order: which of a title, an occasion and a speaker line
/// it has.
pub(super) struct Opening {
    pub title: bool,
    pub occasion: bool,
    pub speaker: bool,
}

impl Opening {
    /// How many lines the opening takes.
    pub fn len(&self) -> usize {
        usize::from(self.title) + usize::from(self.occasion) + usize::from(self.speaker)
    }
}

/// The trimmed text of line `i`, unless it is missing or marked up.
pub(super) fn plain_at<'a>(lines: &'a [SourceLine<'a>], i: usize) -> Option<&'a str> {
    lines.get(i).filter(|line| line.plain()).map(|line| line.trimmed)
}

/// A speech starts with a title line, an optional occasion line and a speaker line. When a chain
/// of such lines follows (a paragraph without final punctuation, then a headline, then a speaker),
/// the last title before the speaker is the one.
pub(super) fn speech_opening(lines: &[SourceLine<'_>], i: usize) -> Option<Opening> {
    let at = |k: usize| plain_at(lines, k);
    if !at(i).is_some_and(classify::is_title) {
        return None;
    }
    if at(i + 1).is_some_and(classify::is_occasion) {
        let speaker = at(i + 2).is_some_and(classify::is_speaker);
        return Some(Opening { title: true, occasion: true, speaker });
    }
    let speaker = at(i + 1).is_some_and(classify::is_speaker);
    let chain = at(i + 1).is_some_and(classify::is_title)
        && (at(i + 2).is_some_and(classify::is_speaker) || at(i + 2).is_some_and(classify::is_occasion));
    (speaker && !chain).then_some(Opening { title: true, occasion: false, speaker: true })
}

/// Right under the digest title, a single-speech report may go straight to its occasion or speaker
/// line: `政府工作报告` / `——2024年3月5日在…` / `国务院总理　李强`. The speech's title is the digest's.
pub(super) fn report_opening(lines: &[SourceLine<'_>], i: usize) -> Option<Opening> {
    let at = |k: usize| plain_at(lines, k);
    if at(i).is_some_and(classify::is_occasion) {
        let speaker = at(i + 1).is_some_and(classify::is_speaker);
        return Some(Opening { title: false, occasion: true, speaker });
    }
    (at(i).is_some_and(classify::is_strong_speaker) && !at(i + 1).is_some_and(classify::is_speaker))
        .then_some(Opening { title: false, occasion: false, speaker: true })
}
