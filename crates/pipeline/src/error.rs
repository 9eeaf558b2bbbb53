//! The run-level errors of the pipeline.

use std::path::PathBuf;

/// A problem that stops a whole run (per-article problems are report lines instead),
/// or a document that cannot be analysed at all ([`Error::NotText`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Another ingest holds the run lock.
    #[error("another ingest is running (lock held: {})", lock_path.display())]
    AlreadyRunning {
        /// The lock file.
        lock_path: PathBuf,
    },
    /// The data directory could not be created or used.
    #[error("cannot use data directory {}", path.display())]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] factwire_store::Error),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] factwire_index::Error),
    /// The fetcher could not be built.
    #[error(transparent)]
    Fetcher(#[from] factwire_fetcher::Error),
    /// A document is not text: random bytes or a program binary (NUL characters, or
    /// a high share of control or replacement characters). For `extract` this is bad
    /// input; during ingest the article is skipped with reason `not_text`.
    #[error("not a text document (binary data: NUL, control or undecodable bytes)")]
    NotText,
}

/// Result of a pipeline operation.
pub type Result<T> = std::result::Result<T, Error>;
