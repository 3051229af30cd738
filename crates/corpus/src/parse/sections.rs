//! Splitting a speech's body into sections, and choosing the numbering style that heads them.

use super::markup::{Mark, SourceLine};
use crate::classify::{self, STYLES, Style};
use crate::model::{Line, Passage, Section};

/// How a line of a speech's body opens a new section.
enum SectionOpening {
    /// A heading on a line of its own: `### …`, or a numbered heading that is the whole line.
    HeadingLine(Line),
    /// A paragraph that opens with a numbered heading (`一是坚持党的领导，把牢政治方向。镇党委…`):
    /// the heading is its first sentence or clause, and the paragraph stays whole as the section's
    /// first passage.
    HeadingParagraph,
    /// A bare `###` mark: a section without heading (closing paragraphs, say).
    BareMark,
}

/// Splits a speech's body into sections: at `###` marks when the speech has any, else at the
/// numbered headings of the best style that forms a sequence (1, 2, …). Appendices after the
/// text (`附件1`, `注释`, notes `［1］…`) are sections of their own, each headed by its label, and
/// what they number is theirs, not the speech's.
pub(super) fn sections(body: &[SourceLine<'_>]) -> Vec<Section> {
    let explicit = body.iter().any(|line| line.mark == Mark::Section);
    let appendix = if explicit { body.len() } else { appendix_start(body) };
    let mut out = main_sections(&body[..appendix], explicit);
    out.extend(appendices(&body[appendix..]));
    out
}

/// Where the appendices start: the first appendix label (or, without one, a list of notes
/// `［1］`, `［2］`…) after the last section heading and some text; the end of the body when there
/// is none.
fn appendix_start(body: &[SourceLine<'_>]) -> usize {
    let is_label = |line: &SourceLine<'_>| line.plain() && classify::is_appendix_label(line.trimmed);
    let note = |n: u32| move |line: &SourceLine<'_>| line.plain() && classify::note_number(line.trimmed) == Some(n);
    // Most speeches have no appendix: only a body with a label or a note is numbered twice.
    if !body.iter().skip(1).any(|line| is_label(line) || note(1)(line)) {
        return body.len();
    }
    let style = section_style(body);
    let mut numbers = Numbers::default();
    let last_heading = body
        .iter()
        .enumerate()
        .filter(|(_, line)| section_opening(line, style, &mut numbers).is_some())
        .map(|(i, _)| i)
        .last()
        .unwrap_or(0);
    let first_after = |found: &dyn Fn(&SourceLine<'_>) -> bool| {
        body.iter().enumerate().skip(last_heading + 1).find(|(_, line)| line.plain() && found(line)).map(|(i, _)| i)
    };
    if let Some(i) = first_after(&is_label) {
        return i;
    }
    match first_after(&note(1)) {
        Some(i) if body[i..].iter().any(note(2)) => i,
        _ => body.len(),
    }
}

/// The appendices: a section for each label, the lines under it its passages. A label right under
/// another (`附件2` / `名词解释`) is the title of the first, not an appendix of its own.
fn appendices(lines: &[SourceLine<'_>]) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for line in lines {
        let passage = Passage { id: String::new(), line: line.line() };
        let label = line.plain() && classify::is_appendix_label(line.trimmed);
        match out.last_mut() {
            Some(last) if !label || last.passages.is_empty() => last.passages.push(passage),
            _ if label => out.push(Section {
                id: String::new(),
                heading: Some(line.trimmed.to_string()),
                heading_line: Some(line.line()),
                passages: Vec::new(),
            }),
            _ => out.push(Section { id: String::new(), heading: None, heading_line: None, passages: vec![passage] }),
        }
    }
    out
}

fn main_sections(body: &[SourceLine<'_>], explicit: bool) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut current: Option<Section> = None;
    let open = |heading: Option<String>, heading_line: Option<Line>| Section {
        id: String::new(),
        heading,
        heading_line,
        passages: Vec::new(),
    };
    let style = if explicit { None } else { section_style(body) };
    let mut numbers = Numbers::default();
    for line in body {
        let passage = || Passage { id: String::new(), line: line.line() };
        match section_opening(line, style, &mut numbers) {
            Some(SectionOpening::HeadingLine(heading)) => {
                out.extend(current.take());
                current = Some(open(Some(heading.display().to_string()), Some(heading)));
            }
            Some(SectionOpening::HeadingParagraph) => {
                out.extend(current.take());
                let mut section = open(Some(classify::inline_heading(line.trimmed)), None);
                section.passages.push(passage());
                current = Some(section);
            }
            Some(SectionOpening::BareMark) => {
                out.extend(current.take());
                current = Some(open(None, None));
            }
            None => current.get_or_insert_with(|| open(None, None)).passages.push(passage()),
        }
    }
    out.extend(current);
    // A bare `###` right before another heading, or at the end of the speech, opens a section with
    // nothing to show: it is dropped.
    out.retain(|s| s.heading_line.is_some() || s.heading.is_some() || !s.passages.is_empty());
    out
}

/// Where the numbering of a speech's sections is.
#[derive(Default)]
struct Numbers {
    /// The number of the last section heading.
    last: u32,
    /// Inside a list numbered like the sections (`一、…十、` under `三、`): its last number.
    list: Option<u32>,
}

/// Whether `line` opens a section. Without `###` marks, only headings of the speech's `style` do,
/// and only when they continue the sequence. In a style that numbers a speech's headings once,
/// `一、` again after `三、` starts a list, and the numbers that carry that list on are its items.
fn section_opening(line: &SourceLine<'_>, style: Option<Style>, numbers: &mut Numbers) -> Option<SectionOpening> {
    if line.mark == Mark::Section {
        return Some(if line.trimmed.is_empty() {
            SectionOpening::BareMark
        } else {
            SectionOpening::HeadingLine(line.line())
        });
    }
    let style = style?;
    if !line.plain() {
        return None;
    }
    let heading = classify::heading(line.trimmed).filter(|h| h.style == style)?;
    let restarts = classify::restarts(style);
    if !restarts && heading.number == 1 && numbers.last >= 1 {
        numbers.list = Some(1);
        return None;
    }
    if numbers.list.is_some_and(|item| heading.number == item + 1) {
        numbers.list = Some(heading.number);
        return None;
    }
    let continues = heading.number == numbers.last + 1 || (heading.number == 1 && (numbers.last == 0 || restarts));
    if !continues {
        return None;
    }
    numbers.last = heading.number;
    numbers.list = None;
    Some(if heading.standalone { SectionOpening::HeadingLine(line.line()) } else { SectionOpening::HeadingParagraph })
}

/// The numbering style a speech's sections are made of: the best-ranked style whose headings count
/// 1, 2, … at least once.
fn section_style(body: &[SourceLine<'_>]) -> Option<Style> {
    let headings: Vec<_> =
        body.iter().filter(|line| line.plain()).filter_map(|line| classify::heading(line.trimmed)).collect();
    STYLES.into_iter().find(|&style| {
        let mut last = 0;
        headings.iter().filter(|h| h.style == style).any(|h| {
            let follows = h.number == last + 1 && last >= 1;
            if h.number == 1 || h.number == last + 1 {
                last = h.number;
            }
            follows
        })
    })
}
