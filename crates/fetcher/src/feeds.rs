//! Feed bytes → [`FeedEntry`] values, and feed discovery in HTML pages. Pure: no I/O.
//!
//! [`parse`] reads RSS 0.9x, 1.0 and 2.0, Atom and JSON Feed (through `feed-rs`) and
//! then makes the entries safe to use:
//! - links are resolved against the entry's `xml:base` or the feed's own URL, and only
//!   http, https and file links are kept (one entry per link); [`parse_all`] also says
//!   which items were left out for their link ([`BadLink`]: none, empty, another
//!   scheme such as `javascript:`, or a link back to the feed itself);
//! - titles, summaries and authors are plain text: tags stripped, HTML entities decoded
//!   (double-escaped titles such as `AT&amp;amp;T` are common), whitespace folded;
//! - a publication time more than [`FUTURE_TOLERANCE_SECS`] in the future is not
//!   trusted and becomes `None`;
//! - undeclared non-UTF-8 bytes are read as windows-1252 instead of failing;
//! - documents that declare XML entities (`<!ENTITY`, the billion-laughs and XXE
//!   attacks) are refused before any parser sees them, and an HTML page is reported
//!   as "not a feed" rather than as a parser error deep inside it.
//!
//! [`discover`] finds `<link rel="alternate">` feed links in an HTML page.

use std::collections::HashSet;

use chrono::{Duration, Utc};
use factwire_core::FeedEntry;
use url::Url;

use crate::error::{Error, Result};

/// How far in the future a publication time may be before it is dropped (one day, for
/// time zone mistakes).
pub const FUTURE_TOLERANCE_SECS: i64 = 86_400;

/// Longest summary kept, in characters.
pub const MAX_SUMMARY_CHARS: usize = 2_000;

/// The most of an unusable link a report quotes (a `data:` URL can be megabytes).
const MAX_QUOTED_LINK_CHARS: usize = 120;

/// What [`parse_all`] found: the entries with a link to fetch, and the items whose
/// link cannot be fetched.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    /// Entries with an http, https or file link, in document order, one per link.
    pub entries: Vec<FeedEntry>,
    /// Items skipped for their link, in document order.
    pub bad_links: Vec<BadLink>,
}

/// A feed item whose link cannot be an article: none, an empty one, a scheme such
/// as `javascript:`, `mailto:` or `data:`, or a link back to the feed itself (an empty
/// or `.` link resolves to the feed's own URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLink {
    /// The link as written, shortened to 120 characters; empty when there
    /// is none.
    pub link: String,
    /// The item's title, if it has one.
    pub title: Option<String>,
    /// What is wrong, for people: `empty or missing link`, `empty link`, `a javascript: link`, ...
    pub problem: String,
}

impl BadLink {
    /// The URL a report line names: the link as written, or the feed's when it is empty.
    pub fn report_url<'a>(&'a self, feed_url: &'a str) -> &'a str {
        if self.link.is_empty() {
            feed_url
        } else {
            &self.link
        }
    }

    /// The report line's detail: the problem and the item's title.
    pub fn detail(&self) -> String {
        match &self.title {
            Some(title) => format!("{} (item {title:?})", self.problem),
            None => self.problem.clone(),
        }
    }
}

/// Parses feed bytes fetched from `feed_url` into entries, in document order; items
/// without a usable link are left out (see [`parse_all`] to hear about them).
///
/// ```
/// let xml = br#"<rss version="2.0"><channel><title>T</title>
///   <item><title>AT&amp;amp;T &lt;b&gt;wins&lt;/b&gt;</title><link>/a/1</link></item>
/// </channel></rss>"#;
/// let entries = factwire_fetcher::feeds::parse(xml, "https://example.com/feed.xml").unwrap();
/// assert_eq!(entries[0].url, "https://example.com/a/1");
/// assert_eq!(entries[0].title.as_deref(), Some("AT&T wins"));
/// ```
pub fn parse(bytes: &[u8], feed_url: &str) -> Result<Vec<FeedEntry>> {
    parse_all(bytes, feed_url).map(|parsed| parsed.entries)
}

/// Parses feed bytes like [`parse`], and also returns the items skipped for their link.
///
/// ```
/// let xml = br#"<rss version="2.0"><channel><title>T</title>
///   <item><title>Write to us</title><link>mailto:desk@example.com</link></item>
///   <item><title>No link</title><link></link></item>
///   <item><title>Real</title><link>/a/1</link></item>
/// </channel></rss>"#;
/// let parsed = factwire_fetcher::feeds::parse_all(xml, "https://example.com/feed.xml").unwrap();
/// assert_eq!(parsed.entries.len(), 1);
/// let problems: Vec<&str> = parsed.bad_links.iter().map(|b| b.problem.as_str()).collect();
/// assert_eq!(problems, ["a mailto: link", "empty or missing link"]);
/// ```
pub fn parse_all(bytes: &[u8], feed_url: &str) -> Result<Parsed> {
    let fail = |reason: String| Error::Parse {
        url: feed_url.to_owned(),
        reason,
    };
    let base = Url::parse(feed_url).map_err(|e| fail(format!("bad feed URL: {e}")))?;
    let text_view = ascii_view(bytes);
    if contains_ci(&text_view, "<!entity") {
        return Err(fail(
            "entity declarations are refused (billion laughs / XXE)".into(),
        ));
    }
    if looks_like_html(&text_view) {
        return Err(fail("an HTML page, not a feed".into()));
    }
    let transcoded = legacy_fallback(bytes, &text_view);
    let bytes = transcoded.as_deref().map_or(bytes, str::as_bytes);
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(feed_url))
        .build();
    let feed = parser.parse(bytes).map_err(|e| fail(e.to_string()))?;
    let latest_trusted = Utc::now() + Duration::seconds(FUTURE_TOLERANCE_SECS);
    let mut seen = HashSet::new();
    let mut out = Parsed::default();
    for entry in feed.entries {
        let entry_base = entry
            .base
            .as_deref()
            .and_then(|b| base.join(b).ok())
            .unwrap_or_else(|| base.clone());
        let title = entry
            .title
            .as_ref()
            .map(|t| plain_text(&t.content))
            .filter(|t| !t.is_empty());
        let url = match entry_link(&entry, &entry_base, &base) {
            Ok(url) => url,
            Err((link, problem)) => {
                out.bad_links.push(BadLink {
                    link: truncate_chars(&link, MAX_QUOTED_LINK_CHARS),
                    title,
                    problem,
                });
                continue;
            }
        };
        if !seen.insert(url.clone()) {
            continue;
        }
        let published = entry
            .published
            .or(entry.updated)
            .filter(|t| *t <= latest_trusted)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        let summary = entry
            .summary
            .as_ref()
            .map(|s| s.content.clone())
            .or_else(|| entry.content.as_ref().and_then(|c| c.body.clone()))
            .map(|s| truncate_chars(&plain_text(&s), MAX_SUMMARY_CHARS))
            .filter(|s| !s.is_empty());
        let names: Vec<String> = entry
            .authors
            .iter()
            .filter_map(|p| p.name.as_deref().map(plain_text))
            .filter(|n| !n.is_empty())
            .collect();
        let author = (!names.is_empty()).then(|| names.join(", "));
        out.entries.push(FeedEntry {
            url,
            title,
            published,
            summary,
            author,
        });
    }
    Ok(out)
}

/// The entry's article link: an `alternate` (or unlabelled) link first, then any link,
/// then an id that is itself a URL (RSS `guid isPermaLink`). Without a usable one, the
/// first unusable link as written and what is wrong with it.
fn entry_link(
    entry: &feed_rs::model::Entry,
    base: &Url,
    feed: &Url,
) -> std::result::Result<String, (String, String)> {
    let mut first_problem: Option<(String, String)> = None;
    let mut resolve = |href: &str| -> Option<String> {
        let href = decode_entities(href.trim());
        let problem = match base.join(&href) {
            _ if href.is_empty() => "empty link".to_owned(),
            Ok(url) if !matches!(url.scheme(), "http" | "https" | "file") => {
                format!("a {}: link", url.scheme())
            }
            Ok(url) if same_document(&url, feed) => "the link points back at the feed".into(),
            Ok(url) => return Some(url.into()),
            Err(e) => format!("unreadable link ({e})"),
        };
        first_problem.get_or_insert((href, problem));
        None
    };
    let preferred = entry.links.iter().filter(|l| {
        l.rel
            .as_deref()
            .is_none_or(|r| r.eq_ignore_ascii_case("alternate"))
    });
    let id = entry.id.trim();
    let found = preferred
        .chain(entry.links.iter())
        .find_map(|l| resolve(&l.href))
        .or_else(|| {
            (id.starts_with("http://") || id.starts_with("https://")).then(|| resolve(id))?
        });
    found.ok_or_else(|| {
        first_problem.unwrap_or_else(|| (String::new(), "empty or missing link".into()))
    })
}

/// Are `a` and `b` one document (equal but for the fragment)?
fn same_document(a: &Url, b: &Url) -> bool {
    a.as_str().split('#').next() == b.as_str().split('#').next()
}

/// Feed links announced by an HTML page (`<link rel="alternate" type="application/rss+xml"
/// href="...">`, Atom and JSON Feed too), absolute, in page order, without duplicates.
///
/// ```
/// let html = r#"<head><link rel="alternate" type="application/atom+xml" href="/feed.atom"></head>"#;
/// let found = factwire_fetcher::feeds::discover(html, "https://example.com/blog/");
/// assert_eq!(found, vec!["https://example.com/feed.atom".to_string()]);
/// ```
pub fn discover(html: &str, page_url: &str) -> Vec<String> {
    const FEED_TYPES: &[&str] = &[
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    ];
    let Ok(base) = Url::parse(page_url) else {
        return Vec::new();
    };
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(pos) = lower[from..].find("<link") {
        let start = from + pos + "<link".len();
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        from = end;
        let attrs = parse_attributes(&html[start..end]);
        let get = |name: &str| {
            attrs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let is_alternate = get("rel").is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case("alternate"))
        });
        let is_feed = get("type").is_some_and(|t| {
            let t = t.trim().to_ascii_lowercase();
            FEED_TYPES.iter().any(|f| t.starts_with(f))
        });
        if let (true, true, Some(href)) = (is_alternate, is_feed, get("href"))
            && let Ok(url) = base.join(&decode_entities(href.trim()))
            && matches!(url.scheme(), "http" | "https" | "file")
        {
            let url = String::from(url);
            if !found.contains(&url) {
                found.push(url);
            }
        }
    }
    found
}

/// `name=value` pairs of a tag's inside (names lower-cased, values entity-decoded).
fn parse_attributes(inside: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = inside.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() || c == '/' {
            chars.next();
            continue;
        }
        let mut name_end = i;
        while let Some(&(j, c)) = chars.peek() {
            if c.is_whitespace() || c == '=' || c == '/' {
                break;
            }
            name_end = j + c.len_utf8();
            chars.next();
        }
        let name = inside[i..name_end].to_ascii_lowercase();
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek().is_some_and(|(_, c)| *c == '=') {
            chars.next();
            while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                chars.next();
            }
            match chars.peek().map(|(_, c)| *c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
        }
        if name.is_empty() {
            chars.next();
        } else {
            out.push((name, decode_entities(&value)));
        }
    }
    out
}

/// The bytes as text for sniffing: UTF-16 (with a BOM) transcoded, anything else read
/// lossily (the markers we look for are ASCII).
fn ascii_view(bytes: &[u8]) -> String {
    let units = |be: bool| -> String {
        let words: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if be {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&words)
    };
    match bytes {
        [0xFF, 0xFE, ..] => units(false),
        [0xFE, 0xFF, ..] => units(true),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Bytes that are not UTF-8 although nothing declares another encoding (no XML
/// `encoding=`, or `utf-8`; JSON must be UTF-8) are read as windows-1252, the usual
/// culprit, rather than refused. Declared encodings are left to the XML parser.
fn legacy_fallback(bytes: &[u8], text_view: &str) -> Option<String> {
    if std::str::from_utf8(bytes).is_ok() || matches!(bytes, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]) {
        return None;
    }
    let prolog = text_view
        .trim_start_matches('\u{feff}')
        .trim_start()
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split("?>").next())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let declared = prolog.split("encoding").nth(1).map(|rest| {
        rest.trim_start_matches([' ', '=', '"', '\''])
            .split(['"', '\''])
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned()
    });
    match declared.as_deref() {
        None | Some("utf-8" | "utf8") => Some(
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        ),
        Some(_) => None,
    }
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack.to_ascii_lowercase().contains(needle)
}

pub(crate) fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", s[..cut].trim_end()),
        None => s.to_owned(),
    }
}

/// Markup → plain text: tags dropped, entities decoded (twice-escaped text handled by
/// decoding before and after stripping), whitespace folded.
pub(crate) fn plain_text(s: &str) -> String {
    let once = decode_entities(s);
    let stripped = if once.contains('<') {
        strip_tags(&once)
    } else {
        once
    };
    let twice = decode_entities(&stripped);
    twice.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Tags that do not separate words when removed.
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        // A `<` not starting a tag (`a < b`) is text.
        if !after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?')
        {
            out.push('<');
            rest = after;
            continue;
        }
        match after.find('>') {
            Some(gt) => {
                let name: String = after[..gt]
                    .trim_start_matches('/')
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_ascii_lowercase();
                if !INLINE_TAGS.contains(&name.as_str()) {
                    out.push(' ');
                }
                rest = &after[gt + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes HTML character references: numeric ones and the common named ones. Unknown
/// names are left as written.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| decode_reference(&after[..e]));
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_reference(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "deg" => '°',
        "middot" => '·',
        "bull" => '•',
        "times" => '×',
        "eacute" => 'é',
        "egrave" => 'è',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "szlig" => 'ß',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_decode_and_unknown_ones_stay() {
        assert_eq!(
            decode_entities("a &amp; b &#8217; &#x2014; &bogus; &"),
            "a & b ’ — &bogus; &"
        );
        assert_eq!(decode_entities("&#0; &#xZZ;"), "&#0; &#xZZ;");
    }

    #[test]
    fn plain_text_strips_tags_but_keeps_comparisons() {
        assert_eq!(
            plain_text("<p>Revenue <b>rose</b></p>\n 5%"),
            "Revenue rose 5%"
        );
        assert_eq!(plain_text("a < b and c > d"), "a < b and c > d");
        assert_eq!(plain_text("&lt;i&gt;x&lt;/i&gt;"), "x");
        assert_eq!(
            plain_text("<p>450 <strong>MW</strong>.</p><p>Next</p>"),
            "450 MW. Next"
        );
    }

    #[test]
    fn attributes_parse_in_any_quoting() {
        let attrs = parse_attributes(
            r#" rel=alternate TYPE='application/rss+xml' href="/f?a=1&amp;b=2" /"#,
        );
        assert_eq!(attrs[0], ("rel".into(), "alternate".into()));
        assert_eq!(attrs[1], ("type".into(), "application/rss+xml".into()));
        assert_eq!(attrs[2], ("href".into(), "/f?a=1&b=2".into()));
    }

    #[test]
    fn discovery_ignores_non_feeds_and_duplicates() {
        let html = r#"<LINK rel="stylesheet" href="/s.css"><link rel="alternate" type="application/rss+xml" href="rss.xml">
            <link rel="alternate" type="application/rss+xml" href="rss.xml"><link rel="alternate" type="text/html" href="/fr">"#;
        assert_eq!(
            discover(html, "http://h/blog/"),
            vec!["http://h/blog/rss.xml".to_string()]
        );
        assert!(discover(html, "not a url").is_empty());
    }

    #[test]
    fn utf16_entity_declarations_are_seen() {
        let text = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><rss/>";
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let err = parse(&bytes, "http://h/f").unwrap_err();
        assert_eq!(err.class(), "parse");
    }
}
