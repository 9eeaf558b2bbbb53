//! Getting bytes for http(s) and `file://` URLs, politely and safely, behind a blocking
//! API; and turning feed bytes into entries.
//!
//! This is factwire's only async crate. [`Fetcher::new`] builds a tokio runtime and a
//! reqwest client from [`FetchSettings`] and keeps both; callers stay synchronous and
//! never see a future. [`Fetcher::fetch_all`] runs many requests concurrently and hands
//! back each [`FetchOutcome`] as soon as it is ready, through a bounded channel, so a
//! slow host never holds up results from the others.
//!
//! What a fetch does, in order:
//! 1. **Scheme and trust.** Only `http`, `https` and `file` are fetched. A request marked
//!    `trusted` (a feed the user listed) trusts its host for the rest of the run; other
//!    requests may not reach private, loopback or link-local addresses unless
//!    `allow_private_networks` is set. The check runs on the resolved addresses and
//!    again on every redirect hop ([`guard`]). `file://` URLs are read from disk with
//!    the same outcomes, but only for a trusted request; [`LinkScope`] tells a caller
//!    which of a feed's links to trust (a local feed's files under its folder, never a
//!    remote feed's), so a remote feed cannot make factwire read local files.
//! 2. **Robots.** For [`RequestKind::Article`], robots.txt is fetched once per origin per
//!    `Fetcher` and obeyed for the configured user agent; its `Crawl-delay` raises the
//!    host's minimum gap ([`robots`]).
//! 3. **Politeness.** At most `concurrency` requests in flight in all, `per_host_concurrency`
//!    per host:port, and request starts to one host:port at least `per_host_delay_ms`
//!    apart.
//! 4. **The request.** Conditional (`If-None-Match`, `If-Modified-Since`); a 304 is
//!    [`Outcome::NotModified`]. Timeouts, 5xx and 429 are retried with exponential
//!    backoff and jitter, honouring `Retry-After` up to a cap; other 4xx are not.
//! 5. **TLS.** Certificates are verified against the system's roots (plus `ca_file`);
//!    a failure is [`Error::Tls`] with a [`TlsProblem`] saying whether the certificate
//!    expired, has an unknown issuer or names another host. A request flagged
//!    [`FetchRequest::accept_invalid_certs`] goes through a second client that skips
//!    the check; both clients share the address guard and redirect policy.
//! 6. **The body.** Read as a stream and cut at `max_body_bytes` *after*
//!    decompression, so gzip and brotli bombs stop at the cap. An HTML page where a feed
//!    was expected is [`Error::NotAFeed`] (the page is kept for [`feeds::discover`]);
//!    bot walls are [`Error::Blocked`].
//!
//! Failures are [`Error`] values with a stable [`Error::class`]. Feed parsing
//! ([`feeds`]) and URL identity ([`normalize_url`]) are pure and need no `Fetcher`.
//!
//! It does not store anything, parse articles, or decide what to fetch next.
//!
//! ```no_run
//! use factwire_fetcher::{FetchRequest, FetchSettings, Fetcher, Outcome, RequestKind};
//! let fetcher = Fetcher::new(FetchSettings::default())?;
//! let request = FetchRequest::new("https://example.com/feed.xml", RequestKind::Feed).trusted();
//! for done in fetcher.fetch_all(vec![request]) {
//!     match done.outcome {
//!         Outcome::Fetched(page) => {
//!             let entries = factwire_fetcher::feeds::parse(&page.body, &page.final_url)?;
//!             println!("{} entries", entries.len());
//!         }
//!         Outcome::NotModified => println!("unchanged"),
//!         Outcome::Failed(e) => eprintln!("{}: {e}", e.class()),
//!         Outcome::Skipped { reason } => eprintln!("skipped: {}", reason.class()),
//!     }
//! }
//! # Ok::<(), factwire_fetcher::Error>(())
//! ```

mod engine;
mod error;
pub mod feeds;
mod file;
pub mod guard;
pub mod robots;
mod settings;
mod urls;

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

pub use error::{ERROR_CLASSES, Error, Result, TlsProblem};
pub use file::LinkScope;
pub use settings::*;
pub use urls::{local_path_to_url, normalize_url};

/// What a request is for; it decides the `Accept` header, the content checks and
/// whether robots.txt applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// A feed: RSS, Atom or JSON Feed expected; robots.txt not consulted.
    Feed,
    /// An article page: HTML or text expected; robots.txt obeyed.
    Article,
    /// A robots.txt file itself (fetched plainly).
    Robots,
}

/// One URL to fetch, with the validators remembered from last time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    /// The URL: http, https or file.
    pub url: String,
    /// What it is for.
    pub kind: RequestKind,
    /// The `ETag` from the last fetch, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` from the last fetch, sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// A user-listed feed or article, or a link [`LinkScope`] trusts: its host is
    /// trusted and may be a private address, and a `file://` URL is read.
    pub trusted: bool,
    /// Skip certificate verification for this request (and the robots.txt fetched on
    /// its behalf): expired, self-signed and wrong-host certificates are accepted.
    /// Dangerous (anyone on the path can read and change what comes back); meant for a
    /// feed the user explicitly opted out, and links to that feed's own host. Redirects
    /// of such a request are followed by the same unverifying client, wherever they go
    /// (the address guard and redirect limits still apply).
    pub accept_invalid_certs: bool,
    /// The caller's cookie, handed back untouched in the outcome.
    pub tag: u64,
}

impl FetchRequest {
    /// An untrusted request without validators and tag 0.
    pub fn new(url: impl Into<String>, kind: RequestKind) -> Self {
        FetchRequest {
            url: url.into(),
            kind,
            etag: None,
            last_modified: None,
            trusted: false,
            accept_invalid_certs: false,
            tag: 0,
        }
    }

    /// Marks the request trusted (see [`FetchRequest::trusted`]).
    pub fn trusted(mut self) -> Self {
        self.trusted = true;
        self
    }

    /// Accepts invalid certificates for this request (see
    /// [`FetchRequest::accept_invalid_certs`]).
    pub fn accepting_invalid_certs(mut self) -> Self {
        self.accept_invalid_certs = true;
        self
    }

    /// Sets the caller's cookie.
    pub fn with_tag(mut self, tag: u64) -> Self {
        self.tag = tag;
        self
    }

    /// Sets the validators from a previous fetch.
    pub fn with_validators(mut self, etag: Option<String>, last_modified: Option<String>) -> Self {
        self.etag = etag;
        self.last_modified = last_modified;
        self
    }
}

/// A body that came back.
#[derive(Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL after redirects (the one to resolve relative links against).
    pub final_url: String,
    /// The HTTP status (200 for files).
    pub status: u16,
    /// The `Content-Type` header (guessed from the extension for files).
    pub content_type: Option<String>,
    /// The `ETag` header, to send next time.
    pub etag: Option<String>,
    /// The `Last-Modified` header (a file's mtime), to send next time.
    pub last_modified: Option<String>,
    /// The body, decompressed, at most `max_body_bytes` long.
    pub body: Vec<u8>,
}

impl fmt::Debug for Fetched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fetched")
            .field("final_url", &self.final_url)
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("etag", &self.etag)
            .field("last_modified", &self.last_modified)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Why a request was not attempted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// robots.txt disallows the path for our user agent.
    Robots,
    /// An untrusted URL (or a redirect hop) would reach a private, loopback, link-local
    /// or otherwise reserved address.
    PrivateAddress,
    /// A `file://` URL in a request that is not trusted: a remote feed's link, or a
    /// local feed's link outside its folder (see [`LinkScope`]).
    LocalFile,
    /// The host asked us to back off (a `Retry-After` beyond the cap, this run or one
    /// remembered from an earlier run) or failed `host_failure_limit` times in a row.
    Backoff,
    /// A feed item's link cannot be fetched: none, empty, a `javascript:`, `mailto:`
    /// or `data:` link, or one back to the feed ([`feeds::BadLink`] says which). The
    /// fetcher never returns it; it is the reason callers report such items under.
    BadLink,
}

impl SkipReason {
    /// A short stable word: `robots`, `private_address`, `local_file`, `backoff` or
    /// `bad_link`.
    pub fn class(&self) -> &'static str {
        match self {
            SkipReason::Robots => "robots",
            SkipReason::PrivateAddress => "private_address",
            SkipReason::LocalFile => "local_file",
            SkipReason::Backoff => "backoff",
            SkipReason::BadLink => "bad_link",
        }
    }
}

/// What became of one request.
#[derive(Debug)]
pub enum Outcome {
    /// A body came back (2xx).
    Fetched(Fetched),
    /// 304: the validators still match.
    NotModified,
    /// It failed; see [`Error::class`].
    Failed(Error),
    /// It was not attempted.
    Skipped {
        /// Why not.
        reason: SkipReason,
    },
}

impl Outcome {
    /// `fetched`, `not_modified`, or the class of the failure or skip reason.
    pub fn class(&self) -> &'static str {
        match self {
            Outcome::Fetched(_) => "fetched",
            Outcome::NotModified => "not_modified",
            Outcome::Failed(e) => e.class(),
            Outcome::Skipped { reason } => reason.class(),
        }
    }
}

/// What one host asked of us, in a form a caller can keep between runs (the store's
/// `hosts` table) and give back to the next run's [`Fetcher::remember`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPoliteness {
    /// `host:port`, lower-case (`example.com:443`).
    pub host: String,
    /// Until when a `Retry-After` asked us not to come back.
    pub wait_until: Option<std::time::SystemTime>,
    /// The host's robots.txt `Crawl-delay` (before the `max_crawl_delay` cap).
    pub crawl_delay: Option<std::time::Duration>,
}

/// A request and what became of it.
#[derive(Debug)]
pub struct FetchOutcome {
    /// The request as given.
    pub request: FetchRequest,
    /// What happened.
    pub outcome: Outcome,
}

/// The blocking front of the fetcher. It owns a tokio runtime, the HTTP client and the
/// per-run state (host limits, robots.txt cache, trusted hosts); make one per run.
///
/// Its methods block, so they must not be called from inside an async runtime.
pub struct Fetcher {
    runtime: tokio::runtime::Runtime,
    engine: Arc<engine::Engine>,
}

impl fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fetcher")
            .field("settings", &self.engine.settings)
            .finish()
    }
}

impl Fetcher {
    /// Builds the runtime and the HTTP client from `settings`.
    pub fn new(settings: FetchSettings) -> Result<Fetcher> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("factwire-fetch")
            .enable_all()
            .build()
            .map_err(|e| Error::Setup {
                reason: format!("tokio runtime: {e}"),
            })?;
        // reqwest's resolver and connector need the runtime's context while building.
        let engine = {
            let _guard = runtime.enter();
            engine::Engine::new(settings)?
        };
        Ok(Fetcher {
            runtime,
            engine: Arc::new(engine),
        })
    }

    /// The settings in force.
    pub fn settings(&self) -> &FetchSettings {
        &self.engine.settings
    }

    /// Fetches every request concurrently (within the limits) and yields each outcome as
    /// it completes, in completion order. Outcomes travel through a bounded channel
    /// (twice `concurrency` deep) that the iterator drains with a blocking receive, so
    /// a slow consumer holds the fetches back instead of buffering everything: at most
    /// `2 × concurrency` bodies are fetched and not yet received, whatever the number
    /// of requests (a request waiting for its host claims nothing). Dropping
    /// the iterator early cancels the requests not yet started.
    pub fn fetch_all(
        &self,
        requests: Vec<FetchRequest>,
    ) -> impl Iterator<Item = FetchOutcome> + '_ {
        let bound = self.engine.settings.concurrency.max(1) * 2;
        let (tx, rx) = tokio::sync::mpsc::channel(bound);
        for request in requests {
            let engine = Arc::clone(&self.engine);
            let tx = tx.clone();
            self.runtime.spawn(async move {
                if tx.is_closed() {
                    return;
                }
                // Boxed: a task waiting its turn then holds a pointer, not the whole
                // request state machine (kilobytes), so spawning 20,000 requests
                // costs little memory until they run.
                let (outcome, claim) =
                    Box::pin(engine::DELIVERY.scope(RefCell::new(None), async {
                        let outcome = engine.fetch(&request).await;
                        let claim = engine::DELIVERY.with(|d| d.borrow_mut().take());
                        (outcome, claim)
                    }))
                    .await;
                // The receiver is gone only if the caller stopped listening.
                let _ = tx.send((FetchOutcome { request, outcome }, claim)).await;
            });
        }
        drop(tx);
        Outcomes { rx, _fetcher: self }
    }

    /// Carries politeness over from earlier runs: hosts whose `Retry-After` has not
    /// expired are skipped as [`SkipReason::Backoff`] without a request, and remembered
    /// crawl delays apply from the first request. Call before fetching.
    pub fn remember(&self, hosts: &[HostPoliteness]) {
        self.engine.remember(hosts);
    }

    /// What hosts asked of us so far (pending `Retry-After`s, crawl delays), to keep
    /// for the next run. Hosts that asked nothing are left out.
    pub fn politeness(&self) -> Vec<HostPoliteness> {
        self.engine.politeness()
    }

    /// Fetches one request and waits for its outcome.
    // The blocking facade's one meeting point with the runtime: `block_on` is what the
    // workspace bans elsewhere.
    #[allow(clippy::disallowed_methods)]
    pub fn fetch_one(&self, request: FetchRequest) -> FetchOutcome {
        let engine = Arc::clone(&self.engine);
        self.runtime
            .block_on(async move { engine.fetch(&request).await.with(request) })
    }
}

trait WithRequest {
    fn with(self, request: FetchRequest) -> FetchOutcome;
}

impl WithRequest for Outcome {
    fn with(self, request: FetchRequest) -> FetchOutcome {
        FetchOutcome {
            request,
            outcome: self,
        }
    }
}

/// The iterator behind [`Fetcher::fetch_all`].
struct Outcomes<'a> {
    /// Each outcome with its claim on the delivery budget, released on receipt.
    rx: tokio::sync::mpsc::Receiver<(FetchOutcome, Option<tokio::sync::OwnedSemaphorePermit>)>,
    _fetcher: &'a Fetcher,
}

impl Iterator for Outcomes<'_> {
    type Item = FetchOutcome;

    fn next(&mut self) -> Option<FetchOutcome> {
        self.rx.blocking_recv().map(|(outcome, _claim)| outcome)
    }
}
