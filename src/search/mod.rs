//! Chinese search with full substring recall: normalization, tokenizers, the index, snippets.

mod index;
mod normalize;
mod query;
mod snippet;
mod tokens;

pub use index::{Analyzer, Hit, IndexError, Results, SearchIndex};
pub use normalize::{Normalized, Normalizer, is_han};
pub use query::{MAX_QUERY_CHARS, Query, QueryError, parse as parse_query};
pub use snippet::{SNIPPET_CHARS, Snippet, matches, snippet};
pub use tokens::{GramTokenizer, WordTokenizer, is_word, words};
