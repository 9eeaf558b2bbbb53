//! Bytes to text: input-kind sniffing and character decoding.
//!
//! [`decode`] chooses the encoding in this order, the same as a browser:
//!
//! 1. a byte-order mark (UTF-8, UTF-16LE/BE);
//! 2. the `charset` parameter of the HTTP `Content-Type` header;
//! 3. `<meta charset>` or `<meta http-equiv="Content-Type" content="...; charset=...">`
//!    in the first [`META_PRESCAN_BYTES`] bytes. One exception, because a mislabelled
//!    page is far more common than a legacy-encoded page that happens to be valid
//!    UTF-8: when the bytes are valid UTF-8 and contain non-ASCII, UTF-8 beats a meta
//!    declaration;
//! 4. otherwise UTF-8 when the bytes are valid UTF-8, or are UTF-8 with a few bad
//!    bytes ([`utf8_with_errors`]: the bad bytes become U+FFFD rather than turning
//!    the whole page into a wrong legacy guess such as `яю`), else `chardetng`'s
//!    guess.
//!
//! Decoding is lossy: malformed sequences become U+FFFD, so it never fails.
//!
//! [`is_text`] then tells a text document from random bytes or a program binary
//! (NUL characters, or a high share of control or replacement characters).

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::InputKind;

/// How far into the page `<meta charset>` is looked for (the HTML standard says 1024;
/// real pages often declare it later, after long comments or scripts).
pub const META_PRESCAN_BYTES: usize = 8192;

/// How many bytes `chardetng` sees when guessing: enough for a confident guess,
/// bounded for very large inputs.
const DETECT_BYTES: usize = 64 * 1024;

/// How many bytes [`sniff`] looks at.
pub const SNIFF_BYTES: usize = 4096;

/// Guesses whether `bytes` are an HTML document or plain text, from the first
/// [`SNIFF_BYTES`] bytes.
///
/// HTML is recognised by a leading doctype, `<html>`, `<head>`, `<body>` or comment, or
/// by several common tags near the start (for fragments).
///
/// ```
/// use factwire_reader::{sniff, InputKind};
/// assert_eq!(sniff(b"<!DOCTYPE html><p>x"), InputKind::Html);
/// assert_eq!(sniff(b"AWS grew 24% in Q4 <3"), InputKind::Text);
/// ```
pub fn sniff(bytes: &[u8]) -> InputKind {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let (text, _) = decode_with(head, bom_encoding(head).unwrap_or(UTF_8));
    let lower = text.trim_start().to_ascii_lowercase();
    const STARTS: &[&str] = &["<!doctype html", "<html", "<head", "<body", "<!--", "<?xml"];
    if STARTS.iter().any(|s| lower.starts_with(s)) {
        return InputKind::Html;
    }
    const TAGS: &[&str] = &[
        "<p>", "<p ", "<div", "<br", "<a href", "<span", "<meta", "<title", "<h1", "<h2", "<table",
        "<ul", "<li>", "<script", "<article", "</p>", "</div>",
    ];
    let hits: usize = TAGS.iter().map(|t| lower.matches(t).count()).sum();
    if hits >= 2 || (lower.starts_with('<') && hits >= 1) {
        InputKind::Html
    } else {
        InputKind::Text
    }
}

/// Decodes `bytes` to a string, choosing the encoding as the module doc describes.
/// `content_type` is the HTTP `Content-Type` header value, if any.
///
/// ```
/// use factwire_reader::decode;
/// // ISO-8859-1 / windows-1252 "café" declared in the header.
/// assert_eq!(decode(b"caf\xe9", Some("text/html; charset=ISO-8859-1")), "café");
/// // UTF-8 BOM wins over everything.
/// assert_eq!(decode(b"\xef\xbb\xbfcaf\xc3\xa9", Some("text/html; charset=latin1")), "café");
/// ```
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    let enc = choose_encoding(bytes, content_type);
    decode_with(bytes, enc).0
}

/// The encoding [`decode`] would use.
pub fn choose_encoding(bytes: &[u8], content_type: Option<&str>) -> &'static Encoding {
    if let Some(enc) = bom_encoding(bytes) {
        return enc;
    }
    if let Some(enc) = content_type.and_then(header_charset) {
        return enc;
    }
    let valid_utf8 = std::str::from_utf8(bytes).is_ok();
    if let Some(enc) = meta_charset(&bytes[..bytes.len().min(META_PRESCAN_BYTES)]) {
        let non_ascii = !bytes.is_ascii();
        if enc != UTF_8 && valid_utf8 && non_ascii {
            return UTF_8;
        }
        return enc;
    }
    if valid_utf8 || utf8_with_errors(&bytes[..bytes.len().min(DETECT_BYTES)]) {
        return UTF_8;
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    det.feed(sample, sample.len() == bytes.len());
    det.guess(None, chardetng::Utf8Detection::Allow)
}

/// Fewer non-ASCII bytes than this are little evidence for a legacy-encoding guess
/// (see [`too_little_to_guess`]).
const MIN_GUESS_EVIDENCE: usize = 8;

/// Whether bytes that are not valid UTF-8 are still best read as UTF-8, with the
/// malformed sequences becoming U+FFFD: either they hold well-formed multi-byte
/// sequences at least twice as often as malformed ones (a UTF-8 page with a damaged
/// spot; legacy-encoded text almost never forms valid UTF-8 sequences by chance), or
/// they hold too few non-ASCII bytes, in the wrong places, for a guess to rest on.
fn utf8_with_errors(bytes: &[u8]) -> bool {
    let (mut good, mut bad, mut rest) = (0usize, 0usize, bytes);
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                good += multibyte_chars(s);
                break;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                // `valid` is valid UTF-8 by construction.
                good += std::str::from_utf8(valid).map_or(0, multibyte_chars);
                bad += 1;
                match e.error_len() {
                    Some(len) => rest = &after[len..],
                    None => break, // cut inside a character at the end
                }
            }
        }
    }
    bad * 2 <= good || too_little_to_guess(bytes)
}

/// A few non-ASCII bytes ([`MIN_GUESS_EVIDENCE`]) support a legacy guess only when
/// each sits next to an ASCII letter or digit, as the accented letters, curly quotes
/// and currency signs of a short windows-1252 text do (`Caf\xe9`, `\x805`); stray
/// bytes on their own (`rose \xff\xfe 24%`) are damage, not an encoding.
fn too_little_to_guess(bytes: &[u8]) -> bool {
    let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count();
    if non_ascii >= MIN_GUESS_EVIDENCE {
        return false;
    }
    let alnum = |i: Option<usize>| {
        i.and_then(|i| bytes.get(i))
            .is_some_and(u8::is_ascii_alphanumeric)
    };
    !bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.is_ascii())
        .all(|(i, _)| alnum(i.checked_sub(1)) || alnum(Some(i + 1)))
}

fn multibyte_chars(s: &str) -> usize {
    s.chars().filter(|c| !c.is_ascii()).count()
}

/// How many characters [`is_text`] looks at.
const TEXT_CHECK_CHARS: usize = 64 * 1024;

/// At most this share of the checked non-whitespace characters may be control or
/// replacement characters in a text document.
const MAX_BAD_SHARE: f32 = 0.10;

/// Whether decoded input is a text document (HTML or plain text) rather than random
/// bytes or a program binary. Within the first 65,536 characters, a
/// NUL character means binary (as `git` and `file` decide; UTF-16 with a byte-order
/// mark was decoded before and has none), and so does a share above
/// 10% of control characters (other than tab, line feed, form feed and
/// carriage return) and U+FFFD replacement characters among the non-whitespace ones.
///
/// ```
/// use factwire_reader::is_text;
/// assert!(is_text("<p>Revenue rose 24%.</p>"));
/// assert!(is_text(""));
/// assert!(!is_text("ELF\u{2}\u{1}\u{1}\0\0\0"));
/// assert!(!is_text("\u{fffd}\u{fffd}x\u{fffd}\u{1b}\u{fffd}"));
/// ```
pub fn is_text(decoded: &str) -> bool {
    let (mut seen, mut bad) = (0usize, 0usize);
    for c in decoded.chars().take(TEXT_CHECK_CHARS) {
        if c == '\0' {
            return false;
        }
        if c.is_whitespace() {
            continue;
        }
        seen += 1;
        if c == '\u{fffd}' || c.is_control() {
            bad += 1;
        }
    }
    bad as f32 <= MAX_BAD_SHARE * seen as f32
}

fn decode_with(bytes: &[u8], enc: &'static Encoding) -> (String, bool) {
    let (text, _, had_errors) = enc.decode(bytes);
    (text.into_owned(), had_errors)
}

fn bom_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    Encoding::for_bom(bytes).map(|(enc, _)| enc)
}

/// The encoding named by the `charset` parameter of a `Content-Type` value.
fn header_charset(content_type: &str) -> Option<&'static Encoding> {
    let lower = content_type.to_ascii_lowercase();
    let pos = lower.find("charset")?;
    let rest = lower[pos + "charset".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let value: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| !matches!(c, ';' | '"' | '\'' | ' ' | ',' | '>' | '/'))
        .collect();
    Encoding::for_label(value.as_bytes())
}

/// Finds a charset declared in a `<meta>` tag within `head`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(off) = find(&lower[from..], b"<meta") {
        let start = from + off;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |p| start + p);
        let tag = String::from_utf8_lossy(&lower[start..end]);
        if tag.contains("charset")
            && let Some(enc) = header_charset(&tag)
        {
            // A page cannot declare itself UTF-16 in ASCII-compatible bytes.
            if enc == UTF_16LE || enc == UTF_16BE {
                return Some(UTF_8);
            }
            return Some(enc);
        }
        from = end.max(start + 5);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_beats_meta() {
        let page = b"<meta charset=utf-8><p>caf\xe9";
        assert_eq!(
            choose_encoding(page, Some("text/html;charset=windows-1252")),
            encoding_rs::WINDOWS_1252
        );
    }

    #[test]
    fn meta_charset_forms() {
        let a = b"<html><head><meta charset=\"windows-1251\"></head><p>\xcf\xf0\xe8";
        assert_eq!(choose_encoding(a, None), encoding_rs::WINDOWS_1251);
        let b = b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=Shift_JIS'>";
        assert_eq!(choose_encoding(b, None), encoding_rs::SHIFT_JIS);
    }

    #[test]
    fn valid_utf8_beats_wrong_meta() {
        let page = "<meta charset=iso-8859-1><p>Жить</p>".as_bytes();
        assert_eq!(decode(page, None), "<meta charset=iso-8859-1><p>Жить</p>");
    }

    #[test]
    fn utf16_bom() {
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("hé".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&bytes, None), "hé");
    }

    #[test]
    fn undeclared_legacy_is_detected() {
        // Russian in windows-1251 with no declaration.
        let (bytes, _, _) = encoding_rs::WINDOWS_1251
            .encode("Облачные сервисы компании выросли на двадцать процентов за квартал.");
        let text = decode(&bytes, None);
        assert!(text.contains("Облачные"), "{text}");
    }

    #[test]
    fn bad_bytes_in_utf8_become_replacement_characters() {
        // ASCII with two stray bytes: too little to guess a legacy encoding from.
        assert_eq!(
            decode(b"Revenue \xff\xfe rose.", None),
            "Revenue \u{fffd}\u{fffd} rose."
        );
        // A UTF-8 page with one damaged byte stays UTF-8.
        let mut page = "<p>Überschuss: 5 € — Café Zürich, Straße, Größe, süß.</p>"
            .as_bytes()
            .to_vec();
        page.insert(10, 0xE9);
        let text = decode(&page, None);
        assert!(
            text.contains('\u{fffd}') && text.contains("Straße"),
            "{text}"
        );
    }

    #[test]
    fn a_short_legacy_text_is_still_guessed() {
        let text = decode(b"Caf\xe9 \x93quoted\x94 costs \x805", None);
        assert_eq!(text, "Caf\u{e9} \u{201c}quoted\u{201d} costs \u{20ac}5");
    }

    #[test]
    fn binary_is_not_text() {
        assert!(is_text(
            "<html><body><p>Plain words, tabs\tand\r\nbreaks.</p>"
        ));
        assert!(!is_text("MZ\u{90}\0\u{3}\0\0\0"));
        // Random bytes, whatever they decode as.
        let mut x: u32 = 0x1234_5678;
        let bytes: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x.to_le_bytes()[0]
            })
            .collect();
        assert!(!is_text(&decode(&bytes, None)));
        assert!(!is_text(&decode(&bytes, Some("text/html; charset=utf-8"))));
        // A page mostly of replacement characters (declared UTF-8, bytes are not).
        let junk: String = "\u{fffd}\u{fffd}a".repeat(50);
        assert!(!is_text(&junk));
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"   <html><body>x"), InputKind::Html);
        assert_eq!(sniff(b"Hello <b>bold</b> and <p>para</p>"), InputKind::Html);
        assert_eq!(sniff(b"Plain text.\n\nSecond para."), InputKind::Text);
        assert_eq!(sniff(b""), InputKind::Text);
    }
}
