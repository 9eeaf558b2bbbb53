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

/// Search hits for `q` as (url, urls of the copies folded into the hit).
fn folded_hits(d: &Dir, q: &str) -> Vec<(String, Vec<String>)> {
    let hits = d.json(&["search", q, "--format", "json", "--limit", "50"]);
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let copies = h["duplicates"]
                .as_array()
                .unwrap_or_else(|| panic!("hit without duplicates: {h}"))
                .iter()
                .map(|u| u.as_str().unwrap().to_string())
                .collect();
            (h["url"].as_str().unwrap().to_string(), copies)
        })
        .collect()
}

#[test]
fn a_syndicated_copy_is_linked_to_its_original_whichever_comes_first() {
    let wire = fixture("sites/demo/articles/aws-q4-2025-results-wire.html");
    let copy = fixture("sites/demo/articles/aws-q4-2025-results-syndicated.html");
    let other = fixture("sites/demo/articles/aws-early-2026-analysis.html");
    for order in [[&wire, &copy], [&copy, &wire]] {
        let d = Dir::new();
        let first = d.json(&["ingest", order[0].to_str().unwrap(), "--format", "json"]);
        assert_eq!(first["near_duplicates"], 0, "{first}");
        let second = d.json(&[
            "ingest",
            order[1].to_str().unwrap(),
            other.to_str().unwrap(),
            "--format",
            "json",
        ]);
        // Stored (nothing is lost), and linked: the other article is not a copy.
        assert_eq!(second["new"], 2, "{second}");
        assert_eq!(second["near_duplicates"], 1, "{second}");
        // The original is the earlier-published wire story, even when the copy came
        // first: one hit, with the copy folded into it.
        let hits = folded_hits(&d, "AWS fourth quarter revenue");
        let aws: Vec<_> = hits
            .iter()
            .filter(|(u, _)| u.contains("aws-q4-2025"))
            .collect();
        assert_eq!(aws.len(), 1, "{hits:?}");
        assert!(aws[0].0.contains("results-wire"), "{hits:?}");
        assert_eq!(aws[0].1.len(), 1, "{hits:?}");
        assert!(aws[0].1[0].contains("syndicated"), "{hits:?}");
        assert!(
            hits.iter()
                .any(|(u, c)| u.contains("aws-early-2026-analysis") && c.is_empty()),
            "{hits:?}"
        );
        // The index agrees with the store after the regrouping: nothing left unindexed.
        let stats = d.json(&["stats", "--format", "json"]);
        assert_eq!(stats["indexed"], stats["articles"], "{stats}");
    }
}

#[test]
fn logs_are_structured_on_stderr_at_v_and_absent_without() {
    let page = fixture("sites/demo/articles/aws-early-2026-analysis.html");
    let page = page.to_str().unwrap();
    let d = Dir::new();
    // Cron: nothing on stderr when all is well.
    let quiet = d.run(&["ingest", page]);
    assert!(quiet.status.success(), "{quiet:?}");
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );

    let d = Dir::new();
    let text = d.run(&["-v", "ingest", page]);
    let err = String::from_utf8_lossy(&text.stderr);
    assert!(
        err.lines().any(|l| l.contains("INFO")
            && l.contains(" article ")
            && l.contains("outcome=\"new\"")
            && l.contains("facts=")),
        "{err}"
    );
    assert!(err.contains("run finished"), "{err}");

    let d = Dir::new();
    let json = d.run(&["ingest", page, "-vv", "--log-format", "json"]);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&json.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let article = lines
        .iter()
        .find(|l| l["fields"]["message"] == "article")
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert_eq!(article["level"], "INFO");
    assert_eq!(article["fields"]["outcome"], "new");
    assert!(
        article["fields"]["facts"].as_u64().unwrap() > 0,
        "{article}"
    );
    // -vv adds one line per request, from the fetcher.
    assert!(
        lines.iter().any(|l| l["fields"]["message"] == "request"
            && l["target"]
                .as_str()
                .unwrap()
                .starts_with("factwire_fetcher")),
        "{lines:?}"
    );
}

/// Runs `factwire ARGS` on a pseudo-terminal (util-linux `script`), returning what the
/// terminal showed.
fn on_a_terminal(d: &Dir, args: &[&str]) -> String {
    let mut line = format!(
        "{} --data-dir {} --config config/demo.toml",
        env!("CARGO_BIN_EXE_factwire"),
        d.data().display()
    );
    for a in args {
        line.push(' ');
        line.push_str(a);
    }
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(crate::util::root())
        .output()
        .expect("util-linux `script` runs the binary on a pseudo-terminal");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_terminal_gets_a_progress_bar_and_q_silences_it() {
    let d = Dir::new();
    let shown = on_a_terminal(&d, &["ingest"]);
    // The bar redraws in place (carriage return, clear line) through the stages.
    assert!(shown.contains("\r\u{1b}[2K"), "{shown:?}");
    assert!(
        shown.contains("articles") && shown.contains("/29"),
        "{shown:?}"
    );
    assert!(shown.contains("new 29"), "the report follows: {shown:?}");

    // -q: no bar and no table; a report asked for in a format is still printed.
    let d = Dir::new();
    let quiet = on_a_terminal(&d, &["-q", "ingest"]);
    assert_eq!(quiet.trim(), "", "{quiet:?}");
    let d = Dir::new();
    let json = on_a_terminal(&d, &["-q", "ingest", "--format", "json"]);
    assert!(!json.contains("\u{1b}[2K"), "{json:?}");
    let report: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(report["new"], 29, "{report}");
}

#[test]
fn a_bulk_load_and_a_reindex_leave_one_index_segment() {
    let d = Dir::new();
    ingest_demo(&d);
    let segments = |d: &Dir| d.json(&["stats", "--format", "json"])["index_segments"].clone();
    assert_eq!(segments(&d), 1, "the first run is a bulk load");
    // A small run adds a segment and leaves merging to the merge policy...
    let page = fixture("sites/syndication/kestrel-job-cuts.html");
    assert!(page.is_file(), "{}", page.display());
    d.ok(&["ingest", page.to_str().unwrap()]);
    assert_eq!(segments(&d), 2);
    // ...and a rebuild compacts again.
    d.ok(&["reindex"]);
    assert_eq!(segments(&d), 1);
    assert_eq!(d.json(&["stats", "--format", "json"])["indexed"], 30);
}

/// A document over the reader's 8 MiB cap is read up to the cap and says so: the
/// report counts it under `truncated` and lists it in `warnings`.
#[test]
fn a_document_over_the_cap_is_stored_truncated_and_reported() {
    let d = Dir::new();
    let line = "Capacity in the region grew again, the operator said, and prices held steady.\n";
    let big = line.repeat(8 * 1024 * 1024 / line.len() + 1000);
    let path = d.path().join("big.txt");
    std::fs::write(&path, &big).unwrap();
    let rec = d.json(&["extract", "--text", path.to_str().unwrap()]);
    assert_eq!(rec["truncated"], true);
    let text = rec["text"].as_str().unwrap();
    let lines_read = text.matches("held steady.").count();
    let cap_lines = 8 * 1024 * 1024 / line.len();
    assert!(
        lines_read <= cap_lines && lines_read + 2 >= cap_lines,
        "{lines_read} lines read, the cap holds {cap_lines}"
    );
    assert!(text.ends_with("held steady."), "cut at a line break");
    let report = d.json(&["ingest", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(report["new"], 1, "{report}");
    assert_eq!(report["truncated"], 1, "{report}");
    assert_eq!(report["warnings"][0]["reason"], "truncated", "{report}");
    // A small document is not truncated.
    let small = d.path().join("small.txt");
    std::fs::write(&small, line).unwrap();
    let rec = d.json(&["extract", "--text", small.to_str().unwrap()]);
    assert_eq!(rec["truncated"], false);
    assert_eq!(rec["body_fallback"], false);
}
