//! `factwire search` latency per process, start included: what a user waits for.
//!
//! ```text
//! cargo bench --bench search_latency                                # 2,000 articles
//! FACTWIRE_BENCH_DOCS=100000 cargo bench --bench search_latency     # 100,000 articles
//! FACTWIRE_BENCH_RUNS=50 cargo bench --bench search_latency         # more repetitions
//! FACTWIRE_BENCH_BIN=/path/to/factwire cargo bench ...              # time another build
//! ```
//!
//! The bench builds a real data directory, exactly as `factwire ingest` leaves one: a
//! SQLite store filled through `Store::put_article` and a tantivy index brought up to
//! date by `factwire_pipeline::open_index` (the same batches and commits ingest uses).
//! Its articles are generated, deterministically: cloud-industry news of 300-900 words
//! drawn from a Zipf-distributed vocabulary (a few hundred real words of the trade over
//! a long tail of rarer tokens) with set phrases of the trade, naming entities of the built-in gazetteer (popular
//! names far more often than obscure ones, sometimes by alias), with money and percent
//! facts and publication dates spread over two years. The directory is cached under
//! cargo's target dir, keyed by the article count, so reruns start measuring at once
//! (the index is re-synced on every run, which rebuilds it after a schema change).
//!
//! It then spawns the real binary, `factwire --data-dir D search "<q>" --format json`,
//! for 20 analyst queries (names, aliases, phrases, field prefixes, exclusions, OR,
//! `--since`, `--source`, `--entity`, `--sort newest`) × R runs, interleaved, and
//! reports the wall time of each process: p50/p99/max overall and per query.
//!
//! Baseline, measured in the same run: spawning `factwire --version`, the floor any
//! command pays to start. The ratio says what searching adds on top of process start.
//! Wall times vary with machine load (other builds on the same cores show up in p99);
//! the mean CPU time per process, also printed (Linux), does not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use factwire_core::{ArticleRecord, Entity, Fact, FactKind};
use factwire_extractor::Gazetteer;
use factwire_extractor::Role;
use factwire_pipeline::{DataDir, open_index};
use factwire_store::{NewArticle, Store};

/// Bump when the generator changes, so cached data dirs are rebuilt.
const GENERATOR_VERSION: u32 = 4;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// xorshift64*: deterministic, so every run measures the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Samples ranks 0..n with probability ∝ 1/(rank+1)^s (inverse CDF over a table).
struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Self {
        let mut acc = 0.0;
        let mut cdf: Vec<f64> = (0..n)
            .map(|r| {
                acc += 1.0 / ((r + 1) as f64).powf(s);
                acc
            })
            .collect();
        for c in &mut cdf {
            *c /= acc;
        }
        Zipf { cdf }
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.cdf.partition_point(|c| *c < u).min(self.cdf.len() - 1)
    }
}

/// The trade's words, roughly most frequent first (function words interleaved, as in
/// real text, so the head of the Zipf curve is "the", "of", "cloud", ...).
const COMMON: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "cloud",
    "for",
    "its",
    "said",
    "on",
    "that",
    "is",
    "with",
    "revenue",
    "as",
    "by",
    "ai",
    "quarter",
    "billion",
    "data",
    "from",
    "percent",
    "at",
    "growth",
    "company",
    "customers",
    "year",
    "has",
    "an",
    "services",
    "capacity",
    "which",
    "market",
    "new",
    "compute",
    "more",
    "than",
    "center",
    "centers",
    "infrastructure",
    "its",
    "analysts",
    "spending",
    "demand",
    "were",
    "will",
    "chips",
    "was",
    "million",
    "would",
    "capex",
    "operating",
    "income",
    "margin",
    "expected",
    "backlog",
    "contracts",
    "models",
    "training",
    "inference",
    "workloads",
    "gpu",
    "gpus",
    "power",
    "enterprise",
    "software",
    "platform",
    "storage",
    "network",
    "security",
    "database",
    "pricing",
    "region",
    "regions",
    "partners",
    "deal",
    "agreement",
    "investors",
    "shares",
    "earnings",
    "guidance",
    "forecast",
    "fiscal",
    "second",
    "third",
    "fourth",
    "first",
    "quarterly",
    "annual",
    "rose",
    "fell",
    "grew",
    "increased",
    "declined",
    "record",
    "strong",
    "weaker",
    "higher",
    "lower",
    "accelerated",
    "slowed",
    "executive",
    "chief",
    "officer",
    "ceo",
    "cfo",
    "call",
    "interview",
    "statement",
    "announced",
    "launched",
    "expand",
    "expansion",
    "build",
    "building",
    "campus",
    "gigawatt",
    "megawatts",
    "electricity",
    "grid",
    "nuclear",
    "cooling",
    "supply",
    "shortage",
    "chip",
    "semiconductor",
    "accelerators",
    "servers",
    "racks",
    "hyperscalers",
    "hyperscaler",
    "sovereign",
    "europe",
    "government",
    "regulators",
    "antitrust",
    "competition",
    "rivals",
    "share",
    "lead",
    "outage",
    "incident",
    "downtime",
    "availability",
    "latency",
    "migration",
    "hybrid",
    "multicloud",
    "kubernetes",
    "serverless",
    "database",
    "analytics",
    "developers",
    "tools",
    "agents",
    "agentic",
    "copilot",
    "assistant",
    "subscription",
    "license",
    "licensing",
    "discount",
    "commitment",
    "reserved",
    "instances",
    "price",
    "cuts",
    "layoffs",
    "jobs",
    "headcount",
    "hiring",
    "restructuring",
    "costs",
    "efficiency",
    "depreciation",
    "useful",
    "life",
    "leases",
    "financing",
    "debt",
    "bonds",
    "valuation",
    "funding",
    "round",
    "startup",
    "startups",
    "acquisition",
    "merger",
    "bid",
    "stake",
    "investment",
    "invested",
    "invest",
    "commitments",
    "obligations",
    "remaining",
    "performance",
    "bookings",
    "pipeline",
    "signed",
    "multiyear",
    "partnership",
    "exclusive",
    "openai",
    "frontier",
    "lab",
    "labs",
    "tokens",
    "usage",
    "consumption",
    "adoption",
    "pilot",
    "production",
    "scale",
    "scaling",
    "cluster",
    "clusters",
    "supercomputer",
    "networking",
    "ethernet",
    "infiniband",
    "optical",
    "memory",
    "hbm",
    "wafer",
    "foundry",
    "packaging",
    "export",
    "controls",
    "china",
    "tariffs",
    "trade",
    "policy",
    "energy",
    "gas",
    "turbines",
    "solar",
    "renewable",
    "carbon",
    "emissions",
    "water",
    "land",
    "zoning",
    "permits",
    "local",
    "officials",
    "county",
    "state",
    "federal",
    "contract",
    "defense",
    "agency",
    "public",
    "sector",
    "healthcare",
    "banks",
    "financial",
    "retail",
    "telecom",
    "edge",
    "latency",
    "regional",
    "availability",
    "zones",
    "uptime",
    "sla",
    "support",
    "engineers",
    "team",
    "teams",
    "product",
    "products",
    "feature",
    "features",
    "preview",
    "general",
    "release",
    "version",
    "update",
    "roadmap",
    "conference",
    "keynote",
    "event",
    "week",
    "month",
    "months",
    "years",
    "last",
    "next",
    "earlier",
    "later",
    "since",
    "while",
    "however",
    "also",
    "but",
    "not",
    "about",
    "into",
    "after",
    "before",
    "over",
    "under",
    "between",
    "during",
    "amid",
    "despite",
    "according",
    "people",
    "familiar",
    "matter",
    "declined",
    "comment",
    "spokesperson",
    "report",
    "reported",
    "reports",
    "filing",
    "sec",
    "results",
    "beat",
    "missed",
    "estimates",
    "consensus",
    "wall",
    "street",
    "stock",
    "jumped",
    "slid",
    "trading",
    "premarket",
    "after-hours",
    "percentage",
    "points",
    "basis",
];

/// Syllables for the long tail of rarer tokens (product codes, places, surnames, typos).
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "tra", "ven", "dor", "sel", "qu", "ar", "ix", "on", "ra", "ste", "ne", "po",
    "lin", "gar", "ze", "thu", "bro", "cal", "dex", "fi", "mor", "pha", "rin", "sol", "tek", "vi",
    "wen",
];

/// Set phrases of the trade, most common first; one sentence in ten carries one,
/// drawn Zipf-wise (so "data center" is in most articles, "remaining performance
/// obligations" in about one in ten, as in cloud-industry news).
const PHRASES: &[&str] = &[
    "data center",
    "data centers",
    "artificial intelligence",
    "generative AI",
    "cloud revenue",
    "year over year",
    "fourth quarter",
    "third quarter",
    "capital expenditures",
    "supply constraints",
    "operating margin",
    "remaining performance obligations",
    "sovereign cloud",
    "price cuts",
    "job cuts",
    "power purchase agreement",
];

const SOURCES: &[&str] = &[
    "cloudwire.example",
    "datacenterdaily.example",
    "infra-insider.example",
    "thestack.example",
    "siliconledger.example",
    "registerwire.example",
    "marketfeed.example",
    "computeweekly.example",
    "enterprisetimes.example",
    "chipbeat.example",
    "techcapital.example",
    "reuters-like.example",
];

const METRICS: &[&str] = &[
    "revenue",
    "growth",
    "capex",
    "backlog",
    "operating income",
    "operating margin",
    "net income",
    "headcount",
    "market share",
    "guidance",
];

/// An entity the generator can mention: canonical name, kind, aliases.
struct Name {
    name: String,
    kind: factwire_core::EntityKind,
    aliases: Vec<String>,
}

struct Generator {
    vocab: Vec<String>,
    words: Zipf,
    phrases: Zipf,
    names: Vec<Name>,
    entities: Zipf,
}

impl Generator {
    fn new() -> Self {
        let mut vocab: Vec<String> = COMMON.iter().map(|s| (*s).to_string()).collect();
        let mut rng = Rng(0xC0FF_EE00_1234_5678);
        // ~30,000 tail tokens, as a real news index has tens of thousands of terms.
        while vocab.len() < 30_000 {
            let n = 2 + rng.below(3);
            let w: String = (0..n).map(|_| *rng.pick(SYLLABLES)).collect();
            vocab.push(w);
        }
        let g = Gazetteer::builtin();
        let names: Vec<Name> = g
            .entries()
            .iter()
            .filter(|e| matches!(e.role, Role::Plain))
            .map(|e| Name {
                name: e.name.clone(),
                kind: e.kind,
                aliases: e.aliases.clone(),
            })
            .collect();
        assert!(
            names.len() > 100,
            "the gazetteer has {} entries",
            names.len()
        );
        Generator {
            words: Zipf::new(vocab.len(), 1.05),
            phrases: Zipf::new(PHRASES.len(), 1.0),
            entities: Zipf::new(names.len(), 1.1),
            vocab,
            names,
        }
    }

    fn article(&self, n: usize) -> NewArticle {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (n as u64).wrapping_mul(0x1000_0000_01B3));
        rng.next();
        // Main entity plus 2-6 others, popular names more often.
        let k = 3 + rng.below(5);
        let mut picked: Vec<usize> = Vec::new();
        while picked.len() < k {
            let i = self.entities.sample(&mut rng);
            if !picked.contains(&i) {
                picked.push(i);
            }
        }
        let mut mentions = vec![0u32; picked.len()];
        let mut used_aliases: Vec<Vec<String>> = vec![Vec::new(); picked.len()];
        let target_words = 300 + rng.below(601);
        let mut text = String::new();
        let mut facts = Vec::new();
        let mut words = 0usize;
        let mut sentence_no = 0usize;
        while words < target_words {
            let mut sentence = String::new();
            // Every sentence names an entity; the main one a third of the time.
            let e = if sentence_no.is_multiple_of(3) {
                0
            } else {
                rng.below(picked.len())
            };
            let name = &self.names[picked[e]];
            let surface = if !name.aliases.is_empty() && rng.below(3) == 0 {
                let a = rng.pick(&name.aliases).clone();
                if !used_aliases[e].contains(&a) {
                    used_aliases[e].push(a.clone());
                }
                a
            } else {
                name.name.clone()
            };
            mentions[e] += 1;
            let len = 8 + rng.below(22);
            let at = rng.below(len);
            let phrase_at = if rng.below(10) == 0 {
                rng.below(len)
            } else {
                usize::MAX
            };
            for i in 0..len {
                if i == at {
                    sentence.push_str(&surface);
                } else if i == phrase_at {
                    let phrase = PHRASES[self.phrases.sample(&mut rng)];
                    sentence.push_str(phrase);
                } else {
                    sentence.push_str(&self.vocab[self.words.sample(&mut rng)]);
                }
                sentence.push(' ');
            }
            // About one sentence in four carries a number.
            if rng.below(4) == 0 {
                let metric = *rng.pick(METRICS);
                let (kind, num) = if rng.below(2) == 0 {
                    (
                        FactKind::Money,
                        format!("${}.{} billion", 1 + rng.below(120), rng.below(10)),
                    )
                } else {
                    (FactKind::Percent, format!("{}%", 1 + rng.below(60)))
                };
                sentence.push_str(&format!("{metric} was "));
                let start = text.chars().count() + sentence.chars().count();
                sentence.push_str(&num);
                let mut f = Fact::new(kind, &num, start, start + num.chars().count(), "");
                f.metric = Some(metric.to_string());
                f.subject = Some(name.name.clone());
                facts.push(f);
            }
            let trimmed = sentence.trim_end();
            let mut s = String::with_capacity(trimmed.len() + 1);
            let mut chars = trimmed.chars();
            if let Some(c) = chars.next() {
                s.extend(c.to_uppercase());
                s.push_str(chars.as_str());
            }
            s.push('.');
            words += len;
            for f in facts.iter_mut().filter(|f| f.sentence.is_empty()) {
                f.sentence = s.clone();
            }
            text.push_str(&s);
            sentence_no += 1;
            text.push_str(if sentence_no.is_multiple_of(4) {
                "\n\n"
            } else {
                " "
            });
        }
        let text = text.trim_end().to_string();
        let main = &self.names[picked[0]];
        let title = format!(
            "{} {} {} {} {}",
            main.name,
            self.vocab[self.words.sample(&mut rng).min(400)],
            self.vocab[self.words.sample(&mut rng).min(400)],
            self.vocab[self.words.sample(&mut rng).min(400)],
            self.vocab[self.words.sample(&mut rng)],
        );
        let summary: Vec<String> = text
            .split(". ")
            .take(3)
            .map(|s| format!("{}.", s.trim_end_matches('.')))
            .collect();
        // Two years back from 2026-11-01, any second.
        let t0 = 1_730_419_200i64; // 2024-11-01T00:00:00Z
        let secs = t0 + (rng.below(2 * 365 * 86_400)) as i64;
        let published = chrono::DateTime::from_timestamp(secs, 0)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let source = *rng.pick(SOURCES);
        let url = format!("https://{source}/{}/article-{n}", &published[..10]);
        let entities = picked
            .iter()
            .zip(mentions)
            .zip(used_aliases)
            .map(|((&i, m), aliases)| Entity {
                name: self.names[i].name.clone(),
                kind: self.names[i].kind,
                aliases,
                mentions: m.max(1),
            })
            .collect();
        let record = ArticleRecord {
            url: Some(url.clone()),
            title: Some(title),
            byline: None,
            published: Some(published.clone()),
            site_name: None,
            language: Some("en".into()),
            text,
            summary,
            entities,
            facts,
            ..ArticleRecord::default()
        };
        NewArticle::new(url, record, published)
    }
}

/// Builds (or reuses) the data dir for `docs` articles; returns its path.
fn data_dir(docs: usize) -> PathBuf {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("search-latency")
        .join(format!("docs-{docs}-gen{GENERATOR_VERSION}"));
    let done = cache.join("complete");
    let dd = DataDir::new(cache.join("data"));
    if !done.exists() {
        if cache.exists() {
            std::fs::remove_dir_all(&cache).unwrap();
        }
        dd.create().unwrap();
        let g = Generator::new();
        let t = Instant::now();
        let mut store = Store::open(&dd.store_path()).unwrap();
        for n in 0..docs {
            store.put_article(&g.article(n)).unwrap();
        }
        println!("stored {docs} generated articles in {:.1?}", t.elapsed());
        std::fs::write(&done, format!("{docs}\n")).unwrap();
    }
    // Brings the index up to date exactly as ingest does (a full build the first
    // time, and again whenever the index schema changed); a no-op otherwise.
    let t = Instant::now();
    let mut store = Store::open(&dd.store_path()).unwrap();
    let index = open_index(&dd, &mut store, &mut |_| {}).unwrap();
    let count = index.doc_count().unwrap();
    assert_eq!(count as usize, docs, "index holds {count} docs");
    let segments = std::fs::read_dir(dd.index_dir())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".idx"))
        })
        .count();
    println!(
        "data dir {} ({docs} articles, {segments} index segments) ready in {:.1?}",
        dd.root().display(),
        t.elapsed()
    );
    dd.root().to_path_buf()
}

/// The analyst queries: search arguments after `search`.
fn queries() -> Vec<Vec<&'static str>> {
    vec![
        vec!["AWS"],
        vec!["Amazon Web Services revenue growth"],
        vec!["Jassy"],
        vec!["Nvidia Blackwell chips shortage"],
        vec!["\"data center\" capacity power"],
        vec!["Microsoft Azure AI capacity"],
        vec!["title:Oracle backlog"],
        vec!["entity:\"Google Cloud\" revenue"],
        vec!["metric:capex hyperscalers"],
        vec!["layoffs -Amazon"],
        vec!["Q4 earnings guidance"],
        vec!["CoreWeave OR Nebius contract"],
        vec!["\"remaining performance obligations\""],
        vec!["sovereign cloud Europe regulators"],
        vec!["Satya Nadella OpenAI partnership"],
        vec!["Azure", "--since", "2026-01-01"],
        vec!["outage", "--sort", "newest"],
        vec![
            "AWS pricing",
            "--since",
            "2025-06-01",
            "--until",
            "2025-12-31",
        ],
        vec!["gpu inference", "--source", "cloudwire.example"],
        vec!["capex", "--entity", "Meta", "--limit", "20"],
    ]
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// CPU time (user + system) used by this process's finished children so far, from
/// `/proc/self/stat` (Linux; clock ticks of 10 ms, so only sums over many processes
/// mean anything). `None` elsewhere.
fn children_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // Fields 16 and 17 of stat(5) (cutime, cstime); the list starts at field 3.
    let ticks: u64 = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Spawns the binary once (or `$FACTWIRE_BENCH_BIN`, to time another build on the
/// same data dir); returns its wall time and stdout.
fn spawn(args: &[&str]) -> (Duration, Vec<u8>) {
    let bin = std::env::var_os("FACTWIRE_BENCH_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_factwire").into());
    let mut c = Command::new(bin);
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("FACTWIRE_CONFIG")
        .env_remove("FACTWIRE_DATA_DIR")
        .env_remove("RUST_LOG")
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    let t = Instant::now();
    let out = c.output().unwrap();
    let took = t.elapsed();
    assert!(
        out.status.success(),
        "factwire {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (took, out.stdout)
}

fn main() {
    let docs = env_usize("FACTWIRE_BENCH_DOCS", 2000);
    let runs = env_usize("FACTWIRE_BENCH_RUNS", 20).max(1);
    let root = data_dir(docs);
    let dir = root.to_str().unwrap();
    let qs = queries();
    let argv = |q: &[&'static str]| -> Vec<String> {
        let mut v: Vec<String> = ["--data-dir", dir, "search"].map(String::from).to_vec();
        v.push(q[0].to_string());
        v.extend(q[1..].iter().map(|s| s.to_string()));
        v.extend(["--format", "json"].map(String::from));
        v
    };
    // Warm-up: page cache, and proof every query runs and answers.
    let mut empty = Vec::new();
    for q in &qs {
        let a = argv(q);
        let (_, out) = spawn(&a.iter().map(String::as_str).collect::<Vec<_>>());
        let hits: serde_json::Value = serde_json::from_slice(&out).unwrap();
        if hits.as_array().is_none_or(Vec::is_empty) {
            empty.push(q.join(" "));
        }
    }
    spawn(&["--version"]);

    let mut per_query: Vec<Vec<Duration>> = vec![Vec::new(); qs.len()];
    let mut base = Vec::new();
    let (mut cpu_search, mut cpu_base) = (Duration::ZERO, Duration::ZERO);
    let cpu = || children_cpu().unwrap_or_default();
    for _ in 0..runs {
        for (i, q) in qs.iter().enumerate() {
            let a = argv(q);
            let before = cpu();
            let (t, _) = spawn(&a.iter().map(String::as_str).collect::<Vec<_>>());
            let between = cpu();
            per_query[i].push(t);
            // One baseline spawn per query spawn, interleaved, so load drift hits both.
            base.push(spawn(&["--version"]).0);
            cpu_search += between.saturating_sub(before);
            cpu_base += cpu().saturating_sub(between);
        }
    }
    base.sort();
    let mut all: Vec<Duration> = per_query.iter().flatten().copied().collect();
    all.sort();

    println!(
        "{docs} articles, {} queries x {runs} runs ({} processes)",
        qs.len(),
        all.len()
    );
    println!(
        "{:<58} {:>8} {:>8} {:>8}",
        "query", "p50 ms", "p99 ms", "max ms"
    );
    for (q, times) in qs.iter().zip(&mut per_query) {
        times.sort();
        let label: String = q.join(" ").chars().take(58).collect();
        println!(
            "{label:<58} {:>8.2} {:>8.2} {:>8.2}",
            ms(pct(times, 0.5)),
            ms(pct(times, 0.99)),
            ms(*times.last().unwrap())
        );
    }
    let (p50, p99, max) = (pct(&all, 0.5), pct(&all, 0.99), *all.last().unwrap());
    let (b50, b99, bmax) = (pct(&base, 0.5), pct(&base, 0.99), *base.last().unwrap());
    println!(
        "{:<58} {:>8.2} {:>8.2} {:>8.2}",
        "ALL search processes",
        ms(p50),
        ms(p99),
        ms(max)
    );
    println!(
        "{:<58} {:>8.2} {:>8.2} {:>8.2}",
        "baseline: factwire --version",
        ms(b50),
        ms(b99),
        ms(bmax)
    );
    if children_cpu().is_some() {
        let n = all.len() as f64;
        println!(
            "mean CPU per process (user+sys, load-independent): search {:.2} ms, --version {:.2} ms",
            cpu_search.as_secs_f64() * 1000.0 / n,
            cpu_base.as_secs_f64() * 1000.0 / n
        );
    }
    println!(
        "ratio search/baseline: p50 {:.1}x, p99 {:.1}x; search adds {:.2} ms at p50",
        p50.as_secs_f64() / b50.as_secs_f64(),
        p99.as_secs_f64() / b99.as_secs_f64(),
        ms(p50.saturating_sub(b50))
    );
    if !empty.is_empty() {
        println!("queries with no hits: {empty:?}");
    }
}
