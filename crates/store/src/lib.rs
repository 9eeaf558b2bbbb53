//! factwire's system of record: one SQLite database holding feeds and their HTTP
//! validators, articles with their facts and entities, fetch failures with retry
//! backoff, per-host politeness state and the history of ingest runs.
//!
//! The search index (`factwire-index`) is derived from this database and can always be
//! rebuilt from it; each article carries a `version` (bumped when its content changes)
//! and an `indexed_version` so the pipeline can find what the index has not seen.
//!
//! This crate does not fetch, parse or analyse anything, and it never prints. It owns
//! `rusqlite`; no rusqlite type appears in its public signatures (errors keep one as
//! their `source`).
//!
//! Main types: [`Store`], [`NewArticle`] → [`PutOutcome`], [`StoredArticle`],
//! [`FeedState`], [`FactQuery`] → [`factwire_core::FactRow`], [`Stats`].
//!
//! ```
//! use factwire_core::ArticleRecord;
//! use factwire_store::{NewArticle, PutStatus, Store};
//!
//! let mut store = Store::open_in_memory()?;
//! let article = NewArticle::new(
//!     "https://example.com/a",
//!     ArticleRecord { text: "AWS grew 24%.".into(), ..Default::default() },
//!     "2026-02-05T21:04:00Z",
//! );
//! assert!(matches!(store.put_article(&article)?.status, PutStatus::New));
//! assert!(matches!(store.put_article(&article)?.status, PutStatus::Unchanged));
//! assert_eq!(store.article_count()?, 1);
//! # Ok::<(), factwire_store::Error>(())
//! ```

mod dates;
mod hash;
mod migrate;
mod store;
mod types;

pub use hash::content_hash;
pub use migrate::SCHEMA_VERSION;
pub use store::{BACKOFF_BASE_SECS, BACKOFF_MAX_SECS, FetchFailure, HostState, Store};
pub use types::*;

use std::path::PathBuf;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database file could not be opened or configured.
    #[error("cannot open database {}: {source}", path.display())]
    Open {
        /// The database path.
        path: PathBuf,
        /// The underlying SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// The database was written by a newer factwire.
    #[error(
        "database schema version {found} is newer than this factwire supports ({supported}); upgrade factwire"
    )]
    TooNew {
        /// The `user_version` found.
        found: u32,
        /// The newest version this build knows.
        supported: u32,
    },
    /// A migration step failed (the database is left unchanged).
    #[error("migration {name} failed: {source}")]
    Migration {
        /// The migration's file stem (`0001_init`).
        name: String,
        /// The underlying SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// A date filter is not `YYYY-MM-DD` or RFC 3339.
    #[error("invalid date {value:?}: expected YYYY-MM-DD or RFC 3339")]
    InvalidDate {
        /// The value given.
        value: String,
    },
    /// A stored value could not be decoded (hand-edited or damaged database).
    #[error("corrupt value in {what}: {detail}")]
    Corrupt {
        /// Which column or record.
        what: String,
        /// What was wrong with it.
        detail: String,
    },
    /// Any other SQLite error.
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
}

impl Error {
    /// Whether the disk (or the quota) is full: SQLite's `SQLITE_FULL`, or an I/O
    /// error `ENOSPC` under it. Nothing committed before it is lost; a later run with
    /// space resumes.
    pub fn is_disk_full(&self) -> bool {
        let sqlite = match self {
            Error::Open { source, .. }
            | Error::Migration { source, .. }
            | Error::Sqlite(source) => source,
            _ => return false,
        };
        if sqlite.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) {
            return true;
        }
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(sqlite);
        while let Some(e) = cause {
            if let Some(io) = e.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::StorageFull
            {
                return true;
            }
            cause = e.source();
        }
        false
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Sqlite(e)
    }
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;
