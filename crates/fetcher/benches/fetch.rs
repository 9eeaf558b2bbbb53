//! Fetch throughput benchmark (not a test): `cargo bench -p factwire-fetcher --bench fetch`
//! (add `--profile dev` to skip the long release build: dependencies are optimised in the
//! dev profile too, and the run is I/O-bound).
//!
//! Serves `FEEDS` feeds, each on its own local host:port with `ARTICLES` articles, from
//! testkit's server with a small per-response latency, then fetches every feed and
//! every article three ways in the same run:
//! 1. `plain`: a sequential HTTP/1.1 GET over `std::net` (the floor: no client logic);
//! 2. `sequential`: the `Fetcher` with `concurrency = 1`;
//! 3. `concurrent`: the `Fetcher` with its defaults except `per_host_delay_ms = 0`.
//!
//! It prints requests/s and MB/s for each and the ratios to `plain`. Environment
//! variables `FEEDS`, `ARTICLES` and `LATENCY_MS` change the shape.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use factwire_fetcher::{FetchRequest, FetchSettings, Fetcher, Outcome, RequestKind};
use factwire_testkit::{Route, TestServer};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn article_html(feed: usize, n: usize) -> String {
    let para = "Cloud revenue rose 24% to $35.6 billion as capacity grew by 3.9 GW. ".repeat(40);
    format!(
        "<!DOCTYPE html><html><head><title>Feed {feed} story {n}</title></head><body><article>{}</article></body></html>",
        format!("<p>{para}</p>").repeat(6)
    )
}

fn feed_xml(articles: usize) -> String {
    let items: String = (0..articles)
        .map(|n| format!("<item><title>Story {n}</title><link>/a/{n}</link></item>"))
        .collect();
    format!("<rss version=\"2.0\"><channel><title>bench</title>{items}</channel></rss>")
}

/// A bare sequential GET; returns the body length.
fn plain_get(url: &str) -> usize {
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).unwrap();
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    buf.len() - head_end
}

fn report(
    name: &str,
    requests: usize,
    bytes: usize,
    elapsed: Duration,
    baseline: Option<f64>,
) -> f64 {
    let secs = elapsed.as_secs_f64();
    let rps = requests as f64 / secs;
    let ratio = baseline
        .map(|b| format!("  x{:.2} vs plain", rps / b))
        .unwrap_or_default();
    println!(
        "{name:<11} {requests:>5} requests {:>8.1} ms  {rps:>8.1} req/s  {:>7.2} MB/s{ratio}",
        secs * 1000.0,
        bytes as f64 / secs / 1e6
    );
    rps
}

fn run_fetcher(settings: FetchSettings, feeds: &[String]) -> (usize, usize, Duration) {
    let fetcher = Fetcher::new(settings).unwrap();
    let started = Instant::now();
    let mut requests = 0;
    let mut bytes = 0;
    let mut articles = Vec::new();
    for done in fetcher.fetch_all(
        feeds
            .iter()
            .map(|u| FetchRequest::new(u, RequestKind::Feed).trusted())
            .collect(),
    ) {
        requests += 1;
        if let Outcome::Fetched(page) = done.outcome {
            bytes += page.body.len();
            let entries = factwire_fetcher::feeds::parse(&page.body, &page.final_url).unwrap();
            articles.extend(
                entries
                    .into_iter()
                    .map(|e| FetchRequest::new(e.url, RequestKind::Article)),
            );
        }
    }
    for done in fetcher.fetch_all(articles) {
        requests += 1;
        match done.outcome {
            Outcome::Fetched(page) => bytes += page.body.len(),
            other => panic!("{}: {other:?}", done.request.url),
        }
    }
    (requests, bytes, started.elapsed())
}

fn main() {
    let n_feeds = env_or("FEEDS", 4);
    let n_articles = env_or("ARTICLES", 40);
    let latency = Duration::from_millis(env_or("LATENCY_MS", 5) as u64);
    let servers: Vec<TestServer> = (0..n_feeds)
        .map(|f| {
            let server = TestServer::new();
            server.set_route(
                "/feed.xml",
                Route::ok("application/rss+xml", feed_xml(n_articles)).with_delay(latency),
            );
            for n in 0..n_articles {
                server.set_route(
                    &format!("/a/{n}"),
                    Route::ok("text/html", article_html(f, n)).with_delay(latency),
                );
            }
            server
        })
        .collect();
    let feeds: Vec<String> = servers.iter().map(|s| s.url("/feed.xml")).collect();
    println!(
        "{n_feeds} feeds x {n_articles} articles, {} ms server latency",
        latency.as_millis()
    );

    let started = Instant::now();
    let mut bytes = 0;
    let mut requests = 0;
    for (f, server) in servers.iter().enumerate() {
        bytes += plain_get(&feeds[f]);
        requests += 1;
        for n in 0..n_articles {
            bytes += plain_get(&server.url(&format!("/a/{n}")));
            requests += 1;
        }
    }
    let plain = report("plain", requests, bytes, started.elapsed(), None);

    let quick = FetchSettings {
        per_host_delay_ms: 0,
        ..FetchSettings::default()
    };
    let sequential = FetchSettings {
        concurrency: 1,
        per_host_concurrency: 1,
        ..quick.clone()
    };
    let (requests, bytes, elapsed) = run_fetcher(sequential, &feeds);
    report("sequential", requests, bytes, elapsed, Some(plain));
    let (requests, bytes, elapsed) = run_fetcher(quick, &feeds);
    report("concurrent", requests, bytes, elapsed, Some(plain));
}
