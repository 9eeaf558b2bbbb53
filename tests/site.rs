//! A generated news site on the testkit server: one RSS feed (with an `ETag`, so a
//! second read answers `304`) listing `n` articles, each with a unique marker word
//! (`marker(i)`) so a search finds exactly that article. For the interruption tests and
//! the crash harness.

use std::path::PathBuf;
use std::time::Duration;

use factwire_testkit::{Route, TestServer};

use crate::util::Dir;

const WORDS: &[&str] = &[
    "cloud",
    "capacity",
    "region",
    "datacenter",
    "customers",
    "market",
    "spending",
    "servers",
    "storage",
    "network",
    "chips",
    "power",
    "contract",
    "workloads",
    "pricing",
    "migration",
    "analysts",
    "engineers",
    "platform",
    "software",
    "hardware",
    "demand",
];
const NAMES: &[&str] = &[
    "AWS",
    "Microsoft",
    "Google Cloud",
    "Oracle",
    "CoreWeave",
    "Nvidia",
];

/// The word only article `i` contains: `zq` and `i` in letters (`zqa`, `zqb`, ...).
pub fn marker(i: usize) -> String {
    let mut s = String::from("zq");
    let mut n = i;
    loop {
        s.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            break;
        }
    }
    s
}

/// SplitMix64: the same pages every time.
fn rng(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Article `i`: three paragraphs of shuffled words (no two pages near-duplicates), a
/// figure or two, and its marker.
pub fn page(i: usize) -> String {
    let mut next = rng(i as u64 + 1);
    let mut body = String::new();
    for p in 0..3 {
        body.push_str("<p>");
        body.push_str(NAMES[(next() % NAMES.len() as u64) as usize]);
        for _ in 0..40 {
            body.push(' ');
            body.push_str(WORDS[(next() % WORDS.len() as u64) as usize]);
        }
        body.push_str(&format!(" grew {}% in the quarter", next() % 90 + 1));
        if p == 1 {
            body.push_str(&format!(", the {} report says", marker(i)));
        }
        body.push_str(".</p>");
    }
    format!(
        "<html><head><title>Cloud report {i}</title></head><body><article>\
         <h1>Cloud report {i}</h1>{body}</article></body></html>"
    )
}

/// The feed listing articles `0..n`.
pub fn feed(n: usize) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Generated</title>\
         <link>http://x/</link><description>d</description>",
    );
    for i in 0..n {
        s.push_str(&format!(
            "<item><title>Cloud report {i}</title><link>/a/{i}.html</link></item>"
        ));
    }
    s.push_str("</channel></rss>");
    s
}

/// The site on a local server.
pub struct Site {
    pub server: TestServer,
}

impl Site {
    /// `n` articles, each answered after `delay`.
    pub fn new(n: usize, delay: Duration) -> Site {
        let server = TestServer::new();
        for i in 0..n {
            server.set_route(
                &format!("/a/{i}.html"),
                Route::ok("text/html; charset=utf-8", page(i)).with_delay(delay),
            );
        }
        server.set_route(
            "/feed.xml",
            Route::ok("application/rss+xml", feed(n)).with_etag("\"v1\""),
        );
        Site { server }
    }

    /// A config reading the feed, `concurrency` requests at a time, without gaps.
    pub fn config(&self, d: &Dir, concurrency: usize) -> PathBuf {
        let path = d.path().join("site.toml");
        std::fs::write(
            &path,
            format!(
                "[[feeds]]\nurl = \"{}\"\n\n[fetch]\nper_host_delay_ms = 0\n\
                 per_host_concurrency = {concurrency}\nconcurrency = {concurrency}\n",
                self.server.url("/feed.xml")
            ),
        )
        .unwrap();
        path
    }

    /// How many article pages have been requested so far.
    pub fn article_requests(&self) -> usize {
        self.server
            .requests()
            .iter()
            .filter(|r| r.path_only().starts_with("/a/"))
            .count()
    }
}
