//! End-to-end ingest over a local HTTP server: N feeds × M articles.
//!
//! ```text
//! cargo bench -p factwire-pipeline --bench ingest                  # 20 feeds x 100 articles
//! FACTWIRE_BENCH_FEEDS=20 FACTWIRE_BENCH_ARTICLES=1000 cargo bench -p factwire-pipeline --bench ingest
//! ```
//!
//! The testkit server serves N feeds, each listing M articles; every article is one of
//! the demo pages (`fixtures/sites/demo/articles`) with a per-article paragraph added, so
//! no two are alike. The bench runs a full ingest (fetch, read, extract, summarise,
//! store, index) into a fresh data dir, then a second run with nothing changed, and
//! prints articles/s, requests, bytes and the peak resident memory.
//!
//! Baseline, measured in the same run: analysing the same pages in-process with no
//! fetching, storing or indexing (`Analyzer::analyze`). The ratio says what the crawl,
//! the SQLite commits and the index cost on top of the analysis itself. Figures vary
//! with machine load; compare ratios, not seconds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::Instant;

use factwire_extractor::Gazetteer;
use factwire_fetcher::FetchSettings;
use factwire_pipeline::{AnalyzeOptions, Analyzer, DataDir, FeedSpec, IngestPlan, ingest};
use factwire_testkit::{Route, TestServer, fixtures_dir, temp_dir};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Peak resident set size of this process in KiB (Linux), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let feeds = env_usize("FACTWIRE_BENCH_FEEDS", 20);
    let per_feed = env_usize("FACTWIRE_BENCH_ARTICLES", 100);
    let dir = fixtures_dir().join("sites/demo/articles");
    let mut templates: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect();
    templates.sort();
    let server = TestServer::new();
    let mut pages = Vec::new();
    let mut bytes = 0usize;
    for f in 0..feeds {
        let mut items = String::new();
        for a in 0..per_feed {
            let n = f * per_feed + a;
            let page = templates[n % templates.len()].replace(
                "</article>",
                &format!("<p>Bench note {n}: item {a} of feed {f} adds {n} units.</p></article>"),
            );
            // Distinct canonical URLs, so every copy is its own article.
            let page = page.replace(
                "rel=\"canonical\" href=\"",
                &format!("rel=\"canonical\" href=\"https://bench{n}."),
            );
            let path = format!("/a/{n}.html");
            bytes += page.len();
            server.set_route(&path, Route::ok("text/html; charset=utf-8", page.clone()));
            pages.push(page);
            items.push_str(&format!(
                "<item><title>Item {n}</title><link>{path}</link></item>"
            ));
        }
        let rss = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>F{f}</title><link>http://x/</link><description>d</description>{items}</channel></rss>"
        );
        server.set_route(
            &format!("/feeds/{f}.xml"),
            Route::ok("application/rss+xml", rss).with_etag(&format!("\"f{f}\"")),
        );
    }
    let total = feeds * per_feed;

    // Baseline: analysis alone.
    let analyzer = Analyzer::new(Gazetteer::builtin());
    let t = Instant::now();
    for p in &pages {
        let rec = analyzer.analyze(p.as_bytes(), &AnalyzeOptions::default());
        std::hint::black_box(rec);
    }
    let base = t.elapsed().as_secs_f64();

    let tmp = temp_dir();
    let dd = DataDir::new(tmp.path().join("data"));
    let feed_specs: Vec<FeedSpec> = (0..feeds)
        .map(|f| FeedSpec {
            url: server.url(&format!("/feeds/{f}.xml")),
            name: None,
        })
        .collect();
    let plan = |specs: Vec<FeedSpec>| IngestPlan {
        data_dir: dd.clone(),
        feeds: specs,
        articles: Vec::new(),
        fetch: FetchSettings {
            per_host_delay_ms: 0,
            per_host_concurrency: 8,
            concurrency: 8,
            ..FetchSettings::default()
        },
        sentences: 3,
        gazetteer: Gazetteer::builtin(),
        stop: None,
    };
    let t = Instant::now();
    let first = ingest(plan(feed_specs.clone()), &mut |_| {}).unwrap();
    let run1 = t.elapsed().as_secs_f64();
    let req1 = server.requests().len();
    server.clear_requests();
    let t = Instant::now();
    let second = ingest(plan(feed_specs), &mut |_| {}).unwrap();
    let run2 = t.elapsed().as_secs_f64();
    let req2 = server.requests().len();

    println!(
        "ingest bench: {feeds} feeds x {per_feed} articles = {total} articles, {:.1} MB of HTML",
        bytes as f64 / 1e6
    );
    println!(
        "  baseline (analyse only, in-process): {:>8.0} articles/s  {:.2} ms/article",
        total as f64 / base,
        1000.0 * base / total as f64
    );
    println!(
        "  full ingest (fetch+read+extract+summarise+store+index): {:>8.0} articles/s  {:.2} ms/article  new {}  failed {}  requests {req1}",
        total as f64 / run1,
        1000.0 * run1 / total as f64,
        first.report.new,
        first.report.failed
    );
    println!(
        "  ratio full/baseline: {:.2}x the analysis time",
        run1 / base
    );
    println!(
        "  unchanged re-run: {:.3} s, {req2} requests, new {}",
        run2, second.report.new
    );
    if let Some(kib) = peak_rss_kib() {
        println!("  peak RSS: {:.0} MiB", kib as f64 / 1024.0);
    }
}
