//! The values the store takes and gives back.

use factwire_core::{ArticleRecord, FactKind, RunReport};

/// An article to store: its normalised key plus the analysed record and fetch metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct NewArticle {
    /// The normalised URL used as the article's identity (unique).
    pub key: String,
    /// The analysed article; `record.url` is stored as the canonical URL.
    pub record: ArticleRecord,
    /// The host it came from (`example.com`).
    pub source: Option<String>,
    /// The feed that linked to it, if any.
    pub feed_url: Option<String>,
    /// The response's `ETag`.
    pub etag: Option<String>,
    /// The response's `Last-Modified`.
    pub last_modified: Option<String>,
    /// When it was fetched, RFC 3339.
    pub fetched_at: String,
    /// The SimHash of `record.text` ([`factwire_core::fingerprint::simhash`]); `None`
    /// when the text is too short to fingerprint.
    pub fingerprint: Option<u64>,
    /// The id of the stored original this article is a near-duplicate copy of.
    pub duplicate_of: Option<i64>,
}

impl NewArticle {
    /// An article with only key, record and fetch time; `source` is derived from the
    /// key (see [`factwire_core::source_of`]) and `fingerprint` from the text,
    /// everything else is `None`.
    pub fn new(
        key: impl Into<String>,
        record: ArticleRecord,
        fetched_at: impl Into<String>,
    ) -> Self {
        let key = key.into();
        let record_text = record.text.clone();
        NewArticle {
            source: factwire_core::source_of(&key),
            key,
            record,
            feed_url: None,
            etag: None,
            last_modified: None,
            fetched_at: fetched_at.into(),
            fingerprint: factwire_core::fingerprint::simhash(&record_text),
            duplicate_of: None,
        }
    }
}

/// What [`Store::put_article`](crate::Store::put_article) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutStatus {
    /// First time this key was stored.
    New,
    /// The content hash changed: fields, facts and entities were replaced and the
    /// version bumped.
    Updated,
    /// Same content hash: only the fetch metadata (time, validators) was refreshed.
    Unchanged,
}

/// The result of storing one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PutOutcome {
    /// The article's id.
    pub id: i64,
    /// New, updated or unchanged.
    pub status: PutStatus,
    /// Its version after the put (1 for a new article).
    pub version: i64,
}

/// An article as stored, with its full record (facts, entities, summary).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredArticle {
    /// Store id.
    pub id: i64,
    /// Normalised URL key.
    pub key: String,
    /// The record; `record.url` is the canonical URL.
    pub record: ArticleRecord,
    /// Source host.
    pub source: Option<String>,
    /// The feed that linked to it.
    pub feed_url: Option<String>,
    /// Content version (starts at 1, bumped on each change).
    pub version: i64,
    /// The version the index last confirmed (0 = never indexed).
    pub indexed_version: i64,
    /// Last fetch time, RFC 3339.
    pub fetched_at: String,
    /// Last `ETag` seen.
    pub etag: Option<String>,
    /// Last `Last-Modified` seen.
    pub last_modified: Option<String>,
    /// The id of the article this one duplicates, if the pipeline marked it so.
    pub duplicate_of: Option<i64>,
}

/// The identity and fetch state of a stored article ([`Store::article_head`]).
///
/// [`Store::article_head`]: crate::Store::article_head
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleHead {
    /// Store id.
    pub id: i64,
    /// Normalised URL key.
    pub key: String,
    /// Last fetch time, RFC 3339.
    pub fetched_at: String,
    /// Last `ETag` seen.
    pub etag: Option<String>,
    /// Last `Last-Modified` seen.
    pub last_modified: Option<String>,
}

/// A feed's conditional-request state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedState {
    /// The feed URL (identity).
    pub url: String,
    /// Display name from the config.
    pub name: Option<String>,
    /// Last `ETag`.
    pub etag: Option<String>,
    /// Last `Last-Modified`.
    pub last_modified: Option<String>,
    /// When it was last fetched, RFC 3339.
    pub last_fetched: Option<String>,
    /// A short status of the last fetch (`200`, `304`, `timeout`, ...).
    pub last_status: Option<String>,
    /// Failures in a row since the last success.
    pub consecutive_failures: u32,
    /// When `url` is a web page rather than a feed: the feed it announces
    /// (`<link rel="alternate">`), fetched directly on later runs.
    pub discovered_url: Option<String>,
}

/// A link a feed listed, queued as durable work until its outcome is final (see
/// [`Store::save_feed_listing`](crate::Store::save_feed_listing)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PendingLink {
    /// The normalised URL (the article's identity).
    pub key: String,
    /// The link as the feed gave it.
    pub url: String,
    /// The configured feed that listed it ([`FeedState::url`]).
    pub feed_url: String,
    /// The feed entry's title.
    pub title: Option<String>,
    /// The feed entry's date, RFC 3339.
    pub published: Option<String>,
    /// Whether the link is on the feed's own host (trusted like the feed).
    pub trusted: bool,
}

/// A feed's health, for [`Store::feed_health`](crate::Store::feed_health).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedHealth {
    /// The feed URL.
    pub url: String,
    /// Display name from the config.
    pub name: Option<String>,
    /// When it was last fetched (or tried), RFC 3339.
    pub last_fetched: Option<String>,
    /// When it last answered with a feed or "not modified", RFC 3339.
    pub last_success: Option<String>,
    /// Failures in a row since then.
    pub consecutive_failures: u32,
    /// The status of its latest failure (`connect: …`), kept after it recovers.
    pub last_error: Option<String>,
}

/// Filters for [`Store::facts`](crate::Store::facts); all `None` means every fact.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FactQuery {
    /// Canonical entity name or any alias of it, case-insensitive.
    pub subject: Option<String>,
    /// Exact metric (`revenue`).
    pub metric: Option<String>,
    /// Exact kind.
    pub kind: Option<FactKind>,
    /// Article published on or after (YYYY-MM-DD or RFC 3339).
    pub since: Option<String>,
    /// Article published on or before (a bare date includes the whole day).
    pub until: Option<String>,
    /// Only this article's facts.
    pub article_id: Option<i64>,
    /// At most this many rows.
    pub limit: Option<usize>,
    /// Leave out articles linked as near-duplicate copies of another (syndicated
    /// reprints), so each reported figure counts once per original story.
    pub originals_only: bool,
}

/// One finished (or crashed-while-running) ingest run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    /// Run id.
    pub id: i64,
    /// Start time, RFC 3339.
    pub started_at: String,
    /// End time, RFC 3339.
    pub finished_at: Option<String>,
    /// Whether it finished without failures.
    pub ok: bool,
    /// Its report.
    pub report: RunReport,
}

/// Row counts and the last run.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// Feeds with saved state.
    pub feeds: u64,
    /// Stored articles.
    pub articles: u64,
    /// Stored facts.
    pub facts: u64,
    /// Distinct entities (by name, case-insensitive), however many articles name them.
    pub entities: u64,
    /// Articles whose current version is not yet indexed.
    pub unindexed: u64,
    /// The most recent finished run.
    pub last_run: Option<RunInfo>,
}

/// One stored article's near-duplicate fingerprint, for
/// [`Store::fingerprints`](crate::Store::fingerprints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FingerprintRow {
    /// The article's id.
    pub id: i64,
    /// Its SimHash.
    pub fingerprint: u64,
    /// The original it is a copy of, if any.
    pub duplicate_of: Option<i64>,
    /// Its publication time, RFC 3339.
    pub published: Option<String>,
}
