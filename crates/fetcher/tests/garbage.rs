//! The pure functions never panic, whatever bytes they are given.

use factwire_fetcher::robots::Robots;
use factwire_fetcher::{feeds, normalize_url};
use proptest::prelude::*;

/// Fragments that steer random input towards the parsers' interesting paths.
const PIECES: &[&str] = &[
    "<rss version=\"2.0\"><channel>",
    "<item>",
    "</item>",
    "<title>",
    "</title>",
    "<link>",
    "</link>",
    "&amp;",
    "&#x",
    "&#",
    ";",
    "<",
    ">",
    "<feed xmlns=\"http://www.w3.org/2005/Atom\">",
    "<entry>",
    "<link href=\"",
    "\"/>",
    "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[",
    "{\"url\":\"",
    "\"}",
    "]}",
    "<link rel=alternate type=application/rss+xml href=",
    "User-agent: *\n",
    "Disallow: /*a*$\n",
    "Crawl-delay: 1e308\n",
    "é",
    "\u{feff}",
    "\0",
    "?utm_source=x#f",
    "http://",
    "https://[::1",
    "%zz",
    "..",
    "/",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(PIECES).prop_map(str::to_owned),
            ".{0,8}"
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn feed_parsing_never_panics(text in soup(), raw in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = feeds::parse(text.as_bytes(), "https://h.example/feed");
        let _ = feeds::parse(&raw, "https://h.example/feed");
        let _ = feeds::discover(&text, "https://h.example/page");
    }

    #[test]
    fn robots_and_urls_never_panic(text in soup(), path in soup()) {
        let robots = Robots::parse(&text, "factwire");
        let _ = robots.is_allowed(&format!("/{path}"));
        if let Some(url) = normalize_url(&text) {
            prop_assert_eq!(normalize_url(&url), Some(url.clone()), "normalisation is idempotent");
        }
    }
}
