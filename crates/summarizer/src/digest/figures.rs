//! Key figures: facts grouped by what they measure, with agreement checked.
//!
//! Facts that name a subject and a metric are grouped by
//! `(subject, metric, period, unit)`. Within a group, each distinct value is a
//! [`Variant`]. Two values *agree* when they are equal after rounding to the coarser
//! of the two precisions they were written with: `$35.58 billion` (precision
//! $0.01 billion) agrees with `$35.6 billion` (precision $0.1 billion) because
//! |35.58 − 35.6| ≤ 0.1 / 2, while `$35.5 billion` does not. The consensus is the
//! variant the most articles agree with (ties: the one the most articles state
//! exactly, then the earliest seen). A variant that does not agree with it is
//! flagged as a disagreement when some article states it without also stating an
//! agreeing value; then the group is flagged too. Only figures with a period are
//! flagged: without one, two values may well measure different things (a quarter
//! and a year, two segments), and calling that a disagreement would cry wolf.

use std::collections::BTreeMap;

use factwire_core::{Fact, FactKind, FactRow};
use serde::Serialize;

use super::time::parse_timestamp;

/// One value reported for a key figure, and who reported it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    /// The value as first written (`$35.58 billion`).
    pub text: String,
    /// The value (low end of a range).
    pub value: f64,
    /// The high end of a range.
    pub value_max: Option<f64>,
    /// How many articles state this value.
    pub articles: usize,
    /// Their ids.
    pub article_ids: Vec<i64>,
    /// The outlets (hosts) that state it, each once.
    pub sources: Vec<String>,
    /// Whether it agrees with the consensus after rounding.
    pub consistent: bool,
    /// A disagreement between outlets: the figure has a period, the value does not
    /// agree with the consensus, and at least one article stating it states no
    /// agreeing value. (An article
    /// that gives two values for one key, say a quarter's figure and a year's whose
    /// period went unrecognised, contradicts no one.)
    pub flagged: bool,
}

/// A figure reported across articles: one `(subject, metric, period, unit)` group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyFigure {
    /// Canonical name of the entity measured.
    pub subject: String,
    /// What is measured (`revenue`, `growth`, ...).
    pub metric: String,
    /// The period (`2025-Q4`), if the articles give one.
    pub period: Option<String>,
    /// The kind of number.
    pub kind: FactKind,
    /// ISO currency, `%`, counted noun or unit symbol.
    pub unit: Option<String>,
    /// The consensus value.
    pub value: f64,
    /// The consensus high end, for a range.
    pub value_max: Option<f64>,
    /// The consensus as written (`$35.6 billion`).
    pub text: String,
    /// Articles that report any value for this figure.
    pub articles: usize,
    /// Articles whose value agrees with the consensus.
    pub agreeing: usize,
    /// Every distinct value, most reported first.
    pub variants: Vec<Variant>,
    /// Whether some variant is flagged: an outlet reports a value the consensus
    /// does not round to.
    pub disagreement: bool,
}

/// A row of `factwire facts --consolidate`: a key figure plus when and where it was
/// seen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consolidated {
    /// The figure and its variants.
    #[serde(flatten)]
    pub figure: KeyFigure,
    /// Smallest value any article reports.
    pub range_min: f64,
    /// Largest value (or range end) any article reports.
    pub range_max: f64,
    /// The earliest publication time among the reporting articles.
    pub first_seen: Option<String>,
    /// Every outlet reporting it, each once, in order of first report.
    pub sources: Vec<String>,
}

impl Consolidated {
    /// The value range for a table column: `$35.5 billion to $35.6 billion`, or the
    /// one value when every article agrees exactly.
    pub fn range_text(&self) -> String {
        let unit = self.figure.unit.as_deref();
        if self.range_min == self.range_max {
            format_value(self.range_min, unit)
        } else {
            format!(
                "{} to {}",
                format_value(self.range_min, unit),
                format_value(self.range_max, unit)
            )
        }
    }
}

/// A subject's metric over several periods, for a small chart (see [`super::charts`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// Canonical name of the entity measured.
    pub subject: String,
    /// What is measured.
    pub metric: String,
    /// The unit shared by the points.
    pub unit: Option<String>,
    /// The kind of period every point covers (`quarter`, `fiscal_year`, ...).
    pub granularity: super::charts::Granularity,
    /// Articles reporting any of the points (summed over the points).
    pub articles: usize,
    /// One point per period, in period order.
    pub points: Vec<Point>,
}

/// One period of a [`Series`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// The period (`2025-Q4`).
    pub period: String,
    /// The consensus value.
    pub value: f64,
    /// The value as written (`$35.6 billion`).
    pub text: String,
}

/// One fact as a figure sees it: the fact plus its article's identity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Report<'a> {
    pub(crate) article_id: i64,
    pub(crate) source: Option<&'a str>,
    pub(crate) published: Option<&'a str>,
    pub(crate) fact: &'a Fact,
}

type Key = (String, String, Option<String>, Option<String>);

/// Groups reports into key figures. Facts without a subject, a metric or a value are
/// left out. Figures come out most reported first, then by subject, metric, period.
pub(crate) fn group<'a>(reports: &[Report<'a>]) -> Vec<(KeyFigure, Vec<Report<'a>>)> {
    let mut groups: BTreeMap<Key, Vec<Report<'a>>> = BTreeMap::new();
    for r in reports {
        let (Some(subject), Some(metric), Some(_)) =
            (&r.fact.subject, &r.fact.metric, r.fact.value)
        else {
            continue;
        };
        let key = (
            subject.clone(),
            metric.clone(),
            r.fact.period.clone(),
            r.fact.unit.clone(),
        );
        groups.entry(key).or_default().push(*r);
    }
    let mut out: Vec<(KeyFigure, Vec<Report<'a>>)> = groups
        .into_iter()
        .filter_map(|(key, members)| figure(key, &members).map(|f| (f, members)))
        .collect();
    out.sort_by(|a, b| {
        b.0.articles
            .cmp(&a.0.articles)
            .then_with(|| metric_rank(&a.0.metric).cmp(&metric_rank(&b.0.metric)))
            .then_with(|| a.0.subject.cmp(&b.0.subject))
            .then_with(|| a.0.metric.cmp(&b.0.metric))
            .then_with(|| a.0.period.cmp(&b.0.period))
    });
    out
}

/// The contract's metric vocabulary, roughly in the order a reader looks for them.
const METRIC_ORDER: &[&str] = &[
    "revenue",
    "growth",
    "operating_income",
    "net_income",
    "operating_margin",
    "eps",
    "guidance",
    "estimate",
    "run_rate",
    "backlog",
    "capex",
    "free_cash_flow",
    "contract_value",
    "investment",
    "market_value",
    "share_price",
    "price_target",
    "headcount",
    "layoffs",
    "customers",
    "users",
    "capacity",
    "share",
    "cost",
];

/// Where a metric sorts among figures reported equally often (unknown ones last).
pub(crate) fn metric_rank(m: &str) -> usize {
    METRIC_ORDER
        .iter()
        .position(|x| *x == m)
        .unwrap_or(METRIC_ORDER.len())
}

/// A variant under construction, with the precision it was written with.
struct Draft {
    text: String,
    value: f64,
    value_max: Option<f64>,
    step: f64,
    article_ids: Vec<i64>,
    sources: Vec<String>,
    first: usize,
}

fn figure(key: Key, members: &[Report<'_>]) -> Option<KeyFigure> {
    let (subject, metric, period, unit) = key;
    let kind = members.first()?.fact.kind;
    let mut drafts: Vec<Draft> = Vec::new();
    for (order, r) in members.iter().enumerate() {
        let value = r.fact.value?;
        let value_max = r.fact.value_max;
        let slot = drafts
            .iter()
            .position(|d| d.value == value && d.value_max == value_max);
        let d = match slot {
            Some(i) => &mut drafts[i],
            None => {
                drafts.push(Draft {
                    text: r.fact.text.clone(),
                    value,
                    value_max,
                    step: precision_step(&r.fact.text, value),
                    article_ids: Vec::new(),
                    sources: Vec::new(),
                    first: order,
                });
                drafts.last_mut()?
            }
        };
        if !d.article_ids.contains(&r.article_id) {
            d.article_ids.push(r.article_id);
        }
        if let Some(s) = r.source
            && !d.sources.iter().any(|x| x == s)
        {
            d.sources.push(s.to_string());
        }
    }
    // Articles that agree with each variant (an article counts once).
    let support = |i: usize| -> Vec<i64> {
        let mut ids: Vec<i64> = drafts
            .iter()
            .filter(|o| agree(&drafts[i], o))
            .flat_map(|o| o.article_ids.iter().copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let consensus = (0..drafts.len()).max_by(|&a, &b| {
        support(a)
            .len()
            .cmp(&support(b).len())
            .then(
                drafts[a]
                    .article_ids
                    .len()
                    .cmp(&drafts[b].article_ids.len()),
            )
            .then(drafts[b].first.cmp(&drafts[a].first))
    })?;
    let agreeing = support(consensus).len();
    let mut all: Vec<i64> = drafts
        .iter()
        .flat_map(|d| d.article_ids.iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    let agreeing_ids = support(consensus);
    let mut variants: Vec<Variant> = drafts
        .iter()
        .map(|d| {
            let consistent = agree(&drafts[consensus], d);
            Variant {
                text: d.text.clone(),
                value: d.value,
                value_max: d.value_max,
                articles: d.article_ids.len(),
                article_ids: d.article_ids.clone(),
                sources: d.sources.clone(),
                consistent,
                flagged: period.is_some()
                    && !consistent
                    && d.article_ids.iter().any(|a| !agreeing_ids.contains(a)),
            }
        })
        .collect();
    let c = &drafts[consensus];
    let (value, value_max, text) = (c.value, c.value_max, c.text.clone());
    variants.sort_by(|a, b| {
        b.articles
            .cmp(&a.articles)
            .then(b.consistent.cmp(&a.consistent))
    });
    let disagreement = variants.iter().any(|v| v.flagged);
    Some(KeyFigure {
        subject,
        metric,
        period,
        kind,
        unit,
        value,
        value_max,
        text,
        articles: all.len(),
        agreeing,
        variants,
        disagreement,
    })
}

/// Whether two variants agree after rounding to the coarser precision.
fn agree(a: &Draft, b: &Draft) -> bool {
    let tolerance = a.step.max(b.step) / 2.0;
    let close = |x: f64, y: f64| (x - y).abs() <= tolerance + 1e-9 * x.abs().max(y.abs());
    close(a.value, b.value)
        && close(
            a.value_max.unwrap_or(a.value),
            b.value_max.unwrap_or(b.value),
        )
}

/// The precision a number was written with, in the units of `value`: the place
/// value of its last written digit times the scale its words give it. `$35.6
/// billion` (value 35.6e9) has step 0.1e9; `24%` has step 1; `$35,580 million` has
/// step 1e6. Text without digits (`six hours`) is taken as exact (step 0).
pub(crate) fn precision_step(text: &str, value: f64) -> f64 {
    let Some(start) = text.find(|c: char| c.is_ascii_digit()) else {
        return 0.0;
    };
    let literal: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
        .filter(|&c| c != ',')
        .collect();
    let literal = literal.trim_end_matches('.');
    let Ok(number) = literal.parse::<f64>() else {
        return 0.0;
    };
    if number == 0.0 || !value.is_finite() {
        return 0.0;
    }
    let decimals = literal.split_once('.').map_or(0, |(_, d)| d.len());
    let scale = (value / number).abs();
    10f64.powi(-(decimals as i32)) * scale
}

/// The `factwire facts --consolidate` table: fact rows grouped into key figures, with
/// the range of values, first sighting and sources. Sorted by subject, metric and
/// period. Rows without a subject, a metric or a value are left out.
pub fn consolidate(rows: &[FactRow]) -> Vec<Consolidated> {
    let reports: Vec<Report<'_>> = rows
        .iter()
        .map(|r| Report {
            article_id: r.article_id,
            source: r.source.as_deref(),
            published: r.published.as_deref(),
            fact: &r.fact,
        })
        .collect();
    let mut out: Vec<Consolidated> = group(&reports)
        .into_iter()
        .map(|(figure, members)| {
            let range_min = members
                .iter()
                .filter_map(|r| r.fact.value)
                .fold(f64::INFINITY, f64::min);
            let range_max = members
                .iter()
                .filter_map(|r| r.fact.value_max.or(r.fact.value))
                .fold(f64::NEG_INFINITY, f64::max);
            let first_seen = members
                .iter()
                .filter_map(|r| r.published.and_then(|p| parse_timestamp(p).map(|t| (t, p))))
                .min_by_key(|(t, _)| *t)
                .map(|(_, p)| p.to_string());
            let mut by_time: Vec<&Report<'_>> = members.iter().collect();
            by_time.sort_by_key(|r| r.published.and_then(parse_timestamp).unwrap_or(i64::MAX));
            let mut sources: Vec<String> = Vec::new();
            for r in by_time {
                if let Some(s) = r.source
                    && !sources.iter().any(|x| x == s)
                {
                    sources.push(s.to_string());
                }
            }
            Consolidated {
                figure,
                range_min,
                range_max,
                first_seen,
                sources,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.figure
            .subject
            .cmp(&b.figure.subject)
            .then_with(|| a.figure.metric.cmp(&b.figure.metric))
            .then_with(|| a.figure.period.cmp(&b.figure.period))
            .then_with(|| a.figure.unit.cmp(&b.figure.unit))
    });
    out
}

/// A value written for people: `$35.6 billion`, `24%`, `1,200 customer`.
pub fn format_value(value: f64, unit: Option<&str>) -> String {
    let symbol = match unit {
        Some("USD") => Some("$"),
        Some("EUR") => Some("€"),
        Some("GBP") => Some("£"),
        Some("JPY") | Some("CNY") => Some("¥"),
        Some("INR") => Some("₹"),
        _ => None,
    };
    let (scaled, word) = scale(value);
    let number = if word.is_empty() {
        group_thousands(value)
    } else {
        format!("{} {word}", trim_decimals(scaled))
    };
    match (symbol, unit) {
        (Some(sym), _) => format!("{sym}{number}"),
        (None, Some(u @ ("%" | "x"))) => format!("{number}{u}"),
        (None, Some(u)) if u.chars().all(|c| c.is_ascii_uppercase()) && u.len() == 3 => {
            format!("{number} {u}")
        }
        (None, Some(u)) => format!("{number} {u}"),
        (None, None) => number,
    }
}

fn scale(value: f64) -> (f64, &'static str) {
    let a = value.abs();
    if a >= 1e12 {
        (value / 1e12, "trillion")
    } else if a >= 1e9 {
        (value / 1e9, "billion")
    } else if a >= 1e6 {
        (value / 1e6, "million")
    } else {
        (value, "")
    }
}

fn trim_decimals(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn group_thousands(v: f64) -> String {
    let s = trim_decimals(v);
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, source: &str, text: &str, value: f64) -> FactRow {
        let mut fact = Fact::new(FactKind::Money, text, 0, text.chars().count(), text);
        fact.value = Some(value);
        fact.unit = Some("USD".into());
        fact.subject = Some("Amazon Web Services".into());
        fact.metric = Some("revenue".into());
        fact.period = Some("2025-Q4".into());
        FactRow {
            fact,
            article_id: id,
            url: format!("https://{source}/{id}"),
            title: None,
            source: Some(source.into()),
            published: Some(format!("2026-02-0{}T10:00:00Z", 5 + id % 3)),
        }
    }

    #[test]
    fn precision_comes_from_the_written_digits() {
        assert!((precision_step("$35.6 billion", 35.6e9) - 0.1e9).abs() < 1.0);
        assert!((precision_step("$35.58 billion", 35.58e9) - 0.01e9).abs() < 1.0);
        assert!((precision_step("24%", 24.0) - 1.0).abs() < 1e-9);
        assert!((precision_step("$35,580 million", 35.58e9) - 1e6).abs() < 1e-3);
        assert_eq!(precision_step("six hours", 6.0), 0.0);
    }

    #[test]
    fn rounding_agreement_and_flagged_outlier() {
        // Six articles say $35.6 billion, two $35.58 billion, one $35.5 billion.
        let mut rows: Vec<FactRow> = (1..=6)
            .map(|i| row(i, &format!("s{i}.example"), "$35.6 billion", 35.6e9))
            .collect();
        rows.push(row(7, "s7.example", "$35.58 billion", 35.58e9));
        rows.push(row(8, "s8.example", "$35.58 billion", 35.58e9));
        rows.push(row(9, "s9.example", "$35.5 billion", 35.5e9));
        let c = consolidate(&rows);
        assert_eq!(c.len(), 1);
        let f = &c[0].figure;
        assert_eq!(f.text, "$35.6 billion");
        assert_eq!(f.articles, 9);
        assert_eq!(f.agreeing, 8);
        assert!(f.disagreement);
        let texts: Vec<(&str, usize, bool)> = f
            .variants
            .iter()
            .map(|v| (v.text.as_str(), v.articles, v.consistent))
            .collect();
        assert_eq!(
            texts,
            [
                ("$35.6 billion", 6, true),
                ("$35.58 billion", 2, true),
                ("$35.5 billion", 1, false)
            ]
        );
        assert_eq!(c[0].range_min, 35.5e9);
        assert_eq!(c[0].range_max, 35.6e9);
        assert_eq!(c[0].range_text(), "$35.5 billion to $35.6 billion");
        assert_eq!(c[0].sources.len(), 9);
        assert_eq!(c[0].first_seen.as_deref(), Some("2026-02-05T10:00:00Z"));
    }

    #[test]
    fn agreeing_values_are_not_flagged_and_unattributed_rows_are_skipped() {
        let mut rows = vec![
            row(1, "a.example", "$35.6 billion", 35.6e9),
            row(2, "b.example", "$35.58 billion", 35.58e9),
        ];
        let mut loose = row(3, "c.example", "$1 billion", 1e9);
        loose.fact.metric = None;
        rows.push(loose);
        let c = consolidate(&rows);
        assert_eq!(c.len(), 1);
        assert!(!c[0].figure.disagreement);
        assert_eq!(c[0].figure.agreeing, 2);
    }

    #[test]
    fn two_values_in_one_article_are_not_a_disagreement() {
        let rows = vec![
            row(1, "a.example", "$35.6 billion", 35.6e9),
            row(1, "a.example", "$128.7 billion", 128.7e9),
            row(2, "b.example", "$35.6 billion", 35.6e9),
        ];
        let c = consolidate(&rows);
        let f = &c[0].figure;
        assert_eq!(f.text, "$35.6 billion");
        assert!(!f.disagreement);
        let other = f.variants.iter().find(|v| v.value == 128.7e9).unwrap();
        assert!(!other.consistent && !other.flagged);
    }

    #[test]
    fn figures_without_a_period_are_never_flagged() {
        let mut rows = vec![
            row(1, "a.example", "24%", 24.0),
            row(2, "b.example", "17%", 17.0),
        ];
        for r in &mut rows {
            r.fact.period = None;
        }
        let c = consolidate(&rows);
        assert_eq!(c[0].figure.variants.len(), 2);
        assert!(!c[0].figure.disagreement);
        rows[0].fact.period = Some("2025-Q4".into());
        rows[1].fact.period = Some("2025-Q4".into());
        assert!(consolidate(&rows)[0].figure.disagreement);
    }

    #[test]
    fn values_format_for_people() {
        assert_eq!(format_value(35.6e9, Some("USD")), "$35.6 billion");
        assert_eq!(format_value(24.0, Some("%")), "24%");
        assert_eq!(format_value(1200.0, Some("customer")), "1,200 customer");
        assert_eq!(format_value(2.5e6, Some("EUR")), "€2.5 million");
        assert_eq!(format_value(-1234.5, None), "-1,234.5");
    }
}
