//! The in-memory tantivy index over every passage, and the section contexts beside it.
//!
//! A reload updates the tantivy index in place instead of building a new one: each document
//! carries its digest's key, a hash of what the index holds of that digest, and its position in
//! the digest; a reload deletes the documents of the keys that went and adds those of the keys
//! that came. Ords (positions in corpus order) are never stored, since a digest added before
//! another shifts them: each library maps documents to ords of its own corpus.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use tantivy::index::{SegmentId, SegmentMeta};
use tantivy::indexer::IndexWriterOptions;
use tantivy::merge_policy::{LogMergePolicy, MergeCandidate, MergePolicy};
use tantivy::{DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::analyzer::Analyzer;
use super::normalize::Normalizer;
use super::passage_set::PassageSetQuery;
use super::schema::{self, DIGEST_FIELD, Fields, LOCAL_FIELD};
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
    /// Kept to update it on a reload: successive libraries share one tantivy index, each with a
    /// reader of its own commit.
    index: Index,
    pub(super) reader: IndexReader,
    pub(super) fields: Fields,
    /// Passage ord → where it is in the corpus.
    pub(super) locs: Vec<Loc>,
    /// Passage ord → where it is in the index, for [`PassageSetQuery`].
    addresses: Arc<Vec<(SegmentId, DocId)>>,
    /// Each segment's document → passage ord ([`NO_ORD`] for the deleted), for ranking.
    pub(super) doc_ords: Arc<Vec<(SegmentId, Arc<[u32]>)>>,
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
#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct IndexError(pub String);

impl From<tantivy::TantivyError> for IndexError {
    fn from(e: tantivy::TantivyError) -> Self {
        IndexError(e.to_string())
    }
}

/// A digest's place among the passages: its key, and its passages' ords `first..first + len`.
struct DigestSpan {
    key: u64,
    first: u32,
    len: u32,
}

/// What the index derives from a corpus, tantivy's documents aside.
struct Layout<'c> {
    locs: Vec<Loc>,
    /// Each passage's text, by ord.
    texts: Vec<&'c str>,
    /// In corpus order.
    digests: Vec<DigestSpan>,
    contexts: Vec<Context>,
    context_text: String,
    speeches: Vec<SpeechNames>,
}

impl<'c> Layout<'c> {
    fn of(corpus: &'c Corpus, normalizer: &Normalizer) -> Layout<'c> {
        let mut layout = Layout {
            locs: Vec::new(),
            texts: Vec::new(),
            digests: Vec::new(),
            contexts: Vec::new(),
            context_text: String::new(),
            speeches: Vec::new(),
        };
        let mut keys = HashSet::new();
        for (digest_no, digest) in corpus.digests.iter().enumerate() {
            let first = layout.locs.len() as u32;
            let mut hasher = std::hash::DefaultHasher::new();
            digest.id.hash(&mut hasher);
            for (speech_no, speech) in digest.speeches.iter().enumerate() {
                let speaker = speech.speaker_name().unwrap_or("");
                let names = SpeechNames { speaker: normalizer.text(speaker), title: normalizer.text(&speech.title) };
                layout.speeches.push(names);
                for (section_no, section) in speech.sections.iter().enumerate() {
                    let sep = CONTEXT_SEPARATOR;
                    let heading = section.heading.as_deref().unwrap_or("");
                    // A byline is searched with the speaker: it names who wrote the speech down, or who spoke.
                    let byline: String = speech.byline.iter().map(|line| format!(" {}", line.display())).collect();
                    let context = format!("{}{sep}{speaker}{byline}{sep}{heading}{sep}", speech.title);
                    layout.contexts.push(Context {
                        start: layout.context_text.len() as u32,
                        first: layout.locs.len() as u32,
                        len: section.passages.len() as u32,
                        speech: layout.speeches.len() as u32 - 1,
                    });
                    layout.context_text.push_str(&normalizer.text(&context));
                    for (passage_no, passage) in section.passages.iter().enumerate() {
                        layout.locs.push(Loc {
                            digest: digest_no as u32,
                            speech: speech_no as u32,
                            section: section_no as u32,
                            passage: passage_no as u32,
                        });
                        layout.texts.push(passage.text());
                        // Documents hold nothing but the passages' texts, in order: a digest whose
                        // texts stayed keeps its documents, whatever else changed in it (titles,
                        // headings and speakers are contexts, derived again at each reload).
                        passage.text().hash(&mut hasher);
                    }
                }
            }
            // Keys tell digests apart (ids are unique, and hashed in), so two digests with the same
            // text keep documents of their own; should two hashes collide all the same, the second
            // takes another key.
            let mut key = hasher.finish();
            while !keys.insert(key) {
                key = key.wrapping_add(1);
            }
            layout.digests.push(DigestSpan { key, first, len: layout.locs.len() as u32 - first });
        }
        layout
    }

    /// Adds the documents of `digest`'s passages.
    fn add_documents(
        &self,
        writer: &IndexWriter,
        fields: &Fields,
        normalizer: &Normalizer,
        digest: &DigestSpan,
    ) -> Result<(), IndexError> {
        let texts = &self.texts[digest.first as usize..(digest.first + digest.len) as usize];
        for (local, text) in texts.iter().enumerate() {
            let normalized = normalizer.text(text);
            let mut doc = TantivyDocument::new();
            doc.add_text(fields.words, &normalized);
            doc.add_text(fields.unigrams, &normalized);
            doc.add_text(fields.bigrams, normalized);
            doc.add_u64(fields.digest, digest.key);
            doc.add_u64(fields.local, local as u64);
            writer.add_document(doc)?;
        }
        Ok(())
    }
}

/// A document's ord where it has none: deleted, or of a digest not in the corpus.
pub(super) const NO_ORD: u32 = u32::MAX;

/// Where a passage has no document yet, while the addresses are filled in.
const NO_DOC: DocId = DocId::MAX;

/// The memory budget of the writer of a reload, which indexes the digests that changed on one
/// thread while searches take the other cores. With a tenth of the bench corpus changed, tantivy's
/// least (15 MB) flushed and merged segments and took twice as long as 50 MB (1.8 s → 0.9 s), and
/// 200 MB was no faster; memory is taken as used.
const UPDATE_BUDGET: usize = 50_000_000;

/// A segment is rewritten once this fraction of its documents or more is deleted: deleted documents
/// take memory, and still count in BM25's statistics (document frequencies and lengths) until then.
const MAX_DELETED_FRACTION: f32 = 0.25;

/// Merges for an index that reloads update: the log policy's merges of segments of similar sizes,
/// which gathers the small segments each reload adds, and a segment rewritten alone once a quarter of
/// it is deleted, so that an index updated daily for months stays the size of its corpus. (The log
/// policy's own threshold would merge the whole level, that is, rewrite every large segment at once.)
#[derive(Debug, Default)]
struct UpdateMergePolicy {
    log: LogMergePolicy,
}

impl MergePolicy for UpdateMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let mut candidates = self.log.compute_merge_candidates(segments);
        let merging: HashSet<SegmentId> = candidates.iter().flat_map(|c| c.0.iter().copied()).collect();
        let worn = segments.iter().filter(|segment| {
            !merging.contains(&segment.id())
                && segment.num_deleted_docs() as f32 >= MAX_DELETED_FRACTION * segment.max_doc() as f32
                && segment.num_deleted_docs() > 0
        });
        candidates.extend(worn.map(|segment| MergeCandidate(vec![segment.id()])));
        candidates
    }
}

/// Passages a search may be kept to ([`SearchIndex::matching_among`]): few, of a large index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Among {
    /// Their ords, ascending.
    ords: Vec<u32>,
    /// The sections they are in (indexes of [`SearchIndex::contexts`]), ascending: a term is looked
    /// for in these sections' contexts only, not in every section's.
    sections: Vec<u32>,
}

impl Among {
    pub fn is_empty(&self) -> bool {
        self.ords.is_empty()
    }

    pub(super) fn ords(&self) -> &[u32] {
        &self.ords
    }
}

/// The documents tantivy holds for an index, deleted ones included: what reloads leave behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Storage {
    pub segments: usize,
    /// Every document, deleted or not.
    pub docs: u64,
    pub deleted: u64,
}

impl SearchIndex {
    /// Indexes every passage of `corpus`.
    pub fn build(corpus: &Corpus, analyzer: Arc<Analyzer>) -> Result<SearchIndex, IndexError> {
        let (index, fields) = schema::create_in_ram(analyzer.jieba.clone());
        let layout = Layout::of(corpus, &analyzer.normalizer);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        // A budget large enough that no thread flushes before the commit: one segment per thread and no
        // merging, which measured more than twice as fast as 15 MB per thread (9.5 s → 4.0 s on the
        // bench corpus). Memory is taken as used, not reserved, and handed back after the commit.
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(threads, threads * 500_000_000)?;
        // One thread feeds the writer's threads: normalizing is a small part of the work (0.2 s of
        // CPU for the bench corpus), and a feeder per core measured no faster on two cores.
        for digest in &layout.digests {
            layout.add_documents(&writer, &fields, &analyzer.normalizer, digest)?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let built = SearchIndex::open(index, fields, layout, analyzer);
        release_free_memory();
        built
    }

    /// The index of `corpus`, a later version of the corpus this index serves: documents of
    /// digests that changed or went are deleted and those of digests that changed or came are
    /// added, in the tantivy index this one reads. This one keeps answering as before, from the
    /// snapshot its reader holds. When much of the corpus changed, or the update fails, a full
    /// build.
    pub fn update(&self, corpus: &Corpus) -> Result<SearchIndex, IndexError> {
        match self.try_update(corpus) {
            Ok(Some(updated)) => Ok(updated),
            Ok(None) => SearchIndex::build(corpus, self.analyzer.clone()),
            Err(e) => {
                tracing::warn!("the index could not be updated, it is built again: {e}");
                SearchIndex::build(corpus, self.analyzer.clone())
            }
        }
    }

    /// The updated index; None when more than a quarter of the passages would be indexed again,
    /// where a build on every core gets faster: on the bench corpus, with 24% of its digests
    /// changed an update took 2.2 s, with 45% 5.8 s (segments rewritten for their deletes
    /// included), and a build 4.3 s.
    fn try_update(&self, corpus: &Corpus) -> Result<Option<SearchIndex>, IndexError> {
        let normalizer = &self.analyzer.normalizer;
        let layout = Layout::of(corpus, normalizer);
        // What the index holds is read from its last commit, not from this library: a later
        // library, or an update that failed after its commit, may have changed it since.
        let held = digest_keys(&self.latest()?)?;
        let wanted: HashSet<u64> = layout.digests.iter().map(|digest| digest.key).collect();
        let gone: Vec<u64> = held.iter().copied().filter(|key| !wanted.contains(key)).collect();
        // A digest without passages has no documents to find its key by: it is never new.
        let new: Vec<&DigestSpan> =
            layout.digests.iter().filter(|digest| digest.len > 0 && !held.contains(&digest.key)).collect();
        let new_passages: usize = new.iter().map(|digest| digest.len as usize).sum();
        if new_passages as f32 > MAX_DELETED_FRACTION * layout.locs.len() as f32 {
            return Ok(None);
        }
        if !gone.is_empty() || !new.is_empty() {
            let options = IndexWriterOptions::builder()
                .num_worker_threads(1)
                .num_merge_threads(1)
                .memory_budget_per_thread(UPDATE_BUDGET)
                .build();
            let mut writer = self.index.writer_with_options::<TantivyDocument>(options)?;
            writer.set_merge_policy(Box::new(UpdateMergePolicy::default()));
            for key in gone {
                writer.delete_term(Term::from_field_u64(self.fields.digest, key));
            }
            for digest in new {
                layout.add_documents(&writer, &self.fields, normalizer, digest)?;
            }
            writer.commit()?;
            // Merges the commit set off run now, while the current library still serves, rather
            // than in the background of the next one.
            writer.wait_merging_threads()?;
        }

        let updated = SearchIndex::open(self.index.clone(), self.fields, layout, self.analyzer.clone());
        release_free_memory();
        updated.map(Some)
    }

    /// A searcher of the index's last commit.
    fn latest(&self) -> Result<Searcher, IndexError> {
        let reader: IndexReader = self.index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(reader.searcher())
    }

    /// The index of `layout` over the last commit of `index`, with a reader of its own. Every
    /// passage must have exactly one live document.
    fn open(index: Index, fields: Fields, layout: Layout, analyzer: Arc<Analyzer>) -> Result<SearchIndex, IndexError> {
        // Manual: the reader stays on this commit, so later updates of the index do not change
        // what this library finds, and documents keep the addresses mapped below.
        let reader: IndexReader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let digests: HashMap<u64, &DigestSpan> = layout.digests.iter().map(|digest| (digest.key, digest)).collect();
        // Every slot is overwritten below; the placeholder segment id matches no segment meanwhile.
        let mut addresses = vec![(SegmentId::generate_random(), NO_DOC); layout.locs.len()];
        let mut doc_ords = Vec::new();
        for segment in reader.searcher().segment_readers() {
            let keys = segment.fast_fields().u64(DIGEST_FIELD)?.first_or_default_col(0);
            let locals = segment.fast_fields().u64(LOCAL_FIELD)?.first_or_default_col(u64::MAX);
            let mut ords = vec![NO_ORD; segment.max_doc() as usize];
            for doc in segment.doc_ids_alive() {
                // Documents of a digest not in this corpus would be found and counted by searches.
                let stray = || IndexError(format!("a document of digest {:x} not in the corpus", keys.get_val(doc)));
                let digest = digests.get(&keys.get_val(doc)).ok_or_else(stray)?;
                let local = locals.get_val(doc);
                if local >= u64::from(digest.len) {
                    return Err(stray());
                }
                let ord = digest.first + local as u32;
                let slot = &mut addresses[ord as usize];
                if slot.1 != NO_DOC {
                    return Err(IndexError(format!("passage {ord} is indexed twice")));
                }
                *slot = (segment.segment_id(), doc);
                ords[doc as usize] = ord;
            }
            doc_ords.push((segment.segment_id(), Arc::from(ords)));
        }
        if let Some(ord) = addresses.iter().position(|&(_, doc)| doc == NO_DOC) {
            return Err(IndexError(format!("passage {ord} is not indexed")));
        }
        Ok(SearchIndex {
            analyzer,
            index,
            reader,
            fields,
            locs: layout.locs,
            addresses: Arc::new(addresses),
            doc_ords: Arc::new(doc_ords),
            contexts: layout.contexts,
            context_text: layout.context_text,
            speeches: layout.speeches,
        })
    }

    /// What tantivy holds for this index: documents of passages gone since are not found, but
    /// take room until their segment is merged.
    pub fn storage(&self) -> Storage {
        let searcher = self.reader.searcher();
        let segments = searcher.segment_readers();
        Storage {
            segments: segments.len(),
            docs: segments.iter().map(|segment| u64::from(segment.max_doc())).sum(),
            deleted: segments.iter().map(|segment| u64::from(segment.num_deleted_docs())).sum(),
        }
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

    /// `locs`, passages of this index's corpus, as a set a search may be kept to; a loc the corpus
    /// has no passage at is left out.
    pub fn among(&self, locs: &[Loc]) -> Among {
        let mut ords: Vec<u32> =
            locs.iter().filter_map(|loc| self.locs.binary_search(loc).ok()).map(|ord| ord as u32).collect();
        ords.sort_unstable();
        ords.dedup();
        // The last section starting at or before a passage holds it: an empty section before it
        // starts where it does.
        let mut sections: Vec<u32> =
            ords.iter().map(|&ord| self.contexts.partition_point(|c| c.first <= ord) as u32 - 1).collect();
        sections.dedup();
        Among { ords, sections }
    }

    /// The passages of those of `among`'s sections whose context contains `term`, in corpus order.
    pub(super) fn passages_with_term_in_sections(&self, term: &str, among: &Among) -> Vec<u32> {
        let finder = memchr::memmem::Finder::new(term.as_bytes());
        let text = self.context_text.as_bytes();
        among
            .sections
            .iter()
            .map(|&section| section as usize)
            .filter(|&section| {
                let start = self.contexts[section].start as usize;
                let end = self.contexts.get(section + 1).map_or(text.len(), |next| next.start as usize);
                finder.find(&text[start..end]).is_some()
            })
            .flat_map(|section| self.contexts[section].passages())
            .collect()
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

/// The keys of the digests whose documents `searcher` finds.
fn digest_keys(searcher: &Searcher) -> Result<HashSet<u64>, IndexError> {
    let mut keys = HashSet::new();
    for segment in searcher.segment_readers() {
        let column = segment.fast_fields().u64(DIGEST_FIELD)?.first_or_default_col(0);
        let mut last = None;
        for doc in segment.doc_ids_alive() {
            let key = column.get_val(doc);
            // A digest's documents are added together, so they are mostly adjacent.
            if last != Some(key) {
                keys.insert(key);
                last = Some(key);
            }
        }
    }
    Ok(keys)
}
