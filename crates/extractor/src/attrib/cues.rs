//! The cue words attribution looks for, and an index from a word to the lists it may start.

use std::sync::LazyLock;

use crate::fasthash::FastMap;

pub(super) const PRONOUNS: &[&str] = &["it", "its", "It", "Its"];
pub(super) const COMPANY_NOUNS: &[&str] = &[
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
pub(super) const MONEY_CUES: &[(&str, &str)] = &[
    ("remaining performance obligations", "backlog"),
    ("remaining performance obligation", "backlog"),
    ("annual contract value", "run_rate"),
    ("annual recurring revenue", "run_rate"),
    ("arr", "run_rate"),
    ("crpo", "backlog"),
    ("cloud backlog", "backlog"),
    ("gross profit", "gross_profit"),
    ("research and development", "rd_expense"),
    ("ebitda", "ebitda"),
    ("share repurchases", "buybacks"),
    ("share buybacks", "buybacks"),
    ("buybacks", "buybacks"),
    ("buyback", "buybacks"),
    ("repurchases", "buybacks"),
    ("dividends", "dividends"),
    ("dividend", "dividends"),
    ("termination fee", "termination_fee"),
    ("income from operations", "operating_income"),
    ("cash and cash equivalents", "cash"),
    ("cash and equivalents", "cash"),
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
    ("cap-ex", "capex"),
    ("backlog", "backlog"),
    ("rpo", "backlog"),
    ("revenue", "revenue"),
    ("revenues", "revenue"),
    ("sales", "revenue"),
    ("turnover", "revenue"),
    ("valuation", "market_value"),
    ("valued", "market_value"),
    ("acquisition", "contract_value"),
    ("takeover", "contract_value"),
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
    ("funding", "funding"),
    ("round", "funding"),
    ("stake", "investment"),
    ("raised", "funding"),
    ("secures", "funding"),
    ("global spending", "market_size"),
    ("market size", "market_size"),
    ("budget", "investment"),
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
pub(super) const PERCENT_LEVEL_CUES: &[(&str, &str)] = &[
    ("operating profit margin", "operating_margin"),
    ("gross profit margin", "gross_margin"),
    ("net profit margin", "net_margin"),
    ("net income margin", "net_margin"),
    ("profit margin", "net_margin"),
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
    ("premium", "premium"),
    ("tax rate", "tax_rate"),
    ("vacancy rate", "vacancy_rate"),
];

/// Stock moves.
pub(super) const STOCK_CUES: &[&str] = &[
    "shares",
    "receipts",
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

/// Change cues: a percentage next to these is a change. The strong ones
/// ([`STRONG_CHANGE`]) and these weaker ones, which say so only near the figure.
pub(super) static CHANGE_CUES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| [STRONG_CHANGE, WEAK_CHANGE].concat());

/// Change words that mark a change only together with a figure close by (`up`, `higher`).
const WEAK_CHANGE: &[&str] = &[
    "surging",
    "climb",
    "declining",
    "fall",
    "drop",
    "slid",
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
];

/// Change words that make a percentage a change on their own.
pub(super) const STRONG_CHANGE: &[&str] = &[
    "leaping",
    "leapt",
    "leaped",
    "soaring",
    "plunging",
    "tumbling",
    "sliding",
    "dropping",
    "falling",
    "climbs",
    "rising",
    "rises",
    "jumps",
    "surges",
    "increases",
    "declines",
    "falls",
    "drops",
    "decreased",
    "decreases",
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

pub(super) const CAPACITY: &[&str] = &["capacity"];

// Bits of the cue lists a word can start (see `cue_index`).
pub(super) const M_MONEY: u32 = 1;
pub(super) const M_LEVEL: u32 = 2;
pub(super) const M_STOCK: u32 = 4;
pub(super) const M_CHANGE: u32 = 8;
pub(super) const M_FIN: u32 = 16;
pub(super) const M_LAYOFF: u32 = 32;
pub(super) const M_STRONG: u32 = 64;
pub(super) const M_CAPACITY: u32 = 128;
pub(super) const M_GUIDE: u32 = 256;
pub(super) const M_ANALYST: u32 = 512;
pub(super) const M_EARN: u32 = 1024;
pub(super) const M_EMPLOY: u32 = 2048;

pub(super) const ANALYST_WORDS: &[&str] = &["analysts", "analyst", "consensus"];
pub(super) const EARNINGS_WORDS: &[&str] = &[
    "earnings", "eps", "profit", "income", "earned", "loss", "diluted",
];
pub(super) const EMPLOY_WORDS: &[&str] =
    &["employs", "employ", "employed", "workforce", "headcount"];

/// First word of every cue phrase → the lists it may start.
pub(super) fn cue_index() -> &'static FastMap<&'static str, u32> {
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
        for p in CHANGE_CUES.iter() {
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
pub(super) fn phrase_index() -> &'static FastMap<&'static str, Vec<(u32, usize)>> {
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
pub(super) const FIN_NOUNS: &[&str] = &[
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

pub(super) const ESTIMATE_CUES: &[&str] = &[
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

pub(super) const GUIDANCE_CUES: &[&str] = &[
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

pub(super) const LAYOFF_CUES: &[&str] = &[
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
