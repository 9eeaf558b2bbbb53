//! Black-box tests of the `factwire` binary against CONTRACT.md.
//!
//! One test binary (ripgrep's pattern): each module covers one command, `util` holds
//! the temp data dirs and the command runner.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod digest;
mod errors;
mod extract;
mod http;
mod ingest;
mod query;
mod relevance;
mod stores;
mod tls;
mod util;
mod watch;
