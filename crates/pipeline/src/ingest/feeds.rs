//! Stage "read feeds": fetch every feed conditionally and queue the links it lists.
//!
//! A feed that answers with entries has them written to the store's pending queue in
//! the same transaction as its new validators ([`Store::save_feed_listing`]). That is
//! what makes a feed's entries durable work: whatever stops the run afterwards, the
//! next run finds the links queued, even when the feed then answers `304`.

use factwire_fetcher::{FetchRequest, Fetcher, LinkScope, Outcome, RequestKind, SkipReason, feeds};
use factwire_store::{FeedState, PendingLink, Store};

use super::{FeedSpec, Progress, Stage, StopFlag, failure, now_rfc3339, skip_detail};
use crate::Result;
use factwire_core::RunReport;

/// What reading the feeds gave, beyond the queued links and the report lines.
pub(super) struct FeedsRead {
    /// Feeds that failed (fetch or parse).
    pub(super) failed: u64,
}

/// Fetches every feed (conditionally, with its stored validators), saves each one's
/// state and queues its links. Stops early, between two feeds, when `stop` is set.
pub(super) fn read_feeds(
    store: &mut Store,
    fetcher: &Fetcher,
    specs: &[FeedSpec],
    stop: &StopFlag,
    report: &mut RunReport,
    progress: &mut dyn FnMut(&Progress),
) -> Result<FeedsRead> {
    let mut requests = Vec::with_capacity(specs.len());
    for (i, f) in specs.iter().enumerate() {
        requests.push(feed_request(
            store.feed_state(&f.url)?.as_ref(),
            f,
            i as u64,
        ));
    }
    let mut read = FeedsRead { failed: 0 };
    for (done, out) in (1u64..).zip(fetcher.fetch_all(requests)) {
        let spec = &specs[out.request.tag as usize];
        let mut state = store
            .feed_state(&spec.url)?
            .unwrap_or_else(|| new_state(spec));
        state.name = spec.name.clone().or(state.name);
        state.last_fetched = Some(now_rfc3339());
        let outcome = follow_discovery(fetcher, spec, &mut state, out.outcome, out.request.tag);
        let links = settle(spec, &mut state, outcome, &mut read, report);
        tracing::info!(
            feed = %spec.url,
            status = state.last_status.as_deref().unwrap_or("skipped"),
            links = links.len(),
            "feed"
        );
        store.save_feed_listing(&state, &links)?;
        progress(&Progress {
            stage: Stage::Feeds,
            done,
            total: specs.len() as u64,
            item: Some(spec.url.clone()),
        });
        if stop.requested() {
            break;
        }
    }
    Ok(read)
}

/// The conditional request for a feed: its stored validators, and the feed an earlier
/// run discovered behind a configured web page.
fn feed_request(state: Option<&FeedState>, f: &FeedSpec, tag: u64) -> FetchRequest {
    FetchRequest {
        url: state
            .and_then(|s| s.discovered_url.clone())
            .unwrap_or_else(|| f.url.clone()),
        kind: RequestKind::Feed,
        etag: state.and_then(|s| s.etag.clone()),
        last_modified: state.and_then(|s| s.last_modified.clone()),
        trusted: true,
        accept_invalid_certs: f.accept_invalid_certs,
        tag,
    }
}

fn new_state(spec: &FeedSpec) -> FeedState {
    FeedState {
        url: spec.url.clone(),
        name: spec.name.clone(),
        ..FeedState::default()
    }
}

/// A configured URL that is a web page is read through the feed it announces, which is
/// remembered so later runs ask the feed directly (conditionally); a discovered feed
/// that stopped working is forgotten, so the next run starts from the page again.
fn follow_discovery(
    fetcher: &Fetcher,
    spec: &FeedSpec,
    state: &mut FeedState,
    outcome: Outcome,
    tag: u64,
) -> Outcome {
    if let Outcome::Failed(factwire_fetcher::Error::NotAFeed { page }) = &outcome
        && let Some(found) = discover_feed(page)
    {
        tracing::info!(page = %spec.url, feed = %found, "feed discovered");
        let trusted =
            LinkScope::of_feed(&page.final_url, spec.files_under.as_deref()).trusts(&found);
        let outcome = fetcher
            .fetch_one(FetchRequest {
                url: found.clone(),
                kind: RequestKind::Feed,
                etag: None,
                last_modified: None,
                trusted,
                accept_invalid_certs: trusted && spec.accept_invalid_certs,
                tag,
            })
            .outcome;
        state.discovered_url = Some(found);
        return outcome;
    }
    if !matches!(outcome, Outcome::Fetched(_) | Outcome::NotModified)
        && state.discovered_url.take().is_some()
    {
        state.etag = None;
        state.last_modified = None;
    }
    outcome
}

/// Records a feed's outcome in its state and the report; returns the links it lists.
fn settle(
    spec: &FeedSpec,
    state: &mut FeedState,
    outcome: Outcome,
    read: &mut FeedsRead,
    report: &mut RunReport,
) -> Vec<PendingLink> {
    match outcome {
        Outcome::Fetched(f) => match feeds::parse_all(&f.body, &f.final_url) {
            Ok(parsed) => {
                for bad in &parsed.bad_links {
                    report.skipped += 1;
                    report.skips.push(failure(
                        bad.report_url(&spec.url),
                        SkipReason::BadLink.class(),
                        bad.detail(),
                    ));
                }
                let scope = LinkScope::of_feed(
                    state.discovered_url.as_deref().unwrap_or(&spec.url),
                    spec.files_under.as_deref(),
                );
                let links = parsed
                    .entries
                    .into_iter()
                    .filter_map(|e| {
                        let key = factwire_fetcher::normalize_url(&e.url)?;
                        let trusted = scope.trusts(&e.url);
                        Some(PendingLink {
                            key,
                            url: e.url,
                            feed_url: spec.url.clone(),
                            title: e.title,
                            published: e.published,
                            trusted,
                        })
                    })
                    .collect();
                state.etag = f.etag;
                state.last_modified = f.last_modified;
                state.last_status = Some("ok".into());
                state.consecutive_failures = 0;
                links
            }
            Err(e) => {
                read.failed += 1;
                report.failed += 1;
                report.failures.push(failure(&spec.url, "parse", &e));
                state.last_status = Some(format!("parse: {e}"));
                state.consecutive_failures += 1;
                Vec::new()
            }
        },
        Outcome::NotModified => {
            state.last_status = Some("not_modified".into());
            state.consecutive_failures = 0;
            Vec::new()
        }
        Outcome::Failed(e) => {
            read.failed += 1;
            report.failed += 1;
            state.last_status = Some(format!("{}: {e}", e.class()));
            state.consecutive_failures += 1;
            report.failures.push(failure(&spec.url, e.class(), &e));
            Vec::new()
        }
        Outcome::Skipped { reason } => {
            report.skipped += 1;
            report
                .skips
                .push(failure(&spec.url, reason.class(), skip_detail(&reason)));
            Vec::new()
        }
    }
}

/// The first feed a web page announces with `<link rel="alternate">`.
fn discover_feed(page: &factwire_fetcher::Fetched) -> Option<String> {
    let html = String::from_utf8_lossy(&page.body);
    feeds::discover(&html, &page.final_url).into_iter().next()
}
