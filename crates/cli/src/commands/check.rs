//! `factwire check [--repair]`: verify the store, the index and that they agree.
//!
//! Prints what is wrong and the command that fixes it; `--repair` runs the fixes that
//! are safe to run (a rebuild or a re-index of the disagreeing articles, under the run
//! lock) and checks again. Exit status 0 when healthy (after repair, if asked), 1 when
//! something is (still) wrong.

use factwire_pipeline::{Area, CheckReport, RepairReport};

use super::{existing_data, progress_bar, show_progress};
use crate::args::{CheckArgs, Format, GlobalArgs};
use crate::output::{json_one, no_csv};
use crate::{CmdResult, Fail, write_stdout};

pub fn run(global: &GlobalArgs, a: CheckArgs) -> CmdResult {
    no_csv(a.format, "check")?;
    let (_, dd) = existing_data(global)?;
    let (out, healthy) = if a.repair {
        let pb = progress_bar(global);
        let repaired = factwire_pipeline::repair(&dd, &mut |p| show_progress(&pb, p));
        if let Some(pb) = &pb {
            pb.finish_and_clear();
        }
        let r =
            repaired.map_err(|e| Fail::Work(anyhow::Error::new(e).context("check --repair")))?;
        let healthy = r.after.healthy();
        (render_repair(&r, a.format)?, healthy)
    } else {
        let r = factwire_pipeline::check(&dd)
            .map_err(|e| Fail::Work(anyhow::Error::new(e).context("check")))?;
        (render_check(&r, a.format)?, r.healthy())
    };
    write_stdout(&out)?;
    if healthy { Ok(()) } else { Err(Fail::Reported) }
}

fn render_check(r: &CheckReport, format: Format) -> Result<String, Fail> {
    match format {
        Format::Table => Ok(table(r)),
        _ => json_one(&with_health(r), format),
    }
}

fn render_repair(r: &RepairReport, format: Format) -> Result<String, Fail> {
    match format {
        Format::Table => {
            let mut s = String::new();
            if r.before.healthy() {
                s.push_str("nothing to repair\n");
            }
            for a in &r.actions {
                s.push_str(&format!("repaired   {a}\n"));
            }
            s.push_str(&table(&r.after));
            Ok(s)
        }
        _ => json_one(
            &serde_json::json!({
                "before": with_health(&r.before),
                "actions": r.actions,
                "after": with_health(&r.after),
                "healthy": r.after.healthy(),
            }),
            format,
        ),
    }
}

/// The report as JSON, with a `healthy` flag.
fn with_health(r: &CheckReport) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    v["healthy"] = serde_json::Value::Bool(r.healthy());
    v
}

/// One line per area, then each problem with its fix.
fn table(r: &CheckReport) -> String {
    let status = |area: Area, ok: String| {
        let n = r.problems.iter().filter(|p| p.area == area).count();
        match n {
            0 => ok,
            1 => "1 problem".to_string(),
            n => format!("{n} problems"),
        }
    };
    let count =
        |n: Option<u64>, what: &str| n.map_or_else(String::new, |n| format!(" ({n} {what})"));
    let mut s = format!(
        "store      {}\nindex      {}\nagreement  {}\n",
        status(Area::Store, format!("ok{}", count(r.articles, "articles"))),
        status(Area::Index, format!("ok{}", count(r.indexed, "documents"))),
        status(
            Area::Agreement,
            match (r.articles.is_some() && r.indexed.is_some(), r.pending) {
                (false, _) => "not checked".to_string(),
                (true, 0) => "ok".to_string(),
                (true, n) => format!("ok ({n} articles wait for the next ingest)"),
            }
        ),
    );
    for n in &r.notes {
        s.push_str(&format!("note       {n}\n"));
    }
    for p in &r.problems {
        s.push_str(&format!(
            "problem    {}\n           fix: {}\n",
            p.problem, p.fix
        ));
    }
    let repairable = r.problems.iter().filter(|p| p.repairable).count();
    match (r.problems.len(), repairable) {
        (0, _) => s.push_str("healthy\n"),
        (n, 0) => s.push_str(&format!(
            "{n} problem(s); `factwire check --repair` cannot fix them\n"
        )),
        (n, m) => s.push_str(&format!(
            "{n} problem(s); `factwire check --repair` fixes {m} of them\n"
        )),
    }
    s
}

/// The index for `stats`, or why it cannot be trusted: missing, stale, damaged (every
/// file's checksum is verified) or not the index the store indexed into. Each reason
/// says what fixes it.
pub(crate) fn index_state(
    dd: &factwire_pipeline::DataDir,
    store: &factwire_store::Store,
) -> Result<factwire_index::Index, String> {
    let index = factwire_index::Index::open_read(&dd.index_dir()).map_err(|e| e.to_string())?;
    let bad = index.verify().map_err(|e| e.to_string())?;
    if let Some(first) = bad.first() {
        return Err(format!(
            "damaged: {}: {}{} (run `factwire reindex`)",
            dd.index_dir().join(&first.path).display(),
            first.problem,
            match bad.len() {
                1 => String::new(),
                n => format!(" and {} more files", n - 1),
            }
        ));
    }
    if let Ok(Some(recorded)) = store.index_generation()
        && index.generation() != Some(recorded.as_str())
    {
        return Err("not the index the store indexed into (run `factwire reindex`)".to_string());
    }
    Ok(index)
}
