//! Searching the index: a [`Query`] turned into tantivy clauses, and the hits they rank.
//!
//! Every term must occur as a substring, in the passage or in its section's context. Passages
//! that hold every term as a whole word form a tier above the rest; within a tier, the BM25 of
//! the terms' grams ranks, and equal scores keep corpus order.

use std::cmp::Reverse;

use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, SegmentReader, Term};

use super::chars::is_word;
use super::index::{Among, IndexError, NO_ORD, SearchIndex};
use super::query::Query;
use super::snippet::{Snippet, snippet};
use crate::corpus::{Corpus, Loc};

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

type Clause = (Occur, Box<dyn tantivy::query::Query>);

/// An upper bound of the BM25 score one bigram (or character) can add: idf ≤ ln(1 + 2N) ≈ 12 for
/// a hundred thousand passages, times k1 + 1 = 2.2. A whole-word match scores more than all the
/// grams of the query together can, so it ranks first, and no more, so f32 keeps BM25's precision.
const MAX_GRAM_SCORE: f32 = 30.0;

impl SearchIndex {
    /// The passages matching `query`, best first: `offset` skipped, at most `limit` returned.
    pub fn search(&self, query: &Query, offset: usize, limit: usize) -> Result<Results, IndexError> {
        // tantivy reserves room for offset + limit hits up front: bound both by what exists, or a
        // forged page number would ask for terabytes.
        let offset = offset.min(self.locs.len());
        let limit = limit.min(self.locs.len());
        let Some(clauses) = self.clauses(query, None) else { return Ok(Results { total: 0, hits: Vec::new() }) };
        let doc_ords = self.doc_ords.clone();
        let top = TopDocs::with_limit(limit.max(1)).and_offset(offset).tweak_score(move |segment: &SegmentReader| {
            let id = segment.segment_id();
            let ords = doc_ords.iter().find(|(segment, _)| *segment == id).map(|(_, ords)| ords.clone());
            move |doc: DocId, score: Score| {
                // Equal scores keep corpus order.
                (score, Reverse(ords.as_ref().and_then(|ords| ords.get(doc as usize).copied()).unwrap_or(NO_ORD)))
            }
        });
        let (total, top) = self.reader.searcher().search(&BooleanQuery::new(clauses), &(Count, top))?;
        // TopDocs cannot collect nothing, so a limit of 0 collected one hit to drop here.
        let top = if limit == 0 { Vec::new() } else { top };
        let hits = top
            .into_iter()
            .filter_map(|((score, Reverse(ord)), _)| {
                let loc = *self.locs.get(ord as usize)?;
                Some(Hit { loc, score, snippet: Snippet { text: String::new(), highlights: Vec::new() } })
            })
            .collect();
        Ok(Results { total, hits })
    }

    /// Every passage matching `query`, in corpus order: what a trend counts.
    pub fn matching(&self, query: &Query) -> Result<Vec<Loc>, IndexError> {
        self.matching_in(query, None)
    }

    /// The passages of `among` matching `query`, in corpus order: what [`SearchIndex::matching`]
    /// finds of them, at the cost of looking at them alone (a reload's new passages, against
    /// thousands of watched terms).
    pub fn matching_among(&self, query: &Query, among: &Among) -> Result<Vec<Loc>, IndexError> {
        if among.is_empty() {
            return Ok(Vec::new());
        }
        self.matching_in(query, Some(among))
    }

    fn matching_in(&self, query: &Query, among: Option<&Among>) -> Result<Vec<Loc>, IndexError> {
        let Some(clauses) = self.clauses(query, among) else { return Ok(Vec::new()) };
        let searcher = self.reader.searcher();
        let found = searcher.search(&BooleanQuery::new(clauses), &DocSetCollector)?;
        let segments: Vec<Option<&[u32]>> = searcher
            .segment_readers()
            .iter()
            .map(|reader| {
                let id = reader.segment_id();
                self.doc_ords.iter().find(|(segment, _)| *segment == id).map(|(_, ords)| &ords[..])
            })
            .collect();
        let mut ords: Vec<u32> = found
            .into_iter()
            .filter_map(|address| {
                let ords = segments.get(address.segment_ord as usize).copied().flatten()?;
                ords.get(address.doc_id as usize).copied().filter(|&ord| ord != NO_ORD)
            })
            .collect();
        ords.sort_unstable();
        Ok(ords.into_iter().filter_map(|ord| self.locs.get(ord as usize).copied()).collect())
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

    /// The clauses of `query`, kept to `among` when given; None when its speaker filters keep no
    /// passage.
    fn clauses(&self, query: &Query, among: Option<&Among>) -> Option<Vec<Clause>> {
        let mut clauses = Vec::new();
        let grams: usize = query.terms.iter().map(|t| t.chars().count().saturating_sub(1).max(1)).sum();
        let whole_word_score = MAX_GRAM_SCORE * (grams + 1) as f32;
        for term in &query.terms {
            clauses.push((Occur::Must, self.term_query(term, among)));
            if let Some(whole_words) = self.whole_word_query(term, whole_word_score) {
                clauses.push((Occur::Should, whole_words));
            }
        }
        if !query.speakers.is_empty() {
            let allowed = self.passages_of_speakers(&query.speakers);
            if allowed.is_empty() {
                return None;
            }
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(self.passage_set(allowed)), 0.0))));
        }
        if let Some(among) = among {
            let kept = self.passage_set(among.ords().to_vec());
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(kept), 0.0))));
        }
        Some(clauses)
    }

    /// Matches the passages that hold `term`, or whose section's context (speech title, speaker,
    /// heading) does; a context match scores nothing. Kept to `among`, only its sections' contexts
    /// are looked in.
    fn term_query(&self, term: &str, among: Option<&Among>) -> Box<dyn tantivy::query::Query> {
        let in_context = match among {
            Some(among) => self.passages_with_term_in_sections(term, among),
            None => self.passages_with_term_in_context(term),
        };
        if in_context.is_empty() {
            return self.substring_query(term);
        }
        Box::new(BooleanQuery::new(vec![
            (Occur::Should, self.substring_query(term)),
            (Occur::Should, Box::new(ConstScoreQuery::new(Box::new(self.passage_set(in_context)), 0.0))),
        ]))
    }

    /// The exact-substring query for a normalized term: one character is a unigram, two are one
    /// bigram, longer terms a phrase of bigrams at consecutive positions.
    fn substring_query(&self, term: &str) -> Box<dyn tantivy::query::Query> {
        let chars: Vec<(usize, char)> = term.char_indices().collect();
        match chars.len() {
            1 => Box::new(TermQuery::new(Term::from_field_text(self.fields.unigrams, term), IndexRecordOption::Basic)),
            2 => {
                Box::new(TermQuery::new(Term::from_field_text(self.fields.bigrams, term), IndexRecordOption::WithFreqs))
            }
            _ => {
                let bigrams = chars
                    .windows(2)
                    .enumerate()
                    .map(|(position, pair)| {
                        let (start, end) = (pair[0].0, pair[1].0 + pair[1].1.len_utf8());
                        (position, Term::from_field_text(self.fields.bigrams, &term[start..end]))
                    })
                    .collect();
                Box::new(PhraseQuery::new_with_offset(bigrams))
            }
        }
    }

    /// Matches, with `score`, the passages that hold every jieba word of `term` as a whole word;
    /// None when `term` has no word.
    fn whole_word_query(&self, term: &str, score: f32) -> Option<Box<dyn tantivy::query::Query>> {
        let words: Vec<Clause> = self
            .analyzer
            .jieba
            .cut(term, false)
            .into_iter()
            .filter(|word| is_word(word.word))
            .map(|word| -> Clause {
                let word = Term::from_field_text(self.fields.words, word.word);
                (Occur::Must, Box::new(TermQuery::new(word, IndexRecordOption::Basic)))
            })
            .collect();
        if words.is_empty() {
            return None;
        }
        // A constant, not a boosted BM25: BM25 of a word in a very long passage can fall low enough
        // to sink under a mere substring match. Within a tier, the substring BM25 ranks.
        Some(Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(words)), score)))
    }
}
