//! `factwire watch`: `ingest` on a schedule, in the foreground.
//!
//! Each run is an ordinary ingest (the same plan as `factwire ingest` with the same
//! arguments, built afresh each run so a changed gazetteer file is picked up) and
//! prints one report line. Runs start every `--every` (`30s`, `15m`, `1h`, `1d`),
//! measured from the start of the previous run; a run that overruns its slot is
//! followed at once by the next, never by two.
//!
//! Stopping: Ctrl-C (SIGINT) or SIGTERM sets the pipeline's stop flag (see
//! `signals.rs`), so the run in hand finishes the article it is on, commits what it
//! stored, prints its report marked `interrupted`, and the command exits 130 (SIGINT)
//! or 143 (SIGTERM), as `ingest` does. Between runs nothing is in hand: the signal ends
//! the wait at once and the command exits 0. A second signal quits immediately with
//! the same status; the store's transactions and the run lock (an OS file lock) make
//! that safe too. `--max-runs N` stops after N runs.
//!
//! A failed run (the feeds unreachable, another ingest holding the lock) is logged as
//! a warning and the schedule goes on: a watcher outlives a network outage. Only bad
//! arguments fail the command, before the first run (exit 2).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use anyhow::anyhow;
use chrono::{SecondsFormat, Utc};
use factwire_core::RunReport;

use super::{ingest, progress_bar, show_progress};
use crate::args::{Format, GlobalArgs, WatchArgs};
use crate::config::Settings;
use crate::output::json_one;
use crate::signals::StopSignals;
use crate::{CmdResult, Fail, write_stdout};

pub fn run(global: &GlobalArgs, a: WatchArgs) -> CmdResult {
    let every = parse_every(&a.every)?;
    if a.max_runs == Some(0) {
        return Err(Fail::Input(anyhow!(
            "--max-runs 0: expected at least 1 run"
        )));
    }
    let settings = Settings::resolve(global)?;
    // Bad paths and an empty feed list are usage errors: report them before waiting.
    ingest::plan(&settings, &a.ingest, None)?;

    let (wake, woken) = mpsc::channel::<()>();
    let signals = StopSignals::install(global.quiet, move || {
        let _ = wake.send(());
    })
    .map_err(|e| Fail::Work(anyhow::Error::new(e).context("installing signal handlers")))?;
    let stop = Arc::clone(&signals.flag);

    let mut run = 0u64;
    loop {
        let started = Instant::now();
        run += 1;
        let interrupted = run_once(global, &settings, &a, &stop, run)?;
        if interrupted && let Some(code) = signals.exit_status() {
            return Err(Fail::Interrupted(code));
        }
        if stop.load(Ordering::SeqCst) || a.max_runs.is_some_and(|n| run >= n) {
            break;
        }
        let wait = (started + every).saturating_duration_since(Instant::now());
        match woken.recv_timeout(wait) {
            Ok(()) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // The handler owns the sender and lives as long as the process; should it
            // ever go, keep the schedule by sleeping.
            Err(mpsc::RecvTimeoutError::Disconnected) => std::thread::sleep(wait),
        }
    }
    Ok(())
}

/// One scheduled ingest; returns whether a stop request interrupted it. Only a
/// failure to write the report ends the watch.
fn run_once(
    global: &GlobalArgs,
    settings: &Settings,
    a: &WatchArgs,
    stop: &Arc<AtomicBool>,
    run: u64,
) -> Result<bool, Fail> {
    let plan = match ingest::plan(settings, &a.ingest, Some(Arc::clone(stop))) {
        Ok(plan) => plan,
        Err(Fail::Input(e) | Fail::Work(e)) => {
            tracing::warn!("run {run}: {e:#}");
            return Ok(false);
        }
        Err(Fail::Reported | Fail::Interrupted(_)) => return Ok(false),
    };
    let pb = progress_bar(global);
    let result = factwire_pipeline::ingest(plan, &mut |p| show_progress(&pb, p));
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    let outcome = match result {
        Ok(o) => o,
        Err(factwire_pipeline::Error::Aborted { report, error }) => {
            tracing::warn!("run {run}: ingest: {:#}", anyhow::Error::new(*error));
            if !global.quiet || a.ingest.format != Format::Table {
                write_stdout(&report_line(&report, a.ingest.format, run)?)?;
            }
            return Ok(false);
        }
        Err(e) => {
            tracing::warn!("run {run}: ingest: {:#}", anyhow::Error::new(e));
            return Ok(false);
        }
    };
    let r = &outcome.report;
    for f in &r.failures {
        tracing::warn!("run {run}: {}: {}: {}", f.url, f.reason, f.detail);
    }
    for f in &r.skips {
        tracing::info!("run {run}: skipped {}: {}: {}", f.url, f.reason, f.detail);
    }
    if outcome.run_failed {
        tracing::warn!(
            "run {run}: the run failed ({} failed, nothing stored)",
            r.failed
        );
    }
    if !global.quiet || a.ingest.format != Format::Table {
        write_stdout(&report_line(r, a.ingest.format, run)?)?;
    }
    Ok(r.interrupted)
}

/// The report of run number `run` (from 1) as one line: a time-stamped summary
/// (table), one JSON object (json, jsonl), or one CSV row after a header on run 1.
fn report_line(r: &RunReport, format: Format, run: u64) -> Result<String, Fail> {
    match format {
        Format::Json | Format::Jsonl => json_one(r, Format::Jsonl),
        Format::Csv => {
            let text = ingest::render(r, Format::Csv)?;
            Ok(if run == 1 {
                text
            } else {
                text.lines().skip(1).map(|l| format!("{l}\n")).collect()
            })
        }
        Format::Table => {
            let text = ingest::render(r, Format::Table)?;
            let summary = text.lines().next().unwrap_or_default();
            let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
            Ok(format!("{now}  run {run}  {summary}\n"))
        }
    }
}

/// Parses `--every`: a whole number of seconds, minutes, hours or days (`30s`, `15m`,
/// `1h`, `1d`), at least one second.
fn parse_every(s: &str) -> Result<Duration, Fail> {
    let bad = || {
        Fail::Input(anyhow!(
            "--every {s:?}: expected a span such as 30s, 15m, 1h or 1d (at least 1s)"
        ))
    };
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| bad())?;
    let secs_per = match unit.trim() {
        "s" | "sec" | "secs" => 1,
        "m" | "min" | "mins" => 60,
        "h" | "hr" | "hrs" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    match n.checked_mul(secs_per) {
        Some(secs) if secs > 0 => Ok(Duration::from_secs(secs)),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parses_seconds_minutes_hours_days() {
        let cases = [
            ("30s", 30),
            ("15m", 900),
            ("1h", 3600),
            ("2d", 172_800),
            (" 5 min ", 300),
        ];
        for (s, secs) in cases {
            assert_eq!(parse_every(s).ok(), Some(Duration::from_secs(secs)), "{s}");
        }
    }

    #[test]
    fn every_rejects_zero_bare_numbers_and_unknown_units() {
        for s in [
            "0s",
            "15",
            "m",
            "1w",
            "-5m",
            "1.5h",
            "",
            "99999999999999999999d",
        ] {
            assert!(parse_every(s).is_err(), "{s:?} should be refused");
        }
    }

    #[test]
    fn csv_lines_have_a_header_on_the_first_run_only() {
        let r = RunReport::default();
        let first = report_line(&r, Format::Csv, 1).unwrap();
        let second = report_line(&r, Format::Csv, 2).unwrap();
        assert_eq!(first.lines().count(), 2);
        assert!(first.starts_with("feeds,"));
        assert_eq!(second.lines().count(), 1);
        assert_eq!(
            second,
            first.lines().nth(1).map(|l| format!("{l}\n")).unwrap()
        );
    }

    #[test]
    fn table_and_json_reports_are_one_line() {
        let r = RunReport::default();
        for f in [Format::Table, Format::Json, Format::Jsonl] {
            let line = report_line(&r, f, 3).unwrap();
            assert_eq!(line.lines().count(), 1, "{f:?}: {line}");
        }
        assert!(
            report_line(&r, Format::Table, 3)
                .unwrap()
                .contains("run 3  feeds 0")
        );
    }
}
