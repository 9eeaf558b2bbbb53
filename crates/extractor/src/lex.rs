//! A small tokenizer: numbers, words and single punctuation marks, with byte offsets.
//!
//! Every fact and entity pattern in this crate works on these tokens rather than on
//! raw characters, so that "22bn", "AWS’s", "fourth-quarter" and "$1.2" are seen as
//! the same pieces however they are spaced. Numbers keep thousands separators and a
//! decimal part (`16,000`, `35.6`); letters glued to digits stay separate tokens with
//! `space == false`, which is how model names (`Trainium3`, `96xlarge`) are told apart
//! from amounts.

use std::ops::Range;

/// The longest stretch of text analysed as one sentence, in bytes.
///
/// Every step after tokenising works sentence by sentence, and some steps compare the
/// facts, names and cue words of a sentence with each other, so a sentence's cost
/// grows with the square of its length. A real sentence is far shorter than this; a
/// number-dense paragraph without full stops (a scraped table, a list run together)
/// can be megabytes long. [`bounded_pieces`] cuts such a sentence into pieces of at
/// most this size, which keeps the whole extraction linear in the input.
pub const MAX_SENTENCE: usize = 1_000;

/// The most a fact carries of a sentence that had to be cut, in bytes (see
/// [`fact_window`]).
pub const SENTENCE_WINDOW: usize = 240;

/// Cuts `range` of `text` into pieces of at most `max` bytes, appending them to
/// `out`; a range that fits is appended whole.
///
/// A cut goes after the last clause mark (`;`, `,`, `:` followed by a space) in the
/// second half of the piece, else after its last space, else at the last char
/// boundary, so a piece is a run of whole clauses wherever the text has them. Each
/// piece's search is bounded by `max`, so the cost is linear in the range.
pub fn bounded_pieces(text: &str, range: Range<usize>, max: usize, out: &mut Vec<Range<usize>>) {
    let max = max.max(8);
    let b = text.as_bytes();
    let mut start = range.start;
    while range.end - start > max {
        let mut hard = start + max;
        while !text.is_char_boundary(hard) {
            hard -= 1;
        }
        let window = &b[start..hard];
        let half = window.len() / 2;
        let clause = window
            .windows(2)
            .rposition(|w| matches!(w[0], b';' | b',' | b':') && w[1] == b' ')
            .filter(|&k| k >= half)
            .map(|k| start + k + 2);
        let space = || {
            window
                .iter()
                .rposition(|c| c.is_ascii_whitespace())
                .filter(|&k| k > 0)
                .map(|k| start + k + 1)
        };
        let cut = clause.or_else(space).unwrap_or(hard);
        let piece = start..trim_end(text, start, cut);
        if !piece.is_empty() {
            out.push(piece);
        }
        start = cut;
        while start < range.end && b[start].is_ascii_whitespace() {
            start += 1;
        }
    }
    if start < range.end {
        out.push(start..range.end);
    }
}

fn trim_end(text: &str, start: usize, mut end: usize) -> usize {
    let b = text.as_bytes();
    while end > start && b[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

/// A window of at most `max` bytes of `piece` around the fact at `s..e`, cut at
/// word boundaries: what a fact carries as its sentence when the sentence was too
/// long to carry whole. The fact itself is always inside, however long it is.
pub fn fact_window(
    text: &str,
    piece: Range<usize>,
    s: usize,
    e: usize,
    max: usize,
) -> Range<usize> {
    if piece.len() <= max {
        return piece;
    }
    let b = text.as_bytes();
    let spare = max.saturating_sub(e - s);
    let mut ws = s.saturating_sub(spare / 2).max(piece.start);
    let mut we = (ws + max).max(e).min(piece.end);
    // Give unused room on the right back to the left.
    if we == piece.end {
        ws = we.saturating_sub(max).min(s).max(piece.start);
    }
    while !text.is_char_boundary(ws) {
        ws += 1;
    }
    while !text.is_char_boundary(we) {
        we -= 1;
    }
    // Whole words: start after a space, end before one (never inside the fact).
    if ws > piece.start && !b[ws - 1].is_ascii_whitespace() {
        if let Some(k) = b[ws..s].iter().position(u8::is_ascii_whitespace) {
            ws += k + 1;
        } else {
            ws = s;
        }
    }
    if we < piece.end && !b[we].is_ascii_whitespace() {
        if let Some(k) = b[e..we].iter().rposition(u8::is_ascii_whitespace) {
            we = e + k;
        } else {
            we = e;
        }
    }
    while ws < s && b[ws].is_ascii_whitespace() {
        ws += 1;
    }
    ws..trim_end(text, e, we)
}

/// Whether `s..e` overlaps a range of `sorted`, ranges that are sorted by start and do
/// not overlap each other (URLs found left to right): a binary search, not a scan.
pub fn overlaps(sorted: &[(usize, usize)], s: usize, e: usize) -> bool {
    let k = sorted.partition_point(|b| b.1 <= s);
    sorted.get(k).is_some_and(|b| b.0 < e)
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tk {
    /// ASCII digits, optionally with `,ddd` groups and a `.d+` decimal part.
    Num,
    /// A run of letters (any script).
    Word,
    /// Any other single non-space character.
    Punct,
}

/// One token: byte range into the text, its kind, and whether white space precedes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Start byte offset.
    pub s: usize,
    /// End byte offset (exclusive).
    pub e: usize,
    /// Token kind.
    pub kind: Tk,
    /// Whether white space (or the start of the range) comes right before it.
    pub space: bool,
}

/// Tokenizes `text[range]`, appending to `out` (offsets are into `text`).
pub fn tokenize(text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let b = text.as_bytes();
    let mut i = start;
    let mut space = true;
    while i < end {
        let c = b[i];
        if c.is_ascii_whitespace() {
            space = true;
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let s = i;
            i += 1;
            while i < end && b[i].is_ascii_digit() {
                i += 1;
            }
            // Thousands groups: ",ddd" not followed by another digit.
            while i + 3 < end
                && b[i] == b','
                && b[i + 1..i + 4].iter().all(u8::is_ascii_digit)
                && !(i + 4 < end && b[i + 4].is_ascii_digit())
            {
                i += 4;
            }
            // Decimal part: ".d" (but not "2026.02.06", handled as a date elsewhere).
            if i + 1 < end && b[i] == b'.' && b[i + 1].is_ascii_digit() {
                i += 2;
                while i < end && b[i].is_ascii_digit() {
                    i += 1;
                }
            }
            out.push(Token {
                s,
                e: i,
                kind: Tk::Num,
                space,
            });
            space = false;
            continue;
        }
        let ch = match text[i..end].chars().next() {
            Some(ch) => ch,
            None => break,
        };
        if ch.is_alphabetic() {
            let s = i;
            i += ch.len_utf8();
            while i < end {
                let Some(d) = text[i..end].chars().next() else {
                    break;
                };
                if d.is_alphabetic() {
                    i += d.len_utf8();
                } else {
                    break;
                }
            }
            out.push(Token {
                s,
                e: i,
                kind: Tk::Word,
                space,
            });
        } else if ch.is_whitespace() {
            i += ch.len_utf8();
            space = true;
            continue;
        } else {
            out.push(Token {
                s: i,
                e: i + ch.len_utf8(),
                kind: Tk::Punct,
                space,
            });
            i += ch.len_utf8();
        }
        space = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(t: &str) -> Vec<(&str, Tk, bool)> {
        let mut v = Vec::new();
        tokenize(t, 0, t.len(), &mut v);
        v.iter().map(|k| (&t[k.s..k.e], k.kind, k.space)).collect()
    }

    #[test]
    fn numbers_words_and_glue() {
        assert_eq!(
            toks("$1,234.5bn AWS’s 16,000"),
            vec![
                ("$", Tk::Punct, true),
                ("1,234.5", Tk::Num, false),
                ("bn", Tk::Word, false),
                ("AWS", Tk::Word, true),
                ("’", Tk::Punct, false),
                ("s", Tk::Word, false),
                ("16,000", Tk::Num, true),
            ]
        );
        assert_eq!(
            toks("Trainium3 1,23 12,3456"),
            vec![
                ("Trainium", Tk::Word, true),
                ("3", Tk::Num, false),
                ("1", Tk::Num, true),
                (",", Tk::Punct, false),
                ("23", Tk::Num, false),
                ("12", Tk::Num, true),
                (",", Tk::Punct, false),
                ("3456", Tk::Num, false),
            ]
        );
        assert_eq!(
            toks("end 5."),
            vec![
                ("end", Tk::Word, true),
                ("5", Tk::Num, true),
                (".", Tk::Punct, false)
            ]
        );
        assert_eq!(toks("é €5")[1], ("€", Tk::Punct, true));
    }

    #[test]
    fn long_sentences_are_cut_at_clauses_and_pieces_are_bounded() {
        let clause = "revenue rose 12% to $3.4 billion, and ";
        let text = clause.repeat(100);
        let text = text.trim_end();
        let mut out = Vec::new();
        bounded_pieces(text, 0..text.len(), 200, &mut out);
        assert!(out.len() > 1);
        for r in &out {
            assert!(r.len() <= 200, "{r:?}");
            // Each cut falls after a clause mark, so pieces start with a clause.
            assert!(text[r.clone()].starts_with("revenue") || text[r.clone()].starts_with("and"));
        }
        // Nothing lost but the white space at the cuts.
        let joined: String = out
            .iter()
            .map(|r| &text[r.clone()])
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(joined, text);
        // A sentence that fits is one piece; no spaces at all still cuts at char edges.
        out.clear();
        bounded_pieces("short one", 0..9, 200, &mut out);
        assert_eq!(out, vec![0..9]);
        let dense = "€".repeat(100);
        out.clear();
        bounded_pieces(&dense, 0..dense.len(), 50, &mut out);
        assert!(
            out.iter()
                .all(|r| r.len() <= 50 && dense.is_char_boundary(r.start))
        );
        assert_eq!(out.iter().map(|r| r.len()).sum::<usize>(), dense.len());
    }

    #[test]
    fn a_fact_window_holds_the_fact_in_whole_words() {
        let text = "alpha beta gamma delta $3.4 billion epsilon zeta eta theta";
        let s = text.find('$').unwrap();
        let e = s + "$3.4 billion".len();
        let w = &text[fact_window(text, 0..text.len(), s, e, 30)];
        assert!(w.len() <= 30 && w.contains("$3.4 billion"), "{w}");
        assert!(text.split(' ').any(|x| w.starts_with(x)), "{w}");
        assert!(!w.starts_with(' ') && !w.ends_with(' '));
        // A short piece is carried whole; a fact longer than the window is the window.
        assert_eq!(fact_window(text, 0..10, 0, 5, 30), 0..10);
        assert_eq!(fact_window(text, 0..text.len(), s, e, 5), s..e);
        // At the piece's end the room goes to the left.
        let end = text.len();
        let w = fact_window(text, 0..end, end - 5, end, 20);
        assert!(w.len() > 10, "{w:?}");
    }

    #[test]
    fn overlaps_finds_any_intersecting_range() {
        let r = [(0, 5), (10, 20), (30, 31)];
        assert!(overlaps(&r, 4, 6));
        assert!(overlaps(&r, 15, 16));
        assert!(!overlaps(&r, 5, 10));
        assert!(!overlaps(&r, 21, 30));
        assert!(overlaps(&r, 25, 40));
        assert!(!overlaps(&[], 0, 1));
    }
}
