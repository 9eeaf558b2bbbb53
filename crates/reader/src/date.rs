//! Dates: machine-readable timestamps, dates written in prose, and dates in URLs,
//! all normalised to RFC 3339 UTC (`2026-02-05T21:04:00Z`).
//!
//! Rules, so that a date is never invented:
//! - a timestamp with an offset is converted to UTC;
//! - a timestamp without an offset is taken as UTC (the page gives no better clue);
//! - a date without a time is midnight UTC of that date;
//! - a written time zone abbreviation (`ET`, `PST`, `GMT`, `JST`, ...) is honoured;
//!   an unknown one leaves the time as UTC;
//! - years outside 1990..=2100 and impossible days are rejected.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// The plausible range of publication years.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Parses a machine-readable timestamp (ISO 8601 / RFC 3339 variants, RFC 2822, or a
/// written date) into RFC 3339 UTC.
pub(crate) fn parse_timestamp(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return finish(dt.with_timezone(&Utc).naive_utc());
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return finish(dt.with_timezone(&Utc).naive_utc());
    }
    if let Some(v) = parse_iso_loose(s) {
        return Some(v);
    }
    find_in_text(s)
}

/// ISO 8601 shapes RFC 3339 refuses: `2026-02-05`, `2026-02-05 21:04`,
/// `2026-02-05T21:04:00.000+0100`, `2026-02-05T21:04`, `20260205T210400Z`.
fn parse_iso_loose(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (date, rest) = if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        let d = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
        (d, s.get(10..)?)
    } else if b[..8].iter().all(u8::is_ascii_digit) {
        let d = NaiveDate::parse_from_str(s.get(..8)?, "%Y%m%d").ok()?;
        (d, s.get(8..)?)
    } else {
        return None;
    };
    let rest = rest.trim_start_matches(['T', 't', ' ']);
    if rest.is_empty() {
        return finish(date.and_time(NaiveTime::MIN));
    }
    // Time: HH:MM[:SS[.fff]] or HHMM[SS]
    let digits_colons: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':' || *c == '.' || *c == ',')
        .collect();
    let tail = &rest[digits_colons.len()..];
    let clean: Vec<&str> = digits_colons
        .split(['.', ','])
        .next()
        .unwrap_or("")
        .split(':')
        .collect();
    let (h, m, sec) = match clean.as_slice() {
        [h, m] => (h.parse().ok()?, m.parse().ok()?, 0),
        [h, m, s] => (h.parse().ok()?, m.parse().ok()?, s.parse().ok()?),
        [hms] if hms.len() == 4 || hms.len() == 6 => (
            hms.get(0..2)?.parse().ok()?,
            hms.get(2..4)?.parse().ok()?,
            hms.get(4..6).and_then(|x| x.parse().ok()).unwrap_or(0),
        ),
        _ => return finish(date.and_time(NaiveTime::MIN)),
    };
    let time = NaiveTime::from_hms_opt(h, m, sec)?;
    let naive = date.and_time(time);
    let offset = parse_offset(tail.trim()).unwrap_or(0);
    finish(naive - chrono::Duration::seconds(i64::from(offset)))
}

/// Offset in seconds east of UTC from `Z`, `+01:00`, `+0100`, `-05`, or a zone name.
fn parse_offset(s: &str) -> Option<i32> {
    if s.is_empty() || s.eq_ignore_ascii_case("z") {
        return Some(0);
    }
    let (sign, digits) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return zone_offset(s).map(|h| (h * 3600.0) as i32),
    };
    let d: String = digits.chars().filter(char::is_ascii_digit).collect();
    let (h, m): (i32, i32) = match d.len() {
        2 => (d.parse().ok()?, 0),
        4 => (d[..2].parse().ok()?, d[2..].parse().ok()?),
        _ => return None,
    };
    if h > 14 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

/// Hours east of UTC for common time-zone abbreviations.
fn zone_offset(s: &str) -> Option<f32> {
    let z = s
        .trim_matches(|c: char| !c.is_ascii_alphabetic())
        .to_ascii_uppercase();
    Some(match z.as_str() {
        "UTC" | "GMT" | "Z" | "UT" | "WET" => 0.0,
        "BST" | "CET" | "WEST" => 1.0,
        "CEST" | "EET" | "SAST" => 2.0,
        "EEST" | "MSK" => 3.0,
        "IST" => 5.5,
        "SGT" | "HKT" | "AWST" => 8.0,
        "JST" | "KST" => 9.0,
        "AEST" => 10.0,
        "AEDT" => 11.0,
        "EST" => -5.0,
        "EDT" => -4.0,
        "CST" => -6.0,
        "CDT" => -5.0,
        "MST" => -7.0,
        "MDT" => -6.0,
        "PST" => -8.0,
        "PDT" => -7.0,
        // "ET"/"PT"/"CT" without daylight information: standard time is as good a
        // guess as any, and closer than treating it as UTC.
        "ET" => -5.0,
        "CT" => -6.0,
        "MT" => -7.0,
        "PT" => -8.0,
        _ => return None,
    })
}

fn finish(dt: NaiveDateTime) -> Option<String> {
    use chrono::Datelike;
    if !YEARS.contains(&dt.year()) {
        return None;
    }
    Some(
        Utc.from_utc_datetime(&dt)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
    )
}

/// A date in a URL path: `/2026/02/05/`, `/2026-02-05-title`, `/20260205/`.
/// Gives midnight UTC of that date.
pub(crate) fn from_url(url: &str) -> Option<String> {
    let path = url.split_once("://").map_or(url, |(_, r)| r);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    for (i, seg) in segs.iter().enumerate() {
        // /2026/02/05/
        if seg.len() == 4 && seg.bytes().all(|b| b.is_ascii_digit()) {
            let y: i32 = seg.parse().ok()?;
            let m = segs.get(i + 1).and_then(|s| small_num(s));
            let d = segs.get(i + 2).and_then(|s| small_num(s));
            if let (Some(m), Some(d)) = (m, d)
                && let Some(v) = ymd(y, m, d)
            {
                return Some(v);
            }
        }
        // /2026-02-05-slug or /20260205/
        let b = seg.as_bytes();
        if b.len() >= 10
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4] == b'-'
            && b[7] == b'-'
            && (b.len() == 10 || !b[10].is_ascii_digit())
        {
            let y = seg[..4].parse().ok()?;
            if let (Some(m), Some(d)) = (small_num(&seg[5..7]), small_num(&seg[8..10]))
                && let Some(v) = ymd(y, m, d)
            {
                return Some(v);
            }
        }
        if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
            let y = seg[..4].parse().ok()?;
            if let (Some(m), Some(d)) = (small_num(&seg[4..6]), small_num(&seg[6..8]))
                && let Some(v) = ymd(y, m, d)
            {
                return Some(v);
            }
        }
    }
    None
}

fn small_num(s: &str) -> Option<u32> {
    if (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Option<String> {
    if !YEARS.contains(&y) {
        return None;
    }
    finish(NaiveDate::from_ymd_opt(y, m, d)?.and_time(NaiveTime::MIN))
}

/// The date of a wire-style dateline opening an article's first paragraphs:
/// "BERLIN, 4 November 2025 – Deutsche Telekom said ...". Only the part before the
/// first dash is searched, and only when it is short, so a date mentioned in the
/// story itself is never taken for the publication date.
pub(crate) fn from_dateline(text: &str) -> Option<String> {
    for para in text.split("\n\n").take(2) {
        let Some(cut) = [" – ", " — ", " - ", " -- "]
            .iter()
            .filter_map(|d| para.find(d))
            .min()
        else {
            continue;
        };
        let head = &para[..cut];
        if head.chars().count() <= 60
            && let Some(d) = find_in_text(head)
        {
            return Some(d);
        }
    }
    None
}

/// Month names and abbreviations in the languages the reader supports.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    // Portuguese / Spanish
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("abril", 4),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("agosto", 8),
    ("setembro", 9),
    ("outubro", 10),
    ("novembro", 11),
    ("dezembro", 12),
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("septiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    // German / French
    ("januar", 1),
    ("februar", 2),
    ("märz", 3),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("janvier", 1),
    ("février", 2),
    ("mars", 3),
    ("avril", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    // Russian (genitive, as written in dates)
    ("января", 1),
    ("февраля", 2),
    ("марта", 3),
    ("апреля", 4),
    ("мая", 5),
    ("июня", 6),
    ("июля", 7),
    ("августа", 8),
    ("сентября", 9),
    ("октября", 10),
    ("ноября", 11),
    ("декабря", 12),
];

#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    Num(&'a str),
    Word(&'a str),
    Punct(char),
}

fn tokenize(s: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_ascii_digit() {
            let mut end = i + 1;
            while let Some(&(j, d)) = it.peek() {
                if d.is_ascii_digit() {
                    end = j + 1;
                    it.next();
                } else {
                    break;
                }
            }
            out.push(Tok::Num(&s[i..end]));
        } else if c.is_alphabetic() && !is_cjk_unit(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if d.is_alphabetic() && !is_cjk_unit(d) {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            out.push(Tok::Word(&s[i..end]));
        } else if !c.is_whitespace() {
            out.push(Tok::Punct(c));
        }
        if out.len() > 4000 {
            break;
        }
    }
    out
}

/// CJK date unit characters, kept as punctuation tokens so `2026年2月5日` splits.
fn is_cjk_unit(c: char) -> bool {
    matches!(
        c,
        '年' | '月' | '日' | '년' | '월' | '일' | '時' | '分' | '시' | '분'
    )
}

fn month_of(w: &str) -> Option<u32> {
    let lw = w.to_lowercase();
    let lw = lw.trim_end_matches('.');
    MONTHS.iter().find(|(n, _)| *n == lw).map(|&(_, m)| m)
}

fn num<T: std::str::FromStr>(t: Option<&Tok<'_>>) -> Option<T> {
    match t {
        Some(Tok::Num(n)) if n.len() <= 4 => n.parse().ok(),
        _ => None,
    }
}

/// Finds the first written date in `s` (a dateline such as "Published Feb. 5, 2026
/// 9:04 p.m. ET", "5 de fevereiro de 2026", "2026年2月5日", "05.02.2026") and returns
/// it as RFC 3339 UTC.
pub(crate) fn find_in_text(s: &str) -> Option<String> {
    let toks = tokenize(s);
    for i in 0..toks.len() {
        if let Some((date, next)) = date_at(&toks, i) {
            let (time, offset) = time_at(&toks, next).unwrap_or((NaiveTime::MIN, 0));
            let naive = date.and_time(time) - chrono::Duration::seconds(i64::from(offset));
            return finish(naive);
        }
    }
    None
}

/// A date starting at token `i`; returns it and the index of the next token.
fn date_at(t: &[Tok<'_>], i: usize) -> Option<(NaiveDate, usize)> {
    let get = |k: usize| t.get(k);
    let skip_punct = |mut k: usize| {
        while matches!(get(k), Some(Tok::Punct('.' | ','))) {
            k += 1;
        }
        k
    };
    match get(i)? {
        Tok::Word(w) => {
            // Month Day, Year
            let m = month_of(w)?;
            let k = skip_punct(i + 1);
            let d: u32 = num(get(k))?;
            let k2 = skip_punct(k + 1);
            let k2 = if matches!(get(k2), Some(Tok::Word(w)) if matches!(w.to_ascii_lowercase().as_str(), "st"|"nd"|"rd"|"th"))
            {
                skip_punct(k2 + 1)
            } else {
                k2
            };
            let y: i32 = num(get(k2))?;
            Some((valid(y, m, d)?, k2 + 1))
        }
        Tok::Num(n) if n.len() == 4 => {
            let y: i32 = n.parse().ok()?;
            match (get(i + 1), get(i + 2), get(i + 3), get(i + 4)) {
                // 2026-02-05, 2026/02/05, 2026.02.05
                (
                    Some(Tok::Punct(a)),
                    Some(Tok::Num(m)),
                    Some(Tok::Punct(b)),
                    Some(Tok::Num(d)),
                ) if a == b && matches!(a, '-' | '/' | '.') => {
                    Some((valid(y, m.parse().ok()?, d.parse().ok()?)?, i + 5))
                }
                // 2026年2月5日, 2026년 2월 5일
                (
                    Some(Tok::Punct('年' | '년')),
                    Some(Tok::Num(m)),
                    Some(Tok::Punct('月' | '월')),
                    Some(Tok::Num(d)),
                ) => {
                    let next = if matches!(get(i + 5), Some(Tok::Punct('日' | '일'))) {
                        i + 6
                    } else {
                        i + 5
                    };
                    Some((valid(y, m.parse().ok()?, d.parse().ok()?)?, next))
                }
                _ => None,
            }
        }
        Tok::Num(n) if n.len() <= 2 => {
            let d: u32 = n.parse().ok()?;
            match get(i + 1)? {
                // 05.02.2026 (day first; the dotted form is European)
                Tok::Punct('.') => {
                    let m: u32 = num(get(i + 2))?;
                    if !matches!(get(i + 3), Some(Tok::Punct('.'))) {
                        return None;
                    }
                    match get(i + 4) {
                        Some(Tok::Num(y)) if y.len() == 4 => {
                            Some((valid(y.parse().ok()?, m, d)?, i + 5))
                        }
                        _ => None,
                    }
                }
                // 5 February 2026, 5 de fevereiro de 2026, 5 февраля 2026
                Tok::Word(_) => {
                    let mut k = i + 1;
                    if matches!(get(k), Some(Tok::Word(w)) if w.eq_ignore_ascii_case("de")) {
                        k += 1;
                    }
                    let m = match get(k) {
                        Some(Tok::Word(w)) => month_of(w)?,
                        _ => return None,
                    };
                    k = skip_punct(k + 1);
                    if matches!(get(k), Some(Tok::Word(w)) if w.eq_ignore_ascii_case("de")) {
                        k += 1;
                    }
                    let y: i32 = match get(k) {
                        Some(Tok::Num(y)) if y.len() == 4 => y.parse().ok()?,
                        _ => return None,
                    };
                    Some((valid(y, m, d)?, k + 1))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn valid(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !YEARS.contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A time of day after a date: `9:04 p.m. ET`, `21:04`, `at 9:04PM PST`, `21時04分`.
/// Returns the time and the zone offset in seconds (0 if none is written).
fn time_at(t: &[Tok<'_>], mut k: usize) -> Option<(NaiveTime, i32)> {
    // Allow a few connector tokens: ",", "at", "-", "|", "um", "às", "в".
    for _ in 0..3 {
        match t.get(k) {
            Some(Tok::Punct(',' | '-' | '|' | '/' | '·' | '•' | '—' | '–')) => k += 1,
            Some(Tok::Word(w))
                if matches!(
                    w.to_lowercase().as_str(),
                    "at" | "um" | "às" | "as" | "a" | "в" | "updated" | "de"
                ) =>
            {
                k += 1
            }
            _ => break,
        }
    }
    let h: u32 = num(t.get(k))?;
    if !matches!(t.get(k + 1), Some(Tok::Punct(':' | '時' | '시'))) {
        return None;
    }
    let m: u32 = match t.get(k + 2) {
        Some(Tok::Num(m)) if m.len() == 2 => m.parse().ok()?,
        _ => return None,
    };
    let mut k = k + 3;
    let mut sec = 0;
    if matches!(t.get(k), Some(Tok::Punct(':')))
        && let Some(Tok::Num(s)) = t.get(k + 1)
    {
        sec = s.parse().unwrap_or(0);
        k += 2;
    }
    if matches!(t.get(k), Some(Tok::Punct('分' | '분'))) {
        k += 1;
    }
    let mut hour = h;
    // am / pm / a.m. / p.m.
    let word = |k: usize| match t.get(k) {
        Some(Tok::Word(w)) => Some(w.to_ascii_lowercase()),
        _ => None,
    };
    match word(k).as_deref() {
        Some("am") | Some("a") => {
            if hour == 12 {
                hour = 0;
            }
            k += 1;
        }
        Some("pm") | Some("p") => {
            if hour < 12 {
                hour += 12;
            }
            k += 1;
        }
        _ => {}
    }
    // Skip the dots of "a.m." ("a" "." "m" ".").
    while matches!(t.get(k), Some(Tok::Punct('.'))) || word(k).as_deref() == Some("m") {
        k += 1;
    }
    let time = NaiveTime::from_hms_opt(hour, m, sec)?;
    let offset = match t.get(k) {
        Some(Tok::Word(w)) => zone_offset(w).map_or(0, |h| (h * 3600.0) as i32),
        Some(Tok::Punct('+' | '-')) => {
            let sign = if t.get(k) == Some(&Tok::Punct('-')) {
                -1
            } else {
                1
            };
            match t.get(k + 1) {
                Some(Tok::Num(n)) if n.len() == 4 || n.len() == 2 => {
                    parse_offset(&format!("+{n}")).map_or(0, |o| sign * o)
                }
                _ => 0,
            }
        }
        _ => 0,
    };
    Some((time, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let z = |s: &str| parse_timestamp(s);
        assert_eq!(
            z("2026-02-05T21:04:00Z").as_deref(),
            Some("2026-02-05T21:04:00Z")
        );
        assert_eq!(
            z("2026-02-05T16:04:00-05:00").as_deref(),
            Some("2026-02-05T21:04:00Z")
        );
        assert_eq!(
            z("2026-02-05T22:04:00.000+0100").as_deref(),
            Some("2026-02-05T21:04:00Z")
        );
        assert_eq!(
            z("2026-02-05 21:04").as_deref(),
            Some("2026-02-05T21:04:00Z")
        );
        assert_eq!(z("2026-02-05").as_deref(), Some("2026-02-05T00:00:00Z"));
        assert_eq!(
            z("Thu, 05 Feb 2026 21:04:00 GMT").as_deref(),
            Some("2026-02-05T21:04:00Z")
        );
        assert_eq!(z("garbage"), None);
        assert_eq!(z("1066-10-14"), None);
    }

    #[test]
    fn written_dates() {
        let f = |s: &str| find_in_text(s);
        assert_eq!(
            f("Published Feb. 5, 2026 4:04 p.m. ET").as_deref(),
            Some("2026-02-05T21:04:00Z")
        );
        assert_eq!(
            f("February 5th, 2026").as_deref(),
            Some("2026-02-05T00:00:00Z")
        );
        assert_eq!(
            f("5 de fevereiro de 2026").as_deref(),
            Some("2026-02-05T00:00:00Z")
        );
        assert_eq!(
            f("5 февраля 2026, 21:04").as_deref(),
            Some("2026-02-05T21:04:00Z")
        );
        assert_eq!(
            f("2026年2月5日 21:04").as_deref(),
            Some("2026-02-05T21:04:00Z")
        );
        assert_eq!(f("2026년 2월 5일").as_deref(), Some("2026-02-05T00:00:00Z"));
        assert_eq!(f("05.02.2026").as_deref(), Some("2026-02-05T00:00:00Z"));
        assert_eq!(
            f("Updated 2026-02-05 09:04 PST").as_deref(),
            Some("2026-02-05T17:04:00Z")
        );
        assert_eq!(f("May we go"), None);
        assert_eq!(f("February 30, 2026"), None);
    }

    #[test]
    fn datelines() {
        assert_eq!(
            from_dateline("BERLIN, 4 November 2025 – Deutsche Telekom said on Tuesday.").as_deref(),
            Some("2025-11-04T00:00:00Z")
        );
        // The dateline may open the second paragraph, after a standfirst.
        assert_eq!(
            from_dateline("A standfirst.\n\nBERLIN, 4 November 2025 – Text.").as_deref(),
            Some("2025-11-04T00:00:00Z")
        );
        // No year: no date rather than a guess.
        assert_eq!(
            from_dateline("SEATTLE, Jan 28 (Cloudwire) - Amazon said."),
            None
        );
        // A date inside the story is not a dateline.
        assert_eq!(
            from_dateline(
                "The company said on Tuesday that the plant, opened on 4 November 2025 - its first - is full."
            ),
            None
        );
    }

    #[test]
    fn url_dates() {
        assert_eq!(
            from_url("https://x.com/2026/02/05/aws-grows").as_deref(),
            Some("2026-02-05T00:00:00Z")
        );
        assert_eq!(
            from_url("https://x.com/news/2026-02-05-aws").as_deref(),
            Some("2026-02-05T00:00:00Z")
        );
        assert_eq!(
            from_url("https://x.com/a/20260205/b").as_deref(),
            Some("2026-02-05T00:00:00Z")
        );
        assert_eq!(from_url("https://x.com/2026/aws"), None);
        assert_eq!(from_url("https://x.com/item/12345678"), None);
    }
}
