//! `factwire check`: is the data directory whole, and do the store and index agree?
//!
//! Three questions, asked in order, each answered with problems that say what is
//! wrong and the command that fixes it:
//!
//! 1. **The store**: `PRAGMA quick_check`. A damaged store cannot be repaired here (it
//!    is the source of truth); its problem names the way back (a backup, or SQLite's
//!    `.recover`).
//! 2. **The index**: present, of this schema version, every file whole (checksums),
//!    and of the generation the store indexed into. Any of these wrong: rebuild it.
//! 3. **Agreement**: every article the store marks indexed is in the index at that
//!    version, and the index holds nothing else (merge-joined by id, linear). These
//!    are repaired in place: the articles are marked unindexed and indexed again,
//!    strays are deleted.
//!
//! Articles the store has not marked indexed yet are not a problem: the next ingest
//! indexes them. While an ingest runs the agreement is not checked (it would see the
//! ingest's work half-done); [`repair`] takes the run lock, so it never runs beside one.

use factwire_index::{Index, IndexedDoc};
use factwire_store::{IndexedState, Store};
use serde::Serialize;

use crate::ingest::{rebuild, sync_index};
use crate::{DataDir, Error, Progress, Result};

/// At most this many ids are listed in one problem (the count is always exact).
const IDS_SHOWN: usize = 10;

/// What part of the data directory a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// The SQLite store.
    Store,
    /// The tantivy index.
    Index,
    /// Store and index disagree.
    Agreement,
}

/// One thing wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Where.
    pub area: Area,
    /// What is wrong, naming the file or the article ids.
    pub problem: String,
    /// The command (or steps) that fix it.
    pub fix: String,
    /// Whether `factwire check --repair` fixes it.
    pub repairable: bool,
}

/// What [`check`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// Articles in the store (`None` when it could not be read).
    pub articles: Option<u64>,
    /// Documents in the index (`None` when it could not be read).
    pub indexed: Option<u64>,
    /// Articles waiting to be indexed by the next ingest (not a problem).
    pub pending: u64,
    /// Everything wrong; empty when the data directory is healthy.
    pub problems: Vec<Problem>,
    /// Remarks that are not problems (what was not checked, and why).
    pub notes: Vec<String>,
}

impl CheckReport {
    /// Whether nothing is wrong.
    pub fn healthy(&self) -> bool {
        self.problems.is_empty()
    }

    fn add(&mut self, area: Area, problem: String, fix: &str, repairable: bool) {
        self.problems.push(Problem {
            area,
            problem,
            fix: fix.to_string(),
            repairable,
        });
    }

    fn needs_rebuild(&self) -> bool {
        self.problems
            .iter()
            .any(|p| p.area == Area::Index && p.repairable)
    }
}

/// What [`repair`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepairReport {
    /// The check before repairing.
    pub before: CheckReport,
    /// What was done, one line each.
    pub actions: Vec<String>,
    /// The check after repairing (with the lock held, so agreement is exact).
    pub after: CheckReport,
}

const REINDEX: &str = "factwire reindex";
const REPAIR: &str = "factwire check --repair";

/// Checks the data directory, writing nothing (it works on a read-only one).
pub fn check(dd: &DataDir) -> Result<CheckReport> {
    let Some(store) = open_store(dd, false)? else {
        return Ok(damaged_store_report(dd));
    };
    Ok(inspect_with(dd, &store, dd.ingest_running())?.0)
}

/// Checks with the run lock held, then fixes what can be fixed: a missing, stale,
/// damaged or foreign-generation index is rebuilt; disagreeing articles are marked
/// unindexed and indexed again, stray documents deleted. A damaged store is left
/// alone (its problem says how to restore it).
pub fn repair(dd: &DataDir, progress: &mut dyn FnMut(&Progress)) -> Result<RepairReport> {
    let _lock = dd.lock()?;
    let Some(mut store) = open_store(dd, true)? else {
        let report = damaged_store_report(dd);
        return Ok(RepairReport {
            before: report.clone(),
            actions: Vec::new(),
            after: report,
        });
    };
    let (before, disagreeing) = inspect_with(dd, &store, false)?;
    let mut actions = Vec::new();
    let store_ok = !before.problems.iter().any(|p| p.area == Area::Store);
    if store_ok && before.needs_rebuild() {
        let n = rebuild(dd, &mut store, progress)?;
        actions.push(format!("rebuilt the index from the store ({n} articles)"));
    } else if store_ok && !disagreeing.is_empty() {
        let n = realign(dd, &mut store, &disagreeing, progress)?;
        actions.push(format!(
            "re-indexed {n} articles the index lacked or held at another version, \
             deleted {} stray documents",
            disagreeing.strays.len()
        ));
    }
    let (after, _) = inspect_with(dd, &store, false)?;
    Ok(RepairReport {
        before,
        actions,
        after,
    })
}

/// The store (writable for `write`), or `None` when it is too damaged to open.
fn open_store(dd: &DataDir, write: bool) -> Result<Option<Store>> {
    let path = dd.store_path();
    let opened = if write {
        Store::open(&path)
    } else {
        Store::open_for_reading(&path)
    };
    match opened {
        Ok(s) => Ok(Some(s)),
        Err(factwire_store::Error::Damaged { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn damaged_store_report(dd: &DataDir) -> CheckReport {
    let mut report = CheckReport::default();
    let err = Store::open_for_reading(&dd.store_path())
        .err()
        .map_or_else(|| "cannot be opened".to_string(), |e| e.to_string());
    report.add(Area::Store, err, &recovery(dd), false);
    report
}

/// How to get a damaged store back.
fn recovery(dd: &DataDir) -> String {
    let p = dd.store_path();
    let p = p.display();
    format!(
        "restore a backup (`cp BACKUP {p}`, then `{REINDEX}`), or recover what SQLite can \
         still read (`sqlite3 {p} .recover | sqlite3 recovered.sqlite`, move \
         recovered.sqlite to {p}, then `{REINDEX}`)"
    )
}

/// The check itself; also returns what disagrees (for [`repair`]). With
/// `skip_agreement` the store and index are checked but not compared.
fn inspect_with(
    dd: &DataDir,
    store: &Store,
    skip_agreement: bool,
) -> Result<(CheckReport, Disagreement)> {
    let mut report = CheckReport::default();
    // Read the store's marks before the index: an article marked indexed was in a
    // committed index before the mark was written, so it must be there now.
    let read = store.check().and_then(|c| {
        let states = store.indexed_states()?;
        Ok((c, states))
    });
    let (store_check, states) = match read {
        Ok(read) => read,
        Err(e @ factwire_store::Error::Damaged { .. }) => {
            report.add(Area::Store, e.to_string(), &recovery(dd), false);
            return Ok((report, Disagreement::default()));
        }
        Err(e) => return Err(e.into()),
    };
    report.articles = Some(states.len() as u64);
    let count = store_check.problems.len();
    for p in store_check.problems.iter().take(IDS_SHOWN) {
        report.add(
            Area::Store,
            format!("quick_check: {p}"),
            &recovery(dd),
            false,
        );
    }
    if count > IDS_SHOWN {
        report.notes.push(format!(
            "quick_check reported {} more problems",
            count - IDS_SHOWN
        ));
    }
    let Some(docs) = check_index(dd, store, &mut report)? else {
        return Ok((report, Disagreement::default()));
    };
    report.indexed = Some(docs.len() as u64);
    if skip_agreement || !report.problems.is_empty() {
        if skip_agreement {
            report.notes.push(
                "an ingest is running: store and index agreement was not checked (run \
                 check again when it has finished)"
                    .into(),
            );
        }
        return Ok((report, Disagreement::default()));
    }
    let d = compare(&states, &docs);
    report.pending = d.pending;
    d.report(&mut report);
    Ok((report, d))
}

/// Checks the index; returns its documents when it is whole and the store's.
fn check_index(
    dd: &DataDir,
    store: &Store,
    report: &mut CheckReport,
) -> Result<Option<Vec<IndexedDoc>>> {
    let index = match Index::open_read(&dd.index_dir()) {
        Ok(index) => index,
        Err(
            e @ (factwire_index::Error::Missing { .. }
            | factwire_index::Error::Stale { .. }
            | factwire_index::Error::Damaged { .. }),
        ) => {
            report.add(Area::Index, e.to_string(), REINDEX, true);
            return Ok(None);
        }
        Err(e @ factwire_index::Error::NotAnIndex { .. }) => {
            let fix = format!(
                "move those files away, then `{REINDEX}` (factwire never deletes files it did \
                 not write)"
            );
            report.add(Area::Index, e.to_string(), &fix, false);
            return Ok(None);
        }
        Err(e) => return Err(Error::Index(e)),
    };
    let health = match index.health() {
        Ok(h) => h,
        Err(e @ factwire_index::Error::Damaged { .. }) => {
            report.add(Area::Index, e.to_string(), REINDEX, true);
            return Ok(None);
        }
        Err(e) => return Err(Error::Index(e)),
    };
    for bad in &health.bad_files {
        let path = dd.index_dir().join(&bad.path);
        report.add(
            Area::Index,
            format!("{}: {}", path.display(), bad.problem),
            REINDEX,
            true,
        );
    }
    if !health.bad_files.is_empty() {
        return Ok(None);
    }
    if let Some(recorded) = store.index_generation()?
        && index.generation() != Some(recorded.as_str())
    {
        report.add(
            Area::Index,
            format!(
                "the index in {} is not the one the store indexed into (generation {}, \
                 the store's is {recorded})",
                dd.index_dir().display(),
                index.generation().unwrap_or("unknown")
            ),
            REINDEX,
            true,
        );
        return Ok(None);
    }
    Ok(Some(health.docs))
}

/// Where store and index disagree, by article id.
#[derive(Debug, Default)]
struct Disagreement {
    /// Marked indexed, but not in the index.
    missing: Vec<i64>,
    /// Marked indexed at one version, the index holds another.
    wrong_version: Vec<i64>,
    /// In the index more than once.
    doubled: Vec<i64>,
    /// In the index, not in the store.
    strays: Vec<i64>,
    /// Not marked indexed yet (the next ingest indexes them).
    pending: u64,
}

impl Disagreement {
    fn is_empty(&self) -> bool {
        self.missing.is_empty()
            && self.wrong_version.is_empty()
            && self.doubled.is_empty()
            && self.strays.is_empty()
    }

    fn report(&self, report: &mut CheckReport) {
        let lists = [
            (
                &self.missing,
                "marked indexed in the store but missing from the index",
            ),
            (
                &self.wrong_version,
                "in the index at another version than the store recorded",
            ),
            (&self.doubled, "in the index more than once"),
            (&self.strays, "in the index but not in the store"),
        ];
        for (ids, what) in lists {
            if !ids.is_empty() {
                report.add(
                    Area::Agreement,
                    format!("{} {what}: {}", articles(ids.len()), id_list(ids)),
                    REPAIR,
                    true,
                );
            }
        }
    }
}

fn articles(n: usize) -> String {
    if n == 1 {
        "1 article".into()
    } else {
        format!("{n} articles")
    }
}

/// `#3, #7, … (and 12 more)`.
fn id_list(ids: &[i64]) -> String {
    let mut s: Vec<String> = ids
        .iter()
        .take(IDS_SHOWN)
        .map(|id| format!("#{id}"))
        .collect();
    if ids.len() > IDS_SHOWN {
        s.push(format!("and {} more", ids.len() - IDS_SHOWN));
    }
    s.join(", ")
}

/// Merge-joins the store's marks (by id) with the index's documents (by id).
fn compare(states: &[IndexedState], docs: &[IndexedDoc]) -> Disagreement {
    let mut d = Disagreement::default();
    let mut j = 0;
    for s in states {
        while j < docs.len() && docs[j].id < s.id {
            d.strays.push(docs[j].id);
            j += 1;
        }
        let start = j;
        while j < docs.len() && docs[j].id == s.id {
            j += 1;
        }
        let held = &docs[start..j];
        if held.len() > 1 {
            d.doubled.push(s.id);
            continue;
        }
        let marked = s.indexed_version == s.version && s.version > 0;
        match (held.first(), marked) {
            (_, false) => d.pending += 1,
            (None, true) => d.missing.push(s.id),
            (Some(doc), true) if doc.version != s.version => d.wrong_version.push(s.id),
            (Some(_), true) => {}
        }
    }
    d.strays.extend(docs[j..].iter().map(|doc| doc.id));
    d.strays.dedup();
    d
}

/// Marks the disagreeing articles unindexed, deletes strays and doubles, and indexes
/// them again; returns how many were indexed.
fn realign(
    dd: &DataDir,
    store: &mut Store,
    d: &Disagreement,
    progress: &mut dyn FnMut(&Progress),
) -> Result<u64> {
    let mut redo: Vec<i64> = d.missing.clone();
    redo.extend(&d.wrong_version);
    redo.extend(&d.doubled);
    store.mark_unindexed(&redo)?;
    let (index, _) = Index::open(&dd.index_dir())?;
    let mut writer = index.writer()?;
    for &id in d.strays.iter().chain(&d.doubled) {
        writer.delete(id)?;
    }
    writer.commit()?;
    sync_index(store, &index, progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(id: i64, version: i64, indexed_version: i64) -> IndexedState {
        IndexedState {
            id,
            version,
            indexed_version,
        }
    }

    fn doc(id: i64, version: i64) -> IndexedDoc {
        IndexedDoc { id, version }
    }

    #[test]
    fn compare_sorts_every_kind_of_disagreement() {
        let states = [
            st(1, 1, 1), // fine
            st(2, 1, 1), // missing
            st(3, 2, 2), // index holds version 1
            st(4, 2, 1), // pending (index holds the old version: fine)
            st(5, 1, 0), // pending, not in the index
            st(7, 1, 1), // doubled
        ];
        let docs = [
            doc(1, 1),
            doc(3, 1),
            doc(4, 1),
            doc(6, 1),
            doc(7, 1),
            doc(7, 1),
            doc(9, 1),
        ];
        let d = compare(&states, &docs);
        assert_eq!(d.missing, [2]);
        assert_eq!(d.wrong_version, [3]);
        assert_eq!(d.doubled, [7]);
        assert_eq!(d.strays, [6, 9]);
        assert_eq!(d.pending, 2);
    }

    #[test]
    fn long_id_lists_are_cut_but_counted() {
        let ids: Vec<i64> = (1..=12).collect();
        assert_eq!(
            id_list(&ids),
            "#1, #2, #3, #4, #5, #6, #7, #8, #9, #10, and 2 more"
        );
    }
}
