//! The reader's public API over the fixture pages in `fixtures/articles/<case>/`.
//!
//! Each case folder holds `source.html` (raw bytes, any charset), `case.toml` (what
//! the case tests and the page's `url`) and `expected.json`: the exact metadata
//! (`null` = must be `None`) and text checks: `text` (the whole hand-checked text),
//! `text_starts_with`, `must_contain`, `must_not_contain`. Every failure names the case and the field.

// Test helpers may panic: a missing fixture is a failed test.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use factwire_reader::{InputKind, MAX_HTML_BYTES, Page, decode, read_html, read_text, sniff};
use proptest::prelude::*;
use serde_json::Value;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/articles")
}

/// The case folders, sorted.
fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("source.html").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// A string value from `case.toml` (`key = "value"` lines; comments allowed).
fn toml_string(toml: &str, key: &str) -> Option<String> {
    toml.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn read_case(dir: &Path) -> (Page, Value) {
    let bytes = std::fs::read(dir.join("source.html")).unwrap();
    let toml = std::fs::read_to_string(dir.join("case.toml")).unwrap();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    assert_eq!(sniff(&bytes), InputKind::Html, "{}: sniff", dir.display());
    let content_type = toml_string(&toml, "content_type");
    let html = decode(&bytes, content_type.as_deref());
    let url = toml_string(&toml, "url");
    (read_html(&html, url.as_deref()), expected)
}

/// Checks that hold for any output text.
fn text_is_well_formed(text: &str) -> Result<(), String> {
    for (i, para) in text.split("\n\n").enumerate() {
        if para.is_empty() {
            return Err(format!("paragraph {i} is empty"));
        }
        if para != factwire_core::text::fold_whitespace(para) {
            return Err(format!("paragraph {i} is not whitespace-folded: {para:?}"));
        }
    }
    Ok(())
}

#[test]
fn fixture_cases() {
    let cases = cases();
    assert!(
        cases.len() >= 4,
        "expected at least 4 cases in {}",
        cases_dir().display()
    );
    let mut failures = Vec::new();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (page, exp) = read_case(dir);
        let fields: [(&str, &Option<String>); 6] = [
            ("title", &page.title),
            ("byline", &page.byline),
            ("published", &page.published),
            ("site_name", &page.site_name),
            ("language", &page.language),
            ("canonical_url", &page.canonical_url),
        ];
        for (field, got) in fields {
            let Some(want) = exp.get(field) else { continue };
            let want = want.as_str().map(str::to_owned);
            if &want != got {
                failures.push(format!("{name}: {field}: expected {want:?}, got {got:?}"));
            }
        }
        // The hand-checked whole text, when the case gives one.
        if let Some(want) = exp["text"].as_str()
            && page.text != want
        {
            failures.push(format!(
                "{name}: text differs\n  expected: {want:?}\n  got:      {:?}",
                page.text
            ));
        }
        if let Some(start) = exp["text_starts_with"].as_str()
            && !page.text.starts_with(start)
        {
            let head: String = page.text.chars().take(80).collect();
            failures.push(format!(
                "{name}: text should start with {start:?}, starts {head:?}"
            ));
        }
        for s in exp["must_contain"].as_array().into_iter().flatten() {
            let s = s.as_str().unwrap();
            if !page.text.contains(s) {
                failures.push(format!("{name}: text lacks {s:?}"));
            }
        }
        for s in exp["must_not_contain"].as_array().into_iter().flatten() {
            let s = s.as_str().unwrap();
            if page.text.contains(s) {
                failures.push(format!("{name}: text must not contain {s:?}"));
            }
        }
        if let Err(e) = text_is_well_formed(&page.text) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn read_text_normalises_and_detects_language() {
    let page = read_text(
        "Northwind Cloud said revenue rose.\n\n\n  It  plans to expand in the Nordics, the company said. ",
    );
    assert_eq!(
        page.text,
        "Northwind Cloud said revenue rose.\n\nIt plans to expand in the Nordics, the company said."
    );
    assert_eq!(page.title, None);
    assert_eq!(page.published, None);
    assert_eq!(page.language.as_deref(), Some("en"));
}

#[test]
fn paragraphs_and_line_breaks() {
    let html = "<body><article><p>First paragraph of the story, long enough to be prose, \
        with a comma.</p><p>Line one of an address,<br>line two of it, also long enough \
        here.</p></article></body>";
    let page = read_html(html, None);
    assert_eq!(
        page.text,
        "First paragraph of the story, long enough to be prose, with a comma.\n\n\
         Line one of an address,\n\nline two of it, also long enough here."
    );
}

#[test]
fn table_rows_become_lines() {
    let html = "<body><article><p>Segment results for the quarter, in millions of dollars, as \
        reported by the company.</p><table><tr><th>Segment</th><th>Q4 2025</th></tr>\
        <tr><td>AWS net sales</td><td>35,579</td></tr></table><p>AWS grew faster than \
        the rest of the company, the report said, for a third quarter.</p></article></body>";
    let page = read_html(html, None);
    assert!(
        page.text
            .contains("\n\nSegment | Q4 2025\n\nAWS net sales | 35,579\n\n"),
        "{:?}",
        page.text
    );
}

/// Runs `f` and fails if it takes longer than `limit` (a generous bound that still
/// catches quadratic behaviour).
fn within<T>(limit: Duration, what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < limit, "{what} took {took:?}, limit {limit:?}");
    out
}

#[test]
fn deep_nesting_is_bounded() {
    let depth = 50_000;
    let mut html = String::with_capacity(depth * 12 + 200);
    html.push_str("<html><body>");
    for i in 0..depth {
        html.push_str(if i % 2 == 0 { "<div>" } else { "<span>" });
    }
    html.push_str("<p>Deep inside, the cloud region opened on time, the company said.</p>");
    let page = within(Duration::from_secs(20), "deep nesting", || {
        read_html(&html, None)
    });
    assert!(page.text.len() < 200);

    // Unclosed inline formatting elements (html5ever's adoption agency).
    let mut soup = String::from("<body>");
    for _ in 0..5_000 {
        soup.push_str("<b><i><a href=x>word ");
    }
    soup.push_str("</p></div>");
    within(Duration::from_secs(20), "formatting soup", || {
        read_html(&soup, None)
    });
}

#[test]
fn large_pages_stay_fast() {
    // 700 kB of article: inside the limit, read in bounded time.
    let para =
        "<p>Capacity in the region grew again, the operator said, and prices held steady.</p>\n";
    let html = format!(
        "<html><body><article>{}</article></body></html>",
        para.repeat(8_000)
    );
    let page = within(Duration::from_secs(20), "700 kB page", || {
        read_html(&html, None)
    });
    assert!(page.text.starts_with("Capacity in the region grew again"));
    assert!(!page.truncated);
}

/// Slow in debug builds (it parses 8 MiB); run with `--include-ignored`.
#[test]
#[ignore]
fn huge_pages_are_cut() {
    let para =
        "<p>Capacity in the region grew again, the operator said, and prices held steady.</p>\n";
    let mut html = String::from("<html><body><article>");
    while html.len() < MAX_HTML_BYTES + 1024 {
        html.push_str(para);
    }
    html.push_str("<p>MARKER-AFTER-LIMIT, which lies beyond the cut, must not be read.</p>");
    while html.len() < 50 * 1024 * 1024 {
        html.push_str(para);
    }
    let page = within(Duration::from_secs(60), "50 MB page", || {
        read_html(&html, None)
    });
    assert!(!page.text.contains("MARKER-AFTER-LIMIT"));
    assert!(page.truncated, "the cut is said");
    assert!(page.text.starts_with("Capacity in the region grew again"));
}

#[test]
fn decode_and_sniff_edge_cases() {
    assert_eq!(decode(b"", None), "");
    assert_eq!(decode(b"\xff\xfe", None), "");
    assert_eq!(sniff(b"\xef\xbb\xbf<!doctype html>"), InputKind::Html);
    assert_eq!(sniff(b"Revenue rose 5% <3 analysts"), InputKind::Text);
    // Garbage bytes decode lossily rather than fail.
    assert!(!decode(&[0xC3, 0x28, 0xA0, 0xA1], Some("text/html; charset=utf-8")).is_empty());
}

/// Tag-soup fragments that random HTML is built from.
fn soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<p>".to_owned()),
        Just("</p>".to_owned()),
        Just("<div class='article-body'>".to_owned()),
        Just("<div class=share>".to_owned()),
        Just("</div>".to_owned()),
        Just("<a href=/x>".to_owned()),
        Just("</a>".to_owned()),
        Just("<br>".to_owned()),
        Just("<script>".to_owned()),
        Just("<table><tr><td>".to_owned()),
        Just("<h2>".to_owned()),
        Just("<meta property='og:title' content='T'>".to_owned()),
        Just("<script type='application/ld+json'>{\"@type\":\"NewsArticle\",".to_owned()),
        Just("<time datetime='2026-02-30T25:00'>".to_owned()),
        Just("<!--".to_owned()),
        Just("&amp;&#x0;&#xD800;".to_owned()),
        "[a-zA-Z ,.]{0,40}",
        "\\PC{0,20}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// Class and id names that look like boilerplate, as inline elements carry them.
const LOOKALIKE_NAMES: &[&str] = &[
    "class=\"tag\"",
    "id=\"auto-tag_x1\"",
    "id=\"share-price\"",
    "class=\"social-handle\"",
    "class=\"related-link\"",
    "class=\"caption\"",
    "class=\"author\"",
    "class=\"promo-name\"",
    "class=\"newsletter-term\"",
    "class=\"comment-ref\"",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Boilerplate pruning never cuts inside a text block: whatever boilerplate-like
    /// name an inline element in the middle of a sentence carries, its words stay.
    #[test]
    fn inline_names_never_cut_a_sentence(
        picks in prop::collection::vec((0usize..10, "[A-Z][a-z]{2,8}", 0usize..3), 1..4),
    ) {
        let mut sentence = String::from("Analysts said on Tuesday that");
        let mut words = Vec::new();
        for (name, word, tag) in &picks {
            let tag = ["a", "span", "em"][*tag];
            sentence.push_str(&format!(
                " <{tag} {} href=\"/x\">{word}</{tag}> and",
                LOOKALIKE_NAMES[*name]
            ));
            words.push(word.clone());
        }
        sentence.push_str(" others gained ground during the quarter.");
        let html = format!(
            "<html><body><nav><a href=/>Home</a> <a href=/b>Business</a></nav><article>\
             <p>The regional cloud market grew quickly last year, the report found, with \
             most new capacity going to banks.</p><p>{sentence}</p><p>Prices for storage \
             fell again, while prices for computing time held steady over the year.</p>\
             </article></body></html>"
        );
        let page = read_html(&html, None);
        for w in &words {
            prop_assert!(page.text.contains(&format!(" {w} and")), "{w} lost: {:?}", page.text);
        }
    }

    #[test]
    fn random_html_never_panics(html in soup(), url in "\\PC{0,30}") {
        let page = read_html(&html, Some(&url));
        prop_assert!(text_is_well_formed(&page.text).is_ok() || page.text.is_empty());
    }

    #[test]
    fn truncated_fixtures_never_panic(case in 0usize..64, cut in 0.0f64..1.0) {
        let cases = cases();
        let dir = &cases[case % cases.len()];
        let bytes = std::fs::read(dir.join("source.html")).unwrap();
        let end = (bytes.len() as f64 * cut) as usize;
        let html = decode(&bytes[..end], None);
        let page = read_html(&html, Some("https://example.com/2026/02/05/x"));
        prop_assert!(text_is_well_formed(&page.text).is_ok() || page.text.is_empty());
    }

    #[test]
    fn arbitrary_bytes_decode_and_sniff(bytes in prop::collection::vec(any::<u8>(), 0..300), ct in "\\PC{0,30}") {
        let _ = sniff(&bytes);
        let _ = decode(&bytes, Some(&ct));
    }
}
