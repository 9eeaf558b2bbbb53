//! Finding numeric facts in one sentence's tokens.
//!
//! The scanner walks the tokens left to right and, at each one, tries in turn: a
//! calendar date, a period, and a number expression (money, percent, quantity,
//! count). A number expression is: an optional written sign, an optional currency
//! (`$`, `US$`, `€`, `£`, `EUR`), a number in digits or words, an optional scale
//! (`billion`, `bn`, `m`), an optional second number making a range (`11-15%`,
//! `$173.5-$178.5 billion`, `between $175 billion and $185 billion`), then a unit
//! (`%`, `basis points`, `gigawatts`, `x`, `years`, a currency word, or a counted
//! noun). Hedges (`about`, `nearly`, `more than`) are simply not part of the span.
//!
//! What is refused: digits glued to letters (`Trainium3`, `96xlarge`), numbers that
//! follow a capitalised name with no unit (`Opus 4.6`, `Microsoft 365`), list
//! numbering, times of day, bare numbers with no unit, and anything inside a URL or
//! an entity's name.

use factwire_core::FactKind;

use crate::lex::{Tk, Token};
use crate::numbers::{self as n, parse_digits};
use crate::periods::{RawDate, RawPeriod};

/// A fact as found, before years are filled in and attribution is done.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFact {
    /// Kind of fact.
    pub kind: FactKind,
    /// Byte span start.
    pub s: usize,
    /// Byte span end.
    pub e: usize,
    /// Value (low end of a range).
    pub value: Option<f64>,
    /// High end of a range.
    pub value_max: Option<f64>,
    /// Unit.
    pub unit: Option<String>,
    /// A date, for date facts.
    pub date: Option<RawDate>,
    /// A period, for period facts.
    pub period: Option<RawPeriod>,
    /// Index of the first token (in the sentence's token list).
    pub t0: usize,
    /// Index one past the last token.
    pub t1: usize,
    /// Money written "per share" / "a share".
    pub per_share: bool,
    /// The sentence speaks of the future ("will", "expects"): a month or date
    /// written without its year is then read forward, else backward.
    pub future: bool,
}

impl RawFact {
    fn new(kind: FactKind, toks: &[Token], t0: usize, t1: usize) -> Self {
        RawFact {
            kind,
            s: toks[t0].s,
            e: toks[t1 - 1].e,
            value: None,
            value_max: None,
            unit: None,
            date: None,
            period: None,
            t0,
            t1,
            per_share: false,
            future: false,
        }
    }
}

/// Table context: bare numbers are money in this currency and scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TableScale {
    /// ISO currency.
    pub currency: &'static str,
    /// Multiplier.
    pub scale: f64,
}

/// Scaled amounts are whole units: `16.1 * 1e9` is 16100000000, not ...000002.
fn tidy(v: f64) -> f64 {
    let r = v.round();
    if v.abs() >= 1e3 && (v - r).abs() < 1e-3 {
        r
    } else {
        v
    }
}

/// Scans one sentence.
pub struct Scanner<'a> {
    text: &'a str,
    toks: &'a [Token],
    /// Byte ranges that must not yield facts (URLs, entity names).
    blocked: &'a [(usize, usize)],
    table: Option<TableScale>,
    /// Tokens already used by an earlier fact (a year absorbed by a quarter).
    used: Vec<bool>,
    /// Whether the sentence starts a paragraph (for list numbering).
    para_start: bool,
    /// Kind, unit and scale of the last number fact, for bare comparison bases
    /// ("1,551,000 employees versus 1,556,000 a year earlier").
    prev: Option<(FactKind, Option<String>)>,
}

/// Words after which a capitalised name is not a name (so "In 2025" is a year).
const FUNCTION_WORDS: &[&str] = &[
    "in",
    "on",
    "at",
    "by",
    "for",
    "from",
    "to",
    "of",
    "since",
    "until",
    "through",
    "and",
    "or",
    "the",
    "a",
    "an",
    "about",
    "around",
    "nearly",
    "over",
    "under",
    "between",
    "after",
    "before",
    "during",
    "with",
    "as",
    "than",
    "early",
    "late",
    "mid",
    "end",
    "into",
    "within",
    "throughout",
    "fiscal",
    "year",
    "full",
    "calendar",
    "total",
    "some",
    "all",
    "its",
    "their",
    "his",
    "her",
    "our",
    "this",
    "that",
    "these",
    "those",
    "up",
    "down",
    "roughly",
    "almost",
    "just",
    "only",
    "more",
    "less",
    "fewer",
    "least",
    "most",
    "another",
    "each",
    "every",
    "approximately",
    "estimated",
    "some",
    "reported",
    "revenue",
    "sales",
    "growth",
    "but",
    "while",
    "when",
    "if",
    "also",
    "still",
    "yet",
    "so",
    "here",
    "there",
    "it",
    "he",
    "she",
    "they",
    "we",
    "you",
    "i",
    "is",
    "was",
    "were",
    "are",
    "be",
    "been",
    "will",
    "would",
    "could",
    "should",
    "may",
    "might",
    "can",
    "had",
    "has",
    "have",
    "said",
    "says",
    "like",
    "per",
    "some",
    "top",
    "record",
    "quarter",
    "since",
    "via",
    "against",
    "versus",
    "vs",
];

fn is_function_word(w: &str) -> bool {
    n::Lower::new(w).is_some_and(|l| FUNCTION_WORDS.contains(&l.as_str()))
}

/// Fraction words: "two-thirds" is a share, not a count of thirds.
const FRACTIONS: &[&str] = &[
    "half", "halves", "third", "thirds", "fifth", "fifths", "sixth", "sixths", "seventh",
    "sevenths", "eighth", "eighths", "ninth", "ninths", "tenth", "tenths",
];

/// Counted nouns that make a vague phrase, not a fact ("two decades").
const VAGUE_NOUNS: &[&str] = &["decade", "century", "generation", "millennium", "millennia"];

/// Words before a number word that refer back to things already named ("the two
/// companies", "all three platforms", "both").
const DEFINITE: &[&str] = &["the", "all", "these", "those", "both"];

/// Words that cannot be the counted noun of a count.
const NOT_NOUN: &[&str] = &[
    "was",
    "is",
    "has",
    "its",
    "this",
    "plus",
    "thus",
    "across",
    "various",
    "previous",
    "us",
    "less",
    "unless",
    "always",
    "perhaps",
    "whereas",
    "does",
    "goes",
    "yes",
    "his",
    "hers",
    "ours",
    "theirs",
    "as",
    "alias",
    "bias",
    "gas",
    "towards",
    "besides",
    "nevertheless",
    "sometimes",
    "afterwards",
    "regardless",
    "serious",
    "famous",
    "numerous",
    "enormous",
    "tremendous",
    "continuous",
    "obvious",
    "generous",
    "nervous",
    "anxious",
    "ambitious",
    "cautious",
    "analysis",
    "basis",
    "thesis",
    "crisis",
    "status",
    "bonus",
    "focus",
    "census",
    "versus",
    "chassis",
    "lens",
    "mass",
    "gross",
    "class",
    "process",
    "access",
    "success",
    "business",
    "express",
    "progress",
    "loss",
    "stress",
    "press",
    "less",
    "miss",
    "boss",
    "cross",
    "pass",
    "glass",
    "grass",
    "says",
    "gets",
    "makes",
    "takes",
    "comes",
    "seems",
    "looks",
    "looms",
    "remains",
    "means",
    "includes",
    "represents",
    "reflects",
    "marks",
    "shows",
    "needs",
    "uses",
    "wants",
    "adds",
    "grows",
    "rises",
    "falls",
    "plans",
    "expects",
    "sells",
    "hits",
    "tops",
    "leads",
    "pays",
    "runs",
    "works",
    "helps",
    "brings",
    "puts",
    "gives",
    "keeps",
    "holds",
    "stands",
    "sits",
    "lets",
    "sees",
    "becomes",
    "ends",
    "starts",
    "ranks",
    "accounts",
    "amounts",
    "totals",
    "equals",
    "exceeds",
    "surpasses",
    "outpaces",
    "trails",
    "lags",
    "beats",
    "misses",
    "jumps",
    "climbs",
    "slips",
    "drops",
    "dips",
    "gains",
    "surges",
    "soars",
    "slumps",
    "declines",
    "increases",
    "decreases",
    "doubles",
    "triples",
    "compares",
    "contrasts",
    "signals",
    "suggests",
    "underscores",
    "highlights",
];

/// Words that stop the counted-noun phrase.
const NOUN_STOP: &[&str] = &[
    "of",
    "in",
    "on",
    "at",
    "for",
    "to",
    "from",
    "with",
    "by",
    "and",
    "or",
    "that",
    "which",
    "who",
    "as",
    "than",
    "per",
    "across",
    "over",
    "under",
    "since",
    "including",
    "were",
    "was",
    "are",
    "is",
    "have",
    "has",
    "had",
    "will",
    "would",
    "could",
    "the",
    "a",
    "an",
    "this",
    "its",
    "their",
    "but",
    "into",
    "worldwide",
    "globally",
    "each",
    "a",
    "year",
    "ago",
    "earlier",
    "later",
];

impl<'a> Scanner<'a> {
    /// A scanner for one sentence's tokens.
    pub fn new(
        text: &'a str,
        toks: &'a [Token],
        blocked: &'a [(usize, usize)],
        table: Option<TableScale>,
        para_start: bool,
    ) -> Self {
        Scanner {
            text,
            toks,
            blocked,
            table,
            used: vec![false; toks.len()],
            para_start,
            prev: None,
        }
    }

    fn w(&self, i: usize) -> &'a str {
        self.toks.get(i).map_or("", |t| &self.text[t.s..t.e])
    }

    fn kind(&self, i: usize) -> Option<Tk> {
        self.toks.get(i).map(|t| t.kind)
    }

    fn is_word(&self, i: usize) -> bool {
        self.kind(i) == Some(Tk::Word)
    }

    fn is_num(&self, i: usize) -> bool {
        self.kind(i) == Some(Tk::Num)
    }

    /// Whether token `i` is glued to the previous one.
    fn glued(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| !t.space)
    }

    fn lower_is(&self, i: usize, w: &str) -> bool {
        self.is_word(i) && self.w(i).eq_ignore_ascii_case(w)
    }

    fn blocked(&self, i: usize) -> bool {
        let t = self.toks[i];
        self.blocked.iter().any(|&(s, e)| t.s < e && t.e > s)
    }

    /// Scans all tokens, returning facts in order.
    pub fn scan(&mut self) -> Vec<RawFact> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.toks.len() {
            if self.used[i] || !self.may_start(i) || self.blocked(i) {
                i += 1;
                continue;
            }
            let found = self
                .date_at(i)
                .or_else(|| self.period_fact_at(i))
                .or_else(|| self.number_at(i));
            match found {
                Some(f) => {
                    if matches!(f.kind, FactKind::Money | FactKind::Count) {
                        self.prev = Some((f.kind, f.unit.clone()));
                    }
                    let next = f.t1.max(i + 1);
                    for u in &mut self.used[f.t0..f.t1] {
                        *u = true;
                    }
                    if let Some(k) = self.absorbed_year(&f) {
                        self.mark_used(k);
                    }
                    out.push(f);
                    i = next;
                }
                None => i += 1,
            }
        }
        out.retain(|f| !f.e.eq(&f.s));
        if out
            .iter()
            .any(|f| matches!(f.kind, FactKind::Period | FactKind::Date))
        {
            let future = (0..self.toks.len()).any(|i| {
                self.is_word(i)
                    && n::Lower::new(self.w(i)).is_some_and(|l| {
                        matches!(
                            l.as_str(),
                            "will"
                                | "expects"
                                | "expected"
                                | "plans"
                                | "planned"
                                | "scheduled"
                                | "due"
                                | "upcoming"
                                | "next"
                                | "later"
                                | "until"
                                | "forecast"
                                | "guidance"
                                | "outlook"
                                | "aims"
                                | "intends"
                                | "by"
                        )
                    })
            });
            for f in &mut out {
                f.future = future;
            }
        }
        out
    }

    /// Cheap test: can a fact start at token `i` at all?
    fn may_start(&self, i: usize) -> bool {
        let t = self.toks[i];
        match t.kind {
            Tk::Num => true,
            Tk::Punct => matches!(
                self.w(i),
                "$" | "€" | "£" | "¥" | "₹" | "₩" | "-" | "−" | "+"
            ),
            Tk::Word => {
                let w = self.w(i);
                if w.as_bytes()[0].is_ascii_uppercase() {
                    return true;
                }
                // Lower-case currency prefixes and codes: "c$3", "usd 40".
                if (self.w(i + 1) == "$" && n::dollar_prefix(w).is_some())
                    || (n::currency_code(w).is_some() && self.is_num(i + 1))
                {
                    return true;
                }
                if (w == "q" || w.len() >= 3) && self.lower_month_or_q(i) {
                    return true;
                }
                // Number words, ordinals, "fiscal", "twice", "-fold" words all start
                // with one of these letters.
                if !matches!(
                    w.as_bytes()[0],
                    b'z' | b'o' | b't' | b'f' | b's' | b'e' | b'n' | b'h' | b'a'
                ) {
                    return false;
                }
                n::Lower::new(w).is_some_and(|l| {
                    let l = l.as_str();
                    n::small_word(l).is_some()
                        || ((l == "a" || l == "an")
                            && (n::scale(self.w(i + 1), false).is_some()
                                || self.lower_is(i + 1, "hundred")))
                        || matches!(
                            l,
                            "first" | "second" | "third" | "fourth" | "fiscal" | "twice" | "thrice"
                        )
                        || l.ends_with("fold")
                })
            }
        }
    }

    // ---------------------------------------------------------------- dates

    fn month_at(&self, i: usize) -> Option<(u32, usize)> {
        if !self.is_word(i) {
            return None;
        }
        let w = self.w(i);
        let m = match n::month(w) {
            Some(m) => m,
            None => self.lower_month(i)?,
        };
        if n::is_full_month(w) {
            // "Sept." written in full plus a stop is still fine.
            return Some((m, i + 1));
        }
        if self.w(i + 1) == "." && self.glued(i + 1) {
            return Some((m, i + 2));
        }
        Some((m, i + 1))
    }

    fn lower_month_or_q(&self, i: usize) -> bool {
        let w = self.w(i);
        if w == "q" {
            return self.is_num(i + 1) && self.glued(i + 1);
        }
        w.len() <= 9 && self.lower_month(i).is_some()
    }

    /// A month written in lower case ("march 2016", "9 oct 2022", "jun, 2019"): only
    /// next to a year or after a day number, since "march", "may" and "sat" are words.
    fn lower_month(&self, i: usize) -> Option<u32> {
        let w = self.w(i);
        if !w.bytes().next().is_some_and(|b| b.is_ascii_lowercase()) || w.len() > 9 {
            return None;
        }
        // Cheap tests first: a number must be next to it.
        let near_number = self.is_num(i + 1)
            || self.is_num(i + 2)
            || self.is_num(i + 3)
            || (i > 0 && self.is_num(i - 1));
        if !near_number {
            return None;
        }
        let mut buf = [0u8; 9];
        buf[..w.len()].copy_from_slice(w.as_bytes());
        buf[0] = buf[0].to_ascii_uppercase();
        let m = n::month(std::str::from_utf8(&buf[..w.len()]).ok()?)?;
        let mut k = i + 1;
        if self.w(k) == "." && self.glued(k) {
            k += 1;
        }
        if self.w(k) == "," {
            k += 1;
        }
        let dated = self.year_value(k).is_some()
            || (i > 0 && self.is_num(i - 1) && self.day_value(i - 1).is_some());
        (dated && m != 5).then_some(m)
    }

    fn year_value(&self, i: usize) -> Option<i32> {
        if !self.is_num(i) {
            return None;
        }
        let w = self.w(i);
        if w.len() != 4 || !w.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let y: i32 = w.parse().ok()?;
        // A year is not glued to letters after it ("2020s", "2025x").
        if self.is_word(i + 1) && self.glued(i + 1) {
            return None;
        }
        (1900..=2100).contains(&y).then_some(y)
    }

    fn day_value(&self, i: usize) -> Option<u32> {
        if !self.is_num(i) {
            return None;
        }
        let w = self.w(i);
        if w.len() > 2 {
            return None;
        }
        let d: u32 = w.parse().ok()?;
        // Ordinal suffix "28th".
        (1..=31).contains(&d).then_some(d)
    }

    fn skip_ordinal_suffix(&self, j: usize) -> usize {
        if self.is_word(j) && self.glued(j) && matches!(self.w(j), "st" | "nd" | "rd" | "th") {
            j + 1
        } else {
            j
        }
    }

    fn date_at(&self, i: usize) -> Option<RawFact> {
        // Month Day[, Year] / Month Year / Month.
        if let Some((m, j)) = self.month_at(i) {
            let full = n::is_full_month(self.w(i));
            // "the September quarter": the calendar quarter holding that month.
            if full && self.lower_is(j, "quarter") && !self.glued(j) {
                let mut f = RawFact::new(FactKind::Period, self.toks, i, j + 1);
                f.period = Some(RawPeriod::Quarter {
                    fiscal: false,
                    q: (m - 1) / 3 + 1,
                    year: self.year_value(j + 1),
                });
                if f.period.is_some() && self.year_value(j + 1).is_some() {
                    f.e = self.toks[j + 1].e;
                    f.t1 = j + 2;
                }
                return Some(f);
            }
            if let Some(d) = self.day_value(j) {
                let k = self.skip_ordinal_suffix(j + 1);
                // Not "May 5 billion" or "Oct 3%".
                if self.is_word(k) && (n::scale(self.w(k), false).is_some())
                    || self.w(k) == "%"
                    || self.w(k) == ":"
                {
                    return None;
                }
                let (year, end) = if self.w(k) == "," && self.year_value(k + 1).is_some() {
                    (self.year_value(k + 1), k + 2)
                } else if let Some(y) = self.year_value(k) {
                    (Some(y), k + 1)
                } else {
                    (None, k)
                };
                let mut f = RawFact::new(FactKind::Date, self.toks, i, end);
                f.date = Some(RawDate {
                    year,
                    month: m,
                    day: d,
                });
                return Some(f);
            }
            let (year, end) = if let Some(y) = self.year_value(j) {
                (Some(y), j + 1)
            } else if self.w(j) == "," && self.year_value(j + 1).is_some() {
                (self.year_value(j + 1), j + 2)
            } else {
                (None, j)
            };
            if year.is_none() && !self.bare_month_ok(i, full) {
                return None;
            }
            let mut f = RawFact::new(FactKind::Period, self.toks, i, end);
            f.period = Some(RawPeriod::Month { m, year });
            return Some(f);
        }
        // Day Month [Year]: "28 January 2026".
        if let Some(d) = self.day_value(i) {
            let j = self.skip_ordinal_suffix(i + 1);
            if let Some((m, k)) = self.month_at(j)
                && self.toks[j].space
            {
                let (year, end) = match self.year_value(k) {
                    Some(y) => (Some(y), k + 1),
                    None => (None, k),
                };
                let mut f = RawFact::new(FactKind::Date, self.toks, i, end);
                f.date = Some(RawDate {
                    year,
                    month: m,
                    day: d,
                });
                return Some(f);
            }
        }
        None
    }

    /// Whether a month name standing alone is a month ("in October", not "May rise").
    fn bare_month_ok(&self, i: usize, full: bool) -> bool {
        if !full {
            return false;
        }
        let w = self.w(i);
        // Not part of a longer name ("March Madness", "October Capital").
        if self.is_word(i + 1) && self.w(i + 1).chars().next().is_some_and(char::is_uppercase) {
            return false;
        }
        let prev = if i > 0 { self.w(i - 1) } else { "" };
        let prev_l = prev.to_ascii_lowercase();
        let cue = matches!(
            prev_l.as_str(),
            "in" | "since"
                | "until"
                | "by"
                | "through"
                | "early"
                | "late"
                | "mid"
                | "end"
                | "last"
                | "next"
                | "this"
                | "of"
                | "from"
                | "before"
                | "after"
                | "during"
                | "in-"
                | "-"
                | "between"
                | "and"
                | "to"
                | "till"
                | "each"
                | "every"
        );
        if w == "May" || w == "March" {
            return cue;
        }
        cue || i > 0
    }

    // -------------------------------------------------------------- periods

    fn quarter_code(&self, i: usize) -> Option<(u32, usize)> {
        // "Q4" = Word "Q" + glued Num 1-4 (not glued to more).
        // "q2 2021": lower case only with its year.
        let lower_ok = self.w(i) == "q" && self.year_value(i + 2).is_some();
        if (self.w(i) == "Q" || lower_ok) && self.is_num(i + 1) && self.glued(i + 1) {
            let q: u32 = self.w(i + 1).parse().ok()?;
            if (1..=4).contains(&q) && !(self.glued(i + 2) && self.kind(i + 2) != Some(Tk::Punct)) {
                return Some((q, i + 2));
            }
        }
        None
    }

    fn two_digit_year(&self, i: usize) -> Option<i32> {
        let w = self.w(i);
        if self.is_num(i) && w.len() == 2 {
            return w.parse::<i32>().ok().map(|y| 2000 + y);
        }
        None
    }

    /// "FY2026", "FY26", "FY 2026", "fiscal 2026", "fiscal year 2026", "fiscal-year 2026".
    fn fiscal_year_at(&self, i: usize) -> Option<(Option<i32>, usize)> {
        let w = self.w(i);
        if w == "FY" && self.is_num(i + 1) {
            let y = self
                .year_value(i + 1)
                .or_else(|| self.two_digit_year(i + 1))?;
            if self.is_word(i + 2) && self.glued(i + 2) {
                return None;
            }
            return Some((Some(y), i + 2));
        }
        if w.eq_ignore_ascii_case("fiscal") {
            let mut j = i + 1;
            if self.w(j) == "-" && self.lower_is(j + 1, "year") {
                j += 2;
            } else if self.lower_is(j, "year") {
                j += 1;
            }
            if let Some(y) = self.year_value(j) {
                return Some((Some(y), j + 1));
            }
            if let Some(y) = self.two_digit_year(j)
                && !(self.w(j + 1) == "%" || self.is_word(j + 1) && self.glued(j + 1))
                && j == i + 1
            {
                return Some((Some(y), j + 1));
            }
        }
        None
    }

    fn ordinal_part(&self, i: usize) -> Option<(u32, bool, usize)> {
        // "fourth quarter", "fourth-quarter", "4th quarter", "first half".
        let (o, j) = if let Some(o) = n::ordinal(self.w(i)).filter(|_| self.is_word(i)) {
            (o, i + 1)
        } else if self.is_num(i) && self.is_word(i + 1) && self.glued(i + 1) {
            (
                n::ordinal(&format!("{}{}", self.w(i), self.w(i + 1)))?,
                i + 2,
            )
        } else {
            return None;
        };
        let j = if self.w(j) == "-" && self.glued(j) {
            j + 1
        } else {
            j
        };
        let (fiscal, j) = if self.lower_is(j, "fiscal") {
            (true, j + 1)
        } else {
            (false, j)
        };
        if self.lower_is(j, "quarter") {
            return Some((o, fiscal, j + 1)).filter(|_| o <= 4);
        }
        if self.lower_is(j, "half") {
            return Some((o + 100, fiscal, j + 1)).filter(|_| o <= 2);
        }
        None
    }

    /// After a quarter/half: "of 2025", "2025", "of fiscal 2026", "in 2025" (with up to
    /// three plain words between, "fourth-quarter performance in 2025").
    fn trailing_year(&self, j: usize) -> Option<(bool, i32, usize, usize)> {
        // Returns (fiscal, year, index of year token(s) start, end).
        if let Some(y) = self.year_value(j) {
            return Some((false, y, j, j + 1));
        }
        if let Some((Some(y), e)) = self.fiscal_year_at(j) {
            return Some((true, y, j, e));
        }
        if (self.w(j) == "'" || self.w(j) == "’")
            && let Some(y) = self.two_digit_year(j + 1)
        {
            return Some((false, y, j, j + 2));
        }
        let mut k = j;
        let mut words = 0;
        while k < self.toks.len() && words <= 3 {
            let w = self.w(k);
            if (w.eq_ignore_ascii_case("of") || w.eq_ignore_ascii_case("in")) && self.is_word(k) {
                if let Some(y) = self.year_value(k + 1) {
                    return Some((false, y, k + 1, k + 2));
                }
                if let Some((Some(y), e)) = self.fiscal_year_at(k + 1) {
                    return Some((true, y, k + 1, e));
                }
                if self.lower_is(k + 1, "the") && self.lower_is(k + 2, "year") {
                    return None;
                }
            }
            if !self.is_word(k) || !w.chars().all(|c| c.is_lowercase()) || words == 3 {
                break;
            }
            if matches!(
                w,
                "and" | "or" | "but" | "to" | "from" | "than" | "compared" | "versus"
            ) {
                break;
            }
            words += 1;
            k += 1;
        }
        None
    }

    fn period_fact_at(&self, i: usize) -> Option<RawFact> {
        let mk = |p: RawPeriod, t0: usize, t1: usize| {
            let mut f = RawFact::new(FactKind::Period, self.toks, t0, t1);
            f.period = Some(p);
            f
        };
        // FY26 Q2 / FY2026 / fiscal 2026 [second quarter]
        if let Some((y, j)) = self.fiscal_year_at(i) {
            if let Some((q, k)) = self.quarter_code(j) {
                return Some(mk(
                    RawPeriod::Quarter {
                        fiscal: true,
                        q,
                        year: y,
                    },
                    i,
                    k,
                ));
            }
            if let Some((o, _, k)) = self.ordinal_part(j) {
                let p = if o > 100 {
                    RawPeriod::Half {
                        fiscal: true,
                        h: o - 100,
                        year: y,
                    }
                } else {
                    RawPeriod::Quarter {
                        fiscal: true,
                        q: o,
                        year: y,
                    }
                };
                return Some(mk(p, i, k));
            }
            return Some(mk(RawPeriod::FiscalYear(y), i, j));
        }
        // "fiscal Q2", "fiscal second quarter", "fiscal first half"
        if self.lower_is(i, "fiscal") {
            if let Some((q, j)) = self.quarter_code(i + 1) {
                let (year, end) = match self.year_value(j) {
                    Some(y) => (Some(y), j + 1),
                    None => (None, j),
                };
                return Some(mk(
                    RawPeriod::Quarter {
                        fiscal: true,
                        q,
                        year,
                    },
                    i,
                    end,
                ));
            }
            if let Some((o, _, j)) = self.ordinal_part(i + 1) {
                let (year, end) = match self.trailing_year(j) {
                    Some((_, y, ys, ye)) if ys == j || self.w(j).eq_ignore_ascii_case("of") => {
                        (Some(y), ye)
                    }
                    _ => (None, j),
                };
                let p = if o > 100 {
                    RawPeriod::Half {
                        fiscal: true,
                        h: o - 100,
                        year,
                    }
                } else {
                    RawPeriod::Quarter {
                        fiscal: true,
                        q: o,
                        year,
                    }
                };
                return Some(mk(p, i, end));
            }
            return None;
        }
        // Q4 2025 / Q4'25 / Q4 FY26 / Q4 of 2025 / Q4
        if let Some((q, j)) = self.quarter_code(i) {
            if let Some((fiscal, y, ys, ye)) = self.trailing_year(j)
                && (ys == j || ys == j + 1)
            {
                return Some(mk(
                    RawPeriod::Quarter {
                        fiscal,
                        q,
                        year: Some(y),
                    },
                    i,
                    ye,
                ));
            }
            // "AWS Q4 Earnings": a quarter inside a title-case name or link title.
            let cap = |k: usize| {
                self.is_word(k)
                    && self.w(k).chars().next().is_some_and(char::is_uppercase)
                    && !is_function_word(self.w(k))
            };
            if i > 0 && cap(i - 1) && cap(j) {
                return None;
            }
            return Some(mk(
                RawPeriod::Quarter {
                    fiscal: false,
                    q,
                    year: None,
                },
                i,
                j,
            ));
        }
        // 4Q25 / 4Q 2025 / 1H25
        if self.is_num(i)
            && matches!(self.w(i + 1), "Q" | "H")
            && self.glued(i + 1)
            && let Ok(q) = self.w(i).parse::<u32>()
        {
            let half = self.w(i + 1) == "H";
            let ok = if half {
                (1..=2).contains(&q)
            } else {
                (1..=4).contains(&q)
            };
            if ok {
                let (year, end) = if self.glued(i + 2) {
                    (self.two_digit_year(i + 2).or(self.year_value(i + 2)), i + 3)
                } else {
                    (self.year_value(i + 2), i + 3)
                };
                if let Some(y) = year {
                    let p = if half {
                        RawPeriod::Half {
                            fiscal: false,
                            h: q,
                            year: Some(y),
                        }
                    } else {
                        RawPeriod::Quarter {
                            fiscal: false,
                            q,
                            year: Some(y),
                        }
                    };
                    return Some(mk(p, i, end));
                }
            }
        }
        // H1 2025 / H2
        if self.w(i) == "H" && self.is_num(i + 1) && self.glued(i + 1) {
            let h: u32 = self.w(i + 1).parse().ok()?;
            if !(1..=2).contains(&h) || (self.glued(i + 2) && self.is_word(i + 2)) {
                return None;
            }
            let (year, end) = match self.trailing_year(i + 2) {
                Some((_, y, ys, ye)) if ys <= i + 3 => (Some(y), ye),
                _ => (None, i + 2),
            };
            return Some(mk(
                RawPeriod::Half {
                    fiscal: false,
                    h,
                    year,
                },
                i,
                end,
            ));
        }
        // fourth quarter [of 2025] / first half of 2025 / second fiscal quarter
        if let Some((o, fiscal, j)) = self.ordinal_part(i) {
            let (fiscal, year, end) = match self.trailing_year(j) {
                Some((fy, y, ys, ye)) if ys == j || self.lower_is(j, "of") => {
                    (fiscal || fy, Some(y), ye)
                }
                Some((fy, y, _, _)) => {
                    // "fourth-quarter performance in 2025": the year qualifies the
                    // quarter but the span stays on the quarter.
                    (fiscal || fy, Some(y), j)
                }
                None => (fiscal, None, j),
            };
            let p = if o > 100 {
                RawPeriod::Half {
                    fiscal,
                    h: o - 100,
                    year,
                }
            } else {
                RawPeriod::Quarter { fiscal, q: o, year }
            };
            return Some(mk(p, i, end));
        }
        // "2026 fiscal year"
        if let Some(y) = self.year_value(i) {
            if self.lower_is(i + 1, "fiscal") && self.lower_is(i + 2, "year") {
                return Some(mk(RawPeriod::FiscalYear(Some(y)), i, i + 3));
            }
            if self.year_is_name_part(i) || self.year_is_count(i) {
                return None;
            }
            return Some(mk(RawPeriod::Year(y), i, i + 1));
        }
        None
    }

    /// "re:Invent 2025", "CES 2026", "Windows 2000": a year right after a name.
    fn year_is_name_part(&self, i: usize) -> bool {
        if i == 0 || self.glued(i) {
            return i > 0 && self.glued(i) && self.is_word(i - 1);
        }
        let prev = self.w(i - 1);
        if !self.is_word(i - 1) {
            return false;
        }
        let cap = prev.chars().any(char::is_uppercase);
        cap && i - 1 > 0 && !is_function_word(prev) && n::month(prev).is_none()
    }

    /// "2000 servers": a four-digit number before a plural noun is a count.
    fn year_is_count(&self, i: usize) -> bool {
        let plausible_year = self
            .year_value(i)
            .is_some_and(|y| (1990..=2040).contains(&y));
        (!plausible_year && self.noun_after(i + 1).is_some())
            || self.w(i + 1) == "%"
            || self.is_word(i + 1) && n::quantity_unit(self.w(i + 1)).is_some_and(|u| u != "year")
    }

    /// The year token a quarter phrase absorbed without spanning it
    /// ("fourth-quarter performance in 2025"), so it is not reported twice.
    fn absorbed_year(&self, f: &RawFact) -> Option<usize> {
        if f.kind != FactKind::Period {
            return None;
        }
        let j = f.t1;
        match self.trailing_year(j) {
            Some((_, _, ys, ye)) if ys > j && ye == ys + 1 && self.year_value(ys).is_some() => {
                Some(ys)
            }
            _ => None,
        }
    }

    /// Marks a token as used (not to be reported).
    fn mark_used(&mut self, i: usize) {
        if let Some(u) = self.used.get_mut(i) {
            *u = true;
        }
    }

    // -------------------------------------------------------------- numbers

    /// A currency written before a number; returns (code, index of the number).
    fn currency_prefix(&self, i: usize) -> Option<(&'static str, usize)> {
        let w = self.w(i);
        // "$A45 million", "$C10": the country letter after the sign.
        if w == "$"
            && self.is_word(i + 1)
            && self.glued(i + 1)
            && self.is_num(i + 2)
            && self.glued(i + 2)
            && self.w(i + 1).bytes().all(|b| b.is_ascii_uppercase())
            && let Some(c) = n::dollar_prefix(self.w(i + 1))
        {
            return Some((c, i + 2));
        }
        if let Some(c) = n::currency_symbol(w) {
            return Some((c, i + 1));
        }
        // "US$", "C$", "c$", "HK$", and "HK $2.1 billion" (two capitals may stand apart).
        let spaced_ok = w.len() >= 2 && w.bytes().all(|b| b.is_ascii_uppercase());
        if self.is_word(i)
            && self.w(i + 1) == "$"
            && (self.glued(i + 1) || spaced_ok)
            && let Some(c) = n::dollar_prefix(w)
        {
            return Some((c, i + 2));
        }
        if self.is_word(i)
            && let Some(c) = n::currency_code(w)
            && self.is_num(i + 1)
        {
            return Some((c, i + 1));
        }
        if w == "Rs" && self.w(i + 1) == "." && self.is_num(i + 2) {
            return Some(("INR", i + 2));
        }
        None
    }

    /// A number in digits or words: (value, end, written in words).
    ///
    /// Words follow the English grammar of cardinals: `thirty-five`, `one hundred
    /// forty-two`, `one hundred and twenty`, a decimal part (`thirty-five point six`)
    /// and a half (`twelve and a half`); the scale (`billion`) is read after this by
    /// [`Scanner::scale_at`]. A decimal comma glued to one or two digits (`€1,2 Mrd.`)
    /// is read after a currency.
    fn number_core(&self, i: usize) -> Option<(f64, usize, bool)> {
        if self.is_num(i) {
            let v = parse_digits(self.w(i))?;
            // European decimal comma: "€1,2 Mrd.", "1,25 Mio." (thousands groups have
            // three digits, so "1,2" is split by the tokenizer).
            if i > 0
                && n::currency_symbol(self.w(i - 1)).is_some()
                && self.w(i + 1) == ","
                && self.glued(i + 1)
                && self.is_num(i + 2)
                && self.glued(i + 2)
                && (1..=2).contains(&self.w(i + 2).len())
                && !self.w(i).contains(['.', ','])
                && self.is_word(i + 3)
                && n::scale(self.w(i + 3), true).is_some()
                && let Ok(frac) = format!("{}.{}", self.w(i), self.w(i + 2)).parse::<f64>()
            {
                return Some((frac, i + 3, false));
            }
            return Some((v, i + 1, false));
        }
        // "a thousand", "a million", "a hundred": one of the scale.
        if self.lower_is(i, "a") || self.lower_is(i, "an") {
            if self.lower_is(i + 1, "hundred") {
                return Some((100.0, i + 2, true));
            }
            return n::scale(self.w(i + 1), false)
                .filter(|s| *s >= 1e3)
                .map(|_| (1.0, i + 1, true));
        }
        let (mut v, mut j) = self.word_group(i)?;
        // "thirty-five point six", "one point two five"
        if self.lower_is(j, "point") && self.digit_word(j + 1).is_some() {
            let mut k = j + 1;
            let mut place = 0.1;
            while let Some(d) = self.digit_word(k) {
                v += d * place;
                place /= 10.0;
                k += 1;
            }
            j = k;
        }
        // "twelve and a half (billion)"
        if self.lower_is(j, "and") && self.lower_is(j + 1, "a") && self.lower_is(j + 2, "half") {
            v += 0.5;
            j += 3;
        }
        Some((v, j, true))
    }

    /// A cardinal below a thousand in words: `seven`, `forty-two`, `one hundred
    /// forty-two`, `one hundred and twenty`: (value, end).
    fn word_group(&self, i: usize) -> Option<(f64, usize)> {
        let (mut v, mut j) = self.tens_units(i)?;
        if self.lower_is(j, "hundred") && v < 10.0 {
            v *= 100.0;
            j += 1;
            let k = if self.lower_is(j, "and") { j + 1 } else { j };
            if let Some((rest, e)) = self.tens_units(k) {
                v += rest;
                j = e;
            }
        }
        Some((v, j))
    }

    /// `seven`, `forty`, `forty-two`, `forty two`: (value, end).
    fn tens_units(&self, i: usize) -> Option<(f64, usize)> {
        if !self.is_word(i) {
            return None;
        }
        let lower = n::Lower::new(self.w(i))?;
        let lw = lower.as_str();
        let mut v = n::small_word(lw)?;
        let mut j = i + 1;
        if n::is_tens(lw) {
            let unit_at = if self.w(j) == "-" && self.glued(j) {
                j + 1
            } else {
                j
            };
            if let Some(u) = self.digit_word(unit_at).filter(|u| *u >= 1.0) {
                v += u;
                j = unit_at + 1;
            }
        }
        Some((v, j))
    }

    /// A digit in words (`zero` … `nine`).
    fn digit_word(&self, i: usize) -> Option<f64> {
        if !self.is_word(i) {
            return None;
        }
        let l = n::Lower::new(self.w(i))?;
        n::small_word(l.as_str()).filter(|d| *d < 10.0)
    }

    /// A scale after a number: (multiplier, end).
    fn scale_at(&self, j: usize, has_currency: bool) -> Option<(f64, usize)> {
        // "$10-billion deal", "a 10-million-user service".
        if self.w(j) == "-"
            && self.glued(j)
            && self.is_word(j + 1)
            && self.glued(j + 1)
            && let Some(s) = n::scale(self.w(j + 1), false)
        {
            return Some((s, j + 2));
        }
        if !self.is_word(j) {
            return None;
        }
        let glued = self.glued(j);
        let w = self.w(j);
        // "4K video" and "8K" are resolutions, "$4K", "350K" and "27K" amounts: a
        // display resolution is one digit.
        if w == "K"
            && !has_currency
            && (!glued || j == 0 || self.w(j - 1).len() == 1 || !self.is_num(j - 1))
        {
            return None;
        }
        let short_ok = glued
            || (has_currency
                && (matches!(
                    w,
                    "B" | "M"
                        | "K"
                        | "T"
                        | "bn"
                        | "mn"
                        | "tn"
                        | "m"
                        | "b"
                        | "trn"
                        | "bln"
                        | "mln"
                        | "Mrd"
                        | "Mio"
                        | "Md"
                )));
        let s = n::scale(w, short_ok)?;
        // "5 m" without currency is metres; "5m" alone is ambiguous but usually money.
        Some((s, j + 1))
    }

    fn number_at(&self, i: usize) -> Option<RawFact> {
        // "twice", "fourfold".
        if self.is_word(i)
            && let Some(v) = n::multiple_word(self.w(i))
            && !(i > 0 && matches!(self.w(i - 1), "is" | "are" | "was" | "were" | "be"))
            && (self.w(i).to_ascii_lowercase().ends_with("fold")
                || matches!(
                    self.w(i + 1),
                    "its"
                        | "their"
                        | "the"
                        | "as"
                        | "that"
                        | "what"
                        | "our"
                        | "his"
                        | "her"
                        | "a"
                        | "an"
                ))
        {
            let mut f = RawFact::new(FactKind::Quantity, self.toks, i, i + 1);
            f.value = Some(v);
            f.unit = Some("x".into());
            return Some(f);
        }
        // Written sign: "-20.9%", "+13.6%".
        let (sign, start) = match self.w(i) {
            "-" | "−" | "+"
                if self.toks[i].space
                    && self.glued(i + 1)
                    && (self.is_num(i + 1) || self.currency_prefix(i + 1).is_some()) =>
            {
                (if self.w(i) == "+" { 1.0 } else { -1.0 }, i + 1)
            }
            _ => (1.0, i),
        };
        let (currency, ni) = match self.currency_prefix(start) {
            Some((c, ni)) => (Some(c), ni),
            None => (None, start),
        };
        let (v0, mut j, in_words) = self.number_core(ni)?;
        if self.blocked(ni) || self.fraction_at(j) {
            return None;
        }
        if !in_words && !self.number_context_ok(ni, currency.is_some()) {
            return None;
        }
        let mut v = v0;
        let mut scaled = false;
        if let Some((s, k)) = self.scale_at(j, currency.is_some()) {
            v *= s;
            j = k;
            scaled = true;
        }
        // Truncated scale ("$30 bill").
        if matches!(self.w(j), "bill" | "mill" | "bil" | "mil" | "tril") {
            return None;
        }
        // Range.
        let mut vmax = None;
        let mut range_end = None;
        if let Some((v2, s2, k)) = self.range_tail(start, j, currency) {
            if !scaled && let Some(s2) = s2 {
                v *= s2;
            }
            let v2s = v2;
            if v2s >= v {
                vmax = Some(v2s);
                range_end = Some(k);
            }
        }
        let after = range_end.unwrap_or(j);
        let mk = |kind: FactKind, end: usize, value: f64, unit: Option<String>| {
            let mut f = RawFact::new(kind, self.toks, i, end);
            f.value = Some(tidy(value * sign));
            f.value_max = vmax.map(tidy);
            f.unit = unit;
            f
        };
        // "35 cents", "315p", "20 pence": a hundredth of the currency.
        if currency.is_none()
            && let Some((cur, end)) = self.subunit_at(after)
        {
            let mut f = mk(FactKind::Money, end, v / 100.0, Some(cur.into()));
            f.value_max = vmax.map(|m| tidy(m / 100.0));
            return Some(f);
        }
        if let Some(cur) = currency {
            let mut f = mk(FactKind::Money, after, v, Some(cur.to_string()));
            f.per_share = self.per_share_at(after);
            return Some(f);
        }
        // Unit after the number.
        if let Some((kind, unit, end)) = self.unit_at(after) {
            if kind == FactKind::Money {
                // "5 billion euros": the currency word is part of the span.
                let mut f = mk(kind, end, v, Some(unit));
                f.per_share = self.per_share_at(end);
                return Some(f);
            }
            if in_words && v == 1.0 && kind != FactKind::Quantity {
                return None;
            }
            // "three months ago": a point in time, not a duration.
            if kind == FactKind::Quantity && n::is_duration(&unit) && self.lower_is(end, "ago") {
                return None;
            }
            // "120 km/h", "500,000 barrels a day": the rate is the unit.
            let (unit, end) = match self.rate_tail(&unit, end) {
                Some((rate, e)) if kind == FactKind::Quantity => (rate, e),
                _ => (unit, end),
            };
            let mut f = mk(kind, end, v, Some(unit.clone()));
            // "37% to 38%", "100 MW-200 MW": a range with the unit on both ends.
            if f.value_max.is_none()
                && let Some((v2, e2)) = self.unit_range_tail(start, end, &unit)
                && v2 >= v
            {
                f.value_max = Some(tidy(v2));
                f.e = self.toks[e2 - 1].e;
                f.t1 = e2;
            }
            return Some(f);
        }
        // Table cells under "in US$ million".
        if let Some(t) = self.table
            && !in_words
            && self.year_value(ni).is_none()
        {
            let mut f = mk(FactKind::Money, after, v * t.scale, Some(t.currency.into()));
            if let Some(m) = f.value_max.as_mut() {
                *m *= t.scale;
            }
            return Some(f);
        }
        // A count used as a modifier: "a 1,000,000-chip order", "a 500-employee firm".
        if let Some(noun) = self.hyphen_noun(after)
            && v >= 100.0
            && !in_words
            && self.year_value(ni).is_none()
        {
            return Some(mk(FactKind::Count, after, v, Some(n::singular(noun))));
        }
        // Counted noun ("100,000+ customers": the plus is not part of the span).
        let noun_at = if self.w(after) == "+" && self.glued(after) {
            after + 1
        } else {
            after
        };
        if let Some((noun, _)) = self.noun_after(noun_at) {
            if in_words && v <= 1.0 {
                return None;
            }
            // "two decades": vague; "the two tech giants", "all three platforms": a
            // reference to things already named, not a count.
            if VAGUE_NOUNS.contains(&n::singular(noun).as_str())
                || (in_words && start > 0 && DEFINITE.iter().any(|d| self.lower_is(start - 1, d)))
            {
                return None;
            }
            return Some(mk(FactKind::Count, after, v, Some(n::singular(noun))));
        }
        // A bare comparison base takes the kind and unit of the figure before it.
        if !in_words
            && self.year_value(ni).is_none()
            && ni > 0
            && (matches!(self.w(ni - 1), "versus" | "vs" | "from" | "against")
                || (ni > 1 && self.lower_is(ni - 2, "compared") && self.w(ni - 1) == "with"))
            && let Some((kind, unit)) = self.prev.clone()
        {
            return Some(mk(kind, after, v, unit));
        }
        if scaled && !in_words {
            // "monthly active users exceeded 650 million": the noun before the verb.
            let unit = self.subject_noun_before(start).map(n::singular);
            return Some(mk(FactKind::Count, after, v, unit));
        }
        None
    }

    /// "square feet", "sq m", "sq. km", "cubic feet": (kind, unit, end).
    fn area_unit(&self, j: usize) -> Option<(FactKind, String, usize)> {
        let cubic = self.lower_is(j, "cubic");
        let k = if self.w(j + 1) == "." { j + 2 } else { j + 1 };
        let l = n::Lower::new(self.w(k))?;
        let base = match l.as_str() {
            "feet" | "foot" | "ft" => "ft",
            "metres" | "meters" | "metre" | "meter" | "m" => "m",
            "kilometres" | "kilometers" | "kilometre" | "kilometer" | "km" => "km",
            "miles" | "mile" | "mi" => "mi",
            "yards" | "yard" | "yd" => "yd",
            "inches" | "inch" | "in" => "in",
            _ => return None,
        };
        let unit = match (cubic, base) {
            (false, "m" | "km") => format!("{base}²"),
            (true, "m") => "m³".to_string(),
            (false, b) => format!("sq {b}"),
            (true, b) => format!("cu {b}"),
        };
        Some((FactKind::Quantity, unit, k + 1))
    }

    /// A rate after a quantity unit: "km/h", "barrels a day", "miles an hour",
    /// "tonnes per year": the rate unit and its end.
    fn rate_tail(&self, unit: &str, j: usize) -> Option<(String, usize)> {
        if n::is_duration(unit) || unit == "x" {
            return None;
        }
        let per = |w: &str| match w {
            "h" | "hr" | "hour" => Some("h"),
            "s" | "sec" | "second" => Some("s"),
            "day" | "d" => Some("day"),
            "year" | "yr" => Some("year"),
            "month" => Some("month"),
            "week" => Some("week"),
            "minute" | "min" => Some("min"),
            _ => None,
        };
        let (p, end) = if self.w(j) == "/" && self.glued(j) && self.glued(j + 1) {
            (per(self.w(j + 1))?, j + 2)
        } else if (self.lower_is(j, "a") || self.lower_is(j, "an") || self.lower_is(j, "per"))
            && self.is_word(j + 1)
        {
            (per(&self.w(j + 1).to_ascii_lowercase())?, j + 2)
        } else {
            return None;
        };
        let rate = match (unit, p) {
            ("mile", "h") => "mph".to_string(),
            _ => format!("{unit}/{p}"),
        };
        Some((rate, end))
    }

    /// A currency's hundredth after a number: "cents" (USD, or EUR after "euro"),
    /// "pence" and a glued "p" (GBP; "1080p" is a video resolution). Returns the
    /// currency and the end.
    fn subunit_at(&self, j: usize) -> Option<(&'static str, usize)> {
        let w = self.w(j);
        if !self.is_word(j) {
            return None;
        }
        if w == "p" && self.glued(j) {
            let digits = self.w(j - 1);
            let video = matches!(
                digits,
                "240" | "360" | "480" | "576" | "720" | "1080" | "1440" | "2160"
            );
            let word_after = self.is_word(j + 1) && self.glued(j + 1);
            return (!video && !word_after).then_some(("GBP", j + 1));
        }
        let l = n::Lower::new(w)?;
        match l.as_str() {
            "cents" | "cent" if !self.lower_is(j.saturating_sub(1), "per") => Some(("USD", j + 1)),
            "euro" if matches!(self.w(j + 1), "cents" | "cent") => Some(("EUR", j + 2)),
            "pence" | "penny" => Some(("GBP", j + 1)),
            _ => None,
        }
    }

    /// The counted noun of "users exceeded 650 million", "users of the app have
    /// surpassed 650 million": the nearest plural lower-case word before a verb of
    /// reaching a total, within the clause.
    fn subject_noun_before(&self, start: usize) -> Option<&'a str> {
        let low = |k: usize| n::Lower::new(self.w(k));
        let mut k = start.checked_sub(1)?;
        while k > 0
            && low(k).is_some_and(|l| {
                matches!(
                    l.as_str(),
                    "more" | "than" | "about" | "nearly" | "over" | "almost" | "roughly"
                )
            })
        {
            k -= 1;
        }
        let verb = low(k)?;
        if !matches!(
            verb.as_str(),
            "exceeded"
                | "surpassed"
                | "reached"
                | "topped"
                | "hit"
                | "passed"
                | "crossed"
                | "totaled"
                | "totalled"
                | "numbered"
                | "exceed"
                | "surpass"
                | "reach"
                | "top"
        ) {
            return None;
        }
        for j in (k.saturating_sub(7)..k).rev() {
            let w = self.w(j);
            if matches!(w, "," | ";" | ":" | "." | "(" | ")") {
                return None;
            }
            let lower = w.chars().next().is_some_and(char::is_lowercase);
            let l = w.to_ascii_lowercase();
            if self.is_word(j)
                && lower
                && l.len() > 3
                && l.ends_with('s')
                && !l.ends_with("ss")
                && !l.ends_with("ous")
                && !NOT_NOUN.contains(&l.as_str())
                && !is_function_word(w)
            {
                return Some(w);
            }
        }
        None
    }

    /// The lower-case noun glued by a hyphen after a number ("1,000,000-chip").
    fn hyphen_noun(&self, j: usize) -> Option<&'a str> {
        if !(self.w(j) == "-" && self.glued(j) && self.is_word(j + 1) && self.glued(j + 1)) {
            return None;
        }
        let w = self.w(j + 1);
        let l = n::Lower::new(w)?;
        let lower = w.chars().next().is_some_and(char::is_lowercase);
        // "$5-a-share" and "10-for-1" are no nouns; units are read elsewhere.
        let ok = lower
            && w.len() > 2
            && !NOT_NOUN.contains(&l.as_str())
            && !NOUN_STOP.contains(&l.as_str())
            && !is_function_word(w)
            && n::scale(w, false).is_none()
            && n::quantity_unit(w).is_none();
        ok.then_some(w)
    }

    /// Whether a fraction word follows the number: "two-thirds", "three fifths".
    fn fraction_at(&self, j: usize) -> bool {
        let k = if self.w(j) == "-" && self.glued(j) {
            j + 1
        } else {
            j
        };
        self.is_word(k) && n::Lower::new(self.w(k)).is_some_and(|l| FRACTIONS.contains(&l.as_str()))
    }

    /// Whether digits at `ni` can start a fact (not a model number, time, list item).
    fn number_context_ok(&self, ni: usize, has_currency: bool) -> bool {
        // Glued to letters before: "Trainium3", "GB200", "FY26".
        if ni > 0 && self.glued(ni) && self.is_word(ni - 1) && !has_currency {
            return false;
        }
        // Glued to letters after that are no scale or unit: "96xlarge", "4o".
        if self.is_word(ni + 1) && self.glued(ni + 1) {
            let w = self.w(ni + 1);
            // "315p" (pence) and "2.4pc" (percent) are glued units too.
            let ok = n::scale(w, true).is_some()
                || n::quantity_unit(w).is_some()
                || matches!(w, "p" | "pc");
            if !ok {
                return false;
            }
        }
        // Part of a hyphenated name: "COVID-19", "Cox-2", "GPT-5".
        if ni >= 2
            && self.w(ni - 1) == "-"
            && self.glued(ni)
            && self.glued(ni - 1)
            && self.is_word(ni - 2)
            && self
                .w(ni - 2)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        {
            return false;
        }
        // Times of day: "10:30", "9 a.m.", "5pm".
        if self.w(ni + 1) == ":" && self.is_num(ni + 2) {
            return false;
        }
        if ni > 0 && self.w(ni - 1) == ":" && self.glued(ni) {
            return false;
        }
        if let Some(next) = self.toks.get(ni + 1)
            && next.kind == Tk::Word
        {
            let w = self.w(ni + 1);
            if matches!(w, "a" | "p") && self.w(ni + 2) == "." && self.lower_is(ni + 3, "m") {
                return false;
            }
            if matches!(
                w,
                "am" | "pm" | "AM" | "PM" | "ET" | "PT" | "GMT" | "UTC" | "BST" | "CET"
            ) {
                return false;
            }
        }
        // Version after a dot or part of a dotted code: "4.6.1", ".NET 8".
        if self.w(ni + 1) == "." && self.glued(ni + 1) && self.is_num(ni + 2) && self.glued(ni + 2)
        {
            return false;
        }
        if ni > 0 {
            let prev = self.w(ni - 1);
            // List numbering / ranks: "No. 1", "#3", "top 10", "Gen 2".
            if prev == "#" && self.glued(ni) {
                return false;
            }
            if ni > 1 && self.w(ni - 1) == "." && self.lower_is(ni - 2, "no") {
                return false;
            }
            if self.lower_is(ni - 1, "top") || self.lower_is(ni - 1, "number") {
                return false;
            }
            // A name and a number: "Opus 4.6", "Microsoft 365", "Nasdaq 100".
            if !has_currency
                && self.is_word(ni - 1)
                && prev.chars().next().is_some_and(char::is_uppercase)
                && !is_function_word(prev)
                && n::month(prev).is_none()
                && !self.has_unit_after(ni)
            {
                return false;
            }
        } else if self.para_start
            && (self.w(ni + 1) == "." || self.w(ni + 1) == ")")
            && self.w(ni).len() <= 2
        {
            // "1. Item" at the start of a paragraph.
            return false;
        }
        true
    }

    fn has_unit_after(&self, ni: usize) -> bool {
        let mut j = ni + 1;
        if self.scale_at(j, false).is_some() {
            j += 1;
        }
        self.unit_at(j).is_some()
    }

    /// The second half of a range: returns (value, scale written after it, end).
    fn range_tail(
        &self,
        start: usize,
        j: usize,
        currency: Option<&'static str>,
    ) -> Option<(f64, Option<f64>, usize)> {
        let sep = self.w(j);
        let is_dash = matches!(sep, "-" | "–" | "—");
        let is_to = self.lower_is(j, "to");
        let is_and = self.lower_is(j, "and")
            && start > 0
            && (self.lower_is(start - 1, "between")
                || (start > 1 && self.lower_is(start - 2, "between")));
        if !(is_dash || is_to || is_and) {
            return None;
        }
        if is_to && self.change_before(start) {
            // "from $5 billion to $6 billion", "rose $2.86 to $41.32": a change.
            return None;
        }
        let mut k = j + 1;
        if let Some((c2, nk)) = self.currency_prefix(k) {
            if currency.is_some_and(|c| c != c2) || currency.is_none() {
                return None;
            }
            k = nk;
        }
        if !self.is_num(k) {
            return None;
        }
        let (v2, mut e, _) = self.number_core(k)?;
        if !self.number_context_ok(k, true) {
            return None;
        }
        let mut s2 = None;
        if let Some((s, ee)) = self.scale_at(e, currency.is_some()) {
            s2 = Some(s);
            e = ee;
        }
        // A range needs a unit or currency somewhere.
        if currency.is_none() && self.unit_at(e).is_none() && self.table.is_none() {
            self.noun_after(e)?;
        }
        // Years are not ranges of amounts ("2025-2026").
        if currency.is_none() && self.year_value(k).is_some() && self.unit_at(e).is_none() {
            return None;
        }
        Some((v2 * s2.unwrap_or(1.0), s2, e))
    }

    /// The second half of "37% to 38%": (value, end) when it has the same unit.
    fn unit_range_tail(&self, start: usize, j: usize, unit: &str) -> Option<(f64, usize)> {
        let is_dash = matches!(self.w(j), "-" | "–" | "—");
        let is_to = self.lower_is(j, "to");
        let is_and = self.lower_is(j, "and")
            && (start.saturating_sub(2)..start).any(|k| self.lower_is(k, "between"));
        if !(is_dash || is_to || is_and) {
            return None;
        }
        if is_to && self.change_before(start) {
            return None;
        }
        let k = j + 1;
        if !self.is_num(k) || !self.number_context_ok(k, true) {
            return None;
        }
        let (v2, e, _) = self.number_core(k)?;
        let (_, u2, e2) = self.unit_at(e)?;
        (u2 == unit).then_some((v2, e2))
    }

    /// A "from" or a verb of change just before a number: "X to Y" is then a move.
    fn change_before(&self, start: usize) -> bool {
        (start.saturating_sub(3)..start).any(|k| {
            self.is_word(k)
                && n::Lower::new(self.w(k)).is_some_and(|l| {
                    matches!(
                        l.as_str(),
                        "from"
                            | "rose"
                            | "fell"
                            | "climbed"
                            | "jumped"
                            | "dropped"
                            | "increased"
                            | "decreased"
                            | "declined"
                            | "slipped"
                            | "gained"
                            | "grew"
                            | "rising"
                            | "falling"
                            | "raised"
                            | "lowered"
                            | "lifted"
                            | "boosted"
                            | "reduced"
                            | "cut"
                            | "up"
                            | "down"
                            | "surged"
                            | "soared"
                            | "slumped"
                            | "tumbled"
                            | "rises"
                            | "falls"
                            | "raises"
                            | "lowers"
                            | "cuts"
                            | "trimmed"
                            | "narrowed"
                            | "widened"
                    )
                })
        })
    }

    /// "per share" / "a share" after a money amount.
    fn per_share_at(&self, j: usize) -> bool {
        (self.lower_is(j, "per") || self.lower_is(j, "a")) && self.lower_is(j + 1, "share")
    }

    /// A unit after a number: (kind, unit, end).
    fn unit_at(&self, j: usize) -> Option<(FactKind, String, usize)> {
        let w = self.w(j);
        let kind = self.kind(j)?;
        if w == "%" {
            // "2% points" is rare; "%" alone is percent.
            return Some((FactKind::Percent, "%".into(), j + 1));
        }
        if kind == Tk::Punct && w == "°" && matches!(self.w(j + 1), "C" | "F") {
            return Some((FactKind::Quantity, format!("°{}", self.w(j + 1)), j + 2));
        }
        // Hyphenated units: "seven-year", "4-fold", "three-month".
        if w == "-" && self.glued(j) && self.is_word(j + 1) && self.glued(j + 1) {
            let u = self.w(j + 1);
            if u.eq_ignore_ascii_case("fold") {
                return Some((FactKind::Quantity, "x".into(), j + 2));
            }
            if u.eq_ignore_ascii_case("pound") {
                return Some((FactKind::Quantity, "lb".into(), j + 2));
            }
            if let Some(unit) = n::quantity_unit(u) {
                if n::is_duration(unit) && u.ends_with('s') {
                    return None;
                }
                // "a 56-year-old engineer" is an age, not a duration.
                if self.w(j + 2) == "-" && self.lower_is(j + 3, "old") {
                    return (unit == "year").then(|| (FactKind::Quantity, "age".into(), j + 4));
                }
                return Some((FactKind::Quantity, unit.into(), j + 2));
            }
            return None;
        }
        if kind != Tk::Word {
            return None;
        }
        let l = w.to_ascii_lowercase();
        match l.as_str() {
            "percent" | "pct" => return Some((FactKind::Percent, "%".into(), j + 1)),
            "per" if self.lower_is(j + 1, "cent") => {
                return Some((FactKind::Percent, "%".into(), j + 2));
            }
            "percentage" if self.lower_is(j + 1, "points") || self.lower_is(j + 1, "point") => {
                return Some((FactKind::Percent, "pp".into(), j + 2));
            }
            "basis" if self.lower_is(j + 1, "points") || self.lower_is(j + 1, "point") => {
                return Some((FactKind::Percent, "bp".into(), j + 2));
            }
            "basis" if self.w(j + 1) == "-" && self.lower_is(j + 2, "point") => {
                return Some((FactKind::Percent, "bp".into(), j + 3));
            }
            "bps" | "bp" => return Some((FactKind::Percent, "bp".into(), j + 1)),
            "pc" => return Some((FactKind::Percent, "%".into(), j + 1)),
            "square" | "sq" | "cubic" => return self.area_unit(j),
            "pp" | "ppt" | "ppts" => return Some((FactKind::Percent, "pp".into(), j + 1)),
            "times" if !self.glued(j) => {
                // "nine times", not "at times".
                return Some((FactKind::Quantity, "x".into(), j + 1));
            }
            "fold" if self.glued(j) => return Some((FactKind::Quantity, "x".into(), j + 1)),
            _ => {}
        }
        // "pounds" by context: "5 pounds of sugar", "weighs 12 pounds" are weights.
        if matches!(l.as_str(), "pound" | "pounds") {
            let weigh = (j.saturating_sub(4)..j)
                .any(|k| n::Lower::new(self.w(k)).is_some_and(|x| x.as_str().starts_with("weigh")));
            if weigh || self.lower_is(j + 1, "of") {
                return Some((FactKind::Quantity, "lb".into(), j + 1));
            }
        }
        if let Some(c) = n::currency_word(w).or_else(|| n::currency_code(w)) {
            return Some((FactKind::Money, c.into(), j + 1));
        }
        // "80 million Australian dollars", "5,000 Swiss francs", "Hong Kong dollars".
        for k in [j + 1, j + 2] {
            if let Some(c) = n::currency_word(self.w(k))
                && self.is_word(k)
                && (k == j + 1 || self.w(j + 1).chars().next().is_some_and(char::is_uppercase))
                && let Some(code) = n::currency_adjective(self.w(k - 1), c)
            {
                return Some((FactKind::Money, code.into(), k + 1));
            }
        }
        if let Some(unit) = n::quantity_unit(w) {
            if unit == "x" && !self.glued(j) {
                return None;
            }
            return Some((FactKind::Quantity, unit.into(), j + 1));
        }
        None
    }

    /// The counted noun after a number: the first plural word of a short lower-case
    /// noun phrase ("16,000 corporate employees" → employees).
    fn noun_after(&self, j: usize) -> Option<(&'a str, usize)> {
        let mut k = j;
        let mut words = 0;
        while k < self.toks.len() && words < 4 {
            let t = self.toks[k];
            match t.kind {
                Tk::Word => {
                    let w = self.w(k);
                    let l = w.to_lowercase();
                    if NOUN_STOP.contains(&l.as_str()) {
                        return None;
                    }
                    let lower = w.chars().next().is_some_and(char::is_lowercase);
                    if lower && !NOT_NOUN.contains(&l.as_str()) {
                        let plural = (l.ends_with('s') && !l.ends_with("ss") && l.len() > 3)
                            || matches!(l.as_str(), "people" | "staff" | "personnel");
                        if plural && !l.ends_with("ous") {
                            return Some((w, k));
                        }
                    }
                    // Acronym plurals: "GPUs", "CPUs".
                    if !lower
                        && w.len() >= 3
                        && w.ends_with('s')
                        && w[..w.len() - 1].chars().all(|c| c.is_ascii_uppercase())
                    {
                        return Some((w, k));
                    }
                    // Capitalised modifiers ("16,000 Amazon employees") may come
                    // before the noun, but not right after a number that ends a phrase.
                    if !lower && words >= 2 {
                        return None;
                    }
                    words += 1;
                }
                // "Trainium2 chips": digits glued to a name inside the phrase.
                Tk::Num if !t.space && words > 0 => {}
                Tk::Punct if self.w(k) == "-" && !t.space => {}
                _ => return None,
            }
            k += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lex::tokenize;

    type Row = (String, FactKind, Option<f64>, Option<f64>, Option<String>);

    fn scan(t: &str) -> Vec<Row> {
        let mut toks = Vec::new();
        tokenize(t, 0, t.len(), &mut toks);
        let mut s = Scanner::new(t, &toks, &[], None, true);
        s.scan()
            .into_iter()
            .map(|f| {
                (
                    t[f.s..f.e].to_string(),
                    f.kind,
                    f.value,
                    f.value_max,
                    f.unit,
                )
            })
            .collect()
    }

    fn spans(t: &str) -> Vec<String> {
        scan(t).into_iter().map(|f| f.0).collect()
    }

    #[test]
    fn money() {
        let f = scan("Revenue was $35.6 billion, US$1.2bn, €5 million and £22bn.");
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.0.as_str(), f.2, f.4.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("$35.6 billion", Some(35.6e9), Some("USD")),
                ("US$1.2bn", Some(1.2e9), Some("USD")),
                ("€5 million", Some(5e6), Some("EUR")),
                ("£22bn", Some(22e9), Some("GBP")),
            ]
        );
        let f = scan("It expects $173.5-$178.5 billion and EPS of $1.95 per share.");
        assert_eq!(f[0].0, "$173.5-$178.5 billion");
        assert_eq!((f[0].2, f[0].3), (Some(173.5e9), Some(178.5e9)));
        assert_eq!(f[1].0, "$1.95");
        let f = scan("between $175 billion and $185 billion this year");
        assert_eq!(f[0].0, "$175 billion and $185 billion");
        let f = scan("sales of 5 billion euros");
        assert_eq!(
            (f[0].0.as_str(), f[0].4.as_deref()),
            ("5 billion euros", Some("EUR"))
        );
        assert_eq!(scan("a $30 bill")[..], []);
    }

    #[test]
    fn percent() {
        let f = scan("up 24% or 24 percent, 11-15% and 40 basis points, 2 percentage points");
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.0.as_str(), f.2, f.3, f.4.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("24%", Some(24.0), None, Some("%")),
                ("24 percent", Some(24.0), None, Some("%")),
                ("11-15%", Some(11.0), Some(15.0), Some("%")),
                ("40 basis points", Some(40.0), None, Some("bp")),
                ("2 percentage points", Some(2.0), None, Some("pp")),
            ]
        );
        let f = scan("shares fell 3% while margin was -20.9% and +13.6%");
        assert_eq!(f[0].2, Some(3.0));
        assert_eq!((f[1].0.as_str(), f[1].2), ("-20.9%", Some(-20.9)));
        assert_eq!((f[2].0.as_str(), f[2].2), ("+13.6%", Some(13.6)));
    }

    #[test]
    fn counts_and_quantities() {
        let f =
            scan("cut 16,000 corporate employees and serves 52 million customers in three markets");
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.0.as_str(), f.2, f.4.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("16,000", Some(16000.0), Some("employee")),
                ("52 million", Some(52e6), Some("customer")),
                ("three", Some(3.0), Some("market")),
            ]
        );
        let f = scan(
            "added 4 gigawatts, 22.8 TB, 384 vCPUs, 4x, twice the size, nine times, fourfold, 13 quarters, a seven-year deal, 3nm; it was raised twice",
        );
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.0.as_str(), f.2, f.4.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("4 gigawatts", Some(4.0), Some("GW")),
                ("22.8 TB", Some(22.8), Some("TB")),
                ("384 vCPUs", Some(384.0), Some("vCPU")),
                ("4x", Some(4.0), Some("x")),
                ("twice", Some(2.0), Some("x")),
                ("nine times", Some(9.0), Some("x")),
                ("fourfold", Some(4.0), Some("x")),
                ("13 quarters", Some(13.0), Some("quarter")),
                ("seven-year", Some(7.0), Some("year")),
                ("3nm", Some(3.0), Some("nm")),
            ]
        );
    }

    #[test]
    fn near_misses_are_not_facts() {
        assert!(spans("Claude Opus 4.6 on Trainium3 with 96xlarge").is_empty());
        assert!(spans("Microsoft 365 and the Nasdaq 100 rose").is_empty());
        assert!(spans("at 10:30 a.m. and 9 p.m. and 5pm").is_empty());
        assert!(spans("one of the largest in the 1990s").is_empty());
        assert!(spans("the top 10 and No. 1 spot").is_empty());
        assert!(spans("1. First item").is_empty());
        assert!(spans("at re:Invent 2025 and CES 2026").is_empty());
    }

    #[test]
    fn moves_are_not_ranges_and_names_are_not_numbers() {
        let f = scan("shares rose $2.86 to $41.32 after COVID-19 and GPT-5 news");
        let got: Vec<_> = f.iter().map(|f| (f.0.as_str(), f.3)).collect();
        assert_eq!(got, [("$2.86", None), ("$41.32", None)]);
        let f = scan("guidance of $5 billion to $6 billion and 37% to 38%");
        assert_eq!(f[0].3, Some(6e9));
        assert_eq!((f[1].0.as_str(), f[1].3), ("37% to 38%", Some(38.0)));
        let f = scan("more than 100,000+ customers, 3,000-plus partners, 10,000 GPUs");
        let got: Vec<_> = f.iter().map(|f| (f.0.as_str(), f.4.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("100,000", Some("customer")),
                ("3,000", Some("partner")),
                ("10,000", Some("gpu"))
            ]
        );
        assert_eq!(scan("$16.1 billion")[0].2, Some(16_100_000_000.0));
        let f = scan("a $10-billion deal and a 1.5-gigawatt campus in 4K");
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.0.as_str(), f.2, f.4.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("$10-billion", Some(1e10), Some("USD")),
                ("1.5-gigawatt", Some(1.5), Some("GW"))
            ]
        );
    }

    #[test]
    fn dates_and_periods() {
        let f = scan(
            "On January 28, 2026 and Jan. 28 and 5 February 2026, in October and December 2031",
        );
        let kinds: Vec<_> = f.iter().map(|f| (f.0.as_str(), f.1)).collect();
        assert_eq!(
            kinds,
            [
                ("January 28, 2026", FactKind::Date),
                ("Jan. 28", FactKind::Date),
                ("5 February 2026", FactKind::Date),
                ("October", FactKind::Period),
                ("December 2031", FactKind::Period),
            ]
        );
        assert_eq!(
            spans(
                "Q4 2025, fourth-quarter, the third quarter, fiscal 2026, FY26 Q2, first half of 2025, 2025"
            ),
            [
                "Q4 2025",
                "fourth-quarter",
                "third quarter",
                "fiscal 2026",
                "FY26 Q2",
                "first half of 2025",
                "2025"
            ]
        );
        assert!(spans("May rise; he may go").is_empty());
        assert_eq!(spans("in the September quarter"), ["September quarter"]);
        assert_eq!(
            spans("Q4'25 and 4Q25 and H1 2026 and the 2026 fiscal year"),
            ["Q4'25", "4Q25", "H1 2026", "2026 fiscal year"]
        );
    }

    fn values(t: &str) -> Vec<(String, Option<f64>, Option<String>)> {
        scan(t).into_iter().map(|f| (f.0, f.2, f.4)).collect()
    }

    #[test]
    fn numbers_in_words() {
        let v = values("revenue of thirty-five point six billion dollars last year");
        assert_eq!(v[0].0, "thirty-five point six billion dollars");
        assert_eq!((v[0].1, v[0].2.as_deref()), (Some(35.6e9), Some("USD")));
        let v = values("it spent one hundred forty-two billion dollars");
        assert_eq!(v[0].1, Some(142e9));
        let v = values("a backlog of twelve and a half billion dollars");
        assert_eq!(
            (v[0].0.as_str(), v[0].1),
            ("twelve and a half billion dollars", Some(12.5e9))
        );
        let v = values("it cut fourteen thousand jobs and one hundred and twenty stores");
        assert_eq!(v[0].1, Some(14_000.0));
        assert_eq!((v[1].1, v[1].2.as_deref()), (Some(120.0), Some("store")));
        let v = values("it ordered one million chips and a thousand servers");
        assert_eq!((v[0].0.as_str(), v[0].1), ("one million", Some(1e6)));
        assert_eq!((v[1].0.as_str(), v[1].1), ("a thousand", Some(1e3)));
        // Near misses: a lone "one", an article without a scale.
        assert!(values("one of the largest firms had a good year").is_empty());
    }

    #[test]
    fn digit_forms_and_suffixes() {
        let v = values("about ~14,000 workers, 350K subscribers and 27K followers in 4K video");
        let got: Vec<_> = v.iter().map(|f| (f.0.as_str(), f.1)).collect();
        assert_eq!(
            got,
            [
                ("14,000", Some(14e3)),
                ("350K", Some(35e4)),
                ("27K", Some(27e3))
            ]
        );
        let v = values("a 1,000,000-chip order and a 500-employee firm, but a 5-star hotel");
        let got: Vec<_> = v.iter().map(|f| (f.0.as_str(), f.2.as_deref())).collect();
        assert_eq!(
            got,
            [("1,000,000", Some("chip")), ("500", Some("employee"))]
        );
        let v = values("Umsatz von €1,2 Mrd. und €3,45 Mio.");
        let got: Vec<_> = v.iter().map(|f| (f.0.as_str(), f.1)).collect();
        assert_eq!(
            got,
            [("€1,2 Mrd", Some(1.2e9)), ("€3,45 Mio", Some(3.45e6))]
        );
        // A thousands group is not a decimal comma.
        assert_eq!(values("€1,200 million")[0].1, Some(1.2e9));
    }

    #[test]
    fn fractions_and_vague_phrases_are_not_facts() {
        assert!(values("two-thirds of customers and three fifths of staff").is_empty());
        assert!(values("three months ago and two decades of work").is_empty());
        assert!(values("the two tech giants and all three platforms").is_empty());
        // ... but real counts and durations stay.
        assert_eq!(
            values("three months of growth")[0].2.as_deref(),
            Some("month")
        );
        assert_eq!(
            values("two companies merged")[0].2.as_deref(),
            Some("company")
        );
    }

    fn with_units(t: &str) -> Vec<(String, FactKind, Option<f64>, Option<String>)> {
        scan(t).into_iter().map(|f| (f.0, f.1, f.2, f.4)).collect()
    }

    #[test]
    fn cents_pence_and_currency_words() {
        let v =
            with_units("EPS of 35 cents, shares at 315p, 20 pence, but 1080p video and 5 per cent");
        let got: Vec<_> = v
            .iter()
            .map(|f| (f.0.as_str(), f.2, f.3.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("35 cents", Some(0.35), Some("USD")),
                ("315p", Some(3.15), Some("GBP")),
                ("20 pence", Some(0.2), Some("GBP")),
                ("5 per cent", Some(5.0), Some("%")),
            ]
        );
        let v = with_units(
            "80 million Australian dollars, 5,000 Swiss francs, 3 billion Hong Kong dollars and 40 million Danish crowns",
        );
        let units: Vec<_> = v.iter().map(|f| f.3.as_deref().unwrap_or("")).collect();
        assert_eq!(units, ["AUD", "CHF", "HKD", "DKK"]);
        assert_eq!(v[0].0, "80 million Australian dollars");
        let v = with_units(
            "C$5 million, c$3, HK$2 billion, HK $2.1 billion, $A45 million, usd 40, RMB120 billion",
        );
        let got: Vec<_> = v.iter().map(|f| (f.0.as_str(), f.3.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("C$5 million", Some("CAD")),
                ("c$3", Some("CAD")),
                ("HK$2 billion", Some("HKD")),
                ("HK $2.1 billion", Some("HKD")),
                ("$A45 million", Some("AUD")),
                ("usd 40", Some("USD")),
                ("RMB120 billion", Some("CNY")),
            ]
        );
        // Pounds by context: a weight before "of" or after "weighs".
        let v = with_units("it weighs 12 pounds; 5 pounds of sugar; 40 million pounds profit");
        let units: Vec<_> = v.iter().map(|f| f.3.as_deref().unwrap_or("")).collect();
        assert_eq!(units, ["lb", "lb", "GBP"]);
    }

    #[test]
    fn measures_and_rates_are_quantities() {
        let v = with_units(
            "500,000 barrels a day, 120 km/h, 70 miles an hour, 3,000 square feet, 12 sq m, 2 million cubic feet, 40 tonnes, 300 horsepower, 60 Hz, 30 mpg, 98 °F, 5 litres, 12 inches",
        );
        let got: Vec<_> = v
            .iter()
            .map(|f| (f.1, f.3.as_deref().unwrap_or("")))
            .collect();
        let units: Vec<_> = got.iter().map(|g| g.1).collect();
        assert_eq!(
            units,
            [
                "barrel/day",
                "km/h",
                "mph",
                "sq ft",
                "m²",
                "cu ft",
                "t",
                "hp",
                "Hz",
                "mpg",
                "°F",
                "l",
                "in"
            ]
        );
        assert!(got.iter().all(|g| g.0 == FactKind::Quantity));
        let v = with_units("a 42-year-old engineer, a 2.4pc rise, 5 TWh and 2 TW");
        let got: Vec<_> = v.iter().map(|f| (f.0.as_str(), f.3.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("42-year-old", Some("age")),
                ("2.4pc", Some("%")),
                ("5 TWh", Some("TWh")),
                ("2 TW", Some("TW"))
            ]
        );
        // Durations keep their unit and are no rates.
        assert_eq!(
            with_units("13 quarters a year")[0].3.as_deref(),
            Some("quarter")
        );
    }

    #[test]
    fn lower_case_dates_and_periods() {
        let got = spans("in march 2016, q2 2021, on 9 oct 2022 and Jun, 2019");
        assert_eq!(got, ["march 2016", "q2 2021", "9 oct 2022", "Jun, 2019"]);
        // Lower-case month words alone are words.
        assert!(spans("they march on; may we? a q2 chip").is_empty());
    }

    #[test]
    fn a_total_takes_the_noun_of_its_subject() {
        let v = values("monthly active users exceeded 650 million");
        assert_eq!(
            (v[0].0.as_str(), v[0].2.as_deref()),
            ("650 million", Some("user"))
        );
        let v = values("users of the app have surpassed 75 million");
        assert_eq!(v[0].2.as_deref(), Some("user"));
        // Not across a clause, and not without a verb of reaching a total.
        assert_eq!(values("users grew, and it passed 5 million")[0].2, None);
        assert_eq!(values("users said 5 million")[0].2, None);
    }
}
