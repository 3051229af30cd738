//! The index's fields and the tokenizers they are cut with.

use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::Index;
use tantivy::schema::{Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions};

use super::tokens::{GramTokenizer, WordTokenizer};

const BIGRAM_TOKENIZER: &str = "digestbot_bigrams";
const UNIGRAM_TOKENIZER: &str = "digestbot_unigrams";
const WORD_TOKENIZER: &str = "digestbot_words";

/// The fast field that holds the key of a passage's digest (see `SearchIndex`): a reload deletes
/// the documents of a digest that changed by this term, and keeps those of the others.
pub const DIGEST_FIELD: &str = "digest";

/// The fast field that holds a passage's position within its digest: with the digest's key, it
/// ties a tantivy document back to its passage in whichever corpus the index serves.
pub const LOCAL_FIELD: &str = "local";

/// Each passage's normalized text is indexed three ways.
#[derive(Clone, Copy)]
pub struct Fields {
    /// Adjacent character pairs with positions: substring phrases, and BM25 ranking.
    pub bigrams: Field,
    /// Single characters, for one-character terms.
    pub unigrams: Field,
    /// jieba's words, for the whole-word tier.
    pub words: Field,
    pub digest: Field,
    pub local: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |tokenizer: &str, record: IndexRecordOption, scored: bool| {
        let indexing = TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(record);
        TextOptions::default().set_indexing_options(indexing.set_fieldnorms(scored))
    };
    let fields = Fields {
        // BM25 ranks by bigrams; single characters only need to be found, and whole words only to
        // be present (they score a constant), so those fields keep neither frequencies nor norms.
        bigrams: builder
            .add_text_field("bigrams", text(BIGRAM_TOKENIZER, IndexRecordOption::WithFreqsAndPositions, true)),
        unigrams: builder.add_text_field("unigrams", text(UNIGRAM_TOKENIZER, IndexRecordOption::Basic, false)),
        words: builder.add_text_field("words", text(WORD_TOKENIZER, IndexRecordOption::Basic, false)),
        digest: builder.add_u64_field(DIGEST_FIELD, NumericOptions::default().set_indexed().set_fast()),
        local: builder.add_u64_field(LOCAL_FIELD, NumericOptions::default().set_fast()),
    };
    (builder.build(), fields)
}

/// An empty in-memory index with the schema and its tokenizers.
pub fn create_in_ram(jieba: Arc<Jieba>) -> (Index, Fields) {
    let (schema, fields) = schema();
    let index = Index::create_in_ram(schema);
    index.tokenizers().register(BIGRAM_TOKENIZER, GramTokenizer::bigrams());
    index.tokenizers().register(UNIGRAM_TOKENIZER, GramTokenizer::unigrams());
    index.tokenizers().register(WORD_TOKENIZER, WordTokenizer::new(jieba));
    (index, fields)
}
