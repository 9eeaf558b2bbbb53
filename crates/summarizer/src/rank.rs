//! Sentence scoring and selection.
//!
//! Each sentence gets a score from four signals, then sentences are picked greedily
//! by score, skipping any that repeat one already picked, and returned in article
//! order:
//!
//! 1. **Centrality** (TextRank): sentences are nodes of a graph whose edges weigh the
//!    content words two sentences share, normalised by the log of their lengths; the
//!    stationary distribution of a random walk on it (PageRank, damping 0.85) says how
//!    much of the article a sentence speaks for.
//! 2. **Position**: news puts the gist first, so early sentences get a gentle boost.
//! 3. **Title overlap**: the share of the headline's content words a sentence carries.
//! 4. **Fact density**: numbers in the sentence, and extracted facts that are
//!    attributed to a subject or metric, which in business news are the point.

use std::collections::HashMap;
use std::ops::Range;

use factwire_core::Fact;
use factwire_core::text::CharIndex;

use crate::tokens::{content_terms, word_count};

/// PageRank damping factor (the usual value from Brin and Page).
const DAMPING: f64 = 0.85;
/// Power-iteration stops when no score moves more than this.
const EPSILON: f64 = 1e-6;
/// Power-iteration cap.
const MAX_ITERATIONS: usize = 100;
/// Sentences shorter than this many words are picked only when nothing else is left.
const MIN_WORDS: usize = 5;
/// Two sentences sharing more than this share of their content words are redundant.
const REDUNDANCY: f64 = 0.6;

/// Weight of the position prior.
const W_POSITION: f64 = 0.15;
/// Weight of the title overlap.
const W_TITLE: f64 = 0.3;
/// Weight of fact density.
const W_FACTS: f64 = 0.1;

/// One candidate sentence.
struct Unit {
    /// Sorted, deduplicated term ids.
    terms: Vec<u32>,
    words: usize,
    /// The sentence has no closing punctuation (a heading or a bullet fragment).
    fragment: bool,
    /// Numbers written in the sentence.
    numbers: usize,
    /// Extracted facts inside the sentence, attributed ones counting double.
    facts: f64,
}

/// Picks up to `n` sentences of `text`; returns their byte ranges in article order.
pub(crate) fn select(
    text: &str,
    title: Option<&str>,
    facts: &[Fact],
    n: usize,
) -> Vec<Range<usize>> {
    let ranges = factwire_core::text::sentences(text);
    if n == 0 || ranges.is_empty() {
        return Vec::new();
    }
    let mut vocab: HashMap<String, u32> = HashMap::new();
    let mut intern = |terms: Vec<String>| -> Vec<u32> {
        let mut ids: Vec<u32> = terms
            .into_iter()
            .map(|t| {
                let next = vocab.len() as u32;
                *vocab.entry(t).or_insert(next)
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let fact_weight = fact_weights(text, &ranges, facts);
    let units: Vec<Unit> = ranges
        .iter()
        .zip(fact_weight)
        .map(|(r, fw)| {
            let s = &text[r.clone()];
            Unit {
                terms: intern(content_terms(s)),
                words: word_count(s),
                fragment: !s
                    .trim_end_matches(['"', '\'', '”', '’', ')', ']'])
                    .ends_with(['.', '!', '?', '…', ':']),
                numbers: count_numbers(s),
                facts: fw,
            }
        })
        .collect();
    let title_terms = title.map(|t| intern(content_terms(t))).unwrap_or_default();

    let centrality = textrank(&units);
    let total = units.len();
    let scores: Vec<f64> = units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let position = 1.0 - i as f64 / total as f64;
            let title = if title_terms.is_empty() {
                0.0
            } else {
                overlap(&u.terms, &title_terms) as f64 / title_terms.len() as f64
            };
            let facts = ((u.numbers as f64 + u.facts) / u.words.max(1) as f64 * 10.0).min(1.0);
            centrality[i] * (1.0 + W_POSITION * position + W_TITLE * title + W_FACTS * facts)
        })
        .collect();

    let mut order: Vec<usize> = (0..total).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let mut chosen: Vec<usize> = Vec::with_capacity(n);
    for pass in 0..2 {
        for &i in &order {
            if chosen.len() >= n {
                break;
            }
            if chosen.contains(&i) {
                continue;
            }
            let u = &units[i];
            let eligible = pass == 1 || (u.words >= MIN_WORDS && !u.fragment);
            if !eligible {
                continue;
            }
            let redundant = chosen
                .iter()
                .any(|&j| similarity_share(&u.terms, &units[j].terms) > REDUNDANCY);
            if redundant && pass == 0 {
                continue;
            }
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    chosen.into_iter().map(|i| ranges[i].clone()).collect()
}

/// TextRank centrality of each unit, scaled so the largest is 1.
fn textrank(units: &[Unit]) -> Vec<f64> {
    let n = units.len();
    if n == 1 {
        return vec![1.0];
    }
    let mut weights = vec![0.0f64; n * n];
    let mut out_sum = vec![0.0f64; n];
    for i in 0..n {
        for j in (i + 1)..n {
            let (a, b) = (&units[i].terms, &units[j].terms);
            if a.len() < 2 || b.len() < 2 {
                continue;
            }
            let common = overlap(a, b);
            if common == 0 {
                continue;
            }
            let w = common as f64 / ((a.len() as f64).ln() + (b.len() as f64).ln());
            weights[i * n + j] = w;
            weights[j * n + i] = w;
            out_sum[i] += w;
            out_sum[j] += w;
        }
    }
    let base = (1.0 - DAMPING) / n as f64;
    let mut rank = vec![1.0 / n as f64; n];
    let mut next = vec![0.0f64; n];
    for _ in 0..MAX_ITERATIONS {
        // Mass of sentences with no edges is spread evenly (a dangling node).
        let dangling: f64 = (0..n)
            .filter(|&j| out_sum[j] == 0.0)
            .map(|j| rank[j])
            .sum::<f64>()
            / n as f64;
        let mut delta = 0.0f64;
        for i in 0..n {
            let mut acc = 0.0;
            for j in 0..n {
                let w = weights[j * n + i];
                if w > 0.0 {
                    acc += w / out_sum[j] * rank[j];
                }
            }
            next[i] = base + DAMPING * (acc + dangling);
            delta = delta.max((next[i] - rank[i]).abs());
        }
        std::mem::swap(&mut rank, &mut next);
        if delta < EPSILON {
            break;
        }
    }
    let max = rank.iter().copied().fold(0.0f64, f64::max);
    if max > 0.0 {
        rank.iter_mut().for_each(|r| *r /= max);
    }
    rank
}

/// Number of ids two sorted id lists share.
fn overlap(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The share of the smaller term set that the other one also has.
fn similarity_share(a: &[u32], b: &[u32]) -> f64 {
    let small = a.len().min(b.len());
    if small == 0 {
        return 0.0;
    }
    overlap(a, b) as f64 / small as f64
}

/// Numbers written with digits in `s` (`24%`, `$35.6`, `2025`).
fn count_numbers(s: &str) -> usize {
    s.split_whitespace()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .count()
}

/// For each sentence, the weight of extracted facts inside it: 1 per fact, 2 when the
/// fact is attributed (has a subject or a metric). Facts are placed by their char
/// offsets, or by their sentence text when the offsets do not fit this text.
fn fact_weights(text: &str, ranges: &[Range<usize>], facts: &[Fact]) -> Vec<f64> {
    let mut out = vec![0.0; ranges.len()];
    if facts.is_empty() {
        return out;
    }
    let idx = CharIndex::new(text);
    let char_len = idx.char_of(text.len());
    let spans: Vec<(usize, usize)> = ranges
        .iter()
        .map(|r| (idx.char_of(r.start), idx.char_of(r.end)))
        .collect();
    for f in facts {
        let weight = if f.subject.is_some() || f.metric.is_some() {
            2.0
        } else {
            1.0
        };
        let by_offset = (f.end <= char_len)
            .then(|| spans.iter().position(|&(s, e)| f.start >= s && f.end <= e))
            .flatten();
        let slot = by_offset.or_else(|| {
            let needle = f.sentence.trim();
            (!needle.is_empty())
                .then(|| ranges.iter().position(|r| text[r.clone()].contains(needle)))
                .flatten()
        });
        if let Some(k) = slot {
            out[k] += weight;
        }
    }
    out
}
