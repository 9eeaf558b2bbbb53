//! Search quality and the search syntax, through the binary, over the demo corpus.
//!
//! `relevance_of_demo_queries` runs every query of `fixtures/relevance/queries.toml`
//! (graded judgements written before any engine ran; see that directory's README) and
//! scores the top ten hits:
//!
//! - nDCG@10: gains `2^grade - 1`, discount `log2(rank + 1)`, normalised by the ideal
//!   ordering of the query's own judgements;
//! - P@5: the share of the first five hits graded 2 or more;
//! - MRR: the reciprocal rank of the first hit graded 2 or more (0 if none in the ten).
//!
//! Near-duplicate copies (a syndicated reprint and its original) are folded into one
//! hit, which lists the copies' URLs. The main figures score what the reader sees: a
//! folded hit carries the best grade of its members, and the folded copies leave the
//! ideal ordering (one group, one slot). The per-article figures, printed beside them,
//! grade each URL alone, so a relevant copy folded away counts as missing there.
//!
//! It prints a per-query table and the means (`cargo test --test cli relevance --
//! --nocapture`) and fails when a mean drops below its floor, so ranking regressions
//! show up as test failures. The floors sit a little below the measured figures.
//!
//! The other tests pin the query language: aliases, phrases, exclusions, field
//! prefixes, date filters, newest-first order and syntax errors.

// Helpers outside `#[test]` functions panic on broken fixtures on purpose.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use crate::ingest::ingest_demo;
use crate::util::{Dir, assert_error, fixture};

/// Floors for the means over the whole set (measured values are printed by the test).
const MIN_NDCG10: f64 = 0.90;
const MIN_P5: f64 = 0.37;
const MIN_MRR: f64 = 0.94;

/// One judged query.
#[derive(Debug, Default)]
pub(crate) struct Judged {
    pub(crate) text: String,
    /// The query's kind (`entity`, `topical`, ...), when the file gives one.
    pub(crate) kind: String,
    pub(crate) grades: BTreeMap<String, u32>,
}

/// Reads queries.toml. The file uses a small subset of TOML (`[[query]]` tables with
/// `text`/`kind`/`note` strings and a `[query.judgements]` table of `slug = grade`),
/// parsed here by hand so the test needs no TOML crate.
fn load_judgements() -> Vec<Judged> {
    load_judgements_from(&fixture("relevance/queries.toml"))
}

/// [`load_judgements`] for any file of that format.
pub(crate) fn load_judgements_from(path: &std::path::Path) -> Vec<Judged> {
    let src = std::fs::read_to_string(path).unwrap();
    let mut out: Vec<Judged> = Vec::new();
    let mut in_judgements = false;
    for (n, raw) in src.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line {
            "[[query]]" => {
                out.push(Judged::default());
                in_judgements = false;
                continue;
            }
            "[query.judgements]" => {
                in_judgements = true;
                continue;
            }
            _ => {}
        }
        let (key, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("queries.toml:{}: not `key = value`: {raw}", n + 1));
        let (key, value) = (key.trim(), value.trim());
        let q = out
            .last_mut()
            .unwrap_or_else(|| panic!("queries.toml:{}: before [[query]]", n + 1));
        if in_judgements {
            let grade: u32 = value
                .parse()
                .unwrap_or_else(|_| panic!("queries.toml:{}: grade {value}", n + 1));
            assert!(grade <= 3, "queries.toml:{}: grade {grade} > 3", n + 1);
            q.grades.insert(key.to_string(), grade);
        } else if key == "text" || key == "kind" {
            let s = value.strip_prefix('"').and_then(|v| v.strip_suffix('"'));
            let s = s
                .unwrap_or_else(|| panic!("queries.toml:{}: {key} not a string", n + 1))
                .replace("\\\"", "\"");
            if key == "text" {
                q.text = s;
            } else {
                q.kind = s;
            }
        }
    }
    for q in &out {
        assert!(!q.text.is_empty(), "a query without text: {q:?}");
        assert!(
            q.grades.values().any(|g| *g >= 2),
            "no relevant article for {:?}",
            q.text
        );
    }
    out
}

/// The demo articles' slugs (file names without `.html`).
fn demo_slugs() -> Vec<String> {
    let mut slugs: Vec<String> = std::fs::read_dir(fixture("sites/demo/articles"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".html").map(str::to_string)
        })
        .collect();
    // Longest first, so a slug that ends another slug cannot steal its hits.
    slugs.sort_by_key(|s| std::cmp::Reverse(s.len()));
    slugs
}

/// Maps a hit's URL to a slug: the last path segment is the slug, or ends with `-slug`
/// (canonical URLs like `.../20251029-alphabet-q3-2025-cloud-backlog`), or is
/// `slug.html` (the fetched file URL).
fn slug_of(url: &str, slugs: &[String]) -> Option<String> {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/');
    let last = path.rsplit('/').next().unwrap_or(path);
    let last = last.strip_suffix(".html").unwrap_or(last);
    slugs
        .iter()
        .find(|s| last == s.as_str() || last.ends_with(&format!("-{s}")))
        .cloned()
}

fn search(d: &Dir, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--config", "config/demo.toml", "search"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    d.json(&all).as_array().unwrap().clone()
}

fn slug_of_url(url: &str, slugs: &[String]) -> String {
    slug_of(url, slugs).unwrap_or_else(|| panic!("hit URL {url} matches no demo slug"))
}

fn hit_slugs(d: &Dir, args: &[&str], slugs: &[String]) -> Vec<String> {
    search(d, args)
        .iter()
        .map(|h| slug_of_url(h["url"].as_str().unwrap(), slugs))
        .collect()
}

/// The hits' slugs plus those of the near-duplicate copies folded into them: every
/// article the search found.
fn found_slugs(d: &Dir, args: &[&str], slugs: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for h in search(d, args) {
        out.push(slug_of_url(h["url"].as_str().unwrap(), slugs));
        for copy in h["duplicates"].as_array().unwrap() {
            out.push(slug_of_url(copy.as_str().unwrap(), slugs));
        }
    }
    out
}

fn gain(grade: u32) -> f64 {
    f64::from((1u32 << grade) - 1)
}

fn dcg(grades: impl Iterator<Item = u32>) -> f64 {
    grades
        .enumerate()
        .map(|(i, g)| gain(g) / ((i + 2) as f64).log2())
        .sum()
}

/// nDCG@k of `ranked` against the judgements.
pub(crate) fn ndcg(ranked: &[String], grades: &BTreeMap<String, u32>, k: usize) -> f64 {
    let got = dcg(ranked
        .iter()
        .take(k)
        .map(|s| grades.get(s).copied().unwrap_or(0)));
    let mut ideal: Vec<u32> = grades.values().copied().collect();
    ideal.sort_by(|a, b| b.cmp(a));
    let best = dcg(ideal.into_iter().take(k));
    if best == 0.0 { 0.0 } else { got / best }
}

fn relevant(s: &str, grades: &BTreeMap<String, u32>) -> bool {
    grades.get(s).is_some_and(|g| *g >= 2)
}

/// Precision at k: relevant hits among the first k, over k.
pub(crate) fn precision(ranked: &[String], grades: &BTreeMap<String, u32>, k: usize) -> f64 {
    let n = ranked
        .iter()
        .take(k)
        .filter(|s| relevant(s, grades))
        .count();
    n as f64 / k as f64
}

pub(crate) fn reciprocal_rank(ranked: &[String], grades: &BTreeMap<String, u32>) -> f64 {
    ranked
        .iter()
        .position(|s| relevant(s, grades))
        .map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

#[test]
fn metrics_match_hand_computed_values() {
    let grades: BTreeMap<String, u32> = [("a", 3), ("b", 2), ("c", 1)]
        .map(|(s, g)| (s.to_string(), g))
        .into();
    let ranked = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let ideal = ranked(&["a", "b", "c"]);
    assert!((ndcg(&ideal, &grades, 10) - 1.0).abs() < 1e-12);
    // c, x, a: (1/log2 2 + 7/log2 4) / (7 + 3/log2 3 + 1/log2 4)
    let got = ndcg(&ranked(&["c", "x", "a"]), &grades, 10);
    let want = (1.0 + 7.0 / 2.0) / (7.0 + 3.0 / 3f64.log2() + 0.5);
    assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    assert!((precision(&ranked(&["x", "b", "c", "a", "y"]), &grades, 5) - 0.4).abs() < 1e-12);
    assert!((reciprocal_rank(&ranked(&["c", "x", "b"]), &grades) - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(reciprocal_rank(&ranked(&["c"]), &grades), 0.0);
    let slugs = vec!["alphabet-q3-2025-cloud-backlog".to_string()];
    for url in [
        "https://tickerledger.example/markets/tech/20251029-alphabet-q3-2025-cloud-backlog",
        "https://x.example/p/alphabet-q3-2025-cloud-backlog/",
        "file:///f/articles/alphabet-q3-2025-cloud-backlog.html",
    ] {
        assert_eq!(
            slug_of(url, &slugs).as_deref(),
            Some("alphabet-q3-2025-cloud-backlog")
        );
    }
    assert_eq!(slug_of("https://x.example/p/other-backlog", &slugs), None);
}

#[test]
fn relevance_of_demo_queries() {
    let d = Dir::new();
    ingest_demo(&d);
    let slugs = demo_slugs();
    let queries = load_judgements();
    assert!(queries.len() >= 30, "only {} queries", queries.len());

    let mut report = String::new();
    writeln!(
        report,
        "{:<45} {:>7} {:>5} {:>5}  top 3",
        "query", "nDCG10", "P@5", "RR"
    )
    .unwrap();
    let (mut sum_ndcg, mut sum_p5, mut sum_rr) = (0.0, 0.0, 0.0);
    let (mut raw_ndcg, mut raw_p5, mut raw_rr) = (0.0, 0.0, 0.0);
    for q in &queries {
        let hits = search(&d, &[&q.text, "--limit", "10"]);
        let mut ranked = Vec::new();
        let mut grades = q.grades.clone();
        for h in &hits {
            let slug = slug_of_url(h["url"].as_str().unwrap(), &slugs);
            let mut best = grades.get(&slug).copied().unwrap_or(0);
            for copy in h["duplicates"].as_array().unwrap() {
                let copy = slug_of_url(copy.as_str().unwrap(), &slugs);
                best = best.max(grades.remove(&copy).unwrap_or(0));
            }
            if best > 0 {
                grades.insert(slug.clone(), best);
            }
            ranked.push(slug);
        }
        let (n, p, rr) = (
            ndcg(&ranked, &grades, 10),
            precision(&ranked, &grades, 5),
            reciprocal_rank(&ranked, &grades),
        );
        sum_ndcg += n;
        sum_p5 += p;
        sum_rr += rr;
        raw_ndcg += ndcg(&ranked, &q.grades, 10);
        raw_p5 += precision(&ranked, &q.grades, 5);
        raw_rr += reciprocal_rank(&ranked, &q.grades);
        let top: Vec<String> = ranked
            .iter()
            .take(3)
            .map(|s| format!("{s}({})", grades.get(s).copied().unwrap_or(0)))
            .collect();
        writeln!(
            report,
            "{:<45} {n:>7.3} {p:>5.2} {rr:>5.2}  {}",
            q.text,
            top.join(" ")
        )
        .unwrap();
    }
    let count = queries.len() as f64;
    let (mean_ndcg, mean_p5, mean_mrr) = (sum_ndcg / count, sum_p5 / count, sum_rr / count);
    let (bm25_ndcg, bm25_p5, bm25_mrr) = bm25_baseline(&d, &slugs, &queries);
    writeln!(
        report,
        "MEAN over {} queries: nDCG@10 {mean_ndcg:.3}  P@5 {mean_p5:.3}  MRR {mean_mrr:.3}",
        queries.len()
    )
    .unwrap();
    writeln!(
        report,
        "per article (folded copies count as missing): nDCG@10 {:.3}  P@5 {:.3}  MRR {:.3}",
        raw_ndcg / count,
        raw_p5 / count,
        raw_rr / count
    )
    .unwrap();
    writeln!(
        report,
        "BM25 baseline (tantivy defaults, same stored texts, per article): nDCG@10 \
         {bm25_ndcg:.3}  P@5 {bm25_p5:.3}  MRR {bm25_mrr:.3}"
    )
    .unwrap();
    eprintln!("{report}");
    assert!(
        mean_ndcg >= MIN_NDCG10,
        "nDCG@10 {mean_ndcg:.3} < {MIN_NDCG10}\n{report}"
    );
    assert!(mean_p5 >= MIN_P5, "P@5 {mean_p5:.3} < {MIN_P5}\n{report}");
    assert!(
        mean_mrr >= MIN_MRR,
        "MRR {mean_mrr:.3} < {MIN_MRR}\n{report}"
    );
}

/// Means of (nDCG@10, P@5, MRR) of tantivy with default settings
/// ([`factwire_index::baseline::Bm25Baseline`]) over the stored titles and texts of
/// the ingested demo corpus (read back with `factwire show`), graded per article.
fn bm25_baseline(d: &Dir, slugs: &[String], queries: &[Judged]) -> (f64, f64, f64) {
    let mut docs = Vec::new();
    let mut slug_of_id = BTreeMap::new();
    for id in 1.. {
        let out = d.run(&[
            "--config",
            "config/demo.toml",
            "show",
            &id.to_string(),
            "--format",
            "json",
        ]);
        if !out.status.success() {
            break;
        }
        let rec: Value = serde_json::from_slice(&out.stdout).unwrap();
        slug_of_id.insert(id, slug_of_url(rec["url"].as_str().unwrap(), slugs));
        docs.push((
            id,
            rec["title"].as_str().map(str::to_string),
            rec["text"].as_str().unwrap_or_default().to_string(),
        ));
    }
    assert!(docs.len() >= 20, "only {} stored articles", docs.len());
    let baseline = factwire_index::baseline::Bm25Baseline::new(&docs).unwrap();
    let (mut n, mut p, mut r) = (0.0, 0.0, 0.0);
    for q in queries {
        let ranked: Vec<String> = baseline
            .search(&q.text, 10)
            .unwrap()
            .into_iter()
            .map(|id| slug_of_id[&id].clone())
            .collect();
        n += ndcg(&ranked, &q.grades, 10);
        p += precision(&ranked, &q.grades, 5);
        r += reciprocal_rank(&ranked, &q.grades);
    }
    let c = queries.len() as f64;
    (n / c, p / c, r / c)
}

#[test]
fn search_syntax_through_the_binary() {
    let d = Dir::new();
    ingest_demo(&d);
    let slugs = demo_slugs();
    let found = |args: &[&str]| hit_slugs(&d, args, &slugs);
    let text_of = |slug: &str| {
        std::fs::read_to_string(fixture(&format!("sites/demo/articles/{slug}.html"))).unwrap()
    };

    // Aliases: `AWS` also finds articles that only spell out "Amazon Web Services",
    // and `Jassy` finds "Andy Jassy" (as hits, or as copies folded into one).
    let found_or_folded = |args: &[&str]| found_slugs(&d, args, &slugs);
    let spelled_out: Vec<&String> = slugs
        .iter()
        .filter(|s| {
            let t = text_of(s);
            t.contains("Amazon Web Services") && !t.contains("AWS")
        })
        .collect();
    let aws = found_or_folded(&["AWS", "--limit", "50"]);
    for s in &spelled_out {
        assert!(
            aws.contains(s),
            "AWS misses {s} (says Amazon Web Services): {aws:?}"
        );
    }
    let spelled = found_or_folded(&["Amazon Web Services", "--limit", "50"]);
    assert!(aws.iter().filter(|s| spelled.contains(s)).count() >= aws.len().min(spelled.len()) / 2);
    let jassy = found_or_folded(&["Jassy", "--limit", "50"]);
    assert!(!jassy.is_empty());
    for s in &slugs {
        if text_of(s).contains("Andy Jassy") {
            assert!(jassy.contains(s), "Jassy misses {s}: {jassy:?}");
        }
    }

    // Phrases: every hit contains the words adjacent, and the phrase is narrower than
    // the same words loose.
    let phrase = found(&["\"sovereign cloud\"", "--limit", "50"]);
    assert!(!phrase.is_empty());
    for s in &phrase {
        assert!(text_of(s).to_lowercase().contains("sovereign cloud"), "{s}");
    }
    let loose = found(&["sovereign cloud", "--limit", "50"]);
    assert!(phrase.len() < loose.len(), "{phrase:?} vs {loose:?}");

    // Exclusions: `-word` drops every article containing the word.
    let outage = found(&["outage", "--limit", "50"]);
    let not_azure = found(&["outage -azure", "--limit", "50"]);
    assert!(
        !not_azure.is_empty() && not_azure.len() < outage.len(),
        "{outage:?} {not_azure:?}"
    );
    assert!(not_azure.iter().all(|s| outage.contains(s)));
    assert!(!not_azure.contains(&"azure-front-door-outage-october-2025".to_string()));

    // Field prefixes.
    let title = search(&d, &["title:outage", "--limit", "50"]);
    assert!(!title.is_empty());
    for h in &title {
        assert!(
            h["title"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("outage"),
            "{h}"
        );
    }
    assert!(title.len() < outage.len());
    let entity = found(&["entity:Oracle", "--limit", "50"]);
    assert!(
        entity.contains(&"oracle-fy26-q2-rpo-523-billion".to_string()),
        "{entity:?}"
    );
    let source = search(&d, &["cloud source:cloudwire.example", "--limit", "50"]);
    assert!(!source.is_empty());
    assert!(
        source.iter().all(|h| h["source"] == "cloudwire.example"),
        "{source:?}"
    );
    let all_cloud = search(&d, &["cloud", "--limit", "50"]);
    assert!(source.len() < all_cloud.len());
    let metric = search(&d, &["metric:revenue", "--limit", "50"]);
    assert!(!metric.is_empty() && metric.len() < 29, "{}", metric.len());
    assert!(search(&d, &["metric:no-such-metric"]).is_empty());

    // Date filters: every hit inside the range, and the range really narrows.
    let ranged = search(
        &d,
        &[
            "AWS",
            "--since",
            "2026-01-01",
            "--until",
            "2026-01-31",
            "--limit",
            "50",
        ],
    );
    assert!(!ranged.is_empty());
    for h in &ranged {
        let p = h["published"].as_str().unwrap();
        assert!(
            ("2026-01-01".."2026-02-01").contains(&p),
            "{p} outside January 2026"
        );
    }
    assert!(ranged.len() < search(&d, &["AWS", "--limit", "50"]).len());

    // --sort newest: dated hits in descending order.
    let newest = search(&d, &["cloud", "--sort", "newest", "--limit", "50"]);
    let dates: Vec<&str> = newest
        .iter()
        .filter_map(|h| h["published"].as_str())
        .collect();
    assert!(dates.len() > 5);
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");

    // Bad syntax: exit 2, one `error:` line naming the position.
    for (bad, at) in [
        ("AWS \"unclosed phrase", 4),
        ("layoffs title:", 8),
        ("AWS OR", 4),
    ] {
        let out = d.run(&[
            "--config",
            "config/demo.toml",
            "search",
            bad,
            "--format",
            "json",
        ]);
        assert_error(&out, 2, &format!("at char {at}"));
    }
}
