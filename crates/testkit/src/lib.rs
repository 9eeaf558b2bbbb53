//! Test helpers for factwire: fixture paths, temporary data directories and a small
//! local HTTP(S) server with fault modes.
//!
//! This crate is a dev-dependency only (`publish = false`). Nothing here touches the
//! internet: [`TestServer`] binds `127.0.0.1:0`, serves a directory and/or scripted
//! [`Route`]s from plain std threads (over TLS too, with the test certificates of
//! [`TlsFixture`]), records every request for server-side assertions, and stops when
//! dropped.
//!
//! ```
//! use factwire_testkit::{Route, TestServer};
//! let server = TestServer::new();
//! server.set_route("/feed.xml", Route::ok("application/rss+xml", "<rss/>").with_etag("\"v1\""));
//! let url = server.url("/feed.xml");
//! assert!(url.starts_with("http://127.0.0.1:"));
//! assert_eq!(server.hits("/feed.xml"), 0);
//! ```

mod server;

use std::path::PathBuf;
use std::time::Duration;

pub use server::{RecordedRequest, Route, TestServer, TlsFixture};

/// Slack allowed when asserting on timings seen by the server (request gaps, delays):
/// thread wake-ups and loopback scheduling jitter on a busy 2-core machine.
pub const TIMING_TOLERANCE: Duration = Duration::from_millis(40);

/// The workspace's `fixtures/` folder, found from this crate's manifest directory (never
/// from the current directory).
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join("fixtures")
}

/// A fresh temporary directory, deleted when the value is dropped.
///
/// # Panics
/// If the system temporary directory cannot be written (a broken test machine).
pub fn temp_dir() -> tempfile::TempDir {
    match tempfile::Builder::new().prefix("factwire-test-").tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("cannot create a temporary directory: {e}"),
    }
}

/// The smallest gap between consecutive request times, or `None` for fewer than two.
/// Requests need not be sorted.
pub fn min_gap(requests: &[RecordedRequest]) -> Option<Duration> {
    let mut times: Vec<_> = requests.iter().map(|r| r.at).collect();
    times.sort();
    times.windows(2).map(|w| w[1].duration_since(w[0])).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_dir_exists() {
        assert!(fixtures_dir().is_dir(), "{}", fixtures_dir().display());
    }

    #[test]
    fn temp_dirs_are_distinct_and_vanish() {
        let a = temp_dir();
        let b = temp_dir();
        assert_ne!(a.path(), b.path());
        let kept = a.path().to_path_buf();
        drop(a);
        assert!(!kept.exists());
    }
}
