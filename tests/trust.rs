//! What a feed may make factwire read, and what a failed fetch tells: `file://` trust
//! per feed, feed items whose link cannot be an article, and the root cause of network
//! failures, all through `factwire ingest`.

use std::path::Path;

use factwire_testkit::{Route, TestServer};

use crate::util::{Dir, fixture};

fn rss(items: &[(&str, &str)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Trust</title>\
         <link>http://x/</link><description>d</description>",
    );
    for (title, link) in items {
        s.push_str(&format!(
            "<item><title>{title}</title><link>{link}</link></item>"
        ));
    }
    s.push_str("</channel></rss>");
    s
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

/// The report's skip lines with this reason, as (url, detail).
fn skips(report: &serde_json::Value, reason: &str) -> Vec<(String, String)> {
    report["skips"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"] == reason)
        .map(|s| {
            (
                s["url"].as_str().unwrap().to_string(),
                s["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_remote_feed_never_reads_local_files_even_next_to_the_demo_config() {
    let server = TestServer::new();
    // /etc/hostname, a file inside the demo's own folder that no demo feed links to,
    // and a file beside the demo site: none may be read on a remote feed's say-so.
    let inside = file_url(&fixture("sites/demo/robots.txt"));
    let beside = file_url(&fixture("sites/syndication/kestrel-job-cuts.html"));
    // And one the demo feed itself lists: refused for the remote feed, it must not
    // shadow the demo feed's own (trusted) link to it.
    let listed = file_url(&fixture("sites/demo/articles/aws-early-2026-analysis.html"));
    let links = [
        ("host", "file:///etc/hostname"),
        ("inside", inside.as_str()),
        ("beside", beside.as_str()),
        ("listed", listed.as_str()),
    ];
    server.set_route("/feed.xml", Route::ok("application/rss+xml", rss(&links)));
    let d = Dir::new();
    let report = d.json(&[
        "--config",
        "config/demo.toml",
        "ingest",
        "--feed",
        &server.url("/feed.xml"),
        "--format",
        "json",
    ]);
    // The demo's own local articles are read as before.
    assert!(report["new"].as_u64().unwrap() >= 10, "{report}");
    let refused: Vec<String> = skips(&report, "local_file")
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    for (_, link) in &links[..3] {
        assert!(refused.iter().any(|u| u == link), "{link}: {report}");
    }
    assert!(!refused.contains(&listed), "{report}");
    let stored = d.json(&["search", "Kestrel", "--format", "json"]);
    assert_eq!(stored.as_array().unwrap().len(), 0, "{stored}");
    // Every demo article is stored, as without the remote feed.
    let alone = Dir::new();
    alone.json(&["--config", "config/demo.toml", "ingest", "--format", "json"]);
    let count = |d: &Dir| d.json(&["stats", "--format", "json"])["articles"].clone();
    assert_eq!(count(&d), count(&alone));
}

/// A local site: `site/feeds/feed.xml` linking to an article in its folder, one beside
/// the folder, and `/etc/hostname`.
fn local_site(d: &Dir) -> std::path::PathBuf {
    let site = d.path().join("site");
    std::fs::create_dir_all(site.join("feeds")).unwrap();
    let copy = |from: &str, to: &str| {
        std::fs::copy(
            fixture(&format!("sites/demo/articles/{from}")),
            site.join(to),
        )
        .unwrap();
    };
    copy("openai-aws-38-billion-deal.html", "feeds/inside.html");
    copy("google-anthropic-tpu-deal.html", "beside.html");
    let items = [
        ("inside", "inside.html"),
        ("beside", "../beside.html"),
        ("host", "file:///etc/hostname"),
    ];
    std::fs::write(site.join("feeds/feed.xml"), rss(&items)).unwrap();
    site
}

#[test]
fn a_local_feed_reads_files_only_under_its_own_folder() {
    let d = Dir::new();
    let site = local_site(&d);
    let feed = site.join("feeds/feed.xml");
    let report = d.json(&[
        "ingest",
        "--feed",
        feed.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(report["new"], 1, "{report}");
    let refused: Vec<String> = skips(&report, "local_file")
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    assert_eq!(refused.len(), 2, "{report}");
    assert!(
        refused.iter().any(|u| u.ends_with("/site/beside.html")),
        "{report}"
    );
    assert!(
        refused.iter().any(|u| u == "file:///etc/hostname"),
        "{report}"
    );

    // `files_under` widens the folder to the site, and no further (a fresh store: the
    // unchanged feed file would be answered "not modified").
    let d = Dir::new();
    let config = d.path().join("site.toml");
    std::fs::write(
        &config,
        format!(
            "[[feeds]]\nurl = {:?}\nfiles_under = {:?}\n",
            feed.to_str().unwrap(),
            site.to_str().unwrap()
        ),
    )
    .unwrap();
    let wider = d.json(&[
        "--config",
        config.to_str().unwrap(),
        "ingest",
        "--format",
        "json",
    ]);
    assert_eq!(wider["new"], 2, "inside and beside: {wider}");
    let refused = skips(&wider, "local_file");
    assert_eq!(refused.len(), 1, "{wider}");
    assert_eq!(refused[0].0, "file:///etc/hostname");
    assert!(refused[0].1.contains("files_under"), "{wider}");
}

#[test]
fn files_under_on_a_remote_feed_is_a_config_error() {
    let d = Dir::new();
    let config = d.path().join("bad.toml");
    std::fs::write(
        &config,
        "[[feeds]]\nurl = \"https://news.example/feed.xml\"\nfiles_under = \"/srv\"\n",
    )
    .unwrap();
    let out = d.run(&["--config", config.to_str().unwrap(), "ingest"]);
    crate::util::assert_error(&out, 2, "files_under");
}

#[test]
fn items_with_unusable_links_are_skipped_with_a_reason() {
    let server = TestServer::serve_dir(fixture("sites/demo"));
    let items = [
        ("Empty", ""),
        ("Script", "javascript:alert(1)"),
        ("Mail", "mailto:desk@example.com"),
        ("Inline", "data:text/plain,hello"),
        ("Real", "/articles/openai-aws-38-billion-deal.html"),
    ];
    server.set_route("/feed.xml", Route::ok("application/rss+xml", rss(&items)));
    // An Atom entry with `href=""`: the parser resolves it to the feed's own URL, which
    // is how a feed used to be stored as an article.
    server.set_route(
        "/atom.xml",
        Route::ok(
            "application/atom+xml",
            "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title>\
             <id>urn:a</id><updated>2025-01-01T00:00:00Z</updated><entry><title>SelfLink</title>\
             <id>urn:1</id><updated>2025-01-01T00:00:00Z</updated><link href=\"\"/></entry></feed>",
        ),
    );
    let d = Dir::new();
    let feed = server.url("/feed.xml");
    let atom = server.url("/atom.xml");
    let report = d.json(&[
        "ingest", "--feed", &feed, "--feed", &atom, "--format", "json",
    ]);
    assert_eq!(report["new"], 1, "{report}");
    let bad = skips(&report, "bad_link");
    assert_eq!(bad.len(), 5, "{report}");
    let detail_of = |title: &str| {
        bad.iter()
            .find(|(_, d)| d.contains(&format!("\"{title}\"")))
            .unwrap_or_else(|| panic!("{title}: {report}"))
            .clone()
    };
    let empty = detail_of("Empty").1;
    assert!(empty.contains("empty"), "{empty}");
    assert_eq!(detail_of("Empty").0, feed);
    for (title, scheme) in [
        ("Script", "javascript:"),
        ("Mail", "mailto:"),
        ("Inline", "data:"),
    ] {
        let (url, detail) = detail_of(title);
        assert!(detail.contains(scheme), "{detail}");
        assert!(url.starts_with(scheme), "{url}");
    }
    let (url, detail) = detail_of("SelfLink");
    assert_eq!(url, atom);
    assert!(detail.contains("back at the feed"), "{detail}");
    // Neither feed became an article.
    assert_eq!(server.hits("/feed.xml"), 1);
    assert_eq!(server.hits("/atom.xml"), 1);
    let stats = d.json(&["stats", "--format", "json"]);
    assert_eq!(stats["articles"], 1, "{stats}");
}

#[test]
fn network_failures_carry_their_root_cause() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let server = TestServer::new();
    server.set_route(
        "/cut.html",
        Route::truncated("text/html", "<html><body><p>only part", 10_000),
    );
    server.set_route(
        "/stuck.html",
        Route::ok("text/html", "<p>late</p>").with_delay(std::time::Duration::from_millis(2500)),
    );
    server.set_route(
        "/feed.xml",
        Route::ok(
            "application/rss+xml",
            rss(&[("cut", "/cut.html"), ("stuck", "/stuck.html")]),
        ),
    );
    let d = Dir::new();
    let config = d.path().join("fetch.toml");
    std::fs::write(
        &config,
        "[fetch]\nretries = 0\ntimeout_secs = 1\nper_host_delay_ms = 0\n",
    )
    .unwrap();
    let dead = format!("http://127.0.0.1:{port}/feed.xml");
    let out = d.run(&[
        "--config",
        config.to_str().unwrap(),
        "ingest",
        "--feed",
        &dead,
        "--feed",
        &server.url("/feed.xml"),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let detail = |suffix: &str| {
        report["failures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["url"].as_str().unwrap().ends_with(suffix))
            .map(|f| {
                (
                    f["reason"].as_str().unwrap().to_string(),
                    f["detail"].as_str().unwrap().to_string(),
                )
            })
            .unwrap_or_else(|| panic!("{suffix}: {report}"))
    };
    let (reason, refused) = detail(&format!("{port}/feed.xml"));
    assert_eq!(reason, "connect");
    assert!(
        refused.to_ascii_lowercase().contains("connection refused"),
        "{refused}"
    );
    let (reason, cut) = detail("/cut.html");
    assert_eq!(reason, "io");
    assert!(cut.contains("24 of 10000 bytes arrived"), "{cut}");
    let (reason, stuck) = detail("/stuck.html");
    assert_eq!(reason, "timeout");
    assert!(stuck.contains("within 1 s (timeout_secs)"), "{stuck}");
}
