//! The raw command line, as clap parses it. Validation happens in the commands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The exit-status section of `factwire --help`; the README's section says the same.
pub const EXIT_STATUS: &str = "Exit status: 0 success, 1 the work failed (partly or wholly), \
2 bad usage or bad input. Errors are one line on stderr starting with `error:`.";

/// factwire turns cloud-industry news into searchable, citable facts.
///
/// Exit status: 0 success, 1 the work failed (partly or wholly), 2 bad usage or bad
/// input. Errors are one line on stderr starting with `error:`.
#[derive(Debug, Parser)]
#[command(
    name = "factwire",
    version,
    about = "factwire turns cloud-industry news into searchable, citable facts.",
    long_about = None,
    after_help = EXIT_STATUS,
    propagate_version = true
)]
pub struct Cli {
    /// Options for every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes, before or after the command name.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Where the store and index live.
    #[arg(long, global = true, env = "FACTWIRE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The config file [default: config/factwire.toml, if it exists].
    #[arg(long, global = true, env = "FACTWIRE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print nothing but results and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Log more to stderr (-v info: one line per feed and article; -vv debug: every
    /// request; -vvv trace). `FACTWIRE_LOG` takes a full filter instead.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// How log lines look: `text` (key=value fields) or `json` (one object per line,
    /// for log collectors).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, value_name = "FORMAT")]
    pub log_format: LogFormat,
}

/// Log line formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LogFormat {
    /// `2026-02-06T10:00:00Z  INFO factwire_pipeline::ingest: article url=... outcome=new`.
    #[default]
    Text,
    /// `{"timestamp":...,"level":"INFO","fields":{"message":"article","url":...}}`.
    Json,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Aligned text for people.
    #[default]
    Table,
    /// One JSON document.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read one document and print its article record (JSON); stores nothing.
    Extract(ExtractArgs),
    /// Fetch feeds and articles, extract, store and index them.
    Ingest(IngestArgs),
    /// Search stored articles.
    Search(SearchArgs),
    /// Export stored facts.
    Facts(FactsArgs),
    /// Show one stored article with its summary, entities and facts.
    Show(ShowArgs),
    /// Rebuild the search index from the store.
    Reindex(FormatArgs),
    /// Counts of feeds, articles, facts, entities, and the last run.
    Stats(FormatArgs),
    /// Group a window's stored articles into ranked stories with key figures.
    Digest(DigestArgs),
    /// Run `ingest` on a schedule, in the foreground, until Ctrl-C.
    Watch(WatchArgs),
    /// Verify the store, the index and that they agree; --repair fixes what it can.
    Check(CheckArgs),
    /// Copy the store consistently (also while an ingest runs) to a new file.
    Backup(BackupArgs),
}

/// `check` arguments.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Fix what can be fixed (rebuild or re-index; takes the ingest lock), then check
    /// again.
    #[arg(long)]
    pub repair: bool,
    /// Output format (table, json or jsonl).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `backup` arguments.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The new file to write (never overwritten), or a directory to write a
    /// time-stamped copy into.
    #[arg(value_name = "DEST")]
    pub dest: std::path::PathBuf,
    /// Output format (table, json or jsonl).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `extract` arguments.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Treat the input as HTML.
    #[arg(long, conflicts_with = "text")]
    pub html: bool,
    /// Treat the input as plain text.
    #[arg(long)]
    pub text: bool,
    /// The document's URL (for relative links, dates in URLs and the record's url).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Publication date (YYYY-MM-DD or RFC 3339) when the document carries none:
    /// the reference for the years of bare quarters, months and days.
    #[arg(long, value_name = "DATE")]
    pub published: Option<String>,
    /// Summary length in sentences [default: 3, or the config's `[summary] sentences`].
    #[arg(long, value_name = "N")]
    pub sentences: Option<usize>,
    /// Output format: json (pretty) or jsonl (one line).
    #[arg(long, value_enum, default_value = "json")]
    pub format: ExtractFormat,
    /// A file, or - for stdin.
    #[arg(value_name = "PATH")]
    pub path: String,
}

/// Formats `extract` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    /// One pretty JSON object.
    Json,
    /// One JSON object on one line.
    Jsonl,
}

/// `ingest` arguments.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// A feed to read besides those in the config (http(s) URL or local path).
    #[arg(long = "feed", value_name = "URL")]
    pub feeds: Vec<String>,
    /// Read only the feeds given with --feed, not those in the config.
    #[arg(long)]
    pub no_config_feeds: bool,
    /// Articles to ingest directly (http(s) URLs or local files).
    #[arg(value_name = "URL|PATH")]
    pub items: Vec<String>,
    /// Output format for the run report.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Sort orders for search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SortArg {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first.
    Newest,
}

/// `search` arguments.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words, "exact phrases", -exclusions, OR, and field prefixes
    /// (title:, entity:, source:, metric:). May start with `-` ("-AWS cloud").
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,
    /// Only articles published on or after DATE (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles published on or before DATE (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only articles from this host (example.com; a URL is read as its host, and
    /// `www.` does not matter).
    #[arg(long, value_name = "HOST")]
    pub source: Option<String>,
    /// Only articles mentioning this entity (any alias: AWS).
    #[arg(long, value_name = "NAME")]
    pub entity: Option<String>,
    /// At most N hits.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Order of hits.
    #[arg(long, value_enum, default_value_t)]
    pub sort: SortArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `facts` arguments.
#[derive(Debug, Args)]
pub struct FactsArgs {
    /// Only facts about this subject (canonical name or any alias: AWS).
    #[arg(long, value_name = "NAME")]
    pub subject: Option<String>,
    /// Only this metric (revenue, growth, capex, ...).
    #[arg(long, value_name = "M")]
    pub metric: Option<String>,
    /// Only this kind (money, percent, count, quantity, date, period).
    #[arg(long, value_name = "K")]
    pub kind: Option<String>,
    /// Only facts from articles published on or after DATE.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only facts from articles published on or before DATE.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// At most N rows.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// One row per figure (subject, metric, period) across articles: consensus value,
    /// value range, article count (syndicated copies left out), first seen, sources.
    #[arg(long)]
    pub consolidate: bool,
    /// Leave out syndicated copies (articles linked to an original as near-duplicates).
    /// Always on with --consolidate, so a reprinted figure is not counted twice.
    #[arg(long)]
    pub no_copies: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Write to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `show` arguments.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The article's id or URL.
    #[arg(value_name = "ID|URL")]
    pub article: String,
    /// Output format (table or json).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Just a format.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Formats `digest` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum DigestFormat {
    /// Markdown: a heading per story, outlets with links, a key-figure table.
    #[default]
    Markdown,
    /// One self-contained HTML page (inline CSS and SVG charts).
    Html,
    /// The digest as one JSON document.
    Json,
}

/// `digest` arguments.
#[derive(Debug, Args)]
pub struct DigestArgs {
    /// Start of the window: a date (2026-01-31), an RFC 3339 time, or a span back
    /// from now (24h, 7d, 2w). Use an early date for everything stored.
    #[arg(long, value_name = "WHEN", default_value = "7d")]
    pub since: String,
    /// End of the window (a date counts to its end) [default: now].
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only stories in which some article mentions this entity (any alias: AWS).
    #[arg(long, value_name = "NAME")]
    pub subject: Option<String>,
    /// At most N stories.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: DigestFormat,
    /// Write to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `watch` arguments.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Time between the starts of two runs: 30s, 15m, 1h, 1d. A run that takes
    /// longer is followed at once by the next.
    #[arg(long, value_name = "SPAN", default_value = "15m")]
    pub every: String,
    /// Stop after N runs [default: run until Ctrl-C].
    #[arg(long, value_name = "N")]
    pub max_runs: Option<u64>,
    /// What to ingest, as for `ingest`; each run prints one report line (table), one
    /// JSON object per line (json, jsonl) or one CSV row (csv, header once).
    #[command(flatten)]
    pub ingest: IngestArgs,
}
