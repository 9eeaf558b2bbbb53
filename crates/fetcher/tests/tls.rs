//! https against testkit's TLS server and the certificates in `fixtures/tls/`: each
//! certificate problem is told apart, `ca_file` adds a trusted root, and a request
//! flagged `accept_invalid_certs` (and only such a request) gets through anyway.

use factwire_fetcher::{Error, FetchRequest, Fetcher, Outcome, RequestKind, TlsProblem};
use factwire_testkit::{Route, TestServer, TlsFixture};

use crate::{fast_settings, fetcher};

const RSS: &str = r#"<rss version="2.0"><channel><title>t</title><item><title>a</title><link>/a</link></item></channel></rss>"#;

fn server(fixture: TlsFixture) -> TestServer {
    let (cert, key) = fixture.pem();
    let server = TestServer::https(&cert, &key);
    server.set_route("/feed.xml", Route::ok("application/rss+xml", RSS));
    server
}

fn feed(url: String) -> FetchRequest {
    FetchRequest::new(url, RequestKind::Feed).trusted()
}

/// The fetcher with the test CA as an extra root.
fn trusting_the_test_ca() -> Fetcher {
    fetcher(|s| {
        s.retries = 0;
        s.ca_file = Some(TlsFixture::ca_path());
    })
}

fn problem(outcome: &Outcome) -> TlsProblem {
    match outcome {
        Outcome::Failed(Error::Tls { problem, .. }) => *problem,
        other => panic!("want a TLS failure, got {other:?}"),
    }
}

#[test]
fn each_certificate_problem_is_told_apart_and_nothing_is_served() {
    let f = trusting_the_test_ca();
    for (fixture, want, words) in [
        (
            TlsFixture::SelfSigned,
            TlsProblem::UnknownIssuer,
            "unknown issuer",
        ),
        (TlsFixture::Expired, TlsProblem::Expired, "expired"),
        (TlsFixture::WrongHost, TlsProblem::WrongHost, "host name"),
    ] {
        let server = server(fixture);
        let out = f.fetch_one(feed(server.url("/feed.xml"))).outcome;
        assert_eq!(out.class(), "tls", "{fixture:?}: {out:?}");
        assert_eq!(problem(&out), want, "{fixture:?}");
        let Outcome::Failed(e) = &out else {
            unreachable!()
        };
        assert!(e.to_string().contains(words), "{fixture:?}: {e}");
        assert_eq!(server.requests().len(), 0, "{fixture:?}");
    }
}

#[test]
fn without_ca_file_the_test_ca_is_unknown_and_with_it_the_feed_is_fetched() {
    let server = server(TlsFixture::Localhost);
    let url = server.url("/feed.xml");
    let plain = fetcher(|s| s.retries = 0);
    assert_eq!(
        problem(&plain.fetch_one(feed(url.clone())).outcome),
        TlsProblem::UnknownIssuer
    );
    let Outcome::Fetched(page) = trusting_the_test_ca().fetch_one(feed(url)).outcome else {
        panic!("not fetched")
    };
    assert_eq!(page.body, RSS.as_bytes());
    // The name `localhost` is in the certificate too.
    let by_name = trusting_the_test_ca()
        .fetch_one(feed(server.localhost_url("/feed.xml")))
        .outcome;
    assert_eq!(by_name.class(), "fetched", "{by_name:?}");
    assert_eq!(server.hits("/feed.xml"), 2);
}

#[test]
fn accept_invalid_certs_lets_only_flagged_requests_through() {
    for fixture in [
        TlsFixture::SelfSigned,
        TlsFixture::Expired,
        TlsFixture::WrongHost,
    ] {
        let server = server(fixture);
        server.set_route(
            "/robots.txt",
            Route::robots("User-agent: *\nDisallow: /no/\n"),
        );
        server.set_route("/a", Route::ok("text/html", "<p>article</p>"));
        server.set_route("/no/b", Route::ok("text/html", "<p>hidden</p>"));
        let f = fetcher(|s| s.retries = 0);
        let url = server.url("/feed.xml");
        // The same fetcher, one request flagged and one not.
        let out = f
            .fetch_one(feed(url.clone()).accepting_invalid_certs())
            .outcome;
        assert_eq!(out.class(), "fetched", "{fixture:?}: {out:?}");
        assert_eq!(f.fetch_one(feed(url)).outcome.class(), "tls", "{fixture:?}");
        assert_eq!(server.hits("/feed.xml"), 1, "{fixture:?}");
        // Articles, and the robots.txt fetched for them, go through the same client.
        let article = |path: &str| {
            FetchRequest::new(server.url(path), RequestKind::Article)
                .trusted()
                .accepting_invalid_certs()
        };
        assert_eq!(f.fetch_one(article("/a")).outcome.class(), "fetched");
        assert_eq!(f.fetch_one(article("/no/b")).outcome.class(), "robots");
        assert_eq!(server.hits("/robots.txt"), 1, "{fixture:?}");
        assert_eq!(server.hits("/no/b"), 0, "{fixture:?}");
    }
}

#[test]
fn a_bad_ca_file_is_a_setup_error() {
    let dir = factwire_testkit::temp_dir();
    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    for path in [dir.path().join("missing.pem"), not_pem] {
        let settings = factwire_fetcher::FetchSettings {
            ca_file: Some(path.clone()),
            ..fast_settings()
        };
        let err = Fetcher::new(settings).unwrap_err();
        assert_eq!(err.class(), "config", "{err}");
        assert!(err.to_string().contains("ca_file"), "{err}");
    }
}

#[test]
fn a_plain_http_server_on_an_https_url_is_another_tls_problem() {
    let server = TestServer::new();
    let url = format!("https://127.0.0.1:{}/x", server.addr().port());
    let out = fetcher(|s| s.retries = 0).fetch_one(feed(url)).outcome;
    assert_eq!(problem(&out), TlsProblem::Other, "{out:?}");
}
