//! Periods and dates as found, and how a missing year is filled in from the document.
//!
//! A quarter, half, month or day written without its year ("Q3", "the third quarter",
//! "Jan. 28") takes the year that puts it nearest to what the document is about: the
//! last quarter written with its year before it, else the first one in the document,
//! else the quarter just before the publication date (results are reported after the
//! quarter ends). Ties go to the past. A fiscal quarter without its year ("fiscal
//! second quarter") uses the last fiscal year written in the document, else the
//! fiscal calendar of the company in focus (`fiscal_year_end` in the gazetteer)
//! applied to the publication date.

/// A period as written, possibly without its year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawPeriod {
    /// A calendar year (`2025`).
    Year(i32),
    /// A fiscal year (`fiscal 2026`, `FY26`).
    FiscalYear(Option<i32>),
    /// A quarter; `fiscal` when written as a fiscal quarter.
    Quarter {
        /// Fiscal (`FY2026-Q2`) or calendar (`2025-Q4`).
        fiscal: bool,
        /// 1-4.
        q: u32,
        /// The year if written.
        year: Option<i32>,
    },
    /// A half-year.
    Half {
        /// Fiscal or calendar.
        fiscal: bool,
        /// 1 or 2.
        h: u32,
        /// The year if written.
        year: Option<i32>,
    },
    /// A calendar month.
    Month {
        /// 1-12.
        m: u32,
        /// The year if written.
        year: Option<i32>,
    },
}

/// A calendar date as written, possibly without its year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawDate {
    /// Year, if written.
    pub year: Option<i32>,
    /// Month 1-12.
    pub month: u32,
    /// Day 1-31.
    pub day: u32,
}

/// Parses the date part of an RFC 3339 timestamp (`2026-02-05T21:04:00Z`).
pub fn parse_ymd(s: &str) -> Option<(i32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = s.get(0..4)?.parse().ok()?;
    let m = s.get(5..7)?.parse().ok()?;
    let d = s.get(8..10)?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// How far into a text its own date stamp or dateline may stand, in bytes.
const HEADER_BYTES: usize = 300;

/// The document's own date when the caller knows none: the first full date (with
/// its year) in the header, the first `HEADER_BYTES` of the text ("2026-03-11 …",
/// "Published March 11, 2026"), unless it ends or bounds a period ("the quarter ended
/// September 30, 2025", "since March 1, 2020"). `dates` are (byte offset, date) in
/// text order.
pub fn dateline(
    text: &str,
    dates: impl IntoIterator<Item = (usize, RawDate)>,
) -> Option<(i32, u32, u32)> {
    dates
        .into_iter()
        .take_while(|(s, _)| *s < HEADER_BYTES)
        .find(|(s, _)| {
            let before = text.get(..*s).unwrap_or("").trim_end();
            let word = before
                .rsplit(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            !matches!(
                word.as_str(),
                "ended"
                    | "ending"
                    | "end"
                    | "through"
                    | "until"
                    | "since"
                    | "by"
                    | "before"
                    | "after"
                    | "from"
                    | "to"
            )
        })
        .and_then(|(_, d)| Some((d.year?, d.month, d.day)))
}

/// Month index (year * 12 + month - 1) used for nearest-year choices.
fn midx(y: i32, m: u32) -> i64 {
    i64::from(y) * 12 + i64::from(m) - 1
}

/// Picks among `y-1, y, y+1` the year whose `f(year)` month index is nearest to
/// `target`; ties go to the earlier year.
fn nearest_year(center: i32, target: i64, f: impl Fn(i32) -> i64) -> i32 {
    let mut best = center;
    let mut best_d = i64::MAX;
    for y in [center - 1, center, center + 1] {
        let d = (f(y) - target).abs();
        if d < best_d {
            best = y;
            best_d = d;
        }
    }
    best
}

/// What the document says about time, used to fill in missing years.
#[derive(Debug, Clone, Default)]
pub struct TimeContext {
    /// Publication date.
    pub published: Option<(i32, u32, u32)>,
    /// The first calendar quarter written with its year, as (year, quarter).
    pub first_quarter: Option<(i32, u32)>,
    /// The last calendar quarter with its year seen so far while scanning.
    pub last_quarter: Option<(i32, u32)>,
    /// The last fiscal year written so far.
    pub last_fiscal_year: Option<i32>,
    /// The first fiscal year written in the document.
    pub first_fiscal_year: Option<i32>,
    /// The most frequent calendar year written in the document.
    pub common_year: Option<i32>,
}

impl TimeContext {
    /// The reference quarter (year, q) for a bare quarter.
    pub fn reference_quarter(&self) -> Option<(i32, u32)> {
        if let Some(q) = self.last_quarter.or(self.first_quarter) {
            return Some(q);
        }
        if let Some((y, m, _)) = self.published {
            // The quarter before the one containing the publication date.
            let q = (m - 1) / 3 + 1;
            return Some(if q == 1 { (y - 1, 4) } else { (y, q - 1) });
        }
        self.common_year.map(|y| (y, 4))
    }

    /// The reference month index for bare months and dates.
    fn reference_month(&self) -> Option<i64> {
        if let Some((y, m, _)) = self.published {
            return Some(midx(y, m));
        }
        if let Some((y, q)) = self.last_quarter.or(self.first_quarter) {
            return Some(midx(y, q * 3));
        }
        self.common_year.map(|y| midx(y, 6))
    }

    /// Fills in the year of a calendar quarter.
    pub fn quarter_year(&self, q: u32) -> Option<i32> {
        let (ry, rq) = self.reference_quarter()?;
        Some(nearest_year(ry, midx(ry, rq * 3), |y| midx(y, q * 3)))
    }

    /// A period said in the future tense ("will spend in the second half") that would
    /// end before the publication month moves a year forward.
    pub fn future_adjust(&self, year: i32, end_month: u32, future: bool) -> i32 {
        match self.published {
            Some((py, pm, _)) if future && midx(year, end_month) < midx(py, pm) => year + 1,
            _ => year,
        }
    }

    /// Fills in the year of a calendar half.
    pub fn half_year(&self, h: u32) -> Option<i32> {
        let (ry, rq) = self.reference_quarter()?;
        Some(nearest_year(ry, midx(ry, rq * 3), |y| midx(y, h * 6)))
    }

    /// Fills in the year of a month (or a date in that month): the nearest one.
    pub fn month_year(&self, m: u32) -> Option<i32> {
        let target = self.reference_month()?;
        let center = i32::try_from(target.div_euclid(12)).ok()?;
        Some(nearest_year(center, target, |y| midx(y, m)))
    }

    /// Fills in the year of a month from the publication date: the latest such month
    /// not after it when the sentence speaks of the past, the nearest one when it
    /// speaks of the future ("will open in March").
    pub fn month_year_tensed(&self, m: u32, future: bool) -> Option<i32> {
        if future || self.published.is_none() {
            return self.month_year(m);
        }
        let (py, pm, _) = self.published?;
        Some(if m <= pm { py } else { py - 1 })
    }

    /// The fiscal year for a fiscal quarter or half written without one, given the
    /// month the company's fiscal year ends in.
    pub fn fiscal_year_for(&self, q_end_months_before_fy_end: u32, fy_end: u32) -> Option<i32> {
        if let Some(y) = self.last_fiscal_year {
            return Some(y);
        }
        let Some(target) = self.reference_month() else {
            return self.first_fiscal_year;
        };
        let center = i32::try_from(target.div_euclid(12)).ok()?;
        // A fiscal year is named after the calendar year in which it ends.
        Some(nearest_year(center, target - 1, |y| {
            midx(y, fy_end) - i64::from(q_end_months_before_fy_end)
        }))
    }
}

/// The quarter that ends on ISO date `date` (`2026-02-28`), named by a fiscal year
/// ending in month `fy_end`: calendar (`2025-Q4`) for December, else fiscal, the
/// fiscal year named after the calendar year it ends in (`FY2026-Q3` for a quarter to
/// February when the year ends in May). `None` unless the date ends a quarter's month.
pub fn quarter_ending(date: &str, fy_end: u32) -> Option<String> {
    let (y, m, _) = parse_ymd(date)?;
    if !(1..=12).contains(&fy_end) {
        return None;
    }
    // Months since the fiscal year began, 1..=12.
    let into = (m + 12 - fy_end - 1) % 12 + 1;
    if !into.is_multiple_of(3) {
        return None;
    }
    let q = into / 3;
    if fy_end == 12 {
        return Some(format!("{y}-Q{q}"));
    }
    let fy = if m <= fy_end { y } else { y + 1 };
    Some(format!("FY{fy}-Q{q}"))
}

/// Formats a resolved period the contract's way, or `None` when its year is unknown.
pub fn format_period(p: RawPeriod, tc: &TimeContext, fy_end: u32, future: bool) -> Option<String> {
    Some(match p {
        RawPeriod::Year(y) => format!("{y}"),
        RawPeriod::FiscalYear(y) => format!("FY{}", y.or(tc.last_fiscal_year)?),
        RawPeriod::Quarter {
            fiscal: false,
            q,
            year,
        } => {
            let y = match year {
                Some(y) => y,
                None => tc.future_adjust(tc.quarter_year(q)?, q * 3, future),
            };
            format!("{y}-Q{q}")
        }
        RawPeriod::Quarter {
            fiscal: true,
            q,
            year,
        } => {
            let y = match year {
                Some(y) => y,
                None => tc.fiscal_year_for(3 * (4 - q), fy_end)?,
            };
            format!("FY{y}-Q{q}")
        }
        RawPeriod::Half {
            fiscal: false,
            h,
            year,
        } => {
            let y = match year {
                Some(y) => y,
                None => tc.future_adjust(tc.half_year(h)?, h * 6, future),
            };
            format!("{y}-H{h}")
        }
        RawPeriod::Half {
            fiscal: true,
            h,
            year,
        } => {
            let y = match year {
                Some(y) => y,
                None => tc.fiscal_year_for(6 * (2 - h), fy_end)?,
            };
            format!("FY{y}-H{h}")
        }
        RawPeriod::Month { m, year } => {
            format!(
                "{}-{m:02}",
                year.or_else(|| tc.month_year_tensed(m, future))?
            )
        }
    })
}

/// Formats a date as ISO 8601, filling in its year; `None` if unknown or invalid.
pub fn format_date(d: RawDate, tc: &TimeContext, future: bool) -> Option<String> {
    let y = d.year.or_else(|| tc.month_year_tensed(d.month, future))?;
    if d.day == 0 || d.day > crate::numbers::days_in_month(y, d.month) {
        return None;
    }
    Some(format!("{y:04}-{:02}-{:02}", d.month, d.day))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tc(published: &str) -> TimeContext {
        TimeContext {
            published: parse_ymd(published),
            ..Default::default()
        }
    }

    #[test]
    fn bare_quarters_take_the_nearest_year() {
        let mut t = tc("2026-02-05T10:00:00Z");
        assert_eq!(t.reference_quarter(), Some((2025, 4)));
        assert_eq!(t.quarter_year(3), Some(2025));
        assert_eq!(t.quarter_year(1), Some(2026));
        assert_eq!(t.quarter_year(4), Some(2025));
        t.last_quarter = Some((2024, 2));
        assert_eq!(t.quarter_year(1), Some(2024));
    }

    #[test]
    fn months_and_dates() {
        let t = tc("2026-01-30T00:00:00Z");
        assert_eq!(t.month_year(10), Some(2025));
        assert_eq!(t.month_year(3), Some(2026));
        let d = RawDate {
            year: None,
            month: 1,
            day: 28,
        };
        assert_eq!(format_date(d, &t, false).as_deref(), Some("2026-01-28"));
        let bad = RawDate {
            year: Some(2025),
            month: 2,
            day: 30,
        };
        assert_eq!(format_date(bad, &t, false), None);
    }

    #[test]
    fn fiscal_quarters_use_the_company_calendar() {
        // Microsoft's fiscal year ends in June; its Q2 report comes out in January.
        let t = tc("2026-01-28T00:00:00Z");
        let p = RawPeriod::Quarter {
            fiscal: true,
            q: 2,
            year: None,
        };
        assert_eq!(format_period(p, &t, 6, false).as_deref(), Some("FY2026-Q2"));
        // Its Q4 report comes out in July, still for the fiscal year just ended.
        let t = tc("2025-07-30T00:00:00Z");
        let p = RawPeriod::Quarter {
            fiscal: true,
            q: 4,
            year: None,
        };
        assert_eq!(format_period(p, &t, 6, false).as_deref(), Some("FY2025-Q4"));
        // A written fiscal year wins.
        let mut t = tc("2025-07-30T00:00:00Z");
        t.last_fiscal_year = Some(2027);
        assert_eq!(format_period(p, &t, 6, false).as_deref(), Some("FY2027-Q4"));
    }

    #[test]
    fn the_dateline_is_the_first_header_date_that_is_no_period_end() {
        let d = |year, month, day| RawDate {
            year: Some(year),
            month,
            day,
        };
        let text = "Results for the quarter ended June 30, 2031 | Posted July 28, 2031";
        let e = text.find("June").unwrap_or(0);
        let p = text.find("July").unwrap_or(0);
        let got = dateline(text, [(e, d(2031, 6, 30)), (p, d(2031, 7, 28))]);
        assert_eq!(got, Some((2031, 7, 28)));
        // A date without its year, or deep in the body, is no dateline.
        let none = RawDate {
            year: None,
            month: 7,
            day: 28,
        };
        assert_eq!(dateline("July 28", [(0, none)]), None);
        let body = format!("{}March 3, 2030", "x".repeat(400));
        assert_eq!(dateline(&body, [(400, d(2030, 3, 3))]), None);
    }

    #[test]
    fn a_quarter_is_named_by_its_last_day_and_the_fiscal_calendar() {
        // A calendar year: the quarter to September is Q3.
        assert_eq!(quarter_ending("2031-09-30", 12).as_deref(), Some("2031-Q3"));
        // A year ending in May: December to February is the third fiscal quarter of
        // the year that ends the next May.
        assert_eq!(
            quarter_ending("2031-02-28", 5).as_deref(),
            Some("FY2031-Q3")
        );
        assert_eq!(
            quarter_ending("2030-08-31", 5).as_deref(),
            Some("FY2031-Q1")
        );
        // A year ending in March: July to September is Q2.
        assert_eq!(
            quarter_ending("2030-09-30", 3).as_deref(),
            Some("FY2031-Q2")
        );
        // A year ending in June: the quarter to December is Q2.
        assert_eq!(
            quarter_ending("2030-12-31", 6).as_deref(),
            Some("FY2031-Q2")
        );
        // Near misses: a day that ends no quarter, a bad date.
        assert_eq!(quarter_ending("2031-08-31", 12), None);
        assert_eq!(quarter_ending("2031-13-01", 12), None);
    }

    #[test]
    fn unknown_year_gives_none() {
        let t = TimeContext::default();
        let p = RawPeriod::Quarter {
            fiscal: false,
            q: 3,
            year: None,
        };
        assert_eq!(format_period(p, &t, 12, false), None);
        assert_eq!(
            format_period(RawPeriod::Year(2025), &t, 12, false).as_deref(),
            Some("2025")
        );
    }
}
