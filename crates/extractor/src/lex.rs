//! A small tokenizer: numbers, words and single punctuation marks, with byte offsets.
//!
//! Every fact and entity pattern in this crate works on these tokens rather than on
//! raw characters, so that "22bn", "AWS’s", "fourth-quarter" and "$1.2" are seen as
//! the same pieces however they are spaced. Numbers keep thousands separators and a
//! decimal part (`16,000`, `35.6`); letters glued to digits stay separate tokens with
//! `space == false`, which is how model names (`Trainium3`, `96xlarge`) are told apart
//! from amounts.

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
}
