//! Black-box tests of the `factwire` binary against CONTRACT.md.
//!
//! One test binary (ripgrep's pattern): each module covers one command, `util` holds
//! the temp data dirs and the command runner.

mod digest;
mod errors;
mod extract;
mod ingest;
mod query;
mod relevance;
mod util;
mod watch;
