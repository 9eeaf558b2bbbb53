//! Words for comparing sentences: lower-cased, stop words dropped, lightly stemmed.
//!
//! Sentence similarity only needs "is this the same content word?", so the stemmer
//! is a small suffix stripper (plural, `-ing`, `-ed`, `-ly`, ...) rather than a full
//! Porter stemmer: it conflates `rises`/`rise`/`rising` and `companies`/`company`,
//! and it never has to produce a real word.

/// Common English function words, which carry no content for similarity.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
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
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
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
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "said",
    "same",
    "say",
    "says",
    "she",
    "should",
    "so",
    "some",
    "such",
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
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "mr",
    "mrs",
    "ms",
    "s",
    "t",
    "told",
    "may",
    "might",
    "must",
    "shall",
    "us",
    "one",
    "like",
    "get",
    "got",
    "make",
    "made",
    "many",
    "much",
    "well",
    "even",
    "still",
    "yet",
    "however",
    "although",
    "though",
    "since",
    "per",
    "via",
    "new",
    "year",
    "years",
];

/// Whether `w` (lower case) is a stop word.
pub(crate) fn is_stop(w: &str) -> bool {
    STOP_WORDS.contains(&w)
}

/// Strips common inflectional suffixes from a lower-case word.
pub(crate) fn stem(w: &str) -> String {
    let n = w.chars().count();
    if n <= 3 || !w.is_ascii() {
        return w.to_string();
    }
    let rules: &[(&str, &str, usize)] = &[
        // (suffix, replacement, minimum stem length left)
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
    for (suffix, rep, min) in rules {
        if let Some(base) = w.strip_suffix(suffix) {
            if base.len() >= *min {
                let mut out = String::with_capacity(base.len() + rep.len());
                out.push_str(base);
                out.push_str(rep);
                // "rising" -> "ris" and "rise" -> "ris": drop a final silent e.
                if out.len() > 3 && out.ends_with('e') && !out.ends_with("ee") {
                    out.pop();
                }
                return out;
            }
            return w.to_string();
        }
    }
    if w.len() > 3 && w.ends_with('e') && !w.ends_with("ee") {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

/// Splits `s` into raw lower-case word tokens (letters and digits; inner apostrophes,
/// dots and commas of numbers kept together). Possessive `'s` is dropped.
pub(crate) fn raw_words(s: &str, out: &mut Vec<String>) {
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
            continue;
        }
        let joins = matches!(c, '\'' | '’' | '.' | ',' | '-')
            && !cur.is_empty()
            && chars.peek().is_some_and(|n| n.is_alphanumeric());
        if joins {
            let digit_join = matches!(c, '.' | ',')
                && cur.chars().last().is_some_and(|l| l.is_ascii_digit())
                && chars.peek().is_some_and(char::is_ascii_digit);
            if matches!(c, '\'' | '’') {
                // Possessive or contraction: keep the stem only.
                let next: String = chars.clone().take_while(|c| c.is_alphanumeric()).collect();
                if next == "s" || next == "t" || next == "ll" || next == "re" || next == "ve" {
                    for _ in 0..next.chars().count() {
                        chars.next();
                    }
                    continue;
                }
                continue;
            }
            // Acronyms with stops ("U.S.") stay one token.
            let acronym = c == '.'
                && cur
                    .rsplit('.')
                    .next()
                    .is_some_and(|seg| seg.chars().count() == 1)
                && chars.peek().is_some_and(|n| n.is_alphabetic());
            if digit_join || acronym {
                cur.push(c);
                continue;
            }
        }
        if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
}

/// Content terms of a sentence: stop words removed, stemmed.
pub(crate) fn content_terms(s: &str) -> Vec<String> {
    let mut raw = Vec::new();
    raw_words(s, &mut raw);
    raw.into_iter()
        .filter(|w| !is_stop(w) && (w.len() > 1 || w.chars().all(|c| c.is_ascii_digit())))
        .map(|w| stem(&w))
        .collect()
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
    fn content_terms_drop_stop_words_and_possessives() {
        assert_eq!(
            content_terms("The company's profits rose 3.5% in the U.S."),
            ["company", "profit", "ros", "3.5", "u.s"]
        );
    }
}
