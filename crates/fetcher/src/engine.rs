//! The async engine behind [`crate::Fetcher`]: limits, robots.txt, retries, body reading,
//! and the two HTTP clients (certificates verified, or not for requests that opted out).

use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{
    ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, RETRY_AFTER,
};
use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore};
use url::Url;

use crate::error::root_cause;
use crate::guard::{AccessPolicy, GuardedResolver, PrivateAddressRefused};
use crate::robots::Robots;
use crate::{
    Error, FetchRequest, FetchSettings, Fetched, HostPoliteness, Outcome, RequestKind, Result,
    SkipReason, TlsProblem,
};

/// Longest exponential backoff between two attempts, whatever the settings say.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// How far into a body bot-wall markers are looked for.
const SNIFF_BYTES: usize = 64 * 1024;

/// Markers of challenge and block pages (lower-case). Scripts that CDNs inject into
/// ordinary pages (`/cdn-cgi/challenge-platform/...`) and plain captcha widgets in
/// comment forms are deliberately not listed: real articles carry them.
const BOT_WALL_MARKERS: &[&str] = &[
    "<title>just a moment...</title>",
    "cf-browser-verification",
    "cf_chl_opt",
    "_incapsula_resource",
    "px-captcha",
    "captcha-delivery.com",
    // Cookie-consent interstitials served in place of the page (Google's, and the
    // common consent-management platforms' full-page walls).
    "<title>before you continue",
    "consent.google.com/save",
    "guce.yahoo.com",
];

/// Host-name prefixes of consent services: a redirect that ends on one of them served
/// a consent form, not the article (`consent.google.com`, `consent.yahoo.com`,
/// `guce.yahoo.com`).
const CONSENT_HOST_PREFIXES: &[&str] = &["consent.", "guce."];

/// The `Accept` header sent for each kind of request.
fn accept_for(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Feed => {
            "application/rss+xml, application/atom+xml, application/feed+json, \
             application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
        }
        RequestKind::Article => {
            "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.8, */*;q=0.5"
        }
        RequestKind::Robots => "text/plain, */*;q=0.5",
    }
}

/// Locks a std mutex, ignoring poisoning (the data are plain values, always consistent).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A redirect the policy refused (too many, loop, bad scheme); lives in reqwest's chain.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct RedirectRefused(String);

/// A failed attempt that may be retried.
struct Retryable {
    error: Error,
    retry_after: Option<Duration>,
}

/// The politeness state of one host:port.
struct Host {
    permits: Arc<Semaphore>,
    last_start: Mutex<Option<Instant>>,
    delay: Mutex<Duration>,
    backoff_until: Mutex<Option<Instant>>,
    /// The latest time a `Retry-After` asked us to stay away until (wall clock, so it
    /// can be remembered across runs).
    asked_until: Mutex<Option<SystemTime>>,
    /// The `Crawl-delay` robots.txt (or a previous run) gave, before capping.
    crawl_delay: Mutex<Option<Duration>>,
    failures: AtomicU32,
}

impl Host {
    fn new(settings: &FetchSettings) -> Self {
        Host {
            permits: Arc::new(Semaphore::new(settings.per_host_concurrency.max(1))),
            last_start: Mutex::new(None),
            delay: Mutex::new(settings.per_host_delay()),
            backoff_until: Mutex::new(None),
            asked_until: Mutex::new(None),
            crawl_delay: Mutex::new(None),
            failures: AtomicU32::new(0),
        }
    }

    fn wait_needed(&self) -> Duration {
        let delay = *lock(&self.delay);
        match *lock(&self.last_start) {
            Some(t) => (t + delay).saturating_duration_since(Instant::now()),
            None => Duration::ZERO,
        }
    }

    /// Claims the next start slot if the gap since the last start is long enough.
    fn try_start(&self) -> bool {
        let delay = *lock(&self.delay);
        let mut last = lock(&self.last_start);
        let now = Instant::now();
        if last.is_none_or(|t| now >= t + delay) {
            *last = Some(now);
            true
        } else {
            false
        }
    }

    fn raise_delay(&self, to: Duration) {
        let mut delay = lock(&self.delay);
        *delay = (*delay).max(to);
    }

    fn backing_off(&self) -> bool {
        lock(&self.backoff_until).is_some_and(|until| Instant::now() < until)
    }

    fn back_off_for(&self, how_long: Duration) {
        *lock(&self.backoff_until) = Instant::now().checked_add(how_long);
    }

    /// Remembers that the host asked us to wait `how_long` from now.
    fn asked_to_wait(&self, how_long: Duration) {
        let until = SystemTime::now().checked_add(how_long);
        let mut asked = lock(&self.asked_until);
        *asked = (*asked).max(until);
    }

    fn set_crawl_delay(&self, delay: Duration, cap: Duration) {
        *lock(&self.crawl_delay) = Some(delay);
        self.raise_delay(delay.min(cap));
    }
}

/// Permits held while a request is in flight.
struct Permits {
    _host: Option<OwnedSemaphorePermit>,
    _global: Option<OwnedSemaphorePermit>,
}

/// Reads `ca_file`: one or more PEM certificates.
fn read_ca_file(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>> {
    let setup = |what: String| Error::Setup {
        reason: format!("ca_file {}: {what}", path.display()),
    };
    let pem = std::fs::read(path).map_err(|e| setup(e.to_string()))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| setup(e.to_string()))?;
    if certs.is_empty() {
        return Err(setup("no PEM certificate in the file".into()));
    }
    Ok(certs)
}

/// One HTTP client. Both of the engine's clients are built here, so that they share
/// the address guard, the redirect policy, timeouts and headers; they differ only in
/// certificate checking.
fn build_client(
    settings: &FetchSettings,
    policy: &Arc<AccessPolicy>,
    extra_roots: &[reqwest::Certificate],
    accept_invalid_certs: bool,
) -> Result<reqwest::Client> {
    let redirect_policy = {
        let policy = Arc::clone(policy);
        let max = settings.max_redirects;
        reqwest::redirect::Policy::custom(move |attempt| {
            let next = attempt.url();
            let refusal: Option<Box<dyn std::error::Error + Send + Sync>> =
                if attempt.previous().len() > max {
                    Some(Box::new(RedirectRefused(format!(
                        "more than {max} redirects"
                    ))))
                } else if attempt.previous().iter().any(|u| u == next) {
                    Some(Box::new(RedirectRefused(format!(
                        "redirect loop back to {next}"
                    ))))
                } else if !matches!(next.scheme(), "http" | "https") {
                    Some(Box::new(RedirectRefused(format!(
                        "redirect to a {} URL",
                        next.scheme()
                    ))))
                } else if let Some(host) = next.host()
                    && policy.refuses_literal(&host)
                {
                    Some(Box::new(PrivateAddressRefused {
                        host: host.to_string(),
                    }))
                } else {
                    None
                };
            match refusal {
                Some(e) => attempt.error(e),
                None => attempt.follow(),
            }
        })
    };
    let mut builder = reqwest::Client::builder()
        .user_agent(settings.user_agent.clone())
        .timeout(Duration::from_secs(settings.timeout_secs.max(1)))
        .connect_timeout(Duration::from_secs(settings.connect_timeout_secs.max(1)))
        .redirect(redirect_policy)
        .dns_resolver(Arc::new(GuardedResolver {
            policy: Arc::clone(policy),
        }))
        .no_proxy()
        .pool_max_idle_per_host(settings.per_host_concurrency.max(1));
    if !extra_roots.is_empty() {
        builder = builder.tls_certs_merge(extra_roots.iter().cloned());
    }
    if accept_invalid_certs {
        builder = builder.tls_danger_accept_invalid_certs(true);
    }
    builder.build().map_err(|e| Error::Setup {
        reason: format!("HTTP client: {e}"),
    })
}

tokio::task_local! {
    /// Set by `fetch_all` for each of its tasks: the task's claim on the engine's
    /// `delivery` budget. The claim is taken when a request is about to start (after
    /// its host is ready, so waiting on a slow host holds nothing) and travels with the
    /// outcome until the consumer receives it. Bodies fetched faster than the caller
    /// analyses them therefore stop the fetching instead of piling up in memory: at
    /// most `2 × concurrency` are ever fetched and not yet consumed.
    pub(crate) static DELIVERY: RefCell<Option<OwnedSemaphorePermit>>;
}

pub(crate) struct Engine {
    pub(crate) settings: FetchSettings,
    pub(crate) policy: Arc<AccessPolicy>,
    /// Verifies certificates: every request but those flagged `accept_invalid_certs`.
    client: reqwest::Client,
    /// Accepts any certificate; used only for requests flagged `accept_invalid_certs`.
    insecure: reqwest::Client,
    global: Arc<Semaphore>,
    /// Bodies fetched for [`crate::Fetcher::fetch_all`] and not yet taken by its
    /// consumer, plus fetches under way for it: see [`DELIVERY`].
    pub(crate) delivery: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
    robots: Mutex<HashMap<String, Arc<OnceCell<Arc<Robots>>>>>,
    jitter_counter: AtomicU64,
}

impl Engine {
    pub(crate) fn new(settings: FetchSettings) -> Result<Engine> {
        let policy = Arc::new(AccessPolicy::new(settings.allow_private_networks));
        let extra_roots = match &settings.ca_file {
            Some(path) => read_ca_file(path)?,
            None => Vec::new(),
        };
        let client = build_client(&settings, &policy, &extra_roots, false)?;
        let insecure = build_client(&settings, &policy, &[], true)?;
        Ok(Engine {
            global: Arc::new(Semaphore::new(settings.concurrency.max(1))),
            delivery: Arc::new(Semaphore::new(settings.concurrency.max(1) * 2)),
            settings,
            policy,
            client,
            insecure,
            hosts: Mutex::default(),
            robots: Mutex::default(),
            jitter_counter: AtomicU64::new(0),
        })
    }

    /// Fetches one request through every rule; never panics, never returns early
    /// without an outcome. Logs one `request` event at debug level.
    pub(crate) async fn fetch(&self, req: &FetchRequest) -> Outcome {
        let started = Instant::now();
        let outcome = self.fetch_inner(req).await;
        tracing::debug!(
            url = %req.url,
            kind = ?req.kind,
            outcome = outcome.class(),
            bytes = match &outcome {
                Outcome::Fetched(f) => f.body.len(),
                _ => 0,
            },
            ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "request"
        );
        outcome
    }

    async fn fetch_inner(&self, req: &FetchRequest) -> Outcome {
        let url = match Url::parse(req.url.trim()) {
            Ok(url) => url,
            Err(e) => {
                return Outcome::Failed(Error::InvalidUrl {
                    url: req.url.clone(),
                    reason: e.to_string(),
                });
            }
        };
        match url.scheme() {
            "http" | "https" => {}
            "file" => return crate::file::fetch(self, req, &url).await,
            scheme => {
                return Outcome::Failed(Error::UnsupportedScheme {
                    url: req.url.clone(),
                    scheme: scheme.to_owned(),
                });
            }
        }
        let (Some(host), Some(host_name), Some(port)) =
            (url.host(), url.host_str(), url.port_or_known_default())
        else {
            return Outcome::Failed(Error::InvalidUrl {
                url: req.url.clone(),
                reason: "no host".into(),
            });
        };
        if req.trusted {
            self.policy.trust(host_name);
        }
        if self.policy.refuses_literal(&host) {
            return Outcome::Skipped {
                reason: SkipReason::PrivateAddress,
            };
        }
        let host_state = self.host(&format!("{host_name}:{port}"));
        if host_state.backing_off() {
            return Outcome::Skipped {
                reason: SkipReason::Backoff,
            };
        }
        if req.kind == RequestKind::Article && self.settings.obey_robots {
            let robots = self
                .robots_for(&url, &host_state, req.accept_invalid_certs)
                .await;
            let mut path = url.path().to_owned();
            if let Some(q) = url.query() {
                path.push('?');
                path.push_str(q);
            }
            if !robots.is_allowed(&path) {
                return Outcome::Skipped {
                    reason: SkipReason::Robots,
                };
            }
        }
        let outcome = self.with_retries(&url, req, &host_state).await;
        match outcome.class() {
            "timeout" | "connect" => {
                let failures = host_state.failures.fetch_add(1, Ordering::Relaxed) + 1;
                let limit = self.settings.host_failure_limit;
                if limit > 0 && failures >= limit {
                    host_state.back_off_for(Duration::from_secs(86_400));
                }
            }
            "fetched" | "not_modified" => host_state.failures.store(0, Ordering::Relaxed),
            _ => {}
        }
        outcome
    }

    async fn with_retries(&self, url: &Url, req: &FetchRequest, host: &Host) -> Outcome {
        let mut attempt = 0u32;
        loop {
            let permits = self.acquire(host).await;
            let result = self.attempt(url, req).await;
            drop(permits);
            let Retryable { error, retry_after } = match result {
                Ok(outcome) => return outcome,
                Err(retryable) => retryable,
            };
            // No body to deliver: give the budget back while backing off.
            let _ = DELIVERY.try_with(|d| d.borrow_mut().take());
            if let Some(wait) = retry_after {
                host.asked_to_wait(wait);
            }
            if let Some(wait) = retry_after
                && wait > self.settings.max_retry_after()
            {
                tracing::debug!(url = %url, ?wait, "Retry-After beyond the cap; backing off the host");
                host.back_off_for(wait);
                return Outcome::Failed(error);
            }
            if attempt >= self.settings.retries {
                return Outcome::Failed(error);
            }
            let wait = self.backoff(attempt).max(retry_after.unwrap_or_default());
            tracing::debug!(url = %url, attempt, ?wait, class = error.class(), "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// `retry_base_ms × 2^attempt`, plus up to half of that again as jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .settings
            .retry_base_ms
            .saturating_mul(1u64 << attempt.min(20));
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(self.jitter_counter.fetch_add(1, Ordering::Relaxed));
        let jitter = hasher.finish() % (base / 2 + 1);
        Duration::from_millis(base.saturating_add(jitter)).min(MAX_BACKOFF)
    }

    /// What each host asked of us this run (and what was remembered from earlier
    /// runs): hosts with neither a pending `Retry-After` nor a `Crawl-delay` are left out.
    pub(crate) fn politeness(&self) -> Vec<HostPoliteness> {
        let now = SystemTime::now();
        let mut out: Vec<HostPoliteness> = lock(&self.hosts)
            .iter()
            .filter_map(|(key, h)| {
                let wait_until = (*lock(&h.asked_until)).filter(|t| *t > now);
                let crawl_delay = *lock(&h.crawl_delay);
                (wait_until.is_some() || crawl_delay.is_some()).then(|| HostPoliteness {
                    host: key.clone(),
                    wait_until,
                    crawl_delay,
                })
            })
            .collect();
        out.sort_by(|a, b| a.host.cmp(&b.host));
        out
    }

    /// Applies what earlier runs learnt: a host still inside its `Retry-After` window is
    /// skipped ([`SkipReason::Backoff`]) until it ends, and a remembered crawl delay
    /// spaces requests from the first one (robots.txt may raise it again).
    pub(crate) fn remember(&self, hosts: &[HostPoliteness]) {
        let now = SystemTime::now();
        for p in hosts {
            let host = self.host(&p.host.to_ascii_lowercase());
            if let Some(until) = p.wait_until
                && let Ok(left) = until.duration_since(now)
            {
                *lock(&host.asked_until) = Some(until);
                host.back_off_for(left);
            }
            if let Some(delay) = p.crawl_delay {
                host.set_crawl_delay(delay, self.settings.max_crawl_delay());
            }
        }
    }

    fn host(&self, key: &str) -> Arc<Host> {
        let mut hosts = lock(&self.hosts);
        Arc::clone(
            hosts
                .entry(key.to_owned())
                .or_insert_with(|| Arc::new(Host::new(&self.settings))),
        )
    }

    /// Waits for a host permit, the host's start slot and a global permit. The global
    /// permit is never held while waiting on one host, so a slow host cannot starve the
    /// others.
    async fn acquire(&self, host: &Host) -> Permits {
        let host_permit = Arc::clone(&host.permits).acquire_owned().await.ok();
        self.claim_delivery().await;
        loop {
            let wait = host.wait_needed();
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            let global = Arc::clone(&self.global).acquire_owned().await.ok();
            if host.try_start() {
                return Permits {
                    _host: host_permit,
                    _global: global,
                };
            }
        }
    }

    /// In a `fetch_all` task without a claim on the delivery budget, waits for one.
    async fn claim_delivery(&self) {
        if DELIVERY.try_with(|d| d.borrow().is_none()) != Ok(true) {
            return;
        }
        if let Ok(permit) = Arc::clone(&self.delivery).acquire_owned().await {
            let _ = DELIVERY.try_with(|d| *d.borrow_mut() = Some(permit));
        }
    }

    /// robots.txt for `url`'s origin, fetched once per run; `accept_invalid_certs`
    /// comes from the article request that needed it first.
    async fn robots_for(&self, url: &Url, host: &Host, accept_invalid_certs: bool) -> Arc<Robots> {
        let origin = url.origin().ascii_serialization();
        let cell = Arc::clone(lock(&self.robots).entry(origin.clone()).or_default());
        let robots = cell
            .get_or_init(|| async {
                let robots = self.fetch_robots(&origin, host, accept_invalid_certs).await;
                if let Some(delay) = robots.crawl_delay() {
                    host.set_crawl_delay(delay, self.settings.max_crawl_delay());
                }
                Arc::new(robots)
            })
            .await;
        Arc::clone(robots)
    }

    /// robots.txt per RFC 9309: 2xx is read; 5xx and 429 mean "disallow everything";
    /// anything else (4xx, no connection, refused address) means "allow everything",
    /// and the article request then reports its own failure.
    async fn fetch_robots(&self, origin: &str, host: &Host, accept_invalid_certs: bool) -> Robots {
        let Ok(url) = Url::parse(&format!("{origin}/robots.txt")) else {
            return Robots::allow_all();
        };
        let mut req = FetchRequest::new(url.as_str(), RequestKind::Robots);
        req.accept_invalid_certs = accept_invalid_certs;
        let permits = self.acquire(host).await;
        let result = self.attempt(&url, &req).await;
        drop(permits);
        match result {
            Ok(Outcome::Fetched(page)) => {
                Robots::from_bytes(&page.body, &self.settings.robots_token())
            }
            Err(Retryable {
                error: Error::Status { .. },
                ..
            }) => Robots::disallow_all(),
            _ => Robots::allow_all(),
        }
    }

    /// One HTTP exchange. `Ok` is final; `Err` may be retried.
    async fn attempt(
        &self,
        url: &Url,
        req: &FetchRequest,
    ) -> std::result::Result<Outcome, Retryable> {
        let client = if req.accept_invalid_certs {
            &self.insecure
        } else {
            &self.client
        };
        let mut builder = client.get(url.clone()).header(ACCEPT, accept_for(req.kind));
        if let Some(value) = req
            .etag
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            builder = builder.header(IF_NONE_MATCH, value);
        }
        if let Some(value) = req
            .last_modified
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            builder = builder.header(IF_MODIFIED_SINCE, value);
        }
        let mut response = match builder.send().await {
            Ok(response) => response,
            Err(e) => return classify(e, url.as_str(), &self.settings),
        };
        let status = response.status().as_u16();
        let final_url = response.url().to_string();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(CONTENT_TYPE);
        let etag = header(ETAG);
        let last_modified = header(LAST_MODIFIED);
        let retry_after = header(RETRY_AFTER).and_then(|v| parse_retry_after(&v));
        let declared_len = header(CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
        if status == 304 {
            return Ok(Outcome::NotModified);
        }
        if status == 429 || (500..600).contains(&status) {
            return Err(Retryable {
                error: Error::Status {
                    url: final_url,
                    status,
                },
                retry_after,
            });
        }
        if (300..400).contains(&status) {
            // A redirect reqwest did not follow (no usable Location).
            return Ok(Outcome::Failed(Error::Redirect {
                url: final_url,
                reason: format!("status {status} without a followable Location"),
            }));
        }
        if !(200..300).contains(&status) {
            return Ok(Outcome::Failed(Error::Status {
                url: final_url,
                status,
            }));
        }
        // robots.txt is read up to its parse limit and cut there, never refused.
        let keep_prefix = req.kind == RequestKind::Robots;
        let limit = if keep_prefix {
            crate::robots::PARSE_LIMIT_BYTES as u64
        } else {
            self.settings.max_body_bytes
        };
        let too_large = |url: &str| {
            Ok(Outcome::Failed(Error::TooLarge {
                url: url.to_owned(),
                limit,
            }))
        };
        if !keep_prefix && declared_len.is_some_and(|n| n > limit) {
            return too_large(&final_url);
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > limit {
                        if !keep_prefix {
                            return too_large(&final_url);
                        }
                        let room = usize::try_from(limit).unwrap_or(usize::MAX) - body.len();
                        body.extend_from_slice(&chunk[..room.min(chunk.len())]);
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => return classify(e, &final_url, &self.settings),
                Err(e) => {
                    return Ok(Outcome::Failed(Error::Truncated {
                        url: final_url,
                        received: body.len() as u64,
                        expected: declared_len,
                        cause: root_cause(&e),
                    }));
                }
            }
        }
        let page = Fetched {
            final_url,
            status,
            content_type,
            etag,
            last_modified,
            body,
        };
        Ok(check_content(req.kind, page))
    }
}

/// Content checks shared by http and file fetches: bot walls, HTML where a feed was
/// expected, unreadable article types.
pub(crate) fn check_content(kind: RequestKind, page: Fetched) -> Outcome {
    let head = &page.body[..page.body.len().min(SNIFF_BYTES)];
    let is_html =
        crate::feeds::looks_like_html(&String::from_utf8_lossy(&head[..head.len().min(512)]));
    let consent_host = url::Url::parse(&page.final_url).ok().is_some_and(|u| {
        u.host_str()
            .is_some_and(|h| CONSENT_HOST_PREFIXES.iter().any(|p| h.starts_with(p)))
    });
    if kind != RequestKind::Robots && consent_host {
        return Outcome::Failed(Error::Blocked {
            url: page.final_url,
            marker: "a consent page",
        });
    }
    if kind != RequestKind::Robots
        && (is_html || kind == RequestKind::Article)
        && page.body.len() <= SNIFF_BYTES
    {
        let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
        if let Some(marker) = BOT_WALL_MARKERS.iter().find(|m| lower.contains(**m)) {
            return Outcome::Failed(Error::Blocked {
                url: page.final_url,
                marker,
            });
        }
    }
    match kind {
        RequestKind::Feed if is_html => Outcome::Failed(Error::NotAFeed {
            page: Box::new(page),
        }),
        RequestKind::Article => {
            let readable = page.content_type.as_deref().is_none_or(|ct| {
                let ct = ct.to_ascii_lowercase();
                ct.starts_with("text/") || ct.contains("html") || ct.contains("xml")
            });
            if readable || is_html {
                Outcome::Fetched(page)
            } else {
                Outcome::Failed(Error::UnsupportedContent {
                    url: page.final_url,
                    content_type: page.content_type.unwrap_or_default(),
                })
            }
        }
        _ => Outcome::Fetched(page),
    }
}

/// Maps a reqwest error to an outcome (or a retryable failure), looking through its
/// source chain for our own guard and redirect refusals; failures carry the chain's
/// root cause (and a timeout says which limit ran out).
fn classify(
    e: reqwest::Error,
    url: &str,
    limits: &FetchSettings,
) -> std::result::Result<Outcome, Retryable> {
    let url = url.to_owned();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    let mut text = String::new();
    let mut cause = String::new();
    let problem = tls_problem_in(&e);
    while let Some(err) = source {
        if err.downcast_ref::<PrivateAddressRefused>().is_some() {
            return Ok(Outcome::Skipped {
                reason: SkipReason::PrivateAddress,
            });
        }
        if let Some(refused) = err.downcast_ref::<RedirectRefused>() {
            return Ok(Outcome::Failed(Error::Redirect {
                url,
                reason: refused.0.clone(),
            }));
        }
        cause = err.to_string();
        text.push_str(&cause.to_ascii_lowercase());
        text.push(' ');
        source = err.source();
    }
    if e.is_timeout() {
        let detail = if e.is_connect() {
            format!(
                "no connection within {} s (connect_timeout_secs)",
                limits.connect_timeout_secs.max(1)
            )
        } else {
            format!(
                "no complete answer within {} s (timeout_secs)",
                limits.timeout_secs.max(1)
            )
        };
        return Err(Retryable {
            error: Error::Timeout { url, detail },
            retry_after: None,
        });
    }
    let tls_words = [
        "tls",
        "certificate",
        "handshake",
        "corrupt message",
        "invalidcontenttype",
    ];
    if problem.is_some() || tls_words.iter().any(|w| text.contains(w)) {
        return Ok(Outcome::Failed(Error::Tls {
            url,
            problem: problem.unwrap_or_else(|| tls_problem_from_text(&text)),
            cause,
            source: e,
        }));
    }
    let cause = root_cause(&e);
    if e.is_connect() {
        return Ok(Outcome::Failed(Error::Connect {
            url,
            cause,
            source: e,
        }));
    }
    Ok(Outcome::Failed(Error::Transport {
        url,
        cause,
        source: e,
    }))
}

/// The certificate problem a rustls error somewhere in `err`'s chain reports.
fn tls_problem_in(err: &(dyn std::error::Error + 'static)) -> Option<TlsProblem> {
    let mut source = Some(err);
    while let Some(err) = source {
        if let Some(tls) = as_rustls(err) {
            return Some(tls_problem(tls));
        }
        source = err.source();
    }
    None
}

/// The rustls error in one link of an error chain, either the link itself or the
/// error an `io::Error` wraps: tokio-rustls reports handshake failures that way, and an
/// `io::Error`'s `source()` skips the error it wraps, so a plain walk would miss it.
fn as_rustls<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    err.downcast_ref::<rustls::Error>().or_else(|| {
        err.downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    })
}

/// Which certificate check a rustls error reports.
fn tls_problem(err: &rustls::Error) -> TlsProblem {
    use rustls::CertificateError as C;
    match err {
        rustls::Error::InvalidCertificate(c) => match c {
            C::Expired | C::ExpiredContext { .. } => TlsProblem::Expired,
            C::NotValidYet | C::NotValidYetContext { .. } => TlsProblem::NotYetValid,
            C::UnknownIssuer => TlsProblem::UnknownIssuer,
            C::NotValidForName | C::NotValidForNameContext { .. } => TlsProblem::WrongHost,
            C::Revoked => TlsProblem::Revoked,
            _ => TlsProblem::BadCertificate,
        },
        _ => TlsProblem::Other,
    }
}

/// The same from the (lower-cased) text of an error chain, for errors that do not carry
/// a rustls value (another TLS stack, or a wrapper that turned it into text).
fn tls_problem_from_text(text: &str) -> TlsProblem {
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if has(&[
        "certificate expired",
        "expired certificate",
        "certificate has expired",
    ]) {
        TlsProblem::Expired
    } else if has(&["notvalidyet", "not valid yet", "not yet valid"]) {
        TlsProblem::NotYetValid
    } else if has(&[
        "unknownissuer",
        "unknown issuer",
        "self-signed",
        "self signed",
    ]) {
        TlsProblem::UnknownIssuer
    } else if has(&["notvalidforname", "not valid for name", "hostname mismatch"]) {
        TlsProblem::WrongHost
    } else if has(&["revoked"]) {
        TlsProblem::Revoked
    } else {
        TlsProblem::Other
    }
}

/// `Retry-After` as delta-seconds or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetched_page(final_url: &str, body: &str) -> Fetched {
        Fetched {
            final_url: final_url.into(),
            status: 200,
            content_type: Some("text/html".into()),
            etag: None,
            last_modified: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn consent_pages_are_blocked_not_articles() {
        let article = "<html><head><title>AWS grows</title></head><body><p>Text.</p></body></html>";
        assert_eq!(
            check_content(
                RequestKind::Article,
                fetched_page("https://news.example/a", article)
            )
            .class(),
            "fetched"
        );
        // A redirect that ended on a consent service.
        let out = check_content(
            RequestKind::Article,
            fetched_page(
                "https://consent.yahoo.com/v2/collectConsent?sessionId=1",
                article,
            ),
        );
        assert_eq!(out.class(), "blocked");
        let wall = "<html><head><title>Before you continue to Google</title></head></html>";
        assert_eq!(
            check_content(
                RequestKind::Article,
                fetched_page("https://news.example/a", wall)
            )
            .class(),
            "blocked"
        );
        // HTML where a feed was expected is blocked too (and keeps the page).
        assert_eq!(
            check_content(
                RequestKind::Feed,
                fetched_page("https://news.example/feed", article)
            )
            .class(),
            "blocked"
        );
    }

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        let later = SystemTime::now() + Duration::from_secs(120);
        let parsed = parse_retry_after(&httpdate::fmt_http_date(later)).unwrap();
        assert!(parsed > Duration::from_secs(100) && parsed <= Duration::from_secs(120));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    fn page(body: &str, content_type: Option<&str>) -> Fetched {
        Fetched {
            final_url: "http://h/x".into(),
            status: 200,
            content_type: content_type.map(str::to_owned),
            etag: None,
            last_modified: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn content_checks() {
        let html = "<!DOCTYPE html><html><body>hi</body></html>";
        assert_eq!(
            check_content(RequestKind::Feed, page(html, Some("text/html"))).class(),
            "blocked"
        );
        assert_eq!(
            check_content(RequestKind::Article, page(html, Some("text/html"))).class(),
            "fetched"
        );
        assert_eq!(
            check_content(RequestKind::Feed, page("<rss/>", Some("text/html"))).class(),
            "fetched"
        );
        let wall = "<html><script>window._cf_chl_opt={}</script></html>";
        assert_eq!(
            check_content(RequestKind::Feed, page(wall, None)).class(),
            "blocked"
        );
        assert_eq!(
            check_content(RequestKind::Article, page(wall, None)).class(),
            "blocked"
        );
        let injected = "<html><script src=/cdn-cgi/challenge-platform/scripts/jsd/main.js></script><p>story</p></html>";
        assert_eq!(
            check_content(RequestKind::Article, page(injected, Some("text/html"))).class(),
            "fetched"
        );
        assert_eq!(
            check_content(
                RequestKind::Article,
                page("%PDF-1.4", Some("application/pdf"))
            )
            .class(),
            "unsupported"
        );
        assert_eq!(
            check_content(RequestKind::Robots, page("User-agent: *", None)).class(),
            "fetched"
        );
    }

    /// An error with a source, like hyper's and reqwest's wrappers.
    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Wrapper(#[source] Box<dyn std::error::Error + Send + Sync>);

    #[test]
    fn certificate_errors_map_to_problems_through_the_chain() {
        use rustls::CertificateError as C;
        let cases = [
            (C::Expired, TlsProblem::Expired),
            (C::NotValidYet, TlsProblem::NotYetValid),
            (C::UnknownIssuer, TlsProblem::UnknownIssuer),
            (C::NotValidForName, TlsProblem::WrongHost),
            (C::Revoked, TlsProblem::Revoked),
            (C::BadSignature, TlsProblem::BadCertificate),
            (C::BadEncoding, TlsProblem::BadCertificate),
        ];
        for (cert_error, want) in cases {
            let rustls_error = rustls::Error::InvalidCertificate(cert_error);
            assert_eq!(tls_problem(&rustls_error), want);
            // As the transport delivers it: wrapped in an io::Error, wrapped again.
            let io = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls_error);
            let chain = Wrapper(Box::new(Wrapper(Box::new(io))));
            assert_eq!(tls_problem_in(&chain), Some(want), "{want:?}");
        }
        let protocol = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
        assert_eq!(tls_problem(&protocol), TlsProblem::Other);
        let plain = Wrapper(Box::new(std::io::Error::other("connection reset")));
        assert_eq!(tls_problem_in(&plain), None);
    }

    #[test]
    fn certificate_problems_are_read_from_text_when_no_rustls_error_is_found() {
        let cases = [
            (
                "invalid peer certificate: certificate expired: verification time",
                TlsProblem::Expired,
            ),
            (
                "invalid peer certificate: unknownissuer",
                TlsProblem::UnknownIssuer,
            ),
            (
                "self-signed certificate in certificate chain",
                TlsProblem::UnknownIssuer,
            ),
            (
                "invalid peer certificate: notvalidforname",
                TlsProblem::WrongHost,
            ),
            ("certificate revoked", TlsProblem::Revoked),
            (
                "received corrupt message of type invalidcontenttype",
                TlsProblem::Other,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(tls_problem_from_text(text), want, "{text}");
        }
    }

    #[test]
    fn tls_errors_say_which_check_failed() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        // A real reqwest error to carry (a URL that does not parse: no network).
        let source = rt.block_on(async {
            reqwest::Client::new()
                .get("not a url")
                .send()
                .await
                .unwrap_err()
        });
        let err = Error::Tls {
            url: "https://h/".into(),
            problem: TlsProblem::Expired,
            cause: "certificate expired: verification time 1".into(),
            source,
        };
        assert_eq!(err.class(), "tls");
        assert_eq!(
            err.to_string(),
            "TLS failure for https://h/: certificate expired"
        );
        assert!(
            TlsProblem::UnknownIssuer
                .to_string()
                .contains("unknown issuer")
                && TlsProblem::WrongHost.to_string().contains("host name")
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let settings = FetchSettings {
            retry_base_ms: 100,
            ..FetchSettings::default()
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let engine = rt.block_on(async { Engine::new(settings).unwrap() });
        for attempt in 0..4 {
            let d = engine.backoff(attempt).as_millis() as u64;
            let base = 100 << attempt;
            assert!(d >= base && d <= base + base / 2, "attempt {attempt}: {d}");
        }
        assert_eq!(engine.backoff(30), MAX_BACKOFF);
    }
}
