//! Opening an index safely, and telling whether it is whole.
//!
//! Three concerns live here, each small:
//!
//! - **What a directory holds** ([`inspect`]): nothing, a factwire index (of which
//!   schema version), or somebody else's files (never wiped).
//! - **Reading without writing** ([`ReadOnlyDir`]): tantivy's reader takes a lock file
//!   in the index directory while it opens segments. On a read-only mount, or for a
//!   user who may read but not write, that file cannot be created or opened for
//!   writing; the wrapper then goes on without it (nothing can delete segments under a
//!   reader that cannot write, except a writer running as someone else, and a failed
//!   open is then a retryable error, not a wrong answer). Every write is refused.
//! - **Damage as data** ([`guarded`], [`Index::health`]): tantivy trusts its files and
//!   may panic on a corrupt one. Every entry point that reads segments runs inside
//!   [`guarded`], which turns a panic or a corruption error into [`Error::Damaged`]
//!   naming the file (found by checksum when tantivy did not say). [`Index::health`]
//!   checks every file's checksum and lists the (id, version) pairs the index holds, so
//!   `factwire check` can compare them with the store.
//!
//! A generation id (a file beside the schema version) is written whenever an index is
//! created; the store remembers the generation it indexed into, so an index that was
//! lost, rebuilt by someone else or copied in from elsewhere is recognised as not the
//! one the store's "indexed" marks refer to.

use std::collections::HashSet;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::{Index as TantivyIndex, TantivyError};

use crate::schema::{GENERATION_FILE, VERSION_FILE};
use crate::{Error, Index, Result};

/// What [`inspect`] found in a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    /// Missing, or empty but for tantivy's lock files.
    Empty,
    /// Files, but neither a `meta.json` nor a schema version file: not ours.
    Foreign,
    /// A factwire index; its schema version (`None` when the file is unreadable).
    Index { version: Option<u32> },
}

/// How an index is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// By the holder of the ingest lock: may write.
    Write,
    /// By anyone: writes nothing.
    Read,
}

/// Looks at `dir` without changing it.
pub(crate) fn inspect(dir: &Path) -> Result<Found> {
    let io = |path: &Path, source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Found::Empty),
        Err(e) => return Err(io(dir, e)),
    };
    let (mut any, mut meta) = (false, false);
    for entry in entries {
        let name = entry.map_err(|e| io(dir, e))?.file_name();
        let name = name.to_string_lossy();
        // tantivy's own lock files may outlive a killed writer; they do not count.
        if name.starts_with(".tantivy") {
            continue;
        }
        any = true;
        meta |= name == "meta.json";
    }
    let version_path = dir.join(VERSION_FILE);
    let version = match std::fs::read_to_string(&version_path) {
        Ok(v) => Some(v.trim().parse::<u32>().ok()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(&version_path, e)),
    };
    Ok(match (any, meta, version) {
        (false, ..) => Found::Empty,
        (true, false, None) => Found::Foreign,
        (true, _, version) => Found::Index {
            version: version.flatten(),
        },
    })
}

/// A new generation id: the time in nanoseconds, the process id and a counter, in hex.
/// Unique enough to tell two indexes apart; not a secret.
pub(crate) fn new_generation() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{nanos:x}-{:x}-{n:x}", std::process::id())
}

/// The generation id in `dir`, if it has one.
pub(crate) fn read_generation(dir: &Path) -> Result<Option<String>> {
    let path = dir.join(GENERATION_FILE);
    match std::fs::read_to_string(&path) {
        Ok(g) => Ok(Some(g.trim().to_string()).filter(|g| !g.is_empty())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io { path, source }),
    }
}

/// Writes the generation id into `dir`.
pub(crate) fn write_generation(dir: &Path, generation: &str) -> Result<()> {
    let path = dir.join(GENERATION_FILE);
    std::fs::write(&path, format!("{generation}\n")).map_err(|source| Error::Io { path, source })
}

/// tantivy writes `meta.json` and `.managed.json` through temporary files, which are
/// private to their owner (mode 0600), so a user who may read the data dir could not
/// open the index. After each commit they get the permissions of the schema version
/// file, which was created like any other file (the umask decides).
pub(crate) fn share_metadata(dir: &Path) -> Result<()> {
    let version = dir.join(VERSION_FILE);
    let perms = std::fs::metadata(&version)
        .map_err(|source| Error::Io {
            path: version,
            source,
        })?
        .permissions();
    for name in ["meta.json", ".managed.json"] {
        let path = dir.join(name);
        match std::fs::set_permissions(&path, perms.clone()) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(Error::Io { path, source: e });
            }
            _ => {}
        }
    }
    Ok(())
}

/// Runs `f`, which reads the index in `dir`, so that damage is an error and never a
/// panic: a panic inside tantivy, or one of its corruption errors, becomes
/// [`Error::Damaged`] naming the broken file; a permission problem stays an
/// [`Error::Io`] that says so.
pub(crate) fn guarded<T>(dir: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let err = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(value)) => return Ok(value),
        Ok(Err(Error::Tantivy(e))) => classify(dir, e),
        Ok(Err(other)) => other,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown failure".into());
            Error::Damaged {
                path: dir.to_path_buf(),
                detail: format!("reading it failed ({what})"),
            }
        }
    };
    Err(match err {
        Error::Damaged { path, detail } if path == dir => locate(dir, detail),
        other => other,
    })
}

/// Sorts a tantivy error: unreadable for lack of permission, damaged (with the file
/// when tantivy names it), or something else.
fn classify(dir: &Path, e: TantivyError) -> Error {
    let damaged = |path: PathBuf, detail: String| Error::Damaged {
        path: if path.as_os_str().is_empty() {
            dir.to_path_buf()
        } else {
            dir.join(path)
        },
        detail,
    };
    let io_error = |path: PathBuf, e: &io::Error| {
        if e.kind() == io::ErrorKind::PermissionDenied {
            Error::Io {
                path: dir.join(path),
                source: io::Error::new(e.kind(), e.to_string()),
            }
        } else {
            damaged(path, e.to_string())
        }
    };
    match e {
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(p)) => {
            damaged(p, "the file is missing".into())
        }
        TantivyError::OpenReadError(OpenReadError::IoError {
            io_error: e,
            filepath,
        }) => io_error(filepath, &e),
        TantivyError::OpenReadError(OpenReadError::IncompatibleIndex(i)) => {
            damaged(PathBuf::new(), format!("{i:?}"))
        }
        TantivyError::OpenDirectoryError(OpenDirectoryError::IoError { io_error: e, .. })
        | TantivyError::IoError(e) => io_error(PathBuf::new(), &e),
        TantivyError::DataCorruption(c) => damaged(PathBuf::new(), format!("{c:?}")),
        TantivyError::LockFailure(..) => Error::Locked,
        TantivyError::SchemaError(m) | TantivyError::FieldNotFound(m) => {
            damaged(PathBuf::from("meta.json"), m)
        }
        other => Error::Tantivy(other),
    }
}

/// Names the file to blame for damage found in `dir`: the first whose checksum fails
/// or that is missing, if any.
fn locate(dir: &Path, detail: String) -> Error {
    let bad = TantivyIndex::open(match ReadOnlyDir::open(dir) {
        Ok(d) => d,
        Err(_) => {
            return Error::Damaged {
                path: dir.to_path_buf(),
                detail,
            };
        }
    })
    .ok()
    .and_then(|ix| catch_unwind(AssertUnwindSafe(|| bad_files(&ix))).ok()?.ok());
    match bad.as_deref() {
        Some([first, rest @ ..]) => Error::Damaged {
            path: dir.join(&first.path),
            detail: match rest.len() {
                0 => format!("{}; {detail}", first.problem),
                n => format!("{} (and {n} more files); {detail}", first.problem),
            },
        },
        _ => Error::Damaged {
            path: dir.to_path_buf(),
            detail,
        },
    }
}

/// A file of the index that is not whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadFile {
    /// The file, relative to the index directory.
    pub path: PathBuf,
    /// `missing`, or `checksum mismatch`, or why it cannot be read.
    pub problem: String,
}

/// Every file of the committed segments that is missing or fails its checksum.
fn bad_files(index: &TantivyIndex) -> Result<Vec<BadFile>> {
    let metas = index.load_metas()?;
    let managed = index.directory().list_managed_files();
    let wanted: HashSet<PathBuf> = metas.list_segment_files();
    let mut files: Vec<&PathBuf> = wanted.intersection(&managed).collect();
    files.sort();
    let mut bad = Vec::new();
    for path in files {
        let problem = match index.directory().validate_checksum(path) {
            Ok(true) => continue,
            Ok(false) => "checksum mismatch".to_string(),
            Err(OpenReadError::FileDoesNotExist(_)) => "missing".to_string(),
            Err(e) => e.to_string(),
        };
        bad.push(BadFile {
            path: path.clone(),
            problem,
        });
    }
    Ok(bad)
}

/// One indexed document: its store id and the article version it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct IndexedDoc {
    /// Store id.
    pub id: i64,
    /// Article version.
    pub version: i64,
}

/// What [`Index::health`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// Files missing or failing their checksum (empty when the index is whole).
    pub bad_files: Vec<BadFile>,
    /// The live documents, by id (empty when files are bad: they cannot be trusted).
    pub docs: Vec<IndexedDoc>,
}

impl Index {
    /// Verifies every file of the index against its checksum, then lists the live
    /// documents' ids and versions. Reads the whole index: for `factwire check`, not
    /// for every search. A panic inside tantivy is reported as [`Error::Damaged`].
    pub fn health(&self) -> Result<Health> {
        self.health_of(true)
    }

    /// The files of the index that are missing or fail their checksum (empty: whole).
    /// Reads the whole index once.
    pub fn verify(&self) -> Result<Vec<BadFile>> {
        Ok(self.health_of(false)?.bad_files)
    }

    fn health_of(&self, with_docs: bool) -> Result<Health> {
        guarded(&self.dir, || {
            let bad = bad_files(&self.index)?;
            let docs = if bad.is_empty() && with_docs {
                self.indexed_docs()?
            } else {
                Vec::new()
            };
            Ok(Health {
                bad_files: bad,
                docs,
            })
        })
    }

    /// The (id, version) of every live document, by id, from the fast columns.
    fn indexed_docs(&self) -> Result<Vec<IndexedDoc>> {
        self.reader.reload()?;
        let searcher = self.reader.searcher();
        let names = (
            self.schema.get_field_name(self.fields.id),
            self.schema.get_field_name(self.fields.version),
        );
        let mut out = Vec::with_capacity(usize::try_from(searcher.num_docs()).unwrap_or(0));
        for reader in searcher.segment_readers() {
            let ids = reader.fast_fields().u64(names.0)?;
            let versions = reader.fast_fields().u64(names.1)?;
            for doc in reader.doc_ids_alive() {
                let (Some(id), Some(version)) = (ids.first(doc), versions.first(doc)) else {
                    continue;
                };
                out.push(IndexedDoc {
                    id: i64::try_from(id).unwrap_or(i64::MAX),
                    version: i64::try_from(version).unwrap_or(i64::MAX),
                });
            }
        }
        out.sort_unstable();
        Ok(out)
    }
}

/// A directory tantivy may read but never write (see the module docs).
#[derive(Debug, Clone)]
pub(crate) struct ReadOnlyDir {
    inner: MmapDirectory,
}

impl ReadOnlyDir {
    pub(crate) fn open(dir: &Path) -> Result<ReadOnlyDir> {
        let inner = MmapDirectory::open(dir).map_err(TantivyError::from)?;
        Ok(ReadOnlyDir { inner })
    }
}

fn refused(path: &Path) -> Arc<io::Error> {
    Arc::new(io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("{}: the index is open read-only", path.display()),
    ))
}

impl Directory for ReadOnlyDir {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> std::result::Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> std::result::Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: refused(path),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> std::result::Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> std::result::Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: refused(path),
            filepath: path.to_path_buf(),
        })
    }

    fn atomic_read(&self, path: &Path) -> std::result::Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{}: the index is open read-only", path.display()),
        ))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> std::result::Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(e))
                if matches!(
                    e.kind(),
                    io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
                ) =>
            {
                // Cannot take the lock file, so cannot write either: go on without it.
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(callback)
    }
}
