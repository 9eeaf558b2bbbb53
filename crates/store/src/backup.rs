//! A consistent copy of the store, taken while an ingest may be writing it.
//!
//! SQLite's online backup API copies the database page by page. Asked for every page
//! in one step, the copy is made inside one read transaction: a snapshot of the last
//! commit, taken without blocking the writer (in WAL mode one writer and any readers
//! run side by side). Copying a few pages per step would let each of the writer's
//! commits restart the copy, possibly for ever during a long ingest.
//!
//! The copy is written to `DEST.partial`, switched to rollback-journal mode (one
//! self-contained file), checked with `PRAGMA quick_check`, and only then renamed to
//! `DEST`: a `DEST` that exists is always a whole, checked database.
//!
//! Restoring is copying the file back as `DATA/factwire.sqlite` (with no `-wal` or
//! `-shm` file beside it) and running `factwire reindex`: the index is derived and is
//! not part of a backup; its generation differs from the one the copy recorded, so
//! the next ingest would rebuild it anyway.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};

use crate::store::BUSY_TIMEOUT;
use crate::{Error, Result, Store};

/// What [`Store::backup_to`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupInfo {
    /// Articles in the copy.
    pub articles: u64,
    /// Size of the copy in bytes.
    pub bytes: u64,
}

impl Store {
    /// Copies the database to `dest`, which must not exist (see the module docs).
    pub fn backup_to(&self, dest: &Path) -> Result<BackupInfo> {
        if dest.symlink_metadata().is_ok() {
            return Err(Error::BackupExists {
                path: dest.to_path_buf(),
            });
        }
        let partial = partial_path(dest);
        let failed = |source| Error::Backup {
            path: dest.to_path_buf(),
            source,
        };
        // A partial file is what an interrupted earlier backup left.
        let _ = std::fs::remove_file(&partial);
        let result = copy_into(self.connection(), &partial).map_err(failed);
        let articles = match result {
            Ok(n) => n,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
        std::fs::rename(&partial, dest).map_err(|source| Error::Io {
            path: dest.to_path_buf(),
            source,
        })?;
        let bytes = std::fs::metadata(dest).map_or(0, |m| m.len());
        Ok(BackupInfo { articles, bytes })
    }
}

/// `DEST.partial`, beside `dest`.
fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    dest.with_file_name(name)
}

/// Copies every page of `from` into a new database at `path` in one step, makes it a
/// self-contained file and checks it; returns its article count.
fn copy_into(from: &Connection, path: &Path) -> rusqlite::Result<u64> {
    let mut to = Connection::open(path)?;
    {
        let backup = Backup::new(from, &mut to)?;
        let started = Instant::now();
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                // Another connection holds a lock the copy needs: wait a little.
                _ if started.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => {
                    return Err(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                        Some("the database stayed locked".into()),
                    ));
                }
            }
        }
    }
    let mode: String = to.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(rusqlite::Error::InvalidQuery);
    }
    let check: String = to.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            Some(format!("the copy fails its check: {check}")),
        ));
    }
    let articles: i64 = to.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
    Ok(u64::try_from(articles).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_copies_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        let mut s = Store::open(&path).unwrap();
        s.put_article(&crate::NewArticle::new(
            "https://a.example/1",
            factwire_core::ArticleRecord {
                text: "AWS grew 24%.".into(),
                ..Default::default()
            },
            "2026-02-05T21:04:00Z",
        ))
        .unwrap();
        let dest = dir.path().join("copy.sqlite");
        let info = s.backup_to(&dest).unwrap();
        assert_eq!(info.articles, 1);
        assert!(info.bytes > 0);
        assert!(!partial_path(&dest).exists());
        let copy = Store::open(&dest).unwrap();
        assert_eq!(copy.article_count().unwrap(), 1);
        let err = s.backup_to(&dest).unwrap_err();
        assert!(matches!(err, Error::BackupExists { .. }), "{err}");
    }
}
