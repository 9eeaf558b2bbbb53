//! Story digests: the articles of a time window, grouped into stories and ranked.
//!
//! [`build_digest`] takes stored articles (already extracted: text, entities, facts)
//! and works in four steps:
//!
//! 1. **Syndicated copies.** Two articles whose texts share most of their word
//!    5-grams (containment ≥ [`DigestOptions::duplicate_containment`]) are one
//!    report: the later one is folded into the earlier as a copy. A copy is listed
//!    with the outlets (marked as a copy) but adds nothing to the figures: the same
//!    report printed twice is not two confirmations.
//! 2. **Stories.** Articles are taken oldest first. Each joins the story it is most
//!    similar to, on average over the story's articles (average link), if that
//!    reaches [`DigestOptions::min_similarity`] and the story began at most
//!    [`DigestOptions::story_span_hours`] earlier; otherwise it starts a new story.
//!    Two articles' similarity mixes the cosine of their tf-idf term vectors (title
//!    words count double), the share of the figures they report that they have in
//!    common (values rounded to two significant digits, with their units), and the
//!    Jaccard overlap of their named entities. The same event told by different
//!    outlets repeats the same numbers even when the wording differs, while
//!    different events about one company share names but rarely several figures.
//! 3. **Ranking.** A story scores its number of independent outlets (outlets carrying
//!    only a copy count half), times a recency factor from 1 (newest) falling towards
//!    ½ with a half-life of [`DigestOptions::half_life_hours`]: coverage decides,
//!    recency breaks near-ties.
//! 4. **Telling.** Each story gets the headline and summary of its best article (the
//!    one most similar to the others, nudged towards articles with attributed facts
//!    and away from articles whose figures the others contradict), its outlets with
//!    links, its main entities, and its key figures (see [`KeyFigure`]): facts grouped by `(subject, metric, period)` with the consensus
//!    value, how many articles report it and any disagreement flagged.
//!
//! [`render_markdown`] and [`render_html`] turn a [`Digest`] into text for people;
//! every type here is `Serialize` for JSON.
//!
//! ```
//! use factwire_summarizer::digest::{DigestArticle, DigestOptions, build_digest};
//! let a = DigestArticle {
//!     id: 1,
//!     url: "https://a.example/x".into(),
//!     title: Some("Acme opens a plant".into()),
//!     source: Some("a.example".into()),
//!     published: Some("2026-02-05T10:00:00Z".into()),
//!     summary: vec![],
//!     text: "Acme opened a battery plant in Ohio on Monday. It will employ 900 people.".into(),
//!     entities: vec![],
//!     facts: vec![],
//! };
//! let digest = build_digest(&[a], &DigestOptions::default());
//! assert_eq!(digest.stories.len(), 1);
//! assert_eq!(digest.stories[0].headline, "Acme opens a plant");
//! ```

use std::collections::{HashMap, HashSet};

use factwire_core::{Entity, EntityKind, Fact, FactKind};
use serde::{Deserialize, Serialize};

use crate::tokens::TermSink;

pub mod charts;
mod figures;
mod render;
mod time;

pub use figures::{Consolidated, KeyFigure, Point, Series, Variant, consolidate, format_value};
pub use render::{render_html, render_markdown};

/// Default for [`DigestOptions::max_stories`].
pub const DEFAULT_MAX_STORIES: usize = 20;
/// Default for [`DigestOptions::min_similarity`].
pub const DEFAULT_MIN_SIMILARITY: f64 = 0.27;
/// Default for [`DigestOptions::duplicate_containment`].
pub const DEFAULT_DUPLICATE_CONTAINMENT: f64 = 0.7;
/// Default for [`DigestOptions::half_life_hours`].
pub const DEFAULT_HALF_LIFE_HOURS: f64 = 24.0;
/// Default for [`DigestOptions::story_span_hours`].
pub const DEFAULT_STORY_SPAN_HOURS: f64 = 96.0;

/// Word n-gram length for spotting syndicated copies.
const SHINGLE: usize = 5;
/// Shingles found in more articles than this are boilerplate, not evidence of copying.
const SHINGLE_MAX_DF: usize = 50;
/// Weight of term similarity in the story similarity.
const W_TERMS: f64 = 0.4;
/// Weight of shared figures (reported values).
const W_FIGURES: f64 = 0.4;
/// Weight of shared entities.
const W_ENTITIES: f64 = 0.2;
/// Shared figures are counted against at least this many, so that two articles with
/// one number each do not look identical.
const MIN_FIGURES: usize = 3;
/// Average link looks at a story's most recent members only, up to this many, which
/// keeps grouping near-linear in the number of articles for big stories.
const LINK_SAMPLE: usize = 24;
/// Entities listed per story.
const STORY_ENTITIES: usize = 6;

/// One stored article, as the digest needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigestArticle {
    /// The article's store id.
    pub id: i64,
    /// The article's URL.
    pub url: String,
    /// Headline.
    pub title: Option<String>,
    /// The host it came from (`example.com`).
    pub source: Option<String>,
    /// Publication time, RFC 3339.
    pub published: Option<String>,
    /// Its stored summary (may be empty: the digest then summarises `text`).
    #[serde(default)]
    pub summary: Vec<String>,
    /// Main text; paragraphs separated by a blank line.
    pub text: String,
    /// Named entities.
    #[serde(default)]
    pub entities: Vec<Entity>,
    /// Numeric facts, offsets into `text`.
    #[serde(default)]
    pub facts: Vec<Fact>,
}

/// How a digest is built. `Deserialize` with defaults, for a `[digest]` config table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DigestOptions {
    /// Heading of the digest (default `News digest`).
    pub title: String,
    /// Start of the window (RFC 3339); articles published earlier are left out.
    pub since: Option<String>,
    /// End of the window (RFC 3339); articles published later are left out.
    pub until: Option<String>,
    /// The time recency is measured from; default: the newest article's time.
    pub now: Option<String>,
    /// At most this many stories (default [`DEFAULT_MAX_STORIES`]).
    pub max_stories: usize,
    /// Summary sentences per story (default 3).
    pub summary_sentences: usize,
    /// Similarity an article needs to join a story (default [`DEFAULT_MIN_SIMILARITY`]).
    pub min_similarity: f64,
    /// Shared share of word 5-grams that makes a copy
    /// (default [`DEFAULT_DUPLICATE_CONTAINMENT`]).
    pub duplicate_containment: f64,
    /// Hours after which the recency part of a story's score halves
    /// (default [`DEFAULT_HALF_LIFE_HOURS`]).
    pub half_life_hours: f64,
    /// An article joins a story only if published within this many hours of the
    /// story's first article (default [`DEFAULT_STORY_SPAN_HOURS`]): a follow-up a
    /// month later is a new story.
    pub story_span_hours: f64,
}

impl Default for DigestOptions {
    fn default() -> Self {
        DigestOptions {
            title: "News digest".to_string(),
            since: None,
            until: None,
            now: None,
            max_stories: DEFAULT_MAX_STORIES,
            summary_sentences: crate::DEFAULT_SENTENCES,
            min_similarity: DEFAULT_MIN_SIMILARITY,
            duplicate_containment: DEFAULT_DUPLICATE_CONTAINMENT,
            half_life_hours: DEFAULT_HALF_LIFE_HOURS,
            story_span_hours: DEFAULT_STORY_SPAN_HOURS,
        }
    }
}

/// A digest: ranked stories of a window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Digest {
    /// Heading.
    pub title: String,
    /// Start of the window, as given.
    pub since: Option<String>,
    /// End of the window, as given.
    pub until: Option<String>,
    /// Articles considered (inside the window).
    pub articles: usize,
    /// Stories, best first.
    pub stories: Vec<Story>,
}

/// One outlet's article in a story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outlet {
    /// The host (`example.com`), or the URL's host when the article had none.
    pub source: Option<String>,
    /// The article's store id.
    pub article_id: i64,
    /// The article's URL.
    pub url: String,
    /// Its headline.
    pub title: Option<String>,
    /// Its publication time.
    pub published: Option<String>,
    /// For a syndicated copy: the id of the article it copies.
    pub copy_of: Option<i64>,
}

/// One story: the same event across outlets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Story {
    /// 1 for the top story.
    pub rank: usize,
    /// The best article's headline (or its first sentence).
    pub headline: String,
    /// A short summary drawn from the best article.
    pub summary: Vec<String>,
    /// The best article's id.
    pub best_article: i64,
    /// The best article's URL.
    pub url: String,
    /// Ranking score (outlets weighted by recency).
    pub score: f64,
    /// Articles in the story, copies included.
    pub articles: usize,
    /// Independent reports (copies folded in).
    pub independent: usize,
    /// Distinct outlets carrying it.
    pub outlet_count: usize,
    /// Earliest publication time.
    pub first_published: Option<String>,
    /// Latest publication time.
    pub last_published: Option<String>,
    /// Every article, oldest first, copies marked.
    pub outlets: Vec<Outlet>,
    /// The main named entities, most mentioned first.
    pub entities: Vec<String>,
    /// Facts grouped by `(subject, metric, period)`, most reported first.
    pub key_figures: Vec<KeyFigure>,
    /// A subject's metric over several periods, for charts.
    pub series: Vec<Series>,
}

/// Groups `articles` into ranked stories (see the module docs).
pub fn build_digest(articles: &[DigestArticle], opts: &DigestOptions) -> Digest {
    let since = opts.since.as_deref().and_then(time::parse_timestamp);
    let until = opts.until.as_deref().and_then(time::parse_timestamp);
    let in_window: Vec<&DigestArticle> = articles
        .iter()
        .filter(|a| {
            let t = a.published.as_deref().and_then(time::parse_timestamp);
            match t {
                Some(t) => since.is_none_or(|s| t >= s) && until.is_none_or(|u| t <= u),
                None => true,
            }
        })
        .collect();
    // Oldest first (undated last, then by id), so originals precede their copies.
    let mut order: Vec<usize> = (0..in_window.len()).collect();
    let times: Vec<Option<i64>> = in_window
        .iter()
        .map(|a| a.published.as_deref().and_then(time::parse_timestamp))
        .collect();
    order.sort_by_key(|&i| (times[i].unwrap_or(i64::MAX), in_window[i].id));
    let arts: Vec<&DigestArticle> = order.iter().map(|&i| in_window[i]).collect();
    let times: Vec<Option<i64>> = order.iter().map(|&i| times[i]).collect();

    let copy_of = find_copies(&arts, opts.duplicate_containment);
    let vectors = term_vectors(&arts);
    let profiles: Vec<Profile<'_>> = arts
        .iter()
        .zip(&vectors)
        .zip(&times)
        .map(|((a, v), t)| Profile {
            vector: v,
            entities: entity_keys(a),
            figures: figure_keys(a),
            time: *t,
        })
        .collect();
    let span = (opts.story_span_hours * 3600.0) as i64;

    // Greedy average-link clustering of the originals, oldest first.
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut cluster_of: Vec<usize> = vec![usize::MAX; arts.len()];
    for i in 0..arts.len() {
        if copy_of[i].is_some() {
            continue;
        }
        let best = clusters
            .iter()
            .enumerate()
            .filter(|(_, c)| match (c.start, profiles[i].time) {
                (Some(start), Some(t)) => t - start <= span,
                _ => true,
            })
            .filter(|(_, c)| c.might_take(i, &profiles, opts.min_similarity))
            .map(|(k, c)| (k, c.similarity(i, &profiles)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((k, sim)) if sim >= opts.min_similarity => {
                clusters[k].members.push(i);
                clusters[k].start = clusters[k].start.or(profiles[i].time);
                cluster_of[i] = k;
            }
            _ => {
                cluster_of[i] = clusters.len();
                clusters.push(Cluster {
                    members: vec![i],
                    start: profiles[i].time,
                });
            }
        }
    }
    // Copies follow their originals (an original always precedes its copy).
    let mut copies: Vec<Vec<usize>> = vec![Vec::new(); clusters.len()];
    for i in 0..arts.len() {
        if let Some(orig) = copy_of[i] {
            let k = cluster_of[orig];
            cluster_of[i] = k;
            copies[k].push(i);
        }
    }

    let now = opts
        .now
        .as_deref()
        .and_then(time::parse_timestamp)
        .or_else(|| times.iter().flatten().copied().max());
    let mut stories: Vec<Story> = clusters
        .iter()
        .zip(copies)
        .map(|(c, cp)| {
            tell(
                &arts,
                &times,
                &copy_of,
                &profiles,
                c,
                &cp,
                now,
                opts.half_life_hours,
                opts.summary_sentences,
            )
        })
        .collect();
    stories.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.articles.cmp(&a.articles))
            .then_with(|| b.last_published.cmp(&a.last_published))
            .then_with(|| a.headline.cmp(&b.headline))
    });
    stories.truncate(opts.max_stories);
    for (i, s) in stories.iter_mut().enumerate() {
        s.rank = i + 1;
    }
    Digest {
        title: opts.title.clone(),
        since: opts.since.clone(),
        until: opts.until.clone(),
        articles: arts.len(),
        stories,
    }
}

/// A sparse, L2-normalised term vector: `(term id, weight)` sorted by id.
type Vector = Vec<(u32, f64)>;

/// What story grouping compares between two articles.
struct Profile<'a> {
    vector: &'a Vector,
    /// Hashes of entity names, sorted and deduplicated.
    entities: Vec<u64>,
    /// Hashes of reported figures, sorted and deduplicated.
    figures: Vec<u64>,
    time: Option<i64>,
}

impl Profile<'_> {
    /// Weighted mix of term cosine, shared figures and entity Jaccard; a signal
    /// missing on either side drops out and the others are reweighted.
    fn similarity(&self, other: &Profile<'_>) -> f64 {
        let mut total = W_TERMS * cosine(self.vector, other.vector);
        let mut weight = W_TERMS;
        if !self.figures.is_empty() && !other.figures.is_empty() {
            let shared = shared_count(&self.figures, &other.figures);
            let base = self.figures.len().min(other.figures.len()).max(MIN_FIGURES);
            total += W_FIGURES * shared as f64 / base as f64;
            weight += W_FIGURES;
        }
        if !self.entities.is_empty() && !other.entities.is_empty() {
            total += W_ENTITIES * jaccard(&self.entities, &other.entities);
            weight += W_ENTITIES;
        }
        total / weight
    }
}

/// A story being formed: its members (indices into the article list) and the time
/// of its first dated article.
#[derive(Debug)]
struct Cluster {
    members: Vec<usize>,
    start: Option<i64>,
}

impl Cluster {
    /// A cheap screen before the average link: an article far from both the story's
    /// first and its latest article (under half the threshold) cannot join it.
    fn might_take(&self, i: usize, profiles: &[Profile<'_>], threshold: f64) -> bool {
        let ends = [self.members.first(), self.members.last()];
        ends.into_iter()
            .flatten()
            .any(|&m| m == i || profiles[i].similarity(&profiles[m]) >= threshold / 2.0)
    }

    /// Average-link similarity: the mean similarity of article `i` to the members
    /// (other than itself). Unlike a centroid, a story that has grown broad does not
    /// attract everything on its topic.
    fn similarity(&self, i: usize, profiles: &[Profile<'_>]) -> f64 {
        let others: Vec<usize> = self
            .members
            .iter()
            .rev()
            .copied()
            .filter(|&m| m != i)
            .take(LINK_SAMPLE)
            .collect();
        if others.is_empty() {
            return 1.0;
        }
        others
            .iter()
            .map(|&m| profiles[i].similarity(&profiles[m]))
            .sum::<f64>()
            / others.len() as f64
    }
}

/// Dot product of two sorted unit vectors (their cosine).
fn cosine(a: &Vector, b: &Vector) -> f64 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

/// |A ∩ B| / |A ∪ B| of two sorted, deduplicated lists.
fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let shared = shared_count(a, b);
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

/// |A ∩ B| of two sorted, deduplicated lists.
fn shared_count(a: &[u64], b: &[u64]) -> usize {
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

/// Hashes `value` to sorted-list material (FNV, stable across runs).
fn key_hash<T: std::hash::Hash>(value: &T) -> u64 {
    use std::hash::Hasher;
    let mut h = crate::tokens::Fnv::default();
    value.hash(&mut h);
    h.finish()
}

/// Sorts and deduplicates a list of hashes.
fn sorted(mut v: Vec<u64>) -> Vec<u64> {
    v.sort_unstable();
    v.dedup();
    v
}

/// Entity names (and aliases) of people, organisations and products, lower-cased.
/// Places are left out: two stories in one city are not one story.
fn entity_keys(a: &DigestArticle) -> Vec<u64> {
    sorted(
        a.entities
            .iter()
            .filter(|e| e.kind != EntityKind::Place)
            .map(|e| key_hash(&e.name.to_lowercase()))
            .collect(),
    )
}

/// The values an article reports (money, percentages, counts, quantities) as
/// `(unit, mantissa, exponent)` rounded to two significant digits, so `$35.6
/// billion` and `$35.58 billion` (and even a wrong `$35.5 billion`) are one figure.
/// Outlets covering one event repeat its numbers; different events rarely share
/// several.
fn figure_keys(a: &DigestArticle) -> Vec<u64> {
    sorted(
        a.facts
            .iter()
            .filter(|f| {
                matches!(
                    f.kind,
                    FactKind::Money | FactKind::Percent | FactKind::Count | FactKind::Quantity
                )
            })
            .filter_map(|f| {
                let v = f.value?;
                if v == 0.0 || !v.is_finite() {
                    return None;
                }
                let exp = v.abs().log10().floor() as i32 - 1;
                let mantissa = (v / 10f64.powi(exp)).round() as i64;
                Some(key_hash(&(f.unit.as_deref().unwrap_or(""), mantissa, exp)))
            })
            .collect(),
    )
}

/// tf-idf vectors of each article's title (counted twice) and text.
fn term_vectors(arts: &[&DigestArticle]) -> Vec<Vector> {
    let mut sink = TermSink::default();
    let mut vocab: HashMap<String, u32> = HashMap::new();
    let counts: Vec<HashMap<u32, f64>> = arts
        .iter()
        .map(|a| {
            let mut c: HashMap<u32, f64> = HashMap::new();
            let mut add = |s: &str, w: f64, sink: &mut TermSink| {
                sink.terms(s, |t| {
                    let next = vocab.len() as u32;
                    let id = match vocab.get(t) {
                        Some(&id) => id,
                        None => {
                            vocab.insert(t.to_string(), next);
                            next
                        }
                    };
                    *c.entry(id).or_insert(0.0) += w;
                });
            };
            if let Some(t) = &a.title {
                add(t, 2.0, &mut sink);
            }
            add(&a.text, 1.0, &mut sink);
            c
        })
        .collect();
    let mut df: HashMap<u32, usize> = HashMap::new();
    for c in &counts {
        for &t in c.keys() {
            *df.entry(t).or_insert(0) += 1;
        }
    }
    let n = arts.len() as f64;
    counts
        .into_iter()
        .map(|c| {
            let mut v: Vector = c
                .into_iter()
                .map(|(t, tf)| {
                    let idf = (1.0 + n / df.get(&t).copied().unwrap_or(1) as f64).ln();
                    (t, (1.0 + tf.ln()) * idf)
                })
                .collect();
            let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            if norm > 0.0 {
                v.iter_mut().for_each(|(_, w)| *w /= norm);
            }
            v.sort_by_key(|&(t, _)| t);
            v
        })
        .collect()
}

/// For each article, the earlier article it copies, if any.
///
/// Articles come oldest first. For each one, the shingles it shares with every
/// earlier article are counted through a postings list (shingles found in more than
/// [`SHINGLE_MAX_DF`] articles are boilerplate and skipped); if the share of the
/// smaller article's shingles reaches `containment`, it is a copy of the earlier
/// article with the largest share (or of that article's own original).
fn find_copies(arts: &[&DigestArticle], containment: f64) -> Vec<Option<usize>> {
    let shingles: Vec<Vec<u64>> = arts.iter().map(|a| shingle_set(&a.text)).collect();
    let mut postings: crate::tokens::FastMap<u64, Vec<usize>> = Default::default();
    let mut counts: Vec<u32> = vec![0; arts.len()];
    let mut touched: Vec<usize> = Vec::new();
    let mut out: Vec<Option<usize>> = vec![None; arts.len()];
    for (b, mine) in shingles.iter().enumerate() {
        for h in mine {
            if let Some(list) = postings.get(h)
                && list.len() <= SHINGLE_MAX_DF
            {
                for &a in list {
                    if counts[a] == 0 {
                        touched.push(a);
                    }
                    counts[a] += 1;
                }
            }
        }
        let mut best: Option<(f64, usize)> = None;
        for &a in &touched {
            let small = shingles[a].len().min(mine.len());
            let share = if small == 0 {
                0.0
            } else {
                f64::from(counts[a]) / small as f64
            };
            if share >= containment && best.is_none_or(|(s, x)| share > s || (share == s && a < x))
            {
                best = Some((share, a));
            }
            counts[a] = 0;
        }
        touched.clear();
        if let Some((_, a)) = best {
            out[b] = Some(out[a].unwrap_or(a));
        }
        for &h in mine {
            postings.entry(h).or_default().push(b);
        }
    }
    out
}

/// Hashes of the word 5-grams of `text` (words of letters and digits, lower-cased),
/// sorted and deduplicated. A text shorter than five words is one shingle.
fn shingle_set(text: &str) -> Vec<u64> {
    use std::hash::Hasher;
    let words: Vec<u64> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut h = crate::tokens::Fnv::default();
            for c in w.chars().flat_map(char::to_lowercase) {
                h.write_u32(c as u32);
            }
            h.finish()
        })
        .collect();
    let combine = |ws: &[u64]| {
        ws.iter().fold(0xcbf2_9ce4_8422_2325u64, |acc, w| {
            (acc ^ w)
                .wrapping_mul(0x0000_0100_0000_01b3)
                .rotate_left(23)
        })
    };
    if words.is_empty() {
        return Vec::new();
    }
    if words.len() < SHINGLE {
        return vec![combine(&words)];
    }
    sorted(words.windows(SHINGLE).map(combine).collect())
}

/// Builds the story for one cluster and its copies.
#[allow(clippy::too_many_arguments)]
fn tell(
    arts: &[&DigestArticle],
    times: &[Option<i64>],
    copy_of: &[Option<usize>],
    profiles: &[Profile<'_>],
    cluster: &Cluster,
    copies: &[usize],
    now: Option<i64>,
    half_life_hours: f64,
    sentences: usize,
) -> Story {
    let originals = &cluster.members;
    let reports: Vec<figures::Report<'_>> = originals
        .iter()
        .flat_map(|&i| {
            arts[i].facts.iter().map(move |f| figures::Report {
                article_id: arts[i].id,
                source: arts[i].source.as_deref(),
                published: arts[i].published.as_deref(),
                fact: f,
            })
        })
        .collect();
    let key_figures: Vec<KeyFigure> = figures::group(&reports)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    let series = charts::charts(&key_figures);
    // Articles stating a value the others contradict make poor story leads.
    let contradicted: HashSet<i64> = key_figures
        .iter()
        .flat_map(|f| f.variants.iter().filter(|v| v.flagged))
        .flat_map(|v| v.article_ids.iter().copied())
        .collect();
    let best = originals
        .iter()
        .copied()
        .max_by(|&a, &b| {
            let score = |i: usize| {
                let attributed = arts[i]
                    .facts
                    .iter()
                    .filter(|f| f.subject.is_some() && f.metric.is_some())
                    .count() as f64;
                let trust = if contradicted.contains(&arts[i].id) {
                    0.8
                } else {
                    1.0
                };
                cluster.similarity(i, profiles) * (1.0 + 0.1 * (1.0 + attributed).ln()) * trust
            };
            score(a).total_cmp(&score(b)).then(b.cmp(&a))
        })
        .unwrap_or(0);
    let best_art = arts[best];
    let summary = if best_art.summary.is_empty() {
        crate::summarize(
            &best_art.text,
            best_art.title.as_deref(),
            &best_art.facts,
            sentences,
        )
    } else {
        best_art.summary.iter().take(sentences).cloned().collect()
    };
    let headline = best_art
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| crate::lead(&best_art.text, 1).into_iter().next())
        .unwrap_or_else(|| best_art.url.clone());

    let mut members: Vec<usize> = originals.iter().chain(copies).copied().collect();
    members.sort_unstable();
    let source_of = |i: usize| {
        arts[i]
            .source
            .clone()
            .or_else(|| factwire_core::source_of(&arts[i].url))
    };
    let outlets: Vec<Outlet> = members
        .iter()
        .map(|&i| Outlet {
            source: source_of(i),
            article_id: arts[i].id,
            url: arts[i].url.clone(),
            title: arts[i].title.clone(),
            published: arts[i].published.clone(),
            copy_of: copy_of[i].map(|o| arts[o].id),
        })
        .collect();
    let independent_sources: HashSet<String> =
        originals.iter().filter_map(|&i| source_of(i)).collect();
    let copy_sources: HashSet<String> = copies
        .iter()
        .filter_map(|&i| source_of(i))
        .filter(|s| !independent_sources.contains(s))
        .collect();
    let outlet_weight = independent_sources.len().max(1) as f64 + 0.5 * copy_sources.len() as f64;
    let newest = members.iter().filter_map(|&i| times[i]).max();
    let recency = match (now, newest) {
        (Some(now), Some(t)) if half_life_hours > 0.0 => {
            let age_hours = ((now - t) as f64 / 3600.0).max(0.0);
            0.5 + 0.5 * 0.5f64.powf(age_hours / half_life_hours)
        }
        _ => 1.0,
    };
    let dated: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| times[i].is_some())
        .collect();
    let first_published = dated
        .iter()
        .min_by_key(|&&i| times[i])
        .and_then(|&i| arts[i].published.clone());
    let last_published = dated
        .iter()
        .max_by_key(|&&i| times[i])
        .and_then(|&i| arts[i].published.clone());

    let mut mentions: HashMap<&str, u32> = HashMap::new();
    for &i in originals {
        for e in &arts[i].entities {
            *mentions.entry(e.name.as_str()).or_insert(0) += e.mentions.max(1);
        }
    }
    let mut entities: Vec<(&str, u32)> = mentions.into_iter().collect();
    entities.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));

    Story {
        rank: 0,
        headline,
        summary,
        best_article: best_art.id,
        url: best_art.url.clone(),
        score: outlet_weight * recency,
        articles: members.len(),
        independent: originals.len(),
        outlet_count: independent_sources.len() + copy_sources.len(),
        first_published,
        last_published,
        outlets,
        entities: entities
            .into_iter()
            .take(STORY_ENTITIES)
            .map(|(n, _)| n.to_string())
            .collect(),
        key_figures,
        series,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: i64, source: &str, published: &str, title: &str, text: &str) -> DigestArticle {
        DigestArticle {
            id,
            url: format!("https://{source}/{id}"),
            title: Some(title.into()),
            source: Some(source.into()),
            published: Some(published.into()),
            summary: vec![],
            text: text.into(),
            entities: vec![],
            facts: vec![],
        }
    }

    #[test]
    fn copies_are_found_by_shared_shingles() {
        let text = "Acme opened a battery plant in Ohio on Monday, the company said. \
                    It will employ 900 people by the end of next year.";
        let a = article(1, "a.example", "2026-02-01T10:00:00Z", "Acme plant", text);
        let b = article(
            2,
            "b.example",
            "2026-02-01T12:00:00Z",
            "Acme opens plant",
            &format!("{text} (Wire copy.)"),
        );
        let c = article(
            3,
            "c.example",
            "2026-02-01T09:00:00Z",
            "Rain",
            "Heavy rain flooded roads across the valley overnight.",
        );
        let arts = [&c, &a, &b];
        assert_eq!(find_copies(&arts, 0.7), [None, None, Some(1)]);
    }

    #[test]
    fn window_filters_articles_and_undated_stay() {
        let mut a = article(
            1,
            "a.example",
            "2026-01-01T10:00:00Z",
            "Old",
            "Old news here today.",
        );
        let b = article(
            2,
            "a.example",
            "2026-02-01T10:00:00Z",
            "New",
            "New news here today.",
        );
        let opts = DigestOptions {
            since: Some("2026-01-15".into()),
            ..DigestOptions::default()
        };
        assert_eq!(build_digest(&[a.clone(), b.clone()], &opts).articles, 1);
        a.published = None;
        assert_eq!(build_digest(&[a, b], &opts).articles, 2);
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let mut odd = article(1, "a.example", "not a date", "", "");
        odd.title = None;
        odd.source = None;
        odd.url = "javascript:alert(1)".into();
        let mut fact = Fact::new(FactKind::Money, "$5", 900, 902, "");
        fact.value = Some(f64::NAN);
        fact.subject = Some("X".into());
        fact.metric = Some("revenue".into());
        fact.period = Some("2025".into());
        odd.facts = vec![fact];
        let twin = odd.clone();
        let mut short = article(
            2,
            "b.example",
            "2026-02-01T10:00:00+25:99",
            "Ünïcode ✓",
            "Å.",
        );
        short.entities = vec![Entity {
            name: "Å".into(),
            kind: EntityKind::Org,
            aliases: vec![],
            mentions: 0,
        }];
        let d = build_digest(&[odd, twin, short], &DigestOptions::default());
        assert_eq!(d.articles, 3);
        let html = render_html(&d);
        assert!(!html.contains("href=\"javascript:"));
        assert!(render_markdown(&d).contains("Ünïcode ✓"));
    }

    #[test]
    fn empty_input_gives_empty_digest() {
        let d = build_digest(&[], &DigestOptions::default());
        assert!(d.stories.is_empty());
        assert_eq!(d.articles, 0);
    }
}
