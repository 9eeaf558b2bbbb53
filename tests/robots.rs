//! robots.txt as sites write it, through `factwire ingest`: the testkit server serves a
//! robots.txt and a feed; which articles are fetched (the server's own log) and which are
//! skipped as `robots` (the run report) show how the file was read.

use factwire_testkit::{Route, TestServer};

use crate::util::{Dir, fixture};

/// An RSS feed linking to `links`.
fn rss(links: &[&str]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Robots</title>\
         <link>http://x/</link><description>d</description>",
    );
    for (i, link) in links.iter().enumerate() {
        s.push_str(&format!(
            "<item><title>Item {i}</title><link>{link}</link></item>"
        ));
    }
    s.push_str("</channel></rss>");
    s
}

/// Serves `robots` and one distinct demo article at each of `paths` (as requested,
/// percent-encoded), ingests a feed linking to `links`, and returns the server and
/// the report.
fn ingest_under(robots: Route, paths: &[&str], links: &[&str]) -> (TestServer, serde_json::Value) {
    let server = TestServer::new();
    let mut articles: Vec<_> = std::fs::read_dir(fixture("sites/demo/articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    articles.sort();
    for (path, file) in paths.iter().zip(&articles) {
        let body = std::fs::read(file).unwrap();
        server.set_route(path, Route::ok("text/html; charset=utf-8", body));
    }
    server.set_route("/robots.txt", robots);
    server.set_route("/feed.xml", Route::ok("application/rss+xml", rss(links)));
    let d = Dir::new();
    let report = d.json(&[
        "ingest",
        "--feed",
        &server.url("/feed.xml"),
        "--format",
        "json",
    ]);
    (server, report)
}

/// The same with links equal to the paths.
fn ingest_paths(robots: &str, paths: &[&str]) -> (TestServer, serde_json::Value) {
    ingest_under(Route::robots(robots), paths, paths)
}

/// The URLs the report skipped for robots.txt.
fn robots_skips(report: &serde_json::Value) -> Vec<String> {
    report["skips"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"] == "robots")
        .map(|s| s["url"].as_str().unwrap().to_string())
        .collect()
}

/// Asserts `/private/a.html` was skipped for robots (never requested) and
/// `/public/b.html` fetched.
fn assert_private_skipped(robots: &str) {
    let (server, report) = ingest_paths(robots, &["/private/a.html", "/public/b.html"]);
    let skips = robots_skips(&report);
    assert_eq!(skips.len(), 1, "{robots:?}: {report}");
    assert!(
        skips[0].ends_with("/private/a.html"),
        "{robots:?}: {report}"
    );
    assert_eq!(server.hits("/private/a.html"), 0, "{robots:?}");
    assert_eq!(server.hits("/public/b.html"), 1, "{robots:?}: {report}");
}

#[test]
fn a_sitemap_line_between_user_agents_does_not_split_the_group() {
    // Both agents share the rules; before, factwire's group ended at the Sitemap line
    // and it was allowed everywhere.
    assert_private_skipped(
        "User-agent: factwire\nSitemap: https://x.example/sitemap.xml\nUser-agent: otherbot\n\
         Disallow: /private/\n",
    );
}

#[test]
fn an_unknown_line_between_user_agents_does_not_split_the_group() {
    assert_private_skipped(
        "User-agent: factwire\nX-Unknown-Field: whatever\nUser-agent: otherbot\n\
         Disallow: /private/\n",
    );
}

#[test]
fn group_names_are_whole_tokens_not_prefixes() {
    // `factwi` is not factwire, and neither is `factwirex`: the `*` group applies.
    assert_private_skipped(
        "User-agent: factwi\nDisallow: /\n\nUser-agent: factwirex\nDisallow: /\n\n\
         User-agent: *\nDisallow: /private/\n",
    );
}

#[test]
fn a_group_value_is_cut_at_the_first_space_or_slash() {
    for robots in [
        "User-agent: factwire/2.0\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n",
        "User-agent: FactWire bot (+https://x)\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n",
    ] {
        assert_private_skipped(robots);
    }
}

#[test]
fn non_ascii_rule_paths_are_percent_encoded_before_matching() {
    let encoded = "/caf%C3%A9/a.html";
    let (server, report) = ingest_under(
        Route::robots("User-agent: *\nDisallow: /café/\n"),
        &[encoded, "/public/b.html"],
        &["/café/a.html", "/public/b.html"],
    );
    assert_eq!(robots_skips(&report).len(), 1, "{report}");
    assert_eq!(server.hits(encoded), 0, "{report}");
    assert_eq!(server.hits("/public/b.html"), 1, "{report}");
}

#[test]
fn bare_cr_line_endings_keep_their_rules() {
    assert_private_skipped("User-agent: *\rAllow: /public/\rDisallow: /private/\r");
}

#[test]
fn a_byte_order_mark_keeps_the_first_line() {
    assert_private_skipped("\u{feff}User-agent: *\nDisallow: /private/\n");
}

#[test]
fn longest_match_allow_ties_wildcards_and_end_anchors() {
    let robots = "User-agent: *\nDisallow: /private/\nAllow: /private/open\n\
                  Disallow: /*.htm$\nAllow: /tie\nDisallow: /tie\n";
    let paths = [
        "/private/a.html",    // disallowed
        "/private/open.html", // the longer allow wins
        "/news/a.htm",        // `*` and `$`: disallowed
        "/news/b.htm?page=2", // `$` anchors the end: the query is past it
        "/tie.html",          // equal length: allow wins
    ];
    let (server, report) = ingest_paths(robots, &paths);
    let hits: Vec<usize> = paths
        .iter()
        .map(|p| server.hits(p.split('?').next().unwrap()))
        .collect();
    assert_eq!(hits, [0, 1, 0, 1, 1], "{report}");
    assert_eq!(robots_skips(&report).len(), 2, "{report}");
}

#[test]
fn a_server_error_for_robots_txt_disallows_everything_and_a_404_allows_everything() {
    let paths = ["/private/a.html", "/public/b.html"];
    let (server, report) = ingest_under(Route::status(503), &paths, &paths);
    assert_eq!(robots_skips(&report).len(), 2, "{report}");
    assert_eq!(server.hits("/public/b.html"), 0);
    let (server, report) = ingest_under(Route::status(404), &paths, &paths);
    assert!(robots_skips(&report).is_empty(), "{report}");
    assert_eq!(server.hits("/private/a.html"), 1);
    assert_eq!(server.hits("/public/b.html"), 1);
}

#[test]
fn only_the_first_500_kib_of_robots_txt_count() {
    // A rule past the limit is not read (and the oversized file is not an error).
    let padding = "# padding to push the next rule past 500 KiB\n".repeat(12_000);
    let robots = format!("User-agent: *\nDisallow: /private/\n{padding}Disallow: /public/\n");
    assert!(robots.len() > 500 * 1024);
    assert_private_skipped(&robots);
}
