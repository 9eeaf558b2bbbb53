//! Extractive summaries of news articles, and story digests across articles.
//!
//! # Summaries
//!
//! [`summarize`] picks `n` sentences of an article, word for word and in article
//! order. Sentences come from [`factwire_core::text::sentences`], which knows news
//! text (`U.S.`, `Inc.`, `Jan. 28`, `$35.6 bn.`, folded bullet lists, headings
//! without full stops). Each sentence gets a probability of belonging in a summary
//! from its centrality (cosine similarity with the rest of the article, i.e. its
//! degree in the sentence-similarity graph), its position, its overlap with the
//! headline and its density of facts; then the `n` sentences that maximise the
//! expected F-measure against a full summary are chosen, so long, central sentences
//! win over short ones, and near-repeats and fragments are skipped. The `rank`
//! module's source documents every signal and constant.
//!
//! On the 50-article BBC development set (references ≈ 45 % of the article), ROUGE-2
//! F is 58.0 at `n = 3` and 70.9 at `n = 7` (TextRank: 53.4 at `n = 3`).
//!
//! ```
//! let text = "Acme Corp. said revenue rose 12% to $4.2 billion in the quarter. \
//!             Acme makes rockets. Revenue from rockets grew fastest, the company said. \
//!             The weather was fine.";
//! let summary = factwire_summarizer::summarize(text, Some("Acme revenue rises"), &[], 2);
//! assert_eq!(summary.len(), 2);
//! assert!(summary[0].starts_with("Acme Corp. said revenue rose 12%"));
//! ```
//!
//! # Digests
//!
//! The [`digest`] module groups stored articles into stories and tells each one:
//!
//! - [`build_digest`]`(&[DigestArticle], &DigestOptions) -> Digest`: folds
//!   syndicated copies into their originals, groups articles about the same event
//!   (shared terms, entities and fact keys), ranks stories by outlets and recency,
//!   and gives each a headline, a summary from its best article, its outlets with
//!   links, and its [`KeyFigure`]s: facts grouped by `(subject, metric, period)`
//!   with the consensus value, the number of articles reporting it and values that
//!   disagree beyond rounding flagged.
//! - [`consolidate`]`(&[FactRow]) -> Vec<Consolidated>`: the same grouping over
//!   exported fact rows, for `factwire facts --consolidate` (value, range, articles,
//!   first seen, sources).
//! - [`render_markdown`] and [`render_html`] (one self-contained page with inline
//!   CSS and SVG charts of a subject's metric over periods); every type is
//!   `Serialize` for JSON.
//!
//! [`FactRow`]: factwire_core::FactRow
//!
//! This crate is pure and synchronous: it does no I/O, keeps no state and never
//! panics on odd input (an empty text gives an empty summary, no articles an empty
//! digest). Nothing in it can fail, so it has no error type.

use serde::Deserialize;

pub mod digest;
mod rank;
mod tokens;

pub use digest::{
    Consolidated, Digest, DigestArticle, DigestOptions, KeyFigure, Story, build_digest,
    consolidate, render_html, render_markdown,
};

/// The default number of summary sentences.
pub const DEFAULT_SENTENCES: usize = 3;

/// Summariser settings, as the `[summary]` table of the config file gives them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// How many sentences a summary has (default [`DEFAULT_SENTENCES`]).
    pub sentences: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            sentences: DEFAULT_SENTENCES,
        }
    }
}

/// Summarises `text` (normalised plain text, paragraphs separated by blank lines) in
/// at most `n` sentences taken word for word from it, in article order.
///
/// `title` (the headline) and `facts` (extracted from this same `text`; their char
/// offsets place them in sentences) sharpen the choice but may be left out. Returns
/// fewer than `n` sentences only when the text has fewer.
pub fn summarize(
    text: &str,
    title: Option<&str>,
    facts: &[factwire_core::Fact],
    n: usize,
) -> Vec<String> {
    rank::select(text, title, facts, n)
        .into_iter()
        .map(|r| text[r].to_string())
        .collect()
}

/// The first `n` sentences of `text`: the lead-N baseline summaries are measured
/// against.
pub fn lead(text: &str, n: usize) -> Vec<String> {
    factwire_core::text::sentences(text)
        .into_iter()
        .take(n)
        .map(|r| text[r].to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_text_gives_empty_summary() {
        assert!(summarize("", None, &[], 3).is_empty());
        assert!(summarize("   \n\n ", Some("t"), &[], 3).is_empty());
        assert!(summarize("One sentence.", None, &[], 0).is_empty());
    }

    #[test]
    fn settings_default_and_deserialize() {
        assert_eq!(Settings::default().sentences, 3);
        let s: Settings = serde_json::from_str("{}").unwrap();
        assert_eq!(s, Settings::default());
        let s: Settings = serde_json::from_str(r#"{"sentences": 5}"#).unwrap();
        assert_eq!(s.sentences, 5);
        assert!(serde_json::from_str::<Settings>(r#"{"sentence": 5}"#).is_err());
    }

    #[test]
    fn fragments_and_repeats_are_skipped() {
        let text = "Quarterly results\n\n\
                    Acme said revenue rose 12% to $4.2 billion in the quarter, beating forecasts.\n\n\
                    Acme said revenue rose 12% to $4.2 billion in the quarter, beating forecasts again.\n\n\
                    Revenue from rockets grew fastest, Acme said, while satellite revenue fell.\n\n\
                    OK.";
        let s = summarize(text, Some("Acme revenue rises"), &[], 2);
        assert_eq!(s.len(), 2);
        assert!(
            s.iter().all(|x| x != "Quarterly results" && x != "OK."),
            "{s:?}"
        );
        let repeats = s
            .iter()
            .filter(|x| x.starts_with("Acme said revenue rose"))
            .count();
        assert_eq!(repeats, 1, "{s:?}");
        // With nothing else left, fragments are used.
        assert_eq!(
            summarize("Heading\n\nAnother heading", None, &[], 3).len(),
            2
        );
    }

    #[test]
    fn long_texts_stay_fast_and_bounded() {
        let para = "Cloud revenue rose 5% as the company added capacity in Ohio. ";
        let text: String = (0..3000)
            .map(|i| format!("{para}Item {i} shipped late. "))
            .collect();
        let s = summarize(&text, None, &[], 7);
        assert_eq!(s.len(), 7);
    }

    proptest::proptest! {
        #[test]
        fn summaries_are_ordered_quotes(s in "\\PC{0,400}", n in 0usize..6) {
            let text = factwire_core::text::normalize_text(&s);
            let out = summarize(&text, Some("title"), &[], n);
            proptest::prop_assert!(out.len() <= n);
            let mut from = 0;
            for sentence in &out {
                let at = text[from..].find(sentence.as_str());
                proptest::prop_assert!(at.is_some(), "{:?} not after {}", sentence, from);
                from += at.unwrap_or(0) + sentence.len();
            }
        }
    }
}
