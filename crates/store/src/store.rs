//! The [`Store`]: one SQLite connection and every query factwire runs against it.

use std::path::Path;
use std::time::Duration;

use factwire_core::{ArticleRecord, Entity, EntityKind, Fact, FactKind, FactRow, RunReport};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use crate::dates::{now_rfc3339, now_unix, since_bound, until_bound};
use crate::migrate::migrate;
use crate::{
    ArticleHead, Error, FactQuery, FeedHealth, FeedState, FingerprintRow, NewArticle, PendingLink,
    PutOutcome, PutStatus, Result, RunInfo, Stats, StoredArticle, content_hash,
};

/// First retry delay after a fetch failure, in seconds (15 minutes).
pub const BACKOFF_BASE_SECS: i64 = 15 * 60;
/// Longest retry delay, in seconds (7 days); the delay doubles up to this.
pub const BACKOFF_MAX_SECS: i64 = 7 * 24 * 3600;
/// How long a writer waits for another process's lock before giving up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

const ARTICLE_COLS: &str = "id, url, canonical_url, source, feed_url, title, byline, \
     published, site_name, language, text, summary, version, indexed_version, fetched_at, \
     etag, last_modified, duplicate_of";

/// The SQLite system of record. One connection; not shared between threads.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
}

/// A fetch failure and when to try again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchFailure {
    /// The URL that failed.
    pub url: String,
    /// Short class of the last failure (`timeout`, `not_found`, ...).
    pub reason: String,
    /// Human detail of the last failure.
    pub detail: String,
    /// Failures in a row.
    pub attempts: u32,
    /// Unix seconds before which the URL should not be tried again.
    pub next_attempt_at: i64,
}

/// Politeness state for one host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostState {
    /// Host (`example.com`, or `host:port`).
    pub host: String,
    /// Unix seconds until which a `Retry-After` asks us to stay away.
    pub retry_after_until: Option<i64>,
    /// A `Crawl-delay` from robots.txt, in milliseconds.
    pub crawl_delay_ms: Option<u32>,
}

impl Store {
    /// Opens (creating if missing) the database at `path`, configures it (WAL,
    /// `synchronous=NORMAL`, foreign keys, busy timeout) and migrates it.
    pub fn open(path: &Path) -> Result<Store> {
        let open_err = |source| Error::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        Self::setup(conn).map_err(|e| match e {
            Error::Sqlite(source) => open_err(source),
            Error::Damaged { source, .. } => Error::Damaged {
                path: Some(path.to_path_buf()),
                source,
            },
            other => other,
        })
    }

    /// A private in-memory database (for tests and `extract`-style one-offs).
    pub fn open_in_memory() -> Result<Store> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            conn.execute_batch("PRAGMA journal_mode = WAL;")?;
        }
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
        migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// The schema version of the open database (equals [`crate::SCHEMA_VERSION`]).
    pub fn schema_version(&self) -> Result<u32> {
        crate::migrate::user_version(&self.conn)
    }

    // ---- articles -------------------------------------------------------------------

    /// Runs `f` as one atomic write: its own `BEGIN IMMEDIATE` transaction, or a
    /// savepoint inside the batch a caller opened with [`Store::begin_batch`].
    fn write<T>(&mut self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if self.conn.is_autocommit() {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        } else {
            let sp = self.conn.savepoint()?;
            let value = f(&sp)?;
            sp.commit()?;
            Ok(value)
        }
    }

    /// Opens a batch: the writes that follow (each still atomic on its own) become
    /// durable together at [`Store::commit_batch`]. One commit per article costs a WAL
    /// write of every page it touched, index pages included; a batch of a few dozen
    /// articles writes those shared pages once. A process killed inside a batch loses
    /// that batch's writes and nothing else: the database stays consistent.
    pub fn begin_batch(&mut self) -> Result<()> {
        if self.conn.is_autocommit() {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
        }
        Ok(())
    }

    /// Commits the open batch, if any.
    pub fn commit_batch(&mut self) -> Result<()> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT")?;
        }
        Ok(())
    }

    /// Rolls the open batch back, if any: after an error, so that what the batch held
    /// (articles, and the queue entries they settled) is neither half kept nor lost.
    pub fn rollback_batch(&mut self) -> Result<()> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("ROLLBACK")?;
        }
        Ok(())
    }

    /// Stores one article in one transaction (a savepoint inside a batch).
    ///
    /// A new key is inserted at version 1. For a known key the content hash (over
    /// title and text) decides: the same hash refreshes only the fetch metadata and
    /// reports [`PutStatus::Unchanged`]; a different hash replaces every field, facts
    /// and entities, and bumps the version ([`PutStatus::Updated`]).
    pub fn put_article(&mut self, a: &NewArticle) -> Result<PutOutcome> {
        let r = &a.record;
        let hash = content_hash(r.title.as_deref(), &r.text);
        let summary = to_json(&r.summary)?;
        let fingerprint = a.fingerprint.map(u64::cast_signed);
        let now = now_rfc3339();
        self.write(|tx| {
            let existing: Option<(i64, String, i64)> = tx
                .query_row(
                    "SELECT id, content_hash, version FROM articles WHERE url = ?1",
                    [&a.key],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()?;
            // The fields every write of a changed article sets, as ?1..?18, shared by
            // the INSERT and the UPDATE below.
            let duplicate_of = match existing {
                Some((id, ..)) => a.duplicate_of.filter(|&of| of != id),
                None => a.duplicate_of,
            };
            let fields: [&dyn rusqlite::ToSql; 18] = [
                &a.key,
                &r.url,
                &a.source,
                &a.feed_url,
                &r.title,
                &r.byline,
                &r.published,
                &r.site_name,
                &r.language,
                &r.text,
                &summary,
                &hash,
                &a.etag,
                &a.last_modified,
                &a.fetched_at,
                &now,
                &fingerprint,
                &duplicate_of,
            ];
            let outcome = match existing {
                None => {
                    tx.execute(
                        "INSERT INTO articles (url, canonical_url, source, feed_url, title, \
                         byline, published, site_name, language, text, summary, content_hash, \
                         etag, last_modified, fetched_at, first_seen, updated_at, simhash, \
                         duplicate_of, version, indexed_version) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, \
                         ?15, ?16, ?16, ?17, ?18, 1, 0)",
                        &fields[..],
                    )?;
                    let id = tx.last_insert_rowid();
                    insert_children(tx, id, r)?;
                    PutOutcome {
                        id,
                        status: PutStatus::New,
                        version: 1,
                    }
                }
                Some((id, old_hash, version)) if old_hash == hash => {
                    tx.execute(
                        "UPDATE articles SET fetched_at = ?2, etag = coalesce(?3, etag), \
                     last_modified = coalesce(?4, last_modified), \
                     feed_url = coalesce(feed_url, ?5), source = coalesce(source, ?6) \
                     WHERE id = ?1",
                        params![
                            id,
                            a.fetched_at,
                            a.etag,
                            a.last_modified,
                            a.feed_url,
                            a.source
                        ],
                    )?;
                    PutOutcome {
                        id,
                        status: PutStatus::Unchanged,
                        version,
                    }
                }
                Some((id, _, version)) => {
                    let version = version + 1;
                    let mut params = fields.to_vec();
                    params.extend([&version as &dyn rusqlite::ToSql, &id]);
                    tx.execute(
                        "UPDATE articles SET canonical_url = ?2, source = coalesce(?3, source), \
                         feed_url = coalesce(?4, feed_url), title = ?5, byline = ?6, \
                         published = ?7, site_name = ?8, language = ?9, text = ?10, \
                         summary = ?11, content_hash = ?12, etag = ?13, last_modified = ?14, \
                         fetched_at = ?15, updated_at = ?16, simhash = ?17, duplicate_of = ?18, \
                         version = ?19 WHERE id = ?20 AND url = ?1",
                        &params[..],
                    )?;
                    tx.execute("DELETE FROM facts WHERE article_id = ?1", [id])?;
                    tx.execute("DELETE FROM entities WHERE article_id = ?1", [id])?;
                    insert_children(tx, id, r)?;
                    PutOutcome {
                        id,
                        status: PutStatus::Updated,
                        version,
                    }
                }
            };
            Ok(outcome)
        })
    }

    /// The article with this id, with its facts and entities.
    pub fn article(&self, id: i64) -> Result<Option<StoredArticle>> {
        let sql = format!("SELECT {ARTICLE_COLS} FROM articles WHERE id = ?1");
        self.one_article(&sql, params![id])
    }

    /// The article whose key or canonical URL is `url` (the key wins if both match).
    pub fn article_by_url(&self, url: &str) -> Result<Option<StoredArticle>> {
        let sql = format!(
            "SELECT {ARTICLE_COLS} FROM articles WHERE url = ?1 OR canonical_url = ?1 \
             ORDER BY url = ?1 DESC, id LIMIT 1"
        );
        self.one_article(&sql, params![url])
    }

    /// Just the identity and fetch state of the article stored under `url` (its key or
    /// its canonical URL), without its text, facts or entities: what deciding whether
    /// to fetch a link needs, at a fraction of [`Store::article_by_url`]'s cost.
    pub fn article_head(&self, url: &str) -> Result<Option<ArticleHead>> {
        let head = self
            .conn
            .prepare_cached(
                "SELECT id, url, fetched_at, etag, last_modified FROM articles \
                 WHERE url = ?1 OR canonical_url = ?1 ORDER BY url = ?1 DESC, id LIMIT 1",
            )?
            .query_row([url], |r| {
                Ok(ArticleHead {
                    id: r.get(0)?,
                    key: r.get(1)?,
                    fetched_at: r.get(2)?,
                    etag: r.get(3)?,
                    last_modified: r.get(4)?,
                })
            })
            .optional()?;
        Ok(head)
    }

    /// Up to `limit` articles whose current version the index has not confirmed,
    /// oldest id first.
    pub fn unindexed(&self, limit: usize) -> Result<Vec<StoredArticle>> {
        let sql = format!(
            "SELECT {ARTICLE_COLS} FROM articles WHERE version <> indexed_version \
             ORDER BY id LIMIT ?1"
        );
        self.many_articles(&sql, params![limit_param(Some(limit))])
    }

    /// Records that the index holds version `v` of each article `(id, v)`. An article
    /// updated meanwhile (its version is now higher) stays unindexed.
    pub fn mark_indexed(&mut self, done: &[(i64, i64)]) -> Result<()> {
        self.write(|tx| {
            let mut stmt = tx.prepare_cached(
                "UPDATE articles SET indexed_version = ?2 WHERE id = ?1 AND version >= ?2",
            )?;
            for (id, version) in done {
                stmt.execute(params![id, version])?;
            }
            Ok(())
        })
    }

    /// Marks every article as not indexed, so the next pass re-indexes everything
    /// (after the index was rebuilt empty).
    pub fn reset_indexed(&mut self) -> Result<()> {
        self.conn
            .execute("UPDATE articles SET indexed_version = 0", [])?;
        Ok(())
    }

    /// Every article id, ascending.
    pub fn all_article_ids(&self) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare("SELECT id FROM articles ORDER BY id")?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// How many articles are stored.
    pub fn article_count(&self) -> Result<u64> {
        self.count("SELECT count(*) FROM articles")
    }

    /// Articles published in `[since, until]` (either bound optional; a bare date
    /// `until` includes its day), newest first. With no bounds, every article,
    /// undated ones last.
    pub fn articles_between(
        &self,
        since: Option<&str>,
        until: Option<&str>,
    ) -> Result<Vec<StoredArticle>> {
        let since = since.map(since_bound).transpose()?.map(|b| b.0);
        let until = until.map(until_bound).transpose()?.map(|b| b.0);
        let sql = format!(
            "SELECT {ARTICLE_COLS} FROM articles \
             WHERE (?1 IS NULL OR julianday(published) >= julianday(?1)) \
               AND (?2 IS NULL OR julianday(published) <= julianday(?2)) \
             ORDER BY julianday(published) IS NULL, julianday(published) DESC, id"
        );
        self.many_articles(&sql, params![since, until])
    }

    /// Marks `id` as a duplicate of `of` (or clears the mark with `None`). The index
    /// groups copies under their original, so a change bumps the article's version:
    /// the index no longer has its current version and re-indexes it.
    pub fn set_duplicate_of(&mut self, id: i64, of: Option<i64>) -> Result<()> {
        self.conn.execute(
            "UPDATE articles SET duplicate_of = ?2, version = version + 1 \
             WHERE id = ?1 AND duplicate_of IS NOT ?2",
            params![id, of.filter(|&of| of != id)],
        )?;
        Ok(())
    }

    /// Makes `new_original` the original of `old_original` and of every copy of it;
    /// their versions are bumped so they are re-indexed. Returns how many moved.
    pub fn reroot_duplicates(&mut self, old_original: i64, new_original: i64) -> Result<usize> {
        if old_original == new_original {
            return Ok(0);
        }
        let n = self.conn.execute(
            "UPDATE articles SET duplicate_of = ?2, version = version + 1 \
             WHERE (id = ?1 OR duplicate_of = ?1) AND id <> ?2",
            params![old_original, new_original],
        )?;
        self.conn.execute(
            "UPDATE articles SET duplicate_of = NULL, version = version + 1 \
             WHERE id = ?1 AND duplicate_of IS NOT NULL",
            [new_original],
        )?;
        Ok(n)
    }

    /// Every stored fingerprint, in id order: what near-duplicate detection compares
    /// a new article against (8 bytes an article, so a run holds them all in memory).
    pub fn fingerprints(&self) -> Result<Vec<FingerprintRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, simhash, duplicate_of, published FROM articles \
             WHERE simhash IS NOT NULL ORDER BY id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(FingerprintRow {
                    id: r.get(0)?,
                    fingerprint: r.get::<_, i64>(1)?.cast_unsigned(),
                    duplicate_of: r.get(2)?,
                    published: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Deletes an article with its facts and entities; `false` if it did not exist.
    pub fn delete_article(&mut self, id: i64) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM articles WHERE id = ?1", [id])?
            > 0)
    }

    fn one_article(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Option<StoredArticle>> {
        let row = self.conn.query_row(sql, params, article_row).optional()?;
        row.map(|r| self.complete(r)).transpose()
    }

    fn many_articles(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<StoredArticle>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt
            .query_map(params, article_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(|r| self.complete(r)).collect()
    }

    /// Decodes the summary JSON and loads facts and entities.
    fn complete(&self, raw: RawArticle) -> Result<StoredArticle> {
        let RawArticle {
            mut article,
            summary,
        } = raw;
        let id = article.id;
        article.record.summary = from_json(&summary, "articles.summary")?;
        article.record.facts = self.article_facts(id)?;
        article.record.entities = self.article_entities(id)?;
        Ok(article)
    }

    fn article_facts(&self, id: i64) -> Result<Vec<Fact>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, text, start, end, value, value_max, unit, date, subject, metric, \
             period, sentence FROM facts WHERE article_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([id], fact_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().collect()
    }

    fn article_entities(&self, id: i64) -> Result<Vec<Entity>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, kind, aliases, mentions FROM entities WHERE article_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, u32>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(name, kind, aliases, mentions)| {
                Ok(Entity {
                    kind: EntityKind::parse(&kind).ok_or_else(|| Error::Corrupt {
                        what: "entities.kind".into(),
                        detail: format!("unknown kind {kind:?}"),
                    })?,
                    aliases: from_json(&aliases, "entities.aliases")?,
                    name,
                    mentions,
                })
            })
            .collect()
    }

    // ---- facts ----------------------------------------------------------------------

    /// Facts matching `q`, newest article first, then by article id and offset.
    ///
    /// `subject` matches case-insensitively the fact's subject, any canonical entity
    /// name that has `subject` among its aliases (so `AWS` finds facts about "Amazon
    /// Web Services"), and any alias of an entity named `subject`.
    pub fn facts(&self, q: &FactQuery) -> Result<Vec<FactRow>> {
        let since = q
            .since
            .as_deref()
            .map(since_bound)
            .transpose()?
            .map(|b| b.0);
        let until = q
            .until
            .as_deref()
            .map(until_bound)
            .transpose()?
            .map(|b| b.0);
        let subject = q.subject.as_deref().map(|s| s.trim().to_lowercase());
        let mut stmt = self.conn.prepare_cached(
            "WITH names(n) AS ( \
                 SELECT ?1 \
                 UNION SELECT lower(e.name) FROM entities e, json_each(e.aliases) j \
                       WHERE ?1 IS NOT NULL AND lower(j.value) = ?1 \
                 UNION SELECT lower(j.value) FROM entities e, json_each(e.aliases) j \
                       WHERE ?1 IS NOT NULL AND lower(e.name) = ?1) \
             SELECT f.kind, f.text, f.start, f.end, f.value, f.value_max, f.unit, f.date, \
                    f.subject, f.metric, f.period, f.sentence, \
                    a.id, coalesce(a.canonical_url, a.url), a.title, a.source, a.published \
             FROM facts f JOIN articles a ON a.id = f.article_id \
             WHERE (?1 IS NULL OR lower(f.subject) IN (SELECT n FROM names)) \
               AND (?2 IS NULL OR f.metric = ?2) \
               AND (?3 IS NULL OR f.kind = ?3) \
               AND (?4 IS NULL OR julianday(a.published) >= julianday(?4)) \
               AND (?5 IS NULL OR julianday(a.published) <= julianday(?5)) \
               AND (?6 IS NULL OR a.id = ?6) \
               AND (NOT ?8 OR a.duplicate_of IS NULL) \
             ORDER BY julianday(a.published) IS NULL, julianday(a.published) DESC, a.id, \
                      f.start, f.id \
             LIMIT ?7",
        )?;
        let rows = stmt
            .query_map(
                params![
                    subject,
                    q.metric,
                    q.kind.map(FactKind::as_str),
                    since,
                    until,
                    q.article_id,
                    limit_param(q.limit),
                    q.originals_only
                ],
                |r| {
                    Ok((
                        fact_row(r)?,
                        r.get::<_, i64>(12)?,
                        r.get::<_, String>(13)?,
                        r.get::<_, Option<String>>(14)?,
                        r.get::<_, Option<String>>(15)?,
                        r.get::<_, Option<String>>(16)?,
                    ))
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(fact, article_id, url, title, source, published)| {
                Ok(FactRow {
                    fact: fact?,
                    article_id,
                    url,
                    title,
                    source,
                    published,
                })
            })
            .collect()
    }

    // ---- feeds ----------------------------------------------------------------------

    /// The saved state of a feed.
    pub fn feed_state(&self, url: &str) -> Result<Option<FeedState>> {
        let state = self
            .conn
            .query_row(
                "SELECT url, name, etag, last_modified, last_fetched, last_status, \
                 consecutive_failures, discovered_url FROM feeds WHERE url = ?1",
                [url],
                |r| {
                    Ok(FeedState {
                        url: r.get(0)?,
                        name: r.get(1)?,
                        etag: r.get(2)?,
                        last_modified: r.get(3)?,
                        last_fetched: r.get(4)?,
                        last_status: r.get(5)?,
                        consecutive_failures: r.get(6)?,
                        discovered_url: r.get(7)?,
                    })
                },
            )
            .optional()?;
        Ok(state)
    }

    /// Inserts or replaces a feed's state.
    pub fn save_feed_state(&mut self, s: &FeedState) -> Result<()> {
        self.write(|tx| upsert_feed_state(tx, s))
    }

    /// Saves a feed's state (its new validators) and queues the links it listed, in one
    /// transaction: either both are durable or neither is, so a run that stops before
    /// fetching the links finds them queued next time even when the feed then answers
    /// `304 Not Modified`. A link already queued keeps its place in the queue and the
    /// latest date any listing gave it (two feeds may list it, one with a newer date);
    /// its title comes from the latest listing. Of two feeds listing it, one that
    /// trusts it decides its feed and trust (a remote feed's copy of a local feed's file
    /// link must not make the local feed's own unreadable).
    pub fn save_feed_listing(&mut self, s: &FeedState, links: &[PendingLink]) -> Result<()> {
        let now = now_rfc3339();
        self.write(|tx| {
            upsert_feed_state(tx, s)?;
            let last: i64 =
                tx.query_row("SELECT coalesce(max(seq), 0) FROM pending_links", [], |r| {
                    r.get(0)
                })?;
            let mut insert = tx.prepare(
                "INSERT INTO pending_links (key, url, feed_url, title, published, trusted, \
                 queued_at, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
                 ON CONFLICT(key) DO UPDATE SET \
                 url = CASE WHEN excluded.trusted OR NOT pending_links.trusted \
                 THEN excluded.url ELSE pending_links.url END, \
                 feed_url = CASE WHEN excluded.trusted OR NOT pending_links.trusted \
                 THEN excluded.feed_url ELSE pending_links.feed_url END, \
                 title = coalesce(excluded.title, pending_links.title), \
                 published = CASE WHEN pending_links.published IS NULL \
                 OR excluded.published > pending_links.published THEN excluded.published \
                 ELSE pending_links.published END, \
                 trusted = pending_links.trusted OR excluded.trusted",
            )?;
            for (seq, l) in (last + 1..).zip(links) {
                insert.execute(params![
                    l.key,
                    l.url,
                    l.feed_url,
                    l.title,
                    l.published,
                    l.trusted,
                    now,
                    seq
                ])?;
            }
            Ok(())
        })
    }

    /// The queued links of these feeds, feed by feed, each feed's in queue order.
    pub fn pending_links(&self, feed_urls: &[&str]) -> Result<Vec<PendingLink>> {
        let mut stmt = self.conn.prepare(
            "SELECT key, url, feed_url, title, published, trusted FROM pending_links \
             WHERE feed_url = ?1 ORDER BY seq",
        )?;
        let mut out = Vec::new();
        for feed in feed_urls {
            let rows = stmt.query_map([feed], |r| {
                Ok(PendingLink {
                    key: r.get(0)?,
                    url: r.get(1)?,
                    feed_url: r.get(2)?,
                    title: r.get(3)?,
                    published: r.get(4)?,
                    trusted: r.get(5)?,
                })
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        Ok(out)
    }

    /// Takes a link off the queue: its article is stored (call this in the same batch
    /// as [`Store::put_article`]) or its outcome is otherwise final.
    pub fn finish_pending(&mut self, key: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM pending_links WHERE key = ?1", [key])?;
            Ok(())
        })
    }

    /// How many links are queued, over all feeds.
    pub fn pending_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM pending_links", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Every feed's health, by URL: when it last worked, how many times in a row it
    /// has failed since, and why it failed last.
    pub fn feed_health(&self) -> Result<Vec<FeedHealth>> {
        let mut stmt = self.conn.prepare(
            "SELECT url, name, last_fetched, last_success, consecutive_failures, last_error \
             FROM feeds ORDER BY url",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(FeedHealth {
                    url: r.get(0)?,
                    name: r.get(1)?,
                    last_fetched: r.get(2)?,
                    last_success: r.get(3)?,
                    consecutive_failures: r.get(4)?,
                    last_error: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    // ---- fetch failures and hosts -----------------------------------------------------

    /// Records a failed fetch of `url` now; see [`Store::record_failure_at`].
    pub fn record_failure(&mut self, url: &str, reason: &str, detail: &str) -> Result<u32> {
        self.record_failure_at(url, reason, detail, now_unix())
    }

    /// Records a failed fetch of `url` at `now` (Unix seconds). The n-th failure in a
    /// row sets the next attempt `BACKOFF_BASE_SECS * 2^(n-1)` later, at most
    /// [`BACKOFF_MAX_SECS`]. Returns the number of failures in a row, this one included.
    pub fn record_failure_at(
        &mut self,
        url: &str,
        reason: &str,
        detail: &str,
        now: i64,
    ) -> Result<u32> {
        self.write(|tx| {
            let previous: u32 = tx
                .query_row(
                    "SELECT attempts FROM fetch_failures WHERE url = ?1",
                    [url],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or(0);
            let attempts = previous.saturating_add(1);
            let next = now.saturating_add(backoff_delay(attempts));
            tx.execute(
                "INSERT INTO fetch_failures (url, reason, detail, attempts, last_attempt_at, \
             next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
             ON CONFLICT(url) DO UPDATE SET reason = excluded.reason, detail = excluded.detail, \
             attempts = excluded.attempts, last_attempt_at = excluded.last_attempt_at, \
             next_attempt_at = excluded.next_attempt_at",
                params![url, reason, detail, attempts, now, next],
            )?;
            Ok(attempts)
        })
    }

    /// Forgets the failures of `url` (after a success).
    pub fn clear_failure(&mut self, url: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM fetch_failures WHERE url = ?1", [url])?;
        Ok(())
    }

    /// Whether `url` may be fetched at `now` (Unix seconds): never failed, or its
    /// backoff has elapsed.
    pub fn should_retry(&self, url: &str, now: i64) -> Result<bool> {
        Ok(self.failure(url)?.is_none_or(|f| now >= f.next_attempt_at))
    }

    /// The recorded failure of `url`, if any.
    pub fn failure(&self, url: &str) -> Result<Option<FetchFailure>> {
        let f = self
            .conn
            .query_row(
                "SELECT url, reason, detail, attempts, next_attempt_at FROM fetch_failures \
                 WHERE url = ?1",
                [url],
                |r| {
                    Ok(FetchFailure {
                        url: r.get(0)?,
                        reason: r.get(1)?,
                        detail: r.get(2)?,
                        attempts: r.get(3)?,
                        next_attempt_at: r.get(4)?,
                    })
                },
            )
            .optional()?;
        Ok(f)
    }

    /// The politeness state of `host`.
    pub fn host_state(&self, host: &str) -> Result<Option<HostState>> {
        let h = self
            .conn
            .query_row(
                "SELECT host, retry_after_until, crawl_delay_ms FROM hosts WHERE host = ?1",
                [host],
                host_row,
            )
            .optional()?;
        Ok(h)
    }

    /// Every remembered host, by name: what a run hands the fetcher before it starts.
    pub fn host_states(&self) -> Result<Vec<HostState>> {
        let mut stmt = self
            .conn
            .prepare("SELECT host, retry_after_until, crawl_delay_ms FROM hosts ORDER BY host")?;
        let rows = stmt
            .query_map([], host_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Inserts or replaces the politeness state of a host.
    pub fn save_host_state(&mut self, h: &HostState) -> Result<()> {
        self.conn.execute(
            "INSERT INTO hosts (host, retry_after_until, crawl_delay_ms) VALUES (?1, ?2, ?3) \
             ON CONFLICT(host) DO UPDATE SET retry_after_until = excluded.retry_after_until, \
             crawl_delay_ms = excluded.crawl_delay_ms",
            params![h.host, h.retry_after_until, h.crawl_delay_ms],
        )?;
        Ok(())
    }

    // ---- runs -----------------------------------------------------------------------

    /// Records the start of an ingest run; returns its id.
    pub fn start_run(&mut self) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO runs (started_at, status) VALUES (?1, 'running')",
            [now_rfc3339()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records the end of run `id` with its report.
    pub fn finish_run(&mut self, id: i64, report: &RunReport, ok: bool) -> Result<()> {
        let json = to_json(report)?;
        self.conn.execute(
            "UPDATE runs SET finished_at = ?2, report = ?3, status = ?4 WHERE id = ?1",
            params![id, now_rfc3339(), json, if ok { "ok" } else { "failed" }],
        )?;
        Ok(())
    }

    /// Row counts and the most recent finished run.
    pub fn stats(&self) -> Result<Stats> {
        let last_run = self
            .conn
            .query_row(
                "SELECT id, started_at, finished_at, status, report FROM runs \
                 WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                },
            )
            .optional()?
            .map(|(id, started_at, finished_at, status, report)| {
                Ok::<_, Error>(RunInfo {
                    id,
                    started_at,
                    finished_at,
                    ok: status == "ok",
                    report: match report {
                        Some(j) => from_json(&j, "runs.report")?,
                        None => RunReport::default(),
                    },
                })
            })
            .transpose()?;
        Ok(Stats {
            feeds: self.count("SELECT count(*) FROM feeds")?,
            articles: self.article_count()?,
            facts: self.count("SELECT count(*) FROM facts")?,
            entities: self.count("SELECT count(DISTINCT lower(name)) FROM entities")?,
            unindexed: self
                .count("SELECT count(*) FROM articles WHERE version <> indexed_version")?,
            last_run,
        })
    }

    fn count(&self, sql: &str) -> Result<u64> {
        let n: i64 = self.conn.query_row(sql, [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

/// The retry delay after `attempts` failures in a row.
fn upsert_feed_state(tx: &Connection, s: &FeedState) -> Result<()> {
    tx.execute(
        "INSERT INTO feeds (url, name, etag, last_modified, last_fetched, last_status, \
         consecutive_failures, discovered_url, last_success, last_error) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
         CASE WHEN ?7 = 0 THEN ?5 END, CASE WHEN ?7 > 0 THEN ?6 END) \
         ON CONFLICT(url) DO UPDATE SET name = excluded.name, etag = excluded.etag, \
         last_modified = excluded.last_modified, last_fetched = excluded.last_fetched, \
         last_status = excluded.last_status, \
         consecutive_failures = excluded.consecutive_failures, \
         discovered_url = excluded.discovered_url, \
         last_success = CASE WHEN excluded.consecutive_failures = 0 \
             THEN excluded.last_fetched ELSE feeds.last_success END, \
         last_error = CASE WHEN excluded.consecutive_failures > 0 \
             THEN excluded.last_status ELSE feeds.last_error END",
        params![
            s.url,
            s.name,
            s.etag,
            s.last_modified,
            s.last_fetched,
            s.last_status,
            s.consecutive_failures,
            s.discovered_url
        ],
    )?;
    Ok(())
}

fn host_row(r: &Row<'_>) -> rusqlite::Result<HostState> {
    Ok(HostState {
        host: r.get(0)?,
        retry_after_until: r.get(1)?,
        crawl_delay_ms: r.get(2)?,
    })
}

fn backoff_delay(attempts: u32) -> i64 {
    let doublings = attempts.saturating_sub(1).min(30);
    BACKOFF_BASE_SECS
        .saturating_mul(1_i64 << doublings)
        .min(BACKOFF_MAX_SECS)
}

/// SQLite's `LIMIT -1` means no limit.
fn limit_param(limit: Option<usize>) -> i64 {
    limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX))
}

fn insert_children(tx: &Connection, id: i64, r: &ArticleRecord) -> Result<()> {
    let mut fact = tx.prepare_cached(
        "INSERT INTO facts (article_id, kind, text, start, end, value, value_max, unit, date, \
         subject, metric, period, sentence) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for f in &r.facts {
        fact.execute(params![
            id,
            f.kind.as_str(),
            f.text,
            i64::try_from(f.start).unwrap_or(i64::MAX),
            i64::try_from(f.end).unwrap_or(i64::MAX),
            f.value,
            f.value_max,
            f.unit,
            f.date,
            f.subject,
            f.metric,
            f.period,
            f.sentence
        ])?;
    }
    let mut entity = tx.prepare_cached(
        "INSERT INTO entities (article_id, name, kind, aliases, mentions) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for e in &r.entities {
        entity.execute(params![
            id,
            e.name,
            e.kind.as_str(),
            to_json(&e.aliases)?,
            e.mentions
        ])?;
    }
    Ok(())
}

/// An article row before its JSON and child rows are decoded.
struct RawArticle {
    article: StoredArticle,
    summary: String,
}

fn article_row(r: &Row<'_>) -> rusqlite::Result<RawArticle> {
    Ok(RawArticle {
        article: StoredArticle {
            id: r.get(0)?,
            key: r.get(1)?,
            record: ArticleRecord {
                url: r.get(2)?,
                title: r.get(5)?,
                byline: r.get(6)?,
                published: r.get(7)?,
                site_name: r.get(8)?,
                language: r.get(9)?,
                text: r.get(10)?,
                summary: Vec::new(),
                entities: Vec::new(),
                facts: Vec::new(),
                // Not stored: what the reader said about the document at extraction.
                truncated: false,
                body_fallback: false,
            },
            source: r.get(3)?,
            feed_url: r.get(4)?,
            version: r.get(12)?,
            indexed_version: r.get(13)?,
            fetched_at: r.get(14)?,
            etag: r.get(15)?,
            last_modified: r.get(16)?,
            duplicate_of: r.get(17)?,
        },
        summary: r.get(11)?,
    })
}

/// Reads the 12 fact columns starting at column 0; the kind is checked afterwards.
fn fact_row(r: &Row<'_>) -> rusqlite::Result<Result<Fact>> {
    let kind: String = r.get(0)?;
    let start: i64 = r.get(2)?;
    let end: i64 = r.get(3)?;
    let Some(kind) = FactKind::parse(&kind) else {
        return Ok(Err(Error::Corrupt {
            what: "facts.kind".into(),
            detail: format!("unknown kind {kind:?}"),
        }));
    };
    Ok(Ok(Fact {
        kind,
        text: r.get(1)?,
        start: usize::try_from(start).unwrap_or(0),
        end: usize::try_from(end).unwrap_or(0),
        value: r.get(4)?,
        value_max: r.get(5)?,
        unit: r.get(6)?,
        date: r.get(7)?,
        subject: r.get(8)?,
        metric: r.get(9)?,
        period: r.get(10)?,
        // Not a store column yet (a later migration adds it).
        direction: None,
        sentence: r.get(11)?,
    }))
}

fn to_json<T: serde::Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Corrupt {
        what: "json encoding".into(),
        detail: e.to_string(),
    })
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| Error::Corrupt {
        what: what.into(),
        detail: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_delay(1), BACKOFF_BASE_SECS);
        assert_eq!(backoff_delay(2), 2 * BACKOFF_BASE_SECS);
        assert_eq!(backoff_delay(3), 4 * BACKOFF_BASE_SECS);
        assert_eq!(backoff_delay(40), BACKOFF_MAX_SECS);
        assert_eq!(backoff_delay(u32::MAX), BACKOFF_MAX_SECS);
    }

    #[test]
    fn limit_param_maps_none_to_unlimited() {
        assert_eq!(limit_param(None), -1);
        assert_eq!(limit_param(Some(5)), 5);
    }

    #[test]
    fn a_failed_put_leaves_nothing_behind() {
        use factwire_core::{ArticleRecord, Fact, FactKind};
        let mut store = Store::open_in_memory().unwrap();
        // Make the second fact insert fail, after the article row went in.
        store
            .conn
            .execute_batch(
                "CREATE TEMP TRIGGER boom BEFORE INSERT ON facts WHEN NEW.text = 'boom' \
                 BEGIN SELECT RAISE(ABORT, 'injected'); END;",
            )
            .unwrap();
        let mut rec = ArticleRecord {
            text: "x 1% boom".into(),
            ..Default::default()
        };
        rec.facts = vec![
            Fact::new(FactKind::Percent, "1%", 2, 4, "x 1% boom"),
            Fact::new(FactKind::Count, "boom", 5, 9, "x 1% boom"),
        ];
        let a = NewArticle::new("https://a.example/1", rec.clone(), "2026-01-01T00:00:00Z");
        let err = store.put_article(&a).unwrap_err();
        assert!(err.to_string().contains("injected"), "{err}");
        assert_eq!(store.article_count().unwrap(), 0);
        assert_eq!(store.stats().unwrap().facts, 0);
        // An update that fails keeps the previous version whole.
        rec.facts.pop();
        let ok = NewArticle::new("https://a.example/1", rec.clone(), "2026-01-01T00:00:00Z");
        assert_eq!(store.put_article(&ok).unwrap().version, 1);
        let mut bad = ok.clone();
        bad.record.text = "x 1% boom again".into();
        bad.record
            .facts
            .push(Fact::new(FactKind::Count, "boom", 5, 9, "x"));
        assert!(store.put_article(&bad).is_err());
        let kept = store
            .article_by_url("https://a.example/1")
            .unwrap()
            .unwrap();
        assert_eq!((kept.version, kept.record.text.as_str()), (1, "x 1% boom"));
        assert_eq!(kept.record.facts.len(), 1);
    }

    #[test]
    fn pragmas_are_applied() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("f.sqlite")).unwrap();
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = store
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let sync: i64 = store
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 1, "NORMAL");
    }
}
