//! End-to-end ingest over a local HTTP server: N feeds × M articles.
//!
//! ```text
//! cargo bench -p factwire-pipeline --bench ingest                  # 20 feeds x 100 articles
//! FACTWIRE_BENCH_FEEDS=20 FACTWIRE_BENCH_ARTICLES=1000 cargo bench -p factwire-pipeline --bench ingest
//! ```
//!
//! The testkit server serves N feeds, each listing M articles; every article is one of
//! the demo pages (`fixtures/sites/demo/articles`) with about 500 words of generated
//! paragraphs added (cloud-news vocabulary with figures), so no two are alike, not
//! even as near-duplicates. The server runs in a child process (this same binary,
//! re-run with `FACTWIRE_BENCH_ROLE=server`), so the CPU time and peak memory printed
//! are the ingest's alone. The bench runs a full ingest (fetch, read, extract,
//! summarise, store, index) into a fresh data dir, then a second run with nothing
//! changed, and prints articles/s, CPU ms per article, requests, bytes and the peak
//! resident memory.
//!
//! Baseline, measured in the same run: analysing a sample of the same pages
//! in-process with no fetching, storing or indexing (`Analyzer::analyze`), after the
//! ingest so its pages do not count in the ingest's peak memory. The ratio says what
//! the crawl, the SQLite commits and the index cost on top of the analysis itself.
//! Figures vary with machine load; compare ratios, not seconds. For flatness, compare
//! the CPU ms per article of a 2,000-article run with a 20,000-article one
//! (`FACTWIRE_BENCH_ARTICLES=1000`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Instant;

use factwire_extractor::Gazetteer;
use factwire_fetcher::FetchSettings;
use factwire_pipeline::{AnalyzeOptions, Analyzer, DataDir, FeedSpec, IngestPlan, ingest};
use factwire_testkit::{Route, TestServer, fixtures_dir, temp_dir};

const ROLE: &str = "FACTWIRE_BENCH_ROLE";

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

/// One `/proc/self/status` field in KiB (Linux), if known.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Samples anonymous (heap) and file-backed (mapped index and database pages, which
/// the kernel can drop at will) resident memory every 20 ms until stopped; returns the
/// peak of each in KiB.
struct MemorySampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: std::thread::JoinHandle<(u64, u64)>,
}

impl MemorySampler {
    fn start() -> MemorySampler {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&stop);
        let handle = std::thread::spawn(move || {
            let (mut anon, mut file) = (0, 0);
            while !flag.load(Ordering::Relaxed) {
                anon = anon.max(status_kib("RssAnon:").unwrap_or(0));
                file = file.max(status_kib("RssFile:").unwrap_or(0));
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            (anon, file)
        });
        MemorySampler { stop, handle }
    }

    fn finish(self) -> (u64, u64) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.handle.join().unwrap()
    }
}

/// CPU time (user + system) this process has used so far, in seconds (Linux).
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

const WORDS: &[&str] = &[
    "cloud",
    "revenue",
    "capacity",
    "region",
    "customers",
    "contract",
    "chips",
    "training",
    "inference",
    "margin",
    "backlog",
    "power",
    "data",
    "centre",
    "operators",
    "analysts",
    "quarter",
    "spending",
    "growth",
    "demand",
    "supply",
    "network",
    "storage",
    "servers",
    "pricing",
    "discounts",
    "migration",
    "workloads",
    "regulators",
    "sovereign",
    "latency",
    "developers",
    "platform",
    "partners",
    "subscriptions",
    "outage",
    "security",
    "energy",
    "cooling",
    "campus",
    "lease",
    "bonds",
    "investors",
    "guidance",
    "forecast",
    "shares",
    "engineers",
    "hiring",
    "layoffs",
    "budget",
    "startup",
    "acquisition",
    "licence",
    "model",
];
const NAMES: &[&str] = &[
    "Amazon Web Services",
    "Microsoft",
    "Google Cloud",
    "Oracle",
    "CoreWeave",
    "Nvidia",
    "Equinix",
    "Digital Realty",
    "Snowflake",
    "Databricks",
    "IBM",
    "Alibaba Cloud",
];

/// A small deterministic generator (SplitMix64), so both processes build the same pages.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// About 500 words of cloud-news prose with figures, different for every `n`: word
/// order is random, so no two articles share more than chance 3-word shingles.
fn generated(n: usize) -> String {
    let mut rng = Rng(n as u64 + 1);
    let mut out = String::new();
    for _ in 0..6 {
        out.push_str("<p>");
        for _ in 0..4 {
            out.push_str(rng.pick(NAMES));
            for _ in 0..(8 + rng.next() % 10) {
                out.push(' ');
                out.push_str(rng.pick(WORDS));
            }
            match rng.next() % 3 {
                0 => out.push_str(&format!(" {}%", rng.next() % 90 + 1)),
                1 => out.push_str(&format!(
                    " ${}.{} billion",
                    rng.next() % 90 + 1,
                    rng.next() % 10
                )),
                _ => out.push_str(&format!(" {} {}", rng.next() % 5000 + 10, rng.pick(WORDS))),
            }
            for _ in 0..(2 + rng.next() % 6) {
                out.push(' ');
                out.push_str(rng.pick(WORDS));
            }
            out.push_str(". ");
        }
        out.push_str("</p>");
    }
    out
}

fn templates() -> Vec<String> {
    let dir = fixtures_dir().join("sites/demo/articles");
    let mut templates: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect();
    templates.sort();
    templates
}

/// Article `n` (of feed `f`, item `a`): a demo page plus generated paragraphs, with a
/// canonical URL of its own so every page is its own article.
fn page(templates: &[String], n: usize, f: usize, a: usize) -> String {
    let template = &templates[n % templates.len()];
    // Inside the article element where the page has one; else after its middle
    // paragraph, which is in the body whatever the template's markup.
    let at = template.find("</article>").unwrap_or_else(|| {
        let ends: Vec<usize> = template.match_indices("</p>").map(|(i, _)| i + 4).collect();
        ends.get(ends.len() / 2).copied().unwrap_or(template.len())
    });
    let page = format!(
        "{}{}<p>Bench note {n}: item {a} of feed {f} adds {n} units.</p>{}",
        &template[..at],
        generated(n),
        &template[at..]
    );
    page.replace(
        "rel=\"canonical\" href=\"",
        &format!("rel=\"canonical\" href=\"https://bench{n}."),
    )
}

/// The server process: serves the feeds and pages, prints its address and the HTML
/// bytes, then serves until its stdin closes.
fn serve(feeds: usize, per_feed: usize) {
    let templates = templates();
    let server = TestServer::new();
    let mut bytes = 0usize;
    for f in 0..feeds {
        let mut items = String::new();
        for a in 0..per_feed {
            let n = f * per_feed + a;
            let page = page(&templates, n, f, a);
            let path = format!("/a/{n}.html");
            bytes += page.len();
            server.set_route(&path, Route::ok("text/html; charset=utf-8", page));
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
    println!("{} {bytes}", server.url(""));
    // Requests served, on demand: one line in, one count out.
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        match line.trim() {
            "count" => println!("{}", server.requests().len()),
            "clear" => {
                server.clear_requests();
                println!("ok");
            }
            _ => break,
        }
    }
}

/// The parent's handle on the server process.
struct Server {
    child: std::process::Child,
    out: BufReader<std::process::ChildStdout>,
    base: String,
    bytes: usize,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env(ROLE, "server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let (base, bytes) = line.trim().split_once(' ').unwrap();
        Server {
            base: base.trim_end_matches('/').to_string(),
            bytes: bytes.parse().unwrap(),
            child,
            out,
        }
    }

    fn ask(&mut self, what: &str) -> String {
        use std::io::Write;
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{what}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        self.out.read_line(&mut line).unwrap();
        line.trim().to_string()
    }

    fn requests(&mut self) -> usize {
        self.ask("count").parse().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let mut rest = Vec::new();
        let _ = self.out.read_to_end(&mut rest);
        let _ = self.child.wait();
    }
}

fn main() {
    let feeds = env_usize("FACTWIRE_BENCH_FEEDS", 20);
    let per_feed = env_usize("FACTWIRE_BENCH_ARTICLES", 100);
    if std::env::var(ROLE).as_deref() == Ok("server") {
        serve(feeds, per_feed);
        return;
    }
    let total = feeds * per_feed;
    let mut server = Server::start();

    let tmp = temp_dir();
    let dd = DataDir::new(tmp.path().join("data"));
    let feed_specs: Vec<FeedSpec> = (0..feeds)
        .map(|f| FeedSpec {
            url: format!("{}/feeds/{f}.xml", server.base),
            name: None,
            accept_invalid_certs: false,
            files_under: None,
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
    let sampler = MemorySampler::start();
    let cpu0 = cpu_secs();
    let t = Instant::now();
    let first = ingest(plan(feed_specs.clone()), &mut |_| {}).unwrap();
    let run1 = t.elapsed().as_secs_f64();
    let cpu1 = cpu_secs();
    let (anon_kib, file_kib) = sampler.finish();
    let rss_ingest = peak_rss_kib();
    let req1 = server.requests();
    server.ask("clear");
    let t = Instant::now();
    let second = ingest(plan(feed_specs), &mut |_| {}).unwrap();
    let run2 = t.elapsed().as_secs_f64();
    let req2 = server.requests();
    let bytes = server.bytes;
    drop(server);

    // Baseline: analysis alone, over a sample of the same pages (after the ingest, so
    // these pages are not in its peak memory).
    let templates = templates();
    let sample = total.min(2000);
    let pages: Vec<String> = (0..sample)
        .map(|n| page(&templates, n, n / per_feed, n % per_feed))
        .collect();
    let analyzer = Analyzer::new(Gazetteer::builtin());
    let cpu_b0 = cpu_secs();
    let t = Instant::now();
    for p in &pages {
        let rec = analyzer.analyze(p.as_bytes(), &AnalyzeOptions::default());
        let _ = std::hint::black_box(rec);
    }
    let base = t.elapsed().as_secs_f64() / sample as f64;
    let base_cpu = cpu_secs().zip(cpu_b0).map(|(b, a)| (b - a) / sample as f64);

    println!(
        "ingest bench: {feeds} feeds x {per_feed} articles = {total} articles, {:.1} MB of HTML",
        bytes as f64 / 1e6
    );
    println!(
        "  baseline (analyse only, in-process, {sample} pages): {:>8.0} articles/s  {:.2} ms/article{}",
        1.0 / base,
        1000.0 * base,
        base_cpu.map_or(String::new(), |c| format!(
            "  {:.2} ms CPU/article",
            1000.0 * c
        ))
    );
    let cpu = cpu1.zip(cpu0).map(|(b, a)| (b - a) / total as f64);
    println!(
        "  full ingest (fetch+read+extract+summarise+store+index): {:>8.0} articles/s  {:.2} ms/article{}  new {}  near-duplicates {}  failed {}  requests {req1}",
        total as f64 / run1,
        1000.0 * run1 / total as f64,
        cpu.map_or(String::new(), |c| format!(
            "  {:.2} ms CPU/article",
            1000.0 * c
        )),
        first.report.new,
        first.report.near_duplicates,
        first.report.failed
    );
    println!(
        "  ratio full/baseline: {:.2}x the analysis time{}",
        run1 / total as f64 / base,
        cpu.zip(base_cpu)
            .map_or(String::new(), |(c, b)| format!(", {:.2}x its CPU", c / b))
    );
    println!(
        "  unchanged re-run: {:.3} s, {req2} requests, new {}",
        run2, second.report.new
    );
    if let Some(kib) = rss_ingest {
        println!(
            "  peak RSS of the ingest: {:.0} MiB (sampled peaks: {:.0} MiB heap, {:.0} MiB mapped files)",
            kib as f64 / 1024.0,
            anon_kib as f64 / 1024.0,
            file_kib as f64 / 1024.0
        );
    }
}
