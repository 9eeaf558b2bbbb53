//! The read commands over an ingested demo corpus: search, facts, show, stats, reindex.

use serde_json::Value;

use crate::ingest::ingest_demo;
use crate::util::{Dir, assert_error};

fn urls(hits: &Value) -> Vec<String> {
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn search_facts_show_reindex_on_the_demo_corpus() {
    let d = Dir::new();
    ingest_demo(&d);

    // search: the seed article is found for "layoffs", hits have the contract's keys.
    let hits = d.json(&["search", "layoffs", "--format", "json", "--limit", "20"]);
    let found = urls(&hits);
    assert!(
        found.iter().any(|u| u.contains("aws-early-2026-analysis")),
        "seed article not in {found:?}"
    );
    for h in hits.as_array().unwrap() {
        for k in [
            "id",
            "url",
            "title",
            "source",
            "published",
            "score",
            "snippet",
        ] {
            assert!(h.get(k).is_some(), "hit lacks {k}: {h}");
        }
    }
    // filters: --source and --since/--until
    let hits = d.json(&[
        "search",
        "AWS",
        "--source",
        "cloudwire.example",
        "--format",
        "json",
    ]);
    assert!(!urls(&hits).is_empty());
    assert!(
        urls(&hits).iter().all(|u| u.contains("cloudwire.example")),
        "{hits}"
    );
    let hits = d.json(&["search", "AWS", "--since", "2030-01-01", "--format", "json"]);
    assert!(hits.as_array().unwrap().is_empty());
    let newest = d.json(&[
        "search", "AWS", "--sort", "newest", "--format", "json", "--limit", "50",
    ]);
    let dates: Vec<&str> = newest
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["published"].as_str())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);

    // reindex, then the same hits.
    let before = d.json(&["search", "AWS layoffs", "--format", "json"]);
    let re = d.json(&["reindex", "--format", "json"]);
    assert!(re["articles"].as_u64().unwrap() >= 25);
    let after = d.json(&["search", "AWS layoffs", "--format", "json"]);
    assert_eq!(urls(&before), urls(&after));

    // facts: AWS (an alias) finds Amazon Web Services' revenue, with the article's columns.
    let csv = d.ok(&["facts", "--subject", "AWS", "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    for col in [
        "article_id",
        "url",
        "title",
        "source",
        "published",
        "subject",
        "metric",
        "period",
    ] {
        assert!(header.split(',').any(|c| c == col), "{header}");
    }
    assert!(
        csv.lines()
            .any(|l| l.contains("$35.6 billion") && l.contains("revenue")),
        "no AWS revenue row in:\n{csv}"
    );
    let jsonl = d.ok(&["facts", "--metric", "revenue", "--format", "jsonl"]);
    assert!(jsonl.lines().count() > 3);
    for line in jsonl.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["metric"], "revenue");
    }
    let money = d.json(&["facts", "--kind", "money", "--format", "json"]);
    assert!(
        money
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["kind"] == "money")
    );
    let out = d.path().join("facts.csv");
    d.ok(&["facts", "--out", out.to_str().unwrap(), "--format", "csv"]);
    assert!(std::fs::read_to_string(&out).unwrap().lines().count() > 100);
    let table = d.ok(&["facts", "--subject", "AWS", "--limit", "5"]);
    assert!(table.starts_with("ID"), "{table}");

    // show: by id and by URL, table and json.
    let id = before[0]["id"].as_i64().unwrap();
    let url = before[0]["url"].as_str().unwrap().to_string();
    let shown = d.json(&["show", &id.to_string(), "--format", "json"]);
    assert_eq!(shown["url"], url.as_str());
    assert!(!shown["summary"].as_array().unwrap().is_empty());
    let text = d.ok(&["show", &url]);
    assert!(text.contains("Summary") && text.contains("Facts"), "{text}");
    assert_error(&d.run(&["show", "999999"]), 2, "999999");

    // stats in every format it has.
    let s = d.ok(&["stats"]);
    assert!(s.contains("articles"), "{s}");
    let s = d.ok(&["stats", "--format", "jsonl"]);
    assert_eq!(s.trim().lines().count(), 1);
}

#[test]
fn search_formats_and_bad_syntax() {
    let d = Dir::new();
    ingest_demo(&d);
    let table = d.ok(&["search", "Google Cloud"]);
    assert!(table.contains(" 1. "), "{table}");
    let csv = d.ok(&["search", "Google Cloud", "--format", "csv"]);
    assert!(csv.starts_with("id,url,title,source,published,score,snippet"));
    let jsonl = d.ok(&["search", "Google Cloud", "--format", "jsonl"]);
    for l in jsonl.lines() {
        serde_json::from_str::<Value>(l).unwrap();
    }
    assert_error(&d.run(&["search", "\"unclosed phrase"]), 2, "unclosed");
}
