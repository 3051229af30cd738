//! The database schema and its migrations: append only, each applied once, in order.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::error::StoreError;

/// The schema, one step a version: a database at `PRAGMA user_version` N has had the first N
/// applied. Append only; never edit a step that has shipped.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: subscriptions, the delivery log, the last plan.
    "CREATE TABLE subscriptions (
        chat INTEGER PRIMARY KEY,
        thread INTEGER,
        time TEXT NOT NULL,
        zone TEXT NOT NULL,
        since TEXT NOT NULL,
        active INTEGER NOT NULL,
        inactive_reason TEXT,
        next TEXT,
        round INTEGER NOT NULL DEFAULT 0,
        last_date TEXT,
        last_entry TEXT,
        last_at TEXT
    ) STRICT;
    CREATE TABLE deliveries (
        chat INTEGER NOT NULL,
        date TEXT NOT NULL,
        entry TEXT NOT NULL,
        parts INTEGER NOT NULL,
        sent INTEGER NOT NULL DEFAULT 0,
        wrapped INTEGER NOT NULL,
        claimed_at TEXT NOT NULL,
        finished_at TEXT,
        abandoned INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (chat, date)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX deliveries_unfinished ON deliveries (claimed_at) WHERE sent < parts AND abandoned = 0;
    CREATE INDEX deliveries_finished ON deliveries (finished_at) WHERE finished_at IS NOT NULL;
    CREATE TABLE plan (
        key TEXT PRIMARY KEY,
        ids TEXT NOT NULL
    ) STRICT;",
    // 2: watched words, per private chat, in the order they were added.
    "CREATE TABLE watches (
        id INTEGER PRIMARY KEY,
        chat INTEGER NOT NULL,
        words TEXT NOT NULL,
        key TEXT NOT NULL,
        since TEXT NOT NULL,
        UNIQUE (chat, key)
    ) STRICT;",
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

pub(super) fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Applies the migrations `conn` lacks, each in a transaction of its own. The version is read
/// again under the write lock, so two processes starting at once do not both apply a step.
pub(super) fn migrate_schema(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found = user_version(&tx)?;
        let applied = usize::try_from(found).ok().filter(|&v| v <= MIGRATIONS.len());
        let Some(applied) = applied else {
            return Err(StoreError::NewerSchema { path: path.to_owned(), found, known: MIGRATIONS.len() });
        };
        let Some(step) = MIGRATIONS.get(applied) else { return Ok(()) };
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", (applied + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = applied + 1, path = %path.display(), "database schema migrated");
    }
}
