//! `cargo bench --bench research`: the research tools over a real corpus, against their targets
//! (printed, not asserted: verify p99 ≤ 50 ms, trend ≤ 300 ms, export of 10,000 rows ≤ 1 s).
//!
//! - verify: 50 quotations of 10–200 characters cut from passages picked by a fixed-seed PRNG,
//!   every other one altered (a character dropped, added or changed, two adjacent characters
//!   swapped, other punctuation, Traditional forms). Each is looked up 3 times, in three passes
//!   over all 50, and every run is timed and counted (no warm-up is left out: a person checks a
//!   quotation once). Also how many found the passage they were cut from first, and the verdicts.
//! - trend: for each of a few terms, `Library::trend` and the chart's PNG, median of 5 runs; the
//!   worst term's median is `trend_ms`.
//! - export: the sheet of the first 10,000 hits of a broad search and its xlsx, median of 3 runs
//!   (the search itself is timed apart, as the export reads hits a search already ranked).
//!
//! Corpus from `DIGESTBOT_BENCH_CORPUS` (default `../shared/bench-corpus/`). The last line is
//! `verify_p50_ms=… verify_p99_ms=… trend_ms=… export_10k_ms=…`.

use std::time::{Duration, Instant};

use digestbot_core::attachment::Table;
use digestbot_core::research::rows::{MAX_ROWS, hits_sheet};
use digestbot_core::research::trend::chart;
use digestbot_corpus::Loc;
use digestbot_search::library::Library;
use digestbot_search::{Verdict, parse_query};
use digestbot_testkit::fixtures;

const QUOTATIONS: usize = 50;
const VERIFY_RUNS: usize = 3;
const MIN_QUOTE: usize = 10;
const MAX_QUOTE: usize = 200;
const SEED: u64 = 0x5eed_d16e_57b0_7001;
const TREND_TERMS: &[&str] = &["高质量发展", "人大代表", "改革开放 | 高质量发展", "碳中和 | 乡村振兴 | 一带一路"];
const TREND_RUNS: usize = 5;
/// Broad searches, the first with enough hits for a full export.
const EXPORT_QUERIES: &[&str] = &["发展", "的"];
const EXPORT_ROWS: usize = 10_000;
const EXPORT_RUNS: usize = 3;
/// Characters a person copying by hand might slip in, for an added or changed one.
const SLIPS: &[char] = &['和', '在', '将', '新', '大', '好', '了', '是'];
/// A few Simplified characters and their Traditional forms, as a quotation from a Hong Kong or
/// Taiwan source would write them.
const TRADITIONAL: &[(char, char)] = &[
    ('国', '國'),
    ('发', '發'),
    ('会', '會'),
    ('这', '這'),
    ('说', '說'),
    ('经', '經'),
    ('济', '濟'),
    ('进', '進'),
    ('为', '為'),
    ('们', '們'),
    ('时', '時'),
    ('来', '來'),
    ('对', '對'),
    ('动', '動'),
    ('实', '實'),
    ('业', '業'),
    ('长', '長'),
    ('开', '開'),
];
/// Punctuation as another hand would have written it.
const PUNCTUATION: &[(char, char)] =
    &[('，', '、'), ('。', '！'), ('、', '，'), ('；', '，'), ('：', '，'), ('“', '「'), ('”', '」')];

/// xorshift64: the same quotations on every machine, without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alteration {
    None,
    Dropped,
    Added,
    Changed,
    Swapped,
    Punctuation,
    Traditional,
}

const ALTERATIONS: [Alteration; 6] = [
    Alteration::Dropped,
    Alteration::Added,
    Alteration::Changed,
    Alteration::Swapped,
    Alteration::Punctuation,
    Alteration::Traditional,
];

impl Alteration {
    fn name(self) -> &'static str {
        match self {
            Alteration::None => "none",
            Alteration::Dropped => "dropped",
            Alteration::Added => "added",
            Alteration::Changed => "changed",
            Alteration::Swapped => "swapped",
            Alteration::Punctuation => "punctuation",
            Alteration::Traditional => "traditional",
        }
    }
}

struct Quotation {
    text: String,
    source: Loc,
    alteration: Alteration,
}

/// `quote` altered by `how`; None when it has nothing to alter that way. Slips fall strictly
/// inside the quotation: a character dropped at either end leaves an exact quotation of less.
fn alter(how: Alteration, quote: &[char], rng: &mut Rng) -> Option<Vec<char>> {
    let mut out = quote.to_vec();
    let words: Vec<usize> = (0..quote.len()).filter(|&i| quote[i].is_alphanumeric()).collect();
    let inner = &words[1..words.len() - 1];
    match how {
        Alteration::None => {}
        Alteration::Dropped => {
            out.remove(rng.pick(inner));
        }
        Alteration::Added => out.insert(rng.pick(inner), rng.pick(SLIPS)),
        Alteration::Changed => {
            let at = rng.pick(inner);
            out[at] = SLIPS.iter().copied().cycle().skip(rng.below(SLIPS.len())).find(|&c| c != quote[at])?;
        }
        Alteration::Swapped => {
            let pairs: Vec<usize> =
                inner.iter().copied().filter(|&i| quote[i + 1].is_alphanumeric() && quote[i] != quote[i + 1]).collect();
            if pairs.is_empty() {
                return None;
            }
            let at = rng.pick(&pairs);
            out.swap(at, at + 1);
        }
        Alteration::Punctuation => {
            let marks: Vec<usize> =
                (0..quote.len()).filter(|&i| PUNCTUATION.iter().any(|(a, _)| *a == quote[i])).collect();
            if marks.is_empty() {
                // None to change: one put in instead.
                out.insert(rng.pick(inner), '，');
            } else {
                let at = rng.pick(&marks);
                out[at] = PUNCTUATION.iter().find(|(a, _)| *a == quote[at])?.1;
            }
        }
        Alteration::Traditional => {
            for c in &mut out {
                if let Some((_, t)) = TRADITIONAL.iter().find(|(s, _)| s == c) {
                    *c = *t;
                }
            }
            if out == quote {
                return None;
            }
        }
    }
    Some(out)
}

/// Every passage with its place, in corpus order.
fn passages(library: &Library) -> Vec<(Loc, &str)> {
    let mut out = Vec::new();
    for (d, digest) in library.corpus.digests.iter().enumerate() {
        for (s, speech) in digest.speeches.iter().enumerate() {
            for (c, section) in speech.sections.iter().enumerate() {
                for (p, passage) in section.passages.iter().enumerate() {
                    let loc = Loc { digest: d as u32, speech: s as u32, section: c as u32, passage: p as u32 };
                    out.push((loc, passage.text()));
                }
            }
        }
    }
    out
}

fn quotations(library: &Library) -> Vec<Quotation> {
    let all = passages(library);
    let mut rng = Rng(SEED);
    let mut out = Vec::with_capacity(QUOTATIONS);
    while out.len() < QUOTATIONS {
        let (source, text) = all[rng.below(all.len())];
        let chars: Vec<char> = text.chars().collect();
        if chars.len() < MIN_QUOTE {
            continue;
        }
        let len = MIN_QUOTE + rng.below(chars.len().min(MAX_QUOTE) - MIN_QUOTE + 1);
        let start = rng.below(chars.len() - len + 1);
        let quote = &chars[start..start + len];
        // Enough words that a slip leaves a quotation long enough to look up.
        if quote.iter().filter(|c| c.is_alphanumeric()).count() < MIN_QUOTE {
            continue;
        }
        let alteration =
            if out.len() % 2 == 0 { Alteration::None } else { ALTERATIONS[out.len() / 2 % ALTERATIONS.len()] };
        let Some(altered) = alter(alteration, quote, &mut rng) else { continue };
        out.push(Quotation { text: altered.into_iter().collect(), source, alteration });
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    percentile(&times, 0.5)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let dir = fixtures::bench_corpus().expect("the bench corpus");
    let t = Instant::now();
    let library = Library::load(&dir, fixtures::analyzer()).expect("bench corpus loads");
    println!(
        "corpus: {} digests, {} passages; load and index {:.2} s",
        library.corpus.digests.len(),
        library.index.len(),
        t.elapsed().as_secs_f64()
    );

    // verify
    let quotes = quotations(&library);
    let mut times = Vec::with_capacity(QUOTATIONS * VERIFY_RUNS);
    let mut worst = vec![Duration::ZERO; quotes.len()];
    let mut found = Vec::new();
    for _ in 0..VERIFY_RUNS {
        found.clear();
        for (i, q) in quotes.iter().enumerate() {
            let t = Instant::now();
            let verification =
                library.verify(&q.text).unwrap_or_else(|e| panic!("{:?} cannot be verified: {e:?}", q.text));
            let elapsed = t.elapsed();
            times.push(elapsed);
            worst[i] = worst[i].max(elapsed);
            found.push(verification);
        }
    }
    times.sort();
    println!(
        "{:<12} {:>3} {:>6} {:>6} {:>10} {:>13}",
        "alteration", "n", "exact", "close", "not_found", "source_first"
    );
    let kinds = std::iter::once(Alteration::None).chain(ALTERATIONS);
    let mut verdicts = [0; 3];
    let mut first_total = 0;
    for kind in kinds {
        let mut counts = [0; 3];
        let (mut n, mut first) = (0, 0);
        for (q, v) in quotes.iter().zip(&found).filter(|(q, _)| q.alteration == kind) {
            n += 1;
            counts[v.verdict() as usize] += 1;
            first += usize::from(v.matches.first().is_some_and(|m| m.locs.contains(&q.source)));
        }
        println!("{:<12} {n:>3} {:>6} {:>6} {:>10} {first:>13}", kind.name(), counts[0], counts[1], counts[2]);
        verdicts.iter_mut().zip(counts).for_each(|(total, count)| *total += count);
        first_total += first;
    }
    // The misses, to tell a slip the lookup could not place from a passage printed twice.
    for ((q, v), worst) in quotes.iter().zip(&found).zip(&worst) {
        let Some(m) = v.matches.first() else {
            println!("  miss [{}] {:?}: nothing found ({:.1} ms)", q.alteration.name(), q.text, ms(*worst));
            continue;
        };
        if m.locs.contains(&q.source) {
            continue;
        }
        let text = |loc: &Loc| loc.resolve(&library.corpus).map(|at| at.passage.text());
        let duplicate = m.locs.iter().any(|loc| text(loc) == text(&q.source));
        let source = match v.matches.iter().position(|m| m.locs.contains(&q.source)) {
            Some(i) => format!("source is match {}", i + 1),
            None => "source not among those shown".to_string(),
        };
        println!(
            "  miss [{}] {:?}: first {:?} similarity {:.2}{}, {source}",
            q.alteration.name(),
            q.text,
            m.locs[0],
            m.similarity,
            if duplicate { " (same text as the source)" } else { "" },
        );
    }
    let slowest = (0..quotes.len()).max_by_key(|&i| worst[i]).expect("quotations");
    println!(
        "verify: {} runs, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (slowest: {} chars, {:?})",
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(times[times.len() - 1]),
        quotes[slowest].text.chars().count(),
        quotes[slowest].alteration.name(),
    );
    println!(
        "verdicts: exact={} close={} not_found={}",
        verdicts[Verdict::Exact as usize],
        verdicts[Verdict::Close as usize],
        verdicts[Verdict::NotFound as usize]
    );
    println!("verify_true_source_first={first_total}/{}", quotes.len());

    // trend
    println!(
        "{:>7} {:>8} {:>9} {:>10} {:>9} {:>8} {:>9}  trend",
        "total", "periods", "count_ms", "render_ms", "p50_ms", "max_ms", "png_bytes"
    );
    let mut trend_worst = Duration::ZERO;
    for term in TREND_TERMS {
        let (mut counts, mut renders, mut totals) = (Vec::new(), Vec::new(), Vec::new());
        let mut summary = (0, 0, 0);
        for _ in 0..TREND_RUNS {
            let t = Instant::now();
            let trend = library.trend(term).unwrap_or_else(|e| panic!("trend of {term}: {e:?}"));
            let counted = t.elapsed();
            let png = digestbot_export::chart_png(&chart(&trend)).expect("the chart renders");
            let total = t.elapsed();
            counts.push(counted);
            renders.push(total - counted);
            totals.push(total);
            summary = (trend.terms.iter().map(|t| t.total).sum::<u64>(), trend.periods.len(), png.len());
        }
        let max = totals.iter().copied().max().unwrap_or_default();
        let p50 = median(totals);
        trend_worst = trend_worst.max(p50);
        println!(
            // The term last: Han characters are two columns wide, so padding would not line up.
            "{:>7} {:>8} {:>9.1} {:>10.1} {:>9.1} {:>8.1} {:>9}  {term}",
            summary.0,
            summary.1,
            ms(median(counts)),
            ms(median(renders)),
            ms(p50),
            ms(max),
            summary.2
        );
    }

    // export
    let normalizer = &library.index.analyzer().normalizer;
    let (query, hits, search) = EXPORT_QUERIES
        .iter()
        .find_map(|query| {
            let parsed = parse_query(normalizer, query).expect("export queries are valid");
            let t = Instant::now();
            let results = library.index.search(&parsed, 0, MAX_ROWS).expect("search works");
            let search = t.elapsed();
            println!("export search {query:?}: {} hits, {:.1} ms", results.total, ms(search));
            (results.total >= EXPORT_ROWS).then_some((query, results.hits, search))
        })
        .expect("a broad search has 10,000 hits");
    let mut exports = Vec::new();
    let (mut sheet_time, mut size) = (Vec::new(), 0);
    for _ in 0..EXPORT_RUNS {
        let t = Instant::now();
        let sheet = hits_sheet(&library.corpus, hits.iter().map(|h| h.loc));
        let built = t.elapsed();
        assert_eq!(sheet.rows.len(), EXPORT_ROWS, "the export of {query:?} is not {EXPORT_ROWS} rows");
        let table = Table { name: "digestbot-search-bench".into(), sheets: vec![sheet] };
        let bytes = digestbot_export::xlsx(&table, Some("digestbot")).expect("the workbook writes");
        exports.push(t.elapsed());
        sheet_time.push(built);
        size = bytes.len();
    }
    let export = median(exports.clone());
    println!(
        "export {query:?}: {EXPORT_ROWS} rows, sheet {:.1} ms, sheet + xlsx {:.1} ms (runs {:?} ms), xlsx {size} bytes; search {:.1} ms apart",
        ms(median(sheet_time)),
        ms(export),
        exports.iter().map(|d| (ms(*d) * 10.0).round() / 10.0).collect::<Vec<_>>(),
        ms(search)
    );

    println!(
        "verify_p50_ms={:.2} verify_p99_ms={:.2} trend_ms={:.1} export_10k_ms={:.1}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(trend_worst),
        ms(export)
    );
}
