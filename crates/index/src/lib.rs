//! factwire's full-text index: a tantivy index derived from the store, with filtered,
//! weighted search and plain-text snippets.
//!
//! The store is the source of truth; this index can always be thrown away and rebuilt
//! from it. Two ways in:
//!
//! - [`Index::open`], for the holder of the ingest lock, creates the index when missing
//!   and wipes it when it was written under another [`SCHEMA_VERSION`] or cannot be
//!   read, answering [`OpenState::NeedsRebuild`] so the caller re-adds every stored
//!   article. Each created index gets a new generation id ([`Index::generation`]).
//! - [`Index::open_read`], for everyone else, writes nothing (a read-only mount, a user
//!   who may only read): a missing, stale or damaged index is an error that names the
//!   file and says what rebuilds it.
//!
//! Damage never panics: tantivy may panic on a corrupt file, so every entry point that
//! reads segments runs guarded, and the panic becomes [`Error::Damaged`].
//! [`Index::health`] verifies every file's checksum and lists the indexed ids and
//! versions, for `factwire check`.
//!
//! This crate does not know about SQLite, feeds or extraction, and it never prints. It
//! owns `tantivy`; no tantivy type appears in its public signatures.
//!
//! Main types: [`Index`], [`IndexWriter`], [`IndexDoc`], [`SearchQuery`] →
//! [`factwire_core::SearchHit`]. The query language is described in the `parse`
//! module and [`SearchQuery::text`]; the schema in [`schema`].
//!
//! ```
//! use factwire_index::{Index, IndexDoc, SearchQuery};
//!
//! let dir = tempfile::tempdir()?;
//! let (index, _state) = Index::open(dir.path())?;
//! let mut writer = index.writer()?;
//! writer.upsert(&IndexDoc {
//!     id: 1,
//!     version: 1,
//!     url: "https://example.com/a".into(),
//!     title: Some("AWS posts fastest growth in 13 quarters".into()),
//!     text: "Amazon Web Services revenue climbed 24% to $35.6 billion.".into(),
//!     entities: vec!["Amazon Web Services".into(), "AWS".into()],
//!     ..Default::default()
//! })?;
//! writer.commit()?;
//! let hits = index.search(&SearchQuery { text: "aws growth".into(), limit: 5, ..Default::default() })?;
//! assert_eq!(hits[0].id, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod baseline;
mod health;
mod parse;
mod query;
pub mod schema;
mod snippet;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use factwire_core::SearchHit;
use tantivy::collector::TopDocs;
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::columnar::Column;
use tantivy::indexer::LogMergePolicy;
use tantivy::query::{BooleanQuery, ConstScoreQuery, EnableScoring, Occur, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, Value};
use tantivy::{
    DocAddress, Index as TantivyIndex, IndexReader, Order, ReloadPolicy, Searcher, TantivyDocument,
    TantivyError, Term,
};

pub use health::{BadFile, Health, IndexedDoc};
pub use query::{
    W_BODY, W_BODY_EXACT, W_COORD, W_ENTITIES, W_NEAR, W_PHRASE_NEAR, W_RELATED, W_SYNONYM,
    W_THESAURUS, W_TITLE, W_TITLE_EXACT,
};
use schema::Fields;
pub use schema::SCHEMA_VERSION;
pub use schema::{GENERATION_FILE, VERSION_FILE};

/// Writer memory budget, shared by its threads (tantivy needs ≥ 15 MB per thread).
pub const WRITER_MEMORY_BYTES: usize = 50_000_000;
/// Writer indexing threads.
pub const WRITER_THREADS: usize = 1;
/// Segments of a similar size that the writer merges into one (tantivy's default
/// is 8); see [`Index::writer_with`].
pub const MERGE_MIN_SEGMENTS: usize = 4;
/// Hits returned when [`SearchQuery::limit`] is 0.
pub const DEFAULT_LIMIT: usize = 10;
/// The most hits one search returns, whatever the limit asked.
pub const MAX_LIMIT: usize = 10_000;
/// The most ranked candidates one search examines to fill its limit with hits once
/// near-duplicates are folded.
pub const MAX_CANDIDATES: usize = 50_000;
/// Longest snippet, in chars.
pub const SNIPPET_CHARS: usize = 200;

/// What can go wrong in the index.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file-system operation on the index directory failed.
    #[error("index directory {}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The directory holds files that are not a factwire index; refusing to wipe it.
    #[error("{} is not empty and is not a factwire index; refusing to overwrite it", path.display())]
    NotAnIndex {
        /// The directory.
        path: PathBuf,
    },
    /// Another process is writing the index.
    #[error("the index is locked by another writer")]
    Locked,
    /// The search query has a syntax error.
    #[error("bad query {query:?}{}: {message}", position.map(|p| format!(" at char {p}")).unwrap_or_default())]
    Query {
        /// The query text.
        query: String,
        /// Char offset of the problem, when known.
        position: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A date filter is not `YYYY-MM-DD` or RFC 3339.
    #[error("invalid date {value:?}: expected YYYY-MM-DD or RFC 3339")]
    InvalidDate {
        /// The value given.
        value: String,
    },
    /// A document id that cannot be indexed (negative).
    #[error("invalid document id {0}")]
    InvalidId(i64),
    /// There is no index in the directory (a reader never creates one).
    #[error("no search index in {} (run `factwire reindex`)", path.display())]
    Missing {
        /// The index directory.
        path: PathBuf,
    },
    /// The index was written under another schema version. Only the holder of the
    /// ingest lock may rebuild it: the next ingest does, or `factwire reindex`.
    #[error(
        "the search index in {} has schema version {}, this factwire needs {expected} (run `factwire reindex`)",
        path.display(),
        found.map_or_else(|| "unknown".to_string(), |v| v.to_string())
    )]
    Stale {
        /// The index directory.
        path: PathBuf,
        /// The version found (`None`: no or an unreadable version file).
        found: Option<u32>,
        /// [`SCHEMA_VERSION`].
        expected: u32,
    },
    /// A file of the index is missing, truncated or fails its checksum.
    #[error("the search index is damaged: {}: {detail} (run `factwire reindex`)", path.display())]
    Damaged {
        /// The damaged file (or the index directory when no one file is to blame).
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// Any other tantivy error.
    #[error("index error: {0}")]
    Tantivy(#[source] TantivyError),
}

impl Error {
    /// Whether the disk (or quota) holding the index is full (`ENOSPC` under this
    /// error): the caller can say so, and that a later run with space resumes.
    pub fn is_disk_full(&self) -> bool {
        let full = |e: &std::io::Error| e.kind() == std::io::ErrorKind::StorageFull;
        match self {
            Error::Io { source, .. } => full(source),
            Error::Tantivy(TantivyError::IoError(e)) => full(e),
            Error::Tantivy(TantivyError::OpenWriteError(
                tantivy::directory::error::OpenWriteError::IoError { io_error, .. },
            )) => full(io_error),
            _ => false,
        }
    }
}

impl From<TantivyError> for Error {
    fn from(e: TantivyError) -> Self {
        match e {
            TantivyError::LockFailure(..) => Error::Locked,
            other => Error::Tantivy(other),
        }
    }
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// One article as the index sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexDoc {
    /// Store id.
    pub id: i64,
    /// Store version (so callers can confirm what was indexed).
    pub version: i64,
    /// Canonical URL.
    pub url: String,
    /// Headline.
    pub title: Option<String>,
    /// Main text.
    pub text: String,
    /// Summary sentences (a fallback snippet).
    pub summary: Vec<String>,
    /// Source host.
    pub source: Option<String>,
    /// Publication time, RFC 3339 (or `YYYY-MM-DD`).
    pub published: Option<String>,
    /// Canonical entity names and aliases.
    pub entities: Vec<String>,
    /// Metric names of the article's facts.
    pub metrics: Vec<String>,
    /// The store id of the original this article is a near-duplicate copy of (a
    /// syndicated reprint), if any. Search folds copies of one original into one hit.
    pub duplicate_of: Option<i64>,
}

/// How [`Index::open`] found the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenState {
    /// There was no index: an empty one was created.
    Created,
    /// An index of the current schema version was opened.
    Opened,
    /// The index was of another schema version or unreadable; it has been wiped and
    /// recreated empty, and the caller should re-add every stored article.
    NeedsRebuild,
}

/// Result order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Most recently published first (undated last).
    Newest,
}

/// A search request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchQuery {
    /// The query: words (all preferred, any accepted), `"phrases"`, `-exclusions`,
    /// `a OR b`, `+required`, and `title:`, `entity:`, `source:`, `metric:` prefixes.
    /// Empty text matches every document (useful with filters).
    pub text: String,
    /// Published on or after (YYYY-MM-DD or RFC 3339).
    pub since: Option<String>,
    /// Published on or before (a bare date includes the whole day).
    pub until: Option<String>,
    /// Only this host (`www.` and case ignored).
    pub source: Option<String>,
    /// Only articles naming this entity (or one of its synonyms).
    pub entity: Option<String>,
    /// Maximum hits; 0 means [`DEFAULT_LIMIT`]; capped at [`MAX_LIMIT`].
    pub limit: usize,
    /// Result order.
    pub sort: Sort,
    /// Alias groups for expansion, e.g. `[["Amazon Web Services", "AWS"]]`: the same
    /// entity, matched at full weight ([`W_SYNONYM`]).
    pub synonyms: Vec<Vec<String>>,
    /// Thesaurus groups with a weight in (0, 1] each, e.g. `(["layoffs", "job cuts"],
    /// 1.0)`: a plain query word (or run of words) equal to a member, after stemming,
    /// also matches the others at [`W_THESAURUS`] × weight.
    pub thesaurus: Vec<(Vec<String>, f32)>,
    /// Related entities, e.g. a division's names with its parent's (`["Amazon Web
    /// Services", "AWS", "Amazon"]`): a plain query word naming one also matches the
    /// others at [`W_RELATED`].
    pub related: Vec<Vec<String>>,
}

/// An open index directory.
pub struct Index {
    index: TantivyIndex,
    reader: IndexReader,
    fields: Fields,
    schema: Schema,
    /// The index directory (named in errors).
    dir: PathBuf,
    /// The generation id in [`GENERATION_FILE`]; `None` when a reader found none.
    generation: Option<String>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("dir", &self.dir)
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl Index {
    /// Opens the index in `dir` for writing, creating it (and `dir`) when missing. A
    /// version mismatch or an unreadable index is wiped and recreated: see
    /// [`OpenState`]. Because it may wipe the directory, only the holder of the ingest
    /// lock calls this; readers use [`Index::open_read`], which never writes.
    pub fn open(dir: &Path) -> Result<(Index, OpenState)> {
        let io = |source| Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        match health::inspect(dir)? {
            health::Found::Empty => Ok((Self::create(dir)?, OpenState::Created)),
            health::Found::Foreign => Err(Error::NotAnIndex {
                path: dir.to_path_buf(),
            }),
            health::Found::Index { version } => {
                if version == Some(SCHEMA_VERSION)
                    && let Ok(index) = Self::open_existing(dir, health::Access::Write)
                {
                    return Ok((index, OpenState::Opened));
                }
                wipe(dir)?;
                Ok((Self::create(dir)?, OpenState::NeedsRebuild))
            }
        }
    }

    /// Opens the index in `dir` for searching and counting, writing nothing: it works
    /// on a read-only mount and for a user who may read but not write. A missing
    /// index is [`Error::Missing`], one of another schema version [`Error::Stale`]
    /// (only the lock holder rebuilds), an unreadable one [`Error::Damaged`].
    pub fn open_read(dir: &Path) -> Result<Index> {
        match health::inspect(dir)? {
            health::Found::Empty => Err(Error::Missing {
                path: dir.to_path_buf(),
            }),
            health::Found::Foreign => Err(Error::NotAnIndex {
                path: dir.to_path_buf(),
            }),
            health::Found::Index { version } if version != Some(SCHEMA_VERSION) => {
                Err(Error::Stale {
                    path: dir.to_path_buf(),
                    found: version,
                    expected: SCHEMA_VERSION,
                })
            }
            health::Found::Index { .. } => Self::open_existing(dir, health::Access::Read),
        }
    }

    /// Wipes `dir` (which must hold a factwire index, or nothing) and creates an empty
    /// index of a new generation there: what a full rebuild starts from. Lock holder
    /// only, like [`Index::open`].
    pub fn recreate(dir: &Path) -> Result<Index> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        if health::inspect(dir)? == health::Found::Foreign {
            return Err(Error::NotAnIndex {
                path: dir.to_path_buf(),
            });
        }
        wipe(dir)?;
        Self::create(dir)
    }

    fn create(dir: &Path) -> Result<Index> {
        let (schema, fields) = schema::build();
        let index = TantivyIndex::create_in_dir(dir, schema.clone())?;
        std::fs::write(dir.join(VERSION_FILE), format!("{SCHEMA_VERSION}\n")).map_err(
            |source| Error::Io {
                path: dir.join(VERSION_FILE),
                source,
            },
        )?;
        let generation = health::new_generation();
        health::write_generation(dir, &generation)?;
        health::share_metadata(dir)?;
        Self::finish(dir, index, schema, fields, Some(generation))
    }

    /// Opens an index of this schema version; any damage (an error or a panic inside
    /// tantivy) is an [`Error`] naming the file, never a panic.
    fn open_existing(dir: &Path, access: health::Access) -> Result<Index> {
        let generation = match (health::read_generation(dir)?, access) {
            (Some(g), _) => Some(g),
            // An index from before generations: the writer gives it one.
            (None, health::Access::Write) => {
                let g = health::new_generation();
                health::write_generation(dir, &g)?;
                Some(g)
            }
            (None, health::Access::Read) => None,
        };
        health::guarded(dir, || {
            let (schema, fields) = schema::build();
            let index = match access {
                health::Access::Write => TantivyIndex::open_in_dir(dir)?,
                health::Access::Read => TantivyIndex::open(health::ReadOnlyDir::open(dir)?)?,
            };
            if index.schema() != schema {
                return Err(Error::Damaged {
                    path: dir.join("meta.json"),
                    detail: "its schema differs from this build's".into(),
                });
            }
            Self::finish(dir, index, schema, fields, generation.clone())
        })
    }

    fn finish(
        dir: &Path,
        index: TantivyIndex,
        schema: Schema,
        fields: Fields,
        generation: Option<String>,
    ) -> Result<Index> {
        schema::register_tokenizers(index.tokenizers());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Index {
            index,
            reader,
            fields,
            schema,
            dir: dir.to_path_buf(),
            generation,
        })
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The id of this index's generation: a new one each time the directory is created
    /// or rebuilt from nothing. The store records the generation it indexed into, so a
    /// lost or replaced index (another generation) is noticed and fully rebuilt.
    /// `None` only for an index from before generations, opened by a reader.
    pub fn generation(&self) -> Option<&str> {
        self.generation.as_deref()
    }

    /// A writer with the default budget ([`WRITER_MEMORY_BYTES`], [`WRITER_THREADS`]).
    /// Only one writer may exist at a time, across processes ([`Error::Locked`]).
    pub fn writer(&self) -> Result<IndexWriter> {
        self.writer_with(WRITER_THREADS, WRITER_MEMORY_BYTES)
    }

    /// A writer with an explicit thread count and total memory budget.
    pub fn writer_with(&self, threads: usize, memory_bytes: usize) -> Result<IndexWriter> {
        let threads = threads.max(1);
        let memory = memory_bytes.max(threads * 15_000_000 + 1_000_000);
        let writer = self.index.writer_with_num_threads(threads, memory)?;
        // Every search visits every segment: merge small ones sooner than tantivy's
        // default (8 of a size) so an index built in many small commits (ingest
        // batches) does not keep a tail of them.
        let mut policy = LogMergePolicy::default();
        policy.set_min_num_segments(MERGE_MIN_SEGMENTS);
        writer.set_merge_policy(Box::new(policy));
        Ok(IndexWriter {
            writer,
            reader: self.reader.clone(),
            fields: self.fields,
            dir: self.dir.clone(),
        })
    }

    /// A searcher over the latest commit, by any process. Reopening the segments is
    /// skipped when the commit on disk is the one already open (always so for a
    /// one-query process, which has just opened the index).
    fn searcher(&self) -> Result<Searcher> {
        let searcher = self.reader.searcher();
        let metas = self.index.load_metas()?;
        let open: HashSet<_> = searcher
            .segment_readers()
            .iter()
            .map(|r| (r.segment_id(), r.delete_opstamp()))
            .collect();
        let same = metas.segments.len() == open.len()
            && metas
                .segments
                .iter()
                .all(|m| open.contains(&(m.id(), m.delete_opstamp())));
        if same {
            return Ok(searcher);
        }
        self.reader.reload()?;
        Ok(self.reader.searcher())
    }

    /// How many documents the index holds.
    pub fn doc_count(&self) -> Result<u64> {
        health::guarded(&self.dir, || {
            self.reader.reload()?;
            Ok(self.reader.searcher().num_docs())
        })
    }

    /// How many segments a search visits (fewer is faster; see
    /// [`IndexWriter::merge_all`]).
    pub fn segment_count(&self) -> Result<usize> {
        health::guarded(&self.dir, || {
            self.reader.reload()?;
            Ok(self.reader.searcher().segment_readers().len())
        })
    }

    /// Runs a search. Bad syntax is [`Error::Query`] with the char position; a bad
    /// date is [`Error::InvalidDate`].
    ///
    /// Near-duplicates are folded: of the matching documents that share a group (an
    /// original and its syndicated copies, see [`IndexDoc::duplicate_of`]) only the
    /// best-ranked one is a hit, in the order asked for, and the URLs of the other
    /// matching members are its [`SearchHit::duplicates`]. The limit counts folded hits.
    ///
    /// A damaged index is [`Error::Damaged`] naming the file, never a panic.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>> {
        health::guarded(&self.dir, || self.search_unguarded(q))
    }

    fn search_unguarded(&self, q: &SearchQuery) -> Result<Vec<SearchHit>> {
        let searcher = self.searcher()?;
        let compiled = query::compile(&self.index, &searcher, &self.fields, q)?;
        let limit = match q.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        };
        let ranker = Ranker {
            searcher: &searcher,
            newest: q.sort == Sort::Newest || compiled.match_all,
            sort_time: schema::sort_time_name(&self.schema, &self.fields),
        };
        let groups = Groups::new(
            &searcher,
            &schema::group_name(&self.schema, &self.fields),
            self.schema.get_field_name(self.fields.id),
        );

        // Fold the ranked candidates; when copies ate into the limit, look further.
        let mut want = limit;
        let mut top = loop {
            let ranked = ranker.candidates(&compiled, want)?;
            let exhausted = ranked.len() < want;
            let folded = groups.fold(ranked, !ranker.newest);
            if folded.len() >= limit || exhausted || want >= MAX_CANDIDATES {
                break folded;
            }
            want = want.saturating_mul(2).min(MAX_CANDIDATES);
        };
        top.truncate(limit);
        let copies = self.copies(&ranker, &groups, &compiled, &top)?;

        let snippets = snippet::Snippets::new(&searcher, &self.fields, &compiled.highlight)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr, group) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let mut hit = self.hit(&doc, score, &snippets);
            if let Some(urls) = copies.get(&group) {
                hit.duplicates = urls
                    .iter()
                    .filter(|(a, _)| *a != addr)
                    .map(|(_, u)| u.clone())
                    .collect();
            }
            hits.push(hit);
        }
        Ok(hits)
    }

    /// For each shown hit whose group has other members, every member matching the
    /// query (ranked, with its URL). Groups of one member, the usual case, cost one
    /// term lookup each and no search.
    fn copies(
        &self,
        ranker: &Ranker<'_>,
        groups: &Groups,
        compiled: &query::Compiled,
        top: &[(f32, DocAddress, u64)],
    ) -> Result<HashMap<u64, Vec<(DocAddress, String)>>> {
        let mut out: HashMap<u64, Vec<(DocAddress, String)>> = HashMap::new();
        let mut terms = Vec::new();
        let mut members = 0u64;
        for &(_, _, group) in top {
            let term = Term::from_field_u64(self.fields.group, group);
            // Counts deleted documents too: at worst a needless search below.
            let n = ranker.searcher.doc_freq(&term)?;
            if n > 1 {
                members += n;
                terms.push(term);
            }
        }
        if terms.is_empty() {
            return Ok(out);
        }
        let in_groups: Vec<Box<dyn tantivy::query::Query>> = terms
            .into_iter()
            .map(|t| {
                Box::new(TermQuery::new(t, IndexRecordOption::Basic))
                    as Box<dyn tantivy::query::Query>
            })
            .collect();
        let query = BooleanQuery::new(vec![
            (Occur::Must, compiled.loose.box_clone()),
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(BooleanQuery::union(in_groups)),
                    0.0,
                )),
            ),
        ]);
        let n = usize::try_from(members).unwrap_or(MAX_CANDIDATES);
        for (_, addr) in ranker.run(&query, n.min(MAX_CANDIDATES))? {
            let Some(group) = groups.of(addr) else {
                continue;
            };
            let doc: TantivyDocument = ranker.searcher.doc(addr)?;
            let url = doc
                .get_first(self.fields.url)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            out.entry(group).or_default().push((addr, url));
        }
        Ok(out)
    }

    fn hit(&self, doc: &TantivyDocument, score: f32, snippets: &snippet::Snippets) -> SearchHit {
        let f = &self.fields;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let published = doc
            .get_first(f.published)
            .and_then(|v| v.as_datetime())
            .and_then(|d| chrono::DateTime::from_timestamp(d.into_timestamp_secs(), 0))
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        let id = doc
            .get_first(f.id)
            .and_then(|v| v.as_u64())
            .and_then(|v| i64::try_from(v).ok())
            .unwrap_or_default();
        let (snippet, highlights) = snippets.for_doc(doc);
        SearchHit {
            id,
            url: text(f.url).unwrap_or_default(),
            title: text(f.title),
            source: text(f.source),
            published,
            score,
            snippet,
            highlights,
            duplicates: Vec::new(),
        }
    }
}

/// Runs queries in the order asked for.
struct Ranker<'a> {
    searcher: &'a Searcher,
    /// Newest first (ties by relevance) rather than best match first.
    newest: bool,
    sort_time: String,
}

impl Ranker<'_> {
    /// The first `n` matches of `query`, ranked, with their scores.
    fn run(&self, query: &dyn tantivy::query::Query, n: usize) -> Result<Vec<(f32, DocAddress)>> {
        if !self.newest {
            return Ok(self
                .searcher
                .search(query, &TopDocs::with_limit(n).order_by_score())?);
        }
        // Newest first; ties (and the score shown) from relevance.
        let by_date = TopDocs::with_limit(n).order_by((
            (
                SortByStaticFastValue::<i64>::for_field(&self.sort_time),
                Order::Desc,
            ),
            (SortBySimilarityScore, Order::Desc),
        ));
        Ok(self
            .searcher
            .search(query, &by_date)?
            .into_iter()
            .map(|((_, score), addr)| (score, addr))
            .collect())
    }

    /// Up to `n` ranked candidates, best first. Documents matching more of the
    /// query's words rank higher through the scoring itself (BM25 per field plus the
    /// coordination bonus, [`W_COORD`]), not through a tier of their own.
    fn candidates(&self, compiled: &query::Compiled, n: usize) -> Result<Vec<(f32, DocAddress)>> {
        // Without plain words (only phrases or field prefixes), or with a source or
        // entity filter few documents pass, tantivy's intersection of the required
        // parts is narrow already.
        if !self.newest
            && !compiled.soft_terms.is_empty()
            && !self.narrow_filter(compiled)?
            && let Some(driver) = &compiled.driver
        {
            return self.pruned(compiled, &**driver, n);
        }
        self.run(&*compiled.loose, n)
    }
}

impl Ranker<'_> {
    /// [`Ranker::candidates`] by relevance without scoring every match: a pool of
    /// documents that the cheap driver query ranks highest (see [`pool`]) is ranked
    /// by the exact score. Phrases, synonyms spelled out, the coordination bonus and
    /// proximity are then only evaluated for pooled documents, not for every
    /// document holding a common word.
    fn pruned(
        &self,
        compiled: &query::Compiled,
        driver: &dyn tantivy::query::Query,
        n: usize,
    ) -> Result<Vec<(f32, DocAddress)>> {
        let scoring = EnableScoring::enabled_from_searcher(self.searcher);
        let driver = driver.weight(scoring)?;
        // A required phrase matters more to the exact score than to the driver's.
        let factor = if compiled.phrase {
            PHRASE_POOL_FACTOR
        } else {
            POOL_FACTOR
        };
        let size = n.max(DEFAULT_LIMIT).saturating_mul(factor);
        let exact = query::PlanWeight::new(&compiled.loose_plan, scoring)?;
        let mut top = self.pool(compiled, &*driver, &exact, size, n)?;
        top.truncate(n);
        Ok(top)
    }
}

impl Ranker<'_> {
    /// A pool of about `size` (see [`pool`]), of which at least `need` documents are
    /// wanted. The driver's best documents are taken first and only they are checked
    /// and scored exactly ([`pool_then_check`]; twice as many when exclusions or
    /// filters may reject some); when too few of them match, every document the
    /// driver offers is checked as it comes ([`pool`]).
    fn pool(
        &self,
        compiled: &query::Compiled,
        driver: &dyn tantivy::query::Weight,
        exact: &query::PlanWeight,
        size: usize,
        need: usize,
    ) -> Result<Vec<(f32, DocAddress)>> {
        let first = if compiled.selective {
            size.saturating_mul(2)
        } else {
            size
        };
        if let Some(found) = pool_then_check(self.searcher, driver, exact, first, need)? {
            return Ok(found);
        }
        pool(self.searcher, driver, exact, size)
    }

    /// Whether a source or entity filter lets through few documents: under one in
    /// [`RARE_WORD_SHARE`], or one in [`NARROW_ENTITY_SHARE`] for the entity filter
    /// (a union of name phrases, cheaper for tantivy to lead an intersection with than
    /// for the pool to check document by document).
    fn narrow_filter(&self, compiled: &query::Compiled) -> Result<bool> {
        let docs = self.searcher.num_docs();
        for (entity, terms) in &compiled.filter_terms {
            let share = if *entity {
                NARROW_ENTITY_SHARE
            } else {
                RARE_WORD_SHARE
            };
            let limit = docs / share;
            let mut df = 0u64;
            for t in terms {
                df = df.saturating_add(self.searcher.doc_freq(t)?);
            }
            if df <= limit {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// A source filter passing fewer than one document in this many is narrow (see
/// [`Ranker::narrow_filter`]).
const RARE_WORD_SHARE: u64 = 20;
/// An entity filter passing fewer than one document in this many is narrow (see
/// [`Ranker::narrow_filter`]).
const NARROW_ENTITY_SHARE: u64 = 5;

/// How many more documents than asked for a pruned tier considers: the pool is
/// ranked by the driver's score and re-ranked by the exact one, so it needs room for
/// documents the two disagree on.
const POOL_FACTOR: usize = 10;
/// [`POOL_FACTOR`] for queries with a quoted phrase, whose matches the driver (which
/// sees words, not their order) ranks less well.
const PHRASE_POOL_FACTOR: usize = 40;

/// The `size` live documents matching `exact` that `driver` scores highest, best
/// exact score first, with their exact scores.
///
/// `driver` is a flat disjunction of term queries, so tantivy walks it with
/// block-WAND and skips documents that cannot beat the pool's current worst driver
/// score. Each document it does offer is checked against `exact` by moving that
/// query's scorer forward to it (documents come in increasing order within a
/// segment), which also yields the exact score. Fewer than `size` results means
/// every matching document was seen.
fn pool(
    searcher: &Searcher,
    driver: &dyn tantivy::query::Weight,
    exact: &query::PlanWeight,
    size: usize,
) -> Result<Vec<(f32, DocAddress)>> {
    // Min-heap on the driver score: its top is the pool's worst entry.
    let mut heap: BinaryHeap<Reverse<Pooled>> = BinaryHeap::with_capacity(size + 1);
    let mut threshold = f32::MIN;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let segment_ord = u32::try_from(ord).unwrap_or(u32::MAX);
        let alive = reader.alive_bitset();
        let mut scorer = exact.scorer(reader)?;
        let mut last = 0;
        let mut failed = None;
        driver.for_each_pruning(threshold, reader, &mut |doc, driver_score| {
            if alive.is_some_and(|a| a.is_deleted(doc)) {
                return threshold;
            }
            if doc < last {
                // Not in increasing order after all: start the exact scorer over.
                match exact.scorer(reader) {
                    Ok(fresh) => scorer = fresh,
                    Err(e) => {
                        failed = Some(e);
                        return f32::MAX;
                    }
                }
            }
            last = doc;
            let Some(exact_score) = scorer.score(doc) else {
                return threshold;
            };
            heap.push(Reverse(Pooled {
                driver: driver_score,
                exact: exact_score,
                addr: DocAddress::new(segment_ord, doc),
            }));
            if heap.len() > size {
                heap.pop();
            }
            if heap.len() == size
                && let Some(Reverse(worst)) = heap.peek()
            {
                threshold = worst.driver;
            }
            threshold
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
    }
    let mut out: Vec<Pooled> = heap.into_iter().map(|Reverse(p)| p).collect();
    out.sort_by(|a, b| {
        b.exact
            .total_cmp(&a.exact)
            .then_with(|| a.addr.cmp(&b.addr))
    });
    Ok(out.into_iter().map(|p| (p.exact, p.addr)).collect())
}

/// The `size` live documents `driver` scores highest (block-WAND, no other check),
/// then those of them matching `exact`, best exact score first. `None` when fewer
/// than `need` match and the driver had more documents to offer.
fn pool_then_check(
    searcher: &Searcher,
    driver: &dyn tantivy::query::Weight,
    exact: &query::PlanWeight,
    size: usize,
    need: usize,
) -> Result<Option<Vec<(f32, DocAddress)>>> {
    let mut heap: BinaryHeap<Reverse<Pooled>> = BinaryHeap::with_capacity(size + 1);
    let mut threshold = f32::MIN;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let segment_ord = u32::try_from(ord).unwrap_or(u32::MAX);
        let alive = reader.alive_bitset();
        driver.for_each_pruning(threshold, reader, &mut |doc, driver_score| {
            if alive.is_some_and(|a| a.is_deleted(doc)) {
                return threshold;
            }
            heap.push(Reverse(Pooled {
                driver: driver_score,
                exact: 0.0,
                addr: DocAddress::new(segment_ord, doc),
            }));
            if heap.len() > size {
                heap.pop();
            }
            if heap.len() == size
                && let Some(Reverse(worst)) = heap.peek()
            {
                threshold = worst.driver;
            }
            threshold
        })?;
    }
    let exhausted = heap.len() < size;
    let mut docs: Vec<DocAddress> = heap.into_iter().map(|Reverse(p)| p.addr).collect();
    docs.sort();
    let mut out = Vec::with_capacity(docs.len());
    let mut current: Option<(u32, query::PlanScorer)> = None;
    for addr in docs {
        if current
            .as_ref()
            .is_none_or(|(ord, _)| *ord != addr.segment_ord)
        {
            let reader = searcher.segment_reader(addr.segment_ord);
            current = Some((addr.segment_ord, exact.scorer(reader)?));
        }
        if let Some((_, scorer)) = current.as_mut()
            && let Some(score) = scorer.score(addr.doc_id)
        {
            out.push((score, addr));
        }
    }
    if out.len() < need && !exhausted {
        return Ok(None);
    }
    out.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(Some(out))
}

/// A pooled document: ordered by driver score (then address, for determinism).
struct Pooled {
    driver: f32,
    exact: f32,
    addr: DocAddress,
}

impl PartialEq for Pooled {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Pooled {}

impl PartialOrd for Pooled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pooled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.driver
            .total_cmp(&other.driver)
            .then_with(|| other.addr.cmp(&self.addr))
    }
}

/// The near-duplicate group of each document, read from the `group` fast column, and
/// its store id (the `id` column), to tell a group's original from its copies.
struct Groups {
    /// One column per segment (by segment ordinal); `None` if it cannot be read.
    columns: Vec<Option<Column<u64>>>,
    ids: Vec<Option<Column<u64>>>,
}

impl Groups {
    fn new(searcher: &Searcher, name: &str, id_name: &str) -> Self {
        let read = |n: &str| -> Vec<Option<Column<u64>>> {
            searcher
                .segment_readers()
                .iter()
                .map(|r| r.fast_fields().u64(n).ok())
                .collect()
        };
        Groups {
            columns: read(name),
            ids: read(id_name),
        }
    }

    /// The group of `addr`; `None` when unknown (the document then stands alone).
    fn of(&self, addr: DocAddress) -> Option<u64> {
        let column = self.columns.get(addr.segment_ord as usize)?.as_ref()?;
        column.first(addr.doc_id)
    }

    /// Whether `addr` is its group's original (its store id is the group's).
    fn is_original(&self, addr: DocAddress, group: u64) -> bool {
        let id = self
            .ids
            .get(addr.segment_ord as usize)
            .and_then(Option::as_ref)
            .and_then(|c| c.first(addr.doc_id));
        id == Some(group)
    }

    /// One hit per group, in the rank of the group's best-ranked member. By relevance
    /// (`prefer_original`), the hit is the group's original when it matched too (a
    /// syndicated copy and its original say the same, so which one ranks first is a
    /// coin toss; the reader is shown the original source, the copies are listed with
    /// it); otherwise (newest first) it is the first-ranked member. A document of unknown group is its own group (keyed by an address no
    /// store id can equal).
    fn fold(
        &self,
        ranked: Vec<(f32, DocAddress)>,
        prefer_original: bool,
    ) -> Vec<(f32, DocAddress, u64)> {
        let mut slot: HashMap<u64, usize> = HashMap::new();
        let mut out: Vec<(f32, DocAddress, u64)> = Vec::new();
        for (score, addr) in ranked {
            let group = self.of(addr).unwrap_or_else(|| {
                u64::MAX - (u64::from(addr.segment_ord) << 32 | u64::from(addr.doc_id))
            });
            match slot.get(&group) {
                None => {
                    slot.insert(group, out.len());
                    out.push((score, addr, group));
                }
                Some(&i) => {
                    if prefer_original && self.is_original(addr, group) {
                        out[i].1 = addr;
                    }
                }
            }
        }
        out
    }
}

/// Adds, replaces and deletes documents; nothing is visible until [`IndexWriter::commit`].
pub struct IndexWriter {
    writer: tantivy::IndexWriter<TantivyDocument>,
    reader: IndexReader,
    fields: Fields,
    dir: PathBuf,
}

impl std::fmt::Debug for IndexWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexWriter").finish_non_exhaustive()
    }
}

impl IndexWriter {
    /// Adds `doc`, replacing any document with the same id.
    pub fn upsert(&mut self, doc: &IndexDoc) -> Result<()> {
        let f = &self.fields;
        let id = u64::try_from(doc.id).map_err(|_| Error::InvalidId(doc.id))?;
        self.writer.delete_term(Term::from_field_u64(f.id, id));
        let mut d = TantivyDocument::default();
        d.add_u64(f.id, id);
        d.add_u64(f.version, u64::try_from(doc.version).unwrap_or(0));
        d.add_text(f.url, &doc.url);
        if let Some(title) = &doc.title {
            d.add_text(f.title, title);
            d.add_text(f.title_exact, title);
        }
        d.add_text(f.body, &doc.text);
        d.add_text(f.body_exact, &doc.text);
        for s in &doc.summary {
            d.add_text(f.summary, s);
        }
        for e in &doc.entities {
            d.add_text(f.entities, e);
        }
        if let Some(source) = doc.source.as_deref().filter(|s| !s.trim().is_empty()) {
            d.add_text(f.source, query::normalize_source(source));
        }
        let published = doc.published.as_deref().and_then(query::parse_published);
        if let Some(t) = published {
            d.add_date(f.published, t);
        }
        d.add_i64(
            f.sort_time,
            published.map_or(i64::MIN, |t| t.into_timestamp_secs()),
        );
        for m in &doc.metrics {
            d.add_text(f.metrics, m.trim().to_lowercase());
        }
        let group = doc
            .duplicate_of
            .and_then(|o| u64::try_from(o).ok())
            .unwrap_or(id);
        d.add_u64(f.group, group);
        self.writer.add_document(d)?;
        Ok(())
    }

    /// Deletes the document with this id (a no-op when absent).
    pub fn delete(&mut self, id: i64) -> Result<()> {
        let id = u64::try_from(id).map_err(|_| Error::InvalidId(id))?;
        self.writer
            .delete_term(Term::from_field_u64(self.fields.id, id));
        Ok(())
    }

    /// Deletes every document (before a rebuild).
    pub fn delete_all(&mut self) -> Result<()> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Merges every segment into one and waits for it: searches then visit one
    /// segment (one term lookup and one posting list per term instead of one per
    /// segment). What a full rebuild ends with; costs a rewrite of the whole index.
    /// Call it on a fresh writer: one that has checkpointed may still be merging some
    /// of those segments in the background, and tantivy refuses to merge them twice.
    pub fn merge_all(&mut self) -> Result<()> {
        let ids = self.writer.index().searchable_segment_ids()?;
        if ids.len() > 1 {
            self.writer.merge(&ids).wait()?;
        }
        Ok(())
    }

    /// Makes every change so far durable and visible, and keeps the writer for more;
    /// background merges carry on without being waited for. What a long ingest calls
    /// between batches: one writer (and one memory arena) for the whole run.
    pub fn checkpoint(&mut self) -> Result<()> {
        self.writer.commit()?;
        health::share_metadata(&self.dir)?;
        self.reader.reload()?;
        Ok(())
    }

    /// Makes every change durable and visible, and waits for background merges.
    pub fn commit(mut self) -> Result<()> {
        self.writer.commit()?;
        self.writer.wait_merging_threads()?;
        health::share_metadata(&self.dir)?;
        self.reader.reload()?;
        Ok(())
    }
}

/// Removes everything inside `dir` (which holds a factwire index).
fn wipe(dir: &Path) -> Result<()> {
    let io = |path: &Path, source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let path = entry.map_err(|e| io(dir, e))?.path();
        let res = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        res.map_err(|e| io(&path, e))?;
    }
    Ok(())
}
