//! One document → one article record: read, extract, summarise.

use factwire_core::ArticleRecord;
use factwire_extractor::{Context, Extractor, Gazetteer};
use factwire_reader::{InputKind, Page};

use crate::{Error, Result};

/// What kind of input a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputHint {
    /// Look at the bytes and decide.
    #[default]
    Sniff,
    /// An HTML page.
    Html,
    /// Plain text.
    Text,
}

/// Options for one analysis.
#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    /// Input kind.
    pub hint: InputHint,
    /// Where the document came from (used for relative links, dates in URLs, source).
    pub url: Option<String>,
    /// The HTTP `Content-Type`, when fetched (for the charset).
    pub content_type: Option<String>,
    /// Summary length in sentences.
    pub sentences: usize,
    /// Fallback metadata from a feed entry (used where the page has none).
    pub fallback_title: Option<String>,
    /// Fallback publication time (RFC 3339) from a feed entry.
    pub fallback_published: Option<String>,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions {
            hint: InputHint::Sniff,
            url: None,
            content_type: None,
            sentences: factwire_summarizer::Settings::default().sentences,
            fallback_title: None,
            fallback_published: None,
        }
    }
}

/// The analysers, built once (regexes compiled, gazetteer loaded) and reused.
pub struct Analyzer {
    extractor: Extractor,
}

impl Analyzer {
    /// Builds the analysers around a gazetteer.
    pub fn new(gazetteer: Gazetteer) -> Self {
        Analyzer {
            extractor: Extractor::new(gazetteer),
        }
    }

    /// Analyses one document: unreadable parts become nulls. Fails only with
    /// [`Error::NotText`], when the bytes are not a text document at all (random bytes,
    /// a program binary; see [`factwire_reader::is_text`]), whatever `opts.hint` says.
    pub fn analyze(&self, bytes: &[u8], opts: &AnalyzeOptions) -> Result<ArticleRecord> {
        let decoded = factwire_reader::decode(bytes, opts.content_type.as_deref());
        if !factwire_reader::is_text(&decoded) {
            return Err(Error::NotText);
        }
        let kind = match opts.hint {
            InputHint::Html => InputKind::Html,
            InputHint::Text => InputKind::Text,
            InputHint::Sniff => factwire_reader::sniff(bytes),
        };
        let page = match kind {
            InputKind::Html => factwire_reader::read_html(&decoded, opts.url.as_deref()),
            InputKind::Text => factwire_reader::read_text(&decoded),
        };
        Ok(self.analyze_page(page, opts))
    }

    /// Analyses an already read page.
    pub fn analyze_page(&self, page: Page, opts: &AnalyzeOptions) -> ArticleRecord {
        let url = page
            .canonical_url
            .clone()
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
            .or_else(|| opts.url.clone());
        let title = page.title.or_else(|| opts.fallback_title.clone());
        let published = page.published.or_else(|| opts.fallback_published.clone());
        let ctx = Context {
            published: published.clone(),
            title: title.clone(),
        };
        let extraction = self.extractor.extract(&page.text, &ctx);
        let summary = factwire_summarizer::summarize(
            &page.text,
            title.as_deref(),
            &extraction.facts,
            opts.sentences,
        );
        ArticleRecord {
            url,
            title,
            byline: page.byline,
            published,
            site_name: page.site_name,
            language: page.language,
            text: page.text,
            summary,
            entities: extraction.entities,
            facts: extraction.facts,
            truncated: page.truncated,
            body_fallback: page.body_fallback,
        }
    }
}
