//! The layout of `--data-dir`, defined in one place.
//!
//! ```text
//! DIR/factwire.sqlite   the store (source of truth), with -wal and -shm beside it
//! DIR/index/            the tantivy index, derived and rebuildable
//! DIR/ingest.lock       the advisory run lock (holds the pid of the running ingest)
//! ```

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The data directory and the paths inside it.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// A data directory at `root` (not created yet).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The SQLite store.
    pub fn store_path(&self) -> PathBuf {
        self.root.join("factwire.sqlite")
    }

    /// The tantivy index directory.
    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }

    /// The run lock file.
    pub fn lock_path(&self) -> PathBuf {
        self.root.join("ingest.lock")
    }

    /// Whether a store exists here.
    pub fn exists(&self) -> bool {
        self.store_path().is_file()
    }

    /// Creates the directory if needed.
    pub fn create(&self) -> Result<()> {
        std::fs::create_dir_all(&self.root).map_err(|source| Error::DataDir {
            path: self.root.clone(),
            source,
        })
    }

    /// Takes the run lock, or fails at once with [`Error::AlreadyRunning`].
    ///
    /// The lock is an advisory OS file lock, so a killed run releases it with its
    /// process: a stale lock file never blocks the next run.
    pub fn lock(&self) -> Result<RunLock> {
        self.create()?;
        let path = self.lock_path();
        let io = |source| Error::DataDir {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(Error::AlreadyRunning {
                    lock_path: describe_holder(&mut file, &path),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(RunLock { _file: file })
    }
}

impl DataDir {
    /// Whether an ingest (or reindex, or repair) holds the run lock right now. Looks
    /// without taking the lock for long and without writing, so it works for a user
    /// who may only read; a lock file that cannot be opened counts as not held.
    pub fn ingest_running(&self) -> bool {
        let Ok(file) = File::open(self.lock_path()) else {
            return false;
        };
        matches!(file.try_lock_shared(), Err(TryLockError::WouldBlock))
    }
}

fn describe_holder(file: &mut File, path: &Path) -> PathBuf {
    let mut pid = String::new();
    let _ = file.read_to_string(&mut pid);
    let pid = pid.trim();
    if pid.is_empty() {
        path.to_path_buf()
    } else {
        PathBuf::from(format!("{} (pid {pid})", path.display()))
    }
}

/// The held run lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_is_refused_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let dd = DataDir::new(dir.path().join("d"));
        let first = dd.lock().unwrap();
        match dd.lock() {
            Err(Error::AlreadyRunning { lock_path }) => {
                assert!(lock_path.display().to_string().contains("ingest.lock"));
                assert!(lock_path.display().to_string().contains("pid"));
            }
            other => panic!("expected AlreadyRunning, got {other:?}"),
        }
        assert!(dd.ingest_running());
        drop(first);
        assert!(!dd.ingest_running());
        assert!(dd.lock().is_ok());
    }
}
