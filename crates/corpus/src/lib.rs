//! The corpus: digests of speeches, parsed losslessly from plain text files.

mod classify;
mod decode;
pub mod ids;
mod load;
mod model;
mod names;
mod parse;
mod people;
pub mod read;

pub use load::{
    DEFAULT_MAX_FILE_MB, LARGEST_MAX_FILE_MB, LoadError, LoadOptions, MAX_DIGEST_ID, digest_id, load_dir, load_dir_with,
};
pub use model::{
    Corpus, Digest, Line, Loc, Located, Passage, Place, Problem, Section, Severity, Speech, escape_controls,
    is_invisible, trim,
};
pub use parse::{MAX_LINE_BYTES, Parsed, parse};
