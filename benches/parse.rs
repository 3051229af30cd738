//! `cargo bench --bench parse`: parsing speed over a real corpus.
//!
//! Reads every `.txt` file of `DIGESTBOT_BENCH_CORPUS` (default `../shared/bench-corpus/`) into
//! memory first, so the figure is decoding + parsing, not the disk. Prints the best of a few runs;
//! the last line is `files=… mb=… mb_per_s=…`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let dir =
        PathBuf::from(std::env::var("DIGESTBOT_BENCH_CORPUS").unwrap_or_else(|_| "../shared/bench-corpus/".into()));
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read bench corpus {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let mut ids = HashSet::new();
    let ids: Vec<String> = files.iter().map(|(name, _)| digestbot_corpus::digest_id(name, &mut ids)).collect();

    let mut best = f64::INFINITY;
    let mut passages = 0;
    for run in 1..=5 {
        let start = Instant::now();
        passages = 0;
        for ((name, data), id) in files.iter().zip(&ids) {
            let parsed = digestbot_corpus::parse(name, id, data);
            passages += parsed.digest.map_or(0, |d| d.passage_count());
        }
        let secs = start.elapsed().as_secs_f64();
        println!("run {run}: {:.1} ms", secs * 1e3);
        best = best.min(secs);
    }
    let mb = bytes as f64 / 1e6;
    println!("passages={passages}");
    println!("files={} mb={mb:.1} mb_per_s={:.0}", files.len(), mb / best);
}
