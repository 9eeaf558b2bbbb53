//! `factwire ingest` through the binary: local feeds, re-runs, the run lock.

use std::fs::OpenOptions;

use serde_json::Value;

use crate::util::{Dir, assert_error, fixture};

/// Ingests the demo config and returns the run report.
pub fn ingest_demo(d: &Dir) -> Value {
    d.json(&["--config", "config/demo.toml", "ingest", "--format", "json"])
}

#[test]
fn demo_ingest_stores_articles_and_second_run_adds_nothing() {
    let d = Dir::new();
    let first = ingest_demo(&d);
    for k in [
        "feeds",
        "articles_seen",
        "new",
        "updated",
        "unchanged",
        "failed",
        "skipped",
        "seconds",
    ] {
        assert!(first.get(k).is_some(), "report lacks {k}: {first}");
    }
    assert_eq!(first["feeds"], 3);
    let new = first["new"].as_u64().unwrap();
    assert!(new >= 25, "{first}");
    assert_eq!(first["failed"], 0, "{first}");
    // The feeds are unchanged (conditional on their mtime): nothing new, nothing failed.
    let second = ingest_demo(&d);
    assert_eq!(second["new"], 0, "{second}");
    assert_eq!(second["updated"], 0, "{second}");
    assert_eq!(second["failed"], 0, "{second}");
    let stats = d.json(&["stats", "--format", "json"]);
    assert_eq!(stats["articles"].as_u64(), Some(new));
    assert!(stats["facts"].as_u64().unwrap() > 100);
    assert_eq!(stats["last_run"]["report"]["new"], 0, "{stats}");
    assert_eq!(stats["indexed"].as_u64(), Some(new), "{stats}");
}

#[test]
fn direct_paths_and_table_report() {
    let d = Dir::new();
    let page = fixture("sites/demo/articles/aws-early-2026-analysis.html");
    let out = d.ok(&["ingest", page.to_str().unwrap()]);
    assert!(out.contains("new 1"), "{out}");
    // The same page again is unchanged, not a duplicate.
    let out = d.ok(&["ingest", page.to_str().unwrap()]);
    assert!(
        out.contains("new 0") && out.contains("unchanged 1"),
        "{out}"
    );
}

#[test]
fn a_second_run_while_one_holds_the_lock_exits_at_once() {
    let d = Dir::new();
    std::fs::create_dir_all(d.data()).unwrap();
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(d.data().join("ingest.lock"))
        .unwrap();
    lock.lock().unwrap();
    let page = fixture("sites/demo/articles/aws-early-2026-analysis.html");
    let out = d.run(&["ingest", page.to_str().unwrap()]);
    assert_error(&out, 1, "ingest.lock");
    assert!(String::from_utf8_lossy(&out.stderr).contains("another ingest is running"));
    drop(lock);
    d.ok(&["ingest", page.to_str().unwrap()]);
}
