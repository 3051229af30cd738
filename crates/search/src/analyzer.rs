//! What every part of search shares: the word segmenter and the normalizer.

use std::sync::Arc;

use jieba_rs::Jieba;

use super::normalize::Normalizer;

/// Built once per process and shared: loading jieba's dictionary costs ~130 ms (release), the
/// conversion tables a few more.
#[derive(Debug)]
pub struct Analyzer {
    pub jieba: Arc<Jieba>,
    pub normalizer: Normalizer,
}

impl Analyzer {
    pub fn new() -> Analyzer {
        Analyzer { jieba: Arc::new(Jieba::new()), normalizer: Normalizer::new() }
    }
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}
