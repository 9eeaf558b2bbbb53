//! `factwire ingest` over real HTTP: the testkit server on 127.0.0.1 serving the demo
//! site, with fault routes.

use factwire_testkit::{Route, TestServer};

use crate::util::{Dir, fixture};

fn rss(items: &[&str]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Faults</title><link>http://x/</link><description>d</description>",
    );
    for (i, link) in items.iter().enumerate() {
        s.push_str(&format!(
            "<item><title>Item {i}</title><link>{link}</link></item>"
        ));
    }
    s.push_str("</channel></rss>");
    s
}

/// `factwire ingest ARGS --format json`, parsed.
fn ingest_json(d: &Dir, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["ingest"];
    all.extend_from_slice(args);
    all.extend(["--format", "json"]);
    d.json(&all)
}

#[test]
fn feed_over_http_then_search_facts_and_a_conditional_rerun() {
    let server = TestServer::serve_dir(fixture("sites/demo"));
    let d = Dir::new();
    let feed = server.url("/feeds/rss.xml");
    let report = ingest_json(&d, &["--feed", &feed]);
    assert_eq!(report["failed"], 0, "{report}");
    let new = report["new"].as_u64().unwrap();
    assert!(new >= 10, "{report}");

    let hits = d.json(&["search", "layoffs", "--format", "json", "--limit", "20"]);
    let found: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap())
        .collect();
    assert!(
        found.iter().any(|u| u.contains("aws-early-2026-analysis")),
        "{found:?}"
    );
    let csv = d.ok(&["facts", "--subject", "AWS", "--format", "csv"]);
    assert!(
        csv.lines()
            .any(|l| l.contains("revenue") && l.contains("35600000000")),
        "{csv}"
    );

    // Nothing changed: exactly one (conditional) request for the feed, none for articles.
    server.clear_requests();
    let again = ingest_json(&d, &["--feed", &feed]);
    assert_eq!(again["new"], 0, "{again}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].path_only(), "/feeds/rss.xml");
    assert_eq!(reqs[0].status, 304);
}

#[test]
fn failing_articles_are_report_lines_not_a_failed_run() {
    let server = TestServer::serve_dir(fixture("sites/demo"));
    server.set_route("/gone.html", Route::status(404));
    server.set_route("/broken.html", Route::status(500));
    server.set_route(
        "/feeds/faulty.xml",
        Route::ok(
            "application/rss+xml",
            rss(&[
                "/articles/openai-aws-38-billion-deal.html",
                "/gone.html",
                "/broken.html",
            ]),
        ),
    );
    let d = Dir::new();
    let report = ingest_json(&d, &["--feed", &server.url("/feeds/faulty.xml")]);
    assert_eq!(report["new"], 1, "{report}");
    assert_eq!(report["failed"], 2, "{report}");
    let reasons: Vec<&str> = report["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"not_found"), "{reasons:?}");
    // The 500 was retried before giving up.
    assert!(server.hits("/broken.html") >= 2);
}

#[test]
fn robots_and_private_addresses_are_skipped_and_reported() {
    let server = TestServer::serve_dir(fixture("sites/demo"));
    server.set_route(
        "/robots.txt",
        Route::robots("User-agent: *\nDisallow: /private/\n"),
    );
    server.set_route("/private/a.html", Route::ok("text/html", "<p>secret</p>"));
    // A link to another host name that resolves to loopback is not trusted.
    let elsewhere = server.localhost_url("/articles/google-anthropic-tpu-deal.html");
    server.set_route(
        "/feeds/mixed.xml",
        Route::ok(
            "application/rss+xml",
            rss(&[
                "/private/a.html",
                "/articles/trainium3-reinvent-2025.html",
                &elsewhere,
            ]),
        ),
    );
    let d = Dir::new();
    let report = ingest_json(&d, &["--feed", &server.url("/feeds/mixed.xml")]);
    assert_eq!(report["new"], 1, "{report}");
    assert_eq!(report["skipped"], 2, "{report}");
    let reasons: Vec<&str> = report["skips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"robots"), "{reasons:?}");
    assert!(reasons.contains(&"private_address"), "{reasons:?}");
    assert_eq!(server.hits("/private/a.html"), 0);
}

#[test]
fn every_feed_failing_is_exit_status_one() {
    let server = TestServer::new();
    server.set_route("/feed.xml", Route::status(503));
    let d = Dir::new();
    let out = d.run(&[
        "ingest",
        "--feed",
        &server.url("/feed.xml"),
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["failed"], 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
}

#[test]
fn a_run_killed_mid_way_leaves_store_and_index_in_step() {
    let server = TestServer::serve_dir(fixture("sites/demo"));
    let articles = std::fs::read_dir(fixture("sites/demo/articles")).unwrap();
    let mut links = Vec::new();
    for entry in articles {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let path = format!("/articles/{name}");
        let body = std::fs::read(fixture("sites/demo/articles").join(&name)).unwrap();
        server.set_route(
            &path,
            Route::ok("text/html; charset=utf-8", body)
                .with_delay(std::time::Duration::from_millis(150)),
        );
        links.push(path);
    }
    let refs: Vec<&str> = links.iter().map(String::as_str).collect();
    server.set_route(
        "/feeds/slow.xml",
        Route::ok("application/rss+xml", rss(&refs)),
    );
    let d = Dir::new();
    let feed = server.url("/feeds/slow.xml");
    let mut child = d.cmd(&["ingest", "--feed", &feed, "-q"]).spawn().unwrap();
    // Kill -9 once some articles are in.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while server.requests().len() < 8 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    child.kill().unwrap();
    child.wait().unwrap();
    // The next run finishes the job; store and index agree, nothing twice.
    let report = ingest_json(&d, &["--feed", &feed]);
    assert_eq!(report["failed"], 0, "{report}");
    let stats = d.json(&["stats", "--format", "json"]);
    assert_eq!(
        stats["articles"].as_u64().unwrap(),
        links.len() as u64,
        "{stats}"
    );
    assert_eq!(stats["indexed"], stats["articles"], "{stats}");
}

#[test]
fn a_host_that_asked_us_to_wait_is_left_alone_by_the_next_run() {
    let server = TestServer::serve_dir(fixture("sites/demo"));
    server.set_route(
        "/robots.txt",
        Route::robots("User-agent: *\nCrawl-delay: 1\n"),
    );
    // An hour is beyond the retry cap: the run gives up on the host at once.
    server.set_route("/slow-down.html", Route::too_many_requests("3600"));
    server.set_route(
        "/feeds/polite.xml",
        Route::ok("application/rss+xml", rss(&["/slow-down.html"])),
    );
    let d = Dir::new();
    let feed = server.url("/feeds/polite.xml");
    let first = ingest_json(&d, &["--feed", &feed]);
    assert_eq!(first["failed"], 1, "{first}");
    assert_eq!(server.hits("/slow-down.html"), 1, "no retry inside the run");

    // The store remembers both what Retry-After and robots.txt asked.
    let stats = d.json(&["stats", "--format", "json"]);
    let hosts = stats["hosts"].as_array().unwrap();
    assert_eq!(hosts.len(), 1, "{stats}");
    assert_eq!(hosts[0]["host"], server.addr().to_string(), "{stats}");
    assert_eq!(hosts[0]["crawl_delay_ms"], 1000, "{stats}");
    let until = hosts[0]["retry_after_until"].as_str().unwrap();
    let until = chrono::DateTime::parse_from_rfc3339(until).unwrap();
    let left = until.timestamp() - chrono::Utc::now().timestamp();
    assert!((3500..=3600).contains(&left), "{left} s left: {stats}");

    // The next cron run sends nothing to that host, not even the feed request, and
    // says why; skipping is not a failed run.
    server.clear_requests();
    let out = d.run(&["ingest", "--feed", &feed, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let second: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    let skips = second["skips"].as_array().unwrap();
    assert!(
        skips
            .iter()
            .any(|s| s["url"] == feed.as_str() && s["reason"] == "backoff"),
        "{second}"
    );
}

#[test]
fn a_site_url_is_read_through_the_feed_it_announces() {
    let server = TestServer::serve_dir(fixture("sites/demo"));
    server.set_route(
        "/",
        Route::ok(
            "text/html; charset=utf-8",
            "<!doctype html><html><head><title>Cloud news</title>\
             <link rel=\"alternate\" type=\"application/rss+xml\" title=\"RSS\" \
             href=\"/feeds/rss.xml\"></head><body><h1>Cloud news</h1></body></html>",
        ),
    );
    let d = Dir::new();
    let site = server.url("/");
    let report = ingest_json(&d, &["--feed", &site]);
    assert_eq!(report["failed"], 0, "{report}");
    assert!(report["new"].as_u64().unwrap() >= 10, "{report}");
    assert_eq!(server.hits("/feeds/rss.xml"), 1);

    // The next run asks the discovered feed directly, conditionally: one request.
    server.clear_requests();
    let again = ingest_json(&d, &["--feed", &site]);
    assert_eq!(again["new"], 0, "{again}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].path_only(), "/feeds/rss.xml");
    assert_eq!(reqs[0].status, 304);

    // A page that announces no feed is a clear failure of that feed.
    server.set_route(
        "/about",
        Route::ok("text/html", "<html><body>About</body></html>"),
    );
    let out = d.run(&[
        "ingest",
        "--feed",
        &server.url("/about"),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let detail = report["failures"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("where a feed was expected"), "{report}");
}

#[test]
fn feed_titles_are_decoded_and_future_dates_are_not_trusted() {
    let server = TestServer::new();
    // A page with a body but no title or date of its own: the feed's are the fallback.
    let body = "Zebracloud, a small cloud provider, said on Tuesday it had signed a \
                five-year contract to host workloads for a regional carrier. ";
    server.set_route(
        "/bare.html",
        Route::ok(
            "text/html; charset=utf-8",
            format!(
                "<html><body><div><p>{}</p><p>{}</p></div></body></html>",
                body.repeat(3),
                body
            ),
        ),
    );
    let feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>\
        <link>http://x/</link><description>d</description><item>\
        <title>AT&amp;amp;T &amp;#8217;s &lt;b&gt;cloud&lt;/b&gt; deal</title>\
        <link>/bare.html</link><pubDate>Fri, 01 Jan 2099 00:00:00 GMT</pubDate>\
        </item></channel></rss>";
    server.set_route("/feed.xml", Route::ok("application/rss+xml", feed));
    let d = Dir::new();
    let report = ingest_json(&d, &["--feed", &server.url("/feed.xml")]);
    assert_eq!(report["new"], 1, "{report}");
    let a = d.json(&["show", "1", "--format", "json"]);
    assert_eq!(a["title"], "AT&T \u{2019}s cloud deal", "{a}");
    assert!(
        a["published"].is_null(),
        "a date in 2099 is not a publication date: {a}"
    );
    // The page says the same sentence four times; its summary says it once.
    assert_eq!(a["summary"].as_array().unwrap().len(), 1, "{a}");
}

/// Writes a config with a `[fetch]` table into the test's directory; returns its path.
fn fetch_config(d: &Dir, fetch: &str) -> String {
    let path = d.path().join("fetch.toml");
    std::fs::write(&path, format!("[fetch]\n{fetch}\n")).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_slow_host_does_not_stall_the_others_and_each_host_is_paced() {
    let page = |n: usize| {
        format!(
            "<html><head><title>Item {n}</title></head><body><article><p>Cloud item {n}: \
             the operator added capacity in region {n} for customers training models, \
             and said demand would outrun supply until the new campus opens.</p>\
             </article></body></html>"
        )
    };
    let slow = TestServer::new();
    let fast = TestServer::new();
    let mut slow_links = Vec::new();
    for n in 0..3 {
        let path = format!("/slow/{n}.html");
        slow.set_route(
            &path,
            Route::ok("text/html", page(n)).with_delay(std::time::Duration::from_millis(700)),
        );
        slow_links.push(path);
    }
    let mut fast_links = Vec::new();
    for n in 10..16 {
        let path = format!("/fast/{n}.html");
        fast.set_route(&path, Route::ok("text/html", page(n)));
        fast_links.push(path);
    }
    fn refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    slow.set_route(
        "/feed.xml",
        Route::ok("application/rss+xml", rss(&refs(&slow_links))),
    );
    fast.set_route(
        "/feed.xml",
        Route::ok("application/rss+xml", rss(&refs(&fast_links))),
    );
    let d = Dir::new();
    let config = fetch_config(
        &d,
        "concurrency = 4\nper_host_concurrency = 1\nper_host_delay_ms = 150",
    );
    let report = ingest_json(
        &d,
        &[
            "--config",
            &config,
            "--feed",
            &slow.url("/feed.xml"),
            "--feed",
            &fast.url("/feed.xml"),
        ],
    );
    assert_eq!(report["new"], 9, "{report}");

    let articles = |s: &TestServer, prefix: &str| {
        let mut at: Vec<std::time::Instant> = s
            .requests()
            .into_iter()
            .filter(|r| r.path.starts_with(prefix))
            .map(|r| r.at)
            .collect();
        at.sort();
        at
    };
    let (slow_at, fast_at) = (articles(&slow, "/slow/"), articles(&fast, "/fast/"));
    assert_eq!((slow_at.len(), fast_at.len()), (3, 6));
    // The fast host was done before the slow host's last article was even asked for.
    assert!(
        fast_at.last() < slow_at.last(),
        "the slow host held the fast one back"
    );
    // Each host's requests start at least per_host_delay_ms apart (150 ms, with some
    // slack for when the server thread reads the request head).
    for w in fast_at.windows(2) {
        assert!(
            w[1] - w[0] >= std::time::Duration::from_millis(120),
            "{fast_at:?}"
        );
    }
    // robots.txt once per host per run, not once per article.
    assert_eq!((slow.hits("/robots.txt"), fast.hits("/robots.txt")), (1, 1));
}

#[test]
fn faults_are_classified_and_recoverable_ones_retried() {
    let server = TestServer::new();
    let article = "<html><head><title>Recovered</title></head><body><article><p>The \
                   cloud provider recovered after a brief outage and served customers \
                   in every region again by the afternoon, it said.</p></article></body></html>";
    server.set_routes(
        "/flaky.html",
        vec![Route::status(503), Route::ok("text/html", article)],
    );
    server.set_route("/gone.html", Route::status(404));
    server.set_route("/forbidden.html", Route::status(403));
    server.set_route(
        "/wall.html",
        Route::ok(
            "text/html",
            "<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>",
        ),
    );
    server.set_route(
        "/consent.html",
        Route::ok(
            "text/html",
            "<html><head><title>Before you continue to Google</title></head><body>\
             <form action=\"https://consent.google.com/save\">Accept all</form></body></html>",
        ),
    );
    server.set_route(
        "/bomb.html",
        Route::gzip_bomb("text/html", 64 * 1024 * 1024),
    );
    server.set_route(
        "/huge.html",
        Route::huge("text/html", 32 * 1024 * 1024, false),
    );
    server.set_route("/loop.html", Route::redirect(302, "/loop.html"));
    server.set_route(
        "/cut.html",
        Route::truncated("text/html", "<html><body><p>only part", 10_000),
    );
    server.set_route("/cp1252.html", Route::windows_1252_page(false));
    server.set_route("/report.pdf", Route::ok("application/pdf", "%PDF-1.4 ..."));
    server.set_route(
        "/stuck.html",
        Route::ok("text/html", "<p>late</p>").with_delay(std::time::Duration::from_millis(2500)),
    );
    let links = [
        "/flaky.html",
        "/gone.html",
        "/forbidden.html",
        "/wall.html",
        "/consent.html",
        "/bomb.html",
        "/huge.html",
        "/loop.html",
        "/cut.html",
        "/cp1252.html",
        "/report.pdf",
        "/stuck.html",
    ];
    server.set_route("/feed.xml", Route::ok("application/rss+xml", rss(&links)));
    let d = Dir::new();
    let config = fetch_config(
        &d,
        "per_host_delay_ms = 0\nretry_base_ms = 10\nretries = 1\ntimeout_secs = 1\n\
         user_agent = \"factwire-test/1 (+https://ops.example/factwire)\"",
    );
    let out = d.run(&[
        "ingest",
        "--config",
        &config,
        "--feed",
        &server.url("/feed.xml"),
        "--format",
        "json",
    ]);
    // Failed articles are report lines; the run itself did its work.
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["new"], 2, "{report}");
    let reason = |path: &str| {
        report["failures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["url"].as_str().unwrap().ends_with(path))
            .map(|f| f["reason"].as_str().unwrap().to_string())
    };
    for (path, expected) in [
        ("/gone.html", "not_found"),
        ("/forbidden.html", "blocked"),
        ("/wall.html", "blocked"),
        ("/consent.html", "blocked"),
        ("/bomb.html", "too_large"),
        ("/huge.html", "too_large"),
        ("/loop.html", "redirect"),
        ("/cut.html", "io"),
        ("/report.pdf", "unsupported"),
        ("/stuck.html", "timeout"),
    ] {
        assert_eq!(reason(path).as_deref(), Some(expected), "{path}: {report}");
    }
    // 503 is retried (and then succeeds); 404 and 403 are not.
    assert_eq!(server.hits("/flaky.html"), 2);
    assert_eq!(server.hits("/gone.html"), 1);
    assert_eq!(server.hits("/forbidden.html"), 1);
    // An undeclared windows-1252 page is detected and stored as proper text.
    let hits = d.json(&["search", "costs", "--format", "json"]);
    let id = hits[0]["id"].as_i64().unwrap().to_string();
    let page = d.json(&["show", &id, "--format", "json"]);
    assert!(
        page["text"]
            .as_str()
            .unwrap()
            .contains("Caf\u{e9} \u{201c}quoted\u{201d} costs \u{20ac}5"),
        "{page}"
    );
    // Every request names us, with the contact URL from the config.
    for r in server.requests() {
        assert_eq!(
            r.header("user-agent"),
            Some("factwire-test/1 (+https://ops.example/factwire)"),
            "{r:?}"
        );
    }

    // The next run does not hammer what just failed: each failed link waits out its
    // backoff (reported as skipped), and nothing is asked of the server but the feed.
    server.clear_requests();
    let again = ingest_json(
        &d,
        &["--config", &config, "--feed", &server.url("/feed.xml")],
    );
    let waiting = again["skips"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"] == "backoff")
        .count();
    assert_eq!(waiting, 10, "{again}");
    let asked: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(asked, ["/feed.xml"], "{again}");
}

#[test]
fn one_article_however_it_is_linked_and_updated_in_place_when_it_changes() {
    let server = TestServer::new();
    let page = |extra: &str| {
        format!(
            "<html><head><title>Zebracloud wins carrier deal</title>\
             <link rel=\"canonical\" href=\"https://news.example/zebracloud-deal\"></head>\
             <body><article><p>Zebracloud said on Tuesday it had signed a five-year \
             contract worth $40 million to host workloads for a regional carrier, its \
             largest deal so far.</p><p>{extra}</p></article></body></html>"
        )
    };
    server.set_route("/a.html", Route::ok("text/html", page("Shares rose 3%.")));
    // Another URL for the same story (its canonical link says so).
    server.set_route(
        "/amp/a.html",
        Route::ok("text/html", page("Shares rose 3%.")),
    );
    let https_link = server.url("/a.html").replacen("http://", "https://", 1);
    let item = |link: &str, date: Option<&str>| {
        format!(
            "<item><title>Deal</title><link>{link}</link>{}</item>",
            date.map(|d| format!("<pubDate>{d}</pubDate>"))
                .unwrap_or_default()
        )
    };
    let feed = |items: &[String]| {
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>\
             <link>http://x/</link><description>d</description>{}</channel></rss>",
            items.concat()
        )
    };
    server.set_route(
        "/one.xml",
        Route::ok(
            "application/rss+xml",
            feed(&[
                item("/a.html?utm_source=rss&amp;utm_medium=feed", None),
                item("/amp/a.html", None),
            ]),
        ),
    );
    server.set_route(
        "/two.xml",
        Route::ok(
            "application/rss+xml",
            feed(&[item("/a.html", None), item(&https_link, None)]),
        ),
    );
    let d = Dir::new();
    let (one, two) = (server.url("/one.xml"), server.url("/two.xml"));
    let ingest = || ingest_json(&d, &["--feed", &one, "--feed", &two]);
    let first = ingest();
    // Tracking parameters, a second feed and https do not make new articles (and the
    // https link is not even fetched); the canonical link folds the AMP copy in.
    assert_eq!(first["articles_seen"], 2, "{first}");
    assert_eq!(
        (first["new"].as_u64(), first["unchanged"].as_u64()),
        (Some(1), Some(1)),
        "{first}"
    );
    assert_eq!(server.hits("/a.html"), 1);
    assert_eq!(d.json(&["stats", "--format", "json"])["articles"], 1);

    // The story changes and its feed entry says so: updated in place, facts replaced.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    server.set_route(
        "/a.html",
        Route::ok("text/html", page("Shares rose 7% by the close.")),
    );
    let now = chrono::Utc::now().to_rfc2822();
    server.set_route(
        "/one.xml",
        Route::ok("application/rss+xml", feed(&[item("/a.html", Some(&now))])),
    );
    let second = ingest();
    assert_eq!(
        (second["new"].as_u64(), second["updated"].as_u64()),
        (Some(0), Some(1)),
        "{second}"
    );
    let stats = d.json(&["stats", "--format", "json"]);
    assert_eq!(stats["articles"], 1, "{stats}");
    let csv = d.ok(&["facts", "--kind", "percent", "--format", "csv"]);
    assert!(csv.contains("7%") && !csv.contains("3%"), "{csv}");
    let hits = d.json(&["search", "shares close", "--format", "json"]);
    assert_eq!(hits.as_array().unwrap().len(), 1, "indexed once: {hits}");
}

#[test]
fn a_page_dated_in_the_future_keeps_no_such_date() {
    let server = TestServer::new();
    let page = |date: &str, text: &str| {
        format!(
            "<html><head><title>Quaggacloud opens a region</title>\
             <meta property=\"article:published_time\" content=\"{date}\"></head><body>\
             <article><p>{text}</p></article></body></html>"
        )
    };
    server.set_route(
        "/future.html",
        Route::ok(
            "text/html",
            page(
                "2099-05-01T09:00:00Z",
                "Quaggacloud opened a cloud region in Lisbon on Monday, its third in \
                 Europe, and said two more would follow before the end of the year.",
            ),
        ),
    );
    server.set_route(
        "/past.html",
        Route::ok(
            "text/html",
            page(
                "2026-02-03T09:00:00Z",
                "Lisbon gets a Quaggacloud data centre: the provider signed a lease for \
                 twelve megawatts near the airport, with customers moving in by spring.",
            ),
        ),
    );
    let d = Dir::new();
    for (path, expected) in [
        ("/future.html", None),
        ("/past.html", Some("2026-02-03T09:00:00Z")),
    ] {
        let report = ingest_json(&d, &[&server.url(path)]);
        assert_eq!(report["new"], 1, "{report}");
        let hits = d.json(&[
            "search",
            "Quaggacloud Lisbon",
            "--format",
            "json",
            "--sort",
            "newest",
        ]);
        let hit = hits
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["url"].as_str().unwrap().ends_with(path))
            .unwrap_or_else(|| panic!("{hits}"));
        assert_eq!(hit["published"].as_str(), expected, "{hit}");
    }
}

#[test]
fn crawl_delay_spaces_one_hosts_article_requests() {
    let server = TestServer::new();
    server.set_route(
        "/robots.txt",
        Route::robots("User-agent: *\nCrawl-delay: 1\n"),
    );
    let mut links = Vec::new();
    for n in 0..3 {
        let path = format!("/p/{n}.html");
        server.set_route(
            &path,
            Route::ok(
                "text/html",
                format!(
                    "<html><body><article><p>Page {n}: the provider said capacity in \
                     region {n} would double by the autumn, as customers queued for \
                     accelerators and power.</p></article></body></html>"
                ),
            ),
        );
        links.push(path);
    }
    let refs: Vec<&str> = links.iter().map(String::as_str).collect();
    server.set_route("/feed.xml", Route::ok("application/rss+xml", rss(&refs)));
    let d = Dir::new();
    // No delay of our own: the gaps below come from robots.txt alone.
    let config = fetch_config(&d, "per_host_delay_ms = 0\nper_host_concurrency = 4");
    let report = ingest_json(
        &d,
        &["--config", &config, "--feed", &server.url("/feed.xml")],
    );
    assert_eq!(report["new"], 3, "{report}");
    let mut at: Vec<std::time::Instant> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/p/"))
        .map(|r| r.at)
        .collect();
    at.sort();
    for w in at.windows(2) {
        assert!(
            w[1] - w[0] >= std::time::Duration::from_millis(900),
            "{at:?}"
        );
    }
}

/// Random bytes and a program binary served as `text/html` are not articles: each is
/// skipped with reason `not_text`, and the real article beside them is stored.
#[test]
fn binary_pages_are_skipped_as_not_text() {
    let server = TestServer::serve_dir(fixture("sites/demo"));
    let mut x: u32 = 0x9E37_79B9;
    let noise: Vec<u8> = (0..20_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[1]
        })
        .collect();
    let mut program = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    program.extend(std::iter::repeat_n(0u8, 500));
    program.extend(b"<p>revenue rose 24% to $35.6 billion</p>".iter());
    server.set_route("/noise.html", Route::ok("text/html", noise));
    server.set_route(
        "/program.html",
        Route::ok("text/html; charset=utf-8", program),
    );
    server.set_route(
        "/feeds/binary.xml",
        Route::ok(
            "application/rss+xml",
            rss(&[
                "/articles/openai-aws-38-billion-deal.html",
                "/noise.html",
                "/program.html",
            ]),
        ),
    );
    let d = Dir::new();
    let report = ingest_json(&d, &["--feed", &server.url("/feeds/binary.xml")]);
    assert_eq!(report["new"], 1, "{report}");
    assert_eq!(report["failed"], 0, "{report}");
    assert_eq!(report["skipped"], 2, "{report}");
    for skip in report["skips"].as_array().unwrap() {
        assert_eq!(skip["reason"], "not_text", "{report}");
    }
    let stats = d.json(&["stats", "--format", "json"]);
    assert_eq!(stats["articles"], 1, "{stats}");
}
