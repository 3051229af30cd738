//! The in-memory tantivy index over every passage, and searching it.

use std::cmp::Reverse;
use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::collector::{Count, TopDocs};
use tantivy::index::SegmentId;
use tantivy::query::{
    BitSetDocSet, BooleanQuery, ConstScoreQuery, ConstScorer, EnableScoring, Explanation, Occur, PhraseQuery, Scorer,
    TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions};
use tantivy::{BitSet, DocId, Index, IndexReader, ReloadPolicy, Score, SegmentReader, TantivyDocument, Term};

use super::normalize::Normalizer;
use super::query::Query;
use super::snippet::{Snippet, snippet};
use super::tokens::{BIGRAMS, GramTokenizer, UNIGRAMS, WORDS, WordTokenizer, is_word};
use crate::corpus::{Corpus, Loc};

/// What every part of search shares, built once per process: loading jieba's dictionary costs
/// ~130 ms (release), the conversion tables a few more.
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

#[derive(Debug, Clone)]
pub struct Hit {
    pub loc: Loc,
    pub score: f32,
    pub snippet: Snippet,
}

#[derive(Debug, Clone)]
pub struct Results {
    /// Exact number of passages that match.
    pub total: usize,
    pub hits: Vec<Hit>,
}

#[derive(Clone, Copy)]
struct Fields {
    bigrams: Field,
    unigrams: Field,
    words: Field,
    ord: Field,
}

/// An upper bound of the BM25 score one bigram (or character) can add: idf ≤ ln(1 + 2N) ≈ 12 for
/// a hundred thousand passages, times k1 + 1 = 2.2. A whole-word match scores more than all the
/// grams of the query together can, so it ranks first, and no more, so f32 keeps BM25's precision.
const MAX_GRAM_SCORE: f32 = 30.0;

/// A section's context, what a term may also be found in: its speech title, speaker and heading.
struct Context {
    /// Where its normalized text starts in [`SearchIndex::context_text`].
    start: u32,
    /// The section's passages: ords `first..first + len`.
    first: u32,
    len: u32,
    speech: u32,
}

/// Separates contexts, and the parts of one, in the context text so that no match spans two
/// (normalized queries never hold control characters).
const CONTEXT_SEPARATOR: char = '\u{1}';

pub struct SearchIndex {
    analyzer: Arc<Analyzer>,
    reader: IndexReader,
    fields: Fields,
    /// Passage ord → where it is in the corpus, and where it is in the index.
    locs: Vec<Loc>,
    docs: Arc<Vec<(SegmentId, DocId)>>,
    contexts: Vec<Context>,
    /// Every section's normalized context, one after another: scanned whole, it answers which
    /// sections a term occurs in faster than looking at each.
    context_text: String,
    /// For each speech (in corpus order): its normalized speaker and title, for `@` filters.
    speeches: Vec<(String, String)>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SearchIndex({} passages)", self.locs.len())
    }
}

/// An error of the index itself (not of the query): tantivy failing in memory.
#[derive(Debug)]
pub struct IndexError(pub String);

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "search index: {}", self.0)
    }
}

impl std::error::Error for IndexError {}

impl From<tantivy::TantivyError> for IndexError {
    fn from(e: tantivy::TantivyError) -> Self {
        IndexError(e.to_string())
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, record: IndexRecordOption, scored: bool| {
        let indexing = TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(record);
        TextOptions::default().set_indexing_options(indexing.set_fieldnorms(scored))
    };
    let fields = Fields {
        // BM25 ranks by bigrams; single characters only need to be found, and whole words only to
        // be present (they score a constant), so those fields keep neither frequencies nor norms.
        bigrams: b.add_text_field("bigrams", text(BIGRAMS, IndexRecordOption::WithFreqsAndPositions, true)),
        unigrams: b.add_text_field("unigrams", text(UNIGRAMS, IndexRecordOption::Basic, false)),
        words: b.add_text_field("words", text(WORDS, IndexRecordOption::Basic, false)),
        ord: b.add_u64_field("ord", NumericOptions::default().set_fast()),
    };
    (b.build(), fields)
}

impl SearchIndex {
    /// Indexes every passage of `corpus`.
    pub fn build(corpus: &Corpus, analyzer: Arc<Analyzer>) -> Result<SearchIndex, IndexError> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(BIGRAMS, GramTokenizer::bigrams());
        index.tokenizers().register(UNIGRAMS, GramTokenizer::unigrams());
        index.tokenizers().register(WORDS, WordTokenizer::new(analyzer.jieba.clone()));

        let n = &analyzer.normalizer;
        let mut locs = Vec::new();
        let mut texts: Vec<&str> = Vec::new();
        let mut contexts = Vec::new();
        let mut context_text = String::new();
        let mut speeches = Vec::new();
        for (di, d) in corpus.digests.iter().enumerate() {
            for (si, s) in d.speeches.iter().enumerate() {
                let speaker = s.speaker_name().unwrap_or("");
                speeches.push((n.text(speaker), n.text(&s.title)));
                for (ci, c) in s.sections.iter().enumerate() {
                    let sep = CONTEXT_SEPARATOR;
                    let context = format!("{}{sep}{speaker}{sep}{}{sep}", s.title, c.heading.as_deref().unwrap_or(""));
                    contexts.push(Context {
                        start: context_text.len() as u32,
                        first: locs.len() as u32,
                        len: c.passages.len() as u32,
                        speech: speeches.len() as u32 - 1,
                    });
                    context_text.push_str(&n.text(&context));
                    for (pi, p) in c.passages.iter().enumerate() {
                        locs.push(Loc { digest: di as u32, speech: si as u32, section: ci as u32, passage: pi as u32 });
                        texts.push(p.text());
                    }
                }
            }
        }

        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        // A budget large enough that no thread flushes before the commit: one segment per thread and no
        // merging, which measured more than twice as fast as 15 MB per thread (9.5 s → 4.0 s on the
        // bench corpus). Memory is taken as used, not reserved, and handed back after the commit.
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(threads, threads * 500_000_000)?;
        // One thread feeds the writer's threads: normalizing is a small part of the work (0.2 s of
        // CPU for the bench corpus), and a feeder per core measured no faster on two cores.
        for (ord, text) in texts.iter().enumerate() {
            let normalized = analyzer.normalizer.text(text);
            let mut doc = TantivyDocument::new();
            doc.add_text(fields.words, &normalized);
            doc.add_text(fields.unigrams, &normalized);
            doc.add_text(fields.bigrams, normalized);
            doc.add_u64(fields.ord, ord as u64);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let reader: IndexReader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;

        let mut docs = vec![(SegmentId::generate_random(), 0); locs.len()];
        for segment in reader.searcher().segment_readers() {
            let ords = segment.fast_fields().u64("ord")?.first_or_default_col(u64::MAX);
            for doc in 0..segment.max_doc() {
                if let Some(slot) = docs.get_mut(ords.get_val(doc) as usize) {
                    *slot = (segment.segment_id(), doc);
                }
            }
        }
        release_free_memory();
        Ok(SearchIndex { analyzer, reader, fields, locs, docs: Arc::new(docs), contexts, context_text, speeches })
    }

    pub fn len(&self) -> usize {
        self.locs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.locs.is_empty()
    }

    /// The exact-substring query for a normalized term: one character is a unigram, two are one
    /// bigram, longer terms a phrase of bigrams at consecutive positions.
    fn substring_query(&self, term: &str) -> Box<dyn tantivy::query::Query> {
        let f = self.fields;
        let chars: Vec<(usize, char)> = term.char_indices().collect();
        let field = if chars.len() == 1 { f.unigrams } else { f.bigrams };
        if chars.len() == 1 {
            return Box::new(TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::Basic));
        }
        if chars.len() == 2 {
            return Box::new(TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::WithFreqs));
        }
        let grams = chars
            .windows(2)
            .enumerate()
            .map(|(k, w)| (k, Term::from_field_text(field, &term[w[0].0..w[1].0 + w[1].1.len_utf8()])))
            .collect();
        Box::new(PhraseQuery::new_with_offset(grams))
    }

    /// The passages of the sections whose context satisfies `keep`.
    fn context_ords(&self, keep: impl Fn(&Context) -> bool) -> Vec<u32> {
        self.contexts.iter().filter(|c| keep(c)).flat_map(|c| c.first..c.first + c.len).collect()
    }

    /// The passages of the sections whose context contains `term`.
    fn ords_with_context(&self, term: &str) -> Vec<u32> {
        let mut sections: Vec<usize> = memchr::memmem::find_iter(self.context_text.as_bytes(), term.as_bytes())
            .map(|at| self.contexts.partition_point(|c| c.start as usize <= at) - 1)
            .collect();
        sections.dedup();
        sections.iter().flat_map(|&k| self.contexts[k].first..self.contexts[k].first + self.contexts[k].len).collect()
    }

    /// The passages matching `query`, best first: `offset` skipped, at most `limit` returned.
    pub fn search(&self, query: &Query, offset: usize, limit: usize) -> Result<Results, IndexError> {
        // tantivy reserves room for offset + limit hits up front: bound both by what exists, or a
        // forged page number would ask for terabytes.
        let offset = offset.min(self.locs.len());
        let limit = limit.min(self.locs.len());
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn tantivy::query::Query>)> = Vec::new();
        let grams: usize = query.terms.iter().map(|t| t.chars().count().saturating_sub(1).max(1)).sum();
        let whole_word = MAX_GRAM_SCORE * (grams + 1) as f32;
        for term in &query.terms {
            // A term matches in the text, or (scoring nothing) in the speech title, speaker or heading.
            let in_context = self.ords_with_context(term);
            let recall: Box<dyn tantivy::query::Query> = if in_context.is_empty() {
                self.substring_query(term)
            } else {
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, self.substring_query(term)),
                    (Occur::Should, Box::new(ConstScoreQuery::new(Box::new(self.ord_set(&in_context)), 0.0))),
                ]))
            };
            clauses.push((Occur::Must, recall));
            let words: Vec<Term> = self
                .analyzer
                .jieba
                .cut(term, false)
                .into_iter()
                .filter(|w| is_word(w.word))
                .map(|w| Term::from_field_text(f.words, w.word))
                .collect();
            if !words.is_empty() {
                // A constant, not a boosted BM25: BM25 of a word in a very long passage can fall low
                // enough to sink under a mere substring match. Within a tier, the substring BM25 ranks.
                let all = words.into_iter().map(|w| -> (Occur, Box<dyn tantivy::query::Query>) {
                    (Occur::Must, Box::new(TermQuery::new(w, IndexRecordOption::Basic)))
                });
                let whole = BooleanQuery::new(all.collect());
                clauses.push((Occur::Should, Box::new(ConstScoreQuery::new(Box::new(whole), whole_word))));
            }
        }
        if !query.speakers.is_empty() {
            let speeches = &self.speeches;
            let allowed = self.context_ords(|c| {
                let (speaker, title) = &speeches[c.speech as usize];
                query.speakers.iter().any(|s| speaker.contains(s.as_str()) || title.contains(s.as_str()))
            });
            if allowed.is_empty() {
                return Ok(Results { total: 0, hits: Vec::new() });
            }
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(self.ord_set(&allowed)), 0.0))));
        }
        let searcher = self.reader.searcher();
        let top = TopDocs::with_limit(limit.max(1)).and_offset(offset).tweak_score(move |segment: &SegmentReader| {
            let ords = segment.fast_fields().u64("ord").ok().map(|c| c.first_or_default_col(u64::MAX));
            move |doc: DocId, score: Score| {
                // Equal scores keep corpus order.
                (score, Reverse(ords.as_ref().map_or(u64::from(doc), |c| c.get_val(doc))))
            }
        });
        let (total, top) = searcher.search(&BooleanQuery::new(clauses), &(Count, top))?;
        let hits = if limit == 0 { Vec::new() } else { top };
        Ok(Results {
            total,
            hits: hits
                .into_iter()
                .filter_map(|((score, Reverse(ord)), _)| {
                    let loc = *self.locs.get(ord as usize)?;
                    Some(Hit { loc, score, snippet: Snippet { text: String::new(), highlights: Vec::new() } })
                })
                .collect(),
        })
    }

    fn ord_set(&self, ords: &[u32]) -> OrdSetQuery {
        OrdSetQuery { docs: self.docs.clone(), ords: Arc::new(ords.to_vec()) }
    }

    /// Search, with the snippet of each hit taken from `corpus` (the one the index was built from).
    pub fn search_with_snippets(
        &self,
        corpus: &Corpus,
        query: &Query,
        offset: usize,
        limit: usize,
    ) -> Result<Results, IndexError> {
        let mut results = self.search(query, offset, limit)?;
        for hit in &mut results.hits {
            if let Some(found) = hit.loc.resolve(corpus) {
                hit.snippet = snippet(&self.analyzer.normalizer, found.passage.text(), &query.terms);
            }
        }
        Ok(results)
    }

    pub fn analyzer(&self) -> &Arc<Analyzer> {
        &self.analyzer
    }
}

/// Matches a given set of passages (by ord): the passages of sections whose context matched, or of
/// the speeches a speaker filter keeps.
#[derive(Clone)]
struct OrdSetQuery {
    docs: Arc<Vec<(SegmentId, DocId)>>,
    ords: Arc<Vec<u32>>,
}

impl std::fmt::Debug for OrdSetQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OrdSetQuery({} passages)", self.ords.len())
    }
}

impl tantivy::query::Query for OrdSetQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for OrdSetQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut set = BitSet::with_max_value(reader.max_doc());
        let segment = reader.segment_id();
        for &ord in self.ords.iter() {
            if let Some(&(s, doc)) = self.docs.get(ord as usize)
                && s == segment
            {
                set.insert(doc);
            }
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(set), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let segment = reader.segment_id();
        let hit = self.ords.iter().any(|&o| self.docs.get(o as usize) == Some(&(segment, doc)));
        Ok(Explanation::new(if hit { "in passage set" } else { "not in passage set" }, 1.0))
    }
}

/// Indexing leaves tens of megabytes freed but still held by the allocator's per-thread arenas;
/// hand them back so the steady footprint is what the library really uses.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}
