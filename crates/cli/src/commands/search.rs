//! `factwire search`: query the index.

use std::io::IsTerminal;

use anyhow::anyhow;
use factwire_core::SearchHit;
use factwire_index::{Index, SearchQuery, Sort};

use super::{existing_data, parse_window};
use crate::aliases::Aliases;
use crate::args::{Format, GlobalArgs, SearchArgs, SortArg};
use crate::output::{json_items, opt};
use crate::{CmdResult, Fail, write_stdout};

pub fn run(global: &GlobalArgs, a: SearchArgs) -> CmdResult {
    if a.query.trim().is_empty() {
        return Err(Fail::Input(anyhow!(
            "empty query: give words to search for"
        )));
    }
    if a.limit == 0 {
        return Err(Fail::Input(anyhow!("--limit 0: must be at least 1")));
    }
    let (since, until) = parse_window(a.since.as_deref(), a.until.as_deref())?;
    let (settings, dd) = existing_data(global)?;
    let aliases = Aliases::load(&settings)?;
    // Read-only: a missing, stale or damaged index is an error saying what rebuilds it
    // (only the holder of the ingest lock may rebuild or wipe it).
    let index = Index::open_read(&dd.index_dir()).map_err(|e| Fail::Work(anyhow::Error::new(e)))?;
    let entity = a.entity.as_deref().map(|n| {
        aliases
            .canonical(n)
            .map_or_else(|| n.trim().to_string(), str::to_string)
    });
    let query = SearchQuery {
        text: a.query.clone(),
        since,
        until,
        source: a.source.clone().map(|s| s.to_ascii_lowercase()),
        entity,
        limit: a.limit,
        sort: match a.sort {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Newest => Sort::Newest,
        },
        synonyms: aliases.into_groups(),
    };
    let hits = index.search(&query).map_err(|e| match e {
        factwire_index::Error::Query { .. } | factwire_index::Error::InvalidDate { .. } => {
            Fail::Input(anyhow::Error::new(e))
        }
        other => Fail::Work(anyhow::Error::new(other).context("search")),
    })?;
    let out = match a.format {
        Format::Json | Format::Jsonl => json_items(&hits, a.format)?,
        Format::Csv => csv(&hits)?,
        Format::Table => table(&hits, std::io::stdout().is_terminal()),
    };
    write_stdout(&out)
}

fn csv(hits: &[SearchHit]) -> Result<String, Fail> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let err = |e: ::csv::Error| Fail::Work(anyhow::Error::new(e).context("csv output"));
    w.write_record([
        "id",
        "url",
        "title",
        "source",
        "published",
        "score",
        "snippet",
    ])
    .map_err(err)?;
    for h in hits {
        w.write_record([
            h.id.to_string(),
            h.url.clone(),
            opt(&h.title),
            opt(&h.source),
            opt(&h.published),
            format!("{:.4}", h.score),
            h.snippet.clone(),
        ])
        .map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Fail::Work(anyhow!("csv output: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Hits for people: title line (with the number of near-duplicate copies folded into
/// the hit), snippet with matches in bold on a terminal, URL.
fn table(hits: &[SearchHit], bold: bool) -> String {
    if hits.is_empty() {
        return "no matches\n".to_string();
    }
    let mut s = String::new();
    for (i, h) in hits.iter().enumerate() {
        let date = h
            .published
            .as_deref()
            .map(|p| p.get(..10).unwrap_or(p))
            .unwrap_or("undated");
        let copies = match h.duplicates.len() {
            0 => String::new(),
            1 => "  +1 copy".to_string(),
            n => format!("  +{n} copies"),
        };
        s.push_str(&format!(
            "{:>2}. {}  [{} · {} · #{} · {:.2}]{copies}\n",
            i + 1,
            h.title.as_deref().unwrap_or("(untitled)"),
            h.source.as_deref().unwrap_or("local"),
            date,
            h.id,
            h.score
        ));
        s.push_str("    ");
        s.push_str(&highlight(&h.snippet, &h.highlights, bold));
        s.push('\n');
        s.push_str(&format!("    {}\n", h.url));
    }
    s
}

fn highlight(snippet: &str, spans: &[(usize, usize)], bold: bool) -> String {
    if !bold || spans.is_empty() {
        return snippet.to_string();
    }
    let chars: Vec<char> = snippet.chars().collect();
    let mut out = String::new();
    let mut pos = 0;
    for &(a, b) in spans {
        if a < pos || b > chars.len() || a >= b {
            continue;
        }
        out.extend(&chars[pos..a]);
        out.push_str("\x1b[1m");
        out.extend(&chars[a..b]);
        out.push_str("\x1b[0m");
        pos = b;
    }
    out.extend(&chars[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(id: i64, duplicates: &[&str]) -> SearchHit {
        SearchHit {
            id,
            url: format!("https://a.example/{id}"),
            title: Some(format!("Story {id}")),
            source: Some("a.example".into()),
            published: Some("2026-03-01T08:00:00Z".into()),
            score: 1.5,
            snippet: "Revenue rose.".into(),
            highlights: vec![(0, 7)],
            duplicates: duplicates.iter().map(|s| (*s).to_string()).collect(),
        }
    }

    #[test]
    fn table_counts_folded_copies() {
        let out = table(
            &[
                hit(1, &["https://b.example/1", "https://c.example/1"]),
                hit(2, &["https://b.example/2"]),
                hit(3, &[]),
            ],
            false,
        );
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with(" 1. Story 1") && lines[0].ends_with("+2 copies"));
        assert!(lines[3].ends_with("+1 copy"), "{}", lines[3]);
        assert!(lines[6].ends_with("1.50]"), "{}", lines[6]);
    }

    #[test]
    fn bold_highlights_only_on_terminals() {
        assert_eq!(
            highlight("Revenue rose.", &[(0, 7)], false),
            "Revenue rose."
        );
        assert_eq!(
            highlight("Revenue rose.", &[(0, 7)], true),
            "\x1b[1mRevenue\x1b[0m rose."
        );
    }
}
