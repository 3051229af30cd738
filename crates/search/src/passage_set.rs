//! A tantivy query that matches a given set of passages.

use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::query::{BitSetDocSet, ConstScorer, EnableScoring, Explanation, Scorer, Weight};
use tantivy::{BitSet, DocId, Score, SegmentReader};

/// Matches the passages of a list of ords: those of the sections whose context (title, speaker,
/// heading) holds a term, or of the speeches a speaker filter keeps. What they match is known
/// before searching, and no field of theirs is indexed, so no term query can find them.
#[derive(Clone)]
pub struct PassageSetQuery {
    /// Passage ord → the segment and document it was indexed as.
    addresses: Arc<Vec<(SegmentId, DocId)>>,
    ords: Arc<Vec<u32>>,
}

impl PassageSetQuery {
    pub fn new(addresses: Arc<Vec<(SegmentId, DocId)>>, ords: Vec<u32>) -> PassageSetQuery {
        PassageSetQuery { addresses, ords: Arc::new(ords) }
    }
}

impl std::fmt::Debug for PassageSetQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PassageSetQuery({} passages)", self.ords.len())
    }
}

impl tantivy::query::Query for PassageSetQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // Nothing to score: the query is its own weight.
        Ok(Box::new(self.clone()))
    }
}

impl Weight for PassageSetQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut docs = BitSet::with_max_value(reader.max_doc());
        let segment = reader.segment_id();
        for &ord in self.ords.iter() {
            if let Some(&(in_segment, doc)) = self.addresses.get(ord as usize)
                && in_segment == segment
            {
                docs.insert(doc);
            }
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let address = (reader.segment_id(), doc);
        let hit = self.ords.iter().any(|&ord| self.addresses.get(ord as usize) == Some(&address));
        Ok(Explanation::new(if hit { "in passage set" } else { "not in passage set" }, 1.0))
    }
}
