//! Splitting a speech's body into sections, and choosing the numbering style that heads them.

use super::element_id;
use super::markup::{Mark, SourceLine};
use crate::corpus::classify::{self, STYLES, Style};
use crate::corpus::model::{Line, Passage, Section};

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
/// numbered headings of the best style that forms a sequence (1, 2, …).
pub(super) fn sections(digest_id: &str, body: &[SourceLine<'_>]) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut current: Option<Section> = None;
    let open = |first: u32, heading: Option<String>, heading_line: Option<Line>| Section {
        id: element_id(digest_id, 'c', first),
        heading,
        heading_line,
        passages: Vec::new(),
    };
    let explicit = body.iter().any(|line| line.mark == Mark::Section);
    let style = if explicit { None } else { section_style(body) };
    let mut last_number = 0;
    for line in body {
        let passage = || Passage { id: element_id(digest_id, 'p', line.no), line: line.line() };
        match section_opening(line, style, &mut last_number) {
            Some(SectionOpening::HeadingLine(heading)) => {
                out.extend(current.take());
                current = Some(open(line.no, Some(heading.display().to_string()), Some(heading)));
            }
            Some(SectionOpening::HeadingParagraph) => {
                out.extend(current.take());
                let mut section = open(line.no, Some(classify::inline_heading(line.trimmed)), None);
                section.passages.push(passage());
                current = Some(section);
            }
            Some(SectionOpening::BareMark) => {
                out.extend(current.take());
                current = Some(open(line.no, None, None));
            }
            None => current.get_or_insert_with(|| open(line.no, None, None)).passages.push(passage()),
        }
    }
    out.extend(current);
    // A bare `###` right before another heading, or at the end of the speech, opens a section with
    // nothing to show: it is dropped.
    out.retain(|s| s.heading_line.is_some() || s.heading.is_some() || !s.passages.is_empty());
    out
}

/// Whether `line` opens a section. Without `###` marks, only headings of the speech's `style` do,
/// and only when they continue the sequence: `last_number` is the number of the last one.
fn section_opening(line: &SourceLine<'_>, style: Option<Style>, last_number: &mut u32) -> Option<SectionOpening> {
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
    let continues =
        heading.number == *last_number + 1 || (heading.number == 1 && (*last_number == 0 || classify::restarts(style)));
    if !continues {
        return None;
    }
    *last_number = heading.number;
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
