//! `factwire extract`: the article record for text and HTML.

use std::io::Write;
use std::process::Stdio;

use serde_json::Value;

use crate::util::{Dir, assert_error, fixture};

const RECORD_KEYS: [&str; 12] = [
    "url",
    "title",
    "byline",
    "published",
    "site_name",
    "language",
    "text",
    "summary",
    "entities",
    "facts",
    "truncated",
    "body_fallback",
];
const FACT_KEYS: [&str; 13] = [
    "kind",
    "text",
    "start",
    "end",
    "value",
    "value_max",
    "unit",
    "date",
    "subject",
    "metric",
    "period",
    "direction",
    "sentence",
];

/// Every key present, every fact's char offsets slicing to its text.
pub fn assert_record_shape(rec: &Value) {
    for k in RECORD_KEYS {
        assert!(rec.get(k).is_some(), "record lacks {k}");
    }
    let text: Vec<char> = rec["text"].as_str().unwrap().chars().collect();
    for f in rec["facts"].as_array().unwrap() {
        for k in FACT_KEYS {
            assert!(f.get(k).is_some(), "fact lacks {k}: {f}");
        }
        let (s, e) = (
            f["start"].as_u64().unwrap() as usize,
            f["end"].as_u64().unwrap() as usize,
        );
        assert!(s < e && e <= text.len(), "{f}");
        let slice: String = text[s..e].iter().collect();
        assert_eq!(slice, f["text"].as_str().unwrap(), "{f}");
    }
    for e in rec["entities"].as_array().unwrap() {
        for k in ["name", "kind", "aliases", "mentions"] {
            assert!(e.get(k).is_some(), "entity lacks {k}: {e}");
        }
        let kind = e["kind"].as_str().unwrap();
        assert!(["org", "person", "product", "place"].contains(&kind), "{e}");
    }
}

fn find<'a>(rec: &'a Value, text: &str) -> Vec<&'a Value> {
    rec["facts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["text"] == text)
        .collect()
}

#[test]
fn seed_text_yields_money_percent_and_count_facts() {
    let d = Dir::new();
    let seed = fixture("seed/aws-early-2026-analysis.txt");
    let rec = d.json(&["extract", "--text", seed.to_str().unwrap()]);
    assert_record_shape(&rec);
    let revenue = find(&rec, "$35.6 billion");
    assert!(!revenue.is_empty(), "no $35.6 billion fact");
    assert_eq!(revenue[0]["kind"], "money");
    assert_eq!(revenue[0]["unit"], "USD");
    assert!((revenue[0]["value"].as_f64().unwrap() - 35.6e9).abs() < 1.0);
    let growth = find(&rec, "24%");
    assert!(growth.len() >= 2);
    assert_eq!(growth[0]["kind"], "percent");
    assert_eq!(growth[0]["value"].as_f64(), Some(24.0));
    let layoffs = find(&rec, "16,000");
    assert!(!layoffs.is_empty());
    assert_eq!(layoffs[0]["kind"], "count");
    assert_eq!(layoffs[0]["value"].as_f64(), Some(16000.0));
    let range = find(&rec, "11-15%");
    assert_eq!(range[0]["value"].as_f64(), Some(11.0));
    assert_eq!(range[0]["value_max"].as_f64(), Some(15.0));
    // Text input: no page metadata, text normalised into paragraphs.
    assert!(rec["title"].is_null());
    assert!(rec["text"].as_str().unwrap().contains("\n\n"));
    let summary = rec["summary"].as_array().unwrap();
    assert_eq!(summary.len(), 3);
    for s in summary {
        assert!(rec["text"].as_str().unwrap().contains(s.as_str().unwrap()));
    }
}

#[test]
fn seed_html_page_reads_metadata_and_drops_furniture() {
    let d = Dir::new();
    let page = fixture("sites/demo/articles/aws-early-2026-analysis.html");
    let rec = d.json(&["extract", "--html", page.to_str().unwrap()]);
    assert_record_shape(&rec);
    assert!(
        rec["title"].as_str().unwrap().contains("AWS"),
        "{}",
        rec["title"]
    );
    assert!(rec["published"].as_str().unwrap().starts_with("2026-02-06"));
    assert_eq!(
        rec["url"],
        "https://cloudwire.example/2026/02/aws-early-2026-analysis"
    );
    let text = rec["text"].as_str().unwrap();
    assert!(text.contains("annualized revenue run rate of $142 billion"));
    assert!(
        !text.to_lowercase().contains("cookie"),
        "cookie banner leaked"
    );
    assert!(!find(&rec, "$35.6 billion").is_empty());
}

#[test]
fn stdin_and_sentences_option() {
    let d = Dir::new();
    let mut child = d
        .cmd(&["extract", "--text", "-", "--sentences", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"Google Cloud revenue rose 48% to $17.7 billion. Analysts cheered. Shares rose.",
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let rec: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_record_shape(&rec);
    assert_eq!(rec["summary"].as_array().unwrap().len(), 1);
    assert_eq!(find(&rec, "48%")[0]["kind"], "percent");
}

#[test]
fn sniffs_html_without_a_flag_and_keeps_url() {
    let d = Dir::new();
    let page = fixture("sites/demo/articles/aws-early-2026-analysis.html");
    let rec = d.json(&[
        "extract",
        page.to_str().unwrap(),
        "--url",
        "https://other.example/x",
    ]);
    assert!(!rec["title"].is_null());
    assert!(!rec["text"].as_str().unwrap().contains("<p>"));
}

#[test]
fn empty_and_garbage_inputs_give_a_record_not_a_panic() {
    let d = Dir::new();
    let empty = d.path().join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let rec = d.json(&["extract", empty.to_str().unwrap()]);
    assert_record_shape(&rec);
    assert_eq!(rec["text"], "");
    let html = d.path().join("broken.html");
    std::fs::write(
        &html,
        "<html><body><div><p>Unclosed <b>tags $5 million<table><tr><td>",
    )
    .unwrap();
    let rec = d.json(&["extract", "--html", html.to_str().unwrap()]);
    assert_record_shape(&rec);
}

/// Random bytes and a program binary are not documents: exit 2 with one `error:`
/// line saying `not a text document`, whatever `--html`/`--text` says; invalid UTF-8
/// in a real text is read with U+FFFD, not as a guessed legacy encoding.
#[test]
fn binary_input_is_not_text() {
    let d = Dir::new();
    let garbage = d.path().join("garbage.bin");
    let bytes: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&garbage, &bytes).unwrap();
    // A program binary: an ELF header, NUL padding, then some strings.
    let program = d.path().join("tool");
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".to_vec();
    elf.extend(std::iter::repeat_n(0u8, 300));
    elf.extend(b"GLIBC_2.34 main printf revenue rose 24% to $35.6 billion".iter());
    std::fs::write(&program, &elf).unwrap();
    for path in [&garbage, &program] {
        let p = path.to_str().unwrap();
        for flag in [None, Some("--html"), Some("--text")] {
            let mut args = vec!["extract"];
            args.extend(flag);
            args.push(p);
            let out = d.run(&args);
            assert_error(&out, 2, "not a text document");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(p), "the error names the input: {err}");
        }
    }
    // High bytes that are no UTF-8: replacement characters, not `яю`.
    let damaged = d.path().join("damaged.txt");
    std::fs::write(
        &damaged,
        b"Revenue rose \xff\xfe24% to $35.6 billion in the quarter.",
    )
    .unwrap();
    let rec = d.json(&["extract", damaged.to_str().unwrap()]);
    let text = rec["text"].as_str().unwrap();
    assert!(text.contains("rose \u{fffd}\u{fffd}24%"), "{text}");
    assert!(!text.contains("яю"), "{text}");
}

#[test]
fn jsonl_format_is_one_line() {
    let d = Dir::new();
    let seed = fixture("seed/aws-early-2026-analysis.txt");
    let out = d.ok(&[
        "extract",
        "--text",
        seed.to_str().unwrap(),
        "--format",
        "jsonl",
    ]);
    assert_eq!(out.trim_end().lines().count(), 1);
    let rec: Value = serde_json::from_str(&out).unwrap();
    assert_record_shape(&rec);
}

/// Every reader fixture (`fixtures/articles/<case>/`) through the binary: metadata
/// equal to the hand-checked `expected.json`, body snippets present or absent.
#[test]
fn reader_fixtures_metadata_through_the_binary() {
    let d = Dir::new();
    let mut cases = 0;
    for entry in std::fs::read_dir(fixture("articles")).unwrap() {
        let dir = entry.unwrap().path();
        let expected_path = dir.join("expected.json");
        if !expected_path.is_file() {
            continue;
        }
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();
        let case_toml = std::fs::read_to_string(dir.join("case.toml")).unwrap_or_default();
        let url = case_toml
            .lines()
            .find_map(|l| l.strip_prefix("url = \""))
            .map(|u| u.trim_end_matches('"').to_string());
        let source = dir.join("source.html");
        let mut args = vec!["extract", "--html", source.to_str().unwrap()];
        if let Some(u) = &url {
            args.extend(["--url", u.as_str()]);
        }
        let rec = d.json(&args);
        assert_record_shape(&rec);
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        for key in ["title", "byline", "published", "site_name", "language"] {
            if let Some(want) = expected.get(key) {
                assert_eq!(&rec[key], want, "{name}: {key}");
            }
        }
        for key in ["truncated", "body_fallback"] {
            let want = expected.get(key).cloned().unwrap_or(Value::Bool(false));
            assert_eq!(rec[key], want, "{name}: {key}");
        }
        let text = rec["text"].as_str().unwrap();
        if let Some(want) = expected.get("text") {
            assert_eq!(text, want.as_str().unwrap(), "{name}: text");
        }
        for s in expected["must_contain"].as_array().into_iter().flatten() {
            assert!(text.contains(s.as_str().unwrap()), "{name}: missing {s}");
        }
        for s in expected["must_not_contain"]
            .as_array()
            .into_iter()
            .flatten()
        {
            assert!(!text.contains(s.as_str().unwrap()), "{name}: leaked {s}");
        }
        cases += 1;
    }
    assert!(cases >= 4, "only {cases} reader fixtures");
}

#[test]
fn published_dates_bare_quarters_and_direction_says_which_way() {
    let d = Dir::new();
    let path = d.path().join("note.txt");
    std::fs::write(
        &path,
        "Oracle's revenue rose 9% to $21.3 billion in the fourth quarter. \
         Its shares fell 4% after the report.",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let rec = d.json(&["extract", "--text", "--published", "2032-02-10", p]);
    assert_record_shape(&rec);
    assert_eq!(rec["published"], "2032-02-10T00:00:00Z");
    assert_eq!(find(&rec, "$21.3 billion")[0]["period"], "2031-Q4");
    let fell = find(&rec, "4%")[0];
    assert_eq!(fell["direction"], "down");
    assert_eq!(fell["value"], 4.0);
    assert_eq!(find(&rec, "9%")[0]["direction"], "up");
    assert_eq!(find(&rec, "$21.3 billion")[0]["direction"], Value::Null);
    // Without a date the bare quarter has no year to take.
    let rec = d.json(&["extract", "--text", p]);
    assert_eq!(find(&rec, "$21.3 billion")[0]["period"], Value::Null);
    // An RFC 3339 time is accepted and kept in UTC.
    let rec = d.json(&["extract", "--published", "2032-02-10T09:30:00+02:00", p]);
    assert_eq!(rec["published"], "2032-02-10T07:30:00Z");
    // A bad date is bad usage.
    let out = d.run(&["extract", "--text", "--published", "last week", p]);
    assert_error(&out, 2, "--published");
}
