//! One module per command; [`dispatch`] picks one.

mod backup;
mod check;
mod digest;
mod extract;
mod facts;
mod ingest;
mod search;
mod show;
mod stats;
mod watch;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use chrono::{Duration, NaiveDate, SecondsFormat, Utc};
use indicatif::{ProgressBar, ProgressStyle};

use crate::args::{Cli, Command, GlobalArgs};
use crate::config::Settings;
use crate::{CmdResult, Fail};

/// Runs the parsed command.
pub fn dispatch(cli: Cli) -> CmdResult {
    let global = cli.global;
    match cli.command {
        Command::Extract(a) => extract::run(&global, a),
        Command::Ingest(a) => ingest::run(&global, a),
        Command::Search(a) => search::run(&global, a),
        Command::Facts(a) => facts::run(&global, a),
        Command::Show(a) => show::run(&global, a),
        Command::Reindex(a) => stats::reindex(&global, a),
        Command::Stats(a) => stats::run(&global, a),
        Command::Digest(a) => digest::run(&global, a),
        Command::Watch(a) => watch::run(&global, a),
        Command::Check(a) => check::run(&global, a),
        Command::Backup(a) => backup::run(&global, a),
    }
}

/// Settings plus a data directory that must already hold a store (read commands). A
/// store this user may not see is "permission denied", not "no store here".
pub(crate) fn existing_data(
    global: &GlobalArgs,
) -> Result<(Settings, factwire_pipeline::DataDir), Fail> {
    let settings = Settings::resolve(global)?;
    let dd = factwire_pipeline::DataDir::new(&settings.data_dir);
    let path = dd.store_path();
    match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => Ok((settings, dd)),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Fail::Work(
            anyhow::Error::new(e).context(format!("{}: cannot read the store", path.display())),
        )),
        _ => Err(Fail::Input(anyhow!(
            "{}: no factwire store here (run `factwire ingest` first, or pass --data-dir)",
            settings.data_dir.display()
        ))),
    }
}

/// Which end of a day a bare date stands for.
#[derive(Clone, Copy)]
pub(crate) enum DayEnd {
    Start,
    End,
}

/// Parses `--since`/`--until`: `YYYY-MM-DD`, RFC 3339, or a span back from now
/// (`24h`, `7d`, `2w`). Returns RFC 3339 UTC.
pub(crate) fn parse_when(flag: &str, s: &str, end: DayEnd) -> Result<String, Fail> {
    let bad = || {
        Fail::Input(anyhow!(
            "{flag} {s:?}: expected a date (2026-01-31), an RFC 3339 time, or a span such as 24h or 7d"
        ))
    };
    let t = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let time = match end {
            DayEnd::Start => d.and_hms_opt(0, 0, 0),
            DayEnd::End => d.and_hms_opt(23, 59, 59),
        }
        .ok_or_else(bad)?;
        return Ok(time.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true));
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return Ok(dt
            .with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::Secs, true));
    }
    let (num, unit) = t.split_at(t.len().saturating_sub(1));
    let n: i64 = num.parse().map_err(|_| bad())?;
    let span = match unit {
        "h" => Duration::try_hours(n),
        "d" => Duration::try_days(n),
        "w" => Duration::try_weeks(n),
        _ => None,
    }
    .ok_or_else(bad)?;
    Ok((Utc::now() - span).to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Parses an optional `--since`/`--until` pair (see [`parse_when`]).
pub(crate) fn parse_window(
    since: Option<&str>,
    until: Option<&str>,
) -> Result<(Option<String>, Option<String>), Fail> {
    let since = since
        .map(|s| parse_when("--since", s, DayEnd::Start))
        .transpose()?;
    let until = until
        .map(|s| parse_when("--until", s, DayEnd::End))
        .transpose()?;
    Ok((since, until))
}

/// The gazetteer's canonical name for `name` (an alias such as `AWS`), or `name` itself.
/// Loads the gazetteer only when a name is given.
pub(crate) fn canonical_name(
    settings: &Settings,
    name: Option<&str>,
) -> Result<Option<String>, Fail> {
    match name {
        Some(_) => Ok(canonical_in(&settings.gazetteer()?, name)),
        None => Ok(None),
    }
}

/// [`canonical_name`] with a gazetteer already loaded.
pub(crate) fn canonical_in(
    g: &factwire_extractor::Gazetteer,
    name: Option<&str>,
) -> Option<String> {
    name.map(|n| {
        g.canonical(n)
            .map_or_else(|| n.trim().to_string(), str::to_string)
    })
}

/// Turns a command-line or config location into a URL the fetcher takes: http(s) and
/// file URLs as they are, local paths (checked to exist) as `file://` URLs.
pub(crate) fn location_to_url(s: &str, base: Option<&Path>) -> Result<String, Fail> {
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("file://")
    {
        return Ok(s.to_string());
    }
    if let Some((scheme, _)) = s.split_once("://") {
        return Err(Fail::Input(anyhow!(
            "{s}: unsupported URL scheme {scheme:?} (use http, https, file or a local path)"
        )));
    }
    let p = PathBuf::from(s);
    let candidate = if p.exists() {
        Some(p.clone())
    } else {
        base.map(|b| b.join(&p)).filter(|c| c.exists())
    };
    let Some(found) = candidate else {
        return Err(Fail::Input(anyhow!("{s}: no such file")));
    };
    let abs = std::fs::canonicalize(&found)
        .map_err(|e| Fail::Input(anyhow::Error::new(e).context(s.to_string())))?;
    factwire_fetcher::local_path_to_url(&abs)
        .ok_or_else(|| Fail::Input(anyhow!("{s}: cannot turn this path into a file URL")))
}

/// A progress bar on a terminal, nothing otherwise (cron, pipes, `-q`).
pub(crate) fn progress_bar(global: &GlobalArgs) -> Option<ProgressBar> {
    if global.quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new(0);
    let style =
        ProgressStyle::with_template("{spinner} {prefix:>9} [{bar:30}] {pos}/{len} {wide_msg}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    Some(pb)
}

/// Feeds a pipeline progress event to the bar.
pub(crate) fn show_progress(pb: &Option<ProgressBar>, p: &factwire_pipeline::Progress) {
    let Some(pb) = pb else { return };
    let prefix = match p.stage {
        factwire_pipeline::Stage::CatchUp => "indexing",
        factwire_pipeline::Stage::Feeds => "feeds",
        factwire_pipeline::Stage::Articles => "articles",
    };
    pb.set_prefix(prefix);
    pb.set_length(p.total);
    pb.set_position(p.done);
    if let Some(item) = &p.item {
        pb.set_message(item.clone());
    }
}
