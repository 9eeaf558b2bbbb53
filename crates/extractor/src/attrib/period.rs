//! For which period a figure is.
//!
//! The candidates are the sentence's period facts (already resolved to `2025-Q4`,
//! `FY2026`, ...) and its period cues ("the quarter", "this year"). Some are nobody's
//! period and are dropped first:
//!
//! - a period that bounds a stretch of time, introduced by "since", "through",
//!   "until", "till" or "by" ("the worst since March 2020", "through 2040", "by the
//!   end of 2027");
//! - a period inside a relative clause (", which went public in March,");
//! - a period bound to a comparison base ("up from 34.6% in Q3"), which is that base's
//!   own and no other figure's.
//!
//! The rest get `Evidence` for each fact and `Evidence::score` picks one.
//! Durations and specs (quantities without a metric) carry no period.

use factwire_core::FactKind;

use super::metric::is_comparison_base;
use super::{Attribution, Scene};

/// Why a period might be a fact's period, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Evidence {
    /// The period names this fact's comparison base ("from $2.9 billion a year
    /// earlier").
    OwnBase,
    /// Right after the number, only "in", "for", "the", "of", "during" or "over"
    /// between ("$78 billion for the first quarter").
    Adjacent,
    /// The nearest free period to the left, `gap` words away.
    Left { gap: usize },
    /// The nearest free period to the right, `gap` words away.
    Right { gap: usize },
}

impl Evidence {
    /// The one place period evidence is weighed. A period on the left of the number
    /// usually heads its clause ("In Q4, revenue rose 24%"), so any left beats any
    /// right; distance orders periods of the same kind.
    pub(super) fn score(self) -> i64 {
        let near = |gap: usize| 50 - i64::try_from(gap.min(50)).unwrap_or(50);
        match self {
            Evidence::OwnBase => 1000,
            Evidence::Adjacent => 900,
            Evidence::Left { gap } => 600 + near(gap),
            Evidence::Right { gap } => 500 + near(gap),
        }
    }
}

/// A period candidate: token range and resolved value.
struct Cand {
    t0: usize,
    t1: usize,
    value: String,
    /// The numeric fact whose comparison base it names, if any.
    bound: Option<usize>,
    /// A period named relative to the reported one as its comparison ("the prior
    /// quarter", "a year earlier", "the year-ago quarter"): a base's period only.
    relative: bool,
    /// Its clause opens with "which" or "who" (a relative clause).
    in_relative: bool,
}

/// Words that make the following period a bound of a stretch of time.
const BOUNDARY: &[&str] = &["since", "through", "thru", "until", "till", "by"];

/// The period of every fact of the sentence (`None` for non-numeric facts).
pub(super) fn choose_all(sc: &Scene<'_, '_>, done: &[Attribution]) -> Vec<Option<String>> {
    let cands = candidates(sc);
    let mut out = vec![None; sc.inp.facts.len()];
    for &k in &sc.numeric {
        let f = &sc.inp.facts[k];
        if f.kind == FactKind::Quantity && done[k].metric.is_none() {
            continue;
        }
        // A share move is a day's: it takes only a period written right after it.
        let adjacent_only = done[k].metric == Some("share_price");
        out[k] = cands
            .iter()
            .filter_map(|c| evidence(sc, k, c).map(|e| (e, c)))
            .filter(|(e, _)| !adjacent_only || matches!(e, Evidence::Adjacent | Evidence::OwnBase))
            .max_by_key(|(e, c)| (e.score(), std::cmp::Reverse(c.t0)))
            .map(|(_, c)| c.value.clone());
    }
    out
}

/// The sentence's periods that may belong to some figure, with the comparison base
/// each is bound to.
fn candidates(sc: &Scene<'_, '_>) -> Vec<Cand> {
    let inp = sc.inp;
    // The first word of every clause, found in one pass.
    let mut first_word: Vec<Option<usize>> = vec![None; sc.seg.last().map_or(1, |s| s + 1)];
    for (i, t) in inp.toks.iter().enumerate() {
        if t.kind == crate::lex::Tk::Word && first_word[sc.seg[i]].is_none() {
            first_word[sc.seg[i]] = Some(i);
        }
    }
    let relative_clause = |t0: usize| {
        first_word[sc.seg[t0.min(inp.toks.len())]]
            .is_some_and(|i| matches!(sc.lw(i), "which" | "who"))
    };
    let mut out: Vec<Cand> = inp
        .facts
        .iter()
        .zip(inp.periods)
        .filter(|(f, _)| f.kind == FactKind::Period)
        .filter_map(|(f, p)| p.clone().map(|v| (f.t0, f.t1, v)))
        .chain(inp.cues.iter().map(|(t, p)| (*t, *t + 1, p.clone())))
        .filter(|&(t0, t1, _)| !is_boundary(sc, t0) && !in_year_range(sc, t0, t1))
        .map(|(t0, t1, value)| Cand {
            t0,
            t1,
            value,
            bound: None,
            relative: is_relative(sc, t0),
            in_relative: relative_clause(t0),
        })
        .collect();
    out.sort_by_key(|c| c.t0);
    for c in &mut out {
        c.bound = sc.numeric.iter().copied().find(|&k| {
            let f = &inp.facts[k];
            let loose = c.relative
                && is_comparison_base(&sc.view, f.t0)
                && c.t0 >= f.t1
                && c.t0 - f.t1 <= 6
                && (f.t1..c.t0).all(|i| {
                    inp.toks[i].kind == crate::lex::Tk::Word && !matches!(sc.lw(i), "and" | "or")
                });
            loose
                || is_comparison_base(&sc.view, f.t0)
                    && c.t0 >= f.t1
                    && c.t0 - f.t1 <= 4
                    && (f.t1..c.t0).all(|i| {
                        matches!(
                            sc.lw(i),
                            "in" | "for"
                                | "during"
                                | "the"
                                | "same"
                                | "previous"
                                | "prior"
                                | "a"
                                | "reported"
                                | "recorded"
                                | "posted"
                        )
                    })
        });
    }
    out
}

/// "since 2020", "through 2040", "by the end of 2027", "until March": the period
/// starting at token `t0` bounds a stretch of time. "up 36% from 2024", "higher than
/// in 2024", "compared with the fourth quarter of 2024": it is the base of a
/// comparison. Either way it is not the period of a figure.
pub(super) fn is_boundary(sc: &Scene<'_, '_>, t0: usize) -> bool {
    let mut i = t0;
    while i > 0 && matches!(sc.lw(i - 1), "in" | "the" | "of") {
        i -= 1;
    }
    let base = i > 0
        && (matches!(sc.lw(i - 1), "from" | "versus" | "vs" | "than" | "against")
            || (i > 1
                && matches!(sc.lw(i - 1), "with" | "to")
                && matches!(sc.lw(i - 2), "compared" | "comparison")));
    base || bounds_a_stretch(sc, t0)
}

fn bounds_a_stretch(sc: &Scene<'_, '_>, t0: usize) -> bool {
    // Look back over the words a bound may carry: "by the end of", "since early".
    let mut i = t0;
    for _ in 0..5 {
        if i == 0 {
            return false;
        }
        i -= 1;
        let l = sc.lw(i);
        if BOUNDARY.contains(&l) {
            return true;
        }
        if !matches!(
            l,
            "the"
                | "end"
                | "start"
                | "beginning"
                | "middle"
                | "of"
                | "early"
                | "late"
                | "mid"
                | "-"
        ) {
            return false;
        }
    }
    false
}

/// "the prior quarter", "the previous year", "the year-ago quarter", "the same
/// quarter a year earlier": a cue at `t0` named relative to the reported period.
fn is_relative(sc: &Scene<'_, '_>, t0: usize) -> bool {
    let prev = if t0 > 0 { sc.lw(t0 - 1) } else { "" };
    matches!(
        prev,
        "prior" | "previous" | "preceding" | "year-ago" | "ago"
    ) || (matches!(sc.lw(t0 + 1), "a" | "one")
        && matches!(sc.lw(t0 + 3), "earlier" | "ago" | "before"))
        || matches!(sc.lw(t0 + 1), "last" | "earlier" | "ago")
}

/// "2026–2030", "2026-30": a year range is no period of a figure (the contract has no
/// range of periods).
fn in_year_range(sc: &Scene<'_, '_>, t0: usize, t1: usize) -> bool {
    let dash = |i: usize| matches!(sc.w(i), "-" | "–" | "—" | "to");
    let num = |i: usize| {
        sc.inp
            .toks
            .get(i)
            .is_some_and(|t| t.kind == crate::lex::Tk::Num)
    };
    (dash(t1) && num(t1 + 1) && sc.w(t1) != "to")
        || (t0 >= 2 && dash(t0 - 1) && num(t0 - 2) && sc.w(t0 - 1) != "to")
}

/// The evidence that candidate `c` is fact `k`'s period, or `None` if it cannot be.
fn evidence(sc: &Scene<'_, '_>, k: usize, c: &Cand) -> Option<Evidence> {
    let f = &sc.inp.facts[k];
    if c.bound == Some(k) {
        return Some(Evidence::OwnBase);
    }
    // A period inside a relative clause (", which went public in March,") other than
    // the fact's own clause is about that clause only.
    let other_relative = c.in_relative && sc.seg[c.t0] != sc.seg[f.t0];
    if c.bound.is_some() || c.relative || other_relative {
        return None;
    }
    if c.t0 >= f.t1 {
        let adjacent = (f.t1..c.t0)
            .all(|i| matches!(sc.lw(i), "in" | "for" | "the" | "of" | "during" | "over"));
        return Some(if adjacent {
            Evidence::Adjacent
        } else {
            Evidence::Right {
                gap: sc.gap(k, c.t0),
            }
        });
    }
    (c.t1 <= f.t0).then(|| Evidence::Left {
        gap: sc.gap(k, c.t1.saturating_sub(1)),
    })
}
