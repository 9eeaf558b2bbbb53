//! Feed parsing over the fixtures in `fixtures/feeds`.

use factwire_fetcher::feeds::{discover, parse};
use factwire_testkit::fixtures_dir;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join("feeds").join(name)).unwrap()
}

#[test]
fn rss2_entries_are_cleaned_resolved_and_deduplicated() {
    let entries = parse(
        &fixture("rss2_basic.xml"),
        "https://news.northwind.example/feed.xml",
    )
    .unwrap();
    let urls: Vec<&str> = entries.iter().map(|e| e.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://news.northwind.example/2026/01/revenue-rises",
            "https://news.northwind.example/2026/01/relative-link?utm_source=rss",
            "https://news.northwind.example/2099/01/future",
            "https://news.northwind.example/2026/01/guid-only",
        ]
    );
    let first = &entries[0];
    assert_eq!(
        first.title.as_deref(),
        Some("Northwind Cloud revenue rises 31% to $4.2 billion")
    );
    assert_eq!(first.published.as_deref(), Some("2026-01-27T21:04:00Z"));
    assert_eq!(
        first.summary.as_deref(),
        Some("The company said its cloud unit grew faster than expected.")
    );
    assert_eq!(first.author.as_deref(), Some("Ada Quill"));
    assert_eq!(
        entries[1].title.as_deref(),
        Some("Relative link & double-escaped title: AT&T ’s deal")
    );
    assert_eq!(
        entries[1].published.as_deref(),
        Some("2026-01-28T07:00:00Z")
    );
    assert_eq!(entries[2].published, None, "a date in 2099 is not trusted");
}

#[test]
fn atom_uses_xml_base_alternate_links_and_all_authors() {
    let entries = parse(
        &fixture("atom_basic.xml"),
        "https://blog.contoso.example/atom.xml",
    )
    .unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[0].url,
        "https://blog.contoso.example/posts/capacity-europe"
    );
    assert_eq!(
        entries[0].title.as_deref(),
        Some("Contoso adds 2 GW of capacity in Europe")
    );
    assert_eq!(
        entries[0].published.as_deref(),
        Some("2026-02-02T08:30:00Z")
    );
    assert_eq!(
        entries[0].author.as_deref(),
        Some("Bo Lindqvist, Mira Chen")
    );
    assert_eq!(
        entries[0].summary.as_deref(),
        Some("Two new regions & a 20% price cut.")
    );
    assert_eq!(
        entries[1].published.as_deref(),
        Some("2026-02-01T12:00:00Z")
    );
    assert_eq!(
        entries[1].summary.as_deref(),
        Some("Content used as the summary when there is none.")
    );
}

#[test]
fn json_feed_items_resolve_against_the_feed_url() {
    let entries = parse(
        &fixture("jsonfeed_basic.json"),
        "https://digest.fabrikam.example/feed.json",
    )
    .unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].url, "https://digest.fabrikam.example/items/1");
    assert_eq!(
        entries[0].summary.as_deref(),
        Some("The contract covers 450 MW.")
    );
    assert_eq!(entries[0].author.as_deref(), Some("Priya Natarajan"));
    assert_eq!(entries[1].url, "https://digest.fabrikam.example/items/2");
}

#[test]
fn rss1_and_rss091_parse() {
    let rss1 = parse(
        &fixture("rss1_basic.xml"),
        "https://wire.tailspin.example/rss",
    )
    .unwrap();
    assert_eq!(rss1.len(), 2);
    assert_eq!(
        rss1[0].title.as_deref(),
        Some("Tailspin opens a second region")
    );
    assert_eq!(rss1[0].published.as_deref(), Some("2026-01-20T14:00:00Z"));
    let rss091 = parse(&fixture("rss091_basic.xml"), "http://oldtimer.example/rss").unwrap();
    assert_eq!(rss091.len(), 1);
    assert_eq!(rss091[0].url, "http://oldtimer.example/mainframes");
}

#[test]
fn declared_encodings_are_decoded() {
    let entries = parse(
        &fixture("rss2_windows1252.xml"),
        "http://legacy.example/rss",
    )
    .unwrap();
    assert_eq!(entries[0].title.as_deref(), Some("Café “quoted” costs €5"));
}

#[test]
fn entity_attacks_are_refused_quickly() {
    for name in ["billion_laughs.xml", "xxe_external.xml"] {
        let started = std::time::Instant::now();
        let err = parse(&fixture(name), "http://x.example/feed").unwrap_err();
        assert_eq!(err.class(), "parse", "{name}");
        assert!(err.to_string().contains("entity"), "{name}: {err}");
        assert!(started.elapsed().as_secs() < 1);
    }
}

#[test]
fn malformed_inputs_are_parse_errors_not_panics() {
    for name in [
        "malformed_unclosed.xml",
        "malformed_html_page.xml",
        "malformed_empty.xml",
        "malformed_garbage.xml",
    ] {
        let err = parse(&fixture(name), "http://x.example/feed").unwrap_err();
        assert_eq!(err.class(), "parse", "{name}: {err}");
    }
    assert_eq!(parse(b"<rss/>", "not a url").unwrap_err().class(), "parse");
}

#[test]
fn html_pages_announce_their_feeds() {
    let html = String::from_utf8(fixture("malformed_html_page.xml")).unwrap();
    assert_eq!(
        discover(&html, "https://site.example/blog/post"),
        ["https://site.example/real-feed.xml"]
    );
}

#[test]
fn bad_dates_and_empty_titles_do_not_lose_the_entry() {
    let xml = br#"<rss version="2.0"><channel><title>t</title>
      <item><title>  </title><link>https://h.example/x</link><pubDate>not a date</pubDate></item>
    </channel></rss>"#;
    let entries = parse(xml, "https://h.example/feed").unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].title, None);
    assert_eq!(entries[0].published, None);
}

#[test]
fn undeclared_windows_1252_bytes_still_parse() {
    let xml = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>\
      <item><title>Caf\xe9 \x93quoted\x94 \x805</title><link>http://h.example/a</link></item></channel></rss>";
    let entries = parse(xml, "http://h.example/feed").unwrap();
    assert_eq!(entries[0].title.as_deref(), Some("Café “quoted” €5"));
    let http_header_style = b"<rss version=\"2.0\"><channel><title>t</title>\
      <item><title>Na\xefve</title><link>http://h.example/b</link></item></channel></rss>";
    assert_eq!(
        parse(http_header_style, "http://h.example/feed").unwrap()[0]
            .title
            .as_deref(),
        Some("Naïve")
    );
}
