//! One ingest run, and keeping the index in step with the store.
//!
//! A run is a sequence of named stages ([`ingest`] reads as that list); the order of
//! work is what makes a run safe to interrupt at any moment:
//!
//! 1. take the run lock (a second run fails at once);
//! 2. open the store and the index, and index every stored article the index has not
//!    seen (`version != indexed_version`, [`open_index`]): this repairs a run that was
//!    killed between its store commit and its index commit;
//! 3. **read feeds** (`feeds.rs`): conditional GET with the stored validators; a feed's
//!    links go into the store's pending queue *in the same transaction* as its new
//!    validators, so a `304` next time never hides links this run did not reach;
//! 4. **claim work** (`work.rs`): the pending queue of the run's feeds, oldest first,
//!    plus the articles given directly; what is already stored leaves the queue,
//!    what failed recently waits out its backoff and stays queued;
//! 5. **fetch articles**, **analyse** (worker threads) and **commit** (`articles.rs`):
//!    each article goes to the **store first**, in one savepoint with its leaving the
//!    queue, inside a batch of [`STORE_BATCH`]; then to the **index**, which commits
//!    every [`INDEX_BATCH`] articles after a store commit, and only then are those
//!    articles marked indexed.
//!
//! Killing the process at any point loses nothing committed to the store: a killed
//! batch rolls back with its queue deletions, so its links are fetched again next run;
//! step 2 re-indexes whatever the index missed, and `upsert` deletes by id before
//! adding, so nothing is indexed twice. A stop request (the plan's `stop` flag, set by
//! the CLI on SIGINT or SIGTERM) ends the run after the article in hand, commits, and
//! marks the report `interrupted`. An error mid-run (a full disk) rolls back the open
//! batch and returns [`Error::Aborted`] with the report so far.

mod articles;
mod feeds;
mod work;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, Utc};
use factwire_core::{ArticleRecord, ItemFailure, RunReport};
use factwire_extractor::Gazetteer;
use factwire_fetcher::{FetchSettings, Fetcher, HostPoliteness, SkipReason};
use factwire_index::{Index, IndexDoc, OpenState};
use factwire_store::{HostState, Store, StoredArticle};

use self::articles::{ArticleStage, Commit};
use self::feeds::read_feeds;
use self::work::claim_work;
use crate::dedup::NearDuplicates;
use crate::{Analyzer, DataDir, Error, Result};

/// How many articles go into one index commit.
const INDEX_BATCH: usize = 256;
/// How many fetched articles go into one store transaction (a divisor of
/// [`INDEX_BATCH`], so an index commit always follows a store commit).
const STORE_BATCH: usize = 32;

/// A feed to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSpec {
    /// http(s) or `file://` URL.
    pub url: String,
    /// A display name.
    pub name: Option<String>,
    /// Skip TLS certificate checks for this feed and for article links on its own host
    /// (the config's `accept_invalid_certs`). Dangerous; off by default.
    pub accept_invalid_certs: bool,
    /// For a local feed: the folder (`file://` URL) whose files its links may name;
    /// `None` is the folder holding the feed file. See `fetcher::LinkScope`.
    pub files_under: Option<String>,
}

/// Everything one ingest run needs.
pub struct IngestPlan {
    /// Where the store and index live.
    pub data_dir: DataDir,
    /// Feeds to read.
    pub feeds: Vec<FeedSpec>,
    /// Article URLs given directly (trusted, always fetched conditionally).
    pub articles: Vec<String>,
    /// Fetcher settings.
    pub fetch: FetchSettings,
    /// Summary length in sentences.
    pub sentences: usize,
    /// The entity gazetteer.
    pub gazetteer: Gazetteer,
    /// Set to stop after the article in hand (Ctrl-C in `watch`).
    pub stop: Option<Arc<AtomicBool>>,
}

/// Which part of a run is under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Indexing stored articles the index has not seen.
    CatchUp,
    /// Reading feeds.
    Feeds,
    /// Fetching and analysing articles.
    Articles,
}

/// A progress event.
#[derive(Debug, Clone)]
pub struct Progress {
    /// The stage.
    pub stage: Stage,
    /// Items done in this stage.
    pub done: u64,
    /// Items in this stage.
    pub total: u64,
    /// The item just finished.
    pub item: Option<String>,
}

fn now_rfc3339() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// The index document for a stored article.
pub fn index_doc(a: &StoredArticle) -> IndexDoc {
    record_doc(
        a.id,
        a.version,
        &a.key,
        &a.record,
        a.source.clone(),
        a.duplicate_of,
    )
}

/// The index document for an article record stored under `key` at `id`/`version`.
fn record_doc(
    id: i64,
    version: i64,
    key: &str,
    rec: &ArticleRecord,
    source: Option<String>,
    duplicate_of: Option<i64>,
) -> IndexDoc {
    let mut entities = Vec::new();
    for e in &rec.entities {
        entities.push(e.name.clone());
        entities.extend(e.aliases.iter().cloned());
    }
    let mut metrics: Vec<String> = rec.facts.iter().filter_map(|f| f.metric.clone()).collect();
    metrics.sort();
    metrics.dedup();
    IndexDoc {
        id,
        version,
        url: rec.url.clone().unwrap_or_else(|| key.to_string()),
        title: rec.title.clone(),
        text: rec.text.clone(),
        summary: rec.summary.clone(),
        source,
        published: rec.published.clone(),
        entities,
        metrics,
        duplicate_of,
    }
}

/// Opens the index, rebuilding it from the store when it is new, of another schema
/// version, or of another generation than the one the store indexed into (lost,
/// replaced, copied in), and indexes whatever the store has that the index has not
/// seen. It may wipe the index: only the holder of the run lock calls it.
pub fn open_index(
    dd: &DataDir,
    store: &mut Store,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Index> {
    let (mut index, state) = Index::open(&dd.index_dir())?;
    let mut new = state != OpenState::Opened;
    let recorded = store.index_generation()?;
    if !new && recorded.is_some() && index.generation() != recorded.as_deref() {
        // Lost and recreated by someone else, or copied in: whatever it holds, the
        // store's marks do not describe it. Start it again from nothing.
        tracing::warn!(
            index = %index.dir().display(),
            "the index is not the one the store indexed into; rebuilding it"
        );
        drop(index);
        index = Index::recreate(&dd.index_dir())?;
        new = true;
    }
    adopt_generation(store, &index, new)?;
    sync_index(store, &index, progress)?;
    Ok(index)
}

/// Makes the store's "indexed" marks refer to `index`. When the index is `new`
/// (created or rebuilt empty) or of another generation than the store recorded, every
/// article is marked unindexed in the transaction that records the generation, so
/// the next pass indexes everything. A store from before generations adopts an index
/// that opened normally.
pub(crate) fn adopt_generation(store: &mut Store, index: &Index, new: bool) -> Result<()> {
    let Some(ours) = index.generation() else {
        return Ok(());
    };
    let recorded = store.index_generation()?;
    if recorded.as_deref() == Some(ours) && !new {
        return Ok(());
    }
    store.set_index_generation(ours, new || recorded.is_some())?;
    Ok(())
}

/// Indexes every stored article whose current version the index lacks; returns how many.
pub fn sync_index(
    store: &mut Store,
    index: &Index,
    progress: &mut dyn FnMut(&Progress),
) -> Result<u64> {
    let mut done = 0u64;
    let total = store.article_count()?;
    // One writer, opened only if there is something to index, checkpointed per batch.
    let mut writer = None;
    loop {
        let batch = store.unindexed(INDEX_BATCH)?;
        if batch.is_empty() {
            break;
        }
        let w = match &mut writer {
            Some(w) => w,
            None => writer.insert(index.writer()?),
        };
        let mut marks = Vec::with_capacity(batch.len());
        for a in &batch {
            w.upsert(&index_doc(a))?;
            marks.push((a.id, a.version));
        }
        w.checkpoint()?;
        store.mark_indexed(&marks)?;
        done += batch.len() as u64;
        progress(&Progress {
            stage: Stage::CatchUp,
            done,
            total,
            item: None,
        });
    }
    if let Some(w) = writer {
        w.commit()?;
        if bulk(done, total) {
            compact(index)?;
        }
    }
    Ok(done)
}

/// Merges the index into one segment with a fresh writer (the run's writer may still
/// have merges of its own under way; its final commit has waited for them).
fn compact(index: &Index) -> Result<()> {
    let mut w = index.writer()?;
    w.merge_all()?;
    w.commit()?;
    Ok(())
}

/// Whether `added` of `total` stored articles is a bulk load (a rebuild, a first run):
/// then the index ends as one segment, which makes every later search 10-25% faster
/// at 100,000 articles (one term lookup and posting list per term, not one per
/// segment). Ordinary runs add a few articles and leave merging to the merge policy.
fn bulk(added: u64, total: u64) -> bool {
    total > 0 && added.saturating_mul(2) >= total
}

/// Rebuilds the index from the store alone; returns the number of articles indexed.
pub fn reindex(dd: &DataDir, progress: &mut dyn FnMut(&Progress)) -> Result<u64> {
    let _lock = dd.lock()?;
    let mut store = Store::open(&dd.store_path())?;
    rebuild(dd, &mut store, progress)
}

/// Wipes the index, starts a new generation and indexes every stored article. The
/// caller holds the run lock. A rebuild killed half-way leaves the store recording
/// the old generation (or the new one with everything unindexed): either way the next
/// run rebuilds again.
pub(crate) fn rebuild(
    dd: &DataDir,
    store: &mut Store,
    progress: &mut dyn FnMut(&Progress),
) -> Result<u64> {
    let index = Index::recreate(&dd.index_dir())?;
    adopt_generation(store, &index, true)?;
    sync_index(store, &index, progress)
}

fn failure(url: &str, reason: &str, detail: impl ToString) -> ItemFailure {
    ItemFailure {
        url: url.to_string(),
        reason: reason.to_string(),
        detail: detail.to_string(),
    }
}

fn skip_detail(reason: &SkipReason) -> &'static str {
    match reason {
        SkipReason::Robots => "robots.txt disallows this path for our user agent",
        SkipReason::PrivateAddress => {
            "resolves to a private or local address (set [fetch] allow_private_networks)"
        }
        SkipReason::LocalFile => {
            "a local file this source may not name (a remote feed's link, or one outside \
             the local feed's folder: see [[feeds]] files_under)"
        }
        SkipReason::Backoff => {
            "the host asked us to wait (Retry-After, remembered across runs) or kept failing"
        }
        _ => "skipped",
    }
}

/// What an ingest run returns.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// The run report (`interrupted` when the stop flag ended it early).
    pub report: RunReport,
    /// Whether the run as a whole failed: every feed failed, or every directly given
    /// article failed. One bad article never fails a run.
    pub run_failed: bool,
}

/// The plan's stop flag: set (by a signal handler) to end the run after the article in
/// hand.
#[derive(Debug, Clone, Default)]
struct StopFlag(Option<Arc<AtomicBool>>);

impl StopFlag {
    fn requested(&self) -> bool {
        self.0.as_ref().is_some_and(|s| s.load(Ordering::Relaxed))
    }
}

/// Runs one ingest and returns its report. See the module docs for the order of work.
///
/// An error after the run has started (a full disk, a failing index) comes back as
/// [`Error::Aborted`], carrying the report of what the run did before it.
pub fn ingest(plan: IngestPlan, progress: &mut dyn FnMut(&Progress)) -> Result<RunOutcome> {
    let started = Instant::now();
    let IngestPlan {
        data_dir,
        feeds,
        articles,
        fetch,
        sentences,
        gazetteer,
        stop,
    } = plan;
    let _lock = data_dir.lock()?;
    let mut run = Run::open(
        &data_dir,
        fetch,
        gazetteer,
        sentences,
        StopFlag(stop),
        progress,
    )
    .map_err(|e| on_full_disk(e, &data_dir))?;
    let run_id = run
        .store
        .start_run()
        .map_err(|e| on_full_disk(e.into(), &data_dir))?;
    let mut report = RunReport {
        feeds: feeds.len() as u64,
        ..RunReport::default()
    };
    let result = run.stages(&feeds, &articles, &mut report, progress);
    report.interrupted = run.stop.requested();
    report.seconds = started.elapsed().as_secs_f64();
    let feeds_failed = match result {
        Ok(n) => n,
        Err(e) => {
            // Best effort: on a full disk even this may not fit.
            let _ = run.store.finish_run(run_id, &report, false);
            return Err(Error::Aborted {
                report: Box::new(report),
                error: Box::new(on_full_disk(e, &data_dir)),
            });
        }
    };
    let stored = report.new + report.updated + report.unchanged;
    let run_failed = (report.feeds > 0 && feeds_failed == report.feeds && stored == 0)
        || (report.feeds == 0 && report.failed > 0 && stored == 0);
    tracing::info!(
        new = report.new,
        updated = report.updated,
        unchanged = report.unchanged,
        failed = report.failed,
        skipped = report.skipped,
        near_duplicates = report.near_duplicates,
        seconds = report.seconds,
        interrupted = report.interrupted,
        run_failed,
        "run finished"
    );
    run.store
        .finish_run(run_id, &report, !run_failed)
        .map_err(|e| on_full_disk(e.into(), &data_dir))?;
    Ok(RunOutcome { report, run_failed })
}

/// What one run holds while its stages run.
struct Run {
    store: Store,
    index: Index,
    near: NearDuplicates,
    fetcher: Fetcher,
    analyzer: Analyzer,
    sentences: usize,
    stop: StopFlag,
}

impl Run {
    /// Opens the store and the index (catching the index up with the store), loads the
    /// near-duplicate fingerprints and the politeness earlier runs stored.
    fn open(
        dd: &DataDir,
        fetch: FetchSettings,
        gazetteer: Gazetteer,
        sentences: usize,
        stop: StopFlag,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<Run> {
        let mut store = Store::open(&dd.store_path())?;
        let index = open_index(dd, &mut store, progress)?;
        let near = NearDuplicates::load(&store)?;
        let fetcher = Fetcher::new(fetch)?;
        fetcher.remember(&remembered_hosts(&store)?);
        Ok(Run {
            store,
            index,
            near,
            fetcher,
            analyzer: Analyzer::new(gazetteer),
            sentences,
            stop,
        })
    }

    /// The stages in order: read feeds (their links queued durably), claim work (the
    /// queue first), fetch, analyse, commit and index the articles, then save what hosts
    /// asked and index whatever the store has that the index lacks. Returns how many
    /// feeds failed.
    fn stages(
        &mut self,
        feeds: &[FeedSpec],
        articles: &[String],
        report: &mut RunReport,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<u64> {
        let read = read_feeds(
            &mut self.store,
            &self.fetcher,
            feeds,
            &self.stop,
            report,
            progress,
        )?;
        if !self.stop.requested() {
            let work = claim_work(&mut self.store, feeds, articles, report)?;
            let mut commit = Commit::begin(&mut self.store, &self.index, &mut self.near, report)?;
            let stage = ArticleStage {
                fetcher: &self.fetcher,
                analyzer: &self.analyzer,
                sentences: self.sentences,
                stop: &self.stop,
            };
            if let Err(e) = stage.run(&mut commit, &work.wanted, work.requests, progress) {
                commit.abandon();
                return Err(e);
            }
            commit.finish()?;
        }
        save_hosts(&mut self.store, &self.fetcher)?;
        // Articles whose near-duplicate group changed this run need their index entry
        // redone; they were marked unindexed when the group changed.
        sync_index(&mut self.store, &self.index, &mut |_| {})?;
        if bulk(report.new + report.updated, self.store.article_count()?) {
            compact(&self.index)?;
        }
        Ok(read.failed)
    }
}

/// A run error caused by a full disk, as [`Error::DiskFull`] naming the file or
/// directory that could not be written; any other error as it is.
fn on_full_disk(e: Error, dd: &DataDir) -> Error {
    let path = match &e {
        Error::Store(s) if s.is_disk_full() => dd.store_path(),
        Error::Index(i) if i.is_disk_full() || caused_by_full_disk(&e) => dd.index_dir(),
        Error::DataDir { path, .. } if caused_by_full_disk(&e) => path.clone(),
        _ => return e,
    };
    Error::DiskFull {
        path,
        source: Box::new(e),
    }
}

/// Whether an `ENOSPC` I/O error is anywhere in the chain of causes.
fn caused_by_full_disk(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::StorageFull
        {
            return true;
        }
        cause = c.source();
    }
    false
}

/// The politeness earlier runs stored (`Retry-After` windows, crawl delays).
fn remembered_hosts(store: &Store) -> Result<Vec<HostPoliteness>> {
    let at =
        |secs: i64| UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(secs).unwrap_or(0)));
    Ok(store
        .host_states()?
        .into_iter()
        .map(|h| HostPoliteness {
            host: h.host,
            wait_until: h.retry_after_until.and_then(at),
            crawl_delay: h.crawl_delay_ms.map(|ms| Duration::from_millis(ms.into())),
        })
        .collect())
}

/// Keeps what hosts asked of us this run for the next one.
fn save_hosts(store: &mut Store, fetcher: &Fetcher) -> Result<()> {
    for p in fetcher.politeness() {
        let secs = |t: SystemTime| {
            t.duration_since(UNIX_EPOCH)
                .ok()
                .and_then(|d| i64::try_from(d.as_secs()).ok())
        };
        store.save_host_state(&HostState {
            host: p.host,
            retry_after_until: p.wait_until.and_then(secs),
            crawl_delay_ms: p
                .crawl_delay
                .map(|d| u32::try_from(d.as_millis()).unwrap_or(u32::MAX)),
        })?;
    }
    Ok(())
}
