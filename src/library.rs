//! The library: a corpus and the index built from it, always together, so every passage a search
//! returns exists in the corpus it is read from. (Reloading swaps whole libraries.)

use std::path::Path;
use std::sync::Arc;

use crate::corpus::{self, Corpus};
use crate::search::{Analyzer, IndexError, QueryError, Results, SearchIndex, parse_query};

#[derive(Debug)]
pub struct Library {
    pub corpus: Corpus,
    pub index: SearchIndex,
}

#[derive(Debug)]
pub enum SearchError {
    /// The person's query cannot be searched; tell them why.
    Query(QueryError),
    /// The index failed: not their fault.
    Index(IndexError),
}

impl From<IndexError> for SearchError {
    fn from(e: IndexError) -> Self {
        SearchError::Index(e)
    }
}

impl Library {
    /// Loads every digest below `dir` and indexes it. Problems with files are in `corpus.problems`.
    pub fn load(dir: &Path, analyzer: Arc<Analyzer>) -> Result<Library, IndexError> {
        Library::from_corpus(corpus::load_dir(dir), analyzer)
    }

    pub fn from_corpus(corpus: Corpus, analyzer: Arc<Analyzer>) -> Result<Library, IndexError> {
        let index = SearchIndex::build(&corpus, analyzer)?;
        Ok(Library { corpus, index })
    }

    /// Searches for what a person typed: hits `offset..offset + limit`, best first, with snippets.
    pub fn search(
        &self,
        raw: &str,
        offset: usize,
        limit: usize,
    ) -> Result<(crate::search::Query, Results), SearchError> {
        let query = parse_query(&self.index.analyzer().normalizer, raw).map_err(SearchError::Query)?;
        let results = self.index.search_with_snippets(&self.corpus, &query, offset, limit)?;
        Ok((query, results))
    }
}
