//! A plain BM25 baseline for relevance evaluations: tantivy with its default settings.
//!
//! Measuring a ranking means little without a reference point measured on the same
//! documents and queries in the same run. [`Bm25Baseline`] is that reference: an
//! in-memory tantivy index with two `TEXT` fields (title and body, tantivy's
//! `default` analyser: split on non-alphanumerics, lower-case, no stemming), queried
//! through tantivy's own `QueryParser` over both fields with its defaults (words
//! OR-ed, BM25 with k1 = 1.2 and b = 0.75, no boosts). Nothing of factwire's ranking
//! (weights, synonyms, proximity, tiers) is in it.
//!
//! It is used by the relevance evaluation through the binary (`tests/`), never by
//! `search`.
//!
//! ```
//! use factwire_index::baseline::Bm25Baseline;
//!
//! let b = Bm25Baseline::new(&[
//!     (1, Some("Oil prices slide".to_string()), "Crude fell 6%.".to_string()),
//!     (2, None, "Cloud revenue grew.".to_string()),
//! ])?;
//! assert_eq!(b.search("cloud revenue", 10)?, [2]);
//! # Ok::<(), factwire_index::Error>(())
//! ```

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, STORED, Schema, TEXT, Value};
use tantivy::{Index as TantivyIndex, IndexReader, TantivyDocument, doc};

use crate::Result;

/// An in-memory tantivy index with default settings over (id, title, body).
pub struct Bm25Baseline {
    index: TantivyIndex,
    reader: IndexReader,
    id: Field,
    title: Field,
    body: Field,
}

impl std::fmt::Debug for Bm25Baseline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bm25Baseline").finish_non_exhaustive()
    }
}

impl Bm25Baseline {
    /// Indexes `(id, title, body)` triples.
    pub fn new(docs: &[(i64, Option<String>, String)]) -> Result<Bm25Baseline> {
        let mut b = Schema::builder();
        let id = b.add_i64_field("id", STORED);
        let title = b.add_text_field("title", TEXT);
        let body = b.add_text_field("body", TEXT);
        let index = TantivyIndex::create_in_ram(b.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for (doc_id, doc_title, doc_body) in docs {
            writer.add_document(doc!(
                id => *doc_id,
                title => doc_title.clone().unwrap_or_default(),
                body => doc_body.clone(),
            ))?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(Bm25Baseline {
            index,
            reader,
            id,
            title,
            body,
        })
    }

    /// The ids of the best `limit` documents for `query`, best first. The query goes
    /// through tantivy's `QueryParser` leniently (syntax it cannot read is dropped,
    /// as a user of a default setup would see).
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<i64>> {
        let parser = QueryParser::for_index(&self.index, vec![self.title, self.body]);
        let (q, _errors) = parser.parse_query_lenient(query);
        let searcher = self.reader.searcher();
        let top = searcher.search(&q, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let mut out = Vec::with_capacity(top.len());
        for (_, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            if let Some(v) = d.get_first(self.id).and_then(|v| v.as_i64()) {
                out.push(v);
            }
        }
        Ok(out)
    }
}
