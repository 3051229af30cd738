//! Parsing one digest file into the model.
//!
//! Structure is inferred from the layout the genre is published in (see the README); where that
//! cannot decide, a few line prefixes make it explicit. Every non-blank line ends up in exactly one
//! place of the model, text unchanged, and nothing here panics on any input.

use super::classify::{self, STYLES, Style, Trailer};
use super::decode::decode;
use super::model::{Digest, Line, Passage, Problem, Section, Severity, Speech, trim};

/// Longer lines are not paragraphs: the file is most likely not a digest.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// What parsing one file produced: the digest (unless the file could not be read as text at all)
/// and the problems found on the way.
pub struct Parsed {
    pub digest: Option<Digest>,
    pub problems: Vec<Problem>,
}

/// Explicit structure, for what inference cannot decide. A line may start with:
/// `# ` digest title (first line only), `## ` speech title, `@ ` speaker, `### ` section heading
/// (`###` alone: a section without heading), `> ` editor's note, `\` literal text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Plain,
    Escaped,
    Title,
    Speech,
    Speaker,
    Section,
    Note,
}

#[derive(Debug, Clone, Copy)]
struct Src<'a> {
    no: u32,
    mark: Mark,
    /// The line minus its markup prefix, as published.
    content: &'a str,
    /// `content` trimmed, what classification looks at.
    t: &'a str,
}

impl Src<'_> {
    fn line(&self) -> Line {
        Line { no: self.no, text: self.content.to_string() }
    }
    /// Inference only looks at lines the editor did not mark.
    fn plain(&self) -> bool {
        self.mark == Mark::Plain
    }
}

fn markup(raw: &str) -> (Mark, &str) {
    if let Some(rest) = raw.strip_prefix('\\') {
        return (Mark::Escaped, rest);
    }
    if trim(raw) == "###" {
        return (Mark::Section, "");
    }
    for (prefix, mark) in
        [("###", Mark::Section), ("##", Mark::Speech), ("#", Mark::Title), ("@", Mark::Speaker), (">", Mark::Note)]
    {
        if let Some(rest) = raw.strip_prefix(prefix)
            && let Some(content) = rest.strip_prefix([' ', '\u{3000}'])
            && !trim(content).is_empty()
        {
            return (mark, content);
        }
    }
    (Mark::Plain, raw)
}

struct Ctx<'a> {
    file: &'a str,
    problems: Vec<Problem>,
}

impl Ctx<'_> {
    fn problem(&mut self, line: u32, severity: Severity, message: impl Into<String>) {
        self.problems.push(Problem { file: self.file.to_string(), line, severity, message: message.into() });
    }
}

#[derive(Default)]
struct FrontMatter {
    title: Option<String>,
    date: Option<String>,
    source: Option<String>,
    url: Option<String>,
    editor: Option<String>,
}

/// Parses one file. `file` is its path relative to the corpus directory; `id` the digest id the
/// loader chose for it.
pub fn parse(file: &str, id: &str, bytes: &[u8]) -> Parsed {
    let mut cx = Ctx { file, problems: Vec::new() };
    let digest = parse_in(&mut cx, id, bytes);
    Parsed { digest, problems: cx.problems }
}

fn parse_in(cx: &mut Ctx<'_>, id: &str, bytes: &[u8]) -> Option<Digest> {
    let decoded = match decode(bytes) {
        Ok(decoded) => decoded,
        Err(e) => {
            cx.problem(e.line, Severity::Error, e.message);
            return None;
        }
    };
    if let Some((line, count)) = decoded.replaced {
        cx.problem(
            line,
            Severity::Error,
            format!("invalid UTF-8 ({count} place(s) in the file, the first on this line); shown as � until the file is fixed"),
        );
    }
    let text: &str = &decoded.text;
    if trim(text).is_empty() {
        cx.problem(0, Severity::Error, "is empty");
        return None;
    }
    let mut lines: Vec<(u32, &str)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.len() > MAX_LINE_BYTES {
            cx.problem(
                no,
                Severity::Error,
                format!(
                    "line is {} bytes long, more than a paragraph can be ({MAX_LINE_BYTES}); file not loaded",
                    raw.len()
                ),
            );
            return None;
        }
        lines.push((no, raw));
    }

    let mut fm = FrontMatter::default();
    let mut start = 0;
    if lines.first().is_some_and(|(_, l)| trim(l) == "+++") {
        let Some(close) = lines.iter().skip(1).position(|(_, l)| trim(l) == "+++") else {
            cx.problem(
                1,
                Severity::Error,
                "front matter opened with `+++` is never closed by another `+++` line; file not loaded",
            );
            return None;
        };
        let close = close + 1;
        fm = front_matter(cx, &lines[1..close]);
        start = close + 1;
    }

    let src: Vec<Src<'_>> = lines[start..]
        .iter()
        .filter(|(_, raw)| !trim(raw).is_empty())
        .enumerate()
        .map(|(i, &(no, raw))| {
            let (mut mark, mut content) = markup(raw);
            if mark == Mark::Title && i > 0 {
                // `# ` only marks the first line; elsewhere it is text.
                (mark, content) = (Mark::Plain, raw);
            }
            Src { no, mark, content, t: trim(content) }
        })
        .collect();
    if src.is_empty() {
        cx.problem(0, Severity::Error, "has front matter but no text");
        return None;
    }
    Some(build(cx, id, decoded.encoding, fm, &src))
}

fn front_matter(cx: &mut Ctx<'_>, lines: &[(u32, &str)]) -> FrontMatter {
    let mut fm = FrontMatter::default();
    let first = lines.first().map_or(2, |(no, _)| *no);
    let text: String = lines.iter().map(|(_, l)| format!("{l}\n")).collect();
    let table: toml::Table = match text.parse() {
        Ok(table) => table,
        Err(e) => {
            let line = e.span().map_or(0, |s| text[..s.start].matches('\n').count() as u32);
            let message = e.message().to_string();
            cx.problem(
                first + line,
                Severity::Error,
                format!("front matter is not valid TOML ({message}); it is ignored"),
            );
            return fm;
        }
    };
    // Line of a key, for messages.
    let key_line = |key: &str| lines.iter().find(|(_, l)| l.trim_start().starts_with(key)).map_or(first, |(no, _)| *no);
    for (key, value) in table {
        let slot = match key.as_str() {
            "title" => &mut fm.title,
            "date" => &mut fm.date,
            "source" => &mut fm.source,
            "url" => &mut fm.url,
            "editor" => &mut fm.editor,
            _ => {
                cx.problem(
                    key_line(&key),
                    Severity::Warning,
                    format!("unknown front matter key `{key}` is ignored (known: title, date, source, url, editor)"),
                );
                continue;
            }
        };
        let text = match (&value, key.as_str()) {
            (toml::Value::String(s), _) => s.trim().to_string(),
            (toml::Value::Datetime(d), "date") => d.to_string(),
            _ => {
                cx.problem(
                    key_line(&key),
                    Severity::Error,
                    format!("front matter `{key}` must be a string; it is ignored"),
                );
                continue;
            }
        };
        if key == "date" && chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_err() {
            cx.problem(
                key_line(&key),
                Severity::Error,
                format!("front matter `date` must be a date like 2024-03-05, not `{text}`; it is ignored"),
            );
            continue;
        }
        if !text.is_empty() {
            *slot = Some(text);
        }
    }
    fm
}

/// A speech while its lines are being collected.
#[derive(Default)]
struct Draft<'a> {
    title_line: Option<Line>,
    occasion: Option<Line>,
    speaker: Option<Line>,
    body: Vec<Src<'a>>,
    first_line: u32,
}

/// How a speech starts at some line: which of title, occasion and speaker lines it has.
struct Start {
    title: bool,
    occasion: bool,
    speaker: bool,
}

impl Start {
    fn len(&self) -> usize {
        usize::from(self.title) + usize::from(self.occasion) + usize::from(self.speaker)
    }
}

fn plain_at<'a>(src: &'a [Src<'a>], i: usize) -> Option<&'a str> {
    src.get(i).filter(|s| s.plain()).map(|s| s.t)
}

/// A speech starts with a title line, an optional occasion line and a speaker line. When a chain
/// of such lines follows (a paragraph without final punctuation, then a headline, then a speaker),
/// the last title before the speaker is the one.
fn speech_start(src: &[Src<'_>], i: usize) -> Option<Start> {
    let at = |k: usize| plain_at(src, k);
    if !at(i).is_some_and(classify::is_title) {
        return None;
    }
    if at(i + 1).is_some_and(classify::is_occasion) {
        let speaker = at(i + 2).is_some_and(classify::is_speaker);
        return Some(Start { title: true, occasion: true, speaker });
    }
    let speaker = at(i + 1).is_some_and(classify::is_speaker);
    let chain = at(i + 1).is_some_and(classify::is_title)
        && (at(i + 2).is_some_and(classify::is_speaker) || at(i + 2).is_some_and(classify::is_occasion));
    (speaker && !chain).then_some(Start { title: true, occasion: false, speaker: true })
}

/// Right under the digest title, a single-speech report may go straight to its occasion or speaker
/// line: `政府工作报告` / `——2024年3月5日在…` / `国务院总理　李强`. The speech's title is the digest's.
fn report_start(src: &[Src<'_>], i: usize) -> Option<Start> {
    let at = |k: usize| plain_at(src, k);
    if at(i).is_some_and(classify::is_occasion) {
        let speaker = at(i + 1).is_some_and(classify::is_speaker);
        return Some(Start { title: false, occasion: true, speaker });
    }
    (at(i).is_some_and(classify::is_strong_speaker) && !at(i + 1).is_some_and(classify::is_speaker)).then_some(Start {
        title: false,
        occasion: false,
        speaker: true,
    })
}

fn build(cx: &mut Ctx<'_>, id: &str, encoding: &'static str, fm: FrontMatter, src: &[Src<'_>]) -> Digest {
    let mut d = Digest {
        id: id.to_string(),
        file: cx.file.to_string(),
        encoding,
        title: String::new(),
        title_line: None,
        date: fm.date,
        source: fm.source,
        url: fm.url,
        editor: fm.editor,
        note_label: None,
        note: Vec::new(),
        trailer: Vec::new(),
        speeches: Vec::new(),
    };
    let explicit = src.iter().any(|s| matches!(s.mark, Mark::Speech | Mark::Speaker));
    let mut i = 0;
    if matches!(src[0].mark, Mark::Plain | Mark::Escaped | Mark::Title) {
        d.title_line = Some(src[0].line());
        i = 1;
    }
    d.title = match (fm.title, &d.title_line) {
        (Some(title), _) => title,
        (None, Some(line)) => line.display().to_string(),
        (None, None) => {
            cx.problem(
                src[0].no,
                Severity::Warning,
                "no title line (the first line is markup) and no `title` in front matter; using the file name",
            );
            cx.file.rsplit('/').next().unwrap_or(cx.file).trim_end_matches(".txt").to_string()
        }
    };
    let title_date = d.title_line.as_ref().and_then(|l| classify::cn_date(l.display()));

    let mut in_note = false;
    if src.get(i).is_some_and(|s| s.plain() && classify::is_note_label(s.t)) {
        d.note_label = Some(src[i].line());
        in_note = true;
        i += 1;
    } else if src.get(i).is_some_and(|s| s.plain() && classify::is_inline_note(s.t)) {
        d.note.push(src[i].line());
        in_note = true;
        i += 1;
    }
    // Without a label, lines between the title and the first speech are the editor's note too,
    // provided a speech does start later on.
    let first_start = (i..src.len()).find(|&k| {
        if explicit { matches!(src[k].mark, Mark::Speech | Mark::Speaker) } else { speech_start(src, k).is_some() }
    });
    if !in_note
        && let Some(first) = first_start
        && first > i
        && (explicit || report_start(src, i).is_none())
    {
        in_note = true;
    }

    let mut drafts: Vec<Draft<'_>> = Vec::new();
    while i < src.len() {
        let s = src[i];
        let started = if s.mark == Mark::Speech {
            let mut draft = Draft { title_line: Some(s.line()), first_line: s.no, ..Draft::default() };
            i += 1;
            if plain_at(src, i).is_some_and(classify::is_occasion) {
                draft.occasion = Some(src[i].line());
                i += 1;
            }
            if src.get(i).is_some_and(|n| n.mark == Mark::Speaker || (n.plain() && classify::is_speaker(n.t))) {
                draft.speaker = Some(src[i].line());
                i += 1;
            }
            Some(draft)
        } else if s.mark == Mark::Speaker {
            i += 1;
            match drafts.last_mut() {
                Some(last) if last.speaker.is_none() && last.body.is_empty() => {
                    last.speaker = Some(s.line());
                    continue;
                }
                _ => Some(Draft { speaker: Some(s.line()), first_line: s.no, ..Draft::default() }),
            }
        } else if s.mark == Mark::Note {
            d.note.push(s.line());
            i += 1;
            continue;
        } else if s.plain()
            && let Some(kind) = classify::trailer(s.t)
        {
            match kind {
                Trailer::Editor(name) if d.editor.is_none() => d.editor = Some(name.to_string()),
                Trailer::Source(source) if d.source.is_none() => d.source = Some(source.to_string()),
                _ => {}
            }
            d.trailer.push(s.line());
            i += 1;
            continue;
        } else if explicit {
            None
        } else {
            // Before any speech, an occasion or a speaker line also ends an editor's note: a
            // single-speech report may have one.
            let start = speech_start(src, i).or_else(|| drafts.is_empty().then(|| report_start(src, i)).flatten());
            start.map(|start| {
                let mut draft = Draft { first_line: s.no, ..Draft::default() };
                let mut k = i;
                let mut take = |flag: bool| {
                    let line = flag.then(|| src[k].line());
                    k += usize::from(flag);
                    line
                };
                draft.title_line = take(start.title);
                draft.occasion = take(start.occasion);
                draft.speaker = take(start.speaker);
                i += start.len();
                draft
            })
        };
        if let Some(draft) = started {
            in_note = false;
            drafts.push(draft);
            continue;
        }
        if in_note && s.mark != Mark::Section {
            d.note.push(s.line());
        } else {
            if drafts.is_empty() {
                // Text with no speech to belong to: a speech whose speaker line is missing.
                let mut draft = Draft { first_line: s.no, ..Draft::default() };
                let next_is_text = plain_at(src, i + 1).is_some_and(|t| !classify::is_title(t));
                if s.plain() && classify::is_title(s.t) && next_is_text {
                    draft.title_line = Some(s.line());
                    drafts.push(draft);
                    i += 1;
                    continue;
                }
                drafts.push(draft);
            }
            if let Some(last) = drafts.last_mut() {
                last.body.push(s);
            }
        }
        i += 1;
    }

    if d.date.is_none() {
        d.date = drafts
            .iter()
            .find_map(|dr| dr.occasion.as_ref().and_then(|o| classify::cn_date(o.display())))
            .or(title_date);
    }
    for draft in drafts {
        let speech = finish_speech(cx, &d, draft);
        d.speeches.push(speech);
    }
    if d.speeches.is_empty() {
        let line = d.title_line.as_ref().map_or(0, |l| l.no);
        cx.problem(
            line,
            Severity::Error,
            "has no speeches: after the title there must be a speech title and its speaker, then text (see the README)",
        );
    }
    d
}

fn finish_speech(cx: &mut Ctx<'_>, d: &Digest, draft: Draft<'_>) -> Speech {
    let title = draft.title_line.as_ref().map_or_else(|| d.title.clone(), |l| l.display().to_string());
    if draft.speaker.is_none() {
        cx.problem(
            draft.first_line,
            Severity::Warning,
            format!(
                "speech 「{}」 has no speaker line; put the speaker on the line after the title, or mark it with `@ `",
                short(&title)
            ),
        );
    }
    if draft.body.is_empty() {
        cx.problem(draft.first_line, Severity::Warning, format!("speech 「{}」 has no text", short(&title)));
    }
    Speech {
        id: format!("{}_s{}", d.id, draft.first_line),
        title,
        title_line: draft.title_line,
        occasion: draft.occasion,
        speaker: draft.speaker,
        sections: sections(&d.id, &draft.body),
    }
}

fn short(text: &str) -> String {
    match text.char_indices().nth(20) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// Splits a speech's body into sections: at `###` marks when the speech has any, else at the
/// numbered headings of the best style that forms a sequence (1, 2, …).
fn sections(digest_id: &str, body: &[Src<'_>]) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut current: Option<Section> = None;
    let open = |first: u32, heading: Option<String>, heading_line: Option<Line>| Section {
        id: format!("{digest_id}_c{first}"),
        heading,
        heading_line,
        passages: Vec::new(),
    };
    let explicit = body.iter().any(|s| s.mark == Mark::Section);
    let style = if explicit { None } else { section_style(body) };
    let mut last_number = 0;
    for s in body {
        let passage = || Passage { id: format!("{digest_id}_p{}", s.no), line: s.line() };
        let mut heading = None;
        if s.mark == Mark::Section {
            heading = Some((!s.t.is_empty()).then(|| s.line()).ok_or(()));
        } else if let Some(style) = style
            && s.plain()
            && let Some(h) = classify::heading(s.t).filter(|h| h.style == style)
            && (h.number == last_number + 1 || (h.number == 1 && (last_number == 0 || classify::restarts(style))))
        {
            last_number = h.number;
            heading = Some(if h.standalone { Ok(s.line()) } else { Err(()) });
        }
        match heading {
            Some(Ok(line)) => {
                out.extend(current.take());
                current = Some(open(s.no, Some(line.display().to_string()), Some(line)));
            }
            // An inline heading: the paragraph opens the section and stays whole as its first passage.
            Some(Err(())) if s.mark != Mark::Section => {
                out.extend(current.take());
                let mut section = open(s.no, Some(classify::inline_heading(s.t)), None);
                section.passages.push(passage());
                current = Some(section);
            }
            // `###` alone: a section without heading (closing paragraphs, say).
            Some(Err(())) => {
                out.extend(current.take());
                current = Some(open(s.no, None, None));
            }
            None => current.get_or_insert_with(|| open(s.no, None, None)).passages.push(passage()),
        }
    }
    out.extend(current);
    // A `###` line opens a section but holds no text; give an empty one the id of what it holds.
    out.retain(|s| s.heading_line.is_some() || s.heading.is_some() || !s.passages.is_empty());
    out
}

/// The numbering style a speech's sections are made of: the best-ranked style whose headings count
/// 1, 2, … at least once.
fn section_style(body: &[Src<'_>]) -> Option<Style> {
    let headings: Vec<_> = body.iter().filter(|s| s.plain()).filter_map(|s| classify::heading(s.t)).collect();
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
