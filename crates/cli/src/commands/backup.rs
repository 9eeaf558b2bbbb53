//! `factwire backup DEST`: a consistent copy of the store, also while an ingest runs.
//!
//! The copy is one self-contained SQLite file (SQLite's online backup, see
//! `factwire_store::Store::backup_to`). The index is not copied: it is derived, and
//! `factwire reindex` rebuilds it from the restored store. DEST may be a new file name
//! or an existing directory (the copy is then named after the time it was taken).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::anyhow;
use factwire_store::Store;

use super::existing_data;
use crate::args::{BackupArgs, Format, GlobalArgs};
use crate::output::{json_one, no_csv};
use crate::{CmdResult, Fail, write_stdout};

pub fn run(global: &GlobalArgs, a: BackupArgs) -> CmdResult {
    no_csv(a.format, "backup")?;
    let (_, dd) = existing_data(global)?;
    let dest = destination(&a.dest)?;
    let store = Store::open_for_reading(&dd.store_path()).map_err(|e| {
        Fail::Work(anyhow::Error::new(e).context(dd.store_path().display().to_string()))
    })?;
    let started = Instant::now();
    let info = store.backup_to(&dest).map_err(|e| match e {
        factwire_store::Error::BackupExists { .. } => Fail::Input(anyhow::Error::new(e)),
        other => Fail::Work(anyhow::Error::new(other)),
    })?;
    let secs = started.elapsed().as_secs_f64();
    let restore = restore_command(&dest);
    let out = match a.format {
        Format::Table => format!(
            "backed up {} articles to {} ({:.1} MB) in {secs:.2}s\nrestore with: {restore}\n",
            info.articles,
            dest.display(),
            info.bytes as f64 / 1e6
        ),
        _ => json_one(
            &serde_json::json!({
                "path": dest.display().to_string(),
                "articles": info.articles,
                "bytes": info.bytes,
                "seconds": secs,
                "restore": restore,
            }),
            a.format,
        )?,
    };
    if !global.quiet || a.format != Format::Table {
        write_stdout(&out)?;
    }
    Ok(())
}

/// The file to write: DEST itself, or a time-stamped name inside DEST when it is a
/// directory. A missing parent directory is bad input.
fn destination(dest: &Path) -> Result<PathBuf, Fail> {
    if dest.is_dir() {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        return Ok(dest.join(format!("factwire-{stamp}.sqlite")));
    }
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(Fail::Input(anyhow!(
            "{}: no such directory to write the backup into",
            parent.display()
        )));
    }
    Ok(dest.to_path_buf())
}

/// The documented way back: a fresh data directory holding the copy, then a rebuild
/// of the index.
fn restore_command(dest: &Path) -> String {
    format!(
        "mkdir NEW_DATA_DIR && cp {} NEW_DATA_DIR/factwire.sqlite && factwire --data-dir NEW_DATA_DIR reindex",
        dest.display()
    )
}
