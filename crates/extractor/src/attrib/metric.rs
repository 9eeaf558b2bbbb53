//! What a figure measures.
//!
//! Three steps, each its own function:
//!
//! 1. A comparison base ("up from 34.6%", "versus $10.6 billion") measures what the
//!    figure it is compared with measures.
//! 2. The *base metric*, by kind, from the nearest cue word: money cues ("run rate
//!    of $142 billion", "$200 billion in capital expenditures"); for percentages a
//!    level cue (margin, share) against a change cue (grew, up) and a stock cue
//!    (shares fell); the counted noun of a count (customers, employees or layoffs);
//!    the unit of a quantity (power is capacity).
//! 3. Whose forecast it is ([`Forecast`]): analysts' expectations make money and
//!    percentages an `estimate`; the company's own outlook makes its results
//!    `guidance` (capex plans stay `capex`).

use factwire_core::FactKind;

use super::Scene;
use super::cues::{
    CAPACITY, CHANGE_CUES, ESTIMATE_CUES, FIN_NOUNS, GUIDANCE_CUES, LAYOFF_CUES, M_ANALYST,
    M_CAPACITY, M_CHANGE, M_EARN, M_EMPLOY, M_FIN, M_GUIDE, M_LAYOFF, M_LEVEL, M_MONEY, M_STOCK,
    M_STRONG, MONEY_CUES, PERCENT_LEVEL_CUES, STOCK_CUES, STRONG_CHANGE, phrase_index,
};
use super::view::View;
use crate::lex::Tk;

/// The metric of fact `k`; `earlier` holds the metrics of the facts before it.
pub(super) fn choose(
    sc: &Scene<'_, '_>,
    k: usize,
    earlier: &[Option<&'static str>],
) -> Option<&'static str> {
    let f = &sc.inp.facts[k];
    // "up slightly from 34.6%", "compared with 40%": a comparison base has the
    // metric of the figure it is compared with.
    if is_comparison_base(&sc.view, f.t0)
        && let Some(prev) = (0..k)
            .rev()
            .find(|&j| sc.inp.facts[j].kind == f.kind && earlier[j].is_some())
    {
        return earlier[prev];
    }
    if let Some(m) = conversion_of_previous(sc, k, earlier) {
        return Some(m);
    }
    let near = Near { sc, k };
    let base = match f.kind {
        FactKind::Money => money(&near),
        FactKind::Percent => percent(&near),
        FactKind::Count => count(&near),
        FactKind::Quantity => quantity(&near),
        _ => None,
    };
    let base = base.or_else(|| coordinated(sc, k, earlier));
    if !matches!(f.kind, FactKind::Money | FactKind::Percent) {
        return base;
    }
    match forecast(sc, k) {
        Forecast::Analysts => Some("estimate"),
        Forecast::OwnRightBefore if base != Some("capex") => Some("guidance"),
        Forecast::Own | Forecast::OwnRightBefore
            if matches!(
                base,
                Some(
                    "revenue"
                        | "growth"
                        | "operating_income"
                        | "net_income"
                        | "eps"
                        | "operating_margin"
                        | "gross_margin"
                        | "net_margin"
                        | "free_cash_flow"
                )
            ) =>
        {
            Some("guidance")
        }
        _ => base,
    }
}

/// "RMB247.8 billion (US$34.8 billion)", "247.8bn yuan (about €30.3bn)": an amount in
/// brackets right after another is the same figure in another currency.
fn conversion_of_previous(
    sc: &Scene<'_, '_>,
    k: usize,
    earlier: &[Option<&'static str>],
) -> Option<&'static str> {
    let f = &sc.inp.facts[k];
    let j = k.checked_sub(1)?;
    let p = &sc.inp.facts[j];
    if f.kind != FactKind::Money || p.kind != FactKind::Money || f.t0 <= p.t1 {
        return None;
    }
    let between = (p.t1..f.t0).map(|i| sc.lw(i));
    let mut saw_bracket = false;
    for w in between {
        match w {
            "(" => saw_bracket = true,
            "about" | "around" | "approximately" | "roughly" | "or" | "~" | "nearly" => {}
            _ => return None,
        }
    }
    if saw_bracket { earlier[j] } else { None }
}

/// Cue lookups around one fact.
struct Near<'a, 's, 'b> {
    sc: &'a Scene<'s, 'b>,
    k: usize,
}

impl Near<'_, '_, '_> {
    /// Distance in words from the fact to token `i`; `None` if `same_clause` and `i`
    /// is in another clause.
    fn dist(&self, i: usize, same_clause: bool) -> Option<usize> {
        let sc = self.sc;
        let f = &sc.inp.facts[self.k];
        if same_clause && sc.seg[i] != sc.seg[f.t0] {
            return None;
        }
        Some(sc.gap(self.k, i))
    }

    fn inside(&self, i: usize) -> bool {
        let f = &self.sc.inp.facts[self.k];
        i >= f.t0 && i < f.t1
    }

    /// The nearest phrase of `cues` (whose first words carry `bit`) within `max`
    /// words: (distance, metric). A phrase before the number is measured from its
    /// last word.
    fn nearest(
        &self,
        cues: &[(&str, &'static str)],
        bit: u32,
        same_clause: bool,
        max: usize,
    ) -> Option<(usize, &'static str)> {
        let v = &self.sc.view;
        let f = &self.sc.inp.facts[self.k];
        let mut best: Option<(usize, &'static str)> = None;
        for i in 0..self.sc.inp.toks.len() {
            if v.mask[i] & bit == 0 || self.inside(i) {
                continue;
            }
            // Only the phrases that start with this word, in list order.
            let idx = phrase_index();
            let starts = [Some(v.lw(i)), v.joined[i].as_deref()];
            let mut ids: Vec<usize> = starts
                .iter()
                .flatten()
                .filter_map(|w| idx.get(w))
                .flatten()
                .filter(|(b, _)| *b == bit)
                .map(|&(_, k)| k)
                .collect();
            ids.sort_unstable();
            let Some((end, m)) = ids
                .iter()
                .filter_map(|&k| cues.get(k))
                .find_map(|&(p, m)| v.phrase_at(i, p).map(|end| (end, m)))
            else {
                continue;
            };
            // "$3.8 billion in share repurchases and $395 million in dividends": a cue
            // right behind another figure is that figure's.
            let facts = self.sc.inp.facts;
            let owned = i < f.t0 && {
                // Facts are in text order: the last one ending at or before the cue.
                let before = facts.partition_point(|g| g.t1 <= i);
                before.checked_sub(1).is_some_and(|j| {
                    j != self.k
                        && facts[j].kind == f.kind
                        && i - facts[j].t1 <= 2
                        && (facts[j].t1..i).all(|x| matches!(v.lw(x), "in" | "of" | "for" | "on"))
                })
            };
            if owned {
                continue;
            }
            let at = if i < f.t0 {
                end.saturating_sub(1).min(f.t0.saturating_sub(1))
            } else {
                i
            };
            if let Some(d) = self.dist(at, same_clause)
                && d <= max
                && best.is_none_or(|(bd, _)| d < bd)
            {
                best = Some((d, m));
            }
        }
        best
    }

    /// Distance to the nearest of `words` (first words carrying `bit`) within `max`.
    fn has_near(&self, words: &[&str], bit: u32, same_clause: bool, max: usize) -> Option<usize> {
        let v = &self.sc.view;
        (0..self.sc.inp.toks.len())
            .filter(|&i| v.mask[i] & bit != 0 && !self.inside(i))
            .filter(|&i| {
                words.contains(&v.lw(i))
                    || v.joined[i].as_deref().is_some_and(|j| words.contains(&j))
            })
            .filter_map(|i| self.dist(i, same_clause))
            .filter(|&d| d <= max)
            .min()
    }

    /// Whether any token of the sentence carries `bit`.
    fn any(&self, bit: u32) -> bool {
        self.sc.view.mask.iter().any(|m| m & bit != 0)
    }

    /// A stock cue (shares, stock, trading) within `max` words.
    fn stock_within(&self, same_clause: bool, max: usize) -> bool {
        let v = &self.sc.view;
        (0..self.sc.inp.toks.len()).any(|i| {
            v.mask[i] & M_STOCK != 0 && self.dist(i, same_clause).is_some_and(|d| d <= max)
        })
    }
}

/// Money: per-share amounts are EPS (or a share price near a stock cue), else the
/// nearest money cue in the clause, else within six words anywhere, else a share price
/// when a stock cue is near ("shares closed at $245.50").
fn money(n: &Near<'_, '_, '_>) -> Option<&'static str> {
    let f = &n.sc.inp.facts[n.k];
    let deal = super::subject::deal_verb_for(n.sc, n.k).is_some();
    if deal {
        // "will acquire Confluent for $31 per share", "sold its stake for $5.8 billion".
        return Some(if f.per_share {
            "offer_price"
        } else {
            "contract_value"
        });
    }
    let stock_near = n.stock_within(false, 6);
    let earnings = n.any(M_EARN);
    // "stockholders will receive $31.00 in cash per share" in a merger: the offer.
    let takeover =
        f.per_share && (0..n.sc.inp.toks.len()).any(|i| TAKEOVER_WORDS.contains(&n.sc.lw(i)));
    if f.per_share && takeover && !earnings {
        return Some("offer_price");
    }
    if f.per_share && (earnings || !stock_near) {
        return Some("eps");
    }
    if f.per_share {
        return Some("share_price");
    }
    n.nearest(MONEY_CUES, M_MONEY, true, 15)
        .or_else(|| n.nearest(MONEY_CUES, M_MONEY, false, 6))
        .map(|(_, m)| m)
        .or(stock_near.then_some("share_price"))
        .or_else(|| level_verb_metric(n))
}

/// Words of a takeover: a per-share amount in their sentence is the offer price.
const TAKEOVER_WORDS: &[&str] = &[
    "merger",
    "acquire",
    "acquires",
    "acquiring",
    "acquisition",
    "takeover",
    "buyout",
    "tender",
];

/// Verbs that state the level a figure reached; what reached it is named earlier in
/// the sentence, however long the clauses in between ("Cloud revenue, which includes
/// ..., reached $8.9 billion").
const LEVEL_VERBS: &[&str] = &[
    "reached",
    "totalled",
    "totaled",
    "totalling",
    "totaling",
    "hit",
    "amounted",
    "stood",
    "came",
    "coming",
    "contributed",
    "delivered",
    "generated",
    "brought",
    "added",
];

/// A money figure right after a level verb: the nearest money cue anywhere in the
/// sentence; a contribution with no cue ("Fusion contributed $1.1 billion") is revenue.
fn level_verb_metric(n: &Near<'_, '_, '_>) -> Option<&'static str> {
    let sc = n.sc;
    let f = &sc.inp.facts[n.k];
    let verb = (f.t0.saturating_sub(4)..f.t0)
        .rev()
        .find(|&i| LEVEL_VERBS.contains(&sc.lw(i)))?;
    if (verb + 1..f.t0).any(|i| sc.inp.toks[i].kind == Tk::Num) {
        return None;
    }
    n.nearest(MONEY_CUES, M_MONEY, false, 60)
        .map(|(_, m)| m)
        .or_else(|| {
            matches!(
                sc.lw(verb),
                "contributed" | "delivered" | "generated" | "brought" | "added"
            )
            .then_some("revenue")
        })
}

/// "up 23% in dollars and 18% in constant currency", "16%, or 25% at constant
/// currencies": a figure coordinated with the previous one of its kind (an "and" or
/// "or" between, within ten words) measures the same thing, when nothing nearer says.
fn coordinated(
    sc: &Scene<'_, '_>,
    k: usize,
    earlier: &[Option<&'static str>],
) -> Option<&'static str> {
    let f = &sc.inp.facts[k];
    let j = (0..k).rev().find(|&j| sc.inp.facts[j].kind == f.kind)?;
    let p = &sc.inp.facts[j];
    let n = sc.inp.toks.len();
    // ", and Q3 cRPO was up 11%" starts a new clause: not a coordinated figure.
    let new_clause = (p.t1..f.t0).any(|i| sc.lw(i) == "," && sc.lw(i + 1) == "and");
    let linked = (p.t1..f.t0).any(|i| matches!(sc.lw(i), "and" | "or"))
        && !new_clause
        && sc.view.wpos[f.t0] - sc.view.wpos[p.t1.min(n)] <= 8
        && p.unit == f.unit;
    if linked { earlier[j] } else { None }
}

/// Percentages: a level (margin, share) when its cue is at least as near as any
/// change cue; a share price move when a stock cue is nearer than the financial
/// nouns; "X% of" a share; a change of a financial figure growth.
fn percent(n: &Near<'_, '_, '_>) -> Option<&'static str> {
    let sc = n.sc;
    let f = &sc.inp.facts[n.k];
    let v = &sc.view;
    let stock = STOCK_CUES
        .iter()
        .filter_map(|c| {
            (0..sc.inp.toks.len())
                .filter(|&i| v.mask[i] & M_STOCK != 0)
                .find_map(|i| v.phrase_at(i, c).and_then(|_| n.dist(i, true)))
        })
        .min()
        .filter(|&d| d <= 6);
    let change = n.has_near(&CHANGE_CUES, M_CHANGE, true, 5);
    // A change word right next to the figure ("up 17%", "rising 13%") or "Y/Y" after
    // it makes it a change on its own.
    let yoy = matches!(v.lw(f.t1), "y" | "yr") && v.lw(f.t1 + 1) == "/";
    let strong_change = n
        .has_near(STRONG_CHANGE, M_STRONG, true, 4)
        .or(change.filter(|&d| d <= 1))
        .or(yoy.then_some(1));
    let fin = n.has_near(FIN_NOUNS, M_FIN, false, 15);
    let of_after = v.lw(f.t1) == "of" && change.is_none_or(|d| d > 1);
    // A move in points of a ratio ("margin expanded 200 basis points") is about the
    // ratio; "... expanded 200 basis points to 35%": the value after "to" is the level.
    let points = matches!(f.unit.as_deref(), Some("bp" | "pp"))
        || (f.t0 > 0 && matches!(v.lw(f.t0 - 1), "to" | "at"));
    let level = if points {
        n.nearest(PERCENT_LEVEL_CUES, M_LEVEL, true, 8)
            .or_else(|| n.nearest(PERCENT_LEVEL_CUES, M_LEVEL, false, 15))
            .map(|(_, m)| (0, m))
    } else {
        n.nearest(PERCENT_LEVEL_CUES, M_LEVEL, true, 6)
    };
    if ticker_box(sc, n.k) {
        return Some("share_price");
    }
    match (level, stock, change) {
        (Some((ld, m)), _, c) if c.is_none_or(|cd| ld <= cd) => Some(m),
        // "could own 9% of AMD's outstanding shares": a part of a whole.
        _ if of_after && change.is_none() => Some("share"),
        (_, Some(sd), c) if fin.is_none_or(|fd| sd <= fd) && c.is_none_or(|cd| sd <= cd + 3) => {
            Some("share_price")
        }
        _ if of_after => Some("share"),
        (_, _, Some(_)) if strong_change.is_some() || fin.is_some() => Some("growth"),
        (Some((_, m)), _, _) => Some(m),
        _ => None,
    }
}

/// A ticker box printed inside the text: "(AMD 4.30%)", "(NYSE: CRM 2.1%)", a share
/// move right after a name or ticker in brackets.
fn ticker_box(sc: &Scene<'_, '_>, k: usize) -> bool {
    let f = &sc.inp.facts[k];
    let toks = sc.inp.toks;
    // "AMD 0.00%↑": an arrow marks a quote on its own.
    if matches!(sc.w(f.t1), "↑" | "↓" | "▲" | "▼") {
        return true;
    }
    let close = sc.w(f.t1) == ")";
    let open = (f.t0.saturating_sub(4)..f.t0)
        .rev()
        .find(|&i| sc.w(i) == "(");
    close
        && open.is_some_and(|o| {
            (o + 1..f.t0).all(|i| {
                let w = sc.w(i);
                toks[i].kind != Tk::Num && (w == ":" || w.chars().all(|c| c.is_ascii_uppercase()))
            }) && o + 1 < f.t0
        })
}

/// Counts: by the counted noun; people are layoffs near a cut word, else headcount.
fn count(n: &Near<'_, '_, '_>) -> Option<&'static str> {
    let f = &n.sc.inp.facts[n.k];
    let unit = f.unit.as_deref().unwrap_or("");
    match unit {
        "customer" | "client" | "subscriber" => Some("customers"),
        "user" => Some("users"),
        "layoff" => Some("layoffs"),
        "employee" | "worker" | "staff" | "job" | "role" | "position" | "person" | "people"
        | "personnel" | "staffer" => {
            if n.has_near(LAYOFF_CUES, M_LAYOFF, false, 30).is_some() {
                Some("layoffs")
            } else if matches!(
                unit,
                "employee" | "worker" | "staff" | "staffer" | "personnel"
            ) || n.any(M_EMPLOY)
            {
                Some("headcount")
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Quantities: power is capacity; a multiple is a share-price multiple near a stock
/// cue, or capacity near "capacity".
fn quantity(n: &Near<'_, '_, '_>) -> Option<&'static str> {
    let f = &n.sc.inp.facts[n.k];
    match f.unit.as_deref().unwrap_or("") {
        "GW" | "MW" | "kW" | "TW" => Some("capacity"),
        "x" if n.stock_within(true, 4) => Some("share_price"),
        "x" => n
            .has_near(CAPACITY, M_CAPACITY, false, 12)
            .map(|_| "capacity"),
        _ => None,
    }
}

/// Whose forecast a money or percent figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Forecast {
    /// Not a forecast, as far as the sentence says.
    None,
    /// Analysts' expectations ("analysts had expected $80.2 billion", "above estimates").
    Analysts,
    /// The company's own outlook somewhere before the figure ("Amazon expects ...").
    Own,
    /// The company's own outlook right before the figure ("guided to $78 billion",
    /// "its forecast of 11%").
    OwnRightBefore,
}

/// Decides [`Forecast`] for fact `k`.
fn forecast(sc: &Scene<'_, '_>, k: usize) -> Forecast {
    let f = &sc.inp.facts[k];
    let window = f.t0.saturating_sub(4)..f.t0;
    // "its forecast" is the company's own: guidance, not an estimate.
    let own_forecast = window.clone().any(|i| {
        i > 0
            && ESTIMATE_CUES.contains(&sc.lw(i))
            && matches!(sc.lw(i - 1), "its" | "their" | "our" | "own")
    });
    let analysts = sc.view.mask.iter().any(|m| m & M_ANALYST != 0);
    // "EPS for the quarter is expected between $1.96 and $2": with no analysts in the
    // sentence, a passive expectation is the company's own outlook.
    let passive_own = !analysts
        && window.clone().any(|i| {
            i > 0
                && matches!(
                    sc.lw(i),
                    "expected" | "projected" | "anticipated" | "forecast"
                )
                && matches!(sc.lw(i - 1), "is" | "are" | "was" | "were" | "be")
        });
    if !passive_own && analysts_expect(sc, k, own_forecast) {
        return Forecast::Analysts;
    }
    let analysts_in_clause = analysts
        && (f.t0.saturating_sub(30)..(f.t1 + 30).min(sc.inp.toks.len()))
            .any(|i| sc.view.mask[i] & M_ANALYST != 0 && sc.seg[i] == sc.seg[f.t0]);
    let guided = (f.t0.saturating_sub(3)..f.t0).any(|i| {
        matches!(
            sc.lw(i),
            "guided"
                | "guides"
                | "guidance"
                | "outlook"
                | "guiding"
                | "sees"
                | "projects"
                | "target"
                | "targets"
        )
    }) && !(f.t0 > 0 && sc.lw(f.t0 - 1) == "price");
    // "its internal 26% target", "a $5 billion goal": the company's own aim.
    let target_after =
        matches!(sc.lw(f.t1), "target" | "goal") && !(f.t0 > 0 && sc.lw(f.t0 - 1) == "price");
    if own_forecast || passive_own || ((guided || target_after) && !analysts_in_clause) {
        return Forecast::OwnRightBefore;
    }
    if !analysts && own_outlook_before(sc, k) {
        return Forecast::Own;
    }
    Forecast::None
}

/// Analysts' expectation cues: right before the number (with no clause break), right
/// after it ("..., above estimates"), or "Analysts at X estimate that ..." opening
/// the sentence. `own_forecast` ("its forecast of") rules out only the first.
fn analysts_expect(sc: &Scene<'_, '_>, k: usize, own_forecast: bool) -> bool {
    let f = &sc.inp.facts[k];
    let n = sc.inp.toks.len();
    let window = f.t0.saturating_sub(4)..f.t0;
    let before = !own_forecast
        && window.clone().any(|i| {
            // "is expected to surpass $1 trillion": the subject's own prospect.
            let passive_to = matches!(
                sc.lw(i),
                "expected" | "projected" | "anticipated" | "predicted" | "estimated"
            ) && sc.lw(i + 1) == "to";
            (ESTIMATE_CUES.contains(&sc.lw(i)) && !passive_to
                || (sc.lw(i) == "analysts"
                    && (i + 1..f.t0).all(|j| ANALYST_LINKS.contains(&sc.lw(j)))))
                && (i + 1..f.t0).all(|j| !matches!(sc.lw(j), "," | ";" | "(" | ")"))
        });
    let after = (f.t1..(f.t1 + 3).min(n)).any(|i| {
        matches!(
            sc.lw(i),
            "analysts" | "consensus" | "estimates" | "estimate"
        ) && (f.t1..i).all(|j| sc.inp.toks[j].kind == Tk::Word)
    });
    let opening = (0..n.min(6)).any(|i| {
        i < f.t0
            && matches!(sc.lw(i), "analysts" | "analyst")
            && (i + 1..(i + 6).min(n)).any(|j| ANALYST_VERBS.contains(&sc.lw(j)))
    });
    before || after || opening
}

/// Words that may link "analysts" to a figure right after ("analysts had expected").
const ANALYST_LINKS: &[&str] = &[
    "expect",
    "expected",
    "had",
    "see",
    "saw",
    "were",
    "of",
    "for",
    "estimated",
    "projected",
    "forecast",
    "anticipated",
    "predicted",
    "looking",
    "polled",
    "by",
];

/// Verbs of analysts' expectation.
const ANALYST_VERBS: &[&str] = &[
    "estimate",
    "estimated",
    "expect",
    "expected",
    "forecast",
    "predict",
    "predicted",
    "project",
    "projected",
    "anticipate",
    "see",
    "expects",
    "estimates",
    "forecasts",
    "predicts",
    "projects",
    "sees",
];

/// A guidance verb of the company within twenty words before the figure; "forecast"
/// counts only after a name or "it" / "the company" ("Microsoft forecast ...").
fn own_outlook_before(sc: &Scene<'_, '_>, k: usize) -> bool {
    let f = &sc.inp.facts[k];
    let v = &sc.view;
    (0..f.t0).any(|i| {
        if v.mask[i] & M_GUIDE == 0 || v.wpos[f.t0] - v.wpos[i] > 20 {
            return false;
        }
        // ", and Q3 cRPO was up 11%": a new coordinated clause has its own verb.
        let new_clause = (i + 1..f.t0).any(|j| {
            matches!(sc.lw(j), "," | ";") && matches!(sc.lw(j + 1), "and" | "but" | "while")
        });
        if new_clause {
            return false;
        }
        let l = v.lw(i);
        if !matches!(l, "forecast" | "forecasts" | "forecasting") {
            return GUIDANCE_CUES.contains(&l);
        }
        i > 0 && {
            let prev = sc.w(i - 1);
            prev.chars().next().is_some_and(char::is_uppercase)
                || matches!(prev, "it" | "company" | "firm" | "which" | "and")
        }
    })
}

/// Whether the number at token `t0` is introduced as a comparison base ("from 34.6%",
/// "compared with 40%", "versus $10.6 billion").
pub(super) fn is_comparison_base(v: &View, t0: usize) -> bool {
    let at = |k: usize| if t0 >= k { v.lw(t0 - k) } else { "" };
    matches!(at(1), "from" | "versus" | "vs" | "against" | "than")
        || matches!(at(2), "from" | "versus" | "vs" | "than")
        || (matches!(at(1), "with" | "to") && matches!(at(2), "compared" | "comparison"))
        || (at(1) == "." && at(2) == "vs")
}
