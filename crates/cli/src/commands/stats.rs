//! `factwire stats` and `factwire reindex`.

use std::time::Instant;

use factwire_store::{FeedHealth, Store};

use super::{existing_data, progress_bar, show_progress};
use crate::args::{Format, FormatArgs, GlobalArgs};
use crate::output::{json_one, no_csv};
use crate::{CmdResult, Fail, write_stdout};

pub fn run(global: &GlobalArgs, a: FormatArgs) -> CmdResult {
    no_csv(a.format, "stats")?;
    let (_, dd) = existing_data(global)?;
    let store = Store::open_for_reading(&dd.store_path()).map_err(|e| {
        Fail::Work(anyhow::Error::new(e).context(dd.store_path().display().to_string()))
    })?;
    let st = store
        .stats()
        .map_err(|e| Fail::Work(anyhow::Error::new(e).context("store")))?;
    // The index is derived; report how many documents it holds so a user (or a test)
    // can see it is in step with the store.
    // Read-only, and never "healthy" when it is not: a missing, stale, damaged or
    // foreign index is reported with what fixes it.
    let index = super::check::index_state(&dd, &store);
    let index_error = index.as_ref().err().cloned();
    let index = index.ok();
    let indexed = index.as_ref().and_then(|ix| ix.doc_count().ok());
    let segments = index.as_ref().and_then(|ix| ix.segment_count().ok());
    // Hosts that asked us to slow down or stay away: what the next run will respect.
    let now = chrono::Utc::now().timestamp();
    let hosts: Vec<serde_json::Value> = store
        .host_states()
        .map_err(|e| Fail::Work(anyhow::Error::new(e).context("store")))?
        .into_iter()
        .map(|h| {
            let until = h
                .retry_after_until
                .filter(|t| *t > now)
                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            serde_json::json!({
                "host": h.host,
                "retry_after_until": until,
                "crawl_delay_ms": h.crawl_delay_ms,
            })
        })
        .filter(|h| !h["retry_after_until"].is_null() || !h["crawl_delay_ms"].is_null())
        .collect();
    let health = store
        .feed_health()
        .map_err(|e| Fail::Work(anyhow::Error::new(e).context("store")))?;
    let last = st.last_run.as_ref().map(|r| {
        serde_json::json!({
            "started_at": r.started_at,
            "finished_at": r.finished_at,
            "report": r.report,
        })
    });
    let v = serde_json::json!({
        "feeds": st.feeds,
        "articles": st.articles,
        "facts": st.facts,
        "entities": st.entities,
        "indexed": indexed,
        "index_segments": segments,
        "index_error": index_error,
        "last_run": last,
        "hosts": hosts,
        "feed_health": health.iter().map(|f| serde_json::json!({
            "url": f.url,
            "name": f.name,
            "last_fetched": f.last_fetched,
            "last_success": f.last_success,
            "consecutive_failures": f.consecutive_failures,
            "last_error": f.last_error,
        })).collect::<Vec<_>>(),
    });
    let out = match a.format {
        Format::Table => {
            let mut s = format!(
                "feeds      {}\narticles   {}\nfacts      {}\nentities   {}\nindexed    {}{}\n",
                st.feeds,
                st.articles,
                st.facts,
                st.entities,
                indexed.map_or_else(
                    || index_error.clone().unwrap_or_else(|| "unknown".to_string()),
                    |n| n.to_string()
                ),
                segments.map_or_else(String::new, |n| match n {
                    0 | 1 => format!(" ({n} segment)"),
                    _ => format!(" ({n} segments; `factwire reindex` merges them)"),
                })
            );
            match &st.last_run {
                Some(r) => {
                    let rep = &r.report;
                    s.push_str(&format!(
                        "last run   {} (new {}, updated {}, unchanged {}, failed {}, skipped {})\n",
                        r.started_at, rep.new, rep.updated, rep.unchanged, rep.failed, rep.skipped
                    ));
                }
                None => s.push_str("last run   never\n"),
            }
            for h in &hosts {
                let mut asks = Vec::new();
                if let Some(t) = h["retry_after_until"].as_str() {
                    asks.push(format!("wait until {t}"));
                }
                if let Some(ms) = h["crawl_delay_ms"].as_u64() {
                    asks.push(format!("crawl delay {ms} ms"));
                }
                s.push_str(&format!(
                    "host       {} ({})\n",
                    h["host"].as_str().unwrap_or_default(),
                    asks.join(", ")
                ));
            }
            for f in &health {
                s.push_str(&format!("feed       {}  {}\n", f.url, feed_line(f)));
            }
            s
        }
        _ => json_one(&v, a.format)?,
    };
    write_stdout(&out)
}

/// One feed's health for the table, never cut: `ok since …` or `failing: …`, with
/// the last error's full text.
fn feed_line(f: &FeedHealth) -> String {
    let success = f.last_success.as_deref().unwrap_or("never");
    let mut line = match f.consecutive_failures {
        0 => format!("ok (last success {success})"),
        1 => format!("failing: 1 failure, last success {success}"),
        n => format!("failing: {n} failures in a row, last success {success}"),
    };
    if let Some(e) = &f.last_error {
        line.push_str(&format!("; last error: {e}"));
    }
    line
}

pub fn reindex(global: &GlobalArgs, a: FormatArgs) -> CmdResult {
    no_csv(a.format, "reindex")?;
    let (_, dd) = existing_data(global)?;
    let started = Instant::now();
    let pb = progress_bar(global);
    let n = factwire_pipeline::reindex(&dd, &mut |p| show_progress(&pb, p));
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    let n = n.map_err(|e| Fail::Work(anyhow::Error::new(e).context("reindex")))?;
    let secs = started.elapsed().as_secs_f64();
    let out = match a.format {
        Format::Table => format!("reindexed {n} articles in {secs:.2}s\n"),
        _ => json_one(
            &serde_json::json!({"articles": n, "seconds": secs}),
            a.format,
        )?,
    };
    if !global.quiet || a.format != Format::Table {
        write_stdout(&out)?;
    }
    Ok(())
}
