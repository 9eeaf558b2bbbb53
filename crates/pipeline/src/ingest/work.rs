//! Stage "claim work": which links this run fetches, and how.
//!
//! The work is the store's pending queue for the run's feeds (the links read this run
//! and those an earlier run queued but did not finish, oldest first) plus the article
//! URLs given directly. A link already stored is `unchanged` unless its feed entry is
//! newer than the stored copy, and leaves the queue; a link that failed recently waits
//! out its backoff and stays queued. What is left becomes one conditional request each.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use factwire_core::RunReport;
use factwire_fetcher::{FetchRequest, RequestKind};
use factwire_store::{ArticleHead, Store};

use super::{FeedSpec, failure, parse_time};
use crate::Result;

/// A link to fetch and what the run knows about it.
pub(super) struct Candidate {
    /// The link as given.
    pub(super) url: String,
    /// Its normalised key.
    pub(super) key: String,
    /// The feed entry's title and date (fallbacks for the page's).
    pub(super) title: Option<String>,
    pub(super) published: Option<String>,
    /// The configured feed that listed it.
    pub(super) feed_url: Option<String>,
    /// Whether it comes from the pending queue (and must leave it once settled).
    pub(super) queued: bool,
}

/// The claimed work: one request per candidate, the request's `tag` indexing `wanted`.
pub(super) struct Work {
    pub(super) wanted: Vec<Candidate>,
    pub(super) requests: Vec<FetchRequest>,
}

/// Reads the queue of `feeds` and the direct `articles`, settles what needs no fetch,
/// and returns the rest as requests.
pub(super) fn claim_work(
    store: &mut Store,
    feeds: &[FeedSpec],
    articles: &[String],
    report: &mut RunReport,
) -> Result<Work> {
    let feed_urls: Vec<&str> = feeds.iter().map(|f| f.url.as_str()).collect();
    let mut queue = store.pending_links(&feed_urls)?;
    // Of two feeds listing one link, the one that trusts it decides (a remote feed's
    // copy of a local feed's file link is refused, and must not shadow the local
    // feed's own): trusted links first, otherwise in queue order.
    queue.sort_by_key(|l| !l.trusted);
    let mut claims = Claims {
        store,
        report,
        seen: HashSet::new(),
        now: Utc::now(),
        work: Work {
            wanted: Vec::new(),
            requests: Vec::new(),
        },
    };
    for link in queue {
        let spec = feeds.iter().find(|f| f.url == link.feed_url);
        let accept_invalid_certs = link.trusted && spec.is_some_and(|f| f.accept_invalid_certs);
        let c = Candidate {
            url: link.url,
            key: link.key,
            title: link.title,
            published: link.published,
            feed_url: Some(link.feed_url),
            queued: true,
        };
        claims.claim(c, link.trusted, accept_invalid_certs)?;
    }
    for url in articles {
        let Some(key) = factwire_fetcher::normalize_url(url) else {
            claims
                .report
                .failures
                .push(failure(url, "bad_url", "not an http(s) or file URL"));
            continue;
        };
        let c = Candidate {
            url: url.clone(),
            key,
            title: None,
            published: None,
            feed_url: None,
            queued: false,
        };
        // Given directly: trusted, and always fetched (conditionally).
        claims.claim(c, true, false)?;
    }
    Ok(claims.work)
}

/// The claiming in progress.
struct Claims<'a> {
    store: &'a mut Store,
    report: &'a mut RunReport,
    /// Keys claimed so far, without their scheme.
    seen: HashSet<String>,
    now: DateTime<Utc>,
    work: Work,
}

impl Claims<'_> {
    /// Decides one candidate: settled at once (a duplicate link, stored and not newer,
    /// in backoff) or added to the work as a conditional request.
    fn claim(&mut self, c: Candidate, trusted: bool, accept_invalid_certs: bool) -> Result<()> {
        // One article whether linked over http or https.
        if !self.seen.insert(without_scheme(&c.key).to_string()) {
            if c.queued {
                self.store.finish_pending(&c.key)?;
            }
            return Ok(());
        }
        self.report.articles_seen += 1;
        let (etag, last_modified) = match stored_head(self.store, &c.key)? {
            Some(a) => {
                let newer = c
                    .published
                    .as_deref()
                    .and_then(parse_time)
                    .zip(parse_time(&a.fetched_at))
                    .is_some_and(|(p, f)| p > f && p <= self.now);
                if c.queued && !newer {
                    self.report.unchanged += 1;
                    self.store.finish_pending(&c.key)?;
                    return Ok(());
                }
                (a.etag, a.last_modified)
            }
            None => {
                if !self.store.should_retry(&c.key, self.now.timestamp())? {
                    // Stays queued: tried again once the backoff has passed.
                    self.report.skipped += 1;
                    self.report.skips.push(failure(
                        &c.url,
                        "backoff",
                        "failed recently; retried later",
                    ));
                    return Ok(());
                }
                (None, None)
            }
        };
        self.work.requests.push(FetchRequest {
            url: c.url.clone(),
            kind: RequestKind::Article,
            etag,
            last_modified,
            trusted,
            accept_invalid_certs,
            tag: self.work.wanted.len() as u64,
        });
        self.work.wanted.push(c);
        Ok(())
    }
}

/// The stored article under this key (or canonical URL), over http or https.
pub(super) fn stored_head(store: &Store, key: &str) -> Result<Option<ArticleHead>> {
    if let Some(head) = store.article_head(key)? {
        return Ok(Some(head));
    }
    let other = match key.split_once("://") {
        Some(("http", rest)) => format!("https://{rest}"),
        Some(("https", rest)) => format!("http://{rest}"),
        _ => return Ok(None),
    };
    Ok(store.article_head(&other)?)
}

/// A URL key without its `http://` or `https://`.
fn without_scheme(key: &str) -> &str {
    key.strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key)
}
