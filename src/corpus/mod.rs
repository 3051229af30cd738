//! The corpus: digests of speeches, parsed losslessly from plain text files.

mod classify;
mod decode;
mod load;
mod model;
mod parse;

pub use load::{MAX_DIGEST_ID, digest_id, load_dir};
pub use model::{Corpus, Digest, Line, Loc, Located, Passage, Place, Problem, Section, Severity, Speech, trim};
pub use parse::{MAX_LINE_BYTES, Parsed, parse};
