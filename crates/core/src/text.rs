//! Text plumbing shared by the analysers: whitespace normalisation, sentence
//! segmentation and byte↔char offset maps.
//!
//! Offsets in the contract are counted in Unicode scalar values (chars); Rust slices
//! strings by bytes. Analysers work in bytes and convert at the edge with
//! [`CharIndex`], which is free for ASCII text.

use std::ops::Range;

/// Normalises plain text the way `factwire extract --text` promises: paragraphs
/// separated by one blank line, runs of spaces and tabs inside a paragraph folded to
/// one space, no leading or trailing space.
///
/// Blank lines separate paragraphs. Inside a block of consecutive lines, the lines are
/// folded into one paragraph when they look hard-wrapped (all but the last at most 100
/// chars and mostly not ending a sentence); otherwise every line is a paragraph of its
/// own, as in text copied from a web page where headings sit on their own line.
///
/// ```
/// use factwire_core::text::normalize_text;
/// assert_eq!(normalize_text("  a\tb \n\n\n c\nd "), "a b\n\nc\n\nd");
/// assert_eq!(normalize_text("Title\nBody  one.\n"), "Title\n\nBody one.");
/// ```
pub fn normalize_text(input: &str) -> String {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut paragraphs: Vec<String> = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    for line in input.lines().chain(std::iter::once("")) {
        if !line.trim().is_empty() {
            block.push(line);
            continue;
        }
        if block.is_empty() {
            continue;
        }
        if is_hard_wrapped(&block) {
            let mut p = String::new();
            for l in &block {
                if !p.is_empty() {
                    p.push(' ');
                }
                push_folded(&mut p, l);
            }
            paragraphs.push(p);
        } else {
            for l in &block {
                paragraphs.push(fold_whitespace(l));
            }
        }
        block.clear();
    }
    paragraphs.retain(|p| !p.is_empty());
    paragraphs.join("\n\n")
}

/// Longest line (in chars) that still looks like hard wrapping rather than a
/// paragraph of its own.
const WRAP_WIDTH: usize = 100;

/// Whether a block of consecutive non-blank lines is one paragraph wrapped at a fixed
/// width (every line but the last short) rather than one paragraph per line (headings
/// and long single-line paragraphs, as text copied from a web page has).
fn is_hard_wrapped(block: &[&str]) -> bool {
    if block.len() < 2 {
        return false;
    }
    let body = &block[..block.len() - 1];
    let lens: Vec<usize> = body.iter().map(|l| l.trim().chars().count()).collect();
    let max = lens.iter().copied().max().unwrap_or(0);
    // Wrapped lines are short but not tiny, and most do not end a sentence.
    let open_ended = body
        .iter()
        .filter(|l| !l.trim_end().ends_with(['.', '!', '?', ':', '"', '”']))
        .count();
    max <= WRAP_WIDTH
        && lens.iter().filter(|&&n| n >= 30).count() * 2 >= lens.len()
        && open_ended * 2 >= body.len()
}

/// Appends `s` to `out` with every run of whitespace folded to one space and the
/// ends trimmed. Control characters other than whitespace are dropped.
pub fn push_folded(out: &mut String, s: &str) {
    let mut pending_space = false;
    for c in s.trim().chars() {
        if c.is_whitespace() {
            pending_space = true;
        } else if c.is_control() || c == '\u{200b}' || c == '\u{feff}' {
            continue;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
}

/// Folds whitespace inside one line of text (no paragraph structure).
pub fn fold_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_folded(&mut out, s);
    out
}

/// Paragraphs of normalised text, as byte ranges (separated by blank lines).
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices("\n\n") {
        if i > start {
            out.push(start..i);
        }
        start = i + 2;
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out.into_iter()
        .map(|r| trim_range(text, r))
        .filter(|r| !r.is_empty())
        .collect()
}

fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    (r.start + lead)..(r.end - trail).max(r.start + lead)
}

/// Abbreviations after which a full stop never ends a sentence.
const NEVER_FINAL: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "st", "vs",
    "v", "e.g", "i.e", "cf", "etc.,", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "no", "nos", "approx", "est", "fig", "figs", "vol", "ca", "jr",
    "sr", "mt", "ft", "op", "pp", "ch", "sec", "art", "para",
];

/// Abbreviations that may end a sentence, but usually do not: a break is made only
/// when the next word is a common sentence opener.
const MAYBE_FINAL: &[&str] = &[
    "u.s", "u.k", "u.n", "e.u", "inc", "corp", "co", "cos", "ltd", "plc", "llc", "pty", "bros",
    "a.m", "p.m", "etc", "n.v", "s.a", "ag", "d.c", "intl", "u.s.a", "e.t", "p.t",
];

/// Words that, after an ambiguous abbreviation, show a new sentence has begun.
const OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "It",
    "Its",
    "In",
    "This",
    "That",
    "These",
    "Those",
    "But",
    "And",
    "He",
    "She",
    "They",
    "We",
    "I",
    "As",
    "At",
    "On",
    "For",
    "If",
    "When",
    "While",
    "However",
    "Meanwhile",
    "Shares",
    "According",
    "There",
    "Analysts",
    "Still",
    "Yet",
    "Also",
    "After",
    "Before",
    "So",
    "Some",
    "Many",
    "Most",
    "His",
    "Her",
    "Their",
    "Our",
    "Now",
    "Then",
    "Both",
    "Each",
    "Other",
    "Last",
    "Next",
    "Earlier",
    "Later",
    "Today",
    "Separately",
    "Despite",
    "Although",
    "Because",
    "Since",
    "During",
    "Under",
    "With",
    "Without",
    "From",
    "By",
    "What",
    "Why",
    "How",
    "Who",
    "Investors",
    "Officials",
    "Overall",
];

/// Splits normalised text into sentences, returned as byte ranges into `text`.
///
/// A paragraph break always ends a sentence, so headings and bullet lines without a
/// full stop stand alone. Inside a paragraph, a sentence ends at `.`, `!`, `?` or `…`
/// (with any closing quotes or brackets) followed by white space and a word that can
/// open a sentence. Decimals (`35.6`), initials (`J. Smith`), abbreviations (`Jan. 28`,
/// `vs.`) and corporate suffixes followed by a name (`Amazon.com Inc. said`) do not end
/// a sentence.
///
/// ```
/// use factwire_core::text::sentences;
/// let t = "AWS grew 24% to $35.6 billion. Amazon.com Inc. said so on Jan. 28. The U.S. unit rose.";
/// let s: Vec<&str> = sentences(t).into_iter().map(|r| &t[r]).collect();
/// assert_eq!(s, ["AWS grew 24% to $35.6 billion.", "Amazon.com Inc. said so on Jan. 28.", "The U.S. unit rose."]);
/// ```
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for para in paragraphs(text) {
        for item in list_items(text, para) {
            split_paragraph(text, item, &mut out);
        }
    }
    out
}

/// Characters that mark a bullet wherever they stand.
const BULLETS: &[char] = &['•', '▪', '●', '◦', '‣', '■', '►'];

/// Splits a paragraph that is really a list into its items.
///
/// Bullet characters (`•`) start an item wherever they appear. A paragraph that
/// opens with a dash or asterisk bullet (`- `, `* `, `– `) is a list folded onto one
/// line, so the same marker after a space starts the next item. A paragraph that
/// opens with `1.` or `1)` is a numbered list: ` 2. `, ` 3. `, ... start items, in
/// order. Anything else is one item.
fn list_items(text: &str, para: Range<usize>) -> Vec<Range<usize>> {
    let p = &text[para.clone()];
    let mut cuts: Vec<usize> = Vec::new();
    for (i, c) in p.char_indices() {
        if i > 0 && BULLETS.contains(&c) && p[..i].ends_with(char::is_whitespace) {
            cuts.push(i);
        }
    }
    for marker in ["- ", "* ", "– ", "— "] {
        if p.starts_with(marker) {
            let spaced = format!(" {marker}");
            cuts.extend(p.match_indices(&spaced).map(|(i, _)| i + 1));
        }
    }
    let numbered = ["1. ", "1) "]
        .into_iter()
        .find(|m| p.starts_with(m))
        .map(|m| &m[1..]);
    if let Some(tail) = numbered {
        let mut next = 2;
        let mut from = 0;
        loop {
            let needle = format!(" {next}{tail}");
            match p[from..].find(&needle) {
                Some(i) => {
                    cuts.push(from + i + 1);
                    from += i + needle.len();
                    next += 1;
                }
                None => break,
            }
        }
    }
    if cuts.is_empty() {
        return vec![para];
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts.into_iter().chain(std::iter::once(p.len())) {
        let r = trim_range(text, (para.start + start)..(para.start + cut));
        if !r.is_empty() {
            out.push(r);
        }
        start = cut;
    }
    out
}

fn split_paragraph(text: &str, para: Range<usize>, out: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut start = para.start;
    let mut i = para.start;
    while i < para.end {
        let c = match text[i..].chars().next() {
            Some(c) => c,
            None => break,
        };
        let clen = c.len_utf8();
        if matches!(c, '.' | '!' | '?' | '…') {
            // Swallow repeated terminators and closing quotes/brackets.
            let mut j = i + clen;
            while j < para.end {
                let d = text[j..].chars().next().unwrap_or(' ');
                if matches!(
                    d,
                    '.' | '!' | '?' | '…' | '"' | '\'' | '”' | '’' | ')' | ']' | '»'
                ) {
                    j += d.len_utf8();
                } else {
                    break;
                }
            }
            if j >= para.end {
                break;
            }
            let next_is_space = text[j..].chars().next().is_some_and(char::is_whitespace);
            if next_is_space && is_boundary(text, start, i, c, j, para.end) {
                out.push(trim_range(text, start..j));
                let mut k = j;
                while k < para.end && bytes[k].is_ascii_whitespace() {
                    k += 1;
                }
                start = k;
                i = k;
                continue;
            }
            i = j;
            continue;
        }
        i += clen;
    }
    if start < para.end {
        let r = trim_range(text, start..para.end);
        if !r.is_empty() {
            out.push(r);
        }
    }
}

fn is_boundary(text: &str, start: usize, term: usize, c: char, after: usize, end: usize) -> bool {
    let rest = text[after..end].trim_start();
    let next_word: &str = rest
        .split(|ch: char| ch.is_whitespace())
        .next()
        .unwrap_or("");
    let first = next_word.chars().next();
    // Brand names that start in lower case (`eBay`, `iPhone`) open sentences too.
    let camel =
        first.is_some_and(char::is_lowercase) && next_word.chars().skip(1).any(char::is_uppercase);
    let opens = camel
        || match first {
            Some(f) => {
                f.is_uppercase()
                    || f.is_ascii_digit()
                    || matches!(
                        f,
                        '"' | '“'
                            | '‘'
                            | '\''
                            | '('
                            | '['
                            | '$'
                            | '€'
                            | '£'
                            | '¥'
                            | '—'
                            | '-'
                            | '•'
                    )
                    || !f.is_alphabetic()
                    || (!f.is_lowercase() && !f.is_uppercase())
            }
            None => false,
        };
    if !opens {
        return false;
    }
    if c != '.' {
        return true;
    }
    // The word carrying the full stop.
    let before = &text[start..term];
    // A list number opening the sentence ("1. Revenue up").
    let lead = before.trim();
    if (1..=2).contains(&lead.len()) && lead.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let word = before
        .rsplit(|ch: char| ch.is_whitespace() || matches!(ch, '(' | '"' | '“' | '['))
        .next()
        .unwrap_or("");
    let lower = word.to_lowercase();
    if lower.is_empty() {
        return true;
    }
    // A single letter (an initial), unless it is a lone capital "I".
    let letters: Vec<char> = word.chars().collect();
    if letters.len() == 1 && letters[0].is_alphabetic() && letters[0] != 'I' {
        return false;
    }
    if NEVER_FINAL.contains(&lower.as_str()) {
        // "No. 1", "Jan. 28", "Mr. Smith".
        return false;
    }
    if MAYBE_FINAL.contains(&lower.as_str()) {
        let w = next_word.trim_matches(|ch: char| !ch.is_alphanumeric());
        return OPENERS.contains(&w);
    }
    true
}

/// Converts byte offsets of one string to char (Unicode scalar value) offsets.
///
/// ```
/// use factwire_core::text::CharIndex;
/// let s = "€5 and $3";
/// let idx = CharIndex::new(s);
/// assert_eq!(idx.char_of(s.find('$').unwrap()), 7);
/// ```
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// For non-ASCII text: the char offset of every byte offset (len + 1 entries).
    map: Option<Vec<u32>>,
}

impl CharIndex {
    /// Builds the map for `text` (no allocation when `text` is ASCII).
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharIndex { map: None };
        }
        let mut map = vec![0u32; text.len() + 1];
        let mut count = 0u32;
        for (b, ch) in text.char_indices() {
            for slot in &mut map[b..b + ch.len_utf8()] {
                *slot = count;
            }
            count += 1;
        }
        map[text.len()] = count;
        CharIndex { map: Some(map) }
    }

    /// The char offset of byte offset `byte` (which should be on a char boundary).
    pub fn char_of(&self, byte: usize) -> usize {
        match &self.map {
            None => byte,
            Some(m) => m
                .get(byte)
                .copied()
                .map_or(m.len().saturating_sub(1), |v| v as usize),
        }
    }
}

/// Slices `text` by char offsets `start..end`, as the contract's offsets mean.
pub fn char_slice(text: &str, start: usize, end: usize) -> &str {
    let mut it = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()));
    let b0 = it.nth(start).unwrap_or(text.len());
    let b1 = if end >= start {
        it.nth(end - start - 1).unwrap_or(text.len())
    } else {
        b0
    };
    if end == start {
        ""
    } else {
        &text[b0..b1.max(b0)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn split(t: &str) -> Vec<&str> {
        sentences(t).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn hard_wrapped_blocks_fold_and_long_lines_stand_alone() {
        let wrapped = "Amazon said on Thursday that revenue at its cloud unit\nrose 24% in the fourth quarter, the fastest pace in\nthirteen quarters.\n\nNext.";
        assert_eq!(
            normalize_text(wrapped),
            "Amazon said on Thursday that revenue at its cloud unit rose 24% in the fourth quarter, the fastest pace in thirteen quarters.\n\nNext."
        );
        let long = "x ".repeat(80);
        let web = format!("A Heading Here\n{long}\nAnother Heading\n{long}\n\nLeave a Reply");
        assert_eq!(normalize_text(&web).split("\n\n").count(), 5);
    }

    #[test]
    fn paragraphs_and_headings_stand_alone() {
        let t = normalize_text("Heading without stop\nBody one. Body two.\n");
        assert_eq!(
            split(&t),
            ["Heading without stop", "Body one.", "Body two."]
        );
    }

    #[test]
    fn abbreviations_and_decimals_do_not_split() {
        assert_eq!(
            split("Revenue was $35.6 bn. Shares rose."),
            ["Revenue was $35.6 bn.", "Shares rose."]
        );
        assert_eq!(
            split("It beat rivals vs. last year. OK."),
            ["It beat rivals vs. last year.", "OK."]
        );
        assert_eq!(
            split("Jane Q. Public spoke. Then left."),
            ["Jane Q. Public spoke.", "Then left."]
        );
        assert_eq!(
            split("Sales in the U.S. rose 5%."),
            ["Sales in the U.S. rose 5%."]
        );
        assert_eq!(
            split("He said “we grew.” Then he left."),
            ["He said “we grew.”", "Then he left."]
        );
        assert_eq!(split("Really? Yes!"), ["Really?", "Yes!"]);
    }

    #[test]
    fn news_abbreviations_hold_together() {
        assert_eq!(
            split(
                "Amazon.com Inc. reported $35.6 bn. on Jan. 28. The U.S. company beat estimates."
            ),
            [
                "Amazon.com Inc. reported $35.6 bn. on Jan. 28.",
                "The U.S. company beat estimates."
            ]
        );
        assert_eq!(
            split(
                "Microsoft Corp. and Alphabet Inc. reported. Nvidia Corp. CEO Jensen Huang spoke."
            ),
            [
                "Microsoft Corp. and Alphabet Inc. reported.",
                "Nvidia Corp. CEO Jensen Huang spoke."
            ]
        );
        assert_eq!(
            split("Shares closed at $12.50 on Friday. It is No. 1 in Europe. Growth was 3.5%."),
            [
                "Shares closed at $12.50 on Friday.",
                "It is No. 1 in Europe.",
                "Growth was 3.5%."
            ]
        );
        assert_eq!(
            split("Apple Inc. The company grew. Mr. Jones left at 5 p.m. Friday. Then he rested."),
            [
                "Apple Inc.",
                "The company grew.",
                "Mr. Jones left at 5 p.m. Friday.",
                "Then he rested."
            ]
        );
    }

    #[test]
    fn quotes_and_brackets_close_sentences() {
        assert_eq!(
            split(
                "Sales rose (see chart.) Profits fell [1]. \"Why now?\" he asked. \"We agree.\" Done."
            ),
            [
                "Sales rose (see chart.)",
                "Profits fell [1].",
                "\"Why now?\" he asked.",
                "\"We agree.\"",
                "Done."
            ]
        );
        assert_eq!(
            split("The firm (known as AWS.) grew. It said “the outlook is fine.” eBay fell."),
            [
                "The firm (known as AWS.) grew.",
                "It said “the outlook is fine.”",
                "eBay fell."
            ]
        );
    }

    #[test]
    fn folded_lists_split_into_items() {
        let t = normalize_text("Key points\n\n- Revenue rose 5%\n- Margins fell\n\nA - B is fine.");
        assert_eq!(
            split(&t),
            [
                "Key points",
                "- Revenue rose 5%",
                "- Margins fell",
                "A - B is fine."
            ]
        );
        assert_eq!(
            split("Highlights: • Capex grew • Backlog rose. • Churn fell"),
            [
                "Highlights:",
                "• Capex grew",
                "• Backlog rose.",
                "• Churn fell"
            ]
        );
        assert_eq!(
            split("1. Revenue up 2. Costs down 3. Margin 12.5% in 2025"),
            ["1. Revenue up", "2. Costs down", "3. Margin 12.5% in 2025"]
        );
        assert_eq!(
            split("The 2 companies merged."),
            ["The 2 companies merged."]
        );
    }

    #[test]
    fn lowercase_after_stop_continues() {
        assert_eq!(
            split("about 3 p.m. local time."),
            ["about 3 p.m. local time."]
        );
    }

    #[test]
    fn char_slice_matches_char_index() {
        let s = "Umsatz: 5 Mrd. € — AWS’s 24%";
        let idx = CharIndex::new(s);
        let b = s.find("24%").unwrap();
        let c = idx.char_of(b);
        assert_eq!(char_slice(s, c, c + 3), "24%");
    }

    proptest! {
        #[test]
        fn sentences_are_in_bounds_and_ordered(s in "\\PC{0,200}") {
            let t = normalize_text(&s);
            let mut last = 0;
            for r in sentences(&t) {
                prop_assert!(r.start >= last && r.end <= t.len() && r.start < r.end);
                prop_assert!(t.is_char_boundary(r.start) && t.is_char_boundary(r.end));
                last = r.end;
            }
        }

        #[test]
        fn char_index_roundtrips(s in "\\PC{0,100}") {
            let idx = CharIndex::new(&s);
            for (b, ch) in s.char_indices() {
                let c = idx.char_of(b);
                prop_assert_eq!(char_slice(&s, c, c + 1), ch.to_string());
            }
        }
    }
}
