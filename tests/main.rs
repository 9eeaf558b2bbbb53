//! Black-box tests of the `factwire` binary against CONTRACT.md.
//!
//! One test binary (ripgrep's pattern): each module covers one command, `util` holds
//! the temp data dirs and the command runner.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod bounded;
mod crash;
mod cron;
mod digest;
mod durable;
mod errors;
mod exports;
mod extract;
mod http;
mod ingest;
mod input;
mod query;
mod ranking;
mod real_relevance;
mod relevance;
mod robots;
mod site;
mod stores;
mod tls;
mod trust;
mod util;
mod watch;
