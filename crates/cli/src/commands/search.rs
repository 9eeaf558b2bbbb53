//! `factwire search`: query the index.

use std::io::IsTerminal;

use anyhow::anyhow;
use factwire_core::SearchHit;
use factwire_index::{Index, SearchQuery, Sort};

use super::{existing_data, parse_window};
use crate::aliases::Aliases;
use crate::args::{Format, GlobalArgs, SearchArgs, SortArg};
use crate::output::csv::{Cell, CsvWriter};
use crate::output::{json_items, one_line, opt, printable};
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
    let thesaurus = crate::thesaurus::load(&settings)?;
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
        source: a.source.as_deref().map(source_host).transpose()?,
        entity,
        limit: a.limit,
        sort: match a.sort {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Newest => Sort::Newest,
        },
        related: aliases.related(),
        synonyms: aliases.into_groups(),
        thesaurus,
    };
    let hits = index.search(&query).map_err(|e| match e {
        factwire_index::Error::Query { .. } | factwire_index::Error::InvalidDate { .. } => {
            Fail::Input(anyhow::Error::new(e))
        }
        other => Fail::Work(anyhow::Error::new(other).context("search")),
    })?;
    let out = match a.format {
        Format::Json | Format::Jsonl => json_items(&hits, a.format)?,
        Format::Csv => csv(&hits),
        // Sorted by date, the relevance score would not follow the list's order.
        Format::Table => table(
            &hits,
            std::io::stdout().is_terminal(),
            query.sort == Sort::Relevance,
        ),
    };
    write_stdout(&out)
}

/// `--source`: a host (`example.com`, `www.Example.com`) or anything with one in it
/// (`https://example.com/a/b`, `example.com/a`), as the host articles are stored
/// under: lower case, without `www.` and port.
fn source_host(s: &str) -> Result<String, Fail> {
    let t = s.trim();
    let as_url = if t.contains("://") {
        t.to_string()
    } else {
        format!("http://{t}")
    };
    factwire_core::source_of(&as_url)
        .filter(|h| !h.contains(char::is_whitespace))
        .ok_or_else(|| {
            Fail::Input(anyhow!(
                "--source {s:?}: expected a host (example.com) or a URL (https://example.com/a)"
            ))
        })
}

fn csv(hits: &[SearchHit]) -> String {
    let mut w = CsvWriter::with_header(&[
        "id",
        "url",
        "title",
        "source",
        "published",
        "score",
        "snippet",
    ]);
    for h in hits {
        w.row([
            Cell::number(h.id),
            Cell::text(&h.url),
            Cell::text(opt(&h.title)),
            Cell::text(opt(&h.source)),
            Cell::text(opt(&h.published)),
            Cell::Number(format!("{:.4}", h.score)),
            Cell::text(&h.snippet),
        ]);
    }
    w.finish()
}

/// Hits for people: title line (with the number of near-duplicate copies folded into
/// the hit, and the score when ranked by relevance), snippet with matches in bold on a
/// terminal, URL.
fn table(hits: &[SearchHit], bold: bool, scores: bool) -> String {
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
        let score = if scores {
            format!(" · {:.2}", h.score)
        } else {
            String::new()
        };
        s.push_str(&format!(
            "{:>2}. {}  [{} · {} · #{}{score}]{copies}\n",
            i + 1,
            one_line(h.title.as_deref().unwrap_or("(untitled)")),
            h.source.as_deref().unwrap_or("local"),
            date,
            h.id,
        ));
        s.push_str("    ");
        s.push_str(&highlight(&printable(&h.snippet), &h.highlights, bold));
        s.push('\n');
        s.push_str(&format!("    {}\n", printable(&h.url)));
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
            true,
        );
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with(" 1. Story 1") && lines[0].ends_with("+2 copies"));
        assert!(lines[3].ends_with("+1 copy"), "{}", lines[3]);
        assert!(lines[6].ends_with("1.50]"), "{}", lines[6]);
    }

    #[test]
    fn sources_are_hosts_from_hosts_or_urls() {
        for (input, want) in [
            ("example.com", "example.com"),
            ("WWW.Example.com", "example.com"),
            ("https://www.example.com/a/b?c", "example.com"),
            ("example.com/a", "example.com"),
            ("http://example.com:8080/", "example.com"),
        ] {
            assert_eq!(source_host(input).ok().as_deref(), Some(want), "{input}");
        }
        assert!(source_host("").is_err());
        assert!(source_host("https://").is_err());
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
