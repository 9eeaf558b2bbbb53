//! Public-API tests of factwire-fetcher: HTTP behaviours against testkit's local server,
//! `file://` fetching, and feed parsing over `fixtures/feeds`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod feeds;
mod files;
mod garbage;
mod http;
mod tls;

use factwire_fetcher::{FetchSettings, Fetcher};

/// Settings for tests: no per-host delay, tiny backoffs, short timeouts.
pub fn fast_settings() -> FetchSettings {
    FetchSettings {
        per_host_delay_ms: 0,
        retry_base_ms: 10,
        timeout_secs: 2,
        connect_timeout_secs: 1,
        ..FetchSettings::default()
    }
}

/// A fetcher with [`fast_settings`] changed by `tweak`.
pub fn fetcher(tweak: impl FnOnce(&mut FetchSettings)) -> Fetcher {
    let mut settings = fast_settings();
    tweak(&mut settings);
    Fetcher::new(settings).unwrap()
}
