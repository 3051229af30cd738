//! What can go wrong with the store.

use std::io;
use std::path::PathBuf;

/// Why the store could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}: {error}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        error: io::Error,
    },
    /// The database was written by a newer digestbot; using it could lose what that one stored.
    #[error(
        "{}: schema version {found} is not one this digestbot knows (it knows up to {known}); it was written by \
         a newer digestbot, use that one",
        path.display()
    )]
    NewerSchema { path: PathBuf, found: i64, known: usize },
    /// A row this binary cannot read (an unknown zone, a malformed date).
    #[error("database: {0}")]
    Corrupt(String),
}
