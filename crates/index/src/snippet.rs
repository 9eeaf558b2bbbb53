//! Snippets: the best passage of a hit's body, as plain text with char-offset
//! highlights of the matched terms.
//!
//! tantivy's `SnippetGenerator` picks the passage; its terms are the positive query
//! words and their synonyms, analysed like the body (stemmed), each weighted by
//! rarity. Whitespace runs (paragraph breaks) are folded to one space and the
//! highlight ranges re-mapped. A hit whose body holds none of the terms (it matched by
//! title or entity) gets its summary, or the start of its body, instead.
//!
//! Speed: the generator analyses each shown body in full, and the English stemmer is
//! most of that cost. The analyser used here is the body's own with one filter added
//! before the stemmer, [`PrefixGate`]: a word that cannot stem to any query term (its
//! first two letters differ from every term's; Snowball's English stemmer only ever
//! rewrites the end of a word) is blanked instead of stemmed. Which words match is
//! unchanged; a test checks it against the plain analyser.

use std::collections::BTreeMap;
use std::sync::Arc;

use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};
use tantivy::{Searcher, TantivyDocument, Term};

use crate::schema::{Fields, MAX_TOKEN_BYTES};
use crate::{Result, SNIPPET_CHARS};

pub(crate) struct Snippets {
    generator: Option<SnippetGenerator>,
    fields: Fields,
}

impl Snippets {
    pub(crate) fn new(searcher: &Searcher, fields: &Fields, texts: &[String]) -> Result<Self> {
        let mut analyzer = searcher.index().tokenizer_for_field(fields.body)?;
        let mut terms: BTreeMap<String, f32> = BTreeMap::new();
        for text in texts {
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {
                let word = stream.token().text.clone();
                if terms.contains_key(&word) {
                    continue;
                }
                let df = searcher.doc_freq(&Term::from_field_text(fields.body, &word))?;
                if df > 0 {
                    terms.insert(word, 1.0 / (1.0 + df as f32));
                }
            }
        }
        let gate = PrefixGate::for_terms(terms.keys());
        let generator = (!terms.is_empty())
            .then(|| SnippetGenerator::new(terms, gated_english(gate), fields.body, SNIPPET_CHARS));
        Ok(Snippets {
            generator,
            fields: *fields,
        })
    }

    /// The snippet text and its highlight ranges (char offsets, end exclusive).
    pub(crate) fn for_doc(&self, doc: &TantivyDocument) -> (String, Vec<(usize, usize)>) {
        let body = doc
            .get_first(self.fields.body)
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        if let Some(generator) = &self.generator {
            let snippet = generator.snippet(body);
            if !snippet.is_empty() && !snippet.highlighted().is_empty() {
                let range = snippet.fragment_range();
                // tantivy may pick a short tail fragment; widen it backwards.
                let start = widen_start(body, range.start, range.end, SNIPPET_CHARS);
                let shift = range.start - start;
                let ranges: Vec<(usize, usize)> = snippet
                    .highlighted()
                    .iter()
                    .map(|r| (r.start + shift, r.end + shift))
                    .collect();
                return fold(&body[start..range.end], &ranges);
            }
        }
        let summary: Vec<&str> = doc
            .get_all(self.fields.summary)
            .filter_map(|v| v.as_str())
            .collect();
        let fallback = if summary.is_empty() {
            body.to_string()
        } else {
            summary.join(" ")
        };
        let (text, _) = fold(&fallback, &[]);
        (truncate_words(&text, SNIPPET_CHARS), Vec::new())
    }
}

/// The body's analyser (`fw_en`, see [`crate::schema`]) with `gate` before the stemmer.
fn gated_english(gate: PrefixGate) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(gate)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// A token filter that blanks (empties) every token of three bytes or more whose
/// first two bytes are not the first two of some wanted stem, so the stemmer after it
/// has nothing to do for words that cannot match.
///
/// Sound for Snowball's English stemmer, which keeps a word's first two letters
/// except in `dying`, `lying`, `tying` (→ `die`, `lie`, `tie`): a stem starting `di`,
/// `li` or `ti` also lets `dy`, `ly`, `ty` through. Words of two bytes or less are
/// never changed by the stemmer and always pass.
#[derive(Clone, Debug, Default)]
pub(crate) struct PrefixGate {
    prefixes: Arc<Vec<Vec<u8>>>,
}

impl PrefixGate {
    pub(crate) fn for_terms<'a>(stems: impl IntoIterator<Item = &'a String>) -> Self {
        let mut prefixes: Vec<Vec<u8>> = Vec::new();
        for stem in stems {
            let p = &stem.as_bytes()[..stem.len().min(2)];
            let mut add = |p: &[u8]| {
                if !prefixes.iter().any(|q| q.as_slice() == p) {
                    prefixes.push(p.to_vec());
                }
            };
            add(p);
            match p {
                b"di" => add(b"dy"),
                b"li" => add(b"ly"),
                b"ti" => add(b"ty"),
                _ => {}
            }
        }
        PrefixGate {
            prefixes: Arc::new(prefixes),
        }
    }

    fn passes(&self, word: &str) -> bool {
        word.len() <= 2 || self.prefixes.iter().any(|p| word.as_bytes().starts_with(p))
    }
}

impl TokenFilter for PrefixGate {
    type Tokenizer<T: Tokenizer> = PrefixGateFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> PrefixGateFilter<T> {
        PrefixGateFilter {
            gate: self,
            inner: tokenizer,
        }
    }
}

#[derive(Clone)]
pub(crate) struct PrefixGateFilter<T> {
    gate: PrefixGate,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for PrefixGateFilter<T> {
    type TokenStream<'a> = PrefixGateStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PrefixGateStream {
            gate: &self.gate,
            tail: self.inner.token_stream(text),
        }
    }
}

pub(crate) struct PrefixGateStream<'a, T> {
    gate: &'a PrefixGate,
    tail: T,
}

impl<T: TokenStream> TokenStream for PrefixGateStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        if !self.gate.passes(&self.tail.token().text) {
            self.tail.token_mut().text.clear();
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Folds whitespace runs to one space and trims, mapping byte ranges of `s` to char
/// ranges of the result.
fn fold(s: &str, ranges: &[(usize, usize)]) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(s.len());
    // char offset in `out` for each byte offset of `s` at a char boundary
    let mut map = vec![0usize; s.len() + 1];
    let mut chars_out = 0usize;
    let mut pending_space = false;
    for (b, c) in s.char_indices() {
        if c.is_whitespace() {
            pending_space = chars_out > 0;
            map[b] = chars_out;
            continue;
        }
        if pending_space {
            out.push(' ');
            chars_out += 1;
            pending_space = false;
        }
        map[b] = chars_out;
        out.push(c);
        chars_out += 1;
    }
    map[s.len()] = chars_out;
    let highlights = ranges
        .iter()
        .filter(|(a, z)| a < z && *z <= s.len() && s.is_char_boundary(*a) && s.is_char_boundary(*z))
        .map(|&(a, z)| (map[a], map[z].min(chars_out)))
        .filter(|(a, z)| a < z)
        .collect();
    (out, highlights)
}

/// A byte start at or before `start` such that `text[result..end]` has about `max`
/// chars, moved forward to a word boundary (unless it reaches the text's start).
fn widen_start(text: &str, start: usize, end: usize, max: usize) -> usize {
    let have = text.get(start..end).map_or(0, |s| s.chars().count());
    if have * 2 >= max || start > text.len() || !text.is_char_boundary(start) {
        return start;
    }
    let Some((new_start, _)) = text[..start].char_indices().rev().nth(max - have - 1) else {
        return 0;
    };
    match text[new_start..start].find(char::is_whitespace) {
        Some(ws) => {
            let after = new_start + ws;
            after + text[after..].len() - text[after..].trim_start().len()
        }
        None => start,
    }
}

/// At most `max` chars, cut at a word boundary.
fn truncate_words(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_maps_ranges_to_chars() {
        let s = "Café  revenue\n\ngrew 24%";
        let (out, hl) = fold(s, &[(7, 14), (16, 20)]);
        assert_eq!(out, "Café revenue grew 24%");
        let chars: Vec<char> = out.chars().collect();
        let slice = |(a, b): (usize, usize)| chars[a..b].iter().collect::<String>();
        assert_eq!(slice(hl[0]), "revenue");
        assert_eq!(slice(hl[1]), "grew");
    }

    #[test]
    fn fold_trims_and_drops_bad_ranges() {
        let (out, hl) = fold("  a  b ", &[(2, 3), (5, 100), (3, 2)]);
        assert_eq!(out, "a b");
        assert_eq!(hl, vec![(0, 1)]);
    }

    #[test]
    fn widen_short_fragments_backwards() {
        let text = "alpha beta gamma delta epsilon";
        // Fragment "epsilon" (bytes 23..30), widened to ~20 chars at a word start.
        let start = widen_start(text, 23, 30, 20);
        assert_eq!(&text[start..], "gamma delta epsilon");
        assert_eq!(widen_start(text, 0, 30, 20), 0, "long enough already");
        assert_eq!(widen_start(text, 6, 10, 40), 0, "reaches the start");
    }

    fn stems(mut a: TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut s = a.token_stream(text);
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn prefix_gate_keeps_every_stem_it_is_asked_for() {
        let text = "Dying lying tying skies news early only idly gently ugly singly \
                    generously running runs ran data centres centers Café cafés revenues \
                    AI ai a of capitalized capitalization operational operating hyperscalers \
                    obligations remaining performance yield yielded Yves ÉTÉ";
        let plain = stems(crate::schema::english_analyzer(), text);
        for wanted in &plain {
            let gate = PrefixGate::for_terms([wanted]);
            let gated = stems(gated_english(gate), text);
            assert_eq!(gated.len(), plain.len());
            for (g, p) in gated.iter().zip(&plain) {
                if p == wanted {
                    assert_eq!(g, p, "the gate lost {p:?}");
                } else {
                    assert!(g.is_empty() || g == p, "{g:?} vs {p:?}");
                }
            }
        }
        // Most words are blanked for a one-term query.
        let gate = PrefixGate::for_terms([&"revenu".to_string()]);
        let gated = stems(gated_english(gate), text);
        assert!(gated.iter().filter(|g| g.is_empty()).count() > plain.len() / 2);
    }

    #[test]
    fn truncate_at_word() {
        assert_eq!(truncate_words("alpha beta gamma", 12), "alpha beta");
        assert_eq!(truncate_words("short", 12), "short");
    }
}
