//! Web-page furniture: what a page printed around a document copied or saved from it (buttons,
//! breadcrumbs, `来源：`/`时间：` lines, share prompts, related links, notices). It is set aside before
//! the document is read, so that it never becomes a title, a speech or a passage.
//!
//! Only the head of a file (up to its first line of running text) and its tail (after its last) are
//! looked at: inside the text the same words may be text. Lines the editor marked up are never
//! furniture, so `\` keeps a line that looks like furniture in the text.

use super::markup::SourceLine;
use super::openings::speech_opening;
use crate::classify::{self, Furniture, MetaKey};
use crate::model::Line;

/// Where a line that is not the document's text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Aside {
    /// The digest's preamble: furniture before the text.
    Preamble,
    /// The digest's trailer: byline lines (`来源：…`, `[ 编辑:… ]`) and furniture after the text.
    Trailer,
}

/// The lines of a file with its furniture set aside.
pub(super) struct Split<'a> {
    /// The document's lines, furniture taken out: what the rest of the parser reads.
    pub content: Vec<SourceLine<'a>>,
    /// The lines set aside, in file order, with where each goes.
    pub aside: Vec<(Aside, SourceLine<'a>)>,
    /// The source the page's metadata gives, when not on a byline line of its own
    /// (`来源：` with its value on the next line, `发布时间：…　来源：…`).
    pub source: Option<String>,
    /// The date the page's metadata gives (`时间：2026-02-02`).
    pub date: Option<String>,
    /// Who the page's metadata says wrote it (`作者：…`).
    pub author: Option<String>,
}

impl Split<'_> {
    pub fn lines(&self, place: Aside) -> Vec<Line> {
        self.aside.iter().filter(|(a, _)| *a == place).map(|(_, line)| line.line()).collect()
    }
}

/// Sets the furniture of `lines` aside. When every line would be furniture, none is: a file is
/// never left without text by this.
pub(super) fn split<'a>(lines: &[SourceLine<'a>]) -> Split<'a> {
    let mut roles: Vec<Option<Aside>> = vec![None; lines.len()];
    let mut meta = Meta::default();
    let head_end = head(lines, &mut roles, &mut meta);
    tail(lines, head_end, &mut roles);
    if roles.iter().all(Option::is_some) {
        roles.iter_mut().for_each(|role| *role = None);
        meta = Meta::default();
    }
    let Meta { source, date, author } = meta;
    let mut split = Split { content: Vec::new(), aside: Vec::new(), source, date, author };
    for (line, role) in lines.iter().zip(roles) {
        match role {
            Some(aside) => split.aside.push((aside, *line)),
            None => split.content.push(*line),
        }
    }
    split
}

/// Where a report's title starts among the first content lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TitleStart {
    /// How many lines stand above the title without being a digest's.
    pub above: usize,
    /// The page broke the title in two (`政府工作报` / `告`): the line after the first is its end.
    pub broken: bool,
}

/// How many of the first content lines stand above a report's title without being a digest's:
/// the site's name, a column, a title printed twice. That is so when the file opens a report (a
/// title over a dated occasion and the speaker) under only a few short lines that are no text, and
/// no other speech clearly opens after it; a digest of several speeches keeps its first line as
/// its title.
pub(super) fn above_title(content: &[SourceLine<'_>]) -> TitleStart {
    // A page's metadata table (`索引号` / `…` / `发布机构` / `…`) can take a dozen lines.
    const MAX_ABOVE: usize = 12;
    let none = TitleStart { above: 0, broken: false };
    let opens_speech = |k: usize| speech_opening(content, k, true);
    let opens_report = |k: usize| opens_speech(k).is_some_and(|opening| opening.occasion > 0);
    let Some(title) = (0..content.len().min(MAX_ABOVE + 1)).find(|&k| opens_report(k)) else { return none };
    let above = &content[..title];
    let short = above.iter().all(|line| line.plain() && line.trimmed.chars().count() <= 40 && !is_text(line.trimmed));
    let alone = !(title + 1..content.len()).any(|k| opens_speech(k).is_some());
    if !(short && alone) {
        return none;
    }
    let broken = title > 0 && is_broken_off(&content[title - 1], &content[title]);
    TitleStart { above: title - usize::from(broken), broken }
}

/// A title line that is the end of the line above it, which the page broke: a character or two,
/// with no blank line between them. A report's title is never that short, and a site's name or a
/// column above a title is set apart from it.
fn is_broken_off(above: &SourceLine<'_>, title: &SourceLine<'_>) -> bool {
    let ends_in_word = above.trimmed.chars().last().is_some_and(classify::is_han);
    above.no + 1 == title.no && title.trimmed.chars().count() <= 2 && ends_in_word
}

/// Running text: a heading, a sentence, or a line too long for furniture.
fn is_text(t: &str) -> bool {
    classify::heading(t).is_some() || t.contains(['。', '！', '？', '；']) || t.chars().count() > 60
}

/// What the page's metadata said, the first time it said it.
#[derive(Default)]
struct Meta {
    source: Option<String>,
    date: Option<String>,
    author: Option<String>,
}

/// Marks the furniture of the head of the file; returns where the text starts.
fn head(lines: &[SourceLine<'_>], roles: &mut [Option<Aside>], meta: &mut Meta) -> usize {
    let mut i = 0;
    // After a lone `>`, the next short line is a part of the breadcrumb.
    let mut after_separator = false;
    while let Some(line) = lines.get(i) {
        let t = line.trimmed;
        let kind = line.plain().then(|| classify::furniture(t)).flatten();
        if kind.is_none() && is_text(t) {
            return i;
        }
        if !line.plain() {
            i += 1;
            after_separator = false;
            continue;
        }
        if classify::trailer(t).is_some() {
            roles[i] = Some(Aside::Trailer);
        } else if let Some(kind) = kind {
            roles[i] = Some(Aside::Preamble);
            match kind {
                Furniture::Meta { key, value } => {
                    let next = lines.get(i + 1).filter(|next| value.is_empty() && is_value(next));
                    if key == MetaKey::Source {
                        // A source is a byline wherever it is printed, and the trailer keeps bylines.
                        roles[i] = Some(Aside::Trailer);
                    }
                    // `发布时间：2026-01-30 10:15　来源：某省人民政府` says both.
                    let pairs = match next {
                        Some(next) => vec![(key, next.trimmed)],
                        None => classify::meta_pairs(t),
                    };
                    for (key, value) in pairs.into_iter().filter(|(_, value)| !value.is_empty()) {
                        let slot = match key {
                            MetaKey::Source => &mut meta.source,
                            MetaKey::Author => &mut meta.author,
                            MetaKey::Date => {
                                meta.date = meta.date.take().or_else(|| classify::stamp_date(value));
                                continue;
                            }
                            MetaKey::Other => continue,
                        };
                        slot.get_or_insert_with(|| value.to_string());
                    }
                    if next.is_some() {
                        roles[i + 1] = roles[i];
                        i += 1;
                    }
                }
                Furniture::Stamp if meta.date.is_none() => meta.date = classify::stamp_date(t),
                _ => {}
            }
        } else if after_separator
            && t.chars().count() <= 20
            && !lines.get(i + 1).is_some_and(|next| next.plain() && classify::is_occasion(next.trimmed))
        {
            // The last part of a breadcrumb is often the title itself; right over its occasion, it is.
            roles[i] = Some(Aside::Preamble);
        }
        after_separator = roles[i].is_some() && is_separator(t);
        i += 1;
    }
    i
}

/// The value of a key printed alone on the line before: short, and not itself furniture or text.
fn is_value(line: &SourceLine<'_>) -> bool {
    line.plain()
        && line.trimmed.chars().count() <= 30
        && !is_text(line.trimmed)
        && (classify::furniture(line.trimmed).is_none_or(|kind| kind == Furniture::Stamp))
}

fn is_separator(t: &str) -> bool {
    !t.is_empty() && t.chars().all(|c| matches!(c, '>' | '＞' | '»' | '›' | '/' | '|' | ' ' | '\u{3000}'))
}

/// Marks the furniture of the tail of the file, after `head_end`: the lines after the last line of
/// text that are furniture, and a list of related links with its label (`相关报道：` and the titles
/// under it). Byline lines stay for the speech collector, which puts them in the trailer anywhere.
fn tail(lines: &[SourceLine<'_>], head_end: usize, roles: &mut [Option<Aside>]) {
    let mut end = lines.len();
    while end > head_end {
        let line = &lines[end - 1];
        if !line.plain() {
            break;
        }
        if classify::trailer(line.trimmed).is_some() {
            end -= 1;
        } else if classify::furniture(line.trimmed).is_some() {
            roles[end - 1] = Some(Aside::Trailer);
            end -= 1;
        } else {
            break;
        }
    }
    // Related links: a label, then short titles, up to the lines already set aside.
    const MAX_LINKS: usize = 20;
    let mut k = end;
    while k > head_end && end - k < MAX_LINKS {
        let line = &lines[k - 1];
        let t = line.trimmed;
        if !line.plain() || t.contains('。') || t.chars().count() > 60 || classify::heading(t).is_some() {
            return;
        }
        if matches!(classify::furniture(t), Some(Furniture::Link)) {
            for role in &mut roles[k - 1..end] {
                role.get_or_insert(Aside::Trailer);
            }
            for (line, role) in lines[k - 1..end].iter().zip(&mut roles[k - 1..end]) {
                if classify::trailer(line.trimmed).is_some() {
                    *role = None;
                }
            }
            return;
        }
        k -= 1;
    }
}
