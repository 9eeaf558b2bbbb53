//! Throughput of `read_html` over a directory of pages.
//!
//! ```text
//! cargo bench -p factwire-reader --bench read                 # the crate's fixtures
//! cargo bench -p factwire-reader --bench read -- DIR          # any folder
//! FACTWIRE_BENCH_DIR=DIR cargo bench -p factwire-reader --bench read
//! ```
//!
//! Every `*.html` and `*.html.gz` file under the folder (recursively) is decoded once,
//! then read repeatedly for at least [`MIN_SECONDS`]. The report gives pages/s, MB/s
//! and ms/page for `read_html`, and the same for a baseline measured in the same run:
//! parsing the page with `scraper` and collecting all of its text, which is the floor
//! any extractor built on that parser pays. The ratio says what the extraction itself
//! costs on top.
//!
//! Wall time suffers when the machine is busy, so on Linux the bench also reports
//! the CPU time the measuring thread actually ran (`/proc/thread-self/schedstat`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Each measurement runs at least this long.
const MIN_SECONDS: f64 = 2.0;

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("FACTWIRE_BENCH_DIR").map(PathBuf::from))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/articles"));
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let pages: Vec<String> = files.iter().filter_map(|p| load(p)).collect();
    if pages.is_empty() {
        eprintln!("no .html or .html.gz pages under {}", dir.display());
        return;
    }
    let bytes: usize = pages.iter().map(String::len).sum();
    eprintln!(
        "{} pages, {:.1} MB from {}",
        pages.len(),
        bytes as f64 / 1e6,
        dir.display()
    );
    let reader = measure(&pages, |html| {
        let page = factwire_reader::read_html(html, None);
        page.text.len()
    });
    let baseline = measure(&pages, |html| {
        let doc = scraper::Html::parse_document(html);
        doc.root_element().text().map(str::len).sum()
    });
    report("read_html", reader, pages.len(), bytes);
    report("baseline (parse + all text)", baseline, pages.len(), bytes);
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    eprint!(
        "read_html / baseline time ratio: {:.2} wall",
        ratio(reader.wall, baseline.wall)
    );
    match (reader.cpu, baseline.cpu) {
        (Some(a), Some(b)) => eprintln!(", {:.2} CPU", ratio(a, b)),
        _ => eprintln!(),
    }
}

/// Wall and CPU time (if known) per pass over all pages.
#[derive(Clone, Copy)]
struct Timing {
    wall: Duration,
    cpu: Option<Duration>,
}

/// Average time per pass over all pages.
fn measure(pages: &[String], f: impl Fn(&str) -> usize) -> Timing {
    let cpu0 = thread_cpu();
    let start = Instant::now();
    let mut rounds = 0u32;
    let mut sink = 0usize;
    while rounds == 0 || start.elapsed().as_secs_f64() < MIN_SECONDS {
        for p in pages {
            sink = sink.wrapping_add(f(p));
        }
        rounds += 1;
    }
    std::hint::black_box(sink);
    let wall = start.elapsed() / rounds;
    let cpu = match (cpu0, thread_cpu()) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a) / rounds),
        _ => None,
    };
    Timing { wall, cpu }
}

/// CPU time this thread has run, from Linux's schedstat (nanoseconds, first field).
fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

fn report(name: &str, t: Timing, pages: usize, bytes: usize) {
    let s = t.wall.as_secs_f64();
    eprint!(
        "{name:30} {:8.1} pages/s {:7.1} MB/s {:7.2} ms/page wall",
        pages as f64 / s,
        bytes as f64 / 1e6 / s,
        1e3 * s / pages as f64
    );
    match t.cpu {
        Some(cpu) => eprintln!(
            ", {:.2} ms/page CPU",
            1e3 * cpu.as_secs_f64() / pages as f64
        ),
        None => eprintln!(),
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            let name = p.to_string_lossy();
            if name.ends_with(".html") || name.ends_with(".html.gz") {
                out.push(p);
            }
        }
    }
}

fn load(path: &Path) -> Option<String> {
    let raw = std::fs::read(path).ok()?;
    let bytes = if path.to_string_lossy().ends_with(".gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .ok()?;
        out
    } else {
        raw
    };
    Some(factwire_reader::decode(&bytes, None))
}
