//! The in-memory tantivy index over every passage, and the section contexts beside it.

use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::{DocId, IndexReader, ReloadPolicy, TantivyDocument};

use super::analyzer::Analyzer;
use super::passage_set::PassageSetQuery;
use super::schema::{self, Fields, ORD_FIELD};
use crate::corpus::{Corpus, Loc};

/// A section's context, what a term may also be found in: its speech title, speaker and heading.
struct Context {
    /// Where its normalized text starts in [`SearchIndex::context_text`].
    start: u32,
    /// The section's passages: ords `first..first + len`.
    first: u32,
    len: u32,
    /// Its speech, in [`SearchIndex::speeches`].
    speech: u32,
}

impl Context {
    fn passages(&self) -> std::ops::Range<u32> {
        self.first..self.first + self.len
    }
}

/// Separates contexts, and the parts of one, in the context text so that no match spans two
/// (normalized queries never hold control characters).
const CONTEXT_SEPARATOR: char = '\u{1}';

/// A speech's normalized speaker and title, what `@` filters look in.
struct SpeechNames {
    speaker: String,
    title: String,
}

pub struct SearchIndex {
    pub(super) analyzer: Arc<Analyzer>,
    pub(super) reader: IndexReader,
    pub(super) fields: Fields,
    /// Passage ord → where it is in the corpus.
    pub(super) locs: Vec<Loc>,
    /// Passage ord → where it is in the index, for [`PassageSetQuery`].
    addresses: Arc<Vec<(SegmentId, DocId)>>,
    contexts: Vec<Context>,
    /// Every section's normalized context, one after another: scanned whole, it answers which
    /// sections a term occurs in faster than looking at each.
    context_text: String,
    /// For each speech, in corpus order.
    speeches: Vec<SpeechNames>,
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

impl SearchIndex {
    /// Indexes every passage of `corpus`.
    pub fn build(corpus: &Corpus, analyzer: Arc<Analyzer>) -> Result<SearchIndex, IndexError> {
        let (index, fields) = schema::create_in_ram(analyzer.jieba.clone());

        let normalizer = &analyzer.normalizer;
        let mut locs = Vec::new();
        let mut texts: Vec<&str> = Vec::new();
        let mut contexts = Vec::new();
        let mut context_text = String::new();
        let mut speeches = Vec::new();
        for (digest_no, digest) in corpus.digests.iter().enumerate() {
            for (speech_no, speech) in digest.speeches.iter().enumerate() {
                let speaker = speech.speaker_name().unwrap_or("");
                speeches.push(SpeechNames { speaker: normalizer.text(speaker), title: normalizer.text(&speech.title) });
                for (section_no, section) in speech.sections.iter().enumerate() {
                    let sep = CONTEXT_SEPARATOR;
                    let heading = section.heading.as_deref().unwrap_or("");
                    let context = format!("{}{sep}{speaker}{sep}{heading}{sep}", speech.title);
                    contexts.push(Context {
                        start: context_text.len() as u32,
                        first: locs.len() as u32,
                        len: section.passages.len() as u32,
                        speech: speeches.len() as u32 - 1,
                    });
                    context_text.push_str(&normalizer.text(&context));
                    for (passage_no, passage) in section.passages.iter().enumerate() {
                        locs.push(Loc {
                            digest: digest_no as u32,
                            speech: speech_no as u32,
                            section: section_no as u32,
                            passage: passage_no as u32,
                        });
                        texts.push(passage.text());
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
            let normalized = normalizer.text(text);
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

        // Every slot is overwritten below; the placeholder segment id matches no segment meanwhile.
        let mut addresses = vec![(SegmentId::generate_random(), 0); locs.len()];
        for segment in reader.searcher().segment_readers() {
            let ords = segment.fast_fields().u64(ORD_FIELD)?.first_or_default_col(u64::MAX);
            for doc in 0..segment.max_doc() {
                if let Some(slot) = addresses.get_mut(ords.get_val(doc) as usize) {
                    *slot = (segment.segment_id(), doc);
                }
            }
        }
        release_free_memory();
        Ok(SearchIndex {
            analyzer,
            reader,
            fields,
            locs,
            addresses: Arc::new(addresses),
            contexts,
            context_text,
            speeches,
        })
    }

    pub fn len(&self) -> usize {
        self.locs.len()
    }

    /// Bytes the index takes (in memory).
    pub fn size_bytes(&self) -> u64 {
        self.reader.searcher().space_usage().map_or(0, |usage| usage.total().get_bytes())
    }

    pub fn is_empty(&self) -> bool {
        self.locs.is_empty()
    }

    pub fn analyzer(&self) -> &Arc<Analyzer> {
        &self.analyzer
    }

    /// The passages of the sections whose context contains `term`, in corpus order.
    pub(super) fn passages_with_term_in_context(&self, term: &str) -> Vec<u32> {
        let mut sections: Vec<usize> = memchr::memmem::find_iter(self.context_text.as_bytes(), term.as_bytes())
            .map(|at| self.contexts.partition_point(|c| c.start as usize <= at) - 1)
            .collect();
        // Matches come in text order, so one section's matches are adjacent.
        sections.dedup();
        sections.iter().flat_map(|&section| self.contexts[section].passages()).collect()
    }

    /// The passages of the speeches whose speaker or title contains one of `names`, in corpus order.
    pub(super) fn passages_of_speakers(&self, names: &[String]) -> Vec<u32> {
        self.contexts
            .iter()
            .filter(|context| {
                let speech = &self.speeches[context.speech as usize];
                names.iter().any(|name| speech.speaker.contains(name.as_str()) || speech.title.contains(name.as_str()))
            })
            .flat_map(Context::passages)
            .collect()
    }

    pub(super) fn passage_set(&self, ords: Vec<u32>) -> PassageSetQuery {
        PassageSetQuery::new(self.addresses.clone(), ords)
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
