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

mod backup;
mod dates;
mod hash;
mod health;
mod migrate;
mod store;
mod types;

pub use backup::BackupInfo;
pub use hash::content_hash;
pub use health::{IndexedState, StoreCheck};
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
    /// The database file is damaged: not a database, or malformed inside. The message
    /// gives the way back (a backup, or SQLite's `.recover`).
    #[error("{}", damaged_message(path.as_deref(), source))]
    Damaged {
        /// The database path, when known.
        path: Option<PathBuf>,
        /// The SQLite error that showed the damage.
        #[source]
        source: rusqlite::Error,
    },
    /// The database file (or its directory) may not be read by this user.
    #[error("cannot read database {}: {source}", path.display())]
    Unreadable {
        /// The path that could not be read.
        path: PathBuf,
        /// The I/O error (permission denied, ...).
        #[source]
        source: std::io::Error,
    },
    /// Opened read-only, the database has an older schema than this build reads, and
    /// a read-only database cannot be migrated.
    #[error(
        "database {} has schema version {found}, this factwire reads {expected} and cannot migrate it read-only: run `factwire check --repair` (or an ingest) once as a user who may write to it",
        path.display()
    )]
    ReadOnlyOutdated {
        /// The database path.
        path: PathBuf,
        /// The `user_version` found.
        found: u32,
        /// [`SCHEMA_VERSION`].
        expected: u32,
    },
    /// A backup's destination exists already; backups never overwrite.
    #[error("{} exists already; give a new file name (backups never overwrite)", path.display())]
    BackupExists {
        /// The destination.
        path: PathBuf,
    },
    /// Writing the backup failed.
    #[error("backup to {} failed: {source}", path.display())]
    Backup {
        /// The destination.
        path: PathBuf,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// A file operation beside the database failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
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

    /// Whether this error means the database may be read but not written here (a
    /// read-only mount or file, or a directory where SQLite cannot create its
    /// `-wal`/`-shm` files): a reader then opens it with [`Store::open_read_only`].
    pub fn is_read_only(&self) -> bool {
        use rusqlite::ErrorCode::{CannotOpen, PermissionDenied, ReadOnly};
        match self {
            Error::Open { source, .. }
            | Error::Migration { source, .. }
            | Error::Sqlite(source) => {
                matches!(
                    source.sqlite_error_code(),
                    Some(ReadOnly | CannotOpen | PermissionDenied)
                )
            }
            _ => false,
        }
    }
}

/// Whether SQLite says the file is damaged (malformed, or not a database at all).
pub(crate) fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

fn damaged_message(path: Option<&std::path::Path>, source: &rusqlite::Error) -> String {
    let shown = path.map_or_else(|| "the database".to_string(), |p| p.display().to_string());
    let p = path.map_or_else(
        || "factwire.sqlite".to_string(),
        |p| p.display().to_string(),
    );
    format!(
        "database {shown} is damaged ({source}); restore it from a backup (`cp BACKUP {p}`, \
         see `factwire backup`) or recover what SQLite can still read \
         (`sqlite3 {p} .recover | sqlite3 recovered.sqlite`, then move recovered.sqlite \
         to {p}), then run `factwire reindex`"
    )
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        if is_damage(&e) {
            return Error::Damaged {
                path: None,
                source: e,
            };
        }
        Error::Sqlite(e)
    }
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;
