//! Attribution: which entity a number is about (`subject`), what it measures
//! (`metric`) and for which period (`period`).
//!
//! Everything here looks only at the fact's own sentence, plus one piece of
//! state carried across sentences: the entity *in focus* (the first company named
//! in the latest sentence that named one), which stands in for "it", "its",
//! "the company" and for sentences that name no company at all.
//!
//! - **subject**: in order, "X and Y ... A and B respectively"; a possessive right
//!   before the number or its noun phrase ("AWS's operating income of $12.47
//!   billion", "the Nasdaq 100's 20% gain"); the nearest company to the left
//!   ("Microsoft, which added 1 gigawatt"), a pronoun there meaning the focus; a
//!   company right after a fronted clause ("Serving 52 million customers, Zalando
//!   ..."); else the focus. Media and analyst firms are never subjects. A share price,
//!   market value or capex figure said of a division goes to its top parent.
//! - **metric**: the nearest cue word in the clause ("run rate of $142 billion",
//!   "$200 billion in capital expenditures"), by kind: money cues, percent cues
//!   (levels such as margins and shares beat change verbs; a change of a financial
//!   figure is `growth`), counted nouns (customers, users, employees or layoffs),
//!   power units (capacity). An expectation cue right before the number makes it an
//!   `estimate`; a company's guidance verb makes its own results `guidance`; a value
//!   after "from" inherits the metric of the figure it is compared with.
//! - **period**: the nearest period expression in the sentence to the left, else to
//!   the right, skipping one bound to another figure ("up from 34.6% in Q3").

use factwire_core::{EntityKind, FactKind};

use crate::entities::{Ent, Mention};
use crate::facts::RawFact;
use crate::fasthash::FastMap;
use crate::gazetteer::Role;
use crate::lex::{Tk, Token};

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
}

const PRONOUNS: &[&str] = &["it", "its", "It", "Its"];
const COMPANY_NOUNS: &[&str] = &[
    "company",
    "firm",
    "group",
    "giant",
    "retailer",
    "unit",
    "division",
    "business",
    "provider",
    "startup",
    "chipmaker",
    "e-commerce",
];

/// Money cue words: (phrase, metric). Longest phrases first.
const MONEY_CUES: &[(&str, &str)] = &[
    ("remaining performance obligations", "backlog"),
    ("remaining performance obligation", "backlog"),
    ("free cash flow", "free_cash_flow"),
    ("operating cash flow", "operating_cash_flow"),
    ("capital expenditures", "capex"),
    ("capital expenditure", "capex"),
    ("capital spending", "capex"),
    ("capital investments", "capex"),
    ("operating income", "operating_income"),
    ("operating profit", "operating_income"),
    ("operating profits", "operating_income"),
    ("operating loss", "operating_income"),
    ("net income", "net_income"),
    ("net profit", "net_income"),
    ("net loss", "net_income"),
    ("run rate", "run_rate"),
    ("run-rate", "run_rate"),
    ("market value", "market_value"),
    ("market capitalization", "market_value"),
    ("market capitalisation", "market_value"),
    ("market cap", "market_value"),
    ("price target", "price_target"),
    ("target price", "price_target"),
    ("per share", "eps"),
    ("a share", "eps"),
    ("earnings per share", "eps"),
    ("top line", "revenue"),
    ("annualized", "run_rate"),
    ("annualised", "run_rate"),
    ("capex", "capex"),
    ("backlog", "backlog"),
    ("rpo", "backlog"),
    ("revenue", "revenue"),
    ("revenues", "revenue"),
    ("sales", "revenue"),
    ("turnover", "revenue"),
    ("valuation", "market_value"),
    ("valued", "market_value"),
    ("deal", "contract_value"),
    ("contract", "contract_value"),
    ("contracts", "contract_value"),
    ("agreement", "contract_value"),
    ("commitment", "contract_value"),
    ("commitments", "contract_value"),
    ("agreed", "contract_value"),
    ("buy", "contract_value"),
    ("purchase", "contract_value"),
    ("order", "contract_value"),
    ("orders", "contract_value"),
    ("committed", "investment"),
    ("commit", "investment"),
    ("pledged", "investment"),
    ("invest", "investment"),
    ("invests", "investment"),
    ("invested", "investment"),
    ("investing", "investment"),
    ("investment", "investment"),
    ("investments", "investment"),
    ("funding", "investment"),
    ("stake", "investment"),
    ("raised", "investment"),
    ("profit", "net_income"),
    ("profits", "net_income"),
    ("earnings", "net_income"),
    ("eps", "eps"),
    ("cost", "cost"),
    ("costs", "cost"),
    ("charge", "cost"),
    ("charges", "cost"),
    ("spending", "capex"),
    ("build", "investment"),
    ("building", "investment"),
    ("pricing", "cost"),
    ("priced", "cost"),
    ("price", "cost"),
    ("spend", "capex"),
];

/// Percent level cues (a percentage that *is* a ratio, not a change).
const PERCENT_LEVEL_CUES: &[(&str, &str)] = &[
    ("operating margin", "operating_margin"),
    ("operating margins", "operating_margin"),
    ("gross margin", "gross_margin"),
    ("gross margins", "gross_margin"),
    ("net margin", "net_margin"),
    ("margin", "operating_margin"),
    ("margins", "operating_margin"),
    ("market share", "share"),
    ("share", "share"),
    ("share of", "share"),
    ("stake", "share"),
    ("of revenue", "share"),
    ("of sales", "share"),
    ("of the market", "share"),
    ("tax rate", "tax_rate"),
    ("vacancy rate", "vacancy_rate"),
];

/// Stock moves.
const STOCK_CUES: &[&str] = &[
    "shares",
    "stock",
    "stocks",
    "sell-off",
    "selloff",
    "share price",
    "stock price",
    "premarket",
    "after-hours",
    "trading",
];

/// Strong change cues: a percentage next to these is a change.
const CHANGE_CUES: &[&str] = &[
    "growth",
    "grew",
    "grow",
    "grows",
    "growing",
    "gain",
    "gains",
    "gained",
    "surge",
    "surged",
    "surging",
    "spike",
    "jump",
    "jumped",
    "increase",
    "increased",
    "rise",
    "rose",
    "climbed",
    "climbing",
    "climb",
    "decline",
    "declined",
    "declining",
    "fell",
    "fall",
    "dropped",
    "drop",
    "slid",
    "slumped",
    "plunged",
    "soared",
    "year-over-year",
    "year-on-year",
    "yoy",
    "accelerated",
    "decelerated",
    "expanded",
    "contracted",
    "shrank",
    "advanced",
    "up",
    "down",
    "higher",
    "lower",
    "boost",
    "boosted",
    "tumbled",
];

/// Change words that make a percentage a change on their own.
const STRONG_CHANGE: &[&str] = &[
    "growth",
    "grew",
    "grow",
    "grows",
    "growing",
    "gain",
    "gains",
    "gained",
    "surge",
    "surged",
    "spike",
    "jump",
    "jumped",
    "increase",
    "increased",
    "rise",
    "rose",
    "climbed",
    "climbing",
    "decline",
    "declined",
    "fell",
    "dropped",
    "year-over-year",
    "year-on-year",
    "yoy",
    "accelerated",
    "slumped",
    "plunged",
    "soared",
    "tumbled",
];

const CAPACITY: &[&str] = &["capacity"];

// Bits of the cue lists a word can start (see `cue_index`).
const M_MONEY: u32 = 1;
const M_LEVEL: u32 = 2;
const M_STOCK: u32 = 4;
const M_CHANGE: u32 = 8;
const M_FIN: u32 = 16;
const M_LAYOFF: u32 = 32;
const M_STRONG: u32 = 64;
const M_CAPACITY: u32 = 128;
const M_GUIDE: u32 = 256;
const M_ANALYST: u32 = 512;
const M_EARN: u32 = 1024;
const M_EMPLOY: u32 = 2048;

const ANALYST_WORDS: &[&str] = &["analysts", "analyst", "consensus"];
const EARNINGS_WORDS: &[&str] = &[
    "earnings", "eps", "profit", "income", "earned", "loss", "diluted",
];
const EMPLOY_WORDS: &[&str] = &["employs", "employ", "employed", "workforce", "headcount"];

/// First word of every cue phrase → the lists it may start.
fn cue_index() -> &'static FastMap<&'static str, u32> {
    static INDEX: std::sync::OnceLock<FastMap<&'static str, u32>> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m = FastMap::default();
        let mut add = |p: &'static str, bit: u32| {
            let first = p.split(' ').next().unwrap_or(p);
            *m.entry(first).or_insert(0) |= bit;
        };
        for (p, _) in MONEY_CUES {
            add(p, M_MONEY);
        }
        for (p, _) in PERCENT_LEVEL_CUES {
            add(p, M_LEVEL);
        }
        for p in STOCK_CUES {
            add(p, M_STOCK);
        }
        for p in CHANGE_CUES {
            add(p, M_CHANGE);
        }
        for p in FIN_NOUNS {
            add(p, M_FIN);
        }
        for p in LAYOFF_CUES {
            add(p, M_LAYOFF);
        }
        for p in STRONG_CHANGE {
            add(p, M_STRONG);
        }
        for p in CAPACITY {
            add(p, M_CAPACITY);
        }
        for p in GUIDANCE_CUES {
            add(p, M_GUIDE);
        }
        for p in ANALYST_WORDS {
            add(p, M_ANALYST);
        }
        for p in EARNINGS_WORDS {
            add(p, M_EARN);
        }
        for p in EMPLOY_WORDS {
            add(p, M_EMPLOY);
        }
        m
    })
}

/// First word → (list bit, index) of the money and percent-level cue phrases.
fn phrase_index() -> &'static FastMap<&'static str, Vec<(u32, usize)>> {
    static INDEX: std::sync::OnceLock<FastMap<&'static str, Vec<(u32, usize)>>> =
        std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m: FastMap<&'static str, Vec<(u32, usize)>> = FastMap::default();
        for (bit, list) in [(M_MONEY, MONEY_CUES), (M_LEVEL, PERCENT_LEVEL_CUES)] {
            for (k, (p, _)) in list.iter().enumerate() {
                let first = p.split(' ').next().unwrap_or(p);
                m.entry(first).or_default().push((bit, k));
            }
        }
        m
    })
}

/// Financial nouns: with a change cue, a percentage is `growth`.
const FIN_NOUNS: &[&str] = &[
    "expenditures",
    "expenditure",
    "investment",
    "investments",
    "costs",
    "obligation",
    "obligations",
    "rpo",
    "income",
    "valuation",
    "revenue",
    "revenues",
    "sales",
    "income",
    "profit",
    "profits",
    "earnings",
    "eps",
    "capex",
    "spending",
    "backlog",
    "bookings",
    "margin",
    "cloud",
    "business",
    "segment",
    "unit",
    "demand",
    "consumption",
    "growth",
    "results",
];

const ESTIMATE_CUES: &[&str] = &[
    "expectations",
    "expectation",
    "estimates",
    "estimate",
    "estimated",
    "consensus",
    "expected",
    "anticipated",
    "projected",
    "forecasts",
    "forecast",
    "predicted",
];

const GUIDANCE_CUES: &[&str] = &[
    "guidance",
    "guides",
    "guided",
    "guide",
    "guiding",
    "outlook",
    "expects",
    "sees",
    "projects",
    "forecasting",
    "forecasts",
    "forecast",
    "anticipates",
    "targets",
];

const LAYOFF_CUES: &[&str] = &[
    "layoff",
    "layoffs",
    "cut",
    "cuts",
    "cutting",
    "eliminate",
    "eliminated",
    "eliminating",
    "laid",
    "lay",
    "lays",
    "reductions",
    "reduction",
    "redundancies",
    "axe",
    "axed",
    "axing",
    "slash",
    "slashed",
    "slashing",
    "shed",
    "shedding",
    "firing",
    "fired",
];

/// Attribution for every fact in one sentence. `focus` is the entity in focus
/// (updated on return).
pub fn attribute(inp: &SentenceInput<'_>, focus: &mut Option<usize>) -> Vec<Attribution> {
    let toks = inp.toks;
    let text = inp.text;
    let w = |i: usize| toks.get(i).map_or("", |t| &text[t.s..t.e]);

    // Token index range of each mention, and subject candidates.
    let tok_of = |byte: usize| toks.iter().position(|t| t.s >= byte).unwrap_or(toks.len());
    let mut cands: Vec<Cand> = Vec::new();
    for m in inp.mentions {
        let en = &inp.ents[m.ent];
        if !en.role.can_be_subject()
            || en.code
            || !matches!(en.kind, EntityKind::Org | EntityKind::Product)
        {
            continue;
        }
        let t0 = tok_of(m.s);
        let t1 = toks.iter().position(|t| t.s >= m.e).unwrap_or(toks.len());
        let possessive = matches!(w(t1), "’" | "'") && w(t1 + 1) == "s";
        // "Google's parent" is the parent.
        let ent = if possessive && w(t1 + 2).eq_ignore_ascii_case("parent") {
            en.parent
                .as_deref()
                .and_then(|p| inp.ents.iter().position(|e| e.name == p))
                .unwrap_or(m.ent)
        } else {
            m.ent
        };
        cands.push(Cand {
            t0,
            t1: if ent == m.ent { t1 } else { t1 + 3 },
            ent,
            possessive: possessive && ent == m.ent,
        });
    }
    if inp.facts.is_empty() {
        update_focus(inp, &cands, focus);
        return Vec::new();
    }
    let view = View::new(text, toks);
    let lw = |i: usize| view.lw(i);

    // Pronouns and "the company" stand for the company just named in this sentence
    // ("Microsoft said its ..."), else for the focus.
    cands.sort_by_key(|c| c.t0);
    let named = cands.clone();
    for (i, tok) in toks.iter().enumerate() {
        let is_pron = PRONOUNS.contains(&w(i)) && tok.kind == Tk::Word;
        let is_the_co = (lw(i) == "the" || lw(i) == "this") && COMPANY_NOUNS.contains(&lw(i + 1));
        if !(is_pron || is_the_co) {
            continue;
        }
        let before = named
            .iter()
            .rev()
            .find(|c| c.t1 <= i && inp.ents[c.ent].kind == EntityKind::Org)
            .map(|c| c.ent);
        let Some(ent) = before.or(*focus) else {
            continue;
        };
        let t1 = if is_the_co { i + 2 } else { i + 1 };
        let possessive =
            w(i) == "its" || w(i) == "Its" || (matches!(w(t1), "’" | "'") && w(t1 + 1) == "s");
        cands.push(Cand {
            t0: i,
            t1,
            ent,
            possessive,
        });
    }
    cands.sort_by_key(|c| c.t0);

    // Clause segments.
    let mut seg = vec![0usize; toks.len() + 1];
    let mut sid = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.kind == Tk::Punct && matches!(w(i), "," | ";" | "—" | "(" | ")" | "–") {
            sid += 1;
        }
        seg[i] = sid;
    }
    seg[toks.len()] = sid + 1;

    let resp = toks
        .iter()
        .enumerate()
        .any(|(i, _)| lw(i) == "respectively");
    let mut out = Vec::with_capacity(inp.facts.len());
    let numeric: Vec<usize> = (0..inp.facts.len())
        .filter(|&k| {
            matches!(
                inp.facts[k].kind,
                FactKind::Money | FactKind::Percent | FactKind::Count | FactKind::Quantity
            )
        })
        .collect();

    // "respectively": pair facts of one kind with the companies named before them.
    let mut resp_subject: Vec<Option<usize>> = vec![None; inp.facts.len()];
    if resp && let Some(&first) = numeric.first() {
        let kind = inp.facts[first].kind;
        let group: Vec<usize> = numeric
            .iter()
            .copied()
            .filter(|&k| inp.facts[k].kind == kind)
            .collect();
        let mut names: Vec<usize> = Vec::new();
        for c in cands.iter().filter(|c| c.t1 <= inp.facts[first].t0) {
            if !names.contains(&c.ent) {
                names.push(c.ent);
            }
        }
        if group.len() >= 2 && names.len() >= group.len() {
            let names = &names[names.len() - group.len()..];
            for (k, &fk) in group.iter().enumerate() {
                resp_subject[fk] = Some(names[k]);
            }
        }
    }

    let mut metrics: Vec<Option<&'static str>> = vec![None; inp.facts.len()];
    for (k, f) in inp.facts.iter().enumerate() {
        if !numeric.contains(&k) {
            out.push(Attribution::default());
            continue;
        }
        // ---- subject
        let mut subject = resp_subject[k];
        if subject.is_none() {
            // Possessive right before the number or its noun phrase.
            subject = cands
                .iter()
                .rev()
                .find(|c| {
                    c.possessive
                        && c.t1 <= f.t0
                        && f.t0 - c.t1 <= 8
                        && (c.t1..f.t0).all(|i| {
                            let x = w(i);
                            toks[i].kind != Tk::Num
                                && !matches!(x, "," | ";" | "(" | ")")
                                && (x.chars().next().is_some_and(|ch| !ch.is_uppercase()))
                        })
                })
                .map(|c| c.ent);
        }
        if subject.is_none() {
            // Nearest company to the left in the sentence; "X and Y plan to ..." → X.
            let left: Vec<&Cand> = cands.iter().filter(|c| c.t1 <= f.t0).collect();
            if let Some(mut ci) = left.len().checked_sub(1) {
                while ci > 0 {
                    let (a, b) = (left[ci - 1], left[ci]);
                    if b.t0 == a.t1 + 1 && lw(a.t1) == "and" && !a.possessive {
                        ci -= 1;
                    } else {
                        break;
                    }
                }
                subject = Some(left[ci].ent);
            }
        }
        if subject.is_none() {
            // After a fronted clause: "Serving 52 million customers, Zalando ...".
            let comma = (f.t1..toks.len()).find(|&i| w(i) == ",");
            if let Some(cm) = comma {
                subject = cands.iter().find(|c| c.t0 == cm + 1).map(|c| c.ent);
            }
            // "48% growth at Google Cloud".
            if subject.is_none() {
                subject = cands
                    .iter()
                    .find(|c| {
                        c.t0 > f.t1
                            && c.t0 - f.t1 <= 4
                            && c.t0 > 0
                            && matches!(lw(c.t0 - 1), "at" | "for" | "from" | "by")
                            && seg[c.t0] == seg[f.t1.min(toks.len())]
                    })
                    .map(|c| c.ent);
            }
        }
        // A company named earlier (even paragraphs before) is still what bare
        // figures are about ("Revenue rose 17%.").
        if subject.is_none() {
            subject = *focus;
        }

        // ---- metric
        let metric = metric_for(inp, &view, k, &seg, &metrics);
        metrics[k] = metric;
        // "reached $37.5 billion in the quarter, up 66%": the change is of that figure.
        if metric == Some("growth")
            && let Some(prev) = (0..k).rev().find(|&j| numeric.contains(&j))
            && inp.facts[prev].kind == FactKind::Money
            && let Some(ps) = out.get(prev).and_then(|a: &Attribution| a.subject)
            && f.t0 >= inp.facts[prev].t1
            && view.wpos[f.t0] - view.wpos[inp.facts[prev].t1.min(toks.len())] <= 6
        {
            subject = Some(ps);
        }
        let subject = subject.map(|s| promote(inp.ents, s, metric));
        out.push(Attribution {
            subject,
            metric,
            period: None,
        });
    }

    // ---- period
    let mut periods: Vec<(usize, usize, String)> = Vec::new(); // (t0, t1, period)
    for (k, f) in inp.facts.iter().enumerate() {
        if f.kind == FactKind::Period
            && let Some(p) = &inp.periods[k]
        {
            periods.push((f.t0, f.t1, p.clone()));
        }
    }
    for (t, p) in inp.cues {
        periods.push((*t, *t + 1, p.clone()));
    }
    periods.sort_by_key(|p| p.0);
    // Periods bound to a comparison base: "up from 34.6% in Q3".
    let mut bound: Vec<Option<usize>> = vec![None; periods.len()];
    for (pi, p) in periods.iter().enumerate() {
        for &k in &numeric {
            let f = &inp.facts[k];
            if is_comparison_base(&view, f.t0)
                && p.0 >= f.t1
                && p.0 - f.t1 <= 4
                && (f.t1..p.0).all(|i| {
                    matches!(
                        lw(i),
                        "in" | "for" | "during" | "the" | "same" | "previous" | "prior" | "a"
                    )
                })
            {
                bound[pi] = Some(k);
            }
        }
    }
    for &k in &numeric {
        let f = &inp.facts[k];
        let own = periods
            .iter()
            .enumerate()
            .find(|(pi, _)| bound[*pi] == Some(k))
            .map(|(_, p)| p.2.clone());
        // A period inside a relative clause (", which went public in March,") is
        // about that clause only.
        let relative = |pi: usize| {
            let ps = seg[periods[pi].0.min(toks.len())];
            ps != seg[f.t0] && {
                let first = (0..toks.len()).find(|&i| seg[i] == ps && toks[i].kind == Tk::Word);
                first.is_some_and(|i| matches!(view.lw(i), "which" | "who"))
            }
        };
        let free = |pi: usize| bound[pi].is_none() && !relative(pi);
        let left = periods
            .iter()
            .enumerate()
            .rev()
            .find(|(pi, p)| free(*pi) && p.1 <= f.t0)
            .map(|(_, p)| p.2.clone());
        let right = periods
            .iter()
            .enumerate()
            .find(|(pi, p)| free(*pi) && p.0 >= f.t1)
            .map(|(_, p)| p.2.clone());
        let metric = out[k].metric;
        // Durations and specs carry no period of their own.
        // "$78 billion for the first quarter": a period right after the number.
        let right_now = periods
            .iter()
            .enumerate()
            .find(|(pi, p)| {
                free(*pi)
                    && p.0 >= f.t1
                    && (f.t1..p.0).all(|i| {
                        matches!(view.lw(i), "in" | "for" | "the" | "of" | "during" | "over")
                    })
            })
            .map(|(_, p)| p.2.clone());
        let period = if f.kind == FactKind::Quantity && metric.is_none() {
            None
        } else {
            own.or(right_now).or(left).or(right)
        };
        out[k].period = period;
    }

    update_focus(inp, &cands, focus);
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
        inp.ents[c.ent].role == Role::Plain
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

/// A sentence's words for cue matching: lower-case tokens, hyphenated compounds
/// joined ("year-over-year"), and word positions that ignore punctuation.
pub(crate) struct View {
    /// The sentence lower-cased (ASCII only, so byte offsets are kept).
    low_text: String,
    /// Token byte ranges relative to `low_text`.
    spans: Vec<(usize, usize)>,
    joined: Vec<Option<String>>,
    wpos: Vec<usize>,
    /// Which cue lists each token may start (bits `M_*`).
    mask: Vec<u32>,
}

impl View {
    pub(crate) fn new(text: &str, toks: &[Token]) -> View {
        let base = toks.first().map_or(0, |t| t.s);
        let end = toks.last().map_or(0, |t| t.e);
        let low_text = text[base..end].to_ascii_lowercase();
        let spans: Vec<(usize, usize)> = toks.iter().map(|t| (t.s - base, t.e - base)).collect();
        let low: Vec<&str> = spans.iter().map(|&(s, e)| &low_text[s..e]).collect();
        let mut joined = vec![None; toks.len()];
        let mut wpos = vec![0; toks.len() + 1];
        let mut p = 0;
        let mut i = 0;
        while i < toks.len() {
            wpos[i] = p;
            let mut j = i;
            if toks[i].kind == Tk::Word {
                while j + 2 < toks.len()
                    && low[j + 1] == "-"
                    && !toks[j + 1].space
                    && !toks[j + 2].space
                    && toks[j + 2].kind == Tk::Word
                {
                    j += 2;
                }
            }
            if j > i {
                joined[i] = Some(low[i..=j].concat());
                for slot in &mut wpos[i + 1..=j] {
                    *slot = p;
                }
            }
            if toks[i].kind != Tk::Punct {
                p += 1;
            }
            i = j + 1;
        }
        wpos[toks.len()] = p + 1;
        let idx = cue_index();
        let mask = (0..toks.len())
            .map(|i| {
                idx.get(low[i]).copied().unwrap_or(0)
                    | joined[i]
                        .as_deref()
                        .and_then(|j| idx.get(j).copied())
                        .unwrap_or(0)
            })
            .collect();
        View {
            low_text,
            spans,
            joined,
            wpos,
            mask,
        }
    }

    fn lw(&self, i: usize) -> &str {
        self.spans.get(i).map_or("", |&(s, e)| &self.low_text[s..e])
    }

    /// Whether the words at `i..` spell `phrase`; returns the end token.
    fn phrase_at(&self, i: usize, phrase: &str) -> Option<usize> {
        if let Some(j) = &self.joined[i]
            && j == phrase
        {
            let mut e = i + 1;
            while e < self.spans.len() && self.wpos[e] == self.wpos[i] {
                e += 1;
            }
            return Some(e);
        }
        let mut j = i;
        for part in phrase.split(' ') {
            if self.lw(j) != part {
                return None;
            }
            j += 1;
        }
        Some(j)
    }
}

fn metric_for(
    inp: &SentenceInput<'_>,
    v: &View,
    k: usize,
    seg: &[usize],
    earlier: &[Option<&'static str>],
) -> Option<&'static str> {
    let toks = inp.toks;
    let f = &inp.facts[k];
    let lw = |i: usize| v.lw(i);
    let n = toks.len();
    let fseg = seg[f.t0];
    // Distance in words from the fact to token i, or None if in another clause.
    let dist = |i: usize, same_seg: bool| -> Option<usize> {
        if same_seg && seg[i] != fseg {
            return None;
        }
        Some(if i < f.t0 {
            v.wpos[f.t0] - v.wpos[i]
        } else if i >= f.t1 {
            v.wpos[i] - v.wpos[f.t1.min(n)] + 1
        } else {
            0
        })
    };
    let nearest = |cues: &[(&str, &'static str)], bit: u32, same_seg: bool, max: usize| {
        let mut best: Option<(usize, &'static str)> = None;
        for i in 0..n {
            if v.mask[i] & bit == 0 || (i >= f.t0 && i < f.t1) {
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
            for &(p, m) in ids.iter().filter_map(|&k| cues.get(k)) {
                if let Some(end) = v.phrase_at(i, p) {
                    let d = if i < f.t0 {
                        dist(end.saturating_sub(1).min(f.t0.saturating_sub(1)), same_seg)
                    } else {
                        dist(i, same_seg)
                    };
                    if let Some(d) = d
                        && d <= max
                        && best.is_none_or(|(bd, _)| d < bd)
                    {
                        best = Some((d, m));
                    }
                    break;
                }
            }
        }
        best
    };
    let has_near = |words: &[&str], bit: u32, same_seg: bool, max: usize| -> Option<usize> {
        (0..n)
            .filter(|&i| v.mask[i] & bit != 0 && !(i >= f.t0 && i < f.t1))
            .filter(|&i| {
                words.contains(&v.lw(i))
                    || v.joined[i].as_deref().is_some_and(|j| words.contains(&j))
            })
            .filter_map(|i| dist(i, same_seg))
            .filter(|&d| d <= max)
            .min()
    };
    // "up slightly from 34.6%", "compared with 40%": a comparison base has the
    // metric of the figure it is compared with.
    if is_comparison_base(v, f.t0)
        && let Some(prev) = (0..k)
            .rev()
            .find(|&j| inp.facts[j].kind == f.kind && earlier[j].is_some())
    {
        return earlier[prev];
    }
    // Analysts' expectations right before the number.
    // "its forecast" is the company's own: guidance, not an estimate.
    let own_forecast = (f.t0.saturating_sub(4)..f.t0).any(|i| {
        i > 0
            && ESTIMATE_CUES.contains(&lw(i))
            && matches!(lw(i - 1), "its" | "their" | "our" | "own")
    });
    let est_before = !own_forecast
        && (f.t0.saturating_sub(4)..f.t0).any(|i| {
            ESTIMATE_CUES.contains(&lw(i))
                || (lw(i) == "analysts"
                    && (i + 1..f.t0).all(|j| {
                        matches!(
                            lw(j),
                            "expect"
                                | "expected"
                                | "had"
                                | "see"
                                | "saw"
                                | "were"
                                | "of"
                                | "for"
                                | "estimated"
                                | "projected"
                                | "forecast"
                                | "anticipated"
                                | "predicted"
                                | "looking"
                                | "polled"
                                | "by"
                        )
                    }))
        })
        && (f.t0.saturating_sub(4)..f.t0).all(|i| !matches!(lw(i), "," | ";"));
    // "... the $80.2 billion analysts had expected", "..., above estimates".
    let est_after = (f.t1..(f.t1 + 3).min(n)).any(|i| {
        matches!(v.lw(i), "analysts" | "consensus" | "estimates" | "estimate")
            && (f.t1..i).all(|j| toks[j].kind == Tk::Word)
    });
    // "Analysts at X estimate that ...": the whole sentence is their expectation.
    let analysts_expect = (0..n.min(6)).any(|i| {
        i < f.t0
            && matches!(v.lw(i), "analysts" | "analyst")
            && (i + 1..(i + 6).min(n)).any(|j| {
                matches!(
                    v.lw(j),
                    "estimate"
                        | "estimated"
                        | "expect"
                        | "expected"
                        | "forecast"
                        | "predict"
                        | "predicted"
                        | "project"
                        | "projected"
                        | "anticipate"
                        | "see"
                        | "expects"
                        | "estimates"
                        | "forecasts"
                        | "predicts"
                        | "projects"
                        | "sees"
                )
            })
    });
    let est_before = est_before || est_after || analysts_expect;
    // A company's forecast of its own results, said before the number.
    let analysts = v.mask.iter().any(|m| m & M_ANALYST != 0);
    let guidance = !analysts
        && (0..f.t0).any(|i| {
            if v.mask[i] & M_GUIDE == 0 || v.wpos[f.t0] - v.wpos[i] > 12 {
                return false;
            }
            let l = v.lw(i);
            if GUIDANCE_CUES.contains(&l) && !matches!(l, "forecast" | "forecasts" | "forecasting")
            {
                return true;
            }
            if matches!(l, "forecast" | "forecasts" | "forecasting") && i > 0 {
                let t = toks[i - 1];
                let prev = &inp.text[t.s..t.e];
                return prev.chars().next().is_some_and(char::is_uppercase)
                    || matches!(prev, "it" | "company" | "firm" | "which" | "and");
            }
            false
        });
    let base: Option<&'static str> = match f.kind {
        FactKind::Money => {
            let stock_near =
                (0..n).any(|i| v.mask[i] & M_STOCK != 0 && dist(i, false).is_some_and(|d| d <= 6));
            let earnings = v.mask.iter().any(|m| m & M_EARN != 0);
            if f.per_share && (earnings || !stock_near) {
                Some("eps")
            } else if f.per_share {
                Some("share_price")
            } else {
                nearest(MONEY_CUES, M_MONEY, true, 15)
                    .or_else(|| nearest(MONEY_CUES, M_MONEY, false, 6))
                    .map(|(_, m)| m)
                    // "shares closed at $245.50"
                    .or(stock_near.then_some("share_price"))
            }
        }
        FactKind::Percent => {
            let level = nearest(PERCENT_LEVEL_CUES, M_LEVEL, true, 4);
            let stock = STOCK_CUES
                .iter()
                .filter_map(|c| {
                    (0..n)
                        .filter(|&i| v.mask[i] & M_STOCK != 0)
                        .find_map(|i| v.phrase_at(i, c).and_then(|_| dist(i, true)))
                })
                .min()
                .filter(|&d| d <= 6);
            let change = has_near(CHANGE_CUES, M_CHANGE, true, 5);
            let strong_change = has_near(STRONG_CHANGE, M_STRONG, true, 4);
            let fin = has_near(FIN_NOUNS, M_FIN, false, 15);
            let of_after = v.lw(f.t1) == "of" && change.is_none_or(|d| d > 1);
            // A move in points of a ratio ("margin expanded 200 basis points") is
            // about the ratio.
            // "... expanded 200 basis points to 35%": the value after "to" is the level.
            let points = matches!(f.unit.as_deref(), Some("bp" | "pp"))
                || (f.t0 > 0 && matches!(v.lw(f.t0 - 1), "to" | "at"));
            let level = if points {
                nearest(PERCENT_LEVEL_CUES, M_LEVEL, true, 8).map(|(_, m)| (0, m))
            } else {
                level
            };
            match (level, stock, change) {
                (Some((ld, m)), _, c) if c.is_none_or(|cd| ld <= cd) => Some(m),
                (_, Some(sd), c)
                    if fin.is_none_or(|fd| sd <= fd) && c.is_none_or(|cd| sd <= cd + 3) =>
                {
                    Some("share_price")
                }
                _ if of_after => Some("share"),
                (_, _, Some(_)) if strong_change.is_some() || fin.is_some() => Some("growth"),
                (Some((_, m)), _, _) => Some(m),
                _ => None,
            }
        }
        FactKind::Count => {
            let unit = f.unit.as_deref().unwrap_or("");
            match unit {
                "customer" | "client" | "subscriber" => Some("customers"),
                "user" => Some("users"),
                "layoff" => Some("layoffs"),
                "employee" | "worker" | "staff" | "job" | "role" | "position" | "person"
                | "people" | "personnel" | "staffer" => {
                    if has_near(LAYOFF_CUES, M_LAYOFF, false, 30).is_some() {
                        Some("layoffs")
                    } else if matches!(
                        unit,
                        "employee" | "worker" | "staff" | "staffer" | "personnel"
                    ) || v.mask.iter().any(|m| m & M_EMPLOY != 0)
                    {
                        Some("headcount")
                    } else {
                        None
                    }
                }
                _ => None,
            }
        }
        FactKind::Quantity => {
            let unit = f.unit.as_deref().unwrap_or("");
            match unit {
                "GW" | "MW" | "kW" | "TW" => Some("capacity"),
                "x" => {
                    if (0..n)
                        .any(|i| v.mask[i] & M_STOCK != 0 && dist(i, true).is_some_and(|d| d <= 4))
                    {
                        Some("share_price")
                    } else {
                        has_near(CAPACITY, M_CAPACITY, false, 12).map(|_| "capacity")
                    }
                }
                _ => None,
            }
        }
        _ => None,
    };
    if est_before && matches!(f.kind, FactKind::Money | FactKind::Percent) {
        return Some("estimate");
    }
    // "guided to $78 billion", "forecast of 11%": a guidance verb right before.
    let guided = (f.t0.saturating_sub(3)..f.t0).any(|i| {
        matches!(
            v.lw(i),
            "guided" | "guides" | "guidance" | "outlook" | "guiding" | "sees" | "projects"
        )
    });
    if (own_forecast || (guided && !analysts))
        && matches!(f.kind, FactKind::Money | FactKind::Percent)
        && base != Some("capex")
    {
        return Some("guidance");
    }
    if guidance
        && matches!(
            base,
            Some(
                "revenue"
                    | "growth"
                    | "operating_income"
                    | "net_income"
                    | "eps"
                    | "operating_margin"
            )
        )
    {
        return Some("guidance");
    }
    base
}

/// Whether the number at token `t0` is introduced as a comparison base ("from 34.6%",
/// "compared with 40%", "versus $10.6 billion").
fn is_comparison_base(v: &View, t0: usize) -> bool {
    let at = |k: usize| if t0 >= k { v.lw(t0 - k) } else { "" };
    matches!(at(1), "from" | "versus" | "vs" | "against")
        || matches!(at(2), "from" | "versus" | "vs")
        || (matches!(at(1), "with" | "to") && matches!(at(2), "compared" | "comparison"))
        || (at(1) == "." && at(2) == "vs")
}
