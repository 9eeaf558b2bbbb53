//! Running from cron: the log of `ingest --format jsonl` parses as JSON Lines whatever
//! the runs met (failing feeds, a malformed feed), errors go to their own file, a
//! failure's root cause is printed whole, and `stats` shows each feed's health.

use std::path::Path;
use std::process::Command;

use factwire_testkit::TestServer;
use serde_json::Value;

use crate::util::{Dir, fixture};

/// A URL on 127.0.0.1 where nothing listens: connecting is refused.
fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/feed.xml")
}

/// The README's cron line for this test's data dir, with `FEEDS` as its extra args:
/// the report as one JSON line appended to `runs.jsonl`, errors to `errors.log`.
fn cron_run(d: &Dir, feeds: &[&str]) -> i32 {
    let mut line = String::from(
        "\"$FACTWIRE\" --data-dir \"$DATA\" --config \"$CONFIG\" ingest -q --format jsonl",
    );
    for f in feeds {
        line.push_str(&format!(" --feed '{f}'"));
    }
    line.push_str(" >> \"$LOGS/runs.jsonl\" 2>> \"$LOGS/errors.log\"");
    let status = Command::new("sh")
        .arg("-c")
        .arg(&line)
        .current_dir(crate::util::root())
        .env("FACTWIRE", env!("CARGO_BIN_EXE_factwire"))
        .env("DATA", d.data())
        .env("CONFIG", d.path().join("empty.toml"))
        .env("LOGS", d.path())
        .env_remove("FACTWIRE_CONFIG")
        .env_remove("FACTWIRE_DATA_DIR")
        .status()
        .unwrap();
    status.code().unwrap()
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_cron_log_is_json_lines_through_failing_runs() {
    let server = TestServer::serve_dir(fixture("sites/demo"));
    let good = server.url("/feeds/rss.xml");
    let refused = refused_url();
    let malformed = fixture("feeds/malformed_unclosed.xml");
    let d = Dir::new();
    let runs: [(&[&str], i32); 4] = [
        (&[good.as_str()], 0),
        (&[good.as_str(), refused.as_str()], 0),
        (&[refused.as_str()], 1),
        (&[malformed.to_str().unwrap()], 2),
    ];
    for (feeds, code) in runs {
        assert_eq!(cron_run(&d, feeds), code, "{feeds:?}");
    }
    let log = lines(&d.path().join("runs.jsonl"));
    assert_eq!(log.len(), runs.len(), "one line per run: {log:#?}");
    let reports: Vec<Value> = log
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    for r in &reports {
        for key in ["feeds", "new", "failed", "seconds", "failures"] {
            assert!(r.get(key).is_some(), "{key} missing: {r}");
        }
    }
    assert!(reports[0]["new"].as_u64().unwrap() >= 10, "{}", reports[0]);
    assert_eq!(reports[1]["failed"], 1, "{}", reports[1]);
    assert_eq!(reports[1]["failures"][0]["url"], refused.as_str());
    // The two failed runs left their `error:` lines in the other file.
    let errors = lines(&d.path().join("errors.log"));
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors.iter().all(|l| l.starts_with("error: ")),
        "{errors:#?}"
    );
    assert!(errors[1].contains("malformed_unclosed.xml"), "{errors:#?}");
}

#[test]
fn a_failure_detail_is_printed_whole_in_the_table() {
    let d = Dir::new();
    let refused = refused_url();
    let out = d.run(&["ingest", "--feed", &refused, "--format", "jsonl"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let detail = report["failures"][0]["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!detail.is_empty(), "{report}");
    let out = d.run(&["ingest", "--feed", &refused]);
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains(&refused), "{table}");
    assert!(
        table.contains(&detail),
        "the detail {detail:?} is cut in:\n{table}"
    );
    assert!(!table.contains('…'), "{table}");
}

#[test]
fn stats_show_feed_health_and_distinct_entities() {
    let server = TestServer::serve_dir(fixture("sites/demo"));
    let good = server.url("/feeds/rss.xml");
    let refused = refused_url();
    let d = Dir::new();
    d.run(&["ingest", "--feed", &good, "--feed", &refused, "-q"]);
    d.run(&["ingest", "--feed", &good, "--feed", &refused, "-q"]);

    let stats = d.json(&["stats", "--format", "json"]);
    let health = stats["feed_health"].as_array().unwrap();
    let feed = |url: &str| {
        health
            .iter()
            .find(|f| f["url"] == url)
            .unwrap_or_else(|| panic!("{url} missing: {stats}"))
    };
    let ok = feed(&good);
    assert_eq!(ok["consecutive_failures"], 0, "{ok}");
    assert!(ok["last_success"].is_string(), "{ok}");
    assert!(ok["last_error"].is_null(), "{ok}");
    let bad = feed(&refused);
    assert_eq!(bad["consecutive_failures"], 2, "{bad}");
    assert!(bad["last_success"].is_null(), "{bad}");
    let reason = bad["last_error"].as_str().unwrap();
    assert!(reason.starts_with("connect"), "{bad}");

    let table = d.ok(&["stats"]);
    let line = table.lines().find(|l| l.contains(&refused)).unwrap();
    assert!(
        line.contains("2 failures in a row") && line.contains("last success never"),
        "{table}"
    );
    assert!(line.contains(reason), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.contains(&good) && l.starts_with("feed") && l.contains(" ok ")),
        "{table}"
    );
}

#[test]
fn stats_count_each_entity_once() {
    let d = Dir::new();
    let page = fixture("sites/demo/articles/aws-early-2026-analysis.html");
    d.ok(&["ingest", page.to_str().unwrap()]);
    let one = d.json(&["stats", "--format", "json"]);
    // The same page reprinted elsewhere is a second article (a copy) naming the same
    // entities: twice the rows, the same entities.
    let copy = d.path().join("copy.html");
    let html = std::fs::read_to_string(&page).unwrap().replace(
        "https://cloudwire.example/2026/02/aws-early-2026-analysis",
        "https://reprints.example/aws-early-2026-analysis",
    );
    std::fs::write(&copy, html).unwrap();
    d.ok(&["ingest", copy.to_str().unwrap()]);
    let two = d.json(&["stats", "--format", "json"]);
    assert_eq!(two["articles"], 2, "{two}");
    assert_eq!(
        two["facts"].as_u64(),
        one["facts"].as_u64().map(|n| n * 2),
        "{two}"
    );
    let entities = one["entities"].as_u64().unwrap();
    assert!(entities >= 3, "{one}");
    assert_eq!(two["entities"].as_u64(), Some(entities), "{two}");
}
