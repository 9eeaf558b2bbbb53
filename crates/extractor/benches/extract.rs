//! Throughput of `Extractor::extract` (facts + entities), with a baseline.
//!
//! ```text
//! cargo bench -p factwire-extractor --bench extract
//! ```
//!
//! The corpus is built from the fixture texts in `fixtures/texts/*/source.txt`,
//! joined into news-length articles (about 6 KB each). The fixtures are denser in
//! numbers than typical news (one fact per 40 bytes against one per 200-250), so the
//! figures are on the pessimistic side.
//! Three measurements, all single-threaded and in the same run:
//! 1. per-article: every fixture extracted repeatedly, reported as MB/s and articles/s;
//! 2. baseline: a plain `regex` scan for digit runs over the same bytes, so the result
//!    can be read as a ratio that does not depend on the machine;
//! 3. linearity: one ~10 MB document (the fixtures repeated) extracted once; its MB/s
//!    should be close to the per-article figure if the work is linear in the input.
//!
//! 4. number-dense paragraphs without full stops (1 MB and 8 MiB, the text cap) made
//!    of generated clauses ("revenue rose 12% to $3.4 billion, and ..."): time and peak
//!    memory (the process's resident high-water mark, reset before each run).
//!
//! The target is at least 20 MB/s per core for facts and entities together, and any
//! input up to the 8 MiB text cap in under 2 s and 500 MB.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use factwire_core::text::normalize_text;
use factwire_extractor::{Context, Extractor, Gazetteer};
use regex::Regex;

/// News-length articles (about 6 KB, the median of wire stories and blog posts) made
/// by joining the fixture texts in rotation, one article starting at each fixture.
fn corpus() -> Vec<String> {
    let texts = fixture_texts();
    let mut out = Vec::new();
    for start in 0..texts.len() {
        let mut a = String::new();
        let mut k = start;
        while a.len() < 6_000 {
            a.push_str(&texts[k % texts.len()]);
            a.push_str("\n\n");
            k += 1;
        }
        out.push(a);
    }
    out
}

fn fixture_texts() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/texts");
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return out;
    };
    let mut paths: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if let Ok(s) = std::fs::read_to_string(p.join("source.txt")) {
            out.push(normalize_text(&s));
        }
    }
    out
}

/// CPU time this thread has run, from `/proc/thread-self/schedstat` (Linux); the
/// machine may be shared, so wall time overstates the cost per core.
fn cpu_time() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// A clock: CPU time when the OS reports it, else wall time.
struct Clock {
    wall: Instant,
    cpu: Option<Duration>,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            wall: Instant::now(),
            cpu: cpu_time(),
        }
    }

    /// (cpu or wall elapsed, wall elapsed)
    fn elapsed(&self) -> (Duration, Duration) {
        let wall = self.wall.elapsed();
        let cpu = match (self.cpu, cpu_time()) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => wall,
        };
        (cpu, wall)
    }
}

/// Runs `f` over `articles` until at least `min` of wall time has passed; returns
/// (bytes, articles, cpu time, wall time).
fn measure(
    articles: &[String],
    min: Duration,
    mut f: impl FnMut(&str),
) -> (usize, usize, Duration, Duration) {
    let clock = Clock::start();
    let (mut bytes, mut n) = (0, 0);
    while clock.elapsed().1 < min {
        for a in articles {
            f(a);
            bytes += a.len();
            n += 1;
        }
    }
    let (cpu, wall) = clock.elapsed();
    (bytes, n, cpu, wall)
}

/// Generated clauses run together with no full stop: the worst shape for a
/// sentence-by-sentence analysis (one "sentence" of the whole size).
const DENSE_CLAUSES: [&str; 5] = [
    "revenue rose 12% to $3.4 billion",
    "operating income fell 7.5% to €812 million",
    "headcount grew by 1,200 employees to 16,000",
    "capacity reached 4 gigawatts in Q3 2025",
    "margins widened 40 basis points",
];

fn dense_paragraph(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 64);
    let mut k = 0;
    while out.len() < bytes {
        out.push_str(DENSE_CLAUSES[k % DENSE_CLAUSES.len()]);
        out.push_str(", and ");
        k += 1;
    }
    out
}

/// Resets the resident-set high-water mark (Linux `clear_refs`); false elsewhere.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The resident-set high-water mark in MB (`VmHWM`), if the OS reports it.
fn peak_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1e3)
}

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

#[allow(clippy::print_stdout)]
fn main() {
    let articles = corpus();
    if articles.is_empty() {
        println!("no fixture texts found");
        return;
    }
    let ex = Extractor::new(Gazetteer::builtin());
    let ctx = Context {
        published: Some("2026-02-05T12:00:00Z".into()),
        title: None,
    };
    // Warm up.
    for a in &articles {
        black_box(ex.extract(a, &ctx));
    }
    let (b, n, d, wall) = measure(&articles, Duration::from_secs(3), |a| {
        black_box(ex.extract(a, &ctx));
    });
    let ours = mbps(b, d);
    println!(
        "extract (facts+entities): {:.1} MB/s per core, {:.0} articles/s (CPU time; wall-clock {:.1} MB/s) ({} articles, {:.1} KB avg)",
        ours,
        n as f64 / d.as_secs_f64(),
        mbps(b, wall),
        articles.len(),
        articles.iter().map(String::len).sum::<usize>() as f64 / articles.len() as f64 / 1e3
    );

    let Ok(digits) = Regex::new(r"\d+") else {
        return;
    };
    let (b, _, d, _) = measure(&articles, Duration::from_secs(1), |a| {
        black_box(digits.find_iter(a).count());
    });
    let base = mbps(b, d);
    println!(
        "baseline (regex \\d+ scan): {base:.1} MB/s; extract is {:.1}x slower than the baseline",
        base / ours
    );

    // Linearity: one ~10 MB document.
    let mut big = String::new();
    while big.len() < 10_000_000 {
        for a in &articles {
            big.push_str(a);
            big.push_str("\n\n");
        }
    }
    let clock = Clock::start();
    let out = black_box(ex.extract(&big, &ctx));
    let (d, _) = clock.elapsed();
    println!(
        "10 MB single document: {:.1} MB/s ({:.2} s, {} facts, {} entities); per-article/10 MB ratio {:.2}",
        mbps(big.len(), d),
        d.as_secs_f64(),
        out.facts.len(),
        out.entities.len(),
        ours / mbps(big.len(), d)
    );

    // Number-dense paragraphs without full stops.
    drop(out);
    drop(big);
    for size in [1 << 20, 8 << 20] {
        let text = dense_paragraph(size);
        let reset = reset_peak();
        let clock = Clock::start();
        let out = black_box(ex.extract(&text, &ctx));
        let (d, wall) = clock.elapsed();
        let longest = out
            .facts
            .iter()
            .map(|f| f.sentence.len())
            .max()
            .unwrap_or(0);
        let peak = match (reset, peak_mb()) {
            (true, Some(mb)) => format!("peak RSS {mb:.0} MB"),
            (false, Some(mb)) => format!("peak RSS {mb:.0} MB (not reset: whole run)"),
            _ => "peak RSS unknown".to_string(),
        };
        println!(
            "number-dense paragraph, {:.1} MB, no full stop: {:.2} s CPU ({:.2} s wall), {peak}, {} facts, longest fact sentence {longest} bytes",
            text.len() as f64 / 1e6,
            d.as_secs_f64(),
            wall.as_secs_f64(),
            out.facts.len(),
        );
    }
}
