//! Near-duplicate detection at ingest: which stored article is a new one a copy of?
//!
//! Every stored article carries a 64-bit SimHash of its text
//! ([`factwire_core::fingerprint`]). A run loads them all once (8 bytes an article:
//! 100,000 articles are under a megabyte) and compares each new article against every
//! fingerprint with one XOR and a popcount, which costs microseconds even at that size,
//! so per-article cost stays flat as the store grows. A match within
//! [`NEAR_DUPLICATE_BITS`] links the new article to the group's *original*:
//!
//! - groups are flat: a copy always points at the original, never at another copy;
//! - the original is the earliest published member; an article published before the
//!   current original takes its place and the whole group is re-pointed at it
//!   ([`Store::reroot_duplicates`]); undated articles never displace a dated one.
//!
//! The link is written in the same transaction as the article itself, so a run killed
//! in between cannot leave a copy stored without it.

use chrono::{DateTime, Utc};
use factwire_core::fingerprint::{NEAR_DUPLICATE_BITS, distance};
use factwire_store::{FingerprintRow, Store};

use crate::Result;

/// The fingerprints of every stored article, kept current through a run.
#[derive(Debug, Default)]
pub(crate) struct NearDuplicates {
    rows: Vec<FingerprintRow>,
}

/// What [`NearDuplicates::original_for`] decided for a new article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    /// Not a copy of anything stored.
    None,
    /// A copy of this original.
    CopyOf(i64),
    /// A copy of this group, but published earlier than its original: once stored it
    /// becomes the original of the group whose original is this id.
    Replaces(i64),
}

impl NearDuplicates {
    /// Loads every stored fingerprint.
    pub(crate) fn load(store: &Store) -> Result<NearDuplicates> {
        Ok(NearDuplicates {
            rows: store.fingerprints()?,
        })
    }

    fn row(&self, id: i64) -> Option<&FingerprintRow> {
        self.rows
            .binary_search_by_key(&id, |r| r.id)
            .ok()
            .map(|i| &self.rows[i])
    }

    /// Decides how an article with this fingerprint relates to those stored; `id` is
    /// its own id when it is already stored (an update), so it does not match itself.
    pub(crate) fn original_for(
        &self,
        id: Option<i64>,
        fingerprint: u64,
        published: Option<&str>,
    ) -> Link {
        let best = self
            .rows
            .iter()
            .filter(|r| Some(r.id) != id)
            .map(|r| (distance(r.fingerprint, fingerprint), r))
            .filter(|(d, _)| *d <= NEAR_DUPLICATE_BITS)
            .min_by_key(|(d, r)| (*d, r.id));
        let Some((_, hit)) = best else {
            return Link::None;
        };
        let original = hit
            .duplicate_of
            .and_then(|o| self.row(o))
            .map_or(hit.id, |r| r.id);
        if Some(original) == id {
            return Link::None;
        }
        let theirs = self
            .row(original)
            .and_then(|r| r.published.as_deref())
            .and_then(parse_time);
        match (published.and_then(parse_time), theirs) {
            (Some(ours), Some(theirs)) if ours < theirs => Link::Replaces(original),
            (Some(_), None) => Link::Replaces(original),
            _ => Link::CopyOf(original),
        }
    }

    /// Records a stored article (new or updated) and what it was linked to.
    pub(crate) fn stored(
        &mut self,
        id: i64,
        fingerprint: Option<u64>,
        published: Option<String>,
        link: Link,
    ) {
        if let Link::Replaces(old) = link {
            for r in &mut self.rows {
                if r.id == old || r.duplicate_of == Some(old) {
                    r.duplicate_of = Some(id);
                }
            }
        }
        let duplicate_of = match link {
            Link::CopyOf(o) => Some(o),
            _ => None,
        };
        match (self.rows.binary_search_by_key(&id, |r| r.id), fingerprint) {
            (Ok(i), Some(fingerprint)) => {
                self.rows[i] = FingerprintRow {
                    id,
                    fingerprint,
                    duplicate_of,
                    published,
                };
            }
            (Ok(i), None) => {
                self.rows.remove(i);
            }
            (Err(i), Some(fingerprint)) => self.rows.insert(
                i,
                FingerprintRow {
                    id,
                    fingerprint,
                    duplicate_of,
                    published,
                },
            ),
            (Err(_), None) => {}
        }
    }
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        id: i64,
        fingerprint: u64,
        duplicate_of: Option<i64>,
        published: &str,
    ) -> FingerprintRow {
        FingerprintRow {
            id,
            fingerprint,
            duplicate_of,
            published: Some(published.to_string()),
        }
    }

    fn set() -> NearDuplicates {
        NearDuplicates {
            rows: vec![
                row(1, 0, None, "2026-01-01T10:00:00Z"),
                row(2, 0b111, Some(1), "2026-01-01T12:00:00Z"),
                row(3, u64::MAX, None, "2026-01-02T10:00:00Z"),
            ],
        }
    }

    #[test]
    fn a_later_copy_points_at_the_original_not_at_a_copy() {
        let d = set();
        // Closest to the copy (id 2), but the link goes to its original.
        assert_eq!(
            d.original_for(None, 0b1111, Some("2026-01-03T00:00:00Z")),
            Link::CopyOf(1)
        );
        assert_eq!(d.original_for(None, u64::MAX ^ 1, None), Link::CopyOf(3));
        assert_eq!(d.original_for(None, 0xFFFF_FFFF, None), Link::None);
    }

    #[test]
    fn an_earlier_copy_becomes_the_original() {
        let mut d = set();
        let link = d.original_for(None, 1, Some("2025-12-31T00:00:00Z"));
        assert_eq!(link, Link::Replaces(1));
        d.stored(9, Some(1), Some("2025-12-31T00:00:00Z".into()), link);
        assert_eq!(d.row(1).unwrap().duplicate_of, Some(9));
        assert_eq!(d.row(2).unwrap().duplicate_of, Some(9));
        assert_eq!(d.row(9).unwrap().duplicate_of, None);
        assert_eq!(d.row(3).unwrap().duplicate_of, None);
    }

    #[test]
    fn an_update_does_not_match_itself() {
        let d = set();
        assert_eq!(d.original_for(Some(3), u64::MAX, None), Link::None);
        assert_eq!(
            d.original_for(Some(1), 0, None),
            Link::None,
            "its own copy is not its original"
        );
    }
}
