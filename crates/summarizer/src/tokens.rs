//! Words for comparing sentences: lower-cased, stop words dropped, lightly stemmed.
//!
//! Sentence similarity only needs "is this the same content word?", so the stemmer
//! is a small suffix stripper (plural, `-ing`, `-ed`, `-ly`, ...) rather than a full
//! Porter stemmer: it conflates `rises`/`rise`/`rising` and `companies`/`company`,
//! and it never has to produce a real word.

/// English function words, which carry no content for similarity: the classic list
/// of the Snowball project, with contractions cut at the apostrophe as the tokenizer
/// cuts them (`isn't` is `isn`). Reporting verbs (`said`) stay content words on
/// purpose: sentences that attribute a statement are what news is made of.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "aren",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "cannot",
    "could",
    "couldn",
    "d",
    "did",
    "didn",
    "do",
    "does",
    "doesn",
    "doing",
    "don",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "hadn",
    "has",
    "hasn",
    "have",
    "haven",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "isn",
    "it",
    "its",
    "itself",
    "let",
    "ll",
    "m",
    "me",
    "more",
    "most",
    "mustn",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "re",
    "s",
    "same",
    "shan",
    "she",
    "should",
    "shouldn",
    "so",
    "some",
    "such",
    "t",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "ve",
    "very",
    "was",
    "wasn",
    "we",
    "were",
    "weren",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "with",
    "won",
    "would",
    "wouldn",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Whether `w` (lower case) is a stop word.
fn is_stop(w: &str) -> bool {
    // No stop word is longer than 10 bytes or starts with a digit: skip the search.
    if w.len() > 10 || w.as_bytes().first().is_none_or(u8::is_ascii_digit) {
        return false;
    }
    STOP_SET.contains(w)
}

/// [`STOP_WORDS`] as a hash set, built on first use.
static STOP_SET: std::sync::LazyLock<
    std::collections::HashSet<&'static str, std::hash::BuildHasherDefault<Fnv>>,
> = std::sync::LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// FNV-1a: a fast hash for the short keys of per-article vocabularies (no need for
/// SipHash's flood resistance on a map that lives for one article).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// A `HashMap` keyed by short strings, hashed with [`Fnv`].
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// Suffix rules: (suffix, replacement, shortest stem that may remain).
const SUFFIXES: &[(&str, &str, usize)] = &[
    ("ational", "ate", 3),
    ("ization", "ize", 3),
    ("ies", "y", 2),
    ("sses", "ss", 2),
    ("ings", "", 3),
    ("ing", "", 3),
    ("edly", "", 3),
    ("ed", "", 3),
    ("ly", "", 4),
    ("ment", "", 4),
    ("ness", "", 3),
    ("es", "e", 3),
    ("ss", "ss", 2),
    ("us", "us", 2),
    ("s", "", 3),
];

/// Writes the stem of lower-case word `w` into `out` (cleared first).
fn stem_into(w: &str, out: &mut String) {
    out.clear();
    if w.len() <= 3 || !w.is_ascii() {
        out.push_str(w);
        return;
    }
    let mut stripped = false;
    for (suffix, rep, min) in SUFFIXES {
        if let Some(base) = w.strip_suffix(suffix) {
            if base.len() >= *min {
                out.push_str(base);
                out.push_str(rep);
                stripped = true;
            }
            break;
        }
    }
    if !stripped {
        out.push_str(w);
    }
    // "rising" -> "ris", "rise" -> "ris": a final silent e goes.
    if out.len() > 3 && out.ends_with('e') && !out.ends_with("ee") {
        out.pop();
    }
}

/// The stem of a lower-case word.
#[cfg(test)]
fn stem(w: &str) -> String {
    let mut out = String::new();
    stem_into(w, &mut out);
    out
}

/// Reusable buffers for turning sentences into content terms without allocating per
/// word.
#[derive(Debug, Default)]
pub(crate) struct TermSink {
    word: String,
    stem: String,
}

impl TermSink {
    /// Calls `f` with each content term of `s`: lower-cased words (letters and digits;
    /// decimals like `3.5` and acronyms like `U.S.` kept whole; possessive `'s` and
    /// contractions dropped), stop words and one-letter words skipped, stemmed.
    pub(crate) fn terms(&mut self, s: &str, mut f: impl FnMut(&str)) {
        let mut emit = |word: &mut String, stem: &mut String| {
            if word.is_empty() {
                return;
            }
            let keep =
                !is_stop(word) && (word.len() > 1 || word.bytes().all(|b| b.is_ascii_digit()));
            if keep {
                stem_into(word, stem);
                f(stem);
            }
            word.clear();
        };
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_alphanumeric() {
                if c.is_ascii() {
                    self.word.push(c.to_ascii_lowercase());
                } else {
                    self.word.extend(c.to_lowercase());
                }
                continue;
            }
            let next_alnum = chars.peek().is_some_and(|n| n.is_alphanumeric());
            if !self.word.is_empty() && next_alnum {
                if matches!(c, '\'' | '’') {
                    // Possessive or contraction: keep the part before the apostrophe.
                    let mut look = chars.clone();
                    let mut tail = String::new();
                    while let Some(&n) = look.peek() {
                        if !n.is_alphanumeric() || tail.len() > 2 {
                            break;
                        }
                        tail.push(n);
                        look.next();
                    }
                    if matches!(tail.as_str(), "s" | "t" | "ll" | "re" | "ve" | "d" | "m") {
                        chars = look;
                        emit(&mut self.word, &mut self.stem);
                        continue;
                    }
                    // O'Brien: one word.
                    continue;
                }
                let last_digit = self.word.ends_with(|l: char| l.is_ascii_digit());
                let next_digit = chars.peek().is_some_and(char::is_ascii_digit);
                let decimal = matches!(c, '.' | ',') && last_digit && next_digit;
                let acronym = c == '.'
                    && self
                        .word
                        .rsplit('.')
                        .next()
                        .is_some_and(|seg| seg.chars().count() == 1)
                    && !next_digit;
                if decimal || acronym {
                    self.word.push(c);
                    continue;
                }
            }
            emit(&mut self.word, &mut self.stem);
        }
        emit(&mut self.word, &mut self.stem);
    }
}

/// Content terms of a sentence, as owned strings.
#[cfg(test)]
fn content_terms(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    TermSink::default().terms(s, |t| out.push(t.to_string()));
    out
}

/// The number of words in `s` (white-space separated tokens with a letter or digit).
pub(crate) fn word_count(s: &str) -> usize {
    s.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_conflate_inflections() {
        assert_eq!(stem("rises"), stem("rise"));
        assert_eq!(stem("rising"), stem("rise"));
        assert_eq!(stem("companies"), stem("company"));
        assert_eq!(stem("profits"), stem("profit"));
        assert_eq!(stem("grew"), "grew");
    }

    #[test]
    fn stop_words_are_sorted_and_unique() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP_WORDS.iter().all(|w| w.len() <= 10 && is_stop(w)));
        assert!(!is_stop("revenue") && !is_stop("said") && !is_stop("2025"));
    }

    #[test]
    fn content_terms_drop_stop_words_and_possessives() {
        assert_eq!(
            content_terms("The company's profits rose 3.5% in the U.S."),
            ["company", "profit", "ros", "3.5", "u.s"]
        );
        assert_eq!(content_terms("It isn't O'Brien's."), ["obrien"]);
        assert_eq!(content_terms("$1,200 vs 2.5x"), ["1,200", "vs", "2.5x"]);
    }
}
