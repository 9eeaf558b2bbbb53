//! factwire-reader: a web page (or plain text) in, the article's clean text and
//! metadata out.
//!
//! Given a page's HTML, [`read_html`] returns a [`Page`]: only the article body
//! (headings, paragraphs, lists, quotes and table text, in reading order, paragraphs
//! separated by a blank line) plus the title, byline, publication time, site name,
//! language and canonical URL. Navigation, menus, share widgets, related-story lists,
//! comments, newsletter boxes, captions, ads and footers are left out.
//!
//! This crate is pure and synchronous: it does no I/O, never panics on bad input, and
//! never fails; fields it cannot find are `None`. Bytes become text with [`decode`]
//! (BOM, HTTP charset, `<meta charset>`, then detection), and [`sniff`] tells HTML
//! from plain text.
//!
//! How the body is found (details in the `content` module):
//! 1. the page is parsed (html5ever via `scraper`) and copied into a compact arena;
//! 2. invisible and boilerplate elements are pruned (scripts, `nav`, sidebars, forms'
//!    controls, hidden elements, caption boxes, and class/id names such as `share`,
//!    `related`, `newsletter`, `comments`), but never inside a text block;
//! 3. the rest is flattened into text blocks, each with its length and link density;
//! 4. the element holding the most good text and the least link-heavy text is chosen,
//!    cross-checked against semantic containers (`article`, `main`,
//!    `[itemprop=articleBody]`) and JSON-LD `articleBody`;
//! 5. blocks inside it are kept or dropped by their own density and their neighbours;
//!    a lead just before it is added, the story's furniture (bios, promos, "About …")
//!    removed;
//! 6. if nothing is left, the densest run of visible text blocks is taken instead
//!    ([`Page::body_fallback`]).
//!
//! Documents longer than [`MAX_HTML_BYTES`] / [`MAX_TEXT_BYTES`] are read up to the
//! cap ([`Page::truncated`]); [`is_text`] tells a document from binary data.
//!
//! ```
//! use factwire_reader::read_html;
//! let html = r#"<html lang="en"><head><title>AWS grows again | Cloud Daily</title></head>
//!   <body><nav><a href="/">Home</a> <a href="/cloud">Cloud</a></nav>
//!   <article><h1>AWS grows again</h1>
//!   <p>Amazon Web Services reported revenue of $35.6 billion, up 24% from a year earlier,
//!      its fastest growth in thirteen quarters.</p>
//!   <p>Operating income rose to $12.5 billion as demand for AI capacity kept climbing.</p>
//!   </article><footer>© Cloud Daily</footer></body></html>"#;
//! let page = read_html(html, Some("https://example.com/2026/02/05/aws"));
//! assert_eq!(page.title.as_deref(), Some("AWS grows again"));
//! assert_eq!(page.language.as_deref(), Some("en"));
//! assert!(page.text.starts_with("Amazon Web Services reported revenue"));
//! assert!(page.text.contains("\n\nOperating income"));
//! assert!(!page.text.contains("Home"));
//! ```

mod charset;
mod content;
mod date;
mod dom;
mod lang;
mod meta;

pub use charset::{SNIFF_BYTES, choose_encoding, decode, is_text, sniff};

/// Pages are cut to this many bytes (at a character boundary) before parsing, which
/// bounds parse time and memory on huge inputs. The limit applies after script and
/// style bodies are dropped, so it counts markup and text only; 8 MiB is far beyond
/// any real article page.
pub const MAX_HTML_BYTES: usize = 8 * 1024 * 1024;

/// Plain text is cut to this many bytes (at a line or character boundary) before it
/// is read, which bounds the work of every later analysis. [`Page::truncated`] says
/// when it happened.
pub const MAX_TEXT_BYTES: usize = 8 * 1024 * 1024;

/// What the reader found in one document. Unknown values are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// The headline, without a trailing " | Site" part.
    pub title: Option<String>,
    /// Author name(s), comma-separated, without "By".
    pub byline: Option<String>,
    /// Publication time as RFC 3339 UTC (`2026-02-05T21:04:00Z`); a date-only source
    /// gives midnight UTC. `None` when the page does not say.
    pub published: Option<String>,
    /// The publication's name.
    pub site_name: Option<String>,
    /// The primary language subtag, lower case (`en`, `pt`, `ja`), from the page's
    /// declaration (`<html lang>`, `og:locale`, ...) or detected from the text; the text
    /// overrules a declaration only when the evidence is strong.
    pub language: Option<String>,
    /// The canonical URL the page declares, made absolute against the page URL.
    pub canonical_url: Option<String>,
    /// The article body: paragraphs with whitespace folded, joined by `"\n\n"`.
    pub text: String,
    /// The document was longer than [`MAX_HTML_BYTES`] (HTML) or [`MAX_TEXT_BYTES`]
    /// (plain text) and only its start was read.
    pub truncated: bool,
    /// The article container could not be found (or held nothing readable), and
    /// `text` is the densest run of text blocks on the page instead.
    pub body_fallback: bool,
}

/// What kind of document some bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// An HTML page or fragment.
    Html,
    /// Plain text.
    Text,
}

/// Reads an HTML page: the article body and its metadata. `url` is where the page came
/// from; it resolves relative links and can supply a date (`/2026/02/05/...`).
///
/// Best effort, never panics: an empty or non-article page gives empty text.
pub fn read_html(html: &str, url: Option<&str>) -> Page {
    let doc = dom::Doc::parse(html);
    let meta = meta::extract(&doc, url);
    let content::Body {
        text,
        fallback: body_fallback,
    } = content::extract(&doc, &meta);
    // The declaration wins unless the text clearly says otherwise.
    let language = match (meta.language.clone(), lang::detect_confident(&text)) {
        (Some(declared), Some(seen)) if declared != seen => Some(seen.to_owned()),
        (Some(declared), _) => Some(declared),
        (None, _) => lang::detect(&text).map(str::to_owned),
    };
    let published = meta.published.or_else(|| date::from_dateline(&text));
    Page {
        title: meta.title,
        byline: meta.byline,
        published,
        site_name: meta.site_name,
        language,
        canonical_url: meta.canonical_url,
        text,
        truncated: doc.truncated,
        body_fallback,
    }
}

/// Reads plain text: the text is normalised with
/// [`factwire_core::text::normalize_text`]; the metadata is left `None`, except the
/// language, which is detected from the text when it can be.
///
/// Text longer than [`MAX_TEXT_BYTES`] is cut at the last line break before the
/// limit (or at a character boundary when there is none) and marked
/// [`Page::truncated`].
pub fn read_text(text: &str) -> Page {
    let kept = dom::truncate(text, MAX_TEXT_BYTES);
    let truncated = kept.len() < text.len();
    let kept = match kept.rfind('\n') {
        Some(nl) if truncated && nl > 0 => &kept[..nl],
        _ => kept,
    };
    let text = factwire_core::text::normalize_text(kept);
    Page {
        language: lang::detect(&text).map(str::to_owned),
        text,
        truncated,
        ..Page::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_text_normalises() {
        let p = read_text("  Title\n\n\n Body  one.\n");
        assert_eq!(p.text, "Title\n\nBody one.");
        assert_eq!(p.title, None);
    }

    #[test]
    fn empty_and_odd_inputs() {
        for html in ["", "<", "</p>", "<html>", "plain words", "<p>", "\u{feff}"] {
            let p = read_html(html, None);
            assert!(p.text.len() < 20, "{html:?} gave {:?}", p.text);
        }
    }
}
