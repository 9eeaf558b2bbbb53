//! The whole tantivy schema of factwire's index, in one place.
//!
//! This is the only module that creates fields or names them; everything else uses the
//! handles in [`Fields`]. Changing a field, an option or an analyser here changes what
//! is on disk, so it must come with a bump of [`SCHEMA_VERSION`]: an index written
//! under another version is wiped and rebuilt from the store when it is opened.
//!
//! # Analysers
//!
//! - `fw_en` (title, body): split on non-alphanumerics, drop tokens longer than 40
//!   bytes, lower-case, fold accents to ASCII (`Café` → `cafe`), then the English
//!   Snowball stemmer (`growing`, `grows` → `grow`). Good recall for prose.
//! - `fw_exact` (title_exact, body_exact, entities): the same without stemming, so a
//!   phrase like `"Web Services"` or a name like `Jassy` matches what was written and
//!   is not conflated with other word forms.
//! - `raw` (source, metrics): tantivy's built-in whole-value tokenizer; the writer
//!   lower-cases these values itself.
//!
//! # Fields
//!
//! | field         | type | options | why |
//! |---------------|------|---------|-----|
//! | `id`          | u64  | indexed, fast, stored | the store id; indexed so upsert can delete by term |
//! | `version`     | u64  | stored, fast | the article version this document holds |
//! | `url`         | text | stored only | shown in hits, never searched |
//! | `title`       | text | `fw_en`, freqs + positions, stored | weighted highest; phrases |
//! | `title_exact` | text | `fw_exact`, freqs + positions | exact-word and phrase matches in titles |
//! | `body`        | text | `fw_en`, freqs + positions, stored | main text; stored for snippets |
//! | `body_exact`  | text | `fw_exact`, freqs + positions | exact words, names and proximity |
//! | `summary`     | text | stored only | fallback snippet when no body term matched |
//! | `entities`    | text | `fw_exact`, freqs + positions | canonical names and aliases, one value each |
//! | `source`      | text | `raw`, indexed, stored | host filter (`--source`) |
//! | `published`   | date | indexed, fast, stored, second precision | range filters, newest-first sort |
//! | `metrics`     | text | `raw`, indexed | `metric:revenue` |
//! | `sort_time`   | i64  | fast | publication in Unix seconds, `i64::MIN` when unknown |
//! | `group`       | u64  | indexed, fast | near-duplicate group: the original's store id |
//!
//! `sort_time` exists because a fast column is only written for segments where some
//! document has a value: sorting newest-first on `published` would fail on a segment
//! of undated documents. Every document gets a `sort_time`, so the column is always
//! there, and undated documents sort last.
//!
//! `group` is the store id of the article itself, or of the original it is a
//! syndicated copy of: search folds hits sharing a group into one. It is fast to read a
//! candidate's group, and indexed so the number of members of a group is one term
//! lookup (most groups have one member, and then there is nothing to fold).
//!
//! Positions are kept on every searched text field: phrase queries and the proximity
//! bonus need them. Only what a hit displays is stored.

use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, STORED, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, TokenizerManager,
};

/// Version of the on-disk layout: bump it with any change to this module.
pub const SCHEMA_VERSION: u32 = 2;

/// Name of the file in the index directory that holds [`SCHEMA_VERSION`].
pub const VERSION_FILE: &str = "factwire-schema-version";

/// Name of the file in the index directory that holds the index's generation id (see
/// [`crate::Index::generation`]).
pub const GENERATION_FILE: &str = "factwire-generation";

/// The stemmed English analyser.
pub const ENGLISH: &str = "fw_en";
/// The unstemmed analyser for exact words, phrases and names.
pub const EXACT: &str = "fw_exact";

/// Tokens longer than this many bytes are dropped by both analysers.
pub const MAX_TOKEN_BYTES: usize = 40;

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Store id.
    pub id: Field,
    /// Article version.
    pub version: Field,
    /// Canonical URL.
    pub url: Field,
    /// Title, stemmed.
    pub title: Field,
    /// Title, exact words.
    pub title_exact: Field,
    /// Main text, stemmed.
    pub body: Field,
    /// Main text, exact words.
    pub body_exact: Field,
    /// Summary sentences (stored only).
    pub summary: Field,
    /// Entity names and aliases.
    pub entities: Field,
    /// Source host.
    pub source: Field,
    /// Publication time.
    pub published: Field,
    /// Metric names of the article's facts.
    pub metrics: Field,
    /// Sort key for newest-first (always present).
    pub sort_time: Field,
    /// Near-duplicate group (the original's store id; always present).
    pub group: Field,
}

/// Builds the schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let opts = TextOptions::default().set_indexing_options(indexing);
        if stored { opts.set_stored() } else { opts }
    };
    let raw = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | FAST | STORED),
        version: b.add_u64_field("version", FAST | STORED),
        url: b.add_text_field("url", STORED),
        title: b.add_text_field("title", text(ENGLISH, true)),
        title_exact: b.add_text_field("title_exact", text(EXACT, false)),
        body: b.add_text_field("body", text(ENGLISH, true)),
        body_exact: b.add_text_field("body_exact", text(EXACT, false)),
        summary: b.add_text_field("summary", STORED),
        entities: b.add_text_field("entities", text(EXACT, false)),
        source: b.add_text_field("source", raw.clone().set_stored()),
        published: b.add_date_field(
            "published",
            DateOptions::from(INDEXED)
                .set_stored()
                .set_fast()
                .set_precision(DateTimePrecision::Seconds),
        ),
        metrics: b.add_text_field("metrics", raw),
        sort_time: b.add_i64_field("sort_time", FAST),
        group: b.add_u64_field("group", INDEXED | FAST),
    };
    (b.build(), fields)
}

/// Registers factwire's analysers with an index's tokenizer manager.
pub fn register_tokenizers(manager: &TokenizerManager) {
    manager.register(ENGLISH, english());
    manager.register(EXACT, exact());
}

/// The `fw_en` analyser.
pub(crate) fn english_analyzer() -> TextAnalyzer {
    english()
}

fn english() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

fn exact() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The name of the near-duplicate group column.
pub fn group_name(schema: &Schema, fields: &Fields) -> String {
    schema.get_field_name(fields.group).to_string()
}

/// The name of the field to sort by for newest-first results.
pub fn sort_time_name(schema: &Schema, fields: &Fields) -> String {
    schema.get_field_name(fields.sort_time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(mut a: TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut s = a.token_stream(text);
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn english_stems_folds_and_lowercases() {
        assert_eq!(
            tokens(english(), "Café Growing GROWS"),
            ["cafe", "grow", "grow"]
        );
    }

    #[test]
    fn exact_keeps_word_forms() {
        assert_eq!(
            tokens(exact(), "Amazon Web Services' growing"),
            ["amazon", "web", "services", "growing"]
        );
    }

    #[test]
    fn every_searched_text_field_has_positions() {
        let (schema, f) = build();
        for field in [f.title, f.title_exact, f.body, f.body_exact, f.entities] {
            let entry = schema.get_field_entry(field);
            let tantivy::schema::FieldType::Str(opts) = entry.field_type() else {
                panic!("{} is not text", entry.name());
            };
            let idx = opts.get_indexing_options().unwrap();
            assert!(idx.index_option().has_positions(), "{}", entry.name());
        }
    }
}
