//! Chinese search with full substring recall: normalization, tokenizers, the index, snippets, and
//! the library (a corpus and its index, swapped whole).

// The corpus floor, under the name this crate's paths use (`crate::corpus::…`).
use digestbot_corpus as corpus;

mod analyzer;
mod chars;
pub mod compare;
mod index;
pub mod library;
mod normalize;
mod passage_set;
mod query;
mod rank;
mod schema;
mod snippet;
mod stopwords;
mod tokens;
pub mod trend;
pub mod verify;

pub use analyzer::Analyzer;
pub use chars::{is_han, is_word};
pub use index::{Among, IndexError, SearchIndex, Storage};
pub use normalize::{Normalized, Normalizer};
pub use query::{MAX_QUERY_CHARS, Query, QueryError, check_length as check_query_length, parse as parse_query};
pub use rank::{Hit, Results};
pub use snippet::{SNIPPET_CHARS, Snippet, matches, snippet};
pub use stopwords::{is_stopword, only_stopwords};
pub use tokens::{GramTokenizer, WordTokenizer, words};
pub use trend::{By, Trend, TrendError};
pub use verify::{Verdict, Verification, VerifyError};
