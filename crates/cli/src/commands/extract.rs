//! `factwire extract`: one document in, one article record out. Stores nothing.

use std::io::Read;

use anyhow::Context;
use factwire_pipeline::{AnalyzeOptions, Analyzer, InputHint};

use crate::args::{ExtractArgs, ExtractFormat, GlobalArgs};
use crate::config::Settings;
use crate::{CmdResult, Fail, write_stdout};

/// Largest document `extract` reads (bigger inputs are refused, not truncated).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

pub fn run(global: &GlobalArgs, a: ExtractArgs) -> CmdResult {
    let settings = Settings::resolve(global)?;
    let bytes = read_input(&a.path)?;
    let hint = if a.html {
        InputHint::Html
    } else if a.text {
        InputHint::Text
    } else {
        InputHint::Sniff
    };
    if a.sentences == Some(0) {
        return Err(Fail::Input(anyhow::anyhow!(
            "--sentences 0: must be at least 1"
        )));
    }
    let published = a.published.as_deref().map(parse_published).transpose()?;
    let analyzer = Analyzer::new(settings.gazetteer()?);
    let opts = AnalyzeOptions {
        hint,
        url: a.url.clone(),
        content_type: None,
        sentences: a.sentences.unwrap_or(settings.file.summary.sentences),
        fallback_title: None,
        fallback_published: published,
    };
    let mut record = analyzer.analyze(&bytes, &opts).map_err(|e| {
        let name = if a.path == "-" { "stdin" } else { &a.path };
        Fail::Input(anyhow::anyhow!("{name}: {e}"))
    })?;
    if record.url.is_none() {
        record.url = a.url;
    }
    let json = match a.format {
        ExtractFormat::Json => serde_json::to_string_pretty(&record),
        ExtractFormat::Jsonl => serde_json::to_string(&record),
    }
    .context("json output")
    .map_err(Fail::Work)?;
    write_stdout(&(json + "\n"))
}

/// `--published`: a day (`2026-02-05`, read as its midnight UTC) or an RFC 3339 time;
/// returns RFC 3339 UTC.
fn parse_published(s: &str) -> Result<String, Fail> {
    use chrono::{NaiveDate, SecondsFormat, Utc};
    let t = s.trim();
    let day = NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc());
    let time = chrono::DateTime::parse_from_rfc3339(t)
        .ok()
        .map(|d| d.with_timezone(&Utc));
    day.or(time)
        .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true))
        .ok_or_else(|| {
            Fail::Input(anyhow::anyhow!(
                "--published {s:?}: expected a date (2026-01-31) or an RFC 3339 time"
            ))
        })
}

fn read_input(path: &str) -> Result<Vec<u8>, Fail> {
    let mut buf = Vec::new();
    if path == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut buf)
            .context("stdin")
            .map_err(Fail::Input)?;
    } else {
        let meta = std::fs::metadata(path)
            .with_context(|| path.to_string())
            .map_err(Fail::Input)?;
        if meta.is_dir() {
            return Err(Fail::Input(anyhow::anyhow!(
                "{path}: is a directory, not a document"
            )));
        }
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut buf))
            .with_context(|| path.to_string())
            .map_err(Fail::Input)?;
    }
    if buf.len() as u64 > MAX_INPUT_BYTES {
        return Err(Fail::Input(anyhow::anyhow!(
            "{path}: larger than {} MiB",
            MAX_INPUT_BYTES / (1024 * 1024)
        )));
    }
    Ok(buf)
}
