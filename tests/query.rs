//! The read commands over an ingested demo corpus: search, facts, show, stats, reindex.

use serde_json::Value;

use crate::ingest::ingest_demo;
use crate::util::{Dir, assert_error, fixture};

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
    // The same hits; the leaders in the same order (hits whose scores differ only in
    // the last bits may swap when the rebuilt index lays documents out anew).
    let (mut b, mut a) = (urls(&before), urls(&after));
    assert_eq!(b[..3], a[..3]);
    b.sort();
    a.sort();
    assert_eq!(b, a);

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

/// The syndication fixtures: a story, a reprint of it, and another story on the same
/// company (see `fixtures/sites/syndication/README.md`).
fn ingest_syndication(d: &Dir) -> Value {
    let page = |name: &str| {
        fixture(&format!("sites/syndication/{name}.html"))
            .to_str()
            .unwrap()
            .to_string()
    };
    // The reprint comes first: the earlier-published story still becomes the original.
    let reprint = page("kestrel-geothermal-reprint");
    let original = page("kestrel-geothermal-original");
    let other = page("kestrel-job-cuts");
    d.json(&["ingest", &reprint, &original, &other, "--format", "json"])
}

#[test]
fn a_syndicated_copy_is_one_hit_with_its_url_folded_in() {
    let d = Dir::new();
    let report = ingest_syndication(&d);
    assert_eq!(report["new"], 3, "{report}");
    assert_eq!(report["near_duplicates"], 1, "{report}");

    for sort in ["relevance", "newest"] {
        let hits = d.json(&[
            "search",
            "Kestrel geothermal data center",
            "--sort",
            sort,
            "--format",
            "json",
        ]);
        let hits = hits.as_array().unwrap();
        let story: Vec<&Value> = hits
            .iter()
            .filter(|h| h["url"].as_str().unwrap().contains("kestrel-geothermal"))
            .collect();
        assert_eq!(
            story.len(),
            1,
            "{sort}: the story and its reprint are one hit: {hits:?}"
        );
        let copies = story[0]["duplicates"].as_array().unwrap();
        assert_eq!(copies.len(), 1, "{sort}: {hits:?}");
        let (hit_url, copy_url) = (
            story[0]["url"].as_str().unwrap(),
            copies[0].as_str().unwrap(),
        );
        assert_ne!(hit_url, copy_url);
        for u in [hit_url, copy_url] {
            assert!(u.contains("kestrel-geothermal"), "{u}");
        }
        // The other story on the same company is its own hit, with no copies.
        let other: Vec<&Value> = hits
            .iter()
            .filter(|h| h["url"].as_str().unwrap().contains("kestrel-job-cuts"))
            .collect();
        assert_eq!(other.len(), 1, "{sort}: {hits:?}");
        assert!(other[0]["duplicates"].as_array().unwrap().is_empty());
        assert_eq!(hits.len(), 2, "{sort}: {hits:?}");
    }
    // Relevance order keeps the original (published first) as the hit shown.
    let hits = d.json(&["search", "Kestrel geothermal", "--format", "json"]);
    assert!(
        hits[0]["url"].as_str().unwrap().contains("original"),
        "{hits}"
    );

    // The table says how many copies a hit stands for; csv and jsonl still parse.
    let table = d.ok(&["search", "Kestrel geothermal data center"]);
    let first = table.lines().next().unwrap();
    assert!(first.ends_with("+1 copy"), "{table}");
    assert_eq!(table.matches("copy").count(), 1, "{table}");
    let jsonl = d.ok(&["search", "Kestrel geothermal", "--format", "jsonl"]);
    for line in jsonl.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(v["duplicates"].is_array(), "{line}");
    }
}
