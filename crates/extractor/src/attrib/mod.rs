//! Attribution: which entity a number is about (`subject`), what it measures
//! (`metric`), for which period (`period`), and which way it moved (`direction`).
//!
//! Everything here looks only at the fact's own sentence, plus one piece of
//! state carried across sentences: the entity *in focus* (the first company named
//! in the latest sentence that named one), which stands in for "it", "its",
//! "the company" and for sentences that name no company at all.
//!
//! Each field is chosen the same way: gather the *candidates* the sentence offers,
//! each with its *evidence* (where it stands relative to the number, whether a clause
//! boundary or another figure lies between, whether it is possessive, whether it is
//! the entity in focus), and keep the candidate whose evidence scores best. The
//! evidence kinds and their weights are listed in one place per field:
//!
//! - `subject`: "X and Y ... respectively", a possessive right before the number,
//!   the grammatical subject of a deal clause, the nearest company to the left, a
//!   company after a fronted clause or a preposition ("growth at Google Cloud"), the
//!   focus. A total over several companies ("the three companies' combined ...") has
//!   no subject. Media and analyst firms are never subjects.
//! - `metric`: the nearest cue word in the clause, by kind (money cues, percent
//!   levels against change verbs, counted nouns, power units), then whose forecast it
//!   is: analysts' (`estimate`) or the company's own (`guidance`).
//! - [`period`]: the period a comparison base names is the base's own; then the period
//!   right after the number, the nearest one to the left, the nearest to the right.
//!   A period introduced by "since", "through", "until" or "by" bounds a span of time
//!   and is nobody's period.
//! - [`direction`]: a written sign, or the change verb or adverb governing a change
//!   ("fell 8%", "8% higher", "down 3 points").

mod cues;
pub mod direction;
mod metric;
pub mod period;
mod subject;
mod view;

use factwire_core::{EntityKind, FactKind};

use crate::entities::{Ent, Mention};
use crate::facts::RawFact;
use crate::gazetteer::Role;
use crate::lex::{Tk, Token};

pub use direction::Direction;
pub(crate) use view::View;

use cues::{COMPANY_NOUNS, M_MONEY, MONEY_CUES, PRONOUNS};

/// A subject candidate inside one sentence.
#[derive(Debug, Clone, Copy)]
struct Cand {
    /// First token.
    t0: usize,
    /// One past the last token.
    t1: usize,
    /// Entity index (already resolved for pronouns).
    ent: usize,
    /// Followed by a possessive "’s".
    possessive: bool,
    /// A pronoun or "the company" standing for `ent`.
    pronoun: bool,
}

/// One sentence's input to attribution.
pub struct SentenceInput<'a> {
    /// The whole text.
    pub text: &'a str,
    /// The sentence's tokens.
    pub toks: &'a [Token],
    /// Mentions inside this sentence.
    pub mentions: &'a [Mention],
    /// The article's entities.
    pub ents: &'a [Ent],
    /// Facts found in this sentence.
    pub facts: &'a [RawFact],
    /// Resolved period strings of the facts (same order), for period facts.
    pub periods: &'a [Option<String>],
    /// Extra period cues: (token index, resolved period) for "the quarter", "this year".
    pub cues: &'a [(usize, String)],
}

/// Attribution of one fact.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attribution {
    /// Entity index of the subject.
    pub subject: Option<usize>,
    /// Metric.
    pub metric: Option<&'static str>,
    /// Period.
    pub period: Option<String>,
    /// Which way the figure moved, for changes.
    pub direction: Option<Direction>,
}

/// What every field's chooser needs about one sentence.
pub(crate) struct Scene<'s, 'a> {
    inp: &'s SentenceInput<'a>,
    view: View,
    /// Clause number of every token (commas, semicolons, dashes and brackets cut).
    seg: Vec<usize>,
    /// Subject candidates (names, and pronouns resolved), by position.
    cands: Vec<Cand>,
    /// Indices of the money, percent, count and quantity facts.
    numeric: Vec<usize>,
    /// Token indices of plural group nouns ("companies", "hyperscalers"), in order.
    group_nouns: Vec<usize>,
    /// How many different organisations the sentence names.
    orgs: usize,
}

impl<'s, 'a> Scene<'s, 'a> {
    fn new(inp: &'s SentenceInput<'a>, named: Vec<Cand>, focus: Option<usize>) -> Self {
        let view = View::new(inp.text, inp.toks);
        let seg = clauses(inp.text, inp.toks);
        let mut scene = Scene {
            inp,
            view,
            seg,
            cands: named,
            numeric: Vec::new(),
            group_nouns: Vec::new(),
            orgs: 0,
        };
        scene.group_nouns = (0..inp.toks.len())
            .filter(|&i| subject::GROUP_NOUNS.contains(&scene.view.lw(i)))
            .collect();
        let mut orgs: Vec<usize> = scene
            .cands
            .iter()
            .filter(|c| inp.ents[c.ent].kind == EntityKind::Org)
            .map(|c| c.ent)
            .collect();
        orgs.sort_unstable();
        orgs.dedup();
        scene.orgs = orgs.len();
        scene.add_pronouns(focus);
        scene.numeric = (0..inp.facts.len())
            .filter(|&k| is_numeric(inp.facts[k].kind))
            .collect();
        scene
    }

    /// The original-case word at token `i` ("" past the end).
    fn w(&self, i: usize) -> &'a str {
        let (text, toks) = (self.inp.text, self.inp.toks);
        toks.get(i).map_or("", |t| &text[t.s..t.e])
    }

    /// The lower-case word at token `i`.
    fn lw(&self, i: usize) -> &str {
        self.view.lw(i)
    }

    /// Word distance between the fact and token `i` (0 inside the fact).
    fn gap(&self, k: usize, i: usize) -> usize {
        let f = &self.inp.facts[k];
        let n = self.inp.toks.len();
        if i < f.t0 {
            self.view.wpos[f.t0] - self.view.wpos[i]
        } else if i >= f.t1 {
            self.view.wpos[i.min(n)] - self.view.wpos[f.t1.min(n)] + 1
        } else {
            0
        }
    }

    /// Pronouns and "the company" stand for the company just named in this sentence
    /// ("Microsoft said its ..."), else for the focus.
    fn add_pronouns(&mut self, focus: Option<usize>) {
        self.cands.sort_by_key(|c| c.t0);
        let named = self.cands.clone();
        for (i, tok) in self.inp.toks.iter().enumerate() {
            let is_pron = PRONOUNS.contains(&self.w(i)) && tok.kind == Tk::Word;
            let is_the_co =
                matches!(self.lw(i), "the" | "this") && COMPANY_NOUNS.contains(&self.lw(i + 1));
            if !(is_pron || is_the_co) {
                continue;
            }
            let before = named
                .iter()
                .rev()
                .find(|c| c.t1 <= i && self.inp.ents[c.ent].kind == EntityKind::Org)
                .map(|c| c.ent);
            let Some(ent) = before.or(focus) else {
                continue;
            };
            let t1 = if is_the_co { i + 2 } else { i + 1 };
            let possessive = matches!(self.w(i), "its" | "Its")
                || (matches!(self.w(t1), "’" | "'") && self.w(t1 + 1) == "s");
            self.cands.push(Cand {
                t0: i,
                t1,
                ent,
                possessive,
                pronoun: true,
            });
        }
        self.cands.sort_by_key(|c| c.t0);
    }
}

fn is_numeric(kind: FactKind) -> bool {
    matches!(
        kind,
        FactKind::Money | FactKind::Percent | FactKind::Count | FactKind::Quantity
    )
}

/// Clause number of each token, one more than the tokens (the end is its own clause).
fn clauses(text: &str, toks: &[Token]) -> Vec<usize> {
    let mut seg = vec![0usize; toks.len() + 1];
    let mut sid = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.kind == Tk::Punct && matches!(&text[t.s..t.e], "," | ";" | "—" | "(" | ")" | "–") {
            sid += 1;
        }
        seg[i] = sid;
    }
    seg[toks.len()] = sid + 1;
    seg
}

/// The companies and products named in the sentence that may be subjects; "Google's
/// parent" is the parent.
fn named_candidates(inp: &SentenceInput<'_>) -> Vec<Cand> {
    let toks = inp.toks;
    let w = |i: usize| toks.get(i).map_or("", |t| &inp.text[t.s..t.e]);
    let mut cands = Vec::new();
    for m in inp.mentions {
        let en = &inp.ents[m.ent];
        if !en.role.can_be_subject()
            || en.code
            || !matches!(en.kind, EntityKind::Org | EntityKind::Product)
        {
            continue;
        }
        let t0 = toks.partition_point(|t| t.s < m.s);
        let t1 = toks.partition_point(|t| t.s < m.e);
        let possessive = matches!(w(t1), "’" | "'") && w(t1 + 1) == "s";
        let parent = (possessive && w(t1 + 2).eq_ignore_ascii_case("parent"))
            .then(|| {
                en.parent
                    .as_deref()
                    .and_then(|p| inp.ents.iter().position(|e| e.name == p))
            })
            .flatten();
        cands.push(match parent {
            Some(p) => Cand {
                t0,
                t1: t1 + 3,
                ent: p,
                possessive: false,
                pronoun: false,
            },
            None => Cand {
                t0,
                t1,
                ent: m.ent,
                possessive,
                pronoun: false,
            },
        });
    }
    cands
}

/// Attribution for every fact in one sentence. `focus` is the entity in focus
/// (updated on return).
///
/// Inline bullets ("Revenue rose 5% - Margin fell to 30% - ...") are separate
/// statements: each part is attributed on its own, so that no subject, metric or
/// period crosses a bullet dash.
pub fn attribute(inp: &SentenceInput<'_>, focus: &mut Option<usize>) -> Vec<Attribution> {
    let parts = bullet_parts(inp);
    if parts.len() <= 1 {
        return attribute_part(inp, focus);
    }
    let mut out = Vec::with_capacity(inp.facts.len());
    // A part ending in ":" is a list heading; its period dates the parts after it.
    let mut heading: Option<String> = None;
    for r in parts {
        let (b0, b1) = (inp.toks[r.start].s, inp.toks[r.end - 1].e);
        let shift = |f: &RawFact| {
            let mut g = f.clone();
            g.t0 -= r.start;
            g.t1 -= r.start;
            g
        };
        let inside: Vec<usize> = (0..inp.facts.len())
            .filter(|&k| r.contains(&inp.facts[k].t0))
            .collect();
        let facts: Vec<RawFact> = inside.iter().map(|&k| shift(&inp.facts[k])).collect();
        let periods: Vec<Option<String>> = inside.iter().map(|&k| inp.periods[k].clone()).collect();
        let mut cues: Vec<(usize, String)> = inp
            .cues
            .iter()
            .filter(|(t, _)| r.contains(t))
            .map(|(t, p)| (t - r.start, p.clone()))
            .collect();
        if let Some(p) = &heading {
            cues.push((0, p.clone()));
        }
        let colon = &inp.text[inp.toks[r.end - 1].s..inp.toks[r.end - 1].e] == ":";
        heading = if colon {
            let own = facts
                .iter()
                .zip(&periods)
                .filter(|(f, _)| f.kind == FactKind::Period)
                .filter_map(|(_, p)| p.clone())
                .next_back();
            own.or_else(|| cues.last().map(|(_, p)| p.clone()))
        } else {
            heading.take()
        };
        let mentions: Vec<Mention> = inp
            .mentions
            .iter()
            .filter(|m| m.s >= b0 && m.e <= b1)
            .copied()
            .collect();
        let part = SentenceInput {
            text: inp.text,
            toks: &inp.toks[r.clone()],
            mentions: &mentions,
            ents: inp.ents,
            facts: &facts,
            periods: &periods,
            cues: &cues,
        };
        out.extend(attribute_part(&part, focus));
    }
    out
}

/// Token ranges of a sentence's inline bullets: cut at a hyphen with white space on
/// both sides that is not inside a fact ("... in Q4 - Net income rose ...").
fn bullet_parts(inp: &SentenceInput<'_>) -> Vec<std::ops::Range<usize>> {
    let toks = inp.toks;
    let mut in_fact = vec![false; toks.len()];
    for f in inp.facts {
        for x in &mut in_fact[f.t0.min(toks.len())..f.t1.min(toks.len())] {
            *x = true;
        }
    }
    let inside = |i: usize| in_fact[i];
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..toks.len().saturating_sub(1) {
        let t = toks[i];
        if t.kind == Tk::Punct
            && &inp.text[t.s..t.e] == "-"
            && t.space
            && toks[i + 1].space
            && !inside(i)
        {
            if i > start {
                parts.push(start..i);
            }
            start = i + 1;
        }
    }
    if start < toks.len() {
        parts.push(start..toks.len());
    }
    // Every fact must fall in a part (a fact never starts on a cut).
    let covered = inp
        .facts
        .iter()
        .all(|f| parts.iter().any(|r| r.contains(&f.t0) && f.t1 <= r.end));
    if !covered {
        parts.clear();
        parts.push(0..toks.len());
    }
    parts
}

fn attribute_part(inp: &SentenceInput<'_>, focus: &mut Option<usize>) -> Vec<Attribution> {
    let named = named_candidates(inp);
    if inp.facts.is_empty() {
        update_focus(inp, &named, focus);
        return Vec::new();
    }
    let scene = Scene::new(inp, named, *focus);
    let mut out = vec![Attribution::default(); inp.facts.len()];
    let respectively = subject::respectively(&scene);
    let mut metrics: Vec<Option<&'static str>> = vec![None; inp.facts.len()];
    for &k in &scene.numeric {
        let metric = metric::choose(&scene, k, &metrics);
        metrics[k] = metric;
        let subject = respectively[k]
            .or_else(|| subject::choose(&scene, k, metric, &out, *focus))
            .map(|s| promote(inp.ents, s, metric));
        out[k] = Attribution {
            subject,
            metric,
            period: None,
            direction: direction::of(&scene, k),
        };
    }
    let periods = period::choose_all(&scene, &out);
    for &k in &scene.numeric {
        out[k].period = periods[k].clone();
    }
    update_focus(inp, &scene.cands, focus);
    out
}

/// The first money cue in a sentence (for table captions).
pub fn money_cue_in(text: &str, toks: &[Token]) -> Option<&'static str> {
    let v = View::new(text, toks);
    (0..toks.len()).find_map(|i| {
        if v.mask[i] & M_MONEY == 0 {
            return None;
        }
        MONEY_CUES
            .iter()
            .find(|(p, _)| v.phrase_at(i, p).is_some())
            .map(|(_, m)| *m)
    })
}

/// Focus: the first organisation named (not a pronoun) in this sentence.
fn update_focus(inp: &SentenceInput<'_>, cands: &[Cand], focus: &mut Option<usize>) {
    if let Some(c) = cands.iter().find(|c| {
        let t = inp.toks[c.t0.min(inp.toks.len().saturating_sub(1))];
        let first = &inp.text[t.s..t.e];
        !c.pronoun
            && inp.ents[c.ent].role == Role::Plain
            && inp.ents[c.ent].kind == EntityKind::Org
            && !PRONOUNS.contains(&first)
            && !first.eq_ignore_ascii_case("the")
            && !first.eq_ignore_ascii_case("this")
    }) {
        *focus = Some(c.ent);
    }
}

/// Share prices, market values and capex belong to the listed parent.
fn promote(ents: &[Ent], mut s: usize, metric: Option<&str>) -> usize {
    if !matches!(metric, Some("share_price" | "market_value" | "capex")) {
        return s;
    }
    for _ in 0..4 {
        let Some(p) = ents[s].parent.as_deref() else {
            break;
        };
        match ents.iter().position(|e| e.name == p) {
            Some(i) => s = i,
            None => break,
        }
    }
    s
}
