//! Where a speech starts when the editor did not mark it: the shapes of its first lines.

use super::markup::SourceLine;
use crate::classify;

/// The lines a speech opens with, in this order: a title, the occasion, the speaker (the speaker
/// may come before the occasion).
pub(super) struct Opening {
    pub title: bool,
    /// Lines of the occasion: 0, 1, or 2 when the page broke it.
    pub occasion: usize,
    /// Lines of the speaker: 0, 1, or 2 for a role and a name printed apart.
    pub speaker: usize,
    /// The speaker's lines come before the occasion's.
    pub speaker_first: bool,
}

/// The trimmed text of line `i`, unless it is missing or marked up.
pub(super) fn plain_at<'a>(lines: &'a [SourceLine<'a>], i: usize) -> Option<&'a str> {
    lines.get(i).filter(|line| line.plain()).map(|line| line.trimmed)
}

/// How many lines from `i` are an occasion: one, two when the page broke it, or none.
pub(super) fn occasion_len(lines: &[SourceLine<'_>], i: usize) -> usize {
    let at = |k: usize| plain_at(lines, k);
    match (at(i), at(i + 1)) {
        (Some(first), Some(next)) if classify::is_split_occasion(first, next) => 2,
        (Some(first), _) if classify::is_occasion(first) => 1,
        _ => 0,
    }
}

/// Whether the occasion of `len` lines from `i` names the speaker too.
pub(super) fn occasion_names_speaker(lines: &[SourceLine<'_>], i: usize, len: usize) -> bool {
    len > 0 && plain_at(lines, i + len - 1).is_some_and(|last| classify::split_occasion(last).is_some())
}

/// How many lines from `i` name the speaker: a role and a name on lines of their own
/// (`国务院总理` / `李　强`) are two; a speaker line is one, unless the page broke a sentence there
/// (the next line carries it on).
pub(super) fn speaker_len(lines: &[SourceLine<'_>], i: usize) -> usize {
    let at = |k: usize| plain_at(lines, k);
    let Some(first) = at(i).filter(|t| classify::is_speaker(t)) else { return 0 };
    if at(i + 1).is_some_and(classify::is_name) && classify::is_role(first) {
        return 2;
    }
    usize::from(!at(i + 1).is_some_and(classify::continues_sentence))
}

/// A role and a person's name: `某市市长　张三`, `国务院总理 李　强`.
fn is_person(t: &str) -> bool {
    let (role, name) = classify::role_and_name(t);
    !role.is_empty() && classify::is_name(name)
}

/// A speech starts with a title line, an optional occasion and a speaker line. When a chain of
/// such lines follows (a paragraph without final punctuation, then a headline, then a speaker),
/// the last title before the speaker is the one. A line the page broke off mid-sentence is no
/// speaker: the line after it carries the sentence on.
/// With `full`, only a title over a dated occasion and a speaker, or over a role and a person's
/// name, opens a speech: inside a report, a short line over another is far more often a bold lead
/// sentence, a fragment of a broken line or an appendix's label than a new speech.
pub(super) fn speech_opening(lines: &[SourceLine<'_>], i: usize, full: bool) -> Option<Opening> {
    let at = |k: usize| plain_at(lines, k);
    if !at(i).is_some_and(|t| classify::is_title(t) && !classify::is_appendix_label(t)) {
        return None;
    }
    let occasion = occasion_len(lines, i + 1);
    if occasion > 0 {
        let speaker =
            if occasion_names_speaker(lines, i + 1, occasion) { 0 } else { speaker_len(lines, i + 1 + occasion) };
        let named = speaker > 0 || occasion_names_speaker(lines, i + 1, occasion);
        let dated = at(i + 1).is_some_and(classify::is_dated_occasion);
        if full && !(named && dated) {
            return None;
        }
        // `某省省长　王浩` over its occasion, with no speaker under it, is the speaker, not a title.
        if !named && at(i).is_some_and(classify::is_strong_speaker) {
            return None;
        }
        return Some(Opening { title: true, occasion, speaker, speaker_first: false });
    }
    let speaker = speaker_len(lines, i + 1);
    if speaker == 2 {
        return Some(Opening { title: true, occasion: 0, speaker, speaker_first: false });
    }
    if full {
        // A person (`某市市长　张三`) still opens one: a bold lead sentence is never a role and a name.
        let person = speaker == 1 && at(i + 1).is_some_and(is_person);
        return person.then_some(Opening { title: true, occasion: 0, speaker: 1, speaker_first: false });
    }
    let chain = at(i + 1).is_some_and(classify::is_title)
        && (at(i + 2).is_some_and(classify::is_speaker) || at(i + 2).is_some_and(classify::is_occasion));
    (speaker == 1 && !chain).then_some(Opening { title: true, occasion: 0, speaker: 1, speaker_first: false })
}

/// Right under the digest title, a single-speech report may go straight to its occasion or speaker
/// line: `政府工作报告` / `——2024年3月5日在…` / `国务院总理　李强`. The speech's title is the digest's.
pub(super) fn report_opening(lines: &[SourceLine<'_>], i: usize) -> Option<Opening> {
    let at = |k: usize| plain_at(lines, k);
    let occasion = occasion_len(lines, i);
    if occasion > 0 {
        let speaker = if occasion_names_speaker(lines, i, occasion) { 0 } else { speaker_len(lines, i + occasion) };
        return Some(Opening { title: false, occasion, speaker, speaker_first: false });
    }
    let two_lines = speaker_len(lines, i) == 2;
    let strong = at(i).is_some_and(classify::is_strong_speaker) && speaker_len(lines, i) == 1;
    if !two_lines && !strong {
        return None;
    }
    let speaker = if two_lines { 2 } else { 1 };
    let occasion = occasion_len(lines, i + speaker);
    (occasion > 0 || two_lines || !at(i + 1).is_some_and(classify::is_speaker)).then_some(Opening {
        title: false,
        occasion,
        speaker,
        speaker_first: true,
    })
}
