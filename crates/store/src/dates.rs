//! Date bounds for `since`/`until` filters.
//!
//! Stored `published` values are RFC 3339 strings; SQLite's `julianday()` understands
//! them (including a `Z` or `±HH:MM` suffix), so filters compare Julian days and are
//! correct across time zones. A bare date `YYYY-MM-DD` means the whole day: as `since`
//! it starts at 00:00 UTC, as `until` it runs to the end of the day.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::{Error, Result};

/// A validated bound, rendered as an RFC 3339 UTC instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bound(pub String);

/// `since`: the first instant included.
pub(crate) fn since_bound(value: &str) -> Result<Bound> {
    let v = value.trim();
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Ok(Bound(format!("{d}T00:00:00Z")));
    }
    rfc3339(value)
}

/// `until`: the last instant included (a bare date includes its whole day).
pub(crate) fn until_bound(value: &str) -> Result<Bound> {
    let v = value.trim();
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Ok(Bound(format!("{d}T23:59:59.999Z")));
    }
    rfc3339(value)
}

fn rfc3339(value: &str) -> Result<Bound> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| {
            Bound(
                t.with_timezone(&Utc)
                    .to_rfc3339_opts(SecondsFormat::Millis, true),
            )
        })
        .map_err(|_| Error::InvalidDate {
            value: value.to_string(),
        })
}

/// Now, as RFC 3339 UTC with second precision.
pub(crate) fn now_rfc3339() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Now, in Unix seconds.
pub(crate) fn now_unix() -> i64 {
    Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_dates_cover_whole_days() {
        assert_eq!(since_bound("2026-02-05").unwrap().0, "2026-02-05T00:00:00Z");
        assert_eq!(
            until_bound("2026-02-05").unwrap().0,
            "2026-02-05T23:59:59.999Z"
        );
    }

    #[test]
    fn rfc3339_is_converted_to_utc() {
        assert_eq!(
            since_bound("2026-02-05T10:00:00+02:00").unwrap().0,
            "2026-02-05T08:00:00.000Z"
        );
    }

    #[test]
    fn garbage_is_an_error() {
        for bad in ["yesterday", "2026-13-01", "", "2026-02-05T25:00:00Z"] {
            assert!(
                matches!(since_bound(bad), Err(Error::InvalidDate { .. })),
                "{bad}"
            );
        }
    }
}
