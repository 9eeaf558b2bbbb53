//! The run-level errors of the pipeline.

use std::path::PathBuf;

use factwire_core::RunReport;

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
    /// The disk (or quota) holding the data directory is full. What was committed
    /// before is kept, and the next run with space resumes the work still queued.
    #[error(
        "no space left on device writing {}; free some space and run again (nothing committed is lost, the next run resumes)",
        path.display()
    )]
    DiskFull {
        /// The file or directory that could not be written.
        path: PathBuf,
        /// The store's or index's error.
        #[source]
        source: Box<Error>,
    },
    /// A run that had started stopped on an error: what it did up to then, and the
    /// error. Everything it committed is kept; its unfinished links stay queued.
    #[error("{error}")]
    Aborted {
        /// The report of the run up to the error.
        report: Box<RunReport>,
        /// What stopped it.
        error: Box<Error>,
    },
    /// A document is not text: random bytes or a program binary (NUL characters, or
    /// a high share of control or replacement characters). For `extract` this is bad
    /// input; during ingest the article is skipped with reason `not_text`.
    #[error("not a text document (binary data: NUL, control or undecodable bytes)")]
    NotText,
}

/// Result of a pipeline operation.
pub type Result<T> = std::result::Result<T, Error>;
