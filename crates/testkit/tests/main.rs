//! The test server's public behaviour, checked with a bare std HTTP client so the kit
//! does not depend on the fetcher it is used to test.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use factwire_testkit::{Route, TIMING_TOLERANCE, TestServer, TlsFixture, fixtures_dir, min_gap};

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn get(server: &TestServer, path: &str, extra: &[(&str, &str)]) -> Reply {
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    let mut head = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n", server.addr());
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let text = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = text.lines();
    let status = lines
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

#[test]
fn serves_the_demo_site_with_validators_and_304s() {
    let site = fixtures_dir().join("sites").join("demo");
    let server = TestServer::serve_dir(&site);
    let first = get(&server, "/feeds/rss.xml", &[]);
    assert_eq!(first.status, 200);
    assert_eq!(
        first.body,
        std::fs::read(site.join("feeds/rss.xml")).unwrap()
    );
    assert_eq!(first.header("content-type"), Some("application/xml"));
    let etag = first.header("etag").unwrap().to_owned();
    let lm = first.header("last-modified").unwrap().to_owned();
    assert_eq!(
        get(&server, "/feeds/rss.xml", &[("If-None-Match", &etag)]).status,
        304
    );
    assert_eq!(
        get(&server, "/feeds/rss.xml", &[("If-Modified-Since", &lm)]).status,
        304
    );
    assert_eq!(
        get(&server, "/feeds/rss.xml", &[("If-None-Match", "\"other\"")]).status,
        200
    );
    let seen = server.requests_to("/feeds/rss.xml");
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[1].header("IF-NONE-MATCH"), Some(etag.as_str()));
    assert_eq!(seen[1].status, 304);
}

#[test]
fn path_traversal_and_missing_files_are_404() {
    let server = TestServer::serve_dir(fixtures_dir().join("feeds"));
    assert_eq!(get(&server, "/../Cargo.toml", &[]).status, 404);
    assert_eq!(get(&server, "/%2e%2e/Cargo.toml", &[]).status, 404);
    assert_eq!(get(&server, "/nope.xml", &[]).status, 404);
    assert_eq!(TestServer::new().url("/x").split(':').next(), Some("http"));
    assert_eq!(get(&TestServer::new(), "/x", &[]).status, 404);
}

#[test]
fn route_sequences_repeat_their_last_step_and_queries_match_either_way() {
    let server = TestServer::new();
    server.set_routes(
        "/seq",
        vec![Route::status(503), Route::ok("text/plain", "ok")],
    );
    server.set_route("/q?x=1", Route::ok("text/plain", "with query"));
    server.set_route("/q", Route::ok("text/plain", "without"));
    let statuses: Vec<u16> = (0..3).map(|_| get(&server, "/seq", &[]).status).collect();
    assert_eq!(statuses, [503, 200, 200]);
    assert_eq!(get(&server, "/q?x=1", &[]).body, b"with query");
    assert_eq!(get(&server, "/q?y=2", &[]).body, b"without");
    assert_eq!(server.hits("/q"), 2);
    server.clear_requests();
    assert!(server.requests().is_empty());
}

#[test]
fn fault_routes_behave_as_documented() {
    let server = TestServer::new();
    server.set_route(
        "/slow",
        Route::ok("text/plain", "late").with_delay(Duration::from_millis(150)),
    );
    server.set_route("/limited", Route::too_many_requests("7"));
    server.set_route("/moved", Route::redirect(308, "/elsewhere"));
    server.set_route("/cut", Route::truncated("text/html", "abc", 100));
    server.set_route("/huge", Route::huge("text/plain", 300_000, false));
    server.set_route("/bomb", Route::gzip_bomb("text/plain", 4 * 1024 * 1024));
    server.set_route("/robots.txt", Route::robots("User-agent: *\nDisallow: /"));
    server.set_route("/latin1", Route::ok("text/html", b"caf\xe9".to_vec()));

    let started = Instant::now();
    assert_eq!(get(&server, "/slow", &[]).body, b"late");
    assert!(started.elapsed() >= Duration::from_millis(150) - TIMING_TOLERANCE);
    let limited = get(&server, "/limited", &[]);
    assert_eq!(
        (limited.status, limited.header("retry-after")),
        (429, Some("7"))
    );
    assert_eq!(
        get(&server, "/moved", &[]).header("location"),
        Some("/elsewhere")
    );
    let cut = get(&server, "/cut", &[]);
    assert_eq!(
        (cut.header("content-length"), cut.body.as_slice()),
        (Some("100"), b"abc".as_slice())
    );
    let huge = get(&server, "/huge", &[]);
    assert_eq!(
        (huge.header("content-length"), huge.body.len()),
        (None, 300_000)
    );
    let bomb = get(&server, "/bomb", &[]);
    assert_eq!(bomb.header("content-encoding"), Some("gzip"));
    assert!(
        bomb.body.len() < 64 * 1024,
        "{} bytes on the wire",
        bomb.body.len()
    );
    assert_eq!(
        get(&server, "/robots.txt", &[]).body,
        b"User-agent: *\nDisallow: /"
    );
    assert_eq!(get(&server, "/latin1", &[]).body, b"caf\xe9");
    server.set_route("/cp1252", Route::windows_1252_page(true));
    server.set_route("/cp1252-bare", Route::windows_1252_page(false));
    let declared = get(&server, "/cp1252", &[]);
    assert_eq!(
        declared.header("content-type"),
        Some("text/html; charset=windows-1252")
    );
    assert!(std::str::from_utf8(&declared.body).is_err());
    assert!(declared.body.windows(2).any(|w| w == b"\x93q"));
    assert_eq!(
        get(&server, "/cp1252-bare", &[]).header("content-type"),
        Some("text/html")
    );
}

#[test]
fn requests_are_recorded_with_times_for_gap_checks() {
    let server = TestServer::new();
    server.set_route("/t", Route::ok("text/plain", "t"));
    for _ in 0..3 {
        get(&server, "/t", &[("User-Agent", "probe/1")]);
        std::thread::sleep(Duration::from_millis(60));
    }
    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter()
            .all(|r| r.method == "GET" && r.header("user-agent") == Some("probe/1"))
    );
    assert!(min_gap(&seen).unwrap() >= Duration::from_millis(60) - TIMING_TOLERANCE);
    assert_eq!(min_gap(&seen[..1]), None);
}

#[test]
fn dropping_the_server_frees_its_port_promptly() {
    let server = TestServer::new();
    server.set_route(
        "/slow",
        Route::ok("text/plain", "x").with_delay(Duration::from_secs(30)),
    );
    let addr = server.addr();
    let client = std::thread::spawn(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(b"GET /slow HTTP/1.1\r\n\r\n").unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
    });
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    drop(server);
    client.join().unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// A bare rustls client trusting only the test CA: `Ok(body)` or the handshake error.
fn https_get(server: &TestServer, path: &str) -> Result<Vec<u8>, std::io::Error> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName};
    use std::sync::Arc;

    let mut roots = rustls::RootCertStore::empty();
    let ca = std::fs::read(TlsFixture::ca_path()).unwrap();
    for cert in CertificateDer::pem_slice_iter(&ca) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = TcpStream::connect(server.addr()).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    tls.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())?;
    let mut raw = Vec::new();
    tls.read_to_end(&mut raw)?;
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    assert!(raw.starts_with(b"HTTP/1.1 200 "), "{raw:?}");
    Ok(raw[end + 4..].to_vec())
}

/// The certificate check that failed, from the rustls error inside the I/O error.
fn cert_problem(err: &std::io::Error) -> &'static str {
    use rustls::CertificateError as C;
    match err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::InvalidCertificate(c)) => match c {
            C::UnknownIssuer => "unknown issuer",
            C::Expired | C::ExpiredContext { .. } => "expired",
            C::NotValidForName | C::NotValidForNameContext { .. } => "wrong host",
            _ => "other certificate problem",
        },
        _ => "not a certificate problem",
    }
}

#[test]
fn https_serves_routes_and_files_with_the_fixture_certificates() {
    let (cert, key) = TlsFixture::Localhost.pem();
    let server = TestServer::serve_dir_https(fixtures_dir().join("sites/demo"), &cert, &key);
    assert!(server.url("/a").starts_with("https://127.0.0.1:"));
    assert!(server.localhost_url("/a").starts_with("https://localhost:"));
    server.set_route("/hello", Route::ok("text/plain", "hi over tls"));
    assert_eq!(https_get(&server, "/hello").unwrap(), b"hi over tls");
    let feed = https_get(&server, "/feeds/rss.xml").unwrap();
    assert!(String::from_utf8_lossy(&feed).contains("<rss"));
    assert_eq!(server.hits("/hello"), 1);

    // A certificate the client does not trust: the handshake fails, nothing is served.
    let (cert, key) = TlsFixture::SelfSigned.pem();
    let untrusted = TestServer::https(&cert, &key);
    untrusted.set_route("/hello", Route::ok("text/plain", "hi"));
    let err = https_get(&untrusted, "/hello").unwrap_err();
    assert_eq!(cert_problem(&err), "unknown issuer", "{err}");
    assert_eq!(untrusted.requests().len(), 0);

    // Each fixture is what its name says.
    for (fixture, problem) in [
        (TlsFixture::Expired, "expired"),
        (TlsFixture::WrongHost, "wrong host"),
    ] {
        let (cert, key) = fixture.pem();
        let server = TestServer::https(&cert, &key);
        let err = https_get(&server, "/").unwrap_err();
        assert_eq!(cert_problem(&err), problem, "{fixture:?}: {err}");
    }
}
