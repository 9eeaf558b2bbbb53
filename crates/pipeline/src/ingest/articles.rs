//! Stages "fetch articles", "analyse", "commit" and "index".
//!
//! Articles are fetched on the fetcher's runtime ([`fetch_and_analyse`]: a feeder
//! thread, at most `2 × workers` bodies ahead), analysed on worker threads
//! ([`analyse`]), and taken on the caller's thread in completion order, where each
//! outcome is committed ([`Commit`]): a stored article, its near-duplicate link and
//! its leaving the pending queue share one savepoint inside a batch of
//! [`STORE_BATCH`] articles. The index is fed from the same records, checkpointed
//! every [`INDEX_BATCH`] articles right after a store commit, and only then are those
//! articles marked indexed.

use std::sync::Arc;

use chrono::Utc;
use factwire_core::fingerprint::simhash;
use factwire_core::{ArticleRecord, RunReport, source_of};
use factwire_fetcher::{FetchOutcome, FetchRequest, Fetched, Fetcher, Outcome, SkipReason};
use factwire_index::{Index, IndexWriter};
use factwire_store::{NewArticle, PutStatus, Store};

use super::work::{Candidate, stored_head};
use super::{
    INDEX_BATCH, Progress, STORE_BATCH, Stage, StopFlag, failure, now_rfc3339, parse_time,
    record_doc, skip_detail,
};
use crate::dedup::{Link, NearDuplicates};
use crate::{AnalyzeOptions, Analyzer, InputHint, Result};

/// A link that failed this many times in a row leaves the pending queue (its failure
/// stays recorded, so a feed listing it again starts from the same backoff).
pub(super) const GIVE_UP_AFTER: u32 = 8;

/// What analysing a fetched page gives: the record and its SimHash.
/// An analysed page (its record and fingerprint), or why it is no article
/// ([`crate::Error::NotText`]).
type Analysis = std::result::Result<(ArticleRecord, Option<u64>), crate::Error>;
/// A fetch outcome and, for a fetched page, what analysing it gave.
type Analysed<T> = (FetchOutcome, Option<T>);

/// Stage "analyse": one fetched page to an article record and its fingerprint.
pub(super) fn analyse(
    analyzer: &Analyzer,
    sentences: usize,
    f: &Fetched,
    c: &Candidate,
) -> Analysis {
    let mut rec = analyzer.analyze(
        &f.body,
        &AnalyzeOptions {
            hint: InputHint::Sniff,
            url: Some(f.final_url.clone()),
            content_type: f.content_type.clone(),
            sentences,
            fallback_title: c.title.clone(),
            fallback_published: c.published.clone(),
        },
    )?;
    // A page dated after it was fetched (beyond a day of clock skew) has a wrong date;
    // the feed's date, already checked the same way, or none.
    if rec
        .published
        .as_deref()
        .and_then(parse_time)
        .is_some_and(|p| p > Utc::now() + chrono::Duration::days(1))
    {
        rec.published = c.published.clone();
    }
    let fingerprint = simhash(&rec.text);
    Ok((rec, fingerprint))
}

/// Stage "fetch articles": runs `fetcher.fetch_all(requests)` on a feeder thread and
/// `analyse` on `workers` threads for each fetched page, yielding outcomes in
/// completion order. Analysis is the CPU-bound part of a run; done here it overlaps
/// with the store and index work the caller does on its own thread. Channels are
/// bounded, so a slow caller holds analysis back, which holds fetching back. Dropping
/// the iterator stops the workers and the feeder (the requests not yet started are
/// cancelled).
pub(super) fn fetch_and_analyse<'scope, 'env, T, F>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    fetcher: &'env Fetcher,
    requests: Vec<FetchRequest>,
    workers: usize,
    analyse: F,
) -> impl Iterator<Item = Analysed<T>> + 'scope
where
    T: Send + 'scope,
    F: Fn(&Fetched, u64) -> T + Send + Sync + 'env,
{
    let (in_tx, in_rx) = std::sync::mpsc::sync_channel::<FetchOutcome>(workers * 2);
    let (out_tx, out_rx) = std::sync::mpsc::sync_channel::<Analysed<T>>(workers * 2);
    scope.spawn(move || {
        for out in fetcher.fetch_all(requests) {
            if in_tx.send(out).is_err() {
                break;
            }
        }
    });
    let in_rx = Arc::new(std::sync::Mutex::new(in_rx));
    let analyse = Arc::new(analyse);
    for _ in 0..workers {
        let (in_rx, out_tx, analyse) = (Arc::clone(&in_rx), out_tx.clone(), Arc::clone(&analyse));
        scope.spawn(move || {
            loop {
                let next = match in_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => break,
                };
                let Ok(out) = next else { break };
                let analysis = match &out.outcome {
                    Outcome::Fetched(f) => Some(analyse(f, out.request.tag)),
                    _ => None,
                };
                if out_tx.send((out, analysis)).is_err() {
                    break;
                }
            }
        });
    }
    drop(out_tx);
    out_rx.into_iter()
}

/// Stages "commit" and "index" for one run: the open store batch, the run's one index
/// writer, and the stored articles the writer holds but has not yet made durable.
pub(super) struct Commit<'r> {
    store: &'r mut Store,
    near: &'r mut NearDuplicates,
    report: &'r mut RunReport,
    writer: IndexWriter,
    /// Stored (id, version) pairs in the writer since its last checkpoint.
    unmarked: Vec<(i64, i64)>,
    in_batch: usize,
}

impl<'r> Commit<'r> {
    /// Opens the first store batch and the index writer.
    pub(super) fn begin(
        store: &'r mut Store,
        index: &Index,
        near: &'r mut NearDuplicates,
        report: &'r mut RunReport,
    ) -> Result<Commit<'r>> {
        let writer = index.writer()?;
        store.begin_batch()?;
        Ok(Commit {
            store,
            near,
            report,
            writer,
            unmarked: Vec::new(),
            in_batch: 0,
        })
    }

    /// Settles one fetch outcome: stores the article, or records the failure or skip;
    /// takes the link off the pending queue once its outcome is final.
    pub(super) fn settle(
        &mut self,
        c: &Candidate,
        outcome: Outcome,
        analysis: Option<Analysis>,
    ) -> Result<()> {
        match (outcome, analysis) {
            (Outcome::Fetched(_), Some(Err(e))) => {
                // Random bytes or a binary served as a page: not an article. Recorded
                // as a failure, so the link waits out a backoff if listed again.
                self.report.skipped += 1;
                tracing::info!(url = %c.url, outcome = "skipped", reason = "not_text", "article");
                self.report.skips.push(failure(&c.url, "not_text", &e));
                self.store
                    .record_failure(&c.key, "not_text", &e.to_string())?;
                self.finish_pending(c)?;
            }
            (Outcome::Fetched(f), Some(Ok((rec, fingerprint)))) => {
                if rec.truncated {
                    self.report.truncated += 1;
                    self.report.warnings.push(failure(
                        &c.url,
                        "truncated",
                        "longer than the reader's 8 MiB cap: only the start was read",
                    ));
                }
                if rec.text.trim().is_empty() {
                    tracing::info!(url = %c.url, outcome = "failed", reason = "empty", "article");
                    self.failed(c, "empty", "no article text found in the page")?;
                } else {
                    self.store_article(c, f, rec, fingerprint)?;
                    self.finish_pending(c)?;
                }
            }
            (Outcome::Fetched(_), None) => {}
            (Outcome::NotModified, _) => {
                self.report.unchanged += 1;
                tracing::info!(url = %c.url, outcome = "not_modified", "article");
                self.finish_pending(c)?;
            }
            (Outcome::Failed(e), _) => {
                tracing::info!(url = %c.url, outcome = "failed", reason = e.class(), detail = %e, "article");
                self.failed(c, e.class(), &e.to_string())?;
            }
            (Outcome::Skipped { reason }, _) => {
                self.report.skipped += 1;
                tracing::info!(url = %c.url, outcome = "skipped", reason = reason.class(), "article");
                self.report
                    .skips
                    .push(failure(&c.url, reason.class(), skip_detail(&reason)));
                // A host's backoff passes; robots, address and file refusals are final.
                if reason != SkipReason::Backoff {
                    self.finish_pending(c)?;
                }
            }
        }
        self.after_item()
    }

    /// A failed link keeps its backoff and stays queued, until it has failed
    /// [`GIVE_UP_AFTER`] times in a row.
    fn failed(&mut self, c: &Candidate, reason: &str, detail: &str) -> Result<()> {
        self.report.failed += 1;
        let attempts = self.store.record_failure(&c.key, reason, detail)?;
        let detail = if c.queued && attempts >= GIVE_UP_AFTER {
            self.finish_pending(c)?;
            format!("{detail} (failed {attempts} times in a row; no longer retried)")
        } else {
            detail.to_string()
        };
        self.report.failures.push(failure(&c.url, reason, detail));
        Ok(())
    }

    fn finish_pending(&mut self, c: &Candidate) -> Result<()> {
        if c.queued {
            self.store.finish_pending(&c.key)?;
        }
        Ok(())
    }

    /// Stores one analysed article with its near-duplicate link, and queues it for the
    /// index from the record in hand (what was just stored, without reading it back).
    fn store_article(
        &mut self,
        c: &Candidate,
        f: Fetched,
        rec: ArticleRecord,
        fingerprint: Option<u64>,
    ) -> Result<()> {
        let key = identity(self.store, &c.key, &rec)?;
        let link = fingerprint.map_or(Link::None, |f| {
            self.near.original_for(None, f, rec.published.as_deref())
        });
        let copy_of = match link {
            Link::CopyOf(original) => Some(original),
            _ => None,
        };
        let published = rec.published.clone();
        let (facts, entities) = (rec.facts.len(), rec.entities.len());
        let source = rec
            .url
            .as_deref()
            .and_then(source_of)
            .or_else(|| source_of(&f.final_url));
        let new = NewArticle {
            key,
            record: rec,
            source,
            feed_url: c.feed_url.clone(),
            etag: f.etag,
            last_modified: f.last_modified,
            fetched_at: now_rfc3339(),
            fingerprint,
            duplicate_of: copy_of,
        };
        let put = self.store.put_article(&new)?;
        self.store.clear_failure(&c.key)?;
        let outcome = match put.status {
            PutStatus::New => {
                self.report.new += 1;
                "new"
            }
            PutStatus::Updated => {
                self.report.updated += 1;
                "updated"
            }
            PutStatus::Unchanged => {
                self.report.unchanged += 1;
                "unchanged"
            }
        };
        tracing::info!(url = %c.url, id = put.id, outcome, facts, entities, copy_of, "article");
        if put.status == PutStatus::Unchanged {
            return Ok(());
        }
        if let Link::Replaces(old) = link {
            self.store.reroot_duplicates(old, put.id)?;
        }
        if link != Link::None {
            self.report.near_duplicates += 1;
        }
        self.near.stored(put.id, fingerprint, published, link);
        self.writer.upsert(&record_doc(
            put.id,
            put.version,
            &new.key,
            &new.record,
            new.source.clone(),
            new.duplicate_of,
        ))?;
        self.unmarked.push((put.id, put.version));
        Ok(())
    }

    /// The store commits every [`STORE_BATCH`] articles (a killed run loses at most
    /// that many, still queued for the next run); the index checkpoints only right
    /// after a store commit, so it never holds an article the store might lose, and
    /// only then are those articles marked indexed.
    fn after_item(&mut self) -> Result<()> {
        self.in_batch += 1;
        if self.in_batch < STORE_BATCH {
            return Ok(());
        }
        self.store.commit_batch()?;
        if self.unmarked.len() >= INDEX_BATCH {
            self.writer.checkpoint()?;
            self.store.mark_indexed(&self.unmarked)?;
            self.unmarked.clear();
        }
        self.store.begin_batch()?;
        self.in_batch = 0;
        Ok(())
    }

    /// Commits the last batch, then the index, then marks what it holds indexed.
    pub(super) fn finish(self) -> Result<()> {
        let Commit {
            store,
            writer,
            unmarked,
            ..
        } = self;
        if let Err(e) = store.commit_batch() {
            let _ = store.rollback_batch();
            return Err(e.into());
        }
        writer.commit()?;
        store.mark_indexed(&unmarked)?;
        Ok(())
    }

    /// After an error: the open batch is rolled back (its links stay queued) and the
    /// index writer is dropped uncommitted, so the index holds nothing the store lost.
    /// Articles stored in earlier batches are indexed by the next run's catch-up.
    pub(super) fn abandon(self) {
        if let Err(e) = self.store.rollback_batch() {
            tracing::warn!("rolling back the open batch: {e}");
        }
    }
}

/// The store key of a fetched article: its link's key, unless its canonical URL is
/// already stored under another key (the same article reached by another link).
fn identity(store: &Store, link_key: &str, rec: &ArticleRecord) -> Result<String> {
    if let Some(existing) = stored_head(store, link_key)? {
        return Ok(existing.key);
    }
    if let Some(canon) = rec.url.as_deref().and_then(factwire_fetcher::normalize_url)
        && canon != link_key
        && let Some(existing) = stored_head(store, &canon)?
    {
        return Ok(existing.key);
    }
    Ok(link_key.to_string())
}

/// Stage "fetch articles" with what it needs besides the commit: the fetcher, the
/// analyser and the stop flag.
pub(super) struct ArticleStage<'a> {
    pub(super) fetcher: &'a Fetcher,
    pub(super) analyzer: &'a Analyzer,
    pub(super) sentences: usize,
    pub(super) stop: &'a StopFlag,
}

impl ArticleStage<'_> {
    /// Fetches, analyses, commits and indexes the claimed work (`requests[i].tag`
    /// indexes `wanted`). Stops after the article in hand when the stop flag is set;
    /// what is not settled stays queued for the next run.
    pub(super) fn run(
        &self,
        commit: &mut Commit<'_>,
        wanted: &[Candidate],
        requests: Vec<FetchRequest>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<()> {
        let total = requests.len() as u64;
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
        std::thread::scope(|scope| {
            let analysed = fetch_and_analyse(scope, self.fetcher, requests, workers, |f, tag| {
                analyse(self.analyzer, self.sentences, f, &wanted[tag as usize])
            });
            for (done, (out, analysis)) in (1u64..).zip(analysed) {
                let c = &wanted[out.request.tag as usize];
                commit.settle(c, out.outcome, analysis)?;
                progress(&Progress {
                    stage: Stage::Articles,
                    done,
                    total,
                    item: Some(c.url.clone()),
                });
                if self.stop.requested() {
                    break;
                }
            }
            Ok(())
        })
    }
}
