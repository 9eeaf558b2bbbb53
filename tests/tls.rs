//! TLS through the binary: `factwire ingest` against the testkit server speaking https
//! on 127.0.0.1 with the certificates of `fixtures/tls/`. Certificates are verified by
//! default and each failure says which check failed; `[fetch] ca_file` adds a trusted
//! root; `[[feeds]] accept_invalid_certs = true` opts one feed (and links to its host)
//! out.

use std::path::PathBuf;
use std::process::Output;

use factwire_testkit::{TestServer, TlsFixture};

use crate::util::{Dir, fixture};

/// The demo site over https with this certificate.
fn https_site(cert: TlsFixture) -> TestServer {
    let (cert, key) = cert.pem();
    TestServer::serve_dir_https(fixture("sites/demo"), &cert, &key)
}

/// Writes `tls.toml` into the test's dir: one feed, fast fetch settings, plus the
/// given `[fetch]` lines and `[[feeds]]` lines. With `with_ca`, the test CA is copied
/// beside the config and named by a relative `ca_file`, which must resolve against the
/// config's directory (the binary runs from the repository root).
fn config(d: &Dir, feed: &str, with_ca: bool, feed_lines: &str) -> PathBuf {
    let mut fetch = String::from("per_host_delay_ms = 0\nretries = 0\n");
    if with_ca {
        std::fs::copy(TlsFixture::ca_path(), d.path().join("test-ca.pem")).unwrap();
        fetch.push_str("ca_file = \"test-ca.pem\"\n");
    }
    let text = format!(
        "[fetch]\n{fetch}\n[[feeds]]\nurl = \"{feed}\"\nname = \"tls test\"\n{feed_lines}\n"
    );
    let path = d.path().join("tls.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn ingest(d: &Dir, config: &std::path::Path) -> Output {
    d.run(&[
        "ingest",
        "--config",
        config.to_str().unwrap(),
        "--format",
        "json",
    ])
}

/// The run fails (its one feed failed) with exit status 1, and the report's one
/// failure is class `tls` with `words` in its detail. The server served nothing.
fn assert_tls_failure(out: &Output, server: &TestServer, words: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["failed"], 1, "{report}");
    assert_eq!(report["new"], 0, "{report}");
    let failure = &report["failures"][0];
    assert_eq!(failure["reason"], "tls", "{report}");
    let detail = failure["detail"].as_str().unwrap();
    assert!(detail.contains(words), "want {words:?} in {detail:?}");
    // One line: the run's error, not a log line per refused certificate besides.
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(server.requests().len(), 0, "{:?}", server.requests());
}

#[test]
fn a_self_signed_certificate_is_refused_as_an_unknown_issuer() {
    let server = https_site(TlsFixture::SelfSigned);
    let d = Dir::new();
    let cfg = config(&d, &server.url("/feeds/rss.xml"), false, "");
    assert_tls_failure(&ingest(&d, &cfg), &server, "unknown issuer");
}

#[test]
fn an_expired_certificate_from_a_trusted_ca_is_refused_as_expired() {
    let server = https_site(TlsFixture::Expired);
    let d = Dir::new();
    let cfg = config(&d, &server.url("/feeds/rss.xml"), true, "");
    assert_tls_failure(&ingest(&d, &cfg), &server, "certificate expired");
}

#[test]
fn a_certificate_for_another_host_is_refused_as_the_wrong_host() {
    let server = https_site(TlsFixture::WrongHost);
    let d = Dir::new();
    let cfg = config(&d, &server.url("/feeds/rss.xml"), true, "");
    assert_tls_failure(&ingest(&d, &cfg), &server, "not valid for this host name");
}

#[test]
fn ca_file_makes_a_private_ca_trusted_and_articles_are_stored() {
    let server = https_site(TlsFixture::Localhost);
    let d = Dir::new();
    let feed = server.url("/feeds/rss.xml");
    // Without the CA the same site is refused...
    let plain = config(&d, &feed, false, "");
    assert_tls_failure(&ingest(&d, &plain), &server, "unknown issuer");
    // ...with it, feed and articles come over https.
    let cfg = config(&d, &feed, true, "");
    let out = ingest(&d, &cfg);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["failed"], 0, "{report}");
    assert!(report["new"].as_u64().unwrap() >= 10, "{report}");
}

#[test]
fn accept_invalid_certs_opts_one_feed_and_its_host_out() {
    let server = https_site(TlsFixture::SelfSigned);
    let d = Dir::new();
    let cfg = config(
        &d,
        &server.url("/feeds/rss.xml"),
        false,
        "accept_invalid_certs = true",
    );
    let out = ingest(&d, &cfg);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["failed"], 0, "{report}");
    let new = report["new"].as_u64().unwrap();
    assert!(new >= 10, "{report}");
    // The articles (and robots.txt) on the feed's host came over the same opt-out.
    assert_eq!(server.hits("/robots.txt"), 1);
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.path_only().starts_with("/articles/"))
            .count() as u64,
        new
    );
    let hits = d.json(&["search", "layoffs", "--format", "json", "--limit", "20"]);
    assert!(
        hits.as_array().unwrap().iter().any(|h| h["url"]
            .as_str()
            .unwrap()
            .contains("aws-early-2026-analysis")),
        "{hits}"
    );

    // The opt-out belongs to that feed: the same URL given with --feed is refused.
    let other = Dir::new();
    let out = other.run(&[
        "ingest",
        "--feed",
        &server.url("/feeds/atom.xml"),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["failures"][0]["reason"], "tls", "{report}");
}

#[test]
fn an_unreadable_ca_file_is_a_clear_error() {
    let d = Dir::new();
    let server = https_site(TlsFixture::Localhost);
    let cfg = d.path().join("bad.toml");
    std::fs::write(
        &cfg,
        format!(
            "[fetch]\nca_file = \"missing.pem\"\n\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/feeds/rss.xml")
        ),
    )
    .unwrap();
    let out = ingest(&d, &cfg);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("ca_file") && stderr.contains("missing.pem"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(server.requests().len(), 0);
}
