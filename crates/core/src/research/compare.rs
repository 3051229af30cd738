//! `/compare <id> <id>`: two digests or speeches side by side. A summary first (paragraph counts,
//! sections, new and dropped formulations, changed numbers), then the paragraphs aligned, page by
//! page, and the whole as a spreadsheet.
//!
//! Comparing two long reports takes tens of milliseconds, so the command answers with an
//! [`Effect::Compare`] that the edge runs off its async workers; at most [`MAX_RUNNING`] run at
//! once, and the last [`CACHED`] results are kept, so paging and exporting reuse them.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

use digestbot_corpus::Loc;
use digestbot_search::compare::{self, Comparison, Formulation, Kind, Mark, Row};
use digestbot_search::library::Library;

use super::text as msg;
use crate::action::{Action, Findings};
use crate::attachment::{Attachment, Cell, Sheet, Table};
use crate::caller::Caller;
use crate::naming::{cut, dated_title};
use crate::query_cache::QueryCache;
use crate::reply::{Attached, Button, Effect, Message, Response, Rich, Style, plain};
use crate::widgets::{button, export_button, list_page, pager};

/// Comparisons computed at once: the machine's cores; more would only slow each down.
pub const MAX_RUNNING: usize = 2;
/// Results kept for paging and exporting.
const CACHED: usize = 16;
/// Formulations and numbers shown in the summary (the spreadsheet has them all).
const SHOWN: usize = 12;
/// Characters of the aligned paragraphs on one page: a Telegram message holds 4096.
const PAGE_CHARS: usize = 2500;
/// Unchanged text inside a changed paragraph is shortened to this much on each side of a change.
const CONTEXT_CHARS: usize = 24;
/// A dropped or added paragraph, or one side of a change, is cut to this many characters.
const SHOWN_CHARS: usize = 300;
/// A changed paragraph's marks are cut after this many characters.
const BLOCK_CHARS: usize = 1200;
/// The start of a passage shown as a formulation's source.
const SOURCE_CHARS: usize = 18;

/// One side as compared: its id, its name, and the passage of each of its paragraphs.
#[derive(Debug)]
pub struct Compared {
    pub id: String,
    pub name: String,
    pub locs: Vec<Loc>,
}

/// A finished comparison, for the library it was made from.
#[derive(Debug)]
pub struct Done {
    library: Weak<Library>,
    ids: String,
    pub a: Compared,
    pub b: Compared,
    pub comparison: Comparison,
}

/// Runs comparisons, a bounded number at once, and keeps the latest.
#[derive(Debug, Default)]
pub struct Comparer {
    running: AtomicUsize,
    cache: Mutex<VecDeque<Arc<Done>>>,
}

/// A comparison counted as running until dropped, even by a panic: a place once taken is always
/// given back.
struct Running<'c>(&'c AtomicUsize);

impl<'c> Running<'c> {
    fn start(running: &'c AtomicUsize) -> Option<Running<'c>> {
        let taken = running.fetch_add(1, Ordering::SeqCst);
        let started = Running(running);
        (taken < MAX_RUNNING).then_some(started)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Why a comparison has no result.
#[derive(Debug)]
pub enum Refusal {
    Input(compare::CompareError),
    /// [`MAX_RUNNING`] comparisons are running already.
    Busy,
}

impl Refusal {
    pub fn text(&self) -> String {
        match self {
            Refusal::Input(e) => msg::compare_error(e),
            Refusal::Busy => msg::COMPARE_BUSY.to_string(),
        }
    }
}

/// The ids as the cache knows them: one space between.
fn spaced(ids: &str) -> String {
    ids.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The two ids of a `/compare`, or None when there are not exactly two.
fn two_ids(ids: &str) -> Option<(&str, &str)> {
    let mut words = ids.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some(a), Some(b), None) => Some((a, b)),
        _ => None,
    }
}

impl Comparer {
    /// The comparison of the two ids in `ids`, from the cache or computed now. Blocking.
    pub fn run(&self, library: &Arc<Library>, ids: &str) -> Result<Arc<Done>, Refusal> {
        let ids = spaced(ids);
        let Some((a, b)) = two_ids(&ids) else { return Err(Refusal::Input(compare::CompareError::Usage)) };
        if let Some(done) = self.cached(library, &ids) {
            return Ok(done);
        }
        let (sa, sb) = library.sides(a, b).map_err(Refusal::Input)?;
        let Some(_running) = Running::start(&self.running) else { return Err(Refusal::Busy) };
        let comparison = compare::compare(&library.index.analyzer().jieba, &sa.paragraphs, &sb.paragraphs);
        let compared = |side: &compare::Side<'_>| Compared {
            id: side.id.clone(),
            name: side_name(library, side),
            locs: side.paragraphs.iter().map(|p| p.loc).collect(),
        };
        let done = Arc::new(Done {
            library: Arc::downgrade(library),
            ids: ids.clone(),
            a: compared(&sa),
            b: compared(&sb),
            comparison,
        });
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHED {
            cache.pop_front();
        }
        cache.push_back(done.clone());
        Ok(done)
    }

    fn cached(&self, library: &Arc<Library>, ids: &str) -> Option<Arc<Done>> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .iter()
            .find(|done| done.ids == ids && done.library.upgrade().is_some_and(|l| Arc::ptr_eq(&l, library)))
            .cloned()
    }

    /// A page of a comparison at hand, so that it needs no work; None when it is not.
    pub fn cached_page(
        &self,
        library: &Arc<Library>,
        queries: &QueryCache,
        caller: Caller,
        ids: &str,
        page: u32,
    ) -> Option<Message> {
        let done = self.cached(library, &spaced(ids))?;
        Some(page_of(library, &done, queries, caller, page))
    }

    /// A page of the comparison (0: the summary), as the answer to `caller`: replacing the
    /// message of the button that asked when `in_place`, unless it is a refusal.
    pub fn page(
        &self,
        library: &Arc<Library>,
        queries: &QueryCache,
        caller: Caller,
        ids: &str,
        page: u32,
        in_place: bool,
    ) -> Response {
        match self.run(library, ids) {
            Ok(done) => {
                let message = page_of(library, &done, queries, caller, page);
                if in_place {
                    Response { edit: Some(message), ..Response::default() }
                } else {
                    Response::message(message)
                }
            }
            Err(refusal) => Response::text(plain(&refusal.text())),
        }
    }

    /// The comparison as a spreadsheet.
    pub fn export(&self, library: &Arc<Library>, ids: &str) -> Response {
        match self.run(library, ids) {
            Ok(done) => {
                let table = table(library, &done);
                let rows = done.comparison.alignment.rows.len();
                let what = msg::export_of_compare(&done.a.id, &done.b.id);
                let caption = Message { text: plain(&msg::exported(&what, rows, rows, rows)), buttons: Vec::new() };
                Response {
                    attachment: Some(Box::new(Attached { file: Attachment::Table(table), caption })),
                    ..Response::default()
                }
            }
            Err(refusal) => Response::text(plain(&refusal.text())),
        }
    }
}

/// Page `page` of a comparison (0: the summary), its buttons keyed for `caller`.
fn page_of(library: &Library, done: &Done, queries: &QueryCache, caller: Caller, page: u32) -> Message {
    let key = queries.insert(caller.user, &done.ids);
    if page == 0 {
        summary(library, done, queries, caller, key)
    } else {
        aligned_page(library, done, page as usize, key)
    }
}

/// `/compare` and its arguments: the picker, the usage, or the comparison to run.
pub(crate) fn command(library: &Library, args: &str) -> Response {
    let args = args.trim();
    if args.is_empty() {
        return picker(library, 0, None, None);
    }
    if two_ids(args).is_none() {
        return Response::text(plain(msg::COMPARE_USAGE));
    }
    Response { effect: Some(Effect::Compare { ids: args.into(), page: 0, in_place: false }), ..Response::default() }
}

/// A page of digests to pick from: the first, or (with `first`, its id and its cache key) the second.
pub(crate) fn picker(library: &Library, page: usize, first: Option<&str>, key: Option<u64>) -> Response {
    if library.corpus.digests.len() < 2 {
        return Response::text(plain(msg::NOTHING_TO_PAIR));
    }
    let digests: Vec<_> = library.corpus.digests.iter().filter(|d| Some(d.id.as_str()) != first).collect();
    let (page, pages, shown) = list_page(&digests, page);
    let header = match first.and_then(|id| library.corpus.digests.iter().find(|d| d.id == id)) {
        Some(d) => msg::compare_pick_second(&dated_title(d)),
        None => msg::COMPARE_PICK_FIRST.to_string(),
    };
    let mut text = Rich::new();
    text.bold(header);
    let mut buttons: Vec<Vec<Button>> = shown
        .iter()
        .map(|d| {
            let action = match key {
                Some(first) => Action::CompareSecond { first, id: d.id.clone() },
                None => Action::CompareFirst(d.id.clone()),
            };
            vec![button(&dated_title(d), action)]
        })
        .collect();
    let row = pager(page, pages, |page| Action::ComparePick { page, first: key });
    if !row.is_empty() {
        buttons.push(row);
    }
    Response::message(Message { text, buttons })
}

/// A digest's dated title, or a speech's speaker and title with its digest's.
fn side_name(library: &Library, side: &compare::Side<'_>) -> String {
    let digest = &library.corpus.digests[side.digest];
    match side.speech.and_then(|s| digest.speeches.get(s)) {
        Some(speech) => msg::speech_side(&crate::text::speech_choice(speech), &dated_title(digest)),
        None => dated_title(digest),
    }
}

fn passage_id(library: &Library, loc: Loc) -> Option<String> {
    loc.resolve(&library.corpus).map(|at| at.passage.id.clone())
}

/// The first page: what changed, in numbers, formulations and figures.
fn summary(library: &Library, done: &Done, queries: &QueryCache, caller: Caller, key: u64) -> Message {
    let text = summary_text(library, done);
    let al = &done.comparison.alignment;
    if al.summary.unchanged == al.rows.len() {
        return Message { text, buttons: Vec::new() };
    }
    // Some paragraph differs, so there is a page of them.
    let row = vec![
        button(msg::DIFF_BUTTON, Action::Compare { page: 1, key }),
        export_button(queries, caller, Findings::Compare, &done.ids),
    ];
    Message { text, buttons: vec![row] }
}

/// The whole comparison as one text, for a terminal: the summary, then every aligned paragraph.
pub fn full_text(library: &Library, done: &Done) -> Rich {
    let mut text = summary_text(library, done);
    for page in aligned_pages(library, done) {
        text.plain("\n\n");
        text.0.extend(page.0);
    }
    text
}

fn summary_text(library: &Library, done: &Done) -> Rich {
    let c = &done.comparison;
    let al = &c.alignment;
    let mut text = Rich::new();
    text.bold(msg::compare_header(&done.a.name, &done.b.name)).plain("\n");
    if al.summary.unchanged == al.rows.len() {
        text.plain(msg::IDENTICAL_TEXTS);
        return text;
    }
    text.plain(msg::compare_summary(&al.summary));
    if !al.sections_added.is_empty() {
        text.plain("\n").plain(msg::sections_added(&al.sections_added));
    }
    if !al.sections_removed.is_empty() {
        text.plain("\n").plain(msg::sections_removed(&al.sections_removed));
    }
    if al.shares_little() {
        text.plain("\n").italic(msg::shares_little(al.shared * 100.0));
    }
    formulations(&mut text, library, msg::NEW_FORMULATIONS, &c.new, &done.b.locs);
    formulations(&mut text, library, msg::DROPPED_FORMULATIONS, &c.dropped, &done.a.locs);
    if !c.numbers.is_empty() {
        text.plain("\n\n").bold(msg::CHANGED_NUMBERS);
        for change in c.numbers.iter().take(SHOWN) {
            text.plain("\n").bold(msg::number_change(&change.a, &change.b)).plain(msg::NUMBER_IN);
            match done.b.locs.get(change.passage_b).and_then(|&loc| passage_id(library, loc)) {
                Some(id) => text.push(cut(&change.clause, 40), Style::Open(id)),
                None => text.plain(cut(&change.clause, 40)),
            };
        }
        if c.numbers.len() > SHOWN {
            text.plain("\n").italic(msg::more_items(c.numbers.len() - SHOWN));
        }
    }
    text
}

fn formulations(text: &mut Rich, library: &Library, title: &str, found: &[Formulation], locs: &[Loc]) {
    text.plain("\n\n").bold(title);
    if found.is_empty() {
        text.plain("\n").plain(msg::NONE_FOUND);
        return;
    }
    for f in found.iter().take(SHOWN) {
        text.plain("\n").plain(msg::formulation(&f.phrase, f.count));
        if let Some(at) = locs.get(f.passage).and_then(|loc| loc.resolve(&library.corpus)) {
            text.push(cut(at.passage.text(), SOURCE_CHARS), Style::Open(at.passage.id.clone()));
        }
    }
    if found.len() > SHOWN {
        text.plain("\n").italic(msg::more_items(found.len() - SHOWN));
    }
}

/// The aligned paragraphs as blocks, unchanged runs collapsed, packed into pages.
fn aligned_pages(library: &Library, done: &Done) -> Vec<Rich> {
    let mut pages = Vec::new();
    let mut page = Rich::new();
    let mut used = 0;
    let mut unchanged = 0;
    let flush = |block: Rich, pages: &mut Vec<Rich>, page: &mut Rich, used: &mut usize| {
        let len = block.to_plain().chars().count();
        if *used > 0 && *used + len > PAGE_CHARS {
            pages.push(std::mem::take(page));
            *used = 0;
        }
        if *used > 0 {
            page.plain("\n\n");
        }
        page.0.extend(block.0);
        *used += len + 2;
    };
    let rows = &done.comparison.alignment.rows;
    for row in rows {
        if row.kind == Kind::Unchanged {
            unchanged += 1;
            continue;
        }
        if unchanged > 0 {
            flush(plain(&msg::unchanged_run(unchanged)), &mut pages, &mut page, &mut used);
            unchanged = 0;
        }
        flush(block(library, done, row), &mut pages, &mut page, &mut used);
    }
    if used > 0 {
        if unchanged > 0 {
            flush(plain(&msg::unchanged_run(unchanged)), &mut pages, &mut page, &mut used);
        }
        pages.push(page);
    }
    pages
}

/// One row of the alignment as a reader sees it.
fn block(library: &Library, done: &Done, row: &Row) -> Rich {
    let at =
        |side: &Compared, i: Option<usize>| i.and_then(|i| side.locs.get(i)).and_then(|l| l.resolve(&library.corpus));
    let (a, b) = (at(&done.a, row.a), at(&done.b, row.b));
    let mut text = Rich::new();
    let (label, shown) = match row.kind {
        Kind::Changed => (msg::ROW_CHANGED, b.or(a)),
        Kind::Moved => (msg::ROW_MOVED, b),
        Kind::OnlyA => (msg::ROW_ONLY_A, a),
        Kind::OnlyB | Kind::Unchanged => (msg::ROW_ONLY_B, b),
    };
    text.bold(label);
    if let Some(heading) = shown.and_then(|at| at.section.heading.as_deref()) {
        text.plain(" · ").italic(heading);
    }
    if row.kind == Kind::Moved
        && let (Some(i), Some(j)) = (row.a, row.b)
    {
        text.plain(msg::moved_from(i + 1, j + 1));
    }
    text.plain("\n");
    if row.marks.is_empty() {
        text.plain(cut(shown.map_or("", |at| at.passage.text()), SHOWN_CHARS));
    } else {
        marked(&mut text, &row.marks);
    }
    if let Some(at) = shown {
        text.plain(" ").push(msg::OPEN_SHORT, Style::Open(at.passage.id.clone()));
    }
    text
}

/// A changed paragraph with its changes marked and long unchanged stretches shortened, cut after
/// [`BLOCK_CHARS`]: a page must stay one Telegram message, and the link opens the whole paragraph.
fn marked(text: &mut Rich, marks: &[Mark]) {
    let mut used = 0;
    for (n, mark) in marks.iter().enumerate() {
        if used >= BLOCK_CHARS {
            text.plain("…");
            return;
        }
        let (shown, style) = match mark {
            Mark::Same(same) => {
                let chars: Vec<char> = same.chars().collect();
                let (first, last) = (n == 0, n + 1 == marks.len());
                let keep_head = if first { 0 } else { CONTEXT_CHARS };
                let keep_tail = if last { 0 } else { CONTEXT_CHARS };
                let shown = if chars.len() > keep_head + keep_tail + 1 {
                    let head: String = chars[..keep_head].iter().collect();
                    let tail: String = chars[chars.len() - keep_tail..].iter().collect();
                    format!("{head}…{tail}")
                } else {
                    same.clone()
                };
                (shown, Style::Plain)
            }
            Mark::Removed(removed) => (cut(removed, SHOWN_CHARS), Style::Removed),
            Mark::Added(added) => (cut(added, SHOWN_CHARS), Style::Added),
        };
        used += shown.chars().count();
        text.push(shown, style);
    }
}

/// Page `page` (1-based) of the aligned paragraphs, with its buttons.
fn aligned_page(library: &Library, done: &Done, page: usize, key: u64) -> Message {
    let pages = aligned_pages(library, done);
    if pages.is_empty() {
        let mut text = Rich::new();
        text.bold(msg::compare_header(&done.a.name, &done.b.name)).plain("\n").plain(msg::NO_DIFFERENCES);
        return Message { text, buttons: vec![vec![button(msg::SUMMARY_BUTTON, Action::Compare { page: 0, key })]] };
    }
    let index = page.clamp(1, pages.len()) - 1;
    let mut text = Rich::new();
    text.bold(msg::compare_header(&done.a.name, &done.b.name))
        .plain("\n")
        .italic(msg::diff_page_header(index + 1, pages.len()))
        .plain("\n\n");
    text.0.extend(pages[index].0.iter().cloned());
    text.plain("\n\n").italic(msg::COMPARE_LEGEND);
    let mut row = pager(index, pages.len(), |p| Action::Compare { page: p + 1, key });
    row.insert(0, button(msg::SUMMARY_BUTTON, Action::Compare { page: 0, key }));
    Message { text, buttons: vec![row] }
}

/// The marks as plain text: `[-dropped-]{+added+}`, as wdiff writes them.
pub fn marks_text(marks: &[Mark]) -> String {
    marks
        .iter()
        .map(|m| match m {
            Mark::Same(s) => s.clone(),
            Mark::Removed(s) => format!("[-{s}-]"),
            Mark::Added(s) => format!("{{+{s}+}}"),
        })
        .collect()
}

/// The spreadsheet: the aligned paragraphs, the formulations, the changed numbers.
fn table(library: &Library, done: &Done) -> Table {
    let c = &done.comparison;
    let id_at =
        |side: &Compared, i: Option<usize>| i.and_then(|i| side.locs.get(i)).and_then(|&l| l.resolve(&library.corpus));
    let aligned = c
        .alignment
        .rows
        .iter()
        .map(|row| {
            let (a, b) = (id_at(&done.a, row.a), id_at(&done.b, row.b));
            let cell_id =
                |at: Option<digestbot_corpus::Located<'_>>| at.map_or(Cell::Empty, |at| Cell::text(&at.passage.id));
            let cell_text =
                |at: Option<digestbot_corpus::Located<'_>>| at.map_or(Cell::Empty, |at| Cell::text(at.passage.text()));
            let link = b.or(a).map_or(Cell::Empty, |at| Cell::Open(at.passage.id.clone()));
            vec![
                Cell::text(msg::row_kind(row.kind)),
                cell_id(a),
                cell_text(a),
                cell_id(b),
                cell_text(b),
                if row.marks.is_empty() { Cell::Empty } else { Cell::text(marks_text(&row.marks)) },
                link,
            ]
        })
        .collect();
    let mut formulations = Vec::new();
    for (found, kind, locs, new) in [
        (&c.new, msg::FORMULATION_NEW, &done.b.locs, true),
        (&c.dropped, msg::FORMULATION_DROPPED, &done.a.locs, false),
    ] {
        for f in found {
            let at = locs.get(f.passage).and_then(|l| l.resolve(&library.corpus));
            let (in_a, in_b) = if new { (0, f.count) } else { (f.count, 0) };
            formulations.push(vec![
                Cell::text(&f.phrase),
                Cell::text(kind),
                Cell::Number(in_a as f64),
                Cell::Number(in_b as f64),
                at.map_or(Cell::Empty, |at| Cell::text(cut(at.passage.text(), 40))),
                at.map_or(Cell::Empty, |at| Cell::Open(at.passage.id.clone())),
            ]);
        }
    }
    let numbers = c
        .numbers
        .iter()
        .map(|n| {
            let id = |side: &Compared, i: usize| {
                id_at(side, Some(i)).map_or(Cell::Empty, |at| Cell::Open(at.passage.id.clone()))
            };
            vec![
                Cell::text(&n.a),
                Cell::text(&n.b),
                Cell::text(&n.clause),
                id(&done.a, n.passage_a),
                id(&done.b, n.passage_b),
            ]
        })
        .collect();
    let header = |columns: &[&str]| columns.iter().map(|c| c.to_string()).collect();
    Table {
        name: "digestbot-compare".to_string(),
        sheets: vec![
            Sheet { name: msg::SHEET_ALIGNED.to_string(), columns: header(&msg::ALIGNED_COLUMNS), rows: aligned },
            Sheet {
                name: msg::SHEET_FORMULATIONS.to_string(),
                columns: header(&msg::FORMULATION_COLUMNS),
                rows: formulations,
            },
            Sheet { name: msg::SHEET_NUMBERS.to_string(), columns: header(&msg::NUMBER_COLUMNS), rows: numbers },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_third_comparison_at_once_is_refused_and_a_finished_one_gives_its_place_back() {
        let running = AtomicUsize::new(0);
        let first = Running::start(&running).expect("a place");
        let second = Running::start(&running).expect("a second place");
        assert!(Running::start(&running).is_none(), "only {MAX_RUNNING} at once");
        drop(first);
        let third = Running::start(&running).expect("the place given back");
        drop((second, third));
        assert_eq!(running.load(Ordering::SeqCst), 0, "refusals take no place either");
    }

    #[test]
    fn a_paragraph_changed_everywhere_is_cut_to_fit_one_message() {
        let marks: Vec<Mark> = (0..400)
            .flat_map(|n| {
                [Mark::Same(format!("相同的文字{n}")), Mark::Removed("删去的".into()), Mark::Added("新增的".into())]
            })
            .collect();
        let mut text = Rich::new();
        marked(&mut text, &marks);
        let shown = text.to_plain().chars().count();
        assert!(shown <= BLOCK_CHARS + SHOWN_CHARS + 2 * CONTEXT_CHARS + 2, "{shown}");
        assert!(text.to_plain().ends_with('…'));
        assert!(text.0.iter().any(|s| s.style == Style::Removed) && text.0.iter().any(|s| s.style == Style::Added));
    }
}
