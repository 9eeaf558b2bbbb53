//! Search quality on real news, through the binary, beside a plain BM25 baseline.
//!
//! The corpus is read at run time from the shared evaluation data (never copied into
//! the repository): the 60 news pages of `extraction-dev` (their saved HTML, read by
//! factwire's own reader), the 50 BBC News stories of `summary-dev` (headline and
//! body as a minimal HTML page) and the 32 texts of `facts-dev` plus the seed
//! article (plain text). The queries and graded judgements are ours:
//! `fixtures/relevance/real.toml` (see that directory's README for how they were
//! pooled and judged).
//!
//! The data directory is `$FACTWIRE_EVAL_DATA`, else `../shared/data` or
//! `../../shared/data` from the repository root. Without it the test says so on
//! stderr and checks nothing else.
//!
//! Everything is ingested with `factwire ingest PATH...` into a fresh data dir; each
//! query runs as `factwire search Q --limit 10 --format json`. The baseline is
//! [`factwire_index::baseline::Bm25Baseline`] (tantivy with default settings) over
//! the same stored titles and texts (`factwire show`), measured in the same run.
//! Metrics are those of the fixture set (`relevance.rs`): nDCG@10, P@5, MRR, with
//! folded near-duplicate copies carrying their best grade.
//!
//! `cargo test --test cli real_relevance -- --nocapture` prints the per-query table,
//! the means per query kind and overall, for both rankings. Setting
//! `FACTWIRE_EVAL_DUMP=FILE` also writes both rankings of every query as JSON (what
//! the judgement pools were drawn from).

// Helpers outside `#[test]` functions panic on broken data on purpose.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use factwire_index::baseline::Bm25Baseline;
use serde_json::Value;

use crate::relevance::{Judged, load_judgements_from, ndcg, precision, reciprocal_rank};
use crate::util::{Dir, fixture, root};

/// `factwire ARGS` parsed as JSON: the binary under test, or the one named by
/// `$FACTWIRE_EVAL_BIN` (to measure another build, e.g. the ranking before a change,
/// on exactly the same data and judgements).
fn eval_json(d: &Dir, args: &[&str]) -> Value {
    let Ok(bin) = std::env::var("FACTWIRE_EVAL_BIN") else {
        return d.json(args);
    };
    let out = std::process::Command::new(&bin)
        .current_dir(root())
        .env_remove("FACTWIRE_CONFIG")
        .env_remove("FACTWIRE_DATA_DIR")
        .arg("--data-dir")
        .arg(d.data())
        .arg("--config")
        .arg(d.path().join("empty.toml"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{bin} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Floors for our means over the real set, a little below the measured values (which
/// are printed); our nDCG@10 must also beat the BM25 baseline's.
const MIN_NDCG10: f64 = 0.87;
const MIN_P5: f64 = 0.38;
const MIN_MRR: f64 = 0.92;

/// Where the shared evaluation data lives, if anywhere.
fn data_dir() -> Option<PathBuf> {
    if let Ok(d) = std::env::var("FACTWIRE_EVAL_DATA") {
        return Some(PathBuf::from(d));
    }
    ["../shared/data", "../../shared/data"]
        .iter()
        .map(|rel| root().join(rel))
        .find(|p| p.join("summary-dev/articles.jsonl").exists())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Writes every document of the real set into `dir` and returns (doc id, path).
fn write_corpus(data: &Path, dir: &Path) -> Vec<(String, PathBuf)> {
    std::fs::create_dir_all(dir).unwrap();
    let mut out = Vec::new();
    // extraction-dev: the saved pages, decompressed.
    let mut pages: Vec<PathBuf> = std::fs::read_dir(data.join("extraction-dev/html"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    for p in pages {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let hex = name.strip_suffix(".html.gz").unwrap();
        let id = format!("x-{}", &hex[..10]);
        let mut html = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&p).unwrap())
            .read_to_string(&mut html)
            .unwrap();
        let path = dir.join(format!("{id}.html"));
        std::fs::write(&path, html).unwrap();
        out.push((id, path));
    }
    // summary-dev: headline and paragraphs as a minimal page.
    let jsonl = std::fs::read_to_string(data.join("summary-dev/articles.jsonl")).unwrap();
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        let a: Value = serde_json::from_str(line).unwrap();
        let id = format!("bbc-{}", a["id"].as_str().unwrap().replace('/', "-"));
        let title = escape(a["title"].as_str().unwrap());
        let paras: String = a["text"]
            .as_str()
            .unwrap()
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .map(|p| format!("<p>{}</p>\n", escape(p.trim())))
            .collect();
        let html = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body><article><h1>{title}</h1>\n{paras}</article></body></html>\n"
        );
        let path = dir.join(format!("{id}.html"));
        std::fs::write(&path, html).unwrap();
        out.push((id, path));
    }
    // facts-dev and the seed: plain text.
    let mut texts: Vec<PathBuf> = std::fs::read_dir(data.join("facts-dev/texts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    texts.sort();
    let seed = data.join("../seed/aws-early-2026-analysis.txt");
    if seed.exists() {
        texts.push(seed);
    }
    for p in texts {
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        let id = if stem.starts_with("dev-") {
            stem
        } else {
            "seed".to_string()
        };
        let path = dir.join(format!("{id}.txt"));
        std::fs::copy(&p, &path).unwrap();
        out.push((id, path));
    }
    out
}

/// A ranking's scores for one query: (nDCG@10, P@5, RR), copies folded.
fn score(ranked: &[(String, Vec<String>)], q: &Judged) -> (f64, f64, f64) {
    let mut grades = q.grades.clone();
    let mut order = Vec::new();
    for (doc, copies) in ranked {
        let mut best = grades.get(doc).copied().unwrap_or(0);
        for c in copies {
            best = best.max(grades.remove(c).unwrap_or(0));
        }
        if best > 0 {
            grades.insert(doc.clone(), best);
        }
        order.push(doc.clone());
    }
    (
        ndcg(&order, &grades, 10),
        precision(&order, &grades, 5),
        reciprocal_rank(&order, &grades),
    )
}

/// Sums of (nDCG, P@5, RR, count) per kind, overall under "all", and per split
/// ("=dev", "=held-out").
type Means = BTreeMap<String, (f64, f64, f64, usize)>;

fn add(m: &mut Means, kind: &str, s: (f64, f64, f64)) {
    let keys: &[&str] = if kind.starts_with('=') {
        &[kind]
    } else {
        &[kind, "all"]
    };
    for k in keys {
        let e = m.entry(k.to_string()).or_default();
        e.0 += s.0;
        e.1 += s.1;
        e.2 += s.2;
        e.3 += 1;
    }
}

fn mean(m: &Means, kind: &str) -> (f64, f64, f64) {
    let (a, b, c, n) = m.get(kind).copied().unwrap_or_default();
    let n = n.max(1) as f64;
    (a / n, b / n, c / n)
}

#[test]
fn relevance_of_real_news() {
    let Some(data) = data_dir() else {
        eprintln!("real_relevance: no evaluation data (set FACTWIRE_EVAL_DATA); nothing measured");
        return;
    };
    let d = Dir::new();
    let corpus = write_corpus(&data, &d.path().join("corpus"));
    let mut args = vec!["ingest", "--format", "json"];
    let paths: Vec<String> = corpus
        .iter()
        .map(|(_, p)| p.display().to_string())
        .collect();
    args.extend(paths.iter().map(String::as_str));
    let report = eval_json(&d, &args);
    assert_eq!(report["failed"], 0, "{report}");

    // Store id -> doc id, and the stored title and text for the baseline.
    let mut by_store: HashMap<i64, String> = HashMap::new();
    let mut by_url: HashMap<String, String> = HashMap::new();
    let mut stored = Vec::new();
    for (id, path) in &corpus {
        let url = format!("file://{}", path.display());
        let rec = eval_json(&d, &["show", &url, "--format", "json"]);
        let store_id = rec["id"].as_i64().unwrap();
        by_store.insert(store_id, id.clone());
        by_url.insert(
            rec["url"].as_str().unwrap_or_default().to_string(),
            id.clone(),
        );
        stored.push((
            store_id,
            rec["title"].as_str().map(str::to_string),
            rec["text"].as_str().unwrap_or_default().to_string(),
        ));
    }
    let baseline = Bm25Baseline::new(&stored).unwrap();

    let queries = load_judgements_from(&fixture("relevance/real.toml"));
    assert!(queries.len() >= 40, "only {} queries", queries.len());
    let mut ours = Means::new();
    let mut bm25 = Means::new();
    let mut dump = serde_json::Map::new();
    let mut table = String::new();
    writeln!(
        table,
        "{:<10} {:<45} {:>6} {:>6}  top 3 (ours)",
        "kind", "query", "ours", "bm25"
    )
    .unwrap();
    for (i, q) in queries.iter().enumerate() {
        // Every second query is held out: nothing was tuned on them.
        let split = if i % 2 == 1 { "=held-out" } else { "=dev" };
        let hits = eval_json(
            &d,
            &["search", &q.text, "--limit", "10", "--format", "json"],
        );
        let ranked: Vec<(String, Vec<String>)> = hits
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                let doc = by_store[&h["id"].as_i64().unwrap()].clone();
                let copies = h["duplicates"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|u| by_url.get(u.as_str().unwrap_or_default()).cloned())
                            .collect()
                    })
                    .unwrap_or_default();
                (doc, copies)
            })
            .collect();
        let base: Vec<(String, Vec<String>)> = baseline
            .search(&q.text, 10)
            .unwrap()
            .into_iter()
            .map(|id| (by_store[&id].clone(), Vec::new()))
            .collect();
        let s = score(&ranked, q);
        let b = score(&base, q);
        add(&mut ours, &q.kind, s);
        add(&mut bm25, &q.kind, b);
        add(&mut ours, split, s);
        add(&mut bm25, split, b);
        let top: Vec<String> = ranked
            .iter()
            .take(3)
            .map(|(doc, _)| format!("{doc}({})", q.grades.get(doc).copied().unwrap_or(0)))
            .collect();
        writeln!(
            table,
            "{:<10} {:<45} {:>6.3} {:>6.3}  {}",
            q.kind,
            q.text,
            s.0,
            b.0,
            top.join(" ")
        )
        .unwrap();
        let names = |r: &[(String, Vec<String>)]| -> Vec<Value> {
            r.iter().map(|(doc, _)| Value::from(doc.as_str())).collect()
        };
        dump.insert(
            q.text.clone(),
            serde_json::json!({"ours": names(&ranked), "bm25": names(&base)}),
        );
    }
    writeln!(
        table,
        "\n{:<12} {:>5}  {:>7} {:>5} {:>5}  {:>7} {:>5} {:>5}",
        "kind", "n", "nDCG10", "P@5", "MRR", "bm25", "P@5", "MRR"
    )
    .unwrap();
    for kind in ours.keys() {
        let (n, p, r) = mean(&ours, kind);
        let (bn, bp, br) = mean(&bm25, kind);
        writeln!(
            table,
            "{kind:<12} {:>5}  {n:>7.3} {p:>5.3} {r:>5.3}  {bn:>7.3} {bp:>5.3} {br:>5.3}",
            ours[kind].3
        )
        .unwrap();
    }
    eprintln!("{table}");
    if let Ok(path) = std::env::var("FACTWIRE_EVAL_DUMP") {
        std::fs::write(path, serde_json::to_string_pretty(&dump).unwrap()).unwrap();
    }
    let (n, p, r) = mean(&ours, "all");
    if std::env::var("FACTWIRE_EVAL_BIN").is_ok() {
        // Measuring another build: report only.
        return;
    }
    let (bn, _, _) = mean(&bm25, "all");
    assert!(
        n > bn,
        "nDCG@10 {n:.3} does not beat BM25's {bn:.3}\n{table}"
    );
    assert!(n >= MIN_NDCG10, "nDCG@10 {n:.3} < {MIN_NDCG10}\n{table}");
    assert!(p >= MIN_P5, "P@5 {p:.3} < {MIN_P5}\n{table}");
    assert!(r >= MIN_MRR, "MRR {r:.3} < {MIN_MRR}\n{table}");
}
