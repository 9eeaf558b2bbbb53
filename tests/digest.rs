//! `factwire digest` and `factwire facts --consolidate` through the binary, over the
//! demo corpus (dated 2025-10 to 2026-03, hence the explicit `--since`).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::ingest::ingest_demo;
use crate::util::{Dir, assert_error};

/// The story whose outlets include the AWS Q4 2025 wire report.
fn aws_q4_story(digest: &Value) -> &Value {
    digest["stories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["outlets"].as_array().unwrap().iter().any(|o| {
                o["url"]
                    .as_str()
                    .unwrap()
                    .contains("aws-q4-2025-results-wire")
            })
        })
        .unwrap_or_else(|| panic!("no story carries the AWS Q4 wire report: {digest}"))
}

#[test]
fn json_digest_groups_the_aws_quarter_and_flags_the_disagreement() {
    let d = Dir::new();
    ingest_demo(&d);
    let digest = d.json(&["digest", "--since", "2025-01-01", "--format", "json"]);
    assert!(digest["articles"].as_u64().unwrap() >= 25, "{digest}");
    let stories = digest["stories"].as_array().unwrap();
    assert!(stories.len() >= 5, "{digest}");
    let ranks: Vec<u64> = stories
        .iter()
        .map(|s| s["rank"].as_u64().unwrap())
        .collect();
    assert_eq!(ranks, (1..=stories.len() as u64).collect::<Vec<_>>());

    let aws = aws_q4_story(&digest);
    assert_eq!(aws["rank"], 1, "the most covered story leads: {aws}");
    assert!(aws["outlet_count"].as_u64().unwrap() >= 4, "{aws}");
    // Coverage of the quarter, told by different outlets, is one story.
    let urls: Vec<&str> = aws["outlets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["url"].as_str().unwrap())
        .collect();
    for part in [
        "aws-q4-2025-stack-takeaways",
        "amazon-q4-2025-by-the-numbers",
    ] {
        assert!(
            urls.iter().any(|u| u.contains(part)),
            "{part} missing from {urls:?}"
        );
    }
    // The syndicated copy is listed, marked as a copy.
    let copy = aws["outlets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["url"].as_str().unwrap().contains("syndicated"))
        .unwrap_or_else(|| panic!("no syndicated copy in {urls:?}"));
    assert!(copy["copy_of"].is_i64(), "{copy}");

    let revenue = aws["key_figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["subject"] == "Amazon Web Services"
                && f["metric"] == "revenue"
                && f["period"] == "2025-Q4"
        })
        .unwrap_or_else(|| panic!("no AWS Q4 revenue figure: {aws}"));
    assert_eq!(revenue["text"], "$35.6 billion", "{revenue}");
    assert_eq!(revenue["disagreement"], true, "{revenue}");
    assert!(revenue["articles"].as_u64().unwrap() >= 3, "{revenue}");
    let flagged: Vec<&str> = revenue["variants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["flagged"] == true)
        .map(|v| v["text"].as_str().unwrap())
        .collect();
    assert_eq!(flagged, ["$35.5 billion"], "{revenue}");
}

#[test]
fn window_subject_and_limit_narrow_the_digest() {
    let d = Dir::new();
    ingest_demo(&d);
    let all = d.json(&["digest", "--since", "2025-01-01", "--format", "json"]);
    let n_all = all["stories"].as_array().unwrap().len();

    // An alias finds the canonical entity; every story kept names it somewhere.
    let aws = d.json(&[
        "digest",
        "--since",
        "2025-01-01",
        "--subject",
        "aws",
        "--format",
        "json",
    ]);
    let kept = aws["stories"].as_array().unwrap();
    assert!(
        !kept.is_empty() && kept.len() < n_all,
        "{} of {n_all}",
        kept.len()
    );
    assert_eq!(aws["title"], "News digest: Amazon Web Services");
    aws_q4_story(&aws);

    let two = d.json(&[
        "digest",
        "--since",
        "2025-01-01",
        "--limit",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(two["stories"].as_array().unwrap().len(), 2);
    assert_eq!(two["stories"][0]["headline"], all["stories"][0]["headline"]);

    // A window before the corpus holds nothing; the default window (7d) neither.
    for args in [
        &[
            "digest",
            "--since",
            "2020-01-01",
            "--until",
            "2020-12-31",
            "--format",
            "json",
        ][..],
        &["digest", "--format", "json"][..],
    ] {
        let empty = d.json(args);
        assert_eq!(empty["articles"], 0, "{args:?}: {empty}");
        assert!(empty["stories"].as_array().unwrap().is_empty());
    }
    let md = d.ok(&["digest", "--since", "2020-01-01", "--until", "2020-12-31"]);
    assert!(md.contains("No stories in this window."), "{md}");

    assert_error(&d.run(&["digest", "--since", "yesterday"]), 2, "--since");
    assert_error(
        &d.run(&["digest", "--since", "2025-01-01", "--limit", "0"]),
        2,
        "--limit",
    );
}

#[test]
fn a_digest_needs_a_store() {
    let d = Dir::new();
    assert_error(
        &d.run(&["digest", "--since", "2025-01-01"]),
        2,
        "no factwire store",
    );
}

#[test]
fn markdown_and_html_digests() {
    let d = Dir::new();
    ingest_demo(&d);
    let md = d.ok(&["digest", "--since", "2025-01-01", "--limit", "3"]);
    assert!(md.starts_with("# News digest\n"), "{md}");
    assert_eq!(
        md.lines().filter(|l| l.starts_with("## ")).count(),
        3,
        "{md}"
    );
    assert!(
        md.contains("](https://cloudwire.example/"),
        "links to outlets: {md}"
    );
    assert!(
        md.contains("$35.6 billion") && md.contains("$35.5 billion"),
        "{md}"
    );

    let html_path = d.path().join("digest.html");
    let stdout = d.ok(&[
        "digest",
        "--since",
        "2025-01-01",
        "--format",
        "html",
        "--out",
        html_path.to_str().unwrap(),
    ]);
    assert!(
        stdout.is_empty(),
        "--out writes nothing to stdout: {stdout}"
    );
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80]);
    assert!(html.trim_end().ends_with("</html>"));
    assert!(html.contains("<style>") && html.contains("<meta charset=\"utf-8\">"));
    // Self-contained: no stylesheet, script or image fetched from elsewhere.
    for outside in ["<link", "<script", "src=\"http", "@import"] {
        assert!(!html.contains(outside), "the page loads {outside}");
    }
    assert!(html.contains("$35.5 billion"), "the flagged value is shown");
    screenshot_if_chromium(&html_path, d.path());
}

/// Renders the page in headless Chromium and keeps the screenshot in the test output
/// folder (`target/test-output/`) to look at. Without Chromium this part prints a
/// notice and is skipped, except under `FACTWIRE_REQUIRE_EXTERNAL=1` (CI), where a
/// missing browser is a failure.
fn screenshot_if_chromium(html: &Path, tmp: &Path) {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        assert!(
            std::env::var("FACTWIRE_REQUIRE_EXTERNAL").as_deref() != Ok("1"),
            "FACTWIRE_REQUIRE_EXTERNAL=1 but /usr/bin/chromium is missing (apt-get install chromium)"
        );
        eprintln!("notice: chromium not installed, skipping the digest screenshot");
        return;
    }
    let out_dir = crate::util::root().join("target").join("test-output");
    std::fs::create_dir_all(&out_dir).unwrap();
    let png = out_dir.join("digest.png");
    let _ = std::fs::remove_file(&png);
    let profile = tmp.join("chromium-profile");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1200,2400")
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
    // A blank page compresses to a few KB; a laid-out digest is far more.
    assert!(
        bytes.len() > 20_000,
        "suspiciously small screenshot: {} bytes",
        bytes.len()
    );
}

/// The digest's charts keep the rules of `summarizer::digest::charts`: one subject,
/// metric, unit and period granularity per chart, at least three points, at most three
/// charts per story and one per metric, and a caption and a labelled scale drawn
/// before the bars.
#[test]
fn digest_charts_tell_the_truth() {
    let d = Dir::new();
    ingest_demo(&d);
    let json = d.ok(&["digest", "--since", "2025-01-01", "--format", "json"]);
    let digest: Value = serde_json::from_str(&json).unwrap();
    let mut charts = 0;
    for story in digest["stories"].as_array().unwrap() {
        let series = story["series"].as_array().unwrap();
        assert!(
            series.len() <= 3,
            "at most three charts a story: {series:?}"
        );
        let mut metrics: Vec<&str> = series
            .iter()
            .map(|s| s["metric"].as_str().unwrap())
            .collect();
        metrics.sort_unstable();
        metrics.dedup();
        assert_eq!(
            metrics.len(),
            series.len(),
            "one chart per metric: {series:?}"
        );
        for s in series {
            charts += 1;
            let points = s["points"].as_array().unwrap();
            assert!(points.len() >= 3, "a chart has three points or more: {s}");
            let granularity = s["granularity"].as_str().unwrap();
            for p in points {
                let period = p["period"].as_str().unwrap();
                assert_eq!(granularity_of(period), granularity, "{s}");
            }
            let periods: Vec<&str> = points
                .iter()
                .map(|p| p["period"].as_str().unwrap())
                .collect();
            let mut sorted = periods.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(periods, sorted, "one point a period, in order: {s}");
            // The figures behind a chart agree: each point's period is a key figure of
            // the story that no outlet disputes.
            for p in &periods {
                let fig = story["key_figures"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| {
                        f["subject"] == s["subject"]
                            && f["metric"] == s["metric"]
                            && f["unit"] == s["unit"]
                            && f["period"].as_str() == Some(p)
                    })
                    .unwrap_or_else(|| panic!("no key figure behind {p} of {s}"));
                assert_eq!(fig["disagreement"], false, "{fig}");
            }
        }
    }
    assert!(
        charts >= 1,
        "the demo corpus has quarterly series to chart: {json}"
    );

    let html_path = d.path().join("digest.html");
    d.ok(&[
        "digest",
        "--since",
        "2025-01-01",
        "--format",
        "html",
        "--out",
        html_path.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert_eq!(html.matches("<figure class=\"chart\">").count(), charts);
    for fig in html.split("<figure class=\"chart\">").skip(1) {
        let caption = fig.find("<figcaption>").unwrap();
        assert!(
            caption < fig.find("<svg").unwrap(),
            "caption above the chart"
        );
        assert!(fig.contains("class=\"tick\""), "a labelled value axis");
    }
}

fn granularity_of(period: &str) -> &'static str {
    let fiscal = period.starts_with("FY");
    let rest = period.trim_start_matches("FY");
    match (fiscal, rest.len(), rest.get(4..6)) {
        (false, 4, _) => "year",
        (true, 4, _) => "fiscal_year",
        (false, 7, Some("-Q")) => "quarter",
        (true, 7, Some("-Q")) => "fiscal_quarter",
        (false, 7, Some("-H")) => "half",
        (true, 7, Some("-H")) => "fiscal_half",
        (false, 7, _) => "month",
        _ => "unknown",
    }
}

#[test]
fn facts_consolidate_groups_rows_in_every_format() {
    let d = Dir::new();
    ingest_demo(&d);
    let groups = d.json(&[
        "facts",
        "--consolidate",
        "--subject",
        "AWS",
        "--format",
        "json",
    ]);
    let groups = groups.as_array().unwrap();
    assert!(!groups.is_empty());
    assert!(groups.iter().all(|g| g["subject"] == "Amazon Web Services"));
    let revenue = groups
        .iter()
        .find(|g| g["metric"] == "revenue" && g["period"] == "2025-Q4")
        .unwrap_or_else(|| panic!("no AWS 2025-Q4 revenue row: {groups:?}"));
    assert!(revenue["articles"].as_u64().unwrap() > 1, "{revenue}");
    assert_eq!(revenue["disagreement"], true, "{revenue}");
    assert_eq!(revenue["text"], "$35.6 billion", "{revenue}");
    assert!(
        revenue["range_min"].as_f64().unwrap() <= 35.5e9,
        "{revenue}"
    );
    assert_eq!(revenue["range_max"].as_f64(), Some(35.6e9), "{revenue}");
    let flagged = revenue["variants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["flagged"] == true);
    assert!(
        flagged.map(|v| &v["text"]).any(|t| t == "$35.5 billion"),
        "{revenue}"
    );
    assert!(
        revenue["sources"].as_array().unwrap().len() >= 3,
        "{revenue}"
    );
    assert!(
        revenue["first_seen"]
            .as_str()
            .unwrap()
            .starts_with("2026-02-0")
    );

    // Fewer groups than fact rows: grouping happened.
    let rows = d.json(&["facts", "--subject", "AWS", "--format", "json"]);
    assert!(groups.len() < rows.as_array().unwrap().len());

    let csv = d.ok(&["facts", "--consolidate", "--format", "csv"]);
    let mut records = csv.lines().map(csv_fields);
    let header = records.next().unwrap();
    for col in [
        "subject",
        "metric",
        "period",
        "value_range",
        "articles",
        "first_seen",
        "sources",
    ] {
        assert!(header.iter().any(|h| h == col), "{col} missing: {header:?}");
    }
    let articles_col = header.iter().position(|c| c == "articles").unwrap();
    let records: Vec<Vec<String>> = records.collect();
    assert!(records.len() > 10);
    assert!(records.iter().all(|r| r.len() == header.len()), "{csv}");
    let multi = records
        .iter()
        .filter(|r| r[articles_col].parse::<u64>().unwrap() > 1)
        .count();
    assert!(
        multi >= 5,
        "{multi} figures reported by more than one article"
    );
    assert!(
        records.iter().any(|r| r[0] == "Amazon Web Services"
            && r[1] == "revenue"
            && r[2] == "2025-Q4"
            && r.iter().any(|c| c == "$35.6 billion")
            && r[articles_col].parse::<u64>().unwrap() > 1),
        "{csv}"
    );

    let jsonl = d.ok(&[
        "facts",
        "--consolidate",
        "--format",
        "jsonl",
        "--limit",
        "4",
    ]);
    assert_eq!(jsonl.lines().count(), 4, "--limit counts figures: {jsonl}");
    for l in jsonl.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert!(v["variants"].is_array(), "{v}");
    }

    let table = d.ok(&[
        "facts",
        "--consolidate",
        "--subject",
        "AWS",
        "--metric",
        "revenue",
    ]);
    assert!(table.starts_with("SUBJECT"), "{table}");
    assert!(table.contains("to $35.6 billion"), "{table}");
    assert!(
        table.trim_end().ends_with("with outlets disagreeing (!)"),
        "{table}"
    );
}

/// One CSV line's fields (quoted fields may hold commas and doubled quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[test]
fn syndicated_copies_can_be_left_out_of_facts_and_never_count_twice_when_consolidated() {
    let d = Dir::new();
    crate::ingest::ingest_demo(&d);
    let urls = |args: &[&str]| -> Vec<String> {
        let mut all = vec![
            "facts",
            "--subject",
            "AWS",
            "--metric",
            "revenue",
            "--format",
            "json",
        ];
        all.extend_from_slice(args);
        d.json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["url"].as_str().unwrap().to_string())
            .collect()
    };
    let every = urls(&[]);
    let originals = urls(&["--no-copies"]);
    assert!(every.iter().any(|u| u.contains("syndicated")), "{every:?}");
    assert!(
        !originals.iter().any(|u| u.contains("syndicated")),
        "{originals:?}"
    );
    assert!(
        originals.iter().any(|u| u.contains("results-wire")),
        "{originals:?}"
    );
    // Consolidated, the copy is no article of any figure.
    let rows = d.json(&["facts", "--subject", "AWS", "--format", "json"]);
    let copy_id = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["url"].as_str().unwrap().contains("syndicated"))
        .map(|r| r["article_id"].as_i64().unwrap())
        .unwrap();
    let figures = d.json(&[
        "facts",
        "--consolidate",
        "--subject",
        "AWS",
        "--format",
        "json",
    ]);
    let mut ids = Vec::new();
    for f in figures.as_array().unwrap() {
        for v in f["variants"].as_array().unwrap() {
            ids.extend(
                v["article_ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i.as_i64().unwrap()),
            );
        }
    }
    assert!(!ids.is_empty());
    assert!(!ids.contains(&copy_id), "copy {copy_id} counted in {ids:?}");
}
