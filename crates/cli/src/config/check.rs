//! Checks of config values that their types cannot express.
//!
//! The typed parse catches unknown keys and wrong types. What is left is a value of the
//! right type that cannot work: `concurrency = 0`, `timeout_secs = -1`, a feed URL
//! with a broken host, a user agent with a line break in it. Each is refused when the
//! config is loaded (exit 2), before anything is fetched or written, with one message
//! naming the key, the value and what is allowed.
//!
//! Two passes:
//! - [`numbers`] runs on the raw TOML table, before the typed parse, so a negative
//!   number gets a message naming its key instead of serde's "expected usize".
//! - [`values`] runs on the typed config: feed URLs and the user agent.
//!
//! `[fetch] ca_file` is checked by `Settings::resolve` once its path is resolved
//! against the config's folder ([`ca_file`]).

use std::path::Path;

use anyhow::{Result, bail};

use super::FileConfig;

/// A whole-number key and the smallest value that works.
struct Limit {
    table: &'static str,
    key: &'static str,
    min: i64,
    /// What the number means, for the message.
    what: &'static str,
}

/// Every whole-number key of the config, with its smallest working value.
const LIMITS: &[Limit] = &[
    Limit {
        table: "fetch",
        key: "concurrency",
        min: 1,
        what: "requests in flight in all",
    },
    Limit {
        table: "fetch",
        key: "per_host_concurrency",
        min: 1,
        what: "requests in flight to one host",
    },
    Limit {
        table: "fetch",
        key: "per_host_delay_ms",
        min: 0,
        what: "milliseconds between two requests to one host",
    },
    Limit {
        table: "fetch",
        key: "timeout_secs",
        min: 1,
        what: "seconds one attempt may take",
    },
    Limit {
        table: "fetch",
        key: "connect_timeout_secs",
        min: 1,
        what: "seconds to connect",
    },
    Limit {
        table: "fetch",
        key: "max_body_bytes",
        min: 1,
        what: "the largest body kept, in bytes",
    },
    Limit {
        table: "fetch",
        key: "max_redirects",
        min: 0,
        what: "redirects followed",
    },
    Limit {
        table: "fetch",
        key: "retries",
        min: 0,
        what: "extra attempts",
    },
    Limit {
        table: "fetch",
        key: "retry_base_ms",
        min: 0,
        what: "the first retry's backoff in milliseconds",
    },
    Limit {
        table: "fetch",
        key: "max_retry_after_secs",
        min: 0,
        what: "the longest Retry-After waited for, in seconds",
    },
    Limit {
        table: "fetch",
        key: "max_crawl_delay_secs",
        min: 0,
        what: "the largest Crawl-delay honoured, in seconds",
    },
    Limit {
        table: "fetch",
        key: "host_failure_limit",
        min: 0,
        what: "failures in a row before a host is skipped; 0 turns it off",
    },
    Limit {
        table: "summary",
        key: "sentences",
        min: 1,
        what: "sentences per summary",
    },
];

/// Refuses whole numbers below their key's minimum (zero limits, negative numbers).
/// Keys of another type are left to the typed parse, which names the line.
pub(super) fn numbers(doc: &toml::Table) -> Result<()> {
    for l in LIMITS {
        let Some(v) = doc
            .get(l.table)
            .and_then(toml::Value::as_table)
            .and_then(|t| t.get(l.key))
            .and_then(toml::Value::as_integer)
        else {
            continue;
        };
        if v < l.min {
            bail!(
                "[{}] {} = {v}: expected a whole number of at least {} ({})",
                l.table,
                l.key,
                l.min,
                l.what
            );
        }
    }
    Ok(())
}

/// Refuses feed URLs that cannot be fetched and a user agent that cannot be sent.
pub(super) fn values(cfg: &FileConfig) -> Result<()> {
    for (i, f) in cfg.feeds.iter().enumerate() {
        if let Err(why) = feed_location(&f.url) {
            bail!(
                "[[feeds]] #{} url {:?}: {why}; expected an http(s) URL, a file:// URL or a local path",
                i + 1,
                f.url
            );
        }
    }
    if let Err(why) = user_agent(&cfg.fetch.user_agent) {
        bail!(
            "[fetch] user_agent {:?}: {why}; expected printable ASCII such as \"factwire/0.1 (+https://example.org/bot)\"",
            cfg.fetch.user_agent
        );
    }
    Ok(())
}

/// Why a feed's `url` is unusable, if it is: empty, padded, holding control characters,
/// or (for a URL) an unsupported scheme, no host, whitespace or a syntax error.
fn feed_location(s: &str) -> std::result::Result<(), String> {
    if s.trim().is_empty() {
        return Err("empty".into());
    }
    if s.trim() != s {
        return Err("leading or trailing whitespace".into());
    }
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Err(format!("control character U+{:04X}", u32::from(c)));
    }
    let Some((scheme, _)) = s.split_once("://") else {
        return Ok(()); // a local path; `ingest` checks that it exists
    };
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https" | "file") {
        return Err(format!("unsupported scheme {scheme:?}"));
    }
    if s.contains(char::is_whitespace) {
        return Err("a URL cannot hold spaces (write them as %20)".into());
    }
    let url = url::Url::parse(s).map_err(|e| format!("not a valid URL ({e})"))?;
    if scheme != "file" && url.host_str().is_none_or(str::is_empty) {
        return Err("no host".into());
    }
    Ok(())
}

/// Why a user agent cannot go into an HTTP header, if it cannot.
fn user_agent(s: &str) -> std::result::Result<(), String> {
    if s.trim().is_empty() {
        return Err("empty".into());
    }
    if let Some(c) = s.chars().find(|c| !(' '..='~').contains(c)) {
        return Err(if c.is_control() {
            format!("control character U+{:04X}", u32::from(c))
        } else {
            format!("non-ASCII character {c:?}")
        });
    }
    Ok(())
}

/// Refuses a `[fetch] ca_file` that cannot be read or holds no PEM certificate.
/// `path` is already resolved against the config's folder.
pub(super) fn ca_file(path: &Path) -> Result<()> {
    let allowed = "expected a readable PEM file of CA certificates";
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => bail!("[fetch] ca_file {}: {e}; {allowed}", path.display()),
    };
    if !bytes
        .windows(b"-----BEGIN CERTIFICATE-----".len())
        .any(|w| w == b"-----BEGIN CERTIFICATE-----")
    {
        bail!(
            "[fetch] ca_file {}: holds no certificate (no -----BEGIN CERTIFICATE----- line); {allowed}",
            path.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_locations() {
        for ok in [
            "https://a.example/feed",
            "http://[::1]:8080/feed",
            "file:///tmp/feed.xml",
            "fixtures/feeds/demo.xml",
            "my feeds/a.xml",
        ] {
            assert_eq!(feed_location(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("", "empty"),
            ("   ", "empty"),
            (" https://a.example/", "whitespace"),
            ("https://[::1/feed", "not a valid URL"),
            ("https://a.example/my feed", "spaces"),
            ("https://exa mple.com/", "spaces"),
            ("gopher://a.example/", "scheme"),
            ("https://", "valid URL"),
            ("https://a.example/\u{7}", "control"),
        ] {
            let got = feed_location(bad).unwrap_err();
            assert!(got.contains(why), "{bad:?}: {got}");
        }
    }

    #[test]
    fn user_agents() {
        assert!(user_agent("factwire/0.1 (+https://example.org)").is_ok());
        assert!(
            user_agent("bot\r\nX-Evil: 1")
                .unwrap_err()
                .contains("U+000D")
        );
        assert!(user_agent("").is_err());
        assert!(user_agent("bøt").unwrap_err().contains("non-ASCII"));
    }
}
