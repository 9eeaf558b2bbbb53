//! HTTP behaviours against testkit's server on 127.0.0.1. Every test asserts on what the
//! server saw as well as on the outcome.

use std::time::{Duration, Instant};

use factwire_fetcher::{Error, FetchRequest, Outcome, RequestKind, SkipReason, feeds};
use factwire_testkit::{Route, TIMING_TOLERANCE, TestServer, fixtures_dir, min_gap};

use crate::fetcher;

const RSS: &str = r#"<rss version="2.0"><channel><title>t</title><item><title>a</title><link>/a</link></item></channel></rss>"#;

fn feed(url: String) -> FetchRequest {
    FetchRequest::new(url, RequestKind::Feed).trusted()
}

fn article(url: String) -> FetchRequest {
    FetchRequest::new(url, RequestKind::Article).trusted()
}

#[test]
fn conditional_get_turns_into_not_modified() {
    let server = TestServer::serve_dir(fixtures_dir().join("feeds"));
    let f = fetcher(|_| {});
    let url = server.url("/rss2_basic.xml");
    let Outcome::Fetched(page) = f.fetch_one(feed(url.clone())).outcome else {
        panic!()
    };
    assert_eq!(page.status, 200);
    let etag = page.etag.clone().expect("etag");
    let lm = page.last_modified.clone().expect("last-modified");
    assert!(
        !feeds::parse(&page.body, &page.final_url)
            .unwrap()
            .is_empty()
    );

    let by_etag = f.fetch_one(feed(url.clone()).with_validators(Some(etag.clone()), None));
    assert!(
        matches!(by_etag.outcome, Outcome::NotModified),
        "{:?}",
        by_etag.outcome
    );
    let by_date = f.fetch_one(feed(url.clone()).with_validators(None, Some(lm.clone())));
    assert!(
        matches!(by_date.outcome, Outcome::NotModified),
        "{:?}",
        by_date.outcome
    );

    let seen = server.requests_to("/rss2_basic.xml");
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[1].header("if-none-match"), Some(etag.as_str()));
    assert_eq!(seen[2].header("if-modified-since"), Some(lm.as_str()));
    assert_eq!(seen[2].status, 304);
    assert!(
        seen[0]
            .header("user-agent")
            .unwrap()
            .starts_with("factwire/")
    );
    assert!(
        seen[0]
            .header("accept")
            .unwrap()
            .contains("application/rss+xml")
    );
}

#[test]
fn untrusted_loopback_is_refused_by_literal_and_by_name() {
    let server = TestServer::new();
    server.set_route("/x", Route::ok("text/html", "<p>x</p>"));
    let f = fetcher(|_| {});
    for url in [server.url("/x"), server.localhost_url("/x")] {
        let out = f
            .fetch_one(FetchRequest::new(url.clone(), RequestKind::Article))
            .outcome;
        assert!(
            matches!(
                out,
                Outcome::Skipped {
                    reason: SkipReason::PrivateAddress
                }
            ),
            "{url}: {out:?}"
        );
    }
    assert_eq!(server.requests().len(), 0);

    let open = fetcher(|s| s.allow_private_networks = true);
    let out = open
        .fetch_one(FetchRequest::new(
            server.localhost_url("/x"),
            RequestKind::Article,
        ))
        .outcome;
    assert_eq!(out.class(), "fetched", "{out:?}");
}

#[test]
fn a_trusted_feed_trusts_its_host_for_later_links() {
    let server = TestServer::new();
    server.set_route("/feed", Route::ok("application/rss+xml", RSS));
    server.set_route("/a", Route::ok("text/html", "<p>a</p>"));
    let f = fetcher(|_| {});
    let untrusted_first = f
        .fetch_one(FetchRequest::new(server.url("/a"), RequestKind::Article))
        .outcome;
    assert_eq!(untrusted_first.class(), "private_address");
    let Outcome::Fetched(page) = f.fetch_one(feed(server.url("/feed"))).outcome else {
        panic!()
    };
    let link = feeds::parse(&page.body, &page.final_url)
        .unwrap()
        .remove(0)
        .url;
    let out = f
        .fetch_one(FetchRequest::new(link, RequestKind::Article))
        .outcome;
    assert_eq!(out.class(), "fetched", "{out:?}");
}

#[test]
fn redirect_hops_are_checked_against_the_guard() {
    let server = TestServer::new();
    let port = server.addr().port();
    server.set_route(
        "/to-other-loopback",
        Route::redirect(302, &format!("http://127.0.0.2:{port}/x")),
    );
    server.set_route(
        "/to-localhost",
        Route::redirect(302, &server.localhost_url("/x")),
    );
    server.set_route("/x", Route::ok("text/html", "<p>x</p>"));
    let f = fetcher(|_| {});
    for path in ["/to-other-loopback", "/to-localhost"] {
        let out = f.fetch_one(article(server.url(path))).outcome;
        assert!(
            matches!(
                out,
                Outcome::Skipped {
                    reason: SkipReason::PrivateAddress
                }
            ),
            "{path}: {out:?}"
        );
    }
    assert_eq!(server.hits("/x"), 0);
}

#[test]
fn redirects_are_followed_capped_and_loops_detected() {
    let server = TestServer::new();
    server.set_route("/r1", Route::redirect(301, "/r2"));
    server.set_route("/r2", Route::redirect(302, "/final"));
    server.set_route("/final", Route::ok("text/html", "<p>end</p>"));
    server.set_route("/loop-a", Route::redirect(302, "/loop-b"));
    server.set_route("/loop-b", Route::redirect(302, "/loop-a"));
    server.set_route("/to-file", Route::redirect(302, "file:///etc/passwd"));
    let f = fetcher(|s| s.max_redirects = 2);
    let Outcome::Fetched(page) = f.fetch_one(article(server.url("/r1"))).outcome else {
        panic!()
    };
    assert_eq!(page.final_url, server.url("/final"));

    let looped = f.fetch_one(article(server.url("/loop-a"))).outcome;
    let Outcome::Failed(Error::Redirect { reason, .. }) = &looped else {
        panic!("{looped:?}")
    };
    assert!(reason.contains("loop"), "{reason}");
    assert_eq!(server.hits("/loop-a"), 1);

    let strict = fetcher(|s| s.max_redirects = 1);
    assert_eq!(
        strict.fetch_one(article(server.url("/r1"))).outcome.class(),
        "redirect"
    );
    assert_eq!(
        f.fetch_one(article(server.url("/to-file"))).outcome.class(),
        "redirect"
    );
}

#[test]
fn server_errors_are_retried_client_errors_are_not() {
    let server = TestServer::new();
    server.set_routes(
        "/flaky",
        vec![
            Route::status(500),
            Route::status(503),
            Route::ok("text/html", "<p>ok</p>"),
        ],
    );
    server.set_route("/gone", Route::status(404));
    server.set_route("/forbidden", Route::status(403));
    server.set_route("/broken", Route::status(502));
    let f = fetcher(|s| {
        s.retries = 2;
        s.retry_base_ms = 50;
    });
    assert_eq!(
        f.fetch_one(article(server.url("/flaky"))).outcome.class(),
        "fetched"
    );
    assert_eq!(server.hits("/flaky"), 3);
    assert_eq!(
        f.fetch_one(article(server.url("/gone"))).outcome.class(),
        "not_found"
    );
    assert_eq!(server.hits("/gone"), 1);
    assert_eq!(
        f.fetch_one(article(server.url("/forbidden")))
            .outcome
            .class(),
        "blocked"
    );
    assert_eq!(server.hits("/forbidden"), 1);
    assert_eq!(
        f.fetch_one(article(server.url("/broken"))).outcome.class(),
        "http"
    );
    assert_eq!(server.hits("/broken"), 3);
    // Backoff grows: at least the base, then at least twice the base.
    let times = server.requests_to("/broken");
    assert!(times[1].at - times[0].at >= Duration::from_millis(50) - TIMING_TOLERANCE);
    assert!(times[2].at - times[1].at >= Duration::from_millis(100) - TIMING_TOLERANCE);
}

#[test]
fn retry_after_is_honoured_and_a_long_one_backs_the_host_off() {
    let server = TestServer::new();
    server.set_routes(
        "/limited",
        vec![
            Route::too_many_requests("1"),
            Route::ok("text/html", "<p>ok</p>"),
        ],
    );
    let f = fetcher(|s| s.max_retry_after_secs = 5);
    assert_eq!(
        f.fetch_one(article(server.url("/limited"))).outcome.class(),
        "fetched"
    );
    let seen = server.requests_to("/limited");
    assert_eq!(seen.len(), 2);
    assert!(seen[1].at - seen[0].at >= Duration::from_secs(1) - TIMING_TOLERANCE);

    server.set_route("/wait-long", Route::too_many_requests("3600"));
    let out = f.fetch_one(article(server.url("/wait-long"))).outcome;
    assert_eq!(out.class(), "rate_limited");
    assert_eq!(server.hits("/wait-long"), 1);
    let next = f.fetch_one(article(server.url("/limited"))).outcome;
    assert!(
        matches!(
            next,
            Outcome::Skipped {
                reason: SkipReason::Backoff
            }
        ),
        "{next:?}"
    );
}

#[test]
fn slow_responses_time_out() {
    let server = TestServer::new();
    server.set_route(
        "/slow",
        Route::ok("text/html", "<p>late</p>").with_delay(Duration::from_millis(1500)),
    );
    let f = fetcher(|s| {
        s.timeout_secs = 1;
        s.retries = 1;
    });
    let started = Instant::now();
    assert_eq!(
        f.fetch_one(article(server.url("/slow"))).outcome.class(),
        "timeout"
    );
    assert_eq!(server.hits("/slow"), 2, "timeouts are retried");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[test]
fn one_slow_host_does_not_stall_the_others() {
    let slow = TestServer::new();
    slow.set_route(
        "/s",
        Route::ok("text/html", "<p>s</p>").with_delay(Duration::from_millis(700)),
    );
    let quick = TestServer::new();
    quick.set_route("/q", Route::ok("text/html", "<p>q</p>"));
    let f = fetcher(|s| {
        s.concurrency = 2;
        s.per_host_concurrency = 1;
        s.obey_robots = false;
    });
    let mut requests: Vec<_> = (0..3)
        .map(|i| article(slow.url("/s")).with_tag(100 + i))
        .collect();
    requests.extend((0..6).map(|i| article(quick.url("/q")).with_tag(i)));
    let tags: Vec<u64> = f.fetch_all(requests).map(|o| o.request.tag).collect();
    assert_eq!(tags.len(), 9);
    assert!(
        tags[..6].iter().all(|t| *t < 100),
        "quick results first: {tags:?}"
    );
    assert_eq!(
        quick.hits("/robots.txt"),
        0,
        "obey_robots = false fetches no robots.txt"
    );
}

#[test]
fn per_host_delay_and_concurrency_are_respected_on_the_server_side() {
    let server = TestServer::new();
    server.set_route("/p", Route::ok("text/html", "<p>p</p>"));
    let delay = Duration::from_millis(120);
    let f = fetcher(|s| {
        s.per_host_delay_ms = delay.as_millis() as u64;
        s.per_host_concurrency = 4;
        s.obey_robots = false;
    });
    let outcomes: Vec<_> = f
        .fetch_all((0..5).map(|_| article(server.url("/p"))).collect())
        .collect();
    assert!(outcomes.iter().all(|o| o.outcome.class() == "fetched"));
    let gap = min_gap(&server.requests()).unwrap();
    assert!(gap >= delay - TIMING_TOLERANCE, "gap {gap:?}");

    let one_at_a_time = TestServer::new();
    let hold = Duration::from_millis(150);
    one_at_a_time.set_route("/h", Route::ok("text/html", "<p>h</p>").with_delay(hold));
    let f = fetcher(|s| {
        s.per_host_concurrency = 1;
        s.obey_robots = false;
    });
    let n = f
        .fetch_all((0..3).map(|_| article(one_at_a_time.url("/h"))).collect())
        .count();
    assert_eq!(n, 3);
    let gap = min_gap(&one_at_a_time.requests()).unwrap();
    assert!(
        gap >= hold - TIMING_TOLERANCE,
        "requests overlapped: gap {gap:?}"
    );
}

#[test]
fn robots_txt_is_fetched_once_and_obeyed_for_articles_only() {
    let server = TestServer::new();
    server.set_route(
        "/robots.txt",
        Route::robots("User-agent: *\nDisallow: /\n\nUser-agent: factwire\nDisallow: /private/\nCrawl-delay: 0.2\n"),
    );
    server.set_route("/private/feed", Route::ok("application/rss+xml", RSS));
    for path in ["/private/a", "/open/a", "/open/b", "/open/c"] {
        server.set_route(path, Route::ok("text/html", "<p>x</p>"));
    }
    let f = fetcher(|_| {});
    let outcomes: Vec<_> = f
        .fetch_all(
            ["/private/a", "/open/a", "/open/b", "/open/c"]
                .iter()
                .map(|p| article(server.url(p)))
                .collect(),
        )
        .collect();
    for o in &outcomes {
        let want = if o.request.url.contains("/private/") {
            "robots"
        } else {
            "fetched"
        };
        assert_eq!(o.outcome.class(), want, "{}", o.request.url);
    }
    assert_eq!(
        f.fetch_one(feed(server.url("/private/feed")))
            .outcome
            .class(),
        "fetched"
    );
    assert_eq!(server.hits("/robots.txt"), 1);
    assert_eq!(server.hits("/private/a"), 0);
    let article_hits: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/open/"))
        .collect();
    let gap = min_gap(&article_hits).unwrap();
    assert!(
        gap >= Duration::from_millis(200) - TIMING_TOLERANCE,
        "Crawl-delay ignored: {gap:?}"
    );
    let ua = server.requests_to("/robots.txt")[0]
        .header("user-agent")
        .unwrap()
        .to_owned();
    assert!(ua.starts_with("factwire/"));
}

#[test]
fn robots_server_errors_disallow_and_missing_robots_allow() {
    let down = TestServer::new();
    down.set_route("/robots.txt", Route::status(503));
    down.set_route("/a", Route::ok("text/html", "<p>a</p>"));
    let f = fetcher(|s| s.retries = 0);
    assert_eq!(
        f.fetch_one(article(down.url("/a"))).outcome.class(),
        "robots"
    );
    let absent = TestServer::new();
    absent.set_route("/a", Route::ok("text/html", "<p>a</p>"));
    assert_eq!(
        f.fetch_one(article(absent.url("/a"))).outcome.class(),
        "fetched"
    );
    assert_eq!(absent.hits("/robots.txt"), 1);
}

#[test]
fn bodies_are_capped_while_streaming_and_after_decompression() {
    let server = TestServer::new();
    server.set_route("/announced", Route::huge("text/html", 5_000_000, true));
    server.set_route("/streamed", Route::huge("text/html", 5_000_000, false));
    server.set_route(
        "/bomb",
        Route::gzip_bomb("application/rss+xml", 64 * 1024 * 1024),
    );
    server.set_route(
        "/br-bomb",
        Route::brotli_bomb("text/html", 64 * 1024 * 1024),
    );
    server.set_route("/small-gzip", Route::gzip_bomb("text/html", 1000));
    let f = fetcher(|s| {
        s.max_body_bytes = 1024 * 1024;
        s.obey_robots = false;
    });
    let started = Instant::now();
    for path in ["/announced", "/streamed", "/bomb", "/br-bomb"] {
        let out = f.fetch_one(article(server.url(path))).outcome;
        assert!(
            matches!(
                out,
                Outcome::Failed(Error::TooLarge {
                    limit: 1_048_576,
                    ..
                })
            ),
            "{path}: {out:?}"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(5));
    let Outcome::Fetched(page) = f.fetch_one(article(server.url("/small-gzip"))).outcome else {
        panic!()
    };
    assert_eq!(page.body.len(), 1000, "gzip is decoded");
    assert!(
        server.requests_to("/bomb")[0]
            .header("accept-encoding")
            .unwrap()
            .contains("gzip")
    );
}

#[test]
fn truncated_bodies_fail() {
    let server = TestServer::new();
    server.set_route(
        "/cut",
        Route::truncated("text/html", "<p>only part", 10_000),
    );
    let f = fetcher(|s| s.obey_robots = false);
    assert_eq!(
        f.fetch_one(article(server.url("/cut"))).outcome.class(),
        "io"
    );
}

#[test]
fn html_where_a_feed_was_expected_keeps_the_page_for_discovery() {
    let server = TestServer::new();
    let html = r#"<!DOCTYPE html><html><head><link rel="alternate" type="application/atom+xml" href="/atom"></head></html>"#;
    server.set_route("/blog", Route::ok("text/html", html));
    server.set_route(
        "/wall",
        Route::ok(
            "text/html",
            "<html><head><title>Just a moment...</title></head></html>",
        ),
    );
    let f = fetcher(|_| {});
    let out = f.fetch_one(feed(server.url("/blog"))).outcome;
    let Outcome::Failed(err @ Error::NotAFeed { .. }) = out else {
        panic!("{out:?}")
    };
    assert_eq!(err.class(), "blocked");
    let Error::NotAFeed { page } = err else {
        unreachable!()
    };
    assert_eq!(
        feeds::discover(&String::from_utf8_lossy(&page.body), &page.final_url),
        [server.url("/atom")]
    );
    assert_eq!(
        f.fetch_one(feed(server.url("/wall"))).outcome.class(),
        "blocked"
    );
}

#[test]
fn tls_failures_are_classified() {
    let server = TestServer::new();
    let f = fetcher(|s| s.retries = 0);
    let url = format!("https://127.0.0.1:{}/x", server.addr().port());
    let out = f.fetch_one(feed(url)).outcome;
    assert_eq!(out.class(), "tls", "{out:?}");
}

#[test]
fn dead_hosts_fail_with_connect_then_are_skipped() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let f = fetcher(|s| s.host_failure_limit = 2);
    let url = format!("http://127.0.0.1:{port}/feed");
    assert_eq!(f.fetch_one(feed(url.clone())).outcome.class(), "connect");
    assert_eq!(f.fetch_one(feed(url.clone())).outcome.class(), "connect");
    assert_eq!(f.fetch_one(feed(url)).outcome.class(), "backoff");
}

#[test]
fn bad_urls_and_schemes_fail_without_a_request() {
    let f = fetcher(|_| {});
    assert_eq!(
        f.fetch_one(feed("not a url".into())).outcome.class(),
        "invalid_url"
    );
    assert_eq!(
        f.fetch_one(feed("ftp://example.com/feed".into()))
            .outcome
            .class(),
        "unsupported"
    );
}

#[test]
fn fetch_all_returns_every_request_with_its_tag() {
    let server = TestServer::serve_dir(fixtures_dir().join("feeds"));
    let f = fetcher(|_| {});
    let names = [
        "rss2_basic.xml",
        "atom_basic.xml",
        "jsonfeed_basic.json",
        "missing.xml",
    ];
    let requests = names
        .iter()
        .enumerate()
        .map(|(i, n)| feed(server.url(&format!("/{n}"))).with_tag(i as u64))
        .collect();
    let mut got: Vec<(u64, &str)> = f
        .fetch_all(requests)
        .map(|o| (o.request.tag, o.outcome.class()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (0, "fetched"),
            (1, "fetched"),
            (2, "fetched"),
            (3, "not_found")
        ]
    );
    // Dropping the iterator early is fine.
    let mut early = f.fetch_all(vec![feed(server.url("/rss2_basic.xml")); 4]);
    assert!(early.next().is_some());
}

#[test]
fn the_demo_site_fetches_end_to_end_and_revalidates() {
    let server = TestServer::serve_dir(fixtures_dir().join("sites").join("demo"));
    let f = fetcher(|_| {});
    let feed_urls: Vec<String> = ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json"]
        .iter()
        .map(|p| server.url(p))
        .collect();
    let mut validators = Vec::new();
    let mut links = std::collections::BTreeSet::new();
    for done in f.fetch_all(feed_urls.iter().map(|u| feed(u.clone())).collect()) {
        let Outcome::Fetched(page) = done.outcome else {
            panic!("{}: {:?}", done.request.url, done.outcome)
        };
        validators.push((
            done.request.url.clone(),
            page.etag.clone(),
            page.last_modified.clone(),
        ));
        for entry in feeds::parse(&page.body, &page.final_url).unwrap() {
            assert!(entry.url.starts_with(&server.url("/")), "{}", entry.url);
            links.insert(entry.url);
        }
    }
    assert!(!links.is_empty());
    let articles = links
        .iter()
        .map(|u| FetchRequest::new(u.clone(), RequestKind::Article))
        .collect();
    let classes: Vec<_> = f
        .fetch_all(articles)
        .map(|o| (o.request.url, o.outcome.class()))
        .collect();
    let bad: Vec<_> = classes.iter().filter(|(_, c)| *c != "fetched").collect();
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(server.hits("/robots.txt"), 1);

    let again = validators
        .into_iter()
        .map(|(u, e, l)| feed(u).with_validators(e, l))
        .collect();
    assert!(
        f.fetch_all(again)
            .all(|o| matches!(o.outcome, Outcome::NotModified))
    );
}

#[test]
fn a_slow_consumer_holds_fetching_back_instead_of_buffering_bodies() {
    let server = TestServer::new();
    let mut requests = Vec::new();
    for n in 0..60 {
        let path = format!("/a/{n}");
        server.set_route(&path, Route::ok("text/html", format!("<p>page {n}</p>")));
        requests.push(article(server.url(&path)));
    }
    let f = fetcher(|s| {
        s.obey_robots = false;
        s.concurrency = 4;
        s.per_host_concurrency = 4;
        s.per_host_delay_ms = 0;
    });
    let mut outcomes = f.fetch_all(requests);
    let first = outcomes.next().unwrap();
    assert_eq!(first.outcome.class(), "fetched");
    // The consumer dawdles over its first body; the fetcher may run ahead by at most
    // twice its concurrency (8), not through all 60 pages.
    std::thread::sleep(Duration::from_millis(400));
    let ahead = server.requests().len();
    assert!(
        ahead <= 1 + 8,
        "{ahead} pages fetched while one was consumed"
    );
    // Receiving frees the budget: everything arrives in the end.
    assert_eq!(outcomes.count(), 59);
    assert_eq!(server.requests().len(), 60);
}
