//! Search latency benchmark (no harness; std::time only).
//!
//! Builds an index of generated articles in a temp dir, then measures in-process:
//! - `open+search`: [`Index::open`] followed by one query, as one CLI call does;
//! - `search`: queries against an already open index.
//!
//! Each is reported as p50/p99 over all runs, with the ratio to a match-all baseline
//! measured the same way in the same run (so machine speed cancels out).
//!
//! `FACTWIRE_BENCH_DOCS` sets the corpus size (default 2000; try 100000).
//! `FACTWIRE_BENCH_RUNS` sets the repetitions per query (default 30).
//! Run: `cargo bench -p factwire-index --bench search`.

#![allow(clippy::print_stdout, clippy::unwrap_used)] // a benchmark reports on stdout

use std::time::{Duration, Instant};

use factwire_index::{Index, IndexDoc, SearchQuery, Sort};

const WORDS: &[&str] = &[
    "cloud",
    "revenue",
    "growth",
    "quarter",
    "capacity",
    "data",
    "center",
    "chips",
    "model",
    "training",
    "inference",
    "customers",
    "backlog",
    "contract",
    "billion",
    "percent",
    "margin",
    "operating",
    "income",
    "guidance",
    "analysts",
    "expected",
    "demand",
    "supply",
    "power",
    "region",
    "storage",
    "network",
    "security",
    "database",
    "migration",
    "pricing",
    "discount",
    "commitment",
    "partner",
    "launch",
    "service",
    "platform",
    "workloads",
    "ai",
];
const ENTITIES: &[&[&str]] = &[
    &["Amazon Web Services", "AWS"],
    &["Microsoft Azure", "Azure"],
    &["Google Cloud", "GCP"],
    &["Oracle Cloud Infrastructure", "OCI"],
    &["Nvidia"],
    &["Andy Jassy", "Jassy"],
    &["Satya Nadella", "Nadella"],
];
const SOURCES: &[&str] = &[
    "news.example",
    "wire.example",
    "blog.example",
    "daily.example",
];

/// A tiny deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

fn article(rng: &mut Rng, id: i64) -> IndexDoc {
    let ent = rng.pick(ENTITIES);
    let other = rng.pick(ENTITIES);
    let mut text = String::new();
    for s in 0..12 {
        let subject = if s % 3 == 0 { ent[0] } else { rng.pick(ent) };
        text.push_str(subject);
        for _ in 0..14 {
            text.push(' ');
            text.push_str(rng.pick(WORDS));
        }
        text.push_str(&format!(" {}%.", rng.next() % 90));
        text.push_str(if s % 4 == 3 { "\n\n" } else { " " });
    }
    let day = 1 + rng.next() % 28;
    let month = 1 + rng.next() % 12;
    IndexDoc {
        id,
        version: 1,
        url: format!("https://news.example/a/{id}"),
        title: Some(format!(
            "{} {} {} {}",
            ent[0],
            rng.pick(WORDS),
            rng.pick(WORDS),
            other[0]
        )),
        summary: vec![text.chars().take(160).collect()],
        text,
        source: Some(rng.pick(SOURCES).to_string()),
        published: Some(format!("2025-{month:02}-{day:02}T12:00:00Z")),
        entities: ent
            .iter()
            .chain(other.iter())
            .map(|s| s.to_string())
            .collect(),
        metrics: vec![
            rng.pick(&["revenue", "growth", "capex", "backlog"])
                .to_string(),
        ],
        duplicate_of: None,
    }
}

fn queries() -> Vec<(&'static str, SearchQuery)> {
    let synonyms: Vec<Vec<String>> = ENTITIES
        .iter()
        .map(|g| g.iter().map(|s| s.to_string()).collect())
        .collect();
    let q = |text: &str| SearchQuery {
        text: text.into(),
        limit: 10,
        synonyms: synonyms.clone(),
        ..Default::default()
    };
    vec![
        ("one word", q("backlog")),
        ("two words", q("capacity power")),
        ("synonym", q("aws revenue growth")),
        ("phrase", q("\"data center\" capacity")),
        ("exclusion", q("inference -training")),
        ("or + field", q("title:nvidia OR entity:oci margin")),
        (
            "filters",
            SearchQuery {
                since: Some("2025-06-01".into()),
                until: Some("2025-09-30".into()),
                source: Some("wire.example".into()),
                ..q("pricing discount")
            },
        ),
        (
            "newest",
            SearchQuery {
                sort: Sort::Newest,
                ..q("security database")
            },
        ),
    ]
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn measure(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    f(); // warm-up
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    (pct(&times, 0.5), pct(&times, 0.99))
}

fn main() {
    let docs: usize = std::env::var("FACTWIRE_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let runs: usize = std::env::var("FACTWIRE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    {
        let (index, _) = Index::open(dir.path()).unwrap();
        let mut w = index.writer().unwrap();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for id in 1..=docs as i64 {
            w.upsert(&article(&mut rng, id)).unwrap();
        }
        w.commit().unwrap();
    }
    println!("indexed {docs} docs in {:.2?}", t.elapsed());

    let baseline = SearchQuery {
        limit: 10,
        ..Default::default()
    };
    let (index, _) = Index::open(dir.path()).unwrap();
    let (base_open, _) = measure(runs, || {
        let (i, _) = Index::open(dir.path()).unwrap();
        i.search(&baseline).unwrap();
    });
    let (base_search, _) = measure(runs, || {
        index.search(&baseline).unwrap();
    });
    println!(
        "{:<12} {:>10} {:>10} {:>7}   {:>10} {:>10} {:>7}",
        "query", "open p50", "open p99", "ratio", "srch p50", "srch p99", "ratio"
    );
    let row = |name: &str, open: (Duration, Duration), search: (Duration, Duration)| {
        println!(
            "{:<12} {:>10.2?} {:>10.2?} {:>6.1}x   {:>10.2?} {:>10.2?} {:>6.1}x",
            name,
            open.0,
            open.1,
            open.0.as_secs_f64() / base_open.as_secs_f64(),
            search.0,
            search.1,
            search.0.as_secs_f64() / base_search.as_secs_f64(),
        );
    };
    let base = (
        measure(runs, || {
            let (i, _) = Index::open(dir.path()).unwrap();
            i.search(&baseline).unwrap();
        }),
        measure(runs, || {
            index.search(&baseline).unwrap();
        }),
    );
    row("match-all", base.0, base.1);
    for (name, q) in queries() {
        let open = measure(runs, || {
            let (i, _) = Index::open(dir.path()).unwrap();
            assert!(!i.search(&q).unwrap().is_empty() || name == "filters");
        });
        let search = measure(runs, || {
            index.search(&q).unwrap();
        });
        row(name, open, search);
    }
}
