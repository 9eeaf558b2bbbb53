//! Opening a store that may not be written, checking it, and the index generation.
//!
//! - [`Store::open_for_reading`] is what read commands use: the normal open (which
//!   migrates), and when the file or its directory cannot be written (a read-only
//!   mount, a user who may only read), [`Store::open_read_only`]. A database in WAL
//!   mode needs its `-shm` file even to be read; where that cannot be created, SQLite's
//!   `immutable` mode reads the file as it is (nobody can be writing it then, or the
//!   `-shm` file would exist).
//! - [`Store::check`] runs `PRAGMA quick_check` (every page and index entry is
//!   well-formed; linear in the file size, unlike the full `integrity_check`).
//! - The index generation ([`Store::index_generation`]): the id of the index the
//!   `indexed_version` marks refer to, kept in the `meta` table (migration 0004).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::migrate::{SCHEMA_VERSION, user_version};
use crate::store::BUSY_TIMEOUT;
use crate::{Error, Result, Store};

/// The `meta` key of the index generation.
const GENERATION_KEY: &str = "index_generation";

/// What [`Store::check`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreCheck {
    /// The problems `PRAGMA quick_check` reported (empty when the database is whole).
    pub problems: Vec<String>,
}

/// One article's index bookkeeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexedState {
    /// Store id.
    pub id: i64,
    /// Current version.
    pub version: i64,
    /// The version the index is recorded to hold (0: none).
    pub indexed_version: i64,
}

impl Store {
    /// Opens the database for a read command: as [`Store::open`] does (migrating if
    /// needed) where it may be written, else read-only ([`Store::open_read_only`]). A
    /// file this user may not read is [`Error::Unreadable`] (permission denied), never
    /// mistaken for a missing store.
    pub fn open_for_reading(path: &Path) -> Result<Store> {
        readable(path)?;
        match Store::open(path) {
            Ok(store) => Ok(store),
            Err(e) if e.is_read_only() => Store::open_read_only(path),
            Err(e) => Err(e),
        }
    }

    /// Opens the database without writing anything (no migration, no WAL setup). The
    /// schema must be this build's: an older one is [`Error::ReadOnlyOutdated`].
    pub fn open_read_only(path: &Path) -> Result<Store> {
        readable(path)?;
        let conn = match connect_read_only(path, false) {
            Err(e) if e.is_read_only() => connect_read_only(path, true)?,
            other => other?,
        };
        let found = user_version(&conn)?;
        if found > SCHEMA_VERSION {
            return Err(Error::TooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found < SCHEMA_VERSION {
            return Err(Error::ReadOnlyOutdated {
                path: path.to_path_buf(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        Ok(Store { conn })
    }

    /// Whether the database can be written through this connection.
    pub fn is_read_only(&self) -> bool {
        self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true)
    }

    /// Runs `PRAGMA quick_check`. A file too damaged to be checked at all is
    /// [`Error::Damaged`].
    pub fn check(&self) -> Result<StoreCheck> {
        let mut stmt = self.conn.prepare("PRAGMA quick_check")?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(StoreCheck {
            problems: rows.into_iter().filter(|r| r != "ok").collect(),
        })
    }

    /// The generation of the index the store's "indexed" marks refer to, if any.
    pub fn index_generation(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [GENERATION_KEY],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Records that the marks refer to index generation `generation`. With
    /// `reset`, every article is marked unindexed in the same transaction (the index
    /// is new to the store: it holds none of them as far as the store knows).
    pub fn set_index_generation(&mut self, generation: &str, reset: bool) -> Result<()> {
        let tx = self.conn.transaction()?;
        if reset {
            tx.execute("UPDATE articles SET indexed_version = 0", [])?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![GENERATION_KEY, generation],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every article's id, version and indexed version, by id (what `check` compares
    /// with the index; 24 bytes an article).
    pub fn indexed_states(&self) -> Result<Vec<IndexedState>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, version, indexed_version FROM articles ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(IndexedState {
                    id: r.get(0)?,
                    version: r.get(1)?,
                    indexed_version: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Marks these articles unindexed, so the next index pass adds them again.
    pub fn mark_unindexed(&mut self, ids: &[i64]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare("UPDATE articles SET indexed_version = 0 WHERE id = ?1")?;
            for id in ids {
                stmt.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The connection, for the backup module.
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// Fails with [`Error::Unreadable`] when this user may not read the file (or search
/// its directory), so that is what the error says.
fn readable(path: &Path) -> Result<()> {
    match std::fs::File::open(path) {
        Ok(_) => Ok(()),
        Err(source) if source.kind() == std::io::ErrorKind::PermissionDenied => {
            Err(Error::Unreadable {
                path: path.to_path_buf(),
                source,
            })
        }
        // Missing and other errors: SQLite's open says what is wrong.
        Err(_) => Ok(()),
    }
}

/// A read-only connection; `immutable` also tells SQLite that nobody writes the
/// file, so it needs no `-shm` file (or lock) beside it.
fn connect_read_only(path: &Path, immutable: bool) -> Result<Connection> {
    let open_err = |source| Error::Open {
        path: path.to_path_buf(),
        source,
    };
    let uri = file_uri(path, immutable);
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&uri, flags).map_err(open_err)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
    // Opening is lazy: the first read shows whether the file can be read this way.
    match user_version(&conn) {
        Ok(_) => Ok(conn),
        Err(Error::Sqlite(source)) => Err(open_err(source)),
        Err(Error::Damaged { source, .. }) => Err(Error::Damaged {
            path: Some(path.to_path_buf()),
            source,
        }),
        Err(other) => Err(other),
    }
}

/// `file:` URI for `path` (made absolute, reserved bytes percent-encoded).
fn file_uri(path: &Path, immutable: bool) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| PathBuf::from(path));
    let mut uri = String::from("file:");
    for &b in abs.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str(if immutable {
        "?mode=ro&immutable=1"
    } else {
        "?mode=ro"
    });
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_encode_reserved_bytes() {
        let uri = file_uri(Path::new("/tmp/a b/c?d#e%.sqlite"), true);
        assert_eq!(
            uri,
            "file:/tmp/a%20b/c%3Fd%23e%25.sqlite?mode=ro&immutable=1"
        );
    }

    #[test]
    fn read_only_open_reads_and_refuses_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        drop(Store::open(&path).unwrap());
        let mut s = Store::open_read_only(&path).unwrap();
        assert!(s.is_read_only());
        assert_eq!(s.article_count().unwrap(), 0);
        assert!(s.check().unwrap().problems.is_empty());
        assert!(s.set_index_generation("g", true).is_err());
    }

    #[test]
    fn generation_is_recorded_and_reset_marks_everything_unindexed() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.index_generation().unwrap(), None);
        let a = crate::NewArticle::new(
            "https://a.example/1",
            factwire_core::ArticleRecord {
                text: "AWS grew 24%.".into(),
                ..Default::default()
            },
            "2026-02-05T21:04:00Z",
        );
        let put = s.put_article(&a).unwrap();
        s.mark_indexed(&[(put.id, put.version)]).unwrap();
        s.set_index_generation("one", false).unwrap();
        assert_eq!(s.index_generation().unwrap().as_deref(), Some("one"));
        assert_eq!(s.indexed_states().unwrap()[0].indexed_version, 1);
        s.set_index_generation("two", true).unwrap();
        assert_eq!(s.index_generation().unwrap().as_deref(), Some("two"));
        assert_eq!(s.indexed_states().unwrap()[0].indexed_version, 0);
    }
}
