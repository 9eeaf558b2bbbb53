//! `factwire ingest`: fetch feeds and articles, extract, store, index; print the report.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::anyhow;
use factwire_core::RunReport;
use factwire_pipeline::{DataDir, Error as PipelineError, FeedSpec, IngestPlan};

use super::{location_to_url, progress_bar, show_progress};
use crate::args::{Format, GlobalArgs, IngestArgs};
use crate::config::Settings;
use crate::output::csv::{Cell, CsvWriter};
use crate::output::{Table, json_one};
use crate::signals::StopSignals;
use crate::{CmdResult, Fail, write_stdout};

pub fn run(global: &GlobalArgs, a: IngestArgs) -> CmdResult {
    let settings = Settings::resolve(global)?;
    let signals = StopSignals::install(global.quiet, || {})
        .map_err(|e| Fail::Work(anyhow::Error::new(e).context("installing signal handlers")))?;
    let plan = plan(&settings, &a, Some(Arc::clone(&signals.flag)))?;
    let pb = progress_bar(global);
    let result = factwire_pipeline::ingest(plan, &mut |p| show_progress(&pb, p));
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    let outcome = match result {
        Ok(outcome) => outcome,
        // Stopped by an error after it had started (a full disk): the report of what
        // it did still goes out, then the error.
        Err(PipelineError::Aborted { report, error }) => {
            print_report(global, &a, &report)?;
            return Err(Fail::Work(anyhow::Error::new(*error).context("ingest")));
        }
        Err(e) => return Err(Fail::Work(anyhow::Error::new(e).context("ingest"))),
    };
    print_report(global, &a, &outcome.report)?;
    if outcome.report.interrupted
        && let Some(code) = signals.exit_status()
    {
        return Err(Fail::Interrupted(code));
    }
    if outcome.run_failed {
        let r = &outcome.report;
        // Every feed was unreadable as a feed: the input itself is bad (exit 2).
        if !r.failures.is_empty() && r.failures.iter().all(|f| f.reason == "parse") {
            let f = &r.failures[0];
            return Err(Fail::Input(anyhow!(
                "{}: malformed feed: {}",
                f.url,
                f.detail
            )));
        }
        return Err(Fail::Work(anyhow!(
            "ingest: the run failed ({} failed, nothing stored); see the report",
            outcome.report.failed
        )));
    }
    Ok(())
}

/// Prints the run report, unless `-q` silences the table.
fn print_report(global: &GlobalArgs, a: &IngestArgs, r: &RunReport) -> CmdResult {
    if !global.quiet || a.format != Format::Table {
        write_stdout(&render(r, a.format)?)?;
    }
    Ok(())
}

/// The ingest plan for these arguments: the config's feeds (unless
/// `--no-config-feeds`), `--feed`s and direct articles as fetchable URLs. Shared with
/// `watch`, which passes a `stop` flag for Ctrl-C.
pub(crate) fn plan(
    settings: &Settings,
    a: &IngestArgs,
    stop: Option<Arc<AtomicBool>>,
) -> Result<IngestPlan, Fail> {
    let config_dir = settings.config_path.as_deref().and_then(Path::parent);
    let mut feeds = Vec::new();
    if !a.no_config_feeds {
        for f in &settings.file.feeds {
            let url = location_to_url(&f.url, config_dir)?;
            let files_under = match &f.files_under {
                Some(folder) if !url.starts_with("file:") => {
                    return Err(Fail::Input(anyhow!(
                        "[[feeds]] files_under = {folder:?}: only a local feed may read \
                         files, and {url} is not local"
                    )));
                }
                Some(folder) => Some(location_to_url(folder, config_dir)?),
                None => None,
            };
            feeds.push(FeedSpec {
                url,
                name: f.name.clone(),
                accept_invalid_certs: f.accept_invalid_certs,
                files_under,
            });
        }
    }
    for f in &a.feeds {
        feeds.push(FeedSpec {
            url: location_to_url(f, None)?,
            name: None,
            accept_invalid_certs: false,
            files_under: None,
        });
    }
    let mut articles = Vec::new();
    for item in &a.items {
        articles.push(location_to_url(item, None)?);
    }
    if feeds.is_empty() && articles.is_empty() {
        let from = match &settings.config_path {
            Some(p) => format!("{} has no [[feeds]]", p.display()),
            None => "no config file found".to_string(),
        };
        return Err(Fail::Input(anyhow!(
            "nothing to ingest: {from}; give --feed URL, article URLs/paths, or --config FILE"
        )));
    }
    Ok(IngestPlan {
        data_dir: DataDir::new(&settings.data_dir),
        feeds,
        articles,
        fetch: settings.file.fetch.clone(),
        sentences: settings.file.summary.sentences,
        gazetteer: settings.gazetteer()?,
        stop,
    })
}

/// The report's counters as (CSV column, table label, value), in one order for both.
fn counters(r: &RunReport) -> [(&'static str, &'static str, String); 11] {
    [
        ("feeds", "feeds", r.feeds.to_string()),
        ("articles_seen", "seen", r.articles_seen.to_string()),
        ("new", "new", r.new.to_string()),
        ("updated", "updated", r.updated.to_string()),
        ("unchanged", "unchanged", r.unchanged.to_string()),
        ("failed", "failed", r.failed.to_string()),
        ("skipped", "skipped", r.skipped.to_string()),
        ("near_duplicates", "copies", r.near_duplicates.to_string()),
        ("truncated", "truncated", r.truncated.to_string()),
        ("seconds", "in", format!("{:.3}", r.seconds)),
        (
            "interrupted",
            "interrupted",
            u8::from(r.interrupted).to_string(),
        ),
    ]
}

/// The run report in a format.
pub fn render(r: &RunReport, format: Format) -> Result<String, Fail> {
    match format {
        Format::Json | Format::Jsonl => json_one(r, format),
        Format::Csv => {
            // Every counter is a number; the shared writer neutralises any text
            // column a later version adds.
            let c = counters(r);
            let names: Vec<&str> = c.iter().map(|(name, _, _)| *name).collect();
            let mut w = CsvWriter::with_header(&names);
            w.row(c.into_iter().map(|(_, _, v)| Cell::Number(v)));
            Ok(w.finish())
        }
        Format::Table => {
            let line: Vec<String> = counters(r)
                .iter()
                .filter(|(_, label, _)| *label != "interrupted" || r.interrupted)
                .map(|(_, label, v)| match *label {
                    "in" => format!("in {:.2}s", r.seconds),
                    "interrupted" => "interrupted".to_string(),
                    _ => format!("{label} {v}"),
                })
                .collect();
            let mut s = line.join("  ");
            s.push('\n');
            if !r.failures.is_empty() || !r.skips.is_empty() || !r.warnings.is_empty() {
                // The URL and the detail (the root cause: "connection refused",
                // "1000 of 5000 bytes") are printed whole: the detail on its own line.
                let mut t = Table::new(vec!["status", "reason", "url"]).full_last_column();
                let items = (r.failures.iter().map(|f| ("failed", f)))
                    .chain(r.skips.iter().map(|f| ("skipped", f)))
                    .chain(r.warnings.iter().map(|f| ("stored", f)));
                for (status, f) in items {
                    t.row_with_note(
                        vec![status.into(), f.reason.clone(), f.url.clone()],
                        f.detail.clone(),
                    );
                }
                s.push_str(&t.render());
            }
            Ok(s)
        }
    }
}
