//! `cargo bench --bench search`: index build time, memory and query latency over a real corpus,
//! against a brute-force `memmem` scan of the same passages in the same run.
//!
//! Corpus from `DIGESTBOT_BENCH_CORPUS` (default `../shared/bench-corpus/`). The last line is
//! `build_s=… rss_mib_per_mb=… p50_ms=… p99_ms=… worst_scan_ratio=…`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use digestbot_search::library::Library;
use digestbot_search::{Analyzer, parse_query};

/// Names, sub-words, 2–4 character words, single characters, numbers with %, mixed text,
/// multi-term, Traditional and full-width forms, a speaker filter.
const QUERIES: &[&str] = &[
    "习近平",
    "李强",
    "王毅",
    "人民代表",
    "代表大会",
    "湾区",
    "碳中和",
    "人大代表",
    "预算",
    "乡村振兴",
    "高质量发展",
    "一带一路",
    "粮食",
    "航天",
    "税",
    "港",
    "的",
    "5%",
    "2.5%",
    "2024年",
    "5g",
    "GDP",
    "人大 代表",
    "长江 生态",
    "科技 创新 人才",
    "人民代表大會",
    "２０２４年",
    "新质生产力",
    "冬奥会",
    "@央视 长江",
    "抗日战争",
    "中国式现代化",
];
const RUNS: usize = 30;

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let dir =
        PathBuf::from(std::env::var("DIGESTBOT_BENCH_CORPUS").unwrap_or_else(|_| "../shared/bench-corpus/".into()));
    let rss_start = rss_mib();
    let analyzer = Arc::new(Analyzer::new());
    let rss_analyzer = rss_mib();
    let t = Instant::now();
    let corpus = digestbot_corpus::load_dir(&dir).expect("bench corpus loads");
    let load_s = t.elapsed().as_secs_f64();
    let mb: f64 = corpus
        .digests
        .iter()
        .filter_map(|d| std::fs::metadata(dir.join(&d.file)).ok())
        .map(|m| m.len() as f64)
        .sum::<f64>()
        / 1e6;
    let t = Instant::now();
    let library = Library::from_corpus(corpus, analyzer.clone()).expect("index builds");
    let build_s = t.elapsed().as_secs_f64();
    println!(
        "corpus: {} digests, {} passages, {mb:.1} MB; load {load_s:.2} s, index build {build_s:.2} s",
        library.corpus.digests.len(),
        library.index.len()
    );

    // Steady memory: after a round of queries, before the baseline below allocates its own copy.
    for raw in QUERIES {
        let _ = library.search(raw, 0, 10);
    }
    let rss = rss_mib();

    // The baseline: every passage's normalized text, scanned with memmem for every term.
    let texts: Vec<(String, String)> = library
        .corpus
        .digests
        .iter()
        .flat_map(|d| {
            d.speeches
                .iter()
                .flat_map(|s| s.sections.iter().flat_map(move |c| c.passages.iter().map(move |p| (s, c, p))))
        })
        .map(|(s, c, p)| {
            let n = &analyzer.normalizer;
            let context = format!(
                "{}\u{1}{}\u{1}{}",
                s.title,
                s.speaker_name().unwrap_or(""),
                c.heading.as_deref().unwrap_or("")
            );
            (n.text(p.text()), n.text(&context))
        })
        .collect();

    let mut all = Vec::new();
    let mut worst_ratio = f64::INFINITY;
    println!("{:<14} {:>7} {:>10} {:>10} {:>10} {:>7}", "query", "total", "p50_us", "p99_us", "scan_us", "ratio");
    for raw in QUERIES {
        let query = parse_query(&analyzer.normalizer, raw).expect("bench queries are valid");
        let mut times = Vec::with_capacity(RUNS);
        let mut total = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            let results = library.search(raw, 0, 10).expect("search works");
            times.push(t.elapsed());
            total = results.total;
        }
        times.sort();
        // The scan gets the same terms; speaker filters are left to the index (the scan is the
        // lower bound of what a scan must do).
        let finders: Vec<_> = query.terms.iter().map(|t| memchr::memmem::Finder::new(t.as_bytes())).collect();
        let mut scan_times = Vec::new();
        let mut scan_total = 0;
        for _ in 0..5 {
            let t = Instant::now();
            scan_total = texts
                .iter()
                .filter(|(text, ctx)| {
                    finders.iter().all(|f| f.find(text.as_bytes()).is_some() || f.find(ctx.as_bytes()).is_some())
                })
                .count();
            scan_times.push(t.elapsed());
        }
        scan_times.sort();
        let scan = scan_times[scan_times.len() / 2];
        let p50 = percentile(&times, 0.5);
        let ratio = scan.as_secs_f64() / p50.as_secs_f64();
        worst_ratio = worst_ratio.min(ratio);
        if query.speakers.is_empty() {
            assert_eq!(total, scan_total, "index and scan disagree on {raw}");
        }
        println!(
            "{:<14} {:>7} {:>10.1} {:>10.1} {:>10.1} {:>7.1}",
            raw,
            total,
            p50.as_secs_f64() * 1e6,
            percentile(&times, 0.99).as_secs_f64() * 1e6,
            scan.as_secs_f64() * 1e6,
            ratio
        );
        all.extend(times);
    }
    all.sort();
    println!("rss: start {rss_start:.0} MiB, analyzer {rss_analyzer:.0} MiB, steady {rss:.0} MiB");
    println!(
        "build_s={build_s:.2} rss_mib_per_mb={:.2} p50_ms={:.3} p99_ms={:.3} worst_scan_ratio={worst_ratio:.1}",
        rss / mb,
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
    );
}
