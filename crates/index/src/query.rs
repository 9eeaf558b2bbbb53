//! Turning a [`SearchQuery`](crate::SearchQuery) into a tantivy query.
//!
//! Scoring, from the parsed clauses (see [`crate::parse`]):
//! - every clause is searched in title (stemmed, weight [`W_TITLE`]; exact words
//!   [`W_TITLE_EXACT`]), entities ([`W_ENTITIES`]) and body (stemmed [`W_BODY`]; exact
//!   words [`W_BODY_EXACT`], for quoted phrases only), so title > entities > body;
//! - a clause that equals a member of a synonym group (`AWS`, `Amazon Web Services`)
//!   also matches the other members, at [`W_SYNONYM`] of the weight; several plain
//!   words that together spell a member (`amazon web services`) are taken as one.
//!   Besides the caller's groups (entity aliases), a few built-in groups of
//!   business-news vocabulary apply ([`DOMAIN_SYNONYMS`]): `Q4` = `fourth quarter`,
//!   `capex` = `capital expenditures`, `data center` = `data centre`, and so on, so
//!   the way an analyst abbreviates does not hide the article that spells it out;
//! - plain words: documents with all of them come first (a *strict* query, every word
//!   required), then, if that gives fewer hits than the limit, documents with any of
//!   them (a *loose* query); common function words (`the`, `of`) are not enough on
//!   their own. The words' proximity (in order, within a few words) in body or title
//!   earns [`W_NEAR`];
//! - phrases, `+word` and `field:value` are required; `-x` excludes;
//! - filters (dates, source, entity) score nothing and only restrict: a document
//!   still needs one of the words;
//! - ranking by relevance does not score every matching document: a flat
//!   disjunction of the words' term queries (the *driver*, which tantivy evaluates
//!   with block-WAND) picks a pool of candidates, and only those are scored by the
//!   full query, phrases and proximity included (see `Ranker::pruned` in the crate
//!   root).

use std::ops::Bound;

use chrono::{DateTime, Days, NaiveDate, Utc};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::query::{EnableScoring, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Index as TantivyIndex, SeekDangerResult, SegmentReader, Term};

use crate::parse::{Clause, Target, parse};
use crate::schema::Fields;
use crate::{Error, Result, SearchQuery};

/// Weight of a match in the stemmed title.
pub const W_TITLE: f32 = 3.0;
/// Extra weight of an exact-word match in the title.
pub const W_TITLE_EXACT: f32 = 1.0;
/// Weight of a match in entity names and aliases.
pub const W_ENTITIES: f32 = 2.0;
/// Weight of a match in the stemmed body.
pub const W_BODY: f32 = 1.0;
/// Extra weight of an exact-word match in the body.
pub const W_BODY_EXACT: f32 = 0.5;
/// Factor applied to matches of a synonym rather than the word typed.
pub const W_SYNONYM: f32 = 0.8;
/// Weight of the plain words appearing near each other, in order.
pub const W_NEAR: f32 = 1.5;
/// How many extra positions the proximity clause tolerates per word.
const NEAR_SLOP_PER_WORD: u32 = 3;

/// The compiled queries plus the terms to highlight in snippets.
pub(crate) struct Compiled {
    /// Every plain word required; `None` when there are fewer than two.
    pub strict: Option<Box<dyn Query>>,
    /// `strict` as a plan, for scoring single documents.
    pub strict_plan: Option<Plan>,
    /// Any plain word accepted.
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
    texts: Vec<(String, f32)>,
    phrase: bool,
    required: bool,
}

pub(crate) fn compile(index: &TantivyIndex, f: &Fields, q: &SearchQuery) -> Result<Compiled> {
    let groups = parse(&q.text).map_err(|e| Error::Query {
        query: q.text.clone(),
        position: Some(e.position),
        message: e.message,
    })?;
    let domain: Vec<Vec<String>> = DOMAIN_SYNONYMS
        .iter()
        .map(|g| g.iter().map(|s| (*s).to_string()).collect())
        .collect();
    let syn = Synonyms::new(q.synonyms.iter().chain(&domain));
    let b = Builder { index, f };

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
            let query = b.clause(c.target, &c.texts, c.phrase)?;
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
                stop = c.texts.len() == 1 && is_stop_word(t);
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
    if match_all {
        clauses.push((Occur::Must, Plan::Leaf(Box::new(AllQuery))));
    }
    let (filters, filter_terms) = filters(&b, q, &syn)?;
    let selective = !filters.is_empty() || clauses.iter().any(|(o, _)| *o == Occur::MustNot);
    for filter in filters {
        clauses.push((Occur::Must, Plan::Filter(Box::new(filter))));
    }
    let with_soft = |occur: Occur| -> Plan {
        let mut all: Vec<(Occur, Plan)> = clauses.clone();
        if occur == Occur::Should && !required_text && !soft.is_empty() {
            // Any word, but at least one: one required union (it scores the sum).
            all.push((Occur::Must, one_or_union(soft.clone())));
        } else {
            all.extend(soft.iter().map(|p| (occur, p.clone())));
        }
        Plan::Bool(all)
    };
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
    let strict_plan = (soft.len() >= 2).then(|| with_soft(Occur::Must));
    let loose_plan = with_soft(Occur::Should);
    Ok(Compiled {
        strict: strict_plan.as_ref().map(Plan::to_query),
        strict_plan,
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

/// Built-in equivalences of business-news vocabulary, added to the caller's synonym
/// groups (entity aliases): quarter abbreviations, spelling variants and the usual
/// short forms analysts type. Matched whole, case-insensitively, like any synonym.
pub(crate) const DOMAIN_SYNONYMS: &[&[&str]] = &[
    &["q1", "first quarter"],
    &["q2", "second quarter"],
    &["q3", "third quarter"],
    &["q4", "fourth quarter"],
    &["fy", "fiscal year"],
    &[
        "capex",
        "capital expenditure",
        "capital expenditures",
        "capital spending",
    ],
    &["opex", "operating expenses"],
    &["rpo", "remaining performance obligations"],
    &["data center", "data centre", "datacenter", "datacentre"],
    &["data centers", "data centres", "datacenters", "datacentres"],
    &["layoffs", "job cuts"],
];

/// Common English function words, ignored as optional query words.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into",
    "is", "it", "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "were",
    "will", "with",
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
    /// Matches what its plan matches, scoring nothing (a filter).
    Filter(Box<Plan>),
}

impl Clone for Plan {
    fn clone(&self) -> Self {
        match self {
            Plan::Leaf(q) => Plan::Leaf(q.box_clone()),
            Plan::Any(parts) => Plan::Any(parts.clone()),
            Plan::Bool(parts) => Plan::Bool(parts.clone()),
            Plan::Filter(p) => Plan::Filter(p.clone()),
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
            Plan::Filter(p) => Box::new(ConstScoreQuery::new(p.to_query(), 0.0)),
        }
    }
}

/// A [`Plan`] with tantivy weights at the leaves (search-wide statistics computed
/// once), ready to give per-segment [`PlanScorer`]s.
pub(crate) enum PlanWeight {
    Leaf(Box<dyn Weight>),
    Any(Vec<PlanWeight>),
    Bool(Vec<(Occur, PlanWeight)>),
    Filter(Box<PlanWeight>),
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
            Plan::Filter(p) => PlanWeight::Filter(Box::new(PlanWeight::new(p, scoring)?)),
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
            PlanWeight::Filter(p) => PlanScorer::Filter(Box::new(p.scorer(reader)?)),
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
    Filter(Box<PlanScorer>),
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
            PlanScorer::Filter(p) => p.score(doc).map(|_| 0.0),
        }
    }
}

/// Date, source and entity filters.
/// Also returns, per source or entity filter, whether it is the entity filter and the
/// terms whose document frequencies bound how many documents it lets through.
fn filters(
    b: &Builder<'_>,
    q: &SearchQuery,
    syn: &Synonyms,
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
        let texts = syn.expand(entity);
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
        let mut parts: Vec<Plan> = Vec::new();
        for (text, weight) in texts {
            for &(field, w) in &fields {
                if field == f.body_exact && !phrase {
                    continue;
                }
                if let Some(q) = self.text(field, text, 0)? {
                    parts.push(Plan::Leaf(Box::new(BoostQuery::new(q, w * weight))));
                }
            }
        }
        if parts.is_empty() {
            // Only punctuation: matches nothing rather than everything.
            return Ok(Plan::Leaf(Box::new(EmptyQuery)));
        }
        Ok(one_or_union(parts))
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
                for (_, term) in self.terms(field, text)? {
                    out.push((term, w * weight));
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

/// Lower-cased, whitespace-folded synonym groups.
struct Synonyms {
    groups: Vec<Vec<String>>,
    /// Every member of two words or more, split into its words.
    multiword: Vec<Vec<String>>,
}

impl Synonyms {
    fn new<'a>(groups: impl IntoIterator<Item = &'a Vec<String>>) -> Self {
        let groups: Vec<Vec<String>> = groups
            .into_iter()
            .map(|g| g.iter().map(|s| key(s)).filter(|s| !s.is_empty()).collect())
            .filter(|g: &Vec<String>| g.len() >= 2)
            .collect();
        let multiword = groups
            .iter()
            .flatten()
            .filter(|m| m.contains(' '))
            .map(|m| m.split(' ').map(str::to_string).collect())
            .collect();
        Synonyms { groups, multiword }
    }

    /// The text itself (weight 1) plus every synonym (weight [`W_SYNONYM`]).
    fn expand(&self, text: &str) -> Vec<(String, f32)> {
        let k = key(text);
        let mut out = vec![(text.to_string(), 1.0)];
        for g in self.groups.iter().filter(|g| g.contains(&k)) {
            for m in g.iter().filter(|m| **m != k) {
                if !out.iter().any(|(t, _)| key(t) == *m) {
                    out.push((m.clone(), W_SYNONYM));
                }
            }
        }
        out
    }

    /// The longest multi-word member that `words` starts with, in words.
    fn multiword_prefix(&self, words: &[String]) -> Option<usize> {
        if words.len() < 2 {
            return None;
        }
        let keys: Vec<String> = words.iter().map(|w| key(w)).collect();
        self.multiword
            .iter()
            .filter(|parts| parts.len() <= keys.len())
            .filter(|parts| parts.iter().zip(&keys).all(|(p, w)| p == w))
            .map(Vec::len)
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
fn merge_multiword(groups: Vec<Vec<Clause>>, syn: &Synonyms) -> Vec<Vec<(Concept, bool)>> {
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
            out.push(vec![(
                Concept {
                    target: Target::Any,
                    texts: syn.expand(&text),
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
                let texts = match c.target {
                    Target::Any | Target::Entity | Target::Title => syn.expand(&c.text),
                    Target::Source | Target::Metric => vec![(c.text.clone(), 1.0)],
                };
                (
                    Concept {
                        target: c.target,
                        texts,
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

    #[test]
    fn synonyms_expand_both_ways() {
        let s = Synonyms::new(&[vec!["Amazon Web Services".into(), "AWS".into()]]);
        assert_eq!(s.multiword, [["amazon", "web", "services"]]);
        let e = s.expand("aws");
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].0, "amazon web services");
        let e = s.expand("Amazon  Web Services");
        assert_eq!(e[1].0, "aws");
        assert_eq!(s.expand("azure").len(), 1);
        let words: Vec<String> = ["amazon", "web", "services", "growth"]
            .map(String::from)
            .to_vec();
        assert_eq!(s.multiword_prefix(&words), Some(3));
        assert_eq!(s.multiword_prefix(&words[1..]), None);
    }

    #[test]
    fn domain_vocabulary_is_expanded() {
        let groups: Vec<Vec<String>> = DOMAIN_SYNONYMS
            .iter()
            .map(|g| g.iter().map(|s| (*s).to_string()).collect())
            .collect();
        let s = Synonyms::new(&groups);
        let q4: Vec<String> = s.expand("Q4").into_iter().map(|(t, _)| t).collect();
        assert_eq!(q4, ["Q4", "fourth quarter"]);
        let capex = s.expand("Capital  Expenditures");
        assert!(capex.iter().any(|(t, w)| t == "capex" && *w == W_SYNONYM));
        let words: Vec<String> = ["data", "centre", "power"].map(String::from).to_vec();
        assert_eq!(s.multiword_prefix(&words), Some(2));
        // Every built-in group is a real group: two or more distinct members.
        assert_eq!(s.groups.len(), DOMAIN_SYNONYMS.len());
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
