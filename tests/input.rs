//! Clear answers to bad input: config values refused at load time naming the key and
//! what is allowed; missing arguments named; odd queries and `--source` forms.

use serde_json::Value;

use crate::util::{Dir, assert_error};

/// Writes `text` as the test's config and loads it through `extract` of a small text
/// file (the command reads the config first and needs no store).
fn load_config(d: &Dir, text: &str) -> std::process::Output {
    let cfg = d.path().join("case.toml");
    std::fs::write(&cfg, text).unwrap();
    d.run(&[
        "--config",
        cfg.to_str().unwrap(),
        "extract",
        "--text",
        &doc(d),
    ])
}

fn doc(d: &Dir) -> String {
    let path = d.path().join("doc.txt");
    std::fs::write(
        &path,
        "Amazon Web Services revenue rose 24% to $35.6 billion.\n",
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

/// The config is refused with exit 2 and one `error:` line holding every needle.
fn assert_refused(d: &Dir, text: &str, needles: &[&str]) {
    let out = load_config(d, text);
    assert_error(&out, 2, "case.toml");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for n in needles {
        assert!(
            stderr.contains(n),
            "want {n:?} for config {text:?}, got: {stderr}"
        );
    }
}

#[test]
fn bad_feed_urls_are_refused_at_load_time() {
    let d = Dir::new();
    let allowed = "expected an http(s) URL, a file:// URL or a local path";
    for (url, why) in [
        ("https://[::1/feed", "not a valid URL"),
        ("https://example.com/my feed.xml", "spaces"),
        ("https://exa mple.com/feed", "spaces"),
        ("", "empty"),
        ("   ", "empty"),
        ("gopher://example.com/feed", "unsupported scheme"),
    ] {
        let text =
            format!("[[feeds]]\nurl = \"https://ok.example/feed\"\n\n[[feeds]]\nurl = {url:?}\n");
        assert_refused(&d, &text, &["[[feeds]] #2 url", why, allowed]);
    }
}

#[test]
fn zero_and_negative_limits_are_refused_naming_key_and_minimum() {
    let d = Dir::new();
    for (table, key, value, min) in [
        ("fetch", "concurrency", "0", "1"),
        ("fetch", "concurrency", "-4", "1"),
        ("fetch", "per_host_concurrency", "0", "1"),
        ("fetch", "timeout_secs", "0", "1"),
        ("fetch", "connect_timeout_secs", "-1", "1"),
        ("fetch", "max_body_bytes", "0", "1"),
        ("fetch", "retries", "-1", "0"),
        ("fetch", "per_host_delay_ms", "-10", "0"),
        ("summary", "sentences", "0", "1"),
    ] {
        let text = format!("[{table}]\n{key} = {value}\n");
        assert_refused(
            &d,
            &text,
            &[
                &format!("[{table}] {key} = {value}"),
                &format!("at least {min}"),
            ],
        );
    }
    // Zero is fine where it means something (no retries, no delay).
    let out = load_config(
        &d,
        "[fetch]\nretries = 0\nper_host_delay_ms = 0\nmax_redirects = 0\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_user_agent_with_control_characters_is_refused() {
    let d = Dir::new();
    for ua in ["bot/1.0\\r\\nX-Injected: 1", "bot\\u0007", ""] {
        let text = format!("[fetch]\nuser_agent = \"{ua}\"\n");
        assert_refused(&d, &text, &["[fetch] user_agent", "printable ASCII"]);
    }
    let out = load_config(
        &d,
        "[fetch]\nuser_agent = \"factwire-test/1.0 (+https://example.org)\"\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_unreadable_or_empty_ca_file_is_refused_at_load_time() {
    let d = Dir::new();
    let allowed = "expected a readable PEM file of CA certificates";
    assert_refused(
        &d,
        "[fetch]\nca_file = \"no-such-ca.pem\"\n",
        &["[fetch] ca_file", "no-such-ca.pem", allowed],
    );
    // A directory cannot be read as a file (root may read any file, but not that).
    let dir = d.path().join("certs");
    std::fs::create_dir(&dir).unwrap();
    let text = format!("[fetch]\nca_file = {:?}\n", dir.to_str().unwrap());
    assert_refused(&d, &text, &["[fetch] ca_file", allowed]);
    let not_pem = d.path().join("not.pem");
    std::fs::write(&not_pem, "hello\n").unwrap();
    let text = format!("[fetch]\nca_file = {:?}\n", not_pem.to_str().unwrap());
    assert_refused(&d, &text, &["[fetch] ca_file", "no certificate", allowed]);
}

#[test]
fn the_shipped_configs_still_load() {
    let d = Dir::new();
    for cfg in ["config/factwire.toml", "config/demo.toml"] {
        let out = d.run(&["--config", cfg, "extract", "--text", &doc(&d)]);
        assert!(
            out.status.success(),
            "{cfg}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn missing_required_arguments_are_named() {
    let d = Dir::new();
    for (args, name) in [
        (&["search"][..], "<QUERY>"),
        (&["show"][..], "<ID|URL>"),
        (&["extract"][..], "<PATH>"),
    ] {
        let out = d.run(args);
        assert_error(&out, 2, name);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("factwire {} --help", args[0])),
            "{stderr}"
        );
    }
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn odd_queries_and_source_forms() {
    let d = Dir::new();
    crate::ingest::ingest_demo(&d);

    // A query may start with `-`: it is the query, not a flag.
    let leading = d.json(&["search", "-AWS cloud", "--format", "json", "--limit", "50"]);
    let reordered = d.json(&["search", "cloud -AWS", "--format", "json", "--limit", "50"]);
    assert!(!ids(&leading).is_empty());
    assert_eq!(ids(&leading), ids(&reordered));
    let with_aws = d.json(&["search", "cloud", "--format", "json", "--limit", "50"]);
    assert!(
        ids(&with_aws).len() > ids(&leading).len(),
        "the exclusion excludes"
    );

    // Nothing but punctuation: nothing to search for.
    for q in ["-", "- +", "AND"] {
        assert_error(&d.run(&["search", q]), 2, "nothing to search for");
    }

    // An unknown field prefix lists the known ones; a pasted URL or a time is text.
    let out = d.run(&["search", "titel:cloud"]);
    assert_error(&out, 2, "unknown field `titel:`");
    assert!(String::from_utf8_lossy(&out.stderr).contains("title, entity, source, metric"));
    assert_error(&d.run(&["search", "site:cloudwire.example"]), 2, "`site:`");
    d.ok(&[
        "search",
        "https://cloudwire.example/2026/02/aws-early-2026-analysis",
    ]);
    d.ok(&["search", "revenue 10:30"]);

    // --source takes a host or a URL, with or without www.
    let by_host = d.json(&[
        "search",
        "AWS",
        "--source",
        "cloudwire.example",
        "--format",
        "json",
    ]);
    assert!(!ids(&by_host).is_empty());
    for form in [
        "https://www.cloudwire.example/2026/02/some-story",
        "CloudWire.example/2026",
        "http://cloudwire.example:443",
    ] {
        let hits = d.json(&["search", "AWS", "--source", form, "--format", "json"]);
        assert_eq!(ids(&hits), ids(&by_host), "--source {form}");
    }
    // So does the `source:` prefix.
    let prefix = d.json(&["search", "AWS source:cloudwire.example", "--format", "json"]);
    assert!(!ids(&prefix).is_empty());
    let q = "AWS source:https://www.cloudwire.example/x";
    let via_url = d.json(&["search", q, "--format", "json"]);
    assert_eq!(ids(&via_url), ids(&prefix));
    assert_error(
        &d.run(&["search", "AWS", "--source", "https://"]),
        2,
        "--source",
    );
}

/// The scores the table prints never rise down the list.
#[test]
fn table_scores_follow_rank_order() {
    let d = Dir::new();
    crate::ingest::ingest_demo(&d);
    for q in [
        "AWS layoffs",
        "cloud revenue growth",
        "Google Cloud backlog",
        "data center power",
    ] {
        let table = d.ok(&["search", q, "--limit", "20"]);
        let scores: Vec<f64> = table
            .lines()
            .filter_map(|l| l.rsplit_once(" · ")?.1.split(']').next()?.parse().ok())
            .collect();
        assert!(scores.len() > 1, "{q}: {table}");
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "{q}: {scores:?}\n{table}"
        );
    }
}
