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
//! - filters (dates, source, entity) score nothing and only restrict.

use std::ops::Bound;

use chrono::{DateTime, Days, NaiveDate, Utc};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Index as TantivyIndex, Term};

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
    /// Any plain word accepted.
    pub loose: Box<dyn Query>,
    /// Positive texts (clauses and their synonyms), for snippet terms.
    pub highlight: Vec<String>,
    /// True when the text part was empty (only filters or exclusions).
    pub match_all: bool,
}

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

    let mut soft: Vec<Box<dyn Query>> = Vec::new();
    let mut soft_words: Vec<String> = Vec::new();
    let mut stopped: Vec<Box<dyn Query>> = Vec::new();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut highlight = Vec::new();

    for concepts in merge_multiword(groups, &syn) {
        // A group is one clause or several OR-ed ones; negation only on single clauses.
        if let [(c, true)] = concepts.as_slice() {
            let query = b.clause(c.target, &c.texts, c.phrase)?;
            clauses.push((Occur::MustNot, query));
            continue;
        }
        let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
        let mut required = false;
        for (c, _) in &concepts {
            alternatives.push(b.clause(c.target, &c.texts, c.phrase)?);
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
            } else {
                soft.push(query);
            }
        }
    }
    if soft.is_empty() {
        // Nothing but stop words ("the who"): search them after all.
        soft = stopped;
    }

    let match_all = soft.is_empty() && !clauses.iter().any(|(o, _)| *o == Occur::Must);
    if soft_words.len() >= 2 {
        for field in [f.body_exact, f.title_exact] {
            if let Some(near) = b.near(field, &soft_words)? {
                clauses.push((Occur::Should, Box::new(BoostQuery::new(near, W_NEAR))));
            }
        }
    }
    if match_all {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    for filter in filters(&b, q, &syn)? {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
    }
    let with_soft = |occur: Occur| -> Box<dyn Query> {
        let mut all: Vec<(Occur, Box<dyn Query>)> =
            clauses.iter().map(|(o, q)| (*o, q.box_clone())).collect();
        all.extend(soft.iter().map(|q| (occur, q.box_clone())));
        Box::new(BooleanQuery::new(all))
    };
    Ok(Compiled {
        strict: (soft.len() >= 2).then(|| with_soft(Occur::Must)),
        loose: with_soft(Occur::Should),
        highlight,
        match_all,
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

fn one_or_union(mut qs: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if qs.len() == 1
        && let Some(q) = qs.pop()
    {
        return q;
    }
    Box::new(BooleanQuery::union(qs))
}

/// Date, source and entity filters.
fn filters(b: &Builder<'_>, q: &SearchQuery, syn: &Synonyms) -> Result<Vec<Box<dyn Query>>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
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
        out.push(Box::new(RangeQuery::new(lower, upper)));
    }
    if let Some(source) = q.source.as_deref().filter(|s| !s.trim().is_empty()) {
        out.push(b.raw(b.f.source, &normalize_source(source)));
    }
    if let Some(entity) = q.entity.as_deref().filter(|s| !s.trim().is_empty()) {
        let texts = syn.expand(entity);
        out.push(b.clause(Target::Entity, &texts, true)?);
    }
    Ok(out)
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
    fn clause(
        &self,
        target: Target,
        texts: &[(String, f32)],
        phrase: bool,
    ) -> Result<Box<dyn Query>> {
        let f = self.f;
        let fields: &[(Field, f32)] = match target {
            Target::Any => &[
                (f.title, W_TITLE),
                (f.title_exact, W_TITLE_EXACT),
                (f.entities, W_ENTITIES),
                (f.body, W_BODY),
                (f.body_exact, W_BODY_EXACT),
            ],
            Target::Title => &[(f.title, W_TITLE), (f.title_exact, W_TITLE_EXACT)],
            Target::Entity => &[(f.entities, W_ENTITIES)],
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
                        self.raw(field, &v)
                    })
                    .collect();
                return Ok(one_or_union(qs));
            }
        };
        let mut parts: Vec<Box<dyn Query>> = Vec::new();
        for (text, weight) in texts {
            for &(field, w) in fields {
                if field == f.body_exact && !phrase {
                    continue;
                }
                if let Some(q) = self.text(field, text, 0)? {
                    parts.push(Box::new(BoostQuery::new(q, w * weight)));
                }
            }
        }
        if parts.is_empty() {
            // Only punctuation: matches nothing rather than everything.
            return Ok(Box::new(EmptyQuery));
        }
        Ok(one_or_union(parts))
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
