//! Which entity a figure is about.
//!
//! The candidates are the companies and products named in the sentence (and the
//! pronouns standing for one), plus the entity in focus. Each gets the strongest
//! [`Evidence`] it has for the fact; [`Evidence::score`] ranks them, and the best
//! candidate is the subject. Two things veto a subject outright: a total over several
//! companies ("the three companies' combined $400 billion", "together they spent"),
//! and nothing at all to go on.
//!
//! The "respectively" construction ("AWS and Azure grew 20% and 39%, respectively")
//! pairs figures with names by order and is decided before the per-fact scoring.

use factwire_core::FactKind;

use super::{Attribution, Cand, Scene};
use crate::lex::Tk;

/// Why a candidate might be the subject of a fact, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Evidence {
    /// A change said right after a money figure is that figure's change
    /// ("reached $37.5 billion, up 66%"): the money figure's subject.
    ChangeOf,
    /// "AWS's operating income of $12.5 billion": a possessive before the number or
    /// its noun phrase, `gap` words away.
    Possessive { gap: usize },
    /// The first company of a clause whose verb is a deal ("IBM agreed to buy
    /// Confluent for $11 billion"): deal values go to the clause's grammatical subject.
    DealSubject,
    /// The nearest company to the left, `gap` words away ("X and Y plan ..." → X).
    Left { gap: usize },
    /// Right after a fronted clause ("Serving 52 million customers, Zalando ...").
    Fronted,
    /// After a preposition right behind the figure ("48% growth at Google Cloud").
    After,
    /// The entity in focus from earlier sentences.
    Focus,
}

impl Evidence {
    /// The one place the kinds of evidence are weighed against each other. The tiers
    /// are far apart so that distance only orders candidates of the same kind.
    pub(super) fn score(self) -> i64 {
        let near = |gap: usize| 50 - i64::try_from(gap.min(50)).unwrap_or(50);
        match self {
            Evidence::ChangeOf => 1000,
            Evidence::Possessive { gap } => 900 + near(gap),
            Evidence::DealSubject => 850,
            Evidence::Left { gap } => 700 + near(gap),
            Evidence::Fronted => 400,
            Evidence::After => 390,
            Evidence::Focus => 100,
        }
    }
}

/// Deal verbs: a money figure in a clause with one of these belongs to the clause's
/// grammatical subject.
const DEAL_VERBS: &[&str] = &[
    "acquire",
    "acquires",
    "acquired",
    "acquiring",
    "buy",
    "buys",
    "bought",
    "buying",
    "purchase",
    "purchased",
    "sell",
    "sells",
    "sold",
    "selling",
    "invest",
    "invests",
    "invested",
    "investing",
    "signed",
    "signs",
    "agreed",
    "agrees",
    "struck",
    "won",
    "awarded",
    "led",
    "pay",
    "pays",
    "paid",
];

/// Nouns for several companies at once: their possessive or a "combined" before the
/// figure makes it a total with no single subject.
pub(super) const GROUP_NOUNS: &[&str] = &[
    "companies",
    "firms",
    "hyperscalers",
    "giants",
    "providers",
    "players",
    "rivals",
    "groups",
    "makers",
    "vendors",
];

/// "agreed to buy Wiz for $32 billion", "sold its stake for $5.8 billion": the deal
/// verb (token index) whose price a money figure is, with "for" right before the
/// figure and the verb at most twelve words before it in the same sentence, no other
/// figure between.
pub(super) fn deal_verb_for(sc: &Scene<'_, '_>, k: usize) -> Option<usize> {
    let f = &sc.inp.facts[k];
    if f.kind != FactKind::Money || f.t0 == 0 || sc.lw(f.t0 - 1) != "for" {
        return None;
    }
    (0..f.t0 - 1)
        .rev()
        .take_while(|&i| sc.inp.toks[i].kind != Tk::Num && sc.gap(k, i) <= 12)
        .find(|&i| {
            DEAL_VERBS.contains(&sc.lw(i))
                && !matches!(
                    sc.lw(i),
                    "pay"
                        | "pays"
                        | "paid"
                        | "led"
                        | "invest"
                        | "invests"
                        | "invested"
                        | "investing"
                )
        })
}

/// The subject of fact `k`, given its metric and the attributions made so far.
pub(super) fn choose(
    sc: &Scene<'_, '_>,
    k: usize,
    metric: Option<&str>,
    done: &[Attribution],
    focus: Option<usize>,
) -> Option<usize> {
    // A whole market's spending is nobody's; a total over several companies neither.
    if metric == Some("market_size") || is_group_total(sc, k) || plural_subject(sc, k) {
        return None;
    }
    // The change of a market total is the market's too.
    if change_base(sc, k, metric).is_some_and(|j| done[j].metric == Some("market_size")) {
        return None;
    }
    candidates(sc, k, metric, done, focus)
        .into_iter()
        .max_by_key(|(e, _)| e.score())
        .map(|(_, ent)| ent)
}

/// Every candidate with its best evidence for fact `k`.
fn candidates(
    sc: &Scene<'_, '_>,
    k: usize,
    metric: Option<&str>,
    done: &[Attribution],
    focus: Option<usize>,
) -> Vec<(Evidence, usize)> {
    let f = &sc.inp.facts[k];
    let mut out = Vec::new();
    if let Some(s) = change_of_previous(sc, k, metric, done) {
        out.push((Evidence::ChangeOf, s));
    }
    let left: Vec<&Cand> = sc.cands.iter().filter(|c| c.t1 <= f.t0).collect();
    if let Some(c) = left.iter().rev().find(|c| possessive_reaches(sc, c, f.t0)) {
        out.push((
            Evidence::Possessive {
                gap: sc.gap(k, c.t1),
            },
            c.ent,
        ));
    }
    if matches!(metric, Some("contract_value" | "offer_price" | "premium"))
        && let Some(c) = deal_subject(sc, k)
    {
        out.push((Evidence::DealSubject, c));
    }
    if let Some(c) = nearest_left(sc, &left) {
        out.push((
            Evidence::Left {
                gap: sc.gap(k, c.t1),
            },
            c.ent,
        ));
    }
    if let Some(c) = fronted(sc, k) {
        out.push((Evidence::Fronted, c));
    }
    if let Some(c) = after_preposition(sc, k) {
        out.push((Evidence::After, c));
    }
    if let Some(e) = focus {
        out.push((Evidence::Focus, e));
    }
    out
}

/// A possessive at `c` governs the number at `t0` when only lower-case words of one
/// noun phrase stand between ("Amazon's cloud unit's revenue of $33 billion").
fn possessive_reaches(sc: &Scene<'_, '_>, c: &Cand, t0: usize) -> bool {
    c.possessive
        && t0 - c.t1 <= 8
        && (c.t1..t0).all(|i| {
            let x = sc.w(i);
            sc.inp.toks[i].kind != Tk::Num
                && !matches!(x, "," | ";" | "(" | ")")
                && x.chars().next().is_some_and(|ch| !ch.is_uppercase())
        })
}

/// The nearest company to the left; of "X and Y", X (the pair is the subject, and
/// the first name leads).
fn nearest_left<'c>(sc: &Scene<'_, '_>, left: &[&'c Cand]) -> Option<&'c Cand> {
    let mut ci = left.len().checked_sub(1)?;
    while ci > 0 {
        let (a, b) = (left[ci - 1], left[ci]);
        if b.t0 == a.t1 + 1 && sc.lw(a.t1) == "and" && !a.possessive {
            ci -= 1;
        } else {
            break;
        }
    }
    Some(left[ci])
}

/// The company nearest before the deal verb that governs the figure, at most two
/// clauses back ("Alphabet agreed to buy Wiz for $32 billion" → Alphabet, not Wiz;
/// "IBM said it is acquiring Confluent for $11 billion" → it, that is IBM).
fn deal_subject(sc: &Scene<'_, '_>, k: usize) -> Option<usize> {
    let f = &sc.inp.facts[k];
    let verb = (0..f.t0)
        .rev()
        .find(|&i| DEAL_VERBS.contains(&sc.lw(i)) && f.t0 - i <= 30)?;
    // The subject stands before the verb, in the verb's clause or the one before it
    // when a relative clause intervenes; no other deal verb in between.
    sc.cands
        .iter()
        .rev()
        .filter(|c| c.t1 <= verb && sc.seg[verb] - sc.seg[c.t0] <= 2)
        .find(|c| !sc.inp.toks[c.t0..verb].iter().any(|t| t.kind == Tk::Num))
        .filter(|c| {
            // "Y, which X bought": the object fronted by a relative word is not it.
            !(c.t1..verb).any(|i| matches!(sc.lw(i), "which" | "that" | "whom" | "by"))
        })
        .map(|c| c.ent)
}

/// "Serving 52 million customers, Zalando ...": the company right after the comma
/// that ends a fronted clause holding the figure.
fn fronted(sc: &Scene<'_, '_>, k: usize) -> Option<usize> {
    let f = &sc.inp.facts[k];
    if sc.cands.iter().any(|c| c.t1 <= f.t0) {
        return None;
    }
    let comma = (f.t1..sc.inp.toks.len()).find(|&i| sc.w(i) == ",")?;
    sc.cands.iter().find(|c| c.t0 == comma + 1).map(|c| c.ent)
}

/// "48% growth at Google Cloud": a company a few words after the figure, in its
/// clause, behind "at", "for", "from" or "by".
fn after_preposition(sc: &Scene<'_, '_>, k: usize) -> Option<usize> {
    let f = &sc.inp.facts[k];
    if sc.cands.iter().any(|c| c.t1 <= f.t0) {
        return None;
    }
    let fseg = sc.seg[f.t1.min(sc.inp.toks.len())];
    sc.cands
        .iter()
        .find(|c| {
            c.t0 > f.t1
                && c.t0 - f.t1 <= 4
                && matches!(sc.lw(c.t0 - 1), "at" | "for" | "from" | "by")
                && sc.seg[c.t0] == fseg
        })
        .map(|c| c.ent)
}

/// A change right after a money figure is that figure's change: "reached $37.5
/// billion in the quarter, up 66%".
fn change_of_previous(
    sc: &Scene<'_, '_>,
    k: usize,
    metric: Option<&str>,
    done: &[Attribution],
) -> Option<usize> {
    if metric != Some("growth") {
        return None;
    }
    change_base(sc, k, metric).and_then(|j| done.get(j).and_then(|a| a.subject))
}

/// The money figure fact `k` (a growth) is the change of, if it follows it closely.
fn change_base(sc: &Scene<'_, '_>, k: usize, metric: Option<&str>) -> Option<usize> {
    if metric != Some("growth") {
        return None;
    }
    let f = &sc.inp.facts[k];
    let prev = sc.numeric.iter().copied().rev().find(|&j| j < k)?;
    let p = &sc.inp.facts[prev];
    let n = sc.inp.toks.len();
    (p.kind == FactKind::Money
        && f.t0 >= p.t1
        && sc.view.wpos[f.t0] - sc.view.wpos[p.t1.min(n)] <= 6)
        .then_some(prev)
}

/// "They accounted for 66% of spending": a sentence led by a plural pronoun that names
/// no company before the figure speaks of a group.
fn plural_subject(sc: &Scene<'_, '_>, k: usize) -> bool {
    let f = &sc.inp.facts[k];
    matches!(sc.lw(0), "they" | "their" | "together") && !sc.cands.iter().any(|c| c.t1 <= f.t0)
}

/// A total over several companies: "the four companies' combined $650 billion",
/// "together", "combined" or "collectively" next to the figure, with more than one
/// company or a plural group noun in the sentence.
fn is_group_total(sc: &Scene<'_, '_>, k: usize) -> bool {
    let f = &sc.inp.facts[k];
    let n = sc.inp.toks.len();
    // Only a window around the figure is read, so the check stays linear.
    let (lo, hi) = (f.t0.saturating_sub(30), (f.t1 + 8).min(n));
    let groups = {
        let a = sc.group_nouns.partition_point(|&i| i < lo);
        let b = sc.group_nouns.partition_point(|&i| i < hi);
        &sc.group_nouns[a..b]
    };
    let near = |i: usize| sc.gap(k, i) <= 4 && sc.seg[i] == sc.seg[f.t0];
    let combined = (f.t0.saturating_sub(8)..hi).any(|i| {
        near(i)
            && matches!(
                sc.lw(i),
                "combined" | "together" | "collectively" | "jointly" | "aggregate"
            )
    });
    let group_noun = groups.iter().any(|&i| i < f.t0);
    // "the four companies' combined ...": a group noun's possessive right before.
    let group_possessive = groups
        .iter()
        .any(|&i| i < f.t0 && matches!(sc.w(i + 1), "'" | "’") && sc.gap(k, i + 1) <= 4);
    // "big tech firms like Meta and Alphabet", "across companies".
    let examples = groups
        .iter()
        .any(|&i| i < f.t0 && matches!(sc.lw(i + 1), "like" | "such" | "including"));
    let across = groups.iter().any(|&i| i > f.t1 && sc.lw(i - 1) == "across");
    // "21 companies cut 18,510 jobs": a count of companies is the clause's subject.
    let counted_companies = sc.inp.facts[..k].iter().rev().take(3).any(|p| {
        p.kind == FactKind::Count
            && matches!(p.unit.as_deref(), Some("company" | "firm"))
            && sc.seg[p.t0] == sc.seg[f.t0]
    });
    group_possessive
        || counted_companies
        || examples
        || across
        || (combined && (sc.orgs >= 2 || group_noun))
}

/// "X and Y ... A and B respectively": facts of one kind paired with the companies
/// named before the first of them.
pub(super) fn respectively(sc: &Scene<'_, '_>) -> Vec<Option<usize>> {
    let facts = sc.inp.facts;
    let mut out = vec![None; facts.len()];
    let any = (0..sc.inp.toks.len()).any(|i| sc.lw(i) == "respectively");
    let Some(&first) = sc.numeric.first().filter(|_| any) else {
        return out;
    };
    let kind = facts[first].kind;
    let group: Vec<usize> = sc
        .numeric
        .iter()
        .copied()
        .filter(|&k| facts[k].kind == kind)
        .collect();
    let mut names: Vec<usize> = Vec::new();
    for c in sc.cands.iter().filter(|c| c.t1 <= facts[first].t0) {
        if !names.contains(&c.ent) {
            names.push(c.ent);
        }
    }
    if group.len() >= 2 && names.len() >= group.len() {
        let names = &names[names.len() - group.len()..];
        for (i, &fk) in group.iter().enumerate() {
            out[fk] = Some(names[i]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Evidence;

    #[test]
    fn evidence_tiers_do_not_overlap() {
        // The farthest possessive still beats the nearest name to the left, which
        // beats anything after the number, which beats the focus.
        assert!(Evidence::Possessive { gap: 50 }.score() > Evidence::DealSubject.score());
        assert!(Evidence::DealSubject.score() > Evidence::Left { gap: 0 }.score());
        assert!(Evidence::Left { gap: 50 }.score() > Evidence::Fronted.score());
        assert!(Evidence::After.score() > Evidence::Focus.score());
        assert!(Evidence::Left { gap: 1 }.score() > Evidence::Left { gap: 2 }.score());
    }
}
