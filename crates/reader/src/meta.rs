//! Page metadata: title, byline, publication time, site name, language, canonical URL.
//!
//! Each field has an ordered list of sources; the first that gives a usable value
//! wins:
//!
//! | field | sources, best first |
//! |---|---|
//! | title | `og:title`, JSON-LD `headline`, `twitter:title`, first `<h1>`, `<title>`; a trailing " \| Site" or " - Site" part is removed |
//! | byline | JSON-LD `author`, `<meta name=author>`, `rel=author` links, `itemprop=author`, byline-like blocks; names only ("By" and roles dropped, URLs refused) |
//! | published | JSON-LD `datePublished`, `article:published_time` and kin, `itemprop=datePublished`, `<time datetime>`, a date in the URL, a visible dateline (a date/time element, or a wire-style "CITY, 4 November 2025 –" opening the body, see `date::from_dateline`) |
//! | site_name | `og:site_name`, JSON-LD `publisher.name`, `application-name` |
//! | language | `<html lang>`, `content-language`, `og:locale` (the body text is the last resort, in `lib.rs`) |
//! | canonical | `<link rel=canonical>`, `og:url`, resolved against the page URL |
//!
//! JSON-LD is read leniently: `@graph`, arrays, nested `mainEntity`, and several
//! scripts per page. Its `articleBody`, if present, is kept for the content stage as
//! a cross-check.

use std::collections::HashMap;

use factwire_core::text::fold_whitespace;
use serde_json::Value;

use crate::date;
use crate::dom::{Child, Doc, Id};

/// What the metadata stage found, plus hints for the content stage.
#[derive(Debug, Default, Clone)]
pub(crate) struct Meta {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<String>,
    pub site_name: Option<String>,
    pub language: Option<String>,
    pub canonical_url: Option<String>,
    /// JSON-LD `articleBody`, whitespace-folded.
    pub jsonld_body: Option<String>,
    /// Headline candidates (title, og:title, JSON-LD headline): a body block equal to
    /// one is dropped.
    pub headlines: Vec<String>,
    /// The page's first `<h1>`: a block equal to it is dropped before the story's
    /// first paragraph, kept after it (a heading inside the body).
    pub first_h1: Option<String>,
}

/// Where the first `<h1>` sits among the title candidates of [`extract`].
const H1_CANDIDATE: usize = 3;

/// What JSON-LD said about the article.
#[derive(Debug, Default)]
struct LdArticle {
    headline: Option<String>,
    authors: Vec<String>,
    published: Option<String>,
    body: Option<String>,
    publisher: Option<String>,
    in_language: Option<String>,
}

/// Reads the metadata of `doc`; `url` is the page's address, if known.
pub(crate) fn extract(doc: &Doc, url: Option<&str>) -> Meta {
    let metas = meta_tags(doc);
    let m = |k: &str| metas.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let ld = json_ld(doc);

    let plausible_site = |s: &String| {
        let l = s.to_ascii_lowercase();
        !s.is_empty() && s.chars().count() <= 100 && !l.starts_with("http") && !l.contains("://")
    };
    let site_name = m("og:site_name")
        .map(clean_line)
        .filter(plausible_site)
        .or_else(|| ld.publisher.clone().filter(plausible_site))
        .or_else(|| m("application-name").map(clean_line).filter(plausible_site));

    let title_tag = doc.first("title").map(|t| clean_line(&doc.raw_text(t)));
    let h1 = first_h1(doc);
    let candidates = [
        m("og:title").map(clean_line),
        ld.headline.clone(),
        m("twitter:title").map(clean_line),
        h1.clone(),
        title_tag.clone(),
    ];
    // A "title" that is only the site's name (some pages set og:title so) is skipped.
    let is_site = |t: &str| site_name.as_deref().is_some_and(|s| squash(s) == squash(t));
    let title = candidates
        .iter()
        .flatten()
        .find(|t| !t.is_empty() && !is_site(t))
        .map(|t| strip_site_suffix(t, site_name.as_deref(), url));
    // The first `<h1>` is kept apart: it is the headline when it opens the page,
    // but may be a heading inside the body (the headline sits in another element).
    let mut headlines: Vec<String> = candidates
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != H1_CANDIDATE)
        .filter_map(|(_, c)| c)
        .collect();
    if let Some(t) = &title {
        headlines.push(t.clone());
    }
    headlines.retain(|h| !h.is_empty());

    let byline = byline(doc, &ld, &m).and_then(|b| drop_site(&b, site_name.as_deref()));
    let published = published(doc, &ld, &m, url);

    let language = doc
        .first("html")
        .and_then(|h| doc.els[h].attr("lang"))
        .or_else(|| m("content-language"))
        .or_else(|| m("og:locale"))
        .or(ld.in_language.as_deref())
        .and_then(normalize_lang);

    let canonical_url = link_rel(doc, "canonical")
        .or_else(|| m("og:url").map(str::to_owned))
        .and_then(|href| resolve(url, &href));

    Meta {
        title,
        byline,
        published,
        site_name,
        language,
        canonical_url,
        jsonld_body: ld
            .body
            .map(|b| fold_whitespace(&b))
            .filter(|b| !b.is_empty()),
        headlines,
        first_h1: h1.filter(|h| !h.is_empty()),
    }
}

/// `<meta>` tags by lower-case `property`/`name`/`itemprop`/`http-equiv`; first wins.
fn meta_tags(doc: &Doc) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for el in doc.els.iter().filter(|e| e.tag == "meta") {
        let Some(content) = el.attr("content") else {
            continue;
        };
        for key in ["property", "name", "itemprop", "http-equiv"] {
            if let Some(k) = el.attr(key) {
                out.entry(k.trim().to_ascii_lowercase())
                    .or_insert_with(|| content.trim().to_owned());
            }
        }
    }
    out
}

fn first_h1(doc: &Doc) -> Option<String> {
    doc.els
        .iter()
        .enumerate()
        .filter(|(_, e)| e.tag == "h1")
        .filter_map(|(i, _)| doc.short_text(i, 1000))
        .map(|t| clean_line(&t))
        .find(|t| !t.is_empty())
}

fn clean_line(s: &str) -> String {
    fold_whitespace(&decode_entities(s))
}

/// Decodes the few entities that survive in attribute values written twice-escaped.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#039;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
}

/// Lower-case letters and digits of `s` only, for loose comparison.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Removes a trailing (or leading) site-name part: "AWS grows | Cloud Daily".
fn strip_site_suffix(title: &str, site: Option<&str>, url: Option<&str>) -> String {
    const SEPS: &[&str] = &[
        " | ", " - ", " — ", " – ", " :: ", " · ", " • ", " // ", "｜", " ｜ ",
    ];
    let host = url.and_then(host_of).unwrap_or_default();
    let looks_like_site = |part: &str| {
        let p = squash(part);
        if p.is_empty() {
            return false;
        }
        site.is_some_and(|s| squash(s) == p || squash(s).contains(&p))
            || (p.len() >= 3 && squash(&host).contains(&p))
    };
    for sep in SEPS {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            let bar = matches!(*sep, " | " | "｜" | " ｜ ");
            if looks_like_site(tail) || (bar && tail.split_whitespace().count() <= 4) {
                let head = head.trim();
                if head.chars().count() >= 10 {
                    return strip_site_suffix(head, site, url);
                }
            }
        }
        if let Some((head, tail)) = title.split_once(sep)
            && looks_like_site(head)
            && tail.chars().count() >= 10
        {
            return tail.trim().to_owned();
        }
    }
    title.to_owned()
}

/// The primary language subtag, lower case (`en-US` → `en`, `pt_BR` → `pt`); `und`,
/// `mul` and anything that is not a language tag are refused.
fn normalize_lang(raw: &str) -> Option<String> {
    let raw = raw.trim().to_ascii_lowercase();
    let primary = raw.split(['-', '_']).next()?;
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    if primary == "und" || primary == "mul" || primary == "zxx" {
        return None;
    }
    Some(primary.to_owned())
}

fn link_rel(doc: &Doc, rel: &str) -> Option<String> {
    doc.els
        .iter()
        .filter(|e| e.tag == "link")
        .find(|e| {
            e.attr("rel")
                .is_some_and(|r| r.split_whitespace().any(|x| x.eq_ignore_ascii_case(rel)))
        })
        .and_then(|e| e.attr("href"))
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    Some(host.trim_start_matches("www.").to_ascii_lowercase())
}

/// Makes `href` absolute against `base` (scheme-relative, root-relative and
/// path-relative forms). Refuses non-http(s) schemes.
pub(crate) fn resolve(base: Option<&str>, href: &str) -> Option<String> {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Some(href.to_owned());
    }
    if href.is_empty() || lower.contains(':') && !lower.starts_with("//") && !href.starts_with('/')
    {
        return None;
    }
    let base = base?;
    let (scheme, rest) = base.split_once("://")?;
    let origin_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = &rest[..origin_end];
    if let Some(h) = href.strip_prefix("//") {
        return Some(format!("{scheme}://{h}"));
    }
    if href.starts_with('/') {
        return Some(format!("{scheme}://{origin}{href}"));
    }
    let path = rest[origin_end..].split(['?', '#']).next().unwrap_or("");
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    Some(format!("{scheme}://{origin}{dir}/{href}"))
}

// ---- JSON-LD -------------------------------------------------------------------

fn json_ld(doc: &Doc) -> LdArticle {
    let mut best: Option<(u8, LdArticle)> = None;
    let mut publisher_any = None;
    for (i, el) in doc.els.iter().enumerate() {
        if el.tag != "script"
            || !el
                .attr("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
        {
            continue;
        }
        let raw = doc.raw_text(i);
        let Some(value) = parse_lenient(&raw) else {
            continue;
        };
        let mut objects = Vec::new();
        collect_objects(&value, &mut objects, 0);
        for obj in objects {
            let rank = article_rank(obj);
            if publisher_any.is_none()
                && let Some(n) = type_is(obj, &["Organization", "NewsMediaOrganization"])
                    .then(|| str_field(obj, "name"))
                    .flatten()
            {
                publisher_any = Some(n);
            }
            if rank == 0 {
                continue;
            }
            if best.as_ref().is_some_and(|(r, _)| *r >= rank) {
                continue;
            }
            best = Some((rank, read_article(obj)));
        }
    }
    let mut art = best.map(|(_, a)| a).unwrap_or_default();
    if art.publisher.is_none() {
        art.publisher = publisher_any;
    }
    art
}

fn parse_lenient(raw: &str) -> Option<Value> {
    let t = raw.trim();
    let t = t
        .strip_prefix("<![CDATA[")
        .and_then(|s| s.strip_suffix("]]>"))
        .unwrap_or(t)
        .trim();
    if let Ok(v) = serde_json::from_str(t) {
        return Some(v);
    }
    // Raw control characters inside strings are a common publishing error.
    let cleaned: String = t
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if let Ok(v) = serde_json::from_str(&cleaned) {
        return Some(v);
    }
    // Trailing semicolon or junk after the value.
    let mut stream = serde_json::Deserializer::from_str(&cleaned).into_iter::<Value>();
    stream.next().and_then(Result::ok)
}

/// Every object reachable through arrays, `@graph` and `mainEntity*`, bounded depth.
fn collect_objects<'a>(v: &'a Value, out: &mut Vec<&'a serde_json::Map<String, Value>>, depth: u8) {
    if depth > 6 || out.len() > 200 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| collect_objects(x, out, depth + 1)),
        Value::Object(o) => {
            out.push(o);
            for key in [
                "@graph",
                "mainEntity",
                "mainEntityOfPage",
                "itemListElement",
            ] {
                if let Some(x) = o.get(key) {
                    collect_objects(x, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

fn type_is(obj: &serde_json::Map<String, Value>, names: &[&str]) -> bool {
    let matches = |s: &str| names.iter().any(|n| s.eq_ignore_ascii_case(n));
    match obj.get("@type") {
        Some(Value::String(s)) => matches(s),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).any(matches),
        _ => false,
    }
}

/// How article-like a JSON-LD object is: 0 = not at all.
fn article_rank(obj: &serde_json::Map<String, Value>) -> u8 {
    let types: Vec<&str> = match obj.get("@type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut rank = 0;
    for t in types {
        let t = t.to_ascii_lowercase();
        let r = if t.ends_with("newsarticle") || t == "reportagenewsarticle" {
            4
        } else if t.contains("article") || t == "blogposting" || t == "report" {
            3
        } else if t == "webpage" || t == "creativework" || t == "liveblogposting" {
            1
        } else {
            0
        };
        rank = rank.max(r);
    }
    if rank > 0 && obj.contains_key("articleBody") {
        rank += 1;
    }
    rank
}

fn str_field(obj: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) => Some(clean_line(s)).filter(|s| !s.is_empty()),
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(clean_line)
            .find(|s| !s.is_empty()),
        Value::Object(o) => str_field(o, "name").or_else(|| str_field(o, "@value")),
        _ => None,
    }
}

fn read_article(obj: &serde_json::Map<String, Value>) -> LdArticle {
    let mut authors = Vec::new();
    if let Some(a) = obj.get("author").or_else(|| obj.get("creator")) {
        let list: Vec<&Value> = match a {
            Value::Array(v) => v.iter().collect(),
            other => vec![other],
        };
        for v in list {
            let name = match v {
                Value::String(s) => Some(clean_line(s)),
                Value::Object(o) => str_field(o, "name"),
                _ => None,
            };
            if let Some(n) = name.and_then(|n| clean_name(&n))
                && !authors.contains(&n)
            {
                authors.push(n);
            }
        }
    }
    let body = match obj.get("articleBody") {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    LdArticle {
        headline: str_field(obj, "headline").or_else(|| str_field(obj, "name")),
        authors,
        published: str_field(obj, "datePublished")
            .or_else(|| str_field(obj, "dateCreated"))
            .and_then(|d| date::parse_timestamp(&d)),
        body,
        publisher: obj.get("publisher").and_then(|p| match p {
            Value::Object(o) => str_field(o, "name"),
            Value::Array(a) => a
                .iter()
                .find_map(|x| x.as_object().and_then(|o| str_field(o, "name"))),
            Value::String(s) => Some(clean_line(s)),
            _ => None,
        }),
        in_language: str_field(obj, "inLanguage"),
    }
}

// ---- byline --------------------------------------------------------------------

fn byline<'a>(doc: &Doc, ld: &LdArticle, m: &impl Fn(&str) -> Option<&'a str>) -> Option<String> {
    if !ld.authors.is_empty() {
        return Some(ld.authors.join(", "));
    }
    for key in [
        "author",
        "article:author",
        "sailthru.author",
        "parsely-author",
        "dc.creator",
    ] {
        if let Some(n) = m(key).and_then(clean_name) {
            return Some(n);
        }
    }
    // rel=author links and itemprop=author elements.
    let mut names: Vec<String> = Vec::new();
    for (i, el) in doc.els.iter().enumerate() {
        let rel_author = el.tag == "a"
            && el.attr("rel").is_some_and(|r| {
                r.split_whitespace()
                    .any(|x| x.eq_ignore_ascii_case("author"))
            });
        let itemprop_author = el.attr("itemprop").is_some_and(|p| {
            p.split_whitespace()
                .any(|x| x == "author" || x == "creator")
        });
        if (rel_author || itemprop_author) && !in_comments(doc, i) {
            let text = if itemprop_author {
                // Prefer a nested itemprop=name.
                descendant_with_itemprop(doc, i, "name")
                    .map(|n| {
                        doc.els[n]
                            .attr("content")
                            .map_or_else(|| doc.short_text(n, 300), |c| Some(c.to_owned()))
                    })
                    .unwrap_or_else(|| {
                        el.attr("content")
                            .map_or_else(|| doc.short_text(i, 300), |c| Some(c.to_owned()))
                    })
            } else {
                doc.short_text(i, 300)
            };
            if let Some(n) = text.as_deref().and_then(clean_name)
                && !names.contains(&n)
            {
                names.push(n);
            }
            if names.len() >= 4 {
                break;
            }
        }
    }
    if !names.is_empty() {
        return Some(names.join(", "));
    }
    // Byline blocks: class/id naming a byline or author, short text.
    for (i, el) in doc.els.iter().enumerate() {
        let c = &*el.class_id;
        if c.is_empty()
            || matches!(
                el.tag,
                "script" | "style" | "meta" | "link" | "body" | "html"
            )
            || in_comments(doc, i)
        {
            continue;
        }
        let hit = c.contains("byline")
            || c.split(|ch: char| !ch.is_ascii_alphanumeric())
                .any(|w| w.starts_with("author") && !w.contains("bio"))
                && !c.contains("bio")
                && !c.contains("about");
        if !hit {
            continue;
        }
        let Some(text) = doc.short_text(i, 300).map(|t| clean_line(&t)) else {
            continue;
        };
        if text.chars().count() > 120 {
            continue;
        }
        if let Some(n) = clean_name(&text) {
            return Some(n);
        }
    }
    // A short paragraph-like element that starts with "By ".
    for (i, el) in doc.els.iter().enumerate() {
        if !matches!(el.tag, "p" | "div" | "span" | "address") || in_comments(doc, i) {
            continue;
        }
        let Some(text) = doc.short_text(i, 200) else {
            continue;
        };
        let t = text.trim_start();
        if t.len() > 150 || !t.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("by ")) {
            continue;
        }
        if let Some(n) = clean_name(t) {
            return Some(n);
        }
    }
    None
}

/// Whether element `id` sits in a comment thread (an ancestor within a dozen levels
/// has "comment" in its class or id): commenters' names are not the byline.
fn in_comments(doc: &Doc, id: Id) -> bool {
    let mut n = id;
    for _ in 0..12 {
        if doc.els[n].class_id.contains("comment") {
            return true;
        }
        if n == 0 {
            break;
        }
        n = doc.els[n].parent;
    }
    false
}

/// Whether element `id` sits in a comment thread, navigation, an aside, a footer or a
/// list of other stories (checked over a dozen ancestors).
fn in_side_matter(doc: &Doc, id: Id) -> bool {
    let mut n = id;
    for _ in 0..12 {
        let el = &doc.els[n];
        let c = &*el.class_id;
        if matches!(el.tag, "nav" | "aside" | "footer")
            || [
                "comment",
                "related",
                "recommend",
                "popular",
                "sidebar",
                "teaser",
            ]
            .iter()
            .any(|w| c.contains(w))
        {
            return true;
        }
        if n == 0 {
            break;
        }
        n = el.parent;
    }
    false
}

/// `byline` without names that are the publication itself ("Sky" on Sky News);
/// `None` when nothing else is left.
fn drop_site(byline: &str, site: Option<&str>) -> Option<String> {
    let Some(site) = site.map(squash).filter(|s| !s.is_empty()) else {
        return Some(byline.to_owned());
    };
    let kept: Vec<&str> = byline
        .split(", ")
        .filter(|n| {
            let n = squash(n);
            !n.is_empty() && n != site && !site.starts_with(&n)
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join(", "))
}

fn descendant_with_itemprop(doc: &Doc, id: Id, prop: &str) -> Option<Id> {
    let mut stack = vec![id];
    let mut seen = 0;
    while let Some(n) = stack.pop() {
        seen += 1;
        if seen > 200 {
            return None;
        }
        for c in &doc.els[n].children {
            if let Child::El(e) = *c {
                if doc.els[e]
                    .attr("itemprop")
                    .is_some_and(|p| p.split_whitespace().any(|x| x == prop))
                {
                    return Some(e);
                }
                stack.push(e);
            }
        }
    }
    None
}

/// A person's name (or names) from a byline string, or `None` if it does not look
/// like one: "By Jane Doe and John Roe, Reuters" → "Jane Doe, John Roe".
pub(crate) fn clean_name(raw: &str) -> Option<String> {
    // Only the first line: a dateline often follows on the next.
    let first_line = raw.trim().lines().next().unwrap_or("");
    let s = clean_line(first_line);
    let lower = s.to_lowercase();
    if lower.starts_with("http")
        || lower.contains("www.")
        || lower.contains('@')
        || lower.contains(".com")
    {
        return None;
    }
    let mut s = s.as_str().trim();
    for prefix in [
        "by ",
        "by:",
        "von ",
        "par ",
        "por ",
        "автор:",
        "текст:",
        "written by ",
        "posted by ",
    ] {
        if let Some(head) = s.get(..prefix.len())
            && head.to_lowercase() == prefix
        {
            s = s[prefix.len()..].trim();
        }
    }
    // Cut at separators that start a date, a role or an outlet.
    let cut = s
        .find(['|', '\n', '•', '·', '(', '—', '–'])
        .map_or(s, |p| &s[..p]);
    let cut = cut.split(" - ").next().unwrap_or(cut);
    let mut names = Vec::new();
    for part in cut.split([',', ';', '&']).flat_map(|p| p.split(" and ")) {
        let p = part
            .trim()
            .trim_end_matches(['.', '-', '–', '—', ':'])
            .trim();
        if p.is_empty() {
            continue;
        }
        let words = p.split_whitespace().count();
        let has_digit = p.chars().any(|c| c.is_ascii_digit());
        if words == 0 || words > 5 || has_digit {
            continue;
        }
        let pl = p.to_lowercase();
        const NOT_NAMES: &[&str] = &[
            "staff",
            "reuters",
            "associated press",
            "updated",
            "published",
            "editor",
            "correspondent",
            "reporter",
            "contributor",
            "senior",
            "writer",
            "news",
            "share",
            "follow",
            "admin",
            "ap",
            "afp",
            "min read",
            "reports",
            "report",
            "desk",
            "board",
            "team",
        ];
        if NOT_NAMES
            .iter()
            .any(|n| pl == *n || pl.ends_with(&format!(" {n}")))
        {
            if names.is_empty()
                && words <= 3
                && !pl.contains("updated")
                && !pl.contains("published")
            {
                // Agency bylines such as "Reuters" are still bylines when alone.
                if matches!(pl.as_str(), "reuters" | "associated press" | "ap" | "afp") {
                    names.push(p.to_owned());
                }
            }
            continue;
        }
        // A name starts with an upper-case letter (in scripts that have case).
        let first = p.chars().next()?;
        if first.is_lowercase() {
            continue;
        }
        if !names.iter().any(|n: &String| n == p) {
            names.push(p.to_owned());
        }
        if names.len() >= 4 {
            break;
        }
    }
    if names.is_empty() {
        None
    } else {
        Some(names.join(", "))
    }
}

// ---- dates ---------------------------------------------------------------------

fn published<'a>(
    doc: &Doc,
    ld: &LdArticle,
    m: &impl Fn(&str) -> Option<&'a str>,
    url: Option<&str>,
) -> Option<String> {
    if let Some(p) = &ld.published {
        return Some(p.clone());
    }
    for key in [
        "article:published_time",
        "og:published_time",
        "og:article:published_time",
        "datepublished",
        "publishdate",
        "publish-date",
        "pubdate",
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "dcterms.date",
        "sailthru.date",
        "parsely-pub-date",
        "article.published",
        "published_time",
        "citation_publication_date",
    ] {
        if let Some(d) = m(key).and_then(date::parse_timestamp) {
            return Some(d);
        }
    }
    // itemprop=datePublished on any element (content or datetime attribute).
    for el in &doc.els {
        if el
            .attr("itemprop")
            .is_some_and(|p| p.eq_ignore_ascii_case("datepublished"))
            && let Some(d) = el
                .attr("datetime")
                .or_else(|| el.attr("content"))
                .and_then(date::parse_timestamp)
        {
            return Some(d);
        }
    }
    // The first <time datetime> outside comments, navigation, asides, footers and
    // lists of other stories.
    for (i, el) in doc.els.iter().enumerate().filter(|(_, e)| e.tag == "time") {
        if in_side_matter(doc, i) {
            continue;
        }
        if let Some(d) = el.attr("datetime").and_then(date::parse_timestamp) {
            return Some(d);
        }
    }
    let from_url = url.and_then(date::from_url);
    let visible = visible_dateline(doc);
    match (from_url, visible) {
        // Same day: the dateline adds the time of day.
        (Some(u), Some(v)) if u.get(..10) == v.get(..10) => Some(v),
        (Some(u), _) => Some(u),
        (None, v) => v,
    }
}

/// A date written in a dateline-like element (class/id naming a date, time,
/// timestamp, published, posted or byline; or a `<time>` element's text).
fn visible_dateline(doc: &Doc) -> Option<String> {
    const HINTS: &[&str] = &[
        "date",
        "time",
        "published",
        "posted",
        "byline",
        "dateline",
        "timestamp",
        "meta",
    ];
    for (i, el) in doc.els.iter().enumerate() {
        if matches!(
            el.tag,
            "script" | "style" | "html" | "body" | "head" | "meta"
        ) {
            continue;
        }
        let hinted = el.tag == "time" || HINTS.iter().any(|h| el.class_id.contains(h));
        if !hinted {
            continue;
        }
        let Some(text) = doc.short_text(i, 300) else {
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        if let Some(d) = date::find_in_text(&text) {
            return Some(d);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta_of(html: &str, url: Option<&str>) -> Meta {
        extract(&Doc::parse(html), url)
    }

    #[test]
    fn json_ld_graph_and_authors() {
        let html = r#"<script type="application/ld+json">{"@context":"https://schema.org",
          "@graph":[{"@type":"WebSite","name":"Cloud Daily"},
          {"@type":"NewsArticle","headline":"AWS grows","datePublished":"2026-02-05T16:04:00-05:00",
           "author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Person","name":"John Roe"}],
           "publisher":{"@type":"Organization","name":"Cloud Daily"},
           "articleBody":"Body text."}]}</script>"#;
        let m = meta_of(html, None);
        assert_eq!(m.title.as_deref(), Some("AWS grows"));
        assert_eq!(m.byline.as_deref(), Some("Jane Doe, John Roe"));
        assert_eq!(m.published.as_deref(), Some("2026-02-05T21:04:00Z"));
        assert_eq!(m.site_name.as_deref(), Some("Cloud Daily"));
        assert_eq!(m.jsonld_body.as_deref(), Some("Body text."));
    }

    #[test]
    fn title_suffixes() {
        assert_eq!(
            strip_site_suffix("AWS posts fastest growth | Cloud Daily", None, None),
            "AWS posts fastest growth"
        );
        assert_eq!(
            strip_site_suffix(
                "AWS posts fastest growth - Cloud Daily",
                Some("Cloud Daily"),
                None
            ),
            "AWS posts fastest growth"
        );
        assert_eq!(
            strip_site_suffix(
                "Azure - a decade on",
                None,
                Some("https://clouddaily.example/")
            ),
            "Azure - a decade on"
        );
        assert_eq!(
            strip_site_suffix(
                "AWS posts growth - CloudDaily",
                None,
                Some("https://www.clouddaily.com/x")
            ),
            "AWS posts growth"
        );
    }

    #[test]
    fn names() {
        assert_eq!(
            clean_name("By Jane Doe and John Roe").as_deref(),
            Some("Jane Doe, John Roe")
        );
        assert_eq!(
            clean_name("By JANE DOE | Feb 5, 2026").as_deref(),
            Some("JANE DOE")
        );
        assert_eq!(clean_name("https://facebook.com/jane"), None);
        assert_eq!(clean_name("Updated 5 minutes ago"), None);
        assert_eq!(
            clean_name("Jane Doe, Senior Cloud Reporter").as_deref(),
            Some("Jane Doe")
        );
    }

    #[test]
    fn time_elements_in_side_matter_are_skipped() {
        let html = r#"<aside><time datetime="2020-01-01">old</time></aside>
          <ul class="related-stories"><li><time datetime="2021-01-01">x</time></li></ul>
          <article><time datetime="2026-02-05T21:04:00Z">Feb 5</time></article>"#;
        assert_eq!(
            meta_of(html, None).published.as_deref(),
            Some("2026-02-05T21:04:00Z")
        );
    }

    #[test]
    fn site_is_not_a_byline() {
        assert_eq!(drop_site("Sky", Some("Sky News")), None);
        assert_eq!(
            drop_site("Jane Doe, Al Jazeera", Some("Al Jazeera")).as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(drop_site("Jane Doe", None).as_deref(), Some("Jane Doe"));
        assert_eq!(clean_name("Staff Reports"), None);
    }

    #[test]
    fn resolves_urls() {
        let b = Some("https://ex.com/news/a.html?x=1");
        assert_eq!(resolve(b, "/c").as_deref(), Some("https://ex.com/c"));
        assert_eq!(
            resolve(b, "//cdn.ex.com/c").as_deref(),
            Some("https://cdn.ex.com/c")
        );
        assert_eq!(
            resolve(b, "d.html").as_deref(),
            Some("https://ex.com/news/d.html")
        );
        assert_eq!(resolve(b, "javascript:void(0)"), None);
        assert_eq!(resolve(None, "/c"), None);
    }

    #[test]
    fn languages() {
        assert_eq!(normalize_lang("en-US").as_deref(), Some("en"));
        assert_eq!(normalize_lang("pt_BR").as_deref(), Some("pt"));
        assert_eq!(normalize_lang("und"), None);
        assert_eq!(normalize_lang("{{lang}}"), None);
    }
}
