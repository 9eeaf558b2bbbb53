//! factwire's use cases, wiring the stage crates together.
//!
//! * [`Analyzer`] turns one document (HTML or text bytes) into the contract's
//!   [`ArticleRecord`](factwire_core::ArticleRecord): read → extract → summarise. It is
//!   what `factwire extract` runs, and what `ingest` runs for every fetched article.
//! * [`ingest`] runs one ingest: takes the run lock in the [`DataDir`], brings the index
//!   in step with the store, fetches feeds and new articles, analyses them, commits each
//!   article to the store and then the index, and returns the
//!   [`RunReport`](factwire_core::RunReport).
//! * [`reindex`] rebuilds the tantivy index from the store alone.
//! * [`check`] verifies the store, the index and that they agree; [`repair`] fixes
//!   what it can (under the run lock, like every writer of the index).
//!
//! Per-article failures are data (lines of the run report), never errors; only
//! run-level problems (the lock is held, the store cannot open) and a document that
//! is not text at all ([`Error::NotText`], from [`Analyzer::analyze`]) are
//! [`Error`]s. This
//! crate does no printing: progress is reported through a callback.
//!
//! ```
//! use factwire_pipeline::{Analyzer, AnalyzeOptions, InputHint};
//! let analyzer = Analyzer::new(factwire_extractor::Gazetteer::builtin());
//! let rec = analyzer.analyze(b"AWS revenue rose 24% to $35.6 billion.", &AnalyzeOptions {
//!     hint: InputHint::Text, ..Default::default()
//! }).unwrap();
//! assert!(rec.facts.iter().any(|f| f.text == "24%"));
//! ```

mod analyze;
mod check;
mod datadir;
mod dedup;
mod error;
mod ingest;

pub use analyze::{AnalyzeOptions, Analyzer, InputHint};
pub use check::{Area, CheckReport, Problem, RepairReport, check, repair};
pub use datadir::{DataDir, RunLock};
pub use error::{Error, Result};
pub use ingest::{
    FeedSpec, IngestPlan, Progress, RunOutcome, Stage, index_doc, ingest, open_index, reindex,
    sync_index,
};
