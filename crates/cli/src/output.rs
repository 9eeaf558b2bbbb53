//! Output formats: aligned tables for people, JSON, JSON lines and CSV for programs.

use serde::Serialize;

use crate::args::Format;
use crate::{CmdResult, Fail};

/// A table of strings with a header row.
pub struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    /// Widest a column may be before its cells are cut with `…`.
    max_width: usize,
}

impl Table {
    /// An empty table with these headers.
    pub fn new(headers: Vec<&'static str>) -> Self {
        Table {
            headers,
            rows: Vec::new(),
            max_width: 60,
        }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Renders the table with two spaces between columns.
    pub fn render(&self) -> String {
        let cut = |s: &str| -> String {
            let s = s.replace(['\n', '\t'], " ");
            if s.chars().count() > self.max_width {
                let mut t: String = s.chars().take(self.max_width - 1).collect();
                t.push('…');
                t
            } else {
                s
            }
        };
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| cut(c)).collect())
            .collect();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                if i < widths.len() {
                    widths[i] = widths[i].max(c.chars().count());
                }
            }
        }
        let mut out = String::new();
        let line = |cells: &[String], out: &mut String| {
            let mut l = String::new();
            for (i, c) in cells.iter().enumerate() {
                if i > 0 {
                    l.push_str("  ");
                }
                l.push_str(c);
                if i + 1 < cells.len() {
                    let pad = widths[i].saturating_sub(c.chars().count());
                    l.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push_str(l.trim_end());
            out.push('\n');
        };
        let header: Vec<String> = self.headers.iter().map(|h| h.to_uppercase()).collect();
        line(&header, &mut out);
        for r in &rows {
            line(r, &mut out);
        }
        out
    }
}

/// Serialises `items` as one JSON document (an array) or JSON lines.
pub fn json_items<T: Serialize>(items: &[T], format: Format) -> Result<String, Fail> {
    let err = |e: serde_json::Error| Fail::Work(anyhow::Error::new(e).context("json output"));
    match format {
        Format::Jsonl => {
            let mut s = String::new();
            for it in items {
                s.push_str(&serde_json::to_string(it).map_err(err)?);
                s.push('\n');
            }
            Ok(s)
        }
        _ => {
            let mut s = serde_json::to_string_pretty(items).map_err(err)?;
            s.push('\n');
            Ok(s)
        }
    }
}

/// Serialises one value as pretty JSON (or one line for jsonl).
pub fn json_one<T: Serialize>(item: &T, format: Format) -> Result<String, Fail> {
    let err = |e: serde_json::Error| Fail::Work(anyhow::Error::new(e).context("json output"));
    let mut s = if format == Format::Jsonl {
        serde_json::to_string(item).map_err(err)?
    } else {
        serde_json::to_string_pretty(item).map_err(err)?
    };
    s.push('\n');
    Ok(s)
}

/// Refuses `--format csv` for a command that has no CSV form.
pub fn no_csv(format: Format, command: &str) -> CmdResult {
    if format == Format::Csv {
        return Err(Fail::Input(anyhow::anyhow!(
            "--format csv: `{command}` prints table, json or jsonl"
        )));
    }
    Ok(())
}

/// A number for a table cell: integers without `.0`, others as written.
pub fn num(v: Option<f64>) -> String {
    match v {
        None => String::new(),
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
        Some(x) => format!("{x}"),
    }
}

/// An optional string for a table cell.
pub fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}
