//! Which key figures become a chart, and on what scale: charts that tell the truth.
//!
//! A bar chart invites the reader to compare its bars, so every bar must measure the
//! same thing. A chart is drawn only for
//!
//! - **one subject, one metric, one unit**: AWS revenue in USD, never AWS beside
//!   Amazon, revenue beside operating income, or dollars beside percent;
//! - **one period granularity**: calendar quarters with calendar quarters, fiscal
//!   quarters with fiscal quarters, years with years ([`Granularity`]). When a subject's
//!   metric is reported both in calendar and in fiscal quarters (Microsoft's "December
//!   quarter" is its fiscal Q2), only one of the two charts is kept, so the same quarter
//!   never stands twice;
//! - **figures stated one way**: a figure with two values that do not agree (flagged
//!   as a disagreement between outlets, or two values in one article, which is how a
//!   segment's row of a table filed under its parent shows) is left to the table,
//!   which shows every value;
//! - **one scope**: a bar many times smaller or larger than the others is almost
//!   always a segment beside its total (AWS's revenue filed under Amazon) or a year
//!   beside a quarter, so for level metrics (money, counts, quantities) a point more
//!   than [`SCOPE_RATIO`] times away from the median of the series is dropped;
//! - **at least [`MIN_POINTS`] points**: two bars are a comparison the table already
//!   makes;
//! - and at most [`MAX_CHARTS`] charts per story, for its most-reported metrics, one
//!   chart per metric.
//!
//! [`ChartScale`] then puts every value of a chart on one scale (`USD, billions`), so
//! the axis is labelled once and millions never stand beside billions.

use std::collections::BTreeMap;

use factwire_core::FactKind;
use serde::Serialize;

use super::figures::{KeyFigure, Point, Series, metric_rank};

/// Fewest points a chart needs.
pub const MIN_POINTS: usize = 3;
/// Most charts per story.
pub const MAX_CHARTS: usize = 3;
/// How far (as a ratio) a level figure may stand from its series' median and still be
/// the same scope.
pub const SCOPE_RATIO: f64 = 4.0;

/// The kind of period a point covers; a chart never mixes two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// `2025-Q4`.
    Quarter,
    /// `FY2026-Q2`.
    FiscalQuarter,
    /// `2025-H1`.
    Half,
    /// `FY2026-H1`.
    FiscalHalf,
    /// `2025-10`.
    Month,
    /// `2025`.
    Year,
    /// `FY2026`.
    FiscalYear,
}

impl Granularity {
    /// The granularity of a contract period string, or `None` for anything else.
    pub fn of(period: &str) -> Option<Granularity> {
        let (fiscal, rest) = match period.strip_prefix("FY") {
            Some(rest) => (true, rest),
            None => (false, period),
        };
        let year = rest.get(..4)?;
        if !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let tail = &rest[4..];
        let digit = |s: &str, lo: u8, hi: u8| {
            s.len() == 1 && s.as_bytes()[0] >= lo && s.as_bytes()[0] <= hi
        };
        match (fiscal, tail) {
            (false, "") => Some(Granularity::Year),
            (true, "") => Some(Granularity::FiscalYear),
            (f, t) if t.starts_with("-Q") && digit(&t[2..], b'1', b'4') => Some(if f {
                Granularity::FiscalQuarter
            } else {
                Granularity::Quarter
            }),
            (f, t) if t.starts_with("-H") && digit(&t[2..], b'1', b'2') => Some(if f {
                Granularity::FiscalHalf
            } else {
                Granularity::Half
            }),
            (false, t) if t.len() == 3 && t.starts_with('-') => {
                let m: u32 = t[1..].parse().ok()?;
                (1..=12).contains(&m).then_some(Granularity::Month)
            }
            _ => None,
        }
    }

    fn is_quarterly(self) -> bool {
        matches!(self, Granularity::Quarter | Granularity::FiscalQuarter)
    }
}

/// Whether a metric measures a level (money, counts, quantities), where a point far
/// from the others means another scope, rather than a rate, which may swing widely.
fn is_level(kind: FactKind, unit: Option<&str>) -> bool {
    !matches!(kind, FactKind::Percent) && !matches!(unit, Some("%" | "pp" | "bp" | "x"))
}

type ChartKey = (String, String, Option<String>, Granularity);

/// The charts of one story, from its key figures, by the rules in the module docs.
pub(crate) fn charts(figures: &[KeyFigure]) -> Vec<Series> {
    let mut by: BTreeMap<ChartKey, Vec<&KeyFigure>> = BTreeMap::new();
    for f in figures.iter().filter(|f| unambiguous(f)) {
        let Some(g) = f.period.as_deref().and_then(Granularity::of) else {
            continue;
        };
        by.entry((f.subject.clone(), f.metric.clone(), f.unit.clone(), g))
            .or_default()
            .push(f);
    }
    let candidates: Vec<Series> = by
        .into_iter()
        .filter_map(|((subject, metric, unit, granularity), figs)| {
            let figs = same_scope(figs);
            (figs.len() >= MIN_POINTS).then(|| series(subject, metric, unit, granularity, &figs))
        })
        .collect();
    choose(one_calendar(candidates))
}

/// Whether every value reported for a figure agrees with its consensus.
fn unambiguous(f: &KeyFigure) -> bool {
    !f.disagreement && f.variants.iter().all(|v| v.consistent)
}

/// Drops level points that stand more than [`SCOPE_RATIO`] from the median.
fn same_scope(figs: Vec<&KeyFigure>) -> Vec<&KeyFigure> {
    let Some(first) = figs.first() else {
        return figs;
    };
    if !is_level(first.kind, first.unit.as_deref()) {
        return figs;
    }
    let mut values: Vec<f64> = figs.iter().map(|f| f.value.abs()).collect();
    values.sort_by(f64::total_cmp);
    let median = values[values.len() / 2];
    if median <= 0.0 {
        return figs;
    }
    figs.into_iter()
        .filter(|f| {
            let v = f.value.abs();
            v > 0.0 && v <= median * SCOPE_RATIO && v * SCOPE_RATIO >= median
        })
        .collect()
}

fn series(
    subject: String,
    metric: String,
    unit: Option<String>,
    granularity: Granularity,
    figs: &[&KeyFigure],
) -> Series {
    let mut points: Vec<Point> = figs
        .iter()
        .filter_map(|f| {
            Some(Point {
                period: f.period.clone()?,
                value: f.value,
                text: f.text.clone(),
            })
        })
        .collect();
    points.sort_by(|a, b| a.period.cmp(&b.period));
    Series {
        subject,
        metric,
        unit,
        granularity,
        articles: figs.iter().map(|f| f.articles).sum(),
        points,
    }
}

/// Of a subject's metric charted both by calendar and by fiscal quarters, keeps the
/// chart with more points (calendar on a tie): one quarter never stands twice.
fn one_calendar(candidates: Vec<Series>) -> Vec<Series> {
    let mut best: BTreeMap<(String, String, Option<String>), Series> = BTreeMap::new();
    let mut out = Vec::new();
    for s in candidates {
        if !s.granularity.is_quarterly() {
            out.push(s);
            continue;
        }
        let key = (s.subject.clone(), s.metric.clone(), s.unit.clone());
        match best.get(&key) {
            Some(b) if (b.points.len(), b.articles) >= (s.points.len(), s.articles) => {}
            _ => {
                best.insert(key, s);
            }
        }
    }
    out.extend(best.into_values());
    out
}

/// The most-reported charts, at most [`MAX_CHARTS`], one per metric.
fn choose(mut candidates: Vec<Series>) -> Vec<Series> {
    candidates.sort_by(|a, b| {
        b.articles
            .cmp(&a.articles)
            .then_with(|| b.points.len().cmp(&a.points.len()))
            .then_with(|| metric_rank(&a.metric).cmp(&metric_rank(&b.metric)))
            .then_with(|| a.subject.cmp(&b.subject))
            .then_with(|| a.granularity.cmp(&b.granularity))
    });
    let mut out: Vec<Series> = Vec::new();
    for s in candidates {
        if out.len() == MAX_CHARTS {
            break;
        }
        if out.iter().all(|o| o.metric != s.metric) {
            out.push(s);
        }
    }
    out
}

/// One scale for every value of a chart: a divisor and the words that name it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartScale {
    /// What every value is divided by (1e9 for billions).
    pub divisor: f64,
    /// The axis label: `USD, billions`, `%`, `customers`.
    pub axis: String,
    /// Prefix for a value label (`$`), if the unit has a symbol.
    pub prefix: &'static str,
    /// Suffix for a value label (`bn`, `%`).
    pub suffix: &'static str,
}

impl ChartScale {
    /// The scale for a series: chosen from its largest absolute value.
    pub fn of(s: &Series) -> ChartScale {
        let max = s
            .points
            .iter()
            .map(|p| p.value.abs())
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::max);
        let (divisor, word, short) = if max >= 1e12 {
            (1e12, "trillions", "tn")
        } else if max >= 1e9 {
            (1e9, "billions", "bn")
        } else if max >= 1e6 {
            (1e6, "millions", "m")
        } else {
            (1.0, "", "")
        };
        let unit = s.unit.as_deref().unwrap_or("");
        let prefix = match unit {
            "USD" => "$",
            "EUR" => "€",
            "GBP" => "£",
            "JPY" | "CNY" => "¥",
            "INR" => "₹",
            _ => "",
        };
        let suffix = match unit {
            "%" => "%",
            "x" => "x",
            _ => short,
        };
        let axis = match (unit, word) {
            ("", "") => String::new(),
            ("", w) => w.to_string(),
            (u, "") => u.to_string(),
            (u, w) => format!("{u}, {w}"),
        };
        ChartScale {
            divisor,
            axis,
            prefix,
            suffix,
        }
    }

    /// A value on this scale: `$35.6bn`, `24%`, `1,200`.
    pub fn label(&self, value: f64) -> String {
        let v = value / self.divisor;
        let digits = if v.abs() >= 100.0 || v.fract() == 0.0 {
            0
        } else if v.abs() >= 10.0 {
            1
        } else {
            2
        };
        let mut n = format!("{v:.digits$}");
        if n.contains('.') {
            n = n.trim_end_matches('0').trim_end_matches('.').to_string();
        }
        let (sign, n) = match n.strip_prefix('-') {
            Some(rest) => ("-", rest.to_string()),
            None => ("", n),
        };
        format!("{sign}{}{}{}", self.prefix, thousands(&n), self.suffix)
    }
}

fn thousands(n: &str) -> String {
    let (int, frac) = n.split_once('.').map_or((n, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{out}.{f}"),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::figures::Variant;

    fn fig(subject: &str, metric: &str, period: &str, unit: &str, value: f64) -> KeyFigure {
        let kind = if unit == "%" {
            FactKind::Percent
        } else {
            FactKind::Money
        };
        KeyFigure {
            subject: subject.into(),
            metric: metric.into(),
            period: Some(period.into()),
            kind,
            unit: Some(unit.into()),
            value,
            value_max: None,
            text: format!("{value}"),
            articles: 1,
            agreeing: 1,
            variants: Vec::<Variant>::new(),
            disagreement: false,
        }
    }

    fn quarters(subject: &str, metric: &str, unit: &str, values: &[(&str, f64)]) -> Vec<KeyFigure> {
        values
            .iter()
            .map(|(p, v)| fig(subject, metric, p, unit, *v))
            .collect()
    }

    #[test]
    fn granularity_of_contract_periods() {
        assert_eq!(Granularity::of("2025-Q4"), Some(Granularity::Quarter));
        assert_eq!(
            Granularity::of("FY2026-Q2"),
            Some(Granularity::FiscalQuarter)
        );
        assert_eq!(Granularity::of("2025-H1"), Some(Granularity::Half));
        assert_eq!(Granularity::of("2025-10"), Some(Granularity::Month));
        assert_eq!(Granularity::of("2025"), Some(Granularity::Year));
        assert_eq!(Granularity::of("FY2026"), Some(Granularity::FiscalYear));
        for bad in ["2025-Q5", "2025-13", "FY26", "Q4", "2025-Q", "", "20x5"] {
            assert_eq!(Granularity::of(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_chart_needs_three_points() {
        let two = quarters(
            "AWS",
            "revenue",
            "USD",
            &[("2025-Q3", 33e9), ("2025-Q4", 35.6e9)],
        );
        assert!(charts(&two).is_empty());
        let three = quarters(
            "AWS",
            "revenue",
            "USD",
            &[("2025-Q2", 30.9e9), ("2025-Q3", 33e9), ("2025-Q4", 35.6e9)],
        );
        let c = charts(&three);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].points.len(), 3);
        assert_eq!(c[0].points[0].period, "2025-Q2");
    }

    #[test]
    fn years_never_stand_beside_quarters() {
        let mut f = quarters(
            "AWS",
            "revenue",
            "USD",
            &[("2025-Q2", 30.9e9), ("2025-Q3", 33e9)],
        );
        f.push(fig("AWS", "revenue", "2025", "USD", 128e9));
        // Two quarters and one year: neither granularity has three points.
        assert!(charts(&f).is_empty());
    }

    #[test]
    fn a_segment_beside_its_total_is_dropped() {
        // Amazon's quarterly revenue, with AWS's $35.6 billion misfiled under Amazon.
        let f = quarters(
            "Amazon",
            "revenue",
            "USD",
            &[
                ("2025-Q1", 155e9),
                ("2025-Q2", 167e9),
                ("2025-Q3", 180e9),
                ("2025-Q4", 35.6e9),
            ],
        );
        let c = charts(&f);
        assert_eq!(c.len(), 1);
        let periods: Vec<&str> = c[0].points.iter().map(|p| p.period.as_str()).collect();
        assert_eq!(periods, ["2025-Q1", "2025-Q2", "2025-Q3"]);
        // Growth rates may swing widely: nothing is dropped.
        let g = quarters(
            "Amazon",
            "growth",
            "%",
            &[("2025-Q1", 2.0), ("2025-Q2", 13.0), ("2025-Q3", 40.0)],
        );
        assert_eq!(charts(&g)[0].points.len(), 3);
    }

    #[test]
    fn calendar_and_fiscal_quarters_are_never_both_charted() {
        let mut f = quarters(
            "Microsoft",
            "revenue",
            "USD",
            &[("2025-Q2", 76e9), ("2025-Q3", 77e9), ("2025-Q4", 81e9)],
        );
        f.extend(quarters(
            "Microsoft",
            "revenue",
            "USD",
            &[
                ("FY2026-Q1", 77e9),
                ("FY2026-Q2", 81e9),
                ("FY2025-Q4", 76e9),
                ("FY2025-Q3", 70e9),
            ],
        ));
        let c = charts(&f);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].granularity, Granularity::FiscalQuarter);
    }

    #[test]
    fn disagreements_stay_in_the_table() {
        let mut f = quarters(
            "AWS",
            "revenue",
            "USD",
            &[("2025-Q2", 30.9e9), ("2025-Q3", 33e9), ("2025-Q4", 35.6e9)],
        );
        f[2].disagreement = true;
        assert!(charts(&f).is_empty());
        // One article giving two values that do not agree (a segment's table row
        // beside the total): no chart either.
        f[2].disagreement = false;
        f[2].variants = vec![variant(35.6e9, true), variant(115.6e9, false)];
        assert!(charts(&f).is_empty());
        f[2].variants.truncate(1);
        assert_eq!(charts(&f).len(), 1);
    }

    fn variant(value: f64, consistent: bool) -> Variant {
        Variant {
            text: format!("{value}"),
            value,
            value_max: None,
            articles: 1,
            article_ids: vec![1],
            sources: vec!["a.example".into()],
            consistent,
            flagged: false,
        }
    }

    #[test]
    fn at_most_three_metrics_one_chart_each() {
        let mut f = Vec::new();
        for (i, metric) in ["revenue", "capex", "operating_income", "backlog"]
            .iter()
            .enumerate()
        {
            for subject in ["AWS", "Google Cloud"] {
                let mut q = quarters(
                    subject,
                    metric,
                    "USD",
                    &[("2025-Q2", 10e9), ("2025-Q3", 11e9), ("2025-Q4", 12e9)],
                );
                // backlog is the least reported, revenue the most.
                for k in &mut q {
                    k.articles = 4 - i;
                }
                f.extend(q);
            }
        }
        let c = charts(&f);
        let metrics: Vec<&str> = c.iter().map(|s| s.metric.as_str()).collect();
        assert_eq!(metrics, ["revenue", "capex", "operating_income"]);
    }

    #[test]
    fn one_scale_per_chart() {
        let s = Series {
            subject: "AWS".into(),
            metric: "revenue".into(),
            unit: Some("USD".into()),
            granularity: Granularity::Quarter,
            articles: 3,
            points: vec![
                Point {
                    period: "2025-Q3".into(),
                    value: 980e6,
                    text: "$980 million".into(),
                },
                Point {
                    period: "2025-Q4".into(),
                    value: 1.2e9,
                    text: "$1.2 billion".into(),
                },
            ],
        };
        let sc = ChartScale::of(&s);
        assert_eq!(sc.axis, "USD, billions");
        assert_eq!(sc.label(980e6), "$0.98bn");
        assert_eq!(sc.label(1.2e9), "$1.2bn");
        let pct = Series {
            unit: Some("%".into()),
            ..s.clone()
        };
        let sc = ChartScale::of(&Series {
            points: vec![Point {
                period: "2025".into(),
                value: -4.5,
                text: String::new(),
            }],
            ..pct
        });
        assert_eq!(sc.axis, "%");
        assert_eq!(sc.label(-4.5), "-4.5%");
        assert_eq!(sc.label(24.0), "24%");
    }
}
