//! Turning a [`SearchQuery`](crate::SearchQuery) into a tantivy query.
//!
//! Scoring, from the parsed clauses (see [`crate::parse`]), degrades gracefully: no
//! clause is a tier of its own, every part adds to one score.
//! - every clause is searched in title (stemmed, weight [`W_TITLE`]; exact words
//!   [`W_TITLE_EXACT`]), entities ([`W_ENTITIES`]) and body (stemmed [`W_BODY`]; exact
//!   words [`W_BODY_EXACT`], for quoted phrases only). Each field is BM25-scored with
//!   its own length normalisation, so a word in a short headline already counts more
//!   than one in a long body; the title weight is kept low enough that one ordinary
//!   headline word does not outweigh a body about the query;
//! - a word (or run of words) may be searched as several texts, of which the best
//!   match counts (a disjunction-max, not a sum): its entity aliases (`AWS` for
//!   `Amazon Web Services`) at [`W_SYNONYM`]; members of the caller's thesaurus
//!   groups (`layoffs` for `job cuts`, `centre` for `center`; compared after stemming)
//!   at [`W_THESAURUS`] times the group's weight; related entities (a division's
//!   parent, a parent's divisions) at [`W_RELATED`]. Several plain words that together
//!   spell a member (`amazon web services`, `job cuts`) are taken as one;
//! - plain words are soft: any one is enough, and each one found adds the
//!   coordination bonus [`W_COORD`], so more of the query's words rank higher without
//!   a hard all-words-first tier. Common function and question words (`the`, `of`,
//!   `which`) are not enough on their own. The words' proximity (in order, within a
//!   few words) in body or title earns [`W_NEAR`];
//! - quoted phrases are required; their words near each other in order (within
//!   `PHRASE_SLOP` extra positions) earn [`W_PHRASE_NEAR`] of the weight and the
//!   exact phrase the rest, so exact matches rank first and near ones just below;
//! - `+word` and `field:value` are required; `-x` excludes (with its aliases, not its
//!   thesaurus members);
//! - filters (dates, source, entity) score nothing and only restrict: a document
//!   still needs one of the words;
//! - ranking by relevance does not score every matching document: a flat
//!   disjunction of the words' term queries (the *driver*, which tantivy evaluates
//!   with block-WAND) picks a pool of candidates, and only those are scored by the
//!   full query, phrases and proximity included (see `Ranker::pruned` in the crate
//!   root).

use std::cell::RefCell;
use std::ops::Bound;

use chrono::{DateTime, Days, NaiveDate, Utc};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, Occur,
    PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::query::{EnableScoring, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocId, DocSet, Index as TantivyIndex, Searcher, SeekDangerResult, SegmentReader, Term,
};

use crate::parse::{Clause, Target, parse};
use crate::schema::Fields;
use crate::{Error, Result, SearchQuery};

/// Weight of a match in the stemmed title. A title is short, so BM25's length
/// normalisation already lifts a word found there; the weight stays low enough that
/// one ordinary word in a headline cannot outweigh a body about the query.
pub const W_TITLE: f32 = 1.5;
/// Extra weight of an exact-word match in the title.
pub const W_TITLE_EXACT: f32 = 0.3;
/// Weight of a match in entity names and aliases.
pub const W_ENTITIES: f32 = 1.5;
/// Weight of a match in the stemmed body.
pub const W_BODY: f32 = 1.0;
/// Extra weight of an exact-word match in the body.
pub const W_BODY_EXACT: f32 = 0.5;
/// Factor applied to matches of an alias of the name typed (`AWS` for `Amazon Web
/// Services`): the same entity, so the same weight.
pub const W_SYNONYM: f32 = 1.0;
/// Factor applied to matches of a thesaurus member rather than the word typed
/// (`layoffs` for `job cuts`), times the group's own weight.
pub const W_THESAURUS: f32 = 0.5;
/// Factor applied to matches of a related entity (the parent or a division of the
/// entity typed): related, not equal.
pub const W_RELATED: f32 = 0.35;
/// Weight of the plain words appearing near each other, in order.
pub const W_NEAR: f32 = 1.5;
/// The coordination bonus: what each matched query word (or concept) adds, whatever
/// its BM25 score, so that a story matching more of the query's words ranks above one
/// that repeats fewer of them. It replaces a hard all-words-first tier.
pub const W_COORD: f32 = 1.0;
/// Share of a quoted phrase's weight earned by its words near each other in order
/// (`PHRASE_SLOP`); the exact phrase earns the rest on top.
pub const W_PHRASE_NEAR: f32 = 0.6;
/// How many extra positions a quoted phrase's near match tolerates: one word between
/// two of the phrase's words. Kept at 1 because tantivy's slop also lets words swap
/// places once it reaches 2, and a phrase's order matters.
const PHRASE_SLOP: u32 = 1;
/// How many extra positions the proximity clause tolerates per word.
const NEAR_SLOP_PER_WORD: u32 = 3;

/// The compiled queries plus the terms to highlight in snippets.
pub(crate) struct Compiled {
    /// Any plain word accepted (the more the better: see [`W_COORD`]).
    pub loose: Box<dyn Query>,
    /// `loose` as a plan, for scoring single documents.
    pub loose_plan: Plan,
    /// Positive texts (clauses and their synonyms), for snippet terms.
    pub highlight: Vec<String>,
    /// True when the text part was empty (only filters or exclusions).
    pub match_all: bool,
    /// A cheap stand-in for ranking: every positive word (and each word of a phrase
    /// or synonym) in every field it is searched in, as one flat disjunction of
    /// boosted term queries, which tantivy can evaluate with block-WAND. `None` when
    /// the query has no such words.
    pub driver: Option<Box<dyn Query>>,
    /// The driver's terms of each plain word (or run of words spelling a synonym),
    /// for estimating how many documents hold them all.
    pub soft_terms: Vec<Vec<Term>>,
    /// The query has a quoted phrase (not excluded).
    pub phrase: bool,
    /// The query has exclusions or filters, which documents the driver ranks high
    /// may fail.
    pub selective: bool,
    /// Per source or entity filter: whether it is the entity filter, and the terms
    /// whose document frequencies (summed) bound the documents it lets through.
    pub filter_terms: Vec<FilterBound>,
}

/// A source or entity filter's bound: whether it is the entity filter, and the terms
/// whose summed document frequencies bound the documents it lets through.
pub(crate) type FilterBound = (bool, Vec<Term>);

/// A positive clause with the alternatives it should also match.
struct Concept {
    target: Target,
    /// The text typed first (weight 1), then its aliases, then thesaurus members and
    /// related entities at their lower weights.
    texts: Vec<(String, f32)>,
    /// How many of `texts` name the same thing (the text and its aliases): what an
    /// exclusion excludes.
    equal: usize,
    phrase: bool,
    required: bool,
}

pub(crate) fn compile(
    index: &TantivyIndex,
    searcher: &Searcher,
    f: &Fields,
    q: &SearchQuery,
) -> Result<Compiled> {
    let groups = parse(&q.text).map_err(|e| Error::Query {
        query: q.text.clone(),
        position: Some(e.position),
        message: e.message,
    })?;
    let syn = Expander::new(q);
    let b = Builder { index, f, searcher };

    let mut soft: Vec<Plan> = Vec::new();
    let mut soft_words: Vec<String> = Vec::new();
    let mut stopped: Vec<Plan> = Vec::new();
    let mut clauses: Vec<(Occur, Plan)> = Vec::new();
    let mut highlight = Vec::new();
    let mut driver: Vec<(Term, f32)> = Vec::new();
    let mut soft_terms: Vec<Vec<Term>> = Vec::new();
    let mut phrase = false;

    for concepts in merge_multiword(groups, &syn) {
        // A group is one clause or several OR-ed ones; negation only on single clauses.
        if let [(c, true)] = concepts.as_slice() {
            let query = b.clause(c.target, &c.texts[..c.equal.max(1)], c.phrase)?;
            clauses.push((Occur::MustNot, query));
            continue;
        }
        let mut alternatives: Vec<Plan> = Vec::new();
        let mut required = false;
        let mut terms: Vec<(Term, f32)> = Vec::new();
        for (c, _) in &concepts {
            alternatives.push(b.clause(c.target, &c.texts, c.phrase)?);
            b.driver_terms(c.target, &c.texts, c.phrase, &mut terms)?;
            phrase |= c.phrase;
            required |= c.required || c.phrase || c.target != Target::Any;
            if c.target == Target::Any || c.target == Target::Title || c.target == Target::Entity {
                highlight.extend(c.texts.iter().map(|(t, _)| t.clone()));
            }
        }
        let query = one_or_union(alternatives);
        if required && concepts.len() == 1 {
            clauses.push((Occur::Must, query));
        } else {
            let mut stop = false;
            if let [(c, _)] = concepts.as_slice()
                && c.target == Target::Any
                && !c.phrase
                && let Some((t, _)) = c.texts.first()
            {
                soft_words.push(t.clone());
                stop = is_stop_word(t);
            }
            if stop {
                // "revenue of oracle": `of` alone must not match every document; it
                // still counts in the proximity clause.
                stopped.push(query);
                continue;
            }
            soft.push(query);
            soft_terms.push(terms.iter().map(|(t, _)| t.clone()).collect());
        }
        driver.extend(terms);
    }
    if soft.is_empty() {
        // Nothing but stop words ("the who"): search them after all.
        soft = stopped;
    }

    // Phrases, `+word` and `field:value` make the plain words optional; filters do
    // not (`cloud --since X` must not list every article since X).
    let required_text = clauses.iter().any(|(o, _)| *o == Occur::Must);
    let match_all = soft.is_empty() && !required_text;
    if soft_words.len() >= 2 {
        for field in [f.body_exact, f.title_exact] {
            if let Some(near) = b.near(field, &soft_words)? {
                let near = BoostQuery::new(near, W_NEAR);
                clauses.push((Occur::Should, Plan::Leaf(Box::new(near))));
            }
        }
    }
    if soft.len() >= 2 {
        // Coordination: each word (concept) found adds the same bonus.
        for p in &soft {
            clauses.push((Occur::Should, Plan::Const(Box::new(p.clone()), W_COORD)));
        }
    }
    if match_all {
        clauses.push((Occur::Must, Plan::Leaf(Box::new(AllQuery))));
    }
    let (filters, filter_terms) = filters(&b, q, &syn)?;
    let selective = !filters.is_empty() || clauses.iter().any(|(o, _)| *o == Occur::MustNot);
    for filter in filters {
        clauses.push((Occur::Must, Plan::Const(Box::new(filter), 0.0)));
    }
    let mut all: Vec<(Occur, Plan)> = clauses;
    if !required_text && !soft.is_empty() {
        // Any word, but at least one: one required union (it scores the sum).
        all.push((Occur::Must, one_or_union(soft)));
    } else {
        all.extend(soft.into_iter().map(|p| (Occur::Should, p)));
    }
    let loose_plan = Plan::Bool(all);
    let driver = (!match_all && !driver.is_empty()).then(|| {
        let flat: Vec<(Occur, Box<dyn Query>)> = driver
            .into_iter()
            .map(|(term, boost)| {
                let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), boost)) as Box<dyn Query>,
                )
            })
            .collect();
        Box::new(BooleanQuery::new(flat)) as Box<dyn Query>
    });
    Ok(Compiled {
        loose: loose_plan.to_query(),
        loose_plan,
        highlight,
        match_all,
        driver,
        soft_terms,
        phrase,
        selective,
        filter_terms,
    })
}

/// Common English function words, question words and the filler of questions
/// ("which hyperscaler is growing quickest this year", "what caused the outage",
/// "latest news"), ignored as optional query words: not enough on their own, though
/// they still count in the proximity clause.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "how", "i",
    "in", "into", "is", "it", "its", "latest", "me", "much", "news", "of", "on", "or", "our",
    "recent", "recently", "should", "so", "some", "such", "tell", "than", "that", "the", "their",
    "them", "there", "these", "they", "this", "those", "to", "was", "we", "were", "what", "when",
    "where", "which", "who", "whom", "whose", "why", "will", "with", "would", "you",
];

fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word.to_lowercase().as_str())
}

/// One plan, or the union of several.
fn one_or_union(mut plans: Vec<Plan>) -> Plan {
    if plans.len() == 1
        && let Some(p) = plans.pop()
    {
        return p;
    }
    Plan::Any(plans)
}

/// A query as a tree that can be handed to tantivy ([`Plan::to_query`]) or scored one
/// document at a time by moving each leaf's scorer to that document (see
/// `Ranker::pruned` in the crate root). Both score the same: sums throughout.
pub(crate) enum Plan {
    /// A term, phrase, range or other tantivy query (boosts included).
    Leaf(Box<dyn Query>),
    /// Matches when any part matches; scores the sum of those that do.
    Any(Vec<Plan>),
    /// Tantivy's boolean query: every `Must`, no `MustNot`, and at least one
    /// `Should` when there is no `Must`; scores the sum of the parts that match.
    Bool(Vec<(Occur, Plan)>),
    /// Matches when any part matches; scores the best part (a word and its
    /// alternatives: the best spelling counts, not how many of them a story uses).
    Max(Vec<Plan>),
    /// Matches what its plan matches, scoring a constant (0 for a filter).
    Const(Box<Plan>, f32),
}

impl Clone for Plan {
    fn clone(&self) -> Self {
        match self {
            Plan::Leaf(q) => Plan::Leaf(q.box_clone()),
            Plan::Any(parts) => Plan::Any(parts.clone()),
            Plan::Bool(parts) => Plan::Bool(parts.clone()),
            Plan::Max(parts) => Plan::Max(parts.clone()),
            Plan::Const(p, c) => Plan::Const(p.clone(), *c),
        }
    }
}

impl Plan {
    /// The tantivy query.
    pub(crate) fn to_query(&self) -> Box<dyn Query> {
        match self {
            Plan::Leaf(q) => q.box_clone(),
            Plan::Any(parts) => {
                if let [one] = parts.as_slice() {
                    return one.to_query();
                }
                Box::new(BooleanQuery::union(
                    parts.iter().map(Plan::to_query).collect(),
                ))
            }
            Plan::Bool(parts) => Box::new(BooleanQuery::new(
                parts.iter().map(|(o, p)| (*o, p.to_query())).collect(),
            )),
            Plan::Max(parts) => {
                if let [one] = parts.as_slice() {
                    return one.to_query();
                }
                Box::new(DisjunctionMaxQuery::new(
                    parts.iter().map(Plan::to_query).collect(),
                ))
            }
            Plan::Const(p, c) => Box::new(ConstScoreQuery::new(p.to_query(), *c)),
        }
    }
}

/// A [`Plan`] with tantivy weights at the leaves (search-wide statistics computed
/// once), ready to give per-segment [`PlanScorer`]s.
pub(crate) enum PlanWeight {
    Leaf(Box<dyn Weight>),
    Any(Vec<PlanWeight>),
    Bool(Vec<(Occur, PlanWeight)>),
    Max(Vec<PlanWeight>),
    Const(Box<PlanWeight>, f32),
}

impl PlanWeight {
    pub(crate) fn new(plan: &Plan, scoring: EnableScoring<'_>) -> Result<PlanWeight> {
        Ok(match plan {
            Plan::Leaf(q) => PlanWeight::Leaf(q.weight(scoring)?),
            Plan::Any(parts) => PlanWeight::Any(
                parts
                    .iter()
                    .map(|p| PlanWeight::new(p, scoring))
                    .collect::<Result<_>>()?,
            ),
            Plan::Bool(parts) => PlanWeight::Bool(
                parts
                    .iter()
                    .map(|(o, p)| Ok((*o, PlanWeight::new(p, scoring)?)))
                    .collect::<Result<_>>()?,
            ),
            Plan::Max(parts) => PlanWeight::Max(
                parts
                    .iter()
                    .map(|p| PlanWeight::new(p, scoring))
                    .collect::<Result<_>>()?,
            ),
            Plan::Const(p, c) => PlanWeight::Const(Box::new(PlanWeight::new(p, scoring)?), *c),
        })
    }

    pub(crate) fn scorer(&self, reader: &SegmentReader) -> Result<PlanScorer> {
        Ok(match self {
            PlanWeight::Leaf(w) => {
                // Positioned on document 0 without looking for the first match (which
                // for a phrase can mean scanning most of the segment).
                let (found, scorer) = w.scorer_danger(reader, 0, 1.0)?;
                let (at, next) = match found {
                    SeekDangerResult::Found => (Some(0), 1),
                    SeekDangerResult::SeekLowerBound(lower) => (None, lower),
                };
                PlanScorer::Leaf { scorer, at, next }
            }
            PlanWeight::Any(parts) => PlanScorer::Any(
                parts
                    .iter()
                    .map(|p| p.scorer(reader))
                    .collect::<Result<_>>()?,
            ),
            PlanWeight::Bool(parts) => PlanScorer::Bool(
                parts
                    .iter()
                    .map(|(o, p)| Ok((*o, p.scorer(reader)?)))
                    .collect::<Result<_>>()?,
            ),
            PlanWeight::Max(parts) => PlanScorer::Max(
                parts
                    .iter()
                    .map(|p| p.scorer(reader))
                    .collect::<Result<_>>()?,
            ),
            PlanWeight::Const(p, c) => PlanScorer::Const(Box::new(p.scorer(reader)?), *c),
        })
    }
}

/// Scores single documents of one segment, asked in increasing order: each leaf's
/// scorer only moves forward, to the document asked, so the cost is a few skips and
/// (for phrases) one position check per leaf, never a scan of the documents between.
pub(crate) enum PlanScorer {
    /// A tantivy scorer moved with `seek_danger`, which checks one document without
    /// looking for the next match (a phrase scorer's `seek` would scan on to the next
    /// document where the phrase occurs). `at`: the document the scorer is validly
    /// positioned on, if any; `next`: no document before it matches.
    Leaf {
        scorer: Box<dyn Scorer>,
        at: Option<DocId>,
        next: DocId,
    },
    Any(Vec<PlanScorer>),
    Bool(Vec<(Occur, PlanScorer)>),
    Max(Vec<PlanScorer>),
    Const(Box<PlanScorer>, f32),
}

impl PlanScorer {
    /// The document's score, or `None` when it does not match. `doc` must not be
    /// below any document asked before.
    pub(crate) fn score(&mut self, doc: DocId) -> Option<f32> {
        match self {
            PlanScorer::Leaf { scorer, at, next } => {
                if *at == Some(doc) {
                    return Some(scorer.score());
                }
                if doc < *next {
                    return None;
                }
                match scorer.seek_danger(doc) {
                    SeekDangerResult::Found => {
                        *at = Some(doc);
                        *next = doc.saturating_add(1);
                        Some(scorer.score())
                    }
                    SeekDangerResult::SeekLowerBound(lower) => {
                        *at = None;
                        *next = lower.max(doc.saturating_add(1));
                        None
                    }
                }
            }
            PlanScorer::Any(parts) => parts
                .iter_mut()
                .filter_map(|p| p.score(doc))
                .reduce(|a, b| a + b),
            PlanScorer::Bool(parts) => {
                let mut total = 0.0;
                let mut has_must = false;
                let mut any_should = false;
                for (occur, p) in parts.iter_mut() {
                    match occur {
                        Occur::Must => {
                            has_must = true;
                            total += p.score(doc)?;
                        }
                        Occur::MustNot => {
                            if p.score(doc).is_some() {
                                return None;
                            }
                        }
                        Occur::Should => {
                            if let Some(x) = p.score(doc) {
                                total += x;
                                any_should = true;
                            }
                        }
                    }
                }
                (has_must || any_should).then_some(total)
            }
            PlanScorer::Max(parts) => parts
                .iter_mut()
                .filter_map(|p| p.score(doc))
                .reduce(f32::max),
            PlanScorer::Const(p, c) => p.score(doc).map(|_| *c),
        }
    }
}

/// Date, source and entity filters.
/// Also returns, per source or entity filter, whether it is the entity filter and the
/// terms whose document frequencies bound how many documents it lets through.
fn filters(
    b: &Builder<'_>,
    q: &SearchQuery,
    syn: &Expander,
) -> Result<(Vec<Plan>, Vec<FilterBound>)> {
    let mut out: Vec<Plan> = Vec::new();
    let mut bounds: Vec<FilterBound> = Vec::new();
    let since = q
        .since
        .as_deref()
        .map(|s| parse_bound(s, false))
        .transpose()?;
    let until = q
        .until
        .as_deref()
        .map(|s| parse_bound(s, true))
        .transpose()?;
    if since.is_some() || until.is_some() {
        let term = |t: tantivy::DateTime| Term::from_field_date_for_search(b.f.published, t);
        let lower = since.map_or(Bound::Unbounded, |(t, _)| Bound::Included(term(t)));
        let upper = until.map_or(Bound::Unbounded, |(t, exclusive)| {
            if exclusive {
                Bound::Excluded(term(t))
            } else {
                Bound::Included(term(t))
            }
        });
        out.push(Plan::Leaf(Box::new(RangeQuery::new(lower, upper))));
    }
    if let Some(source) = q.source.as_deref().filter(|s| !s.trim().is_empty()) {
        let value = normalize_source(source);
        out.push(Plan::Leaf(b.raw(b.f.source, &value)));
        bounds.push((false, vec![Term::from_field_text(b.f.source, &value)]));
    }
    if let Some(entity) = q.entity.as_deref().filter(|s| !s.trim().is_empty()) {
        let (texts, _) = syn.expand(entity, false);
        out.push(b.clause(Target::Entity, &texts, true)?);
        let mut terms = Vec::new();
        b.driver_terms(Target::Entity, &texts, true, &mut terms)?;
        bounds.push((true, terms.into_iter().map(|(t, _)| t).collect()));
    }
    Ok((out, bounds))
}

/// Parses a filter date. Returns the instant and, for `until`, whether it is exclusive
/// (a bare `until` date runs to the end of its day).
fn parse_bound(s: &str, until: bool) -> Result<(tantivy::DateTime, bool)> {
    let v = s.trim();
    let bad = || Error::InvalidDate {
        value: s.to_string(),
    };
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        let day = if until {
            d.checked_add_days(Days::new(1)).ok_or_else(bad)?
        } else {
            d
        };
        let secs = day
            .and_hms_opt(0, 0, 0)
            .ok_or_else(bad)?
            .and_utc()
            .timestamp();
        return Ok((tantivy::DateTime::from_timestamp_secs(secs), until));
    }
    let t = DateTime::parse_from_rfc3339(v).map_err(|_| bad())?;
    Ok((
        tantivy::DateTime::from_timestamp_secs(t.with_timezone(&Utc).timestamp()),
        false,
    ))
}

/// Parses a stored or filter `published` value (RFC 3339 or a bare date).
pub(crate) fn parse_published(s: &str) -> Option<tantivy::DateTime> {
    parse_bound(s, false).ok().map(|(t, _)| t)
}

/// Hosts are compared lower-case and without `www.`.
pub(crate) fn normalize_source(s: &str) -> String {
    let s = s.trim().to_lowercase();
    s.strip_prefix("www.").unwrap_or(&s).to_string()
}

struct Builder<'a> {
    index: &'a TantivyIndex,
    f: &'a Fields,
    /// For document frequencies (see [`Builder::title_idf_factor`]).
    searcher: &'a Searcher,
}

impl Builder<'_> {
    /// One clause (with its alternatives) against its target fields.
    /// `phrase`: the user quoted it, so exact word forms in the body earn a bonus
    /// (for plain words that bonus is not worth scanning the body twice).
    fn clause(&self, target: Target, texts: &[(String, f32)], phrase: bool) -> Result<Plan> {
        let f = self.f;
        let fields = self.fields(target);
        match target {
            Target::Any | Target::Title | Target::Entity => {}
            Target::Source | Target::Metric => {
                let field = if target == Target::Source {
                    f.source
                } else {
                    f.metrics
                };
                let qs = texts
                    .iter()
                    .map(|(t, _)| {
                        let v = if target == Target::Source {
                            normalize_source(t)
                        } else {
                            t.trim().to_lowercase()
                        };
                        Plan::Leaf(self.raw(field, &v))
                    })
                    .collect();
                return Ok(one_or_union(qs));
            }
        }
        let mut alternatives: Vec<Plan> = Vec::new();
        for (text, weight) in texts {
            let mut parts: Vec<Plan> = Vec::new();
            for &(field, w) in &fields {
                if field == f.body_exact && !phrase {
                    continue;
                }
                let boost = w * weight;
                if phrase && field != f.entities && self.terms(field, text)?.len() > 1 {
                    // A quoted phrase: its words near each other in order earn most
                    // of the weight, the exact phrase the rest on top.
                    if let (Some(near), Some(exact)) = (
                        self.text(field, text, PHRASE_SLOP)?,
                        self.text(field, text, 0)?,
                    ) {
                        let near = BoostQuery::new(near, boost * W_PHRASE_NEAR);
                        let exact = BoostQuery::new(exact, boost * (1.0 - W_PHRASE_NEAR));
                        parts.push(Plan::Bool(vec![
                            (Occur::Must, Plan::Leaf(Box::new(near))),
                            (Occur::Should, Plan::Leaf(Box::new(exact))),
                        ]));
                    }
                    continue;
                }
                if let Some(q) = self.text(field, text, 0)? {
                    let boost = boost * self.title_idf_factor(field, text)?;
                    parts.push(Plan::Leaf(Box::new(BoostQuery::new(q, boost))));
                }
            }
            if !parts.is_empty() {
                alternatives.push(one_or_union(parts));
            }
        }
        if alternatives.is_empty() {
            // Only punctuation: matches nothing rather than everything.
            return Ok(Plan::Leaf(Box::new(EmptyQuery)));
        }
        if alternatives.len() == 1
            && let Some(one) = alternatives.pop()
        {
            return Ok(one);
        }
        Ok(Plan::Max(alternatives))
    }

    /// The text fields a target searches, with their weights.
    fn fields(&self, target: Target) -> Vec<(Field, f32)> {
        let f = self.f;
        match target {
            Target::Any => vec![
                (f.title, W_TITLE),
                (f.title_exact, W_TITLE_EXACT),
                (f.entities, W_ENTITIES),
                (f.body, W_BODY),
                (f.body_exact, W_BODY_EXACT),
            ],
            Target::Title => vec![(f.title, W_TITLE), (f.title_exact, W_TITLE_EXACT)],
            Target::Entity => vec![(f.entities, W_ENTITIES)],
            Target::Source | Target::Metric => Vec::new(),
        }
    }

    /// Every word of a clause's texts, per field it searches, with the weight its
    /// clause gives it (see [`Compiled::driver`]).
    fn driver_terms(
        &self,
        target: Target,
        texts: &[(String, f32)],
        phrase: bool,
        out: &mut Vec<(Term, f32)>,
    ) -> Result<()> {
        for (text, weight) in texts {
            for (field, w) in self.fields(target) {
                if field == self.f.body_exact && !phrase {
                    continue;
                }
                let factor = self.title_idf_factor(field, text)?;
                for (_, term) in self.terms(field, text)? {
                    out.push((term, w * weight * factor));
                }
            }
        }
        Ok(())
    }

    /// `text` analysed for `field`: a term, a phrase, or nothing.
    fn text(&self, field: Field, text: &str, slop: u32) -> Result<Option<Box<dyn Query>>> {
        let terms = self.terms(field, text)?;
        Ok(match terms.len() {
            0 => None,
            1 => terms.into_iter().next().map(|(_, t)| {
                Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn Query>
            }),
            _ => Some(Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))),
        })
    }

    /// BM25F gives a word one idf whatever field it is found in; tantivy scores each
    /// field with that field's own. Titles are short and few words occur in many of
    /// them, so a common word ("power", "growth") is rare *among titles* and its title
    /// match would outweigh a body about the query. This factor brings a single-word
    /// title match down to the word's idf in the body (never up): idf(body) /
    /// idf(title), at most 1. Other fields and multi-word texts: 1.
    fn title_idf_factor(&self, field: Field, text: &str) -> Result<f32> {
        let body = if field == self.f.title {
            self.f.body
        } else if field == self.f.title_exact {
            self.f.body_exact
        } else {
            return Ok(1.0);
        };
        let (Some((_, title_term)), Some((_, body_term))) = (
            self.terms(field, text)?.into_iter().next(),
            self.terms(body, text)?.into_iter().next(),
        ) else {
            return Ok(1.0);
        };
        let n = self.searcher.num_docs() as f32;
        let idf = |df: u64| {
            let df = df as f32;
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        };
        let in_title = self.searcher.doc_freq(&title_term)?;
        let in_body = self.searcher.doc_freq(&body_term)?;
        // The word's document frequency over both fields is at least the larger one.
        let title_idf = idf(in_title);
        if title_idf <= 0.0 {
            return Ok(1.0);
        }
        Ok((idf(in_body.max(in_title)) / title_idf).clamp(0.0, 1.0))
    }

    /// The plain words in order, near each other.
    fn near(&self, field: Field, words: &[String]) -> Result<Option<Box<dyn Query>>> {
        let joined = words.join(" ");
        let terms = self.terms(field, &joined)?;
        if terms.len() < 2 {
            return Ok(None);
        }
        let slop = NEAR_SLOP_PER_WORD * u32::try_from(terms.len()).unwrap_or(u32::MAX / 4);
        Ok(Some(Box::new(PhraseQuery::new_with_offset_and_slop(
            terms, slop,
        ))))
    }

    fn terms(&self, field: Field, text: &str) -> Result<Vec<(usize, Term)>> {
        let mut analyzer = self.index.tokenizer_for_field(field)?;
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let tok = stream.token();
            out.push((tok.position, Term::from_field_text(field, &tok.text)));
        }
        Ok(out)
    }

    fn raw(&self, field: Field, value: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        ))
    }
}

/// Groups of interchangeable texts, with a weight per group, looked up by key.
struct Synonyms {
    groups: Vec<Group>,
    /// The most words a member has.
    max_words: usize,
    /// For stemmed keys (the thesaurus); names are only lower-cased.
    stemmer: Option<RefCell<TextAnalyzer>>,
}

struct Group {
    /// `(key, text)` per member.
    members: Vec<(String, String)>,
    weight: f32,
}

impl Synonyms {
    fn new<'a>(groups: impl IntoIterator<Item = (&'a [String], f32)>, stem: bool) -> Self {
        let mut out = Synonyms {
            groups: Vec::new(),
            max_words: 0,
            stemmer: stem.then(|| RefCell::new(crate::schema::english_analyzer())),
        };
        for (members, weight) in groups {
            let mut g = Group {
                members: Vec::new(),
                weight,
            };
            for m in members {
                let k = out.key(m);
                if !k.is_empty() && !g.members.iter().any(|(x, _)| *x == k) {
                    out.max_words = out.max_words.max(m.split_whitespace().count());
                    g.members.push((k, m.trim().to_string()));
                }
            }
            if g.members.len() >= 2 {
                out.groups.push(g);
            }
        }
        out
    }

    /// Lower-cased and whitespace-folded; for the thesaurus also stemmed, so
    /// `tumbled` and `tumble` meet.
    fn key(&self, s: &str) -> String {
        let Some(stemmer) = &self.stemmer else {
            return key(s);
        };
        let mut analyzer = stemmer.borrow_mut();
        let mut stream = analyzer.token_stream(s);
        let mut words: Vec<String> = Vec::new();
        while stream.advance() {
            words.push(stream.token().text.clone());
        }
        words.join(" ")
    }

    /// Every other member of every group holding `text`, with its group's weight.
    fn others(&self, text: &str, out: &mut Vec<(String, f32)>, factor: f32) {
        let k = self.key(text);
        if k.is_empty() {
            return;
        }
        for g in self
            .groups
            .iter()
            .filter(|g| g.members.iter().any(|(x, _)| *x == k))
        {
            for (_, mt) in g.members.iter().filter(|(x, _)| *x != k) {
                if out.len() >= MAX_ALTERNATIVES {
                    return;
                }
                let seen = out.iter().any(|(t, _)| key(t) == key(mt));
                if !seen {
                    out.push((mt.clone(), factor * g.weight));
                }
            }
        }
    }

    /// How many of `words` (at least two) from the start spell one member, if any.
    fn multiword_prefix(&self, words: &[String]) -> Option<usize> {
        let longest = words.len().min(self.max_words);
        (2..=longest).rev().find(|&n| {
            let k = self.key(&words[..n].join(" "));
            self.groups
                .iter()
                .any(|g| g.members.iter().any(|(x, _)| *x == k))
        })
    }
}

/// The most texts one query word is searched as (itself included).
const MAX_ALTERNATIVES: usize = 16;

/// A query's three sources of alternatives: entity aliases (equal), the thesaurus
/// (lower), related entities (lower still).
struct Expander {
    aliases: Synonyms,
    thesaurus: Synonyms,
    related: Synonyms,
}

impl Expander {
    fn new(q: &SearchQuery) -> Self {
        Expander {
            aliases: Synonyms::new(q.synonyms.iter().map(|g| (g.as_slice(), 1.0)), false),
            thesaurus: Synonyms::new(
                q.thesaurus
                    .iter()
                    .map(|(g, w)| (g.as_slice(), w.clamp(0.0, 1.0))),
                true,
            ),
            related: Synonyms::new(q.related.iter().map(|g| (g.as_slice(), 1.0)), false),
        }
    }

    /// The text itself (weight 1) and its aliases ([`W_SYNONYM`]); with `all`, then
    /// the thesaurus ([`W_THESAURUS`]) and related entities ([`W_RELATED`]). Also
    /// how many of them are the text and its aliases.
    fn expand(&self, text: &str, all: bool) -> (Vec<(String, f32)>, usize) {
        let mut out = vec![(text.to_string(), 1.0)];
        self.aliases.others(text, &mut out, W_SYNONYM);
        let equal = out.len();
        if all {
            self.thesaurus.others(text, &mut out, W_THESAURUS);
            self.related.others(text, &mut out, W_RELATED);
        }
        (out, equal)
    }

    /// The longest run of words from the start that spells a name or a thesaurus
    /// member, in words.
    fn multiword_prefix(&self, words: &[String]) -> Option<usize> {
        if words.len() < 2 {
            return None;
        }
        [&self.aliases, &self.thesaurus, &self.related]
            .iter()
            .filter_map(|s| s.multiword_prefix(words))
            .max()
    }
}

fn key(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Turns parsed groups into concept groups, expanding synonyms and merging runs of
/// plain words that spell a multi-word synonym. The flag is `negated`.
fn merge_multiword(groups: Vec<Vec<Clause>>, syn: &Expander) -> Vec<Vec<(Concept, bool)>> {
    let plain = |g: &[Clause]| matches!(g, [c] if c.target == Target::Any && !c.phrase && !c.negated && !c.required);
    let mut out = Vec::new();
    let mut i = 0;
    while i < groups.len() {
        // Collect the run of plain single words starting here.
        let run: Vec<String> = groups[i..]
            .iter()
            .take_while(|g| plain(g))
            .filter_map(|g| g.first().map(|c| c.text.clone()))
            .collect();
        if let Some(n) = syn.multiword_prefix(&run) {
            let text = run[..n].join(" ");
            let (texts, equal) = syn.expand(&text, true);
            out.push(vec![(
                Concept {
                    target: Target::Any,
                    texts,
                    equal,
                    phrase: false,
                    required: false,
                },
                false,
            )]);
            i += n;
            continue;
        }
        let concepts = groups[i]
            .iter()
            .map(|c| {
                let (texts, equal) = match c.target {
                    // A negated word excludes itself and its aliases only.
                    Target::Any => syn.expand(&c.text, !c.negated),
                    Target::Entity | Target::Title => syn.expand(&c.text, false),
                    Target::Source | Target::Metric => (vec![(c.text.clone(), 1.0)], 1),
                };
                (
                    Concept {
                        target: c.target,
                        texts,
                        equal,
                        phrase: c.phrase,
                        required: c.required,
                    },
                    c.negated,
                )
            })
            .collect();
        out.push(concepts);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(v: &[&[&str]]) -> Vec<Vec<String>> {
        v.iter()
            .map(|g| g.iter().map(|s| (*s).to_string()).collect())
            .collect()
    }

    #[test]
    fn synonyms_expand_both_ways() {
        let q = SearchQuery {
            synonyms: groups(&[&["Amazon Web Services", "AWS"]]),
            ..Default::default()
        };
        let s = Expander::new(&q);
        let (e, equal) = s.expand("aws", true);
        assert_eq!((e.len(), equal), (2, 2));
        assert_eq!(e[1], ("Amazon Web Services".to_string(), W_SYNONYM));
        let (e, _) = s.expand("Amazon  Web Services", true);
        assert_eq!(e[1].0, "AWS");
        assert_eq!(s.expand("azure", true).0.len(), 1);
        let words: Vec<String> = ["amazon", "web", "services", "growth"]
            .map(String::from)
            .to_vec();
        assert_eq!(s.multiword_prefix(&words), Some(3));
        assert_eq!(s.multiword_prefix(&words[1..]), None);
    }

    #[test]
    fn thesaurus_is_stemmed_weighted_and_below_aliases() {
        let q = SearchQuery {
            thesaurus: vec![
                (
                    groups(&[&["layoffs", "job cuts", "redundancies"]])[0].clone(),
                    1.0,
                ),
                (groups(&[&["decline", "tumble", "slump"]])[0].clone(), 0.5),
            ],
            related: groups(&[&["Amazon Web Services", "AWS", "Amazon"]]),
            synonyms: groups(&[&["Amazon Web Services", "AWS"]]),
            ..Default::default()
        };
        let s = Expander::new(&q);
        // "tumbled" meets "tumble" through the stemmer; the group's weight applies.
        let (e, equal) = s.expand("Tumbled", true);
        assert_eq!(equal, 1);
        assert!(
            e.iter()
                .any(|(t, w)| t == "slump" && *w == W_THESAURUS * 0.5),
            "{e:?}"
        );
        // A run of words spelling a member is one concept.
        let words: Vec<String> = ["job", "cuts", "at", "hp"].map(String::from).to_vec();
        assert_eq!(s.multiword_prefix(&words), Some(2));
        let (e, _) = s.expand("job cuts", true);
        assert!(e.iter().any(|(t, w)| t == "layoffs" && *w == W_THESAURUS));
        // Aliases are equal, the parent is related; exclusions see neither thesaurus
        // nor relations.
        let (e, equal) = s.expand("AWS", true);
        assert_eq!(equal, 2);
        assert!(
            e.iter().any(|(t, w)| t == "Amazon" && *w == W_RELATED),
            "{e:?}"
        );
        assert_eq!(s.expand("AWS", false).0.len(), 2);
        const { assert!(W_RELATED < W_THESAURUS && W_THESAURUS < W_SYNONYM) };
    }

    #[test]
    fn stop_words() {
        assert!(is_stop_word("The") && is_stop_word("of"));
        assert!(!is_stop_word("cloud"));
    }

    #[test]
    fn bounds() {
        let (t, excl) = parse_bound("2026-02-05", true).unwrap();
        assert!(excl);
        assert_eq!(t.into_timestamp_secs(), 1_770_336_000); // 2026-02-06T00:00:00Z
        let (t, excl) = parse_bound("2026-02-05T01:00:00+01:00", true).unwrap();
        assert!(!excl);
        assert_eq!(t.into_timestamp_secs(), 1_770_249_600);
        assert!(parse_bound("tomorrow", false).is_err());
    }

    #[test]
    fn sources_are_normalized() {
        assert_eq!(normalize_source(" WWW.Example.com "), "example.com");
    }
}
