//! `factwire facts`: export stored facts, one row per fact.

use anyhow::{Context, anyhow};
use factwire_core::{FactKind, FactRow};
use factwire_store::{FactQuery, Store};
use factwire_summarizer::digest::{Consolidated, consolidate, format_value};

use super::{canonical_name, existing_data, parse_window};
use crate::args::{FactsArgs, Format, GlobalArgs};
use crate::output::csv::{Cell, CsvWriter};
use crate::output::{Table, json_items, num, opt};
use crate::{CmdResult, Fail, write_stdout};

/// The CSV and table columns, in order.
pub const COLUMNS: [&str; 17] = [
    "article_id",
    "url",
    "title",
    "source",
    "published",
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
    "sentence",
];

pub fn run(global: &GlobalArgs, a: FactsArgs) -> CmdResult {
    let kind = match &a.kind {
        None => None,
        Some(k) => Some(FactKind::parse(k).ok_or_else(|| {
            Fail::Input(anyhow!(
                "--kind {k:?}: expected one of money, percent, count, quantity, date, period"
            ))
        })?),
    };
    let (since, until) = parse_window(a.since.as_deref(), a.until.as_deref())?;
    let (settings, dd) = existing_data(global)?;
    let subject = canonical_name(&settings, a.subject.as_deref())?;
    let store = Store::open_for_reading(&dd.store_path()).map_err(|e| {
        Fail::Work(anyhow::Error::new(e).context(dd.store_path().display().to_string()))
    })?;
    let q = FactQuery {
        subject,
        metric: a.metric.clone(),
        kind,
        since,
        until,
        article_id: None,
        // With --consolidate, --limit counts figures, not fact rows.
        limit: if a.consolidate { None } else { a.limit },
        originals_only: a.no_copies || a.consolidate,
    };
    let rows = store
        .facts(&q)
        .map_err(|e| Fail::Work(anyhow::Error::new(e).context("reading facts")))?;
    let out = if a.consolidate {
        let mut groups = consolidate(&rows);
        if let Some(n) = a.limit {
            groups.truncate(n);
        }
        consolidated(&groups, a.format)?
    } else {
        match a.format {
            Format::Json | Format::Jsonl => json_items(&rows, a.format)?,
            Format::Csv => csv(&rows),
            Format::Table => table(&rows),
        }
    };
    match &a.out {
        Some(path) => std::fs::write(path, out)
            .with_context(|| path.display().to_string())
            .map_err(Fail::Input),
        None => write_stdout(&out),
    }
}

/// One fact as CSV cells, in [`COLUMNS`] order: numbers stay numbers, text is
/// neutralised for spreadsheets ([`crate::output::csv`]).
fn cells(r: &FactRow) -> Vec<Cell> {
    let f = &r.fact;
    let opt_num = |v: Option<f64>| match v {
        Some(_) => Cell::Number(num(v)),
        None => Cell::text(""),
    };
    vec![
        Cell::number(r.article_id),
        Cell::text(&r.url),
        Cell::text(opt(&r.title)),
        Cell::text(opt(&r.source)),
        Cell::text(opt(&r.published)),
        Cell::text(f.kind.as_str()),
        Cell::text(&f.text),
        Cell::number(f.start),
        Cell::number(f.end),
        opt_num(f.value),
        opt_num(f.value_max),
        Cell::text(opt(&f.unit)),
        Cell::text(opt(&f.date)),
        Cell::text(opt(&f.subject)),
        Cell::text(opt(&f.metric)),
        Cell::text(opt(&f.period)),
        Cell::text(&f.sentence),
    ]
}

fn csv(rows: &[FactRow]) -> String {
    let mut w = CsvWriter::with_header(&COLUMNS);
    for r in rows {
        w.row(cells(r));
    }
    w.finish()
}

fn table(rows: &[FactRow]) -> String {
    let mut t = Table::new(vec![
        "id",
        "published",
        "kind",
        "text",
        "value",
        "unit",
        "subject",
        "metric",
        "period",
    ]);
    for r in rows {
        let f = &r.fact;
        let value = match (&f.date, &f.period) {
            (Some(d), _) => d.clone(),
            (None, Some(p)) if f.value.is_none() => p.clone(),
            _ => match f.value_max {
                Some(_) => format!("{}–{}", num(f.value), num(f.value_max)),
                None => num(f.value),
            },
        };
        t.row(vec![
            r.article_id.to_string(),
            r.published
                .as_deref()
                .map(|p| p.get(..10).unwrap_or(p))
                .unwrap_or("")
                .to_string(),
            f.kind.as_str().to_string(),
            f.text.clone(),
            value,
            opt(&f.unit),
            opt(&f.subject),
            opt(&f.metric),
            opt(&f.period),
        ]);
    }
    let mut s = t.render();
    s.push_str(&format!("{} facts\n", rows.len()));
    s
}

/// The CSV columns of `facts --consolidate`, in order.
pub const CONSOLIDATED_COLUMNS: [&str; 15] = [
    "subject",
    "metric",
    "period",
    "kind",
    "unit",
    "value",
    "value_max",
    "value_text",
    "value_range",
    "range_min",
    "range_max",
    "articles",
    "agreeing",
    "first_seen",
    "sources",
];

/// `facts --consolidate` output: one row per figure. JSON keeps everything
/// (variants with their article ids and outlets); CSV and the table flatten it.
fn consolidated(groups: &[Consolidated], format: Format) -> Result<String, Fail> {
    match format {
        Format::Json | Format::Jsonl => json_items(groups, format),
        Format::Csv => {
            let mut w = CsvWriter::with_header(&CONSOLIDATED_COLUMNS);
            for g in groups {
                let f = &g.figure;
                w.row([
                    Cell::text(&f.subject),
                    Cell::text(&f.metric),
                    Cell::text(opt(&f.period)),
                    Cell::text(f.kind.as_str()),
                    Cell::text(opt(&f.unit)),
                    Cell::Number(num(Some(f.value))),
                    match f.value_max {
                        Some(_) => Cell::Number(num(f.value_max)),
                        None => Cell::text(""),
                    },
                    Cell::text(&f.text),
                    Cell::text(g.range_text()),
                    Cell::Number(num(Some(g.range_min))),
                    Cell::Number(num(Some(g.range_max))),
                    Cell::number(f.articles),
                    Cell::number(f.agreeing),
                    Cell::text(opt(&g.first_seen)),
                    Cell::text(g.sources.join(";")),
                ]);
            }
            Ok(w.finish())
        }
        Format::Table => {
            let mut t = Table::new(vec![
                "subject",
                "metric",
                "period",
                "value",
                "value range",
                "articles",
                "agree",
                "first seen",
                "sources",
            ]);
            for g in groups {
                let f = &g.figure;
                let value = match f.value_max {
                    Some(max) => format!(
                        "{}–{}",
                        format_value(f.value, f.unit.as_deref()),
                        format_value(max, f.unit.as_deref())
                    ),
                    None => f.text.clone(),
                };
                t.row(vec![
                    f.subject.clone(),
                    f.metric.clone(),
                    opt(&f.period),
                    value,
                    g.range_text(),
                    f.articles.to_string(),
                    format!("{}{}", f.agreeing, if f.disagreement { " !" } else { "" }),
                    g.first_seen
                        .as_deref()
                        .map(|p| p.get(..10).unwrap_or(p))
                        .unwrap_or("")
                        .to_string(),
                    g.sources.join(", "),
                ]);
            }
            let mut s = t.render();
            let disputed = groups.iter().filter(|g| g.figure.disagreement).count();
            s.push_str(&format!(
                "{} figures, {disputed} with outlets disagreeing (!)\n",
                groups.len()
            ));
            Ok(s)
        }
    }
}
