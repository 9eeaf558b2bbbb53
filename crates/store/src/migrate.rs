//! Schema migrations keyed on `PRAGMA user_version`.
//!
//! Rules (after cargo's `util/sqlite.rs`):
//! - Each file in `migrations/` is one step, applied in order; `user_version` counts
//!   the steps applied, so version `N` means files `0001..=N` have run.
//! - A released migration is never edited or removed. Change the schema by adding the
//!   next numbered file and a fixture `fixtures/db/v<N>.sqlite` made at that version.
//! - All pending steps run inside ONE exclusive transaction: a crash mid-way leaves
//!   the database exactly as it was, and two processes cannot migrate at once.
//! - A database newer than this build knows is refused rather than guessed at.
//! - A step may carry a Rust function that runs after its SQL in the same
//!   transaction, for data SQL cannot compute (0002 fills in the SimHash fingerprint
//!   of every article already stored).

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::{Error, Result};

/// One migration step: a name, its SQL, and an optional data step run after the SQL.
pub(crate) struct Migration {
    pub(crate) name: &'static str,
    sql: &'static str,
    data: Option<fn(&Transaction<'_>) -> rusqlite::Result<()>>,
}

/// The migration steps, in order. `MIGRATIONS.len()` is the current schema version.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_init",
        sql: include_str!("../migrations/0001_init.sql"),
        data: None,
    },
    Migration {
        name: "0002_fingerprints",
        sql: include_str!("../migrations/0002_fingerprints.sql"),
        data: Some(fill_fingerprints),
    },
    Migration {
        name: "0003_pending_links",
        sql: include_str!("../migrations/0003_pending_links.sql"),
        data: None,
    },
    Migration {
        name: "0004_index_generation",
        sql: include_str!("../migrations/0004_index_generation.sql"),
        data: None,
    },
    Migration {
        name: "0005_feed_health",
        sql: include_str!("../migrations/0005_feed_health.sql"),
        data: None,
    },
];

/// 0002's data step: the SimHash of every stored article's text.
fn fill_fingerprints(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let rows: Vec<(i64, String)> = tx
        .prepare("SELECT id, text FROM articles WHERE simhash IS NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = tx.prepare("UPDATE articles SET simhash = ?2 WHERE id = ?1")?;
    for (id, text) in rows {
        if let Some(f) = factwire_core::fingerprint::simhash(&text) {
            update.execute((id, f.cast_signed()))?;
        }
    }
    Ok(())
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings `conn` up to [`SCHEMA_VERSION`]; a no-op when it is already there.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    // Up to date (every open but the first after an upgrade): no exclusive
    // transaction, so a reader never waits for a running ingest's write batch.
    if user_version(conn)? == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    let found: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (step, m) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let failed = |source| Error::Migration {
            name: m.name.to_string(),
            source,
        };
        tx.execute_batch(m.sql).map_err(failed)?;
        if let Some(data) = m.data {
            data(&tx).map_err(failed)?;
        }
        tx.pragma_update(None, "user_version", step as u32 + 1)?;
    }
    tx.commit()?;
    Ok(())
}

/// The `user_version` of an open connection.
pub(crate) fn user_version(conn: &Connection) -> Result<u32> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_empty_then_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        let tables = |c: &Connection| -> i64 {
            c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
                .unwrap()
        };
        let before = tables(&conn);
        migrate(&mut conn).unwrap();
        assert_eq!(tables(&conn), before);
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn refuses_a_newer_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(matches!(err, Error::TooNew { .. }), "{err}");
    }

    #[test]
    fn failed_step_rolls_back_everything() {
        let mut conn = Connection::open_in_memory().unwrap();
        // A table the first migration also creates makes step 1 fail half-way.
        conn.execute_batch("CREATE TABLE hosts (x)").unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(matches!(err, Error::Migration { .. }), "{err}");
        assert_eq!(user_version(&conn).unwrap(), 0);
        let feeds: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'feeds'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(feeds, 0, "the partial migration must be rolled back");
    }
}
