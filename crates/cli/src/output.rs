//! Output formats: aligned tables for people, JSON, JSON lines and CSV for programs.

pub mod csv;

use serde::Serialize;

use crate::args::Format;
use crate::{CmdResult, Fail};

/// A table of strings with a header row.
///
/// Cells are one line each: control characters (line breaks, tabs, terminal escape
/// sequences from a hostile feed's titles) become spaces. A cell wider than the
/// column limit is cut with `…`, except in the last column when
/// [`Table::full_last_column`] asks (it needs no padding, so nothing is hidden). A row
/// may carry a note, printed whole on its own indented line below it (the detail of a
/// failure, which must never be cut).
pub struct Table {
    headers: Vec<&'static str>,
    rows: Vec<(Vec<String>, Option<String>)>,
    /// Widest a column may be before its cells are cut with `…`.
    max_width: usize,
    /// Never cut the last column.
    full_last: bool,
}

impl Table {
    /// An empty table with these headers.
    pub fn new(headers: Vec<&'static str>) -> Self {
        Table {
            headers,
            rows: Vec::new(),
            max_width: 60,
            full_last: false,
        }
    }

    /// Prints the last column whole, however wide.
    pub fn full_last_column(mut self) -> Self {
        self.full_last = true;
        self
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push((cells, None));
    }

    /// Adds a row with a note printed whole on the line below it.
    pub fn row_with_note(&mut self, cells: Vec<String>, note: String) {
        self.rows.push((cells, Some(note)));
    }

    /// Renders the table with two spaces between columns.
    pub fn render(&self) -> String {
        let last = self.headers.len().saturating_sub(1);
        let cut = |i: usize, s: &str| -> String {
            let s = one_line(s);
            if s.chars().count() > self.max_width && !(self.full_last && i == last) {
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
            .map(|(r, _)| r.iter().enumerate().map(|(i, c)| cut(i, c)).collect())
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
        for (r, (_, note)) in rows.iter().zip(&self.rows) {
            line(r, &mut out);
            if let Some(note) = note.as_deref().map(one_line).filter(|n| !n.is_empty()) {
                out.push_str("    ");
                out.push_str(&note);
                out.push('\n');
            }
        }
        out
    }
}

/// `s` safe for a terminal: every control character (newline, tab, ESC) a space, so
/// the text keeps its length in chars (highlight offsets still fit).
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// [`printable`], trimmed: one line for a table cell.
pub fn one_line(s: &str) -> String {
    printable(s).trim().to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_and_the_last_column_are_never_cut() {
        let long = "x".repeat(200);
        let mut t = Table::new(vec!["a", "url"]).full_last_column();
        t.row_with_note(vec!["1".into(), long.clone()], format!("why: {long}"));
        t.row(vec!["2\x1b[31m".into(), "b\nc".into()]);
        let out = t.render();
        assert!(!out.contains('…'), "{out}");
        let row = out.lines().nth(1).unwrap();
        assert!(row.starts_with('1') && row.ends_with(&long), "{out}");
        assert_eq!(
            out.lines().nth(2),
            Some(format!("    why: {long}").as_str())
        );
        assert!(out.contains("2 [31m  b c"), "{out}");
        let mut cut = Table::new(vec!["a", "b"]);
        cut.row(vec![long.clone(), "y".into()]);
        assert!(cut.render().contains('…'));
    }
}
