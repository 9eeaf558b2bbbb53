//! [`FetchSettings`]: every knob of the fetcher, with its documented default.
//!
//! The struct deserialises from the `[fetch]` table of the config file. Every key is
//! optional (missing keys take the `DEFAULT_*` constant named in its doc) and unknown keys
//! are an error, so a typo is reported rather than silently ignored.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// Default for [`FetchSettings::concurrency`]: requests in flight in all.
pub const DEFAULT_CONCURRENCY: usize = 8;
/// Default for [`FetchSettings::per_host_concurrency`]: requests in flight to one host:port.
pub const DEFAULT_PER_HOST_CONCURRENCY: usize = 2;
/// Default for [`FetchSettings::per_host_delay_ms`]: minimum gap between two request
/// starts to one host:port, in milliseconds.
pub const DEFAULT_PER_HOST_DELAY_MS: u64 = 250;
/// Default for [`FetchSettings::user_agent`].
pub const DEFAULT_USER_AGENT: &str = concat!(
    "factwire/",
    env!("CARGO_PKG_VERSION"),
    " (+https://example.invalid/factwire)"
);
/// Default for [`FetchSettings::timeout_secs`]: one attempt, connect to last body byte.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Default for [`FetchSettings::connect_timeout_secs`].
pub const DEFAULT_CONNECT_TIMEOUT_SECS: u64 = 10;
/// Default for [`FetchSettings::max_body_bytes`]: 10 MiB, counted after decompression.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 10 * 1024 * 1024;
/// Default for [`FetchSettings::max_redirects`].
pub const DEFAULT_MAX_REDIRECTS: usize = 5;
/// Default for [`FetchSettings::retries`]: extra attempts after the first.
pub const DEFAULT_RETRIES: u32 = 2;
/// Default for [`FetchSettings::obey_robots`].
pub const DEFAULT_OBEY_ROBOTS: bool = true;
/// Default for [`FetchSettings::retry_base_ms`]: the first backoff; it doubles per attempt.
pub const DEFAULT_RETRY_BASE_MS: u64 = 500;
/// Default for [`FetchSettings::max_retry_after_secs`].
pub const DEFAULT_MAX_RETRY_AFTER_SECS: u64 = 30;
/// Default for [`FetchSettings::max_crawl_delay_secs`].
pub const DEFAULT_MAX_CRAWL_DELAY_SECS: u64 = 10;
/// Default for [`FetchSettings::host_failure_limit`].
pub const DEFAULT_HOST_FAILURE_LIMIT: u32 = 3;

/// How the fetcher behaves on the network. Build it with `Default` or from TOML.
///
/// ```
/// let s: factwire_fetcher::FetchSettings = toml::from_str("concurrency = 4").unwrap();
/// assert_eq!(s.concurrency, 4);
/// assert_eq!(s.per_host_delay_ms, factwire_fetcher::DEFAULT_PER_HOST_DELAY_MS);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FetchSettings {
    /// Requests in flight in all ([`DEFAULT_CONCURRENCY`]). Zero is read as one.
    pub concurrency: usize,
    /// Requests in flight to one host:port ([`DEFAULT_PER_HOST_CONCURRENCY`]). Zero is
    /// read as one.
    pub per_host_concurrency: usize,
    /// Minimum gap between two request starts to one host:port, in milliseconds
    /// ([`DEFAULT_PER_HOST_DELAY_MS`]). A robots.txt `Crawl-delay` can raise it.
    pub per_host_delay_ms: u64,
    /// Let untrusted URLs reach loopback, private, link-local and similar addresses
    /// (default false). Trusted requests (feeds the user listed, and their hosts) may
    /// always reach them.
    pub allow_private_networks: bool,
    /// The `User-Agent` header, also the name matched in robots.txt
    /// ([`DEFAULT_USER_AGENT`]).
    pub user_agent: String,
    /// Total time for one attempt, in seconds ([`DEFAULT_TIMEOUT_SECS`]).
    pub timeout_secs: u64,
    /// Time to establish a connection, in seconds ([`DEFAULT_CONNECT_TIMEOUT_SECS`]).
    pub connect_timeout_secs: u64,
    /// Largest body kept, after decompression ([`DEFAULT_MAX_BODY_BYTES`]); a longer body
    /// fails with class `too_large` as soon as the limit is crossed.
    pub max_body_bytes: u64,
    /// Redirects followed before failing with class `redirect` ([`DEFAULT_MAX_REDIRECTS`]).
    pub max_redirects: usize,
    /// Extra attempts after timeouts, 5xx and 429 ([`DEFAULT_RETRIES`]); other 4xx are
    /// never retried.
    pub retries: u32,
    /// Check robots.txt before fetching articles ([`DEFAULT_OBEY_ROBOTS`]). Feeds are
    /// fetched regardless: the user asked for them by name.
    pub obey_robots: bool,
    /// First retry backoff in milliseconds, doubled on each further attempt, plus up to
    /// 50% random jitter ([`DEFAULT_RETRY_BASE_MS`]).
    pub retry_base_ms: u64,
    /// Longest `Retry-After` waited for, in seconds ([`DEFAULT_MAX_RETRY_AFTER_SECS`]).
    /// A longer one fails the request (class `rate_limited`) and the host's remaining
    /// requests of this run are skipped with `SkipReason::Backoff`.
    pub max_retry_after_secs: u64,
    /// Largest robots.txt `Crawl-delay` honoured, in seconds
    /// ([`DEFAULT_MAX_CRAWL_DELAY_SECS`]); longer ones are clamped to it.
    pub max_crawl_delay_secs: u64,
    /// After this many consecutive requests to one host fail with `timeout` or `connect`
    /// (after their retries), the host's remaining requests are skipped with
    /// `SkipReason::Backoff` ([`DEFAULT_HOST_FAILURE_LIMIT`]; 0 disables).
    pub host_failure_limit: u32,
    /// A PEM file of extra CA certificates to trust for https, besides the system's
    /// roots (a corporate or private CA). Default: none. A file that cannot be read or
    /// holds no certificate makes [`crate::Fetcher::new`] fail with class `config`.
    /// A relative path is taken as is (from the current directory); the CLI resolves
    /// it against the config file first.
    pub ca_file: Option<PathBuf>,
}

impl Default for FetchSettings {
    fn default() -> Self {
        FetchSettings {
            concurrency: DEFAULT_CONCURRENCY,
            per_host_concurrency: DEFAULT_PER_HOST_CONCURRENCY,
            per_host_delay_ms: DEFAULT_PER_HOST_DELAY_MS,
            allow_private_networks: false,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            timeout_secs: DEFAULT_TIMEOUT_SECS,
            connect_timeout_secs: DEFAULT_CONNECT_TIMEOUT_SECS,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            retries: DEFAULT_RETRIES,
            obey_robots: DEFAULT_OBEY_ROBOTS,
            retry_base_ms: DEFAULT_RETRY_BASE_MS,
            max_retry_after_secs: DEFAULT_MAX_RETRY_AFTER_SECS,
            max_crawl_delay_secs: DEFAULT_MAX_CRAWL_DELAY_SECS,
            host_failure_limit: DEFAULT_HOST_FAILURE_LIMIT,
            ca_file: None,
        }
    }
}

impl FetchSettings {
    pub(crate) fn per_host_delay(&self) -> Duration {
        Duration::from_millis(self.per_host_delay_ms)
    }

    pub(crate) fn max_retry_after(&self) -> Duration {
        Duration::from_secs(self.max_retry_after_secs)
    }

    pub(crate) fn max_crawl_delay(&self) -> Duration {
        Duration::from_secs(self.max_crawl_delay_secs)
    }

    /// The robots.txt product token: the user agent up to its first `/` or space,
    /// lower-cased (`factwire` for the default).
    pub(crate) fn robots_token(&self) -> String {
        self.user_agent
            .split(['/', ' '])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses_and_unknown_keys_fail() {
        let text = r#"
            concurrency = 3
            per_host_concurrency = 1
            per_host_delay_ms = 10
            allow_private_networks = true
            user_agent = "bot/1.0"
            timeout_secs = 5
            connect_timeout_secs = 2
            max_body_bytes = 1000
            max_redirects = 1
            retries = 0
            obey_robots = false
            retry_base_ms = 1
            max_retry_after_secs = 1
            max_crawl_delay_secs = 1
            host_failure_limit = 0
            ca_file = "certs/corp.pem"
        "#;
        let s: FetchSettings = toml::from_str(text).unwrap();
        assert_eq!(s.concurrency, 3);
        assert!(s.allow_private_networks);
        assert_eq!(s.robots_token(), "bot");
        assert_eq!(s.ca_file, Some(PathBuf::from("certs/corp.pem")));
        assert!(toml::from_str::<FetchSettings>("concurency = 3").is_err());
    }

    #[test]
    fn default_user_agent_names_the_product() {
        let s = FetchSettings::default();
        assert!(s.user_agent.starts_with("factwire/"));
        assert_eq!(s.robots_token(), "factwire");
    }
}
