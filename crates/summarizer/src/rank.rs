//! Sentence scoring and selection.
//!
//! # Scoring: how likely is a sentence to belong in a summary?
//!
//! Every sentence becomes a bag of content terms (stop words dropped, stemmed). Its
//! **centrality** is the cosine similarity between its bag and the bag of the *rest*
//! of the article (all other sentences). That is the sentence's weighted degree in
//! the sentence graph whose edges are dot products of term counts, normalised by its
//! own length: LexRank-style degree centrality with raw term frequency, which rewards
//! a sentence for speaking about what the whole article keeps speaking about. (Raw
//! frequency, not tf-idf: within one article, the words repeated most are the topic.)
//!
//! Centralities are standardised within the article (z-scores) and turned into a
//! probability that the sentence belongs in a summary with a logistic curve, after
//! adding small log-odds bonuses for
//! - the **lead** sentence (news writing puts the gist first),
//! - **title overlap** (the share of the headline's content terms it carries),
//! - **fact density** (extracted facts inside it, attributed ones counting double,
//!   or numbers written in it when no facts were given).
//!
//! # Selection: the best `n` sentences as a whole
//!
//! Picking the `n` most probable sentences ignores length: a long sentence that is
//! probably relevant carries more of a reader's summary than a short one. So the
//! sentences are chosen to maximise the *expected F-measure* against a full summary
//! of unknown content, whose length is taken as [`SUMMARY_SHARE`] of the article's
//! words:
//!
//! ```text
//!   E[F] ≈ 2 Σ pᵢ·lenᵢ / (Σ lenᵢ + R)        over the chosen sentences i
//! ```
//!
//! For a fixed `n` this fractional objective is maximised exactly by Dinkelbach's
//! method: with λ the current ratio, take the `n` sentences with the largest
//! `(pᵢ − λ)·lenᵢ`, recompute λ, repeat until it stops changing (a few rounds).
//!
//! Near-duplicate sentences (most content terms shared with a more probable one) and
//! fragments (headings and bullets without a full stop, sentences under
//! [`MIN_WORDS`] words) are set aside, and used only when nothing else is left.

use std::ops::Range;

use factwire_core::Fact;

use crate::tokens::{FastMap, TermSink, word_count};

/// Sentences shorter than this many words are picked only when nothing else is left.
pub(crate) const MIN_WORDS: usize = 5;
/// A sentence sharing more than this share of its content terms with a more probable
/// sentence is a near-duplicate.
const DUPLICATE_SHARE: f64 = 0.8;
/// Near-duplicates are looked for among this many most probable sentences only, which
/// keeps very long texts linear; a repeat further down would not be picked anyway.
const DUPLICATE_WINDOW: usize = 64;
/// Slope of the logistic curve from centrality z-score to probability.
const SLOPE: f64 = 2.0;
/// Log-odds bonus of the first sentence.
const LEAD_BONUS: f64 = 1.0;
/// Log-odds bonus of a sentence carrying every content term of the title (scaled).
const TITLE_BONUS: f64 = 1.0;
/// Log-odds bonus per unit of fact density, capped at [`FACT_BONUS_MAX`].
const FACT_BONUS: f64 = 1.0;
/// Cap of the fact-density bonus.
const FACT_BONUS_MAX: f64 = 0.5;
/// The assumed length of a full summary, as a share of the article's words.
pub(crate) const SUMMARY_SHARE: f64 = 0.45;
/// Dinkelbach rounds cap (it converges in two to four).
const MAX_ROUNDS: usize = 16;

/// One candidate sentence.
struct Unit {
    /// Term ids with their counts in this sentence, sorted by id.
    terms: Vec<(u32, u32)>,
    words: usize,
    /// Headings, bullet fragments and very short sentences.
    fragment: bool,
    /// Facts (or numbers) per word.
    fact_density: f64,
}

/// Picks up to `n` sentences of `text`; returns their byte ranges in article order.
pub(crate) fn select(
    text: &str,
    title: Option<&str>,
    facts: &[Fact],
    n: usize,
) -> Vec<Range<usize>> {
    let mut ranges = factwire_core::text::sentences(text);
    // A sentence repeated word for word (a pull quote, a page that prints its
    // standfirst twice) appears in a summary once, even if that makes it shorter.
    let mut seen = std::collections::HashSet::new();
    ranges.retain(|r| seen.insert(text[r.clone()].trim()));
    if n == 0 || ranges.is_empty() {
        return Vec::new();
    }
    if ranges.len() <= n {
        return ranges;
    }
    let mut sink = TermSink::default();
    let mut vocab: FastMap<String, u32> = FastMap::default();
    let mut bag = |s: &str, sink: &mut TermSink| -> Vec<(u32, u32)> {
        let mut ids: Vec<u32> = Vec::new();
        sink.terms(s, |t| {
            let next = vocab.len() as u32;
            let id = match vocab.get(t) {
                Some(&id) => id,
                None => {
                    vocab.insert(t.to_string(), next);
                    next
                }
            };
            ids.push(id);
        });
        ids.sort_unstable();
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(ids.len());
        for id in ids {
            match out.last_mut() {
                Some((last, c)) if *last == id => *c += 1,
                _ => out.push((id, 1)),
            }
        }
        out
    };
    let facts_in = fact_weights(text, &ranges, facts);
    let units: Vec<Unit> = ranges
        .iter()
        .zip(facts_in)
        .map(|(r, fw)| {
            let s = &text[r.clone()];
            let words = word_count(s);
            let terms = bag(s, &mut sink);
            let closed = s
                .trim_end_matches(['"', '\'', '”', '’', ')', ']'])
                .ends_with(['.', '!', '?', '…']);
            let weight = if facts.is_empty() {
                count_numbers(s) as f64
            } else {
                fw
            };
            Unit {
                terms,
                words,
                fragment: !closed || words < MIN_WORDS,
                fact_density: weight / words.max(1) as f64,
            }
        })
        .collect();
    let title_terms: Vec<u32> = title
        .map(|t| bag(t, &mut sink).into_iter().map(|(id, _)| id).collect())
        .unwrap_or_default();

    let centrality = centrality(&units, vocab.len());
    let probability = probabilities(&units, &centrality, &title_terms);
    let candidates = candidates(&units, &probability, n);
    let total_words: usize = units.iter().map(|u| u.words).sum();
    let lengths: Vec<f64> = units.iter().map(|u| u.words.max(1) as f64).collect();
    let mut chosen = dinkelbach(
        &candidates,
        &probability,
        &lengths,
        SUMMARY_SHARE * total_words as f64,
        n,
    );
    chosen.sort_unstable();
    chosen.into_iter().map(|i| ranges[i].clone()).collect()
}

/// Cosine similarity of each sentence's term counts with the rest of the article's.
fn centrality(units: &[Unit], vocab: usize) -> Vec<f64> {
    let mut doc = vec![0.0f64; vocab];
    for u in units {
        for &(id, c) in &u.terms {
            doc[id as usize] += f64::from(c);
        }
    }
    let doc_sq: f64 = doc.iter().map(|v| v * v).sum();
    units
        .iter()
        .map(|u| {
            let (mut dot_doc, mut self_sq) = (0.0, 0.0);
            for &(id, c) in &u.terms {
                let c = f64::from(c);
                dot_doc += c * doc[id as usize];
                self_sq += c * c;
            }
            // |d - s|² = |d|² - 2 d·s + |s|², and (d - s)·s = d·s - |s|².
            let rest_sq = doc_sq - 2.0 * dot_doc + self_sq;
            let dot_rest = dot_doc - self_sq;
            if self_sq <= 0.0 || rest_sq <= 0.0 {
                0.0
            } else {
                dot_rest / (self_sq.sqrt() * rest_sq.sqrt())
            }
        })
        .collect()
}

/// The probability that each sentence belongs in a summary (see the module docs).
fn probabilities(units: &[Unit], centrality: &[f64], title_terms: &[u32]) -> Vec<f64> {
    let n = centrality.len() as f64;
    let mean = centrality.iter().sum::<f64>() / n;
    let var = centrality.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / n;
    let sd = if var > 0.0 { var.sqrt() } else { 1.0 };
    units
        .iter()
        .zip(centrality)
        .enumerate()
        .map(|(i, (u, c))| {
            let mut logit = SLOPE * (c - mean) / sd;
            if i == 0 {
                logit += LEAD_BONUS;
            }
            if !title_terms.is_empty() {
                let shared = title_terms
                    .iter()
                    .filter(|t| u.terms.binary_search_by_key(*t, |&(id, _)| id).is_ok())
                    .count();
                logit += TITLE_BONUS * shared as f64 / title_terms.len() as f64;
            }
            logit += (FACT_BONUS * u.fact_density * 10.0).min(FACT_BONUS_MAX);
            1.0 / (1.0 + (-logit).exp())
        })
        .collect()
}

/// The sentences selection may draw on: no fragments and no near-duplicates of a more
/// probable sentence, unless that leaves fewer than `n`, in which case fragments and
/// then duplicates come back.
fn candidates(units: &[Unit], p: &[f64], n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
    let mut kept: Vec<usize> = Vec::new();
    let mut duplicates: Vec<usize> = Vec::new();
    let mut fragments: Vec<usize> = Vec::new();
    for &i in &order {
        if units[i].fragment {
            fragments.push(i);
        } else if kept
            .iter()
            .take(DUPLICATE_WINDOW)
            .any(|&j| shared_share(&units[i].terms, &units[j].terms) > DUPLICATE_SHARE)
        {
            duplicates.push(i);
        } else {
            kept.push(i);
        }
    }
    for extra in [fragments, duplicates] {
        if kept.len() >= n {
            break;
        }
        let need = n - kept.len();
        kept.extend(extra.into_iter().take(need));
    }
    kept
}

/// Chooses `n` of `candidates` maximising `Σ pᵢ·lenᵢ / (Σ lenᵢ + reference)`.
fn dinkelbach(
    candidates: &[usize],
    p: &[f64],
    len: &[f64],
    reference: f64,
    n: usize,
) -> Vec<usize> {
    let mut lambda = 0.0f64;
    let mut chosen: Vec<usize> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let mut order = candidates.to_vec();
        let gain = |i: usize| (p[i] - lambda) * len[i];
        order.sort_by(|&a, &b| gain(b).total_cmp(&gain(a)).then(a.cmp(&b)));
        order.truncate(n);
        let num: f64 = order.iter().map(|&i| p[i] * len[i]).sum();
        let den: f64 = order.iter().map(|&i| len[i]).sum::<f64>() + reference;
        let next = if den > 0.0 { num / den } else { 0.0 };
        let settled = order == chosen;
        chosen = order;
        if settled || (next - lambda).abs() < 1e-12 {
            break;
        }
        lambda = next;
    }
    chosen
}

/// The share of the smaller term set that the other one also has.
fn shared_share(a: &[(u32, u32)], b: &[(u32, u32)]) -> f64 {
    let small = a.len().min(b.len());
    if small == 0 {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f64 / small as f64
}

/// Numbers written with digits in `s` (`24%`, `$35.6`, `2025`).
fn count_numbers(s: &str) -> usize {
    s.split_whitespace()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .count()
}

/// For each sentence, the weight of extracted facts inside it: 1 per fact, 2 when the
/// fact is attributed (has a subject or a metric). Facts are placed by their char
/// offsets when the text there matches, else by their sentence text.
fn fact_weights(text: &str, ranges: &[Range<usize>], facts: &[Fact]) -> Vec<f64> {
    let mut out = vec![0.0; ranges.len()];
    if facts.is_empty() {
        return out;
    }
    let bytes = byte_spans(text, facts);
    for (f, b) in facts.iter().zip(bytes) {
        let weight = if f.subject.is_some() || f.metric.is_some() {
            2.0
        } else {
            1.0
        };
        // Sentences are in order and do not overlap: a binary search places a span.
        let by_offset = b
            .filter(|r| !f.text.is_empty() && text.get(r.clone()) == Some(f.text.as_str()))
            .and_then(|r| {
                let k = ranges.partition_point(|s| s.end < r.end);
                ranges
                    .get(k)
                    .filter(|s| s.start <= r.start && r.end <= s.end)
                    .map(|_| k)
            });
        let slot = by_offset.or_else(|| {
            let needle = f.sentence.trim();
            if needle.is_empty() {
                return None;
            }
            ranges
                .iter()
                .position(|r| text[r.clone()].contains(needle) || needle.contains(&text[r.clone()]))
        });
        if let Some(k) = slot {
            out[k] += weight;
        }
    }
    out
}

/// The byte range of each fact's char offsets, found in one walk through the text
/// (facts in any order; `None` past the text's end), so placing every fact costs
/// time linear in the text plus the facts.
fn byte_spans(text: &str, facts: &[Fact]) -> Vec<Option<Range<usize>>> {
    let mut order: Vec<usize> = (0..facts.len()).collect();
    order.sort_by_key(|&k| facts[k].start);
    let mut out = vec![None; facts.len()];
    let mut walk = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .enumerate()
        .peekable();
    for k in order {
        let f = &facts[k];
        while walk.peek().is_some_and(|&(c, _)| c < f.start) {
            walk.next();
        }
        let Some(&(c, start)) = walk.peek() else {
            break;
        };
        if c != f.start || f.end < f.start {
            continue;
        }
        let end = text[start..]
            .char_indices()
            .map(|(b, _)| start + b)
            .chain(std::iter::once(text.len()))
            .nth(f.end - f.start);
        out[k] = end.map(|e| start..e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use factwire_core::FactKind;

    #[test]
    fn a_repeated_sentence_is_summarised_once() {
        let text = "Zebracloud signed a five-year hosting contract. Zebracloud signed a \
                    five-year hosting contract. The carrier did not give a value. \
                    Zebracloud signed a five-year hosting contract.";
        let picked: Vec<&str> = select(text, None, &[], 3)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(
            picked,
            [
                "Zebracloud signed a five-year hosting contract.",
                "The carrier did not give a value."
            ]
        );
    }

    #[test]
    fn dinkelbach_prefers_long_probable_sentences() {
        // Two equally probable sentences; the longer one carries more of the summary.
        let chosen = dinkelbach(&[0, 1, 2], &[0.9, 0.9, 0.2], &[10.0, 30.0, 40.0], 50.0, 1);
        assert_eq!(chosen, [1]);
        // A long but improbable sentence loses to a probable one.
        let chosen = dinkelbach(&[0, 1], &[0.9, 0.1], &[20.0, 60.0], 50.0, 1);
        assert_eq!(chosen, [0]);
    }

    #[test]
    fn facts_are_placed_by_offset_or_sentence() {
        let text = "Revenue rose. AWS revenue was $35.6 billion.";
        let ranges = factwire_core::text::sentences(text);
        let mut f = Fact::new(
            FactKind::Money,
            "$35.6 billion",
            30,
            43,
            "AWS revenue was $35.6 billion.",
        );
        f.metric = Some("revenue".into());
        assert_eq!(fact_weights(text, &ranges, &[f.clone()]), [0.0, 2.0]);
        // Offsets from some other text: placed by the sentence instead.
        f.start = 0;
        f.end = 13;
        f.metric = None;
        assert_eq!(fact_weights(text, &ranges, &[f]), [0.0, 1.0]);
    }

    #[test]
    fn centrality_ranks_on_topic_sentences_first() {
        let text = "Cloud revenue grew fast. Cloud revenue and cloud margins grew. \
                    The cafeteria served soup. Margins in cloud grew.";
        let mut sink = TermSink::default();
        let mut vocab: FastMap<String, u32> = FastMap::default();
        let units: Vec<Unit> = factwire_core::text::sentences(text)
            .into_iter()
            .map(|r| {
                let mut ids = Vec::new();
                sink.terms(&text[r.clone()], |t| {
                    let next = vocab.len() as u32;
                    ids.push(*vocab.entry(t.to_string()).or_insert(next));
                });
                ids.sort_unstable();
                let mut terms: Vec<(u32, u32)> = Vec::new();
                for id in ids {
                    match terms.last_mut() {
                        Some((l, c)) if *l == id => *c += 1,
                        _ => terms.push((id, 1)),
                    }
                }
                Unit {
                    terms,
                    words: 4,
                    fragment: false,
                    fact_density: 0.0,
                }
            })
            .collect();
        let c = centrality(&units, vocab.len());
        assert!(c[1] > c[2] && c[0] > c[2] && c[3] > c[2], "{c:?}");
        assert_eq!(c[2], 0.0);
    }
}
